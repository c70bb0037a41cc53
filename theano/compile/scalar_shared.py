"""Shared variables of a ``Scalar`` type (``theano.scalar.sharedvar.shared``, see that module)."""

import numbers

import numpy as np

from theano.compile.sharedvalue import SharedVariable
from theano.scalar import sharedvar as _scalar_sharedvar
from theano.scalar.type import ScalarVariable, get_scalar_type

__all__ = ["ScalarSharedVariable", "scalar_shared"]


class ScalarSharedVariable(ScalarVariable, SharedVariable):
    """A shared variable whose value is one NumPy scalar of its ``Scalar`` type."""

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


def scalar_shared(value, name=None, strict=False, allow_downcast=None):
    """A ``ScalarSharedVariable`` holding ``value``: a Python number (bool, int64, float64,
    complex128) or a NumPy number, which keeps its dtype."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not isinstance(value, (numbers.Number, np.number, np.bool_)):
        raise TypeError(f"theano.scalar.sharedvar.shared takes a number, got {type(value).__name__} "
                        f"{value!r}; use theano.shared for arrays")
    data = np.asarray(value)
    typ = get_scalar_type(str(data.dtype))
    return ScalarSharedVariable(name=name, type=typ, value=data[()], strict=strict,
                                allow_downcast=allow_downcast)


_scalar_sharedvar.register(scalar_shared, ScalarSharedVariable)
