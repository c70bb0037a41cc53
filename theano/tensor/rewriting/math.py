"""Algebraic rewrites of elementwise math: canonical forms, numerical stability, and cheaper ops.

Canonicalize: neutral and absorbing elements (``x*1``, ``x+0``, ``x*0``), ``--x``, ``x-x``, nested
``add``/``mul`` flattened (left-nested only, so the order of the float operations is unchanged).
Canonicalize also moves products and quotients into a switch with a zero branch (no NaN from the
unselected branch). Stabilize: ``log1p``, ``expm1``, ``softplus`` forms of log/sigmoid expressions,
stable logsumexp, the erfc tail (``log(erfc(x))``, ``exp(-x**2) / erfc(x)``, ``1 - erf(x)``).
Specialize: constant powers as ``sqr``/``sqrt``/``inv``/multiplications.
"""

import numpy as np

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import (register_canonicalize, register_fusion, register_specialize,
                                       register_stabilize)
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.basic import cast, constant, second
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.rewriting.utils import (elemwise_of, filled_constant, fit_to, is_const,
                                           is_elemwise, is_zeros, keep_shape_checks, register_opt_in,
                                           scalar_const)


def _single_client(fgraph, var):
    return len(fgraph.clients.get(var, ())) == 1 and var not in fgraph.outputs


# --------------------------------------------------------------------------------------------------
# canonicalize
# --------------------------------------------------------------------------------------------------


@node_rewriter([ts.Mul, ts.Add])
def local_neutral_absorbing(fgraph, node):
    """``x*1``, ``x+0`` -> x; ``x*0`` -> zeros with the shape and dtype of the product."""
    if is_elemwise(node, ts.Mul):
        neutral, absorbing = 1, 0
    elif is_elemwise(node, ts.Add):
        neutral, absorbing = 0, None
    else:
        return None
    out = node.outputs[0]
    if out.dtype.startswith("complex") or out.dtype == "bool":
        return None
    inputs = node.inputs
    if absorbing is not None and any(is_const(i, absorbing) for i in inputs):
        return [keep_shape_checks(filled_constant(0, out, inputs), node, inputs)]
    keep = [i for i in inputs if not is_const(i, neutral)]
    if len(keep) == len(inputs):
        return None
    if not keep:
        return [keep_shape_checks(filled_constant(neutral, out, inputs), node, inputs)]
    if len(keep) == 1:
        new = keep[0]
    else:
        first = keep[0] if keep[0].dtype == out.dtype else cast(keep[0], out.dtype)
        new = node.op(first, *keep[1:])
    return [keep_shape_checks(fit_to(new, out, inputs), node, inputs)]


register_canonicalize(local_neutral_absorbing, "algebra", fast_compile=True)


@node_rewriter([ts.Add])
def local_add_specialize(fgraph, node):
    """``x + 0`` -> x for constant zeros, and a sum of zeros only (constants, ``zeros_like``,
    ``alloc(0, ...)``) -> zeros with the shape and dtype of the sum."""
    if not is_elemwise(node, ts.Add):
        return None
    out = node.outputs[0]
    if out.dtype.startswith("complex") or out.dtype == "bool":
        return None
    if all(is_zeros(i) for i in node.inputs):
        return [filled_constant(0, out, node.inputs)]
    return local_neutral_absorbing.transform(fgraph, node)


register_specialize(local_add_specialize, "algebra")


def _mul_canonizer():
    from theano.graph.rewriting.legacy import in2out

    return in2out(local_flatten_add_mul, local_neutral_absorbing, local_neg_neg, local_sub_simplify,
                  name="mul_canonizer")


@node_rewriter([ts.Sub, ts.TrueDiv])
def local_sub_simplify(fgraph, node):
    """``x - x`` -> zeros, ``x - 0`` -> x, ``0 - x`` -> -x, ``x / 1`` -> x."""
    out = node.outputs[0]
    if is_elemwise(node, ts.Sub):
        x, y = node.inputs
        if x is y and out.dtype != "bool":
            return [filled_constant(0, out, [x])]
        if is_const(y, 0):
            return [fit_to(x, out, node.inputs)]
        if is_const(x, 0) and out.dtype not in ts.uint_dtypes:
            return [fit_to(tm.neg(y), out, node.inputs)]
    elif is_elemwise(node, ts.TrueDiv):
        x, y = node.inputs
        if is_const(y, 1) and out.dtype in ts.continuous_dtypes:
            return [fit_to(x, out, node.inputs)]
    return None


register_canonicalize(local_sub_simplify, "algebra", fast_compile=True)


@node_rewriter([ts.IntDiv])
def local_intdiv_by_one(fgraph, node):
    """``x // 1`` -> x for integers (for floats ``x // 1`` is ``floor(x)``, so it stays)."""
    if not is_elemwise(node, ts.IntDiv):
        return None
    x, y = node.inputs
    out = node.outputs[0]
    if out.dtype not in ts.integer_dtypes or not is_const(y, 1):
        return None
    return [fit_to(x, out, node.inputs)]


register_canonicalize(local_intdiv_by_one, "algebra")


@node_rewriter([ts.neg, ts.Mul])
def local_neg_neg(fgraph, node):
    """``-(-x)`` -> x, ``-1 * x`` -> ``-x``."""
    if is_elemwise(node, ts.neg):
        inner = elemwise_of(node.inputs[0], ts.neg)
        if inner is not None and inner.inputs[0].type == node.outputs[0].type:
            return [inner.inputs[0]]
        return None
    if is_elemwise(node, ts.Mul) and len(node.inputs) == 2:
        a, b = node.inputs
        for c, x in ((a, b), (b, a)):
            if is_const(c, -1) and x.dtype == node.outputs[0].dtype and \
                    x.dtype not in ts.uint_dtypes + ("bool",):
                return [fit_to(tm.neg(x), node.outputs[0], node.inputs)]
    return None


register_canonicalize(local_neg_neg, "algebra", fast_compile=True)


def _spliceable(fgraph, outer, first, cls):
    """The node of ``first`` (the left-most input of ``outer``) when its inputs can be spliced
    into ``outer``: the same n-ary op class, used only there, the same dtype, and no broadcasting
    that the splice would change."""
    inner = elemwise_of(first, cls)
    out = outer.outputs[0]
    if inner is None or first.dtype != out.dtype or not _single_client(fgraph, first):
        return None
    if first.broadcastable != out.broadcastable and any(i.ndim != out.ndim for i in inner.inputs):
        return None
    return inner


def _flatten_class(node):
    if is_elemwise(node, ts.Add):
        return ts.Add
    if is_elemwise(node, ts.Mul):
        return ts.Mul
    return None


@node_rewriter([ts.Add, ts.Mul])
def local_flatten_add_mul(fgraph, node):
    """``(a + b) + c`` -> ``add(a, b, c)`` (and the same for mul) when the inner sum is used only
    here and has the outer dtype. Only the left-most input is spliced, so the n-ary op still adds
    from left to right and the result is bit-for-bit the same.

    A left-nested chain ``((a + b) + c) + d ...`` is flattened once, from its top: a node whose
    output would itself be spliced into its single client leaves the work to that client, which
    walks down the whole chain. Flattening from the bottom would build a node of every length on
    the way (quadratic time in the length of the chain)."""
    cls = _flatten_class(node)
    if cls is None:
        return None
    out = node.outputs[0]
    clients = fgraph.clients.get(out, ())
    if len(clients) == 1 and clients[0][0] != "output" and clients[0][1] == 0:
        parent = clients[0][0]
        if _flatten_class(parent) is cls and parent.op == node.op and \
                _spliceable(fgraph, parent, out, cls) is not None:
            return None          # the parent splices this node, and the rest of the chain
    tail = list(node.inputs[1:])
    first = node.inputs[0]
    inner = _spliceable(fgraph, node, first, cls)
    if inner is None:
        return None
    while inner is not None:
        tail = list(inner.inputs[1:]) + tail
        first = inner.inputs[0]
        inner = _spliceable(fgraph, node, first, cls) if inner.op == node.op or \
            _flatten_class(inner) is cls else None
    new = node.op(*([first] + tail))
    return [fit_to(new, node.outputs[0], node.inputs)]


register_canonicalize(local_flatten_add_mul, "algebra")


@node_rewriter([ts.Maximum, ts.Minimum, ts.and_, ts.or_])
def local_idempotent(fgraph, node):
    """``maximum(x, x)``, ``minimum(x, x)``, ``x & x``, ``x | x`` -> x."""
    a, b = node.inputs
    if a is b and a.type == node.outputs[0].type:
        return [a]
    return None


register_canonicalize(local_idempotent, "algebra")


def _nonneg(v, depth=8):
    """True if ``v`` is known to be >= 0: a constant, a length (``Shape_i``), or sums, products,
    maxima and integer casts of such values."""
    from theano.tensor.reshaping import Shape_i

    c = scalar_const(v)
    if c is not None:
        return bool(np.all(np.asarray(c) >= 0))
    node = v.owner
    if node is None or depth == 0:
        return False
    if isinstance(node.op, Shape_i):
        return True
    if is_elemwise(node, ts.Add) or is_elemwise(node, ts.Mul) or is_elemwise(node, ts.Minimum):
        return all(_nonneg(i, depth - 1) for i in node.inputs)
    if is_elemwise(node, ts.Maximum):
        return any(_nonneg(i, depth - 1) for i in node.inputs)
    if is_elemwise(node, ts.Cast) and v.dtype in ts.integer_dtypes and \
            node.inputs[0].dtype in ts.integer_dtypes and np.iinfo(v.dtype).max >= np.iinfo(node.inputs[0].dtype).max:
        return _nonneg(node.inputs[0], depth - 1)
    return False


def _same_value(a, b):
    """``a is b``, or both computed by equal ops from the very same inputs (not merged yet)."""
    if a is b:
        return True
    na, nb = a.owner, b.owner
    return (na is not None and nb is not None and na.op == nb.op and a.index == b.index
            and len(na.inputs) == len(nb.inputs) and all(i is j for i, j in zip(na.inputs, nb.inputs)))


_SELF_TRUE = (ts.le, ts.ge, ts.eq)
_SELF_FALSE = (ts.lt, ts.gt, ts.neq)


@node_rewriter([ts.lt, ts.gt, ts.le, ts.ge, ts.eq, ts.neq, ts.Maximum, ts.Minimum, ts.and_, ts.or_,
                ts.xor])
def local_useless_elemwise_comparison(fgraph, node):
    """Comparisons whose result is known: ``x < x`` and ``x > x`` are false; ``x <= x``,
    ``x >= x``, ``x == x`` true and ``x != x`` false for integers and booleans (a float NaN is not
    equal to itself); a length or a sum of lengths ``n`` has ``n >= 0``, ``n < 0`` false,
    ``n == -1`` false, ``maximum(n, 0) = n`` and ``minimum(n, 0) = 0``; ``x ^ x`` is 0 (xor is
    bitwise: integers and booleans only); ``x & 0`` is 0 and ``x | 0`` is x; for booleans ``c | True``
    is true, ``c & False`` false, ``c & True`` and ``c | False`` are c."""
    if not isinstance(node.op, Elemwise) or node.op.inplace_pattern or len(node.inputs) != 2:
        return None
    so = node.op.scalar_op
    a, b = node.inputs
    out = node.outputs[0]
    exact = a.dtype in ts.integer_dtypes or a.dtype == "bool"
    if _same_value(a, b):
        if so in (ts.lt, ts.gt) or (exact and so in (ts.neq, ts.xor)):
            return [filled_constant(0, out, node.inputs)]
        if exact and so in _SELF_TRUE:
            return [filled_constant(1, out, node.inputs)]
        return None
    ca, cb = scalar_const(a), scalar_const(b)
    if exact:
        # n compared with 0 (either side), n >= 0
        if cb is not None and cb == 0 and _nonneg(a):
            if so == ts.lt:
                return [filled_constant(0, out, node.inputs)]
            if so == ts.ge:
                return [filled_constant(1, out, node.inputs)]
        if ca is not None and ca == 0 and _nonneg(b):
            if so == ts.gt:
                return [filled_constant(0, out, node.inputs)]
            if so == ts.le:
                return [filled_constant(1, out, node.inputs)]
        for n, c in ((a, cb), (b, ca)):
            if c is None or not _nonneg(n):
                continue
            if so == ts.eq and c < 0:
                return [filled_constant(0, out, node.inputs)]
            if so == ts.neq and c < 0:
                return [filled_constant(1, out, node.inputs)]
            if isinstance(so, ts.Maximum) and c == 0:
                return [fit_to(n, out, node.inputs)]
            if isinstance(so, ts.Minimum) and c == 0:
                return [filled_constant(0, out, node.inputs)]
    if a.dtype == "bool" and b.dtype == "bool":
        for v, c in ((a, cb), (b, ca)):
            if c is None:
                continue
            if (so == ts.or_ and bool(c)) or (so == ts.and_ and not bool(c)):
                return [filled_constant(bool(c), out, node.inputs)]
            if so in (ts.or_, ts.and_):
                return [fit_to(v, out, node.inputs)]
    elif so in (ts.and_, ts.or_) and _int_or_bool(a) and _int_or_bool(b):
        # bitwise on integers: x & 0 is 0, x | 0 is x
        for v, c in ((a, cb), (b, ca)):
            if c is None or c != 0:
                continue
            if so == ts.and_:
                return [filled_constant(0, out, node.inputs)]
            return [fit_to(v, out, node.inputs)]
    return None


def _int_or_bool(v):
    return v.dtype in ts.integer_dtypes or v.dtype == "bool"


register_canonicalize(local_useless_elemwise_comparison, "algebra", fast_compile=True)
# again before fusion, after the merges of the phases before (a stabilize rewrite may assert
# what the shape rewrites and merges then prove: an ``eq(n, n)``)
register_fusion(local_useless_elemwise_comparison, "algebra")


@node_rewriter([ts.Switch])
def local_switch_constant_condition(fgraph, node):
    """``switch(c, a, b)`` with a constant condition -> a or b (broadcast as the switch would);
    ``switch(c, a, a)`` -> a broadcast to the shape of c."""
    cond, a, b = node.inputs
    if _same_value(a, b):
        # both branches the same: the value, broadcast to the condition's shape (fill keeps the
        # shape check; only the condition's shape is needed once fill becomes alloc)
        out = node.outputs[0]
        if all(cond.broadcastable):
            return [fit_to(a, out, [a, b])]
        return [fit_to(second(cond, a), out, node.inputs)]
    c = scalar_const(cond)
    if c is None:
        return None
    chosen = a if bool(np.asarray(c)) else b
    return [fit_to(chosen, node.outputs[0], node.inputs)]


register_canonicalize(local_switch_constant_condition, "algebra")


def _zero_branch(sw):
    """For ``switch(c, a, b)`` with a or b a constant 0: (index of the other branch, the other
    branch); None otherwise."""
    for k, other in ((1, 2), (2, 1)):
        if is_const(sw.inputs[k], 0):
            return other, sw.inputs[other]
    return None


def _sink_into_switch(node, operands, rebuild):
    """``op(..., switch(c, 0, a), ...)`` -> ``switch(c, 0, op(..., a, ...))`` for the first switch
    with a zero branch among ``operands`` (input positions); ``rebuild(inputs)`` makes the op."""
    for i in operands:
        sw = elemwise_of(node.inputs[i], ts.Switch)
        found = None if sw is None else _zero_branch(sw)
        if found is None:
            continue
        k, branch = found
        inputs = list(node.inputs)
        inputs[i] = branch
        inner = rebuild(inputs)
        zero = tm.zeros_like(inner)
        res = tm.switch(sw.inputs[0], inner, zero) if k == 1 else \
            tm.switch(sw.inputs[0], zero, inner)
        return [fit_to(res, node.outputs[0], node.inputs)]
    return None


@node_rewriter([ts.Mul])
def local_mul_switch_sink(fgraph, node):
    """``mul(switch(c, 0, a), b)`` -> ``switch(c, 0, mul(a, b))`` (and with the zero in the other
    branch). Where c selects the 0 the product is 0 even when b is inf or NaN there: the gradient
    of ``switch(x < 7, x, sqrt(x - 7))`` at x = 5 is 1, not NaN."""
    if node.outputs[0].dtype not in ts.float_dtypes:
        return None
    return _sink_into_switch(node, range(len(node.inputs)), lambda ins: tm.mul(*ins))


@node_rewriter([ts.TrueDiv])
def local_div_switch_sink(fgraph, node):
    """``switch(c, 0, a) / b`` -> ``switch(c, 0, a / b)`` (and with the zero in the other branch):
    0 where c selects it, even where b is 0 or NaN."""
    if node.outputs[0].dtype not in ts.float_dtypes:
        return None
    return _sink_into_switch(node, [0], lambda ins: tm.true_div(*ins))


register_canonicalize(local_mul_switch_sink, "algebra")
register_canonicalize(local_div_switch_sink, "algebra")


# scalar ops that cannot fail on integers, whatever the values (int_div, mod and pow can)
_SAFE_ON_INTEGERS = (ts.Add, ts.Sub, ts.Mul, ts.Maximum, ts.Minimum, ts._Comparison, ts._Bitwise)


@node_rewriter([Elemwise])
def local_merge_switch_same_cond(fgraph, node):
    """``f(switch(c, a1, b1), switch(c, a2, b2))`` -> ``switch(c, f(a1, a2), f(b1, b2))``: one
    switch instead of two (a gradient summing switches of one condition, say). Element by element
    the values are the same; the shapes broadcast together are the same. Only when every input is
    a switch on the same condition read by this node alone, and, for integer work, only for ops
    that cannot raise on the branch that is not selected (no int_div, mod, pow)."""
    op = node.op
    if op.inplace_pattern or len(node.outputs) != 1 or len(node.inputs) < 2:
        return None
    switches = [elemwise_of(i, ts.Switch) for i in node.inputs]
    if any(sw is None for sw in switches):
        return None
    cond = switches[0].inputs[0]
    if any(sw.inputs[0] is not cond for sw in switches):
        return None
    if fgraph is not None and any(len(fgraph.clients.get(i, ())) != 1 or i in fgraph.outputs
                                  for i in node.inputs):
        return None
    if any(i.dtype not in ts.float_dtypes for i in node.inputs) and \
            not isinstance(op.scalar_op, _SAFE_ON_INTEGERS):
        return None

    def branch(k):
        return [sw.inputs[k] if sw.inputs[k].dtype == i.dtype else cast(sw.inputs[k], i.dtype)
                for sw, i in zip(switches, node.inputs)]

    res = tm.switch(cond, op(*branch(1)), op(*branch(2)))
    out = node.outputs[0]
    if res.dtype != out.dtype or res.ndim != out.ndim:
        return None
    return [fit_to(res, out, node.inputs)]


register_canonicalize(local_merge_switch_same_cond, "algebra")


# reductions whose result over a single element is that element (All/Any reduce booleans)
_ONE_ELEMENT_IS_ITSELF = frozenset({"add", "mul", "maximum", "minimum", "and_", "or_", "xor",
                                    "mul_without_zeros"})


def _reduce_as_reshape(node, only_empty_axis):
    """The output of a reduction whose output elements are each one input element (no axis
    reduced, or only broadcastable ones): ``x`` without those axes, cast to the output dtype."""
    (x,) = node.inputs
    out = node.outputs[0]
    axis = node.op.axis
    if axis is None or bool(axis) == only_empty_axis or not all(x.broadcastable[a] for a in axis):
        return None
    if node.op.scalar_op.name not in _ONE_ELEMENT_IS_ITSELF:
        return None
    res = x
    if axis:
        res = DimShuffle(x.broadcastable, [d for d in range(x.ndim) if d not in axis])(x)
    if res.dtype != out.dtype:
        res = cast(res, out.dtype)
    return [fit_to(res, out, [])]


@node_rewriter([CAReduce])
def local_cut_useless_reduce(fgraph, node):
    """A reduction over no axis (``x.sum(axis=[])``) is ``x`` cast to the output dtype."""
    return _reduce_as_reshape(node, only_empty_axis=True)


@node_rewriter([CAReduce])
def local_reduce_broadcastable(fgraph, node):
    """A reduction over broadcastable (length-1) axes only is a reshape (and a cast to the output
    dtype): each output element is the single input element."""
    return _reduce_as_reshape(node, only_empty_axis=False)


@node_rewriter([CAReduce])
def local_reduce_drop_broadcastable_axes(fgraph, node):
    """A reduction over some broadcastable (length-1) axes and some others reduces only the others,
    of ``x`` without those length-1 axes: the same elements in the same order, so the same result
    (``x.sum(axis=[0, 1])`` of an x of pattern (True, False, True) sums x[0] over its axis 0)."""
    (x,) = node.inputs
    axis = node.op.axis
    if not axis or node.op.scalar_op.name not in _ONE_ELEMENT_IS_ITSELF:
        return None
    drop = [a for a in axis if x.broadcastable[a]]
    if not drop or len(drop) == len(axis):
        return None
    kept = [d for d in range(x.ndim) if d not in drop]
    new_x = DimShuffle(x.broadcastable, kept)(x)
    op = type(node.op).__new__(type(node.op))
    op.__dict__.update(node.op.__dict__)
    op.axis = tuple(kept.index(a) for a in axis if a not in drop)
    new = op(new_x)
    return [new] if new.type == node.outputs[0].type else None


_JOIN_REDUCE = {"add": tm.add, "mul": tm.mul, "maximum": tm.maximum, "minimum": tm.minimum}


@node_rewriter([CAReduce])
def local_reduce_join(fgraph, node):
    """``max(stack([x, y, z]), axis=0)`` (a reduction over the axis that a join of one-slice
    tensors adds) -> ``maximum(x, y, z)``: the elementwise op of the reduction over the stacked
    tensors, without the joined array (``T.max((x, y), 0)`` is a common way to write it). For sums
    and products the terms are added in the accumulator's dtype, as the reduction does. The
    tensors must have the same broadcastable pattern (the join did not broadcast; the elementwise
    op checks the other lengths as the join did)."""
    from theano.tensor.joining import Join

    op = node.op
    fn = _JOIN_REDUCE.get(op.scalar_op.name)
    (j,) = node.inputs
    if fn is None or op.axis is None or len(op.axis) != 1 or j.owner is None \
            or type(j.owner.op) is not Join or j.owner.op.view != -1:
        return None
    k = op.axis[0]
    if j.owner.op.axis != k or len(j.owner.inputs) < 2:
        return None
    parts = []
    for t in j.owner.inputs:
        ds = t.owner
        if ds is None or not isinstance(ds.op, DimShuffle) or ds.op.new_order[k] != "x":
            return None
        order = list(ds.op.new_order[:k]) + list(ds.op.new_order[k + 1:])
        src = ds.inputs[0]
        part = src if order == list(range(src.ndim)) else DimShuffle(src.broadcastable, order)(src)
        if part.ndim != j.ndim - 1:
            return None
        parts.append(part)
    if len({p.broadcastable for p in parts}) != 1:
        return None
    out = node.outputs[0]
    acc = op.acc_dtype or out.dtype
    if op.scalar_op.name in ("add", "mul"):
        parts = [p if p.dtype == acc else cast(p, acc) for p in parts]
    new = fn(*parts)
    return [fit_to(new, out, [])]


def _broadcasts(v, depth=16):
    """True if computing ``v`` checks that elementwise operands of several non-broadcastable
    shapes agree (``x + b``, ``fill(x, b)``): taking its shape without computing it would drop
    that check."""
    while depth > 0 and v.owner is not None and isinstance(v.owner.op, Elemwise):
        depth -= 1
        wide = [i for i in v.owner.inputs if not all(i.broadcastable)]
        if len(wide) > 1:
            return True
        if not wide:
            return False
        v = wide[0]
    return depth == 0


def _filled_value_and_shape(x):
    """``(c, shape)`` when ``x`` holds one finite value ``c`` everywhere (a constant, or an integer
    maybe cast to float): ``fill(m, c)`` (``zeros_like``/``ones_like``) with ``shape`` m's lengths,
    or ``alloc(c, *shape)`` whose lengths are known to be >= 0 (a negative one is the alloc's error,
    which must stay); else None."""
    from theano.tensor.allocation import Alloc

    f = elemwise_of(x, ts.Second)
    if f is not None:
        model, val = f.inputs
        if not all(val.broadcastable) or model.ndim != x.ndim or _broadcasts(model):
            return None
        shape = [model.shape[d] for d in range(x.ndim)]
    elif x.owner is not None and isinstance(x.owner.op, Alloc):
        val, *shape = x.owner.inputs
        if not all(val.broadcastable) or len(shape) != x.ndim or \
                not all(_nonneg(s) for s in shape):
            return None
    else:
        return None
    c = scalar_const(val)
    if c is not None:
        if np.asarray(c).dtype.kind not in "biuf" or not np.isfinite(c):
            return None
        return constant(np.asarray(c)), shape
    # a computed value that cannot be inf or NaN (an integer, or an integer cast to float: the
    # reduction of an earlier reduction of ones), so that c * 0 is the empty sum's 0
    v = val
    cast_node = elemwise_of(v, ts.Cast)
    if cast_node is not None and cast_node.inputs[0].dtype in ts.discrete_dtypes:
        v = cast_node.inputs[0]
    if v.dtype not in ts.discrete_dtypes:
        return None
    return val, shape


@node_rewriter([CAReduce])
def local_sum_prod_of_fill(fgraph, node):
    """The sum (product) of a tensor holding one constant c everywhere (``ones_like(x)``,
    ``zeros_like(x)``, ``alloc(c, n, m)``) over some axes is ``c * n`` (``c ** n``), n the number
    of elements reduced, allocated in the shape of the axes kept (Theano 1.0's
    ``local_opt_alloc``): no array is filled just to be reduced. Computed in the accumulator's
    dtype, so integer results wrap as the reduction's did; for floats ``c * n`` is the sum to
    rounding (exact for 0 and 1)."""
    from theano.tensor.allocation import alloc
    from theano.tensor.elemwise import Prod, Sum

    op = node.op
    if type(op) not in (Sum, Prod):
        return None
    (x,) = node.inputs
    out = node.outputs[0]
    axes = tuple(range(x.ndim)) if op.axis is None else op.axis
    if not axes or out.dtype.startswith("complex"):
        return None
    found = _filled_value_and_shape(x)
    if found is None:
        return None
    c, shape = found
    acc = op.acc_dtype or out.dtype
    if acc.startswith("complex"):
        return None
    n = None
    for a in axes:
        n = shape[a] if n is None else n * shape[a]
    if c.ndim:
        c = DimShuffle(c.broadcastable, [])(c)
    counted = elemwise_of(c, ts.Cast)
    if type(op) is Sum and counted is not None and counted.inputs[0].dtype in ts.integer_dtypes \
            and n.dtype in ts.integer_dtypes and _nonneg(counted.inputs[0]):
        # a count (of an earlier reduction of ones) times a count: multiplied as integers, exactly,
        # and cast once
        res = cast(counted.inputs[0] * n, acc)
    else:
        n = cast(n, acc)
        c = c if c.dtype == acc else cast(c, acc)
        res = c * n if type(op) is Sum else c ** n
    if res.dtype != out.dtype:
        res = cast(res, out.dtype)
    kept = [shape[d] for d in range(x.ndim) if d not in axes]
    if kept:
        res = alloc(res, *kept)
    return [fit_to(res, out, [])]


register_canonicalize(local_cut_useless_reduce, "algebra", fast_compile=True)
register_canonicalize(local_reduce_join, "algebra")
register_canonicalize(local_sum_prod_of_fill, "algebra")
register_canonicalize(local_reduce_broadcastable, "algebra", fast_compile=True)
register_canonicalize(local_reduce_drop_broadcastable_axes, "algebra")


# --------------------------------------------------------------------------------------------------
# stabilize
# --------------------------------------------------------------------------------------------------


def _other_than_const(node, value):
    """For a 2-input node with one input equal to ``value``: the other input, else None."""
    if len(node.inputs) != 2:
        return None
    a, b = node.inputs
    if is_const(a, value):
        return b
    if is_const(b, value):
        return a
    return None


@node_rewriter([ts.log, ts.log1p])
def local_log1p(fgraph, node):
    """``log(1 + x)`` -> ``log1p(x)``, ``log(1 - x)`` -> ``log1p(-x)``, ``log1p(exp(x))`` ->
    ``softplus(x)``, ``log1p(-sigmoid(x))`` -> ``-softplus(x)``."""
    out = node.outputs[0]
    if is_elemwise(node, ts.log):
        (arg,) = node.inputs
        add = elemwise_of(arg, ts.Add)
        if add is not None:
            x = _other_than_const(add, 1)
            if x is not None and x.dtype in ts.float_dtypes:
                return [fit_to(tm.log1p(x), out, [arg])]
        sub = elemwise_of(arg, ts.Sub)
        if sub is not None and is_const(sub.inputs[0], 1) and sub.inputs[1].dtype in ts.float_dtypes:
            inner = _log1m(sub.inputs[1])
            return [fit_to(inner, out, [arg])]
    if is_elemwise(node, ts.log1p):
        e = elemwise_of(node.inputs[0], ts.exp)
        if e is not None:
            return [fit_to(tm.softplus(e.inputs[0]), out, node.inputs)]
        y, negated = _unneg(node.inputs[0])
        if negated and elemwise_of(y, ts.sigmoid) is not None:
            # log1p(-sigmoid(x)) (Theano 1.0's log1msigm_to_softplus): -softplus(x)
            return [fit_to(_log1m(y), out, node.inputs)]
    return None


def _log1m(y):
    """``log(1 - y)``, stable: with y = sigmoid(x) it is ``-softplus(x)``."""
    s = elemwise_of(y, ts.sigmoid)
    if s is not None:
        return tm.neg(tm.softplus(s.inputs[0]))
    return tm.log1p(tm.neg(y))


register_stabilize(local_log1p, "stability")


@node_rewriter([ts.TrueDiv, ts.inv])
def local_sigmoid_by_hand(fgraph, node):
    """``1 / (1 + exp(-x))`` -> ``sigmoid(x)`` and ``1 / (1 + exp(x))`` -> ``sigmoid(-x)``, so that
    the log rewrites below apply to hand-written logistic regressions."""
    out = node.outputs[0]
    if out.dtype not in ts.float_dtypes:
        return None
    if is_elemwise(node, ts.TrueDiv):
        num, den = node.inputs
        if not is_const(num, 1):
            return None
    else:
        (den,) = node.inputs
    add = elemwise_of(den, ts.Add)
    if add is None:
        return None
    e_var = _other_than_const(add, 1)
    e = None if e_var is None else elemwise_of(e_var, ts.exp)
    if e is None:
        return None
    arg = e.inputs[0]
    n = elemwise_of(arg, ts.neg)
    x = n.inputs[0] if n is not None else tm.neg(arg)
    if x.dtype != out.dtype:
        return None
    return [fit_to(tm.sigmoid(x), out, node.inputs)]


register_stabilize(local_sigmoid_by_hand, "stability")


@node_rewriter([ts.log])
def local_log_sigmoid(fgraph, node):
    """``log(sigmoid(x))`` -> ``-softplus(-x)``."""
    if not is_elemwise(node, ts.log):
        return None
    s = elemwise_of(node.inputs[0], ts.sigmoid)
    if s is None:
        return None
    x = s.inputs[0]
    return [fit_to(tm.neg(tm.softplus(tm.neg(x))), node.outputs[0], node.inputs)]


register_stabilize(local_log_sigmoid, "stability")


@node_rewriter([ts.Sub, ts.Add])
def local_expm1(fgraph, node):
    """``exp(x) - 1`` -> ``expm1(x)`` (also ``exp(x) + -1``)."""
    out = node.outputs[0]
    e = None
    if is_elemwise(node, ts.Sub) and is_const(node.inputs[1], 1):
        e = elemwise_of(node.inputs[0], ts.exp)
    elif is_elemwise(node, ts.Add) and len(node.inputs) == 2:
        for a, b in (node.inputs, node.inputs[::-1]):
            if is_const(b, -1) and elemwise_of(a, ts.exp) is not None:
                e = elemwise_of(a, ts.exp)
    if e is None or e.outputs[0].dtype != out.dtype:
        return None
    return [fit_to(tm.expm1(e.inputs[0]), out, node.inputs)]


register_stabilize(local_expm1, "stability")


@node_rewriter([ts.log])
def local_log_sum_exp(fgraph, node):
    """``log(sum(exp(x), axis))`` -> ``m + log(sum(exp(x - m), axis))`` with ``m = max(x, axis)``
    where the plain sum would overflow or underflow (``m = 0`` elsewhere: see ``safe_exp_shift``),
    which neither overflows for large x nor gives -inf for very negative x. DimShuffles between
    the log and the sum (a transpose, ``keepdims=True``) are applied to the result."""
    if not is_elemwise(node, ts.log):
        return None
    (s,) = node.inputs
    views = []
    while s.owner is not None and isinstance(s.owner.op, DimShuffle):
        views.append(s.owner.op.new_order)
        s = s.owner.inputs[0]
    red = s.owner
    if red is None or not isinstance(red.op, CAReduce) or not isinstance(red.op.scalar_op, ts.Add):
        return None
    e = elemwise_of(red.inputs[0], ts.exp)
    if e is None:
        return None
    x = e.inputs[0]
    if x.dtype not in ts.float_dtypes or _is_max_shifted(x):
        return None
    axis = red.op.axis if red.op.axis is not None else tuple(range(x.ndim))
    if not axis:
        return None
    n = axes_size(x, axis)
    m = safe_exp_shift(tm.max(x, axis=axis, keepdims=True), n if n is not None else 1)
    inner = tm.sum(tm.exp(x - m), axis=axis, dtype=red.op.dtype, acc_dtype=red.op.acc_dtype)
    pattern = [d for d in range(x.ndim) if d not in axis]
    m_red = DimShuffle(m.broadcastable, pattern)(m)
    res = tm.log(inner) + m_red
    for order in reversed(views):
        res = DimShuffle(res.broadcastable, order)(res)
    return [fit_to(res, node.outputs[0], [])]


def safe_exp_shift(m, n):
    """What to subtract from exp arguments whose maximum is ``m`` before summing ``n`` of their
    exps (an int or a symbolic count): ``m`` where that sum could overflow or ``exp(m)`` is not a
    normal number, 0 elsewhere. The plain formula is then kept (bit for bit) wherever it is finite
    and accurate: subtracting the maximum costs rounding errors (``x - m`` rounds)."""
    info = np.finfo(m.dtype)
    if isinstance(n, int):
        hi = np.asarray(np.log(info.max) - np.log(max(n, 1)) - 1.0, dtype=m.dtype)
    else:
        hi = np.asarray(np.log(info.max) - 1.0, dtype=m.dtype) - \
            tm.log(tm.maximum(cast(n, m.dtype), np.asarray(1, dtype=m.dtype)))
    lo = np.asarray(np.log(info.tiny) + 1.0, dtype=m.dtype)
    unsafe = tm.or_(tm.gt(m, hi), tm.lt(m, lo))
    return tm.switch(tm.and_(unsafe, tm.invert(tm.isinf(m))), m, tm.zeros_like(m))


def shift_parts(x):
    """``(a, m)`` when ``x`` is ``a - switch(c, m, 0)`` (what ``safe_exp_shift`` builds), ``m``
    with its DimShuffles stripped; None otherwise."""
    sub = elemwise_of(x, ts.Sub)
    if sub is None:
        return None
    sw = elemwise_of(sub.inputs[1], ts.Switch)
    if sw is None:
        return None
    m = sw.inputs[1]
    while m.owner is not None and isinstance(m.owner.op, DimShuffle):
        m = m.owner.inputs[0]
    return sub.inputs[0], m


def is_max_reduce(m):
    """Whether ``m`` is a max reduction (a CAReduce of maximum)."""
    return m.owner is not None and isinstance(m.owner.op, CAReduce) and \
        isinstance(m.owner.op.scalar_op, ts.Maximum)


def axes_size(x, axis):
    """The number of elements of ``x`` along ``axis`` (a symbolic product of its lengths)."""
    n = None
    for a in axis:
        n = x.shape[a] if n is None else n * x.shape[a]
    return n


def _is_max_shifted(x):
    """True if ``x`` is already ``a - switch(c, m, 0)`` with m a max of a (our own output)."""
    parts = shift_parts(x)
    return parts is not None and is_max_reduce(parts[1]) and parts[1].owner.inputs[0] is parts[0]


register_stabilize(local_log_sum_exp, "stability")


@node_rewriter([ts.log, ts.sqrt])
def local_inverse_pairs(fgraph, node):
    """``log(exp(x))`` -> x and ``sqrt(sqr(x))`` -> ``abs(x)`` for floats: exact where the naive
    form is finite, and no overflow where it is not."""
    out = node.outputs[0]
    (arg,) = node.inputs
    if out.dtype not in ts.float_dtypes:
        return None
    if is_elemwise(node, ts.log):
        e = elemwise_of(arg, ts.exp)
        if e is not None and e.inputs[0].type == out.type:
            return [e.inputs[0]]
    else:
        q = elemwise_of(arg, ts.sqr)
        if q is not None and q.inputs[0].type == out.type:
            return [tm.abs_(q.inputs[0])]
    return None


register_stabilize(local_inverse_pairs, "stability")


# --------------------------------------------------------------------------------------------------
# specialize
# --------------------------------------------------------------------------------------------------


_MAX_POW_BY_MUL = 32


@node_rewriter([ts.Pow])
def local_pow_specialize(fgraph, node):
    """``x**2`` -> sqr, ``x**0.5`` -> sqrt, ``x**-1`` -> inv, ``x**1`` -> x, ``x**0`` -> ones, and
    integer powers up to 32 in absolute value (3, 15, -2, ...) as repeated squarings and products
    (at most 9 multiplications, which fuse into one loop: ``x**15`` is about 50 times faster than
    ``pow``; each rounds, so the result is within a few ulps of ``pow``'s, as in Theano 1.0, which
    went up to 512)."""
    if not is_elemwise(node, ts.Pow):
        return None
    x, y = node.inputs
    out = node.outputs[0]
    c = scalar_const(y)
    if c is None:
        return None
    c = float(np.asarray(c))
    if out.dtype.startswith("complex"):
        return None
    xx = x if x.dtype == out.dtype else cast(x, out.dtype)
    is_float_out = out.dtype in ts.float_dtypes
    if c == 0:
        return [filled_constant(1, out, node.inputs)]
    if c == 1:
        res = xx
    elif c == 2:
        res = tm.sqr(xx)
    elif c == 0.5 and is_float_out:
        res = tm.sqrt(xx)
    elif c == -1 and is_float_out:
        res = tm.inv(xx)
    elif c == -0.5 and is_float_out:
        res = tm.inv(tm.sqrt(xx))
    elif c == int(c) and 2 <= abs(c) <= _MAX_POW_BY_MUL and (c > 0 or is_float_out):
        res = _int_power(xx, int(abs(c)))
        if c < 0:
            res = tm.inv(res)
    else:
        return None
    return [fit_to(res, out, node.inputs)]


def _int_power(x, n):
    """x**n for a small n by repeated squaring."""
    result = None
    base = x
    while n:
        if n & 1:
            result = base if result is None else tm.mul(result, base)
        n >>= 1
        if n:
            base = tm.sqr(base)
    return result


register_specialize(local_pow_specialize, "pow")


@node_rewriter([ts.Mul])
def local_mul_to_sqr(fgraph, node):
    """``x * x`` -> ``sqr(x)``."""
    if is_elemwise(node, ts.Mul) and len(node.inputs) == 2 and node.inputs[0] is node.inputs[1]:
        return [fit_to(tm.sqr(node.inputs[0]), node.outputs[0], node.inputs)]
    return None


register_specialize(local_mul_to_sqr, "algebra")


@node_rewriter([CAReduce])
def local_sum_mul_to_dot(fgraph, node):
    """``sum(x * y)`` of two float64 vectors (or a matrix and a vector along its rows) -> dot."""
    if not isinstance(node.op.scalar_op, ts.Add):
        return None
    (p,) = node.inputs
    mul = elemwise_of(p, ts.Mul)
    if mul is None or len(mul.inputs) != 2 or not _single_client(fgraph, p):
        return None
    a, b = mul.inputs
    out = node.outputs[0]
    if not (a.dtype == b.dtype == out.dtype == "float64"):
        return None
    if a.ndim == b.ndim == 1 and not a.broadcastable[0] and not b.broadcastable[0] \
            and node.op.axis == (0,):
        return [fit_to(tm.dot(a, b), out, [])]
    return None


register_specialize(local_sum_mul_to_dot, "dot")


@node_rewriter([DimShuffle])
def local_lift_transpose_through_dot(fgraph, node):
    """``dot(a, b).T`` -> ``dot(b.T, a.T)`` for matrices, when only the transpose reads the
    product: the transposes reach the inputs, where they merge with other DimShuffles (``a`` a
    row made by ``v.dimshuffle('x', 0)``) or are free. The same products and sums."""
    if node.op.new_order != (1, 0):
        return None
    p = node.inputs[0]
    if p.owner is None or not isinstance(p.owner.op, tm.Dot):
        return None
    if fgraph is not None and (len(fgraph.clients.get(p, ())) != 1 or p in fgraph.outputs):
        return None
    a, b = p.owner.inputs
    if a.ndim != 2 or b.ndim != 2:
        return None
    new = tm.dot(DimShuffle(b.broadcastable, (1, 0))(b), DimShuffle(a.broadcastable, (1, 0))(a))
    return [fit_to(new, node.outputs[0], [])]


register_canonicalize(local_lift_transpose_through_dot, "dot")
register_stabilize(local_lift_transpose_through_dot, "local_lift_transpose_through_dot",
                   name="local_lift_transpose_through_dot_stabilize")


def _shuffled(v, order):
    """The input of ``v`` when v is ``DimShuffle{order}`` of a matrix, else None."""
    owner = v.owner
    if owner is not None and isinstance(owner.op, DimShuffle) and owner.op.new_order == order \
            and owner.inputs[0].ndim == 2:
        return owner.inputs[0]
    return None


@node_rewriter([CAReduce])
def local_sumsqr2dot(fgraph, node):
    """``sqr(W.dimshuffle('x', 0, 1) * G.dimshuffle(0, 'x', 1)).sum(axis=(1, 2))`` ->
    ``dot(sqr(G), sqr(W).sum(axis=0))``: sum_jk (W[j,k] G[i,k])**2 = sum_k G[i,k]**2 sum_j W[j,k]**2,
    without the (i, j, k) array. Opt-in (``mode.including('local_sumsqr2dot')``): squaring W and
    G apart overflows (or underflows) where their product would not (W = 1e20, G = 1e-20 in
    float32 gives inf * 0 = NaN instead of 1), and the sums are taken in another order."""
    if not isinstance(node.op.scalar_op, ts.Add) or node.op.axis != (1, 2):
        return None
    (p,) = node.inputs
    out = node.outputs[0]
    sq = elemwise_of(p, ts.sqr)
    if sq is None:
        return None
    mul = elemwise_of(sq.inputs[0], ts.Mul)
    if mul is None or len(mul.inputs) != 2:
        return None
    for a, b in (mul.inputs, mul.inputs[::-1]):
        W = _shuffled(a, ("x", 0, 1))
        G = _shuffled(b, (0, "x", 1))
        if W is not None and G is not None:
            break
    else:
        return None
    new = tm.dot(tm.sqr(G), tm.sqr(W).sum(axis=0))
    return [fit_to(new, out, [])]


register_opt_in(local_sumsqr2dot, "specialize", "dot")


# --------------------------------------------------------------------------------------------------
# erfc far in its tail: log(erfc(x)) and the gradient's exp(-x**2) / erfc(x)
# --------------------------------------------------------------------------------------------------


def _unneg(v):
    """(u, negated) with ``v == -u`` when negated (one ``neg`` or a product by the constant -1)."""
    n = elemwise_of(v, ts.neg)
    if n is not None:
        return n.inputs[0], True
    m = elemwise_of(v, ts.Mul)
    if m is not None and len(m.inputs) == 2:
        for a, b in (m.inputs, m.inputs[::-1]):
            if is_const(a, -1):
                return b, True
    return v, False


def _square_of(v):
    """``x`` when ``v`` is ``sqr(x)``, ``x * x`` or ``x ** 2``, else None."""
    n = elemwise_of(v, ts.sqr)
    if n is not None:
        return n.inputs[0]
    n = elemwise_of(v, ts.Mul)
    if n is not None and len(n.inputs) == 2 and n.inputs[0] is n.inputs[1]:
        return n.inputs[0]
    n = elemwise_of(v, ts.Pow)
    if n is not None and is_const(n.inputs[1], 2):
        return n.inputs[0]
    return None


def _exp_minus_square(v):
    """``x`` when ``v`` is ``exp(-x**2)`` (any of the square forms), else None."""
    e = elemwise_of(v, ts.exp)
    if e is None:
        return None
    inner, negated = _unneg(e.inputs[0])
    return _square_of(inner) if negated else None


def _same_square(y, x):
    """True when ``y**2`` is ``x**2``: y is x or its negation (the gradient of ``erf(-x)`` holds
    ``exp(-(-x)**2)``)."""
    if y is None:
        return False
    return y is x or _unneg(y) == (x, True) or _unneg(x) == (y, True)


@node_rewriter([ts.log])
def local_log_erfc(fgraph, node):
    """``log(erfc(x))`` -> ``log(erfcx(x)) - x**2`` for x >= 1 (``log1p(-erf(x))`` below 1, which
    is more accurate there): finite far in the tail, where erfc underflows to 0 (x > 26.5 in
    float64)."""
    if not is_elemwise(node, ts.log):
        return None
    e = elemwise_of(node.inputs[0], ts.erfc)
    out = node.outputs[0]
    if e is None or out.dtype not in ts.float_dtypes or e.inputs[0].dtype != out.dtype:
        return None
    x = e.inputs[0]
    one = np.asarray(1, dtype=x.dtype)
    res = tm.switch(tm.lt(x, one), tm.log1p(tm.neg(tm.erf(x))), tm.log(tm.erfcx(x)) - tm.sqr(x))
    return [fit_to(res, out, node.inputs)]


def _over_erfc(v):
    """(k, x, negated) when ``v`` is ``[-] k / erfc(x)`` (``inv(erfc(x))``: k None), else None."""
    v, negated = _unneg(v)
    d = elemwise_of(v, ts.TrueDiv)
    if d is not None:
        e = elemwise_of(d.inputs[1], ts.erfc)
        return None if e is None else (d.inputs[0], e.inputs[0], negated)
    d = elemwise_of(v, ts.inv)
    e = None if d is None else elemwise_of(d.inputs[0], ts.erfc)
    return None if e is None else (None, e.inputs[0], negated)


@node_rewriter([ts.Mul, ts.TrueDiv])
def local_exp_over_erfc(fgraph, node):
    """``exp(-x**2) / erfc(x)`` -> ``1 / erfcx(x)`` inside a product or a quotient (what the
    gradient of ``log(erfc(x))`` holds; ``exp(-(-x)**2)`` too): ``0 / 0`` in the tail otherwise."""
    out = node.outputs[0]
    if out.dtype not in ts.float_dtypes:
        return None
    if is_elemwise(node, ts.TrueDiv):
        num, den = node.inputs
        e = elemwise_of(den, ts.erfc)
        if e is None:
            return None
        x = e.inputs[0]
        factors = [num]
        m = elemwise_of(num, ts.Mul)
        if m is not None:
            factors = list(m.inputs)
        for i, f in enumerate(factors):
            if _same_square(_exp_minus_square(f), x):
                rest = factors[:i] + factors[i + 1:]
                res = tm.true_div(tm.mul(*rest) if rest else np.asarray(1, dtype=out.dtype),
                                  tm.erfcx(x))
                return [fit_to(res, out, node.inputs)]
        return None
    ins = list(node.inputs)
    for i, f in enumerate(ins):
        found = _over_erfc(f)
        if found is None:
            continue
        k, x, negated = found
        for j, g in enumerate(ins):
            if j != i and _same_square(_exp_minus_square(g), x):
                term = tm.inv(tm.erfcx(x)) if k is None else tm.true_div(k, tm.erfcx(x))
                if negated:
                    term = tm.neg(term)
                rest = [v for n, v in enumerate(ins) if n not in (i, j)]
                res = tm.mul(term, *rest) if rest else term
                return [fit_to(res, out, node.inputs)]
    return None


def _const_plus_signed(node):
    """(c, s, f) with the output of the Add/Sub ``node`` equal to ``c + s * f``, where c is the
    constant +1 or -1 and s is +1 or -1; None otherwise."""
    if is_elemwise(node, ts.Sub):
        a, b = node.inputs
        pairs = [(a, b, -1), (b, a, 1)]    # (constant side, other side, sign of the other)
        flip_const = [1, -1]              # f - c: the constant enters negated
    elif is_elemwise(node, ts.Add) and len(node.inputs) == 2:
        a, b = node.inputs
        pairs = [(a, b, 1), (b, a, 1)]
        flip_const = [1, 1]
    else:
        return None
    for (cv, other, sign), fc in zip(pairs, flip_const):
        for value in (1, -1):
            if is_const(cv, value):
                f, negated = _unneg(other)
                return value * fc, -sign if negated else sign, f
    return None


@node_rewriter([ts.Add, ts.Sub])
def local_erf_complement(fgraph, node):
    """``1 - erf(x)`` -> ``erfc(x)``, ``1 + erf(x)`` -> ``erfc(-x)`` (with -1 and negated forms
    likewise: ``c + s * erf(x) = c * erfc(-s * c * x)``), and ``1 - erfc(x)`` -> ``erf(x)``,
    ``erfc(x) - 1`` -> ``-erf(x)`` (``erfc(-x) - 1`` -> ``erf(x)``, erf being odd): no
    cancellation (``1 - erf(6)`` is 0 in float64, ``erfc(6)`` is 2.2e-17)."""
    out = node.outputs[0]
    if out.dtype not in ts.float_dtypes:
        return None
    parts = _const_plus_signed(node)
    if parts is None:
        return None
    c, sgn, f = parts
    e = elemwise_of(f, ts.erf)
    if e is not None and e.inputs[0].dtype == out.dtype:
        x = e.inputs[0]
        arg_sign = -sgn * c
        y, negated = _unneg(x)
        if negated and y.type == x.type:   # erf(-y): no negation of a negation
            x, arg_sign = y, -arg_sign
        res = tm.erfc(x if arg_sign == 1 else tm.neg(x))
        res = res if c == 1 else tm.neg(res)
        return [fit_to(res, out, node.inputs)]
    e = elemwise_of(f, ts.erfc)
    if e is not None and e.inputs[0].dtype == out.dtype and c + sgn == 0:
        x = e.inputs[0]
        y, negated = _unneg(x)
        if negated and y.type == x.type:   # erfc(-y) - 1 = -erf(-y) = erf(y): erf is odd
            return [fit_to(tm.erf(y) if sgn == 1 else tm.neg(tm.erf(y)), out, node.inputs)]
        res = tm.erf(x)
        return [fit_to(res if sgn == -1 else tm.neg(res), out, node.inputs)]
    return None


register_stabilize(local_log_erfc, "stability")
register_stabilize(local_exp_over_erfc, "stability")
register_stabilize(local_erf_complement, "stability")


def _scaled(v, depth=4):
    """``(c, x)`` with ``v = c * x`` for a Python float c, read through products and quotients by
    single-element constants and negations (``2 * x``, ``x / 2``, ``-x``); ``(1.0, v)`` otherwise."""
    c = 1.0
    while depth > 0 and v.owner is not None:
        depth -= 1
        n = elemwise_of(v, ts.neg)
        if n is not None:
            c, v = -c, n.inputs[0]
            continue
        n = elemwise_of(v, ts.Mul)
        if n is not None and len(n.inputs) == 2:
            k0, k1 = scalar_const(n.inputs[0]), scalar_const(n.inputs[1])
            if (k0 is None) != (k1 is None):
                k, v = (k0, n.inputs[1]) if k0 is not None else (k1, n.inputs[0])
                c *= float(np.asarray(k))
                continue
        n = elemwise_of(v, ts.TrueDiv)
        if n is not None:
            k = scalar_const(n.inputs[1])
            if k is not None and scalar_const(n.inputs[0]) is None and float(np.asarray(k)) != 0:
                c /= float(np.asarray(k))
                v = n.inputs[0]
                continue
        break
    return c, v


def _scaled_abs(v):
    """``(c, x)`` with ``v = c * abs(x)`` (constant factors inside and outside the abs), else None."""
    c, a = _scaled(v)
    n = elemwise_of(a, ts.abs_)
    if n is None:
        return None
    k, x = _scaled(n.inputs[0])
    return c * abs(k), x


@node_rewriter([ts.TrueDiv])
def local_div_abs_to_sgn(fgraph, node):
    """``(a * x) / (b * abs(c * x))`` -> ``(a / (b*|c|)) * sgn(x)``, and ``abs(x) / x`` likewise,
    for float x (Theano 1.0's canonicalizer did this): the quotient is 0, not NaN, at x = 0, and
    +-1 (times the constants), not NaN, at x = +-inf."""
    if not is_elemwise(node, ts.TrueDiv):
        return None
    out = node.outputs[0]
    num, den = node.inputs
    if out.dtype not in ts.float_dtypes:
        return None
    cn, xn = _scaled(num)
    d = _scaled_abs(den)
    if d is not None and _same_value(xn, d[1]):
        ratio, x = cn / d[0], xn
    else:
        n = _scaled_abs(num)
        cd, xd = _scaled(den)
        if n is None or not _same_value(n[1], xd):
            return None
        ratio, x = n[0] / cd, xd
    if x.dtype not in ts.float_dtypes or not np.isfinite(ratio) or ratio == 0:
        return None
    res = tm.sgn(x)
    if ratio == -1:
        res = tm.neg(res)
    elif ratio != 1:
        res = res * np.asarray(ratio, dtype=x.dtype)
    return [fit_to(res, out, node.inputs)]


register_stabilize(local_div_abs_to_sgn, "stability")

# Theano 1.0's ``mul_canonizer`` (a global optimizer programs apply with ``.optimize(fgraph)``): the
# canonical forms of products, sums and quotients above, none of which changes a value (no x/x -> 1).
mul_canonizer = _mul_canonizer()
