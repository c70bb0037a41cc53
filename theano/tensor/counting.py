"""Counting values: ``bincount`` (BinCountOp) and ``unique`` (Unique, with the indices, the inverse
and the counts NumPy gives)."""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import _disconnected, _zero_grad, as_tensor_variable, cast, constant
from theano.tensor.joining import join
from theano.tensor.math import max as tmax
from theano.tensor.math import maximum, prod
from theano.tensor.searching import TakeRows
from theano.tensor.type import TensorType

__all__ = ["BinCountOp", "bincount", "Unique", "unique"]


class BinCountOp(Op):
    """``numpy.bincount(x, weights, minlength)`` for a vector of non-negative ints."""

    __props__ = ("minlength", "assert_nonneg")

    def __init__(self, minlength=None, assert_nonneg=False):
        self.minlength = None if minlength is None else int(minlength)
        self.assert_nonneg = bool(assert_nonneg)

    def make_node(self, x, weights=None):
        x = as_tensor_variable(x)
        if x.ndim != 1 or x.dtype not in ts.integer_dtypes:
            raise TypeError(f"bincount: x must be an integer vector, got {x} ({x.ndim} dims, {x.dtype})")
        inputs = [x]
        dtype = "int64"
        if weights is not None:
            weights = as_tensor_variable(weights)
            if weights.ndim != 1:
                raise TypeError(f"bincount: weights must be a vector, got {weights.ndim} dims")
            inputs.append(weights)
            dtype = "float64" if weights.dtype in ts.discrete_dtypes else ts.upcast(weights.dtype, "float32")
        return Apply(self, inputs, [TensorType(dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        w = inputs[1] if len(inputs) > 1 else None
        if x.size and x.min() < 0:
            # assert_nonneg=True: the AssertionError of Theano's assertion on the input
            raise (AssertionError if self.assert_nonneg else ValueError)("bincount: x must be non-negative")
        if w is not None and w.shape != x.shape:
            raise ValueError(f"bincount: weights of shape {w.shape} for x of shape {x.shape}")
        out = np.bincount(x, weights=w, minlength=self.minlength or 0)
        output_storage[0][0] = out.astype(node.outputs[0].type.numpy_dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        # max(x) + 1, with an empty x giving 0: append -1 before taking the max
        x = cast(node.inputs[0], "int64")
        n = tmax(join(0, x, constant(np.array([-1], dtype="int64")))) + 1
        if self.minlength:
            n = maximum(n, self.minlength)
        return [(n,)]

    def connection_pattern(self, node):
        return [[False]] + [[True]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        out = [_disconnected()]
        if len(inputs) > 1:
            w = inputs[1]
            out.append(_zero_grad(w) if w.dtype in ts.discrete_dtypes else TakeRows()(gz, inputs[0]))
        return out


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """Count occurrences of each value of the non-negative int vector ``x`` (weighted if given)."""
    op = BinCountOp(minlength, assert_nonneg)
    return op(x, weights) if weights is not None else op(x)


class Unique(Op):
    """``numpy.unique``, with optional index, inverse and count outputs (int64 vectors).

    Without ``axis`` the input is flattened and the unique values are a vector; with ``axis`` the
    unique sub-arrays along that axis are returned (same number of dimensions as the input).
    """

    __props__ = ("return_index", "return_inverse", "return_counts", "axis")

    def __init__(self, return_index=False, return_inverse=False, return_counts=False, axis=None):
        self.return_index = bool(return_index)
        self.return_inverse = bool(return_inverse)
        self.return_counts = bool(return_counts)
        if axis is not None:
            if isinstance(axis, (bool, np.bool_)) or not (
                    isinstance(axis, (int, np.integer)) or (isinstance(axis, np.ndarray) and axis.ndim == 0
                                                            and axis.dtype.kind in "iu")):
                raise TypeError(f"Unique: axis must be None or an int, got {axis!r}")
            axis = int(axis)
        self.axis = axis

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            outs = [TensorType(x.dtype, (False,))()]
        else:
            if not -x.ndim <= self.axis < x.ndim:
                raise ValueError(f"Unique: axis {self.axis} is out of range for a {x.ndim}-d tensor")
            bcast = list(x.broadcastable)
            bcast[self.axis % x.ndim] = False
            outs = [TensorType(x.dtype, tuple(bcast))()]
        for flag in (self.return_index, self.return_inverse, self.return_counts):
            if flag:
                outs.append(TensorType("int64", (False,))())
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage):
        res = np.unique(inputs[0], return_index=self.return_index, return_inverse=self.return_inverse,
                        return_counts=self.return_counts, axis=self.axis)
        if not isinstance(res, tuple):
            res = (res,)
        for k, (store, r) in enumerate(zip(output_storage, res)):
            if k == 0:
                store[0] = np.asarray(r) if self.axis is not None else np.asarray(r).reshape(-1)
            else:
                store[0] = np.asarray(r, dtype="int64").reshape(-1)

    def infer_shape(self, node, input_shapes):
        # only the inverse has a length known from the input: one entry per input element/slice
        (shp,) = input_shapes
        out = [None] * len(node.outputs)
        if self.return_inverse:
            if self.axis is None:
                n = prod(shp, dtype="int64") if len(shp) else constant(1, dtype="int64")
            else:
                n = shp[self.axis % len(shp)]
            out[1 + int(self.return_index)] = (n,)
        return out

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """``numpy.unique`` of ``ar`` (see :class:`Unique`)."""
    return Unique(return_index, return_inverse, return_counts, axis)(ar)
