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
from tests.helpers import assert_allclose, central_differences

MODES = {"py": theano.Mode(linker="py"), "numba": None}
SATURATED = np.array([[0.0, 1000.0, -1000.0, 3.0],
                      [3.0, 2.0, 1.0, -2.0],
                      [-1000.0, 1000.0, 0.0, 999.0]])
MODERATE = np.random.RandomState(3).randn(3, 4) * 2


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
                assert_allclose(grad, central_differences(ref_cost, xv), rtol=1e-5, atol=1e-6, err_msg=name)


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


def _fused_ops(f):
    return {type(n.op).__name__ for n in f.maker.fgraph.toposort()}


@pytest.mark.parametrize("mode", ["py", "numba"])
def test_minibatch_labels_given_as_a_slice_of_a_shared_dataset_get_the_fused_ops(mode):
    # Theano's logistic_sgd tutorial: the labels of a minibatch are a slice of a shared dataset
    # (givens), so y.shape[0] is the slice's length, not a Shape_i of y; the fused ops still apply,
    # and no check of the row count remains
    rng = np.random.RandomState(0)
    N, D, K, bs = 60, 5, 3, 12
    Xd, Yd = rng.randn(N, D), rng.randint(0, K, N)
    data_x = theano.shared(Xd)
    data_y = T.cast(theano.shared(Yd.astype("float64")), "int32")
    index, x, y = T.lscalar("index"), T.dmatrix("x"), T.ivector("y")
    W0, b0 = rng.randn(D, K), rng.randn(K)
    W, b = theano.shared(W0.copy()), theano.shared(b0.copy())
    p = softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    f = theano.function([index], [cost, gW, gb], mode=MODES[mode],
                        givens={x: data_x[index * bs:(index + 1) * bs],
                                y: data_y[index * bs:(index + 1) * bs]})
    ops = _fused_ops(f)
    assert "CrossentropySoftmaxArgmax1HotWithBias" in ops
    assert "CrossentropySoftmax1HotWithBiasDx" in ops
    assert "AdvancedSubtensor" not in ops and "AdvancedIncSubtensor" not in ops
    assert "Assert" not in ops
    for i in (0, 3, 4):
        xb, yb = Xd[i * bs:(i + 1) * bs], Yd[i * bs:(i + 1) * bs]
        z = xb @ W0 + b0
        pr = sp.softmax(z, axis=1)
        onehot = np.eye(K)[yb]
        c, gw, gbv = f(i)
        assert_allclose(c, -np.mean(np.log(pr[np.arange(bs), yb])), rtol=1e-12)
        assert_allclose(gw, xb.T @ (pr - onehot) / bs, rtol=1e-10, atol=1e-14)
        assert_allclose(gbv, (pr - onehot).sum(axis=0) / bs, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("mode", ["py", "numba"])
def test_an_arange_of_another_count_is_checked_against_the_labels(mode):
    # arange(n) for an n the shapes cannot tie to y: the fused ops, behind the check n == len(y)
    x, y, n = T.dmatrix("x"), T.ivector("y"), T.lscalar("n")
    nll = -T.log(softmax(x))[T.arange(n), y]
    f = theano.function([x, y, n], [nll, T.grad(nll.sum(), x)], mode=MODES[mode])
    ops = _fused_ops(f)
    assert "CrossentropySoftmaxArgmax1HotWithBias" in ops and "Assert" in ops
    xv, yv = MODERATE, np.array([1, 0, 3], dtype="int32")
    want = -sp.log_softmax(xv, axis=1)[np.arange(3), yv]
    got, g = f(xv, yv, 3)
    assert_allclose(got, want, rtol=1e-12)
    assert_allclose(g, sp.softmax(xv, axis=1) - np.eye(4)[yv], rtol=1e-10, atol=1e-14)
    with pytest.raises(AssertionError):
        f(xv, yv, 2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("biased", [True, False])
def test_softmax_computed_once_for_the_tutorial_cost_and_its_gradient(biased, dtype):
    # the cost becomes the fused op; its gradient reads the fused op's softmax output instead of
    # computing softmax(x W + b) again
    from theano.tensor.nnet.nnet import CrossentropySoftmaxArgmax1HotWithBias, Softmax

    x, W = T.matrix("x", dtype=dtype), T.matrix("W", dtype=dtype)
    b, y = T.vector("b", dtype=dtype), T.ivector("y")
    z = T.dot(x, W) + b if biased else T.dot(x, W)
    cost = -T.mean(T.log(softmax(z))[T.arange(y.shape[0]), y])
    outs = [cost] + T.grad(cost, [W, b] if biased else [W])
    r = np.random.RandomState(7)
    xv = (r.randn(5, 3) * 4).astype(dtype)
    Wv = (r.randn(3, 6) * 100).astype(dtype)   # saturating scores: entries of +-1000
    bv = r.randn(6).astype(dtype)
    yv = np.array([0, 5, 2, 2, 1], dtype="int32")
    zv = xv.astype("float64") @ Wv.astype("float64") + (bv if biased else 0)
    lsm = sp.log_softmax(zv, axis=1)
    onehot = np.eye(6)[yv]
    dz = (np.exp(lsm) - onehot) / 5
    refs = [-lsm[np.arange(5), yv].mean(), xv.T.astype("float64") @ dz] + ([dz.sum(0)] if biased else [])
    args = [xv, yv, Wv] + ([bv] if biased else [])
    tol = 1e-4 if dtype == "float32" else 1e-9
    for name, mode in MODES.items():
        f = theano.function([x, y, W] + ([b] if biased else []), outs, mode=mode)
        for _ in range(3):
            for got, want in zip(f(*args), refs):
                assert np.isfinite(got).all()
                np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 10, err_msg=name)
        ops = [n.op for n in f.maker.fgraph.toposort()]
        assert not any(isinstance(op, Softmax) for op in ops), (name, ops)
        assert sum(isinstance(op, CrossentropySoftmaxArgmax1HotWithBias) for op in ops) == 1
