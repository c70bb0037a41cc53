"""sort and argsort (with the gradient of sort), exported through theano.tensor and extra_ops."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable, constant, zeros_like
from theano.tensor.type import TensorType

__all__ = ["SortOp", "ArgSortOp", "sort", "argsort"]

_KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _disconnected():
    from theano.gradient import disconnected_type

    return disconnected_type()


def _axis_input(x, axis, what):
    """The axis as an int64 constant input, checked against ``x.ndim`` when known."""
    from theano.tensor.shape_ops import _const_int, _int_scalar

    if isinstance(axis, (float, np.floating)):
        raise TypeError(f"{what}: axis must be an integer, got {axis!r}")
    a = _int_scalar(axis, f"{what}: axis")
    c = _const_int(a)
    if c is not None:
        if not -x.ndim <= c < x.ndim:
            raise ValueError(f"{what}: axis {c} is out of range for a {x.ndim}-d tensor")
        return constant(c % x.ndim, dtype="int64")
    return a


def _check_kind(kind, order):
    if kind not in _KINDS:
        raise ValueError(f"sort kind must be one of {_KINDS}, got {kind!r}")
    if order is not None:
        raise ValueError("sort: 'order' (structured arrays) is not supported for tensors")


class SortOp(Op):
    """``numpy.sort(x, axis, kind)``; the axis is a scalar input (constant in practice)."""

    __props__ = ("kind", "order")

    def __init__(self, kind="quicksort", order=None):
        _check_kind(kind, order)
        self.kind, self.order = kind, order

    def __str__(self):
        return f"SortOp{{{self.kind}}}"

    def make_node(self, x, axis=-1):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise ValueError("sort needs at least one dimension")
        axis = _axis_input(x, axis, "sort")
        return Apply(self, [x, axis], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, axis = inputs
        output_storage[0][0] = np.sort(x, axis=int(axis), kind=self.kind)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, axis = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        idx = ArgSortOp(self.kind)(x, axis)
        return [PermuteBack()(output_grads[0], idx, axis), _disconnected()]


class ArgSortOp(Op):
    """``numpy.argsort(x, axis, kind)`` as int64."""

    __props__ = ("kind", "order")

    def __init__(self, kind="quicksort", order=None):
        _check_kind(kind, order)
        self.kind, self.order = kind, order

    def __str__(self):
        return f"ArgSortOp{{{self.kind}}}"

    def make_node(self, x, axis=-1):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise ValueError("argsort needs at least one dimension")
        axis = _axis_input(x, axis, "argsort")
        return Apply(self, [x, axis], [TensorType("int64", x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, axis = inputs
        output_storage[0][0] = np.argsort(x, axis=int(axis), kind=self.kind).astype("int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [False]]

    def grad(self, inputs, output_grads):
        return [_disconnected(), _disconnected()]


class PermuteBack(Op):
    """``out`` with ``out[idx[j]] = values[j]`` along ``axis`` (the inverse of take_along_axis)."""

    __props__ = ()

    def make_node(self, values, idx, axis):
        values, idx, axis = (as_tensor_variable(v) for v in (values, idx, axis))
        return Apply(self, [values, idx, axis], [values.type()])

    def perform(self, node, inputs, output_storage):
        values, idx, axis = inputs
        out = np.empty_like(values)
        np.put_along_axis(out, idx, values, axis=int(axis))
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        values, idx, axis = inputs
        return [TakeAlongAxis()(output_grads[0], idx, axis), _disconnected(), _disconnected()]


class TakeAlongAxis(Op):
    """``numpy.take_along_axis(x, idx, axis)`` for ``idx`` of x's shape (PermuteBack's gradient)."""

    __props__ = ()

    def make_node(self, x, idx, axis):
        x, idx, axis = (as_tensor_variable(v) for v in (x, idx, axis))
        return Apply(self, [x, idx, axis], [TensorType(x.dtype, idx.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, idx, axis = inputs
        output_storage[0][0] = np.take_along_axis(x, idx, axis=int(axis))

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, idx, axis = inputs
        return [PermuteBack()(output_grads[0], idx, axis), _disconnected(), _disconnected()]


def sort(a, axis=-1, kind="quicksort", order=None):
    """A sorted copy of ``a`` along ``axis`` (``axis=None``: of the flattened tensor)."""
    a = as_tensor_variable(a)
    if axis is None:
        from theano.tensor.shape import flatten

        a, axis = flatten(a, 1), 0
    return SortOp(kind, order)(a, axis)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The indices that sort ``a`` along ``axis`` (``axis=None``: the flattened tensor)."""
    a = as_tensor_variable(a)
    if axis is None:
        from theano.tensor.shape import flatten

        a, axis = flatten(a, 1), 0
    return ArgSortOp(kind, order)(a, axis)
