"""Training graphs on the JAX backend match the reference VM (skipped when JAX is not installed).

In-place rewrites are not applied for JAX (its arrays are immutable): a gradient of an indexed
expression used to fail with "output array is read-only". 64-bit graphs run inside JAX's scoped
``jax.enable_x64`` context, never by switching the process-wide flag.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

jax = pytest.importorskip("jax")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def py_mode():
    return theano.Mode(linker="py", optimizer="fast_run")


def _train(build, mode, steps, data):
    """Build a fresh model with ``build(mode)`` and run ``steps`` calls: (outputs, final params)."""
    f, params = build(mode)
    outs = [f(*data) for _ in range(steps)]
    vals = [p.get_value() for p in params]
    return outs, vals


def _compare(build, steps, data, rtol):
    (jo, jp), (po, pp) = _train(build, jax_mode(), steps, data), _train(build, py_mode(), steps, data)
    for a, b in zip(jo, po):
        for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            assert np.asarray(x).dtype == np.asarray(y).dtype
            np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol)
    for a, b in zip(jp, pp):
        assert type(a) is np.ndarray and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    return jo, jp


def test_issue_graph_softmax_log_index_gradient_trains_jitted():
    rs = np.random.RandomState(0)
    X = rs.randn(20, 5)

    def build(mode):
        x = T.dmatrix("x")
        W = theano.shared(np.full((5, 3), 0.1), "W")
        cost = -T.log(T.nnet.softmax(T.dot(x, W))[:, 0]).mean()
        g = T.grad(cost, W)
        f = theano.function([x], cost, updates=[(W, W - 0.5 * g)], mode=mode)
        return f, [W]

    outs, _ = _compare(build, 4, [X], 1e-12)
    assert outs[-1] < outs[0]
    f, _ = build(jax_mode())
    nodes = f.maker.fgraph.toposort()
    # no in-place op was introduced, and the whole graph (indexing included) is jitted
    assert not any(getattr(n.op, "destroy_map", {}) for n in nodes)
    assert any("IncSubtensor" in str(n.op) or "SetSubtensor" in str(n.op) for n in nodes)
    assert all(p == "jax.jit (whole graph)" for _, p in f.maker.thunk.node_paths)


def _mlp(dtype, n_in=6, n_hid=8, n_out=4, lr=0.2):
    def build(mode):
        rs = np.random.RandomState(42)
        x = T.TensorType(dtype, (False, False))("x")
        y = T.ivector("y")
        W1 = theano.shared((rs.randn(n_in, n_hid) * 0.3).astype(dtype), "W1")
        b1 = theano.shared(np.zeros(n_hid, dtype), "b1")
        W2 = theano.shared((rs.randn(n_hid, n_out) * 0.3).astype(dtype), "W2")
        b2 = theano.shared(np.zeros(n_out, dtype), "b2")
        h = T.tanh(T.dot(x, W1) + b1)
        p = T.nnet.softmax(T.dot(h, W2) + b2)
        cost = T.nnet.categorical_crossentropy(p, y).mean() + 1e-3 * (W1 ** 2).sum()
        err = T.mean(T.neq(T.argmax(p, axis=1), y))
        params = [W1, b1, W2, b2]
        grads = T.grad(cost, params)
        updates = [(q, q - np.asarray(lr, dtype) * g) for q, g in zip(params, grads)]
        f = theano.function([x, y], [cost, err], updates=updates, mode=mode)
        return f, params

    return build


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_softmax_crossentropy_sgd_matches_reference(dtype):
    rs = np.random.RandomState(3)
    X = rs.randn(30, 6).astype(dtype)
    Y = (X[:, 0] > 0).astype("int32") + 2 * (X[:, 1] > 0).astype("int32")
    outs, _ = _compare(_mlp(dtype), 6, [X, Y], 1e-10 if dtype == "float64" else 2e-5)
    costs = [float(o[0]) for o in outs]
    assert costs[-1] < costs[0]


def test_minibatch_from_shared_dataset_with_symbolic_index():
    """The deep-learning tutorials' pattern: givens slicing a shared dataset by a symbolic index
    (run op by op, the slice bounds are known only at run time)."""
    rs = np.random.RandomState(5)
    data_x = rs.randn(40, 4)
    data_y = (data_x.sum(axis=1) > 0).astype("int32")
    bs = 10

    def build(mode):
        sx = theano.shared(data_x, "sx")
        sy = theano.shared(data_y, "sy")
        W = theano.shared(np.zeros((4, 2)), "W")
        b = theano.shared(np.zeros(2), "b")
        i = T.lscalar("i")
        x, y = T.dmatrix("x"), T.ivector("y")
        p = T.nnet.softmax(T.dot(x, W) + b)
        cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
        gW, gb = T.grad(cost, [W, b])
        f = theano.function([i], cost, updates=[(W, W - 0.3 * gW), (b, b - 0.3 * gb)],
                            givens={x: sx[i * bs:(i + 1) * bs], y: sy[i * bs:(i + 1) * bs]},
                            mode=mode)
        return f, [W, b]

    runs = []
    for mode in (jax_mode(), py_mode()):
        f, params = build(mode)
        costs = [float(f(k)) for epoch in range(2) for k in range(4)]
        runs.append((costs, [q.get_value() for q in params]))
    (jc, jp), (pc, pp) = runs
    np.testing.assert_allclose(jc, pc, rtol=1e-12)
    for a, c in zip(jp, pp):
        assert type(a) is np.ndarray
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-14)
    assert jc[-1] < jc[0]


def test_index_out_of_bounds_is_an_index_error_naming_the_node():
    x = T.dmatrix("x")
    f = theano.function([x], x[:, 3] * 2, mode=jax_mode())
    np.testing.assert_allclose(f(np.ones((2, 4))), [2.0, 2.0])
    with pytest.raises(IndexError, match="out of bounds"):
        f(np.ones((2, 3)))
    v, i = T.dvector("v"), T.lvector("i")
    g = theano.function([v, i], T.inc_subtensor(v[i], 1.0), mode=jax_mode())
    np.testing.assert_allclose(g(np.zeros(3), np.array([0, 2, 2])), [1.0, 0.0, 2.0])
    np.testing.assert_allclose(g(np.zeros(3), np.array([1])), [0.0, 1.0, 0.0])
    with pytest.raises(IndexError, match="out of bounds"):
        g(np.zeros(3), np.array([3]))


def test_x64_is_scoped_not_switched_for_the_process():
    before = jax.config.jax_enable_x64
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * np.float64(1e-300), mode=jax_mode())
    r = f(np.array([1.0, 2.0]))
    assert r.dtype == np.float64 and f.maker.thunk.x64
    np.testing.assert_allclose(r, np.exp([1.0, 2.0]) * 1e-300, rtol=1e-13)  # not representable in f32
    assert jax.config.jax_enable_x64 == before
    y = T.fvector("y")
    g = theano.function([y], T.tanh(y) * 2, mode=jax_mode())
    assert not g.maker.thunk.x64
    out = g(np.array([0.5, -1.0], "float32"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.tanh([0.5, -1.0]) * 2, rtol=1e-6)
    assert jax.config.jax_enable_x64 == before


def _run_example(name, linker):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["THEANO_FLAGS"] = f"linker={linker}"
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [[float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line)]
            for line in proc.stdout.splitlines()]


def test_seed_trivial_training_loop_under_jax_matches_reference():
    jx = _run_example("seed_trivial_training.py", "jax")
    ref = _run_example("seed_trivial_training.py", "py")
    assert len(jx) == len(ref) == 31
    for a, b in zip(jx, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # the tutorial's final weights
    np.testing.assert_allclose(jx[-2], [24.8999975, 25.0499975, 24.9499975, 25.0999975], atol=1e-6)


def test_seed_logistic_regression_learns_under_jax():
    errs = [v[0] for v in _run_example("seed_logistic_regression.py", "jax")]
    assert len(errs) == 1000 and all(np.isfinite(errs))
    assert errs[-1] < errs[0]


@pytest.mark.parametrize("mode_kw, n_feat", [(dict(mode="max"), 16),
                                             (dict(mode="average_exc_pad", pad=(1, 1)), 36)])
def test_lenet_layer_conv_pool_softmax_trains_jitted_like_reference(mode_kw, n_feat):
    from theano.tensor.nnet import conv2d
    from theano.tensor.signal.pool import pool_2d

    rs = np.random.RandomState(9)
    X = rs.randn(6, 1, 8, 8)
    Y = rs.randint(0, 3, size=6).astype("int32")

    def build(mode):
        r = np.random.RandomState(1)
        x, y = T.dtensor4("x"), T.ivector("y")
        Wc = theano.shared(r.randn(4, 1, 3, 3) * 0.2, "Wc")
        bc = theano.shared(np.zeros(4), "bc")
        Wo = theano.shared(r.randn(n_feat, 3) * 0.1, "Wo")
        h = T.tanh(conv2d(x, Wc, border_mode="half") + bc.dimshuffle("x", 0, "x", "x"))
        p = pool_2d(h, ws=(3, 3), stride=(3, 3), ignore_border=True, **mode_kw)
        out = T.nnet.softmax(T.dot(p.flatten(2), Wo))
        cost = T.nnet.categorical_crossentropy(out, y).mean()
        params = [Wc, bc, Wo]
        updates = [(q, q - 0.5 * g) for q, g in zip(params, T.grad(cost, params))]
        return theano.function([x, y], cost, updates=updates, mode=mode), params

    outs, _ = _compare(build, 4, [X, Y], 1e-10)
    assert outs[-1] < outs[0]
    f, _ = build(jax_mode())
    f(X, Y)
    assert f.maker.thunk.is_jitted()
    assert all(p == "jax.jit (whole graph)" for _, p in f.maker.thunk.node_paths)
