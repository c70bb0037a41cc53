"""Memory and time of a long scan whose result is only its last state (scan_save_mem).

``scan(lambda h: tanh(h) * 0.5 + 0.1, outputs_info=h0, n_steps=200000)[-1]`` with a state of 256
float64, compiled with the default rewrites (the loop keeps 2 rows) and without ``scan_save_mem``
(one row per step: 200,000 x 256 x 8 bytes = 410 MB). Each variant runs in a fresh process; the
peak RSS growth of the call and its time are printed.

    python benchmarks/bench_scan_memory.py              # the default (Numba) backend
    python benchmarks/bench_scan_memory.py --linker jax # the JAX backend (when jax is installed)

Then the gradient of a 20,000-step scan of a 2,000-float64 state read at its last step
(``T.grad(r[-1].sum(), a)``) with ``theano.scan`` (every step's state kept for the backward pass;
the gradient loop starts from the last state's gradient: ``scan_grad_last_rows``), the same
without that rewrite (``scan_dense``: the output gradients as dense arrays of one row per step),
and with ``theano.scan_checkpoints(save_every_N=100)`` (one state per 100 steps, each block
recomputed by the gradient).

With JAX the step count is a static fact of the traced loop: the timed call traces and compiles
the loop for 200,000 steps, so its time includes that compilation.
"""

import subprocess
import sys

CHILD = r"""
import resource, sys, time
import numpy as np
import theano
import theano.tensor as T

h0 = T.dvector("h")
n = T.iscalar("n")
out, _ = theano.scan(lambda h: T.tanh(h) * 0.5 + 0.1, outputs_info=h0, n_steps=n)
mode = theano.Mode(linker=sys.argv[2], optimizer="fast_run")
if sys.argv[1] == "off":
    mode = mode.excluding("scan_save_mem")
f = theano.function([h0, n], out[-1], mode=mode)
f(np.zeros(256), 10)
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
v = f(np.zeros(256), 200000)
dt = time.perf_counter() - t
grow = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - r0) / 1024
print(f"{sys.argv[2]} {sys.argv[1]:>3}: peak RSS growth {grow:6.0f} MB, call {dt:.3f} s, checksum {v.sum():.6f}")
"""


CHILD_GRAD = r"""
import resource, sys, time
import numpy as np
import theano
import theano.tensor as T

a = T.dvector("a")
h0 = T.dvector("h0")
step = lambda h, a: T.tanh(h * a + 0.1)
mode = theano.Mode(linker=sys.argv[2])
if sys.argv[1] in ("scan", "scan_dense"):
    r, _ = theano.scan(step, outputs_info=h0, non_sequences=a, n_steps=20000)
    if sys.argv[1] == "scan_dense":
        mode = mode.excluding("scan_grad_last_rows")
else:
    r, _ = theano.scan_checkpoints(step, outputs_info=h0, non_sequences=a, n_steps=20000,
                                   save_every_N=100)
f = theano.function([a, h0], T.grad(r[-1].sum(), a), mode=mode)
f(np.full(10, 0.9), np.full(10, 0.9))
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
g = f(np.full(2000, 0.9), np.full(2000, 0.9))
dt = time.perf_counter() - t
grow = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - r0) / 1024
print(f"{sys.argv[2]} {sys.argv[1]:>16}: peak RSS growth {grow:6.0f} MB, call {dt:.3f} s, "
      f"checksum {g.sum():.6f}")
"""


def main():
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--linker", default="numba", choices=["numba", "jax", "py"])
    args = ap.parse_args()
    print("scan of 200,000 steps, state of 256 float64, result out[-1]")
    for variant in ("on", "off"):
        res = subprocess.run([sys.executable, "-c", CHILD, variant, args.linker], capture_output=True,
                             text=True, check=False)
        print(res.stdout.strip() or res.stderr.strip().splitlines()[-1])
    print("gradient of 20,000 steps, state of 2,000 float64")
    for variant in ("scan", "scan_dense", "scan_checkpoints"):
        res = subprocess.run([sys.executable, "-c", CHILD_GRAD, variant, args.linker],
                             capture_output=True, text=True, check=False)
        print(res.stdout.strip() or res.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
