"""theano.sparse.opt.sd_csc / sd_csr (Theano 1.0's StructuredDotCSC/CSR): A @ b with the sparse
A given by its parts, against SciPy, with infer_shape and gradients (values and b) checked
against finite differences, on the reference VM and the default backend."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.tensor as T
from tests.helpers import compare_backends
from theano.gradient import DisconnectedInputError, verify_grad
from theano.sparse.opt import StructuredDotCSC, StructuredDotCSR, sd_csc, sd_csr


def _matrix(fmt, shape, dtype, seed):
    m = sp.random(*shape, density=0.5, format=fmt, dtype=dtype, random_state=seed)
    m.data += 0.5           # no stored zero
    return m


def _build(fmt, dtype):
    val = T.vector("val", dtype=dtype)
    ind, ptr = T.ivector("ind"), T.ivector("ptr")
    b = T.matrix("b", dtype=dtype)
    if fmt == "csc":
        nrows = T.iscalar("nrows")
        return [val, ind, ptr, nrows, b], sd_csc(val, ind, ptr, nrows, b)
    return [val, ind, ptr, b], sd_csr(val, ind, ptr, b)


def _values(fmt, m, bv):
    parts = [m.data, m.indices.astype("int32"), m.indptr.astype("int32")]
    if fmt == "csc":
        parts.append(np.int32(m.shape[0]))
    return parts + [bv]


@pytest.mark.parametrize("fmt", ["csc", "csr"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_against_scipy(fmt, dtype):
    inputs, out = _build(fmt, dtype)
    assert out.dtype == dtype
    f = theano.function(inputs, out)
    for seed, shape in ((0, (4, 5)), (1, (7, 3)), (2, (1, 6))):
        m = _matrix(fmt, shape, dtype, seed)
        bv = np.random.default_rng(seed).normal(size=(shape[1], 3)).astype(dtype)
        got = f(*_values(fmt, m, bv))
        assert got.dtype == dtype and got.shape == (shape[0], 3)
        np.testing.assert_allclose(got, m @ bv, rtol=1e-5 if dtype == "float32" else 1e-12)
    m = _matrix(fmt, (3, 4), dtype, 5)
    compare_backends(inputs, out, _values(fmt, m, np.ones((4, 2), dtype)), expected=m @ np.ones((4, 2)))


@pytest.mark.parametrize("fmt", ["csc", "csr"])
def test_infer_shape_and_gradients(fmt):
    inputs, out = _build(fmt, "float64")
    m = _matrix(fmt, (5, 4), "float64", 3)
    values = _values(fmt, m, np.random.default_rng(0).normal(size=(4, 2)))
    shape_f = theano.function(inputs, out.shape, mode=theano.Mode(linker="py", optimizer="fast_run"))
    assert not any(isinstance(n.op, (StructuredDotCSC, StructuredDotCSR))
                   for n in shape_f.maker.fgraph.toposort())
    for _ in range(3):
        assert tuple(shape_f(*values)) == (5, 2)
    # gradient with respect to the stored values and to b (the indices are fixed)
    fixed = values[1:-1]

    def fn(val, b):
        ins = [val] + [T.constant(v) for v in fixed] + [b]
        return (sd_csc if fmt == "csc" else sd_csr)(*ins)

    verify_grad(fn, [values[0], values[-1]], rng=np.random.RandomState(1))
    with pytest.raises(DisconnectedInputError):
        theano.grad(out.sum(), inputs[1])


def test_bad_input():
    val, ind, ptr, b = T.dvector(), T.ivector(), T.ivector(), T.dmatrix()
    with pytest.raises(TypeError, match="b must be a matrix"):
        sd_csr(val, ind, ptr, T.dvector())
    with pytest.raises(TypeError, match="must hold integers"):
        sd_csr(val, T.dvector(), ptr, b)
    with pytest.raises(TypeError, match="a_nrows must be an integer scalar"):
        sd_csc(val, ind, ptr, T.dscalar(), b)
    f = theano.function([val, ind, ptr, b], sd_csc(val, ind, ptr, np.int32(3), b))
    m = _matrix("csc", (3, 4), "float64", 0)
    with pytest.raises(ValueError, match="A has 4 columns"):
        f(m.data, m.indices, m.indptr, np.ones((5, 2)))
    g = theano.function([val, ind, ptr, b], sd_csr(val, ind, ptr, b))
    m = _matrix("csr", (3, 4), "float64", 0)
    with pytest.raises(ValueError, match="out of range"):
        g(m.data, m.indices, m.indptr, np.ones((2, 2)))
