"""``theano.scan``: loops over sequences with recurrent states, as in Theano 1.0.

    result, updates = theano.scan(fn=lambda c, p, x: c * x ** p,
                                  sequences=[coefs, powers], non_sequences=x)

``fn`` is called once, with symbolic arguments in this order: the slices of each sequence (one per
tap, in the order of the taps), the previous values of each recurrent output (one per tap), then the
non-sequences. What it returns (outputs, an updates dict, an ``until`` condition, in any order) is
the body of a Scan op. Variables that existed before ``fn`` was called and that the body uses (the
explicit non-sequences, shared variables, other outer expressions) become loop-invariant inputs,
computed once outside the loop. Shared variables updated in the body (explicitly, or by their
``default_update``, as random streams do) are carried from step to step; their final values are in
the returned ``updates``, which must be passed to ``theano.function``.

Steps: with sequences, the shortest sequence (after its taps) sets the number of steps;
``n_steps`` may be given too (an int or a symbolic scalar): then every sequence must have enough
entries for that many steps (a shorter one is an error, a longer one is used only partly).
"""

from collections import OrderedDict
from collections.abc import ItemsView

import numpy as np

from theano.compile.sharedvalue import SharedVariable
from theano.configdefaults import config
from theano.graph.basic import (
    Constant,
    Variable,
    clone_replace,
    graph_inputs,
    io_toposort,
)
from theano.graph.fg import MissingInputError
from theano.graph.op import get_test_value
from theano.scan.op import Buffer, Scan
from theano.scan.rows import row_reverse, row_slice
from theano.tensor import (
    TensorType,
    as_tensor_variable,
    cast,
    minimum,
    patternbroadcast,
    shape_i,
)

__all__ = ["scan", "until"]


class MissingNonSequenceError(MissingInputError, ValueError):
    """scan(strict=True): the step function reads a shared variable that is not among the
    non-sequences (Theano 1.0 raised MissingInputError; this is also a ValueError)."""


class until:
    """The stopping condition of a scan: ``return outputs, theano.scan_module.until(cond)``.

    The loop stops after the step where ``cond`` (a scalar) is true; outputs then have as many
    entries as steps were run.
    """

    def __init__(self, condition):
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise TypeError(
                f"until: the condition must be a scalar, got {condition} with {condition.ndim} "
                "dimension(s)"
            )
        self.condition = condition


def _listify(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _as_var(x, what):
    if isinstance(x, Variable):
        return x
    try:
        if isinstance(x, (float, np.floating, np.ndarray)) and not isinstance(x, (bool, np.bool_)):
            return as_tensor_variable(np.asarray(x))
        return as_tensor_variable(x)
    except TypeError as exc:
        raise TypeError(f"scan: {what} must be a symbolic variable or a value, got {x!r}: {exc}") from None


def _taps_list(taps, what):
    if isinstance(taps, (int, np.integer)):
        taps = [taps]
    try:
        taps = [int(t) for t in taps]
    except (TypeError, ValueError):
        raise TypeError(f"scan: {what} taps must be integers, got {taps!r}") from None
    if not taps:
        raise ValueError(f"scan: {what} has an empty list of taps")
    if len(set(taps)) != len(taps):
        raise ValueError(f"scan: {what} has repeated taps {taps}")
    return taps


def _tap_name(base, tap):
    if tap == 0:
        return f"{base}[t]"
    return f"{base}[t{tap:+d}]"


class _Output:
    """One entry of outputs_info: a recurrent state (with taps) or an output not fed back."""

    def __init__(self, index, init=None, taps=None):
        self.index = index
        self.init = init
        self.taps = taps
        self.placeholders = []
        self.elem_type = None
        self.return_steps = None

    @property
    def is_state(self):
        return self.init is not None

    @property
    def head(self):
        return -min(self.taps)


def _normalize_outputs_info(outputs_info):
    entries = []
    for i, info in enumerate(_listify(outputs_info)):
        what = f"outputs_info[{i}]"
        if info is None:
            entries.append(_Output(i))
            continue
        if isinstance(info, dict):
            unknown = set(info) - {"initial", "taps", "return_steps", "inplace"}
            if unknown:
                raise ValueError(f"scan: {what} has unknown keys {sorted(unknown)}; use 'initial' and 'taps'")
            if info.get("initial") is None:
                if info.get("taps") not in (None, []):
                    raise ValueError(f"scan: {what} has taps but no 'initial' value to start from")
                entries.append(_Output(i))
                continue
            if "taps" in info and info["taps"] is None:
                # Theano: taps=None means the output is not fed back (the initial value is unused)
                entries.append(_Output(i))
                continue
            init = _as_var(info["initial"], what)
            taps = _taps_list(info.get("taps", [-1]), what)
        else:
            init = _as_var(info, what)
            taps = [-1]
        if any(t >= 0 for t in taps):
            raise ValueError(
                f"scan: {what} has taps {taps}; the taps of a recurrent output must be negative "
                "(-1 is the previous step)"
            )
        out = _Output(i, init, taps)
        if taps == [-1]:
            out.elem_type = TensorType(init.dtype, (False,) * init.ndim)
        else:
            if init.ndim < 1:
                raise TypeError(
                    f"scan: {what} uses taps {taps}, so its initial value needs one row per step "
                    f"of history ({out.head} rows), but {init} is a scalar"
                )
            out.elem_type = TensorType(init.dtype, (False,) * (init.ndim - 1))
        base = init.name or f"out{i}"
        out.placeholders = [out.elem_type(_tap_name(base, t)) for t in taps]
        _placeholder_test_values(out.placeholders, init,
                                 None if taps == [-1] else [out.head + t for t in taps])
        entries.append(out)
    for entry, info in zip(entries, _listify(outputs_info)):
        if isinstance(info, dict) and info.get("return_steps") is not None:
            steps = info["return_steps"]
            if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
                raise TypeError(f"scan: outputs_info[{entry.index}]['return_steps'] must be an int, "
                                f"got {steps!r}")
            entry.return_steps = int(steps)
    return entries


def _placeholder_test_values(placeholders, source, rows):
    """With config.compute_test_value on, a step's placeholders get the test values of the rows
    of ``source`` they stand for (``rows`` None: the whole value), so that the body built by fn is
    checked too."""
    if config.compute_test_value == "off":
        return
    try:
        value = get_test_value(source)
    except AttributeError:
        return  # the body's own ops report the missing value, as the mode says
    for k, ph in enumerate(placeholders):
        ph.tag.test_value = value if rows is None else value[rows[k]]


def _parse_return(ret):
    """(outputs list, updates OrderedDict, condition or None) from what fn returned."""
    outputs, updates, cond = [], OrderedDict(), None

    def is_update_pairs(x):
        return isinstance(x, (list, tuple)) and x and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], SharedVariable) for p in x)

    if isinstance(ret, ItemsView):
        ret = list(ret)
    elif isinstance(ret, tuple):
        ret = tuple(list(p) if isinstance(p, ItemsView) else p for p in ret)
    if isinstance(ret, list) and 2 <= len(ret) <= 3 and \
            any(isinstance(p, (dict, until)) or is_update_pairs(p) for p in ret):
        # [outputs, updates] / [outputs, until] / [outputs, updates, until] given as a list
        ret = tuple(ret)
    parts = list(ret) if isinstance(ret, tuple) else [ret]
    if isinstance(ret, tuple) and not any(isinstance(p, (dict, until)) or is_update_pairs(p)
                                          for p in parts):
        parts = [list(ret)]
    for p in parts:
        if p is None:
            continue
        if isinstance(p, until):
            if cond is not None:
                raise ValueError("scan: fn returned more than one until condition")
            cond = p.condition
        elif isinstance(p, dict):
            updates.update(p)
        elif is_update_pairs(p):
            updates.update(p)
        elif isinstance(p, (list, tuple)):
            for q in p:
                if isinstance(q, until):
                    cond = q.condition
                else:
                    outputs.append(q)
        else:
            outputs.append(p)
    return outputs, updates, cond


def _created_since(counter):
    def inside(v):
        try:
            return int(v.auto_name.rsplit("_", 1)[1]) > counter
        except (AttributeError, ValueError, IndexError):
            return False
    return inside


def _boundary(roots, placeholders, inside):
    """Variables used by the body that it did not create: loop-invariant inputs (in walk order)."""
    seen, order = set(), []
    stack = list(reversed(roots))
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v in placeholders or isinstance(v, Constant):
            continue
        if v.owner is not None and inside(v):
            stack.extend(reversed(v.owner.inputs))
        else:
            order.append(v)
    return order


def _invariant_inputs(outputs, variant_roots):
    """The loop-invariant variables the body reads: the frontier between what depends on the
    step's arguments or the loop's states (``variant_roots``) and what does not (walk order)."""
    variant = set(variant_roots)
    for node in io_toposort([], outputs):
        if any(i in variant for i in node.inputs):
            variant.update(node.outputs)
    seen, order = set(), []
    stack = list(reversed(outputs))
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v in variant_roots or isinstance(v, Constant):
            continue
        if v in variant:
            stack.extend(reversed(v.owner.inputs))
        else:
            order.append(v)
    return order


def _check_update(sv, expr, k):
    if not isinstance(sv, SharedVariable):
        raise TypeError(
            f"scan: the updates returned by fn must have shared variables as keys; key {k} is "
            f"{sv!r} ({type(sv).__name__})"
        )
    if not isinstance(expr, Variable):
        expr = as_tensor_variable(np.asarray(expr, dtype=getattr(sv.type, "dtype", None)))
    if expr.type == sv.type:
        return expr
    conv = sv.type.convert_variable(expr)
    if conv is not None:
        return conv
    dtype = getattr(sv.type, "dtype", None)
    hint = f" Cast it, e.g. T.cast(expr, '{dtype}')." if dtype else ""
    raise TypeError(
        f"scan: the update of shared variable {sv.name or sv} ({sv.type}) returned by fn has type "
        f"{expr.type}.{hint}"
    )


def _retype_constant_states(outs, updates, cond, infos):
    """A constant initial state (``outputs_info=0``) takes the dtype that the step computes from it
    when that dtype holds its value exactly (an int32 accumulator started at 0): the step's graph
    is rebuilt on placeholders of that dtype, until the dtypes agree (as Theano 1.0 programs
    expect). Initial states given as variables keep their dtype."""
    for _ in range(4):
        replace = {}
        for o, info in zip(outs, infos):
            if not (info.is_state and isinstance(info.init, Constant)
                    and isinstance(getattr(o, "type", None), TensorType)):
                continue
            old = info.elem_type
            if o.ndim != old.ndim or o.dtype == old.dtype:
                continue
            data = np.asarray(info.init.data)
            if not np.can_cast(data.dtype, o.dtype) and not np.array_equal(
                    data.astype(o.dtype), data):
                continue
            info.init = _as_var(data.astype(o.dtype), "outputs_info")
            info.elem_type = TensorType(o.dtype, old.broadcastable)
            new_phs = [info.elem_type(ph.name) for ph in info.placeholders]
            for a, b in zip(info.placeholders, new_phs):
                if hasattr(a.tag, "test_value"):
                    b.tag.test_value = np.asarray(a.tag.test_value).astype(o.dtype)
                replace[a] = b
            info.placeholders = new_phs
        if not replace:
            break
        keys = list(updates.keys())
        tail = [cond] if cond is not None else []
        rebuilt = clone_replace(outs + [updates[k] for k in keys] + tail, replace, strict=False)
        n = len(outs)
        outs = rebuilt[:n]
        updates = OrderedDict(zip(keys, rebuilt[n:n + len(keys)]))
        cond = rebuilt[-1] if tail else None
    return outs, updates, cond


class _Sequences:
    """The sequences, normalized: the (reversed if go_backwards) variables, their buffers, the
    step's placeholders (one per tap, in order) and, per sequence, how many steps it allows."""

    def __init__(self):
        self.variables = []
        self.buffers = []
        self.placeholders = []
        self.n_steps = []


def _check_arguments(fn, truncate_gradient):
    """``fn`` is callable; ``truncate_gradient`` as an int (-1 or positive)."""
    if not callable(fn):
        raise TypeError(f"scan: fn must be callable, got {type(fn).__name__}")
    try:
        truncate_gradient = int(truncate_gradient)
    except (TypeError, ValueError):
        raise TypeError(f"scan: truncate_gradient must be an int, got {truncate_gradient!r}") from None
    if truncate_gradient == 0 or truncate_gradient < -1:
        raise ValueError(f"scan: truncate_gradient must be -1 (no truncation) or positive, got {truncate_gradient}")
    return truncate_gradient


def _normalize_sequences(sequences, go_backwards):
    """Step 1a: each sequence (a variable, or ``dict(input=x, taps=[...])``) as a buffer read at
    its taps, with one placeholder per tap for the step function."""
    seqs = _Sequences()
    for i, s in enumerate(_listify(sequences)):
        what = f"sequences[{i}]"
        if isinstance(s, dict):
            if "input" not in s:
                raise ValueError(f"scan: {what} is a dict without an 'input' entry")
            x, taps = s["input"], s.get("taps", [0])
            taps = [0] if taps is None else taps
        else:
            x, taps = s, [0]
        x = _as_var(x, what)
        taps = _taps_list(taps, what)
        if not isinstance(x.type, TensorType) or x.ndim < 1:
            raise TypeError(
                f"scan: {what} ({x}) has no dimension to iterate over: a sequence must have at "
                "least one dimension (pass scalars in non_sequences)"
            )
        base = x.name or f"seq{i}"
        if go_backwards:
            x = row_reverse(x)
        lo, hi = min(taps), max(taps)
        # Theano 1.0's windows: taps are relative to a step that is itself in the window, so
        # negative taps only (taps=[-1]) read the entries before the step (len(x) - 1 steps, the
        # first reading x[0]); a single positive tap k reads x[t + k] (len(x) - k steps)
        if hi < 0:
            hi = 0
        elif lo > 0 and lo == hi:
            lo = 0
        elem = TensorType(x.dtype, x.broadcastable[1:])
        phs = [elem(_tap_name(base, t)) for t in taps]
        _placeholder_test_values(phs, x, [t - lo for t in taps])
        seqs.variables.append(x)
        seqs.buffers.append(Buffer(reads=[t - lo for t in taps], init="full", label=what))
        seqs.placeholders.extend(phs)
        seqs.n_steps.append(shape_i(x, 0) - as_tensor_variable(hi - lo, dtype="int64"))
    return seqs


def _normalize_non_sequences(non_sequences):
    """Step 1c: the non-sequences as variables (values become constants)."""
    return [v if isinstance(v, Variable) else _as_var(v, f"non_sequences[{j}]")
            for j, v in enumerate(_listify(non_sequences))]


def _build_inner_graph(fn, seq_ph, infos, explicit_ns, outputs_info):
    """Step 2: call ``fn`` once on symbolic arguments and check what it returns.

    Returns ``(outs, updates, cond, infos, inside)``: the step's outputs (a recurrent one with its
    initial state's broadcast pattern), the updates it returned, its ``until`` condition (or
    None), the outputs_info entries (one per output when outputs_info was not given) and a test
    telling whether a variable was created by ``fn``.
    """
    state_ph = [ph for o in infos if o.is_state for ph in o.placeholders]
    counter = Variable._auto_counter
    ret = fn(*(seq_ph + state_ph + explicit_ns))
    inside = _created_since(counter)
    outs, updates, cond = _parse_return(ret)
    outs = [_as_var(o, f"output {k} of fn") for k, o in enumerate(outs)]

    if outputs_info is None or (not infos and outs):
        infos = [_Output(k) for k in range(len(outs))]
    if len(outs) != len(infos):
        raise ValueError(
            f"scan: fn returned {len(outs)} output(s) but outputs_info has {len(infos)} entries; "
            "give one outputs_info entry per output (None for outputs that are not fed back)"
        )
    outs, updates, cond = _retype_constant_states(outs, updates, cond, infos)
    for k, (o, info) in enumerate(zip(outs, infos)):
        if not isinstance(o.type, TensorType):
            raise TypeError(f"scan: output {k} of fn ({o}) is not a tensor but {o.type}")
        if info.is_state:
            typ = info.elem_type
            if o.ndim != typ.ndim:
                raise TypeError(
                    f"scan: output {k} of fn ({o}) has {o.ndim} dimension(s) but its initial state "
                    f"outputs_info[{k}] gives {typ.ndim}: a recurrent output must keep its shape"
                )
            if o.dtype != typ.dtype:
                raise TypeError(
                    f"scan: output {k} of fn has dtype {o.dtype} but its initial state "
                    f"outputs_info[{k}] has dtype {typ.dtype}, so the output would change dtype "
                    f"between steps. Cast the output in fn, e.g. T.cast(out, '{typ.dtype}'), or "
                    f"give an initial state of dtype {o.dtype}."
                )
            outs[k] = patternbroadcast(o, typ.broadcastable)
    if cond is not None and cond.dtype not in ("bool", "int8", "int16", "int32", "int64", "uint8"):
        cond = cast(cond, "bool") if cond.dtype.startswith("float") else cond
    return outs, updates, cond, infos, inside


def _collect_shared_updates(outs, updates, cond, placeholders, inside):
    """Step 3a: the shared variables updated in the loop, in order: the explicit updates (each
    checked against its variable's type), then the ``default_update`` of every shared variable the
    body reaches, repeated until no new one appears (an update may reach further shared
    variables)."""
    checked = OrderedDict()
    for k, (sv, expr) in enumerate(updates.items()):
        checked[sv] = _check_update(sv, expr, k)
    tail = [cond] if cond is not None else []
    while True:
        boundary = _boundary(outs + list(checked.values()) + tail, placeholders, inside)
        added = False
        for v in boundary:
            if isinstance(v, SharedVariable) and v not in checked and \
                    getattr(v, "default_update", None) is not None:
                checked[v] = _check_update(v, v.default_update, len(checked))
                added = True
        if not added:
            return checked


def _loop_invariants(body_roots, placeholders, states, explicit_ns, strict):
    """Step 3b: the loop's non-sequences, explicit ones first.

    The body is what depends on the step's arguments or on the states updated in the loop; all
    the rest (explicit non-sequences, shared variables, and expressions that do not change from
    step to step, wherever they were built) is computed once, outside the loop. With ``strict``,
    every shared variable read must be an explicit non-sequence.
    """
    boundary = _invariant_inputs(body_roots, placeholders | set(states))
    # every explicit non-sequence is an input of the loop, used or not (as in Theano 1.0, a
    # variable passed there is part of the graph: theano.function does not call it unused; the
    # compiled graph drops it, see scan/rewriting.py)
    nonseqs = []
    for v in explicit_ns:
        if v not in nonseqs and v not in states and (v in boundary or not isinstance(v, Constant)):
            nonseqs.append(v)
    nonseqs += [v for v in boundary if v not in nonseqs]
    if strict:
        # strict concerns shared variables only (as in Theano 1.0): other outer variables the body
        # reads are added to the non-sequences as usual
        allowed = set(explicit_ns)
        missing = [v for v in graph_inputs(nonseqs, blockers=explicit_ns)
                   if v not in allowed and isinstance(v, SharedVariable)]
        if missing:
            raise MissingNonSequenceError(
                f"scan(strict=True): the step function uses the shared variable {missing[0]} "
                f"({missing[0].type}), which is not in non_sequences; pass every shared variable "
                "it uses there"
            )
    return nonseqs


def _build_op(seqs, infos, body_roots, states, nonseqs, outputs_info, cond, truncate_gradient,
              mode, name):
    """Step 4: the Scan op, on an inner graph with placeholders of its own for the states and
    the non-sequences, and the initial values of its buffers (sequences, then outputs)."""
    replace = OrderedDict()
    state_in = []
    for sv in states:
        ph = sv.type()
        ph.name = f"{sv.name or 'shared'}[t-1]"
        replace[sv] = ph
        state_in.append(ph)
    ns_in = []
    for v in nonseqs:
        ph = v.type()
        ph.name = v.name
        replace[v] = ph
        ns_in.append(ph)
    body_out = clone_replace(body_roots, replace, strict=True) if body_roots else []

    buffers = list(seqs.buffers)
    init_vals = list(seqs.variables)
    for k, info in enumerate(infos):
        label = f"outputs_info[{k}]" if outputs_info is not None else f"output {k}"
        if info.is_state:
            h = info.head
            buffers.append(Buffer(reads=[h + t for t in info.taps], writes=[h], init="head",
                                  label=label))
            init = info.init
            if info.taps == [-1]:
                init = init.dimshuffle("x", *range(init.ndim))
            else:
                init = row_slice(init, 0, h)
            init_vals.append(patternbroadcast(init, (init.broadcastable[0],) +
                                              tuple(info.elem_type.broadcastable)))
        else:
            buffers.append(Buffer(writes=[0], init="none", label=label))
    state_ph = [ph for o in infos if o.is_state for ph in o.placeholders]
    inner_in = seqs.placeholders + state_ph + state_in + ns_in
    op = Scan(inner_in, body_out, buffers, n_acc=0, n_untraced=len(states), n_nonseq=len(nonseqs),
              reverse=False, as_while=cond is not None, truncate_gradient=truncate_gradient,
              mode=mode, name=name)
    return op, init_vals


def _number_of_steps(n_steps, seq_n):
    """Step 5a: the number of steps, an int64 scalar: ``n_steps`` if given, else the shortest
    sequence's count."""
    if n_steps is not None:
        n = n_steps if isinstance(n_steps, Variable) else as_tensor_variable(n_steps)
        if n.ndim != 0 or not n.dtype.startswith(("int", "uint")):
            raise TypeError(f"scan: n_steps must be an integer scalar, got {n} ({n.type})")
        if isinstance(n, Constant) and int(n.data) < 0:
            raise ValueError(f"scan: n_steps must be >= 0, got {int(n.data)}")
        return cast(n, "int64")
    if not seq_n:
        raise ValueError("scan: cannot tell how many steps to run: give sequences or n_steps")
    n = seq_n[0]
    for m in seq_n[1:]:
        n = minimum(n, m)
    return n


def _wrap_outputs(node_outs, infos, states, return_list):
    """Step 5b: the Scan node's outputs as scan's result: each output without its initial rows
    (and cut to ``return_steps``), the updates of the shared variables, in Theano's shapes."""
    results = []
    for k, info in enumerate(infos):
        buf = node_outs[k]
        out = row_slice(buf, info.head, None) if info.is_state else buf
        if info.return_steps is not None:
            # Theano: return_steps=k keeps the last k steps; 1 (or less) keeps only the last one,
            # without the step dimension
            out = out[-info.return_steps:] if info.return_steps > 1 else out[-1]
        results.append(out)
    new_updates = OrderedDict((sv, node_outs[len(infos) + j]) for j, sv in enumerate(states))
    if return_list:
        return results, new_updates
    if not results:
        return None, new_updates
    if len(results) == 1:
        return results[0], new_updates
    return results, new_updates


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False, return_list=False):
    """Repeat ``fn`` over sequences and recurrent states; returns ``(outputs, updates)``.

    ``sequences``: variables or ``dict(input=x, taps=[-1, 0, 1])``. ``outputs_info``: per output of
    fn, None (not fed back), an initial value (fed back as the previous step), or
    ``dict(initial=x0, taps=[-2, -1])`` (``x0`` has one row per step of history). ``non_sequences``:
    passed unchanged to each step. ``n_steps``: number of steps (int or symbolic scalar); without
    it the shortest sequence (after its taps) decides, as in Theano; with it every sequence must be
    long enough (a clear ValueError names the one that is not).
    ``go_backwards``: iterate over the sequences from the end. ``truncate_gradient``: backpropagate
    through at most that many steps (-1: all). ``mode``: the mode the body is compiled with.
    ``profile``/``allow_gc`` are accepted for compatibility. ``strict``: every shared variable the
    body uses must be passed in non_sequences. ``return_list``: always return a list of outputs.

    Steps: normalize the sequences, outputs_info and non-sequences; build the inner graph (call
    ``fn``); collect the shared variables' updates and the loop invariants; build the Scan op;
    apply it and wrap its outputs.
    """
    truncate_gradient = _check_arguments(fn, truncate_gradient)
    seqs = _normalize_sequences(sequences, go_backwards)
    infos = _normalize_outputs_info(outputs_info)
    explicit_ns = _normalize_non_sequences(non_sequences)

    outs, updates, cond, infos, inside = _build_inner_graph(fn, seqs.placeholders, infos,
                                                            explicit_ns, outputs_info)
    state_ph = [ph for o in infos if o.is_state for ph in o.placeholders]
    placeholders = set(seqs.placeholders) | set(state_ph)
    updates = _collect_shared_updates(outs, updates, cond, placeholders, inside)
    states = list(updates.keys())
    body_roots = outs + [updates[sv] for sv in states] + ([cond] if cond is not None else [])
    nonseqs = _loop_invariants(body_roots, placeholders, states, explicit_ns, strict)

    op, init_vals = _build_op(seqs, infos, body_roots, states, nonseqs, outputs_info, cond,
                              truncate_gradient, mode, name)
    n = _number_of_steps(n_steps, seqs.n_steps)
    node_outs = op(n, as_tensor_variable(0, dtype="int64"), *init_vals, *states, *nonseqs,
                   return_list=True)
    return _wrap_outputs(node_outs, infos, states, return_list)
