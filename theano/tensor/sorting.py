"""sort and argsort (with the gradient of sort), exported through theano.tensor and extra_ops."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (_const_int, _disconnected, _int64, _int_scalar, as_tensor_variable, constant,
                                 zeros_like)
from theano.tensor.reshaping import flatten
from theano.tensor.type import TensorType

__all__ = ["SortOp", "ArgSortOp", "sort", "argsort", "TopKOp", "topk", "argtopk", "topk_and_argtopk",
           "TakeAlongAxis", "ScatterAlongAxis"]

_KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _axis_input(x, axis, what):
    """The axis as an int64 constant input, checked against ``x.ndim`` when known."""
    if isinstance(axis, (float, np.floating)):
        raise TypeError(f"{what}: axis must be an integer, got {axis!r}")
    if isinstance(axis, Variable) and getattr(axis.type, "ndim", None) == 0 and \
            axis.type.dtype in ts.float_dtypes:
        # Theano 1.0 took a float scalar axis (T.scalar()); its value must be a whole number
        return axis
    a = _int_scalar(axis, f"{what}: axis")
    c = _const_int(a)
    if c is not None:
        if not -x.ndim <= c < x.ndim:
            raise ValueError(f"{what}: axis {c} is out of range for a {x.ndim}-d tensor")
        return constant(c % x.ndim, dtype="int64")
    return a


def _axis_value(axis, ndim, what):
    """The run-time axis as an int (a float axis must hold a whole number)."""
    a = axis.item() if isinstance(axis, np.ndarray) else axis
    if a != int(a):
        raise ValueError(f"{what}: axis must be a whole number, got {a}")
    a = int(a)
    if not -ndim <= a < ndim:
        raise ValueError(f"{what}: axis {a} is out of range for a {ndim}-d tensor")
    return a


def _check_kind(kind, order):
    if kind not in _KINDS:
        raise ValueError(f"sort kind must be one of {_KINDS}, got {kind!r}")
    if order is not None and (not isinstance(order, (list, tuple)) or len(order)):
        raise ValueError("sort: 'order' (structured arrays) is not supported for tensors")


class SortOp(Op):
    """``numpy.sort(x, axis, kind)``; the axis is a scalar input (constant in practice)."""

    __props__ = ("kind", "order")

    def __init__(self, kind="quicksort", order=None):
        _check_kind(kind, order)
        self.kind, self.order = kind, None  # an empty order list means none

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
        output_storage[0][0] = np.sort(x, axis=_axis_value(axis, x.ndim, "sort"), kind=self.kind)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, axis = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        idx = ArgSortOp(self.kind)(x, axis)
        return [ScatterAlongAxis()(output_grads[0], idx, axis, x), _disconnected()]


class ArgSortOp(Op):
    """``numpy.argsort(x, axis, kind)`` as int64."""

    __props__ = ("kind", "order")

    def __init__(self, kind="quicksort", order=None):
        _check_kind(kind, order)
        self.kind, self.order = kind, None  # an empty order list means none

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
        output_storage[0][0] = np.argsort(x, axis=_axis_value(axis, x.ndim, "argsort"),
                                          kind=self.kind).astype("int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [False]]

    def grad(self, inputs, output_grads):
        return [_disconnected(), _disconnected()]


class ScatterAlongAxis(Op):
    """Zeros shaped like ``template`` with ``out[..., idx[..., j], ...] += values[..., j, ...]``
    along ``axis`` (the transpose of take_along_axis; exact with repeated indices too)."""

    __props__ = ()

    def make_node(self, values, idx, axis, template):
        values, idx, axis, template = (as_tensor_variable(v) for v in (values, idx, axis, template))
        if values.ndim != template.ndim or idx.ndim != values.ndim:
            raise TypeError("ScatterAlongAxis: values, idx and template need the same number of dims")
        out = TensorType(values.dtype, template.broadcastable)()
        return Apply(self, [values, idx, axis, template], [out])

    def perform(self, node, inputs, output_storage):
        values, idx, axis, template = inputs
        axis = int(axis)
        out = np.zeros(template.shape, dtype=values.dtype)
        index = list(np.indices(idx.shape, sparse=True))
        index[axis] = idx
        np.add.at(out, tuple(index), values)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[3]]

    def connection_pattern(self, node):
        return [[True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        values, idx, axis, template = inputs
        return [TakeAlongAxis()(output_grads[0], idx, axis), _disconnected(), _disconnected(),
                _disconnected()]


class TakeAlongAxis(Op):
    """``numpy.take_along_axis(x, idx, axis)``."""

    __props__ = ()

    def make_node(self, x, idx, axis):
        x, idx, axis = (as_tensor_variable(v) for v in (x, idx, axis))
        if idx.dtype not in ts.integer_dtypes or idx.ndim != x.ndim:
            raise TypeError(f"take_along_axis: idx must be an integer tensor with {x.ndim} dims, got {idx}")
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
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected(), _disconnected()]
        return [ScatterAlongAxis()(output_grads[0], idx, axis, x), _disconnected(), _disconnected()]


class TopKOp(Op):
    """The ``k`` largest (``k > 0``) or smallest (``k < 0``) elements along ``axis`` and/or their
    indices. Outputs: values, then indices, as requested."""

    __props__ = ("axis", "sorted", "idx_dtype", "return_values", "return_indices")

    def __init__(self, axis=-1, sorted=True, idx_dtype="int64", return_values=True, return_indices=True):
        if not (return_values or return_indices):
            raise ValueError("TopKOp must return values, indices or both")
        self.axis = int(axis)
        self.sorted = bool(sorted)
        self.idx_dtype = str(np.dtype(idx_dtype))
        if self.idx_dtype not in ts.integer_dtypes:
            raise TypeError(f"topk: idx_dtype must be an integer dtype, got {idx_dtype}")
        self.return_values, self.return_indices = bool(return_values), bool(return_indices)

    def make_node(self, x, kth):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise ValueError("topk needs at least one dimension")
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError(f"topk: axis {self.axis} is out of range for a {x.ndim}-d tensor")
        kth = _int_scalar(kth, "topk: kth")
        bcast = list(x.broadcastable)
        bcast[self.axis] = False
        outs = []
        if self.return_values:
            outs.append(TensorType(x.dtype, tuple(bcast))())
        if self.return_indices:
            outs.append(TensorType(self.idx_dtype, tuple(bcast))())
        return Apply(self, [x, kth], outs)

    def perform(self, node, inputs, output_storage):
        x, k = inputs
        k = int(k)
        axis = self.axis % x.ndim
        n = x.shape[axis]
        if k == 0 or abs(k) > n:
            raise ValueError(f"topk: kth={k} must be non-zero and at most the axis length {n}")
        if k > 0:  # sort by a descending key; ~x (= -x - 1) cannot overflow int8 -128 as -x does
            key = np.invert(x) if x.dtype.kind in "biu" else -x
        else:
            key = x
        order = np.argsort(key, axis=axis, kind="stable")
        idx = np.take(order, np.arange(abs(k)), axis=axis)
        if not self.sorted:
            idx = np.sort(idx, axis=axis)
        outs = []
        if self.return_values:
            outs.append(np.take_along_axis(x, idx, axis=axis))
        if self.return_indices:
            outs.append(idx.astype(self.idx_dtype))
        for store, o in zip(output_storage, outs):
            store[0] = o

    def infer_shape(self, node, input_shapes):
        shp = list(input_shapes[0])
        shp[self.axis % len(shp)] = _int64(abs(node.inputs[1]))
        return [tuple(shp)] * len(node.outputs)

    def connection_pattern(self, node):
        return [[True] * len(node.outputs), [False] * len(node.outputs)]

    def L_op(self, inputs, outputs, output_grads):
        x, kth = inputs
        if not self.return_values or x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        gz = output_grads[0]
        idx_op = TopKOp(self.axis, self.sorted, self.idx_dtype, False, True)
        idx = idx_op(x, kth)
        axis = constant(self.axis % x.ndim, dtype="int64")
        return [ScatterAlongAxis()(gz, idx, axis, x), _disconnected()]


def topk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The ``kth`` largest values of ``x`` along ``axis`` (the smallest when ``kth`` < 0)."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x, 1), 0
    return TopKOp(axis, sorted, idx_dtype, True, False)(x, kth)


def argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The indices of the ``kth`` largest values of ``x`` along ``axis``."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x, 1), 0
    return TopKOp(axis, sorted, idx_dtype, False, True)(x, kth)


def topk_and_argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """``(topk(x, kth), argtopk(x, kth))`` from one op."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x, 1), 0
    return tuple(TopKOp(axis, sorted, idx_dtype, True, True)(x, kth))


def sort(a, axis=-1, kind="quicksort", order=None):
    """A sorted copy of ``a`` along ``axis`` (``axis=None``: of the flattened tensor)."""
    a = as_tensor_variable(a)
    if axis is None:
        a, axis = flatten(a, 1), 0
    return SortOp(kind, order)(a, axis)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The indices that sort ``a`` along ``axis`` (``axis=None``: the flattened tensor)."""
    a = as_tensor_variable(a)
    if axis is None:
        a, axis = flatten(a, 1), 0
    return ArgSortOp(kind, order)(a, axis)
