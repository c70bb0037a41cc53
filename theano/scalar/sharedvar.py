"""Shared variables of a ``Scalar`` type: ``theano.scalar.sharedvar.shared(1)`` (Theano 1.0's path).

``theano.shared(1)`` makes a 0-d tensor, as in Theano 1.0; this constructor, called by name only,
makes a variable of the scalar type (``theano.scalar.int64``) whose value is one NumPy scalar.

Shared variables belong to the compile layer, above this one: ``theano.compile`` hands the
constructor over with ``register`` when it is imported (``import theano`` does), so this module
imports nothing from above.
"""

__all__ = ["shared", "register"]

_made = {}


def register(constructor, variable_class):
    """Called by ``theano.compile.scalar_shared``: the function that builds the variables, and
    their class (``ScalarSharedVariable``)."""
    _made["constructor"] = constructor
    _made["class"] = variable_class


def shared(value, name=None, strict=False, allow_downcast=None):
    """A shared variable of type ``Scalar(dtype)`` holding ``value`` (a Python or NumPy number:
    ``int`` gives int64, ``float`` float64, a NumPy number keeps its dtype)."""
    if "constructor" not in _made:
        raise ImportError("theano.scalar.sharedvar.shared needs theano.compile: import theano first")
    return _made["constructor"](value, name=name, strict=strict, allow_downcast=allow_downcast)


def __getattr__(name):
    if name == "ScalarSharedVariable" and "class" in _made:
        return _made["class"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
