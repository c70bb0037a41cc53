"""TensorType, constructors, value filtering and the TensorVariable interface."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.type import TensorType


@pytest.mark.parametrize("prefix,dtype", [("b", "int8"), ("w", "int16"), ("i", "int32"),
                                          ("l", "int64"), ("f", "float32"), ("d", "float64"),
                                          ("c", "complex64"), ("z", "complex128")])
def test_prefixed_constructors(prefix, dtype):
    for kind, bcast in [("scalar", ()), ("vector", (False,)), ("row", (True, False)),
                        ("col", (False, True)), ("matrix", (False, False)), ("tensor3", (False,) * 3),
                        ("tensor4", (False,) * 4)]:
        v = getattr(T, prefix + kind)("v")
        assert v.dtype == dtype and v.broadcastable == bcast and v.name == "v"


def test_plain_constructors_use_floatx_and_dtype_argument():
    assert T.matrix().dtype == theano.config.floatX
    assert T.scalar(name="input", dtype="float32").dtype == "float32"
    assert T.vector(dtype="int32").dtype == "int32"
    assert T.tensor5().ndim == 5 and T.tensor7().ndim == 7


def test_plurals():
    x, y = T.dscalars("x", "y")
    assert x.name == "x" and y.name == "y" and x.dtype == "float64"
    a, b = T.fscalars("a", "b")
    assert a.dtype == "float32"
    m1, m2 = T.matrices("m1", "m2")
    assert m1.ndim == 2 and m2.name == "m2"
    single = T.dvectors("v")
    assert single.name == "v"
    three = T.scalars(3)
    assert len(three) == 3


def test_tensor_type_direct_and_tensor_function():
    t = TensorType("float64", (False, True, False))
    v = t("v")
    assert v.ndim == 3 and v.broadcastable == (False, True, False)
    assert str(TensorType("float32", (False,) * 5)) == "TensorType(float32, 5D)"
    u = T.tensor("int32", (False, False), name="u")
    assert u.dtype == "int32" and u.ndim == 2
    with pytest.raises(TypeError):
        TensorType("float128x", ())


def test_filter_rules():
    t = TensorType("float32", (False,))
    assert t.filter([1.0, 2.0]).dtype == np.float32
    with pytest.raises(TypeError, match="allow_input_downcast"):
        t.filter(np.array([1.0]))
    assert t.filter(np.array([1.0]), allow_downcast=True).dtype == np.float32
    assert t.filter(np.array([1, 2], dtype="int8")).dtype == np.float32  # safe cast
    with pytest.raises(TypeError, match="Wrong number of dimensions"):
        t.filter(np.zeros((2, 2), dtype="float32"))
    r = TensorType("float64", (True, False))
    r.filter(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="broadcastable"):
        r.filter(np.zeros((2, 3)))
    with pytest.raises(TypeError):
        TensorType("float64", ()).filter("hello")


def test_operators_and_methods():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    exprs = {
        "add": (x + y, lambda a, b: a + b), "radd": (1 + x, lambda a, b: 1 + a),
        "sub": (x - y, lambda a, b: a - b), "rsub": (2 - x, lambda a, b: 2 - a),
        "mul": (x * y, lambda a, b: a * b), "div": (x / y, lambda a, b: a / b),
        "rdiv": (1 / x, lambda a, b: 1 / a), "pow": (x ** 2, lambda a, b: a ** 2),
        "rpow": (2 ** x, lambda a, b: 2 ** a), "neg": (-x, lambda a, b: -a),
        "abs": (abs(x), lambda a, b: np.abs(a)), "T": (x.T, lambda a, b: a.T),
        "floordiv": (x // y, lambda a, b: a // b), "mod": (x % y, lambda a, b: a % b),
        "sum": (x.sum(axis=1), lambda a, b: a.sum(axis=1)),
        "mean_keep": (x.mean(axis=0, keepdims=True), lambda a, b: a.mean(axis=0, keepdims=True)),
        "max": (x.max(), lambda a, b: a.max()), "min": (x.min(axis=1), lambda a, b: a.min(axis=1)),
        "prod": (x.prod(), lambda a, b: a.prod()), "dot": (x.dot(y.T), lambda a, b: a @ b.T),
        "matmul": (x @ y.T, lambda a, b: a @ b.T),
        "reshape": (x.reshape((3, 2)), lambda a, b: a.reshape(3, 2)),
        "flatten": (x.flatten(), lambda a, b: a.flatten()),
        "dimshuffle": (x.dimshuffle(1, "x", 0), lambda a, b: a.T[:, None, :]),
        "astype": (x.astype("int32"), lambda a, b: a.astype("int32")),
        "lt": (x < y, lambda a, b: a < b), "ge": (x >= y, lambda a, b: a >= b),
        "shape": (x.shape, lambda a, b: np.array(a.shape)),
        "norm2": (x.norm(2), lambda a, b: np.sqrt((a ** 2).sum())),
    }
    a = np.arange(1.0, 7.0).reshape(2, 3)
    b = np.arange(2.0, 8.0).reshape(2, 3) * 0.5
    for name, (e, ref) in exprs.items():
        f = theano.function([x, y], e, on_unused_input="ignore")
        np.testing.assert_allclose(f(a, b), ref(a, b), err_msg=name)
    assert x.ndim == 2 and x.dtype == "float64" and x.broadcastable == (False, False)


def test_symbolic_tensor_is_immutable_and_not_iterable():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="set_subtensor"):
        x[0] = 1
    with pytest.raises(TypeError):
        list(x)
    with pytest.raises(TypeError):
        len(x)


def test_constant_broadcastable_and_str():
    c = T.constant(np.zeros((1, 3)))
    assert c.broadcastable == (True, False)
    assert str(T.constant(2)) == "TensorConstant{2}"
    assert T.as_tensor_variable(1.5).dtype == "float32"
    with pytest.raises(TypeError):
        T.as_tensor_variable("abc")
    with pytest.raises(TypeError):
        T.as_tensor_variable(None)


def test_integer_arrays_of_a_wider_dtype_need_allow_input_downcast():
    # Theano 1.0: an ndarray is never downcast silently, even when its values fit; Python lists
    # are converted with a check of their values
    a, b = T.wvector("a"), T.bvector("b")
    for mode in ("py", "auto"):
        default = theano.function([a, b], a + b, mode=theano.Mode(linker=mode))
        allowed = theano.function([a, b], a + b, mode=theano.Mode(linker=mode),
                                  allow_input_downcast=True)
        for _ in range(2):
            np.testing.assert_array_equal(default([3], [6]), [9])
            with pytest.raises(TypeError, match="int8.*allow_input_downcast|allow_input_downcast"):
                default([3], np.array([6], dtype="int16"))
            with pytest.raises(TypeError, match='"b"'):
                default([3], [312])
            np.testing.assert_array_equal(allowed([3], np.array([6], dtype="int16")), [9])
            assert allowed([3], np.array([6], dtype="int16")).dtype == np.int16


def test_filter_checks_isfinite(monkeypatch):
    # Theano 1.0's class flag: off by default; on, filter (and so function arguments) refuse
    # float/complex data holding NaN or inf with a ValueError
    from theano.tensor.type import TensorType as TT

    assert TT.filter_checks_isfinite is False
    t = TT("float64", (False,))
    nan = np.array([1.0, np.nan])
    assert np.isnan(t.filter(nan)).any()
    monkeypatch.setattr(TT, "filter_checks_isfinite", True)
    for bad in (nan, np.array([np.inf, 1.0]), [1.0, -np.inf]):
        with pytest.raises(ValueError, match="non-finite"):
            t.filter(bad)
    with pytest.raises(ValueError, match="non-finite"):
        TT("complex128", (False,)).filter(np.array([1 + 1j, complex(np.nan, 0)]))
    np.testing.assert_array_equal(t.filter([1.0, 2.0]), [1.0, 2.0])
    np.testing.assert_array_equal(TT("int64", (False,)).filter(np.array([1, 2])), [1, 2])
    x = theano.tensor.dvector("x")
    s = theano.tensor.dscalar("s")
    for mode in ("py", "auto"):
        m = theano.Mode(linker=mode, optimizer="fast_run")
        f = theano.function([x, s], x * 2 + s, mode=m)
        for _ in range(3):
            np.testing.assert_allclose(f(np.array([1.0, 3.0]), 1.0), [3.0, 7.0])
            with pytest.raises(ValueError, match='index 0'):
                f(nan, 1.0)
            with pytest.raises(ValueError, match='index 1'):
                f(np.array([1.0, 3.0]), np.float64(np.inf))
    # a shared variable's new value is filtered too
    sh = theano.shared(np.zeros(2))
    with pytest.raises(ValueError, match="non-finite"):
        sh.set_value(nan)
    monkeypatch.setattr(TT, "filter_checks_isfinite", False)
    f = theano.function([x, s], x * 2 + s)
    assert np.isnan(f(nan, 1.0)).any()
