"""Repeating and rotating tensors: ``tile`` (numpy.tile), ``repeat`` (RepeatOp, with RepeatGrad
for its gradient) and ``roll`` (Roll)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import alloc
from theano.tensor.basic import (NotScalarConstantError, _disconnected, _int64, _int_scalar, _static_axis,
                                 as_tensor_variable, constant, get_scalar_constant_value, patternbroadcast,
                                 shape_i, zeros_like)
from theano.tensor.assertions import Assert
from theano.tensor.elemwise import DimShuffle
from theano.tensor.joining import concatenate
from theano.tensor.math import ge
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import flatten, get_vector_length, reshape, shape_padleft, vector_entries
from theano.tensor.type import TensorType

__all__ = ["tile", "Tile", "RepeatOp", "RepeatGrad", "repeat", "Roll", "roll"]


def tile(x, reps, ndim=None):
    """Repeat ``x`` ``reps[i]`` times along dimension ``i`` (``numpy.tile``)."""
    x = as_tensor_variable(x)
    if isinstance(reps, (int, np.integer)):
        reps = [reps]
    if isinstance(reps, (list, tuple)):
        try:
            reps = [_int_scalar(r, f"tile: reps[{i}]") for i, r in enumerate(reps)]
        except TypeError as exc:   # Theano 1.0 raised ValueError for reps that are not integers
            raise ValueError(str(exc)) from exc
    else:
        rv = as_tensor_variable(reps)
        if rv.ndim == 0 and rv.dtype in ts.discrete_dtypes:
            rv = shape_padleft(rv, 1)  # a scalar number of repetitions, as numpy.tile takes
        if rv.ndim != 1 or rv.dtype not in ts.discrete_dtypes:
            raise ValueError(f"tile: reps must be an integer, a list of integers or an integer "
                             f"vector, got {rv}")
        try:
            n = get_vector_length(rv)
        except ValueError:
            if ndim is None:
                raise ValueError(f"tile: the length of reps {rv} is not known when the graph is "
                                 "built: give ndim") from None
            n = None
        if n is None:
            # known when the function runs: at most ndim entries (an AssertionError otherwise),
            # padded with ones on the left, as a shorter list is
            rv = _int64(rv)
            missing = ndim - shape_i(rv, 0)
            missing = Assert("tile: reps has more entries than ndim")(missing, ge(missing, 0))
            rv = concatenate([alloc(constant(1, dtype="int64"), missing), rv])
            n = ndim
        reps = vector_entries(rv, n)
    if ndim is not None and ndim < max(x.ndim, len(reps)):
        raise ValueError(f"tile: ndim={ndim} is smaller than the dimensions of x ({x.ndim}) or reps "
                         f"({len(reps)})")
    nd = ndim if ndim is not None else max(x.ndim, len(reps))
    reps = [constant(1, dtype="int64")] * (nd - len(reps)) + list(reps)
    if x.ndim < nd:
        x = shape_padleft(x, nd - x.ndim)
    if all(isinstance(r, Constant) and r.data.size == 1 and int(r.data) == 1 for r in reps):
        return x   # one repetition along every axis: x itself (numpy.tile returns a copy)
    pattern = []
    for d in range(nd):
        pattern += ["x", d]
    xe = DimShuffle(x.broadcastable, pattern)(x)
    shape = []
    for d in range(nd):
        shape += [reps[d], shape_i(x, d)]
    big = alloc(xe, *shape)
    return reshape(big, [_int64(reps[d]) * shape_i(x, d) for d in range(nd)], ndim=nd)


class Tile(Op):
    """Theano 1.0's (deprecated) op for ``numpy.tile``: ``Tile(ndim)(x, reps)``, with ``reps`` an
    integer vector and an ``ndim``-d output. ``tile`` builds the same values from a broadcast and a
    reshape, which the backends compile natively; this op runs its ``perform`` on every backend.

    ``reps`` shorter than ``ndim`` is padded with ones on the left, and ``x`` with fewer dimensions
    gets leading length-1 axes, as numpy.tile does; a symbolic ``reps`` of unknown length counts
    as ``ndim`` entries.
    """

    __props__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, x, reps):
        x = as_tensor_variable(x)
        reps = as_tensor_variable(reps)
        if reps.ndim != 1 or reps.dtype not in ts.integer_dtypes:
            raise TypeError(f"Tile: reps must be an integer vector, got {reps} ({reps.dtype})")
        if x.ndim > self.ndim:
            raise ValueError(f"Tile({self.ndim}): x has {x.ndim} dimensions, more than {self.ndim}")
        if self._reps_length(reps) > self.ndim:
            raise ValueError(f"Tile({self.ndim}): reps has more than {self.ndim} entries")
        return Apply(self, [x, reps], [TensorType(x.dtype, (False,) * self.ndim)()])

    def _reps_length(self, reps):
        try:
            return get_vector_length(reps)
        except ValueError:
            return self.ndim

    def perform(self, node, inputs, output_storage):
        x, reps = inputs
        n = self._reps_length(node.inputs[1])
        if reps.shape[0] != n:
            raise ValueError(f"Tile({self.ndim}): reps has {reps.shape[0]} entries, {n} expected")
        if np.any(reps < 0):
            raise ValueError("Tile: repetition counts must be non-negative")
        out = np.tile(x, reps)
        if out.ndim != self.ndim:   # reps and x both shorter than ndim
            out = out.reshape((1,) * (self.ndim - out.ndim) + out.shape)
        output_storage[0][0] = out

    def _padded(self, shape, reps):
        """``shape`` (x's, a list) and the repetitions as ``ndim`` int64 scalars each, padded with
        ones on the left."""
        one = constant(1, dtype="int64")
        n = self._reps_length(reps)
        r = [_int64(e) for e in vector_entries(reps, n)]
        return [one] * (self.ndim - len(shape)) + list(shape), [one] * (self.ndim - n) + r

    def infer_shape(self, node, input_shapes):
        xs, r = self._padded(input_shapes[0], node.inputs[1])
        return [tuple(a * b for a, b in zip(xs, r))]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, reps = inputs
        (gz,) = output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        xs, r = self._padded([shape_i(x, d) for d in range(x.ndim)], reps)
        # output axis d holds r[d] copies of x's axis d: split it in two and sum the copies
        split = []
        for d in range(self.ndim):
            split += [r[d], xs[d]]
        g = tsum(reshape(gz, split, ndim=2 * self.ndim), axis=list(range(0, 2 * self.ndim, 2)))
        g = reshape(g, [shape_i(x, d) for d in range(x.ndim)], ndim=x.ndim)
        return [patternbroadcast(g, x.broadcastable), _disconnected()]


class RepeatOp(Op):
    """``numpy.repeat(x, repeats, axis)`` with ``repeats`` an integer scalar or vector."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis if axis is None else int(axis)

    def make_node(self, x, repeats):
        x = as_tensor_variable(x)
        repeats = as_tensor_variable(repeats)
        _check_repeats(repeats)
        if self.axis is None:
            if x.ndim != 1:
                # numpy.repeat(x, r) repeats the flattened x: the node is RepeatOp(0) of flatten(x)
                return RepeatOp(0).make_node(flatten(x, 1), repeats)
            axis = 0
        else:
            axis = _static_axis(self.axis, x.ndim, "repeat: axis")
        if axis != self.axis:   # a negative axis (or None on a vector) names its nonnegative one
            return RepeatOp(axis).make_node(x, repeats)
        try:
            once = repeats.ndim == 0 and int(get_scalar_constant_value(repeats)) == 1
        except NotScalarConstantError:
            once = False
        bcast = tuple(False if d == axis and not once else b for d, b in enumerate(x.broadcastable))
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


def _check_repeats(repeats):
    if repeats.dtype not in ts.integer_dtypes:
        raise TypeError(f"repeat: repeats must be integers, got dtype {repeats.dtype}")
    if repeats.dtype == "uint64":
        # numpy.repeat refuses uint64 counts (they do not cast safely to its index type)
        raise TypeError("repeat: uint64 repeat counts are not supported (as in numpy.repeat); use "
                        "int64")
    if repeats.ndim > 1:
        raise ValueError(f"repeat: repeats must be a scalar or a vector, got {repeats.ndim} dims")


def repeat(x, repeats, axis=None):
    """Repeat elements of ``x`` (``numpy.repeat``); ``axis=None`` repeats the flattened tensor.

    One count for every element (a scalar, ``[n]``, or a vector of broadcastable length 1) is a
    broadcast and a reshape; a vector of counts, one per element, is ``RepeatOp``.
    """
    x = as_tensor_variable(x)
    if isinstance(repeats, (float, np.floating)):
        raise TypeError(f"repeat: repeats must be an integer, got {repeats!r}")
    repeats = as_tensor_variable(repeats)
    _check_repeats(repeats)
    if axis is None:
        x = flatten(x, 1)
        axis = 0
    else:
        axis = _static_axis(axis, x.ndim, "repeat: axis")
    if repeats.ndim == 1 and repeats.broadcastable[0]:
        repeats = repeats[0]
    if repeats.ndim == 1:
        return RepeatOp(axis)(x, repeats)
    return _repeat_each(x, repeats, axis)


def _repeat_each(x, n, axis):
    """``x`` with every element along ``axis`` repeated ``n`` (an integer scalar) times: a new axis
    of length ``n`` after ``axis``, then the two merged."""
    try:
        if int(get_scalar_constant_value(n)) == 1:
            return x
    except NotScalarConstantError:
        pass
    n = _int64(n)
    pattern = list(range(axis + 1)) + ["x"] + list(range(axis + 1, x.ndim))
    xe = DimShuffle(x.broadcastable, pattern)(x)
    shape = [shape_i(x, d) for d in range(x.ndim)]
    big = alloc(xe, *(shape[:axis + 1] + [n] + shape[axis + 1:]))
    out_shape = shape[:axis] + [shape[axis] * n] + shape[axis + 1:]
    out = reshape(big, out_shape, ndim=x.ndim)
    return patternbroadcast(out, tuple(False if d == axis else b for d, b in enumerate(x.broadcastable)))


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
