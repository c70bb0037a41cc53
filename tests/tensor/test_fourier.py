"""theano.tensor.fourier.fft (Theano 1.0): numpy.fft.fft along an axis with n points, constant
or symbolic n and axis, its shape without running it, its dtypes, errors; the default backend,
the reference VM and (when installed) JAX; each function called three times."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.fourier import Fourier, fft

MODES = ["FAST_RUN", theano.Mode(linker="py")]
try:
    import jax  # noqa: F401
    MODES.append(theano.Mode(linker="jax"))
except ImportError:
    pass


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
@pytest.mark.parametrize("n,axis", [(None, None), (10, 0), (3, 1), (None, -2), (16, None)])
def test_values_and_shapes_against_numpy(mode, dtype, n, axis):
    a = T.matrix("a", dtype=dtype)
    out = fft(a, n, axis)
    f = theano.function([a], [out, out.shape], mode=mode)
    rng = np.random.RandomState(3)
    v = (rng.randn(8, 6) * 1000).astype(dtype)
    if dtype.startswith("complex"):
        v = v + 1j * rng.randn(8, 6)
    want = np.fft.fft(v, n, -1 if axis is None else axis)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for _ in range(3):
        got, shape = f(v)
        assert got.dtype == ("complex64" if dtype == "float32" else "complex128")
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())
        assert tuple(shape) == want.shape
    # the shape without computing the transform
    assert not any(isinstance(nd.op, Fourier) for nd in
                   theano.function([a], out.shape, mode=mode).maker.fgraph.toposort())


@pytest.mark.parametrize("mode", MODES[:2])
def test_symbolic_n_and_axis(mode):
    a = T.dtensor3("a")
    n, axis = T.iscalar("n"), T.iscalar("axis")
    f = theano.function([a, n, axis], [fft(a, n, axis), fft(a, None, axis).shape], mode=mode)
    v = np.random.RandomState(0).rand(4, 5, 6)
    for nv, ax in [(7, 0), (2, 1), (6, 2), (9, -1)]:
        got, shape = f(v, nv, ax)
        np.testing.assert_allclose(got, np.fft.fft(v, nv, ax), rtol=1e-10, atol=1e-12)
        assert tuple(shape) == v.shape
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        f(v, 4, 3)
    with pytest.raises(ValueError, match="n must be at least 1"):
        f(v, 0, 0)


def test_bad_inputs_and_gradient():
    with pytest.raises(TypeError, match="float or complex"):
        fft(T.ivector())
    with pytest.raises(TypeError, match="integer scalar"):
        fft(T.dvector(), T.dscalar())
    a = T.dvector("a")
    with pytest.raises(theano.gradient.NullTypeGradError, match="rfft"):
        T.grad(T.real(fft(a)).sum(), a)
