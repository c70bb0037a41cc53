"""Sparse-by-dense product forward + backward: theano.sparse.structured_dot vs the same SciPy calls.

    Y = X @ W,  cost = sum(Y * G),  outputs Y and dcost/dW = X.T @ G

X is a 10,000 x 10,000 CSR matrix with 0.1% non-zeros (100,000 stored values), W and G are dense
10,000 x 100 and 10,000 x 100. Both sides return Y and the gradient wrt the dense W; results are
checked to agree, then both are timed in interleaved repeats and the medians printed with their
ratio (theano / SciPy; the target is <= 1.2).

    python benchmarks/bench_sparse.py [--quick] [--mode FAST_RUN|FAST_COMPILE]
"""

import argparse
import os
import statistics
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import theano  # noqa: E402
import theano.sparse as S  # noqa: E402
import theano.tensor as T  # noqa: E402


def make_data(n=10_000, k=100, density=0.001, seed=0):
    rng = np.random.RandomState(seed)
    X = sp.random(n, n, density=density, format="csr", random_state=rng, dtype="float64")
    W = rng.standard_normal((n, k))
    G = rng.standard_normal((n, k))
    return X, W, G


def scipy_by_hand(X, W, G):
    return X @ W, X.T @ G


def build(mode):
    x = S.csr_matrix("X", dtype="float64")
    w = T.dmatrix("W")
    g = T.dmatrix("G")
    y = S.structured_dot(x, w)
    gw = theano.grad(T.sum(y * g), w)
    return theano.function([x, w, g], [y, gw], mode=mode)


def bench(quick=False, mode="FAST_RUN"):
    X, W, G = make_data()
    f = build(mode)
    ref = scipy_by_hand(X, W, G)
    got = f(X, W, G)
    for r, o in zip(ref, got):
        np.testing.assert_allclose(o, r, rtol=1e-10, atol=1e-10)
    reps = 7 if quick else 25
    t_ref, t_th = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        scipy_by_hand(X, W, G)
        t1 = time.perf_counter()
        f(X, W, G)
        t2 = time.perf_counter()
        t_ref.append(t1 - t0)
        t_th.append(t2 - t1)
    a, b = statistics.median(t_ref), statistics.median(t_th)
    return {"scipy_s": a, "theano_s": b, "ratio": b / a}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--mode", default="FAST_RUN")
    args = p.parse_args()
    r = bench(args.quick, args.mode)
    print(f"structured_dot 10000x10000 csr (0.1% nnz) @ 10000x100, forward + grad wrt dense "
          f"[{args.mode}]")
    print(f"  SciPy by hand: {r['scipy_s'] * 1e3:8.2f} ms")
    print(f"  theano.sparse: {r['theano_s'] * 1e3:8.2f} ms   ratio {r['ratio']:.2f}")


if __name__ == "__main__":
    main()
