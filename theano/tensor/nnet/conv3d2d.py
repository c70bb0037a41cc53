"""``theano.tensor.nnet.conv3d2d``: Theano 1.0's 3-D convolution of videos laid out as
(batch, time, channels, rows, columns).

Theano computed it as 2-D convolutions summed along diagonals of the time axis; here it is the
3-D convolution op (``conv3d``, the same true convolution: filters flipped along time, rows and
columns) between two transpositions, so it has that op's values, gradients and shape inference on
every backend. ``get_diagonal_subtensor_view`` is the NumPy helper Theano exposed with it.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import DisconnectedType
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable

__all__ = ["conv3d", "get_diagonal_subtensor_view", "DiagonalSubtensor", "IncDiagonalSubtensor",
           "diagonal_subtensor", "inc_diagonal_subtensor"]

_MODES = ("valid", "full", "half")


def get_diagonal_subtensor_view(x, i0, i1):
    """A view of the NumPy array ``x`` along the diagonals of axes ``i0`` and ``i1``
    (``x.shape[i0] >= x.shape[i1]``): ``v[..., a, ..., b, ...] = x[..., a + n1 - 1 - b, ..., b,
    ...]`` with ``a`` on axis ``i0`` (``x.shape[i0] - n1 + 1`` values), ``b`` on axis ``i1`` (``n1 =
    x.shape[i1]`` values)."""
    return _diagonal_view(x, i0, i1, writeable=False)


def _diagonal_view(x, i0, i1, writeable):
    # the view's entries are distinct elements of x, so writing through it is safe
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
    return np.lib.stride_tricks.as_strided(base, shape=shape, strides=strides,
                                           writeable=writeable and x.flags.writeable)


def _axis_input(v, name, opname):
    v = as_tensor_variable(v)
    if v.ndim != 0 or not str(v.dtype).startswith(("int", "uint")):
        raise TypeError(f"{opname}: {name} must be an integer scalar (an axis), got {v} of type "
                        f"{v.type}")
    return v


def _diagonal_shape(shape, i0, i1):
    """The symbolic shape of the diagonal view of an array of ``shape`` (a list of scalars)."""
    from theano.tensor.basic import cast
    from theano.tensor.joining import stack
    from theano.tensor.math import eq, switch

    dims = stack([cast(d, "int64") for d in shape])
    rows = dims[i0] - dims[i1] + 1
    return [switch(eq(k, i0), rows, cast(d, "int64")) for k, d in enumerate(shape)]


class DiagonalSubtensor(Op):
    """Theano 1.0's ``conv3d2d.DiagonalSubtensor``: ``op(x, i0, i1)`` is the diagonal view of ``x``
    along axes ``i0`` and ``i1`` (``get_diagonal_subtensor_view``: the stripe of diagonals of the
    (i0, i1) matrices, ``x.shape[i0] - x.shape[i1] + 1`` long on axis i0). ``inplace=True``
    returns the view itself, otherwise a copy. Its gradient adds the output gradient back along
    the same diagonals (``IncDiagonalSubtensor``); the axes are disconnected."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.view_map = {0: [0]}

    def make_node(self, x, i0, i1):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise TypeError(f"DiagonalSubtensor: x must have at least 2 dimensions, got {x.ndim} "
                            f"({x.type})")
        i0 = _axis_input(i0, "i0", "DiagonalSubtensor")
        i1 = _axis_input(i1, "i1", "DiagonalSubtensor")
        return Apply(self, [x, i0, i1], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, i0, i1 = inputs
        view = _diagonal_view(x, i0, i1, writeable=self.inplace)
        output_storage[0][0] = view if self.inplace else view.copy()

    def infer_shape(self, node, shapes):
        return [_diagonal_shape(shapes[0], node.inputs[1], node.inputs[2])]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def grad(self, inputs, output_grads):
        from theano.tensor.basic import zeros_like

        x, i0, i1 = inputs
        gx = inc_diagonal_subtensor(zeros_like(x), i0, i1, output_grads[0])
        return [gx, DisconnectedType()(), DisconnectedType()()]


class IncDiagonalSubtensor(Op):
    """Theano 1.0's ``conv3d2d.IncDiagonalSubtensor``: ``op(x, i0, i1, amt)`` is ``x`` with
    ``amt`` added to its diagonal view along axes ``i0`` and ``i1`` (see ``DiagonalSubtensor``;
    ``amt`` broadcasts to the view's shape). ``inplace=True`` adds into ``x`` itself."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def make_node(self, x, i0, i1, amt):
        x = as_tensor_variable(x)
        amt = as_tensor_variable(amt)
        if x.ndim < 2:
            raise TypeError(f"IncDiagonalSubtensor: x must have at least 2 dimensions, got "
                            f"{x.ndim} ({x.type})")
        if amt.ndim != x.ndim:
            raise TypeError(f"IncDiagonalSubtensor: amt must have x's {x.ndim} dimensions, got "
                            f"{amt.ndim} ({amt.type})")
        i0 = _axis_input(i0, "i0", "IncDiagonalSubtensor")
        i1 = _axis_input(i1, "i1", "IncDiagonalSubtensor")
        return Apply(self, [x, i0, i1, amt], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, i0, i1, amt = inputs
        out = x if self.inplace else x.copy()
        view = _diagonal_view(out, i0, i1, writeable=True)
        try:
            np.add(view, np.asarray(amt, dtype=out.dtype), out=view, casting="unsafe")
        except ValueError as e:
            raise ValueError(f"IncDiagonalSubtensor: amt of shape {np.shape(amt)} does not fit "
                             f"the diagonal view of shape {view.shape}") from e
        output_storage[0][0] = out

    def infer_shape(self, node, shapes):
        return [shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False], [False], [True]]

    def grad(self, inputs, output_grads):
        x, i0, i1, amt = inputs
        (gy,) = output_grads
        g_amt = diagonal_subtensor(gy, i0, i1)
        return [gy, DisconnectedType()(), DisconnectedType()(), _sum_to(g_amt, amt)]


def _sum_to(g, like):
    """``g`` summed over the axes where ``like`` is broadcastable (amt broadcast to the view)."""
    axes = [k for k, b in enumerate(like.broadcastable) if b]
    if not axes:
        return g
    return g.sum(axis=axes, keepdims=True)


diagonal_subtensor = DiagonalSubtensor(False)
inc_diagonal_subtensor = IncDiagonalSubtensor(False)


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
