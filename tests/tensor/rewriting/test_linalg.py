"""The linear-algebra rewrites (theano/tensor/rewriting/linalg.py; Theano 1.0's sandbox.linalg
rewrites): products with an inverse become solves, solves with a Cholesky factor become triangular,
the transpose of an inverse becomes the inverse of the transpose. Values against NumPy on the
reference VM (unrewritten) and the rewritten graphs, on several calls."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import compare_backends
from theano.gradient import verify_grad
from theano.tensor.nlinalg import MatrixInverse, matrix_inverse
from theano.tensor.slinalg import Cholesky, Solve, solve

FAST_RUN = theano.Mode(linker="py", optimizer="fast_run")


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def _spd(n, dtype, seed):
    m = np.random.default_rng(seed).normal(size=(n, n))
    return (m @ m.T + n * np.eye(n)).astype(dtype)


def _tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_inv_as_solve_values_and_graph(dtype):
    A = T.matrix("A", dtype=dtype)
    B = T.matrix("B", dtype=dtype)
    v = T.vector("v", dtype=dtype)
    outs = [T.dot(matrix_inverse(A), B), T.dot(B.T, matrix_inverse(A)),
            T.dot(matrix_inverse(A), v), T.dot(v, matrix_inverse(A))]
    f = theano.function([A, B, v], outs, mode=FAST_RUN)
    ops = _ops(f)
    assert not any(isinstance(op, MatrixInverse) for op in ops)
    assert sum(isinstance(op, Solve) for op in ops) == 4
    for seed, n in ((0, 3), (1, 5), (2, 4)):        # several calls of one function
        a = _spd(n, dtype, seed) + np.triu(np.ones((n, n), dtype), 1)   # not symmetric
        b = np.random.default_rng(seed + 10).normal(size=(n, 2)).astype(dtype)
        w = np.random.default_rng(seed + 20).normal(size=n).astype(dtype)
        inv = np.linalg.inv(a.astype("float64"))
        expected = [inv @ b, b.T @ inv, inv @ w, w @ inv]
        for got, exp, out in zip(f(a, b, w), expected, outs):
            assert got.dtype == out.dtype and got.shape == exp.shape
            np.testing.assert_allclose(got, exp, **_tol(dtype))
    a, b, w = _spd(4, dtype, 7), np.ones((4, 3), dtype), np.arange(4).astype(dtype)
    compare_backends([A, B, v], outs, [a, b, w], rtol=_tol(dtype)["rtol"], atol=_tol(dtype)["atol"])


def test_inv_as_solve_gradient_and_singular_matrix():
    A, b = T.dmatrix("A"), T.dvector("b")
    rng = np.random.RandomState(0)
    a = _spd(3, "float64", 3) + np.tril(np.ones((3, 3)), -1)
    verify_grad(lambda A, b: T.dot(matrix_inverse(A), b), [a, rng.normal(size=3)], rng=rng)
    f = theano.function([A, b], T.dot(matrix_inverse(A), b))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.zeros((3, 3)), np.ones(3))
    # the Theano 1.0 interface: transform(node) gives the replacement
    from theano.sandbox.linalg.ops import inv_as_solve

    [out] = inv_as_solve.transform(T.dot(matrix_inverse(A), b).owner)
    assert isinstance(out.owner.op, Solve)
    assert inv_as_solve.transform(T.dot(A, b).owner) is None


@pytest.mark.parametrize("lower", [True, False])
def test_solve_with_a_cholesky_factor_is_triangular(lower):
    A, x, X = T.dmatrix("A"), T.dvector("x"), T.dmatrix("X")
    L = Cholesky(lower=lower)(A)
    outs = [solve(L, x), solve(L.T, X)]
    f = theano.function([A, x, X], outs, mode=FAST_RUN)
    structures = [op.A_structure for op in _ops(f) if isinstance(op, Solve)]
    this, other = ("lower", "upper") if lower else ("upper", "lower")
    assert sorted(structures) == sorted([f"{this}_triangular", f"{other}_triangular"])
    for seed in range(3):
        a = _spd(4, "float64", seed)
        xv = np.arange(4.0) - seed
        Xv = np.random.default_rng(seed).normal(size=(4, 2))
        c = np.linalg.cholesky(a)
        c = c if lower else c.T
        got = f(a, xv, Xv)
        np.testing.assert_allclose(got[0], np.linalg.solve(c, xv), rtol=1e-10)
        np.testing.assert_allclose(got[1], np.linalg.solve(c.T, Xv), rtol=1e-10)
    compare_backends([A, x, X], outs, [_spd(3, "float64", 5), np.ones(3), np.eye(3)[:, :2]])
    # the gradient through the triangular solve reads only the factor's triangle
    verify_grad(lambda a, v: solve(Cholesky(lower=lower)(a), v),
                [_spd(3, "float64", 9), np.ones(3)], rng=np.random.RandomState(1))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_transpose_of_an_inverse(dtype):
    X = T.matrix("X", dtype=dtype)
    out = matrix_inverse(X).T
    f = theano.function([X], out, mode=FAST_RUN)
    (inv_node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, MatrixInverse)]
    assert inv_node.inputs[0].owner is not None and \
        inv_node.inputs[0].owner.op.new_order == (1, 0)
    for seed in range(3):
        x = _spd(4, dtype, seed) + np.triu(np.ones((4, 4), dtype), 1)
        np.testing.assert_allclose(f(x), np.linalg.inv(x.astype("float64")).T, **_tol(dtype))
    compare_backends([X], out, [_spd(3, dtype, 4)], rtol=_tol(dtype)["rtol"], atol=_tol(dtype)["atol"])
