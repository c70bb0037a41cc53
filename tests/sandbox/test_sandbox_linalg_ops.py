"""theano.sandbox.linalg.ops (Theano 1.0's path of the linear-algebra ops), checked against NumPy."""

import numpy as np

import theano
import theano.tensor as T
from theano.sandbox.linalg.ops import Cholesky, matrix_inverse, solve


def test_sandbox_linalg_ops_values():
    A, b = T.dmatrix("A"), T.dvector("b")
    f = theano.function([A, b], [matrix_inverse(A), solve(A, b), Cholesky(lower=True)(A)])
    rng = np.random.default_rng(0)
    for n in (2, 4):
        m = rng.normal(size=(n, n))
        a = m @ m.T + n * np.eye(n)
        v = rng.normal(size=n)
        inv, x, chol = f(a, v)
        np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-10)
        np.testing.assert_allclose(x, np.linalg.solve(a, v), rtol=1e-10)
        np.testing.assert_allclose(chol, np.linalg.cholesky(a), rtol=1e-10)


import pytest  # noqa: E402

from tests.helpers import compare_backends  # noqa: E402
from theano.gradient import verify_grad  # noqa: E402


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_spectral_radius_bound(dtype):
    from theano.sandbox.linalg.ops import imported_scipy, spectral_radius_bound

    assert imported_scipy is True
    x = T.matrix("x", dtype=dtype)
    rng = np.random.default_rng(3)
    for n, k in ((3, 5), (6, 2), (4, 1)):
        m = np.cov(rng.random((n, n + 2))).astype(dtype)
        out = spectral_radius_bound(x, k)
        assert out.dtype == dtype and out.ndim == 0
        # trace(m^(2^k)) ** (2^-k), from NumPy's eigenvalues
        eig = np.linalg.eigvalsh(m.astype("float64"))
        expected = np.sum(eig ** (2 ** k)) ** (2.0 ** -k)
        got = compare_backends([x], out, [m], expected=np.asarray(expected, dtype=dtype))
        assert got >= np.abs(eig).max() * (1 - 1e-5)       # a bound of the spectral radius
        if k == 5:
            assert got <= np.abs(eig).max() * (1 + 1e-3)    # and a tight one
    # one compiled function, called several times on other matrices
    f = theano.function([x], spectral_radius_bound(x, 3))
    for n in (2, 5, 3):
        m = np.cov(rng.random((n, n + 1))).astype(dtype)
        eig = np.linalg.eigvalsh(m.astype("float64"))
        np.testing.assert_allclose(f(m), np.sum(eig ** 8) ** 0.125, rtol=1e-4 if dtype == "float32" else 1e-10)
    # gradient against finite differences
    if dtype == "float64":
        m = np.cov(rng.random((3, 5)))
        verify_grad(lambda a: spectral_radius_bound(a, 2), [m], rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="needs a matrix"):
        spectral_radius_bound(T.vector(), 5)
    with pytest.raises(TypeError, match="must be an int"):
        spectral_radius_bound(x, 5.0)
    with pytest.raises(ValueError, match="must be positive"):
        spectral_radius_bound(x, -5)
