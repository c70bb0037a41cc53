"""Repeating and rotating tensors: ``tile`` (numpy.tile), ``repeat`` (RepeatOp, with RepeatGrad
for its gradient) and ``roll`` (Roll)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import alloc
from theano.tensor.basic import (_disconnected, _int64, _int_scalar, _static_axis, as_tensor_variable, constant,
                                 patternbroadcast, shape_i, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import flatten, get_vector_length, reshape, shape_padleft, vector_entries
from theano.tensor.type import TensorType

__all__ = ["tile", "RepeatOp", "RepeatGrad", "repeat", "Roll", "roll"]


def tile(x, reps, ndim=None):
    """Repeat ``x`` ``reps[i]`` times along dimension ``i`` (``numpy.tile``)."""
    x = as_tensor_variable(x)
    if isinstance(reps, (int, np.integer)):
        reps = [reps]
    if isinstance(reps, (list, tuple)):
        reps = [_int_scalar(r, f"tile: reps[{i}]") for i, r in enumerate(reps)]
    else:
        rv = as_tensor_variable(reps)
        if rv.ndim == 0 and rv.dtype in ts.discrete_dtypes:
            rv = shape_padleft(rv, 1)  # a scalar number of repetitions, as numpy.tile takes
        if rv.ndim != 1 or rv.dtype not in ts.discrete_dtypes:
            raise TypeError(f"tile: reps must be a list of ints or an integer vector, got {rv}")
        n = ndim if ndim is not None else get_vector_length(rv)
        reps = vector_entries(rv, n)
    if ndim is not None and ndim < max(x.ndim, len(reps)):
        raise ValueError(f"tile: ndim={ndim} is smaller than the dimensions of x ({x.ndim}) or reps "
                         f"({len(reps)})")
    nd = ndim if ndim is not None else max(x.ndim, len(reps))
    reps = [constant(1, dtype="int64")] * (nd - len(reps)) + list(reps)
    if x.ndim < nd:
        x = shape_padleft(x, nd - x.ndim)
    pattern = []
    for d in range(nd):
        pattern += ["x", d]
    xe = DimShuffle(x.broadcastable, pattern)(x)
    shape = []
    for d in range(nd):
        shape += [reps[d], shape_i(x, d)]
    big = alloc(xe, *shape)
    return reshape(big, [_int64(reps[d]) * shape_i(x, d) for d in range(nd)], ndim=nd)


class RepeatOp(Op):
    """``numpy.repeat(x, repeats, axis)`` with ``repeats`` an integer scalar or vector."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis if axis is None else int(axis)

    def make_node(self, x, repeats):
        x = as_tensor_variable(x)
        repeats = as_tensor_variable(repeats)
        if repeats.dtype not in ts.integer_dtypes:
            raise TypeError(f"repeat: repeats must be integers, got dtype {repeats.dtype}")
        if repeats.ndim > 1:
            raise ValueError(f"repeat: repeats must be a scalar or a vector, got {repeats.ndim} dims")
        if self.axis is None:
            if x.ndim != 1:
                raise ValueError("RepeatOp with axis=None needs a vector (flatten first)")
            axis = 0
        else:
            axis = self.axis
        if not 0 <= axis < x.ndim:
            raise ValueError(f"repeat: axis {self.axis} is out of range for a {x.ndim}-d tensor")
        bcast = tuple(False if d == axis else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x, repeats], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, repeats = inputs
        axis = self.axis or 0
        if repeats.ndim == 1 and repeats.shape[0] not in (1, x.shape[axis]):
            raise ValueError(f"repeat: {repeats.shape[0]} repeat counts for an axis of length "
                             f"{x.shape[axis]}")
        if np.any(repeats < 0):
            raise ValueError("repeat: repeat counts must be non-negative")
        output_storage[0][0] = np.repeat(x, repeats, axis=axis)

    def infer_shape(self, node, input_shapes):
        x, repeats = node.inputs
        axis = self.axis or 0
        shp = list(input_shapes[0])
        if repeats.ndim == 0 or repeats.broadcastable[0]:
            r = repeats if repeats.ndim == 0 else tsum(repeats)
            shp[axis] = shp[axis] * _int64(r)
        else:
            shp[axis] = _int64(tsum(repeats))
        return [tuple(shp)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, repeats = inputs
        (gz,) = output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        g = RepeatGrad(self.axis or 0)(gz, repeats, shape_i(x, self.axis or 0))
        return [patternbroadcast(g, x.broadcastable), _disconnected()]


class RepeatGrad(Op):
    """Gradient of repeat: sums each run of repeated elements of ``gz`` back into one element."""

    __props__ = ("axis",)

    def __init__(self, axis):
        self.axis = int(axis)

    def make_node(self, gz, repeats, n):
        gz = as_tensor_variable(gz)
        bcast = tuple(False for _ in gz.broadcastable)
        return Apply(self, [gz, as_tensor_variable(repeats), _int_scalar(n, "n")],
                     [TensorType(gz.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        gz, repeats, n = inputs
        n = int(n)
        idx = np.repeat(np.arange(n), np.broadcast_to(repeats, (n,)) if repeats.ndim else repeats)
        moved = np.moveaxis(gz, self.axis, 0)
        out = np.zeros((n,) + moved.shape[1:], dtype=gz.dtype)
        np.add.at(out, idx, moved)
        output_storage[0][0] = np.moveaxis(out, 0, self.axis)

    def infer_shape(self, node, input_shapes):
        shp = list(input_shapes[0])
        shp[self.axis] = _int64(node.inputs[2])
        return [tuple(shp)]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        gz, repeats, n = inputs
        return [RepeatOp(self.axis)(output_grads[0], repeats), _disconnected(), _disconnected()]


def repeat(x, repeats, axis=None):
    """Repeat elements of ``x`` (``numpy.repeat``); ``axis=None`` repeats the flattened tensor."""
    x = as_tensor_variable(x)
    if isinstance(repeats, (float, np.floating)):
        raise TypeError(f"repeat: repeats must be an integer, got {repeats!r}")
    repeats = as_tensor_variable(repeats)
    if axis is None:
        x = flatten(x, 1)
        axis = 0
    else:
        axis = _static_axis(axis, x.ndim, "repeat: axis")
    return RepeatOp(axis)(x, repeats)


class Roll(Op):
    """``numpy.roll(x, shift, axis)``; ``axis=None`` rolls the flattened tensor."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis if axis is None else int(axis)

    def make_node(self, x, shift):
        x = as_tensor_variable(x)
        shift = _int_scalar(shift, "roll: shift")
        if self.axis is not None and not 0 <= self.axis < x.ndim:
            raise ValueError(f"roll: axis {self.axis} out of range for a {x.ndim}-d tensor")
        return Apply(self, [x, shift], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, shift = inputs
        output_storage[0][0] = np.roll(x, int(shift), axis=self.axis)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, shift = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        return [self(output_grads[0], -shift), _disconnected()]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0], inputs[1])]


def roll(x, shift, axis=None):
    """Roll ``x`` by ``shift`` positions along ``axis`` (elements wrap around)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "roll: axis")
    return Roll(axis)(x, shift)
