"""Removing a neutral or absorbing term (``x + zeros_like(y)``, ``x * ones_like(y)``, ``x * 0``)
keeps the error of mismatched shapes that the elementwise node would have raised, and costs
nothing where the shapes are the same by construction."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.assertions import Assert

MODES = ["FAST_RUN", "FAST_COMPILE"]


def _asserts(f):
    return sum(isinstance(n.op, Assert) for n in f.maker.fgraph.apply_nodes)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("build", [
    lambda x, y: x + T.zeros_like(y),
    lambda x, y: x * T.ones_like(y),
    lambda x, y: x * T.zeros_like(y),
    lambda x, y: x * 0 + 0 * y,
    lambda x, y: T.zeros_like(y) + T.zeros_like(x),
])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mismatched_shapes_still_raise_and_matching_ones_give_numpy_values(build, dtype, mode):
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    f = theano.function([x, y], build(x, y), mode=mode)
    rng = np.random.RandomState(0)
    a, b = rng.randn(2, 3).astype(dtype), rng.randn(2, 3).astype(dtype)
    ref = {0: a + 0 * b, 1: a * 1, 2: a * 0, 3: a * 0 + 0 * b, 4: 0 * a + 0 * b}
    for _ in range(3):
        got = f(a, b)
        assert got.shape == (2, 3) and got.dtype == dtype
        assert any(np.array_equal(got, r) for r in ref.values())
        with pytest.raises((AssertionError, ValueError)):
            f(a, rng.randn(4, 5).astype(dtype))
        with pytest.raises((AssertionError, ValueError)):
            f(a, rng.randn(2, 4).astype(dtype))


@pytest.mark.parametrize("mode", MODES)
def test_no_check_where_the_shapes_are_the_same_by_construction(mode):
    x = T.dmatrix("x")
    for expr in (x + T.zeros_like(x), x * T.ones_like(x), x * 0, (x * 0)[:, 0] + x[:, 1] * 1):
        f = theano.function([x], expr, mode=mode)
        assert _asserts(f) == 0
    g = theano.function([x], T.grad((x * 3).sum() + (x * 0).sum(), x), mode=mode)
    assert _asserts(g) == 0
    np.testing.assert_array_equal(g(np.ones((2, 2))), np.full((2, 2), 3.0))


def test_broadcasting_dimensions_need_no_check():
    x = T.dmatrix("x")
    s = T.dscalar("s")
    r = T.drow("r")
    f = theano.function([x, s], x + T.zeros_like(s))
    assert _asserts(f) == 0
    np.testing.assert_array_equal(f(np.ones((3, 2)), 5.0), np.ones((3, 2)))
    g = theano.function([x, r], x + T.zeros_like(r))     # only the columns must agree
    np.testing.assert_array_equal(g(np.ones((3, 2)), np.ones((1, 2))), np.ones((3, 2)))
    with pytest.raises((AssertionError, ValueError)):
        g(np.ones((3, 2)), np.ones((1, 3)))
