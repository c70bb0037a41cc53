"""Elementwise fusion: a tree of Elemwise nodes becomes one ``Elemwise(Composite)``.

Starting from each Elemwise node (consumers first), the group grows up through producers that are
Elemwise nodes with the same number of dimensions whose every client is already in the group (so
nothing outside needs the intermediate and the group stays convex: no cycles). Broadcasting inputs
are fine. A group holds at most ``MAX_INPUTS`` distinct inputs and ``MAX_NODES`` nodes.
"""

from theano.graph.rewriting.basic import GraphRewriter, copy_trace
from theano.graph.rewriting.db import register_fusion
from theano.scalar.composite import Composite, composite_from_nodes
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType

MAX_INPUTS = 32
MAX_NODES = 256


def _fusable(node):
    op = node.op
    return (isinstance(op, Elemwise) and not op.inplace_pattern and len(node.outputs) == 1
            and not isinstance(op.scalar_op, Composite)
            and all(isinstance(i.type, TensorType) for i in node.inputs))


def _grow_group(fgraph, root):
    ndim = root.outputs[0].ndim
    group = [root]
    members = {root}
    produced = {root.outputs[0]}
    external = set(root.inputs)
    queue = list(root.inputs)
    clients = fgraph.clients
    outputs = set(fgraph.outputs)
    while queue:
        v = queue.pop()
        p = v.owner
        if p is None or p in members or v not in external or not _fusable(p):
            continue
        if v.ndim != ndim or v in outputs:
            continue
        if any(c == "output" or c not in members for c, _ in clients.get(v, ())):
            continue
        new_external = (external - {v}) | {i for i in p.inputs if i not in produced}
        if len(new_external) > MAX_INPUTS or len(group) >= MAX_NODES:
            continue
        group.append(p)
        members.add(p)
        produced.add(v)
        external = new_external
        queue.extend(p.inputs)
    return group


def fuse_elemwise(fgraph):
    """Fuse Elemwise trees into Composites; returns the number of fused groups made."""
    order = fgraph.toposort()
    position = {n: k for k, n in enumerate(order)}
    made = 0
    for root in reversed(order):
        if root not in fgraph.apply_nodes or not _fusable(root):
            continue
        group = _grow_group(fgraph, root)
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
        out = root.outputs[0]
        comp = composite_from_nodes(outer_inputs, group, [out])
        new_out = Elemwise(comp)(*outer_inputs)
        if new_out.type != out.type:
            conv = out.type.convert_variable(new_out)
            if conv is None:
                continue
            new_out = conv
        copy_trace(fgraph, root, [new_out])
        fgraph.replace(out, new_out, reason="fusion")
        made += 1
    return made


elemwise_fusion = GraphRewriter(fuse_elemwise, "elemwise_fusion")
register_fusion(elemwise_fusion, "fusion", "local_elemwise_fusion")
