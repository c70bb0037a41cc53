"""Array construction and shape manipulation: arange, alloc/zeros/ones, eye, join/split/stack,
tile, repeat, roll, diagonals, tril/triu, squeeze, swapaxes, padding dims, specify_shape, nonzero."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (MakeVector, NotScalarConstantError, as_tensor_variable, cast,
                                 constant, get_scalar_constant_value, patternbroadcast, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.type import TensorType

__all__ = [
    "ARange", "arange", "Alloc", "alloc", "zeros", "ones", "Eye", "eye", "identity_like", "Tri", "tri",
    "tril", "triu", "Join", "join", "JoinDynamic", "Split", "SplitDynamic", "split", "concatenate",
    "horizontal_stack", "vertical_stack", "tile", "RepeatOp", "repeat", "Roll", "roll", "squeeze", "swapaxes",
    "shape_padleft", "shape_padright", "shape_padaxis",
    "SpecifyShape", "specify_shape", "Nonzero", "nonzero", "flatnonzero", "NonzeroValues",
    "nonzero_values", "get_vector_length", "vector_entries",
]


# -------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------


def _disconnected():
    from theano.gradient import disconnected_type

    return disconnected_type()


def _int_scalar(x, what):
    """``x`` as an integer scalar variable; a clear TypeError naming ``what`` otherwise."""
    if isinstance(x, (float, np.floating)):
        raise TypeError(f"{what} must be an integer, got the float {x!r}")
    try:
        v = as_tensor_variable(x)
    except TypeError as exc:
        raise TypeError(f"{what} must be an integer scalar, got {x!r}") from exc
    if v.ndim != 0:
        raise TypeError(f"{what} must be a scalar, got {v} with {v.ndim} dimensions")
    if v.dtype not in ts.discrete_dtypes:
        raise TypeError(f"{what} must be an integer, got {v} of dtype {v.dtype}")
    return v


def _const_int(v):
    """The Python int value of ``v`` when it is known at graph construction, else None."""
    try:
        return int(get_scalar_constant_value(v))
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def _static_axis(axis, ndim, what="axis", extra=0):
    """A normalized Python int axis; symbolic axes must be constants."""
    if not isinstance(axis, (int, np.integer)):
        a = _const_int(axis) if not isinstance(axis, (float, np.floating)) else None
        if a is None:
            raise TypeError(f"{what} must be an int known when the graph is built, got {axis!r}")
        axis = a
    axis = int(axis)
    n = ndim + extra
    if not -n <= axis < n:
        # numpy's AxisError is both a ValueError and the IndexError Theano raised here
        raise np.exceptions.AxisError(f"{what}={axis} is out of range for a tensor with {ndim} dimensions")
    return axis % n


def _getitem(v, i):
    from theano.tensor import subtensor

    return subtensor.getitem(v, i)


def _static_slice_of(v):
    """``(base, slice)`` when ``v`` is ``base[start:stop:step]`` with bounds known statically."""
    if v.owner is None:
        return None
    try:
        from theano.tensor.subtensor import Subtensor, get_idx_list
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(v.owner.op, Subtensor):
        return None
    items = get_idx_list(v.owner.inputs[1:], v.owner.op.idx_list)
    if len(items) != 1 or not isinstance(items[0], slice):
        return None
    parts = []
    for p in (items[0].start, items[0].stop, items[0].step):
        if p is None or isinstance(p, (int, np.integer)):
            parts.append(p)
            continue
        c = _const_int(p)
        if c is None:
            return None
        parts.append(c)
    return v.owner.inputs[0], slice(*parts)


def get_vector_length(v):
    """The length of the symbolic vector ``v`` when known at graph construction, else ValueError."""
    v = as_tensor_variable(v)
    if v.ndim != 1:
        raise TypeError(f"get_vector_length: {v} is not a vector ({v.ndim} dimensions)")
    if isinstance(v, Constant):
        return int(v.data.shape[0])
    if v.broadcastable[0]:
        return 1
    if v.owner is not None:
        from theano.tensor.shape import Shape

        op = v.owner.op
        if isinstance(op, MakeVector):
            return len(v.owner.inputs)
        if isinstance(op, Shape):
            return v.owner.inputs[0].ndim
        if isinstance(op, ARange):
            vals = [_const_int(i) for i in v.owner.inputs]
            if None not in vals:
                return len(range(*vals))
        if isinstance(op, Join):
            lens = [get_vector_length(i) for i in v.owner.inputs]
            return int(sum(lens))
        sliced = _static_slice_of(v)
        if sliced is not None:
            return len(range(get_vector_length(sliced[0]))[sliced[1]])
    raise ValueError(f"The length of vector {v} is not known when the graph is built")


def vector_entries(v, n=None):
    """The entries of an integer vector as a list of scalar variables (length known statically)."""
    if isinstance(v, (list, tuple)):
        return [as_tensor_variable(e) for e in v]
    v = as_tensor_variable(v)
    if n is None:
        n = get_vector_length(v)
    if isinstance(v, Constant):
        return [constant(e, dtype=v.dtype) for e in np.asarray(v.data).reshape(-1)]
    if v.owner is not None:
        from theano.tensor.shape import Shape, shape_i

        if isinstance(v.owner.op, MakeVector):
            return list(v.owner.inputs)
        if isinstance(v.owner.op, Shape):
            return [shape_i(v.owner.inputs[0], i) for i in range(n)]
        sliced = _static_slice_of(v)
        if sliced is not None:
            try:
                return vector_entries(sliced[0])[sliced[1]]
            except ValueError:
                pass
    return [_getitem(v, i) for i in range(n)]


def _shape_list(shape, what="shape"):
    """A shape given as an int, a list/tuple of ints or scalars, or an int vector -> list of scalars."""
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    if isinstance(shape, (list, tuple)):
        return [_int_scalar(s, f"{what}[{i}]") for i, s in enumerate(shape)]
    v = as_tensor_variable(shape)
    if v.ndim == 0:
        return [_int_scalar(v, what)]
    if v.ndim != 1 or v.dtype not in ts.discrete_dtypes:
        raise TypeError(f"{what} must be a tuple of integers or an integer vector, got {v} "
                        f"({v.ndim} dims, dtype {v.dtype})")
    return [_int_scalar(e, f"{what}[{i}]") for i, e in enumerate(vector_entries(v))]


def _int64(x):
    return cast(x, "int64")


# -------------------------------------------------------------------------------------------------
# arange
# -------------------------------------------------------------------------------------------------


class ARange(Op):
    """``np.arange(start, stop, step)`` with symbolic scalar bounds; ``dtype`` is the output dtype."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = str(np.dtype(dtype))

    def __str__(self):
        return f"ARange{{dtype={self.dtype}}}"

    def make_node(self, start, stop, step):
        ins = []
        for name, v in (("start", start), ("stop", stop), ("step", step)):
            v = as_tensor_variable(v)
            if v.ndim != 0:
                raise TypeError(f"arange: {name} must be a scalar, got {v} with {v.ndim} dimensions")
            if v.dtype.startswith("complex"):
                raise TypeError(f"arange: {name} must be real, got dtype {v.dtype}")
            ins.append(v)
        if _const_int(ins[2]) == 0 and ins[2].dtype in ts.discrete_dtypes:
            raise ValueError("arange: step must not be zero")
        return Apply(self, ins, [TensorType(self.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        start, stop, step = (np.asarray(i).item() for i in inputs)
        if step == 0:
            raise ValueError("arange: step must not be zero")
        output_storage[0][0] = np.arange(start, stop, step, dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        from theano.tensor.math import ceil, maximum

        start, stop, step = (cast(i, "float64") for i in node.inputs)
        n = maximum(ceil((stop - start) / step), 0)
        return [(_int64(n),)]

    def connection_pattern(self, node):
        return [[True], [False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        start, stop, step = inputs
        (gz,) = output_grads
        if self.dtype in ts.discrete_dtypes:
            return [zeros_like(start, dtype=config.floatX), _disconnected(),
                    zeros_like(step, dtype=config.floatX)]
        from theano.tensor.math import sum as tsum
        from theano.tensor.shape import shape_i

        n = shape_i(outputs[0], 0)
        idx = ARange(self.dtype)(constant(0, dtype="int64"), n, constant(1, dtype="int64"))
        return [tsum(gz), _disconnected(), tsum(gz * idx)]


def arange(start, stop=None, step=1, dtype=None):
    """Symbolic ``numpy.arange``. With no ``dtype``: int64 for integer bounds, else the upcast of
    the bounds' float dtypes (Theano's rule)."""
    if stop is None:
        start, stop = 0, start
    start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
    if dtype is None:
        dtype = ts.upcast(start.dtype, stop.dtype, step.dtype)
        if dtype in ts.int_dtypes or dtype == "bool":
            dtype = "int64"
        elif dtype in ts.uint_dtypes:
            dtype = "uint64"
    elif dtype == "floatX":
        dtype = config.floatX
    return ARange(dtype)(start, stop, step)


# -------------------------------------------------------------------------------------------------
# alloc, zeros, ones, eye, tri
# -------------------------------------------------------------------------------------------------


class Alloc(Op):
    """``alloc(value, *shape)``: ``value`` broadcast to ``shape`` (new leading dims allowed).

    Only dimensions of ``value`` that are broadcastable (or already of the target length) may
    be expanded, as everywhere in Theano.
    """

    __props__ = ()

    def make_node(self, value, *shape):
        v = as_tensor_variable(value)
        sh = [_int_scalar(s, f"alloc: shape[{i}]") for i, s in enumerate(shape)]
        if v.ndim > len(sh):
            raise TypeError(f"alloc: the value has {v.ndim} dimensions but the shape only {len(sh)} "
                            "entries; the shape needs at least as many entries as the value has dims")
        bcast = []
        lead = len(sh) - v.ndim
        for i, s in enumerate(sh):
            c = _const_int(s)
            if c is not None and c < 0:
                raise ValueError(f"alloc: shape[{i}] is negative ({c})")
            bcast.append(c == 1)
            if i >= lead and c is not None and not v.broadcastable[i - lead] and isinstance(v, Constant):
                if v.data.shape[i - lead] != c:
                    raise ValueError(f"alloc: cannot broadcast a value of shape {v.data.shape} to "
                                     f"length {c} in dimension {i}")
        return Apply(self, [v] + sh, [TensorType(v.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        v = inputs[0]
        shape = tuple(int(s) for s in inputs[1:])
        lead = len(shape) - v.ndim
        for d in range(v.ndim):
            if v.shape[d] != shape[lead + d] and not (node.inputs[0].broadcastable[d] and v.shape[d] == 1):
                raise ValueError(
                    f"alloc: cannot broadcast a value of shape {v.shape} to shape {shape} (dimension "
                    f"{d} of the value has length {v.shape[d]} and is not broadcastable; mark it "
                    "with T.addbroadcast if it always has length 1)")
        if any(s < 0 for s in shape):
            raise ValueError(f"alloc: negative dimension in shape {shape}")
        out = np.empty(shape, dtype=node.outputs[0].type.numpy_dtype)
        out[...] = v
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        from theano.tensor.math import sum as tsum

        v = inputs[0]
        (gz,) = output_grads
        lead = gz.ndim - v.ndim
        axes = list(range(lead)) + [lead + d for d in range(v.ndim)
                                    if v.broadcastable[d] and not outputs[0].broadcastable[lead + d]]
        g = tsum(gz, axis=axes, keepdims=True) if axes else gz
        if lead:
            g = DimShuffle(g.broadcastable, list(range(lead, g.ndim)))(patternbroadcast(
                g, (True,) * lead + g.broadcastable[lead:]))
        if v.dtype in ts.discrete_dtypes:
            g = zeros_like(v, dtype=config.floatX)
        return [g] + [_disconnected() for _ in inputs[1:]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], *inputs[1:])]


_alloc = Alloc()


def alloc(value, *shape):
    """``value`` broadcast to ``shape`` (each entry an int or an integer scalar)."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    return _alloc(value, *shape)


def zeros(shape, dtype=None):
    """A tensor of zeros of ``shape`` (tuple of ints/scalars or an int vector); dtype floatX."""
    dtype = config.floatX if dtype in (None, "floatX") else dtype
    return _alloc(constant(0, dtype=dtype), *_shape_list(shape))


def ones(shape, dtype=None):
    dtype = config.floatX if dtype in (None, "floatX") else dtype
    return _alloc(constant(1, dtype=dtype), *_shape_list(shape))


class Eye(Op):
    """``eye(n, m, k)``: ones on the ``k``-th diagonal of an ``n x m`` matrix."""

    __props__ = ("dtype",)

    def __init__(self, dtype=None):
        self.dtype = str(np.dtype(dtype or config.floatX))

    def make_node(self, n, m, k):
        n = _int_scalar(n, "eye: n")
        m = _int_scalar(m, "eye: m")
        k = _int_scalar(k, "eye: k")
        bcast = (_const_int(n) == 1, _const_int(m) == 1)
        return Apply(self, [n, m, k], [TensorType(self.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        n, m, k = (int(i) for i in inputs)
        output_storage[0][0] = np.eye(n, m, k, dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        return [(_int64(node.inputs[0]), _int64(node.inputs[1]))]

    def connection_pattern(self, node):
        return [[False], [False], [False]]

    def grad(self, inputs, output_grads):
        return [_disconnected() for _ in inputs]


def eye(n, m=None, k=0, dtype=None):
    """Identity-like matrix; ``m`` defaults to ``n``, dtype to floatX."""
    if m is None:
        m = n
    return Eye(config.floatX if dtype in (None, "floatX") else dtype)(n, m, k)


def identity_like(x):
    """An identity matrix with the shape and dtype of the matrix ``x``."""
    from theano.tensor.shape import shape_i

    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"identity_like needs a matrix, got {x} with {x.ndim} dimensions")
    return eye(shape_i(x, 0), shape_i(x, 1), k=0, dtype=x.dtype)


class Tri(Op):
    """``tri(N, M, k)``: ones at and below the ``k``-th diagonal (``np.tri``)."""

    __props__ = ("dtype",)

    def __init__(self, dtype=None):
        self.dtype = str(np.dtype(dtype or config.floatX))

    make_node = Eye.make_node

    def perform(self, node, inputs, output_storage):
        n, m, k = (int(i) for i in inputs)
        output_storage[0][0] = np.tri(n, m, k, dtype=self.dtype)

    infer_shape = Eye.infer_shape
    connection_pattern = Eye.connection_pattern
    grad = Eye.grad


def tri(N, M=None, k=0, dtype=None):
    if M is None:
        M = N
    return Tri(config.floatX if dtype in (None, "floatX") else dtype)(N, M, k)


def _tri_mask(m, k, upper):
    from theano.tensor.shape import shape_i

    m = as_tensor_variable(m)
    if m.ndim < 2:
        raise TypeError(f"{'triu' if upper else 'tril'} needs at least 2 dimensions, got {m.ndim}")
    k = _int_scalar(k, "k")
    r, c = shape_i(m, m.ndim - 2), shape_i(m, m.ndim - 1)
    dtype = "int8" if m.dtype in ts.discrete_dtypes else m.dtype
    if upper:
        mask = 1 - tri(r, c, k - 1, dtype=dtype)
    else:
        mask = tri(r, c, k, dtype=dtype)
    out = m * mask
    return cast(out, m.dtype) if out.dtype != m.dtype else out


def tril(m, k=0):
    """Lower triangle of ``m`` (the last two dims): zeros above the ``k``-th diagonal."""
    return _tri_mask(m, k, False)


def triu(m, k=0):
    """Upper triangle of ``m``: zeros below the ``k``-th diagonal."""
    return _tri_mask(m, k, True)


# -------------------------------------------------------------------------------------------------
# join / split / stack
# -------------------------------------------------------------------------------------------------


def _join_inputs(tensors):
    """Check the tensors given to join: at least one, not scalars, all of one ndim."""
    if not tensors:
        raise ValueError("join needs at least one tensor")
    tensors = [as_tensor_variable(t) for t in tensors]
    ndim = tensors[0].ndim
    if ndim == 0:
        raise TypeError("join: cannot join scalars (0-d tensors); use stack")
    for i, t in enumerate(tensors):
        if t.ndim != ndim:
            raise TypeError(f"join: all tensors need the same number of dimensions; tensor 0 has "
                            f"{ndim}, tensor {i} has {t.ndim}")
    return tensors, ndim


class Join(Op):
    """Concatenate tensors of equal rank along ``axis`` (a Python int, normalized).

    ``Join()`` without an axis is Theano 1.0's calling form: ``Join()(axis, *tensors)``, the axis
    first (an int or a scalar; a constant gives a Join node with that axis, a symbolic one a
    JoinDynamic node).
    """

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = None if axis is None else int(axis)

    def __str__(self):
        return "Join" if self.axis is None else f"Join{{axis={self.axis}}}"

    def make_node(self, *tensors):
        if self.axis is None:
            if len(tensors) < 2:
                raise TypeError("Join()(axis, *tensors) needs an axis and at least one tensor")
            axis, tensors = tensors[0], tensors[1:]
            tensors, ndim = _join_inputs(tensors)
            if not isinstance(axis, (int, np.integer)) and _const_int(axis) is None:
                return JoinDynamic().make_node(axis, *tensors)
            return Join(_static_axis(axis, ndim, "join: axis")).make_node(*tensors)
        tensors, ndim = _join_inputs(tensors)
        if not 0 <= self.axis < ndim:
            raise np.exceptions.AxisError(f"join: axis {self.axis} is out of range for {ndim}-d tensors")
        dtype = ts.upcast(*[t.dtype for t in tensors])
        bcast = []
        for d in range(ndim):
            if d == self.axis:
                bcast.append(len(tensors) == 1 and tensors[0].broadcastable[d])
            else:
                bcast.append(any(t.broadcastable[d] for t in tensors))
        return Apply(self, tensors, [TensorType(dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        ref = inputs[0].shape
        for i, x in enumerate(inputs):
            if len(x.shape) != len(ref) or any(a != b for d, (a, b) in enumerate(zip(x.shape, ref))
                                                if d != self.axis):
                raise ValueError(
                    f"join along axis {self.axis}: shapes {', '.join(str(x.shape) for x in inputs)} "
                    "differ outside the join axis")
        output_storage[0][0] = np.concatenate(inputs, axis=self.axis).astype(
            node.outputs[0].type.numpy_dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        out = []
        for d in range(len(input_shapes[0])):
            if d == self.axis:
                total = input_shapes[0][d]
                for s in input_shapes[1:]:
                    total = total + s[d]
                out.append(total)
            else:
                cands = [s[d] for s, t in zip(input_shapes, node.inputs) if not t.broadcastable[d]]
                out.append(cands[0] if cands else input_shapes[0][d])
        return [tuple(out)]

    def L_op(self, inputs, outputs, output_grads):
        from theano.tensor.shape import shape_i

        (gz,) = output_grads
        if len(inputs) == 1:
            parts = [gz]
        else:
            sizes = MakeVector("int64")(*[shape_i(t, self.axis) for t in inputs])
            parts = Split(len(inputs), self.axis)(gz, sizes)
        out = []
        for t, g in zip(inputs, parts):
            if t.dtype in ts.discrete_dtypes:
                out.append(zeros_like(t, dtype=config.floatX))
            else:
                g = cast(g, t.dtype) if g.dtype != t.dtype else g
                out.append(patternbroadcast(g, t.broadcastable))
        return out

    def R_op(self, inputs, eval_points):
        if any(e is None for e in eval_points):
            return [None]
        return [self(*eval_points)]


def join(axis, *tensors_list):
    """Concatenate ``tensors_list`` along ``axis`` (negative counts from the end)."""
    if len(tensors_list) == 1 and isinstance(tensors_list[0], (list, tuple)):
        tensors_list = tuple(tensors_list[0])
    tensors = [as_tensor_variable(t) for t in tensors_list]
    if not tensors:
        raise ValueError("join needs at least one tensor")
    if len(tensors) == 1:
        return tensors[0]
    ndim = tensors[0].ndim
    if ndim == 0:
        raise TypeError("join: cannot join scalars (0-d tensors); use stack")
    if not isinstance(axis, (int, np.integer)) and not isinstance(axis, (float, np.floating)) \
            and _const_int(axis) is None:
        return JoinDynamic()(axis, *tensors)  # an axis known only at run time
    return Join(_static_axis(axis, ndim, "join: axis"))(*tensors)


def _axis_switch(axis, ndim, d, on_axis, off_axis):
    """``on_axis`` if the run-time ``axis`` (negative allowed) is dimension ``d`` else ``off_axis``."""
    from theano.tensor.math import eq, mod, switch

    return switch(eq(mod(axis, ndim), d), on_axis, off_axis)


class JoinDynamic(Op):
    """Join along an axis given as a symbolic integer scalar (the first input). The output has no
    broadcastable dimension, since any of them may be the join axis."""

    __props__ = ()

    def make_node(self, axis, *tensors):
        axis = _int_scalar(axis, "join: axis")
        tensors, ndim = _join_inputs(tensors)
        dtype = ts.upcast(*[t.dtype for t in tensors])
        return Apply(self, [axis] + tensors, [TensorType(dtype, (False,) * ndim)()])

    def perform(self, node, inputs, output_storage):
        axis, tensors = int(inputs[0]), inputs[1:]
        ndim = tensors[0].ndim
        if not -ndim <= axis < ndim:
            raise ValueError(f"join: axis {axis} is out of range for {ndim}-d tensors")
        Join(axis % ndim).perform(node, tensors, output_storage)

    def infer_shape(self, node, input_shapes):
        axis, shapes = node.inputs[0], input_shapes[1:]
        ndim = len(shapes[0])
        out = []
        for d in range(ndim):
            total = shapes[0][d]
            for s in shapes[1:]:
                total = total + s[d]
            out.append(_int64(_axis_switch(axis, ndim, d, total, shapes[0][d])))
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[False]] + [[True]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        from theano.tensor.shape import shape_i

        axis, tensors = inputs[0], inputs[1:]
        (gz,) = output_grads
        ndim = tensors[0].ndim
        sizes = []
        for t in tensors:
            size = shape_i(t, 0)
            for d in range(1, ndim):
                size = _axis_switch(axis, ndim, d, shape_i(t, d), size)
            sizes.append(_int64(size))
        parts = SplitDynamic(len(tensors))(gz, axis, MakeVector("int64")(*sizes))
        parts = parts if isinstance(parts, list) else [parts]
        out = [_disconnected()]
        for t, g in zip(tensors, parts):
            if t.dtype in ts.discrete_dtypes:
                out.append(zeros_like(t, dtype=config.floatX))
            else:
                g = cast(g, t.dtype) if g.dtype != t.dtype else g
                out.append(patternbroadcast(g, t.broadcastable))
        return out


class SplitDynamic(Op):
    """Split along an axis given as a symbolic integer scalar (JoinDynamic's gradient)."""

    __props__ = ("len_splits",)

    def __init__(self, len_splits):
        self.len_splits = int(len_splits)

    def make_node(self, x, axis, splits):
        x = as_tensor_variable(x)
        axis = _int_scalar(axis, "split: axis")
        splits = as_tensor_variable(splits)
        if splits.ndim != 1 or splits.dtype not in ts.integer_dtypes:
            raise TypeError(f"split: splits_size must be an integer vector, got {splits}")
        outs = [TensorType(x.dtype, (False,) * x.ndim)() for _ in range(self.len_splits)]
        return Apply(self, [x, axis, splits], outs)

    def perform(self, node, inputs, output_storage):
        x, axis, splits = inputs
        axis = int(axis)
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"split: axis {axis} is out of range for a {x.ndim}-d tensor")
        Split(self.len_splits, axis % x.ndim).perform(node, [x, splits], output_storage)

    def infer_shape(self, node, input_shapes):
        x, axis, splits = node.inputs
        sizes = vector_entries(splits, self.len_splits)
        x_shape = input_shapes[0]
        return [tuple(_int64(_axis_switch(axis, x.ndim, d, sizes[i], s)) for d, s in enumerate(x_shape))
                for i in range(self.len_splits)]

    def connection_pattern(self, node):
        return [[True] * self.len_splits, [False] * self.len_splits, [False] * self.len_splits]

    def L_op(self, inputs, outputs, output_grads):
        x, axis, splits = inputs
        gs = [g if g is not None else zeros_like(o) for g, o in zip(output_grads, outputs)]
        g = JoinDynamic()(axis, *gs)
        if x.dtype in ts.discrete_dtypes:
            g = zeros_like(x, dtype=config.floatX)
        return [patternbroadcast(g, x.broadcastable), _disconnected(), _disconnected()]


def concatenate(tensor_list, axis=0):
    """``numpy.concatenate``: join the tensors of ``tensor_list`` along ``axis``."""
    if not isinstance(tensor_list, (list, tuple)):
        raise TypeError("concatenate: tensor_list must be a list or tuple of tensors; did you forget "
                        "the [] around the arguments?")
    return join(axis, *tensor_list)


def horizontal_stack(*args):
    """Join matrices along axis 1 (vectors are not accepted, as in Theano)."""
    for a in args:
        if as_tensor_variable(a).ndim != 2:
            raise TypeError("horizontal_stack needs matrices")
    return concatenate(list(args), axis=1)


def vertical_stack(*args):
    for a in args:
        if as_tensor_variable(a).ndim != 2:
            raise TypeError("vertical_stack needs matrices")
    return concatenate(list(args), axis=0)


class Split(Op):
    """Split ``x`` along ``axis`` into ``len_splits`` pieces whose lengths are the vector ``splits``."""

    __props__ = ("len_splits", "axis")

    def __init__(self, len_splits, axis=None):
        self.len_splits = int(len_splits)
        self.axis = None if axis is None else int(axis)
        if self.len_splits < 1:
            raise ValueError(f"Split needs at least one piece, got len_splits={len_splits}")

    def __str__(self):
        return f"Split{{{self.len_splits}}}" if self.axis is None else \
            f"Split{{{self.len_splits}, axis={self.axis}}}"

    def make_node(self, x, *args):
        # Split(n)(x, axis, splits) is Theano 1.0's form; Split(n, axis)(x, splits) fixes the axis
        x = as_tensor_variable(x)
        if self.axis is None:
            if len(args) != 2:
                raise TypeError("Split(n)(x, axis, splits) needs an axis and the splits")
            axis, splits = args
            if isinstance(splits, (list, tuple)) and all(isinstance(s, (int, np.integer)) for s in splits):
                splits = np.asarray(splits, dtype="int64").reshape(len(splits))
            return Split(self.len_splits, _static_axis(axis, x.ndim, "split: axis")).make_node(x, splits)
        if len(args) != 1:
            raise TypeError(f"{self}(x, splits) takes the tensor and the split sizes")
        (splits,) = args
        splits = as_tensor_variable(splits)
        if splits.ndim != 1 or splits.dtype not in ts.integer_dtypes:
            raise TypeError(f"split: splits_size must be an integer vector, got {splits} "
                            f"({splits.ndim} dims, dtype {splits.dtype})")
        if not 0 <= self.axis < x.ndim:
            raise ValueError(f"split: axis {self.axis} out of range for a {x.ndim}-d tensor")
        if isinstance(splits, Constant) and splits.data.shape[0] != self.len_splits:
            raise ValueError(f"split: {splits.data.shape[0]} sizes given for {self.len_splits} pieces")
        bcast = tuple(False if d == self.axis else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x, splits], [TensorType(x.dtype, bcast)() for _ in range(self.len_splits)])

    def perform(self, node, inputs, output_storage):
        x, splits = inputs
        if len(splits) != self.len_splits:
            raise ValueError(f"split: got {len(splits)} sizes, expected {self.len_splits}")
        if np.any(splits < 0) or int(np.sum(splits)) != x.shape[self.axis]:
            raise ValueError(f"split: sizes {list(splits)} must be non-negative and sum to "
                             f"{x.shape[self.axis]}, the length of axis {self.axis} of shape {x.shape}")
        pieces = np.split(x, np.cumsum(splits)[:-1], axis=self.axis)
        for store, p in zip(output_storage, pieces):
            store[0] = p.copy()

    def infer_shape(self, node, input_shapes):
        x_shape = input_shapes[0]
        sizes = vector_entries(node.inputs[1], self.len_splits)
        return [tuple(_int64(sizes[i]) if d == self.axis else s for d, s in enumerate(x_shape))
                for i in range(self.len_splits)]

    def connection_pattern(self, node):
        return [[True] * self.len_splits, [False] * self.len_splits]

    def L_op(self, inputs, outputs, output_grads):
        x, splits = inputs
        gs = [g if g is not None else zeros_like(o) for g, o in zip(output_grads, outputs)]
        g = Join(self.axis)(*gs) if len(gs) > 1 else gs[0]
        if x.dtype in ts.discrete_dtypes:
            g = zeros_like(x, dtype=config.floatX)
        return [patternbroadcast(g, x.broadcastable), _disconnected()]


def split(x, splits_size, n_splits, axis=0):
    """Split ``x`` along ``axis`` into ``n_splits`` pieces of lengths ``splits_size``; returns a list."""
    x = as_tensor_variable(x)
    axis = _static_axis(axis, x.ndim, "split: axis")
    if isinstance(splits_size, (list, tuple)):
        if len(splits_size) != n_splits:
            raise ValueError(f"split: {len(splits_size)} sizes given for n_splits={n_splits}")
        if all(isinstance(s, (int, np.integer)) for s in splits_size):
            splits_size = constant(np.asarray(splits_size, dtype="int64").reshape(len(splits_size)))
        else:
            splits_size = MakeVector("int64")(*[_int_scalar(s, "split: size") for s in splits_size])
    out = Split(n_splits, axis)(x, splits_size)
    return out if isinstance(out, list) else [out]


# -------------------------------------------------------------------------------------------------
# tile, repeat, roll
# -------------------------------------------------------------------------------------------------


def tile(x, reps, ndim=None):
    """Repeat ``x`` ``reps[i]`` times along dimension ``i`` (``numpy.tile``)."""
    from theano.tensor.shape import reshape, shape_i

    x = as_tensor_variable(x)
    if isinstance(reps, (int, np.integer)):
        reps = [reps]
    if isinstance(reps, (list, tuple)):
        reps = [_int_scalar(r, f"tile: reps[{i}]") for i, r in enumerate(reps)]
    else:
        rv = as_tensor_variable(reps)
        if rv.ndim == 0 and rv.dtype in ts.discrete_dtypes:
            rv = shape_padleft(rv, 1)  # a scalar number of repetitions, as numpy.tile takes
        if rv.ndim != 1 or rv.dtype not in ts.discrete_dtypes:
            raise TypeError(f"tile: reps must be a list of ints or an integer vector, got {rv}")
        n = ndim if ndim is not None else get_vector_length(rv)
        reps = vector_entries(rv, n)
    if ndim is not None and ndim < max(x.ndim, len(reps)):
        raise ValueError(f"tile: ndim={ndim} is smaller than the dimensions of x ({x.ndim}) or reps "
                         f"({len(reps)})")
    nd = ndim if ndim is not None else max(x.ndim, len(reps))
    reps = [constant(1, dtype="int64")] * (nd - len(reps)) + list(reps)
    if x.ndim < nd:
        x = shape_padleft(x, nd - x.ndim)
    pattern = []
    for d in range(nd):
        pattern += ["x", d]
    xe = DimShuffle(x.broadcastable, pattern)(x)
    shape = []
    for d in range(nd):
        shape += [reps[d], shape_i(x, d)]
    big = alloc(xe, *shape)
    return reshape(big, [_int64(reps[d]) * shape_i(x, d) for d in range(nd)], ndim=nd)


class RepeatOp(Op):
    """``numpy.repeat(x, repeats, axis)`` with ``repeats`` an integer scalar or vector."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis if axis is None else int(axis)

    def make_node(self, x, repeats):
        x = as_tensor_variable(x)
        repeats = as_tensor_variable(repeats)
        if repeats.dtype not in ts.integer_dtypes:
            raise TypeError(f"repeat: repeats must be integers, got dtype {repeats.dtype}")
        if repeats.ndim > 1:
            raise ValueError(f"repeat: repeats must be a scalar or a vector, got {repeats.ndim} dims")
        if self.axis is None:
            if x.ndim != 1:
                raise ValueError("RepeatOp with axis=None needs a vector (flatten first)")
            axis = 0
        else:
            axis = self.axis
        if not 0 <= axis < x.ndim:
            raise ValueError(f"repeat: axis {self.axis} is out of range for a {x.ndim}-d tensor")
        bcast = tuple(False if d == axis else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x, repeats], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, repeats = inputs
        axis = self.axis or 0
        if repeats.ndim == 1 and repeats.shape[0] not in (1, x.shape[axis]):
            raise ValueError(f"repeat: {repeats.shape[0]} repeat counts for an axis of length "
                             f"{x.shape[axis]}")
        if np.any(repeats < 0):
            raise ValueError("repeat: repeat counts must be non-negative")
        output_storage[0][0] = np.repeat(x, repeats, axis=axis)

    def infer_shape(self, node, input_shapes):
        from theano.tensor.math import sum as tsum

        x, repeats = node.inputs
        axis = self.axis or 0
        shp = list(input_shapes[0])
        if repeats.ndim == 0 or repeats.broadcastable[0]:
            r = repeats if repeats.ndim == 0 else tsum(repeats)
            shp[axis] = shp[axis] * _int64(r)
        else:
            shp[axis] = _int64(tsum(repeats))
        return [tuple(shp)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, repeats = inputs
        (gz,) = output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        from theano.tensor.shape import shape_i

        g = RepeatGrad(self.axis or 0)(gz, repeats, shape_i(x, self.axis or 0))
        return [patternbroadcast(g, x.broadcastable), _disconnected()]


class RepeatGrad(Op):
    """Gradient of repeat: sums each run of repeated elements of ``gz`` back into one element."""

    __props__ = ("axis",)

    def __init__(self, axis):
        self.axis = int(axis)

    def make_node(self, gz, repeats, n):
        gz = as_tensor_variable(gz)
        bcast = tuple(False for _ in gz.broadcastable)
        return Apply(self, [gz, as_tensor_variable(repeats), _int_scalar(n, "n")],
                     [TensorType(gz.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        gz, repeats, n = inputs
        n = int(n)
        idx = np.repeat(np.arange(n), np.broadcast_to(repeats, (n,)) if repeats.ndim else repeats)
        moved = np.moveaxis(gz, self.axis, 0)
        out = np.zeros((n,) + moved.shape[1:], dtype=gz.dtype)
        np.add.at(out, idx, moved)
        output_storage[0][0] = np.moveaxis(out, 0, self.axis)

    def infer_shape(self, node, input_shapes):
        shp = list(input_shapes[0])
        shp[self.axis] = _int64(node.inputs[2])
        return [tuple(shp)]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        gz, repeats, n = inputs
        return [RepeatOp(self.axis)(output_grads[0], repeats), _disconnected(), _disconnected()]


def repeat(x, repeats, axis=None):
    """Repeat elements of ``x`` (``numpy.repeat``); ``axis=None`` repeats the flattened tensor."""
    from theano.tensor.shape import flatten

    x = as_tensor_variable(x)
    if isinstance(repeats, (float, np.floating)):
        raise TypeError(f"repeat: repeats must be an integer, got {repeats!r}")
    repeats = as_tensor_variable(repeats)
    if axis is None:
        x = flatten(x, 1)
        axis = 0
    else:
        axis = _static_axis(axis, x.ndim, "repeat: axis")
    return RepeatOp(axis)(x, repeats)


class Roll(Op):
    """``numpy.roll(x, shift, axis)``; ``axis=None`` rolls the flattened tensor."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis if axis is None else int(axis)

    def make_node(self, x, shift):
        x = as_tensor_variable(x)
        shift = _int_scalar(shift, "roll: shift")
        if self.axis is not None and not 0 <= self.axis < x.ndim:
            raise ValueError(f"roll: axis {self.axis} out of range for a {x.ndim}-d tensor")
        return Apply(self, [x, shift], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, shift = inputs
        output_storage[0][0] = np.roll(x, int(shift), axis=self.axis)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, shift = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        return [self(output_grads[0], -shift), _disconnected()]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0], inputs[1])]


def roll(x, shift, axis=None):
    """Roll ``x`` by ``shift`` positions along ``axis`` (elements wrap around)."""
    x = as_tensor_variable(x)
    if axis is not None:
        axis = _static_axis(axis, x.ndim, "roll: axis")
    return Roll(axis)(x, shift)


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
            raise ValueError(f"specify_shape: {n} entries given for a {x.ndim}-d tensor")
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
# nonzero
# -------------------------------------------------------------------------------------------------


class Nonzero(Op):
    """Indices of the non-zero elements: one int64 vector per dimension, or one (ndim, nnz) matrix."""

    __props__ = ("return_matrix",)

    def __init__(self, return_matrix=False):
        self.return_matrix = bool(return_matrix)

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.ndim == 0:
            raise ValueError("nonzero is not defined for scalars")
        if self.return_matrix:
            outs = [TensorType("int64", (a.ndim == 1, False))()]
        else:
            outs = [TensorType("int64", (False,))() for _ in range(a.ndim)]
        return Apply(self, [a], outs)

    def perform(self, node, inputs, output_storage):
        idx = np.nonzero(inputs[0])
        if self.return_matrix:
            output_storage[0][0] = np.asarray(idx, dtype="int64").reshape(len(idx), -1)
        else:
            for store, i in zip(output_storage, idx):
                store[0] = np.asarray(i, dtype="int64")

    def grad(self, inputs, output_grads):
        return [_disconnected()]

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)]


def nonzero(a, return_matrix=False):
    """Indices of the non-zero elements of ``a``: a tuple of vectors (or a matrix)."""
    a = as_tensor_variable(a)
    out = Nonzero(return_matrix)(a)
    if return_matrix:
        return out
    return tuple(out) if isinstance(out, list) else (out,)


def flatnonzero(a):
    """Indices of the non-zero elements of the flattened ``a``."""
    from theano.tensor.shape import flatten

    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise ValueError("flatnonzero is not defined for scalars")
    return nonzero(flatten(a, 1))[0]


class NonzeroValues(Op):
    """The elements of ``x`` where ``mask`` is non-zero, flattened in C order
    (``nonzero_values(a)`` is ``NonzeroValues()(a, a)``)."""

    __props__ = ()

    def make_node(self, x, mask):
        x, mask = as_tensor_variable(x), as_tensor_variable(mask)
        if x.ndim != mask.ndim:
            raise TypeError(f"NonzeroValues: x has {x.ndim} dims but the mask {mask.ndim}")
        return Apply(self, [x, mask], [TensorType(x.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        x, mask = inputs
        if x.shape != mask.shape:
            raise ValueError(f"NonzeroValues: shapes {x.shape} and {mask.shape} differ")
        output_storage[0][0] = x[mask != 0].reshape(-1)

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, mask = inputs
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected()]
        return [NonzeroScatter()(mask, output_grads[0]), _disconnected()]


class NonzeroScatter(Op):
    """Zeros shaped like ``mask`` with ``values`` written where ``mask`` is non-zero
    (NonzeroValues' gradient)."""

    __props__ = ()

    def make_node(self, mask, values):
        mask, values = as_tensor_variable(mask), as_tensor_variable(values)
        return Apply(self, [mask, values], [TensorType(values.dtype, mask.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        mask, values = inputs
        out = np.zeros(mask.shape, dtype=values.dtype)
        out[mask != 0] = values
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True]]

    def grad(self, inputs, output_grads):
        mask = inputs[0]
        return [_disconnected(), NonzeroValues()(output_grads[0], mask)]


def nonzero_values(a):
    """The non-zero elements of ``a``, flattened (``a.flatten()[flatnonzero(a)]``)."""
    a = as_tensor_variable(a)
    return NonzeroValues()(a, a)


# -------------------------------------------------------------------------------------------------
# stacklists, inverse_permutation, AllocEmpty, mgrid / ogrid
# -------------------------------------------------------------------------------------------------


def stacklists(arg):
    """Build a tensor from nested lists of tensors: ``stacklists([[a, b], [c, d]])`` has shape
    ``(2, 2) + a.shape``."""
    from theano.tensor.basic import stack

    if not isinstance(arg, (list, tuple)):
        return as_tensor_variable(arg)
    # iterative post-order: stack the innermost lists first
    todo = [(arg, False)]
    done = {}
    while todo:
        node, expanded = todo.pop()
        if not isinstance(node, (list, tuple)):
            done[id(node)] = as_tensor_variable(node)
            continue
        if not expanded:
            todo.append((node, True))
            todo.extend((c, False) for c in node)
            continue
        done[id(node)] = stack([done[id(c)] for c in node])
    return done[id(arg)]


class InversePermutation(Op):
    """The inverse of a permutation vector (along the last axis of an integer tensor)."""

    __props__ = ()

    def make_node(self, perm):
        perm = as_tensor_variable(perm)
        if perm.dtype not in ts.integer_dtypes or perm.ndim < 1:
            raise TypeError(f"inverse_permutation needs an integer tensor, got {perm} ({perm.dtype})")
        return Apply(self, [perm], [perm.type()])

    def perform(self, node, inputs, output_storage):
        (perm,) = inputs
        out = np.empty_like(perm)
        n = perm.shape[-1]
        sorted_ok = np.sort(perm, axis=-1) == np.arange(n)
        if not np.all(sorted_ok):
            raise ValueError("inverse_permutation: the input is not a permutation of 0..n-1")
        np.put_along_axis(out, perm, np.broadcast_to(np.arange(n, dtype=perm.dtype), perm.shape), axis=-1)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def inverse_permutation(perm):
    """``out[perm[i]] = i`` along the last axis."""
    return InversePermutation()(perm)


class AllocEmpty(Op):
    """An uninitialized tensor of ``dtype`` and the given shape (its values are arbitrary)."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = str(np.dtype(dtype))

    def make_node(self, *shape):
        sh = [_int_scalar(s, f"AllocEmpty: shape[{i}]") for i, s in enumerate(shape)]
        bcast = tuple(_const_int(s) == 1 for s in sh)
        return Apply(self, sh, [TensorType(self.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.empty(tuple(int(s) for s in inputs), dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        return [tuple(_int64(s) for s in node.inputs)]

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def grad(self, inputs, output_grads):
        return [_disconnected() for _ in inputs]

    def do_constant_folding(self, node):
        return False


class _NdGrid:
    """``mgrid[0:5, 1:3]`` (dense) and ``ogrid[...]`` (open) grids with symbolic bounds."""

    def __init__(self, sparse):
        self.sparse = sparse

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        ranges = []
        for k in key:
            if not isinstance(k, slice):
                raise TypeError(f"{'ogrid' if self.sparse else 'mgrid'} takes slices, got {k!r}")
            if isinstance(k.step, complex):
                raise NotImplementedError("complex steps (number of points) are not supported")
            start = 0 if k.start is None else k.start
            step = 1 if k.step is None else k.step
            ranges.append(arange(start, k.stop, step))
        nd = len(ranges)
        shaped = []
        for d, r in enumerate(ranges):
            pattern = ["x"] * nd
            pattern[d] = 0
            shaped.append(DimShuffle(r.broadcastable, pattern)(r))
        if self.sparse:
            return shaped
        from theano.tensor.shape import shape_i

        full = [shape_i(r, 0) for r in ranges]
        return [alloc(s, *full) for s in shaped]


mgrid = _NdGrid(sparse=False)
ogrid = _NdGrid(sparse=True)

__all__ += ["stacklists", "InversePermutation", "inverse_permutation", "AllocEmpty", "mgrid", "ogrid"]


# -------------------------------------------------------------------------------------------------
# choose
# -------------------------------------------------------------------------------------------------


class Choose(Op):
    """``numpy.choose(a, choices, mode)``: ``choices`` is one tensor whose first dimension indexes
    the choice; ``a`` and each choice broadcast together (broadcastable dimensions only)."""

    __props__ = ("mode",)

    def __init__(self, mode="raise"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        self.mode = mode

    def make_node(self, a, choices):
        a, choices = as_tensor_variable(a), as_tensor_variable(choices)
        if a.dtype not in ts.integer_dtypes:
            raise TypeError(f"choose: a must be an integer tensor, got dtype {a.dtype}")
        if choices.ndim < 1:
            raise TypeError("choose: choices must have at least one dimension (the choice index)")
        ndim = max(a.ndim, choices.ndim - 1)
        a_b = (True,) * (ndim - a.ndim) + a.broadcastable
        c_b = (True,) * (ndim - choices.ndim + 1) + choices.broadcastable[1:]
        bcast = tuple(x and y for x, y in zip(a_b, c_b))
        return Apply(self, [a, choices], [TensorType(choices.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        a, choices = inputs
        a_var, c_var = node.inputs
        out_shape = np.broadcast_shapes(a.shape, choices.shape[1:])
        for arr, var, lead in ((a, a_var, 0), (choices, c_var, 1)):
            shp, bc = arr.shape[lead:], var.broadcastable[lead:]
            off = len(out_shape) - len(shp)
            for d, (s, b) in enumerate(zip(shp, bc)):
                if s != out_shape[off + d] and not b:
                    raise ValueError(f"choose: shapes {a.shape} (a) and {choices.shape[1:]} (each choice) "
                                     "differ in a dimension that is not broadcastable")
        output_storage[0][0] = np.choose(a, choices, mode=self.mode)

    def infer_shape(self, node, input_shapes):
        a_var, c_var = node.inputs
        a_s, c_s = list(input_shapes[0]), list(input_shapes[1][1:])
        out_b = node.outputs[0].broadcastable
        ndim = len(out_b)
        a_s = [None] * (ndim - len(a_s)) + a_s
        a_b = (True,) * (ndim - a_var.ndim) + a_var.broadcastable
        c_s = [None] * (ndim - len(c_s)) + c_s
        c_b = (True,) * (ndim - c_var.ndim + 1) + c_var.broadcastable[1:]
        out = []
        for d in range(ndim):
            if out_b[d]:
                out.append(constant(1, dtype="int64"))
            else:
                out.append(a_s[d] if not a_b[d] else c_s[d])
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        from theano.tensor.math import clip, eq
        from theano.tensor.math import mod as tmod
        from theano.tensor.math import sum as tsum
        from theano.tensor.shape import shape_i

        a, choices = inputs
        (gz,) = output_grads
        if choices.dtype in ts.discrete_dtypes:
            return [_disconnected(), zeros_like(choices, dtype=config.floatX)]
        n = shape_i(choices, 0)
        if self.mode == "wrap":
            a = tmod(a, n)
        elif self.mode == "clip":
            a = clip(a, 0, n - 1)
        ndim = gz.ndim
        k = DimShuffle((False,), [0] + ["x"] * ndim)(arange(n))
        a_full = shape_padleft(a, 1 + ndim - a.ndim)
        g_full = eq(a_full, k) * shape_padleft(gz, 1)  # (n, *out_shape)
        # back to the shape of choices: sum the leading and the broadcast dimensions
        lead = ndim - (choices.ndim - 1)
        c_b = (False,) * (lead + 1) + choices.broadcastable[1:]
        axes = [1 + d for d in range(lead)]
        axes += [d for d in range(1 + lead, 1 + ndim) if c_b[d] and not g_full.broadcastable[d]]
        g = tsum(g_full, axis=axes, keepdims=True) if axes else g_full
        if lead:
            g = DimShuffle(g.broadcastable, [0] + list(range(1 + lead, g.ndim)))(
                patternbroadcast(g, g.broadcastable[:1] + (True,) * lead + g.broadcastable[1 + lead:]))
        g = cast(g, choices.dtype)
        return [_disconnected(), patternbroadcast(g, choices.broadcastable)]


def choose(a, choices, out=None, mode="raise"):
    """Build an array from the index array ``a`` and a list (or a stacked tensor) of ``choices``."""
    from theano.tensor.basic import stack

    if out is not None:
        raise TypeError("choose: the out argument is not supported (symbolic results are new)")
    if isinstance(choices, (list, tuple)):
        choices = [as_tensor_variable(c) for c in choices]
        nd = max(c.ndim for c in choices)
        choices = stack([shape_padleft(c, nd - c.ndim) if c.ndim < nd else c for c in choices])
    return Choose(mode)(a, choices)


__all__ += ["Choose", "choose"]


def permute_row_elements(x, y, inverse=0):
    """Permute the last axis of ``x`` by the integer permutation(s) ``y``: one permutation for every
    row (``y`` a vector) or one per row (``y`` with x's leading dims); ``inverse`` applies the
    inverse permutation instead."""
    from theano.tensor.shape import shape_i
    from theano.tensor.sort import TakeAlongAxis

    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if y.dtype not in ts.integer_dtypes:
        raise TypeError(f"permute_row_elements: y must be integer permutations, got dtype {y.dtype}")
    if x.ndim < 1 or y.ndim < 1:
        raise TypeError("permute_row_elements needs tensors with at least one dimension")
    if inverse:
        y = inverse_permutation(y)
    nd = max(x.ndim, y.ndim)
    x = shape_padleft(x, nd - x.ndim) if x.ndim < nd else x
    y = shape_padleft(y, nd - y.ndim) if y.ndim < nd else y
    # bring both to the common shape (broadcastable leading dims expand)
    dims = []
    for d in range(nd):
        if d == nd - 1 or not x.broadcastable[d]:
            dims.append(shape_i(x, d))
        else:
            dims.append(shape_i(y, d))
    x_full = alloc(x, *dims) if any(x.broadcastable[:-1]) else x
    y_full = alloc(y, *dims) if any(y.broadcastable[:-1]) or y.ndim < nd else y
    return TakeAlongAxis()(x_full, y_full, constant(nd - 1, dtype="int64"))


__all__ += ["permute_row_elements"]
