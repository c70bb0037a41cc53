"""theano.sparse_grad(x[ilist]): same values as x[ilist], and the gradient with respect to the
matrix x is a csc matrix holding only the picked rows (repeated rows add up)."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from tests.helpers import assert_allclose

MODES = {"py": theano.Mode(linker="py"), "numba": None}
RNG = np.random.RandomState(11)
XV = RNG.randn(5, 3)
IDX = np.array([1, 4, 1, 0], dtype="int32")


def _cost(sub, w):
    return (T.tanh(sub) * w).sum()


def _ref_cost(xv, wv):
    return (np.tanh(xv[IDX]) * wv).sum()


@pytest.mark.parametrize("name", list(MODES))
def test_values_and_sparse_gradient(name):
    x, v = T.dmatrix("x"), T.ivector("v")
    w = T.constant(RNG.randn(4, 3))
    sub = theano.sparse_grad(x[v])
    assert isinstance(sub.owner.op, S.SparseGradAdvancedSubtensor1)
    g = theano.grad(_cost(sub, w), x)
    assert isinstance(g.type, S.SparseType) and g.format == "csc" and g.dtype == "float64"
    f = theano.function([x, v], [sub, g], mode=MODES[name])
    dense_g = theano.function([x, v], theano.grad(_cost(x[v], w), x), mode=MODES[name])
    eps = 1e-6
    fd = np.zeros_like(XV)
    for i in np.ndindex(*XV.shape):
        p, m = XV.copy(), XV.copy()
        p[i] += eps
        m[i] -= eps
        fd[i] = (_ref_cost(p, w.data) - _ref_cost(m, w.data)) / (2 * eps)
    for _ in range(2):
        got_sub, got_g = f(XV, IDX)
        assert_allclose(got_sub, XV[IDX])
        assert sp.isspmatrix_csc(got_g) or (sp.issparse(got_g) and got_g.format == "csc")
        assert_allclose(got_g.toarray(), dense_g(XV, IDX))
        assert_allclose(got_g.toarray(), fd, rtol=1e-6, atol=1e-8)
        # only the picked rows are stored
        assert set(got_g.nonzero()[0]) <= {0, 1, 4}


def test_saturating_inputs_keep_a_finite_gradient():
    x, v = T.dmatrix("x"), T.ivector("v")
    big = np.array([[1000.0, -1000.0, 0.5], [3.0, -2.0, 1.0]])
    cost = T.nnet.softplus(theano.sparse_grad(x[v])).sum()
    f = theano.function([x, v], theano.grad(cost, x))
    idx = np.array([0, 0, 1], dtype="int32")
    for _ in range(2):
        got = f(big, idx).toarray()
        expected = np.zeros_like(big)
        np.add.at(expected, idx, 1 / (1 + np.exp(-np.clip(big[idx], -700, 700))))
        assert np.isfinite(got).all()
        assert_allclose(got, expected, atol=1e-300)


def test_sgd_update_with_a_sparse_gradient():
    W = theano.shared(XV.copy(), name="W")
    v = T.ivector("v")
    cost = (theano.sparse_grad(W[v]) ** 2).sum()
    g = theano.grad(cost, W)
    step = theano.function([v], cost, updates=[(W, W - 0.1 * g)])
    want = XV.copy()
    for _ in range(2):
        step(IDX)
        gw = np.zeros_like(want)
        np.add.at(gw, IDX, 2 * want[IDX])
        want = want - 0.1 * gw
        assert_allclose(W.get_value(), want)


def test_float32_and_a_second_dense_path():
    x, v = T.fmatrix("x"), T.ivector("v")
    g = theano.grad(theano.sparse_grad(x[v]).sum(), x)
    assert isinstance(g.type, S.SparseType) and g.dtype == "float32"
    # another (dense) use of x: the total gradient is dense, with both terms
    g2 = theano.grad(theano.sparse_grad(x[v]).sum() + (x ** 2).sum(), x)
    assert isinstance(g2.type, T.TensorType)
    xv = XV.astype("float32")
    got = theano.function([x, v], g2)(xv, IDX)
    want = 2 * xv
    np.add.at(want, IDX, 1.0)
    assert_allclose(got, want)


def test_errors():
    v = T.ivector("v")
    for ndim in (1, 3):
        t = T.TensorType("float64", (False,) * ndim)("t")
        sub = theano.sparse_grad(t[v])
        with pytest.raises(TypeError, match="matrix"):
            theano.grad(sub.sum(), t)
    with pytest.raises(TypeError, match="int_vector"):
        theano.sparse_grad(T.dmatrix()[1:])
    with pytest.raises(TypeError, match="int_vector"):
        theano.sparse_grad(T.dmatrix())
    # without sparse_grad the gradient stays dense
    x = T.dmatrix("x")
    assert isinstance(theano.grad(x[v].sum(), x).type, T.TensorType)


@pytest.mark.parametrize("name", list(MODES))
def test_op_interface_sparse_grad_flag_gives_the_sparse_gradient(name):
    """AdvancedSubtensor1(sparse_grad=True)(x, v), Theano 1.0's op interface, is differentiated
    as theano.sparse_grad(x[v]); without the flag the gradient stays dense."""
    x, v = T.dmatrix("x"), T.ivector("v")
    w = T.constant(RNG.randn(4, 3))
    g = theano.grad(_cost(T.AdvancedSubtensor1(sparse_grad=True)(x, v), w), x)
    assert isinstance(g.type, S.SparseType) and g.format == "csc"
    g_dense = theano.grad(_cost(T.AdvancedSubtensor1()(x, v), w), x)
    assert isinstance(g_dense.type, T.TensorType)
    f = theano.function([x, v], [g, g_dense], mode=MODES[name])
    expected = np.zeros_like(XV)
    np.add.at(expected, IDX, (1 - np.tanh(XV[IDX]) ** 2) * w.data)
    for _ in range(3):
        got, got_dense = f(XV, IDX)
        assert_allclose(got.toarray(), expected)
        assert_allclose(got_dense, expected)
        assert set(got.nonzero()[0]) <= {0, 1, 4}
    # an integer matrix has the dense (zero) gradient of x[v], whatever the flag
    xi = T.imatrix("xi")
    gi = theano.grad(T.AdvancedSubtensor1(sparse_grad=True)(xi, v).sum(), xi,
                     disconnected_inputs="ignore")
    assert isinstance(gi.type, T.TensorType)


def test_verify_grad_checks_a_sparse_gradient_of_a_dense_point():
    # theano.sparse_grad(m[v]): the gradient wrt the dense m is a csc matrix; verify_grad compares
    # it (densified) with finite differences, and still catches a wrong one
    idx = theano.shared(np.array([1, 4, 1, 0, 2], dtype="int64"))
    theano.gradient.verify_grad(lambda m: T.tanh(theano.sparse_grad(m[idx])), [XV.copy()],
                                rng=np.random.RandomState(0))

    class Wrong(S.SparseGradAdvancedSubtensor1):
        def grad(self, inputs, g):
            (gx, gi) = super().grad(inputs, g)
            return [gx * 2, gi]

    with pytest.raises(theano.gradient.GradientError):
        theano.gradient.verify_grad(lambda m: Wrong()(m, idx), [XV.copy()],
                                    rng=np.random.RandomState(0))
