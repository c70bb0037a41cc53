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
