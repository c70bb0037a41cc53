"""Theano 1.0's linker objects (theano.gof.PerformLinker, CLinker, OpWiseCLinker): run a
FunctionGraph as given with ``accept(fgraph).make_function()``, or serve as a mode's linker."""

import copy

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gof, scalar
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.type import TensorType

LINKERS = [gof.PerformLinker, gof.OpWiseCLinker, gof.CLinker]


@pytest.mark.parametrize("cls", LINKERS)
def test_make_function_values(cls):
    x, y = T.dmatrix("x"), T.dvector("y")
    fg = gof.FunctionGraph([x, y], [T.exp(x) + y, x.sum()])
    f = cls().accept(fg).make_function()
    rng = np.random.default_rng(0)
    for _ in range(3):
        xv, yv = rng.normal(size=(3, 4)), rng.normal(size=4)
        a, s = f(xv, yv)
        np.testing.assert_allclose(a, np.exp(xv) + yv)
        np.testing.assert_allclose(s, xv.sum())


def test_graph_runs_unrewritten_and_single_output_unpacked():
    x = T.dvector("x")
    out = T.log(T.exp(x))  # a mode would rewrite this away; the linker runs the nodes as given
    fg = gof.FunctionGraph([x], [out])
    f = gof.PerformLinker().accept(fg).make_function()
    xv = np.array([1.0, -2.0, 800.0])
    for _ in range(3):
        r = f(xv)
        assert isinstance(r, np.ndarray)
        # exp overflowed: not rewritten (log(exp(1)) is 1 to the last bit or one ulp off, by
        # NumPy version)
        np.testing.assert_allclose(r, [1.0, -2.0, np.inf], rtol=1e-15)
    assert [type(n.op.scalar_op).__name__ for n in fg.toposort()] == ["Exp", "Log"]
    g = gof.PerformLinker().accept(gof.FunctionGraph([x], [out])).make_function(unpack_single=False)
    assert isinstance(g(xv), list) and len(g(xv)) == 1


def test_inplace_op_overwrites_its_input():
    x, y = T.dmatrix("x"), T.TensorType("float64", (True, False))("y")
    e = Elemwise(scalar.add, {0: 0})(x, y)
    f = copy.copy(gof.PerformLinker()).accept(gof.FunctionGraph([x, y], [e])).make_function()
    xv, yv = np.random.rand(3, 5), np.random.rand(1, 5)
    expected = xv + yv
    r = f(xv, yv)
    np.testing.assert_allclose(xv, expected)
    assert r is xv


def test_dimshuffle_and_shape():
    x = TensorType("float64", (True, False, True, False))("x")
    e = DimShuffle(x.broadcastable, (1, "x", 3))(x)
    f = gof.PerformLinker().accept(gof.FunctionGraph([x], [e])).make_function()
    fs = gof.OpWiseCLinker().accept(gof.FunctionGraph([x], [e.shape])).make_function()
    v = np.arange(6.0).reshape(1, 2, 1, 3)
    for _ in range(3):
        np.testing.assert_array_equal(f(v), v.reshape(2, 1, 3))
        assert tuple(fs(v)) == (2, 1, 3)


def test_bad_arguments_raise():
    x = TensorType("float64", (True, False))("x")
    f = gof.PerformLinker().accept(gof.FunctionGraph([x], [x * 2])).make_function()
    with pytest.raises(TypeError, match="broadcastable"):
        f(np.ones((2, 3)))
    with pytest.raises(TypeError, match="takes exactly 1 argument"):
        f(np.ones((1, 3)), np.ones((1, 3)))
    with pytest.raises(TypeError):
        f(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="accept"):
        gof.PerformLinker().make_function()
    with pytest.raises(TypeError, match="FunctionGraph"):
        gof.PerformLinker().accept([x])


def test_make_thunk_containers():
    x = T.dvector("x")
    fg = gof.FunctionGraph([x], [x + 1])
    thunk, inputs, outputs = gof.PerformLinker().accept(fg).make_thunk()
    for k in range(3):
        inputs[0].data = [1.0, 2.0 + k]
        thunk()
        np.testing.assert_allclose(outputs[0].data, [2.0, 3.0 + k])


def test_accept_another_graph_gives_a_new_linker():
    x = T.dvector("x")
    linker = gof.PerformLinker().accept(gof.FunctionGraph([x], [x + 1]))
    other = linker.accept(gof.FunctionGraph([x], [x * 3]))
    assert other is not linker
    np.testing.assert_allclose(other.make_function()(np.ones(2)), [3.0, 3.0])
    np.testing.assert_allclose(linker.make_function()(np.ones(2)), [2.0, 2.0])


@pytest.mark.parametrize("cls", LINKERS)
def test_as_mode_linker(cls):
    x = T.dvector("x")
    f = theano.function([x], T.log(T.exp(x)) * 2, mode=theano.Mode(linker=cls()))
    for k in range(3):
        xv = np.array([1.0, 800.0 + k])
        np.testing.assert_allclose(f(xv), 2 * xv)  # the mode rewrote log(exp(x)) to x


def test_old_module_paths():
    from theano.gof.cc import CLinker, OpWiseCLinker
    from theano.gof.link import Container, PerformLinker
    from theano.gof.graph import inputs

    assert PerformLinker is gof.PerformLinker and CLinker is gof.CLinker
    assert OpWiseCLinker is gof.OpWiseCLinker and Container is gof.Container
    assert gof.FunctionGraph is theano.graph.FunctionGraph and gof.Op is theano.graph.Op
    x, y = T.dvector("x"), T.dvector("y")
    assert inputs([x * y]) == [x, y]
    assert gof.Optimizer is theano.graph.opt.Optimizer


def test_dual_linker_runs_both_backends_and_checks_them():
    import theano.scalar as S
    from theano.link.legacy import DualLinker

    x, y = T.dvectors("x", "y")
    fn = gof.DualLinker().accept(gof.FunctionGraph([x, y], [T.exp(x) % y, x * y])).make_function()
    xv, yv = np.array([1.0, 2.0, -3.0]), np.array([2.0, 3.0, 0.5])
    for _ in range(2):
        r, p = fn(xv, yv)
        np.testing.assert_allclose(r, np.exp(xv) % yv)
        np.testing.assert_array_equal(p, xv * yv)
    a, b = S.float64("a"), S.float64("b")
    g = gof.DualLinker().accept(gof.FunctionGraph([a, b], [a * b + S.exp(a)])).make_function()
    assert np.isclose(g(1.0, 2.0), 2.0 + np.e)
    seen = []

    def checker(var, reference, other):
        seen.append(var)
        raise RuntimeError("the backends disagree")

    h = DualLinker(checker=checker).accept(gof.FunctionGraph([x], [x * 2])).make_function()
    with pytest.raises(RuntimeError, match="disagree"):
        h(xv)
    assert len(seen) == 1 and seen[0].type == x.type


@pytest.mark.parametrize("cls", LINKERS)
def test_function_maker_linker_accepted_its_graph(cls):
    # Theano 1.0: f.maker.linker is a copy of the mode's linker that accepted the function's
    # graph, so make_all() gives the node order the schedule chose and thunks that run; the
    # mode's own linker stays unattached (it can serve other functions).
    from theano.gof.sched import make_depends, sort_schedule_fn

    def by_name(a, b):
        return (str(a) > str(b)) - (str(a) < str(b))

    x = T.dmatrix("x")
    y = T.dot(x[:2] * 2, x.T + 1).T
    linker = cls(schedule=sort_schedule_fn(by_name))
    mode = theano.Mode(linker=linker)
    f = theano.function([x], y, mode=mode)
    g = theano.function([x], x.sum() * 3, mode=mode)
    assert linker.fgraph is None
    assert f.maker.linker is not linker and f.maker.linker.fgraph is f.maker.fgraph
    assert g.maker.linker.fgraph is g.maker.fgraph
    fn, inputs, outputs, thunks, order = f.maker.linker.make_all()
    assert set(order) == set(f.maker.fgraph.apply_nodes) and len(thunks) == len(order)
    depends = make_depends()
    for a, b in zip(order[:-1], order[1:]):
        if not depends((b, a)):
            assert str(a) < str(b)
    rng = np.random.default_rng(3)
    for shape in ((3, 4), (5, 2), (2, 2)):
        v = rng.normal(size=shape)
        inputs[0].data = v
        fn()
        expected = np.dot(v[:2] * 2, v.T + 1).T
        np.testing.assert_allclose(outputs[0].data, expected)
        np.testing.assert_allclose(f(v), expected)
        np.testing.assert_allclose(g(v), v.sum() * 3)
