"""An output of a compiled function that is one of its inputs becomes a DeepCopyOp node (Theano
1.0's compiled graphs), unless the argument is lent and returned borrowed."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = ["FAST_COMPILE", None]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int8"])
def test_returned_input_is_a_deep_copy_node(mode, dtype):
    from theano.compile.ops import DeepCopyOp

    x = T.vector("x", dtype=dtype)
    s = theano.shared(np.arange(3).astype(dtype))
    f = theano.function([x], [T.tensor_copy(x), s, x * 2], mode=mode)
    if mode is None:    # the identity is rewritten away: the output is the input, copied by a node
        assert sum(isinstance(n.op, DeepCopyOp) for n in f.maker.fgraph.toposort()) == 2
    for n in (3, 1, 3):
        a = np.arange(n).astype(dtype)
        r = f(a)
        np.testing.assert_array_equal(r[0], a)
        np.testing.assert_array_equal(r[1], np.arange(3))
        np.testing.assert_array_equal(r[2], (2 * a).astype(dtype))
        assert not np.shares_memory(r[0], a)
        assert not np.shares_memory(r[1], s.get_value(borrow=True))
    # an argument lent and returned borrowed is returned as is, with no node
    g = theano.function([theano.In(x, borrow=True)], theano.Out(x, borrow=True), mode=mode)
    assert not g.maker.fgraph.toposort()
    a = np.arange(3).astype(dtype)
    assert g(a) is a


@pytest.mark.parametrize("mode", MODES)
def test_trust_input_functions_copy_in_the_call(mode):
    # (scan compiles its loop body with trust_input=True and runs the bare thunk)
    from theano.compile.ops import DeepCopyOp

    x = T.dvector("x")
    f = theano.function([x], [x, x * 2], mode=mode, trust_input=True)
    assert not any(isinstance(n.op, DeepCopyOp) for n in f.maker.fgraph.toposort())
    for n in (3, 1, 3):
        a = np.arange(float(n))
        r = f(a)
        np.testing.assert_array_equal(r[0], a)
        assert not np.shares_memory(r[0], a)
    h0 = T.dscalar("h0")
    (hs, gs), _ = theano.scan(lambda xt, h, g: (h + xt, h), sequences=[x], outputs_info=[h0, h0])
    g = theano.function([x, h0], [hs, gs], mode=mode)
    for n in (5, 1, 5):
        v = np.linspace(0.5, 2.0, n)
        rh, rg = g(v, 1.0)
        np.testing.assert_allclose(rh, 1.0 + np.cumsum(v))
        np.testing.assert_allclose(rg, np.concatenate([[1.0], rh[:-1]]))
