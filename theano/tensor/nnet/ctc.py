"""``theano.tensor.nnet.ctc``: the connectionist temporal classification loss (Graves et al.,
2006) with Theano 1.0's interface, computed here in NumPy (Theano 1.0 needed Baidu's warp-ctc C
library; this one is always available).

``ctc(activations, labels, input_lengths)``: ``activations`` (time, batch, classes) are
unnormalised scores (a softmax over the classes is part of the loss), class 0 is the blank;
``labels`` (batch, longest label) int, each row a label sequence of classes ``1..classes-1``
padded with -1; ``input_lengths`` (batch,) the frames of each sequence. The result is the
negative log-likelihood of each sequence's label, (batch,). The op computes the gradient with
respect to the activations in the same pass (``softmax - occupancy``, zero beyond a sequence's
length); a rewrite drops that part when nothing reads it. A label that the frames cannot hold
(fewer frames than labels plus repeats) costs ``inf``, with a zero gradient.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type, grad_not_implemented
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType

__all__ = ["ConnectionistTemporalClassification", "ctc", "ctc_available"]


def ctc_available():
    """Theano 1.0 asked whether warp-ctc could be used; this implementation needs nothing."""
    return True


ctc_available.msg = None


def _log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _extended(labels, n_classes):
    """(ext (B, S), S_b (B,)): each label with blanks around and between its classes."""
    B = labels.shape[0]
    lens = np.zeros(B, dtype=np.int64)
    for b in range(B):
        row = labels[b]
        pad = np.nonzero(row < 0)[0]
        n = int(pad[0]) if len(pad) else len(row)
        if np.any(row[n:] >= 0):
            raise ValueError(f"ctc: labels[{b}] = {row.tolist()}: the padding (-1) must come after "
                             "the label")
        lab = row[:n]
        if np.any(lab == 0) or np.any(lab >= n_classes):
            raise ValueError(f"ctc: labels[{b}] = {row.tolist()}: classes must be in 1.."
                             f"{n_classes - 1} (0 is the blank)")
        lens[b] = n
    S = 2 * int(lens.max(initial=0)) + 1
    ext = np.zeros((B, S), dtype=np.int64)
    for b in range(B):
        ext[b, 1:2 * lens[b]:2] = labels[b, :lens[b]]
    return ext, 2 * lens + 1


def ctc_cost_and_grad(acts, labels, lengths, compute_grad=True):
    """Costs (B,) and, with ``compute_grad``, the gradient of their sum w.r.t. ``acts``."""
    acts = np.asarray(acts)
    T, B, C = acts.shape
    labels = np.asarray(labels)
    lengths = np.asarray(lengths).astype(np.int64)
    if labels.ndim != 2 or labels.shape[0] != B:
        raise ValueError(f"ctc: labels must be (batch={B}, longest label), got shape {labels.shape}")
    if lengths.shape != (B,):
        raise ValueError(f"ctc: input_lengths must be (batch={B},), got shape {lengths.shape}")
    if np.any(lengths < 1) or np.any(lengths > T):
        raise ValueError(f"ctc: input_lengths must be in 1..{T} (the activations' time steps), "
                         f"got {lengths.tolist()}")
    ext, Sb = _extended(labels, C)
    S = ext.shape[1]
    logy = _log_softmax(acts.astype(np.float64))
    emit = np.take_along_axis(logy, np.broadcast_to(ext[None], (T, B, S)), axis=2)   # (T, B, S)
    pos = np.arange(S)
    valid = pos[None, :] < Sb[:, None]
    skip = np.zeros((B, S), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    skip &= valid
    neg = -np.inf
    bidx = np.arange(B)

    alpha = np.full((T, B, S), neg)
    alpha[0, :, 0] = emit[0, :, 0]
    if S > 1:
        alpha[0, :, 1] = np.where(Sb > 1, emit[0, :, 1], neg)
    with np.errstate(invalid="ignore"):
        for t in range(1, T):
            prev = alpha[t - 1]
            acc = prev.copy()
            acc[:, 1:] = np.logaddexp(acc[:, 1:], prev[:, :-1])
            acc[:, 2:] = np.where(skip[:, 2:], np.logaddexp(acc[:, 2:], prev[:, :-2]), acc[:, 2:])
            alpha[t] = np.where(valid, acc + emit[t], neg)
        last = alpha[lengths - 1, bidx]                                    # (B, S)
        end = last[bidx, Sb - 1]
        before = np.where(Sb > 1, last[bidx, np.maximum(Sb - 2, 0)], neg)
        logp = np.logaddexp(end, before)
    costs = -logp
    if not compute_grad:
        return costs.astype(acts.dtype), None

    # beta[t, b, s]: log-probability of the frames after t given state s at t
    beta = np.full((T, B, S), neg)
    with np.errstate(invalid="ignore"):
        for t in range(T - 1, -1, -1):
            start = lengths - 1 == t
            if t < T - 1:
                nxt = beta[t + 1] + emit[t + 1]
                acc = nxt.copy()
                acc[:, :-1] = np.logaddexp(acc[:, :-1], nxt[:, 1:])
                acc[:, :-2] = np.where(skip[:, 2:], np.logaddexp(acc[:, :-2], nxt[:, 2:]),
                                       acc[:, :-2])
                beta[t] = np.where(valid & (t < lengths - 1)[:, None], acc, neg)
            if start.any():
                init = np.full((B, S), neg)
                init[bidx, Sb - 1] = 0.0
                init[bidx[Sb > 1], (Sb - 2)[Sb > 1]] = 0.0
                beta[t] = np.where(start[:, None], init, beta[t])
        feasible = np.isfinite(logp)
        occ = np.exp(alpha + beta - np.where(feasible, logp, 0.0)[None, :, None])   # (T, B, S)
    occ[~np.isfinite(occ)] = 0.0
    grad = np.exp(logy)
    for s in range(S):
        grad[:, bidx, ext[:, s]] -= occ[:, :, s] * valid[None, :, s]
    grad[np.arange(T)[:, None] >= lengths[None, :]] = 0.0
    grad[:, ~feasible] = 0.0
    return costs.astype(acts.dtype), grad.astype(acts.dtype)


class ConnectionistTemporalClassification(Op):
    """The CTC loss op: outputs the costs (batch,) and, with ``compute_grad``, their gradient
    with respect to the activations (same shape as the activations)."""

    __props__ = ("compute_grad",)

    def __init__(self, compute_grad=True, openmp=None):
        self.compute_grad = bool(compute_grad)

    def make_node(self, activations, labels, input_lengths):
        acts = as_tensor_variable(activations)
        labels = as_tensor_variable(labels)
        lengths = as_tensor_variable(input_lengths)
        if acts.ndim != 3 or not acts.dtype.startswith("float"):
            raise TypeError(f"ctc: activations must be a 3-d float tensor (time, batch, classes), "
                            f"got {acts.type}")
        if labels.ndim != 2 or not labels.dtype.startswith(("int", "uint")):
            raise TypeError(f"ctc: labels must be a 2-d int tensor (batch, longest label), got "
                            f"{labels.type}")
        if lengths.ndim != 1 or not lengths.dtype.startswith(("int", "uint")):
            raise TypeError(f"ctc: input_lengths must be a 1-d int tensor (batch,), got "
                            f"{lengths.type}")
        outs = [TensorType(acts.dtype, (acts.broadcastable[1],))()]
        if self.compute_grad:
            outs.append(acts.type())
        return Apply(self, [acts, labels, lengths], outs)

    def perform(self, node, inputs, output_storage):
        costs, grad = ctc_cost_and_grad(*inputs, compute_grad=self.compute_grad)
        output_storage[0][0] = costs
        if self.compute_grad:
            output_storage[1][0] = grad

    def infer_shape(self, node, input_shapes):
        acts = input_shapes[0]
        out = [(acts[1],)]
        if self.compute_grad:
            out.append(tuple(acts))
        return out

    def connection_pattern(self, node):
        return [[True] * len(node.outputs), [False] * len(node.outputs),
                [False] * len(node.outputs)]

    def L_op(self, inputs, outputs, output_grads):
        g_costs = output_grads[0]
        if not self.compute_grad:
            return [grad_not_implemented(self, 0, inputs[0], "ctc built without its gradient"),
                    disconnected_type(), disconnected_type()]
        # (the gradient output itself is not differentiated again: ``ctc`` returns the costs only)
        return [g_costs.dimshuffle("x", 0, "x") * outputs[1], disconnected_type(),
                disconnected_type()]


def ctc(activations, labels, input_lengths):
    """The CTC loss of each sequence (see the module docstring)."""
    return ConnectionistTemporalClassification()(activations, labels, input_lengths)[0]


def _register_rewrite():
    from theano.graph.rewriting.basic import node_rewriter
    from theano.graph.rewriting.db import register_canonicalize

    @node_rewriter([ConnectionistTemporalClassification])
    def local_ctc_no_grad(fgraph, node):
        """The costs alone when nothing reads the gradient output (no backward pass)."""
        if not node.op.compute_grad or fgraph.clients.get(node.outputs[1]):
            return None
        costs = ConnectionistTemporalClassification(compute_grad=False)(*node.inputs)
        return {node.outputs[0]: costs}

    register_canonicalize(local_ctc_no_grad, "ctc")


_register_rewrite()
