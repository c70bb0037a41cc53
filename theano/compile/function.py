"""theano.function: from symbolic inputs and outputs to a callable.

Building (``FunctionMaker``, in ``theano.compile.maker``): the pipeline of named steps from the
arguments to a thunk (normalize, givens, updates, check, graph, rewrite, link).

Calling (``Function.__call__``): match arguments to inputs (by position, by name, defaults), check and
convert each value to its type, read the shared variables' containers, run, then copy outputs that
could alias storage the user or a shared variable holds, and only then write all updates at once. A
call that raises writes nothing.

Spare buffers (``_SpareUpdates``): an update computed by a BLAS node that would copy its first
operand (``Gemm{no_inplace}(W, ...)``: the new weights) is computed instead into a buffer this
function owns, and after a successful call that buffer becomes the shared variable's value while
the value it replaces becomes the next spare, if nothing else can see it: it owns its memory and
the container held the only reference to it (CPython's reference count: a user's
``get_value(borrow=True)`` or ``set_value(v, borrow=True)`` array, a view of it, another container
or a returned output all hold references, so such an array is never written). Same BLAS call, same
layout: the same bits as the copying path, from the first call on.
"""

import copy
import os
import sys
import time
import types

import numpy as np

from theano.compile.describe import describe
from theano.compile.io import In
from theano.compile.maker import (  # noqa: F401  (_cast_hint, _convert_to_type: their old home)
    FunctionMaker,
    UnusedInputError,
    _cast_hint,
    _convert_to_type,
)
from theano.compile.pfunc import normalize_pairs
from theano.compile.sharedvalue import Container, SharedVariable
from theano.graph.basic import Constant, Variable


class Function:
    """A compiled function. Call it with values for its inputs (by position or by name);
    ``f(..., output_subset=[...])`` computes and returns only the outputs named (indices, or keys
    of a dict of outputs), making every update, as in Theano 1.0."""

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
        # the cells holding a default value or a state (kept by free()); the other inputs must be
        # given by each call, whatever their cells hold later (a state set to None stays optional)
        self._default_cells = [c for c in self._input_containers if c.storage[0] is not None]
        self._required = [s.value is None and c.storage[0] is None
                          for s, c in zip(maker.inputs, self._input_containers)]
        swap = swap or {}
        self._swap = swap
        self._subsets = {}           # output_subset: {positions: the function of those outputs}
        self._containers = [swap[v].container if v in swap else v.container
                            for v in maker.shared_vars]
        self._n_out = len(maker.outputs)
        self._update_containers = (
            [swap[v].container if v in swap else v.container for v in maker.update_targets]
            + [self._input_containers[k] for k in maker.input_update_indices])
        self._copy_output = maker.copy_output
        self._copy_update = maker.copy_update
        # updates computed into spare buffers this function owns (see the module docstring)
        self._spares = _SpareUpdates.build(maker, self._n_out) if maker.profile is None else None
        if self._spares is not None:
            self._thunk = self._spares.thunk
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
            if dt is None or getattr(t, "_bcast_dims", ()) or self._specs[k].strict is None \
                    or getattr(t, "filter_checks_isfinite", False):
                dt = None       # (each argument through the type's filter)
            self._checks.append((dt, getattr(t, "ndim", -1), k))
        # no copies, no updates, list/single outputs: return the thunk's results directly
        self._simple = (not any(self._copy_output) and not self._update_containers
                        and self._kind != "dict")
        # Theano 1.0's flag: an argument lent to the function (In(borrow=True) or In(mutable=True))
        # could be the very array of a value it updates; theano-ng never writes into arguments
        # and writes updates only after the outputs are copied out, so no call-time check is
        # needed, but the flag says where Theano 1.0 made one
        self._check_for_aliased_inputs = bool(self._update_containers) and any(
            s.borrow or s.mutable for s in self._specs)
        # inputs that may be given None (maker.none_ok: only ops that accept it read them)
        self._none_ok = list(getattr(maker, "none_ok", None) or [False] * self._n_in)
        # explicit inputs the graph overwrites (accept_inplace; theano.compile.inplace)
        self._destroyed = tuple(getattr(maker, "destroyed_inputs", ()))
        self._program = None         # f.fn, made at first use
        self._keep = False           # f.fn.allow_gc = False: calls keep their results
        self._fast = self._build_fast_call()
        self._install_call()

    def _install_call(self):
        """Give this function a class of its own whose ``__call__`` is its generated call path
        (``_build_fast_call``): ``f(x)`` then runs one Python frame, in which the native
        backend's straight-line body runs too (no ``Function.__call__`` frame, no thunk
        frame). The class is a subclass named ``Function``; pickling and copying build a plain
        Function again (``__reduce__``, ``copy``), which installs its own. A function compiled
        with ``profile`` keeps ``Function.__call__`` (which records each call)."""
        call = self._fast_method
        cls = type(self)
        base = cls.__dict__.get("_base_class", cls)
        if self._keep:         # calls record their results (f.fn.allow_gc = False): the slow path
            self.__class__ = base
            self._fast = lambda args: self._call_slow(args, {})
            return
        if self.profile is not None or call is None:
            return
        self.__class__ = type(base.__name__, (base,), {"__call__": call, "__slots__": (),
                                                       "_base_class": base,
                                                       "__module__": base.__module__,
                                                       "__qualname__": base.__qualname__})

    @property
    def trust_input(self):
        """True: arguments are used as given, without checks or conversion (set it to skip them)."""
        return self._trust_input

    @trust_input.setter
    def trust_input(self, value):
        self._trust_input = bool(value)
        self._fast = self._build_fast_call()
        self._install_call()

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
                c = self._input_containers[k]
                if not self._required[k] or c.value is not None:
                    # its default value or state (None where it was set so: f['x'] = None)
                    values[k] = c.value
                else:
                    spec = self._specs[k]
                    label = f"{spec.name!r}" if spec.name else f"at index {k}"
                    raise TypeError(
                        f"{self._where()} is missing a value for input {label} "
                        f"({spec.variable.type}); it takes {n} input(s)."
                    )
        return values

    def _filter(self, k, value):
        if value is None and self._none_ok[k]:
            return None
        spec = self._specs[k]
        try:
            return self._types[k].filter(value, strict=spec.strict, allow_downcast=spec.allow_downcast)
        except (TypeError, ValueError) as exc:
            label = f'with name "{spec.name}" ' if spec.name else ""
            # NaN/inf refused by filter_checks_isfinite stays a ValueError, as in Theano 1.0
            cls = ValueError if type(exc).__name__ == "NonFiniteError" else TypeError
            raise cls(
                f"Bad input argument {label}to {self._where()} at index {k} (0-based): {exc}"
            ) from None

    def __call__(self, *args, **kwargs):
        if kwargs or self.profile is not None:
            return self._call_slow(args, kwargs)
        return self._fast(args)

    def _build_fast_call(self):
        """Generate the positional call path of this function: per-input checks unrolled, the shared
        containers read directly, only the copies and update writes this function needs.

        Two entry points share the generated body: ``fast(args)`` and ``call(self, *args,
        **kwargs)``, the ``__call__`` of this function's own class (``_install_call``). Where
        the backend's thunk offers its body (``thunk.inline``: the native backend's straight-line
        code, or its whole-graph tier's; a per-node thunk rewritten for spare buffers offers
        none), the body runs inside them, in a copy of the
        thunk's globals: no thunk call, no argument and result lists. Kernels that rebind their
        global in the thunk's globals at their first call are copied over after a call
        (``pending``). Globals of this code are prefixed ``_F_``, its locals do not clash with
        the body's (``i<k>``, ``v<k>``)."""
        n = self._n_in
        if self._destroyed:
            # arguments the graph may overwrite get the checks of _call_slow (_guard_destroyed)
            self._fast_method = None
            return lambda args: self._call_slow(args, {})
        inline = getattr(self._thunk, "inline", None)
        if self.profile is not None:
            inline = None       # (a thunk with spare buffers offers a body only where it can)
        if inline is not None:
            env = dict(inline["globals"])
            names = list(inline["inputs"])
        else:
            env = {}
            names = [f"_a{k}" for k in range(n + len(self._containers))]
        env.update({"_F_ndarray": np.ndarray, "_F_slow": self._call_slow,
                    "_F_thunk": self._thunk, "_F_refcount": sys.getrefcount,
                    "_F_asarray": np.asarray})
        spares = self._spares
        lines = []
        lines.append(f"    if len(args) != {n}:")
        lines.append("        return _F_slow(args, {})")
        if n:
            lines.append(f"    {', '.join(names[:n])}{',' if n == 1 else ''} = args")
        if not self.trust_input:
            for k, (dt, nd, _) in enumerate(self._checks):
                a = names[k]
                env[f"_F_conv{k}"] = self._make_converter(k)
                if dt is None:
                    lines.append(f"    {a} = _F_conv{k}({a})")
                    continue
                env[f"_F_dt{k}"] = dt
                lines.append(f"    if type({a}) is not _F_ndarray or {a}.dtype is not _F_dt{k} "
                             f"or {a}.ndim != {nd}:")
                if nd == 0:
                    # a NumPy scalar of the exact dtype (a Python float for float64), inline:
                    # asarray gives it that dtype by itself
                    env[f"_F_st{k}"] = dt.type
                    pyf = f" or type({a}) is float" if dt.type is np.float64 else ""
                    lines.append(f"        if type({a}) is _F_st{k}{pyf}:")
                    lines.append(f"            {a} = _F_asarray({a})")
                    lines.append("        else:")
                    lines.append(f"            {a} = _F_conv{k}({a})")
                    continue
                lines.append(f"        {a} = _F_conv{k}({a})")
        for j, c in enumerate(self._containers):
            env[f"_F_c{j}"] = c
            if inline is not None:
                lines.append(f"    {names[n + j]} = _F_c{j}.storage[0]")
            else:       # no local: a replaced value's only reference is its container's
                names[n + j] = f"_F_c{j}.storage[0]"
        body_at = None
        if inline is not None:
            lines.append("    try:")
            body_at = len(lines)
            lines.extend(inline["body"])
            lines.append("        pass")
            lines.append("    except Exception as exc:")
            lines.append("        _F_error(exc)")
            pending = [k for k, v in env.items() if getattr(v, "_set_rebind", None) is not None]
            if pending:
                env["_F_pending"] = pending
                env["_F_sync"] = _rebind_sync(pending, env, inline["globals"])
                lines.append("    if _F_pending:")
                lines.append("        _F_sync()")
            if spares is not None and self._containers:
                # the replaced values' only references must be their containers' (see below)
                lines.append(f"    del {', '.join(names[n:])}")
            if self._simple:     # the values themselves, no list to index
                outs = inline["outputs"]
                if self._kind == "single":
                    lines.append(f"    return {outs[0]}")
                else:
                    lines.append(f"    return [{', '.join(outs)}]")
            else:
                lines.append(f"    _outs = [{', '.join(inline['outputs'])}]")
        else:
            lines.append(f"    _outs = _F_thunk([{', '.join(names)}])")
        n_out = self._n_out
        for k, flag in enumerate(self._copy_output):
            if flag:
                lines.append(f"    if type(_outs[{k}]) is _F_ndarray:")
                lines.append(f"        _outs[{k}] = _outs[{k}].copy()")
        for j, c in enumerate(self._update_containers):
            env[f"_F_u{j}"] = c
            src = f"_outs[{n_out + j}]"
            if self._copy_update[j]:
                lines.append(f"    _w{j} = {src}")
                lines.append(f"    if type(_w{j}) is _F_ndarray:")
                lines.append(f"        _w{j} = _w{j}.copy()")
                src = f"_w{j}"
            slot = spares.slots.get(j) if spares is not None else None
            if slot is None:
                lines.append(f"    _F_u{j}.storage[0] = {src}")
                continue
            # the replaced value becomes the spare when only this frame still refers to it
            env[f"_F_s{j}"] = slot
            lines.append(f"    _o{j} = _F_u{j}.storage[0]")
            lines.append(f"    _F_u{j}.storage[0] = {src}")
            lines.append(f"    if _o{j}.__class__ is _F_ndarray and _o{j}.base is None "
                         f"and not _F_s{j} and _F_refcount(_o{j}) == 2:")
            lines.append(f"        _F_s{j}.append(_o{j})")
            lines.append(f"    del _o{j}")
        if inline is not None and self._simple:
            pass
        elif self._kind == "single":
            lines.append("    return _outs[0]")
        elif self._kind == "dict":
            env["_F_keys"] = self._keys
            lines.append(f"    return dict(zip(_F_keys, _outs[:{n_out}]))")
        elif self._update_containers:
            lines.append(f"    return _outs[:{n_out}]")
        else:
            lines.append("    return _outs")
        # call: the positional arguments as parameters (no tuple to unpack, no count to check);
        # fewer, more or keyword arguments go to the slow path with the checks and messages
        env["_F_missing"] = _MISSING
        params = [f"_p{k}=_F_missing" for k in range(n)]
        call_head = [f"def _F_call({', '.join(['_self'] + params + ['*_r', '**_kw'])}):"]
        if n:
            given = f"tuple(p for p in ({', '.join(f'_p{k}' for k in range(n))},) if p is not _F_missing)"
            call_head += [f"    if _r or _kw or _p{n - 1} is _F_missing:",
                          f"        return _F_slow({given} + _r, _kw)",
                          f"    {', '.join(names[:n])}{',' if n == 1 else ''} = "
                          f"{', '.join(f'_p{k}' for k in range(n))}{',' if n == 1 else ''}"]
        else:
            call_head += ["    if _r or _kw:", "        return _F_slow(_r, _kw)"]
        rest = lines[3:] if n else lines[2:]     # fast's count check and unpacking
        assert lines[0].startswith("    if len(args)")
        src_lines = ["def _F_fast(args):"] + lines + ["", ""] + call_head + rest
        call_shift = len(rest) - len(lines)
        code = compile("\n".join(src_lines) + "\n", f"<theano function {self.name or ''}>", "exec")
        if inline is not None:
            # each entry point's code object maps its lines back to the thunk's nodes
            fns = {}
            for name, first in (("_F_fast", 1),
                                ("_F_call", 1 + len(lines) + 2 + len(call_head) + call_shift)):
                fcode = next(c for c in code.co_consts if getattr(c, "co_name", None) == name)
                line_node = {first + body_at + pos + 1: i
                             for pos, i in inline["line_node"].items()}
                fns[name] = inline["error_handler"](fcode, line_node)

            def _error(exc):
                tb = exc.__traceback__
                while tb is not None:
                    handler = fns.get(tb.tb_frame.f_code.co_name)
                    if handler is not None:
                        handler(exc)
                    tb = tb.tb_next
                raise exc
            env["_F_error"] = _error
        exec(code, env)
        self._fast_method = env["_F_call"]
        return env["_F_fast"]

    def _make_converter(self, k):
        """Convert argument k: a NumPy scalar of the exact dtype cheaply, anything else by the type's
        filter (with an error that names the input)."""
        dt, nd, _ = self._checks[k]
        filt = self._filter
        if dt is None:
            return lambda a: filt(k, a)
        scalar_type = dt.type if (dt is not None and nd == 0) else None
        py_float_ok = scalar_type is np.float64  # a Python float is exactly a float64
        # a Python int that the dtype holds exactly (what the filter accepts whatever the
        # downcast setting): converted without the filter's checks
        lo = hi = None
        if scalar_type is not None and dt.kind in "iu":
            lo, hi = int(np.iinfo(dt).min), int(np.iinfo(dt).max)
        elif scalar_type is not None and dt.kind == "f":
            hi = 2 ** (np.finfo(dt).nmant + 1)
            lo = -hi

        def convert(a):
            if scalar_type is not None and (type(a) is scalar_type or (py_float_ok and type(a) is float)):
                return np.asarray(a, dtype=dt)
            if lo is not None and type(a) is int and lo <= a <= hi:
                return np.asarray(a, dtype=dt)
            return filt(k, a)

        return convert

    def _call_slow(self, args, kwargs):
        if "output_subset" in kwargs and "output_subset" not in self._names:
            kwargs = dict(kwargs)
            subset = kwargs.pop("output_subset")
            if subset is not None:
                return self._call_subset(args, kwargs, subset)
        profile = self.profile
        t0 = time.perf_counter() if profile is not None else 0.0
        if kwargs or len(args) != self._n_in:
            args = self._bind(args, kwargs)
        if self.trust_input:
            values = list(args)
        else:
            values = [self._filter(k, a) for k, a in enumerate(args)]
        for c in self._containers:
            values.append(c.storage[0])
        if self._destroyed:
            self._guard_destroyed(values)
        outs = self._thunk(values)
        del values, args     # (an update's old value then has no reference here: see _finish)
        result = self._finish(outs)
        if profile is not None:
            profile.record_call(time.perf_counter() - t0)
        return result

    def _subset_positions(self, subset):
        """The output positions that ``output_subset`` names (keys of a dict of outputs, indices
        otherwise), checked."""
        if isinstance(subset, (str, bytes)) or not hasattr(subset, "__iter__"):
            raise TypeError(f"{self._where()}: output_subset must be a list of output "
                            f"{'keys' if self._kind == 'dict' else 'indices'}, got {subset!r}")
        positions = []
        for item in subset:
            if self._kind == "dict":
                if item not in self._keys:
                    raise KeyError(f"{self._where()}: output_subset names {item!r}, which is not "
                                   f"one of its outputs {sorted(self._keys, key=str)}")
                positions.append(self._keys.index(item))
                continue
            if isinstance(item, bool) or not isinstance(item, (int, np.integer)):
                raise TypeError(f"{self._where()}: output_subset holds output indices (int), "
                                f"got {item!r}")
            k = int(item)
            if not 0 <= k < self._n_out:
                raise IndexError(f"{self._where()}: output_subset index {k} is out of range for "
                                 f"its {self._n_out} output(s)")
            positions.append(k)
        return positions

    def _call_subset(self, args, kwargs, subset):
        """``f(..., output_subset=[...])`` (Theano 1.0): only the named outputs are computed
        (the updates are all made) and returned, as a list (a dict for a function of a dict).

        Each set of outputs asked for is compiled once, the first time, into a function of
        those outputs that shares this function's storage (inputs' default values and states,
        shared variables) and makes the same updates."""
        positions = self._subset_positions(subset)
        key = tuple(sorted(set(positions)))
        sub = self._subsets.get(key)
        if sub is None:
            args0 = self.maker.build_args
            given = args0["outputs"]
            if self._kind == "single":
                given = [given]
            elif self._kind == "dict":
                given = [given[k] for k in self._keys]
            build = dict(args0, outputs=[given[k] for k in key], on_unused_input="ignore",
                         profile=None, name=self.name)
            maker = FunctionMaker(**build)
            sub = Function(maker, input_containers=self._input_containers, swap=self._swap)
            if sub.trust_input != self.trust_input:
                sub.trust_input = self.trust_input
            self._subsets[key] = sub
        values = sub._call_slow(args, kwargs)
        at = {k: j for j, k in enumerate(key)}
        if self._kind == "dict":
            return {self._keys[k]: values[at[k]] for k in positions}
        return [values[at[k]] for k in positions]

    def _guard_destroyed(self, values):
        """Copy each argument the graph overwrites when the write could reach storage the caller
        did not give up: a read-only array, the input's default value, or an array sharing memory
        with another argument or a shared variable's value."""
        for k in self._destroyed:
            v = values[k]
            if not isinstance(v, np.ndarray):
                continue
            if (not v.flags.writeable or v is self._input_containers[k].storage[0]
                    or any(j != k and isinstance(w, np.ndarray) and np.may_share_memory(v, w)
                           for j, w in enumerate(values))):
                values[k] = v.copy()

    def _finish(self, outs):
        """Copy outputs/updates that may alias other storage, write updates, shape the result."""
        n_out = self._n_out
        if self._keep:
            for c, v in zip(self._program.output_storage, outs):
                c.storage[0] = v
        results = outs[:n_out]
        for k, flag in enumerate(self._copy_output):
            if flag and isinstance(results[k], np.ndarray):
                results[k] = results[k].copy()
        if len(outs) > n_out:
            new_values = outs[n_out:]
            for k, flag in enumerate(self._copy_update):
                if flag and isinstance(new_values[k], np.ndarray):
                    new_values[k] = new_values[k].copy()
            slots = self._spares.slots if self._spares is not None else {}
            for j, (c, v) in enumerate(zip(self._update_containers, new_values)):
                slot = slots.get(j)
                if slot is None:
                    c.storage[0] = v
                    continue
                old = c.storage[0]
                c.storage[0] = v
                if type(old) is np.ndarray and old.base is None and not slot and \
                        sys.getrefcount(old) == 2:
                    slot.append(old)
                del old
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
            if value is None and self._none_ok[k] and not self._required[k]:
                # a default or state the graph reads as left out (Theano's default(x, d))
                c.value = None
                return
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

    @property
    def output_storage(self):
        """One Container per output of the compiled graph (the outputs, then the new values of the
        updates), holding the results of the last ``f.fn()`` (or of every call while
        ``f.fn.allow_gc`` is False); otherwise empty."""
        return self.fn.output_storage

    @property
    def fn(self):
        """The compiled program, as Theano 1.0's ``f.fn``: ``f.fn()`` runs it once on the values
        in ``f.input_storage`` (no conversion), writes the updates and leaves the results in
        ``f.output_storage``; ``f.fn.storage_map`` maps each variable of ``f.maker.fgraph`` to its
        one-item storage cell; ``f.fn.allow_gc = False`` makes each call keep its results there
        (until ``f.free()``)."""
        if self._program is None:
            self._program = _Program(self)
        return self._program

    @property
    def defaults(self):
        """Per explicit input, as Theano 1.0: ``(required, refeed, value)``: whether a call must
        give it (no default value), whether its default is used again by each call that omits it
        (a default, not an internal state written by an update) and its current value."""
        out = []
        for spec, c, required in zip(self._specs, self._input_containers, self._required):
            out.append((required, not required and spec.update is None, c.storage[0]))
        return out

    @property
    def inputs(self):
        """The ``In`` specs of the explicit inputs (Theano 1.0's ``f.inputs``)."""
        return list(self.maker.inputs)

    @property
    def outputs(self):
        """The ``Out`` specs of the outputs (Theano 1.0's ``f.outputs``: ``f.outputs[0].variable``
        is the first output's variable)."""
        return list(self.maker.outputs)

    @property
    def indices(self):
        """Per entry of ``input_storage``, as Theano 1.0: ``(input, None, [container])``, the input
        being the ``In`` of an explicit input or the shared variable."""
        ins = list(self._specs) + list(self.maker.shared_vars)
        return [(i, None, [c]) for i, c in zip(ins, self.input_storage)]

    def free(self):
        """Release the memory this function holds between calls: the results kept while
        ``f.fn.allow_gc`` is False, the values put into the storage of explicit inputs that have
        no default (for ``f.fn()``), and its spare update buffers. Default values, internal
        states and shared variables keep their values."""
        if self._program is not None:
            self._program.clear()
        for c in self._input_containers:
            if c not in self._default_cells:
                c.storage[0] = None
        if self._spares is not None:
            for slot in self._spares.slots.values():
                slot.clear()

    def describe(self, file=None):
        """How each node of this function runs on its backend, fixed when it was compiled
        (``theano.printing.describe``); ``file='str'`` returns the text."""
        return describe(self, file=file)

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None, profile=None):
        """A copy of this function, as Theano 1.0's ``Function.copy``.

        ``share_memory``: the copy shares the inputs' default values and internal state with this
        function (otherwise it gets its own copies; shared variables are always shared).
        ``swap``: {old shared variable: new shared variable} read and updated by the copy instead
        (same types required). ``delete_updates``: the copy makes no updates. ``name``: the copy's
        name (default: this name + ' copy').

        As in Theano 1.0, the copy of a function of one output (not in a list) returns a list of
        that one value: Theano's copy is made from the list of the original's outputs.
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
        if maker.output_kind == "single":
            maker.output_kind = "list"
            maker.build_args = dict(maker.build_args, outputs=[maker.build_args["outputs"]])
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
        if share_memory and not delete_updates:
            # same graph: the copy's cells for intermediates and constants are this function's
            new._program = _Program(new, like=self.fn)
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


class _Program:
    """``f.fn`` of a Function (see ``Function.fn``). Storage cells: the explicit inputs' and shared
    variables' containers for the graph's inputs, one Container per output (``output_storage``),
    a cell holding each constant, one cell per intermediate variable. The backends do not keep
    intermediate values, so those cells stay empty; a copy made with ``share_memory=True`` shares
    them (and the constants') with the function it was copied from."""

    def __init__(self, function, like=None):
        self._f = function
        fg = function.maker.fgraph
        self.output_storage = [Container(None, v.type) for v in fg.outputs]
        self._like = like
        self._map = None

    @property
    def storage_map(self):
        if self._map is None:
            f = self._f
            fg = f.maker.fgraph
            smap = {}
            for v, c in zip(fg.inputs, f.input_storage):
                smap[v] = c.storage
            for v, c in zip(fg.outputs, self.output_storage):
                smap.setdefault(v, c.storage)
            other = self._like.storage_map if self._like is not None else {}
            for v in fg.variables:
                if v not in smap:
                    cell = other.get(v)
                    if cell is None:
                        cell = [v.data] if isinstance(v, Constant) else [None]
                    smap[v] = cell
            self._map = smap
        return self._map

    @property
    def allow_gc(self):
        return not self._f._keep

    @allow_gc.setter
    def allow_gc(self, value):
        f = self._f
        if value and f._keep:
            # as Theano 1.0's calls with allow_gc: the results kept so far are let go
            self.clear()
        f._keep = not value
        f._fast = f._build_fast_call()
        f._install_call()

    # Theano 1.0's VM attributes, on a function compiled with gof.vm.VM_Linker (which runs
    # one thunk per node); the other backends run the graph as a whole
    _VM_ATTRS = ("thunks", "nodes", "call_counts", "call_times", "lazy", "callback",
                 "callback_input", "compute_map")

    def __getattr__(self, name):
        if name in _Program._VM_ATTRS:
            vm = self._f.maker.thunk
            if hasattr(type(vm), "__call__") and name in getattr(vm, "__dict__", {}):
                return vm.__dict__[name]
            raise AttributeError(
                f"f.fn.{name}: only a function compiled with theano.gof.vm.VM_Linker runs one "
                f"thunk per node (this one runs on "
                f"{type(getattr(self._f.maker.mode, 'linker', None)).__name__})")
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def clear(self):
        for c in self.output_storage:
            c.storage[0] = None
        if self._map is not None:
            fg = self._f.maker.fgraph
            fixed = set(fg.inputs)
            for v, cell in self._map.items():
                if v not in fixed and not isinstance(v, Constant):
                    cell[0] = None

    def __call__(self):
        """Run once on the values in ``input_storage``; the results go to ``output_storage``."""
        f = self._f
        values = [c.storage[0] for c in f._input_containers]
        values += [c.storage[0] for c in f._containers]
        outs = list(f._thunk(values))
        del values
        keep, f._keep = f._keep, True
        try:
            f._finish(outs)
        finally:
            f._keep = keep


class _SpareUpdates:
    """The spare buffers of one Function: ``slots[j]`` (a list of at most one array) for each
    update ``j`` computed into a spare, and ``thunk``, a private copy of the backend's straight-line
    thunk whose update nodes take their output buffer from those slots.

    Only the native backend's per-node thunk is rewritten (its node ``i`` is the global ``f{i}``
    of the generated code, ``thunk.node_paths`` giving the nodes in order); any other thunk, or a
    layout not as expected, is used as it is. The copy has its own globals: a node whose first
    call rebinds its global to its compiled kernel rebinds the original's, and ``sync`` copies
    those into ours once a call has run them all.
    """

    def __init__(self, thunk, slots, glb, orig_glb, pending):
        self.thunk = thunk
        self.slots = slots
        self._glb = glb
        self._orig = orig_glb
        self.pending = pending

    def sync(self):
        still = []
        for name in self.pending:
            fn = self._orig.get(name)
            if fn is None or getattr(fn, "_set_rebind", None) is not None:
                still.append(name)      # not run yet (a failed call)
            else:
                self._glb[name] = fn
        self.pending = still

    @classmethod
    def build(cls, maker, n_out):
        if getattr(maker.linker, "name", None) != "numba":
            return None
        thunk = maker.thunk
        inner = getattr(thunk, "per_node", None)
        if inner is None:
            return cls._build(maker, n_out, thunk)
        # the whole-graph tier (small inputs: its own fresh arrays) in front of the per-node
        # thunk, which it calls as the global ``_per_node`` for bigger inputs
        glb = getattr(thunk, "__globals__", None)
        if not isinstance(thunk, types.FunctionType) or glb is None or \
                glb.get("_per_node") is not inner:
            return None
        spares = cls._build(maker, n_out, inner)
        if spares is None:
            return None
        outer = types.FunctionType(thunk.__code__, dict(glb, _per_node=spares.thunk),
                                   thunk.__name__, thunk.__defaults__, thunk.__closure__)
        outer.__dict__.update(thunk.__dict__)
        if getattr(thunk, "inline", None) is not None:
            # the caller may run the tier's body inline: with these globals, so that bigger
            # inputs reach the per-node code with its spares
            outer.inline = dict(thunk.inline, globals=outer.__globals__)
        spares.thunk = outer
        return spares

    @classmethod
    def _build(cls, maker, n_out, thunk):
        from theano.tensor.blas import Gemm, Gemv, Ger

        paths = getattr(thunk, "node_paths", None)
        orig = getattr(thunk, "__globals__", None)
        source = getattr(thunk, "source", None)
        fg = maker.fgraph
        if (paths is None or orig is None or source is None
                or not isinstance(thunk, types.FunctionType) or len(fg.outputs) == n_out):
            return None
        update_of = {}
        for j, v in enumerate(fg.outputs[n_out:]):
            update_of.setdefault(v, j)
        wrappers = {}
        slots = {}
        for i, (node, _) in enumerate(paths):
            op = node.op
            if not isinstance(op, (Gemm, Gemv, Ger)) or op.inplace:
                continue
            j = update_of.get(node.outputs[0])
            if j is None or j in slots or maker.copy_update[j]:
                continue
            name = f"f{i}"
            if orig.get(name) is None or f"= {name}(" not in source:
                return None     # not the layout this class knows: leave the thunk alone
            slots[j] = []
            wrappers[name] = _into_spare(type(op)(True), node, slots[j])
        if not slots:
            return None
        glb = dict(orig)
        glb.update(wrappers)
        pending = [n for n, fn in glb.items()
                   if n not in wrappers and getattr(fn, "_set_rebind", None) is not None]
        private = types.FunctionType(thunk.__code__, glb, thunk.__name__, thunk.__defaults__,
                                     thunk.__closure__)
        private.__dict__.update(thunk.__dict__)
        private.__dict__.pop("inline", None)    # the original's body: without the spares
        self = cls(private, slots, glb, orig, pending)
        if pending:
            # copy the kernels compiled at the first calls only where this thunk runs: in front
            # of it, the whole-graph tier may serve every call, and a check per call would be
            # paid for nothing (the pending names never run there)
            def run_and_sync(args):
                try:
                    return private(args)
                finally:
                    if self.pending:
                        self.sync()
            run_and_sync.__dict__.update(private.__dict__)
            self.thunk = run_and_sync
        return self


def _into_spare(inplace_op, node, slot):
    """The node's function computing into a buffer of ``slot`` (or a new one): the first operand
    is copied into it and the in-place variant of the op runs on it."""
    from theano.link.numba.dispatch import numba_funcify

    run = numba_funcify(inplace_op, node)
    copyto = np.copyto
    empty = np.empty

    def into_spare(z, *rest):
        buf = slot.pop() if slot else None
        if buf is None or buf.shape != z.shape or buf.dtype != z.dtype or \
                not buf.flags.c_contiguous or not buf.flags.writeable:
            buf = empty(z.shape, dtype=z.dtype)   # C order, as z.copy() gives
        copyto(buf, z)
        return run(buf, *rest)

    into_spare.theano_path = "python, into a spare buffer"
    return into_spare


def _rebind_sync(pending, env, source):
    """Copy into ``env`` the globals of ``pending`` that their first call rebound in ``source``
    (the thunk's globals: a kernel compiled at its first call), and drop them from ``pending``."""
    def sync():
        for name in list(pending):
            fn = source.get(name)
            if fn is not None and getattr(fn, "_set_rebind", None) is None:
                env[name] = fn
                try:
                    pending.remove(name)
                except ValueError:      # another thread's call removed it
                    pass
    return sync


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


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _caller_location():
    """``file:line`` of the first frame outside this package: a function's default name, as in
    Theano 1.0 (profiles and error messages then say where the function was made)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return None
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def function(inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
             accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None,
             profile=None, on_unused_input=None, trust_input=False):
    """Compile symbolic ``outputs`` of ``inputs`` into a callable, as Theano 1.0's theano.function.

    ``updates``: (shared variable, new expression) pairs, written after each call from the old values.
    ``givens``: (variable, replacement) pairs substituted in the graph. ``allow_input_downcast``: accept
    lossy conversion of arguments. ``on_unused_input``: 'raise', 'warn' or 'ignore'. ``mode``: a
    Mode or 'FAST_RUN'/'FAST_COMPILE'. ``profile``: True to collect ``f.profile``.
    """
    if name is None:
        name = _caller_location()
    maker = FunctionMaker(inputs, outputs, mode=mode, updates=updates, givens=givens,
                          no_default_updates=no_default_updates, accept_inplace=accept_inplace,
                          name=name, rebuild_strict=rebuild_strict,
                          allow_input_downcast=allow_input_downcast, profile=profile,
                          on_unused_input=on_unused_input, trust_input=trust_input)
    return maker.create()


def function_dump(filename, inputs, outputs=None, mode=None, updates=None, givens=None,
                  no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
                  allow_input_downcast=None, profile=None, on_unused_input=None,
                  extra_tag_to_remove=None):
    """Pickle the arguments of a ``theano.function`` call into ``filename`` instead of compiling:
    a reproducible case for a compilation problem, graph, shared variables and their values
    included (``set_value`` them to zeros first to leave the values out). Reproduce it with
    ``theano.function(**pickle.load(open(filename, "rb")))``. ``extra_tag_to_remove``: names of
    ``tag`` attributes to drop from every variable of the graph before pickling (values that do
    not pickle); the variables' ``tag.trace`` stays."""
    import pickle

    from theano.graph.basic import Variable, ancestors

    args = dict(inputs=inputs, outputs=outputs, mode=mode, updates=updates, givens=givens,
                no_default_updates=no_default_updates, accept_inplace=accept_inplace, name=name,
                rebuild_strict=rebuild_strict, allow_input_downcast=allow_input_downcast,
                profile=profile, on_unused_input=on_unused_input)
    if extra_tag_to_remove:
        roots = []
        for part in (inputs, outputs, updates, givens):
            if part is None:
                continue
            if isinstance(part, dict):
                part = list(part.items())
            stack = list(part) if isinstance(part, (list, tuple)) else [part]
            while stack:
                item = stack.pop()
                if isinstance(item, (list, tuple)):
                    stack.extend(item)
                elif isinstance(item, Variable):
                    roots.append(item)
                elif hasattr(item, "variable"):     # In / Out
                    roots.append(item.variable)
        for v in ancestors(roots):
            for tag in extra_tag_to_remove:
                if hasattr(v.tag, tag):
                    delattr(v.tag, tag)
    with open(filename, "wb") as f:
        pickle.dump(args, f, protocol=pickle.HIGHEST_PROTOCOL)
