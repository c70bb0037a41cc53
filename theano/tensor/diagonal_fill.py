"""Writing a value on a diagonal: ``fill_diagonal`` (FillDiagonal, the main diagonal of a matrix or of
an n-d tensor with equal dimensions) and ``fill_diagonal_offset`` (FillDiagonalOffset, any diagonal
of a matrix, with _DiagSum for the gradient when the offset is symbolic)."""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (_const_int, _disconnected, _int_scalar, _zero_grad, as_tensor_variable, cast, constant,
                                 zeros_like)
from theano.tensor.linalg_ops import diagonal
from theano.tensor.math import sum as tsum
from theano.tensor.type import TensorType

__all__ = ["FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset"]


class FillDiagonalOffset(Op):
    """A copy of the matrix ``a`` with the scalar ``val`` on the ``offset`` diagonal."""

    __props__ = ()

    def make_node(self, a, val, offset):
        a, val = as_tensor_variable(a), as_tensor_variable(val)
        offset = _int_scalar(offset, "fill_diagonal_offset: offset")
        if a.ndim != 2:
            raise TypeError(f"fill_diagonal_offset needs a matrix, got {a.ndim} dimensions")
        if val.ndim != 0:
            raise TypeError(f"fill_diagonal_offset: val must be a scalar, got {val.ndim} dimensions")
        if ts.upcast(a.dtype, val.dtype) != a.dtype:
            raise TypeError(f"fill_diagonal_offset: val of dtype {val.dtype} does not fit in {a.dtype}")
        # val in a's dtype, as Theano 1.0's make_node: an integer val of a float matrix gets its
        # gradient through the cast
        val = cast(val, a.dtype) if val.dtype != a.dtype else val
        return Apply(self, [a, val, offset], [a.type()])

    def perform(self, node, inputs, output_storage):
        a, val, offset = inputs
        out = a.copy()
        k = int(offset)
        rows, cols = out.shape
        i = np.arange(max(0, -k), min(rows, cols - k)) if rows and cols else np.arange(0)
        out[i, i + k] = val
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def grad(self, inputs, output_grads):
        a, val, offset = inputs
        (gz,) = output_grads
        ga = self(gz, constant(0, dtype=gz.dtype), offset)
        k = _static_offset(offset)
        gval = tsum(diagonal(gz, k)) if k is not None else _DiagSum()(gz, offset)
        ga = _zero_grad(a) if a.dtype in ts.discrete_dtypes else ga
        gval = _zero_grad(val) if val.dtype in ts.discrete_dtypes else gval
        return [ga, gval, _disconnected()]


def _static_offset(offset):
    return _const_int(offset)


class _DiagSum(Op):
    """Sum of the ``offset`` diagonal of a matrix (symbolic offset)."""

    __props__ = ()

    def make_node(self, a, offset):
        a = as_tensor_variable(a)
        return Apply(self, [a, _int_scalar(offset, "offset")], [TensorType(a.dtype, ())()])

    def perform(self, node, inputs, output_storage):
        a, k = inputs
        output_storage[0][0] = np.asarray(np.trace(a, int(k)), dtype=a.dtype)

    def infer_shape(self, node, input_shapes):
        return [()]

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        a, k = inputs
        z = zeros_like(a)
        return [FillDiagonalOffset()(z, output_grads[0], k), _disconnected()]


class FillDiagonal(Op):
    """A copy of ``a`` (2-d or more, all dims equal beyond 2-d) with ``val`` on its main diagonal."""

    __props__ = ()

    def make_node(self, a, val):
        a, val = as_tensor_variable(a), as_tensor_variable(val)
        if a.ndim < 2:
            raise TypeError(f"fill_diagonal needs at least 2 dimensions, got {a.ndim}")
        if val.ndim != 0:
            raise TypeError(f"fill_diagonal: val must be a scalar, got {val.ndim} dimensions")
        if ts.upcast(a.dtype, val.dtype) != a.dtype:
            raise TypeError(f"fill_diagonal: val of dtype {val.dtype} does not fit in {a.dtype}")
        # val in a's dtype, as Theano 1.0's make_node: an integer val of a float matrix gets its
        # gradient through the cast
        val = cast(val, a.dtype) if val.dtype != a.dtype else val
        return Apply(self, [a, val], [a.type()])

    def perform(self, node, inputs, output_storage):
        a, val = inputs
        if a.ndim > 2 and len(set(a.shape)) != 1:
            raise ValueError(f"fill_diagonal: all dimensions must be equal beyond 2-d, got {a.shape}")
        out = a.copy()
        np.fill_diagonal(out, val)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        a, val = inputs
        (gz,) = output_grads
        if a.ndim != 2:
            raise NotImplementedError("the gradient of fill_diagonal is implemented for matrices only")
        ga = self(gz, constant(0, dtype=gz.dtype))
        gval = tsum(gz - ga)
        return [_zero_grad(a) if a.dtype in ts.discrete_dtypes else ga,
                _zero_grad(val) if val.dtype in ts.discrete_dtypes else gval]


def fill_diagonal(a, val):
    """A copy of ``a`` with ``val`` written on the main diagonal."""
    a = as_tensor_variable(a)
    val = as_tensor_variable(val)
    if val.dtype != a.dtype and ts.upcast(a.dtype, val.dtype) != a.dtype and val.ndim == 0:
        raise TypeError(f"fill_diagonal: val of dtype {val.dtype} does not fit in {a.dtype}")
    return FillDiagonal()(a, cast(val, a.dtype) if val.dtype != a.dtype else val)


def fill_diagonal_offset(a, val, offset):
    """A copy of the matrix ``a`` with ``val`` written on diagonal ``offset``."""
    a = as_tensor_variable(a)
    val = as_tensor_variable(val)
    if ts.upcast(a.dtype, val.dtype) != a.dtype and val.ndim == 0:
        raise TypeError(f"fill_diagonal_offset: val of dtype {val.dtype} does not fit in {a.dtype}")
    return FillDiagonalOffset()(a, cast(val, a.dtype) if val.dtype != a.dtype else val, offset)
