"""``theano.tensor.signal.conv.conv2d``: 2-D convolution of single-channel images, without the
batch/channel axes of ``theano.tensor.nnet.conv2d``.

``input`` is one image (rows, cols) or a stack of them (n_images, rows, cols); ``filters`` is one
filter (kh, kw) or a stack (n_filters, kh, kw). The result is (out_rows, out_cols) for one image
and one filter, (n_images, ...) or (n_filters, ...) when one of them is a stack, and
(n_images, n_filters, out_rows, out_cols) when both are.
"""

from theano.tensor.basic import as_tensor_variable
from theano.tensor.nnet.conv import conv2d as _nnet_conv2d

__all__ = ["conv2d"]


def _as_4d_shape(shape, ndim, what):
    """A 2-d/3-d ``image_shape``/``filter_shape`` hint as the 4-d one of nnet.conv2d."""
    if shape is None:
        return None
    shape = tuple(shape)
    if len(shape) != ndim:
        raise ValueError(f"signal.conv2d: {what} must have {ndim} entries for a {ndim}-d "
                         f"{'input' if what == 'image_shape' else 'filters'}, got {shape!r}")
    if ndim == 2:
        return (1, 1) + shape
    return (shape[0], 1) + shape[1:]  # the stack becomes the batch (images) or filter axis


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), **kargs):
    """Convolve the image(s) ``input`` with the filter(s) ``filters`` (a true convolution: the
    filters are flipped). ``border_mode``: 'valid' or 'full' (also 'half' or explicit padding, as
    for nnet.conv2d). ``subsample``: strides. ``image_shape``/``filter_shape``: optional shape
    hints with as many entries as ``input``/``filters`` have dimensions. Extra keywords of
    Theano's legacy convolution (``unroll_*`` and the like) are accepted."""
    x = as_tensor_variable(input)
    w = as_tensor_variable(filters)
    if x.ndim not in (2, 3):
        raise TypeError(f"signal.conv2d: input must be a 2-d image or a 3-d stack of images, got "
                        f"{x.ndim} dimensions")
    if w.ndim not in (2, 3):
        raise TypeError(f"signal.conv2d: filters must be a 2-d filter or a 3-d stack of filters, "
                        f"got {w.ndim} dimensions")
    x4 = x.dimshuffle("x", "x", 0, 1) if x.ndim == 2 else x.dimshuffle(0, "x", 1, 2)
    w4 = w.dimshuffle("x", "x", 0, 1) if w.ndim == 2 else w.dimshuffle(0, "x", 1, 2)
    out = _nnet_conv2d(x4, w4, _as_4d_shape(image_shape, x.ndim, "image_shape"),
                       _as_4d_shape(filter_shape, w.ndim, "filter_shape"), border_mode, subsample,
                       **kargs)
    if x.ndim == 2 and w.ndim == 2:
        return out[0, 0]
    if x.ndim == 2:
        return out[0]
    if w.ndim == 2:
        return out[:, 0]
    return out
