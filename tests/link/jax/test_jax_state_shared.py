"""Shared variables kept on the device by JAX functions (theano/link/jax/state.py): updates stay
device arrays (their old buffers donated), get_value() gives NumPy arrays, set_value() copies to
the device, and the values stay consistent across several JAX functions and with Numba and
reference-VM functions using the same variable (skipped when JAX is not installed)."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T

jax = pytest.importorskip("jax")


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def _cell(shared):
    return shared.container.storage


def test_updates_stay_on_the_device_with_donation_and_get_value_is_numpy():
    w = theano.shared(np.arange(3.0), name="w")
    x = T.dvector("x")
    f = theano.function([x], (w * x).sum(), updates=[(w, w + x)], mode=jax_mode())
    expected = np.arange(3.0)
    for k in range(4):
        before = _cell(w).device
        out = f(np.ones(3))
        np.testing.assert_allclose(out, expected.sum())
        expected = expected + 1
        dev = _cell(w).device
        assert isinstance(dev, jax.Array) and dev.dtype == np.float64
        if k > 0:
            assert before.is_deleted(), "the old value's buffer should be donated"
        # the JAX function read the device array: no copy to the host was made
        assert list.__getitem__(_cell(w), 0) is None
    value = w.get_value()
    assert type(value) is np.ndarray and value.dtype == np.float64
    np.testing.assert_array_equal(value, expected)
    value[0] = 100.0                                  # a copy: the variable is unchanged
    np.testing.assert_array_equal(w.get_value(), expected)
    assert isinstance(w.get_value(borrow=True, return_internal_type=True), jax.Array)
    borrowed = w.get_value(borrow=True)
    assert type(borrowed) is np.ndarray
    np.testing.assert_array_equal(borrowed, expected)


def test_set_value_copies_to_the_device_and_is_used_next_call():
    w = theano.shared(np.ones((2, 2), dtype="float32"), name="w")
    f = theano.function([], w.sum(), updates=[(w, w * 2)], mode=jax_mode())
    assert f() == 4.0
    w.set_value(np.full((2, 2), 3.0, dtype="float32"))
    dev = _cell(w).device
    assert isinstance(dev, jax.Array) and dev.dtype == np.float32     # already on the device
    np.testing.assert_array_equal(np.asarray(dev), np.full((2, 2), 3.0))
    assert f() == 12.0
    assert f() == 24.0
    np.testing.assert_array_equal(w.get_value(), np.full((2, 2), 12.0, dtype="float32"))
    # a read-only variable (a data set) is uploaded once and then read from the device
    data = theano.shared(np.arange(6.0).reshape(3, 2), name="data")
    i = T.lscalar("i")
    g = theano.function([i], data[i].sum(), mode=jax_mode())
    assert g(1) == 5.0
    dev = _cell(data).device
    assert isinstance(dev, jax.Array)
    assert g(2) == 9.0 and _cell(data).device is dev


def test_failed_call_leaves_shared_values_unchanged():
    w = theano.shared(np.arange(4.0), name="w")
    idx = T.lscalar("idx")
    v = T.dvector("v")
    f = theano.function([idx, v], w[idx], updates=[(w, T.set_subtensor(w[idx], 0.0) + v)],
                        mode=jax_mode())
    assert f(1, np.ones(4)) == 1.0
    after_one = np.array([1.0, 1.0, 3.0, 4.0])
    np.testing.assert_array_equal(w.get_value(), after_one)
    with pytest.raises(IndexError):
        f(7, np.ones(4))                             # a run-time check, after the jitted call
    np.testing.assert_array_equal(w.get_value(), after_one)
    with pytest.raises(Exception):
        f(0, np.ones(3))                             # bad shape: fails when tracing
    np.testing.assert_array_equal(w.get_value(), after_one)
    assert f(2, np.zeros(4)) == 3.0
    np.testing.assert_array_equal(w.get_value(), [1.0, 1.0, 0.0, 4.0])


def test_several_jax_functions_share_one_variable():
    w = theano.shared(np.zeros(2), name="w")
    inc = theano.function([], [], updates=[(w, w + 1)], mode=jax_mode())
    dbl = theano.function([], [], updates=[(w, w * 2)], mode=jax_mode())
    read = theano.function([], w * 10, mode=jax_mode())
    ref = np.zeros(2)
    for fn, op in [(inc, lambda a: a + 1), (dbl, lambda a: a * 2), (inc, lambda a: a + 1),
                   (dbl, lambda a: a * 2), (inc, lambda a: a + 1)]:
        fn()
        ref = op(ref)
        np.testing.assert_array_equal(read(), ref * 10)
    np.testing.assert_array_equal(w.get_value(), ref)
    # two variables updated to the same value, and an output that is the old value
    a = theano.shared(np.ones(2), name="a")
    b = theano.shared(np.ones(2), name="b")
    both = theano.function([], a + 0, updates=[(a, a + b), (b, a + b)], mode=jax_mode())
    np.testing.assert_array_equal(both(), [1, 1])
    np.testing.assert_array_equal(both(), [2, 2])
    np.testing.assert_array_equal(both(), [4, 4])
    np.testing.assert_array_equal(a.get_value(), [8, 8])
    np.testing.assert_array_equal(b.get_value(), [8, 8])


@pytest.mark.parametrize("other_mode", [None, "FAST_COMPILE"])
def test_jax_and_numba_or_reference_functions_alternate_consistently(other_mode):
    w = theano.shared(np.arange(4.0), name="w")
    x = T.dvector("x")
    fj = theano.function([x], w.sum(), updates=[(w, w * 2 + x)], mode=jax_mode())
    # an in-place update on the other backend: it must get a writable NumPy array
    fo = theano.function([x], w.sum(), updates=[(w, T.inc_subtensor(w[1:], x[1:]))],
                         mode=other_mode)
    ref = np.arange(4.0)
    xv = np.array([1.0, -1.0, 0.5, 2.0])
    for fn in (fj, fo, fj, fj, fo, fo, fj):
        got = fn(xv)
        np.testing.assert_allclose(got, ref.sum())
        if fn is fj:
            ref = ref * 2 + xv
        else:
            ref = ref.copy()
            ref[1:] += xv[1:]
        np.testing.assert_allclose(w.get_value(), ref)


def test_mlp_training_with_device_state_matches_reference():
    rng = np.random.RandomState(0)
    xs, ys = rng.randn(16, 5), rng.randint(0, 3, 16)

    def build(mode):
        r = np.random.RandomState(1)
        W = theano.shared(0.1 * r.randn(5, 8), name="W")
        b = theano.shared(np.zeros(8), name="b")
        V = theano.shared(0.1 * r.randn(8, 3), name="V")
        x, y = T.dmatrix("x"), T.lvector("y")
        p = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W) + b), V))
        cost = -T.log(p[T.arange(y.shape[0]), y]).mean()
        params = [W, b, V]
        upd = [(q, q - 0.5 * g) for q, g in zip(params, T.grad(cost, params))]
        return theano.function([x, y], cost, updates=upd, mode=mode), params

    fj, pj = build(jax_mode())
    fp, pp = build(theano.Mode(linker="py", optimizer="fast_run"))
    for _ in range(5):
        np.testing.assert_allclose(fj(xs, ys), fp(xs, ys), rtol=1e-10)
    for a, b in zip(pj, pp):
        assert isinstance(_cell(a).device, jax.Array)
        np.testing.assert_allclose(a.get_value(), b.get_value(), rtol=1e-10)


def test_pickle_and_copy_of_a_device_resident_variable():
    import copy

    w = theano.shared(np.arange(3.0), name="w")
    f = theano.function([], [], updates=[(w, w + 1)], mode=jax_mode())
    f()
    f()
    w2 = pickle.loads(pickle.dumps(w))
    np.testing.assert_array_equal(w2.get_value(), [2.0, 3.0, 4.0])
    assert type(w2.container.storage) is list
    w3 = copy.deepcopy(w)
    np.testing.assert_array_equal(w3.get_value(), [2.0, 3.0, 4.0])
    f()
    np.testing.assert_array_equal(w2.get_value(), [2.0, 3.0, 4.0])   # independent copies
    np.testing.assert_array_equal(w.get_value(), [3.0, 4.0, 5.0])
