"""Stabilizing rewrites of the neural-network ops:

- ``log(softmax(x))`` -> ``logsoftmax(x)``;
- ``crossentropy_categorical_1hot(softmax(x [+ b]), y)`` -> the fused
  ``CrossentropySoftmaxArgmax1HotWithBias(x, b, y)`` (which never takes the log of a 0), and the
  softmax itself is taken from the fused op's second output;
- its gradient ``softmax_grad(crossentropy_1hot_grad(g, sm, y), sm)`` ->
  ``CrossentropySoftmax1HotWithBiasDx(g, sm, y)`` (``g * (sm - onehot)``, no division by ``sm``).

The ops live in ``theano.tensor.nnet.nnet``; when that module is missing nothing is registered.
"""

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_stabilize
from theano.scalar import basic as ts
from theano.tensor.allocation import zeros
from theano.tensor.basic import cast, shape_i
from theano.tensor.elemwise import DimShuffle
from theano.tensor.rewriting.utils import elemwise_of, fit_to

try:
    from theano.tensor.nnet import nnet as _nn
except ImportError:  # pragma: no cover - the nnet package is optional for the rewrites
    _nn = None


def _softmax_parts(sm):
    """(x, b) when ``sm`` is ``Softmax(x + b.dimshuffle('x', 0))`` for a matrix x and vector b;
    (x, None) when it is ``Softmax(x)`` of a matrix; None otherwise."""
    node = sm.owner
    if node is None or not isinstance(node.op, _nn.Softmax) or sm.ndim != 2:
        return None
    z = node.inputs[0]
    add = elemwise_of(z, ts.Add)
    if add is not None and len(add.inputs) == 2:
        for a, b in (add.inputs, add.inputs[::-1]):
            bo = b.owner
            if bo is not None and isinstance(bo.op, DimShuffle) and bo.op.new_order == ("x", 0) \
                    and a.ndim == 2 and not a.broadcastable[1] and a.dtype == z.dtype \
                    and bo.inputs[0].dtype == z.dtype:
                return a, bo.inputs[0]
    return z, None


if _nn is not None:

    @node_rewriter([ts.log])
    def local_log_softmax(fgraph, node):
        """``log(softmax(x))`` -> ``logsoftmax(x)``."""
        sm = node.inputs[0]
        if sm.owner is None or not isinstance(sm.owner.op, _nn.Softmax):
            return None
        return [fit_to(_nn.logsoftmax_op(sm.owner.inputs[0]), node.outputs[0], [])]

    register_stabilize(local_log_softmax, "stability", "nnet")

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
        if fitted_sm is not None and sm in fgraph.clients:
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
