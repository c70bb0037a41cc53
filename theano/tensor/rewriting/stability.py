"""Stabilizing rewrites for sigmoid, exp and softmax products, mostly as gradients produce them.

``T.grad`` builds the gradient of a naive formula from the naive formula: the gradient of
``log(p)`` with ``p = 1 / (1 + exp(-z))`` is ``g / p * p**2 * exp(-z)``, which is ``0 / 0`` or
``inf * 0`` as soon as ``p`` rounds to 0 or 1, although the true value (``g * sigmoid(-z)``) is
finite. The rewrites here run in the ``stabilize`` phase:

- ``local_sigmoid_products`` reads a tree of ``mul``/``true_div``/``neg``/``inv``/``sqr`` as a
  product of factors, recognises the sigmoid family among them (``sigmoid(u)``, ``1 - sigmoid(u)``
  or ``1 + (-sigmoid(u))`` = ``sigmoid(-u)``, ``exp(u)``, ``1 + exp(u)`` = ``1 / sigmoid(-u)``, ``exp(a) + exp(b) + ...`` and
  ``sum(exp(x), axis)`` broadcast back) and cancels them with the identities
  ``exp(u) * sigmoid(-u) = sigmoid(u)``, ``exp(u) / sigmoid(u) = 1 / sigmoid(-u)``,
  ``exp(a) / (exp(a) + exp(b)) = sigmoid(a - b)`` and ``exp(x) / sum(exp(x)) = softmax(x)``.
  When a factor is a sum (the gradient of a cross-entropy adds ``g1 / p`` and ``g2 / (1 - p)``
  before multiplying by ``dp/dz``), the product is distributed over it if that cancels more.
  It rewrites only when the number of "dangerous" factors (divisions by a sigmoid or a sum of
  exps, exps that can overflow) goes down, so it never loops.
- ``local_one_minus_sigmoid``: ``1 - sigmoid(u)`` -> ``sigmoid(-u)`` (no cancellation).
- ``local_log_sigmoid_through_views``: ``log(R(sigmoid(u)))`` -> ``-softplus(-R(u))`` and
  ``log(1 - R(sigmoid(u)))`` -> ``-softplus(R(u))`` where ``R`` is a chain of reshapes,
  dimshuffles and (advanced) subtensors, which commute with an elementwise function.
- ``local_log_exp_sum``: ``log(exp(a) + exp(b) + ...)`` -> ``m + log(exp(a - m) + exp(b - m) + ...)``
  with ``m = maximum(a, b, ...)``.
- ``local_softmax_grad_of_quotient``: ``softmax_grad(p / sm, sm)`` (the gradient of
  ``log(softmax(x))``) -> ``p - sm * sum(p, -1)`` (no division by a softmax that underflowed).

The forward-pass forms (``1 / (1 + exp(-z))`` -> ``sigmoid``, ``log(sigmoid)`` -> ``-softplus``,
``log(softmax)`` -> ``logsoftmax``, ``log(sum(exp))``) live in ``math.py`` and ``nnet.py``.
"""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_stabilize
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.basic import constant, fill
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.nnet.nnet import Softmax, SoftmaxGrad, softmax_op
from theano.tensor.reshaping import Reshape
from theano.tensor.subtensor import Subtensor
from theano.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1
from theano.tensor.rewriting.math import (_is_max_shifted, axes_size, is_max_reduce,
                                          safe_exp_shift, shift_parts)
from theano.tensor.rewriting.utils import elemwise_of, fit_to, is_const, is_elemwise, scalar_const

# Bounds that keep the parse cheap on big gradient graphs.
_MAX_DEPTH = 14
_MAX_FACTORS = 40
_MAX_TERMS = 8


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _strip_neg(v):
    """(u, s) with ``v == s * u`` where s is +1 or -1 (nested negations removed)."""
    s = 1
    while True:
        n = elemwise_of(v, ts.neg)
        if n is not None:
            v, s = n.inputs[0], -s
            continue
        m = elemwise_of(v, ts.Mul)
        if m is not None and len(m.inputs) == 2:
            a, b = m.inputs
            if is_const(a, -1) and b.type == v.type:
                v, s = b, -s
                continue
            if is_const(b, -1) and a.type == v.type:
                v, s = a, -s
                continue
        return v, s


def _same(a, b, depth=3):
    """Structural equality of two variables (identity, equal constants, or the same op applied to
    the same inputs), looking ``depth`` levels deep."""
    if a is b:
        return True
    if a.type != b.type:
        return False
    if isinstance(a, Constant) and isinstance(b, Constant):
        try:
            return a.data.shape == b.data.shape and bool(np.all(a.data == b.data))
        except Exception:  # noqa: BLE001
            return False
    if depth == 0 or a.owner is None or b.owner is None:
        return False
    na, nb = a.owner, b.owner
    if na.op != nb.op or len(na.inputs) != len(nb.inputs) or na.outputs.index(a) != nb.outputs.index(b):
        return False
    return all(_same(x, y, depth - 1) for x, y in zip(na.inputs, nb.inputs))


def _float_out(var):
    return var.dtype in ts.float_dtypes


def _neg(u):
    return tm.neg(u)


def _signed(u, s):
    """``s * u`` as a graph (reusing u for s=+1)."""
    return u if s > 0 else _neg(u)


def _as_sigmoid(v):
    """(u, s) if ``v`` is ``sigmoid(s*u)`` written as sigmoid or ``1 / (1 + exp(-s*u))``."""
    sg = elemwise_of(v, ts.sigmoid)
    if sg is not None:
        return _strip_neg(sg.inputs[0])
    den = None
    inv = elemwise_of(v, ts.inv)
    if inv is not None:
        den = inv.inputs[0]
    dv = elemwise_of(v, ts.TrueDiv)
    if dv is not None and is_const(dv.inputs[0], 1):
        den = dv.inputs[1]
    if den is None:
        return None
    ope = _as_one_plus_exp(den)
    if ope is None:
        return None
    u, s = ope
    return u, -s


def _as_one_plus_exp(v):
    """(u, s) if ``v`` is ``1 + exp(s*u)``."""
    add = elemwise_of(v, ts.Add)
    if add is None or len(add.inputs) != 2:
        return None
    a, b = add.inputs
    for c, e in ((a, b), (b, a)):
        if is_const(c, 1):
            en = elemwise_of(e, ts.exp)
            if en is not None:
                return _strip_neg(en.inputs[0])
    return None


def _as_exp_sum(v):
    """The exp arguments [(u, s), ...] if ``v`` is ``exp(a) + exp(b) + ...`` (two or more)."""
    add = elemwise_of(v, ts.Add)
    if add is None or len(add.inputs) < 2:
        return None
    args = []
    for i in add.inputs:
        e = elemwise_of(i, ts.exp)
        if e is None:
            return None
        args.append(e.inputs[0])
    return args


def _as_reduced_exp_sum(v):
    """(x, axis) if ``v`` is ``sum(exp(x), axis)`` broadcast back to x's rank (the reduced axes
    made broadcastable in place, as the gradient of a sum does)."""
    ds = v.owner
    if ds is None or not isinstance(ds.op, DimShuffle):
        return None
    red = ds.inputs[0].owner
    if red is None or not isinstance(red.op, CAReduce) or not isinstance(red.op.scalar_op, ts.Add):
        return None
    e = elemwise_of(red.inputs[0], ts.exp)
    if e is None:
        return None
    x = e.inputs[0]
    if _is_max_shifted(x) or _is_pairwise_shifted(x):  # already a shifted softmax
        return None
    axis = red.op.axis if red.op.axis is not None else tuple(range(x.ndim))
    expected, k = [], 0
    for d in range(x.ndim):
        if d in axis:
            expected.append("x")
        else:
            expected.append(k)
            k += 1
    if tuple(ds.op.new_order) != tuple(expected):
        return None
    return x, tuple(axis), ds.inputs[0]


# --------------------------------------------------------------------------------------------------
# products of factors
# --------------------------------------------------------------------------------------------------


class _Product:
    """A product ``const * prod(opaque**e) * prod(family factors)`` read from a graph."""

    def __init__(self):
        self.const = 1.0
        self.opaque = []   # [(var, exponent)]
        self.family = []   # [(kind, payload, exponent)] raw sigmoid-family factors
        self.ready = []    # [(var, exponent)] stable factors built by the cancellation
        self.n = 0

    def copy(self):
        p = _Product()
        p.const = self.const
        p.opaque = list(self.opaque)
        p.family = list(self.family)
        p.ready = list(self.ready)
        p.n = self.n
        return p


def _parse(var, e, prod, depth=0):
    """Add ``var ** e`` to ``prod``. Returns False when the graph is too big to read."""
    prod.n += 1
    if prod.n > _MAX_FACTORS:
        return False
    c = scalar_const(var) if var.owner is None or isinstance(var, Constant) or \
        isinstance(var.owner.op, DimShuffle) else None
    if c is None and var.owner is not None and (_is_softmax(var.owner.op) or _is_softmax_view(var)):
        prod.family.append(("sm", var, e))
        return True
    if c is None and depth <= _MAX_DEPTH:
        lifted = _lift_dimshuffle(var)
        if lifted is not None:
            return _parse(lifted, e, prod, depth + 1)
    if c is not None:
        c = float(np.asarray(c))
        if c == 0 and e < 0 or not np.isfinite(c):
            prod.opaque.append((var, e))
        else:
            prod.const *= c ** e
        return True
    node = var.owner
    if node is None or depth > _MAX_DEPTH or not isinstance(node.op, Elemwise) or \
            node.op.inplace_pattern or not _float_out(var):
        prod.opaque.append((var, e))
        return True
    so = node.op.scalar_op
    if isinstance(so, ts.Mul):
        return all(_parse(i, e, prod, depth + 1) for i in node.inputs)
    if isinstance(so, ts.TrueDiv):
        return _parse(node.inputs[0], e, prod, depth + 1) and \
            _parse(node.inputs[1], -e, prod, depth + 1)
    if so == ts.inv:
        return _parse(node.inputs[0], -e, prod, depth + 1)
    if so == ts.neg:
        prod.const *= (-1.0) ** e
        return _parse(node.inputs[0], e, prod, depth + 1)
    if so == ts.sqr:
        return _parse(node.inputs[0], 2 * e, prod, depth + 1)
    if isinstance(so, ts.Pow):
        k = scalar_const(node.inputs[1])
        if k is not None and float(k) == int(k) and 1 <= abs(int(k)) <= 4:
            return _parse(node.inputs[0], int(k) * e, prod, depth + 1)
    if so == ts.sigmoid:
        prod.family.append(("sig", _strip_neg(node.inputs[0]), e))
        return True
    if so == ts.exp:
        prod.family.append(("exp", _strip_neg(node.inputs[0]), e))
        return True
    if isinstance(so, ts.Sub) and is_const(node.inputs[0], 1):
        sg = _as_sigmoid(node.inputs[1])
        if sg is not None:
            prod.family.append(("1-sig", sg, e))
            return True
    if isinstance(so, ts.Add):
        ope = _as_one_plus_exp(var)
        if ope is not None:
            prod.family.append(("1+exp", ope, e))
            return True
        oms = _as_one_plus_neg_sigmoid(node)
        if oms is not None:   # 1 + (-sigmoid(u)): the gradient of log1p(-sigmoid(u)) holds it
            prod.family.append(("1-sig", oms, e))
            return True
        args = _as_exp_sum(var)
        if args is not None and e == -1 and all(a.type == args[0].type for a in args) and \
                not all(_is_pairwise_shifted(a) for a in args):
            prod.family.append(("expsum", args, e))
            return True
    prod.opaque.append((var, e))
    return True


def _as_one_plus_neg_sigmoid(node):
    """(u, s) when the Add ``node`` is ``1 + (-sigmoid(s*u))``, else None."""
    if len(node.inputs) != 2:
        return None
    for c, other in (node.inputs, node.inputs[::-1]):
        n = elemwise_of(other, ts.neg)
        if is_const(c, 1) and n is not None:
            return _as_sigmoid(n.inputs[0])
    return None


def _is_softmax(op):
    return isinstance(op, Softmax)


def _is_softmax_view(var):
    """``var`` picks entries of a softmax output (``p[arange(n), y]``): never 0 but by underflow,
    so ``var / var`` is 1 (as for the softmax itself)."""
    node = var.owner
    return isinstance(node.op, (Subtensor, AdvancedSubtensor, AdvancedSubtensor1)) and \
        node.inputs[0].owner is not None and _is_softmax(node.inputs[0].owner.op)


_LIFTABLE = (ts.Mul, ts.TrueDiv)


def _lift_dimshuffle(var):
    """``DimShuffle(a * b / c)`` that only inserts broadcastable dimensions, as
    ``DimShuffle(a) * DimShuffle(b) / DimShuffle(c)`` (so the factors can be read); else None."""
    ds = var.owner
    if ds is None or not isinstance(ds.op, DimShuffle):
        return None
    order = [d for d in ds.op.new_order if d != "x"]
    inner = ds.inputs[0]
    if order != list(range(inner.ndim)):
        return None
    node = inner.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.inplace_pattern or \
            not _float_out(inner):
        return None
    so = node.op.scalar_op
    if not (isinstance(so, _LIFTABLE) or so in (ts.neg, ts.inv, ts.sqr)):
        return None
    if any(i.ndim != inner.ndim for i in node.inputs):
        return None
    new_inputs = [DimShuffle(i.broadcastable, ds.op.new_order)(i) for i in node.inputs]
    return node.op(*new_inputs)


def _raw_danger(prod):
    """How many factors can overflow, or divide by something that underflows, as written."""
    d = 0.0
    for kind, _, e in prod.family:
        if kind in ("sig", "1-sig", "sm"):
            d += max(0, -e)
        elif kind == "exp":
            d += abs(e)
        elif kind in ("1+exp", "expsum", "redsum"):
            d += e if e > 0 else 0.5 * -e
    return d


class _Collected:
    """Per-base exponents: sig(u)**a * sig(-u)**b * exp(u)**c."""

    def __init__(self):
        self.bases = []  # [[u, a, b, c]]
        self.rest = []   # family factors kept as they are (sums of exps), [(kind, payload, e)]
        self.sm = []     # [[softmax output, exponent]]

    def slot(self, u):
        for s in self.bases:
            if _same(s[0], u):
                return s
        s = [u, 0, 0, 0]
        self.bases.append(s)
        return s


def _collect(prod):
    """Cancel the sigmoid-family factors of ``prod``; returns (_Collected, ready factors)."""
    col = _Collected()
    for kind, payload, e in prod.family:
        if kind == "sig":
            (u, s) = payload
            sl = col.slot(u)
            sl[1 if s > 0 else 2] += e
        elif kind == "1-sig":
            (u, s) = payload
            sl = col.slot(u)
            sl[2 if s > 0 else 1] += e
        elif kind == "exp":
            (u, s) = payload
            sl = col.slot(u)
            sl[3] += s * e
        elif kind == "1+exp":
            (u, s) = payload  # 1 + exp(s u) = 1 / sigmoid(-s u)
            sl = col.slot(u)
            sl[2 if s > 0 else 1] -= e
        elif kind == "sm":
            for entry in col.sm:
                if _same(entry[0], payload):
                    entry[1] += e
                    break
            else:
                col.sm.append([payload, e])
        else:
            col.rest.append((kind, payload, e))
    for sl in col.bases:
        _cancel(sl)
    ready = list(prod.ready)
    # exp(a) / (exp(a) + exp(b) + ...) and exp(x) / sum(exp(x)) broadcast back
    kept = []
    for kind, payload, e in col.rest:
        done = False
        if kind == "expsum" and e == -1:
            for j, arg in enumerate(payload):
                u, s = _strip_neg(arg)
                for sl in col.bases:
                    if _same(sl[0], u) and sl[3] * s >= 1:
                        sl[3] -= s
                        # exp(a_j) / sum_i exp(a_i), with the maximum subtracted where needed
                        m = payload[0]
                        for o in payload[1:]:
                            m = tm.maximum(m, o)
                        shift = safe_exp_shift(m, len(payload))
                        den = tm.add(*[tm.exp(o - shift) for o in payload])
                        ready.append((tm.exp(arg - shift) / den, 1))
                        done = True
                        break
                if done:
                    break
        elif kind == "redsum" and e == -1:
            x, axis, _ = payload
            for sl in col.bases:
                if _same(sl[0], x) and sl[3] >= 1:
                    sl[3] -= 1
                    ready.append((_softmax_along(x, axis), 1))
                    done = True
                    break
        if not done:
            kept.append((kind, payload, e))
    col.rest = kept
    for sl in col.bases:
        _cancel(sl)
    return col, ready


def _cancel(sl):
    _, a, b, c = sl
    while c > 0 and b > 0:    # exp(u) * sig(-u) = sig(u)
        c, b, a = c - 1, b - 1, a + 1
    while c < 0 and a > 0:    # exp(-u) * sig(u) = sig(-u)
        c, a, b = c + 1, a - 1, b + 1
    while c > 0 and a < 0:    # exp(u) / sig(u) = 1 / sig(-u)
        c, a, b = c - 1, a + 1, b - 1
    while c < 0 and b < 0:    # exp(-u) / sig(-u) = 1 / sig(u)
        c, b, a = c + 1, b + 1, a - 1
    sl[1:] = [a, b, c]


def _softmax_along(x, axis):
    """``exp(x) / sum(exp(x), axis, keepdims)`` computed with the maximum subtracted first: the
    Softmax op when ``axis`` is the last axis (so ``log`` of it becomes ``logsoftmax``)."""
    if tuple(axis) == (x.ndim - 1,) and x.ndim >= 1:
        return softmax_op(x)
    n = axes_size(x, axis)
    e = tm.exp(x - safe_exp_shift(tm.max(x, axis=axis, keepdims=True), n))
    return e / tm.sum(e, axis=axis, keepdims=True)


def _danger(col):
    d = 0.0
    for _, a, b, c in col.bases:
        d += max(0, -a) + max(0, -b) + abs(c)
    for _, e in col.sm:
        d += max(0, -e)
    for _, _, e in col.rest:
        d += e if e > 0 else 0.5 * -e
    return d


def _power(v, e):
    """``v ** |e|`` by multiplications."""
    k = abs(e)
    if k == 1:
        return v
    if k == 2:
        return tm.sqr(v)
    return tm.mul(*([v] * k))


def _rest_var(kind, payload):
    if kind == "expsum":
        return tm.add(*[tm.exp(a) for a in payload])
    x, axis, svar = payload
    return _expand_like(svar, x.ndim, axis)


def _expand_like(v, ndim, axis):
    """``v`` (reduced over ``axis``) with the reduced axes put back as broadcastable ones."""
    order, k = [], 0
    for d in range(ndim):
        if d in axis:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return DimShuffle(v.broadcastable, order)(v)


def _build(prod, col, ready, dtype):
    """The graph of a collected product (numerator / denominator)."""
    num, den = [], []

    def put(v, e):
        if e > 0:
            num.append(_power(v, e))
        elif e < 0:
            den.append(_power(v, e))

    for v, e in prod.opaque:
        put(v, e)
    for u, a, b, c in col.bases:
        if a:
            put(tm.sigmoid(u), a)
        if b:
            put(tm.sigmoid(_neg(u)), b)
        if c in (1, -1):
            put(tm.exp(_signed(u, c)), 1)
        elif c:
            put(tm.exp(u * np.asarray(c, dtype=u.dtype)), 1)
    for kind, payload, e in col.rest:
        put(_rest_var(kind, payload), e)
    for v, e in col.sm:
        put(v, e)
    for v, e in ready:
        put(v, e)
    const = prod.const
    sign = 1
    if const < 0:
        const, sign = -const, -1
    if const != 1.0 or not num:
        num.insert(0, constant(np.asarray(const, dtype=dtype)))
    res = num[0] if len(num) == 1 else tm.mul(*num)
    if den:
        res = res / (den[0] if len(den) == 1 else tm.mul(*den))
    if sign < 0:
        res = _neg(res)
    return res


def _sum_terms(var, sign=1, depth=0, out=None):
    """[(term, sign)] if ``var`` is a sum/difference of terms (at most _MAX_TERMS), else None."""
    out = [] if out is None else out
    node = var.owner
    if depth < 4 and node is not None and isinstance(node.op, Elemwise) and \
            not node.op.inplace_pattern and _float_out(var):
        so = node.op.scalar_op
        if isinstance(so, ts.Add):
            for i in node.inputs:
                if _sum_terms(i, sign, depth + 1, out) is None:
                    return None
            return out
        if isinstance(so, ts.Sub):
            a, b = node.inputs
            if _sum_terms(a, sign, depth + 1, out) is None or \
                    _sum_terms(b, -sign, depth + 1, out) is None:
                return None
            return out
        if so == ts.neg and depth > 0:
            return _sum_terms(node.inputs[0], -sign, depth + 1, out)
    if depth == 0:
        return None
    out.append((var, sign))
    return out if len(out) <= _MAX_TERMS else None


def _read(var):
    prod = _Product()
    if not _parse(var, 1, prod):
        return None
    # sum(exp(x)) broadcast back in a denominator
    keep = []
    for v, e in prod.opaque:
        r = _as_reduced_exp_sum(v) if e == -1 else None
        if r is not None:
            prod.family.append(("redsum", r, e))
        else:
            keep.append((v, e))
    prod.opaque = keep
    return prod


@node_rewriter([ts.Mul, ts.TrueDiv, ts.inv, ts.neg])
def local_sigmoid_products(fgraph, node):
    """Cancel sigmoid/exp factors in a product (see the module docstring)."""
    out = node.outputs[0]
    if not _float_out(out) or not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    prod = _read(out)
    if prod is None:
        return None
    raw = _raw_danger(prod)
    col, ready = _collect(prod)
    best_gain, best = raw - _danger(col), None
    if best_gain > 0:
        best = ("plain", prod, col, ready)
    # distribute the product over one sum factor when that cancels more
    for idx, (v, e) in enumerate(prod.opaque):
        if e != 1:
            continue
        terms = _sum_terms(v)
        if not terms:
            continue
        rest = prod.copy()
        del rest.opaque[idx]
        raw_rest = _raw_danger(rest)
        parts, raw_terms, after = [], 0.0, 0.0
        for t, s in terms:
            tp = _read(t)
            if tp is None:
                parts = None
                break
            raw_terms += _raw_danger(tp)
            comb = rest.copy()
            comb.const *= s * tp.const
            comb.opaque += tp.opaque
            comb.family += tp.family
            tcol, tready = _collect(comb)
            after += _danger(tcol)
            parts.append((comb, tcol, tready))
        if parts is None:
            continue
        gain = raw_rest + raw_terms - after
        if gain > best_gain:
            best_gain, best = gain, ("sum", parts)
    if best is None:
        return None
    if best[0] == "plain":
        new = _build(best[1], best[2], best[3], out.dtype)
    else:
        built = [_build(p, c, r, out.dtype) for p, c, r in best[1]]
        new = built[0] if len(built) == 1 else tm.add(*built)
    return [fit_to(new, out, node.inputs)]


register_stabilize(local_sigmoid_products, "stability")


@node_rewriter([ts.Sub])
def local_one_minus_sigmoid(fgraph, node):
    """``1 - sigmoid(u)`` -> ``sigmoid(-u)`` (also with the sigmoid written as 1/(1+exp(-u)))."""
    out = node.outputs[0]
    a, b = node.inputs
    if not _float_out(out) or not is_const(a, 1):
        return None
    sg = _as_sigmoid(b)
    if sg is None:
        return None
    u, s = sg
    if u.dtype != out.dtype:
        return None
    clients = fgraph.clients.get(out, []) if fgraph is not None else []
    if clients and all(not isinstance(c, str) and is_elemwise(c, ts.log) for c, _ in clients):
        # only logs read it: log(sigmoid(-s*u)) is -softplus(s*u) directly (going through
        # sigmoid(-u) would leave log(sigmoid(-u)) -> -softplus(-(-u)) to the log rewrite)
        res = tm.neg(tm.softplus(_signed(u, s)))
        return {c.outputs[0]: fit_to(res, c.outputs[0], node.inputs) for c, _ in clients}
    return [fit_to(tm.sigmoid(_signed(u, -s)), out, node.inputs)]


register_stabilize(local_one_minus_sigmoid, "stability")


_VIEW_OPS = (Reshape, DimShuffle, Subtensor, AdvancedSubtensor, AdvancedSubtensor1)


def _sigmoid_under_views(v):
    """(u, rebuild) when ``v`` is ``R(sigmoid(u))`` for a non-empty chain ``R`` of ops that only
    pick or rearrange elements; ``rebuild(w)`` applies the same chain to ``w``. None otherwise."""
    chain = []
    while v.owner is not None and isinstance(v.owner.op, _VIEW_OPS) and len(chain) < 8:
        chain.append(v.owner)
        v = v.owner.inputs[0]
    sg = elemwise_of(v, ts.sigmoid)
    if not chain or sg is None:
        return None

    def rebuild(w):
        for n in reversed(chain):
            w = n.op(w, *n.inputs[1:])
        return w

    return sg.inputs[0], rebuild


@node_rewriter([ts.log, ts.log1p])
def local_log_sigmoid_through_views(fgraph, node):
    """``log(R(sigmoid(u)))`` -> ``-softplus(-R(u))``; ``log(1 - R(sigmoid(u)))`` and
    ``log1p(-R(sigmoid(u)))`` -> ``-softplus(R(u))`` (``R``: reshapes, dimshuffles, subtensors)."""
    out = node.outputs[0]
    (arg,) = node.inputs
    flip = None
    if is_elemwise(node, ts.log):
        sub = elemwise_of(arg, ts.Sub)
        if sub is not None and is_const(sub.inputs[0], 1):
            arg, flip = sub.inputs[1], True
        else:
            flip = False
    else:
        neg = elemwise_of(arg, ts.neg)
        if neg is not None:
            arg, flip = neg.inputs[0], True
    if flip is None:
        return None
    found = _sigmoid_under_views(arg)
    if found is None:
        return None
    u, rebuild = found
    inner = rebuild(u)
    res = tm.neg(tm.softplus(inner if flip else tm.neg(inner)))
    return [fit_to(res, out, [])]


register_stabilize(local_log_sigmoid_through_views, "stability")


@node_rewriter([ts.log])
def local_log_exp_sum(fgraph, node):
    """``log(exp(a) + exp(b) + ...)`` -> ``m + log(exp(a - m) + exp(b - m) + ...)``,
    ``m = maximum(a, b, ...)`` (0 where that is infinite)."""
    out = node.outputs[0]
    args = _as_exp_sum(node.inputs[0])
    if args is None or not _float_out(out) or any(a.dtype != out.dtype for a in args) or \
            all(_is_pairwise_shifted(a) for a in args):
        return None
    m = args[0]
    for a in args[1:]:
        m = tm.maximum(m, a)
    m = safe_exp_shift(m, len(args))
    res = tm.log(tm.add(*[tm.exp(a - m) for a in args])) + m
    return [fit_to(res, out, args)]


register_stabilize(local_log_exp_sum, "stability")


def _is_pairwise_shifted(a):
    """True if ``a`` is ``x - switch(cond, m, 0)`` with m a maximum (our own ``safe_exp_shift``)."""
    parts = shift_parts(a)
    return parts is not None and (elemwise_of(parts[1], ts.Maximum) is not None
                                  or is_max_reduce(parts[1]))


@node_rewriter([SoftmaxGrad])
def local_softmax_grad_of_quotient(fgraph, node):
    """``softmax_grad(p / sm, sm)`` -> ``p - sm * sum(p, -1)`` (the gradient of ``log(softmax)``)."""
    dy, sm = node.inputs
    out = node.outputs[0]
    prod = _read(dy) if _float_out(dy) else None
    if prod is None:
        return None
    prod.family.append(("sm", sm, 1))  # dy * sm
    col, ready = _collect(prod)
    if any(e < 0 for _, e in col.sm) or _danger(col) >= _raw_danger(prod):
        return None
    p = _build(prod, col, ready, dy.dtype)
    if p.broadcastable != sm.broadcastable:
        p = fill(sm, p)
    res = p - sm * tm.sum(p, axis=-1, keepdims=True)
    return [fit_to(res, out, [sm])]


register_stabilize(local_softmax_grad_of_quotient, "stability", "nnet")


@node_rewriter([CAReduce])
def local_sum_over_exp_sum(fgraph, node):
    """``sum(p / S_b, axis)`` -> ``sum(p, axis) / S`` when ``S_b`` is ``S = sum(exp(x), axis)``
    broadcast back along the same axes (the gradient of a hand-written softmax has this form); the
    division then meets the ``exp(x)`` it belongs to, and becomes a softmax."""
    op = node.op
    if not isinstance(op.scalar_op, ts.Add) or op.axis is None:
        return None
    (x,) = node.inputs
    out = node.outputs[0]
    if not _float_out(x) or not _float_out(out):
        return None
    prod = _read(x)
    if prod is None:
        return None
    for i, (kind, payload, e) in enumerate(prod.family):
        if kind == "redsum" and e == -1 and tuple(sorted(payload[1])) == tuple(sorted(op.axis)):
            svar = payload[2]
            break
    else:
        return None
    del prod.family[i]
    col, ready = _collect(prod)
    p = _build(prod, col, ready, x.dtype)
    if p.broadcastable != x.broadcastable:
        p = fill(x, p)
    kw = {}
    if getattr(op, "acc_dtype", None) is not None:
        kw["acc_dtype"] = op.acc_dtype
    reduced = tm.sum(p, axis=op.axis, dtype=out.dtype, **kw)
    return [fit_to(reduced / svar, out, [])]


register_stabilize(local_sum_over_exp_sum, "stability")


def _same_opaque(xs, ys):
    """The same opaque factors (variables and exponents), in any order."""
    if len(xs) != len(ys):
        return False
    left = list(ys)
    for v, e in xs:
        for k, (w, f) in enumerate(left):
            if e == f and _same(v, w):
                del left[k]
                break
        else:
            return False
    return True


def _one_sigmoid_apart(ti, tj):
    """If term ``tj`` is ``-ti * sigmoid(s*u)`` (same other factors), the index of u's slot in
    ``ti`` and s; else None. Terms are (prod, col, ready) with no ready/rest factors."""
    pi, ci, _ = ti
    pj, cj, _ = tj
    if pj.const != -pi.const or pi.const == 0 or not _same_opaque(pi.opaque, pj.opaque):
        return None
    if len(ci.sm) != len(cj.sm) or any(not _same(a[0], b[0]) or a[1] != b[1]
                                       for a, b in zip(ci.sm, cj.sm)):
        return None
    bi = [sl for sl in ci.bases if sl[1:] != [0, 0, 0]]
    bj = [sl for sl in cj.bases if sl[1:] != [0, 0, 0]]
    found = None
    matched = 0
    for k, sl in enumerate(bi):
        other = [o for o in bj if _same(o[0], sl[0])]
        if len(other) != 1:
            return None
        o = other[0]
        matched += 1
        diff = [o[1] - sl[1], o[2] - sl[2], o[3] - sl[3]]
        if diff == [0, 0, 0]:
            continue
        if found is not None or diff not in ([1, 0, 0], [0, 1, 0]):
            return None
        found = (ci.bases.index(sl), 1 if diff == [1, 0, 0] else -1)
    if matched != len(bj):
        # tj has a base that ti lacks: ti * sigmoid(u) with ti free of u
        extra = [o for o in bj if not any(_same(o[0], sl[0]) for sl in bi)]
        if found is not None or len(extra) != 1 or extra[0][1:] not in ([1, 0, 0], [0, 1, 0]):
            return None
        return ("new", extra[0][0], 1 if extra[0][1] == 1 else -1)
    return None if found is None else ("slot", found[0], found[1])


@node_rewriter([ts.Add, ts.Sub])
def local_sigmoid_sum_factor(fgraph, node):
    """``P * sigmoid(u)**k - P * sigmoid(u)**(k+1)`` -> ``P * sigmoid(u)**k * sigmoid(-u)``: the
    difference of two terms that both round to the same value when ``sigmoid(u)`` is near 1 (the
    gradient of ``exp(x) / (1 + exp(x))`` is ``sigmoid(x) - sigmoid(x)**2`` term by term)."""
    out = node.outputs[0]
    if not _float_out(out) or not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    terms = _sum_terms(out)
    if not terms or len(terms) < 2:
        return None
    read = []
    for t, s in terms:
        p = _read(t)
        if p is None:
            return None
        p.const *= s
        col, ready = _collect(p)
        read.append((p, col, ready))
    usable = [not r[2] and not r[1].rest and any(sl[1:] != [0, 0, 0] for sl in r[1].bases)
              for r in read]
    for i in range(len(read)):
        for j in range(len(read)):
            if i == j or not usable[i] or not usable[j]:
                continue
            hit = _one_sigmoid_apart(read[i], read[j])
            if hit is None:
                continue
            p, col, ready = read[i]
            col = _Collected()
            col.bases = [list(sl) for sl in read[i][1].bases]
            col.sm = [list(e) for e in read[i][1].sm]
            if hit[0] == "slot":
                sl = col.bases[hit[1]]
                # P * sig(u) ... times (1 - sig(s*u)) = sig(-s*u)
                sl[2 if hit[2] > 0 else 1] += 1
            else:
                col.bases.append([hit[1], 0, 1, 0] if hit[2] > 0 else [hit[1], 1, 0, 0])
            combined = _build(p, col, [], out.dtype)
            others = [(t if s > 0 else _neg(t)) for k, (t, s) in enumerate(terms)
                      if k not in (i, j)]
            new = combined if not others else tm.add(*(others + [combined]))
            return [fit_to(new, out, node.inputs)]
    return None


register_stabilize(local_sigmoid_sum_factor, "stability")
