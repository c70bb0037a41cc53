"""Extending Theano the Theano 1.0 way: an Op written in Python (make_node / perform / infer_shape /
grad / R_op), a second one with parameters (``__props__``), and a NumPy function wrapped with
``as_op``; then a small model that uses them and is trained by gradient descent.

    python examples/classic/custom_op.py
"""

from __future__ import print_function

import numpy

import theano
import theano.tensor as T
from theano import gof
from theano.compile.ops import as_op


class DoubleOp(theano.Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


class ScaledSoftplus(gof.Op):
    """a * log(1 + exp(b * x)), with a and b fixed when the op is made."""
    __props__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b
        super(ScaledSoftplus, self).__init__()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, = inputs
        output_storage[0][0] = numpy.asarray(self.a * numpy.logaddexp(0, self.b * x), dtype=x.dtype)

    def infer_shape(self, node, shapes):
        return shapes

    def grad(self, inputs, output_grads):
        x, = inputs
        gz, = output_grads
        return [gz * self.a * self.b * T.nnet.sigmoid(self.b * x)]


@as_op(itypes=[T.dmatrix], otypes=[T.dvector])
def row_medians(m):
    return numpy.median(m, axis=1)


def fit(n_steps=200, lr=0.1, seed=0):
    """Fit y = double(softplus(x w)) to data made with a known w."""
    rng = numpy.random.RandomState(seed)
    x_val = rng.normal(size=(50, 3))
    w_true = numpy.array([0.5, -1.0, 0.25])
    act = ScaledSoftplus(1.0, 1.0)
    y_val = 2 * numpy.logaddexp(0, x_val @ w_true)
    x = T.dmatrix('x')
    y = T.dvector('y')
    w = theano.shared(numpy.zeros(3), name='w')
    pred = DoubleOp()(act(T.dot(x, w)))
    cost = T.mean((pred - y) ** 2)
    train = theano.function([x, y], cost, updates=[(w, w - lr * T.grad(cost, w))])
    costs = [float(train(x_val, y_val)) for _ in range(n_steps)]
    return dict(costs=costs, w=w.get_value(), w_true=w_true,
                medians=theano.function([x], row_medians(x))(x_val), x_val=x_val)


if __name__ == '__main__':
    result = fit()
    print('cost %.5f -> %.5f' % (result['costs'][0], result['costs'][-1]))
    print('w', result['w'], 'true', result['w_true'])
