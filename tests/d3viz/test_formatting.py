"""theano.d3viz.formatting.PyDotFormatter (Theano 1.0's): a graph as a DOT graph object with
pydot's methods, built without pydot."""

import re

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.d3viz.formatting import (DotCluster, DotEdge, DotGraph, DotNode, PyDotFormatter,
                                     pydot_imported)


def _types(graph):
    out = {}
    for n in graph.get_nodes():
        t = n.get_attributes()["node_type"]
        out[t] = out.get(t, 0) + 1
    return out


def _declared(graph):
    names = {n.get_name() for n in graph.get_nodes()}
    for s in graph.get_subgraph_list():
        names |= _declared(s)
    return names


def test_nodes_edges_and_kinds_of_a_compiled_function():
    assert pydot_imported is True
    x = T.dmatrix("x")
    w = theano.shared(np.ones((3, 2)), name="w")
    y = T.tanh(T.dot(x, w) + 2.0)
    f = theano.function([x], [y, y.sum()], mode=theano.Mode(linker="py", optimizer="None"))
    g = PyDotFormatter()(f)
    topo = f.maker.fgraph.toposort()
    kinds = _types(g)
    assert kinds["apply"] == len(topo)
    assert kinds["output"] == 2
    # one statement per use of a graph input: x and w by the dot, the constant by the add
    assert kinds["input"] == 1 and kinds["shared_input"] == 1 and kinds["constant_input"] == 1
    # one edge per input of every apply node, and one to each output
    assert len(g.get_edges()) == sum(len(n.inputs) for n in topo) + 2
    names = _declared(g)
    for e in g.get_edges():
        assert e.get_source() in names and e.get_destination() in names
    dot_node = g.get_node([n.get_name() for n in g.get_nodes()
                           if n.get_attributes().get("label") == "Dot"][0])[0]
    sources = [e.get_source() for e in g.get_edges() if e.get_destination() == dot_node.get_name()]
    labels = {g.get_node(s)[0].get_attributes()["label"] for s in sources}
    assert labels == {"x", "w"}
    assert g.get_node("no such node") == []
    text = g.to_string()
    assert text.startswith('digraph "G" {') and text.count("{") == text.count("}")
    assert text.count(" -> ") == len(g.get_edges())


def test_opfromgraph_nodes_get_their_inner_graph_as_a_cluster():
    x, y, z = T.scalars("xyz")
    op = theano.OpFromGraph([x, y, z], [T.nnet.sigmoid((x + y + z) ** 2)])
    f = theano.function([x, y, z], op(x, y, z) + op(z, y, x))
    g = PyDotFormatter()(f)
    # 3 apply nodes, x, y, z stated for each OpFromGraph node, the output
    assert _types(g) == {"apply": 3, "input": 6, "output": 1}
    clusters = g.get_subgraph_list()
    assert len(clusters) == 2 and all(isinstance(c, DotCluster) for c in clusters)
    inner = op.fn.maker.fgraph
    for c in clusters:
        assert c.get_name().startswith("cluster_")
        assert _types(c)["apply"] == len(inner.toposort())
        assert _types(c)["output"] == 1
    ofg_nodes = [n for n in g.get_nodes() if n.get_attributes().get("label") == "OpFromGraph"]
    for node, c in zip(ofg_nodes, clusters):
        a = node.get_attributes()
        assert a["subg"] == c.get_name()
        pairs = eval(a["subg_map_inputs"])
        outer_names = {n.get_name() for n in g.get_nodes()}
        inner_names = {n.get_name() for n in c.get_nodes()}
        assert len(pairs) == 3 and all(o in outer_names and i in inner_names for o, i in pairs)
    # one node reads (x, y, z), the other (z, y, x): the maps pair each outer input's node with
    # the inner graph's inputs in that order
    firsts = []
    for node in ofg_nodes:
        pairs = eval(node.get_attributes()["subg_map_inputs"])
        firsts.append([g.get_node(o)[0].get_attributes()["label"] for o, _ in pairs])
    assert sorted(firsts) == [["x", "y", "z"], ["z", "y", "x"]]


def test_nested_opfromgraph():
    x, y, z = T.scalars("xyz")
    inner_op = theano.OpFromGraph([x, y], [x * y])
    outer_op = theano.OpFromGraph([x, y, z], [inner_op(x, y) + z])
    f = theano.function([x, y, z], outer_op(x, y, z) + z)
    g = PyDotFormatter()(f)
    (c1,) = g.get_subgraph_list()
    (c2,) = c1.get_subgraph_list()
    assert _types(c2) == {"apply": 1, "input": 2, "output": 1}
    assert _types(c1)["apply"] == 2 and _types(c1)["output"] == 1
    # ids stay distinct across the nesting levels
    all_names = [n.get_name() for gr in (g, c1, c2) for n in gr.get_nodes()]
    apply_names = [n.get_name() for gr in (g, c1, c2) for n in gr.get_nodes()
                   if n.get_attributes()["node_type"] == "apply"]
    assert len(set(apply_names)) == len(apply_names) == 5
    assert not set(n.get_name() for n in c2.get_nodes()) & set(n.get_name() for n in g.get_nodes())
    assert len(all_names) == 7 + 6 + 4


def test_variables_non_compact_unused_outputs_and_profile(tmp_path):
    x = T.dvector("x")
    h = T.exp(x)
    h.name = "h"
    out = h * 2
    g = PyDotFormatter()(out)             # a variable: its graph, not a function's
    # exp, the DimShuffle of the constant 2, mul
    assert _types(g) == {"apply": 3, "input": 1, "constant_input": 1, "output": 1}
    assert any("h " in e.get_attributes()["label"] for e in g.get_edges())
    g2 = PyDotFormatter(compact=False)(out)
    # h and the broadcast constant are nodes between their apply nodes
    assert _types(g2)["intermediate"] == 2 and _types(g2)["apply"] == 3
    names = _declared(g2)
    assert all(e.get_source() in names and e.get_destination() in names for e in g2.get_edges())
    assert len(g2.get_edges()) == len(g.get_edges()) + 2
    # a result no node reads is an unused output
    a, b = T.dvector("a"), T.dvector("b")
    node = theano.tensor.nlinalg.Eigh()(T.outer(a, b) + T.outer(b, a))[0].owner
    g3 = PyDotFormatter()([node.outputs[0]])
    assert sum(n.get_attributes().get("fillcolor") == "lightgrey" for n in g3.get_nodes()) == 1
    # a profiled function's apply nodes carry (time, call time)
    f = theano.function([x], out, profile=True)
    for _ in range(3):
        f(np.arange(3.0))
    g4 = PyDotFormatter()(f)
    profs = [n.get_attributes()["profile"] for n in g4.get_nodes()
             if n.get_attributes()["node_type"] == "apply"]
    assert profs and all(len(p) == 2 and p[0] >= 0 and p[1] > 0 for p in profs)
    path = tmp_path / "g.dot"
    g.write(str(path))
    assert path.read_text() == g.to_string()


def test_graph_objects_and_bad_input():
    gr = DotGraph("G")
    gr.add_node(DotNode("a", label='say "hi"'))
    gr.add_node(DotNode("b"))
    gr.add_edge(DotEdge("a", "b", label="x\ny"))
    text = gr.to_string()
    assert '"a" [label="say \\"hi\\""];' in text and '"a" -> "b" [label="x\\ny"];' in text
    with pytest.raises(TypeError, match="DotNode"):
        gr.add_node("a")
    with pytest.raises(TypeError, match="PyDotFormatter expects"):
        PyDotFormatter()(3)
    with pytest.raises(TypeError, match="PyDotFormatter expects"):
        PyDotFormatter()([])


@pytest.mark.skipif(not theano.printing.pydot_imported, reason="no Graphviz renderer installed")
def test_create_draws_svg():
    x = T.dvector("x")
    svg = PyDotFormatter()(T.exp(x)).create(format="svg")
    assert b"<svg" in svg and re.search(rb"Elemwise", svg)
