"""Gradient loops that do less: an output that is not fed back and that the cost does not use
gives the gradient loop nothing to read (the forward loop need not keep its values), and a
gradient loop whose body only copies a row of a sequence (after the exact elementwise work moved
out of it) is replaced by that sequence written into the gradient's rows, so no loop runs.
Values against NumPy on the default and the reference VM, three calls each."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan

from tests.scan.util import mode_of as _mode

MODES = [None, "py"]


def scans(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


@pytest.mark.parametrize("mode", MODES)
def test_output_without_gradient_is_not_read_by_the_gradient_loop(mode):
    x, h0, W = T.dvector("x"), T.dscalar("h0"), T.dscalar("W")
    (h, e), _ = theano.scan(lambda m, hp, W: [hp * W + m, T.exp(m) * hp], sequences=x,
                            outputs_info=[h0, None], non_sequences=W)
    cost = h.sum()
    gx, gh0, gW = T.grad(cost, [x, h0, W])
    f = theano.function([x, h0, W], [gx, gh0, gW], mode=_mode(mode))
    (fwd,) = [n for n in scans(f) if not (n.op.name or "").startswith("grad_of")]
    # the forward loop does not keep the values of exp(m) * hp: nobody needs them
    assert len(fwd.op.out_buffers) == 1, fwd.op.buffers
    rng = np.random.default_rng(0)
    for n in (5, 1, 3):
        xv, hv, Wv = rng.normal(size=n), 0.3, 0.7
        hs, hp = [], hv
        for m in xv:
            hp = hp * Wv + m
            hs.append(hp)
        # d cost / d h_t (back through h_{t+1} = h_t W + x_{t+1})
        gh = np.zeros(n)
        acc = 0.0
        for t in reversed(range(n)):
            acc = 1.0 + acc * Wv
            gh[t] = acc
        prev = np.concatenate([[hv], hs[:-1]])
        got = f(xv, hv, Wv)
        np.testing.assert_allclose(got[0], gh, rtol=1e-12)
        np.testing.assert_allclose(got[1], gh[0] * Wv, rtol=1e-12)
        np.testing.assert_allclose(got[2], np.sum(gh * prev), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backwards", [False, True])
def test_gradient_loop_copying_a_sequence_runs_outside(mode, backwards):
    x, c = T.dvector("x"), T.dscalar("c")
    y, _ = theano.scan(lambda m: T.tanh(m), sequences=x, go_backwards=backwards)
    gx = T.grad((y * c).sum(), x)
    f = theano.function([x, c], [y, gx], mode=_mode(mode))
    # the forward loop stays (tanh is not moved out of loops); its gradient does not
    assert len(scans(f)) == 1
    assert not (scans(f)[0].op.name or "").startswith("grad_of")
    rng = np.random.default_rng(1)
    for n in (4, 1, 6):
        xv, cv = rng.normal(size=n), rng.normal()
        yv = np.tanh(xv[::-1] if backwards else xv)
        gy = cv * (1 - yv ** 2)
        got_y, got_g = f(xv, cv)
        np.testing.assert_allclose(got_y, yv, rtol=1e-14)
        np.testing.assert_allclose(got_g, gy[::-1] if backwards else gy, rtol=1e-14)


@pytest.mark.parametrize("mode", MODES)
def test_gradient_of_a_sequence_read_ahead(mode):
    # x[t + 1] is read: the gradient of x[0] is zero, the others come from the rows written
    x = T.dvector("x")
    y, _ = theano.scan(lambda a: T.tanh(a), sequences=dict(input=x, taps=[1]))
    gx = T.grad(y.sum() * 3, x)
    f = theano.function([x], gx, mode=_mode(mode))
    assert not any((n.op.name or "").startswith("grad_of") for n in scans(f))
    rng = np.random.default_rng(2)
    for n in (5, 2, 3):
        xv = rng.normal(size=n)
        want = np.concatenate([[0.0], 3 * (1 - np.tanh(xv[1:]) ** 2)])
        np.testing.assert_allclose(f(xv), want, rtol=1e-14)
        np.testing.assert_allclose(f(xv), want, rtol=1e-14)
