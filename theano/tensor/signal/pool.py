"""Pooling (down-sampling) over the last two (``pool_2d``) or three (``pool_3d``) dimensions.

``pool_2d(input, ws, ignore_border, stride, pad, mode)`` with the modes

- ``'max'``: maximum of each window (padding never wins);
- ``'sum'``: sum of each window;
- ``'average_inc_pad'``: sum divided by the window size, padding cells counted;
- ``'average_exc_pad'``: mean of the real (non-padding) cells of each window.

Ops: ``Pool`` (forward), ``MaxPoolGrad`` and ``AveragePoolGrad`` (gradients), and
``MaxPoolGradGrad`` (the gradient of MaxPoolGrad wrt its output gradient). Window size, stride and
padding are op parameters (tuples of Python ints); their length is the number of pooled dimensions.

Output length along one axis of length ``n`` with window ``w``, stride ``s`` and padding ``p``:
with ``ignore_border=True``, ``(n + 2p - w) // s + 1`` (at least 0); otherwise windows that run off
the end are kept (truncated): ``(n - 1) // s + 1`` if ``s >= w`` else
``max(0, (n - 1 - w + s) // s) + 1``. Padding needs ``ignore_border=True`` and ``p < w``.
"""

import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType

__all__ = ["pool_2d", "pool_3d", "max_pool_2d_same_size", "Pool", "MaxPoolGrad", "AveragePoolGrad",
           "MaxPoolGradGrad", "pool_output_length"]

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


# -------------------------------------------------------------------------------------------------
# Geometry
# -------------------------------------------------------------------------------------------------


def pool_output_length(n, ws, stride, pad, ignore_border):
    """Output length along one axis (works on ints and on symbolic int scalars)."""
    if ignore_border:
        out = (n + 2 * pad - ws) // stride + 1
        if isinstance(out, (int, np.integer)):
            return max(0, int(out))
        from theano.tensor.math import maximum

        return maximum(out, 0)
    if stride >= ws:
        out = (n - 1) // stride + 1
    else:
        inner = (n - 1 - ws + stride) // stride
        if isinstance(inner, (int, np.integer)):
            out = max(0, int(inner)) + 1
        else:
            from theano.tensor.math import maximum

            out = maximum(inner, 0) + 1
    if isinstance(out, (int, np.integer)):
        return int(out) if n > 0 else 0
    from theano.tensor.math import switch, gt

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


def _check_params(ws, stride, pad, ignore_border, mode):
    if not isinstance(ws, (tuple, list)) or len(ws) < 1:
        raise ValueError(f"ws must be a tuple of ints (one per pooled dimension), got {ws!r}")
    nd = len(ws)
    words = {2: "two", 3: "three"}.get(nd, str(nd))

    def pair(v, name, minimum):
        if not isinstance(v, (tuple, list)) or len(v) != nd:
            raise ValueError(f"{name} must be a tuple of {words} ints, got {v!r}")
        out = []
        for e in v:
            if isinstance(e, bool) or not isinstance(e, (int, np.integer)):
                raise TypeError(f"{name} must hold Python ints (symbolic sizes are not supported), "
                                f"got {v!r}")
            if e < minimum:
                raise ValueError(f"{name} entries must be >= {minimum}, got {v!r}")
            out.append(int(e))
        return tuple(out)

    ws = pair(ws, "ws", 1)
    stride = pair(stride if stride is not None else ws, "stride", 1)
    pad = pair(pad, "pad", 0)
    if mode not in MODES:
        raise ValueError(f"pool mode must be one of {MODES}, got {mode!r}")
    if any(pad):
        if not ignore_border:
            raise NotImplementedError("pooling with padding needs ignore_border=True")
        if any(p >= w for p, w in zip(pad, ws)):
            raise NotImplementedError(f"pad {pad} must be smaller than the window size {ws}")
    return ws, stride, pad


class _PoolBase(Op):
    __props__ = ("ws", "stride", "pad", "ignore_border", "mode")

    def __init__(self, ws, stride=None, pad=(0, 0), ignore_border=False, mode="max"):
        self.ws, self.stride, self.pad = _check_params(ws, stride, pad, ignore_border, mode)
        self.ignore_border = bool(ignore_border)
        self.mode = mode

    def __str__(self):
        return (f"{type(self).__name__}{{ws={self.ws}, stride={self.stride}, pad={self.pad}, "
                f"ignore_border={self.ignore_border}, mode={self.mode}}}")

    @property
    def nd(self):
        """Number of pooled (trailing) dimensions."""
        return len(self.ws)

    def _out_shape_sym(self, shape):
        nd = self.nd
        return tuple(shape[:-nd]) + tuple(
            pool_output_length(shape[-nd + a], self.ws[a], self.stride[a], self.pad[a],
                               self.ignore_border) for a in range(nd))

    def _input(self, x, who, name="input"):
        x = as_tensor_variable(x)
        if x.ndim < self.nd:
            raise TypeError(f"{who}: {name} must have at least {self.nd} dimensions, got {x.ndim} "
                            f"({x})")
        return x

    def _params(self):
        return dict(ws=self.ws, stride=self.stride, pad=self.pad, ignore_border=self.ignore_border,
                    mode=self.mode)


def _nd_input(x, who, nd=2):
    x = as_tensor_variable(x)
    if x.ndim < nd:
        raise TypeError(f"{who}: input must have at least {nd} dimensions, got {x.ndim} ({x})")
    return x


class Pool(_PoolBase):
    """Pool the last ``len(ws)`` dimensions of ``x`` (which may have more, leading ones)."""

    def make_node(self, x):
        who = f"pool_{self.nd}d"
        x = self._input(x, who)
        if self.mode.startswith("average") and x.dtype in ts.discrete_dtypes:
            raise TypeError(f"{who}: mode {self.mode!r} needs a float input, got dtype {x.dtype}")
        bcast = x.broadcastable[:-self.nd] + (False,) * self.nd
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = _pool_forward(x, self.ws, self.stride, self.pad, self.ignore_border,
                                             self.mode, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [self._out_shape_sym(input_shapes[0])]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (z,), (gz,) = inputs, outputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            from theano.tensor.basic import zeros_like
            from theano.configdefaults import config

            return [zeros_like(x, dtype=config.floatX)]
        if self.mode == "max":
            return [MaxPoolGrad(**self._params())(x, z, gz)]
        return [AveragePoolGrad(**self._params())(x, gz)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        if self.mode == "max":
            x = inputs[0]
            return [MaxPoolGradGrad(**self._params())(x, self(x), eval_points[0])]
        return [self(eval_points[0])]


class MaxPoolGrad(_PoolBase):
    """Gradient of max pooling: ``(x, z, gz) -> gx``; each window's ``gz`` goes to every cell of
    the window equal to its maximum ``z``."""

    def __init__(self, ws, stride=None, pad=(0, 0), ignore_border=False, mode="max"):
        if mode != "max":
            raise ValueError(f"MaxPoolGrad is for mode 'max', got {mode!r}")
        super().__init__(ws, stride, pad, ignore_border, mode)

    def make_node(self, x, z, gz):
        x = self._input(x, "MaxPoolGrad", "x")
        z = self._input(z, "MaxPoolGrad", "z")
        gz = self._input(gz, "MaxPoolGrad", "gz")
        if not (x.ndim == z.ndim == gz.ndim):
            raise TypeError(f"MaxPoolGrad: x, z and gz must have the same number of dimensions, got "
                            f"{x.ndim}, {z.ndim} and {gz.ndim}")
        return Apply(self, [x, z, gz], [TensorType(gz.dtype, x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, z, gz = inputs
        mask, out_shape, extents = _max_mask(x, z, self.ws, self.stride, self.pad, self.ignore_border)
        expected = x.shape[:-self.nd] + out_shape
        if gz.shape != expected:
            raise ValueError(f"MaxPoolGrad: gz has shape {gz.shape}, expected {expected}")
        dtype = node.outputs[0].dtype
        contrib = mask * gz[(Ellipsis,) + (None,) * self.nd]
        output_storage[0][0] = _scatter_windows(contrib, x.shape, self.ws, self.stride, self.pad,
                                                extents, out_shape, dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        x, z, gz = inputs
        (g,) = output_grads
        from theano.tensor.basic import zeros_like

        # piecewise constant in x and z; linear in gz
        return [zeros_like(x), zeros_like(z), MaxPoolGradGrad(**self._params())(x, z, g)]


class MaxPoolGradGrad(_PoolBase):
    """``(x, z, gx) -> gz``: for each window, the sum of ``gx`` over the cells equal to the window's
    maximum ``z`` (the transpose of MaxPoolGrad in its last argument)."""

    def __init__(self, ws, stride=None, pad=(0, 0), ignore_border=False, mode="max"):
        if mode != "max":
            raise ValueError(f"MaxPoolGradGrad is for mode 'max', got {mode!r}")
        super().__init__(ws, stride, pad, ignore_border, mode)

    def make_node(self, x, z, gx):
        x = self._input(x, "MaxPoolGradGrad", "x")
        z = self._input(z, "MaxPoolGradGrad", "z")
        gx = self._input(gx, "MaxPoolGradGrad", "gx")
        if not (x.ndim == z.ndim == gx.ndim):
            raise TypeError("MaxPoolGradGrad: x, z and gx must have the same number of dimensions")
        return Apply(self, [x, z, gx], [TensorType(gx.dtype, z.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, z, gx = inputs
        if gx.shape != x.shape:
            raise ValueError(f"MaxPoolGradGrad: gx has shape {gx.shape} but x has shape {x.shape}")
        mask, out_shape, extents = _max_mask(x, z, self.ws, self.stride, self.pad, self.ignore_border)
        gwin = _windows(_working_image(gx, self.pad, extents, 0), self.ws, self.stride, out_shape)
        out = (gwin * mask).sum(axis=_window_axes(self.nd))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def L_op(self, inputs, outputs, output_grads):
        x, z, gx = inputs
        (g,) = output_grads
        from theano.tensor.basic import zeros_like

        return [zeros_like(x), zeros_like(z), MaxPoolGrad(**self._params())(x, z, g)]


class AveragePoolGrad(_PoolBase):
    """Gradient of sum/average pooling: ``(x, gz) -> gx``; ``x`` only gives the shape."""

    def __init__(self, ws, stride=None, pad=(0, 0), ignore_border=False, mode="average_inc_pad"):
        if mode == "max":
            raise ValueError("AveragePoolGrad is for modes 'sum', 'average_inc_pad' and "
                             "'average_exc_pad', got 'max'")
        super().__init__(ws, stride, pad, ignore_border, mode)

    def make_node(self, x, gz):
        x = self._input(x, "AveragePoolGrad", "x")
        gz = self._input(gz, "AveragePoolGrad", "gz")
        if x.ndim != gz.ndim:
            raise TypeError(f"AveragePoolGrad: x and gz must have the same number of dimensions, got "
                            f"{x.ndim} and {gz.ndim}")
        return Apply(self, [x, gz], [TensorType(gz.dtype, x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, gz = inputs
        out_shape, extents = _layout(x.shape, self.ws, self.stride, self.pad, self.ignore_border)
        expected = x.shape[:-self.nd] + out_shape
        if gz.shape != expected:
            raise ValueError(f"AveragePoolGrad: gz has shape {gz.shape}, expected {expected}")
        dtype = node.outputs[0].dtype
        g = gz
        if self.mode != "sum":
            div = _divisor(x.shape, self.ws, self.stride, self.pad, out_shape, self.mode)
            with np.errstate(invalid="ignore", divide="ignore"):
                g = np.where(div > 0, gz / np.maximum(div, 1), 0)
        # contributions that land on padding or past the image are cropped by the scatter
        contrib = np.broadcast_to(g[(Ellipsis,) + (None,) * self.nd], g.shape + self.ws)
        output_storage[0][0] = _scatter_windows(contrib, x.shape, self.ws, self.stride, self.pad,
                                                extents, out_shape, dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        x, gz = inputs
        (g,) = output_grads
        # linear in gz: its adjoint is the forward pooling itself
        return [None, Pool(**self._params())(g)]


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
    ('average' means 'average_inc_pad'). ``ds``, ``st``, ``padding``: deprecated names of ``ws``,
    ``stride``, ``pad``.
    """
    if ds is not None:
        if ws is not None:
            raise ValueError("pool_2d: give ws or its deprecated name ds, not both")
        warnings.warn("pool_2d: 'ds' is deprecated, use 'ws'", DeprecationWarning, stacklevel=2)
        ws = ds
    if ws is None:
        raise ValueError("pool_2d: the window size ws is required")
    if st is not None:
        if stride is not None:
            raise ValueError("pool_2d: give stride or its deprecated name st, not both")
        warnings.warn("pool_2d: 'st' is deprecated, use 'stride'", DeprecationWarning, stacklevel=2)
        stride = st
    if padding is not None:
        if tuple(pad) != (0, 0):
            raise ValueError("pool_2d: give pad or its deprecated name padding, not both")
        warnings.warn("pool_2d: 'padding' is deprecated, use 'pad'", DeprecationWarning, stacklevel=2)
        pad = padding
    return _pool(input, ws, ignore_border, stride, pad, mode, 2)


def pool_3d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0, 0), mode="max"):
    """Pool the last three dimensions of ``input`` (a tensor with >= 3 dimensions); arguments as
    for ``pool_2d`` with three entries per tuple."""
    if ws is None:
        raise ValueError("pool_3d: the window size ws is required")
    return _pool(input, ws, ignore_border, stride, pad, mode, 3)


def _pool(input, ws, ignore_border, stride, pad, mode, nd):
    who = f"pool_{nd}d"
    if ignore_border is None:
        warnings.warn(
            f"{who}: ignore_border was not given; using ignore_border=False (Theano 1.0's default). "
            "Pass ignore_border=True or False explicitly to silence this warning.", stacklevel=3)
        ignore_border = False
    if mode == "average":
        mode = "average_inc_pad"
    for name, value in (("ws", ws), ("stride", stride), ("pad", pad)):
        if value is not None and (not isinstance(value, (tuple, list)) or len(value) != nd):
            raise ValueError(f"{who}: {name} must be a tuple of {nd} ints, got {value!r}")
    x = _nd_input(input, who, nd)
    op = Pool(tuple(ws), None if stride is None else tuple(stride), tuple(pad), ignore_border, mode)
    return op(x)


def max_pool_2d_same_size(input, patch_size):
    """Keep the maximum of each non-overlapping ``patch_size`` window and zero everything else
    (same shape as ``input``; rows/cols beyond the last whole window become 0)."""
    x = _nd_input(input, "max_pool_2d_same_size")
    pooled = Pool(tuple(patch_size), None, (0, 0), True, "max")(x)
    return MaxPoolGrad(tuple(patch_size), None, (0, 0), True, "max")(x, pooled, pooled)
