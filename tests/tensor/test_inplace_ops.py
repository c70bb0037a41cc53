"""theano.tensor.inplace: elementwise ops that write their result into their first input, with
that input's dtype (Theano 1.0's in-place scalar ops), checked against NumPy/SciPy."""

import numpy as np
import pytest
import scipy.special

import theano
import theano.tensor as T
from theano.tensor import inplace as I

MODES = ["FAST_COMPILE", None]

UNARY = [
    ("exp_inplace", np.exp, (-3, 3)),
    ("sqrt_inplace", np.sqrt, (0.1, 9)),
    ("neg_inplace", np.negative, (-3, 3)),
    ("tanh_inplace", np.tanh, (-3, 3)),
    ("floor_inplace", np.floor, (-3, 3)),
    ("gammaln_inplace", scipy.special.gammaln, (0.1, 8)),
    ("erf_inplace", scipy.special.erf, (-2, 2)),
    ("j0_inplace", scipy.special.j0, (-8, 8)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name,ref,rng_range", UNARY)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_unary_inplace_ops(mode, name, ref, rng_range, dtype):
    op = getattr(I, name)
    assert str(op) == name and op.destroy_map == {0: [0]}
    x = T.matrix(dtype=dtype)
    f = theano.function([x], op(x), mode=mode, accept_inplace=True)
    rng = np.random.default_rng(1)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for shape in [(2, 3), (1, 5), (0, 3)]:
        for _ in range(3):
            a = rng.uniform(*rng_range, size=shape).astype(dtype)
            expected = ref(a.astype("float64")).astype(dtype)
            r = f(a)
            assert r.dtype == dtype
            np.testing.assert_allclose(r, expected, rtol=tol, atol=tol)
            np.testing.assert_allclose(a, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", MODES)
def test_result_takes_the_first_inputs_dtype(mode):
    # int matrix += float matrix: the float sums truncated to int, in x's buffer
    x, y = T.lmatrix("x"), T.dmatrix("y")
    z = I.add_inplace(x, y)
    assert z.dtype == "int64"
    f = theano.function([x, y], z, mode=mode, accept_inplace=True)
    rng = np.random.default_rng(2)
    for shape in [(2, 3), (3, 1)]:
        for _ in range(3):
            a = rng.integers(-5, 5, size=shape)
            b = rng.uniform(-2, 2, size=shape)
            expected = (a + b).astype("int64")
            np.testing.assert_array_equal(f(a, b), expected)
            np.testing.assert_array_equal(a, expected)
    # j0 of ints: computed in floating point, the result cast to the input's dtype
    i = T.ivector("i")
    g = theano.function([i], I.j0_inplace(i), mode=mode, accept_inplace=True)
    for _ in range(3):
        a = np.array([0, 1, 3, -7], dtype="int32")
        expected = scipy.special.j0(a).astype("int32")      # [1, 0, 0, 0]
        np.testing.assert_array_equal(g(a), expected)
        np.testing.assert_array_equal(a, expected)
    # the ordinary op keeps its own dtype rule
    assert (T.lmatrix() + T.dmatrix()).dtype == "float64"


def test_inplace_op_refuses_a_broadcast_first_input():
    with pytest.raises(TypeError):
        I.add_inplace(T.row(), T.matrix())
    with pytest.raises(TypeError, match="complex"):
        I.erfc_inplace(T.zmatrix())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_erf_of_complex(mode, dtype):
    x = T.vector(dtype=dtype)
    f = theano.function([x], T.erf(x), mode=mode)
    rng = np.random.default_rng(3)
    tol = 1e-5 if dtype == "complex64" else 1e-12
    for n in (4, 1, 4):
        a = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
        r = f(a)
        assert r.dtype == dtype
        np.testing.assert_allclose(r, scipy.special.erf(a), rtol=tol, atol=tol)
    # d erf / dx = 2 / sqrt(pi) exp(-x^2) on the real axis of a complex input
    g = theano.function([x], T.grad(T.sum(T.real(T.erf(x))), x), mode=mode)
    a = np.array([0.3, -1.2], dtype=dtype)
    np.testing.assert_allclose(g(a).real, 2 / np.sqrt(np.pi) * np.exp(-a.real ** 2), rtol=tol)



def test_verify_grad_accepts_explicit_inplace_ops():
    pt = np.random.RandomState(2).rand(3, 4)
    before = pt.copy()
    theano.gradient.verify_grad(I.exp_inplace, [pt], rng=np.random.RandomState(0))
    theano.gradient.verify_grad(lambda a: I.mul_inplace(a * 1.0, a), [pt],
                                rng=np.random.RandomState(0))
    np.testing.assert_array_equal(pt, before)     # the caller's point is never overwritten
