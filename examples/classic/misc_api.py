"""Odds and ends that Theano 1.0 programs use around their models: printing graphs, compiling in
FAST_COMPILE mode, building arrays with set_subtensor / inc_subtensor, and checkpointing parameters by
pickling the shared variables.

    python examples/classic/misc_api.py
"""

from __future__ import print_function

import io
import os
import pickle
import sys

import numpy

import theano
import theano.tensor as T

if sys.version_info[0] >= 3:
    import _pickle as cPickle  # what "import cPickle" became
else:  # pragma: no cover
    import cPickle


def print_graphs(file=None):
    x = T.dvector('x')
    w = theano.shared(numpy.arange(3.), name='w')
    y = T.tanh(T.dot(x, w) + 1) ** 2
    gy = T.grad(y, x)
    text = theano.pp(y)
    buf = io.StringIO()
    theano.printing.debugprint(y, file=buf)
    f = theano.function([x], gy)
    buf_f = io.StringIO()
    theano.printing.debugprint(f, file=buf_f)
    if file is not None:
        print(text, file=file)
        print(buf.getvalue(), file=file)
        print(buf_f.getvalue(), file=file)
    return text, buf.getvalue(), buf_f.getvalue(), f


def fast_compile_softmax_regression(x_value, y_value, steps=20, lr=0.5):
    x = T.matrix('x')
    y = T.ivector('y')
    n_in, n_out = x_value.shape[1], int(y_value.max()) + 1
    W = theano.shared(numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name='W')
    b = theano.shared(numpy.zeros(n_out, dtype=theano.config.floatX), name='b')
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = T.nnet.categorical_crossentropy(p, y).mean()
    gW, gb = T.grad(cost, [W, b])
    train = theano.function([x, y], cost, updates=[(W, W - lr * gW), (b, b - lr * gb)],
                            mode='FAST_COMPILE', allow_input_downcast=True)
    costs = [float(train(x_value, y_value)) for _ in range(steps)]
    return costs, W, b


def one_hot_with_set_subtensor(labels, n_classes):
    y = T.ivector('y')
    z = T.zeros((y.shape[0], n_classes), dtype=theano.config.floatX)
    z = T.set_subtensor(z[T.arange(y.shape[0]), y], 1.)
    counts = T.inc_subtensor(T.zeros((n_classes,), dtype='int32')[y], 1)
    f = theano.function([y], [z, counts])
    return f(numpy.asarray(labels, dtype='int32'))


def save_params(params, path):
    with open(path, 'wb') as f:
        for p in params:
            cPickle.dump(p.get_value(borrow=True), f, -1)
    with open(path + '.shared', 'wb') as f:
        pickle.dump(params, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_params(params, path):
    with open(path, 'rb') as f:
        for p in params:
            p.set_value(cPickle.load(f), borrow=True)
    with open(path + '.shared', 'rb') as f:
        return pickle.load(f)


if __name__ == '__main__':
    print_graphs(file=sys.stdout)
    rng = numpy.random.RandomState(0)
    xv = rng.normal(size=(60, 4))
    yv = (xv[:, 0] + xv[:, 1] > 0).astype('int32')
    costs, W, b = fast_compile_softmax_regression(xv, yv)
    print('FAST_COMPILE costs', costs[0], '->', costs[-1])
    print(one_hot_with_set_subtensor([0, 2, 1, 2], 3))
    path = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'classic_params.pkl')
    save_params([W, b], path)
    print('reloaded', [p.name for p in load_params([W, b], path)])
