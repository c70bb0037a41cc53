"""Work moved out of Scan loops (as Theano 1.0's scan pushout), with results bit for bit unchanged.

``scan_push_out_sequence_elemwise``: an elementwise op of the body whose inputs are rows of
sequences (read-only buffers read at one offset; several only when read at the same offset and
as long as each other by construction), non-sequences and constants is computed once on the
whole sequences before the loop, and the body reads its rows instead (``x[t] + 2`` becomes a
read of the sequence ``x + 2``). Only ops whose every scalar result is correctly rounded (IEEE
``+ - * /``, sqrt, comparisons, casts, min/max, switch, ...) move: computed on a row or on the
whole array they give the same bits, whatever kernel runs them. Transcendental functions stay in
the loop (a whole-array kernel may round them differently from the per-step code).

``scan_output_outside``: an output that the body sets to the row of a sequence, to a
non-sequence or to a constant is made outside the loop: the sequence's rows (where the number of
steps is the sequence's own length less its taps, or the sequence is the values of another loop
run for the same number of steps, so no row is missing), or the value repeated once per step. A
buffer given whole and written at one offset only (the gradient of a sequence) gets those rows
added to its rows ``w .. w + n - 1`` outside the loop (each row is written once, in either
direction, so the sums are the loop's). A loop left without used outputs then disappears
(``scan_prune_unused``): a gradient loop whose body only scales a row of the forward values, once
the exact elementwise work has moved out. Only loops without a stop condition starting at step 0
qualify (then the rows are exactly the steps).

``scan_push_out_output_dot``: an output that is not fed back and is ``dot(a, W)`` (``W`` a
non-sequence or a constant matrix, the product used nowhere else in the body) becomes the output
``a``, and the product is one matrix product after the loop (Theano 1.0's pushout of an RNN's
output projection: one large product instead of a small one per step; the loop then keeps the
rows ``a``, of their length, where it kept the products, of ``W``'s width). As with
``scan_push_out_sequence_dot`` (scan/rewriting.py), BLAS may round the large product differently
in the last bit from the per-step products.
"""

from theano.graph.basic import Constant, clone_replace, io_toposort
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize
from theano.scalar import basic as ts
from theano.scan.op import Buffer, Scan

__all__ = ["scan_push_out_sequence_elemwise", "scan_output_outside", "scan_push_out_output_dot"]

_EXACT_CLASSES = (ts.Add, ts.Mul, ts.Sub, ts.TrueDiv, ts.Maximum, ts.Minimum, ts._Comparison,
                  ts._Bitwise, ts.Switch, ts.Second, ts.Cast)
_EXACT_UNARY = frozenset(("sqrt", "sqr", "neg", "abs", "identity", "invert"))


def _exact(scalar_op):
    """Every result of ``scalar_op`` is the correctly rounded value of its inputs."""
    return isinstance(scalar_op, _EXACT_CLASSES) or \
        (type(scalar_op).__module__ == ts.__name__
         and getattr(scalar_op, "name", None) in _EXACT_UNARY)


def _single_read_sequences(op):
    """{inner placeholder: buffer index} of the read-only buffers read at one offset."""
    out = {}
    for k, b in enumerate(op.buffers):
        if b.init == "full" and not b.writes and len(b.reads) == 1:
            out[op.inner_inputs[op._read_pos[k][0]]] = k
    return out


def _consumers(op):
    """{inner variable: list of inner nodes using it (None for a use as an inner output)}."""
    users = {}
    for n in io_toposort(op.inner_inputs, op.inner_outputs):
        for v in n.inputs:
            users.setdefault(v, []).append(n)
    for v in op.inner_outputs:
        users.setdefault(v, []).append(None)
    return users


def _rebuilt(op, inner_in, inner_out, buffers):
    return Scan(inner_in, inner_out, buffers, n_acc=op.n_acc, n_untraced=op.n_untraced,
                n_nonseq=op.n_nonseq, reverse=op.reverse, as_while=op.as_while,
                truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                record_untraced=op.record_untraced)


def _aligned(op, ks, outer):
    """The read-only buffers ``ks`` are read at the same offset and have as many rows as each
    other whatever the inputs (row ``t + a`` of each is the same step's)."""
    if len({op.buffers[k].reads for k in ks}) != 1:
        return False
    common = _same_rows(outer[0])
    for X in outer[1:]:
        common &= _same_rows(X)
    return bool(common)


def _outer_elemwise(n, seq_of, nonseq_pos, X, nonseqs):
    """The op of inner node ``n`` applied to the whole sequences (``X``: {buffer: outer value};
    non-sequences and constants with a leading broadcastable dimension)."""
    args = []
    for v in n.inputs:
        if v in seq_of:
            args.append(X[seq_of[v]])
        else:
            w = nonseqs[nonseq_pos[v]] if v in nonseq_pos else v
            args.append(w.dimshuffle("x", *range(w.ndim)))
    return n.op(*args)


@node_rewriter([Scan])
def scan_push_out_sequence_elemwise(fgraph, node):
    """An exactly rounded elementwise op of one sequence's row and loop invariants becomes a read
    of that op applied to the whole sequence before the loop (see the module docstring)."""
    from theano.tensor.elemwise import Elemwise

    op = node.op
    seq_of = _single_read_sequences(op)
    if not seq_of:
        return None
    base = op._n_reads + op.n_untraced
    nonseq_pos = {op.inner_inputs[base + j]: j for j in range(op.n_nonseq)}
    _, _, inits, _, _, nonseqs = op.split_inputs(node.inputs)
    init_pos = {k: p for p, k in enumerate(op.init_buffers)}
    users = None
    for n in io_toposort(op.inner_inputs, op.inner_outputs):
        if not isinstance(n.op, Elemwise) or n.op.destroy_map or len(n.outputs) != 1 or \
                not _exact(n.op.scalar_op):
            continue
        ks = sorted({seq_of[v] for v in n.inputs if v in seq_of})
        if not ks or not all(v in seq_of or v in nonseq_pos or isinstance(v, Constant)
                             for v in n.inputs):
            continue
        if len(ks) > 1 and not _aligned(op, ks, [inits[j] for j in ks]):
            continue
        k = ks[0]
        out = n.outputs[0]
        Y = _outer_elemwise(n, seq_of, nonseq_pos, {j: inits[j] for j in ks}, nonseqs)
        if Y.type.dtype != out.type.dtype or Y.type.ndim != out.type.ndim + 1 or \
                tuple(Y.type.broadcastable[1:]) != tuple(out.type.broadcastable):
            continue
        if users is None:
            users = _consumers(op)
        ph = op.inner_inputs[op._read_pos[k][0]]
        yt = out.type()
        yt.name = f"{out}[t]"
        inner_out = clone_replace(op.inner_outputs, {out: yt})
        inner_in = list(op.inner_inputs)
        buffers = list(op.buffers)
        new_inputs = list(node.inputs)
        b = op.buffers[k]
        if len(ks) == 1 and all(u is n for u in users.get(ph, ())):
            # the row was read only here: the new sequence takes the old one's place
            inner_in[op._read_pos[k][0]] = yt
            new_inputs[2 + init_pos[k]] = Y
        else:
            # a new last buffer, read at the same offset: its placeholder is the last read
            inner_in.insert(op._n_reads, yt)
            buffers.append(Buffer(b.reads, (), "full", f"{n.op}({b.label or 'sequence'})"))
            new_inputs.insert(2 + len(init_pos), Y)
        return _rebuilt(op, inner_in, inner_out, buffers).make_node(*new_inputs).outputs
    return None


def _same_rows(v):
    """Variables that have as many rows as ``v`` whatever the inputs (``v`` itself, and the
    inputs of an elementwise op that are not broadcast along the rows)."""
    from theano.scan.rows import RowReverse
    from theano.tensor.elemwise import Elemwise

    out, stack = set(), [v]
    while stack:
        x = stack.pop()
        if x in out:
            continue
        out.add(x)
        node = x.owner
        if node is not None and isinstance(node.op, Elemwise) and not x.broadcastable[0]:
            stack.extend(i for i in node.inputs if i.ndim == x.ndim and not i.broadcastable[0])
        elif node is not None and isinstance(node.op, RowReverse):
            stack.append(node.inputs[0])
    return out


def _row_lengths(X):
    """{(variable, axis)} whose length is ``len(X)`` whatever the inputs: ``X``'s axis 0, that of
    the variables as long as it (``_same_rows``), and the axis ``k`` of ``S`` where one of them is
    ``S[i0, ..., ik-1]`` (integer indices only: a row view of ``S``, as the shape rewrites write
    ``Shape_i{0}(S[0])`` as ``Shape_i{1}(S)``)."""
    from theano.tensor.subtensor import Subtensor

    out = set()
    for v in _same_rows(X):
        out.add((v, 0))
        node = v.owner
        if node is not None and isinstance(node.op, Subtensor):
            lead = 0
            for e in node.op.idx_list:
                if isinstance(e, tuple):
                    break
                lead += 1
            if lead and lead < node.inputs[0].ndim:
                out.add((node.inputs[0], lead))
    return out


def _scan_rows(v):
    """The ``n_steps`` input of the Scan whose output ``v`` has exactly that many rows (the values
    of an output not fed back, of a loop from step 0 without a stop condition), else None."""
    node = v.owner
    if node is None or not isinstance(node.op, Scan) or node.op.as_while or \
            not (isinstance(node.inputs[1], Constant) and int(node.inputs[1].data) == 0):
        return None
    op = node.op
    if v.index >= len(op.out_buffers):
        return None
    b = op.buffers[op.out_buffers[v.index]]
    if b.init != "none" or b.span != 0 or b.keep:
        return None
    return node.inputs[0]


def _steps_fit(n_steps, X, offset):
    """``n_steps`` is at most ``len(X) - offset`` by construction: it is (a minimum of terms one
    of which is) ``Shape_i{k}(S) - c`` with ``c >= offset`` and axis ``k`` of ``S`` as long as
    ``X`` (``_row_lengths``)."""
    from theano.tensor.basic import Shape_i
    from theano.tensor.elemwise import Elemwise

    rows = _row_lengths(X)
    if offset == 0 and any(_scan_rows(v) is n_steps for v, axis in rows if axis == 0):
        return True
    stack = [n_steps]
    while stack:
        v = stack.pop()
        node = v.owner
        if node is None:
            continue
        if isinstance(node.op, Elemwise):
            sop = node.op.scalar_op
            if isinstance(sop, ts.Cast) or isinstance(sop, ts.Minimum):
                stack.extend(node.inputs)
                continue
            if isinstance(sop, ts.Sub) and isinstance(node.inputs[1], Constant):
                c = node.inputs[1].data
                s = node.inputs[0]
                if c.ndim == 0 and int(c) >= offset and s.owner is not None and \
                        isinstance(s.owner.op, Shape_i) and \
                        (s.owner.inputs[0], s.owner.op.i) in rows:
                    return True
            continue
        if isinstance(node.op, Shape_i) and offset == 0 and (node.inputs[0], node.op.i) in rows:
            return True
    return False


@node_rewriter([Scan])
def scan_output_outside(fgraph, node):
    """Outputs that copy a sequence's row, a non-sequence or a constant, made outside the loop
    (see the module docstring)."""
    from theano.tensor.allocation import alloc
    from theano.tensor.basic import patternbroadcast
    from theano.tensor.subtensor_advanced import inc_subtensor

    op = node.op
    if op.as_while or not (isinstance(node.inputs[1], Constant) and int(node.inputs[1].data) == 0):
        return None
    seq_of = _single_read_sequences(op)
    base = op._n_reads + op.n_untraced
    nonseq_pos = {op.inner_inputs[base + j]: j for j in range(op.n_nonseq)}
    n_steps, _, inits, _, _, nonseqs = op.split_inputs(node.inputs)
    replacements = {}
    for oi, k in enumerate(op.out_buffers):
        b = op.buffers[k]
        out = node.outputs[oi]
        if not fgraph.clients.get(out) or b.reads or len(b.writes) != 1 or \
                (b.init == "none" and b.writes != (0,)) or b.init == "head":
            continue
        v = op.inner_outputs[op._write_pos[k][0]]
        if v in seq_of:
            m = seq_of[v]
            a = op.buffers[m].reads[0]
            X = inits[m]
            if not _steps_fit(n_steps, X, a):
                continue
            new = X[a:a + n_steps] if a else X[:n_steps]
        elif v in nonseq_pos or isinstance(v, Constant):
            w = nonseqs[nonseq_pos[v]] if v in nonseq_pos else v
            new = alloc(w, n_steps, *[w.shape[i] for i in range(w.ndim)])
        else:
            continue
        if new.type.dtype != out.type.dtype or new.type.ndim != out.type.ndim:
            continue
        if b.init == "full":
            # rows w .. w + n - 1 of the given buffer, each incremented once (in either direction)
            w = b.writes[0]
            new = inc_subtensor(inits[k][w:w + n_steps], new)
        replacements[out] = patternbroadcast(new, out.type.broadcastable)
    return replacements or None


@node_rewriter([Scan])
def scan_push_out_output_dot(fgraph, node):
    """An output not fed back that is ``dot(a, W)`` (``W`` a non-sequence or constant matrix,
    ``a`` a vector or matrix computed by the body and the product used nowhere else) becomes the
    output ``a``, and the product is made after the loop as one matrix product over all the
    steps' rows (see the module docstring)."""
    from theano.tensor.math import Dot, dot

    op = node.op
    base = op._n_reads + op.n_untraced
    nonseq_pos = {op.inner_inputs[base + j]: j for j in range(op.n_nonseq)}
    _, _, _, _, _, nonseqs = op.split_inputs(node.inputs)
    users = None
    for oi, k in enumerate(op.out_buffers):
        b = op.buffers[k]
        out = node.outputs[oi]
        if b.init != "none" or b.writes != (0,) or b.keep or not fgraph.clients.get(out):
            continue
        pos = op._write_pos[k][0]
        v = op.inner_outputs[pos]
        if v.owner is None or not isinstance(v.owner.op, Dot) or len(v.owner.inputs) != 2:
            continue
        a, w = v.owner.inputs
        if w.ndim != 2 or a.ndim not in (1, 2) or not (w in nonseq_pos or isinstance(w, Constant)):
            continue
        if users is None:
            users = _consumers(op)
        if users.get(v) != [None] or op.inner_outputs.count(v) != 1:
            continue                     # the product is used in the loop too
        W = nonseqs[nonseq_pos[w]] if w in nonseq_pos else w
        inner_out = list(op.inner_outputs)
        inner_out[pos] = a
        buffers = list(op.buffers)
        buffers[k] = Buffer((), (0,), "none", f"{b.label or 'output'} before dot(., W)")
        new_outs = _rebuilt(op, op.inner_inputs, inner_out, buffers).make_node(
            *node.inputs).outputs
        A = new_outs[oi]
        # the rows as a matrix (a loop of no step leaves them of length 0: the product of W's
        # row length is then empty too, with W's columns)
        n, k_in = A.shape[0], W.shape[0]
        if a.ndim == 1:
            Y = dot(A.reshape((n, k_in), ndim=2), W)
        else:
            r = A.shape[1]
            Y = dot(A.reshape((n * r, k_in), ndim=2), W).reshape((n, r, W.shape[1]), ndim=3)
        if Y.type.dtype != out.type.dtype or Y.type.ndim != out.type.ndim:
            continue
        from theano.tensor.basic import patternbroadcast

        replacements = dict(zip(node.outputs, new_outs))
        replacements[out] = patternbroadcast(Y, out.type.broadcastable)
        return replacements
    return None


register_canonicalize(scan_push_out_sequence_elemwise, "scanOp_pushout_seqs_ops")
register_canonicalize(scan_push_out_output_dot, "scanOp_pushout_output")
register_canonicalize(scan_output_outside, "scanOp_pushout_output")
