"""The compiled step loop of Scan (theano/scan/op.py, _NumbaLoop) and the buffers a Scan reuses
across calls: values against NumPy and the reference VM, repeated calls bit-identical, errors
raised as the Python loop raises them, and outputs the user holds never overwritten."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan, _NumbaLoop
from theano.scan_module import until

PY = theano.Mode(linker="py", optimizer="fast_run")


def _scan_ops(f):
    return [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _poly(mode=None):
    coefs, powers, x = T.ivector("c"), T.ivector("p"), T.iscalar("x")
    terms, _ = theano.scan(lambda c, p, x: c * x ** p, sequences=[coefs, powers],
                           non_sequences=x, mode=mode)
    return theano.function([x, coefs, powers], terms, mode=mode)


def test_polynomial_runs_as_one_compiled_loop_and_matches_numpy():
    f = _poly()
    c = np.array([2, 3, 4, 6, 5], dtype="int32")
    p = np.arange(5, dtype="int32")
    expected = c * np.int32(10) ** p
    first = f(np.int32(10), c, p)
    np.testing.assert_array_equal(first, expected)
    assert first.dtype == np.int32
    (op,) = _scan_ops(f)
    assert isinstance(op._nb, _NumbaLoop)
    for _ in range(30):
        assert np.array_equal(f(np.int32(10), c, p), first)
    # int32 powers wrap as NumPy's do
    big = f(np.int32(7), c, np.array([30, 31, 12, 20, 0], dtype="int32"))
    np.testing.assert_array_equal(big, c * np.int32(7) ** np.array([30, 31, 12, 20, 0], "int32"))
    np.testing.assert_array_equal(big, _poly(PY)(np.int32(7), c, np.array([30, 31, 12, 20, 0],
                                                                          "int32")))


def test_negative_integer_power_raises_as_numpy_and_later_calls_work():
    f = _poly()
    c = np.array([1, 2, 3], dtype="int32")
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.int32(2), c, np.array([1, -1, 2], dtype="int32"))
    np.testing.assert_array_equal(f(np.int32(2), c, np.array([1, 2, 3], "int32")), [2, 8, 24])


def test_float_state_with_taps_reverse_and_n_steps():
    x = T.dvector("x")
    a = T.dscalar("a")
    # h_t = a * h_{t-1} - 0.5 * h_{t-2} + x_t, over x reversed, 6 steps of 9
    s0 = T.dvector("s0")
    hs, _ = theano.scan(lambda xt, h2, h1, a: a * h1 - 0.5 * h2 + xt, sequences=x,
                        outputs_info=dict(initial=s0, taps=[-2, -1]), non_sequences=a,
                        n_steps=6, go_backwards=True)
    f = theano.function([x, s0, a], hs)
    xv = np.linspace(-1, 1, 9)
    s0v = np.array([0.3, -0.2])
    (op,) = _scan_ops(f)
    h2, h1, out = s0v[0], s0v[1], []
    for t in range(6):
        h = 0.7 * h1 - 0.5 * h2 + xv[::-1][t]
        out.append(h)
        h2, h1 = h1, h
    first = f(xv, s0v, 0.7)
    np.testing.assert_allclose(first, out, rtol=1e-13)
    assert isinstance(op._nb, _NumbaLoop)
    for _ in range(5):
        assert np.array_equal(f(xv, s0v, 0.7), first)
    np.testing.assert_allclose(theano.function([x, s0, a], hs, mode=PY)(xv, s0v, 0.7), first,
                               rtol=1e-13)


def test_until_stops_early_on_the_compiled_loop():
    x0 = T.dscalar("x0")
    vals, _ = theano.scan(lambda v: (v * 2.0, until(v * 2.0 > 50.0)), outputs_info=x0,
                          n_steps=100)
    f = theano.function([x0], vals)
    np.testing.assert_allclose(f(1.5), [3.0, 6.0, 12.0, 24.0, 48.0, 96.0])
    np.testing.assert_allclose(f(30.0), [60.0])
    np.testing.assert_allclose(f(1.5), [3.0, 6.0, 12.0, 24.0, 48.0, 96.0])


def test_state_changing_shape_raises_the_python_loop_error():
    h0 = T.dvector("h0")
    # the step returns a vector one element longer than its state
    hs, _ = theano.scan(lambda h: T.concatenate([h, h[:1]]) * 1.0, outputs_info=h0, n_steps=3)
    f = theano.function([h0], hs)
    with pytest.raises(ValueError, match="must keep its shape|shape"):
        f(np.ones(3))


def test_accumulating_gradient_loop_matches_numpy_on_every_call():
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    w = T.dvector("w")
    hs, _ = theano.scan(lambda xt, h, w: h * w + xt, sequences=x, outputs_info=h0,
                        non_sequences=w)
    cost = (hs ** 2).sum()
    gw, gh0 = theano.grad(cost, [w, h0])
    f = theano.function([x, h0, w], [cost, gw, gh0])
    g = theano.function([x, h0, w], [cost, gw, gh0], mode=PY)
    rng = np.random.RandomState(0)
    xv, hv, wv = rng.randn(7, 4), rng.randn(4), rng.randn(4) * 0.5
    first = f(xv, hv, wv)
    for a, b in zip(first, g(xv, hv, wv)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # numeric gradient of w
    eps = 1e-6
    num = np.zeros(4)
    for i in range(4):
        d = np.zeros(4)
        d[i] = eps
        num[i] = (f(xv, hv, wv + d)[0] - f(xv, hv, wv - d)[0]) / (2 * eps)
    np.testing.assert_allclose(first[1], num, rtol=1e-5, atol=1e-6)
    for _ in range(5):
        again = f(xv, hv, wv)
        assert all(np.array_equal(a, b) for a, b in zip(again, first))


def test_held_outputs_are_never_overwritten_by_later_calls():
    # big enough for the Python loop (and its buffers) as well as small for the compiled loop
    for n in (5, 3000):
        x = T.dmatrix("x")
        h0 = T.dvector("h0")
        hs, _ = theano.scan(lambda xt, h: T.tanh(h + xt), sequences=x, outputs_info=h0)
        f = theano.function([x, h0], hs)
        rng = np.random.RandomState(n)
        held = []
        for k in range(4):
            xv, hv = rng.randn(6, n), rng.randn(n)
            out = f(xv, hv)
            h, ref = hv, []
            for t in range(6):
                h = np.tanh(h + xv[t])
                ref.append(h)
            np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-15)
            held.append((out, out.copy()))
            if k == 1:
                f(xv, hv)   # a result dropped at once: its buffer may serve the next call
        for out, copy in held:
            assert np.array_equal(out, copy)


def test_reused_buffers_give_the_same_results_as_fresh_ones():
    x = T.dtensor3("x")
    h0 = T.dmatrix("h0")
    W = T.dmatrix("W")
    hs, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x, outputs_info=h0,
                        non_sequences=W)
    cost = 0.5 * (hs ** 2).sum()
    f = theano.function([x, h0, W], [cost] + theano.grad(cost, [W, h0]))
    rng = np.random.RandomState(3)
    vals = rng.randn(20, 8, 16), rng.randn(8, 16) * 0.1, rng.randn(16, 16) * 0.1
    first = [np.array(v) for v in f(*vals)]     # results dropped: later calls reuse buffers
    for _ in range(6):
        assert all(np.array_equal(a, b) for a, b in zip(f(*vals), first))
    ref = theano.function([x, h0, W], [cost] + theano.grad(cost, [W, h0]), mode=PY)(*vals)
    for a, b in zip(first, ref):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_without_the_whole_graph_flag_the_python_loop_runs():
    with theano.config.change_flags(numba__whole_graph=False):
        f = _poly()
        c = np.array([2, 3], dtype="int32")
        np.testing.assert_array_equal(f(np.int32(3), c, np.array([1, 2], "int32")), [6, 27])
    (op,) = _scan_ops(f)
    assert op._nb is False


def _lstm(mode, d=8):
    x, h0, Wx, Wh, b = T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("Wx"), T.dmatrix("Wh"), \
        T.dvector("b")
    sig = T.nnet.sigmoid

    def step(xt, h, c, Wx, Wh, b):
        z = T.dot(xt, Wx) + T.dot(h, Wh) + b
        i, f, o = sig(z[:, :d]), sig(z[:, d:2 * d]), sig(z[:, 2 * d:3 * d])
        g = T.tanh(z[:, 3 * d:])
        c_new = f * c + i * g
        return o * T.tanh(c_new), c_new

    (hs, cs), _ = theano.scan(step, sequences=x, outputs_info=[h0, T.zeros_like(h0)],
                              non_sequences=[Wx, Wh, b], mode=mode)
    cost = 0.5 * (hs ** 2).sum()
    return theano.function([x, h0, Wx, Wh, b], [cost] + theano.grad(cost, [Wx, Wh, b, h0]),
                           mode=mode)


def test_lstm_with_slices_runs_compiled_and_matches_the_reference_vm():
    d = 8
    rng = np.random.RandomState(1)
    vals = (rng.randn(12, 4, d), rng.randn(4, d) * 0.1, rng.randn(d, 4 * d) * 0.3,
            rng.randn(d, 4 * d) * 0.3, rng.randn(4 * d) * 0.1)
    f = _lstm(None, d)
    first = [np.array(v) for v in f(*vals)]
    ops = _scan_ops(f)
    assert len(ops) == 2
    for op in ops:      # forward and gradient loop: slices and in-place slice updates inside
        assert isinstance(op._nb, _NumbaLoop) and True in op._nb.decided.values()
    ref = _lstm(PY, d)(*vals)
    for a, e in zip(first, ref):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)
    for _ in range(5):
        assert all(np.array_equal(a, b) for a, b in zip(f(*vals), first))


def test_int_index_inside_the_step_stays_on_the_python_loop():
    x = T.dmatrix("x")
    # an int index is not bounds-checked by Numba: such a graph is not compiled as one loop
    ys, _ = theano.scan(lambda row: row[2] * 2.0 + row[:2].sum(), sequences=x)
    f = theano.function([x], ys)
    xv = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(f(xv), xv[:, 2] * 2 + xv[:, :2].sum(axis=1))
    with pytest.raises(IndexError):
        f(np.ones((4, 2)))


def test_small_products_with_threaded_blas_run_the_compiled_loop_on_one_thread(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from theano.link import blas_threads

    def build():
        x, h0, W = T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("W")
        hs, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x,
                            outputs_info=h0, non_sequences=W)
        cost = (hs ** 2).sum()
        return theano.function([x, h0, W], [hs[-1], T.grad(cost, W)])

    rs = np.random.RandomState(7)
    args = rs.randn(12, 16, 64), rs.randn(16, 64) * 0.1, rs.randn(64, 64) * 0.1
    single = build()(*args)          # BLAS on one thread here (tests/conftest.py)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setattr(blas_threads, "_libs", None)
        if not blas_threads.multi_threaded():
            pytest.skip("BLAS cannot run on two threads here")
        seen = []
        real = blas_threads.one_thread

        def spy(fn, *a, **kw):
            seen.append([get() for get, _ in blas_threads._libs])
            return real(fn, *a, **kw)

        monkeypatch.setattr(blas_threads, "one_thread", spy)
        f = build()
        outs = [f(*args) for _ in range(3)]
        loops = [op._nb for op in _scan_ops(f) if isinstance(op._nb, _NumbaLoop)]
        assert loops and all("one thread" in nb.decided.values() for nb in loops)
        assert seen                                       # the loops ran with BLAS limited
        assert all(get() == 2 for get, _ in blas_threads._libs)     # and restored
        for out in outs:                                  # the same bits as on one thread
            assert [o.tobytes() for o in out] == [o.tobytes() for o in single]
    monkeypatch.setattr(blas_threads, "_libs", None)
    x, h0, W = args
    h = h0
    for xt in x:
        h = np.tanh(h @ W + xt)
    np.testing.assert_allclose(single[0], h, rtol=1e-12)
