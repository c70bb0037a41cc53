"""theano.gof.graph, the old path of the graph walks (Theano 1.0 programs list their parameters with
``theano.gof.graph.inputs([cost])``)."""

import numpy as np

import theano
import theano.tensor as T


def test_gof_graph_walks():
    graph = theano.gof.graph
    w = theano.shared(np.ones(2), name="w")
    x = T.dvector("x")
    cost = (x * w).sum() + 1
    roots = graph.inputs([cost])
    assert x in roots and w in roots and len(roots) == 3
    params = [v for v in graph.inputs([cost]) if isinstance(v, theano.compile.SharedVariable)]
    assert params == [w]
    assert len(graph.ops([x], [cost])) == 3
    assert set(graph.orphans([x], [cost])) == set(roots) - {x}
    assert cost in graph.variables([x], [cost]) and x in graph.variables([x], [cost])
    assert graph.Apply is theano.graph.basic.Apply
