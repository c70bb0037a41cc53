"""A variational autoencoder as written in the Theano days (2014-2016): Gaussian encoder, Bernoulli
decoder, the reparameterization trick with a random stream (``z = mu + exp(log_sigma) * eps``), the
analytic KL term, and Adam on a dict of shared parameters.

    python examples/classic/vae.py [--epochs N]
"""

from __future__ import print_function

import sys
from collections import OrderedDict

import numpy as np

import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams

floatX = theano.config.floatX


def init_w(rng, n_in, n_out, name):
    return theano.shared(np.asarray(rng.normal(0, 0.1, (n_in, n_out)), dtype=floatX), name=name)


def init_b(n, name):
    return theano.shared(np.zeros(n, dtype=floatX), name=name)


class VAE(object):
    def __init__(self, n_in, n_hidden, n_latent, seed=1):
        rng = np.random.RandomState(seed)
        self.srng = RandomStreams(seed=seed)
        self.n_latent = n_latent
        self.params = OrderedDict()
        for name, (a, b) in [('W_xh', (n_in, n_hidden)), ('W_hmu', (n_hidden, n_latent)),
                             ('W_hsigma', (n_hidden, n_latent)), ('W_zh', (n_latent, n_hidden)),
                             ('W_hx', (n_hidden, n_in))]:
            self.params[name] = init_w(rng, a, b, name)
        for name, n in [('b_xh', n_hidden), ('b_hmu', n_latent), ('b_hsigma', n_latent),
                        ('b_zh', n_hidden), ('b_hx', n_in)]:
            self.params[name] = init_b(n, name)

    def encoder(self, x):
        p = self.params
        h = T.tanh(T.dot(x, p['W_xh']) + p['b_xh'])
        mu = T.dot(h, p['W_hmu']) + p['b_hmu']
        log_sigma = 0.5 * (T.dot(h, p['W_hsigma']) + p['b_hsigma'])
        return mu, log_sigma

    def sampler(self, mu, log_sigma, eps=None):
        if eps is None:
            eps = self.srng.normal(mu.shape, dtype=floatX)
        return mu + T.exp(log_sigma) * eps

    def decoder(self, z):
        p = self.params
        h = T.tanh(T.dot(z, p['W_zh']) + p['b_zh'])
        return T.nnet.sigmoid(T.dot(h, p['W_hx']) + p['b_hx'])

    def lower_bound(self, x, eps=None):
        mu, log_sigma = self.encoder(x)
        z = self.sampler(mu, log_sigma, eps)
        reconstructed_x = self.decoder(z)
        kl = 0.5 * T.sum(1 + 2 * log_sigma - mu ** 2 - T.exp(2 * log_sigma), axis=1)
        log_px = -T.nnet.binary_crossentropy(reconstructed_x, x).sum(axis=1)
        return T.mean(kl + log_px), T.mean(kl), T.mean(log_px)


def adam_updates(cost, params, lr=0.003, b1=0.9, b2=0.999, eps=1e-8):
    """Maximize ``cost``."""
    grads = T.grad(cost, list(params.values()))
    t = theano.shared(np.asarray(0., dtype=floatX), name='t')
    t_new = t + 1
    updates = OrderedDict()
    updates[t] = t_new
    for (name, p), g in zip(params.items(), grads):
        m = theano.shared(p.get_value() * 0., name='m_' + name)
        v = theano.shared(p.get_value() * 0., name='v_' + name)
        m_new = b1 * m + (1 - b1) * g
        v_new = b2 * v + (1 - b2) * g ** 2
        m_hat = m_new / (1 - b1 ** t_new)
        v_hat = v_new / (1 - b2 ** t_new)
        updates[m] = m_new
        updates[v] = v_new
        updates[p] = T.cast(p + lr * m_hat / (T.sqrt(v_hat) + eps), floatX)
    return updates


def make_data(n=400, n_in=20, seed=0):
    rng = np.random.RandomState(seed)
    protos = rng.binomial(1, 0.5, size=(4, n_in))
    x = protos[rng.randint(4, size=n)]
    return np.abs(x - rng.binomial(1, 0.05, size=x.shape)).astype(floatX)


def train(n_epochs=15, batch_size=40, verbose=True):
    data = make_data()
    model = VAE(data.shape[1], 32, 2)
    x = T.matrix('x')
    lb, kl, log_px = model.lower_bound(x)
    updates = adam_updates(lb, model.params)
    data_shared = theano.shared(data, borrow=True)
    index = T.lscalar('index')
    update_fn = theano.function([index], [lb, kl, log_px], updates=updates,
                                givens={x: data_shared[index * batch_size:(index + 1) * batch_size]})
    eps = T.matrix('eps')
    lb_fixed_eps = theano.function([x, eps], model.lower_bound(x, eps)[0])
    n_batches = len(data) // batch_size
    history = []
    for epoch in range(n_epochs):
        history.append(np.mean([update_fn(i) for i in range(n_batches)], axis=0).tolist())
        if verbose:
            print('epoch %d lower bound %.3f (KL %.3f, log p(x|z) %.3f)' % ((epoch,) + tuple(history[-1])))
    return dict(model=model, history=history, data=data, lb_fixed_eps=lb_fixed_eps)


if __name__ == '__main__':
    args = sys.argv[1:]
    train(n_epochs=int(args[args.index('--epochs') + 1]) if '--epochs' in args else 15)
