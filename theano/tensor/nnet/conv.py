"""2-D (and 3-D) convolution of a batch of multi-channel images with a bank of filters.

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

``conv3d`` is the same on (batch, channels, depth, rows, cols) inputs, with the ops ``Conv3d``,
``Conv3dGradInputs`` and ``Conv3dGradWeights``; every kernel below works for any number of
spatial dimensions.
"""

import warnings

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.graph.null_type import DisconnectedType
from theano.tensor.basic import as_tensor_variable, cast, constant, get_scalar_constant_value
from theano.tensor.joining import stack
from theano.tensor.reshaping import shape_i, specify_shape
from theano.tensor.type import TensorType

__all__ = ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
           "conv3d", "conv3d_grad_wrt_inputs", "conv3d_grad_wrt_weights",
           "get_conv_output_shape", "get_conv_shape_1axis", "Conv2d", "Conv2dGradInputs",
           "Conv2dGradWeights", "Conv3d", "Conv3dGradInputs", "Conv3dGradWeights"]


class ConvShapeError(ValueError, AssertionError):
    """The input_shape and filter_shape hints of a convolution disagree. A ValueError, and an
    AssertionError too: the error Theano 1.0's legacy ``conv.conv2d`` raised for it."""


# Theano 1.0 set this when scipy.signal (its Python convolution) was importable; its tests skip
# when it is False and no C compiler exists. The NumPy implementation here always exists.
imported_scipy_signal = True


# -------------------------------------------------------------------------------------------------
# Argument normalization (n = number of spatial dimensions: 2 for conv2d, 3 for conv3d)
# -------------------------------------------------------------------------------------------------

_WORDS = {2: "two", 3: "three"}


def _int_tuple(value, name, minimum, n=2):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,) * n
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise ValueError(f"{name} must be a tuple of {_WORDS[n]} ints, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be a tuple of {_WORDS[n]} ints, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} entries must be >= {minimum}, got {value!r}")
        out.append(int(v))
    return tuple(out)


def _border_mode(border_mode, n=2):
    """'valid', 'full', 'half' or a tuple of n non-negative paddings."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"border_mode must be 'valid', 'full', 'half', an int or a tuple of "
                             f"{_WORDS[n]} ints, got {border_mode!r}")
        return border_mode
    try:
        pads = _int_tuple(border_mode, "border_mode", 0, n)
    except ValueError:
        raise ValueError(f"border_mode must be 'valid', 'full', 'half', an int or a tuple of "
                         f"{_WORDS[n]} non-negative ints, got {border_mode!r}") from None
    return "valid" if not any(pads) else pads


def _shape_hint(shape, name, length):
    """A tuple of ``length`` ints or None (symbolic entries that are constants count as ints)."""
    if shape is None:
        return None
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if not isinstance(shape, (tuple, list)) or len(shape) != length:
        raise ValueError(f"{name} must be a tuple of {length} entries (int or None), got {shape!r}")
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


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample, filter_dilation=None):
    """The output shape (batch, n_filters, *spatial) of ``conv2d``/``conv3d``; entries may be None."""
    n = len(image_shape) - 2
    border_mode = _border_mode(border_mode, n)
    subsample = _int_tuple(subsample, "subsample", 1, n)
    filter_dilation = _int_tuple(filter_dilation or (1,) * n, "filter_dilation", 1, n)
    out = [image_shape[0], kernel_shape[0]]
    for a in range(n):
        bm = border_mode if isinstance(border_mode, str) else border_mode[a]
        out.append(get_conv_shape_1axis(image_shape[2 + a], kernel_shape[2 + a], bm, subsample[a],
                                        filter_dilation[a]))
    return tuple(out)


# -------------------------------------------------------------------------------------------------
# NumPy kernels (any number of spatial dimensions)
# -------------------------------------------------------------------------------------------------


def _pads(border_mode, kshape, dilation):
    if isinstance(border_mode, tuple):
        return border_mode
    return tuple(_pad_amount(border_mode, k, d) for k, d in zip(kshape, dilation))


def _out_len(n, pad, k, stride, dil):
    return (n + 2 * pad - ((k - 1) * dil + 1)) // stride + 1


def _out_shape(img, kshape, pads, subsample, dilation):
    return tuple(_out_len(*args) for args in zip(img, pads, kshape, subsample, dilation))


def _padded(x, pads):
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pads))


def _tap(a, tap, out_shape, subsample, dilation):
    """The (B, C, *out_shape) slice of the padded image ``a`` seen by the filter tap ``tap``."""
    index = [slice(None), slice(None)]
    for t, o, s, d in zip(tap, out_shape, subsample, dilation):
        start = t * d
        index.append(slice(start, start + s * (o - 1) + 1, s))
    return a[tuple(index)]


def _channels_last(n):
    """Axis order moving axis 1 (channels) of a (B, C, *spatial) array to the end."""
    return (0,) + tuple(range(2, n + 2)) + (1,)


def _im2col(xp, kshape, out_shape, subsample, dilation):
    """The patches of ``xp`` as a (B * prod(out), C * prod(kshape)) matrix, one slice copy per tap."""
    b, c = xp.shape[:2]
    n = len(kshape)
    cols = np.empty((b,) + tuple(out_shape) + (c,) + tuple(kshape), dtype=xp.dtype)
    for tap in np.ndindex(*kshape):
        cols[(Ellipsis,) + tap] = _tap(xp, tap, out_shape, subsample, dilation).transpose(_channels_last(n))
    return cols.reshape(b * int(np.prod(out_shape)), c * int(np.prod(kshape)))


# Above this many bytes the patch matrix is not built; one GEMM per filter tap is used instead
# (memory of the order of the output, somewhat slower for small filters).
IM2COL_MAX_BYTES = 1 << 27


def _im2col_fits(b, out_shape, c, kshape, dtype):
    size = b * int(np.prod(out_shape)) * c * int(np.prod(kshape)) * np.dtype(dtype).itemsize
    return size <= IM2COL_MAX_BYTES


def _tap_matrix(xp, tap, out_shape, subsample, dilation):
    """The (B * prod(out), C) matrix of the input cells seen by one filter tap."""
    n = len(out_shape)
    t = _tap(xp, tap, out_shape, subsample, dilation).transpose(_channels_last(n))
    return t.reshape(-1, xp.shape[1])


def _to_matrix(gz):
    """(B, F, *out) -> (B * prod(out), F)."""
    n = gz.ndim - 2
    return gz.transpose(_channels_last(n)).reshape(-1, gz.shape[1])


def corr_nd(x, w, pads, subsample, dilation, dtype):
    """Cross-correlation of x (B, C, *img) with w (F, C, *k) -> (B, F, *out)."""
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    n = x.ndim - 2
    out_sp = _out_shape(x.shape[2:], w.shape[2:], pads, subsample, dilation)
    shape = (x.shape[0], w.shape[0]) + tuple(max(o, 0) for o in out_sp)
    if min(shape) == 0 or x.shape[1] == 0 or min(w.shape[2:]) == 0:
        return np.zeros(shape, dtype=dtype)
    xp = _padded(x, pads)
    if _im2col_fits(x.shape[0], out_sp, x.shape[1], w.shape[2:], dtype):
        cols = _im2col(xp, w.shape[2:], out_sp, subsample, dilation)
        out = np.dot(cols, w.reshape(w.shape[0], -1).T)
    else:
        out = np.zeros((x.shape[0] * int(np.prod(out_sp)), w.shape[0]), dtype=dtype)
        for tap in np.ndindex(*w.shape[2:]):
            out += np.dot(_tap_matrix(xp, tap, out_sp, subsample, dilation),
                          w[(slice(None), slice(None)) + tap].T)
    out = out.reshape((shape[0],) + out_sp + (shape[1],))
    return np.ascontiguousarray(out.transpose((0, n + 1) + tuple(range(1, n + 1))), dtype=dtype)


def corr_nd_grad_weights(x, gz, kshape, pads, subsample, dilation, dtype):
    """Gradient of corr_nd wrt w: (F, C, *kshape)."""
    x, gz = np.asarray(x, dtype=dtype), np.asarray(gz, dtype=dtype)
    shape = (gz.shape[1], x.shape[1]) + tuple(kshape)
    if min(gz.shape) == 0 or min(shape) == 0:
        return np.zeros(shape, dtype=dtype)
    xp = _padded(x, pads)
    gz_t = _to_matrix(gz).T
    if _im2col_fits(x.shape[0], gz.shape[2:], x.shape[1], kshape, dtype):
        cols = _im2col(xp, kshape, gz.shape[2:], subsample, dilation)
        return np.asarray(np.dot(gz_t, cols).reshape(shape), dtype=dtype)
    out = np.empty(shape, dtype=dtype)
    for tap in np.ndindex(*kshape):
        out[(slice(None), slice(None)) + tap] = np.dot(
            gz_t, _tap_matrix(xp, tap, gz.shape[2:], subsample, dilation))
    return out


def corr_nd_grad_inputs(w, gz, img, pads, subsample, dilation, dtype):
    """Gradient of corr_nd wrt x for an image of spatial shape ``img``: (B, C, *img)."""
    w, gz = np.asarray(w, dtype=dtype), np.asarray(gz, dtype=dtype)
    n = len(img)
    b, c = gz.shape[0], w.shape[1]
    kshape = w.shape[2:]
    dxp = np.zeros((b, c) + tuple(i + 2 * p for i, p in zip(img, pads)), dtype=dtype)
    out_sp = gz.shape[2:]
    if min(gz.shape) > 0 and min(w.shape) > 0 and not _im2col_fits(b, out_sp, c, kshape, dtype):
        gz_mat = _to_matrix(gz)
        back = (0, n + 1) + tuple(range(1, n + 1))  # (B, *out, C) -> (B, C, *out)
        for tap in np.ndindex(*kshape):
            part = np.dot(gz_mat, w[(slice(None), slice(None)) + tap]).reshape((b,) + out_sp + (c,))
            _tap(dxp, tap, out_sp, subsample, dilation)[...] += part.transpose(back)
    elif min(gz.shape) > 0 and min(w.shape) > 0:
        cols = np.dot(_to_matrix(gz), w.reshape(w.shape[0], -1))
        cols = cols.reshape((b,) + out_sp + (c,) + kshape)
        # -> (B, C, *k, *out)
        cols = cols.transpose((0, n + 1) + tuple(range(n + 2, 2 * n + 2)) + tuple(range(1, n + 1)))
        for tap in np.ndindex(*kshape):
            _tap(dxp, tap, out_sp, subsample, dilation)[...] += cols[(slice(None), slice(None)) + tap]
    crop = (slice(None), slice(None)) + tuple(slice(p, p + i) for p, i in zip(pads, img))
    return np.ascontiguousarray(dxp[crop])


def corr2d(x, w, pads, subsample, dilation, dtype):
    """Cross-correlation of x (B, C, H, W) with w (F, C, kh, kw) -> (B, F, oh, ow)."""
    return corr_nd(x, w, pads, subsample, dilation, dtype)


# -------------------------------------------------------------------------------------------------
# Ops
# -------------------------------------------------------------------------------------------------


def _spatial_shape(v, n):
    """The spatial shape of the (B, C, *spatial) variable ``v`` as a list of int scalars."""
    return [shape_i(v, 2 + a) for a in range(n)]


def _shape_entries(shape, n):
    """The ``n`` entries of the int vector variable ``shape`` (Python ints when constant)."""
    if isinstance(shape, Constant):
        return tuple(int(v) for v in np.asarray(shape.data))
    if shape.owner is not None and type(shape.owner.op).__name__ == "MakeVector":
        return tuple(shape.owner.inputs)
    return tuple(shape[a] for a in range(n))


class _BaseConv(Op):
    __props__ = ("border_mode", "subsample", "filter_flip", "filter_dilation", "imshp", "kshp",
                 "num_groups")
    nd = 2  # spatial dimensions

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=None, filter_flip=True,
                 filter_dilation=None, num_groups=1):
        n = self.nd
        if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) \
                or num_groups < 1:
            raise ValueError(f"num_groups must be a positive int, got {num_groups!r}")
        self.num_groups = int(num_groups)
        self.border_mode = _border_mode(border_mode, n)
        self.subsample = _int_tuple(subsample if subsample is not None else (1,) * n, "subsample", 1, n)
        self.filter_flip = bool(filter_flip)
        self.filter_dilation = _int_tuple(filter_dilation if filter_dilation is not None else (1,) * n,
                                          "filter_dilation", 1, n)
        self.imshp = _shape_hint(imshp, "input_shape", n + 2)
        self.kshp = _shape_hint(kshp, "filter_shape", n + 2)
        self._check_hint_channels()

    def _check_hint_channels(self):
        """The channel counts of the two shape hints must agree (checked when the op is built)."""
        c_in = self.imshp[1] if self.imshp is not None else None
        c_k = self.kshp[1] if self.kshp is not None else None
        if c_in is not None and c_k is not None and c_in != c_k * self.num_groups:
            groups = f" in each of {self.num_groups} groups" if self.num_groups > 1 else ""
            raise ConvShapeError(f"{type(self).__name__}: input_shape {self.imshp} has {c_in} "
                                 f"channels but filter_shape {self.kshp} expects {c_k}{groups}")

    def __str__(self):
        return (f"{type(self).__name__}{{{self.border_mode}, {self.subsample}, "
                f"flip={self.filter_flip}, dilation={self.filter_dilation}}}")

    def _other(self, kind):
        cls = _FAMILIES[self.nd][kind]
        return cls(self.imshp, self.kshp, self.border_mode, self.subsample, self.filter_flip,
                   self.filter_dilation, self.num_groups)

    def _check_hint(self, hint, actual, what):
        if hint is None:
            return
        for h, a in zip(hint, actual):
            if h is not None and h != a:
                raise ValueError(f"{type(self).__name__}: the {what} has shape {tuple(actual)} but the "
                                 f"shape given when building the graph was {hint} (None = any)")

    def _check_channels(self, x_shape, w_shape):
        g = self.num_groups
        if x_shape[1] != w_shape[1] * g:
            groups = f" in each of {g} groups" if g > 1 else ""
            raise ValueError(f"{type(self).__name__}: the input has {x_shape[1]} channels (shape "
                             f"{tuple(x_shape)}) but the filters expect {w_shape[1]}{groups} (shape "
                             f"{tuple(w_shape)})")
        self._check_divisible(w_shape[0], "filters")

    def _check_divisible(self, n, what):
        if n % self.num_groups:
            raise ValueError(f"{type(self).__name__}: {n} {what} cannot be split into "
                             f"{self.num_groups} groups")

    def _per_group(self, fn, a, a_axis, b, b_axis, out_axis):
        """fn(a_group, b_group) for each group of channels, concatenated along ``out_axis``."""
        if self.num_groups == 1:
            return fn(a, b)
        parts = [fn(ag, bg) for ag, bg in zip(np.split(a, self.num_groups, axis=a_axis),
                                               np.split(b, self.num_groups, axis=b_axis))]
        return np.concatenate(parts, axis=out_axis)

    def _pads(self, kshape):
        return _pads(self.border_mode, kshape, self.filter_dilation)

    def _sym_out_len(self, n, k, axis):
        bm = self.border_mode
        pad = bm[axis] if isinstance(bm, tuple) else _pad_amount(bm, k, self.filter_dilation[axis])
        dk = (k - 1) * self.filter_dilation[axis] + 1
        return (n + 2 * pad - dk) // self.subsample[axis] + 1

    def _flip(self, w):
        if not self.filter_flip:
            return w
        return w[(slice(None), slice(None)) + (slice(None, None, -1),) * self.nd]

    def _tensor(self, v, who, name):
        v = as_tensor_variable(v)
        if v.ndim != self.nd + 2:
            raise TypeError(f"{who}: {name} must be a {self.nd + 2}-d tensor, got {v.ndim} "
                            f"dimensions ({v})")
        if v.dtype not in ts.float_dtypes:
            raise TypeError(f"{who}: {name} must hold floats, got dtype {v.dtype}")
        return v

    def _shape_arg(self, shape, who):
        """The spatial shape argument of the gradient ops as one int vector of ``nd`` entries:
        from a tuple/list of ints and/or symbolic int scalars, or an int vector."""
        n = self.nd
        if isinstance(shape, (tuple, list)):
            if len(shape) != n:
                raise ValueError(f"{who}: the shape argument must have {n} entries (the spatial "
                                 f"shape), got {len(shape)}: {shape!r}")
            entries = []
            for k, v in enumerate(shape):
                if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                    if v < 0:
                        raise ValueError(f"{who}: spatial size {k} must be >= 0, got {v}")
                    entries.append(int(v))
                    continue
                v = as_tensor_variable(v)
                if v.ndim != 0 or v.dtype not in ts.integer_dtypes:
                    raise TypeError(f"{who}: spatial size {k} must be an integer scalar, got "
                                    f"{v.type}")
                entries.append(v)
            if all(isinstance(v, int) for v in entries):
                return constant(np.asarray(entries, dtype="int64"))

            return stack([cast(v, "int64") if not isinstance(v, int) else v for v in entries])
        v = as_tensor_variable(shape)
        if v.ndim != 1 or v.dtype not in ts.integer_dtypes:
            raise TypeError(f"{who}: the shape argument must be a tuple of {n} ints or an int "
                            f"vector, got {v.type}")
        if isinstance(v, Constant) and len(v.data) != n:
            raise ValueError(f"{who}: the shape argument must have {n} entries, got {v.data}")
        return v

    def _runtime_shape(self, shape, who):
        shape = np.asarray(shape)
        if shape.shape != (self.nd,):
            raise ValueError(f"{who}: the shape argument must have {self.nd} entries (the spatial "
                             f"shape), got {shape.tolist()}")
        return tuple(int(v) for v in shape)

    def _spatial_pattern(self):
        return (False,) * self.nd


class _ConvForward(_BaseConv):
    """Forward convolution: ``(input, filters) -> output``.

    Props: ``border_mode`` ('valid', 'full', 'half' or a per-axis padding), ``subsample``
    (strides), ``filter_flip`` (True: convolution, False: cross-correlation), ``filter_dilation``,
    and the optional shape hints ``imshp``/``kshp`` checked at run time.
    """

    def make_node(self, input, filters):
        who = f"conv{self.nd}d"
        x = self._tensor(input, who, "input")
        w = self._tensor(filters, who, "filters")
        dtype = ts.upcast(x.dtype, w.dtype)
        bcast = (x.broadcastable[0], w.broadcastable[0]) + self._spatial_pattern()
        return Apply(self, [x, w], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, w = inputs
        self._check_hint(self.imshp, x.shape, "input")
        self._check_hint(self.kshp, w.shape, "filters")
        self._check_channels(x.shape, w.shape)
        pads, dtype = self._pads(w.shape[2:]), node.outputs[0].dtype
        output_storage[0][0] = self._per_group(
            lambda xg, wg: corr_nd(xg, wg, pads, self.subsample, self.filter_dilation, dtype),
            x, 1, self._flip(w), 0, 1)

    def infer_shape(self, node, input_shapes):
        xs, ws = input_shapes
        return [(xs[0], ws[0]) + tuple(self._sym_out_len(xs[2 + a], ws[2 + a], a)
                                       for a in range(self.nd))]

    def L_op(self, inputs, outputs, output_grads):
        x, w = inputs
        (gz,) = output_grads
        gx = self._other("grad_inputs")(w, gz, _spatial_shape(x, self.nd))
        gw = self._other("grad_weights")(x, gz, _spatial_shape(w, self.nd))
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


class _ConvGradInputs(_BaseConv):
    """Gradient of the convolution wrt its input: ``(filters, output_grad, shape) -> input grad``.

    ``shape`` is the input's spatial shape (a tuple of ``nd`` ints or symbolic int scalars, or an
    int vector), needed because strided convolutions drop trailing rows. With the same props,
    this is the transposed convolution.
    """

    def make_node(self, filters, output_grad, shape):
        who = f"{type(self).__name__}"
        w = self._tensor(filters, who, "filters")
        gz = self._tensor(output_grad, who, "output_grad")
        shape = self._shape_arg(shape, who)
        dtype = ts.upcast(w.dtype, gz.dtype)
        bcast = (gz.broadcastable[0], w.broadcastable[1] and self.num_groups == 1) + \
            self._spatial_pattern()
        return Apply(self, [w, gz, shape], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        w, gz, shape = inputs
        name = type(self).__name__
        img = self._runtime_shape(shape, name)
        self._check_hint(self.kshp, w.shape, "filters")
        if w.shape[0] != gz.shape[1]:
            raise ValueError(f"{name}: output_grad has {gz.shape[1]} channels (shape "
                             f"{gz.shape}) but there are {w.shape[0]} filters (shape {w.shape})")
        pads = self._pads(w.shape[2:])
        expected = _out_shape(img, w.shape[2:], pads, self.subsample, self.filter_dilation)
        if tuple(max(e, 0) for e in expected) != gz.shape[2:]:
            raise ValueError(f"{name}: an input of spatial shape {img} gives an output of "
                             f"spatial shape {expected}, but output_grad has shape {gz.shape}")
        self._check_divisible(w.shape[0], "filters")
        dtype = node.outputs[0].dtype
        output_storage[0][0] = self._per_group(
            lambda wg, gzg: corr_nd_grad_inputs(wg, gzg, img, pads, self.subsample,
                                                self.filter_dilation, dtype),
            self._flip(w), 0, gz, 1, 1)

    def infer_shape(self, node, input_shapes):
        ws, gs = input_shapes[:2]
        channels = ws[1] * self.num_groups if self.num_groups > 1 else ws[1]
        return [(gs[0], channels) + _shape_entries(node.inputs[2], self.nd)]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        w, gz = inputs[:2]
        (g,) = output_grads
        # out = A_w^T gz: linear in gz (adjoint: the forward conv) and bilinear in (w, gz).
        g_gz = self._other("forward")(g, w)
        g_w = self._other("grad_weights")(g, gz, _spatial_shape(w, self.nd))
        return [g_w, g_gz, DisconnectedType()()]


class _ConvGradWeights(_BaseConv):
    """Gradient of the convolution wrt its filters: ``(input, output_grad, shape) -> filter grad``
    where ``shape`` is the filters' spatial shape (a tuple of ``nd`` ints or symbolic int scalars,
    or an int vector)."""

    def make_node(self, input, output_grad, shape):
        who = f"{type(self).__name__}"
        x = self._tensor(input, who, "input")
        gz = self._tensor(output_grad, who, "output_grad")
        shape = self._shape_arg(shape, who)
        dtype = ts.upcast(x.dtype, gz.dtype)
        bcast = (gz.broadcastable[1], x.broadcastable[1] and self.num_groups == 1) + \
            self._spatial_pattern()
        return Apply(self, [x, gz, shape], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, gz, shape = inputs
        name = type(self).__name__
        kshape = self._runtime_shape(shape, name)
        self._check_hint(self.imshp, x.shape, "input")
        if x.shape[0] != gz.shape[0]:
            raise ValueError(f"{name}: the input has batch size {x.shape[0]} but "
                             f"output_grad has {gz.shape[0]}")
        pads = self._pads(kshape)
        expected = _out_shape(x.shape[2:], kshape, pads, self.subsample, self.filter_dilation)
        if tuple(max(e, 0) for e in expected) != gz.shape[2:]:
            raise ValueError(f"{name}: filters of spatial shape {kshape} on an input of "
                             f"shape {x.shape} give an output of spatial shape {expected}, but "
                             f"output_grad has shape {gz.shape}")
        self._check_divisible(x.shape[1], "input channels")
        self._check_divisible(gz.shape[1], "output_grad channels")
        dtype = node.outputs[0].dtype
        gw = self._per_group(
            lambda xg, gzg: corr_nd_grad_weights(xg, gzg, kshape, pads, self.subsample,
                                                 self.filter_dilation, dtype),
            x, 1, gz, 1, 0)
        output_storage[0][0] = np.ascontiguousarray(self._flip(gw))

    def infer_shape(self, node, input_shapes):
        xs, gs = input_shapes[:2]
        channels = xs[1] // self.num_groups if self.num_groups > 1 else xs[1]
        return [(gs[1], channels) + _shape_entries(node.inputs[2], self.nd)]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, gz = inputs[:2]
        (g,) = output_grads
        g_x = self._other("grad_inputs")(g, gz, _spatial_shape(x, self.nd))
        g_gz = self._other("forward")(x, g)
        return [g_x, g_gz, DisconnectedType()()]


class Conv2d(_ConvForward):
    """``conv2d`` of ``input`` (B, C, H, W) with ``filters`` (F, C, kh, kw) -> (B, F, oh, ow)."""

    nd = 2


class Conv2dGradInputs(_ConvGradInputs):
    """Gradient of Conv2d wrt its input: ``(filters, output_grad, rows, cols) -> (B, C, rows, cols)``."""

    nd = 2


class Conv2dGradWeights(_ConvGradWeights):
    """Gradient of Conv2d wrt its filters: ``(input, output_grad, rows, cols) -> (F, C, rows, cols)``."""

    nd = 2


class Conv3d(_ConvForward):
    """``conv3d`` of ``input`` (B, C, D, H, W) with ``filters`` (F, C, kd, kh, kw)."""

    nd = 3


class Conv3dGradInputs(_ConvGradInputs):
    """Gradient of Conv3d wrt its input: ``(filters, output_grad, depth, rows, cols)``."""

    nd = 3


class Conv3dGradWeights(_ConvGradWeights):
    """Gradient of Conv3d wrt its filters: ``(input, output_grad, depth, rows, cols)``."""

    nd = 3


_FAMILIES = {
    2: {"forward": Conv2d, "grad_inputs": Conv2dGradInputs, "grad_weights": Conv2dGradWeights},
    3: {"forward": Conv3d, "grad_inputs": Conv3dGradInputs, "grad_weights": Conv3dGradWeights},
}


# -------------------------------------------------------------------------------------------------
# User functions
# -------------------------------------------------------------------------------------------------


# Keywords of Theano's legacy ConvOp that only selected a C code path.
_LEGACY_TUNING_KWARGS = frozenset(["unroll_batch", "unroll_kern", "unroll_patch", "openmp", "verbose",
                                   "version", "direction_hint"])


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid", subsample=(1, 1),
           filter_flip=True, image_shape=None, filter_dilation=(1, 1), num_groups=1, **kwargs):
    """Convolve a batch of images (B, C, H, W) with filters (F, C, kh, kw) -> (B, F, oh, ow).

    ``border_mode``: 'valid' (no padding, ``oh = H - kh + 1``), 'full' (pad ``kh - 1``), 'half'
    (pad ``kh // 2``: same size for odd filters), an int or a pair of ints (explicit padding).
    ``subsample``: strides. ``filter_flip``: True for a true convolution, False for
    cross-correlation. ``filter_dilation``: spacing between filter taps. ``input_shape`` /
    ``filter_shape``: optional 4-tuples (None for unknown entries) checked at run time.
    ``image_shape`` is the deprecated name of ``input_shape``. ``num_groups``: split the input
    channels and the filters into that many groups convolved separately (grouped convolution:
    filters have C / num_groups channels).

    The tuning keywords of Theano's legacy ``conv.conv2d`` (``unroll_batch``, ``unroll_kern``,
    ``unroll_patch``, ``openmp``, ``verbose``, ``version``, ``direction_hint``) are accepted and
    have no effect on the result (they chose among C implementations).
    """
    unknown = sorted(set(kwargs) - _LEGACY_TUNING_KWARGS)
    if unknown:
        raise TypeError(f"conv2d() got unexpected keyword arguments {unknown}")
    if image_shape is not None:
        warnings.warn("conv2d: 'image_shape' is deprecated, use 'input_shape'", DeprecationWarning,
                      stacklevel=2)
        if input_shape is not None:
            raise ValueError("conv2d: give input_shape or image_shape, not both")
        input_shape = image_shape
    op = Conv2d(_shape_arg_of_function(input_shape, "input_shape"),
                _shape_arg_of_function(filter_shape, "filter_shape"), border_mode, subsample,
                filter_flip, filter_dilation, num_groups)
    return op(_assert_hint(input, op.imshp), _assert_hint(filters, op.kshp))


def conv3d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """Convolve a batch of volumes (B, C, D, H, W) with filters (F, C, kd, kh, kw) -> (B, F, od,
    oh, ow). Arguments as for ``conv2d``, with three entries per spatial tuple."""
    op = Conv3d(_shape_arg_of_function(input_shape, "input_shape"),
                _shape_arg_of_function(filter_shape, "filter_shape"), border_mode, subsample,
                filter_flip, filter_dilation, num_groups)
    return op(_assert_hint(input, op.imshp), _assert_hint(filters, op.kshp))


def _assert_hint(x, shape):
    """``x`` with a run-time check (AssertionError) of its shape against the hint ``shape``
    (entries: ints, symbolic int scalars or None) when ``config.conv.assert_shape`` is on, as
    Theano 1.0's convolution functions did; otherwise ``x`` (the op itself checks the known
    entries of its hints, with a ValueError)."""
    if not config.conv.assert_shape or shape is None or isinstance(shape, Variable):
        return x
    x = as_tensor_variable(x)
    shape = tuple(shape)
    if len(shape) != x.ndim or all(s is None for s in shape):
        return x
    return specify_shape(x, [x.shape[k] if s is None else s for k, s in enumerate(shape)])


def _shape_arg_of_function(shape, name):
    """``input_shape``/``filter_shape`` of conv2d/conv3d: a constant vector (as the legacy
    ``conv.conv2d`` accepted) becomes a tuple; a symbolic vector says nothing known."""
    if isinstance(shape, Constant) and np.ndim(shape.data) == 1:
        return tuple(int(v) for v in np.asarray(shape.data))
    if isinstance(shape, Variable) and getattr(shape, "ndim", None) == 1:
        return None
    return shape


def _spatial(shape, name, n):
    """The n spatial sizes of a full (n + 2) or spatial-only (n) shape, and the full shape."""
    if isinstance(shape, (tuple, list)):
        if len(shape) not in (n, n + 2):
            raise ValueError(f"{name} must have {n + 2} entries (or the {n} spatial ones), got "
                             f"{shape!r}")
        return list(shape[-n:]), (tuple(shape) if len(shape) == n + 2 else None)
    shape = as_tensor_variable(shape)
    if shape.ndim != 1:
        raise ValueError(f"{name} must be a tuple or a vector of ints, got {shape.type}")
    return shape[-n:], None


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


def _grad_inputs(n, output_grad, filters, input_shape, filter_shape, border_mode, subsample,
                 filter_flip, filter_dilation, num_groups):
    sizes, full = _spatial(input_shape, "input_shape", n)
    op = _FAMILIES[n]["grad_inputs"](_hint_only(full), filter_shape, border_mode, subsample,
                                     filter_flip, filter_dilation, num_groups)
    return op(_assert_hint(filters, op.kshp), output_grad, sizes)


def _grad_weights(n, input, output_grad, filter_shape, input_shape, border_mode, subsample,
                  filter_flip, filter_dilation, num_groups):
    sizes, full = _spatial(filter_shape, "filter_shape", n)
    op = _FAMILIES[n]["grad_weights"](input_shape, _hint_only(full), border_mode, subsample,
                                      filter_flip, filter_dilation, num_groups)
    return op(_assert_hint(input, op.imshp), output_grad, sizes)


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None, border_mode="valid",
                           subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """Gradient of ``conv2d`` wrt its input, for an input of shape ``input_shape`` (4 entries, the
    last two may be symbolic scalars)."""
    return _grad_inputs(2, output_grad, filters, input_shape, filter_shape, border_mode, subsample,
                        filter_flip, filter_dilation, num_groups)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None, border_mode="valid",
                            subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """Gradient of ``conv2d`` wrt its filters, for filters of shape ``filter_shape``."""
    return _grad_weights(2, input, output_grad, filter_shape, input_shape, border_mode, subsample,
                         filter_flip, filter_dilation, num_groups)


def conv3d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None, border_mode="valid",
                           subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1),
                           num_groups=1):
    """Gradient of ``conv3d`` wrt its input, for an input of shape ``input_shape``."""
    return _grad_inputs(3, output_grad, filters, input_shape, filter_shape, border_mode, subsample,
                        filter_flip, filter_dilation, num_groups)


def conv3d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None, border_mode="valid",
                            subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1),
                            num_groups=1):
    """Gradient of ``conv3d`` wrt its filters, for filters of shape ``filter_shape``."""
    return _grad_weights(3, input, output_grad, filter_shape, input_shape, border_mode, subsample,
                         filter_flip, filter_dilation, num_groups)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1),
                     num_groups=1):
    """Transposed convolution ("deconvolution"): the gradient of ``conv2d`` wrt its input, seen as
    an op on ``input`` (B, F, h, w) with ``filters`` (F, C / num_groups, kh, kw), giving
    ``output_shape`` (B, C, H, W); ``input_dilation`` is the stride of the convolution it
    transposes, and ``num_groups`` its groups."""
    return conv2d_grad_wrt_inputs(input, filters, output_shape, filter_shape, border_mode,
                                  input_dilation, filter_flip, filter_dilation, num_groups)
