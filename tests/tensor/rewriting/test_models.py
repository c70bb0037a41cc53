"""Whole models: training steps compiled with every rewrite give the values of the unoptimized graph,
on the reference VM and on the default backend, and shared variables end up the same."""

import numpy as np
import pytest

import theano
import theano.tensor as T


def _logreg(dtype, mode, steps=5):
    rng = np.random.RandomState(3)
    N, feats = 20, 7
    D = (rng.randn(N, feats).astype(dtype), rng.randint(size=N, low=0, high=2).astype(dtype))
    x = T.matrix("x", dtype=dtype)
    y = T.vector("y", dtype=dtype)
    w = theano.shared(rng.randn(feats).astype(dtype), name="w")
    b = theano.shared(np.asarray(0.0, dtype=dtype), name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + np.asarray(0.01, dtype=dtype) * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    lr = np.asarray(0.1, dtype=dtype)
    train = theano.function([x, y], [p_1 > 0.5, xent], mode=mode,
                            updates=((w, w - lr * gw), (b, b - lr * gb)))
    train.maker.fgraph.check_integrity()
    outs = [train(D[0], D[1]) for _ in range(steps)]
    return outs, w.get_value(), b.get_value()


def _mlp(dtype, mode, steps=3):
    rng = np.random.RandomState(5)
    sizes = [6, 5, 4, 3]
    x = T.matrix("x", dtype=dtype)
    y = T.lvector("y")
    params = []
    h = x
    for k, (a, c) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = theano.shared((rng.randn(a, c) * 0.5).astype(dtype), name=f"W{k}")
        bias = theano.shared(np.zeros(c, dtype=dtype), name=f"b{k}")
        params += [W, bias]
        z = T.dot(h, W) + bias
        h = T.tanh(z) if k < len(sizes) - 2 else T.nnet.softmax(z)
    cost = T.nnet.categorical_crossentropy(h, y).mean()
    grads = T.grad(cost, params)
    lr = np.asarray(0.1, dtype=dtype)
    step = theano.function([x, y], [cost, h], mode=mode,
                           updates=[(p, p - lr * g) for p, g in zip(params, grads)])
    step.maker.fgraph.check_integrity()
    xv = rng.randn(8, 6).astype(dtype)
    yv = rng.randint(0, 3, size=8)
    outs = [step(xv, yv) for _ in range(steps)]
    return outs, [p.get_value() for p in params]


def _flatten(obj):
    if isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _flatten(o)
    else:
        yield np.asarray(obj)


@pytest.mark.parametrize("dtype", ("float64", "float32"))
@pytest.mark.parametrize("model", (_logreg, _mlp))
@pytest.mark.parametrize("linker", ("py", "auto"))
def test_training_steps_match_unoptimized(model, dtype, linker):
    ref = model(dtype, theano.Mode("py", "None"))
    got = model(dtype, theano.Mode(linker, "fast_run"))
    tol = 1e-4 if dtype == "float32" else 1e-10
    for a, b in zip(_flatten(ref), _flatten(got)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)
