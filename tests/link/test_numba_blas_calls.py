"""The whole-graph tier's matrix products (theano.link.numba.blas_calls): SciPy's BLAS routines
called directly from Numba code. Values against NumPy, bits against the per-node ops (which call
the same routines through scipy.linalg.blas), every operand layout, empty dimensions, shape errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba import blas_calls as bl  # noqa: E402


def _layouts(a):
    """C-ordered, Fortran-ordered and strided views of the same values."""
    out = [np.ascontiguousarray(a), np.asfortranarray(a)]
    if a.ndim == 1:
        big = np.zeros(a.shape[0] * 2, dtype=a.dtype)
        big[::2] = a
        out.append(big[::2])
    else:
        big = np.zeros((a.shape[0], a.shape[1] * 2), dtype=a.dtype)
        big[:, ::2] = a
        out.append(big[:, ::2])
    return out


SHAPES = [(3, 4, 5), (1, 6, 1), (7, 1, 2), (0, 3, 2), (3, 0, 2), (4, 3, 0)]


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-13)])
@pytest.mark.parametrize("m,k,n", SHAPES)
def test_products_match_numpy_for_every_layout(dtype, tol, m, k, n):
    rs = np.random.RandomState(m * 100 + k * 10 + n)
    x = rs.uniform(-2, 2, (m, k)).astype(dtype)
    y = rs.uniform(-2, 2, (k, n)).astype(dtype)
    u = rs.uniform(-2, 2, k).astype(dtype)
    w = rs.uniform(-2, 2, m).astype(dtype)
    for xl in _layouts(x):
        for yl in _layouts(y):
            got = bl.mm(xl, yl)
            assert got.dtype == dtype and got.shape == (m, n) and got.flags.c_contiguous
            np.testing.assert_allclose(got, x @ y, rtol=tol, atol=tol)
        for ul in _layouts(u):
            got = bl.mv(xl, ul)
            assert got.dtype == dtype and got.shape == (m,)
            np.testing.assert_allclose(got, x @ u, rtol=tol, atol=tol)
            got = bl.vv(ul, ul)
            assert got.dtype == dtype and got.shape == ()
            np.testing.assert_allclose(got, u @ u, rtol=tol, atol=tol)
        for wl in _layouts(w):
            got = bl.vm(wl, xl)
            assert got.dtype == dtype and got.shape == (k,)
            np.testing.assert_allclose(got, w @ x, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gemm_and_gemv_give_the_bits_of_the_per_node_ops_and_leave_z_alone(dtype):
    from theano.tensor.blas import gemm, gemv

    z, x, y = (T.matrix(n, dtype=dtype) for n in "zxy")
    zv, v = T.vector("zv", dtype=dtype), T.vector("v", dtype=dtype)
    a, b = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    py = theano.Mode(linker="py", optimizer="None")
    f_gemm = theano.function([z, a, x, y, b], gemm(z, a, x, y, b), mode=py)
    f_gemv = theano.function([zv, a, x, v, b], gemv(zv, a, x, v, b), mode=py)
    rs = np.random.RandomState(0)
    av, bv = np.asarray(0.3, dtype), np.asarray(-1.7, dtype)
    for m, k, n in [(6, 5, 4), (1, 5, 4), (6, 1, 4), (6, 5, 1), (37, 23, 11)]:
        xv, yv = rs.randn(m, k).astype(dtype), rs.randn(k, n).astype(dtype)
        zm, zz, vv = rs.randn(m, n).astype(dtype), rs.randn(m).astype(dtype), rs.randn(k).astype(dtype)
        np.testing.assert_allclose(bl.gemm(zm, av[()], xv, yv, bv[()]), bv * zm + av * (xv @ yv),
                                   rtol=1e-5, atol=1e-5)
        for xl in _layouts(xv):
            for yl in _layouts(yv):
                z0 = zm.copy()
                got = bl.gemm(zm, av[()], xl, yl, bv[()])
                np.testing.assert_array_equal(got, f_gemm(zm, av, xl, yl, bv))
                np.testing.assert_array_equal(zm, z0)
            for vl in _layouts(vv):
                got = bl.gemv(zz, av[()], xl, vl, bv[()])
                np.testing.assert_array_equal(got, f_gemv(zz, av, xl, vl, bv))
    # an empty inner dimension: b * z (BLAS's rule; the per-node ops do the same)
    zm = rs.randn(3, 2).astype(dtype)
    got = bl.gemm(zm, av[()], np.zeros((3, 0), dtype), np.zeros((0, 2), dtype), bv[()])
    np.testing.assert_array_equal(got, zm * bv)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_empty_inner_dimension_with_beta_zero_does_not_read_z(dtype):
    """BLAS's rule, which the non-empty products follow: beta == 0 means z is not read, so a NaN
    in z gives a zero, not NaN * 0. mm/mv/vm rely on it (they start from an uninitialized
    buffer; with NumPy 1.26 / SciPy 1.10 that buffer held NaNs and a (3, 0) @ (0, 2) product came
    out with a NaN). The whole-graph helpers and the per-node Gemm/Gemv agree."""
    from theano.tensor.blas import gemm, gemv

    nan_z, nan_zv = np.full((3, 2), np.nan, dtype), np.full(3, np.nan, dtype)
    x, y, A0, v = (np.zeros(s, dtype) for s in [(3, 0), (0, 2), (3, 0), (0,)])
    a, zero, half = np.asarray(1.5, dtype), np.asarray(0, dtype), np.asarray(0.5, dtype)
    np.testing.assert_array_equal(bl.gemm(nan_z, a[()], x, y, zero[()]), np.zeros((3, 2), dtype))
    np.testing.assert_array_equal(bl.gemv(nan_zv, a[()], A0, v, zero[()]), np.zeros(3, dtype))
    # beta != 0 still scales z (NaN stays NaN there, as in BLAS)
    z2 = np.arange(6, dtype=dtype).reshape(3, 2)
    np.testing.assert_array_equal(bl.gemm(z2, a[()], x, y, half[()]), z2 * half)
    # the same rule on the per-node ops
    z, xs, ys = (T.matrix(n, dtype=dtype) for n in "zxy")
    zv, vs = T.vector("zv", dtype=dtype), T.vector("v", dtype=dtype)
    sa, sb = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    py = theano.Mode(linker="py", optimizer="None")
    f_gemm = theano.function([z, sa, xs, ys, sb], gemm(z, sa, xs, ys, sb), mode=py)
    f_gemv = theano.function([zv, sa, xs, vs, sb], gemv(zv, sa, xs, vs, sb), mode=py)
    np.testing.assert_array_equal(f_gemm(nan_z, a, x, y, zero), np.zeros((3, 2), dtype))
    np.testing.assert_array_equal(f_gemv(nan_zv, a, A0, v, zero), np.zeros(3, dtype))
    np.testing.assert_array_equal(f_gemm(z2, a, x, y, half), z2 * half)


def test_shape_mismatches_raise():
    a, v = np.ones((3, 4)), np.ones(3)
    for call in (lambda: bl.mm(a, a), lambda: bl.mv(a, v), lambda: bl.vm(np.ones(4), a),
                 lambda: bl.vv(v, np.ones(4)), lambda: bl.gemm(np.ones((3, 3)), 1.0, a, a.T[:3], 1.0),
                 lambda: bl.gemv(np.ones(4), 1.0, a, np.ones(4), 1.0)):
        with pytest.raises(ValueError, match="shapes do not match"):
            call()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_whole_graph_products_give_the_per_node_bits_at_every_call(dtype, monkeypatch):
    x, w = T.matrix("x", dtype=dtype), T.vector("w", dtype=dtype)
    m = T.matrix("m", dtype=dtype)
    h = T.dot(x, w) * 2 + 1       # exact operations: the elementwise code of both tiers agrees
    out = [h, T.dot(h, x), T.dot(x.T, m), T.dot(w, w), (T.dot(x, m.T) * 2).sum()]
    f = theano.function([x, w, m], out)
    assert "_bl.mv(" in f.maker.thunk.graph_source
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)
    g = theano.function([x, w, m], out)
    assert getattr(g.maker.thunk, "graph_source", None) is None
    rs = np.random.RandomState(1)
    xv, wv, mv = (rs.uniform(-1, 1, s).astype(dtype) for s in ((5, 4), (4,), (5, 4)))
    want = g(xv, wv, mv)
    np.testing.assert_allclose(want[1], (xv @ wv * 2 + 1) @ xv, rtol=1e-5)
    for _ in range(3):
        for got, ref in zip(f(xv, wv, mv), want):
            np.testing.assert_array_equal(got, ref)
    with pytest.raises(ValueError, match="Apply node that caused the error"):
        f(xv, np.ones(3, dtype), mv)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int32"])
def test_whole_graph_full_sums_and_products_are_sequential_loops(dtype):
    # the graph tier writes full Sum/Prod reductions as loops in C order (compiled in
    # milliseconds; np.sum costs ~0.2 s): the sequential sum in the accumulator dtype
    x = T.matrix("x", dtype=dtype)
    f = theano.function([x], [x.sum(), T.prod(x), (x * 2).sum(), x.T.sum()])
    glb = f.maker.thunk.__globals__
    assert "for _q0_1 in range(" in f.maker.thunk.graph_source
    rs = np.random.RandomState(0)
    v = rs.uniform(-3, 3, (37, 23)).astype(dtype)
    acc = "float64" if dtype.startswith("float") else "int64"
    for xv in (v, np.asfortranarray(v), v[:, ::2], v[:3, :4], np.zeros((0, 3), dtype)):
        got = f(xv)
        assert glb["_run"].__name__ == "lean"           # the whole-graph function ran
        flat = [np.dtype(acc).type(e) for e in xv.ravel()]
        seq = [np.dtype(acc).type(0), np.dtype(acc).type(1), np.dtype(acc).type(0),
               np.dtype(acc).type(0)]
        for e, e2, et in zip(flat, (xv * 2).ravel(), xv.T.ravel()):
            seq[0] += e
            seq[1] *= e
            seq[2] += np.dtype(acc).type(e2)
            seq[3] += np.dtype(acc).type(et)
        for g, want in zip(got, seq):
            assert g.dtype == (dtype if dtype.startswith("float") else "int64")
            with np.errstate(over="ignore"):   # a float32 product beyond its range: inf both ways
                np.testing.assert_array_equal(g, np.asarray(want).astype(g.dtype))
        for _ in range(2):
            for g, g2 in zip(got, f(xv)):
                np.testing.assert_array_equal(g, g2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "uint8"])
def test_whole_graph_partial_reductions_are_loops_over_any_axes(dtype):
    x = T.tensor3("x", dtype=dtype)
    outs = [x.sum(axis=0), x.sum(axis=1), x.sum(axis=2), x.sum(axis=(0, 2)), T.prod(x, axis=1),
            (x * 2).sum(axis=-1)]
    f = theano.function([x], outs)
    assert "np.sum(" not in f.maker.thunk.graph_source
    glb = f.maker.thunk.__globals__
    rs = np.random.RandomState(0)
    v = rs.uniform(0, 3, (3, 4, 5)).astype(dtype)
    for xv in (v, np.asfortranarray(v), v[:, ::2], np.zeros((0, 3, 2), dtype),
               np.zeros((2, 0, 3), dtype)):
        got = f(xv)
        assert glb["_run"].__name__ == "lean"
        refs = [xv.sum(axis=0), xv.sum(axis=1), xv.sum(axis=2), xv.sum(axis=(0, 2)),
                np.prod(xv, axis=1), (xv * 2).sum(axis=-1)]
        for g, r, o in zip(got, refs, outs):
            assert g.dtype == o.dtype and g.shape == r.shape
            np.testing.assert_allclose(g, r.astype(g.dtype), rtol=1e-5)
        for _ in range(2):
            for g, g2 in zip(got, f(xv)):
                np.testing.assert_array_equal(g, g2)
    # the sequential order: a float64 column sum equals the running sum down the column
    col = rs.uniform(-1, 1, (3, 700, 1)).astype("float64")[:1]
    s = 0.0
    for e in col[0, :, 0]:
        s += e
    if dtype == "float64":
        np.testing.assert_array_equal(f(col)[1], [[s]])
