"""The Print op: identity that prints its value when it runs."""

from theano.graph.basic import Apply
from theano.graph.op import Op


class PrintOp(Op):
    __props__ = ("message", "attrs")
    view_map = {0: [0]}

    def __init__(self, message="", attrs=("__str__",)):
        self.message = message
        self.attrs = tuple(attrs)

    def make_node(self, x):
        from theano.tensor.basic import as_tensor_variable

        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        for attr in self.attrs:
            val = getattr(x, attr)
            print(self.message, attr, "=", val() if callable(val) else val)
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return list(output_grads)

    def do_constant_folding(self, node):
        return False
