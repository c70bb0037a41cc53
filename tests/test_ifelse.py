"""theano.ifelse: lazy evaluation, values on every mode, gradients, shapes and argument errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.ifelse import IfElse, ifelse
from tests.helpers import MODES, check_infer_shape, rand

ALL_MODES = dict(MODES)
ALL_MODES["vm"] = lambda: theano.Mode(linker="vm")
ALL_MODES["FAST_RUN"] = lambda: "FAST_RUN"
ALL_MODES["FAST_COMPILE"] = lambda: "FAST_COMPILE"


class CountingOp(Op):
    """Doubles its input and counts how often it ran (or raises, when ``fail``)."""

    __props__ = ("fail",)

    def __init__(self, fail=False):
        self.fail = fail
        self.calls = 0

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        self.calls += 1
        if self.fail:
            raise RuntimeError("this branch must not be evaluated")
        output_storage[0][0] = inputs[0] * 2

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    # each instance counts on its own
    __eq__ = object.__eq__
    __hash__ = object.__hash__


@pytest.mark.parametrize("mode", sorted(ALL_MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_every_mode(mode, dtype):
    a, b = T.scalars("a", "b")
    x = T.matrix("x", dtype=dtype)
    y = T.matrix("y", dtype=dtype)
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    f = theano.function([a, b, x, y], z, mode=ALL_MODES[mode]())
    xv, yv = rand(3, 4, dtype=dtype), rand(3, 4, dtype=dtype, seed=5)
    np.testing.assert_allclose(f(0, 1, xv, yv), xv.mean(), rtol=1e-5)
    np.testing.assert_allclose(f(1, 0, xv, yv), yv.mean(), rtol=1e-5)
    assert np.asarray(f(0, 1, xv, yv)).dtype == np.dtype(dtype)


@pytest.mark.parametrize("mode", sorted(ALL_MODES))
def test_only_the_chosen_branch_runs(mode):
    x = T.dvector("x")
    c = T.iscalar("c")
    good, bad = CountingOp(), CountingOp(fail=True)
    z = ifelse(c, good(x), bad(x))
    f = theano.function([c, x], z, mode=ALL_MODES[mode]())
    np.testing.assert_allclose(f(1, np.arange(3.0)), [0.0, 2.0, 4.0])
    assert good.calls == 1 and bad.calls == 0
    with pytest.raises(Exception, match="must not be evaluated"):
        f(0, np.arange(3.0))


def test_expensive_branch_counted_and_switch_computes_both():
    x = T.dvector("x")
    c = T.iscalar("c")
    op_then, op_else = CountingOp(), CountingOp()
    f = theano.function([c, x], ifelse(c, op_then(x).sum(), op_else(x).sum()),
                        mode=theano.Mode(linker="vm"))
    for cond in (1, 1, 0, 1):
        f(cond, np.ones(4))
    assert (op_then.calls, op_else.calls) == (3, 1)
    s_then, s_else = CountingOp(), CountingOp()
    g = theano.function([c, x], T.switch(c, s_then(x).sum(), s_else(x).sum()),
                        mode=theano.Mode(linker="vm"))
    g(1, np.ones(4))
    assert (s_then.calls, s_else.calls) == (1, 1)


def test_list_outputs_and_python_constants():
    x = T.dvector("x")
    c = T.bscalar("c")
    out = ifelse(c, [x * 2, x.sum()], [x - 1, 0.0])
    assert isinstance(out, list) and len(out) == 2
    f = theano.function([c, x], out)
    r1 = f(1, np.array([1.0, 2.0]))
    r0 = f(0, np.array([1.0, 2.0]))
    np.testing.assert_allclose(r1[0], [2.0, 4.0])
    np.testing.assert_allclose(r1[1], 3.0)
    np.testing.assert_allclose(r0[0], [0.0, 1.0])
    np.testing.assert_allclose(r0[1], 0.0)


def test_outputs_do_not_alias_inputs():
    x = T.dvector("x")
    c = T.iscalar("c")
    f = theano.function([c, x], ifelse(c, x, 2 * x))
    v = np.ones(3)
    out = f(1, v)
    out[0] = 5
    assert v[0] == 1


def test_empty_arrays():
    x = T.dmatrix("x")
    f = theano.function([x], ifelse(T.eq(x.shape[0], 0), x + 1, x * 2))
    assert f(np.zeros((0, 3))).shape == (0, 3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cond", [0, 1])
def test_gradient_flows_to_the_taken_branch(dtype, cond):
    def fn(x, y):
        return ifelse(T.constant(cond, dtype="int8"), T.exp(x) * 2, T.sin(y).sum() * y)

    xv, yv = rand(3, dtype=dtype), rand(3, dtype=dtype, seed=3)
    theano.gradient.verify_grad(fn, [xv, yv], rng=np.random.RandomState(0))
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    c = T.iscalar("c")
    z = ifelse(c, x * 3, y * 5).sum()
    gx, gy = theano.grad(z, [x, y])
    f = theano.function([c, x, y], [gx, gy])
    rx, ry = f(cond, xv, yv)
    np.testing.assert_allclose(rx, 3.0 * cond * np.ones(3))
    np.testing.assert_allclose(ry, 5.0 * (1 - cond) * np.ones(3))
    assert rx.dtype == np.dtype(dtype)


def test_condition_gets_a_zero_gradient():
    # as in Theano 1.0: the condition is connected (a small change keeps the branch), gradient 0
    a = T.dscalar("a")
    x = T.dvector("x")
    z = ifelse(T.gt(a, 0), x, x * 2).sum()
    g = theano.grad(z, a)
    f = theano.function([a, x], g, on_unused_input="ignore")
    assert float(f(1.0, np.ones(2))) == 0.0 and float(f(-1.0, np.ones(2))) == 0.0
    w = theano.shared(np.array([0.5, -1.0]), name="w")
    loss = ifelse(T.gt(T.dot(w, x), 0), 0, 1)
    gw = theano.grad(loss, w)
    np.testing.assert_allclose(theano.function([x], gw)(np.ones(2)), [0.0, 0.0])


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_generic_branches_and_view_in_fast_run(mode):
    from theano.ifelse import IfElse

    c = T.iscalar("c")
    a, b = theano.generic(), theano.generic()
    h = theano.function([c, a, b], ifelse(c, a, b), mode=mode)
    assert h(1, ["X"], ["Y"]) == ["X"] and h(0, ["X"], ["Y"]) == ["Y"]
    x, y = T.dvectors("x", "y")
    f = theano.function([c, x, y], [ifelse(c, x, y), ifelse(c, x, y) * 2 + 1], mode=mode)
    ops = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, IfElse)]
    assert [op.as_view for op in ops] == [mode == "FAST_RUN"]
    vx, vy = np.arange(3.0), np.arange(4.0)
    for _ in range(2):
        r, s = f(1, vx, vy)
        np.testing.assert_allclose(r, vx)
        np.testing.assert_allclose(s, vx * 2 + 1)
        r[0] = 99.0  # the returned value is never the caller's array
        np.testing.assert_allclose(vx, np.arange(3.0))
        r, s = f(0, vx, vy)
        np.testing.assert_allclose(s, vy * 2 + 1)


def test_rop():
    x = T.dvector("x")
    v = T.dvector("v")
    c = T.iscalar("c")
    y = ifelse(c, x ** 2, x ** 3)
    r = theano.Rop(y, x, v)
    f = theano.function([c, x, v], r)
    xv, vv = np.array([1.0, 2.0]), np.array([0.5, 1.0])
    np.testing.assert_allclose(f(1, xv, vv), 2 * xv * vv)
    np.testing.assert_allclose(f(0, xv, vv), 3 * xv ** 2 * vv)


def test_infer_shape():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    c = T.iscalar("c")
    z = ifelse(c, x, y)
    check_infer_shape([c, x, y], z, [1, rand(2, 3), rand(4, 5)])
    check_infer_shape([c, x, y], z, [0, rand(2, 3), rand(4, 5)])


def test_broadcastable_patterns_are_merged():
    row = T.row("r", dtype="float64")
    m = T.dmatrix("m")
    c = T.iscalar("c")
    z = ifelse(c, row, m)
    assert z.broadcastable == (False, False)
    f = theano.function([c, row, m], z)
    assert f(1, np.ones((1, 3)), np.zeros((2, 3))).shape == (1, 3)
    assert f(0, np.ones((1, 3)), np.zeros((2, 3))).shape == (2, 3)


def test_bad_arguments():
    x = T.dvector("x")
    f32 = T.fvector("f")
    m = T.dmatrix("m")
    c = T.iscalar("c")
    with pytest.raises(TypeError, match="dtype float64.*float32.*T.cast"):
        ifelse(c, x, f32)
    with pytest.raises(TypeError, match="1 dimension.*2"):
        ifelse(c, x, m)
    with pytest.raises(TypeError, match="condition must be a scalar"):
        ifelse(x, x, x)
    with pytest.raises(ValueError, match="same length"):
        ifelse(c, [x, x], [x])
    with pytest.raises(TypeError, match="both be lists"):
        ifelse(c, [x], x)
    with pytest.raises(ValueError, match="n_outs"):
        IfElse(0)
    with pytest.raises(TypeError, match="same type"):
        IfElse(1)(c, x, f32)


@pytest.mark.parametrize("cond", [0, 1])
def test_gradient_when_branch_shapes_differ(cond):
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    c = T.iscalar("c")
    z = (ifelse(c, x, y) ** 2).sum()
    gx, gy = theano.grad(z, [x, y])
    xv, yv = rand(2, 3), rand(4, 1, seed=8)
    rx, ry = theano.function([c, x, y], [gx, gy])(cond, xv, yv)
    assert rx.shape == xv.shape and ry.shape == yv.shape
    np.testing.assert_allclose(rx, 2 * xv * cond)
    np.testing.assert_allclose(ry, 2 * yv * (1 - cond))


def test_ifelse_inside_scan_gradient():
    def fn(x, w):
        r, _ = theano.scan(lambda v, h, w: ifelse(T.gt(v, 0), h * w + v, h - w * v), sequences=x,
                           outputs_info=T.constant(0.5, dtype="float64"), non_sequences=w)
        return r

    xv = np.array([0.3, -0.2, 0.9, -0.7])
    theano.gradient.verify_grad(fn, [xv, np.asarray(0.8)], rng=np.random.RandomState(0))
