"""Pickling of graphs, shared variables, deep graphs, random streams and compiled functions."""

import copy
import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import ancestors, graph_inputs
from theano.graph import pickling as graph_pickling
from theano.tensor.random import MRG_RandomStreams, RandomStreams

PY = theano.Mode(linker="py", optimizer="None")
PROTOCOLS = list(range(2, pickle.HIGHEST_PROTOCOL + 1))


def _roundtrip(obj, protocol=pickle.HIGHEST_PROTOCOL):
    return pickle.loads(pickle.dumps(obj, protocol=protocol))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_symbolic_graph(protocol):
    x = T.dmatrix("x")
    b = T.dvector("b")
    y = T.tanh(T.dot(x, x.T) + b).sum(axis=0) * 2
    x2, b2, y2 = _roundtrip((x, b, y), protocol)
    assert x2.name == "x" and x2.type == x.type and y2.type == y.type
    assert set(graph_inputs([y2])) >= {x2, b2}
    xv, bv = np.random.RandomState(0).rand(3, 3), np.arange(3.0)
    f, f2 = theano.function([x, b], y), theano.function([x2, b2], y2)
    np.testing.assert_allclose(f2(xv, bv), f(xv, bv))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_shared_variable_value_survives(dtype):
    value = np.arange(6).reshape(2, 3).astype(dtype)
    s = theano.shared(value, name="s")
    s2 = _roundtrip(s)
    assert s2.name == "s" and s2.type == s.type
    np.testing.assert_array_equal(s2.get_value(), value)
    assert s2.get_value().dtype == dtype
    s2.set_value(value * 0)               # the copy is independent
    np.testing.assert_array_equal(s.get_value(), value)


def test_function_of_unpickled_graph_shares_unpickled_variable():
    s = theano.shared(np.arange(4.0), name="s")
    x = T.dvector("x")
    s2, y2, x2 = _roundtrip((s, (x * s).sum(), x))
    f = theano.function([x2], y2)
    assert f(np.ones(4)) == 6.0
    s2.set_value(np.ones(4))
    assert f(np.ones(4)) == 4.0


def _chain(n):
    x = T.dscalar("x")
    y = x
    mids = []
    for i in range(n):
        y = y + 1.0 if i % 2 else y * 1.0 + 0.5
        if i == n // 2:
            mids.append(y)
    return x, mids[0], y


@pytest.fixture(scope="module")
def deep():
    """A chain of 5000 elementwise steps, and its value at x=1."""
    x, mid, y = _chain(5000)
    return x, mid, y, theano.function([x], y, mode=PY)(1.0)


def _value_at_1(y2):
    (x2,) = [v for v in graph_inputs([y2]) if v.name == "x"]
    return theano.function([x2], y2, mode=PY)(1.0)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_deep_graph_no_recursion_error(deep, protocol):
    x, mid, y, expected = deep
    y2 = pickle.loads(pickle.dumps(y, protocol=protocol))
    assert _value_at_1(y2) == expected
    assert not graph_pickling._marks()          # no mark left behind


def test_deep_graph_keeps_identity_and_shared_structure(deep):
    x, mid, y, _ = deep
    mid2, y2, x2 = _roundtrip([mid, y, x])
    anc = ancestors([y2])
    assert any(v is mid2 for v in anc) and any(v is x2 for v in anc)
    y3, mid3 = _roundtrip([y, mid])
    assert any(v is mid3 for v in ancestors([y3]))
    # a DAG where each step uses the previous result twice
    z = x
    for _ in range(2000):
        z = z * 0.5 + z * 0.5
    z2 = _roundtrip(z)
    assert len(list(ancestors([z2]))) == len(list(ancestors([z])))


def test_deep_graph_deepcopy_and_copy(deep):
    x, mid, y, expected = deep
    y2 = copy.deepcopy(y)
    assert y2 is not y and y2.type == y.type
    assert all(v is not x for v in graph_inputs([y2]))
    assert _value_at_1(y2) == expected
    y3 = copy.copy(y)
    assert y3.owner is y.owner
    assert not graph_pickling._marks()


def test_failed_pickle_leaves_no_stale_marks():
    x, mid, y = _chain(3000)
    mid.unpicklable = lambda: 0
    with pytest.raises(Exception):
        pickle.dumps(y)
    assert not graph_pickling._marks()
    del mid.unpicklable
    assert pickle.loads(pickle.dumps(mid)).type == mid.type     # mid itself is 1500 deep
    assert pickle.loads(pickle.dumps(y)).type == y.type


@pytest.mark.parametrize("Streams", [RandomStreams, MRG_RandomStreams])
def test_random_streams_pickle_and_continue(Streams):
    srng = Streams(seed=5)
    u = srng.uniform((3,))
    f = theano.function([], u)
    f()
    u2 = _roundtrip(u)
    f2 = theano.function([], u2)
    for _ in range(2):
        np.testing.assert_array_equal(f(), f2())   # same state, same stream of draws
    srng2 = _roundtrip(srng)
    assert len(srng2.updates()) == 1


def test_compiled_function_pickles_and_recompiles():
    x = T.dvector("x")
    w = theano.shared(np.ones(3), name="w")
    srng = RandomStreams(seed=3)
    y = (x * w * srng.uniform((3,))).sum()
    f = theano.function([x], y, updates={w: w + 1}, name="step")
    g = _roundtrip(f)
    assert g.name == "step"
    for _ in range(2):
        np.testing.assert_allclose(g([1.0, 2.0, 3.0]), f([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(w.get_value(), [3.0, 3.0, 3.0])
    (w2,) = [v for v in g.maker.shared_vars if v.name == "w"]
    assert w2 is not w
    np.testing.assert_array_equal(w2.get_value(), [3.0, 3.0, 3.0])
    # pickled together, the function and the variable stay connected
    f3, w3 = _roundtrip((f, w))
    f3([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(w3.get_value(), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(w.get_value(), [3.0, 3.0, 3.0])


def test_compiled_function_with_givens_defaults_and_names():
    x = T.dscalar("x")
    a = T.dscalar("a")
    s = theano.shared(2.0, name="s")
    f = theano.function([x, theano.In(a, value=10.0)], x * a + s, givens={s: s * 3})
    g = _roundtrip(f)
    assert g(1.0) == f(1.0) == 16.0
    assert g(1.0, a=2.0) == 8.0


def test_scan_and_ifelse_graphs_and_functions_pickle():
    from theano.ifelse import ifelse

    x = T.dvector("x")
    out, _ = theano.scan(lambda xt, acc: acc + xt, sequences=x,
                         outputs_info=T.constant(0.0, dtype="float64"))
    out2, x2 = _roundtrip((out, x))
    np.testing.assert_array_equal(theano.function([x2], out2)(np.ones(3)), [1.0, 2.0, 3.0])
    f = _roundtrip(theano.function([x], out))
    np.testing.assert_array_equal(f(np.arange(3.0)), [0.0, 1.0, 3.0])
    c = T.dscalar("c")
    g = _roundtrip(theano.function([c, x], ifelse(T.gt(c, 0), x.sum(), x.prod())))
    assert g(1.0, np.full(3, 2.0)) == 6.0 and g(-1.0, np.full(3, 2.0)) == 8.0


def test_function_maker_pickles_and_builds_again():
    import pickle

    import theano.tensor as T

    x = T.dvector("x")
    for linker in (theano.PerformLinker(allow_gc=True), "auto"):
        f = theano.function([x], x + x / 10, mode=theano.Mode(optimizer="fast_run", linker=linker))
        m = pickle.loads(pickle.dumps(f.maker))
        assert len(pickle.dumps(f.maker)) == len(pickle.dumps(f.maker))
        assert [str(n.op) for n in m.fgraph.toposort()] == \
            [str(n.op) for n in f.maker.fgraph.toposort()]
        g = pickle.loads(pickle.dumps(f))
        np.testing.assert_allclose(g(np.array([1.0, 2.0])), [1.1, 2.2])
