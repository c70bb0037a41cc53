"""Theano 1.0 names programs import, with the behaviour checked: graph comparison
(is_same_graph, equal_computations), subgraph_grad against theano.grad, theano._asarray,
theano.printing.pprint, change_flags with a dict, Mode objects in theano.compile.mode,
theano.compile.function_module, and hasattr probes of optional parts."""

import numpy as np
import pytest

import theano
import theano.tensor as T


def test_optional_parts_probe_false_not_raise():
    import importlib.util

    for name in ("sparse", "definitely_not_a_part"):
        present = importlib.util.find_spec(f"theano.{name}") is not None
        assert hasattr(theano, name) == present
    with pytest.raises(AttributeError):
        theano.definitely_not_a_part


def test_is_same_graph_and_equal_computations():
    from theano.gof.graph import is_same_graph
    from theano.scan_module.scan_utils import equal_computations

    x, y, z = T.dvectors("x", "y", "z")
    t = x * y
    assert is_same_graph(x * 2, x * 2)
    assert not is_same_graph(x * 2, y * 2)
    assert is_same_graph(x * 2, y * 2, givens={y: x})
    assert not is_same_graph(x * 2, y * 3, givens={y: x})
    assert is_same_graph(t * 2, z * 2, givens={t: z})
    assert not is_same_graph(x * (y * z), (x * y) * z)
    assert not is_same_graph(x * x + z, x * y + t, givens={y: x})
    assert is_same_graph(x * x + z, x * y + t, givens={y: x, t: z})
    assert equal_computations([x + 1], [x + 1])
    assert not equal_computations([x + 1], [x + 2])
    assert equal_computations([x + y], [z + y], in_xs=[x], in_ys=[z])
    assert not equal_computations([x + y], [y + y], in_xs=[x], in_ys=[z])
    with pytest.raises(ValueError):
        equal_computations([x], [x, y])


def test_subgraph_grad_chains_to_the_full_gradient():
    x = T.dvector("x")
    w1 = theano.shared(np.array([0.5, -1.0, 2.0]), name="w1")
    w2 = theano.shared(np.array([1.5, 0.3, -0.7]), name="w2")
    h = T.tanh(x * w1)
    cost = ((h * w2) ** 2).sum()
    full = theano.grad(cost, [w1, w2])
    g2, gh = theano.subgraph_grad(wrt=[w2], end=[h], cost=cost)
    g1, gx = theano.subgraph_grad(wrt=[w1], end=[x], start=dict(zip([h], gh)))
    f = theano.function([x], full + g1 + g2, mode="FAST_COMPILE")
    xv = np.array([0.2, 0.4, -0.9])
    a1, a2, b1, b2 = f(xv)
    np.testing.assert_allclose(b1, a1)
    np.testing.assert_allclose(b2, a2)
    with pytest.raises(ValueError):
        theano.subgraph_grad(wrt=[w1], end=[x])


def test_small_names():
    a = theano._asarray([1, 2], dtype="int32")
    assert a.dtype == np.int32 and a.tolist() == [1, 2]
    x, y = T.dscalars("x", "y")
    assert theano.printing.pprint(x + y) == theano.printing.pp(x + y)
    assert "x" in theano.printing.pprint(x + y)
    old = theano.config.floatX
    with theano.change_flags({"floatX": "float32"}):
        assert theano.config.floatX == "float32"
        assert T.scalar().dtype == "float32"
    assert theano.config.floatX == old
    from theano.compile.mode import FAST_COMPILE, FAST_RUN

    assert isinstance(FAST_RUN, theano.Mode) and isinstance(FAST_COMPILE, theano.Mode)
    f = theano.function([x], x * 3, mode=FAST_RUN)
    assert f(2.0) == 6.0 and f(1.0) == 3.0
    from theano.compile.function_module import Function, UnusedInputError

    assert isinstance(f, Function)
    with pytest.raises(UnusedInputError):
        theano.function([x, y], x)
    assert theano.compile.mode.get_mode("Mode").optimizer == theano.config.optimizer


def test_as_tensor_variable_refuses_python_bools():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="eq"):
        T.as_tensor_variable(x == x)  # identity comparison of variables gives a Python bool
    c = T.constant(True)
    assert c.dtype == "bool"
    assert T.as_tensor_variable(np.array(False)).dtype == "bool"
    f = theano.function([x], T.switch(c, x, -x))
    np.testing.assert_allclose(f(np.array([1.0, -2.0])), [1.0, -2.0])


def test_theano_pprint_is_the_pretty_printer():
    import theano.tensor as T

    x = T.dscalar("x")
    assert theano.pprint is theano.printing.pprint
    assert theano.pprint(x * 2 + 1) == theano.printing.pp(x * 2 + 1)
    assert "x" in theano.pprint(x * 2 + 1) and "+" in theano.pprint(x * 2 + 1)
