"""Theano 1.0's linker objects: ``theano.gof.PerformLinker``, ``CLinker``, ``OpWiseCLinker``,
``DualLinker``, ``WrapLinker``/``WrapLinkerMany`` and ``theano.gof.vm.VM_Linker``.

Theano 1.0 programs use them two ways, and both work:

- as the linker of a mode, ``theano.Mode(linker=gof.PerformLinker(), optimizer=...)``: the object
  is a backend (``make_thunk(fgraph, profile)``);
- directly on a function graph, without rewriting it:
  ``f = gof.PerformLinker().accept(FunctionGraph([x], [y])).make_function(); f(x_value)``.
  The graph runs as given, node by node (an in-place op overwrites the array passed for its
  input). Arguments are checked and converted by their variable's type (``TypeError`` when that
  is impossible, e.g. a length that contradicts a broadcastable dimension); the call returns the
  single output (``unpack_single=True``) or the list of outputs. ``make_all()`` also gives the
  per-node thunks (Theano's ``(fn, inputs, outputs, thunks, order)``).

``VM_Linker`` (and ``PerformLinker``, ``WrapLinker``) run Theano's per-node thunk protocol on
storage cells: a ``storage_map`` (a one-item list per variable) and a ``compute_map`` (a
one-item list of bool per variable). An op that defines Theano's
``make_thunk(node, storage_map, compute_map, no_recycling, impl)`` runs through the thunk it
returns (``thunk.lazy = True``: the thunk returns the positions of the inputs it still needs);
other ops run through ``perform`` (a lazy op such as ifelse through ``lazy_perform``).

There is no C compiler here: ``CLinker`` and ``OpWiseCLinker`` run the graph as ``PerformLinker``
does, as the linker names 'c' and 'c|py' map to the reference VM (``theano.link.ALIASES``), and
``VM_Linker``'s ``use_cloop``/``c_thunks`` are accepted and run the Python loop.
"""

import threading
import time

from theano.graph.basic import Constant
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.link.python.vm import PythonLinker
from theano.link.utils import reraise_with_node


class Container:
    """A storage cell holding the value of ``variable`` (``container.data``, checked by the
    variable's type when set; ``container.storage`` is the underlying one-element list).
    ``readonly=True`` refuses assignments."""

    def __init__(self, variable, storage=None, readonly=False, strict=False, allow_downcast=None,
                 name=None):
        self.variable = variable
        self.type = getattr(variable, "type", variable)
        self.storage = [None] if storage is None else storage
        self.readonly = readonly
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.name = name if name is not None else getattr(variable, "name", None)

    @property
    def data(self):
        return self.storage[0]

    @data.setter
    def data(self, value):
        if self.readonly:
            raise Exception(f"Cannot set readonly storage: {self.name}")
        if value is None:
            self.storage[0] = None
            return
        # as Theano 1.0: a Type's filter is given strict/allow_downcast only when they are set
        # (user Types may define ``filter(self, data)`` alone)
        kwargs = {}
        if self.strict:
            kwargs["strict"] = True
        if self.allow_downcast is not None:
            kwargs["allow_downcast"] = self.allow_downcast
        self.storage[0] = self.type.filter(value, **kwargs)

    value = data

    def __deepcopy__(self, memo):
        import copy

        storage = copy.deepcopy(self.storage, memo)
        if storage[0] is not None:
            storage[0] = self.type.filter(storage[0])    # keeps a 0-d array an array
        return type(self)(self.variable, storage, self.readonly, self.strict,
                          self.allow_downcast, self.name)

    def __repr__(self):
        return f"<{self.variable}: {self.storage[0]!r}>"


# -- per-node thunks (Theano's protocol) --------------------------------------------------------
def _has_theano_make_thunk(op):
    """Whether ``op`` makes its own thunks (Theano 1.0's ops written as ``make_thunk``): any
    ``make_thunk`` but Op's default, which runs ``perform``/``lazy_perform``."""
    mt = getattr(type(op), "make_thunk", None)
    return callable(mt) and mt is not Op.make_thunk


def node_thunk(node, storage_map, compute_map, no_recycling=()):
    """The thunk of ``node`` on these cells: calling it runs the node (a lazy thunk returns the
    positions of the inputs it still needs, ``[]`` once done). ``thunk.inputs``/``thunk.outputs``
    are the node's cells, ``thunk.lazy`` says whether it may ask for inputs."""
    op = node.op
    if not _has_theano_make_thunk(op):
        if isinstance(op, Op):
            return op.make_thunk(node, storage_map, compute_map, list(no_recycling), None)
        return Op.make_thunk(op, node, storage_map, compute_map, list(no_recycling), None)
    in_cells = [storage_map[v] for v in node.inputs]
    out_cells = [storage_map[v] for v in node.outputs]
    out_done = [compute_map[v] for v in node.outputs]
    thunk = op.make_thunk(node, storage_map, compute_map, list(no_recycling), None)
    if not hasattr(thunk, "lazy"):
        thunk.lazy = False
    if not thunk.lazy:
        inner = thunk

        def thunk():
            inner()
            for c in out_done:
                c[0] = True
        thunk.lazy = False
    try:
        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.perform = getattr(op, "perform", None)
    except AttributeError:     # a thunk object that takes no attributes
        pass
    return thunk


def _storage(fgraph, nodes):
    storage_map, compute_map = {}, {}
    for v in fgraph.inputs:
        storage_map[v] = [None]
    for node in nodes:
        for v in list(node.inputs) + list(node.outputs):
            if v not in storage_map:
                storage_map[v] = [v.data] if isinstance(v, Constant) else [None]
    for v in fgraph.outputs:
        if v not in storage_map:
            storage_map[v] = [v.data] if isinstance(v, Constant) else [None]
    for v in storage_map:
        compute_map[v] = [isinstance(v, Constant)]
    return storage_map, compute_map


class VM:
    """One compiled graph on Theano's VM: ``vm(input_values) -> output_values``.

    Attributes as Theano 1.0's: ``nodes`` (in run order), ``thunks`` (one per node),
    ``storage_map``, ``compute_map``, ``allow_gc`` (after a call, the intermediate results are
    kept in ``storage_map`` only when it is False), ``call_counts``/``call_times`` per node,
    ``lazy`` (demand-driven: only the inputs a lazy op asks for are computed).
    Calls from several threads run one after the other (a lock).
    """

    def __init__(self, fgraph, nodes, allow_gc=True, lazy=False, callback=None,
                 callback_input=None, profile=None):
        self.fgraph = fgraph
        self.nodes = list(nodes)
        self.storage_map, self.compute_map = _storage(fgraph, self.nodes)
        self.thunks = [node_thunk(n, self.storage_map, self.compute_map) for n in self.nodes]
        self.allow_gc = allow_gc
        self.lazy = lazy
        self.callback = callback
        self.callback_input = callback_input
        self.profile = profile
        self.call_counts = [0] * len(self.nodes)
        self.call_times = [0.0] * len(self.nodes)
        self.node_paths = [(n, "perform (VM_Linker, lazy)" if lazy else "perform (VM_Linker)")
                           for n in self.nodes]
        self._inputs = list(fgraph.inputs)
        self._input_cells = [self.storage_map[v] for v in fgraph.inputs]
        self._output_cells = [self.storage_map[v] for v in fgraph.outputs]
        fixed = set(fgraph.inputs)
        self._transient = [(self.storage_map[v], self.compute_map[v]) for v in self.storage_map
                           if v not in fixed and not isinstance(v, Constant)]
        self._producer = {}
        for i, n in enumerate(self.nodes):
            for v in n.outputs:
                self._producer[v] = i
        # non-lazy run: the cells to free after each node (their last reader)
        keep = set(fgraph.inputs) | set(fgraph.outputs)
        last = {}
        for i, n in enumerate(self.nodes):
            for v in n.inputs:
                last[v] = i
        self._frees = [[] for _ in self.nodes]
        for v, i in last.items():
            if v not in keep and not isinstance(v, Constant):
                self._frees[i].append(self.storage_map[v])
        self._lock = threading.Lock()

    def _run_thunk(self, i):
        node, thunk = self.nodes[i], self.thunks[i]
        t0 = time.perf_counter()
        try:
            needed = thunk()
        except Exception as exc:
            reraise_with_node(node, exc, [self.storage_map[v][0] for v in node.inputs], i)
        dt = time.perf_counter() - t0
        self.call_counts[i] += 1
        self.call_times[i] += dt
        if self.profile is not None:
            self.profile.record_node(node, dt, [self.storage_map[v][0] for v in node.inputs],
                                     outputs=[self.storage_map[v][0] for v in node.outputs])
        if self.callback is not None:
            self.callback(node=node, thunk=thunk, storage_map=self.storage_map,
                          compute_map=self.compute_map)
        return needed

    def __call__(self, input_values):
        with self._lock:
            for cell, done in self._transient:
                cell[0] = None
                done[0] = False
            for v, cell, value in zip(self._inputs, self._input_cells, input_values):
                cell[0] = value
                self.compute_map[v][0] = True
            if self.callback_input is not None:
                for v, cell in zip(self._inputs, self._input_cells):
                    self.callback_input(v, cell[0])
            try:
                if self.lazy:
                    self._run_lazy()
                else:
                    self._run_loop()
                return [c[0] for c in self._output_cells]
            finally:
                if self.allow_gc:
                    for cell, _ in self._transient:
                        cell[0] = None

    def _run_loop(self):
        gc = self.allow_gc
        for i, thunk in enumerate(self.thunks):
            needed = self._run_thunk(i)
            if needed:      # a lazy thunk run in order: every input is already computed
                raise RuntimeError(f"{self.nodes[i].op} asked for inputs {list(needed)} that are "
                                   "already computed (non-lazy VM)")
            if gc:
                for c in self._frees[i]:
                    c[0] = None

    def _run_lazy(self):
        compute_map, producer, nodes = self.compute_map, self._producer, self.nodes
        done = [False] * len(nodes)
        stack = []
        for v in reversed(self.fgraph.outputs):
            p = producer.get(v)
            if p is not None:
                stack.append(p)
        while stack:
            i = stack[-1]
            if done[i]:
                stack.pop()
                continue
            node, thunk = nodes[i], self.thunks[i]
            if thunk.lazy:
                needed = self._run_thunk(i)
                if not needed:
                    done[i] = True
                    stack.pop()
                    continue
                missing = [producer[node.inputs[k]] for k in needed
                           if not compute_map[node.inputs[k]][0] and node.inputs[k] in producer]
                if not missing:
                    raise RuntimeError(f"{node.op} asked again for inputs {list(needed)} that "
                                       "are computed")
                stack.extend(missing)
                continue
            missing = [producer[v] for v in node.inputs
                       if not compute_map[v][0] and v in producer]
            if missing:
                stack.extend(missing)
                continue
            self._run_thunk(i)
            done[i] = True
            stack.pop()


class Linker(PythonLinker):
    """Base of Theano 1.0's linker classes: ``accept(fgraph)``, ``make_thunk()``,
    ``make_function()``, ``make_all()``; also usable as ``Mode(linker=...)``.
    ``schedule(fgraph) -> list of nodes``: the order the nodes run in (``theano.gof.sched``)."""

    def __init__(self, allow_gc=None, schedule=None):
        if allow_gc is None:
            from theano.configdefaults import config

            allow_gc = config.allow_gc
        super().__init__(allow_gc=allow_gc)
        self.schedule = schedule
        self.fgraph = None
        self.no_recycling = []

    def _options(self):
        return dict(allow_gc=self.allow_gc, schedule=self.schedule)

    def accept(self, fgraph, no_recycling=None, profile=None):
        """Attach ``fgraph`` (a linker already attached to another graph returns a new one)."""
        if not isinstance(fgraph, FunctionGraph):
            raise TypeError(f"{type(self).__name__}.accept expects a FunctionGraph, got "
                            f"{type(fgraph).__name__}")
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(**self._options()).accept(fgraph, no_recycling, profile)
        self.fgraph = fgraph
        self.no_recycling = list(no_recycling or [])
        return self

    def __copy__(self):
        # ``copy(linker).accept(...)``: a fresh linker with the same options
        return type(self)(**self._options())

    def _order(self, fgraph):
        if self.schedule is not None:
            return list(self.schedule(fgraph))
        return fgraph.toposort()

    def _runner(self, fgraph, profile=None):
        """The callable ``run(input_values) -> output_values`` of ``fgraph``."""
        if self.schedule is None:
            return PythonLinker.make_thunk(self, fgraph, profile)
        return VM(fgraph, self._order(fgraph), allow_gc=self.allow_gc, profile=profile)

    def make_thunk(self, fgraph=None, profile=None, input_storage=None, output_storage=None,
                   storage_map=None):
        """As a mode's backend, ``make_thunk(fgraph, profile)`` returns the callable of ``fgraph``.
        On an accepted graph (Theano's form), ``make_thunk()`` returns ``(thunk, inputs, outputs)``:
        ``thunk()`` runs the graph on the values of the ``inputs`` containers and puts the results
        in the ``outputs`` containers."""
        if isinstance(fgraph, FunctionGraph):
            return self._runner(fgraph, profile)
        if fgraph is not None:  # Theano's first positional argument was input_storage
            input_storage = fgraph
        fn, inputs, outputs = self._accepted_thunk(profile, input_storage, output_storage)[:3]
        return fn, inputs, outputs

    def _accepted_thunk(self, profile=None, input_storage=None, output_storage=None):
        if self.fgraph is None:
            raise ValueError(f"{type(self).__name__}: call accept(fgraph) before make_thunk()")
        fg = self.fgraph
        run = self._runner(fg, profile)
        inputs = [Container(v, None if input_storage is None else input_storage[i])
                  for i, v in enumerate(fg.inputs)]
        outputs = [Container(v, None if output_storage is None else output_storage[i])
                   for i, v in enumerate(fg.outputs)]

        def thunk():
            results = run([c.storage[0] for c in inputs])
            for c, r in zip(outputs, results):
                c.storage[0] = r

        return thunk, inputs, outputs, run

    def make_all(self, input_storage=None, output_storage=None, storage_map=None, profile=None):
        """Theano's ``(fn, input_containers, output_containers, thunks, order)`` of the accepted
        graph: ``fn()`` runs it on the input containers' values; ``thunks[i]`` runs node
        ``order[i]`` alone on the cells ``thunks[i].inputs``/``.outputs``."""
        if self.fgraph is None:
            raise ValueError(f"{type(self).__name__}: call accept(fgraph) before make_all()")
        fg = self.fgraph
        vm = VM(fg, self._order(fg), allow_gc=self.allow_gc, profile=profile)
        inputs = [Container(v, vm.storage_map[v]) for v in fg.inputs]
        if input_storage is not None:
            for c, s in zip(inputs, input_storage):
                c.storage[0] = s[0]
        outputs = [Container(v, [None] if output_storage is None else output_storage[i])
                   for i, v in enumerate(fg.outputs)]

        def fn():
            results = vm([c.storage[0] for c in inputs])
            for c, r in zip(outputs, results):
                c.storage[0] = r

        return fn, inputs, outputs, vm.thunks, vm.nodes

    def make_function(self, unpack_single=True, **kwargs):
        """A Python function of the accepted graph's inputs (in order) returning its outputs."""
        thunk, inputs, outputs = self.make_thunk(**kwargs)

        def execute(*args):
            if len(args) != len(inputs):
                raise TypeError(f"Function call takes exactly {len(inputs)} argument"
                                f"{'' if len(inputs) == 1 else 's'} ({len(args)} given)")
            for container, arg in zip(inputs, args):
                container.data = arg
            thunk()
            results = [c.storage[0] for c in outputs]
            if unpack_single and len(results) == 1:
                return results[0]
            return results

        execute.thunk = thunk
        execute.inputs = inputs
        execute.outputs = outputs
        return execute


class LocalLinker(Linker):
    """Theano's base of the linkers that run each node with its own thunk."""


class PerformLinker(LocalLinker):
    """Runs every node through its op's ``perform`` (the reference VM)."""


class CLinker(Linker):
    """Theano's C linker; here the reference VM (there is no C backend)."""


class OpWiseCLinker(LocalLinker):
    """Theano's per-op C linker with a Python fallback; here the reference VM."""


def _check_bool(owner, name, value):
    if value is not None and not isinstance(value, (bool, int)):
        raise TypeError(f"{owner}: {name} must be True, False or None, got {value!r}")
    return value


class VM_Linker(LocalLinker):
    """Theano 1.0's VM linker (``theano.gof.vm.VM_Linker``), which the linker names 'vm' and
    'cvm' stood for: runs the graph node by node on storage cells (``VM``).

    - ``allow_gc``: free intermediate results during and after each call (default
      ``config.allow_gc``); with False the last call's results stay in ``vm.storage_map``.
    - ``lazy``: True runs demand-driven (an ifelse computes only the branch it takes; ops with a
      lazy thunk ask for their inputs one by one); False runs every node in order (both
      branches of an ifelse); None (default): ``config.vm__lazy`` if set, else lazy exactly when
      the graph has a lazy op.
    - ``callback(node=, thunk=, storage_map=, compute_map=)``: called after each thunk call (a
      lazy op's every step); ``callback_input(variable, value)``: for each input at each call.
    - ``schedule(fgraph)``: the node order of the non-lazy run (``theano.gof.sched``).
    - ``use_cloop``, ``c_thunks``: Theano's C loop and C thunks; there is no C here, the Python
      loop runs (accepted for compatibility). ``allow_partial_eval``: accepted (the outputs a
      call asks for are the function's business).
    """

    def __init__(self, allow_gc=None, use_cloop=False, callback=None, callback_input=None,
                 lazy=None, schedule=None, c_thunks=None, allow_partial_eval=None):
        super().__init__(allow_gc=allow_gc, schedule=schedule)
        name = "VM_Linker"
        for opt, value in (("use_cloop", use_cloop), ("lazy", lazy), ("c_thunks", c_thunks),
                           ("allow_partial_eval", allow_partial_eval)):
            _check_bool(name, opt, value)
        for opt, value in (("callback", callback), ("callback_input", callback_input),
                           ("schedule", schedule)):
            if value is not None and not callable(value):
                raise TypeError(f"{name}: {opt} must be callable or None, got {value!r}")
        self.use_cloop = bool(use_cloop)
        self.callback = callback
        self.callback_input = callback_input
        self.lazy = lazy
        self.c_thunks = c_thunks
        self.allow_partial_eval = allow_partial_eval

    def _options(self):
        return dict(allow_gc=self.allow_gc, use_cloop=self.use_cloop, callback=self.callback,
                    callback_input=self.callback_input, lazy=self.lazy, schedule=self.schedule,
                    c_thunks=self.c_thunks, allow_partial_eval=self.allow_partial_eval)

    def _is_lazy(self, vm_thunks):
        lazy = self.lazy
        if lazy is None:
            from theano.configdefaults import config

            lazy = getattr(config, "vm__lazy", None)
        if lazy is None:
            lazy = any(getattr(t, "lazy", False) for t in vm_thunks)
        return bool(lazy)

    def _make_vm(self, fgraph, profile=None):
        vm = VM(fgraph, self._order(fgraph), allow_gc=self.allow_gc, callback=self.callback,
                callback_input=self.callback_input, profile=profile)
        vm.lazy = self._is_lazy(vm.thunks)
        if vm.lazy:
            vm.node_paths = [(n, "perform (VM_Linker, lazy)") for n in vm.nodes]
        return vm

    def _runner(self, fgraph, profile=None):
        return self._make_vm(fgraph, profile)

    def make_all(self, input_storage=None, output_storage=None, storage_map=None, profile=None):
        fn, inputs, outputs, thunks, order = super().make_all(input_storage, output_storage,
                                                              storage_map, profile)
        return fn, inputs, outputs, thunks, order

    def __repr__(self):
        return (f"VM_Linker(allow_gc={self.allow_gc}, lazy={self.lazy}, "
                f"use_cloop={self.use_cloop})")


def _default_checker(variable, reference, other):
    """DualLinker's check: the two backends' values of ``variable`` agree (its type's approximate
    equality: floats within rounding, NaN where NaN)."""
    t = variable.type
    same = t.values_eq_approx(reference, other) if hasattr(t, "values_eq_approx") else \
        t.values_eq(reference, other)
    if not same:
        raise ValueError(f"DualLinker: the two backends disagree on {variable}: {reference!r} "
                         f"(perform) and {other!r} (the native backend)")


class DualLinker(Linker):
    """Theano 1.0's ``gof.DualLinker``: runs the graph twice, with ``perform`` (the reference) and
    with the native backend (Theano: its C code), checks each output with ``checker(variable,
    reference_value, other_value)`` (which raises on a mismatch) and returns the reference
    values."""

    def __init__(self, checker=_default_checker, schedule=None, allow_gc=None):
        super().__init__(allow_gc=allow_gc, schedule=schedule)
        self.checker = checker

    def _options(self):
        return dict(checker=self.checker, schedule=self.schedule, allow_gc=self.allow_gc)

    def _runner(self, fgraph, profile=None):
        from theano.link import get_linker

        reference = super()._runner(fgraph, profile)
        other_fg = fgraph.clone() if hasattr(fgraph, "clone") else fgraph
        other = get_linker("numba").make_thunk(other_fg, None)
        outputs = list(fgraph.outputs)
        checker = self.checker

        def run(input_values):
            import copy as _copy

            ref = reference([_copy.copy(v) for v in input_values])
            got = other([_copy.copy(v) for v in input_values])
            for var, a, b in zip(outputs, ref, got):
                checker(var, a, b)
            return ref

        return run


class WrapLinker(Linker):
    """Theano 1.0's ``WrapLinker(linkers, wrapper)``: each linker makes a thunk per node (each on
    its own storage cells, given the same input values), and for each node in order
    ``wrapper(i, node, *thunks)`` is called instead of the thunks: the wrapper runs them (or not)
    and may inspect ``thunk.inputs``/``thunk.outputs``. The results are the first linker's."""

    def __init__(self, linkers, wrapper):
        super().__init__()
        linkers = list(linkers)
        if not linkers:
            raise ValueError("WrapLinker needs at least one linker")
        if not callable(wrapper):
            raise TypeError(f"WrapLinker: wrapper must be callable, got {wrapper!r}")
        self.linkers = linkers
        self.wrapper = wrapper

    def _options(self):
        return {}

    def __copy__(self):
        import copy

        return type(self)([copy.copy(lk) for lk in self.linkers], self.wrapper)

    def accept(self, fgraph, no_recycling=None, profile=None):
        if self.fgraph is not None and self.fgraph is not fgraph:
            return self.__copy__().accept(fgraph, no_recycling, profile)
        return super().accept(fgraph, no_recycling, profile)

    def _runner(self, fgraph, profile=None):
        order = self.linkers[0]._order(fgraph) if isinstance(self.linkers[0], Linker) \
            else fgraph.toposort()
        maps = [_storage(fgraph, order) for _ in self.linkers]
        thunk_lists = [[node_thunk(n, smap, cmap) for n in order] for smap, cmap in maps]
        wrapper = self.wrapper
        first_map = maps[0][0]
        out_cells = [first_map[v] for v in fgraph.outputs]
        fixed = set(fgraph.inputs)
        lock = threading.Lock()

        def run(input_values):
            with lock:
                for smap, cmap in maps:
                    for v, cell in smap.items():
                        if v not in fixed and not isinstance(v, Constant):
                            cell[0] = None
                            cmap[v][0] = False
                    for v, value in zip(fgraph.inputs, input_values):
                        smap[v][0] = value
                        cmap[v][0] = True
                for i, node in enumerate(order):
                    t0 = time.perf_counter()
                    try:
                        wrapper(i, node, *[tl[i] for tl in thunk_lists])
                    except Exception as exc:
                        reraise_with_node(node, exc, [first_map[v][0] for v in node.inputs], i)
                    if profile is not None:
                        profile.record_node(node, time.perf_counter() - t0,
                                            [first_map[v][0] for v in node.inputs])
                return [c[0] for c in out_cells]

        run.node_paths = [(n, "perform (WrapLinker)") for n in order]
        return run


class WrapLinkerMany(WrapLinker):
    """``WrapLinkerMany(linkers, wrappers)``: a WrapLinker whose wrapper calls each of
    ``wrappers`` in turn, ``w(i, node, *thunks)``."""

    def __init__(self, linkers, wrappers):
        wrappers = list(wrappers)
        for w in wrappers:
            if not callable(w):
                raise TypeError(f"WrapLinkerMany: every wrapper must be callable, got {w!r}")

        def wrapper(*args):
            for w in wrappers:
                w(*args)

        super().__init__(linkers, wrapper)
        self.wrappers = wrappers

    def __copy__(self):
        import copy

        return type(self)([copy.copy(lk) for lk in self.linkers], self.wrappers)


__all__ = ["Container", "DualLinker", "Linker", "LocalLinker", "PerformLinker", "CLinker", "OpWiseCLinker",
           "VM", "VM_Linker", "WrapLinker", "WrapLinkerMany", "node_thunk"]
