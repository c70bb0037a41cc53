"""Array construction, joining and shape manipulation: theano.tensor.allocation, join, shape, extra_ops."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


# -------------------------------------------------------------------------------------------------
# table of ops with a NumPy reference
# -------------------------------------------------------------------------------------------------

CASES = [
    OpCase("join0", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b], 0),
           [rand(2, 3), rand(4, 3, seed=2)], dtypes=FLOATS),
    OpCase("join1_neg", lambda a, b, c: T.join(-1, a, b, c), lambda a, b, c: np.concatenate([a, b, c], -1),
           [rand(2, 3), rand(2, 1, seed=2), rand(2, 2, seed=3)], dtypes=FLOATS),
    OpCase("join_empty", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b]),
           [rand(0, 3), rand(2, 3, seed=2)], dtypes=FLOATS),
    OpCase("concatenate3d", lambda a, b: T.concatenate([a, b], axis=1),
           lambda a, b: np.concatenate([a, b], 1), [rand(2, 3, 2), rand(2, 1, 2, seed=5)], dtypes=FLOATS),
    OpCase("join_mixed_dtype", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b]),
           [rand(2, 2), rand_int(3, 2, dtype="int32")], dtypes=FLOATS),
    OpCase("stack_vectors", lambda a, b: T.stack([a, b]), lambda a, b: np.stack([a, b]),
           [rand(3), rand(3, seed=9)], dtypes=FLOATS),
    OpCase("stack_axis1", lambda a, b: T.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           [rand(2, 3), rand(2, 3, seed=9)], dtypes=FLOATS),
    OpCase("stack_axis_neg", lambda a, b: T.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], -1),
           [rand(2, 3), rand(2, 3, seed=9)], dtypes=FLOATS),
    OpCase("split", lambda a: T.split(a, [1, 3, 0], 3, axis=1)[1],
           lambda a: a[:, 1:4], [rand(2, 4)], dtypes=FLOATS),
    OpCase("tile2", lambda a: T.tile(a, (2, 3)), lambda a: np.tile(a, (2, 3)), [rand(2, 3)], dtypes=FLOATS),
    OpCase("tile_more_reps", lambda a: T.tile(a, (2, 1, 2)), lambda a: np.tile(a, (2, 1, 2)),
           [rand(3)], dtypes=FLOATS),
    OpCase("tile_fewer_reps", lambda a: T.tile(a, (3,)), lambda a: np.tile(a, (3,)),
           [rand(2, 2)], dtypes=FLOATS),
    OpCase("repeat_scalar", lambda a: T.repeat(a, 3, axis=0), lambda a: np.repeat(a, 3, 0),
           [rand(2, 3)], dtypes=FLOATS),
    OpCase("repeat_vector", lambda a: T.repeat(a, np.array([1, 0, 2]), axis=1),
           lambda a: np.repeat(a, [1, 0, 2], 1), [rand(2, 3)], dtypes=FLOATS),
    OpCase("repeat_none", lambda a: T.repeat(a, 2), lambda a: np.repeat(a, 2), [rand(2, 3)], dtypes=FLOATS),
    OpCase("roll_axis", lambda a: T.roll(a, 2, axis=1), lambda a: np.roll(a, 2, 1), [rand(2, 5)],
           dtypes=FLOATS),
    OpCase("roll_neg", lambda a: T.roll(a, -1, axis=-2), lambda a: np.roll(a, -1, -2), [rand(3, 2)],
           dtypes=FLOATS),
    OpCase("roll_none", lambda a: T.roll(a, 4), lambda a: np.roll(a, 4), [rand(2, 3)], dtypes=FLOATS),
    OpCase("alloc_row", lambda a: T.alloc(a, 4, 3), lambda a: np.broadcast_to(a, (4, 3)),
           [rand(3)], dtypes=FLOATS),
    OpCase("alloc_bcast", lambda a: T.alloc(T.addbroadcast(a, 0), 2, 3, 4),
           lambda a: np.broadcast_to(a, (2, 3, 4)), [rand(1, 4)], dtypes=FLOATS),
    OpCase("alloc_scalar_empty", lambda a: T.alloc(a, 0, 3), lambda a: np.zeros((0, 3)) + a,
           [np.asarray(1.5)], dtypes=FLOATS),
    OpCase("tril", lambda a: T.tril(a), np.tril, [rand(3, 4)], dtypes=FLOATS),
    OpCase("tril_k", lambda a: T.tril(a, -1), lambda a: np.tril(a, -1), [rand(4, 3)], dtypes=FLOATS),
    OpCase("triu", lambda a: T.triu(a), np.triu, [rand(3, 4)], dtypes=FLOATS),
    OpCase("triu_k", lambda a: T.triu(a, 1), lambda a: np.triu(a, 1), [rand(3, 3)], dtypes=FLOATS),
    OpCase("triu_3d", lambda a: T.triu(a), np.triu, [rand(2, 3, 3)], dtypes=FLOATS),
    OpCase("tril_int", lambda a: T.tril(a), np.tril, [rand_int(3, 3, dtype="int32")], grad=False),
    OpCase("swapaxes", lambda a: T.swapaxes(a, 0, 2), lambda a: np.swapaxes(a, 0, 2), [rand(2, 3, 4)],
           dtypes=FLOATS),
    OpCase("swapaxes_neg", lambda a: T.swapaxes(a, -1, 0), lambda a: np.swapaxes(a, -1, 0), [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("specify_shape", lambda a: T.specify_shape(a, (2, 3)) * 2, lambda a: a * 2, [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("nonzero_values", lambda a: T.nonzero_values(a),
           lambda a: a[a != 0], [np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -3.0]])], dtypes=FLOATS,
           infer_shape=False, grad=False),  # finite differences at 0 would change the mask
    OpCase("masked_values", lambda a: T.NonzeroValues()(a, T.constant(np.array([[0, 1, 0], [1, 0, 1]]))),
           lambda a: a[np.array([[0, 1, 0], [1, 0, 1]]) != 0], [rand(2, 3)], dtypes=FLOATS,
           infer_shape=False),
    OpCase("padleft", lambda a: T.shape_padleft(a, 2) * 1.0, lambda a: a[None, None], [rand(3)],
           dtypes=FLOATS),
    OpCase("padright", lambda a: T.shape_padright(a) * 1.0, lambda a: a[..., None], [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("padaxis", lambda a: T.shape_padaxis(a, 1) * 1.0, lambda a: a[:, None], [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("padaxis_neg", lambda a: T.shape_padaxis(a, -1) * 1.0, lambda a: a[..., None], [rand(2, 3)],
           dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


# -------------------------------------------------------------------------------------------------
# arange
# -------------------------------------------------------------------------------------------------


def test_arange_dtypes():
    assert T.arange(10).dtype == "int64"
    assert T.arange(T.iscalar()).dtype == "int64"
    assert T.arange(T.bscalar(), T.iscalar()).dtype == "int64"
    assert T.arange(0.5, 3).dtype == "float32"       # 0.5 is exact in float32
    assert T.arange(0.1, 3).dtype == "float64"
    assert T.arange(T.fscalar()).dtype == "float32"
    assert T.arange(T.fscalar(), T.dscalar()).dtype == "float64"
    assert T.arange(5, dtype="int32").dtype == "int32"
    assert T.arange(5, dtype="floatX").dtype == theano.config.floatX


@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (9, 2, -2), (5, 2), (0,), (1.5, 4.0, 0.5),
                                  (-3.0, 1.0, 0.7), (3, 2, 1)])
def test_arange_values(args):
    syms = [T.dscalar() if isinstance(a, float) else T.lscalar() for a in args]
    out = T.arange(*syms)
    vals = list(args)
    compare_backends(syms, out, vals, expected=np.arange(*args))
    check_infer_shape(syms, out, vals)


def test_arange_float32_symbolic_and_grad():
    s, e, st = T.fscalar(), T.fscalar(), T.fscalar()
    out = T.arange(s, e, st)
    assert out.dtype == "float32"
    res = run(out, [s, e, st], [np.float32(0.5), np.float32(3), np.float32(0.25)])
    np.testing.assert_allclose(res, np.arange(0.5, 3, 0.25, dtype="float32"))
    # d sum(w * arange(start, stop, step)) / d start = sum(w), / d step = sum(w * i)
    verify_grad(lambda a, b: T.arange(a, np.float64(3.0), b) * 1.0,
                [np.asarray(0.3), np.asarray(0.7)], rng=np.random.RandomState(0), mode=PY)


def test_arange_errors():
    with pytest.raises(ValueError, match="step"):
        T.arange(0, 5, 0)
    with pytest.raises(TypeError, match="scalar"):
        T.arange(T.dvector())
    s = T.lscalar()
    g = theano.function([s], T.arange(0, 5, s), mode=PY)
    with pytest.raises(ValueError, match="step"):
        g(0)


def test_arange_used_by_jacobian_shape():
    n = T.lscalar()
    r = T.arange(n)
    np.testing.assert_array_equal(run(r.shape, [n], [4]), [4])


# -------------------------------------------------------------------------------------------------
# alloc / zeros / ones / eye / tri
# -------------------------------------------------------------------------------------------------


def test_zeros_ones_symbolic_shape():
    x = T.dmatrix()
    z = T.zeros(x.shape)
    o = T.ones((T.shape_i(x, 0), 2), dtype="int32")
    assert z.dtype == theano.config.floatX and z.ndim == 2
    assert o.dtype == "int32"
    zv, ov = run([z, o], [x], [rand(3, 4)])
    np.testing.assert_array_equal(zv, np.zeros((3, 4)))
    np.testing.assert_array_equal(ov, np.ones((3, 2), dtype="int32"))
    assert T.zeros((1, 3)).broadcastable == (True, False)
    np.testing.assert_array_equal(run(T.ones(4)), np.ones(4))
    np.testing.assert_array_equal(run(T.zeros((0, 2))), np.zeros((0, 2)))


def test_alloc_grad_sums_broadcast_dims():
    x = T.dvector()
    n = T.lscalar()
    y = T.alloc(x, n, 3)
    g = T.grad(T.sum(y * np.arange(3.0)), x)
    np.testing.assert_allclose(run(g, [x, n], [rand(3), 4]), 4 * np.arange(3.0))
    check_infer_shape([x, n], y, [rand(3), 5])


def test_alloc_errors():
    with pytest.raises(TypeError, match="shape"):
        T.alloc(T.dmatrix(), 3)
    with pytest.raises(TypeError, match="integer"):
        T.alloc(1.0, 2.5)
    with pytest.raises(ValueError, match="negative"):
        T.alloc(1.0, -2)
    x = T.dvector()
    f = theano.function([x], T.alloc(x, 2, 3), mode=PY)
    with pytest.raises(ValueError, match="broadcast"):
        f(rand(4))


@pytest.mark.parametrize("args", [(3,), (3, 4), (4, 3, 1), (3, 3, -1), (2, 5, 7), (0, 2)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_eye_tri(args, dtype):
    n = args[0]
    m = args[1] if len(args) > 1 else n
    k = args[2] if len(args) > 2 else 0
    out = T.eye(*args, dtype=dtype)
    assert out.dtype == dtype
    np.testing.assert_array_equal(run(out), np.eye(n, m, k, dtype=dtype))
    np.testing.assert_array_equal(run(T.tri(n, m, k, dtype=dtype)), np.tri(n, m, k, dtype=dtype))


def test_eye_symbolic_and_identity_like():
    n = T.iscalar()
    out = T.eye(n)
    assert out.dtype == theano.config.floatX
    np.testing.assert_array_equal(run(out, [n], [3]), np.eye(3))
    check_infer_shape([n], out, [4])
    x = T.fmatrix()
    il = T.identity_like(x)
    assert il.dtype == "float32"
    np.testing.assert_array_equal(run(il, [x], [rand(2, 3, dtype="float32")]), np.eye(2, 3))
    with pytest.raises(TypeError, match="integer"):
        T.eye(2.5)
    with pytest.raises(TypeError, match="matrix"):
        T.identity_like(T.dvector())


# -------------------------------------------------------------------------------------------------
# join / split / stack
# -------------------------------------------------------------------------------------------------


def test_join_types_and_errors():
    a, b = T.dmatrix(), T.fmatrix()
    assert T.join(0, a, b).dtype == "float64"
    r = T.row()
    assert T.join(1, r, r).broadcastable == (True, False)
    assert T.join(0, r, r).broadcastable == (False, False)
    with pytest.raises(TypeError, match="same number of dimensions"):
        T.join(0, T.dmatrix(), T.dvector())
    with pytest.raises(ValueError, match="out of range"):
        T.join(2, a, a)
    with pytest.raises(TypeError, match="scalar"):
        T.join(0, T.dscalar(), T.dscalar())
    with pytest.raises(TypeError, match="list"):
        T.concatenate(a, b)
    with pytest.raises(TypeError, match="int"):
        T.join(1.0, a, a)
    f = theano.function([a, b], T.join(0, a, b), mode=PY)
    with pytest.raises(ValueError, match="differ"):
        f(rand(2, 3), rand(2, 4, dtype="float32"))
    assert T.join(0, a) is a


def test_join_int_grad_is_zero():
    a, b = T.dvector(), T.ivector()
    g = T.grad(T.sum(T.join(0, a, b) ** 2), a)
    av = rand(3)
    np.testing.assert_allclose(run(g, [a, b], [av, np.arange(2, dtype="int32")]), 2 * av)


def test_stack_scalars_and_star_args():
    a, b = T.dscalar(), T.dscalar()
    np.testing.assert_allclose(run(T.stack([a, b]), [a, b], [1.0, 2.0]), [1.0, 2.0])
    np.testing.assert_allclose(run(T.stack(a, b), [a, b], [1.0, 2.0]), [1.0, 2.0])
    x, y = T.dvector(), T.dvector()
    np.testing.assert_allclose(run(T.stack(x, y), [x, y], [rand(2), rand(2, seed=3)]),
                               np.stack([rand(2), rand(2, seed=3)]))
    m = T.stack([a, b], axis=0)
    assert m.ndim == 1
    with pytest.raises(ValueError):
        T.stack([])


def test_split_all_outputs_and_grad():
    x = T.dmatrix()
    s = T.lvector()
    parts = T.split(x, s, 3, axis=0)
    assert len(parts) == 3
    xv = rand(6, 2)
    res = run(parts, [x, s], [xv, np.array([1, 2, 3])])
    for got, exp in zip(res, np.split(xv, [1, 3])):
        np.testing.assert_allclose(got, exp)
    check_infer_shape([x], T.split(x, [2, 4], 2, axis=0), [xv])
    verify_grad(lambda v: T.concatenate([T.split(v, [2, 1, 3], 3, axis=0)[k] * (k + 1) for k in (0, 2)]),
                [xv], rng=np.random.RandomState(1), mode=PY)
    f = theano.function([x, s], parts, mode=PY)
    with pytest.raises(ValueError, match="sum"):
        f(xv, np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="n_splits"):
        T.split(x, [1, 2], 3)


# -------------------------------------------------------------------------------------------------
# tile / repeat / roll
# -------------------------------------------------------------------------------------------------


def test_tile_symbolic_reps():
    x = T.dmatrix()
    xv = rand(2, 3)
    if hasattr(T.subtensor, "getitem"):  # a symbolic reps vector is indexed with subtensor
        r = T.lvector()
        out = T.tile(x, r, ndim=2)
        np.testing.assert_allclose(run(out, [x, r], [xv, np.array([2, 2])]), np.tile(xv, (2, 2)))
    n = T.lscalar()
    out2 = T.tile(x, (n, 1))
    check_infer_shape([x, n], out2, [xv, 3])
    np.testing.assert_allclose(run(out2, [x, n], [xv, 3]), np.tile(xv, (3, 1)))
    with pytest.raises(ValueError, match="ndim"):
        T.tile(x, (1, 2, 3), ndim=2)
    with pytest.raises(TypeError, match="integer"):
        T.tile(x, (1.5, 2))


def test_repeat_symbolic_and_errors():
    x = T.dmatrix()
    r = T.lvector()
    out = T.repeat(x, r, axis=0)
    xv = rand(3, 2)
    np.testing.assert_allclose(run(out, [x, r], [xv, np.array([2, 0, 1])]), np.repeat(xv, [2, 0, 1], 0))
    check_infer_shape([x, r], out, [xv, np.array([2, 0, 1])])
    verify_grad(lambda v: T.repeat(v, np.array([2, 0, 3]), axis=0), [xv], rng=np.random.RandomState(3),
                mode=PY)
    n = T.lscalar()
    check_infer_shape([x, n], T.repeat(x, n, axis=1), [xv, 3])
    assert T.repeat(x, 2, axis=1).broadcastable == (False, False)
    with pytest.raises(ValueError, match="out of range"):
        T.repeat(x, 2, axis=2)
    with pytest.raises(TypeError, match="integer"):
        T.repeat(x, 1.5)
    with pytest.raises(TypeError, match="integers"):
        T.repeat(x, T.dvector())
    f = theano.function([x, r], out, mode=PY)
    with pytest.raises(ValueError, match="repeat counts"):
        f(xv, np.array([1, 2]))
    # the method form
    np.testing.assert_allclose(run(x.repeat(2, axis=1), [x], [xv]), np.repeat(xv, 2, 1))


def test_roll_symbolic_shift():
    x = T.fvector()
    s = T.iscalar()
    out = T.roll(x, s)
    xv = rand(5, dtype="float32")
    for sh in (0, 2, -7):
        np.testing.assert_allclose(run(out, [x, s], [xv, sh]), np.roll(xv, sh))
    with pytest.raises(TypeError, match="integer"):
        T.roll(x, 1.5)
    with pytest.raises(ValueError, match="out of range"):
        T.roll(x, 1, axis=1)


# -------------------------------------------------------------------------------------------------
# squeeze / padding / specify_shape / nonzero
# -------------------------------------------------------------------------------------------------


def test_squeeze():
    x = T.TensorType("float64", (True, False, True))()
    y = T.squeeze(x)
    assert y.ndim == 1
    xv = rand(1, 3, 1)
    np.testing.assert_allclose(run(y, [x], [xv]), xv.squeeze())
    assert T.squeeze(x, axis=0).broadcastable == (False, True)
    assert x.squeeze().ndim == 1
    with pytest.raises(ValueError, match="not broadcastable"):
        T.squeeze(x, axis=1)
    m = T.dmatrix()
    assert T.squeeze(m) .ndim == 2


def test_swapaxes_and_pad_errors():
    with pytest.raises(ValueError, match="out of range"):
        T.swapaxes(T.dmatrix(), 0, 2)
    with pytest.raises(ValueError, match="out of range"):
        T.shape_padaxis(T.dmatrix(), 3)
    assert T.shape_padaxis(T.dmatrix(), 2).broadcastable == (False, False, True)
    assert T.shape_padleft(T.dvector(), 2).broadcastable == (True, True, False)
    assert T.shape_padright(T.dvector(), 1).broadcastable == (False, True)
    x = T.dmatrix()
    np.testing.assert_allclose(run(x.swapaxes(0, 1), [x], [rand(2, 3)]), rand(2, 3).T)


def test_specify_shape():
    x = T.dmatrix()
    n = T.lscalar()
    y = T.specify_shape(x, (n, 3))
    assert y.type == x.type
    f = theano.function([x, n], y, mode=PY)
    xv = rand(2, 3)
    np.testing.assert_allclose(f(xv, 2), xv)
    with pytest.raises(AssertionError, match="expected shape"):
        f(xv, 4)
    check_infer_shape([x, n], y, [xv, 2])
    with pytest.raises(ValueError, match="entries"):
        T.specify_shape(x, (2, 3, 4))
    with pytest.raises(TypeError, match="integer"):
        T.specify_shape(x, (2.5, 3))
    verify_grad(lambda v: T.specify_shape(v, (2, 3)), [xv], mode=PY, rng=np.random.RandomState(2))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_nonzero(dtype):
    av = np.array([[0, 1, 0], [2, 0, 3]]).astype(dtype)
    a = T.TensorType(dtype, (False, False))()
    res = run(list(T.nonzero(a)), [a], [av])
    for got, exp in zip(res, np.nonzero(av)):
        np.testing.assert_array_equal(got, exp)
        assert got.dtype == np.int64
    np.testing.assert_array_equal(run(T.nonzero(a, return_matrix=True), [a], [av]),
                                  np.array(np.nonzero(av)))
    np.testing.assert_array_equal(run(T.flatnonzero(a), [a], [av]), np.flatnonzero(av))
    np.testing.assert_array_equal(run(T.nonzero_values(a), [a], [av]), av[av != 0])
    np.testing.assert_array_equal(run(a.nonzero_values(), [a], [av]), av[av != 0])
    empty = np.zeros((0, 2), dtype=dtype)
    np.testing.assert_array_equal(run(T.nonzero(a)[1], [a], [empty]), np.zeros(0))
    with pytest.raises(ValueError, match="scalars"):
        T.nonzero(T.dscalar())


def test_get_vector_length():
    assert T.get_vector_length(T.dmatrix().shape) == 2
    assert T.get_vector_length(T.constant([1, 2, 3])) == 3
    assert T.get_vector_length(T.arange(2, 7)) == 5
    with pytest.raises(ValueError, match="not known"):
        T.get_vector_length(T.dvector())


def test_stacklists():
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    m = T.stacklists([[a, b], [c, d]])
    assert m.ndim == 2
    np.testing.assert_allclose(run(m, [a, b, c, d], [1, 2, 3, 4]), [[1, 2], [3, 4]])
    x, y = T.dvectors("x", "y")
    t = T.stacklists([[x, y], [y, x], [x, x]])
    xv, yv = rand(2), rand(2, seed=4)
    np.testing.assert_allclose(run(t, [x, y], [xv, yv]), np.array([[xv, yv], [yv, xv], [xv, xv]]))
    g = T.grad(T.sum(m * np.arange(4.0).reshape(2, 2)), [a, d])
    np.testing.assert_allclose(run(g, [a, b, c, d], [1.0, 1.0, 1.0, 1.0]), [0.0, 3.0])


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


def test_mgrid_ogrid_allocempty():
    n = T.lscalar()
    dense = T.mgrid[0:n, 1:7:2]
    for got, exp in zip(run(dense, [n], [3]), np.mgrid[0:3, 1:7:2]):
        np.testing.assert_array_equal(got, exp)
    for got, exp in zip(run(T.ogrid[0:n, 1:4], [n], [2]), np.ogrid[0:2, 1:4]):
        np.testing.assert_array_equal(got, exp)
    f = run(T.mgrid[0.0:1.0:0.25], [], [])
    np.testing.assert_allclose(f[0], np.mgrid[0.0:1.0:0.25])
    with pytest.raises(TypeError, match="slices"):
        T.mgrid[3]
    e = T.AllocEmpty("float32")(n, 4)
    assert e.dtype == "float32" and e.ndim == 2
    assert run(e, [n], [3]).shape == (3, 4)
    check_infer_shape([n], e, [2])
    with pytest.raises(TypeError, match="integer"):
        T.AllocEmpty("float64")(2.5)


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


def test_rop_through_shape_ops():
    x, y = T.dvector(), T.dvector()
    vx, vy = T.dvector(), T.dvector()
    xv, yv, ex, ey = rand(3), rand(2, seed=3), rand(3, seed=4), rand(2, seed=5)
    cases = [
        (T.join(0, x, y), np.concatenate([ex, ey])),
        (T.alloc(x, 2, 3), np.broadcast_to(ex, (2, 3))),
        (T.roll(x, 1), np.roll(ex, 1)),
        (T.specify_shape(x, (3,)), ex),
        (T.tile(x, (2,)) * 3, np.tile(ex, 2) * 3),
        (T.repeat(x, 2) ** 2, 2 * np.repeat(xv, 2) * np.repeat(ex, 2)),
    ]
    for out, expected in cases:
        r = T.Rop(out, [x, y] if out.owner.op == T.Join(0) else x, [vx, vy] if out.owner.op == T.Join(0) else vx)
        got = run(r, [x, y, vx, vy], [xv, yv, ex, ey])
        np.testing.assert_allclose(got, expected, err_msg=str(out.owner.op))


def test_shape_slices_have_static_length():
    x = T.dtensor3()
    assert T.get_vector_length(x.shape[1:]) == 2
    assert T.get_vector_length(x.shape[::-1]) == 3
    assert T.get_vector_length(x.shape[:T.constant(1)]) == 1
    with pytest.raises(ValueError, match="not known"):
        T.get_vector_length(x.shape[:T.lscalar()])
    z = T.zeros(x.shape[1:])
    assert z.ndim == 2
    np.testing.assert_array_equal(run(z.shape, [x], [rand(2, 3, 4)]), [3, 4])
    a, b = x.shape[1:]
    np.testing.assert_array_equal(run([a, b], [x], [rand(2, 3, 4)]), [3, 4])


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


def test_join_with_a_symbolic_axis():
    a = T.lscalar()
    x, y = T.dmatrix(), T.fmatrix()
    out = T.join(a, x, y)
    assert isinstance(out.owner.op, T.JoinDynamic)
    assert out.dtype == "float64" and out.broadcastable == (False, False)
    xv, yv = rand(2, 3), rand(2, 3, dtype="float32", seed=4)
    for av in (0, 1, -1, -2):
        res = compare_backends([a, x, y], out, [av, xv, yv], expected=np.concatenate([xv, yv], axis=av))
        check_infer_shape([a, x, y], out, [av, xv, yv])
        assert res.shape == np.concatenate([xv, yv], axis=av).shape
    # gradients equal those of the static join
    w = T.dmatrix()
    g_dyn = T.grad(T.sum(T.join(a, x, y) * w), [x, y])
    for av in (0, 1):
        g_static = T.grad(T.sum(T.join(av, x, y) * w), [x, y])
        wv = rand(*np.concatenate([xv, yv], axis=av).shape, seed=9)
        for gd, gs in zip(run(g_dyn, [a, x, y, w], [av, xv, yv, wv]), run(g_static, [x, y, w], [xv, yv, wv])):
            np.testing.assert_allclose(gd, gs)
    f = theano.function([a, x, y], out, mode=PY)
    with pytest.raises(ValueError, match="out of range"):
        f(2, xv, yv)
    with pytest.raises(ValueError, match="differ"):
        f(0, xv, rand(2, 4, dtype="float32"))
    with pytest.raises(TypeError, match="integer"):
        T.join(T.dscalar(), x, y)
    s = T.SplitDynamic(2)(x, a, T.constant(np.array([1, 2])))
    check_infer_shape([x, a], s, [xv, 1])
    np.testing.assert_allclose(run(s[1], [x, a], [xv, -1]), xv[:, 1:])


def test_exports_reach_theano_tensor():
    import importlib

    # T.sort is the function (as in Theano); the module is sorting.py
    mods = [importlib.import_module(f"theano.tensor.{m}") for m in (
        "allocation", "joining", "reshaping", "extra_ops", "sorting", "subtensor", "subtensor_advanced")]
    assert callable(T.sort)

    for mod in mods:
        for name in mod.__all__:
            assert hasattr(mod, name), (mod.__name__, name)
            assert hasattr(T, name), (mod.__name__, name)
