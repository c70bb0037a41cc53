"""theano.tensor.signal.conv.conv2d against scipy.signal.convolve2d."""

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.signal import conv
from tests.helpers import assert_allclose

MODES = (theano.Mode(linker="py", optimizer="None"), None)


def ref(x, w, mode, stride=(1, 1)):
    xs = x if x.ndim == 3 else x[None]
    ws = w if w.ndim == 3 else w[None]
    out = np.array([[signal.convolve2d(a, b, mode=mode)[::stride[0], ::stride[1]] for b in ws]
                    for a in xs])
    if x.ndim == 2 and w.ndim == 2:
        return out[0, 0]
    if x.ndim == 2:
        return out[0]
    if w.ndim == 2:
        return out[:, 0]
    return out


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
@pytest.mark.parametrize("xdim, wdim", [(2, 2), (2, 3), (3, 2), (3, 3)])
@pytest.mark.parametrize("border", ["valid", "full"])
def test_signal_conv2d(mode, xdim, wdim, border):
    r = np.random.RandomState(xdim * 10 + wdim)
    xv = r.randn(*((2, 7, 6) if xdim == 3 else (7, 6)))
    wv = r.randn(*((3, 3, 2) if wdim == 3 else (3, 2)))
    x = T.TensorType("float64", (False,) * xdim)()
    w = T.TensorType("float64", (False,) * wdim)()
    out = conv.conv2d(x, w, image_shape=xv.shape, filter_shape=wv.shape, border_mode=border)
    f = theano.function([x, w], out, mode=mode)
    for _ in range(2):
        got = f(xv, wv)
        expected = ref(xv, wv, border)
        assert got.shape == expected.shape
        assert_allclose(got, expected)


def test_signal_conv2d_subsample_grad_and_errors():
    r = np.random.RandomState(0)
    xv, wv = r.randn(2, 7, 6), r.randn(3, 3)
    x, w = T.dtensor3(), T.dmatrix()
    f = theano.function([x, w], conv.conv2d(x, w, subsample=(2, 2), unroll_kern=2))
    assert_allclose(f(xv, wv), ref(xv, wv, "valid", (2, 2)))
    verify_grad(lambda a, b: conv.conv2d(a, b, border_mode="full"), [xv, wv],
                rng=np.random.RandomState(1))
    with pytest.raises(TypeError, match="2-d image or a 3-d stack"):
        conv.conv2d(T.dtensor4(), w)
    with pytest.raises(ValueError, match="image_shape must have 3 entries"):
        conv.conv2d(x, w, image_shape=(7, 6))
