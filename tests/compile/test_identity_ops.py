"""theano.compile's ViewOp/view_op and DeepCopyOp/deep_copy_op (Theano 1.0's theano.compile.ops):
the identity on every backend, float and int, shape and gradient passing through, the copy
sharing no memory with its input; each compiled function called twice."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import DeepCopyOp, ViewOp, deep_copy_op, view_op
from theano.compile.function_module import DeepCopyOp as DeepCopyOp_old
from theano.gradient import verify_grad
from tests.helpers import check_infer_shape, value_mode, value_modes




@pytest.mark.parametrize("mode", value_modes())
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
@pytest.mark.parametrize("op", [view_op, deep_copy_op])
def test_identity_values(op, dtype, mode):
    x = T.matrix(dtype=dtype)
    f = theano.function([x], [op(x) * 2, op(x)], mode=value_mode(mode))
    xv = (np.arange(12).reshape(3, 4) - 5).astype(dtype)
    for _ in range(2):
        doubled, same = f(xv)
        np.testing.assert_array_equal(doubled, xv * 2)
        np.testing.assert_array_equal(same, xv)
        assert same.dtype == dtype


def test_deep_copy_shares_no_memory_and_view_is_declared():
    a = np.ones((2, 3))
    out = [None]
    x = T.dmatrix()
    deep_copy_op.perform(deep_copy_op(x).owner, [a], [out])
    assert not np.shares_memory(out[0], a)
    np.testing.assert_array_equal(out[0], a)
    view_op.perform(view_op(x).owner, [a], [out])
    assert out[0] is a
    assert ViewOp.view_map == {0: [0]} and not getattr(DeepCopyOp, "view_map", {})
    assert DeepCopyOp_old is DeepCopyOp and isinstance(deep_copy_op, DeepCopyOp)
    with pytest.raises(TypeError, match="symbolic variable"):
        deep_copy_op(np.ones(2))


@pytest.mark.parametrize("op", [view_op, deep_copy_op])
def test_shape_and_gradient_pass_through(op):
    x = T.dmatrix()
    check_infer_shape([x], op(x), [np.ones((3, 5))])
    rs = np.random.RandomState(0)
    verify_grad(lambda a: op(a) ** 2, [rs.uniform(-1000, 1000, size=(2, 3))], rng=rs)
    v = T.dmatrix()
    r = theano.function([x, v], T.Rop(op(x) * 3, x, v))
    np.testing.assert_allclose(r(np.ones((2, 2)), np.full((2, 2), 2.0)), np.full((2, 2), 6.0))
