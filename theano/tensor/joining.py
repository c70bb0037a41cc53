"""Joining and splitting tensors: ``join``/``concatenate`` (Join, or JoinDynamic for an axis known
only at run time), ``split`` (Split, SplitDynamic), ``stack``, ``stacklists``, ``horizontal_stack``
and ``vertical_stack``."""

import warnings

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import (MakeVector, NotScalarConstantError, _const_int, _disconnected, _int64,
                                 _int_scalar, _static_axis, as_tensor_variable, cast, constant,
                                 get_scalar_constant_value, patternbroadcast, shape_i, zeros_like)
from theano.tensor.math import eq, mod, switch
from theano.tensor.reshaping import get_vector_length, vector_entries
from theano.tensor.type import TensorType, _provide

__all__ = [
    "Join", "join", "JoinDynamic", "Split", "SplitDynamic", "split", "concatenate", "horizontal_stack",
    "vertical_stack", "stack", "stacklists",
]


def _symbolic_axis(axis):
    """True for an axis that is a variable whose value is known only at run time (not an int,
    a float holding one, or a constant)."""
    return (not isinstance(axis, (int, np.integer, float, np.floating))
            and _const_int(axis) is None)


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


def _join_part_grad(t, g, out):
    """The gradient of one joined tensor ``t``: its part ``g`` of the output's gradient. An integer
    or bool ``t`` joined into a float (complex) result gets that part as it is (Theano 1.0: a
    float join is differentiable in every input); into a discrete result, zeros."""
    if t.dtype in ts.discrete_dtypes:
        if out.dtype in ts.discrete_dtypes:
            return zeros_like(t, dtype=config.floatX)
        return patternbroadcast(g, t.broadcastable)
    g = cast(g, t.dtype) if g.dtype != t.dtype else g
    return patternbroadcast(g, t.broadcastable)


class Join(Op):
    """Concatenate tensors of equal rank along ``axis`` (a Python int, normalized).

    ``Join()`` without an axis is Theano 1.0's calling form: ``Join()(axis, *tensors)``, the axis
    first (an int or a scalar; a constant gives a Join node with that axis, a symbolic one a
    JoinDynamic node).

    ``view=k`` (Theano 1.0): when every tensor but the k-th is empty along the axis, the output
    is the k-th tensor itself, not a copy (``view_map``); otherwise a concatenation as usual.
    """

    __props__ = ("axis", "view")

    def __init__(self, axis=None, view=-1):
        self.axis = None if axis is None else int(axis)
        self.view = int(view)
        if self.view < -1:
            raise ValueError(f"Join: view must be -1 (none) or the position of a tensor, got {view}")
        if self.view != -1:
            self.view_map = {0: [self.view]}

    def __str__(self):
        name = "Join" if self.axis is None else f"Join{{axis={self.axis}}}"
        return name if self.view == -1 else f"{name}{{view={self.view}}}"

    def make_node(self, *tensors):
        if self.axis is None:
            if len(tensors) < 2:
                raise TypeError("Join()(axis, *tensors) needs an axis and at least one tensor")
            axis, tensors = tensors[0], tensors[1:]
            tensors, ndim = _join_inputs(tensors)
            if not isinstance(axis, (int, np.integer)) and _const_int(axis) is None:
                return JoinDynamic().make_node(axis, *tensors)
            return Join(_static_axis(axis, ndim, "join: axis"), self.view).make_node(*tensors)
        tensors, ndim = _join_inputs(tensors)
        if not 0 <= self.axis < ndim:
            raise np.exceptions.AxisError(f"join: axis {self.axis} is out of range for {ndim}-d tensors")
        if self.view >= len(tensors):
            raise ValueError(f"Join(view={self.view}) of {len(tensors)} tensors: no such tensor")
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
        out_dtype = node.outputs[0].type.numpy_dtype
        k = self.view
        if k != -1 and inputs[k].dtype == out_dtype and all(
                x.shape[self.axis] == 0 for i, x in enumerate(inputs) if i != k):
            output_storage[0][0] = inputs[k]       # the others add nothing: a view (view_map)
            return
        output_storage[0][0] = np.concatenate(inputs, axis=self.axis).astype(out_dtype, copy=False)

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

    def static_vector_length(self, node):
        """The summed lengths of the joined vectors (shape.get_vector_length asks; ValueError when
        one is unknown)."""
        return int(sum(get_vector_length(i) for i in node.inputs))

    def L_op(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        if len(inputs) == 1:
            parts = [gz]
        else:
            sizes = MakeVector("int64")(*[shape_i(t, self.axis) for t in inputs])
            parts = Split(len(inputs), self.axis)(gz, sizes)
        return [_join_part_grad(t, g, outputs[0]) for t, g in zip(inputs, parts)]

    def R_op(self, inputs, eval_points):
        """The join of the inputs' tangents, zeros for the inputs that do not vary."""
        if all(e is None for e in eval_points):
            return [None]
        dtype = next(e for e in eval_points if e is not None).dtype
        return [self(*[zeros_like(x, dtype=dtype) if e is None else e
                       for x, e in zip(inputs, eval_points)])]


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
    return switch(eq(mod(axis, ndim), d), on_axis, off_axis)


class JoinDynamic(Join):
    """Join along an axis given as a symbolic integer scalar (the first input). The output has no
    broadcastable dimension, since any of them may be the join axis.

    A subclass of Join (its ``axis`` is None) so that ``isinstance(node.op, Join)`` finds every
    join, as Theano 1.0's one Join class did; it has its own methods wherever the axis input
    matters."""

    __props__ = ()

    def __init__(self):
        super().__init__()

    def __str__(self):
        return "JoinDynamic"

    def make_node(self, axis, *tensors):
        axis = _int_scalar(axis, "join: axis")
        tensors, ndim = _join_inputs(tensors)
        dtype = ts.upcast(*[t.dtype for t in tensors])
        return Apply(self, [axis] + tensors, [TensorType(dtype, (False,) * ndim)()])

    def perform(self, node, inputs, output_storage):
        axis, tensors = int(inputs[0]), inputs[1:]
        ndim = tensors[0].ndim
        if not -ndim <= axis < ndim:
            raise np.exceptions.AxisError(f"join: axis {axis} is out of range for {ndim}-d tensors")
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

    def static_vector_length(self, node):
        """The summed lengths of the joined vectors (the axis input is not one of them)."""
        return int(sum(get_vector_length(i) for i in node.inputs[1:]))

    def R_op(self, inputs, eval_points):
        """The join of the tensors' tangents along the same axis, zeros for those that do not
        vary."""
        axis, tensors, points = inputs[0], inputs[1:], eval_points[1:]
        if all(e is None for e in points):
            return [None]
        dtype = next(e for e in points if e is not None).dtype
        return [self(axis, *[zeros_like(x, dtype=dtype) if e is None else e
                             for x, e in zip(tensors, points)])]

    def L_op(self, inputs, outputs, output_grads):
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
        return [_disconnected()] + [_join_part_grad(t, g, outputs[0]) for t, g in zip(tensors, parts)]


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
            if _symbolic_axis(axis):
                return SplitDynamic(self.len_splits).make_node(x, axis, splits)
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


class SplitDynamic(Split):
    """Split along an axis given as a symbolic integer scalar: ``Split(n)(x, axis, splits)`` or
    ``split(x, splits, n, axis)`` with an axis known only at run time, and JoinDynamic's gradient.

    A subclass of Split (its ``axis`` is None), as JoinDynamic is of Join."""

    __props__ = ("len_splits",)

    def __init__(self, len_splits):
        super().__init__(len_splits)

    def __str__(self):
        return f"SplitDynamic{{len_splits={self.len_splits}}}"

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
            raise np.exceptions.AxisError(f"split: axis {axis} is out of range for a {x.ndim}-d tensor")
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


def split(x, splits_size, n_splits, axis=0):
    """Split ``x`` along ``axis`` into ``n_splits`` pieces of lengths ``splits_size``; returns a list."""
    x = as_tensor_variable(x)
    if not _symbolic_axis(axis):
        axis = _static_axis(axis, x.ndim, "split: axis")
    if isinstance(splits_size, (list, tuple)):
        if len(splits_size) != n_splits:
            raise ValueError(f"split: {len(splits_size)} sizes given for n_splits={n_splits}")
        if all(isinstance(s, (int, np.integer)) for s in splits_size):
            splits_size = constant(np.asarray(splits_size, dtype="int64").reshape(len(splits_size)))
        else:
            splits_size = MakeVector("int64")(*[_int_scalar(s, "split: size") for s in splits_size])
    if _symbolic_axis(axis):
        out = SplitDynamic(n_splits)(x, axis, splits_size)  # an axis known only at run time
    else:
        out = Split(n_splits, axis)(x, splits_size)
    return out if isinstance(out, list) else [out]


def stack(*tensors, **kwargs):
    """Stack tensors of equal shape along a new ``axis`` (scalars become a vector).

    ``stack([a, b], axis=0)`` or ``stack(tensors=[a, b], axis=0)``; the old form ``stack(a, b, c)``
    is accepted too.
    """
    axis = kwargs.pop("axis", 0)
    if "tensors" in kwargs:
        if tensors:
            raise TypeError("stack got the tensors both positionally and as tensors=")
        tensors = (list(kwargs.pop("tensors")),)
    if kwargs:
        raise TypeError(f"stack got unexpected keyword arguments {sorted(kwargs)}")
    if (len(tensors) == 2 and isinstance(tensors[0], (list, tuple))
            and isinstance(tensors[1], (int, np.integer))):
        tensors, axis = tensors[0], int(tensors[1])
    elif len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    elif tensors:
        warnings.warn("stack(a, b, ...) is the old calling form: use stack([a, b, ...], axis=0)",
                      DeprecationWarning, stacklevel=2)
    tensors = [as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    ndim0 = tensors[0].ndim
    for i, t in enumerate(tensors):
        if t.ndim != ndim0:
            raise TypeError(f"stack: all tensors need the same number of dimensions; tensor 0 has "
                            f"{ndim0}, tensor {i} has {t.ndim}")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        try:
            val = get_scalar_constant_value(axis)
            if val.dtype.kind not in "iu":
                raise TypeError(f"a {val.dtype} axis")
            axis = int(val)
        except (NotScalarConstantError, TypeError) as exc:
            raise TypeError(f"stack: axis must be an int known when the graph is built, got {axis!r}") from exc
    if not -(ndim0 + 1) <= axis <= ndim0:
        raise np.exceptions.AxisError(f"stack: axis {axis} is out of range for {ndim0}-d tensors")
    if all(t.ndim == 0 for t in tensors) and axis in (0, -1):
        dtype = ts.upcast(*[t.dtype for t in tensors])
        return MakeVector(dtype)(*tensors)
    ndim = tensors[0].ndim
    if axis < 0:
        axis += ndim + 1
    expanded = [t.dimshuffle(*(list(range(axis)) + ["x"] + list(range(axis, t.ndim)))) for t in tensors]
    return join(axis, *expanded)


def stacklists(arg):
    """Build a tensor from nested lists of tensors: ``stacklists([[a, b], [c, d]])`` has shape
    ``(2, 2) + a.shape``."""
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

# what the modules below this one call (see theano.tensor.type._provide)
_provide("stack", stack)
