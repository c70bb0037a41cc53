"""theano.tensor.opt.Assert / assert_op: the value when every condition holds, AssertionError with
the op's message when one fails, on every backend (JAX included, jitted), called twice; shape,
gradient and R-operator pass through to the value."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.opt import Assert, assert_op
from tests.helpers import check_infer_shape, value_mode, value_modes




@pytest.mark.parametrize("mode", value_modes())
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_assert_passes_the_value_or_raises(mode, dtype):
    x = T.vector("x", dtype=dtype)
    checked = Assert("x must be non-empty and start positive")(x, T.gt(x.shape[0], 0), T.gt(x[0], 0))
    f = theano.function([x], checked * 2, mode=value_mode(mode))
    good = np.array([3, -1, 4], dtype=dtype)
    for _ in range(2):
        np.testing.assert_array_equal(f(good), good * 2)
        with pytest.raises(AssertionError, match="start positive"):
            f(np.array([-3, 1], dtype=dtype))
    np.testing.assert_array_equal(f(good), good * 2)    # still usable after a failing call


def test_conditions_must_be_scalars_and_names():
    x = T.dvector()
    with pytest.raises(TypeError, match="scalar"):
        assert_op(x, T.gt(x, 0))
    assert T.opt.assert_ is assert_op and assert_op.msg == "Theano Assert failed!"
    assert Assert("a") == Assert("a") and Assert("a") != Assert("b")


def test_shape_gradient_and_rop_pass_through():
    x = T.dmatrix("x")
    y = assert_op(x, T.gt(x.sum(), -1e9))
    check_infer_shape([x], y, [np.ones((2, 5))])
    rs = np.random.RandomState(0)
    verify_grad(lambda a: assert_op(a, T.lt(a.sum(), 1e9)) ** 2, [rs.uniform(-1000, 1000, (3, 2))],
                rng=rs)
    v = T.dmatrix("v")
    r = theano.function([x, v], T.Rop(y * 3, x, v))
    np.testing.assert_allclose(r(np.ones((2, 2)), np.full((2, 2), 2.0)), np.full((2, 2), 6.0))


def test_constant_value_through_an_assert_that_holds():
    # get_scalar_constant_value sees through an Assert whose conditions are constants that hold
    c = T.constant(2)
    x = T.scalar()
    assert T.get_scalar_constant_value(Assert()(c, c > 1)) == 2
    assert T.get_scalar_constant_value(Assert()(c * 3, T.constant(True), c < 5)) == 6
    for a in (Assert()(c, c > 2), Assert()(c, c > x), Assert()(x, c > 1)):
        with pytest.raises(T.NotScalarConstantError):
            T.get_scalar_constant_value(a)
    # the folded value is the one the function computes
    for mode in value_modes():
        f = theano.function([], Assert()(c, c > 1) * 5, mode=value_mode(mode))
        assert f() == 10 and f() == 10
