"""Theano 1.0's op instances that programs compare nodes with: ``T.clip`` and the in-place ops of
``theano.tensor.inplace`` (``node.op == T.inplace.neg_inplace``), and ``1 - sigmoid(x)``."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import theano
import theano.tensor as T
from theano.graph.rewriting.legacy import check_stack_trace
from theano.scalar import basic as ts
from theano.tensor import inplace
from theano.tensor.elemwise import Elemwise
from theano.tensor.nnet import sigm

MODES = {"default": None, "py": theano.Mode(linker="py")}


def test_clip_is_an_op_equal_to_its_nodes_op():
    x = T.dmatrix("x")
    out = T.clip(x, 0.0, 1.0)
    assert out.owner.op == T.clip and T.clip == out.owner.op
    assert hash(out.owner.op) == hash(T.clip)
    assert type(out.owner.op) is Elemwise  # the nodes hold the plain elementwise op
    assert T.clip != T.maximum and T.clip != Elemwise(ts.clip, {0: 0})
    assert x.clip(0.0, 1.0).owner.op == T.clip
    with pytest.raises(TypeError, match="complex"):
        T.clip(T.cvector(), 0, 1)


@pytest.mark.parametrize("mode", MODES)
def test_clip_values(mode):
    x, lo = T.dvector("x"), T.dscalar("lo")
    f = theano.function([x, lo], [T.clip(x, lo, 1.0), T.grad(T.clip(x, lo, 1.0).sum(), x)],
                        mode=MODES[mode])
    for k in range(3):
        xv = np.array([-2.0, 0.25, 0.5, 3.0]) + k
        r, g = f(xv, -1.0)
        assert_allclose(r, np.clip(xv, -1.0, 1.0))
        assert_allclose(g, ((xv >= -1.0) & (xv <= 1.0)).astype(float))  # ends included


def test_hard_sigmoid_graph_holds_clip():
    x = T.dmatrix("x")
    mode = theano.Mode(linker="py").including("local_hard_sigmoid").excluding("fusion", "inplace")
    f = theano.function([x], T.nnet.sigmoid(x), mode=mode)
    assert any(n.op == T.clip for n in f.maker.fgraph.toposort())
    assert check_stack_trace(f, ops_to_check=T.clip)
    xv = np.array([[-50.0, -1.0, 0.0, 1.0, 50.0]])
    for _ in range(3):
        assert_allclose(f(xv), np.clip(0.2 * xv + 0.5, 0, 1))


def test_inplace_op_instances_equal_their_nodes_op():
    x = T.dvector("x")
    node = inplace.neg_inplace(x).owner
    assert node.op == inplace.neg_inplace and inplace.neg_inplace == node.op
    assert hash(node.op) == hash(inplace.neg_inplace)
    assert inplace.neg_inplace != T.neg  # the in-place pattern differs
    assert inplace.neg_inplace != inplace.exp_inplace


@pytest.mark.parametrize("mode", MODES)
def test_compiled_inplace_neg_is_neg_inplace(mode):
    # the optimizer's in-place neg node is the op Theano programs know as T.inplace.neg_inplace
    x = T.dvector("x")
    f = theano.function([x], -T.nnet.sigmoid(x), mode=theano.Mode(
        linker="py" if mode == "py" else "auto").excluding("fusion"))
    assert any(n.op == inplace.neg_inplace for n in f.maker.fgraph.toposort())
    xv = np.array([-3.0, 0.0, 2.0])
    for _ in range(3):
        assert_allclose(f(xv), -1 / (1 + np.exp(-xv)))
    np.testing.assert_array_equal(xv, [-3.0, 0.0, 2.0])  # the argument was not overwritten


@pytest.mark.parametrize("mode", MODES)
def test_one_minus_sigmoid_is_sigmoid_of_minus_x(mode):
    # Theano 1.0's flag for its canonicalize-phase rewrite is False, as it was there; the stabilize
    # phase does the rewrite here, without a subtraction that would round to 0
    assert sigm.register_local_1msigmoid is False
    x = T.dvector("x")
    for expr in (1 - T.nnet.sigmoid(x), 1 - T.exp(x) / (1 + T.exp(x))):
        f = theano.function([x], expr, mode=MODES[mode])
        xv = np.array([-1000.0, -5.0, 0.0, 5.0, 40.0, 700.0])
        for _ in range(3):
            got = f(xv)
            assert_allclose(got, np.exp(-np.logaddexp(0.0, xv)), rtol=1e-12)
            assert got[4] > 0  # 1 - sigmoid(40) is 4.2e-18, not 0
