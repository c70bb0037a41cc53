"""Negative-step slices and scan's row reversal on the JAX backend: values against NumPy (a
gather replaces XLA's reverse, which XLA's CPU simplifier can abort the process on), and the
gradient of stacked recurrent loops, one running backwards, which did abort it."""

import numpy as np
import pytest

from tests.helpers import run_python

pytest.importorskip("jax")

import theano  # noqa: E402
import theano.tensor as T  # noqa: E402

JAX = lambda: theano.Mode(linker="jax")  # noqa: E731
CASES = [
    (slice(None, None, -1),),
    (slice(None, None, -2), 1),
    (1, slice(3, 0, -1)),
    (slice(None), slice(None, None, -1)),
    (None, slice(4, None, -3), slice(1, 3)),
    (slice(2, 2, -1),),                        # empty
    (slice(-1, -6, -2), slice(None, None, -1)),
]


@pytest.mark.parametrize("key", CASES, ids=[str(k) for k in CASES])
def test_negative_step_subtensor_and_its_increments(key):
    x = T.dmatrix("x")
    v = np.arange(30.0).reshape(5, 6)
    sub = x[key]
    y = T.TensorType(x.dtype, sub.broadcastable)("y")
    yv = np.random.RandomState(0).rand(*v[key].shape)
    outs = [sub, T.inc_subtensor(x[key], y), T.set_subtensor(x[key], y),
            theano.grad((sub * sub).sum(), x)]
    f = theano.function([x, y], outs, mode=JAX())
    for _ in range(3):
        got = f(v, yv)
        inc, st = v.copy(), v.copy()
        inc[key] += yv
        st[key] = yv
        g = np.zeros_like(v)
        g[key] += 2 * v[key]
        for a, b in zip(got, [v[key], inc, st, g]):
            np.testing.assert_array_equal(a, b)


def test_scan_row_reversal_values():
    s = T.dvector("s")
    r, _ = theano.scan(lambda a, acc: acc * 0.5 + a, sequences=s[::-1], outputs_info=T.zeros(()))
    v = np.arange(1.0, 7.0)
    outs = [r, theano.grad(r.sum(), s)]
    ref = theano.function([s], outs)(v)
    got = theano.function([s], outs, mode=JAX())(v)
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12)


REPRO = r'''
import numpy as np, theano, theano.tensor as T
rng = np.random.RandomState(0)
X = T.tensor3("X")
W1 = theano.shared(rng.randn(5, 16).astype("float32") * 0.3)
U1 = theano.shared(rng.randn(4, 16).astype("float32") * 0.3)
W2 = theano.shared(rng.randn(4, 9).astype("float32") * 0.3)
U2 = theano.shared(rng.randn(3, 9).astype("float32") * 0.3)
def lstm(x, h, c):
    z = T.dot(x, W1) + T.dot(h, U1)
    i, f, o, g = (T.nnet.sigmoid(z[:, :4]), T.nnet.sigmoid(z[:, 4:8]),
                  T.nnet.sigmoid(z[:, 8:12]), T.tanh(z[:, 12:]))
    c2 = f * c + i * g
    return o * T.tanh(c2), c2
(hs, cs), _ = theano.scan(lstm, sequences=X.dimshuffle(1, 0, 2),
                          outputs_info=[T.zeros((X.shape[0], 4)), T.zeros((X.shape[0], 4))])
def gru(x, h):
    z = T.dot(x, W2[:, :6]) + T.dot(h, U2[:, :6])
    r, u = T.nnet.sigmoid(z[:, :3]), T.nnet.sigmoid(z[:, 3:])
    return u * h + (1 - u) * T.tanh(T.dot(x, W2[:, 6:]) + T.dot(r * h, U2[:, 6:]))
h2, _ = theano.scan(gru, sequences=hs[::-1], outputs_info=T.zeros((X.shape[0], 3)))
cost = T.sqr(h2[-1]).mean()
outs = [cost] + T.grad(cost, [W1, U1, W2, U2])
xv = rng.rand(4, 7, 5).astype("float32")
a = theano.function([X], outs, mode=theano.Mode(linker="jax"))(xv)
b = theano.function([X], outs)(xv)
for p, q in zip(a, b):
    np.testing.assert_allclose(p, q, rtol=2e-4, atol=1e-7)
print("ok")
'''


def test_gradient_of_stacked_recurrent_loops_one_backwards_compiles():
    out = run_python(REPRO, timeout=600)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
