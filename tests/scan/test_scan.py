"""theano.scan forward behaviour: sequences with taps, states with taps, outputs not fed back,
non-sequences, n_steps, go_backwards, until, shared-variable updates, random streams, map/reduce/
foldl/foldr, infer_shape, and every mode."""

from collections import OrderedDict

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan_module import until
from tests.helpers import MODES, check_infer_shape, compare_backends, rand


def fn_of(mode):
    return MODES[mode]()


def test_scan_is_callable_as_theano_scan_and_module_function():
    import theano.scan as scan_pkg

    x = T.dvector("x")
    r1, _ = theano.scan(lambda v: v * 2, sequences=x)
    r2, _ = scan_pkg.scan(lambda v: v * 2, sequences=x)
    f = theano.function([x], [r1, r2])
    a, b = f(np.arange(3.0))
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_polynomial_int_and_float(dtype):
    coefs = T.vector("c", dtype=dtype)
    powers = T.ivector("p")
    x = T.scalar("x", dtype=dtype)
    r, upd = theano.scan(lambda c, p, x: c * x ** p, sequences=[coefs, powers], non_sequences=x)
    assert not upd
    cv, pv = np.array([2, 3, 4], dtype=dtype), np.array([0, 1, 2], dtype="int32")
    out = compare_backends([coefs, powers, x], r, [cv, pv, np.asarray(3, dtype=dtype)],
                           expected=cv * 3.0 ** pv)
    # Theano's upcast rules: float32 ** int32 is float64; the scan keeps the body's dtype
    assert out.dtype == np.dtype(r.dtype) == np.dtype((T.vector(dtype=dtype) ** powers).dtype)


def test_int32_polynomial_keeps_int32():
    coefs, powers, x = T.ivector(), T.ivector(), T.iscalar()
    r, _ = theano.scan(lambda c, p, x: c * x ** p, sequences=[coefs, powers], non_sequences=x)
    assert r.dtype == "int32"
    f = theano.function([x, coefs, powers], r, allow_input_downcast=True)
    np.testing.assert_array_equal(f(10, [2, 3, 4, 6, 5], [0, 1, 2, 3, 4]), [2, 30, 400, 6000, 50000])


@pytest.mark.parametrize("mode", sorted(MODES))
def test_rnn_state_matches_numpy_loop(mode):
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    W = T.dmatrix("W")
    hs, _ = theano.scan(lambda xt, h, W: T.tanh(T.dot(h, W) + xt), sequences=x, outputs_info=h0,
                        non_sequences=W, mode=fn_of(mode))
    f = theano.function([x, h0, W], hs, mode=fn_of(mode))
    xv, hv, Wv = rand(6, 3), rand(3, seed=2), rand(3, 3, seed=3)
    h, expected = hv, []
    for t in range(6):
        h = np.tanh(h @ Wv + xv[t])
        expected.append(h)
    np.testing.assert_allclose(f(xv, hv, Wv), np.array(expected), rtol=1e-12)


def test_fibonacci_with_output_taps():
    x0 = T.lvector("x0")
    fib, _ = theano.scan(lambda a, b: a + b, outputs_info=dict(initial=x0, taps=[-2, -1]), n_steps=10)
    f = theano.function([x0], fib)
    np.testing.assert_array_equal(f(np.array([0, 1])), [1, 2, 3, 5, 8, 13, 21, 34, 55, 89])


def test_mitsot_initial_with_more_rows_uses_the_first_ones():
    x0 = T.dvector("x0")
    r, _ = theano.scan(lambda a, b: a + b, outputs_info=dict(initial=x0, taps=[-2, -1]), n_steps=3)
    f = theano.function([x0], r)
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 100.0])), [3.0, 5.0, 8.0])


def test_sequence_taps_order_and_window():
    x = T.dvector("x")
    r, _ = theano.scan(lambda xp1, xm1, xt: 100 * xp1 + 10 * xm1 + xt,
                       sequences=dict(input=x, taps=[1, -1, 0]))
    xv = np.arange(6.0)
    expected = [100 * xv[t + 1] + 10 * xv[t - 1] + xv[t] for t in range(1, 5)]
    np.testing.assert_allclose(theano.function([x], r)(xv), expected)


def test_several_outputs_with_none_entries():
    x = T.dvector("x")
    (sq, cum, twice), _ = theano.scan(lambda v, acc: (v ** 2, acc + v, 2 * v), sequences=x,
                                      outputs_info=[None, T.constant(0.0, dtype="float64"), None])
    xv = np.array([1.0, 2.0, 3.0])
    a, b, c = theano.function([x], [sq, cum, twice])(xv)
    np.testing.assert_allclose(a, xv ** 2)
    np.testing.assert_allclose(b, np.cumsum(xv))
    np.testing.assert_allclose(c, 2 * xv)


def test_matrix_state_and_empty_sequence():
    x = T.dtensor3("x")
    h0 = T.dmatrix("h0")
    r, _ = theano.scan(lambda xt, h: h + xt, sequences=x, outputs_info=h0)
    f = theano.function([x, h0], r)
    xv = rand(4, 2, 3)
    np.testing.assert_allclose(f(xv, np.zeros((2, 3))), np.cumsum(xv, axis=0))
    assert f(np.zeros((0, 2, 3)), np.zeros((2, 3))).shape == (0, 2, 3)


def test_nitsot_with_zero_steps_has_zero_rows():
    x = T.dvector("x")
    r, _ = theano.scan(lambda v: v * 2, sequences=x)
    assert theano.function([x], r)(np.zeros(0)).shape[0] == 0


def test_n_steps_alone_and_symbolic():
    k = T.iscalar("k")
    a = T.dscalar("a")
    r, _ = theano.scan(lambda h, a: h * a, outputs_info=T.constant(1.0, dtype="float64"),
                       non_sequences=a, n_steps=k)
    f = theano.function([k, a], r)
    np.testing.assert_allclose(f(4, 2.0), [2.0, 4.0, 8.0, 16.0])
    assert f(0, 2.0).shape == (0,)


def test_shortest_sequence_wins_and_n_steps_truncates():
    x = T.dvector("x")
    y = T.dvector("y")
    r, _ = theano.scan(lambda a, b: a + b, sequences=[x, y])
    f = theano.function([x, y], r)
    np.testing.assert_allclose(f(np.arange(5.0), np.ones(3)), [1.0, 2.0, 3.0])
    r2, _ = theano.scan(lambda a: a, sequences=x, n_steps=2)
    np.testing.assert_allclose(theano.function([x], r2)(np.arange(5.0)), [0.0, 1.0])


def test_go_backwards():
    x = T.dvector("x")
    r, _ = theano.scan(lambda v, acc: acc * 10 + v, sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"), go_backwards=True)
    np.testing.assert_allclose(theano.function([x], r)(np.array([1.0, 2.0, 3.0])), [3.0, 32.0, 321.0])
    y = T.dvector("y")
    r2, _ = theano.scan(lambda a, b: a - b, sequences=[x, y], go_backwards=True)
    # both are reversed in full before the shortest one sets the number of steps
    np.testing.assert_allclose(theano.function([x, y], r2)(np.arange(4.0), np.array([10.0, 20.0])),
                               [3.0 - 20.0, 2.0 - 10.0])


def test_until_stops_the_loop():
    h0 = T.dscalar("h0")
    r, _ = theano.scan(lambda h: (h * 2, until(h * 2 > 50)), outputs_info=h0, n_steps=100)
    np.testing.assert_allclose(theano.function([h0], r)(1.0), [2, 4, 8, 16, 32, 64])
    (a, b), upd, = theano.scan(lambda h: ([h + 1, h * 0], OrderedDict(), until(T.ge(h, 3))),
                               outputs_info=[T.constant(0, dtype="int64"), None], n_steps=50)
    ra, rb = theano.function([], [a, b])()
    np.testing.assert_array_equal(ra, [1, 2, 3, 4])
    assert rb.shape == (4,)


def test_shared_variable_updates_inside_fn():
    c = theano.shared(np.float64(0.0), name="c")
    x = T.dvector("x")
    r, upd = theano.scan(lambda v: (v + c, {c: c + 1}), sequences=x)
    assert list(upd.keys()) == [c]
    f = theano.function([x], r, updates=upd)
    np.testing.assert_allclose(f(np.zeros(3)), [0.0, 1.0, 2.0])
    assert c.get_value() == 3.0
    np.testing.assert_allclose(f(np.zeros(2)), [3.0, 4.0])
    assert c.get_value() == 5.0


def test_shared_variable_read_implicitly_and_with_strict():
    w = theano.shared(np.array([1.0, 2.0]), name="w")
    x = T.dmatrix("x")
    r, _ = theano.scan(lambda v: (v * w).sum(), sequences=x)
    f = theano.function([x], r)
    np.testing.assert_allclose(f(np.ones((3, 2))), [3.0, 3.0, 3.0])
    w.set_value(np.array([0.0, 1.0]))
    np.testing.assert_allclose(f(np.ones((3, 2))), [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="strict=True.*non_sequences"):
        theano.scan(lambda v: (v * w).sum(), sequences=x, strict=True)
    r2, _ = theano.scan(lambda v, w: (v * w).sum(), sequences=x, non_sequences=w, strict=True)
    np.testing.assert_allclose(theano.function([x], r2)(np.ones((2, 2))), [1.0, 1.0])


def test_outer_expression_is_computed_once_outside():
    x = T.dvector("x")
    a = T.dscalar("a")
    outer = T.exp(a)
    r, _ = theano.scan(lambda v: v * outer, sequences=x)
    scan_node = r.owner
    assert type(scan_node.op).__name__ == "Scan"
    # compiled, v * exp(a) is computed on the whole sequence and the loop is gone
    assert not [n for n in theano.function([x, a], r).maker.fgraph.apply_nodes
                if type(n.op).__name__ == "Scan"]
    inner_ops = {type(n.op).__name__ + str(getattr(n.op, "scalar_op", "")) for n in
                 theano.graph.basic.io_toposort(scan_node.op.inner_inputs, scan_node.op.inner_outputs)}
    assert not any("exp" in s.lower() for s in inner_ops)
    np.testing.assert_allclose(theano.function([x, a], r)(np.ones(2), 0.0), [1.0, 1.0])


def test_random_streams_fresh_draws_each_step():
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=42)
    x = T.dvector("x")
    r, upd = theano.scan(lambda v: v + srng.uniform(()), sequences=x)
    assert len(upd) == 1
    f = theano.function([x], r, updates=upd)
    a = f(np.zeros(4))
    assert len(set(np.round(a, 12))) == 4
    b = f(np.zeros(4))
    assert not np.allclose(a, b)


def test_map_reduce_foldl_foldr():
    x = T.dvector("x")
    z = T.constant(0.0, dtype="float64")
    m, _ = theano.map(lambda v: v ** 2, x)
    s, _ = theano.reduce(lambda v, acc: acc + v, x, z)
    fl, _ = theano.foldl(lambda v, acc: acc * 10 + v, x, z)
    fr, _ = theano.foldr(lambda v, acc: acc * 10 + v, x, z)
    xv = np.array([1.0, 2.0, 3.0])
    rm, rs, rl, rr = theano.function([x], [m, s, fl, fr])(xv)
    np.testing.assert_allclose(rm, xv ** 2)
    assert rs.shape == () and float(rs) == 6.0
    assert float(rl) == 123.0 and float(rr) == 321.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_mode_agrees(dtype):
    x = T.matrix("x", dtype=dtype)
    h0 = T.vector("h0", dtype=dtype)
    hs, _ = theano.scan(lambda xt, h: T.tanh(h * 0.5 + xt), sequences=x, outputs_info=h0)
    compare_backends([x, h0], [hs, hs.sum()], [rand(5, 3, dtype=dtype), rand(3, dtype=dtype, seed=9)])


def test_infer_shape():
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    W = T.dmatrix("W")
    hs, _ = theano.scan(lambda xt, h, W: T.dot(h, W) + xt, sequences=x, outputs_info=h0,
                        non_sequences=W)
    buf = hs.owner.inputs[0]
    check_infer_shape([x, h0, W], buf, [rand(4, 3), rand(3), rand(3, 3)])
    ys, _ = theano.scan(lambda xt, W: T.dot(W, xt), sequences=x, non_sequences=W)
    check_infer_shape([x, W], ys, [rand(4, 3), rand(2, 3)])
    check_infer_shape([x, h0, W], hs, [rand(4, 3), rand(3), rand(3, 3)])


def test_return_forms_of_fn_and_return_list():
    x = T.dvector("x")
    c = theano.shared(np.float64(0.0), name="c2")
    # only updates, as a list of pairs
    out, upd = theano.scan(lambda v: [(c, c + v)], sequences=x)
    assert out is None and list(upd) == [c]
    theano.function([x], [], updates=upd)(np.array([1.0, 2.0]))
    assert c.get_value() == 3.0
    # updates first, then outputs
    r, upd = theano.scan(lambda v: ({c: c * 2}, v + 1), sequences=x)
    np.testing.assert_allclose(theano.function([x], r, updates=upd)(np.array([1.0])), [2.0])
    assert c.get_value() == 6.0
    # return_list with a single output; outputs_info given as a single dict
    rl, _ = theano.scan(lambda h: h + 1, outputs_info=dict(initial=T.constant(0.0, dtype="float64")),
                        n_steps=2, return_list=True)
    assert isinstance(rl, list) and len(rl) == 1
    np.testing.assert_allclose(theano.function([], rl[0])(), [1.0, 2.0])
    # Python values as non-sequences and initial states
    r2, _ = theano.scan(lambda h, k: h * k, outputs_info=1.0, non_sequences=3.0, n_steps=3)
    np.testing.assert_allclose(theano.function([], r2)(), [3.0, 9.0, 27.0])


def test_scan_module_reexports():
    import theano.scan_module as sm

    assert sm.until is until and sm.scan is theano.scan.scan
    for name in ("map", "reduce", "foldl", "foldr"):
        assert getattr(sm, name) is getattr(theano, name)


def test_nested_scan_with_random_draws_inside_inner_loop():
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=3)
    x = T.dmatrix("x")

    def outer(row):
        inner, _ = theano.scan(lambda v: v + srng.normal(()), sequences=row)
        return inner.sum()

    r, upd = theano.scan(outer, sequences=x)
    f = theano.function([x], r, updates=upd)
    a, b = f(np.zeros((3, 2))), f(np.zeros((3, 2)))
    assert len(set(np.round(a, 12))) == 3 and not np.allclose(a, b)


def test_scan_inside_ifelse_and_ifelse_inside_scan():
    from theano.ifelse import ifelse

    x = T.dvector("x")
    c = T.iscalar("c")
    r, _ = theano.scan(lambda v, h: ifelse(T.gt(v, 0), h + v, h - 1), sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"))
    s, _ = theano.scan(lambda v: v * 2, sequences=x)
    z = ifelse(c, s.sum(), r[-1])
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        f = theano.function([c, x], [r, z], mode=mode)
        rv, zv = f(0, np.array([1.0, -1.0, 2.0]))
        np.testing.assert_allclose(rv, [1.0, 0.0, 2.0])
        assert float(zv) == 2.0
        assert float(f(1, np.array([1.0, -1.0, 2.0]))[1]) == 4.0


def test_theano_doc_argument_order_with_taps_none():
    """The argument order of Theano's documentation: sequence taps in the order given, then the
    taps of each fed-back output (taps=None: not fed back), then the non-sequences."""
    s1, s2 = T.dvector("s1"), T.dvector("s2")
    o1, o2, o3 = T.dvector("o1"), T.dscalar("o2"), T.dscalar("o3")
    a1 = T.dscalar("a1")
    seen = []

    def step(s1_m3, s1_p2, s1_m1, s2_t, o1_m3, o1_m5, o3_m1, a1_):
        seen.extend([s1_m3, s1_p2, s1_m1, s2_t, o1_m3, o1_m5, o3_m1, a1_])
        return (o1_m3 + o1_m5 + s1_p2, s1_m3 * 0 + s1_m1, o3_m1 + s2_t * a1_)

    (r1, r2, r3), _ = theano.scan(
        step, sequences=[dict(input=s1, taps=[-3, 2, -1]), s2],
        outputs_info=[dict(initial=o1, taps=[-3, -5]), dict(initial=o2, taps=None), o3],
        non_sequences=[a1])
    assert seen[-1] is a1
    f = theano.function([s1, s2, o1, o3, a1], [r1, r2, r3], on_unused_input="ignore")
    s1v, s2v = np.arange(10.0), np.arange(10.0) * 10
    o1v = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    a, b, c = f(s1v, s2v, o1v, 0.5, 2.0)
    n = 10 - 5
    buf = list(o1v)
    for t in range(n):
        buf.append(buf[5 + t - 3] + buf[5 + t - 5] + s1v[t + 3 + 2])
    np.testing.assert_allclose(a, buf[5:])
    np.testing.assert_allclose(b, [s1v[t + 3 - 1] for t in range(n)])
    np.testing.assert_allclose(c, 0.5 + np.cumsum(s2v[:n] * 2.0))


def test_invariant_work_inside_fn_runs_once_per_call():
    from tests.test_ifelse import CountingOp

    op = CountingOp()
    x = T.dvector("x")
    w = T.dvector("w")
    r, _ = theano.scan(lambda v, w: v + op(w).sum(), sequences=x, non_sequences=w)
    f = theano.function([x, w], r)
    np.testing.assert_allclose(f(np.zeros(5), np.ones(2)), [4.0] * 5)
    assert op.calls == 1


def test_outer_expression_of_a_state_updated_in_the_loop_sees_each_step():
    c = theano.shared(np.float64(1.0), name="c3")
    twice_c = c * 2  # built before the scan, from a shared variable the loop updates
    r, upd = theano.scan(lambda: (twice_c, {c: c + 1}), n_steps=3)
    f = theano.function([], r, updates=upd)
    np.testing.assert_allclose(f(), [2.0, 4.0, 6.0])
    assert c.get_value() == 4.0


def test_nested_scan_updates_returned_through_the_outer_loop():
    c = theano.shared(np.float64(0.0), name="c4")
    x = T.dmatrix("x")

    def outer(row):
        inner, upd = theano.scan(lambda v: (v + c, {c: c + 1}), sequences=row)
        return inner.sum(), upd

    r, upd = theano.scan(outer, sequences=x)
    f = theano.function([x], r, updates=upd)
    np.testing.assert_allclose(f(np.zeros((3, 2))), [1.0, 5.0, 9.0])
    assert c.get_value() == 6.0


def test_return_steps_keeps_the_last_steps():
    import theano
    import theano.tensor as T

    x0 = T.dscalar("x0")
    last, _ = theano.scan(lambda a: a + 1, n_steps=4,
                          outputs_info=dict(initial=x0, return_steps=1))
    last3, _ = theano.scan(lambda a: a * 2, n_steps=5,
                           outputs_info=dict(initial=x0, return_steps=3))
    assert last.ndim == 0 and last3.ndim == 1
    f = theano.function([x0], [last, last3, T.grad(last3.sum(), x0)])
    a, b, g = f(1.0)
    assert float(a) == 5.0
    assert b.tolist() == [8.0, 16.0, 32.0]
    assert float(g) == 8.0 + 16.0 + 32.0


def _scan_ops(f):
    from theano.scan.op import Scan

    return [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


@pytest.mark.parametrize("row_ndim", [1, 2])
def test_product_of_a_sequence_and_a_weight_is_computed_before_the_loop(row_ndim):
    from theano.tensor.math import Dot

    x = T.dtensor3("x") if row_ndim == 2 else T.dmatrix("x")
    h0 = T.dmatrix("h0") if row_ndim == 2 else T.dvector("h0")
    Wx, Wh = T.dmatrix("Wx"), T.dmatrix("Wh")
    hs, _ = theano.scan(lambda xt, h, Wx, Wh: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh)),
                        sequences=x, outputs_info=h0, non_sequences=[Wx, Wh])
    f = theano.function([x, h0, Wx, Wh], hs)
    ref = theano.function([x, h0, Wx, Wh], hs, mode=theano.Mode(linker="py", optimizer="None"))
    rng = np.random.RandomState(0)
    shape = (5, 4, 3) if row_ndim == 2 else (5, 3)
    vals = [rng.randn(*shape), rng.randn(*((4, 2) if row_ndim == 2 else (2,))),
            rng.randn(3, 2), rng.randn(2, 2)]
    np.testing.assert_allclose(f(*vals), ref(*vals), rtol=1e-12, atol=1e-14)
    (op,) = _scan_ops(f)
    inner_dots = [n for n in theano.graph.basic.io_toposort(op.inner_inputs, op.inner_outputs)
                  if isinstance(n.op, Dot)]
    assert len(inner_dots) == 1            # only h @ Wh is left in the loop
    assert op.n_nonseq == 1                # Wx is no longer passed to the loop
    # a sequence too short is still reported
    with pytest.raises(Exception):
        theano.function([x, h0, Wx, Wh], theano.scan(
            lambda xt, h, Wx, Wh: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh)), sequences=x,
            outputs_info=h0, non_sequences=[Wx, Wh], n_steps=9)[0])(*vals)


def test_sequence_read_elsewhere_too_gets_its_product_as_a_sequence_beside_it():
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    hs, _ = theano.scan(lambda xt, h, W: T.dot(xt, W) + h + xt[:1].sum(),
                        sequences=x, outputs_info=h0, non_sequences=W)
    f = theano.function([x, h0, W], hs)
    rng = np.random.RandomState(1)
    vals = [rng.randn(4, 3), rng.randn(2), rng.randn(3, 2)]
    want, h = [], vals[1]
    for t in range(4):
        h = vals[0][t] @ vals[2] + h + vals[0][t][:1].sum()
        want.append(h)
    np.testing.assert_allclose(f(*vals), np.array(want), rtol=1e-12)
    (op,) = _scan_ops(f)
    # x stays a sequence (xt[:1] reads it); dot(x, W) is a second sequence computed before the
    # loop, so W is no longer read inside it
    assert op.n_nonseq == 0
    assert [b.init for b in op.buffers].count("full") == 2
    first = f(*vals)
    for _ in range(50):
        assert f(*vals).tobytes() == first.tobytes()


def test_gradient_loop_reads_the_forward_loops_hoisted_product():
    # an LSTM-like step: the gradient loop recomputes dot(x[t], Wx), now read from the product
    # the forward loop reads too (one product before both loops)
    from theano.tensor.math import Dot

    x, h0, Wx, Wh = T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("Wx"), T.dmatrix("Wh")
    hs, _ = theano.scan(lambda xt, h, Wx, Wh: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh)),
                        sequences=x, outputs_info=h0, non_sequences=[Wx, Wh])
    cost = (hs ** 2).sum()
    gWx, gWh = T.grad(cost, [Wx, Wh])
    f = theano.function([x, h0, Wx, Wh], [cost, gWx, gWh])
    ref = theano.function([x, h0, Wx, Wh], [cost, gWx, gWh], mode=theano.Mode(linker="py"))
    rng = np.random.RandomState(3)
    vals = [rng.randn(6, 4, 5), rng.randn(4, 3) * 0.1, rng.randn(5, 3) * 0.3, rng.randn(3, 3) * 0.3]
    got = f(*vals)
    for a, b in zip(got, ref(*vals)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    # finite differences on one weight
    eps, (i, j) = 1e-6, (2, 1)
    up = [v.copy() for v in vals]
    dn = [v.copy() for v in vals]
    up[2][i, j] += eps
    dn[2][i, j] -= eps
    np.testing.assert_allclose(got[1][i, j], (f(*up)[0] - f(*dn)[0]) / (2 * eps), rtol=1e-6)
    outer_dots = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Dot)]
    assert len(outer_dots) == 1          # dot(x, Wx), once, read by both loops
    for _ in range(50):
        assert [o.tobytes() for o in f(*vals)] == [o.tobytes() for o in got]
