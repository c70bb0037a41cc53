"""Scan on the JAX backend against the reference VM: ``until`` as a lax.while_loop (outputs cut to
the steps run), taps, go_backwards and gradients through the lax loop (skipped without JAX). The
loops' own mode is the reference VM where it matters (the JAX backend never compiles the inner
graph with it: it traces it), so the reference compiles no Numba kernels.

Each test makes the reference perform of Scan unusable inside the JAX function, so a pass means the
loop really ran as JAX code."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan
from theano.scan_module import until

jax = pytest.importorskip("jax")


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def py_mode():
    return theano.Mode(linker="py", optimizer="fast_run")


@pytest.fixture
def no_host_scan(monkeypatch):
    """Scan.perform raises while the JAX function runs: the loop must be JAX code."""
    def refuse(self, node, inputs, output_storage):
        raise AssertionError("Scan ran its reference perform instead of a lax loop")

    def run(f, *args):
        with monkeypatch.context() as m:
            m.setattr(Scan, "perform", refuse)
            return f(*args)

    return run


def _both(inputs, outputs, updates=None):
    fj = theano.function(inputs, outputs, mode=jax_mode(), updates=updates)
    fp = theano.function(inputs, outputs, mode=py_mode(), updates=updates)
    return fj, fp


def _check(fj, fp, args, no_host_scan, rtol=1e-10):
    for _ in range(2):
        got = no_host_scan(fj, *args)
        want = fp(*args)
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w)
            assert np.asarray(g).dtype == np.asarray(w).dtype
            np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol)


def test_until_stops_early_and_cuts_outputs_to_the_steps_run(no_host_scan):
    x = T.dscalar("x")
    lim = T.dscalar("lim")

    def step(prev, total, lim):
        new = prev * 2
        return [new, total + new], until(new > lim)

    (vals, totals), _ = theano.scan(step, outputs_info=[x, T.constant(0.0)],
                                    non_sequences=lim, n_steps=12)
    outs = [vals, totals, vals.shape[0]]
    fj, fp = _both([x, lim], outs)
    for args in [(1.0, 5.0), (3.0, 1.0), (1.0, 1e9)]:
        _check(fj, fp, args, no_host_scan)
    assert no_host_scan(fj, 1.0, 5.0)[2] == 3          # 2, 4, 8: stops at the step past 5
    assert no_host_scan(fj, 1.0, 1e9)[2] == 12         # never stops: all n_steps
    paths = {p for _, p in fj.maker.thunk.node_paths}
    assert "lax.while_loop (jitted on its own)" in paths and not fj.maker.thunk.is_jitted()


def test_until_over_a_sequence_with_taps(no_host_scan):
    seq = T.dvector("seq")
    h0 = T.dvector("h0")

    def step(s_m1, s_p1, h_m2, h_m1):
        h = 0.5 * h_m1 - 0.25 * h_m2 + s_m1 * s_p1
        return h, until(T.abs_(h) > 3.0)

    hs, _ = theano.scan(step, sequences=dict(input=seq, taps=[-1, 1]),
                        outputs_info=dict(initial=h0, taps=[-2, -1]))
    fj, fp = _both([seq, h0], [hs, hs.shape[0]])
    rng = np.random.RandomState(3)
    for scale in (0.5, 3.0):
        _check(fj, fp, (scale * rng.randn(15), np.array([0.1, -0.2])), no_host_scan)


def test_until_going_backwards(no_host_scan):
    seq = T.dvector("seq")

    def step(s, acc):
        new = acc + s
        return new, until(new > 4.0)

    out, _ = theano.scan(step, sequences=seq, outputs_info=T.constant(0.0), go_backwards=True)
    fj, fp = _both([seq], [out])
    _check(fj, fp, (np.arange(6.0),), no_host_scan)     # 5, 9: stops after two steps
    _check(fj, fp, (np.full(4, 0.1),), no_host_scan)    # never stops


def test_fori_loop_taps_go_backwards_and_gradients_match_reference(no_host_scan):
    x = T.dmatrix("x")
    W = T.dmatrix("W")
    h0 = T.dmatrix("h0")

    def step(x_t, x_tp1, h_m2, h_m1, W):
        return T.tanh(T.dot(h_m1, W) + 0.3 * h_m2 + x_t - 0.5 * x_tp1)

    hs, _ = theano.scan(step, sequences=dict(input=x, taps=[0, 1]),
                        outputs_info=dict(initial=h0, taps=[-2, -1]), non_sequences=W,
                        go_backwards=True, mode=py_mode())
    cost = (hs ** 2).sum() + hs[-1].sum()
    grads = T.grad(cost, [W, x, h0])
    fj, fp = _both([x, W, h0], [hs, cost] + grads)
    rng = np.random.RandomState(0)
    args = (rng.randn(7, 3), 0.5 * rng.randn(3, 3), rng.randn(2, 3))
    _check(fj, fp, args, no_host_scan, rtol=1e-9)
    assert fj.maker.thunk.is_jitted()


def test_gradient_of_an_rnn_trains_like_the_reference():
    rng = np.random.RandomState(1)
    xs = rng.randn(6, 4, 3)
    ys = rng.randn(4, 2)

    def build(mode):
        W = theano.shared(0.3 * np.random.RandomState(2).randn(3, 5), name="W")
        U = theano.shared(0.3 * np.random.RandomState(3).randn(5, 5), name="U")
        V = theano.shared(0.3 * np.random.RandomState(4).randn(5, 2), name="V")
        x = T.tensor3("x")
        y = T.dmatrix("y")
        hs, _ = theano.scan(lambda x_t, h: T.tanh(T.dot(x_t, W) + T.dot(h, U)), sequences=x,
                            outputs_info=T.zeros((x.shape[1], 5)), mode=py_mode())
        cost = ((T.dot(hs[-1], V) - y) ** 2).mean()
        params = [W, U, V]
        upd = [(p, p - 0.1 * g) for p, g in zip(params, T.grad(cost, params))]
        return theano.function([x, y], cost, updates=upd, mode=mode), params

    fj, pj = build(jax_mode())
    fp, pp = build(py_mode())
    for _ in range(3):
        np.testing.assert_allclose(fj(xs, ys), fp(xs, ys), rtol=1e-10)
    for a, b in zip(pj, pp):
        np.testing.assert_allclose(a.get_value(), b.get_value(), rtol=1e-10)
    assert fj.maker.thunk.is_jitted()


def test_until_with_zero_steps_and_errors():
    x = T.dscalar("x")
    n = T.iscalar("n")
    out, _ = theano.scan(lambda p: (p + 1, until(p > 2)), outputs_info=x, n_steps=n)
    fj, fp = _both([x, n], [out])
    for args in [(0.0, 0), (0.0, 1), (0.0, 10)]:
        np.testing.assert_array_equal(fj(*args)[0], fp(*args)[0])
    with pytest.raises(ValueError, match="negative"):
        fj(0.0, -1)
