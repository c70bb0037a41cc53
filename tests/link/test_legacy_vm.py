"""theano.gof.vm.VM_Linker, gof.WrapLinker/WrapLinkerMany, make_all and gof.sched schedules
(Theano 1.0's linker objects on our engine), checked against NumPy."""

import copy
import io

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import Mode
from theano.gof import Apply, Op, generic, sched, vm
from theano.gof.link import Container, PerformLinker, WrapLinker, WrapLinkerMany
from theano.graph.fg import FunctionGraph
from theano.ifelse import ifelse


class Boom(Op):
    """Raises when run: proves a branch was not computed."""

    class Error(Exception):
        pass

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        raise self.Error("ran")


class CountingSqr(Op):
    __props__ = ()

    def __init__(self):
        self.runs = 0

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        self.runs += 1
        out[0][0] = inputs[0] ** 2


class ThunkChoose(Op):
    """An op written with Theano's make_thunk protocol: a lazy thunk asking for its inputs."""

    def make_node(self, c, a, b):
        return Apply(self, [c, a, b], [a.type()])

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        ins = [storage_map[v] for v in node.inputs]
        done = [compute_map[v] for v in node.inputs]
        out, out_done = storage_map[node.outputs[0]], compute_map[node.outputs[0]]

        def thunk():
            if not done[0][0]:
                return [0]
            k = 1 if ins[0][0] else 2
            if not done[k][0]:
                return [k]
            out[0] = np.array(ins[k][0], copy=True)
            out_done[0] = True
            return []
        thunk.lazy = True
        return thunk


def _mode(linker):
    return Mode(linker=linker, optimizer=None)


@pytest.mark.parametrize("allow_gc", [True, False])
@pytest.mark.parametrize("lazy", [None, True, False])
def test_vm_linker_values(allow_gc, lazy):
    x, y = T.dvectors("x", "y")
    out = T.tanh(3 * x + y) + T.cosh(x + 5 * y)
    f = theano.function([x, y], out, mode=_mode(vm.VM_Linker(allow_gc=allow_gc, lazy=lazy)))
    rng = np.random.default_rng(0)
    for n in (1, 4, 7):
        a, b = rng.normal(size=n), rng.normal(size=n)
        np.testing.assert_allclose(f(a, b), np.tanh(3 * a + b) + np.cosh(a + 5 * b))


def test_vm_linker_float32_and_matrix():
    x = T.fmatrix("x")
    f = theano.function([x], (x * 2).sum(axis=1), mode=_mode(vm.VM_Linker()))
    a = np.arange(6, dtype="float32").reshape(2, 3)
    for _ in range(3):
        r = f(a)
        assert r.dtype == np.float32
        np.testing.assert_allclose(r, (a * 2).sum(axis=1))


def test_vm_linker_lazy_skips_the_branch_not_taken():
    a = T.dscalar("a")
    b, c = generic(), generic()
    out = ifelse(a, Boom()(b), c)
    for lazy in (True, None):
        f = theano.function([a, b, c], out, mode=_mode(vm.VM_Linker(lazy=lazy)))
        for _ in range(3):
            assert f(0, "x", "y") == "y"
        with pytest.raises(Boom.Error):
            f(1, "x", "y")
    # not lazy: every node runs, the untaken branch too
    f = theano.function([a, b, c], out, mode=_mode(vm.VM_Linker(lazy=False)))
    with pytest.raises(Boom.Error):
        f(0, "x", "y")


def test_vm_linker_runs_ops_make_thunk():
    c = T.dscalar("c")
    x, y = T.dvectors("x", "y")
    out = ThunkChoose()(c, x, Boom()(y))
    f = theano.function([c, x, y], out, mode=_mode(vm.VM_Linker(lazy=True)))
    for k in range(3):
        v = np.arange(3.0) + k
        np.testing.assert_array_equal(f(1, v, v), v)
    with pytest.raises(Boom.Error):
        f(0, np.zeros(2), np.zeros(2))


def test_vm_linker_callbacks():
    seen = []
    inputs_seen = []

    def callback(node, thunk, storage_map, compute_map):
        assert compute_map[node.outputs[0]][0]
        seen.append((type(node.op).__name__, storage_map[node.outputs[0]][0]))

    a, b, c = T.dscalars("a", "b", "c")
    f = theano.function([a, b, c], (a + b) * c,
                        mode=_mode(vm.VM_Linker(callback=callback,
                                                callback_input=lambda v, val: inputs_seen.append(
                                                    (v.name, val)))))
    for k in range(3):
        del seen[:]
        assert f(1, 2, k) == 3 * k
        assert [name for name, _ in seen] == ["Elemwise", "Elemwise"]
        assert seen[0][1] == 3 and seen[1][1] == 3 * k
    assert [n for n, _ in inputs_seen[-3:]] == ["a", "b", "c"]
    assert [float(v) for _, v in inputs_seen[-3:]] == [1, 2, 2]

    # ifelse: its lazy thunk runs twice per call (ask for the branch, then return it)
    counts = {}

    def count(node, **kw):
        counts[type(node.op).__name__] = counts.get(type(node.op).__name__, 0) + 1

    f = theano.function([a, b, c], ifelse(a, 2 * b, 2 * c),
                        mode=_mode(vm.VM_Linker(callback=count)))
    assert f(1, 2, 3) == 4 and f(0, 2, 3) == 6
    assert counts["IfElse"] == 4


def test_vm_linker_allow_gc_keeps_results():
    x = T.dvector("x")
    y = x + 1
    z = y * 2
    fg = FunctionGraph([x], [z], clone=False)
    for allow_gc in (True, False):
        the_vm = vm.VM_Linker(allow_gc=allow_gc)._make_vm(fg)
        for k in range(3):
            np.testing.assert_array_equal(the_vm([np.arange(3.0) + k])[0],
                                          (np.arange(3.0) + k + 1) * 2)
            kept = the_vm.storage_map[y][0]
            if allow_gc:
                assert kept is None
            else:
                np.testing.assert_array_equal(kept, np.arange(3.0) + k + 1)
        assert the_vm.call_counts == [3] * len(the_vm.nodes)


def test_vm_linker_node_runs_once_per_call():
    x = T.dvector("x")
    op = CountingSqr()
    p = op(x)
    f = theano.function([x], [p + 1, p + 2], mode=Mode(linker=vm.VM_Linker(lazy=True)))
    for k in range(3):
        r1, r2 = f(np.array([1.0, 2.0]))
        np.testing.assert_array_equal(r1, [2.0, 5.0])
        np.testing.assert_array_equal(r2, [3.0, 6.0])
    assert op.runs == 3


def test_vm_linker_bad_options():
    with pytest.raises(TypeError, match="callback"):
        vm.VM_Linker(callback=3)
    with pytest.raises(TypeError, match="lazy"):
        vm.VM_Linker(lazy="yes")


def test_vm_linker_error_names_node():
    x = T.dvector("x")
    f = theano.function([x], Boom()(x) + 1, mode=_mode(vm.VM_Linker()))
    with pytest.raises(Boom.Error, match="Apply node that caused the error: Boom"):
        f(np.zeros(2))


def _graph():
    x, y = T.dscalars("x", "y")
    return x, y, (x + y) * (x - y)


def test_make_all_thunks_run_node_by_node():
    x, y, out = _graph()
    fg = FunctionGraph([x, y], [out])
    fn, ins, outs, thunks, order = PerformLinker().accept(fg).make_all()
    assert len(thunks) == len(order) == 3
    for k in range(3):
        ins[0].data, ins[1].data = 5.0 + k, 3.0
        fn()
        assert outs[0].data == (5.0 + k + 3.0) * (5.0 + k - 3.0)
    # a node's thunk alone, on its cells
    thunk = thunks[0]
    thunk.inputs[0][0] = np.asarray(7.0)
    thunk.inputs[1][0] = np.asarray(2.0)
    thunk()
    assert float(thunk.outputs[0][0]) in (9.0, 5.0)


def test_wrap_linker_wrapper_decides():
    x, y, out = _graph()
    fg = FunctionGraph([x, y], [out])
    seen = []

    def skip(i, node, th):
        seen.append(i)

    fn, ins, outs = WrapLinker([PerformLinker(allow_gc=False)], skip).accept(fg).make_thunk()
    ins[0].data, ins[1].data = 5.0, 3.0
    fn()
    assert seen == [0, 1, 2] and outs[0].data is None

    log = []

    def run(i, node, th):
        th()
        log.append(float(th.outputs[0][0]))

    def digest(i, node, th):
        log.append(str(node.op))

    lk = WrapLinkerMany([PerformLinker()], [run, digest]).accept(fg)
    f = lk.make_function()
    for k in range(3):
        del log[:]
        assert f(5.0 + k, 3.0) == (5.0 + k + 3.0) * (5.0 + k - 3.0)
        assert len(log) == 6 and log[-2] == (5.0 + k + 3.0) * (5.0 + k - 3.0)


def test_wrap_linker_as_mode_linker():
    calls = []

    def wrapper(i, node, th):
        calls.append(node)
        th()

    x = T.dvector("x")
    mode = Mode(linker=WrapLinkerMany([vm.VM_Linker()], [wrapper]), optimizer="fast_run")
    f = theano.function([x], T.exp(x) * 2, mode=mode, name="f")
    for k in range(3):
        np.testing.assert_allclose(f(np.arange(3.0) + k), np.exp(np.arange(3.0) + k) * 2)
    assert calls and all(n.fgraph is f.maker.fgraph for n in calls)
    with pytest.raises(TypeError, match="wrapper"):
        WrapLinkerMany([PerformLinker()], [None])


def test_container_filter_and_readonly():
    class TDouble(theano.gof.Type):
        def filter(self, data):          # a user Type with a filter of one argument
            return float(data)

    v = theano.gof.Variable(TDouble(), None, None, name="v")
    c = Container(v, [None])
    c.data = 3
    assert c.data == 3.0 and type(c.data) is float
    t = T.dscalar()
    ro = Container(t, [np.asarray(1.0)], readonly=True)
    with pytest.raises(Exception, match="readonly"):
        ro.data = 2.0
    d = copy.deepcopy(ro)
    assert isinstance(d.storage[0], np.ndarray) and d.storage[0].dtype == np.float64


def test_sched_posort_and_toposort():
    assert sched.posort("asdfghjkl", lambda a, b: (a > b) - (a < b)) == list("adfghjkls")
    by_digit = [lambda a, b: a % 10 - b % 10, lambda a, b: a - b]
    assert sched.posort(range(1, 20), *by_digit) == sorted(range(1, 20), key=lambda a: (a % 10, a))
    # an earlier comparator wins over a later one that disagrees
    assert sched.posort([1, 2, 3], lambda a, b: b - a, lambda a, b: a - b) == [3, 2, 1]
    edges = {1: {4, 6, 7}, 2: {4, 6, 7}, 3: {5, 7}, 4: {6, 7}, 5: {7}}
    order = sched._toposort(edges)
    pos = {n: i for i, n in enumerate(order)}
    assert all(pos[a] < pos[b] for a, succ in edges.items() for b in succ)
    with pytest.raises(ValueError, match="cycle"):
        sched._toposort({1: {2}, 2: {1}})
    assert sched.reverse_dict({"a": (1, 2), "b": (2,)}) == {1: ("a",), 2: ("a", "b")}


def test_sched_schedule_in_linkers():
    x = T.dmatrix("x")
    y = T.dot(x[:2] * 2, x.T + 1).T
    dependence = sched.make_dependence_cmp()
    nodes = sched.sort_apply_nodes([x], [y], [lambda a, b: (str(a) > str(b)) - (str(a) < str(b))])
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            assert dependence(a, b) <= 0     # never before something it depends on
    reverse = sched.sort_schedule_fn(lambda a, b: (str(b) > str(a)) - (str(b) < str(a)))
    val = np.arange(12.0).reshape(3, 4)
    ref = np.dot(val[:2] * 2, val.T + 1).T
    for linker in (vm.VM_Linker(schedule=reverse), theano.gof.OpWiseCLinker(schedule=reverse)):
        f = theano.function([x], y, mode=Mode(linker=linker))
        for _ in range(3):
            np.testing.assert_allclose(f(val), ref)


def test_node_fgraph_is_weak_and_not_pickled():
    import pickle

    x = T.dvector("x")
    y = T.exp(x)
    fg = FunctionGraph([x], [y], clone=False)
    assert y.owner.fgraph is fg
    clone = pickle.loads(pickle.dumps(y))
    assert clone.owner.fgraph is None
    del fg
    import gc

    gc.collect()
    assert y.owner.fgraph is None


def test_record_mode_digest_and_descriptor():
    from theano.printing import hex_digest, var_descriptor

    a = np.arange(6.0)
    assert hex_digest(a) == hex_digest(a.copy())
    assert hex_digest(a) != hex_digest(a.astype("float32"))
    assert hex_digest(a) != hex_digest(a.reshape(2, 3))
    b = a.copy()
    b[3] = -1
    assert hex_digest(a) != hex_digest(b)
    with pytest.raises(TypeError, match="ndarray"):
        hex_digest([1, 2])
    x = T.dvector("x")
    d1 = var_descriptor((x + 1) * (x + 1))
    x2 = T.dvector("x")
    d2 = var_descriptor((x2 + 1) * (x2 + 1))
    assert d1 == d2 and "\n" not in d1 and "x" in d1
    assert var_descriptor((x + 2) * (x + 1)) != d1
    out = io.StringIO()
    out.write(d1)


class ThunkOnlyScale(Op):
    """Theano 1.0's way of writing an op with make_thunk alone (no perform)."""

    __props__ = ("k",)

    def __init__(self, k):
        self.k = k

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        x_cell = storage_map[node.inputs[0]]
        out_cell = storage_map[node.outputs[0]]
        done = compute_map[node.outputs[0]]

        def thunk():
            out_cell[0] = (x_cell[0] * self.k).astype(node.outputs[0].dtype)
            done[0] = True
        thunk.lazy = False
        return thunk

    def infer_shape(self, node, shapes):
        return shapes


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN", "vm_linker"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_make_thunk_only_ops_run_on_every_backend(mode, dtype):
    x = T.vector(dtype=dtype)
    m = Mode(linker=vm.VM_Linker()) if mode == "vm_linker" else mode
    f = theano.function([x], ThunkOnlyScale(3)(x) + 1, mode=m)
    for n in (1, 3, 5):
        v = np.arange(n, dtype=dtype)
        r = f(v)
        assert r.dtype == dtype
        np.testing.assert_allclose(r, v * 3 + 1)


def test_lazy_make_thunk_op_eager_elsewhere():
    # ThunkChoose (a lazy thunk) runs eagerly outside VM_Linker: both inputs computed
    c = T.dscalar("c")
    x, y = T.dvectors("x", "y")
    f = theano.function([c, x, y], ThunkChoose()(c, x, y * 2), mode="FAST_COMPILE")
    for k in range(3):
        v = np.arange(3.0) + k
        np.testing.assert_array_equal(f(1, v, v), v)
        np.testing.assert_array_equal(f(0, v, v), 2 * v)
