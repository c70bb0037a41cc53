"""theano.tensor.nnet.conv3d2d: Theano 1.0's (batch, time, channels, rows, cols) 3-D convolution,
against SciPy's n-d convolution, with gradients, shapes and the diagonal-view helper."""

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.tensor.nnet.conv3d2d import conv3d, get_diagonal_subtensor_view

MODES = {"FAST_RUN": "FAST_RUN", "FAST_COMPILE": "FAST_COMPILE"}


def _reference(s, f, mode):
    """(batch, time, channels, rows, cols) * (out, time, channels, rows, cols), true convolution."""
    kt, kh, kw = f.shape[1], f.shape[3], f.shape[4]
    if mode == "half":
        pad = [(0, 0), (kt // 2, kt // 2), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)]
        s = np.pad(s, pad)
        mode = "valid"
    out = None
    for b in range(s.shape[0]):
        for o in range(f.shape[0]):
            acc = sum(signal.convolve(s[b, :, c], f[o, :, c], mode=mode) for c in range(s.shape[2]))
            if out is None:
                out = np.zeros((s.shape[0], acc.shape[0], f.shape[0]) + acc.shape[1:])
            out[b, :, o] = acc
    return out


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("border", ["valid", "full", "half"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_against_scipy(border, dtype, mode):
    rng = np.random.RandomState(3)
    s = rng.randn(2, 5, 3, 6, 7).astype(dtype)
    f = rng.randn(4, 3, 3, 3, 2).astype(dtype)
    sv = T.TensorType(dtype, (False,) * 5)("s")
    fv = T.TensorType(dtype, (False,) * 5)("f")
    out = conv3d(sv, fv, border_mode=border)
    fn = theano.function([sv, fv], [out, out.shape], mode=MODES[mode])
    ref = _reference(s.astype("float64"), f.astype("float64"), border)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for _ in range(3):
        got, shape = fn(s, f)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
        assert tuple(shape) == ref.shape


def test_per_axis_border_modes_and_declared_shapes():
    rng = np.random.RandomState(4)
    s = rng.randn(1, 6, 2, 5, 5)
    f = rng.randn(2, 3, 2, 3, 3)
    sv, fv = T.TensorType("float64", (False,) * 5)(), T.TensorType("float64", (False,) * 5)()
    out = conv3d(sv, fv, signals_shape=s.shape, filters_shape=f.shape,
                 border_mode=("valid", "full", "full"))
    got = theano.function([sv, fv], out)(s, f)
    # time 'valid', rows and columns 'full': pad rows/cols by k - 1, then valid everywhere
    padded = np.pad(s, [(0, 0), (0, 0), (0, 0), (2, 2), (2, 2)])
    np.testing.assert_allclose(got, _reference(padded, f, "valid"), rtol=1e-10)
    with pytest.raises(ValueError, match="kernel"):
        conv3d(sv, fv, border_mode=("valid", "full", "full"))
    with pytest.raises(ValueError, match="border_mode"):
        conv3d(sv, fv, border_mode="same")
    with pytest.raises(TypeError, match="5-d"):
        conv3d(T.tensor4(), fv)


def test_gradients_against_finite_differences():
    rng = np.random.RandomState(5)
    s = rng.randn(1, 4, 2, 4, 4)
    f = rng.randn(2, 2, 2, 2, 3)
    for border in ("valid", "full"):
        theano.gradient.verify_grad(lambda a, b: conv3d(a, b, border_mode=border), [s, f],
                                    rng=rng, eps=1e-6)


def test_get_diagonal_subtensor_view_reads_the_diagonals():
    rng = np.random.RandomState(6)
    x = rng.randn(6, 3, 4)
    for i0, i1 in ((0, 1), (0, 2), (2, 1)):
        v = get_diagonal_subtensor_view(x, i0, i1)
        n1 = x.shape[i1]
        assert v.shape[i0] == x.shape[i0] - n1 + 1 and v.shape[i1] == n1
        for idx in np.ndindex(*v.shape):
            src = list(idx)
            src[i0] = idx[i0] + n1 - 1 - idx[i1]
            assert v[idx] == x[tuple(src)]
    assert not v.flags.writeable
    with pytest.raises(ValueError, match="shorter"):
        get_diagonal_subtensor_view(x, 1, 0)


def test_theano1_import_paths():
    from theano.tensor.nnet import abstract_conv, separable_conv2d, separable_conv3d

    assert separable_conv2d is abstract_conv.separable_conv2d
    assert separable_conv3d is abstract_conv.separable_conv3d
    assert theano.tensor.nnet.conv3d2d.conv3d is conv3d
