"""Ops that are the identity on values and change only the gradient that flows through them.

``zero_grad``, ``disconnected_grad``, ``consider_constant``, ``undefined_grad``, ``grad_clip`` and
``grad_scale`` (Theano 1.0 names, also offered by ``theano.gradient``). They live in the tensor
layer because ops of this layer use them in their own gradients (the softmax cross-entropy
gradient stops at ``disconnected_grad``); ``theano.gradient`` re-exports these same objects. Once
the gradients are built they are removed from the graph (the canonicalize rewrite
``remove_grad_shapers``), so no backend runs them.
"""

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type, grad_undefined
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable, continuous_dtypes, zeros_like
from theano.tensor.math import clip


class _GradShaper(Op):
    """Identity in the forward pass; changes the gradient in the backward pass."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def R_op(self, inputs, eval_points):
        """Derivatives through a gradient-shaping op follow its gradient rule in forward mode
        too (as in Theano 1.0): here, they pass unchanged."""
        return list(eval_points)


def _zeros_gradient(x):
    # the gradient of an integer input is a float (config.floatX), as theano.grad makes it
    return zeros_like(x, dtype=x.dtype if x.dtype in continuous_dtypes else config.floatX)


class ZeroGrad(_GradShaper):
    def grad(self, inputs, output_grads):
        return [_zeros_gradient(inputs[0])]

    def R_op(self, inputs, eval_points):
        """Zero, as its gradient (Theano 1.0: "the R_op of zero_grad is zero too")."""
        return [None if eval_points[0] is None else zeros_like(eval_points[0])]


class DisconnectedGrad(_GradShaper):
    def grad(self, inputs, output_grads):
        return [disconnected_type()]

    def connection_pattern(self, node):
        return [[False]]

    def R_op(self, inputs, eval_points):
        """Disconnected, as its gradient."""
        return [None]


class ConsiderConstant(_GradShaper):
    """Theano 1.0's consider_constant op: the gradient through it is zero (connected), so a cost
    that reaches a variable only through it has a zero gradient rather than a missing one; its
    R-operator is zero too."""

    grad = ZeroGrad.grad
    R_op = ZeroGrad.R_op


class UndefinedGrad(_GradShaper):
    def grad(self, inputs, output_grads):
        return [grad_undefined(self, 0, inputs[0])]

    def R_op(self, inputs, eval_points):
        """No derivative: Rop through it finds the output disconnected."""
        return [None]


class GradClip(_GradShaper):
    __props__ = ("clip_lower_bound", "clip_upper_bound")

    def __init__(self, clip_lower_bound, clip_upper_bound):
        if clip_upper_bound < clip_lower_bound:
            raise ValueError("grad_clip: the upper bound must be >= the lower bound")
        self.clip_lower_bound = float(clip_lower_bound)
        self.clip_upper_bound = float(clip_upper_bound)

    def grad(self, inputs, output_grads):
        return [clip(output_grads[0], self.clip_lower_bound, self.clip_upper_bound)]


class GradScale(_GradShaper):
    __props__ = ("multiplier",)

    def __init__(self, multiplier):
        self.multiplier = float(multiplier)

    def grad(self, inputs, output_grads):
        return [output_grads[0] * self.multiplier]

    def R_op(self, inputs, eval_points):
        """Scaled by the multiplier, as its gradient."""
        return [None if eval_points[0] is None else eval_points[0] * self.multiplier]


# the op instances the functions below apply (Theano 1.0 names them too: theano.gradient.zero_grad_)
zero_grad_ = ZeroGrad()
disconnected_grad_ = DisconnectedGrad()
consider_constant_ = ConsiderConstant()


def zero_grad(x):
    """``x`` in the forward pass; its gradient is zero."""
    return zero_grad_(x)


def disconnected_grad(x):
    """``x`` in the forward pass; gradients do not flow through it (as if it were an input)."""
    return disconnected_grad_(x)


def consider_constant(x):
    """``x`` in the forward pass; its gradient is zero (Theano 1.0's name)."""
    return consider_constant_(x)


def undefined_grad(x):
    """``x`` in the forward pass; asking for a gradient through it raises (the gradient is
    undefined)."""
    return UndefinedGrad()(x)


def grad_clip(x, lower_bound, upper_bound):
    """``x`` in the forward pass; the gradient through it is clipped to [lower_bound, upper_bound]."""
    return GradClip(lower_bound, upper_bound)(x)


def grad_scale(x, multiplier):
    """``x`` in the forward pass; the gradient through it is multiplied by ``multiplier``."""
    return GradScale(multiplier)(x)
