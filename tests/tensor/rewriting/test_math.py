"""Algebraic rewrites: structure after rewriting and unchanged values (vs optimizer='None')."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import rand, rand_pos
from tests.tensor.rewriting.utils import NOFUSE, check_same_values, compile_, scalar_ops

DTYPES = ("float64", "float32")


def _mat(dtype, name="x"):
    return T.matrix(name, dtype=dtype)


# ---- canonicalize -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_mul_by_one_and_add_zero_removed(dtype):
    x = _mat(dtype)
    f = check_same_values([x], (x * 1 + 0) * T.exp(x), [rand(3, 4, dtype=dtype)], *NOFUSE)
    assert scalar_ops(f) == ["exp", "mul"]


def test_neutral_removal_keeps_broadcast_shape_and_dtype():
    r = T.drow("r")
    m = T.dmatrix("m")
    ones = T.constant(np.ones((1, 1)))
    # r * ones(3, 4): the constant of ones is broadcastable, so the result keeps r's shape
    check_same_values([r], r * ones, [rand(1, 4)], *NOFUSE)
    # int8 vector + float64 zero: the dtype goes up to float64 exactly
    v = T.bvector("v")
    f = check_same_values([v], v + T.constant(np.zeros(1)), [np.arange(4, dtype="int8")], *NOFUSE)
    assert f.maker.fgraph.outputs[0].dtype == "float64"
    # m * row-of-ones: the ones row carries the column count, the result must keep m's shape
    f = check_same_values([m], m * T.constant(np.ones((1, 4))), [rand(3, 4)], *NOFUSE)
    assert "mul" not in scalar_ops(f)


@pytest.mark.parametrize("dtype", DTYPES + ("int32",))
def test_mul_by_zero_gives_zeros_of_right_shape_and_dtype(dtype):
    x = T.matrix("x", dtype=dtype)
    y = T.row("y", dtype=dtype)
    val = rand(3, 4, dtype=dtype) if dtype != "int32" else np.arange(12, dtype="int32").reshape(3, 4)
    yv = val[:1]
    f = check_same_values([x, y], T.exp(x) * 0 * y if dtype != "int32" else x * 0 * y,
                          [val, yv], *NOFUSE)
    assert "mul" not in scalar_ops(f)
    out = f(val, yv)
    assert out.shape == (3, 4) and out.dtype == np.dtype(f.maker.fgraph.outputs[0].dtype)


def test_sub_rules():
    x = T.dvector("x")
    for expr, gone in ((x - x, "sub"), (x - 0, "sub"), (0 - x, "sub"), (x / 1, "true_div")):
        f = check_same_values([x], expr * T.exp(x), [rand(5)], *NOFUSE)
        assert gone not in scalar_ops(f)
    f = compile_([x], 0 - x, *NOFUSE)
    assert scalar_ops(f) == ["neg"]


def test_neg_neg_and_minus_one():
    x = T.fvector("x")
    f = check_same_values([x], -(-x) + T.exp(-1 * x), [rand(4, dtype="float32")], *NOFUSE)
    assert scalar_ops(f).count("neg") == 1 and "mul" not in scalar_ops(f)


def test_flatten_left_nested_add_is_exact():
    x, y, z, w = T.dvectors("x", "y", "z", "w")
    f = check_same_values([x, y, z, w], ((x + y) + z) + w, [rand(6, seed=i) for i in range(4)],
                          *NOFUSE, rtol=0, atol=0)
    assert scalar_ops(f) == ["add"]
    assert len(f.maker.fgraph.outputs[0].owner.inputs) == 4
    # right-nested stays (flattening would change the rounding)
    f = compile_([x, y, z], x + (y + z), *NOFUSE)
    assert scalar_ops(f) == ["add", "add"]


def test_flatten_does_not_duplicate_shared_intermediate():
    x, y, z = T.dvectors("x", "y", "z")
    s = x * y
    f = check_same_values([x, y, z], [s * z, s], [rand(3, seed=i) for i in range(3)], *NOFUSE)
    assert scalar_ops(f).count("mul") == 2


# ---- stabilize ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_log1p_and_expm1(dtype):
    x = T.vector("x", dtype=dtype)
    xv = rand(7, dtype=dtype) * 1e-3
    f = check_same_values([x], T.log(1 + x), [xv], *NOFUSE)
    assert scalar_ops(f) == ["log1p"]
    f = check_same_values([x], T.log(x + 1), [xv], *NOFUSE)
    assert scalar_ops(f) == ["log1p"]
    f = check_same_values([x], T.exp(x) - 1, [xv], *NOFUSE, rtol=1e-4 if dtype == "float32" else 1e-9)
    assert scalar_ops(f) == ["expm1"]
    f = check_same_values([x], T.log(1 - x), [xv], *NOFUSE)
    assert "log1p" in scalar_ops(f)


def test_log1p_exp_is_softplus():
    x = T.dvector("x")
    f = check_same_values([x], T.log(1 + T.exp(x)), [rand(5)], *NOFUSE)
    assert scalar_ops(f) == ["softplus"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_sigmoid_forms(dtype):
    x = T.vector("x", dtype=dtype)
    xv = rand(6, dtype=dtype) * 5
    f = check_same_values([x], T.log(T.nnet_sigmoid(x)) if hasattr(T, "nnet_sigmoid")
                          else T.log(T.sigmoid(x)), [xv], *NOFUSE, rtol=1e-4 if dtype == "float32" else 1e-9)
    assert "log" not in scalar_ops(f) and "softplus" in scalar_ops(f)
    f = check_same_values([x], T.log(1 - T.sigmoid(x)), [xv], *NOFUSE,
                          rtol=1e-4 if dtype == "float32" else 1e-9)
    assert "log" not in scalar_ops(f) and "softplus" in scalar_ops(f)


def test_log_sum_exp_rewritten_and_equal():
    x = T.dmatrix("x")
    for axis in (None, 0, 1):
        f = check_same_values([x], T.log(T.sum(T.exp(x), axis=axis)), [rand(3, 4)], *NOFUSE)
        assert "maximum" in str([n.op for n in f.maker.fgraph.toposort()]).lower() or \
            any("Max" in str(n.op) for n in f.maker.fgraph.toposort())
    # applied once only (the rewritten graph has log(sum(exp(...))) again)
    f = compile_([x], T.log(T.sum(T.exp(x))), *NOFUSE)
    assert sum("Max" in str(n.op) for n in f.maker.fgraph.toposort()) == 1


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_log_sum_exp_through_a_transpose_or_keepdims_is_stable(mode):
    from scipy.special import logsumexp

    from tests.helpers import value_mode

    x = T.tensor3("x")
    xk = T.TensorType("float64", (False, True, False))("xk")
    graphs = [
        ([x], T.log(T.sum(T.exp(x), axis=2).T), lambda v: logsumexp(v, axis=2).T),
        ([x], T.log(T.sum(T.exp(x), axis=(0, 2)).dimshuffle("x", 0)),
         lambda v: logsumexp(v, axis=(0, 2))[None, :]),
        ([xk], T.log(T.sum(T.exp(xk), axis=(0, 1), keepdims=True)),
         lambda v: logsumexp(v, axis=(0, 1), keepdims=True)),
    ]
    rng = np.random.RandomState(0)
    for inputs, out, ref in graphs:
        f = theano.function(inputs, out, mode=value_mode(mode))
        shape = (4, 1, 2) if inputs[0] is xk else (4, 3, 2)
        for scale in (1.0, 1000.0, -1000.0):   # the plain formula gives inf / -inf at +-1000
            v = rng.rand(*shape) * scale
            for _ in range(2):
                np.testing.assert_allclose(f(v), ref(v), rtol=1e-12)


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_switch_sink_keeps_nan_of_the_unselected_branch_out(mode):
    from tests.helpers import value_mode

    x = T.dscalar("x")
    v = T.dvector("v")
    c = T.dscalar("c")
    cond = T.dmatrix("cond")
    m = T.dmatrix("m")
    grad_sqrt = theano.function([x], T.grad(T.switch(x < 7, x, T.sqrt(x - 7)), x),
                                mode=value_mode(mode))
    grad_log = theano.function([v], T.grad(T.switch(v > 0, T.log(v), 0).sum(), v),
                               mode=value_mode(mode))
    prod = theano.function([cond, m, c], T.switch(cond > 0, m, 0) * T.switch(cond > 0, m, T.log(c) * m),
                           mode=value_mode(mode))
    quot = theano.function([v, c], T.switch(v > 0, v, 0) / (v * c), mode=value_mode(mode))
    vv = np.array([-1.0, 0.0, 2.0, 0.5])
    cv = np.array([[0.1, 0, 1, -1], [0, 0, 0, 0], [1, 1, 1, 1]])
    for _ in range(2):
        assert grad_sqrt(5.0) == 1.0                               # not NaN (0 * inf)
        np.testing.assert_allclose(grad_sqrt(10.0), 0.5 / np.sqrt(3.0), rtol=1e-15)
        np.testing.assert_array_equal(grad_log(vv), np.where(vv > 0, 1 / np.where(vv > 0, vv, 1), 0))
        np.testing.assert_array_equal(prod(cv, np.full((3, 4), 2.0), -1.0), np.where(cv > 0, 4.0, 0))
        np.testing.assert_allclose(quot(vv, 2.0), np.where(vv > 0, 0.5, 0.0), rtol=1e-15)


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_erf_complements_and_log_erfc_far_in_the_tail(mode):
    from scipy.special import erf, erfc, erfcx

    from tests.helpers import value_mode

    x = T.dvector("x")
    v = np.array([-30.0, -6.0, -1e-20, 0.0, 1e-20, 0.5, 6.0, 10.0, 30.0, 1e3])
    cases = [
        (1 - T.erf(x), erfc(v)), (1 + T.erf(x), erfc(-v)), (T.erf(x) - 1, -erfc(v)),
        (-1 + T.erf(x), -erfc(v)), (-1 - T.erf(x), -erfc(-v)), (1 + (-T.erf(x)), erfc(v)),
        (1 - T.erfc(x), erf(v)), (T.erfc(x) - 1, -erf(v)), (T.erfc(-x) - 1, erf(v)),
    ]
    # log(erfc(x)) = log(erfcx(x)) - x**2, finite where erfc underflows (x = 30, 1000)
    log_erfc = np.where(v < 1, np.log1p(-erf(v)), np.log(erfcx(v)) - v * v)
    cases += [(T.log(T.erfc(x)), log_erfc), (T.log(1 - T.erf(x)), log_erfc)]
    # its gradient -2/sqrt(pi) * exp(-x**2) / erfc(x) = -2/sqrt(pi) / erfcx(x) (0/0 otherwise)
    cases += [(T.grad(T.log(T.erfc(x)).sum(), x), -2 / np.sqrt(np.pi) / erfcx(v)),
              (T.exp(-x ** 2) / T.erfc(x), 1 / erfcx(v)),
              (T.exp(-(x * x)) * T.inv(T.erfc(x)) * 3, 3 / erfcx(v))]
    for expr, ref in cases:
        f = theano.function([x], expr, mode=value_mode(mode))
        for _ in range(2):
            np.testing.assert_allclose(f(v), ref, rtol=1e-13, atol=0)


def test_sigmoid_written_by_hand_keeps_exact_float32_derivative():
    x = T.fscalar("x")
    y = 1 / (1 + T.exp(-x))
    f = theano.function([x], theano.grad(y, x))
    assert float(f(3)) == 0.045176658779382706


# ---- specialize ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("power,expected", [(2, ["sqr"]), (0.5, ["sqrt"]), (-1, ["inv"]),
                                            (1, []), (3, ["sqr", "mul"]), (4, ["sqr", "sqr"]),
                                            (-2, ["sqr", "inv"]), (-0.5, ["sqrt", "inv"])])
def test_pow_specialized(dtype, power, expected):
    x = T.vector("x", dtype=dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    f = check_same_values([x], x ** power, [rand_pos(5, dtype=dtype)], *NOFUSE, rtol=tol)
    assert sorted(scalar_ops(f)) == sorted(expected)


def test_pow_zero_and_int_and_non_special():
    x = T.dvector("x")
    f = check_same_values([x], x ** 0, [rand(4)], *NOFUSE)
    assert "pow" not in scalar_ops(f)
    i = T.ivector("i")
    f = check_same_values([i], i ** 2, [np.arange(-3, 3, dtype="int32")], *NOFUSE)
    assert scalar_ops(f) == ["sqr"]
    f = compile_([i], i ** -1, *NOFUSE)  # integers: no reciprocal
    assert "inv" not in scalar_ops(f)
    f = check_same_values([x], x ** 2.7, [rand_pos(4)], *NOFUSE)
    assert scalar_ops(f) == ["pow"]
    # an int input raised to a float power is computed in float
    f = check_same_values([i], i ** 0.5, [np.arange(5, dtype="int32")], *NOFUSE)
    assert f.maker.fgraph.outputs[0].dtype == "float64"


def test_mul_self_is_sqr_and_sum_mul_is_dot():
    x, y = T.dvectors("x", "y")
    f = check_same_values([x], x * x, [rand(4)], *NOFUSE)
    assert scalar_ops(f) == ["sqr"]
    f = check_same_values([x, y], T.sum(x * y), [rand(5, seed=1), rand(5, seed=2)], *NOFUSE)
    assert any(type(n.op).__name__ == "Dot" for n in f.maker.fgraph.toposort())
    # float32 keeps the float64 accumulation of sum: not a dot
    a, b = T.fvectors("a", "b")
    f = compile_([a, b], T.sum(a * b), *NOFUSE)
    assert not any(type(n.op).__name__ == "Dot" for n in f.maker.fgraph.toposort())


def test_grad_graph_simplified():
    x = T.dmatrix("x")
    f = check_same_values([x], T.grad(T.sum(x ** 2), x), [rand(3, 2)], *NOFUSE)
    assert scalar_ops(f) == ["mul"]


def test_values_unchanged_on_a_mixed_expression_all_modes():
    x = T.fmatrix("x")
    v = T.fvector("v")
    e = T.log(1 + T.exp(x * v)) ** 2 - T.sqrt(abs(x) + 1e-3) * 1 + (x - x) + T.exp(x) - 1
    values = [rand(4, 5, dtype="float32"), rand(5, dtype="float32")]
    check_same_values([x, v], e, values, rtol=1e-4)
    check_same_values([x, v], T.grad(T.sum(e), [x, v]), values, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("dtype", DTYPES + ("int8",))
def test_reduce_over_broadcastable_axes_is_a_reshape(dtype):
    from theano.tensor.elemwise import CAReduce

    r = T.row("r", dtype=dtype)
    val = rand(1, 4, dtype=dtype) if dtype != "int8" else np.arange(4, dtype="int8").reshape(1, 4)
    for expr in (r.sum(axis=0), r.prod(axis=0), r.max(axis=0), T.sum(r, axis=0, keepdims=True)):
        f = check_same_values([r], expr, [val], *NOFUSE, rtol=0, atol=0)
        assert not any(isinstance(n.op, CAReduce) for n in f.maker.fgraph.toposort())
    m = T.matrix("m", dtype=dtype)
    f = compile_([m], m.sum(axis=0), *NOFUSE)
    assert any(isinstance(n.op, CAReduce) for n in f.maker.fgraph.toposort())


def test_expm1_from_adding_minus_one():
    x = T.dvector("x")
    f = check_same_values([x], T.exp(x) + (-1), [rand(4) * 1e-3], *NOFUSE, rtol=1e-9)
    assert scalar_ops(f) == ["expm1"]
    f = check_same_values([x], -1 + T.exp(x), [rand(4) * 1e-3], *NOFUSE, rtol=1e-9)
    assert scalar_ops(f) == ["expm1"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_hand_written_sigmoid_recognized(dtype):
    x = T.vector("x", dtype=dtype)
    tol = 1e-6 if dtype == "float32" else 1e-12
    f = check_same_values([x], 1 / (1 + T.exp(-x)), [rand(5, dtype=dtype)], *NOFUSE, rtol=tol)
    assert scalar_ops(f) == ["sigmoid"]
    f = check_same_values([x], 1 / (T.exp(x) + 1), [rand(5, dtype=dtype)], *NOFUSE, rtol=tol)
    assert sorted(scalar_ops(f)) == ["neg", "sigmoid"]
    # any numerator: the product rewrite of stability.py reads 1 / (1 + exp(-x)) as a factor
    f = check_same_values([x], 2 / (1 + T.exp(-x)), [rand(5, dtype=dtype)], *NOFUSE, rtol=tol)
    assert sorted(scalar_ops(f)) == ["mul", "sigmoid"]


def test_idempotent_and_constant_switch():
    x = T.dmatrix("x")
    f = check_same_values([x], T.maximum(x, x) + T.minimum(x, x), [rand(2, 3)], *NOFUSE)
    assert scalar_ops(f) == ["add"]
    b = T.bvector("b")
    f = check_same_values([b], T.and_(b, b) | (b | b), [np.array([1, 0, 3], dtype="int8")], *NOFUSE)
    assert scalar_ops(f) == []
    y = T.drow("y")
    f = check_same_values([x, y], T.switch(1, y, x) * 2, [rand(2, 3), rand(1, 3)], *NOFUSE)
    assert "switch" not in scalar_ops(f)
    assert f(rand(2, 3), rand(1, 3)).shape == (2, 3)  # still broadcast against x
    i = T.ivector("i")
    f = check_same_values([i, T.dvector("v")], T.switch(0, i, 2.5) + 0 * i,
                          [np.arange(3, dtype="int32"), rand(3)], *NOFUSE)
    assert f.maker.fgraph.outputs[0].dtype == "float64"


def test_useless_reduce_and_broadcastable_reduce_are_separate_rewrites():
    from theano.tensor.elemwise import CAReduce

    x = T.imatrix("x")
    r = T.row("r")
    outs = [x.sum(axis=[]), r.sum(axis=0), r.max(axis=0)]
    xv, rv = np.arange(6, dtype="int32").reshape(2, 3), np.arange(3.0).reshape(1, 3)
    base = theano.compile.get_default_mode()
    for excluded, kept in [(None, 0), ("local_cut_useless_reduce", 1), ("local_reduce_broadcastable", 2)]:
        mode = base if excluded is None else base.excluding(excluded)
        f = theano.function([x, r], outs, mode=mode)
        reductions = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, CAReduce)]
        assert len(reductions) == kept, (excluded, reductions)
        for _ in range(2):
            a, b, c = f(xv, rv)
            assert a.dtype == np.int64
            np.testing.assert_array_equal(a, xv)
            np.testing.assert_array_equal(b, rv[0])
            np.testing.assert_array_equal(c, rv[0])


# ---- x / abs(x) -> sgn(x) ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_quotient_by_own_abs_is_sign(dtype):
    """Theano 1.0 simplified ``c1*x / (c2*abs(c3*x))`` to ``c1/(c2*|c3|) * sgn(x)``: 0 at x = 0
    and +-c at +-inf, where the quotient itself is NaN."""
    x, y = _mat(dtype), _mat(dtype, "y")
    v = np.array([[-np.inf, -3.0, -0.0, 0.0], [1e-30, 2.5, 1e30, np.inf]], dtype=dtype)
    for expr, c in [(x / abs(x), 1), (abs(x) / x, 1), ((4 * x) / abs(2 * x), 2),
                    ((4 * x) / abs(x / 2), 8), ((2 * x) / (3 * abs(x)), 2 / 3), (-x / abs(x), -1),
                    (x / abs(-x), 1)]:
        f = compile_([x], expr, *NOFUSE)
        assert "sgn" in scalar_ops(f) and "abs" not in scalar_ops(f), expr
        got = f(v)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, (c * np.sign(v)).astype(dtype), rtol=1e-6)
    # another variable, or integers (true_div of ints): left as they are
    f = compile_([x, y], x / abs(y), *NOFUSE)
    assert "sgn" not in scalar_ops(f)
    i = T.ivector("i")
    f = compile_([i], i / abs(i), *NOFUSE)
    assert "sgn" not in scalar_ops(f)
    # a constant with more dimensions broadcasts the result as the quotient did
    c = T.constant(np.full((1, 1, 1), 4.0, dtype=dtype))
    f = compile_([x], (c * x) / abs(x), *NOFUSE)
    assert "sgn" in scalar_ops(f)
    got = f(v)
    assert got.shape == (1,) + v.shape
    np.testing.assert_allclose(got, 4 * np.sign(v)[None])


# ---- sum / prod of a tensor filled with one constant --------------------------------------------


@pytest.mark.parametrize("mode", [None, theano.Mode(linker="py")])
def test_sum_prod_of_filled_constant_needs_no_array(mode):
    """``ones_like(x).sum(axis)`` is the number of elements reduced, ``zeros_like(x).prod()`` is 0
    or 1, ``alloc(c, 3, 4).prod(0)`` is ``c ** 3``: no array is filled to be reduced (Theano 1.0's
    local_opt_alloc), and the values and dtypes are the reductions' (checked against NumPy)."""
    from theano.tensor.elemwise import CAReduce, Elemwise as E

    a = T.dtensor3("a")
    for like, np_like in [(T.zeros_like, np.zeros_like), (T.ones_like, np.ones_like)]:
        for axis in [None, 0, 1, 2, (0, 2)]:
            for red in ("sum", "prod"):
                f = theano.function([a], getattr(like(a), red)(axis=axis), mode=mode)
                topo = f.maker.fgraph.toposort()
                assert not any(isinstance(n.op, CAReduce) for n in topo), (red, axis, topo)
                assert not any(isinstance(n.op, E) and n.outputs[0].ndim == 3 for n in topo)
                for shape in [(2, 3, 4), (0, 3, 2), (2, 0, 1)]:
                    v = np.arange(np.prod(shape), dtype="float64").reshape(shape)
                    want = getattr(np, red)(np_like(v), axis=axis)
                    got = f(v)
                    assert got.dtype == want.dtype and got.shape == want.shape
                    np.testing.assert_array_equal(got, want)
    # a reduction of such a reduction (its value: a count cast to float) needs no array either
    for d, dd in [(0, 0), (1, 0), (2, 1), (0, 1)]:
        for red in ("sum", "prod"):
            f = theano.function([a], getattr(T.ones_like(a).sum(d), red)(dd), mode=mode)
            assert not any(isinstance(n.op, CAReduce) for n in f.maker.fgraph.toposort())
            for shape in [(2, 3, 4), (0, 3, 2)]:
                v = np.zeros(shape)
                np.testing.assert_array_equal(f(v), getattr(np.ones_like(v).sum(d), red)(dd))
    # a float value computed at run time may be inf: inf * 0 would not be the empty sum's 0
    s = T.dscalar("s")
    f = theano.function([s, a], T.alloc(s, a.shape[0], 2).sum(axis=0), mode=mode)
    np.testing.assert_array_equal(f(np.inf, np.zeros((0, 1, 1))), [0.0, 0.0])
    # integers are counted in the accumulator's dtype (int8 ones sum to int64, no wrap at 127)
    b = T.bmatrix("b")
    f = theano.function([b], T.ones_like(b).sum(), mode=mode)
    got = f(np.zeros((20, 30), dtype="int8"))
    assert got.dtype == np.int64 and got == 600
    # a float32 constant: the sum is computed in the float64 accumulator, returned in float32
    x = T.fmatrix("x")
    f = theano.function([x], T.alloc(np.float32(0.1), x.shape[0], x.shape[1]).sum(axis=1),
                        mode=mode)
    got = f(np.zeros((3, 7), dtype="float32"))
    want = np.full((3, 7), 0.1, dtype="float32").sum(axis=1, dtype="float64").astype("float32")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-7)
    # ones_like(x + v): x + v is still computed, for its check that x and v broadcast together
    m, v = T.dmatrix("m"), T.dvector("v")
    f = theano.function([m, v], T.ones_like(m + v).sum(), mode=mode)
    assert f(np.ones((2, 3)), np.ones(3)) == 6
    with pytest.raises((ValueError, AssertionError)):
        f(np.ones((2, 3)), np.ones(4))
    # alloc with a length given at call time keeps its check of a negative length
    n = T.lscalar("n")
    f = theano.function([n], T.alloc(np.float64(2), n, 3).sum(axis=0), mode=mode)
    np.testing.assert_array_equal(f(4), [8.0, 8.0, 8.0])
    with pytest.raises(Exception):
        f(-1)
