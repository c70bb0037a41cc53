"""Theano 1.0's ``theano.tensor.io``: ``load(path, dtype, broadcastable, mmap_mode=None)``, a
tensor read from a ``.npy`` file when the function runs (``LoadFromDisk``).

``path`` is a symbolic variable of the generic type (``theano.Variable(theano.Generic())``, given
a file name at call time) or a file name. ``mmap_mode`` is None (the array is read into memory)
or ``'c'`` (copy on write: the file is mapped, and an in-place op of the graph writing into the
array never reaches the file); the modes that would let the graph write into the file are refused.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.type import generic
from theano.tensor.type import TensorType

__all__ = ["LoadFromDisk", "load"]

MMAP_MODES = (None, "c")


class LoadFromDisk(Op):
    """The array stored in the ``.npy`` file named by the input, of ``dtype`` and
    ``broadcastable`` (checked when it is read)."""

    __props__ = ("dtype", "broadcastable", "mmap_mode")

    def __init__(self, dtype, broadcastable, mmap_mode=None):
        if mmap_mode not in MMAP_MODES:
            raise ValueError(f"load: mmap_mode must be None or 'c' (copy on write), got "
                             f"{mmap_mode!r}; 'r', 'r+' and 'w+' would let the graph's in-place "
                             "ops write into the file")
        self.dtype = str(np.dtype(dtype))
        self.broadcastable = tuple(bool(b) for b in broadcastable)
        self.mmap_mode = mmap_mode

    def make_node(self, path):
        if isinstance(path, str):
            path = Constant(generic, path)
        if not isinstance(path, Variable):
            raise TypeError(f"load: path must be a file name or a symbolic variable of the "
                            f"generic type, got {path!r}")
        return Apply(self, [path], [TensorType(self.dtype, self.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        path = inputs[0]
        if not isinstance(path, (str, bytes)) and not hasattr(path, "__fspath__"):
            raise TypeError(f"load: the path given is a {type(path).__name__} ({path!r}), not a "
                            "file name")
        if str(path).endswith(".npz"):
            raise ValueError(f"load: expected a .npy file, got {path!r} (an .npz archive holds "
                             "several arrays)")
        value = np.load(path, mmap_mode=self.mmap_mode)
        if str(value.dtype) != self.dtype:
            raise TypeError(f"load: {path!r} holds an array of dtype {value.dtype}, but the "
                            f"graph expects {self.dtype}")
        if value.ndim != len(self.broadcastable) or any(
                b and n != 1 for b, n in zip(self.broadcastable, value.shape)):
            raise ValueError(f"load: {path!r} holds an array of shape {value.shape}, which "
                             f"does not match the broadcast pattern {self.broadcastable}")
        output_storage[0][0] = value

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [disconnected_type()]

    def __str__(self):
        return f"Load{{dtype: {self.dtype}, broadcastable: {self.broadcastable}, " \
               f"mmep: {self.mmap_mode}}}"


def load(path, dtype, broadcastable, mmap_mode=None):
    """A tensor of ``dtype``/``broadcastable`` read from the ``.npy`` file ``path`` (a symbolic
    generic variable or a file name) each time the function runs. ``mmap_mode``: None or ``'c'``."""
    return LoadFromDisk(dtype, broadcastable, mmap_mode)(path)
