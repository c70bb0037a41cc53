"""An Elman recurrent network that tags every word of a sentence (slot-filling style), written the
way Theano 1.0 era programs are: word embeddings indexed by a matrix of context windows, a scan
whose step returns a softmax of a vector (a 1 x n_classes row, hence ``s[:, 0, :]``), per-sentence
SGD with an OrderedDict of updates, and an updates-only function that renormalizes the embeddings.

The synthetic task: tag 1 on a word that directly follows word 0, else tag 0.

    python examples/classic/elman.py [--epochs N]
"""

from __future__ import print_function

import sys
from collections import OrderedDict

import numpy

import theano
from theano import tensor as T


def contextwin(l, win):
    """Each word of the sentence l with its (win - 1) / 2 neighbours on both sides (-1 pads)."""
    assert (win % 2) == 1 and win >= 1
    l = list(l)
    lpadded = win // 2 * [-1] + l + win // 2 * [-1]
    out = [lpadded[i:(i + win)] for i in range(len(l))]
    assert len(out) == len(l)
    return out


class model(object):
    def __init__(self, nh, nc, ne, de, cs, seed=345):
        """nh: hidden units, nc: classes, ne: vocabulary size, de: embedding size, cs: window."""
        rng = numpy.random.RandomState(seed)
        floatX = theano.config.floatX
        self.emb = theano.shared(name='embeddings',
                                 value=0.2 * rng.uniform(-1.0, 1.0, (ne + 1, de)).astype(floatX))
        self.wx = theano.shared(name='wx', value=0.2 * rng.uniform(-1.0, 1.0, (de * cs, nh)).astype(floatX))
        self.wh = theano.shared(name='wh', value=0.2 * rng.uniform(-1.0, 1.0, (nh, nh)).astype(floatX))
        self.w = theano.shared(name='w', value=0.2 * rng.uniform(-1.0, 1.0, (nh, nc)).astype(floatX))
        self.bh = theano.shared(name='bh', value=numpy.zeros(nh, dtype=floatX))
        self.b = theano.shared(name='b', value=numpy.zeros(nc, dtype=floatX))
        self.h0 = theano.shared(name='h0', value=numpy.zeros(nh, dtype=floatX))
        self.params = [self.emb, self.wx, self.wh, self.w, self.bh, self.b, self.h0]

        idxs = T.imatrix()
        x = self.emb[idxs].reshape((idxs.shape[0], de * cs))
        y_sentence = T.ivector('y_sentence')

        def recurrence(x_t, h_tm1):
            h_t = T.nnet.sigmoid(T.dot(x_t, self.wx) + T.dot(h_tm1, self.wh) + self.bh)
            s_t = T.nnet.softmax(T.dot(h_t, self.w) + self.b)
            return [h_t, s_t]

        [h, s], _ = theano.scan(fn=recurrence, sequences=x, outputs_info=[self.h0, None],
                                n_steps=x.shape[0])
        p_y_given_x_sentence = s[:, 0, :]
        y_pred = T.argmax(p_y_given_x_sentence, axis=1)

        lr = T.scalar('lr')
        sentence_nll = -T.mean(T.log(p_y_given_x_sentence)[T.arange(x.shape[0]), y_sentence])
        sentence_gradients = T.grad(sentence_nll, self.params)
        sentence_updates = OrderedDict((p, p - lr * g)
                                       for p, g in zip(self.params, sentence_gradients))

        self.classify = theano.function(inputs=[idxs], outputs=y_pred)
        self.probabilities = theano.function(inputs=[idxs], outputs=p_y_given_x_sentence)
        self.sentence_train = theano.function(inputs=[idxs, y_sentence, lr], outputs=sentence_nll,
                                              updates=sentence_updates, allow_input_downcast=True)
        self.normalize = theano.function(
            inputs=[],
            updates={self.emb: self.emb / T.sqrt((self.emb ** 2).sum(axis=1)).dimshuffle(0, 'x')})

    def train(self, x, y, window_size, learning_rate):
        cwords = contextwin(x, window_size)
        words = numpy.asarray(cwords).astype('int32')
        labels = numpy.asarray(y, dtype='int32')
        nll = self.sentence_train(words, labels, learning_rate)
        self.normalize()
        return nll


def make_sentences(n=60, vocab=8, seed=0):
    rng = numpy.random.RandomState(seed)
    data = []
    for _ in range(n):
        words = rng.randint(0, vocab, size=rng.randint(4, 10))
        tags = [0] + [int(words[i - 1] == 0) for i in range(1, len(words))]
        data.append((words, tags))
    return data


def run(n_epochs=8, win=3, lr=0.5, verbose=True):
    data = make_sentences()
    train, test = data[:45], data[45:]
    rnn = model(nh=12, nc=2, ne=8, de=6, cs=win)
    epoch_nll, accuracies = [], []
    for e in range(n_epochs):
        epoch_nll.append(float(numpy.mean([rnn.train(x, y, win, lr) for x, y in train])))
        predictions = [rnn.classify(numpy.asarray(contextwin(x, win)).astype('int32')) for x, _ in test]
        correct = sum(int((p == numpy.asarray(y)).sum()) for p, (_, y) in zip(predictions, test))
        accuracies.append(correct / float(sum(len(y) for _, y in test)))
        if verbose:
            print('epoch %d nll %.4f test accuracy %.3f' % (e, epoch_nll[-1], accuracies[-1]))
    return dict(rnn=rnn, epoch_nll=epoch_nll, accuracies=accuracies, test=test, win=win)


if __name__ == '__main__':
    args = sys.argv[1:]
    run(n_epochs=int(args[args.index('--epochs') + 1]) if '--epochs' in args else 8)
