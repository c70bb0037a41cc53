"""round(x, 'half_away_from_zero') on the JAX backend equals the reference exactly, including just
below a half (where floor(x + 0.5) rounds up) and at infinities; called twice."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("jax")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_half_away_from_zero_matches_the_reference(dtype):
    x = T.vector(dtype=dtype)
    out = T.round(x, mode="half_away_from_zero")
    jax_f = theano.function([x], out, mode=theano.Mode(linker="jax"))
    ref_f = theano.function([x], out, mode=theano.Mode(linker="py"))
    below_half = np.nextafter(np.asarray(0.5, dtype=dtype), np.asarray(0, dtype=dtype))
    v = np.array([below_half, -below_half, 2.5, -2.5, 1.5, -0.7, 0.0, np.inf, -np.inf, 1e30],
                 dtype=dtype)
    want = ref_f(v)
    np.testing.assert_array_equal(want[:6], np.array([0, -0.0, 3, -3, 2, -1], dtype=dtype))
    for _ in range(2):
        got = np.asarray(jax_f(v))
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)
