"""A character-level recurrent language model (vanilla RNN or LSTM) with ``theano.scan``, written the
way Theano 1.0 era programs are: one-hot inputs, softmax outputs, gradient clipping, SGD with shared
variables, and a sampler (a second scan) that picks each next character with ``ifelse`` (greedy or
sampled) fed back into the loop.

    python examples/classic/rnn_lm.py [--lstm] [--epochs N]
"""

from __future__ import print_function

import sys

import numpy

import theano
import theano.tensor as T
from theano.ifelse import ifelse
from theano.tensor.shared_randomstreams import RandomStreams

floatX = theano.config.floatX

TEXT = "the cat sat on the mat. the dog sat on the log. " * 4


def init_weight(rng, *shape):
    return theano.shared(numpy.asarray(rng.normal(0, 0.1, size=shape), dtype=floatX))


def init_bias(n, value=0.):
    return theano.shared(numpy.full(n, value, dtype=floatX))


class RNNLM(object):
    def __init__(self, vocab_size, n_hidden, lstm=False, seed=42, clip=5.0):
        rng = numpy.random.RandomState(seed)
        self.vocab_size, self.n_hidden, self.lstm = vocab_size, n_hidden, lstm
        gates = 4 if lstm else 1
        self.W_x = init_weight(rng, vocab_size, gates * n_hidden)
        self.W_h = init_weight(rng, n_hidden, gates * n_hidden)
        # forget-gate bias 1, as usual for LSTMs
        b = numpy.zeros(gates * n_hidden, dtype=floatX)
        if lstm:
            b[n_hidden:2 * n_hidden] = 1.
        self.b_h = theano.shared(b)
        self.W_y = init_weight(rng, n_hidden, vocab_size)
        self.b_y = init_bias(vocab_size)
        self.params = [self.W_x, self.W_h, self.b_h, self.W_y, self.b_y]
        self.clip = clip

    def _slice(self, m, k):
        return m[:, k * self.n_hidden:(k + 1) * self.n_hidden]

    def step(self, x_t, h_tm1, c_tm1):
        """One step on a (1, vocab) one-hot row; returns the new h, c and the (1, vocab) softmax."""
        pre = T.dot(x_t, self.W_x) + T.dot(h_tm1, self.W_h) + self.b_h
        if self.lstm:
            i = T.nnet.sigmoid(self._slice(pre, 0))
            f = T.nnet.sigmoid(self._slice(pre, 1))
            o = T.nnet.sigmoid(self._slice(pre, 2))
            g = T.tanh(self._slice(pre, 3))
            c_t = f * c_tm1 + i * g
            h_t = o * T.tanh(c_t)
        else:
            h_t = T.tanh(pre)
            c_t = c_tm1
        y_t = T.nnet.softmax(T.dot(h_t, self.W_y) + self.b_y)
        return h_t, c_t, y_t

    def initial_state(self):
        return T.zeros((1, self.n_hidden), dtype=floatX)

    def cost(self, x_seq, y_seq):
        """Mean negative log-likelihood of the next characters y_seq given one-hot inputs x_seq."""
        def recurrence(x_t, h_tm1, c_tm1):
            h_t, c_t, y_t = self.step(x_t.dimshuffle('x', 0), h_tm1, c_tm1)
            return [h_t, c_t, y_t[0]]

        (h, c, probs), _ = theano.scan(fn=recurrence, sequences=x_seq,
                                       outputs_info=[self.initial_state(), self.initial_state(), None])
        nll = -T.mean(T.log(probs)[T.arange(y_seq.shape[0]), y_seq])
        return nll, probs

    def clipped_grads(self, cost):
        grads = T.grad(cost, self.params)
        norm = T.sqrt(sum(T.sum(g ** 2) for g in grads))
        scale = T.switch(T.gt(norm, self.clip), self.clip / norm, 1.)
        return [g * T.cast(scale, floatX) for g in grads], norm

    def sampler(self, n_steps, srng):
        """Generate n_steps characters from a start index; greedy when `greedy` is 1."""
        start = T.lscalar('start')
        greedy = T.iscalar('greedy')

        def gen_step(idx_tm1, h_tm1, c_tm1):
            x_t = T.eye(self.vocab_size, dtype=floatX)[idx_tm1].dimshuffle('x', 0)
            h_t, c_t, y_t = self.step(x_t, h_tm1, c_tm1)
            drawn = T.argmax(srng.multinomial(pvals=y_t, dtype=floatX), axis=1)[0]
            best = T.argmax(y_t, axis=1)[0]
            idx_t = ifelse(T.eq(greedy, 1), best, drawn)
            return [T.cast(idx_t, 'int64'), h_t, c_t]

        (idx, _, _), updates = theano.scan(
            gen_step, outputs_info=[start, self.initial_state(), self.initial_state()],
            n_steps=n_steps)
        return theano.function([start, greedy], idx, updates=updates)


def encode(text):
    chars = sorted(set(text))
    char_to_ix = dict((ch, i) for i, ch in enumerate(chars))
    return chars, numpy.asarray([char_to_ix[ch] for ch in text], dtype='int64')


def train(text=TEXT, lstm=False, n_hidden=24, n_epochs=20, seq_length=25, learning_rate=0.5,
          verbose=True, seed=42):
    chars, data = encode(text)
    vocab = len(chars)
    onehot = numpy.eye(vocab, dtype=floatX)
    model = RNNLM(vocab, n_hidden, lstm=lstm, seed=seed)
    x_seq = T.matrix('x_seq')
    y_seq = T.lvector('y_seq')
    cost, probs = model.cost(x_seq, y_seq)
    grads, norm = model.clipped_grads(cost)
    lr = T.scalar('lr', dtype=floatX)
    updates = [(p, p - lr * g) for p, g in zip(model.params, grads)]
    train_fn = theano.function([x_seq, y_seq, lr], [cost, norm], updates=updates,
                               allow_input_downcast=True)
    cost_fn = theano.function([x_seq, y_seq], cost)
    srng = RandomStreams(seed)
    sample_fn = model.sampler(40, srng)

    epoch_costs = []
    for epoch in range(n_epochs):
        costs = []
        for start in range(0, len(data) - seq_length - 1, seq_length):
            inputs = onehot[data[start:start + seq_length]]
            targets = data[start + 1:start + seq_length + 1]
            c, _ = train_fn(inputs, targets, learning_rate)
            costs.append(c)
        epoch_costs.append(float(numpy.mean(costs)))
        if verbose:
            print('epoch %d, cost %.4f' % (epoch, epoch_costs[-1]))
    greedy = sample_fn(int(data[0]), 1)
    sampled = sample_fn(int(data[0]), 0)
    if verbose:
        print('greedy :', repr(''.join(chars[i] for i in greedy)))
        print('sampled:', repr(''.join(chars[i] for i in sampled)))
    return dict(model=model, chars=chars, data=data, epoch_costs=epoch_costs, cost_fn=cost_fn,
                train_fn=train_fn, sample_fn=sample_fn, greedy=greedy, sampled=sampled,
                onehot=onehot, cost=cost, x_seq=x_seq, y_seq=y_seq, grads=grads, norm=norm)


if __name__ == '__main__':
    args = sys.argv[1:]
    n_epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 20
    lstm = '--lstm' in args
    train(lstm=lstm, n_epochs=n_epochs, learning_rate=4.0 if lstm else 0.5)
