"""tensordot, batched_dot, batched_tensordot and the diagonal ops of theano.tensor.linalg_ops."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int, sym_like
from theano.tensor.linalg_ops import AllocDiag, BatchedTensorDot, ExtractDiag, SetDiagonal, TensorDot

F = ("float64", "float32")


def np_batched_tensordot(x, y, axes):
    return np.stack([np.tensordot(x[i], y[i], axes) for i in range(x.shape[0])])


# --- tensordot ------------------------------------------------------------------------------------

TENSORDOT = [
    ((3, 4, 5), (4, 5, 2), 2),
    ((3, 4), (4, 2), 1),
    ((3, 4), (2, 5), 0),
    ((2, 3), (2, 3), 2),
    ((2, 3, 4), (2, 3, 4), 3),
    ((3, 4, 5), (5, 2, 4), [[1, 2], [2, 0]]),
    ((3, 4, 5), (5, 2), [2, 0]),
    ((3, 4, 5), (5, 2), [[-1], [0]]),
    ((4,), (4, 3), [[0], [0]]),
    ((2, 3, 4, 2), (2, 3, 4), [[0, 1, 2], [0, 1, 2]]),
    ((3, 0, 2), (0, 2, 4), 2),
    ((3, 0), (2,), 0),
]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT, ids=[str(i) for i in range(len(TENSORDOT))])
def test_tensordot(sa, sb, axes):
    a, b = rand(*sa, seed=1), rand(*sb, seed=2)
    np_axes = axes if np.isscalar(axes) else tuple(axes)
    check_case(OpCase("tensordot", lambda x, y: T.tensordot(x, y, axes),
                      lambda x, y: np.tensordot(x, y, np_axes), [a, b], dtypes=F))


def test_tensordot_default_axes_and_int_dtypes():
    a, b = rand_int(2, 3, 4, dtype="int32"), rand_int(3, 4, 2, dtype="int32")
    x, y = sym_like(a), sym_like(b)
    out = T.tensordot(x, y)
    assert out.dtype == "int32"
    compare_backends([x, y], out, [a, b], expected=np.tensordot(a, b))
    check_infer_shape([x, y], out, [a, b])
    gx = T.grad(T.sum(T.tensordot(x, T.cast(y, "float64"))), x)
    assert gx.dtype == theano.config.floatX


def test_tensordot_broadcastable_and_rop():
    x = T.TensorType("float64", (False, True, False))("x")
    y = T.dmatrix("y")
    out = T.tensordot(x, y, [[2], [0]])
    assert out.broadcastable == (False, True, False)
    xv, yv = rand(3, 1, 4), rand(4, 2)
    compare_backends([x, y], out, [xv, yv], expected=np.tensordot(xv, yv, [[2], [0]]))
    ex, ey = T.TensorType("float64", (False, True, False))("ex"), T.dmatrix("ey")
    jv = T.Rop(out, [x, y], [ex, ey])
    exv, eyv = rand(3, 1, 4, seed=9), rand(4, 2, seed=10)
    f = theano.function([x, y, ex, ey], jv)
    expected = np.tensordot(exv, yv, [[2], [0]]) + np.tensordot(xv, eyv, [[2], [0]])
    np.testing.assert_allclose(f(xv, yv, exv, eyv), expected, rtol=1e-10)


def test_tensordot_bad_arguments():
    x, y = T.dtensor3("x"), T.dmatrix("y")
    with pytest.raises(ValueError, match="has only 2"):
        T.tensordot(x, y, 3)
    with pytest.raises(ValueError, match="same length"):
        T.tensordot(x, y, [[0, 1], [0]])
    with pytest.raises(ValueError, match="out of range"):
        T.tensordot(x, y, [[3], [0]])
    with pytest.raises(ValueError, match="repeated"):
        T.tensordot(x, y, [[1, 1], [0, 1]])
    with pytest.raises(TypeError, match="axes must be"):
        T.tensordot(x, y, "a")
    with pytest.raises(TypeError, match="axes must be"):
        T.tensordot(x, y, 1.5)
    with pytest.raises(ValueError, match=">= 0"):
        T.tensordot(x, y, -1)
    # a sequence that is not a pair is a wrong value (ValueError, as Theano 1.0)
    for axes in [(0, 1, 2), [0], ([0], [0], [1])]:
        with pytest.raises(ValueError, match="pair"):
            T.tensordot(x, y, axes)
    f = theano.function([x, y], T.tensordot(x, y, [[2], [0]]), mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="axis 2 of a .* has length 4 but axis 0 of b"):
        f(rand(2, 3, 4), rand(5, 2))


def test_tensordot_op_identity():
    assert TensorDot([1], [0]) == TensorDot((1,), (0,))
    assert TensorDot([1], [0]) != TensorDot([0], [1])
    assert TensorDot([1], [0]) != BatchedTensorDot([1], [0])
    with pytest.raises(ValueError, match="same length"):
        TensorDot([1, 2], [0])


# --- batched_dot / batched_tensordot -----------------------------------------------------------------

BATCHED_DOT = [
    ((3, 2, 4), (3, 4, 5)),
    ((3, 2, 4), (3, 4)),
    ((3, 4), (3, 4, 5)),
    ((3, 4), (3, 4)),
    ((3,), (3, 4, 2)),
    ((3, 2, 4), (3,)),
    ((3,), (3,)),
    ((2, 3, 4, 5), (2, 5, 2)),
    ((2, 3, 4), (2, 2, 4, 3)),
    ((0, 2, 3), (0, 3, 4)),
    ((3, 2, 0), (3, 0, 4)),
]


@pytest.mark.parametrize("sa,sb", BATCHED_DOT, ids=[str(i) for i in range(len(BATCHED_DOT))])
def test_batched_dot(sa, sb):
    a, b = rand(*sa, seed=3), rand(*sb, seed=4)

    def reference(x, y):
        if x.ndim == 1 or y.ndim == 1:
            xe = x.reshape(x.shape + (1,) * (y.ndim - x.ndim))
            ye = y.reshape(y.shape + (1,) * (x.ndim - y.ndim))
            return xe * ye
        if x.shape[0] == 0:
            return np.zeros((0,) + np.dot(np.zeros(x.shape[1:]), np.zeros(y.shape[1:])).shape)
        return np.stack([np.dot(x[i], y[i]) for i in range(x.shape[0])])

    # the 1-d cases build an Elemwise, whose infer_shape belongs to someone else's op
    plain = len(sa) > 1 and len(sb) > 1
    check_case(OpCase("batched_dot", T.batched_dot, reference, [a, b], dtypes=F, infer_shape=plain))


def test_batched_dot_int_and_errors():
    a, b = rand_int(2, 3, 4, dtype="int64"), rand_int(2, 4, 2, dtype="int64")
    x, y = sym_like(a), sym_like(b)
    compare_backends([x, y], T.batched_dot(x, y), [a, b], expected=np.matmul(a, b))
    with pytest.raises(TypeError, match="batch"):
        T.batched_dot(T.dscalar(), T.dmatrix())
    with pytest.raises(TypeError, match="batch"):
        T.batched_dot(T.dmatrix(), T.dscalar())
    f = theano.function([x, y], T.batched_dot(x, y), mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="batch sizes differ"):
        f(a, rand_int(3, 4, 2, dtype="int64"))


BATCHED_TENSORDOT = [
    ((2, 3, 4), (2, 4, 5), [[2], [1]]),
    ((2, 3, 4, 5), (2, 4, 5, 2), 2),
    ((2, 3, 4, 5), (2, 5, 4), [[2, 3], [2, 1]]),
    ((2, 3), (2, 3, 4), 1),
    ((2, 3, 4), (2, 4, 3), [[1, 2], [2, 1]]),
]


@pytest.mark.parametrize("sa,sb,axes", BATCHED_TENSORDOT, ids=[str(i) for i in range(len(BATCHED_TENSORDOT))])
def test_batched_tensordot(sa, sb, axes):
    a, b = rand(*sa, seed=5), rand(*sb, seed=6)
    if np.isscalar(axes):
        np_axes = (list(range(len(sa) - axes - 1, len(sa) - 1)), list(range(axes)))
    else:
        np_axes = ([d - 1 for d in axes[0]], [d - 1 for d in axes[1]])
    check_case(OpCase("batched_tensordot", lambda x, y: T.batched_tensordot(x, y, axes),
                      lambda x, y: np_batched_tensordot(x, y, np_axes), [a, b], dtypes=F))


def test_batched_tensordot_errors():
    x, y = T.dtensor3("x"), T.dtensor3("y")
    with pytest.raises(ValueError, match="out of range"):
        T.batched_tensordot(x, y, [[0], [1]])
    with pytest.raises(ValueError, match="non-batch"):
        T.batched_tensordot(x, y, 3)
    with pytest.raises(TypeError, match="batch axis"):
        T.batched_tensordot(T.dscalar(), y, 1)


# --- diagonals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,offset,a1,a2", [((3, 3), 0, 0, 1), ((3, 5), 1, 0, 1), ((5, 3), -2, 0, 1),
                                               ((2, 3, 4), 0, 1, 2), ((2, 3, 4), 1, 2, 0),
                                               ((3, 4), 7, 0, 1), ((0, 3), 0, 0, 1)])
def test_diagonal(shape, offset, a1, a2):
    x = rand(*shape, seed=7)
    check_case(OpCase("diagonal", lambda v: T.diagonal(v, offset, a1, a2),
                      lambda v: np.diagonal(v, offset, a1, a2).copy(), [x], dtypes=F))


def test_diagonal_method_negative_axes_and_int():
    x = rand_int(2, 3, 4, dtype="int16")
    v = sym_like(x)
    compare_backends([v], v.diagonal(0, -1, -2), [x], expected=np.diagonal(x, 0, -1, -2))


@pytest.mark.parametrize("shape,k", [((3,), 0), ((3,), 2), ((4,), -1), ((0,), 0), ((3, 3), 0), ((3, 4), -1)])
def test_diag(shape, k):
    x = rand(*shape, seed=8)
    check_case(OpCase("diag", lambda v: T.diag(v, k), lambda v: np.diag(v, k), [x], dtypes=F))


def test_diag_errors():
    with pytest.raises(ValueError, match="1-d or 2-d"):
        T.diag(T.dtensor3())
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        ExtractDiag()(T.dvector())
    with pytest.raises(TypeError, match="at least 1 dimension"):
        AllocDiag()(T.dscalar())
    with pytest.raises(ValueError, match="must differ"):
        ExtractDiag(0, 1, 1)
    with pytest.raises(ValueError, match="out of range"):
        ExtractDiag(0, 0, 2)(T.dmatrix())


def test_alloc_diag_stacked_axes():
    v = rand(2, 3, seed=11)
    expected = np.zeros((4, 2, 4))
    for b in range(2):
        expected[:, b, :] = np.diag(v[b], 1)
    check_case(OpCase("alloc_diag_axes", lambda x: AllocDiag(1, 0, 2)(x), lambda x: expected, [v],
                      dtypes=("float64",)))


def test_set_diagonal():
    x, d = rand(3, 4, seed=12), rand(3, seed=13)

    def reference(a, b):
        out = a.copy()
        out[np.arange(3), np.arange(3)] = b
        return out

    check_case(OpCase("set_diagonal", lambda a, b: SetDiagonal()(a, b), reference, [x, d], dtypes=F))
    a, b = T.dmatrix("a"), T.dvector("b")
    f = theano.function([a, b], SetDiagonal()(a, b), mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="d has shape"):
        f(x, rand(4))
    with pytest.raises(TypeError, match="1 dimensions"):
        SetDiagonal()(a, a)


@pytest.mark.parametrize("shape,args", [((3, 3), ()), ((3, 4), (1,)), ((2, 3, 3), (0, 1, 2)), ((4, 2), (-1,))])
def test_trace(shape, args):
    x = rand(*shape, seed=14)
    check_case(OpCase("trace", lambda v: T.trace(v, *args), lambda v: np.asarray(np.trace(v, *args)), [x],
                      dtypes=F, infer_shape=False))


def test_trace_method_and_int():
    x = rand_int(4, 4, dtype="int32")
    v = sym_like(x)
    compare_backends([v], v.trace(), [x], expected=np.trace(x), check_dtype=False)
    m = T.dmatrix("m")
    g = T.grad(m.trace(), m)
    np.testing.assert_allclose(theano.function([m], g)(rand(3, 4)), np.eye(3, 4))
