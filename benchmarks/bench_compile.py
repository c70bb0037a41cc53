"""Compile-time benchmark: from building the graph to the first result.

- the tutorial logistic regression (N=400 examples, 784 features), train and predict functions;
- a 3-layer MLP training step (784-500-300-10, softmax + categorical cross-entropy, SGD updates);
- rewriting long elementwise chains of 1,000 and 10,000 nodes (the rewrite time alone), with the
  10k/1k ratio (about 10 means linear).

Run: ``python benchmarks/bench_compile.py [--mode FAST_RUN] [--repeat 3]``. Times are the best of
``--repeat`` runs, in seconds; the first run in a process also pays one-time imports (Numba itself
with the default backend, the rewrite modules).

The rewrites make the same number of calls per node at 1k and 10k nodes (checked with cProfile);
a ratio somewhat above 10 comes from the bigger working set (dicts and objects no longer in cache).
"""

import argparse
import gc
import time

import numpy as np

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.graph.rewriting import optimize_graph


def logistic_regression(mode):
    t0 = time.perf_counter()
    rng = np.random.RandomState(0)
    N, feats = 400, 784
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2).astype("float64"))
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = theano.shared(rng.randn(feats), name="w")
    b = theano.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function([x, y], [prediction, xent], mode=mode,
                            updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    predict = theano.function([x], prediction, mode=mode)
    train(D[0], D[1])
    predict(D[0])
    return time.perf_counter() - t0


def mlp_step(mode):
    t0 = time.perf_counter()
    rng = np.random.RandomState(0)
    sizes = [784, 500, 300, 10]
    x = T.matrix("x")
    y = T.lvector("y")
    params = []
    h = x
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = theano.shared((rng.randn(a, b) * 0.01).astype(theano.config.floatX), name=f"W{k}")
        bias = theano.shared(np.zeros(b, dtype=theano.config.floatX), name=f"b{k}")
        params += [W, bias]
        z = T.dot(h, W) + bias
        h = T.tanh(z) if k < len(sizes) - 2 else T.nnet.softmax(z)
    cost = T.nnet.categorical_crossentropy(h, y).mean()
    grads = T.grad(cost, params)
    lr = np.asarray(0.01, dtype=theano.config.floatX)
    step = theano.function([x, y], cost, mode=mode,
                           updates=[(p, p - lr * g) for p, g in zip(params, grads)])
    xv = rng.randn(64, 784).astype(theano.config.floatX)
    yv = rng.randint(0, 10, size=64)
    step(xv, yv)
    return time.perf_counter() - t0


def chain(n):
    x = T.dvector("x")
    y = x
    for k in range(n):
        y = (y * 1 + 0) if k % 2 else T.tanh(y)
    return x, y


def rewrite_chain(n, optimizer="fast_run"):
    """Rewrite time alone; the garbage collector is paused as timeit does, so that collections of
    earlier runs' garbage do not blur the scaling."""
    x, y = chain(n)
    fg = FunctionGraph([x], [y])
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        optimize_graph(fg, optimizer)
        return time.perf_counter() - t0
    finally:
        gc.enable()


def best(fn, repeat, *args):
    return min(fn(*args) for _ in range(repeat))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="FAST_RUN")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mode = args.mode
    print(f"mode={mode} linker={theano.compile.mode.get_mode(mode).linker_name}")
    cold = logistic_regression(mode)
    print(f"logistic regression, first run in this process:                     {cold:.3f} s")
    lr = best(logistic_regression, args.repeat, mode)
    print(f"logistic regression (N=400, 784 features), build+compile+first call: {lr:.3f} s "
          f"(goal < 0.3 s)")
    mlp = best(mlp_step, args.repeat, mode)
    print(f"3-layer MLP training step, build+compile+first call:                {mlp:.3f} s "
          f"(goal < 1 s)")
    t1 = best(rewrite_chain, args.repeat, 1000)
    t10 = best(rewrite_chain, max(1, args.repeat - 1), 10000)
    print(f"rewriting a chain of 1,000 ops:  {t1:.3f} s")
    print(f"rewriting a chain of 10,000 ops: {t10:.3f} s")
    print(f"ratio 10k/1k: {t10 / t1:.1f} (10 = linear)")


if __name__ == "__main__":
    main()
