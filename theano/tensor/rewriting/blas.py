"""BLAS rewrites (the 'blas' phase: after specialize, before fusion, which would otherwise swallow
the additions).

``local_dot_to_blas`` reads a sum (``+``, ``-``, unary ``-`` and scalings by scalars, through
intermediate sums that nothing else reads) as a list of scaled terms, and turns one matrix
product among them plus one term of the sum's own type into one BLAS call::

    b * Z + a * dot(X, Y) + rest  ->  gemm(Z, a, X, Y, b) + rest

(Gemv for a matrix-vector product, Ger for ``Z + a * outer(u, v)``). It runs again on what is left,
so ``c * Z + a * dot(X, Y) + b * dot(R, S)`` becomes two nested Gemms. ``local_dot_to_dot22`` gives
the products of two matrices of one dtype that are left their Theano 1.0 form, ``Dot22``.

Tags: Theano 1.0's ``BlasOpt`` and ``gemm_optimizer`` / ``local_dot_to_dot22``, so that
``optimizer_excluding=BlasOpt`` still turns them off.
"""

import numpy as np

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_blas
from theano.scalar import basic as ts
from theano.tensor.basic import cast, constant
from theano.tensor.blas import BLAS_DTYPES, Dot22, _dot22, gemm, gemv, ger
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.math import Dot, add, mul, neg
from theano.tensor.rewriting.utils import fit_to, is_elemwise, scalar_const

_FLOATS = ("float32", "float64")
_MAX_TERMS = 64


def _as_scalar(v):
    """``v`` as a 0-d variable if all its dimensions are broadcastable, else None."""
    if v.ndim == 0:
        return v
    if not all(v.broadcastable):
        return None
    if v.owner is not None and isinstance(v.owner.op, DimShuffle) and v.owner.inputs[0].ndim == 0:
        return v.owner.inputs[0]
    return DimShuffle(v.broadcastable, [])(v)


def _private(fgraph, v):
    """True when ``v`` is read by exactly one node and is not an output of the graph."""
    return len(fgraph.clients.get(v, ())) == 1 and v not in fgraph.outputs


def _expands(node, out):
    """True when the sum expansion goes through ``node`` (a sum, a negation or a scaling of one
    term by scalars) for a sum whose result is ``out``."""
    if not isinstance(node.op, Elemwise) or node.outputs[0].dtype != out.dtype or \
            node.outputs[0].ndim != out.ndim:
        return False
    if is_elemwise(node, ts.Add) or is_elemwise(node, ts.Sub) or is_elemwise(node, ts.Neg):
        return True
    if is_elemwise(node, ts.Mul):
        rest = [i for i in node.inputs if not all(i.broadcastable)]
        return len(rest) == 1 and rest[0].ndim == out.ndim
    return False


def _inner(fgraph, node):
    """True when ``node``'s sum is part of a bigger sum (its readers, up to an Add or Sub, expand
    through it): the rewrite then waits for that sum, so that all its terms are seen together."""
    out = v = node.outputs[0]
    for _ in range(_MAX_TERMS):  # a longer chain: this node's sum is rewritten on its own
        if not _private(fgraph, v):
            return False
        ((client, _),) = fgraph.clients[v]
        if isinstance(client, str) or not _expands(client, out):
            return False
        if is_elemwise(client, ts.Add) or is_elemwise(client, ts.Sub):
            return True
        v = client.outputs[0]
    return False


def _sum_terms(fgraph, node):
    """The terms of the sum computed by ``node`` (an Add or Sub) as [(scales, negated, var,
    origin)] (the sum is ``sum(+-prod(scales) * var)``; ``origin``: the input of ``node`` the term
    comes from), and the nodes expanded on the way. Intermediate sums, negations and scalings are
    expanded when their result has the dtype and rank of the sum and nothing else reads it (sums
    up to ``_MAX_TERMS`` terms)."""
    out = node.outputs[0]
    terms, nodes = [], {node}
    negate_second = is_elemwise(node, ts.Sub)
    stack = [((), negate_second and o == 1, v, o) for o, v in reversed(list(enumerate(node.inputs)))]
    while stack:
        scales, negated, v, origin = stack.pop()
        n = v.owner
        if n is None or not _private(fgraph, v) or not _expands(n, out) or \
                (len(terms) + len(stack) >= _MAX_TERMS and not
                 (is_elemwise(n, ts.Neg) or is_elemwise(n, ts.Mul))):
            terms.append((scales, negated, v, origin))
            continue
        nodes.add(n)
        if is_elemwise(n, ts.Add):
            stack.extend((scales, negated, i, origin) for i in reversed(n.inputs))
        elif is_elemwise(n, ts.Sub):
            stack.append((scales, not negated, n.inputs[1], origin))
            stack.append((scales, negated, n.inputs[0], origin))
        elif is_elemwise(n, ts.Neg):
            stack.append((scales, not negated, n.inputs[0], origin))
        else:  # a Mul of one term by scalars (kept as they are until a scale is built)
            rest = [i for i in n.inputs if not all(i.broadcastable)]
            new = tuple(i for i in n.inputs if all(i.broadcastable))
            stack.append((scales + new, negated, rest[0], origin))
    return terms, nodes


def _group(terms):
    """The terms by variable: [(var, [(scales, negated), ...])] in order of first appearance (a
    variable that appears twice, ``Z + Z``, is one term with two scales)."""
    groups = {}
    for scales, negated, v, _ in terms:
        groups.setdefault(v, []).append((scales, negated))
    return list(groups.items())


def _scale(scales, negated, dtype):
    """``+-prod(scales)`` as a 0-d variable of ``dtype`` (a constant when they all are); None when
    a scale's dtype is wider than ``dtype``."""
    values = [scalar_const(s) for s in scales]
    if all(v is not None for v in values):
        value = np.prod(np.asarray(values, dtype=dtype)) if values else np.asarray(1, dtype=dtype)
        return constant(np.asarray(-value if negated else value, dtype=dtype))
    parts = []
    for s in scales:
        if ts.upcast(s.dtype, dtype) != dtype:
            return None
        s = _as_scalar(s)
        parts.append(s if s.dtype == dtype else cast(s, dtype))
    r = parts[0] if len(parts) == 1 else mul(*parts)
    return neg(r) if negated else r


def _group_scale(entries, dtype):
    """The sum of the scales of one variable's entries, as a 0-d variable of ``dtype``."""
    scales = [_scale(s, n, dtype) for s, n in entries]
    if any(s is None for s in scales):
        return None
    if len(scales) == 1:
        return scales[0]
    values = [scalar_const(s) for s in scales]
    if all(v is not None for v in values):
        return constant(np.asarray(np.sum(np.asarray(values, dtype=dtype)), dtype=dtype))
    return add(*scales)


def _term(v, entries, dtype):
    """The term ``v`` times its scales as a variable (``v`` or ``-v`` when it has no scale)."""
    if len(entries) == 1 and not entries[0][0]:
        return neg(v) if entries[0][1] else v
    s = _group_scale(entries, dtype)
    return None if s is None else mul(s, v)


def _product(fgraph, v, dtype, nodes):
    """(x, y) when ``v`` is a product ``dot(x, y)`` a BLAS call can take over (inputs of ``dtype``,
    a matrix and a matrix or a vector, read only by the sum's ``nodes``), else None."""
    n = v.owner
    if n is None or not isinstance(n.op, Dot) or v in fgraph.outputs:
        return None
    if not all(c in nodes for c, _ in fgraph.clients.get(v, ())):
        return None
    x, y = n.inputs
    if x.dtype != dtype or y.dtype != dtype or v.dtype != dtype or (x.ndim, y.ndim) == (1, 1):
        return None
    return x, y


def _outer_parts(x, y):
    """(u, v) if ``dot(x, y)`` is ``outer(u, v)``: x = u.dimshuffle(0, 'x'), y = v.dimshuffle('x', 0)."""
    xo, yo = x.owner, y.owner
    if xo is None or yo is None or not isinstance(xo.op, DimShuffle) or \
            not isinstance(yo.op, DimShuffle):
        return None
    if xo.op.new_order == (0, "x") and yo.op.new_order == ("x", 0) and \
            xo.inputs[0].ndim == 1 and yo.inputs[0].ndim == 1:
        return xo.inputs[0], yo.inputs[0]
    return None


def _blas_call(z, alpha, x, y, beta):
    """The BLAS op computing ``beta * z + alpha * dot(x, y)``, or None when the types refuse."""
    try:
        if x.ndim == 2 and y.ndim == 2:
            parts = _outer_parts(x, y)
            if parts is not None and scalar_const(beta) == 1 and not any(z.broadcastable):
                return ger(z, alpha, parts[0], parts[1])
            return gemm(z, alpha, x, y, beta)
        if x.ndim == 2 and y.ndim == 1:
            return gemv(z, alpha, x, y, beta)
        if x.ndim == 1 and y.ndim == 2:
            return gemv(z, alpha, y.T, x, beta)
    except TypeError:  # a broadcast pattern the op refuses
        return None
    return None


def _pick(fgraph, groups, out, nodes):
    """(index of the product, index of z) among ``groups``: a product a BLAS call takes and a term
    of the sum's own type (one that is not a product if there is one); None if there are none."""
    dtype = out.dtype
    products = [k for k, (v, _) in enumerate(groups)
                if _product(fgraph, v, dtype, nodes) is not None]
    if not products:
        return None
    fits = [k for k, (v, _) in enumerate(groups) if v.type == out.type]
    for k in products:
        plain = [j for j in fits if j != k and j not in products]
        others = plain or [j for j in fits if j != k]
        if others:
            return k, others[0]
    return None


def _rest(node, terms, taken, dtype):
    """The terms of the sum but those of the variables ``taken``, as variables to add: an input of
    ``node`` none of whose terms is taken as it is (so that a long sum is not rebuilt at each
    rewrite), the others term by term; None when a scale does not fit ``dtype``."""
    hit = {origin for _, _, v, origin in terms if v in taken}
    rest = []
    for o, inp in enumerate(node.inputs):
        if o not in hit:
            rest.append(neg(inp) if o == 1 and is_elemwise(node, ts.Sub) else inp)
            continue
        for scales, negated, v, origin in terms:
            if origin == o and v not in taken:
                r = _term(v, [(scales, negated)], dtype)
                if r is None:
                    return None
                rest.append(r)
    return rest


@node_rewriter([ts.Add, ts.Sub])
def local_dot_to_blas(fgraph, node):
    """``b*z + a*dot(x, y) + rest`` -> ``Gemm/Gemv/Ger(z, a, x, y, b) + rest`` (see the module)."""
    out = node.outputs[0]
    if out.dtype not in _FLOATS or out.ndim not in (1, 2):
        return None
    if not (is_elemwise(node, ts.Add) or is_elemwise(node, ts.Sub)) or _inner(fgraph, node):
        return None
    terms, nodes = _sum_terms(fgraph, node)
    groups = _group(terms)
    picked = _pick(fgraph, groups, out, nodes)
    if picked is None:
        return None
    k, j = picked
    x, y = _product(fgraph, groups[k][0], out.dtype, nodes)
    alpha = _group_scale(groups[k][1], out.dtype)
    beta = _group_scale(groups[j][1], out.dtype)
    if alpha is None or beta is None:
        return None
    res = _blas_call(groups[j][0], alpha, x, y, beta)
    if res is None:
        return None
    rest = _rest(node, terms, (groups[j][0], groups[k][0]), out.dtype)
    if rest is None:
        return None
    if rest:
        res = add(res, *rest)
    res = fit_to(res, out)
    return None if res is None else [res]


@node_rewriter([Dot])
def local_dot_to_dot22(fgraph, node):
    """``dot(x, y)`` of two matrices of one BLAS dtype -> ``_dot22(x, y)`` (the same values)."""
    if isinstance(node.op, Dot22):
        return None
    x, y = node.inputs
    if x.ndim != 2 or y.ndim != 2 or x.dtype != y.dtype or x.dtype not in BLAS_DTYPES:
        return None
    new = _dot22(x, y)
    return [new] if new.type == node.outputs[0].type else None


register_blas(local_dot_to_blas, "blas", "gemm", "BlasOpt", "gemm_optimizer")
register_blas(local_dot_to_dot22, "blas", "BlasOpt")
