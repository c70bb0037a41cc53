"""Native backend: big transcendental-heavy Elemwise nodes run as hybrid chunks (Numba loops for
the cheap steps, NumPy ufuncs for exp/log/...) with the values of the reference."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)
    monkeypatch.setattr(nbe, "CHUNK", 64)


def _runner_of(f):
    node = f.maker.fgraph.toposort()[-1]
    return nbe.ElemwiseRunner(node), node


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_hybrid_chain_matches_reference(small_chunks, dtype):
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    out = T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2)
    f = theano.function([x, y], out, mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x, y], out, mode=theano.Mode("py", "None"))
    r, node = _runner_of(f)
    if dtype == "float32":   # big inputs run the NumPy program (hybrid); float64: vmath's kernel
        assert "else numpy-fused" in r.path_label()
    else:
        assert r.path_label() == "kernel"
    assert r.hybrid_function() is not None
    rs = np.random.RandomState(0)
    for n in (1000, 37, 64, 1):
        xv, yv = rs.randn(n).astype(dtype), rs.randn(n).astype(dtype)
        xv[:1] = np.nan
        vals = dict(zip(f.maker.fgraph.inputs, [xv, yv]))
        args = [vals[v] if v in vals else v.data for v in f.maker.fgraph.toposort()[-1].inputs]
        a = r.run_hybrid(*args)
        np.testing.assert_array_equal(a, r.run_chunked(*args))   # the same steps
        np.testing.assert_array_equal(a, r.run_numpy(*args))     # the same bits at every size
        b = ref(xv, yv)       # (the unoptimized graph: other roundings in float32)
        assert a.dtype == b.dtype and a.shape == b.shape
        tol = dict(rtol=1e-5, atol=1e-7) if dtype == "float32" else dict(rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(a, b, equal_nan=True, **tol)
        np.testing.assert_allclose(f(xv, yv), b, equal_nan=True, **tol)
    with pytest.raises(ValueError):
        f(np.ones(5, dtype), np.ones(4, dtype))


def test_hybrid_matrices_any_layout_and_broadcast_scalar(small_chunks):
    x, s = T.dmatrix("x"), T.dscalar("s")
    out = T.tanh(x * s + 1) * T.exp(x) - x
    f = theano.function([x, s], out, mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x, s], out, mode=theano.Mode("py", "None"))
    r, node = _runner_of(f)
    assert r.hybrid_function() is not None
    rs = np.random.RandomState(1)
    xv = rs.randn(50, 30)
    for v in (xv, np.asfortranarray(xv), xv[::2, ::3], xv.T):
        np.testing.assert_allclose(f(v, 0.7), ref(v, 0.7), rtol=1e-14)
        vals = dict(zip(f.maker.fgraph.inputs, [v, np.asarray(0.7)]))
        args = [vals[i] if i in vals else getattr(i, "data", None) for i in node.inputs]
        args = [np.asarray(0.7).reshape((1,) * i.ndim) if a is None else a   # s, broadcast
                for a, i in zip(args, node.inputs)]
        np.testing.assert_array_equal(r.run_hybrid(*args), r.run_numpy(*args))


def test_hybrid_multiple_outputs(small_chunks):
    x = T.dvector("x")
    y = T.exp(x * 2) + 1
    z = T.log(y) * x
    f = theano.function([x], [y, z], mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x], [y, z], mode=theano.Mode("py", "None"))
    v = np.linspace(-3, 3, 500)
    for a, b in zip(f(v), ref(v)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    r, node = _runner_of(f)
    if r.hybrid_function() is not None:
        for a, b in zip(r.run_hybrid(v), r.run_chunked(v)):
            np.testing.assert_array_equal(a, b)


def test_no_hybrid_for_partly_broadcast_inputs_or_cheap_programs():
    m, row = T.dmatrix("m"), T.drow("r")
    f = theano.function([m, row], T.exp(m * row) + 1, mode=theano.Mode("numba", "fast_run"))
    r, _ = _runner_of(f)
    assert r.hybrid_function() is None
    x = T.dvector("x")
    f = theano.function([x], (x * 2 + 1) * x, mode=theano.Mode("numba", "fast_run"))
    r, _ = _runner_of(f)
    assert r.hybrid_function() is None
