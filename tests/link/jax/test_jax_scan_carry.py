"""Scan on the JAX backend as a ``lax.scan`` whose carry is only the rows the loop reads again (the
taps), the accumulators and the untraced states, with the written rows as its stacked outputs (a
hand-written JAX RNN's layout), checked against NumPy, the reference VM and the default backend:
taps on states and sequences, go_backwards, outputs not fed back, 'full' gradient buffers written
at several offsets (stacked, or a window of rows where they are also read), grad of grad, zero
steps, and gradients against finite differences (skipped without JAX)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan

jax = pytest.importorskip("jax")


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


class Loops(list):
    """The lax loops built, as (kind, carry shapes, reverse); ``run(f, *args)`` calls a JAX
    function with Scan.perform refusing to run, so its loops really are JAX code."""


@pytest.fixture
def loops(monkeypatch):
    from jax import lax

    seen = Loops()
    real_scan, real_fori = lax.scan, lax.fori_loop

    def scan(f, init, xs=None, length=None, reverse=False, **kw):
        shapes = [tuple(np.shape(x)) for x in jax.tree_util.tree_leaves(init)]
        seen.append(("scan", shapes, reverse))
        return real_scan(f, init, xs, length=length, reverse=reverse, **kw)

    def fori(lo, hi, body, init, **kw):
        seen.append(("fori", [tuple(np.shape(x)) for x in jax.tree_util.tree_leaves(init)], None))
        return real_fori(lo, hi, body, init, **kw)

    def refuse(self, node, inputs, output_storage):
        raise AssertionError("Scan ran its reference perform instead of a lax loop")

    def run(f, *args):
        with monkeypatch.context() as m:
            m.setattr(Scan, "perform", refuse)
            return f(*args)

    monkeypatch.setattr(lax, "scan", scan)
    monkeypatch.setattr(lax, "fori_loop", fori)
    seen.run = run
    return seen


def _rnn_numpy(x, h0, Wx, Wh, b):
    hs, h = [], h0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
        hs.append(h)
    hs = np.array(hs)
    cost = 0.5 * (hs ** 2).sum()
    gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in range(x.shape[0] - 1, -1, -1):
        da = (hs[t] + dh) * (1 - hs[t] ** 2)
        prev = hs[t - 1] if t else h0
        gWx += x[t].T @ da
        gWh += prev.T @ da
        gb += da.sum(0)
        dh = da @ Wh.T
    return hs, cost, gWx, gWh, gb, dh


def test_rnn_carry_is_the_hidden_row_and_matches_numpy_bptt(loops):
    rng = np.random.RandomState(0)
    steps, batch, n_in, n_hid = 9, 3, 4, 5
    vals = (rng.randn(steps, batch, n_in), rng.randn(batch, n_hid) * 0.1,
            rng.randn(n_in, n_hid) * 0.3, rng.randn(n_hid, n_hid) * 0.3, rng.randn(n_hid) * 0.1)
    x, h0, Wx, Wh, b = (T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("Wx"), T.dmatrix("Wh"),
                        T.dvector("b"))
    hs, _ = theano.scan(lambda xt, h, Wx, Wh, b: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh) + b),
                        sequences=x, outputs_info=h0, non_sequences=[Wx, Wh, b])
    cost = 0.5 * (hs ** 2).sum()
    outs = [hs, cost] + theano.grad(cost, [Wx, Wh, b, h0])
    f = theano.function([x, h0, Wx, Wh, b], outs, mode=jax_mode())
    want = _rnn_numpy(*vals)
    for _ in range(3):
        got = loops.run(f, *vals)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    assert [k for k, _, _ in loops] == ["scan", "scan"], loops
    # the forward loop carries one hidden row (batch x n_hid), not the (steps+1)-row buffer
    fwd = [s for s in loops if not s[2]][0]
    assert fwd[1] == [(batch, n_hid)]
    # the gradient loop (reversed) carries the one gradient row and the three weight sums (the
    # bias's as a broadcastable row)
    bwd = [s for s in loops if s[2]][0]
    assert sorted(bwd[1]) == sorted([(batch, n_hid), (n_in, n_hid), (n_hid, n_hid), (1, n_hid)])


@pytest.mark.parametrize("two_taps", [False, True])
@pytest.mark.parametrize("backwards", [False, True])
def test_state_and_sequence_taps_outputs_and_gradients_match_reference(loops, backwards,
                                                                        two_taps):
    rng = np.random.RandomState(1)
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")

    def step(xm, x0, xp, *rest):
        *taps, W = rest
        h = T.tanh(T.dot(taps[0] + 0.5 * taps[-1], W) + xm - xp + x0)
        return h, h.sum()

    state = dict(initial=T.stack([h0, h0 * 0.5]), taps=[-2, -1]) if two_taps else h0
    (hs, sums), _ = theano.scan(
        step, sequences=dict(input=x, taps=[-1, 0, 1]), outputs_info=[state, None],
        non_sequences=W, go_backwards=backwards)
    cost = (hs ** 2).sum() + (sums * T.arange(sums.shape[0])).sum()
    outs = [hs, sums, cost] + theano.grad(cost, [x, h0, W])
    vals = [rng.randn(11, 4), rng.randn(4), rng.randn(4, 4) * 0.3]
    fj = theano.function([x, h0, W], outs, mode=jax_mode())
    fp = theano.function([x, h0, W], outs, mode=theano.Mode(linker="py", optimizer="fast_run"))
    fn = theano.function([x, h0, W], outs)
    for _ in range(2):
        got = loops.run(fj, *vals)
        want, native = fp(*vals), fn(*vals)
        for g, w, nv in zip(got, want, native):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(nv, w, rtol=1e-10, atol=1e-12)
    # the forward loop carries the state's taps (one or two rows of 4), never a whole buffer
    # (the first loop built; go_backwards reverses the sequence, not the loop)
    assert loops[0][:2] == ("scan", [(4,)] * (1 + two_taps)), loops
    # so does the gradient loop: the sequence's gradient buffer is written at three offsets
    # (stacked rows added after the loop), the two-tap state's is read at one offset and
    # written at two (a window of three rows)
    assert {k for k, _, _ in loops} == {"scan"}
    for _, shapes, _ in loops:
        assert all(s in [(4,), (4, 4)] for s in shapes), shapes
    if two_taps:
        assert max(len(shapes) for _, shapes, _ in loops) >= 3

def test_gradient_against_finite_differences(loops):
    rng = np.random.RandomState(2)
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    hs, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x,
                        outputs_info=h0, non_sequences=W)
    cost = (hs[-1] ** 2).sum() + hs.sum()
    f = theano.function([x, h0, W], cost, mode=jax_mode())
    g = theano.function([x, h0, W], theano.grad(cost, W), mode=jax_mode())
    vals = [rng.randn(6, 3), rng.randn(3), rng.randn(3, 3) * 0.4]
    eps = 1e-6
    num = np.zeros_like(vals[2])
    for i in np.ndindex(*num.shape):
        up, dn = vals[2].copy(), vals[2].copy()
        up[i] += eps
        dn[i] -= eps
        num[i] = (f(vals[0], vals[1], up) - f(vals[0], vals[1], dn)) / (2 * eps)
    for _ in range(2):
        np.testing.assert_allclose(loops.run(g, *vals), num, rtol=1e-6, atol=1e-8)


def test_n_steps_zero_and_float32_state_keep_their_shapes_and_dtypes(loops):
    h0, W = T.fvector("h0"), T.fmatrix("W")
    n = T.iscalar("n")
    hs, _ = theano.scan(lambda h, W: T.dot(h, W), outputs_info=h0, non_sequences=W, n_steps=n)
    f = theano.function([h0, W, n], hs, mode=jax_mode())
    h0v = np.arange(3, dtype="float32")
    Wv = (np.eye(3) * 0.5).astype("float32")
    for steps in (4, 0, 4):
        got = loops.run(f, h0v, Wv, steps)
        want = np.array([h0v * 0.5 ** (k + 1) for k in range(steps)], dtype="float32").reshape(
            steps, 3)
        assert got.dtype == np.float32 and got.shape == (steps, 3)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_a_step_that_changes_the_state_shape_is_refused():
    h0 = T.dvector("h0")
    hs, _ = theano.scan(lambda h: T.concatenate([h, h]), outputs_info=h0, n_steps=3)
    f = theano.function([h0], hs, mode=jax_mode())
    with pytest.raises(ValueError, match="must keep its shape"):
        f(np.ones(2))


def test_gradient_of_the_gradient_and_a_start_offset_match_reference(loops):
    rng = np.random.RandomState(3)
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")

    def step(x0, x1, a, b, W):
        return T.tanh(T.dot(b, W) + 0.3 * a + x0 * x1)

    hs, _ = theano.scan(step, sequences=dict(input=x, taps=[0, 2]),
                        outputs_info=dict(initial=T.stack([h0, -h0]), taps=[-2, -1]),
                        non_sequences=W)
    cost = (hs[1:] ** 2).sum()
    gW = theano.grad(cost, W)
    ggx = theano.grad((gW ** 2).sum(), x)
    vals = [rng.randn(9, 3), rng.randn(3), rng.randn(3, 3) * 0.4]
    fj = theano.function([x, h0, W], [hs, gW, ggx], mode=jax_mode())
    fp = theano.function([x, h0, W], [hs, gW, ggx],
                         mode=theano.Mode(linker="py", optimizer="fast_run"))
    for _ in range(2):
        got, want = loops.run(fj, *vals), fp(*vals)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11)
    assert {k for k, _, _ in loops} == {"scan"}


def _direct_scan(reverse, init):
    """A Scan op built directly: a sequence read at offsets 0 and 2, a state read at 0 and
    written at 1 and 2 (reversed: read at 2, written at 0 and 1; a window either way; 'full'
    adds, 'head' sets), an output only written at 0, and an accumulator."""
    from theano.scan.op import Buffer

    s0, s2, h = T.dvector("s0"), T.dvector("s2"), T.dvector("h")
    c = T.dscalar("c")
    new1 = T.tanh(h * c + s0)
    new2 = 0.5 * h - s2
    out = (h * s2).sum() + T.zeros_like(s0)
    acc = h.sum() * c
    reads, writes = ((2,), (0, 1)) if reverse else ((0,), (1, 2))
    st = Buffer(reads=reads, writes=writes, init=init, label="state")
    bufs = [Buffer(reads=(0, 2)), st, Buffer(writes=(0,), init="none", label="out")]
    return Scan([s0, s2, h, c], [new1, new2, out, acc], bufs, n_acc=1, n_nonseq=1,
                reverse=reverse, name="direct")


@pytest.mark.parametrize("init", ["full", "head"])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_window_buffer_with_a_start_offset_matches_the_reference_perform(loops, reverse, init):
    op = _direct_scan(reverse, init)
    n, t0 = T.lscalar("n"), T.lscalar("t0")
    seq, state, acc0, c = T.dmatrix("seq"), T.dmatrix("state"), T.dscalar("acc0"), T.dscalar("c")
    outs = op(n, t0, seq, state, acc0, c)
    rng = np.random.RandomState(5)
    fj = theano.function([n, t0, seq, state, acc0, c], outs, mode=jax_mode())
    fp = theano.function([n, t0, seq, state, acc0, c], outs,
                         mode=theano.Mode(linker="py", optimizer="None"))
    for steps, start in ((4, 2), (3, 0), (4, 2)):
        seqv = rng.randn(12, 3)
        # 'full': longer than the steps need (the rows past them come back unchanged);
        # 'head': exactly the rows read before the first write
        rows = 12 if init == "full" else min(op.buffers[1].writes)
        statev = rng.randn(rows, 3)
        args = (steps, start, seqv, statev, 0.25, 0.7)
        got, want = loops.run(fj, *args), fp(*args)
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    assert {k for k, _, _ in loops} == {"scan"}
