"""An output of scan that is ``dot(a, W)`` (``W`` a non-sequence) is computed after the loop as
one matrix product over the rows ``a`` of every step (Theano 1.0's test_pushout_dot: the RNN's
output projection). The loop then holds no product for it; values against NumPy on the default
and the reference VM, three calls each, with zero steps, a stop condition, batched rows, and a
product the loop also uses (which stays in the loop)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.math import Dot

from tests.scan.util import mode_of as _mode, scan_node

MODES = [None, "py"]


def inner_dots(node):
    return [n for n in node.op.fn.maker.fgraph.apply_nodes if isinstance(n.op, Dot)]


def rnn_np(xv, h0, Wh, Wo):
    h, hs, ys = h0, [], []
    for x in xv:
        h = np.tanh(x + h @ Wh)
        hs.append(h)
        ys.append(h @ Wo)
    m = Wo.shape[1]
    return (np.array(hs).reshape(len(xv), *h0.shape),
            np.array(ys).reshape((len(xv),) + h0.shape[:-1] + (m,)) if ys else np.zeros((0, m)))


@pytest.mark.parametrize("mode", MODES)
def test_rnn_output_projection_is_one_product_after_the_loop(mode):
    x, h0, Wh, Wo = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("Wh"), T.dmatrix("Wo")
    (h, y), _ = theano.scan(lambda xt, hp, Wh, Wo: [T.tanh(xt + T.dot(hp, Wh)),
                                                     T.dot(T.tanh(xt + T.dot(hp, Wh)), Wo)],
                            sequences=x, outputs_info=[h0, None], non_sequences=[Wh, Wo])
    f = theano.function([x, h0, Wh, Wo], [h, y], mode=_mode(mode))
    node = scan_node(f)
    # only the recurrent product is left in the loop: Wo is not passed to it
    assert [v.name for v in node.op.outer_non_seqs(node)] == ["Wh"]
    rng = np.random.default_rng(0)
    Whv, Wov = rng.normal(size=(3, 3)) / 2, rng.normal(size=(3, 2))
    for n in (5, 1, 0):
        xv, hv = rng.normal(size=(n, 3)), rng.normal(size=3)
        want_h, want_y = rnn_np(xv, hv, Whv, Wov)
        for _ in range(3):
            got_h, got_y = f(xv, hv, Whv, Wov)
            np.testing.assert_allclose(got_h, want_h, rtol=1e-12)
            assert got_y.shape == (n, 2)
            np.testing.assert_allclose(got_y, want_y, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_the_suite_case_sequence_plus_previous_row(mode):
    W, hm = T.dmatrix("W"), T.dmatrix("h")
    o, _ = theano.scan(lambda hi, him1, W: (hi, T.dot(hi + him1, W)),
                       outputs_info=[T.zeros([hm.shape[1]]), None], sequences=[hm],
                       non_sequences=[W])
    f = theano.function([W, hm], o, mode=_mode(mode))
    node = scan_node(f)
    assert not inner_dots(node) and not node.op.outer_non_seqs(node)
    rng = np.random.default_rng(1)
    for n in (4, 2, 1):
        Wv, hv = rng.normal(size=(3, 2)), rng.normal(size=(n, 3))
        prev = np.vstack([np.zeros((1, 3)), hv[:-1]])
        for _ in range(3):
            a, b = f(Wv, hv)
            np.testing.assert_allclose(a, hv, rtol=0)
            np.testing.assert_allclose(b, (hv + prev) @ Wv, rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_batched_rows_and_stop_condition(mode):
    x, Wo = T.dtensor3("x"), T.dmatrix("Wo")

    def step(xt, acc, Wo):
        new = acc + T.sin(xt)
        return [new, T.dot(new, Wo)], theano.scan_module.until(T.sum(new) > 4)

    (acc, y), _ = theano.scan(step, sequences=x, outputs_info=[T.zeros_like(x[0]), None],
                              non_sequences=Wo)
    f = theano.function([x, Wo], [acc, y], mode=_mode(mode))
    node = scan_node(f)
    assert not inner_dots(node) and not node.op.outer_non_seqs(node)
    rng = np.random.default_rng(2)
    Wov = rng.normal(size=(3, 4))
    for n in (6, 3, 1):
        xv = np.abs(rng.normal(size=(n, 2, 3)))
        a, accs = np.zeros((2, 3)), []
        for xt in xv:
            a = a + np.sin(xt)
            accs.append(a)
            if a.sum() > 4:
                break
        accs = np.array(accs)
        for _ in range(3):
            got_acc, got_y = f(xv, Wov)
            np.testing.assert_allclose(got_acc, accs, rtol=1e-13)
            np.testing.assert_allclose(got_y, accs @ Wov, rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_product_used_in_the_loop_stays(mode):
    x, W = T.dmatrix("x"), T.dmatrix("W")

    def step(xt, sp, W):
        d = T.dot(T.tanh(xt + sp), W)
        return [sp + T.exp(d).sum() * 0.1, d]

    (s, y), _ = theano.scan(step, sequences=x,
                            outputs_info=[T.constant(0.0, dtype="float64"), None],
                            non_sequences=W)
    f = theano.function([x, W], [s, y], mode=_mode(mode))
    node = scan_node(f)
    assert [v.name for v in node.op.outer_non_seqs(node)] == ["W"]
    rng = np.random.default_rng(3)
    Wv = rng.normal(size=(3, 2))
    for n in (4, 1, 2):
        xv = rng.normal(size=(n, 3))
        sp, ss, ys = 0.0, [], []
        for xt in xv:
            d = np.tanh(xt + sp) @ Wv
            sp = sp + np.exp(d).sum() * 0.1
            ss.append(sp)
            ys.append(d)
        for _ in range(3):
            a, b = f(xv, Wv)
            np.testing.assert_allclose(a, ss, rtol=1e-12)
            np.testing.assert_allclose(b, ys, rtol=1e-12)


def test_gradient_through_the_moved_product():
    rng = np.random.default_rng(4)

    def cost(x, Wo):
        (h, y), _ = theano.scan(lambda xt, hp, Wo: [T.tanh(xt + hp), T.dot(T.tanh(xt + hp), Wo)],
                                sequences=x, outputs_info=[T.zeros_like(x[0]), None],
                                non_sequences=Wo)
        return (y ** 2).sum()

    theano.gradient.verify_grad(cost, [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))],
                                rng=np.random.RandomState(0))
