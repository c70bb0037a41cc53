"""Stabilizing rewrites of the neural-network ops:

- ``softmax_with_bias(x, b)`` -> ``softmax(x + b)`` (canonicalize), so the rewrites below see it;
- ``log(softmax(x))`` -> ``logsoftmax(x)``;
- ``crossentropy_categorical_1hot(softmax(x [+ b]), y)`` -> the fused
  ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)`` (which never takes the log of a 0), and the
  softmax itself is taken from the fused op's second output (unless a gradient divides by it or
  takes its log otherwise: those rewrites need the Softmax node);
- its gradient ``softmax_grad(crossentropy_1hot_grad(g, sm, y), sm)`` ->
  ``CrossentropySoftmax1HotWithBiasDx(g, sm, y)`` (``g * (sm - onehot)``, no division by ``sm``);
- ``log(softmax(x)[idx])`` for any basic or advanced index (the negative log-likelihood written
  ``-log(p_y_given_x[arange(n), y])``) -> ``logsoftmax(x)[idx]``, and its gradient
  ``softmax_grad(inc_subtensor(zeros[idx], p / softmax(x)[idx]), sm)`` ->
  ``d - sm * sum(d, -1)`` with ``d = inc_subtensor(zeros[idx], p)`` (no division by an entry of
  the softmax that underflowed to 0).

The ops live in ``theano.tensor.nnet.nnet``; when that module is missing nothing is registered.
"""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_specialize, register_stabilize
from theano.scalar import basic as ts
from theano.tensor.allocation import zeros
from theano.tensor.basic import cast, shape_i
from theano.tensor import math as tm
from theano.tensor.subtensor import IncSubtensor, Subtensor
from theano.tensor.subtensor_advanced import (AdvancedIncSubtensor, AdvancedIncSubtensor1,
                                              AdvancedSubtensor, AdvancedSubtensor1)
from theano.tensor.rewriting.utils import (elemwise_of, fit_to, is_elemwise, is_zeros,
                                           register_opt_in)

try:
    from theano.tensor.nnet import nnet as _nn
    from theano.tensor.nnet.rewrites import split_row_bias
except ImportError:  # pragma: no cover - the nnet package is optional for the rewrites
    _nn = None


def _softmax_parts(sm):
    """(x, b) when ``sm`` is ``Softmax(x + b.dimshuffle('x', 0))`` for a matrix x and vector b
    (several biases are summed into b); (x, None) when it is ``Softmax(x)`` of a matrix; None
    otherwise."""
    node = sm.owner
    if node is None or not isinstance(node.op, _nn.Softmax) or sm.ndim != 2:
        return None
    # the row biases (several are summed: softmax(x + b + c)) and the rest
    return split_row_bias(node.inputs[0])


if _nn is not None:

    @node_rewriter([_nn.SoftmaxWithBias])
    def local_softmax_with_bias_to_softmax(fgraph, node):
        """``softmax_with_bias(x, b)`` -> ``softmax(x + b)``, the form the other rewrites read."""
        x, b = node.inputs
        return [fit_to(_nn.softmax_op(x + b.dimshuffle("x", 0)), node.outputs[0], [])]

    register_canonicalize(local_softmax_with_bias_to_softmax, "nnet", fast_compile=True)

    @node_rewriter([ts.log])
    def local_log_softmax(fgraph, node):
        """``log(softmax(x))`` -> ``logsoftmax(x)``."""
        sm = node.inputs[0]
        if sm.owner is None or not isinstance(sm.owner.op, _nn.Softmax):
            return None
        return [fit_to(_nn.logsoftmax_op(sm.owner.inputs[0]), node.outputs[0], [])]

    register_stabilize(local_log_softmax, "stability", "nnet")

    def _fused_sm_is_safe(fgraph, sm):
        """Whether the other uses of ``sm`` may read the fused op's softmax output instead: not when
        a gradient divides by it or takes its log other than through the cross-entropy (the
        rewrites that stabilize those recognise the Softmax op; with the fused output they stayed
        NaN where entries underflow)."""
        for client, _ in fgraph.clients.get(sm, []):
            if client == "output":
                continue
            if isinstance(client.op, _nn.SoftmaxGrad):
                dy = client.inputs[0]
                if dy.owner is None or not isinstance(dy.owner.op, _nn.CrossentropyCategorical1HotGrad):
                    return False
            elif elemwise_of(client.outputs[0], ts.TrueDiv) is not None or \
                    elemwise_of(client.outputs[0], ts.log) is not None:
                return False
        return True

    @node_rewriter([_nn.CrossentropyCategorical1Hot])
    def local_crossentropy_softmax_fused(fgraph, node):
        """``crossentropy_categorical_1hot(softmax(x + b), y)`` -> the fused stable op."""
        sm, y = node.inputs
        parts = _softmax_parts(sm)
        if parts is None:
            return None
        x, b = parts
        if b is None:
            b = zeros((shape_i(x, 1),), dtype=x.dtype)
        nll, new_sm, _ = _nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
        out = node.outputs[0]
        nll = fit_to(nll, out, [])
        if nll is None:
            return None
        repl = {out: nll}
        fitted_sm = fit_to(new_sm, sm, [])
        if fitted_sm is not None and sm in fgraph.clients and _fused_sm_is_safe(fgraph, sm):
            repl[sm] = fitted_sm
        return repl

    register_stabilize(local_crossentropy_softmax_fused, "stability", "nnet")

    @node_rewriter([_nn.SoftmaxGrad])
    def local_crossentropy_softmax_grad(fgraph, node):
        """``softmax_grad(crossentropy_1hot_grad(g, sm, y), sm)`` -> ``g * (sm - onehot(y))``."""
        dy, sm = node.inputs
        owner = dy.owner
        if owner is None or not isinstance(owner.op, _nn.CrossentropyCategorical1HotGrad):
            return None
        g, c, y = owner.inputs
        if c is not sm or sm.ndim != 2:
            return None
        out = node.outputs[0]
        if g.dtype != out.dtype:
            g = cast(g, out.dtype)
        dx = _nn.crossentropy_softmax_1hot_with_bias_dx(g, sm, y)
        return [fit_to(dx, out, [])]

    register_stabilize(local_crossentropy_softmax_grad, "stability", "nnet")


_READS = (Subtensor, AdvancedSubtensor, AdvancedSubtensor1)
_INCS = (IncSubtensor, AdvancedIncSubtensor, AdvancedIncSubtensor1)


def _reads_part_of(read_node, inc_node):
    """True if ``read_node`` reads exactly the part of its input that ``inc_node`` writes (the same
    kind of index, the same index variables)."""
    rop, iop = read_node.op, inc_node.op
    ra, ia = read_node.inputs[1:], inc_node.inputs[2:]
    if len(ra) != len(ia) or not all(_same_index(a, b) for a, b in zip(ra, ia)):
        return False
    if isinstance(iop, AdvancedIncSubtensor1):
        return isinstance(rop, AdvancedSubtensor1)
    read_cls = getattr(type(iop), "_read_op", None)
    return read_cls is not None and rop == read_cls(iop.idx_list)


def _same_index(a, b):
    """The same variable, or two constants with the same value (not merged yet)."""
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant) and a.type == b.type:
        return a.data.shape == b.data.shape and bool(np.all(a.data == b.data))
    return False


def _divided_by(q, d, depth=0):
    """``p`` such that ``q == p / d`` structurally (``p / d``, ``-(p / d)``, ``(p / d) * c``,
    ``p * inv(d)``, ``(a / d) / c``), or None."""
    if depth > 6:
        return None
    div = elemwise_of(q, ts.TrueDiv)
    if div is not None:
        a, b = div.inputs
        if b is d:
            return a
        inner = _divided_by(a, d, depth + 1)
        return None if inner is None else tm.true_div(inner, b)
    inv = elemwise_of(q, ts.inv)
    if inv is not None and inv.inputs[0] is d:
        return tm.ones_like(d)
    neg = elemwise_of(q, ts.neg)
    if neg is not None:
        inner = _divided_by(neg.inputs[0], d, depth + 1)
        return None if inner is None else tm.neg(inner)
    mul = elemwise_of(q, ts.Mul)
    if mul is not None:
        for i, f in enumerate(mul.inputs):
            inner = _divided_by(f, d, depth + 1)
            if inner is not None:
                rest = mul.inputs[:i] + mul.inputs[i + 1:]
                return tm.mul(inner, *rest) if rest else inner
    return None


if _nn is not None:

    @node_rewriter([ts.log])
    def local_log_of_indexed_softmax(fgraph, node):
        """``log(softmax(x)[idx])`` -> ``logsoftmax(x)[idx]`` (any basic or advanced index)."""
        part = node.inputs[0]
        read = part.owner
        if read is None or not isinstance(read.op, _READS):
            return None
        sm = read.inputs[0]
        if sm.owner is None or not isinstance(sm.owner.op, _nn.Softmax):
            return None
        logsm = _nn.logsoftmax_op(sm.owner.inputs[0])
        return [fit_to(read.op(logsm, *read.inputs[1:]), node.outputs[0], [])]

    register_stabilize(local_log_of_indexed_softmax, "stability", "nnet")

    @node_rewriter([_nn.SoftmaxGrad])
    def local_softmax_grad_of_indexed_quotient(fgraph, node):
        """``softmax_grad(inc_subtensor(zeros[idx], p / sm[idx]), sm)`` (the gradient of
        ``log(sm[idx])``) -> ``d - sm * sum(d, -1)`` with ``d = inc_subtensor(zeros[idx], p)``:
        ``dy * sm`` is ``d`` whether the part is incremented or set, repeated indices included."""
        dy, sm = node.inputs
        inc = dy.owner
        if inc is None or not isinstance(inc.op, _INCS) or getattr(inc.op, "inplace", False):
            return None
        base, q = inc.inputs[:2]
        if not is_zeros(base) or q.owner is None:
            return None
        for cand in _candidate_reads(q):
            r = cand.owner
            if r.inputs[0] is not sm or not _reads_part_of(r, inc):
                continue
            p = _divided_by(q, cand)
            if p is None:
                continue
            if p.dtype != q.dtype:
                p = cast(p, q.dtype)
            d = inc.op(base, p, *inc.inputs[2:])
            res = d - sm * tm.sum(d, axis=-1, keepdims=True)
            return [fit_to(res, node.outputs[0], [sm])]
        return None

    register_stabilize(local_softmax_grad_of_indexed_quotient, "stability", "nnet")


def _candidate_reads(q, depth=0, out=None):
    """Subtensor-like reads found among the factors of ``q`` (through mul/true_div/neg/inv)."""
    out = [] if out is None else out
    if depth > 6 or q.owner is None:
        return out
    if isinstance(q.owner.op, _READS):
        out.append(q)
        return out
    for cls in (ts.TrueDiv, ts.inv, ts.neg, ts.Mul):
        n = elemwise_of(q, cls)
        if n is not None:
            for v in n.inputs:
                _candidate_reads(v, depth + 1, out)
    return out


if _nn is not None:

    def _sigmoid_replacement(approx):
        """A rewrite replacing ``sigmoid(x)`` by ``approx(x)`` (an approximation: opt-in only)."""

        def rewrite(fgraph, node):
            out = node.outputs[0]
            if out.dtype not in ("float16", "float32", "float64"):
                return None
            return [fit_to(approx(node.inputs[0]), out, node.inputs)]

        return rewrite

    # Theano 1.0's opt-in speed-ups: ``optimizer_including=local_ultra_fast_sigmoid`` (or
    # ``mode.including('local_hard_sigmoid')``) swaps every sigmoid, gradients included, for the
    # approximation. Off by default (fast_run=False): they change the values.
    local_ultra_fast_sigmoid = node_rewriter([ts.sigmoid], name="local_ultra_fast_sigmoid")(
        _sigmoid_replacement(_nn.ultra_fast_sigmoid))
    local_hard_sigmoid = node_rewriter([ts.sigmoid], name="local_hard_sigmoid")(
        _sigmoid_replacement(_nn.hard_sigmoid))
    register_opt_in(local_ultra_fast_sigmoid, "specialize")
    register_opt_in(local_hard_sigmoid, "specialize")


# Strictly increasing elementwise functions: the position of a maximum does not change through them.
_INCREASING = (ts.exp, ts.expm1, ts.tanh, ts.sigmoid, ts.softplus, ts.erf, ts.arctan, ts.sinh,
               ts.arcsinh)

if _nn is not None:

    def _argmax_source(v, axis):
        """The variable whose argmax over ``axis`` is that of ``v``: ``v`` stripped of increasing
        elementwise functions and, when ``axis`` is the last axis alone, of softmax/logsoftmax
        (increasing within each row). None when nothing can be stripped."""
        last = tuple(axis) == (v.ndim - 1,)
        start = v
        while v.owner is not None:
            op = v.owner.op
            if last and isinstance(op, (_nn.Softmax, _nn.LogSoftmax)):
                v = v.owner.inputs[0]
            elif last and isinstance(op, _nn.SoftmaxWithBias):
                x, b = v.owner.inputs
                v = x + b.dimshuffle("x", 0)
            elif any(is_elemwise(v.owner, so) for so in _INCREASING) and \
                    v.owner.inputs[0].type == v.type:
                v = v.owner.inputs[0]
            else:
                break
        return None if v is start else v

    @node_rewriter([tm.Argmax, tm.MaxAndArgmax])
    def local_argmax_pushdown(fgraph, node):
        """``argmax(softmax(f(x)), axis=-1)`` -> ``argmax(x, axis=-1)`` for increasing elementwise
        f (exp, tanh, sigmoid, softplus, ...): the softmax and f are not computed just to find the
        position of the largest entry. Also for MaxAndArgmax when its max is not used."""
        op = node.op
        if isinstance(op, tm.Argmax):
            if op.op != "max":
                return None
            axis = op.axis
        else:
            if fgraph is None or fgraph.clients.get(node.outputs[0]) or \
                    node.outputs[0] in fgraph.outputs:
                return None
            axis = op.axis if op.axis is not None else tuple(range(node.inputs[0].ndim))
        src = _argmax_source(node.inputs[0], tuple(axis))
        if src is None:
            return None
        new = tm.Argmax(tuple(axis), "max")(src)
        return {node.outputs[-1]: new}

    register_specialize(local_argmax_pushdown, "nnet")

    def _same_term(a, b):
        from theano.graph.basic import equal_computations

        return a is b or (a.type == b.type and equal_computations([a], [b]))

    def _is_zero_bias(b):
        from theano.tensor.allocation import Alloc

        if b.owner is None or not isinstance(b.owner.op, Alloc):
            return False
        v = b.owner.inputs[0]
        return isinstance(v, Constant) and not np.any(v.data)

    @node_rewriter([_nn.Softmax])
    def local_softmax_of_fused_xent(fgraph, node):
        """``softmax(x + b)`` -> the softmax output of a fused
        ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)`` in the same graph: the softmax is computed
        once. The negative log-likelihood of Theano's tutorials
        (``-mean(log(softmax(x + b))[arange(n), y])``) becomes the fused op while its gradient reads
        ``softmax(x + b)``, which was then computed a second time. Specialize phase: the stabilizing
        rewrites that recognise the Softmax node have run."""
        if fgraph is None:
            return None
        sm = node.outputs[0]
        x, b = _softmax_parts(sm) or (None, None)
        if x is None:
            return None
        for cand in fgraph.apply_nodes:
            if not isinstance(cand.op, _nn.CrossentropySoftmaxArgmax1HotWithBias):
                continue
            fx, fb, _ = cand.inputs
            if fx.type != x.type or not _same_term(fx, x):
                continue
            if b is None:
                if not _is_zero_bias(fb):
                    continue
            elif fb.type != b.type or not _same_term(fb, b):
                continue
            new = fit_to(cand.outputs[1], sm, [])
            if new is not None:
                return [new]
        return None

    register_specialize(local_softmax_of_fused_xent, "nnet")
