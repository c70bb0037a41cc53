"""Random streams on the JAX backend: draws are jax.random code inside the jitted graph, with a key
made from the stream's shared generator state and the advanced state written back (skipped when JAX
is not installed). The numbers differ from NumPy's generator; the distributions are checked
statistically and the values for validity."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import MRG_RandomStreams
from theano.tensor.shared_randomstreams import RandomStreams

jax = pytest.importorskip("jax")

N = 20000


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def _close(est, expected, sigma, n=N, k=6.0):
    """``est`` (a sample mean) within ``k`` standard errors of ``expected``."""
    assert abs(est - expected) <= k * sigma / np.sqrt(n) + 1e-12, (est, expected)


@pytest.mark.parametrize("streams", [RandomStreams, MRG_RandomStreams])
def test_scalar_distributions_run_jitted_with_right_moments(streams):
    srng = streams(seed=1234)
    lam = 3.5
    draws = [
        srng.uniform((N,), low=-1.0, high=3.0, dtype="float64"),
        srng.normal((N,), avg=2.0, std=0.5, dtype="float64"),
        srng.binomial((N,), p=0.3, dtype="int64"),
        srng.binomial((N,), n=6, p=0.25, dtype="int64"),
        srng.random_integers((N,), low=-2, high=4),
        srng.poisson((N,), lam=lam),
    ]
    f = theano.function([], draws, mode=jax_mode())
    first = f()
    second = f()
    assert f.maker.thunk.is_jitted(), "a graph of random draws should stay jitted"
    for a, b in zip(first, second):
        assert not np.array_equal(a, b), "each call must draw new numbers"
    for u, n, b1, b6, ri, po in (first, second):
        assert u.dtype == np.float64 and u.shape == (N,)
        assert u.min() >= -1.0 and u.max() < 3.0
        _close(u.mean(), 1.0, 4 / np.sqrt(12))
        assert abs(u.var() - 16 / 12) < 0.05 * 16 / 12
        _close(n.mean(), 2.0, 0.5)
        assert abs(n.std() - 0.5) < 0.02
        assert b1.dtype == np.int64 and set(np.unique(b1)) <= {0, 1}
        _close(b1.mean(), 0.3, np.sqrt(0.21))
        assert b6.min() >= 0 and b6.max() <= 6
        _close(b6.mean(), 1.5, np.sqrt(6 * 0.25 * 0.75))
        assert abs(b6.var() - 6 * 0.25 * 0.75) < 0.1
        assert set(np.unique(ri)) == set(range(-2, 5))       # both ends included
        _close(ri.mean(), 1.0, np.sqrt((7 ** 2 - 1) / 12))
        assert po.min() >= 0
        _close(po.mean(), lam, np.sqrt(lam))
        assert abs(po.var() - lam) < 0.1 * lam


def test_seed_reproduces_draws_and_states_stay_generators():
    srng = MRG_RandomStreams(seed=7)
    u = srng.uniform((4, 3))
    f = theano.function([], u, mode=jax_mode())
    srng.seed(99)
    a1, a2 = f(), f()
    srng.seed(99)
    b1, b2 = f(), f()
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)
    # MRG_RandomStreams keeps Theano's int32 MRG31k3p states (one row per stream)
    state = u.rng.get_value()
    assert state.dtype == np.int32 and state.ndim == 2 and state.shape[1] == 6
    # a second stream with the same seed draws the same numbers as the first did
    srng2 = MRG_RandomStreams(seed=7)
    u2 = srng2.uniform((4, 3))
    g = theano.function([], u2, mode=jax_mode())
    srng2.seed(99)
    np.testing.assert_array_equal(g(), a1)
    # RandomStreams keeps RandomState states
    rs = RandomStreams(seed=3)
    n = rs.normal((2,))
    h = theano.function([], n, mode=jax_mode())
    h()
    assert isinstance(n.rng.get_value(), np.random.RandomState)


def test_no_default_updates_draws_the_same_numbers_each_call():
    srng = RandomStreams(seed=11)
    u = srng.uniform((5,))
    f = theano.function([], u, mode=jax_mode(), no_default_updates=True)
    np.testing.assert_array_equal(f(), f())


def test_support_distributions_give_valid_values():
    srng = RandomStreams(seed=5)
    x = T.dmatrix("x")
    perm = srng.permutation((3,), n=6)
    multi = srng.multinomial((400,), n=10, pvals=[0.2, 0.5, 0.3])
    pick = srng.choice((4,), a=10, replace=False)
    weighted = srng.choice((N,), a=3, p=[0.7, 0.2, 0.1])
    tn = MRG_RandomStreams(seed=5).truncated_normal((N,), avg=1.0, std=2.0, dtype="float64")
    shuffled = srng.shuffle_row_elements(x)
    f = theano.function([x], [perm, multi, pick, weighted, tn, shuffled], mode=jax_mode())
    data = np.arange(12.0).reshape(3, 4)
    for _ in range(2):
        p, m, c, w, t, s = f(data)
        assert p.shape == (3, 6)
        for row in p:
            assert sorted(row) == list(range(6))
        assert m.shape == (400, 3) and (m.sum(axis=1) == 10).all() and m.min() >= 0
        np.testing.assert_allclose(m.mean(axis=0), [2.0, 5.0, 3.0], atol=0.35)
        assert len(set(c)) == 4 and c.min() >= 0 and c.max() < 10
        freq = np.bincount(w, minlength=3) / N
        np.testing.assert_allclose(freq, [0.7, 0.2, 0.1], atol=0.02)
        # truncated at two standard deviations of the underlying normal, then scaled to std 2
        scale = 2.0 / 0.87962566103423978
        assert np.abs(t - 1.0).max() <= 2 * scale + 1e-9
        _close(t.mean(), 1.0, 2.0)
        assert abs(t.std() - 2.0) < 0.06
        assert s.shape == data.shape
        for row, orig in zip(s, data):
            assert sorted(row) == sorted(orig)


def test_dropout_mask_gradient_and_training_step_jitted():
    rng = np.random.RandomState(0)
    srng = MRG_RandomStreams(seed=42)
    x = T.dmatrix("x")
    W = theano.shared(rng.randn(5, 3), name="W")
    mask = srng.binomial((5,), p=0.5, dtype="float64")
    h = T.dot(x * mask, W)
    cost = (h ** 2).sum()
    gW = T.grad(cost, W)
    f = theano.function([x], [mask, cost, gW], mode=jax_mode())
    xv = rng.randn(4, 5)
    masks = []
    for _ in range(3):
        m, c, g = f(xv)
        assert set(np.unique(m)) <= {0.0, 1.0}
        xm = xv * m
        np.testing.assert_allclose(c, ((xm @ W.get_value()) ** 2).sum(), rtol=1e-10)
        np.testing.assert_allclose(g, 2 * xm.T @ (xm @ W.get_value()), rtol=1e-10)
        masks.append(m)
    assert f.maker.thunk.is_jitted()
    assert any(not np.array_equal(masks[0], m) for m in masks[1:])


def test_same_stream_alternates_between_jax_and_numba_functions():
    srng = MRG_RandomStreams(seed=21)
    u = srng.uniform((6,))
    fj = theano.function([], u, mode=jax_mode())
    fn = theano.function([], u)               # the default (Numba) backend
    seen = []
    for f in (fj, fn, fj, fn):
        before = u.rng.get_value()
        v = f()
        assert u.rng.get_value(borrow=True) is not before     # each call advances the state
        assert ((v >= 0) & (v < 1)).all()
        seen.append(v)
    for i in range(len(seen)):
        for j in range(i):
            assert not np.array_equal(seen[i], seen[j])
    # a JAX draw depends only on the state it starts from
    state = u.rng.get_value()
    a = fj()
    u.rng.set_value(state)
    np.testing.assert_array_equal(fj(), a)


def test_random_draws_inside_scan_run_on_the_host_with_valid_values():
    srng = RandomStreams(seed=8)
    x = T.dvector("x")
    out, upd = theano.scan(lambda xi: xi + srng.uniform(low=0.0, high=1.0), sequences=x)
    f = theano.function([x], out, updates=upd, mode=jax_mode())
    xv = np.arange(5.0)
    a, b = f(xv), f(xv)
    for r in (a, b):
        assert ((r - xv >= 0) & (r - xv < 1)).all()
    assert not np.array_equal(a, b)


def test_bad_parameters_raise_clear_errors():
    srng = RandomStreams(seed=1)
    s = T.dscalar("s")
    f = theano.function([s], srng.normal((3,), std=s), mode=jax_mode())
    assert f(1.0).shape == (3,)
    with pytest.raises(ValueError, match="std must be non-negative"):
        f(-1.0)
    g = theano.function([], RandomStreams(seed=1).choice((5,), a=3, replace=False),
                        mode=jax_mode())
    with pytest.raises(ValueError, match="without replacement"):
        g()


def test_binomial_and_multinomial_with_per_row_trials_and_many_trials():
    srng = RandomStreams(seed=9)
    n = T.lvector("n")
    few = srng.binomial((4000, 3), n=n, p=0.4)           # trials known only at run time
    many = srng.binomial((4000,), n=200, p=0.1)          # beyond the Bernoulli-sum path
    counts = srng.multinomial(None, n=n, pvals=[0.5, 0.25, 0.25])
    f = theano.function([n], [few, many, counts], mode=jax_mode())
    nv = np.array([0, 3, 10])
    for _ in range(2):
        a, b, c = f(nv)
        assert (a[:, 0] == 0).all() and a[:, 1].max() <= 3 and a[:, 2].max() <= 10
        np.testing.assert_allclose(a.mean(axis=0), 0.4 * nv, atol=0.1)
        np.testing.assert_allclose(a.var(axis=0), 0.24 * nv, atol=0.25)
        _close(b.mean(), 20.0, np.sqrt(18.0), n=4000)
        assert c.shape == (3, 3) and (c.sum(axis=1) == nv).all()


def test_row_choice_without_replacement_per_row_of_probabilities():
    srng = MRG_RandomStreams(seed=4)
    pv = T.dmatrix("pv")
    pick = srng.choice(size=2, p=pv, replace=False)
    f = theano.function([pv], pick, mode=jax_mode())
    probs = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.2, 0.3, 0.5], [0.25, 0.25, 0.25, 0.25]])
    rows = np.repeat(probs, 300, axis=0)
    firsts = []
    for _ in range(2):
        out = f(rows)
        assert out.shape == (900, 2) and out.dtype == np.int64
        assert (out[:, 0] != out[:, 1]).all()                      # without replacement
        assert (probs[np.repeat(np.arange(3), 300)[:, None], out] > 0).all()   # p=0 never drawn
        assert set(map(tuple, np.sort(out[:300], axis=1))) == {(0, 1)}
        firsts.append(out)
    assert f.maker.thunk.is_jitted()
    assert not np.array_equal(firsts[0], firsts[1])
    # the first draw of row 2 follows its probabilities
    freq = np.bincount(firsts[0][300:600, 0], minlength=4) / 300
    np.testing.assert_allclose(freq, [0, 0.2, 0.3, 0.5], atol=0.12)
