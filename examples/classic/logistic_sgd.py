"""Multiclass logistic regression trained by minibatch SGD, written the way Theano 1.0 tutorials are.

The datasets live in shared variables (one copy, indexed by a symbolic minibatch number through
``givens``); labels are stored as floatX and cast to int32 in the graph.

    python examples/classic/logistic_sgd.py [--digits] [--epochs N]
"""

from __future__ import print_function

import sys
import timeit

import numpy

import theano
import theano.tensor as T


class LogisticRegression(object):
    """p(y = i | x) = softmax(x W + b)_i"""

    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX),
                               name='W', borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                               name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        # log-probability of the right class for every row, averaged over the minibatch
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError('y should have the same shape as self.y_pred',
                            ('y', y.type, 'y_pred', self.y_pred.type))
        if y.dtype.startswith('int'):
            return T.mean(T.neq(self.y_pred, y))
        raise NotImplementedError()


def make_blobs(n_per_class=100, n_in=10, n_classes=3, seed=1234, spread=1.0):
    """Gaussian clusters, one per class, shuffled."""
    rng = numpy.random.RandomState(seed)
    centers = rng.normal(0, 3.0, size=(n_classes, n_in))
    x = numpy.concatenate([c + spread * rng.normal(size=(n_per_class, n_in)) for c in centers])
    y = numpy.repeat(numpy.arange(n_classes), n_per_class)
    order = rng.permutation(len(y))
    return x[order], y[order]


def split(x, y):
    n = len(y)
    a, b = int(0.6 * n), int(0.8 * n)
    return [(x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])]


def load_digits_data():
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = digits.data / 16.0
    y = digits.target
    order = numpy.random.RandomState(0).permutation(len(y))
    return split(x[order], y[order])


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


def sgd_optimization(datasets, learning_rate=0.13, n_epochs=20, batch_size=20, verbose=True):
    train_set_x, train_set_y = shared_dataset(datasets[0])
    valid_set_x, valid_set_y = shared_dataset(datasets[1])
    test_set_x, test_set_y = shared_dataset(datasets[2])

    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
    n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size
    n_in = train_set_x.get_value(borrow=True).shape[1]
    n_out = int(numpy.max(datasets[0][1])) + 1

    index = T.lscalar('index')
    x = T.matrix('x')
    y = T.ivector('y')

    classifier = LogisticRegression(input=x, n_in=n_in, n_out=n_out)
    cost = classifier.negative_log_likelihood(y)

    test_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: test_set_x[index * batch_size:(index + 1) * batch_size],
            y: test_set_y[index * batch_size:(index + 1) * batch_size]
        }
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: valid_set_x[index * batch_size:(index + 1) * batch_size],
            y: valid_set_y[index * batch_size:(index + 1) * batch_size]
        }
    )

    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [(classifier.W, classifier.W - learning_rate * g_W),
               (classifier.b, classifier.b - learning_rate * g_b)]

    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={
            x: train_set_x[index * batch_size: (index + 1) * batch_size],
            y: train_set_y[index * batch_size: (index + 1) * batch_size]
        }
    )
    predict_model = theano.function(inputs=[classifier.input], outputs=classifier.y_pred)

    start_time = timeit.default_timer()
    epoch_costs = []
    best_validation_loss = numpy.inf
    test_score = None
    for epoch in range(1, n_epochs + 1):
        minibatch_costs = [train_model(minibatch_index) for minibatch_index in range(n_train_batches)]
        epoch_costs.append(float(numpy.mean(minibatch_costs)))
        validation_losses = [validate_model(i) for i in range(n_valid_batches)]
        this_validation_loss = numpy.mean(validation_losses)
        if verbose:
            print('epoch %i, cost %f, validation error %f %%' %
                  (epoch, epoch_costs[-1], this_validation_loss * 100.))
        if this_validation_loss < best_validation_loss:
            best_validation_loss = this_validation_loss
            test_score = numpy.mean([test_model(i) for i in range(n_test_batches)])
    end_time = timeit.default_timer()
    if verbose:
        print('Optimization complete with best validation score of %f %%, with test performance %f %%'
              % (best_validation_loss * 100., test_score * 100.))
        print('The code ran for %.1fs' % (end_time - start_time))
    return dict(epoch_costs=epoch_costs, best_validation_loss=float(best_validation_loss),
                test_score=float(test_score), W=classifier.W.get_value(), b=classifier.b.get_value(),
                predict=predict_model, n_train_batches=n_train_batches)


if __name__ == '__main__':
    n_epochs = int(sys.argv[sys.argv.index('--epochs') + 1]) if '--epochs' in sys.argv else 20
    if '--digits' in sys.argv:
        data = load_digits_data()
    else:
        data = split(*make_blobs())
    result = sgd_optimization(data, n_epochs=n_epochs)
    print('final W dtype', result['W'].dtype, 'final cost', result['epoch_costs'][-1])
