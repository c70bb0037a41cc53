"""Native backend: when the whole-graph tier compiles, and the code it generates."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402
from theano.link.numba import graph as whole  # noqa: E402


def _fresh_graph():
    # a graph of its own (a new constant), so that no earlier test has it in the disk cache
    x = T.dvector("x")
    c = float(np.random.RandomState().randint(1, 10 ** 9))
    # (three nodes: a sum, its dimshuffle and the fused elemwise; smaller graphs stay per node)
    return x, theano.function([x], (T.exp(x) * c + 1) * x.sum(),
                              mode=theano.Mode("numba", "fast_run")), c


def _ref(v, c):
    return (np.exp(v) * c + 1) * v.sum()


def test_small_inputs_run_the_whole_graph_from_the_first_call_big_ones_per_node(monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph_max_size", 8)
    x, f, c = _fresh_graph()
    glb = f.maker.thunk.__globals__
    assert glb["_run"].__name__ == "first"                 # theano.function compiled nothing
    small, big = np.linspace(0.1, 1, 8), np.linspace(0.1, 1, 9)
    np.testing.assert_allclose(f(small), _ref(small, c))
    assert glb["_run"].__name__ == "lean"                  # compiled by the first call, and run
    np.testing.assert_allclose(f(big), _ref(big, c))
    assert glb["_run"].__name__ == "lean"                  # a big input ran per node
    first_small, first_big = f(small), f(big)
    for _ in range(30):                                     # and so on, bit for bit
        np.testing.assert_array_equal(f(small), first_small)
        np.testing.assert_array_equal(f(big), first_big)


def test_one_and_two_node_graphs_stay_per_node():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + 1, mode=theano.Mode("numba", "fast_run"))
    assert not hasattr(f.maker.thunk, "graph_source")


@pytest.mark.parametrize("a,b", [(2.0, 0.5), (1.0, 1.0)])      # (1, 1): no scaling written
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_gemm_and_one_elemwise_node_compile_whole(dtype, a, b):
    # tanh(b * z + a * dot(x, y)) is a Gemm and a tanh: two nodes, but a Gemm's per-node call
    # costs about two ufunc calls, so the graph runs whole on small inputs (and per node on big)
    x, y, z = (T.matrix(n, dtype=dtype) for n in "xyz")
    f = theano.function([x, y, z], T.tanh(b * z + a * T.dot(x, y)),
                        mode=theano.Mode("numba", "fast_run"))
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert len(ops) == 2 and "Gemm" in ops
    assert hasattr(f.maker.thunk, "graph_source")
    rng = np.random.RandomState(0)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for n in (8, 40):                     # 40 x 40 = 1,600 elements: per node
        xv, yv, zv = (rng.rand(n, n).astype(dtype) for _ in range(3))
        want = np.tanh(b * zv + a * (xv @ yv))
        first = f(xv, yv, zv)
        np.testing.assert_allclose(first, want, rtol=tol, atol=tol)
        for _ in range(3):
            np.testing.assert_array_equal(f(xv, yv, zv), first)
    # one Gemm alone stays per node
    g = theano.function([x, y, z], z + 2.0 * T.dot(x, y), mode=theano.Mode("numba", "fast_run"))
    assert not hasattr(g.maker.thunk, "graph_source")


def test_whole_graph_flag_off_means_per_node_code(monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)
    x, f, c = _fresh_graph()
    assert not hasattr(f.maker.thunk, "graph_source")
    v = np.linspace(0.1, 1, 5)
    np.testing.assert_allclose(f(v), _ref(v, c))


def test_elemwise_loops_are_inlined_into_one_function():
    x, y = T.dvector("x"), T.dvector("y")
    # (abs, not exp: exp is vmath's numba intrinsic, which only runs compiled)
    out = (abs(x) * y).sum() + T.dot(x, y)
    fg = theano.function([x, y], out, mode=theano.Mode("numba", "fast_run")).maker.fgraph
    src, consts = whole.graph_source(fg, fg.toposort())
    assert src.count("numba.njit(") == 1 and "def _graph(" in src
    mod = {}
    src = src.replace(f"graph = numba.njit({nbe.NJIT_FLAGS})(_graph)", "graph = _graph")
    exec(compile(src, "<test>", "exec"), mod)
    graph = mod["graph"]                   # the plain Python function computes the same values
    rs = np.random.RandomState(0)
    xv, yv = rs.randn(6), rs.randn(6)
    (r,) = graph(xv, yv, *consts)
    np.testing.assert_allclose(r, (np.abs(xv) * yv).sum() + xv @ yv, rtol=1e-12)
    with pytest.raises(ValueError):
        graph(xv, yv[:3], *consts)


def test_libm_heavy_loops_on_big_products_run_per_node():
    # a real power on the 16 x 64 result of a product: libm's pow in the whole-graph loop would
    # cost more than the per-node calls it saves; on a 2 x 3 result the whole graph wins (tanh,
    # exp, log, ... are vmath's vector code in every loop: not libm-heavy any more)
    a, W, b = T.dmatrix("a"), T.dmatrix("W"), T.dvector("b")
    out = abs(T.dot(a, W) + b) ** 2.5 * 2.0

    def ref(a_, W_, b_):
        return np.abs(a_ @ W_ + b_) ** 2.5 * 2.0

    f = theano.function([a, W, b], [out, out.sum()], mode=theano.Mode("numba", "fast_run"))
    glb = f.maker.thunk.__globals__
    rs = np.random.RandomState(0)
    big = rs.randn(16, 8), rs.randn(8, 64), rs.randn(64)
    for _ in range(3):
        got = f(*big)
        np.testing.assert_allclose(got[0], ref(*big), rtol=1e-12)
    assert glb["_run"].__name__ == "first"          # never needed: every call ran per node
    small = rs.randn(2, 8), rs.randn(8, 3), rs.randn(3)
    np.testing.assert_allclose(f(*small)[0], ref(*small), rtol=1e-12)
    assert glb["_run"].__name__ == "lean"


def test_whole_graph_small_products_on_one_blas_thread(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from theano.link import blas_threads

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setattr(blas_threads, "_libs", None)
        if not blas_threads.multi_threaded():
            pytest.skip("BLAS cannot run on two threads here")
        seen = []
        real = blas_threads.one_thread
        # (the thunk binds blas_threads.one_thread when it is generated)
        monkeypatch.setattr(blas_threads, "one_thread",
                            lambda fn, *args: seen.append(1) or real(fn, *args))
        a, W, b = T.dmatrix("a"), T.dmatrix("W"), T.dvector("b")
        out = (T.dot(a, W) + b) * 2.0
        f = theano.function([a, W, b], [out, out.sum()], mode=theano.Mode("numba", "fast_run"))
        assert "_one_thread(_run, [i0, i1, i2])" in f.maker.thunk.rule_source
        rs = np.random.RandomState(0)
        av, Wv, bv = rs.randn(16, 32), rs.randn(32, 32), rs.randn(32)     # 16k multiply-adds
        got = f(av, Wv, bv)
        np.testing.assert_allclose(got[0], (av @ Wv + bv) * 2.0, rtol=1e-12)
        assert seen == [1]
        assert all(get() == 2 for get, _ in blas_threads._libs)
    monkeypatch.setattr(blas_threads, "_libs", None)


def test_constant_int_indices_run_in_the_whole_graph_with_their_bounds_checked():
    m = T.dmatrix("m")
    f = theano.function([m], [m[-1] * 2.0 + 1.0, m[0, 1:] + m[1, -1]])
    ref = theano.function([m], [m[-1] * 2.0 + 1.0, m[0, 1:] + m[1, -1]],
                          mode=theano.Mode(linker="py"))
    src = f.maker.thunk.graph_source
    assert "raise IndexError" in src
    v = np.arange(12.0).reshape(4, 3)
    a, b = f(v)
    np.testing.assert_array_equal(a, v[-1] * 2.0 + 1.0)
    np.testing.assert_array_equal(b, v[0, 1:] + v[1, -1])
    for _ in range(50):
        a2, b2 = f(v)
        assert a2.tobytes() == a.tobytes() and b2.tobytes() == b.tobytes()
    # out of range: the per-node code's IndexError, as on the reference VM
    with pytest.raises(IndexError):
        ref(np.zeros((1, 3)))
    with pytest.raises(IndexError):
        f(np.zeros((1, 3)))
    np.testing.assert_array_equal(f(v)[0], a)


def test_symbolic_indices_and_slices_run_in_the_whole_graph_with_numpys_rules():
    m = T.dmatrix("m")
    i, a, b, s = T.iscalar("i"), T.lscalar("a"), T.lscalar("b"), T.bscalar("s")
    outs = [m[i] * 2.0 + 1.0, m[a:b, i] * 2.0 - m[-1, :b].sum(), m[::s, a:] * 3.0 + 1.0]

    def expected(v, iv, av, bv, sv):
        return [v[iv] * 2.0 + 1.0, v[av:bv, iv] * 2.0 - v[-1, :bv].sum(), v[::sv, av:] * 3.0 + 1.0]

    f = theano.function([m, i, a, b, s], outs)
    ref = theano.function([m, i, a, b, s], outs, mode=theano.Mode(linker="py"))
    src = f.maker.thunk.graph_source
    assert "raise IndexError" in src and "slice step cannot be zero" in src
    v = np.arange(20.0).reshape(5, 4)
    for args in [(1, 0, 3, 1), (-2, 1, 3, 2), (3, 2, 100, -1), (0, -3, 2, 3)]:
        exp = [e for e in expected(v, *args)]
        got = f(v, *args)
        for _ in range(3):
            again = f(v, *args)
            assert all(x.tobytes() == y.tobytes() for x, y in zip(got, again))
        for g, e, r in zip(got, exp, ref(v, *args)):
            np.testing.assert_array_equal(g, e)
            np.testing.assert_array_equal(r, e)
    # an index out of range and a zero step: the per-node code's errors, as on the reference VM
    for bad, err in [((7, 0, 3, 1), IndexError), ((-5, 0, 3, 1), IndexError),
                     ((0, 0, 3, 0), ValueError)]:
        with pytest.raises(err):
            ref(v, *bad)
        with pytest.raises(err):
            f(v, *bad)
    np.testing.assert_array_equal(f(v, 1, 0, 3, 1)[0], v[1] * 2.0 + 1.0)


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "int8"])
def test_float_to_integer_casts_run_whole_with_numpys_values(dtype):
    # T.cast(shared_labels, 'int32') of the tutorials: in range, the truncation in the compiled
    # graph; NaN, inf or out of range, the call runs on the per-node code (NumPy's cast)
    x = T.dvector("x")
    out = [T.cast(x * 2.0, dtype) + T.constant(np.array(1, dtype=dtype)), x.sum(),
           abs(x).sum() * 3.0]
    f = theano.function([x], out)
    assert "_fcast(" in f.maker.thunk.graph_source
    info = np.iinfo(dtype)
    good = np.array([0.0, 1.7, -0.2, 3.49, float(info.max) / 2 - 1, float(info.min) / 2])
    with np.errstate(all="ignore"):
        for v in (good, np.array([np.nan, 1.0]), np.array([np.inf, -np.inf]),
                  np.array([float(info.max) * 4 + 10.0, float(info.min) * 4 - 10.0])):
            want = (v * 2.0).astype(dtype) + np.array(1, dtype=dtype)
            for _ in range(2):
                got = f(v)
                assert got[0].dtype == np.dtype(dtype)
                np.testing.assert_array_equal(got[0], want)


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_whole_graph_dimshuffles_of_every_form(dtype):
    # new leading axes (a view by indexing), a scalar made an array, broadcastable axes dropped,
    # new inner axes and transposes (reshape / transpose): values against NumPy at every call
    x = T.matrix("x", dtype=dtype)
    v, u = T.vector("v", dtype=dtype), T.vector("u", dtype=dtype)
    s = T.scalar("s", dtype=dtype)
    r = T.TensorType(dtype, (True, True))("r")
    outs = [v.dimshuffle("x", 0) + x, v.dimshuffle("x", "x", 0) * 2, s.dimshuffle("x", "x") + x,
            r.dimshuffle() + s, u.dimshuffle(0, "x") * x, x.dimshuffle(1, 0) + 1,
            x.dimshuffle("x", 0, 1) - 1, r.dimshuffle(1, "x") * 3]
    f = theano.function([x, v, u, s, r], outs, mode=theano.Mode("numba", "fast_run"))
    assert hasattr(f.maker.thunk, "graph_source")
    glb = f.maker.thunk.__globals__
    rng = np.random.RandomState(0)
    xv = rng.randint(-5, 5, (3, 4)).astype(dtype)
    vv, uv = rng.randint(-5, 5, 4).astype(dtype), rng.randint(-5, 5, 3).astype(dtype)
    sv, rv = np.asarray(7, dtype=dtype), np.asarray([[2]], dtype=dtype)
    for xl, vl in ((xv, vv), (np.asfortranarray(xv), np.repeat(vv, 2)[::2])):
        want = [vl[None, :] + xl, vl[None, None, :] * 2, sv + xl, rv[0, 0] + sv,
                uv[:, None] * xl, xl.T + 1, xl[None] - 1, rv.T * 3]
        for _ in range(3):
            got = f(xl, vl, uv, sv, rv)
            assert glb["_run"].__name__ == "lean"
            for g, w in zip(got, want):
                assert g.dtype == dtype and g.shape == w.shape
                np.testing.assert_array_equal(g, w)
