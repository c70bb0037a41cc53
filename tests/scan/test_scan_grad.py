"""Gradients through scan (BPTT): verify_grad against finite differences, comparison with the
unrolled graph, truncate_gradient, nested scans, grad of grad, and the row helper ops."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.scan.rows import RowIndex, RowReverse, RowScatter, RowSlice
from tests.helpers import check_infer_shape, rand

PY = theano.Mode(linker="py", optimizer="None")


def rnn(x, h0, W, **kw):
    hs, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x, outputs_info=h0,
                        non_sequences=W, **kw)
    return hs


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rnn_grad_wrt_sequence_initial_state_and_weights(dtype):
    pt = [rand(5, 3, dtype=dtype), rand(3, dtype=dtype, seed=2), (0.6 * rand(3, 3, seed=3)).astype(dtype)]
    verify_grad(rnn, pt, rng=np.random.RandomState(1))


def test_grad_matches_unrolled_graph():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    cost = (rnn(x, h0, W) ** 2).sum()
    h, unrolled = h0, 0
    n = 4
    for t in range(n):
        h = T.tanh(T.dot(h, W) + x[t])
        unrolled = unrolled + (h ** 2).sum()
    g_scan = theano.grad(cost, [x, h0, W])
    g_unr = theano.grad(unrolled, [x, h0, W])
    f = theano.function([x, h0, W], g_scan + g_unr)
    vals = f(rand(n, 3), rand(3, seed=4), 0.5 * rand(3, 3, seed=5))
    for a, b in zip(vals[:3], vals[3:]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_grad_sequence_taps_and_output_taps():
    def f(x, x0, a):
        r, _ = theano.scan(lambda xm2, xt, xp1, ym2, ym1, a: a * ym1 * 0.5 + T.sin(ym2) * xt - xp1 * xm2,
                           sequences=dict(input=x, taps=[-2, 0, 1]),
                           outputs_info=dict(initial=x0, taps=[-2, -1]), non_sequences=a)
        return r

    verify_grad(f, [rand(8, seed=1), rand(2, seed=2), np.asarray(0.7)], rng=np.random.RandomState(2))


def test_grad_several_outputs_and_nitsot():
    def f(x, h0):
        (h, y), _ = theano.scan(lambda xt, h: (h * xt + 1, T.exp(h) * xt), sequences=x,
                                outputs_info=[h0, None])
        return h.sum() + (y ** 2).sum()

    verify_grad(f, [rand(5, 2, seed=3), rand(2, seed=4)], rng=np.random.RandomState(3))


def test_grad_go_backwards_and_mismatched_lengths():
    def f(x, y, h0):
        r, _ = theano.scan(lambda a, b, h: h * a + b, sequences=[x, y], outputs_info=h0,
                           go_backwards=True)
        return r

    verify_grad(f, [rand(5, seed=5), rand(3, seed=6), np.asarray(0.3)], rng=np.random.RandomState(4))


def test_grad_with_n_steps_shorter_than_the_sequence():
    def f(x, h0):
        r, _ = theano.scan(lambda a, h: h * a + a, sequences=x, outputs_info=h0, n_steps=3)
        return r

    verify_grad(f, [rand(5, seed=7), np.asarray(0.4)], rng=np.random.RandomState(5))


def test_grad_shared_weight_used_implicitly():
    W = theano.shared(0.5 * rand(3, 3, seed=8), name="W")
    x = T.dmatrix("x")
    hs, _ = theano.scan(lambda xt, h: T.tanh(T.dot(h, W) + xt), sequences=x,
                        outputs_info=T.zeros((3,), dtype="float64") if hasattr(T, "zeros") else x[0])
    cost = hs.sum()
    gW = theano.grad(cost, W)
    f = theano.function([x], gW)
    xv = rand(4, 3, seed=9)
    eps, num = 1e-6, np.zeros((3, 3))
    fc = theano.function([x], cost)
    base = W.get_value()
    for i in range(3):
        for j in range(3):
            w = base.copy(); w[i, j] += eps; W.set_value(w); p = fc(xv)
            w = base.copy(); w[i, j] -= eps; W.set_value(w); m = fc(xv)
            num[i, j] = (p - m) / (2 * eps)
    W.set_value(base)
    np.testing.assert_allclose(f(xv), num, rtol=1e-6, atol=1e-8)


def test_truncate_gradient():
    x, a = T.dvector("x"), T.dscalar("a")
    r, _ = theano.scan(lambda xt, h, a: h * a + xt, sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"), non_sequences=a,
                       truncate_gradient=2)
    g = theano.function([x, a], theano.grad(r[-1], x))
    np.testing.assert_allclose(g(np.ones(5), 2.0), [0.0, 0.0, 0.0, 2.0, 1.0])
    r_full, _ = theano.scan(lambda xt, h, a: h * a + xt, sequences=x,
                            outputs_info=T.constant(0.0, dtype="float64"), non_sequences=a)
    g_full = theano.function([x, a], theano.grad(r_full[-1], x))
    np.testing.assert_allclose(g_full(np.ones(5), 2.0), [16.0, 8.0, 4.0, 2.0, 1.0])


def test_nested_scan_gradient():
    def f(x, w):
        def outer(xt, h, w):
            inner, _ = theano.scan(lambda a, hh, w: T.tanh(a * hh + w), sequences=xt, outputs_info=h,
                                   non_sequences=w)
            return inner[-1]

        r, _ = theano.scan(outer, sequences=x, outputs_info=T.zeros_like(w), non_sequences=w)
        return r

    verify_grad(f, [rand(3, 4, seed=10), np.asarray(0.3)], rng=np.random.RandomState(6))


def test_grad_of_grad_hessian_vector_product():
    x, W, v = T.dmatrix("x"), T.dmatrix("W"), T.dmatrix("v")
    h0 = T.dvector("h0")
    cost = (rnn(x, h0, W) ** 2).sum()
    gW = theano.grad(cost, W)
    hv = theano.grad((gW * v).sum(), W)
    f = theano.function([x, h0, W, v], hv)
    fg = theano.function([x, h0, W], gW)
    xv, hv0, Wv, vv = rand(4, 3, seed=11), rand(3, seed=12), 0.5 * rand(3, 3, seed=13), rand(3, 3, seed=14)
    eps = 1e-6
    numeric = (fg(xv, hv0, Wv + eps * vv) - fg(xv, hv0, Wv - eps * vv)) / (2 * eps)
    np.testing.assert_allclose(f(xv, hv0, Wv, vv), numeric, rtol=1e-5, atol=1e-7)


def test_grad_of_grad_verify():
    def f(x, W):
        r, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x, outputs_info=x[0],
                           non_sequences=W)
        g = theano.grad(r.sum(), W)
        return (g * W).sum()

    verify_grad(f, [rand(4, 3, seed=15), 0.5 * rand(3, 3, seed=16)], rng=np.random.RandomState(7))


def test_rop_through_scan():
    x, h0, W, v = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W"), T.dmatrix("v")
    y = rnn(x, h0, W)
    jv = theano.Rop(y, W, v)
    f = theano.function([x, h0, W, v], jv)
    fy = theano.function([x, h0, W], y)
    xv, hv0, Wv, vv = rand(3, 2, seed=17), rand(2, seed=18), 0.5 * rand(2, 2, seed=19), rand(2, 2, seed=20)
    eps = 1e-6
    numeric = (fy(xv, hv0, Wv + eps * vv) - fy(xv, hv0, Wv - eps * vv)) / (2 * eps)
    np.testing.assert_allclose(f(xv, hv0, Wv, vv), numeric, rtol=1e-5, atol=1e-8)


def test_grad_int_sequence_is_disconnected_but_float_flows():
    idx = T.lvector("idx")
    w = T.dvector("w")
    r, _ = theano.scan(lambda i, w: w[i] * 2, sequences=idx, non_sequences=w)
    g = theano.function([idx, w], theano.grad(r.sum(), w))
    np.testing.assert_allclose(g(np.array([0, 2, 2]), np.ones(3)), [2.0, 0.0, 4.0])


def test_gradient_through_until():
    def f(x, h0):
        r, _ = theano.scan(lambda v, h: (h * v + v, theano.scan_module.until(T.gt(h, 2.0))),
                           sequences=x, outputs_info=h0)
        return r

    xv = np.array([1.5, 1.2, 1.1, 1.3, 1.4, 1.2])
    h0 = T.dscalar("h0")
    x = T.dvector("x")
    assert theano.function([x, h0], f(x, h0))(xv, 0.5).shape[0] < len(xv)
    verify_grad(f, [xv, np.asarray(0.5)], rng=np.random.RandomState(8))


def test_gradient_with_random_draws_in_the_loop():
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=11)
    x = T.dmatrix("x")
    W = T.dmatrix("W")

    def step(xt, h, W):
        mask = srng.binomial((3,), p=0.7, dtype="float64")
        noise = srng.normal((3,), std=0.1, dtype="float64")
        return T.tanh(T.dot(h, W) + xt + noise) * mask

    hs, upd = theano.scan(step, sequences=x, outputs_info=T.zeros_like(x[0]), non_sequences=W)
    cost = (hs ** 2).sum()
    gW = theano.grad(cost, W)
    # without default updates the generator states are not advanced: every call draws the same
    f_cost = theano.function([x, W], cost, no_default_updates=True)
    f_grad = theano.function([x, W], gW, no_default_updates=True)
    xv, Wv = rand(5, 3, seed=21), 0.5 * rand(3, 3, seed=22)
    eps, num = 1e-6, np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            p, m = Wv.copy(), Wv.copy()
            p[i, j] += eps
            m[i, j] -= eps
            num[i, j] = (f_cost(xv, p) - f_cost(xv, m)) / (2 * eps)
    np.testing.assert_allclose(f_grad(xv, Wv), num, rtol=1e-5, atol=1e-8)
    # with the updates, the states advance and each call draws anew
    f = theano.function([x, W], [cost, gW], updates=upd)
    assert f(xv, Wv)[0] != f(xv, Wv)[0]


def test_backward_pass_memory_keeps_only_sums_for_non_sequences():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    gW = theano.grad(rnn(x, h0, W).sum(), W)
    scan_nodes = [v.owner for v in theano.graph.basic.ancestors([gW])
                  if v.owner is not None and type(v.owner.op).__name__ == "Scan"]
    back = [n for n in scan_nodes if n.op.reverse]
    assert len(back) == 1
    # W's gradient is an accumulator of W's shape, not one matrix per step
    assert back[0].op.n_acc == 1
    f = theano.function([x, h0, W], gW)
    assert f(rand(50, 3), rand(3), rand(3, 3)).shape == (3, 3)


# -- the row helper ops ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("op,ref", [
    (RowSlice(1, None), lambda v: v[1:]),
    (RowSlice(0, 2), lambda v: v[0:2]),
    (RowSlice(None, -1), lambda v: v[:-1]),
    (RowIndex(-1), lambda v: v[-1]),
    (RowIndex(0), lambda v: v[0]),
    (RowReverse(), lambda v: v[::-1]),
])
def test_row_ops(op, ref, dtype):
    x = T.matrix("x", dtype=dtype)
    xv = rand(4, 3, dtype=dtype)
    y = op(x)
    f = theano.function([x], y, mode=PY)
    np.testing.assert_array_equal(f(xv), ref(xv))
    check_infer_shape([x], y, [xv])
    verify_grad(lambda a: op(a), [xv], rng=np.random.RandomState(0))


def test_row_ops_errors_and_empty():
    x = T.dmatrix("x")
    f = theano.function([x], RowSlice(1, None)(x), mode=PY)
    assert f(np.zeros((0, 2))).shape == (0, 2)
    check_infer_shape([x], RowSlice(1, 3)(x), [np.zeros((0, 2))])
    with pytest.raises(IndexError, match="out of range"):
        theano.function([x], RowIndex(-1)(x), mode=PY)(np.zeros((0, 2)))
    with pytest.raises(TypeError, match="at least one dimension"):
        RowSlice(0, 1)(T.dscalar())
    with pytest.raises(ValueError, match="where"):
        RowScatter(("bad",))
    with pytest.raises(TypeError, match="dimensions"):
        RowScatter(("index", 0))(x, x)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradients_agree_on_every_mode(dtype):
    from tests.helpers import compare_backends

    x, h0 = T.matrix("x", dtype=dtype), T.vector("h0", dtype=dtype)
    W = T.matrix("W", dtype=dtype)
    cost = (rnn(x, h0, W) ** 2).sum()
    grads = theano.grad(cost, [x, h0, W])
    vals = [rand(6, 3, dtype=dtype), rand(3, dtype=dtype, seed=2), (0.5 * rand(3, 3, seed=3)).astype(dtype)]
    compare_backends([x, h0, W], [cost] + grads, vals)


def test_gradient_loop_hoists_invariant_work():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    gW = theano.grad(rnn(x, h0, W).sum(), W)
    back = [v.owner for v in theano.graph.basic.ancestors([gW])
            if v.owner is not None and type(v.owner.op).__name__ == "Scan" and v.owner.op.reverse][0]
    inner = theano.graph.basic.io_toposort(back.op.inner_inputs, back.op.inner_outputs)
    # W.T is computed outside the loop: no DimShuffle of a non-sequence inside
    base = back.op._n_reads + back.op.n_untraced
    ns = set(back.op.inner_inputs[base:])
    assert not [n for n in inner if type(n.op).__name__ == "DimShuffle" and n.inputs[0] in ns
                and n.inputs[0].ndim == 2]


def test_gradient_of_a_scan_of_zero_steps():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    g = theano.grad(rnn(x, h0, W).sum() + h0.sum(), [x, h0, W])
    gx, gh0, gW = theano.function([x, h0, W], g)(np.zeros((0, 3)), np.ones(3), np.ones((3, 3)))
    assert gx.shape == (0, 3)
    np.testing.assert_allclose(gh0, np.ones(3))
    np.testing.assert_allclose(gW, np.zeros((3, 3)))


def _scan_nodes(f):
    from theano.scan.op import Scan

    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def test_gradient_loop_drops_the_gradients_nobody_asked_for():
    # grad wrt W only: the gradient loop computes no gradient of the sequence x (no buffer for it,
    # no non-sequence only that gradient used), and the values are unchanged
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    cost = (rnn(x, h0, W) ** 2).sum()
    gW = theano.grad(cost, W)
    f = theano.function([x, h0, W], gW)
    ref = theano.function([x, h0, W], gW, mode=theano.Mode(linker="py", optimizer="None"))
    vals = [rand(6, 3), rand(3, seed=4), 0.5 * rand(3, 3, seed=5)]
    np.testing.assert_allclose(f(*vals), ref(*vals), rtol=1e-12)
    (fwd, bwd) = _scan_nodes(f)
    full = _scan_nodes(ref)[1]
    assert len(bwd.op.buffers) < len(full.op.buffers)
    assert len(bwd.outputs) < len(full.outputs)


def test_pruned_gradient_loop_keeps_every_requested_output():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    hs = rnn(x, h0, W)
    cost = (hs ** 2).sum() + hs[-1].sum()
    wrt = [x, h0, W]
    vals = [rand(5, 3), rand(3, seed=4), 0.5 * rand(3, 3, seed=5)]
    py = theano.Mode(linker="py", optimizer="None")
    for k in range(len(wrt)):
        g = theano.grad(cost, wrt[k])
        got = theano.function(wrt, g)(*vals)
        want = theano.function(wrt, g, mode=py)(*vals)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    # and all three at once, plus the forward values
    gs = theano.grad(cost, wrt)
    got = theano.function(wrt, [hs] + gs)(*vals)
    want = theano.function(wrt, [hs] + gs, mode=py)(*vals)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _direct_scan(inplace=()):
    """out[t] += 2 * c[t] over a 'full' written buffer (the kind of loop a gradient builds)."""
    from theano.scan.op import Buffer, Scan

    ct, w = T.dvector("ct"), T.dvector("w")
    op = Scan([ct, w], [2 * ct + w], [Buffer(reads=(0,), init="full"),
                                      Buffer(writes=(0,), init="full")], n_nonseq=1,
              inplace=inplace)
    return op


def test_scan_in_place_only_where_nothing_else_reads_the_initial_value():
    c, acc0, w = T.dmatrix("c"), T.dmatrix("acc0"), T.dvector("w")
    op = _direct_scan()
    vals = [rand(4, 3), rand(4, 3, seed=2), rand(3, seed=3)]
    want = vals[1] + 2 * vals[0] + vals[2]
    # the initial value is a graph input: copied, never overwritten
    f = theano.function([c, acc0, w], op(c.shape[0], 0, c, acc0, w)[0])
    before = vals[1].copy()
    np.testing.assert_allclose(f(*vals), want)
    np.testing.assert_array_equal(vals[1], before)
    assert all(not n.op.inplace for n in _scan_nodes(f))
    # a fresh intermediate used by the loop alone: overwritten in place, same values
    f2 = theano.function([c, acc0, w], op(c.shape[0], 0, c, acc0 * 1.5, w)[0])
    want2 = 1.5 * vals[1] + 2 * vals[0] + vals[2]
    np.testing.assert_allclose(f2(*vals), want2)
    np.testing.assert_allclose(f2(*vals), want2)       # twice: no state left behind
    np.testing.assert_array_equal(vals[1], before)
    assert [n.op.inplace for n in _scan_nodes(f2)] == [(1,)]
    assert _scan_nodes(f2)[0].op.destroy_map == {0: [3]}
    # the same intermediate read elsewhere too: not in place
    mid = acc0 * 1.5
    f3 = theano.function([c, acc0, w], [op(c.shape[0], 0, c, mid, w)[0], mid])
    got, got_mid = f3(*vals)
    np.testing.assert_allclose(got, want2)
    np.testing.assert_allclose(got_mid, 1.5 * vals[1])
    assert all(not n.op.inplace for n in _scan_nodes(f3))


def test_in_place_scan_copies_a_read_only_initial_value():
    op = _direct_scan(inplace=(1,))
    c, acc0, w = T.dmatrix("c"), T.dmatrix("acc0"), T.dvector("w")
    node = op.make_node(c.shape[0], 0, c, acc0, w)
    vals = [rand(4, 3), rand(4, 3, seed=2), rand(3, seed=3)]
    ro = vals[1].copy()
    ro.flags.writeable = False
    storage = [[None] for _ in node.outputs]
    op.perform(node, [np.int64(4), np.int64(0), vals[0], ro, vals[2]], storage)
    np.testing.assert_allclose(storage[0][0], vals[1] + 2 * vals[0] + vals[2])
    np.testing.assert_array_equal(ro, vals[1])


def test_rnn_gradient_loop_runs_in_place_with_the_same_values():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    cost = (rnn(x, h0, W) ** 2).sum()
    gs = theano.grad(cost, [h0, W])
    f = theano.function([x, h0, W], gs)
    ref = theano.function([x, h0, W], gs, mode=theano.Mode(linker="py", optimizer="None"))
    vals = [rand(6, 3), rand(3, seed=4), 0.5 * rand(3, 3, seed=5)]
    copies = [v.copy() for v in vals]
    assert any(n.op.inplace for n in _scan_nodes(f))
    for _ in range(2):
        for a, b in zip(f(*vals), ref(*vals)):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    for v, c in zip(vals, copies):
        np.testing.assert_array_equal(v, c)
