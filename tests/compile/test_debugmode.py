"""DebugMode catches broken ops and broken rewrites (theano/compile/debugmode.py)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import debugmode
from theano.compile.debugmode import (BadDestroyMap, BadOptimization, BadThunkOutput, BadViewMap,
                                      DebugMode, InvalidValueError)
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import rewrite_db


class _VecOp(Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [T.dvector()])


class Overwrites(_VecOp):
    """Writes into its input without declaring destroy_map."""

    def perform(self, node, inputs, out):
        x = inputs[0]
        x += 1
        out[0][0] = x.copy()


class WrongDtype(_VecOp):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].astype("float32")


class WrongNdim(_VecOp):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].reshape(1, -1)


class UndeclaredView(_VecOp):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0][::-1]


class DeclaredView(UndeclaredView):
    view_map = {0: [0]}


class Honest(_VecOp):
    def perform(self, node, inputs, out):
        out[0][0] = inputs[0] * 2.0


def _call(op, value=None, mode=None):
    x = T.dvector("x")
    f = theano.function([x], op(x) * 1.0, mode=mode or DebugMode())
    return f(np.arange(3.0) if value is None else value)


def test_undeclared_destroy_is_caught():
    with pytest.raises(BadDestroyMap, match="Overwrites"):
        _call(Overwrites())


def test_wrong_dtype_is_caught():
    with pytest.raises(InvalidValueError, match="expected dtype float64, got float32"):
        _call(WrongDtype())


def test_wrong_ndim_is_caught():
    with pytest.raises(InvalidValueError, match="expected 1 dimensions, got 2"):
        _call(WrongNdim())


def test_undeclared_view_is_caught_and_declared_view_is_fine():
    with pytest.raises(BadViewMap, match="UndeclaredView"):
        _call(UndeclaredView())
    np.testing.assert_array_equal(_call(DeclaredView()), [2.0, 1.0, 0.0])


def test_honest_op_passes_and_values_are_right():
    for _ in range(2):
        np.testing.assert_array_equal(_call(Honest()), [0.0, 2.0, 4.0])


def test_nonfinite_output_raises_unless_allowed():
    x = T.dvector("x")
    with pytest.raises(InvalidValueError, match="non-finite"):
        theano.function([x], T.log(x), mode=DebugMode())(np.array([0.0, 1.0]))
    out = theano.function([x], T.log(x), mode=DebugMode(check_isfinite=False))(np.array([0.0, 1.0]))
    assert out[0] == -np.inf and out[1] == 0.0


@pytest.fixture
def broken_rewrite():
    # a rewrite that turns exp(x) into x + 1 (wrong except near 0)
    from theano.tensor.elemwise import Elemwise
    import theano.scalar as ts

    @node_rewriter([Elemwise])
    def exp_is_x_plus_1(fgraph, node):
        if isinstance(node.op.scalar_op, type(ts.exp)) and node.op.scalar_op == ts.exp:
            return [node.inputs[0] + 1]
        return None

    rewrite_db.register(exp_is_x_plus_1, "canonicalize", "test_broken_rewrite", fast_run=False)
    yield "test_broken_rewrite"
    del rewrite_db.entries["exp_is_x_plus_1"]


def test_bad_rewrite_is_caught(broken_rewrite):
    x = T.dvector("x")
    y = T.exp(x) * 3
    mode = DebugMode().including(broken_rewrite)
    f = theano.function([x], y, mode=mode)
    with pytest.raises(BadOptimization) as info:
        f(np.array([0.5, 2.0]))
    assert "exp_is_x_plus_1" in str(info.value)
    # near 0 the wrong rewrite is within tolerance of the right value: no false alarm there
    g = theano.function([x], y, mode=mode)
    np.testing.assert_allclose(g(np.array([1e-9])), [3 * (1 + 1e-9)], rtol=1e-12)


def test_same_graph_without_the_broken_rewrite_passes():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 3, mode=DebugMode())
    np.testing.assert_allclose(f(np.array([0.5, 2.0])), 3 * np.exp([0.5, 2.0]))


def test_stabilizing_rewrites_are_not_reported():
    # the naive formula overflows at -1000; the rewritten one is finite: accepted
    x = T.dvector("x")
    f = theano.function([x], T.log(1 / (1 + T.exp(-x))), mode=DebugMode())
    np.testing.assert_allclose(f(np.array([-1000.0, 0.0])), [-1000.0, -np.log(2)], rtol=1e-12)


def test_native_backend_node_differing_from_perform_is_caught(monkeypatch):
    pytest.importorskip("numba")
    original = debugmode._fast_impl

    def wrong_impl(node):
        fn = original(node)
        if fn is None or "mul" not in str(node.op):
            return fn
        return lambda *args: fn(*args) + 1.0

    monkeypatch.setattr(debugmode, "_fast_impl", wrong_impl)
    x = T.dvector("x")
    f = theano.function([x], x * 3.0, mode=DebugMode())
    with pytest.raises(BadThunkOutput, match="native backend"):
        f(np.arange(3.0))


def test_ifelse_stays_lazy_in_debugmode():
    from theano.ifelse import ifelse

    x = T.dvector("x")
    i = T.lscalar("i")
    # the untaken branch indexes out of range
    out = ifelse(T.gt(i, 0), x[i + 10], x[0])
    f = theano.function([x, i], out, mode=DebugMode())
    assert f(np.arange(3.0), 0) == 0.0


def test_gradients_and_updates_run_under_debugmode():
    x = T.dmatrix("x")
    w = theano.shared(np.ones(3), name="w")
    cost = T.nnet.sigmoid(T.dot(x, w)).sum()
    f = theano.function([x], cost, updates=[(w, w - 0.1 * T.grad(cost, w))], mode="DebugMode")
    xv = np.arange(6.0).reshape(2, 3) / 10
    ref_s = 1 / (1 + np.exp(-xv @ np.ones(3)))
    np.testing.assert_allclose(f(xv), ref_s.sum(), rtol=1e-12)
    np.testing.assert_allclose(w.get_value(), 1 - 0.1 * xv.T @ (ref_s * (1 - ref_s)), rtol=1e-12)


def test_exception_names_are_in_theano_module():
    import theano.compile.debugmode as dm

    for name in ("DebugModeError", "BadThunkOutput", "BadOptimization", "BadDestroyMap",
                 "BadViewMap", "StochasticOrder", "InvalidValueError"):
        assert issubclass(getattr(dm, name), Exception)
    assert issubclass(BadOptimization, dm.DebugModeError)


class _TwoOutputs(Op):
    """Two vector outputs computed by ``body(a)``; ``view_map`` as given."""

    def __init__(self, body, view_map=None):
        self.body = body
        self.view_map = view_map or {}

    def make_node(self, a, b):
        return Apply(self, [a, b], [a.type(), a.type()])

    def perform(self, node, inputs, out):
        out[0][0], out[1][0] = self.body(inputs[0])


def _two(op, used):
    x, y = T.dvectors("x", "y")
    o0, o1 = op(x, y)
    outs = {"both_outputs": [o0, o1], "one_read": o0 * 2, "both_read": o0 * 2 + o1[:1] * 2}[used]
    return theano.function([x, y], outs, mode="DEBUG_MODE")


def test_outputs_sharing_memory_allowed_where_theano_allowed_it():
    """Outputs aliasing each other are fine when both are declared views of an input, when
    both are only results of the function, or when only one of them is read by a later node."""
    xv, yv = [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]
    views = _TwoOutputs(lambda a: (a, a[1:]), view_map={0: [0], 1: [0]})
    r0, r1 = _two(views, "both_outputs")(xv, yv)
    assert list(r0) == xv and list(r1) == xv[1:]
    buffer = _TwoOutputs(lambda a: _shared_pair(a * 2))    # output 1 a view of output 0
    r0, r1 = _two(buffer, "both_outputs")(xv, yv)
    assert list(r0) == [2.0, 4.0, 6.0, 8.0] and list(r1) == [4.0, 6.0, 8.0]
    assert list(_two(buffer, "one_read")(xv, yv)) == [4.0, 8.0, 12.0, 16.0]


def _shared_pair(r):
    return r, r[1:]


def test_outputs_sharing_memory_both_read_later_is_caught():
    bad = _TwoOutputs(lambda a: (lambda r: (r[:-1], r[1:]))(a * 1))
    f = _two(bad, "both_read")
    with pytest.raises(BadViewMap, match="output 0 of _TwoOutputs.* shares memory with output 1"):
        f([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0])


def test_failing_node_names_the_rewrite_that_made_it():
    from theano import gof

    @gof.local_optimizer([T.add])
    def doubles_last_input(node):
        if node.op == T.add and node.inputs[-1].owner is None:
            inputs = list(node.inputs)
            inputs[-1] = T.concatenate((inputs[-1], inputs[-1]))
            return [node.op(*inputs)]
        return False

    db = gof.EquilibriumDB()
    db.register("doubles_last_input", doubles_last_input, "all")
    a, b = T.dvectors("a", "b")
    f = theano.function([a, b], a + b, mode=DebugMode(optimizer=db.query("+all")))
    for _ in range(2):
        with pytest.raises(ValueError, match="made by the rewrite.*doubles_last_input"):
            f([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    # an honest graph under the same mode gives NumPy's values
    g = theano.function([a], T.exp(a) * 2, mode=DebugMode(optimizer=db.query("+all")))
    np.testing.assert_allclose(g([0.5, 1.0]), np.exp([0.5, 1.0]) * 2)


def test_rewrite_with_wrong_type_is_a_bad_optimization():
    from theano import gof

    @gof.local_optimizer([T.add])
    def to_float32(node):
        if node.op == T.add and node.inputs[-1].owner is None:
            return [node.outputs[0].astype("float32")]
        return False

    db = gof.EquilibriumDB()
    db.register("to_float32", to_float32, "all")
    a, b = T.dvectors("a", "b")
    with theano.change_flags(on_opt_error="raise"):
        with pytest.raises(gof.toolbox.BadOptimization, match="to_float32") as info:
            theano.function([a, b], a + b, mode=DebugMode(optimizer=db.query("+all")))
    assert isinstance(info.value, TypeError)
    assert issubclass(BadOptimization, gof.toolbox.BadOptimization)


def test_stability_patience_catches_a_rewrite_that_is_not_deterministic():
    from theano import gof

    flip = [False]

    @gof.local_optimizer([T.add])
    def sometimes(node):
        if node.op == T.add:
            flip[0] = not flip[0]
            if flip[0]:
                return [T.mul(*node.inputs)]
        return False

    db = gof.EquilibriumDB()
    db.register("sometimes", sometimes, "all")
    a, b = T.dvectors("a", "b")
    with pytest.raises(debugmode.StochasticOrder, match="stability_patience=3"):
        theano.function([a, b], a + b, mode=DebugMode(optimizer=db.query("+all"),
                                                      stability_patience=3))
    # a deterministic graph passes the same check, and runs right
    f = theano.function([a, b], (a + b) * 2, mode=DebugMode(stability_patience=3))
    for k in range(3):
        np.testing.assert_allclose(f([1.0, k], [2.0, 3.0]), [6.0, 2 * (k + 3.0)])
    assert DebugMode(stability_patience=4).excluding("fusion").stability_patience == 4


def test_get_mode_returns_the_predefined_mode_object():
    # Theano 1.0: a predefined mode's name gives that Mode object, so a change to it reaches
    # functions compiled by name, even after they were compiled; 'DebugMode' (like 'Mode' and
    # 'NanGuardMode') builds a new Mode each time.
    modes = theano.compile.mode.predefined_modes
    dm = modes["DEBUG_MODE"]
    assert theano.compile.mode.get_mode("DEBUG_MODE") is dm
    assert theano.compile.mode.get_mode("FAST_COMPILE") is modes["FAST_COMPILE"]
    assert theano.compile.mode.get_mode("DebugMode") is not theano.compile.mode.get_mode("DebugMode")
    x = T.dvector("x")
    f = theano.function([x], (x + 2) * 5, mode="DEBUG_MODE")
    assert f.maker.mode is dm
    bad = np.array([1.0, np.inf, 3.0])
    old = dm.check_isfinite
    try:
        assert dm.check_isfinite
        for _ in range(3):
            with pytest.raises(InvalidValueError):
                f(bad)
        dm.check_isfinite = False
        for _ in range(3):
            np.testing.assert_array_equal(f(bad), (bad + 2) * 5)
        g = theano.function([x], x * 3, mode="DEBUG_MODE")
        np.testing.assert_array_equal(g(bad), bad * 3)
    finally:
        dm.check_isfinite = old
