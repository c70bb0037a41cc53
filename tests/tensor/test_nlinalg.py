"""theano.tensor.nlinalg against numpy.linalg: values, infer_shape, gradients, errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, sym_like
from theano.gradient import NullTypeGradError, verify_grad
from theano.tensor import nlinalg as nl

F = ("float64", "float32")
PY = theano.Mode(linker="py", optimizer="None")


def well_conditioned(n, seed=0, m=None):
    """A random n x m matrix whose square part is safely invertible."""
    m = n if m is None else m
    a = rand(n, m, seed=seed)
    k = min(n, m)
    a[:k, :k] += 2 * np.eye(k)
    return a


def spd(n, seed=0):
    a = rand(n, n, seed=seed)
    return a.dot(a.T) + n * np.eye(n)


# --- inverse / pinv / det ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 3, 4])
def test_matrix_inverse(n):
    check_case(OpCase("inv", nl.matrix_inverse, np.linalg.inv, [well_conditioned(n, seed=n)], dtypes=F))


def test_matrix_inverse_empty_int_and_rop():
    a = np.zeros((0, 0))
    x = sym_like(a)
    compare_backends([x], nl.matrix_inverse(x), [a], expected=np.linalg.inv(a))
    ai = np.array([[2, 1], [1, 1]], dtype="int32")
    xi = sym_like(ai)
    out = nl.matrix_inverse(xi)
    assert out.dtype == "float64"
    compare_backends([xi], out, [ai], expected=np.linalg.inv(ai))
    x, e = T.dmatrix("x"), T.dmatrix("e")
    xv, ev = well_conditioned(3, 1), rand(3, 3, seed=2)
    f = theano.function([x, e], T.Rop(nl.matrix_inverse(x), x, e))
    inv = np.linalg.inv(xv)
    np.testing.assert_allclose(f(xv, ev), -inv.dot(ev).dot(inv), rtol=1e-9)
    g = theano.function([x, e], nl.MatrixInverse().R_op([x], [e])[0])
    np.testing.assert_allclose(g(xv, ev), -inv.dot(ev).dot(inv), rtol=1e-9)


@pytest.mark.parametrize("op", [nl.matrix_inverse, nl.det, lambda x: nl.eigh(x)[0], lambda x: nl.eig(x)[0]])
def test_square_and_ndim_errors(op):
    with pytest.raises(TypeError, match="2-d"):
        op(T.dvector("v"))
    with pytest.raises(TypeError, match="2-d"):
        op(T.dtensor3("t"))
    x = T.dmatrix("x")
    f = theano.function([x], op(x), mode=PY)
    with pytest.raises(ValueError, match=r"square matrix.*\(2, 3\)"):
        f(rand(2, 3))


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
def test_pinv(shape):
    a = well_conditioned(shape[0], 5, shape[1])
    check_case(OpCase("pinv", nl.pinv, np.linalg.pinv, [a], dtypes=F))


@pytest.mark.parametrize("n", [1, 2, 4])
def test_det(n):
    check_case(OpCase("det", nl.det, lambda a: np.asarray(np.linalg.det(a)), [well_conditioned(n, seed=n)],
                      dtypes=F))


def test_det_int_and_dtype():
    a = np.array([[3, 1], [2, 5]], dtype="int64")
    x = sym_like(a)
    out = nl.det(x)
    assert out.dtype == "float64" and out.ndim == 0
    compare_backends([x], out, [a], expected=np.linalg.det(a))


# --- eig / eigh ---------------------------------------------------------------------------------------

def test_eig_values():
    a = rand(4, 4, seed=3)
    a = a + a.T  # real eigenvalues
    x = sym_like(a)
    w, v = nl.eig(x)
    fw, fv = theano.function([x], [w, v], mode=PY)(a)
    np.testing.assert_allclose(a.dot(fv), fv * fw[None, :], atol=1e-10)
    np.testing.assert_allclose(np.sort(fw), np.sort(np.linalg.eigvals(a)), atol=1e-10)
    check_infer_shape([x], [w, v], [a])
    compare_backends([x], [w, v], [a])
    with pytest.raises(NullTypeGradError):
        T.grad(w.sum(), x)


def test_eig_complex_eigenvalues():
    x = T.dmatrix("x")
    f = theano.function([x], nl.eig(x)[0], mode=PY)
    with pytest.raises(ValueError, match="complex eigenvalues"):
        f(np.array([[0.0, -1.0], [1.0, 0.0]]))
    z = T.zmatrix("z")
    fz = theano.function([z], nl.eig(z)[0], mode=PY)
    w = fz(np.array([[0, -1], [1, 0]], dtype=complex))
    assert w.dtype == "complex128"
    np.testing.assert_allclose(np.sort(w.imag), [-1, 1])
    np.testing.assert_allclose(w.real, 0, atol=1e-12)


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh(UPLO):
    a = spd(4, seed=4)

    x = sym_like(a)
    w, v = nl.eigh(x, UPLO)
    fw, fv = compare_backends([x], [w, v], [a])
    a32 = a.astype("float32")
    x32 = sym_like(a32)
    w32, v32 = nl.eigh(x32, UPLO)
    assert w32.dtype == v32.dtype == "float32"
    rw32, _ = compare_backends([x32], [w32, v32], [a32])
    np.testing.assert_allclose(rw32, np.linalg.eigvalsh(a), rtol=1e-5)
    np.testing.assert_allclose(fw, np.linalg.eigvalsh(a), rtol=1e-10)
    np.testing.assert_allclose(a.dot(fv), fv * fw[None, :], atol=1e-9)
    check_infer_shape([x], [w, v], [a])
    # only one triangle is read
    garbage = a.copy()
    if UPLO == "L":
        garbage[np.triu_indices(4, 1)] = 100.0
    else:
        garbage[np.tril_indices(4, -1)] = 100.0
    np.testing.assert_allclose(theano.function([x], w, mode=PY)(garbage), fw, rtol=1e-10)


@pytest.mark.parametrize("UPLO", ["L", "U"])
@pytest.mark.parametrize("dtype", F)
def test_eigh_grad(UPLO, dtype):
    a = spd(3, seed=6).astype(dtype)
    # a symmetric input: w and v, each projected; the raw input: the read triangle only
    verify_grad(lambda m: nl.eigh(m + m.T, UPLO)[0], [a], rng=np.random.RandomState(1))
    verify_grad(lambda m: nl.eigh(m + m.T, UPLO)[1], [a], rng=np.random.RandomState(2))
    verify_grad(lambda m: nl.eigh(m, UPLO)[0], [a], rng=np.random.RandomState(3))
    verify_grad(lambda m: nl.eigh(m, UPLO)[1], [a], rng=np.random.RandomState(4))


def test_eigh_bad_uplo():
    with pytest.raises(ValueError, match="UPLO"):
        nl.eigh(T.dmatrix(), "X")


# --- svd / qr -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
@pytest.mark.parametrize("full", [True, False])
def test_svd(shape, full):
    a = rand(*shape, seed=7)
    x = sym_like(a)
    u, s, vh = nl.svd(x, full_matrices=full)
    ru, rs, rvh = compare_backends([x], [u, s, vh], [a])
    k = min(shape)
    np.testing.assert_allclose(rs, np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    np.testing.assert_allclose((ru[:, :k] * rs).dot(rvh[:k]), a, atol=1e-10)
    assert ru.shape == (shape[0], shape[0] if full else k) and rvh.shape == (shape[1] if full else k, shape[1])
    check_infer_shape([x], [u, s, vh], [a])


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
@pytest.mark.parametrize("dtype", F)
@pytest.mark.parametrize("which", [0, 1, 2])
def test_svd_grad(shape, dtype, which):
    a = rand(*shape, seed=22).astype(dtype)
    verify_grad(lambda m: nl.svd(m, full_matrices=False)[which], [a], rng=np.random.RandomState(which))


def test_svd_full_matrices_grad():
    # square: full and thin coincide; only s used: the zero gradients of U and V are fine
    verify_grad(lambda m: nl.svd(m)[0], [rand(3, 3, seed=23)])
    x = T.dmatrix("x")
    g = theano.function([x], T.grad(nl.svd(x)[1].sum(), x), mode=PY)
    a = rand(4, 2, seed=24)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(g(a), u.dot(vh), rtol=1e-10)
    # the extra columns of a full U have no gradient
    gu = theano.function([x], T.grad(nl.svd(x)[0][:, 3].sum(), x), mode=PY)
    with pytest.raises(ValueError, match="full_matrices=False"):
        gu(a)
    with pytest.raises(NullTypeGradError):
        T.grad(T.grad(nl.svd(x)[1].sum(), x).sum(), x)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
def test_svd_singular_values_grad(shape):
    a = rand(*shape, seed=8)
    check_case(OpCase("svd_s", lambda m: nl.svd(m, compute_uv=False),
                      lambda m: np.linalg.svd(m, compute_uv=False), [a], dtypes=F))


@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4)])
def test_qr(mode, shape):
    a = rand(*shape, seed=9)
    x = sym_like(a)
    out = nl.qr(x, mode)
    outs = out if isinstance(out, list) else [out]
    res = compare_backends([x], outs, [a])
    ref = np.linalg.qr(a, mode)
    ref = ref if isinstance(ref, tuple) else (ref,)
    for r, e in zip(res, ref):
        np.testing.assert_allclose(r, e, atol=1e-12)
    check_infer_shape([x], outs, [a])
    with pytest.raises(ValueError, match="mode"):
        nl.qr(x, "economic")


@pytest.mark.parametrize("mode,which", [("reduced", 0), ("reduced", 1), ("r", None), ("complete", 1)])
@pytest.mark.parametrize("shape", [(3, 3), (4, 2)])
@pytest.mark.parametrize("dtype", F)
def test_qr_grad(mode, which, shape, dtype):
    a = (rand(*shape, seed=25) + np.eye(*shape)).astype(dtype)

    def build(m):
        out = nl.qr(m, mode)
        return out if which is None else out[which]

    verify_grad(build, [a], rng=np.random.RandomState(5))


def test_qr_grad_errors():
    x = T.dmatrix("x")
    wide = theano.function([x], T.grad(nl.qr(x)[1].sum(), x), mode=PY)
    with pytest.raises(ValueError, match="rows >= columns"):
        wide(rand(2, 3))
    extra = theano.function([x], T.grad(nl.qr(x, "complete")[0][:, 3].sum(), x), mode=PY)
    with pytest.raises(ValueError, match="mode='reduced'"):
        extra(rand(4, 2))
    with pytest.raises(NullTypeGradError):
        T.grad(nl.qr(x, "raw")[0].sum(), x)


def test_qr_incomplete():
    assert isinstance(nl.qr(T.dmatrix(), "r").owner.op, nl.QRIncomplete)
    assert nl.QRIncomplete() == nl.QRIncomplete("r")
    with pytest.raises(ValueError, match="must be 'r'"):
        nl.QRIncomplete("reduced")


def test_qr_float32_dtype():
    a = rand(3, 3, dtype="float32")
    x = sym_like(a)
    q, r = nl.qr(x)
    assert q.dtype == r.dtype == "float32"
    rq, rr = compare_backends([x], [q, r], [a])
    np.testing.assert_allclose(rq.dot(rr), a, atol=1e-5)


# --- lstsq / tensorinv / tensorsolve ----------------------------------------------------------------------

@pytest.mark.parametrize("bshape", [(5,), (5, 2)])
def test_lstsq(bshape):
    a, b = rand(5, 3, seed=10), rand(*bshape, seed=11)
    x, y = sym_like(a), sym_like(b)
    outs = nl.lstsq(x, y, -1)
    res = compare_backends([x, y], outs, [a, b], check_dtype=True)
    ref = np.linalg.lstsq(a, b, rcond=-1)
    for r, e in zip(res, ref):
        np.testing.assert_allclose(r, np.asarray(e).reshape(np.shape(r)), rtol=1e-10)
    node = outs[0].owner
    shapes = node.op.infer_shape(node, [tuple(x.shape[i] for i in range(2)),
                                        tuple(y.shape[i] for i in range(y.ndim)), ()])
    f = theano.function([x, y], [T.stack(list(shapes[0])), T.stack(list(shapes[3]))], on_unused_input="ignore")
    got = f(a, b)
    assert tuple(got[0]) == np.shape(res[0]) and tuple(got[1]) == np.shape(res[3])
    assert shapes[1] is None
    # the optimizer leaves the residuals' shape to run time, quietly
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fr = theano.function([x, y], outs[1].shape)
    assert tuple(fr(a, b)) == np.shape(res[1])
    g = theano.function([x, y], outs[0], mode=PY)
    with pytest.raises(ValueError, match="same number of rows"):
        g(a, rand(4, *bshape[1:]))
    with pytest.raises(TypeError, match="rcond"):
        nl.lstsq(x, y, T.dvector())


@pytest.mark.parametrize("shape,ind", [((4, 6, 8, 3), 2), ((6, 2, 3), 1)])
def test_tensorinv(shape, ind):
    a = rand(*shape, seed=12)
    a2 = a.reshape(int(np.prod(shape[:ind])), -1)
    a2 += 3 * np.eye(a2.shape[0])
    check_case(OpCase("tensorinv", lambda m: nl.tensorinv(m, ind), lambda m: np.linalg.tensorinv(m, ind), [a],
                      dtypes=("float64",)))


def test_tensorinv_errors():
    with pytest.raises(TypeError, match="more than ind"):
        nl.tensorinv(T.dmatrix(), 2)
    with pytest.raises(ValueError, match="positive"):
        nl.tensorinv(T.dmatrix(), 0)
    x = T.dtensor3()
    f = theano.function([x], nl.tensorinv(x, 1), mode=PY)
    with pytest.raises(ValueError, match="same total size"):
        f(rand(3, 2, 2))


@pytest.mark.parametrize("axes", [None, (1,)])
def test_tensorsolve(axes):
    a = (rand(6, 6, seed=13) + 3 * np.eye(6)).reshape(2, 3, 6)
    if axes is not None:
        a = np.ascontiguousarray(np.moveaxis(a, 2, 1))
    b = rand(2, 3, seed=14)
    check_case(OpCase("tensorsolve", lambda m, v: nl.tensorsolve(m, v, axes),
                      lambda m, v: np.linalg.tensorsolve(m, v, axes), [a, b], grad=False, dtypes=F))


def test_tensorsolve_errors():
    with pytest.raises(TypeError, match="more dimensions"):
        nl.tensorsolve(T.dmatrix(), T.dmatrix())
    with pytest.raises(ValueError, match="out of range"):
        nl.tensorsolve(T.dtensor3(), T.dmatrix(), (3,))
    a, b = T.dtensor3("a"), T.dmatrix("b")
    f = theano.function([a, b], nl.tensorsolve(a, b), mode=PY)
    with pytest.raises(ValueError, match="must match b"):
        f(rand(2, 3, 6), rand(3, 2))


# --- diagonals, trace, matrix_dot, matrix_power, norm -----------------------------------------------------

def test_alloc_and_extract_diag():
    v, m = rand(4, seed=16), rand(3, 5, seed=17)
    check_case(OpCase("alloc_diag", nl.alloc_diag, np.diag, [v], dtypes=F))
    check_case(OpCase("extract_diag", nl.extract_diag, np.diag, [m], dtypes=F))
    check_case(OpCase("nl.diag", nl.diag, np.diag, [v], dtypes=("float64",)))


def test_trace():
    check_case(OpCase("trace", nl.trace, lambda m: np.asarray(np.trace(m)), [rand(3, 4, seed=18)], dtypes=F,
                      infer_shape=False))
    with pytest.raises(TypeError, match="matrix"):
        nl.trace(T.dvector())


def test_matrix_dot():
    a, b, c = rand(2, 3, seed=1), rand(3, 4, seed=2), rand(4, seed=3)
    check_case(OpCase("matrix_dot", nl.matrix_dot, lambda x, y, z: x.dot(y).dot(z), [a, b, c], dtypes=F,
                      infer_shape=False))
    with pytest.raises(TypeError):
        nl.matrix_dot()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -2])
def test_matrix_power(n):
    a = well_conditioned(3, seed=19) / 2
    check_case(OpCase("matrix_power", lambda m: nl.matrix_power(m, n),
                      lambda m: np.linalg.matrix_power(m, n), [a], dtypes=F, grad=n != 0,
                      infer_shape=n == 0, rtol=1e-4 if n < 0 else None))


def test_matrix_power_errors():
    with pytest.raises(TypeError, match="Python int"):
        nl.matrix_power(T.dmatrix(), 2.0)
    with pytest.raises(TypeError, match="2-d"):
        nl.matrix_power(T.dvector(), 2)


@pytest.mark.parametrize("ord", [None, "inf", np.inf, "-inf", -np.inf, 1, 3, 0.5])
def test_norm_vector(ord):
    v = rand(5, seed=20)
    np_ord = {"inf": np.inf, "-inf": -np.inf}.get(ord, ord) if isinstance(ord, str) else ord
    check_case(OpCase("norm_vec", lambda x: nl.norm(x, ord), lambda x: np.asarray(np.linalg.norm(x, np_ord)),
                      [v], dtypes=F, infer_shape=False))


def test_norm_vector_zero_counts_nonzeros():
    v = np.array([0.0, 1.5, 0.0, -2.0])
    x = sym_like(v)
    compare_backends([x], nl.norm(x, 0), [v], expected=np.linalg.norm(v, 0))


@pytest.mark.parametrize("ord", [None, "fro", "inf", "-inf", 1, -1, 2, -2, "nuc"])
def test_norm_matrix(ord):
    m = rand(3, 4, seed=21)
    np_ord = {"inf": np.inf, "-inf": -np.inf}.get(ord, ord) if isinstance(ord, str) else ord
    check_case(OpCase("norm_mat", lambda x: nl.norm(x, ord), lambda x: np.asarray(np.linalg.norm(x, np_ord)),
                      [m], dtypes=F, infer_shape=False))


def test_norm_errors():
    with pytest.raises(ValueError, match="invalid order"):
        nl.norm(T.dmatrix(), 3)
    with pytest.raises(ValueError, match="invalid order"):
        nl.norm(T.dvector(), "fro")
    with pytest.raises(NotImplementedError, match="vectors and matrices"):
        nl.norm(T.dtensor3(), None)
    with pytest.raises(ValueError, match="scalar"):
        nl.norm(3, None)


def test_namespace():
    assert T.nlinalg.matrix_inverse is nl.matrix_inverse
    assert nl.MatrixInverse() == nl.matrix_inverse
    assert nl.Eigh("L") != nl.Eigh("U")
    assert nl.SVD(True, False) == nl.SVD(1, 0)


def test_alloc_diag_takes_vectors_only():
    with pytest.raises(TypeError, match="vector"):
        nl.alloc_diag(T.dmatrix())
    with pytest.raises(TypeError):
        nl.alloc_diag(T.dscalar())
    x = T.dvector("x")
    for mode in (theano.Mode(linker="py"), None):
        f = theano.function([x], [nl.alloc_diag(x), nl.alloc_diag(x).shape], mode=mode)
        for n in (5, 0, 1):
            v = np.arange(n, dtype="float64") + 1
            for _ in range(2):
                d, s = f(v)
                np.testing.assert_array_equal(d, np.diag(v))
                assert tuple(s) == (n, n)
