"""The gradient through ``theano.sparse.cast`` follows Theano 1.0's rule for casts (the dense
``T.cast`` too): a float result passes its gradient to an integer matrix as if its values had been
given as floats (in floatX), an integer result gives zeros, a float-to-float cast casts the
gradient back."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T

MODES = {"py": lambda: theano.Mode(linker="py"), "auto": lambda: None}
VALUES = np.array([[1, 0, 2, 0], [0, -3, 0, 0], [4, 0, 0, 5]])
W = np.arange(12.0).reshape(3, 4) / 7 - 0.5


def _matrix(fmt, dtype):
    return getattr(sp, f"{fmt}_matrix")(VALUES.astype(dtype))


def _cost(y, w):
    """``sum(tanh(dense(y)) * w)``: its gradient with respect to ``y`` on ``y``'s stored entries
    is ``(1 - tanh(y)**2) * w``."""
    return (T.tanh(S.dense_from_sparse(y)) * w).sum()


def _reference(idtype, odtype):
    v = VALUES.astype(idtype).astype(odtype).astype("float64")
    return np.where(VALUES != 0, (1 - np.tanh(v) ** 2) * W, 0.0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("idtype,odtype", [("int32", "float64"), ("int64", "float32"),
                                           ("int8", "float64"), ("uint16", "float32")])
def test_integer_input_gets_the_gradient_of_a_float_cast(idtype, odtype, fmt, mode):
    x = S.SparseType(fmt, idtype)("x")
    w = T.dmatrix("w")
    g = theano.grad(_cost(S.cast(x, odtype), w), x)
    assert isinstance(g.type, S.SparseType) and g.format == fmt
    assert g.dtype == theano.config.floatX  # as for a dense integer variable
    # the same values given as floats: the same gradient
    xf = S.SparseType(fmt, odtype)("xf")
    gf = theano.grad(_cost(xf, w), xf)
    f = theano.function([x, xf, w], [g, gf], mode=MODES[mode]())
    for _ in range(3):
        got, got_float = f(_matrix(fmt, idtype), _matrix(fmt, idtype).astype(odtype), W)
        assert got.format == fmt and got.dtype == theano.config.floatX
        tol = 1e-12 if odtype == "float64" else 1e-6
        np.testing.assert_allclose(got.toarray(), _reference(idtype, odtype), atol=tol)
        np.testing.assert_allclose(got.toarray(), got_float.toarray(), atol=tol)


@pytest.mark.parametrize("mode", MODES)
def test_dense_and_sparse_cast_agree(mode):
    """``T.cast`` of a dense integer matrix gives the same gradient (densely)."""
    x, xd, w = S.csr_matrix("x", dtype="int32"), T.imatrix("xd"), T.dmatrix("w")
    gs = theano.grad(_cost(S.cast(x, "float64"), w), x)
    gd = theano.grad((T.tanh(T.cast(xd, "float64")) * w).sum(), xd)
    f = theano.function([x, xd, w], [S.dense_from_sparse(gs), gd], mode=MODES[mode]())
    for _ in range(3):
        got_s, got_d = f(_matrix("csr", "int32"), VALUES.astype("int32"), W)
        dense_ref = (1 - np.tanh(VALUES) ** 2) * W
        np.testing.assert_allclose(got_d, dense_ref, atol=1e-12)
        # the sparse gradient is structured (dense_from_sparse's): the stored entries only
        np.testing.assert_allclose(got_s, np.where(VALUES != 0, dense_ref, 0.0), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("idtype", ["float32", "float64", "int16"])
def test_integer_result_gives_zeros(idtype, mode):
    x, w = S.csc_matrix("x", dtype=idtype), T.dmatrix("w")
    y = S.cast(x, "int32")
    cost = (S.dense_from_sparse(y) * w).sum() + S.sp_sum(S.cast(x, "float64")) * 0.5
    g = theano.grad(cost, x)
    want_dtype = idtype if idtype.startswith("float") else theano.config.floatX
    assert g.dtype == want_dtype
    f = theano.function([x, w], S.dense_from_sparse(g), mode=MODES[mode]())
    for _ in range(3):
        got = f(_matrix("csc", idtype), W)
        assert got.dtype == want_dtype
        # only sp_sum's term (a regular gradient: every entry): the cast to int32 adds zeros
        np.testing.assert_allclose(got, np.full(VALUES.shape, 0.5))


@pytest.mark.parametrize("idtype,odtype", [("float64", "float32"), ("float32", "float64")])
def test_float_to_float_cast_gradient(idtype, odtype):
    S.verify_grad_sparse(lambda a: S.cast(a, odtype),
                         [sp.csr_matrix(np.random.RandomState(3).randn(3, 4).astype(idtype))],
                         structured=False, eps=1e-2 if "float32" in (idtype, odtype) else None)
