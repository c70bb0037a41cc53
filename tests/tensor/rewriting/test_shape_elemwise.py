"""Shape lifting, useless reshape/rebroadcast/dimshuffle/cast/fill, constant folding, gradient-only
ops removed, indexing a built shape."""

import numpy as np

import theano
import theano.tensor as T
from theano.compile.ops import DeepCopyOp
from theano.graph.basic import Constant
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.reshaping import Reshape, Shape, Shape_i
from tests.helpers import rand
from tests.tensor.rewriting.utils import NOFUSE, check_same_values, compile_, op_types, scalar_ops


def test_shape_of_dot_does_not_compute_dot():
    x, y = T.dmatrices("x", "y")
    out = T.dot(x, y).shape[0] + T.dot(x, y).shape[1] * 10
    f = check_same_values([x, y], out, [rand(3, 4), rand(4, 5)], *NOFUSE)
    types = op_types(f)
    assert T.Dot not in types and Shape not in types
    assert all(n.inputs[0] in f.maker.fgraph.inputs for n in f.maker.fgraph.toposort()
               if isinstance(n.op, Shape_i))


def test_shape_through_elemwise_reduce_and_dimshuffle():
    x = T.dtensor3("x")
    y = T.exp(x).sum(axis=1).dimshuffle(1, "x", 0)
    f = check_same_values([x], y.shape, [rand(2, 3, 4)], *NOFUSE)
    assert Elemwise not in [type(n.op) for n in f.maker.fgraph.toposort()
                            if str(getattr(n.op, "scalar_op", "")) == "exp"]
    assert not any(str(getattr(n.op, "scalar_op", "")) == "exp" for n in f.maker.fgraph.toposort())


def test_shape_of_constant_and_broadcastable_dims_fold():
    r = T.drow("r")
    f = compile_([r], r.shape[0] + T.constant(np.zeros((2, 7))).shape[1], *NOFUSE)
    out = f.maker.fgraph.outputs[0]
    # a constant output is returned through a DeepCopyOp node (Theano 1.0)
    assert isinstance(out.owner.op, DeepCopyOp) and isinstance(out.owner.inputs[0], Constant)
    assert int(f(rand(1, 3))) == 8


def test_shape_in_fast_compile_too():
    x, y = T.dmatrices("x", "y")
    f = theano.function([x, y], T.dot(x, y).shape[1], mode="FAST_COMPILE")
    assert T.Dot not in op_types(f)
    assert int(f(rand(2, 3), rand(3, 6))) == 6


def test_useless_reshape_and_reshape_of_reshape():
    x = T.dmatrix("x")
    f = check_same_values([x], T.reshape(x, x.shape) * 2, [rand(3, 4)], *NOFUSE)
    assert Reshape not in op_types(f)
    f = check_same_values([x], T.reshape(x, (x.shape[0], x.shape[1])) * 2, [rand(3, 4)], *NOFUSE)
    assert Reshape not in op_types(f)
    f = check_same_values([x], T.reshape(T.reshape(x, (-1,)), (4, 3)), [rand(3, 4)], *NOFUSE)
    assert op_types(f).count(Reshape) == 1
    v = T.dvector("v")
    f = check_same_values([v], T.reshape(v, (-1,)), [rand(5)], *NOFUSE)
    assert Reshape not in op_types(f)


def test_useless_rebroadcast():
    x = T.dmatrix("x")
    y = T.unbroadcast(T.addbroadcast(x, 0), 0)
    f = check_same_values([x], y * 2, [rand(1, 4)], *NOFUSE)
    assert T.Rebroadcast not in op_types(f)
    y = T.addbroadcast(T.addbroadcast(x, 0), 1)
    f = check_same_values([x], y, [rand(1, 1)], *NOFUSE)
    assert op_types(f).count(T.Rebroadcast) == 1


def test_dimshuffle_of_dimshuffle_and_identity():
    x = T.dmatrix("x")
    f = check_same_values([x], x.T.T * 2, [rand(3, 4)], *NOFUSE)
    assert DimShuffle not in op_types(f)
    f = check_same_values([x], x.dimshuffle(1, "x", 0).dimshuffle(2, 0, 1), [rand(3, 4)], *NOFUSE)
    (ds,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, DimShuffle)]
    assert ds.op.new_order == (0, 1, "x")


def test_useless_cast_and_identity_removed():
    x = T.fvector("x")
    f = check_same_values([x], T.cast(T.tensor_copy(x), "float32") * 2,
                          [rand(3, dtype="float32")], *NOFUSE)
    assert scalar_ops(f) == ["mul"]


def test_fill_sink_and_useless_fill():
    x = T.dmatrix("x")
    g = T.grad(T.sum(T.exp(x)), x)  # grad of sum builds a fill(x, ...)
    f = check_same_values([x], g, [rand(2, 3)], *NOFUSE)
    assert "second" not in scalar_ops(f)
    y = T.drow("y")
    out = T.fill(x, y) * 3  # the fill gives y the shape of x: it must stay
    f = check_same_values([x, y], out, [rand(2, 3), rand(1, 3)], *NOFUSE)
    assert f(rand(2, 3), rand(1, 3)).shape == (2, 3)


def test_constant_folding_and_size_limit():
    x = T.dvector("x")
    c = T.constant(np.arange(3.0))
    f = check_same_values([x], x + T.exp(c) * 2, [rand(3)], *NOFUSE)
    assert scalar_ops(f) == ["add"]
    big = T.constant(np.ones(20000))
    f = compile_([x], T.exp(big) * x.sum(), *NOFUSE)
    assert "exp" in scalar_ops(f)  # output too big to fold
    # read through an index, only the elements read are computed, and those fold
    f = compile_([x], T.exp(big)[:3] + x, *NOFUSE)
    assert scalar_ops(f) == ["add"]


def test_grad_shaping_ops_removed():
    x = T.dvector("x")
    y = theano.gradient.zero_grad(x) + theano.gradient.disconnected_grad(x) + \
        theano.gradient.grad_clip(x, -1, 1)
    f = check_same_values([x], y, [rand(3)], *NOFUSE)
    assert all(isinstance(n.op, Elemwise) for n in f.maker.fgraph.toposort())


def test_subtensor_of_shape_and_makevector():
    x = T.dmatrix("x")
    s = T.stack([x.shape[1], x.shape[0]])
    f = check_same_values([x], s[0] * 2 + x.shape[-1], [rand(3, 4)], *NOFUSE)
    assert not any("Subtensor" in type(n.op).__name__ for n in f.maker.fgraph.toposort())


def test_merge_equal_subgraphs_in_function():
    x = T.dvector("x")
    f = check_same_values([x], [T.exp(x) * 2, T.exp(x) * 2], [rand(3)], *NOFUSE)
    assert scalar_ops(f) == ["exp", "mul"]
    a, b = f(rand(3))
    assert a is not b  # the executor still hands back two arrays


def test_useless_alloc_and_specify_shape():
    x = T.dmatrix("x")
    f = check_same_values([x], T.alloc(x, x.shape[0], x.shape[1]) * 2, [rand(2, 3)], *NOFUSE)
    assert not any(type(n.op).__name__ == "Alloc" for n in f.maker.fgraph.toposort())
    # an alloc that broadcasts stays
    r = T.drow("r")
    f = check_same_values([r, x], [T.alloc(r, x.shape[0], 3), x + 1], [rand(1, 3), rand(4, 3)], *NOFUSE)
    assert any(type(n.op).__name__ == "Alloc" for n in f.maker.fgraph.toposort())
    f = check_same_values([x], T.specify_shape(x, x.shape) * 2, [rand(2, 3)], *NOFUSE)
    assert not any(type(n.op).__name__ == "SpecifyShape" for n in f.maker.fgraph.toposort())
    # a real check stays, and still fails on a wrong shape
    f = compile_([x], T.specify_shape(x, (2, 3)) * 2, *NOFUSE)
    assert any(type(n.op).__name__ == "SpecifyShape" for n in f.maker.fgraph.toposort())
    np.testing.assert_allclose(f(np.ones((2, 3))), 2 * np.ones((2, 3)))
    try:
        f(np.ones((3, 3)))
    except Exception as exc:  # noqa: BLE001
        assert "shape" in str(exc)
    else:
        raise AssertionError("specify_shape check disappeared")
    # and its shape is known without computing x
    y = T.specify_shape(T.exp(x), (2, 3))
    f = compile_([x], y.shape[1] * 1, *NOFUSE)
    out = f.maker.fgraph.outputs[0]     # the constant, returned through a DeepCopyOp node
    assert isinstance(out.owner.op, DeepCopyOp) and isinstance(out.owner.inputs[0], Constant)


def test_dimshuffle_lifted_through_elemwise_and_fused():
    x = T.dmatrix("x")
    v = T.dvector("v")
    f = check_same_values([x, v], (T.exp(v) * 2).dimshuffle("x", 0) + x, [rand(3, 4), rand(4)],
                          "inplace", rtol=0, atol=0)
    # the product and the sum fuse into one loop; exp stays on the row it broadcasts (once per
    # column, not once per element of x: see fusion.py)
    elemwise = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    assert len(elemwise) == 2
    assert scalar_ops(f).count("exp") == 1
    (exp_node,) = [n for n in elemwise if str(n.op.scalar_op) == "exp"]
    assert exp_node.outputs[0].broadcastable == (True, False)
    f = check_same_values([x], (T.exp(x) + 1).T, [rand(3, 4)], *NOFUSE, rtol=0, atol=0)
    assert [type(n.op) for n in f.maker.fgraph.toposort()][0] is DimShuffle
    # a value used twice is not duplicated
    t = T.exp(x)
    f = check_same_values([x], [t.T * 2, t], [rand(3, 4)], *NOFUSE)
    assert scalar_ops(f).count("exp") == 1
