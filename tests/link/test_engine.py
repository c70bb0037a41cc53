"""The engine's guarantees on every backend: the same bits on every call, NumPy's integer semantics,
correct results from several threads, forked workers that can call functions, small products on
one BLAS thread, and a description of how each node runs."""

import importlib.util
import multiprocessing
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.ifelse import ifelse

from tests.helpers import assert_same_bits

HAS_NUMBA = pytest.importorskip("numba") is not None

# every path of the native backend, and the reference VM: (linker, config flags while compiling)
PATHS = {
    "py": ("py", {}),
    "numba": ("numba", {}),
    "numba_nodes": ("numba", {"numba__whole_graph": False}),
    "numba_kernels": ("numba", {"numba__whole_graph": False, "numba__force_kernels": True}),
}
if importlib.util.find_spec("jax") is not None:
    PATHS["jax"] = ("jax", {})


def compile_on(path, inputs, outputs, **kw):
    linker, flags = PATHS[path]
    with theano.config.change_flags(**flags):
        return theano.function(inputs, outputs, mode=theano.Mode(linker=linker, optimizer="fast_run"),
                               **kw)


def _graphs():
    """(name, inputs, outputs, values) of the determinism set."""
    rs = np.random.RandomState(0)
    x, y = T.dvector("x"), T.dvector("y")
    m, w = T.dmatrix("m"), T.dmatrix("w")
    xf = T.fvector("xf")
    out = []
    for n in (1000, 40_000):   # a small array, and one of several chunks (hybrid paths)
        xv, yv = rs.randn(n), rs.randn(n)
        out.append((f"exp chain {n}", [x], [T.exp(x) * 2.0 + 1.0], [xv]))
        out.append((f"transcendental chain {n}", [x, y],
                    [T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2)], [xv, yv]))
        out.append((f"cheap chain {n}", [x, y], [(x * 3 + y) * (x - 1) / (y * y + 2)], [xv, yv]))
        out.append((f"reductions {n}", [x, y], [x.sum(), (x * y).mean(), T.max(x), (x ** 2).prod()],
                    [xv, yv / 100 + 1]))
        out.append((f"float32 sigmoid {n}", [xf], [T.nnet.sigmoid(xf) * T.tanh(xf)],
                    [xv.astype("float32")]))
    for k in (4, 300):
        mv, wv = rs.randn(k, k), rs.randn(k, k)
        out.append((f"dot {k}", [m, w], [T.dot(m, w), T.tanh(T.dot(m, w)).sum(axis=0)], [mv, wv]))
    h0 = T.dvector("h0")
    W = T.dmatrix("W")
    seq = T.dmatrix("seq")
    hs, _ = theano.scan(lambda s, h, W: T.tanh(T.dot(W, h) + s), sequences=seq,
                        outputs_info=h0, non_sequences=W)
    out.append(("scan", [seq, h0, W], [hs, T.grad(hs[-1].sum(), W)],
                [rs.randn(20, 8), rs.randn(8), rs.randn(8, 8) / 3]))
    c = T.dscalar("c")
    out.append(("ifelse", [c, x, y], [ifelse(T.gt(c, 0), T.exp(x) * y, T.log1p(abs(x)) - y)],
                [np.asarray(1.0), rs.randn(5000), rs.randn(5000)]))
    return out


GRAPHS = _graphs()


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("case", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_same_bits_on_every_call(case, path):
    name, inputs, outputs, values = case
    f = compile_on(path, inputs, outputs)
    first = f(*values)
    for _ in range(49):
        for a, b in zip(f(*values), first):
            assert_same_bits(a, b, err_msg=f"{name} on {path}")
    ref = compile_on("py", inputs, outputs)(*values)
    for a, b in zip(first, ref):
        rtol = 1e-5 if np.asarray(a).dtype == np.float32 else 1e-9
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-3)


# ---- integer semantics ---------------------------------------------------------------------


def _int_values(dtype, n):
    info = np.iinfo(dtype)
    x = np.array([info.min, info.min, 7, -7, 7, -7, 5, 0, info.max, info.min, -1, 3]
                 ).astype(dtype)     # (wrapping for uint8)
    y = np.array([-1, 1, 0, 0, -2, 2, -1, 0, -1, 3, info.min, -5]).astype(dtype)
    reps = -(-n // x.size)
    return np.tile(x, reps)[:n], np.tile(y, reps)[:n]


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
@pytest.mark.parametrize("n", [12, 50_000])
def test_integer_division_and_modulo_are_numpys_on_every_path(path, dtype, n):
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    outs = [x // y + 1, x % y + 1, x // y, x % y]
    f = compile_on(path, [x, y], outs)
    xv, yv = _int_values(dtype, n)
    with np.errstate(all="ignore"):
        one = np.array(1, dtype)
        expected = [np.floor_divide(xv, yv) + one, np.mod(xv, yv) + one,
                    np.floor_divide(xv, yv), np.mod(xv, yv)]
    first = f(xv, yv)
    for _ in range(3):
        for a, b in zip(f(xv, yv), first):
            assert_same_bits(a, b)
    for a, e, o in zip(first, expected, outs):
        assert a.dtype == o.dtype            # (uint8 + 1 is int16 in Theano)
        np.testing.assert_array_equal(a, e.astype(o.dtype))


@pytest.mark.parametrize("path", list(PATHS))
def test_float_floor_division_and_modulo_by_zero_and_negative(path):
    x, y = T.dvector("x"), T.dvector("y")
    f = compile_on(path, [x, y], [x // y * 1.0, x % y + 0.0])
    xv = np.array([7.0, -7.0, 7.0, 0.0, -0.0, np.inf, 5.5, -5.5, np.nan])
    yv = np.array([0.0, 0.0, -2.0, 0.0, 3.0, 2.0, -2.0, 2.0, 1.0])
    with np.errstate(all="ignore"):
        expected = [np.floor_divide(xv, yv) * 1.0, np.mod(xv, yv) + 0.0]
    for _ in range(2):
        for a, e in zip(f(xv, yv), expected):
            np.testing.assert_array_equal(a, e)


# ---- threads ---------------------------------------------------------------------------------


def _hammer(f, args_of, expected_of, n_threads=4, calls=40):
    errors = []

    def work(t):
        try:
            for k in range(calls):
                args = args_of(t, k)
                got = f(*args)
                exp = expected_of(*args)
                if not np.allclose(got, exp, rtol=1e-12, atol=0):
                    errors.append((t, k))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:5]


@pytest.mark.parametrize("path", list(PATHS))
def test_four_threads_calling_one_function_with_ifelse(path):
    c, x = T.dscalar("c"), T.dvector("x")
    out = ifelse(T.gt(c, 0), T.exp(x) * 2 + x, T.sqr(x) - 1) * c
    f = compile_on(path, [c, x], out)
    rs = np.random.RandomState(3)
    data = [rs.randn(10_000) for _ in range(4)]

    def args_of(t, k):
        return np.asarray(float(k % 3 - 1) + 0.5 * t), data[t]

    def expected_of(cv, xv):
        cv = float(cv)
        return (np.exp(xv) * 2 + xv if cv > 0 else xv ** 2 - 1) * cv

    _hammer(f, args_of, expected_of)


@pytest.mark.parametrize("path", list(PATHS))
def test_four_threads_calling_one_plain_function(path):
    x, y = T.dvector("x"), T.dvector("y")
    f = compile_on(path, [x, y], (T.exp(x) * y + x).sum() + T.dot(x, y))
    rs = np.random.RandomState(4)
    data = [(rs.randn(600), rs.randn(600)) for _ in range(4)]
    _hammer(f, lambda t, k: data[t], lambda xv, yv: (np.exp(xv) * yv + xv).sum() + xv @ yv)


@pytest.mark.parametrize("mode_name", ["NanGuardMode", "DebugMode"])
def test_four_threads_on_the_checking_modes(mode_name):
    if mode_name == "NanGuardMode":
        from theano.compile.nanguardmode import NanGuardMode

        mode = NanGuardMode(nan_is_error=True, inf_is_error=True)
    else:
        from theano.compile.debugmode import DebugMode

        mode = DebugMode()
    c, x = T.dscalar("c"), T.dvector("x")
    f = theano.function([c, x], ifelse(T.gt(c, 0), T.exp(x) + x, x * 3) * c, mode=mode)
    rs = np.random.RandomState(6)
    data = [rs.randn(50) for _ in range(4)]

    def expected_of(cv, xv):
        cv = float(cv)
        return (np.exp(xv) + xv if cv > 0 else xv * 3) * cv

    _hammer(f, lambda t, k: (np.asarray(float(k % 2) - 0.5 + t), data[t]), expected_of, calls=10)


class _CallsBack(Op):
    """Identity whose perform calls ``hook`` (a function that may call the compiled function)."""

    __props__ = ()

    def __init__(self, hook):
        self.hook = hook

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        self.hook()
        out[0][0] = inputs[0].copy()


def test_a_reference_vm_call_from_inside_itself_raises_instead_of_corrupting():
    holder = {"f": None}

    def hook():
        if holder["f"] is not None:
            g, holder["f"] = holder["f"], None
            g(np.ones(2))

    x = T.dvector("x")
    f = theano.function([x], _CallsBack(hook)(T.exp(x)) + 1, mode=theano.Mode("py", "None"))
    holder["f"] = f
    with pytest.raises(RuntimeError, match="inside its own call"):
        f(np.ones(2))
    np.testing.assert_allclose(f(np.zeros(2)), 2.0)   # the lock was released


# ---- fork ----------------------------------------------------------------------------------------

_FORK_F = None


def _call_in_child(seed):
    v = np.random.RandomState(seed).randn(300_000)
    return float(_FORK_F(v).sum()), float((np.exp(v) * 2.0 + np.tanh(v) * v).sum())


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_workers_can_call_a_function_used_in_the_parent():
    global _FORK_F
    x = T.dvector("x")
    _FORK_F = theano.function([x], T.exp(x) * 2.0 + T.tanh(x) * x)
    v = np.random.RandomState(0).randn(300_000)
    np.testing.assert_allclose(_FORK_F(v), np.exp(v) * 2.0 + np.tanh(v) * v, rtol=1e-12)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        res = pool.map_async(_call_in_child, [1, 2, 3]).get(timeout=120)
    for got, exp in res:
        assert got == pytest.approx(exp, rel=1e-12)


def test_no_parallel_kernels_unless_asked():
    from theano.link.numba import elemwise as nbe

    x, y = T.dvector("x"), T.dvector("y")
    node = theano.function([x, y], x * y + x, mode=theano.Mode("numba", "fast_run")) \
        .maker.fgraph.toposort()[-1]
    assert not nbe.ElemwiseRunner(node).parallel
    with theano.config.change_flags(openmp=True):
        assert nbe.ElemwiseRunner(node).parallel
    with theano.config.change_flags(numba__parallel=True, numba__parallel_threshold=100):
        runner = nbe.ElemwiseRunner(node)
        assert runner.path == "kernel" and runner.parallel
        fn = runner.path_function()
        xv, yv = np.random.RandomState(1).randn(2, 5000)
        serial = nbe.ElemwiseRunner(node)
        serial.parallel = False
        # the threaded loop gives the bits of the one-thread loop
        assert_same_bits(fn(xv, yv), serial.path_function()(xv, yv))


# ---- BLAS threads -------------------------------------------------------------------------------


def test_small_products_run_on_one_blas_thread_large_ones_untouched(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from theano.link import blas_threads

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setattr(blas_threads, "_libs", None)       # look the libraries up again
        if not blas_threads.multi_threaded():
            pytest.skip("BLAS cannot run on two threads here")
        seen = []
        real = blas_threads.one_thread

        def spy(fn, *args, **kw):
            seen.append([get() for get, _ in blas_threads._libs])
            return real(fn, *args, **kw)

        monkeypatch.setattr(blas_threads, "one_thread", spy)
        a, b, c = T.dmatrix("a"), T.dmatrix("b"), T.dmatrix("c")
        with theano.config.change_flags(numba__whole_graph=False, blas__small_product_flops=1 << 20):
            f = theano.function([a, b, c], [T.dot(a, b), c + 0.5 * T.dot(a, b)],
                                mode=theano.Mode("numba", "fast_run"))
        rs = np.random.RandomState(5)
        av, bv, cv = rs.randn(16, 128), rs.randn(128, 64), rs.randn(16, 64)
        for _ in range(2):
            for got, exp in zip(f(av, bv, cv), [av @ bv, cv + 0.5 * (av @ bv)]):
                np.testing.assert_allclose(got, exp, rtol=1e-12)
        assert seen                                   # the small products went through one_thread
        counts = [get() for get, _ in blas_threads._libs]
        assert all(n == 2 for n in counts)            # and the thread counts were restored
        seen.clear()
        big = rs.randn(128, 128)
        f(big, big, big)                              # 2M multiply-adds: not limited
        assert not seen
    monkeypatch.setattr(blas_threads, "_libs", None)


def test_one_thread_sets_and_restores_the_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from theano.link import blas_threads

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        old = blas_threads._libs
        try:
            blas_threads._libs = None
            if not blas_threads.multi_threaded():
                pytest.skip("BLAS cannot run on two threads here")
            inside = blas_threads.one_thread(lambda: [get() for get, _ in blas_threads._libs])
            assert inside and all(n == 1 for n in inside)
            assert all(get() == 2 for get, _ in blas_threads._libs)
            with pytest.raises(ZeroDivisionError):
                blas_threads.one_thread(lambda: 1 / 0)
            assert all(get() == 2 for get, _ in blas_threads._libs)
        finally:
            blas_threads._libs = old


# ---- how each node runs ------------------------------------------------------------------------


def test_describe_says_how_each_node_runs():
    from theano.printing import debugprint, describe

    x, y = T.dvector("x"), T.dvector("y")
    # (real powers: libm's pow in a Numba loop is slower than NumPy's, so big inputs take the
    # NumPy program; exp/sin/log1p chains are vmath kernels at every size)
    outs = [T.exp(x), (x * 3 + y) * (x - 1), abs(x) ** 2.5 * abs(y) ** 1.5 + T.log1p(abs(x * y))]
    with theano.config.change_flags(numba__whole_graph=False):
        f = theano.function([x, y], outs, mode=theano.Mode("numba", "fast_run"))
    text = describe(f, file="str")
    assert "ufunc" in text and "kernel" in text and "numpy-fused" in text
    g = theano.function([x, y], outs, mode=theano.Mode("numba", "fast_run"))
    assert "whole-graph" in describe(g, file="str")
    h = theano.function([x, y], outs, mode=theano.Mode("py"))
    assert "perform" in describe(h, file="str")
    assert "[kernel" in debugprint(f, file="str", print_path=True)


def test_every_blas_library_numba_can_call_is_limited():
    # SciPy's wheels ship their own OpenBLAS, which Numba's np.dot calls (scipy's cython_blas) and
    # which is loaded only when SciPy's linalg is imported: the thread limiter must know it even
    # when it looks the libraries up before that import (a fresh process: theano imports no SciPy)
    pytest.importorskip("threadpoolctl")
    import os
    import subprocess
    import sys

    code = (
        "import json, theano\n"
        "from theano.link import blas_threads\n"
        "libs = blas_threads._load()\n"
        "import scipy.linalg.cython_blas\n"
        "from threadpoolctl import threadpool_info\n"
        "multi = [d for d in threadpool_info() if d['user_api'] == 'blas' and d['num_threads'] > 1]\n"
        "print(json.dumps([len(libs), len(multi)]))\n"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    n_limited, n_multi = json_loads_last_line(out.stdout)
    if n_multi == 0:
        pytest.skip("no multi-threaded BLAS here")
    assert n_limited == n_multi


def json_loads_last_line(text):
    import json

    return json.loads(text.strip().splitlines()[-1])
