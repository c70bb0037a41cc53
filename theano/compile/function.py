"""theano.function: from symbolic inputs and outputs to a callable.

Building (``FunctionMaker``): normalize inputs/outputs/updates, apply ``givens`` by cloning the graph,
add the default updates of shared variables, check everything the user gave (with errors that say
what to do), make a FunctionGraph whose inputs are the explicit inputs followed by the shared
variables, rewrite it (the mode's optimizer) and hand it to the mode's backend.

Calling (``Function.__call__``): match arguments to inputs (by position, by name, defaults), check and
convert each value to its type, read the shared variables' containers, run, then copy outputs that
could alias storage the user or a shared variable holds, and only then write all updates at once. A
call that raises writes nothing.
"""

import copy
import time
import warnings
from collections import OrderedDict

import numpy as np

from theano.compile.io import In, Out
from theano.compile.mode import get_mode
from theano.compile.pfunc import normalize_pairs, rebuild_collect_shared
from theano.compile.profiling import ProfileStats
from theano.compile.sharedvalue import Container, SharedVariable
from theano.configdefaults import config
from theano.graph.basic import Constant, Variable, ancestors, clone_replace, view_roots
from theano.graph.fg import FunctionGraph, MissingInputError
from theano.graph.op import test_values_suspended
from theano.graph.utils import user_frame
from theano.gradient import NullType, NullTypeGradError


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
    """Builds a Function; kept as ``f.maker`` (``f.maker.fgraph`` is the compiled graph)."""

    def __init__(self, inputs, outputs, mode=None, updates=None, givens=None,
                 no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
                 allow_input_downcast=None, profile=None, on_unused_input=None, trust_input=False):
        t0 = time.perf_counter()
        self.build_args = dict(inputs=inputs, outputs=outputs, mode=mode, updates=updates,
                               givens=givens, no_default_updates=no_default_updates,
                               name=name, rebuild_strict=rebuild_strict,
                               allow_input_downcast=allow_input_downcast,
                               on_unused_input=on_unused_input, trust_input=trust_input)
        self.mode = get_mode(mode)
        self.name = name
        self.trace = user_frame()
        self.allow_input_downcast = allow_input_downcast
        if on_unused_input is None:
            on_unused_input = config.on_unused_input
        if on_unused_input not in ("raise", "warn", "ignore"):
            raise ValueError(f"on_unused_input must be 'raise', 'warn' or 'ignore', got {on_unused_input!r}")
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

        # outputs
        self.output_kind, out_specs, self.output_keys = self._wrap_outputs(outputs)
        self.outputs = out_specs

        # givens may not replace an explicit input (that would have no effect)
        givens_pairs = normalize_pairs(givens, "givens")
        input_set = set(input_vars)
        for old, _ in givens_pairs:
            if old in input_set:
                raise RuntimeError(
                    f"You are trying to replace the variable {old} through `givens`, but it is an "
                    "input of the function, so the replacement would have no effect. Define a new "
                    "input y and use theano.function([y], f(x), givens={x: g(y)}) instead, or "
                    "theano.clone(f(x), replace={x: g(x)})."
                )

        # updates of explicit inputs (In(s, value=..., update=...)): state kept by the function
        in_update_idx = [k for k, spec in enumerate(self.inputs) if spec.update is not None]
        in_update_exprs = [self._check_input_update(self.inputs[k]) for k in in_update_idx]

        # givens, updates, default updates and the shared variables read, as Theano collects them
        n_out = len(out_specs)
        _, rebuilt, (_, _, update_expr, shared_vars) = rebuild_collect_shared(
            [o.variable for o in out_specs] + in_update_exprs, input_vars, replace=givens_pairs,
            updates=updates, rebuild_strict=rebuild_strict, copy_inputs_over=True,
            no_default_updates=no_default_updates)
        out_vars = rebuilt[:n_out]
        in_update_exprs = rebuilt[n_out:]
        upd_targets = [t for t, _ in update_expr]
        upd_exprs = [e for _, e in update_expr] + in_update_exprs
        self.update_targets = upd_targets
        self.input_update_indices = in_update_idx

        # unused inputs
        used = set(ancestors(out_vars + upd_exprs, input_vars))
        for k, spec in enumerate(self.inputs):
            if spec.variable not in used:
                msg = (
                    f"theano.function was asked to create a function computing outputs given "
                    f"certain inputs, but the provided input variable at index {k} ({spec.variable}) "
                    "is not part of the computational graph needed to compute the outputs."
                )
                if on_unused_input == "raise":
                    raise UnusedInputError(
                        msg + " To make this error a warning, pass on_unused_input='warn' to "
                        "theano.function; to ignore it, on_unused_input='ignore'."
                    )
                if on_unused_input == "warn":
                    warnings.warn(msg, stacklevel=3)

        # the graph's inputs: explicit inputs, then every shared variable read or updated
        self.shared_vars = shared_vars
        for v in ancestors(out_vars + upd_exprs, input_vars + shared_vars):
            if isinstance(v.type, NullType):
                raise NullTypeGradError(
                    f"theano.function: the graph contains an undefined gradient ({v.type.why_null}); "
                    "it has no value and cannot be computed."
                )
            if v.owner is None and not isinstance(v, Constant) and v not in input_set \
                    and v not in shared_vars:
                raise MissingInputError(
                    f"theano.function: the outputs depend on the variable {v} ({v.type}), which is "
                    "neither among the inputs nor a shared variable or constant. Add it to the "
                    "inputs list, or give its value with `givens`."
                )

        fg_outputs = out_vars + upd_exprs
        self.fgraph = FunctionGraph(input_vars + shared_vars, fg_outputs, clone=True)
        self.fgraph.n_explicit_inputs = len(input_vars)
        self.fgraph.n_user_outputs = len(out_vars)
        mapping = {n_out + j: len(input_vars) + shared_vars.index(t)
                   for j, t in enumerate(upd_targets)}
        for m, k in enumerate(in_update_idx):
            mapping[n_out + len(upd_targets) + m] = k
        self.fgraph.update_mapping = mapping
        t1 = time.perf_counter()
        with test_values_suspended():
            self.mode.optimize(self.fgraph)
        t2 = time.perf_counter()

        if profile is None:
            profile = config.profile
        if profile is True or isinstance(profile, str):
            profile = ProfileStats(name if isinstance(profile, bool) or profile is True else profile)
        self.profile = profile or None
        self.linker = self.mode.linker
        with test_values_suspended():
            self.thunk = self.linker.make_thunk(self.fgraph, profile=self.profile)
        t3 = time.perf_counter()
        if self.profile is not None:
            self.profile.compile_time = t3 - t0
            self.profile.optimizer_time = t2 - t1
            self.profile.linker_time = t3 - t2
            self.profile.linker_name = getattr(self.linker, "name", None)
            self.profile.node_path.update(getattr(self.thunk, "node_paths", ()))
        self.trust_input = trust_input
        self._plan_copies()

    # -- checks ---------------------------------------------------------------------------------
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
            keys = list(outputs.keys())
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
        self.copy_update = []
        for k in range(n_out, len(fg.outputs)):
            roots = roots_of[k]
            own = fg.inputs[fg.update_mapping[k]]
            risky = any((r in input_set and r is not own) or isinstance(r, Constant) for r in roots)
            shared_with_other = any(
                j != k and set(roots) & set(roots_of[j]) for j in range(n_out, len(fg.outputs)))
            self.copy_update.append(risky or shared_with_other)

    def create(self):
        return Function(self)


class Function:
    """A compiled function. Call it with values for its inputs (by position or by name)."""

    def __init__(self, maker, input_containers=None, swap=None):
        self.maker = maker
        self.name = maker.name
        self.profile = maker.profile
        self._trust_input = maker.trust_input
        self._thunk = maker.thunk
        self._specs = maker.inputs
        self._n_in = len(maker.inputs)
        self._types = [s.variable.type for s in maker.inputs]
        self._ndims = [getattr(t, "ndim", None) for t in self._types]
        # one storage cell per explicit input: its default value / internal state (In(value=...,
        # update=...)); In(value=other_function.container[v]) shares the cell with another function
        if input_containers is None:
            input_containers = [self._make_input_container(s) for s in maker.inputs]
        self._input_containers = list(input_containers)
        swap = swap or {}
        self._containers = [swap[v].container if v in swap else v.container
                            for v in maker.shared_vars]
        self._n_out = len(maker.outputs)
        self._update_containers = (
            [swap[v].container if v in swap else v.container for v in maker.update_targets]
            + [self._input_containers[k] for k in maker.input_update_indices])
        self._copy_output = maker.copy_output
        self._copy_update = maker.copy_update
        self._kind = maker.output_kind
        self._keys = maker.output_keys
        names = {}
        for k, spec in enumerate(maker.inputs):
            if spec.name is not None:
                names.setdefault(spec.name, k)
        self._names = names
        # per input: the dtype and ndim an ndarray must have to skip the type's filter
        self._checks = []
        for k, t in enumerate(self._types):
            dt = getattr(t, "numpy_dtype", None)
            if dt is None or getattr(t, "_bcast_dims", ()) or self._specs[k].strict is None:
                dt = None
            self._checks.append((dt, getattr(t, "ndim", -1), k))
        # no copies, no updates, list/single outputs: return the thunk's results directly
        self._simple = (not any(self._copy_output) and not self._update_containers
                        and self._kind != "dict")
        self._fast = self._build_fast_call()

    @property
    def trust_input(self):
        """True: arguments are used as given, without checks or conversion (set it to skip them)."""
        return self._trust_input

    @trust_input.setter
    def trust_input(self, value):
        self._trust_input = bool(value)
        self._fast = self._build_fast_call()

    # -- arguments ------------------------------------------------------------------------------
    def _where(self):
        t = self.maker.trace
        nm = f' "{self.name}"' if self.name else ""
        if t is None:
            return f"theano function{nm}"
        return f"theano function{nm} (defined at {t.filename}:{t.lineno})"

    def _bind(self, args, kwargs):
        n = self._n_in
        if len(args) > n:
            raise TypeError(f"{self._where()} takes at most {n} argument(s) ({len(args)} given)")
        values = list(args) + [_MISSING] * (n - len(args))
        for key, val in kwargs.items():
            k = self._names.get(key)
            if k is None:
                known = ", ".join(sorted(self._names)) or "(no named inputs)"
                raise TypeError(f"{self._where()} got an unexpected keyword argument {key!r}; its named inputs are: {known}")
            if values[k] is not _MISSING:
                raise TypeError(f"{self._where()} got multiple values for input {key!r}")
            values[k] = val
        for k in range(n):
            if values[k] is _MISSING:
                if self._input_containers[k].value is not None:
                    values[k] = self._input_containers[k].value
                else:
                    spec = self._specs[k]
                    label = f"{spec.name!r}" if spec.name else f"at index {k}"
                    raise TypeError(
                        f"{self._where()} is missing a value for input {label} "
                        f"({spec.variable.type}); it takes {n} input(s)."
                    )
        return values

    def _filter(self, k, value):
        spec = self._specs[k]
        try:
            return self._types[k].filter(value, strict=spec.strict, allow_downcast=spec.allow_downcast)
        except (TypeError, ValueError) as exc:
            label = f'with name "{spec.name}" ' if spec.name else ""
            raise TypeError(
                f"Bad input argument {label}to {self._where()} at index {k} (0-based): {exc}"
            ) from None

    def __call__(self, *args, **kwargs):
        if kwargs or self.profile is not None:
            return self._call_slow(args, kwargs)
        return self._fast(args)

    def _build_fast_call(self):
        """Generate the positional call path of this function: per-input checks unrolled, the shared
        containers read directly, only the copies and update writes this function needs."""
        n = self._n_in
        env = {"ndarray": np.ndarray, "slow": self._call_slow, "thunk": self._thunk}
        lines = ["def fast(args):"]
        lines.append(f"    if len(args) != {n}:")
        lines.append("        return slow(args, {})")
        names = [f"a{k}" for k in range(n)]
        if n:
            lines.append(f"    {', '.join(names)}{',' if n == 1 else ''} = args")
        if not self.trust_input:
            for k, (dt, nd, _) in enumerate(self._checks):
                env[f"conv{k}"] = self._make_converter(k)
                if dt is None:
                    lines.append(f"    a{k} = conv{k}(a{k})")
                    continue
                env[f"dt{k}"] = dt
                lines.append(f"    if type(a{k}) is not ndarray or a{k}.dtype is not dt{k} or a{k}.ndim != {nd}:")
                lines.append(f"        a{k} = conv{k}(a{k})")
        shared = []
        for j, c in enumerate(self._containers):
            env[f"c{j}"] = c
            shared.append(f"c{j}.storage[0]")
        lines.append(f"    outs = thunk([{', '.join(names + shared)}])")
        n_out = self._n_out
        for k, flag in enumerate(self._copy_output):
            if flag:
                lines.append(f"    if type(outs[{k}]) is ndarray:")
                lines.append(f"        outs[{k}] = outs[{k}].copy()")
        for j, c in enumerate(self._update_containers):
            env[f"u{j}"] = c
            src = f"outs[{n_out + j}]"
            if self._copy_update[j]:
                lines.append(f"    v{j} = {src}")
                lines.append(f"    if type(v{j}) is ndarray:")
                lines.append(f"        v{j} = v{j}.copy()")
                src = f"v{j}"
            lines.append(f"    u{j}.storage[0] = {src}")
        if self._kind == "single":
            lines.append("    return outs[0]")
        elif self._kind == "dict":
            env["keys"] = self._keys
            lines.append(f"    return dict(zip(keys, outs[:{n_out}]))")
        elif self._update_containers:
            lines.append(f"    return outs[:{n_out}]")
        else:
            lines.append("    return outs")
        src = "\n".join(lines)
        code = compile(src, f"<theano function {self.name or ''}>", "exec")
        exec(code, env)
        return env["fast"]

    def _make_converter(self, k):
        """Convert argument k: a NumPy scalar of the exact dtype cheaply, anything else by the type's
        filter (with an error that names the input)."""
        dt, nd, _ = self._checks[k]
        filt = self._filter
        scalar_type = dt.type if (dt is not None and nd == 0) else None
        py_float_ok = scalar_type is np.float64  # a Python float is exactly a float64

        def convert(a):
            if scalar_type is not None and (type(a) is scalar_type or (py_float_ok and type(a) is float)):
                return np.asarray(a, dtype=dt)
            return filt(k, a)

        return convert

    def _call_slow(self, args, kwargs):
        profile = self.profile
        t0 = time.perf_counter() if profile is not None else 0.0
        if kwargs or len(args) != self._n_in:
            args = self._bind(args, kwargs)
        if self.trust_input:
            values = list(args)
        else:
            values = [self._filter(k, a) for k, a in enumerate(args)]
        for c in self._containers:
            values.append(c.value)
        outs = self._thunk(values)
        result = self._finish(outs)
        if profile is not None:
            profile.record_call(time.perf_counter() - t0)
        return result

    def _finish(self, outs):
        """Copy outputs/updates that may alias other storage, write updates, shape the result."""
        n_out = self._n_out
        results = outs[:n_out]
        for k, flag in enumerate(self._copy_output):
            if flag and isinstance(results[k], np.ndarray):
                results[k] = results[k].copy()
        if len(outs) > n_out:
            new_values = outs[n_out:]
            for k, flag in enumerate(self._copy_update):
                if flag and isinstance(new_values[k], np.ndarray):
                    new_values[k] = new_values[k].copy()
            for c, v in zip(self._update_containers, new_values):
                c.value = v
        if self._kind == "single":
            return results[0]
        if self._kind == "dict":
            return dict(zip(self._keys, results))
        return results

    # -- state: default values and internal state of the inputs ---------------------------------
    @staticmethod
    def _make_input_container(spec):
        value = spec.value
        if isinstance(value, Container):
            return value
        if isinstance(value, SharedVariable):
            return value.container
        if value is not None:
            try:
                value = spec.variable.type.filter(value, strict=spec.strict,
                                                  allow_downcast=spec.allow_downcast)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"The default value of the input {spec.variable} does not fit its "
                                f"type {spec.variable.type}: {exc}") from None
        return Container(value, spec.variable.type, spec.strict, spec.allow_downcast, spec.name)

    def _index_of(self, item):
        """The position (among explicit inputs, then shared variables) of an input given as its
        variable, its name or its index."""
        if isinstance(item, int) and not isinstance(item, bool):
            if 0 <= item < self._n_in:
                return item
            raise IndexError(f"{self._where()} has {self._n_in} explicit input(s); no index {item}")
        if isinstance(item, Variable):
            for k, spec in enumerate(self._specs):
                if spec.variable is item:
                    return k
            for j, v in enumerate(self.maker.shared_vars):
                if v is item:
                    return self._n_in + j
            raise KeyError(f"{item} is not an input of {self._where()}")
        if isinstance(item, str):
            k = self._names.get(item)
            if k is not None:
                return k
            for j, v in enumerate(self.maker.shared_vars):
                if v.name == item:
                    return self._n_in + j
            raise KeyError(f"{self._where()} has no input named {item!r}")
        raise TypeError(f"inputs are looked up by variable, name or index, not {type(item).__name__}")

    def _container_at(self, k):
        if k < self._n_in:
            return self._input_containers[k]
        return self._containers[k - self._n_in]

    def __getitem__(self, item):
        """``f[s]`` / ``f['s']`` / ``f[k]``: the current default value or state of an input."""
        return self._container_at(self._index_of(item)).value

    def __setitem__(self, item, value):
        """``f[s] = v``: set the default value or state of an input (converted to its type)."""
        k = self._index_of(item)
        c = self._container_at(k)
        if k < self._n_in:
            spec = self._specs[k]
            try:
                value = spec.variable.type.filter(value, strict=spec.strict,
                                                  allow_downcast=spec.allow_downcast)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{self._where()}: cannot set input {item}: {exc}") from None
            c.value = value
        else:
            self.maker.shared_vars[k - self._n_in].set_value(value)

    def __contains__(self, item):
        try:
            self._index_of(item)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    @property
    def value(self):
        """``f.value[s]``: as ``f[s]``."""
        return _ValueView(self)

    @property
    def container(self):
        """``f.container[s]``: the storage cell of an input; ``In(v, value=f.container[s])`` makes
        another function share it."""
        return _ContainerView(self)

    # -- conveniences ---------------------------------------------------------------------------
    @property
    def input_storage(self):
        return list(self._input_containers) + list(self._containers)

    def free(self):
        """Release memory held between calls (nothing is held by our backends)."""

    def describe(self, file=None):
        """How each node of this function runs on its backend, fixed when it was compiled
        (``theano.printing.describe``); ``file='str'`` returns the text."""
        from theano.printing import describe

        return describe(self, file=file)

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None, profile=None):
        """A copy of this function, as Theano 1.0's ``Function.copy``.

        ``share_memory``: the copy shares the inputs' default values and internal state with this
        function (otherwise it gets its own copies; shared variables are always shared).
        ``swap``: {old shared variable: new shared variable} read and updated by the copy instead
        (same types required). ``delete_updates``: the copy makes no updates. ``name``: the copy's
        name (default: this name + ' copy').
        """
        swap = dict(normalize_pairs(swap, "swap"))
        for old, new in swap.items():
            if not isinstance(old, SharedVariable) or not isinstance(new, SharedVariable):
                raise TypeError("Function.copy(swap=...) maps shared variables to shared variables")
            if old.type != new.type:
                raise TypeError(f"Function.copy(swap=...): {old} ({old.type}) cannot be swapped "
                                f"for {new} ({new.type}): the types differ")
        if name is None and self.name is not None:
            name = self.name + " copy"
        if delete_updates:
            kwargs = dict(self.maker.build_args)
            kwargs["updates"] = None
            kwargs["no_default_updates"] = True
            kwargs["on_unused_input"] = "ignore"
            specs = []
            for spec in kwargs["inputs"]:
                if isinstance(spec, In) and spec.update is not None:
                    spec = copy.copy(spec)
                    spec.update = None
                specs.append(spec)
            kwargs["inputs"] = specs
            kwargs["name"] = name
            kwargs["profile"] = profile
            maker = FunctionMaker(**kwargs)
        else:
            maker = copy.copy(self.maker)
            maker.name = name
        if share_memory:
            containers = list(self._input_containers)
        else:
            containers = []
            for c, spec in zip(self._input_containers, self._specs):
                value = c.value
                if spec.mutable and isinstance(value, np.ndarray):
                    value = value.copy()
                containers.append(Container(value, c.type, c.strict, c.allow_downcast, c.name))
        new = Function(maker, input_containers=containers, swap=swap)
        if new.trust_input != self.trust_input:
            new.trust_input = self.trust_input
        return new

    def __copy__(self):
        return self.copy()

    def __reduce__(self):
        # Pickled as the arguments it was built from (graphs, shared variables with their values,
        # mode) and the inputs' storage cells (pickled once each, so functions that share a cell
        # still share it once loaded); loading compiles it again.
        return (_rebuild_function, (self.maker.build_args, self._input_containers,
                                    {"trust_input": self.trust_input, "name": self.name}))

    def __repr__(self):
        return f"<theano Function {self.name or ''}>"


def _rebuild_function(build_args, input_containers=None, attrs=None):
    """Unpickling of a Function: compile it again from its build arguments."""
    maker = FunctionMaker(**build_args)
    fn = Function(maker, input_containers=input_containers)
    for k, v in (attrs or {}).items():
        setattr(fn, k, v)
    return fn


class _ValueView:
    def __init__(self, fn):
        self._fn = fn

    def __getitem__(self, item):
        return self._fn[item]

    def __setitem__(self, item, value):
        self._fn[item] = value

    def __contains__(self, item):
        return item in self._fn


class _ContainerView(_ValueView):
    def __getitem__(self, item):
        fn = self._fn
        return fn._container_at(fn._index_of(item))

    def __setitem__(self, item, value):
        raise TypeError("f.container[...] cannot be assigned; set the value with f[...] = value")


class _Missing:
    def __repr__(self):
        return "<missing>"


_MISSING = _Missing()


def function(inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
             accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None,
             profile=None, on_unused_input=None, trust_input=False):
    """Compile symbolic ``outputs`` of ``inputs`` into a callable, as Theano 1.0's theano.function.

    ``updates``: (shared variable, new expression) pairs, written after each call from the old values.
    ``givens``: (variable, replacement) pairs substituted in the graph. ``allow_input_downcast``: accept
    lossy conversion of arguments. ``on_unused_input``: 'raise', 'warn' or 'ignore'. ``mode``: a
    Mode or 'FAST_RUN'/'FAST_COMPILE'. ``profile``: True to collect ``f.profile``.
    """
    maker = FunctionMaker(inputs, outputs, mode=mode, updates=updates, givens=givens,
                          no_default_updates=no_default_updates, accept_inplace=accept_inplace,
                          name=name, rebuild_strict=rebuild_strict,
                          allow_input_downcast=allow_input_downcast, profile=profile,
                          on_unused_input=on_unused_input, trust_input=trust_input)
    return maker.create()
