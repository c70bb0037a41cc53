"""DebugMode: run a function slowly, checking every node and every rewrite (Theano 1.0's
``theano.compile.debugmode``).

    f = theano.function([x], y, mode='DebugMode')     # or mode=DebugMode(check_isfinite=False)

Each call evaluates the rewritten graph node by node on the reference implementations
(``Op.perform``; lazy ops such as ifelse stay lazy), each node on copies of its inputs, and checks:

- **BadDestroyMap**: the node changed an input it did not declare in ``destroy_map``;
- **BadViewMap**: an output shares memory with an input that ``view_map``/``destroy_map`` does not
  name;
- **InvalidValueError**: an output does not fit its variable's type (dtype, number of dimensions,
  a broadcastable dimension that is not 1), or, with ``check_isfinite``, holds NaN or inf;
- **BadThunkOutput**: the native backend's implementation of the node (the Numba path that
  FAST_RUN would run) gives other values than ``perform``, beyond the dtype's tolerance;
- **BadOptimization**: a rewrite replaced a variable by one with other values. Every replacement
  made while the graph was rewritten is recorded, and both sides are evaluated on the call's inputs.
  The original, unrewritten graph's outputs are compared too. Where the replaced expression
  overflowed to NaN/inf and the new one is finite (a stabilizing rewrite), that is not an error.

The checks cost several evaluations per node: DebugMode is for finding bugs, not for speed.
"""

import numpy as np

from theano.compile.mode import Mode
from theano.configdefaults import config
from theano.graph.basic import applys_between, equal_computations
from theano.graph.rewriting.basic import BadOptimization as _GraphBadOptimization
from theano.link.python.evaluate import evaluate


class DebugModeError(Exception):
    """The base class of DebugMode's errors."""


class BadThunkOutput(DebugModeError):
    """Two implementations of one node gave different values."""

    def __init__(self, r, thunk1, val1, thunk2, val2, inputs_val=()):
        self.r, self.thunk1, self.val1, self.thunk2, self.val2 = r, thunk1, val1, thunk2, val2
        self.inputs_val = inputs_val
        super().__init__(
            f"BadThunkOutput: {r} (output of {r.owner}) differs between {thunk1} and {thunk2}\n"
            + _difference(val1, val2))


class BadOptimization(DebugModeError, _GraphBadOptimization):
    """A rewrite replaced ``old_r`` by ``new_r`` and their values differ (also a
    ``theano.gof.toolbox.BadOptimization``, as in Theano 1.0)."""

    def __init__(self, old_r, new_r, old_r_val=None, new_r_val=None, reason=None, old_graph="",
                 new_graph=""):
        self.old_r, self.new_r = old_r, new_r
        self.old_r_val, self.new_r_val = old_r_val, new_r_val
        self.reason = reason
        super().__init__(
            f"BadOptimization: the rewrite {reason} replaced {old_r} (from {old_r.owner}) by "
            f"{new_r} (from {new_r.owner}), and the values differ\n"
            + _difference(old_r_val, new_r_val))


class BadDestroyMap(DebugModeError):
    """A node overwrote an input that its op did not declare in ``destroy_map``."""

    def __init__(self, node, idx, old_val, new_val, perform="perform"):
        self.node, self.idx, self.old_val, self.new_val, self.perform = (
            node, idx, old_val, new_val, perform)
        super().__init__(
            f"BadDestroyMap: {node} changed its input {idx} ({node.inputs[idx]}) in {perform}, "
            f"but {type(node.op).__name__}.destroy_map = {node.op.destroy_map!r} does not declare it")


class BadViewMap(DebugModeError):
    """An output shares memory with an input, and ``view_map`` does not say so."""

    def __init__(self, node, output_idx, out_storage, in_alias_idx=None, out_alias_idx=None):
        self.node, self.output_idx, self.out_storage = node, output_idx, out_storage
        self.in_alias_idx, self.out_alias_idx = in_alias_idx, out_alias_idx
        what = (f"input {in_alias_idx} ({node.inputs[in_alias_idx]})" if in_alias_idx is not None
                else f"output {out_alias_idx}")
        super().__init__(
            f"BadViewMap: output {output_idx} of {node} shares memory with {what}, but "
            f"{type(node.op).__name__}.view_map = {node.op.view_map!r} does not declare it")


class StochasticOrder(DebugModeError):
    """Rewriting the same graph again gave another graph (a rewrite that depends on something
    other than the graph); checked when ``DebugMode(stability_patience=n)``, n >= 2."""


class InvalidValueError(DebugModeError):
    """A value does not fit the type of its variable (or is not finite, with check_isfinite)."""

    def __init__(self, r, v=None, client_node=None, hint="none", specific_hint="none"):
        self.r, self.v, self.client_node = r, v, client_node
        self.hint, self.specific_hint = hint, specific_hint
        shape = getattr(v, "shape", None)
        dtype = getattr(v, "dtype", type(v).__name__)
        super().__init__(
            f"InvalidValueError: {r} (type {r.type}, from {r.owner}) got a value of dtype {dtype} "
            f"and shape {shape}: {specific_hint}")


# ---- helpers ------------------------------------------------------------------------------------

def _tolerance(dtype):
    """(rtol, atol) by dtype, as loose as Theano 1.0's DebugMode comparisons."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":
        return 0.0, 0.0
    if dtype.itemsize <= 2 or (dtype.kind == "c" and dtype.itemsize <= 4):
        return 5e-2, 5e-3
    if dtype.itemsize <= 4 or (dtype.kind == "c" and dtype.itemsize <= 8):
        return 1e-3, 1e-5
    return 1e-5, 1e-8


def _values_match(a, b, allow_repaired_overflow=False):
    """Whether two values agree: same shape, equal within the dtype's tolerance, NaN/inf in the same
    places. With ``allow_repaired_overflow``, places where ``a`` is not finite and ``b`` is finite
    are accepted (a stabilizing rewrite repaired an overflow)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or np.isscalar(a) or np.isscalar(b):
        try:
            a_arr, b_arr = np.asarray(a), np.asarray(b)
        except Exception:
            return a is b
        if a_arr.shape != b_arr.shape:
            return False
        if a_arr.dtype.kind in "biu" and b_arr.dtype.kind in "biu":
            return bool(np.array_equal(a_arr, b_arr))
        if a_arr.dtype.kind not in "biufc" or b_arr.dtype.kind not in "biufc":
            return bool(np.all(a_arr == b_arr)) if a_arr.dtype == b_arr.dtype else False
        rtol, atol = _tolerance(np.result_type(a_arr.dtype, b_arr.dtype))
        fa, fb = np.isfinite(a_arr), np.isfinite(b_arr)
        ok = np.isclose(a_arr, b_arr, rtol=rtol, atol=atol, equal_nan=True)
        ok |= ~fa & ~fb & (np.isnan(a_arr) == np.isnan(b_arr)) & (
            np.isnan(a_arr) | (a_arr == b_arr))
        if allow_repaired_overflow:
            ok |= ~fa & fb
        return bool(np.all(ok))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_values_match(x, y, allow_repaired_overflow)
                                        for x, y in zip(a, b))
    return True   # other kinds of values (random generators, ...) are not compared


def _difference(a, b):
    try:
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape:
            return f"  shapes {a_arr.shape} and {b_arr.shape}"
        diff = np.abs(a_arr.astype(np.float64) - b_arr.astype(np.float64))
        k = int(np.nanargmax(diff)) if diff.size and not np.all(np.isnan(diff)) else 0
        return (f"  largest difference {diff.reshape(-1)[k] if diff.size else 0!r} at flat index {k}"
                f": {a_arr.reshape(-1)[k] if a_arr.size else a_arr!r} against "
                f"{b_arr.reshape(-1)[k] if b_arr.size else b_arr!r}")
    except Exception:
        return f"  {a!r}\n  against\n  {b!r}"


def _copy(v):
    if isinstance(v, np.ndarray):
        return v.copy()
    copy = getattr(v, "copy", None)
    if callable(copy) and not isinstance(v, (int, float, complex, str, bytes)):
        try:
            return copy()
        except TypeError:
            return v
    return v


def _changed(before, after):
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape != after.shape or before.dtype != after.dtype:
            return True
        if before.dtype.kind in "fc":
            return not np.array_equal(before, after, equal_nan=True)
        return not np.array_equal(before, after)
    return False


def _type_problem(var, value, check_isfinite):
    """Why ``value`` does not fit ``var`` (None when it fits)."""
    t = var.type
    dtype = getattr(t, "dtype", None)
    broadcastable = getattr(t, "broadcastable", None)
    if dtype is None or broadcastable is None:
        valid = getattr(t, "is_valid_value", None)
        if valid is not None:
            try:
                if not valid(value):
                    return "the type does not accept this value"
            except Exception:
                return None
        return None
    if not isinstance(value, np.ndarray):
        return f"expected a numpy.ndarray, got {type(value).__name__}"
    if str(value.dtype) != str(dtype):
        return f"expected dtype {dtype}, got {value.dtype}"
    if value.ndim != len(broadcastable):
        return f"expected {len(broadcastable)} dimensions, got {value.ndim}"
    for d, (b, n) in enumerate(zip(broadcastable, value.shape)):
        if b and n != 1:
            return f"dimension {d} is broadcastable but has length {n}"
    if check_isfinite and value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
        return "non-finite values (NaN or inf); DebugMode(check_isfinite=False) allows them"
    return None


def _fast_impl(node):
    """The native backend's implementation of ``node`` (None when there is none of its own)."""
    try:
        from theano.link.numba.dispatch import numba_funcify
    except Exception:
        return None
    try:
        fn = numba_funcify(node.op, node)
    except Exception:
        return None
    if getattr(fn, "__name__", "").startswith("perform_"):
        return None   # the backend would run perform itself: nothing else to compare
    return fn


class _ReplacementRecorder:
    """A FunctionGraph feature that records every replacement made while rewriting."""

    def __init__(self):
        self.replacements = []   # (old variable, new variable, reason)

    def on_change_input(self, fgraph, node, i, old, new, reason):
        if old is not new:
            self.replacements.append((old, new, reason))


def _perform(node, args):
    """Run ``perform`` on copies of the arguments (so values shared with other nodes stay intact)."""
    cells = [[None] for _ in node.outputs]
    node.op.perform(node, [_copy(a) for a in args], cells)
    return [c[0] for c in cells]


class _DebugThunk:
    def __init__(self, mode, fgraph, original, recorder):
        self.mode = mode
        self.fgraph = fgraph
        self.original = original
        self.recorder = recorder
        self.fast = {}

    def _read_by_a_node(self, var):
        return any(client != "output" for client, _ in self.fgraph.clients.get(var, ()))

    def _introduced_by(self, node):
        """The rewrites whose replacements built ``node`` (names, in order)."""
        names = []
        inputs = list(self.fgraph.inputs)
        for old, new, reason in self.recorder.replacements:
            if reason in names or new.owner is None:
                continue
            if node in applys_between(inputs, [new]) and \
                    (old.owner is None or node not in applys_between(inputs, [old])):
                names.append(reason)
        return names

    def _checked_node(self, node, args):
        mode = self.mode
        ins = [_copy(a) for a in args]
        before = [_copy(a) for a in args]
        cells = [[None] for _ in node.outputs]
        try:
            node.op.perform(node, ins, cells)
        except Exception as exc:
            names = [str(n) for n in self._introduced_by(node) if n]
            if not names:
                raise
            _reraise_with_text(exc, f"The node {node} was made by the rewrite(s) "
                                    f"{', '.join(names)}.")
        outs = [c[0] for c in cells]
        for var, out in zip(node.outputs, outs):
            problem = _type_problem(var, out, mode.check_isfinite)
            if problem is not None:
                raise InvalidValueError(var, out, specific_hint=problem)
        destroyed = {i for v in node.op.destroy_map.values() for i in v}
        for k, (b, a) in enumerate(zip(before, ins)):
            if k not in destroyed and _changed(b, a):
                raise BadDestroyMap(node, k, b, a)
        for o, out in enumerate(outs):
            if not isinstance(out, np.ndarray):
                continue
            allowed = set(node.op.view_map.get(o, ())) | set(node.op.destroy_map.get(o, ()))
            for k, inp in enumerate(ins):
                if (k not in allowed and isinstance(inp, np.ndarray)
                        and np.may_share_memory(out, inp)):
                    raise BadViewMap(node, o, out, in_alias_idx=k)
            # two outputs sharing memory is a problem only where a later node could overwrite
            # one of them: not when the output is a declared view of an input (so is the
            # other), nor when either is only a result of the function or not used at all
            # (one output used as the buffer of another), as in Theano 1.0
            if allowed or not self._read_by_a_node(node.outputs[o]):
                continue
            for o2, other in enumerate(outs):
                if o2 != o and isinstance(other, np.ndarray) and other.size and out.size and \
                        self._read_by_a_node(node.outputs[o2]) and \
                        np.may_share_memory(out, other):
                    raise BadViewMap(node, o, out, out_alias_idx=o2)
        if mode.check_c_code:
            if node not in self.fast:
                self.fast[node] = _fast_impl(node)
            fast = self.fast[node]
            if fast is not None:
                got = fast(*[_copy(a) for a in args])
                got = list(got) if len(node.outputs) > 1 else [got]
                for var, ref, val in zip(node.outputs, outs, got):
                    if not _values_match(ref, val):
                        raise BadThunkOutput(var, "perform", ref, "the native backend", val, args)
        return outs

    def __call__(self, input_values):
        fgraph = self.fgraph
        memo = dict(zip(fgraph.inputs, input_values))
        outputs = evaluate(list(fgraph.outputs), memo, self._checked_node)
        for old, new, reason in self.recorder.replacements:
            old_val, new_val = evaluate([old, new], memo, _perform)
            if not _values_match(old_val, new_val, allow_repaired_overflow=True):
                raise BadOptimization(old, new, old_val, new_val, reason)
        omemo = dict(zip(self.original.inputs, input_values))
        expected = evaluate(list(self.original.outputs), omemo, _perform)
        for old, new, old_val, new_val in zip(self.original.outputs, fgraph.outputs, expected,
                                              outputs):
            if not _values_match(old_val, new_val, allow_repaired_overflow=True):
                raise BadOptimization(old, new, old_val, new_val, "the rewrites as a whole")
        return [_copy(v) for v in outputs]


class _DebugLinker:
    name = "py"

    def __init__(self, mode):
        self.mode = mode

    def required_rewrites(self):
        return ()

    def make_thunk(self, fgraph, profile=None):
        recorder = fgraph.get_feature(_ReplacementRecorder) or _ReplacementRecorder()
        original = getattr(recorder, "original", None) or fgraph.clone()
        return _DebugThunk(self.mode, fgraph, original, recorder)


class DebugMode(Mode):
    """A mode that checks every node and every rewrite while it runs (see the module docstring).

    ``check_isfinite`` (default ``config.DebugMode__check_finite``, True): NaN/inf outputs raise.
    ``check_c_code`` / ``check_py_code``: compare the native backend's node implementations with
    ``perform`` (default True). The other arguments of Theano 1.0 are accepted.
    """

    def __init__(self, optimizer="fast_run", stability_patience=None, check_c_code=None,
                 check_py_code=None, check_isfinite=None, check_preallocated_output=None,
                 require_matching_strides=None, linker=None, including=(), excluding=(),
                 requiring=()):
        if linker not in (None, "py", "vm", "cvm", "c|py", "c", "c|py_nogc"):
            raise ValueError("DebugMode runs every node on the reference implementation; "
                             f"it takes no other linker (got {linker!r})")
        super().__init__(linker="py", optimizer=optimizer, including=including,
                         excluding=excluding, requiring=requiring)
        self.check_isfinite = _flag(check_isfinite, "DebugMode__check_finite", True)
        self.check_c_code = _flag(check_c_code, "DebugMode__check_c", True)
        self.check_py_code = _flag(check_py_code, "DebugMode__check_py", True)
        self.stability_patience = stability_patience
        self.check_preallocated_output = check_preallocated_output
        self.require_matching_strides = require_matching_strides

    @property
    def linker(self):
        return _DebugLinker(self)

    def optimize(self, fgraph):
        recorder = _ReplacementRecorder()
        recorder.original = fgraph.clone()
        fgraph.attach_feature(recorder)
        super().optimize(fgraph)
        patience = self.stability_patience
        if patience is not None and int(patience) >= 2:
            # rewrite fresh copies of the original graph: each must come out the same
            first = None
            for trial in range(int(patience)):
                fg = recorder.original.clone()
                super().optimize(fg)
                if first is None:
                    first = fg
                elif not equal_computations(first.outputs, fg.outputs, first.inputs, fg.inputs):
                    raise StochasticOrder(
                        f"DebugMode: rewriting the same graph gave {fg} at trial {trial + 1} and "
                        f"{first} at the first (stability_patience={patience}): some rewrite "
                        "depends on something other than the graph")

    def _copy(self, **changes):
        kw = dict(optimizer=self.optimizer, check_isfinite=self.check_isfinite,
                  check_c_code=self.check_c_code, check_py_code=self.check_py_code,
                  stability_patience=self.stability_patience,
                  check_preallocated_output=self.check_preallocated_output,
                  require_matching_strides=self.require_matching_strides,
                  including=self.including_tags, excluding=self.excluding_tags,
                  requiring=self.requiring_tags)
        changes.pop("linker", None)
        kw.update(changes)
        return DebugMode(**kw)

    def __str__(self):
        return f"DebugMode(optimizer={self.optimizer}, check_isfinite={self.check_isfinite})"

    __repr__ = __str__


def _reraise_with_text(exc, text):
    """Raise ``exc`` again (same class) with ``text`` added to its message."""
    msg = f"{exc}\n{text}"
    try:
        new = type(exc)(msg)
    except Exception:
        new = None
    if new is None or str(new) != msg:
        if hasattr(exc, "add_note"):
            exc.add_note(text)
        raise exc
    raise new.with_traceback(exc.__traceback__) from None


def _flag(value, name, default):
    if value is not None:
        return bool(value)
    v = getattr(config, name, None)
    if v in (None, ""):
        return default
    return str(v).lower() in ("1", "true", "yes", "on")


__all__ = ["DebugMode", "DebugModeError", "BadThunkOutput", "BadOptimization", "BadDestroyMap",
           "BadViewMap", "StochasticOrder", "InvalidValueError"]
