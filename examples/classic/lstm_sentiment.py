"""A masked LSTM sequence classifier trained with Adadelta, in the style of the Theano 1.0 era
sentiment-analysis programs: parameters in an OrderedDict of shared variables, a word embedding
indexed with ``x.flatten()``, a time-major (n_timesteps, n_samples) int64 matrix plus a float mask for
sequences of different lengths, mean pooling over the valid steps, dropout switched by a shared
flag, and the optimizer split in two compiled functions (gradients, then update).

The synthetic task: a sequence is positive when it holds more "good" tokens than "bad" tokens.

    python examples/classic/lstm_sentiment.py [--epochs N]
"""

from __future__ import print_function

import sys
from collections import OrderedDict

import numpy

import theano
from theano import config
import theano.tensor as tensor
from theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams

SEED = 123
numpy.random.seed(SEED)


def numpy_floatX(data):
    return numpy.asarray(data, dtype=config.floatX)


def ortho_weight(ndim):
    W = numpy.random.randn(ndim, ndim)
    u, s, v = numpy.linalg.svd(W)
    return u.astype(config.floatX)


def init_params(options):
    params = OrderedDict()
    randn = numpy.random.rand(options['n_words'], options['dim_proj'])
    params['Wemb'] = (0.01 * randn).astype(config.floatX)
    dim = options['dim_proj']
    params['lstm_W'] = numpy.concatenate([ortho_weight(dim) for _ in range(4)], axis=1)
    params['lstm_U'] = numpy.concatenate([ortho_weight(dim) for _ in range(4)], axis=1)
    params['lstm_b'] = numpy.zeros((4 * dim,)).astype(config.floatX)
    params['U'] = 0.01 * numpy.random.randn(dim, options['ydim']).astype(config.floatX)
    params['b'] = numpy.zeros((options['ydim'],)).astype(config.floatX)
    return params


def init_tparams(params):
    tparams = OrderedDict()
    for kk, pp in params.items():
        tparams[kk] = theano.shared(params[kk], name=kk)
    return tparams


def _slice(_x, n, dim):
    if _x.ndim == 3:
        return _x[:, :, n * dim:(n + 1) * dim]
    return _x[:, n * dim:(n + 1) * dim]


def lstm_layer(tparams, state_below, options, mask):
    nsteps = state_below.shape[0]
    n_samples = state_below.shape[1] if state_below.ndim == 3 else 1
    dim_proj = options['dim_proj']

    def _step(m_, x_, h_, c_):
        preact = tensor.dot(h_, tparams['lstm_U'])
        preact += x_
        i = tensor.nnet.sigmoid(_slice(preact, 0, dim_proj))
        f = tensor.nnet.sigmoid(_slice(preact, 1, dim_proj))
        o = tensor.nnet.sigmoid(_slice(preact, 2, dim_proj))
        c = tensor.tanh(_slice(preact, 3, dim_proj))
        c = f * c_ + i * c
        c = m_[:, None] * c + (1. - m_)[:, None] * c_
        h = o * tensor.tanh(c)
        h = m_[:, None] * h + (1. - m_)[:, None] * h_
        return h, c

    state_below = tensor.dot(state_below, tparams['lstm_W']) + tparams['lstm_b']
    rval, updates = theano.scan(_step,
                                sequences=[mask, state_below],
                                outputs_info=[tensor.alloc(numpy_floatX(0.), n_samples, dim_proj),
                                              tensor.alloc(numpy_floatX(0.), n_samples, dim_proj)],
                                name='lstm_layers',
                                n_steps=nsteps)
    return rval[0]


def dropout_layer(state_before, use_noise, trng):
    return tensor.switch(use_noise,
                         (state_before * trng.binomial(state_before.shape, p=0.5, n=1,
                                                       dtype=state_before.dtype)),
                         state_before * 0.5)


def build_model(tparams, options):
    trng = RandomStreams(SEED)
    use_noise = theano.shared(numpy_floatX(0.))
    x = tensor.matrix('x', dtype='int64')
    mask = tensor.matrix('mask', dtype=config.floatX)
    y = tensor.vector('y', dtype='int64')
    n_timesteps = x.shape[0]
    n_samples = x.shape[1]
    emb = tparams['Wemb'][x.flatten()].reshape([n_timesteps, n_samples, options['dim_proj']])
    proj = lstm_layer(tparams, emb, options, mask=mask)
    proj = (proj * mask[:, :, None]).sum(axis=0)
    proj = proj / mask.sum(axis=0)[:, None]
    if options['use_dropout']:
        proj = dropout_layer(proj, use_noise, trng)
    pred = tensor.nnet.softmax(tensor.dot(proj, tparams['U']) + tparams['b'])
    f_pred_prob = theano.function([x, mask], pred, name='f_pred_prob')
    f_pred = theano.function([x, mask], pred.argmax(axis=1), name='f_pred')
    off = 1e-8 if pred.dtype == 'float64' else 1e-6
    cost = -tensor.log(pred[tensor.arange(n_samples), y] + off).mean()
    return use_noise, x, mask, y, f_pred_prob, f_pred, cost


def adadelta(lr, tparams, grads, x, mask, y, cost):
    zipped_grads = [theano.shared(p.get_value() * numpy_floatX(0.), name='%s_grad' % k)
                    for k, p in tparams.items()]
    running_up2 = [theano.shared(p.get_value() * numpy_floatX(0.), name='%s_rup2' % k)
                   for k, p in tparams.items()]
    running_grads2 = [theano.shared(p.get_value() * numpy_floatX(0.), name='%s_rgrad2' % k)
                      for k, p in tparams.items()]
    zgup = [(zg, g) for zg, g in zip(zipped_grads, grads)]
    rg2up = [(rg2, 0.95 * rg2 + 0.05 * (g ** 2)) for rg2, g in zip(running_grads2, grads)]
    f_grad_shared = theano.function([x, mask, y], cost, updates=zgup + rg2up,
                                    name='adadelta_f_grad_shared')
    updir = [-tensor.sqrt(ru2 + 1e-6) / tensor.sqrt(rg2 + 1e-6) * zg
             for zg, ru2, rg2 in zip(zipped_grads, running_up2, running_grads2)]
    ru2up = [(ru2, 0.95 * ru2 + 0.05 * (ud ** 2)) for ru2, ud in zip(running_up2, updir)]
    param_up = [(p, p + ud) for p, ud in zip(tparams.values(), updir)]
    f_update = theano.function([lr], [], updates=ru2up + param_up, on_unused_input='ignore',
                               name='adadelta_f_update')
    return f_grad_shared, f_update


def prepare_data(seqs, labels, maxlen=None):
    lengths = [len(s) for s in seqs]
    n_samples = len(seqs)
    maxlen = numpy.max(lengths)
    x = numpy.zeros((maxlen, n_samples)).astype('int64')
    x_mask = numpy.zeros((maxlen, n_samples)).astype(config.floatX)
    for idx, s in enumerate(seqs):
        x[:lengths[idx], idx] = s
        x_mask[:lengths[idx], idx] = 1.
    return x, x_mask, numpy.asarray(labels, dtype='int64')


def make_data(n=300, n_words=12, seed=0):
    """Token 1 is good, 2 is bad, the rest are neutral; label = more good than bad."""
    rng = numpy.random.RandomState(seed)
    seqs, labels = [], []
    while len(seqs) < n:
        length = rng.randint(3, 12)
        s = rng.randint(1, n_words, size=length)
        good, bad = numpy.sum(s == 1), numpy.sum(s == 2)
        if good == bad:
            continue
        seqs.append(list(s))
        labels.append(int(good > bad))
    return seqs, labels


def pred_error(f_pred, prepare_data, data, batch_size=50):
    seqs, labels = data
    errs = 0
    for start in range(0, len(seqs), batch_size):
        x, mask, y = prepare_data(seqs[start:start + batch_size], labels[start:start + batch_size])
        errs += (f_pred(x, mask) != y).sum()
    return 1. - numpy_floatX(len(seqs) - errs) / len(seqs)


def train_lstm(dim_proj=16, n_words=12, max_epochs=10, batch_size=8, use_dropout=True,
               verbose=True):
    options = dict(dim_proj=dim_proj, n_words=n_words, ydim=2, use_dropout=use_dropout)
    seqs, labels = make_data(n_words=n_words)
    train, valid = (seqs[:240], labels[:240]), (seqs[240:], labels[240:])
    params = init_params(options)
    tparams = init_tparams(params)
    use_noise, x, mask, y, f_pred_prob, f_pred, cost = build_model(tparams, options)
    f_cost = theano.function([x, mask, y], cost, name='f_cost')
    grads = tensor.grad(cost, wrt=list(tparams.values()))
    f_grad = theano.function([x, mask, y], grads, name='f_grad')
    lr = tensor.scalar(name='lr')
    f_grad_shared, f_update = adadelta(lr, tparams, grads, x, mask, y, cost)

    history = []
    for eidx in range(max_epochs):
        use_noise.set_value(numpy_floatX(1.))
        costs = []
        for start in range(0, len(train[0]), batch_size):
            bx, bmask, by = prepare_data(train[0][start:start + batch_size],
                                         train[1][start:start + batch_size])
            costs.append(f_grad_shared(bx, bmask, by))
            f_update(0.0001)
        use_noise.set_value(numpy_floatX(0.))
        history.append((float(numpy.mean(costs)), float(pred_error(f_pred, prepare_data, train)),
                        float(pred_error(f_pred, prepare_data, valid))))
        if verbose:
            print('Epoch %d cost %f train err %f valid err %f' % ((eidx,) + history[-1]))
    return dict(history=history, tparams=tparams, f_pred=f_pred, f_pred_prob=f_pred_prob,
                f_cost=f_cost, f_grad=f_grad, use_noise=use_noise, valid=valid, train=train,
                options=options)


if __name__ == '__main__':
    args = sys.argv[1:]
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 10
    train_lstm(max_epochs=n_epochs)
