"""Building a compiled function: ``FunctionMaker``, the pipeline from ``theano.function``'s
arguments to a thunk (``docs/architecture.md``, "From theano.function() to a result").

``FunctionMaker.__init__`` runs the steps in order, each a method below with its own docstring:

1. ``_normalize``: inputs become ``In`` specs, outputs ``Out`` specs, the input updates are checked;
2. ``_givens``: the givens become pairs, none of which may replace an explicit input;
3. ``_collect_updates``: the outputs and update expressions are rebuilt with the givens substituted,
   and the explicit updates, the input updates and the shared variables' default updates collected;
4. ``_check``: unused inputs, undefined gradients and missing inputs;
5. ``_build_graph``: the FunctionGraph (explicit inputs, then shared variables) and its update mapping;
   in-place ops the user put in the graph are refused, or with ``accept_inplace`` checked and
   made safe, and ``In(x, mutable=True)`` arguments offered to the in-place rewrites
   (``theano.compile.inplace``; ``destroyed_inputs``: the arguments a call overwrites);
6. ``_rewrite``: the mode's optimizer;
7. ``_link``: the mode's backend makes the thunk; then ``_plan_copies`` decides, once, which outputs
   and updates a call must copy.

``create()`` returns the calling object, ``theano.compile.function.Function``.
"""

import copy
import time
import warnings

from theano.compile.inplace import InputsDestroyHandler, allow_explicit_inplace, destroyed_inputs
from theano.compile.inplace import repair as repair_inplace
from theano.compile.io import In, Out
from theano.compile.ops import deep_copy_op
from theano.compile.mode import get_mode
from theano.compile.pfunc import normalize_pairs, rebuild_collect_shared
from theano.compile.profiling import ProfileStats
from theano.compile.sharedvalue import SharedVariable
from theano.compile.theano1_pickle import fix_deferred_nodes
from theano.configdefaults import config
from theano.gradient import NullType, NullTypeGradError
from theano.graph.basic import Constant, Variable, ancestors, view_roots
from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.fg import FunctionGraph, MissingInputError
from theano.graph.op import test_values_suspended
from theano.graph.utils import user_frame
from theano.link.legacy import Linker as LegacyLinker



class OutputKeyError(TypeError, AssertionError):
    """A dict of outputs with a key that is not a string (Theano 1.0 asserted it)."""

class UnusedInputError(ValueError):
    """An explicit input is not needed to compute the outputs."""


def _constant_of_type(ttype, data):
    """A constant holding ``data`` (already filtered by ``ttype``) whose type is exactly ``ttype``."""
    from theano.tensor.basic import constant

    c = constant(data)
    if c.type != ttype:
        # constants mark every length-1 dimension broadcastable; relax to the target's pattern
        c = ttype.convert_variable(c) or c
    return c


def _convert_to_type(target, value, what):
    """Express ``value`` (a variable or Python value) as ``target``'s type; None if it cannot be.

    A Python value or a constant is converted when nothing is lost (``givens=[(y, 5)]`` for a
    float64 ``y``); a variable must have the type, or one ``convert_variable`` accepts.
    """
    from theano.tensor.type import TensorType

    is_tensor = isinstance(target.type, TensorType)
    if not isinstance(value, Variable):
        if not is_tensor:
            return target.type.make_constant(value)
        try:
            data = target.type.filter(value, allow_downcast=None)
        except TypeError as exc:
            raise TypeError(f"{what}: the value {value!r} cannot stand for {target} ({target.type}): {exc}") from None
        return _constant_of_type(target.type, data)
    if value.type == target.type:
        return value
    conv = target.type.convert_variable(value)
    if conv is not None:
        return conv
    if is_tensor and isinstance(value, Constant) and isinstance(value.type, TensorType) \
            and value.ndim == target.ndim:
        try:
            return _constant_of_type(target.type, target.type.filter(value.data))
        except TypeError:
            pass
    return None


def _cast_hint(target, value):
    return (
        f"Cast the expression to the shared variable's dtype, e.g. "
        f"`T.cast(expr, '{target.type.dtype}')` or `expr.astype('{target.type.dtype}')`"
        + (", or use float32 throughout (THEANO_FLAGS=floatX=float32 makes Python floats float32)"
           if getattr(target.type, "dtype", "") == "float32" else "")
        + ". If only the broadcast pattern differs, use T.unbroadcast/T.patternbroadcast."
    )


class FunctionMaker:
    """Builds a Function; kept as ``f.maker`` (``f.maker.fgraph`` is the compiled graph).

    The arguments are ``theano.function``'s. Building runs the steps of the module docstring in
    order; each leaves its result on ``self`` (``inputs``, ``outputs``, ``update_targets``,
    ``shared_vars``, ``fgraph``, ``thunk``, ``copy_output``/``copy_update``), which the calling
    object reads.
    """

    def __reduce__(self):
        # pickled as the arguments it was built from (as a Function is): loading builds it again
        return (_rebuild_maker, (self.build_args,))

    def __copy__(self):
        # a shallow copy shares the compiled graph and thunk (Function.copy relies on it)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __init__(self, inputs, outputs, mode=None, updates=None, givens=None,
                 no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
                 allow_input_downcast=None, profile=None, on_unused_input=None, trust_input=False):
        t0 = time.perf_counter()
        if updates is not None and not hasattr(updates, "items") and not isinstance(updates, (list, tuple)):
            updates = list(updates)  # an iterable of pairs (a generator) is read more than once
        self.build_args = dict(inputs=inputs, outputs=outputs, mode=mode, updates=updates,
                               givens=givens, no_default_updates=no_default_updates,
                               accept_inplace=accept_inplace, name=name, rebuild_strict=rebuild_strict,
                               allow_input_downcast=allow_input_downcast,
                               on_unused_input=on_unused_input, trust_input=trust_input)
        self.mode = get_mode(mode)
        self.name = name
        self.trace = user_frame()
        self.allow_input_downcast = allow_input_downcast
        self.trust_input = trust_input
        on_unused_input = _on_unused_input_policy(on_unused_input)

        in_update_exprs = self._normalize(inputs, outputs)
        # nodes of a graph pickled by Theano 1.0 that could not be checked when read
        fix_deferred_nodes([o.variable for o in self.outputs] + list(in_update_exprs) +
                           [s.variable for s in self.inputs] + _variables_of(updates))
        givens_pairs = self._givens(givens)
        out_vars, upd_exprs = self._collect_updates(givens_pairs, updates, in_update_exprs,
                                                    rebuild_strict, no_default_updates)
        self._check(out_vars, upd_exprs, on_unused_input)
        self._build_graph(out_vars, upd_exprs)
        # In(x, mutable=True): the caller gives the array up (an input with an update holds the
        # function's state, which a failing call must leave intact: never overwritten)
        mutable = [k for k, spec in enumerate(self.inputs) if spec.mutable and spec.update is None]
        allow_explicit_inplace(self.fgraph, len(self.inputs), accept_inplace, mutable)
        # the safe DestroyHandler from the start: a Theano 1.0 optimizer that attaches its own
        # DestroyHandler (which lets graph inputs be overwritten) then leaves this one in charge
        get_destroy_handler(self.fgraph)
        t1 = time.perf_counter()
        self._rewrite()
        if self.fgraph.get_feature(InputsDestroyHandler) is not None:
            repair_inplace(self.fgraph)
        self._copy_returned_inputs()
        self.destroyed_inputs = destroyed_inputs(self.fgraph, len(self.inputs))
        t2 = time.perf_counter()
        self._link(profile)
        self._record_times(t0, t1, t2, time.perf_counter())
        self._plan_copies()
        self.none_ok = self._inputs_that_take_none()

    # -- the steps, in order -----------------------------------------------------------------------
    def _normalize(self, inputs, outputs):
        """Step 1: wrap the inputs as ``In`` and the outputs as ``Out`` specs.

        Sets ``inputs``, ``outputs``, ``output_kind`` ('single', 'list' or 'dict') and
        ``output_keys``; returns the update expressions of the inputs that have one
        (``In(v, value=..., update=expr)``), each converted to its input's type.
        """
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(
                "Input variables of a Theano function should be contained in a list, even when "
                f"there is a single input (got {type(inputs).__name__}: {inputs!r})."
            )
        self.inputs = [self._wrap_input(i, k) for k, i in enumerate(inputs)]
        input_vars = [s.variable for s in self.inputs]
        for k, v in enumerate(input_vars):
            if v in input_vars[k + 1:]:
                raise UnusedInputError(
                    f"Variable {v} is given twice in the inputs of theano.function, at indices {k} "
                    f"and {input_vars.index(v, k + 1)}; the value given for one of them would be "
                    "ignored. Give each variable once."
                )
        self.output_kind, self.outputs, self.output_keys = self._wrap_outputs(outputs)
        self.input_update_indices = [k for k, spec in enumerate(self.inputs) if spec.update is not None]
        return [self._check_input_update(self.inputs[k]) for k in self.input_update_indices]

    def _givens(self, givens):
        """Step 2: the givens as a list of (variable, replacement) pairs.

        A given may not replace an explicit input: the replacement would have no effect.
        Converting each replacement to its variable's type happens when it is substituted (step 3).
        """
        pairs = normalize_pairs(givens, "givens")
        input_set = {s.variable for s in self.inputs}
        for old, _ in pairs:
            if old in input_set:
                raise RuntimeError(
                    f"You are trying to replace the variable {old} through `givens`, but it is an "
                    "input of the function, so the replacement would have no effect. Define a new "
                    "input y and use theano.function([y], f(x), givens={x: g(y)}) instead, or "
                    "theano.clone(f(x), replace={x: g(x)})."
                )
        return pairs

    def _collect_updates(self, givens_pairs, updates, in_update_exprs, rebuild_strict,
                         no_default_updates):
        """Step 3: substitute the givens and collect every update.

        One walk (``rebuild_collect_shared``, in Theano's order) rebuilds the outputs and the
        input updates with the givens applied, checks the explicit updates, and adds the
        ``default_update`` of every shared variable it reaches (unless updated explicitly or
        excluded by ``no_default_updates``), walking the new update expressions in turn, since
        they may reach further shared variables. Sets ``update_targets`` and ``shared_vars`` (every
        shared variable read or updated); returns the rebuilt outputs and the update expressions
        (shared variables' first, then the inputs').
        """
        n_out = len(self.outputs)
        input_vars = [s.variable for s in self.inputs]
        _, rebuilt, (_, _, update_expr, shared_vars) = rebuild_collect_shared(
            [o.variable for o in self.outputs] + in_update_exprs, input_vars,
            replace=givens_pairs, updates=updates, rebuild_strict=rebuild_strict,
            copy_inputs_over=True, no_default_updates=no_default_updates)
        self.update_targets = [t for t, _ in update_expr]
        self.shared_vars = shared_vars
        return rebuilt[:n_out], [e for _, e in update_expr] + rebuilt[n_out:]

    def _check(self, out_vars, upd_exprs, on_unused_input):
        """Step 4: every explicit input is used; every root is an input, a shared variable or a
        constant; no undefined gradient (NullType) is left to compute."""
        input_vars = [s.variable for s in self.inputs]
        used = set(ancestors(out_vars + upd_exprs, input_vars))
        for k, v in enumerate(input_vars):
            if v in used:
                continue
            msg = (
                f"theano.function was asked to create a function computing outputs given "
                f"certain inputs, but the provided input variable at index {k} ({v}) "
                "is not part of the computational graph needed to compute the outputs."
            )
            if on_unused_input == "raise":
                raise UnusedInputError(
                    msg + " To make this error a warning, pass on_unused_input='warn' to "
                    "theano.function; to ignore it, on_unused_input='ignore'."
                )
            if on_unused_input == "warn":
                warnings.warn(msg, stacklevel=4)
        known = set(input_vars) | set(self.shared_vars)
        for v in ancestors(out_vars + upd_exprs, input_vars + self.shared_vars):
            if isinstance(v.type, NullType):
                raise NullTypeGradError(
                    f"theano.function: the graph contains an undefined gradient ({v.type.why_null}); "
                    "it has no value and cannot be computed."
                )
            if v.owner is None and not isinstance(v, Constant) and v not in known:
                raise MissingInputError(
                    f"theano.function: the outputs depend on the variable {v} ({v.type}), which is "
                    "neither among the inputs nor a shared variable or constant. Add it to the "
                    "inputs list, or give its value with `givens`."
                )

    def _build_graph(self, out_vars, upd_exprs):
        """Step 5: the FunctionGraph, a clone (rewriting never touches the user's variables).

        Inputs: the explicit inputs, then the shared variables. Outputs: the user's outputs, then
        the update expressions. ``fgraph.update_mapping`` maps each update output's index to the
        index of the input it updates.
        """
        input_vars = [s.variable for s in self.inputs]
        n_out, n_in = len(out_vars), len(input_vars)
        self.fgraph = FunctionGraph(input_vars + self.shared_vars, out_vars + upd_exprs, clone=True)
        self.fgraph.n_explicit_inputs = n_in
        self.fgraph.name = self.name     # the function's name (Theano 1.0's fgraph.name)
        self.fgraph.n_user_outputs = n_out
        mapping = {n_out + j: n_in + self.shared_vars.index(t)
                   for j, t in enumerate(self.update_targets)}
        for m, k in enumerate(self.input_update_indices):
            mapping[n_out + len(self.update_targets) + m] = k
        self.fgraph.update_mapping = mapping

    def _rewrite(self):
        """Step 6: rewrite the graph in place with the mode's optimizer (test values suspended)."""
        with test_values_suspended():
            self.mode.optimize(self.fgraph)

    def _link(self, profile):
        """Step 7: the mode's backend turns the graph into ``self.thunk`` (a callable from the list
        of input values to the list of output values). ``profile`` (None: ``config.profile``;
        True or a name: a new ProfileStats) becomes ``self.profile``, which the backend fills."""
        if profile is None:
            profile = config.profile
        if profile is True or isinstance(profile, str):
            profile = ProfileStats(name=self.name if isinstance(profile, bool) else profile)
        self.profile = profile or None
        self.linker = self.mode.linker
        if isinstance(self.linker, LegacyLinker):
            # Theano 1.0: ``f.maker.linker`` is a copy of the mode's linker that accepted this
            # function's graph (``f.maker.linker.make_all()``); the mode's own stays unattached
            self.linker = copy.copy(self.linker).accept(self.fgraph)
        with test_values_suspended():
            self.thunk = self.linker.make_thunk(self.fgraph, profile=self.profile)

    def _record_times(self, t0, t1, t2, t3):
        """Into the profile, if any: the compile, rewrite and link times and how each node runs."""
        if self.profile is None:
            return
        self.profile.compile_time = t3 - t0
        self.profile.optimizer_time = t2 - t1
        self.profile.linker_time = t3 - t2
        self.profile.linker_name = getattr(self.linker, "name", None)
        self.profile.fgraph = self.fgraph
        self.profile.node_path.update(getattr(self.thunk, "node_paths", ()))

    # -- helpers of the steps ------------------------------------------------------------------
    def _wrap_input(self, inp, k):
        if isinstance(inp, In):
            spec = inp
        elif isinstance(inp, Variable):
            spec = In(inp)
        else:
            raise TypeError(
                f"Input {k} of theano.function is a {type(inp).__name__} ({inp!r}), not a symbolic "
                "variable. Inputs must be variables such as T.dvector('x'), or theano.In(variable)."
            )
        v = spec.variable
        if isinstance(v, SharedVariable):
            raise TypeError(
                f"Cannot use a shared variable ({v}) as explicit input of theano.function: its "
                "value is already known to the function. Remove it from inputs, or substitute a "
                "non-shared variable for it with `givens`."
            )
        if isinstance(v, Constant):
            raise TypeError(
                f"Input {k} of theano.function is a constant ({v}); inputs must be free variables."
            )
        if spec.allow_downcast is None:
            spec.allow_downcast = self.allow_input_downcast
        return spec

    def _wrap_outputs(self, outputs):
        if outputs is None:
            return "list", [], None
        if isinstance(outputs, dict):
            bad = [k for k in outputs if not isinstance(k, str)]
            if bad:
                raise OutputKeyError(
                    f"theano.function: the keys of a dict of outputs must be strings (the names "
                    f"the call returns them under), got {', '.join(repr(k) for k in bad)}")
            # in the order of their keys, as Theano 1.0 (f.outputs, f.maker.outputs)
            keys = sorted(outputs)
            specs = [self._wrap_output(outputs[k], k) for k in keys]
            return "dict", specs, keys
        if isinstance(outputs, (list, tuple)):
            return "list", [self._wrap_output(o, k) for k, o in enumerate(outputs)], None
        return "single", [self._wrap_output(outputs, 0)], None

    def _wrap_output(self, out, k):
        from theano.tensor.basic import as_tensor_variable

        if isinstance(out, Out):
            return out
        if isinstance(out, Variable):
            return Out(out)
        try:
            return Out(as_tensor_variable(out))
        except TypeError:
            raise TypeError(
                f"Output {k!r} of theano.function is a {type(out).__name__} ({out!r}); outputs must "
                "be symbolic variables."
            ) from None

    def _check_input_update(self, spec):
        """The update expression of an explicit input ``In(v, value=..., update=expr)``, of v's type."""
        expr = spec.update
        conv = _convert_to_type(spec.variable, expr, f"In({spec.variable}, update=...)")
        if conv is None:
            raise TypeError(
                f"The update of the input {spec.variable} ({spec.variable.type}) must have its type; "
                f"got {expr} ({getattr(expr, 'type', type(expr).__name__)}). "
                + _cast_hint(spec.variable, expr)
            )
        return conv

    def _copy_returned_inputs(self):
        """An output that is an input, a view of one (``x[1:]``, ``x.T``), a constant or shares
        memory with a later output, which a call would otherwise copy, becomes a ``DeepCopyOp``
        node of the graph, as in Theano 1.0's compiled graphs (``tensor_copy(x)`` compiles to one
        DeepCopyOp, ``x[2:][0]`` to a Subtensor and a DeepCopyOp, a graph folded to a constant to
        the DeepCopyOp of that constant). Not for an output returned borrowed (``Out(v, borrow=True)``) from a constant or from an
        argument lent to the function (``In(x, borrow=True)``): that one is returned as is. Not
        with ``trust_input=True`` either: scan compiles its loop body so and runs the bare thunk,
        whose compiled-loop tier has no DeepCopyOp (the call path copies such outputs itself)."""
        if self.trust_input:
            return
        fg = self.fgraph
        n_in = len(self.inputs)
        n_out = fg.n_user_outputs
        roots = [set(_view_map_roots(fg.outputs[k])) for k in range(n_out)]
        for k in range(n_out):
            v = fg.outputs[k]
            borrow = self.outputs[k].borrow
            copy = False
            for r in roots[k]:
                if isinstance(r, Constant):
                    copy = copy or not borrow
                elif r in fg.inputs:
                    pos = fg.inputs.index(r)
                    lent = pos < n_in and self.inputs[pos].borrow
                    copy = copy or not (lent and borrow)
            # an output that shares memory with a later one ([exp(x)[0], exp(x)]) is copied,
            # unless both are borrowed
            copy = copy or any(roots[k] & roots[j] and not (borrow and self.outputs[j].borrow)
                               for j in range(k + 1, n_out))
            if copy:
                fg.change_input("output", k, deep_copy_op(v), reason="copy_returned_input")
                roots[k] = set()

    def _inputs_that_take_none(self):
        """Per explicit input: True when every node reading it accepts None there (an op's
        ``none_inputs``, as Eye's M), so that a call may pass None for it (Theano 1.0 passed None
        through unchecked; here only where the graph can take it)."""
        fg = self.fgraph
        out = []
        for v in fg.inputs[:len(self.inputs)]:
            clients = fg.clients.get(v, ())
            out.append(bool(clients) and all(
                node != "output" and i in getattr(node.op, "none_inputs", ()) for node, i in clients))
        return out

    def _plan_copies(self):
        """Decide which outputs and updates must be copied so that no two owners share memory."""
        fg = self.fgraph
        n_out = fg.n_user_outputs
        input_set = set(fg.inputs)
        roots_of = [view_roots(v) for v in fg.outputs]
        # an argument the caller did not lend (In(borrow=False), the default) is never returned,
        # even as a view, whatever the output's own borrow flag says (Theano's contract for In)
        not_lent = {fg.inputs[k] for k, spec in enumerate(self.inputs) if not spec.borrow}
        self.copy_output = []
        for k in range(n_out):
            roots = roots_of[k]
            borrow = self.outputs[k].borrow
            risky = any(r in input_set or isinstance(r, Constant) for r in roots)
            shared_with_other = any(
                j != k and set(roots) & set(roots_of[j]) for j in range(len(fg.outputs)))
            aliases_argument = any(r in not_lent for r in roots)
            self.copy_output.append(aliases_argument or ((risky or shared_with_other) and not borrow))
        # a shared variable this call replaces: after the call its container no longer holds its
        # old value, so another update may take that value (or a view of it) without a copy
        # (``updates=[(a, b), (b, a)]`` swaps the two arrays); read before any update is written
        n_explicit = fg.n_explicit_inputs
        replaced = {fg.inputs[i] for i in fg.update_mapping.values() if i >= n_explicit}
        self.copy_update = []
        for k in range(n_out, len(fg.outputs)):
            roots = roots_of[k]
            own = fg.inputs[fg.update_mapping[k]]
            risky = any((r in input_set and r is not own and r not in replaced)
                        or isinstance(r, Constant) for r in roots)
            shared_with_other = any(
                j != k and set(roots) & set(roots_of[j]) for j in range(n_out, len(fg.outputs)))
            self.copy_update.append(risky or shared_with_other)

    @property
    def expanded_inputs(self):
        """Theano 1.0's list of every input of the compiled graph, in its order: the ``In`` of
        each explicit input, then an ``In`` per shared variable whose ``value`` is the variable's
        container (``expanded_inputs[k].value.data = v`` sets the shared value)."""
        updated = set(self.update_targets)
        return list(self.inputs) + [
            In(v, name=v.name, value=v.container, mutable=v in updated, implicit=True, shared=True)
            for v in self.shared_vars]

    def create(self):
        """The calling object over this maker: a ``theano.compile.function.Function``."""
        # the calling half imports this module, so it is imported here, when first needed
        from theano.compile.function import Function

        return Function(self)


def _on_unused_input_policy(on_unused_input):
    """``on_unused_input`` checked: None means ``config.on_unused_input``."""
    if on_unused_input is None:
        on_unused_input = config.on_unused_input
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_unused_input must be 'raise', 'warn' or 'ignore', got {on_unused_input!r}")
    return on_unused_input


def _view_map_roots(var):
    """The variables whose memory ``var`` is a view of, through the ops' view_map (not their
    destroy_map: the result of an in-place op is its own value)."""
    roots = []
    stack = [var]
    while stack:
        v = stack.pop()
        owner = v.owner
        aliased = None if owner is None else (getattr(owner.op, "view_map", None) or {}).get(v.index)
        if aliased:
            stack.extend(owner.inputs[i] for i in aliased)
        else:
            roots.append(v)
    return roots


def _rebuild_maker(build_args):
    """Unpickling of a FunctionMaker: build it again from its arguments."""
    return FunctionMaker(**build_args)


def _variables_of(updates):
    """The variables of ``updates`` (a dict or pairs), for walks that only read them."""
    if updates is None:
        return []
    items = updates.items() if hasattr(updates, "items") else updates
    out = []
    for pair in items:
        if isinstance(pair, (list, tuple)):
            out.extend(v for v in pair if isinstance(v, Variable))
    return out
