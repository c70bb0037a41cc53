"""scan_grad_last_rows: the gradient of a scan whose cost reads only its last state(s) builds no
dense zero gradient buffer (the gradient loop runs forward over reversed buffers, the state's
gradient a kept state started from the last rows' gradient), with the same values as the dense
gradient loop, NumPy's backpropagation through time and finite differences; other reads
(``r[-3:]``, ``r[5]``, ``r[-2]``) still give the right gradient."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan

MODES = {"numba": theano.Mode(linker="numba", optimizer="fast_run"),
         "py": theano.Mode(linker="py", optimizer="fast_run")}
REWRITE = "scan_grad_last_rows"


def _scans(f):
    return [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _uses_rewrite(f):
    """the gradient loop runs forward with a kept buffer, and no loop runs reversed"""
    ops = _scans(f)
    return not any(op.reverse for op in ops) and \
        any(b.keep for op in ops if (op.name or "").startswith("grad_of") for b in op.buffers)


def _forward(a, h0, n):
    hs = [h0]
    for _ in range(n):
        hs.append(np.tanh(hs[-1] * a + 0.1))
    return hs


def _bptt(a, h0, n, weights):
    """gradients (a, h0) of sum over t of weights[t] * sum(r[t]) for the loop h <- tanh(h a + .1)"""
    hs = _forward(a.astype("float64"), h0.astype("float64"), n)
    g = np.zeros_like(hs[0])
    ga = np.zeros_like(hs[0])
    for t in range(n, 0, -1):
        g = g + weights[t - 1]
        d = g * (1 - hs[t] ** 2)
        ga += d * hs[t - 1]
        g = d * a
    return ga, g


def _step(h, a):
    return T.tanh(h * a + np.asarray(0.1, dtype=h.dtype))


def _graph(dtype, read):
    a = T.vector("a", dtype=dtype)
    h0 = T.vector("h0", dtype=dtype)
    n = T.iscalar("n")
    r, _ = theano.scan(_step, outputs_info=h0, non_sequences=a, n_steps=n)
    cost = read(r).sum()
    return [a, h0, n], T.grad(cost, [a, h0])


def _values(dtype, size=5, seed=0):
    rng = np.random.RandomState(seed)
    return (rng.uniform(0.5, 1.2, size).astype(dtype), rng.uniform(-1, 1, size).astype(dtype))


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradient_of_the_last_state(mode, dtype):
    ins, grads = _graph(dtype, lambda r: r[-1])
    f = theano.function(ins, grads, mode=MODES[mode])
    dense = theano.function(ins, grads, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f)
    assert not _uses_rewrite(dense)
    av, hv = _values(dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for n in (7, 1, 2, 7):
        weights = [0.0] * (n - 1) + [1.0]
        ref = _bptt(av, hv, n, weights)
        for _ in range(3):
            got = f(av, hv, n)
            old = dense(av, hv, n)
            for g, o, r in zip(got, old, ref):
                assert g.dtype == dtype
                np.testing.assert_array_equal(g, o)     # the same operations in the same order
                np.testing.assert_allclose(g, r, rtol=tol, atol=tol)


def test_finite_differences():
    av, hv = _values("float64", size=4, seed=1)
    for mode in MODES.values():
        def cost(a, h0):
            r, _ = theano.scan(_step, outputs_info=h0, non_sequences=a, n_steps=6)
            return r[-1].sum() * 1.5
        theano.gradient.verify_grad(cost, [av, hv], rng=np.random.RandomState(3), mode=mode)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name, read, weights", [
    ("r[-3:]", lambda r: r[-3:], lambda n: [0.0] * (n - 3) + [1.0] * 3),
    ("r[5]", lambda r: r[5], lambda n: [0.0] * 5 + [1.0] + [0.0] * (n - 6)),
    ("r[-2]", lambda r: r[-2], lambda n: [0.0] * (n - 2) + [1.0, 0.0]),
    ("r[-1] + r[2]", lambda r: r[-1] + r[2], lambda n: [0.0, 0.0, 1.0] + [0.0] * (n - 4) + [1.0]),
])
def test_other_reads_of_the_states(mode, name, read, weights):
    ins, grads = _graph("float64", read)
    f = theano.function(ins, grads, mode=MODES[mode])
    av, hv = _values("float64")
    for n in (8, 9):
        ref = _bptt(av, hv, n, weights(n))
        for _ in range(3):
            for g, r in zip(f(av, hv, n), ref):
                np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("mode", list(MODES))
def test_state_of_two_steps_back(mode):
    # h[t] = tanh(h[t-2] * a): the gradient loop starts from the last two rows
    a = T.dvector("a")
    h0 = T.dmatrix("h0")
    r, _ = theano.scan(lambda h, a: T.tanh(h * a), outputs_info=dict(initial=h0, taps=[-2]),
                       non_sequences=a, n_steps=7)
    grads = T.grad(r[-1].sum(), [a, h0])
    f = theano.function([a, h0], grads, mode=MODES[mode])
    dense = theano.function([a, h0], grads, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f)
    av = np.array([0.9, 1.1, 0.7])
    hv = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])

    hs = [hv[0], hv[1]]
    for _ in range(7):
        hs.append(np.tanh(hs[-2] * av))
    g = [np.zeros(3) for _ in hs]
    g[-1] = np.ones(3)
    ga = np.zeros(3)
    for t in range(len(hs) - 1, 1, -1):
        d = g[t] * (1 - hs[t] ** 2)
        ga += d * hs[t - 2]
        g[t - 2] = g[t - 2] + d * av
    for _ in range(3):
        got = f(av, hv)
        for x, y in zip(got, dense(av, hv)):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(got[0], ga, rtol=1e-12)
        np.testing.assert_allclose(got[1], np.stack(g[:2]), rtol=1e-12)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sequence_longer_than_the_loop(mode, dtype):
    # the gradient of the sequence is a buffer of the loop as long as the sequence: its rows past
    # the steps run stay zero
    x = T.matrix("x", dtype=dtype)
    w = T.vector("w", dtype=dtype)
    h0 = T.vector("h0", dtype=dtype)
    r, _ = theano.scan(lambda xt, h, w: T.tanh(xt + h * w), sequences=x, outputs_info=h0,
                       non_sequences=w, n_steps=4)
    grads = T.grad(r[-1].sum(), [x, w, h0])
    f = theano.function([x, w, h0], grads, mode=MODES[mode])
    dense = theano.function([x, w, h0], grads, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f)
    rng = np.random.RandomState(2)
    xv = rng.uniform(-1, 1, (6, 3)).astype(dtype)
    wv = rng.uniform(0.5, 1.0, 3).astype(dtype)
    hv = rng.uniform(-1, 1, 3).astype(dtype)

    hs = [hv.astype("float64")]
    for t in range(4):
        hs.append(np.tanh(xv[t] + hs[-1] * wv))
    g, gw, gx = np.ones(3), np.zeros(3), np.zeros((6, 3))
    for t in range(4, 0, -1):
        d = g * (1 - hs[t] ** 2)
        gx[t - 1] = d
        gw += d * hs[t - 1]
        g = d * wv
    tol = 1e-5 if dtype == "float32" else 1e-12
    for _ in range(3):
        got = f(xv, wv, hv)
        for x_, y_ in zip(got, dense(xv, wv, hv)):
            np.testing.assert_array_equal(x_, y_)
        for x_, r_ in zip(got, (gx, gw, g)):
            assert x_.dtype == dtype
            np.testing.assert_allclose(x_, r_, rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", list(MODES))
def test_foldl_and_a_fully_read_state(mode):
    # two states: the cost reads one at its last step (foldl's result) and the other whole
    x = T.dmatrix("x")
    a0 = T.dvector("a0")
    b0 = T.dvector("b0")
    (ra, rb), _ = theano.scan(lambda xt, a, b: [T.tanh(a + xt * b), b * 0.9 + xt],
                              sequences=x, outputs_info=[a0, b0])
    cost = ra[-1].sum() + (rb ** 2).sum()
    grads = T.grad(cost, [x, a0, b0])
    f = theano.function([x, a0, b0], grads, mode=MODES[mode])
    dense = theano.function([x, a0, b0], grads, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f)
    rng = np.random.RandomState(4)
    vals = [rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)]
    for _ in range(3):
        for p, q in zip(f(*vals), dense(*vals)):
            np.testing.assert_array_equal(p, q)
    theano.gradient.verify_grad(
        lambda x, a0, b0: (lambda r: r[0][-1].sum() + (r[1] ** 2).sum())(theano.scan(
            lambda xt, a, b: [T.tanh(a + xt * b), b * 0.9 + xt], sequences=x,
            outputs_info=[a0, b0])[0]),
        vals, rng=np.random.RandomState(5), mode=MODES[mode])

    red, _ = theano.foldl(lambda xt, acc: T.tanh(acc * 0.8 + xt), sequences=x, outputs_info=a0)
    g2 = T.grad(red.sum(), [x, a0])
    f2 = theano.function([x, a0], g2, mode=MODES[mode])
    d2 = theano.function([x, a0], g2, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f2)
    for _ in range(3):
        for p, q in zip(f2(vals[0], vals[1]), d2(vals[0], vals[1])):
            np.testing.assert_array_equal(p, q)


def test_truncated_gradient_keeps_the_dense_loop():
    a = T.dvector("a")
    h0 = T.dvector("h0")
    r, _ = theano.scan(_step, outputs_info=h0, non_sequences=a, n_steps=6, truncate_gradient=3)
    ga = T.grad(r[-1].sum(), a)
    av, hv = _values("float64")
    hs = _forward(av, hv, 6)
    g, ref = np.ones(5), np.zeros(5)
    for t in range(6, 3, -1):
        d = g * (1 - hs[t] ** 2)
        ref += d * hs[t - 1]
        g = d * av
    for mode in MODES.values():
        f = theano.function([a, h0], ga, mode=mode)
        for _ in range(3):
            np.testing.assert_allclose(f(av, hv), ref, rtol=1e-12)


@pytest.mark.parametrize("mode", list(MODES))
def test_foldl_over_zero_to_three_steps(mode):
    # the gradient loop over no step returns the last rows' gradient as the initial state's
    x = T.dmatrix("x")
    a0 = T.dvector("a0")
    red, _ = theano.foldl(lambda xt, acc: T.tanh(acc * 0.8 + xt), sequences=x, outputs_info=a0)
    grads = T.grad((red * np.array([1.0, -2.0])).sum(), [x, a0])
    f = theano.function([x, a0], grads, mode=MODES[mode])
    assert _uses_rewrite(f)
    av = np.array([0.3, -0.4])
    for steps in (0, 1, 3, 0):
        xv = np.linspace(-1, 1, 2 * steps).reshape(steps, 2)
        hs = [av]
        for t in range(steps):
            hs.append(np.tanh(hs[-1] * 0.8 + xv[t]))
        g, gx = np.array([1.0, -2.0]), np.zeros((steps, 2))
        for t in range(steps, 0, -1):
            d = g * (1 - hs[t] ** 2)
            gx[t - 1] = d
            g = d * 0.8
        for _ in range(3):
            got_x, got_a = f(xv, av)
            assert got_x.shape == (steps, 2)
            np.testing.assert_allclose(got_x, gx, rtol=1e-12)
            np.testing.assert_allclose(got_a, g, rtol=1e-12)


@pytest.mark.parametrize("mode", list(MODES))
def test_loop_with_a_stop_condition(mode):
    # the gradient loop runs over the steps the forward loop ran (h <- h w + 1 until h > 50)
    x = T.dscalar("x")
    w = T.dscalar("w")
    r, _ = theano.scan(lambda h, w: (h * w + 1.0, theano.scan.until(h > 50)), outputs_info=x,
                       non_sequences=w, n_steps=100)
    grads = T.grad(r[-1], [x, w])
    f = theano.function([x, w], grads, mode=MODES[mode])
    dense = theano.function([x, w], grads, mode=MODES[mode].excluding(REWRITE))
    assert _uses_rewrite(f)
    for x0, w0 in ((0.5, 1.3), (60.0, 1.1), (2.0, 1.7)):
        hs = [x0]
        while True:
            stop = hs[-1] > 50
            hs.append(hs[-1] * w0 + 1.0)
            if stop or len(hs) > 100:
                break
        gx, gw = 1.0, 0.0
        for t in range(len(hs) - 1, 0, -1):
            gw += gx * hs[t - 1]
            gx *= w0
        for _ in range(3):
            got = f(x0, w0)
            for p, q in zip(got, dense(x0, w0)):
                np.testing.assert_array_equal(p, q)
            np.testing.assert_allclose(got, [gx, gw], rtol=1e-12)


def test_a_state_the_cost_never_reads_keeps_the_plain_loop():
    # an LSTM-like loop whose cost reads every h and no c: the gradient of c is zeros alone, which
    # the reversed loop would cost more than it saves (benchmarks' scan LSTM row); same values
    rng = np.random.RandomState(4)
    W = theano.shared(rng.randn(3, 3) * 0.5)

    def step(h, c):
        c2 = 0.5 * c + T.tanh(T.dot(h, W))
        return T.tanh(c2) * h, c2

    h0 = T.dvector("h0")
    (hs, cs), _ = theano.scan(step, outputs_info=[h0, T.zeros_like(h0)], n_steps=6)
    cost = (hs ** 2).sum()
    g = theano.grad(cost, [h0, W])
    f = theano.function([h0], g)
    plain = theano.function([h0], g, mode=theano.compile.mode.get_default_mode().excluding(
        "scan_grad_last_rows"))
    assert not _uses_rewrite(f)
    v = rng.randn(3)
    for _ in range(3):
        for a, b in zip(f(v), plain(v)):
            np.testing.assert_array_equal(a, b)
