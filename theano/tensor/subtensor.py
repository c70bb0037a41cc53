"""Indexing: ``x[idx]``, ``set_subtensor``/``inc_subtensor`` and ``take``.

(``nonzero``/``flatnonzero``/``nonzero_values`` live in ``theano/tensor/shape_ops.py``.)

Six ops share one description of an index, ``idx_list``, a tuple with one entry per index item:

- a Python ``int``: a constant integer index (basic indexing only);
- ``"?"``: an integer scalar read from the next symbolic input;
- a 3-tuple ``(start, stop, step)``: a slice, each part ``None``, an ``int`` or ``"?"`` (next input);
- ``None``: a new axis (advanced indexing only; basic indexing adds axes with a DimShuffle);
- ``"@"``: an index array read from the next input: integers (any number of dimensions, 0-d
  included) or a boolean mask (advanced indexing only).

Ops and what they compute (each as NumPy would):

- ``Subtensor``: basic indexing (ints, slices). A view of its input.
- ``AdvancedSubtensor1``: ``x[ivec]``, an integer vector on the first axis, the common fast case.
- ``AdvancedSubtensor``: everything else (integer arrays, masks, mixed with slices and new axes).
- ``IncSubtensor``/``AdvancedIncSubtensor1``/``AdvancedIncSubtensor``: a copy of ``x`` whose indexed
  part is set to, or incremented by, ``y`` (broadcast). Repeated indices accumulate (``np.add.at``).
  ``inplace=True`` variants overwrite ``x`` (``destroy_map``); the optimizer introduces them.
"""

import numbers

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (DimShuffle, addbroadcast, as_tensor_variable, cast, constant,
                                 patternbroadcast, zeros_like)
from theano.tensor.type import TensorType

__all__ = [
    "getitem", "set_subtensor", "inc_subtensor", "take", "Subtensor", "IncSubtensor",
    "AdvancedSubtensor1", "AdvancedIncSubtensor1", "AdvancedSubtensor", "AdvancedIncSubtensor",
    "advanced_subtensor1", "advanced_inc_subtensor1", "advanced_set_subtensor1",
    "advanced_subtensor", "advanced_inc_subtensor", "advanced_set_subtensor",
    "get_idx_list", "slice_length",
]

SYM = "?"      # an integer scalar taken from the op's inputs
ARRAY = "@"    # an index array taken from the op's inputs (advanced indexing)


# -------------------------------------------------------------------------------------------------
# idx_list helpers
# -------------------------------------------------------------------------------------------------


def _norm_entry(e, advanced):
    """Validate one idx_list entry (accepting real ``slice`` objects) and return its canonical form."""
    if isinstance(e, slice):
        e = (e.start, e.stop, e.step)
    if isinstance(e, tuple):
        if len(e) != 3:
            raise ValueError(f"A slice entry of idx_list must be (start, stop, step), got {e!r}")
        out = []
        for c in e:
            if c is None or c == SYM:
                out.append(c)
            elif isinstance(c, (numbers.Integral, np.integer)) and not isinstance(c, (bool, np.bool_)):
                out.append(int(c))
            else:
                raise TypeError(f"Slice parts must be None, an int or {SYM!r}, got {c!r}")
        if out[2] == 0:
            raise ValueError("slice step cannot be zero")
        return tuple(out)
    if e == SYM:
        return SYM
    if e is None or e == ARRAY:
        if not advanced:
            raise ValueError(f"Subtensor idx_list cannot hold {e!r} (only advanced indexing can)")
        return e
    if isinstance(e, (numbers.Integral, np.integer)) and not isinstance(e, (bool, np.bool_)):
        if advanced:
            raise ValueError("Advanced idx_list holds integers as inputs ('@'), not constants")
        return int(e)
    raise TypeError(f"Invalid idx_list entry {e!r}")


def _n_inputs(idx_list):
    """How many symbolic inputs an idx_list reads (besides x and y)."""
    n = 0
    for e in idx_list:
        if e == SYM or e == ARRAY:
            n += 1
        elif isinstance(e, tuple):
            n += sum(1 for c in e if c == SYM)
    return n


def _decode(idx_list, values, numeric):
    """Replace the placeholders of ``idx_list`` by ``values`` (in order).

    With ``numeric`` the result is a list of NumPy index items (ints, slices, None, arrays); without,
    ints become symbolic scalars and slices become (start, stop, step) tuples of ints/None/variables.
    """
    it = iter(values)

    def take_scalar():
        v = next(it)
        return int(np.asarray(v)) if numeric else v

    out = []
    for e in idx_list:
        if e == SYM:
            out.append(take_scalar())
        elif e == ARRAY:
            out.append(next(it))
        elif isinstance(e, tuple):
            parts = tuple(take_scalar() if c == SYM else c for c in e)
            out.append(slice(*parts) if numeric else parts)
        else:
            out.append(e)
    return out


def get_idx_list(inputs, idx_list):
    """The index items of a (Adv)Subtensor node: ``inputs`` are its index inputs (x, y excluded).

    Slices come back as ``slice`` objects whose parts are None, ints or symbolic scalars.
    """
    items = _decode(idx_list, inputs, numeric=False)
    return [slice(*e) if isinstance(e, tuple) else e for e in items]


def _idx_str(idx_list):
    parts = []
    for e in idx_list:
        if isinstance(e, tuple):
            a, b, c = ("" if p is None else str(p) for p in e)
            parts.append(f"{a}:{b}" + (f":{c}" if c else ""))
        elif e is None:
            parts.append("newaxis")
        else:
            parts.append(str(e))
    return ", ".join(parts)


def _static_slice_keeps_one(sl):
    """True when the slice, all parts constant, keeps the only element of a length-1 dimension."""
    if any(c == SYM for c in sl):
        return False
    return len(range(1)[slice(*sl)]) == 1


def _check_scalar_index(v, what):
    """Check a symbolic index scalar; return it, or a Python int when it is a known constant."""
    if v.ndim != 0:
        raise TypeError(f"{what} must be a scalar integer, got {v} with {v.ndim} dimensions")
    if v.dtype not in ts.integer_dtypes:
        raise TypeError(f"{what} must be an integer, got {v} of dtype {v.dtype}")
    return v


def _int64(v):
    if isinstance(v, (int, np.integer)):
        return constant(int(v), dtype="int64")
    return cast(v, "int64")


def _wrap_index_error(op, exc, x, items):
    shapes = ", ".join(str(getattr(i, "shape", i)) if isinstance(i, np.ndarray) else repr(i)
                       for i in items)
    return IndexError(f"{op}: {exc} (indexing an array of shape {x.shape} with [{shapes}])")


# -------------------------------------------------------------------------------------------------
# Symbolic slice lengths
# -------------------------------------------------------------------------------------------------


def _normalize_bound(b, n, lower, upper_from_n, default):
    """A slice bound as Python does it: None -> default; negative counts from the end; clipped.

    ``lower`` is the smallest value (0 for a positive step, -1 for a negative one) and the upper
    clip is ``n + upper_from_n`` (n for positive steps, n - 1 for negative ones).
    """
    from theano.tensor.math import lt, maximum, minimum, switch

    if b is None:
        return default
    if isinstance(b, int):
        if b < 0:
            return maximum(n + b, lower)
        return minimum(constant(b, dtype="int64"), n + upper_from_n)
    b = _int64(b)
    return switch(lt(b, 0), maximum(n + b, lower), minimum(b, n + upper_from_n))


def _slice_len_pos(n, start, stop, step):
    from theano.tensor.math import maximum

    lo = _normalize_bound(start, n, 0, 0, constant(0, dtype="int64"))
    hi = _normalize_bound(stop, n, 0, 0, n)
    if isinstance(step, int) and step == 1:
        return maximum(hi - lo, 0)
    return maximum((hi - lo + step - 1) // step, 0)


def _slice_len_neg(n, start, stop, neg_step):
    """Length for a negative step; ``neg_step`` is the (positive) absolute step."""
    from theano.tensor.math import maximum

    hi = _normalize_bound(start, n, -1, -1, n - 1)
    lo = _normalize_bound(stop, n, -1, -1, constant(-1, dtype="int64"))
    if isinstance(neg_step, int) and neg_step == 1:
        return maximum(hi - lo, 0)
    return maximum((hi - lo + neg_step - 1) // neg_step, 0)


def slice_length(n, start=None, stop=None, step=None):
    """Symbolic length of ``range(n)[start:stop:step]`` (each part None, an int or an int scalar)."""
    from theano.tensor.math import gt, switch

    n = _int64(n)
    if step is None or isinstance(step, int):
        step = 1 if step is None else step
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step == 1 and start is None and stop is None:
            return n
        if step > 0:
            return _slice_len_pos(n, start, stop, step)
        return _slice_len_neg(n, start, stop, -step)
    step = _int64(step)
    return switch(gt(step, 0), _slice_len_pos(n, start, stop, step),
                  _slice_len_neg(n, start, stop, -step))


def _check_basic_bounds(op, items, shape):
    for axis, e in enumerate(items):
        if isinstance(e, int):
            n = shape[axis]
            if not -n <= e < n:
                raise IndexError(
                    f"{op}: index {e} is out of bounds for axis {axis} with size {n} (the input has "
                    f"shape {shape})"
                )
        elif isinstance(e, slice) and e.step == 0:
            raise ValueError(f"{op}: slice step cannot be zero")


# -------------------------------------------------------------------------------------------------
# Gradient helpers
# -------------------------------------------------------------------------------------------------


def _is_discrete(v):
    return v.dtype in ts.discrete_dtypes


def _float_zeros(v):
    return zeros_like(v, dtype=config.floatX)


def _sum_to(g, y):
    """Sum ``g`` (the gradient of a broadcast ``y``) down to ``y``'s number of dims and pattern."""
    from theano.tensor.math import sum as tsum

    g = as_tensor_variable(g)
    extra = g.ndim - y.ndim
    if extra > 0:
        g = tsum(g, axis=list(range(extra)))
    axes = [d for d in range(y.ndim) if y.broadcastable[d] and not g.broadcastable[d]]
    if axes:
        g = tsum(g, axis=axes, keepdims=True)
    if g.dtype != y.dtype and not _is_discrete(y):
        g = cast(g, y.dtype)
    return patternbroadcast(g, y.broadcastable)


def _prepare_y(x_type_target, y, x_dtype, who):
    """``y`` as a tensor of ``x_dtype`` whose dims fit the indexed part ``x_type_target``."""
    y = as_tensor_variable(y)
    if y.ndim > x_type_target.ndim:
        raise TypeError(
            f"{who}: cannot write a {y.ndim}-dimensional value into a {x_type_target.ndim}-"
            f"dimensional part of the tensor"
        )
    if y.dtype != x_dtype:
        if y.dtype in ts.complex_dtypes and x_dtype not in ts.complex_dtypes:
            raise TypeError(f"{who}: cannot write complex values ({y.dtype}) into a {x_dtype} tensor")
        y = cast(y, x_dtype)
    return y


def _inc_perform_error(op, exc, y, target_shape):
    return ValueError(
        f"{op}: cannot broadcast the value of shape {np.shape(y)} to the indexed part of shape "
        f"{target_shape}: {exc}"
    )


# -------------------------------------------------------------------------------------------------
# Subtensor: basic indexing
# -------------------------------------------------------------------------------------------------


class _ReadSubtensorContract:
    """connection_pattern, gradient and R_op shared by Subtensor and AdvancedSubtensor: ``_inc_op`` is
    the op that increments the same part (IncSubtensor or AdvancedIncSubtensor)."""

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def grad(self, inputs, output_grads):
        x, rest = inputs[0], list(inputs[1:])
        (gz,) = output_grads
        if _is_discrete(x):
            gx = _float_zeros(x)
        else:
            gx = self._inc_op(self.idx_list)(zeros_like(x), gz, *rest)
        return [gx] + [None] * len(rest)

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], *inputs[1:])]


class Subtensor(_ReadSubtensorContract, Op):
    """Basic indexing ``x[idx]`` with ints and slices; the result is a view of ``x``."""

    __props__ = ("idx_list",)
    view_map = {0: [0]}

    def __init__(self, idx_list):
        self.idx_list = tuple(_norm_entry(e, advanced=False) for e in idx_list)

    def __str__(self):
        return f"Subtensor{{{_idx_str(self.idx_list)}}}"

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        if len(self.idx_list) > x.ndim:
            raise IndexError(f"{self}: too many indices ({len(self.idx_list)}) for {x} with "
                             f"{x.ndim} dimensions")
        if len(inputs) != _n_inputs(self.idx_list):
            raise ValueError(f"{self} expects {_n_inputs(self.idx_list)} index inputs, got "
                             f"{len(inputs)}")
        inputs = [_check_scalar_index(as_tensor_variable(i), f"{self}: index input {k}")
                  for k, i in enumerate(inputs)]
        bcast = []
        for d, e in enumerate(self.idx_list):
            if isinstance(e, tuple):
                bcast.append(x.broadcastable[d] and _static_slice_keeps_one(e))
        bcast.extend(x.broadcastable[len(self.idx_list):])
        return Apply(self, [x] + inputs, [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        items = _decode(self.idx_list, inputs[1:], numeric=True)
        _check_basic_bounds(self, items, x.shape)
        # the trailing Ellipsis makes an all-int index give a 0-d view rather than a NumPy scalar
        output_storage[0][0] = x[tuple(items) + (Ellipsis,)]

    def infer_shape(self, node, input_shapes):
        xshp = input_shapes[0]
        items = _decode(self.idx_list, node.inputs[1:], numeric=False)
        out = []
        for d, e in enumerate(items):
            if isinstance(e, tuple):
                if node.outputs[0].broadcastable[len(out)]:
                    out.append(constant(1, dtype="int64"))
                else:
                    out.append(slice_length(xshp[d], *e))
        out.extend(xshp[len(items):])
        return [tuple(out)]



class _IncSubtensorContract:
    """infer_shape, gradient and R_op shared by IncSubtensor and AdvancedIncSubtensor: ``_read_op`` is
    the op that reads the same part (Subtensor or AdvancedSubtensor)."""

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True]] + [[False]] * (len(node.inputs) - 2)

    def grad(self, inputs, output_grads):
        x, y, rest = inputs[0], inputs[1], list(inputs[2:])
        (g,) = output_grads
        if _is_discrete(x):
            gx = _float_zeros(x)
        elif self.set_instead_of_inc:
            gx = type(self)(self.idx_list, set_instead_of_inc=True)(g, constant(0, dtype=g.dtype), *rest)
        else:
            gx = g
        if _is_discrete(y):
            gy = _float_zeros(y)
        else:
            gy = _sum_to(self._read_op(self.idx_list)(g, *rest), y)
        return [gx, gy] + [None] * len(rest)

    def R_op(self, inputs, eval_points):
        ex, ey = eval_points[:2]
        if ex is None and ey is None:
            return [None]
        ex = zeros_like(inputs[0]) if ex is None else ex
        ey = zeros_like(inputs[1]) if ey is None else ey
        return [type(self)(self.idx_list, set_instead_of_inc=self.set_instead_of_inc)(
            ex, ey, *inputs[2:])]


class IncSubtensor(_IncSubtensorContract, Op):
    """A copy of ``x`` whose part ``x[idx]`` (basic indexing) is incremented by, or set to, ``y``.

    Inputs: ``x``, ``y``, then the index scalars of ``idx_list``. ``y`` broadcasts to the part.
    """

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False,
                 destroyhandler_tolerate_aliased=None):
        self.idx_list = tuple(_norm_entry(e, advanced=False) for e in idx_list)
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        kind = "Set" if self.set_instead_of_inc else "Inc"
        ip = "Inplace" if self.inplace else ""
        return f"{kind}Subtensor{ip}{{{_idx_str(self.idx_list)}}}"

    def make_node(self, x, y, *inputs):
        x = as_tensor_variable(x)
        target = Subtensor(self.idx_list).make_node(x, *inputs)
        y = _prepare_y(target.outputs[0], y, x.dtype, str(self))
        return Apply(self, [x, y] + target.inputs[1:], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs[:2]
        items = _decode(self.idx_list, inputs[2:], numeric=True)
        _check_basic_bounds(self, items, x.shape)
        out = x if self.inplace else x.copy()
        part = out[tuple(items) + (Ellipsis,)]
        try:
            if self.set_instead_of_inc:
                part[...] = y
            else:
                part += y
        except ValueError as exc:
            raise _inc_perform_error(self, exc, y, part.shape) from exc
        output_storage[0][0] = out



# -------------------------------------------------------------------------------------------------
# AdvancedSubtensor1: x[ivec] on the first axis
# -------------------------------------------------------------------------------------------------


def _as_index_vector(ilist, who):
    ilist = as_tensor_variable(ilist)
    if ilist.dtype not in ts.integer_dtypes:
        raise TypeError(f"{who}: the index must be an integer vector, got {ilist} of dtype "
                        f"{ilist.dtype}")
    if ilist.ndim != 1:
        raise TypeError(f"{who}: the index must be a vector, got {ilist} with {ilist.ndim} "
                        "dimensions")
    return ilist


def _check_vector_bounds(op, ilist, n, shape):
    if ilist.size:
        lo, hi = int(ilist.min()), int(ilist.max())
        if lo < -n or hi >= n:
            bad = hi if hi >= n else lo
            raise IndexError(f"{op}: index {bad} is out of bounds for axis 0 with size {n} (the "
                             f"input has shape {shape})")


class AdvancedSubtensor1(Op):
    """``x[ilist]`` for an integer vector ``ilist`` on the first axis (a copy)."""

    __props__ = ()

    def __init__(self, sparse_grad=False):
        self.sparse_grad = sparse_grad

    def make_node(self, x, ilist):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise TypeError(f"{self}: cannot index the 0-d tensor {x}")
        ilist = _as_index_vector(ilist, str(self))
        bcast = (ilist.broadcastable[0],) + x.broadcastable[1:]
        return Apply(self, [x, ilist], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, ilist = inputs
        _check_vector_bounds(self, ilist, x.shape[0], x.shape)
        output_storage[0][0] = x[ilist]

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[1][0],) + tuple(input_shapes[0][1:])]

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, ilist = inputs
        (gz,) = output_grads
        if _is_discrete(x):
            return [_float_zeros(x), None]
        return [AdvancedIncSubtensor1()(zeros_like(x), gz, ilist), None]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


class AdvancedIncSubtensor1(Op):
    """A copy of ``x`` with ``x[ilist]`` incremented by (repeated indices add up) or set to ``y``."""

    __props__ = ("inplace", "set_instead_of_inc")

    def __init__(self, inplace=False, set_instead_of_inc=False):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        kind = "Set" if self.set_instead_of_inc else "Inc"
        return f"Advanced{kind}Subtensor1{{{'inplace' if self.inplace else 'no_inplace'}}}"

    def make_node(self, x, y, ilist):
        x = as_tensor_variable(x)
        target = AdvancedSubtensor1().make_node(x, ilist)
        y = _prepare_y(target.outputs[0], y, x.dtype, str(self))
        return Apply(self, [x, y, target.inputs[1]], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y, ilist = inputs
        n = x.shape[0]
        _check_vector_bounds(self, ilist, n, x.shape)
        out = x if self.inplace else x.copy()
        target_shape = ilist.shape + x.shape[1:]
        try:
            if self.set_instead_of_inc:
                out[ilist] = y
            elif out.ndim == 1 and out.dtype.kind == "f" and ilist.size > 16:
                # np.add.at semantics, accumulated by bincount (much faster for vectors)
                w = np.broadcast_to(y, target_shape)
                out += np.bincount(ilist % n, weights=w, minlength=n).astype(out.dtype)
            else:
                np.add.at(out, ilist, y)
        except ValueError as exc:
            raise _inc_perform_error(self, exc, y, target_shape) from exc
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def grad(self, inputs, output_grads):
        x, y, ilist = inputs
        (g,) = output_grads
        if _is_discrete(x):
            gx = _float_zeros(x)
        elif self.set_instead_of_inc:
            gx = AdvancedIncSubtensor1(set_instead_of_inc=True)(g, constant(0, dtype=g.dtype), ilist)
        else:
            gx = g
        gy = _float_zeros(y) if _is_discrete(y) else _sum_to(AdvancedSubtensor1()(g, ilist), y)
        return [gx, gy, None]

    def R_op(self, inputs, eval_points):
        ex, ey = eval_points[:2]
        if ex is None and ey is None:
            return [None]
        ex = zeros_like(inputs[0]) if ex is None else ex
        ey = zeros_like(inputs[1]) if ey is None else ey
        return [AdvancedIncSubtensor1(set_instead_of_inc=self.set_instead_of_inc)(ex, ey, inputs[2])]


advanced_subtensor1 = AdvancedSubtensor1()
advanced_inc_subtensor1 = AdvancedIncSubtensor1()
advanced_set_subtensor1 = AdvancedIncSubtensor1(set_instead_of_inc=True)


# -------------------------------------------------------------------------------------------------
# AdvancedSubtensor: general advanced indexing
# -------------------------------------------------------------------------------------------------


def _adv_layout(idx_list, x, index_vars):
    """Where each output dimension of ``x[idx]`` comes from, by NumPy's rules.

    Returns (layout, adv): ``layout`` lists ('B', j) for dimension j of the broadcast shape of the
    advanced indices, ('S', entry, axis) for a slice, ('N',) for a new axis and ('R', axis) for a
    dimension of ``x`` not indexed; ``adv`` lists (entry, variable) of the advanced indices. The
    broadcast dims go where the first advanced index is when all advanced indices are adjacent,
    else first.
    """
    items = _decode(idx_list, index_vars, numeric=False)
    axis = 0
    per_entry = []
    adv = []
    for k, (e, item) in enumerate(zip(idx_list, items)):
        if e is None:
            per_entry.append(("N",))
        elif e == ARRAY:
            adv.append((k, item))
            per_entry.append(("A",))
            axis += item.ndim if item.dtype == "bool" else 1
        else:
            per_entry.append(("S", k, axis))
            axis += 1
    if axis > x.ndim:
        raise IndexError(f"too many indices for {x} with {x.ndim} dimensions: the index uses {axis}")
    positions = [k for k, _ in adv]
    adjacent = bool(positions) and positions == list(range(positions[0], positions[-1] + 1))
    bndim = max([1 if v.dtype == "bool" else v.ndim for _, v in adv], default=0)
    bdims = [("B", j) for j in range(bndim)]
    layout = [] if adjacent else list(bdims)
    for kind in per_entry:
        if kind[0] == "A":
            if adjacent and not any(d[0] == "B" for d in layout):
                layout.extend(bdims)
            continue
        layout.append(kind)
    layout.extend(("R", a) for a in range(axis, x.ndim))
    return layout, adv, bndim


def _adv_broadcast_info(adv, bndim, j):
    """(variable, its dimension) pairs that share broadcast dimension ``j`` (right-aligned)."""
    out = []
    for _, v in adv:
        nd = 1 if v.dtype == "bool" else v.ndim
        d = nd - (bndim - j)
        if d >= 0:
            out.append((v, d))
    return out


class AdvancedSubtensor(_ReadSubtensorContract, Op):
    """General advanced indexing (integer arrays, boolean masks, slices, new axes), as NumPy does.

    Inputs: ``x``, then the index arrays and symbolic slice parts of ``idx_list`` in order.
    """

    __props__ = ("idx_list",)

    def __init__(self, idx_list):
        self.idx_list = tuple(_norm_entry(e, advanced=True) for e in idx_list)

    def __str__(self):
        return f"AdvancedSubtensor{{{_idx_str(self.idx_list)}}}"

    def _check_inputs(self, inputs):
        if len(inputs) != _n_inputs(self.idx_list):
            raise ValueError(f"{self} expects {_n_inputs(self.idx_list)} index inputs, got "
                             f"{len(inputs)}")
        it = iter(inputs)
        checked = []
        for e in self.idx_list:
            if e == ARRAY:
                v = as_tensor_variable(next(it))
                if v.dtype not in ts.integer_dtypes and v.dtype != "bool":
                    raise TypeError(f"{self}: index arrays must be integers or booleans, got {v} "
                                    f"of dtype {v.dtype}")
                if v.dtype == "bool" and v.ndim == 0:
                    raise TypeError(f"{self}: a boolean index must have at least one dimension")
                checked.append(v)
            elif isinstance(e, tuple):
                for c in e:
                    if c == SYM:
                        checked.append(_check_scalar_index(as_tensor_variable(next(it)),
                                                           f"{self}: slice part"))
        return checked

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        inputs = self._check_inputs(inputs)
        layout, adv, bndim = _adv_layout(self.idx_list, x, inputs)
        if not adv:
            raise ValueError(f"{self} needs at least one index array")
        bcast = []
        for entry in layout:
            if entry[0] == "B":
                cands = _adv_broadcast_info(adv, bndim, entry[1])
                bcast.append(all(v.dtype != "bool" and v.broadcastable[d] for v, d in cands))
            elif entry[0] == "S":
                sl = self.idx_list[entry[1]]
                bcast.append(x.broadcastable[entry[2]] and _static_slice_keeps_one(sl))
            elif entry[0] == "N":
                bcast.append(True)
            else:
                bcast.append(x.broadcastable[entry[1]])
        return Apply(self, [x] + inputs, [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        items = _decode(self.idx_list, inputs[1:], numeric=True)
        try:
            r = x[tuple(items)]
        except IndexError as exc:
            raise _wrap_index_error(self, exc, x, items) from exc
        r = np.asarray(r)
        if np.may_share_memory(r, x):
            r = r.copy()
        output_storage[0][0] = r

    def infer_shape(self, node, input_shapes):
        from theano.tensor.math import eq, switch
        from theano.tensor.math import sum as tsum

        x = node.inputs[0]
        xshp = input_shapes[0]
        index_vars = node.inputs[1:]
        shape_of = {v: s for v, s in zip(index_vars, input_shapes[1:])}
        layout, adv, bndim = _adv_layout(self.idx_list, x, index_vars)
        items = _decode(self.idx_list, index_vars, numeric=False)
        out = []
        for k, entry in enumerate(layout):
            if node.outputs[0].broadcastable[k]:
                out.append(constant(1, dtype="int64"))
            elif entry[0] == "B":
                lengths = []
                for v, d in _adv_broadcast_info(adv, bndim, entry[1]):
                    if v.dtype == "bool":
                        lengths.append(tsum(cast(v, "int64")))
                    elif not v.broadcastable[d]:
                        lengths.append(shape_of[v][d])
                acc = lengths[0]
                for ln in lengths[1:]:
                    acc = switch(eq(acc, 1), ln, acc)
                out.append(acc)
            elif entry[0] == "S":
                out.append(slice_length(xshp[entry[2]], *items[entry[1]]))
            else:
                out.append(xshp[entry[1]])
        return [tuple(out)]



class AdvancedIncSubtensor(_IncSubtensorContract, Op):
    """A copy of ``x`` whose part ``x[idx]`` (advanced) is incremented by or set to ``y``.

    Increments accumulate over repeated indices (``np.add.at``); a set with repeated indices keeps
    one of the values, as NumPy does.
    """

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False):
        self.idx_list = tuple(_norm_entry(e, advanced=True) for e in idx_list)
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        kind = "Set" if self.set_instead_of_inc else "Inc"
        ip = "Inplace" if self.inplace else ""
        return f"Advanced{kind}Subtensor{ip}{{{_idx_str(self.idx_list)}}}"

    def make_node(self, x, y, *inputs):
        x = as_tensor_variable(x)
        target = AdvancedSubtensor(self.idx_list).make_node(x, *inputs)
        y = _prepare_y(target.outputs[0], y, x.dtype, str(self))
        return Apply(self, [x, y] + target.inputs[1:], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs[:2]
        items = tuple(_decode(self.idx_list, inputs[2:], numeric=True))
        out = x if self.inplace else x.copy()
        try:
            if self.set_instead_of_inc:
                out[items] = y
            else:
                np.add.at(out, items, y)
        except IndexError as exc:
            raise _wrap_index_error(self, exc, x, items) from exc
        except ValueError as exc:
            raise _inc_perform_error(self, exc, y, np.shape(x[items])) from exc
        output_storage[0][0] = out



IncSubtensor._read_op = Subtensor
Subtensor._inc_op = IncSubtensor
AdvancedSubtensor._inc_op = AdvancedIncSubtensor
AdvancedIncSubtensor._read_op = AdvancedSubtensor


# -------------------------------------------------------------------------------------------------
# getitem: turning a Python index into ops
# -------------------------------------------------------------------------------------------------


class AdvancedBooleanSubtensor(AdvancedSubtensor):
    """Advanced indexing whose index holds a boolean mask (``x[x > 0]``): Theano 1.0's op class for
    it. It computes exactly what AdvancedSubtensor computes (NumPy's rules)."""

    def __str__(self):
        return f"AdvancedBooleanSubtensor{{{_idx_str(self.idx_list)}}}"


class AdvancedBooleanIncSubtensor(AdvancedIncSubtensor):
    """``inc_subtensor``/``set_subtensor`` of a part chosen with a boolean mask (Theano 1.0's op
    class); computes what AdvancedIncSubtensor computes."""

    def __str__(self):
        kind = "Set" if self.set_instead_of_inc else "Inc"
        ip = "Inplace" if self.inplace else ""
        return f"AdvancedBoolean{kind}Subtensor{ip}{{{_idx_str(self.idx_list)}}}"


AdvancedBooleanSubtensor._inc_op = AdvancedBooleanIncSubtensor
__all__ += ["AdvancedBooleanSubtensor", "AdvancedBooleanIncSubtensor"]


def _is_py_int(e):
    return isinstance(e, (numbers.Integral, np.integer)) and not isinstance(e, (bool, np.bool_))


_INT64_MIN, _INT64_MAX = int(np.iinfo("int64").min), int(np.iinfo("int64").max)


def _slice_part(c, pos, name):
    """One part of a slice: None, a Python int, or an integer scalar variable."""
    if c is None:
        return None
    if _is_py_int(c):
        if not _INT64_MIN <= int(c) <= _INT64_MAX:
            raise IndexError(f"Slice {name} {c} at index position {pos} does not fit in int64")
        return int(c)
    if isinstance(c, (bool, np.bool_)):
        raise TypeError(f"Slice {name} at index position {pos} must be an integer, got {c!r}")
    if isinstance(c, np.ndarray) or isinstance(c, Variable):
        v = as_tensor_variable(c)
        _check_scalar_index(v, f"Slice {name} at index position {pos}")
        if isinstance(v, Constant):
            return int(v.data)
        return v
    raise TypeError(f"Slice {name} at index position {pos} must be an integer or an integer "
                    f"scalar variable, got {c!r} ({type(c).__name__})")


def _classify(e, pos):
    """One user index item as ('int', v) / ('slice', (a, b, c)) / ('new',) / ('arr', v) /
    ('mask', v) / ('ellipsis',)."""
    if e is Ellipsis:
        return ("ellipsis",)
    if e is None:
        return ("new",)
    if isinstance(e, slice):
        return ("slice", (_slice_part(e.start, pos, "start"), _slice_part(e.stop, pos, "stop"),
                          _slice_part(e.step, pos, "step")))
    if _is_py_int(e):
        if not _INT64_MIN <= int(e) <= _INT64_MAX:
            raise IndexError(f"Index {e} at position {pos} does not fit in int64")
        return ("int", int(e))
    if isinstance(e, (float, complex, np.floating, np.complexfloating)):
        raise TypeError(f"Index {e!r} at position {pos} is a {type(e).__name__}: indices must be "
                        "integers, slices, integer or boolean arrays")
    if isinstance(e, (list, tuple)) and len(e) == 0:
        e = np.zeros(0, dtype="int64")
    if isinstance(e, (bool, np.bool_)):
        e = np.asarray(e)
    if isinstance(e, (list, tuple, np.ndarray, Variable)):
        try:
            v = as_tensor_variable(e)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Index {e!r} at position {pos} cannot be used as an index: {exc}") from exc
        if v.dtype == "bool":
            if v.ndim == 0:
                raise TypeError(f"Index {e} at position {pos} is a boolean scalar; use a boolean "
                                "array of the shape of the indexed dimensions")
            return ("mask", v)
        if v.dtype not in ts.integer_dtypes:
            raise TypeError(f"Index {e} at position {pos} has dtype {v.dtype}: indices must be "
                            "integers (or a boolean mask); cast it with T.cast(index, 'int64')")
        if v.ndim == 0:
            if isinstance(v, Constant):
                return ("int", int(v.data))
            return ("int", v)
        return ("arr", v)
    raise TypeError(f"Index {e!r} at position {pos} ({type(e).__name__}) is not a valid index: use "
                    "integers, slices, None, Ellipsis, or integer/boolean arrays")


def _expand(x, index):
    """The index as a list of classified items, Ellipsis expanded, checked against ``x.ndim``."""
    if not isinstance(index, tuple):
        index = (index,)
    items = [_classify(e, pos) for pos, e in enumerate(index)]
    n_ell = sum(1 for it in items if it[0] == "ellipsis")
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(it[1].ndim if it[0] == "mask" else 1 for it in items if it[0] in ("int", "slice",
                                                                                   "arr", "mask"))
    if used > x.ndim:
        raise IndexError(f"too many indices for {x}: it has {x.ndim} dimensions but {used} were "
                         "indexed")
    if n_ell:
        k = next(i for i, it in enumerate(items) if it[0] == "ellipsis")
        fill = [("slice", (None, None, None))] * (x.ndim - used)
        items = items[:k] + fill + items[k + 1:]
    return items


def _is_full(it):
    return it[0] == "slice" and it[1] == (None, None, None)


def _basic_getitem(x, items):
    idx_list, inputs, new_order, out_dim = [], [], [], 0
    core = [it for it in items if it[0] != "new"]
    while core and _is_full(core[-1]):
        core.pop()
    for it in core:
        if it[0] == "int":
            if isinstance(it[1], int):
                idx_list.append(it[1])
            else:
                idx_list.append(SYM)
                inputs.append(it[1])
        else:
            parts = []
            for c in it[1]:
                if isinstance(c, Variable):
                    parts.append(SYM)
                    inputs.append(c)
                else:
                    parts.append(c)
            idx_list.append(tuple(parts))
    if idx_list:
        out = Subtensor(idx_list)(x, *inputs)
    else:
        out = x
    if any(it[0] == "new" for it in items):
        for it in items:
            if it[0] == "new":
                new_order.append("x")
            elif it[0] == "slice":
                new_order.append(out_dim)
                out_dim += 1
        new_order.extend(range(out_dim, out.ndim))
        out = DimShuffle(out.broadcastable, new_order)(out)
    elif not idx_list:
        out = Subtensor(())(x)
    return out


def _advanced_getitem(x, items):
    core = list(items)
    while core and _is_full(core[-1]):
        core.pop()
    if len(core) == 1 and core[0][0] == "arr" and core[0][1].ndim == 1:
        return advanced_subtensor1(x, core[0][1])
    idx_list, inputs = [], []
    for it in core:
        if it[0] == "new":
            idx_list.append(None)
        elif it[0] in ("arr", "mask"):
            idx_list.append(ARRAY)
            inputs.append(it[1])
        elif it[0] == "int":
            idx_list.append(ARRAY)
            inputs.append(it[1] if isinstance(it[1], Variable) else constant(it[1], dtype="int64"))
        else:
            parts = []
            for c in it[1]:
                if isinstance(c, Variable):
                    parts.append(SYM)
                    inputs.append(c)
                else:
                    parts.append(c)
            idx_list.append(tuple(parts))
    if any(it[0] == "mask" for it in core):
        return AdvancedBooleanSubtensor(idx_list)(x, *inputs)
    return AdvancedSubtensor(idx_list)(x, *inputs)


def getitem(x, index):
    """``x[index]`` as NumPy would compute it: basic indexing gives a view (Subtensor), integer
    arrays and boolean masks give advanced indexing (AdvancedSubtensor1/AdvancedSubtensor)."""
    x = as_tensor_variable(x)
    if isinstance(index, list) and any(isinstance(e, slice) or e is Ellipsis or e is None
                                       for e in index):
        # Theano (and NumPy before 1.23) read such a list as a tuple: m[[slice(None), 1]] == m[:, 1]
        index = tuple(index)
    items = _expand(x, index)
    if any(it[0] in ("arr", "mask") for it in items):
        return _advanced_getitem(x, items)
    return _basic_getitem(x, items)


def advanced_subtensor(x, *index):
    """``x[index]`` with advanced indexing (``index`` items as in NumPy)."""
    return getitem(x, tuple(index))


# -------------------------------------------------------------------------------------------------
# set_subtensor / inc_subtensor
# -------------------------------------------------------------------------------------------------


def _strip_new_axes(view, y):
    """``view`` is a DimShuffle that only adds axes to an indexed tensor: drop them from ``y``."""
    op = view.owner.op
    y = as_tensor_variable(y)
    if y.ndim > view.ndim:
        raise TypeError(f"Cannot write a {y.ndim}-dimensional value into a {view.ndim}-dimensional "
                        "part of the tensor")
    if y.ndim < view.ndim:
        y = DimShuffle(y.broadcastable, ["x"] * (view.ndim - y.ndim) + list(range(y.ndim)))(y)
    new_axes = [k for k, o in enumerate(op.new_order) if o == "x"]
    y = addbroadcast(y, *new_axes)
    keep = [k for k, o in enumerate(op.new_order) if o != "x"]
    return DimShuffle(y.broadcastable, keep)(y)


def _only_adds_axes(op):
    kept = [o for o in op.new_order if o != "x"]
    return isinstance(op, DimShuffle) and not op.drop and kept == sorted(kept)


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False):
    """The tensor that ``x`` was indexed from, with the part ``x`` incremented by ``y``.

    ``x`` must be the result of indexing, ``x = a[idx]``; the result is a new tensor like ``a``
    where ``a[idx]`` is increased by ``y`` (broadcast to the part; repeated advanced indices add up),
    or replaced by ``y`` with ``set_instead_of_inc=True``.
    """
    if not isinstance(x, Variable) or x.owner is None:
        raise TypeError(f"inc_subtensor/set_subtensor: the first argument must be the result of "
                        f"indexing a tensor (like x[idx]), got {x}")
    node = x.owner
    op = node.op
    if isinstance(op, DimShuffle) and _only_adds_axes(op) and node.inputs[0].owner is not None and \
            isinstance(node.inputs[0].owner.op, (Subtensor, AdvancedSubtensor)):
        return inc_subtensor(node.inputs[0], _strip_new_axes(x, y), inplace, set_instead_of_inc)
    if isinstance(op, Subtensor):
        y = _check_y_fits(x, y)
        return IncSubtensor(op.idx_list, inplace, set_instead_of_inc)(node.inputs[0], y,
                                                                       *node.inputs[1:])
    if isinstance(op, AdvancedSubtensor1):
        y = _check_y_fits(x, y)
        return AdvancedIncSubtensor1(inplace, set_instead_of_inc)(node.inputs[0], y, node.inputs[1])
    if isinstance(op, AdvancedSubtensor):
        y = _check_y_fits(x, y)
        inc_op = AdvancedBooleanIncSubtensor if isinstance(op, AdvancedBooleanSubtensor) else \
            AdvancedIncSubtensor
        return inc_op(op.idx_list, inplace, set_instead_of_inc)(
            node.inputs[0], y, *node.inputs[1:])
    raise TypeError(f"inc_subtensor/set_subtensor: the first argument must be the result of "
                    f"indexing a tensor (like x[idx]), got {x}, computed by {op}")


def _check_y_fits(part, y):
    """``y`` (converted to the part's dtype) with broadcastable dims where the part has them."""
    y = _prepare_y(part, y, part.dtype, "set_subtensor/inc_subtensor")
    off = part.ndim - y.ndim
    axes = [d for d in range(y.ndim) if part.broadcastable[d + off] and not y.broadcastable[d]]
    if axes:
        y = addbroadcast(y, *axes)
    return y


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """The tensor that ``x`` was indexed from, with the part ``x`` replaced by ``y``."""
    return inc_subtensor(x, y, inplace, set_instead_of_inc=True,
                         tolerate_inplace_aliasing=tolerate_inplace_aliasing)


def advanced_inc_subtensor(x, y, *index, **kwargs):
    """``x`` with ``x[index]`` incremented by ``y`` (advanced index items as in NumPy)."""
    return inc_subtensor(getitem(x, tuple(index)), y, **kwargs)


def advanced_set_subtensor(x, y, *index, **kwargs):
    """``x`` with ``x[index]`` set to ``y`` (advanced index items as in NumPy)."""
    return set_subtensor(getitem(x, tuple(index)), y, **kwargs)


# -------------------------------------------------------------------------------------------------
# take
# -------------------------------------------------------------------------------------------------


def take(a, indices, axis=None, mode="raise"):
    """Elements of ``a`` at ``indices`` along ``axis`` (the flattened ``a`` when axis is None).

    ``mode``: 'raise' (out-of-range indices are an error), 'wrap' (taken modulo the length) or
    'clip' (clipped into range).
    """
    from theano.tensor.math import clip
    from theano.tensor.shape import flatten, shape_i

    a = as_tensor_variable(a)
    indices = as_tensor_variable(indices)
    if indices.dtype not in ts.integer_dtypes:
        raise TypeError(f"take: indices must be integers, got {indices} of dtype {indices.dtype}")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    if axis is None:
        a = flatten(a)
        axis = 0
    if isinstance(axis, np.ndarray) and axis.ndim == 0 and axis.dtype.kind in "iu":
        axis = int(axis)  # a 0-d integer array, as NumPy accepts
    if not _is_py_int(axis):
        raise TypeError(f"take: axis must be an int or None, got {axis!r}")
    axis = int(axis)
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"take: axis {axis} is out of range for a {a.ndim}-d tensor")
    axis %= a.ndim
    n = shape_i(a, axis)
    if mode == "wrap":
        indices = indices % n
    elif mode == "clip":
        indices = clip(indices, 0, n - 1)
    if axis == 0 and indices.ndim == 1:
        return advanced_subtensor1(a, indices)
    return getitem(a, (slice(None),) * axis + (indices,))
