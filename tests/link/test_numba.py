"""The native backend: generated straight-line code, Elemwise kernels (single ops and fused
composites) against the reference VM, strict broadcasting, errors, lazy graphs, the disk cache."""

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise

numba = pytest.importorskip("numba")

import theano.link.numba as tnb  # noqa: E402
from theano.link.numba import elemwise as nbe  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NB = lambda: theano.Mode(linker="numba", optimizer="None")  # noqa: E731
PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731


class FakeComposite(ts.ScalarOp):
    """A fused scalar op with the Composite interface (``fgraph`` of Elemwise nodes on 0-d
    tensors, ``inputs``, ``outputs``, ``nout``), independent of the optimizer's own class."""

    def __init__(self, inputs, outputs):
        self.fgraph = FunctionGraph(inputs, outputs, clone=True)
        self.inputs, self.outputs = self.fgraph.inputs, self.fgraph.outputs
        self.nin, self.nout = len(inputs), len(outputs)
        super().__init__("fake_composite")

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def output_dtypes(self, *dtypes):
        return tuple(o.dtype for o in self.outputs)

    def impl(self, *arrays, out_dtypes=None):
        env = dict(zip(self.fgraph.inputs, arrays))
        for node in self.fgraph.toposort():
            args = [env[v] if v in env else v.data for v in node.inputs]
            r = node.op.scalar_op.impl(*args, out_dtypes=[node.outputs[0].dtype])
            env[node.outputs[0]] = np.asarray(r).astype(node.outputs[0].dtype)
        res = [env[o] if o in env else o.data for o in self.outputs]
        return res[0] if self.nout == 1 else tuple(res)


def fused(build, dtypes):
    """An Elemwise(FakeComposite) node built from ``build`` on 0-d inputs of ``dtypes``."""
    ins = [T.TensorType(d, ())() for d in dtypes]
    outs = build(*ins)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return Elemwise(FakeComposite(ins, outs))


@pytest.fixture
def eager(monkeypatch):
    """Per-node code only (no whole-graph tier), whatever the input sizes."""
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)


def node_globals(f):
    """The globals of the per-node generated code (the function's thunk may wrap it)."""
    return getattr(f.maker.thunk, "per_node", f.maker.thunk).__globals__


def run_both(inputs, outputs, values):
    f_nb = theano.function(inputs, outputs, mode=NB(), on_unused_input="ignore")
    f_py = theano.function(inputs, outputs, mode=PY(), on_unused_input="ignore")
    return f_nb(*values), f_py(*values), f_nb


def assert_same(a, b):
    a_list = a if isinstance(a, list) else [a]
    b_list = b if isinstance(b, list) else [b]
    for x, y in zip(a_list, b_list):
        assert x.dtype == y.dtype and x.shape == y.shape
        if x.dtype.kind == "f":
            tol = 2e-6 if x.dtype == np.float32 else 1e-13
            np.testing.assert_allclose(x, y, rtol=tol, atol=tol, equal_nan=True)
        else:
            np.testing.assert_array_equal(x, y)


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e30, -2.5, 0.5])


def test_registered_and_auto_chooses_numba():
    from theano.link import get_linker
    from theano.link.select import auto_linker_name

    assert tnb.AVAILABLE
    assert isinstance(get_linker("numba"), tnb.NumbaLinker)
    assert auto_linker_name() == "numba"


def test_generated_code_is_straight_line_and_frees_intermediates():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + T.sin(x), mode=NB())
    src = f.maker.thunk.source
    assert "for " not in src and "while " not in src
    assert "del " in src
    # each node is one call: of its function (f<i>), or inline of its ufunc (_fn_f<i>)
    calls = re.findall(r" = (_fn_)?f(\d+)\(", src)
    assert sorted(int(i) for _, i in calls) == list(range(len(f.maker.fgraph.toposort())))
    np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * 2 + np.sin(np.arange(3.0)))


# ---- single-op Elemwise ------------------------------------------------------------------------

UNARY = ["exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "abs_", "neg", "sqr", "sgn",
         "floor", "ceil", "sigmoid", "softplus", "expm1", "arcsin", "erf", "gammaln", "inv"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_single_op_matches_reference_with_nan_inf(name, dtype):
    x = T.TensorType(dtype, (False,))("x")
    out = getattr(T, name)(x)
    v = np.concatenate([SPECIAL, np.random.RandomState(0).uniform(-3, 3, 20)]).astype(dtype)
    a, b, _ = run_both([x], out, [v])
    assert_same(a, b)
    assert a.dtype == np.dtype(out.dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool"])
def test_binary_ops_with_broadcasting(dtype):
    m = T.TensorType(dtype, (False, False))("m")
    r = T.TensorType(dtype, (True, False))("r")
    rs = np.random.RandomState(1)
    if dtype == "bool":
        mv, rv = rs.rand(4, 3) > 0.5, rs.rand(1, 3) > 0.5
        outs = [T.eq(m, r), T.and_(m, r), T.or_(m, r), T.switch(m, r, m)]
    else:
        mv = (rs.uniform(-5, 5, (4, 3))).astype(dtype)
        rv = (rs.uniform(1, 5, (1, 3))).astype(dtype)
        outs = [m + r, m - r, m * r, m / r, T.maximum(m, r), T.minimum(m, r), T.lt(m, r),
                T.switch(T.gt(m, 0), m, r), m % r, m // r]
    a, b, _ = run_both([m, r], outs, [mv, rv])
    assert_same(a, b)


def test_empty_and_scalar_inputs():
    x = T.dmatrix("x")
    s = T.dscalar("s")
    a, b, _ = run_both([x, s], [x * s + 1, T.exp(x)], [np.zeros((0, 3)), np.float64(2)])
    assert_same(a, b)
    a, b, _ = run_both([s], [s * 2, T.exp(s)], [np.float64(1.5)])
    assert_same(a, b)
    assert isinstance(a[0], np.ndarray) and a[0].shape == ()


def test_strict_broadcasting_is_enforced():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    f = theano.function([x, y], x + y, mode=NB())
    with pytest.raises(ValueError, match="dimension mismatch"):
        f(np.ones((3, 4)), np.ones((1, 4)))   # y's first dim is not broadcastable
    np.testing.assert_array_equal(f(np.ones((1, 4)), np.ones((1, 4))), 2 * np.ones((1, 4)))


def test_error_names_node_and_user_line():
    x = T.dvector("x")
    y = T.dvector("y")
    z = x * y  # the line the error must point at
    f = theano.function([x, y], T.exp(z), mode=NB())
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "Apply node that caused the error" in msg and "mul" in msg
    assert "test_numba.py" in msg and "(3,), (4,)" in msg


def test_identity_and_fill_outputs_do_not_alias_inputs():
    x = T.dvector("x")
    f = theano.function([x], [T.identity(x), T.fill(x, x)], mode=NB())
    v = np.arange(3.0)
    a, b = f(v)
    a[0] = 100
    b[1] = 100
    assert v[0] == 0 and v[1] == 1


# ---- fused kernels -----------------------------------------------------------------------------

CHAIN = lambda x, y: T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2)  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fused_kernel_matches_reference_with_nan_inf_and_keeps_dtype(eager, dtype):
    op = fused(CHAIN, [dtype, dtype])
    x = T.TensorType(dtype, (False,))("x")
    y = T.TensorType(dtype, (False,))("y")
    out = op(x, y)
    rs = np.random.RandomState(2)
    xv = np.concatenate([SPECIAL, rs.randn(30)]).astype(dtype)
    yv = np.concatenate([SPECIAL[::-1], rs.randn(30)]).astype(dtype)
    a, b, f = run_both([x, y], out, [xv, yv])
    assert a.dtype == np.dtype(dtype)
    assert_same(a, b)
    runner_kernel = [g for k, g in node_globals(f).items() if k.startswith("f")]
    assert runner_kernel, "the node has an implementation"


def test_fused_kernel_is_numba_compiled(eager):
    op = fused(lambda x, y: x * y + 1, ["float64", "float64"])
    x, y = T.dvector("x"), T.dvector("y")
    runner = nbe.ElemwiseRunner(op(x, y).owner)
    assert runner.kernel_source is not None and "def _kernel" in runner.kernel_source
    assert runner.compile()
    np.testing.assert_allclose(runner.path_function()(np.arange(4.0), np.ones(4)), np.arange(4.0) + 1)


@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int8", "int8"), ("int32", "float32"),
                                    ("bool", "float64")])
def test_fused_kernel_integer_and_mixed_dtypes(eager, dtypes):
    def build(a, b):
        if dtypes[0] == "bool":
            return T.switch(a, b * 2, -b)
        return [a * b + a, T.maximum(a, b) - 3, T.lt(a, b)]

    op = fused(build, list(dtypes))
    x = T.TensorType(dtypes[0], (False, False))("x")
    y = T.TensorType(dtypes[1], (True, False))("y")
    rs = np.random.RandomState(3)
    if dtypes[0] == "bool":
        xv = rs.rand(3, 4) > 0.5
    else:
        xv = rs.randint(-100, 100, (3, 4)).astype(dtypes[0])
    yv = rs.randint(-100, 100, (1, 4)).astype(dtypes[1])
    out = op(x, y)
    a, b, _ = run_both([x, y], out, [xv, yv])
    assert_same(a, b)


def test_fused_kernel_mixing_bools_and_numbers(eager):
    op = fused(lambda a, b, c: [T.eq(a, b) * c, T.gt(a, 0) + c - T.lt(b, 0), T.gt(a, 0) * T.lt(b, 0)],
               ["float32", "float32", "float32"])
    x, y, z = T.fmatrix("x"), T.fmatrix("y"), T.fmatrix("z")
    rs = np.random.RandomState(8)
    vals = [rs.randint(-2, 2, (4, 5)).astype("float32") for _ in range(3)]
    runner = nbe.ElemwiseRunner(op(x, y, z)[0].owner)
    assert runner.kernel_source is not None
    a, b, _ = run_both([x, y, z], op(x, y, z), vals)
    assert_same(a, b)


def test_fused_kernel_broadcasting_and_strict_check(eager):
    op = fused(lambda a, b, c: a * b + c, ["float64"] * 3)
    m = T.dmatrix("m")
    col = T.TensorType("float64", (False, True))("col")
    s = T.TensorType("float64", (True, True))("s")
    out = op(m, col, s)
    rs = np.random.RandomState(4)
    vals = [rs.randn(5, 3), rs.randn(5, 1), rs.randn(1, 1)]
    a, b, f = run_both([m, col, s], out, vals)
    assert_same(a, b)
    with pytest.raises(ValueError, match="mismatch"):
        f(rs.randn(5, 3), rs.randn(4, 1), rs.randn(1, 1))
    a, b, _ = run_both([m, col, s], out, [np.zeros((0, 3)), np.zeros((0, 1)), np.ones((1, 1))])
    assert_same(a, b)


def test_fused_kernel_with_constants_and_non_contiguous_input(eager):
    op = fused(lambda a: T.clip(a, -0.5, 0.5) * 3 + T.constant(np.float32(1.25)), ["float32"])
    x = T.fmatrix("x")
    v = np.random.RandomState(5).randn(6, 4).astype("float32")
    a, b, f = run_both([x], op(x), [v])
    assert_same(a, b)
    vt = np.asfortranarray(v)
    assert_same(f(vt), b)


def test_chunked_numpy_path_on_big_arrays(eager, monkeypatch):
    monkeypatch.setattr(nbe, "CHUNK", 256)
    op = fused(CHAIN, ["float64", "float64"])
    x = T.dmatrix("x")
    y = T.TensorType("float64", (True, False))("y")
    rs = np.random.RandomState(6)
    xv, yv = rs.randn(300, 50), rs.randn(1, 50)
    runner = nbe.ElemwiseRunner(op(x, y).owner)
    assert runner.numpy_above < xv.size  # exp/sin/log1p are cheaper in NumPy for big arrays
    got = runner.run_chunked(xv, yv)
    expected = np.exp(-xv ** 2) * np.sin(yv) + np.log1p(np.abs(xv * yv)) / (1 + yv ** 2)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    a, b, _ = run_both([x, y], op(x, y), [xv, yv])
    assert_same(a, b)


def test_kernel_is_compiled_at_the_first_call_and_runs_from_it(eager, monkeypatch, tmp_path):
    monkeypatch.setattr(theano.config, "compiledir", str(tmp_path))  # nothing cached yet
    op = fused(lambda a, b: a * b - a, ["float64", "float64"])
    x, y = T.dvector("x"), T.dvector("y")
    f = theano.function([x, y], op(x, y), mode=NB())
    glb = node_globals(f)
    first = glb["f0"]
    assert first.theano_runner.path == "kernel"
    assert first.theano_runner.kernel is None        # theano.function compiled nothing
    np.testing.assert_allclose(f(np.arange(3.0), np.ones(3)), np.arange(3.0) * 1 - np.arange(3.0))
    assert first.theano_runner.kernel is not None    # the first call ran the kernel
    kernel_fn = glb["f0"]
    assert kernel_fn is not first
    for _ in range(3):
        np.testing.assert_allclose(f(np.arange(3.0), np.ones(3)), np.arange(3.0) * 1 - np.arange(3.0))
    assert glb["f0"] is kernel_fn                    # and nothing changes afterwards


def test_multi_output_and_inplace_elemwise(eager):
    op = fused(lambda a, b: [a + b, a * b], ["float64", "float64"])
    x, y = T.dvector("x"), T.dvector("y")
    a, b, _ = run_both([x, y], op(x, y), [np.arange(4.0), np.arange(4.0) + 1])
    assert_same(a, b)
    ip = Elemwise(ts.add, inplace_pattern={0: 0})
    xv = np.arange(3.0)
    node = ip.make_node(x, y)
    from theano.link.numba.dispatch import numba_funcify

    fn = numba_funcify(node.op, node)
    res = fn(xv, np.ones(3))
    assert res is xv and list(xv) == [1.0, 2.0, 3.0]


# ---- whole-graph tier -----------------------------------------------------------------------


def test_small_graph_runs_as_one_numba_function():
    w = theano.shared(np.array([0.1, 0.25, 0.15, 0.3]), "w")
    x, t = T.fvector("x"), T.fscalar("t")
    y = (x * w).sum()
    g = T.grad(T.sqr(t - y), w)
    outs = [y, g.dimshuffle("x", 0), T.dot(g, g), (x * w).prod(), T.exp(g).sum(axis=0)]
    f = theano.function([x, t], outs, updates=[(w, w - 0.1 * g)],
                        mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x, t], outs, mode=theano.Mode("py", "None"))
    assert "def _graph" in f.maker.thunk.graph_source
    for _ in range(14):
        expected = ref([1.0, 2.0, 3.0, 4.0], 100.0)   # both read w before f updates it
        got = f([1.0, 2.0, 3.0, 4.0], 100.0)
        for a, b in zip(got, expected):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-12)
    assert f.maker.thunk.__globals__["_run"].__name__ == "lean"
    with pytest.raises(ValueError) as info:                      # errors still name the node
        f([1.0, 2.0, 3.0], 100.0)
    assert "Apply node that caused the error" in str(info.value)


def test_graphs_with_other_ops_stay_per_node():
    from theano.link.numba.graph import graph_source

    x = T.dvector("x")
    fg = theano.function([x], Twice()(x) + 1, mode=NB()).maker.fgraph
    assert graph_source(fg, fg.toposort()) is None


# ---- other ops, fallback, lazy graphs, profiling -----------------------------------------------


def test_structural_ops_match_reference():
    x = T.dtensor3("x")
    m = T.fmatrix("m")
    v = T.fvector("v")
    outs = [x.dimshuffle(2, "x", 0, 1), x.sum(axis=(0, 2)), x.max(axis=1), x.prod(), x.shape,
            x.reshape((x.shape[0], -1)), T.dot(m, v), T.dot(v, v), m.T, T.argmax(x, axis=1),
            T.mean(x, axis=0), T.stack([x.sum(), x.min()]), T.unbroadcast(x.dimshuffle("x", 0, 1, 2), 0)]
    rs = np.random.RandomState(7)
    vals = [rs.randn(2, 3, 4), rs.randn(3, 5).astype("float32"), rs.randn(5).astype("float32")]
    a, b, _ = run_both([x, m, v], outs, vals)
    for p, q in zip(a, b):
        assert p.dtype == q.dtype and p.shape == q.shape
        np.testing.assert_allclose(p, q, rtol=1e-6)


class Twice(Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        if inputs[0].size and inputs[0].flat[0] < 0:
            raise RuntimeError("negative first element")
        output_storage[0][0] = inputs[0] * 2


def test_unregistered_op_runs_its_perform_and_errors_point_at_it():
    x = T.dvector("x")
    y = Twice()(x)
    f = theano.function([x], y + 1, mode=NB())
    np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0) * 2 + 1)
    with pytest.raises(RuntimeError, match="Twice"):
        f(-np.ones(2))


class Choose(Op):
    """choose(c, a, b): a lazy op that computes only the branch it needs."""

    __props__ = ()
    lazy = True

    def make_node(self, c, a, b):
        return Apply(self, [T.as_tensor_variable(c), a, b], [a.type()])

    def lazy_perform(self, node, input_cells, computed, output_cells):
        if not computed[0]:
            return [0]
        k = 1 if input_cells[0][0] else 2
        if not computed[k]:
            return [k]
        output_cells[0][0] = input_cells[k][0]
        return []


def test_lazy_graph_runs_only_the_chosen_branch():
    c = T.iscalar("c")
    x = T.dvector("x")
    out = Choose()(c, T.exp(x), Twice()(x))
    f = theano.function([c, x], out, mode=NB())
    np.testing.assert_allclose(f(1, -np.ones(2)), np.exp(-np.ones(2)))  # Twice would raise
    np.testing.assert_allclose(f(0, np.ones(2)), 2 * np.ones(2))


def test_profile_records_every_node():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x).sum(), mode=NB(), profile=True)
    f(np.ones(5))
    assert f.profile is not None
    assert "_record" in f.maker.thunk.source


def test_shared_updates_and_seed_training():
    w = theano.shared(np.array([0.1, 0.25, 0.15, 0.3]), "w")
    x = T.fvector("x")
    t = T.fscalar("t")
    y = (x * w).sum()
    cost = T.sqr(t - y)
    g = T.grad(cost, w)
    f = theano.function([x, t], y, updates=[(w, w - 0.1 * g)], mode=theano.Mode("numba", "fast_run"))
    outs = [float(f([1.0, 1.0, 1.0, 1.0], 100.0)) for _ in range(3)]
    assert outs == [0.8, 80.16000000000001, 96.03200000000001]
    np.testing.assert_allclose(w.get_value(), [24.7016, 24.8516, 24.7516, 24.9016])


# ---- disk cache --------------------------------------------------------------------------------

_CACHE_SCRIPT = textwrap.dedent("""
    import sys, numpy as np
    import theano, theano.tensor as T
    theano.config.compiledir = sys.argv[1]
    sys.path.insert(0, sys.argv[2])
    from tests.link.test_numba import fused
    from theano.link.numba import elemwise as nbe
    op = fused(lambda a, b: T.exp(a) * b + a / (b + 3.5), ["float64", "float64"])
    x, y = T.dvector(), T.dvector()
    runner = nbe.ElemwiseRunner(op(x, y).owner)
    assert runner.compile()
    r = runner.kernel_function()(np.arange(3.0), np.ones(3))
    np.testing.assert_allclose(r, np.exp(np.arange(3.0)) + np.arange(3.0) / 4.5)
    stats = runner.kernel.stats
    print("OK", sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
""")


def _run_cache_procs(tmp_path, n):
    script = tmp_path / "cache_script.py"
    script.write_text(_CACHE_SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "cdir"), ROOT],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(n)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        outs.append(tuple(int(v) for v in out.split()[-2:]))
    return outs


@pytest.mark.slow
def test_disk_cache_two_processes_at_once_then_fast_and_corruption_rebuilt(tmp_path):
    _run_cache_procs(tmp_path, 2)           # two processes build the same kernel at once
    kdir = next((tmp_path / "cdir").iterdir())
    sources = list(kdir.glob("k_*.py"))
    assert len(sources) == 1
    assert list((kdir / "__pycache__").glob("*.nbi"))
    ((hits, misses),) = _run_cache_procs(tmp_path, 1)
    assert hits >= 1 and misses == 0        # loaded from the cache, not compiled again
    for f in (kdir / "__pycache__").glob("*.nb*"):
        f.write_bytes(f.read_bytes()[:10])  # truncate numba's index and data files
    sources[0].write_text(sources[0].read_text()[:40])   # and the source
    _run_cache_procs(tmp_path, 1)           # rebuilt, not fatal
    assert "def _kernel" in sources[0].read_text()


def test_truncated_source_entry_is_rewritten(tmp_path, monkeypatch):
    from theano.link.numba import cache

    monkeypatch.setattr(theano.config, "compiledir", str(tmp_path))
    src = "import numba\n\n\ndef _k(a):\n    return a + 1\n\n\nkernel = numba.njit(cache=True)(_k)\n"
    mod = cache.load_module(src)
    path = mod.__file__
    with open(path, "w") as f:
        f.write(src[:20])
    cache._loaded.clear()
    disp = cache.compile_kernel(src, "kernel", (numba.types.float64,))
    assert disp(1.0) == 2.0
    assert open(path).read() == src


def test_single_op_results_never_alias_their_inputs():
    # add(x) and mul(x) of one input are the input: the result must be a copy on every path
    x = T.dmatrix("x")
    for fn in (T.add, T.mul):
        f = theano.function([x], fn(x), mode=NB())
        a = np.array([[1.5, -2.0], [3.0, 0.25]])
        for _ in range(2):
            out = f(a)
            np.testing.assert_array_equal(out, a)
            out[0, 0] = 99.0
            assert a[0, 0] == 1.5
