"""JAX translations of Tile and PermuteRowElements: the reference VM's values, every call."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("jax")

from theano.tensor.extra_ops import PermuteRowElements, Tile  # noqa: E402

JAX = theano.Mode(linker="jax")
PY = theano.Mode(linker="py")


def _both(inputs, out, values):
    got = [theano.function(inputs, out, mode=JAX)(*values) for _ in range(2)]
    want = theano.function(inputs, out, mode=PY)(*values)
    for g in got:
        assert np.asarray(g).dtype == np.asarray(want).dtype
        np.testing.assert_array_equal(g, want)
    return want


@pytest.mark.parametrize("inverse", [0, 1])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_permute_row_elements(inverse, dtype):
    x = T.matrix("x", dtype=dtype)
    y = T.lvector("y")
    inv = T.iscalar("inv")
    xv = np.arange(12).reshape(3, 4).astype(dtype)
    yv = np.array([2, 0, 3, 1])
    out = _both([x, y, inv], PermuteRowElements()(x, y, inv), [xv, yv, inverse])
    want = xv[:, yv] if not inverse else xv[:, np.argsort(yv)]
    np.testing.assert_array_equal(out, want)


def test_permute_row_elements_refuses_a_non_permutation():
    x, y = T.dmatrix("x"), T.lvector("y")
    f = theano.function([x, y], PermuteRowElements()(x, y, 0), mode=JAX)
    with pytest.raises(ValueError, match="not a permutation"):
        f(np.ones((2, 3)), np.array([0, 0, 1]))


@pytest.mark.parametrize("reps", [(2, 3), (1, 1), (3, 1)])
def test_tile_with_symbolic_reps(reps):
    x = T.dmatrix("x")
    r = T.lvector("r")
    xv = np.arange(6.0).reshape(2, 3)
    out = _both([x, r], Tile(2)(x, r), [xv, np.array(reps)])
    np.testing.assert_array_equal(out, np.tile(xv, reps))
