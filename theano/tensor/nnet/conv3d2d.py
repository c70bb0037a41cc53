"""``theano.tensor.nnet.conv3d2d``: Theano 1.0's 3-D convolution of videos laid out as
(batch, time, channels, rows, columns).

Theano computed it as 2-D convolutions summed along diagonals of the time axis; here it is the
3-D convolution op (``conv3d``, the same true convolution: filters flipped along time, rows and
columns) between two transpositions, so it has that op's values, gradients and shape inference on
every backend. ``get_diagonal_subtensor_view`` is the NumPy helper Theano exposed with it.
"""

import numpy as np

from theano.tensor.basic import as_tensor_variable

__all__ = ["conv3d", "get_diagonal_subtensor_view"]

_MODES = ("valid", "full", "half")


def get_diagonal_subtensor_view(x, i0, i1):
    """A view of the NumPy array ``x`` along the diagonals of axes ``i0`` and ``i1``
    (``x.shape[i0] >= x.shape[i1]``): ``v[..., a, ..., b, ...] = x[..., a + n1 - 1 - b, ..., b,
    ...]`` with ``a`` on axis ``i0`` (``x.shape[i0] - n1 + 1`` values), ``b`` on axis ``i1`` (``n1 =
    x.shape[i1]`` values)."""
    x = np.asarray(x)
    i0, i1 = int(i0), int(i1)
    if i0 == i1 or not (0 <= i0 < x.ndim and 0 <= i1 < x.ndim):
        raise ValueError(f"get_diagonal_subtensor_view: two different axes of a {x.ndim}-d array "
                         f"are needed, got {i0} and {i1}")
    n0, n1 = x.shape[i0], x.shape[i1]
    if n0 < n1:
        raise ValueError(f"get_diagonal_subtensor_view: axis {i0} ({n0}) is shorter than axis "
                         f"{i1} ({n1})")
    shape = list(x.shape)
    shape[i0] = n0 - n1 + 1
    strides = list(x.strides)
    strides[i1] = x.strides[i1] - x.strides[i0]
    start = [0] * x.ndim
    start[i0] = n1 - 1
    base = x[tuple(slice(s, None) for s in start)]
    return np.lib.stride_tricks.as_strided(base, shape=shape, strides=strides, writeable=False)


def _mode(border_mode):
    if isinstance(border_mode, str):
        border_mode = (border_mode,) * 3
    border_mode = tuple(border_mode)
    if len(border_mode) != 3 or any(m not in _MODES for m in border_mode):
        raise ValueError(f"conv3d2d.conv3d: border_mode must be one of {_MODES} or a tuple of "
                         f"three of them (time, rows, columns), got {border_mode!r}")
    if len(set(border_mode)) == 1:
        return border_mode[0]
    return border_mode


def conv3d(signals, filters, signals_shape=None, filters_shape=None, border_mode="valid"):
    """3-D convolution of ``signals`` (batch, time, in channels, rows, columns) with ``filters``
    (out channels, time, in channels, rows, columns); the result is laid out as (batch, time,
    out channels, rows, columns). ``border_mode``: 'valid', 'full', 'half', or one of them per axis
    (time, rows, columns). ``signals_shape``/``filters_shape`` (5 entries, in that layout) are
    checked against the values at run time."""
    from theano.tensor.nnet.abstract_conv import conv3d as conv3d_nchw

    signals = as_tensor_variable(signals)
    filters = as_tensor_variable(filters)
    for name, v in (("signals", signals), ("filters", filters)):
        if v.ndim != 5:
            raise TypeError(f"conv3d2d.conv3d: {name} must be 5-d (batch or out channels, time, "
                            f"channels, rows, columns), got {v.ndim} dimensions ({v.type})")
    mode = _mode(border_mode)
    if not isinstance(mode, str):
        # different modes per axis: as explicit paddings, from the kernel sizes
        if filters_shape is None or any(filters_shape[k] is None for k in (1, 3, 4)):
            raise ValueError("conv3d2d.conv3d: different border modes per axis need the kernel "
                             "sizes in filters_shape")
        ks = [int(filters_shape[k]) for k in (1, 3, 4)]
        mode = tuple({"valid": 0, "full": k - 1, "half": k // 2}[m] for m, k in zip(mode, ks))
    perm = (0, 2, 1, 3, 4)
    in_shape = None if signals_shape is None else tuple(signals_shape[p] for p in perm)
    f_shape = None if filters_shape is None else tuple(filters_shape[p] for p in perm)
    out = conv3d_nchw(signals.dimshuffle(*perm), filters.dimshuffle(*perm), input_shape=in_shape,
                      filter_shape=f_shape, border_mode=mode, filter_flip=True)
    return out.dimshuffle(*perm)
