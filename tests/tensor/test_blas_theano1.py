"""Theano 1.0's BLAS interface (``theano.tensor.blas``): the op instances and their names, complex
dtypes, error contracts, in-place semantics, ``Dot22``/``Dot22Scalar``, and the rewrites that turn
sums of scaled products into Gemm/Gemv/Ger. Values are compared with NumPy on the default backend
and on the reference VM, each function called three times."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.fg import InconsistencyError
from theano.tensor import blas
from theano.tensor.blas import (Dot22, Dot22Scalar, Gemm, Gemv, Ger, _dot22, _dot22scalar,
                                gemm_inplace, gemm_no_inplace, gemv_inplace, gemv_no_inplace, ger,
                                ger_destructive)
from theano.tensor.math import Dot

ALL_DTYPES = ("float32", "float64", "complex64", "complex128")
FLOATS = ("float32", "float64")


def _modes():
    return {"default": None, "py": theano.Mode(linker="py")}


def _value(shape, dtype, seed):
    r = np.random.RandomState(seed)
    v = r.uniform(-1, 1, size=shape)
    if dtype.startswith("complex"):
        v = v + 1j * r.uniform(-1, 1, size=shape)
    return v.astype(dtype)


def _tol(dtype):
    return 2e-5 if dtype in ("float32", "complex64") else 1e-12


def _scalar(value, dtype):
    if not dtype.startswith("complex"):
        value = value.real
    return np.asarray(value, dtype=dtype)


def _layouts(v):
    """``v`` (a matrix) as a C array, a Fortran array, a view with a step and a reversed view,
    all with the same values."""
    big = np.zeros((v.shape[0] * 2, v.shape[1] * 3), dtype=v.dtype)
    big[::2, ::3] = v
    rev = np.ascontiguousarray(v[::-1, ::-1])[::-1, ::-1]
    return [v.copy(), np.asfortranarray(v), big[::2, ::3], rev]


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def test_theano1_names_and_identities():
    assert gemm_no_inplace == Gemm(False) and gemm_inplace == Gemm(True)
    assert gemv_no_inplace == Gemv(False) and gemv_inplace == Gemv(True)
    assert ger == Ger(False) and ger_destructive == Ger(True) == Ger(destructive=True)
    assert ger_destructive.destructive and not ger.destructive
    assert blas.gemm is gemm_no_inplace and blas.gemv is gemv_no_inplace
    assert gemm_inplace.destroy_map == {0: [0]} and gemm_no_inplace.destroy_map == {}
    assert ger_destructive.destroy_map == {0: [0]} and ger.destroy_map == {}
    assert isinstance(_dot22, Dot22) and isinstance(_dot22, Dot)
    assert isinstance(_dot22scalar, Dot22Scalar)
    assert str(ger_destructive) == "Ger{destructive}"


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("mname", ["default", "py"])
def test_gemm_values_every_layout(dtype, mname):
    z, x, y = (T.matrix(n, dtype=dtype) for n in "zxy")
    a, b = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    f = theano.function([z, a, x, y, b], gemm_no_inplace(z, a, x, y, b), mode=_modes()[mname])
    av, bv = _scalar(0.7 - 0.2j, dtype), _scalar(-1.3 + 0.5j, dtype)
    for (m, k, n) in [(3, 5, 4), (1, 4, 1), (4, 1, 3), (2, 0, 3), (0, 3, 2)]:
        zv, xv, yv = _value((m, n), dtype, 1), _value((m, k), dtype, 2), _value((k, n), dtype, 3)
        expected = bv * zv + av * np.dot(xv, yv)
        for zl, xl, yl in zip(_layouts(zv), _layouts(xv)[::-1], _layouts(yv)[1:] + _layouts(yv)[:1]):
            keep = [zl.copy(), xl.copy(), yl.copy()]
            for _ in range(3):
                out = f(zl, av, xl, yl, bv)
                assert out.dtype == dtype and out.shape == (m, n)
                np.testing.assert_allclose(out, expected, rtol=_tol(dtype), atol=_tol(dtype))
            for before, after in zip(keep, (zl, xl, yl)):
                np.testing.assert_array_equal(before, after)  # nothing declared destroyed


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("mname", ["default", "py"])
def test_gemv_and_ger_values(dtype, mname):
    zv, A, xv = _value(4, dtype, 1), _value((4, 3), dtype, 2), _value(3, dtype, 3)
    yv = _value(3, dtype, 4)
    av, bv = _scalar(0.5 + 1j, dtype), _scalar(0.25 - 0.5j, dtype)
    z, x, y = (T.vector(n, dtype=dtype) for n in "zxy")
    Am = T.matrix("A", dtype=dtype)
    a, b = T.scalar("a", dtype=dtype), T.scalar("b", dtype=dtype)
    f = theano.function([z, a, Am, x, b], gemv_no_inplace(z, a, Am, x, b), mode=_modes()[mname])
    g = theano.function([Am, a, z, y], ger(Am, a, z, y), mode=_modes()[mname])
    for Al in _layouts(A):
        for xl in (xv, np.repeat(xv, 2)[::2], xv[::-1].copy()[::-1]):
            for _ in range(3):
                np.testing.assert_allclose(f(zv, av, Al, xl, bv), bv * zv + av * A.dot(xv),
                                           rtol=_tol(dtype), atol=_tol(dtype))
        for _ in range(3):
            # the unconjugated rank-1 update, as np.outer
            np.testing.assert_allclose(g(Al, av, zv, yv), A + av * np.outer(zv, yv),
                                       rtol=_tol(dtype), atol=_tol(dtype))
        np.testing.assert_array_equal(Al, A)


@pytest.mark.parametrize("dtype", ("float64", "complex64"))
def test_inplace_ops_overwrite_their_first_argument_only(dtype):
    z, x, y = (T.matrix(n, dtype=dtype) for n in "zxy")
    one = np.asarray(1, dtype=dtype)
    f = theano.function([z, x, y], gemm_inplace(z, one, x, y, one), accept_inplace=True)
    zv, xv, yv = _value((3, 4), dtype, 1), _value((3, 2), dtype, 2), _value((2, 4), dtype, 3)
    xk, yk = xv.copy(), yv.copy()
    for _ in range(3):
        zk = zv.copy()
        out = f(zv, xv, yv)
        np.testing.assert_allclose(zv, zk + xk.dot(yk), rtol=_tol(dtype), atol=_tol(dtype))
        np.testing.assert_allclose(out, zv, rtol=_tol(dtype))
    np.testing.assert_array_equal(xv, xk)
    np.testing.assert_array_equal(yv, yk)
    u, v = T.vector("u", dtype=dtype), T.vector("v", dtype=dtype)
    g = theano.function([z, u, v], ger_destructive(z, one, u, v), accept_inplace=True)
    uv, vv = _value(3, dtype, 5), _value(4, dtype, 6)
    zk = zv.copy()
    g(zv, uv, vv)
    np.testing.assert_allclose(zv, zk + np.outer(uv, vv), rtol=_tol(dtype), atol=_tol(dtype))


def test_errors_follow_theano1_contract():
    with pytest.raises(TypeError) as e:
        gemm_no_inplace([1.0], 1.0, [1.0], [1.0], 1.0)
    assert e.value.args[0] is Gemm.E_rank and "z must have 2 dimension" in str(e.value)
    with pytest.raises(TypeError) as e:
        gemm_no_inplace(T.dmatrix(), T.dvector(), T.dmatrix(), T.dmatrix(), 1.0)
    assert e.value.args[0] is Gemm.E_scalar
    with pytest.raises(TypeError) as e:
        gemm_no_inplace(T.dmatrix(), 1.0, T.fmatrix(), T.dmatrix(), 1.0)
    assert e.value.args[0] is Gemm.E_mixed
    with pytest.raises(TypeError) as e:
        gemm_no_inplace(T.imatrix(), 1, T.imatrix(), T.imatrix(), 1)
    assert e.value.args[0] is Gemm.E_float
    Z = T.as_tensor_variable(np.ones((2, 2)))
    A = T.dmatrix("A")
    for x, y in [(Z, Z), (Z, A), (A, Z.T), (Z.T, A)]:
        with pytest.raises(InconsistencyError) as e:
            gemm_inplace(Z, 1.0, x, y, 1.0)
        assert e.value.args[0] == Gemm.E_z_uniq
    gemm_no_inplace(Z, 1.0, Z, Z, 1.0)  # no aliasing problem when z is not overwritten
    gemm_inplace(Z, 1.0, A, A, 1.0)  # x and y may alias each other
    for args in [(T.imatrix(), T.iscalar(), T.ivector(), T.ivector()),
                 (T.fmatrix(), T.fmatrix(), T.fvector(), T.fvector()),
                 (T.fvector(), T.fscalar(), T.fvector(), T.fvector()),
                 (T.fmatrix(), T.fscalar(), T.fmatrix(), T.fvector()),
                 (T.dmatrix(), T.fscalar(), T.fvector(), T.fvector()),
                 (T.cmatrix(), T.fscalar(), T.fvector(), T.dvector())]:
        with pytest.raises(TypeError):
            ger(*args)
    assert ger(T.cmatrix(), T.cscalar(), T.cvector(), T.cvector()).type == T.cmatrix().type
    x, y, zz = T.dmatrices("x", "y", "zz")
    f = theano.function([zz, x, y], gemm_no_inplace(zz, 1.0, x, y, 1.0))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones((2, 2)), np.ones((2, 3)), np.ones((4, 2)))


def test_python_scales_take_the_matrix_dtype():
    v, m, u = T.fvector("v"), T.fmatrix("m"), T.fvector("u")
    out = gemv_no_inplace(v, 0.5, m, u, 0.25)
    assert out.dtype == "float32"
    mv, uv, vv = _value((3, 2), "float32", 1), _value(2, "float32", 2), _value(3, "float32", 3)
    for mode in _modes().values():
        f = theano.function([v, m, u], out, mode=mode)
        for _ in range(3):
            np.testing.assert_allclose(f(vv, mv, uv), 0.25 * vv + 0.5 * mv.dot(uv), rtol=2e-6)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_dot22_and_dot22scalar(dtype):
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    a = T.scalar("a", dtype=dtype)
    av = _scalar(0.3 - 2j, dtype)
    for mname, mode in _modes().items():
        f = theano.function([x, y, a], [_dot22(x, y), _dot22scalar(x, y, a)], mode=mode)
        for shapes in [((3, 4), (4, 5)), ((0, 4), (4, 5)), ((3, 0), (0, 5)), ((1, 1), (1, 1))]:
            xv, yv = _value(shapes[0], dtype, 1), _value(shapes[1], dtype, 2)
            xv = np.asfortranarray(xv)
            for _ in range(3):
                d, ds = f(xv, yv[::-1][::-1], av)
                np.testing.assert_allclose(d, xv.dot(yv), rtol=_tol(dtype), atol=_tol(dtype))
                np.testing.assert_allclose(ds, av * xv.dot(yv), rtol=_tol(dtype),
                                           atol=_tol(dtype))
                assert d.dtype == ds.dtype == dtype
    fs = theano.function([x, y, a], _dot22scalar(x, y, a).shape)
    assert tuple(fs(_value((2, 3), dtype, 1), _value((3, 4), dtype, 2), av)) == (2, 4)
    with pytest.raises(TypeError):
        _dot22(T.dmatrix(), T.fmatrix())
    with pytest.raises(TypeError):
        _dot22(T.dvector(), T.dmatrix())


def test_dot22scalar_gradient():
    rng = np.random.RandomState(3)
    theano.gradient.verify_grad(lambda x, y, a: _dot22scalar(x, y, a),
                                [rng.rand(3, 4), rng.rand(4, 2), np.asarray(0.7)], rng=rng)


# ---- rewrites ------------------------------------------------------------------------------------

X, Y, Z, R, S = (T.matrix(n) for n in "XYZRS")
a, b, c, d = (T.scalar(n) for n in "abcd")
v = T.vector("v")
INPUTS = [X, Y, Z, R, S, a, b, c, d, v]

# (expression, number of BLAS nodes) -- Theano 1.0's gemm optimizer patterns
PATTERNS = [
    (T.dot(X, Y) * a + Z * b, 1),
    (b * Z - a * T.dot(X, Y), 1),
    (a * T.dot(X, Y) - b * Z, 1),
    (b * Z.T - a * T.dot(Y.T, X.T), 1),
    (b * Z.T + a * b * T.dot(X, Y).T, 1),
    ((b * b) * Z * a - (a * a) * T.dot(X, Y) * b, 1),
    (Z - a * b * a * T.dot(X, Y), 1),
    (a * Z - b * (c * T.dot(X, Y) + d * Z), 1),
    (v + T.dot(X, Y) * a + Z * b, 1),
    (Z * c + a * T.dot(X, Y) + b * T.dot(R, S).T, 2),
    # repeated terms are one term with the sum of their scales
    (Z + Z + T.dot(X, Y), 1),
    (Z + T.dot(X, Y) + T.dot(X, Y), 1),
    ((b * b) * Z * a + (a * a) * T.dot(X, Y) + b * T.dot(X, Y), 1),
    (a * Z - b * (c * T.dot(X, Y) + d * Z + c * Z), 1),
    # a sum under a negation or a scaling that no bigger sum reads
    (-(Z + T.dot(X, Y)), 1),
    (a * (Z - T.dot(X, Y)), 1),
]


def _pattern_values(dtype):
    shapes = {X: (4, 3), Y: (3, 4), Z: (4, 4), R: (4, 5), S: (5, 4), v: (4,)}
    vals = []
    for k, i in enumerate(INPUTS):
        vals.append(_value(shapes.get(i, ()), dtype, k) if i.ndim else np.asarray(0.5 + 0.1 * k))
    return [np.asarray(x, dtype=dtype) for x in vals]


@pytest.mark.parametrize("k", range(len(PATTERNS)))
def test_sums_of_scaled_products_become_one_gemm_each(k):
    expr, n_blas = PATTERNS[k]
    dtype = theano.config.floatX
    ref = theano.function(INPUTS, expr, mode=theano.Mode(linker="py", optimizer="None"),
                          on_unused_input="ignore")
    vals = _pattern_values(dtype)
    expected = ref(*vals)
    for mode in _modes().values():
        f = theano.function(INPUTS, expr, mode=mode, on_unused_input="ignore")
        ops = _ops(f)
        assert sum(isinstance(o, Gemm) for o in ops) == n_blas, ops
        assert not any(isinstance(o, Dot) for o in ops), ops
        for _ in range(3):
            np.testing.assert_allclose(f(*vals), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", FLOATS)
def test_gemv_with_beta_and_strided_operands(dtype):
    A = T.matrix("A", dtype=dtype)
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    al, be = T.scalar("al", dtype=dtype), T.scalar("be", dtype=dtype)
    Av, xv, yv = _value((3, 3), dtype, 1), _value(6, dtype, 2), _value(3, dtype, 3)
    alv, bev = np.asarray(1.5, dtype), np.asarray(-0.5, dtype)
    for expr, ref in [(al * T.dot(A, x[::2]) + be * y, alv * Av.dot(xv[::2]) + bev * yv),
                      (al * T.dot(A.T, x[::2]) + be * y, alv * Av.T.dot(xv[::2]) + bev * yv),
                      (be * y - T.dot(x[::2], A), bev * yv - xv[::2].dot(Av))]:
        for mode in _modes().values():
            f = theano.function([A, x, y, al, be], expr, mode=mode, on_unused_input="ignore")
            assert any(isinstance(o, Gemv) for o in _ops(f)), _ops(f)
            for _ in range(3):
                np.testing.assert_allclose(f(Av[::-1, ::-1][::-1, ::-1], xv, yv, alv, bev), ref,
                                           rtol=_tol(dtype), atol=_tol(dtype))


def test_no_gemm_when_the_scale_upcasts():
    w, vv, t = T.fmatrix("w"), T.fmatrix("v"), T.fmatrix("t")
    al = T.dscalar("al")
    f = theano.function([w, vv, t, al], T.dot(w, vv) * al + t)
    assert not any(isinstance(o, Gemm) for o in _ops(f))
    wv, vvv, tv = (_value((3, 3), "float32", s) for s in (1, 2, 3))
    out = f(wv, vvv, tv, 0.1)
    assert out.dtype == "float64"
    np.testing.assert_allclose(out, wv.dot(vvv).astype("float64") * 0.1 + tv, rtol=1e-6)


def test_whole_sum_is_one_gemm_on_a_mutable_argument():
    # the inner sum waits for the outer one: Z is then read once, and overwritten in place
    expr = a * Z - b * (c * T.dot(X, Y) + d * Z)
    f = theano.function([theano.In(Z, mutable=True), X, Y, a, b, c, d], expr)
    assert [type(o) for o in _ops(f)].count(Gemm) == 1 and gemm_inplace in _ops(f), _ops(f)
    dt = theano.config.floatX
    zv, xv, yv = _value((2, 4), dt, 1), _value((2, 3), dt, 2), _value((3, 4), dt, 3)
    ref = 0.5 * zv - 2.0 * (3.0 * xv.dot(yv) + 0.25 * zv)
    out = f(zv, xv, yv, 0.5, 2.0, 3.0, 0.25)
    np.testing.assert_allclose(out, ref, rtol=1e-12)


def test_no_gemm_when_a_product_is_read_elsewhere():
    t = T.dot(X, Y)
    f = theano.function([X, Y, Z], [Z + t, t * 2])
    assert not any(isinstance(o, Gemm) for o in _ops(f))
    dt = theano.config.floatX
    zv, xv, yv = _value((3, 3), dt, 1), _value((3, 3), dt, 2), _value((3, 3), dt, 3)
    for _ in range(3):
        r1, r2 = f(xv, yv, zv)
        np.testing.assert_allclose(r1, zv + xv.dot(yv), rtol=1e-12)
        np.testing.assert_allclose(r2, 2 * xv.dot(yv), rtol=1e-12)


def test_blas_scipy_compat_module():
    import theano.tensor.blas_scipy as bs

    assert bs.have_fblas and bs.ScipyGer(destructive=True) == ger_destructive


def test_blas_c_compat_module():
    # Theano 1.0's C classes are the one Gemv and Ger here: the ops of compiled graphs are
    # instances of them, and they compute what NumPy does
    import theano.tensor.blas_c as bc

    assert T.blas_c is bc and bc.CGemv(inplace=False) == gemv_no_inplace
    assert bc.CGer(destructive=True) == ger_destructive
    dt = theano.config.floatX
    zv, Av, xv = _value((4,), dt, 1), _value((4, 3), dt, 2), _value((3,), dt, 3)
    z, A, x = T.vector(dtype=dt), T.matrix(dtype=dt), T.vector(dtype=dt)
    f = theano.function([z, A, x], bc.CGemv(False)(z, np.asarray(2.0, dt), A, x, np.asarray(0.5, dt)))
    assert any(isinstance(n.op, bc.CGemv) for n in f.maker.fgraph.toposort())
    for _ in range(3):
        np.testing.assert_allclose(f(zv, Av, xv), 0.5 * zv + 2 * Av.dot(xv), rtol=1e-5)


def test_gemm_works_in_place_on_a_mutable_argument():
    f = theano.function([theano.In(Z, mutable=True), X, Y, a, b], a * T.dot(X, Y) + b * Z)
    assert gemm_inplace in _ops(f), _ops(f)
    g = theano.function([Z, X, Y, a, b], a * T.dot(X, Y) + b * Z)
    assert gemm_no_inplace in _ops(g) and gemm_inplace not in _ops(g)
    dt = theano.config.floatX
    zv, xv, yv = _value((4, 4), dt, 1), _value((4, 3), dt, 2), _value((3, 4), dt, 3)
    keep = zv.copy()
    for _ in range(3):
        np.testing.assert_allclose(g(zv, xv, yv, 2.0, 0.5), 2 * xv.dot(yv) + 0.5 * keep)
    np.testing.assert_array_equal(zv, keep)


def test_matrix_products_become_dot22():
    for d1 in ALL_DTYPES:
        for d2 in ALL_DTYPES:
            x, y = T.matrix(dtype=d1), T.matrix(dtype=d2)
            f = theano.function([x, y], T.dot(x, y))
            ops = _ops(f)
            assert (_dot22 in ops) == (d1 == d2), (d1, d2, ops)
            xv, yv = _value((3, 4), d1, 1), _value((4, 2), d2, 2)
            for _ in range(3):
                np.testing.assert_allclose(f(xv, yv), np.dot(xv, yv), rtol=2e-5, atol=2e-5)


def test_rewrites_can_be_excluded_with_theano1_tag():
    mode = theano.compile.get_default_mode().excluding("BlasOpt")
    f = theano.function([X, Y, Z], Z + T.dot(X, Y), mode=mode)
    assert not any(isinstance(o, (Gemm, Dot22)) for o in _ops(f))


def test_transpose_inplace_is_a_view_that_inplace_gemm_refuses():
    from theano.tensor.inplace import transpose_inplace

    m = T.dmatrix("m")
    t = transpose_inplace(m)
    assert t.owner.op.view_map == {0: [0]} and not getattr(t.owner.op, "destroy_map", None)
    mv = _value((2, 3), "float64", 1)
    keep = mv.copy()
    for mode in _modes().values():
        f = theano.function([m], t * 2, mode=mode)
        for _ in range(3):
            np.testing.assert_array_equal(f(mv), 2 * keep.T)
    np.testing.assert_array_equal(mv, keep)
    with pytest.raises(InconsistencyError):
        gemm_inplace(m, 1.0, T.dmatrix("q"), transpose_inplace(m), 1.0)


def test_long_sum_of_scaled_products_is_a_chain_of_gemms():
    xs = [T.matrix(f"x{i}") for i in range(80)]
    w = T.matrix("w")
    expr = w
    for x in xs:
        expr = expr + 0.5 * T.dot(x, x)
    vals = [_value((2, 2), theano.config.floatX, i) for i in range(81)]
    ref = vals[0] + sum(0.5 * v.dot(v) for v in vals[1:])
    for mode in _modes().values():
        f = theano.function([w] + xs, expr, mode=mode)
        ops = _ops(f)
        assert len(ops) == 80 and all(isinstance(o, Gemm) for o in ops)
        for _ in range(3):
            np.testing.assert_allclose(f(*vals), ref, rtol=1e-12)
