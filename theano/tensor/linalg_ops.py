"""Tensor contractions: ``tensordot``, ``batched_dot`` and ``batched_tensordot``, plus the diagonal
helpers ``diagonal``, ``diag`` and ``trace`` that ``theano.tensor`` exports.

``TensorDot`` and ``BatchedTensorDot`` are one op each; their gradients are again contractions of the
same kind followed by a ``DimShuffle`` that puts the axes back in the input's order.
"""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable, cast, zeros_like
from theano.tensor.math import maximum, minimum
from theano.tensor.math import sum as tsum
from theano.tensor.type import TensorType, _provide

__all__ = ["TensorDot", "BatchedTensorDot", "tensordot", "batched_dot", "batched_tensordot",
           "ExtractDiag", "AllocDiag", "SetDiagonal", "diagonal", "diag", "trace"]


def _grad_cast(var, g):
    """The gradient term ``g`` for input ``var``: zeros for discrete inputs, else g in var's dtype."""
    if var.dtype in ts.discrete_dtypes:
        return zeros_like(var, dtype=config.floatX)
    return cast(g, var.dtype) if g.dtype != var.dtype else g


# -------------------------------------------------------------------------------------------------
# tensordot
# -------------------------------------------------------------------------------------------------


def _normalize_axes_list(axes, ndim, name, first=0):
    out = []
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or isinstance(ax, bool):
            raise TypeError(f"tensordot: axes of {name} must be integers, got {ax!r}")
        ax = int(ax)
        if ax < 0:
            ax += ndim
        if not first <= ax < ndim:
            raise ValueError(
                f"tensordot: axis {ax} out of range for {name}, which has {ndim} dimensions"
            )
        out.append(ax)
    if len(set(out)) != len(out):
        raise ValueError(f"tensordot: repeated axis in {list(axes)} for {name}")
    return tuple(out)


def _parse_axes(axes, a_ndim, b_ndim, batched):
    """Theano's ``axes`` forms -> (a_axes, b_axes). ``batched``: axis 0 is the batch axis."""
    first = 1 if batched else 0
    if np.isscalar(axes) or (isinstance(axes, np.ndarray) and axes.ndim == 0):
        if not isinstance(axes, (int, np.integer)) or isinstance(axes, bool):
            raise TypeError(f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}")
        n = int(axes)
        if n < 0:
            raise ValueError(f"tensordot: the number of axes must be >= 0, got {n}")
        for name, nd in (("a", a_ndim), ("b", b_ndim)):
            if n > nd - first:
                raise ValueError(
                    f"tensordot: axes={n} but {name} has only {nd - first} "
                    f"{'non-batch ' if batched else ''}dimensions"
                )
        return tuple(range(a_ndim - n, a_ndim)), tuple(range(first, first + n))
    if isinstance(axes, (list, tuple, np.ndarray)) and len(axes) != 2:
        raise ValueError(f"tensordot: axes must be an int or a pair [a_axes, b_axes], got {len(axes)} "
                         f"entries: {axes!r}")
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise TypeError(
            f"tensordot: axes must be an int or a pair [a_axes, b_axes], got {axes!r}"
        ) from None
    a_axes = [a_axes] if np.isscalar(a_axes) else list(a_axes)
    b_axes = [b_axes] if np.isscalar(b_axes) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(
            f"tensordot: a_axes {a_axes} and b_axes {b_axes} must have the same length"
        )
    return (_normalize_axes_list(a_axes, a_ndim, "a", first),
            _normalize_axes_list(b_axes, b_ndim, "b", first))


class TensorDot(Op):
    """Sum of products over the axes ``a_axes`` of a paired with ``b_axes`` of b (``np.tensordot``).

    The output has the remaining axes of a, then the remaining axes of b. ``BatchedTensorDot`` is the
    same with a leading batch axis shared by both inputs and kept in the output.
    """

    __props__ = ("a_axes", "b_axes")
    batched = False

    def __init__(self, a_axes, b_axes):
        self.a_axes = tuple(int(x) for x in a_axes)
        self.b_axes = tuple(int(x) for x in b_axes)
        if len(self.a_axes) != len(self.b_axes):
            raise ValueError(f"{type(self).__name__}: a_axes and b_axes must have the same length")

    def __str__(self):
        return f"{type(self).__name__}{{{list(self.a_axes)}, {list(self.b_axes)}}}"

    def _free(self, ndim, axes):
        first = 1 if self.batched else 0
        return [d for d in range(first, ndim) if d not in axes]

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        first = 1 if self.batched else 0
        for name, v, axes in (("a", a, self.a_axes), ("b", b, self.b_axes)):
            if v.ndim < first:
                raise TypeError(f"{self}: {name} needs a batch axis, got a {v.ndim}-d input")
            if any(not first <= ax < v.ndim for ax in axes):
                raise TypeError(f"{self}: axes {list(axes)} out of range for {name}, a {v.ndim}-d input")
        bcast = ((a.broadcastable[0] and b.broadcastable[0],) if self.batched else ())
        bcast += tuple(a.broadcastable[d] for d in self._free(a.ndim, self.a_axes))
        bcast += tuple(b.broadcastable[d] for d in self._free(b.ndim, self.b_axes))
        return Apply(self, [a, b], [TensorType(ts.upcast(a.dtype, b.dtype), bcast)()])

    def _check_shapes(self, a, b):
        bad = [(i, j) for i, j in zip(self.a_axes, self.b_axes) if a.shape[i] != b.shape[j]]
        if self.batched and a.shape[0] != b.shape[0]:
            raise ValueError(
                f"{self}: batch sizes differ: a has shape {a.shape}, b has shape {b.shape}"
            )
        if bad:
            i, j = bad[0]
            raise ValueError(
                f"{self}: shape mismatch: axis {i} of a (shape {a.shape}) has length {a.shape[i]} but "
                f"axis {j} of b (shape {b.shape}) has length {b.shape[j]}"
            )

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        self._check_shapes(a, b)
        dtype = node.outputs[0].type.numpy_dtype
        if not self.batched:
            r = np.tensordot(a, b, axes=(list(self.a_axes), list(self.b_axes)))
        else:
            fa, fb = self._free(a.ndim, self.a_axes), self._free(b.ndim, self.b_axes)
            n = a.shape[0]
            at = a.transpose([0] + fa + list(self.a_axes))
            bt = b.transpose([0] + list(self.b_axes) + fb)
            fa_shape = [a.shape[d] for d in fa]
            fb_shape = [b.shape[d] for d in fb]
            k = int(np.prod([a.shape[d] for d in self.a_axes], dtype="int64"))
            am = at.reshape((n, int(np.prod(fa_shape, dtype="int64")), k))
            bm = bt.reshape((n, k, int(np.prod(fb_shape, dtype="int64"))))
            r = np.matmul(am.astype(dtype, copy=False), bm.astype(dtype, copy=False))
            r = r.reshape([n] + fa_shape + fb_shape)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, node, input_shapes):
        sa, sb = input_shapes
        a, b = node.inputs
        out = [sa[0]] if self.batched else []
        out += [sa[d] for d in self._free(a.ndim, self.a_axes)]
        out += [sb[d] for d in self._free(b.ndim, self.b_axes)]
        return [tuple(out)]

    def _contract(self, x, y, x_axes, y_axes):
        return type(self)(x_axes, y_axes)(x, y)

    def grad(self, inputs, output_grads):
        (a, b), (gz,) = inputs, output_grads
        first = 1 if self.batched else 0
        fa, fb = self._free(a.ndim, self.a_axes), self._free(b.ndim, self.b_axes)
        na = len(fa)
        gz_a = list(range(first, first + na))            # axes of gz that come from a
        gz_b = list(range(first + na, first + na + len(fb)))  # axes of gz that come from b
        # d/da: contract gz's b-axes with b's free axes; the result is [batch] + fa + b's summed axes
        # in increasing order, each of which stands for the a-axis it was paired with.
        ga = self._contract(gz, b, gz_b, fb)
        order = list(range(first)) + fa + [self.a_axes[self.b_axes.index(d)]
                                           for d in sorted(self.b_axes)]
        ga = ga.dimshuffle([order.index(d) for d in range(a.ndim)])
        # d/db: contract a's free axes with gz's a-axes; the result is [batch] + a's summed axes in
        # increasing order (standing for their paired b-axes) + fb.
        gb = self._contract(a, gz, fa, gz_a)
        order = list(range(first)) + [self.b_axes[self.a_axes.index(d)]
                                      for d in sorted(self.a_axes)] + fb
        gb = gb.dimshuffle([order.index(d) for d in range(b.ndim)])
        return [_grad_cast(a, ga), _grad_cast(b, gb)]

    def R_op(self, inputs, eval_points):
        (a, b), (ea, eb) = inputs, eval_points
        terms = []
        if ea is not None:
            terms.append(self(ea, b))
        if eb is not None:
            terms.append(self(a, eb))
        if not terms:
            return [None]
        return [terms[0] if len(terms) == 1 else terms[0] + terms[1]]


class BatchedTensorDot(TensorDot):
    """``out[i] = tensordot(a[i], b[i], axes)`` for each index i of the shared leading axis."""

    batched = True


def tensordot(a, b, axes=2):
    """Sum of products over the given axes, as ``numpy.tensordot``.

    ``axes`` is an int n (the last n axes of a with the first n axes of b) or a pair
    ``[a_axes, b_axes]`` of axis lists (or single axes) of equal length.
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    a_axes, b_axes = _parse_axes(axes, a.ndim, b.ndim, batched=False)
    return TensorDot(a_axes, b_axes)(a, b)


def batched_tensordot(x, y, axes=2):
    """``tensordot`` applied to each pair ``x[i], y[i]`` along the shared leading (batch) axis.

    ``axes`` is an int n (the last n axes of x with axes 1..n of y) or a pair ``[x_axes, y_axes]``
    that must not name the batch axis 0.
    """
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    for name, v in (("x", x), ("y", y)):
        if v.ndim < 1:
            raise TypeError(f"batched_tensordot: {name} must have a batch axis, got a 0-d input")
    x_axes, y_axes = _parse_axes(axes, x.ndim, y.ndim, batched=True)
    return BatchedTensorDot(x_axes, y_axes)(x, y)


def batched_dot(a, b):
    """``batched_dot(a, b)[i] = dot(a[i], b[i])`` (Theano 1.0 semantics).

    A 1-d input gives the batched elementwise product; 2-d and 3-d inputs a batched matrix/vector
    product; inputs with more than 3 dimensions go through ``batched_tensordot``.
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0:
        raise TypeError("batched_dot: a must have at least one (batch) axis, got a 0-d input")
    if b.ndim == 0:
        raise TypeError("batched_dot: b must have at least one (batch) axis, got a 0-d input")
    if a.ndim == 1:
        return a.dimshuffle(*([0] + ["x"] * (b.ndim - 1))) * b
    if b.ndim == 1:
        return a * b.dimshuffle(*([0] + ["x"] * (a.ndim - 1)))
    return BatchedTensorDot([a.ndim - 1], [max(1, b.ndim - 2)])(a, b)


# -------------------------------------------------------------------------------------------------
# diagonals
# -------------------------------------------------------------------------------------------------


def _check_diag_axes(op, ndim, what):
    a1, a2 = op.axis1, op.axis2
    if not (0 <= a1 < ndim and 0 <= a2 < ndim):
        raise ValueError(f"{op}: axis1={a1}, axis2={a2} out of range for {what} with {ndim} dims")


def _diag_len(n1, n2, offset):
    if offset >= 0:
        return max(0, min(n1, n2 - offset))
    return max(0, min(n1 + offset, n2))


class ExtractDiag(Op):
    """The diagonal ``offset`` of the planes given by ``axis1`` and ``axis2`` (``np.diagonal``), as
    a new last axis. Returns a copy."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)
        if self.axis1 == self.axis2:
            raise ValueError(f"ExtractDiag: axis1 and axis2 must differ, both are {self.axis1}")

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise TypeError(f"{self}: the input must have at least 2 dimensions, got {x.ndim}-d {x}")
        _check_diag_axes(self, x.ndim, "the input")
        keep = [b for d, b in enumerate(x.broadcastable) if d not in (self.axis1, self.axis2)]
        return Apply(self, [x], [TensorType(x.dtype, tuple(keep) + (False,))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = np.diagonal(x, self.offset, self.axis1, self.axis2).copy()

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes

        n1, n2 = s[self.axis1], s[self.axis2]
        k = self.offset
        if k >= 0:
            length = maximum(0, minimum(n1, n2 - k))
        else:
            length = maximum(0, minimum(n1 + k, n2))
        keep = [d for i, d in enumerate(s) if i not in (self.axis1, self.axis2)]
        return [tuple(keep) + (length,)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX)]
        return [SetDiagonal(self.offset, self.axis1, self.axis2)(zeros_like(x), gz)]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


class SetDiagonal(Op):
    """A copy of ``x`` whose diagonal (``offset``, ``axis1``, ``axis2``, as ``ExtractDiag``) is
    replaced by ``d``; ``d`` has the layout ``ExtractDiag`` gives."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)
        if self.axis1 == self.axis2:
            raise ValueError(f"SetDiagonal: axis1 and axis2 must differ, both are {self.axis1}")

    def make_node(self, x, d):
        x, d = as_tensor_variable(x), as_tensor_variable(d)
        if x.ndim < 2:
            raise TypeError(f"{self}: x must have at least 2 dimensions, got {x.ndim}-d")
        _check_diag_axes(self, x.ndim, "x")
        if d.ndim != x.ndim - 1:
            raise TypeError(f"{self}: d must have {x.ndim - 1} dimensions, got {d.ndim}")
        if d.dtype != x.dtype:
            d = cast(d, x.dtype)
        return Apply(self, [x, d], [x.type()])

    def _view(self, out):
        # A writable view of the diagonal of ``out`` laid out as ExtractDiag's output.
        n1, n2 = out.shape[self.axis1], out.shape[self.axis2]
        length = _diag_len(n1, n2, self.offset)
        i = np.arange(length) + max(0, -self.offset)
        j = np.arange(length) + max(0, self.offset)
        moved = np.moveaxis(out, (self.axis1, self.axis2), (-2, -1))
        return moved, i, j

    def perform(self, node, inputs, output_storage):
        x, d = inputs
        out = np.array(x, copy=True)
        moved, i, j = self._view(out)
        expected = moved.shape[:-2] + (len(i),)
        if d.shape != expected:
            raise ValueError(f"{self}: the diagonal of x has shape {expected}, d has shape {d.shape}")
        moved[..., i, j] = d
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (x, d), (gz,) = inputs, output_grads
        gx = self(gz, zeros_like(d))
        gd = ExtractDiag(self.offset, self.axis1, self.axis2)(gz)
        return [_grad_cast(x, gx), _grad_cast(d, gd)]


class AllocDiag(Op):
    """A matrix (or stack of matrices) with the vector(s) along the last axis of ``v`` on diagonal
    ``offset`` and zeros elsewhere; the new axes are ``axis1`` and ``axis2`` of the output."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)
        if self.axis1 == self.axis2:
            raise ValueError(f"AllocDiag: axis1 and axis2 must differ, both are {self.axis1}")

    def make_node(self, v):
        v = as_tensor_variable(v)
        if v.ndim < 1:
            raise TypeError(f"{self}: the input must have at least 1 dimension, got a 0-d {v}")
        _check_diag_axes(self, v.ndim + 1, "the output")
        return Apply(self, [v], [TensorType(v.dtype, (False,) * (v.ndim + 1))()])

    def perform(self, node, inputs, output_storage):
        (v,) = inputs
        n = v.shape[-1] + abs(self.offset)
        out = np.zeros(v.shape[:-1] + (n, n), dtype=v.dtype)
        i = np.arange(v.shape[-1]) + max(0, -self.offset)
        j = np.arange(v.shape[-1]) + max(0, self.offset)
        out[..., i, j] = v
        # the diagonal planes were built last: move them to axis1, axis2
        output_storage[0][0] = np.moveaxis(out, (-2, -1), (self.axis1, self.axis2)).copy()

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        n = s[-1] + abs(self.offset)
        rest = list(s[:-1])
        out = [None] * (len(s) + 1)
        out[self.axis1] = n
        out[self.axis2] = n
        it = iter(rest)
        return [tuple(next(it) if o is None else o for o in out)]

    def grad(self, inputs, output_grads):
        (v,), (gz,) = inputs, output_grads
        return [_grad_cast(v, ExtractDiag(self.offset, self.axis1, self.axis2)(gz))]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal(s) of ``a``, as ``numpy.diagonal`` (a copy, never a view)."""
    a = as_tensor_variable(a)
    axis1 = axis1 + a.ndim if axis1 < 0 else axis1
    axis2 = axis2 + a.ndim if axis2 < 0 else axis2
    return ExtractDiag(offset, axis1, axis2)(a)


def diag(v, k=0):
    """A vector gives the square matrix with ``v`` on diagonal ``k``; a matrix gives its diagonal
    ``k`` (``numpy.diag``)."""
    v = as_tensor_variable(v)
    if v.ndim == 1:
        return AllocDiag(k)(v)
    if v.ndim == 2:
        return ExtractDiag(k)(v)
    raise ValueError(f"diag: the input must be 1-d or 2-d, got a {v.ndim}-d {v}")


def trace(a, offset=0, axis1=0, axis2=1):
    """Sum along the diagonal(s) of ``a`` (``numpy.trace``)."""
    return tsum(diagonal(a, offset, axis1, axis2), axis=-1)

# what the modules below this one call (see theano.tensor.type._provide)
_provide("tensordot", tensordot)
