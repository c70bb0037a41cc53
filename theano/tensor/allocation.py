"""Array constructors: ``alloc`` (a value broadcast to a shape), ``zeros``/``ones``, ``AllocEmpty``,
``eye``/``identity_like``, ``tri``/``tril``/``triu``, ``arange``, the ``mgrid``/``ogrid`` grids and the
``bartlett`` window.

``fill``/``second``, ``zeros_like``/``ones_like`` and ``tensor_copy`` are elementwise and live in
``basic.py``, because the layers below this one build them too.
"""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (_const_int, _disconnected, _int64, _int_scalar, as_tensor_variable, cast,
                                 constant, patternbroadcast, shape_i, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import ceil, maximum
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import vector_entries
from theano.tensor.type import TensorType, _provide

__all__ = [
    "ARange", "arange", "Alloc", "alloc", "zeros", "ones", "AllocEmpty", "Eye", "eye", "identity_like",
    "Tri", "tri", "tril", "triu", "mgrid", "ogrid", "Bartlett", "bartlett",
]


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
        start, stop, step = node.inputs

        def exact(v):    # integer bounds are subtracted exactly, in int64
            return cast(v, "int64") if ts.upcast(v.dtype, "int64") == "int64" else v

        start, stop = exact(start), exact(stop)
        if _const_int(step) == 1 and stop.dtype == "int64" and start.dtype == "int64":
            n = stop if _const_int(start) == 0 else stop - start
            return [(maximum(n, 0),)]
        n = ceil(cast(stop - start, "float64") / step)
        return [(maximum(_int64(n), 0),)]

    def connection_pattern(self, node):
        return [[True], [False], [True]]

    def static_vector_length(self, node):
        """The length when all three bounds are known statically (shape.get_vector_length asks)."""
        vals = [_const_int(i) for i in node.inputs]
        return None if None in vals else len(range(*vals))

    def L_op(self, inputs, outputs, output_grads):
        start, stop, step = inputs
        (gz,) = output_grads
        if self.dtype in ts.discrete_dtypes:
            return [zeros_like(start, dtype=config.floatX), _disconnected(),
                    zeros_like(step, dtype=config.floatX)]
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
    dtype = str(np.dtype(dtype))
    op = _arange_ops.get(dtype)
    if op is None:     # one op per dtype, as in Theano 1.0 (``arange(...).owner.op is`` holds)
        op = _arange_ops[dtype] = ARange(dtype)
    return op(start, stop, step)


_arange_ops = {}


# -------------------------------------------------------------------------------------------------
# alloc, zeros, ones, eye, tri
# -------------------------------------------------------------------------------------------------


class Alloc(Op):
    """``alloc(value, *shape)``: ``value`` broadcast to ``shape`` (new leading dims allowed; the
    shape as separate ints or integer scalars, or as one list of them). ``T.alloc`` is an instance.

    Only dimensions of ``value`` that are broadcastable (or already of the target length) may
    be expanded, as everywhere in Theano.
    """

    __props__ = ()

    def make_node(self, value, *shape):
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])     # alloc(v, (n, m)) as alloc(v, n, m)
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


# ``alloc(value, *shape)``: ``value`` broadcast to ``shape`` (each entry an int or an integer
# scalar, or one list of them). As in Theano 1.0 it is the op itself, so ``node.op == T.alloc``
# recognises an alloc in a graph.
alloc = _alloc = Alloc()


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

    # inputs that may be None at run time (Theano 1.0 let None through a function's input checks;
    # numpy.eye reads M=None as N): theano.function accepts None for an input read only here
    none_inputs = (1,)

    def perform(self, node, inputs, output_storage):
        n, m, k = inputs
        m = n if m is None else m
        output_storage[0][0] = np.eye(int(n), int(m), int(k), dtype=self.dtype)

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
    # M may be None at run time (numpy.tri reads it as N), as Eye's
    none_inputs = (1,)

    def perform(self, node, inputs, output_storage):
        n, m, k = inputs
        m = n if m is None else m
        output_storage[0][0] = np.tri(int(n), int(m), int(k), dtype=self.dtype)

    infer_shape = Eye.infer_shape
    connection_pattern = Eye.connection_pattern
    grad = Eye.grad


def tri(N, M=None, k=0, dtype=None):
    if M is None:
        M = N
    return Tri(config.floatX if dtype in (None, "floatX") else dtype)(N, M, k)


def _tri_mask(m, k, upper):
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
        full = [shape_i(r, 0) for r in ranges]
        return [alloc(s, *full) for s in shaped]


mgrid = _NdGrid(sparse=False)
ogrid = _NdGrid(sparse=True)


class Bartlett(Op):
    """The Bartlett window of ``M`` points (``numpy.bartlett``), float64."""

    __props__ = ()

    def make_node(self, M):
        M = _int_scalar(M, "bartlett: M")
        return Apply(self, [M], [TensorType("float64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.bartlett(int(inputs[0]))

    def infer_shape(self, node, input_shapes):
        return [(_int64(maximum(node.inputs[0], 0)),)]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]


def bartlett(M):
    return Bartlett()(M)

# what the modules below this one call (see theano.tensor.type._provide)
_provide("alloc", alloc)
