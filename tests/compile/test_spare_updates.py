"""Updates computed into spare buffers a function owns (theano/compile/function.py, _SpareUpdates):
values against NumPy on every call, the same bits as the copying path, a failed call changing no
shared variable, and arrays the user holds (get_value/set_value with borrow=True, returned outputs,
views) never written."""

import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

F = sys.modules["theano.compile.function"]

LR = np.float32(0.1)


def _sgd(mode=None, shape=(300, 200), batch=50, seed=0, extra_outputs=()):
    """W := W - LR * x.T @ g (a Gemm{no_inplace} on the native backend) and the cost."""
    rng = np.random.RandomState(seed)
    W = theano.shared(rng.randn(*shape).astype("float32"), "W")
    x, g = T.fmatrix("x"), T.fmatrix("g")
    new_w = W - LR * T.dot(x.T, g)
    f = theano.function([x, g], [(x ** 2).sum()] + [o(W, new_w) for o in extra_outputs],
                        updates=[(W, new_w)], mode=mode)
    xv = rng.randn(batch, shape[0]).astype("float32")
    gv = rng.randn(batch, shape[1]).astype("float32")
    return f, W, xv, gv


def _no_spares(monkeypatch):
    monkeypatch.setattr(F._SpareUpdates, "build", classmethod(lambda cls, maker, n_out: None))


def test_native_sgd_update_uses_a_spare_and_matches_numpy():
    f, W, xv, gv = _sgd()
    assert f._spares is not None and list(f._spares.slots) == [0]
    expected = W.get_value()
    for _ in range(6):
        f(xv, gv)
        expected = expected - LR * (xv.T @ gv)
        np.testing.assert_allclose(W.get_value(), expected, rtol=1e-5, atol=1e-5)
    # after two calls the function has a spare: the update no longer allocates
    assert len(f._spares.slots[0]) == 1


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_same_bits_as_the_copying_path(mode, monkeypatch):
    f, W, xv, gv = _sgd(mode)
    with monkeypatch.context() as m:
        _no_spares(m)
        f0, W0, _, _ = _sgd(mode)
    assert f0._spares is None
    for _ in range(5):
        c, c0 = f(xv, gv), f0(xv, gv)
        assert np.array_equal(c, c0)
        assert np.array_equal(W.get_value(), W0.get_value())


def test_reference_vm_and_whole_graph_tier_get_no_spares_and_stay_right():
    f, W, xv, gv = _sgd("FAST_COMPILE")
    assert f._spares is None
    # small inputs: the whole-graph tier in front of the per-node thunk that has the spare
    g, W2, xv2, gv2 = _sgd(shape=(6, 4), batch=3)
    expected = W2.get_value()
    for _ in range(4):
        g(xv2, gv2)
        expected = expected - LR * (xv2.T @ gv2)
    np.testing.assert_allclose(W2.get_value(), expected, rtol=1e-5, atol=1e-6)


def test_borrowed_value_held_by_the_user_is_never_written():
    f, W, xv, gv = _sgd()
    f(xv, gv)
    f(xv, gv)     # now the function has a spare and the value is one of its own buffers
    held = W.get_value(borrow=True)
    view = held[:10]
    snapshot, view_snapshot = held.copy(), view.copy()
    for _ in range(3):
        f(xv, gv)
    assert np.array_equal(held, snapshot) and np.array_equal(view, view_snapshot)
    assert W.get_value(borrow=True) is not held


def test_view_of_the_value_held_alone_keeps_it_from_reuse():
    f, W, xv, gv = _sgd()
    f(xv, gv)
    f(xv, gv)
    view = W.get_value(borrow=True).T     # only the view is kept: it refers to the array
    snapshot = view.copy()
    for _ in range(3):
        f(xv, gv)
    assert np.array_equal(view, snapshot)


def test_array_given_with_set_value_borrow_is_never_written():
    f, W, xv, gv = _sgd()
    f(xv, gv)
    f(xv, gv)
    mine = np.random.RandomState(3).randn(300, 200).astype("float32")
    keep = mine.copy()
    W.set_value(mine, borrow=True)
    assert W.get_value(borrow=True) is mine
    expected = keep
    for _ in range(4):
        f(xv, gv)
        expected = expected - LR * (xv.T @ gv)
    assert np.array_equal(mine, keep)
    np.testing.assert_allclose(W.get_value(), expected, rtol=1e-5, atol=1e-5)


def test_outputs_returned_earlier_are_never_overwritten():
    # the new value is also an output (borrowed: no copy) and so is the old one
    from theano.compile.io import Out

    f, W, xv, gv = _sgd(extra_outputs=(lambda w, nw: Out(nw, borrow=True),
                                       lambda w, nw: Out(w, borrow=True)))
    kept = []
    for _ in range(5):
        _, new, old = f(xv, gv)
        kept.append((new, new.copy(), old, old.copy()))
    for new, new_copy, old, old_copy in kept:
        assert np.array_equal(new, new_copy) and np.array_equal(old, old_copy)


def test_failed_call_changes_no_shared_variable_and_later_calls_are_right():
    rng = np.random.RandomState(1)
    W = theano.shared(rng.randn(300, 200).astype("float32"), "W")
    V = theano.shared(rng.randn(40, 30).astype("float32"), "V")
    x, g, a, b = T.fmatrix("x"), T.fmatrix("g"), T.fmatrix("a"), T.fmatrix("b")
    f = theano.function([x, g, a, b], (x ** 2).sum(),
                        updates=[(W, W - LR * T.dot(x.T, g)), (V, V - LR * T.dot(a, b))])
    assert f._spares is not None and 0 in f._spares.slots
    xv = rng.randn(50, 300).astype("float32")
    gv = rng.randn(50, 200).astype("float32")
    av = rng.randn(40, 7).astype("float32")
    bv = rng.randn(7, 30).astype("float32")
    bad_b = rng.randn(8, 30).astype("float32")     # the product a @ b fails at run time
    w_ref, v_ref = W.get_value(), V.get_value()
    for step in range(7):
        if step % 2:
            w_before, v_before = W.get_value(borrow=True), V.get_value(borrow=True)
            w_copy, v_copy = w_before.copy(), v_before.copy()
            with pytest.raises(ValueError):
                f(xv, gv, av, bad_b)
            assert W.get_value(borrow=True) is w_before and V.get_value(borrow=True) is v_before
            assert np.array_equal(w_before, w_copy) and np.array_equal(v_before, v_copy)
            continue
        f(xv, gv, av, bv)
        w_ref = w_ref - LR * (xv.T @ gv)
        v_ref = v_ref - LR * (av @ bv)
        np.testing.assert_allclose(W.get_value(), w_ref, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(V.get_value(), v_ref, rtol=1e-5, atol=1e-5)


def test_two_functions_updating_one_shared_variable():
    f, W, xv, gv = _sgd()
    x, g = T.fmatrix("x"), T.fmatrix("g")
    # np.float32(2) * LR, not 2 * LR: under NumPy 1.x a Python int times a float32 scalar is a
    # float64 scalar (NumPy 2 keeps float32), which would make the update float64
    h = theano.function([x, g], [], updates=[(W, W - np.float32(2) * LR * T.dot(x.T, g))])
    expected = W.get_value()
    for k in range(6):
        if k % 3 == 2:
            h(xv, gv)
            expected = expected - 2 * LR * (xv.T @ gv)
        else:
            f(xv, gv)
            expected = expected - LR * (xv.T @ gv)
        np.testing.assert_allclose(W.get_value(), expected, rtol=1e-5, atol=1e-4)


def test_keyword_call_and_copy_have_their_own_spares():
    f, W, xv, gv = _sgd()
    f2 = f.copy()
    expected = W.get_value()
    for k in range(6):
        if k % 2:
            f(x=xv, g=gv)        # the slow path writes updates the same way
        else:
            f2(xv, gv)
        expected = expected - LR * (xv.T @ gv)
        np.testing.assert_allclose(W.get_value(), expected, rtol=1e-5, atol=1e-4)
    assert f2._spares is not None and f2._spares.slots is not f._spares.slots


def test_mlp_training_steps_match_numpy_on_every_call():
    rng = np.random.RandomState(2)
    sizes = (64, 48, 10)
    X = rng.rand(32, sizes[0]).astype("float32")
    Y = np.eye(sizes[-1], dtype="float32")[rng.randint(0, sizes[-1], 32)]
    p0 = [(rng.randn(a, b) * 0.2).astype("float32") for a, b in zip(sizes[:-1], sizes[1:])]
    W1, W2 = [theano.shared(p.copy()) for p in p0]
    x, y = T.fmatrix("x"), T.fmatrix("y")
    h = T.tanh(T.dot(x, W1))
    z = T.dot(h, W2)
    cost = T.sqr(z - y).sum() / np.float32(32)
    g1, g2 = T.grad(cost, [W1, W2])
    f = theano.function([x, y], cost, updates=[(W1, W1 - LR * g1), (W2, W2 - LR * g2)])
    w1, w2 = [p.copy() for p in p0]
    for _ in range(5):
        c = f(X, Y)
        hv = np.tanh(X @ w1)
        zv = hv @ w2
        dz = 2 * (zv - Y) / np.float32(32)
        dw2 = hv.T @ dz
        dw1 = X.T @ ((dz @ w2.T) * (1 - hv ** 2))
        np.testing.assert_allclose(c, ((zv - Y) ** 2).sum() / 32, rtol=1e-4)
        w1, w2 = w1 - LR * dw1, w2 - LR * dw2
        np.testing.assert_allclose(W1.get_value(), w1, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(W2.get_value(), w2, rtol=1e-4, atol=1e-5)


def test_whole_graph_tier_and_per_node_spares_in_one_function():
    """Small inputs run the whole-graph tier (inline in the call), big ones the per-node code with
    its spare; switching between them keeps every value right and the spare in use."""
    rng = np.random.RandomState(3)
    W = theano.shared(rng.randn(40, 30).astype("float32"), "W")
    x, g = T.fmatrix("x"), T.fmatrix("g")
    f = theano.function([x, g], (x ** 2).sum(), updates=[(W, W - LR * T.dot(x.T, g))])
    assert f._spares is not None
    small = (rng.randn(2, 40).astype("float32"), rng.randn(2, 30).astype("float32"))
    big = (rng.randn(400, 40).astype("float32"), rng.randn(400, 30).astype("float32"))
    assert big[0].size > f._thunk.whole_graph_max_size >= small[0].size
    expected = W.get_value()
    for xv, gv in [small, big, big, big, small, big, small]:
        held = W.get_value()                    # a copy: must not change
        c = f(xv, gv)
        expected = expected - LR * (xv.T @ gv)
        np.testing.assert_allclose(c, (xv.astype("float64") ** 2).sum(), rtol=1e-5)
        np.testing.assert_allclose(W.get_value(), expected, rtol=1e-4, atol=1e-4)
        assert not np.shares_memory(held, W.get_value(borrow=True))
    # the per-node calls recycled the replaced weights into the spare
    assert len(f._spares.slots[0]) == 1
