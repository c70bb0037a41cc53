"""A denoising autoencoder with tied weights, in the style of Theano 1.0 tutorials.

The input is corrupted by a binomial mask drawn inside the compiled function (either
``theano.tensor.shared_randomstreams.RandomStreams`` or ``theano.sandbox.rng_mrg.MRG_RandomStreams``),
encoded with sigmoid(x W + b), decoded with sigmoid(h W' + b') where W' = W.T, and trained on the
cross-entropy of the reconstruction.

    python examples/classic/dA.py [--mrg] [--corruption 0.3] [--epochs N]
"""

from __future__ import print_function

import sys

import numpy

import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import MRG_RandomStreams
from theano.tensor.shared_randomstreams import RandomStreams


class dA(object):
    def __init__(self, numpy_rng, theano_rng=None, input=None, n_visible=64, n_hidden=16,
                 W=None, bhid=None, bvis=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if not theano_rng:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        if not W:
            initial_W = numpy.asarray(
                numpy_rng.uniform(low=-4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                                  high=4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                                  size=(n_visible, n_hidden)),
                dtype=theano.config.floatX)
            W = theano.shared(value=initial_W, name='W', borrow=True)
        if not bvis:
            bvis = theano.shared(value=numpy.zeros(n_visible, dtype=theano.config.floatX),
                                 borrow=True)
        if not bhid:
            bhid = theano.shared(value=numpy.zeros(n_hidden, dtype=theano.config.floatX),
                                 name='b', borrow=True)
        self.W = W
        self.b = bhid
        self.b_prime = bvis
        self.W_prime = self.W.T
        self.theano_rng = theano_rng
        self.x = T.dmatrix(name='input') if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        return self.theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level,
                                        dtype=theano.config.floatX) * input

    def get_hidden_values(self, input):
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = - T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [(param, param - learning_rate * gparam)
                   for param, gparam in zip(self.params, gparams)]
        return cost, updates


def make_patterns(n=400, n_visible=64, n_prototypes=6, flip=0.05, seed=0):
    """Binary vectors near a few random prototypes."""
    rng = numpy.random.RandomState(seed)
    protos = rng.binomial(1, 0.5, size=(n_prototypes, n_visible))
    x = protos[rng.randint(n_prototypes, size=n)]
    noise = rng.binomial(1, flip, size=x.shape)
    return numpy.abs(x - noise).astype(theano.config.floatX)


def train_dA(data, corruption_level=0.3, learning_rate=0.1, training_epochs=10, batch_size=20,
             n_hidden=16, use_mrg=False, verbose=True, seed=123):
    train_set_x = theano.shared(numpy.asarray(data, dtype=theano.config.floatX), borrow=True)
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    index = T.lscalar()
    x = T.matrix('x')
    rng = numpy.random.RandomState(seed)
    if use_mrg:
        theano_rng = MRG_RandomStreams(rng.randint(2 ** 30))
    else:
        theano_rng = RandomStreams(rng.randint(2 ** 30))
    da = dA(numpy_rng=rng, theano_rng=theano_rng, input=x, n_visible=data.shape[1],
            n_hidden=n_hidden)
    cost, updates = da.get_cost_updates(corruption_level=corruption_level,
                                        learning_rate=learning_rate)
    train_da = theano.function(
        [index], cost, updates=updates,
        givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]})
    corrupt = theano.function([x], da.get_corrupted_input(x, corruption_level))
    reconstruct = theano.function([x], da.get_reconstructed_input(da.get_hidden_values(x)))
    epoch_costs = []
    for epoch in range(training_epochs):
        c = [train_da(batch_index) for batch_index in range(n_train_batches)]
        epoch_costs.append(float(numpy.mean(c)))
        if verbose:
            print('Training epoch %d, cost %f' % (epoch, epoch_costs[-1]))
    return dict(da=da, epoch_costs=epoch_costs, train_da=train_da, corrupt=corrupt,
                reconstruct=reconstruct)


if __name__ == '__main__':
    args = sys.argv[1:]
    level = float(args[args.index('--corruption') + 1]) if '--corruption' in args else 0.3
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 10
    train_dA(make_patterns(), corruption_level=level, training_epochs=n_epochs,
             use_mrg='--mrg' in args)
