"""OpFromGraph: values, gradients (also through shared variables and second order), R_op,
infer_shape, overrides, inline expansion and pickling, on the reference VM and the default
backend; an Op declared with itypes/otypes and perform only."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import OpFromGraph, function
from theano.gradient import verify_grad

MODES = ["FAST_COMPILE", "FAST_RUN"]
rng = np.random.RandomState(7)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("inline", [False, True])
def test_values_and_reuse(mode, inline):
    x, y, z = T.dmatrices("x", "y", "z")
    op = OpFromGraph([x, y, z], [x + y * T.exp(z)], inline=inline)
    out = op(x, y, z) - op(y, z, x)
    f = function([x, y, z], out, mode=mode)
    xv, yv, zv = rng.rand(2, 3), rng.rand(2, 3), rng.rand(2, 3)
    expected = (xv + yv * np.exp(zv)) - (yv + zv * np.exp(xv))
    for _ in range(2):
        np.testing.assert_allclose(f(xv, yv, zv), expected)
    kinds = {type(n.op).__name__ for n in f.maker.fgraph.toposort()}
    assert ("OpFromGraph" in kinds) == (not inline)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("inline", [False, True])
def test_gradients_shared_and_second_order(mode, inline):
    x, y = T.dmatrices("x", "y")
    s = theano.shared(rng.rand(2, 2), name="s")
    op = OpFromGraph([x, y], [T.tanh(x * y) + s], inline=inline)
    cost = op(x, y).sum()
    gx, gs = theano.grad(cost, [x, s])
    ggx = theano.grad(gx.sum(), x)
    f = function([x, y], [gx, gs, ggx], mode=mode)
    xv, yv = rng.rand(2, 2), rng.rand(2, 2)
    t = np.tanh(xv * yv + 0 * s.get_value())
    for _ in range(2):
        a, b, c = f(xv, yv)
        np.testing.assert_allclose(a, (1 - t ** 2) * yv)
        np.testing.assert_allclose(b, np.ones((2, 2)))
        np.testing.assert_allclose(c, -2 * t * (1 - t ** 2) * yv ** 2)
    verify_grad(lambda a, b: op(a, b), [xv, yv], rng=rng, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_shapes_rop_and_sizes(mode):
    x, y = T.dmatrices("x", "y")
    op = OpFromGraph([x, y], [T.dot(x, y)])
    z = T.dmatrix("z")
    out = op(x, op(y, z))
    xv, yv, zv = rng.rand(2, 3), rng.rand(3, 4), rng.rand(4, 5)
    f = function([x, y, z], [out, out.shape], mode=mode)
    for _ in range(2):
        r, shp = f(xv, yv, zv)
        np.testing.assert_allclose(r, xv @ yv @ zv)
        assert tuple(shp) == (2, 5)
    ev = T.dmatrix("ev")
    rop = theano.gradient.Rop(op(x, y), x, ev)
    evv = rng.rand(2, 3)
    # the R-operator of a linear function does not read x
    g = function([x, y, ev], rop, mode=mode, on_unused_input="ignore")
    np.testing.assert_allclose(g(xv, yv, evv), evv @ yv)


@pytest.mark.parametrize("mode", MODES)
def test_overrides(mode):
    x, y = T.dvectors("x", "y")

    def go(inps, gs):
        a, b = inps
        (g,) = gs
        return [g * b * 10, g * a * 100]

    op = OpFromGraph([x, y], [x * y], grad_overrides=go)
    gx, gy = theano.grad(op(x, y).sum(), [x, y])
    op_list = OpFromGraph([x, y], [x * y], grad_overrides=["default", lambda inps, gs: gs[0] * 0 + 7])
    hx, hy = theano.grad(op_list(x, y).sum(), [x, y])
    op_rop = OpFromGraph([x, y], [x * y], rop_overrides=lambda inps, evs: [evs[0] * 3])
    ev = T.dvector("ev")
    # theano.gradient.Rop computes R-operators through gradients; the op's R_op gives the override
    node = op_rop(x, y).owner
    (r,) = node.op.R_op(node.inputs, [ev, None])
    f = function([x, y, ev], [gx, gy, hx, hy, r], mode=mode)
    xv, yv, evv = rng.rand(3), rng.rand(3), rng.rand(3)
    a, b, c, d, e = f(xv, yv, evv)
    np.testing.assert_allclose(a, yv * 10)
    np.testing.assert_allclose(b, xv * 100)
    np.testing.assert_allclose(c, yv)
    np.testing.assert_allclose(d, np.full(3, 7.0))
    np.testing.assert_allclose(e, evv * 3)


def test_bad_construction_and_calls():
    x, y = T.dvectors("x", "y")
    with pytest.raises(TypeError):
        OpFromGraph([theano.shared(np.zeros(2))], [x])
    with pytest.raises(theano.graph.fg.MissingInputError):
        OpFromGraph([x], [x + y])
    op = OpFromGraph([x], [x * 2])
    with pytest.raises(TypeError):
        op(T.dmatrix())
    with pytest.raises(TypeError):
        op(x, y)


def test_pickle_and_connection_pattern():
    x, y = T.dvectors("x", "y")
    op = OpFromGraph([x, y], [x * 2, y + 1])
    a, b = op(x, y)
    assert op.connection_pattern(a.owner) == [[True, False], [False, True]]
    f = function([x, y], [a, b])
    g = pickle.loads(pickle.dumps(f))
    xv, yv = np.array([1.0, 2.0]), np.array([3.0])
    for fn in (f, g):
        r1, r2 = fn(xv, yv)
        np.testing.assert_allclose(r1, xv * 2)
        np.testing.assert_allclose(r2, yv + 1)
    # y does not reach the first output: its gradient from that output is disconnected (zero)
    gy = theano.grad(a.sum(), y, disconnected_inputs="ignore")
    np.testing.assert_allclose(function([x, y], gy, on_unused_input="ignore")(xv, yv), [0.0])


def test_theano1_graph_attributes():
    # Theano 1.0: op.inputs/op.outputs are the variables the op was built from, op.local_inputs/
    # local_outputs its inner graph (the explicit inputs, then one per shared variable read)
    x, y = T.dvectors("x", "y")
    w = theano.shared(np.array([2.0, 3.0]), name="w")
    out = x * w + y
    op = OpFromGraph([x, y], [out])
    assert op.inputs == [x, y] and op.outputs == [out]
    assert len(op.local_inputs) == 3 and len(op.local_outputs) == 1
    assert op.local_inputs[0] is not x and op.local_inputs[0].type == x.type
    f = function(op.local_inputs, op.local_outputs[0])
    xv, yv, wv = np.array([1.0, -1.0]), np.array([0.5, 4.0]), np.array([10.0, 20.0])
    np.testing.assert_allclose(f(xv, yv, wv), xv * wv + yv)


class _DoubleOp(theano.Op):
    __props__ = ()
    itypes = [T.dmatrix]
    otypes = [T.dmatrix]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


@pytest.mark.parametrize("mode", MODES)
def test_op_with_itypes_otypes_and_perform_only(mode):
    x = T.dmatrix("x")
    f = function([x], _DoubleOp()(x) + 1, mode=mode)
    xv = rng.rand(2, 3)
    for _ in range(2):
        np.testing.assert_allclose(f(xv), xv * 2 + 1)
    np.testing.assert_allclose(function([], _DoubleOp()(np.ones((1, 2))), mode=mode)(), [[2.0, 2.0]])
    verify_grad(lambda a: _DoubleOp()(a), [rng.rand(2, 2)], rng=rng, mode=mode)
    with pytest.raises(TypeError):
        _DoubleOp()(T.fmatrix())
    with pytest.raises(ValueError):
        _DoubleOp()(x, x)
    with pytest.raises(NotImplementedError):
        theano.Op()(x)
