"""The rewrite engine: node rewriters and the worklist, merge, the database and its selection, creation
traces, and robustness (a broken rewrite never breaks a compilation)."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.graph.rewriting import optimize_graph
from theano.graph.rewriting.basic import (RewriteWarning, WorklistRunner, merge_graph,
                                          node_rewriter)
from theano.graph.rewriting.db import PHASES, RewriteDatabase, rewrite_db, run_rewrites
from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise
from theano.tensor.math import Dot


def _fg(inputs, outputs):
    return FunctionGraph(inputs, outputs, clone=False)


def _scalar_names(fg):
    return [str(n.op.scalar_op) for n in fg.toposort() if isinstance(n.op, Elemwise)]


# ----------------------------------------------------------------------------------------------
# node rewriters and the worklist
# ----------------------------------------------------------------------------------------------


@node_rewriter([Elemwise])
def exp_to_exp2(fgraph, node):
    if node.op.scalar_op == ts.exp:
        return [T.exp2(node.inputs[0])]
    return None


def test_node_rewriter_decorator_keeps_name_and_tracks():
    assert exp_to_exp2.name == "exp_to_exp2"
    assert exp_to_exp2.tracks == [Elemwise]


def test_worklist_reaches_fixed_point_through_new_nodes():
    @node_rewriter([Elemwise])
    def neg_to_exp(fgraph, node):
        if node.op.scalar_op == ts.neg:
            return [T.exp(node.inputs[0])]
        return None

    x = T.dvector("x")
    fg = _fg([x], [-(-(-x))])
    n = WorklistRunner([neg_to_exp, exp_to_exp2]).apply(fg)
    # the exps made by the first rewrite are rewritten again by the second
    assert _scalar_names(fg) == ["exp2", "exp2", "exp2"]
    assert n == 6


def test_tracking_by_op_instance_and_by_class():
    seen = []

    @node_rewriter([T.exp])
    def by_instance(fgraph, node):
        seen.append(("instance", str(node.op.scalar_op)))

    @node_rewriter([Dot])
    def by_class(fgraph, node):
        seen.append(("class", "dot"))

    x = T.dmatrix("x")
    fg = _fg([x], [T.log(T.exp(T.dot(x, x)))])
    WorklistRunner([by_instance, by_class]).apply(fg)
    assert sorted(seen) == [("class", "dot"), ("instance", "exp")]


def test_rewrite_returning_dict_and_variable():
    @node_rewriter([Elemwise])
    def as_dict(fgraph, node):
        if node.op.scalar_op == ts.sin:
            return {node.outputs[0]: T.cos(node.inputs[0])}

    @node_rewriter([Elemwise])
    def as_var(fgraph, node):
        if node.op.scalar_op == ts.cos:
            return T.tan(node.inputs[0])

    x = T.dvector("x")
    fg = _fg([x], [T.sin(x)])
    WorklistRunner([as_dict, as_var]).apply(fg)
    assert _scalar_names(fg) == ["tan"]


def test_rewrite_that_raises_is_skipped_with_warning():
    @node_rewriter([Elemwise])
    def broken(fgraph, node):
        raise RuntimeError("boom")

    x = T.dvector("x")
    fg = _fg([x], [T.exp(x)])
    with pytest.warns(RewriteWarning, match="broken.*boom"):
        WorklistRunner([broken]).apply(fg)
    assert _scalar_names(fg) == ["exp"]


def test_replacement_of_wrong_type_is_refused():
    @node_rewriter([Elemwise])
    def to_float32(fgraph, node):
        if node.op.scalar_op == ts.exp:
            return [T.cast(node.outputs[0], "float32")]

    x = T.dvector("x")
    fg = _fg([x], [T.exp(x)])
    with pytest.warns(RewriteWarning, match="cannot stand for"):
        WorklistRunner([to_float32]).apply(fg)
    assert fg.outputs[0].dtype == "float64"
    assert _scalar_names(fg) == ["exp"]


def test_rewrites_that_undo_each_other_stop():
    @node_rewriter([Elemwise])
    def flip(fgraph, node):
        if node.op.scalar_op == ts.sin:
            return [T.cos(node.inputs[0])]
        if node.op.scalar_op == ts.cos:
            return [T.sin(node.inputs[0])]

    x = T.dvector("x")
    fg = _fg([x], [T.sin(x)])
    with pytest.warns(RewriteWarning, match="stopped"):
        WorklistRunner([flip], max_factor=5).apply(fg)


def test_new_nodes_keep_the_creation_trace_of_what_they_replace():
    x = T.dvector("x")
    y = T.log(1 + x)  # this line is the user's line
    line = y.owner.creation_trace.lineno
    f = theano.function([x], y, mode=theano.Mode("py", "fast_run").excluding("fusion"))
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    assert str(node.op.scalar_op) == "log1p"
    assert node.creation_trace.lineno == line


def test_runtime_error_after_rewrite_points_at_user_line():
    x = T.dvector("x")
    y = T.dvector("y")
    z = T.exp(x) * 1 + y  # mismatch at run time
    line = z.owner.creation_trace.lineno
    f = theano.function([x, y], z)
    with pytest.raises(Exception) as info:
        f(np.ones(3), np.ones(4))
    assert str(line) in str(info.value)


# ----------------------------------------------------------------------------------------------
# merge
# ----------------------------------------------------------------------------------------------


def test_merge_common_subexpressions_and_constants():
    x = T.dvector("x")
    a = T.exp(x) + T.constant(np.array([2.0]))
    b = T.exp(x) + T.constant(np.array([2.0]))
    fg = _fg([x], [a * b])
    merged = merge_graph(fg)
    assert merged >= 2
    names = _scalar_names(fg)
    assert names.count("exp") == 1 and names.count("add") == 1
    mul = fg.outputs[0].owner
    assert mul.inputs[0] is mul.inputs[1]


def test_merge_does_not_merge_different_constants_or_ops():
    x = T.dvector("x")
    fg = _fg([x], [(x + 1) * (x + 2) * T.exp(x) * T.exp2(x)])
    merge_graph(fg)
    assert _scalar_names(fg).count("add") == 2


def test_merge_optimizer_name_only_merges():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) + T.exp(x) + 0, mode=theano.Mode("py", "merge"))
    names = [str(getattr(n.op, "scalar_op", n.op)) for n in f.maker.fgraph.toposort()]
    assert names.count("exp") == 1 and names.count("add") == 2  # x + 0 stays
    np.testing.assert_allclose(f(np.arange(3.0)), 2 * np.exp(np.arange(3.0)))


# ----------------------------------------------------------------------------------------------
# database and selection
# ----------------------------------------------------------------------------------------------


def test_database_phases_and_tags():
    db = RewriteDatabase()
    db.register(exp_to_exp2, "canonicalize", "mytag", fast_compile=True)
    sel = db.query("fast_run")
    assert [e.name for e in sel["canonicalize"]] == ["exp_to_exp2"]
    assert db.query("fast_compile")["canonicalize"]
    assert not db.query("fast_run", excluding=["mytag"])["canonicalize"]
    assert not db.query("fast_run", excluding=["exp_to_exp2"])["canonicalize"]
    assert not db.query("fast_run", requiring=["other"])["canonicalize"]
    assert db.query("None", including=["mytag"])["canonicalize"]
    assert not db.query("None")["canonicalize"]
    with pytest.raises(ValueError, match="phase"):
        db.register(exp_to_exp2, "nophase")
    with pytest.raises(ValueError, match="Unknown optimizer"):
        db.query("bogus")


def test_global_db_has_every_phase_and_fast_compile_is_small():
    full = rewrite_db.query("fast_run")
    small = rewrite_db.query("fast_compile")
    assert all(full[p] for p in PHASES)
    assert not small["fusion"] and not small["inplace"] and not small["blas"]
    assert sum(map(len, small.values())) < sum(map(len, full.values()))


def test_optimizer_none_changes_nothing():
    x = T.dvector("x")
    out = T.log(1 + x) * 1
    fg = _fg([x], [out])
    before = _scalar_names(fg)
    optimize_graph(fg, "None")
    assert _scalar_names(fg) == before


def test_mode_including_excluding_and_flags():
    x = T.dvector("x")
    y = T.log(1 + x)
    f = theano.function([x], y, mode=theano.Mode("py", "fast_run").excluding("local_log1p"))
    assert "log1p" not in [str(n.op.scalar_op) for n in f.maker.fgraph.toposort()
                           if isinstance(n.op, Elemwise)]
    with theano.change_flags(optimizer_excluding="stabilize:fusion"):
        f = theano.function([x], y, mode=theano.Mode("py", "fast_run"))
    assert [str(n.op.scalar_op) for n in f.maker.fgraph.toposort()] == ["add", "log"]
    f = theano.function([x], y, mode=theano.Mode("py", "fast_compile"))
    assert "log1p" not in [str(getattr(n.op, "scalar_op", "")) for n in f.maker.fgraph.toposort()]


def test_run_rewrites_records_stats():
    x = T.dvector("x")
    fg = _fg([x], [T.log(1 + x) * 1])
    run_rewrites(fg, "fast_run")
    assert fg.rewrite_stats.counts.get("local_log1p") == 1
    assert fg.rewrite_stats.total_time >= 0


# ----------------------------------------------------------------------------------------------
# scale: a long chain is rewritten in about linear time (checked by counting, not timing)
# ----------------------------------------------------------------------------------------------


def _chain(n):
    x = T.dvector("x")
    y = x
    for k in range(n):
        y = (y * 1 + 0) if k % 2 else T.tanh(y)
    return x, y


def test_long_chain_rewrites_without_recursion_and_proportionally():
    counts = {}
    for n in (100, 1000):
        x, y = _chain(n)
        fg = FunctionGraph([x], [y])
        calls = []

        @node_rewriter([Elemwise])
        def count_calls(fgraph, node, _calls=calls):
            _calls.append(1)

        rewrite_db.register(count_calls, "canonicalize", fast_run=False, name="count_calls_test")
        try:
            run_rewrites(fg, "fast_run", including=["count_calls_test"], excluding=["fusion"])
        finally:
            del rewrite_db.entries["count_calls_test"]
        counts[n] = len(calls)
        assert _scalar_names(fg).count("tanh") == n // 2
        assert "mul" not in _scalar_names(fg)
    assert counts[1000] < 15 * counts[100]


def test_deep_graph_compiles_and_runs():
    x, y = _chain(2500)
    f = theano.function([x], y, mode=theano.Mode("py", "fast_run"))
    expected = np.arange(3.0)
    for _ in range(1250):
        expected = np.tanh(expected)
    np.testing.assert_allclose(f(np.arange(3.0)), expected)


def test_broken_rewrite_never_breaks_compilation():
    @node_rewriter(None)
    def always_broken(fgraph, node):
        raise ValueError("nope")

    rewrite_db.register(always_broken, "specialize", name="always_broken_test")
    try:
        x = T.dvector("x")
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            f = theano.function([x], T.exp(x) * 2)
        assert any("always_broken" in str(m.message) for m in w)
        np.testing.assert_allclose(f(np.ones(2)), 2 * np.exp(np.ones(2)))
    finally:
        del rewrite_db.entries["always_broken_test"]


def test_replacement_that_would_make_a_cycle_is_refused():
    @node_rewriter([Elemwise])
    def cyclic(fgraph, node):
        if node.op.scalar_op == ts.exp:
            return [node.outputs[0] * 2]

    x = T.dvector("x")
    fg = _fg([x], [T.exp(x)])
    with pytest.warns(RewriteWarning, match="cycle"):
        WorklistRunner([cyclic]).apply(fg)
    assert _scalar_names(fg) == ["exp"]
    fg.toposort()


def test_theano_style_local_optimizer_of_the_node_alone():
    from theano.tensor import opt

    @opt.local_optimizer([T.exp])
    def exp_to_exp2_old(node):
        return [T.exp2(node.inputs[0])]

    x = T.dvector("x")
    fg = _fg([x], [T.exp(x)])
    WorklistRunner([exp_to_exp2_old]).apply(fg)
    assert _scalar_names(fg) == ["exp2"]
    opt.register_canonicalize(exp_to_exp2_old, name="exp_to_exp2_old_test")
    try:
        f = theano.function([x], T.exp(x), mode=theano.Mode("py", "fast_run"))
        assert "exp2" in [str(n.op.scalar_op) for n in f.maker.fgraph.toposort()]
    finally:
        del rewrite_db.entries["exp_to_exp2_old_test"]


def test_on_opt_error_flag():
    @node_rewriter([Elemwise])
    def broken2(fgraph, node):
        raise RuntimeError("kaboom")

    x = T.dvector("x")
    with theano.change_flags(on_opt_error="raise"):
        with pytest.raises(RuntimeError, match="kaboom"):
            WorklistRunner([broken2]).apply(_fg([x], [T.exp(x)]))
    with theano.change_flags(on_opt_error="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            WorklistRunner([broken2]).apply(_fg([x], [T.exp(x)]))
    assert rewrite_db.query("unsafe")["canonicalize"]
