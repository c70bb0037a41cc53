"""Theano's tutorial logistic regression (examples/logistic_regression_tutorial.py), unchanged: the
hand-written sigmoid saturates, yet the gradient stays finite, matches a NumPy gradient step for step,
and training reaches accuracy 1.0 in float64 and float32."""

import importlib.util
import os

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples",
                       "logistic_regression_tutorial.py")


def _example():
    spec = importlib.util.spec_from_file_location("logistic_regression_tutorial", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("floatX", ("float64", "float32"))
def test_tutorial_reaches_accuracy_one_without_nan(floatX):
    with theano.config.change_flags(floatX=floatX):
        assert T.matrix().dtype == floatX
        accuracy, saw_nan = _example().main(training_steps=500, seed=0, verbose=False)
    assert not saw_nan
    assert accuracy == 1.0


@pytest.mark.parametrize("linker", ("py", "numba"))
def test_tutorial_steps_match_numpy(linker):
    rng = np.random.RandomState(3)
    N, feats = 60, 30
    xv, yv = rng.randn(N, feats) * 4, rng.randint(0, 2, N).astype("float64")
    w0 = rng.randn(feats) * 4
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = theano.shared(w0.copy(), name="w")
    b = theano.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function([x, y], [p_1, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)),
                            mode=theano.Mode(linker, "fast_run"))
    wn, bn = w0.copy(), 0.0
    saturated = 0
    for _ in range(5):
        z = xv @ wn + bn
        saturated += int(np.sum((sp.expit(z) == 1.0) | (sp.expit(z) == 0.0)))
        p, err = train(xv, yv)
        np.testing.assert_allclose(err, yv * -sp.log_expit(z) + (1 - yv) * -sp.log_expit(-z),
                                   rtol=1e-9, atol=1e-12)
        dz = (sp.expit(z) - yv) / N
        wn, bn = wn - 0.1 * (xv.T @ dz + 0.02 * wn), bn - 0.1 * dz.sum()
        np.testing.assert_allclose(w.get_value(), wn, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b.get_value(), bn, rtol=1e-9, atol=1e-12)
    assert saturated > 0  # the naive gradient would have divided 0 by 0 here
