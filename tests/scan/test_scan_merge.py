"""scan_merge: independent loops with the same steps run as one loop, with the values each loop
gives alone (checked against NumPy on the reference VM and the default backend, each compiled
function called twice)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan
from tests.helpers import value_mode, value_modes


def rewriting_modes():
    """The reference VM with the default rewrites, the default backend, and JAX when installed."""
    return value_modes()


def mode_of(name):
    return theano.Mode(linker="py") if name == "py" else value_mode(name)


def n_scans(f):
    return sum(isinstance(n.op, Scan) for n in f.maker.fgraph.toposort())


def test_loops_with_the_same_constant_steps_are_merged():
    x, y = T.dvectors("x", "y")
    sx, _ = theano.scan(lambda s: s + 1, sequences=[x], n_steps=4)
    sy, _ = theano.scan(lambda s, h: h * s, sequences=[y], outputs_info=[T.constant(1.0)],
                        n_steps=4)
    for mode in rewriting_modes():
        f = theano.function([x, y], [sx, sy], mode=mode_of(mode))
        if mode != "jax":
            assert n_scans(f) == 1
        for k in range(2):
            xv, yv = np.arange(6.0) + k, np.linspace(0.5, 2.0, 5)
            a, b = f(xv, yv)
            np.testing.assert_allclose(a, xv[:4] + 1)
            np.testing.assert_allclose(b, np.cumprod(yv[:4]))
    f = theano.function([x, y], [sx, sy], mode=theano.Mode(linker="py").excluding("scan_merge"))
    assert n_scans(f) == 2


def test_loops_with_different_steps_or_truncation_stay_apart():
    x, y = T.dvectors("x", "y")
    sx, _ = theano.scan(lambda s: T.tanh(s), sequences=[x])
    sy, _ = theano.scan(lambda s: T.tanh(s), sequences=[y])
    f = theano.function([x, y], [sx, sy], mode=theano.Mode(linker="py"))
    assert n_scans(f) == 2            # lengths of x and y may differ
    np.testing.assert_allclose(f(np.arange(3.0), np.arange(5.0))[1], np.tanh(np.arange(5.0)))
    sx, _ = theano.scan(lambda s: T.exp(s), sequences=[x], n_steps=3)
    sy, _ = theano.scan(lambda s: T.exp(s), sequences=[y], n_steps=3, truncate_gradient=1)
    f = theano.function([x, y], [sx, sy], mode=theano.Mode(linker="py"))
    assert n_scans(f) == 2


@pytest.mark.parametrize("mode", rewriting_modes())
def test_a_loop_reading_another_is_not_merged_with_it(mode):
    x, y = T.dvectors("x", "y")
    sx, _ = theano.scan(lambda s: s + 1, sequences=[x], n_steps=4, name="X")
    sy, _ = theano.scan(lambda s: s + 1, sequences=[2 * y + 2], n_steps=4, name="Y")
    # (exp: a loop whose body only multiplies a row would be moved out of the loop entirely)
    sz, _ = theano.scan(lambda s: T.exp(s), sequences=[sx], n_steps=4, name="Z")
    f = theano.function([x, y], [sy, sz], mode=mode_of(mode))
    if mode != "jax":
        assert n_scans(f) == 2
    for k in range(2):
        xv, yv = np.arange(4.0) - k, np.arange(4.0) * 0.5
        a, b = f(xv, yv)
        np.testing.assert_allclose(a, 2 * yv + 3)
        np.testing.assert_allclose(b, np.exp(xv + 1))


@pytest.mark.parametrize("mode", rewriting_modes())
def test_while_loops_merge_only_with_the_same_condition(mode):
    x = T.dvector("x")
    o1, _ = theano.scan(lambda t: (t + 1, theano.scan_module.until(t > 3)), x)
    o2, _ = theano.scan(lambda t: (t * 2, theano.scan_module.until(t > 3)), x)
    o3, _ = theano.scan(lambda t: (t - 1, theano.scan_module.until(t > 5)), x)
    f = theano.function([x], [o1, o2, o3], mode=mode_of(mode))
    if mode != "jax":
        assert n_scans(f) == 2
    for stop in (23, 7):
        v = np.zeros(50)
        v[stop] = 4
        v[stop + 5] = 6
        for _ in range(2):
            a, b, c = f(v)
            np.testing.assert_allclose(a, v[:stop + 1] + 1)
            np.testing.assert_allclose(b, v[:stop + 1] * 2)
            np.testing.assert_allclose(c, v[:stop + 6] - 1)


@pytest.mark.parametrize("mode", rewriting_modes())
def test_merged_gradient_loops(mode):
    # the gradient loops of two RNNs over the same sequence run as one loop
    x = T.dmatrix("x")
    W1, W2 = T.dmatrix("W1"), T.dmatrix("W2")
    h0 = T.dvector("h0")
    h1, _ = theano.scan(lambda xt, h: T.tanh(T.dot(h, W1) + xt), sequences=x, outputs_info=h0)
    h2, _ = theano.scan(lambda xt, h: T.tanh(T.dot(h, W2) - xt), sequences=x, outputs_info=h0)
    cost = (h1 ** 2).sum() + (h2 * h1).sum()
    grads = theano.grad(cost, [W1, W2, h0])
    f = theano.function([x, W1, W2, h0], [cost] + grads, mode=mode_of(mode))
    ref = theano.function([x, W1, W2, h0], [cost] + grads,
                          mode=theano.Mode(linker="py").excluding("scan_merge"))
    if mode != "jax":
        assert n_scans(f) == 2 and n_scans(ref) == 4
    rng = np.random.RandomState(0)
    args = [rng.randn(5, 3), 0.5 * rng.randn(3, 3), 0.5 * rng.randn(3, 3), rng.randn(3)]
    want = ref(*args)
    for _ in range(2):
        for a, b in zip(f(*args), want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_gradient_of_a_random_loop_reuses_the_recording_loop():
    x = T.dvector("x")
    srng = theano.tensor.shared_randomstreams.RandomStreams(3)
    o, upd = theano.scan(lambda m: 2 * m + srng.uniform(low=-1.0, high=1.0), sequences=x)
    g = theano.grad(o.mean(), x)
    f = theano.function([x], [o, g], updates=upd, mode=theano.Mode(linker="py"))
    forward = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan) and not n.op.reverse]
    assert len(forward) == 1
    for _ in range(2):
        a, b = f([1.0, 2.0, 3.0])
        assert np.all(np.abs(a - 2 * np.array([1.0, 2.0, 3.0])) <= 1.0)
        np.testing.assert_allclose(b, [2.0 / 3] * 3)


def test_scan_merge_object_tells_which_loops_belong_together():
    from theano.scan_module.scan_opt import ScanMerge

    inps, state = T.dvector("inps"), T.dscalar("state")
    y1, _ = theano.scan(lambda x, y: x * y, sequences=inps, outputs_info=state, n_steps=5)
    y2, _ = theano.scan(lambda x, y: (x + y, theano.scan_module.until(x > 0)), sequences=inps,
                        outputs_info=state, n_steps=5)
    y3, _ = theano.scan(lambda x, y: x - y, sequences=inps, outputs_info=state, n_steps=5)
    y4, _ = theano.scan(lambda x, y: x - y, sequences=y1, outputs_info=state, n_steps=5)
    n1, n2, n3, n4 = (v.owner.inputs[0].owner for v in (y1, y2, y3, y4))
    opt = ScanMerge()
    assert not opt.belongs_to_set(n1, [n2]) and not opt.belongs_to_set(n2, [n1])
    assert opt.belongs_to_set(n3, [n1])
    assert not opt.belongs_to_set(n4, [n1])   # reads what n1 computes
    f = theano.function([inps, state], [y1, y3, y4], mode=theano.Mode(linker="py"))
    assert n_scans(f) == 2
    for _ in range(2):
        a, b, c = f(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 0.5)
        np.testing.assert_allclose(a, 0.5 * np.cumprod([1.0, 2.0, 3.0, 4.0, 5.0]))
        want, h = [], 0.5
        for x in [1.0, 2.0, 3.0, 4.0, 5.0]:
            h = x - h
            want.append(h)
        np.testing.assert_allclose(b, want)
        want, h = [], 0.5
        for x in a:
            h = x - h
            want.append(h)
        np.testing.assert_allclose(c, want)
