"""Native backend: constant arguments of elementwise ops given in the dtype NumPy computes in."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scalar import basic as ts

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402


def test_precast_only_when_exact():
    assert nbe.precast_value(np.array(2, dtype="int8"), "float64").dtype == np.float64
    assert nbe.precast_value(np.array(2 ** 60 + 1), "float64") is None
    assert nbe.precast_value(np.array(0.1), "float32") is None
    assert nbe.precast_value(np.array(0.5), "float32").dtype == np.float32
    assert nbe.precast_value(np.array(np.nan), "float32") is None
    assert nbe.precast_value(np.array(True), "float64") is None


def test_precast_only_for_ops_computing_in_the_promoted_dtype():
    assert nbe.precast_dtype(ts.add, ["float32", "int8"], "float32") == "float32"
    assert nbe.precast_dtype(ts.true_div, ["int8", "int8"], "float64") == "float64"
    assert nbe.precast_dtype(ts.add, ["float32", "bool"], "float32") is None
    assert nbe.precast_dtype(ts.pow, ["float64", "int8"], "float64") is None
    assert nbe.precast_dtype(ts.add, ["int32", "int8"], "int32") is None
    # an output dtype wider than NumPy's promotion: NumPy computes narrower, nothing is changed
    assert nbe.precast_dtype(ts.mul, ["float32", "int8"], "float64") is None


@pytest.mark.parametrize("whole_graph", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "uint8"])
def test_elemwise_with_constants_same_values_and_dtype_as_reference(monkeypatch, whole_graph, dtype):
    monkeypatch.setattr(theano.config, "numba__whole_graph", whole_graph)
    x = T.vector("x", dtype=dtype)
    outs = [x * 2, x + 3, x - np.int8(1), x / 4, T.maximum(x, 1), T.minimum(x, 2.5),
            (x * 3 + 1) / (x * x + 2), x * np.float64(0.1), 2 ** 40 + x]
    f = theano.function([x], outs, mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x], outs, mode=theano.Mode("py", "None"))
    v = (np.arange(-4, 6) if dtype[0] != "u" else np.arange(10)).astype(dtype)
    for _ in range(5):
        for a, b in zip(f(v), ref(v)):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "uint8"])
def test_fused_softplus_of_x_and_minus_x_matches_reference(monkeypatch, dtype):
    # the kernel writes softplus without a branch (so that softplus(x) and softplus(-x) share
    # their exp and log1p); values at the extremes must stay those of the reference
    monkeypatch.setattr(theano.config, "numba__force_kernels", True)
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)
    x = T.vector("x", dtype=dtype)
    out = T.nnet.softplus(-x) * 0.5 - T.nnet.softplus(x)
    f = theano.function([x], out, mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x], out, mode=theano.Mode("py", "None"))
    if dtype[0] == "f":
        v = np.array([np.nan, np.inf, -np.inf, 0, -0.0, 1e-30, -800, 800, 30, -30, 2.5], dtype)
    else:
        info = np.iinfo(dtype)
        v = np.array([info.min, info.max, 0, 1, 3], dtype)
    a, b = f(v), ref(v)
    assert a.dtype == b.dtype
    np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True)
