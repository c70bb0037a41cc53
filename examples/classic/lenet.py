"""A LeNet-style convolutional network (conv -> max-pool -> tanh, twice, then an MLP), written the way
Theano 1.0's convolutional tutorial programs are.

Runs on synthetic 12x12 images of bars and crosses by default (four classes), or on scikit-learn's
8x8 digits with --digits.

    python examples/classic/lenet.py [--digits] [--epochs N]
"""

from __future__ import print_function

import os
import sys

import numpy

import theano
import theano.tensor as T
from theano.tensor.nnet import conv2d
from theano.tensor.signal import pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from logistic_sgd import LogisticRegression, shared_dataset  # noqa: E402
from mlp import HiddenLayer  # noqa: E402


class LeNetConvPoolLayer(object):
    def __init__(self, rng, input, filter_shape, image_shape, poolsize=(2, 2)):
        assert image_shape[1] == filter_shape[1]
        self.input = input
        fan_in = numpy.prod(filter_shape[1:])
        fan_out = (filter_shape[0] * numpy.prod(filter_shape[2:]) // numpy.prod(poolsize))
        W_bound = numpy.sqrt(6. / (fan_in + fan_out))
        self.W = theano.shared(
            numpy.asarray(rng.uniform(low=-W_bound, high=W_bound, size=filter_shape),
                          dtype=theano.config.floatX),
            borrow=True)
        b_values = numpy.zeros((filter_shape[0],), dtype=theano.config.floatX)
        self.b = theano.shared(value=b_values, borrow=True)

        conv_out = conv2d(input=input, filters=self.W, filter_shape=filter_shape,
                          input_shape=image_shape)
        pooled_out = pool.pool_2d(input=conv_out, ws=poolsize, ignore_border=True)
        self.output = T.tanh(pooled_out + self.b.dimshuffle('x', 0, 'x', 'x'))
        self.params = [self.W, self.b]


def make_shapes(n_per_class=60, size=12, seed=0, noise=0.3):
    """Four classes: horizontal bar, vertical bar, diagonal, cross; random positions, noisy."""
    rng = numpy.random.RandomState(seed)
    xs, ys = [], []
    for label in range(4):
        for _ in range(n_per_class):
            img = numpy.zeros((size, size))
            r, c = rng.randint(2, size - 2, size=2)
            if label == 0:
                img[r, 1:-1] = 1
            elif label == 1:
                img[1:-1, c] = 1
            elif label == 2:
                numpy.fill_diagonal(img, 1)
            else:
                img[r, 1:-1] = 1
                img[1:-1, c] = 1
            xs.append(img + noise * rng.normal(size=img.shape))
            ys.append(label)
    x = numpy.asarray(xs).reshape(len(xs), -1)
    y = numpy.asarray(ys)
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    n = len(y)
    a, b = int(0.6 * n), int(0.8 * n)
    return [(x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])]


def load_digits_data():
    from sklearn.datasets import load_digits
    digits = load_digits()
    x, y = digits.data / 16.0, digits.target
    order = numpy.random.RandomState(0).permutation(len(y))
    x, y = x[order], y[order]
    return [(x[:1000], y[:1000]), (x[1000:1400], y[1000:1400]), (x[1400:], y[1400:])]


def build(datasets, img_size, nkerns=(4, 8), batch_size=20, learning_rate=0.3, seed=23455):
    rng = numpy.random.RandomState(seed)
    train_set_x, train_set_y = shared_dataset(datasets[0])
    valid_set_x, valid_set_y = shared_dataset(datasets[1])
    n_out = int(numpy.max(datasets[0][1])) + 1

    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')

    layer0_input = x.reshape((batch_size, 1, img_size, img_size))
    layer0 = LeNetConvPoolLayer(rng, input=layer0_input, image_shape=(batch_size, 1, img_size, img_size),
                                filter_shape=(nkerns[0], 1, 3, 3), poolsize=(2, 2))
    s1 = (img_size - 2) // 2
    layer1 = LeNetConvPoolLayer(rng, input=layer0.output, image_shape=(batch_size, nkerns[0], s1, s1),
                                filter_shape=(nkerns[1], nkerns[0], 2, 2), poolsize=(1, 1))
    s2 = s1 - 1
    layer2_input = layer1.output.flatten(2)
    layer2 = HiddenLayer(rng, input=layer2_input, n_in=nkerns[1] * s2 * s2, n_out=32,
                         activation=T.tanh)
    layer3 = LogisticRegression(input=layer2.output, n_in=32, n_out=n_out)
    cost = layer3.negative_log_likelihood(y)

    params = layer3.params + layer2.params + layer1.params + layer0.params
    grads = T.grad(cost, params)
    updates = [(param_i, param_i - learning_rate * grad_i) for param_i, grad_i in zip(params, grads)]

    train_model = theano.function(
        [index], cost, updates=updates,
        givens={x: train_set_x[index * batch_size: (index + 1) * batch_size],
                y: train_set_y[index * batch_size: (index + 1) * batch_size]})
    validate_model = theano.function(
        [index], layer3.errors(y),
        givens={x: valid_set_x[index * batch_size: (index + 1) * batch_size],
                y: valid_set_y[index * batch_size: (index + 1) * batch_size]})
    layer0_fn = theano.function([x], layer0.output)
    return dict(train_model=train_model, validate_model=validate_model, layer0=layer0,
                layer0_fn=layer0_fn, params=params, batch_size=batch_size,
                n_train_batches=train_set_x.get_value(borrow=True).shape[0] // batch_size,
                n_valid_batches=valid_set_x.get_value(borrow=True).shape[0] // batch_size)


def train(datasets, img_size, n_epochs=10, verbose=True, **kwargs):
    model = build(datasets, img_size, **kwargs)
    epoch_costs, valid_errors = [], []
    for epoch in range(n_epochs):
        epoch_costs.append(float(numpy.mean(
            [model['train_model'](i) for i in range(model['n_train_batches'])])))
        valid_errors.append(float(numpy.mean(
            [model['validate_model'](i) for i in range(model['n_valid_batches'])])))
        if verbose:
            print('epoch %i, cost %f, validation error %f %%' % (epoch + 1, epoch_costs[-1],
                                                                 valid_errors[-1] * 100.))
    model.update(epoch_costs=epoch_costs, valid_errors=valid_errors)
    return model


if __name__ == '__main__':
    args = sys.argv[1:]
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 10
    if '--digits' in args:
        train(load_digits_data(), 8, n_epochs=n_epochs)
    else:
        train(make_shapes(), 12, n_epochs=n_epochs)
