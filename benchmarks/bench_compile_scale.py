"""Compile time at scale: ``theano.function`` (rewrite + link) and the first call for long graphs.

Three kinds of graph of n nodes each, n = 1,000, 2,000 and 5,000:

- ``add chain``: ``((x + x) + 1.001) + x ...`` (one n-ary sum after rewriting);
- ``mixed chain``: ``y = tanh(y) * 1.01 + x`` repeated (fused elementwise groups);
- ``pickle``: unpickling the compiled add chain (a function is rebuilt from its graph).

Run: ``python benchmarks/bench_compile_scale.py [--sizes 1000 2000 5000]``. Each row runs in a fresh
process with an empty kernel cache, so it counts what a user waits for the first time. Linear
growth means the 5k/1k ratio stays near 5.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, pickle, sys, time
import numpy as np
import theano, theano.tensor as T
kind, n = sys.argv[1], int(sys.argv[2])
x = T.dvector("x")
y = x
for i in range(n):
    if kind == "mixed":
        y = T.tanh(y) * 1.01 + x if i % 3 == 0 else y * 1.0001
    else:
        y = y + (x if i % 2 == 0 else 1.0 + i / 1000.0)
t0 = time.perf_counter()
f = theano.function([x], y)
t1 = time.perf_counter()
f(np.ones(10))
t2 = time.perf_counter()
out = {"compile": t1 - t0, "first_call": t2 - t1}
if kind == "add":
    blob = pickle.dumps(f)
    t3 = time.perf_counter()
    g = pickle.loads(blob)
    g(np.ones(10))
    out["unpickle_and_call"] = time.perf_counter() - t3
print(json.dumps(out))
"""


def run_one(kind, n):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, THEANO_FLAGS=f"base_compiledir={cache}")
        p = subprocess.run([sys.executable, "-c", CHILD, kind, str(n)], capture_output=True,
                           text=True, env=env)
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    args = ap.parse_args()
    print(f"{'graph':<12}{'nodes':>7}{'function() s':>14}{'first call s':>14}{'unpickle s':>12}")
    for kind in ("add", "mixed"):
        for n in args.sizes:
            r = run_one(kind, n)
            unp = f"{r['unpickle_and_call']:12.2f}" if "unpickle_and_call" in r else f"{'-':>12}"
            print(f"{kind + ' chain':<12}{n:>7}{r['compile']:14.2f}{r['first_call']:14.2f}{unp}",
                  flush=True)


if __name__ == "__main__":
    main()
