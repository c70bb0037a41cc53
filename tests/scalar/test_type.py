"""theano.scalar's Scalar types, scalar constants and the dtype of Python floats as constants."""

import numpy as np
import pytest

import theano
import theano.scalar as ts
import theano.tensor as T
from theano.scalar import autocast_float, autocast_float_as


def test_all_types_name_every_dtype_once():
    names = [str(t) for t in ts.all_types]
    assert names == list(ts.discrete_dtypes) + list(ts.continuous_dtypes)
    assert ts.float32 is ts.get_scalar_type("float32") and ts.float32 == ts.Scalar("float32")
    assert ts.float32 != ts.float64 and hash(ts.float32) == hash(ts.Scalar("float32"))
    assert str(ts.bool) == "bool" and ts.upcast_out(ts.int8, ts.float32) == (ts.float32,)


def test_scalar_filter():
    assert type(ts.int8.filter(3)) is np.int8
    assert type(ts.float64.filter(np.float32(1.5))) is np.float64  # a safe upcast
    with pytest.raises(TypeError):
        ts.int8.filter(np.int64(3))                  # would be a downcast of a NumPy value
    with pytest.raises(TypeError):
        ts.float64.filter(np.zeros(2))               # not one value
    with pytest.raises(TypeError):
        ts.float64.filter(np.float32(1.0), strict=True)
    assert ts.int8.filter(np.int64(3), allow_downcast=True) == 3


@pytest.mark.parametrize("value, dtype", [(56, "int8"), (300, "int16"), (2 ** 40, "int64"),
                                          (1.5, "float32"), (1.1, "float64"), (True, "bool"),
                                          (np.float64(1.5), "float64"), (1 + 2j, "complex128")])
def test_scalar_constant_dtypes(value, dtype):
    c = ts.constant(value)
    assert c.type == ts.get_scalar_type(dtype) and c.dtype == dtype
    assert c.data == value
    assert ts.constant(value).equals(c)


def test_autocast_float_as_nests_and_restores():
    orig = autocast_float.dtypes
    with autocast_float_as("float32"):
        assert autocast_float.dtypes == ("float32",)
        with autocast_float_as("float64"):
            assert autocast_float.dtypes == ("float64",)
        assert autocast_float.dtypes == ("float32",)
    assert autocast_float.dtypes == orig
    with pytest.raises(RuntimeError), autocast_float_as("float64"):
        raise RuntimeError("restored even when the block raises")
    assert autocast_float.dtypes == orig
    with pytest.raises(TypeError):
        with autocast_float_as("int32"):
            pass


def test_autocast_float_picks_constant_dtypes():
    # default: float32 where exact, else float64 (when floatX is float64)
    assert T.constant(1.5).dtype == "float32" and T.constant(1.1).dtype == "float64"
    with autocast_float_as("float32"):
        assert T.constant(1.1).dtype == "float32"
        assert (T.fvector() + 1.1).dtype == "float32"
        assert (T.dvector() + 1.1).dtype == "float64"
    with autocast_float_as("float64"):
        assert T.constant(1.0).dtype == "float64"
        assert (T.fvector() + 1.0).dtype == "float64"
    # values: the constant holds the float's value in the chosen dtype
    x = T.fvector()
    with autocast_float_as("float32"):
        y = x + 1.1
    for mode in (theano.Mode(linker="py"), None):
        f = theano.function([x], y, mode=mode)
        for _ in range(2):
            out = f(np.ones(3, dtype="float32"))
            assert out.dtype == np.float32
            np.testing.assert_array_equal(out, np.ones(3, "float32") + np.float32(1.1))


def test_scalar_variable_operators_and_astype():
    # Theano 1.0's scalar variables have the arithmetic, comparison and bitwise operators and
    # astype; like every scalar op here, they give 0-d tensors
    x, y = ts.float64("x"), ts.float64("y")
    i = ts.int32("i")
    outs = [x + 1, 2 - x, x * y, x / 4, 7 // y, x % 3, x ** 2, 2 ** x, -x, abs(x), x < y, x >= 1,
            i & 6, 5 | i, i ^ 3, ~i, x.astype("int32"), i.astype("float32"), ts.constant(0).astype("int32")]
    assert outs[-3].dtype == "int32" and outs[-2].dtype == "float32" and outs[-1].dtype == "int32"
    xv, yv, iv = 2.5, -1.5, 5
    expected = [xv + 1, 2 - xv, xv * yv, xv / 4, 7 // yv, xv % 3, xv ** 2, 2 ** xv, -xv, abs(xv), xv < yv,
                xv >= 1, iv & 6, 5 | iv, iv ^ 3, ~iv, np.int32(xv), np.float32(iv), 0]
    for mode in (theano.Mode(linker="py"), None):
        f = theano.function([x, y, i], outs, mode=mode)
        for _ in range(2):
            got = f(xv, yv, iv)
            for k, (g, e) in enumerate(zip(got, expected)):
                assert np.allclose(g, e), (k, g, e)
                assert g.dtype == outs[k].dtype
    # == stays identity, so scalar variables still work as dict keys
    assert (x == x) is True and (x == y) is False and len({x: 1, y: 2}) == 2


@pytest.mark.parametrize("floatx", ["float64", "float32"])
def test_numpy_float64_scalars_keep_their_dtype(floatx):
    # Theano 1.0's cast_policy 'custom': a NumPy float64 is typed on purpose and keeps float64
    # where float64 is an autocast dtype (the default), though np.float64 subclasses Python's
    # float; Python floats follow the autocast rules (floatX when floatX is float32)
    with theano.config.change_flags(floatX=floatx):
        x = T.fvector("x")
        cases = [(x + np.float64(1.0), "float64", lambda v: v.astype("float64") + 1.0),
                 (x * np.float64(0.5), "float64", lambda v: v.astype("float64") * 0.5),
                 (np.float64(2.0) - x, "float64", lambda v: 2.0 - v.astype("float64")),
                 (x + 1.0, "float32", lambda v: v + np.float32(1.0)),
                 (x + np.float32(1.1), "float32", lambda v: v + np.float32(1.1)),
                 # v cast first: NumPy 1.x would keep float32 + a float64 0-d array in float32
                 (x + 1.1, floatx, lambda v: (v.astype(floatx) + np.asarray(1.1, floatx)))]
        assert T.constant(np.float64(1.5)).dtype == "float64"
        assert ts.constant(np.float64(1.5)).dtype == "float64"
        assert T.constant(1.5).dtype == "float32"
        xv = np.array([0.25, -1.5, 3.0], dtype="float32")
        for mode in (theano.Mode(linker="py", optimizer=None), theano.Mode(linker="auto")):
            for expr, dtype, ref in cases:
                assert expr.dtype == dtype, (expr, dtype)
                f = theano.function([x], expr, mode=mode)
                for _ in range(3):
                    out = f(xv)
                    assert out.dtype == dtype
                    np.testing.assert_array_equal(out, ref(xv).astype(dtype))
        # a block that leaves float64 out: the float64 scalar is cast like a Python float
        with autocast_float_as("float32"):
            assert (x + np.float64(1.1)).dtype == "float32"
            assert ts.constant(np.float64(1.5)).dtype == "float32"
