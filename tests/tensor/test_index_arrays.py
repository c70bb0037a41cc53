"""Integer index arrays: theano.tensor.index_arrays (inverse_permutation, choose, permute_row_elements)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_inverse_permutation(dtype):
    p = T.TensorType(dtype, (False,))()
    pv = np.array([3, 0, 4, 1, 2], dtype=dtype)
    res = compare_backends([p], T.inverse_permutation(p), [pv], expected=np.argsort(pv))
    assert res.dtype == np.dtype(dtype)
    m = T.lmatrix()
    mv = np.array([[2, 0, 1], [0, 1, 2]])
    np.testing.assert_array_equal(run(T.inverse_permutation(m), [m], [mv]), np.argsort(mv, axis=-1))
    check_infer_shape([p], T.inverse_permutation(p), [pv])
    f = theano.function([p], T.inverse_permutation(p), mode=PY)
    with pytest.raises(ValueError, match="permutation"):
        f(np.array([0, 0, 1], dtype=dtype))
    with pytest.raises(TypeError, match="integer"):
        T.inverse_permutation(T.dvector())


AV = np.array([[0, 1, 2], [2, 1, 0]])


@pytest.mark.parametrize("case", [
    OpCase("choose_list", lambda x, y: T.choose(T.constant(AV), [x, y, x * 2]),
           lambda x, y: np.choose(AV, [x, y, x * 2]), [rand(2, 3), rand(2, 3, seed=4)], dtypes=FLOATS),
    OpCase("choose_tensor_bcast", lambda c: T.choose(T.constant(AV), T.addbroadcast(c, 1), mode="wrap"),
           lambda c: np.choose(AV, c, mode="wrap"), [rand(4, 1, 3)], dtypes=FLOATS),
    OpCase("choose_clip", lambda c: T.choose(T.constant(AV + 2), c, mode="clip"),
           lambda c: np.choose(AV + 2, c, mode="clip"), [rand(3, 2, 3)], dtypes=FLOATS),
    OpCase("choose_lower_rank_choices", lambda c: T.choose(T.constant(AV), c),
           lambda c: np.choose(AV, c), [rand(3, 3)], dtypes=FLOATS),
], ids=lambda c: c.name)
def test_choose(case):
    check_case(case)


def test_choose_errors():
    a = T.lmatrix()
    c = T.dtensor3()
    with pytest.raises(TypeError, match="integer"):
        T.choose(T.dmatrix(), c)
    with pytest.raises(ValueError, match="mode"):
        T.choose(a, c, mode="bad")
    f = theano.function([a, c], T.choose(a, c), mode=PY)
    with pytest.raises(ValueError):
        f(np.array([[0, 5]]), rand(2, 1, 2))
    with pytest.raises(ValueError, match="broadcastable"):
        f(np.array([[0, 1]]), rand(2, 3, 2))


PERM = np.array([2, 0, 3, 1])


PERMS = np.array([[1, 0, 2, 3], [3, 2, 1, 0], [0, 1, 2, 3]])


@pytest.mark.parametrize("case", [
    OpCase("permute_rows_vector", lambda x: T.permute_row_elements(x, T.constant(PERM)),
           lambda x: x[:, PERM], [rand(3, 4)], dtypes=FLOATS),
    OpCase("permute_rows_matrix", lambda x: T.permute_row_elements(x, T.constant(PERMS)),
           lambda x: np.take_along_axis(x, PERMS, 1), [rand(3, 4)], dtypes=FLOATS),
    OpCase("permute_rows_inverse", lambda x: T.permute_row_elements(x, T.constant(PERM), inverse=1),
           lambda x: x[:, np.argsort(PERM)], [rand(2, 4)], dtypes=FLOATS),
    OpCase("permute_vector_by_matrix", lambda x: T.permute_row_elements(x, T.constant(PERMS)),
           lambda x: x[PERMS], [rand(4)], dtypes=FLOATS),
], ids=lambda c: c.name)
def test_permute_row_elements(case):
    check_case(case)


def test_permute_row_elements_errors():
    with pytest.raises(TypeError, match="integer"):
        T.permute_row_elements(T.dmatrix(), T.dvector())
    with pytest.raises(TypeError, match="dimension"):
        T.permute_row_elements(T.dscalar(), T.lvector())


def test_to_one_hot():
    y = T.ivector()
    yv = np.array([0, 2, 1, 2], dtype="int32")
    out = T.to_one_hot(y, 3)
    assert out.dtype == theano.config.floatX
    np.testing.assert_array_equal(run(out, [y], [yv]), np.eye(3)[yv])
    out2 = T.to_one_hot(y, 4, dtype="int32")
    assert out2.dtype == "int32"
    np.testing.assert_array_equal(run(out2, [y], [yv]), np.eye(4, dtype="int32")[yv])
    with pytest.raises(TypeError, match="integer vector"):
        T.to_one_hot(T.dvector(), 3)
    with pytest.raises(TypeError, match="integer"):
        T.to_one_hot(y, 2.5)


def test_unravel_ravel():
    idx = T.lvector()
    iv = np.array([0, 5, 11, 7])
    outs = T.unravel_index(idx, (3, 4))
    assert len(outs) == 2
    for got, exp in zip(run(list(outs), [idx], [iv]), np.unravel_index(iv, (3, 4))):
        np.testing.assert_array_equal(got, exp)
    for got, exp in zip(run(list(T.unravel_index(idx, (2, 3, 2), order="F")), [idx], [iv]),
                        np.unravel_index(iv, (2, 3, 2), order="F")):
        np.testing.assert_array_equal(got, exp)
    a, b = T.lvector(), T.lvector()
    flat = T.ravel_multi_index((a, b), (3, 4))
    av, bv = np.array([0, 2, 1]), np.array([3, 1, 0])
    np.testing.assert_array_equal(run(flat, [a, b], [av, bv]), np.ravel_multi_index((av, bv), (3, 4)))
    wrapped = T.ravel_multi_index((a, b), (3, 4), mode="wrap")
    np.testing.assert_array_equal(run(wrapped, [a, b], [av + 3, bv]), np.ravel_multi_index((av, bv), (3, 4)))
    check_infer_shape([a, b], flat, [av, bv])
    f = theano.function([a, b], flat, mode=PY)
    with pytest.raises(ValueError):
        f(av + 3, bv)
    with pytest.raises(TypeError, match="integer"):
        T.unravel_index(T.dvector(), (3, 4))
    with pytest.raises(TypeError, match="tuple"):
        T.ravel_multi_index(a, (3, 4))
    with pytest.raises(ValueError, match="mode"):
        T.ravel_multi_index((a, b), (3, 4), mode="bad")


# ---- Theano 1.0's PermuteRowElements op -------------------------------------------------------


def _permuted(xv, yv, inverse):
    """NumPy reference: the last axis of x permuted by y (leading axes broadcast)."""
    nd = max(xv.ndim, yv.ndim)
    xv = xv.reshape((1,) * (nd - xv.ndim) + xv.shape)
    yv = yv.reshape((1,) * (nd - yv.ndim) + yv.shape)
    if inverse:
        yv = np.argsort(yv, axis=-1)
    lead = np.broadcast_shapes(xv.shape[:-1], yv.shape[:-1])
    n = xv.shape[-1]
    return np.take_along_axis(np.broadcast_to(xv, lead + (n,)), np.broadcast_to(yv, lead + (n,)), axis=-1)


@pytest.mark.parametrize("xshape,xbcast,yshape", [
    ((5,), (False,), (5,)),                       # vector, vector
    ((3, 5), (False, False), (5,)),               # one permutation for every row
    ((3, 5), (False, False), (3, 5)),             # one per row
    ((5,), (False,), (3, 5)),                     # one vector, several permutations
    ((4, 1, 5), (False, True, False), (3, 5)),    # broadcastable middle axis of x
])
@pytest.mark.parametrize("inverse", [0, 1])
def test_permute_row_elements_op(xshape, xbcast, yshape, inverse):
    rng = np.random.RandomState(7)
    x = T.TensorType("float64", xbcast)()
    y = T.TensorType("int32", (False,) * len(yshape))()
    xv = rng.uniform(size=xshape)
    yv = np.array([rng.permutation(yshape[-1]) for _ in range(int(np.prod(yshape[:-1])))],
                  dtype="int32").reshape(yshape)
    out = T.PermuteRowElements()(x, y, inverse)
    expected = _permuted(xv, yv, inverse)
    compare_backends([x, y], out, [xv, yv], modes=("py", "auto"), expected=expected)
    check_infer_shape([x, y], out, [xv, yv])
    # the same values as permute_row_elements, which builds them from TakeAlongAxis
    np.testing.assert_array_equal(run(T.permute_row_elements(x, y, inverse), [x, y], [xv, yv]), expected)
    verify_grad(lambda v: T.PermuteRowElements()(v, yv, inverse), [xv], rng=rng, mode=PY)


def test_permute_row_elements_op_symbolic_inverse_and_errors():
    x, y, inv = T.dmatrix(), T.lvector(), T.bscalar()
    xv, yv = rand(2, 4), np.array([3, 0, 2, 1])
    f = theano.function([x, y, inv], T.PermuteRowElements()(x, y, inv), mode=PY)
    np.testing.assert_array_equal(f(xv, yv, 0), xv[:, yv])
    np.testing.assert_array_equal(f(xv, yv, 1), xv[:, np.argsort(yv)])
    with pytest.raises(ValueError, match="not a permutation"):
        f(xv, np.array([0, 0, 1, 2]), 0)
    with pytest.raises(ValueError, match="length"):
        f(xv, np.array([1, 0]), 0)
    with pytest.raises(TypeError, match="integer"):
        T.PermuteRowElements()(x, T.dvector(), 0)
    with pytest.raises(TypeError, match="inverse"):
        T.PermuteRowElements()(x, y, T.dscalar())


def test_choose_choices_of_different_broadcast_patterns():
    a = T.TensorType("int32", (False, True, True))()
    b = T.TensorType("float32", (True, False, True))()
    c = T.TensorType("float32", (True, True, False))()
    rng = np.random.RandomState(3)
    av = rng.randint(0, 2, (2, 1, 1)).astype("int32")
    bv = rng.rand(1, 6, 1).astype("float32")
    cv = rng.rand(1, 1, 5).astype("float32")
    for mode in ("raise", "wrap", "clip"):
        compare_backends([a, b, c], T.choose(a, (b, c), mode=mode), [av, bv, cv], modes=("py", "auto"),
                         expected=np.choose(av, (bv, cv), mode=mode))
    ai = rng.randint(0, 2, (2, 3, 5)).astype("int32")
    verify_grad(lambda p, q: T.choose(ai, (p, q)), [rng.rand(1, 3, 1), rng.rand(3, 5)], rng=rng, mode=PY)
