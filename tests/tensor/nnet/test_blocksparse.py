"""Block-sparse products (sparse_block_dot, SparseBlockGemv, SparseBlockOuter) against NumPy loops."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet.blocksparse import (SparseBlockGemv, SparseBlockOuter, sparse_block_dot,
                                            sparse_block_gemv, sparse_block_gemv_inplace,
                                            sparse_block_outer)
from tests.helpers import assert_allclose, assert_same_bits, check_infer_shape, compare_backends

DTYPES = ("float64", "float32")
# (batch, iBlocks, oBlocks, iSize, oSize, iWin, oWin)
SHAPES = [(2, 8, 7, 6, 5, 4, 3), (3, 2, 3, 1, 4, 2, 3), (1, 1, 1, 1, 1, 1, 1)]


def modes():
    return {"default": None, "py": theano.Mode(linker="py", optimizer="None"),
            "py_opt": theano.Mode(linker="py"), "numba": theano.Mode(linker="numba")}


def gemv_ref(o, W, h, i_idx, o_idx):
    o = o.astype("float64").copy()
    for b in range(o.shape[0]):
        for j in range(o.shape[1]):
            for i in range(h.shape[1]):
                o[b, j] += h[b, i].astype("float64") @ W[i_idx[b, i], o_idx[b, j]].astype("float64")
    return o


def outer_ref(o, x, y, x_idx, y_idx, alpha=1.0):
    o = o.astype("float64").copy()
    for b in range(x.shape[0]):
        for i in range(x_idx.shape[1]):
            for j in range(y_idx.shape[1]):
                o[x_idx[b, i], y_idx[b, j]] += alpha * np.outer(x[b, i], y[b, j])
    return o


def gemv_data(shape, dtype, seed=0, scale=1.0):
    batch, ib, ob, isz, osz, iwin, owin = shape
    r = np.random.RandomState(seed)
    W = (scale * r.randn(ib, ob, isz, osz)).astype(dtype)
    h = (scale * r.randn(batch, iwin, isz)).astype(dtype)
    i_idx = np.array([r.permutation(ib)[:iwin] for _ in range(batch)], dtype="int32")
    o_idx = np.array([r.permutation(ob)[:owin] for _ in range(batch)], dtype="int32")
    b = r.randn(ob, osz).astype(dtype)
    return W, h, i_idx, b, o_idx


def run_three_times(f, vals, expected, dtype):
    first = f(*[np.copy(v) for v in vals])
    for _ in range(2):
        assert_same_bits(f(*[np.copy(v) for v in vals]), first)
    rtol, atol = (2e-5, 1e-4) if dtype == "float32" else (1e-10, 1e-10)
    assert first.dtype == dtype
    assert_allclose(first, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_block_dot_values(shape, dtype):
    W, h, i_idx, b, o_idx = gemv_data(shape, dtype)
    sW, sh, sb = T.tensor4(dtype=dtype), T.tensor3(dtype=dtype), T.matrix(dtype=dtype)
    si, so = T.imatrix(), T.imatrix()
    out = sparse_block_dot(sW, sh, si, sb, so)
    assert isinstance(out.owner.op, SparseBlockGemv)
    expected = gemv_ref(b[o_idx], W, h, i_idx, o_idx)
    for name, mode in modes().items():
        f = theano.function([sW, sh, si, sb, so], out, mode=mode)
        run_three_times(f, [W, h, i_idx, b, o_idx], expected, dtype)
    compare_backends([sW, sh, si, sb, so], out, [W, h, i_idx, b, o_idx], expected=expected,
                     rtol=2e-5 if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_block_gemv_values_and_transposed_weights(dtype):
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], dtype, seed=3)
    o = np.random.RandomState(4).randn(*o_idx.shape, W.shape[3]).astype(dtype)
    so, sW, sh = T.tensor3(dtype=dtype), T.tensor4(dtype=dtype), T.tensor3(dtype=dtype)
    si, sj = T.imatrix(), T.imatrix()
    # W given with its blocks transposed (a non-contiguous view inside the graph)
    out = sparse_block_gemv(so, sW.dimshuffle(0, 1, 3, 2), sh, si, sj)
    expected = gemv_ref(o, W, h, i_idx, o_idx)
    for mode in modes().values():
        f = theano.function([so, sW, sh, si, sj], out, mode=mode)
        run_three_times(f, [o, np.swapaxes(W, 2, 3).copy(), h, i_idx, o_idx], expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_block_outer_values_with_repeated_blocks(dtype):
    r = np.random.RandomState(5)
    o = r.randn(4, 3, 6, 5).astype(dtype)
    x, y = r.randn(3, 4, 6).astype(dtype), r.randn(3, 2, 5).astype(dtype)
    # block pairs repeat within and across examples: their products add up
    x_idx = np.array([[0, 0, 1, 3], [2, 1, 1, 0], [3, 3, 3, 3]], dtype="int64")
    y_idx = np.array([[1, 1], [0, 2], [2, 0]], dtype="int64")
    so, sx, sy = T.tensor4(dtype=dtype), T.tensor3(dtype=dtype), T.tensor3(dtype=dtype)
    si, sj = T.lmatrix(), T.lmatrix()
    a = T.scalar(dtype=dtype)
    for alpha, out in ((1.0, sparse_block_outer(so, sx, sy, si, sj)),
                       (-0.75, sparse_block_outer(so, sx, sy, si, sj, a))):
        expected = outer_ref(o, x, y, x_idx, y_idx, alpha)
        for mode in modes().values():
            f = theano.function([so, sx, sy, si, sj, a], out, mode=mode, on_unused_input="ignore")
            run_three_times(lambda *v: f(*v, np.asarray(alpha, dtype)), [o, x, y, x_idx, y_idx],
                            expected, dtype)


def test_sparse_block_dot_single_example_and_saturating_values():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64", seed=6, scale=1e3)
    sW, sh, sb, si, so = T.dtensor4(), T.dmatrix(), T.dmatrix(), T.ivector(), T.ivector()
    out = sparse_block_dot(sW, sh, si, sb, so)
    assert out.ndim == 3  # a batch of one, as in Theano 1.0
    f = theano.function([sW, sh, si, sb, so], out)
    expected = gemv_ref(b[o_idx[:1]], W, h[:1], i_idx[:1], o_idx[:1])
    run_three_times(f, [W, h[0], i_idx[0], b, o_idx[0]], expected, "float64")


def test_infer_shape():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[1], "float64")
    sW, sh, sb, si, so = T.dtensor4(), T.dtensor3(), T.dmatrix(), T.imatrix(), T.imatrix()
    check_infer_shape([sW, sh, si, sb, so], sparse_block_dot(sW, sh, si, sb, so),
                      [W, h, i_idx, b, o_idx])
    o4, x, y = T.dtensor4(), T.dtensor3(), T.dtensor3()
    r = np.random.RandomState(0)
    check_infer_shape([o4, x, y, si, so], sparse_block_outer(o4, x, y, si, so),
                      [r.randn(3, 4, 2, 5), r.randn(3, 2, 2), r.randn(3, 3, 5), i_idx, o_idx + 1])
    # the shape graph does not run the op
    f = theano.function([sW, sh, si, sb, so], sparse_block_dot(sW, sh, si, sb, so).shape)
    assert not any(isinstance(n.op, SparseBlockGemv) for n in f.maker.fgraph.toposort())
    assert tuple(f(W, h, i_idx, b, o_idx)) == (3, 3, 4)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["py", "default"])
def test_gradients_by_finite_differences(shape, mode):
    W, h, i_idx, b, o_idx = gemv_data(shape, "float64", seed=7)
    mode = modes()[mode]
    ci, co = T.constant(i_idx), T.constant(o_idx)
    rng = np.random.RandomState(1)
    verify_grad(lambda b_, h_, W_: sparse_block_dot(W_, h_, ci, b_, co), [b, h, W], rng=rng, mode=mode)
    o = np.random.RandomState(8).randn(*o_idx.shape, W.shape[3])
    verify_grad(lambda o_, W_, h_: sparse_block_gemv(o_, W_, h_, ci, co), [o, W, h], rng=rng, mode=mode)
    r = np.random.RandomState(9)
    x_idx = r.randint(0, W.shape[0], size=i_idx.shape)
    y_idx = r.randint(0, W.shape[1], size=o_idx.shape)
    verify_grad(lambda o_, x_, y_, a_: sparse_block_outer(o_, x_, y_, T.constant(x_idx),
                                                          T.constant(y_idx), a_),
                [W, h, o, np.asarray(1.3)], rng=rng, mode=mode)


def test_float32_gradient():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float32", seed=2)
    ci, co = T.constant(i_idx), T.constant(o_idx)
    verify_grad(lambda b_, h_, W_: sparse_block_dot(W_, h_, ci, b_, co), [b, h, W],
                rng=np.random.RandomState(3), eps=3e-3)


def test_gradient_shapes_and_values():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64", seed=10)
    sW, sh, sb, si, so = T.dtensor4(), T.dtensor3(), T.dmatrix(), T.imatrix(), T.imatrix()
    out = sparse_block_dot(sW, sh, si, sb, so)
    grads = theano.grad(out.sum(), [sb, sW, sh])
    # reference: d sum / d b[k] counts how often block k is an output block; the others by loops
    gb = np.zeros_like(b)
    np.add.at(gb, o_idx.reshape(-1), 1.0)
    gW = outer_ref(np.zeros_like(W), h, np.ones(o_idx.shape + (W.shape[3],)), i_idx, o_idx)
    gh = np.zeros_like(h)
    for n in range(h.shape[0]):
        for i in range(h.shape[1]):
            for j in range(o_idx.shape[1]):
                gh[n, i] += W[i_idx[n, i], o_idx[n, j]].sum(axis=1)
    for mode in modes().values():
        f = theano.function([sW, sh, si, sb, so], grads, mode=mode)
        first = f(W, h, i_idx, b, o_idx)
        for _ in range(2):
            for a, c in zip(f(W, h, i_idx, b, o_idx), first):
                assert_same_bits(a, c)
        for a, e in zip(first, (gb, gW, gh)):
            assert a.shape == e.shape
            assert_allclose(a, e)
    with pytest.raises(theano.gradient.DisconnectedInputError):
        theano.grad(out.sum(), si)


def test_inplace_variant():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64", seed=11)
    assert sparse_block_gemv_inplace.destroy_map == {0: [0]} and sparse_block_gemv.destroy_map == {}
    assert SparseBlockOuter(True).destroy_map == {0: [0]}
    sW, sh, sb, si, so = T.dtensor4(), T.dtensor3(), T.dmatrix(), T.imatrix(), T.imatrix()
    out = sparse_block_gemv_inplace(sb.take(so, axis=0), sW, sh, si, so)
    f = theano.function([sW, sh, si, sb, so], out, mode=theano.Mode(linker="py", optimizer="None"))
    b_copy = b.copy()
    run_three_times(f, [W, h, i_idx, b, o_idx], gemv_ref(b[o_idx], W, h, i_idx, o_idx), "float64")
    np.testing.assert_array_equal(b, b_copy)


def test_bad_inputs():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64")
    sW, sh, sb, si, so = T.dtensor4(), T.dtensor3(), T.dmatrix(), T.imatrix(), T.imatrix()
    with pytest.raises(TypeError, match="integers"):
        sparse_block_dot(sW, sh, T.dmatrix(), sb, so)
    with pytest.raises(TypeError, match="4 dimensions"):
        sparse_block_gemv(T.dtensor3(), T.dtensor3(), sh, si, so)
    with pytest.raises(TypeError, match="float"):
        sparse_block_outer(T.ltensor4(), T.ltensor3(), T.ltensor3(), si, so)
    with pytest.raises(ValueError, match="one dimension less"):
        sparse_block_dot(sW, sh, T.ivector(), sb, so)
    f = theano.function([sW, sh, si, sb, so], sparse_block_dot(sW, sh, si, sb, so),
                        mode=theano.Mode(linker="py", optimizer="None"))
    with pytest.raises(ValueError, match="block"):
        f(W[:, :, :5], h, i_idx, b, o_idx)
    with pytest.raises(ValueError, match="inputIdx"):
        f(W, h, i_idx[:, :2], b, o_idx)
    with pytest.raises(IndexError):
        f(W, h, i_idx + 100, b, o_idx)


def test_upcast_of_mixed_dtypes():
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64")
    sW, sh, sb, si, so = T.ftensor4(), T.dtensor3(), T.fmatrix(), T.imatrix(), T.imatrix()
    out = sparse_block_dot(sW, sh, si, sb, so)
    assert out.dtype == "float64"
    f = theano.function([sW, sh, si, sb, so], out)
    W32, b32 = W.astype("float32"), b.astype("float32")
    run_three_times(f, [W32, h, i_idx, b32, o_idx], gemv_ref(b32[o_idx], W32, h, i_idx, o_idx),
                    "float64")


def test_exported():
    assert T.nnet.blocksparse.sparse_block_dot is sparse_block_dot
    assert isinstance(sparse_block_outer, SparseBlockOuter)


@pytest.mark.parametrize("linker", ["py", "auto", "numba"])
def test_fast_run_makes_gemv_and_outer_inplace_on_intermediates(linker):
    """FAST_RUN's in-place phase turns SparseBlockGemv/Outer in-place where their first input is an
    intermediate nobody else reads (Theano 1.0's local_inplace_sparse_block_*); the values, the
    caller's arrays and repeated calls are unaffected. A graph input is never overwritten."""
    W, h, i_idx, b, o_idx = gemv_data(SHAPES[0], "float64", seed=5)
    sW, sh, sb, si, so = T.dtensor4(), T.dtensor3(), T.dmatrix(), T.imatrix(), T.imatrix()
    out = sparse_block_dot(sW, sh, si, sb, so)
    cost = (out ** 2).sum()
    gW = T.grad(cost, sW)
    mode = theano.Mode(linker=linker, optimizer="fast_run")
    f = theano.function([sW, sh, si, sb, so], [out, gW], mode=mode)
    ops = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, (SparseBlockGemv,
                                                                          SparseBlockOuter))]
    assert any(isinstance(o, SparseBlockGemv) and o.inplace for o in ops), ops
    assert any(isinstance(o, SparseBlockOuter) and o.inplace for o in ops), ops
    ref = theano.function([sW, sh, si, sb, so], [out, gW],
                          mode=theano.Mode(linker="py", optimizer="None"))
    vals = [W, h, i_idx, b, o_idx]
    copies = [np.copy(v) for v in vals]
    want = ref(*vals)
    for _ in range(3):
        got = f(*vals)
        for g, w in zip(got, want):
            assert_allclose(g, w, rtol=1e-10, atol=1e-10)
    for v, c in zip(vals, copies):
        np.testing.assert_array_equal(v, c)
    # the first input given directly as a function input: not overwritten, no in-place op
    so_ = T.dtensor3()
    g2 = theano.function([so_, sW, sh, si, so], sparse_block_gemv(so_, sW, sh, si, so), mode=mode)
    assert not any(getattr(n.op, "inplace", False) for n in g2.maker.fgraph.toposort())
    o0 = b[o_idx]
    o0_copy = o0.copy()
    for _ in range(3):
        assert_allclose(g2(o0, W, h, i_idx, o_idx), gemv_ref(o0_copy, W, h, i_idx, o_idx))
    np.testing.assert_array_equal(o0, o0_copy)
