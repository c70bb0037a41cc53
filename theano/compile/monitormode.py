"""MonitorMode: call user functions before and/or after every node runs (Theano 1.0's
``theano.compile.monitormode.MonitorMode``), the tool of the "how do I step through a compiled
function" and "find where a NaN appears" recipes.

    def inspect_outputs(i, node, fn):
        print(i, node, [out[0] for out in fn.outputs])

    f = theano.function([x], y, mode=MonitorMode(post_func=inspect_outputs))

``i`` is the node's position in the execution order, ``node`` the Apply, ``fn`` an object whose
``inputs`` and ``outputs`` are the node's storage cells (one-element lists). Nodes run on the
reference VM (every node's ``perform``), so each one is visible.
"""

from theano.compile.mode import Mode


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
    """The reference VM (strict order, no lazy evaluation) with callbacks around each node."""

    name = "py"

    def __init__(self, pre_func, post_func):
        self.pre_func = pre_func
        self.post_func = post_func

    def required_rewrites(self):
        return ()

    def make_thunk(self, fgraph, profile=None):
        from theano.link.python.vm import LoopVM

        nodes = fgraph.toposort()
        vm = LoopVM(fgraph, nodes, allow_gc=False, profile=profile)
        vm.steps = [(node, self._wrap(i, node, perform, ins, outs), ins, outs, frees)
                    for i, (node, perform, ins, outs, frees) in enumerate(vm.steps)]
        return vm

    def _wrap(self, i, node, perform, in_cells, out_cells):
        pre, post = self.pre_func, self.post_func
        fn = NodeThunk(in_cells, out_cells,
                       lambda: perform(node, [c[0] for c in in_cells], out_cells))

        def run(node_, args, outs):
            if pre is not None:
                pre(i, node, fn)
            perform(node_, args, outs)
            if post is not None:
                post(i, node, fn)

        return run


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
