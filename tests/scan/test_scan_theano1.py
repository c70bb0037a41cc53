"""scan as Theano 1.0 defines it: strict=True concerns shared variables only (other outer
variables become non-sequences), sequence taps windows (negative taps only: len(x) - |min tap|
steps; one positive tap k: x[t + k]), and updates given as any iterable of pairs."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = ["FAST_COMPILE", "FAST_RUN"]


@pytest.mark.parametrize("mode", MODES)
def test_strict_adds_free_outer_variables(mode):
    x = T.dvector("x")
    a = T.dscalar("a")
    w = theano.shared(np.float64(2.0), name="w")
    r, _ = theano.scan(lambda v: v * a + 1, sequences=x, strict=True)
    f = theano.function([x, a], r, mode=mode)
    xv = np.array([1.0, 2.0, 3.0])
    for _ in range(2):
        np.testing.assert_allclose(f(xv, 3.0), xv * 3 + 1)
    with pytest.raises(ValueError, match="shared variable"):
        theano.scan(lambda v: v * w * a, sequences=x, strict=True)
    with pytest.raises(theano.graph.fg.MissingInputError):
        theano.scan(lambda v: v * w, sequences=x, strict=True)
    r2, _ = theano.scan(lambda v, w_: v * w_ * a, sequences=x, non_sequences=w, strict=True)
    np.testing.assert_allclose(theano.function([x, a], r2, mode=mode)(xv, 0.5), xv * 2 * 0.5)


@pytest.mark.parametrize("mode", MODES)
def test_negative_and_positive_sequence_taps(mode):
    x = T.dvector("x")
    xv = np.arange(1.0, 6.0)
    y, _ = theano.scan(lambda v: v * 10, sequences=dict(input=x, taps=[-1]))
    np.testing.assert_allclose(theano.function([x], y, mode=mode)(xv), xv[:-1] * 10)
    z, _ = theano.scan(lambda a, b: a + 100 * b, sequences=dict(input=x, taps=[-2, -1]))
    fz = theano.function([x], z, mode=mode)
    for _ in range(2):
        np.testing.assert_allclose(fz(xv), xv[:-2] + 100 * xv[1:-1])
    p, _ = theano.scan(lambda v: v, sequences=dict(input=x, taps=[2]))
    np.testing.assert_allclose(theano.function([x], p, mode=mode)(xv), xv[2:])
    m, _ = theano.scan(lambda a, b, c: a + 10 * b + 100 * c, sequences=dict(input=x, taps=[-1, 0, 1]))
    np.testing.assert_allclose(theano.function([x], m, mode=mode)(xv),
                               xv[:-2] + 10 * xv[1:-1] + 100 * xv[2:])


@pytest.mark.parametrize("mode", MODES)
def test_scan_updates_as_items_passed_on(mode):
    acc = theano.shared(np.float64(0.0), name="acc")
    x = T.dvector("x")

    def step(v):
        return v * 2, {acc: acc + v}.items()

    r, upd = theano.scan(step, sequences=x)
    f = theano.function([x], r, updates=upd.items(), mode=mode)
    xv = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(f(xv), xv * 2)
    assert acc.get_value() == 7.0
    f(xv)
    assert acc.get_value() == 14.0


@pytest.mark.parametrize("mode", MODES)
def test_constant_initial_state_takes_the_step_dtype(mode):
    seq = T.ivector("seq")
    rs, _ = theano.scan(lambda s, p: p + s, sequences=seq, outputs_info=0)
    assert rs.dtype == "int32"
    f = theano.function([seq], rs, mode=mode)
    sv = np.arange(6).astype("int32")
    for _ in range(2):
        np.testing.assert_array_equal(f(sv), np.cumsum(sv))
    one, _ = theano.scan(lambda s, p: p + s, sequences=dict(input=seq, taps=[2]), outputs_info=0,
                         n_steps=1)
    np.testing.assert_array_equal(theano.function([seq], one, mode=mode)(sv), [2])
    # a symbolic initial state keeps its dtype: the mismatch is an error that says what to do
    x = T.dvector("x")
    with pytest.raises(TypeError, match="dtype"):
        theano.scan(lambda s, p: p + s, sequences=x, outputs_info=T.iscalar("i0"))


@pytest.mark.parametrize("mode", MODES)
def test_fn_returning_a_list_of_outputs_and_updates(mode):
    w = T.dscalar("w")
    sh = theano.shared(np.float64(2.0), name="sh")
    x1 = T.dvector("x1")
    x2 = T.dscalar("x2")

    def step(*args):
        ww = args[-1]
        return [(ww + 1.0, ww + 2.0, ww + 3.0), {sh: ww + 4.0}]

    (a, b, c), upd = theano.scan(step, [], [dict(initial=x1, taps=[-1, -3]), x2, None], w,
                                 n_steps=5)
    f = theano.function([w, x1, x2], [a, b, c], updates=upd, mode=mode)
    out = f(0.5, [0.0, 0.0, 0.0], 0.0)
    np.testing.assert_allclose(out[0], np.full(5, 1.5))
    np.testing.assert_allclose(out[1], np.full(5, 2.5))
    np.testing.assert_allclose(out[2], np.full(5, 3.5))
    assert sh.get_value() == 4.5


def test_identical_scans_are_equal_and_merged():
    from theano.scan.op import Scan

    x, y = T.dvectors("x", "y")
    s1, _ = theano.scan(lambda a: a + 1, x)
    s2, _ = theano.scan(lambda a: a + 1, y)
    s3, _ = theano.scan(lambda a: a * 2, x)
    assert s1.owner.op == s2.owner.op and hash(s1.owner.op) == hash(s2.owner.op)
    assert s1.owner.op != s3.owner.op
    s4, _ = theano.scan(lambda a: a + 1, x)
    no_merge = theano.Mode(linker="py").excluding("scan_merge", "scanOp_pushout_seqs_ops",
                                                  "scanOp_pushout_output")
    f = theano.function([x], [s1, s4, s3], mode=no_merge)
    assert sum(isinstance(n.op, Scan) for n in f.maker.fgraph.toposort()) == 2
    r1, r4, r3 = f(np.arange(3.0))
    np.testing.assert_allclose(r4, r1)
    # with scan_merge (default), the third loop runs in the same loop as the other two
    f = theano.function([x], [s1, s4, s3], mode=theano.Mode(linker="py").excluding(
        "scanOp_pushout_seqs_ops", "scanOp_pushout_output"))
    assert sum(isinstance(n.op, Scan) for n in f.maker.fgraph.toposort()) == 1
    r1, r4, r3 = f(np.arange(3.0))
    np.testing.assert_allclose(r1, np.arange(3.0) + 1)
    np.testing.assert_allclose(r4, r1)
    np.testing.assert_allclose(r3, np.arange(3.0) * 2)


def test_unused_explicit_non_sequence_is_an_input_of_the_graph():
    # Theano 1.0: a variable passed in non_sequences is part of the graph even when the step
    # does not read it, so theano.function does not reject it as an unused input
    from theano.scan.op import Scan

    X, Y = T.dmatrices("X", "Y")
    b, _ = theano.scan(lambda i, X, Y: T.tanh(X.sum() * i), sequences=T.arange(3),
                       non_sequences=[X, Y])
    assert any(v is Y for v in b.owner.inputs)
    for mode in (theano.Mode(linker="py"), theano.Mode(linker="auto")):
        f = theano.function([X, Y], b, mode=mode)
        (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
        assert not any(v is Y for v in node.inputs)   # the compiled loop does not carry it
        for _ in range(2):
            np.testing.assert_allclose(f(np.ones((2, 2)), np.ones((3, 3))),
                                       np.tanh(4.0 * np.arange(3)))


def test_op_fn_is_the_compiled_body():
    # Theano 1.0 programs inspect op.fn.maker.fgraph (the rewritten inner graph)
    from theano.scan.op import Scan
    from theano.tensor.elemwise import Elemwise

    h0, W1, W2 = T.dvector("h0"), T.dmatrix("W1"), T.dmatrix("W2")
    o, _ = theano.scan(lambda h, W1, W2: T.dot(h, W1 + W2), outputs_info=h0,
                       non_sequences=[W1, W2], n_steps=3)
    f = theano.function([h0, W1, W2], o)
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    # W1 + W2 does not change from step to step: computed once, outside the body
    assert not [n for n in node.op.fn.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    assert all(c.value is None for c in node.op.fn.input_storage)
    h, a, b = np.array([1.0, 2.0]), np.eye(2) * 0.5, np.ones((2, 2)) * 0.25
    for _ in range(2):
        want, hv = [], h
        for _ in range(3):
            hv = hv @ (a + b)
            want.append(hv)
        np.testing.assert_allclose(f(h, a, b), want)
    assert all(c.value is None for c in node.op.fn.input_storage)
