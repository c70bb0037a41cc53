"""Rewrites of Scan nodes: drop what nobody uses, hoist products with the weights out of the loop,
update gradient buffers in place.

A gradient loop computes the gradient of every outer input of the loop it differentiates, including
the ones that the user did not ask for (the sequences, usually), and ``theano.grad`` keeps only what
it needs. ``scan_prune_unused`` gives the loop back without

- the buffers that are only written (never read inside the loop) and whose outer output has no
  client: their inner outputs, their initial values and their per-step writes go;
- the accumulators whose outer output has no client;
- then the non-sequences whose inner input no remaining inner output depends on.

- the read-only buffers (sequences) that no remaining inner output reads, where another kept
  sequence as long and spanning as far makes the same length check, or where the buffer holds
  another loop's values (a gradient loop's copy of the forward values).

Buffers that the loop writes and reads, untraced states and the stop condition always stay (later
steps need them), and so does every outer output that has a client. ``scan_steps_run`` gives the
count of steps run of a loop without a stop condition as its ``n_steps`` input.

``scan_push_out_sequence_dot`` turns ``dot(x[t], W)`` (``x`` a sequence, ``W`` a non-sequence) into a
read of a sequence ``dot(x, W)`` computed before the loop, in place of ``x`` where nothing else
reads it, else beside it (a gradient loop recomputing the forward product: the product before
the loop is then the forward loop's, merged). Each row is the
same product, but BLAS may round a matrix-matrix product differently from the per-row products
(last-bit differences, seen for vector rows).

In the specialize phase, ``scan_save_mem`` keeps only the last rows of a state whose values are
read only at its last steps (a ring buffer, ``Buffer.keep``).

Also in the specialize phase, ``scan_grad_last_rows`` gives a gradient loop whose state gradient
starts as zeros but for the last rows (the cost reads ``r[-1]``, ``reduce``, ``foldl``) and whose
outer value is only read at its first rows (the gradient of the initial state) as the same loop
running forward over its buffers reversed, that gradient a state started from the last rows'
gradient and kept in a ring (``Buffer.keep``): no dense array of zero output gradients, one row per
step, is built, and the loop does the same operations in the same order.

In the in-place phase, ``scan_inplace`` lets a loop write into the outer initial value of a buffer
initialised 'full' (a gradient loop's buffer of gradients) instead of a copy of it, where the
DestroyHandler says nothing else can read that value.
"""

import numpy as np

from theano.graph.basic import ancestors
from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.rewriting.basic import GraphRewriter, copy_trace, node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_inplace, register_specialize
from theano.scan.op import Buffer, Scan


def _has_clients(fgraph, var):
    return bool(fgraph.clients.get(var))


def _unread_sequences(op, node, needed):
    """Read-only buffers that no remaining inner output reads and whose length check cannot fail
    (the number of steps is built from their length, or another buffer as long and spanning as
    far makes it) or that are another loop's values (a gradient loop's copy of the forward
    values, no longer needed: the forward buffers may go)."""
    from theano.scan.grad import StackRecorded
    from theano.scan.pushout import _same_rows, _steps_fit

    from theano.graph.basic import Constant

    n_steps, t_start, inits, _, _, _ = op.split_inputs(node.inputs)
    starts_at_0 = isinstance(t_start, Constant) and int(t_start.data) == 0
    ro = [k for k, b in enumerate(op.buffers) if b.init == "full" and not b.writes]
    unread = [k for k in ro if not any(id(op.inner_inputs[p]) in needed for p in op._read_pos[k])]
    kept = [k for k in ro if k not in unread]
    drop = set()
    for k in unread:
        owner = inits[k].owner
        if owner is not None and isinstance(owner.op, (Scan, StackRecorded)):
            drop.add(k)
            continue
        if starts_at_0 and _steps_fit(n_steps, inits[k], op.buffers[k].span):
            drop.add(k)     # the number of steps is at most its length less its span
            continue
        rows = _same_rows(inits[k])
        if any(op.buffers[j].span >= op.buffers[k].span and rows & _same_rows(inits[j])
               for j in kept):
            drop.add(k)
    return drop


@node_rewriter([Scan])
def scan_steps_run(fgraph, node):
    """A loop without a stop condition runs exactly its ``n_steps``: the count it returns is
    that input (the graph after it no longer waits for the loop to know it)."""
    if node.op.as_while:
        return None
    count = node.outputs[-1]
    if not fgraph.clients.get(count) or node.inputs[0].type != count.type:
        return None
    return {count: node.inputs[0]}


register_canonicalize(scan_steps_run)


@node_rewriter([Scan])
def scan_prune_unused(fgraph, node):
    """The Scan of ``node`` without its unused written-only buffers, accumulators and
    non-sequences (see the module docstring)."""
    op = node.op
    outs = node.outputs
    out_buffers = op.out_buffers
    n_ob = len(out_buffers)
    drop_buf = set()
    for oi, k in enumerate(out_buffers):
        if not op.buffers[k].reads and not _has_clients(fgraph, outs[oi]):
            drop_buf.add(k)
    drop_acc = {j for j in range(op.n_acc) if not _has_clients(fgraph, outs[n_ob + j])}

    # inner outputs that stay
    n_w = op._n_writes
    inner_out = []
    for k in range(len(op.buffers)):
        if k not in drop_buf:
            inner_out.extend(op.inner_outputs[p] for p in op._write_pos[k])
    inner_out.extend(op.inner_outputs[n_w + j] for j in range(op.n_acc) if j not in drop_acc)
    inner_out.extend(op.inner_outputs[n_w + op.n_acc:])  # untraced states, stop condition

    needed = {id(v) for v in ancestors(inner_out)}
    base = op._n_reads + op.n_untraced
    drop_ns = {j for j in range(op.n_nonseq) if id(op.inner_inputs[base + j]) not in needed}
    drop_buf |= _unread_sequences(op, node, needed)
    if not drop_buf and not drop_acc and not drop_ns:
        return None

    inner_in = []
    buffers = []
    for k, b in enumerate(op.buffers):
        if k in drop_buf:
            continue
        inner_in.extend(op.inner_inputs[p] for p in op._read_pos[k])
        buffers.append(Buffer(b.reads, b.writes, b.init, b.label, b.keep))
    inner_in.extend(op.inner_inputs[op._n_reads:base])
    inner_in.extend(op.inner_inputs[base + j] for j in range(op.n_nonseq) if j not in drop_ns)
    new_op = Scan(inner_in, inner_out, buffers, n_acc=op.n_acc - len(drop_acc),
                  n_untraced=op.n_untraced, n_nonseq=op.n_nonseq - len(drop_ns),
                  reverse=op.reverse, as_while=op.as_while,
                  truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  record_untraced=op.record_untraced)

    n_steps, t_start, inits, accs, untraced, nonseqs = op.split_inputs(node.inputs)
    new_inputs = [n_steps, t_start]
    new_inputs += [inits[k] for k in op.init_buffers if k not in drop_buf]
    new_inputs += [a for j, a in enumerate(accs) if j not in drop_acc]
    new_inputs += untraced
    new_inputs += [x for j, x in enumerate(nonseqs) if j not in drop_ns]
    new_node = new_op.make_node(*new_inputs)
    new_outs = new_node.outputs

    replacements = {}
    i_new = 0
    for oi, k in enumerate(out_buffers):
        if k in drop_buf:
            continue
        replacements[outs[oi]] = new_outs[i_new]
        i_new += 1
    for j in range(op.n_acc):
        if j in drop_acc:
            continue
        replacements[outs[n_ob + j]] = new_outs[i_new]
        i_new += 1
    # untraced states, their records and the number of steps run: same order, same count
    for old, new in zip(outs[n_ob + op.n_acc:], new_outs[i_new:]):
        replacements[old] = new
    return {old: new for old, new in replacements.items() if _has_clients(fgraph, old)}


register_canonicalize(scan_prune_unused)


def scan_inplace(fgraph):
    """Scan nodes overwrite the initial values of their 'full' written buffers where that is safe
    (see the module docstring). Returns how many nodes changed."""
    dh = get_destroy_handler(fgraph)
    changed = 0
    for node in fgraph.toposort():
        op = node.op
        if not isinstance(op, Scan) or op.inplace or node not in fgraph.apply_nodes:
            continue
        ks = []
        for p, k in enumerate(op.init_buffers):
            b = op.buffers[k]
            if b.init == "full" and b.writes and dh.can_destroy(fgraph, node, 2 + p):
                ks.append(k)
        if not ks:
            continue
        new_op = op.with_changes(inplace=ks)
        new_op._fn = op._fn
        new_outs = new_op(*node.inputs, return_list=True)
        copy_trace(fgraph, node, new_outs)
        for old, new in zip(node.outputs, new_outs):
            if old in fgraph.clients:
                fgraph.replace(old, new, reason="scan_inplace")
        changed += 1
    if changed:
        dh.validate(fgraph)
    return changed


register_inplace(GraphRewriter(scan_inplace, "scan_inplace"), "inplace")


def _inner_clients(op):
    """{inner variable: number of uses by inner nodes and as inner outputs}."""
    from theano.graph.basic import io_toposort

    uses = {}
    for n in io_toposort(op.inner_inputs, op.inner_outputs):
        for v in n.inputs:
            uses[v] = uses.get(v, 0) + 1
    for v in op.inner_outputs:
        uses[v] = uses.get(v, 0) + 1
    return uses


@node_rewriter([Scan])
def scan_push_out_sequence_dot(fgraph, node):
    """``dot(x[t], W)``, with ``x`` a sequence read only there and ``W`` a non-sequence, becomes a
    sequence ``Y[t]`` of ``Y = dot(x, W)`` computed once before the loop (one large product instead
    of one small product per step)."""
    from theano.graph.basic import clone_replace, io_toposort
    from theano.tensor.math import Dot, dot

    op = node.op
    uses = _inner_clients(op)
    base = op._n_reads + op.n_untraced
    nonseq_pos = {op.inner_inputs[base + j]: j for j in range(op.n_nonseq)}
    init_pos = {k: p for p, k in enumerate(op.init_buffers)}
    _, _, inits, _, _, nonseqs = op.split_inputs(node.inputs)
    for n in io_toposort(op.inner_inputs, op.inner_outputs):
        if not isinstance(n.op, Dot) or len(n.inputs) != 2:
            continue
        xt, w = n.inputs
        j = nonseq_pos.get(w)
        if j is None or w.ndim != 2 or xt.ndim not in (1, 2):
            continue
        # read only here: the product replaces the sequence; read elsewhere too (a gradient
        # loop's dot(x[t].T, dz)): the product is a new sequence beside it
        alone = uses.get(xt) == 1
        found = None
        for k, b in enumerate(op.buffers):
            if b.init == "full" and not b.writes and len(b.reads) == 1 and \
                    op.inner_inputs[op._read_pos[k][0]] is xt:
                found = k
        if found is None:
            continue
        k = found
        X, W = inits[k], nonseqs[j]
        if xt.ndim == 1:
            Y = dot(X, W)
        else:
            L, r, kk = X.shape[0], X.shape[1], X.shape[2]
            Y = dot(X.reshape((L * r, kk), ndim=2), W).reshape((L, r, W.shape[1]), ndim=3)
        out = n.outputs[0]
        if Y.type.dtype != out.type.dtype or Y.type.ndim != out.type.ndim + 1 or \
                tuple(Y.type.broadcastable[1:]) != tuple(out.type.broadcastable):
            continue
        yt = out.type()
        yt.name = f"{out}[t]"
        inner_in = list(op.inner_inputs)
        inner_out = clone_replace(op.inner_outputs, {out: yt})
        b = op.buffers[k]
        buffers = list(op.buffers)
        new_inputs = list(node.inputs)
        if alone:
            inner_in[op._read_pos[k][0]] = yt
            buffers[k] = Buffer(b.reads, b.writes, b.init, b.label)
            new_inputs[2 + init_pos[k]] = Y
        else:
            # a new last buffer: its read is the last buffer read, its outer value the last init
            inner_in.insert(op._n_reads, yt)
            buffers.append(Buffer(b.reads, (), "full", f"dot({b.label or 'sequence'}, W)"))
            new_inputs.insert(2 + len(init_pos), Y)
        new_op = Scan(inner_in, inner_out, buffers, n_acc=op.n_acc, n_untraced=op.n_untraced,
                      n_nonseq=op.n_nonseq, reverse=op.reverse, as_while=op.as_while,
                      truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                      record_untraced=op.record_untraced)
        return new_op.make_node(*new_inputs).outputs
    return None


register_canonicalize(scan_push_out_sequence_dot)


@node_rewriter([Scan])
def scan_inline_constants(fgraph, node):
    """A non-sequence whose value is a constant becomes that constant inside the body (whose own
    rewrites then see it: ``h ** 2`` becomes a square, constants fold and fuse), and an outer
    variable passed twice (as non-sequences, or as sequences read the same way) is passed once."""
    from theano.graph.basic import Constant, clone_replace

    op = node.op
    base = op._n_reads + op.n_untraced
    _, _, inits, _, _, nonseqs = op.split_inputs(node.inputs)
    replace = {}
    drop_ns, first_ns = set(), {}
    for j, v in enumerate(nonseqs):
        ph = op.inner_inputs[base + j]
        if isinstance(v, Constant) and v.type == ph.type:
            replace[ph] = v
            drop_ns.add(j)
        elif id(v) in first_ns:
            replace[ph] = op.inner_inputs[base + first_ns[id(v)]]
            drop_ns.add(j)
        else:
            first_ns[id(v)] = j
    drop_buf, first_seq = set(), {}
    for k, b in enumerate(op.buffers):
        if b.init != "full" or b.writes:
            continue
        key = (id(inits[k]), b.reads)
        if key in first_seq:
            k0 = first_seq[key]
            for p, p0 in zip(op._read_pos[k], op._read_pos[k0]):
                replace[op.inner_inputs[p]] = op.inner_inputs[p0]
            drop_buf.add(k)
        else:
            first_seq[key] = k
    if not replace:
        return None
    inner_out = clone_replace(op.inner_outputs, replace, strict=True)
    inner_in, buffers = [], []
    for k, b in enumerate(op.buffers):
        if k not in drop_buf:
            inner_in.extend(op.inner_inputs[p] for p in op._read_pos[k])
            buffers.append(b)
    inner_in.extend(op.inner_inputs[op._n_reads:base])
    inner_in.extend(op.inner_inputs[base + j] for j in range(op.n_nonseq) if j not in drop_ns)
    new_op = Scan(inner_in, inner_out, buffers, n_acc=op.n_acc, n_untraced=op.n_untraced,
                  n_nonseq=op.n_nonseq - len(drop_ns), reverse=op.reverse, as_while=op.as_while,
                  truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  record_untraced=op.record_untraced)
    n_steps, t_start, _, accs, untraced, _ = op.split_inputs(node.inputs)
    new_inputs = [n_steps, t_start] + [inits[k] for k in op.init_buffers if k not in drop_buf]
    new_inputs += list(accs) + list(untraced)
    new_inputs += [v for j, v in enumerate(nonseqs) if j not in drop_ns]
    return new_op.make_node(*new_inputs).outputs


register_canonicalize(scan_inline_constants)


def _last_rows_needed(fgraph, out, head):
    """How many of the last rows of the state buffer ``out`` its clients read, when they only
    read the last rows of the states (``RowSlice{start=head}`` followed by ``x[-k]`` of constant
    ``k``: ``RowIndex`` or a ``Subtensor`` whose first index is a negative constant); else None."""
    from theano.scan.rows import RowIndex, RowSlice
    from theano.tensor.subtensor import Subtensor

    need = 0
    for client, _ in fgraph.clients.get(out, ()):
        if client == "output" or not isinstance(client.op, RowSlice) or \
                client.op.start != head or client.op.stop is not None:
            return None
        readers = fgraph.clients.get(client.outputs[0], ())
        if not readers:
            return None
        for reader, _ in readers:
            if reader == "output":
                return None
            if isinstance(reader.op, RowIndex):
                i = reader.op.i
            elif isinstance(reader.op, Subtensor) and reader.op.idx_list and \
                    type(reader.op.idx_list[0]) is int:
                i = reader.op.idx_list[0]
            else:
                return None
            if i >= 0:
                return None
            need = max(need, -i)
    return need or None


@node_rewriter([Scan])
def scan_save_mem(fgraph, node):
    """A state whose outer values are only read at their last steps (``theano.reduce``,
    ``foldl``, ``scan(...)[0][-1]``): the loop keeps only the rows those reads and its taps
    need, a ring of ``taps + k`` rows, instead of one row per step (Theano 1.0's
    ``scanOp_save_mem``). The clients read the same values from the shorter output (the kept
    rows in order, the last one last; with no step, only the initial rows, so an index out of
    range still raises). Forward loops from 0 without a stop condition only."""
    from theano.graph.basic import Constant
    from theano.tensor.type import TensorType

    op = node.op
    if op.reverse or op.as_while or op.inplace or op.record_untraced:
        return None
    t_start = node.inputs[1]
    if not (isinstance(t_start, Constant) and int(t_start.data) == 0):
        return None
    keep = {}
    for oi, k in enumerate(op.out_buffers):
        b = op.buffers[k]
        if b.init != "head" or b.keep or len(b.writes) != 1 or b.span != b.head or \
                not isinstance(op.elem_types[k], TensorType):
            continue
        need = _last_rows_needed(fgraph, node.outputs[oi], b.head)
        if need is not None:
            keep[k] = b.head + need
    if not keep:
        return None
    buffers = [Buffer(b.reads, b.writes, b.init, b.label, keep.get(k, 0))
               for k, b in enumerate(op.buffers)]
    new_op = op.with_changes(buffers=buffers)
    for attr in ("_fn", "_maker"):          # the same inner graph: compiled once
        if attr in op.__dict__:
            new_op.__dict__[attr] = op.__dict__[attr]
    new_outs = new_op.make_node(*node.inputs).outputs
    copy_trace(fgraph, node, new_outs)
    # the values the clients read are replaced (each the same value: DebugMode checks it), not
    # the shortened outputs themselves
    kept_out = {op.out_buffers.index(k) for k in keep}
    replacements = {}
    for oi, (old, new) in enumerate(zip(node.outputs, new_outs)):
        if not _has_clients(fgraph, old):
            continue
        if oi not in kept_out:
            replacements[old] = new
            continue
        for slicer, _ in fgraph.clients[old]:
            rows = slicer.op(new)
            for reader, _ in fgraph.clients[slicer.outputs[0]]:
                value = reader.op(rows, *reader.inputs[1:])
                copy_trace(fgraph, reader, [value])
                replacements[reader.outputs[0]] = value
    return replacements


# a late phase: the loops are final (merged, pruned, products hoisted) and gradients built
register_specialize(scan_save_mem, "scan", "scanOp_save_mem")


# -- gradient loops whose output gradient is zero but for its last rows -------------------------
#
# ``cost = scan(...)[0][-1].sum()``: the gradient of the state buffer that the gradient loop starts
# from is zero except for its last row, yet it is built as a dense array (the zeros of the
# output's gradient, the row set into it, the initial rows added back), one row per step, and the
# reversed loop keeps a gradient row per step too although only the first rows (the gradient of
# the initial state) are read. ``scan_grad_last_rows`` gives such a loop as the same loop running
# forward over its buffers reversed, where the state gradient is an ordinary state (initialised
# with the non-zero last rows, written once per step) that keeps only its last rows
# (``Buffer.keep``, as ``scan_save_mem``): no dense zero buffer, the same operations in the same
# order, so the same values.


def _zero_row_shape(x):
    """The shapes of the dimensions after the first of ``x`` (a list of int scalars) when ``x``
    is known to be all zeros without computing it (a zero constant, ``zeros_like``, an ``alloc``
    of zero, a scatter of zeros); else None."""
    from theano.graph.basic import Constant
    from theano.scalar.basic import Second
    from theano.scan.rows import RowScatter
    from theano.tensor.allocation import Alloc
    from theano.tensor.elemwise import Elemwise

    if isinstance(x, Constant):
        data = np.asarray(x.data)
        if data.ndim != x.ndim or np.any(data):
            return None
        return [int(d) for d in data.shape[1:]]
    node = x.owner
    if node is None:
        return None
    op = node.op
    if isinstance(op, Elemwise) and isinstance(op.scalar_op, Second) and \
            _is_zero_value(node.inputs[1]):
        like, z = node.inputs
        if like.ndim != x.ndim or z.ndim > x.ndim:
            return None
        zb = (True,) * (x.ndim - z.ndim) + tuple(z.broadcastable)
        if any(not zb[i] and like.broadcastable[i] for i in range(1, x.ndim)):
            return None
        return [like.shape[i] for i in range(1, x.ndim)]
    if isinstance(op, Alloc) and _is_zero_value(node.inputs[0]):
        return list(node.inputs[1:])[-(x.ndim - 1):] if x.ndim > 1 else []
    if isinstance(op, RowScatter) and _is_zero_value(node.inputs[1]):
        return [node.inputs[0].shape[i] for i in range(1, x.ndim)]
    return None


def _is_zero_value(v):
    """``v`` is zero everywhere (a constant, or any of :func:`_zero_row_shape`'s forms)."""
    from theano.graph.basic import Constant
    from theano.tensor.elemwise import DimShuffle

    while v.owner is not None and isinstance(v.owner.op, DimShuffle):
        v = v.owner.inputs[0]
    if isinstance(v, Constant):
        return not np.any(np.asarray(v.data))
    return v.ndim >= 1 and _zero_row_shape(v) is not None


def _last_rows(x, k):
    """An expression of exactly the last ``k`` rows of ``x`` (a static int ``k >= 1``), built
    without ``x``, where ``x`` is known to be zero but for those rows: zeros, a row or a slice of
    the last ``k`` rows set or incremented in zeros (``IncSubtensor``, ``RowScatter``), the
    gradient of a slice of its first rows (``RowScatter`` of ``x[s:]``, ``s >= 0``: the last rows
    of ``x[s:]``, which the index that built it keeps at least ``k`` rows long), or sums of
    those; else None."""
    from theano.scan.rows import RowScatter
    from theano.scalar.basic import Add
    from theano.tensor.allocation import alloc
    from theano.tensor.basic import as_tensor_variable, constant, patternbroadcast
    from theano.tensor.elemwise import Elemwise
    from theano.tensor.subtensor import IncSubtensor

    if x.ndim < 1 or x.broadcastable[0]:
        return None

    def zeros(row_shape):
        z = alloc(constant(0, dtype=x.dtype), as_tensor_variable(k, dtype="int64"), *row_shape)
        return patternbroadcast(z, (False,) + tuple(x.broadcastable[1:]))

    def fits(i):
        """a static first index that reaches only the last k rows"""
        return type(i) is int and -k <= i < 0

    rs = _zero_row_shape(x)
    if rs is not None:
        return zeros(rs)
    node = x.owner
    if node is None:
        return None
    op = node.op
    out = None
    if type(op) is IncSubtensor and op.idx_list:
        first = op.idx_list[0]
        ok = fits(first) or (isinstance(first, tuple) and fits(first[0]) and first[1] is None
                             and first[2] in (None, 1))
        if ok:
            base = _last_rows(node.inputs[0], k)
            if base is not None:
                out = IncSubtensor(op.idx_list, set_instead_of_inc=op.set_instead_of_inc)(
                    base, *node.inputs[1:])
    elif isinstance(op, RowScatter):
        like, g = node.inputs
        where = op.where
        if where[0] == "index" and fits(where[1]) or \
                where[0] == "slice" and fits(where[1]) and where[2] is None:
            out = op(zeros([like.shape[i] for i in range(1, x.ndim)]), g)
        elif where[0] == "slice" and (where[1] is None or where[1] >= 0) and where[2] is None:
            out = _last_rows(g, k)
    elif isinstance(op, Elemwise) and isinstance(op.scalar_op, Add) and \
            all(v.ndim == x.ndim and not v.broadcastable[0] for v in node.inputs):
        parts = [_last_rows(v, k) for v in node.inputs]
        if all(p is not None for p in parts):
            from theano.tensor.math import add

            out = add(*parts)
    if out is None:
        return None
    if out.type != x.type:
        out = patternbroadcast(out, x.broadcastable)
        if out.type != x.type:
            return None
    return out


def _first_rows_read(fgraph, out):
    """How many first rows of ``out`` its clients read when they all are ``out[:h]``
    (``RowSlice``, static ``h >= 1``; the gradient of an initial state); 0 without clients; else
    None."""
    from theano.scan.rows import RowSlice

    need = 0
    for client, _ in fgraph.clients.get(out, ()):
        if client == "output" or not isinstance(client.op, RowSlice) or \
                client.op.start not in (None, 0) or client.op.stop is None or client.op.stop < 1:
            return None
        need = max(need, client.op.stop)
    return need


def _rows_past(x, n):
    """``S`` where ``x`` has exactly ``n + S`` rows by construction (a static ``S``): ``x`` is the
    output of a loop from 0 over ``n`` steps for a buffer that loop allocates (``S``: its span),
    or zeros, a scatter or an increment shaped like one; else None."""
    from theano.graph.basic import Constant
    from theano.scalar.basic import Second
    from theano.scan.rows import RowScatter
    from theano.tensor.elemwise import Elemwise
    from theano.tensor.subtensor import IncSubtensor

    node = x.owner
    while node is not None and (
            isinstance(node.op, (RowScatter, IncSubtensor)) or
            isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, Second)) and \
            node.inputs[0].ndim == x.ndim and node.inputs[0].broadcastable[0] == x.broadcastable[0]:
        x = node.inputs[0]      # the same shape
        node = x.owner
    if node is None or not isinstance(node.op, Scan):
        return None
    op = node.op
    t0 = node.inputs[1]
    counts = node.outputs[-1] if op.as_while else node.inputs[0]
    if n is not counts or not (isinstance(t0, Constant) and int(t0.data) == 0):
        return None
    oi = node.outputs.index(x)
    if oi >= len(op.out_buffers):
        return None
    b = op.buffers[op.out_buffers[oi]]
    return b.span if b.init != "full" and not b.keep else None


@node_rewriter([Scan])
def scan_grad_last_rows(fgraph, node):
    """A reversed loop (a gradient loop) from 0, a buffer of which starts as zeros but for the
    rows only read (never written) and is written once per step at offset 0, whose outer value
    is only read at its first rows (the gradient of an initial state): the same loop run
    forward over the buffers reversed, that buffer a state initialised with those last rows and
    keeping only the rows read (see the comment above)."""
    from theano.graph.basic import Constant
    from theano.scan.rows import RowSlice, row_reverse
    from theano.tensor.basic import as_tensor_variable
    from theano.tensor.subtensor_advanced import set_subtensor
    from theano.tensor.type import TensorType

    op = node.op
    if not op.reverse or op.as_while or op.inplace or op.record_untraced or \
            any(b.keep or b.init == "head" for b in op.buffers) or \
            not all(isinstance(t, TensorType) for t in op.elem_types):
        return None
    t_start = node.inputs[1]
    if not (isinstance(t_start, Constant) and int(t_start.data) == 0):
        return None
    n, _t0, inits, accs, untraced, nonseqs = op.split_inputs(node.inputs)
    outs = node.outputs
    targets = {}
    useful = False
    for oi, k in enumerate(op.out_buffers):
        b = op.buffers[k]
        if b.init != "full" or b.writes != (0,) or not b.reads or \
                _rows_past(inits[k], n) != b.span:
            continue
        need = _first_rows_read(fgraph, outs[oi])
        if need is None:
            continue
        last = _last_rows(inits[k], b.span)
        if last is not None:
            targets[k] = (need, last)
            # a buffer given its last rows (the gradient of r[-1]) is what the rewrite is for; a
            # buffer of zeros alone (the gradient of a state the cost does not read, an LSTM's
            # cell) costs the reversed loop more than its zeros (benchmarks' scan LSTM row)
            useful = useful or _zero_row_shape(inits[k]) is None
    if not targets or not useful:
        return None

    def rows(k):
        return n + as_tensor_variable(op.buffers[k].span, dtype="int64")

    # Row i of a reversed buffer of n + S rows is row n + S - 1 - i of the buffer, so the loop's
    # offset a becomes S - a. S is the buffer's span, or more where the buffer is known to have
    # n + S rows (another loop's values, given whole); else the buffer is cut to n + span rows.
    past = {}
    for k, b in enumerate(op.buffers):
        if b.init == "full" and k not in targets:
            extra = _rows_past(inits[k], n)
            if extra is not None and extra >= b.span:
                past[k] = extra
    buffers, new_inits = [], []
    for k, b in enumerate(op.buffers):
        s = past.get(k, b.span)
        reads = [s - a for a in b.reads]
        writes = [s - w for w in b.writes]
        if k in targets:
            need, last = targets[k]
            buffers.append(Buffer(reads, writes, "head", b.label, keep=s + max(need, 1)))
            new_inits.append(row_reverse(last))
        elif b.init == "none":
            buffers.append(Buffer(reads, writes, "none", b.label))
        else:
            buffers.append(Buffer(reads, writes, "full", b.label))
            new_inits.append(row_reverse(inits[k] if k in past else inits[k][:rows(k)]))
    new_op = op.with_changes(buffers=buffers, reverse=False)
    for attr in ("_fn", "_maker"):          # the same inner graph: compiled once
        if attr in op.__dict__:
            new_op.__dict__[attr] = op.__dict__[attr]
    new_outs = new_op(n, t_start, *new_inits, *accs, *untraced, *nonseqs, return_list=True)
    copy_trace(fgraph, node, new_outs)

    replacements = {}
    n_ob = len(op.out_buffers)
    for oi, k in enumerate(op.out_buffers):
        old, new = outs[oi], new_outs[oi]
        if not _has_clients(fgraph, old):
            continue
        if k in targets:
            for client, _ in fgraph.clients[old]:
                h = client.op.stop
                replacements[client.outputs[0]] = row_reverse(RowSlice(-h, None)(new))
        elif op.buffers[k].init == "none" or k in past:
            replacements[old] = row_reverse(new)
        else:       # rows past those the loop reaches, as they were
            replacements[old] = set_subtensor(inits[k][:rows(k)], row_reverse(new))
    for old, new in zip(outs[n_ob:], new_outs[n_ob:]):
        if _has_clients(fgraph, old):
            replacements[old] = new
    return replacements


register_specialize(scan_grad_last_rows, "scan", "scan_grad_last_rows")
