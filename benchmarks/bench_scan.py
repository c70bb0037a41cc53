"""Vanilla RNN forward + backward: theano.scan (BPTT by the Scan gradient) vs hand-written NumPy.

    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b),  cost = sum_t sum(h_t ** 2) / 2

100 steps, batch 16, input 32, hidden 64. Both compute the cost and the gradients with respect to
Wx, Wh, b and h0; the results are checked to agree, then both are timed in interleaved repeats and
the medians are printed with their ratio.

    python benchmarks/bench_scan.py [--quick] [--mode FAST_RUN|FAST_COMPILE|py]
"""

import argparse
import os
import sys
import time

# One BLAS thread for both columns (set before NumPy loads): steadier timings on a shared machine.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import theano  # noqa: E402
import theano.tensor as T  # noqa: E402


def numpy_rnn(x, h0, Wx, Wh, b):
    """Forward and hand-derived backward pass."""
    n = x.shape[0]
    hs = np.empty((n,) + h0.shape)
    h = h0
    for t in range(n):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
        hs[t] = h
    cost = 0.5 * float((hs ** 2).sum())
    gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in range(n - 1, -1, -1):
        dh = hs[t] + dh_next            # d cost / d h_t
        da = dh * (1.0 - hs[t] ** 2)    # through tanh
        h_prev = hs[t - 1] if t > 0 else h0
        gWx += x[t].T @ da
        gWh += h_prev.T @ da
        gb += da.sum(axis=0)
        dh_next = da @ Wh.T
    return cost, gWx, gWh, gb, dh_next


def theano_rnn(mode):
    x = T.dtensor3("x")
    h0 = T.dmatrix("h0")
    Wx, Wh = T.dmatrix("Wx"), T.dmatrix("Wh")
    b = T.dvector("b")
    hs, _ = theano.scan(lambda xt, h, Wx, Wh, b: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh) + b),
                        sequences=x, outputs_info=h0, non_sequences=[Wx, Wh, b], mode=mode)
    cost = 0.5 * (hs ** 2).sum()
    grads = theano.grad(cost, [Wx, Wh, b, h0])
    return theano.function([x, h0, Wx, Wh, b], [cost] + grads, mode=mode)




def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats (a smoke run)")
    ap.add_argument("--mode", default="FAST_RUN")
    ap.add_argument("--repeats", type=int, default=None)
    args = ap.parse_args(argv)
    steps, batch, n_in, n_hid = (20 if args.quick else 100), 16, 32, 64
    repeats = args.repeats or (7 if args.quick else 15)
    rng = np.random.RandomState(0)
    x = rng.randn(steps, batch, n_in)
    h0 = rng.randn(batch, n_hid) * 0.1
    Wx = rng.randn(n_in, n_hid) * 0.1
    Wh = rng.randn(n_hid, n_hid) * 0.1
    b = rng.randn(n_hid) * 0.1
    t0 = time.perf_counter()
    f = theano_rnn(args.mode)
    compile_s = time.perf_counter() - t0
    ours = f(x, h0, Wx, Wh, b)
    ref = numpy_rnn(x, h0, Wx, Wh, b)
    for name, a, e in zip(["cost", "gWx", "gWh", "gb", "gh0"], ours, ref):
        np.testing.assert_allclose(a, e, rtol=1e-9, atol=1e-10, err_msg=name)
    t_theano, t_numpy = [], []
    for _ in range(repeats):
        s = time.perf_counter()
        f(x, h0, Wx, Wh, b)
        t_theano.append(time.perf_counter() - s)
        s = time.perf_counter()
        numpy_rnn(x, h0, Wx, Wh, b)
        t_numpy.append(time.perf_counter() - s)
    mt, mn = float(np.median(t_theano)), float(np.median(t_numpy))
    print(f"RNN {steps} steps, batch {batch}, input {n_in}, hidden {n_hid}; forward + gradient; "
          f"mode {args.mode}; {repeats} interleaved repeats (compile {compile_s:.2f} s)")
    print(f"  theano.scan      median {mt * 1e3:9.3f} ms")
    print(f"  NumPy by hand    median {mn * 1e3:9.3f} ms")
    print(f"  ratio scan/NumPy {mt / mn:9.2f}")
    return mt / mn


if __name__ == "__main__":
    main()
