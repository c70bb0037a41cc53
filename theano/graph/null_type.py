"""The types of gradients that are not ordinary values (``theano.gof.null_type`` in Theano 1.0).

An op's gradient method answers, for each input, a variable of the input's kind, or

- a ``DisconnectedType`` variable (``disconnected_type()``): the outputs do not depend on that input;
- a ``NullType`` variable (``grad_undefined``, ``grad_not_implemented``): the gradient is undefined,
  or nobody wrote it; ``why_null`` says which.

They are graph-level words, so that ops of every layer can use them without importing
``theano.gradient`` (which re-exports them).
"""

from theano.graph.type import Type


class DisconnectedType(Type):
    """The type of a gradient that does not exist because the output does not depend on the input."""

    def filter(self, data, strict=False, allow_downcast=None):
        raise AssertionError("A disconnected gradient has no value")

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "DisconnectedType"


class NullType(Type):
    """The type of an undefined gradient; ``why_null`` says why."""

    def __init__(self, why_null="(no explanation given)"):
        self.why_null = why_null

    def filter(self, data, strict=False, allow_downcast=None):
        raise ValueError(f"No values may be assigned to a NullType: {self.why_null}")

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "NullType"


disconnected_type = DisconnectedType()
null_type = NullType()


def grad_undefined(op, x_pos, x, comment=""):
    """The gradient of ``op`` with respect to its input ``x_pos`` is mathematically undefined."""
    return NullType(f"The gradient of {op} with respect to input {x_pos} is undefined. {comment}")()


def grad_not_implemented(op, x_pos, x, comment=""):
    """The gradient of ``op`` with respect to its input ``x_pos`` exists but is not written."""
    return NullType(
        f"The gradient of {op} with respect to input {x_pos} is not implemented. {comment}"
    )()


__all__ = ["DisconnectedType", "NullType", "disconnected_type", "null_type", "grad_undefined",
           "grad_not_implemented"]
