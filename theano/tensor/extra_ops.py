"""NumPy-like extras: cumsum/cumprod, diff, bincount, fill_diagonal, to_one_hot, unravel_index,
ravel_multi_index, searchsorted, unique, compress, bartlett, tile, repeat, roll, nonzero,
inverse_permutation, choose, permute_row_elements (and sort/argsort from ``sorting.py``)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import alloc, arange
from theano.tensor.basic import (_const_int, _disconnected, _int64, _int_scalar, _static_axis, as_tensor_variable,
                                 cast, constant, patternbroadcast, shape_i, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.joining import concatenate, join, stack
from theano.tensor.linalg_ops import diagonal
from theano.tensor.math import clip, dot, eq, maximum, mean, prod
from theano.tensor.math import max as tmax
from theano.tensor.math import mod as tmod
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import (flatten, get_vector_length, reshape, shape, shape_padleft, squeeze, swapaxes,
                                 vector_entries)
from theano.tensor.sorting import (ArgSortOp, ScatterAlongAxis, SortOp, TakeAlongAxis, TopKOp, argsort,
                                argtopk, sort, topk, topk_and_argtopk)
from theano.tensor.type import TensorType

__all__ = [
    "CumOp", "CumsumOp", "CumprodOp", "cumsum", "cumprod", "RepeatOp", "repeat", "DiffOp", "diff",
    "BinCountOp", "bincount", "FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset",
    "to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex", "ravel_multi_index", "SearchsortedOp",
    "searchsorted", "Unique", "unique", "compress", "TakeRows", "ScatterAddRows", "Bartlett", "bartlett",
    "squeeze", "SortOp", "ArgSortOp", "sort", "argsort", "TopKOp", "topk", "argtopk", "topk_and_argtopk",
    "TakeAlongAxis", "ScatterAlongAxis", "tile", "Roll", "roll", "Nonzero", "nonzero", "flatnonzero",
    "NonzeroValues", "nonzero_values", "InversePermutation", "inverse_permutation", "Choose", "choose",
    "permute_row_elements", "cov",
]


def _zero_grad(x):
    return zeros_like(x, dtype=config.floatX)


# -------------------------------------------------------------------------------------------------
# tile, repeat, roll
# -------------------------------------------------------------------------------------------------


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


# -------------------------------------------------------------------------------------------------
# nonzero
# -------------------------------------------------------------------------------------------------


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


# -------------------------------------------------------------------------------------------------
# inverse_permutation, choose, permute_row_elements
# -------------------------------------------------------------------------------------------------


class InversePermutation(Op):
    """The inverse of a permutation vector (along the last axis of an integer tensor)."""

    __props__ = ()

    def make_node(self, perm):
        perm = as_tensor_variable(perm)
        if perm.dtype not in ts.integer_dtypes or perm.ndim < 1:
            raise TypeError(f"inverse_permutation needs an integer tensor, got {perm} ({perm.dtype})")
        return Apply(self, [perm], [perm.type()])

    def perform(self, node, inputs, output_storage):
        (perm,) = inputs
        out = np.empty_like(perm)
        n = perm.shape[-1]
        sorted_ok = np.sort(perm, axis=-1) == np.arange(n)
        if not np.all(sorted_ok):
            raise ValueError("inverse_permutation: the input is not a permutation of 0..n-1")
        np.put_along_axis(out, perm, np.broadcast_to(np.arange(n, dtype=perm.dtype), perm.shape), axis=-1)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def inverse_permutation(perm):
    """``out[perm[i]] = i`` along the last axis."""
    return InversePermutation()(perm)


class Choose(Op):
    """``numpy.choose(a, choices, mode)``: ``choices`` is one tensor whose first dimension indexes
    the choice; ``a`` and each choice broadcast together (broadcastable dimensions only)."""

    __props__ = ("mode",)

    def __init__(self, mode="raise"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        self.mode = mode

    def make_node(self, a, choices):
        a, choices = as_tensor_variable(a), as_tensor_variable(choices)
        if a.dtype not in ts.integer_dtypes:
            raise TypeError(f"choose: a must be an integer tensor, got dtype {a.dtype}")
        if choices.ndim < 1:
            raise TypeError("choose: choices must have at least one dimension (the choice index)")
        ndim = max(a.ndim, choices.ndim - 1)
        a_b = (True,) * (ndim - a.ndim) + a.broadcastable
        c_b = (True,) * (ndim - choices.ndim + 1) + choices.broadcastable[1:]
        bcast = tuple(x and y for x, y in zip(a_b, c_b))
        return Apply(self, [a, choices], [TensorType(choices.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        a, choices = inputs
        a_var, c_var = node.inputs
        out_shape = np.broadcast_shapes(a.shape, choices.shape[1:])
        for arr, var, lead in ((a, a_var, 0), (choices, c_var, 1)):
            shp, bc = arr.shape[lead:], var.broadcastable[lead:]
            off = len(out_shape) - len(shp)
            for d, (s, b) in enumerate(zip(shp, bc)):
                if s != out_shape[off + d] and not b:
                    raise ValueError(f"choose: shapes {a.shape} (a) and {choices.shape[1:]} (each choice) "
                                     "differ in a dimension that is not broadcastable")
        output_storage[0][0] = np.choose(a, choices, mode=self.mode)

    def infer_shape(self, node, input_shapes):
        a_var, c_var = node.inputs
        a_s, c_s = list(input_shapes[0]), list(input_shapes[1][1:])
        out_b = node.outputs[0].broadcastable
        ndim = len(out_b)
        a_s = [None] * (ndim - len(a_s)) + a_s
        a_b = (True,) * (ndim - a_var.ndim) + a_var.broadcastable
        c_s = [None] * (ndim - len(c_s)) + c_s
        out = []
        for d in range(ndim):
            if out_b[d]:
                out.append(constant(1, dtype="int64"))
            else:
                out.append(a_s[d] if not a_b[d] else c_s[d])
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        a, choices = inputs
        (gz,) = output_grads
        if choices.dtype in ts.discrete_dtypes:
            return [_disconnected(), zeros_like(choices, dtype=config.floatX)]
        n = shape_i(choices, 0)
        if self.mode == "wrap":
            a = tmod(a, n)
        elif self.mode == "clip":
            a = clip(a, 0, n - 1)
        ndim = gz.ndim
        k = DimShuffle((False,), [0] + ["x"] * ndim)(arange(n))
        a_full = shape_padleft(a, 1 + ndim - a.ndim)
        g_full = eq(a_full, k) * shape_padleft(gz, 1)  # (n, *out_shape)
        # back to the shape of choices: sum the leading and the broadcast dimensions
        lead = ndim - (choices.ndim - 1)
        c_b = (False,) * (lead + 1) + choices.broadcastable[1:]
        axes = [1 + d for d in range(lead)]
        axes += [d for d in range(1 + lead, 1 + ndim) if c_b[d] and not g_full.broadcastable[d]]
        g = tsum(g_full, axis=axes, keepdims=True) if axes else g_full
        if lead:
            g = DimShuffle(g.broadcastable, [0] + list(range(1 + lead, g.ndim)))(
                patternbroadcast(g, g.broadcastable[:1] + (True,) * lead + g.broadcastable[1 + lead:]))
        g = cast(g, choices.dtype)
        return [_disconnected(), patternbroadcast(g, choices.broadcastable)]


def choose(a, choices, out=None, mode="raise"):
    """Build an array from the index array ``a`` and a list (or a stacked tensor) of ``choices``."""
    if out is not None:
        raise TypeError("choose: the out argument is not supported (symbolic results are new)")
    if isinstance(choices, (list, tuple)):
        choices = [as_tensor_variable(c) for c in choices]
        nd = max(c.ndim for c in choices)
        choices = stack([shape_padleft(c, nd - c.ndim) if c.ndim < nd else c for c in choices])
    return Choose(mode)(a, choices)


def permute_row_elements(x, y, inverse=0):
    """Permute the last axis of ``x`` by the integer permutation(s) ``y``: one permutation for every
    row (``y`` a vector) or one per row (``y`` with x's leading dims); ``inverse`` applies the
    inverse permutation instead."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if y.dtype not in ts.integer_dtypes:
        raise TypeError(f"permute_row_elements: y must be integer permutations, got dtype {y.dtype}")
    if x.ndim < 1 or y.ndim < 1:
        raise TypeError("permute_row_elements needs tensors with at least one dimension")
    if inverse:
        y = inverse_permutation(y)
    nd = max(x.ndim, y.ndim)
    x = shape_padleft(x, nd - x.ndim) if x.ndim < nd else x
    y = shape_padleft(y, nd - y.ndim) if y.ndim < nd else y
    # bring both to the common shape (broadcastable leading dims expand)
    dims = []
    for d in range(nd):
        if d == nd - 1 or not x.broadcastable[d]:
            dims.append(shape_i(x, d))
        else:
            dims.append(shape_i(y, d))
    x_full = alloc(x, *dims) if any(x.broadcastable[:-1]) else x
    y_full = alloc(y, *dims) if any(y.broadcastable[:-1]) or y.ndim < nd else y
    return TakeAlongAxis()(x_full, y_full, constant(nd - 1, dtype="int64"))


# -------------------------------------------------------------------------------------------------
# cumsum / cumprod
# -------------------------------------------------------------------------------------------------


class CumOp(Op):
    """Cumulative sum (``mode='add'``) or product (``mode='mul'``) along ``axis``; ``axis=None``
    works on the flattened input."""

    __props__ = ("axis", "mode")

    def __init__(self, axis=None, mode="add"):
        if mode not in ("add", "mul"):
            raise ValueError(f"CumOp: mode must be 'add' or 'mul', got {mode!r}")
        self.axis = axis if axis is None else int(axis)
        self.mode = mode

    def __str__(self):
        return f"{'Cumsum' if self.mode == 'add' else 'Cumprod'}{{axis={self.axis}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            out_type = TensorType(x.dtype, (x.ndim == 0 or all(x.broadcastable),))
        else:
            if not -x.ndim <= self.axis < x.ndim:
                raise ValueError(f"{self}: axis {self.axis} is out of range for a {x.ndim}-d tensor")
            out_type = x.type
        return Apply(self, [x], [out_type()])

    def perform(self, node, inputs, output_storage):
        fn = np.cumsum if self.mode == "add" else np.cumprod
        output_storage[0][0] = fn(inputs[0], axis=self.axis).astype(node.outputs[0].type.numpy_dtype,
                                                                     copy=False)

    def infer_shape(self, node, input_shapes):
        if self.axis is None:
            n = constant(1, dtype="int64")
            for s in input_shapes[0]:
                n = n * s
            return [(n,)]
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [_zero_grad(x)]
        axis = 0 if self.axis is None else self.axis
        if self.mode == "add":
            g = _reverse_cumsum(gz, axis)
        else:
            # d out_j / d x_i = out_j / x_i for j >= i (Theano's formula; undefined at x_i == 0)
            g = _reverse_cumsum(gz * out, axis) / (x.flatten() if self.axis is None else x)
        if self.axis is None:
            g = reshape(g, shape(x), ndim=x.ndim)
        return [g]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        if self.mode == "add":  # linear
            return [self(eval_points[0])]
        return super().R_op(inputs, eval_points)


def CumsumOp(axis=None):  # noqa: N802  (Theano 1.0's class name)
    """Theano 1.0's ``CumsumOp(axis)``: a CumOp in 'add' mode."""
    return CumOp(axis, "add")


def CumprodOp(axis=None):  # noqa: N802
    """Theano 1.0's ``CumprodOp(axis)``: a CumOp in 'mul' mode."""
    return CumOp(axis, "mul")


def _reverse_cumsum(g, axis):
    """Sum from each position to the end along ``axis``: total - cumsum + g."""
    return tsum(g, axis=axis, keepdims=True) - CumOp(axis, "add")(g) + g


def cumsum(x, axis=None):
    """Cumulative sum along ``axis`` (the flattened tensor when ``axis`` is None)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "cumsum: axis")
    return CumOp(axis, "add")(x)


def cumprod(x, axis=None):
    """Cumulative product along ``axis`` (the flattened tensor when ``axis`` is None)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "cumprod: axis")
    return CumOp(axis, "mul")(x)


# -------------------------------------------------------------------------------------------------
# diff
# -------------------------------------------------------------------------------------------------


class DiffOp(Op):
    """``numpy.diff(x, n, axis)``: the ``n``-th discrete difference along ``axis``."""

    __props__ = ("n", "axis")

    def __init__(self, n=1, axis=-1):
        self.n = int(n)
        self.axis = int(axis)
        if self.n < 0:
            raise ValueError(f"diff: order n must be non-negative, got {n}")

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError(f"diff: axis {self.axis} is out of range for a {x.ndim}-d tensor")
        bcast = list(x.broadcastable)
        if self.n:
            bcast[self.axis] = False
        return Apply(self, [x], [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.diff(inputs[0], n=self.n, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        shp = list(input_shapes[0])
        ax = self.axis % len(shp)
        shp[ax] = _int64(maximum(shp[ax] - self.n, 0))
        return [tuple(shp)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [_zero_grad(x)]
        ax = self.axis % x.ndim
        g = gz
        # diff is linear: its transpose pads with a zero on each side and differences back
        for _ in range(self.n):
            shp = [shape_i(g, d) if d != ax else 1 for d in range(g.ndim)]
            zero = alloc(constant(0, dtype=g.dtype), *shp)
            g = join(ax, zero, g) - join(ax, g, zero)
        return [g]


def diff(x, n=1, axis=-1):
    """The ``n``-th discrete difference of ``x`` along ``axis``."""
    x = as_tensor_variable(x)
    if isinstance(n, (float, np.floating)):
        raise TypeError(f"diff: n must be an integer, got {n!r}")
    return DiffOp(n, _static_axis(axis, x.ndim, "diff: axis"))(x)


# -------------------------------------------------------------------------------------------------
# bincount
# -------------------------------------------------------------------------------------------------


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


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """Count occurrences of each value of the non-negative int vector ``x`` (weighted if given)."""
    op = BinCountOp(minlength, assert_nonneg)
    return op(x, weights) if weights is not None else op(x)


# -------------------------------------------------------------------------------------------------
# fill_diagonal
# -------------------------------------------------------------------------------------------------


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


# -------------------------------------------------------------------------------------------------
# one-hot, index conversion, searchsorted, unique, compress, bartlett
# -------------------------------------------------------------------------------------------------


def to_one_hot(y, nb_class, dtype=None):
    """A matrix with a one in column ``y[i]`` of row ``i`` (``y`` an integer vector)."""
    y = as_tensor_variable(y)
    if y.ndim != 1 or y.dtype not in ts.integer_dtypes:
        raise TypeError(f"to_one_hot: y must be an integer vector, got {y} ({y.ndim} dims, {y.dtype})")
    nb_class = _int_scalar(nb_class, "to_one_hot: nb_class")
    dtype = config.floatX if dtype in (None, "floatX") else dtype
    return cast(eq(y.dimshuffle(0, "x"), arange(nb_class).dimshuffle("x", 0)), dtype)


class UnravelIndex(Op):
    """``numpy.unravel_index``: one int64 output per entry of ``dims``."""

    __props__ = ("order", "ndim")

    def __init__(self, order="C", ndim=None):
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        self.order = order
        self.ndim = None if ndim is None else int(ndim)

    def make_node(self, indices, dims):
        indices, dims = as_tensor_variable(indices), as_tensor_variable(dims)
        if indices.dtype not in ts.integer_dtypes:
            raise TypeError(f"unravel_index: indices must be integers, got {indices.dtype}")
        if dims.ndim != 1 or dims.dtype not in ts.integer_dtypes:
            raise TypeError(f"unravel_index: dims must be an integer vector, got {dims}")
        if self.ndim is not None:
            n = self.ndim
        else:
            try:
                n = get_vector_length(dims)
            except (ValueError, TypeError) as exc:
                raise ValueError("unravel_index: the length of dims is not known from the graph; "
                                 "pass ndim=") from exc
        return Apply(self, [indices, dims], [TensorType("int64", indices.broadcastable)() for _ in range(n)])

    def perform(self, node, inputs, output_storage):
        indices, dims = inputs
        if len(dims) != len(node.outputs):
            raise ValueError(f"unravel_index: dims has {len(dims)} entries, but ndim={len(node.outputs)}")
        res = np.unravel_index(indices, tuple(int(d) for d in dims), order=self.order)
        for store, r in zip(output_storage, res):
            store[0] = np.asarray(r, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]] * len(node.outputs)

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)] * 2

    def grad(self, inputs, output_grads):
        return [_disconnected(), _disconnected()]


def _dims_vector(dims, what):
    """A Python/NumPy ``dims`` sequence as an int64 constant vector (checked); variables as given."""
    if isinstance(dims, (list, tuple, np.ndarray)):
        try:
            arr = np.asarray(dims)
        except ValueError as exc:
            raise TypeError(f"{what}: dims must be a 1-d sequence of ints, got {dims!r}") from exc
        if arr.ndim != 1:
            raise TypeError(f"{what}: dims must be a 1-d sequence of ints, got {dims!r}")
        if arr.dtype.kind not in "iu" and arr.size:
            raise TypeError(f"{what}: dims must be integers, got {dims!r}")
        return constant(arr.astype("int64"))
    return dims


def unravel_index(indices, dims, order="C", ndim=None):
    """Flat ``indices`` into a tuple of coordinate arrays for a tensor of shape ``dims``.

    ``dims`` is a tuple/array of ints or an integer vector; give ``ndim`` (its length) when that
    length cannot be read from the graph (e.g. a shared vector).
    """
    if ndim is not None:
        if isinstance(ndim, (bool, np.bool_)) or not isinstance(ndim, (int, np.integer)):
            raise ValueError(f"unravel_index: ndim must be an int, got {ndim!r}")
        ndim = int(ndim)
    dims = _dims_vector(dims, "unravel_index")
    res = UnravelIndex(order, ndim)(indices, dims)
    return tuple(res) if isinstance(res, list) else (res,)


class RavelMultiIndex(Op):
    """``numpy.ravel_multi_index(multi_index, dims, mode, order)``: inputs are the index arrays
    followed by the ``dims`` vector."""

    __props__ = ("mode", "order")

    def __init__(self, mode="raise", order="C"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        self.mode, self.order = mode, order

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        for i in inputs:
            if i.dtype not in ts.integer_dtypes:
                raise TypeError(f"ravel_multi_index: integer inputs needed, got {i} of dtype {i.dtype}")
        return Apply(self, inputs, [TensorType("int64", inputs[0].broadcastable)()])

    def perform(self, node, inputs, output_storage):
        *idx, dims = inputs
        output_storage[0][0] = np.asarray(
            np.ravel_multi_index(tuple(idx), tuple(int(d) for d in dims), mode=self.mode, order=self.order),
            dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False]] * len(node.inputs)

    def grad(self, inputs, output_grads):
        return [_disconnected() for _ in inputs]


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """A tuple of index arrays into flat indices for a tensor of shape ``dims``."""
    if not isinstance(multi_index, (list, tuple)):
        raise TypeError("ravel_multi_index: multi_index must be a tuple of integer tensors")
    dims = _dims_vector(dims, "ravel_multi_index")
    return RavelMultiIndex(mode, order)(*multi_index, dims)


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


class Bartlett(Op):
    """The Bartlett window of ``M`` points (``numpy.bartlett``), float64."""

    __props__ = ()

    def make_node(self, M):
        M = _int_scalar(M, "bartlett: M")
        return Apply(self, [M], [TensorType("float64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.bartlett(int(inputs[0]))

    def infer_shape(self, node, input_shapes):
        return [(_int64(maximum(node.inputs[0], 0)),)]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def bartlett(M):
    return Bartlett()(M)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the variables in ``m`` (and ``y``), as ``numpy.cov``.

    Each row of ``m`` is a variable and each column an observation (``rowvar=False``: the other way
    round). The sum of squares is divided by ``N - ddof``; ``ddof`` defaults to 1, or 0 with
    ``bias=True``. Differences from NumPy: a 2-d ``m`` (or ``y``) with ``rowvar=False`` is always
    transposed (NumPy leaves a single-row array as it is), and weights are not supported.
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported")
    if ddof is not None and not isinstance(ddof, (int, np.integer)):
        raise ValueError(f"cov: ddof must be an integer, got {ddof!r}")

    def rows(v):
        v = as_tensor_variable(v)
        if v.ndim > 2:
            raise ValueError(f"cov: m and y must have at most 2 dimensions, got {v.ndim}")
        if v.ndim < 2:
            return v.dimshuffle(["x"] * (2 - v.ndim) + list(range(v.ndim)))
        return v if rowvar else v.T

    x = rows(m)
    if y is not None:
        yr = rows(y)
        x = concatenate([x, yr.astype(x.dtype) if yr.dtype != x.dtype else yr], axis=0)
    if x.dtype in ts.discrete_dtypes:
        x = cast(x, "float64")
    if ddof is None:
        ddof = 0 if bias else 1
    centered = x - mean(x, axis=1, keepdims=True)
    n = cast(shape_i(x, 1), x.dtype) - np.asarray(ddof, dtype=x.dtype)
    c = dot(centered, centered.T.conj()) / n
    if all(c.broadcastable):  # one variable: a 0-d result, as numpy squeezes it
        c = c.dimshuffle()
    return c
