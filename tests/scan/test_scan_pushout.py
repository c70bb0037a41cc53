"""Pushout: exactly rounded elementwise work on a sequence's rows runs once on the whole sequence
before the loop, and outputs that copy a sequence, a non-sequence or a constant are made outside
the loop. Results are compared bit for bit with the same graph compiled in the same mode without
these rewrites, and with NumPy, on the reference VM and the default backend (and JAX when
installed; each function called twice)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import io_toposort
from theano.scan.op import Scan
from tests.helpers import value_mode, value_modes

PUSHOUT = ("scanOp_pushout_seqs_ops", "scanOp_pushout_output")


def modes():
    return [m for m in value_modes() if m != "py"] + ["py_rewrites"]


def mode_of(name):
    return theano.Mode(linker="py") if name == "py_rewrites" else value_mode(name)


def scans(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def check_same_bits(inputs, outputs, args, mode, n_scans=None):
    f = theano.function(inputs, outputs, mode=mode_of(mode))
    ref = theano.function(inputs, outputs, mode=mode_of(mode).excluding(*PUSHOUT))
    if n_scans is not None and mode != "jax":
        assert len(scans(f)) == n_scans
    want = ref(*args)
    for _ in range(2):
        got = f(*args)
        for a, b in zip(got if isinstance(got, list) else [got],
                        want if isinstance(want, list) else [want]):
            np.testing.assert_array_equal(a, b)
    return want


@pytest.mark.parametrize("mode", modes())
def test_map_of_exact_elemwise_needs_no_loop(mode):
    x, c = T.dvector("x"), T.dscalar("c")
    o, _ = theano.scan(lambda t, c: (t + 2) * c - t / 3, sequences=x, non_sequences=c)
    xv = np.linspace(-1, 2, 7)
    got = check_same_bits([x, c], o, [xv, 1.7], mode, n_scans=0)
    np.testing.assert_allclose(got, (xv + 2) * 1.7 - xv / 3)


@pytest.mark.parametrize("mode", modes())
def test_map_backwards_and_float32(mode):
    x = T.fvector("x")
    o, _ = theano.scan(lambda t: T.sqrt(abs(t)) * np.float32(1.1), sequences=x, go_backwards=True)
    xv = np.linspace(-3, 2, 6).astype("float32")
    got = check_same_bits([x], o, [xv], mode, n_scans=0)
    np.testing.assert_allclose(got, (np.sqrt(np.abs(xv)) * np.float32(1.1))[::-1], rtol=1e-6)


@pytest.mark.parametrize("mode", modes())
def test_exact_part_of_a_recurrent_body_moves_out(mode):
    m = T.dmatrix("m")
    o, _ = theano.scan(lambda t, h: T.tanh(t * 2 + 1) + h, sequences=m,
                       outputs_info=T.zeros_like(m[0]))
    mv = np.random.RandomState(0).rand(5, 3)
    got = check_same_bits([m], o, [mv], mode, n_scans=1)
    np.testing.assert_allclose(got, np.cumsum(np.tanh(mv * 2 + 1), axis=0))
    if mode != "jax":
        f = theano.function([m], o, mode=mode_of(mode))
        (node,) = scans(f)
        inner = [n.op for n in io_toposort(node.op.inner_inputs, node.op.inner_outputs)]
        assert not any("mul" in str(op) for op in inner)   # t * 2 + 1 is outside
        assert any("tanh" in str(op) for op in inner)      # tanh stays in the loop


def test_transcendental_map_keeps_its_loop():
    x = T.dvector("x")
    o, _ = theano.scan(lambda t: T.exp(t), sequences=x)
    f = theano.function([x], o, mode=theano.Mode(linker="py"))
    assert len(scans(f)) == 1
    np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)))


@pytest.mark.parametrize("mode", modes())
def test_output_of_loop_invariants_only(mode):
    h0, W1, W2 = T.dvector("h0"), T.dmatrix("W1"), T.dmatrix("W2")
    o, _ = theano.scan(lambda h, W1, W2: T.dot(h, W1 + W2), non_sequences=[h0, W1, W2], n_steps=5)
    c, _ = theano.scan(lambda: T.constant(np.array([1.5, 2.5])), n_steps=3)
    rng = np.random.RandomState(1)
    args = [rng.rand(2), rng.rand(2, 2), rng.rand(2, 2)]
    got = check_same_bits([h0, W1, W2], [o, c], args, mode, n_scans=0)
    np.testing.assert_allclose(got[0], np.tile(np.dot(args[0], args[1] + args[2]), (5, 1)))
    np.testing.assert_array_equal(got[1], [[1.5, 2.5]] * 3)


@pytest.mark.parametrize("mode", modes())
def test_while_loop_with_pushed_out_condition(mode):
    x = T.dvector("x")
    o, _ = theano.scan(lambda t: (t + 1, theano.scan_module.until(t > 3)), x)
    o2, _ = theano.scan(lambda t: t + 2, x)
    v = np.zeros(50)
    v[23] = 4
    a, b = check_same_bits([x], [o, o2], [v], mode, n_scans=1)
    assert len(a) == 24
    np.testing.assert_array_equal(b, v + 2)


def test_too_few_rows_for_n_steps_still_raises():
    x = T.dvector("x")
    o, _ = theano.scan(lambda t: t + 1, sequences=x, n_steps=10)
    f = theano.function([x], o, mode=theano.Mode(linker="py"))
    np.testing.assert_array_equal(f(np.arange(12.0)), np.arange(10.0) + 1)
    with pytest.raises(ValueError):
        f(np.arange(5.0))


def test_sequence_with_taps_copied_out():
    x = T.dvector("x")
    o, _ = theano.scan(lambda a, b: b - a, sequences=dict(input=x, taps=[-2, 0]))
    o2, _ = theano.scan(lambda b: b, sequences=dict(input=x, taps=[2]))
    for mode in ("py_rewrites", "auto"):
        f = theano.function([x], [o, o2], mode=mode_of(mode))
        xv = np.arange(6.0) ** 2
        for _ in range(2):
            a, b = f(xv)
            np.testing.assert_array_equal(a, xv[2:] - xv[:-2])
            np.testing.assert_array_equal(b, xv[2:])
