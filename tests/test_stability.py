"""Numerical stability rewrites: the naive graph overflows or loses everything on extreme inputs when
compiled without rewrites (optimizer='None'), and gives finite, correct values with them."""

import numpy as np
import pytest

import theano
import theano.tensor as T

NONE = theano.Mode("py", "None")
FAST = theano.Mode("py", "fast_run")


def _both(inputs, out, values):
    naive = theano.function(inputs, out, mode=NONE)(*values)
    good = theano.function(inputs, out, mode=FAST)(*values)
    return np.asarray(naive), np.asarray(good)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_log1p_small_values(dtype):
    x = T.vector("x", dtype=dtype)
    v = np.array([1e-20, 1e-30, -1e-25], dtype=dtype)
    naive, good = _both([x], T.log(1 + x), [v])
    assert np.all(naive == 0)  # 1 + x rounds to 1
    np.testing.assert_allclose(good, v, rtol=1e-6)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_expm1_small_values(dtype):
    x = T.vector("x", dtype=dtype)
    v = np.array([1e-20, -1e-30], dtype=dtype)
    naive, good = _both([x], T.exp(x) - 1, [v])
    assert np.all(naive == 0)
    np.testing.assert_allclose(good, v, rtol=1e-6)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_log_sigmoid_large_negative(dtype):
    x = T.vector("x", dtype=dtype)
    v = np.array([-1000.0, -200.0, 0.0, 50.0], dtype=dtype)
    naive, good = _both([x], T.log(T.sigmoid(x)), [v])
    assert not np.all(np.isfinite(naive))
    assert np.all(np.isfinite(good))
    np.testing.assert_allclose(good, -np.logaddexp(0, -v.astype("float64")), rtol=1e-5)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_log_one_minus_sigmoid_large_positive(dtype):
    x = T.vector("x", dtype=dtype)
    v = np.array([1000.0, 200.0, 0.0, -50.0], dtype=dtype)
    naive, good = _both([x], T.log(1 - T.sigmoid(x)), [v])
    assert not np.all(np.isfinite(naive))
    assert np.all(np.isfinite(good))
    np.testing.assert_allclose(good, -np.logaddexp(0, v.astype("float64")), rtol=1e-5)


def test_log_one_plus_exp_large():
    x = T.dvector("x")
    v = np.array([1000.0, 30.0, -1000.0])
    naive, good = _both([x], T.log(1 + T.exp(x)), [v])
    assert np.isinf(naive[0])
    np.testing.assert_allclose(good, np.logaddexp(0, v))


@pytest.mark.parametrize("axis", (None, 1))
def test_logsumexp_large_and_very_negative(axis):
    x = T.dmatrix("x")
    v = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]])
    naive, good = _both([x], T.log(T.sum(T.exp(x), axis=axis)), [v])
    assert not np.all(np.isfinite(naive))
    assert np.all(np.isfinite(good))
    m = v.max() if axis is None else v.max(axis=1)
    ref = m + np.log(np.sum(np.exp(v - (m if axis is None else m[:, None])), axis=axis))
    np.testing.assert_allclose(good, ref)


def test_log_softmax():
    x = T.dmatrix("x")
    v = np.array([[1000.0, 0.0, -1000.0]])
    naive, good = _both([x], T.log(T.nnet.softmax(x)), [v])
    assert not np.all(np.isfinite(naive))
    np.testing.assert_allclose(good, v - 1000.0, atol=1e-12)


def test_softmax_crossentropy_and_its_gradient():
    x = T.dmatrix("x")
    b = T.dvector("b")
    y = T.lvector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(x + b), y).mean()
    gx = T.grad(cost, x)
    v = np.array([[1000.0, 0.0, 0.0], [0.0, 1.0, 2.0]])
    bv = np.zeros(3)
    yv = np.array([1, 2])
    naive = theano.function([x, b, y], [cost, gx], mode=NONE)(v, bv, yv)
    good = theano.function([x, b, y], [cost, gx], mode=FAST)(v, bv, yv)
    assert not np.isfinite(naive[0]) or not np.all(np.isfinite(naive[1]))
    assert np.isfinite(good[0]) and np.all(np.isfinite(good[1]))
    z = v - v.max(axis=1, keepdims=True)
    logsm = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(good[0], -logsm[[0, 1], yv].mean())
    sm = np.exp(logsm)
    onehot = np.eye(3)[yv]
    np.testing.assert_allclose(good[1], (sm - onehot) / 2)
    f = theano.function([x, b, y], [cost, gx], mode=FAST)
    names = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "CrossentropySoftmaxArgmax1HotWithBias" in names
    assert "CrossentropySoftmax1HotWithBiasDx" in names
    assert "Softmax" not in names and "CrossentropyCategorical1Hot" not in names


def test_softmax_crossentropy_without_bias_values():
    x = T.fmatrix("x")
    y = T.lvector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(x), y).sum()
    g = T.grad(cost, x)
    rs = np.random.RandomState(0)
    v = rs.randn(4, 5).astype("float32")
    yv = np.array([0, 3, 4, 1])
    naive = theano.function([x, y], [cost, g], mode=NONE)(v, yv)
    good = theano.function([x, y], [cost, g], mode=FAST)(v, yv)
    for a, c in zip(naive, good):
        assert a.dtype == c.dtype == np.float32
        np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_log_exp_and_sqrt_sqr(dtype):
    x = T.vector("x", dtype=dtype)
    big = 1e200 if dtype == "float64" else 1e30
    v = np.array([1000.0, -3.0, 0.5, -big], dtype=dtype)
    naive, good = _both([x], T.log(T.exp(x)), [v])
    assert not np.all(np.isfinite(naive))
    np.testing.assert_array_equal(good, v)
    naive, good = _both([x], T.sqrt(T.sqr(x)), [v])
    assert not np.all(np.isfinite(naive))
    np.testing.assert_array_equal(good, np.abs(v))
    f = theano.function([x], T.log(T.exp(x)), mode=FAST.excluding("fusion"))
    # nothing left but the copy of the returned input (DeepCopyOp, as in Theano 1.0)
    assert [type(n.op).__name__ for n in f.maker.fgraph.toposort()] == ["DeepCopyOp"]


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_hand_written_logistic_cross_entropy(dtype):
    x = T.vector("x", dtype=dtype)
    y = T.vector("y", dtype=dtype)
    p = 1 / (1 + T.exp(-x))
    xent = -y * T.log(p) - (1 - y) * T.log(1 - p)
    v = np.array([-800.0, 800.0, 0.3, -2.0], dtype=dtype)
    t = np.array([1.0, 0.0, 1.0, 0.0], dtype=dtype)
    naive, good = _both([x, y], xent, [v, t])
    assert not np.all(np.isfinite(naive))
    ref = np.logaddexp(0, -v.astype("float64")) * t + np.logaddexp(0, v.astype("float64")) * (1 - t)
    np.testing.assert_allclose(good, ref, rtol=1e-5)
