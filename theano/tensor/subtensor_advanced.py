"""Advanced indexing, and the front end of all indexing.

Ops: AdvancedSubtensor1 (``x[ivec]``, an integer vector on the first axis), AdvancedSubtensor (integer
arrays, boolean masks, mixed with slices and new axes), AdvancedIncSubtensor1/AdvancedIncSubtensor
(their set/inc counterparts), and Theano 1.0's AdvancedBoolean* classes. The ``idx_list`` description
of an index is the one of ``subtensor.py`` (``"@"`` marks an index array input).

Front end: ``getitem`` (``x[idx]``) picks basic or advanced ops, ``inc_subtensor``/``set_subtensor``
turn an indexed part back into the op that writes it, ``take`` indexes along one axis.
"""

import numbers

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import addbroadcast, as_tensor_variable, cast, constant, shape_i, zeros_like
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import clip, eq, switch
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import flatten
from theano.tensor.subtensor import (ARRAY, SYM, IncSubtensor, Subtensor, _check_scalar_index, _decode,
                                     _float_zeros, _idx_str, _inc_perform_error, _IncSubtensorContract,
                                     _is_discrete, _n_inputs, _norm_entry, _prepare_y, _ReadSubtensorContract,
                                     _static_slice_keeps_one, _sum_to, _wrap_index_error, slice_length)
from theano.tensor.subtensor_slicevar import has_slice_variable, slicevar_getitem
from theano.tensor.type import TensorType
from theano.tensor.type_other import SliceType, is_none_variable

__all__ = [
    "getitem", "set_subtensor", "inc_subtensor", "take", "AdvancedSubtensor1", "AdvancedIncSubtensor1",
    "AdvancedSubtensor", "AdvancedIncSubtensor", "advanced_subtensor1", "advanced_inc_subtensor1",
    "advanced_set_subtensor1", "advanced_subtensor", "advanced_inc_subtensor", "advanced_set_subtensor",
    "AdvancedBooleanSubtensor", "AdvancedBooleanIncSubtensor",
]


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
        if self.sparse_grad:
            if not SPARSE_ROWS_GRAD:
                raise TypeError(f"{self}: a sparse gradient needs theano.sparse; import "
                                "theano.sparse before taking the gradient")
            return SPARSE_ROWS_GRAD[0](self, inputs, output_grads)
        return self.dense_grad(inputs, output_grads)

    def dense_grad(self, inputs, output_grads):
        x, ilist = inputs
        (gz,) = output_grads
        if _is_discrete(x):
            return [_float_zeros(x), None]
        return [AdvancedIncSubtensor1()(zeros_like(x), gz, ilist), None]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


# The gradient of ``AdvancedSubtensor1(sparse_grad=True)`` (Theano 1.0's op interface for a sparse
# gradient of ``x[ilist]``): a sparse matrix built by theano.sparse, which registers its builder
# here when imported (sparse is a layer above tensor).
SPARSE_ROWS_GRAD = []


class AdvancedIncSubtensor1(Op):
    """A copy of ``x`` with ``x[ilist]`` incremented by (repeated indices add up) or set to ``y``."""

    __props__ = ("inplace", "set_instead_of_inc")

    def __init__(self, inplace=False, set_instead_of_inc=False):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        # Theano 1.0's form: AdvancedIncSubtensor1{no_inplace,set}
        kind = "set" if self.set_instead_of_inc else "inc"
        return f"AdvancedIncSubtensor1{{{'inplace' if self.inplace else 'no_inplace'},{kind}}}"

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
    ``AdvancedSubtensor()`` (no ``idx_list``) is Theano 1.0's form: ``AdvancedSubtensor()(x,
    *index)`` takes the index items with the call (arrays, slice constants or ``make_slice``
    variables, ``NoneConst`` for a new axis) and builds the node ``x[index]`` would.
    """

    __props__ = ("idx_list",)

    def __init__(self, idx_list=None):
        # None: Theano 1.0's form, ``AdvancedSubtensor()(x, *index)``, where the index items
        # (index arrays, slices, None) are all given at the call (see ``make_node``)
        self.idx_list = (None if idx_list is None
                         else tuple(_norm_entry(e, advanced=True) for e in idx_list))

    def __str__(self):
        if self.idx_list is None:
            return type(self).__name__
        return f"{type(self).__name__}{{{_idx_str(self.idx_list)}}}"

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
        if self.idx_list is None:
            # Theano 1.0's call form: the node is that of the op for this index (what x[index]
            # builds, an AdvancedSubtensor with the index's layout)
            items = _expand(x, tuple(_index_item(e) for e in inputs))
            if not any(it[0] in ("arr", "mask") for it in items):
                raise ValueError(f"{self} needs at least one index array, got {inputs}")
            idx_list, index_inputs, masked = _advanced_parts(items)
            op_class = AdvancedBooleanSubtensor if masked else AdvancedSubtensor
            return op_class(idx_list).make_node(x, *index_inputs)
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
    one of the values, as NumPy does. Theano 1.0's form ``AdvancedIncSubtensor(inplace=False,
    set_instead_of_inc=False)(x, y, *index)`` takes the index items with the call (as
    ``AdvancedSubtensor()``).
    """

    _advanced = True
    _label = "Advanced"

    def __init__(self, idx_list=None, inplace=False, set_instead_of_inc=False):
        if idx_list is None or isinstance(idx_list, (bool, np.bool_)):
            # Theano 1.0's form, AdvancedIncSubtensor(inplace=False, set_instead_of_inc=False)
            # called as op(x, y, *index): the index items come with the call (see make_node)
            if idx_list is not None:
                inplace, set_instead_of_inc = idx_list, inplace
            self.idx_list = None
            self.inplace = bool(inplace)
            self.set_instead_of_inc = bool(set_instead_of_inc)
            self.destroy_map = {0: [0]} if self.inplace else {}
        else:
            super().__init__(idx_list, inplace, set_instead_of_inc)

    def __str__(self):
        if self.idx_list is None:
            return f"{type(self).__name__}{{{'inplace' if self.inplace else 'no_inplace'}" \
                   f"{',set' if self.set_instead_of_inc else ''}}}"
        return super().__str__()

    def make_node(self, x, y, *inputs):
        if self.idx_list is not None:
            return super().make_node(x, y, *inputs)
        x = as_tensor_variable(x)
        items = _expand(x, tuple(_index_item(e) for e in inputs))
        if not any(it[0] in ("arr", "mask") for it in items):
            raise ValueError(f"{self} needs at least one index array, got {inputs}")
        idx_list, index_inputs, masked = _advanced_parts(items)
        op_class = AdvancedBooleanIncSubtensor if masked else AdvancedIncSubtensor
        return op_class(idx_list, self.inplace, self.set_instead_of_inc).make_node(
            x, y, *index_inputs)

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


AdvancedSubtensor._inc_op = AdvancedIncSubtensor
AdvancedIncSubtensor._read_op = AdvancedSubtensor


class AdvancedBooleanSubtensor(AdvancedSubtensor):
    """Advanced indexing whose index holds a boolean mask (``x[x > 0]``): Theano 1.0's op class for
    it. It computes exactly what AdvancedSubtensor computes (NumPy's rules)."""

    def __str__(self):
        return f"AdvancedBooleanSubtensor{{{_idx_str(self.idx_list)}}}"


class AdvancedBooleanIncSubtensor(AdvancedIncSubtensor):
    """``inc_subtensor``/``set_subtensor`` of a part chosen with a boolean mask (Theano 1.0's op
    class); computes what AdvancedIncSubtensor computes."""

    _label = "AdvancedBoolean"


AdvancedBooleanSubtensor._inc_op = AdvancedBooleanIncSubtensor


# -------------------------------------------------------------------------------------------------
# getitem: turning a Python index into ops
# -------------------------------------------------------------------------------------------------


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
            idx_list.append(_slice_entry(it[1], inputs))
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


def _slice_entry(parts, inputs):
    """The idx_list entry of a slice whose (start, stop, step) are ``parts``: each symbolic part
    becomes SYM and is appended to ``inputs``, the others stay as they are."""
    out = []
    for c in parts:
        if isinstance(c, Variable):
            out.append(SYM)
            inputs.append(c)
        else:
            out.append(c)
    return tuple(out)


def _index_item(e):
    """A symbolic index item as ``x[...]`` reads it: a slice constant or a ``make_slice`` of
    constants/scalars is that slice, ``NoneConst`` is None (a new axis); others stay as they are."""
    if isinstance(e, Variable) and isinstance(e.type, SliceType):
        if isinstance(e, Constant):
            return e.data
        if e.owner is not None and type(e.owner.op).__name__ == "MakeSlice":
            return slice(*(None if is_none_variable(p) else p for p in e.owner.inputs))
        raise TypeError(f"AdvancedSubtensor: the slice {e} is computed at run time; give a "
                        "constant slice or a make_slice of its bounds")
    if is_none_variable(e):
        return None
    return e


def _advanced_getitem(x, items):
    core = list(items)
    while core and _is_full(core[-1]):
        core.pop()
    if len(core) == 1 and core[0][0] == "arr" and core[0][1].ndim == 1:
        return advanced_subtensor1(x, core[0][1])
    idx_list, inputs, masked = _advanced_parts(core)
    if masked:
        return AdvancedBooleanSubtensor(idx_list)(x, *inputs)
    return AdvancedSubtensor(idx_list)(x, *inputs)


def _advanced_parts(core):
    """The idx_list and index inputs of an advanced index (classified items), and whether it holds
    a boolean mask."""
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
            idx_list.append(_slice_entry(it[1], inputs))
    return idx_list, inputs, any(it[0] == "mask" for it in core)


def getitem(x, index):
    """``x[index]`` as NumPy would compute it: basic indexing gives a view (Subtensor), integer
    arrays and boolean masks give advanced indexing (AdvancedSubtensor1/AdvancedSubtensor)."""
    x = as_tensor_variable(x)
    if isinstance(index, list) and any(isinstance(e, slice) or e is Ellipsis or e is None
                                       for e in index):
        # Theano (and NumPy before 1.23) read such a list as a tuple: m[[slice(None), 1]] == m[:, 1]
        index = tuple(index)
    if has_slice_variable(index):
        # a slice given at call time (T.slicetype()); a constant one is an ordinary slice
        items = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(e, Constant) for e in items if isinstance(e, Variable)
                   and isinstance(e.type, SliceType)):
            return slicevar_getitem(x, index)
        index = tuple(e.data if isinstance(e, Constant) and isinstance(e.type, SliceType) else e
                      for e in items)
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
