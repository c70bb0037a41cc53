"""The rewrites of theano/tensor/rewriting/stability.py: which graphs they produce (the rewrite fired
and left no division by a sigmoid, no overflowing exp) and that the values stay those of the naive
formula wherever that one is finite."""

import warnings

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T
from theano.graph.rewriting.basic import RewriteWarning
from theano.tensor.elemwise import CAReduce
from theano.tensor.nnet.nnet import Softmax, SoftmaxGrad

from tests.tensor.rewriting.utils import NOFUSE, check_same_values, compile_, nodes, scalar_ops

DTYPES = ("float64", "float32")


def _rand(*shape, dtype="float64", scale=3.0, seed=0):
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(dtype)


def _compile(inputs, outputs, *excluding):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RewriteWarning)
        return compile_(inputs, outputs, *excluding, *NOFUSE)


@pytest.mark.parametrize("dtype", DTYPES)
def test_grad_log_sigmoid_is_sigmoid_of_minus_x(dtype):
    x = T.vector("x", dtype=dtype)
    g = T.grad(T.log(T.nnet.sigmoid(x)).sum(), x)
    f = _compile([x], g)
    ops = scalar_ops(f)
    assert sorted(ops) == ["neg", "sigmoid"], ops
    v = np.array([-800.0, -3.0, 0.0, 2.0, 800.0], dtype=dtype)
    np.testing.assert_allclose(f(v), sp.expit(-v.astype("float64")), rtol=1e-6)
    # moderate inputs: the same values as the naive gradient
    check_same_values([x], g, [_rand(7, dtype=dtype)], *NOFUSE)


@pytest.mark.parametrize("dtype", DTYPES)
def test_grad_log_one_minus_sigmoid(dtype):
    x = T.vector("x", dtype=dtype)
    g = T.grad(T.log(1 - T.nnet.sigmoid(x)).sum(), x)
    f = _compile([x], g)
    assert "true_div" not in scalar_ops(f) and "sub" not in scalar_ops(f)
    assert f(np.array([1000.0 if dtype == "float64" else 100.0], dtype=dtype))[0] == -1.0
    check_same_values([x], g, [_rand(7, dtype=dtype)], *NOFUSE)


def test_hand_written_tutorial_gradient_has_no_division_or_exp():
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = T.dvector("w")
    b = T.dscalar("b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    f = _compile([x, y, w, b], [gw, gb])
    ops = scalar_ops(f)
    assert "exp" not in ops and "sigmoid" in ops, ops
    # the only division left is by the number of rows (the mean)
    assert ops.count("true_div") <= 1, ops
    rs = np.random.RandomState(1)
    xv, yv = rs.randn(20, 6), rs.randint(0, 2, 20).astype("float64")
    wv, bv = rs.randn(6) * 100, 0.5
    gwv, gbv = f(xv, yv, wv, bv)
    z = xv @ wv + bv
    dz = (sp.expit(z) - yv) / len(yv)
    np.testing.assert_allclose(gwv, xv.T @ dz + 0.02 * wv, rtol=1e-12)
    np.testing.assert_allclose(gbv, dz.sum(), rtol=1e-12)
    check_same_values([x, y, w, b], [gw, gb], [xv, yv, rs.randn(6), bv], *NOFUSE)


@pytest.mark.parametrize("dtype", DTYPES)
def test_exp_over_one_plus_exp_is_sigmoid(dtype):
    x = T.vector("x", dtype=dtype)
    f = _compile([x], T.exp(x) / (1 + T.exp(x)))
    assert scalar_ops(f) == ["sigmoid"]
    f = _compile([x], T.exp(-x) / (T.exp(-x) + 1))
    assert sorted(scalar_ops(f)) == ["neg", "sigmoid"]
    check_same_values([x], T.exp(x) / (1 + T.exp(x)), [_rand(6, dtype=dtype)], *NOFUSE,
                      rtol=1e-6 if dtype == "float32" else 1e-12)


def test_one_minus_sigmoid_is_sigmoid_of_minus_x():
    x = T.dvector("x")
    f = _compile([x], 1 - T.nnet.sigmoid(x))
    assert sorted(scalar_ops(f)) == ["neg", "sigmoid"]
    v = np.array([40.0, 1.0, -2.0])
    # more accurate than the subtraction: 1 - sigmoid(40) keeps only a few bits of exp(-40)
    np.testing.assert_allclose(f(v), sp.expit(-v), rtol=1e-15)


def test_product_over_a_sum_is_distributed_only_when_it_cancels():
    x = T.dvector("x")
    a = T.dvector("a")
    s = T.nnet.sigmoid(x)
    # (a / s + 1 / (1 - s)) * s * (1 - s): distributing cancels both divisions
    expr = (a / s + 1 / (1 - s)) * (s * (1 - s))
    f = _compile([x, a], expr)
    assert "true_div" not in scalar_ops(f), scalar_ops(f)
    v, av = np.array([-900.0, 0.3, 900.0]), np.array([2.0, 3.0, 5.0])
    np.testing.assert_allclose(f(v, av), av * sp.expit(-v) + sp.expit(v), rtol=1e-12)
    # nothing to cancel: the graph is left alone
    f = _compile([x, a], (a + x) * s)
    assert sorted(scalar_ops(f)) == ["add", "mul", "sigmoid"]


def test_plain_quotients_are_not_cancelled():
    """Only sigmoid/exp factors are cancelled: a / a keeps its NaN at 0 (as written)."""
    a = T.dvector("a")
    x = T.dvector("x")
    f = _compile([a, x], a / a * T.nnet.sigmoid(x))
    assert "true_div" in scalar_ops(f)


def test_log_of_exp_pair_forward_and_gradient():
    a = T.dscalar("a")
    b = T.dscalar("b")
    c = T.log(T.exp(a) + T.exp(b))
    ga, gb = T.grad(c, [a, b])
    f = _compile([a, b], [c, ga, gb])
    ops = scalar_ops(f)
    # the maximum is subtracted (switch) only where exp could overflow or underflow
    assert "maximum" in ops and "switch" in ops, ops
    for av, bv in ((10000.0, 10000.0), (-10000.0, -10000.0), (3.0, -2.0), (-745.0, 20.0)):
        cv, gav, gbv = f(av, bv)
        np.testing.assert_allclose(cv, np.logaddexp(av, bv), rtol=1e-14)
        np.testing.assert_allclose([gav, gbv], [sp.expit(av - bv), sp.expit(bv - av)], rtol=1e-12)
    f3 = _compile([a, b], T.log(T.exp(a) + T.exp(b) + T.exp(a * 2)))
    np.testing.assert_allclose(f3(400.0, 0.5), np.logaddexp.reduce([400.0, 0.5, 800.0]))


@pytest.mark.parametrize("axis", (0, 1))
def test_logsumexp_gradient_is_a_shifted_softmax(axis):
    x = T.dmatrix("x")
    g = T.grad(T.log(T.sum(T.exp(x), axis=axis)).sum(), x)
    f = _compile([x], g)
    if axis == 1:  # the last axis: the Softmax op itself
        assert [n for n in nodes(f) if isinstance(n.op, Softmax)]
    else:  # the maximum along the axis is subtracted first
        reduced = [str(n.op.scalar_op) for n in nodes(f) if isinstance(n.op, CAReduce)]
        assert "maximum" in reduced, reduced
    v = np.array([[1000.0, 999.0, -5.0], [-1000.0, -1001.0, -1000.5]])
    v = v if axis == 1 else v.T.copy()
    np.testing.assert_allclose(f(v), sp.softmax(v, axis=axis), rtol=1e-12)
    check_same_values([x], g, [_rand(3, 4)], *NOFUSE)


def test_hand_written_softmax_is_the_softmax_op_and_its_log_is_logsoftmax():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    sm = T.exp(x) / T.exp(x).sum(axis=1, keepdims=True)
    cost = -(y * T.log(sm)).sum()
    g = T.grad(cost, x)
    f = _compile([x, y], [sm, cost, g])
    kinds = {type(n.op).__name__ for n in nodes(f)}
    assert {"Softmax", "LogSoftmax"} <= kinds, kinds
    assert "exp" not in scalar_ops(f) and "true_div" not in scalar_ops(f), scalar_ops(f)
    v = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    yv = np.array([[0.0, 0.3, 0.7], [1.0, 0.0, 0.0]])
    smv, cv, gv = f(v, yv)
    np.testing.assert_allclose(smv, sp.softmax(v, axis=1), rtol=1e-12)
    np.testing.assert_allclose(cv, -(yv * sp.log_softmax(v, axis=1)).sum(), rtol=1e-12)
    np.testing.assert_allclose(gv, sp.softmax(v, axis=1) * yv.sum(1, keepdims=True) - yv,
                               rtol=1e-12, atol=1e-15)
    check_same_values([x, y], [sm, cost, g], [_rand(3, 4), np.abs(_rand(3, 4, seed=1))], *NOFUSE)


@pytest.mark.parametrize("dtype", DTYPES)
def test_grad_of_log_softmax_has_no_softmax_grad_of_a_quotient(dtype):
    x = T.matrix("x", dtype=dtype)
    g = T.grad(T.log(T.nnet.softmax(x)).sum(), x)
    f = _compile([x], g)
    assert not [n for n in nodes(f) if isinstance(n.op, SoftmaxGrad)]
    assert "true_div" not in scalar_ops(f)
    v = np.array([[1000.0, 0.0, -1000.0]] if dtype == "float64" else [[100.0, 0.0, -100.0]],
                 dtype=dtype)
    got = f(v)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, 1 - 3 * sp.softmax(v.astype("float64"), axis=1), rtol=1e-6)
    check_same_values([x], g, [_rand(2, 5, dtype=dtype)], *NOFUSE,
                      rtol=1e-5 if dtype == "float32" else 1e-12)


def test_vector_log_softmax_gradient_stays_finite():
    """issue 11 item 14: a vector input [1000, 0, -1000]."""
    x = T.dvector("x")
    g = T.grad(T.log(T.nnet.softmax(x)).sum(), x)
    for mode in (theano.Mode("py", "fast_run"), theano.Mode("numba", "fast_run")):
        f = theano.function([x], g, mode=mode)
        for _ in range(2):
            got = f(np.array([1000.0, 0.0, -1000.0]))
            np.testing.assert_allclose(got, [-2.0, 1.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("mode", ("py", "numba"))
def test_grad_log_one_minus_sigmoid_at_1000_is_minus_one(mode):
    """issue 11 item 14."""
    x = T.dscalar("x")
    f = theano.function([x], T.grad(T.log(1 - T.nnet.sigmoid(x)).sum(), x),
                        mode=theano.Mode(mode, "fast_run"))
    assert f(1000.0) == -1.0
    assert f(1000.0) == -1.0
    np.testing.assert_allclose(f(-2.0), -sp.expit(-2.0), rtol=1e-15)


def test_excluding_the_rewrite_brings_the_nan_back():
    x = T.dvector("x")
    g = T.grad(T.log(1 / (1 + T.exp(-x))).sum(), x)
    v = np.array([-1000.0, 1000.0])
    with np.errstate(all="ignore"):
        bad = _compile([x], g, "local_sigmoid_products")(v)
    assert not np.all(np.isfinite(bad))
    np.testing.assert_allclose(_compile([x], g)(v), [1.0, 0.0])


def test_broadcast_shape_is_kept_when_factors_cancel():
    """A cancelled factor may be the only one with the full shape: the result keeps it."""
    x = T.dmatrix("x")
    c = T.dscalar("c")
    s = T.nnet.sigmoid(x)
    f = _compile([x, c], c / s * s * (1 - s))
    v = np.array([[-900.0, 0.0, 3.0], [1.0, 2.0, 900.0]])
    got = f(v, 2.0)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, 2.0 * sp.expit(-v), rtol=1e-12)
