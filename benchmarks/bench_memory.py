"""Memory of compiled functions: what each distinct graph keeps, and the peak of a training run.

1. **Per distinct graph.** ``--graphs N`` structurally different elementwise chains (each its own
   scalar program, so its own Numba kernel), each compiled with an empty kernel cache, called
   twice and dropped, with its kernels compiled in the process, by the helper process
   (``numba__compile_worker=always``) or by the default rule (the first 16 in process, then the
   helper). Reported per graph: the resident memory (RSS) that stays after they are all
   gone (after ``malloc_trim``, so that memory the C allocator keeps for reuse does not count), and
   the Python objects that stay (tracemalloc, in a separate run). With ``--multi`` each graph has
   also a reduction and a product, which makes the whole-graph tier compile a second function.
2. **Kernel reuse.** The same chain with other constants in N graphs: how many kernels compiled.
3. **Peak of building and running 20 MLP steps** (784-512-512-10 float32, batch 256, the MLP of
   ``benchmarks/run.py``): the growth of the peak RSS (``VmHWM``) from just after the imports, with
   an empty kernel cache, next to the same 20 steps in NumPy; and the tracemalloc peak.

Each measurement runs in a fresh process. Run: ``python benchmarks/bench_memory.py [--graphs 60]``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

COMMON = r"""
import ctypes, gc, json, os, sys, tempfile, tracemalloc
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
def peak():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
def trim():
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
"""

GRAPHS = COMMON + r"""
import numpy as np
import theano, theano.tensor as T
n, multi, trace = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3] == "1"
x = T.dvector("x")
xv = np.linspace(0.1, 1, 100)
def make(k):
    y = T.exp(x)
    for b in range(8):
        y = y * x if (k >> b) & 1 else y - x
    outs = [y.sum(), T.dot(x, y), T.sqrt(abs(y))] if multi else y
    f = theano.function([x], outs)
    f(xv); f(xv)
    return f
make(255)               # numba imported and initialised, one kernel compiled
trim()
r0 = rss()
if trace:
    tracemalloc.start()
for k in range(n):
    make(k)             # dropped at once
trim()
out = {"rss_mb": (rss() - r0) / n}
if trace:
    out["python_mb"] = tracemalloc.get_traced_memory()[0] / n / 2 ** 20
print(json.dumps(out))
"""

REUSE = COMMON + r"""
import numpy as np
import theano, theano.tensor as T
from theano.link.numba import cache
n = int(sys.argv[1])
x, y = T.dvectors("x", "y")
a, b = np.linspace(-1, 1, 50), np.linspace(1, 2, 50)
fs = []
for k in range(n):
    f = theano.function([x, y], ((x * y + x) * (1.0 + k) - y) / (y * y + 2.0 + k))
    f(a, b); f(a, b)
    fs.append(f)
print(json.dumps({"kernels": sum(1 for e in cache._loaded.values() if getattr(e, "dispatchers", None) or hasattr(e, "kernel"))}))
"""

MLP = COMMON + r"""
import numpy as np
sys.path.insert(0, sys.argv[2])
import workloads as W
which = sys.argv[1]
if which != "numpy":
    import theano
r0, p0 = rss(), peak()
if sys.argv[3] == "1":
    tracemalloc.start()
if which == "numpy":
    W.mlp_numpy({"mlp_steps": 20})()
else:
    W.mlp_graph(theano, {"mlp_steps": 20}, None)()
out = {"peak_growth_mb": peak() - r0, "rss_after_import_mb": r0}
if sys.argv[3] == "1":
    out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
out["numba_imported"] = "numba" in sys.modules
print(json.dumps(out))
"""


def child(code, *args, flags=""):
    with tempfile.TemporaryDirectory() as cache:
        all_flags = ",".join(f for f in (os.environ.get("THEANO_FLAGS", ""), flags,
                                          f"base_compiledir={cache}") if f)
        env = dict(os.environ, THEANO_FLAGS=all_flags,
                   PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        p = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                           text=True, env=env, timeout=1800)
        if p.returncode != 0:
            raise RuntimeError(p.stderr[-3000:])
        return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graphs", type=int, default=60)
    ap.add_argument("--only", default="", help="graphs, reuse or mlp")
    args = ap.parse_args()
    n = args.graphs
    if not args.only or "graphs" in args.only:
        runs = (
            (0, "", "compiled in process"),
            (0, "numba__compile_worker=always", "compiled by the helper"),
            (0, "numba__compile_worker=auto", "default (first 16 kernels in process)"),
            (1, "", "tier on, compiled in process"),
            (1, "numba__compile_worker=always", "tier on, compiled by the helper"),
            (1, "numba__whole_graph=False", "tier off, compiled in process"),
        )
        for multi, flags, tier in runs:
            label = ("fused node + sum + dot (whole-graph tier)" if multi else "one fused node")
            if "compile_worker" not in flags:
                flags = ",".join(f for f in (flags, "numba__compile_worker=never") if f)
            r = child(GRAPHS, n, multi, 0, flags=flags)
            t = child(GRAPHS, max(10, n // 3), multi, 1, flags=flags)
            print(f"distinct graphs, {label}, {tier}: RSS kept {r['rss_mb']:.2f} MB/graph, "
                  f"Python objects kept {t['python_mb']:.3f} MB/graph ({n} graphs, dropped)",
                  flush=True)
    if not args.only or "reuse" in args.only:
        r = child(REUSE, 12)
        print(f"kernel reuse: 12 graphs of one scalar program (other constants) -> "
              f"{r['kernels']} kernel(s) compiled", flush=True)
    if not args.only or "mlp" in args.only:
        for which in ("numpy", "theano"):
            r = child(MLP, which, HERE, 0)
            t = child(MLP, which, HERE, 1)
            print(f"20 MLP steps, {which:6s}: peak RSS growth {r['peak_growth_mb']:6.1f} MB "
                  f"(RSS after imports {r['rss_after_import_mb']:.0f} MB), tracemalloc peak "
                  f"{t['traced_peak_mb']:.1f} MB, numba imported: {r['numba_imported']}", flush=True)


if __name__ == "__main__":
    main()
