"""Theano 1.0 behaviours of the tensor library that programs rely on (issue 11): NumPy values on
the left of operators, list indices holding slices, the small public names, one-input add/mul and
topk on extreme integers. Values are checked against NumPy on the reference VM and the default
backend, each compiled function called twice."""

import operator

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor import nlinalg

MODES = [theano.Mode(linker="py"), "FAST_COMPILE", "FAST_RUN"]


def run_twice(inputs, outputs, values, mode):
    f = theano.function(inputs, outputs, mode=mode, on_unused_input="ignore")
    first = f(*values)
    second = f(*values)
    for a, b in zip(first if isinstance(first, list) else [first],
                    second if isinstance(second, list) else [second]):
        np.testing.assert_array_equal(a, b)
    return first


# ------------------------------------------------------------------------------------------------
# item 2: NumPy arrays and scalars on the left
# ------------------------------------------------------------------------------------------------

LEFT_OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
            operator.mod, operator.pow, operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", LEFT_OPS, ids=lambda o: o.__name__)
def test_numpy_array_on_the_left_gives_symbolic_result(op, mode):
    v = T.dmatrix("v")
    left = np.arange(1.0, 7.0).reshape(2, 3)
    out = op(left, v)
    assert isinstance(out, T.TensorVariable)
    val = np.array([[0.5, 2.0, 3.5], [1.5, 4.0, 0.25]])
    got = run_twice([v], out, [val], mode)
    np.testing.assert_allclose(got, op(left, val))


@pytest.mark.parametrize("scalar", [np.float64(2.5), np.float32(2.5), np.int64(3), np.int8(3)])
@pytest.mark.parametrize("op", [operator.mul, operator.add, operator.sub, operator.pow, operator.lt],
                         ids=lambda o: o.__name__)
def test_numpy_scalar_on_the_left(scalar, op):
    v = T.dvector("v")
    out = op(scalar, v)
    assert isinstance(out, T.TensorVariable)
    val = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(run_twice([v], out, [val], "FAST_RUN"), op(scalar, val))


def test_numpy_on_the_left_of_bitwise_and_matmul():
    i = T.imatrix("i")
    ai = np.array([[1, 2], [3, 4]], dtype="int32")
    vi = np.array([[3, 1], [7, 0]], dtype="int32")
    out = [ai & i, ai | i, ai ^ i]
    for o in out:
        assert isinstance(o, T.TensorVariable)
    got = run_twice([i], out, [vi], theano.Mode(linker="py"))
    for g, ref in zip(got, [ai & vi, ai | vi, ai ^ vi]):
        np.testing.assert_array_equal(g, ref)
    m = T.dmatrix("m")
    prod = np.ones((2, 3)) @ m
    assert isinstance(prod, T.TensorVariable)
    mv = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(run_twice([m], prod, [mv], "FAST_RUN"), np.ones((2, 3)) @ mv)


def test_numpy_equality_with_tensor_stays_identity_and_ufuncs_build_graphs():
    v = T.dvector("v")
    assert (np.zeros(3) == v) is False  # == is identity for variables, as in Theano
    assert v.__array_priority__ == 1000
    e = np.exp(v)                       # Theano 1.0 reached T.exp through NumPy's object fallback
    assert isinstance(e, theano.Variable)
    np.testing.assert_allclose(theano.function([v], e)(np.array([0.0, 1.0])), [1.0, np.e])


def test_gradient_through_numpy_left_operand():
    w = np.array([1.0, -2.0, 3.0])
    verify_grad(lambda x: (w * x) / (np.float64(2) + x * x), [np.array([0.3, 0.7, -1.2])],
                rng=np.random.RandomState(0))


# ------------------------------------------------------------------------------------------------
# item 6: a list index holding slices is a tuple
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_list_index_with_slices_is_a_tuple(mode):
    m = T.dmatrix("m")
    s = T.iscalar("s")
    a = np.arange(20.0).reshape(4, 5)
    outs = [m[[slice(None), slice(-2, None)]], m[[slice(None), slice(s, None)]],
            m[[1, slice(None)]], m[[slice(s, None), 2]], m[[Ellipsis, 0]], m[[None, slice(1, 3)]]]
    got = run_twice([m, s], outs, [a, 2], mode)
    refs = [a[:, -2:], a[:, 2:], a[1, :], a[2:, 2], a[..., 0], a[None, 1:3]]
    for g, r in zip(got, refs):
        assert g.shape == r.shape
        np.testing.assert_array_equal(g, r)


def test_list_index_with_slice_in_set_subtensor_and_plain_list_still_advanced():
    m = T.dmatrix("m")
    a = np.arange(12.0).reshape(3, 4)
    upd = T.set_subtensor(m[[slice(None), slice(1, 3)]], -1.0)
    rows = m[[2, 0]]  # no slice: integer-array (advanced) indexing, as in NumPy
    got = run_twice([m], [upd, rows], [a], "FAST_RUN")
    ref = a.copy()
    ref[:, 1:3] = -1.0
    np.testing.assert_array_equal(got[0], ref)
    np.testing.assert_array_equal(got[1], a[[2, 0]])


# ------------------------------------------------------------------------------------------------
# item 7: names
# ------------------------------------------------------------------------------------------------


def test_dtype_lists_and_aliases():
    assert T.float_dtypes == ["float16", "float32", "float64"]
    assert T.complex_dtypes == ["complex64", "complex128"]
    assert T.int_dtypes == ["int8", "int16", "int32", "int64"]
    assert T.uint_dtypes == ["uint8", "uint16", "uint32", "uint64"]
    assert T.integer_dtypes == T.int_dtypes + T.uint_dtypes
    assert T.discrete_dtypes == ["bool"] + T.integer_dtypes
    assert T.continuous_dtypes == T.float_dtypes + T.complex_dtypes
    assert T.all_dtypes == T.discrete_dtypes + T.continuous_dtypes
    for d in T.all_dtypes:
        np.dtype(d)
    assert T.Tensor is T.TensorType
    x = T.dvector()
    np.testing.assert_allclose(run_twice([x], T.square(x), [np.array([-2.0, 3.0])], "FAST_RUN"),
                               [4.0, 9.0])


@pytest.mark.parametrize("mode", MODES)
def test_searchsorted_method_and_eye(mode):
    x = T.dvector("x")
    v = T.dvector("v")
    xv = np.array([0.0, 1.0, 2.0, 3.0])
    vv = np.array([-1.0, 1.0, 2.5, 9.0])
    got = run_twice([x, v], [x.searchsorted(v), x.searchsorted(v, side="right"), T.eye(3, k=1),
                             T.eye(2, 4, -1), T.eye(3, None, 0)], [xv, vv], mode)
    np.testing.assert_array_equal(got[0], np.searchsorted(xv, vv))
    np.testing.assert_array_equal(got[1], np.searchsorted(xv, vv, side="right"))
    np.testing.assert_array_equal(got[2], np.eye(3, k=1))
    np.testing.assert_array_equal(got[3], np.eye(2, 4, -1))
    np.testing.assert_array_equal(got[4], np.eye(3))


@pytest.mark.parametrize("axis", [np.array(1), np.int64(1), np.int32(-1), 1])
def test_numpy_integer_axes(axis):
    x = T.dmatrix("x")
    a = np.arange(1.0, 7.0).reshape(2, 3)
    outs = [T.sum(x, axis=axis), T.prod(x, axis=axis), T.max(x, axis=axis), T.argmax(x, axis=axis),
            T.mean(x, axis=axis), x.sum(axis=axis, keepdims=True), T.Prod(axis=axis)(x),
            T.Sum(axis=axis)(x), T.max_and_argmax(x, axis)[1]]
    got = run_twice([x], outs, [a], "FAST_RUN")
    ax = int(axis)
    refs = [a.sum(ax), a.prod(ax), a.max(ax), a.argmax(ax), a.mean(ax), a.sum(ax, keepdims=True),
            a.prod(ax), a.sum(ax), a.argmax(ax)]
    for g, r in zip(got, refs):
        np.testing.assert_allclose(g, r)


def test_reduction_op_classes():
    x = T.dmatrix("x")
    assert isinstance(T.sum(x).owner.op, T.Sum)
    assert isinstance(T.prod(x, 0).owner.op, T.Prod)
    assert isinstance(T.max(x).owner.op, T.Max)
    assert isinstance(T.min(x).owner.op, T.Min)
    assert isinstance(T.all(x).owner.op, T.All)
    assert isinstance(T.any(x).owner.op, T.Any)
    assert T.Prod(axis=1) == T.Prod(axis=[1])
    with pytest.raises(ValueError):
        T.Sum(axis=2)(x)
    a = np.array([[1.0, -2.0, 3.0], [0.0, 5.0, -1.0]])
    outs = [T.Max(1)(x), T.Min(0)(x), T.All(1)(x), T.Any()(x), T.Prod(axis=0)(x)]
    got = run_twice([x], outs, [a], theano.Mode(linker="py"))
    for g, r in zip(got, [a.max(1), a.min(0), a.all(1), a.any(), a.prod(0)]):
        np.testing.assert_array_equal(g, r)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("axis", [None, 0, (0, 2), -1])
def test_max_and_argmax_op(axis, mode):
    x = T.dtensor3("x")
    a = np.random.RandomState(3).rand(2, 3, 4)
    m, i = T.max_and_argmax(x, axis)
    assert isinstance(m.owner.op, T.MaxAndArgmax) and m.owner is i.owner
    g = theano.grad(m.sum(), x)
    got = run_twice([x], [m, i, g], [a], mode)
    axn = axis if axis is None or isinstance(axis, tuple) else axis
    np.testing.assert_allclose(got[0], a.max(axis=axn))
    if axis is None or isinstance(axis, int):
        np.testing.assert_array_equal(got[1], a.argmax(axis=axis))
    else:  # several axes: index into those axes flattened together
        moved = a.transpose(1, 0, 2).reshape(3, -1)
        np.testing.assert_array_equal(got[1], moved.argmax(-1))
    ref_g = (a == np.max(a, axis=axn, keepdims=True)).astype(float)
    np.testing.assert_allclose(got[2], ref_g)
    verify_grad(lambda v: T.max_and_argmax(v, axis)[0], [a], rng=np.random.RandomState(1))


def test_max_and_argmax_keepdims_and_empty():
    x = T.dmatrix("x")
    m, i = T.max_and_argmax(x, 1, keepdims=True)
    a = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, -1.0]])
    got = run_twice([x], [m, i], [a], "FAST_RUN")
    np.testing.assert_array_equal(got[0], a.max(1, keepdims=True))
    np.testing.assert_array_equal(got[1], a.argmax(1)[:, None])
    f = theano.function([x], T.max_and_argmax(x, 1), mode=theano.Mode(linker="py"))
    with pytest.raises(ValueError):
        f(np.zeros((2, 0)))


@pytest.mark.parametrize("mode", MODES)
def test_mean_op(mode):
    x = T.fmatrix("x")
    a = np.random.RandomState(4).rand(3, 4).astype("float32")
    outs = [T.Mean(None)(x), T.Mean(1)(x), T.mean(x, 0, op=True), T.mean(x, np.array(1), op=True,
                                                                       keepdims=True)]
    for o in outs:
        assert o.dtype == "float64"
    got = run_twice([x], outs, [a], mode)
    for g, r in zip(got, [a.mean(dtype="float64"), a.mean(1, dtype="float64"),
                          a.mean(0, dtype="float64"), a.mean(1, keepdims=True, dtype="float64")]):
        np.testing.assert_allclose(g, r, rtol=1e-12)
    verify_grad(lambda v: T.mean(v, 1, op=True), [np.random.RandomState(0).rand(3, 4)],
                rng=np.random.RandomState(0))
    with pytest.raises(NotImplementedError):
        T.mean(x, op=True, dtype="float32")


@pytest.mark.parametrize("mode", MODES)
def test_unique_with_axis(mode):
    m = T.dmatrix("m")
    a = np.array([[2.0, 1.0], [3.0, 2.0], [2.0, 1.0]])
    for axis in (0, -1, 1):
        for flags in [(), (True,), (True, True, True), (False, True)]:
            op = T.Unique(*flags, axis=axis)
            outs = op(m, return_list=True)
            got = run_twice([m], outs, [a], mode)
            ref = np.unique(a, *flags, axis=axis)
            ref = ref if isinstance(ref, tuple) else (ref,)
            assert len(got) == len(ref)
            for g, r in zip(got, ref):
                np.testing.assert_array_equal(g, np.asarray(r).reshape(g.shape))
                assert g.shape == np.asarray(r).reshape(-1).shape or g.ndim == a.ndim
    # the inverse's length is known from the input's shape
    inv = T.Unique(False, True, axis=0)(m)[1]
    f = theano.function([m], inv.shape, mode="FAST_RUN")
    np.testing.assert_array_equal(f(a), [3])
    with pytest.raises(ValueError):
        T.Unique(axis=2)(m)
    with pytest.raises(TypeError):
        T.Unique(axis=1.5)


@pytest.mark.parametrize("order", ["C", "F"])
def test_unravel_index_ndim(order):
    shape = np.array([3, 4, 5])
    dims = theano.shared(shape)
    idx = np.arange(60)
    out = T.unravel_index(idx, dims, order=order, ndim=3)
    got = run_twice([], list(out), [], "FAST_RUN")
    for g, r in zip(got, np.unravel_index(idx, tuple(shape), order=order)):
        np.testing.assert_array_equal(g, r)
    with pytest.raises(ValueError):
        T.unravel_index(T.ivector(), T.ivector())
    with pytest.raises(ValueError):
        T.unravel_index((3, 4), (3, 3), ndim=5.4)
    with pytest.raises(TypeError):
        T.unravel_index((3, 4), (3.4, 3.2))
    with pytest.raises(TypeError):
        T.unravel_index((3, 4), ((3, 4),))
    bad = theano.function([], list(T.unravel_index(idx[:6], dims, ndim=2)), mode=theano.Mode(linker="py"))
    with pytest.raises(ValueError):
        bad()


@pytest.mark.parametrize("mode", MODES)
def test_lstsq_op_class(mode):
    a, b = T.dmatrix("a"), T.dmatrix("b")
    rc = T.dscalar("rc")
    op = nlinalg.lstsq()
    assert isinstance(op, theano.Op)
    outs = op(a, b, rc)
    outs2 = nlinalg.lstsq(a, b)  # still callable as a function
    r = np.random.RandomState(5)
    av, bv = r.rand(5, 3), r.rand(5, 2)
    got = run_twice([a, b, rc], list(outs) + [outs2[0]], [av, bv, -1.0], mode)
    ref = np.linalg.lstsq(av, bv, rcond=None)
    np.testing.assert_allclose(got[0], ref[0])
    np.testing.assert_allclose(got[1], ref[1])
    assert int(got[2]) == ref[2]
    np.testing.assert_allclose(got[3], ref[3])
    np.testing.assert_allclose(got[4], ref[0])


# ------------------------------------------------------------------------------------------------
# item 14: wrong values
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "int64", "uint64", "bool", "float32"])
def test_topk_extreme_values(dtype, mode):
    x = T.vector("x", dtype=dtype)
    if dtype == "bool":
        val = np.array([False, True, False, True])
    else:
        info = np.iinfo(dtype) if dtype != "float32" else np.finfo(dtype)
        val = np.array([info.min, 5, info.max, 0, info.min, info.max], dtype=dtype)
    outs = [T.topk(x, 1), T.topk(x, 2), T.argtopk(x, 2), T.topk(x, -2), T.argtopk(x, -1)]
    got = run_twice([x], outs, [val], mode)
    desc = np.argsort(-val.astype("float64"), kind="stable")
    asc = np.argsort(val.astype("float64"), kind="stable")
    np.testing.assert_array_equal(got[0], val[desc[:1]])
    np.testing.assert_array_equal(got[1], val[desc[:2]])
    np.testing.assert_array_equal(got[2], desc[:2])
    np.testing.assert_array_equal(got[3], val[asc[:2]])
    np.testing.assert_array_equal(got[4], asc[:1])


def test_topk_int8_issue_example():
    x = T.bvector("x")
    f = theano.function([x], T.topk(x, 1))
    np.testing.assert_array_equal(f(np.array([-128, 5, 126], dtype="int8")), [126])
    np.testing.assert_array_equal(f(np.array([-128, 5, 126], dtype="int8")), [126])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [T.add, T.mul], ids=["add", "mul"])
def test_one_input_add_mul_is_the_input(fn, mode):
    x = T.dmatrix("x")
    b = T.bvector("b")
    a = np.array([[1.5, -2.0], [3.0, 0.25]])
    bv = np.array([-128, 7], dtype="int8")
    outs = [fn(x), fn(b), theano.grad(fn(x).sum(), x)]
    got = run_twice([x, b], outs, [a, bv], mode)
    np.testing.assert_array_equal(got[0], a)
    assert got[1].dtype == np.int8
    np.testing.assert_array_equal(got[1], bv)
    np.testing.assert_array_equal(got[2], np.ones_like(a))
    # the result owns its memory: changing it leaves the input alone
    f = theano.function([x], fn(x), mode=mode)
    out = f(a)
    out[0, 0] = 99.0
    assert a[0, 0] == 1.5


# ------------------------------------------------------------------------------------------------
# suite-driven details: sort axes, Prod(no_zeros_in_input), error classes
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_sort_with_float_scalar_axis(mode):
    a = T.dmatrix("a")
    ax = T.dscalar("ax")
    w = np.arange(6.0).reshape(3, 2)
    f = theano.function([a, ax], [T.sort(a, ax, "mergesort"), T.argsort(a, ax),
                                  theano.grad((T.sort(a, ax) * w).sum(), a)], mode=mode)
    m = np.random.RandomState(2).rand(3, 2)
    for axis in (0, 1, 0):
        got = f(m, axis)
        np.testing.assert_array_equal(got[0], np.sort(m, axis))
        np.testing.assert_array_equal(got[1], np.argsort(m, axis))
        ref_g = np.zeros_like(m)
        np.put_along_axis(ref_g, np.argsort(m, axis), w, axis)
        np.testing.assert_allclose(got[2], ref_g)
    with pytest.raises(ValueError, match="whole number"):
        f(m, 0.5)
    from theano.tensor.sort import SortOp

    assert SortOp("mergesort", []) == SortOp("mergesort", [])
    assert SortOp("mergesort", []) != SortOp("quicksort", [])
    with pytest.raises(ValueError):
        SortOp("mergesort", ["field"])


@pytest.mark.parametrize("mode", MODES)
def test_prod_no_zeros_in_input_gradient(mode):
    x = T.dmatrix("x")
    a = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]])
    p = T.prod(x, axis=1, no_zeros_in_input=True)
    assert p.owner.op.no_zeros_in_input
    got = run_twice([x], [p, theano.grad(p.sum(), x)], [a], mode)
    np.testing.assert_allclose(got[0], a.prod(1))
    np.testing.assert_allclose(got[1], a.prod(1, keepdims=True) / a)
    verify_grad(lambda v: T.Prod(axis=0, no_zeros_in_input=True)(v), [a], rng=np.random.RandomState(0))
    assert T.Prod(axis=1, no_zeros_in_input=True) != T.Prod(axis=1)


def test_theano_exception_classes():
    from theano.tensor.nlinalg import Eig, Eigh

    assert isinstance(Eigh(), Eig)
    with pytest.raises(ValueError):
        T.searchsorted(T.dmatrix(), T.dvector())
    with pytest.raises(ValueError):
        T.searchsorted(T.dvector(), T.dvector(), sorter=T.lmatrix())
    with pytest.raises(TypeError):
        T.searchsorted(T.dvector(), T.dvector(), sorter=T.fvector())
    with pytest.raises(TypeError):
        T.ravel_multi_index((T.fvector(), T.ivector()), (3, 4))
    with pytest.raises(TypeError):
        T.ravel_multi_index(((3, 4), T.ivector()), (3.4, 3.2))
    with pytest.raises(TypeError):
        T.ravel_multi_index(((3, 4),), ((3, 4),))
    with pytest.raises(NotImplementedError):
        nlinalg.norm(np.random.rand(3, 4, 5), None)


@pytest.mark.parametrize("mode", MODES)
def test_bincount_assert_nonneg(mode):
    x = T.lvector("x")
    f_check = theano.function([x], T.bincount(x, assert_nonneg=True), mode=mode)
    f_plain = theano.function([x], T.bincount(x), mode=mode)
    good = np.array([0, 3, 3, 1])
    np.testing.assert_array_equal(f_check(good), np.bincount(good))
    np.testing.assert_array_equal(f_check(good), np.bincount(good))
    with pytest.raises(AssertionError):
        f_check(np.array([-1, 2]))
    with pytest.raises(ValueError):
        f_plain(np.array([-1, 2]))


@pytest.mark.parametrize("mode", MODES)
def test_boolean_mask_op_classes(mode):
    x = T.dmatrix("x")
    a = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    y = x[x > 0]
    assert isinstance(y.owner.op, T.AdvancedBooleanSubtensor)
    assert isinstance(y.owner.op, T.AdvancedSubtensor)
    s = T.set_subtensor(x[x < 0], 0.0)
    i = T.inc_subtensor(x[x > 0], 10.0)
    assert isinstance(s.owner.op, T.AdvancedBooleanIncSubtensor)
    assert isinstance(i.owner.op, T.AdvancedBooleanIncSubtensor)
    assert not isinstance(x[[0, 1]].owner.op, T.AdvancedBooleanSubtensor)
    g = theano.grad((x[x > 0] ** 2).sum(), x)
    got = run_twice([x], [y, s, i, g, x[:, np.array([True, False, True])]], [a], mode)
    refs = [a[a > 0], np.where(a < 0, 0, a), np.where(a > 0, a + 10, a), np.where(a > 0, 2 * a, 0),
            a[:, [0, 2]]]
    for r, ref in zip(got, refs):
        np.testing.assert_allclose(r, ref)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "int64"])
def test_deg2rad_rad2deg_are_elemwise(dtype, mode):
    x = T.vector("x", dtype=dtype)
    assert isinstance(T.deg2rad(x).owner.op, T.Elemwise)
    assert isinstance(T.rad2deg(x).owner.op, T.Elemwise)
    a = np.array([0, 90, -45, 3, 180], dtype=dtype)
    got = run_twice([x], [T.deg2rad(x), T.rad2deg(x)], [a], mode)
    out_dtype = "float32" if dtype in ("float32", "int16") else "float64"
    for g, ref in zip(got, [np.deg2rad(a.astype("float64")), np.rad2deg(a.astype("float64"))]):
        assert g.dtype == out_dtype
        np.testing.assert_allclose(g, ref, rtol=1e-6 if out_dtype == "float32" else 1e-12)
    if dtype.startswith("float"):
        pt = np.array([0.3, -1.2, 2.0], dtype=dtype)
        verify_grad(T.deg2rad, [pt], rng=np.random.RandomState(0))
        verify_grad(T.rad2deg, [pt], rng=np.random.RandomState(0))


def test_tensor_type_value_comparisons_are_static():
    from theano.tensor import type as ttype

    a = np.array([1.0, np.nan, np.inf])
    assert T.TensorType.values_eq(a, a.copy())
    assert not T.TensorType.values_eq(a, a.astype("float32"))
    assert T.TensorType.values_eq(a, a.astype("float32"), force_same_dtype=False)
    assert not T.TensorType.values_eq(a, a[:2])
    t = T.TensorType("float64", (False,))
    assert t.values_eq_approx(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    assert not t.values_eq_approx(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    assert not T.TensorType.values_eq_approx(a, np.array([1.0, 5.0, 7.0]))
    assert T.TensorType.values_eq_approx(a, np.array([1.0, 5.0, 7.0]), allow_remove_inf=True,
                                         allow_remove_nan=True)
    assert ttype.values_eq_approx_remove_nan(a, np.array([1.0, 5.0, np.inf]))
    assert not ttype.values_eq_approx_remove_nan(a, np.array([1.0, 5.0, 7.0]))
    assert ttype.values_eq_approx_remove_inf(a, np.array([1.0, np.nan, 7.0]))
    assert ttype.values_eq_approx_remove_inf_nan(a, np.array([1.0, 3.0, 7.0]))
    assert ttype.values_eq_approx_always_true(a, np.zeros(7))
    # float32 values get a float32 tolerance
    f = np.array([1.0, 2.0], dtype="float32")
    assert T.TensorType.values_eq_approx(f, f + np.float32(1e-5))


@pytest.mark.parametrize("mode", MODES)
def test_join_and_split_theano_calling_forms(mode):
    av = np.random.RandomState(7).rand(1, 4, 1)
    bv = np.random.RandomState(8).rand(1, 3, 1)
    a = theano.shared(av, broadcastable=(False, False, True))
    b = theano.shared(bv, broadcastable=(True, False, True))
    c = T.Join()(1, a, b)
    assert c.type.broadcastable == (True, False, True)
    ax = T.iscalar("ax")
    d = T.Join()(ax, a, b)
    m = theano.shared(np.arange(24.0).reshape(4, 6))
    pieces = T.Split(2)(m, 0, [4, 0])
    sym_pieces = T.Split(3)(m, np.int64(1), T.as_tensor_variable(np.array([1, 2, 3])))
    got = run_twice([ax], [c, d] + pieces + sym_pieces, [1], mode)
    np.testing.assert_array_equal(got[0], np.concatenate([av, bv], 1))
    np.testing.assert_array_equal(got[1], np.concatenate([av, bv], 1))
    np.testing.assert_array_equal(got[2], m.get_value())
    assert got[3].shape == (0, 6)
    for g, r in zip(got[4:], np.split(m.get_value(), [1, 3], axis=1)):
        np.testing.assert_array_equal(g, r)
    bad = theano.function([], T.Split(2)(m, 0, [5, -1]), mode=mode)
    with pytest.raises(ValueError):
        bad()
    with pytest.raises(TypeError):
        T.Join()(0, T.vector(), T.matrix())
    # out-of-range axes: numpy's AxisError, which is both an IndexError (Theano) and a ValueError
    for call in (lambda: T.join(-3, T.matrix(), T.matrix()), lambda: T.stack([T.matrix(), T.matrix()], 4),
                 lambda: T.stack([T.matrix(), T.matrix()], -4)):
        with pytest.raises(IndexError):
            call()
        with pytest.raises(ValueError):
            call()
    grad = theano.grad((T.Join()(0, m, m) ** 2).sum(), m)
    np.testing.assert_allclose(run_twice([], grad, [], mode), 4 * m.get_value())


class _DefaultOutputOp(theano.Op):
    def __init__(self, default_output):
        self.default_output = default_output

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] + 1
        output_storage[1][0] = inputs[0] * 2


def test_as_tensor_variable_of_apply_uses_default_output():
    x = T.dscalar("x")
    node = _DefaultOutputOp(1).make_node(x)
    out = T.as_tensor_variable(node)
    assert out is node.outputs[1]
    assert float(theano.function([x], out)(3.0)) == 6.0
    for bad in (-1, 2, [0, 1], None):
        with pytest.raises(AttributeError):
            T.as_tensor_variable(_DefaultOutputOp(bad).make_node(x))


@pytest.mark.parametrize("mode", MODES)
def test_maximum_minimum_gradient_at_a_tie_goes_to_the_first_input(mode):
    x, y = T.dvectors("x", "y")
    for op in (T.maximum, T.minimum):
        g = theano.grad(op(x, y).sum(), [x, y])
        got = run_twice([x, y], g, [np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.5, 2.0])], mode)
        if op is T.maximum:
            np.testing.assert_array_equal(got[0], [1, 1, 0])
            np.testing.assert_array_equal(got[1], [0, 0, 1])
        else:
            np.testing.assert_array_equal(got[0], [1, 0, 1])
            np.testing.assert_array_equal(got[1], [0, 1, 0])


@pytest.mark.parametrize("mode", MODES)
def test_max_and_argmax_with_empty_kept_dimension(mode):
    x = T.dmatrix("x")
    m, i = T.max_and_argmax(x, axis=1)
    got = run_twice([x], [m, i, T.argmax(x, 1), T.argmin(x, 1)], [np.zeros((0, 4))], mode)
    for g in got:
        assert g.shape == (0,)


def test_clip_refuses_complex_and_basic_module_names():
    for dtype in ("complex64", "complex128"):
        with pytest.raises(TypeError, match="complex"):
            T.clip(T.vector(dtype=dtype), T.scalar(), T.scalar())
    x = T.dvector("x")
    np.testing.assert_array_equal(run_twice([x], T.clip(x, -1.0, 1.0), [np.array([-3.0, 0.5, 2.0])],
                                            "FAST_RUN"), [-1.0, 0.5, 1.0])
    import theano.tensor.basic as tb

    assert tb.batched_dot is T.batched_dot and tb.batched_tensordot is T.batched_tensordot
    assert tb.MaxAndArgmax is T.MaxAndArgmax and tb.Subtensor is T.Subtensor


@pytest.mark.parametrize("axis", [np.array(1), np.int64(1), np.int32(-1)])
def test_numpy_integer_axes_in_other_functions(axis):
    x = T.dmatrix("x")
    a = np.arange(1.0, 7.0).reshape(2, 3)
    ax = int(axis)
    cases = [
        (T.cumsum(x, axis), np.cumsum(a, ax)), (T.diff(x, axis=axis), np.diff(a, axis=ax)),
        (T.repeat(x, 2, axis), np.repeat(a, 2, ax)), (T.take(x, [0, 2], axis), np.take(a, [0, 2], ax)),
        (T.concatenate([x, x], axis=axis), np.concatenate([a, a], ax)),
        (T.stack([x, x], axis=axis), np.stack([a, a], ax)), (T.roll(x, 1, axis), np.roll(a, 1, ax)),
        (T.var(x, axis), np.var(a, ax)), (T.sort(-x, axis), np.sort(-a, ax)),
        (T.argsort(-x, axis), np.argsort(-a, ax)), (T.argmin(x, axis), np.argmin(a, ax)),
        (T.all(x > 2, axis), np.all(a > 2, ax)), (T.topk(x, 1, axis=axis), np.max(a, ax, keepdims=True)),
    ]
    got = run_twice([x], [c[0] for c in cases], [a], "FAST_RUN")
    for g, (_, ref) in zip(got, cases):
        np.testing.assert_allclose(g, ref)


@pytest.mark.parametrize("mode", MODES)
def test_cov_matches_numpy(mode):
    x, y = T.dmatrix("x"), T.dmatrix("y")
    v = T.dvector("v")
    r = np.random.RandomState(11)
    d, e, vv = r.rand(3, 5), r.rand(3, 5), r.rand(5)
    cases = [(T.cov(x), np.cov(d)), (T.cov(x, rowvar=False), np.cov(d, rowvar=False)),
             (T.cov(x, y=y), np.cov(d, y=e)), (T.cov(x, ddof=0), np.cov(d, ddof=0)),
             (T.cov(x, bias=True), np.cov(d, bias=True)), (T.cov(v), np.cov(vv)),
             (T.cov(x, y=y, rowvar=False, ddof=2), np.cov(d, y=e, rowvar=False, ddof=2))]
    got = run_twice([x, y, v], [c for c, _ in cases], [d, e, vv], mode)
    for g, (_, ref) in zip(got, cases):
        assert g.shape == np.shape(ref)
        np.testing.assert_allclose(g, ref)
    ints = T.lmatrix("i")
    iv = r.randint(0, 9, size=(2, 6))
    np.testing.assert_allclose(run_twice([ints], T.cov(ints), [iv], mode), np.cov(iv))
    verify_grad(lambda a: T.cov(a), [d], rng=np.random.RandomState(0))
    with pytest.raises(NotImplementedError):
        T.cov(x, fweights=np.ones(5))


def test_is_flat_and_scalar_tile_reps():
    assert T.is_flat(T.vector()) and T.is_flat(T.tensor3(), ndim=3) and not T.is_flat(T.tensor3())
    assert T.is_flat(T.tensor4().reshape((10, 10, -1)), outdim=3)
    assert T.is_flat(T.as_tensor_variable(np.zeros(10)))
    x = T.dmatrix("x")
    reps = T.iscalar("reps")
    a = np.arange(6.0).reshape(2, 3)
    f = theano.function([x, reps], T.tile(x, reps))
    for k in (1, 3, 2):
        np.testing.assert_array_equal(f(a, k), np.tile(a, k))
    for bad in (lambda: T.swapaxes(2, 0, 1), lambda: T.swapaxes([2, 1], 0, 1),
                lambda: T.swapaxes([[2, 1], [3, 4]], 3, 4)):
        with pytest.raises(IndexError):
            bad()


def test_rebroadcast_returns_the_input_when_nothing_changes_and_fuses():
    from theano.tensor import addbroadcast, patternbroadcast, unbroadcast

    x = T.dmatrix("x")
    assert unbroadcast(x, 0) is x and unbroadcast(x, 1, 0) is x
    assert addbroadcast(x, 0) is not x
    assert unbroadcast(addbroadcast(x, 0), 0) is x
    assert addbroadcast(unbroadcast(x, 0), 0) is not x
    r = T.drow("r")
    assert addbroadcast(r, 0) is r and unbroadcast(r, 1) is r
    assert unbroadcast(unbroadcast(r, 0), 0).owner.inputs[0] is r
    b2 = T.TensorType("float64", (True, True))("b2")
    assert addbroadcast(unbroadcast(b2, 1), 0).owner.inputs[0] is b2
    assert addbroadcast(unbroadcast(b2, 0), 0) is b2
    assert patternbroadcast(x, ()) is x and patternbroadcast(T.dscalar(), ()) is not None
    with pytest.raises(ValueError):
        patternbroadcast(T.dvector(), (False, False))
    # the fused Rebroadcast still checks lengths at run time and computes the right values
    y = addbroadcast(unbroadcast(b2, 1), 0)
    f = theano.function([b2], y * 2)
    np.testing.assert_array_equal(f(np.full((1, 1), 3.0)), [[6.0]])
    g = theano.function([x], addbroadcast(x, 0) + 1)
    np.testing.assert_array_equal(g(np.ones((1, 3))), np.full((1, 3), 2.0))
    with pytest.raises(ValueError):
        g(np.ones((2, 3)))


def test_python_int_index_beyond_int64_is_an_index_error():
    n = T.dmatrix("n")
    for bad in (lambda: n[:2 ** 63], lambda: n[2 ** 64], lambda: n[-2 ** 63 - 1:]):
        with pytest.raises(IndexError, match="int64"):
            bad()
    a = np.arange(6.0).reshape(3, 2)
    got = run_twice([n], [n[:2 ** 62], n[-2 ** 62:], n[2 ** 31 - 2 ** 31 + 1]], [a], "FAST_RUN")
    np.testing.assert_array_equal(got[0], a)
    np.testing.assert_array_equal(got[1], a)
    np.testing.assert_array_equal(got[2], a[1])


@pytest.mark.parametrize("fn", [T.add, T.mul, T.sub, T.true_div, T.pow, T.maximum],
                         ids=lambda f: str(f.scalar_op))
def test_elemwise_grad_called_on_inputs_of_fewer_dimensions(fn):
    # Op.grad called directly (as Theano's test_grad_none does) with a scalar and a matrix input:
    # the scalar's gradient is the sum over the broadcast dimensions
    a, s, r, gz = T.dmatrix("a"), T.dscalar("s"), T.drow("r"), T.dmatrix("gz")
    av = np.random.RandomState(0).rand(2, 3) + 0.5
    rv = np.random.RandomState(1).rand(1, 3) + 0.5
    sv, gv = np.float64(1.3), np.random.RandomState(2).rand(2, 3)
    direct = fn.grad([a, s], [gz]) + fn.grad([s, a], [gz]) + fn.grad([a, r], [gz])
    out1, out2, out3 = fn(a, s), fn(s, a), fn(a, r)
    ref = (theano.grad(None, [a, s], known_grads={out1: gz}) +
           theano.grad(None, [s, a], known_grads={out2: gz}) +
           theano.grad(None, [a, r], known_grads={out3: gz}))
    got = run_twice([a, s, r, gz], direct + ref, [av, sv, rv, gv], "FAST_RUN")
    for g, e, inp in zip(got[:6], got[6:], [a, s, s, a, a, r]):
        assert g.shape == e.shape == (() if inp is s else (1, 3) if inp is r else (2, 3))
        np.testing.assert_allclose(g, e)
    assert all(g is not None for g in direct)


@pytest.mark.parametrize("mode", MODES)
def test_isnan_isinf_of_integers_are_all_false(mode):
    for x in (T.imatrix("i"), T.matrix("b", dtype="bool"), T.brow("r"), T.lscalar("s")):
        v = np.zeros((1, 3) if x.ndim == 2 else (), dtype=x.dtype)
        for fn in (T.isnan, T.isinf):
            y = fn(x)
            assert y.dtype == "bool" and y.broadcastable == x.broadcastable
            if x.ndim:
                assert not isinstance(y.owner.op, T.Elemwise)
            r = run_twice([x], y, [v], mode)
            assert r.dtype == np.bool_ and r.shape == v.shape and not r.any()
    f = T.dvector("f")
    got = run_twice([f], [T.isnan(f), T.isinf(f)], [np.array([np.nan, np.inf, 1.0])], mode)
    np.testing.assert_array_equal(got[0], [True, False, False])
    np.testing.assert_array_equal(got[1], [False, True, False])


@pytest.mark.parametrize("src", ["uint8", "int16", "int64", "float32", "float64"])
def test_convert_to_ops_of_tensor_basic(src):
    # theano.tensor.basic._convert_to_<dtype>: the elementwise casts, as NumPy's astype
    from theano.tensor import basic

    x = T.TensorType(src, (False,))("x")
    v = (np.arange(10) * 1.3).astype(src)
    for dst in ("int8", "int16", "int32", "int64", "float32", "float64", "complex128"):
        op = getattr(basic, f"_convert_to_{dst}")
        assert op.scalar_op.output_types_preference.spec[0].dtype == dst
        assert op == T.cast(T.TensorType("uint16", (False,))(), dst).owner.op
        y = op(x)
        assert y.dtype == dst
        for mode in MODES:
            f = theano.function([x], y, mode=mode)
            for _ in range(3):
                r = f(v)
                assert r.dtype == dst
                np.testing.assert_array_equal(r, v.astype(dst))
