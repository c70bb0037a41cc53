"""Python ints (and floats) given for scalar inputs: what the dtype holds exactly is accepted with
that dtype, on every call, whatever ``allow_input_downcast`` says; what it cannot hold is refused
with an error naming the input unless downcasting was allowed (Theano 1.0's filter rules)."""

import numpy as np
import pytest

import theano
import theano.tensor as T

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"]


def _values(dtype):
    if np.dtype(dtype).kind == "f":
        m = 2 ** (np.finfo(dtype).nmant + 1)
        return [0, 3, -7, m, -m]
    info = np.iinfo(dtype)
    return sorted({0, 3, int(info.max), int(info.min), int(info.max) - 1})


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
@pytest.mark.parametrize("dtype", INT_DTYPES + ["float32", "float64"])
def test_python_int_that_fits_is_taken_exactly(dtype, mode):
    x = T.scalar("x", dtype=dtype)
    f = theano.function([x], x + 0 if np.dtype(dtype).kind == "f" else x, mode=mode)
    for v in _values(dtype):
        for _ in range(3):
            out = f(v)
            ref = np.asarray(v, dtype=dtype)
            assert out.dtype == ref.dtype and out.shape == ()
            assert out == ref and int(out) == v


@pytest.mark.parametrize("dtype", INT_DTYPES + ["float32"])
def test_python_int_that_does_not_fit_is_refused(dtype):
    x = T.scalar("xin", dtype=dtype)
    f = theano.function([x], x * 1)
    if np.dtype(dtype).kind == "f":
        bad = [2 ** (np.finfo(dtype).nmant + 1) + 1]
    else:
        info = np.iinfo(dtype)
        bad = [int(info.max) + 1, int(info.min) - 1]
    for v in bad:
        for _ in range(2):
            with pytest.raises(TypeError, match="xin"):
                f(v)
    g = theano.function([x], x * 1, allow_input_downcast=True)
    assert g(bad[0]).dtype == f(0).dtype


def test_python_bool_is_not_taken_as_an_int_silently():
    x = T.iscalar("x")
    f = theano.function([x], x * 2)
    assert f(True) == 2 and f(True).dtype == np.int32
