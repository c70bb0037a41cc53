"""The graph IR: variables, apply nodes, walks, cloning and replacement."""

import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import (Apply, Constant, ancestors, clone, clone_replace,
                                graph_inputs, io_toposort, view_roots)
from theano.graph.fg import FunctionGraph, MissingInputError


def test_owner_inputs_outputs_as_in_the_tutorial():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    z = x + y
    assert x.owner is None and y.owner is None
    node = z.owner
    assert isinstance(node, Apply)
    assert node.inputs == [x, y]
    assert node.outputs == [z]
    assert z.index == 0
    assert str(node.op) == "Elemwise{add,no_inplace}"
    assert str(x.type) == "TensorType(float64, matrix)"


def test_variable_has_no_truth_value():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="truth value"):
        bool(x > 0)


def test_walks_are_iterative_on_deep_graphs():
    x = T.dscalar("x")
    y = x
    for _ in range(5 * sys.getrecursionlimit()):
        y = y + 1
    assert len(io_toposort([x], [y])) == 5 * sys.getrecursionlimit()
    assert graph_inputs([y])[0] is x or x in graph_inputs([y])
    z = clone_replace(y, {x: T.dscalar("w")})
    assert z is not y
    f = theano.function([x], y, mode="FAST_COMPILE")
    assert f(0.0) == 5 * sys.getrecursionlimit()


def test_graph_inputs_and_ancestors():
    x, y = T.dscalars("x", "y")
    z = x * 2 + y
    ins = graph_inputs([z])
    assert x in ins and y in ins
    assert any(isinstance(v, Constant) for v in ins)
    anc = ancestors([z])
    assert z in anc and x in anc
    assert set(graph_inputs([z], blockers=[x * 2])) >= {y}


def test_toposort_order():
    x = T.dvector("x")
    a = T.exp(x)
    b = a * 2
    c = b + a
    order = io_toposort([x], [c])
    assert order.index(a.owner) < order.index(b.owner) < order.index(c.owner)


def test_clone_and_clone_replace():
    x, y = T.dscalars("x", "y")
    z = x * y + 1
    (x2, y2), (z2,) = clone([x, y], [z])
    assert x2 is not x and z2 is not z
    f = theano.function([x2, y2], z2)
    assert f(2, 3) == 7
    w = T.dscalar("w")
    z3 = theano.clone(z, replace={x: w * 10})
    f3 = theano.function([w, y], z3)
    assert f3(1, 2) == 21
    # the original graph is unchanged
    assert z.owner.inputs[0].owner.inputs[0] is x


def test_clone_replace_type_check():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="Cannot replace"):
        clone_replace(x * 2, {x: T.dmatrix("m")})


def test_view_roots():
    x = T.dmatrix("x")
    v = x.T
    assert view_roots(v) == [x]
    assert view_roots(x + 1) == [x + 1] or view_roots(x + 1)[0].owner is not None


def test_function_graph_clients_and_replace():
    x = T.dvector("x")
    a = T.exp(x)
    b = a + a
    fg = FunctionGraph([x], [b], clone=False)
    assert len(fg.clients[a]) == 2
    assert fg.clients[b] == [("output", 0)]
    new = T.log(x)
    fg.replace(a, new, reason="test")
    assert a.owner not in fg.apply_nodes
    assert new.owner in fg.apply_nodes
    assert b.owner.inputs == [new, new]
    fg.check_integrity()
    with pytest.raises(TypeError):
        fg.replace(new, T.dmatrix("m"))


def test_function_graph_features_callbacks():
    events = []

    class Recorder:
        def on_attach(self, fg):
            events.append("attach")

        def on_import(self, fg, node, reason):
            events.append(("import", str(node.op)))

        def on_prune(self, fg, node, reason):
            events.append(("prune", str(node.op)))

        def on_change_input(self, fg, node, i, old, new, reason):
            events.append("change")

    x = T.dvector("x")
    a = T.exp(x)
    fg = FunctionGraph([x], [a * 2], clone=False)
    fg.attach_feature(Recorder())
    fg.replace(a, T.sin(x))
    kinds = [e if isinstance(e, str) else e[0] for e in events]
    assert kinds[0] == "attach" and "import" in kinds and "prune" in kinds and "change" in kinds


def test_function_graph_missing_input():
    x, y = T.dscalars("x", "y")
    with pytest.raises(MissingInputError):
        FunctionGraph([x], [x + y])


def test_constant_signature_merges_equal_values():
    a = T.constant(np.arange(5.0))
    b = T.constant(np.arange(5.0))
    c = T.constant(np.arange(5.0) + 1)
    assert a.signature() == b.signature()
    assert a.signature() != c.signature()
    assert hash(a.signature()) == hash(b.signature())


def test_op_props_identity():
    assert T.Sum(axis=(0,)) == T.Sum(axis=(0,))
    assert hash(T.DimShuffle((False,), ("x", 0))) == hash(T.DimShuffle((False,), ("x", 0)))
    assert T.DimShuffle((False,), ("x", 0)) != T.DimShuffle((False,), (0, "x"))


def test_eval():
    x = T.dvector("x")
    y = (x * 2).sum()
    assert y.eval({x: [1.0, 2.0]}) == 6.0
    assert T.constant(3).eval() == 3


def test_creation_trace_points_at_user_code():
    x = T.dvector("x")
    y = T.exp(x)
    assert y.owner.creation_trace is not None
    assert y.owner.creation_trace.filename.endswith("test_basic.py")


def test_variables_are_truthy_except_comparisons():
    # Theano 1.0 programs test optional parameters with ``if W:`` / ``if persistent:``
    import numpy as np
    import theano

    w = theano.shared(np.zeros(3))
    x = T.dmatrix("x")
    assert bool(w) and bool(x) and bool(x + 1) and bool(T.constant(0.0))
    for cmp in (x < 0, x <= 0, x > 0, x >= 0, 0 < x):
        with pytest.raises(TypeError, match="truth value"):
            bool(cmp)
    with pytest.raises(TypeError, match="truth value"):
        bool(x < x + 1 < x + 2)


@pytest.mark.parametrize("protocol", [0, 1, 2, 5])
def test_graph_pickles_with_every_protocol(protocol):
    import pickle

    x = T.dvector("x")
    y = T.exp(x) + 1
    z = pickle.loads(pickle.dumps(y, protocol=protocol))
    assert z.owner.creation_trace.filename == y.owner.creation_trace.filename
    (xz,) = [v for v in graph_inputs([z]) if getattr(v, "name", None) == "x"]
    assert np.allclose(theano.function([xz], z)(np.zeros(2)), 2.0)


def _make_vector_here():
    return T.dvector("made")


def test_tag_trace_holds_the_users_frames():
    # Theano 1.0: var.tag.trace is [the user's stack where the variable was made], at most
    # config.traceback.limit frames (innermost last); -1 keeps them all, 0 none.
    import inspect
    import io
    import pickle

    from theano.misc.pkl_utils import StripPickler

    here = inspect.currentframe().f_code.co_name
    old = theano.config.traceback.limit
    try:
        for limit in (1, 2, 3):
            theano.config.traceback.limit = limit
            v = _make_vector_here()
            (stack,) = v.tag.trace
            assert len(stack) == limit
            fname, line, func, text = stack[-1]
            assert fname == __file__ and func == "_make_vector_here"
            assert text == 'return T.dvector("made")'
            if limit > 1:
                assert stack[-2][2] == here and stack[-2][3] == "v = _make_vector_here()"
        theano.config.traceback.limit = -1
        assert len(_make_vector_here().tag.trace[0]) >= 3
        theano.config.traceback.limit = 8
        x = T.dvector("x")
        # an op's output: its trace ends where the op was applied
        y = T.exp(x) * 2
        assert y.tag.trace[0][-1][2] == here and y.tag.trace[0][-1][3] == "y = T.exp(x) * 2"
        # kept by pickle, left out by StripPickler
        y2 = pickle.loads(pickle.dumps(y))
        assert y2.tag.trace[0][-1][3] == "y = T.exp(x) * 2"
        buf = io.BytesIO()
        StripPickler(buf).dump(y)
        y3 = pickle.loads(buf.getvalue())
        assert not hasattr(y3.tag, "trace")
        f = theano.function([y3.owner.inputs[0].owner.inputs[0]], y3)
        for n in (1, 4, 2):
            v = np.linspace(-1, 1, n)
            np.testing.assert_allclose(f(v), np.exp(v) * 2)
        theano.config.traceback.limit = 0
        assert not hasattr(T.dvector().tag, "trace")
    finally:
        theano.config.traceback.limit = old
