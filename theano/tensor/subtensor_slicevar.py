"""Indexing with slice variables: ``x[s]`` where ``s = T.slicetype()`` is an input whose value is
a Python ``slice`` given at call time (Theano 1.0, issue 5898).

``x[s, 1:3, 0, None]`` becomes ``SliceVarSubtensor(pattern)(x, s)``: ``pattern`` holds one entry
per index item: ``"v"`` (the next slice input), ``("s", start, stop, step)`` (a constant slice),
``("i", k)`` (a constant integer) or ``"n"`` (a new axis). Other items (integer arrays, masks,
symbolic integers) are refused with a TypeError. The output is a view of ``x``, as basic indexing
gives; the gradient goes back through ``SliceVarIncSubtensor``.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.tensor.basic import _disconnected, as_tensor_variable, zeros_like
from theano.tensor.type import TensorType
from theano.tensor.type_other import SliceType

__all__ = ["SliceVarSubtensor", "SliceVarIncSubtensor", "has_slice_variable", "slicevar_getitem"]


def _is_slice_var(e):
    return isinstance(e, Variable) and isinstance(e.type, SliceType)


def has_slice_variable(index):
    """True when the index (an item or a tuple of items) holds a slice variable."""
    items = index if isinstance(index, tuple) else (index,)
    return any(_is_slice_var(e) for e in items)


def _static_part(c):
    if c is None:
        return None
    if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)):
        raise TypeError(f"a slice next to a slice variable must have int or None bounds, got {c!r}")
    return int(c)


def _pattern(x, index):
    """The op's pattern and slice inputs for ``x[index]``."""
    items = list(index) if isinstance(index, tuple) else [index]
    n_ell = sum(1 for e in items if e is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 for e in items if e is not None and e is not Ellipsis)
    if used > x.ndim:
        raise IndexError(f"too many indices for {x}: it has {x.ndim} dimensions but {used} were indexed")
    pattern, inputs = [], []
    for e in items:
        if e is Ellipsis:
            pattern += [("s", None, None, None)] * (x.ndim - used)
        elif e is None:
            pattern.append("n")
        elif _is_slice_var(e):
            if isinstance(e, Constant):
                d = e.data
                pattern.append(("s", _static_part(d.start), _static_part(d.stop), _static_part(d.step)))
            else:
                pattern.append("v")
                inputs.append(e)
        elif isinstance(e, slice):
            pattern.append(("s", _static_part(e.start), _static_part(e.stop), _static_part(e.step)))
        elif isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_)):
            pattern.append(("i", int(e)))
        else:
            raise TypeError(f"Index {e!r} cannot be combined with a slice variable: use ints, "
                            "constant slices, None or Ellipsis next to it")
    return tuple(pattern), inputs


def _index(pattern, slices):
    it = iter(slices)
    idx = []
    for e in pattern:
        if e == "n":
            idx.append(None)
        elif e == "v":
            idx.append(next(it))
        elif e[0] == "s":
            idx.append(slice(*e[1:]))
        else:
            idx.append(e[1])
    return tuple(idx)


def _out_broadcastable(pattern, x):
    bcast, d = [], 0
    for e in pattern:
        if e == "n":
            bcast.append(True)
            continue
        if e == "v":
            bcast.append(False)
        elif e[0] == "s":
            full = e[1] is None and e[2] is None and e[3] in (None, 1)
            bcast.append(x.broadcastable[d] and full)
        d += 1
    return tuple(bcast) + tuple(x.broadcastable[d:])


def _check_slices(op, slices):
    slices = list(slices)
    n = sum(1 for e in op.pattern if e == "v")
    if len(slices) != n or not all(_is_slice_var(s) for s in slices):
        raise TypeError(f"{op} takes {n} slice variable(s), got {slices}")
    return slices


class SliceVarSubtensor(Op):
    """``x[pattern]`` with slice variables (see the module docstring); a view of ``x``."""

    __props__ = ("pattern",)
    view_map = {0: [0]}

    def __init__(self, pattern):
        self.pattern = tuple(pattern)

    def __str__(self):
        return f"SliceVarSubtensor{{{self.pattern}}}"

    def make_node(self, x, *slices):
        x = as_tensor_variable(x)
        slices = _check_slices(self, slices)
        bcast = _out_broadcastable(self.pattern, x)
        return Apply(self, [x] + slices, [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, slices = inputs[0], inputs[1:]
        output_storage[0][0] = np.asarray(x[_index(self.pattern, slices)])

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        x, slices = inputs[0], inputs[1:]
        (gz,) = output_grads
        gx = SliceVarIncSubtensor(self.pattern)(zeros_like(x), gz, *slices)
        return [gx] + [_disconnected() for _ in slices]


class SliceVarIncSubtensor(Op):
    """``x`` with ``y`` added at ``x[pattern]`` (a new array): the gradient of SliceVarSubtensor."""

    __props__ = ("pattern",)

    def __init__(self, pattern):
        self.pattern = tuple(pattern)

    def __str__(self):
        return f"SliceVarIncSubtensor{{{self.pattern}}}"

    def make_node(self, x, y, *slices):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        slices = _check_slices(self, slices)
        return Apply(self, [x, y] + slices, [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y, slices = inputs[0], inputs[1], inputs[2:]
        out = x.copy()
        out[_index(self.pattern, slices)] += y
        output_storage[0][0] = out

    def connection_pattern(self, node):
        return [[True], [True]] + [[False]] * (len(node.inputs) - 2)

    def L_op(self, inputs, outputs, output_grads):
        slices = inputs[2:]
        (gz,) = output_grads
        gy = SliceVarSubtensor(self.pattern)(gz, *slices)
        return [gz, gy] + [_disconnected() for _ in slices]


def slicevar_getitem(x, index):
    """``x[index]`` for an index holding a slice variable."""
    x = as_tensor_variable(x)
    pattern, slices = _pattern(x, index)
    return SliceVarSubtensor(pattern)(x, *slices)
