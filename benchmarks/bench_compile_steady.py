"""Compile to steady state, with an empty kernel cache: what a user waits for before a function runs
at full speed.

"Compile to steady state" = graph build + ``theano.function`` + 40 calls, minus 39 times the steady
per-call time (the median of 30 further calls). Kernels the Numba backend compiles at the first (or
any later) call count, as users wait for them. Each row runs in a fresh process with an empty kernel
cache (``--warm`` also runs each row a second time on the cache the first run filled), after
``import theano`` (whose time is reported separately, with ``-X importtime``'s heaviest imports).

Workloads (the ones of ``benchmarks/run.py``): the tutorial logistic regression (400 x 784 float64,
train function with updates) and the MLP 784-512-512-10 float32 training step (batch 256).

Run: ``python benchmarks/bench_compile_steady.py [--repeat 3] [--warm] [--mode FAST_RUN]``; the
best of ``--repeat`` fresh processes is reported, in wall time and in the process's CPU time
(the same measure with ``time.process_time``: on a loaded shared machine, pinned with
``taskset -c 0``, the CPU time is the one to compare).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import theano
import theano.tensor as T
t_import = time.perf_counter() - t0
sys.path.insert(0, sys.argv[3])
import workloads as W
which, mode = sys.argv[1], (sys.argv[2] if sys.argv[2] != "default" else None)

def logreg():
    X, Y, w0 = W._logreg_data(400, 784)
    x = T.dmatrix("x"); y = T.dvector("y")
    w = theano.shared(w0.copy(), name="w"); b = theano.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    f = theano.function([x, y], [p_1 > 0.5, xent], mode=mode,
                        updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    return lambda: f(X, Y)

def mlp():
    X, Y, p0 = W._mlp_data()
    x = T.fmatrix("x"); y = T.fmatrix("y")
    params = [theano.shared(p.copy()) for p in p0]
    W1, b1, W2, b2, W3, b3 = params
    h1 = T.maximum(T.dot(x, W1) + b1, 0)
    h2 = T.maximum(T.dot(h1, W2) + b2, 0)
    p = T.nnet.softmax(T.dot(h2, W3) + b3)
    cost = -T.mean(T.sum(y * T.log(p), axis=1))
    grads = T.grad(cost, params)
    f = theano.function([x, y], cost, mode=mode,
                        updates=[(q, q - W.LR * g) for q, g in zip(params, grads)])
    return lambda: f(X, Y)

t0, c0 = time.perf_counter(), time.process_time()
run = {"logreg": logreg, "mlp": mlp}[which]()
t_function = time.perf_counter() - t0
calls = []
for _ in range(40):
    t = time.perf_counter(); run(); calls.append(time.perf_counter() - t)
t_total, c_total = time.perf_counter() - t0, time.process_time() - c0
more, more_cpu = [], []
for _ in range(30):
    t, c = time.perf_counter(), time.process_time(); run()
    more.append(time.perf_counter() - t); more_cpu.append(time.process_time() - c)
steady = sorted(more)[len(more) // 2]
steady_cpu = sorted(more_cpu)[len(more_cpu) // 2]
print(json.dumps({"import": t_import, "function": t_function, "first_call": calls[0],
                  "total40": t_total, "steady": steady,
                  "to_steady": t_total - 39 * steady,
                  "to_steady_cpu": c_total - 39 * steady_cpu}))
"""


def run_child(which, mode, cache):
    flags = ",".join(f for f in (os.environ.get("THEANO_FLAGS", ""), f"base_compiledir={cache}") if f)
    env = dict(os.environ, THEANO_FLAGS=flags,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", CHILD, which, mode, HERE], capture_output=True,
                       text=True, env=env, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm", action="store_true", help="also a second run on the filled cache")
    ap.add_argument("--mode", default="default")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    for which in ("logreg", "mlp"):
        if args.only and args.only not in which:
            continue
        cold, warm = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as cache:
                cold.append(run_child(which, args.mode, cache))
                if args.warm:
                    warm.append(run_child(which, args.mode, cache))
        for label, rows in (("empty cache", cold), ("warm cache", warm)):
            if not rows:
                continue
            b = min(rows, key=lambda r: r["to_steady"])
            cpu = min(r["to_steady_cpu"] for r in rows)
            print(f"{which:7s} {label:11s}: to steady state {b['to_steady']:.3f} s "
                  f"(CPU {cpu:.3f} s) "
                  f"(theano.function {b['function']:.3f} s, first call {b['first_call']:.3f} s, "
                  f"steady call {b['steady'] * 1e3:.2f} ms; import theano {b['import']:.3f} s)",
                  flush=True)


if __name__ == "__main__":
    main()
