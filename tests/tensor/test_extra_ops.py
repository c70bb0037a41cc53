"""theano.tensor.extra_ops and sort: cumsum/cumprod, diff, bincount, fill_diagonal, to_one_hot,
index conversions, searchsorted, unique, compress, bartlett, sort/argsort."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.gradient import verify_grad
from theano.tensor import extra_ops

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


def _nonzero_rand(*shape, seed=None):
    v = rand(*shape, low=0.5, high=1.5, seed=seed)
    sign = np.where(rand(*shape, seed=(seed or 0) + 1) > 0, 1.0, -1.0)
    return v * sign


CASES = []
for _axis in (None, 0, 1, -1):
    CASES += [
        OpCase(f"cumsum_{_axis}", lambda x, a=_axis: T.cumsum(x, axis=a),
               lambda x, a=_axis: np.cumsum(x, axis=a), [rand(3, 4)], dtypes=FLOATS),
        OpCase(f"cumprod_{_axis}", lambda x, a=_axis: T.cumprod(x, axis=a),
               lambda x, a=_axis: np.cumprod(x, axis=a), [_nonzero_rand(3, 4)], dtypes=FLOATS),
    ]
CASES += [
    OpCase("cumsum_3d", lambda x: extra_ops.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1),
           [rand(2, 3, 2)], dtypes=FLOATS),
    OpCase("cumsum_empty", lambda x: T.cumsum(x, axis=0), lambda x: np.cumsum(x, axis=0), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("cumsum_method", lambda x: x.cumsum(), np.cumsum, [rand(5)], dtypes=FLOATS),
    OpCase("cumprod_method", lambda x: x.cumprod(axis=0), lambda x: np.cumprod(x, axis=0),
           [_nonzero_rand(4, 2)], dtypes=FLOATS),
    OpCase("diff1", lambda x: T.diff(x), np.diff, [rand(6)], dtypes=FLOATS),
    OpCase("diff2_axis0", lambda x: T.diff(x, n=2, axis=0), lambda x: np.diff(x, n=2, axis=0), [rand(5, 3)],
           dtypes=FLOATS),
    OpCase("diff3_neg", lambda x: T.diff(x, n=3, axis=-1), lambda x: np.diff(x, n=3, axis=-1),
           [rand(2, 5)], dtypes=FLOATS),
    OpCase("diff_too_long", lambda x: T.diff(x, n=4), lambda x: np.diff(x, n=4), [rand(3)], dtypes=FLOATS,
           grad=False),
    OpCase("bincount_weights", lambda w: T.bincount(np.array([0, 2, 2, 5]), weights=w),
           lambda w: np.bincount([0, 2, 2, 5], weights=w), [rand(4)], dtypes=FLOATS),
    OpCase("bincount_minlength", lambda w: T.bincount(np.array([1, 1, 0]), w, minlength=6),
           lambda w: np.bincount([1, 1, 0], w, minlength=6), [rand(3)], dtypes=FLOATS),
    OpCase("fill_diagonal", lambda a, v: T.fill_diagonal(a, v),
           lambda a, v: _np_fill_diag(a, v), [rand(3, 4), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("fill_diagonal_tall", lambda a, v: T.fill_diagonal(a, v),
           lambda a, v: _np_fill_diag(a, v), [rand(5, 2), np.asarray(-0.3)], dtypes=FLOATS),
    OpCase("fill_diagonal_offset", lambda a, v: T.fill_diagonal_offset(a, v, 1),
           lambda a, v: _np_fill_diag_offset(a, v, 1), [rand(3, 4), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("fill_diagonal_offset_neg", lambda a, v: T.fill_diagonal_offset(a, v, -2),
           lambda a, v: _np_fill_diag_offset(a, v, -2), [rand(4, 3), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("sort_last", lambda x: T.sort(x), np.sort, [rand(3, 5)], dtypes=FLOATS),
    OpCase("sort_axis0", lambda x: T.sort(x, axis=0), lambda x: np.sort(x, axis=0), [rand(4, 3)],
           dtypes=FLOATS),
    OpCase("sort_none", lambda x: T.sort(x, axis=None), lambda x: np.sort(x, axis=None), [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("sort_mergesort", lambda x: extra_ops.sort(x, 1, "mergesort"), lambda x: np.sort(x, 1),
           [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("sort_method_empty", lambda x: x.sort(), np.sort, [rand(2, 0)], dtypes=FLOATS, grad=False),
    OpCase("argsort", lambda x: T.argsort(x), np.argsort, [rand(3, 5)], dtypes=FLOATS, grad=False),
    OpCase("argsort_axis0", lambda x: x.argsort(axis=0), lambda x: np.argsort(x, axis=0), [rand(4, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("argsort_none", lambda x: T.argsort(x, axis=None), lambda x: np.argsort(x, axis=None),
           [rand(2, 3)], dtypes=FLOATS, grad=False),
    OpCase("compress", lambda x: T.compress(np.array([1, 0, 1, 1]), x, axis=1),
           lambda x: np.compress([1, 0, 1, 1], x, axis=1), [rand(2, 4)], dtypes=FLOATS, infer_shape=False),
    OpCase("compress_none", lambda x: T.compress(np.array([0, 1, 1]), x),
           lambda x: np.compress([0, 1, 1], x), [rand(2, 4)], dtypes=FLOATS, infer_shape=False),
]


def _np_fill_diag(a, v):
    out = a.copy()
    np.fill_diagonal(out, v)
    return out


def _np_fill_diag_offset(a, v, k):
    out = a.copy()
    for i in range(a.shape[0]):
        if 0 <= i + k < a.shape[1]:
            out[i, i + k] = v
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_cumop_types_and_errors():
    x = T.dmatrix()
    assert T.cumsum(x).ndim == 1
    assert T.cumsum(x, axis=0).type == x.type
    i = T.ivector()
    assert T.cumsum(i).dtype == "int32"
    np.testing.assert_array_equal(run(T.cumsum(i), [i], [np.array([1, 2, 3], dtype="int32")]), [1, 3, 6])
    np.testing.assert_array_equal(run(T.cumprod(i), [i], [np.array([1, 2, 3], dtype="int32")]), [1, 2, 6])
    with pytest.raises(ValueError, match="out of range"):
        T.cumsum(x, axis=2)
    with pytest.raises(TypeError, match="int"):
        T.cumsum(x, axis=1.0)
    with pytest.raises(ValueError, match="mode"):
        extra_ops.CumOp(0, "max")
    check_infer_shape([x], T.cumsum(x), [rand(3, 2)])


def test_diff_errors_and_int():
    with pytest.raises(ValueError, match="out of range"):
        T.diff(T.dvector(), axis=1)
    with pytest.raises(ValueError, match="non-negative"):
        T.diff(T.dvector(), n=-1)
    with pytest.raises(TypeError, match="integer"):
        T.diff(T.dvector(), n=1.5)
    i = T.lvector()
    iv = np.array([1, 4, 9, 16])
    compare_backends([i], T.diff(i, 2), [iv], expected=np.diff(iv, 2))
    np.testing.assert_array_equal(run(T.diff(i, 0), [i], [iv]), iv)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
def test_bincount(dtype):
    x = T.TensorType(dtype, (False,))()
    xv = np.array([0, 3, 3, 1, 7]).astype(dtype)
    out = T.bincount(x)
    assert out.dtype == "int64"
    compare_backends([x], out, [xv], expected=np.bincount(xv))
    np.testing.assert_array_equal(run(T.bincount(x, minlength=10), [x], [xv]), np.bincount(xv, minlength=10))
    np.testing.assert_array_equal(run(T.bincount(x), [x], [np.zeros(0, dtype=dtype)]), np.zeros(0))
    check_infer_shape([x], T.bincount(x), [np.zeros(0, dtype=dtype)])
    check_infer_shape([x], T.bincount(x, minlength=10), [xv])
    w = T.fvector()
    wv = rand(5, dtype="float32")
    res = run(T.bincount(x, w), [x, w], [xv, wv])
    np.testing.assert_allclose(res, np.bincount(xv, wv), rtol=1e-6)


def test_bincount_errors_and_grad():
    with pytest.raises(TypeError, match="integer vector"):
        T.bincount(T.dvector())
    with pytest.raises(TypeError, match="integer vector"):
        T.bincount(T.imatrix())
    x = T.lvector()
    f = theano.function([x], T.bincount(x), mode=PY)
    with pytest.raises(ValueError, match="non-negative"):
        f(np.array([1, -1]))
    w = T.dvector()
    xv = np.array([2, 0, 2])
    g = T.grad(T.sum(T.bincount(x, w) * np.arange(3.0)), w)
    np.testing.assert_allclose(run(g, [x, w], [xv, rand(3)]), [2.0, 0.0, 2.0])


def test_take_rows_grad_roundtrip():
    idx = np.array([2, 0, 2, 1])
    verify_grad(lambda v: extra_ops.TakeRows()(v, T.constant(idx)), [rand(3, 2)], mode=PY,
                rng=np.random.RandomState(1))
    verify_grad(lambda v: extra_ops.ScatterAddRows()(T.constant(idx), v, 4), [rand(4, 2)], mode=PY,
                rng=np.random.RandomState(2))


def test_fill_diagonal_more():
    a = T.dtensor3()
    av = rand(3, 3, 3)
    np.testing.assert_allclose(run(T.fill_diagonal(a, 5.0), [a], [av]), _np_fill_diag(av, 5.0))
    f = theano.function([a], T.fill_diagonal(a, 1.0), mode=PY)
    with pytest.raises(ValueError, match="equal"):
        f(rand(2, 3, 3))
    with pytest.raises(TypeError, match="2 dimensions"):
        T.fill_diagonal(T.dvector(), 1.0)
    with pytest.raises(TypeError, match="scalar"):
        T.fill_diagonal(T.dmatrix(), T.dvector())
    with pytest.raises(TypeError, match="does not fit"):
        T.fill_diagonal(T.imatrix(), 1.5)
    m = T.imatrix()
    np.testing.assert_array_equal(run(T.fill_diagonal(m, 7), [m], [np.zeros((2, 2), "int32")]),
                                  np.diag([7, 7]))
    k = T.lscalar()
    x = T.dmatrix()
    out = T.fill_diagonal_offset(x, 2.0, k)
    xv = rand(3, 4)
    for kv in (-3, -1, 0, 2, 5):
        np.testing.assert_allclose(run(out, [x, k], [xv, kv]), _np_fill_diag_offset(xv, 2.0, kv))
    v = T.dscalar()
    gv = T.grad(T.sum(T.fill_diagonal_offset(x, v, k) * x), v)
    np.testing.assert_allclose(run(gv, [x, v, k], [xv, 1.0, 1]), np.trace(xv, 1))


def test_to_one_hot():
    y = T.ivector()
    yv = np.array([0, 2, 1, 2], dtype="int32")
    out = T.extra_ops.to_one_hot(y, 3)
    assert out.dtype == theano.config.floatX
    np.testing.assert_array_equal(run(out, [y], [yv]), np.eye(3)[yv])
    out2 = extra_ops.to_one_hot(y, 4, dtype="int32")
    assert out2.dtype == "int32"
    np.testing.assert_array_equal(run(out2, [y], [yv]), np.eye(4, dtype="int32")[yv])
    with pytest.raises(TypeError, match="integer vector"):
        extra_ops.to_one_hot(T.dvector(), 3)
    with pytest.raises(TypeError, match="integer"):
        extra_ops.to_one_hot(y, 2.5)


def test_unravel_ravel():
    idx = T.lvector()
    iv = np.array([0, 5, 11, 7])
    outs = T.extra_ops.unravel_index(idx, (3, 4))
    assert len(outs) == 2
    for got, exp in zip(run(list(outs), [idx], [iv]), np.unravel_index(iv, (3, 4))):
        np.testing.assert_array_equal(got, exp)
    for got, exp in zip(run(list(extra_ops.unravel_index(idx, (2, 3, 2), order="F")), [idx], [iv]),
                        np.unravel_index(iv, (2, 3, 2), order="F")):
        np.testing.assert_array_equal(got, exp)
    a, b = T.lvector(), T.lvector()
    flat = extra_ops.ravel_multi_index((a, b), (3, 4))
    av, bv = np.array([0, 2, 1]), np.array([3, 1, 0])
    np.testing.assert_array_equal(run(flat, [a, b], [av, bv]), np.ravel_multi_index((av, bv), (3, 4)))
    wrapped = extra_ops.ravel_multi_index((a, b), (3, 4), mode="wrap")
    np.testing.assert_array_equal(run(wrapped, [a, b], [av + 3, bv]), np.ravel_multi_index((av, bv), (3, 4)))
    check_infer_shape([a, b], flat, [av, bv])
    f = theano.function([a, b], flat, mode=PY)
    with pytest.raises(ValueError):
        f(av + 3, bv)
    with pytest.raises(TypeError, match="integer"):
        extra_ops.unravel_index(T.dvector(), (3, 4))
    with pytest.raises(TypeError, match="tuple"):
        extra_ops.ravel_multi_index(a, (3, 4))
    with pytest.raises(ValueError, match="mode"):
        extra_ops.ravel_multi_index((a, b), (3, 4), mode="bad")


def test_searchsorted_unique_bartlett():
    x, v = T.dvector(), T.dmatrix()
    xv = np.array([0.1, 0.5, 0.9, 1.3])
    vv = rand(2, 3)
    for side in ("left", "right"):
        out = extra_ops.searchsorted(x, v, side=side)
        assert out.dtype == "int64"
        compare_backends([x, v], out, [xv, vv], expected=np.searchsorted(xv, vv, side=side))
        check_infer_shape([x, v], out, [xv, vv])
    s = T.lvector()
    perm = np.array([2, 0, 3, 1])
    unsorted = xv[np.argsort(perm)]  # perm is the argsort of unsorted
    np.testing.assert_array_equal(run(extra_ops.searchsorted(x, v, sorter=s), [x, v, s], [unsorted, vv, perm]),
                                  np.searchsorted(unsorted, vv, sorter=perm))
    with pytest.raises(ValueError, match="side"):
        extra_ops.searchsorted(x, v, side="middle")
    u = T.imatrix()
    uv = np.array([[3, 1, 3], [2, 1, 0]], dtype="int32")
    res = run(extra_ops.unique(u, True, True, True), [u], [uv])
    for got, exp in zip(res, np.unique(uv, True, True, True)):
        np.testing.assert_array_equal(got, exp.reshape(-1))
    np.testing.assert_array_equal(run(extra_ops.unique(u), [u], [uv]), np.unique(uv))
    m = T.lscalar()
    for mv in (0, 1, 5, 6):
        np.testing.assert_allclose(run(extra_ops.bartlett(m), [m], [mv]), np.bartlett(mv))
        check_infer_shape([m], extra_ops.bartlett(m), [mv])
    with pytest.raises(TypeError, match="integer"):
        extra_ops.bartlett(2.5)


def test_sort_details():
    x = T.dmatrix()
    assert T.sort(x).type == x.type
    assert T.argsort(x).dtype == "int64"
    with pytest.raises(ValueError, match="out of range"):
        T.sort(x, axis=2)
    with pytest.raises(ValueError, match="kind"):
        T.sort(x, kind="bogus")
    with pytest.raises(ValueError, match="order"):
        T.sort(x, order="f")
    with pytest.raises(TypeError, match="axis"):
        T.sort(x, axis=0.5)
    with pytest.raises(ValueError, match="dimension"):
        T.sort(T.dscalar())
    # ties in the gradient: each tied element still gets exactly one slot
    xv = np.array([[1.0, 3.0, 1.0, 2.0]])
    g = T.grad(T.sum(T.sort(x) * np.arange(4.0)), x)
    res = run(g, [x], [xv])
    assert sorted(res.reshape(-1).tolist()) == [0.0, 1.0, 2.0, 3.0]
    assert res[0, 1] == 3.0 and res[0, 3] == 2.0
    i = T.ivector()
    np.testing.assert_array_equal(run(T.sort(i), [i], [np.array([3, 1, 2], dtype="int32")]), [1, 2, 3])
    a = T.lscalar()
    out = T.sort(x, axis=a)
    np.testing.assert_allclose(run(out, [x, a], [rand(3, 2), 0]), np.sort(rand(3, 2), axis=0))


@pytest.mark.parametrize("kth,axis", [(2, -1), (-2, -1), (1, 0), (3, 1), (-1, 0)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_topk(kth, axis, dtype):
    x = T.TensorType(dtype, (False, False))()
    xv = rand(3, 4, dtype=dtype)
    order = np.argsort(-xv if kth > 0 else xv, axis=axis, kind="stable")
    idx = np.take(order, np.arange(abs(kth)), axis=axis)
    vals, inds = T.topk_and_argtopk(x, kth, axis=axis)
    assert inds.dtype == "int64" and vals.dtype == dtype
    compare_backends([x], [vals, inds], [xv], expected=[np.take_along_axis(xv, idx, axis), idx])
    np.testing.assert_array_equal(run(T.argtopk(x, kth, axis=axis), [x], [xv]), idx)
    check_infer_shape([x], T.topk(x, kth, axis=axis), [xv])
    verify_grad(lambda v: T.topk(v, kth, axis=axis), [rand(3, 4)], mode=PY, rng=np.random.RandomState(3))


def test_topk_symbolic_k_and_errors():
    x = T.dvector()
    k = T.lscalar()
    xv = rand(6)
    res = run(T.topk(x, k, sorted=False), [x, k], [xv, 3])
    np.testing.assert_allclose(np.sort(res), np.sort(xv)[-3:])
    np.testing.assert_allclose(run(T.topk(x, k, axis=None), [x, k], [xv, 1]), [xv.max()])
    f = theano.function([x, k], T.topk(x, k), mode=PY)
    with pytest.raises(ValueError, match="kth"):
        f(xv, 0)
    with pytest.raises(ValueError, match="kth"):
        f(xv, 7)
    with pytest.raises(ValueError, match="out of range"):
        T.topk(x, 1, axis=1)
    with pytest.raises(TypeError, match="integer"):
        T.topk(x, 1.5)
    with pytest.raises(TypeError, match="integer"):
        T.argtopk(x, 1, idx_dtype="float32")


def test_take_scatter_along_axis():
    from theano.tensor.sorting import ScatterAlongAxis, TakeAlongAxis

    idx = T.constant(np.array([[0, 2, 2], [1, 1, 0]]))
    ax = T.constant(1)
    xv = rand(2, 3)
    x = T.dmatrix()
    np.testing.assert_allclose(run(TakeAlongAxis()(x, idx, ax), [x], [xv]),
                               np.take_along_axis(xv, idx.data, 1))
    verify_grad(lambda v: TakeAlongAxis()(v, idx, ax), [xv], mode=PY, rng=np.random.RandomState(1))
    verify_grad(lambda v: ScatterAlongAxis()(v, idx, ax, T.constant(np.zeros((2, 4)))), [xv], mode=PY,
                rng=np.random.RandomState(1))
    with pytest.raises(TypeError, match="idx"):
        TakeAlongAxis()(x, T.dmatrix(), ax)


def test_theano_1_class_names():
    assert extra_ops.CumsumOp(1) == extra_ops.CumOp(1, "add")
    assert extra_ops.CumprodOp() == extra_ops.CumOp(None, "mul")
    assert extra_ops.repeat is T.repeat and extra_ops.RepeatOp is T.RepeatOp
    x = T.dvector()
    np.testing.assert_allclose(run(extra_ops.CumsumOp(0)(x), [x], [rand(4)]), np.cumsum(rand(4)))
