"""theano.function(..., accept_inplace=True) with explicit in-place ops (theano.compile.inplace):
the call may overwrite the arrays given for the inputs those ops destroy, and nothing else."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor import inplace as I

MODES = ["FAST_COMPILE", None]      # the reference VM and the default (native) backend


@pytest.mark.parametrize("mode", MODES)
def test_graph_with_inplace_op_needs_accept_inplace(mode):
    x, y = T.dvectors("x", "y")
    with pytest.raises(TypeError, match="inplace"):
        theano.function([x, y], I.add_inplace(x, y), mode=mode)
    # the ordinary op needs nothing
    f = theano.function([x, y], x + y, mode=mode)
    a = np.arange(3.0)
    f(a, a)
    np.testing.assert_array_equal(a, np.arange(3.0))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_destroyed_argument_holds_the_result(mode, dtype):
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    f = theano.function([x, y], I.mul_inplace(x, y), mode=mode, accept_inplace=True)
    assert f.maker.destroyed_inputs == (0,)
    rng = np.random.default_rng(0)
    for shape in [(2, 3), (4, 1)]:
        b = rng.standard_normal(shape).astype(dtype)
        for _ in range(3):
            a = rng.standard_normal(shape).astype(dtype)
            expected = a * b
            b_before = b.copy()
            r = f(a, b)
            np.testing.assert_allclose(r, expected, rtol=1e-6)
            np.testing.assert_allclose(a, expected, rtol=1e-6)   # written in place
            np.testing.assert_array_equal(b, b_before)           # the other argument is intact


@pytest.mark.parametrize("mode", MODES)
def test_destroyed_through_a_view(mode):
    m = T.dmatrix("m")
    f = theano.function([m], I.neg_inplace(m.T), mode=mode, accept_inplace=True)
    for _ in range(3):
        a = np.arange(6.0).reshape(2, 3)
        r = f(a)
        np.testing.assert_array_equal(r, -np.arange(6.0).reshape(2, 3).T)
        np.testing.assert_array_equal(a, -np.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("mode", MODES)
def test_input_read_elsewhere_is_not_overwritten(mode):
    x, y = T.dvectors("x", "y")
    # x is read by another node, or is itself an output: the in-place node gets a copy of it
    for other, expected_other in ((x * 2, lambda a: 2 * a), (x, lambda a: a)):
        f = theano.function([x, y], [I.add_inplace(x, y), other], mode=mode, accept_inplace=True)
        assert f.maker.destroyed_inputs == ()
        for n in (3, 5, 5):
            a, b = np.linspace(-1, 1, n), np.ones(n)
            r = f(a, b)
            np.testing.assert_array_equal(a, np.linspace(-1, 1, n))
            np.testing.assert_array_equal(r[0], np.linspace(-1, 1, n) + 1)
            np.testing.assert_array_equal(r[1], expected_other(np.linspace(-1, 1, n)))


@pytest.mark.parametrize("mode", MODES)
def test_shared_storage_is_never_overwritten(mode):
    s = theano.shared(np.arange(3.0))
    y = T.dvector("y")
    f = theano.function([y], I.add_inplace(s, y), mode=mode, accept_inplace=True)
    for _ in range(3):
        np.testing.assert_array_equal(f(np.ones(3)), np.arange(3.0) + 1)
    np.testing.assert_array_equal(s.get_value(borrow=True), np.arange(3.0))


@pytest.mark.parametrize("mode", MODES)
def test_arguments_the_caller_did_not_give_up(mode):
    x, y = T.dvectors("x", "y")
    f = theano.function([x, y], I.exp_inplace(I.add_inplace(x, y)), mode=mode,
                        accept_inplace=True)
    # one array for both arguments: y must still read the old values
    a = np.arange(3.0)
    for _ in range(3):
        np.testing.assert_allclose(f(a, a), np.exp(2 * np.arange(3.0)))
    np.testing.assert_array_equal(a, np.arange(3.0))
    # overlapping views of one array: x's is copied; disjoint ones: only x's part is written
    a = np.arange(6.0)
    np.testing.assert_allclose(f(a[:4], a[2:]), np.exp(np.arange(4.0) + np.arange(2.0, 6.0)))
    np.testing.assert_array_equal(a, np.arange(6.0))
    np.testing.assert_allclose(f(a[:3], a[3:]), np.exp(np.arange(3.0) + np.arange(3.0, 6.0)))
    np.testing.assert_allclose(a[:3], np.exp(np.arange(3.0) + np.arange(3.0, 6.0)))
    np.testing.assert_array_equal(a[3:], np.arange(3.0, 6.0))
    # a read-only array
    a = np.arange(3.0)
    a.flags.writeable = False
    np.testing.assert_allclose(f(a, np.ones(3)), np.exp(np.arange(3.0) + 1))
    # the input's default value
    g = theano.function([theano.In(x, value=np.arange(3.0)), y], I.add_inplace(x, y), mode=mode,
                        accept_inplace=True)
    for _ in range(3):
        np.testing.assert_array_equal(g(y=np.ones(3)), np.arange(3.0) + 1)
    # a value shared with a shared variable
    s = theano.shared(np.arange(3.0), borrow=True)
    h = theano.function([x], I.add_inplace(x, s), mode=mode, accept_inplace=True)
    for _ in range(3):
        np.testing.assert_array_equal(h(s.get_value(borrow=True)), 2 * np.arange(3.0))
    np.testing.assert_array_equal(s.get_value(borrow=True), np.arange(3.0))


@pytest.mark.parametrize("mode", MODES)
def test_inplace_op_on_an_intermediate(mode):
    x = T.dvector("x")
    # (an intermediate endangers nothing the caller holds: no accept_inplace needed)
    for accept in (True, False):
        f = theano.function([x], I.sqr_inplace(x * 3), mode=mode, accept_inplace=accept)
        assert f.maker.destroyed_inputs == ()
        a = np.array([1.0, -2.0, 0.5])
        for _ in range(3):
            np.testing.assert_allclose(f(a), (3 * np.array([1.0, -2.0, 0.5])) ** 2)
        np.testing.assert_array_equal(a, [1.0, -2.0, 0.5])
    # a view of an input still needs it
    with pytest.raises(TypeError, match="inplace"):
        theano.function([x], I.sqr_inplace(x[1:]), mode=mode)


def test_copy_and_pickle_keep_accept_inplace():
    import pickle

    x, y = T.dvectors("x", "y")
    f = theano.function([x, y], I.add_inplace(x, y), accept_inplace=True)
    for g in (f.copy(delete_updates=True), pickle.loads(pickle.dumps(f))):
        a = np.arange(3.0)
        out = g(a, np.ones(3))
        if isinstance(out, list):       # the copy: its outputs in a list, as in Theano 1.0
            (out,) = out
        np.testing.assert_array_equal(out, np.arange(3.0) + 1)
        np.testing.assert_array_equal(a, np.arange(3.0) + 1)


@pytest.mark.parametrize("mode", MODES)
def test_mutable_argument_may_be_overwritten_by_the_optimizer(mode):
    x, y = T.dvectors("x", "y")
    f = theano.function([theano.In(x, mutable=True), y], x * 2 + y, mode=mode)
    keep = theano.function([theano.In(x, mutable=False), y], x * 2 + y, mode=mode)
    rng = np.random.default_rng(5)
    for n in (4, 1, 4):
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        expected = a * 2 + b
        a0, b0 = a.copy(), b.copy()
        np.testing.assert_allclose(keep(a, b), expected)
        np.testing.assert_array_equal(a, a0)
        r = f(a, b)
        np.testing.assert_allclose(r, expected)
        np.testing.assert_array_equal(b, b0)            # not given up: never written
        if f.maker.destroyed_inputs:                    # the default mode's in-place phase
            np.testing.assert_allclose(a, expected)     # the result was computed in x's array
        else:
            np.testing.assert_array_equal(a, a0)
        # one array for both arguments: the mutable one is copied first
        c = rng.standard_normal(n)
        c0 = c.copy()
        np.testing.assert_allclose(f(c, c), 3 * c0)
        np.testing.assert_array_equal(c, c0)
    assert f.maker.destroyed_inputs == ((0,) if mode is None else ())


@pytest.mark.parametrize("mode", MODES)
def test_state_and_default_values_are_never_overwritten(mode):
    x, s = T.dvector("x"), T.dvector("s")
    # a state (In with value and update) stays intact whatever mutable says
    f = theano.function([x, theano.In(s, value=np.zeros(3), update=s + x, mutable=True)],
                        s * 2 + x, mode=mode)
    assert f.maker.destroyed_inputs == ()
    total = np.zeros(3)
    for k in range(3):
        step = np.full(3, k + 1.0)
        np.testing.assert_allclose(f(step), total * 2 + step)
        total = total + step
        np.testing.assert_allclose(f.value[s], total)
    # a mutable argument's default value is copied before the call may overwrite it
    g = theano.function([theano.In(x, value=np.arange(3.0), mutable=True)], x * 2, mode=mode)
    for _ in range(3):
        np.testing.assert_allclose(g(), 2 * np.arange(3.0))


def test_mutable_argument_on_the_reference_vm_follows_the_optimizer():
    # The reference VM with Theano's fast_run rewrites runs the in-place phase: the result of
    # x * 2 + y is computed in the mutable argument's array. FAST_COMPILE (the reference VM with
    # Theano 1.0's fast_compile rewrites, which had no in-place phase) leaves it as it was.
    x, y = T.dvectors("x", "y")
    for mode, overwritten in ((theano.Mode(linker="py", optimizer="fast_run"), True),
                              (theano.Mode(linker="vm", optimizer="fast_run"), True),
                              ("FAST_COMPILE", False)):
        f = theano.function([theano.In(x, mutable=True), y], x * 2 + y, mode=mode)
        assert f.maker.destroyed_inputs == ((0,) if overwritten else ())
        for n in (5, 1, 3):
            a, b = np.linspace(-1, 1, n), np.arange(n, dtype="float64")
            a0, expected = a.copy(), a * 2 + b
            np.testing.assert_allclose(f(a, b), expected)
            np.testing.assert_allclose(a, expected if overwritten else a0)
            np.testing.assert_array_equal(b, np.arange(n, dtype="float64"))
