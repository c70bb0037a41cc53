"""Theano 1.0's graph-optimization API (theano.gof.opt, theano.gof.toolbox, theano.compile.optdb and
the register_* helpers of theano.tensor.opt) over the rewrite engine: the "Graph optimization"
tutorial's optimizers, pattern substitution, registration into compilation, and stack traces."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gof
from theano.gof import toolbox
from theano.gof.opt import (EquilibriumOptimizer, LocalOptGroup, OpRemove, OpSub, PatternSub,
                            TopoOptimizer, check_stack_trace, copy_stack_trace, in2out,
                            local_optimizer, out2in)
from theano.graph.rewriting.db import rewrite_db
from theano.graph.rewriting.legacy import phase_of_position
from theano.tensor.elemwise import Elemwise

MODES = [theano.Mode(linker="py"), theano.Mode(linker="numba")]
MODE_IDS = ["py", "numba"]


@pytest.fixture
def registered():
    """Names registered by a test, removed from the database afterwards."""
    names = []
    yield names
    for n in names:
        rewrite_db.entries.pop(n, None)


def _ops(fgraph):
    return [str(n.op) for n in fgraph.toposort()]


def _scalar_ops(fgraph):
    return sorted(str(n.op.scalar_op) for n in fgraph.toposort() if isinstance(n.op, Elemwise))


def _rng():
    return np.random.default_rng(7)


# ----------------------------------------------------------------------------------------------
# the tutorial's Simplify: (x * y) / y -> x
# ----------------------------------------------------------------------------------------------


class Simplify(gof.Optimizer):
    """The tutorial's global optimizer, written against Theano 1.0's API."""

    def add_requirements(self, fgraph):
        fgraph.attach_feature(toolbox.ReplaceValidate())

    def apply(self, fgraph):
        for node in fgraph.toposort():
            if node.op == T.true_div:
                x, y = node.inputs
                z = node.outputs[0]
                if x.owner and x.owner.op == T.mul:
                    a, b = x.owner.inputs
                    if y == a:
                        fgraph.replace_validate(z, b)
                    elif y == b:
                        fgraph.replace_validate(z, a)


class LocalSimplify(gof.LocalOptimizer):
    """The tutorial's local form: transform(node) and tracks()."""

    def transform(self, node):
        if node.op == T.true_div:
            x, y = node.inputs
            if x.owner and x.owner.op == T.mul:
                a, b = x.owner.inputs
                if y == a:
                    return [b]
                if y == b:
                    return [a]
        return False

    def tracks(self):
        return [T.true_div]


@local_optimizer([T.true_div])
def local_simplify(node):
    x, y = node.inputs
    if x.owner and x.owner.op == T.mul:
        a, b = x.owner.inputs
        if y == a:
            return [b]
        if y == b:
            return [a]
    return False


def _tutorial_graph():
    x, y, z = T.dvectors("x", "y", "z")
    return (x, y, z), (x * y) / y + z


def _eval_fgraph(fgraph, values):
    """Compile the rewritten graph without further rewrites and run it on both backends twice."""
    out = []
    for mode in MODES:
        f = theano.function(fgraph.inputs, fgraph.outputs, mode=mode.clone(optimizer="None"),
                            on_unused_input="ignore")
        first = f(*values)
        second = f(*values)
        np.testing.assert_allclose(first[0], second[0])
        out.append(first[0])
    return out


@pytest.mark.parametrize("make_opt", [Simplify, lambda: TopoOptimizer(LocalSimplify()),
                                      lambda: TopoOptimizer(local_simplify),
                                      lambda: in2out(local_simplify),
                                      lambda: out2in(LocalSimplify()),
                                      lambda: PatternSub((T.true_div, (T.mul, "a", "b"), "b"), "a"),
                                      lambda: EquilibriumOptimizer([local_simplify], max_use_ratio=4)],
                         ids=["Optimizer", "LocalOptimizer", "local_optimizer", "in2out", "out2in",
                              "PatternSub", "Equilibrium"])
def test_tutorial_simplify(make_opt):
    (x, y, z), out = _tutorial_graph()
    fg = gof.FunctionGraph([x, y, z], [out])
    assert sorted(_scalar_ops(fg)) == ["add", "mul", "true_div"]
    opt = make_opt()
    if isinstance(opt, PatternSub):
        opt = TopoOptimizer(opt)
    opt.optimize(fg)
    assert _scalar_ops(fg) == ["add"]
    rng = _rng()
    vals = [rng.normal(size=5) for _ in range(3)]
    vals[1] = np.abs(vals[1]) + 0.5
    for got in _eval_fgraph(fg, vals):
        np.testing.assert_allclose(got, vals[0] + vals[2])


def test_simplify_leaves_other_graphs_alone():
    x, y, z = T.dvectors("x", "y", "z")
    fg = gof.FunctionGraph([x, y, z], [(x * y) / z])
    Simplify().optimize(fg)
    TopoOptimizer(local_simplify).optimize(fg)
    assert _scalar_ops(fg) == ["mul", "true_div"]


def test_local_optimizer_forms():
    x = T.dvector("x")
    node = T.true_div(x * 2.0, x).owner
    # Theano's transform(node), callable directly
    assert local_simplify.transform(node)[0].owner.op.__class__.__name__ == "DimShuffle"
    assert LocalSimplify().transform(T.exp(x).owner) is False

    @local_optimizer([T.exp])
    def two_args(fgraph, node):  # the newer (fgraph, node) form
        return [T.exp2(node.inputs[0])]

    fg = gof.FunctionGraph([x], [T.exp(x)])
    in2out(two_args).optimize(fg)
    assert _scalar_ops(fg) == ["exp2"]
    with pytest.raises(ValueError):
        local_optimizer([])
    with pytest.raises(ValueError):
        local_optimizer(["exp"])


def test_local_optimizer_dict_result_and_group():
    x = T.dvector("x")

    @local_optimizer([T.sin])
    def sin_to_cos(node):
        return {node.outputs[0]: T.cos(node.inputs[0]), "remove": [node]}

    @local_optimizer([T.tan])
    def tan_to_neg(node):
        return [-node.inputs[0]]

    fg = gof.FunctionGraph([x], [T.sin(x) + T.tan(x)])
    TopoOptimizer(LocalOptGroup(sin_to_cos, tan_to_neg)).optimize(fg)
    assert _scalar_ops(fg) == ["add", "cos", "neg"]
    v = np.linspace(-1, 1, 5)
    for got in _eval_fgraph(fg, [v]):
        np.testing.assert_allclose(got, np.cos(v) - v)


def test_topo_optimizer_ignore_newtrees():
    x = T.dvector("x")

    @local_optimizer([T.exp])
    def nest(node):  # exp(x) -> exp(exp(x))... stopped by ignore_newtrees
        if node.inputs[0].owner is None:
            return [T.exp(T.exp(node.inputs[0]))]
        return False

    fg = gof.FunctionGraph([x], [T.exp(x)])
    TopoOptimizer(nest, ignore_newtrees=True).optimize(fg)
    assert _scalar_ops(fg) == ["exp", "exp"]
    with pytest.raises(ValueError):
        TopoOptimizer(nest, order="sideways")


def test_opsub_and_opremove():
    x = T.dvector("x")
    fg = gof.FunctionGraph([x], [T.exp(T.neg(x))])
    in2out(OpSub(T.exp, T.exp2)).optimize(fg)
    assert _scalar_ops(fg) == ["exp2", "neg"]
    in2out(OpRemove(T.neg)).optimize(fg)
    assert _scalar_ops(fg) == ["exp2"]
    v = np.array([0.0, 1.0, 3.0])
    for got in _eval_fgraph(fg, [v]):
        np.testing.assert_allclose(got, 2.0 ** v)


# ----------------------------------------------------------------------------------------------
# PatternSub's language
# ----------------------------------------------------------------------------------------------


def test_pattern_constants_and_nested_output():
    x, y = T.dvectors("x", "y")
    fg = gof.FunctionGraph([x, y], [x * 2 + y])
    in2out(PatternSub((T.mul, "a", 2), (T.add, "a", "a"))).optimize(fg)
    assert _scalar_ops(fg) == ["add", "add"]
    # a constant of another value does not match
    fg3 = gof.FunctionGraph([x, y], [x * 3 + y])
    in2out(PatternSub((T.mul, "a", 2), (T.add, "a", "a"))).optimize(fg3)
    assert _scalar_ops(fg3) == ["add", "mul"]
    v, w = np.arange(4.0), np.ones(4)
    for got in _eval_fgraph(fg, [v, w]):
        np.testing.assert_allclose(got, 2 * v + w)


def test_pattern_unification():
    x, y = T.dvectors("x", "y")
    pat = PatternSub((T.sub, "a", "a"), (T.mul, "a", 0.0))
    same = gof.FunctionGraph([x, y], [T.sub(x, x) + y])
    TopoOptimizer(pat).optimize(same)
    assert _scalar_ops(same) == ["add", "mul"]
    differ = gof.FunctionGraph([x, y], [T.sub(x, y)])
    TopoOptimizer(pat).optimize(differ)
    assert _scalar_ops(differ) == ["sub"]


def test_pattern_constraint_and_clients():
    x, y = T.dvectors("x", "y")
    constrained = PatternSub({"pattern": (T.exp, {"pattern": "a", "constraint": lambda v: v.name == "x"}),
                              "constraint": lambda v: True},
                             (T.exp2, "a"))
    fg = gof.FunctionGraph([x, y], [T.exp(x) + T.exp(y)])
    in2out(constrained).optimize(fg)
    assert _scalar_ops(fg) == ["add", "exp", "exp2"]

    # the inner node of a match may not have another client unless allow_multiple_clients
    lg = T.log(x)
    for allow, expect in ((False, ["add", "exp", "log"]), (True, ["add", "log"])):
        fg = gof.FunctionGraph([x], [T.exp(lg) + lg])
        in2out(PatternSub((T.exp, (T.log, "a")), "a", allow_multiple_clients=allow)).optimize(fg)
        assert _scalar_ops(fg) == expect


def test_pattern_rejects_bad_pattern():
    with pytest.raises(TypeError):
        PatternSub("a", "a")


# ----------------------------------------------------------------------------------------------
# registration: optdb, register_specialize/canonicalize/stabilize
# ----------------------------------------------------------------------------------------------


class SinToCos(gof.Optimizer):
    """A global optimizer with a visible effect: sin(x) becomes cos(x)."""

    def add_requirements(self, fgraph):
        fgraph.attach_feature(toolbox.ReplaceValidate())

    def apply(self, fgraph):
        for node in fgraph.toposort():
            if node.op == T.sin:
                fgraph.replace_validate(node.outputs[0], T.cos(node.inputs[0]), reason="sin_to_cos")


def _check_sin_or_cos(mode, expect_cos):
    x = T.dvector("x")
    f = theano.function([x], T.sin(x) * 2, mode=mode)
    v = np.linspace(-2, 2, 7)
    expected = 2 * (np.cos(v) if expect_cos else np.sin(v))
    for _ in range(2):
        np.testing.assert_allclose(f(v), expected)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_optdb_register_global(registered, mode):
    theano.compile.optdb.register("test_sin_to_cos_global", SinToCos(), 1.5, "fast_run")
    registered.append("test_sin_to_cos_global")
    assert theano.compile.mode.optdb is theano.compile.optdb
    assert "test_sin_to_cos_global" in theano.compile.optdb
    assert rewrite_db.entries["test_sin_to_cos_global"].phase == "stabilize"
    _check_sin_or_cos(mode, True)
    _check_sin_or_cos(mode.excluding("test_sin_to_cos_global"), False)


def test_optdb_untagged_runs_only_when_included(registered):
    theano.compile.optdb.register("test_sin_to_cos_untagged", SinToCos(), 3)
    registered.append("test_sin_to_cos_untagged")
    mode = theano.Mode(linker="py")
    _check_sin_or_cos(mode, False)
    _check_sin_or_cos(mode.including("test_sin_to_cos_untagged"), True)


def test_optdb_sub_database_and_query(registered):
    theano.compile.optdb["specialize"].register("test_sin_to_cos_local",
                                                 OpSub(T.sin, T.cos), "fast_run")
    registered.append("test_sin_to_cos_local")
    assert "test_sin_to_cos_local" in theano.compile.optdb["specialize"]
    assert "test_sin_to_cos_local" not in theano.compile.optdb["canonicalize"]
    x = T.dvector("x")
    # query by tags; a Query with a position cutoff before specialize leaves it out
    fg = gof.FunctionGraph([x], [T.sin(x)])
    theano.compile.optdb.query("fast_run", "-fusion").optimize(fg)
    assert _scalar_ops(fg) == ["cos"]
    q = gof.Query(include=["fast_run"])
    q.position_cutoff = 1.51
    fg = gof.FunctionGraph([x], [T.sin(x)])
    theano.compile.optdb.query(q).optimize(fg)
    assert _scalar_ops(fg) == ["sin"]
    with pytest.raises(KeyError):
        theano.compile.optdb["no_such_optimizer"]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_register_specialize_theano_forms(registered, mode):
    from theano.tensor.opt import register_canonicalize, register_specialize, register_stabilize

    # register_x(lopt, *tags, name=...): returns the optimizer itself
    assert register_specialize(local_simplify, "my_tag", name="test_simplify_spec") is local_simplify
    registered.append("test_simplify_spec")

    @register_specialize
    @local_optimizer([T.sin])
    def test_sin_to_cos_spec(node):
        return [T.cos(node.inputs[0])]

    registered.append("test_sin_to_cos_spec")
    assert rewrite_db.entries["test_sin_to_cos_spec"].phase == "specialize"
    _check_sin_or_cos(mode, True)
    _check_sin_or_cos(mode.excluding("test_sin_to_cos_spec"), False)

    # register_x('tag')(lopt) with a LocalOptimizer object, and unknown Theano keywords ignored
    class TanToNeg(gof.LocalOptimizer):
        def tracks(self):
            return [T.tan]

        def transform(self, node):
            return [-node.inputs[0]]

    lopt = register_canonicalize("test_tag")(TanToNeg())
    registered.append("TanToNeg")
    assert isinstance(lopt, TanToNeg)
    register_stabilize(OpSub(T.arctan, T.arcsin), name="test_atan_sub", use_db_name_as_tag=False)
    registered.append("test_atan_sub")
    x = T.dvector("x")
    f = theano.function([x], [T.tan(x), T.arctan(x)], mode=mode)
    v = np.linspace(-0.5, 0.5, 5)
    for _ in range(2):
        a, b = f(v)
        np.testing.assert_allclose(a, -v)
        np.testing.assert_allclose(b, np.arcsin(v))
    f = theano.function([x], T.tan(x), mode=mode.excluding("test_tag"))
    np.testing.assert_allclose(f(v), np.tan(v))


def test_phase_of_position():
    assert phase_of_position(0) == "merge"
    assert phase_of_position(1) == "canonicalize"
    assert phase_of_position(1.5) == "stabilize"
    assert phase_of_position(2) == phase_of_position(48.6) == "specialize"
    assert phase_of_position(49) == phase_of_position(100) == "fusion"
    assert phase_of_position(75, ("inplace",)) == "inplace"


# ----------------------------------------------------------------------------------------------
# toolbox features
# ----------------------------------------------------------------------------------------------


class _Recorder(toolbox.Feature):
    def __init__(self):
        self.events = []

    def on_attach(self, fgraph):
        self.events.append(("attach", len(fgraph.apply_nodes)))

    def on_import(self, fgraph, node, reason):
        self.events.append(("import", str(node.op)))

    def on_prune(self, fgraph, node, reason):
        self.events.append(("prune", str(node.op)))

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None):
        self.events.append(("change", reason))


def test_feature_callbacks():
    x = T.dvector("x")
    fg = gof.FunctionGraph([x], [T.exp(x)])
    rec = _Recorder()
    fg.attach_feature(rec)
    in2out(OpSub(T.exp, T.exp2)).optimize(fg)
    kinds = [e[0] for e in rec.events]
    assert kinds[0] == "attach" and rec.events[0][1] == 1
    assert "import" in kinds and "prune" in kinds and "change" in kinds
    base = toolbox.Feature()  # every callback exists and does nothing
    base.on_import(fg, None, None)
    assert base.orderings(fg) == {}


def test_replace_validate_undoes_refused_replacement():
    x, y = T.dvectors("x", "y")
    fg = gof.FunctionGraph([x, y], [T.exp(x) + y])
    fg.attach_feature(toolbox.ReplaceValidate())

    class Refuse(toolbox.Feature):
        armed = False

        def validate(self, fgraph):
            if self.armed:
                raise gof.InconsistencyError("refused")

    refuse = Refuse()
    fg.attach_feature(refuse)
    exp_out = fg.outputs[0].owner.inputs[0]
    refuse.armed = True
    with pytest.raises(gof.InconsistencyError):
        fg.replace_all_validate([(exp_out, T.exp2(fg.inputs[0]))], reason="test")
    assert _scalar_ops(fg) == ["add", "exp"]
    assert fg.consistent() is False
    refuse.armed = False
    fg.replace_validate(exp_out, T.exp2(fg.inputs[0]))
    assert _scalar_ops(fg) == ["add", "exp2"]
    fg.check_integrity()


def test_node_finder():
    x = T.dvector("x")
    fg = gof.FunctionGraph([x], [T.exp(x) + T.exp(2 * x)])
    fg.attach_feature(toolbox.NodeFinder())
    assert len(fg.get_nodes(T.exp)) == 2
    # Theano 1.0: a second NodeFinder refuses (AlreadyThere) and attach_feature leaves the graph
    # as it was
    second = toolbox.NodeFinder()
    with pytest.raises(toolbox.AlreadyThere):
        second.on_attach(fg)
    fg.attach_feature(second)
    assert second not in fg.features and len(fg.get_nodes(T.exp)) == 2


# ----------------------------------------------------------------------------------------------
# stack traces
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_check_stack_trace_after_compilation(mode):
    x, y = T.dmatrices("x", "y")
    out = T.nnet.sigmoid(T.dot(x, y)) + T.exp(x).sum()
    f = theano.function([x, y], out, mode=mode)
    assert check_stack_trace(f)
    assert check_stack_trace(f, ops_to_check="all")
    assert check_stack_trace(f.maker.fgraph, ops_to_check=Elemwise)
    assert check_stack_trace(f, ops_to_check=lambda node: True)
    rng = _rng()
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    expected = 1 / (1 + np.exp(-(a @ b))) + np.exp(a).sum()
    for _ in range(2):
        np.testing.assert_allclose(f(a, b), expected)


def test_check_stack_trace_missing():
    x = T.dvector("x")
    with theano.change_flags(traceback__limit=0):
        untraced = T.exp(x)
    assert untraced.owner.creation_trace is None
    fg = gof.FunctionGraph([x], [untraced + 1], clone=False)
    assert check_stack_trace(fg) is True  # the last node (add) has its trace
    assert check_stack_trace(fg, ops_to_check="all") is False
    assert check_stack_trace(fg, ops_to_check=T.exp) is False
    with pytest.raises(ValueError):
        check_stack_trace(fg, ops_to_check=T.sin)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert check_stack_trace(fg, ops_to_check=T.sin, bug_print="warn") is True
    assert w
    assert check_stack_trace(fg, ops_to_check=T.sin, bug_print="ignore") is True
    with pytest.raises(ValueError):
        check_stack_trace(fg, bug_print="loud")

    # copy_stack_trace gives the untraced node the trace of a traced one
    copy_stack_trace(fg.outputs[0], untraced)
    assert untraced.owner.creation_trace is fg.outputs[0].owner.creation_trace
    assert check_stack_trace(fg, ops_to_check="all") is True


def test_user_rewrite_keeps_trace():
    x = T.dvector("x")

    @local_optimizer([T.sin])
    def sin_to_cos(node):
        return [T.cos(node.inputs[0])]

    out = T.sin(x)
    trace = out.owner.creation_trace
    fg = gof.FunctionGraph([x], [out])
    in2out(sin_to_cos).optimize(fg)
    assert _scalar_ops(fg) == ["cos"]
    assert fg.outputs[0].owner.creation_trace == trace
    assert check_stack_trace(fg, ops_to_check=T.cos)


# ----------------------------------------------------------------------------------------------
# Mode with Theano's Query and optimizer objects
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("linker", ["py", "numba"])
def test_mode_query_and_private_optimizer(registered, linker):
    register = theano.compile.optdb["specialize"].register
    register("test_sin_to_cos_q", OpSub(T.sin, T.cos), "fast_run")
    registered.append("test_sin_to_cos_q")
    mode = theano.Mode(linker=linker, optimizer="fast_run")
    q = mode._optimizer
    assert isinstance(q, gof.Query) and q.include == ("fast_run",)
    _check_sin_or_cos(mode, True)
    # Theano's idiom: mode._optimizer = mode._optimizer.excluding(...)
    mode._optimizer = mode._optimizer.excluding("test_sin_to_cos_q")
    assert mode._optimizer.exclude == ("test_sin_to_cos_q",)
    _check_sin_or_cos(mode, False)
    # Mode(optimizer=Query(...)), with a position cutoff before specialize
    _check_sin_or_cos(theano.Mode(linker=linker, optimizer=gof.Query(["fast_run"])), True)
    q = gof.Query(["fast_run"])
    q.position_cutoff = 1.51
    _check_sin_or_cos(theano.Mode(linker=linker, optimizer=q), False)
    _check_sin_or_cos(theano.Mode(linker=linker, optimizer="None").including("test_sin_to_cos_q"), True)


@pytest.mark.parametrize("linker", ["py", "numba"])
def test_mode_with_optimizer_object(linker):
    _check_sin_or_cos(theano.Mode(linker=linker, optimizer=SinToCos()), True)
    _check_sin_or_cos(theano.Mode(linker=linker, optimizer=in2out(OpSub(T.sin, T.cos))), True)
    with pytest.raises(AttributeError):
        theano.Mode(linker=linker, optimizer=SinToCos())._optimizer


def test_named_queries_select_like_optimizer_names():
    from theano.compile import mode as mode_mod

    x = T.dvector("x")
    out = T.log(1 + T.exp(x))  # stabilized to softplus by FAST_RUN's rewrites
    results = {}
    for name, q in (("fast_run", mode_mod.OPT_FAST_RUN), ("None", mode_mod.OPT_NONE),
                    ("merge", mode_mod.OPT_MERGE), ("fast_compile", mode_mod.OPT_FAST_COMPILE)):
        by_name = gof.FunctionGraph([x], [out])
        theano.Mode(linker="py", optimizer=name).optimize(by_name)
        by_query = gof.FunctionGraph([x], [out])
        mode_mod.optdb.query(q).optimize(by_query)
        assert _ops(by_name) == _ops(by_query), name
        results[name] = _ops(by_query)
    assert results["fast_run"] != results["None"]
    v = np.array([-800.0, 0.0, 800.0])
    f = theano.function([x], out, mode=theano.Mode(linker="py", optimizer=mode_mod.OPT_FAST_RUN))
    for _ in range(2):
        np.testing.assert_allclose(f(v), np.logaddexp(0, v))


def test_direct_transform_and_requirements():
    x = T.dvector("x")
    node = T.exp(T.log(x)).owner
    assert PatternSub((T.exp, (T.log, "a")), "a").transform(node) == [x]
    assert PatternSub((T.exp, (T.sin, "a")), "a").transform(node) is False
    assert LocalOptGroup(OpSub(T.sin, T.cos), OpSub(T.exp, T.exp2)).transform(node)[0].owner.op == T.exp2

    seen = []

    @local_optimizer([T.exp], inplace=True, requirements=[seen.append])
    def exp_to_exp2(node):
        return [T.exp2(node.inputs[0])]

    fg = gof.FunctionGraph([x], [T.exp(x)])
    in2out(exp_to_exp2).optimize(fg)
    assert seen == [fg]
    assert getattr(fg, "destroy_handler", None) is not None
    assert _scalar_ops(fg) == ["exp2"]

    class Counting(gof.LocalOptimizer):
        calls = 0

        def add_requirements(self, fgraph):
            Counting.calls += 1

        def transform(self, node):
            return False

    TopoOptimizer(Counting()).optimize(fg)
    assert Counting.calls == 1
    with pytest.raises(ValueError):
        EquilibriumOptimizer([exp_to_exp2])  # Theano required max_use_ratio too


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_own_database_in_optdb(registered, mode):
    from theano.gof.optdb import EquilibriumDB, LocalGroupDB, SequenceDB

    db = EquilibriumDB()
    db.register("test_db_sin_to_cos", OpSub(T.sin, T.cos), "fast_run")  # before binding
    theano.compile.optdb.register("test_my_db", db, 2.5, "fast_run")
    db.register("test_db_tan_to_neg", OpSub(T.tan, T.neg), "fast_run")  # after binding
    db.register("test_db_untagged", OpSub(T.arctan, T.arcsin))
    registered.extend(["test_db_sin_to_cos", "test_db_tan_to_neg", "test_db_untagged"])
    assert theano.compile.optdb["test_my_db"] is db and "test_my_db" in theano.compile.optdb
    assert rewrite_db.entries["test_db_tan_to_neg"].phase == "specialize"
    with pytest.raises(ValueError):
        db.register("test_db_sin_to_cos", OpSub(T.sin, T.cos))
    x = T.dvector("x")
    v = np.linspace(-0.5, 0.5, 5)
    f = theano.function([x], [T.sin(x), T.tan(x), T.arctan(x)], mode=mode)
    for _ in range(2):
        a, b, c = f(v)
        np.testing.assert_allclose(a, np.cos(v))
        np.testing.assert_allclose(b, -v)
        np.testing.assert_allclose(c, np.arctan(v))  # its entry lacks 'fast_run'
    # excluding the database's name excludes its entries
    f = theano.function([x], T.sin(x), mode=mode.excluding("test_my_db"))
    np.testing.assert_allclose(f(v), np.sin(v))

    # a database used alone: query by tags
    for cls in (EquilibriumDB, SequenceDB, LocalGroupDB):
        alone = cls()
        if cls is SequenceDB:
            alone.register("s", OpSub(T.sin, T.cos), 1, "a")
        else:
            alone.register("s", OpSub(T.sin, T.cos), "a")
        opt = alone.query("a")
        fg = gof.FunctionGraph([x], [T.sin(x)])
        (TopoOptimizer(opt) if cls is LocalGroupDB else opt).optimize(fg)
        assert _scalar_ops(fg) == ["cos"], cls
        if cls is not LocalGroupDB:
            fg = gof.FunctionGraph([x], [T.sin(x)])
            alone.query("a", "-s").optimize(fg)
            assert _scalar_ops(fg) == ["sin"], cls


def test_optdb_names_and_tags_do_not_collide():
    import pytest

    from theano.gof.optdb import DB, opt

    class Noop(opt.Optimizer):
        def apply(self, fgraph):
            pass

    db = DB()
    db.register("a", Noop())
    db.register("c", Noop(), "z", "asdf")
    assert "a" in db and "c" in db and "z" not in db
    with pytest.raises(ValueError, match="The name"):
        db.register("c", Noop())
    with pytest.raises(ValueError, match="The name"):
        db.register("z", Noop())            # an existing tag
    with pytest.raises(ValueError, match="The tag"):
        db.register("u", Noop(), "a")       # a tag that is an existing name
    assert "u" not in db


def test_topo_optimizer_failure_callback():
    import warnings

    import numpy as np
    import pytest

    import theano
    import theano.tensor as T
    from theano.gof.opt import NavigatorOptimizer, TopoOptimizer, local_optimizer
    from theano.graph.fg import FunctionGraph

    @local_optimizer([T.exp])
    def broken(node):
        raise RuntimeError("broken rewrite")

    x = T.dvector("x")
    calls = []

    def record(exc, nav, pairs, lopt, node):
        calls.append((type(exc), node.op))

    fg = FunctionGraph([x], [T.exp(x) + T.exp(x * 2)])
    TopoOptimizer(broken, failure_callback=record).optimize(fg)
    assert len(calls) == 2 and all(c[0] is RuntimeError for c in calls)
    # the graph is unchanged and still computes the same values
    f = theano.function([fg.inputs[0]], fg.outputs[0], mode="FAST_COMPILE")
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), np.exp([0.0, 1.0]) + np.exp([0.0, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TopoOptimizer(broken, failure_callback=NavigatorOptimizer.warn_ignore).optimize(
            FunctionGraph([x], [T.exp(x)]))
    with pytest.warns(UserWarning, match="broken rewrite"):
        TopoOptimizer(broken, failure_callback=NavigatorOptimizer.warn).optimize(
            FunctionGraph([x], [T.exp(x)]))
    with theano.change_flags(on_opt_error="raise"):
        with pytest.raises(RuntimeError, match="broken rewrite"):
            TopoOptimizer(broken, failure_callback=NavigatorOptimizer.warn_inplace).optimize(
                FunctionGraph([x], [T.exp(x)]))
    with pytest.raises(TypeError, match="failure_callback"):
        TopoOptimizer(broken, failure_callback=3)


def test_equilibrium_max_use_ratio_limits_each_local_optimizer():
    # Theano 1.0: each local optimizer of an EquilibriumOptimizer may be used max_use_ratio times
    # the graph's initial number of nodes; the use past that ends the run (with a warning).
    x = T.dvector("x")
    exp_to_log = PatternSub((T.exp, "x"), (T.log, "x"))
    log_to_exp = PatternSub((T.log, "x"), (T.exp, "x"))
    v = np.array([1.5, 2.0, 3.0])
    # three exps (3 nodes): max_use = ratio * 3; uses past it stop the run after that use
    for ratio, n_logs, warns in ((1 / 3, 2, True), (2 / 3, 3, True), (1.0, 3, False)):
        fg = gof.FunctionGraph([x], [T.exp(T.exp(T.exp(x)))])
        opt = EquilibriumOptimizer([exp_to_log], max_use_ratio=ratio)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            opt.optimize(fg)
        assert any("max'ed out" in str(w.message) for w in caught) == warns
        assert _scalar_ops(fg) == ["exp"] * (3 - n_logs) + ["log"] * n_logs
        f = theano.function(fg.inputs, fg.outputs[0], mode=theano.Mode(linker="py", optimizer="None"))
        if n_logs == 3:
            for _ in range(3):
                np.testing.assert_allclose(f(v), np.log(np.log(np.log(v))))
    # two rewrites undoing each other stop: the first to pass its limit is the last applied
    for ratio in (0.5, 1.0, 2.0):
        fg = gof.FunctionGraph([x], [T.exp(x) * 2])
        with pytest.warns(Warning, match="max'ed out"):
            EquilibriumOptimizer([exp_to_log, log_to_exp], max_use_ratio=ratio).optimize(fg)
        assert _scalar_ops(fg) == ["log", "mul"]
        f = theano.function(fg.inputs, fg.outputs[0], mode=theano.Mode(linker="py", optimizer="None"))
        for _ in range(3):
            np.testing.assert_allclose(f(v), np.log(v) * 2)


def test_merge_optimizer_merges_equal_constants():
    # Theano 1.0's MergeOptimizer: uses of equal constants become one constant's, so the nodes
    # reading them merge too
    x = T.dvector("x")
    c1 = T.constant(np.array([1.0, 2.0]), name="c1")
    c2 = T.constant(np.array([1.0, 2.0]), name="c2")
    c3 = T.constant(np.array([1.0, 2.5]), name="c3")
    fg = gof.FunctionGraph([x], [(x * c1) + (x * c2) + c3 * c2], clone=False)
    gof.opt.MergeOptimizer().optimize(fg)
    consts = {id(v) for n in fg.apply_nodes for v in n.inputs if isinstance(v, T.TensorConstant)}
    assert len(consts) == 2                     # c1 (kept) and c3
    assert sum(str(n.op) == "Elemwise{mul,no_inplace}" for n in fg.apply_nodes) == 2
    f = theano.function([x], fg.outputs[0], mode=theano.Mode(linker="py", optimizer="None"))
    for v in (np.array([1.0, -1.0]), np.array([0.5, 3.0]), np.zeros(2)):
        np.testing.assert_allclose(f(v), 2 * v * np.array([1.0, 2.0]) + np.array([1.0, 5.0]))
