"""NumPy ufuncs called on symbolic tensors (``np.exp(x)``, ``np.maximum(x, 0)``, ``a + x`` with a
NumPy array on the left) build the graph of the matching theano.tensor function, as in Theano 1.0
(PyMC3's models call NumPy functions on tensors); values against NumPy on every backend path."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import compare_backends

UNARY = [np.arccos, np.arcsin, np.arctan, np.arcsinh, np.ceil, np.cos, np.cosh, np.deg2rad,
         np.exp, np.exp2, np.expm1, np.floor, np.log, np.log10, np.log1p, np.log2, np.rad2deg,
         np.sin, np.sinh, np.sqrt, np.tan, np.tanh, np.trunc, np.sign, np.square, np.negative,
         np.absolute, np.reciprocal, np.isnan, np.isinf]
POSITIVE = {np.log, np.log10, np.log1p, np.log2, np.sqrt}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("fct", UNARY, ids=lambda f: f.__name__)
def test_unary_ufunc_on_a_tensor_matches_numpy(fct, dtype):
    x = T.matrix("x", dtype=dtype)
    rng = np.random.RandomState(0)
    low = 0.05 if fct in POSITIVE else -0.95
    data = rng.uniform(low, 0.95, size=(4, 3)).astype(dtype)
    y = fct(x)
    assert isinstance(y, theano.Variable)
    compare_backends([x], y, [data], expected=fct(data), check_dtype=False)


def test_arccosh_arctanh_on_their_domains():
    x = T.dvector("x")
    big = np.array([1.5, 2.0, 30.0])
    small = np.array([-0.9, 0.0, 0.5])
    compare_backends([x], np.arccosh(x), [big], expected=np.arccosh(big))
    compare_backends([x], np.arctanh(x), [small], expected=np.arctanh(small))


def test_binary_ufuncs_and_operators_with_numpy_on_the_left():
    x = T.dmatrix("x")
    a = np.arange(1.0, 7.0).reshape(2, 3)
    xv = np.array([[0.5, -2.0, 3.0], [4.0, -0.25, 1.5]])
    cases = [
        (a + x, a + xv), (a - x, a - xv), (a * x, a * xv), (a / x, a / xv),
        (a ** np.abs(x), a ** np.abs(xv)), (np.maximum(x, 0.0), np.maximum(xv, 0.0)),
        (np.minimum(a, x), np.minimum(a, xv)), (np.arctan2(x, a), np.arctan2(xv, a)),
        (np.float64(2) * x, 2 * xv), (np.power(x, 2), xv ** 2), (np.add(x, a), xv + a),
        (a < x, a < xv), (a >= x, a >= xv), (a @ x.T, a @ xv.T),
    ]
    for sym, ref in cases:
        assert isinstance(sym, theano.Variable), sym
        compare_backends([x], sym, [xv], expected=ref, check_dtype=False)


def test_gradient_through_a_numpy_ufunc():
    x = T.dvector("x")
    cost = np.exp(x).sum() + np.sin(x).sum()
    g = theano.function([x], T.grad(cost, x))
    xv = np.array([0.1, -1.0, 2.0])
    for _ in range(3):
        np.testing.assert_allclose(g(xv), np.exp(xv) + np.cos(xv), rtol=1e-12)


def test_equality_stays_identity_and_unsupported_uses_raise():
    x = T.dvector("x")
    a = np.ones(3)
    assert (a == x) is False and (a != x) is True and (x == x) is True
    with pytest.raises(TypeError, match="add.reduce"):
        np.add.reduce(x)
    with pytest.raises(TypeError, match="out="):
        np.exp(x, out=np.empty(3))
    with pytest.raises(TypeError, match="numpy.frexp has no theano.tensor counterpart"):
        np.frexp(x)


def test_shared_variable_and_constant_take_ufuncs_too():
    w = theano.shared(np.array([0.5, 1.5]), name="w")
    c = T.constant(np.array([2.0, 3.0]))
    f = theano.function([], [np.log(w), np.sqrt(c)])
    for _ in range(2):
        lw, sc = f()
        np.testing.assert_allclose(lw, np.log([0.5, 1.5]))
        np.testing.assert_allclose(sc, np.sqrt([2.0, 3.0]))
