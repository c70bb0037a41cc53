"""theano.gradient.jacobian and hessian (built with scan) against NumPy finite differences."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import rand


def numeric_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype="float64")
    out = np.asarray(f(x))
    jac = np.zeros(out.shape + x.shape)
    for i in np.ndindex(*x.shape):
        p, m = x.copy(), x.copy()
        p[i] += eps
        m[i] -= eps
        jac[(Ellipsis,) + i] = (np.asarray(f(p)) - np.asarray(f(m))) / (2 * eps)
    return jac


def test_jacobian_of_vector_function():
    x = T.dvector("x")
    W = rand(3, 3, seed=3)
    y = T.tanh(T.dot(W, x)) * x
    J = theano.gradient.jacobian(y, x)
    f = theano.function([x], J)
    xv = rand(3, seed=4)
    expected = numeric_jacobian(lambda v: np.tanh(W @ v) * v, xv)
    np.testing.assert_allclose(f(xv), expected, rtol=1e-6, atol=1e-8)


def test_jacobian_several_wrt_and_matrix_wrt():
    x = T.dvector("x")
    M = T.dmatrix("M")
    y = T.dot(M, x) ** 2
    Jx, JM = theano.gradient.jacobian(y, [x, M])
    f = theano.function([x, M], [Jx, JM])
    xv, Mv = rand(3, seed=5), rand(2, 3, seed=6)
    jx, jm = f(xv, Mv)
    np.testing.assert_allclose(jx, numeric_jacobian(lambda v: (Mv @ v) ** 2, xv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jm, numeric_jacobian(lambda m: (m @ xv) ** 2, Mv), rtol=1e-6, atol=1e-8)
    assert jm.shape == (2, 2, 3)


def test_jacobian_of_scalar_is_the_gradient():
    x = T.dvector("x")
    J = theano.gradient.jacobian((x ** 3).sum(), x)
    np.testing.assert_allclose(theano.function([x], J)(np.array([1.0, 2.0])), [3.0, 12.0])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_hessian(dtype):
    x = T.vector("x", dtype=dtype)
    A = rand(3, 3, seed=7, dtype=dtype)
    cost = (T.exp(x) * T.dot(A, x)).sum()
    H = theano.gradient.hessian(cost, x)
    f = theano.function([x], H)
    xv = rand(3, seed=8, dtype=dtype)
    A64 = A.astype("float64")
    grad_np = lambda v: np.exp(v) * (A64 @ v) + A64.T @ np.exp(v)
    expected = numeric_jacobian(grad_np, xv.astype("float64"))
    out = f(xv)
    assert out.dtype == np.dtype(dtype)
    tol = 1e-6 if dtype == "float64" else 1e-3
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)


def test_hessian_list_and_disconnected():
    x = T.dvector("x")
    y = T.dvector("y")
    cost = (x ** 2).sum() * (y ** 3).sum()
    Hx, Hy = theano.gradient.hessian(cost, [x, y])
    f = theano.function([x, y], [Hx, Hy])
    xv, yv = np.array([1.0, 2.0]), np.array([0.5, 1.5, 2.0])
    hx, hy = f(xv, yv)
    np.testing.assert_allclose(hx, 2 * (yv ** 3).sum() * np.eye(2))
    np.testing.assert_allclose(hy, np.diag(6 * yv) * (xv ** 2).sum())
    z = T.dvector("z")
    with pytest.raises(theano.gradient.DisconnectedInputError):
        theano.gradient.hessian((x ** 2).sum(), z)


def test_jacobian_bad_rank():
    with pytest.raises(TypeError, match="scalar or vector"):
        theano.gradient.jacobian(T.dmatrix(), T.dvector())


# -- the loop jacobian/hessian are built with: theano.scan, plugged into theano.gradient -----------

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "numba": lambda: theano.Mode(linker="auto", optimizer="fast_run")}


def test_scan_is_the_registered_loop():
    from theano.scan import scan

    assert theano.gradient._loop is scan
    assert T.jacobian is theano.gradient.jacobian is theano.jacobian
    assert T.hessian is theano.gradient.hessian is theano.hessian
    from theano.gradient import hessian, jacobian  # Theano 1.0 import paths

    assert (jacobian, hessian) == (theano.gradient.jacobian, theano.gradient.hessian)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_jacobian_and_hessian_on_each_backend_called_twice(mode):
    x = T.dvector("x")
    W = rand(4, 3, seed=31)
    y = T.sin(T.dot(W, x)) * T.sum(x ** 2)
    cost = T.sum(T.exp(x) * T.dot(W.T @ W, x))
    f = theano.function([x], [theano.gradient.jacobian(y, x), theano.gradient.hessian(cost, x)],
                        mode=MODES[mode]())
    for seed in (32, 33):
        xv = rand(3, seed=seed)
        J, H = f(xv)
        J2, H2 = f(xv)
        np.testing.assert_array_equal(J, J2)
        np.testing.assert_array_equal(H, H2)
        np.testing.assert_allclose(J, numeric_jacobian(lambda v: np.sin(W @ v) * (v ** 2).sum(), xv),
                                   rtol=1e-6, atol=1e-8)
        M = W.T @ W
        grad_np = lambda v: np.exp(v) * (M @ v) + M.T @ np.exp(v)
        np.testing.assert_allclose(H, numeric_jacobian(grad_np, xv), rtol=1e-6, atol=1e-8)


def test_jacobian_uses_the_registered_loop(monkeypatch):
    from theano.scan import scan

    calls = []

    def counting_loop(fn, sequences, non_sequences):
        calls.append(len(non_sequences))
        return scan(fn, sequences=sequences, non_sequences=non_sequences)

    monkeypatch.setattr(theano.gradient, "_loop", None)
    theano.gradient.register_loop(counting_loop)
    x = T.dvector("x")
    J = theano.gradient.jacobian(x ** 3, x)
    assert calls == [2]  # the expression and x
    np.testing.assert_allclose(theano.function([x], J)(np.array([1.0, 2.0])), np.diag([3.0, 12.0]))
    monkeypatch.setattr(theano.gradient, "_loop", None)
    with pytest.raises(RuntimeError, match="import theano.scan"):
        theano.gradient.jacobian(x ** 3, x)
    # a scalar expression needs no loop: its Jacobian is the gradient
    np.testing.assert_allclose(theano.function([x], theano.gradient.jacobian((x ** 2).sum(), x))(
        np.array([1.0, 2.0])), [2.0, 4.0])


def test_results_keep_the_form_of_wrt_as_theano():
    """grad, jacobian, hessian and Lop return a tuple for a tuple ``wrt``, a list for a list and
    the one value for a variable (Rop: the form of ``f``), with the same values."""
    x = T.dvector("x")
    z = T.dvector("z")
    cost = (x ** 2).sum() + (x * z).sum()
    vec = x * 2 + z
    xv, zv = np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.0, -1.0])
    for fn, args in ((T.grad, (cost,)), (T.jacobian, (vec,)), (T.hessian, (cost,)),
                     (lambda f, w: theano.gradient.Lop(f, w, x), (vec,))):
        as_tuple = fn(*args, (x, z))
        as_list = fn(*args, [x, z])
        single = fn(*args, x)
        assert type(as_tuple) is tuple and type(as_list) is list and len(as_tuple) == 2
        assert isinstance(single, theano.Variable)
        f = theano.function([x, z], list(as_tuple) + as_list + [single],
                            on_unused_input="ignore")
        for _ in range(2):
            t0, t1, l0, l1, s = f(xv, zv)
            np.testing.assert_array_equal(t0, l0)
            np.testing.assert_array_equal(t1, l1)
            np.testing.assert_array_equal(t0, s)
    np.testing.assert_allclose(theano.function([x, z], T.grad(cost, (x, z))[0])(xv, zv),
                               2 * xv + zv)
    r = theano.gradient.Rop((vec,), x, x)
    assert type(r) is tuple and len(r) == 1
