"""Theano's ``theano.tensor.nnet.abstract_conv``: the convolution ops (``AbstractConv2d`` and its
gradients, from ``conv``), shape helpers, and convolution-based layers built on them:
``bilinear_upsampling`` (with ``bilinear_kernel_1D``/``bilinear_kernel_2D``),
``separable_conv2d``/``separable_conv3d`` (depthwise then pointwise) and ``causal_conv1d``.

The gradient ops take ONE shape argument, the spatial shape of what they compute:
``AbstractConv2d_gradInputs(...)(filters, output_grad, shape)`` and
``AbstractConv2d_gradWeights(...)(input, output_grad, shape)``, where ``shape`` is a tuple of ints
and/or symbolic int scalars, or an int vector.
"""

import numpy as np

from theano.configdefaults import config
from theano.graph.null_type import grad_undefined
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import arange, zeros
from theano.tensor.basic import as_tensor_variable, get_scalar_constant_value
from theano.tensor.joining import concatenate
from theano.tensor.reshaping import specify_shape
from theano.tensor.nnet.conv import (Conv2d, Conv2dGradInputs, Conv2dGradWeights, Conv3d,
                                     Conv3dGradInputs, Conv3dGradWeights, conv2d,
                                     conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights,
                                     conv2d_transpose, conv3d, conv3d_grad_wrt_inputs,
                                     conv3d_grad_wrt_weights, get_conv_output_shape,
                                     get_conv_shape_1axis, imported_scipy_signal)  # noqa: F401

AbstractConv2d = Conv2d
AbstractConv2d_gradInputs = Conv2dGradInputs
AbstractConv2d_gradWeights = Conv2dGradWeights
AbstractConv3d = Conv3d
AbstractConv3d_gradInputs = Conv3dGradInputs
AbstractConv3d_gradWeights = Conv3dGradWeights

__all__ = ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
           "get_conv_output_shape", "get_conv_shape_1axis", "AbstractConv2d",
           "AbstractConv2d_gradInputs", "AbstractConv2d_gradWeights", "conv3d",
           "conv3d_grad_wrt_inputs", "conv3d_grad_wrt_weights", "AbstractConv3d",
           "AbstractConv3d_gradInputs", "AbstractConv3d_gradWeights",
           "get_conv_gradweights_shape", "get_conv_gradweights_shape_1axis",
           "get_conv_gradinputs_shape", "get_conv_gradinputs_shape_1axis",
           "check_conv_gradinputs_shape", "assert_conv_shape", "assert_shape",
           "bilinear_kernel_1D", "bilinear_kernel_2D", "bilinear_upsampling", "separable_conv2d",
           "separable_conv3d", "causal_conv1d"]


# -------------------------------------------------------------------------------------------------
# Shape helpers
# -------------------------------------------------------------------------------------------------


def _axis_pad(border_mode, dil_kernel):
    """Padding on each side of one axis; ``border_mode`` is 'valid', 'full', 'half' or an int."""
    if border_mode == "valid":
        return 0
    if border_mode == "full":
        return dil_kernel - 1
    if border_mode == "half":
        return dil_kernel // 2
    if isinstance(border_mode, (int, np.integer)) and not isinstance(border_mode, bool):
        if border_mode < 0:
            raise ValueError(f"border_mode padding must be >= 0, got {border_mode}")
        return int(border_mode)
    raise ValueError(f"border_mode must be 'valid', 'full', 'half' or an int, got {border_mode!r}")


def get_conv_gradweights_shape_1axis(image_shape, top_shape, border_mode, subsample, dilation):
    """Filter length along one axis that maps an input of length ``image_shape`` to an output of
    length ``top_shape``; None when it is not determined (unknown entries, a stride > 1 or
    'half' padding, where several filter lengths give the same output)."""
    if None in (image_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1 or border_mode == "half":
        return None
    if border_mode == "full":
        span = top_shape - image_shape
    else:
        span = image_shape + 2 * _axis_pad(border_mode, 0) - top_shape
    # the dilated filter covers span + 1 cells: (k - 1) * dilation + 1 = span + 1
    return span // dilation + 1


def get_conv_gradweights_shape(image_shape, top_shape, border_mode, subsample, filter_dilation=None,
                               num_groups=1):
    """Filter shape (n_filters, channels per group, *spatial) of a convolution that maps
    ``image_shape`` to ``top_shape``; spatial entries that are not determined are None."""
    nd = len(image_shape) - 2
    subsample = tuple(subsample)
    filter_dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    if isinstance(border_mode, tuple):
        modes = border_mode
    else:
        modes = (border_mode,) * nd
    channels = image_shape[1] // num_groups if image_shape[1] is not None else None
    return (top_shape[1], channels) + tuple(
        get_conv_gradweights_shape_1axis(image_shape[2 + a], top_shape[2 + a], modes[a],
                                         subsample[a], filter_dilation[a]) for a in range(nd))


def get_conv_gradinputs_shape_1axis(kernel_shape, top_shape, border_mode, subsample, dilation):
    """Input length along one axis that gives an output of length ``top_shape`` with a filter of
    length ``kernel_shape``; None when not determined (unknown entries, or a stride > 1 where
    several input lengths give the same output)."""
    if None in (kernel_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1:
        return None
    dil_kernel = (kernel_shape - 1) * dilation + 1
    pad = _axis_pad(border_mode, dil_kernel)
    return top_shape + dil_kernel - 1 - 2 * pad


def get_conv_gradinputs_shape(kernel_shape, top_shape, border_mode, subsample, filter_dilation=None,
                              num_groups=1):
    """Input shape (batch, channels, *spatial) of a convolution with filters ``kernel_shape``
    giving ``top_shape``; spatial entries that are not determined are None."""
    nd = len(kernel_shape) - 2
    subsample = tuple(subsample)
    filter_dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    modes = border_mode if isinstance(border_mode, tuple) else (border_mode,) * nd
    channels = kernel_shape[1] * num_groups if kernel_shape[1] is not None else None
    return (top_shape[0], channels) + tuple(
        get_conv_gradinputs_shape_1axis(kernel_shape[2 + a], top_shape[2 + a], modes[a],
                                        subsample[a], filter_dilation[a]) for a in range(nd))


def _known_int(v):
    """``v`` as a Python int when it is one or a constant; None when unknown or symbolic."""
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    try:
        return int(get_scalar_constant_value(v))
    except Exception:
        return None


def check_conv_gradinputs_shape(image_shape, kernel_shape, output_shape, border_mode, subsample,
                                filter_dilation=None):
    """Whether ``output_shape`` is what a convolution of ``image_shape`` by ``kernel_shape`` gives
    (None or symbolic entries are accepted as matching)."""
    image_shape, kernel_shape = tuple(image_shape), tuple(kernel_shape)
    output_shape = tuple(output_shape)
    nd = len(image_shape) - 2
    if not (len(image_shape) == len(kernel_shape) == len(output_shape)):
        return False
    if len(tuple(subsample)) != nd:
        return False
    if filter_dilation is not None and len(tuple(filter_dilation)) != nd:
        return False
    known_img = tuple(_known_int(v) for v in image_shape)
    known_ker = tuple(_known_int(v) for v in kernel_shape)
    computed = get_conv_output_shape(known_img, known_ker, border_mode, subsample, filter_dilation)
    for given, comp in zip(output_shape, computed):
        given = _known_int(given)
        if given is not None and comp is not None and given != comp:
            return False
    return True


def assert_conv_shape(shape):
    """``shape`` (a convolution's output shape) with run-time checks: the batch and channel
    entries must be >= 0, the spatial ones > 0. Known entries are checked now (ValueError);
    symbolic ones when the function runs (AssertionError). Returns a tuple."""
    out = []
    for i, n in enumerate(shape):
        minimum = 0 if i < 2 else 1
        known = _known_int(n)
        if known is not None:
            if known < minimum:
                raise ValueError(f"The convolution would produce an invalid shape (dim[{i}]: "
                                 f"{known} {'<' if i < 2 else '<='} 0)")
            out.append(n)
        else:
            out.append(_AssertAtLeast(minimum, f"The convolution would produce an invalid shape "
                                               f"(dim[{i}] {'<' if i < 2 else '<='} 0)")(n))
    return tuple(out)


def assert_shape(x, expected_shape, msg="Unexpected shape."):
    """``x`` with a run-time check (AssertionError) that its shape matches ``expected_shape``
    (entries: ints, symbolic int scalars or None for "any")."""
    x = as_tensor_variable(x)
    if expected_shape is None:
        return x
    expected_shape = tuple(expected_shape)
    if len(expected_shape) != x.ndim:
        raise ValueError(f"assert_shape: {len(expected_shape)} entries given for a {x.ndim}-d "
                         f"tensor ({msg})")
    if all(e is None for e in expected_shape):
        return x
    return specify_shape(x, [x.shape[k] if e is None else e for k, e in enumerate(expected_shape)])


def _make_assert_at_least():
    class AssertAtLeast(Op):
        """Identity on an int scalar that raises AssertionError(msg) when it is below ``minimum``."""

        __props__ = ("minimum", "msg")

        def __init__(self, minimum, msg):
            self.minimum = int(minimum)
            self.msg = msg

        def make_node(self, n):
            n = as_tensor_variable(n)
            if n.ndim != 0 or n.dtype not in ts.integer_dtypes:
                raise TypeError(f"assert_conv_shape: entries must be int scalars, got {n.type}")
            return Apply(self, [n], [n.type()])

        def perform(self, node, inputs, output_storage):
            if inputs[0] < self.minimum:
                raise AssertionError(f"{self.msg}: got {int(inputs[0])}")
            output_storage[0][0] = inputs[0]

        def infer_shape(self, node, input_shapes):
            return [()]

        def grad(self, inputs, output_grads):
            return [grad_undefined(self, 0, inputs[0])]

    return AssertAtLeast


_AssertAtLeast = _make_assert_at_least()


# -------------------------------------------------------------------------------------------------
# Bilinear upsampling
# -------------------------------------------------------------------------------------------------


def bilinear_kernel_1D(ratio, normalize=True):
    """The 1-D "tent" kernel ``[1, 2, ..., ratio, ..., 2, 1]`` (length ``2 * ratio - 1``, floatX),
    divided by ``ratio`` when ``normalize``; ``ratio`` may be an int or a symbolic int scalar."""
    rising = arange(1, ratio + 1, dtype=config.floatX)
    kern = concatenate([rising, rising[-2::-1]])
    if normalize:
        kern = kern / as_tensor_variable(ratio).astype(config.floatX)
    return kern


def bilinear_kernel_2D(ratio, normalize=True):
    """The outer product of two ``bilinear_kernel_1D(ratio, normalize)``: a (2r - 1, 2r - 1)
    matrix."""
    k = bilinear_kernel_1D(ratio, normalize)
    return k.dimshuffle(0, "x") * k.dimshuffle("x", 0)


def _positive_int(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"bilinear_upsampling: {what} must be a positive int, got {v!r}")
    return int(v)


def bilinear_upsampling(input, ratio=None, frac_ratio=None, batch_size=None,
                        num_input_channels=None, use_1D_kernel=True):
    """Upsample the last two axes of the 4-d ``input`` (batch, channels, rows, cols) by bilinear
    interpolation.

    ``ratio``: an int (both axes) giving (rows * ratio, cols * ratio). Output row ``i`` is the
    linear interpolation of the input rows at position ``(i - (ratio - 1) // 2) / ratio``, clamped
    to the first/last row (likewise for columns). ``frac_ratio``: instead of ``ratio``, a pair of
    fractions ``((num_r, den_r), (num_c, den_c))`` (or one ``(num, den)`` for both axes): the
    upsampling by ``num`` is followed by keeping every ``den``-th row/column, giving
    ``ceil(rows * num_r / den_r)`` rows. ``batch_size``/``num_input_channels``: optional shape
    hints. ``use_1D_kernel``: two separable 1-D passes (True) or one 2-D kernel (same values).

    Computed as a transposed strided convolution of the edge-replicated input with the tent
    kernel of ``bilinear_kernel_1D``, so gradients flow to ``input``.
    """
    if (ratio is None) == (frac_ratio is None):
        raise ValueError("bilinear_upsampling: give exactly one of ratio and frac_ratio")
    if ratio is not None:
        if isinstance(ratio, (tuple, list)):
            nums = tuple(_positive_int(r, "ratio") for r in ratio)
            if len(nums) != 2:
                raise ValueError(f"bilinear_upsampling: ratio must be an int or a pair, got {ratio!r}")
        else:
            nums = (_positive_int(ratio, "ratio"),) * 2
        dens = (1, 1)
    else:
        if not isinstance(frac_ratio, (tuple, list)) or len(frac_ratio) != 2:
            raise ValueError("bilinear_upsampling: frac_ratio must be a pair (num, den) or a pair "
                             f"of such pairs, got {frac_ratio!r}")
        pairs = frac_ratio if isinstance(frac_ratio[0], (tuple, list)) else (frac_ratio, frac_ratio)
        for p in pairs:
            if not isinstance(p, (tuple, list)) or len(p) != 2:
                raise ValueError(f"bilinear_upsampling: bad frac_ratio {frac_ratio!r}")
        nums = tuple(_positive_int(p[0], "a frac_ratio numerator") for p in pairs)
        dens = tuple(_positive_int(p[1], "a frac_ratio denominator") for p in pairs)
    x = as_tensor_variable(input)
    if x.ndim != 4:
        raise TypeError(f"bilinear_upsampling: input must be 4-d (batch, channels, rows, cols), got "
                        f"{x.ndim} dimensions")
    if x.dtype not in ("float16", "float32", "float64"):
        x = x.astype(config.floatX)
    rows, cols = x.shape[2], x.shape[3]
    flat_batch = None
    if batch_size is not None and num_input_channels is not None:
        flat_batch = int(batch_size) * int(num_input_channels)
    flat = x.reshape((-1, 1, rows, cols), ndim=4)
    # replicate the edge rows and columns once: the tent kernel then clamps at the borders
    flat = concatenate([flat[:, :, :1, :], flat, flat[:, :, -1:, :]], axis=2)
    flat = concatenate([flat[:, :, :, :1], flat, flat[:, :, :, -1:]], axis=3)
    # the contribution of input cell m peaks at output m * r + 2r - 1 of the full transposed
    # convolution; cropping this much puts it at m * r + (r - 1) // 2
    crops = tuple(2 * r - 1 - (r - 1) // 2 for r in nums)
    out_rows, out_cols = rows * nums[0], cols * nums[1]
    if use_1D_kernel:
        k_r = bilinear_kernel_1D(nums[0]).astype(x.dtype)
        k_c = bilinear_kernel_1D(nums[1]).astype(x.dtype)
        up = conv2d_grad_wrt_inputs(flat, k_r.dimshuffle("x", "x", 0, "x"),
                                    (flat_batch, 1, out_rows, cols + 2), (1, 1, 2 * nums[0] - 1, 1),
                                    border_mode=(crops[0], 0), subsample=(nums[0], 1))
        up = conv2d_grad_wrt_inputs(up, k_c.dimshuffle("x", "x", "x", 0),
                                    (flat_batch, 1, out_rows, out_cols), (1, 1, 1, 2 * nums[1] - 1),
                                    border_mode=(0, crops[1]), subsample=(1, nums[1]))
    else:
        k_r = bilinear_kernel_1D(nums[0]).astype(x.dtype)
        k_c = bilinear_kernel_1D(nums[1]).astype(x.dtype)
        kern = (k_r.dimshuffle(0, "x") * k_c.dimshuffle("x", 0)).dimshuffle("x", "x", 0, 1)
        up = conv2d_grad_wrt_inputs(flat, kern, (flat_batch, 1, out_rows, out_cols),
                                    (1, 1, 2 * nums[0] - 1, 2 * nums[1] - 1),
                                    border_mode=crops, subsample=nums)
    if dens != (1, 1):
        up = up[:, :, ::dens[0], ::dens[1]]
    return up.reshape((x.shape[0], x.shape[1], up.shape[2], up.shape[3]), ndim=4)


# -------------------------------------------------------------------------------------------------
# Separable and causal convolutions
# -------------------------------------------------------------------------------------------------


def _separable(nd, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
               depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample, filter_flip,
               filter_dilation):
    if isinstance(num_channels, bool) or not isinstance(num_channels, (int, np.integer)) \
            or num_channels < 1:
        raise ValueError(f"separable_conv{nd}d: num_channels must be a positive int, got "
                         f"{num_channels!r}")
    forward = conv2d if nd == 2 else conv3d
    depthwise = forward(input, depthwise_filters, input_shape=input_shape,
                        filter_shape=depthwise_filter_shape, border_mode=border_mode,
                        subsample=subsample, filter_flip=filter_flip,
                        filter_dilation=filter_dilation, num_groups=int(num_channels))
    return forward(depthwise, pointwise_filters, filter_shape=pointwise_filter_shape,
                   border_mode="valid", subsample=(1,) * nd, filter_flip=filter_flip,
                   filter_dilation=(1,) * nd)


def separable_conv2d(input, depthwise_filters, pointwise_filters, num_channels, input_shape=None,
                     depthwise_filter_shape=None, pointwise_filter_shape=None, border_mode="valid",
                     subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)):
    """Depthwise-separable 2-D convolution: each of the ``num_channels`` input channels is
    convolved with its own ``depth_multiplier`` filters (``depthwise_filters``: (num_channels *
    depth_multiplier, 1, kh, kw); a grouped convolution with ``num_channels`` groups), then the
    results are mixed by the 1x1 convolution ``pointwise_filters`` (out_channels, num_channels *
    depth_multiplier, 1, 1). ``border_mode``, ``subsample``, ``filter_dilation`` apply to the
    depthwise step."""
    return _separable(2, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
                      depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample,
                      filter_flip, filter_dilation)


def separable_conv3d(input, depthwise_filters, pointwise_filters, num_channels, input_shape=None,
                     depthwise_filter_shape=None, pointwise_filter_shape=None, border_mode="valid",
                     subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1)):
    """``separable_conv2d`` on 5-d inputs (batch, channels, depth, rows, cols)."""
    return _separable(3, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
                      depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample,
                      filter_flip, filter_dilation)


def causal_conv1d(input, filters, filter_shape, input_shape=None, subsample=1, filter_flip=True,
                  filter_dilation=1, num_groups=1):
    """Causal 1-D convolution of ``input`` (batch, channels, length) with ``filters``
    (out_channels, channels / num_groups, kernel): output ``t`` only sees inputs ``<= t`` (the
    input is padded with ``filter_dilation * (kernel - 1)`` zeros on the left only), so with
    ``subsample=1`` the output has the input's length. ``filter_shape`` (3 entries, the kernel
    length at least known) is required."""
    x = as_tensor_variable(input)
    w = as_tensor_variable(filters)
    if x.ndim != 3 or w.ndim != 3:
        raise TypeError(f"causal_conv1d: input and filters must be 3-d, got {x.ndim} and {w.ndim} "
                        "dimensions")
    if filter_shape is None or len(tuple(filter_shape)) != 3:
        raise ValueError(f"causal_conv1d: filter_shape must have 3 entries, got {filter_shape!r}")
    kernel = _known_int(tuple(filter_shape)[2])
    if kernel is None or kernel < 1:
        raise ValueError(f"causal_conv1d: the kernel length filter_shape[2] must be a known positive "
                         f"int, got {filter_shape!r}")
    for name, v in (("subsample", subsample), ("filter_dilation", filter_dilation)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"causal_conv1d: {name} must be a positive int, got {v!r}")
    left = int(filter_dilation) * (kernel - 1)
    if left:
        pad = zeros((x.shape[0], x.shape[1], left), dtype=x.dtype)
        x = concatenate([pad, x], axis=2)
    hint = None
    if input_shape is not None:
        input_shape = tuple(input_shape)
        length = _known_int(input_shape[2])
        hint = input_shape[:2] + (None if length is None else length + left, 1)
    out = conv2d(x.dimshuffle(0, 1, 2, "x"), w.dimshuffle(0, 1, 2, "x"), input_shape=hint,
                 filter_shape=tuple(filter_shape) + (1,), border_mode="valid",
                 subsample=(int(subsample), 1), filter_flip=filter_flip,
                 filter_dilation=(int(filter_dilation), 1), num_groups=num_groups)
    return out[:, :, :, 0]
