"""theano.gof.utils: give_variables_names, unique, remove, hist (Theano 1.0's helpers)."""

import theano.tensor as T
from theano.gof.utils import give_variables_names, hist, remove, unique
from theano.graph.fg import FunctionGraph


def test_give_variables_names_unique_and_idempotent():
    x = T.dmatrix("x")
    a = T.dmatrix("a")
    b = T.dmatrix("a")            # a duplicate name
    y = x + 1
    z = T.dot(x, y)
    variables = [x, a, b, y, z]
    give_variables_names(variables)
    names = [v.name for v in variables]
    assert all(names) and len(set(names)) == len(names)
    assert x.name == "x"          # a unique name of its own is kept
    assert a.name.startswith("a_") and b.name.startswith("a_")
    give_variables_names(variables)
    assert [v.name for v in variables] == names


def test_give_variables_names_of_a_graph():
    x = T.dmatrix("x")
    fg = FunctionGraph([x], [T.dot(x, x)])
    give_variables_names(fg.variables)
    names = [v.name for v in fg.variables]
    assert all(names) and len(set(names)) == len(names)


def test_list_helpers():
    assert remove(lambda v: v % 2 == 0, range(5)) == [1, 3]
    assert unique([1, 2, 3]) and not unique([1, 2, 1])
    assert unique([[1], [2]]) and not unique([[1], [1]])
    assert hist("abca") == {"a": 2, "b": 1, "c": 1}


def test_auto_names_follow_variable_count():
    from itertools import count

    import numpy as np

    import theano
    from theano.graph.basic import Variable

    start = next(Variable.__count__)
    Variable.__count__ = count(start)
    a = T.TensorType("int32", ())("a")
    b = T.dvector()
    c = theano.shared(np.zeros(3))
    d = b.clone()
    assert [v.auto_name for v in (a, b, c, d)] == [f"auto_{start + k}" for k in range(4)]
    assert len({v.auto_name for v in (a, b, c, d, b + 1)}) == 5


def test_gof_utils_helpers():
    import numpy as np
    import pytest

    from theano.gof import utils

    assert utils.flatten([1, [2, (3, [4])], 5]) == [1, 2, 3, 4, 5] and utils.flatten(7) == [7]
    assert utils.uniq([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert utils.difference([1, 2, 3, 4], [2, 4]) == [1, 3]
    assert utils.difference([[1], [2]], [[2]]) == [[1]]
    calls = []

    @utils.memoize
    def sq(x):
        calls.append(x)
        return x * x

    assert [sq(3), sq(3), sq(4)] == [9, 9, 16] and calls == [3, 4]
    assert utils.hash_from_code("abc") == utils.hash_from_code(b"abc") != utils.hash_from_code("abd")
    a = np.arange(4.0)
    assert utils.hash_from_code(a) == utils.hash_from_code(a.copy())
    order = utils.toposort({"c": ["a", "b"], "b": ["a"], "d": ["c"]})
    assert order.index("a") < order.index("b") < order.index("c") < order.index("d")
    with pytest.raises(ValueError, match="cycle"):
        utils.toposort({1: [2], 2: [1]})
    assert utils.scratchpad is type(T.dvector().tag)


def test_stack_search_and_io_connection_pattern():
    from theano.gof.graph import io_connection_pattern, stack_search

    x, y, z = T.dmatrices("x", "y", "z")
    out1, out2 = x * y, y * z
    assert io_connection_pattern([x, y, z], [out1, out2]) == [[True, False], [True, True],
                                                              [False, True]]
    # an op whose connection_pattern disconnects an input cuts the dependence
    from theano.gof import Apply, Op

    class FirstOnly(Op):
        __props__ = ()

        def make_node(self, a, b):
            return Apply(self, [a, b], [a.type()])

        def connection_pattern(self, node):
            return [[True], [False]]

    assert io_connection_pattern([x, y], [FirstOnly()(x, y) * 2, FirstOnly()(y, x)]) == \
        [[True, False], [False, True]]
    nodes = stack_search([out1], lambda v: list(v.owner.inputs) if v.owner else None)
    assert nodes[0] is out1 and x in nodes and y in nodes and z not in nodes
    dfs, inv = stack_search([out1], lambda v: list(v.owner.inputs) if v.owner else None,
                            mode="dfs", build_inv=True)
    assert set(dfs) == set(nodes) and inv[x] == [out1]
