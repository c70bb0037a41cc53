"""Theano 1.0's DestroyHandler (theano.gof.DestroyHandler) on graphs a program builds itself:
consistency by orderings (readers of a destroyed buffer run first), Theano's refusals, the node
order a FunctionGraph then runs in, and the navigators' validation with failure callbacks."""

import numpy as np
import pytest

import theano
import theano.tensor as T
import theano.tensor.inplace as I
from theano import gof
from theano.gof import toolbox
from theano.gof.destroyhandler import DestroyHandler, SafeDestroyHandler
from theano.gof.fg import FunctionGraph, InconsistencyError
from theano.gof.opt import OpSub, TopoOptimizer


def _graph(inputs, outputs, validate=True):
    fg = FunctionGraph(inputs, outputs, clone=False)
    fg.attach_feature(DestroyHandler())
    fg.attach_feature(toolbox.ReplaceValidate())
    if validate:
        fg.validate()
    return fg


def _run(fg, *values):
    fn = gof.PerformLinker().accept(fg).make_function(unpack_single=False)
    return fn(*values)


def test_readers_run_before_the_destroyer():
    x, y = T.dvectors("x", "y")
    d = I.add_inplace(x, y)                  # overwrites x
    r = T.exp(x) * 2                         # reads x: must run first
    fg = _graph([x, y], [d, r])
    assert fg.consistent()
    ords = fg.destroy_handler.orderings(fg)
    assert set(ords) == {d.owner}
    assert set(ords[d.owner]) == {n for n, _ in fg.clients[x] if n is not d.owner}
    order = fg.toposort()
    assert order.index(d.owner) > max(order.index(n) for n, _ in fg.clients[x]
                                      if n is not d.owner)
    rng = np.random.default_rng(0)
    for n in (3, 1, 5):
        a, b = rng.normal(size=n), rng.normal(size=n)
        a0 = a.copy()
        out_d, out_r = _run(fg, a, b)
        np.testing.assert_allclose(out_d, a0 + b)
        np.testing.assert_allclose(out_r, np.exp(a0) * 2)
        np.testing.assert_allclose(a, a0 + b)   # the input itself was overwritten


def test_refusals():
    x, y = T.dvectors("x", "y")
    # a reader needing the destroyer's result: a cycle
    fg = _graph([x, y], [I.add_inplace(x, y) + x], validate=False)
    assert not fg.consistent()
    with pytest.raises(InconsistencyError, match="cycle"):
        fg.validate()
    # two destroyers of one buffer (through a view)
    fg = _graph([x, y], [I.add_inplace(x, y), I.mul_inplace(x[1:], y[1:])], validate=False)
    with pytest.raises(InconsistencyError, match="Multiple destroyers"):
        fg.validate()
    # a destroyer reading another alias of what it destroys
    fg = _graph([x], [I.add_inplace(x, x[::-1])], validate=False)
    with pytest.raises(InconsistencyError, match="aliasing"):
        fg.validate()
    # indestructible inputs and constants
    z = T.dvector("z")
    z.tag.indestructible = True
    fg = _graph([z, y], [I.add_inplace(z, y)], validate=False)
    with pytest.raises(InconsistencyError, match="indestructible"):
        fg.validate()
    c = T.constant(np.ones(3))
    fg = _graph([y], [I.add_inplace(c, y)], validate=False)
    assert not fg.consistent()
    # the same graph without the destroyer is consistent, and an intermediate may be destroyed
    fg = _graph([x, y], [I.exp_inplace(x + y), T.exp(x)])
    a, b = np.arange(3.0), np.ones(3)
    for _ in range(3):
        e1, e2 = _run(fg, a, b)
        np.testing.assert_allclose(e1, np.exp(np.arange(3.0) + 1))
        np.testing.assert_allclose(e2, np.exp(np.arange(3.0)))
        np.testing.assert_array_equal(a, np.arange(3.0))


def test_tolerate_same_and_aliased():
    class AddInto(theano.Op):
        """x += y in x's memory (reads y first), declaring what aliasing it tolerates."""

        __props__ = ("same", "aliased")

        def __init__(self, same=False, aliased=False):
            self.same, self.aliased = same, aliased
            self.destroy_map = {0: [0]}
            if same:
                self.destroyhandler_tolerate_same = [(0, 1)]
            if aliased:
                self.destroyhandler_tolerate_aliased = [(0, 1)]

        def make_node(self, x, y):
            return theano.Apply(self, [x, y], [x.type()])

        def perform(self, node, inputs, outputs):
            x, y = inputs
            y = y.copy()
            x += y
            outputs[0][0] = x

    x = T.dvector("x")
    assert not _graph([x], [AddInto()(x, x)], validate=False).consistent()
    fg = _graph([x], [AddInto(same=True)(x, x)])
    assert not _graph([x], [AddInto(same=True)(x, x[::-1])], validate=False).consistent()
    fg2 = _graph([x], [AddInto(aliased=True)(x, x[::-1])])
    for _ in range(3):
        a = np.arange(4.0)
        (out,) = _run(fg, a)
        np.testing.assert_allclose(out, 2 * np.arange(4.0))
        b = np.arange(4.0)
        (out,) = _run(fg2, b)
        np.testing.assert_allclose(out, np.arange(4.0) + np.arange(4.0)[::-1])


def test_navigator_validates_and_reports_refusals():
    # Theano's TopoOptimizer makes each replacement through replace_all_validate: one the
    # DestroyHandler refuses is undone and reported to failure_callback
    x, y, z = T.dvectors("x", "y", "z")
    e = (z[::-1] + y) * (z + x)
    fg = _graph([x, y, z], [e])
    failures = []
    TopoOptimizer(OpSub(T.add, I.add_inplace), ignore_newtrees=True,
                  failure_callback=lambda exc, *rest: failures.append(exc)).optimize(fg)
    assert fg.consistent()
    assert len(failures) == 1 and isinstance(failures[0], InconsistencyError)
    ops = [str(n.op) for n in fg.toposort()]
    assert ops.count("add_inplace") == 1 and "Elemwise{add,no_inplace}" in ops
    rng = np.random.default_rng(1)
    for _ in range(3):
        a, b, c = rng.normal(size=(3, 4))
        (out,) = _run(fg, a, b, c.copy())
        np.testing.assert_allclose(out, (c[::-1] + b) * (c + a))


def test_compiled_functions_keep_their_inputs_with_a_theano1_optimizer():
    # an optimizer that attaches Theano's DestroyHandler inside theano.function (Theano 1.0's
    # in-place optimizers did) leaves the function's own, safe handler in charge: the caller's
    # arrays are never overwritten
    class AttachesDH(gof.Optimizer):
        def add_requirements(self, fgraph):
            fgraph.attach_feature(DestroyHandler())

        def apply(self, fgraph):
            assert isinstance(fgraph.destroy_handler, SafeDestroyHandler)
            assert not type(fgraph.destroy_handler) is DestroyHandler

    x, y = T.dvectors("x", "y")
    mode = theano.Mode(linker="py", optimizer=AttachesDH()).including("fast_run")
    for m in (mode, theano.Mode(linker="auto", optimizer=AttachesDH()).including("fast_run")):
        f = theano.function([x, y], T.exp(x + y) * 2, mode=m)
        for n in (3, 1, 2):
            a, b = np.linspace(0, 1, n), np.ones(n)
            np.testing.assert_allclose(f(a, b), np.exp(np.linspace(0, 1, n) + 1) * 2)
            np.testing.assert_array_equal(a, np.linspace(0, 1, n))
            np.testing.assert_array_equal(b, np.ones(n))


def test_destroyers_and_pickling():
    import pickle

    x, y = T.dvectors("x", "y")
    d = I.add_inplace(x[1:], y)             # destroys a view of x: x's buffer
    fg = _graph([x, y], [d, T.exp(x)])
    assert fg.destroyers(x) == [d.owner] and fg.destroyers(y) == []
    fg2 = pickle.loads(pickle.dumps(fg))
    assert [str(n.op) for n in fg2.destroyers(fg2.inputs[0])] == ["add_inplace"]
    for g in (fg, fg2):
        for _ in range(3):
            a, b = np.arange(4.0), np.ones(3)
            out_d, out_e = _run(g, a, b)
            np.testing.assert_allclose(out_d, np.arange(1.0, 4.0) + 1)
            np.testing.assert_allclose(out_e, np.exp(np.arange(4.0)))


def test_no_output_from_inplace():
    # Theano 1.0's NoOutputFromInplace (added by AddFeatureOptimizer): the protected outputs are
    # not computed in place; other nodes still are
    from theano.compile.mode import AddFeatureOptimizer
    from theano.gof.toolbox import NoOutputFromInplace

    x, y = T.dmatrices("x", "y")
    b1 = T.tanh(T.set_subtensor(T.dot(x, y)[0], 0.5))
    b2 = T.sin(T.set_subtensor(T.dot(y, x)[:, 1], -1.0))

    def destroying(f, out):
        return bool(getattr(out.owner.op, "destroy_map", None))

    rng = np.random.default_rng(2)
    for linker in ("py", "auto"):
        plain = theano.function([x, y], [b1, b2], mode=theano.Mode(linker=linker))
        assert all(destroying(plain, o) for o in plain.maker.fgraph.outputs)
        for feature, kept in ((NoOutputFromInplace(), (False, False)),
                              (NoOutputFromInplace(1), (True, False)),
                              (NoOutputFromInplace(0, 1), (False, True))):
            mode = theano.Mode(linker=linker,
                               optimizer=AddFeatureOptimizer(feature)).including("fast_run")
            f = theano.function([x, y], [b1, b2], mode=mode)
            outs = f.maker.fgraph.outputs
            assert tuple(destroying(f, o) for o in outs) == kept
            # the set_subtensor below each output is still computed in place
            assert all(destroying(f, o.owner.inputs[0]) for o in outs)
            for _ in range(3):
                a, c = rng.normal(size=(2, 3, 3))
                e1, e2 = a @ c, c @ a
                e1[0] = 0.5
                e2[:, 1] = -1.0
                r1, r2 = f(a, c)
                np.testing.assert_allclose(r1, np.tanh(e1))
                np.testing.assert_allclose(r2, np.sin(e2))
    # validate refuses a graph that computes a protected output in place
    fg = FunctionGraph([x], [I.exp_inplace(T.exp(x))], clone=False)
    fg.attach_feature(toolbox.ReplaceValidate())
    fg.attach_feature(NoOutputFromInplace())
    with pytest.raises(InconsistencyError, match="NoOutputFromInplace"):
        fg.validate()


def test_mode_register_runs_an_optimizer_at_a_position():
    # Theano 1.0's test_mode: Mode(...).register((AddFeatureOptimizer(NoOutputFromInplace()),
    # 49.9)) keeps the output from being computed in place; the mode it came from is unchanged
    from theano.compile.mode import AddFeatureOptimizer
    from theano.gof.toolbox import NoOutputFromInplace

    x, y = T.dmatrices("x", "y")
    b = T.tanh(T.dot(x, y))
    rng = np.random.default_rng(4)
    for linker in ("py", "cvm", "auto"):
        base = theano.Mode(linker=linker, optimizer="fast_run")
        mode = base.register((AddFeatureOptimizer(NoOutputFromInplace()), 49.9))
        f = theano.function([x, y], b, mode=mode)
        g = theano.function([x, y], b, mode=base)
        assert not getattr(f.maker.fgraph.outputs[0].owner.op, "destroy_map", None)
        assert 0 in g.maker.fgraph.outputs[0].owner.op.destroy_map
        for _ in range(3):
            a, c = rng.normal(size=(2, 4)), rng.normal(size=(4, 3))
            np.testing.assert_allclose(f(a, c), np.tanh(a @ c))
            np.testing.assert_allclose(g(a, c), np.tanh(a @ c))
    with pytest.raises(TypeError, match="pairs"):
        theano.Mode(linker="py").register(AddFeatureOptimizer(NoOutputFromInplace()))
