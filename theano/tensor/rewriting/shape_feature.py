"""``ShapeFeature``: Theano 1.0's shape table, for programs that attach it to a FunctionGraph and ask
it about shapes (``shape_of``, ``get_shape``, ``same_shape``).

The optimizer here does not use it (shapes are tracked by rewriting ``Shape_i``, see
``tensor/rewriting/shape.py``). The table is built on demand from each op's ``infer_shape``, in terms
of ``Shape_i`` of the graph's inputs; building it never changes the graph.
"""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.features import Feature
from theano.tensor.basic import as_tensor_variable, constant
from theano.tensor.reshaping import shape_i
from theano.tensor.type import TensorType

_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


class ShapeFeature(Feature):
    """The symbolic shape of every tensor variable of a FunctionGraph, as a tuple of int64 scalars.

    ``shape_of[v]`` is filled lazily (``get_shape`` / ``shape_tuple`` / ``same_shape`` compute what
    they need). Two dimensions are "the same" when their entries are the same variable or equal
    constants; a dimension whose equality cannot be shown that way is reported as different.
    """

    def on_attach(self, fgraph):
        if hasattr(fgraph, "shape_feature"):
            from theano.graph.features import AlreadyThere

            raise AlreadyThere("a ShapeFeature is already attached")
        self.fgraph = fgraph
        self.shape_of = {}
        fgraph.shape_feature = self

    def on_detach(self, fgraph):
        self.shape_of = {}
        if getattr(fgraph, "shape_feature", None) is self:
            del fgraph.shape_feature

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None):
        # shapes computed from the old graph may name variables that left it: start again
        self.shape_of = {}

    def _own_shape(self, v):
        if isinstance(v, Constant):
            return tuple(constant(int(s), dtype="int64") for s in np.shape(v.data))
        return tuple(constant(1, dtype="int64") if b else shape_i(v, d)
                     for d, b in enumerate(v.broadcastable))

    def _node_shapes(self, node):
        infer = getattr(node.op, "infer_shape", None)
        if infer is not None:
            in_shapes = [self.shape_of.get(i) if isinstance(i.type, TensorType) else None
                         for i in node.inputs]
            try:
                shapes = infer(node, in_shapes)
            except Exception:  # noqa: BLE001 - an op that cannot tell: its outputs' own shapes
                shapes = None
            if shapes is not None and len(shapes) == len(node.outputs):
                return [self._checked(o, s) for o, s in zip(node.outputs, shapes)]
        return [self._own_shape(o) if isinstance(o.type, TensorType) else None for o in node.outputs]

    def _checked(self, out, shp):
        if not isinstance(out.type, TensorType):
            return None
        if shp is None or len(shp) != out.ndim:
            return self._own_shape(out)
        entries = []
        for d, s in enumerate(shp):
            if out.broadcastable[d]:
                entries.append(constant(1, dtype="int64"))
                continue
            s = as_tensor_variable(s)
            if s.ndim != 0 or s.dtype not in _INT_DTYPES:
                return self._own_shape(out)
            entries.append(s)
        return tuple(entries)

    def shape_tuple(self, v):
        """The shape of ``v`` (a tuple of scalar int variables), or None for a non-tensor."""
        if not isinstance(v.type, TensorType):
            return None
        if v in self.shape_of:
            return self.shape_of[v]
        # fill the table for v's ancestors first, walking iteratively
        stack = [v]
        while stack:
            w = stack[-1]
            if w in self.shape_of:
                stack.pop()
                continue
            node = w.owner
            if node is None or isinstance(w, Constant):
                self.shape_of[w] = self._own_shape(w) if isinstance(w.type, TensorType) else None
                stack.pop()
                continue
            todo = [i for i in node.inputs if i not in self.shape_of]
            if todo:
                stack.extend(todo)
                continue
            for o, s in zip(node.outputs, self._node_shapes(node)):
                self.shape_of[o] = s
            stack.pop()
        return self.shape_of[v]

    def get_shape(self, v, i):
        """The length of dimension ``i`` of ``v``."""
        return self.shape_tuple(v)[i]

    def same_shape(self, x, y, dim_x=None, dim_y=None):
        """True when ``x`` and ``y`` are known to have the same shape (only dimension ``dim_x`` of x
        against ``dim_y`` of y when given). IndexError for a dimension they do not have."""
        sx = self.shape_tuple(x)
        sy = self.shape_tuple(y)
        if dim_x is not None:
            sx = [sx[dim_x]]
        if dim_y is not None:
            sy = [sy[dim_y]]
        if len(sx) != len(sy):
            return False
        return all(_same_entry(a, b) for a, b in zip(sx, sy))


def _same_entry(a, b):
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant):
        return bool(np.all(a.data == b.data))
    from theano.graph.basic import equal_computations

    try:
        return equal_computations([a], [b])
    except Exception:  # noqa: BLE001
        return False
