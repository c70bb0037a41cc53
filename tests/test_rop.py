"""theano.gradient.Rop: forward mode through each op's R_op, and through the gradient for ops
without one.

Every R_op method of the package has a case here: the op's R_op must be the one Rop calls (a spy
counts the calls) and its result must match central differences
``(f(x + eps * v) - f(x - eps * v)) / (2 * eps)``, in float64 and float32, on the reference VM
and on the default backend, each compiled function called twice.
"""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import Rop
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.ifelse import IfElse, ifelse
from theano.scan.rows import RowIndex, RowReverse, RowScatter, RowSlice
from theano.tensor.nnet import conv as conv_mod
from theano.tensor.nnet import neighbours, nnet
from theano.tensor.signal import pool

MODES = {"py": theano.Mode(linker="py"), "auto": "FAST_RUN"}
DTYPES = ["float64", "float32"]


def _fixed(shape, seed, dtype):
    """A shared variable of fixed data: an input that does not vary."""
    data = np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(dtype)
    return theano.shared(data)


# name: (R_op's class, shape of x, build(x, dtype) -> y, x's values (None: uniform in [-1, 1]))
CASES = {
    "ifelse_then_varies": (IfElse, (3,), lambda x, dt: ifelse(
        theano.shared(np.int8(1)), x * 2, _fixed((3,), 1, dt)), None),
    "ifelse_else_varies": (IfElse, (3,), lambda x, dt: ifelse(
        theano.shared(np.int8(0)), _fixed((3,), 1, dt), T.sin(x)), None),
    "ifelse_both_vary": (IfElse, (3,), lambda x, dt: ifelse(
        theano.shared(np.int8(0)), x * 2, x ** 2), None),
    "row_slice": (RowSlice, (4, 2), lambda x, dt: RowSlice(1, 3)(x), None),
    "row_index": (RowIndex, (4, 2), lambda x, dt: RowIndex(-1)(x), None),
    "row_reverse": (RowReverse, (4, 2), lambda x, dt: RowReverse()(x), None),
    "row_scatter": (RowScatter, (2, 3), lambda x, dt: RowScatter(("slice", 1, 3))(
        _fixed((4, 3), 2, dt), x * x), None),
    "dot_one_varies": (T.Dot, (3, 4), lambda x, dt: T.dot(x, _fixed((4, 2), 3, dt)), None),
    "dot_both_vary": (T.Dot, (3, 4), lambda x, dt: T.dot(x, x.T), None),
    "pool_max": (pool.Pool, (1, 1, 4, 4), lambda x, dt: pool.pool_2d(
        x, ws=(2, 2), ignore_border=True, mode="max"), None),
    "pool_average_pad": (pool.Pool, (1, 1, 4, 4), lambda x, dt: pool.pool_2d(
        x * x, ws=(2, 2), ignore_border=True, pad=(1, 1), mode="average_exc_pad"), None),
    "pool_sum": (pool.Pool, (1, 2, 4, 5), lambda x, dt: pool.pool_2d(
        x, ws=(3, 2), stride=(1, 2), ignore_border=True, mode="sum"), None),
    "reshape": (T.Reshape, (2, 3), lambda x, dt: T.reshape(x * x, (3, 2)), None),
    "alloc": (T.Alloc, (4,), lambda x, dt: T.alloc(x * x, 3, 4), None),
    "join_one_varies": (T.Join, (2, 3), lambda x, dt: T.join(0, x, _fixed((1, 3), 4, dt), x * x), None),
    "roll": (T.Roll, (5,), lambda x, dt: T.roll(x * x, 2), None),
    "specify_shape": (T.SpecifyShape, (2, 3), lambda x, dt: T.specify_shape(x * x, (2, 3)), None),
    "rebroadcast": (T.Rebroadcast, (1, 3), lambda x, dt: T.addbroadcast(x * x, 0), None),
    "images2neibs": (neighbours.Images2Neibs, (1, 1, 4, 4), lambda x, dt: neighbours.images2neibs(
        x * x, (2, 2)), None),
    "softmax": (nnet.Softmax, (2, 4), lambda x, dt: nnet.softmax(x), None),
    "logsoftmax": (nnet.LogSoftmax, (2, 4), lambda x, dt: nnet.logsoftmax(x), None),
    "conv_one_varies": (conv_mod._ConvForward, (1, 2, 5, 5), lambda x, dt: conv_mod.conv2d(
        x, _fixed((3, 2, 2, 3), 5, dt)), None),
    "conv_both_vary": (conv_mod._ConvForward, (1, 1, 4, 4), lambda x, dt: conv_mod.conv2d(
        x, x[:, :, :2, :3]), None),
    "subtensor": (T.Subtensor, (4, 3), lambda x, dt: x[1:, ::2], None),
    "inc_subtensor_x_varies": (T.IncSubtensor, (4, 3), lambda x, dt: T.inc_subtensor(
        (x * x)[1:3], _fixed((2, 3), 6, dt)), None),
    "set_subtensor_y_varies": (T.IncSubtensor, (3,), lambda x, dt: T.set_subtensor(
        _fixed((4, 3), 7, dt)[1], T.exp(x)), None),
    "advanced_subtensor1": (T.AdvancedSubtensor1, (4, 2), lambda x, dt: (x * x)[[2, 0, 2]], None),
    "advanced_inc_subtensor1": (T.AdvancedIncSubtensor1, (4, 2), lambda x, dt: T.inc_subtensor(
        x[[0, 2, 0]], T.sin(x[:3])), None),
    "advanced_set_subtensor1": (T.AdvancedIncSubtensor1, (2,), lambda x, dt: T.set_subtensor(
        _fixed((4, 2), 8, dt)[[3, 1]], T.stack([x, x * x])), None),
    "dimshuffle": (T.DimShuffle, (2, 3), lambda x, dt: (x * x).dimshuffle("x", 1, 0), None),
    "matrix_inverse": (T.nlinalg.MatrixInverse, (3, 3), lambda x, dt: T.nlinalg.matrix_inverse(x),
                       lambda dt: (np.eye(3) * 3 + np.random.default_rng(9).uniform(
                           -1, 1, (3, 3))).astype(dt)),
    "tensordot_one_varies": (T.TensorDot, (2, 3, 4), lambda x, dt: T.tensordot(
        x, _fixed((4, 3, 2), 10, dt), axes=[[1, 2], [1, 0]]), None),
    "tensordot_both_vary": (T.TensorDot, (3, 3), lambda x, dt: T.tensordot(x, x, axes=1), None),
    "extract_diag": (T.ExtractDiag, (3, 4), lambda x, dt: T.diagonal(x * x, offset=1), None),
    "alloc_diag": (T.AllocDiag, (3,), lambda x, dt: T.diag(x * x), None),
    "cumsum": (T.CumOp, (3, 4), lambda x, dt: T.cumsum(x * x, axis=1), None),
}


def _x_value(case, dtype):
    _, shape, _, make = CASES[case]
    if make is not None:
        return make(dtype)
    return np.random.default_rng(11).uniform(-1, 1, size=shape).astype(dtype)


def _central_difference(fy, x, v, eps):
    xd, vd = x.astype("float64"), v.astype("float64")
    hi = fy((xd + eps * vd).astype(x.dtype)).astype("float64")
    lo = fy((xd - eps * vd).astype(x.dtype)).astype("float64")
    return (hi - lo) / (2 * eps)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("case", list(CASES))
def test_r_op_matches_central_differences(case, mode, dtype, monkeypatch):
    cls, shape, build, _ = CASES[case]
    calls = []
    original = cls.R_op

    def spy(self, inputs, eval_points):
        calls.append(type(self))
        return original(self, inputs, eval_points)

    monkeypatch.setattr(cls, "R_op", spy)
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    v = x.type("v")
    y = build(x, dtype)
    r = Rop(y, x, v)
    assert calls, f"Rop did not call {cls.__name__}.R_op"
    assert r.dtype == y.dtype and r.ndim == y.ndim
    f = theano.function([x, v], r, mode=MODES[mode], on_unused_input="ignore")  # linear: no x
    fy = theano.function([x], y, mode=MODES[mode])
    xv = _x_value(case, dtype)
    eps, tol = (1e-6, 1e-6) if dtype == "float64" else (1e-2, 2e-3)
    for seed in (0, 1):  # two calls, two directions
        vv = np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(dtype)
        got = f(xv, vv)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, _central_difference(fy, xv, vv, eps), rtol=tol, atol=tol,
                                   err_msg=case)


# -- gradient-shaping ops: their R_op follows their gradient rule, as in Theano 1.0 ------------

def _rop_value(y, x, v, xv, vv, mode, **kwargs):
    return theano.function([x, v], Rop(y, x, v, **kwargs), mode=mode, on_unused_input="ignore")(xv, vv)


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_gradient_shapers(mode):
    x, v = T.dvectors("x", "v")
    xv, vv = np.array([0.5, -2.0, 3.0]), np.array([1.0, 2.0, -1.0])
    # zero_grad and consider_constant: no derivative flows through them (Theano's zero_grad test)
    for shaper in (theano.gradient.zero_grad, theano.gradient.consider_constant):
        for _ in range(2):
            np.testing.assert_array_equal(_rop_value(shaper(x) * 3, x, v, xv, vv, mode), 0.0)
    np.testing.assert_allclose(_rop_value(theano.gradient.grad_scale(x, 0.5) ** 2, x, v, xv, vv, mode),
                               0.5 * 2 * xv * vv)
    np.testing.assert_allclose(_rop_value(theano.gradient.grad_clip(x, -1, 1) * 2, x, v, xv, vv, mode),
                               2 * vv)
    with pytest.raises(ValueError, match="does not depend on wrt"):
        Rop(theano.gradient.disconnected_grad(x) * 2, x, v)
    np.testing.assert_array_equal(
        _rop_value(theano.gradient.disconnected_grad(x), x, v, xv, vv, mode,
                   disconnected_outputs="ignore"), 0.0)


# -- ops without R_op: the gradient's forward form ------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", list(MODES))
def test_fallback_through_the_gradient(mode, dtype):
    x = T.TensorType(dtype, (False, False))("x")
    v = x.type("v")
    # Elemwise, CAReduce, MaxAndArgmax, cumprod and Prod define no R_op
    y = T.exp(x).sum(axis=0) * T.max(x, axis=1).sum() + T.cumprod(x, axis=0)[-1] + T.prod(x, axis=0)
    f = theano.function([x, v], Rop(y, x, v), mode=MODES[mode])
    fy = theano.function([x], y, mode=MODES[mode])
    xv = np.random.default_rng(3).uniform(0.5, 1.5, size=(3, 4)).astype(dtype)
    eps, tol = (1e-6, 1e-6) if dtype == "float64" else (1e-2, 5e-3)
    for seed in (0, 1):
        vv = np.random.default_rng(seed).uniform(-1, 1, size=(3, 4)).astype(dtype)
        np.testing.assert_allclose(f(xv, vv), _central_difference(fy, xv, vv, eps), rtol=tol, atol=tol)


def test_fallback_differentiates_one_node_only():
    # x reaches the node twice (directly and through exp): each path counted once
    x, v = T.dvectors("x", "v")
    y = x * T.exp(x)
    f = theano.function([x, v], Rop(y, x, v), mode=MODES["py"])
    xv, vv = np.array([0.3, -1.0]), np.array([2.0, 0.5])
    np.testing.assert_allclose(f(xv, vv), (np.exp(xv) + xv * np.exp(xv)) * vv)


# -- the contract for user ops (Theano 1.0's) -------------------------------------------------

class ScaledSquare(Op):
    """y = a * x ** 2 with an R_op that records the eval points it was given."""

    __props__ = ()
    seen = []

    def make_node(self, a, x):
        a, x = T.as_tensor_variable(a), T.as_tensor_variable(x)
        return Apply(self, [a, x], [x.type()])

    def perform(self, node, inputs, output_storage):
        a, x = inputs
        output_storage[0][0] = np.asarray(a * x ** 2, dtype=node.outputs[0].dtype)

    def R_op(self, inputs, eval_points):
        a, x = inputs
        ea, ex = eval_points
        ScaledSquare.seen.append((ea, ex))
        terms = []
        if ea is not None:
            terms.append(ea * x ** 2)
        if ex is not None:
            terms.append(2 * a * x * ex)
        return [terms[0] if len(terms) == 1 else terms[0] + terms[1]]


class NoDerivative(Op):
    """An op whose R_op says that its output does not vary (Theano's BreakRop)."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].copy()

    def R_op(self, inputs, eval_points):
        return [None]


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_user_op_r_op_is_called_with_none_for_fixed_inputs(mode):
    ScaledSquare.seen.clear()
    a = T.dscalar("a")
    x, v = T.dvectors("x", "v")
    y = ScaledSquare()(a, T.sin(x))
    r = Rop(y, x, v)
    assert len(ScaledSquare.seen) == 1
    ea, ex = ScaledSquare.seen[0]
    assert ea is None and ex is not None
    f = theano.function([a, x, v], r, mode=mode)
    xv, vv = np.array([0.2, 1.0, -0.7]), np.array([1.0, -3.0, 0.5])
    for av in (2.0, -0.5):
        np.testing.assert_allclose(f(av, xv, vv), 2 * av * np.sin(xv) * np.cos(xv) * vv)
    # both inputs vary
    ScaledSquare.seen.clear()
    va = T.dscalar("va")
    r2 = Rop(y, [a, x], [va, v])
    assert all(e is not None for e in ScaledSquare.seen[0])
    g = theano.function([a, x, va, v], r2, mode=mode)
    np.testing.assert_allclose(g(2.0, xv, 0.5, vv),
                               0.5 * np.sin(xv) ** 2 + 2 * 2.0 * np.sin(xv) * np.cos(xv) * vv)


def test_nodes_that_do_not_vary_are_skipped():
    ScaledSquare.seen.clear()
    a = T.dscalar("a")
    x, v = T.dvectors("x", "v")
    y = ScaledSquare()(a, T.ones_like(x)) + x
    Rop(y, x, v)
    assert ScaledSquare.seen == []


def test_non_differentiable_op_raises_or_gives_zeros():
    x, v = T.dvectors("x", "v")
    y = NoDerivative()(x) * 2
    with pytest.raises(ValueError, match="does not depend on wrt"):
        Rop(y, x, v)
    with pytest.warns(UserWarning, match="does not depend on wrt"):
        r = Rop(y, x, v, disconnected_outputs="warn")
    f = theano.function([x], r, mode=MODES["py"])
    np.testing.assert_array_equal(f([1.0, 2.0]), [0.0, 0.0])
    assert Rop(y, x, v, disconnected_outputs="ignore", return_disconnected="None") is None
    # integer outputs have no tangent either
    with pytest.raises(ValueError, match="does not depend on wrt"):
        Rop(T.argmax(x), x, v)


def test_bad_r_op_result_is_reported():
    class Broken(NoDerivative):
        def R_op(self, inputs, eval_points):
            return eval_points[0]  # not a list

    x, v = T.dvectors("x", "v")
    with pytest.raises(TypeError, match="must return a list"):
        Rop(Broken()(x), x, v)


def test_arguments_checked():
    x, v = T.dvectors("x", "v")
    with pytest.raises(ValueError, match="numbers of dimensions"):
        Rop(x * 2, [x], [T.dmatrix()])
    with pytest.raises(ValueError, match="same length"):
        Rop(x * 2, [x], [v, v])
    with pytest.raises(ValueError, match="disconnected_outputs"):
        Rop(x * 2, x, v, disconnected_outputs="maybe")


def test_result_has_the_form_of_f():
    m, v = T.dmatrix("m"), T.dvector("v")
    em, ev = T.dmatrix("em"), T.dvector("ev")
    as_list = Rop([m, v, m + v], [m, v], [em, ev])
    as_tuple = Rop((m, v, m + v), [m, v], [em, ev])
    assert isinstance(as_list, list) and isinstance(as_tuple, tuple) and len(as_tuple) == 3
    f = theano.function([m, v, em, ev], list(as_tuple), mode=MODES["py"])
    mv, vv = np.ones((2, 3)), np.arange(3.0)
    emv, evv = np.full((2, 3), 2.0), np.array([1.0, -1.0, 0.5])
    out = f(mv, vv, emv, evv)
    np.testing.assert_array_equal(out[0], emv)
    np.testing.assert_array_equal(out[1], evv)
    np.testing.assert_array_equal(out[2], emv + evv)


def test_op_from_graph_r_op_override_is_used():
    x, v = T.dvectors("x", "v")
    a = T.dvector()
    calls = []

    def rop(inputs, eval_points):
        calls.append(1)
        return [eval_points[0] * 10]

    op = theano.OpFromGraph([a], [a * 2], rop_overrides=rop)
    f = theano.function([x, v], Rop(op(x), x, v), mode=MODES["py"], on_unused_input="ignore")
    assert calls
    np.testing.assert_allclose(f([1.0, 2.0], [1.0, 3.0]), [10.0, 30.0])


def test_random_draws_have_no_derivative():
    # the parameters of a distribution have an undefined gradient, so Rop through a draw is refused
    # with the gradient's explanation; a draw whose parameters do not vary is a constant factor
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=3)
    x, v = T.dvectors("x", "v")
    with pytest.raises(theano.gradient.NullTypeGradError, match="random number draws"):
        Rop(srng.normal(avg=x, size=(3,)), x, v)
    noise = srng.normal(size=(3,))
    f = theano.function([x, v], [Rop(x * noise, x, v), noise], mode=MODES["py"])
    r, n = f(np.ones(3), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(r, n * [1.0, 2.0, 3.0])


# -- a zero derivative is not a disconnected output (Theano 1.0's Rop gave zeros) -------------

@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_gradient_of_a_linear_cost_has_zero_rop(mode):
    """``grad(sum(dot(x, v)), v)`` depends on ``v`` only through the shape of the cost (the fill
    that seeds the gradient): its R-operator is zeros, not a disconnected output."""
    x = T.arange(20.0).reshape([1, 20])
    v = theano.shared(np.ones(20))
    ev = T.dvector("ev")
    r = Rop(T.grad(T.dot(x, v).sum(), v), v, ev)
    f = theano.function([ev], r, mode=mode, on_unused_input="ignore")
    for k in range(3):
        out = f(np.full(20, k + 1.0))
        assert out.shape == (20,)
        np.testing.assert_array_equal(out, 0.0)


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_hessian_vector_product_through_the_seeding_fill(mode):
    """The same seeding fill beside a real dependence: ``Rop(grad(sum(dot(A, w) ** 2), w), w, e)``
    is ``2 A^T A e`` (against NumPy and central differences of the gradient)."""
    a = np.arange(12.0).reshape(3, 4) / 10 - 0.4
    w, e = T.dvectors("w", "e")
    g = T.grad((T.dot(T.constant(a), w) ** 2).sum(), w)
    f = theano.function([w, e], [Rop(g, w, e), g], mode=mode)
    rng = np.random.default_rng(5)
    for _ in range(3):
        wv, ev = rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 4)
        hv, _ = f(wv, ev)
        np.testing.assert_allclose(hv, 2 * a.T @ a @ ev, rtol=1e-12)
        eps = 1e-6
        numeric = (f(wv + eps * ev, ev)[1] - f(wv - eps * ev, ev)[1]) / (2 * eps)
        np.testing.assert_allclose(hv, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_zero_speed_inputs_give_zeros_without_calling_r_op(mode):
    """``ScaledSquare(a, ones_like(x))`` depends on ``x`` with a zero derivative: zeros of its
    shape, and the op's R_op is not called (nothing it reads varies)."""
    ScaledSquare.seen.clear()
    a = T.dscalar("a")
    x, v = T.dvectors("x", "v")
    r = Rop(ScaledSquare()(a, T.ones_like(x)), x, v)
    assert ScaledSquare.seen == []
    f = theano.function([a, x, v], r, mode=mode, on_unused_input="ignore")
    for n in (2, 5, 5):
        np.testing.assert_array_equal(f(1.5, np.ones(n), np.ones(n)), np.zeros(n))
    # an output that does not depend on wrt at all still raises
    with pytest.raises(ValueError, match="does not depend on wrt"):
        Rop(a * 2, x, v)
