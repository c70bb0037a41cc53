"""theano.tensor.basic: constants and autocasting, constructors, cast, broadcasting patterns, fill,
zeros_like/ones_like, MakeVector and stack, transpose, get_scalar_constant_value."""

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


@pytest.mark.parametrize("value,dtype", [
    (1, "int8"), (-128, "int8"), (200, "int16"), (40000, "int32"), (2 ** 33, "int64"), (2 ** 63, "uint64"),
    (0.5, "float32"), (0.1, "float64"), (1e39, "float64"), (float("nan"), "float32"), (True, "bool"),
    (1 + 2j, "complex128"), ([1, 2], "int64"), ([1.5, 2], "float64"), ([], theano.config.floatX),
    (np.float32(0.1), "float32"), (np.int16(3), "int16"), (np.arange(3, dtype="uint8"), "uint8"),
])
def test_constant_autocast(value, dtype):
    c = T.constant(value)
    assert c.dtype == dtype
    if isinstance(value, bool):
        # as Theano 1.0: a Python bool is refused by as_tensor_variable (see test_theano1_names)
        with pytest.raises(TypeError):
            T.as_tensor_variable(value)
    else:
        assert T.as_tensor_variable(value).dtype == dtype


def test_constant_options():
    c = T.constant([[1.0, 2.0]], name="c")
    assert c.name == "c" and c.broadcastable == (True, False)
    assert T.constant(3, dtype="float32").dtype == "float32"
    assert T.constant([[5]], ndim=1).ndim == 1
    assert T.constant(5, ndim=2).broadcastable == (True, True)
    with pytest.raises(ValueError, match="dimensions"):
        T.constant(np.zeros((2, 2)), ndim=1)
    with pytest.raises(TypeError):
        T.constant("abc")
    with pytest.raises(OverflowError):
        T.constant(2 ** 70)


def test_as_tensor_variable():
    x = T.dmatrix()
    assert T.as_tensor_variable(x) is x
    assert T.as_tensor_variable(x.owner if x.owner else x) is x
    y = x + 1
    assert T.as_tensor_variable(y.owner) is y
    r = T.row()
    assert T.as_tensor_variable(r, ndim=1).ndim == 1
    assert T.as_tensor_variable(T.dvector(), ndim=3).broadcastable == (True, True, False)
    with pytest.raises(ValueError, match="dimensions"):
        T.as_tensor_variable(x, ndim=1)
    assert T.as_tensor_variable(x, dtype="float32").dtype == "float32"
    a, b = T.dscalar(), T.dscalar()
    v = T.as_tensor_variable([a, b, 1.0])
    assert v.ndim == 1
    np.testing.assert_allclose(run(v, [a, b], [2.0, 3.0]), [2.0, 3.0, 1.0])
    for bad in (None, "str", {1: 2}, {1}):
        with pytest.raises(TypeError):
            T.as_tensor_variable(bad)
    assert T.as_tensor is T.as_tensor_variable


@pytest.mark.parametrize("name,dtype,bcast", [
    ("scalar", theano.config.floatX, ()), ("dvector", "float64", (False,)), ("fmatrix", "float32", (False, False)),
    ("irow", "int32", (True, False)), ("lcol", "int64", (False, True)), ("btensor3", "int8", (False,) * 3),
    ("wtensor4", "int16", (False,) * 4), ("ctensor5", "complex64", (False,) * 5),
    ("ztensor7", "complex128", (False,) * 7), ("matrix", theano.config.floatX, (False, False)),
])
def test_constructors(name, dtype, bcast):
    v = getattr(T, name)("v")
    assert v.dtype == dtype and v.broadcastable == bcast and v.name == "v"


def test_plural_constructors_and_tensor():
    a, b = T.dscalars("a", "b")
    assert a.name == "a" and b.dtype == "float64"
    ms = T.fmatrices(3)
    assert len(ms) == 3 and ms[0].dtype == "float32"
    single = T.ivectors("o")  # one one-letter name: one variable (Theano's rule)
    assert single.name == "o" and single.dtype == "int32"
    t = T.tensor("int32", (False, True), name="t")
    assert t.dtype == "int32" and t.broadcastable == (False, True) and t.name == "t"
    assert T.tensor(dtype="float32", broadcastable=()).ndim == 0
    assert T.matrix(dtype="int8").dtype == "int8"


@pytest.mark.parametrize("src", ["float64", "float32", "int32", "int8", "bool", "uint16"])
@pytest.mark.parametrize("dst", ["float64", "float32", "int64", "int16", "bool", "uint8"])
def test_cast_matrix(src, dst):
    x = T.TensorType(src, (False,))()
    xv = np.array([0, 1, 3, 7]).astype(src)
    y = T.cast(x, dst)
    assert y.dtype == dst
    res = compare_backends([x], y, [xv], expected=xv.astype(dst))
    assert res.dtype == np.dtype(dst)


def test_rebroadcast_patternbroadcast():
    x = T.dmatrix()
    y = T.addbroadcast(x, 0)
    assert y.broadcastable == (True, False)
    f = theano.function([x], y, mode=PY)
    np.testing.assert_allclose(f(rand(1, 3)), rand(1, 3))
    with pytest.raises(ValueError, match="broadcastable"):
        f(rand(2, 3))
    assert T.unbroadcast(y, 0).broadcastable == (False, False)
    assert T.patternbroadcast(x, (False, False)) is x
    assert T.patternbroadcast(x, (False, True)).broadcastable == (False, True)
    with pytest.raises(ValueError, match="out of range"):
        T.Rebroadcast((3, True))(x)
    check_infer_shape([x], y, [rand(1, 3)])
    verify_grad(lambda v: T.addbroadcast(v, 1) * 2, [rand(3, 1)], mode=PY, rng=np.random.RandomState(0))
    r = T.row()
    g = T.grad(T.sum(T.unbroadcast(r, 0) ** 2), r)
    assert g.broadcastable == r.broadcastable


CASES = [
    OpCase("zeros_like", lambda x: T.zeros_like(x) + x, lambda x: x, [rand(2, 3)], dtypes=FLOATS),
    OpCase("ones_like", lambda x: T.ones_like(x) * x, lambda x: x, [rand(2, 3)], dtypes=FLOATS),
    OpCase("fill_scalar", lambda x, v: T.fill(x, v), lambda x, v: np.full(x.shape, v), [rand(2, 3), np.asarray(3.0)],
           dtypes=FLOATS),
    OpCase("second", lambda x, v: T.second(x, v), lambda x, v: np.full(x.shape, v), [rand(0, 3), np.asarray(3.0)],
           dtypes=FLOATS, grad=False),
    OpCase("transpose", lambda x: T.transpose(x), np.transpose, [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("transpose_axes", lambda x: T.transpose(x, (1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0)),
           [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("dotT", lambda x: x.T, lambda x: x.T, [rand(2, 3)], dtypes=FLOATS),
    OpCase("method_transpose", lambda x: x.transpose(1, 0), lambda x: x.T, [rand(2, 3)], dtypes=FLOATS),
    OpCase("stack_scalars", lambda a, b: T.stack([a, b, a]), lambda a, b: np.array([a, b, a]),
           [np.asarray(1.5), np.asarray(-2.0)], dtypes=FLOATS),
    OpCase("copy", lambda x: x.copy(), lambda x: x, [rand(3)], dtypes=FLOATS),
    OpCase("dimshuffle", lambda x: x.dimshuffle(1, "x", 0), lambda x: x.T[:, None, :], [rand(2, 3)],
           dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case):
    check_case(case)


def test_zeros_ones_like_dtypes():
    x = T.fmatrix()
    assert T.zeros_like(x).dtype == "float32"
    assert T.ones_like(x, dtype="int8").dtype == "int8"
    assert x.zeros_like().dtype == "float32"
    np.testing.assert_array_equal(run(T.ones_like(x, dtype="int8"), [x], [rand(2, 2, dtype="float32")]),
                                  np.ones((2, 2), "int8"))
    assert T.zeros_like(x).broadcastable == x.broadcastable


def test_make_vector_and_stack_mixed():
    a, b = T.iscalar(), T.dscalar()
    v = T.stack([a, b])
    assert v.dtype == "float64"
    np.testing.assert_allclose(run(v, [a, b], [3, 1.5]), [3.0, 1.5])
    mv = T.MakeVector("int64")(a, a)
    assert mv.dtype == "int64"
    check_infer_shape([a], mv, [4])
    with pytest.raises(TypeError, match="scalars"):
        T.MakeVector()(T.dvector())
    g = T.grad(T.sum(T.stack([b, b * 2]) ** 2), b)
    np.testing.assert_allclose(run(g, [b], [1.5]), 2 * 1.5 + 8 * 1.5)
    with pytest.raises(TypeError, match="same number of dimensions"):
        T.stack([T.dvector(), T.dmatrix()])
    with pytest.raises(ValueError, match="out of range"):
        T.stack([T.dvector(), T.dvector()], axis=3)
    s = T.stack([T.dscalar(), T.dscalar()], axis=-1)
    assert s.ndim == 1


def test_get_scalar_constant_value():
    assert T.get_scalar_constant_value(T.constant(3)) == 3
    assert T.get_scalar_constant_value(np.float64(2.5)) == 2.5
    assert T.get_scalar_constant_value(T.cast(T.constant(2), "float32")) == 2.0
    assert T.get_scalar_constant_value(T.constant(4).dimshuffle("x", "x")) == 4
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(T.dscalar())
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(T.constant([1, 2]))


def test_tensor_constant_str_and_signature():
    c = T.constant(1.5)
    assert "1.5" in str(c)
    c2 = T.constant(np.arange(100))
    assert len(str(c2)) < 60
    assert T.constant(2.0).signature() == T.constant(2.0).signature()


def test_get_scalar_constant_value_folds_integer_arithmetic():
    from theano.tensor.reshaping import Shape_i

    n = T.constant(3)
    assert T.get_scalar_constant_value(n * 2 + 1) == 7
    assert T.get_scalar_constant_value(T.maximum(n - 5, 0)) == 0
    assert T.get_scalar_constant_value(n // 2) == 1
    assert T.get_scalar_constant_value(Shape_i(0)(T.row())) == 1
    assert T.get_scalar_constant_value(Shape_i(1)(T.constant(np.zeros((2, 5))))) == 5
    assert T.zeros((n - 2, 4)).broadcastable == (True, False)
    assert T.get_vector_length(T.arange(n * 2)) == 6
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(n + T.lscalar())
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(Shape_i(0)(T.dmatrix()))
    deep = n
    for _ in range(30):
        deep = deep + 1
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(deep)
    assert T.get_scalar_constant_value(deep, max_recur=40) == 33


def test_theano_1_import_paths():
    from theano.tensor.basic import ARange, Alloc, Argmax, Join, arange, join  # noqa: F401
    import theano.tensor.basic as tb

    assert tb.Join is T.Join and tb.cumsum is T.cumsum and tb.Dot is T.Dot
    with pytest.raises(AttributeError):
        tb.no_such_name
    with pytest.raises(AttributeError):
        tb._private_thing


def test_get_scalar_constant_value_of_indexed_vectors():
    r = T.row()
    assert T.get_scalar_constant_value(r.shape[0]) == 1
    assert T.zeros((r.shape[0], 3)).broadcastable == (True, False)
    assert T.get_scalar_constant_value(T.constant([4, 5, 6])[1]) == 5
    assert T.get_scalar_constant_value(T.constant([4, 5, 6])[-1]) == 6
    assert T.get_scalar_constant_value(T.stack([T.constant(2), T.lscalar()])[0]) == 2
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(T.stack([T.constant(2), T.lscalar()])[1])
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(r.shape[1])


def test_get_scalar_constant_value_options():
    n = T.constant(3)
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(n + 1, elemwise=False)
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(T.cast(n, "float32"), only_process_constants=True)
    assert T.get_scalar_constant_value(n, only_process_constants=True) == 3
    assert T.get_scalar_constant_value(T.cast(n + 1, "float32"), elemwise=True) == 4.0


def test_extract_constant():
    # Theano 1.0: the value (a 0-d ndarray) of a known constant, the variable itself otherwise
    c = T.extract_constant(T.constant(3) + 1)
    assert isinstance(c, np.ndarray) and c.shape == () and c == 4
    v = T.lscalar()
    assert T.extract_constant(v) is v
    assert T.extract_constant(T.cast(T.constant(2), "float32")).dtype == "float32"
    assert T.extract_constant(5) == 5
    assert T.extract_constant(T.constant(np.bool_(False))) == 0
    # a copy: changing it leaves the constant unchanged
    k = T.constant(3)
    d = T.extract_constant(k)
    d += 1
    assert T.extract_constant(k) == 3 and k.data == 3


def test_stack_axis_must_be_static_int():
    x = T.dvector()
    assert T.stack([x, x], axis=T.constant(1)).ndim == 2
    for bad in (T.lscalar(), 1.5, "0"):
        with pytest.raises(TypeError, match="axis"):
            T.stack([x, x], axis=bad)


# ---- 0-d tensors <-> theano.scalar variables ------------------------------------------------------


@pytest.mark.parametrize("mode", [theano.Mode(linker="py"), None])
def test_scalar_from_tensor_and_back(mode):
    import theano.scalar as scal

    x = T.dscalar("x")
    s = T.scalar_from_tensor(x * 2)
    assert isinstance(s.type, scal.Scalar) and s.type.dtype == "float64"
    assert s.owner.op is T.scalar_from_tensor
    y = T.tensor_from_scalar(s) ** 2
    assert y.type == T.dscalar().type
    g = theano.grad(y, x)
    f = theano.function([x], [s, y, g], mode=mode)
    for v in (3.0, -1.5):  # y = 4 x^2, dy/dx = 8 x
        sv, yv, gv = f(v)
        assert type(sv) is np.float64 and sv == 2 * v
        assert isinstance(yv, np.ndarray) and yv.shape == () and yv == 4 * v * v
        np.testing.assert_allclose(gv, 8 * v)
    ls = T.lscalar()
    fi = theano.function([ls], T.scalar_from_tensor(ls), mode=mode)
    for v in (5, 7):
        out = fi(np.asarray(v))
        assert type(out) is np.int64 and out == v
    verify_grad(lambda t: T.tensor_from_scalar(T.scalar_from_tensor(t)) * 3, [np.asarray(1.25)],
                rng=np.random.RandomState(0))


def test_tensor_from_scalar_constants_and_as_tensor_variable():
    import theano.scalar as scal

    s = scal.constant(56)
    t = T.as_tensor_variable(s)
    assert t.owner.op is T.tensor_from_scalar and t.type == T.bscalar().type
    assert run(t) == 56 and run(t).dtype == np.int8
    assert run(theano.grad(t, s)) == 0          # an integer input: zero gradient
    sf = scal.constant(56.0)
    tf = T.as_tensor_variable(sf)
    assert tf.dtype == "float32" and run(theano.grad(tf, sf)) == 1
    assert run(t.shape).tolist() == []           # infer_shape: a 0-d tensor
    with pytest.raises(TypeError):
        T.tensor_from_scalar(T.dscalar())
    with pytest.raises(TypeError):
        T.scalar_from_tensor(T.dvector())
    assert T.scal is scal


def test_get_scalar_constant_value_of_comparisons_indexing_and_conversions():
    from theano.tensor.basic import get_scalar_constant_value as gscv

    c = T.constant(0.3)
    assert gscv(c < 0.5) == 1 and gscv(c > 0.5) == 0 and gscv(T.eq(c, 0.3)) == 1
    data = np.arange(12.0).reshape(3, 4) / 7
    m = T.constant(data)
    for i, j in [(0, 0), (2, 3), (-1, 1), (1, -2)]:
        v = gscv(m[i, j])
        assert v == data[i, j]
    k = T.iscalar()
    with pytest.raises(T.NotScalarConstantError):
        gscv(m[k, 0])
    with pytest.raises(T.NotScalarConstantError):
        gscv(m[0])            # a row: not a scalar
    with pytest.raises(T.EmptyConstantError):
        gscv(np.array([]))
    with pytest.raises(T.EmptyConstantError):
        gscv(T.constant(np.zeros((0, 2))))
    assert issubclass(T.EmptyConstantError, T.NotScalarConstantError)
    shared = theano.shared(np.ones((1, 1)), broadcastable=(True, True))
    assert gscv(T.scalar_from_tensor(shared.shape[0])) == 1
    # the value is a copy: changing it leaves the constant as it was
    v = gscv(m[1, 1])
    v += 5
    assert gscv(m[1, 1]) == data[1, 1]


def test_transpose_names_and_broadcast_axes_errors():
    x1 = T.dvector("x1")
    assert T.transpose(x1).name == "x1.T"
    assert T.dmatrix("m").T.name == "m.T"
    assert T.transpose(T.dtensor3("t"), [0, 2, 1]).name is None
    assert T.transpose(T.dmatrix()).name is None
    for fn in (T.addbroadcast, T.unbroadcast):
        with pytest.raises(ValueError):
            fn(T.dmatrix(), 2)
        with pytest.raises(ValueError):
            fn(T.dmatrix(), -3)
    assert T.addbroadcast(T.dmatrix(), -1).broadcastable == (False, True)
    x = T.dmatrix()
    f = theano.function([x], T.addbroadcast(x, 0) * 2)
    for _ in range(2):
        np.testing.assert_array_equal(f(np.ones((1, 3))), 2 * np.ones((1, 3)))


@pytest.mark.parametrize("floatX", ["float32", "float64"])
def test_constants_under_cast_policy_numpy_floatx(floatX):
    from theano import config

    old = config.cast_policy, config.floatX
    try:
        config.cast_policy, config.floatX = "numpy+floatX", floatX
        for z in [0, 1, 2 ** 40, -(2 ** 63), np.int8(3), np.asarray(7), np.float64(1.5), np.float32(2.5),
                  True]:
            assert T.constant(z).dtype == np.asarray(z).dtype, z
        for z in (1.5, 1.1, 0.0):           # Python floats take floatX
            c = T.constant(z)
            assert c.dtype == floatX and c.data == np.asarray(z, dtype=floatX)
        x = T.vector(dtype=floatX)
        f = theano.function([x], x * 1.1)
        for _ in range(2):
            out = f(np.ones(2, dtype=floatX))
            assert out.dtype == floatX
            np.testing.assert_allclose(out, np.asarray(1.1, dtype=floatX), rtol=1e-6)
    finally:
        config.cast_policy, config.floatX = old
    assert T.constant(1).dtype == "int8"       # 'custom' again: the smallest exact dtype
