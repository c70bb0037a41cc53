"""Running sums and products along an axis and their inverse: ``cumsum``/``cumprod`` (CumOp, and
Theano 1.0's CumsumOp/CumprodOp constructors) and ``diff`` (DiffOp)."""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import alloc
from theano.tensor.basic import (_int64, _static_axis, _zero_grad, as_tensor_variable, cast,
                                 constant, shape_i, zeros_like)
from theano.tensor.joining import join
from theano.tensor.math import and_, eq, maximum, switch
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import reshape, shape
from theano.tensor.type import TensorType

__all__ = ["CumOp", "CumsumOp", "CumprodOp", "cumsum", "cumprod", "DiffOp", "diff"]


class CumOp(Op):
    """Cumulative sum (``mode='add'``) or product (``mode='mul'``) along ``axis``; ``axis=None``
    works on the flattened input."""

    __props__ = ("axis", "mode")

    def __init__(self, axis=None, mode="add"):
        if mode not in ("add", "mul"):
            raise ValueError(f"CumOp: mode must be 'add' or 'mul', got {mode!r}")
        self.axis = axis if axis is None else int(axis)
        self.mode = mode

    def __str__(self):
        return f"{'Cumsum' if self.mode == 'add' else 'Cumprod'}{{axis={self.axis}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            out_type = TensorType(x.dtype, (x.ndim == 0 or all(x.broadcastable),))
        else:
            if not -x.ndim <= self.axis < x.ndim:
                raise ValueError(f"{self}: axis {self.axis} is out of range for a {x.ndim}-d tensor")
            out_type = x.type
        return Apply(self, [x], [out_type()])

    def perform(self, node, inputs, output_storage):
        fn = np.cumsum if self.mode == "add" else np.cumprod
        output_storage[0][0] = fn(inputs[0], axis=self.axis).astype(node.outputs[0].type.numpy_dtype,
                                                                     copy=False)

    def infer_shape(self, node, input_shapes):
        if self.axis is None:
            n = constant(1, dtype="int64")
            for s in input_shapes[0]:
                n = n * s
            return [(n,)]
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [_zero_grad(x)]
        axis = 0 if self.axis is None else self.axis
        if self.mode == "add":
            g = _reverse_cumsum(gz, axis)
        else:
            g = _cumprod_grad(x.flatten() if self.axis is None else x, out, gz, axis)
        if self.axis is None:
            g = reshape(g, shape(x), ndim=x.ndim)
        return [g]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        if self.mode == "add":  # linear
            return [self(eval_points[0])]
        return super().R_op(inputs, eval_points)


def _cumprod_grad(x, out, gz, axis):
    """The gradient of ``sum(gz * cumprod(x, axis))`` wrt ``x``, finite where ``x`` has zeros.

    ``d out_j / d x_i = prod_{k <= j, k != i} x_k`` for ``j >= i``. Before the first zero along the
    axis that is ``out_j / x_i`` (Theano's formula, which alone gives 0/0 at a zero); at the first
    zero it is the cumulative product of ``x`` with that zero read as 1; after it, 0 (every
    product holds the first zero)."""
    zero = constant(0, dtype=x.dtype)
    one = constant(1, dtype=x.dtype)
    is_zero = eq(x, zero)
    n_zeros = CumOp(axis, "add")(cast(is_zero, "int64"))
    before = eq(n_zeros, 0)                       # no zero at or before this position
    first = and_(is_zero, eq(n_zeros, 1))         # the first zero along the axis
    x_safe = switch(is_zero, one, x)
    g_before = _reverse_cumsum(gz * out, axis) / x_safe
    out_first = CumOp(axis, "mul")(switch(first, one, x))
    g_first = _reverse_cumsum(gz * out_first, axis)
    return switch(before, g_before, switch(first, g_first, zeros_like(g_before)))


def CumsumOp(axis=None):  # noqa: N802  (Theano 1.0's class name)
    """Theano 1.0's ``CumsumOp(axis)``: a CumOp in 'add' mode."""
    return CumOp(axis, "add")


def CumprodOp(axis=None):  # noqa: N802
    """Theano 1.0's ``CumprodOp(axis)``: a CumOp in 'mul' mode."""
    return CumOp(axis, "mul")


def _reverse_cumsum(g, axis):
    """Sum from each position to the end along ``axis``: total - cumsum + g."""
    return tsum(g, axis=axis, keepdims=True) - CumOp(axis, "add")(g) + g


def cumsum(x, axis=None):
    """Cumulative sum along ``axis`` (the flattened tensor when ``axis`` is None)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "cumsum: axis")
    return CumOp(axis, "add")(x)


def cumprod(x, axis=None):
    """Cumulative product along ``axis`` (the flattened tensor when ``axis`` is None)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "cumprod: axis")
    return CumOp(axis, "mul")(x)


# -------------------------------------------------------------------------------------------------
# diff
# -------------------------------------------------------------------------------------------------


class DiffOp(Op):
    """``numpy.diff(x, n, axis)``: the ``n``-th discrete difference along ``axis``."""

    __props__ = ("n", "axis")

    def __init__(self, n=1, axis=-1):
        self.n = int(n)
        self.axis = int(axis)
        if self.n < 0:
            raise ValueError(f"diff: order n must be non-negative, got {n}")

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError(f"diff: axis {self.axis} is out of range for a {x.ndim}-d tensor")
        bcast = list(x.broadcastable)
        if self.n:
            bcast[self.axis] = False
        return Apply(self, [x], [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.diff(inputs[0], n=self.n, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        shp = list(input_shapes[0])
        ax = self.axis % len(shp)
        shp[ax] = _int64(maximum(shp[ax] - self.n, 0))
        return [tuple(shp)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [_zero_grad(x)]
        ax = self.axis % x.ndim
        g = gz
        # diff is linear: its transpose pads with a zero on each side and differences back
        for _ in range(self.n):
            shp = [shape_i(g, d) if d != ax else 1 for d in range(g.ndim)]
            zero = alloc(constant(0, dtype=g.dtype), *shp)
            g = join(ax, zero, g) - join(ax, g, zero)
        return [g]


def diff(x, n=1, axis=-1):
    """The ``n``-th discrete difference of ``x`` along ``axis``."""
    x = as_tensor_variable(x)
    if isinstance(n, (float, np.floating)):
        raise TypeError(f"diff: n must be an integer, got {n!r}")
    return DiffOp(n, _static_axis(axis, x.ndim, "diff: axis"))(x)
