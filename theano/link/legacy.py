"""Theano 1.0's linker objects: ``theano.gof.PerformLinker``, ``CLinker``, ``OpWiseCLinker``.

Theano 1.0 programs use them two ways, and both work:

- as the linker of a mode, ``theano.Mode(linker=gof.PerformLinker(), optimizer=...)``: the object
  is a backend (``make_thunk(fgraph, profile)``), the reference VM;
- directly on a function graph, without rewriting it:
  ``f = gof.PerformLinker().accept(FunctionGraph([x], [y])).make_function(); f(x_value)``.
  The graph runs as given, node by node (an in-place op overwrites the array passed for its
  input). Arguments are checked and converted by their variable's type (``TypeError`` when that
  is impossible, e.g. a length that contradicts a broadcastable dimension); the call returns the
  single output (``unpack_single=True``) or the list of outputs.

There is no C compiler here: ``CLinker`` and ``OpWiseCLinker`` run the graph as ``PerformLinker``
does, as the linker names 'c' and 'c|py' map to the reference VM (``theano.link.ALIASES``).
"""

from theano.graph.fg import FunctionGraph
from theano.link.python.vm import PythonLinker


class Container:
    """A storage cell holding the value of ``variable`` (``container.data``, checked by the
    variable's type when set; ``container.storage`` is the underlying one-element list)."""

    def __init__(self, variable, storage=None, strict=False, allow_downcast=None):
        self.variable = variable
        self.type = variable.type
        self.storage = [None] if storage is None else storage
        self.strict = strict
        self.allow_downcast = allow_downcast

    @property
    def data(self):
        return self.storage[0]

    @data.setter
    def data(self, value):
        if value is None:
            self.storage[0] = None
            return
        self.storage[0] = self.type.filter(value, strict=self.strict,
                                           allow_downcast=self.allow_downcast)

    value = data

    def __repr__(self):
        return f"<{self.variable}: {self.storage[0]!r}>"


class Linker(PythonLinker):
    """Base of Theano 1.0's linker classes: ``accept(fgraph)``, ``make_thunk()``,
    ``make_function()``; also usable as ``Mode(linker=...)``."""

    def __init__(self, allow_gc=None, schedule=None):
        if allow_gc is None:
            from theano.configdefaults import config

            allow_gc = config.allow_gc
        super().__init__(allow_gc=allow_gc)
        self.schedule = schedule
        self.fgraph = None
        self.no_recycling = []

    def accept(self, fgraph, no_recycling=None, profile=None):
        """Attach ``fgraph`` (a linker already attached to another graph returns a new one)."""
        if not isinstance(fgraph, FunctionGraph):
            raise TypeError(f"{type(self).__name__}.accept expects a FunctionGraph, got "
                            f"{type(fgraph).__name__}")
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(allow_gc=self.allow_gc, schedule=self.schedule).accept(
                fgraph, no_recycling, profile)
        self.fgraph = fgraph
        self.no_recycling = list(no_recycling or [])
        return self

    def __copy__(self):
        # ``copy(linker).accept(...)``: a fresh linker with the same options
        return type(self)(allow_gc=self.allow_gc, schedule=self.schedule)

    def make_thunk(self, fgraph=None, profile=None, input_storage=None, output_storage=None,
                   storage_map=None):
        """As a mode's backend, ``make_thunk(fgraph, profile)`` returns the callable of ``fgraph``.
        On an accepted graph (Theano's form), ``make_thunk()`` returns ``(thunk, inputs, outputs)``:
        ``thunk()`` runs the graph on the values of the ``inputs`` containers and puts the results
        in the ``outputs`` containers."""
        if isinstance(fgraph, FunctionGraph):
            return super().make_thunk(fgraph, profile)
        if fgraph is not None:  # Theano's first positional argument was input_storage
            input_storage = fgraph
        if self.fgraph is None:
            raise ValueError(f"{type(self).__name__}: call accept(fgraph) before make_thunk()")
        fg = self.fgraph
        run = super().make_thunk(fg, profile)
        inputs = [Container(v, None if input_storage is None else input_storage[i])
                  for i, v in enumerate(fg.inputs)]
        outputs = [Container(v, None if output_storage is None else output_storage[i])
                   for i, v in enumerate(fg.outputs)]

        def thunk():
            results = run([c.storage[0] for c in inputs])
            for c, r in zip(outputs, results):
                c.storage[0] = r

        return thunk, inputs, outputs

    def make_function(self, unpack_single=True, **kwargs):
        """A Python function of the accepted graph's inputs (in order) returning its outputs."""
        thunk, inputs, outputs = self.make_thunk(**kwargs)

        def execute(*args):
            if len(args) != len(inputs):
                raise TypeError(f"Function call takes exactly {len(inputs)} argument"
                                f"{'' if len(inputs) == 1 else 's'} ({len(args)} given)")
            for container, arg in zip(inputs, args):
                container.data = arg
            thunk()
            results = [c.storage[0] for c in outputs]
            if unpack_single and len(results) == 1:
                return results[0]
            return results

        execute.thunk = thunk
        execute.inputs = inputs
        execute.outputs = outputs
        return execute


class LocalLinker(Linker):
    """Theano's base of the linkers that run each node with its own thunk."""


class PerformLinker(LocalLinker):
    """Runs every node through its op's ``perform`` (the reference VM)."""


class CLinker(Linker):
    """Theano's C linker; here the reference VM (there is no C backend)."""


class OpWiseCLinker(LocalLinker):
    """Theano's per-op C linker with a Python fallback; here the reference VM."""


__all__ = ["Container", "Linker", "LocalLinker", "PerformLinker", "CLinker", "OpWiseCLinker"]
