"""Theano 1.0's ``theano.tensor.fft``: real-input fast Fourier transforms of a batch of signals.

``rfft(x)`` transforms every axis of ``x`` but the first (a batch of m signals of shape
``(n1, ..., nk)``) and returns the non-negative frequencies as real numbers: shape
``(m, n1, ..., nk // 2 + 1, 2)``, the last axis holding the real and imaginary parts.
``irfft(y)`` inverts it; the length of the last signal axis is ``2 * (h - 1)``, or
``2 * (h - 1) + 1`` with ``is_odd=True``.

``norm`` follows NumPy: None scales only the inverse (by 1/n, n the number of points of a
signal), 'ortho' scales both by 1/sqrt(n); Theano's 'no_norm' scales neither.

Both are linear, so each one's gradient is the other one (with the weights that undo the folding
of negative frequencies onto positive ones), tested against finite differences.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.tensor.allocation import arange
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.joining import concatenate
from theano.tensor.math import and_, eq, or_
from theano.tensor.type import TensorType

_NUMPY_NORM = {None: "backward", "backward": "backward", "ortho": "ortho", "forward": "forward"}


def _signal_axes(ndim):
    return tuple(range(1, ndim))


def _checked_inputs(name, x, s, min_ndim, what):
    x = as_tensor_variable(x)
    s = as_tensor_variable(s)
    if not x.dtype.startswith("float"):
        raise TypeError(f"{name}: expects float32 or float64 values, got {x} ({x.type})")
    if x.ndim < min_ndim:
        raise TypeError(f"{name}: expects {what}, got {x} with {x.ndim} dimensions")
    if s.ndim != 1 or not s.dtype.startswith(("int", "uint")):
        raise TypeError(f"{name}: the signal shape must be an integer vector, got {s} ({s.type})")
    return x, s


class RFFTOp(Op):
    """``(x, s) -> rfftn(x, s)`` over every axis but the first, real and imaginary parts stacked
    on a new last axis. ``norm``: NumPy's 'backward' (None), 'ortho' or 'forward'."""

    __props__ = ("norm",)

    def __init__(self, norm=None):
        self.norm = _NUMPY_NORM[norm]

    def make_node(self, x, s):
        x, s = _checked_inputs("rfft", x, s, 2, "a batch of signals (at least 2 dimensions: the "
                               "first is the batch)")
        return Apply(self, [x, s], [TensorType(x.dtype, (False,) * (x.ndim + 1))()])

    def perform(self, node, inputs, outputs):
        x, s = inputs
        shape = tuple(int(v) for v in s)
        if len(shape) != x.ndim - 1:
            raise ValueError(f"rfft: the signal shape {shape} must have {x.ndim - 1} entries")
        y = np.fft.rfftn(x, s=shape, axes=_signal_axes(x.ndim), norm=self.norm)
        outputs[0][0] = np.stack([y.real, y.imag], axis=-1).astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        x_shape = input_shapes[0]
        s = node.inputs[1]
        k = len(x_shape) - 1
        return [(x_shape[0],) + tuple(s[i] for i in range(k - 1)) + (s[k - 1] // 2 + 1, 2)]

    def grad(self, inputs, output_grads):
        x, s = inputs
        (g,) = output_grads
        # d out / d x: the inverse sum over the stored half spectrum only, which is half the full
        # (Hermitian) inverse once the bins without a mirror image (0, and n/2 for even n) count
        # twice
        inverse_norm = {"backward": "forward", "ortho": "ortho", "forward": "backward"}[self.norm]
        weighted = g * _bin_weights(s[-1], g.shape[-2], g.ndim, single=2, paired=1)
        gx = IRFFTOp(inverse_norm)(weighted, s) * np.asarray(0.5, dtype=x.dtype)
        return [cast(gx, x.dtype), disconnected_type()]

    def connection_pattern(self, node):
        return [[True], [False]]


class IRFFTOp(Op):
    """``(y, s) -> irfftn(y[..., 0] + 1j * y[..., 1], s)`` over every axis but the first.
    ``norm``: NumPy's 'backward' (None: 1/n), 'ortho' or 'forward' (no scaling)."""

    __props__ = ("norm",)

    def __init__(self, norm=None):
        self.norm = _NUMPY_NORM[norm]

    def make_node(self, y, s):
        y, s = _checked_inputs("irfft", y, s, 3, "a batch of spectra of shape (m, ..., n // 2 + 1, 2)")
        return Apply(self, [y, s], [TensorType(y.dtype, (False,) * (y.ndim - 1))()])

    def perform(self, node, inputs, outputs):
        y, s = inputs
        shape = tuple(int(v) for v in s)
        if y.shape[-1] != 2:
            raise ValueError(f"irfft: the last axis must hold the real and imaginary parts (size 2), "
                             f"got shape {y.shape}")
        if len(shape) != y.ndim - 2:
            raise ValueError(f"irfft: the signal shape {shape} must have {y.ndim - 2} entries")
        if y.shape[-2] != shape[-1] // 2 + 1:
            raise ValueError(f"irfft: {y.shape[-2]} frequencies cannot make signals of length "
                             f"{shape[-1]} (that needs {shape[-1] // 2 + 1})")
        z = y[..., 0] + 1j * y[..., 1]
        x = np.fft.irfftn(z, s=shape, axes=_signal_axes(y.ndim - 1), norm=self.norm)
        outputs[0][0] = x.astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        s = node.inputs[1]
        return [(input_shapes[0][0],) + tuple(s[i] for i in range(len(input_shapes[0]) - 2))]

    def grad(self, inputs, output_grads):
        y, s = inputs
        (g,) = output_grads
        # each stored frequency but 0 and n/2 stands for itself and its mirror image: weight 2
        forward_norm = {"backward": "forward", "ortho": "ortho", "forward": "backward"}[self.norm]
        gy = RFFTOp(forward_norm)(g, s) * _bin_weights(s[-1], y.shape[-2], y.ndim, single=1,
                                                        paired=2)
        return [cast(gy, y.dtype), disconnected_type()]

    def connection_pattern(self, node):
        return [[True], [False]]


def _bin_weights(n, h, ndim, single, paired):
    """Weights of the ``h`` stored frequencies of a length-``n`` axis, shaped to broadcast against
    a stacked spectrum of ``ndim`` dimensions: ``single`` for the frequencies without a mirror
    image (0, and n/2 when n is even), ``paired`` for the others."""
    k = arange(h)
    alone = or_(eq(k, 0), and_(eq(k, h - 1), eq(n % 2, 0)))
    w = paired + (single - paired) * cast(alone, "int8")
    return cast(w, "float64").dimshuffle(*(["x"] * (ndim - 2) + [0, "x"]))


def _check_norm(norm):
    if norm not in (None, "ortho", "no_norm"):
        raise ValueError(f"norm must be None, 'ortho' or 'no_norm', got {norm!r}")


def rfft(inp, norm=None):
    """The real-input FFT of each signal in the batch ``inp`` (shape ``(m, n1, ..., nk)``): shape
    ``(m, n1, ..., nk // 2 + 1, 2)``, real and imaginary parts on the last axis. ``norm``: None
    (unscaled), 'ortho' (1/sqrt(n)) or 'no_norm' (unscaled)."""
    _check_norm(norm)
    inp = as_tensor_variable(inp)
    s = inp.shape[1:]
    return RFFTOp("ortho" if norm == "ortho" else None)(inp, s)


def irfft(inp, norm=None, is_odd=False):
    """The inverse of ``rfft``: real signals from the spectra ``inp`` (shape
    ``(m, n1, ..., h, 2)``), of shape ``(m, n1, ..., n)`` with ``n = 2 * (h - 1)`` (``+ 1`` when
    ``is_odd``). ``norm``: None (1/n), 'ortho' (1/sqrt(n)) or 'no_norm' (unscaled)."""
    _check_norm(norm)
    if is_odd not in (True, False):
        raise ValueError(f"is_odd must be True or False, got {is_odd!r}")
    inp = as_tensor_variable(inp)
    last = (inp.shape[-2] - 1) * 2 + int(is_odd)
    s = concatenate([inp.shape[1:-2], last.reshape((1,))])
    norm = {None: None, "ortho": "ortho", "no_norm": "forward"}[norm]
    return IRFFTOp(norm)(inp, s)


__all__ = ["rfft", "irfft", "RFFTOp", "IRFFTOp"]
