"""``Variable.eval``: compile and evaluate a variable, installed on the graph layer's Variable.

The graph layer knows nothing of compilation, so the method is defined here, where
``theano.function`` lives, and set on ``theano.graph.basic.Variable`` when ``theano.compile`` is
imported (which ``import theano`` does).
"""

from theano.compile.function import function
from theano.graph.basic import Variable


def eval(self, inputs_to_values=None):
    """Compile and evaluate this variable, given a dict of input variables to values.

    The compiled function is kept on the variable (one per set of inputs), so calling ``eval``
    again with the same inputs and new values does not compile again.
    """
    inputs_to_values = inputs_to_values or {}
    cache = self.__dict__.setdefault("_fn_cache", {})
    key = tuple(sorted(inputs_to_values, key=id))
    fn = cache.get(tuple(id(k) for k in key))
    if fn is None:
        fn = function(list(key), self, on_unused_input="ignore")
        cache[tuple(id(k) for k in key)] = fn
    return fn(*[inputs_to_values[k] for k in key])


Variable.eval = eval
