"""theano.scan_checkpoints: the values after every block of save_every_N steps (the last block
shorter), the same final values and gradients as theano.scan, with and without padding, and the
restrictions (taps, shared updates) as clear errors. NumPy references; the default backend and
the reference VM; each function called three times."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = ["FAST_RUN", theano.Mode(linker="py")]


@pytest.mark.parametrize("mode", MODES)
def test_power_values_and_gradient_match_scan(mode):
    k = T.iscalar("k")
    a = T.dvector("a")
    r, _ = theano.scan(lambda p, a: p * a, outputs_info=T.ones_like(a), non_sequences=a, n_steps=k)
    rc, _ = theano.scan_checkpoints(lambda p, a: p * a, outputs_info=T.ones_like(a),
                                    non_sequences=a, n_steps=k, save_every_N=10)
    f = theano.function([a, k], [rc, rc[-1], T.grad(rc[-1].sum(), a), T.grad(r[-1].sum(), a)],
                        mode=mode)
    av = np.linspace(0.5, 1.05, 6)
    for n in (1, 9, 10, 11, 25, 101):
        blocks = list(range(10, n + 1, 10)) + ([n] if n % 10 else [])
        for _ in range(3):
            every, last, g, g_scan = f(av, n)
            np.testing.assert_allclose(every, [av ** b for b in blocks], rtol=1e-12)
            np.testing.assert_allclose(last, av ** n, rtol=1e-12)
            np.testing.assert_allclose(g, n * av ** (n - 1), rtol=1e-10)
            np.testing.assert_allclose(g, g_scan, rtol=1e-12)


def _rnn_ref(xv, h0, wv, uv):
    h, hs = h0, []
    for x in xv:
        h = np.tanh(x @ wv + h @ uv)
        hs.append(h)
    return np.array(hs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("steps,padding", [(23, True), (20, False), (20, True)])
def test_rnn_over_sequences_gradients_match_scan(mode, steps, padding):
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    w = T.dmatrix("w")
    u = T.dmatrix("u")

    def step(xt, h, w, u):
        return T.tanh(T.dot(xt, w) + T.dot(h, u))

    rc, _ = theano.scan_checkpoints(step, sequences=[x], outputs_info=[h0], non_sequences=[w, u],
                                    save_every_N=5, padding=padding)
    r, _ = theano.scan(step, sequences=[x], outputs_info=[h0], non_sequences=[w, u])
    cost_c = T.sum(rc[0][-1] ** 2)
    cost = T.sum(r[-1] ** 2)
    wrt = [x, h0, w, u]
    f = theano.function([x, h0, w, u], [rc[0]] + T.grad(cost_c, wrt) + T.grad(cost, wrt), mode=mode)
    rng = np.random.RandomState(5)
    vals = [rng.randn(steps, 3), rng.randn(4), rng.randn(3, 4) * 0.5, rng.randn(4, 4) * 0.5]
    vals[0][0] = 1000.0            # a saturating step: tanh stays finite, its gradient 0
    hs = _rnn_ref(*vals)
    idx = [b - 1 for b in range(5, steps + 1, 5)] + ([steps - 1] if steps % 5 else [])
    first = f(*vals)
    np.testing.assert_allclose(first[0], hs[idx], rtol=1e-12)
    for gc, gs in zip(first[1:5], first[5:]):
        np.testing.assert_allclose(gc, gs, rtol=1e-9, atol=1e-12)
    for _ in range(2):
        for a, b in zip(first, f(*vals)):
            np.testing.assert_array_equal(a, b)


def test_restrictions_are_clear_errors():
    a = T.dvector("a")
    with pytest.raises(RuntimeError, match="taps"):
        theano.scan_checkpoints(lambda p2, p1: p1 + p2, outputs_info=dict(initial=T.stack([a, a]),
                                                                        taps=[-2, -1]), n_steps=4)
    with pytest.raises(RuntimeError, match="tap 0"):
        theano.scan_checkpoints(lambda x: x, sequences=dict(input=a, taps=[-1]))
    with pytest.raises(ValueError, match="save_every_N"):
        theano.scan_checkpoints(lambda x: x * 2, sequences=[a], save_every_N=0)
    s = theano.shared(0.0)
    with pytest.raises(RuntimeError, match="shared"):
        theano.scan_checkpoints(lambda x: (x * 2, {s: s + 1}), sequences=[a], save_every_N=2)
    # the old import paths
    from theano.scan_module import scan_checkpoints
    assert scan_checkpoints is theano.scan_checkpoints
