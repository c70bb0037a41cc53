"""theano.graph.formatting (the graph tree of debugprint and of error messages) and
theano.compile.describe (how a compiled function's nodes run): one implementation each, used by
theano.printing, Function.describe and the linkers' error messages."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import describe as describe_mod
from theano.graph.formatting import NodeIds, graph_tree

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "numba": lambda: theano.Mode(linker="auto", optimizer="fast_run")}


def test_graph_tree_of_a_small_graph():
    x, y = T.dvector("x"), T.dvector("y")
    s = x + y
    z = T.exp(s) * s
    z.name = "z"
    # Theano 1.0's layout: a '|' runs down under every input but the last of a node, and an
    # apply line ends with the (here empty) destroy map, view map and position fields
    assert graph_tree([z]).splitlines() == [
        "Elemwise{mul,no_inplace} [id A] 'z'   ",
        " |Elemwise{exp,no_inplace} [id B] ''   ",
        " | |Elemwise{add,no_inplace} [id C] ''   ",
        " |   |x [id D]",
        " |   |y [id E]",
        " |Elemwise{add,no_inplace} [id C] ''   ",
    ]
    # depth (the number of levels printed, as in Theano), ids, types
    assert graph_tree([z], depth=1, ids="int").splitlines() == ["Elemwise{mul,no_inplace} [id 0] 'z'   "]
    assert graph_tree([z], depth=0) == ""
    assert graph_tree([z], depth=2, ids="int").splitlines() == [
        "Elemwise{mul,no_inplace} [id 0] 'z'   ",
        " |Elemwise{exp,no_inplace} [id 1] ''   ",
        " |Elemwise{add,no_inplace} [id 2] ''   ",
    ]
    assert graph_tree([s], print_type=True, ids="").splitlines()[1] == " |x  <TensorType(float64, vector)>"
    assert graph_tree([s], print_type=True).splitlines()[0] == \
        "Elemwise{add,no_inplace} [id A] <TensorType(float64, vector)> ''   "
    # Theano's d=/v= maps, only for ops that have them
    assert graph_tree([s], print_destroy_map=True, print_view_map=True).splitlines()[0] == \
        "Elemwise{add,no_inplace} [id A] ''   "
    assert graph_tree([s.T], print_view_map=True).splitlines()[0] == \
        "InplaceDimShuffle{0} [id A] ''  v={0: [0]} "
    inc = T.inplace.add_inplace(T.dmatrix("m"), s)
    assert graph_tree([inc], print_destroy_map=True).splitlines()[0] == \
        "add_inplace [id A] '' d={0: [0]}  "


def test_debugprint_is_graph_tree_plus_positions():
    x, y = T.dvector("x"), T.dvector("y")
    z = T.exp(x + y) * (x + y)
    assert theano.printing.debugprint(z, file="str") == graph_tree([z]) + "\n"
    f = theano.function([x, y], z, mode=MODES["py"]())
    positions = {n: i for i, n in enumerate(f.maker.fgraph.toposort())}
    assert theano.printing.debugprint(f, file="str") == graph_tree(f.maker.fgraph.outputs,
                                                                   positions=positions) + "\n"


def test_node_ids():
    ids = NodeIds("CHAR")
    got = [ids.get(k) for k in range(28)]
    assert got[0] == "[id A]" and got[25] == "[id Z]" and got[26] == "[id AA]" and got[27] == "[id AB]"
    assert ids.get(0) == "[id A]"
    assert NodeIds("").get(1) == ""


@pytest.mark.parametrize("mode", sorted(MODES))
def test_error_message_shows_the_node_tree_at_high_verbosity(mode):
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y), mode=MODES[mode]())
    for _ in range(2):
        np.testing.assert_allclose(f(np.ones((2, 3)), np.ones((3, 2))), np.full((2, 2), 3.0))
    with theano.config.change_flags(exception_verbosity="high"):
        with pytest.raises(ValueError) as info:
            f(np.ones((2, 3)), np.ones((2, 2)))
    msg = str(info.value)
    assert "Debugprint of the apply node:" in msg
    assert "|x [id" in msg and "|y [id" in msg
    with theano.config.change_flags(exception_verbosity="low"):
        with pytest.raises(ValueError) as info:
            f(np.ones((2, 3)), np.ones((2, 2)))
    assert "Debugprint of the apply node:" not in str(info.value)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_describe_is_one_function(mode):
    assert theano.printing.describe is describe_mod.describe
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) + 1, mode=MODES[mode]())
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])
    text = f.describe(file="str")
    assert text == theano.printing.describe(f, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("backend: ")
    assert len(lines) == 1 + len(describe_mod.node_paths(f)) >= 2
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])
    with pytest.raises(TypeError, match="compiled function"):
        theano.printing.describe(x)
