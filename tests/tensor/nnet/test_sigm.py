"""ultra_fast_sigmoid / hard_sigmoid follow Theano's float upcast for integer inputs (int8/int16 ->
float32, wider integers -> float64, independently of floatX) and give the values of the float
computation."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = {"py": lambda: theano.Mode("py", "fast_run"), "numba": lambda: theano.Mode("numba", "fast_run")}


@pytest.mark.parametrize("fn", ("ultra_fast_sigmoid", "hard_sigmoid"))
@pytest.mark.parametrize("dtype,expected", (("int8", "float32"), ("int16", "float32"),
                                            ("uint8", "float32"), ("int32", "float64"),
                                            ("int64", "float64"), ("float32", "float32"),
                                            ("float64", "float64")))
def test_output_dtype(fn, dtype, expected):
    x = T.vector("x", dtype=dtype)
    assert getattr(T.nnet, fn)(x).dtype == expected
    with theano.config.change_flags(floatX="float64"):
        assert getattr(T.nnet, fn)(x).dtype == expected


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("fn", ("ultra_fast_sigmoid", "hard_sigmoid"))
def test_int8_values_equal_float32_values(fn, mode):
    xi = T.bvector("xi")
    xf = T.fvector("xf")
    f = theano.function([xi, xf], [getattr(T.nnet, fn)(xi), getattr(T.nnet, fn)(xf)],
                        mode=MODES[mode]())
    v = np.array([-128, -7, -1, 0, 1, 2, 5, 127], dtype="int8")
    for _ in range(2):
        got_i, got_f = f(v, v.astype("float32"))
        assert got_i.dtype == np.float32
        np.testing.assert_array_equal(got_i, got_f)
    if fn == "hard_sigmoid":
        np.testing.assert_allclose(got_i, np.clip(0.2 * v + 0.5, 0, 1), rtol=1e-6)
    else:
        sig = 1 / (1 + np.exp(-v.astype("float64")))
        np.testing.assert_allclose(got_i, sig, atol=0.03)  # the documented approximation error
