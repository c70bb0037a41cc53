"""A one-hidden-layer perceptron (tanh) with L1/L2 penalties, in the style of Theano 1.0 tutorials.

Three optimizers, each written with plain shared variables: vanilla SGD (the list-comprehension
updates), classical momentum (one velocity per parameter) and Adam (two moments and a step counter).

    python examples/classic/mlp.py [--optimizer sgd|momentum|adam] [--epochs N] [--digits]
"""

from __future__ import print_function

import os
import sys

import numpy

import theano
import theano.tensor as T

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from logistic_sgd import LogisticRegression, load_digits_data, make_blobs, shared_dataset, split  # noqa: E402


class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            bound = numpy.sqrt(6. / (n_in + n_out))
            W_values = numpy.asarray(rng.uniform(low=-bound, high=bound, size=(n_in, n_out)),
                                     dtype=theano.config.floatX)
            if activation == T.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name='W', borrow=True)
        if b is None:
            b_values = numpy.zeros((n_out,), dtype=theano.config.floatX)
            b = theano.shared(value=b_values, name='b', borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


class MLP(object):
    def __init__(self, rng, input, n_in, n_hidden, n_out):
        self.hiddenLayer = HiddenLayer(rng=rng, input=input, n_in=n_in, n_out=n_hidden,
                                       activation=T.tanh)
        self.logRegressionLayer = LogisticRegression(input=self.hiddenLayer.output,
                                                     n_in=n_hidden, n_out=n_out)
        # the output layer starts at zero in LogisticRegression: give it small random weights so
        # that the hidden layer gets a gradient from the first step
        self.logRegressionLayer.W.set_value(numpy.asarray(
            rng.uniform(-0.1, 0.1, size=(n_hidden, n_out)), dtype=theano.config.floatX))
        self.L1 = abs(self.hiddenLayer.W).sum() + abs(self.logRegressionLayer.W).sum()
        self.L2_sqr = (self.hiddenLayer.W ** 2).sum() + (self.logRegressionLayer.W ** 2).sum()
        self.negative_log_likelihood = self.logRegressionLayer.negative_log_likelihood
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params
        self.input = input


def sgd(cost, params, learning_rate=0.01):
    grads = [T.grad(cost, param) for param in params]
    return [(param, param - learning_rate * gparam) for param, gparam in zip(params, grads)]


def momentum(cost, params, learning_rate=0.01, mu=0.9):
    updates = []
    for param in params:
        velocity = theano.shared(param.get_value() * 0., broadcastable=param.broadcastable)
        updates.append((velocity, mu * velocity - learning_rate * T.grad(cost, param)))
        updates.append((param, param + mu * velocity - learning_rate * T.grad(cost, param)))
    return updates


def adam(cost, params, learning_rate=0.001, b1=0.9, b2=0.999, e=1e-8):
    updates = []
    grads = T.grad(cost, params)
    i = theano.shared(numpy.asarray(0., dtype=theano.config.floatX))
    i_t = i + 1.
    fix1 = 1. - b1 ** i_t
    fix2 = 1. - b2 ** i_t
    lr_t = learning_rate * (T.sqrt(fix2) / fix1)
    for p, g in zip(params, grads):
        m = theano.shared(numpy.zeros(p.get_value().shape, dtype=theano.config.floatX))
        v = theano.shared(numpy.zeros(p.get_value().shape, dtype=theano.config.floatX))
        m_t = (b1 * m) + ((1. - b1) * g)
        v_t = (b2 * v) + ((1. - b2) * T.sqr(g))
        g_t = m_t / (T.sqrt(v_t) + e)
        p_t = p - (lr_t * g_t)
        updates.append((m, T.cast(m_t, theano.config.floatX)))
        updates.append((v, T.cast(v_t, theano.config.floatX)))
        updates.append((p, T.cast(p_t, theano.config.floatX)))
    updates.append((i, T.cast(i_t, theano.config.floatX)))
    return updates


OPTIMIZERS = {'sgd': (sgd, 0.05), 'momentum': (momentum, 0.01), 'adam': (adam, 0.005)}


def build(datasets, n_hidden=16, L1_reg=0.0, L2_reg=0.0001, batch_size=20, optimizer='sgd',
          learning_rate=None, seed=1234):
    train_set_x, train_set_y = shared_dataset(datasets[0])
    valid_set_x, valid_set_y = shared_dataset(datasets[1])
    n_in = train_set_x.get_value(borrow=True).shape[1]
    n_out = int(numpy.max(datasets[0][1])) + 1

    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')
    rng = numpy.random.RandomState(seed)
    classifier = MLP(rng=rng, input=x, n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    cost = (classifier.negative_log_likelihood(y) + L1_reg * classifier.L1
            + L2_reg * classifier.L2_sqr)

    rule, default_lr = OPTIMIZERS[optimizer]
    updates = rule(cost, classifier.params, learning_rate or default_lr)
    train_model = theano.function(
        inputs=[index], outputs=cost, updates=updates,
        givens={x: train_set_x[index * batch_size: (index + 1) * batch_size],
                y: train_set_y[index * batch_size: (index + 1) * batch_size]})
    validate_model = theano.function(
        inputs=[], outputs=classifier.errors(y),
        givens={x: valid_set_x, y: valid_set_y})
    cost_and_grads = theano.function([x, y], [cost] + T.grad(cost, classifier.params))
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    return dict(train_model=train_model, validate_model=validate_model, classifier=classifier,
                cost_and_grads=cost_and_grads, n_train_batches=n_train_batches, updates=updates)


def train(datasets, n_epochs=20, verbose=True, **kwargs):
    model = build(datasets, **kwargs)
    epoch_costs, valid_errors = [], []
    for epoch in range(n_epochs):
        costs = [model['train_model'](i) for i in range(model['n_train_batches'])]
        epoch_costs.append(float(numpy.mean(costs)))
        valid_errors.append(float(model['validate_model']()))
        if verbose:
            print('epoch %i, cost %f, validation error %f %%' % (epoch + 1, epoch_costs[-1],
                                                                 valid_errors[-1] * 100))
    model.update(epoch_costs=epoch_costs, valid_errors=valid_errors)
    return model


if __name__ == '__main__':
    args = sys.argv[1:]
    opt = args[args.index('--optimizer') + 1] if '--optimizer' in args else 'sgd'
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 20
    data = load_digits_data() if '--digits' in args else split(*make_blobs(spread=3.0))
    model = train(data, n_epochs=n_epochs, optimizer=opt)
    params = [p.get_value() for p in model['classifier'].params]
    print('param dtypes', ' '.join(p.dtype.name for p in params))
    print('final cost', model['epoch_costs'][-1], 'final validation error', model['valid_errors'][-1])
