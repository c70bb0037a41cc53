"""Theano 1.0's ``theano.gpuarray.type``, kept so that pickles made on a GPU load on the CPU.

Theano 1.0 pickled a GPU array as ``GpuArray_unpickler(numpy_array, context_name)`` and GPU
variables with the classes below. theano-ng has no GPU back-end, so, as Theano 1.0 did with
``config.experimental.unpickle_gpu_on_cpu``, each loads as its CPU counterpart: the array as a
NumPy array, a ``GpuArrayType`` as the TensorType of the same dtype and broadcastable pattern, a
``GpuArraySharedVariable`` as a tensor shared variable holding the values (a model's parameters
trained on a GPU), ``GpuArrayVariable``/``GpuArrayConstant`` as tensor variables/constants.
Graphs holding Theano's GPU ops do not load (pickle names the missing op).
"""

import numpy as np

from theano.tensor.sharedvar import TensorSharedVariable
from theano.tensor.type import TensorType
from theano.tensor.variable import TensorConstant, TensorVariable

__all__ = ["GpuArray_unpickler", "GpuArrayType", "GpuArraySharedVariable", "GpuArrayVariable",
           "GpuArrayConstant"]


def GpuArray_unpickler(npa, ctx_name=None):
    """The NumPy array of a GPU array pickled by Theano 1.0 (loaded on the CPU)."""
    return np.asarray(npa)


class GpuArrayType(TensorType):
    """Theano 1.0's GPU tensor type; one read from a pickle becomes a TensorType."""

    def __init__(self, dtype, broadcastable, context_name=None, name=None):
        raise TypeError("theano-ng has no GPU back-end: GpuArrayType only loads Theano 1.0 "
                        "pickles (as a TensorType)")

    def __setstate__(self, state):
        self.__class__ = TensorType
        TensorType.__init__(self, state["dtype"], state["broadcastable"], state.get("name"))


def _as_cpu(cls):
    def __setstate__(self, state):
        self.__class__ = cls
        cls.__setstate__(self, state)

    return __setstate__


class GpuArraySharedVariable(TensorSharedVariable):
    """Theano 1.0's GPU shared variable; one read from a pickle becomes a tensor shared
    variable with the same values."""

    def __init__(self, *args, **kwargs):
        raise TypeError("theano-ng has no GPU back-end: GpuArraySharedVariable only loads Theano "
                        "1.0 pickles (as a tensor shared variable)")

    __setstate__ = _as_cpu(TensorSharedVariable)


class GpuArrayVariable(TensorVariable):
    """Theano 1.0's GPU variable; one read from a pickle becomes a tensor variable."""

    def __init__(self, *args, **kwargs):
        raise TypeError("theano-ng has no GPU back-end: GpuArrayVariable only loads Theano 1.0 "
                        "pickles (as a tensor variable)")

    __setstate__ = _as_cpu(TensorVariable)


class GpuArrayConstant(TensorConstant):
    """Theano 1.0's GPU constant; one read from a pickle becomes a tensor constant."""

    def __init__(self, *args, **kwargs):
        raise TypeError("theano-ng has no GPU back-end: GpuArrayConstant only loads Theano 1.0 "
                        "pickles (as a tensor constant)")

    __setstate__ = _as_cpu(TensorConstant)
