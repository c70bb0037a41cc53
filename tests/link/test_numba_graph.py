"""Native backend: when the whole-graph tier compiles, and the code it generates."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402
from theano.link.numba import graph as whole  # noqa: E402


def _fresh_graph():
    # a graph of its own (a new constant), so that no earlier test has it in the disk cache
    x = T.dvector("x")
    c = float(np.random.RandomState().randint(1, 10 ** 9))
    return x, theano.function([x], T.exp(x) * c + 1, mode=theano.Mode("numba", "fast_run")), c


def test_slow_graph_compiles_only_after_its_calls_took_the_compile_budget(monkeypatch):
    monkeypatch.setattr(whole, "GRAPH_HOT_CALLS", 2)
    monkeypatch.setattr(nbe, "HOT_CALLS", 3)
    monkeypatch.setattr(whole, "SLOW_CALL_S", 0.0)          # every call counts as slow
    monkeypatch.setattr(whole, "COMPILE_BUDGET_S", 1e9)
    x, f, c = _fresh_graph()
    v = np.linspace(-1, 1, 5)
    for _ in range(6):
        np.testing.assert_allclose(f(v), np.exp(v) * c + 1)
    assert f.maker.thunk.__globals__["_run"].__name__ == "cold"
    monkeypatch.setattr(whole, "COMPILE_BUDGET_S", 0.0)     # budget spent: compiled now
    for _ in range(12):
        np.testing.assert_allclose(f(v), np.exp(v) * c + 1)
    assert f.maker.thunk.__globals__["_run"].__name__ in ("lean", "thunk")


def test_fast_graph_compiles_after_hot_calls(monkeypatch):
    monkeypatch.setattr(whole, "GRAPH_HOT_CALLS", 2)
    monkeypatch.setattr(nbe, "HOT_CALLS", 3)
    monkeypatch.setattr(whole, "SLOW_CALL_S", 1e9)           # every call counts as fast
    x, f, c = _fresh_graph()
    v = np.linspace(-1, 1, 5)
    for _ in range(14):
        np.testing.assert_allclose(f(v), np.exp(v) * c + 1)
    assert f.maker.thunk.__globals__["_run"].__name__ in ("lean", "thunk")


def test_elemwise_loops_are_inlined_into_one_function():
    x, y = T.dvector("x"), T.dvector("y")
    out = (T.exp(x) * y).sum() + T.dot(x, y)
    fg = theano.function([x, y], out, mode=theano.Mode("numba", "fast_run")).maker.fgraph
    src, consts = whole.graph_source(fg, fg.toposort())
    assert src.count("numba.njit(") == 1 and "def _graph(" in src
    mod = {}
    src = src.replace(f"graph = numba.njit({nbe.NJIT_FLAGS})(_graph)", "graph = _graph")
    exec(compile(src, "<test>", "exec"), mod)
    graph = mod["graph"]                   # the plain Python function computes the same values
    rs = np.random.RandomState(0)
    xv, yv = rs.randn(6), rs.randn(6)
    (r,) = graph(xv, yv, *consts)
    np.testing.assert_allclose(r, (np.exp(xv) * yv).sum() + xv @ yv, rtol=1e-12)
    with pytest.raises(ValueError):
        graph(xv, yv[:3], *consts)
