"""Comparisons whose result is known (local_useless_elemwise_comparison), increments of an
allocated broadcast (local_useless_inc_subtensor_alloc), and lengths read back from a one-entry
shape vector. Values against NumPy on the default backend and the reference VM."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.allocation import Alloc
from theano.tensor.elemwise import Elemwise

MODES = (None, "FAST_COMPILE")


def n_elemwise(f):
    """Elemwise nodes that compute something (a fill only gives a constant its shape)."""
    return sum(isinstance(n.op, Elemwise) and str(n.op.scalar_op) != "second"
               for n in f.maker.fgraph.toposort())


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
def test_self_comparisons_of_exact_types(dtype):
    x = T.vector("x", dtype=dtype)
    outs = [T.lt(x, x), T.gt(x, x), T.le(x, x), T.ge(x, x), T.eq(x, x), T.neq(x, x)]
    refs = [np.less, np.greater, np.less_equal, np.greater_equal, np.equal, np.not_equal]
    fs = [theano.function([x], outs, mode=m) for m in MODES]
    assert n_elemwise(fs[0]) == 0
    for f in fs:
        for n in (0, 3, 7):
            v = (np.arange(n) % 2).astype(dtype)
            for got, ref in zip(f(v), refs):
                np.testing.assert_array_equal(got, ref(v, v))


def test_float_self_comparisons_respect_nan():
    x = T.dvector("x")
    outs = [T.lt(x, x), T.gt(x, x), T.le(x, x), T.ge(x, x), T.eq(x, x), T.neq(x, x)]
    refs = [np.less, np.greater, np.less_equal, np.greater_equal, np.equal, np.not_equal]
    fs = [theano.function([x], outs, mode=m) for m in MODES]
    for f in fs:
        for v in (np.array([np.nan, 1.0]), np.array([np.inf, -np.inf, 0.0]), np.array([np.nan])):
            for got, ref in zip(f(v), refs):
                np.testing.assert_array_equal(got, ref(v, v))


def test_lengths_compared_with_zero():
    x = T.fvector("x")
    y = T.ftensor3("y")
    n = x.shape[0] + y.shape[1] * y.shape[2]
    outs = [T.lt(n, 0), T.ge(n, 0), T.eq(n, -1), T.maximum(n, 0), T.minimum(0, n), T.le(0, x.shape[0])]
    fs = [theano.function([x, y], outs, mode=m) for m in MODES]
    f = fs[0]
    assert n_elemwise(f) == 1      # only the sum of lengths is computed
    for f in fs:
        for a, b in [(0, (1, 0, 2)), (3, (2, 2, 5)), (5, (0, 1, 1))]:
            xv, yv = np.ones(a, "float32"), np.ones(b, "float32")
            nv = a + b[1] * b[2]
            want = [nv < 0, nv >= 0, nv == -1, max(nv, 0), min(0, nv), 0 <= a]
            for got, w in zip(f(xv, yv), want):
                assert got == w


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_increment_by_an_allocated_broadcast(dtype):
    x = T.vector("x", dtype=dtype)
    y = T.scalar("y", dtype=dtype)
    i = T.lscalar("i")
    iv = T.lvector("iv")
    outs = [T.inc_subtensor(x[:i], T.alloc(y, i)),
            T.advanced_inc_subtensor1(x, T.alloc(y, *iv.shape), iv),
            T.set_subtensor(x[1:], T.alloc(y, x.shape[0] - 1))]
    fs = [theano.function([x, y, i, iv], outs, mode=m) for m in MODES]
    assert not any(isinstance(n.op, Alloc) for n in fs[0].maker.fgraph.toposort())
    for f in fs:
        for n, k, idx in [(5, 3, [0, 2, 2]), (3, 0, [1]), (4, 4, [3, 0, 3, 3])]:
            xv = np.arange(n, dtype=dtype)
            yv = np.asarray(2, dtype)
            a, b, c = f(xv, yv, k, np.array(idx, "int64"))
            wa = xv.copy()
            wa[:k] += yv
            wb = xv.copy()
            np.add.at(wb, idx, yv)
            wc = xv.copy()
            wc[1:] = yv
            for got, want in ((a, wa), (b, wb), (c, wc)):
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)


def test_allocated_broadcast_of_the_wrong_length_still_raises():
    x = T.dvector("x")
    y = T.dscalar("y")
    i = T.lscalar("i")
    for m in MODES:
        f = theano.function([x, y, i], T.inc_subtensor(x[:i], T.alloc(y, i + 1)), mode=m)
        for k in (1, 2, 3):
            with pytest.raises((AssertionError, ValueError)):
                f(np.zeros(5), 1.0, k)
        g = theano.function([x, y, i], T.inc_subtensor(x[:i], T.alloc(y, 1)), mode=m)
        for k in (1, 2, 3):      # a length-1 value broadcasts into the part
            want = np.zeros(5)
            want[:k] += 1.0
            np.testing.assert_array_equal(g(np.zeros(5), 1.0, k), want)
