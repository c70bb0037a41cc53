"""Shape manipulation: Reshape/flatten, SpecifyShape, squeeze, swapaxes, shape_padleft/right/axis,
and what is known of a shape vector when the graph is built (get_vector_length, vector_entries);
CpuContiguous (``cpu_contiguous``, a C-contiguous layout, Theano 1.0's ``extra_ops`` name).

``Shape``/``Shape_i`` (``x.shape``, ``shape_i``) live in ``basic.py``: every layer asks for shapes."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (MakeVector, NotScalarConstantError, Shape, Shape_i, _disconnected, _int64,
                                 _int_scalar, _static_axis, as_tensor_variable, cast, constant,
                                 get_scalar_constant_value, patternbroadcast, shape, shape_i, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import eq, switch
from theano.tensor.type import TensorType

__all__ = [
    "Shape", "Shape_i", "shape", "shape_i", "Reshape", "reshape", "flatten", "is_flat",
    "get_vector_length", "vector_entries", "squeeze", "swapaxes", "shape_padleft", "shape_padright",
    "shape_padaxis", "SpecifyShape", "specify_shape",
]


def _as_shape_vector(shp):
    """Convert a shape (tuple of ints/scalars, or an int vector) to an int64 vector variable."""
    if isinstance(shp, (int, np.integer)):
        shp = (shp,)
    if isinstance(shp, (list, tuple)):
        if not all(isinstance(s, (int, np.integer)) for s in shp):
            elems = []
            for s in shp:
                s = as_tensor_variable(s)
                if s.ndim != 0:
                    raise TypeError(f"A shape entry must be a scalar, got {s} with {s.ndim} dimensions")
                if s.dtype not in ts.integer_dtypes:
                    raise TypeError(f"Shape entries must be integers, got {s} of dtype {s.dtype}")
                elems.append(s)
            return MakeVector("int64")(*elems) if elems else constant(np.zeros(0, dtype="int64"))
        return constant(np.asarray(shp, dtype="int64").reshape(len(shp)))
    shp = as_tensor_variable(shp)
    if shp.dtype not in ts.integer_dtypes:
        raise TypeError(f"A shape must be a vector of integers, got dtype {shp.dtype}")
    if shp.ndim == 0:  # one integer: the length of a 1-d result (as numpy.reshape(x, 6))
        return MakeVector("int64")(cast(shp, "int64"))
    if shp.ndim != 1:
        raise TypeError(f"A shape must be a vector, got {shp.ndim} dimensions")
    return cast(shp, "int64")


class Reshape(Op):
    """Reshape to a symbolic shape vector of ``ndim`` entries (one entry may be -1)."""

    __props__ = ("ndim",)
    view_map = {0: [0]}  # np.reshape returns a view when it can

    def __init__(self, ndim, name=None):
        self.ndim = int(ndim)

    def __str__(self):
        return f"Reshape{{{self.ndim}}}"

    def make_node(self, x, shp):
        x = as_tensor_variable(x)
        shp = _as_shape_vector(shp)
        bcast = [False] * self.ndim
        known = _known_entries(shp, self.ndim)
        for i, v in enumerate(known):
            if v is not None:
                if v == 1:
                    bcast[i] = True
                if v < -1:
                    raise ValueError(f"Invalid reshape target: entry {i} is {v}")
        return Apply(self, [x, shp], [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        x, shp = inputs
        if len(shp) != self.ndim:
            raise ValueError(f"Reshape{{{self.ndim}}} got a shape with {len(shp)} entries: {tuple(shp)}")
        try:
            output_storage[0][0] = np.reshape(x, tuple(int(s) for s in shp))
        except ValueError as exc:
            raise ValueError(f"Cannot reshape an array of shape {x.shape} to {tuple(shp)}: {exc}") from exc

    def infer_shape(self, node, input_shapes):
        x, shp = node.inputs
        known = _known_entries(shp, self.ndim)
        sym_entries = None
        entries = []
        has_neg = [k for k in known if k is None or k == -1]
        total = None
        for s in input_shapes[0]:
            total = s if total is None else total * s
        if total is None:
            total = constant(1, dtype="int64")
        for i in range(self.ndim):
            if known[i] is not None and known[i] != -1:
                entries.append(constant(known[i], dtype="int64"))
            else:
                if sym_entries is None:
                    sym_entries = vector_entries(shp, self.ndim)
                entries.append(cast(sym_entries[i], "int64"))
        if not has_neg:
            return [tuple(entries)]
        # Resolve -1 entries: size / product of the others.
        prod_known = None
        for e in entries:
            prod_known = e if prod_known is None else prod_known * e
        out = []
        for e in entries:
            missing = total // switch(eq(prod_known, 0), 1, -prod_known)
            out.append(switch(eq(e, -1), missing, e))
        return [tuple(out)]

    def grad(self, inputs, output_grads):
        (x, shp), (gz,) = inputs, output_grads
        return [reshape(gz, shape(x), ndim=x.ndim), zeros_like(shp, dtype=config.floatX)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [reshape(eval_points[0], inputs[1], ndim=self.ndim)]


def _known_entries(shp, ndim):
    """The shape entries known when the graph is built (None where symbolic)."""
    if isinstance(shp, Constant):
        return [int(v) for v in np.asarray(shp.data).reshape(-1)]
    if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
        out = []
        for e in shp.owner.inputs:
            try:
                out.append(int(get_scalar_constant_value(e)))
            except NotScalarConstantError:
                out.append(None)
        return out
    return [None] * ndim


def reshape(x, newshape, ndim=None):
    """``x`` reshaped to ``newshape`` (a tuple of ints or scalars, or an int vector)."""
    x = as_tensor_variable(x)
    shp = _as_shape_vector(newshape)
    if ndim is None:
        if isinstance(newshape, (list, tuple)):
            ndim = len(newshape)
        elif isinstance(newshape, (int, np.integer)):
            ndim = 1
        elif isinstance(shp, Constant):
            ndim = int(shp.data.size)
        elif shp.owner is not None and isinstance(shp.owner.op, MakeVector):
            ndim = len(shp.owner.inputs)
        elif shp.owner is not None and isinstance(shp.owner.op, Shape):
            ndim = shp.owner.inputs[0].ndim
        else:
            raise ValueError(
                f"The length of the new shape {newshape} is not known when the graph is built; "
                "pass ndim= to reshape"
            )
    return Reshape(ndim)(x, shp)


def flatten(x, outdim=1, ndim=None):
    """Keep the first ``outdim - 1`` dimensions and merge the rest into the last one."""
    if ndim is not None:
        outdim = ndim
    x = as_tensor_variable(x)
    if not 1 <= outdim <= max(x.ndim, 1):
        raise ValueError(f"flatten: outdim={outdim} is out of range for a {x.ndim}-d tensor")
    if x.ndim == 0:
        return reshape(x, (1,))
    if outdim == 1:
        # a constant target shape: one Reshape node (NumPy's -1 is the size, 0 included)
        out = reshape(x, (-1,), ndim=1)
        bcast = (all(x.broadcastable),)
        return out if out.broadcastable == bcast else patternbroadcast(
            out, tuple(o or b for o, b in zip(out.broadcastable, bcast)))
    dims = [shape_i(x, i) for i in range(outdim - 1)]
    rest = None
    for i in range(outdim - 1, x.ndim):
        s = shape_i(x, i)
        rest = s if rest is None else rest * s
    out = reshape(x, dims + [rest], ndim=outdim)
    bcast = x.broadcastable[: outdim - 1] + (all(x.broadcastable[outdim - 1:]),)
    if out.broadcastable != bcast:
        out = patternbroadcast(out, tuple(o or b for o, b in zip(out.broadcastable, bcast)))
    return out


def is_flat(var, ndim=None, outdim=None):
    """True when the tensor ``var`` has ``ndim`` dimensions (1 by default): Theano 1.0's check for
    the result of ``flatten``/``reshape``. ``outdim`` is its older name for ``ndim``."""
    if outdim is not None:
        ndim = outdim
    if ndim is None:
        ndim = 1
    return as_tensor_variable(var).ndim == ndim


class Flatten:
    """Theano 1.0's deprecated ``Flatten(outdim)`` op: calling it builds ``flatten(x, outdim)``."""

    def __init__(self, outdim=1):
        self.outdim = int(outdim)

    def __call__(self, x):
        return flatten(x, self.outdim)

    def __eq__(self, other):
        return type(self) is type(other) and self.outdim == other.outdim

    def __hash__(self):
        return hash((type(self), self.outdim))


# -------------------------------------------------------------------------------------------------
# shape vectors known when the graph is built
# -------------------------------------------------------------------------------------------------


def get_vector_length(v):
    """The length of the symbolic vector ``v`` when known at graph construction, else ValueError.

    Besides constants, broadcastable vectors, MakeVector and Shape, an op of a higher layer tells
    the length of its output with a ``static_vector_length(node)`` method (an int, or None when
    unknown): ARange, Join and Subtensor (a slice of a vector of known length) do.
    """
    v = as_tensor_variable(v)
    if v.ndim != 1:
        raise TypeError(f"get_vector_length: {v} is not a vector ({v.ndim} dimensions)")
    if isinstance(v, Constant):
        return int(v.data.shape[0])
    if v.broadcastable[0]:
        return 1
    if v.owner is not None:
        op = v.owner.op
        if isinstance(op, MakeVector):
            return len(v.owner.inputs)
        if isinstance(op, Shape):
            return v.owner.inputs[0].ndim
        static_length = getattr(op, "static_vector_length", None)
        if static_length is not None:
            n = static_length(v.owner)
            if n is not None:
                return n
    raise ValueError(f"The length of vector {v} is not known when the graph is built")


def vector_entries(v, n=None):
    """The entries of an integer vector as a list of scalar variables (length known statically).

    An op of a higher layer may give them directly with a ``static_vector_entries(node)`` method
    (a list, or None); otherwise they are ``v[0], v[1], ...``.
    """
    if isinstance(v, (list, tuple)):
        return [as_tensor_variable(e) for e in v]
    v = as_tensor_variable(v)
    if n is None:
        n = get_vector_length(v)
    if isinstance(v, Constant):
        return [constant(e, dtype=v.dtype) for e in np.asarray(v.data).reshape(-1)]
    if v.owner is not None:
        if isinstance(v.owner.op, MakeVector):
            return list(v.owner.inputs)
        if isinstance(v.owner.op, Shape):
            return [shape_i(v.owner.inputs[0], i) for i in range(n)]
        static_entries = getattr(v.owner.op, "static_vector_entries", None)
        if static_entries is not None:
            entries = static_entries(v.owner)
            if entries is not None:
                return entries
    return [v[i] for i in range(n)]


# -------------------------------------------------------------------------------------------------
# dims: squeeze, swapaxes, padding
# -------------------------------------------------------------------------------------------------


def squeeze(x, axis=None):
    """Remove broadcastable dimensions (all of them, or those in ``axis``, which must be so)."""
    x = as_tensor_variable(x)
    if axis is None:
        drop = [d for d, b in enumerate(x.broadcastable) if b]
    else:
        axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        drop = [_static_axis(a, x.ndim, "squeeze: axis") for a in axes]
        for d in drop:
            if not x.broadcastable[d]:
                raise ValueError(f"squeeze: dimension {d} of {x} is not broadcastable (length 1 "
                                 "known when the graph is built); use addbroadcast first")
    return DimShuffle(x.broadcastable, [d for d in range(x.ndim) if d not in drop])(x)


def swapaxes(y, axis1, axis2):
    """Swap two dimensions of ``y``."""
    y = as_tensor_variable(y)
    a = _static_axis(axis1, y.ndim, "swapaxes: axis1")
    b = _static_axis(axis2, y.ndim, "swapaxes: axis2")
    order = list(range(y.ndim))
    order[a], order[b] = order[b], order[a]
    return DimShuffle(y.broadcastable, order)(y)


def shape_padleft(t, n_ones=1):
    """``t`` with ``n_ones`` broadcastable dimensions added on the left."""
    t = as_tensor_variable(t)
    return DimShuffle(t.broadcastable, ["x"] * n_ones + list(range(t.ndim)))(t)


def shape_padright(t, n_ones=1):
    t = as_tensor_variable(t)
    return DimShuffle(t.broadcastable, list(range(t.ndim)) + ["x"] * n_ones)(t)


def shape_padaxis(t, axis):
    """``t`` with a broadcastable dimension inserted at ``axis`` (negative counts from the end)."""
    t = as_tensor_variable(t)
    axis = _static_axis(axis, t.ndim, "shape_padaxis: axis", extra=1)
    order = list(range(t.ndim))
    order.insert(axis, "x")
    return DimShuffle(t.broadcastable, order)(t)


# -------------------------------------------------------------------------------------------------
# specify_shape
# -------------------------------------------------------------------------------------------------


class SpecifyShape(Op):
    """Identity that checks at run time that ``x`` has the given shape (and lets infer_shape know)."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, shape):
        # a symbolic variable of another type with a shape (a sparse matrix) is kept as it is,
        # as in Theano 1.0
        if not (isinstance(x, Variable) and not isinstance(x.type, TensorType)
                and isinstance(getattr(x, "ndim", None), int)):
            x = as_tensor_variable(x)
        if isinstance(shape, (list, tuple)):
            shape = MakeVector("int64")(*[_int_scalar(s, f"specify_shape: shape[{i}]")
                                          for i, s in enumerate(shape)]) if shape else \
                constant(np.zeros(0, dtype="int64"))
        shape = as_tensor_variable(shape)
        if shape.ndim != 1 or shape.dtype not in ts.integer_dtypes:
            raise TypeError(f"specify_shape: shape must be an integer vector, got {shape}")
        try:
            n = get_vector_length(shape)
        except ValueError:
            n = None
        if n is not None and n != x.ndim:
            # AssertionError, as when the shapes disagree at run time (Theano 1.0 raised it here too)
            raise AssertionError(f"specify_shape: {n} entries given for a {x.ndim}-d tensor")
        return Apply(self, [x, shape], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, shape = inputs
        if x.ndim != len(shape) or tuple(x.shape) != tuple(int(s) for s in shape):
            raise AssertionError(f"specify_shape: expected shape {tuple(int(s) for s in shape)}, "
                                 f"got {x.shape}")
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        entries = vector_entries(node.inputs[1], node.inputs[0].ndim)
        return [tuple(_int64(e) for e in entries)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        return [output_grads[0], _disconnected()]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0], inputs[1])]


specify_shape = SpecifyShape()


# -------------------------------------------------------------------------------------------------
# cpu_contiguous
# -------------------------------------------------------------------------------------------------


class CpuContiguous(Op):
    """``x`` in C-contiguous layout: ``x`` itself when it already is (a view), else a C-ordered copy.
    The values, the shape and the gradient pass through unchanged."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        # np.ascontiguousarray would turn a 0-d array into a 1-d one
        output_storage[0][0] = x if x.flags.c_contiguous else x.copy(order="C")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


cpu_contiguous = CpuContiguous()
