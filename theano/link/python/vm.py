"""The reference VM: runs each node's ``perform`` with NumPy.

Two executors share one storage layout (a one-element list per variable):

- ``LoopVM`` runs the nodes in topological order and frees each intermediate result right after its
  last use (``allow_gc``).
- ``LazyVM`` is demand-driven: it starts from the outputs and computes only what is needed. Ops with
  ``lazy = True`` (ifelse) implement ``lazy_perform(node, input_storage, computed, output_storage)``
  which returns the positions of inputs they still need, or an empty list once their outputs are
  written. The walk is iterative (an explicit stack), so deep graphs do not recurse.

Threads: the storage cells belong to the compiled function (MonitorMode's callbacks see them), so
a call holds the executor's lock: calls from several threads run one after the other, each with
correct results. A call from inside the same call (a callback calling its own function) would
overwrite the cells in use, and raises RuntimeError instead.
"""

import threading
import time

from theano.graph.basic import Constant
from theano.link.base import Backend, lazy_thunk, needs_lazy_vm
from theano.link.utils import reraise_with_node


class _Plan:
    """Storage cells and per-node references, computed once per compiled function."""

    def __init__(self, fgraph, nodes):
        self.fgraph = fgraph
        self.nodes = nodes
        self.cells = {}
        for v in fgraph.inputs:
            self.cells[v] = [None]
        for node in nodes:
            for v in node.inputs:
                if v not in self.cells:
                    self.cells[v] = [v.data] if isinstance(v, Constant) else [None]
            for v in node.outputs:
                self.cells.setdefault(v, [None])
        for v in fgraph.outputs:
            if v not in self.cells:
                self.cells[v] = [v.data] if isinstance(v, Constant) else [None]
        self.input_cells = [self.cells[v] for v in fgraph.inputs]
        self.output_cells = [self.cells[v] for v in fgraph.outputs]
        self.node_inputs = [[self.cells[v] for v in n.inputs] for n in nodes]
        self.node_outputs = [[self.cells[v] for v in n.outputs] for n in nodes]
        # cells to clear after the run (everything that is not a constant)
        self.transient = [c for v, c in self.cells.items() if not isinstance(v, Constant)]


class _Locked:
    """Serializes the calls of one executor (see module doc)."""

    def _enter(self):
        lock = self._lock
        if not lock.acquire(blocking=False):
            if self._owner == threading.get_ident():
                raise RuntimeError("A compiled function was called again from inside its own call "
                                   "(for example from a MonitorMode callback); call a separate "
                                   "copy of it (Function.copy()) instead")
            lock.acquire()
        self._owner = threading.get_ident()

    def _exit(self):
        self._owner = None
        self._lock.release()

    def __call__(self, input_values):
        self._enter()
        try:
            return self._run(input_values)
        finally:
            self._exit()


class LoopVM(_Locked):
    def __init__(self, fgraph, nodes, allow_gc=True, profile=None):
        self.plan = plan = _Plan(fgraph, nodes)
        keep = set(fgraph.outputs) | set(fgraph.inputs)
        last_use = {}
        for i, node in enumerate(nodes):
            for v in node.inputs:
                last_use[v] = i
        frees = [[] for _ in nodes]
        if allow_gc:
            for v, i in last_use.items():
                if v not in keep and not isinstance(v, Constant):
                    frees[i].append(plan.cells[v])
        self.steps = [(node, node.op.perform, ins, outs, fr)
                      for node, ins, outs, fr in zip(nodes, plan.node_inputs, plan.node_outputs, frees)]
        self.profile = profile
        self._lock = threading.Lock()
        self._owner = None

    def _run(self, input_values):
        plan = self.plan
        for cell, v in zip(plan.input_cells, input_values):
            cell[0] = v
        profile = self.profile
        try:
            for pos, (node, perform, ins, outs, frees) in enumerate(self.steps):
                args = [c[0] for c in ins]
                try:
                    if profile is None:
                        perform(node, args, outs)
                    else:
                        t0 = time.perf_counter()
                        perform(node, args, outs)
                        profile.record_node(node, time.perf_counter() - t0, args,
                                            outputs=[c[0] for c in outs])
                except Exception as exc:
                    reraise_with_node(node, exc, args, pos)
                for c in frees:
                    c[0] = None
            return [c[0] for c in plan.output_cells]
        finally:
            for c in plan.transient:
                c[0] = None


class LazyVM(_Locked):
    def __init__(self, fgraph, nodes, allow_gc=True, profile=None):
        self.plan = _Plan(fgraph, nodes)
        self.nodes = nodes
        self.index = {node: i for i, node in enumerate(nodes)}
        self.producer = {}
        for i, node in enumerate(nodes):
            for v in node.outputs:
                self.producer[v] = i
        self.input_ids = [[self.producer.get(v) for v in n.inputs] for n in nodes]
        self.output_producers = [self.producer.get(v) for v in fgraph.outputs]
        self.profile = profile
        self._lock = threading.Lock()
        self._owner = None

    def _run(self, input_values):
        plan = self.plan
        nodes = self.nodes
        for cell, v in zip(plan.input_cells, input_values):
            cell[0] = v
        done = [False] * len(nodes)
        profile = self.profile
        try:
            stack = [p for p in reversed(self.output_producers) if p is not None]
            while stack:
                i = stack[-1]
                if done[i]:
                    stack.pop()
                    continue
                node = nodes[i]
                ins = plan.node_inputs[i]
                producers = self.input_ids[i]
                if node.op.lazy:
                    computed = [p is None or done[p] for p in producers]
                    try:
                        t0 = time.perf_counter()
                        needed = node.op.lazy_perform(node, ins, computed, plan.node_outputs[i])
                        if profile is not None:
                            profile.record_node(node, time.perf_counter() - t0, [c[0] for c in ins])
                    except Exception as exc:
                        reraise_with_node(node, exc, [c[0] for c in ins], i)
                    if not needed:
                        done[i] = True
                        stack.pop()
                        continue
                    missing = [producers[k] for k in needed if producers[k] is not None and not done[producers[k]]]
                    if not missing:
                        raise RuntimeError(f"{node.op} asked again for inputs that are computed")
                    stack.extend(missing)
                    continue
                missing = [p for p in producers if p is not None and not done[p]]
                if missing:
                    stack.extend(missing)
                    continue
                args = [c[0] for c in ins]
                try:
                    if profile is None:
                        node.op.perform(node, args, plan.node_outputs[i])
                    else:
                        t0 = time.perf_counter()
                        node.op.perform(node, args, plan.node_outputs[i])
                        profile.record_node(node, time.perf_counter() - t0, args,
                                            outputs=[c[0] for c in plan.node_outputs[i]])
                except Exception as exc:
                    reraise_with_node(node, exc, args, i)
                done[i] = True
                stack.pop()
            return [c[0] for c in plan.output_cells]
        finally:
            for c in plan.transient:
                c[0] = None


class PythonLinker(Backend):
    """The reference backend. Always available; every op runs through its ``perform``."""

    name = "py"

    def make_thunk(self, fgraph, profile=None):
        nodes = fgraph.toposort()
        if needs_lazy_vm(nodes):
            return lazy_thunk(fgraph, nodes, self.allow_gc, profile)
        vm = LoopVM(fgraph, nodes, self.allow_gc, profile)
        vm.node_paths = [(n, "perform") for n in nodes]
        return vm
