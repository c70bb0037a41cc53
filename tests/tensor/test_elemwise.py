"""Elemwise, DimShuffle and CAReduce as ops: identity, types, broadcasting, shapes, gradients."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.gradient import verify_grad
from theano.scalar import basic as ts
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


# -------------------------------------------------------------------------------------------------
# Elemwise
# -------------------------------------------------------------------------------------------------


def test_elemwise_identity_and_str():
    assert Elemwise(ts.add) == Elemwise(ts.add)
    assert hash(Elemwise(ts.add)) == hash(Elemwise(ts.add))
    assert Elemwise(ts.add) != Elemwise(ts.mul)
    assert Elemwise(ts.add) != Elemwise(ts.add, {0: 0})
    assert "add" in str(Elemwise(ts.add))
    assert ts.cast_op("int8") == ts.Cast("int8")
    assert ts.cast_op("int8") != ts.Cast("int16")


@pytest.mark.parametrize("shapes,bcasts", [
    (((3, 4), (3, 4)), ((False, False), (False, False))),
    (((1, 4), (3, 4)), ((True, False), (False, False))),
    (((3, 1), (1, 4)), ((False, True), (True, False))),
    (((4,), (2, 3, 4)), ((False,), (False, False, False))),
    (((), (2, 3)), ((), (False, False))),
    (((0, 4), (1, 4)), ((False, False), (True, False))),
    (((2, 1, 3), (2, 5, 3)), ((False, True, False), (False, False, False))),
])
def test_elemwise_broadcast_shapes(shapes, bcasts):
    syms = [T.TensorType("float64", b)() for b in bcasts]
    vals = [rand(*s) if s else np.asarray(0.3) for s in shapes]
    out = syms[0] * syms[1] + syms[1]
    expected = vals[0] * vals[1] + vals[1]
    res = compare_backends(syms, out, vals, expected=expected)
    assert res.shape == expected.shape
    check_infer_shape(syms, out, vals)
    ndim = max(len(b) for b in bcasts)
    assert out.broadcastable == tuple(
        all(b[d - (ndim - len(b))] if d >= ndim - len(b) else True for b in bcasts) for d in range(ndim))


@pytest.mark.parametrize("dtype", FLOATS)
def test_elemwise_grad_sums_over_broadcast_dims(dtype):
    r = T.TensorType(dtype, (True, False))()
    m = T.TensorType(dtype, (False, False))()
    verify_grad(lambda a, b: T.addbroadcast(a, 0) * b + T.exp(T.addbroadcast(a, 0)), [rand(1, 3), rand(4, 3)],
                mode=PY, rng=np.random.RandomState(0))
    g = T.grad(T.sum(r * m), r)
    assert g.broadcastable == r.broadcastable and g.dtype == dtype
    mv = rand(4, 3, dtype=dtype)
    np.testing.assert_allclose(run(g, [r, m], [rand(1, 3, dtype=dtype), mv]), mv.sum(0, keepdims=True),
                               rtol=1e-5)
    s = T.TensorType(dtype, ())()
    gs = T.grad(T.sum(s * m), s)
    assert gs.ndim == 0
    np.testing.assert_allclose(run(gs, [s, m], [np.asarray(2, dtype=dtype), mv]), mv.sum(), rtol=1e-5)


def test_elemwise_runtime_errors_name_the_op():
    a, b = T.dvector("a"), T.dvector("b")
    f = theano.function([a, b], a * b, mode=PY)
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "(3,)" in msg and "(4,)" in msg


def test_elemwise_dtype_conversion_in_perform():
    x = T.bvector()
    y = x + np.int8(100)
    assert y.dtype == "int8"
    # int8 overflow wraps like NumPy (Theano's rule: no silent upcast)
    assert run(y, [x], [np.array([100], dtype="int8")]).dtype == np.int8
    f = T.fvector()
    # np.float64 subclasses Python float but is typed on purpose: it keeps float64 (Theano's
    # autocaster passes NumPy scalars of a listed dtype through)
    assert (f * np.float64(2.0)).dtype == "float64"
    assert (f * np.float64(0.1)).dtype == "float64"
    assert (f * np.array(2.0)).dtype == "float64"  # an ndarray keeps its dtype
    assert (f * 2.0).dtype == "float32"


def test_scalar_op_contract():
    for op in (ts.exp, ts.add, ts.true_div, ts.switch, ts.lt, ts.cast_op("int8"), ts.second, ts.jv,
               ts.complex):
        assert isinstance(op, ts.ScalarOp)
        assert op.output_dtypes(*(["float64"] * (op.nin if op.nin != -1 else 2)))
    with pytest.raises(TypeError, match="inputs"):
        ts.exp.output_dtypes("float64", "float64")
    assert ts.upcast("int8", "float32") == "float32"
    assert ts.upcast("int64", "float32") == "float64"
    assert ts.upgrade_to_float("int16") == "float32"
    assert ts.upgrade_to_float("uint32") == "float64"
    # scalar ops carry no backend code: the native backend's kernels are its own table
    assert not hasattr(ts.exp, "kernel")


def test_elemwise_on_constants_and_python_values():
    out = T.add(1, 2.5, np.array([1, 2]))
    assert out.dtype == "float64" or out.dtype == "float32"
    np.testing.assert_allclose(run(out), [4.5, 5.5])
    assert T.exp(0).dtype == "float32"


# -------------------------------------------------------------------------------------------------
# DimShuffle
# -------------------------------------------------------------------------------------------------

DS_CASES = [
    OpCase("ds_transpose", lambda x: x.dimshuffle(1, 0), lambda x: x.T, [rand(2, 3)], dtypes=FLOATS),
    OpCase("ds_expand", lambda x: x.dimshuffle("x", 0, "x", 1), lambda x: x[None, :, None, :], [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("ds_drop", lambda x: T.addbroadcast(x, 1).dimshuffle(0, 2), lambda x: x[:, 0, :], [rand(2, 1, 3)],
           dtypes=FLOATS),
    OpCase("ds_perm3", lambda x: x.dimshuffle(2, 0, 1), lambda x: x.transpose(2, 0, 1), [rand(2, 3, 4)],
           dtypes=FLOATS),
    OpCase("ds_scalar", lambda x: x.dimshuffle("x", "x"), lambda x: x.reshape(1, 1), [np.asarray(0.5)],
           dtypes=FLOATS),
    OpCase("ds_empty", lambda x: x.dimshuffle(1, "x", 0), lambda x: x.T[:, None, :], [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("ds_to_scalar", lambda x: T.addbroadcast(x, 0, 1).dimshuffle(), lambda x: x.reshape(()),
           [rand(1, 1)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", DS_CASES, ids=lambda c: c.name)
def test_dimshuffle(case):
    check_case(case)


def test_dimshuffle_errors_and_types():
    x = T.dmatrix()
    with pytest.raises(ValueError, match="not broadcastable"):
        x.dimshuffle(0)
    with pytest.raises(ValueError, match="repeats"):
        x.dimshuffle(0, 0)
    with pytest.raises(ValueError, match="dimension"):
        x.dimshuffle(0, 2)
    with pytest.raises(TypeError, match="ints or 'x'"):
        x.dimshuffle(0, "y")
    op = DimShuffle((False, False), (1, 0))
    with pytest.raises(TypeError, match="broadcastable pattern"):
        op(T.dvector())
    assert op == DimShuffle((False, False), [1, 0])
    assert x.dimshuffle("x", 1, 0).broadcastable == (True, False, False)
    # Theano 1.0 printed a DimShuffle whose output is a view (the default) with this name
    assert str(op) == "InplaceDimShuffle{1,0}" and op.inplace
    assert x.dimshuffle([1, 0]).ndim == 2


def test_dimshuffle_rop_and_view():
    x = T.dmatrix()
    v = T.dmatrix()
    y = x.dimshuffle(1, "x", 0)
    assert y.owner.op.view_map == {0: [0]}
    r = T.Rop(y, x, v)
    vv = rand(2, 3, seed=5)
    np.testing.assert_allclose(run(r, [x, v], [rand(2, 3), vv]), vv.T[:, None, :])


# -------------------------------------------------------------------------------------------------
# CAReduce
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sop,ref", [(ts.add, np.add), (ts.mul, np.multiply), (ts.maximum, np.maximum),
                                     (ts.minimum, np.minimum), (ts.xor, np.bitwise_xor),
                                     (ts.and_, np.bitwise_and), (ts.or_, np.bitwise_or)])
@pytest.mark.parametrize("axis", [(0,), (1,), (0, 1)])
def test_careduce_direct(sop, ref, axis):
    x = T.imatrix()
    xv = np.array([[1, 6, 3], [5, 2, 7]], dtype="int32")
    op = CAReduce(sop, axis)
    out = op(x)
    r = xv
    for a in sorted(axis, reverse=True):
        r = ref.reduce(r, axis=a)
    # and/or reductions of integers are bitwise, as NumPy's and Theano 1.0's (all/any are All/Any)
    res = compare_backends([x], out, [xv], check_dtype=False)
    np.testing.assert_array_equal(res, r)
    check_infer_shape([x], out, [xv])


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint16", "int64", "bool"])
def test_careduce_and_or_are_bitwise_and_all_any_logical(dtype):
    x = T.TensorType(dtype, (False, False))("x")
    if dtype == "bool":
        xv = np.array([[True, False, True], [True, True, False]])
    else:
        xv = np.array([[6, 3, 5], [12, 10, 7]], dtype=dtype)
    outs = [CAReduce(ts.and_, (1,))(x), CAReduce(ts.or_, (0,))(x), CAReduce(ts.and_)(x),
            T.all(x, axis=1), T.any(x, axis=0), T.all(x)]
    res = compare_backends([x], outs, [xv])
    want = [np.bitwise_and.reduce(xv, axis=1), np.bitwise_or.reduce(xv, axis=0),
            np.bitwise_and.reduce(xv, axis=None),
            np.all(xv, axis=1), np.any(xv, axis=0), np.all(xv)]
    for got, w in zip(res, want):
        assert np.asarray(got).dtype == np.asarray(w).dtype
        np.testing.assert_array_equal(got, w)
    if dtype != "bool":
        assert res[0].tolist() == [6 & 3 & 5, 12 & 10 & 7]      # 1 and 0: not logical


def test_careduce_props_str_and_axis_normalization():
    op = CAReduce(ts.add, (1, 0))
    assert op.axis == (0, 1)
    assert op == CAReduce(ts.add, (0, 1))
    assert "Sum" in str(T.sum(T.dmatrix(), axis=0).owner.op)
    x = T.dtensor3()
    out = CAReduce(ts.add, (-1,))(x)
    assert out.ndim == 2
    np.testing.assert_allclose(run(out, [x], [rand(2, 3, 4)]), rand(2, 3, 4).sum(-1))
    with pytest.raises(ValueError, match="out of range"):
        CAReduce(ts.add, (3,))(x)
    none = CAReduce(ts.add)(x)
    assert none.ndim == 0


def test_careduce_empty():
    x = T.dmatrix()
    xv = np.zeros((0, 3))
    np.testing.assert_array_equal(run(T.sum(x, axis=0), [x], [xv]), np.zeros(3))
    np.testing.assert_array_equal(run(T.prod(x, axis=0), [x], [xv]), np.ones(3))
    assert run(T.sum(x, axis=1), [x], [xv]).shape == (0,)
    assert run(T.max(x, axis=1), [x], [xv]).shape == (0,)
    with pytest.raises(ValueError, match="empty"):
        run(T.min(x), [x], [xv])


@pytest.mark.parametrize("dtype", FLOATS)
def test_careduce_grads(dtype):
    xv = rand(3, 4, dtype=dtype)
    for fn in (lambda v: T.sum(v, axis=0), lambda v: T.prod(v, axis=1), lambda v: T.max(v, axis=(0, 1)),
               lambda v: T.min(v, axis=-1), lambda v: T.sum(v, axis=1, keepdims=True) * v):
        verify_grad(fn, [xv], mode=PY, rng=np.random.RandomState(2))
    x = T.TensorType(dtype, (False, False))()
    g = T.grad(T.sum(x), x)
    assert g.dtype == dtype
    i = T.imatrix()
    gi = T.grad(T.sum(T.sum(i) * x), x)
    assert gi.dtype == dtype


def test_every_scalar_op_and_its_elemwise_pickle():
    import pickle

    ops = [v for v in vars(ts).values() if isinstance(v, ts.ScalarOp)]
    assert len(ops) > 60
    for sop in ops:
        assert pickle.loads(pickle.dumps(sop)) == sop, sop
        e = Elemwise(sop)
        assert pickle.loads(pickle.dumps(e)) == e, e


def test_compiled_function_with_tensor_ops_pickles():
    import pickle

    x = T.dmatrix()
    y = (T.sum(T.exp(x) * T.arange(3), axis=1) + T.sort(x, axis=1)[:, 0] + T.cumsum(x, axis=1)[:, 1]
         + T.max(T.join(0, x, T.tile(x, (1, 1))), axis=1)[:2] + T.erf(T.mean(x)))
    f = theano.function([x], y, mode=PY)
    xv = rand(2, 3)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(f))(xv), f(xv))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_outputs_never_alias_inputs(mode):
    x, y, z = T.dmatrix(), T.dmatrix(), T.zmatrix()
    outs = [x.reshape((6,)), T.flatten(x), x.T, T.specify_shape(x, (2, 3)), T.tensor_copy(x), T.fill(x, y),
            T.real(x), x.copy(), T.real(z), T.imag(z), T.second(y, x), T.identity(x), T.squeeze(x),
            T.cast(x, "float64"), T.join(0, x), T.roll(x, 0), T.sort(x)]
    f = theano.function([x, y, z], outs, mode=mode)
    xv, yv, zv = rand(2, 3), rand(2, 3, seed=3), np.ones((2, 3), complex)
    for k, o in enumerate(f(xv, yv, zv)):
        assert not any(np.shares_memory(o, v) for v in (xv, yv, zv)), (k, outs[k])
    # and the scalar ops themselves never hand back their inputs
    a = rand(3)
    for sop in (ts.identity, ts.real, ts.imag):
        assert not np.shares_memory(sop.impl(a, out_dtypes=["float64"]), a)
    assert not np.shares_memory(ts.second.impl(a, a), a)


# ---- dtype rules of Sum/Prod built directly, ProdWithoutZeros, round half away from zero ----------

_SMALL = {"bool": "int64", "int8": "int64", "int16": "int64", "int32": "int64", "uint8": "uint64",
          "uint16": "uint64", "uint32": "uint64"}
_ACC_FLOAT = {"float16": "float32", "float32": "float64", "complex64": "complex128"}


@pytest.mark.parametrize("dtype", list(ts.all_dtypes))
@pytest.mark.parametrize("cls", ["Sum", "Prod", "ProdWithoutZeros"])
def test_reduce_ops_choose_dtypes_like_t_sum(cls, dtype):
    from theano.tensor import elemwise as te

    x = T.matrix(dtype=dtype)
    out = getattr(te, cls)(axis=0)(x)
    assert out.dtype == _SMALL.get(dtype, dtype)
    assert out.owner.op.acc_dtype == _SMALL.get(dtype, _ACC_FLOAT.get(dtype, dtype))
    assert getattr(te, cls)(axis=0, dtype="float64")(x).dtype == "float64"
    if dtype not in ("bool", "complex64", "complex128"):
        v = (np.arange(6).reshape(2, 3) % 4).astype(dtype)  # a zero in each column, none all zero
        fn = np.sum if cls == "Sum" else np.prod
        ref = fn(np.where(v == 0, 1, v), axis=0) if cls == "ProdWithoutZeros" else fn(v, axis=0)
        for mode in (theano.Mode(linker="py"), None):
            f = theano.function([x], out, mode=mode)
            for _ in range(2):
                got = f(v)
                assert got.dtype == out.dtype
                np.testing.assert_allclose(got, ref.astype(out.dtype), rtol=1e-3)


def test_reduce_ops_reject_a_lossy_acc_dtype():
    from theano.tensor.elemwise import ProdWithoutZeros, Sum

    with pytest.raises(TypeError):
        Sum(axis=0, acc_dtype="int8")(T.dmatrix())
    with pytest.raises(TypeError):
        ProdWithoutZeros(acc_dtype="float32")(T.dmatrix())


@pytest.mark.parametrize("mode", [theano.Mode(linker="py"), None])
def test_prod_without_zeros(mode):
    from theano.tensor.elemwise import ProdWithoutZeros

    x = T.dmatrix("x")
    outs = [ProdWithoutZeros(axis=1)(x), ProdWithoutZeros(axis=0)(x), ProdWithoutZeros()(x),
            ProdWithoutZeros(axis=[])(x)]
    f = theano.function([x], outs, mode=mode)

    def ref(v, axis):
        nz = np.where(v == 0, 1.0, v)
        return np.where(np.all(v == 0, axis=axis), 0.0, np.prod(nz, axis=axis))

    rng = np.random.RandomState(2)
    for v in (np.array([[1, 2, 3], [0, 5, 6], [0, 0, 9.0]]), np.zeros((3, 3)),
              rng.randint(-2, 3, size=(4, 3)).astype("float64")):
        for _ in range(2):
            got = f(v)
            np.testing.assert_allclose(got[0], ref(v, 1))
            np.testing.assert_allclose(got[1], ref(v, 0))
            np.testing.assert_allclose(got[2], ref(v, None))
            np.testing.assert_array_equal(got[3], v)
    check_infer_shape([x], [outs[0], outs[2]], [np.ones((3, 5))])
    with pytest.raises(theano.gradient.NullTypeGradError):
        theano.grad(outs[1].sum(), x)


@pytest.mark.parametrize("mode", [theano.Mode(linker="py"), None])
def test_round_half_away_from_zero(mode):
    x = T.dvector("x")
    f = theano.function([x], T.round_half_away_from_zero(x), mode=mode)
    v = np.array([0.49999999999999994, 0.5, 1.5, 2.5, -0.5, -2.5, -1.4999, 3.7, -0.0, np.inf])
    expected = np.array([0.0, 1, 2, 3, -1, -3, -1, 4, 0, np.inf])
    for _ in range(2):
        np.testing.assert_array_equal(f(v), expected)
    np.testing.assert_array_equal(ts.round_half_away_from_zero_vec(v), expected)
    assert ts.round_half_away_from_zero_vec(np.float32(2.5)).dtype == np.float32


def test_dimshuffle_names_the_repeated_dimension():
    with pytest.raises(ValueError, match="dimension 1 may not appear twice"):
        DimShuffle((False, False), (0, 1, 1))
