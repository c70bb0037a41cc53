"""Where the graph layer meets the layers above it (issue 16, items 1 and 2): replacement takes
variables only, ``Variable.eval`` is installed by the compile layer, deep graphs pickle through
``theano.graph.pickling``, rewrites are indexed by ``Op.rewrite_key()``, rewrite packages register
a loader, and scalar ops build their gradients with scalar ops applied to the caller's variables."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import variable_eval
from theano.graph import null_type, pickling
from theano.graph.basic import Apply, Variable, clone_replace
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.graph.rewriting.basic import RewriterIndex, node_rewriter
from theano.graph.rewriting import db
from theano.graph.type import Generic, generic
from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise

from tests.helpers import rand

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731


# -- replacement ----------------------------------------------------------------------------------


def test_clone_replace_refuses_values():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="not a symbolic Variable"):
        clone_replace(x * 2, {x: np.ones(3)})
    with pytest.raises(TypeError, match="not a symbolic Variable"):
        clone_replace(x * 2, [(x, 3.0)])


def test_theano_clone_still_converts_values():
    x = T.fscalar("x")   # 3.0 becomes a float32 constant (Theano's autocasting)
    y = theano.clone(x * 2 + 1, replace={x: 3.0})
    assert isinstance(y, Variable)
    for mode in (PY(), None):
        f = theano.function([], y, mode=mode)
        assert f() == 7.0 and f() == 7.0
    # an array given for a vector, as a list of pairs
    v = T.dvector("v")
    w = theano.clone(v.sum(), replace=[(v, np.arange(4.0))])
    assert theano.function([], w, mode=PY())() == 6.0


# -- eval comes from the compile layer ----------------------------------------------------------


def test_eval_is_installed_by_compile():
    assert Variable.eval is variable_eval.eval
    x = T.dvector("x")
    y = T.exp(x)
    xv = rand(5)
    np.testing.assert_allclose(y.eval({x: xv}), np.exp(xv))
    cached = dict(y._fn_cache)      # Theano 1.0's attribute name
    np.testing.assert_allclose(y.eval({x: 2 * xv}), np.exp(2 * xv))
    assert dict(y._fn_cache) == cached  # compiled once
    # the cache is not pickled
    x2, y2 = pickle.loads(pickle.dumps((x, y)))
    assert "_fn_cache" not in y2.__dict__
    np.testing.assert_allclose(y2.eval({x2: xv}), np.exp(xv))


# -- deep graphs pickle through graph/pickling.py -------------------------------------------------


def test_deep_graph_pickles_through_graph_pickling():
    x = T.dscalar("x")
    y = x
    for _ in range(3000):
        y = y + 1.0
    reduced = y.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    assert reduced[0] is pickling._rebuild_after
    y2 = pickle.loads(pickle.dumps(y))
    (x2,) = [v for v in theano.graph.basic.graph_inputs([y2]) if v.name == "x"]
    assert theano.function([x2], y2, mode=PY())(0.5) == 3000.5
    assert not pickling._marks()
    # the old path still names the same functions (pickles written before the move load)
    from theano.misc import pkl_utils

    assert pkl_utils._rebuild_after is pickling._rebuild_after
    assert pkl_utils.reduce_variable is pickling.reduce_variable


# -- the vocabulary of gradients is a graph-level word --------------------------------------------


def test_null_and_disconnected_types_live_in_graph():
    assert theano.gradient.NullType is null_type.NullType
    assert theano.gradient.DisconnectedType is null_type.DisconnectedType
    assert theano.gradient.disconnected_type is null_type.disconnected_type
    g = null_type.grad_not_implemented("someop", 1, None, "(a comment)")
    assert isinstance(g.type, null_type.NullType)
    assert "not implemented" in g.type.why_null and "(a comment)" in g.type.why_null
    g = null_type.grad_undefined("someop", 0, None)
    assert "undefined" in g.type.why_null
    with pytest.raises(ValueError, match="No values"):
        g.type.filter(1.0)
    # an undefined scalar gradient reaches grad as a NullType (and raises there, by default)
    x = T.dvector("x")
    with pytest.raises(theano.gradient.NullTypeGradError):
        theano.grad(T.tri_gamma(x).sum(), x)


# -- the rewrite index ---------------------------------------------------------------------------


class _Box(Op):
    """An op with an inner key (like Elemwise's scalar op) that the index files it under."""

    __props__ = ("key",)

    def __init__(self, key):
        self.key = key

    def rewrite_key(self):
        return type(self.key)

    def make_node(self, x):
        return Apply(self, [x], [generic()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0]


class _KeyA:
    pass


class _KeyB(_KeyA):
    pass


def test_rewriter_index_matches_op_class_instance_and_key():
    @node_rewriter([_KeyA])
    def by_key(fgraph, node):
        return None

    @node_rewriter([_Box])
    def by_class(fgraph, node):
        return None

    box = _Box(_KeyB())
    @node_rewriter([box])
    def by_instance(fgraph, node):
        return None

    @node_rewriter(None)
    def everything(fgraph, node):
        return None

    index = RewriterIndex([by_key, by_class, by_instance, everything])
    # a key class matches through its MRO; the instance track matches the equal op only
    assert index.get(box) == [by_instance, by_key, by_class, everything]
    assert index.get(_Box(1)) == [by_class, everything]      # key int: no key rewriter
    assert index.get(Elemwise(ts.exp)) == [everything]


def test_elemwise_rewrite_key():
    assert Elemwise(ts.add).rewrite_key() is ts.Add
    assert Elemwise(ts.add, {0: 0}).rewrite_key() is None    # in-place nodes: only Elemwise tracks

    @node_rewriter([ts.Add])
    def on_add(fgraph, node):
        return None

    index = RewriterIndex([on_add])
    assert index.get(Elemwise(ts.add)) == [on_add]
    assert index.get(Elemwise(ts.mul)) == []
    assert index.get(Elemwise(ts.add, {0: 0})) == []
    # a scalar op instance as a track means its class
    index = RewriterIndex([node_rewriter([ts.exp])(lambda fgraph, node: None)])
    assert len(index.get(Elemwise(ts.exp))) == 1 and index.get(Elemwise(ts.log)) == []


# -- rewrite loaders ------------------------------------------------------------------------------


def test_rewrite_loaders_run_once_when_a_graph_is_rewritten(monkeypatch):
    calls = []
    monkeypatch.setattr(db, "_loaders", [])
    db.register_rewrite_loader(lambda: calls.append(1))
    db.register_rewrite_loader(lambda: calls.append(2))
    assert calls == []
    x = T.dvector("x")
    fg = FunctionGraph([x], [x * 1], clone=True)
    db.run_rewrites(fg, "fast_run")
    db.run_rewrites(fg, "fast_run")
    assert calls == [1, 2]


def test_tensor_rewrites_are_loaded_by_the_tensor_package_when_first_needed():
    import subprocess
    import sys

    code = ("import sys, theano, theano.tensor as T\n"
            "from theano.graph.rewriting import db\n"
            "print([l.__module__ for l in db._loaders], 'theano.tensor.rewriting' in sys.modules)\n"
            "x = T.dvector('x')\n"
            "f = theano.function([x], T.log(1 + x))\n"
            "print(db._loaders, 'theano.tensor.rewriting' in sys.modules, f.maker.fgraph.toposort())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.splitlines()
    assert before == "['theano.tensor'] False"
    assert after.startswith("[] True") and "log1p" in after  # the rewrites loaded and ran


# -- scalar gradients in scalar ops ---------------------------------------------------------------


def test_a_scalar_op_applied_to_tensors_is_its_elemwise():
    x = T.dvector("x")
    y = ts.exp(x)
    assert isinstance(y.owner.op, Elemwise) and y.owner.op == T.exp
    z = ts.add(x, 1.0)
    assert z.owner.op == Elemwise(ts.add)
    np.testing.assert_allclose(theano.function([x], z, mode=PY())(np.arange(3.0)), [1, 2, 3])


def test_scalar_op_without_an_installed_apply_raises(monkeypatch):
    monkeypatch.setattr(ts, "_elementwise_apply", None)
    with pytest.raises(RuntimeError, match="no layer applies scalar ops"):
        ts.exp(T.dvector())


@pytest.mark.parametrize("name, lo, hi", [
    ("sigmoid", -3, 3), ("deg2rad", -3, 3), ("arcsinh", -3, 3), ("erfinv", -0.9, 0.9),
    ("psi", 0.5, 3), ("xlogx", 0.1, 3), ("j1", 0.1, 3),
])
def test_scalar_gradients_against_finite_differences(name, lo, hi):
    xv = np.random.RandomState(3).uniform(lo, hi, size=(4,))
    op = Elemwise(getattr(ts, name))
    for mode in (PY(), None):
        theano.gradient.verify_grad(lambda a: op(a), [xv], rng=np.random.RandomState(0), mode=mode)


def test_binary_gradients_and_casts_keep_their_dtypes():
    x = T.fvector("x")
    y = T.dvector("y")
    gx, gy = theano.grad((T.maximum(x, y) + T.arctan2(y, x)).sum(), [x, y])
    assert gx.dtype == "float32" and gy.dtype == "float64"
    xv = np.array([0.5, 2.0, -1.0], dtype="float32")
    yv = np.array([1.0, 1.0, -1.0])
    for mode in (PY(), None):
        f = theano.function([x, y], [gx, gy], mode=mode)
        for _ in range(2):
            a, b = f(xv, yv)
            # maximum: to the first input at a tie (Theano 1.0), d/dx arctan2(y, x) = -y/(x^2+y^2)
            den = xv.astype("float64") ** 2 + yv ** 2
            np.testing.assert_allclose(a, (xv >= yv) + (-yv / den), rtol=1e-5)
            np.testing.assert_allclose(b, (xv < yv) + (xv / den), rtol=1e-12)
    # the gradient through a cast comes back in the input's dtype
    g = theano.grad(T.cast(x, "float64").sum(), x)
    assert g.dtype == "float32"
    # an integer input of a float result gets the float gradient, in floatX (Theano 1.0)
    i = T.ivector("i")
    gi = theano.grad((T.exp(i) * 1.0).sum(), i)
    assert gi.dtype == theano.config.floatX
    np.testing.assert_allclose(theano.function([i], gi, mode=PY())(np.array([1, 2], "int32")),
                               np.exp([1.0, 2.0]), rtol=1e-12)


def test_generic_type_values_make_constants_for_itypes_ops():
    class Keep(Op):
        itypes = [Generic()]
        otypes = [Generic()]

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0]

    v = Keep()({"a": 1})
    assert v.owner.inputs[0].data == {"a": 1}
