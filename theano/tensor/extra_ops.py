"""NumPy-like extras: cumsum/cumprod, diff, bincount, fill_diagonal, to_one_hot, unravel_index,
ravel_multi_index, searchsorted, unique, compress, bartlett (and sort/argsort from ``sort.py``)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable, cast, constant, zeros_like
from theano.tensor.shape_ops import (RepeatOp, _disconnected, _int64, _int_scalar, _static_axis, alloc,
                                     join, repeat, squeeze)
from theano.tensor.sort import (ArgSortOp, ScatterAlongAxis, SortOp, TakeAlongAxis, TopKOp, argsort,
                                argtopk, sort, topk, topk_and_argtopk)
from theano.tensor.type import TensorType

__all__ = [
    "CumOp", "CumsumOp", "CumprodOp", "cumsum", "cumprod", "RepeatOp", "repeat", "DiffOp", "diff",
    "BinCountOp", "bincount", "FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset",
    "to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex", "ravel_multi_index", "SearchsortedOp",
    "searchsorted", "Unique", "unique", "compress", "TakeRows", "ScatterAddRows", "Bartlett", "bartlett",
    "squeeze", "SortOp", "ArgSortOp", "sort", "argsort", "TopKOp", "topk", "argtopk", "topk_and_argtopk",
    "TakeAlongAxis", "ScatterAlongAxis",
]


def _zero_grad(x):
    return zeros_like(x, dtype=config.floatX)


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
        from theano.tensor.shape import reshape, shape

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
    from theano.tensor.math import sum as tsum

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
        from theano.tensor.math import maximum

        shp = list(input_shapes[0])
        ax = self.axis % len(shp)
        shp[ax] = _int64(maximum(shp[ax] - self.n, 0))
        return [tuple(shp)]

    def grad(self, inputs, output_grads):
        from theano.tensor.shape import shape_i

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
        from theano.tensor.math import max as tmax
        from theano.tensor.math import maximum

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
        from theano.tensor.shape import shape_i

        v, idx = inputs
        if v.dtype in ts.discrete_dtypes:
            return [_zero_grad(v), _disconnected()]
        g = ScatterAddRows()(idx, output_grads[0], shape_i(v, 0))
        from theano.tensor.basic import patternbroadcast

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
        from theano.tensor.linalg_ops import diagonal
        from theano.tensor.math import sum as tsum

        a, val, offset = inputs
        (gz,) = output_grads
        ga = self(gz, constant(0, dtype=gz.dtype), offset)
        k = _static_offset(offset)
        gval = tsum(diagonal(gz, k)) if k is not None else _DiagSum()(gz, offset)
        ga = _zero_grad(a) if a.dtype in ts.discrete_dtypes else ga
        gval = _zero_grad(val) if val.dtype in ts.discrete_dtypes else gval
        return [ga, gval, _disconnected()]


def _static_offset(offset):
    from theano.tensor.shape_ops import _const_int

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
        from theano.tensor.math import sum as tsum

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
    from theano.tensor.math import eq
    from theano.tensor.shape_ops import arange

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
        from theano.tensor.shape_ops import get_vector_length

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
                from theano.tensor.math import prod

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
    from theano.tensor.shape import flatten
    from theano.tensor.shape_ops import nonzero

    x = as_tensor_variable(x)
    condition = as_tensor_variable(condition)
    if condition.ndim != 1:
        raise TypeError(f"compress: condition must be a vector, got {condition.ndim} dimensions")
    idx = nonzero(condition)[0]
    if axis is None:
        return TakeRows()(flatten(x, 1), idx)
    from theano.tensor.shape_ops import swapaxes

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
        from theano.tensor.math import maximum

        return [(_int64(maximum(node.inputs[0], 0)),)]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def bartlett(M):
    return Bartlett()(M)


_ = (squeeze, repeat, RepeatOp)  # re-exported: Theano 1.0 has them in extra_ops
