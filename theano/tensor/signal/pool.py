"""Pooling (down-sampling) over the last two (``pool_2d``) or three (``pool_3d``) dimensions.

``pool_2d(input, ws, ignore_border, stride, pad, mode)`` with the modes

- ``'max'``: maximum of each window (padding never wins);
- ``'sum'``: sum of each window;
- ``'average_inc_pad'``: sum divided by the window size, padding cells counted;
- ``'average_exc_pad'``: mean of the real (non-padding) cells of each window.

Ops (Theano 1.0's interface): ``Pool(ignore_border, mode, ndim)`` called as ``op(x, ws, stride,
pad)``, where the window size, stride and padding are inputs (tuples of ints or symbolic int
vectors of length ``ndim``, the number of pooled trailing dimensions); its gradients
``MaxPoolGrad(ignore_border, mode, ndim)(x, maxout, gz, ws, stride, pad)`` and
``AveragePoolGrad(ignore_border, mode, ndim)(x, gz, ws, stride, pad)``; the gradient of
MaxPoolGrad, ``DownsampleFactorMaxGradGrad`` (also ``MaxPoolGradGrad``); the R-operator of max
pooling, ``MaxPoolRop``. ``Pool.out_shape(imgshape, ws, ignore_border, stride, pad, ndim)`` gives
the output shape.

Output length along one axis of length ``n`` with window ``w``, stride ``s`` and padding ``p``:
with ``ignore_border=True``, ``(n + 2p - w) // s + 1`` (at least 0); otherwise windows that run off
the end are kept (truncated): ``(n - 1) // s + 1`` if ``s >= w`` else
``max(0, (n - 1 - w + s) // s) + 1``. Padding needs ``ignore_border=True`` and ``p < w``.
"""

import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from theano.graph.null_type import DisconnectedType
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.configdefaults import config
from theano.tensor.basic import as_tensor_variable, constant, zeros_like
from theano.tensor.math import ge, gt, maximum, switch
from theano.tensor.type import TensorType

__all__ = ["pool_2d", "pool_3d", "max_pool_2d_same_size", "Pool", "PoolGrad", "MaxPoolGrad",
           "AveragePoolGrad", "DownsampleFactorMaxGradGrad", "MaxPoolGradGrad", "MaxPoolRop",
           "pool_output_length"]

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


# -------------------------------------------------------------------------------------------------
# Geometry
# -------------------------------------------------------------------------------------------------


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def pool_output_length(n, ws, stride, pad, ignore_border):
    """Output length along one axis. All arguments Python ints: a Python int; otherwise (any of
    them a symbolic int scalar) a symbolic int scalar."""
    if all(_is_int(v) for v in (n, ws, stride, pad)):
        n, ws, stride, pad = int(n), int(ws), int(stride), int(pad)
        if ignore_border:
            return max(0, (n + 2 * pad - ws) // stride + 1)
        if n == 0:
            return 0
        if stride >= ws:
            return (n - 1) // stride + 1
        return max(0, (n - 1 - ws + stride) // stride) + 1

    if ignore_border:
        return maximum((n + 2 * pad - ws) // stride + 1, 0)
    when_wide = (n - 1) // stride + 1
    when_narrow = maximum((n - 1 - ws + stride) // stride, 0) + 1
    if _is_int(ws) and _is_int(stride):
        out = when_wide if stride >= ws else when_narrow
    else:
        out = switch(ge(stride, ws), when_wide, when_narrow)
    if _is_int(n):
        return out if n > 0 else 0
    return switch(gt(n, 0), out, 0)


def _window_bounds(n, ws, stride, pad, out_len, include_pad):
    """Start and end (exclusive) of each window in padded coordinates, per the mode's rule."""
    padded = n + 2 * pad
    start = np.arange(out_len) * stride
    end = np.minimum(start + ws, padded)
    if not include_pad:
        start = np.maximum(start, pad)
        end = np.minimum(end, padded - pad)
    return start, end


def _layout(x_shape, ws, stride, pad, ignore_border):
    """Output spatial shape and the extent of the (padded, extended) working image."""
    nd = len(ws)
    outs, extents = [], []
    for a in range(nd):
        n = x_shape[-nd + a]
        o = pool_output_length(n, ws[a], stride[a], pad[a], ignore_border)
        outs.append(o)
        # enough cells so that every window lies inside the working image
        extents.append(max(n + 2 * pad[a], (o - 1) * stride[a] + ws[a] if o > 0 else 0))
    return tuple(outs), tuple(extents)


def _inner(pad, shape):
    """Index of the original image inside the working image."""
    return (Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(pad, shape))


def _working_image(x, pad, extents, fill):
    """x with ``pad`` cells before each pooled axis and ``fill`` everywhere outside x."""
    nd = len(pad)
    buf = np.full(x.shape[:-nd] + extents, fill, dtype=x.dtype)
    buf[_inner(pad, x.shape[-nd:])] = x
    return buf


def _windows(buf, ws, stride, out_shape):
    """Read-only view (..., *out_shape, *ws) of the pooling windows."""
    nd = len(ws)
    s = buf.strides
    shape = buf.shape[:-nd] + tuple(out_shape) + tuple(ws)
    strides = s[:-nd] + tuple(s[-nd + a] * stride[a] for a in range(nd)) + s[-nd:]
    return as_strided(buf, shape=shape, strides=strides, writeable=False)


def _lowest(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def _divisor(x_shape, ws, stride, pad, out_shape, mode):
    """Per-window cell counts (shape ``out_shape``) for the average modes."""
    nd = len(ws)
    div = np.ones((), dtype="int64")
    for a in range(nd):
        start, end = _window_bounds(x_shape[-nd + a], ws[a], stride[a], pad[a], out_shape[a],
                                    mode == "average_inc_pad")
        div = np.multiply.outer(div, np.maximum(end - start, 0))
    return div


def _window_axes(nd):
    return tuple(range(-nd, 0))


def _pool_forward(x, ws, stride, pad, ignore_border, mode, out_dtype):
    nd = len(ws)
    out_shape, extents = _layout(x.shape, ws, stride, pad, ignore_border)
    full = x.shape[:-nd] + out_shape
    if 0 in full:
        return np.zeros(full, dtype=out_dtype)
    fill = _lowest(x.dtype) if mode == "max" else 0
    win = _windows(_working_image(x, pad, extents, fill), ws, stride, out_shape)
    if mode == "max":
        return np.asarray(win.max(axis=_window_axes(nd)), dtype=out_dtype)
    total = win.sum(axis=_window_axes(nd), dtype=np.float64 if x.dtype.kind == "f" else None)
    if mode == "sum":
        return np.asarray(total, dtype=out_dtype)
    div = _divisor(x.shape, ws, stride, pad, out_shape, mode)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / div, dtype=out_dtype)


def _scatter_windows(contrib, x_shape, ws, stride, pad, extents, out_shape, dtype):
    """Sum window contributions (..., *out_shape, *ws) back onto the image; crop the padding."""
    nd = len(ws)
    if 0 in out_shape:  # no window: nothing flows back
        return np.zeros(x_shape, dtype=dtype)
    buf = np.zeros(x_shape[:-nd] + extents, dtype=dtype)
    for offs in np.ndindex(*ws):
        index = (Ellipsis,) + tuple(slice(o, o + st * (n - 1) + 1, st)
                                    for o, st, n in zip(offs, stride, out_shape))
        buf[index] += contrib[(Ellipsis,) + offs]
    return np.ascontiguousarray(buf[_inner(pad, x_shape[-nd:])])


def _max_mask(x, z, ws, stride, pad, ignore_border):
    """Windows of x (..., *out, *ws) equal to their window's maximum z (all ties)."""
    out_shape, extents = _layout(x.shape, ws, stride, pad, ignore_border)
    win = _windows(_working_image(x, pad, extents, _lowest(x.dtype)), ws, stride, out_shape)
    return win == z[(Ellipsis,) + (None,) * len(ws)], out_shape, extents


# -------------------------------------------------------------------------------------------------
# Ops
# -------------------------------------------------------------------------------------------------

_WORDS = {1: "one", 2: "two", 3: "three"}


def _static_ints(v):
    """The entries of ``v`` as a tuple of Python ints when known at graph-building time, else None
    (``v``: a tuple/list of ints, or a constant int vector)."""
    if isinstance(v, (tuple, list)):
        if all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in v):
            return tuple(int(e) for e in v)
        return None
    if isinstance(v, Constant):
        data = np.asarray(v.data)
        if data.ndim == 1 and data.dtype.kind in "iu":
            return tuple(int(e) for e in data)
    return None


def _check_values(values, name, nd, minimum, who):
    """Raise ValueError unless ``values`` (ints) has ``nd`` entries all >= ``minimum``."""
    if len(values) != nd:
        raise ValueError(f"{who}: {name} must have {nd} entries (one per pooled dimension), got "
                         f"{values!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{who}: {name} entries must be >= {minimum}, got {values!r}")


def _as_param(value, name, nd, minimum, who):
    """``ws``/``stride``/``pad`` as an integer vector variable (a tuple of Python ints becomes an
    int64 constant, checked now; a symbolic int vector is checked when the function runs)."""
    if isinstance(value, (tuple, list)):
        for e in value:
            if isinstance(e, bool) or isinstance(e, (float, np.floating)) or (
                    isinstance(e, np.ndarray) and e.dtype.kind not in "iu"):
                raise TypeError(f"{who}: {name} must hold ints, got {value!r}")
        ints = _static_ints(value)
        if ints is not None:
            _check_values(ints, name, nd, minimum, who)
            return constant(np.asarray(ints, dtype="int64"))
    elif isinstance(value, (int, np.integer, float)) and not isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be a tuple of {nd} ints or an int vector, got "
                        f"{value!r}")
    v = as_tensor_variable(value)
    if v.ndim != 1 or v.dtype not in ts.integer_dtypes:
        raise TypeError(f"{who}: {name} must be a tuple of {nd} ints or an int vector, got {v.type}")
    ints = _static_ints(v)
    if ints is not None:
        _check_values(ints, name, nd, minimum, who)
    return v


def _runtime_params(op, ws, stride, pad):
    """The ws/stride/pad input values as tuples of ints, checked."""
    who = type(op).__name__
    out = []
    for name, v, minimum in (("ws", ws, 1), ("stride", stride, 1), ("pad", pad, 0)):
        v = np.asarray(v)
        if v.ndim != 1:
            raise ValueError(f"{who}: {name} must be a vector, got shape {v.shape}")
        ints = tuple(int(e) for e in v)
        _check_values(ints, name, op.ndim, minimum, who)
        out.append(ints)
    ws, stride, pad = out
    _check_padding(ws, pad, op.ignore_border, who, _needs_real_cell(op))
    return ws, stride, pad


def _needs_real_cell(op):
    """Whether ``op`` needs a real (non-padding) cell in every window: max pooling and
    average_exc_pad pooling do (a window of padding only has no maximum / no mean); sum and
    average_inc_pad pooling and the gradient ops do not."""
    return isinstance(op, (Pool, MaxPoolRop)) and op.mode in ("max", "average_exc_pad")


def _check_padding(ws, pad, ignore_border, who, window_check=True):
    if pad is None or not any(pad):
        return
    if not ignore_border:
        raise NotImplementedError(f"{who}: padding {pad} works only with ignore_border=True")
    # Pool needs a real cell in every window; the gradient ops work with any padding
    if window_check and ws is not None and any(p >= w for p, w in zip(pad, ws)):
        raise NotImplementedError(f"{who}: padding {pad} must be smaller than the window size {ws}")


def _symbolic_params(node, first):
    """Per pooled axis, ws/stride/pad as Python ints (constant inputs) or symbolic scalars."""
    nd = node.op.ndim
    out = []
    for v in node.inputs[first:first + 3]:
        ints = _static_ints(v)
        out.append(list(ints) if ints is not None else [v[a] for a in range(nd)])
    return out


class _PoolBase(Op):
    """Shared parts of the pooling ops: props ``(ignore_border, mode, ndim)``; the window size,
    stride and padding are inputs (int vectors of length ``ndim``)."""

    __props__ = ("ignore_border", "mode", "ndim")
    default_mode = "max"

    def __init__(self, ignore_border=False, mode=None, ndim=2, openmp=None):
        if mode is None:
            mode = self.default_mode
        if mode == "max_deterministic":
            mode = "max"  # the CPU max pooling is deterministic
        if mode == "average":
            mode = "average_inc_pad"
        if mode not in MODES:
            raise ValueError(f"{type(self).__name__}: mode must be one of {MODES}, got {mode!r}")
        if isinstance(ndim, bool) or not isinstance(ndim, (int, np.integer)) or ndim < 1:
            raise ValueError(f"{type(self).__name__}: ndim must be a positive int, got {ndim!r}")
        if not isinstance(ignore_border, (bool, np.bool_, int, np.integer)):
            raise TypeError(f"{type(self).__name__}: ignore_border must be a bool, got "
                            f"{ignore_border!r} (the window size is an argument of the call: "
                            "op(x, ws, stride, pad))")
        self.ignore_border = bool(ignore_border)
        self.mode = mode
        self.ndim = int(ndim)
        self.openmp = openmp  # accepted for Theano compatibility; no effect

    @property
    def nd(self):
        """Number of pooled (trailing) dimensions (same as ``ndim``)."""
        return self.ndim

    def __str__(self):
        return (f"{type(self).__name__}{{ignore_border={self.ignore_border}, mode={self.mode}, "
                f"ndim={self.ndim}}}")

    def _tensor(self, x, name):
        x = as_tensor_variable(x)
        if x.ndim < self.ndim:
            raise TypeError(f"{type(self).__name__}: {name} must have at least {self.ndim} "
                            f"dimensions, got {x.ndim} ({x})")
        return x

    def _params(self, ws, stride, pad):
        who = type(self).__name__
        ws = _as_param(ws, "ws", self.ndim, 1, who)
        stride = ws if stride is None else _as_param(stride, "stride", self.ndim, 1, who)
        if pad is None:
            pad = (0,) * self.ndim
        pad = _as_param(pad, "pad", self.ndim, 0, who)
        _check_padding(_static_ints(ws), _static_ints(pad), self.ignore_border, who,
                       _needs_real_cell(self))
        return [ws, stride, pad]

    def _same_params(self):
        return dict(ignore_border=self.ignore_border, ndim=self.ndim)

    @classmethod
    def _theano1_rebuild(cls, state, inputs):
        """The op and inputs for a node of a Theano 1.0 pickle (``theano.compile.theano1_pickle``):
        graphs pickled with the interface of Theano before 0.9 kept the window, stride and
        padding as op attributes (``ds``, ``st``, ``padding``) where they are inputs now."""
        inputs = list(inputs)
        mode = state.get("mode", cls.default_mode)
        ignore_border = state.get("ignore_border", False)
        if "ds" in state:
            ds = tuple(int(d) for d in state["ds"])
            st = state.get("st")
            st = ds if st is None else tuple(int(d) for d in st)
            pad = state.get("padding")
            pad = (0,) * len(ds) if pad is None else tuple(int(d) for d in pad)
            op = cls(ignore_border=ignore_border, mode=mode, ndim=len(ds))
            return op, inputs + [np.asarray(v, dtype="int64") for v in (ds, st, pad)]
        return cls(ignore_border=ignore_border, mode=mode, ndim=state.get("ndim", 2)), inputs

    out_shape = None  # set below (a static method shared by all pooling ops)


def _disconnected():
    return DisconnectedType()()


class Pool(_PoolBase):
    """Pooling of the last ``ndim`` dimensions of ``x``: ``Pool(ignore_border, mode, ndim)(x, ws,
    stride=None, pad=None)``.

    ``ws`` (window), ``stride`` (default ``ws``) and ``pad`` (default zeros) are tuples of ``ndim``
    ints or symbolic int vectors. ``x`` may have more (leading) dimensions; they are kept.
    """

    def make_node(self, x, ws, stride=None, pad=None):
        x = self._tensor(x, "input")
        if self.mode.startswith("average") and x.dtype in ts.discrete_dtypes:
            raise TypeError(f"pool_{self.ndim}d: mode {self.mode!r} needs a float input, got dtype "
                            f"{x.dtype}")
        params = self._params(ws, stride, pad)
        bcast = x.broadcastable[:-self.ndim] + (False,) * self.ndim
        return Apply(self, [x] + params, [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        ws, stride, pad = _runtime_params(self, *inputs[1:])
        output_storage[0][0] = _pool_forward(x, ws, stride, pad, self.ignore_border, self.mode,
                                             node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        ws, stride, pad = _symbolic_params(node, 1)
        return [tuple(Pool.out_shape(input_shapes[0], ws, self.ignore_border, stride, pad,
                                     self.ndim))]

    def connection_pattern(self, node):
        return [[True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, ws, stride, pad = inputs
        (z,), (gz,) = outputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            gx = zeros_like(x, dtype=config.floatX)
        elif self.mode == "max":
            gx = MaxPoolGrad(**self._same_params())(x, z, gz, ws, stride, pad)
        else:
            gx = AveragePoolGrad(mode=self.mode, **self._same_params())(x, gz, ws, stride, pad)
        return [gx] + [_disconnected() for _ in range(3)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        x, ws, stride, pad = inputs
        if self.mode == "max":
            return [MaxPoolRop(**self._same_params())(x, eval_points[0], ws, stride, pad)]
        return [self(eval_points[0], ws, stride, pad)]


def _out_shape(imgshape, ws=None, ignore_border=False, stride=None, pad=None, ndim=2, ds=None,
               st=None, padding=None):
    """Shape (a list) of the pooling output for an input of shape ``imgshape``: the leading
    dimensions, then one output length per pooled dimension. Entries may be Python ints or
    symbolic int scalars. ``ds``/``st``/``padding`` are the deprecated names of
    ``ws``/``stride``/``pad``."""
    if ds is not None:
        if ws is not None:
            raise ValueError("out_shape: give ws or its deprecated name ds, not both")
        ws = ds
    if st is not None:
        if stride is not None:
            raise ValueError("out_shape: give stride or its deprecated name st, not both")
        stride = st
    if padding is not None:
        if pad is not None:
            raise ValueError("out_shape: give pad or its deprecated name padding, not both")
        pad = padding
    if ws is None:
        raise ValueError("out_shape: the window size ws is required")
    if len(imgshape) < ndim:
        raise TypeError(f"out_shape: imgshape must have at least {ndim} entries, got {imgshape!r}")
    stride = ws if stride is None else stride
    pad = (0,) * ndim if pad is None else pad
    lead = list(imgshape[:-ndim])
    spatial = imgshape[-ndim:]
    return lead + [pool_output_length(spatial[a], ws[a], stride[a], pad[a], ignore_border)
                   for a in range(ndim)]


_PoolBase.out_shape = staticmethod(_out_shape)


class PoolGrad(_PoolBase):
    """Base class of the pooling gradient ops (``MaxPoolGrad``, ``AveragePoolGrad``)."""


class MaxPoolGrad(PoolGrad):
    """Gradient of max pooling: ``MaxPoolGrad(ignore_border, mode='max', ndim)(x, maxout, gz, ws,
    stride=None, pad=None) -> gx``; each window's ``gz`` goes to every cell of the window equal to
    its maximum ``maxout``."""

    def __init__(self, ignore_border=False, mode="max", ndim=2, openmp=None):
        if mode not in ("max", "max_deterministic"):
            raise ValueError(f"MaxPoolGrad is for mode 'max', got {mode!r}")
        super().__init__(ignore_border, mode, ndim, openmp)

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None):
        x, maxout, gz = (self._tensor(v, n) for v, n in ((x, "x"), (maxout, "maxout"), (gz, "gz")))
        if not (x.ndim == maxout.ndim == gz.ndim):
            raise TypeError(f"MaxPoolGrad: x, maxout and gz must have the same number of "
                            f"dimensions, got {x.ndim}, {maxout.ndim} and {gz.ndim}")
        params = self._params(ws, stride, pad)
        return Apply(self, [x, maxout, gz] + params, [TensorType(gz.dtype, x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, z, gz = inputs[:3]
        ws, stride, pad = _runtime_params(self, *inputs[3:])
        mask, out_shape, extents = _max_mask(x, z, ws, stride, pad, self.ignore_border)
        expected = x.shape[:-self.ndim] + out_shape
        if gz.shape != expected or z.shape != expected:
            raise ValueError(f"MaxPoolGrad: maxout has shape {z.shape} and gz has shape "
                             f"{gz.shape}, expected {expected} for x of shape {x.shape}")
        contrib = mask * gz[(Ellipsis,) + (None,) * self.ndim]
        output_storage[0][0] = _scatter_windows(contrib, x.shape, ws, stride, pad, extents,
                                                out_shape, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, z, gz, ws, stride, pad = inputs
        (g,) = output_grads

        # piecewise constant in x and maxout; linear in gz
        gg = DownsampleFactorMaxGradGrad(**self._same_params())(x, z, g, ws, stride, pad)
        return [zeros_like(x), zeros_like(z), gg] + [_disconnected() for _ in range(3)]


class DownsampleFactorMaxGradGrad(_PoolBase):
    """``(x, maxout, gx, ws, stride=None, pad=None) -> gz``: for each window, the sum of ``gx``
    over the cells equal to the window's maximum ``maxout`` (MaxPoolGrad transposed in its
    gradient argument; the gradient of MaxPoolGrad)."""

    def __init__(self, ignore_border=False, mode="max", ndim=2, openmp=None):
        if mode not in ("max", "max_deterministic"):
            raise ValueError(f"DownsampleFactorMaxGradGrad is for mode 'max', got {mode!r}")
        super().__init__(ignore_border, mode, ndim, openmp)

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None):
        x, maxout, gz = (self._tensor(v, n) for v, n in ((x, "x"), (maxout, "maxout"), (gz, "gx")))
        if not (x.ndim == maxout.ndim == gz.ndim):
            raise TypeError("DownsampleFactorMaxGradGrad: x, maxout and gx must have the same "
                            "number of dimensions")
        params = self._params(ws, stride, pad)
        return Apply(self, [x, maxout, gz] + params, [TensorType(gz.dtype, maxout.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, z, gx = inputs[:3]
        ws, stride, pad = _runtime_params(self, *inputs[3:])
        if gx.shape != x.shape:
            raise ValueError(f"DownsampleFactorMaxGradGrad: gx has shape {gx.shape} but x has "
                             f"shape {x.shape}")
        mask, out_shape, extents = _max_mask(x, z, ws, stride, pad, self.ignore_border)
        if z.shape != x.shape[:-self.ndim] + out_shape:
            raise ValueError(f"DownsampleFactorMaxGradGrad: maxout has shape {z.shape}, expected "
                             f"{x.shape[:-self.ndim] + out_shape}")
        gwin = _windows(_working_image(gx, pad, extents, 0), ws, stride, out_shape)
        out = (gwin * mask).sum(axis=_window_axes(self.ndim))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, z, gx, ws, stride, pad = inputs
        (g,) = output_grads

        gg = MaxPoolGrad(**self._same_params())(x, z, g, ws, stride, pad)
        return [zeros_like(x), zeros_like(z), gg] + [_disconnected() for _ in range(3)]


MaxPoolGradGrad = DownsampleFactorMaxGradGrad


class AveragePoolGrad(PoolGrad):
    """Gradient of sum/average pooling: ``AveragePoolGrad(ignore_border, mode, ndim)(x, gz, ws,
    stride=None, pad=None) -> gx``; ``x`` only gives the shape."""

    default_mode = "average_inc_pad"

    def __init__(self, ignore_border=False, mode="average_inc_pad", ndim=2, openmp=None):
        if mode == "max":
            raise ValueError("AveragePoolGrad is for modes 'sum', 'average_inc_pad' and "
                             "'average_exc_pad', got 'max'")
        super().__init__(ignore_border, mode, ndim, openmp)

    def make_node(self, x, gz, ws, stride=None, pad=None):
        x = self._tensor(x, "x")
        gz = self._tensor(gz, "gz")
        if x.ndim != gz.ndim:
            raise TypeError(f"AveragePoolGrad: x and gz must have the same number of dimensions, "
                            f"got {x.ndim} and {gz.ndim}")
        params = self._params(ws, stride, pad)
        return Apply(self, [x, gz] + params, [TensorType(gz.dtype, x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, gz = inputs[:2]
        ws, stride, pad = _runtime_params(self, *inputs[2:])
        out_shape, extents = _layout(x.shape, ws, stride, pad, self.ignore_border)
        expected = x.shape[:-self.ndim] + out_shape
        if gz.shape != expected:
            raise ValueError(f"AveragePoolGrad: gz has shape {gz.shape}, expected {expected}")
        g = gz
        if self.mode != "sum":
            div = _divisor(x.shape, ws, stride, pad, out_shape, self.mode)
            with np.errstate(invalid="ignore", divide="ignore"):
                g = np.where(div > 0, gz / np.maximum(div, 1), 0)
        # contributions that land on padding or past the image are cropped by the scatter
        contrib = np.broadcast_to(g[(Ellipsis,) + (None,) * self.ndim], g.shape + ws)
        output_storage[0][0] = _scatter_windows(contrib, x.shape, ws, stride, pad, extents,
                                                out_shape, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, gz, ws, stride, pad = inputs
        (g,) = output_grads

        # x only gives the shape (zero gradient); linear in gz, whose adjoint is the pooling
        g_gz = Pool(mode=self.mode, **self._same_params())(g, ws, stride, pad)
        return [zeros_like(x), g_gz] + [_disconnected() for _ in range(3)]


class MaxPoolRop(_PoolBase):
    """R-operator of max pooling: ``(x, eval_point, ws, stride=None, pad=None)``; for each window,
    the value of ``eval_point`` where ``x`` has its maximum (the first one in window order)."""

    def __init__(self, ignore_border=False, mode="max", ndim=2, openmp=None):
        if mode not in ("max", "max_deterministic"):
            raise ValueError(f"MaxPoolRop is for mode 'max', got {mode!r}")
        super().__init__(ignore_border, mode, ndim, openmp)

    def make_node(self, x, eval_point, ws, stride=None, pad=None):
        x = self._tensor(x, "x")
        ev = self._tensor(eval_point, "eval_point")
        if x.ndim != ev.ndim:
            raise TypeError("MaxPoolRop: x and eval_point must have the same number of dimensions")
        params = self._params(ws, stride, pad)
        bcast = x.broadcastable[:-self.ndim] + (False,) * self.ndim
        return Apply(self, [x, ev] + params, [TensorType(ev.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, ev = inputs[:2]
        ws, stride, pad = _runtime_params(self, *inputs[2:])
        if ev.shape != x.shape:
            raise ValueError(f"MaxPoolRop: eval_point has shape {ev.shape} but x has shape "
                             f"{x.shape}")
        nd = self.ndim
        out_shape, extents = _layout(x.shape, ws, stride, pad, self.ignore_border)
        full = x.shape[:-nd] + out_shape
        dtype = node.outputs[0].dtype
        if 0 in full:
            output_storage[0][0] = np.zeros(full, dtype=dtype)
            return
        xw = _windows(_working_image(x, pad, extents, _lowest(x.dtype)), ws, stride, out_shape)
        ew = _windows(_working_image(ev, pad, extents, 0), ws, stride, out_shape)
        flat = full + (int(np.prod(ws)),)
        pos = np.argmax(xw.reshape(flat), axis=-1)[..., None]
        out = np.take_along_axis(ew.reshape(flat), pos, axis=-1)[..., 0]
        output_storage[0][0] = np.asarray(out, dtype=dtype)

    def infer_shape(self, node, input_shapes):
        ws, stride, pad = _symbolic_params(node, 2)
        return [tuple(Pool.out_shape(input_shapes[0], ws, self.ignore_border, stride, pad,
                                     self.ndim))]

    def connection_pattern(self, node):
        return [[True], [True], [False], [False], [False]]


# -------------------------------------------------------------------------------------------------
# User functions
# -------------------------------------------------------------------------------------------------


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max", ds=None, st=None,
            padding=None):
    """Pool the last two dimensions of ``input`` (a tensor with >= 2 dimensions).

    ``ws``: window (rows, cols). ``ignore_border``: when True a (5, 5) input with ws=(2, 2) gives
    (2, 2), else (3, 3); None warns and uses False (Theano 1.0's default). ``stride``: step between
    windows (default ``ws``). ``pad``: zero padding (rows, cols) on both sides, needs
    ``ignore_border=True``. ``mode``: 'max', 'sum', 'average_inc_pad' or 'average_exc_pad'
    ('average' means 'average_inc_pad'). ``ws``, ``stride`` and ``pad`` may be tuples of ints or
    symbolic int vectors. ``ds``, ``st``, ``padding``: deprecated names of ``ws``, ``stride``,
    ``pad``.
    """
    ws, stride, pad = _deprecated_names("pool_2d", ws, stride, pad, ds, st, padding, 2)
    return _pool(input, ws, ignore_border, stride, pad, mode, 2)


def pool_3d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0, 0), mode="max", ds=None,
            st=None, padding=None):
    """Pool the last three dimensions of ``input`` (a tensor with >= 3 dimensions); arguments as
    for ``pool_2d`` with three entries per tuple."""
    ws, stride, pad = _deprecated_names("pool_3d", ws, stride, pad, ds, st, padding, 3)
    return _pool(input, ws, ignore_border, stride, pad, mode, 3)


def _is_default_pad(pad, nd):
    return pad is None or (isinstance(pad, (tuple, list)) and len(pad) == nd
                           and all(isinstance(p, (int, np.integer)) and p == 0 for p in pad))


def _deprecated_names(who, ws, stride, pad, ds, st, padding, nd):
    if ds is not None:
        if ws is not None:
            raise ValueError(f"{who}: give ws or its deprecated name ds, not both")
        warnings.warn(f"{who}: 'ds' is deprecated, use 'ws'", DeprecationWarning, stacklevel=3)
        ws = ds
    if ws is None:
        raise ValueError(f"{who}: the window size ws is required")
    if st is not None:
        if stride is not None:
            raise ValueError(f"{who}: give stride or its deprecated name st, not both")
        warnings.warn(f"{who}: 'st' is deprecated, use 'stride'", DeprecationWarning, stacklevel=3)
        stride = st
    if padding is not None:
        if not _is_default_pad(pad, nd):
            raise ValueError(f"{who}: give pad or its deprecated name padding, not both")
        warnings.warn(f"{who}: 'padding' is deprecated, use 'pad'", DeprecationWarning,
                      stacklevel=3)
        pad = padding
    return ws, stride, pad


def _pool(input, ws, ignore_border, stride, pad, mode, nd):
    who = f"pool_{nd}d"
    if ignore_border is None:
        warnings.warn(
            f"{who}: ignore_border was not given; using ignore_border=False (Theano 1.0's default). "
            "Pass ignore_border=True or False explicitly to silence this warning.", stacklevel=3)
        ignore_border = False
    if mode == "average":
        mode = "average_inc_pad"
    if mode not in MODES and mode != "max_deterministic":
        raise ValueError(f"{who}: pool mode must be one of {MODES}, got {mode!r}")
    for name, value in (("ws", ws), ("stride", stride), ("pad", pad)):
        if isinstance(value, (tuple, list)) and len(value) != nd:
            raise ValueError(f"{who}: {name} must be a tuple of {nd} ints, got {value!r}")
    x = _nd_input(input, who, nd)
    return Pool(ignore_border, mode=mode, ndim=nd)(x, ws, stride, pad)


def _nd_input(x, who, nd=2):
    x = as_tensor_variable(x)
    if x.ndim < nd:
        raise TypeError(f"{who}: input must have at least {nd} dimensions, got {x.ndim} ({x})")
    return x


def max_pool_2d_same_size(input, patch_size):
    """Keep the maximum of each non-overlapping ``patch_size`` window and zero everything else
    (same shape as ``input``; rows/cols beyond the last whole window become 0)."""
    x = _nd_input(input, "max_pool_2d_same_size")
    pooled = Pool(True, mode="max", ndim=2)(x, patch_size)
    return MaxPoolGrad(True, mode="max", ndim=2)(x, pooled, pooled, patch_size)
