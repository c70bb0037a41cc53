"""A call that fails in one of this round's ops or rewrites (CTC with bad labels, a scan whose
state only keeps its last rows, a dropped neutral term's shape check) raises a clear error and
leaves every shared variable as it was, on the default backend and the reference VM."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nnet.ctc import ctc

MODES = ["FAST_RUN", "FAST_COMPILE"]


def _values(shared):
    return [s.get_value(borrow=False) for s in shared]


def _assert_unchanged(shared, before):
    for s, b in zip(shared, before):
        np.testing.assert_array_equal(s.get_value(), b)


@pytest.mark.parametrize("mode", MODES)
def test_ctc_with_bad_labels(mode):
    rng = np.random.RandomState(0)
    w = theano.shared(rng.randn(3, 4), name="w")
    steps = theano.shared(np.int64(0), name="steps")
    x = T.tensor3("x")
    labels = T.imatrix("labels")
    lengths = T.ivector("lengths")
    cost = ctc(T.dot(x, w), labels, lengths).mean()
    f = theano.function([x, labels, lengths], cost, mode=mode,
                        updates=[(w, w - 0.1 * T.grad(cost, w)), (steps, steps + 1)])
    xv = rng.randn(5, 2, 3)
    good = np.array([[1, 2], [3, -1]], dtype="int32")
    n = np.array([5, 4], dtype="int32")
    f(xv, good, n)
    before = _values([w, steps])
    with pytest.raises(ValueError, match="blank"):
        f(xv, np.array([[0, 2], [3, -1]], dtype="int32"), n)
    with pytest.raises(ValueError, match="input_lengths"):
        f(xv, good, np.array([9, 4], dtype="int32"))
    _assert_unchanged([w, steps], before)
    f(xv, good, n)
    assert steps.get_value() == 2


@pytest.mark.parametrize("mode", MODES)
def test_kept_scan_state_with_a_step_of_the_wrong_shape(mode):
    acc = theano.shared(np.zeros(3), name="acc")
    h0 = T.dvector("h0")
    k = T.iscalar("k")
    # a step that changes the state's length when k says so: scan must refuse it
    out, _ = theano.scan(lambda h: T.tanh(h[:k]) + 1.0, outputs_info=h0, n_steps=4)
    last = out[-1]
    f = theano.function([h0, k], last, mode=mode, updates=[(acc, acc + last.sum())])
    if mode == "FAST_RUN":      # the state keeps its last two rows only (scan_save_mem)
        from theano.scan.op import Scan

        (node,) = [n for n in f.maker.fgraph.apply_nodes if isinstance(n.op, Scan)]
        assert [b.keep for b in node.op.buffers if b.writes] == [2]
    np.testing.assert_allclose(f(np.zeros(3), 3), np.full(3, np.tanh(np.tanh(np.tanh(1.0) + 1)
                                                                      + 1) + 1), rtol=1e-12)
    before = _values([acc])
    with pytest.raises(ValueError, match="shape"):
        f(np.zeros(3), 2)
    _assert_unchanged([acc], before)


@pytest.mark.parametrize("mode", MODES)
def test_dropped_neutral_term_with_mismatched_shapes(mode):
    w = theano.shared(np.ones((2, 3)), name="w")
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    out = x + T.zeros_like(y)
    f = theano.function([x, y], out, mode=mode, updates=[(w, w + out)])
    f(np.ones((2, 3)), np.ones((2, 3)))
    before = _values([w])
    with pytest.raises((AssertionError, ValueError)):
        f(np.ones((2, 3)), np.ones((4, 5)))
    _assert_unchanged([w], before)
