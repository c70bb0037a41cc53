"""Slices whose bounds are known only at run time, under ``jax.jit``.

``data[index * n:(index + 1) * n]`` (the givens minibatch pattern; also ``set_subtensor`` and
``inc_subtensor`` of such slices, which their gradients build) has a length that depends on
``index``: ``jax.jit`` cannot trace it with a traced ``index``. Where the parts of such a slice
come from a small host subgraph -- constants, scalar inputs, the shapes of inputs
(``Shape_i``/``Shape``, read from ``.shape``: no transfer for device arrays), scalar elementwise
ops on those -- the linker computes them on the host before each call, clips them as Python
slicing does, and jits the graph with each slice as ``lax.dynamic_slice_in_dim``: a traced
begin and a static span (and step: a strided static slice where it is not 1, a gather of the
rows in reverse order where it is negative). The tuple of (span, step) is a static argument of
the jitted function: one compile per distinct set (a last, shorter minibatch adds one; an index
past the end, another).

The length of the sliced dimension is needed on the host as well: the shape of an input, or of an
intermediate through its op's ``infer_shape`` when that gives an expression of the same kind.
A graph with a slice of symbolic parts that this does not cover is left as it was (it runs op by
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
        self.reads = []
        self.memo = {}
        self.dims = {}

    def _add(self, fn, deps=()):
        """A new step; ``deps``: the steps it reads, or True for a step that reads an input's
        value (``reads_values`` tells whether a step depends on one)."""
        self.steps.append(fn)
        self.reads.append(deps is True or any(self.reads[k] for k in deps))
        return len(self.steps) - 1

    def reads_values(self, k):
        """Whether step ``k`` depends on the value of an input (not only on shapes and
        constants, which are static while tracing)."""
        return self.reads[k]

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
        from theano.tensor.basic import Shape, Shape_i

        if isinstance(v, Constant):
            data = v.data
            return self._add(lambda ins, vals: data)
        if v in self.pos:
            if not _small(v):
                return None
            p = self.pos[v]
            return self._add(lambda ins, vals: np.asarray(ins[p]), True)
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
            return self._add(lambda ins, vals: np.array([vals[k] for k in ks], dtype="int64"), ks)
        if not (_host_op(op) and all(_small(o) for o in node.outputs)):
            return None
        k = self.memo.get(node)
        if k is None:
            ks = [self.value(i) for i in node.inputs]
            if any(k is None for k in ks):
                self.memo[node] = _NO
                return None
            storage = [[None] for _ in node.outputs]

            def step(ins, vals):
                for cell in storage:
                    cell[0] = None
                op.perform(node, [vals[k] for k in ks], storage)
                return [cell[0] for cell in storage]

            k = self.memo[node] = self._add(step, ks)
        if k is _NO:
            return None
        out = node.outputs.index(v)
        return self._add(lambda ins, vals: vals[k][out], (k,))

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


def _small(v):
    """Whether ``v`` is a numeric scalar (a Scalar or a 0-d tensor)."""
    from theano.scalar.type import Scalar
    from theano.tensor.type import TensorType

    return (isinstance(v.type, Scalar) or (isinstance(v.type, TensorType) and v.type.ndim == 0)) \
        and v.type.dtype in _NUMERIC


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

    ``nodes``: node -> [(input dimension, (start, stop, step) host steps, their constant values,
    length-of-the-dimension host step)], a part's host step None where it is None or a constant;
    ``evaluate(inputs)`` -> (begins, keys): for each slice, in the order of ``nodes``, where the
    positions it takes begin (a flat list, traced) and (span, step) (static: the jit's key), the
    positions being ``begin, begin + |step|, ... < begin + span``, in reverse for a negative step.
    """

    def __init__(self, host, nodes):
        self.host = host
        self.nodes = nodes
        self.order = list(nodes)

    def evaluate(self, inputs):
        vals = self.host.run(inputs)
        begins, keys = [], []
        for node in self.order:
            for _dim, parts, const, n_k in self.nodes[node]:
                n = int(vals[n_k])
                lo, hi, step = (c if k is None else int(vals[k]) for k, c in zip(parts, const))
                # Python's clipping (a zero step raises ValueError, as on the other backends)
                start, stop, step = slice(lo, hi, step).indices(n)
                count = len(range(start, stop, step))
                if count == 0:
                    begins.append(0)
                    keys.append((0, 1))
                    continue
                first = start if step > 0 else start + (count - 1) * step
                begins.append(first)
                keys.append(((count - 1) * abs(step) + 1, step))
        return begins, tuple(keys)

    def assign(self, starts, lengths):
        """node -> [(input dimension, traced begin, static (span, step))] for one trace."""
        out, k = {}, 0
        for node in self.order:
            items = []
            for dim, *_ in self.nodes[node]:
                items.append((dim, starts[k], lengths[k]))
                k += 1
            out[node] = items
        return out


def _index_inputs(node):
    """The index inputs of a (Inc)Subtensor node."""
    from theano.tensor import subtensor as st

    return node.inputs[2:] if type(node.op) is st.IncSubtensor else node.inputs[1:]


def symbolic_slices(node):
    """The slices of a (Inc)Subtensor node with a part that is a (non-constant) variable:
    [(item position, input dimension, (start, stop, step))]."""
    from theano.tensor import subtensor as st

    items = st._decode(node.op.idx_list, _index_inputs(node), numeric=False)
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
    """The DynamicSlices of ``nodes``: the (Inc)Subtensor nodes with a slice part that depends on
    an input's value and every symbolic part and sliced length computable on the host; None where
    there is none. Other nodes keep their translation (parts computed from shapes and constants
    are static while tracing; parts computed otherwise make the graph run op by op, as before)."""
    from theano.tensor import subtensor as st

    def part(c):
        """(host step, constant) of a slice part; None where not computable on the host."""
        if c is None or isinstance(c, (int, np.integer)):
            return None, c
        if isinstance(c, Constant):
            return None, int(c.data)
        k = host.value(c)
        return None if k is None else (k, None)

    host = HostScalars(fgraph)
    found = {}
    for node in nodes:
        if type(node.op) not in (st.Subtensor, st.IncSubtensor):
            continue
        slices = symbolic_slices(node)
        if not slices:
            continue
        spec = []
        for _pos, dim, parts in slices:
            parts = [part(c) for c in parts]
            n_k = host.dim(node.inputs[0], dim)
            if n_k is None or any(p is None for p in parts):
                spec = None
                break
            spec.append((dim, tuple(k for k, _ in parts), tuple(c for _, c in parts), n_k))
        if spec is None or not any(k is not None and host.reads_values(k)
                                   for _dim, ks, _const, _n in spec for k in ks):
            continue
        found[node] = spec
    if not found:
        return None
    return DynamicSlices(host, found)


def traced_impl(node, impl, tracing):
    """The translation of a planned Subtensor node: in a trace with host-computed slices
    (``tracing.dyn``, thread-local), each such slice is a ``lax.dynamic_slice_in_dim`` (of a strided static
    slice where the step is not 1, the rows put in reverse order by a gather where it is negative,
    as dispatch.py does for constant slices) and the rest of the index as before; otherwise (op
    by op) the usual translation ``impl``."""
    import jax.numpy as jnp
    from jax import lax

    from theano.tensor import subtensor as st

    positions = [pos for pos, _dim, _ in symbolic_slices(node)]
    with_slices = impl.with_slices

    def reverse(v, dim):
        count = v.shape[dim]
        return jnp.take(v, jnp.arange(count - 1, -1, -1), axis=dim) if count > 1 else v

    def view(x, dim, begin, span, step):
        """The positions of one slice: a dynamic slice of ``span`` rows, every ``|step|``-th,
        reversed for a negative step; and that span."""
        part = lax.dynamic_slice_in_dim(x, begin, span, axis=dim)
        v = lax.slice_in_dim(part, 0, span, abs(step), axis=dim) if abs(step) > 1 else part
        return (reverse(v, dim) if step < 0 else v), part

    def rest_items(idx):
        items = st._decode(node.op.idx_list, idx, numeric=False)
        for pos in positions:
            items[pos] = (None, None, None)
        return items

    if type(node.op) is st.IncSubtensor:
        def inc_subtensor(x, y, *idx):
            dyn = getattr(tracing, "dyn", None)
            if dyn is None:
                return impl(x, y, *idx)
            # into the view of every slice, the rest of the index as before, then each view
            # written back into its span and the span into its array
            outer = []
            for dim, begin, (span, step) in dyn[node]:
                v, part = view(x, dim, begin, span, step)
                outer.append((x, part, dim, begin, span, step))
                x = v
            x = with_slices(x, y, idx, rest_items(idx))
            for base, part, dim, begin, span, step in reversed(outer):
                v = reverse(x, dim) if step < 0 else x
                if abs(step) > 1:
                    key = (slice(None),) * dim + (slice(0, span, abs(step)),)
                    v = part.at[key].set(v)
                x = lax.dynamic_update_slice_in_dim(base, v, begin, axis=dim)
            return x

        return inc_subtensor

    def subtensor(x, *idx):
        dyn = getattr(tracing, "dyn", None)
        if dyn is None:
            return impl(x, *idx)
        for dim, begin, (span, step) in dyn[node]:
            x = view(x, dim, begin, span, step)[0]
        return with_slices(x, idx, rest_items(idx))

    return subtensor
