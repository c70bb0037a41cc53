"""The per-call path of JAX functions (theano/link/jax/linker.py): outputs are new writable NumPy
arrays that share no memory with the device buffers, with one another or with the inputs, even
where the same value is returned twice, an input is returned unchanged or a shared variable's
old value is returned while its buffer is donated to the update; the 64-bit scope is entered only
for the call (skipped without JAX)."""

import threading

import numpy as np
import pytest

import theano
import theano.tensor as T

jax = pytest.importorskip("jax")


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def test_outputs_are_independent_writable_arrays_across_calls_with_donation():
    w = theano.shared(np.arange(4.0), name="w")
    x = T.dvector("x")
    y = x * 2
    # the old value of w (whose buffer the update takes), x unchanged, the same value twice
    f = theano.function([x], [w, x, y, y, w + x], updates=[(w, w + 1)], mode=jax_mode())
    xv = np.array([1.0, -1.0, 0.5, 2.0])
    results = []
    for k in range(3):
        out = f(xv)
        for o in out:
            assert type(o) is np.ndarray and o.flags.writeable and o.flags.owndata
        assert not np.shares_memory(out[2], out[3])
        assert not np.shares_memory(out[1], xv)
        out[2][0] = 1e9                       # writing into one output changes no other
        np.testing.assert_array_equal(out[3], xv * 2)
        results.append([o.copy() for o in out])
        results[-1][2][0] = xv[0] * 2
        np.testing.assert_array_equal(out[0], np.arange(4.0) + k)
        np.testing.assert_array_equal(out[4], np.arange(4.0) + k + xv)
    # earlier results are unchanged by later calls (their buffers were not reused)
    for k, out in enumerate(results):
        np.testing.assert_array_equal(out[0], np.arange(4.0) + k)
        np.testing.assert_array_equal(out[1], xv)
    np.testing.assert_array_equal(w.get_value(), np.arange(4.0) + 3)
    np.testing.assert_array_equal(xv, [1.0, -1.0, 0.5, 2.0])


@pytest.mark.parametrize("mode", ["jax", "py", None])
def test_float32_and_float64_functions_called_many_times_match(mode):
    m = jax_mode() if mode == "jax" else theano.Mode(linker="py") if mode == "py" else None
    a = T.dvector("a")
    b = T.fvector("b")
    f64 = theano.function([a], T.exp(-a ** 2) * 1e-200, mode=m)
    f32 = theano.function([b], T.tanh(b) + 1, mode=m)
    av = np.linspace(-1, 1, 5)
    bv = np.linspace(-2, 2, 5).astype("float32")
    for _ in range(3):
        r64, r32 = f64(av), f32(bv)
        assert r64.dtype == np.float64 and r32.dtype == np.float32
        np.testing.assert_allclose(r64, np.exp(-av ** 2) * 1e-200, rtol=1e-14)
        np.testing.assert_allclose(r32, np.tanh(bv) + 1, rtol=1e-6)


def test_x64_stays_off_for_the_users_own_jax_code_and_other_threads():
    before = jax.config.jax_enable_x64
    if before:
        pytest.skip("this process switched JAX's x64 mode on itself")
    a = T.dvector("a")
    f = theano.function([a], a * 1e-300, mode=jax_mode())
    seen = {}

    def other():
        seen["dtype"] = jax.numpy.ones(2).dtype

    for _ in range(2):
        np.testing.assert_allclose(f(np.ones(2)), 1e-300)
        # the user's JAX code, in this thread and another, still gets JAX's 32-bit default
        assert jax.numpy.ones(2).dtype == np.float32
        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen["dtype"] == np.float32
    assert jax.config.jax_enable_x64 is before
