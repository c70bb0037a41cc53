"""Theano 1.0's ``theano.gof.opt.pre_constant_merge`` and ``pre_greedy_local_optimizer``: rewrites
of a graph made before any FunctionGraph exists (Theano's scan used them on index graphs)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gof.opt import local_optimizer, pre_constant_merge, pre_greedy_local_optimizer
from theano.graph.basic import Constant, ancestors, io_toposort
from theano.tensor.opt import constant_folding
from theano.tensor.type_other import MakeSlice, SliceConstant


def _constants(outs):
    return {v for v in ancestors(outs) if isinstance(v, Constant)}


def test_constant_folding_before_compilation():
    x = T.dvector("x")
    e = x * (T.constant(2.0) + T.constant(3.0)) + T.exp(T.constant(0.0))
    nodes_before = io_toposort([], [e])
    f = pre_greedy_local_optimizer([constant_folding], e)
    assert io_toposort([], [e]) == nodes_before          # the graph given is unchanged
    # only the two operations on x are left; the constants are folded to 5 and 1
    assert [type(n.op.scalar_op).__name__ for n in io_toposort([x], [f])
            if hasattr(n.op, "scalar_op")] == ["Mul", "Add"]
    assert sorted(float(np.asarray(c.data).ravel()[0]) for c in _constants([f])) == [1.0, 5.0]
    xv = np.array([0.5, -2.0, 3.0])
    np.testing.assert_allclose(theano.function([x], f)(xv), xv * 5.0 + 1.0)
    # a list in, a list out
    (g,) = pre_greedy_local_optimizer([constant_folding], [e])
    np.testing.assert_allclose(theano.function([x], g)(xv), xv * 5.0 + 1.0)


def test_a_slice_folds_to_a_slice_constant():
    ms = MakeSlice()(1)
    cst = pre_greedy_local_optimizer([constant_folding], ms)
    assert isinstance(cst, SliceConstant)
    assert cst.data == slice(1, None, None)
    hash(cst.signature())


def test_user_local_optimizers_one_pass_first_wins():
    calls = []

    @local_optimizer([T.Elemwise])
    def exp_to_sqr(node):
        calls.append(node)
        if isinstance(node.op.scalar_op, theano.scalar.Exp):
            return [T.sqr(node.inputs[0])]
        return False

    @local_optimizer([T.Elemwise])
    def exp_to_neg(node):
        if isinstance(node.op.scalar_op, theano.scalar.Exp):
            return [-node.inputs[0]]
        return False

    x = T.dvector("x")
    e = T.exp(T.exp(x)) + 1.0
    f = pre_greedy_local_optimizer([exp_to_sqr, exp_to_neg], e)
    xv = np.array([0.5, -1.5, 2.0])
    # each exp seen once, the inner one first; the first optimizer's answer is kept
    np.testing.assert_allclose(theano.function([x], f)(xv), (xv ** 2) ** 2 + 1.0)
    assert len(calls) == 3   # two exps, one add


def test_constant_merge():
    x = T.dvector("x")
    two_a, two_b, three = T.constant(2.0), T.constant(2.0), T.constant(3.0)
    e = (x * two_a + two_b) * three
    (m,) = pre_constant_merge([e])
    consts = _constants([m])
    assert len(consts) == 2                            # the two 2.0 are one constant now
    assert sorted(float(c.data) for c in consts) == [2.0, 3.0]
    assert _constants([e]) == {two_a, two_b, three}    # the graph given is unchanged
    xv = np.array([1.0, -4.0])
    np.testing.assert_allclose(theano.function([x], m)(xv), (xv * 2 + 2) * 3)
    # a single variable is accepted; nothing to merge: the variables themselves come back
    y = x * three
    assert pre_constant_merge(y) == [y]
    # constants of different dtypes are not merged
    k = T.constant(np.float32(2.0)) * T.constant(np.float64(2.0)) + x
    assert len(_constants(pre_constant_merge(k))) == 2


def test_bad_arguments():
    with pytest.raises(TypeError, match="symbolic variables"):
        pre_constant_merge([1.0])
    with pytest.raises(TypeError, match="symbolic variable"):
        pre_greedy_local_optimizer([constant_folding], [np.ones(2)])
    with pytest.raises(TypeError, match="not a local optimizer"):
        pre_greedy_local_optimizer([42], T.dvector() + 1)
