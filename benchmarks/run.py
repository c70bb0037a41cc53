"""Side-by-side benchmarks: theano-ng (and PyTensor/JAX when installed) against hand-written NumPy.

    python benchmarks/run.py            # full run (several minutes)
    python benchmarks/run.py --quick    # about two minutes
    python benchmarks/run.py --no-pin   # use every CPU (default: pinned to one)
    python benchmarks/run.py --clock cpu   # process CPU time instead of wall time

Each workload is timed as interleaved repeats (NumPy, theano-ng, PyTensor, JAX, NumPy, ...) and
the median of each is reported with the ratio to NumPy (lower is better). With JAX installed two
more columns: ``jax``, the workload hand-written with ``jax.jit`` (benchmarks/workloads_jax.py),
and ``project-jax``, theano-ng with ``Mode(linker='jax')``. Also measured: the time
of ``theano.function`` for the logistic regression in a fresh process with an empty kernel cache,
and the peak memory (tracemalloc) of one MLP training step.
"""

import os
import sys

# Pin to one CPU and one BLAS/OpenMP thread before NumPy is imported. (The unpinned rows of a
# pinned run come from a child process, given the CPUs this process started with.)
PIN = "--no-pin" not in sys.argv
START_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
if not PIN and os.environ.get("THEANO_BENCH_CPUS"):
    try:
        os.sched_setaffinity(0, {int(c) for c in os.environ["THEANO_BENCH_CPUS"].split(",")})
    except (AttributeError, OSError, ValueError):
        pass
if PIN:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import workloads as W  # noqa: E402


def _columns(args):
    import theano

    cols = [("theano-ng", theano, None)]
    if not args.no_others and importlib.util.find_spec("pytensor") is not None:
        import pytensor

        cols.append(("pytensor", pytensor, None))
    if not args.no_others and importlib.util.find_spec("jax") is not None:
        # hand-written jax.jit (benchmarks/workloads_jax.py), then theano-ng on its JAX backend
        cols.append(("jax", None, None))
        cols.append(("project-jax", theano, theano.Mode(linker="jax", optimizer="fast_run")))
    return cols


CLOCK = time.perf_counter


def time_once(run):
    t0 = CLOCK()
    run()
    return CLOCK() - t0


def bench_workload(wl, cfg, cols, repeats):
    runners = [("numpy", wl.make_numpy(cfg))]
    notes = []
    for name, th, mode in cols:
        try:
            if th is None:      # the hand-written JAX column
                import workloads_jax

                run = workloads_jax.make_jax(wl.name, cfg)
                if run is not None:
                    runners.append((name, run))
                continue
            runners.append((name, wl.make_graph(th, cfg, mode)))
        except Exception as exc:  # a column that cannot build this graph reports it
            notes.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}")
    # warm up (kernels compiled, caches filled) and check every column against NumPy
    ref = runners[0][1]()
    for name, run in runners[1:]:
        for _ in range(4):
            out = run()
        if not W.results_close(ref, out):
            notes.append(f"{name}: RESULT DIFFERS from NumPy")
    times = {name: [] for name, _ in runners}
    for _ in range(repeats):
        for name, run in runners:
            times[name].append(time_once(run))
    return {name: statistics.median(t) for name, t in times.items()}, notes


_COMPILE_SCRIPT = textwrap.dedent("""
    import sys, time
    t0 = time.perf_counter()
    import numpy as np
    import theano, theano.tensor as T
    theano.config.compiledir = sys.argv[1]
    t1 = time.perf_counter()
    rng = np.random.RandomState(0)
    X, Y = rng.randn(400, 784), rng.randint(size=400, low=0, high=2).astype("float64")
    x = T.dmatrix("x"); y = T.dvector("y")
    w = theano.shared(rng.randn(784), name="w"); b = theano.shared(0., name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function([x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    t2 = time.perf_counter()
    train(X, Y)
    t3 = time.perf_counter()
    for _ in range(20):
        train(X, Y)
    t4 = time.perf_counter()
    print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
""")


def bench_compile():
    """(import s, theano.function s, first call s, next 20 calls s) in a fresh process, twice:
    with an empty kernel cache, then with the cache the first run filled."""
    out = []
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "compile_logreg.py")
        with open(script, "w") as f:
            f.write(_COMPILE_SCRIPT)
        env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for _ in range(2):
            p = subprocess.run([sys.executable, script, os.path.join(d, "cache")], env=env,
                               capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                return None, p.stderr[-500:]
            out.append([float(v) for v in p.stdout.split()])
    return out, ""


def bench_memory(cfg):
    """Peak traced memory (MB) of one MLP training step, NumPy and theano-ng, after warm-up."""
    import theano

    res = {}
    for name, make in (("numpy", lambda: W.mlp_numpy(cfg)),
                       ("theano-ng", lambda: W.mlp_graph(theano, cfg, None))):
        run = make()
        run()
        run()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        res[name] = (peak - base) / 2 ** 20
    return res


def unpinned_rows(args):
    """The rows where BLAS threads matter, again in a fresh process on every CPU and BLAS thread
    with the wall clock (CPU time would add up the threads' time), printed after the table."""
    cmd = [sys.executable, os.path.abspath(__file__), "--no-pin", "--threads-rows", "--no-others",
           "--clock", "wall"]
    if args.quick:
        cmd.append("--quick")
    if args.repeats:
        cmd += ["--repeats", str(args.repeats)]
    if args.only:
        cmd += ["--only", args.only]
    env = dict(os.environ, THEANO_BENCH_CPUS=",".join(map(str, START_CPUS)))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env.pop(var, None)
    print()
    print(f"unpinned (CPUs {START_CPUS}, every BLAS thread, wall clock), the same rows:")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    lines = p.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("workload")), None)
    if p.returncode != 0 or start is None:
        print("    FAILED:", (p.stderr or p.stdout)[-500:])
        return
    for line in lines[start + 2:]:
        if line.strip():
            print(line)


def fmt_time(t, unit, cfg):
    if unit in ("call", "call10"):     # call10: a workload making calls // 10 calls
        return f"{t / (cfg['calls'] // (10 if unit == 'call10' else 1)) * 1e6:8.2f} us"
    return f"{t * 1e3:8.1f} ms" if t < 10 else f"{t:8.2f} s "


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats (about 2 minutes)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    ap.add_argument("--repeats", type=int, default=None, help="interleaved repeats per workload")
    ap.add_argument("--only", default="", help="run only workloads whose name contains this")
    ap.add_argument("--no-others", action="store_true", help="skip the PyTensor, jax and project-jax columns")
    ap.add_argument("--no-unpinned", action="store_true",
                    help="pinned runs: skip the unpinned rows (scan RNN, scan LSTM, gemm on every "
                         "CPU and BLAS thread, timed in a second process after the table)")
    ap.add_argument("--threads-rows", action="store_true",
                    help="only the rows where BLAS threads matter, no compile or memory lines")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall: time.perf_counter (default); cpu: time.process_time, robust to "
                         "other processes on a shared machine (equal to wall time when pinned, "
                         "single-threaded and idle)")
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    cfg = dict(W.QUICK if args.quick else W.FULL)
    repeats = args.repeats or (5 if args.quick else 9)

    import numba
    from theano.link.select import auto_linker_name

    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    print(f"theano-ng benchmarks ({'quick' if args.quick else 'full'}): "
          f"{'PINNED to CPU ' + str(cpus) if PIN else 'not pinned, CPUs ' + str(cpus)}, "
          f"BLAS/OpenMP threads {os.environ.get('OMP_NUM_THREADS', 'default')}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, numba {numba.__version__}, "
          f"linker 'auto' = {auto_linker_name()}, {repeats} interleaved repeats, medians, "
          f"{args.clock} clock")
    cols = _columns(args)
    names = [c[0] for c in cols]
    head = f"{'workload':44s} {'NumPy':>11s} " + " ".join(f"{n:>11s} {'ratio':>6s}" for n in names)
    print()
    print(head + f" {'target':>7s}")
    print("-" * len(head + "        "))
    for wl in W.all_workloads(args.quick):
        if args.only and args.only not in wl.name:
            continue
        if args.threads_rows and not wl.threads:
            continue
        med, notes = bench_workload(wl, cfg, cols, repeats)
        row = f"{wl.name:44s} {fmt_time(med['numpy'], wl.unit, cfg):>11s} "
        for n in names:
            if n in med:
                row += f"{fmt_time(med[n], wl.unit, cfg):>11s} {med[n] / med['numpy']:6.2f} "
            else:
                row += f"{'-':>11s} {'-':>6s} "
        target = f"<= {wl.target}" if wl.target else ""
        print(row + f"{target:>7s}", flush=True)
        if "jax" in med and "project-jax" in med:
            # the translation's cost: theano-ng on JAX against the same work hand-written in JAX
            print(f"    project-jax / jax: {med['project-jax'] / med['jax']:.2f}")
        for note in notes:
            print(f"    note: {note}")
    if PIN and not args.no_unpinned and not args.threads_rows:
        unpinned_rows(args)
    if args.threads_rows:
        return
    if not args.only or "compile" in args.only:
        print()
        res, err = bench_compile()
        if res is None:
            print("compile of logistic regression: FAILED", err)
        else:
            for label, (imp, comp, first, rest) in zip(("empty cache", "warm cache"), res):
                print(f"logistic regression, fresh process, {label:11s}: import {imp:5.2f} s, "
                      f"theano.function {comp:5.3f} s (target <= 0.3), first call {first:5.3f} s, "
                      f"next 20 calls {rest:5.3f} s")
    if not args.only or "memory" in args.only:
        mem = bench_memory(dict(cfg, mlp_steps=1))
        print(f"peak memory of one MLP step (tracemalloc): NumPy {mem['numpy']:.1f} MB, "
              f"theano-ng {mem['theano-ng']:.1f} MB (target <= 15)")


if __name__ == "__main__":
    main()
