"""x[s] with s = T.slicetype(): a slice given at call time (Theano 1.0, issue 5898), against NumPy."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.subtensor_slicevar import SliceVarSubtensor

MODES = ["FAST_COMPILE", None]
SLICES = [slice(1, 3), slice(None, None, -1), slice(-2, None), slice(0, 0), slice(None, 5, 2),
          slice(3, 0, -2)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_slice_variable_index_matches_numpy(mode, dtype):
    x = T.matrix("x", dtype=dtype)
    s, t = T.slicetype(), T.slicetype()
    outs = [x[s], x[s, t], x[-1, s], x[None, ..., s], x[s, ::-1]]
    assert isinstance(outs[0].owner.op, SliceVarSubtensor)
    f = theano.function([x, s, t], outs, mode=mode)
    for shape in [(4, 5), (1, 3), (4, 5)]:
        a = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
        for sv, tv in zip(SLICES, SLICES[::-1]):
            r = f(a, sv, tv)
            expected = [a[sv], a[sv, tv], a[-1, sv], a[None, ..., sv], a[sv, ::-1]]
            for got, want in zip(r, expected):
                assert got.dtype == dtype
                np.testing.assert_array_equal(got, want)
                assert not np.shares_memory(got, a)     # a view of an argument is copied out


@pytest.mark.parametrize("mode", MODES)
def test_slice_variable_on_a_shared_variable_and_gradient(mode):
    v = np.arange(9.0).reshape(3, 3)
    w = theano.shared(v.copy())
    s = T.slicetype()
    f = theano.function([s], w[s], mode=mode)
    for sv in SLICES:
        np.testing.assert_array_equal(f(sv), v[sv])
    x = T.dmatrix("x")
    g = theano.function([x, s], T.grad(T.sum(x[s] ** 2), x), mode=mode)
    for sv in SLICES:
        a = np.linspace(-1, 1, 12).reshape(4, 3)
        expected = np.zeros_like(a)
        expected[sv] = 2 * a[sv]
        np.testing.assert_allclose(g(a, sv), expected)


def test_constant_slice_is_an_ordinary_slice_and_bad_mixes_are_refused():
    x = T.dmatrix("x")
    s = T.slicetype()
    y = x[T.SliceConstant(T.slicetype, slice(1, 3))]
    assert not isinstance(y.owner.op, SliceVarSubtensor)
    a = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(theano.function([x], y)(a), a[1:3])
    with pytest.raises(TypeError):
        x[s, T.lvector()]
    with pytest.raises(IndexError):
        x[s, 0, 1]


def test_jax_linker_runs_slice_variables_on_the_host():
    pytest.importorskip("jax")
    x = T.dvector("x")
    s = T.slicetype()
    y = x[s]
    f = theano.function([x, s], [y, T.grad((y ** 2).sum(), x)], mode=theano.Mode(linker="jax"))
    v = np.arange(6.0)
    for _ in range(2):
        got, g = f(v, slice(1, 5, 2))
        np.testing.assert_array_equal(got, v[1:5:2])
        ref = np.zeros(6)
        ref[1:5:2] = 2 * v[1:5:2]
        np.testing.assert_array_equal(g, ref)
