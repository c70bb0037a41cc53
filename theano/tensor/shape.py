"""Shape, Shape_i, Reshape and flatten."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import MakeVector, as_tensor_variable, cast, constant
from theano.tensor.type import TensorType


class Shape(Op):
    """The shape of a tensor, as an int64 vector."""

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [(constant(node.inputs[0].ndim, dtype="int64"),)]

    def grad(self, inputs, output_grads):
        from theano.tensor.basic import zeros_like

        return [zeros_like(inputs[0], dtype=config.floatX if inputs[0].dtype in ts.discrete_dtypes else None)]

    def connection_pattern(self, node):
        return [[False]]


class Shape_i(Op):
    """The length of dimension ``i`` of a tensor, as an int64 scalar."""

    __props__ = ("i",)

    def __init__(self, i):
        self.i = int(i)

    def __str__(self):
        return f"Shape_i{{{self.i}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.i < x.ndim:
            raise ValueError(f"Shape_i{{{self.i}}}: {x} has only {x.ndim} dimensions")
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape[self.i], dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        from theano.tensor.basic import zeros_like

        return [zeros_like(inputs[0], dtype=config.floatX if inputs[0].dtype in ts.discrete_dtypes else None)]

    def connection_pattern(self, node):
        return [[False]]


_shape = Shape()


def shape(x):
    return _shape(x)


def shape_i(x, i):
    """Length of dimension ``i`` of ``x`` (a constant when ``x`` is broadcastable there)."""
    x = as_tensor_variable(x)
    if x.broadcastable[i]:
        return constant(1, dtype="int64")
    if isinstance(x, Constant):
        return constant(x.data.shape[i], dtype="int64")
    return Shape_i(i)(x)


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
        from theano.tensor.math import switch, eq
        from theano.tensor.shape_ops import vector_entries

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
        from theano.tensor.basic import zeros_like

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
            from theano.tensor.basic import get_scalar_constant_value, NotScalarConstantError

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
    dims = [shape_i(x, i) for i in range(outdim - 1)]
    rest = None
    for i in range(outdim - 1, x.ndim):
        s = shape_i(x, i)
        rest = s if rest is None else rest * s
    out = reshape(x, dims + [rest], ndim=outdim)
    bcast = x.broadcastable[: outdim - 1] + (all(x.broadcastable[outdim - 1:]),)
    from theano.tensor.basic import patternbroadcast

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
