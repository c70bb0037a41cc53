"""MonitorMode: call user functions before and/or after every node runs (Theano 1.0's
``theano.compile.monitormode.MonitorMode``), the tool of the "how do I step through a compiled
function" and "find where a NaN appears" recipes.

    def inspect_outputs(i, node, fn):
        print(i, node, [out[0] for out in fn.outputs])

    f = theano.function([x], y, mode=MonitorMode(post_func=inspect_outputs))

``i`` is the node's position in the execution order, ``node`` the Apply, ``fn`` an object whose
``inputs`` and ``outputs`` are the node's storage cells (one-element lists). Nodes run on the
reference implementations (every node's ``perform``), so each one is visible. Evaluation is lazy,
as on the reference VM: the branch an ifelse does not take is never run, so the callbacks never
see it (and NanGuardMode never complains about it). Each call has its own storage, so several
threads may call one function.
"""

import time

from theano.compile.mode import Mode
from theano.link.utils import reraise_with_node


class NodeThunk:
    """What the callbacks receive as ``fn``: the node's input and output cells."""

    __slots__ = ("inputs", "outputs", "_run")

    def __init__(self, inputs, outputs, run):
        self.inputs = inputs
        self.outputs = outputs
        self._run = run

    def __call__(self):
        self._run()


class _CallbackLinker:
    """Lazy, demand-driven evaluation of every node's ``perform``, with callbacks around each."""

    name = "py"

    def __init__(self, pre_func, post_func):
        self.pre_func = pre_func
        self.post_func = post_func

    def required_rewrites(self):
        return ()

    def make_thunk(self, fgraph, profile=None):
        from theano.link.python.evaluate import evaluate

        position = {node: i for i, node in enumerate(fgraph.toposort())}
        pre, post = self.pre_func, self.post_func
        inputs, outputs = list(fgraph.inputs), list(fgraph.outputs)

        def run_node(node, args):
            # demand-driven order is not the toposort that in-place rewrites planned for: an op
            # that overwrites an input gets a copy of it
            destroyed = {k for ins in node.op.destroy_map.values() for k in ins}
            in_cells = [[a.copy() if k in destroyed and hasattr(a, "copy") else a]
                        for k, a in enumerate(args)]
            out_cells = [[None] for _ in node.outputs]
            fn = NodeThunk(in_cells, out_cells,
                           lambda: node.op.perform(node, [c[0] for c in in_cells], out_cells))
            i = position[node]
            if pre is not None:
                pre(i, node, fn)
            t0 = time.perf_counter()
            try:
                node.op.perform(node, [c[0] for c in in_cells], out_cells)
            except Exception as exc:
                reraise_with_node(node, exc, args, i)
            if profile is not None:
                profile.record_node(node, time.perf_counter() - t0, args)
            if post is not None:
                post(i, node, fn)
            return [c[0] for c in out_cells]

        def lazy_hook(node, in_cells, computed, out_cells):
            needed = node.op.lazy_perform(node, in_cells, computed, out_cells)
            if not needed and post is not None:
                # the chosen branch's values: the callbacks see what the node produced
                post(position[node], node, NodeThunk(in_cells, out_cells, lambda: None))
            return needed

        def thunk(input_values):
            memo = dict(zip(inputs, input_values))
            return evaluate(outputs, memo, run_node, lazy_hook)

        return thunk


class MonitorMode(Mode):
    """A mode whose compiled functions call ``pre_func(i, node, fn)`` before and
    ``post_func(i, node, fn)`` after each node."""

    def __init__(self, pre_func=None, post_func=None, optimizer="default", linker=None,
                 including=(), excluding=(), requiring=()):
        if pre_func is not None and not callable(pre_func):
            raise TypeError("MonitorMode: pre_func must be callable (i, node, fn)")
        if post_func is not None and not callable(post_func):
            raise TypeError("MonitorMode: post_func must be callable (i, node, fn)")
        if linker not in (None, "py", "vm", "cvm", "c|py", "c"):
            raise ValueError("MonitorMode runs every node on the reference VM; leave linker=None")
        super().__init__(linker="py", optimizer=optimizer, including=including,
                         excluding=excluding, requiring=requiring)
        self.pre_func = pre_func
        self.post_func = post_func

    @property
    def linker(self):
        return _CallbackLinker(self.pre_func, self.post_func)

    def _copy(self, **changes):
        kw = dict(pre_func=self.pre_func, post_func=self.post_func, optimizer=self.optimizer,
                  including=self.including_tags, excluding=self.excluding_tags,
                  requiring=self.requiring_tags)
        changes.pop("linker", None)
        kw.update(changes)
        return MonitorMode(**kw)

    def __str__(self):
        return f"MonitorMode(optimizer={self.optimizer})"

    __repr__ = __str__


__all__ = ["MonitorMode"]
