"""Shape rewrites: shapes computed from the inputs' shapes (``x.shape[0]`` without computing x), and
useless Reshape / Rebroadcast / SpecifyShape / Alloc removed.

The shape tracking is done by rewrites rather than a stored feature: ``Shape_i(x)`` is replaced by
the op's ``infer_shape`` expressed with ``Shape_i`` of the op's inputs, and the worklist keeps lifting
those new ``Shape_i`` nodes until they reach the graph's inputs.
"""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.basic import new_nodes_between, node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_specialize, register_stabilize
from theano.tensor.basic import MakeVector, Rebroadcast, as_tensor_variable, cast, constant
from theano.tensor.elemwise import DimShuffle
from theano.tensor.rewriting.utils import scalar_const
from theano.tensor.reshaping import Reshape, Shape, Shape_i, shape_i
from theano.tensor.type import TensorType


def _as_int64_scalar(s):
    s = as_tensor_variable(s)
    if s.ndim != 0 or s.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                      "uint64"):
        return None
    return cast(s, "int64") if s.dtype != "int64" else s


def infer_output_shape(fgraph, var):
    """The symbolic shape of ``var`` from its op's infer_shape, or None."""
    node = var.owner
    if node is None:
        return None
    infer = getattr(node.op, "infer_shape", None)
    if infer is None:
        return None
    in_shapes = []
    for inp in node.inputs:
        if isinstance(inp.type, TensorType):
            in_shapes.append(tuple(shape_i(inp, d) for d in range(inp.ndim)))
        else:
            in_shapes.append(None)
    try:
        shapes = infer(node, in_shapes)
    except Exception:  # noqa: BLE001 - ops without infer_shape (or that cannot tell) are left alone
        return None
    if shapes is None or len(shapes) != len(node.outputs):
        return None
    shp = shapes[var.index]
    if shp is None or len(shp) != var.ndim:
        return None
    out = []
    for s in shp:
        s = _as_int64_scalar(s)
        if s is None:
            return None
        out.append(s)
    # The expression must not use the outputs themselves (that would not save anything, or cycle).
    bad = set(node.outputs)
    if any(s in bad for s in out):
        return None
    for n in new_nodes_between(fgraph, out):
        if any(i in bad for i in n.inputs):
            return None
    return out


@node_rewriter([Shape_i])
def local_shape_i_lift(fgraph, node):
    """``Shape_i{i}(op(a, b))`` -> the i-th entry of ``op.infer_shape`` in terms of a and b."""
    (x,) = node.inputs
    if isinstance(x, Constant):
        return [constant(x.data.shape[node.op.i], dtype="int64")]
    if x.broadcastable[node.op.i]:
        return [constant(1, dtype="int64")]
    if x.owner is None:
        return None
    shp = infer_output_shape(fgraph, x)
    if shp is None:
        return None
    return [shp[node.op.i]]


@node_rewriter([Shape])
def local_shape_to_shape_i(fgraph, node):
    """``Shape(x)`` -> ``MakeVector(Shape_i(x, 0), ...)`` so each entry can be lifted."""
    (x,) = node.inputs
    if x.ndim == 0:
        return [_empty_shape()]
    return [MakeVector("int64")(*[shape_i(x, d) for d in range(x.ndim)])]


def _empty_shape():
    import numpy as np

    return TensorType("int64", (False,)).make_constant(np.zeros(0, dtype="int64"))


register_canonicalize(local_shape_i_lift, "shape", fast_compile=True)
# rewrites of the later phases ask for shapes too (local_fill_to_alloc)
register_specialize(local_shape_i_lift, "local_shape_i_lift", name="local_shape_i_lift_specialize")
register_canonicalize(local_shape_to_shape_i, "shape", fast_compile=True)


def _is_shape_of(entry, x, d):
    """True if scalar ``entry`` is known to equal ``x.shape[d]``."""
    if x.broadcastable[d]:
        return scalar_const(entry) is not None and int(scalar_const(entry)) == 1
    node = entry.owner
    if node is not None and isinstance(node.op, Shape_i) and node.op.i == d and node.inputs[0] is x:
        return True
    return False


@node_rewriter([Reshape])
def local_useless_reshape(fgraph, node):
    """``reshape(x, x.shape)`` -> x; ``reshape(reshape(x, s1), s2)`` -> ``reshape(x, s2)``."""
    x, shp = node.inputs
    out = node.outputs[0]
    if x.owner is not None and isinstance(x.owner.op, Reshape):
        inner = x.owner.inputs[0]
        return [node.op(inner, shp)]
    if x.ndim != node.op.ndim:
        return None
    if shp.owner is not None and isinstance(shp.owner.op, Shape) and shp.owner.inputs[0] is x:
        return [x] if x.type == out.type else None
    if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
        if all(_is_shape_of(e, x, d) for d, e in enumerate(shp.owner.inputs)):
            return [x] if x.type == out.type or out.type.convert_variable(x) is not None else None
    if isinstance(shp, Constant) and x.ndim == 1 and int(shp.data.reshape(-1)[0]) == -1:
        return [x] if x.type == out.type else None
    return None


register_canonicalize(local_useless_reshape, "shape")


@node_rewriter([Rebroadcast])
def local_useless_rebroadcast(fgraph, node):
    """Rebroadcast that changes nothing -> its input; two Rebroadcasts -> one."""
    (x,) = node.inputs
    out = node.outputs[0]
    if x.type == out.type:
        return [x]
    if x.owner is not None and isinstance(x.owner.op, Rebroadcast):
        inner = x.owner.inputs[0]
        changes = [(d, b) for d, b in enumerate(out.broadcastable) if inner.broadcastable[d] != b]
        return [Rebroadcast(*changes)(inner)] if changes else [inner]
    if isinstance(x, Constant):
        return [out.type.make_constant(x.data)]
    return None


register_canonicalize(local_useless_rebroadcast, "shape", fast_compile=True)


def _optional_class(module, name):
    import importlib

    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


_SpecifyShape = _optional_class("theano.tensor.reshaping", "SpecifyShape")
_Alloc = _optional_class("theano.tensor.allocation", "Alloc")

if _SpecifyShape is not None:

    @node_rewriter([_SpecifyShape])
    def local_useless_specify_shape(fgraph, node):
        """``specify_shape(x, x.shape)`` (entries known to be x's own) -> x."""
        x, shp = node.inputs
        if shp.owner is not None and isinstance(shp.owner.op, Shape) and shp.owner.inputs[0] is x:
            return [x]
        if shp.owner is not None and isinstance(shp.owner.op, MakeVector) and \
                len(shp.owner.inputs) == x.ndim and \
                all(_is_shape_of(e, x, d) for d, e in enumerate(shp.owner.inputs)):
            return [x]
        return None

    register_canonicalize(local_useless_specify_shape, "shape")

def _is_one(v):
    c = scalar_const(v)
    return c is not None and np.ndim(c) == 0 and c == 1


if _Alloc is not None:

    @node_rewriter([_Alloc])
    def local_useless_alloc(fgraph, node):
        """``alloc(x, *shape)`` where x already has that type and shape -> x."""
        value = node.inputs[0]
        out = node.outputs[0]
        dims = node.inputs[1:]
        if value.type != out.type or value.ndim != len(dims):
            return None
        if all(_is_shape_of(e, value, d) for d, e in enumerate(dims)):
            return [value]
        return None

    @node_rewriter([_Alloc])
    def local_canonicalize_alloc(fgraph, node):
        """Theano 1.0's canonical alloc: a useless one is its value (``local_useless_alloc``),
        and new leading axes of constant length 1 are a DimShuffle of the alloc of the rest:
        ``alloc(s, 1, 1)`` of a scalar is ``s.dimshuffle('x', 'x')`` (no buffer filled),
        ``alloc(v, 1, 3, 2)`` is ``alloc(v, 3, 2).dimshuffle('x', 0, 1)``. Not for an alloc that
        another alloc reads (``local_merge_alloc`` makes the two one)."""
        useless = local_useless_alloc.transform(fgraph, node)
        if useless:
            return useless
        value = node.inputs[0]
        out = node.outputs[0]
        dims = node.inputs[1:]
        if fgraph is not None and any(c != "output" and isinstance(c.op, _Alloc)
                                      for c, _ in fgraph.clients.get(out, ())):
            return None
        ones = 0
        while ones < len(dims) - value.ndim and _is_one(dims[ones]):
            ones += 1
        if not ones:
            return None
        rest = dims[ones:]
        inner = node.op(value, *rest) if rest else value
        new = DimShuffle(inner.broadcastable, ["x"] * ones + list(range(len(rest))))(inner)
        return [new] if new.type == out.type else None

    register_canonicalize(local_useless_alloc, "shape")
    register_canonicalize(local_canonicalize_alloc, "shape")

    @node_rewriter([_Alloc])
    def local_merge_alloc(fgraph, node):
        """``alloc(alloc(m, *s_in), *s_out)`` -> ``alloc(m, *s)``: one allocation. Where the inner
        alloc made a dimension of length s_in[i] (not a broadcast 1), the outer alloc requires
        s_out[j] == s_in[i]; that check is kept as an Assert unless the two are the same variable
        or equal constants."""
        from theano.tensor import math as tm
        from theano.tensor.assertions import Assert

        inner = node.inputs[0]
        if inner.owner is None or not isinstance(inner.owner.op, _Alloc):
            return None
        m, *s_in = inner.owner.inputs
        s_out = list(node.inputs[1:])
        lead = len(s_out) - len(s_in)
        m_lead = len(s_in) - m.ndim
        new_shape = list(s_out)
        for i, si in enumerate(s_in):
            so = s_out[lead + i]
            if inner.broadcastable[i]:
                # a broadcast 1: m's dimension here must itself be a broadcast one, or both 1
                j = i - m_lead
                if j >= 0 and not m.broadcastable[j] and not _same_int(so, si):
                    return None
                continue
            if _same_int(si, so):
                continue
            new_shape[lead + i] = Assert("alloc: shapes do not match")(so, tm.eq(si, so))
        return [_Alloc()(m, *new_shape)]

    register_canonicalize(local_merge_alloc, "shape")


def _same_int(a, b):
    if a is b:
        return True
    ca = a if isinstance(a, int) else scalar_const(a)
    cb = b if isinstance(b, int) else scalar_const(b)
    return ca is not None and cb is not None and int(ca) == int(cb)


def _kept_order(ds_op, x):
    """The input dimensions a DimShuffle keeps, in output order, leaving out broadcastable ones."""
    return [d for d in ds_op.new_order if d != "x" and not x.broadcastable[d]]


@node_rewriter([Reshape])
def local_useless_dimshuffle_in_reshape(fgraph, node):
    """``reshape(x.dimshuffle(...), s)`` -> ``reshape(x, s)`` when the DimShuffle only adds or drops
    length-1 dimensions (the other dimensions keep their order, so the elements do too)."""
    from theano.tensor.elemwise import DimShuffle

    x, shp = node.inputs
    if x.owner is None or not isinstance(x.owner.op, DimShuffle):
        return None
    inner = x.owner.inputs[0]
    kept = _kept_order(x.owner.op, inner)
    if kept != sorted(kept):
        return None
    return [node.op(inner, shp)]


def _shape_entries(shp):
    """The entries of a shape vector (scalar variables or ints), or None when not known one by one."""
    if isinstance(shp, Constant):
        return [int(v) for v in shp.data.reshape(-1)]
    if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
        return list(shp.owner.inputs)
    return None


@node_rewriter([Reshape])
def local_reshape_to_dimshuffle(fgraph, node):
    """``reshape(x, (1, a, 1, b))`` -> ``reshape(x, (a, b)).dimshuffle('x', 0, 'x', 1)``: the
    length-1 entries become broadcastable dimensions of a DimShuffle, which later rewrites see
    through."""
    from theano.tensor.elemwise import DimShuffle

    x, shp = node.inputs
    entries = _shape_entries(shp)
    if entries is None or len(entries) != node.op.ndim:
        return None
    ones = [k for k, e in enumerate(entries) if _same_int(e, 1)]
    if not ones:
        return None
    rest = [e for k, e in enumerate(entries) if k not in ones]
    if isinstance(shp, Constant):
        new_shp = constant(np.asarray(rest, dtype=shp.dtype).reshape(-1))
    elif rest:
        new_shp = MakeVector(shp.dtype)(*rest)
    else:
        new_shp = constant(np.zeros(0, dtype="int64"))
    inner = Reshape(len(rest))(x, new_shp)
    order, k = [], 0
    for d in range(node.op.ndim):
        if d in ones:
            order.append("x")
        else:
            order.append(k)
            k += 1
    out = DimShuffle(inner.broadcastable, order)(inner)
    return [out] if out.type == node.outputs[0].type else None


register_canonicalize(local_useless_dimshuffle_in_reshape, "shape")
register_specialize(local_reshape_to_dimshuffle, "shape")


@node_rewriter([Reshape])
def local_reshape_lift(fgraph, node):
    """``reshape(f(x), s)`` -> ``f(reshape(x, s))`` for a one-input elementwise f whose result
    only this reshape reads (``flatten(exp(x))`` -> ``exp(flatten(x))``): the reshape, a view,
    moves to the input and the elementwise chains after it stay together. Same values."""
    from theano.tensor.elemwise import Elemwise

    x, shp = node.inputs
    ew = x.owner
    if ew is None or not isinstance(ew.op, Elemwise) or ew.op.inplace_pattern \
            or len(ew.inputs) != 1 or len(ew.outputs) != 1:
        return None
    if fgraph is None or len(fgraph.clients.get(x, ())) != 1 or x in fgraph.outputs:
        return None
    (u,) = ew.inputs
    if u.ndim != x.ndim:
        return None
    new = ew.op(node.op(u, shp))
    out = node.outputs[0]
    if new.dtype != out.dtype or new.ndim != out.ndim:
        return None
    if new.type != out.type:
        conv = out.type.convert_variable(new)
        if conv is None:
            return None
        new = conv
    return [new]


register_canonicalize(local_reshape_lift, "shape")
register_stabilize(local_reshape_lift, "local_reshape_lift", name="local_reshape_lift_stabilize")
