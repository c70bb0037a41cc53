"""Integer index arrays: ``inverse_permutation``, ``permute_row_elements``, ``choose`` (Choose),
``to_one_hot``, and the conversions between flat and multi-dimensional indices ``unravel_index``
(UnravelIndex) and ``ravel_multi_index`` (RavelMultiIndex)."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import alloc, arange
from theano.tensor.basic import (_disconnected, _int_scalar, as_tensor_variable, cast, constant, patternbroadcast,
                                 shape_i, zeros_like)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.joining import stack
from theano.tensor.math import clip, eq, maximum
from theano.tensor.math import mod as tmod
from theano.tensor.math import sum as tsum
from theano.tensor.reshaping import get_vector_length, shape_padleft
from theano.tensor.sorting import TakeAlongAxis
from theano.tensor.type import TensorType

__all__ = ["InversePermutation", "inverse_permutation", "Choose", "choose", "PermuteRowElements", "permute_row_elements", "to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex", "ravel_multi_index"]


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
    if out is not None:
        raise TypeError("choose: the out argument is not supported (symbolic results are new)")
    if isinstance(choices, (list, tuple)):
        choices = [as_tensor_variable(c) for c in choices]
        nd = max(c.ndim for c in choices)
        choices = [shape_padleft(c, nd - c.ndim) if c.ndim < nd else c for c in choices]
        # the choices broadcast against each other (numpy.choose; broadcastable dimensions only,
        # as everywhere): a choice broadcastable where another is not takes that one's length
        full = tuple(all(c.broadcastable[d] for c in choices) for d in range(nd))
        shape = []
        for d in range(nd):
            src = next((c for c in choices if not c.broadcastable[d]), None)
            shape.append(shape_i(src, d) if src is not None else 1)
        choices = stack([alloc(c, *shape) if c.broadcastable != full else c for c in choices])
    return Choose(mode)(a, choices)


class PermuteRowElements(Op):
    """Theano 1.0's op for ``permute_row_elements``, applied as ``PermuteRowElements()(x, y,
    inverse)``: the last axis of ``x`` permuted by the integer permutation(s) ``y`` (their leading
    axes broadcast against each other; the missing leading axes of the smaller one count as
    broadcastable). ``inverse`` is a 0-d input: when true, ``out[..., y[j]] = x[..., j]``.

    (``permute_row_elements`` itself builds the same values from ``TakeAlongAxis``, which the
    backends compile natively; this op runs its ``perform`` on every backend.)
    """

    __props__ = ()

    def make_node(self, x, y, inverse):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if isinstance(inverse, (bool, np.bool_, int, np.integer)):
            inverse = constant(np.int8(bool(inverse)))
        inverse = as_tensor_variable(inverse)
        if y.dtype not in ts.integer_dtypes:
            raise TypeError(f"PermuteRowElements: y must be integer permutations, got dtype {y.dtype}")
        if x.ndim < 1 or y.ndim < 1:
            raise TypeError("PermuteRowElements needs x and y with at least one dimension")
        if inverse.ndim != 0 or inverse.dtype not in ts.discrete_dtypes:
            raise TypeError(f"PermuteRowElements: inverse must be a boolean or integer scalar, got {inverse}")
        nd = max(x.ndim, y.ndim)
        xb = (True,) * (nd - x.ndim) + x.broadcastable
        yb = (True,) * (nd - y.ndim) + y.broadcastable
        bcast = tuple(a and b for a, b in zip(xb[:-1], yb[:-1])) + (xb[-1],)
        return Apply(self, [x, y, inverse], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, y, inverse = inputs
        nd = node.outputs[0].ndim
        x = x.reshape((1,) * (nd - x.ndim) + x.shape)
        y = y.reshape((1,) * (nd - y.ndim) + y.shape)
        n = x.shape[-1]
        if y.shape[-1] != n:
            raise ValueError(f"PermuteRowElements: permutations of length {y.shape[-1]} for rows of "
                             f"length {n}")
        if not np.all(np.sort(y, axis=-1) == np.arange(n)):
            raise ValueError("PermuteRowElements: y is not a permutation of 0..n-1 along its last axis")
        lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        xb = np.broadcast_to(x, lead + (n,))
        yb = np.broadcast_to(y, lead + (n,)).astype(np.intp)
        if inverse:
            out = np.empty(xb.shape, dtype=x.dtype)
            np.put_along_axis(out, yb, xb, axis=-1)
        else:
            out = np.take_along_axis(xb, yb, axis=-1)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        nd = node.outputs[0].ndim
        one = constant(1, dtype="int64")
        xs = [one] * (nd - len(input_shapes[0])) + list(input_shapes[0])
        ys = [one] * (nd - len(input_shapes[1])) + list(input_shapes[1])
        return [tuple(maximum(a, b) for a, b in zip(xs[:-1], ys[:-1])) + (xs[-1],)]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, y, inverse = inputs
        (gz,) = output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX), _disconnected(), _disconnected()]
        # the inverse permutation sends each gradient back to the element it came from
        gx = self(gz, y, eq(inverse, 0))
        nd = gz.ndim
        xb = (True,) * (nd - x.ndim) + x.broadcastable
        summed = [d for d in range(nd) if xb[d] and not gz.broadcastable[d]]
        if summed:
            gx = tsum(gx, axis=summed, keepdims=True)
        if nd > x.ndim:
            gx = gx.dimshuffle(list(range(nd - x.ndim, nd)))
        return [patternbroadcast(gx, x.broadcastable), _disconnected(), _disconnected()]


def permute_row_elements(x, y, inverse=0):
    """Permute the last axis of ``x`` by the integer permutation(s) ``y``: one permutation for every
    row (``y`` a vector) or one per row (``y`` with x's leading dims); ``inverse`` applies the
    inverse permutation instead."""
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


def to_one_hot(y, nb_class, dtype=None):
    """A matrix with a one in column ``y[i]`` of row ``i`` (``y`` an integer vector)."""
    y = as_tensor_variable(y)
    if y.ndim != 1 or y.dtype not in ts.integer_dtypes:
        raise TypeError(f"to_one_hot: y must be an integer vector, got {y} ({y.ndim} dims, {y.dtype})")
    nb_class = _int_scalar(nb_class, "to_one_hot: nb_class")
    dtype = config.floatX if dtype in (None, "floatX") else dtype
    return cast(eq(y.dimshuffle(0, "x"), arange(nb_class).dimshuffle("x", 0)), dtype)


class UnravelIndex(Op):
    """``numpy.unravel_index``: one int64 output per entry of ``dims``."""

    __props__ = ("order", "ndim")

    def __init__(self, order="C", ndim=None):
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        self.order = order
        self.ndim = None if ndim is None else int(ndim)

    def make_node(self, indices, dims):
        indices, dims = as_tensor_variable(indices), as_tensor_variable(dims)
        if indices.dtype not in ts.integer_dtypes:
            raise TypeError(f"unravel_index: indices must be integers, got {indices.dtype}")
        if dims.ndim != 1 or dims.dtype not in ts.integer_dtypes:
            raise TypeError(f"unravel_index: dims must be an integer vector, got {dims}")
        if self.ndim is not None:
            n = self.ndim
        else:
            try:
                n = get_vector_length(dims)
            except (ValueError, TypeError) as exc:
                raise ValueError("unravel_index: the length of dims is not known from the graph; "
                                 "pass ndim=") from exc
        return Apply(self, [indices, dims], [TensorType("int64", indices.broadcastable)() for _ in range(n)])

    def perform(self, node, inputs, output_storage):
        indices, dims = inputs
        if len(dims) != len(node.outputs):
            raise ValueError(f"unravel_index: dims has {len(dims)} entries, but ndim={len(node.outputs)}")
        res = np.unravel_index(indices, tuple(int(d) for d in dims), order=self.order)
        for store, r in zip(output_storage, res):
            store[0] = np.asarray(r, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]] * len(node.outputs)

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)] * 2

    def grad(self, inputs, output_grads):
        return [_disconnected(), _disconnected()]


def _dims_vector(dims, what):
    """A Python/NumPy ``dims`` sequence as an int64 constant vector (checked); variables as given."""
    if isinstance(dims, (list, tuple, np.ndarray)):
        try:
            arr = np.asarray(dims)
        except ValueError as exc:
            raise TypeError(f"{what}: dims must be a 1-d sequence of ints, got {dims!r}") from exc
        if arr.ndim != 1:
            raise TypeError(f"{what}: dims must be a 1-d sequence of ints, got {dims!r}")
        if arr.dtype.kind not in "iu" and arr.size:
            raise TypeError(f"{what}: dims must be integers, got {dims!r}")
        return constant(arr.astype("int64"))
    return dims


def unravel_index(indices, dims, order="C", ndim=None):
    """Flat ``indices`` into a tuple of coordinate arrays for a tensor of shape ``dims``.

    ``dims`` is a tuple/array of ints or an integer vector; give ``ndim`` (its length) when that
    length cannot be read from the graph (e.g. a shared vector).
    """
    if ndim is not None:
        if isinstance(ndim, (bool, np.bool_)) or not isinstance(ndim, (int, np.integer)):
            raise ValueError(f"unravel_index: ndim must be an int, got {ndim!r}")
        ndim = int(ndim)
    dims = _dims_vector(dims, "unravel_index")
    res = UnravelIndex(order, ndim)(indices, dims)
    return tuple(res) if isinstance(res, list) else (res,)


class RavelMultiIndex(Op):
    """``numpy.ravel_multi_index(multi_index, dims, mode, order)``: inputs are the index arrays
    followed by the ``dims`` vector."""

    __props__ = ("mode", "order")

    def __init__(self, mode="raise", order="C"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(f"mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        self.mode, self.order = mode, order

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        for i in inputs:
            if i.dtype not in ts.integer_dtypes:
                raise TypeError(f"ravel_multi_index: integer inputs needed, got {i} of dtype {i.dtype}")
        return Apply(self, inputs, [TensorType("int64", inputs[0].broadcastable)()])

    def perform(self, node, inputs, output_storage):
        *idx, dims = inputs
        output_storage[0][0] = np.asarray(
            np.ravel_multi_index(tuple(idx), tuple(int(d) for d in dims), mode=self.mode, order=self.order),
            dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False]] * len(node.inputs)

    def grad(self, inputs, output_grads):
        return [_disconnected() for _ in inputs]


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """A tuple of index arrays into flat indices for a tensor of shape ``dims``."""
    if not isinstance(multi_index, (list, tuple)):
        raise TypeError("ravel_multi_index: multi_index must be a tuple of integer tensors")
    dims = _dims_vector(dims, "ravel_multi_index")
    return RavelMultiIndex(mode, order)(*multi_index, dims)
