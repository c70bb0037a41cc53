"""Rewrites of DimShuffle, Cast and fill/second."""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_specialize
from theano.scalar import basic as ts
from theano.tensor.basic import cast, second
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.rewriting.utils import is_elemwise, register_opt_in, sole_alloc_inputs


def _keeps_layout(order, bcast):
    """True when DimShuffle ``order`` on an input with broadcastable pattern ``bcast`` gives the
    same array: the same pattern, every non-broadcastable axis in its place, only length-1 axes
    moved, dropped or added (``x(n, 1).dimshuffle(0, 'x')``, ``y(1, n, 1).dimshuffle(2, 1, 0)``)."""
    if len(order) != len(bcast):
        return False
    for i, o in enumerate(order):
        if o == "x" or bcast[o]:
            if not bcast[i]:
                return False
        elif o != i:
            return False
    return True


@node_rewriter([DimShuffle])
def local_dimshuffle_dimshuffle(fgraph, node):
    """Two DimShuffles in a row -> one; a DimShuffle that keeps the order (or only moves length-1
    axes, see _keeps_layout) -> its input."""
    (x,) = node.inputs
    order = node.op.new_order
    if _keeps_layout(order, x.broadcastable):
        return [x] if x.type == node.outputs[0].type else None
    inner = x.owner
    if inner is not None and isinstance(inner.op, DimShuffle):
        inner_order = inner.op.new_order
        src = inner.inputs[0]
        composed = [o if o == "x" else inner_order[o] for o in order]
        if _keeps_layout(composed, src.broadcastable):
            return [src] if src.type == node.outputs[0].type else None
        return [DimShuffle(src.broadcastable, composed)(src)]
    return None


register_canonicalize(local_dimshuffle_dimshuffle, "dimshuffle", fast_compile=True)


@node_rewriter([ts.Cast])
def local_useless_cast(fgraph, node):
    """``cast(x, dtype)`` where x already has that dtype -> x."""
    if is_elemwise(node, ts.Cast) and node.inputs[0].type == node.outputs[0].type:
        return [node.inputs[0]]
    return None


register_canonicalize(local_useless_cast, "cast", fast_compile=True)


def _exact_cast(src, dst):
    """True if every value of dtype ``src`` is exactly a value of dtype ``dst`` (a lossless cast)."""
    src, dst = np.dtype(src), np.dtype(dst)
    if src == dst or src.kind == "b":
        return True
    if src.kind in "iu" and dst.kind in "iu":
        return bool(np.can_cast(src, dst, "safe"))
    if src.kind in "iu" and dst.kind in "fc":
        part = dst if dst.kind == "f" else np.dtype(f"f{dst.itemsize // 2}")
        return np.iinfo(src).bits - (src.kind == "i") <= np.finfo(part).nmant + 1
    if src.kind == "f" and dst.kind == "f":
        return dst.itemsize >= src.itemsize
    if src.kind == "f" and dst.kind == "c":
        return dst.itemsize // 2 >= src.itemsize
    if src.kind == "c" and dst.kind == "c":
        return dst.itemsize >= src.itemsize
    return False


@node_rewriter([ts.Cast])
def local_cast_cast(fgraph, node):
    """``cast(cast(x, d1), d2)`` -> ``cast(x, d2)`` (or x when d2 is x's dtype) when the cast of
    x to d1 is lossless (float32 -> float64, int8 -> int32 or float32, ...): the outer cast then
    sees x's own values. A lossy inner cast (a downcast, int64 -> float64) stays."""
    if not is_elemwise(node, ts.Cast):
        return None
    inner = node.inputs[0].owner
    if inner is None or not is_elemwise(inner, ts.Cast):
        return None
    x = inner.inputs[0]
    out = node.outputs[0]
    if not _exact_cast(x.dtype, inner.outputs[0].dtype):
        return None
    if x.type == out.type:
        return [x]
    new = cast(x, out.dtype)
    return [new] if new.type == out.type else None


register_canonicalize(local_cast_cast, "cast", fast_compile=True)


@node_rewriter([ts.Second])
def local_useless_fill(fgraph, node):
    """``fill(m, v)`` -> v when broadcasting against m changes nothing: m is broadcastable
    everywhere, m is v itself, or m is an input of the Elemwise that computes v."""
    if not is_elemwise(node, ts.Second):
        return None
    m, v = node.inputs
    out = node.outputs[0]
    if v.type != out.type:
        return None
    if m is v or all(m.broadcastable):
        return [v]
    if v.owner is not None and isinstance(v.owner.op, Elemwise) and m in v.owner.inputs:
        return [v]
    if m.ndim == v.ndim:
        m_roots = _shape_roots(m)
        v_roots = _shape_roots(v)
        if m_roots is not None and v_roots is not None and m_roots <= v_roots:
            return [v]
    return None


def _shape_roots(var, limit=64):
    """The variables whose shapes make the shape of ``var`` through a chain of Elemwise nodes (only
    those with the same number of dimensions and some non-broadcastable dimension), or None when the
    walk is too long. If the roots of m are among the roots of v, m's shape is no bigger than v's."""
    roots = set()
    stack = [var]
    seen = set()
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if len(seen) > limit:
            return None
        if all(v.broadcastable):
            continue
        owner = v.owner
        if owner is not None and isinstance(owner.op, Elemwise):
            stack.extend(i for i in owner.inputs if i.ndim == var.ndim)
            if any(i.ndim != var.ndim for i in owner.inputs):
                return None
        else:
            roots.add(v)
    return roots


register_canonicalize(local_useless_fill, "fill", fast_compile=True)


@node_rewriter([ts.Second])
def local_fill_of_fill(fgraph, node):
    """``fill(fill(m, a), v)`` -> ``fill(m, v)`` when ``a`` is broadcastable everywhere (a zero
    filled to m's shape and then used only as the model of another fill, as gradients leave them):
    the inner fill's value is never read and its shape is m's. Otherwise, when nothing else reads
    the inner fill, -> ``fill(m, fill(a, v))`` (the same shape and checks), where a fill of a fill
    of a zero row goes in turn."""
    if not is_elemwise(node, ts.Second):
        return None
    model, v = node.inputs
    inner = model.owner
    if inner is None or not is_elemwise(inner, ts.Second):
        return None
    m, a = inner.inputs
    if m.ndim != model.ndim:
        return None
    if all(a.broadcastable):
        new = second(m, v)
    elif fgraph is not None and len(fgraph.clients.get(model, ())) == 1 and a.ndim == model.ndim:
        new = second(m, second(a, v))
    else:
        return None
    return [new] if new.type == node.outputs[0].type else None


register_canonicalize(local_fill_of_fill, "fill", fast_compile=True)


@node_rewriter([ts.Second])
def local_fill_model_of_elemwise(fgraph, node):
    """``fill(f(a, b), v)`` -> ``fill(a, fill(b, v))`` when ``f(a, b)`` (any elementwise op) is
    computed only to give fills their shape (the gradient of ``(x + b).sum()`` with respect to
    ``b`` filled ``x + b`` with ones): f is no longer computed, and the broadcasting of a and b
    against each other is still checked. Inputs broadcastable everywhere add nothing and are left
    out."""
    if fgraph is None or not is_elemwise(node, ts.Second):
        return None
    m, v = node.inputs
    inner = m.owner
    if inner is None or not isinstance(inner.op, Elemwise) or len(inner.outputs) != 1 \
            or is_elemwise(inner, ts.Second) or not _only_fill_model(fgraph, m):
        return None
    models = [a for a in inner.inputs if not all(a.broadcastable)]
    if not models or any(a.ndim != m.ndim for a in models):
        return None
    new = v
    for a in reversed(models):
        new = second(a, new)
    return [new] if new.type == node.outputs[0].type else None


register_canonicalize(local_fill_model_of_elemwise, "fill")


def _same_shape_source(m):
    """A variable with m's type whose shape m always has, one step up m's graph, else None: the
    tensor an inc/set-subtensor node updates (its first input), or the one input of m's type of an
    Elemwise whose other inputs are broadcastable everywhere (``h * 3``)."""
    from theano.tensor.subtensor import IncSubtensor
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1
    from theano.tensor.subtensor_slicevar import SliceVarIncSubtensor

    owner = m.owner
    if owner is None or len(owner.outputs) != 1:
        return None
    if isinstance(owner.op, (IncSubtensor, AdvancedIncSubtensor, AdvancedIncSubtensor1,
                             SliceVarIncSubtensor)):
        src = owner.inputs[0]
        return src if src.type == m.type else None
    if isinstance(owner.op, Elemwise):
        same = [i for i in owner.inputs if i.type == m.type]
        others = [i for i in owner.inputs if i.type != m.type]
        if len(same) >= 1 and all(i is same[0] for i in same) and all(all(i.broadcastable) for i in others):
            return same[0]
    return None


@node_rewriter([ts.Second])
def local_fill_of_inc_subtensor(fgraph, node):
    """``fill(inc_subtensor(x[i], y), v)`` (also set_subtensor and the advanced forms, and through
    elementwise ops with scalars: ``fill(set_subtensor(x[i], y) * 3, v)``) -> ``fill(x, v)``: the
    result has x's shape, so a fill that only takes its shape (the gradient of
    ``set_subtensor(h[i], h[i]).sum()``) does not compute the update. Elementwise steps alone are
    left to local_useless_fill."""
    from theano.tensor.subtensor import IncSubtensor
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1
    from theano.tensor.subtensor_slicevar import SliceVarIncSubtensor

    incs = (IncSubtensor, AdvancedIncSubtensor, AdvancedIncSubtensor1, SliceVarIncSubtensor)
    if not is_elemwise(node, ts.Second):
        return None
    m, v = node.inputs
    src, through_inc = m, False
    for _ in range(64):
        nxt = _same_shape_source(src)
        if nxt is None:
            break
        through_inc = through_inc or isinstance(src.owner.op, incs)
        src = nxt
    if not through_inc:
        return None
    new = second(src, v)
    return [new] if new.type == node.outputs[0].type else None


register_canonicalize(local_fill_of_inc_subtensor, "fill", fast_compile=True)


@node_rewriter([Elemwise])
def local_fill_sink(fgraph, node):
    """``f(fill(m, v), y)`` -> ``fill(m, f(v, y))``: move fills outward so that the algebra rewrites
    see the values (``g + zeros_like(x)`` becomes ``fill(x, g)``)."""
    op = node.op
    if op.inplace_pattern or is_elemwise(node, ts.Second) or len(node.outputs) != 1:
        return None
    models = []
    new_inputs = []
    changed = False
    for inp in node.inputs:
        owner = inp.owner
        if owner is not None and is_elemwise(owner, ts.Second) and \
                len(fgraph.clients.get(inp, ())) == 1:
            models.append(owner.inputs[0])
            new_inputs.append(owner.inputs[1])
            changed = True
        else:
            new_inputs.append(inp)
    if not changed:
        return None
    res = op(*new_inputs)
    if res.ndim != node.outputs[0].ndim:
        return None
    for m in models:
        res = second(m, res)
    return [res]


register_canonicalize(local_fill_sink, "fill")


@node_rewriter([DimShuffle])
def local_dimshuffle_lift(fgraph, node):
    """``dimshuffle(f(a, b))`` -> ``f(dimshuffle(a), dimshuffle(b))`` when nothing else uses
    ``f(a, b)``: the reordering moves towards the inputs (where it is free, or folds into constants)
    and the elementwise chains on both sides can fuse. Values are exactly the same. As Theano 1.0's
    rewrite of this name, it also merges two DimShuffles in a row and removes one that keeps the
    order (what local_dimshuffle_dimshuffle does), so that ``out2in(local_dimshuffle_lift)`` alone
    leaves ``x.T.T`` as x."""
    new = _lift_dimshuffle(fgraph, node, depth=8)
    return None if new is None else [new]


def _lift_dimshuffle(fgraph, node, depth):
    """The replacement of DimShuffle ``node``'s output (see local_dimshuffle_lift), with the
    DimShuffles it puts on the elementwise inputs lifted in turn, at most ``depth`` levels (the
    rewrite's worklist goes on from there); None when nothing applies. Without a FunctionGraph
    (``local_dimshuffle_lift.transform(node)``) every elementwise result is taken as read once."""
    merged = local_dimshuffle_dimshuffle.fn(fgraph, node)
    if merged:
        m = merged[0]
        if depth > 1 and m.owner is not None and isinstance(m.owner.op, DimShuffle):
            lifted = _lift_dimshuffle(fgraph, m.owner, depth - 1)
            if lifted is not None and lifted.type == m.type:
                return lifted
        return m
    (x,) = node.inputs
    inner = x.owner
    if inner is None or not isinstance(inner.op, Elemwise) or inner.op.inplace_pattern \
            or len(inner.outputs) != 1:
        return None
    if fgraph is not None and (len(fgraph.clients.get(x, ())) != 1 or x in fgraph.outputs):
        return None
    order = node.op.new_order
    new_inputs = []
    for i in inner.inputs:
        if i.ndim != x.ndim:
            return None
        d = DimShuffle(i.broadcastable, order)(i)
        if depth > 1:
            lifted = _lift_dimshuffle(fgraph, d.owner, depth - 1)
            if lifted is not None and lifted.type == d.type:
                d = lifted
        new_inputs.append(d)
    return inner.op(*new_inputs)


register_canonicalize(local_dimshuffle_lift, "dimshuffle")


def _only_fill_model(fgraph, m):
    """True if m is computed (not an input) and read only as the model of fills."""
    if m.owner is None or m in fgraph.outputs:
        return False
    return all(client != "output" and i == 0 and is_elemwise(client, ts.Second)
               for client, i in fgraph.clients.get(m, ()))


def _feeds_elemwise(fgraph, var):
    return any(client != "output" and isinstance(client.op, Elemwise)
               for client, _ in fgraph.clients.get(var, ()))


@node_rewriter([ts.Second])
def local_fill_to_alloc(fgraph, node):
    """``fill(m, c)`` -> ``alloc(c, *shape)`` for a constant c when m is computed only to give
    fills their shape (then m itself is not computed: ``zeros_like(exp(x))`` no longer computes
    exp), or when no elementwise loop reads the fill (the alloc does not read m). A fill read by an
    elementwise op stays: it fuses into that loop. The alloc checks c against the shape as the fill
    did."""
    from theano.tensor.allocation import alloc
    from theano.tensor.reshaping import shape_i

    if not is_elemwise(node, ts.Second):
        return None
    m, v = node.inputs
    out = node.outputs[0]
    if fgraph is None or not isinstance(v, Constant):
        return None
    if not _only_fill_model(fgraph, m) and _feeds_elemwise(fgraph, node.outputs[0]):
        return None
    if v.ndim > out.ndim or m.ndim != out.ndim:
        return None
    lead = out.ndim - v.ndim
    shape = []
    for d in range(out.ndim):
        if not m.broadcastable[d]:
            shape.append(shape_i(m, d))
        elif d >= lead and not v.broadcastable[d - lead]:
            shape.append(shape_i(v, d - lead))
        else:
            shape.append(1)
    value = v if v.dtype == out.dtype else cast(v, out.dtype)
    new = alloc(value, *shape)
    return [new] if new.type == out.type else None


# Opt-in: an Alloc has no kernel in the Numba backend's compiled graph and loop tiers, so on the
# default backend a fill (which fuses) beats it even when the alloc saves computing m.
register_opt_in(local_fill_to_alloc, "specialize", "fill")


@node_rewriter([Elemwise])
def local_elemwise_alloc(fgraph, node):
    """``f(alloc(v, *s), y)`` -> ``f(v', y)`` with v' v given the missing leading dimensions: the
    elementwise loop broadcasts v itself, no array of shape s is made. Each length of s must be
    given by another input (or by v): the check that s agrees with it stays, as an Assert, unless
    it is that input's own length."""
    from theano.tensor import math as tm
    from theano.tensor.allocation import Alloc
    from theano.tensor.assertions import Assert
    from theano.tensor.reshaping import Shape_i, shape_i

    if node.op.inplace_pattern or len(node.inputs) < 2 or len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    for k, inp in enumerate(node.inputs):
        if inp.owner is None or not isinstance(inp.owner.op, Alloc) or inp.ndim != out.ndim:
            continue
        v, *s = inp.owner.inputs
        others = [o for j, o in enumerate(node.inputs) if j != k and o.ndim == out.ndim]
        lead = inp.ndim - v.ndim
        conds = []
        for d in range(inp.ndim):
            if inp.broadcastable[d]:
                continue
            ref = next((o for o in others if not o.broadcastable[d]), None)
            if ref is not None:
                n = shape_i(ref, d)
                e = s[d]
                if e.owner is not None and isinstance(e.owner.op, Shape_i) and e.owner.op.i == d \
                        and e.owner.inputs[0] is ref:
                    continue
            elif d >= lead and not v.broadcastable[d - lead]:
                n = shape_i(v, d - lead)
            else:
                break
            conds.append(tm.eq(s[d], n))
        else:
            new_v = v
            if lead:
                new_v = DimShuffle(v.broadcastable, ["x"] * lead + list(range(v.ndim)))(v)
            if conds:
                new_v = Assert("alloc: shapes do not match")(new_v, *conds)
            new_inputs = list(node.inputs)
            new_inputs[k] = new_v
            new = node.op(*new_inputs)
            if new.type != out.type:
                return None
            return [new]
    return None


register_canonicalize(local_elemwise_alloc, "fill")


@node_rewriter([ts.Add, ts.Mul])
def local_useless_elemwise(fgraph, node):
    """``add(x)`` and ``mul(x)`` of a single input (``T.add(x)``, a sum or product of one term
    left by other rewrites) -> ``x``."""
    if not (is_elemwise(node, ts.Add) or is_elemwise(node, ts.Mul)) or len(node.inputs) != 1:
        return None
    (x,) = node.inputs
    out = node.outputs[0]
    if x.type == out.type:
        return [x]
    if x.ndim == out.ndim and x.broadcastable == out.broadcastable:
        return [cast(x, out.dtype)]
    return None


register_canonicalize(local_useless_elemwise, "algebra", fast_compile=True)


@node_rewriter([DimShuffle])
def local_dimshuffle_alloc(fgraph, node):
    """``alloc(v, *s).dimshuffle(order)`` -> ``alloc(v', *s')``: the reordered (or padded) shape,
    with v given the same order, so that elementwise ops see the alloc (local_elemwise_alloc) and
    no array of the old shape is made. Only when the DimShuffle is the alloc's one reader and drops
    no axis that v has (alloc checks v's lengths against s, and still does)."""
    from theano.tensor.allocation import alloc

    found = sole_alloc_inputs(fgraph, node)
    if found is None:
        return None
    a, v, s = found
    order = node.op.new_order
    lead = a.ndim - v.ndim
    kept = [o for o in order if o != "x"]
    dropped = [d for d in range(a.ndim) if d not in kept]
    if any(d >= lead for d in dropped):
        return None
    from theano.tensor.basic import constant

    one = constant(1, dtype="int64")
    new_shape = [one if o == "x" else s[o] for o in order]
    v_order = ["x" if (o == "x" or o < lead) else o - lead for o in order]
    new_v = DimShuffle(v.broadcastable, v_order)(v)
    new = alloc(new_v, *new_shape)
    out = node.outputs[0]
    if new.ndim != out.ndim:
        return None
    if new.type != out.type:
        from theano.tensor.basic import patternbroadcast

        if any(nb and not ob for nb, ob in zip(new.broadcastable, out.broadcastable)):
            new = patternbroadcast(new, out.broadcastable)
        else:
            return None
    return [new] if new.type == out.type else None


register_canonicalize(local_dimshuffle_alloc, "fill")


@node_rewriter([Elemwise])
def local_useless_composite(fgraph, node):
    """An elementwise composite with several outputs, some of which nobody reads -> the composite
    of the outputs read (a user's ``Elemwise(Composite([x], [x + 1, x - 1]))[0]``): the loop no
    longer computes or stores the others. Its inputs all stay (each still takes part in the
    broadcasting and its checks)."""
    from theano.scalar.graph_composite import Composite

    comp = node.op.scalar_op
    if fgraph is None or node.op.inplace_pattern or len(node.outputs) < 2 \
            or not isinstance(comp, Composite) or not hasattr(comp, "outputs"):
        return None
    used = [k for k, o in enumerate(node.outputs) if fgraph.clients.get(o)]
    if not used or len(used) == len(node.outputs):
        return None
    new_comp = type(comp)(comp.inputs, [comp.outputs[k] for k in used])
    news = Elemwise(new_comp)(*node.inputs, return_list=True)
    return {node.outputs[k]: new for k, new in zip(used, news)}


register_canonicalize(local_useless_composite, "composite")
register_specialize(local_useless_composite, "local_useless_composite",
                    name="local_useless_composite_specialize")
