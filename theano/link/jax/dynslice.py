"""Slices whose bounds are known only at run time, under ``jax.jit``.

``data[index * n:(index + 1) * n]`` (the givens minibatch pattern) has a length that depends on
``index``: ``jax.jit`` cannot trace it with a traced ``index``. Where the bounds of such a slice
(step 1) come from a small host subgraph -- constants, scalar inputs, the shapes of inputs
(``Shape_i``/``Shape``, read from ``.shape``: no transfer for device arrays), scalar elementwise
ops on those -- the linker computes them on the host before each call, clips them as Python
slicing does, and jits the graph with each slice as ``lax.dynamic_slice_in_dim``: a traced start
and a static length. The tuple of lengths is a static argument of the jitted function: one compile
per distinct set of lengths (a last, shorter minibatch adds one; an index past the end, another).

The length of the sliced dimension is needed on the host as well: the shape of an input, or of an
intermediate through its op's ``infer_shape`` when that gives an expression of the same kind.
A graph with a slice of symbolic bounds that this does not cover is left as it was (it runs op by
op, as before).
"""

import numpy as np

from theano.graph.basic import Constant

_NO = object()          # memo: not computable on the host


class HostScalars:
    """Steps that compute small scalar values of a graph on the host, from the call's inputs.

    ``value(v)``/``dim(v, d)`` return the index of the step that computes the variable ``v`` /
    the length of dimension ``d`` of ``v`` (None where that is not computable on the host);
    ``run(inputs)`` runs every step and returns their values in order.
    """

    def __init__(self, fgraph):
        self.pos = {v: i for i, v in enumerate(fgraph.inputs)}
        self.steps = []
        self.memo = {}
        self.dims = {}

    def _add(self, fn):
        self.steps.append(fn)
        return len(self.steps) - 1

    def run(self, inputs):
        vals = []
        for step in self.steps:
            vals.append(step(inputs, vals))
        return vals

    def value(self, v):
        k = self.memo.get(v)
        if k is None:
            try:
                k = self._value(v)
            except RecursionError:
                k = None
            k = _NO if k is None else k
            self.memo[v] = k
        return None if k is _NO else k

    def _value(self, v):
        from theano.scalar.type import Scalar
        from theano.tensor.basic import Shape, Shape_i
        from theano.tensor.type import TensorType

        if isinstance(v, Constant):
            data = v.data
            return self._add(lambda ins, vals: data)
        small = isinstance(v.type, Scalar) or (isinstance(v.type, TensorType) and v.type.ndim == 0)
        if v in self.pos:
            if not small or v.type.dtype not in _NUMERIC:
                return None
            p = self.pos[v]
            return self._add(lambda ins, vals: np.asarray(ins[p]))
        node = v.owner
        if node is None:
            return None
        op = node.op
        if isinstance(op, Shape_i):
            return self.dim(node.inputs[0], op.i)
        if isinstance(op, Shape):
            x = node.inputs[0]
            ks = [self.dim(x, d) for d in range(x.ndim)]
            if any(k is None for k in ks):
                return None
            return self._add(lambda ins, vals: np.array([vals[k] for k in ks], dtype="int64"))
        if not (small and v.type.dtype in _NUMERIC and len(node.outputs) == 1 and _host_op(op)):
            return None
        ks = [self.value(i) for i in node.inputs]
        if any(k is None for k in ks):
            return None
        storage = [[None]]

        def step(ins, vals):
            storage[0][0] = None
            op.perform(node, [vals[k] for k in ks], storage)
            return storage[0][0]

        return self._add(step)

    def dim(self, x, d):
        """The step giving the length of dimension ``d`` of ``x`` (None if not on the host)."""
        key = (x, d)
        if key not in self.dims:
            try:
                k = self._dim(x, d)
            except RecursionError:
                k = None
            self.dims[key] = k
        return self.dims[key]

    def _dim(self, x, d):
        from theano.tensor.basic import Shape_i, as_tensor_variable
        from theano.tensor.type import TensorType

        if not isinstance(x.type, TensorType):
            return None
        if x.type.broadcastable[d]:
            return self._add(lambda ins, vals: 1)
        if isinstance(x, Constant):
            n = int(np.shape(x.data)[d])
            return self._add(lambda ins, vals: n)
        if x in self.pos:
            p = self.pos[x]
            return self._add(lambda ins, vals: ins[p].shape[d])
        node = x.owner
        if node is None or not hasattr(node.op, "infer_shape") or getattr(node.op, "lazy", False):
            return None
        if not all(isinstance(i.type, TensorType) for i in node.inputs):
            return None
        in_shapes = [tuple(Shape_i(j)(i) for j in range(i.ndim)) for i in node.inputs]
        try:
            shapes = node.op.infer_shape(node, in_shapes)
            expr = shapes[node.outputs.index(x)][d]
            expr = as_tensor_variable(expr) if not isinstance(expr, Constant) else expr
        except Exception:
            return None
        return self.value(expr)


_NUMERIC = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
            "float16", "float32", "float64"}


def _host_op(op):
    """Ops a host step may run through ``perform`` (on scalars)."""
    from theano.scalar.basic import ScalarOp
    from theano.tensor import subtensor as st
    from theano.tensor.basic import ScalarFromTensor, TensorFromScalar
    from theano.tensor.elemwise import DimShuffle, Elemwise

    if getattr(op, "lazy", False) or getattr(op, "destroy_map", None):
        return False
    return isinstance(op, (Elemwise, ScalarOp, ScalarFromTensor, TensorFromScalar, DimShuffle)) or \
        type(op) is st.Subtensor


class DynamicSlices:
    """The Subtensor nodes of a graph whose symbolic slice bounds are computed on the host.

    ``nodes``: node -> [(input dimension, start step, stop step, length step)], a bound step
    None where the bound is None or an index constant; ``evaluate(inputs)`` -> (starts, lengths):
    the clipped starts (a flat list) and the tuple of lengths, in the order of ``nodes``' slices.
    """

    def __init__(self, host, nodes):
        self.host = host
        self.nodes = nodes
        self.order = list(nodes)

    def evaluate(self, inputs):
        vals = self.host.run(inputs)
        starts, lengths = [], []
        for node in self.order:
            for _dim, a, b, const, n_k in self.nodes[node]:
                n = int(vals[n_k])
                lo = const[0] if a is None else int(vals[a])
                hi = const[1] if b is None else int(vals[b])
                start, stop, _ = slice(lo, hi).indices(n)
                length = max(0, stop - start)
                starts.append(min(start, n - length))
                lengths.append(length)
        return starts, tuple(lengths)

    def assign(self, starts, lengths):
        """node -> [(input dimension, traced start, static length)] for one trace."""
        out, k = {}, 0
        for node in self.order:
            items = []
            for dim, *_ in self.nodes[node]:
                items.append((dim, starts[k], lengths[k]))
                k += 1
            out[node] = items
        return out


def symbolic_slices(node):
    """The slices of a Subtensor node with a bound that is a (non-constant) variable:
    [(item position, input dimension, (start, stop, step))]."""
    from theano.tensor import subtensor as st

    items = st._decode(node.op.idx_list, node.inputs[1:], numeric=False)
    out, dim = [], 0
    for pos, e in enumerate(items):
        if e is None:
            continue
        if isinstance(e, tuple) and any(c is not None and not isinstance(c, (int, np.integer,
                                                                             Constant))
                                        for c in e):
            out.append((pos, dim, e))
        dim += 1
    return out


def plan(fgraph, nodes):
    """The DynamicSlices of ``nodes``, or None where no Subtensor has symbolic slice bounds or one
    of them is not covered (a step other than 1, a bound or length not computable on the host)."""
    from theano.tensor import subtensor as st

    host = HostScalars(fgraph)
    found = {}
    for node in nodes:
        if type(node.op) is not st.Subtensor:
            continue
        slices = symbolic_slices(node)
        if not slices:
            continue
        spec = []
        for _pos, dim, (a, b, c) in slices:
            c = c.data if isinstance(c, Constant) else c
            if c is not None and not (isinstance(c, (int, np.integer, np.ndarray)) and
                                      np.ndim(c) == 0 and int(c) == 1):
                return None
            const, steps = [], []
            for bound in (a, b):
                if bound is None or isinstance(bound, (int, np.integer)):
                    const.append(bound)
                    steps.append(None)
                elif isinstance(bound, Constant):
                    const.append(int(bound.data))
                    steps.append(None)
                else:
                    k = host.value(bound)
                    if k is None:
                        return None
                    const.append(None)
                    steps.append(k)
            n_k = host.dim(node.inputs[0], dim)
            if n_k is None:
                return None
            spec.append((dim, steps[0], steps[1], tuple(const), n_k))
        found[node] = spec
    if not found:
        return None
    return DynamicSlices(host, found)


def traced_impl(node, impl, state):
    """The translation of a planned Subtensor node: in a trace with host-computed slices
    (``state["dyn"]``), each dynamic-slice dimension is a ``lax.dynamic_slice_in_dim`` and the
    rest of the index as before; otherwise (op by op) the usual translation ``impl``."""
    from jax import lax

    from theano.tensor import subtensor as st

    positions = {dim: pos for pos, dim, _ in symbolic_slices(node)}
    with_slices = impl.with_slices

    def subtensor(x, *idx):
        dyn = state.get("dyn")
        if dyn is None:
            return impl(x, *idx)
        for dim, start, length in dyn[node]:
            x = lax.dynamic_slice_in_dim(x, start, length, axis=dim)
        items = st._decode(node.op.idx_list, idx, numeric=False)
        for pos in positions.values():
            items[pos] = (None, None, None)
        return with_slices(x, idx, items)

    return subtensor
