"""Indexing rewrites: ``x.shape[i]`` and ``MakeVector(...)[i]`` without building the vector."""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_specialize
from theano.tensor.basic import MakeVector, Rebroadcast, cast, constant
from theano.tensor.reshaping import Shape, shape_i
from theano.tensor.rewriting.utils import elemwise_of, fit_to, is_zeros, scalar_const, sole_alloc_inputs
from theano.tensor.subtensor import IncSubtensor, Subtensor

_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _constant_index(node):
    """The single integer index of a ``Subtensor`` node (``v[k]``) when known, else None."""
    if len(node.op.idx_list) != 1:
        return None
    e = node.op.idx_list[0]
    if isinstance(e, int) and not isinstance(e, bool):
        return e
    if e == "?":
        c = scalar_const(node.inputs[1])
        return None if c is None else int(c)
    return None


@node_rewriter([Subtensor])
def local_subtensor_of_vector_build(fgraph, node):
    """``Shape(x)[k]`` -> ``Shape_i{k}(x)``; ``MakeVector(a, b, c)[k]`` -> the k-th scalar."""
    v = node.inputs[0]
    owner = v.owner
    if owner is not None and isinstance(owner.op, Rebroadcast):
        owner = owner.inputs[0].owner      # a one-entry vector made not broadcastable: same values
    if owner is None or v.ndim != 1:
        return None
    k = _constant_index(node)
    if k is None:
        return None
    out = node.outputs[0]
    if isinstance(owner.op, Shape):
        x = owner.inputs[0]
        if -x.ndim <= k < x.ndim:
            return [shape_i(x, k % x.ndim)]
    if isinstance(owner.op, MakeVector):
        n = len(owner.inputs)
        if -n <= k < n:
            e = owner.inputs[k % n]
            return [e if e.dtype == out.dtype else cast(e, out.dtype)]
    return None


register_canonicalize(local_subtensor_of_vector_build, "shape", fast_compile=True)


def _made_vector(v):
    """The MakeVector node building ``v`` (seen through a Rebroadcast), else None."""
    owner = v.owner
    if owner is not None and isinstance(owner.op, Rebroadcast):
        owner = owner.inputs[0].owner
    return owner if owner is not None and isinstance(owner.op, MakeVector) else None


def _vector_of(entries, out):
    if not entries:
        return fit_to(constant(np.zeros(0, dtype=out.dtype)), out)
    entries = [e if e.dtype == out.dtype else cast(e, out.dtype) for e in entries]
    return fit_to(MakeVector(out.dtype)(*entries), out)


def _adv1_class():
    from theano.tensor.subtensor_advanced import AdvancedSubtensor1

    return AdvancedSubtensor1


@node_rewriter([Subtensor, _adv1_class()])
def local_subtensor_make_vector_slice(fgraph, node):
    """``MakeVector(a, b, c)[::2]`` -> ``MakeVector(a, c)`` for a constant slice, and
    ``MakeVector(a, b, c)[[0, 2]]`` -> ``MakeVector(a, c)`` for constant indices within bounds."""
    from theano.tensor.subtensor import get_idx_list

    owner = _made_vector(node.inputs[0])
    if owner is None:
        return None
    items = owner.inputs
    out = node.outputs[0]
    if type(node.op) is Subtensor:
        idx = get_idx_list(node.inputs[1:], node.op.idx_list)
        if len(idx) != 1 or not isinstance(idx[0], slice):
            return None
        parts = [_as_const_int(p) for p in (idx[0].start, idx[0].stop, idx[0].step)]
        if any(p is None and q is not None for p, q in zip(parts, (idx[0].start, idx[0].stop, idx[0].step))):
            return None
        if parts[2] == 0:
            return None
        return [_vector_of(list(items)[slice(*parts)], out)]
    positions = node.inputs[1]
    if not isinstance(positions, Constant):
        return None
    pos = np.asarray(positions.data).reshape(-1)
    n = len(items)
    if pos.size > 64 or np.any(pos >= n) or np.any(pos < -n):
        return None
    return [_vector_of([items[int(k)] for k in pos], out)]


register_canonicalize(local_subtensor_make_vector_slice, "shape")


# --------------------------------------------------------------------------------------------------
# increments and assignments that change nothing, products by zeros
# --------------------------------------------------------------------------------------------------


def _inc_classes():
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

    return [IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor]


def _index_dims(node):
    """[(index variable, dimension of x it indexes)] for the index inputs of an (Advanced)
    IncSubtensor node that must lie within bounds, or None when the layout is not plain."""
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor1

    rest = node.inputs[2:]
    if isinstance(node.op, AdvancedIncSubtensor1):
        return [(rest[0], 0)]
    out, k = [], 0
    for d, e in enumerate(node.op.idx_list):
        if isinstance(e, tuple):        # a slice: its bounds never raise
            k += sum(1 for part in e if part == "?")
        elif e in ("?", "@"):
            out.append((rest[k], d))
            k += 1
        elif isinstance(e, int) and not isinstance(e, bool):
            out.append((constant(e, dtype="int64"), d))
        else:
            return None
    return out


def _read_part(node):
    """``x[idx]`` of an (Advanced)IncSubtensor node (only its shape is ever computed)."""
    from theano.tensor.subtensor_advanced import AdvancedSubtensor1

    x, y, *rest = node.inputs
    if isinstance(node.op, _inc_classes()[1]):
        return AdvancedSubtensor1()(x, *rest)
    return node.op._read_op(node.op.idx_list)(x, *rest)


def _unchanged_x(node):
    """``x`` of an increment/assignment node that leaves x as it is, behind an Assert that keeps the
    errors the node would raise: an index out of bounds, a value that does not broadcast to the
    indexed part."""
    from theano.tensor import math as tm
    from theano.tensor.assertions import Assert

    x, y, *rest = node.inputs
    dims = _index_dims(node)
    if dims is None:
        return None
    conds = []
    for v, d in dims:
        if v.dtype == "bool" or v.dtype not in _INT_DTYPES:
            return None
        n = shape_i(x, d)
        conds.append(tm.all(tm.lt(v, n)))
        conds.append(tm.all(tm.ge(v, -n)))
    part = _read_part(node)
    if y.ndim > part.ndim:
        return None
    lead = part.ndim - y.ndim
    for d in range(y.ndim):
        if y.broadcastable[d]:
            continue
        ys, ps = shape_i(y, d), shape_i(part, lead + d)
        conds.append(tm.or_(tm.eq(ys, ps), tm.eq(ys, 1)))
    conds = [c for c in conds if scalar_const(c) is None or not bool(scalar_const(c))]
    if not conds:
        return x
    return Assert("inc_subtensor: index out of bounds or shapes do not match")(x, *conds)


@node_rewriter(_inc_classes())
def local_incsubtensor_of_zeros(fgraph, node):
    """``inc_subtensor(x[idx], zeros)`` -> x (the index and shape checks stay, as an Assert)."""
    if node.op.set_instead_of_inc or type(node.op) not in _inc_classes():
        return None
    if not is_zeros(node.inputs[1]):
        return None
    new = _unchanged_x(node)
    return None if new is None else [new]


@node_rewriter(_inc_classes())
def local_useless_inc_subtensor_alloc(fgraph, node):
    """``inc_subtensor(x[idx], alloc(v, *s))`` -> ``inc_subtensor(x[idx], v)`` (also for
    set_subtensor): the increment broadcasts v itself, no array of shape s is made. The checks of
    the alloc (v fits s) and of the increment (s fits x[idx]) stay, as an Assert on v."""
    from theano.tensor import math as tm
    from theano.tensor.allocation import Alloc
    from theano.tensor.assertions import Assert

    if type(node.op) not in _inc_classes():
        return None
    x, y, *rest = node.inputs
    if y.owner is None or not isinstance(y.owner.op, Alloc):
        return None
    v, *s = y.owner.inputs
    part = _read_part(node)
    if len(s) > part.ndim:
        return None
    conds = []
    lead_v = len(s) - v.ndim
    for j in range(v.ndim):
        if not v.broadcastable[j]:
            conds.append(tm.eq(shape_i(v, j), s[lead_v + j]))
    lead_s = part.ndim - len(s)
    for d, sd in enumerate(s):
        conds.append(tm.or_(tm.eq(sd, shape_i(part, lead_s + d)), tm.eq(sd, 1)))
    conds = [c for c in conds if scalar_const(c) is None or not bool(scalar_const(c))]
    new_y = Assert("inc_subtensor: the allocated value does not fit")(v, *conds) if conds else v
    try:
        out = node.op(x, new_y, *rest)
    except (TypeError, ValueError):
        return None
    return [fit_to(out, node.outputs[0])]


register_canonicalize(local_useless_inc_subtensor_alloc, "algebra")


def _constant_fill_value(v):
    """The single value every element of ``v`` has by construction (a constant, ``fill(t, c)``,
    ``alloc(c, ...)``), else None."""
    from theano.tensor.allocation import Alloc
    from theano.scalar import basic as ts

    c = scalar_const(v)
    if c is None and isinstance(v, Constant):
        data = np.asarray(v.data)
        if 0 < data.size <= 10000 and np.all(data == data.reshape(-1)[0]):
            c = data.reshape(-1)[0]
    if c is not None:
        return c
    fill_node = elemwise_of(v, ts.Second)
    if fill_node is not None:
        return scalar_const(fill_node.inputs[1])
    if v.owner is not None and isinstance(v.owner.op, Alloc):
        return scalar_const(v.owner.inputs[0])
    return None


@node_rewriter(_inc_classes())
def local_setsubtensor_of_constants(fgraph, node):
    """``set_subtensor(x[idx], c)`` -> x when every element of x is already the constant c (the
    index and shape checks stay, as an Assert)."""
    if not node.op.set_instead_of_inc or type(node.op) not in _inc_classes():
        return None
    cx = _constant_fill_value(node.inputs[0])
    if cx is None:
        return None
    cy = _constant_fill_value(node.inputs[1])
    if cy is None or np.isnan(cx) or not np.asarray(cx == cy).all():
        return None
    if np.asarray(cx, dtype=node.inputs[0].dtype) != np.asarray(cy).astype(node.inputs[0].dtype):
        return None
    new = _unchanged_x(node)
    return None if new is None else [new]


@node_rewriter([IncSubtensor])
def local_incsubtensor_of_zeros_to_setsubtensor(fgraph, node):
    """``inc_subtensor(zeros[idx], y)`` -> ``set_subtensor(zeros[idx], y)`` (basic indexing only,
    where no element is indexed twice): no read of the zeros."""
    if node.op.set_instead_of_inc or type(node.op) is not IncSubtensor:
        return None
    if not is_zeros(node.inputs[0]):
        return None
    return [IncSubtensor(node.op.idx_list, inplace=node.op.inplace, set_instead_of_inc=True)(
        *node.inputs)]


def _dot_class():
    from theano.tensor.math import Dot

    return Dot


@node_rewriter([_dot_class()])
def local_0_dot_x(fgraph, node):
    """``dot(zeros, y)`` and ``dot(x, zeros)`` -> zeros of the product's shape; the check that the
    inner dimensions match stays (an Assert). Like ``x * 0`` -> 0, an inf or nan in the other
    operand no longer reaches the result."""
    from theano.tensor import math as tm
    from theano.tensor.allocation import alloc
    from theano.tensor.assertions import Assert

    x, y = node.inputs
    if not (is_zeros(x) or is_zeros(y)):
        return None
    out = node.outputs[0]
    if x.ndim not in (1, 2) or y.ndim not in (1, 2):
        return None
    shape = ([shape_i(x, 0)] if x.ndim == 2 else []) + ([shape_i(y, 1)] if y.ndim == 2 else [])
    zeros = alloc(constant(0, dtype=out.dtype), *shape)
    kx, ky = shape_i(x, x.ndim - 1), shape_i(y, 0)
    zeros = Assert("dot: inner dimensions do not match")(zeros, tm.eq(kx, ky))
    return [fit_to(zeros, out)]


@node_rewriter([Subtensor])
def local_subtensor_of_dot(fgraph, node):
    """``dot(a, b)[i, j]`` -> ``dot(a[i], b[:, j])``: only the rows and columns read are computed
    (Theano 1.0's rewrite of this name), when the product has no other reader. The index errors
    and the check of the inner dimensions stay (the same indices index a and b). Like BLAS
    itself, the smaller product may round the last bit differently from the whole one."""
    from theano.tensor.math import dot
    from theano.tensor.subtensor import get_idx_list

    (p, *idx_inputs) = node.inputs
    if p.owner is None or type(p.owner.op) is not _dot_class():
        return None
    if fgraph is not None and (len(fgraph.clients.get(p, ())) != 1 or p in fgraph.outputs):
        return None
    a, b = p.owner.inputs
    items = get_idx_list(idx_inputs, node.op.idx_list)
    n_a = a.ndim - 1
    a_part, b_part = items[:n_a], items[n_a:]
    new_a = a[tuple(a_part)] if a_part else a
    new_b = b[(slice(None), *b_part)] if b_part else b
    new = dot(new_a, new_b)
    out = node.outputs[0]
    if new.ndim != out.ndim:
        return None
    new = fit_to(new, out)
    return [new] if new is not None else None


register_canonicalize(local_incsubtensor_of_zeros, "algebra")
register_canonicalize(local_setsubtensor_of_constants, "algebra")
register_canonicalize(local_0_dot_x, "algebra")
register_canonicalize(local_subtensor_of_dot, "algebra")
register_specialize(local_incsubtensor_of_zeros_to_setsubtensor, "algebra")


# --------------------------------------------------------------------------------------------------
# indexing moved before elementwise work: only the elements read are computed
# --------------------------------------------------------------------------------------------------


def _drops_dim(entry):
    """True for an idx_list entry that is a scalar index (removes its dimension)."""
    return entry == "?" or (isinstance(entry, int) and not isinstance(entry, bool))


@node_rewriter([Subtensor])
def local_subtensor_lift(fgraph, node):
    """``f(x, y, s)[idx]`` -> ``f(x[idx], y[idx], s')`` for an Elemwise f whose result is read only
    through this indexing: the elementwise work is done for the elements read only. Inputs that
    have the result's broadcastable pattern are indexed the same way; inputs broadcastable in every
    dimension (scalars) lose the dimensions a scalar index removes. When several inputs are
    indexed, the check that their lengths match in the indexed dimensions stays (an Assert)."""
    from theano.tensor import math as tm
    from theano.tensor.assertions import Assert
    from theano.tensor.elemwise import DimShuffle, Elemwise

    x = node.inputs[0]
    ew = x.owner
    if ew is None or not isinstance(ew.op, Elemwise) or ew.op.inplace_pattern or len(ew.outputs) != 1:
        return None
    if fgraph is None or len(fgraph.clients.get(x, ())) != 1 or x in fgraph.outputs:
        return None
    entries = list(node.op.idx_list) + [(None, None, None)] * (x.ndim - len(node.op.idx_list))
    if len(entries) != x.ndim:
        return None
    kept = [d for d, e in enumerate(entries) if not _drops_dim(e)]
    indexed, scalars = [], []
    for k, inp in enumerate(ew.inputs):
        if inp.broadcastable == x.broadcastable:
            indexed.append(k)
        elif inp.ndim == x.ndim and all(inp.broadcastable):
            scalars.append(k)
        else:
            return None
    if not indexed:
        return None
    new_inputs = list(ew.inputs)
    for k in indexed:
        new_inputs[k] = node.op(ew.inputs[k], *node.inputs[1:])
    for k in scalars:
        inp = ew.inputs[k]
        new_inputs[k] = DimShuffle(inp.broadcastable, kept)(inp) if len(kept) != inp.ndim else inp
    if len(indexed) > 1:
        # the lengths the lifted indexing no longer sees must still agree
        first = ew.inputs[indexed[0]]
        conds = []
        for d, e in enumerate(entries):
            if e == (None, None, None) or x.broadcastable[d]:
                continue
            for k in indexed[1:]:
                other = ew.inputs[k]
                if other is not first:
                    conds.append(tm.eq(shape_i(first, d), shape_i(other, d)))
        if conds:
            k0 = indexed[0]
            new_inputs[k0] = Assert("elemwise: input shapes do not match")(new_inputs[k0], *conds)
    out = ew.op(*new_inputs)
    return [fit_to(out, node.outputs[0])]


register_canonicalize(local_subtensor_lift, "algebra")
register_specialize(local_subtensor_lift, "local_subtensor_lift", name="local_subtensor_lift_specialize")


# --------------------------------------------------------------------------------------------------
# x[a][b] -> x[c]: one view instead of two
# --------------------------------------------------------------------------------------------------

_FULL = slice(None, None, None)


def _as_const_int(v):
    if v is None or isinstance(v, (int, np.integer)):
        return v
    c = scalar_const(v)
    return None if c is None else int(c)


def _is_full(sl):
    return isinstance(sl, slice) and sl.start is None and sl.stop is None and sl.step is None


def _static_compose(s1, s2):
    """``x[s1][s2]`` as one index when every bound is a known constant, the starts and stops
    non-negative and the steps positive (no length needed); else None."""
    parts1 = [_as_const_int(p) for p in (s1.start, s1.stop, s1.step)]
    if any(p is None and q is not None for p, q in zip(parts1, (s1.start, s1.stop, s1.step))):
        return None
    a1, e1, c1 = parts1
    if isinstance(s2, slice) and a1 is None and e1 is None and s2.start is None and s2.stop is None:
        # every c1-th element, then every c2-th of those (or all of them reversed, twice)
        c2 = _as_const_int(s2.step)
        if c2 is not None and (c2 > 0 or (c2 == -1 and c1 == -1)):
            step = (c1 or 1) * c2
            return slice(None, None, None if step == 1 else step)
    a1, c1 = a1 or 0, c1 or 1
    if a1 < 0 or c1 <= 0 or (e1 is not None and e1 < 0):
        return None
    if isinstance(s2, slice):
        parts2 = [_as_const_int(p) for p in (s2.start, s2.stop, s2.step)]
        if any(p is None and q is not None for p, q in zip(parts2, (s2.start, s2.stop, s2.step))):
            return None
        a2, e2, c2 = parts2
        a2, c2 = a2 or 0, c2 or 1
        if a2 < 0 or c2 <= 0 or (e2 is not None and e2 < 0):
            return None
        stops = [s for s in (e1, None if e2 is None else a1 + e2 * c1) if s is not None]
        stop = min(stops) if stops else None
        return slice(a1 + a2 * c1, stop, c1 * c2 if c1 * c2 != 1 else None)
    i = _as_const_int(s2)
    if i is None or i < 0 or e1 is not None:
        return None
    return a1 + i * c1


def _affine(sl, n):
    """(base, stride, length) with ``range(n)[sl]`` = base + stride * k for k < length."""
    from theano.tensor import math as tm
    from theano.tensor.subtensor import get_canonical_form_slice

    if _is_full(sl):
        return constant(0, dtype="int64"), constant(1, dtype="int64"), n
    canon, direction = get_canonical_form_slice(sl, n)
    start, stop, step = canon.start, canon.stop, canon.step
    length = (stop - start + step - 1) // step
    base = tm.switch(tm.eq(direction, 1), start, start + (length - 1) * step)
    return base, direction * step, length


def _general_compose(s1, s2, n):
    from theano.tensor import math as tm

    b1, k1, l1 = _affine(s1, n)
    if isinstance(s2, slice):
        b2, k2, l2 = _affine(s2, l1)
        base, stride = b1 + b2 * k1, k1 * k2
        stop = base + l2 * stride
        # a negative step whose next element would be before 0: run to the start (not from the end)
        stop = tm.switch(tm.and_(tm.lt(stride, 0), tm.lt(stop, 0)), -n - 1, stop)
        empty = tm.eq(l2, 0)
        zero = constant(0, dtype="int64")
        return slice(tm.switch(empty, zero, base), tm.switch(empty, zero, stop), stride)
    i = cast(s2, "int64")
    i = tm.switch(tm.lt(i, 0), i + l1, i)
    inside = tm.and_(tm.ge(i, 0), tm.lt(i, l1))
    # out of the first view's bounds: an index out of x's bounds, so x[...] raises IndexError
    return tm.switch(inside, b1 + i * k1, n)


@node_rewriter([Subtensor])
def local_subtensor_merge(fgraph, node):
    """``x[s1][s2]`` -> ``x[s]`` for basic indexing: one view. Slices compose into a slice, a slice
    then an index into an index; an index outside the first view still raises IndexError (it is
    sent outside x). Constant bounds compose statically; others through the symbolic lengths."""
    from theano.tensor.subtensor import get_idx_list

    u = node.inputs[0]
    if u.owner is None or type(u.owner.op) is not Subtensor or type(node.op) is not Subtensor:
        return None
    x = u.owner.inputs[0]
    inner = get_idx_list(u.owner.inputs[1:], u.owner.op.idx_list)
    outer = get_idx_list(node.inputs[1:], node.op.idx_list)
    if any(e is None for e in inner + outer):
        return None
    inner = inner + [_FULL] * (x.ndim - len(inner))
    outer = outer + [_FULL] * (u.ndim - len(outer))
    merged, j = [], 0
    for d, s1 in enumerate(inner):
        if not isinstance(s1, slice):
            merged.append(s1)
            continue
        s2 = outer[j]
        j += 1
        if _is_full(s2):
            merged.append(s1)
        elif _is_full(s1):
            merged.append(s2)
        else:
            static = _static_compose(s1, s2)
            merged.append(static if static is not None else _general_compose(s1, s2, shape_i(x, d)))
    while merged and _is_full(merged[-1]):
        merged.pop()
    out = x[tuple(merged)] if merged else x
    return [fit_to(out, node.outputs[0])]


register_canonicalize(local_subtensor_merge, "algebra")
register_specialize(local_subtensor_merge, "local_subtensor_merge", name="local_subtensor_merge_specialize")


# --------------------------------------------------------------------------------------------------
# an assignment that overwrites all of x
# --------------------------------------------------------------------------------------------------


def _known_same_shape(shp, x):
    """True if the shape vector ``shp`` is known to be x's shape (``x.shape`` or its entries)."""
    from theano.tensor.reshaping import Shape, Shape_i

    if shp.owner is not None and isinstance(shp.owner.op, Shape) and shp.owner.inputs[0] is x:
        return True
    made = _made_vector(shp)
    if made is None or len(made.inputs) != x.ndim:
        return False
    for d, e in enumerate(made.inputs):
        if x.broadcastable[d]:
            if not _same_const(e, 1):
                return False
        elif not (e.owner is not None and isinstance(e.owner.op, Shape_i) and e.owner.op.i == d
                  and e.owner.inputs[0] is x):
            return False
    return True


def _same_const(v, value):
    c = scalar_const(v)
    return c is not None and int(c) == value


@node_rewriter([IncSubtensor])
def local_useless_inc_subtensor(fgraph, node):
    """``set_subtensor(x[:, ::-1], specify_shape(y, x.shape))`` -> ``y[:, ::-1]``: an assignment
    through full slices (steps 1 or -1) of a value known to have x's shape overwrites all of x, so
    x is not copied. The shape check stays (the SpecifyShape)."""
    from theano.tensor.reshaping import SpecifyShape

    if type(node.op) is not IncSubtensor or not node.op.set_instead_of_inc:
        return None
    x, y, *rest = node.inputs
    if rest or y.ndim != x.ndim:
        return None
    steps = []
    for e in node.op.idx_list:
        if not (isinstance(e, tuple) and e[0] is None and e[1] is None and e[2] in (None, 1, -1)):
            return None
        steps.append(e[2])
    if y.owner is None or not isinstance(y.owner.op, SpecifyShape) or \
            not _known_same_shape(y.owner.inputs[1], x):
        return None
    if any(s == -1 for s in steps):
        y = y[tuple(slice(None, None, s) for s in steps)]
    return [fit_to(y, node.outputs[0])]


register_canonicalize(local_useless_inc_subtensor, "algebra")


def _unwrap_scalar(v):
    """``v`` without the ScalarFromTensor/TensorFromScalar/cast wrappers an index goes through."""
    from theano.tensor.basic import ScalarFromTensor, TensorFromScalar

    while v is not None and v.owner is not None and (
            isinstance(v.owner.op, (ScalarFromTensor, TensorFromScalar))
            or elemwise_of(v, ts_cast()) is not None):
        v = v.owner.inputs[0]
    return v


def ts_cast():
    from theano.scalar import basic as ts

    return ts.Cast


def _is_length_of(v, x, d):
    """True if ``v`` is the length of axis d of x (``x.shape[d]`` or ``Shape_i{d}(x)``)."""
    from theano.tensor.reshaping import Shape_i

    v = _unwrap_scalar(v)
    if v is None or v.owner is None:
        return False
    if isinstance(v.owner.op, Shape_i):
        return v.owner.op.i == d and v.owner.inputs[0] is x
    if isinstance(v.owner.op, Subtensor) and v.owner.inputs[0].owner is not None \
            and isinstance(v.owner.inputs[0].owner.op, Shape) and v.owner.inputs[0].owner.inputs[0] is x:
        return _constant_index(v.owner) == d
    return False


def _useless_slice(sl, x, d):
    """True if the slice ``sl`` of axis d of x keeps the whole axis in order (``x[0:]``,
    ``x[:x.shape[0]]``, ``x[::1]``)."""
    import sys

    if not isinstance(sl, slice):
        return False
    step = _as_const_int(sl.step) if sl.step is not None else None
    if sl.step is not None and step != 1:
        return False
    start = _as_const_int(sl.start) if sl.start is not None else None
    if sl.start is not None and start != 0:
        return False
    if sl.stop is None:
        return True
    stop = _as_const_int(sl.stop)
    if isinstance(stop, (int, np.integer)):
        if stop >= sys.maxsize or (x.broadcastable[d] and stop >= 1):
            return True
        n = _known_length(x, d)
        return n is not None and stop >= n
    return _is_length_of(sl.stop, x, d)


def _known_length(x, d, depth=8):
    """The length of axis d of x when the graph says it (``specify_shape(x, (2, 3))``, seen through
    elementwise ops, whose result has the length of each input not broadcast there), else None."""
    from theano.tensor.elemwise import Elemwise
    from theano.tensor.reshaping import SpecifyShape, vector_entries

    if x.broadcastable[d]:
        return 1
    if isinstance(x, Constant):
        return int(np.shape(x.data)[d])
    owner = x.owner
    if owner is None or depth == 0:
        return None
    if isinstance(owner.op, SpecifyShape):
        try:
            n = scalar_const(vector_entries(owner.inputs[1], x.ndim)[d])
        except (ValueError, TypeError, IndexError):
            n = None
        return None if n is None else int(n)
    if isinstance(owner.op, Elemwise):
        for i in owner.inputs:
            if i.ndim == x.ndim and not i.broadcastable[d]:
                n = _known_length(i, d, depth - 1)
                if n is not None:
                    return n
    return None


@node_rewriter([Subtensor])
def local_useless_subtensor(fgraph, node):
    """Slices that keep a whole axis (``x[0:]``, ``x[:x.shape[0]]``, ``x[::1]``) are dropped from
    the end of the index (``x[0, 0:]`` -> ``x[0]``); an index of only such slices, or an empty one
    (``x[...]``, ``x[:, :]``), is x itself."""
    from theano.tensor.subtensor import _n_inputs, get_idx_list

    if type(node.op) is not Subtensor:
        return None
    x = node.inputs[0]
    items = get_idx_list(node.inputs[1:], node.op.idx_list)
    n = len(items)
    while n and _useless_slice(items[n - 1], x, n - 1):
        n -= 1
    if n == len(items) and n:
        return None
    out = node.outputs[0]
    if n == 0:
        new = x
    else:
        kept = node.op.idx_list[:n]
        new = Subtensor(kept)(x, *node.inputs[1:1 + _n_inputs(kept)])
    new = fit_to(new, out)
    return [new] if new is not None else None


@node_rewriter([_adv1_class()])
def local_useless_advanced_subtensor1(fgraph, node):
    """``x[[0, 1, ..., n - 1]]`` (a constant list or ``arange(n)``) of an x whose first axis is
    known to have length n -> x (a copy of every row in order)."""
    x, idx = node.inputs
    n = _known_length(x, 0)
    if n is None:
        return None
    if isinstance(idx, Constant):
        vals = np.asarray(idx.data)
        if vals.shape != (n,) or not np.array_equal(vals, np.arange(n)):
            return None
    else:
        return None
    out = node.outputs[0]
    new = fit_to(x, out)
    return [new] if new is not None else None


register_canonicalize(local_useless_subtensor, "algebra", fast_compile=True)
register_canonicalize(local_useless_advanced_subtensor1, "algebra")
register_specialize(local_useless_subtensor, "local_useless_subtensor", name="local_useless_subtensor_specialize")


@node_rewriter([Subtensor])
def local_subtensor_of_alloc(fgraph, node):
    """``alloc(v, *s)[idx]`` -> ``alloc(v[idx'], *s')``: only the selected part is made. Axes
    that v has are indexed in v (alloc's check that v's length there is s's stays, as an Assert);
    the others change the shape (a slice's length, or the axis is gone for an integer index, which
    is checked against the length as the indexing did: IndexError becomes an AssertionError with
    the same cause). Only when the alloc is read by this indexing alone."""
    from theano.tensor import math as tm
    from theano.tensor.allocation import alloc
    from theano.tensor.assertions import Assert
    from theano.tensor.subtensor import get_idx_list, slice_length

    if type(node.op) is not Subtensor:
        return None
    found = sole_alloc_inputs(fgraph, node)
    if found is None:
        return None
    a, v, s = found
    items = get_idx_list(node.inputs[1:], node.op.idx_list)
    items = items + [_FULL] * (a.ndim - len(items))
    lead = a.ndim - v.ndim
    v_items, new_shape, conds = [], [], []
    for d, e in enumerate(items):
        n = s[d]
        has = d >= lead and not v.broadcastable[d - lead]
        if has:
            v_items.append(e)
            if not _is_length_of(n, v, d - lead):
                conds.append(tm.eq(shape_i(v, d - lead), n))
            if isinstance(e, slice):
                new_shape.append(slice_length(n, e.start, e.stop, e.step))
            continue
        if d >= lead:
            v_items.append(_FULL if isinstance(e, slice) else 0)
        if isinstance(e, slice):
            new_shape.append(slice_length(n, e.start, e.stop, e.step))
        else:
            i = e if not isinstance(e, (int, np.integer)) else constant(int(e), dtype="int64")
            conds.append(tm.and_(tm.ge(i, -n), tm.lt(i, n)))
    new_v = v[tuple(v_items)] if v_items else v
    if conds:
        new_v = Assert("alloc(...)[idx]: the index is out of range or the shapes do not match")(
            new_v, *conds)
    new = alloc(new_v, *new_shape)
    out = node.outputs[0]
    if new.ndim != out.ndim:
        return None
    new = fit_to(new, out)
    return [new] if new is not None else None


register_canonicalize(local_subtensor_of_alloc, "algebra")


def _zero_based_increment(fgraph, t, out):
    """The node of ``t`` when t increments (or, with basic indices, sets) part of an all-zeros
    tensor of ``out``'s type and only one node reads it; else None."""
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

    o = t.owner
    if o is None or t.type != out.type or len(fgraph.clients.get(t, ())) != 1 or t in fgraph.outputs:
        return None
    op = o.op
    if type(op) is IncSubtensor or (type(op) in (AdvancedIncSubtensor, AdvancedIncSubtensor1)
                                    and not op.set_instead_of_inc):
        if not op.inplace and is_zeros(o.inputs[0]):
            return o
    return None


def _as_increment_of(o, base):
    """The increment of node ``o`` (its part and values) applied to ``base`` instead."""
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor1

    op = o.op
    if type(op) is AdvancedIncSubtensor1:
        return AdvancedIncSubtensor1(inplace=False, set_instead_of_inc=False)(base, *o.inputs[1:])
    return type(op)(op.idx_list, inplace=False, set_instead_of_inc=False)(base, *o.inputs[1:])


def _add_class():
    from theano.scalar import basic as ts

    return ts.Add


@node_rewriter([_add_class()])
def local_IncSubtensor_serialize(fgraph, node):
    """``inc(zeros, a, i) + inc(zeros, b, j) + x`` -> ``inc(inc(x, a, i), b, j)``: the sum of a
    gradient's scattered parts (``W[i] + W[j] + W[1]`` in a cost) is written into one buffer, in
    place once the inplace phase runs, instead of one zero-filled array per part plus their sum.
    Each element gets the same terms in the same order. Specialize phase: the stabilizing
    rewrites read such sums of scatters first (scattered_products.py). The checks that the parts
    had the sum's shape stay (keep_shape_checks)."""
    from theano.tensor import math as tm
    from theano.tensor.elemwise import Elemwise
    from theano.tensor.rewriting.utils import keep_shape_checks

    if not isinstance(node.op, Elemwise) or node.op.inplace_pattern or fgraph is None:
        return None
    out = node.outputs[0]
    incs, others = [], []
    for t in node.inputs:
        o = _zero_based_increment(fgraph, t, out)
        if o is not None:
            incs.append(o)
        else:
            others.append(t)
    if not incs or (len(incs) == 1 and not others):
        return None
    zeros = [o.inputs[0] for o in incs]
    if others:
        base = others[0] if len(others) == 1 else tm.add(*others)
        base = fit_to(base, out, zeros)
        if base is None:
            return None
        dropped = zeros
    else:
        base = zeros[0]
        dropped = zeros[1:]
    cur = base
    for o in incs:
        cur = _as_increment_of(o, cur)
    if cur.type != out.type:
        return None
    return [keep_shape_checks(cur, node, dropped)]


register_specialize(local_IncSubtensor_serialize, "algebra")


@node_rewriter([Subtensor])
def local_subtensor_remove_broadcastable_index(fgraph, node):
    """``x[:, 0, :]`` (or ``x[:, -1, :]``) where axis 1 of x is broadcastable (length 1) ->
    ``x.dimshuffle(0, 2)``: index 0 and -1 of a length-1 axis read its one element, a view
    without indexing. Other indices there (out of range) stay, and raise as before."""
    from theano.tensor.elemwise import DimShuffle
    from theano.tensor.subtensor import get_idx_list

    if type(node.op) is not Subtensor:
        return None
    x = node.inputs[0]
    items = get_idx_list(node.inputs[1:], node.op.idx_list)
    drop = []
    for d, e in enumerate(items):
        if isinstance(e, slice) or not x.broadcastable[d]:
            continue
        k = _as_const_int(e)
        if isinstance(k, (int, np.integer)) and k in (0, -1):
            drop.append(d)
    if not drop:
        return None
    kept = [d for d in range(x.ndim) if d not in drop]
    new = DimShuffle(x.broadcastable, kept)(x)
    rest = tuple(e for d, e in enumerate(items) if d not in drop)
    if any(not _is_full(e) for e in rest):
        new = new[rest]
    new = fit_to(new, node.outputs[0])
    return [new] if new is not None else None


register_specialize(local_subtensor_remove_broadcastable_index, "algebra")
