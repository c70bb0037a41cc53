"""The reference VM: garbage collection of intermediates, lazy evaluation protocol, errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op

PY = theano.Mode(linker="py", optimizer="None")


class CountingOp(Op):
    """Identity that counts how often it runs (and can be told to fail)."""

    __props__ = ("tag",)

    def __init__(self, tag, fail=False):
        self.tag = tag
        self.fail = fail
        self.calls = 0

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        self.calls += 1
        if self.fail:
            raise RuntimeError(f"{self.tag} must not run")
        out[0][0] = inputs[0].copy()

    def infer_shape(self, node, shapes):
        return shapes


class LazyChoose(Op):
    """A minimal lazy op: choose(c, a, b) computes only the branch it needs."""

    __props__ = ()
    lazy = True

    def make_node(self, c, a, b):
        c, a, b = map(T.as_tensor_variable, (c, a, b))
        return Apply(self, [c, a, b], [a.type()])

    def lazy_perform(self, node, input_cells, computed, output_cells):
        if not computed[0]:
            return [0]
        branch = 1 if input_cells[0][0] else 2
        if not computed[branch]:
            return [branch]
        output_cells[0][0] = input_cells[branch][0]
        return []

    def perform(self, node, inputs, out):
        out[0][0] = inputs[1] if inputs[0] else inputs[2]


def test_lazy_vm_computes_only_the_chosen_branch():
    c = T.dscalar("c")
    x = T.dvector("x")
    good = CountingOp("good")
    bad = CountingOp("bad", fail=True)
    out = LazyChoose()(c, good(x), bad(x))
    f = theano.function([c, x], out, mode=PY)
    np.testing.assert_array_equal(f(1.0, [1.0, 2.0]), [1.0, 2.0])
    assert good.calls == 1 and bad.calls == 0
    with pytest.raises(RuntimeError, match="bad must not run"):
        f(0.0, [1.0])


def test_lazy_vm_deep_chain_is_iterative():
    c = T.dscalar("c")
    x = T.dscalar("x")
    y = x
    for _ in range(3000):
        y = LazyChoose()(c, y + 1, y - 1)
    f = theano.function([c, x], y, mode=PY)
    assert f(1.0, 0.0) == 3000.0


def test_intermediates_are_freed_and_results_correct():
    x = T.dvector("x")
    y = T.exp(x)
    z = (y * 2).sum() + y.sum()
    f = theano.function([x], z, mode=PY)
    v = np.linspace(0, 1, 5)
    assert np.isclose(f(v), 3 * np.exp(v).sum())
    vm = f.maker.thunk
    assert all(c[0] is None for c in vm.plan.transient)  # nothing held between calls


def test_error_inside_node_keeps_type_and_points_at_user_line():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    z = T.dot(x, y)  # failing line
    f = theano.function([x, y], z, mode=PY)
    with pytest.raises(ValueError) as e:
        f(np.ones((2, 3)), np.ones((2, 3)))
    msg = str(e.value)
    assert "dot" in msg and "(2, 3)" in msg and "test_python_vm.py" in msg
    assert "z = T.dot(x, y)" in msg
