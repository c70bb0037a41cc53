"""The graph walks users see return Theano 1.0's order: outputs taken last-first, each node's
inputs left to right (``inputs``/``ancestors``/``variables``/``orphans``), and io_toposort's
producers-last-to-first order; every walk is iterative (deep graphs do not recurse)."""

import numpy as np

import theano
import theano.tensor as T
from theano.gof import graph


def test_inputs_order_matches_theano():
    x, y, z = (theano.shared(np.float64(v), name=n) for v, n in zip((1, 2, 3), "xyz"))
    assert graph.inputs([x, y, z]) == [z, y, x]
    assert graph.inputs([x + y, z]) == [z, x, y]
    assert graph.inputs([z * (x + y)]) == [z, x, y]
    s = x + y
    assert graph.ancestors([s, z]) == [z, s, x, y]
    assert theano.gof.graph.inputs([(x + y) * (y + z)]) == [x, y, z]


def test_variables_orphans_and_toposort_order():
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    k = T.constant(2.0)
    ab = a * b
    cd = c * d
    out = ab + cd
    assert graph.io_toposort([a, b, c, d], [out]) == [cd.owner, ab.owner, out.owner]
    assert graph.variables([a, b, c, d], [out]) == [out, ab, a, b, cd, c, d]
    e = out * k
    assert graph.orphans([a, b, c, d], [e]) == [k]
    assert graph.list_of_nodes([a, b, c, d], [e])[-1] is e.owner


def test_deep_graph_walks_do_not_recurse():
    x = T.dscalar("x")
    y = x
    for _ in range(5000):
        y = y + 1
    ins = graph.inputs([y])
    assert ins[0] is x and len(ins) == 5001 and all(isinstance(v, T.TensorConstant) for v in ins[1:])
    assert len(graph.io_toposort([x], [y])) == 5000
    f = theano.function([x], y, mode="FAST_COMPILE")
    assert f(1.0) == 5001.0


def test_clone_without_sharing_inputs_copies_replacements_too():
    x = T.dvector("x")
    y = T.fvector("y")
    y2 = T.dvector("y2")
    z = theano.shared(np.float64(0.25), name="z")
    f1 = z * (x + y) ** 2 + 5
    f2 = theano.clone(f1, replace=[(y, y2)], strict=False, share_inputs=False)
    ins = graph.inputs([f2])
    assert not any(v is z or v is x or v is y2 for v in ins)
    # one copy of x serves both the graph and the replacement
    f3 = theano.clone(f1, replace={y: x * 2}, strict=False, share_inputs=False)
    xs = [v for v in graph.inputs([f3]) if v.name == "x"]
    assert len(xs) == 1 and xs[0] is not x
    zc = [v for v in graph.inputs([f3]) if v.name == "z"][0]
    g = theano.function([xs[0]], f3, givens={zc: T.constant(0.25)})
    xv = np.array([1.0, -2.0])
    np.testing.assert_allclose(g(xv), 0.25 * (3 * xv) ** 2 + 5)
    shared_clone = theano.clone(f1, replace={y: x * 2}, strict=False)
    np.testing.assert_allclose(theano.function([x], shared_clone)(xv), 0.25 * (3 * xv) ** 2 + 5)
