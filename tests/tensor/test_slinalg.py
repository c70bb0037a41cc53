"""theano.tensor.slinalg against scipy.linalg: values, infer_shape, gradients, errors."""

import numpy as np
import pytest
import scipy.linalg

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, compare_backends, rand, rand_int, sym_like
from theano.gradient import NullTypeGradError, verify_grad
from theano.tensor import slinalg as sl

F = ("float64", "float32")
PY = theano.Mode(linker="py", optimizer="None")


def spd(n, seed=0):
    a = rand(n, n, seed=seed)
    return a.dot(a.T) + n * np.eye(n)


def tri(n, lower, seed=0):
    a = rand(n, n, seed=seed) + 3 * np.eye(n)
    return np.tril(a) if lower else np.triu(a)


# --- cholesky -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("n", [1, 4])
def test_cholesky(lower, n):
    a = spd(n, seed=n)
    check_case(OpCase("cholesky", lambda x: sl.Cholesky(lower)(x),
                      lambda x: scipy.linalg.cholesky(x, lower=lower), [a], dtypes=F))


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("dtype", F)
def test_cholesky_grad_through_symmetric_input(lower, dtype):
    r = rand(3, 3, seed=5).astype(dtype)
    # the input is built symmetric positive definite from r, so every entry of r matters
    verify_grad(lambda m: sl.Cholesky(lower)(m.dot(m.T) + 3 * np.eye(3, dtype=dtype)), [r],
                rng=np.random.RandomState(3))


def test_cholesky_reads_one_triangle_and_errors():
    a = spd(3, seed=6)
    x = T.dmatrix("x")
    f = theano.function([x], sl.cholesky(x), mode=PY)
    garbage = a.copy()
    garbage[np.triu_indices(3, 1)] = 50.0
    np.testing.assert_allclose(f(garbage), np.linalg.cholesky(a), rtol=1e-10)
    with pytest.raises(ValueError, match=r"square matrix.*\(2, 3\)"):
        f(rand(2, 3))
    with pytest.raises(np.linalg.LinAlgError):
        f(-np.eye(2))
    fn = theano.function([x], sl.Cholesky(on_error="nan")(x), mode=PY)
    assert np.all(np.isnan(fn(-np.eye(2))))
    g = theano.function([x], T.grad(sl.Cholesky(on_error="nan")(x).sum(), x), mode=PY)
    assert np.all(np.isnan(g(-np.eye(2))))
    with pytest.raises(TypeError, match="2-d"):
        sl.cholesky(T.dvector())
    with pytest.raises(ValueError, match="on_error"):
        sl.Cholesky(on_error="ignore")


def test_cholesky_int_input():
    a = np.array([[4, 2], [2, 3]], dtype="int64")
    x = sym_like(a)
    out = sl.cholesky(x)
    assert out.dtype == "float64"
    compare_backends([x], out, [a], expected=np.linalg.cholesky(a))


# --- solve --------------------------------------------------------------------------------------------

STRUCTURES = [("general", None), ("symmetric", None), ("lower_triangular", True), ("upper_triangular", False)]


@pytest.mark.parametrize("structure,lower", STRUCTURES)
@pytest.mark.parametrize("bshape", [(4,), (4, 2)])
def test_solve(structure, lower, bshape):
    if structure == "general":
        a = rand(4, 4, seed=7) + 3 * np.eye(4)
    elif structure == "symmetric":
        a = spd(4, seed=7)
    else:
        a = tri(4, lower, seed=7)
    b = rand(*bshape, seed=8)
    op = sl.Solve(structure, lower=bool(lower))
    check_case(OpCase(f"solve_{structure}", op, np.linalg.solve, [a, b], dtypes=F))


def test_solve_instances_and_errors():
    assert sl.solve_lower_triangular == sl.Solve("lower_triangular", lower=True)
    assert sl.solve_symmetric.A_structure == "symmetric"
    assert set(sl.MATRIX_STRUCTURES) >= {"general", "symmetric", "lower_triangular", "upper_triangular"}
    av, bv = rand(3, 3, seed=1) + 3 * np.eye(3), rand(3, seed=2)
    check_case(OpCase("solve_banded_as_general", sl.Solve("banded"), np.linalg.solve, [av, bv],
                      dtypes=("float64",)))
    with pytest.raises(ValueError, match="A_structure"):
        sl.Solve("sparse")
    A, b = T.dmatrix("A"), T.dvector("b")
    with pytest.raises(TypeError, match="1-d or 2-d b"):
        sl.solve(A, T.dtensor3())
    with pytest.raises(TypeError, match="2-d"):
        sl.solve(b, b)
    f = theano.function([A, b], sl.solve(A, b), mode=PY)
    with pytest.raises(ValueError, match="needs 3 rows"):
        f(np.eye(3), rand(4))
    with pytest.raises(ValueError, match="square"):
        f(rand(3, 4), rand(3))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.zeros((2, 2)), rand(2))


def test_solve_triangular_reads_one_triangle():
    a = tri(3, True, seed=9)
    noisy = a + np.triu(np.full((3, 3), 7.0), 1)
    b = rand(3, seed=10)
    A, B = T.dmatrix("A"), T.dvector("B")
    f = theano.function([A, B], sl.solve_lower_triangular(A, B), mode=PY)
    np.testing.assert_allclose(f(noisy, b), np.linalg.solve(a, b), rtol=1e-10)


@pytest.mark.parametrize("trans", [0, 1, "T", 2])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [False, True])
def test_solve_triangular(trans, lower, unit):
    a = tri(3, lower, seed=11)
    b = rand(3, 2, seed=12)
    ref = lambda x, y: scipy.linalg.solve_triangular(x, y, trans=trans, lower=lower, unit_diagonal=unit)  # noqa
    check_case(OpCase("solve_triangular", lambda x, y: sl.solve_triangular(x, y, trans, lower, unit), ref,
                      [a, b], dtypes=F))


def test_solve_triangular_vector_and_errors():
    a, b = tri(4, False, seed=13), rand(4, seed=14)
    check_case(OpCase("solve_triangular_vec", lambda x, y: sl.solve_triangular(x, y),
                      lambda x, y: scipy.linalg.solve_triangular(x, y), [a, b], dtypes=("float64",)))
    with pytest.raises(ValueError, match="trans"):
        sl.solve_triangular(T.dmatrix(), T.dvector(), trans=3)


def test_solve_int_inputs():
    a = np.array([[2, 1], [1, 3]], dtype="int32")
    b = np.array([1, 2], dtype="int32")
    x, y = sym_like(a), sym_like(b)
    out = sl.solve(x, y)
    assert out.dtype == "float64"
    compare_backends([x, y], out, [a, b], expected=np.linalg.solve(a, b))
    gx = T.grad(out.sum(), x)
    np.testing.assert_allclose(theano.function([x, y], gx, on_unused_input="ignore")(a, b), 0)


# --- eigvalsh -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lower", [True, False])
def test_eigvalsh(lower):
    a = spd(4, seed=15)
    check_case(OpCase("eigvalsh", lambda x: sl.eigvalsh(x, lower=lower),
                      lambda x: scipy.linalg.eigvalsh(x, lower=lower), [a], dtypes=F))


@pytest.mark.parametrize("lower", [True, False])
def test_eigvalsh_generalized(lower):
    a, b = spd(3, seed=16), spd(3, seed=17)
    check_case(OpCase("eigvalsh_ab", lambda x, y: sl.eigvalsh(x, y, lower),
                      lambda x, y: scipy.linalg.eigvalsh(x, y, lower=lower), [a, b], dtypes=F))


def test_eigvalsh_symmetric_input_grad_and_errors():
    r = rand(3, 3, seed=18)
    verify_grad(lambda m: sl.eigvalsh(m + m.T), [r], rng=np.random.RandomState(4))
    a, b = T.dmatrix("a"), T.dmatrix("b")
    f = theano.function([a, b], sl.eigvalsh(a, b), mode=PY)
    with pytest.raises(ValueError, match="b has shape"):
        f(spd(3), spd(2))
    with pytest.raises(TypeError, match="2-d"):
        sl.eigvalsh(T.dvector())


# --- expm ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 3])
def test_expm(n):
    a = rand(n, n, seed=19)
    check_case(OpCase("expm", sl.expm, scipy.linalg.expm, [a], dtypes=F))


def test_expm_empty_and_errors():
    a = np.zeros((0, 0))
    x = sym_like(a)
    compare_backends([x], sl.expm(x), [a], expected=np.zeros((0, 0)))
    g = theano.function([x], T.grad(sl.expm(x).sum(), x))(a)
    assert g.shape == (0, 0)
    y = T.dmatrix("y")
    f = theano.function([y], sl.expm(y), mode=PY)
    with pytest.raises(ValueError, match="square"):
        f(rand(2, 3))
    with pytest.raises(NullTypeGradError):
        T.grad(T.grad(sl.expm(y).sum(), y).sum(), y)


# --- kron ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sa,sb", [((2, 3), (3, 2)), ((2,), (3,)), ((3,), (2, 2)), ((2, 2), (3,)),
                                   ((2, 1, 2), (2, 3)), ((0, 2), (2, 2))])
def test_kron(sa, sb):
    a, b = rand(*sa, seed=20), rand(*sb, seed=21)
    check_case(OpCase("kron", sl.kron, np.kron, [a, b], dtypes=F))


def test_kron_int():
    a, b = rand_int(2, 3, dtype="int32"), rand_int(2, 2, dtype="int32")
    x, y = sym_like(a), sym_like(b)
    compare_backends([x, y], sl.kron(x, y), [a, b], expected=np.kron(a, b))
    with pytest.raises(TypeError, match="at least 1 dimension"):
        sl.kron(T.dscalar(), T.dmatrix())


def test_namespace():
    assert T.slinalg.cholesky is sl.cholesky
    assert sl.Cholesky() == sl.cholesky and sl.Cholesky(False) != sl.cholesky
