"""The compiled loop's inputs: constant non-sequences move into the body (whose rewrites then see
them), an outer variable passed twice is passed once, sequences nobody reads are dropped where
their length check cannot fail, and an unused explicit non-sequence is not carried. Values
against NumPy on the reference VM with rewrites, the default backend and JAX when installed
(each function called twice)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Constant
from theano.scan.op import Scan

from tests.scan.util import scan_node
from tests.helpers import value_mode, value_modes


def modes():
    return [m for m in value_modes() if m != "py"] + ["py_rewrites"]


def mode_of(name):
    return theano.Mode(linker="py") if name == "py_rewrites" else value_mode(name)


@pytest.mark.parametrize("mode", modes())
def test_constant_non_sequences_move_into_the_body(mode):
    h0 = T.dvector("h0")
    o, _ = theano.scan(lambda h: T.tanh(h ** 2 * 0.5 + 1), outputs_info=h0, n_steps=4)
    f = theano.function([h0], o, mode=mode_of(mode))
    if mode != "jax":
        node = scan_node(f)
        assert not any(isinstance(v, Constant) for v in node.inputs[2:])
    for v in ([0.3, -1.2], [2.0, 0.1]):
        h, want = np.array(v), []
        for _ in range(4):
            h = np.tanh(h ** 2 * 0.5 + 1)
            want.append(h)
        for _ in range(2):
            np.testing.assert_allclose(f(np.array(v)), want, rtol=1e-13)


@pytest.mark.parametrize("mode", modes())
def test_a_variable_passed_twice_is_passed_once(mode):
    W, v = T.dmatrix("W"), T.ivector("v")
    y1, _ = theano.scan(lambda i, _, W: T.exp(W[i]), sequences=[v, v], non_sequences=W)
    y2, _ = theano.scan(lambda i, W, a, b: T.exp(W[i]) * a + b, sequences=v,
                        non_sequences=[W, W[0], W[0]])
    f = theano.function([W, v], [y1, y2], mode=mode_of(mode))
    if mode != "jax":
        for node in [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]:
            ins = node.inputs[2:]
            assert len({id(x) for x in ins}) == len(ins)
    Wv = np.arange(9.0).reshape(3, 3) / 10
    for idx in ([1, 2], [0, 2, 1]):
        iv = np.array(idx, dtype="int32")
        for _ in range(2):
            a, b = f(Wv, iv)
            np.testing.assert_allclose(a, np.exp(Wv[iv]))
            np.testing.assert_allclose(b, np.exp(Wv[iv]) * Wv[0] + Wv[0])


def test_unread_sequence_is_dropped_only_where_no_length_check_is_lost():
    x, y = T.dvector("x"), T.dvector("y")
    # y unread, but the number of steps is built from both lengths: y may go
    o, _ = theano.scan(lambda a, b: T.exp(a), sequences=[x, y])
    f = theano.function([x, y], o, mode=theano.Mode(linker="py"))
    assert not any(v is y for v in scan_node(f).inputs)
    np.testing.assert_allclose(f(np.arange(4.0), np.arange(3.0)), np.exp(np.arange(3.0)))
    # explicit n_steps: y must still be long enough
    o, _ = theano.scan(lambda a, b: T.exp(a), sequences=[x, y], n_steps=3)
    f = theano.function([x, y], o, mode=theano.Mode(linker="py"))
    np.testing.assert_allclose(f(np.arange(4.0), np.arange(3.0)), np.exp(np.arange(3.0)))
    with pytest.raises(ValueError):
        f(np.arange(4.0), np.arange(2.0))
