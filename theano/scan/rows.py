"""Small ops on the leading axis that scan needs around its loop: slicing off the initial rows of a
state buffer, taking the last row (reduce/foldl/foldr), reversing sequences (go_backwards), and the
scatter op that is their gradient. They are independent of theano.tensor.subtensor on purpose.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.gradient import disconnected_type
from theano.tensor.type import TensorType

__all__ = ["RowSlice", "RowIndex", "RowReverse", "RowScatter", "row_slice", "row_index",
           "row_reverse"]


def _as_rows(x, what):
    from theano.tensor.basic import as_tensor_variable

    x = as_tensor_variable(x)
    if x.ndim < 1:
        raise TypeError(f"{what} needs a tensor with at least one dimension, got the scalar {x}")
    return x


def _int(v):
    return None if v is None else int(v)


class RowSlice(Op):
    """``x[start:stop]`` along axis 0 (a view), with static ``start``/``stop`` (ints or None)."""

    __props__ = ("start", "stop")
    view_map = {0: [0]}

    def __init__(self, start=None, stop=None):
        self.start, self.stop = _int(start), _int(stop)

    def make_node(self, x):
        x = _as_rows(x, "RowSlice")
        return Apply(self, [x], [TensorType(x.dtype, (False,) + x.broadcastable[1:])()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0][self.start:self.stop]

    def numba_graph_code(self, node, k, ins, outs, mod):
        """Lines of the native backend's whole-graph function (``link/numba/graph.py``)."""
        start = "" if self.start is None else self.start
        stop = "" if self.stop is None else self.stop
        return [f"{outs[0]} = {ins[0]}[{start}:{stop}]"]

    def infer_shape(self, node, input_shapes):
        from theano.tensor.basic import as_tensor_variable
        from theano.tensor.math import maximum, minimum

        n = input_shapes[0][0]
        zero = as_tensor_variable(0, dtype="int64")

        def clip(v):
            if v is None:
                return None
            if v >= 0:
                return minimum(as_tensor_variable(v, dtype="int64"), n)
            return maximum(n + v, zero)

        lo = clip(self.start) if self.start is not None else zero
        hi = clip(self.stop) if self.stop is not None else n
        return [(maximum(hi - lo, zero),) + tuple(input_shapes[0][1:])]

    def grad(self, inputs, output_grads):
        return [RowScatter(("slice", self.start, self.stop))(inputs[0], output_grads[0])]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


class RowIndex(Op):
    """``x[i]`` along axis 0 (a view) for a static int ``i`` (negative counts from the end)."""

    __props__ = ("i",)
    view_map = {0: [0]}

    def __init__(self, i):
        self.i = int(i)

    def make_node(self, x):
        x = _as_rows(x, "RowIndex")
        return Apply(self, [x], [TensorType(x.dtype, x.broadcastable[1:])()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        if not -x.shape[0] <= self.i < x.shape[0]:
            raise IndexError(
                f"index {self.i} is out of range for a tensor of {x.shape[0]} rows (shape {x.shape})"
                + (": the scan ran 0 steps" if x.shape[0] == 0 else "")
            )
        output_storage[0][0] = x[self.i, ...]

    def numba_graph_code(self, node, k, ins, outs, mod):
        """Lines of the native backend's whole-graph function (``link/numba/graph.py``); an index
        out of range raises, and the per-node code raises its error."""
        from theano.link.numba.graph import _as0d

        x, i = ins[0], self.i
        lines = [f"if not -{x}.shape[0] <= {i} < {x}.shape[0]:",
                 "    raise IndexError('RowIndex: index out of range')"]
        if node.outputs[0].ndim == 0:
            return lines + _as0d(outs[0], node.outputs[0].dtype, f"{x}[{i}]")
        return lines + [f"{outs[0]} = {x}[{i}]"]

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0][1:])]

    def grad(self, inputs, output_grads):
        return [RowScatter(("index", self.i))(inputs[0], output_grads[0])]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


class RowReverse(Op):
    """``x[::-1]`` along axis 0 (a view)."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = _as_rows(x, "RowReverse")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0][::-1]

    def numba_graph_code(self, node, k, ins, outs, mod):
        """Lines of the native backend's whole-graph function (``link/numba/graph.py``)."""
        return [f"{outs[0]} = {ins[0]}[::-1]"]

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0])]

    def grad(self, inputs, output_grads):
        return [RowReverse()(output_grads[0])]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


class RowScatter(Op):
    """Zeros shaped like ``x`` with ``g`` written at ``where`` (the gradient of RowSlice/RowIndex).

    ``where`` is ("slice", start, stop) or ("index", i).
    """

    __props__ = ("where",)

    def __init__(self, where):
        if where[0] not in ("slice", "index"):
            raise ValueError(f"RowScatter: where must start with 'slice' or 'index', got {where!r}")
        self.where = tuple(where)

    def _key(self):
        if self.where[0] == "slice":
            return slice(self.where[1], self.where[2])
        return self.where[1]

    def make_node(self, x, g):
        from theano.tensor.basic import as_tensor_variable, cast

        x = _as_rows(x, "RowScatter")
        g = as_tensor_variable(g)
        want = x.ndim if self.where[0] == "slice" else x.ndim - 1
        if g.ndim != want:
            raise TypeError(f"RowScatter{self.where}: g must have {want} dimensions, got {g.ndim}")
        dtype = x.dtype if x.dtype.startswith(("float", "complex")) else g.dtype
        if g.dtype != dtype:
            g = cast(g, dtype)
        return Apply(self, [x, g], [TensorType(dtype, x.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        x, g = inputs
        out = np.zeros(x.shape, dtype=node.outputs[0].dtype)
        out[self._key()] = g
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0])]

    def connection_pattern(self, node):
        return [[False], [True]]

    def grad(self, inputs, output_grads):
        gg = output_grads[0]
        back = RowSlice(self.where[1], self.where[2]) if self.where[0] == "slice" else RowIndex(self.where[1])
        return [disconnected_type(), back(gg)]

    def R_op(self, inputs, eval_points):
        if eval_points[1] is None:
            return [None]
        return [self(inputs[0], eval_points[1])]


def row_slice(x, start=None, stop=None):
    return RowSlice(start, stop)(x)


def row_index(x, i):
    return RowIndex(i)(x)


def row_reverse(x):
    return RowReverse()(x)
