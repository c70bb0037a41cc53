"""Native backend: BLAS ops (Gemm, Gemv, Ger) per node and in the whole-graph tier."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.blas import gemm, gemm_inplace, gemv, gemv_inplace, ger, ger_inplace

pytest.importorskip("numba")

from theano.link.numba import graph as whole  # noqa: E402

NB = lambda: theano.Mode(linker="numba", optimizer="None")  # noqa: E731
PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731


def _layouts(a):
    """The same values C-ordered, Fortran-ordered and as a strided view."""
    big = np.zeros((a.shape[0] * 2,) + a.shape[1:], dtype=a.dtype)
    big[::2] = a
    return [np.ascontiguousarray(a), np.asfortranarray(a), big[::2]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("inplace", [False, True])
def test_gemm_per_node_matches_reference_for_every_layout(dtype, inplace):
    op = gemm_inplace if inplace else gemm
    z, x, y = T.matrix("z", dtype=dtype), T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    a, b = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    zz = z * np.asarray(1, dtype=dtype) if inplace else z   # in place only on an intermediate
    out = op(zz, a, x, y, b)
    f_nb = theano.function([z, a, x, y, b], out, mode=NB())
    f_py = theano.function([z, a, x, y, b], out, mode=PY())
    rs = np.random.RandomState(0)
    zv, xv, yv = (rs.randn(*s).astype(dtype) for s in ((3, 4), (3, 5), (5, 4)))
    for zl in _layouts(zv):
        for xl in _layouts(xv):
            for yl in _layouts(yv):
                z0 = zl.copy()
                got = f_nb(zl, 0.5, xl, yl, -2.0)
                ref = f_py(zl, 0.5, xl, yl, -2.0)
                assert got.dtype == np.dtype(dtype) and got.shape == (3, 4)
                np.testing.assert_allclose(got, ref, rtol=1e-5 if dtype == "float32" else 1e-12)
                np.testing.assert_array_equal(zl, z0)        # the input is never overwritten
    with pytest.raises(ValueError, match="Gemm: shape mismatch"):
        f_nb(zv, 1.0, xv, yv.T, 1.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("inplace", [False, True])
def test_gemv_per_node_matches_reference_for_every_layout(dtype, inplace):
    op = gemv_inplace if inplace else gemv
    z, A, x = T.vector("z", dtype=dtype), T.matrix("A", dtype=dtype), T.vector("x", dtype=dtype)
    a, b = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    zz = z * np.asarray(1, dtype=dtype) if inplace else z
    out = op(zz, a, A, x, b)
    f_nb = theano.function([z, a, A, x, b], out, mode=NB())
    f_py = theano.function([z, a, A, x, b], out, mode=PY())
    rs = np.random.RandomState(1)
    zv, Av, xv = rs.randn(3).astype(dtype), rs.randn(3, 5).astype(dtype), rs.randn(5).astype(dtype)
    for Al in _layouts(Av):
        for xl in (xv, np.repeat(xv, 2)[::2]):
            z0 = zv.copy()
            got = f_nb(zv, 1.5, Al, xl, 0.25)
            ref = f_py(zv, 1.5, Al, xl, 0.25)
            assert got.dtype == np.dtype(dtype) and got.shape == (3,)
            np.testing.assert_allclose(got, ref, rtol=1e-5 if dtype == "float32" else 1e-12)
            np.testing.assert_array_equal(zv, z0)
    with pytest.raises(ValueError, match="Gemv: shape mismatch"):
        f_nb(zv, 1.0, Av.T, xv, 1.0)
    # empty operands go through the op's own code
    e = f_nb(zv, 1.0, np.zeros((3, 0), dtype), np.zeros(0, dtype), 2.0)
    np.testing.assert_allclose(e, 2 * zv)


@pytest.mark.parametrize("inplace", [False, True])
def test_ger_per_node_matches_reference(inplace):
    op = ger_inplace if inplace else ger
    A, x, y, a = T.dmatrix("A"), T.dvector("x"), T.dvector("y"), T.dscalar("a")
    AA = A * 1.0 if inplace else A
    out = op(AA, a, x, y)
    f_nb = theano.function([A, a, x, y], out, mode=NB())
    f_py = theano.function([A, a, x, y], out, mode=PY())
    rs = np.random.RandomState(2)
    Av, xv, yv = rs.randn(3, 4), rs.randn(3), rs.randn(4)
    for Al in _layouts(Av):
        A0 = Al.copy()
        np.testing.assert_allclose(f_nb(Al, 0.3, xv, yv), f_py(Al, 0.3, xv, yv), rtol=1e-12)
        np.testing.assert_array_equal(Al, A0)
    with pytest.raises(ValueError, match="Ger: shape mismatch"):
        f_nb(Av, 1.0, yv, xv)


def test_whole_graph_with_gemv_transpose_and_small_constants():
    rs = np.random.RandomState(3)
    x, y = T.dmatrix("x"), T.dvector("y")
    w = theano.shared(rs.randn(3), name="w")
    b = theano.shared(0.0, name="b")
    p = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p) - (1 - y) * T.log(1 - p)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    f = theano.function([x, y], [p > 0.5, xent], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                        mode=theano.Mode("numba", "fast_run"))
    src = f.maker.thunk.graph_source
    assert "_bl.gemv(" in src and ".T" in src    # BLAS called directly (blas_calls)
    assert "_k0 = np.array(" in src          # small constants are frozen into the code
    ref = theano.function([x, y], [p > 0.5, xent, w - 0.1 * gw, b - 0.1 * gb],
                          mode=theano.Mode("py", "None"))
    X, Y = rs.randn(10, 3), rs.randint(0, 2, 10).astype("float64")
    Xs = [X, np.asfortranarray(X), np.repeat(X, 2, axis=0)[::2]]
    for k in range(14):
        xv = Xs[k % 3]
        pred, err, w_new, b_new = ref(xv, Y)
        got = f(xv, Y)
        np.testing.assert_array_equal(got[0], pred)
        np.testing.assert_allclose(got[1], err, rtol=1e-12)
        np.testing.assert_allclose(w.get_value(), w_new, rtol=1e-12)
        np.testing.assert_allclose(b.get_value(), b_new, rtol=1e-12)
    w0 = w.get_value()
    with pytest.raises(ValueError) as info:                 # errors still name the node
        f(rs.randn(10, 4), Y)
    assert "Apply node that caused the error" in str(info.value)
    np.testing.assert_array_equal(w.get_value(), w0)          # a failing call updates nothing


def test_whole_graph_gemm_and_non_finite_constant():
    x, y, z = T.dmatrix("x"), T.dmatrix("y"), T.dmatrix("z")
    out = gemm(z, np.asarray(0.5), x, y.T, np.asarray(-1.0)) * np.asarray([[np.nan]])
    fg = theano.function([x, y, z], out, mode=NB()).maker.fgraph
    src, consts = whole.graph_source(fg, fg.toposort())
    assert "_bl.gemm(" in src
    assert len(consts) == 1 and np.isnan(consts[0]).all()    # nan is not written as a literal
