"""Theano 1.0's text of a graph (``theano.gof.graph.as_string``, ``str(FunctionGraph)``) and its
generic topological sort (``general_toposort``): formats, shared-node labels, cut-off inputs,
orders, cycles, and graphs deeper than Python's recursion limit."""

import sys

import pytest

import theano.tensor as T
from theano.gof.graph import as_string, general_toposort
from theano.graph.basic import Apply, Variable
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.tensor import dvector


class Pair(Op):
    """Two outputs (a + b, a - b), to show the ``::j`` output suffix."""

    def make_node(self, a, b):
        return Apply(self, [a, b], [dvector(), dvector()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] + inputs[1]
        outputs[1][0] = inputs[0] - inputs[1]

    def __str__(self):
        return "Pair"


def _fmt(node, args):
    return f"{type(node.op).__name__}({', '.join(args)})"


def test_plain_and_nested_nodes_with_custom_formatters():
    x, y, z = T.dvectors("x", "y", "z")
    out = T.exp(x * y) + z
    assert as_string([x, y, z], [out]) == [
        "Elemwise{add,no_inplace}(Elemwise{exp,no_inplace}(Elemwise{mul,no_inplace}(x, y)), z)"]
    assert as_string([x, y, z], [out], leaf_formatter=lambda v: v.name.upper(),
                     node_formatter=_fmt) == ["Elemwise(Elemwise(Elemwise(X, Y)), Z)"]


def test_a_node_used_twice_is_labelled_and_numbered_by_first_appearance():
    x, y = T.dvectors("x", "y")
    a = x * y
    b = x - y
    outs = [b + b, a + a, T.exp(a)]
    assert as_string([x, y], outs, node_formatter=_fmt) == [
        "Elemwise(*1 -> Elemwise(x, y), *1)",
        "Elemwise(*2 -> Elemwise(x, y), *2)",
        "Elemwise(*2)",
    ]
    # an output that is also read by another output counts as a use
    assert as_string([x, y], [a, a * 2.0], node_formatter=_fmt, leaf_formatter=lambda v: "c"
                     if v.name is None else v.name) == ["*1 -> Elemwise(x, y)",
                                                        "Elemwise(*1, DimShuffle(c))"]


def test_outputs_of_a_multi_output_node_and_cut_off_inputs():
    x, y = T.dvectors("x", "y")
    s, d = Pair()(x, y)
    assert as_string([x, y], [s * d]) == ["Elemwise{mul,no_inplace}(*1 -> Pair(x, y), *1::1)"]
    # a variable given as an input is a leaf even where it has an owner
    m = x * y
    assert as_string([m], [m + m]) == ["Elemwise{add,no_inplace}(Elemwise{mul,no_inplace}.0, "
                                       "Elemwise{mul,no_inplace}.0)"]


def test_function_graph_prints_its_outputs_in_brackets():
    x, y = T.dvectors("x", "y")
    fg = FunctionGraph([x, y], [x + y, T.exp(x)], clone=False)
    text = "[Elemwise{add,no_inplace}(x, y), Elemwise{exp,no_inplace}(x)]"
    assert str(fg) == repr(fg) == text


def test_deeper_than_the_recursion_limit():
    x = T.dvector("x")
    out = x
    n = sys.getrecursionlimit() + 500
    for _ in range(n):
        out = out + 1.0
    (text,) = as_string([x], [out], node_formatter=lambda node, args: f"a({args[0]})")
    assert text == "a(" * n + "x" + ")" * n


def _deps(obj):
    if isinstance(obj, Variable):
        return [obj.owner] if obj.owner is not None else []
    return obj.inputs


def test_general_toposort_order_and_double_dependencies():
    x, y, z = T.dvectors("x", "y", "z")
    m = x * y
    out = m + z
    # dependency-free objects in the order a depth-first search meets them (last first),
    # then each object once its dependencies are out
    assert general_toposort([out], _deps) == [z, y, x, m.owner, m, out.owner, out]
    sq = x * x
    top = sq + z
    assert general_toposort([top], _deps) == [z, x, sq.owner, sq, top.owner, top]
    order = general_toposort([out, top], _deps)
    for obj in order:
        for dep in _deps(obj):
            assert order.index(dep) < order.index(obj)


def test_general_toposort_refuses_a_cycle():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"]}
    with pytest.raises(ValueError, match="cycle"):
        general_toposort(["a"], graph.get)
    assert general_toposort(["a"], {"a": ["b", "c"], "b": ["c"], "c": None}.get) == ["c", "b", "a"]
