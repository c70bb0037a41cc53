"""``categorical_crossentropy(p, y)`` of a hand-written softmax ``p = exp(x) / exp(x).sum(1)``
(shifted by the row maximum or not): value and gradient at saturating inputs (+-1000) against
NumPy's log-sum-exp formulas, and against central differences at moderate inputs, with class
indices and with one-hot rows, on the reference VM with rewrites and on the default backend
(``local_xent_grad_times_softmax`` in theano/tensor/nnet/rewrites.py)."""

import numpy as np
import pytest

import theano.tensor as T
from theano.tensor.nnet import nnet as nn
from tests.helpers import central_differences, compile_mode, expand_modes

MODES = expand_modes(("py_opt", "auto"))


def _lse(z):
    m = z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _reference(xv, yv, weights):
    """The cost ``sum(w * (lse(x) - x[i, y[i]]))`` and its gradient ``w * (softmax(x) - onehot)``,
    in float64."""
    z = xv.astype("float64")
    rows = np.arange(len(yv))
    onehot = np.zeros_like(z)
    onehot[rows, yv] = 1
    cost = (weights * (_lse(z) - z[rows, yv])).sum()
    return cost, weights[:, None] * (_softmax(z) - onehot)


def _graph(form, target, dtype):
    x = T.matrix("x", dtype=dtype)
    y = T.ivector("y") if target == "index" else T.matrix("y", dtype=dtype)
    w = T.vector("w", dtype=dtype)
    e = T.exp(x - x.max(axis=1, keepdims=True)) if form == "shifted" else T.exp(x)
    p = e / e.sum(axis=1, keepdims=True)
    cost = (T.nnet.categorical_crossentropy(p, y) * w).sum()
    return [x, y, w], cost, T.grad(cost, x)


def _target(yv, k, target, dtype):
    return yv.astype("int32") if target == "index" else np.eye(k, dtype=dtype)[yv]


SATURATED = np.array([[1000.0, -1000.0, 0.0, 3.0],
                      [-1000.0, 1000.0, 999.0, -5.0],
                      [0.0, -1000.0, 1000.0, 1000.0],
                      [-1000.0, -999.0, -1000.0, -998.0],
                      [2.0, 1.0, -1.0, 0.5]])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("target", ["index", "onehot"])
@pytest.mark.parametrize("form", ["shifted", "plain"])
def test_value_and_gradient_finite_at_saturation(form, target, dtype, mode):
    inputs, cost, g = _graph(form, target, dtype)
    f = compile_mode(mode, inputs, [cost, g])
    xv = SATURATED.astype(dtype)
    # labels on entries that underflow (row 0: -1000, row 1: -5 beside 1000), on the maximum
    # and on ties
    yv = np.array([1, 3, 2, 0, 3])
    wv = np.array([1.0, 0.5, 2.0, 1.5, 0.25], dtype=dtype)
    want_cost, want_g = _reference(xv, yv, wv.astype("float64"))
    for _ in range(3):
        got_cost, got_g = f(xv, _target(yv, 4, target, dtype), wv)
        assert got_cost.dtype == dtype and got_g.dtype == dtype
        assert np.isfinite(got_cost) and np.all(np.isfinite(got_g))
        np.testing.assert_allclose(got_cost, want_cost, rtol=1e-6 if dtype == "float64" else 1e-5)
        np.testing.assert_allclose(got_g, want_g, atol=1e-12 if dtype == "float64" else 1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("target", ["index", "onehot"])
@pytest.mark.parametrize("form", ["shifted", "plain"])
def test_gradient_matches_finite_differences(form, target, mode):
    inputs, cost, g = _graph(form, target, "float64")
    f = compile_mode(mode, inputs, [cost, g])
    rng = np.random.default_rng(7)
    xv = rng.uniform(-4, 4, size=(3, 5))
    yv = rng.integers(0, 5, size=3)
    wv = rng.uniform(0.5, 2.0, size=3)
    tv = _target(yv, 5, target, "float64")
    numeric = central_differences(lambda v: _reference(v, yv, wv)[0], xv)
    for _ in range(3):
        got_cost, got_g = f(xv, tv, wv)
        np.testing.assert_allclose(got_cost, _reference(xv, yv, wv)[0], rtol=1e-12)
        np.testing.assert_allclose(got_g, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", MODES)
def test_softmax_is_also_an_output(mode):
    """The hand-written softmax read elsewhere (here returned) keeps its values."""
    x, y = T.dmatrix("x"), T.ivector("y")
    e = T.exp(x)
    p = e / e.sum(axis=1, keepdims=True)
    cost = T.nnet.categorical_crossentropy(p, y).mean()
    f = compile_mode(mode, [x, y], [cost, T.grad(cost, x), p])
    yv = np.array([1, 3, 2, 0, 3])
    want_cost, want_g = _reference(SATURATED, yv, np.full(5, 0.2))
    for _ in range(3):
        c, gv, pv = f(SATURATED, yv.astype("int32"))
        np.testing.assert_allclose(c, want_cost)
        np.testing.assert_allclose(gv, want_g, atol=1e-12)
        np.testing.assert_allclose(pv, _softmax(SATURATED), atol=1e-300)


@pytest.mark.parametrize("mode", MODES)
def test_product_with_another_softmax_is_left_alone(mode):
    """``crossentropy_1hot_grad(g, softmax(x), y) * softmax(2 x)`` is not the cancelling product:
    its value is the plain product."""
    x, g, y = T.dmatrix("x"), T.dvector("g"), T.ivector("y")
    out = nn.crossentropy_categorical_1hot_grad(g, nn.softmax(x), y) * nn.softmax(2 * x)
    f = compile_mode(mode, [x, g, y], out)
    rng = np.random.default_rng(3)
    xv = rng.uniform(-2, 2, size=(4, 3))
    gv = rng.uniform(0.5, 1.5, size=4)
    yv = np.array([0, 2, 1, 2], dtype="int32")
    rows = np.arange(4)
    want = np.zeros((4, 3))
    want[rows, yv] = -gv / _softmax(xv)[rows, yv]
    want *= _softmax(2 * xv)
    for _ in range(3):
        np.testing.assert_allclose(f(xv, gv, yv), want, rtol=1e-12)
