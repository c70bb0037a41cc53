"""The negative log-likelihood written on entries of a softmax (``-log(p[arange(n), y])``, the
tutorials' form, and any other basic or advanced index) is computed from the log-softmax, so that
it and its gradient stay finite where entries of the softmax underflow to 0."""

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T
from theano.tensor.nnet import softmax
from theano.tensor.nnet.nnet import SoftmaxGrad
from tests.helpers import assert_allclose

MODES = {"py": theano.Mode(linker="py"), "numba": None}
SATURATED = np.array([[0.0, 1000.0, -1000.0, 3.0],
                      [3.0, 2.0, 1.0, -2.0],
                      [-1000.0, 1000.0, 0.0, 999.0]])
MODERATE = np.random.RandomState(3).randn(3, 4) * 2


def _fd_grad(fn, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (fn(xp) - fn(xm)) / (2 * eps)
    return g


def _check(cost, ref_cost, xs=(MODERATE, SATURATED), extra=()):
    x = cost.x
    for name, mode in MODES.items():
        f = theano.function([x, *extra[0::2]], cost.out, mode=mode)
        g = theano.function([x, *extra[0::2]], T.grad(cost.out, x), mode=mode)
        ops = [type(n.op) for n in g.maker.fgraph.toposort()]
        assert SoftmaxGrad not in ops, (name, ops)
        args = list(extra[1::2])
        for xv in xs:
            for _ in range(2):
                got = f(xv, *args)
                assert np.isfinite(got).all()
                assert_allclose(got, ref_cost(xv), rtol=1e-10, atol=1e-10, err_msg=name)
                grad = g(xv, *args)
                assert np.isfinite(grad).all()
                # the cost is piecewise smooth in x even at +-1000: central differences hold
                assert_allclose(grad, _fd_grad(ref_cost, xv), rtol=1e-5, atol=1e-6, err_msg=name)


class _Cost:
    def __init__(self, x, out):
        self.x, self.out = x, out


def test_tutorial_nll_mean_of_picked_log_probabilities():
    x, y = T.dmatrix("x"), T.lvector("y")
    yv = np.array([2, 0, 0])
    cost = -T.mean(T.log(softmax(x)[T.arange(y.shape[0]), y]))

    def ref(xv):
        return -np.mean(sp.log_softmax(xv, axis=1)[np.arange(3), yv])

    assert np.isinf(ref(SATURATED)) is np.False_ and ref(SATURATED) > 1000
    _check(_Cost(x, cost), ref, extra=(y, yv))


def test_biased_softmax_and_repeated_rows():
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    bv = np.array([0.5, -0.25, 1.0, 0.0])
    yv = np.array([2, 2, 1])
    rows = T.constant(np.array([0, 0, 2]))
    cost = -T.sum(T.log(softmax(x + b)[rows, y]))

    def ref(xv):
        return -np.sum(sp.log_softmax(xv + bv, axis=1)[[0, 0, 2], yv])

    _check(_Cost(x, cost), ref, extra=(b, bv, y, yv))


def test_basic_index_and_row_index():
    x, k = T.dmatrix("x"), T.lscalar("k")
    one = -T.log(softmax(x)[0, k]) * 3
    rows = T.constant(np.array([2, 0, 2]))
    many = -T.log(softmax(x)[rows]).sum()
    _check(_Cost(x, one), lambda xv: -3 * sp.log_softmax(xv, axis=1)[0, 2], extra=(k, 2))
    _check(_Cost(x, many), lambda xv: -sp.log_softmax(xv, axis=1)[[2, 0, 2]].sum())


def test_set_subtensor_gradient_form():
    # the gradient of a cost read through set_subtensor's pattern: softmax_grad of a *set* part
    x = T.dmatrix("x")
    sm = softmax(x)
    g = T.dvector("g")
    part = sm[T.arange(3), T.constant(np.array([1, 3, 0]))]
    dy = T.set_subtensor(T.zeros_like(sm)[T.arange(3), T.constant(np.array([1, 3, 0]))], g / part)
    out = T.nnet.softmax_grad(dy, sm)
    gv = np.array([0.5, -1.0, 2.0])
    for name, mode in MODES.items():
        f = theano.function([x, g], out, mode=mode)
        assert SoftmaxGrad not in [type(n.op) for n in f.maker.fgraph.toposort()]
        for _ in range(2):
            got = f(SATURATED, gv)
            s = sp.softmax(SATURATED, axis=1)
            d = np.zeros_like(s)
            d[np.arange(3), [1, 3, 0]] = gv
            assert np.isfinite(got).all()
            assert_allclose(got, d - s * d.sum(axis=1, keepdims=True), err_msg=name)


def test_a_quotient_by_another_entry_is_left_alone():
    # p / sm[other index] is not the gradient form: no rewrite, values unchanged
    x = T.dmatrix("x")
    sm = softmax(x)
    idx = T.constant(np.array([0, 1, 2]))
    other = T.constant(np.array([1, 1, 1]))
    dy = T.inc_subtensor(T.zeros_like(sm)[T.arange(3), idx], 1.0 / sm[T.arange(3), other])
    out = T.nnet.softmax_grad(dy, sm)
    f = theano.function([x], out, mode=MODES["py"])
    assert SoftmaxGrad in [type(n.op) for n in f.maker.fgraph.toposort()]
    s = sp.softmax(MODERATE, axis=1)
    d = np.zeros_like(s)
    d[np.arange(3), [0, 1, 2]] = 1.0 / s[np.arange(3), [1, 1, 1]]
    assert_allclose(f(MODERATE), (d - (d * s).sum(axis=1, keepdims=True)) * s)


@pytest.mark.parametrize("excluded", ["local_log_of_indexed_softmax",
                                      "local_softmax_grad_of_indexed_quotient"])
def test_without_the_rewrite_the_naive_graph_overflows(excluded):
    x, y = T.dmatrix("x"), T.lvector("y")
    cost = -T.mean(T.log(softmax(x)[T.arange(y.shape[0]), y]))
    # (the fused cross-entropy of theano/tensor/nnet/rewrites.py would stabilize it too)
    mode = theano.Mode(linker="py").excluding(excluded, "local_indexed_logsoftmax_to_xent",
                                              "local_indexed_xent_grad")
    out = cost if excluded == "local_log_of_indexed_softmax" else T.grad(cost, x)
    f = theano.function([x, y], out, mode=mode)
    with np.errstate(all="ignore"):
        assert not np.isfinite(f(SATURATED, np.array([2, 0, 0]))).all()
