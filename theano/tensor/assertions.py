"""Theano 1.0's run-time assertion op (``theano.tensor.opt.Assert``, ``assert_op``).

``assert_op(x, c1, c2, ...)`` is ``x`` when every condition (a scalar) is true when the function
runs, else an ``AssertionError`` with the op's message. The gradient and the R-operator pass
through to ``x``; the conditions are not differentiated (disconnected).
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.tensor.basic import NotScalarConstantError, as_tensor_variable, get_scalar_constant_value


class Assert(Op):
    """``Assert(msg)(x, *conds)``: ``x``, after checking that every scalar condition holds."""

    __props__ = ("msg",)
    view_map = {0: [0]}

    def __init__(self, msg="Theano Assert failed!"):
        self.msg = str(msg)

    def make_node(self, value, *conds):
        value = as_tensor_variable(value)
        conds = [as_tensor_variable(c) for c in conds]
        for c in conds:
            if c.ndim != 0:
                raise TypeError(f"{type(self).__name__}: every condition must be a scalar, got {c} "
                                f"with {c.ndim} dimensions")
        return Apply(self, [value] + conds, [value.type()])

    def perform(self, node, inputs, outputs):
        value, *conds = inputs
        for c in conds:
            if not np.all(c):
                raise AssertionError(self.msg)
        outputs[0][0] = value

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def static_scalar_value(self, node, elemwise, max_recur):
        """The constant value of the checked ``x`` when every condition is known to hold when the
        graph is built (for ``get_scalar_constant_value``); None when one may fail or is unknown."""
        for c in node.inputs[1:]:
            try:
                if not np.all(get_scalar_constant_value(c, elemwise=elemwise, max_recur=max_recur - 1)):
                    return None
            except NotScalarConstantError:
                return None
        try:
            return get_scalar_constant_value(node.inputs[0], elemwise=elemwise, max_recur=max_recur - 1)
        except NotScalarConstantError:
            return None

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def grad(self, inputs, output_grads):
        return [output_grads[0]] + [disconnected_type() for _ in inputs[1:]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], *inputs[1:])]


assert_op = Assert()
assert_ = assert_op  # Theano 1.0's other name

__all__ = ["Assert", "assert_op", "assert_"]
