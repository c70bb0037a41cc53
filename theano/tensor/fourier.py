"""Theano 1.0's ``theano.tensor.fourier``: ``fft(a, n=None, axis=None)``, the one-dimensional
discrete Fourier transform of ``a`` along ``axis`` (default: the last), zero-padded or cut to
``n`` points (default: the length of that axis), as ``numpy.fft.fft``. The result is complex
(complex64 for a float32 or complex64 input, complex128 otherwise). ``n`` and ``axis`` may be
symbolic integer scalars. For real-input transforms with gradients, see ``theano.tensor.fft``.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType

__all__ = ["Fourier", "fft"]


def _int_scalar(v, what):
    v = as_tensor_variable(v)
    if v.ndim != 0 or not v.dtype.startswith(("int", "uint")):
        raise TypeError(f"fft: {what} must be an integer scalar, got {v.type}")
    return v


class Fourier(Op):
    """``fft(a, n, axis)`` (see the module docstring): inputs ``a``, ``n``, ``axis``."""

    __props__ = ()

    def make_node(self, a, n, axis):
        a = as_tensor_variable(a)
        if a.dtype not in ("float32", "float64", "complex64", "complex128"):
            raise TypeError(f"fft: a must be a float or complex tensor, got {a.type}")
        if a.ndim < 1:
            raise TypeError(f"fft: a must have at least one dimension, got {a.type}")
        n = _int_scalar(n, "n")
        axis = _int_scalar(axis, "axis")
        out = "complex64" if a.dtype in ("float32", "complex64") else "complex128"
        return Apply(self, [a, n, axis], [TensorType(out, (False,) * a.ndim)()])

    def perform(self, node, inputs, output_storage):
        a, n, axis = inputs
        n, axis = int(n), int(axis)
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(f"fft: axis {axis} is out of range for an input of {a.ndim} "
                             "dimensions")
        if n < 1:
            raise ValueError(f"fft: n must be at least 1, got {n}")
        out = np.fft.fft(a, n, axis)
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        from theano.tensor.basic import switch
        from theano.tensor.math import eq

        shape = input_shapes[0]
        _, n, axis = node.inputs
        ndim = len(shape)
        axis = axis % ndim      # a negative axis counts from the end
        return [tuple(switch(eq(axis, d), n, shape[d]) for d in range(ndim))]

    def grad(self, inputs, output_grads):
        from theano.graph.null_type import grad_undefined

        return [grad_undefined(self, 0, inputs[0], "the gradient of a complex FFT is not "
                               "defined here; use theano.tensor.fft.rfft for differentiable "
                               "real-input transforms"),
                grad_undefined(self, 1, inputs[1], "n is an integer"),
                grad_undefined(self, 2, inputs[2], "axis is an integer")]


_fourier = Fourier()


def fft(a, n=None, axis=None):
    """The discrete Fourier transform of ``a`` along ``axis`` with ``n`` points (see the module
    docstring)."""
    a = as_tensor_variable(a)
    if axis is None:
        axis = a.ndim - 1
    if n is None:
        n = a.shape[axis]
    return _fourier(a, n, axis)
