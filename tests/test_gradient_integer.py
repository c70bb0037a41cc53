"""Gradients with respect to integer (and bool) inputs, as Theano 1.0 defines them.

An op whose output is continuous passes the real gradient to an integer input: the gradient with
respect to an integer ``X`` equals the gradient with respect to the same values given as floats
(checked here against central finite differences of the float version, on the reference VM and
the default backend, each compiled function called three times). An op whose output is discrete
(integer or bool) is a step function of its inputs: the gradient through it is zero. Index-like
integer inputs (subtensor indices) stay disconnected. Gradients of discrete variables are floatX.
"""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import DisconnectedInputError
from tests.helpers import central_differences, value_mode

MODES = ("py", "auto")
R = np.random.RandomState(20261207)


def run3(f, *args):
    """``f(*args)`` three times: every call gives the same values; returns them."""
    first = f(*args)
    for _ in range(2):
        again = f(*args)
        for a, b in zip(first, again):
            np.testing.assert_array_equal(a, b)
    return first


def check_like_float(build, xv, others=(), rtol=1e-6, atol=1e-8):
    """The gradient of ``build(x, *others)`` with respect to an integer/bool ``x`` (holding
    ``xv``) equals the gradient with respect to float64 ``x`` holding the same values, and both
    equal finite differences of the float version's cost."""
    xv = np.asarray(xv)
    x = T.TensorType(str(xv.dtype), (False,) * xv.ndim)("x")
    ins = [T.TensorType(str(np.asarray(v).dtype), (False,) * np.ndim(v))(f"o{k}")
           for k, v in enumerate(others)]
    g = theano.grad(build(x, *ins), x)
    assert g.dtype == theano.config.floatX, g.dtype

    xf = T.TensorType("float64", (False,) * xv.ndim)("xf")
    cost_f = build(xf, *ins)
    cost_fn = theano.function([xf] + ins, cost_f, mode=value_mode("py"), on_unused_input="ignore")
    numeric = central_differences(lambda v: float(cost_fn(v, *others)), xv.astype("float64"))
    gf = theano.function([xf] + ins, theano.grad(cost_f, xf), mode=value_mode("py"),
                         on_unused_input="ignore")(xv.astype("float64"), *others)
    np.testing.assert_allclose(gf, numeric, rtol=1e-5, atol=1e-6)
    for mode in MODES:
        f = theano.function([x] + ins, [g], mode=value_mode(mode), on_unused_input="ignore")
        (got,) = run3(f, xv, *others)
        assert got.dtype == theano.config.floatX
        np.testing.assert_allclose(got, gf, rtol=rtol, atol=atol, err_msg=mode)
        np.testing.assert_allclose(got, numeric, rtol=max(rtol, 1e-5), atol=1e-6, err_msg=mode)
    return gf


def check_value(build, xv, expected, others=()):
    """The gradient of ``build(x, *others)`` with respect to ``x`` (holding ``xv``) is
    ``expected`` (floatX), on every mode, three calls each."""
    xv = np.asarray(xv)
    x = T.TensorType(str(xv.dtype), (False,) * xv.ndim)("x")
    ins = [T.TensorType(str(np.asarray(v).dtype), (False,) * np.ndim(v))(f"o{k}")
           for k, v in enumerate(others)]
    g = theano.grad(build(x, *ins), x)
    assert g.dtype == theano.config.floatX
    for mode in MODES:
        f = theano.function([x] + ins, [g], mode=value_mode(mode), on_unused_input="ignore")
        (got,) = run3(f, xv, *others)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, err_msg=mode)


INT_DTYPES = ["int8", "int32", "int64", "uint8"]


def ints(shape, dtype, low=1, high=5):
    """Integers in [low, high) (nonzero by default), of ``dtype``."""
    return R.randint(low, high, size=shape).astype(dtype)


def test_theano_test_grad_int_sigmoid_of_dot():
    # Theano 1.0's test_grad_int: sigmoid(dot(X, W) + b).sum() with an int32 X
    X = (R.randn(5, 3) * 127).astype("int32")
    W, b = R.randn(3, 4), R.randn(4)
    check_like_float(lambda x, w, c: T.nnet.sigmoid(T.dot(x, w) + c).sum(), X, (W, b),
                     rtol=1e-10)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_unary_float_ops(dtype):
    xv = ints((2, 3), dtype)
    # int8 and uint8 give float32 results: the gradient is computed in float32 there
    rtol = 1e-5 if dtype in ("int8", "uint8") else 1e-10
    check_like_float(lambda x: T.exp(x).sum() * 0.01, xv, rtol=rtol)
    check_like_float(lambda x: T.log(x).sum() + T.sqrt(x).sum() + T.inv(x).sum(), xv, rtol=rtol)
    check_like_float(lambda x: (T.sin(x) * T.tanh(x)).sum(), xv, rtol=rtol)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_binary_ops_with_a_float(dtype):
    xv = ints((3, 2), dtype)
    w = R.uniform(0.5, 2.0, size=(3, 2))
    check_like_float(lambda x, v: (x * v + x / v + v / x - x).sum(), xv, (w,), rtol=1e-10)
    check_like_float(lambda x, v: (v ** x + x ** v).sum(), xv, (w,), rtol=1e-10)
    check_like_float(lambda x, v: (T.maximum(x, v * 3) + T.minimum(v * 3, x)).sum(), xv, (w,),
                     rtol=1e-10)
    check_like_float(lambda x, v: (T.switch(v > 1, x, v) * v).sum(), xv, (w,), rtol=1e-10)
    check_like_float(lambda x, v: (T.clip(v * 4, x, 100.0) * v).sum(), xv, (w,), rtol=1e-10)
    check_like_float(lambda x, v: T.arctan2(x, v).sum(), xv, (w,), rtol=1e-10)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_ops_of_integers_only_with_a_float_output(dtype):
    # int / int and arctan2 of ints are floats: the integer inputs get the real gradient
    xv = ints((4,), dtype)
    rtol = 1e-5 if dtype in ("int8", "uint8") else 1e-10
    three = np.asarray(3, dtype=dtype)
    check_like_float(lambda x: T.true_div(x, three).sum() + T.true_div(three, x).sum(), xv,
                     rtol=rtol)
    check_like_float(lambda x: T.arctan2(x, three).sum(), xv, rtol=rtol)
    # no integer overflow inside the formulas: d(3 / x)/dx = -3 / x^2 with x^2 > 127 in int8
    big = np.array([100, 120, -100], dtype="int8") if dtype == "int8" else xv
    check_like_float(lambda x: T.true_div(three, x).sum() + T.inv(x).sum(), big, rtol=rtol)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_cast_to_float_passes_the_gradient(dtype):
    xv = ints((3,), dtype)
    check_like_float(lambda x: (T.cast(x, "float64") ** 2).sum(), xv, rtol=1e-12)
    check_value(lambda x: (T.cast(x, "float32") * 1.5).sum(), xv, np.full(3, 1.5))
    check_value(lambda x: T.cast(x, "int64").sum() * 1.5, xv, np.zeros(3))   # to an integer


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_float_reductions_of_integers(dtype):
    xv = ints((3, 4), dtype)
    w = R.randn(4)
    check_like_float(lambda x, v: (T.sum(x, axis=0, dtype="float64") * v).sum(), xv, (w,),
                     rtol=1e-12)
    check_like_float(lambda x: T.prod(x, axis=1, dtype="float64").sum(), xv, rtol=1e-10)
    check_like_float(lambda x: T.mean(x, op=True) * 3.0, xv, rtol=1e-12)
    # a product with one zero: only the zero's own gradient is nonzero
    zv = xv.copy()
    zv[1, 2] = 0
    check_like_float(lambda x: T.prod(x, dtype="float64"), zv, rtol=1e-10)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_dot_products(dtype):
    M = ints((3, 4), dtype, -3, 4) if dtype[0] == "i" else ints((3, 4), dtype, 0, 5)
    v = ints((4,), dtype, 0, 5)
    A, b4 = R.randn(4, 2), R.randn(4)
    check_like_float(lambda x, a: (T.dot(x, a) ** 2).sum(), M, (A,), rtol=1e-10)
    check_like_float(lambda x, a: (T.dot(a, x) ** 2).sum(), M, (R.randn(2, 3),), rtol=1e-10)
    check_like_float(lambda x, a: (T.dot(x, a) ** 2).sum(), v, (b4,), rtol=1e-10)
    check_like_float(lambda x, a: (T.dot(a, x) ** 2).sum(), v, (A.T.copy(),), rtol=1e-10)
    check_like_float(lambda x, a: (T.dot(x, a) ** 2).sum(), M, (b4,), rtol=1e-10)


def test_bool_inputs():
    bv = np.array([True, False, True, True])
    w = R.randn(4)
    check_like_float(lambda b, v: (b * v).sum(), bv, (w,), rtol=1e-12)
    check_like_float(lambda b, v: (T.cast(b, "float64") * v ** 2).sum(), bv, (w,), rtol=1e-12)
    check_like_float(lambda b, v: T.dot(b, v), bv, (w,), rtol=1e-12)


def test_discrete_outputs_are_flat():
    xv = np.array([1, -2, 3], dtype="int32")
    zero = np.zeros(3)
    # integer results: sqr, neg, abs and products of integers, integer sums and means
    check_value(lambda x: T.cast(T.sqr(x), "float64").sum(), xv, zero)
    check_value(lambda x: T.cast(x * 2 - abs(x), "float64").sum() * 1.5, xv, zero)
    check_value(lambda x: T.sum(x) * 1.5, xv, zero)
    check_value(lambda x: T.mean(x), xv, zero)      # T.mean of ints divides an int64 sum
    check_value(lambda x: T.max(x) * 1.5, xv, zero)
    check_value(lambda x: T.cast(T.dot(x, x), "float64"), xv, zero)
    # indexing an integer tensor gives integers (Theano 1.0's Subtensor): flat
    check_value(lambda x: (T.cast(x[1:], "float64") ** 2).sum(), xv, zero)
    # x / (x + 3): the denominator is an integer sum, flat; only the numerator counts
    check_value(lambda x: T.true_div(x, x + 3).sum(), xv, 1.0 / (xv + 3))
    # a float input of a discrete output: cast to int, comparisons
    wv = np.array([0.5, 1.5, -2.5])
    check_value(lambda w: T.cast(w * 3, "int32").sum() * 1.0, wv, zero)
    check_value(lambda w: T.cast(w > 0, "float64").sum() + w.sum(), wv, np.ones(3))


def test_a_broadcast_integer_vector_is_flat_as_in_theano():
    # Elemwise broadcasts a lower-rank input through a DimShuffle, whose output is an integer
    # tensor: flat (Theano 1.0 gave zeros here too); a same-rank integer input is not
    xv = np.array([1, 2, 3], dtype="int32")
    W = R.randn(2, 3)
    check_value(lambda x, w: (x * w).sum(), xv, np.zeros(3), (W,))
    check_value(lambda x, w: (x * w[0]).sum(), xv, W[0], (W,))
    # x.T of an integer matrix is an integer DimShuffle too: flat
    check_value(lambda x, w: T.dot(w, x.T).sum(), np.ones((2, 3), dtype="int8"), np.zeros((2, 3)),
                (W,))


def test_index_like_integers_stay_disconnected():
    w = T.dvector("w")
    t = T.iscalar("t")
    cost = (w[t] * 2.0) ** 2
    with pytest.raises(DisconnectedInputError):
        theano.grad(cost, t)
    gt = theano.grad(cost, t, disconnected_inputs="ignore")
    for mode in MODES:
        f = theano.function([w, t], gt, mode=value_mode(mode), on_unused_input="ignore")
        assert run3(lambda *a: [f(*a)], np.arange(3.0), 1)[0] == 0.0
    n = T.ivector("n")
    with pytest.raises(DisconnectedInputError):
        theano.grad(T.alloc(1.5, n.shape[0]).sum(), n)


def test_identity_and_known_gradients_of_integers():
    i = T.iscalar("i")
    assert theano.grad(i, i).eval({i: 12}) == 1.0
    g = T.dscalar("g")
    gi = theano.grad(None, i, known_grads={i: g})
    assert gi.dtype == theano.config.floatX
    assert theano.function([g], gi)(0.75) == 0.75
    # through an op with a float output, a known gradient flows on to the integer
    y = T.cast(i, "float64") * 3.0
    gy = theano.grad(None, i, known_grads={y: g})
    assert theano.function([i, g], gy, on_unused_input="ignore")(5, 0.5) == 1.5


def test_an_op_that_ignores_the_rule_still_gets_zeros_through_its_integer_output():
    # a user's scalar op written Theano-style, whose grad passes gz through its int32 output:
    # Elemwise and theano.grad make the gradient through a discrete output zero
    import theano.scalar as scal

    class Truncate(scal.UnaryScalarOp):
        def impl(self, x):
            return np.int32(np.trunc(x))

        def output_types(self, types):
            return [scal.int32]

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 1.0]

    trunc = T.Elemwise(Truncate(name="truncate"))
    wv = np.array([0.5, 1.5, -2.5])
    check_value(lambda w: T.cast(trunc(w), "float64").sum() + (w * 2).sum(), wv, np.full(3, 2.0))
    ws = scal.float64("ws")
    assert theano.grad(scal.cast(Truncate(name="truncate")(ws), "float64"), ws).eval({ws: 1.5}) == 0


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_join_of_integers_and_floats(dtype):
    # Theano 1.0: a float join is differentiable in every input, so an integer part gets its
    # slice of the output's gradient (as if it were given as floats)
    xv = ints((2, 3), dtype)
    w, r = R.randn(1, 3), R.randn(2, 3)
    check_like_float(lambda x, a: (T.concatenate([x, a], axis=0) ** 2).sum() * 0.5, xv, (w,),
                     rtol=1e-10)
    # (x * 2.0 is float32 for int8/uint8 x)
    check_like_float(lambda x, a: (T.join(1, x, a) * T.join(1, a, x * 2.0)).sum(), xv, (r,),
                     rtol=1e-6 if dtype in ("int8", "uint8") else 1e-10)
    # the axis known only at run time (JoinDynamic)
    ax = T.iscalar("ax")
    x = T.TensorType(dtype, (False, False))("x")
    a = T.dmatrix("a")
    cost = (T.join(ax, a, x) ** 2).sum()
    g = theano.grad(cost, x)
    for mode in MODES:
        f = theano.function([ax, x, a], g, mode=value_mode(mode))
        for axis, av in ((0, R.randn(1, 3)), (1, R.randn(2, 2))):
            got = run3(lambda *v: [f(*v)], axis, xv, av)[0]
            np.testing.assert_allclose(got, 2 * xv.astype("float64"), rtol=1e-12, err_msg=mode)
    # a join of integers only is an integer result: zero gradient
    check_value(lambda x: T.concatenate([x, x]).sum() * 1.5, xv, np.zeros(xv.shape))


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64"])
def test_fill_diagonal_of_an_integer_value(dtype):
    from theano.tensor.diagonal_fill import FillDiagonal, FillDiagonalOffset

    m = R.randn(3, 4)
    for build in (lambda v, a: T.fill_diagonal(a, v), lambda v, a: FillDiagonal()(a, v),
                  lambda v, a: T.fill_diagonal_offset(a, v, 1),
                  lambda v, a: FillDiagonalOffset()(a, v, -1)):
        gf = check_like_float(lambda x, a: (build(x, a) ** 2).sum() * 0.25, np.asarray(3, dtype),
                              (m,), rtol=1e-12)
        assert gf != 0
