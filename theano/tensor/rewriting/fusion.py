"""Elementwise fusion: a tree of Elemwise nodes becomes one ``Elemwise(Composite)``.

Starting from each Elemwise node (consumers first), the group grows up through producers that are
Elemwise nodes with the same number of dimensions whose every client is already in the group, or
whose result has the same shape as the group's and is needed elsewhere only by nodes that come
later (it becomes an extra output of the Composite). Either way the group stays convex (no cycles).
Broadcasting inputs are fine. A group holds at most ``MAX_INPUTS`` distinct inputs and ``MAX_NODES`` nodes.

A producer whose result is broadcast along an axis where the group's result is not (``sin(s)`` of a
scalar in ``x * sin(s)``, ``exp(b)`` of a row in ``x * exp(b)``) would be computed again for every
element of the group's loop, once per repetition of the value it broadcasts: it joins only when its
operation is one cheap instruction (``_CHEAP_CLASSES``: add, mul, true_div, casts, comparisons,
...), else it stays a node of its own, computed once (as in Theano 1.0's fusion, which kept
different broadcast patterns apart; ``x * sin(s)`` on a million float32 values: 349 us fused,
64 us apart).
"""

from theano.scalar import basic as ts

from theano.graph.rewriting.basic import GraphRewriter, copy_trace
from theano.graph.rewriting.db import register_fusion
from theano.tensor.rewriting.composite import Composite, composite_from_nodes
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType

MAX_INPUTS = 32
MAX_NODES = 256

# Scalar ops cheap enough to recompute for every element the group's loop broadcasts them to: one
# vectorized instruction each (true_div included: the 1 / n of a mean's gradient, about 0.3 ns an
# element, costs less inside the loop than as a node of its own that the loop then reads).
_CHEAP_CLASSES = (ts.Add, ts.Sub, ts.Mul, ts.TrueDiv, ts.Neg, ts.Abs, ts.Sqr, ts.Identity,
                  ts.Maximum, ts.Minimum, ts._Comparison, ts._Bitwise, ts.Invert, ts.Switch,
                  ts.Second, ts.Cast)


def _cheap(scalar_op):
    return isinstance(scalar_op, _CHEAP_CLASSES)


def _broadcast_into(v, out):
    """True when ``v`` (of ``out``'s ndim) is broadcast along an axis along which ``out`` is not."""
    return any(vb and not ob for vb, ob in zip(v.broadcastable, out.broadcastable))


def _fusable(node):
    op = node.op
    return (isinstance(op, Elemwise) and not op.inplace_pattern and len(node.outputs) == 1
            and not isinstance(op.scalar_op, Composite)
            and all(isinstance(i.type, TensorType) for i in node.inputs))


def _grow_group(fgraph, root, position):
    """The nodes fused with ``root`` and the variables of the group that others still need.

    A producer joins when every client of its output is in the group, or, when its output has the
    root's shape, when every other client comes after the root in topological order (so none of
    them can feed the group: no cycle); that output then becomes an extra output of the Composite.
    """
    out = root.outputs[0]
    ndim = out.ndim
    root_pos = position[root]
    group = [root]
    members = {root}
    produced = {out}
    external = set(root.inputs)
    extra = []
    queue = list(root.inputs)
    clients = fgraph.clients
    outputs = set(fgraph.outputs)
    while queue:
        v = queue.pop()
        p = v.owner
        if p is None or p in members or v not in external or not _fusable(p) or v.ndim != ndim:
            continue
        if _broadcast_into(v, out) and not _cheap(p.op.scalar_op):
            continue
        others = [c for c, _ in clients.get(v, ()) if c == "output" or c not in members]
        if others or v in outputs:
            if v.broadcastable != out.broadcastable:
                continue
            if any(c != "output" and position.get(c, -1) <= root_pos for c in others):
                continue
        new_external = (external - {v}) | {i for i in p.inputs if i not in produced}
        if len(new_external) > MAX_INPUTS or len(group) >= MAX_NODES:
            continue
        group.append(p)
        members.add(p)
        produced.add(v)
        external = new_external
        if others or v in outputs:
            extra.append(v)
        queue.extend(p.inputs)
    return group, extra


def fuse_elemwise(fgraph):
    """Fuse Elemwise trees into Composites; returns the number of fused groups made."""
    order = fgraph.toposort()
    position = {n: k for k, n in enumerate(order)}
    made = 0
    for root in reversed(order):
        if root not in fgraph.apply_nodes or not _fusable(root):
            continue
        group, extra = _grow_group(fgraph, root, position)
        if len(group) < 2:
            continue
        group.sort(key=position.__getitem__)
        produced = {o for n in group for o in n.outputs}
        outer_inputs = []
        seen = set()
        for n in group:
            for i in n.inputs:
                if i not in produced and i not in seen:
                    seen.add(i)
                    outer_inputs.append(i)
        olds = [root.outputs[0]] + sorted(extra, key=lambda v: position[v.owner])
        comp = composite_from_nodes(outer_inputs, group, olds)
        news = Elemwise(comp)(*outer_inputs, return_list=True)
        if any(n.type != o.type for n, o in zip(news, olds)):
            continue
        copy_trace(fgraph, root, news)
        position[news[0].owner] = position[root]
        for o, n in zip(olds, news):
            if o in fgraph.clients:
                fgraph.replace(o, n, reason="fusion")
        made += 1
    return made


elemwise_fusion = GraphRewriter(fuse_elemwise, "elemwise_fusion")
register_fusion(elemwise_fusion, "fusion", "local_elemwise_fusion")
