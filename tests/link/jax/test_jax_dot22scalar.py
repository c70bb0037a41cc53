"""The BLAS-named ops of theano.tensor.blas on the JAX backend, built directly (no rewrites):
Dot22Scalar's a * dot(x, y) against NumPy, float32 and float64, three calls each."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("jax")

from theano.tensor.blas import Dot22Scalar  # noqa: E402


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dot22scalar_values(dtype):
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    a = T.scalar("a", dtype=dtype)
    out = Dot22Scalar()(x, y, a)
    f = theano.function([x, y, a], out, mode=theano.Mode(linker="jax", optimizer=None))
    rng = np.random.RandomState(0)
    xv, yv = rng.randn(3, 5).astype(dtype), rng.randn(5, 2).astype(dtype)
    av = np.asarray(-1.5, dtype=dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for _ in range(3):
        got = f(xv, yv, av)
        assert got.dtype == out.dtype
        np.testing.assert_allclose(got, av * (xv @ yv), rtol=tol, atol=tol)
