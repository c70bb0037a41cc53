"""Backpropagation through time: the gradient of a Scan is another Scan running the other way.

For a loop P, the gradient loop Q visits P's steps in reverse order (same times ``t``):

- each buffer of P that is read gets, in Q, a read-only copy of its forward values (P's output for
  a state, P's input for a sequence), read at the same offsets, so the body can be re-evaluated;
- each float buffer of P gets a gradient buffer in Q with reads and writes swapped: Q reads the
  gradient of what P wrote there, and adds the gradient of what P read. Its initial value is the
  gradient of P's output buffer (a sequence's starts at zero); its final value is the gradient of
  P's initial value;
- each float non-sequence gets an accumulator in Q summing its gradient over the steps;
- gradients of P's accumulators are non-sequences of Q.

The body of Q is ``theano.grad`` of P's body with the written values' gradients as known
gradients. ``truncate_gradient=k`` makes Q run only over the last ``k`` steps of P.
"""

import numpy as np

from theano.graph.basic import Apply, ancestors, clone_get_equiv, clone_replace
from theano.graph.op import Op
from theano.scan.basic import _invariant_inputs
from theano.scan.op import Buffer, Scan, _is_float
from theano.tensor.type import TensorType

__all__ = ["scan_grad"]


class StackRecorded(Op):
    """The recorded values of a tensor state (a list with one value per step; steps before the
    loop's start are None) as one array whose rows are the steps, rows before the start zero: the
    gradient loop reads a tensor state (an MRG random state, a shared matrix updated in the loop)
    as an ordinary tensor buffer."""

    __props__ = ()

    def make_node(self, seq):
        elem = seq.type.elem_type
        out = TensorType(elem.dtype, (False,) + tuple(elem.broadcastable))()
        return Apply(self, [seq], [out])

    def perform(self, node, inputs, outputs):
        values = inputs[0]
        first = next((v for v in values if v is not None), None)
        elem = node.outputs[0].type
        if first is None:
            outputs[0][0] = np.zeros((len(values),) + (0,) * (elem.ndim - 1), dtype=elem.dtype)
            return
        fill = np.zeros_like(np.asarray(first))
        outputs[0][0] = np.stack([fill if v is None else np.asarray(v) for v in values]).astype(
            elem.dtype, copy=False)


def _zeros(v):
    from theano.tensor.basic import zeros_like

    return zeros_like(v)


def _given(g, like):
    from theano.gradient import _is_disconnected, _is_null

    if g is None or _is_disconnected(g) or _is_null(g):
        return _zeros(like)
    return g


def _is_filler(g, out):
    """``g`` is the zeros that ``theano.grad`` passes for an output the cost does not depend on
    (``zeros_like(out)``): that output's gradient is disconnected."""
    from theano.tensor.elemwise import DimShuffle, Elemwise
    from theano.scalar.basic import Second

    node = getattr(g, "owner", None)
    if node is None or not isinstance(node.op, Elemwise) or \
            not isinstance(node.op.scalar_op, Second) or node.inputs[0] is not out:
        return False
    z = node.inputs[1]
    while z.owner is not None and isinstance(z.owner.op, DimShuffle):
        z = z.owner.inputs[0]
    data = getattr(z, "data", None)
    return data is not None and not np.any(data)


def _live_outputs(outputs, output_grads):
    """Positions of the outputs that have a gradient (neither disconnected nor filler zeros)."""
    from theano.gradient import _is_disconnected

    return {j for j, (o, g) in enumerate(zip(outputs, output_grads))
            if not _is_disconnected(g) and not _is_filler(g, o)}


def _disconnect(op, inputs, live, result):
    """Theano 1.0's connectivity: an input none of whose connected outputs has a gradient gets a
    disconnected gradient (``theano.grad`` then raises for it, or gives zeros on request); a
    connected integer input gets zeros (the gradient of a cast to float)."""
    from theano.tensor.basic import zeros_like
    from theano.configdefaults import config

    deps = op.output_dependencies()
    reach = set()
    for j in live:
        if j < len(deps):
            reach |= deps[j]
    out = []
    for k, (x, g) in enumerate(zip(inputs, result)):
        if k not in reach:
            out.append(None)
        elif g is None and isinstance(x.type, TensorType) and not _is_float(x):
            out.append(zeros_like(x, dtype=config.floatX))
        else:
            out.append(g)
    return out


def scan_grad(op, inputs, outputs, output_grads):
    from theano.graph.op import test_values_suspended

    # the inner graphs are built on placeholders without test values
    with test_values_suspended():
        return _scan_grad(op, inputs, outputs, output_grads)


def _scan_grad(op, inputs, outputs, output_grads):
    from theano.gradient import grad
    from theano.scan.rows import row_slice
    from theano.tensor.math import minimum
    from theano.tensor.basic import as_tensor_variable

    live = _live_outputs(outputs, output_grads)
    recorded = []
    if op.n_untraced:
        # Random generator states (and other shared variables updated in the loop) change at each
        # step. The gradient loop must see the same values, so the forward loop is run again with
        # the value of each state at each step recorded (the same initial states give the same
        # draws); its outputs, identical to this node's, are used from here on.
        if not op.record_untraced:
            twin = op.with_recording()
            outputs = twin(*inputs, return_list=True)
        n_out = len(outputs)
        recorded = outputs[n_out - 1 - op.n_untraced:n_out - 1]
    n_in, t0_in, inits, _acc0, _untraced, nonseqs = op.split_inputs(inputs)
    n_run = outputs[-1]
    n_outbuf = len(op.out_buffers)
    out_of = {i: outputs[j] for j, i in enumerate(op.out_buffers)}
    g_of = {i: output_grads[j] for j, i in enumerate(op.out_buffers)}
    acc_outs = outputs[n_outbuf:n_outbuf + op.n_acc]
    acc_grads = [_given(g, o) for g, o in zip(output_grads[n_outbuf:n_outbuf + op.n_acc], acc_outs)]

    equiv = clone_get_equiv(op.inner_inputs, op.inner_outputs, copy_inputs=True, copy_orphans=False)
    f_in = [equiv[v] for v in op.inner_inputs]
    f_out = [equiv[v] for v in op.inner_outputs]

    q_buffers, q_inits, q_in = [], [], []
    known = {}
    wrt = []            # inner variables whose gradient Q writes
    q_writes_of = []    # per Q buffer with writes: the inner read placeholders it differentiates
    grad_buffer_of = []  # (P buffer index, position among Q's written buffers)

    written_values = {}  # body outputs -> placeholders reading their stored forward values

    def add_known(var, g):
        known[var] = known[var] + g if var in known else g

    for i, b in enumerate(op.buffers):
        typ = op.elem_types[i]
        reads_ph = [f_in[p] for p in op._read_pos[i]]
        writes_v = [f_out[p] for p in op._write_pos[i]]
        label = b.label or f"buffer {i}"
        # forward values read by the body, and (to avoid recomputing them) the values it wrote
        # (only where a position is written once, from zero: 'head' and 'none' buffers)
        reuse = [(w, v) for w, v in zip(b.writes, writes_v)
                 if v.owner is not None and w not in b.reads and b.init != "full"
                 and len(b.writes) == 1]
        if b.reads or reuse:
            offs = list(b.reads) + [w for w, _ in reuse]
            src = out_of[i] if b.writes else inits[i]
            q_buffers.append(Buffer(reads=offs, init="full", label=f"values of {label}"))
            q_inits.append(src)
            q_in.extend(reads_ph)
            for _w, v in reuse:
                ph = typ(f"{v.name or 'out'}[t]")
                q_in.append(ph)
                written_values[v] = ph
        if not _is_float(typ):
            continue
        if b.writes and not b.reads and op.out_buffers.index(i) not in live:
            # an output that is not fed back and has no gradient: nothing to read (Theano 1.0's
            # disconnected output gradient; the forward loop need not keep its values for us)
            continue
        if b.writes:
            g_ph = [typ() for _ in b.writes]
            for v, gp in zip(writes_v, g_ph):
                add_known(v, gp)
            q_buffers.append(Buffer(reads=b.writes, writes=b.reads, init="full",
                                    label=f"gradient of {label}"))
            q_inits.append(_given(g_of[i], out_of[i]))
            q_in.extend(g_ph)
        elif b.reads:
            q_buffers.append(Buffer(writes=b.reads, init="full", label=f"gradient of {label}"))
            q_inits.append(_zeros(inits[i]))
        if b.reads:
            grad_buffer_of.append((i, len(q_writes_of)))
            q_writes_of.append(reads_ph)
            wrt.extend(reads_ph)

    # P's accumulators: their gradients are the same at every step (non-sequences of Q)
    n_w = op._n_writes
    acc_g_ph, acc_g_outer = [], []
    for j in range(op.n_acc):
        inc = f_out[n_w + j]
        if _is_float(inc):
            gp = inc.type()
            add_known(inc, gp)
            acc_g_ph.append(gp)
            acc_g_outer.append(acc_grads[j])

    # the recorded values of the untraced states, read again at each step
    for j, lst in enumerate(recorded):
        q_buffers.append(Buffer(reads=(0,), init="full", label=f"recorded state {j}"))
        if isinstance(lst.type.elem_type, TensorType):
            lst = StackRecorded()(lst)
        q_inits.append(lst)
        q_in.append(f_in[op._n_reads + j])

    # float tensor states updated in the loop (shared variables): the gradient of each is a
    # state of Q, carried from step to step back to the state's initial value
    unt_g_in, wrt_unt, unt_g_outer, unt_float = [], [], [], []
    unt_out0 = n_outbuf + op.n_acc
    for j in range(op.n_untraced):
        ph = f_in[op._n_reads + j]
        if not (isinstance(ph.type, TensorType) and _is_float(ph)):
            continue
        gp = ph.type()
        add_known(f_out[n_w + op.n_acc + j], gp)
        unt_g_in.append(gp)
        wrt_unt.append(ph)
        unt_g_outer.append(_given(output_grads[unt_out0 + j], outputs[unt_out0 + j]))
        unt_float.append(j)

    base = op._n_reads + op.n_untraced
    nonseq_ph = f_in[base:base + op.n_nonseq]
    float_ns = [j for j, ph in enumerate(nonseq_ph) if _is_float(ph)]
    wrt_ns = [nonseq_ph[j] for j in float_ns]

    if known and (wrt or wrt_ns or wrt_unt):
        gs = grad(None, wrt + wrt_ns + wrt_unt, known_grads=known, disconnected_inputs="ignore",
                  return_disconnected="zero", add_names=False)
    else:
        gs = [_zeros(w) for w in wrt + wrt_ns + wrt_unt]
    if written_values:
        # The gradient graph uses the stored forward outputs instead of recomputing them: the
        # written variables themselves, and any recomputation of them (an op's grad that rebuilds
        # its output from its inputs, as tanh's does, makes an equal node on the same inputs).
        replace = dict(written_values)
        same_node = {(v.owner.op, tuple(v.owner.inputs), v.index): ph
                     for v, ph in written_values.items()}
        for var in ancestors(gs):
            if var.owner is not None and var not in replace:
                ph = same_node.get((var.owner.op, tuple(var.owner.inputs), var.index))
                if ph is not None and ph.type == var.type:
                    replace[var] = ph
        gs = clone_replace(gs, replace, strict=True)
    g_reads, g_ns = gs[:len(wrt)], gs[len(wrt):len(wrt) + len(wrt_ns)]
    g_unt = gs[len(wrt) + len(wrt_ns):]

    q_out = list(g_reads)
    q_out.extend(g_ns)
    q_out.extend(g_unt)
    q_in.extend(unt_g_in)
    q_acc_inits = [_zeros(nonseqs[j]) for j in float_ns]

    # Work of the gradient body that does not change from step to step (a transposed weight
    # matrix, ...) is computed once outside the loop, like the forward loop's invariants.
    outer_of = dict(zip(nonseq_ph, nonseqs))
    outer_of.update(zip(acc_g_ph, acc_g_outer))
    frontier = _invariant_inputs(q_out, set(q_in))
    frontier_ph, frontier_outer, replace = [], [], {}
    for v in frontier:
        if v in outer_of:
            ph = v
            outer = outer_of[v]
        else:
            ph = v.type()
            replace[v] = ph
            outer = clone_replace(v, outer_of, strict=True)
        frontier_ph.append(ph)
        frontier_outer.append(outer)
    if replace:
        q_out = clone_replace(q_out, replace, strict=True)
    q_in.extend(frontier_ph)

    truncate = op.truncate_gradient
    if truncate is not None and truncate >= 0:
        n_q = minimum(n_run, as_tensor_variable(truncate, dtype="int64"))
        t0_q = t0_in if op.reverse else t0_in + n_run - n_q
    else:
        n_q, t0_q = n_run, t0_in

    q = Scan(q_in, q_out, q_buffers, n_acc=len(q_acc_inits), n_untraced=len(unt_g_in),
             n_nonseq=len(frontier_ph), reverse=not op.reverse,
             mode=op.mode, name=f"grad_of_{op.name or 'scan_fn'}")
    q_outs = q(n_q, t0_q, *q_inits, *q_acc_inits, *unt_g_outer, *frontier_outer,
               return_list=True)

    # map Q's outputs back to P's inputs
    result = [None, None]
    # Q's written buffers appear in Q order; grad_buffer_of lists them in the same order
    written = [k for k, b in enumerate(q_buffers) if b.writes]
    grads_of_init = {}
    for (i, k), qk in zip(grad_buffer_of, written):
        g_full = q_outs[q.out_buffers.index(qk)]
        b = op.buffers[i]
        if b.init == "head":
            grads_of_init[i] = row_slice(g_full, 0, b.head)
        elif b.init == "full":
            grads_of_init[i] = g_full
    for i in op.init_buffers:
        result.append(grads_of_init.get(i))
    float_acc = iter(acc_g_outer)
    for j in range(op.n_acc):
        result.append(next(float_acc) if _is_float(acc_outs[j]) else None)
    unt_base = len(q.out_buffers) + q.n_acc
    unt_grads = {j: q_outs[unt_base + m] for m, j in enumerate(unt_float)}
    result.extend(unt_grads.get(j) for j in range(op.n_untraced))
    acc_base = len(q.out_buffers)
    ns_grads = {j: q_outs[acc_base + m] for m, j in enumerate(float_ns)}
    for j in range(op.n_nonseq):
        result.append(ns_grads.get(j))
    return _disconnect(op, inputs, live, result)
