"""A small convolutional network on scikit-learn's bundled 8x8 digits (no download needed).

    conv 3x3 (16) -> relu -> max-pool 2x2 -> conv 3x3 (32) -> relu -> max-pool 2x2
    -> dense 64 -> relu -> dropout 0.25 -> dense 10 -> softmax

Trained with minibatch SGD + momentum (lr 0.01, momentum 0.9, batches of 32, 15 epochs) on 1,437
images, tested on the other 360. It reaches 98.1% test accuracy with the default seed 0 (97.5% to
99.2% over seeds 0, 1, 2), in about 10 s of CPU time (a few seconds of it compiling).

Dropout uses ``theano.tensor.shared_randomstreams.RandomStreams``: the mask is drawn inside the
compiled training function, and the test-time graph simply leaves the dropout layer out (inverted
dropout scales by 1 / keep probability during training).

Needs scikit-learn (``pip install scikit-learn``, or the ``examples`` extra).

    python examples/cnn_digits.py [--epochs N] [--seed S] [--quiet]
"""

import argparse
import os
import sys
import time

# The matrices here are small: one BLAS thread is faster than several fighting over the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

import theano
import theano.tensor as T
from theano.tensor.nnet import categorical_crossentropy, conv2d, relu, softmax
from theano.tensor.shared_randomstreams import RandomStreams
from theano.tensor.signal.pool import pool_2d

FLOAT = "float32"


def load_data(seed):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(FLOAT).reshape(-1, 1, 8, 8)
    y = digits.target.astype("int32")
    order = np.random.RandomState(seed).permutation(len(y))
    x, y = x[order], y[order]
    n_test = 360
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])


def init_params(rng):
    def weight(*shape, fan_in):
        return theano.shared((rng.randn(*shape) * np.sqrt(2.0 / fan_in)).astype(FLOAT))

    def bias(n):
        return theano.shared(np.zeros(n, dtype=FLOAT))

    return [
        weight(16, 1, 3, 3, fan_in=9), bias(16),
        weight(32, 16, 3, 3, fan_in=144), bias(32),
        weight(128, 64, fan_in=128), bias(64),
        weight(64, 10, fan_in=64), bias(10),
    ]


def forward(x, params, srng=None, p_drop=0.25):
    """Class probabilities for a batch x of shape (batch, 1, 8, 8); dropout when srng is given."""
    w1, b1, w2, b2, w3, b3, w4, b4 = params
    h = relu(conv2d(x, w1, border_mode="half") + b1.dimshuffle("x", 0, "x", "x"))
    h = pool_2d(h, (2, 2), ignore_border=True)                     # (batch, 16, 4, 4)
    h = relu(conv2d(h, w2, border_mode="half") + b2.dimshuffle("x", 0, "x", "x"))
    h = pool_2d(h, (2, 2), ignore_border=True)                     # (batch, 32, 2, 2)
    h = relu(T.dot(h.flatten(2), w3) + b3)                         # (batch, 64)
    if srng is not None:
        keep = 1.0 - p_drop
        mask = srng.binomial(size=h.shape, p=keep, dtype=FLOAT)
        h = h * mask / np.asarray(keep, dtype=FLOAT)
    return softmax(T.dot(h, w4) + b4)


def build(params, seed, lr=0.01, momentum=0.9, p_drop=0.25):
    x = T.tensor4("x", dtype=FLOAT)
    y = T.ivector("y")
    srng = RandomStreams(seed)
    p_train = forward(x, params, srng, p_drop)
    cost = categorical_crossentropy(p_train, y).mean()
    grads = T.grad(cost, params)
    updates = []
    for p, g in zip(params, grads):
        v = theano.shared(np.zeros(p.get_value().shape, dtype=FLOAT))
        v_new = momentum * v - lr * g
        updates += [(v, T.cast(v_new, FLOAT)), (p, T.cast(p + v_new, FLOAT))]
    train = theano.function([x, y], cost, updates=updates)
    predict = theano.function([x], T.argmax(forward(x, params), axis=1))
    return train, predict


def progress(epoch, epochs, done, total, loss, width=30):
    filled = int(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    sys.stdout.write(f"\repoch {epoch:2d}/{epochs} [{bar}] loss {loss:.4f}")
    sys.stdout.flush()


def main(epochs=15, batch_size=32, seed=0, lr=0.01, p_drop=0.25, verbose=True):
    """Train and return the test accuracy (a float in [0, 1])."""
    (x_train, y_train), (x_test, y_test) = load_data(seed)
    rng = np.random.RandomState(seed)
    params = init_params(rng)
    train, predict = build(params, seed, lr=lr, p_drop=p_drop)
    n_batches = len(y_train) // batch_size
    start = time.time()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y_train))
        losses = []
        for k in range(n_batches):
            idx = order[k * batch_size:(k + 1) * batch_size]
            losses.append(float(train(x_train[idx], y_train[idx])))
            if verbose and (k % 5 == 0 or k == n_batches - 1):
                progress(epoch, epochs, k + 1, n_batches, np.mean(losses))
        if verbose:
            acc = np.mean(predict(x_test) == y_test)
            sys.stdout.write(f"  test accuracy {acc:.3f}\n")
    accuracy = float(np.mean(predict(x_test) == y_test))
    if verbose:
        print(f"final test accuracy: {accuracy * 100:.1f}% ({time.time() - start:.1f} s)")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    acc = main(epochs=args.epochs, seed=args.seed, verbose=not args.quiet)
    if args.quiet:
        print(f"final test accuracy: {acc * 100:.1f}%")
