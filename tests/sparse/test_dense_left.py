"""A dense tensor on the left of an operator with a sparse variable reaches the sparse ops
(as in Theano 1.0), on every mode, values checked against SciPy."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_dense_op_sparse(mode, fmt):
    x = getattr(S, f"{fmt}_matrix")("x")
    d = T.dmatrix("d")
    dv = np.arange(6.0).reshape(2, 3) - 2
    xv = getattr(sp, f"{fmt}_matrix")(np.array([[0, 1.5, 0], [2, 0, -3]]))
    cases = [(d * x, xv.multiply(dv).toarray()), (d + x, dv + xv.toarray()),
             (d - x, dv - xv.toarray())]
    for expr, ref in cases:
        f = theano.function([d, x], expr, mode=mode)
        for _ in range(2):
            out = f(dv, xv)
            np.testing.assert_allclose(out.toarray() if sp.issparse(out) else out, ref)
    assert isinstance((d * x).type, S.SparseType)


def test_dense_matmul_sparse():
    x = S.csr_matrix("x")
    d = T.dmatrix("d")
    f = theano.function([d, x], d @ x)
    dv = np.arange(6.0).reshape(2, 3)
    xv = sp.csr_matrix(np.array([[0, 1.0], [2, 0], [0, 3]]))
    np.testing.assert_allclose(np.asarray(f(dv, xv).toarray() if sp.issparse(f(dv, xv))
                                          else f(dv, xv)), dv @ xv.toarray())


def test_tensor_ops_unchanged_for_tensors_and_numbers():
    d = T.dmatrix("d")
    assert isinstance((d * 2).type, T.TensorType)
    assert isinstance((d + d).type, T.TensorType)
