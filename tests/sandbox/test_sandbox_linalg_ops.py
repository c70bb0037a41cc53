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
