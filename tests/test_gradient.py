"""theano.grad and friends."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import (DisconnectedInputError, GradientError, NullTypeGradError, Lop, Rop,
                             disconnected_grad, grad_clip, grad_scale, undefined_grad, verify_grad,
                             zero_grad)


def test_seed_polynomial_gradients():
    x, y = T.dscalars("x", "y")
    z = (x + 2 * y) ** 2
    gx = T.grad(z, x)
    gy = T.grad(z, y)
    f = theano.function([x, y], [gx, gy])
    a, b = f(1, 2)
    assert a == 10.0 and b == 20.0


def test_list_and_single_wrt():
    x = T.dvector("x")
    w = theano.shared(np.ones(3), name="w")
    cost = (x * w).sum() ** 2
    g = T.grad(cost, [w])
    assert isinstance(g, list) and len(g) == 1
    g1 = T.grad(cost, w)
    assert not isinstance(g1, list)
    f = theano.function([x], g1)
    np.testing.assert_allclose(f([1.0, 2.0, 3.0]), 2 * 6 * np.array([1.0, 2.0, 3.0]))


def test_cost_must_be_scalar():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="scalar"):
        T.grad(x * 2, x)


def test_disconnected_inputs():
    x, y = T.dscalars("x", "y")
    c = x * 2
    with pytest.raises(DisconnectedInputError, match="disconnected_inputs"):
        T.grad(c, y)
    with pytest.warns(UserWarning):
        g = T.grad(c, y, disconnected_inputs="warn")
    assert theano.function([y], g)(3.0) == 0.0
    assert T.grad(c, y, disconnected_inputs="ignore", return_disconnected="None") is None


def test_consider_constant():
    x = T.dscalar("x")
    y = x * x
    z = y * x
    g = T.grad(z, x, consider_constant=[y])
    assert theano.function([x], g)(3.0) == 9.0


def test_known_grads():
    x = T.dvector("x")
    y = T.exp(x)
    g = T.grad(None, x, known_grads={y: T.ones_like(y)})
    np.testing.assert_allclose(theano.function([x], g)([0.0, 1.0]), np.exp([0.0, 1.0]))


def test_grad_wrt_intermediate_and_ancestor_together():
    x = T.dscalar("x")
    y = x * 3
    z = y * y + x
    gx, gy = T.grad(z, [x, y])
    f = theano.function([x], [gx, gy])
    a, b = f(2.0)
    assert a == 2 * 9 * 2.0 + 1 and b == 2 * 6.0


def test_grad_dtype_follows_variable():
    x = T.fvector("x")
    w = theano.shared(np.ones(3), name="w")  # float64
    cost = (x * w).sum()
    gx, gw = T.grad(cost, [x, w])
    assert gx.dtype == "float32" and gw.dtype == "float64"


def test_integer_wrt_gets_float_zeros():
    i = T.iscalar("i")
    x = T.dscalar("x")
    g = T.grad(x * i, i)
    assert g.dtype == theano.config.floatX


def test_gradient_ops():
    x = T.dscalar("x")
    f = lambda e: theano.function([x], T.grad(e, x))(3.0)
    assert f(zero_grad(x ** 2) + x) == 1.0
    assert f(disconnected_grad(x ** 2) * x) == 9.0
    assert f(grad_clip(x, -1, 1) ** 2) == 1.0  # 2x = 6 clipped to 1
    assert f(grad_clip(x ** 2, -1, 1)) == 6.0  # the incoming 1 is inside the bounds
    assert f(grad_scale(x ** 2, 0.5)) == 3.0
    with pytest.raises(NullTypeGradError):
        T.grad(undefined_grad(x) * 2, x)


def test_lop_rop():
    x = T.dvector("x")
    W = T.dmatrix("W")
    y = T.dot(W, x)
    v = T.dvector("v")
    u = T.dvector("u")
    rop = Rop(y, x, v)
    lop = Lop(y, x, u)
    f = theano.function([W, x, v, u], [rop, lop], on_unused_input="ignore")
    Wv = np.arange(6.0).reshape(2, 3)
    r, l = f(Wv, np.ones(3), np.array([1.0, 0.0, 2.0]), np.array([1.0, -1.0]))
    np.testing.assert_allclose(r, Wv @ [1.0, 0.0, 2.0])
    np.testing.assert_allclose(l, Wv.T @ [1.0, -1.0])


def test_verify_grad_detects_wrong_gradient():
    from theano.graph.basic import Apply
    from theano.graph.op import Op

    class BadSquare(Op):
        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] ** 2

        def grad(self, inputs, g):
            return [g[0] * 3 * inputs[0]]  # wrong: should be 2x

    with pytest.raises(GradientError):
        verify_grad(BadSquare(), [np.array([1.0, 2.0])])
    verify_grad(lambda a: a ** 2, [np.array([1.0, 2.0])])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_verify_grad_logistic(dtype):
    def cost(w, x):
        p = 1 / (1 + T.exp(-T.dot(x, w)))
        return -T.log(p).mean()

    rng = np.random.RandomState(0)
    verify_grad(cost, [rng.randn(3).astype(dtype), rng.randn(5, 3).astype(dtype)])


def test_verify_grad_float32_step_is_theano_s():
    # Theano 1.0 took finite-difference steps of 3e-4 in float32 (1e-7 in float64): a step of
    # 3e-3 is too coarse for curved functions such as eigh's eigenvalues.
    import theano.gradient as G

    assert G._EPS["float32"] == 3e-4 and G._EPS["float64"] == 1e-7
    seen = []
    x0 = np.array([0.3, -0.2], dtype="float32")

    def fun(x):
        seen.append(x.dtype)
        return (x ** 3).sum()

    G.verify_grad(fun, [x0], rng=np.random.RandomState(0))
    assert seen and all(d == "float32" for d in seen)


# ---- numeric_grad (Theano 1.0's finite-difference helper) -------------------------------------


def test_numeric_grad_matches_the_analytic_gradient():
    from theano.gradient import numeric_grad

    x, y = T.dvector("x"), T.dmatrix("y")
    f = theano.function([x, y], (T.sin(x) * y.sum(axis=0)).sum() + (y ** 3).sum())
    xv = np.array([0.3, -1.2, 2.0])
    yv = np.random.RandomState(1).uniform(-1, 1, (2, 3))
    ng = numeric_grad(f, [xv, yv])
    want_x = np.cos(xv) * yv.sum(axis=0)
    want_y = np.sin(xv)[None, :] + 3 * yv ** 2
    np.testing.assert_allclose(ng.gf[0], want_x, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ng.gf[1], want_y, rtol=1e-6, atol=1e-7)
    assert ng.max_err([want_x, want_y], 1e-4, 1e-4)[2] < 1e-6
    # a wrong gradient is found, at its place
    bad_y = want_y.copy()
    bad_y[1, 2] += 0.5
    arg, pos, abs_err, rel_err = ng.max_err([want_x, bad_y], 1e-4, 1e-4)
    assert (arg, pos) == (1, 5) and abs(abs_err - 0.5) < 1e-5 and rel_err > 0.01
    # one array in, one array out; the step of the narrowest float dtype
    g1 = numeric_grad(lambda v: (v ** 2).sum(), np.array([1.0, -2.0], dtype="float32"))
    assert isinstance(g1.gf, np.ndarray) and g1.eps == numeric_grad.type_eps["float32"]
    np.testing.assert_allclose(g1.gf, [2.0, -4.0], rtol=1e-3)
    assert T.numeric_grad is numeric_grad
    a, r = numeric_grad.abs_rel_err(np.array([1.0, 0.0]), np.array([1.5, 0.0]))
    np.testing.assert_allclose(a, [0.5, 0.0])
    np.testing.assert_allclose(r, [0.2, 0.0])
    with pytest.raises(TypeError, match="floating-point"):
        numeric_grad(lambda v: v.sum(), np.array([1, 2]))
