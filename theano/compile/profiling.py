"""Profiling of compiled functions: time per call, per node and per op class, on every backend."""

import sys
import time
from collections import defaultdict


class ProfileStats:
    """Collected when ``theano.function(..., profile=True)``; print with ``f.profile.summary()``."""

    def __init__(self, name=None):
        self.name = name
        self.compile_time = 0.0
        self.optimizer_time = 0.0
        self.linker_time = 0.0
        self.fct_callcount = 0
        self.fct_call_time = 0.0
        self.apply_time = defaultdict(float)
        self.apply_callcount = defaultdict(int)

    def record_node(self, node, seconds):
        self.apply_time[node] += seconds
        self.apply_callcount[node] += 1

    def record_call(self, seconds):
        self.fct_callcount += 1
        self.fct_call_time += seconds

    def op_time(self):
        out = defaultdict(float)
        for node, t in self.apply_time.items():
            out[type(node.op).__name__ if not hasattr(node.op, "scalar_op") else str(node.op)] += t
        return dict(out)

    def summary(self, file=sys.stdout, n_ops_to_print=20, n_apply_to_print=20):
        lines = [f"Function profiling", "==================",
                 f"  Message: {self.name}",
                 f"  Time in {self.fct_callcount} calls to Function.__call__: {self.fct_call_time:.6e}s",
                 f"  Compile time: {self.compile_time:.6e}s (optimizer {self.optimizer_time:.3e}s, "
                 f"linker {self.linker_time:.3e}s)"]
        total = sum(self.apply_time.values()) or 1e-12
        lines.append("")
        lines.append("Ops")
        lines.append("---")
        lines.append("<% time> <sum %> <apply time> <Op name>")
        cum = 0.0
        for op, t in sorted(self.op_time().items(), key=lambda kv: -kv[1])[:n_ops_to_print]:
            cum += t
            lines.append(f"  {100 * t / total:5.1f}%  {100 * cum / total:5.1f}%  {t:.3e}s  {op}")
        lines.append("")
        lines.append("Apply")
        lines.append("------")
        lines.append("<% time> <apply time> <calls> <Apply name>")
        for node, t in sorted(self.apply_time.items(), key=lambda kv: -kv[1])[:n_apply_to_print]:
            lines.append(f"  {100 * t / total:5.1f}%  {t:.3e}s  {self.apply_callcount[node]:6d}  {node}")
        text = "\n".join(lines)
        if file == "str":
            return text
        print(text, file=file)
        return None


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self.t0
