"""JAX translations of the control-flow ops: ``Scan`` (and its row ops) as ``lax.scan`` /
``lax.fori_loop`` / ``lax.while_loop``, ``IfElse`` as ``lax.cond``.

This module sits in the control-flow layer (docs/architecture.md, "Layers"), beside
``theano.scan`` and ``theano.ifelse``, above the backends: the JAX backend knows nothing of these
ops. ``import theano`` imports this module, which only registers ``_register_scan`` and
``_register_ifelse`` with ``theano.link.jax.register_translations``; they import JAX and fill
the backend's op tables (``dispatch.jax_funcify``, ``dispatch.jax_lazy_funcify``) when the JAX
backend is first used. The linker sees only generic properties: a lazy op's
``LazyTranslation`` and a translation's ``jitted_alone`` flag.

Scan (see theano/scan/op.py for its buffers): where every buffer that is both read and written
is written at one offset (the usual case: states with taps, sequences, outputs not fed back),
a ``lax.scan`` whose carry is the rows still to be read (the taps), the accumulators and the
tensor states, and whose stacked outputs are the rows written, as a hand-written JAX loop.
Otherwise a ``lax.fori_loop`` over whole buffers: reads are dynamic rows of the buffers, writes
add into ('full') or set ('head'/'none') rows. A loop with a stop condition (``until``) is a
jitted ``lax.while_loop`` of its own whose outputs are then cut to the steps run (the rest of the
graph op by op). Loops with non-tensor states (random generators) or recorded states, and bodies
that cannot be traced, run the op's perform on the host.
"""

import numpy as np

from theano.link.jax import register_translations


def _register_scan():
    from theano.link.jax import dispatch
    from theano.link.jax.dispatch import (NotJittable, _is_traced, _jnp, jax_funcify,
                                          perform_on_host)
    from theano.scan import rows
    from theano.scan.op import Scan
    from theano.tensor.type import TensorType

    jax_funcify.register(rows.RowSlice)(lambda op, node: (lambda x: x[op.start:op.stop]))
    @jax_funcify.register(rows.RowReverse)
    def _jax_row_reverse(op, node):
        # a gather of the rows in reverse order, not XLA's reverse: XLA's CPU algebraic
        # simplifier aborts the process ("Invalid binary instruction opcode map") when it moves
        # a reverse through some elementwise computations, which the gradient loops of stacked
        # recurrent layers (Keras's LSTM under a backwards GRU) produce
        jnp = _jnp()

        def row_reverse(x):
            return jnp.take(x, jnp.arange(x.shape[0] - 1, -1, -1), axis=0)

        return row_reverse

    @jax_funcify.register(rows.RowIndex)
    def _jax_row_index(op, node):
        def row_index(x):
            if not -x.shape[0] <= op.i < x.shape[0]:
                raise IndexError(
                    f"index {op.i} is out of range for a tensor of {x.shape[0]} rows (shape "
                    f"{tuple(x.shape)})" + (": the scan ran 0 steps" if x.shape[0] == 0 else ""))
            return x[op.i, ...]

        return row_index

    @jax_funcify.register(rows.RowScatter)
    def _jax_row_scatter(op, node):
        od = node.outputs[0].dtype

        def row_scatter(x, g):
            return _jnp().zeros(x.shape, dtype=od).at[op._key()].set(g)

        return row_scatter

    @jax_funcify.register(Scan)
    def _jax_scan(op, node):
        import jax
        from jax import lax

        from theano.graph.fg import FunctionGraph
        from theano.link.jax.linker import NeedsConcreteValues, _guard, lazy_graph_function

        jnp = _jnp()
        host = perform_on_host(op, node)
        tensor_states = all(isinstance(v.type, TensorType) for v in op.inner_inputs)
        if op.record_untraced or not tensor_states or \
                not all(isinstance(t, TensorType) for t in op.elem_types):
            raise NotJittable(f"{op}: non-tensor states")
        fg = FunctionGraph(op.inner_inputs, op.inner_outputs, clone=True)
        inner_nodes = fg.toposort()
        impls = {}
        for n in inner_nodes:
            if getattr(n.op, "lazy", False):
                continue
            impls[n] = _guard(jax_funcify(n.op, n))   # NotJittable: the whole Scan on the host
        body_fn = lazy_graph_function(fg, inner_nodes, impls)
        out_types = [o.type for o in op.inner_outputs]

        def inner(args):
            outer = dispatch._checks.active
            dispatch._checks.active = []
            try:
                outs = body_fn(list(args))
                if dispatch._checks.active:
                    raise NotJittable(f"{op}: a run-time check inside the loop body")
            finally:
                dispatch._checks.active = outer
            return [jnp.asarray(v, dtype=t.dtype) for v, t in zip(outs, out_types)]

        n_w, n_acc, n_un = op._n_writes, op.n_acc, op.n_untraced

        def steps_and_start(inputs):
            n, t0 = int(np.asarray(inputs[0])), int(np.asarray(inputs[1]))
            if n < 0:
                raise ValueError(op._negative_steps_message(n, [np.asarray(i) if not hasattr(
                    i, "shape") else i for i in inputs]))
            if t0 < 0:
                raise ValueError(f"Scan: t_start must be >= 0, got {t0}")
            return n, t0

        def traced_scan(inputs):
            n, t0 = steps_and_start(inputs)
            if n > 0 and not kept:
                return carry_loop(n, t0, inputs[2:])
            return run_loop(n, t0, inputs[2:])

        # states that keep only their last rows (scan_save_mem): a ring of ``keep`` rows in the
        # fori_loop's carry (row t at t % keep), rotated after the loop so that the last written
        # row comes last, as the reference perform does; never the n rows lax.scan would stack
        kept = any(b.keep for b in op.buffers)

        # A loop of n > 0 steps without a stop condition: a lax.scan whose carry is the rows
        # still to be read (the taps), the accumulators and the untraced states, and whose
        # stacked outputs are the rows written, as a hand-written loop would be. Per buffer:
        # a sequence gives one stacked input per read offset; a buffer only written stacks
        # its rows (put in place after the loop); a buffer read and written at one offset
        # carries the rows between its reads and its write; one written at several offsets a
        # window of rows (see ``window``). Step i of the lax.scan is time t0 + i (lax.scan's
        # reverse=True runs the steps of a reversed loop backwards).
        def window(b):
            # read and written at several offsets: the carry is a window of every row between
            # the first and the last offset, the row leaving it (final) stacked as an output
            return bool(b.reads) and len(b.writes) > 1

        def layout(k, x, need, n, row_shape=None):
            """Buffer k as the loop starts: the outer value ('full'), its head rows then zeros
            ('head'), zeros ('none'); None where the row shape is not known yet."""
            b = op.buffers[k]
            if b.init == "full":
                if x.shape[0] < need:
                    raise ValueError(
                        f"scan: {op._label(k)} has {x.shape[0]} entries but {n} steps need "
                        f"{need} (the loop reads or writes {b.span} position(s) ahead). Give "
                        "a longer sequence or fewer n_steps.")
                return x
            if b.init == "head":
                if x.shape[0] != b.head:
                    raise ValueError(f"scan: the initial value of {op._label(k)} has "
                                     f"{x.shape[0]} rows but its taps need exactly {b.head}")
                return jnp.concatenate([x, jnp.zeros((need - b.head,) + x.shape[1:], x.dtype)])
            if row_shape is None:
                return None
            return jnp.zeros((need,) + tuple(row_shape), op.elem_types[k].dtype)

        def put(lay, start, rows, add):
            """``lay`` with rows ``start...`` replaced by (or, with ``add``, increased by)
            ``rows``: a concatenation (XLA's simplifier aborts on a static scatter covering a
            whole array, as ``.at[a:b].add`` makes)."""
            stop = start + rows.shape[0]
            if add:
                rows = lax.slice_in_dim(lay, start, stop) + rows
            return jnp.concatenate([lax.slice_in_dim(lay, 0, start), rows,
                                    lax.slice_in_dim(lay, stop, lay.shape[0])])

        def carry_loop(n, t0, rest):
            _, _, inits, accs0, untraced0, nonseqs = op.split_inputs([n, t0] + list(rest))
            lays, xs, carry0, plan, added = {}, [], [], [], {}
            for k, b in enumerate(op.buffers):
                need = t0 + n + b.span
                lay = lays[k] = layout(k, jnp.asarray(inits[k]) if k in inits else None, need, n)
                if not b.writes:
                    # a sequence: one stacked input per read offset
                    for a in b.reads:
                        plan.append(("x", len(xs)))
                        xs.append(lax.slice_in_dim(lay, t0 + a, t0 + a + n))
                    continue
                if not b.reads:
                    continue            # only written: its rows are stacked, added after the loop
                if window(b):
                    lo, hi = min(b.reads + b.writes), b.span
                    first = t0 + n - 1 if op.reverse else t0
                    rows = [lax.dynamic_index_in_dim(lay, first + o, keepdims=False)
                            for o in range(lo, hi + 1)]
                    for a in b.reads:
                        plan.append(("c", len(carry0) + a - lo))
                    # the row entering the window at each step (a zero row past either end)
                    pad = jnp.zeros((1,) + lay.shape[1:], lay.dtype)
                    added[k] = len(xs)
                    if op.reverse:
                        xs.append(lax.slice_in_dim(jnp.concatenate([pad, lay]), t0 + lo,
                                                   t0 + lo + n))
                    else:
                        xs.append(lax.slice_in_dim(jnp.concatenate([lay, pad]), t0 + hi + 1,
                                                   t0 + hi + 1 + n))
                    carry0.extend(rows)
                    continue
                w = b.writes[0]
                # the carried rows: offsets lo..w-1 (forward) or w+1..hi (reverse)
                if op.reverse:
                    lo, hi = w + 1, max(b.reads, default=w)
                    first = t0 + n - 1
                else:
                    lo, hi = min(b.reads, default=w), w - 1
                    first = t0
                rows = [lax.dynamic_index_in_dim(lay, first + o, keepdims=False)
                        for o in range(lo, hi + 1)]
                for a in b.reads:
                    plan.append(("c", len(carry0) + a - lo))
                if b.init == "full":
                    added[k] = len(xs)
                    xs.append(lax.slice_in_dim(lay, t0 + w, t0 + w + n))   # the rows added to
                carry0.extend(rows)
            row_shapes = [None if lays[k] is None else tuple(lays[k].shape[1:])
                          for k in range(len(op.buffers))]
            accs = tuple(jnp.asarray(a).astype(o.dtype)
                         for a, o in zip(accs0, out_types[n_w:n_w + n_acc]))
            untraced = tuple(jnp.asarray(u) for u in untraced0)

            def step(carry, x):
                rows, accs, untraced = carry
                args = [x[p] if kind == "x" else rows[p] for kind, p in plan]
                outs = inner(args + list(untraced) + list(nonseqs))
                new_rows, ys = [], []
                pos = cpos = 0
                shapes = list(row_shapes)
                for k, b in enumerate(op.buffers):
                    if b.writes and window(b):
                        lo = min(b.reads + b.writes)
                        size = b.span - lo + 1
                        mine = list(rows[cpos:cpos + size])
                        cpos += size
                        for w in b.writes:
                            v = outs[pos]
                            pos += 1
                            if tuple(v.shape) != shapes[k]:
                                raise ValueError(
                                    f"scan: the step function returned a value of shape "
                                    f"{tuple(v.shape)} for {op._label(k)}, whose previous values "
                                    f"have shape {shapes[k]}; a recurrent output must keep its "
                                    "shape")
                            v = (mine[w - lo] + v) if b.init == "full" else v
                            mine[w - lo] = v.astype(op.elem_types[k].dtype)
                        # the row leaving the window is final; the next one enters
                        if op.reverse:
                            ys.append(mine[-1])
                            new_rows.extend([x[added[k]]] + mine[:-1])
                        else:
                            ys.append(mine[0])
                            new_rows.extend(mine[1:] + [x[added[k]]])
                        continue
                    for w in b.writes:
                        v = outs[pos]
                        pos += 1
                        if shapes[k] is None:
                            shapes[k] = tuple(v.shape)
                        elif tuple(v.shape) != shapes[k]:
                            raise ValueError(
                                f"scan: the step function returned a value of shape "
                                f"{tuple(v.shape)} for {op._label(k)}, whose previous values "
                                f"have shape {shapes[k]}; a recurrent output must keep its shape")
                        if not b.reads:
                            ys.append(v.astype(op.elem_types[k].dtype))
                            continue
                        if b.init == "full":
                            v = x[added[k]] + v
                        v = v.astype(op.elem_types[k].dtype)
                        n_rows = (max(b.reads) - w) if op.reverse else (w - min(b.reads))
                        mine = list(rows[cpos:cpos + n_rows])
                        cpos += n_rows
                        # the written row is read by the next steps: it joins the carry
                        new_rows.extend([v] + mine[:-1] if op.reverse else mine[1:] + [v])
                        ys.append(v)
                accs = tuple((a + v).astype(a.dtype) for a, v in zip(accs, outs[n_w:n_w + n_acc]))
                untraced = tuple(jnp.asarray(u, dtype=o.dtype) for u, o in
                                 zip(outs[n_w + n_acc:n_w + n_acc + n_un], untraced))
                return (tuple(new_rows), accs, untraced), tuple(ys)

            (final_rows, accs, untraced), ys = lax.scan(step, (tuple(carry0), accs, untraced), tuple(xs),
                                               length=n, reverse=op.reverse)
            results = []
            ys = list(ys)
            rows = list(final_rows)
            for k in op.out_buffers:
                b = op.buffers[k]
                if window(b):
                    lo = min(b.reads + b.writes)
                    size = b.span - lo + 1
                    mine, rows = rows[:size], rows[size:]
                    y, ys = ys[0], ys[1:]
                    lay = lays[k]
                    # the rows still in the window when the loop ends come after (forward) or
                    # before (reverse) the stacked ones
                    last = jnp.stack(mine[1:] if op.reverse else mine[:-1])
                    middle = [last, y] if op.reverse else [y, last]
                    results.append(jnp.concatenate(
                        [lax.slice_in_dim(lay, 0, t0 + lo)] + middle +
                        [lax.slice_in_dim(lay, t0 + n + b.span, lay.shape[0])]))
                    continue
                if b.reads:
                    # one write: its carried rows are not needed after the loop
                    rows = rows[(max(b.reads) - b.writes[0]) if op.reverse
                                else (b.writes[0] - min(b.reads)):]
                mine, ys = ys[:len(b.writes)], ys[len(b.writes):]
                lay = lays[k]
                if lay is None:
                    lay = layout(k, None, t0 + n + b.span, n, mine[0].shape[1:])
                if b.reads:
                    results.append(put(lay, t0 + b.writes[0], mine[0], False))
                    continue
                # rows written by several steps: added up ('full'), else the last step's value
                # (forward: the smallest offset's, reversed: the largest's)
                order = sorted(zip(b.writes, mine), key=lambda p: p[0], reverse=not op.reverse)
                for w, y in order:
                    lay = put(lay, t0 + w, y, b.init == "full")
                results.append(lay)
            results += list(accs) + list(untraced) + [np.asarray(n, dtype="int64")]
            return tuple(results)

        def ring(b, pos):
            # a buffer's row ``pos``: where a kept state's ring stores it
            return pos % b.keep if b.keep else pos

        def run_loop(n, t0, rest):
            # the loop over n steps from t0 (both known when tracing); with a stop condition
            # (``until``) a lax.while_loop that also stops when the body says so, the number of
            # steps run coming back as the last output (full-size buffers: see while_scan)
            _, _, inits, accs0, untraced0, nonseqs = op.split_inputs([n, t0] + list(rest))
            bufs = []
            for i, b in enumerate(op.buffers):
                need = t0 + n + b.span
                if b.keep:
                    if t0 != 0:
                        raise ValueError(f"scan: {op._label(i)} keeps its last rows only in a "
                                         f"loop starting at 0, not {t0}")
                    need = b.keep
                if b.init == "none":
                    bufs.append(None)
                    continue
                x = jnp.asarray(inits[i])
                if b.init == "full":
                    if x.shape[0] < need:
                        raise ValueError(
                            f"scan: {op._label(i)} has {x.shape[0]} entries but {n} steps need "
                            f"{need} (the loop reads or writes {b.span} position(s) ahead). Give "
                            "a longer sequence or fewer n_steps.")
                    bufs.append(x)
                else:
                    if x.shape[0] != b.head:
                        raise ValueError(f"scan: the initial value of {op._label(i)} has "
                                         f"{x.shape[0]} rows but its taps need exactly {b.head}")
                    bufs.append(jnp.zeros((need,) + x.shape[1:], x.dtype).at[:b.head].set(x))

            def step_args(bufs, untraced, t):
                args = []
                for k, b in enumerate(op.buffers):
                    for a in b.reads:
                        args.append(lax.dynamic_index_in_dim(bufs[k], ring(b, t + a),
                                                             keepdims=False))
                return args + list(untraced) + list(nonseqs)

            # rows of the buffers without an initial value: from the body's output shapes
            if any(bf is None for bf in bufs) and n > 0:
                shapes = jax.eval_shape(lambda: inner(step_args(bufs, untraced0, t0)))
                pos = 0
                for k, b in enumerate(op.buffers):
                    if bufs[k] is None:
                        bufs[k] = jnp.zeros((t0 + n + b.span,) + tuple(shapes[pos].shape),
                                            op.elem_types[k].dtype)
                    pos += len(b.writes)
            row_shapes = [None if bf is None else tuple(bf.shape[1:]) for bf in bufs]

            def body(s, carry):
                bufs, accs, untraced = carry[:3]
                t = (t0 + n - 1 - s) if op.reverse else (t0 + s)
                outs = inner(step_args(bufs, untraced, t))
                bufs = list(bufs)
                pos = 0
                for k, b in enumerate(op.buffers):
                    for w in b.writes:
                        v = outs[pos]
                        if tuple(v.shape) != row_shapes[k]:
                            raise ValueError(
                                f"scan: the step function returned a value of shape "
                                f"{tuple(v.shape)} for {op._label(k)}, whose previous values have "
                                f"shape {row_shapes[k]}; a recurrent output must keep its shape")
                        row = lax.dynamic_index_in_dim(bufs[k], ring(b, t + w), keepdims=False)
                        new = row + v if b.init == "full" else v
                        bufs[k] = lax.dynamic_update_index_in_dim(bufs[k], new.astype(
                            bufs[k].dtype), ring(b, t + w), 0)
                        pos += 1
                accs = [a + v for a, v in zip(accs, outs[n_w:n_w + n_acc])]
                untraced = [jnp.asarray(u, dtype=o.dtype) for u, o in
                            zip(outs[n_w + n_acc:n_w + n_acc + n_un], untraced)]
                if op.as_while:
                    return bufs, accs, untraced, jnp.asarray(outs[-1]) != 0
                return bufs, accs, untraced

            accs = [jnp.asarray(a) for a in accs0]
            untraced = [jnp.asarray(u) for u in untraced0]
            for j, (a, o) in enumerate(zip(accs, out_types[n_w:n_w + n_acc])):
                accs[j] = a.astype(o.dtype)
            done = np.asarray(n, dtype="int64")
            if op.as_while and n > 0:
                def keep_going(c):
                    return (c[0] < n) & ~c[4]

                def step(c):
                    return (c[0] + 1,) + tuple(body(c[0], c[1:4]))

                carry = (jnp.asarray(0, jnp.int64), bufs, accs, untraced, jnp.asarray(False))
                done, bufs, accs, untraced, _ = lax.while_loop(keep_going, step, carry)
            elif n > 0:
                bufs, accs, untraced = lax.fori_loop(0, n, body, (bufs, accs, untraced))
            results = []
            for k in op.out_buffers:
                bf = bufs[k]
                b = op.buffers[k]
                if bf is None:
                    typ = op.elem_types[k]
                    bf = jnp.zeros((t0 + n + b.span,) + (0,) * typ.ndim, typ.dtype)
                elif b.keep:
                    # the kept rows in order, the last written one last; with fewer rows
                    # written than kept, only those
                    bf = jnp.roll(bf, -((t0 + n + max(b.writes)) % b.keep), axis=0)
                    if t0 + n + b.span < b.keep:
                        bf = bf[b.keep - (t0 + n + b.span):]
                results.append(bf)
            results += list(accs) + list(untraced) + [done]
            return tuple(results)

        jitted_loops = {}

        def while_scan(inputs):
            # A loop with ``until`` stops after a number of steps known only at run time, and
            # its outputs are cut to that length: the graph runs op by op (the whole-graph trace
            # gives up here), this node as one jitted lax.while_loop per (n_steps, t_start).
            if any(_is_traced(i) for i in inputs):
                raise NeedsConcreteValues(f"{op}: the number of steps of a loop with a stop "
                                          "condition is known only at run time")
            n, t0 = steps_and_start(inputs)
            fn = jitted_loops.get((n, t0))
            if fn is None:
                fn = jitted_loops[(n, t0)] = jax.jit(lambda rest: run_loop(n, t0, rest))
            results = list(fn(list(inputs[2:])))
            done = int(results[-1])
            for j, k in enumerate(op.out_buffers):
                b = op.buffers[k]
                if done < n and b.init != "full":
                    results[j] = results[j][:t0 + done + b.span]
            return tuple(results)

        def scan(*inputs):
            try:
                return while_scan(inputs) if op.as_while else traced_scan(inputs)
            except (NotJittable, NeedsConcreteValues):
                if any(_is_traced(i) for i in inputs):
                    raise
                return host(*inputs)      # op by op: the loop's reference perform

        # a loop with a stop condition: outputs as long as the steps run, known only after the
        # loop, so the graph runs op by op and this node is jitted on its own
        scan.jitted_alone = op.as_while
        return scan


def _register_ifelse():
    from theano.ifelse import IfElse
    from theano.link.jax.dispatch import LazyTranslation, _is_traced, _jnp, jax_lazy_funcify

    @jax_lazy_funcify.register(IfElse)
    def _jax_ifelse(op, node):
        """With a concrete condition (op by op) the branch is chosen in Python; under
        ``jax.jit`` (a traced condition) it is ``lax.cond`` with each branch's nodes inside its
        branch function."""
        from jax import lax

        from theano.link.jax.linker import NeedsConcreteValues

        n = op.n_outs
        branches = (node.inputs[1:1 + n], node.inputs[1 + n:])
        dtypes = [o.dtype for o in node.outputs]

        def run(values, evaluate):
            cond = values[0]
            if not _is_traced(cond):
                return evaluate(branches[0] if bool(np.asarray(cond)) else branches[1], False)
            jnp = _jnp()

            def branch(variables):
                def fn(_):
                    return tuple(jnp.asarray(v, dtype=d)
                                 for v, d in zip(evaluate(variables, True), dtypes))
                return fn

            try:
                return lax.cond(jnp.asarray(cond) != 0, branch(branches[0]),
                                branch(branches[1]), None)
            except NeedsConcreteValues:
                raise
            except Exception as exc:
                # lax.cond's own refusal (branches of different shapes: a TypeError), not a
                # node's
                if getattr(exc, "__theano_node__", None) is None and (
                        isinstance(exc, TypeError) or type(exc).__module__.startswith("jax")):
                    raise NeedsConcreteValues(str(exc)) from exc
                raise

        return LazyTranslation(node.inputs[:1], run)


register_translations(_register_scan)
register_translations(_register_ifelse)
