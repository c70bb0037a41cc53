"""theano.tensor.fft against numpy.fft: values for every norm, shapes from infer_shape, the round
trip, gradients against finite differences, on the reference VM and the native backend (and JAX
when installed), float32 and float64, called twice."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor import fft
from tests.helpers import check_infer_shape, value_mode, value_modes

NP_NORM = {None: "backward", "ortho": "ortho", "no_norm": "backward"}
SHAPES = [(2, 6), (3, 7), (2, 4, 5), (1, 3, 4, 6)]




@pytest.mark.parametrize("mode", value_modes())
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("shape", SHAPES)
def test_rfft_and_irfft_match_numpy(shape, norm, dtype, mode):
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    y = fft.rfft(x, norm=norm)
    back = fft.irfft(y, norm=norm, is_odd=shape[-1] % 2 == 1)
    f = theano.function([x], [y, back], mode=value_mode(mode))
    xv = np.random.RandomState(len(shape)).uniform(-1000, 1000, size=shape).astype(dtype)
    ref = np.fft.rfftn(xv.astype("float64"), axes=tuple(range(1, len(shape))), norm=NP_NORM[norm])
    scale = np.prod(shape[1:]) if norm == "no_norm" else 1
    tol = dict(rtol=1e-4, atol=1e-2 * np.sqrt(np.prod(shape))) if dtype == "float32" else \
        dict(rtol=1e-10, atol=1e-8)
    for _ in range(2):
        got, got_back = f(xv)
        assert got.dtype == dtype and got_back.dtype == dtype
        assert got.shape == shape[:-1] + (shape[-1] // 2 + 1, 2)
        np.testing.assert_allclose(got, np.stack([ref.real, ref.imag], axis=-1), **tol)
        np.testing.assert_allclose(got_back, xv.astype("float64") * scale,
                                   rtol=tol["rtol"], atol=tol["atol"] * scale)


@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_against_finite_differences(shape, norm):
    rs = np.random.RandomState(1)
    xv = rs.randn(*shape)
    verify_grad(lambda a: fft.rfft(a, norm=norm), [xv], rng=rs)
    yv = np.stack([np.fft.rfftn(xv, axes=tuple(range(1, len(shape)))).real,
                   np.fft.rfftn(xv, axes=tuple(range(1, len(shape)))).imag], axis=-1)
    verify_grad(lambda b: fft.irfft(b, norm=norm, is_odd=shape[-1] % 2 == 1), [yv], rng=rs)


@pytest.mark.parametrize("shape", SHAPES)
def test_infer_shape(shape):
    x = T.TensorType("float64", (False,) * len(shape))("x")
    y = fft.rfft(x)
    z = fft.irfft(y, is_odd=shape[-1] % 2 == 1)
    check_infer_shape([x], [y, z], [np.ones(shape)])


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="norm"):
        fft.rfft(T.dmatrix(), norm="unitary")
    with pytest.raises(TypeError, match="float32 or float64"):
        fft.rfft(T.lmatrix())
    with pytest.raises(TypeError, match="batch"):
        fft.rfft(T.dvector())
    y = T.dtensor3("y")
    f = theano.function([y], fft.irfft(y))
    with pytest.raises(ValueError, match="real and imaginary"):
        f(np.zeros((2, 4, 3)))


def test_module_paths():
    assert T.fft is fft
    assert T.io.load is T.load          # theano.tensor.io is Theano 1.0's load, not an FFT module
    # Theano 1.0's other FFT module: a function fft in theano.tensor.fourier, not this module
    import theano.tensor.fourier as fourier

    assert callable(fourier.fft) and fourier.fft is not fft and T.fft is fft
