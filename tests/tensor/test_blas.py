"""BLAS ops (Gemm, Gemv, Ger): values against NumPy, infer_shape, gradients, errors; and the rewrites
that introduce them."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.blas import Gemm, Gemv, Ger, gemm, gemm_inplace, gemv, ger
from tests.helpers import OpCase, check_case, rand

DTYPES = ("float64", "float32")


def _gemm_ref(z, a, x, y, b):
    return b * z + a * np.dot(x, y)


CASES = [
    OpCase("gemm", lambda z, a, x, y, b: gemm(z, a, x, y, b), _gemm_ref,
           [rand(3, 4), np.asarray(0.7), rand(3, 5, seed=1), rand(5, 4, seed=2), np.asarray(-1.3)],
           dtypes=DTYPES),
    OpCase("gemm_k0", lambda z, a, x, y, b: gemm(z, a, x, y, b), _gemm_ref,
           [rand(2, 3), np.asarray(0.5), np.zeros((2, 0)), np.zeros((0, 3)), np.asarray(2.0)],
           dtypes=DTYPES, grad=False),
    OpCase("gemm_empty", lambda z, a, x, y, b: gemm(z, a, x, y, b), _gemm_ref,
           [np.zeros((0, 3)), np.asarray(0.5), np.zeros((0, 2)), rand(2, 3), np.asarray(2.0)],
           dtypes=DTYPES, grad=False),
    OpCase("gemv", lambda z, a, A, x, b: gemv(z, a, A, x, b),
           lambda z, a, A, x, b: b * z + a * A.dot(x),
           [rand(3), np.asarray(1.5), rand(3, 4, seed=3), rand(4, seed=4), np.asarray(0.25)],
           dtypes=DTYPES),
    OpCase("gemv_transposed_view", lambda z, a, A, x, b: gemv(z, a, A.T, x, b),
           lambda z, a, A, x, b: b * z + a * A.T.dot(x),
           [rand(4), np.asarray(1.5), rand(3, 4, seed=3), rand(3, seed=4), np.asarray(1.0)],
           dtypes=DTYPES),
    OpCase("ger", lambda A, a, x, y: ger(A, a, x, y),
           lambda A, a, x, y: A + a * np.outer(x, y),
           [rand(3, 4), np.asarray(-0.5), rand(3, seed=5), rand(4, seed=6)], dtypes=DTYPES),
    OpCase("gemm_transposed_inputs", lambda z, a, x, y, b: gemm(z.T, a, x.T, y.T, b),
           lambda z, a, x, y, b: b * z.T + a * np.dot(x.T, y.T),
           [rand(4, 3), np.asarray(0.7), rand(5, 3, seed=1), rand(4, 5, seed=2), np.asarray(1.0)],
           dtypes=DTYPES),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_blas_op_contract(case):
    check_case(case)


def test_inplace_variant_overwrites_its_first_input_only():
    z, x, y = T.dmatrices("z", "x", "y")
    a, b = T.dscalars("a", "b")
    node = gemm_inplace(z, a, x, y, b).owner
    assert node.op.destroy_map == {0: [0]} and gemm.destroy_map == {}
    zv, xv, yv = rand(2, 2), rand(2, 3), rand(3, 2)
    storage = [[None]]
    node.op.perform(node, [zv, np.asarray(2.0), xv, yv, np.asarray(0.5)], storage)
    assert storage[0][0] is zv
    zv2 = rand(2, 2)
    keep = zv2.copy()
    node2 = gemm(z, a, x, y, b).owner
    node2.op.perform(node2, [zv2, np.asarray(2.0), xv, yv, np.asarray(0.5)], storage)
    np.testing.assert_array_equal(zv2, keep)
    np.testing.assert_allclose(storage[0][0], 0.5 * keep + 2 * xv.dot(yv))


def test_bad_arguments():
    z, x, y = T.dmatrices("z", "x", "y")
    a = T.dscalar("a")
    with pytest.raises(TypeError, match="dtype"):
        gemm(z, a, x, T.fmatrix("f"), a)
    with pytest.raises(TypeError, match="dimension"):
        gemm(z, a, x, T.dvector("v"), a)
    with pytest.raises(TypeError, match="float32, float64, complex64 or complex128"):
        gemm(T.imatrix("i"), T.iscalar(), T.imatrix(), T.imatrix(), T.iscalar())
    with pytest.raises(TypeError, match="dimension"):
        gemv(T.dvector(), a, T.dvector(), T.dvector(), a)
    with pytest.raises(TypeError, match="dimension"):
        ger(z, a, x, T.dvector())
    f = theano.function([z, a, x, y], gemm(z, a, x, y, a), mode=theano.Mode("py", "None"))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(rand(2, 2), 1.0, rand(2, 3), rand(4, 2))


# ---- rewrites -----------------------------------------------------------------------------------


def _ops(f):
    return [type(n.op) for n in f.maker.fgraph.toposort()]


def _check(inputs, out, values, kind, dtype):
    ref = theano.function(inputs, out, mode=theano.Mode("py", "None"))
    f = theano.function(inputs, out, mode=theano.Mode("py", "fast_run"))
    assert kind in _ops(f), _ops(f)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(f(*values), ref(*values), rtol=tol, atol=tol)
    return f


@pytest.mark.parametrize("dtype", DTYPES)
def test_weight_update_becomes_gemm_into_fresh_buffer(dtype):
    W = theano.shared(rand(4, 3, dtype=dtype), "W")
    x = T.matrix("x", dtype=dtype)
    d = T.matrix("d", dtype=dtype)
    lr = np.asarray(0.1, dtype=dtype)
    before = W.get_value(borrow=True)
    keep = before.copy()
    f = theano.function([x, d], [], updates=[(W, W - lr * T.dot(x.T, d))])
    assert Gemm in _ops(f)
    (g,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Gemm)]
    assert not g.op.inplace
    xv, dv = rand(5, 4, dtype=dtype), rand(5, 3, dtype=dtype)
    f(xv, dv)
    np.testing.assert_array_equal(before, keep)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(W.get_value(), keep - lr * xv.T.dot(dv), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_gemv_ger_patterns(dtype):
    z, x, y = (T.matrix(n, dtype=dtype) for n in "zxy")
    v, u = T.vector("v", dtype=dtype), T.vector("u", dtype=dtype)
    s = T.scalar("s", dtype=dtype)
    zv, xv, yv = rand(3, 3, dtype=dtype), rand(3, 4, dtype=dtype), rand(4, 3, dtype=dtype)
    vv, uv = rand(3, dtype=dtype), rand(4, dtype=dtype)
    sv = np.asarray(0.3, dtype=dtype)
    _check([z, x, y], z + T.dot(x, y), [zv, xv, yv], Gemm, dtype)
    _check([z, x, y, s], T.dot(x, y) * s + z, [zv, xv, yv, sv], Gemm, dtype)
    _check([z, x, y], z - T.dot(x, y), [zv, xv, yv], Gemm, dtype)
    _check([v, x, u], v + T.dot(x, u), [vv, xv, uv], Gemv, dtype)
    _check([v, x, u, s], u - s * T.dot(v, x), [vv, xv, uv, sv], Gemv, dtype)
    _check([z, v, s], z + s * T.outer(v, v), [zv, vv, sv], Ger, dtype)


def test_no_blas_when_types_do_not_fit():
    x, y = T.dmatrices("x", "y")
    b = T.dvector("b")
    f = theano.function([x, y, b], T.dot(x, y) + b)  # b broadcasts over rows
    assert Gemm not in _ops(f)
    xi = T.imatrix("xi")
    f = theano.function([xi], xi + T.dot(xi, xi))
    assert Gemm not in _ops(f)
    t = T.dot(x, y)
    f = theano.function([x, y], [t + x, t])  # the dot is needed elsewhere
    assert Gemm not in _ops(f)


def test_inplace_gemm_on_intermediate():
    x, y = T.dmatrices("x", "y")
    z = T.exp(x)
    f = theano.function([x, y], (z + T.dot(x, y)) * 2)
    gs = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Gemm)]
    assert gs and gs[0].op.inplace
    xv, yv = rand(3, 3), rand(3, 3, seed=9)
    np.testing.assert_allclose(f(xv, yv), (np.exp(xv) + xv.dot(yv)) * 2)
