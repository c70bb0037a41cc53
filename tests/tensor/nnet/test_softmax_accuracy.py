"""Softmax / LogSoftmax values at the last bits: the softmax is the plain ``exp(x) / sum(exp(x))``
where that is finite and accurate (shifted by the row maximum only where it would overflow or
underflow), and the log-softmax of an entry that dominates its row is ``-log1p(sum of the others)``."""

import math

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T

MODES = ("py", "numba")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_softmax_is_the_plain_formula_where_that_is_safe(mode, dtype):
    x = T.matrix("x", dtype=dtype)
    f = theano.function([x], T.nnet.softmax(x), mode=theano.Mode(mode, "fast_run"))
    v = (np.random.RandomState(0).randn(6, 5) * 8).astype(dtype)
    if mode == "numba" and dtype == "float64":
        # the native kernel's exp is libm's (math.exp); NumPy 1.26's float64 exp is a SIMD one
        # on AVX-512 machines that can be an ulp away (NumPy 2's agrees with libm)
        e = np.vectorize(math.exp, otypes=[dtype])(v)
    else:
        e = np.exp(v)
    want = e / e.sum(axis=1, keepdims=True)
    got = f(v)
    if mode == "numba" and dtype == "float32":
        # the native kernel's float32 exp is libm's expf, NumPy's a SIMD one: an ulp apart at most
        np.testing.assert_array_max_ulp(got, want, maxulp=2)
    else:
        np.testing.assert_array_equal(got, want)
    assert f(v).tobytes() == got.tobytes()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_softmax_shifts_where_the_plain_formula_fails(mode, dtype):
    x = T.matrix("x", dtype=dtype)
    f = theano.function([x], T.nnet.softmax(x), mode=theano.Mode(mode, "fast_run"))
    big = 1000.0 if dtype == "float64" else 100.0
    v = np.array([[big, big - 1, 0.0], [-big, -big - 1, -big], [-np.inf, 0.0, 1.0]], dtype=dtype)
    got = f(v)
    assert np.all(np.isfinite(got))
    # (float32 denormals such as exp(-100) keep only a few bits)
    np.testing.assert_allclose(got, sp.softmax(v.astype("float64"), axis=1), rtol=1e-5,
                               atol=np.finfo(dtype).tiny)


@pytest.mark.parametrize("mode", MODES)
def test_logsoftmax_of_a_dominant_entry_is_accurate(mode):
    x = T.dmatrix("x")
    f = theano.function([x], T.nnet.logsoftmax(x), mode=theano.Mode(mode, "fast_run"))
    v = np.array([[0.0, -20.0, -25.0], [3.0, 3.0, -1.0]])
    got = f(v)
    # (log(1 + 2e-9) as scipy computes it keeps only 8 digits of the first entry)
    np.testing.assert_allclose(got[0, 0], -np.log1p(np.exp(-20.0) + np.exp(-25.0)), rtol=1e-14)
    np.testing.assert_allclose(got[:, 1:], sp.log_softmax(v, axis=1)[:, 1:], rtol=1e-12)
    np.testing.assert_allclose(got[1], sp.log_softmax(v, axis=1)[1], rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_logsoftmax_reaches_exactly_zero(mode):
    """Below half an epsilon the dominant entry is exactly 0 (a cost that converged stays 0)."""
    x = T.fmatrix("x")
    f = theano.function([x], T.nnet.logsoftmax(x), mode=theano.Mode(mode, "fast_run"))
    got = f(np.array([[0.0, -100.0, -90.0]], dtype="float32"))
    assert got.dtype == np.float32 and got[0, 0] == 0.0
    np.testing.assert_allclose(got[0, 1:], [-100.0, -90.0], rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_logsoftmax_of_large_inputs_with_ties_and_non_finite_rows(mode, dtype):
    # over the native loop's 1,024 elements the op's NumPy code runs on both backends: ties
    # (the first maximal entry is the 1 of the sum), rows holding inf / nan / only -inf (the plain
    # formula's value there), the rest SciPy's log_softmax
    x = T.matrix("x", dtype=dtype)
    f = theano.function([x], T.nnet.logsoftmax(x), mode=theano.Mode(mode, "fast_run"))
    rs = np.random.RandomState(4)
    v = (rs.randn(300, 7) * 20).astype(dtype)
    v[0, 3] = v[0, 5] = v[0].max() + 1              # a tie for the maximum
    v[1, 2], v[2, 4], v[3, 0], v[4, :] = np.inf, -np.inf, np.nan, -np.inf
    got = f(v)
    assert got.dtype == dtype and got.shape == v.shape
    tol = 1e-5 if dtype == "float32" else 1e-13
    finite = [0] + list(range(5, 300)) + [2]
    np.testing.assert_allclose(got[finite], sp.log_softmax(v[finite].astype("float64"), axis=1),
                               rtol=tol, atol=tol)
    with np.errstate(invalid="ignore"):
        m = v[[1, 3, 4]].max(axis=1, keepdims=True)
        plain = (v[[1, 3, 4]] - m) - np.log(np.exp(v[[1, 3, 4]] - m).sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(got[[1, 3, 4]], plain.astype(dtype))
    for _ in range(2):
        assert f(v).tobytes() == got.tobytes()
