"""A Scan inside the whole-graph function of the native backend (Scan.numba_graph_code): the
outer graph, the loop and its inner graph as one compiled function, and inner graphs of scalars
computed on scalars (no 0-d arrays per step). Values against NumPy and the reference VM, 50
calls bit-identical, the same bits as the per-node code, and the errors of the per-node code."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.configdefaults import config
from theano.scan.op import Scan
from theano.scan_module import until

PY = theano.Mode(linker="py", optimizer="fast_run")


def _whole(f):
    """The source of f's whole-graph function ('' when it has none)."""
    return getattr(f.maker.thunk, "graph_source", "")


def _scan_ops(f):
    return [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _same_50(f, args, expected_bits):
    for _ in range(50):
        out = f(*args)
        outs = out if isinstance(out, list) else [out]
        assert [o.tobytes() for o in outs] == expected_bits


def _bits(out):
    return [o.tobytes() for o in (out if isinstance(out, list) else [out])]


def _poly(mode=None):
    x, coefs, powers = T.iscalar("x"), T.ivector("coefs"), T.ivector("powers")
    terms, _ = theano.scan(lambda c, p, x: c * x ** p, sequences=[coefs, powers],
                           non_sequences=x, mode=mode)
    return theano.function([x, coefs, powers], terms, mode=mode)


def test_polynomial_is_one_compiled_function_with_a_scalar_step():
    f = _poly()
    src = _whole(f)
    assert "scan_loop" in src and "_scan_graph" in src
    # the step reads scalars from the buffers: no 0-d array is made per step
    assert "np.array(b0[t" not in src
    c = np.array([2, 3, 4, 6, 5], dtype="int32")
    p = np.arange(5, dtype="int32")
    out = f(np.int32(10), c, p)
    np.testing.assert_array_equal(out, c * np.int32(10) ** p)
    assert out.dtype == np.int32 and out.shape == (5,)
    _same_50(f, (np.int32(10), c, p), _bits(out))
    # the shorter sequence decides the number of steps, as on the reference VM
    short = f(np.int32(3), c, p[:3])
    np.testing.assert_array_equal(short, _poly(PY)(np.int32(3), c, p[:3]))
    # int32 wraps as NumPy's
    big_p = np.array([30, 31, 12, 20, 0], dtype="int32")
    np.testing.assert_array_equal(f(np.int32(7), c, big_p), c * np.int32(7) ** big_p)


def test_outputs_are_fresh_arrays_the_next_call_does_not_touch():
    f = _poly()
    c = np.array([1, 2, 3], dtype="int32")
    p = np.array([1, 2, 3], dtype="int32")
    a = f(np.int32(2), c, p)
    b = f(np.int32(3), c, p)
    np.testing.assert_array_equal(a, [2, 8, 24])
    np.testing.assert_array_equal(b, [3, 18, 81])
    a[:] = 0
    np.testing.assert_array_equal(f(np.int32(3), c, p), [3, 18, 81])


def test_zero_steps_and_errors_are_those_of_the_per_node_code():
    f = _poly()
    empty = np.zeros(0, dtype="int32")
    out = f(np.int32(2), empty, empty)
    assert out.shape == (0,) and out.dtype == np.int32
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.int32(2), np.array([1, 2], "int32"), np.array([1, -1], "int32"))
    # later calls still run (and give the right values)
    np.testing.assert_array_equal(f(np.int32(2), np.array([1, 2], "int32"),
                                    np.array([1, 2], "int32")), [2, 8])


def _recurrence(mode=None):
    # h_t = a * h_{t-1} - 0.5 * h_{t-2} + x_t (taps -2, -1): a float state of scalars
    x, a, s0 = T.dvector("x"), T.dscalar("a"), T.dvector("s0")
    hs, _ = theano.scan(lambda xt, h2, h1, a: a * h1 - 0.5 * h2 + xt, sequences=x,
                        outputs_info=dict(initial=s0, taps=[-2, -1]), non_sequences=a, mode=mode)
    return theano.function([x, a, s0], [hs, hs.sum()], mode=mode)


def test_float_recurrence_with_taps_matches_numpy_and_the_reference_vm():
    f = _recurrence()
    assert "scan_loop" in _whole(f)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(12)
    s0 = np.array([0.3, -0.2])
    h = list(s0)
    for xt in x:
        h.append(0.9 * h[-1] - 0.5 * h[-2] + xt)
    hs, total = f(x, 0.9, s0)
    np.testing.assert_allclose(hs, h[2:], rtol=1e-13)
    np.testing.assert_allclose(total, np.sum(h[2:]), rtol=1e-13)
    ref = _recurrence(PY)(x, 0.9, s0)
    np.testing.assert_array_equal(hs, ref[0])
    _same_50(f, (x, 0.9, s0), _bits([hs, total]))
    with pytest.raises(ValueError):
        f(x, 0.9, np.array([1.0]))      # the taps need 2 initial rows
    np.testing.assert_array_equal(f(x, 0.9, s0)[0], hs)


def test_until_stops_early_inside_the_whole_graph():
    def build(mode=None):
        x = T.dscalar("x")
        vals, _ = theano.scan(lambda v: (v * 2.0, until(v * 2.0 > 100.0)), outputs_info=x,
                              n_steps=20, mode=mode)
        return theano.function([x], [vals, vals.sum()], mode=mode)

    f = build()
    assert "scan_loop" in _whole(f)
    vals, total = f(3.0)
    np.testing.assert_array_equal(vals, [6.0, 12.0, 24.0, 48.0, 96.0, 192.0])
    assert total == 378.0
    ref = build(PY)(3.0)
    np.testing.assert_array_equal(vals, ref[0])
    _same_50(f, (3.0,), _bits([vals, total]))
    np.testing.assert_array_equal(f(200.0)[0], [400.0])


def test_gradient_accumulator_matches_finite_differences():
    x, a = T.dvector("x"), T.dscalar("a")
    hs, _ = theano.scan(lambda xt, h, a: a * h + xt, sequences=x,
                        outputs_info=T.constant(np.float64(0.0)), non_sequences=a)
    cost = (hs ** 2).sum()
    f = theano.function([x, a], [cost, T.grad(cost, a)])
    ref = theano.function([x, a], [cost, T.grad(cost, a)], mode=PY)
    xv = np.linspace(-1.0, 1.0, 7)
    c, g = f(xv, 0.7)
    np.testing.assert_allclose([c, g], ref(xv, 0.7), rtol=1e-12)
    eps = 1e-6
    fd = (f(xv, 0.7 + eps)[0] - f(xv, 0.7 - eps)[0]) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6)
    _same_50(f, (xv, 0.7), _bits([c, g]))


def _vector_state(mode=None):
    x, h0 = T.dmatrix("x"), T.dvector("h0")
    hs, _ = theano.scan(lambda xt, h: 0.5 * h + xt * xt, sequences=x, outputs_info=h0,
                        mode=mode)
    return theano.function([x, h0], hs[-1] + 1.0, mode=mode)


def test_vector_state_in_the_whole_graph_matches_the_per_node_code_bit_for_bit():
    f = _vector_state()
    assert "scan_loop" in _whole(f)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((9, 4))
    h0 = rng.standard_normal(4)
    h = h0.copy()
    for xt in x:
        h = 0.5 * h + xt * xt
    out = f(x, h0)
    np.testing.assert_allclose(out, h + 1.0, rtol=1e-14)
    old = config.numba__whole_graph
    config.numba__whole_graph = False
    try:
        per_node = _vector_state()
    finally:
        config.numba__whole_graph = old
    assert _whole(per_node) == ""
    assert per_node(x, h0).tobytes() == out.tobytes()
    _same_50(f, (x, h0), [out.tobytes()])
    # a step returning a row of the wrong shape: the per-node code's error
    with pytest.raises(ValueError):
        f(x, np.zeros(3))


def test_scan_with_a_libm_heavy_vector_step_stays_on_the_per_node_code():
    # the loop's path depends on the shapes there (see _NumbaLoop.run): not in the whole graph
    x = T.dmatrix("x")
    hs, _ = theano.scan(lambda xt: xt ** 1.7 + 1.0, sequences=x)
    f = theano.function([x], hs.sum(axis=0) * 2.0)
    assert "scan_loop" not in _whole(f)
    xv = np.linspace(0, 1, 12).reshape(3, 4)
    np.testing.assert_allclose(f(xv), (xv ** 1.7 + 1.0).sum(axis=0) * 2.0, rtol=1e-14)
    assert len(_scan_ops(f)) == 1


def test_last_value_of_a_fold_and_the_error_of_zero_steps():
    def build(mode=None):
        x = T.dvector("x")
        r, _ = theano.foldl(lambda xt, acc: acc * 0.5 + xt, sequences=x,
                            outputs_info=T.constant(np.float64(0.0)), mode=mode)
        return theano.function([x], r * 3.0 + 1.0, mode=mode)

    f, ref = build(), build(PY)
    assert "scan_loop" in _whole(f)
    x = np.array([1.0, -2.0, 0.25, 4.0])
    acc = 0.0
    for xt in x:
        acc = acc * 0.5 + xt
    out = f(x)
    assert out.shape == () and out.dtype == np.float64
    np.testing.assert_allclose(out, acc * 3.0 + 1.0, rtol=1e-15)
    assert out.tobytes() == ref(x).tobytes()
    _same_50(f, (x,), [out.tobytes()])
    with pytest.raises(IndexError):
        ref(np.zeros(0))
    with pytest.raises(IndexError):
        f(np.zeros(0))
