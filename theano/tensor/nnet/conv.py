"""2-D convolution of a batch of multi-channel images with a bank of filters.

``conv2d(input, filters)``: ``input`` is (batch, channels, rows, cols), ``filters`` is
(n_filters, channels, filter_rows, filter_cols); the result is (batch, n_filters, out_rows,
out_cols). Three ops carry the whole thing:

- ``Conv2d``: the forward convolution (or cross-correlation when ``filter_flip=False``);
- ``Conv2dGradInputs``: its gradient wrt the input (also the "transposed convolution");
- ``Conv2dGradWeights``: its gradient wrt the filters.

Each one's gradient is written with the other two, so gradients of any order exist. The NumPy
implementation builds the image patches as a strided view (im2col without a Python loop) and does
one BLAS matrix product (``np.tensordot``); the input gradient scatters the patch gradients back with
one vectorized addition per filter tap.
"""

import warnings

import numpy as np

from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable, get_scalar_constant_value
from theano.tensor.shape import shape_i
from theano.tensor.type import TensorType

__all__ = ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
           "get_conv_output_shape", "get_conv_shape_1axis", "Conv2d", "Conv2dGradInputs",
           "Conv2dGradWeights"]


# -------------------------------------------------------------------------------------------------
# Argument normalization
# -------------------------------------------------------------------------------------------------


def _int_pair(value, name, minimum):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a tuple of two ints, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be a tuple of two ints, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} entries must be >= {minimum}, got {value!r}")
        out.append(int(v))
    return tuple(out)


def _border_mode(border_mode):
    """'valid', 'full', 'half' or a (pad_rows, pad_cols) tuple of non-negative ints."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"border_mode must be 'valid', 'full', 'half', an int or a pair of ints, "
                             f"got {border_mode!r}")
        return border_mode
    try:
        pads = _int_pair(border_mode, "border_mode", 0)
    except ValueError:
        raise ValueError(f"border_mode must be 'valid', 'full', 'half', an int or a pair of "
                         f"non-negative ints, got {border_mode!r}") from None
    return "valid" if pads == (0, 0) else pads


def _shape_hint(shape, name):
    """A 4-tuple of ints or None (symbolic entries that are constants count as ints)."""
    if shape is None:
        return None
    if not isinstance(shape, (tuple, list)) or len(shape) != 4:
        raise ValueError(f"{name} must be a tuple of 4 entries (int or None), got {shape!r}")
    out = []
    for s in shape:
        if s is None:
            out.append(None)
            continue
        if not isinstance(s, (int, np.integer)):
            try:
                s = int(get_scalar_constant_value(s))
            except Exception:
                out.append(None)
                continue
        if s < 0:
            raise ValueError(f"{name} entries must be non-negative, got {shape!r}")
        out.append(int(s))
    return tuple(out)


def _pad_amount(border_mode, k, dil):
    """Padding on each side of one axis for a filter of length ``k`` (int or symbolic)."""
    if border_mode == "valid":
        return 0
    if border_mode == "full":
        return (k - 1) * dil
    if border_mode == "half":
        return ((k - 1) * dil + 1) // 2
    raise AssertionError(border_mode)


def get_conv_shape_1axis(image_len, kernel_len, border_mode, subsample, dilation=1):
    """Output length along one axis (None when an input is None); ``border_mode`` is 'valid',
    'full', 'half' or an int padding."""
    if image_len is None or kernel_len is None:
        return None
    if isinstance(border_mode, str):
        pad = _pad_amount(border_mode, kernel_len, dilation)
    else:
        pad = border_mode
    dk = (kernel_len - 1) * dilation + 1
    return (image_len + 2 * pad - dk) // subsample + 1


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample, filter_dilation=(1, 1)):
    """The output shape (batch, n_filters, rows, cols) of ``conv2d``; entries may be None."""
    border_mode = _border_mode(border_mode)
    subsample = _int_pair(subsample, "subsample", 1)
    filter_dilation = _int_pair(filter_dilation, "filter_dilation", 1)
    out = [image_shape[0], kernel_shape[0]]
    for a in range(2):
        bm = border_mode if isinstance(border_mode, str) else border_mode[a]
        out.append(get_conv_shape_1axis(image_shape[2 + a], kernel_shape[2 + a], bm, subsample[a],
                                        filter_dilation[a]))
    return tuple(out)


# -------------------------------------------------------------------------------------------------
# NumPy kernels
# -------------------------------------------------------------------------------------------------


def _pads(border_mode, kshape, dilation):
    if isinstance(border_mode, tuple):
        return border_mode
    return tuple(_pad_amount(border_mode, kshape[a], dilation[a]) for a in range(2))


def _out_len(n, pad, k, stride, dil):
    return (n + 2 * pad - ((k - 1) * dil + 1)) // stride + 1


def _padded(x, pads):
    ph, pw = pads
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _tap(a, i, j, out_shape, subsample, dilation):
    """The (B, C, oh, ow) slice of the padded image ``a`` seen by filter tap (i, j)."""
    r0, c0 = i * dilation[0], j * dilation[1]
    return a[:, :, r0:r0 + subsample[0] * (out_shape[0] - 1) + 1:subsample[0],
             c0:c0 + subsample[1] * (out_shape[1] - 1) + 1:subsample[1]]


def _im2col(xp, kshape, out_shape, subsample, dilation):
    """The patches of ``xp`` as a (B * oh * ow, C * kh * kw) matrix, one slice copy per tap."""
    b, c = xp.shape[:2]
    kh, kw = kshape
    cols = np.empty((b, out_shape[0], out_shape[1], c, kh, kw), dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[..., i, j] = _tap(xp, i, j, out_shape, subsample, dilation).transpose(0, 2, 3, 1)
    return cols.reshape(b * out_shape[0] * out_shape[1], c * kh * kw)


def _out_shape(img, kshape, pads, subsample, dilation):
    return tuple(_out_len(img[a], pads[a], kshape[a], subsample[a], dilation[a]) for a in range(2))


def corr2d(x, w, pads, subsample, dilation, dtype):
    """Cross-correlation of x (B, C, H, W) with w (F, C, kh, kw) -> (B, F, oh, ow)."""
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    out_hw = _out_shape(x.shape[2:], w.shape[2:], pads, subsample, dilation)
    shape = (x.shape[0], w.shape[0], max(out_hw[0], 0), max(out_hw[1], 0))
    if min(shape) == 0 or x.shape[1] == 0 or min(w.shape[2:]) == 0:
        return np.zeros(shape, dtype=dtype)
    cols = _im2col(_padded(x, pads), w.shape[2:], out_hw, subsample, dilation)
    out = np.dot(cols, w.reshape(w.shape[0], -1).T)
    out = out.reshape(shape[0], shape[2], shape[3], shape[1])
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2), dtype=dtype)


def corr2d_grad_weights(x, gz, kshape, pads, subsample, dilation, dtype):
    """Gradient of corr2d wrt w: (F, C, kh, kw)."""
    x, gz = np.asarray(x, dtype=dtype), np.asarray(gz, dtype=dtype)
    shape = (gz.shape[1], x.shape[1], kshape[0], kshape[1])
    if min(gz.shape) == 0 or min(shape) == 0:
        return np.zeros(shape, dtype=dtype)
    cols = _im2col(_padded(x, pads), kshape, gz.shape[2:], subsample, dilation)
    gz_mat = gz.transpose(0, 2, 3, 1).reshape(-1, gz.shape[1])
    out = np.dot(gz_mat.T, cols)
    return np.asarray(out.reshape(shape), dtype=dtype)


def corr2d_grad_inputs(w, gz, img, pads, subsample, dilation, dtype):
    """Gradient of corr2d wrt x for an image of spatial shape ``img``: (B, C, H, W)."""
    w, gz = np.asarray(w, dtype=dtype), np.asarray(gz, dtype=dtype)
    b, c = gz.shape[0], w.shape[1]
    kh, kw = w.shape[2:]
    ph, pw = pads
    dxp = np.zeros((b, c, img[0] + 2 * ph, img[1] + 2 * pw), dtype=dtype)
    out_hw = gz.shape[2:]
    if min(gz.shape) > 0 and min(w.shape) > 0:
        gz_mat = gz.transpose(0, 2, 3, 1).reshape(-1, gz.shape[1])
        cols = np.dot(gz_mat, w.reshape(w.shape[0], -1))
        cols = cols.reshape(b, out_hw[0], out_hw[1], c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
        for i in range(kh):
            for j in range(kw):
                _tap(dxp, i, j, out_hw, subsample, dilation)[...] += cols[:, :, i, j]
    return np.ascontiguousarray(dxp[:, :, ph:ph + img[0], pw:pw + img[1]])


# -------------------------------------------------------------------------------------------------
# Ops
# -------------------------------------------------------------------------------------------------


class _BaseConv2d(Op):
    __props__ = ("border_mode", "subsample", "filter_flip", "filter_dilation", "imshp", "kshp")

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1), filter_flip=True,
                 filter_dilation=(1, 1)):
        self.border_mode = _border_mode(border_mode)
        self.subsample = _int_pair(subsample, "subsample", 1)
        self.filter_flip = bool(filter_flip)
        self.filter_dilation = _int_pair(filter_dilation, "filter_dilation", 1)
        self.imshp = _shape_hint(imshp, "input_shape")
        self.kshp = _shape_hint(kshp, "filter_shape")

    def __str__(self):
        return (f"{type(self).__name__}{{{self.border_mode}, {self.subsample}, "
                f"flip={self.filter_flip}, dilation={self.filter_dilation}}}")

    def _other(self, cls):
        return cls(self.imshp, self.kshp, self.border_mode, self.subsample, self.filter_flip,
                   self.filter_dilation)

    def _check_hint(self, hint, actual, what):
        if hint is None:
            return
        for h, a in zip(hint, actual):
            if h is not None and h != a:
                raise ValueError(f"{type(self).__name__}: the {what} has shape {tuple(actual)} but the "
                                 f"shape given when building the graph was {hint} (None = any)")

    def _check_channels(self, x_shape, w_shape):
        if x_shape[1] != w_shape[1]:
            raise ValueError(f"{type(self).__name__}: the input has {x_shape[1]} channels (shape "
                             f"{tuple(x_shape)}) but the filters expect {w_shape[1]} (shape "
                             f"{tuple(w_shape)})")

    def _pads(self, kshape):
        return _pads(self.border_mode, kshape, self.filter_dilation)

    def _sym_out_len(self, n, k, axis):
        bm = self.border_mode
        pad = bm[axis] if isinstance(bm, tuple) else _pad_amount(bm, k, self.filter_dilation[axis])
        dk = (k - 1) * self.filter_dilation[axis] + 1
        return (n + 2 * pad - dk) // self.subsample[axis] + 1

    def _flip(self, w):
        return w[:, :, ::-1, ::-1] if self.filter_flip else w


def _float4(v, who, name):
    v = as_tensor_variable(v)
    if v.ndim != 4:
        raise TypeError(f"{who}: {name} must be a 4-d tensor, got {v.ndim} dimensions ({v})")
    if v.dtype not in ts.float_dtypes:
        raise TypeError(f"{who}: {name} must hold floats, got dtype {v.dtype}")
    return v


def _int_scalar(v, who, name):
    v = as_tensor_variable(v)
    if v.ndim != 0 or v.dtype not in ts.integer_dtypes:
        raise TypeError(f"{who}: {name} must be an integer scalar, got {v.type}")
    return v


class Conv2d(_BaseConv2d):
    """``conv2d`` of ``input`` (B, C, H, W) with ``filters`` (F, C, kh, kw) -> (B, F, oh, ow).

    Props: ``border_mode`` ('valid', 'full', 'half' or a (rows, cols) padding), ``subsample``
    (strides), ``filter_flip`` (True: convolution, False: cross-correlation), ``filter_dilation``,
    and the optional shape hints ``imshp``/``kshp`` checked at run time.
    """

    def make_node(self, input, filters):
        x = _float4(input, "conv2d", "input")
        w = _float4(filters, "conv2d", "filters")
        dtype = ts.upcast(x.dtype, w.dtype)
        bcast = (x.broadcastable[0], w.broadcastable[0], False, False)
        return Apply(self, [x, w], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, w = inputs
        self._check_hint(self.imshp, x.shape, "input")
        self._check_hint(self.kshp, w.shape, "filters")
        self._check_channels(x.shape, w.shape)
        output_storage[0][0] = corr2d(x, self._flip(w), self._pads(w.shape[2:]), self.subsample,
                                      self.filter_dilation, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        xs, ws = input_shapes
        return [(xs[0], ws[0], self._sym_out_len(xs[2], ws[2], 0), self._sym_out_len(xs[3], ws[3], 1))]

    def L_op(self, inputs, outputs, output_grads):
        x, w = inputs
        (gz,) = output_grads
        gx = self._other(Conv2dGradInputs)(w, gz, shape_i(x, 2), shape_i(x, 3))
        gw = self._other(Conv2dGradWeights)(x, gz, shape_i(w, 2), shape_i(w, 3))
        return [gx, gw]

    def R_op(self, inputs, eval_points):
        x, w = inputs
        ex, ew = eval_points
        terms = []
        if ex is not None:
            terms.append(self(ex, w))
        if ew is not None:
            terms.append(self(x, ew))
        if not terms:
            return [None]
        return [terms[0] if len(terms) == 1 else terms[0] + terms[1]]


class Conv2dGradInputs(_BaseConv2d):
    """Gradient of Conv2d wrt its input: ``(filters, output_grad, rows, cols) -> (B, C, rows, cols)``.

    ``rows``/``cols`` give the input's spatial shape (needed because strided convolutions drop
    trailing rows). With the same props, this is the transposed convolution.
    """

    def make_node(self, filters, output_grad, rows, cols):
        w = _float4(filters, "conv2d_grad_wrt_inputs", "filters")
        gz = _float4(output_grad, "conv2d_grad_wrt_inputs", "output_grad")
        rows = _int_scalar(rows, "conv2d_grad_wrt_inputs", "rows")
        cols = _int_scalar(cols, "conv2d_grad_wrt_inputs", "cols")
        dtype = ts.upcast(w.dtype, gz.dtype)
        bcast = (gz.broadcastable[0], w.broadcastable[1], False, False)
        return Apply(self, [w, gz, rows, cols], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        w, gz, rows, cols = inputs
        img = (int(rows), int(cols))
        self._check_hint(self.kshp, w.shape, "filters")
        if w.shape[0] != gz.shape[1]:
            raise ValueError(f"Conv2dGradInputs: output_grad has {gz.shape[1]} channels (shape "
                             f"{gz.shape}) but there are {w.shape[0]} filters (shape {w.shape})")
        pads = self._pads(w.shape[2:])
        expected = _out_shape(img, w.shape[2:], pads, self.subsample, self.filter_dilation)
        if tuple(max(e, 0) for e in expected) != gz.shape[2:]:
            raise ValueError(f"Conv2dGradInputs: an input of spatial shape {img} gives an output of "
                             f"spatial shape {expected}, but output_grad has shape {gz.shape}")
        output_storage[0][0] = corr2d_grad_inputs(self._flip(w), gz, img, pads, self.subsample,
                                                  self.filter_dilation, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        ws, gs = input_shapes[:2]
        return [(gs[0], ws[1], node.inputs[2], node.inputs[3])]

    def connection_pattern(self, node):
        return [[True], [True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        w, gz, rows, cols = inputs
        (g,) = output_grads
        # out = A_w^T gz: linear in gz (adjoint: the forward conv) and bilinear in (w, gz).
        g_gz = self._other(Conv2d)(g, w)
        g_w = self._other(Conv2dGradWeights)(g, gz, shape_i(w, 2), shape_i(w, 3))
        return [g_w, g_gz, None, None]


class Conv2dGradWeights(_BaseConv2d):
    """Gradient of Conv2d wrt its filters: ``(input, output_grad, rows, cols) -> (F, C, rows, cols)``
    where ``rows``/``cols`` give the filters' spatial shape."""

    def make_node(self, input, output_grad, rows, cols):
        x = _float4(input, "conv2d_grad_wrt_weights", "input")
        gz = _float4(output_grad, "conv2d_grad_wrt_weights", "output_grad")
        rows = _int_scalar(rows, "conv2d_grad_wrt_weights", "rows")
        cols = _int_scalar(cols, "conv2d_grad_wrt_weights", "cols")
        dtype = ts.upcast(x.dtype, gz.dtype)
        bcast = (gz.broadcastable[1], x.broadcastable[1], False, False)
        return Apply(self, [x, gz, rows, cols], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, gz, rows, cols = inputs
        kshape = (int(rows), int(cols))
        self._check_hint(self.imshp, x.shape, "input")
        if x.shape[0] != gz.shape[0]:
            raise ValueError(f"Conv2dGradWeights: the input has batch size {x.shape[0]} but "
                             f"output_grad has {gz.shape[0]}")
        pads = self._pads(kshape)
        expected = _out_shape(x.shape[2:], kshape, pads, self.subsample, self.filter_dilation)
        if tuple(max(e, 0) for e in expected) != gz.shape[2:]:
            raise ValueError(f"Conv2dGradWeights: filters of spatial shape {kshape} on an input of "
                             f"shape {x.shape} give an output of spatial shape {expected}, but "
                             f"output_grad has shape {gz.shape}")
        gw = corr2d_grad_weights(x, gz, kshape, pads, self.subsample, self.filter_dilation,
                                 node.outputs[0].dtype)
        output_storage[0][0] = np.ascontiguousarray(self._flip(gw))

    def infer_shape(self, node, input_shapes):
        xs, gs = input_shapes[:2]
        return [(gs[1], xs[1], node.inputs[2], node.inputs[3])]

    def connection_pattern(self, node):
        return [[True], [True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, gz, rows, cols = inputs
        (g,) = output_grads
        g_x = self._other(Conv2dGradInputs)(g, gz, shape_i(x, 2), shape_i(x, 3))
        g_gz = self._other(Conv2d)(x, g)
        return [g_x, g_gz, None, None]


# -------------------------------------------------------------------------------------------------
# User functions
# -------------------------------------------------------------------------------------------------


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid", subsample=(1, 1),
           filter_flip=True, image_shape=None, filter_dilation=(1, 1), num_groups=1, **kwargs):
    """Convolve a batch of images (B, C, H, W) with filters (F, C, kh, kw) -> (B, F, oh, ow).

    ``border_mode``: 'valid' (no padding, ``oh = H - kh + 1``), 'full' (pad ``kh - 1``), 'half'
    (pad ``kh // 2``: same size for odd filters), an int or a pair of ints (explicit padding).
    ``subsample``: strides. ``filter_flip``: True for a true convolution, False for
    cross-correlation. ``filter_dilation``: spacing between filter taps. ``input_shape`` /
    ``filter_shape``: optional 4-tuples (None for unknown entries) checked at run time.
    ``image_shape`` is the deprecated name of ``input_shape``.
    """
    if kwargs:
        raise TypeError(f"conv2d() got unexpected keyword arguments {sorted(kwargs)}")
    if num_groups != 1:
        raise NotImplementedError("conv2d: only num_groups=1 is supported")
    if image_shape is not None:
        warnings.warn("conv2d: 'image_shape' is deprecated, use 'input_shape'", DeprecationWarning,
                      stacklevel=2)
        if input_shape is not None:
            raise ValueError("conv2d: give input_shape or image_shape, not both")
        input_shape = image_shape
    op = Conv2d(input_shape, filter_shape, border_mode, subsample, filter_flip, filter_dilation)
    return op(input, filters)


def _spatial(shape, name):
    if isinstance(shape, (tuple, list)):
        if len(shape) not in (2, 4):
            raise ValueError(f"{name} must have 4 entries (or the 2 spatial ones), got {shape!r}")
        return shape[-2], shape[-1], (tuple(shape) if len(shape) == 4 else None)
    shape = as_tensor_variable(shape)
    if shape.ndim != 1:
        raise ValueError(f"{name} must be a tuple or a vector of ints, got {shape.type}")
    return shape[-2], shape[-1], None


def _hint_only(shape):
    if shape is None:
        return None
    out = []
    for s in shape:
        if s is None or isinstance(s, (int, np.integer)):
            out.append(s)
        elif isinstance(s, Constant):
            out.append(int(s.data))
        else:
            out.append(None)
    return tuple(out)


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None, border_mode="valid",
                           subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """Gradient of ``conv2d`` wrt its input, for an input of shape ``input_shape`` (4 entries, the
    last two may be symbolic scalars)."""
    if num_groups != 1:
        raise NotImplementedError("conv2d_grad_wrt_inputs: only num_groups=1 is supported")
    rows, cols, full = _spatial(input_shape, "input_shape")
    op = Conv2dGradInputs(_hint_only(full), filter_shape, border_mode, subsample, filter_flip,
                          filter_dilation)
    return op(filters, output_grad, rows, cols)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None, border_mode="valid",
                            subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """Gradient of ``conv2d`` wrt its filters, for filters of shape ``filter_shape``."""
    if num_groups != 1:
        raise NotImplementedError("conv2d_grad_wrt_weights: only num_groups=1 is supported")
    rows, cols, full = _spatial(filter_shape, "filter_shape")
    op = Conv2dGradWeights(input_shape, _hint_only(full), border_mode, subsample, filter_flip,
                           filter_dilation)
    return op(input, output_grad, rows, cols)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1)):
    """Transposed convolution ("deconvolution"): the gradient of ``conv2d`` wrt its input, seen as
    an op on ``input`` (B, F, h, w) with ``filters`` (F, C, kh, kw), giving ``output_shape``."""
    return conv2d_grad_wrt_inputs(input, filters, output_shape, filter_shape, border_mode,
                                  input_dilation, filter_flip, filter_dilation)
