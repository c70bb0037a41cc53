"""Op's default ``make_thunk`` and ``c_code`` (Theano 1.0's per-node thunk protocol, no C code)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.utils import MethodNotDefined
from theano.ifelse import ifelse


class AddTimes(Op):
    """x + k * y, with perform only."""

    __props__ = ("k",)

    def __init__(self, k):
        self.k = k

    def make_node(self, x, y):
        x, y = T.as_tensor_variable(x), T.as_tensor_variable(y)
        return Apply(self, [x, y], [x.type()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        outputs[0][0] = np.asarray(x + self.k * y, dtype=node.outputs[0].dtype)


def _cells(node, values):
    storage = {v: [val] for v, val in zip(node.inputs, values)}
    computed = {v: [True] for v in node.inputs}
    for v in node.outputs:
        storage[v] = [None]
        computed[v] = [False]
    return storage, computed


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_default_make_thunk_runs_perform_on_the_cells(dtype):
    x, y = T.vector(dtype=dtype), T.vector(dtype=dtype)
    node = AddTimes(3)(x, y).owner
    rng = np.random.default_rng(0)
    storage, computed = _cells(node, [None, None])
    thunk = node.op.make_thunk(node, storage, computed, no_recycling=[])
    assert thunk.lazy is False
    assert thunk.inputs == [storage[x], storage[y]]
    assert thunk.outputs == [storage[node.outputs[0]]]
    for n in (2, 5, 1):       # the same thunk, new values in the same cells
        a, b = rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype)
        storage[x][0], storage[y][0] = a, b
        computed[node.outputs[0]][0] = False
        assert not thunk()
        assert computed[node.outputs[0]][0] is True
        np.testing.assert_allclose(storage[node.outputs[0]][0], a + 3 * b, rtol=1e-6)
        assert storage[node.outputs[0]][0].dtype == dtype


def test_lazy_op_thunk_asks_only_for_the_branch_it_takes():
    c, a, b = T.scalar("c"), T.vector("a"), T.vector("b")
    node = ifelse(c, a, b).owner
    for cond, want in ((1.0, "a"), (0.0, "b"), (1.0, "a")):
        vals = {"a": np.arange(3.0), "b": -np.arange(3.0)}
        storage = {c: [np.asarray(cond)], a: [None], b: [None], node.outputs[0]: [None]}
        computed = {c: [True], a: [False], b: [False], node.outputs[0]: [False]}
        thunk = node.op.make_thunk(node, storage, computed, [])
        assert thunk.lazy is True
        needed = thunk()
        assert list(needed) == [node.inputs.index(a if want == "a" else b)]
        var = a if want == "a" else b
        storage[var][0] = vals[want]
        computed[var][0] = True
        assert not thunk()
        np.testing.assert_array_equal(storage[node.outputs[0]][0], vals[want])
        assert computed[node.outputs[0]][0] is True


def test_overriding_make_thunk_can_call_the_default():
    calls = []

    class Counting(AddTimes):
        def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
            inner = super().make_thunk(node, storage_map, compute_map, no_recycling, impl)

            def thunk():
                calls.append(1)
                return inner()
            return thunk

    x, y = T.dvector("x"), T.dvector("y")
    out = Counting(2)(x, y)
    modes = [theano.Mode(linker=name, optimizer="fast_run") for name in ("py", "auto")]
    modes.append(theano.Mode(linker=theano.gof.vm.VM_Linker(lazy=False), optimizer=None))
    for mode in modes:
        f = theano.function([x, y], out, mode=mode)
        for k in range(3):
            a, b = np.arange(4.0) + k, np.ones(4) * k
            np.testing.assert_allclose(f(a, b), a + 2 * b)
    assert len(calls) == 3             # VM_Linker ran the op's own thunk, once per call

    class OnlyThunk(Op):               # no perform: Op's make_thunk has nothing to run
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
            return super().make_thunk(node, storage_map, compute_map, no_recycling, impl)

    node = OnlyThunk()(x).owner
    storage, computed = _cells(node, [np.ones(2)])
    with pytest.raises(MethodNotDefined, match="OnlyThunk.perform"):
        node.op.make_thunk(node, storage, computed, [])


def test_make_thunk_names_the_missing_cell():
    x, y = T.dvector("x"), T.dvector("y")
    node = AddTimes(1)(x, y).owner
    storage, computed = _cells(node, [np.ones(2), np.ones(2)])
    del storage[y]
    with pytest.raises(KeyError, match="y"):
        node.op.make_thunk(node, storage, computed, [])


def test_c_code_is_not_defined():
    x = T.dvector("x")
    node = AddTimes(1)(x, x).owner
    with pytest.raises(MethodNotDefined, match="AddTimes.c_code"):
        node.op.c_code(node, "n", ["x", "x"], ["z"], {"fail": ""})
    # Theano 1.0's module paths offered these names
    import theano.gof.op as gof_op
    import theano.gof.opt as gof_opt

    assert gof_op.utils.MethodNotDefined is MethodNotDefined
    assert gof_opt.theano is theano
