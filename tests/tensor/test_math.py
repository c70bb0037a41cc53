"""Elementwise math (every scalar op through Elemwise), dtype rules, reductions, where/switch."""

import numpy as np
import pytest
import scipy.special as sp

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int, rand_pos
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


def rand_in(lo, hi, *shape, seed=None):
    return rand(*shape, low=lo, high=hi, seed=seed)


def _round_away(x):
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5))


# (name, T function, reference, (low, high) of the test values, check grad)
UNARY = [
    ("exp", T.exp, np.exp, (-1, 1), True),
    ("exp2", T.exp2, np.exp2, (-1, 1), True),
    ("expm1", T.expm1, np.expm1, (-1, 1), True),
    ("log", T.log, np.log, (0.1, 2), True),
    ("log2", T.log2, np.log2, (0.1, 2), True),
    ("log10", T.log10, np.log10, (0.1, 2), True),
    ("log1p", T.log1p, np.log1p, (-0.5, 2), True),
    ("sqrt", T.sqrt, np.sqrt, (0.1, 2), True),
    ("sin", T.sin, np.sin, (-3, 3), True),
    ("cos", T.cos, np.cos, (-3, 3), True),
    ("tan", T.tan, np.tan, (-1.2, 1.2), True),
    ("arcsin", T.arcsin, np.arcsin, (-0.9, 0.9), True),
    ("arccos", T.arccos, np.arccos, (-0.9, 0.9), True),
    ("arctan", T.arctan, np.arctan, (-3, 3), True),
    ("sinh", T.sinh, np.sinh, (-2, 2), True),
    ("cosh", T.cosh, np.cosh, (-2, 2), True),
    ("tanh", T.tanh, np.tanh, (-2, 2), True),
    ("arcsinh", T.arcsinh, np.arcsinh, (-2, 2), True),
    ("arccosh", T.arccosh, np.arccosh, (1.1, 3), True),
    ("arctanh", T.arctanh, np.arctanh, (-0.9, 0.9), True),
    ("erf", T.erf, sp.erf, (-2, 2), True),
    ("erfc", T.erfc, sp.erfc, (-2, 2), True),
    ("erfinv", T.erfinv, sp.erfinv, (-0.9, 0.9), True),
    ("erfcinv", T.erfcinv, sp.erfcinv, (0.1, 1.9), True),
    ("gamma", T.gamma, sp.gamma, (0.5, 3), True),
    ("gammaln", T.gammaln, sp.gammaln, (0.5, 3), True),
    ("psi", T.psi, sp.psi, (0.5, 3), True),
    ("tri_gamma", T.tri_gamma, lambda x: sp.polygamma(1, x), (0.5, 3), False),
    ("sigmoid", T.sigmoid, sp.expit, (-4, 4), True),
    ("softplus", T.softplus, lambda x: np.logaddexp(0, x), (-4, 4), True),
    ("sqr", T.sqr, np.square, (-2, 2), True),
    ("neg", T.neg, np.negative, (-2, 2), True),
    ("abs", T.abs_, np.abs, (0.1, 2), True),
    ("abs_neg", abs, np.abs, (-2, -0.1), True),
    ("inv", T.inv, np.reciprocal, (0.5, 2), True),
    ("identity", T.identity, lambda x: x, (-2, 2), True),
    ("sgn", T.sgn, np.sign, (-2, 2), True),
    ("floor", T.floor, np.floor, (-3, 3), True),
    ("ceil", T.ceil, np.ceil, (-3, 3), True),
    ("trunc", T.trunc, np.trunc, (-3, 3), True),
    ("round", T.round, np.round, (-3, 3), True),
    ("round_half_away_from_zero", T.round_half_away_from_zero, _round_away, (-3, 3), True),
    ("round_half_to_even", T.round_half_to_even, np.round, (-3, 3), True),
    ("tensor_copy", T.tensor_copy, lambda x: x, (-2, 2), True),
    ("j0", T.j0, sp.j0, (0.2, 4), True),
    ("j1", T.j1, sp.j1, (0.2, 4), True),
    ("i0", T.i0, sp.i0, (0.2, 3), True),
    ("i1", T.i1, sp.i1, (0.2, 3), True),
    ("erfcx", T.erfcx, sp.erfcx, (-1, 3), True),
    ("deg2rad", T.deg2rad, np.deg2rad, (-90, 90), True),
    ("rad2deg", T.rad2deg, np.rad2deg, (-3, 3), True),
]


def _unary_cases():
    cases = []
    for name, fn, ref, (lo, hi), grad in UNARY:
        for shape in ((3, 4), (0, 3), ()):
            vals = [rand_in(lo, hi, *shape) if shape else np.asarray(rand_in(lo, hi, 1)[0])]
            cases.append(OpCase(f"{name}{shape}", fn, ref, vals, dtypes=FLOATS,
                                grad=grad and shape != (0, 3)))
    return cases


@pytest.mark.parametrize("case", _unary_cases(), ids=lambda c: c.name)
def test_unary(case):
    check_case(case)


@pytest.mark.parametrize("name,fn,ref", [
    ("exp", T.exp, np.exp), ("sqrt", T.sqrt, np.sqrt), ("sin", T.sin, np.sin), ("log1p", T.log1p, np.log1p),
    ("sigmoid", T.sigmoid, sp.expit), ("gammaln", T.gammaln, sp.gammaln),
])
@pytest.mark.parametrize("dtype,out", [("int8", "float32"), ("int16", "float32"), ("uint8", "float32"),
                                       ("int32", "float64"), ("int64", "float64"), ("bool", "float32")])
def test_unary_int_inputs_upgrade_to_float(name, fn, ref, dtype, out):
    x = T.TensorType(dtype, (False,))()
    y = fn(x)
    assert y.dtype == out
    xv = np.array([0, 1, 3, 5]).astype(dtype)
    res = run(y, [x], [xv])
    assert res.dtype == out
    np.testing.assert_allclose(res, ref(xv.astype(out)), rtol=1e-6)


@pytest.mark.parametrize("name,fn,ref", [("sqr", T.sqr, np.square), ("neg", T.neg, np.negative),
                                         ("abs", T.abs_, np.abs), ("sgn", T.sgn, np.sign)])
@pytest.mark.parametrize("dtype", ["int8", "int32", "int64"])
def test_unary_int_keep_dtype(name, fn, ref, dtype):
    x = T.TensorType(dtype, (False,))()
    y = fn(x)
    assert y.dtype == dtype
    xv = rand_int(5, dtype=dtype)
    compare_backends([x], y, [xv], expected=ref(xv))
    # the gradient with respect to an integer input is zero (in floatX)
    g = T.grad(T.sum(T.cast(y, "float64")), x)
    np.testing.assert_array_equal(run(g, [x], [xv]), np.zeros(5))


@pytest.mark.parametrize("dtype", ["int8", "int32", "float64"])
def test_floor_ceil_round_of_ints_and_float_results(dtype):
    x = T.TensorType(dtype, (False,))()
    xv = np.array([-2, 0, 3]).astype(dtype)
    for f in (T.floor, T.ceil, T.trunc, T.round):
        assert f(x).dtype.startswith("float")
        np.testing.assert_array_equal(run(f(x), [x], [xv]), xv)
    assert T.iround(T.dvector()).dtype == "int64"
    v = T.dvector()
    halves = np.array([0.5, 1.5, -0.5, 2.4, -2.5])
    np.testing.assert_array_equal(run(T.iround(v), [v], [halves]), [0, 2, 0, 2, -2])  # NumPy's rule
    np.testing.assert_array_equal(run(T.iround(v, "half_away_from_zero"), [v], [halves]), [1, 2, -1, 2, -3])
    np.testing.assert_array_equal(run(v.round(), [v], [halves]), np.round(halves))
    np.testing.assert_array_equal(run(T.round(v, "half_to_even"), [v], [np.array([0.5, 1.5, 2.5])]),
                                  [0, 2, 2])
    with pytest.raises(ValueError, match="round mode"):
        T.round(v, "up")


def test_isnan_isinf():
    x = T.dvector()
    xv = np.array([0.0, np.nan, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(run(T.isnan(x), [x], [xv]), np.isnan(xv))
    np.testing.assert_array_equal(run(T.isinf(x), [x], [xv]), np.isinf(xv))
    assert T.isnan(x).dtype == "bool"
    i = T.ivector()
    np.testing.assert_array_equal(run(T.isnan(i), [i], [np.array([1, 2], dtype="int32")]), [False, False])


def test_complex_parts():
    z = T.zvector()
    zv = np.array([1 + 2j, -3 - 1j, 0.5j])
    for fn, ref, dt in ((T.real, np.real, "float64"), (T.imag, np.imag, "float64"),
                        (T.angle, np.angle, "float64"), (T.conj, np.conj, "complex128"),
                        (T.abs_, np.abs, "float64")):
        y = fn(z)
        assert y.dtype == dt, fn
        np.testing.assert_allclose(run(y, [z], [zv]), ref(zv))
    c = T.cvector()
    assert T.real(c).dtype == "float32" and T.abs_(c).dtype == "float32"
    with pytest.raises(TypeError, match="complex"):
        T.cast(z, "float64")
    # gradients through real/imag/angle/abs of a complex built from real inputs
    verify_grad(lambda a, b: T.angle(T.complex(a, b)), [rand(3), rand(3, seed=4)], mode=PY,
                rng=np.random.RandomState(0))
    verify_grad(lambda a, b: T.real(T.conj(T.complex(a, b))) + T.imag(T.conj(T.complex(a, b))) ** 2,
                [rand(3), rand(3, seed=4)], mode=PY, rng=np.random.RandomState(0))


def test_invert_and_bitwise():
    a, b = T.ivector(), T.ivector()
    av, bv = np.array([1, 6, -3], dtype="int32"), np.array([3, 5, 2], dtype="int32")
    for fn, ref in ((T.and_, np.bitwise_and), (T.or_, np.bitwise_or), (T.xor, np.bitwise_xor)):
        compare_backends([a, b], fn(a, b), [av, bv], expected=ref(av, bv))
    compare_backends([a], T.invert(a), [av], expected=np.invert(av))
    compare_backends([a, b], (a & b) | (a ^ b), [av, bv], expected=(av & bv) | (av ^ bv))
    p, q = T.TensorType("bool", (False,))(), T.TensorType("bool", (False,))()
    pv, qv = np.array([True, False, True]), np.array([True, True, False])
    compare_backends([p, q], T.and_(p, q), [pv, qv], expected=pv & qv)
    compare_backends([p], ~p, [pv], expected=~pv)
    with pytest.raises(TypeError, match="integer"):
        T.and_(T.dvector(), T.dvector())
    with pytest.raises(TypeError, match="integer"):
        T.invert(T.dvector())


# -------------------------------------------------------------------------------------------------
# binary and n-ary ops
# -------------------------------------------------------------------------------------------------

BINARY = [
    OpCase("add", T.add, np.add, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("add3", lambda a, b, c: T.add(a, b, c), lambda a, b, c: a + b + c,
           [rand(3), rand(3, seed=5), rand(3, seed=6)], dtypes=FLOATS),
    OpCase("sub", T.sub, np.subtract, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("mul", T.mul, np.multiply, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("mul3", lambda a, b, c: a * b * c, lambda a, b, c: a * b * c,
           [rand(2, 3), rand(2, 3, seed=5), rand(2, 3, seed=6)], dtypes=FLOATS),
    OpCase("true_div", T.true_div, np.true_divide, [rand(3, 4), rand_pos(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("int_div_float", T.int_div, np.floor_divide, [rand_in(-5, 5, 3, 4), rand_pos(3, 4, seed=5)],
           dtypes=FLOATS),
    # x / y stays away from integers, where mod jumps (finite differences would see the jump)
    OpCase("mod_float", T.mod, np.mod,
           [np.concatenate([rand_in(2.1, 2.9, 2, 3), rand_in(-2.9, -2.1, 2, 3, seed=3)]),
            rand_in(1.0, 1.04, 4, 3, seed=5)], dtypes=FLOATS),
    OpCase("pow", T.pow, np.power, [rand_pos(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("maximum", T.maximum, np.maximum, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("minimum", T.minimum, np.minimum, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("arctan2", T.arctan2, np.arctan2, [rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("row_plus_matrix", lambda r, m: T.addbroadcast(r, 0) + m, np.add, [rand(1, 4), rand(3, 4)],
           dtypes=FLOATS),
    OpCase("col_times_matrix", lambda c, m: T.addbroadcast(c, 1) * m, np.multiply,
           [rand(3, 1), rand(3, 4, seed=8)], dtypes=FLOATS),
    OpCase("vector_plus_matrix", lambda v, m: v + m, np.add, [rand(4), rand(3, 4, seed=8)], dtypes=FLOATS),
    OpCase("scalar_times_tensor3", lambda s, t: s * t, np.multiply, [np.asarray(1.7), rand(2, 3, 2)],
           dtypes=FLOATS),
    OpCase("empty_plus_row", lambda m, r: m + T.addbroadcast(r, 0), np.add, [rand(0, 3), rand(1, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("sub_bcast_both", lambda a, b: T.addbroadcast(a, 1) - T.addbroadcast(b, 0), np.subtract,
           [rand(3, 1), rand(1, 4, seed=3)], dtypes=FLOATS),
    OpCase("pow_const", lambda a: a ** 3, lambda a: a ** 3, [rand(3, 2)], dtypes=FLOATS),
    OpCase("rpow", lambda a: 2 ** a, lambda a: 2.0 ** a, [rand(3, 2)], dtypes=FLOATS),
    OpCase("rtruediv", lambda a: 1 / a, lambda a: 1 / a, [rand_pos(3)], dtypes=FLOATS),
    OpCase("clip", lambda x: T.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), [rand(4, 5)],
           dtypes=FLOATS),
    OpCase("clip_sym_bounds", T.clip, lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
           [rand(4, 5), rand_in(-0.8, -0.1, 4, 5, seed=3), rand_in(0.1, 0.8, 4, 5, seed=4)], dtypes=FLOATS),
    OpCase("switch", lambda c, a, b: T.switch(c, a, b), np.where,
           [rand_int(3, 4, low=0, high=2), rand(3, 4), rand(3, 4, seed=5)], dtypes=FLOATS),
    OpCase("where_bcast", lambda c, a, b: T.where(T.gt(c, 0), a, T.addbroadcast(b, 0)),
           lambda c, a, b: np.where(c > 0, a, b), [rand(3, 4, seed=11), rand(3, 4), rand(1, 4, seed=5)],
           dtypes=FLOATS),
    OpCase("fill", lambda m, v: T.fill(m, v), lambda m, v: np.broadcast_to(v, m.shape),
           [rand(3, 2), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("second_like", lambda m: T.ones_like(m) * 2 + T.zeros_like(m), lambda m: np.full(m.shape, 2.0),
           [rand(3, 2)], dtypes=FLOATS),
]


BINARY += [
    OpCase("jv", lambda x: T.jv(T.constant(1.5), x), lambda x: sp.jv(1.5, x), [rand_pos(3, 4)], dtypes=FLOATS),
    OpCase("iv", lambda x: T.iv(T.constant(2.0), x), lambda x: sp.iv(2.0, x), [rand_pos(3, 4)], dtypes=FLOATS),
    OpCase("jv_both", lambda v, x: T.jv(v, x), sp.jv, [rand_in(0, 3, 4), rand_pos(4)], dtypes=FLOATS,
           grad=False),
    OpCase("gammainc", lambda x: T.gammainc(T.constant(2.5), x), lambda x: sp.gammainc(2.5, x),
           [rand_pos(3, 4)], dtypes=FLOATS),
    OpCase("gammaincc", lambda x: T.gammaincc(T.constant(0.7), x), lambda x: sp.gammaincc(0.7, x),
           [rand_pos(3, 4)], dtypes=FLOATS),
    OpCase("chi2sf", lambda x, k: T.chi2sf(x, k), lambda x, k: sp.chdtrc(k, x),
           [rand_pos(3, 4), rand_in(1, 4, 3, 4, seed=3)], dtypes=FLOATS, grad=False),
    OpCase("ptp", lambda x: T.ptp(x, axis=1), lambda x: np.ptp(x, axis=1), [rand(3, 4)], dtypes=FLOATS),
    OpCase("largest", lambda a, b, c: T.largest(a, b, c), lambda a, b, c: np.maximum(np.maximum(a, b), c),
           [rand(3), rand(3, seed=4), rand(3, seed=5)], dtypes=FLOATS),
    OpCase("smallest", lambda a, b: T.smallest(a, b), np.minimum, [rand(3), rand(3, seed=4)], dtypes=FLOATS),
    OpCase("complex", lambda a, b: T.abs_(T.complex(a, b)), lambda a, b: np.abs(a + 1j * b),
           [rand(3), rand(3, seed=4)], dtypes=FLOATS),
    OpCase("complex_real_part", lambda a, b: T.real(T.complex(a, b)) * T.imag(T.complex(a, b)),
           lambda a, b: a * b, [rand(3), rand(3, seed=4)], dtypes=FLOATS),
    OpCase("complex_from_polar", lambda r, t: T.complex_from_polar(r, t),
           lambda r, t: r * np.exp(1j * t), [rand_pos(3), rand(3, seed=4)], dtypes=FLOATS, grad=False),
]


@pytest.mark.parametrize("case", BINARY, ids=lambda c: c.name)
def test_binary(case):
    check_case(case)


@pytest.mark.parametrize("case", [
    OpCase("cmp_" + n, f, r, [rand_int(3, 4), rand_int(3, 4, seed=5)], grad=False)
    for n, f, r in (("lt", T.lt, np.less), ("gt", T.gt, np.greater), ("le", T.le, np.less_equal),
                    ("ge", T.ge, np.greater_equal), ("eq", T.eq, np.equal), ("neq", T.neq, np.not_equal))
] + [
    OpCase("cmp_float_" + n, f, r, [rand(3, 4), np.asarray(0.1)], dtypes=FLOATS, grad=False)
    for n, f, r in (("lt", T.lt, np.less), ("ge", T.ge, np.greater_equal))
], ids=lambda c: c.name)
def test_comparisons(case):
    check_case(case)


def test_comparison_operators_and_grad():
    x, y = T.dvector(), T.dvector()
    assert (x < y).dtype == "bool" and (x >= 1).dtype == "bool"
    xv, yv = rand(5), rand(5, seed=9)
    np.testing.assert_array_equal(run(x < y, [x, y], [xv, yv]), xv < yv)
    np.testing.assert_array_equal(run(x >= 0, [x], [xv]), xv >= 0)
    g = T.grad(T.sum(T.switch(x < y, x, 2 * y)), [x, y])
    gx, gy = run(g, [x, y], [xv, yv])
    np.testing.assert_array_equal(gx, (xv < yv) * 1.0)
    np.testing.assert_array_equal(gy, (xv >= yv) * 2.0)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64"])
def test_int_div_and_mod_python_semantics(dtype):
    a, b = T.TensorType(dtype, (False,))(), T.TensorType(dtype, (False,))()
    av = np.array([7, -7, 7, -7, 0, 5]).astype(dtype)
    bv = np.array([2, 2, -2, -2, 3, 5]).astype(dtype)
    q = compare_backends([a, b], a // b, [av, bv])
    r = compare_backends([a, b], a % b, [av, bv])
    assert q.dtype == dtype and r.dtype == dtype
    assert list(q) == [int(x) // int(y) for x, y in zip(av, bv)]
    assert list(r) == [int(x) % int(y) for x, y in zip(av, bv)]
    np.testing.assert_array_equal(q * bv + r, av)
    d = a / b
    assert d.dtype == theano.config.floatX
    np.testing.assert_allclose(run(d, [a, b], [av, bv]), av / bv)


def test_mod_float_negative_and_grad():
    x = T.dvector()
    xv = np.array([-5.5, -0.3, 2.7, 4.1])
    np.testing.assert_allclose(run(x % 2.0, [x], [xv]), np.mod(xv, 2.0))
    np.testing.assert_allclose(run(T.int_div(x, 2.0), [x], [xv]), xv // 2.0)
    np.testing.assert_allclose(run(T.grad(T.sum(x % 2.0), x), [x], [xv]), np.ones(4))


@pytest.mark.parametrize("a,b,out", [
    ("int8", "float32", "float32"), ("int16", "float32", "float32"), ("int32", "float32", "float64"),
    ("int64", "float32", "float64"), ("uint8", "int8", "int16"), ("int8", "int64", "int64"),
    ("float32", "float64", "float64"), ("bool", "bool", "int8"), ("bool", "int32", "int32"),
    ("float32", "complex64", "complex64"), ("float64", "complex64", "complex128"),
])
def test_dtype_rules_add_mul(a, b, out):
    x, y = T.TensorType(a, (False,))(), T.TensorType(b, (False,))()
    assert (x + y).dtype == out
    assert (x * y).dtype == out
    xv = np.array([1, 0, 1]).astype(a)
    yv = np.array([1, 1, 0]).astype(b)
    res = run(x + y, [x, y], [xv, yv])
    assert res.dtype == out
    np.testing.assert_array_equal(res, xv.astype(out) + yv.astype(out))


@pytest.mark.parametrize("a,b,out", [("int8", "int8", "float64"), ("int32", "int64", "float64"),
                                     ("int8", "float32", "float32"), ("int64", "float32", "float64"),
                                     ("float32", "float32", "float32"), ("bool", "int8", "float64")])
def test_true_div_dtypes(a, b, out):
    assert (T.TensorType(a, ())() / T.TensorType(b, ())()).dtype == out


def test_python_constant_dtypes():
    f = T.fvector()
    assert (f + 1).dtype == "float32"          # 1 is int8
    assert (f * 0.5).dtype == "float32"        # 0.5 is exact in float32
    assert (f * 0.1).dtype == "float64"        # 0.1 is not
    assert (T.ivector() * 2).dtype == "int32"
    assert (T.bvector() + 300).dtype == "int16"
    assert (T.ivector() + 1.5).dtype == "float64"  # int32 + float32 -> float64
    assert (T.bvector() + 1.5).dtype == "float32"
    assert T.constant(2 ** 40).dtype == "int64"
    assert T.constant(1e300).dtype == "float64"
    assert T.constant(True).dtype == "bool"


def test_strict_broadcasting():
    a, b = T.dmatrix(), T.dmatrix()
    f = theano.function([a, b], a + b, mode=PY)
    with pytest.raises(ValueError, match="broadcast"):
        f(rand(1, 3), rand(4, 3))
    r = T.row()
    g = theano.function([r, b], r + b, mode=PY)
    np.testing.assert_allclose(g(rand(1, 3), rand(4, 3)), rand(1, 3) + rand(4, 3))
    # a row of length-1 rows still adds to an empty matrix
    assert g(rand(1, 3), np.zeros((0, 3))).shape == (0, 3)
    with pytest.raises(ValueError, match="mismatch"):
        f(rand(2, 3), rand(4, 3))


def test_elemwise_errors():
    with pytest.raises(TypeError):
        T.exp(T.dvector(), T.dvector())
    with pytest.raises(TypeError):
        T.add(T.dvector(), "a")
    with pytest.raises(TypeError, match="complex"):
        T.erfc(T.zvector())     # (erf takes complex inputs, as in Theano 1.0)
    with pytest.raises(TypeError, match="complex"):
        T.floor(T.zvector())


def test_maximum_ties_and_int_grads():
    x, y = T.dvector(), T.dvector()
    xv = np.array([1.0, 2.0, 3.0])
    yv = np.array([0.0, 2.5, 3.0])
    gx, gy = run(T.grad(T.sum(T.maximum(x, y)), [x, y]), [x, y], [xv, yv])
    np.testing.assert_array_equal(gx, [1, 0, 1])
    np.testing.assert_array_equal(gy, [0, 1, 0])  # a tie's gradient goes to the first input (Theano)
    i = T.ivector()
    g = T.grad(T.sum(T.arctan2(i, x)), [x])[0]
    assert g.dtype == "float64"
    run(g, [i, x], [np.array([1, 2, 3], dtype="int32"), xv + 1])


def test_clip_grad_edges():
    x = T.dvector()
    xv = np.array([-2.0, -0.2, 0.3, 2.0])
    g = run(T.grad(T.sum(T.clip(x, -1, 1)), x), [x], [xv])
    np.testing.assert_array_equal(g, [0, 1, 1, 0])
    assert x.clip(0, 1).dtype == "float64"


def test_clip_grad_when_the_bounds_are_x():
    # the gradient follows minimum(maximum(x, lo), hi) through every input, also when a bound is x
    # itself (each case checked against finite differences away from the kinks)
    xv = np.array([[-1.3, -0.4, 0.6, 1.7], [0.9, -2.1, 0.35, -0.75]])
    rng = np.random.RandomState(5)
    for fn in (lambda v: T.clip(v, 0, v), lambda v: T.clip(v, v, 0), lambda v: T.clip(0, v, v),
               lambda v: T.clip(v, v, v), lambda v: T.clip(v, v * 0.5, 1), lambda v: T.clip(2 * v, v, 1)):
        verify_grad(fn, [xv], rng=rng, mode=PY)


def _theano1_clip(x, lo, hi):
    # Theano 1.0's rule, written independently of the op: lo below lo, else hi above hi, else x
    x, lo, hi = np.broadcast_arrays(*[np.asarray(v) for v in (x, lo, hi)])
    out = np.array(x, dtype=np.result_type(x, lo, hi), copy=True)
    for k in np.ndindex(*x.shape):
        if x[k] < lo[k]:
            out[k] = lo[k]
        elif x[k] > hi[k]:
            out[k] = hi[k]
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_clip_lower_bound_above_upper_follows_theano1(dtype):
    # min > max (Theano's BackwardsClipTester): min where x < min, max elsewhere (numpy.clip
    # gives max everywhere); per-element bounds, on every backend path, called several times
    x = T.matrix(dtype=dtype)
    lo, hi = T.matrix(dtype=dtype), T.matrix(dtype=dtype)
    xv = (5 * rand(4, 3, seed=7)).astype(dtype)
    lov = np.full((4, 3), 1, dtype=dtype)
    hiv = np.full((4, 3), -1, dtype=dtype)
    lov[0], hiv[0] = -1, 1                      # an ordinary row among the backwards ones
    expected = _theano1_clip(xv, lov, hiv)
    assert not np.array_equal(expected, np.clip(xv, lov, hiv))   # the case tells them apart
    for _ in range(3):
        out = compare_backends([x, lo, hi], T.clip(x, lo, hi), [xv, lov, hiv],
                               modes=("py", "py_opt", "auto"), expected=expected)
        assert out.dtype == dtype
    # fused with other elementwise ops (the native backend's kernels)
    compare_backends([x, lo, hi], T.clip(2 * x, lo, hi) + 1, [xv, lov, hiv],
                     modes=("py", "auto"), expected=_theano1_clip(2 * xv, lov, hiv) + 1)


def test_clip_nan_and_mixed_dtypes_follow_theano1():
    # a NaN x stays NaN; a NaN bound is never taken (the comparisons with it are false)
    x, lo, hi = T.dvector(), T.dscalar(), T.dscalar()
    xv = np.array([np.nan, -3.0, 0.5, 3.0, -np.inf, np.inf])
    for lov, hiv in ((-1.0, 1.0), (1.0, -1.0), (np.nan, 1.0), (-1.0, np.nan)):
        compare_backends([x, lo, hi], T.clip(x, lo, hi), [xv, lov, hiv], modes=("py", "auto"),
                         expected=_theano1_clip(xv, lov, hiv))
    # integer x with float bounds: the upcast dtype
    i = T.ivector()
    iv = np.array([-5, -1, 0, 2, 7], dtype="int32")
    out = compare_backends([i, lo, hi], T.clip(i, lo, hi), [iv, 2.5, -1.5], modes=("py", "auto"),
                           expected=_theano1_clip(iv, 2.5, -1.5))
    assert out.dtype == "float64"


def test_clip_lower_bound_above_upper_gradient():
    # the gradient goes to the input the output is: min where x < min, max elsewhere
    x = T.dmatrix()
    lo, hi = T.dscalar(), T.dscalar()
    xv = 5 * rand(4, 3)
    g = T.grad(T.sum(T.clip(x, lo, hi)), [x, lo, hi])
    for mode in ("py", "auto"):
        f = theano.function([x, lo, hi], g, mode=theano.Mode(linker=mode, optimizer="fast_run"))
        for _ in range(3):
            gx, glo, ghi = f(xv, 1.0, -1.0)
            assert np.all(gx == 0)
            assert glo == np.sum(xv < 1.0) and ghi == np.sum(xv >= 1.0)
    # and against finite differences away from the kinks, with per-element backwards bounds
    lov = np.full((4, 3), 0.7)
    hiv = np.full((4, 3), -0.6)
    verify_grad(lambda a, b, c: T.clip(a, b, c), [xv, lov, hiv], rng=np.random.RandomState(3),
                mode=PY)


def test_cast():
    x = T.dvector()
    xv = np.array([1.7, -2.2, 0.0])
    for dt in ("int8", "int32", "int64", "float32", "bool", "uint8", "complex64"):
        y = T.cast(x, dt)
        assert y.dtype == dt
        np.testing.assert_array_equal(run(y, [x], [xv]), xv.astype(dt))
    assert T.cast(x, "float64") is x
    assert T.cast(x, "floatX").dtype == theano.config.floatX
    f = T.fvector()
    verify_grad(lambda v: T.cast(v, "float32") * 3, [rand(4)], mode=PY, rng=np.random.RandomState(1))
    g = T.grad(T.sum(T.cast(f, "float64") ** 2), f)
    assert g.dtype == "float32"
    assert T.grad(T.sum(T.cast(T.cast(x, "int32"), "float64")), x).dtype == "float64"
    with pytest.raises(TypeError):
        T.cast(x, "not_a_dtype")


def test_inplace_elemwise_writes_input_buffer():
    from theano.scalar import basic as ts

    op = T.Elemwise(ts.add, {0: 0})
    x, y = T.dvector(), T.dvector()
    out = op(x, y)
    assert op.destroy_map == {0: [0]}
    a = np.ones(3)
    f = theano.function([x, y], out, mode=PY, accept_inplace=True)
    assert f(a, np.ones(3)).tolist() == [2, 2, 2]
    assert a.tolist() == [2, 2, 2]
    with pytest.raises(TypeError, match="inplace"):     # only with accept_inplace=True
        run(out, [x, y], [np.ones(3), np.ones(3)])
    with pytest.raises(TypeError, match="overwritten"):
        op(T.fvector(), T.dvector())


# -------------------------------------------------------------------------------------------------
# reductions
# -------------------------------------------------------------------------------------------------

AXES = [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2)]


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


REDUCE = []
for _axis in AXES:
    for _kd in (False, True):
        _id = f"{_axis}_{_kd}"
        REDUCE += [
            OpCase(f"sum_{_id}", lambda x, a=_axis, k=_kd: T.sum(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.sum(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
            OpCase(f"prod_{_id}", lambda x, a=_axis, k=_kd: T.prod(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.prod(x, axis=a, keepdims=k), [rand(2, 3, 2)], dtypes=FLOATS),
            OpCase(f"mean_{_id}", lambda x, a=_axis, k=_kd: T.mean(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.mean(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
            OpCase(f"max_{_id}", lambda x, a=_axis, k=_kd: T.max(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.max(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
            OpCase(f"min_{_id}", lambda x, a=_axis, k=_kd: T.min(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.min(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
            OpCase(f"var_{_id}", lambda x, a=_axis, k=_kd: T.var(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.var(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
            OpCase(f"std_{_id}", lambda x, a=_axis, k=_kd: T.std(x, axis=a, keepdims=k),
                   lambda x, a=_axis, k=_kd: np.std(x, axis=a, keepdims=k), [rand(2, 3, 4)], dtypes=FLOATS),
        ]
REDUCE += [
    OpCase("prod_one_zero", lambda x: T.prod(x, axis=1),
           lambda x: np.prod(x, axis=1), [np.array([[1.5, 0.0, 2.0], [0.5, -1.0, 3.0]])], dtypes=FLOATS),
    OpCase("prod_two_zeros", lambda x: T.prod(x, axis=0),
           lambda x: np.prod(x, axis=0), [np.array([[0.0, 0.0, 2.0], [0.0, -1.0, 3.0]])], dtypes=FLOATS),
    OpCase("prod_all_with_zero", lambda x: T.prod(x), np.prod, [np.array([[1.5, 0.0], [2.0, 3.0]])],
           dtypes=FLOATS),
    OpCase("sum_empty", lambda x: T.sum(x, axis=0), lambda x: np.sum(x, axis=0), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("prod_empty", lambda x: T.prod(x, axis=1), lambda x: np.prod(x, axis=1), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("var_ddof", lambda x: T.var(x, axis=0, ddof=1), lambda x: np.var(x, axis=0, ddof=1),
           [rand(4, 3)], dtypes=FLOATS),
    OpCase("std_ddof", lambda x: T.std(x, ddof=1), lambda x: np.std(x, ddof=1), [rand(4, 3)], dtypes=FLOATS),
    OpCase("sum_vector", lambda x: x.sum(), np.sum, [rand(5)], dtypes=FLOATS),
    OpCase("mean_method", lambda x: x.mean(axis=1), lambda x: x.mean(axis=1), [rand(3, 5)], dtypes=FLOATS),
    OpCase("sum_scalar", lambda x: T.sum(x), np.sum, [np.asarray(1.5)], dtypes=FLOATS),
    OpCase("norm2", lambda x: x.norm(2, axis=1), lambda x: np.linalg.norm(x, axis=1), [rand(3, 4)],
           dtypes=FLOATS),
    OpCase("norm1", lambda x: x.norm(1), lambda x: np.abs(x).sum(), [rand(3, 4)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", REDUCE, ids=lambda c: c.name)
def test_reduce(case):
    check_case(case)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_argmax_argmin(axis, keepdims, dtype):
    x = T.TensorType(dtype, (False, False, False))()
    xv = (rand(3, 4, 2) * 10).astype(dtype)
    xv.reshape(-1)[:3] = xv.reshape(-1)[0]  # ties: the first index wins, as in NumPy

    def np_arg(fn):
        if isinstance(axis, tuple):
            keep = [d for d in range(3) if d not in axis]
            moved = xv.transpose(keep + list(axis)).reshape([xv.shape[d] for d in keep] + [-1])
            r = fn(moved, axis=-1)
            if keepdims:
                r = r.reshape([1 if d in axis else xv.shape[d] for d in range(3)])
            return r
        return fn(xv, axis=axis, keepdims=keepdims)

    for tfn, nfn in ((T.argmax, np.argmax), (T.argmin, np.argmin)):
        out = tfn(x, axis=axis, keepdims=keepdims)
        assert out.dtype == "int64"
        res = compare_backends([x], out, [xv], expected=np_arg(nfn))
        assert res.shape == np_arg(nfn).shape
        check_infer_shape([x], out, [xv])
    mx, am = T.max_and_argmax(x, axis=axis, keepdims=keepdims)
    rmx, ram = run([mx, am], [x], [xv])
    np.testing.assert_array_equal(ram, np_arg(np.argmax))
    if not isinstance(axis, tuple):
        np.testing.assert_array_equal(rmx, np.max(xv, axis=axis, keepdims=keepdims))


def test_argmax_grad_is_zero_and_max_grad():
    x = T.dmatrix()
    xv = rand(3, 4)
    g = T.grad(T.sum(T.argmax(x, axis=1)) * 1.0 + T.sum(x) * 0, x)
    np.testing.assert_array_equal(run(g, [x], [xv]), np.zeros((3, 4)))
    mx, am = T.max_and_argmax(x, axis=0)
    verify_grad(lambda v: T.max_and_argmax(v, axis=0)[0], [xv], mode=PY, rng=np.random.RandomState(4))
    with pytest.raises(ValueError, match="empty"):
        run(T.argmax(x, axis=0), [x], [np.zeros((0, 3))])
    with pytest.raises(ValueError, match="empty"):
        run(T.max(x, axis=0), [x], [np.zeros((0, 3))])


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_all_any(axis, keepdims):
    for dtype in ("bool", "int32", "float64"):
        x = T.TensorType(dtype, (False, False))()
        xv = (rand_int(3, 4, low=0, high=2, seed=3)).astype(dtype)
        xv[0] = 1
        for tfn, nfn in ((T.all, np.all), (T.any, np.any)):
            out = tfn(x, axis=axis, keepdims=keepdims)
            assert out.dtype == "bool"
            compare_backends([x], out, [xv], expected=nfn(xv, axis=axis, keepdims=keepdims))
    x = T.dmatrix()
    np.testing.assert_array_equal(run(x.all(axis=0), [x], [np.zeros((0, 3))]), np.ones(3, bool))
    np.testing.assert_array_equal(run(x.any(axis=0), [x], [np.zeros((0, 3))]), np.zeros(3, bool))


@pytest.mark.parametrize("dtype,sum_dt,mean_dt", [
    ("int8", "int64", "float64"), ("int32", "int64", "float64"), ("uint8", "uint64", "float64"),
    ("bool", "int64", "float64"), ("float32", "float32", "float32"), ("float64", "float64", "float64"),
    ("int64", "int64", "float64"),
])
def test_reduce_dtypes(dtype, sum_dt, mean_dt):
    x = T.TensorType(dtype, (False, False))()
    assert T.sum(x).dtype == sum_dt
    assert T.prod(x).dtype == sum_dt
    assert T.mean(x).dtype == mean_dt
    assert T.max(x).dtype == dtype
    xv = (rand_int(3, 4, low=0, high=3)).astype(dtype)
    np.testing.assert_allclose(run(T.sum(x, axis=0), [x], [xv]), xv.sum(axis=0, dtype=sum_dt))
    np.testing.assert_allclose(run(T.mean(x), [x], [xv]), xv.mean())
    np.testing.assert_allclose(run(T.var(x, axis=1), [x], [xv]), xv.astype("float64").var(axis=1))
    assert T.sum(x, dtype="float32").dtype == "float32"
    assert T.sum(x, acc_dtype="float64").dtype == sum_dt


def test_float32_sum_accumulates_in_float64():
    x = T.fvector()
    xv = np.full(100000, 0.1, dtype="float32")
    res = run(T.sum(x), [x], [xv])
    assert res.dtype == np.float32
    np.testing.assert_allclose(res, xv.astype("float64").sum(), rtol=1e-6)


def test_reduce_axis_errors():
    x = T.dmatrix()
    for fn in (T.sum, T.prod, T.mean, T.max, T.min, T.argmax, T.argmin, T.all, T.any, T.var, T.std):
        with pytest.raises(ValueError, match="out of range"):
            fn(x, axis=2)
        with pytest.raises(ValueError, match="out of range"):
            fn(x, axis=-3)
        with pytest.raises(TypeError, match="axis"):
            fn(x, axis=1.5)
    with pytest.raises(ValueError, match="repeated"):
        T.sum(x, axis=(0, -2))
    with pytest.raises(TypeError, match="axis"):
        T.sum(x, axis=T.lscalar())
    # a constant symbolic axis is fine
    assert T.sum(x, axis=T.constant(1)).ndim == 1


def test_prod_grad_zero_counts():
    x = T.dvector()
    g = T.grad(T.prod(x), x)
    np.testing.assert_allclose(run(g, [x], [np.array([2.0, 3.0, 4.0])]), [12, 8, 6])
    np.testing.assert_allclose(run(g, [x], [np.array([2.0, 0.0, 4.0])]), [0, 8, 0])
    np.testing.assert_allclose(run(g, [x], [np.array([0.0, 0.0, 4.0])]), [0, 0, 0])
    i = T.ivector()
    gi = T.grad(T.sum(T.prod(i) * x), i)
    np.testing.assert_array_equal(run(gi, [i, x], [np.array([1, 2], "int32"), np.ones(3)]), [0, 0])


def test_mean_var_empty_and_keepdims_shapes():
    x = T.dtensor3()
    for fn in (T.sum, T.mean, T.max, T.var):
        out = fn(x, axis=(0, 2), keepdims=True)
        assert out.broadcastable == (True, False, True)
        assert run(out, [x], [rand(2, 3, 4)]).shape == (1, 3, 1)
    assert T.sum(x, axis=[]).ndim == 3


# -------------------------------------------------------------------------------------------------
# dot / outer
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [
    OpCase("dot_mm", T.dot, np.dot, [rand(3, 4), rand(4, 2, seed=5)], dtypes=FLOATS),
    OpCase("dot_mv", T.dot, np.dot, [rand(3, 4), rand(4, seed=5)], dtypes=FLOATS),
    OpCase("dot_vm", T.dot, np.dot, [rand(4), rand(4, 2, seed=5)], dtypes=FLOATS),
    OpCase("dot_vv", T.dot, np.dot, [rand(4), rand(4, seed=5)], dtypes=FLOATS),
    OpCase("dot_empty", T.dot, np.dot, [rand(3, 0), rand(0, 2, seed=5)], dtypes=FLOATS, grad=False),
    OpCase("outer", T.outer, np.outer, [rand(3), rand(4, seed=5)], dtypes=FLOATS),
    OpCase("matmul_op", lambda a, b: a @ b, np.matmul, [rand(2, 3), rand(3, 2, seed=5)], dtypes=FLOATS),
], ids=lambda c: c.name)
def test_dot(case):
    check_case(case)


def test_special_dtypes_and_undefined_grads():
    assert T.complex(T.fvector(), T.fvector()).dtype == "complex64"
    assert T.complex(T.dvector(), T.ivector()).dtype == "complex128"
    assert T.jv(T.ivector(), T.ivector()).dtype == "float64"
    assert T.j0(T.bvector()).dtype == "float32"
    with pytest.raises(TypeError, match="complex"):
        T.j0(T.zvector())
    v, x = T.dscalar(), T.dscalar()
    with pytest.raises(Exception, match="(?i)undefined|not implemented"):
        T.grad(T.jv(v, x), v)
    with pytest.raises(Exception, match="(?i)undefined|not implemented"):
        T.grad(T.tri_gamma(x), x)
    assert T.power is T.pow


def test_isclose_allclose_ceil_intdiv():
    a, b = T.dvector(), T.dvector()
    av = np.array([1.0, np.inf, np.nan, 5.0, -np.inf, 0.0])
    bv = np.array([1.000001, np.inf, np.nan, 5.1, np.inf, 1e-9])
    np.testing.assert_array_equal(run(T.isclose(a, b), [a, b], [av, bv]), np.isclose(av, bv))
    np.testing.assert_array_equal(run(T.isclose(a, b, equal_nan=True), [a, b], [av, bv]),
                                  np.isclose(av, bv, equal_nan=True))
    np.testing.assert_array_equal(run(T.isclose(a, b, rtol=0.1), [a, b], [av, bv]),
                                  np.isclose(av, bv, rtol=0.1))
    assert not run(T.allclose(a, b), [a, b], [av, bv])
    assert run(T.allclose(a, a + 1e-12), [a], [av[[0, 3, 5]]])
    i, j = T.lvector(), T.lvector()
    iv, jv = np.array([7, 6, -7, 0, 1]), np.array([2, 3, 2, 4, 5])
    res = run(T.ceil_intdiv(i, j), [i, j], [iv, jv])
    np.testing.assert_array_equal(res, -(-iv // jv))
    assert res.dtype == np.int64
    with pytest.raises(TypeError):
        T.largest()


@pytest.mark.parametrize("case", [
    OpCase("xlogx", lambda x: T.xlogx.xlogx(x), lambda x: x * np.log(x), [rand_pos(3, 4)], dtypes=FLOATS),
    OpCase("xlogy0", lambda x, y: T.xlogx.xlogy0(x, y), lambda x, y: x * np.log(y),
           [rand(3, 4), rand_pos(3, 4, seed=3)], dtypes=FLOATS),
], ids=lambda c: c.name)
def test_xlogx(case):
    check_case(case)


def test_xlogx_zero():
    from theano.tensor.xlogx import xlogx, xlogy0

    x, y = T.dvector(), T.dvector()
    np.testing.assert_array_equal(run(xlogx(x), [x], [np.array([0.0, 1.0])]), [0.0, 0.0])
    np.testing.assert_array_equal(run(xlogy0(x, y), [x, y], [np.array([0.0, 2.0]), np.array([0.0, 1.0])]),
                                  [0.0, 0.0])
    assert xlogx(T.ivector()).dtype == "float64"


def test_sum_acc_dtype_checks():
    x = T.dvector()
    with pytest.raises(TypeError, match="precision"):
        T.sum(x, acc_dtype="float32")
    with pytest.raises(TypeError, match="precision"):
        T.prod(T.ivector(), acc_dtype="int8")
    assert T.sum(x, dtype="float32").dtype == "float32"
    assert T.sum(T.ivector(), dtype="floatX").dtype == theano.config.floatX
    assert T.sum(T.fvector(), acc_dtype="float64").dtype == "float32"
    with pytest.raises(TypeError):
        T.sum(x, dtype="no_such_dtype")
    np.testing.assert_allclose(run(T.sum(x, dtype="float32"), [x], [rand(4)]), rand(4).sum(), rtol=1e-6)


def test_dtype_rules_under_floatx_float32():
    with theano.config.change_flags(floatX="float32"):
        assert T.constant(0.1).dtype == "float32"
        assert (T.fvector() * 0.1).dtype == "float32"
        assert (T.ivector() / T.ivector()).dtype == "float32"
        assert T.arange(0.1, 1).dtype == "float32"
        assert T.zeros(3).dtype == "float32" and T.eye(2).dtype == "float32"
        assert T.vector().dtype == "float32"
        assert T.exp(T.ivector()).dtype == "float64"  # int32 -> float64 regardless of floatX
        x = T.ivector()
        res = run(x / 2, [x], [np.array([1, 3], dtype="int32")])
        assert res.dtype == np.float32
        np.testing.assert_allclose(res, [0.5, 1.5])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_var_corrected_two_pass(axis):
    x = T.dmatrix()
    xv = rand(4, 5) + 1e4  # a large offset, where the corrected algorithm matters
    out = T.var(x, axis=axis, corrected=True)
    np.testing.assert_allclose(run(out, [x], [xv]), np.var(xv, axis=axis), rtol=1e-7)
    verify_grad(lambda v: T.var(v, axis=axis, corrected=True), [rand(3, 4)], mode=PY,
                rng=np.random.RandomState(0))
    assert x.var(axis=axis, corrected=True).ndim == (0 if axis is None else 1)


def test_divmod():
    x, y = T.lvector(), T.lvector()
    xv, yv = np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])
    q, r = T.divmod(x, y)
    qv, rv = run([q, r], [x, y], [xv, yv])
    np.testing.assert_array_equal(qv, [divmod(int(a), int(b))[0] for a, b in zip(xv, yv)])
    np.testing.assert_array_equal(rv, [divmod(int(a), int(b))[1] for a, b in zip(xv, yv)])


def test_bool_arithmetic_promotes_to_int8():
    b = T.TensorType("bool", (False,))()
    bv = np.array([True, False, True])
    for out, exp in ((-b, -bv.astype("int8")), (b + b, bv.astype("int8") * 2), (b - b, np.zeros(3, "int8")),
                     (b * b, bv.astype("int8"))):
        assert out.dtype == "int8"
        compare_backends([b], out, [bv], expected=exp)


@pytest.mark.parametrize("mode", [PY, None])
def test_pow_gradient_of_the_exponent_at_a_zero_base(mode):
    # d(x**y)/dy = log(x) x**y tends to 0 at x = 0 (y > 0): no nan from log(0) * 0
    x, y = T.dvectors("x", "y")
    gx, gy = theano.grad((x ** y).sum(), [x, y])
    f = theano.function([x, y], [gx, gy], mode=mode)
    xv, yv = np.array([0.0, 2.0, 3.0, 0.0]), np.array([2.0, 3.0, -1.0, 0.5])
    for _ in range(2):
        gxv, gyv = f(xv, yv)
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(gxv, yv * xv ** (yv - 1))
        np.testing.assert_allclose(gyv, np.where(xv == 0, 0.0, np.log(np.where(xv == 0, 1, xv)) * xv ** yv))
    verify_grad(lambda a, b: a ** b, [np.array([0.0, 1.5]), np.array([2.0, 3.0])],
                rng=np.random.RandomState(0))


@pytest.mark.parametrize("build", [lambda x: x % 5, lambda x: x // 2, lambda x: divmod(x, 3),
                                   lambda x: T.mod(2, x), lambda x: T.int_div(x, x)])
def test_floor_division_and_mod_reject_complex(build):
    from theano.scalar import ComplexError

    with pytest.raises(ComplexError, match="complex") as info:
        build(T.cvector())
    assert isinstance(info.value, TypeError) and isinstance(info.value, NotImplementedError)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint16", "float32", "float64"])
@pytest.mark.parametrize("axis", [None, 0, [], [0, 1]])
def test_mean_of_integers_is_a_float_for_every_axis(dtype, axis):
    x = T.matrix(dtype=dtype)
    m = x.mean(axis=axis)
    md = x.mean(axis=axis, dtype="int32") if dtype not in ("float32", "float64") else None
    expected_dtype = "float64" if dtype not in ("float32", "float64") else dtype
    assert m.dtype == expected_dtype
    v = (np.arange(6).reshape(2, 3) % 4).astype(dtype)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    for mode in (PY, None):
        f = theano.function([x], [m] + ([md] if md is not None else []), mode=mode)
        for _ in range(2):
            got = f(v)
            assert got[0].dtype == expected_dtype
            np.testing.assert_allclose(got[0], np.mean(v, axis=np_axis, dtype="float64"), rtol=1e-6)
            if md is not None:
                assert got[1].dtype == "float64"
                np.testing.assert_allclose(got[1], np.mean(v, axis=np_axis, dtype="float64"))


@pytest.mark.parametrize("x_dtype, acc", [("bool", "bool"), ("int8", "float64"), ("int8", "int16"),
                                          ("uint8", "int32"), ("float16", "float64"),
                                          ("int16", "float16"), ("int64", "float32")])
def test_reductions_keep_the_acc_dtype_given(x_dtype, acc):
    x = T.matrix(dtype=x_dtype)
    v = (np.arange(6).reshape(2, 3) % 3).astype(x_dtype)
    for method in ("sum", "prod"):
        r = getattr(x, method)(axis=0, acc_dtype=acc)
        assert r.owner.op.acc_dtype == acc
        ref = getattr(np, method)(v, axis=0, dtype=acc).astype(r.dtype)
        for mode in (PY, None):
            f = theano.function([x], r, mode=mode)
            for _ in range(2):
                got = f(v)
                assert got.dtype == r.dtype
                np.testing.assert_array_equal(got, ref)


def test_reductions_refuse_a_lossy_acc_dtype():
    for x_dtype, acc in [("int32", "int16"), ("float64", "float32"), ("int64", "uint64"),
                         ("complex64", "float64")]:
        with pytest.raises(TypeError, match="precision"):
            T.matrix(dtype=x_dtype).sum(acc_dtype=acc)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int8", "int64"])
def test_sgn_of_large_unsigned_values(dtype):
    # the sign of an unsigned value at or above 2**(bits-1) is 1 on every backend path (the native
    # backend's fused kernels once read it as signed and gave 2**bits - 1)
    info = np.iinfo(dtype)
    xv = np.array([0, 1, info.max // 2, info.max // 2 + 1, info.max - 1, info.max, info.min],
                  dtype=dtype)
    x = T.vector(dtype=dtype)
    two = T.constant(np.asarray(2, dtype=dtype))
    for expr, ref in ((T.sgn(x), np.sign(xv)),
                      (T.sgn(x) * two, np.sign(xv) * np.asarray(2, dtype=dtype)),
                      (T.sgn(x // two) + T.sgn(x), np.sign(xv // np.asarray(2, dtype)) + np.sign(xv))):
        assert expr.dtype == dtype
        for _ in range(3):
            compare_backends([x], expr, [xv], modes=("py", "auto"), expected=ref)


MIXED_INT_VALUES = {
    "int64": [-7, 3, 2 ** 53 + 1, -(2 ** 40), 5, -1],
    "uint64": [9, 2 ** 64 - 1, 2 ** 63, 3, 2, 7],
    "uint32": [2 ** 31, 2 ** 32 - 1, 7, 0, 5, 2 ** 31 + 3],
    "int32": [-1, 2, -3, 4, -(2 ** 31), 7],
    "uint8": [200, 255, 0, 128, 3, 7],
    "int8": [-1, -128, 5, -3, 127, 2],
}


@pytest.mark.parametrize("da, db", [("int64", "uint64"), ("uint64", "int64"), ("uint32", "int32"),
                                    ("int32", "uint32"), ("uint8", "int8"), ("uint64", "uint64")])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "int_div", "mod", "pow", "maximum", "minimum"])
def test_integer_arithmetic_of_mixed_signedness(op, da, db):
    # NumPy computes in the dtype it promotes both to (the output's: int64 with uint64 in float64,
    # uint32 with int32 in int64); the native backend's fused kernels once wrapped in one of the
    # input dtypes (int64 + uint64 gave 2 for 3 + (2**64 - 1)) and lost uint64 // uint64 to float
    a, b = T.vector(dtype=da), T.vector(dtype=db)
    av = np.array(MIXED_INT_VALUES[da], dtype=da)
    bv = np.array(MIXED_INT_VALUES[db], dtype=db)[::-1].copy()
    if op == "pow":
        bv = np.abs(bv.astype("float64")).astype(db) % np.array(5, dtype=db)   # small exponents
    fn, ref = getattr(T, op), getattr(np, {"int_div": "floor_divide", "mod": "remainder",
                                           "pow": "power", "sub": "subtract", "mul": "multiply"}.get(op, op))
    with np.errstate(all="ignore"):
        expected = ref(av, bv)
    y = fn(a, b)
    assert y.dtype == str(expected.dtype)
    # alone and fused with another op (the native backend's kernels)
    compare_backends([a, b], y, [av, bv], modes=("py", "auto"), expected=expected)
    compare_backends([a, b], [y, T.eq(y, y)], [av, bv], modes=("py", "auto"),
                     expected=[expected, expected == expected])


def test_int64_overflow_wraps_before_comparisons_in_fused_kernels():
    # + - * and negation of int64 wrap as in NumPy also when a comparison or sign reads the
    # result inside one fused kernel (Numba marks signed arithmetic as never overflowing, and
    # LLVM folded (x + 1) < x to False for the largest x)
    x = T.vector(dtype="int64")
    info = np.iinfo("int64")
    xv = np.array([0, info.max, info.min, 5, -3, info.max - 1], dtype="int64")
    one, two = T.constant(np.int64(1)), T.constant(np.int64(2))
    v1, v2 = np.int64(1), np.int64(2)
    with np.errstate(over="ignore"):
        cases = [(T.lt(x + one, x), (xv + v1) < xv),
                 (T.sgn(x + one), np.sign(xv + v1)),
                 (T.sgn(x - one), np.sign(xv - v1)),
                 (T.sgn(-x), np.sign(-xv)),
                 (T.gt(x * two, x), (xv * v2) > xv),
                 ((x + one) * x - x, (xv + v1) * xv - xv),
                 (T.lt(T.sqr(x), x), (xv * xv) < xv)]
    for expr, expected in cases:
        for _ in range(3):
            compare_backends([x], expr, [xv], modes=("py", "auto"), expected=expected)
