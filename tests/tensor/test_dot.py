"""T.dot on every ndim combination Theano supports, against np.dot."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int, sym_like
from theano.tensor.linalg_ops import TensorDot
from theano.tensor.math import Dot

# (shape of a, shape of b): every ndim pair 0..4 x 0..4 that np.dot accepts, small sizes
SHAPES = [
    ((), ()), ((), (3,)), ((3,), ()), ((), (2, 3)), ((2, 3), ()), ((2, 3, 2), ()),
    ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)), ((3, 4), (4, 2)),
    ((2, 3, 4), (4,)), ((4,), (2, 4, 3)), ((2, 3, 4), (4, 2)), ((3, 4), (2, 4, 3)),
    ((2, 3, 4), (2, 4, 3)), ((2, 2, 3, 4), (4, 2)), ((3,), (2, 2, 3, 2)),
    ((2, 1, 3), (3, 1)),
]


def _id(shapes):
    return "x".join("(" + ",".join(map(str, s)) + ")" for s in shapes)


@pytest.mark.parametrize("sa,sb", SHAPES, ids=[_id(s) for s in SHAPES])
def test_dot_values_shapes_grad(sa, sb):
    a, b = rand(*sa, seed=1), rand(*sb, seed=2)
    check_case(OpCase(f"dot{sa}{sb}", T.dot, lambda x, y: np.asarray(np.dot(x, y)), [a, b],
                      dtypes=("float64", "float32")))


@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 2)), ((4,), (4,)), ((2, 3, 4), (4, 2)), ((3,), (3, 2)),
                                   ((), (2, 2))])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int8"])
def test_dot_int(sa, sb, dtype):
    a, b = rand_int(*sa, dtype=dtype, seed=3), rand_int(*sb, dtype=dtype, seed=4)
    x, y = sym_like(a), sym_like(b)
    out = T.dot(x, y)
    assert out.dtype == dtype
    compare_backends([x, y], out, [a, b], expected=np.dot(a, b).astype(dtype))
    check_infer_shape([x, y], out, [a, b])


@pytest.mark.parametrize("da,db", [("float32", "float64"), ("int32", "float32"), ("int64", "float64"),
                                   ("float64", "int16")])
def test_dot_mixed_dtypes(da, db):
    a = rand(3, 4).astype(da) if da.startswith("float") else rand_int(3, 4, dtype=da)
    b = rand(4, 2).astype(db) if db.startswith("float") else rand_int(4, 2, dtype=db)
    x, y = sym_like(a), sym_like(b)
    out = T.dot(x, y)
    expected = np.dot(a, b)
    assert out.dtype == str(expected.dtype)
    compare_backends([x, y], out, [a, b], expected=expected)


def test_dot_grad_int_input_is_the_float_gradient():
    # a float product passes the real gradient to an integer input (Theano 1.0); an integer
    # product is flat
    x = T.lmatrix("x")
    y = T.dmatrix("y")
    gx, gy = T.grad(T.dot(x, y).sum(), [x, y])
    assert gx.dtype == theano.config.floatX
    xv, yv = rand_int(2, 3), rand(3, 4)
    f = theano.function([x, y], [gx, gy])
    for _ in range(3):
        rx, ry = f(xv, yv)
        np.testing.assert_allclose(rx, np.dot(np.ones((2, 4)), yv.T), rtol=1e-12)
        np.testing.assert_allclose(ry, np.dot(xv.T, np.ones((2, 4))))
    gi = T.grad(T.cast(T.dot(x, x), "float64").sum(), x)
    np.testing.assert_array_equal(theano.function([x], gi)(rand_int(3, 3)), np.zeros((3, 3)))


@pytest.mark.parametrize("sa,sb", [((0, 3), (3, 4)), ((3, 0), (0, 4)), ((2, 0, 3), (3, 2)), ((0,), (0,)),
                                   ((2, 3, 0), (0, 4))])
def test_dot_empty(sa, sb):
    a, b = np.zeros(sa), np.ones(sb)
    check_case(OpCase("dot_empty", T.dot, np.dot, [a, b], dtypes=("float64",)))


def test_dot_nd_uses_tensordot_and_2d_uses_dot():
    assert isinstance(T.dot(T.dmatrix(), T.dmatrix()).owner.op, Dot)
    assert isinstance(T.dot(T.dtensor3(), T.dmatrix()).owner.op, TensorDot)
    assert isinstance(T.dmatrix().dot(T.dtensor3()).owner.op, TensorDot)


def test_dot_broadcastable_pattern():
    r = T.row("r", dtype="float64")
    m = T.dmatrix("m")
    assert T.dot(r, m).broadcastable == (True, False)
    t = T.TensorType("float64", (True, False, False))("t")
    assert T.dot(t, m).broadcastable == (True, False, False)
    rv, mv = rand(1, 3), rand(3, 4)
    compare_backends([r, m], T.dot(r, m), [rv, mv], expected=np.dot(rv, mv))


def test_dot_shape_mismatch_message():
    x, y = T.dtensor3("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y), mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(rand(2, 3, 4), rand(5, 2))
    f2 = theano.function([y], T.dot(y, y), mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="[Ss]hape mismatch"):
        f2(rand(2, 3))


def test_dot_rop_nd():
    x, y = T.dtensor3("x"), T.dmatrix("y")
    ex, ey = T.dtensor3("ex"), T.dmatrix("ey")
    out = T.dot(x, y)
    jv = T.Rop(out, [x, y], [ex, ey])
    xv, yv, exv, eyv = rand(2, 3, 4), rand(4, 2), rand(2, 3, 4, seed=5), rand(4, 2, seed=6)
    f = theano.function([x, y, ex, ey], jv)
    np.testing.assert_allclose(f(xv, yv, exv, eyv), np.dot(exv, yv) + np.dot(xv, eyv), rtol=1e-10)


def test_matmul_operator_matches_dot():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    xv, yv = rand(2, 3), rand(3, 2)
    compare_backends([x, y], x @ y, [xv, yv], expected=xv @ yv)
