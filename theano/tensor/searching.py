"""Finding elements: ``nonzero``/``flatnonzero``/``nonzero_values`` (Nonzero, NonzeroValues and
its gradient NonzeroScatter), ``searchsorted`` (SearchsortedOp) and ``compress``; TakeRows and
ScatterAddRows gather and scatter-add rows by an index vector (``compress``, and the gradients of
``bincount`` in ``counting.py``)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (_disconnected, _int64, _int_scalar, _static_axis, _zero_grad, as_tensor_variable,
                                 patternbroadcast, shape_i, zeros_like)
from theano.tensor.reshaping import flatten, swapaxes
from theano.tensor.type import TensorType

__all__ = ["Nonzero", "nonzero", "flatnonzero", "NonzeroValues", "NonzeroScatter", "nonzero_values", "TakeRows", "ScatterAddRows", "SearchsortedOp", "searchsorted", "compress"]


class Nonzero(Op):
    """Indices of the non-zero elements: one int64 vector per dimension, or one (ndim, nnz) matrix."""

    __props__ = ("return_matrix",)

    def __init__(self, return_matrix=False):
        self.return_matrix = bool(return_matrix)

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.ndim == 0:
            raise ValueError("nonzero is not defined for scalars")
        if self.return_matrix:
            outs = [TensorType("int64", (a.ndim == 1, False))()]
        else:
            outs = [TensorType("int64", (False,))() for _ in range(a.ndim)]
        return Apply(self, [a], outs)

    def perform(self, node, inputs, output_storage):
        idx = np.nonzero(inputs[0])
        if self.return_matrix:
            output_storage[0][0] = np.asarray(idx, dtype="int64").reshape(len(idx), -1)
        else:
            for store, i in zip(output_storage, idx):
                store[0] = np.asarray(i, dtype="int64")

    def grad(self, inputs, output_grads):
        return [_disconnected()]

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)]


def nonzero(a, return_matrix=False):
    """Indices of the non-zero elements of ``a``: a tuple of vectors (or a matrix)."""
    a = as_tensor_variable(a)
    out = Nonzero(return_matrix)(a)
    if return_matrix:
        return out
    return tuple(out) if isinstance(out, list) else (out,)


def flatnonzero(a):
    """Indices of the non-zero elements of the flattened ``a``."""
    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise ValueError("flatnonzero is not defined for scalars")
    return nonzero(flatten(a, 1))[0]


class NonzeroValues(Op):
    """The elements of ``x`` where ``mask`` is non-zero, flattened in C order
    (``nonzero_values(a)`` is ``NonzeroValues()(a, a)``)."""

    __props__ = ()

    def make_node(self, x, mask):
        x, mask = as_tensor_variable(x), as_tensor_variable(mask)
        if x.ndim != mask.ndim:
            raise TypeError(f"NonzeroValues: x has {x.ndim} dims but the mask {mask.ndim}")
        return Apply(self, [x, mask], [TensorType(x.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        x, mask = inputs
        if x.shape != mask.shape:
            raise ValueError(f"NonzeroValues: shapes {x.shape} and {mask.shape} differ")
        output_storage[0][0] = x[mask != 0].reshape(-1)

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, mask = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        return [NonzeroScatter()(mask, output_grads[0]), _disconnected()]


class NonzeroScatter(Op):
    """Zeros shaped like ``mask`` with ``values`` written where ``mask`` is non-zero
    (NonzeroValues' gradient)."""

    __props__ = ()

    def make_node(self, mask, values):
        mask, values = as_tensor_variable(mask), as_tensor_variable(values)
        return Apply(self, [mask, values], [TensorType(values.dtype, mask.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        mask, values = inputs
        out = np.zeros(mask.shape, dtype=values.dtype)
        out[mask != 0] = values
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True]]

    def grad(self, inputs, output_grads):
        mask = inputs[0]
        return [_disconnected(), NonzeroValues()(output_grads[0], mask)]


def nonzero_values(a):
    """The non-zero elements of ``a``, flattened (``a.flatten()[flatnonzero(a)]``)."""
    a = as_tensor_variable(a)
    return NonzeroValues()(a, a)


class TakeRows(Op):
    """``v[idx]`` along the first axis for an integer vector ``idx`` (used by bincount's gradient
    and compress)."""

    __props__ = ()

    def make_node(self, v, idx):
        v, idx = as_tensor_variable(v), as_tensor_variable(idx)
        if v.ndim < 1:
            raise TypeError("TakeRows needs a tensor with at least one dimension")
        if idx.ndim != 1 or idx.dtype not in ts.integer_dtypes:
            raise TypeError(f"TakeRows: idx must be an integer vector, got {idx}")
        return Apply(self, [v, idx], [TensorType(v.dtype, (False,) + v.broadcastable[1:])()])

    def perform(self, node, inputs, output_storage):
        v, idx = inputs
        output_storage[0][0] = v[idx]

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[1]) + tuple(input_shapes[0][1:])]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        v, idx = inputs
        if v.dtype in ts.discrete_dtypes:
            return [_zero_grad(v), _disconnected()]
        g = ScatterAddRows()(idx, output_grads[0], shape_i(v, 0))
        return [patternbroadcast(g, v.broadcastable), _disconnected()]


class ScatterAddRows(Op):
    """Zeros with ``n`` rows, then ``out[idx[i]] += values[i]`` (TakeRows' gradient)."""

    __props__ = ()

    def make_node(self, idx, values, n):
        idx, values = as_tensor_variable(idx), as_tensor_variable(values)
        return Apply(self, [idx, values, _int_scalar(n, "n")],
                     [TensorType(values.dtype, (False,) + values.broadcastable[1:])()])

    def perform(self, node, inputs, output_storage):
        idx, w, n = inputs
        out = np.zeros((int(n),) + w.shape[1:], dtype=w.dtype)
        np.add.at(out, idx, w)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [(_int64(node.inputs[2]),) + tuple(input_shapes[1][1:])]

    def connection_pattern(self, node):
        return [[False], [True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        return [_disconnected(), TakeRows()(output_grads[0], inputs[0]), _disconnected()]


class SearchsortedOp(Op):
    """``numpy.searchsorted(x, v, side, sorter)``: insertion indices (int64) of ``v`` into ``x``."""

    __props__ = ("side",)

    def __init__(self, side="left"):
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        self.side = side

    def make_node(self, x, v, sorter=None):
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.ndim != 1:
            raise ValueError(f"searchsorted: x must be a vector, got {x.ndim} dimensions")
        inputs = [x, v]
        if sorter is not None:
            sorter = as_tensor_variable(sorter)
            if sorter.ndim != 1:  # wrong dimensions: ValueError, wrong dtype: TypeError (Theano 1.0)
                raise ValueError(f"searchsorted: sorter must be a vector, got {sorter.ndim} dimensions")
            if sorter.dtype not in ts.integer_dtypes:
                raise TypeError(f"searchsorted: sorter must be integers, got {sorter.dtype}")
            inputs.append(sorter)
        return Apply(self, inputs, [TensorType("int64", v.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, v = inputs[:2]
        sorter = inputs[2] if len(inputs) > 2 else None
        output_storage[0][0] = np.asarray(np.searchsorted(x, v, side=self.side, sorter=sorter), dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def connection_pattern(self, node):
        return [[False]] * len(node.inputs)

    def grad(self, inputs, output_grads):
        return [_disconnected() for _ in inputs]


def searchsorted(x, v, side="left", sorter=None):
    """Indices where the elements of ``v`` would be inserted into the sorted vector ``x``."""
    return SearchsortedOp(side)(x, v, sorter) if sorter is not None else SearchsortedOp(side)(x, v)


def compress(condition, x, axis=None):
    """The slices of ``x`` along ``axis`` where ``condition`` is true (``numpy.compress``)."""
    x = as_tensor_variable(x)
    condition = as_tensor_variable(condition)
    if condition.ndim != 1:
        raise TypeError(f"compress: condition must be a vector, got {condition.ndim} dimensions")
    idx = nonzero(condition)[0]
    if axis is None:
        return TakeRows()(flatten(x, 1), idx)
    axis = _static_axis(axis, x.ndim, "compress: axis")
    return swapaxes(TakeRows()(swapaxes(x, 0, axis), idx), 0, axis)
