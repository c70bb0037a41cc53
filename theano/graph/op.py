"""Op: one operation, with its whole contract in one class.

An Op subclass defines:

- ``__props__``: names of the attributes that make its identity (equality, hashing, printing);
- ``make_node(*inputs)``: check and convert inputs, return an Apply with typed outputs;
- ``perform(node, inputs, output_storage)``: compute with NumPy; write ``output_storage[i][0]``;
- ``grad(inputs, output_grads)`` (or ``L_op(inputs, outputs, output_grads)``): symbolic gradients;
- ``infer_shape(node, input_shapes)``: symbolic output shapes from input shapes;
- optionally ``view_map``/``destroy_map`` (which outputs alias or overwrite which inputs), ``R_op``,
  ``connection_pattern``, ``do_constant_folding``.

Backend code never lives here: backends register implementations per Op class by dispatch.
"""

from theano.graph.basic import Apply, Variable
from theano.graph.utils import MethodNotDefined


class Op:
    __props__ = ()
    view_map = {}
    destroy_map = {}
    default_output = None
    lazy = False

    # identity ---------------------------------------------------------------------------------
    def _props(self):
        return tuple(getattr(self, a) for a in self.__props__)

    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        return hash((type(self), self._props()))

    def __str__(self):
        if self.__props__:
            props = ", ".join(f"{a}={getattr(self, a)}" for a in self.__props__)
            return f"{type(self).__name__}{{{props}}}"
        return type(self).__name__

    __repr__ = __str__

    # building ---------------------------------------------------------------------------------
    def make_node(self, *inputs):
        raise MethodNotDefined(f"{type(self).__name__}.make_node")

    def __call__(self, *inputs, **kwargs):
        return_list = kwargs.pop("return_list", False)
        node = self.make_node(*inputs, **kwargs)
        if return_list:
            return list(node.outputs)
        if self.default_output is not None:
            return node.outputs[self.default_output]
        if len(node.outputs) == 1:
            return node.outputs[0]
        return list(node.outputs)

    # running ----------------------------------------------------------------------------------
    def perform(self, node, inputs, output_storage):
        raise MethodNotDefined(f"{type(self).__name__}.perform")

    def do_constant_folding(self, node):
        return True

    # differentiation --------------------------------------------------------------------------
    def grad(self, inputs, output_grads):
        raise MethodNotDefined(f"{type(self).__name__}.grad")

    def L_op(self, inputs, outputs, output_grads):
        return self.grad(inputs, output_grads)

    def R_op(self, inputs, eval_points):
        raise MethodNotDefined(f"{type(self).__name__}.R_op")

    def connection_pattern(self, node):
        return [[True] * len(node.outputs) for _ in node.inputs]

    # shapes -----------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        raise MethodNotDefined(f"{type(self).__name__}.infer_shape")


def is_variable(x):
    return isinstance(x, Variable)


__all__ = ["Op", "Apply", "MethodNotDefined"]
