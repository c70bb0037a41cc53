"""theano.tensor.nnet.ctc: the CTC loss against a brute-force sum over every alignment, its
gradient against finite differences, padding and lengths, errors, and the rewrite that drops the
backward pass when only the costs are read."""

import itertools

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nnet.ctc import ConnectionistTemporalClassification, ctc, ctc_available

MODES = ["FAST_RUN", "FAST_COMPILE"]


def _brute_force(acts, label, n_frames):
    """-log of the summed probability of every path of n_frames classes that collapses (merge
    repeats, drop blanks 0) to ``label``."""
    a = acts[:n_frames].astype(np.float64)
    m = a.max(axis=1, keepdims=True)
    logy = a - m - np.log(np.exp(a - m).sum(axis=1, keepdims=True))
    logps = []
    for path in itertools.product(range(a.shape[1]), repeat=n_frames):
        merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
        if [k for k in merged if k != 0] == list(label):
            logps.append(sum(logy[t, k] for t, k in enumerate(path)))
    if not logps:
        return np.inf
    top = max(logps)
    return -(top + np.log(sum(np.exp(lp - top) for lp in logps)))


def _case(dtype, scale=1.0):
    rng = np.random.RandomState(7)
    acts = (rng.randn(5, 4, 4) * scale).astype(dtype)
    labels = np.array([[1, 2, -1], [3, 3, -1], [2, -1, -1], [1, 3, 2]], dtype="int32")
    lengths = np.array([5, 4, 2, 5], dtype="int32")
    return acts, labels, lengths


def _symbols(dtype):
    return T.tensor3("acts", dtype=dtype), T.imatrix("labels"), T.ivector("lengths")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_costs_equal_the_sum_over_alignments(dtype, mode):
    acts, labels, lengths = _case(dtype)
    a, l, n = _symbols(dtype)
    f = theano.function([a, l, n], ctc(a, l, n), mode=mode)
    ref = [_brute_force(acts[:, b], [k for k in labels[b] if k >= 0], lengths[b])
           for b in range(4)]
    tol = 1e-5 if dtype == "float32" else 1e-12
    for _ in range(3):
        got = f(acts, labels, lengths)
        assert got.dtype == dtype and got.shape == (4,)
        np.testing.assert_allclose(got, ref, rtol=tol)


@pytest.mark.parametrize("mode", MODES)
def test_gradient_against_finite_differences(mode):
    acts, labels, lengths = _case("float64")
    theano.gradient.verify_grad(lambda a: ctc(a, theano.shared(labels), theano.shared(lengths)),
                                [acts], rng=np.random.RandomState(0), mode=mode)
    a, l, n = _symbols("float64")
    g = T.grad(ctc(a, l, n).sum(), a)
    got = theano.function([a, l, n], g, mode=mode)(acts, labels, lengths)
    # frames beyond a sequence's length do not matter
    assert not got[4:, 1].any() and not got[2:, 2].any()
    # the gradient of each frame sums to zero over the classes (softmax - occupancy)
    np.testing.assert_allclose(got.sum(axis=2), 0, atol=1e-12)


def test_saturating_activations_stay_finite():
    acts, labels, lengths = _case("float64", scale=1000.0)
    a, l, n = _symbols("float64")
    cost = ctc(a, l, n)
    f = theano.function([a, l, n], [cost, T.grad(cost.sum(), a)])
    c, g = f(acts, labels, lengths)
    assert np.all(np.isfinite(g))
    ref = [_brute_force(acts[:, b], [k for k in labels[b] if k >= 0], lengths[b])
           for b in range(4)]
    np.testing.assert_allclose(c, ref, rtol=1e-9, atol=1e-12)


def test_a_label_longer_than_its_frames_costs_inf_with_zero_gradient():
    acts = np.random.RandomState(1).randn(3, 2, 3)
    labels = np.array([[1, 1, -1], [1, 2, -1]], dtype="int32")   # 1,1 needs 3 frames
    a, l, n = _symbols("float64")
    cost = ctc(a, l, n)
    c, g = theano.function([a, l, n], [cost, T.grad(cost.sum(), a)])(
        acts, labels, np.array([2, 2], dtype="int32"))
    assert np.isinf(c[0]) and np.isfinite(c[1])
    assert not g[:, 0].any()


def test_bad_labels_and_lengths_are_refused():
    acts, labels, lengths = _case("float64")
    a, l, n = _symbols("float64")
    f = theano.function([a, l, n], ctc(a, l, n))
    with pytest.raises(ValueError, match="blank"):
        f(acts, np.array([[0, 1, -1]] * 4, dtype="int32"), lengths)
    with pytest.raises(ValueError, match="padding"):
        f(acts, np.array([[1, -1, 2]] * 4, dtype="int32"), lengths)
    with pytest.raises(ValueError, match="input_lengths"):
        f(acts, labels, np.array([6, 1, 1, 1], dtype="int32"))
    with pytest.raises(TypeError, match="activations"):
        ctc(T.matrix(), l, n)


def test_no_backward_pass_when_only_the_costs_are_read():
    acts, labels, lengths = _case("float64")
    a, l, n = _symbols("float64")
    f = theano.function([a, l, n], ctc(a, l, n))
    (node,) = [nd for nd in f.maker.fgraph.apply_nodes
               if isinstance(nd.op, ConnectionistTemporalClassification)]
    assert node.op.compute_grad is False and len(node.outputs) == 1
    g = theano.function([a, l, n], T.grad(ctc(a, l, n).mean(), a))
    ops = [nd.op for nd in g.maker.fgraph.apply_nodes
           if isinstance(nd.op, ConnectionistTemporalClassification)]
    assert [op.compute_grad for op in ops] == [True]
    assert ctc_available()


def test_infer_shape():
    acts, labels, lengths = _case("float32")
    a, l, n = _symbols("float32")
    outs = ConnectionistTemporalClassification()(a, l, n)
    f = theano.function([a, l, n], [o.shape for o in outs])
    assert [tuple(s) for s in f(acts, labels, lengths)] == [(4,), acts.shape]


def test_jax_linker_runs_it_on_the_host():
    pytest.importorskip("jax")
    acts, labels, lengths = _case("float64")
    a, l, n = _symbols("float64")
    cost = ctc(a, l, n)
    outs = [cost, T.grad(cost.sum(), a)]
    f = theano.function([a, l, n], outs, mode=theano.Mode(linker="jax"))
    g = theano.function([a, l, n], outs)
    for _ in range(2):
        for x, y in zip(f(acts, labels, lengths), g(acts, labels, lengths)):
            np.testing.assert_allclose(x, y, rtol=1e-12)
