"""Tensor shared variables: ``theano.shared`` of arrays and numbers."""

import numpy as np

from theano.compile.sharedvalue import SharedVariable, shared_constructor
from theano.tensor.type import TensorType
from theano.tensor.variable import _tensor_py_operators


class TensorSharedVariable(_tensor_py_operators, SharedVariable):
    """A shared variable holding an array: a tensor variable (every tensor operator works on it)
    whose value the functions that use it share."""

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    # A JAX function keeps the value on the device (theano/link/jax/state.py, a DeviceCell as the
    # container's storage): get_value gives a NumPy array (return_internal_type: the device array),
    # set_value copies the new value to the device at once.
    def get_value(self, borrow=False, return_internal_type=False):
        device = getattr(self.container.storage, "device", None)
        if return_internal_type and device is not None:
            return device
        return super().get_value(borrow=borrow, return_internal_type=return_internal_type)

    def set_value(self, new_value, borrow=False):
        super().set_value(new_value, borrow=borrow)
        to_device = getattr(self.container.storage, "to_device", None)
        if to_device is not None:
            to_device()


class ScalarSharedVariable(TensorSharedVariable):
    """A shared variable made from a Python or NumPy number (0-d), as Theano 1.0's
    ``theano.shared(0.5)`` gave."""


@shared_constructor
def tensor_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       broadcastable=None, target="cpu", shape=None):
    """Shared variables for ndarrays (and lists of numbers). No dimension is broadcastable unless
    ``broadcastable`` says so."""
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
        if value.dtype == object:
            raise TypeError("not a numeric list")
        borrow = True
    if not isinstance(value, np.ndarray):
        raise TypeError("not an ndarray")
    if target not in ("cpu", None):
        raise TypeError(f"unknown target {target}")
    if broadcastable is None:
        broadcastable = (False,) * value.ndim
    ttype = TensorType(value.dtype, broadcastable)
    data = value if borrow else value.copy()
    return TensorSharedVariable(name=name, type=ttype, value=data, strict=strict,
                                allow_downcast=allow_downcast)


@shared_constructor
def scalar_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       target="cpu", broadcastable=None):
    """Shared variables for Python and NumPy numbers: 0-d, dtype as NumPy gives it
    (``shared(0)`` is int64, ``shared(0.)`` float64)."""
    if not isinstance(value, (int, float, complex, bool, np.number, np.bool_)):
        raise TypeError("not a number")
    if broadcastable not in (None, ()):
        raise TypeError("a scalar has no dimensions")
    arr = np.asarray(value)
    ttype = TensorType(arr.dtype, ())
    return ScalarSharedVariable(name=name, type=ttype, value=arr.copy(), strict=strict,
                                allow_downcast=allow_downcast)
