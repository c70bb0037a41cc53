"""Profiling of compiled functions: time per call, per node and per op class, on every backend.

``theano.function(..., profile=True)`` gives the function a ``ProfileStats`` (``f.profile``); the
backends record each node's time, and where they can its input shapes and how the node ran (the
native backend's path: a NumPy call, a Numba kernel, ``perform``...). ``f.profile.summary()`` prints
the table. With ``THEANO_FLAGS=profile=True`` every function is profiled and the summaries are
printed when the program exits, as in Theano 1.0.
"""

import atexit
import sys
import time
from collections import defaultdict

MAX_SHAPES = 4     # distinct input-shape combinations kept per node

_at_exit = []      # ProfileStats printed at exit (config.profile)
_hooked = False


def _print_at_exit():
    from theano.configdefaults import config

    dest = config.profiling__destination
    if dest in ("stderr", "stdout"):
        out, close = getattr(sys, dest), False
    else:
        out, close = open(dest, "w"), True
    try:
        for stats in _at_exit:
            if stats.fct_callcount:
                stats.summary(file=out)
    finally:
        if close:
            out.close()


def _nbytes(value):
    """Bytes of a node's output value (arrays, sparse matrices, scalars; 0 for other values)."""
    n = getattr(value, "nbytes", None)
    if n is not None:
        return int(n)
    data = getattr(value, "data", None)         # scipy.sparse: its three arrays
    if data is not None and hasattr(value, "indices"):
        return int(data.nbytes + value.indices.nbytes + value.indptr.nbytes)
    return 0


def _kb(n):
    return f"{(n + 1023) // 1024}KB"


def register_at_exit(stats):
    global _hooked
    _at_exit.append(stats)
    if not _hooked:
        atexit.register(_print_at_exit)
        _hooked = True


class ProfileStats:
    """Collected when ``theano.function(..., profile=True)``; print with ``f.profile.summary()``."""

    def __init__(self, atexit_print=None, flag_time_thunks=None, gpu_checks=True, name=None,
                 message=None, **kwargs):
        """Theano 1.0's signature: ``atexit_print``: print the summary when the program exits
        (default: the ``profile`` flag); ``message`` (or ``name``): the profile's title; the other
        arguments are accepted. A string as the first argument is the title."""
        if isinstance(atexit_print, str) and name is None and message is None:
            name, atexit_print = atexit_print, None
        self.name = name if name is not None else message
        self.message = self.name
        self.compile_time = 0.0
        self.optimizer_time = 0.0
        self.linker_time = 0.0
        self.fct_callcount = 0
        self.fct_call_time = 0.0
        self.apply_time = defaultdict(float)
        self.apply_callcount = defaultdict(int)
        self.apply_shapes = defaultdict(dict)   # node -> {input shapes: calls}
        self.apply_compile_time = defaultdict(float)  # node -> kernel compile/load at its calls
        self.node_path = {}                       # node -> how the backend runs it
        self.linker_name = None
        self._first_call_done = False
        self.apply_output_bytes = {}       # node -> bytes of each output (largest call)
        self.fgraph = None                 # set by the compile step (the order nodes run in)
        from theano.configdefaults import config

        self.memory = bool(config.profile_memory)

        if atexit_print or (atexit_print is None and config.profile):
            register_at_exit(self)

    def record_node(self, node, seconds, inputs=None, compile_seconds=0.0, outputs=None):
        """One run of ``node``: ``seconds`` it ran, ``compile_seconds`` its kernels took to
        compile or load during this call (kept apart: a first call is not the node's cost);
        ``outputs`` (its values) give the memory profile when ``profile_memory`` is on."""
        if outputs is not None and self.memory:
            sizes = [_nbytes(v) for v in outputs]
            old = self.apply_output_bytes.get(node)
            if old is None or sum(sizes) > sum(old):
                self.apply_output_bytes[node] = sizes
        self.apply_time[node] += seconds
        self.apply_callcount[node] += 1
        if compile_seconds:
            self.apply_compile_time[node] += compile_seconds
        if inputs is not None:
            shapes = tuple(getattr(v, "shape", ()) for v in inputs)
            seen = self.apply_shapes[node]
            if shapes in seen or len(seen) < MAX_SHAPES:
                seen[shapes] = seen.get(shapes, 0) + 1

    @property
    def variable_shape(self):
        """Theano 1.0's name: the last input shapes seen by each node's inputs."""
        out = {}
        for node, seen in self.apply_shapes.items():
            if seen:
                for var, shape in zip(node.inputs, list(seen)[-1]):
                    out[var] = shape
        return out

    def record_call(self, seconds):
        from theano.configdefaults import config

        if config.profiling__ignore_first_call and not self._first_call_done:
            # the first call's node times go (its kernel compile times stay, shown apart)
            self._first_call_done = True
            self.apply_time.clear()
            self.apply_callcount.clear()
            self.apply_shapes.clear()
            return
        self._first_call_done = True
        self.fct_callcount += 1
        self.fct_call_time += seconds

    def compute_total_times(self):
        """{node: its time plus the total times of the distinct nodes computing its inputs}
        (Theano 1.0's ``compute_total_times``: the time spent in the part of the graph ending at
        each node, a node reached along several paths counted on each)."""
        from theano.graph.basic import io_toposort

        nodes = set(self.apply_time)
        total = {}
        for node in io_toposort([], [o for n in nodes for o in n.outputs]):
            if node not in nodes:
                continue
            parents = {i.owner for i in node.inputs if i.owner is not None and i.owner in nodes}
            total[node] = self.apply_time[node] + sum(total[p] for p in parents)
        return total

    @staticmethod
    def _op_name(node):
        return str(node.op) if hasattr(node.op, "scalar_op") else type(node.op).__name__

    def op_time(self):
        out = defaultdict(float)
        for node, t in self.apply_time.items():
            out[self._op_name(node)] += t
        return dict(out)

    def op_callcount(self):
        out = defaultdict(int)
        for node, n in self.apply_callcount.items():
            out[self._op_name(node)] += n
        return dict(out)

    def op_nb_apply(self):
        out = defaultdict(int)
        for node in self.apply_time:
            out[self._op_name(node)] += 1
        return dict(out)

    def summary(self, file=None, n_ops_to_print=None, n_apply_to_print=None):
        """Print the tables (to ``file``, default the current ``sys.stdout``);
        ``n_ops_to_print``/``n_apply_to_print`` default to the ``profiling.n_ops``/
        ``profiling.n_apply`` flags."""
        from theano.configdefaults import config

        if file is None:
            file = sys.stdout
        if n_ops_to_print is None:
            n_ops_to_print = config.profiling__n_ops
        if n_apply_to_print is None:
            n_apply_to_print = config.profiling__n_apply
        lines = ["Function profiling", "==================",
                 f"  Message: {self.name}",
                 f"  Time in {self.fct_callcount} calls to Function.__call__: {self.fct_call_time:.6e}s",
                 f"  Compile time: {self.compile_time:.6e}s (optimizer {self.optimizer_time:.3e}s, "
                 f"linker {self.linker_time:.3e}s)"]
        if self.linker_name:
            lines.append(f"  Backend: {self.linker_name}")
        total = sum(self.apply_time.values()) or 1e-12
        per_call = self.fct_call_time / self.fct_callcount if self.fct_callcount else 0.0
        lines.append(f"  Time per call: {per_call:.3e}s; in nodes: {100 * total / (self.fct_call_time or 1e-12):.1f}%"
                     if self.fct_callcount else "  (not called)")
        jit = sum(self.apply_compile_time.values())
        if jit:
            lines.append(f"  Kernels compiled or loaded during calls: {jit:.3e}s in "
                         f"{len(self.apply_compile_time)} nodes (in the call time, not in the "
                         "node times below)")
        lines.append("")
        lines.append("Ops")
        lines.append("---")
        lines.append("<% time> <sum %> <op time> <calls> <#apply> <Op name>")
        cum = 0.0
        calls, napply = self.op_callcount(), self.op_nb_apply()
        for op, t in sorted(self.op_time().items(), key=lambda kv: -kv[1])[:n_ops_to_print]:
            cum += t
            lines.append(f"  {100 * t / total:5.1f}%  {100 * cum / total:5.1f}%  {t:.3e}s  "
                         f"{calls[op]:6d}  {napply[op]:4d}  {op}")
        lines.append("")
        lines.append("Apply")
        lines.append("------")
        lines.append("<% time> <apply time> <calls> <path> <Apply name> <input shapes>")
        for node, t in sorted(self.apply_time.items(), key=lambda kv: -kv[1])[:n_apply_to_print]:
            path = self.node_path.get(node, "-")
            shapes = "; ".join(", ".join(str(tuple(s)) for s in combo)
                               for combo in self.apply_shapes.get(node, {}))
            lines.append(f"  {100 * t / total:5.1f}%  {t:.3e}s  {self.apply_callcount[node]:6d}  "
                         f"{path}  {node}" + (f"  [{shapes}]" if shapes else ""))
        if self.memory and self.apply_output_bytes:
            lines += self._memory_lines(n_apply_to_print, config.profiling__min_memory_size,
                                        config.allow_gc)
        text = "\n".join(lines)
        if file == "str":
            return text
        print(text, file=file)
        return None


    def memory_peaks(self, allow_gc=True):
        """Bytes the function's own results hold at the peak of a call, from the largest output
        sizes recorded per node: ``(peak with allow_gc, peak if nothing were freed, bytes that
        views and in-place outputs did not allocate)``. Inputs, shared values and constants are
        not counted; a view or in-place output keeps the memory it aliases alive as long as it
        is used; the function's outputs are never freed."""
        fg = self.fgraph
        nodes = fg.toposort() if fg is not None else list(self.apply_output_bytes)
        outputs = set(fg.outputs) if fg is not None else set()
        root, size, last = {}, {}, {}
        saved = 0
        for i, node in enumerate(nodes):
            sizes = self.apply_output_bytes.get(node)
            if sizes is None:
                continue
            view = getattr(node.op, "view_map", {}) or {}
            destroy = getattr(node.op, "destroy_map", {}) or {}
            for k, inp in enumerate(node.inputs):
                r = root.get(inp)
                if r is not None:
                    last[r] = i
            for j, out in enumerate(node.outputs):
                aliased = list(view.get(j, ())) + list(destroy.get(j, ()))
                if aliased and j < len(sizes):
                    saved += sizes[j]
                    r = root.get(node.inputs[aliased[0]])
                    if r is not None:
                        root[out] = r
                    continue
                root[out] = out
                size[out] = sizes[j] if j < len(sizes) else 0
                last[out] = i
        for out in outputs:
            r = root.get(out)
            if r is not None:
                last[r] = len(nodes)           # held until the call returns
        no_gc = sum(size.values())
        if not allow_gc:
            return no_gc, no_gc, saved
        frees = defaultdict(list)
        for r, i in last.items():
            frees[i].append(r)
        running = peak = 0
        for i, node in enumerate(nodes):
            for out in node.outputs:
                running += size.get(out, 0) if root.get(out) is out else 0
            peak = max(peak, running)
            for r in frees.get(i, ()):
                running -= size.get(r, 0)
        return peak, no_gc, saved

    def _memory_lines(self, n_apply, min_bytes, allow_gc):
        peak, no_gc, saved = self.memory_peaks(allow_gc)
        lines = ["", "Memory Profile", "--------------",
                 f"  Max peak memory with current setting (allow_gc={allow_gc}): CPU: {_kb(peak)}",
                 f"  Max peak memory if allow_gc=False: CPU: {_kb(no_gc)}",
                 f"  Memory not allocated thanks to views and in-place outputs: CPU: {_kb(saved)}",
                 "<bytes of the outputs> <kind: c created, v view, i in place> <Apply node>"]
        ranked = sorted(self.apply_output_bytes.items(), key=lambda kv: -sum(kv[1]))
        for node, sizes in ranked[:n_apply]:
            if sum(sizes) < min_bytes:
                break
            view = getattr(node.op, "view_map", {}) or {}
            destroy = getattr(node.op, "destroy_map", {}) or {}
            kinds = "".join("v" if j in view else "i" if j in destroy else "c"
                            for j in range(len(node.outputs)))
            lines.append(f"  {sum(sizes):>12d}B  {kinds}  {node}")
        return lines


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self.t0
