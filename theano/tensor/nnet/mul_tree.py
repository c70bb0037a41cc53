"""Products of elementwise factors as nested lists ("multiplication trees"), and the cancellation
``exp(u) * sigmoid(-u) = sigmoid(u)`` on them: the helpers Theano 1.0 published in
``theano.tensor.nnet.sigm`` (re-exported there).

A tree is a two-item list ``[neg, body]``: ``neg`` (bool) says the value is negated, ``body`` is a
leaf variable, ``None`` (the factor 1) or a list of trees multiplied together. For example
``parse_mul_tree(-x * y)`` is ``[False, [[True, x], [False, y]]]``. The functions work on variables
as the user built them (the graph is not rewritten); the stabilizing rewrites that the optimizer
runs live in ``theano/tensor/rewriting/stability.py``.
"""

import warnings

import numpy as np

from theano.configdefaults import config
from theano.scalar import basic as ts
from theano.graph.basic import Constant
from theano.tensor import math as tm
from theano.tensor.basic import NotScalarConstantError, get_scalar_constant_value
from theano.tensor.elemwise import Elemwise

__all__ = ["is_mul", "is_neg", "is_exp", "is_1pexp", "parse_mul_tree", "compute_mul",
           "simplify_mul", "perform_sigm_times_exp"]


def _elemwise(var, scalar_op):
    """The node computing ``var`` if it is an Elemwise of ``scalar_op`` (class or instance)."""
    node = getattr(var, "owner", None)
    if node is None or not isinstance(node.op, Elemwise):
        return None
    so = node.op.scalar_op
    hit = isinstance(so, scalar_op) if isinstance(scalar_op, type) else so == scalar_op
    return node if hit else None


def _scalar_const(v):
    """The value of ``v`` if it is a one-element constant (maybe cast or dimshuffled), else None."""
    if v.owner is None and not isinstance(v, Constant):
        return None
    try:
        return get_scalar_constant_value(v)
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def is_mul(var):
    """The factors of ``var`` if it is an elementwise product, else None."""
    node = _elemwise(var, ts.Mul)
    return list(node.inputs) if node is not None else None


def is_neg(var):
    """``u`` when ``var`` is ``-u``: a ``neg`` node, or a product with a constant factor -1 (``u``
    is then the product of the other factors). None otherwise."""
    node = _elemwise(var, ts.neg)
    if node is not None:
        return node.inputs[0]
    factors = is_mul(var)
    if factors is None:
        return None
    for i, f in enumerate(factors):
        c = _scalar_const(f)
        if c is not None and c == -1:
            rest = factors[:i] + factors[i + 1:]
            if not rest:
                return None
            return rest[0] if len(rest) == 1 else tm.mul(*rest)
    return None


def is_exp(var):
    """``(neg, u)`` when ``var`` is ``exp(u)`` (neg False) or ``-exp(u)`` (neg True), else None."""
    neg = False
    inner = is_neg(var)
    if inner is not None:
        neg, var = True, inner
    node = _elemwise(var, ts.exp)
    return (neg, node.inputs[0]) if node is not None else None


def is_1pexp(t, only_process_constants=True):
    """``(False, u)`` when ``t`` is ``1 + exp(u)`` (the constant terms, in any order, adding up to
    exactly 1), else None. ``only_process_constants``: accepted for Theano compatibility (constant
    terms are recognised through casts and dimshuffles either way)."""
    node = _elemwise(t, ts.Add)
    if node is None:
        return None
    consts, others = [], []
    for v in node.inputs:
        c = _scalar_const(v)
        (others if c is None else consts).append(v if c is None else c)
    if len(others) != 1:
        return None
    exp_node = _elemwise(others[0], ts.exp)
    if exp_node is None:
        return None
    if consts and np.allclose(np.sum(np.asarray(consts, dtype="float64")), 1):
        return False, exp_node.inputs[0]
    if config.warn.identify_1pexp_bug:
        warnings.warn("is_1pexp: a sum of an exp and constants that do not add up to 1 is not "
                      "1 + exp(u) (Theano before 0.6 took it for one)", stacklevel=2)
    return None


def parse_mul_tree(root):
    """The multiplication tree of ``root`` (see the module docstring); negations (``-u`` and
    products with -1) become the ``neg`` flags."""
    factors = is_mul(root)
    if factors is not None:
        return [False, [parse_mul_tree(f) for f in factors]]
    inner = is_neg(root)
    if inner is None:
        return [False, root]
    neg, body = parse_mul_tree(inner)
    return [not neg, body]


def compute_mul(tree):
    """The variable a multiplication tree stands for (the inverse of ``parse_mul_tree``)."""
    neg, body = tree
    if body is None:
        raise ValueError("compute_mul: the tree is the constant 1 (run simplify_mul first, or "
                         "leave such a tree out)")
    value = tm.mul(*[compute_mul(t) for t in body]) if isinstance(body, list) else body
    return tm.neg(value) if neg else value


def simplify_mul(tree):
    """A copy of ``tree`` without factors 1 (``None`` bodies, their signs moved up) and without
    products of a single factor. A tree that is 1 altogether comes back as ``[neg, None]``."""
    neg, body = tree
    if not isinstance(body, list):
        return [neg, body]
    kept = []
    for sub in (simplify_mul(t) for t in body):
        if sub[1] is None:
            neg ^= sub[0]
        else:
            kept.append(sub)
    if not kept:
        return [neg, None]
    if len(kept) == 1:
        return [kept[0][0] ^ neg, kept[0][1]]
    return [neg, kept]


def _opposite(a, b):
    """True when ``a`` is ``-b`` or ``b`` is ``-a`` (the same variables, negated)."""
    return is_neg(a) is b or is_neg(b) is a


def perform_sigm_times_exp(tree, exp_x=None, exp_minus_x=None, sigm_x=None, sigm_minus_x=None,
                           parent=None, child_idx=None, full_tree=None):
    """Cancel ``exp(u) * sigmoid(-u)`` to ``sigmoid(u)`` in the multiplication tree ``tree``, in
    place; return True if something changed.

    The leaves are visited depth first, left to right. A leaf ``exp(u)`` pairs with an earlier,
    unpaired ``sigmoid(v)`` where ``v`` is ``-u`` (and a ``sigmoid`` with an earlier ``exp`` the same
    way, the first one found); the earlier leaf then becomes ``sigmoid(u)`` (with the sign of both)
    and the later one becomes the factor 1 (``[False, None]``; ``simplify_mul`` drops it). A
    sigmoid made this way can pair again. The keyword arguments are Theano's (its recursion
    state); they are accepted and not needed.
    """
    exps, sigms = [], []  # unpaired leaves seen so far: (tree node, argument)
    changed = False
    stack = [tree]
    order = []
    while stack:  # depth-first, left to right, without recursion
        node = stack.pop()
        if isinstance(node[1], list):
            stack.extend(reversed(node[1]))
        else:
            order.append(node)
    for leaf in order:
        var = leaf[1]
        if var is None:
            continue
        exp_info = is_exp(var)
        sig_node = _elemwise(var, ts.sigmoid)
        if exp_info is not None:
            neg, u = exp_info
            match = next((k for k, (_, v) in enumerate(sigms) if _opposite(u, v)), None)
            if match is None:
                exps.append((leaf, u))
                continue
            earlier, _ = sigms.pop(match)
        elif sig_node is not None:
            neg, v = False, sig_node.inputs[0]
            match = next((k for k, (_, u) in enumerate(exps) if _opposite(u, v)), None)
            if match is None:
                sigms.append((leaf, v))
                continue
            earlier, u = exps.pop(match)
            earlier_exp = is_exp(earlier[1])
            neg = earlier_exp[0]  # the sign inside the earlier leaf (``-exp(u)``)
        else:
            continue
        earlier[0] ^= leaf[0] ^ neg
        earlier[1] = tm.sigmoid(u)
        leaf[0], leaf[1] = False, None
        sigms.append((earlier, u))
        changed = True
    return changed
