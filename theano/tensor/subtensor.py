"""Basic indexing: the ``idx_list`` description of an index, Subtensor and IncSubtensor.

Advanced indexing (AdvancedSubtensor1, AdvancedSubtensor, their Inc ops) and the front end that turns
a Python index into ops (``x[idx]``, ``set_subtensor``/``inc_subtensor``, ``take``) are in
``subtensor_advanced.py``. (``nonzero``/``flatnonzero``/``nonzero_values`` are in ``extra_ops.py``.)

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

import copy
import numbers

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.graph.type import Type
from theano.scalar import basic as ts
from theano.tensor.basic import (MakeVector, NotScalarConstantError, Shape, _const_int, as_tensor_variable, cast,
                                 constant, get_scalar_constant_value, patternbroadcast, zeros_like)
from theano.tensor.math import gt, lt, maximum, minimum, switch
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import get_vector_length, vector_entries
from theano.tensor.type import TensorType

__all__ = ["Subtensor", "IncSubtensor", "get_idx_list", "slice_length"]

SYM = "?"      # an integer scalar taken from the op's inputs
ARRAY = "@"    # an index array taken from the op's inputs (advanced indexing)


# -------------------------------------------------------------------------------------------------
# idx_list helpers
# -------------------------------------------------------------------------------------------------


def _theano1_idx_list(idx_list):
    """Theano 1.0's ``idx_list`` (a scalar type where an index is read from the inputs, slices of
    such types, ints and None) in this module's form."""

    def part(c):
        if c is None or (isinstance(c, (numbers.Integral, np.integer)) and not isinstance(c, bool)):
            return c
        if isinstance(c, Type):
            return SYM
        raise TypeError(f"Theano 1.0 pickle: invalid Subtensor index entry {c!r}")

    return tuple(tuple(part(c) for c in (e.start, e.stop, e.step)) if isinstance(e, slice)
                 else part(e) for e in idx_list)


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


def _idx_str(idx_list, sym_dtypes=None):
    """The index as Theano 1.0 printed it: a slice as ``start:stop:step`` (``::`` for a whole
    dimension), a symbolic entry as its dtype (``Subtensor{int64::}``) when ``sym_dtypes``, the
    dtypes of the index inputs in order, are known, else ``?``."""
    dtypes = iter(sym_dtypes or ())

    def part(p):
        if p is None:
            return ""
        if p == SYM:
            return next(dtypes, SYM)
        return str(p)

    parts = []
    for e in idx_list:
        if isinstance(e, tuple):
            parts.append(":".join(part(p) for p in e))
        elif e is None:
            parts.append("newaxis")
        elif e == SYM:
            parts.append(part(e))
        else:
            parts.append(str(e))
    return ", ".join(parts)


def _with_index_dtypes(op, inputs):
    """``op``, or a copy of it, that prints the dtypes of the index inputs ``inputs``: the
    first node an op makes records them (an op is made for each indexing expression)."""
    dtypes = tuple(str(getattr(i, "dtype", SYM)) for i in inputs)
    known = op.__dict__.get("_index_dtypes")
    if known is None:
        op.__dict__["_index_dtypes"] = dtypes
    elif known != dtypes:
        op = copy.copy(op)
        op.__dict__["_index_dtypes"] = dtypes
    return op


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
    if b is None:
        return default
    if isinstance(b, int):
        if b < 0:
            return maximum(n + b, lower)
        return minimum(constant(b, dtype="int64"), n + upper_from_n)
    b = _int64(b)
    return switch(lt(b, 0), maximum(n + b, lower), minimum(b, n + upper_from_n))


def _slice_len_pos(n, start, stop, step):
    lo = _normalize_bound(start, n, 0, 0, constant(0, dtype="int64"))
    hi = _normalize_bound(stop, n, 0, 0, n)
    if isinstance(step, int) and step == 1:
        return maximum(hi - lo, 0)
    return maximum((hi - lo + step - 1) // step, 0)


def _slice_len_neg(n, start, stop, neg_step):
    """Length for a negative step; ``neg_step`` is the (positive) absolute step."""
    hi = _normalize_bound(start, n, -1, -1, n - 1)
    lo = _normalize_bound(stop, n, -1, -1, constant(-1, dtype="int64"))
    if isinstance(neg_step, int) and neg_step == 1:
        return maximum(hi - lo, 0)
    return maximum((hi - lo + neg_step - 1) // neg_step, 0)


def slice_length(n, start=None, stop=None, step=None):
    """Symbolic length of ``range(n)[start:stop:step]`` (each part None, an int or an int scalar)."""
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


def get_canonical_form_slice(theslice, length):
    """Theano 1.0's canonical form of an index into a dimension of ``length``.

    A slice gives ``(slice(start, stop, step), direction)`` with ``0 <= start <= stop <= length``,
    ``step > 0`` and ``direction`` 1 or -1, such that ``x[theslice]`` is
    ``x[start:stop:step][::direction]`` (symbolic int64 scalars; a symbolic step picks its case at run
    time). An integer index ``i`` gives ``(i + length if i < 0 else i, 1)``.
    """
    n = _int64(length)
    if not isinstance(theslice, slice):
        i = _int64(theslice)
        return switch(lt(i, 0), i + n, i), 1
    if theslice.step is not None and isinstance(theslice.step, (int, np.integer)) and theslice.step == 0:
        raise ValueError("slice step cannot be zero")
    start, stop = (None if b is None else _int64(b) for b in (theslice.start, theslice.stop))
    step = constant(1, dtype="int64") if theslice.step is None else _int64(theslice.step)
    zero = constant(0, dtype="int64")
    # a positive step: the bounds clipped into [0, n], stop at least start
    f_start = _normalize_bound(start, n, 0, 0, zero)
    f_stop = maximum(_normalize_bound(stop, n, 0, 0, n), f_start)
    # a negative step -k: the elements first, first - k, ... above last (bounds clipped into
    # [-1, n - 1]) are those of [first - (count - 1) k : first + 1 : k] reversed
    neg = lt(step, 0)
    k = switch(neg, -step, 1)
    first = _normalize_bound(start, n, -1, -1, n - 1)
    last = _normalize_bound(stop, n, -1, -1, constant(-1, dtype="int64"))
    count = maximum((first - last + k - 1) // k, 0)
    b_start = switch(gt(count, 0), first - (count - 1) * k, zero)
    b_stop = switch(gt(count, 0), first + 1, zero)
    return (slice(switch(neg, b_start, f_start), switch(neg, b_stop, f_stop), switch(neg, k, step)),
            switch(neg, -1, 1))


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

    @classmethod
    def _theano1_rebuild(cls, state, inputs):
        """The op of a node read from a Theano 1.0 pickle (``theano.compile.theano1_pickle``)."""
        return cls(_theano1_idx_list(state["idx_list"])), inputs

    def __str__(self):
        return f"Subtensor{{{_idx_str(self.idx_list, self.__dict__.get('_index_dtypes'))}}}"

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
        op = _with_index_dtypes(self, inputs)
        bcast = []
        for d, e in enumerate(self.idx_list):
            if isinstance(e, tuple):
                bcast.append(x.broadcastable[d] and _static_slice_keeps_one(e))
        bcast.extend(x.broadcastable[len(self.idx_list):])
        return Apply(op, [x] + inputs, [TensorType(x.dtype, tuple(bcast))()])

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


    # -- what is known when the graph is built: basic.get_scalar_constant_value and
    #    shape.get_vector_length / vector_entries ask the op through these three methods

    def static_scalar_value(self, node, elemwise, max_recur):
        """The value of ``vec[i]`` for a constant ``i`` when entry ``i`` of the vector is known
        (``shape(x)[i]`` of a broadcastable or constant dimension, ``make_vector(...)[i]``, a constant
        vector); None otherwise."""
        base = node.inputs[0]
        items = get_idx_list(node.inputs[1:], self.idx_list)
        if isinstance(base, Constant) and base.ndim > 1 and len(items) == base.ndim:
            # c[i, j, ...] of a constant with every index known
            idx = []
            for it in items:
                if isinstance(it, slice):
                    return None
                if not isinstance(it, (int, np.integer)):
                    try:
                        it = get_scalar_constant_value(it, max_recur=2)
                    except NotScalarConstantError:
                        return None
                idx.append(int(it))
            if all(-n <= i < n for i, n in zip(idx, base.data.shape)):
                return np.asarray(base.data[tuple(idx)]).copy()
            return None
        if base.ndim != 1:
            return None
        if len(items) != 1 or isinstance(items[0], slice):
            return None
        index = items[0]
        if not isinstance(index, (int, np.integer)):
            try:
                index = get_scalar_constant_value(index, max_recur=2)
            except NotScalarConstantError:
                return None
        index = int(index)
        if base.owner is not None and isinstance(base.owner.op, Shape):
            x = base.owner.inputs[0]
            if -x.ndim <= index < x.ndim:
                if x.broadcastable[index]:
                    return np.asarray(1, dtype="int64")
                if isinstance(x, Constant):
                    return np.asarray(x.data.shape[index], dtype="int64")
        if base.owner is not None and isinstance(base.owner.op, MakeVector):
            if -len(base.owner.inputs) <= index < len(base.owner.inputs):
                val = get_scalar_constant_value(base.owner.inputs[index], elemwise=elemwise,
                                                max_recur=max_recur - 1)
                return np.asarray(val, dtype=node.outputs[0].dtype)
        if isinstance(base, Constant) and base.data.ndim == 1 and -base.data.shape[0] <= index < \
                base.data.shape[0]:
            return np.asarray(base.data[index]).copy()
        return None

    def _static_slice(self, node):
        """The slice of ``vec[start:stop:step]`` when its bounds are known statically, else None."""
        items = get_idx_list(node.inputs[1:], self.idx_list)
        if len(items) != 1 or not isinstance(items[0], slice):
            return None
        parts = []
        for p in (items[0].start, items[0].stop, items[0].step):
            if p is None or isinstance(p, (int, np.integer)):
                parts.append(p)
                continue
            c = _const_int(p)
            if c is None:
                return None
            parts.append(c)
        return slice(*parts)

    def static_vector_length(self, node):
        """The length of a static slice of a vector of known length, else None."""
        sliced = self._static_slice(node)
        if sliced is None:
            return None
        return len(range(get_vector_length(node.inputs[0]))[sliced])

    def static_vector_entries(self, node):
        """The entries of a static slice of a vector whose entries are known, else None."""
        sliced = self._static_slice(node)
        if sliced is None:
            return None
        try:
            return vector_entries(node.inputs[0])[sliced]
        except ValueError:
            return None


class _IncSubtensorContract:
    """Everything but ``perform`` that IncSubtensor and AdvancedIncSubtensor share: parameters,
    make_node, infer_shape, gradient and R_op. ``_read_op`` is the op that reads the same part
    (Subtensor or AdvancedSubtensor), ``_advanced`` whether ``idx_list`` may hold advanced entries,
    ``_label`` the start of the op's name.

    Inputs: ``x``, ``y``, then those of the read op after ``x``. ``y`` broadcasts to the part."""

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")
    _advanced = False
    _label = ""

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False):
        self.idx_list = tuple(_norm_entry(e, advanced=self._advanced) for e in idx_list)
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        kind = "Set" if self.set_instead_of_inc else "Inc"
        ip = "Inplace" if self.inplace else ""
        idx = _idx_str(self.idx_list, self.__dict__.get("_index_dtypes"))
        if not self._label:
            # Theano 1.0's form: IncSubtensor{Inc;int64}, IncSubtensor{InplaceSet;::, int64}
            return f"IncSubtensor{{{ip}{kind};{idx}}}"
        return f"{self._label}{kind}Subtensor{ip}{{{idx}}}"

    def make_node(self, x, y, *inputs):
        x = as_tensor_variable(x)
        target = self._read_op(self.idx_list).make_node(x, *inputs)
        y = _prepare_y(target.outputs[0], y, x.dtype, str(self))
        op = self if self._advanced else _with_index_dtypes(self, target.inputs[1:])
        return Apply(op, [x, y] + target.inputs[1:], [x.type()])

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

    The inputs after ``y`` are the index scalars of ``idx_list``."""

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False,
                 destroyhandler_tolerate_aliased=None):  # the last: Theano 1.0's, unused
        super().__init__(idx_list, inplace, set_instead_of_inc)

    @classmethod
    def _theano1_rebuild(cls, state, inputs):
        """The op of a node read from a Theano 1.0 pickle (``theano.compile.theano1_pickle``);
        an in-place one is rebuilt as its copying form (the same values)."""
        return cls(_theano1_idx_list(state["idx_list"]),
                   set_instead_of_inc=bool(state.get("set_instead_of_inc", False))), inputs

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


IncSubtensor._read_op = Subtensor
Subtensor._inc_op = IncSubtensor

# Theano 1.0 imported these from theano.tensor.subtensor; they are in subtensor_advanced.py, which
# builds on this module.
_IN_ADVANCED = frozenset([
    "getitem", "set_subtensor", "inc_subtensor", "take", "AdvancedSubtensor1", "AdvancedIncSubtensor1",
    "AdvancedSubtensor", "AdvancedIncSubtensor", "AdvancedBooleanSubtensor", "AdvancedBooleanIncSubtensor",
    "advanced_subtensor1", "advanced_inc_subtensor1", "advanced_set_subtensor1", "advanced_subtensor",
    "advanced_inc_subtensor", "advanced_set_subtensor",
])


def __getattr__(name):
    if name in _IN_ADVANCED:
        import importlib  # a compatibility path: the module above this one, looked up on first use

        return getattr(importlib.import_module("theano.tensor.subtensor_advanced"), name)
    raise AttributeError(f"module 'theano.tensor.subtensor' has no attribute {name!r}")
