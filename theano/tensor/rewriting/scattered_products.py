"""Gradients scattered into zeros, multiplied by a full-size factor: the product moves inside.

The gradient of an indexed value (``y = f(x)[idx]``) is ``inc_subtensor(zeros_like(f(x))[idx],
dy)``, which the chain rule then multiplies by ``f'(x)``: ``scatter(dy) * f'(x)``. When ``dy``
divides by the indexed value (``log(sigmoid(x)[0])``: ``dy = g / sigmoid(x)[0]``) and ``f'(x)``
multiplies by it (``sigmoid(x) * (1 - sigmoid(x))``), the two never meet: ``g / 0`` is scattered,
then multiplied by 0, and the gradient is NaN where the true value is finite. The stabilizing
rewrites (``stability.py``) cancel such factors only inside one product.

``local_scattered_product``: ``mul(scatter(Z, v, idx), w1, w2, ...)`` with ``Z`` all zeros and
each ``w`` of the output's shape -> ``scatter(Z', v * w1[idx] * w2[idx] ...)``. Outside ``idx``
both are 0 (the original multiplies 0 by ``w``, which is NaN only where ``w`` is not finite);
inside, ``(0 + v) * w[idx]`` whatever the scatter (set or add: ``w[i]`` distributes over repeated
indices). ``w[idx]`` is built with the index pushed through elementwise ops down to their inputs
(``(s * (1 - s))[idx]`` -> ``s[idx] * (1 - s[idx])``, ``sigmoid(x)[idx]`` -> ``sigmoid(x[idx])``),
and so is every view of a sigmoid in ``v``, so that the product is one the stabilizing rewrites
read: ``g / sigmoid(x[0]) * sigmoid(x[0]) * sigmoid(-x[0])`` becomes ``g * sigmoid(-x[0])``.
Handled scatters: ``IncSubtensor`` (basic indices), ``AdvancedIncSubtensor1`` (a vector of
indices along the first axis) and ``AdvancedIncSubtensor`` (``p[arange(n), y]``, the
cross-entropy of a hand-written softmax: ``-1 / p[arange(n), y]`` scattered, times ``p``, where
``p / p`` cancels as a softmax entry in ``local_sigmoid_products``).
A sum of such scatters (a gradient that reaches indexed values along several paths, as a
cross-entropy's two terms do) is multiplied term by term; scatters of zeros drop out.
"""

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_stabilize
from theano.scalar import basic as ts
from theano.tensor.basic import cast, zeros_like
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.nnet.nnet import Softmax
from theano.tensor.rewriting.stability import _same
from theano.tensor.rewriting.utils import elemwise_of, fit_to, is_const, is_zeros
from theano.tensor.subtensor import IncSubtensor, Subtensor
from theano.tensor.subtensor_advanced import (AdvancedIncSubtensor, AdvancedIncSubtensor1, AdvancedSubtensor,
                                              AdvancedSubtensor1)

_MAX_DEPTH = 8


def _view_of(node):
    """``(index function, its view op class)`` reading the same elements as the scatter ``node``
    does, or None."""
    op = node.op
    if isinstance(op, IncSubtensor):
        sub = Subtensor(op.idx_list)
        idx = node.inputs[2:]
        return (lambda w: sub(w, *idx)), Subtensor
    if isinstance(op, AdvancedIncSubtensor1):
        ilist = node.inputs[2]
        return (lambda w: AdvancedSubtensor1()(w, ilist)), AdvancedSubtensor1
    if isinstance(op, AdvancedIncSubtensor):
        sub = AdvancedSubtensor(op.idx_list)
        idx = node.inputs[2:]
        return (lambda w: sub(w, *idx)), AdvancedSubtensor
    return None


def _index(w, take, depth=0):
    """``take(w)`` with the index pushed through elementwise ops whose inputs have ``w``'s shape
    (or are single values), reusing nothing structural: merging unites equal nodes later."""
    node = w.owner
    if depth < _MAX_DEPTH and node is not None and isinstance(node.op, Elemwise) \
            and not node.op.inplace_pattern and len(node.outputs) == 1:
        args = []
        for inp in node.inputs:
            if inp.broadcastable == w.broadcastable:
                args.append(_index(inp, take, depth + 1))
            elif inp.ndim == w.ndim and all(inp.broadcastable):
                args.append(DimShuffle(inp.broadcastable, [])(inp))     # a single value
            else:
                return take(w)
        return node.op(*args)
    return take(w)


def _sigmoid_views_inward(v, depth=0):
    """``v`` with every view (subtensor) of an elementwise op rewritten as the op of the views,
    through products, quotients, sums and negations: the sigmoids of ``v`` become sigmoids of
    indexed arguments."""
    node = v.owner
    if node is None or depth >= _MAX_DEPTH:
        return v
    if isinstance(node.op, (Subtensor, AdvancedSubtensor1, AdvancedSubtensor)):
        base = node.inputs[0]
        if _is_sigmoid_family(base):
            return _index(base, lambda w: node.op(w, *node.inputs[1:]))
        return v
    if isinstance(node.op, Elemwise) and not node.op.inplace_pattern and len(node.outputs) == 1 \
            and isinstance(node.op.scalar_op, (ts.Mul, ts.TrueDiv, ts.Add, ts.Sub, ts.Neg)):
        new = [_sigmoid_views_inward(i, depth + 1) for i in node.inputs]
        if all(a is b for a, b in zip(new, node.inputs)):
            return v
        return node.op(*new)
    return v


def _is_sigmoid_family(v):
    """``v`` is ``sigmoid(u)``, ``1 - sigmoid(u)``, a softmax or a product of those."""
    if elemwise_of(v, ts.sigmoid) is not None or (v.owner is not None and isinstance(v.owner.op, Softmax)):
        return True
    sub = elemwise_of(v, ts.Sub)
    if sub is not None and is_const(sub.inputs[0], 1):
        return elemwise_of(sub.inputs[1], ts.sigmoid) is not None
    mul = elemwise_of(v, ts.Mul)
    if mul is not None:
        return all(_is_sigmoid_family(i) or is_const(i, 1) for i in mul.inputs)
    return False


def _is_softmax_out(v):
    return v.owner is not None and isinstance(v.owner.op, Softmax)


def _reads_view_of(v, w, depth=0):
    """True when ``v`` (through elementwise ops) reads a view (subtensor) of ``w`` (or of the same
    op applied to the same inputs)."""
    node = v.owner
    if node is None or depth >= _MAX_DEPTH:
        return False
    if isinstance(node.op, (Subtensor, AdvancedSubtensor1, AdvancedSubtensor)):
        return _same(node.inputs[0], w)
    if isinstance(node.op, Elemwise):
        return any(_reads_view_of(i, w, depth + 1) for i in node.inputs)
    return False


def _can_cancel(w, terms):
    """Whether the factor ``w`` may cancel with what the scatters hold: a sigmoid-family factor
    always may; a softmax output only when a scattered value reads entries of it (``-1 / p[idx]``,
    the gradient of ``log(p[idx])``). Otherwise ``(scatter(v) * p) / p`` keeps its ``p / p``, which
    local_sigmoid_products cancels, instead of hiding one ``p`` inside the scatter."""
    if not _is_sigmoid_family(w):
        return False
    if not _is_softmax_out(w):
        return True
    return any(_reads_view_of(sc.inputs[1], w) for sc in terms)


def _scatter_into_zeros(v, out):
    """The scatter node computing ``v`` (into all zeros, not in place, of ``out``'s pattern)."""
    sc = v.owner
    if sc is None or not isinstance(sc.op, (IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor)) \
            or sc.op.inplace or v.broadcastable != out.broadcastable \
            or not is_zeros(sc.inputs[0]):
        return None
    return sc


def _scatter_terms(v, out):
    """The scatter nodes whose sum is ``v`` (``v`` itself a scatter, or a sum of scatters), those
    that scatter zeros left out; None when ``v`` is not such a sum."""
    sc = _scatter_into_zeros(v, out)
    if sc is not None:
        return [sc]
    add = elemwise_of(v, ts.Add)
    if add is None or v.broadcastable != out.broadcastable:
        return None
    terms = []
    for inp in add.inputs:
        sc = _scatter_into_zeros(inp, out)
        if sc is None:
            return None
        if not is_zeros(sc.inputs[1]):
            terms.append(sc)
    return terms


def _rescatter(sc, value, out):
    """``sc``'s scatter of ``value`` into zeros of ``out``'s dtype."""
    if value.dtype != out.dtype:
        value = cast(value, out.dtype)
    return sc.op.__class__(**_scatter_props(sc.op))(
        zeros_like(sc.inputs[0], dtype=out.dtype), value, *sc.inputs[2:])


@node_rewriter([ts.mul])
def local_scattered_product(fgraph, node):
    """``mul(scatter(zeros, v, idx), w, ...)`` -> ``scatter(zeros, v * w[idx] * ..., idx)`` (and
    over each term of a sum of scatters)."""
    out = node.outputs[0]
    if node.op.inplace_pattern:
        return None
    for k, inp in enumerate(node.inputs):
        terms = _scatter_terms(inp, out)
        if terms is None:
            continue
        others = node.inputs[:k] + node.inputs[k + 1:]
        # every other factor has the output's shape or is a single value
        if not all(w.broadcastable == out.broadcastable
                   or (w.ndim == out.ndim and all(w.broadcastable)) for w in others):
            continue
        if not any(_can_cancel(w, terms) for w in others):
            continue       # only where it can cancel: other products keep their form
        if any(_view_of(sc) is None for sc in terms):
            continue
        res = None
        for sc in terms:
            take, _ = _view_of(sc)
            prod = _sigmoid_views_inward(sc.inputs[1])
            for w in others:
                if w.broadcastable == out.broadcastable:
                    prod = prod * _index(w, take)
                else:
                    prod = prod * DimShuffle(w.broadcastable, [])(w)
            new = _rescatter(sc, prod, out)
            res = new if res is None else res + new
        if res is None:
            res = zeros_like(inp, dtype=out.dtype)
        return [fit_to(res, out, [])]
    return None


def _scatter_props(op):
    if isinstance(op, (IncSubtensor, AdvancedIncSubtensor)):
        return {"idx_list": op.idx_list, "set_instead_of_inc": op.set_instead_of_inc}
    return {"set_instead_of_inc": op.set_instead_of_inc}


register_stabilize(local_scattered_product, "stability")
