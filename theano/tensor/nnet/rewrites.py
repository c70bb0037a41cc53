"""Rewrites of the softmax cross-entropies that live beside their ops (Theano 1.0's fused forms).

One distribution (``softmax_op(v)`` of a vector is a vector here, where Theano 1.0's op made a
one-row matrix; ``crossentropy_categorical_1hot`` takes it as one row; the matrix forms are
rewritten by ``theano.tensor.rewriting.nnet``):

- ``crossentropy_categorical_1hot(softmax(v [+ b]), y)`` -> the fused
  ``CrossentropySoftmaxArgmax1HotWithBias(v.dimshuffle('x', 0), b, y)`` (no log of a softmax
  entry that underflowed to 0; ``b`` is zeros when there is no bias);
- its gradient ``softmax_grad(crossentropy_1hot_grad(g, sm, y), sm)`` ->
  ``CrossentropySoftmax1HotWithBiasDx(g, sm as a row, y)`` as a vector.

The negative log-likelihood of Theano's tutorials, ``-log(softmax(x + b)[arange(n), y])`` (log
before or after the index, or ``logsoftmax``; one label per row):

- ``local_indexed_logsoftmax_to_xent``: the cost -> ``-nll`` of the fused op (negations around it
  cancel);
- ``local_indexed_xent_grad``: its gradient -> ``CrossentropySoftmax1HotWithBiasDx``;
- ``local_fill_shape_of_fused_xent``: a gradient that needs only the cost's shape reads the labels
  (and then computes a Softmax, not the fused op); ``local_xent_dx_of_label_fill``: a gradient
  filled to the labels' shape from one value is that value (the fused dx serves every row).

``local_xent_grad_times_softmax``: ``crossentropy_1hot_grad(g, sm, y) * sm`` (the chain rule of a
hand-written softmax under the 1-hot cross-entropy) -> the one-hot ``-g``, with no division by an
entry of ``sm`` that underflowed.

``local_softmax_grad_of_sum`` splits ``softmax_grad(d1 + d2, sm)`` so that each term meets its
stabilizing rewrite. ``split_row_bias`` finds ``x`` and the row bias ``b`` of ``softmax(x + b)``.

``local_inplace_sparse_block`` (in-place phase): ``SparseBlockGemv``/``SparseBlockOuter``
accumulate into their first input itself when it is an intermediate nobody else reads.

``theano.tensor.nnet`` registers the loader of this module (the rewrites load when a graph is first
rewritten, as the other tensor rewrites do).
"""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.rewriting.basic import GraphRewriter, copy_trace, node_rewriter
from theano.graph.rewriting.db import (register_inplace, register_specialize, register_stabilize,
                                       rewrite_db)
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.allocation import Alloc, ARange, zeros
from theano.tensor.basic import (NotScalarConstantError, Shape_i, cast, get_scalar_constant_value,
                                 patternbroadcast, second, shape_i)
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.nnet import nnet as _nn
from theano.tensor.nnet.blocksparse import SparseBlockGemv, SparseBlockOuter
from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedSubtensor


def _vector_softmax_parts(sm):
    """(v, b) when ``sm`` is ``Softmax(v + b)`` of two vectors, (v, None) when it is ``Softmax(v)``
    of a vector, None otherwise."""
    node = sm.owner
    if node is None or not isinstance(node.op, _nn.Softmax) or sm.ndim != 1:
        return None
    z = node.inputs[0]
    add = z.owner
    if add is not None and isinstance(add.op, Elemwise) and isinstance(add.op.scalar_op, ts.Add) \
            and not add.op.inplace_pattern and len(add.inputs) == 2 \
            and all(i.ndim == 1 and i.dtype == z.dtype for i in add.inputs):
        a, b = add.inputs
        return a, b
    return z, None


def _as_row(v):
    """``v.dimshuffle('x', 0)``, or the row that ``v`` was taken from (``row.dimshuffle(1)``)."""
    owner = v.owner
    if owner is not None and isinstance(owner.op, DimShuffle) and owner.op.new_order == (1,) \
            and owner.inputs[0].broadcastable == (True, False):
        return owner.inputs[0]
    return DimShuffle(v.broadcastable, ("x", 0))(v)


@node_rewriter([_nn.CrossentropyCategorical1Hot])
def local_crossentropy_vector_softmax_fused(fgraph, node):
    """``crossentropy_categorical_1hot(softmax(v [+ b]), y)`` for vectors -> the fused stable op on
    ``v`` as a row."""
    sm, y = node.inputs
    parts = _vector_softmax_parts(sm)
    if parts is None:
        return None
    v, b = parts
    if b is None:
        b = zeros((shape_i(v, 0),), dtype=v.dtype)
    # (the softmax itself, where something else uses it, stays a Softmax node: the rewrites that
    # stabilize gradients recognise that op)
    nll, _, _ = _nn.crossentropy_softmax_argmax_1hot_with_bias(_as_row(v), b, y)
    new = _fit(nll, node.outputs[0])
    return None if new is None else [new]


register_stabilize(local_crossentropy_vector_softmax_fused, "stability", "nnet")


@node_rewriter([_nn.SoftmaxGrad])
def local_crossentropy_vector_softmax_grad(fgraph, node):
    """``softmax_grad(crossentropy_1hot_grad(g, sm, y), sm)`` for a vector ``sm`` ->
    ``g * (sm - onehot(y))`` computed by ``CrossentropySoftmax1HotWithBiasDx`` on ``sm`` as a row."""
    dy, sm = node.inputs
    owner = dy.owner
    if owner is None or not isinstance(owner.op, _nn.CrossentropyCategorical1HotGrad):
        return None
    g, c, y = owner.inputs
    if c is not sm or sm.ndim != 1:
        return None
    out = node.outputs[0]
    if g.dtype != out.dtype:
        g = cast(g, out.dtype)
    dx_row = _nn.crossentropy_softmax_1hot_with_bias_dx(g, _as_row(sm), y)
    dx = DimShuffle(dx_row.broadcastable, (1,))(dx_row)
    if dx.dtype != out.dtype:
        dx = cast(dx, out.dtype)
    return [dx] if dx.type == out.type else None


register_stabilize(local_crossentropy_vector_softmax_grad, "stability", "nnet")


# -------------------------------------------------------------------------------------------------
# The negative log-likelihood written with advanced indexing (Theano's tutorials' form)
# -------------------------------------------------------------------------------------------------


def _constant_value(v):
    try:
        return get_scalar_constant_value(v)
    except NotScalarConstantError:
        return None


def _with_elementwise_sources(owners):
    """``owners`` and, for those computed by a one-input elementwise op (a cast of the labels),
    that input: it has the same shape."""
    out = list(owners)
    for v in owners:
        node = v.owner
        if node is not None and isinstance(node.op, Elemwise) and len(node.inputs) == 1 \
                and node.inputs[0].ndim == v.ndim:
            out.append(node.inputs[0])
    return out


def _is_row_count(n, owners):
    """Whether ``n`` is ``v.shape[0]`` (``Shape_i{0}(v)``) for one of the variables ``owners``."""
    node = n.owner
    return node is not None and isinstance(node.op, Shape_i) and node.op.i == 0 \
        and any(node.inputs[0] is v for v in _with_elementwise_sources(owners))


def _is_arange_of_rows(rows, owners, matrix, labels=None):
    """Whether ``rows`` is ``arange(v.shape[0])`` for one of ``owners`` (start 0, step 1), or
    ``[0]`` (``arange(1)``, folded) when ``matrix`` has one row by its type.

    With ``labels``: ``arange(n)`` of another integer scalar ``n`` gives ``n``, which the caller
    asserts equal to ``labels.shape[0]`` (``_checked_count``). The shape rewrites have by then
    replaced the labels' ``Shape_i`` by what computes it, e.g. the length of a slice of a shared
    dataset (``givens={y: Y[i * n:(i + 1) * n]}``, as Theano's tutorials give minibatches); the
    assertion's condition becomes ``eq(n, n)`` once the labels' new ``Shape_i`` is rewritten the
    same way, and goes with the assertion."""
    if matrix.broadcastable[0]:
        if isinstance(rows, Constant):
            return np.asarray(rows.data).tolist() == [0]
        node = rows.owner
        if node is not None and isinstance(node.op, ARange) and \
                [_constant_value(v) for v in node.inputs] == [0, 1, 1]:
            return True
    node = rows.owner
    if node is None or not isinstance(node.op, ARange):
        return False
    start, stop, step = node.inputs
    if _constant_value(start) != 0 or _constant_value(step) != 1:
        return False
    if _is_row_count(stop, owners):
        return True
    if labels is not None and stop.ndim == 0 and stop.dtype in ts.integer_dtypes:
        return stop
    return False


def _checked_count(new, count, labels):
    """``new`` behind the assertion that ``count`` (an ``arange`` length that
    ``_is_arange_of_rows`` gave) is the number of ``labels``; ``new`` when ``count`` is None."""
    if count is None or count is True:
        return new
    from theano.tensor.assertions import assert_op
    from theano.tensor.math import eq

    return assert_op(new, eq(count, shape_i(labels, 0)))


def _row_sources(m):
    """Variables with the rows of ``m``: ``m``, and for a (log)softmax its input and the matrix
    part of a biased input."""
    out = [m]
    if m.owner is not None and isinstance(m.owner.op, (_nn.Softmax, _nn.LogSoftmax)):
        z = m.owner.inputs[0]
        out += [z, _matrix_softmax_parts(z)[0]]
    return out


def split_row_bias(z):
    """``(x, b)`` for ``z = x + b.dimshuffle('x', 0)``: the terms of a sum that add a vector to
    every row (several are summed into ``b``) and the rest (summed into the matrix ``x``, which
    keeps ``z``'s dtype and column pattern); ``(z, None)`` when there is no such split. The
    softmax of ``z`` is then the fused ops' ``softmax(x + b)``."""
    add = z.owner
    if z.ndim != 2 or add is None or not isinstance(add.op, Elemwise) \
            or not isinstance(add.op.scalar_op, ts.Add) or add.op.inplace_pattern:
        return z, None
    biases, rest = [], []
    for t in add.inputs:
        to = t.owner
        if to is not None and isinstance(to.op, DimShuffle) and to.op.new_order == ("x", 0) \
                and to.inputs[0].dtype == z.dtype:
            biases.append((t, to.inputs[0]))
        else:
            rest.append(t)
    if not rest and len(biases) > 1:  # only rows (one row: a vector's softmax): the first is x
        rest.append(biases.pop(0)[0])
    biases = [v for _, v in biases]
    if not biases or not rest:
        return z, None
    x = rest[0] if len(rest) == 1 else tm.add(*rest)
    if x.ndim != 2 or x.broadcastable[1] or x.dtype != z.dtype:
        return z, None
    return x, (biases[0] if len(biases) == 1 else tm.add(*biases))


_matrix_softmax_parts = split_row_bias


def _fit(new, out):
    """``new`` with exactly the type of ``out`` (dtype and broadcastable pattern), or None."""
    if new.ndim != out.ndim:
        return None
    if new.dtype != out.dtype:
        new = cast(new, out.dtype)
    if new.broadcastable != out.broadcastable:
        new = patternbroadcast(new, out.broadcastable)
    return new if new.type == out.type else None


def _is_pair_index(op):
    return type(op) in (AdvancedSubtensor, AdvancedIncSubtensor) and op.idx_list == ("@", "@")


def _is_log(node):
    return isinstance(node.op, Elemwise) and node.op.scalar_op == ts.log \
        and not node.op.inplace_pattern


def _log_softmax_input(v):
    """``z`` when ``v`` is ``logsoftmax(z)`` or ``log(softmax(z))`` of a matrix, else None."""
    node = v.owner
    if node is None or v.ndim != 2:
        return None
    if isinstance(node.op, _nn.LogSoftmax):
        return node.inputs[0]
    if _is_log(node):
        return _softmax_input(node.inputs[0])
    return None


def _softmax_input(v):
    node = v.owner
    if node is None or v.ndim != 2 or not isinstance(node.op, _nn.Softmax):
        return None
    return node.inputs[0]


@node_rewriter([AdvancedSubtensor, ts.log])
def local_indexed_logsoftmax_to_xent(fgraph, node):
    """``log(softmax(x + b))[arange(n), y]``, ``log(softmax(x + b)[arange(n), y])`` or
    ``logsoftmax(x + b)[arange(n), y]`` (n = ``y.shape[0]`` or the row count; the bias is
    optional) -> ``-nll`` of the fused ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)``: the
    negative log-likelihood of Theano's tutorials as one stable op. The fused op requires one label per row: with fewer
    labels than rows it raises instead of reading the first rows. When the only use of the result
    is its negation (or the negation of its sum), that negation becomes ``nll`` (``sum(nll)``)."""
    if isinstance(node.op, AdvancedSubtensor):
        if not _is_pair_index(node.op):
            return None
        src, rows, y = node.inputs
        z = _log_softmax_input(src)
        sources = _row_sources(src) if z is None else [src, z]
    else:
        if not _is_log(node) or node.inputs[0].owner is None:
            return None
        read = node.inputs[0].owner
        if not _is_pair_index(read.op):
            return None
        src, rows, y = read.inputs
        z = _softmax_input(src)
        sources = [src, z]
    if z is None or y.ndim != 1 or y.dtype not in ts.integer_dtypes:
        return None
    x, b = _matrix_softmax_parts(z)
    count = _is_arange_of_rows(rows, [y, x] + sources, src, labels=y)
    if count is False:
        return None
    if b is None:
        b = zeros((shape_i(x, 1),), dtype=x.dtype)
    # (a Softmax of the same input elsewhere, e.g. in the gradient, is left alone: the rewrites
    # that stabilize the gradient recognise the Softmax op)
    nll, _, _ = _nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    nll = _checked_count(nll, count, y)
    out = node.outputs[0]
    user = _only_client(fgraph, out)
    if _is_neg(user):  # -(-nll)
        new = _fit(nll, user.outputs[0])
        if new is not None:
            return {user.outputs[0]: new}
    if user is not None and isinstance(user.op, CAReduce) and isinstance(user.op.scalar_op, ts.Add):
        outer = _only_client(fgraph, user.outputs[0])
        if _is_neg(outer):  # -sum(-nll)
            new = _fit(user.op(nll), outer.outputs[0])
            if new is not None:
                return {outer.outputs[0]: new}
    new = _fit(-nll, out)
    return None if new is None else [new]


def _only_client(fgraph, var):
    """The one node that uses ``var`` (None when it is an output or used more than once)."""
    clients = fgraph.clients.get(var, []) if fgraph is not None else []
    if len(clients) != 1 or clients[0][0] == "output":
        return None
    return clients[0][0]


def _is_neg(node):
    return node is not None and isinstance(node.op, Elemwise) and node.op.scalar_op == ts.neg \
        and not node.op.inplace_pattern


register_stabilize(local_indexed_logsoftmax_to_xent, "stability", "nnet")


def _numerator_over(q, d, depth=0):
    """``p`` such that ``q == p / d`` structurally (``p / d``, ``-(p / d)``, ``c * (p / d)``), or
    None."""
    if depth > 4 or q.owner is None or not isinstance(q.owner.op, Elemwise) \
            or q.owner.op.inplace_pattern:
        return None
    sop = q.owner.op.scalar_op
    ins = q.owner.inputs
    if isinstance(sop, ts.TrueDiv):
        return ins[0] if ins[1] is d else None
    if sop == ts.neg:
        inner = _numerator_over(ins[0], d, depth + 1)
        return None if inner is None else -inner
    if isinstance(sop, ts.Mul):
        for i, f in enumerate(ins):
            inner = _numerator_over(f, d, depth + 1)
            if inner is not None:
                rest = ins[:i] + ins[i + 1:]
                return tm.mul(inner, *rest) if rest else inner
    return None


def _is_zeros_like(base, sm):
    """Whether ``base`` is zeros of ``sm``'s shape: ``second(m, 0)`` (``zeros_like(m)``) where ``m``
    is ``sm``, ``log(sm)`` or the log-softmax of ``sm``'s input."""
    node = base.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.scalar_op != ts.second \
            or _constant_value(node.inputs[1]) != 0:
        return False
    m = node.inputs[0]
    if m is sm:
        return True
    mo = m.owner
    return mo is not None and m.type == sm.type and (
        (_is_log(mo) and mo.inputs[0] is sm)
        or (isinstance(mo.op, _nn.LogSoftmax) and mo.inputs[0] is sm.owner.inputs[0]))


@node_rewriter([_nn.SoftmaxGrad])
def local_indexed_xent_grad(fgraph, node):
    """The gradient of ``log(sm[arange(n), y])``:
    ``softmax_grad(inc_subtensor(zeros_like(sm)[arange(n), y], p / sm[arange(n), y]), sm)`` ->
    ``CrossentropySoftmax1HotWithBiasDx(-p, sm, y)`` (``-p * (sm - onehot(y))``: no division by an
    entry of the softmax, which may have underflowed to 0). One index per row, as the fused op."""
    dy, sm = node.inputs
    if sm.ndim != 2 or sm.owner is None or not isinstance(sm.owner.op, _nn.Softmax):
        return None
    inc = dy.owner
    divided = inc is not None and isinstance(inc.op, Elemwise) \
        and isinstance(inc.op.scalar_op, ts.TrueDiv) and inc.inputs[1] is sm
    if divided:  # the gradient of log(sm)[arange(n), y]: inc_subtensor(zeros[idx], p) / sm
        inc = inc.inputs[0].owner
    if inc is None or not _is_pair_index(inc.op) or inc.op.inplace or inc.op.set_instead_of_inc:
        return None
    base, q, rows, y = inc.inputs
    if not _is_zeros_like(base, sm) or y.ndim != 1 or y.dtype not in ts.integer_dtypes:
        return None
    count = _is_arange_of_rows(rows, [y] + _row_sources(sm), sm, labels=y)
    if count is False:
        return None
    out = node.outputs[0]
    if divided:
        g = _per_row(-q, out)
        if g is None:
            return None
        new = _fit(_checked_count(_nn.crossentropy_softmax_1hot_with_bias_dx(g, sm, y), count, y),
                   out)
        return None if new is None else [new]
    for cand in _factors(q):
        r = cand.owner
        if r is None or not _is_pair_index(r.op) or r.inputs[0] is not sm \
                or r.inputs[1] is not rows or r.inputs[2] is not y:
            continue
        p = _numerator_over(q, cand)
        if p is None:
            continue
        g = _per_row(-p, out)
        if g is None:
            continue
        new = _fit(_checked_count(_nn.crossentropy_softmax_1hot_with_bias_dx(g, sm, y), count, y),
                   out)
        if new is not None:
            return [new]
    return None


def _per_row(g, out):
    """``g`` as the per-row factor of the fused gradient: a vector (a broadcastable one serves every
    row) of ``out``'s dtype, or None."""
    if g.ndim == 0:
        g = DimShuffle((), ("x",))(g)
    if g.ndim != 1:
        return None
    return cast(g, out.dtype) if g.dtype != out.dtype else g


# tried before the general rewrite of theano.tensor.rewriting.nnet, which rewrites the same
# gradient for any index into ``d - sm * sum(d, -1)``
# and of theano.tensor.rewriting.stability (``softmax_grad(p / sm, sm)``)
_general = [rewrite_db.entries[n].position for n in ("local_softmax_grad_of_indexed_quotient",
                                                      "local_softmax_grad_of_quotient")
            if n in rewrite_db.entries]
register_stabilize(local_indexed_xent_grad, "stability", "nnet",
                   position=min(_general) - 0.5 if _general else None)


def _factors(q, depth=0, out=None):
    """The variables found among the factors of ``q`` (through mul, true_div and neg)."""
    out = [] if out is None else out
    if depth > 4 or q.owner is None or not isinstance(q.owner.op, Elemwise):
        return out
    sop = q.owner.op.scalar_op
    if isinstance(sop, (ts.TrueDiv, ts.Mul)) or sop == ts.neg:
        for v in q.owner.inputs:
            out.append(v)
            _factors(v, depth + 1, out)
    return out


@node_rewriter([ts.second])
def local_fill_shape_of_fused_xent(fgraph, node):
    """``second(nll, v)`` (``fill``: ``v`` broadcast to the shape of ``nll`` or ``-nll``) where ``nll`` is the
    cost of ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)`` -> ``second(y, v)``: the op gives one
    cost per label (it refuses other lengths), so a gradient that needs only the cost's shape does
    not compute the fused op (its softmax, when used, becomes a Softmax node)."""
    if not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    model, value = node.inputs
    # (the shape of ``-nll`` or of any one-input elementwise function of nll is that of nll)
    while model.owner is not None and isinstance(model.owner.op, Elemwise) \
            and len(model.owner.inputs) == 1 and model.owner.inputs[0].type.broadcastable \
            == model.broadcastable:
        model = model.owner.inputs[0]
    owner = model.owner
    if owner is None or not isinstance(owner.op, _nn.CrossentropySoftmaxArgmax1HotWithBias) \
            or model is not owner.outputs[0]:
        return None
    y = owner.inputs[2]
    if y.broadcastable != model.broadcastable:
        return None
    new = node.op(y, value)
    if new.type != node.outputs[0].type:
        return None
    repl = {node.outputs[0]: new}
    # when nothing else reads the cost nor the argmax, the softmax alone is left: a Softmax node
    if fgraph is not None and not fgraph.clients.get(owner.outputs[2]) \
            and all(c is node for c, _ in fgraph.clients.get(node.inputs[0], [])) \
            and (node.inputs[0] is owner.outputs[0]
                 or len(fgraph.clients.get(owner.outputs[0], [])) == 1):
        sm = _softmax_of_fused(owner)
        if sm is not None:
            repl[owner.outputs[1]] = sm
    return repl


register_specialize(local_fill_shape_of_fused_xent, "nnet")


def _unfilled(term, sm):
    """``q`` for a term ``second(m, q)`` (``q`` broadcast to the shape of ``m``) when ``q`` already
    has ``sm``'s type (the fill adds no dimension), else ``term``."""
    node = term.owner
    if node is not None and isinstance(node.op, Elemwise) and node.op.scalar_op == ts.second \
            and node.inputs[1].type == sm.type:
        return node.inputs[1]
    return term


def _stabilizable_term(term, sm):
    """Whether ``term`` of a softmax gradient's ``dy`` is one the stabilizing rewrites of
    ``softmax_grad(term, sm)`` know: the 1-hot cross-entropy's gradient at ``sm``, a quotient by
    ``sm``, or an increment of a part of zeros (the gradient of an indexed log)."""
    node = _unfilled(term, sm).owner
    if node is None:
        return False
    if isinstance(node.op, _nn.CrossentropyCategorical1HotGrad):
        return node.inputs[1] is sm
    if isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, ts.TrueDiv):
        return node.inputs[1] is sm
    return isinstance(node.op, AdvancedIncSubtensor)


@node_rewriter([_nn.SoftmaxGrad])
def local_softmax_grad_of_sum(fgraph, node):
    """``softmax_grad(d1 + d2 + ..., sm)`` -> ``softmax_grad(d1, sm) + softmax_grad(d2, sm) + ...``
    (the gradient is linear in ``dy``) when a term is one that the stabilizing rewrites know: a
    cost that adds a cross-entropy and a log of the same softmax then gets a finite gradient where
    entries of the softmax underflow to 0. A term (or ``dy``) that is ``second(m, q)`` with ``q``
    of ``sm``'s type is taken as ``q`` (the fill only repeats the shape)."""
    dy, sm = node.inputs
    inner = _unfilled(dy, sm)
    if inner is not dy:  # softmax_grad(second(m, q), sm) -> softmax_grad(q, sm): q has sm's shape
        if not _stabilizable_term(inner, sm):
            return None
        new = _fit(_nn.softmax_grad(inner, sm), node.outputs[0])
        return None if new is None else [new]
    add = dy.owner
    if add is None or not isinstance(add.op, Elemwise) or not isinstance(add.op.scalar_op, ts.Add) \
            or add.op.inplace_pattern or not any(_stabilizable_term(t, sm) for t in add.inputs):
        return None
    parts = []
    for t in add.inputs:
        t = _unfilled(t, sm)
        if t.ndim != sm.ndim:
            return None
        if t.broadcastable != sm.broadcastable:
            t = second(sm, t)  # a broadcast term, made the full shape softmax_grad needs
        if t.dtype != dy.dtype:
            t = cast(t, dy.dtype)
        parts.append(_nn.softmax_grad(t, sm))
    new = _fit(tm.add(*parts), node.outputs[0])
    return None if new is None else [new]


register_stabilize(local_softmax_grad_of_sum, "stability", "nnet",
                   position=min(_general) - 0.75 if _general else None)


def _softmax_of_fused(fused):
    """``softmax(x + b)`` of a fused cross-entropy node (``softmax(x)`` for a zero bias)."""
    x, b, _ = fused.inputs
    z = x if _is_zero_alloc(b) else x + DimShuffle(b.broadcastable, ("x", 0))(b)
    return _fit(_nn.softmax_op(z), fused.outputs[1])


def _is_zero_alloc(b):
    return b.owner is not None and isinstance(b.owner.op, Alloc) \
        and _constant_value(b.owner.inputs[0]) == 0


def _label_shaped(m, y, depth=0):
    """Whether ``m`` has the shape of the labels ``y``: ``y``, a fill of it or a one-input
    elementwise function of one."""
    if m is y:
        return True
    node = m.owner
    if depth > 4 or node is None or not isinstance(node.op, Elemwise):
        return False
    if node.op.scalar_op == ts.second or len(node.inputs) == 1:
        return _label_shaped(node.inputs[0], y, depth + 1)
    return False


def _unfill_labels(v, y, depth=0):
    """``v`` without a fill to the labels' shape (``second(m, c)`` with ``m`` shaped like ``y`` and
    ``c`` of length 1 by its type), through one-input elementwise functions; None if there is
    none."""
    node = v.owner
    if depth > 4 or node is None or not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    if node.op.scalar_op == ts.second:
        m, c = node.inputs
        return c if _label_shaped(m, y) and c.broadcastable == (True,) else None
    if len(node.inputs) == 1:
        inner = _unfill_labels(node.inputs[0], y, depth + 1)
        return None if inner is None else node.op(inner)
    return None


@node_rewriter([_nn.CrossentropySoftmax1HotWithBiasDx])
def local_xent_dx_of_label_fill(fgraph, node):
    """``CrossentropySoftmax1HotWithBiasDx(fill(y, c), sm, y)`` -> ``...(c, sm, y)`` for ``c`` of
    length 1: the op gives a broadcastable ``dy`` to every row (there is one label per row), so a
    constant cost gradient stays a constant."""
    dy, sm, y = node.inputs
    new_dy = _unfill_labels(dy, y)
    if new_dy is None or new_dy.dtype != dy.dtype:
        return None
    new = node.op(new_dy, sm, y)
    return [new] if new.type == node.outputs[0].type else None


register_specialize(local_xent_dx_of_label_fill, "nnet")


def _softmax_rows(s):
    """``(x, b)`` for a softmax ``s``: ``Softmax(x + b)`` (``b`` a row bias, or None) or the softmax
    output of a fused ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)`` (``b`` None when it is a
    zero Alloc); None when ``s`` is neither."""
    node = s.owner
    if node is None:
        return None
    if isinstance(node.op, _nn.Softmax):
        z = node.inputs[0]
        if s.ndim == 2:
            return split_row_bias(z)
        parts = _vector_softmax_parts(s)
        return parts if parts is not None else (z, None)
    if isinstance(node.op, _nn.CrossentropySoftmaxArgmax1HotWithBias) and s is node.outputs[1]:
        x, b, _ = node.inputs
        return x, (None if _is_zero_alloc(b) else b)
    return None


def _same_softmax(a, b):
    """Whether ``a`` and ``b`` are the same softmax: one variable, or Softmax nodes and fused
    cross-entropy softmax outputs of the same input and row bias (a vector softmax is compared
    with the row of a fused op through its DimShuffle)."""
    if a is b:
        return True
    if a.ndim != b.ndim:
        return False
    pa, pb = _softmax_rows(a), _softmax_rows(b)
    if pa is None or pb is None:
        return False
    return _same_var(pa[0], pb[0]) and (
        (pa[1] is None and pb[1] is None)
        or (pa[1] is not None and pb[1] is not None and _same_var(pa[1], pb[1])))


def _same_var(u, v):
    """``u is v``, or both are the same DimShuffle of one variable."""
    if u is v:
        return True
    uo, vo = u.owner, v.owner
    return uo is not None and vo is not None and isinstance(uo.op, DimShuffle) \
        and uo.op == vo.op and uo.inputs[0] is vo.inputs[0]


@node_rewriter([ts.Mul])
def local_xent_grad_times_softmax(fgraph, node):
    """``crossentropy_1hot_grad(g, sm, y) * sm`` -> ``crossentropy_1hot_grad(g, ones_like(sm), y)``:
    ``-g / sm[i, y[i]]`` at ``[i, y[i]]`` times ``sm`` is ``-g`` there (and 0 elsewhere).

    The chain rule of a hand-written softmax (``exp(x) / exp(x).sum(1, keepdims=True)``, shifted by
    its row maximum or not) under ``categorical_crossentropy(p, y)`` with class indices is, once the
    stabilizing products have recognised the softmax, ``dp * sm - sm * sum(dp * sm, 1)`` with
    ``dp = crossentropy_1hot_grad(g, sm, y)``: where the labelled entry of ``sm`` underflowed to 0
    ``dp * sm`` was ``-inf * 0`` = NaN, and is ``-g`` now. (The cross-entropy of ``T.nnet.softmax``
    meets ``SoftmaxGrad`` instead, which ``local_crossentropy_softmax_grad`` fuses.) Other factors
    of the product are kept; the two softmaxes may be one ``Softmax`` node and the fused op's
    softmax output of the same input (``_same_softmax``)."""
    if not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    factors = list(node.inputs)
    for i, dp in enumerate(factors):
        owner = dp.owner
        if owner is None or not isinstance(owner.op, _nn.CrossentropyCategorical1HotGrad):
            continue
        g, c, y = owner.inputs
        for j, s in enumerate(factors):
            if j == i or s.type != dp.type or not _same_softmax(s, c):
                continue
            ones = second(c, np.asarray(1, dtype=c.dtype))
            onehot = _nn.crossentropy_categorical_1hot_grad(g, ones, y)
            rest = [f for k, f in enumerate(factors) if k not in (i, j)]
            new = _fit(tm.mul(onehot, *rest) if rest else onehot, node.outputs[0])
            if new is not None:
                return [new]
    return None


register_stabilize(local_xent_grad_times_softmax, "stability", "nnet")


def _blocksparse_make_inplace(fgraph):
    """The in-place phase's ``local_inplace_sparse_block_gemv`` / ``..._outer`` (Theano 1.0's
    rewrites): ``SparseBlockGemv`` and ``SparseBlockOuter`` accumulate into their first input
    (``o``) itself where nothing else reads it (an intermediate such as ``b[outputIdx]``)."""
    dh = get_destroy_handler(fgraph)
    changed = 0
    for node in fgraph.toposort():
        op = node.op
        if type(op) not in (SparseBlockGemv, SparseBlockOuter) or op.inplace:
            continue
        if node not in fgraph.apply_nodes or not dh.can_destroy(fgraph, node, 0):
            continue
        new = type(op)(inplace=True)(*node.inputs, return_list=True)
        copy_trace(fgraph, node, new)
        for old, out in zip(node.outputs, new):
            if old in fgraph.clients:
                fgraph.replace(old, out, reason="blocksparse_inplace")
        changed += 1
    return changed


register_inplace(GraphRewriter(_blocksparse_make_inplace, "local_inplace_sparse_block"),
                 "inplace", "nnet", name="local_inplace_sparse_block")
