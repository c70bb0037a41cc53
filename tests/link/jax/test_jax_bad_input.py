"""Bad input to a JAX function gets the errors of the other backends: the same exception class, a
message naming the input (type and dimension errors) or the node and the user's line (shape
errors); a failed call leaves the shared variables unchanged and usable (their device buffers are
donated only by calls that run), and the function stays jitted (skipped without JAX)."""

import numpy as np
import pytest

import theano
import theano.tensor as T

jax = pytest.importorskip("jax")

HERE = __file__.rstrip("c")


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def _build(mode):
    """A training-like step; returns (function, shared w, the line that built the product)."""
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = theano.shared(np.ones(3), name="w")
    line = _line_of("z = T.dot(x, w) + y")
    z = T.dot(x, w) + y
    f = theano.function([x, y], [z, (z ** 2).sum()], updates=[(w, w - 0.1 * T.grad(
        (z ** 2).sum(), w))], mode=mode)
    return f, w, line


def _line_of(text):
    with open(HERE) as fh:
        for k, line in enumerate(fh, 1):
            if line.strip() == text:
                return k
    raise AssertionError(text)


BAD = {
    "ndim": ((np.ones(3), np.ones(2)), TypeError, ['name "x"', "Wrong number of dimensions"]),
    "string": (("abc", np.ones(2)), TypeError, ['name "x"', "cannot hold"]),
    "downcast": ((np.ones((2, 3), dtype=complex), np.ones(2)), TypeError, ['name "x"']),
    "contracted shape": ((np.ones((2, 4)), np.ones(2)), ValueError,
                         ["Apply node that caused the error", "created at"]),
    "broadcast shape": ((np.ones((2, 3)), np.ones(3)), ValueError,
                        ["Apply node that caused the error", "created at"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_errors_match_the_default_backend_and_leave_state_unchanged(case):
    args, exc_type, words = BAD[case]
    fj, wj, line = _build(jax_mode())
    fn, wn, _ = _build(None)
    good = (np.arange(6.0).reshape(2, 3) / 6, np.array([0.5, -0.5]))
    for f in (fj, fn):
        f(*good)
    before = wj.get_value()
    np.testing.assert_allclose(before, wn.get_value(), rtol=1e-12)
    old_buffer = wj.container.storage.device
    errors = {}
    for name, f in (("jax", fj), ("native", fn)):
        with pytest.raises(Exception) as info:
            f(*args)
        errors[name] = info.value
    assert type(errors["jax"]) is type(errors["native"]) is exc_type, errors
    for name, err in errors.items():
        msg = str(err)
        for word in words:
            assert word in msg, (name, msg)
        if exc_type is ValueError:
            # the user's line that built the failing node
            assert f"{HERE}\", line {line}" in msg, (name, msg)
    # the failed call changed nothing, and its device buffer was not donated
    np.testing.assert_array_equal(wj.get_value(), before)
    assert not old_buffer.is_deleted()
    assert fj.maker.thunk.is_jitted()
    # the next good calls run jitted, update as the default backend does, and donate again
    for _ in range(2):
        got, want = fj(*good), fn(*good)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12)
        np.testing.assert_allclose(wj.get_value(), wn.get_value(), rtol=1e-12)
    assert old_buffer.is_deleted() and fj.maker.thunk.is_jitted()


def test_a_graph_needing_run_time_values_still_switches_to_op_by_op():
    # a reshape to a computed shape cannot be traced: the first call runs op by op and the
    # function stays so, with the reference VM's values
    x = T.dvector("x")
    n = T.lscalar("n")
    out = x.reshape((n, x.shape[0] // n)).sum(axis=1)
    f = theano.function([x, n], out, mode=jax_mode())
    g = theano.function([x, n], out, mode=theano.Mode(linker="py"))
    for k in (2, 3, 2):
        np.testing.assert_allclose(f(np.arange(6.0), k), g(np.arange(6.0), k))
    assert not f.maker.thunk.is_jitted()
    with pytest.raises(ValueError):
        f(np.arange(6.0), 4)
    with pytest.raises(ValueError):
        g(np.arange(6.0), 4)


def _first_lines(fns, args):
    lines = []
    for f in fns:
        with pytest.raises(ValueError) as info:
            f(*args)
        msg = str(info.value)
        assert "Apply node that caused the error" in msg and f"{HERE}\", line" in msg, msg
        lines.append(msg.splitlines()[0])
    return lines


def test_elemwise_and_scan_errors_read_as_on_the_default_backend():
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    n = T.lscalar("n")
    # (n_steps given at run time sizes the output: this graph runs op by op, the loop a lax.scan)
    hs, _ = theano.scan(lambda xt, h: T.tanh(xt + h), sequences=x, outputs_info=h0, n_steps=n)
    out = hs.sum(axis=0) * h0
    fns = [theano.function([x, h0, n], out, mode=m) for m in (jax_mode(), None)]
    good = (np.ones((3, 2)), np.ones(2), 3)
    ref = fns[1](*good)
    for bad in ((np.ones((3, 2)), np.ones(2), 5),      # a sequence shorter than the steps
                (np.ones((3, 2)), np.ones(2), -1),     # negative steps
                (np.ones((3, 2)), np.ones(3), 3)):     # lengths 2 and 3 in one elementwise op
        got, want = _first_lines(fns, bad)
        assert got == want
        np.testing.assert_allclose(fns[0](*good), ref, rtol=1e-12)
