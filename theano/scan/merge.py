"""Merging Scan nodes that loop the same way: one loop instead of two (as Theano 1.0's scan merge).

Two Scan nodes of a graph run as one when neither depends on the other and they have the same
number of steps and start (the same variables, or equal constants), the same direction and
``truncate_gradient``, and either no stop condition or conditions that compute the same thing from
the same sequences and non-sequences. The merged loop holds both bodies side by side: the buffers,
accumulators, untraced states and non-sequences of the first, then those of the second; each body
reads and writes only its own, so every output keeps its values; an outer variable both read is
then passed once (``scan_inline_constants``). One loop saves the per-step overhead of the other
(on the Python loop, one call of the inner function per step instead of two).

The gradient of a loop with untraced states (random streams) reruns the loop with the states
recorded (``Scan.with_recording``); the original node, applied to the same inputs, is then replaced
by that twin's outputs instead of being merged with it (the twin computes everything it does).
"""

from theano.graph.basic import Constant, ancestors, clone_get_equiv, equal_computations
from theano.graph.rewriting.basic import GraphRewriter, copy_trace, merge_graph
from theano.graph.rewriting.db import register_canonicalize
from theano.scan.op import Scan

__all__ = ["scan_merge", "ScanMerge"]


def _same_value(a, b):
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant):
        return a.type == b.type and a.equals(b)
    return equal_computations([a], [b])


def _outer_meanings(op, inputs):
    """{inner input: what it reads of the outer graph} for the reads of read-only buffers (the
    outer variable and the offset) and the non-sequences (the outer variable)."""
    _n, _t0, inits, _accs, _untraced, nonseqs = op.split_inputs(inputs)
    meaning = {}
    for k, b in enumerate(op.buffers):
        if b.writes:
            continue
        for a, p in zip(b.reads, op._read_pos[k]):
            meaning[op.inner_inputs[p]] = ("seq", inits[k], a)
    base = op._n_reads + op.n_untraced
    for j, v in enumerate(nonseqs):
        meaning[op.inner_inputs[base + j]] = ("ns", v)
    return meaning


def _same_condition(node1, node2):
    m1 = _outer_meanings(node1.op, node1.inputs)
    inv2 = {}
    for v, m in _outer_meanings(node2.op, node2.inputs).items():
        inv2.setdefault(m, v)
    xs, ys, used = [], [], set()
    for v, m in m1.items():
        w = inv2.get(m)
        if w is not None and w not in used:
            xs.append(v)
            ys.append(w)
            used.add(w)
    return equal_computations([node1.op.inner_outputs[-1]], [node2.op.inner_outputs[-1]], xs, ys)


def _mergeable(node1, node2):
    a, b = node1.op, node2.op
    if a.inplace or b.inplace:
        return False
    if (a.reverse, a.as_while, a.truncate_gradient, a.record_untraced) != \
            (b.reverse, b.as_while, b.truncate_gradient, b.record_untraced):
        return False
    if not (_same_value(node1.inputs[0], node2.inputs[0])
            and _same_value(node1.inputs[1], node2.inputs[1])):
        return False
    return not a.as_while or _same_condition(node1, node2)


def _parts(op, outs):
    """A node's outputs as (written buffers, accumulators, untraced, records, [steps run])."""
    o = len(op.out_buffers)
    u = o + op.n_acc
    r = u + op.n_untraced
    e = r + (op.n_untraced if op.record_untraced else 0)
    return outs[:o], outs[o:u], outs[u:r], outs[r:e], outs[e:]


def _merged_op(a, b):
    """The Scan running the bodies of ``a`` and ``b`` side by side (``b``'s inner graph copied)."""
    equiv = clone_get_equiv(b.inner_inputs, b.inner_outputs, copy_inputs=True, copy_orphans=False)
    bi = [equiv[v] for v in b.inner_inputs]
    bo = [equiv[v] for v in b.inner_outputs]
    ai, ao = a.inner_inputs, a.inner_outputs
    ra, rb = a._n_reads, b._n_reads
    ua, ub = a.n_untraced, b.n_untraced
    inner_in = (ai[:ra] + bi[:rb] + ai[ra:ra + ua] + bi[rb:rb + ub] + ai[ra + ua:]
                + bi[rb + ub:])
    wa, wb = a._n_writes, b._n_writes
    ca, cb = wa + a.n_acc, wb + b.n_acc
    inner_out = (ao[:wa] + bo[:wb] + ao[wa:ca] + bo[wb:cb] + ao[ca:ca + ua] + bo[cb:cb + ub]
                 + (ao[-1:] if a.as_while else []))
    name = f"{a.name or 'scan_fn'}&{b.name or 'scan_fn'}"
    return Scan(inner_in, inner_out, list(a.buffers) + list(b.buffers), n_acc=a.n_acc + b.n_acc,
                n_untraced=ua + ub, n_nonseq=a.n_nonseq + b.n_nonseq, reverse=a.reverse,
                as_while=a.as_while, truncate_gradient=a.truncate_gradient, mode=a.mode,
                name=name, record_untraced=a.record_untraced)


def _merge_nodes(fgraph, node1, node2):
    """Replace ``node1`` and ``node2`` by one node; return it."""
    a, b = node1.op, node2.op
    op = _merged_op(a, b)
    sa, sb = a.split_inputs(node1.inputs), b.split_inputs(node2.inputs)
    inputs = [node1.inputs[0], node1.inputs[1]]
    inputs += [sa[2][k] for k in a.init_buffers] + [sb[2][k] for k in b.init_buffers]
    for part in (3, 4, 5):   # accumulators, untraced states, non-sequences
        inputs += list(sa[part]) + list(sb[part])
    new = op(*inputs, return_list=True)
    copy_trace(fgraph, node1, new)
    pa, pb = _parts(a, node1.outputs), _parts(b, node2.outputs)
    n_parts = [len(pa[i]) + len(pb[i]) for i in range(4)]
    pairs, start = [], 0
    for i in range(4):
        mine = new[start:start + n_parts[i]]
        pairs += list(zip(pa[i], mine[:len(pa[i])])) + list(zip(pb[i], mine[len(pa[i]):]))
        start += n_parts[i]
    pairs += [(pa[4][0], new[-1]), (pb[4][0], new[-1])]
    _replace(fgraph, pairs)
    return new[0].owner


def _dedupe(fgraph, node):
    """The merged node with an outer variable that both loops read passed once."""
    from theano.scan.rewriting import scan_inline_constants

    new = scan_inline_constants.transform(fgraph, node)
    if not new:
        return node
    _replace(fgraph, list(zip(node.outputs, new)))
    return new[0].owner


def _replace(fgraph, pairs):
    for old, new in pairs:
        if fgraph.clients.get(old):
            fgraph.replace(old, new, reason="scan_merge")


def _drop_twin(fgraph, plain, twin):
    """``plain`` without recording and its recording ``twin`` on the same inputs: the twin's
    outputs stand for the plain node's."""
    p, t = _parts(plain.op, plain.outputs), _parts(twin.op, twin.outputs)
    _replace(fgraph, list(zip(p[0] + p[1] + p[2] + p[4], t[0] + t[1] + t[2] + t[4])))


def _is_twin(plain, twin):
    return (not plain.op.record_untraced and twin.op.record_untraced
            and len(plain.inputs) == len(twin.inputs)
            and all(x is y for x, y in zip(plain.inputs, twin.inputs))
            and plain.op.with_changes(record_untraced=True) == twin.op)


def scan_merge(fgraph):
    """Merge the Scan nodes of ``fgraph`` that can run as one loop (see the module docstring).
    Returns how many merges were made."""
    scans = [n for n in fgraph.toposort() if isinstance(n.op, Scan)]
    if len(scans) < 2:
        return 0
    merge_graph(fgraph)   # equal inputs (computed twice before the loops) become one variable
    changed = 0
    scans = [n for n in fgraph.toposort() if isinstance(n.op, Scan)]
    for node in list(scans):
        for other in scans:
            if other is not node and node in fgraph.apply_nodes and \
                    other in fgraph.apply_nodes and _is_twin(node, other):
                _drop_twin(fgraph, node, other)
                changed += 1
                break
    groups = []
    for node in fgraph.toposort():
        if not isinstance(node.op, Scan) or node not in fgraph.apply_nodes:
            continue
        before = None
        for i, g in enumerate(groups):
            if g not in fgraph.apply_nodes or not _mergeable(g, node):
                continue
            if before is None:
                before = set(ancestors(node.inputs))
            if any(o in before for o in g.outputs):
                continue
            groups[i] = _dedupe(fgraph, _merge_nodes(fgraph, g, node))
            changed += 1
            break
        else:
            groups.append(node)
    return changed


class ScanMerge(GraphRewriter):
    """The scan merge rewrite as an object (Theano 1.0's ``scan_opt.ScanMerge``): ``apply(fgraph)``
    merges, ``belongs_to_set(node, nodes)`` tells whether ``node`` can run in one loop with all of
    ``nodes`` (same steps, start, direction, truncation and stop condition, no dependency)."""

    def __init__(self):
        super().__init__(scan_merge, "scan_merge")

    def belongs_to_set(self, node, set_nodes):
        if not isinstance(node.op, Scan):
            return False
        below = set(ancestors(node.inputs))
        for other in set_nodes:
            if not isinstance(other.op, Scan) or not _mergeable(other, node):
                return False
            if any(o in below for o in other.outputs) or \
                    any(o in set(ancestors(other.inputs)) for o in node.outputs):
                return False
        return True


register_canonicalize(ScanMerge(), "scan_merge_nodes")
