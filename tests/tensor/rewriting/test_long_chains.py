"""Long left-nested sums and products are flattened once, from the top (linear time), keep the
left-to-right order of the float operations, and stop at an intermediate used elsewhere."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.graph.rewriting import optimize_graph


def _chain(x, n, op):
    y = x
    for i in range(n):
        y = op(y, x if i % 2 == 0 else T.constant(1.0 + i / 1000.0))
    return y


def _rewrite(outputs, inputs):
    fg = FunctionGraph(inputs, outputs, clone=False)
    optimize_graph(fg, "fast_run", (), ("fusion", "inplace"), ())
    return fg


@pytest.mark.parametrize("op", [T.add, T.mul], ids=["add", "mul"])
def test_chain_becomes_one_node_in_order(op):
    x = T.dvector("x")
    n = 400
    fg = _rewrite([_chain(x, n, op)], [x])
    nodes = [nd for nd in fg.toposort() if type(nd.op.scalar_op).__name__ in ("Add", "Mul")]
    assert len(nodes) == 1
    assert len(nodes[0].inputs) == n + 1
    # the inputs in the order of the original left-to-right evaluation
    assert nodes[0].inputs[0] is x and nodes[0].inputs[1] is x
    consts = [float(np.asarray(v.data).reshape(-1)[0]) for v in nodes[0].inputs[2::2]]
    assert consts == [1.0 + i / 1000.0 for i in range(1, n, 2)]


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_chain_values_bit_identical_to_left_to_right(mode):
    x = T.dvector("x")
    n = 300
    f = theano.function([x], _chain(x, n, T.add), mode=mode)
    v = np.random.default_rng(0).normal(size=17)
    ref = v.copy()
    for i in range(n):
        ref = ref + (v if i % 2 == 0 else 1.0 + i / 1000.0)
    for _ in range(3):
        np.testing.assert_array_equal(f(v), ref)


def test_chain_stops_at_intermediate_used_twice():
    x = T.dvector("x")
    a = x + 1.0
    b = a + 2.0          # b is used by c and by the second output
    c = (b + 3.0) + 4.0
    fg = _rewrite([c, b * 2.0], [x])
    adds = [nd for nd in fg.toposort() if type(nd.op.scalar_op).__name__ == "Add"]
    # b keeps its own node; c flattens down to b only
    sizes = sorted(len(nd.inputs) for nd in adds)
    assert sizes == [3, 3]
    f = theano.function([x], [c, b * 2.0])
    out_c, out_b2 = f(np.arange(3.0))
    np.testing.assert_array_equal(out_c, ((np.arange(3.0) + 1 + 2) + 3) + 4)
    np.testing.assert_array_equal(out_b2, (np.arange(3.0) + 3) * 2)


def test_thousands_of_inputs_compile_and_run():
    # the native backend's one-ufunc function for an n-ary node with thousands of inputs
    x = T.dvector("x")
    n = 3000
    f = theano.function([x], _chain(x, n, T.add))
    v = np.linspace(0, 1, 5)
    ref = v.copy()
    for i in range(n):
        ref = ref + (v if i % 2 == 0 else 1.0 + i / 1000.0)
    np.testing.assert_array_equal(f(v), ref)
