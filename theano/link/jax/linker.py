"""The JAX linker: the graph's straight-line function (the same generator as the native backend)
with jax.numpy implementations of each op, jitted as a whole with ``jax.jit``.

Outputs come back as (writable) NumPy arrays. A graph with a 64-bit dtype (float64, int64, ...)
is traced and run inside JAX's scoped ``jax.enable_x64(True)`` context (thread-local, only for
the duration of the call), so it keeps its dtypes without switching the process-wide
``jax_enable_x64`` flag; a graph of 32-bit dtypes runs in JAX's default mode. The 'inplace'
rewrite phase is excluded (``excluded_rewrites``): JAX arrays are immutable. A graph with an op that has no JAX implementation
runs op by op instead, that node through its ``perform``; so does a graph whose tracing needs a
value known only at run time (a reshape to a computed shape, for example).

State: random-state inputs become ``jax.random`` keys and random-state outputs new generators
(``random.py``); shared tensor variables stay on the device between calls, their updates donated
(``state.py``); ``data_parallel=True`` places the inputs on a mesh of all devices
(``parallel.py``).
"""

import threading

import numpy as np

from theano.link.base import Backend, lazy_thunk, needs_lazy_vm
from theano.link.jax import dispatch
from theano.link.jax import dynslice
from theano.link.jax import random as jrandom
from theano.link.jax import state as jstate
from theano.link.jax.dispatch import NotJittable, jax_funcify, perform_on_host


def _distinct(donated, kept):
    """Whether each donated array appears once among all the arguments."""
    ids = {id(v) for v in donated}
    return len(ids) == len(donated) and not any(id(v) in ids for v in kept)


class NeedsConcreteValues(Exception):
    """Tracing met an op that needs a value known only at run time."""


def _raised_in_jax(exc):
    """Whether ``exc`` was raised by JAX's own code (its shape rules raise TypeError)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals.get("__name__", "").startswith("jax")


def _guard(fn):
    def guarded(*args):
        try:
            return fn(*args)
        except NotJittable as exc:
            raise NeedsConcreteValues(str(exc)) from exc
        except Exception as exc:
            if type(exc).__module__.startswith("jax"):
                raise NeedsConcreteValues(str(exc)) from exc
            if isinstance(exc, TypeError) and _raised_in_jax(exc):
                # JAX refusing the shapes: while tracing, the graph is tried again op by op
                # (which tells a bad input from a value needed at run time); on concrete
                # values, the ValueError the other backends raise for a shape mismatch
                if any(dispatch._is_traced(a) for a in args):
                    raise NeedsConcreteValues(str(exc)) from exc
                raise ValueError(str(exc)) from exc
            raise

    guarded.__wrapped_impl__ = fn
    return guarded


def _to_host(value):
    """An output as a writable NumPy array; non-array values (random generator states, lists,
    sparse matrices) as they are."""
    if jstate.is_device_array(value):
        return jstate.to_numpy(value)
    if isinstance(value, np.ndarray) or type(value).__module__.startswith("jax") or \
            isinstance(value, np.generic):
        return np.array(value)
    return value


def _lazy_translatable(nodes):
    """Whether every lazy op among ``nodes`` has a JAX translation (dispatch.LazyTranslation)."""
    return all(dispatch.has_lazy_translation(n.op) for n in nodes if getattr(n.op, "lazy", False))


_WIDE = {"float64", "int64", "uint64", "complex128"}


def needs_x64(fgraph, nodes):
    """Whether some variable of the graph has a 64-bit dtype."""
    variables = list(fgraph.inputs) + list(fgraph.outputs)
    for n in nodes:
        variables += n.inputs + n.outputs
    return any(getattr(getattr(v, "type", None), "dtype", None) in _WIDE for v in variables)


_device_cache = {}


def target_device(device):
    """The JAX device for Theano's ``device`` flag: ``cuda``/``gpu`` (the first GPU), ``cudaN``/
    ``gpuN`` (GPU N); None for ``cpu`` (JAX's default device). Without a usable GPU it warns once
    and returns JAX's CPU device."""
    import re
    import warnings

    import jax

    if not device.startswith(("gpu", "cuda")):
        return None
    if device in _device_cache:
        return _device_cache[device]
    m = re.fullmatch(r"(?:gpu|cuda)(\d*)", device)
    index = int(m.group(1)) if m and m.group(1) else 0
    try:
        gpus = jax.devices("gpu")
        why = None if index < len(gpus) else f"JAX sees {len(gpus)} GPU(s), none numbered {index}"
    except RuntimeError as exc:
        gpus, why = [], f"JAX finds no GPU ({str(exc).splitlines()[0]})"
    if why is None:
        dev = gpus[index]
    else:
        warnings.warn(f"theano: device={device} asks for a GPU, but {why}; functions run on the "
                      "CPU through JAX.", stacklevel=2)
        dev = jax.devices("cpu")[0]
    _device_cache[device] = dev
    return dev


def lazy_graph_function(fgraph, nodes, impls):
    """``run(inputs) -> outputs`` of a graph with lazy nodes (``ifelse``), evaluated on demand:
    a lazy node's translation (``dispatch.jax_lazy_funcify``) first gets the inputs it always
    needs and then asks for the others it uses, so an ifelse computes only the nodes its chosen
    branch needs (inside the ``lax.cond`` branch functions when its condition is traced).
    Raises NotJittable for a lazy op without a translation."""
    from theano.graph.basic import Constant
    from theano.link.utils import reraise_with_node

    position = {n: i for i, n in enumerate(nodes)}
    lazies = {n: dispatch.jax_lazy_funcify(n.op, n) for n in nodes
              if n not in impls and getattr(n.op, "lazy", False)}

    def known(v, env):
        return v in env or isinstance(v, Constant)

    def get(v, env):
        return env[v] if v in env else v.data

    def evaluate(variables, env, scoped):
        # other inputs of a lazy node, computed in a copy of the environment; ``scoped``:
        # inside a function traced on its own, where a run-time check cannot be reported
        local = dict(env)
        if not scoped:
            demand(variables, local)
            return [get(v, local) for v in variables]
        outer = dispatch._checks.active
        dispatch._checks.active = []
        try:
            demand(variables, local)
            if dispatch._checks.active:
                raise NeedsConcreteValues("a run-time check inside an ifelse branch")
        finally:
            dispatch._checks.active = outer
        return [get(v, local) for v in variables]

    def demand(targets, env):
        stack = list(targets)
        while stack:
            v = stack[-1]
            if known(v, env):
                stack.pop()
                continue
            node = v.owner
            lazy = lazies.get(node)
            needed = lazy.first if lazy is not None else node.inputs
            missing = [i for i in needed if not known(i, env)]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            args = [get(i, env) for i in needed]
            if lazy is not None:
                outs = lazy.run(args, lambda variables, scoped, env=env:
                                evaluate(variables, env, scoped))
                env.update(zip(node.outputs, outs))
                continue
            try:
                res = impls[node](*args)
            except NeedsConcreteValues:
                raise
            except Exception as exc:
                reraise_with_node(node, exc, args, position[node])
            res = res if len(node.outputs) > 1 else (res,)
            env.update(zip(node.outputs, res))

    def run(inputs):
        env = dict(zip(fgraph.inputs, inputs))
        demand(fgraph.outputs, env)
        return [get(v, env) for v in fgraph.outputs]

    return run


class JAXLinker(Backend):
    name = "jax"

    def __init__(self, allow_gc=True, data_parallel=False):
        super().__init__(allow_gc)
        # split explicit inputs along axis 0 across all devices (parallel.py)
        self.data_parallel = bool(data_parallel)

    def excluded_rewrites(self):
        """JAX arrays are immutable: no in-place rewrites (an in-place op would write into a
        read-only buffer on the host path, and buys nothing under ``jax.jit``, where XLA
        reuses buffers itself). ``scan_save_mem`` stays: a state read only at its last steps
        is a ring of a few rows in the loop's carry (control.py), where a lax.scan would
        stack, and XLA keep, every step's row."""
        return ("inplace",)

    def make_thunk(self, fgraph, profile=None):
        import jax

        from theano.link.numba.linker import build_thunk

        nodes = fgraph.toposort()
        lazy = needs_lazy_vm(nodes)
        if lazy and (profile is not None or not _lazy_translatable(nodes)):
            return lazy_thunk(fgraph, nodes, self.allow_gc, profile)
        x64 = needs_x64(fgraph, nodes)
        from theano.configdefaults import config

        device = target_device(config.device)

        impls = {}
        jittable = True
        while_loops = set()
        for node in nodes:
            if lazy and getattr(node.op, "lazy", False):
                continue                # run by lazy_graph_function through its translation
            try:
                impl = jax_funcify(node.op, node)
                if getattr(impl, "jitted_alone", False):
                    # its outputs' size is known only after it ran (a loop with a stop
                    # condition, control.py): the graph runs op by op, this node jitted alone
                    while_loops.add(node)
                    jittable = False
                impls[node] = _guard(impl)
            except NotJittable:
                # a node carrying a generator state (a Scan over a random stream, a random op
                # with no jax.random form) gets generators made from its keys
                impls[node] = (jrandom.host_with_states(node) if jrandom.takes_state(node)
                               else perform_on_host(node.op, node))
                jittable = False
        from theano.tensor.random.type import is_random_type
        from theano.tensor.type import TensorType

        # only arrays and random states (as keys) go through jax.jit: a generic or sparse input
        # runs op by op
        jittable = jittable and all(isinstance(v.type, TensorType) or is_random_type(v.type)
                                    for v in fgraph.inputs)
        use_jit = jittable and profile is None
        # slices whose bounds are computed on the host each call (dynslice.py): traced starts,
        # static lengths
        state = {"checks": {}, "donate": {}, "traces": 0}
        tracing = threading.local()     # .dyn: the slices of the trace under way (this thread)
        slices = dynslice.plan(fgraph, nodes) if use_jit else None
        if slices is not None and all(hasattr(impls[n], "__wrapped_impl__") and
                                      hasattr(impls[n].__wrapped_impl__, "with_slices")
                                      for n in slices.nodes):
            for n in slices.nodes:
                impls[n] = _guard(dynslice.traced_impl(n, impls[n].__wrapped_impl__, tracing))
        else:
            slices = None
        if lazy:
            inner = lazy_graph_function(fgraph, nodes, impls)
            inner.source = None
        else:
            inner = build_thunk(fgraph, nodes, profile, funcify=lambda op, node: impls[node])
        # random states: keys inside, generators of the same kind outside (see random.py)
        rng_in = [i for i, v in enumerate(fgraph.inputs) if is_random_type(v.type)]
        in_pos = {v: i for i, v in enumerate(fgraph.inputs)}
        rng_out = [(k, v.type, in_pos.get(v)) for k, v in enumerate(fgraph.outputs)
                   if is_random_type(v.type)]
        # shared tensor variables stay on the device between calls (see state.py): their
        # containers get a DeviceCell, updates come back as device arrays, and the old buffer of
        # an updated variable is donated to the jitted call
        n_in = len(fgraph.inputs)
        cells = {}
        n_explicit = getattr(fgraph, "n_explicit_inputs", None)
        if n_explicit is not None:
            for p in range(n_explicit, n_in):
                v = fgraph.inputs[p]
                c = getattr(v, "container", None)
                if c is not None and isinstance(v.type, TensorType) and \
                        isinstance(getattr(c, "storage", None), list):
                    cells[p] = jstate.install(c)
        mapping = getattr(fgraph, "update_mapping", None) or {}
        dev_out = {k: p for k, p in mapping.items() if p in cells}
        don_pos = sorted(set(dev_out.values()))
        don_set = set(don_pos)
        keep_pos = [i for i in range(n_in) if i not in don_set]

        def traced(kept, donated, starts, lengths):
            inputs = [None] * n_in
            for i, v in zip(keep_pos, kept):
                inputs[i] = v
            for i, v in zip(don_pos, donated):
                inputs[i] = v
            # the run-time checks met while tracing come back as extra outputs
            state["traces"] += 1
            if slices is not None:
                tracing.dyn = slices.assign(starts, lengths)
            checks = dispatch.begin_checks()
            try:
                outs = inner(inputs)
            finally:
                dispatch.end_checks()
                tracing.dyn = None
            # per set of slice lengths: each is a trace of its own
            state["checks"][lengths] = [(exc, tmpl, static) for exc, tmpl, static, _, _ in checks]
            return outs, [(bad, value) for _, _, _, bad, value in checks]

        par = None
        jit_kw = {}
        if self.data_parallel:
            from theano.link.jax.parallel import DataParallel

            par = DataParallel(fgraph)
            jit_kw["out_shardings"] = par.replicated     # every output whole on every device
        jit_kw["static_argnums"] = (3,)
        state["jitted"] = jax.jit(traced, **jit_kw) if use_jit else None
        # donation only where a failed call cannot have consumed the old values: a graph with
        # run-time checks (raised after the call) keeps its inputs
        jit_donating = (jax.jit(traced, donate_argnums=(1,), **jit_kw) if use_jit and don_pos
                        else None)
        single = device or jax.devices()[0]

        def run(inputs):
            jitted = state["jitted"]
            if jitted is not None:
                kept = [inputs[i] for i in keep_pos]
                donated = [inputs[i] for i in don_pos]
                starts, lengths = (), ()
                if slices is not None:
                    try:
                        starts, lengths = slices.evaluate(inputs)
                    except Exception:
                        # the bounds' host subgraph failed: op by op, this call raises as the
                        # other backends do
                        return inner(list(inputs))
                    starts = np.asarray(starts, dtype=np.int64 if x64 else np.int32)
                try:
                    donate = state["donate"].get(lengths)
                    if jit_donating is not None and donate is None:
                        jitted.trace(kept, donated, starts, lengths)   # learns the run-time checks
                        donate = state["donate"][lengths] = not state["checks"][lengths]
                    if donate and _distinct(donated, kept):
                        jitted = jit_donating
                    outs, flags = jitted(kept, donated, starts, lengths)
                except NeedsConcreteValues:
                    # tracing needs values known only at run time, or the inputs are bad: op by
                    # op, this call raises for bad inputs (the jitted form is kept for the next
                    # call); if it succeeds, the graph runs op by op from now on. Nothing was
                    # donated: tracing fails before the call runs.
                    outs = inner(list(inputs))
                    state["jitted"] = None
                    return outs
                else:
                    if flags:
                        for (exc, tmpl, static), (bad, value) in zip(state["checks"][lengths],
                                                                     jax.device_get(flags)):
                            if bool(bad):
                                raise exc(tmpl.format(value=np.asarray(value).item(), **static))
                    return outs
            return inner(list(inputs))

        out_dtypes = [getattr(v.type, "dtype", None) for v in fgraph.outputs]
        is_device_array, to_numpy = jstate.is_device_array, jstate.to_numpy
        # outputs of theano.scalar graphs are NumPy scalars, as on the other backends
        from theano.scalar.type import Scalar
        scalar_outs = [k for k, v in enumerate(fgraph.outputs) if isinstance(v.type, Scalar)]

        def body(inputs):
            given = inputs
            matched = ()
            if rng_in or cells:
                inputs = list(inputs)
                for i in rng_in:
                    inputs[i] = jrandom.key_from_state(inputs[i])
                matched = set()
                for p, cell in cells.items():
                    v = inputs[p]
                    if is_device_array(v):
                        matched.add(p)
                    elif isinstance(v, np.ndarray):
                        v = cell.device_value(v)       # uploaded once, then kept
                        if v is None:
                            continue
                        matched.add(p)
                    else:
                        continue
                    if par is None and len(v.sharding.device_set) > 1:
                        v = jax.device_put(v, single)    # left on many devices by data_parallel
                    inputs[p] = v
            if par is not None:
                inputs = [par.place(i, v) for i, v in enumerate(inputs)]
            outs = run(inputs)
            for k, o in enumerate(outs):
                if is_device_array(o):
                    # an update of a shared variable whose cell this call read stays on the
                    # device; every other output comes back as a new (writable) NumPy array,
                    # never a view of a device buffer that a later call may donate
                    if matched and dev_out.get(k) in matched and str(o.dtype) == out_dtypes[k]:
                        continue
                    outs[k] = to_numpy(o)
                else:
                    outs[k] = _to_host(o)
            for k in scalar_outs:
                if isinstance(outs[k], np.ndarray) and outs[k].ndim == 0:
                    outs[k] = outs[k][()]
            for k, rtype, same in rng_out:
                # an unchanged state stays the input's generator; a drawn one comes back as a
                # generator of the same kind seeded from the final key
                outs[k] = given[same] if same is not None else jrandom.state_from_key(outs[k], rtype)
            return outs

        # JAX's scoped 64-bit mode and the target device, entered per call only where needed
        if x64 and device is not None:
            def thunk(inputs):
                with jax.enable_x64(True), jax.default_device(device):
                    return body(inputs)
        elif x64:
            def thunk(inputs):
                with jax.enable_x64(True):
                    return body(inputs)
        elif device is not None:
            def thunk(inputs):
                with jax.default_device(device):
                    return body(inputs)
        else:
            def thunk(inputs):
                return body(inputs)

        thunk.source = inner.source
        thunk.reads_device_arrays = bool(cells)
        thunk.data_parallel = par
        thunk.x64 = x64
        thunk.device = device
        thunk.is_jitted = lambda: state["jitted"] is not None
        # how many times the graph was traced for jax.jit (one per set of slice lengths and
        # donation form), and the slices computed on the host (None: none)
        thunk.trace_count = lambda: state["traces"]
        thunk.dynamic_slices = slices
        whole = "jax.jit (whole graph)" if state["jitted"] is not None else "jax, op by op"
        thunk.node_paths = [(n, "lax.cond" if n not in impls else
                             "perform on the host" if getattr(impls[n], "on_host", False) else
                             "lax.while_loop (jitted on its own)" if n in while_loops else
                             f"{whole}") for n in nodes]
        return thunk
