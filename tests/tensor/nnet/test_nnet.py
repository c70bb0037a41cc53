"""Activations, softmax, log-softmax and the cross-entropies against NumPy references."""

import math

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor import nnet
from theano.tensor.nnet import nnet as nn
from tests.helpers import OpCase, assert_allclose, check_case, compare_backends, rand, rand_pos

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
DTYPES = ("float64", "float32")


def away_from(values, points, margin=0.05):
    """Move values closer than ``margin`` to any of ``points`` (kinks) away from them."""
    v = np.array(values, dtype="float64")
    for p in points:
        close = np.abs(v - p) < margin
        v[close] = p + np.where(v[close] >= p, margin, -margin)
    return v


# ----------------------------------------------------------------------------------------------
# references
# ----------------------------------------------------------------------------------------------


def ref_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def ref_ultra_fast_sigmoid(x):
    out = np.empty(x.shape)
    for idx, v in np.ndenumerate(x):
        z = abs(v) / 2.0
        if z < 1.7:
            s = 1.5 * z / (1 + z)
        elif z < 3:
            s = 0.935409070603099 + 0.0458812946797165 * (z - 1.7)
        else:
            s = 0.99505475368673
        out[idx] = 0.5 + 0.5 * s if v >= 0 else 0.5 - 0.5 * s
    return out.astype(x.dtype)


def ref_softmax(x):
    out = np.empty(x.shape, dtype="float64")
    for idx in np.ndindex(*x.shape[:-1]):
        row = x[idx].astype("float64")
        m = max(row) if row.size else 0.0
        e = [math.exp(v - m) for v in row]
        s = sum(e)
        out[idx] = [v / s for v in e]
    return out.astype(x.dtype)


def ref_logsoftmax(x):
    out = np.empty(x.shape, dtype="float64")
    for idx in np.ndindex(*x.shape[:-1]):
        row = x[idx].astype("float64")
        m = max(row) if row.size else 0.0
        lse = m + math.log(sum(math.exp(v - m) for v in row)) if row.size else 0.0
        out[idx] = row - lse
    return out.astype(x.dtype)


def ref_xent_1hot(p, y):
    return np.array([-math.log(p[i, y[i]]) for i in range(len(y))], dtype=p.dtype)


# ----------------------------------------------------------------------------------------------
# activations
# ----------------------------------------------------------------------------------------------


def test_sigmoid_and_softplus_are_the_elemwise_ones():
    assert nnet.sigmoid is T.sigmoid and nnet.softplus is T.softplus
    from theano.tensor.nnet import sigm

    assert sigm.ultra_fast_sigmoid is nnet.ultra_fast_sigmoid


X = away_from(rand(3, 5, low=-8, high=8, seed=11), [0, -3.4, 3.4, -6, 6], 0.1)

ACTIVATIONS = [
    OpCase("sigmoid", nnet.sigmoid, lambda x: ref_sigmoid(x).astype(x.dtype), [X], dtypes=DTYPES),
    OpCase("ultra_fast_sigmoid", nnet.ultra_fast_sigmoid, ref_ultra_fast_sigmoid, [X], dtypes=DTYPES),
    OpCase("hard_sigmoid", nnet.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1).astype(x.dtype),
           [away_from(X, [-2.5, 2.5], 0.1)], dtypes=DTYPES),
    OpCase("relu", nnet.relu, lambda x: np.maximum(x, 0), [X], dtypes=DTYPES),
    OpCase("relu_leaky", lambda x: nnet.relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x).astype(x.dtype),
           [X], dtypes=DTYPES),
    OpCase("relu_symbolic_alpha", lambda x, a: nnet.relu(x, a),
           lambda x, a: np.where(x > 0, x, a * x), [X, rand_pos(3, 5, seed=3) / 4], dtypes=DTYPES),
    OpCase("elu", nnet.elu, lambda x: np.where(x > 0, x, np.expm1(x)).astype(x.dtype), [X], dtypes=DTYPES),
    OpCase("elu_alpha", lambda x: nnet.elu(x, 0.5),
           lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)).astype(x.dtype), [X], dtypes=DTYPES),
    OpCase("selu", nnet.selu,
           lambda x: (1.0507009873554805
                      * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))).astype(x.dtype),
           [X], dtypes=DTYPES),
    OpCase("softsign", nnet.softsign, lambda x: x / (1 + np.abs(x)), [X], dtypes=DTYPES),
    OpCase("activation_empty", nnet.elu, lambda x: x, [np.zeros((0, 3))], dtypes=DTYPES, grad=False),
]


@pytest.mark.parametrize("case", ACTIVATIONS, ids=lambda c: c.name)
def test_activation(case):
    check_case(case)


def test_activation_dtypes():
    for fn in (nnet.relu, nnet.elu, nnet.selu, nnet.hard_sigmoid, nnet.ultra_fast_sigmoid,
               lambda x: nnet.relu(x, 0.01)):
        assert fn(T.fmatrix()).dtype == "float32"
        assert fn(T.dmatrix()).dtype == "float64"
    # Theano 1.0's relu is 0.5 * (x + abs(x)): an integer tensor gives floats
    assert nnet.relu(T.imatrix()).dtype == "float64"
    assert nnet.relu(T.bmatrix()).dtype == "float32"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_relu_values_and_gradient_at_zero_are_theanos(dtype):
    # Theano 1.0: relu(x) = 0.5 * (x + |x|), relu(x, a) = 0.5 * (1 + a) * x + 0.5 * (1 - a) * |x|:
    # the gradient at exactly 0 is half the sum of the slopes (0.5, and 0.55 for a = 0.1)
    x = T.vector("x", dtype=dtype)
    v = np.array([-2.0, -0.0, 0.0, 1e-30, 3.0, -1000.0, 1000.0], dtype=dtype)
    half = dtype == "float32" and np.float32(0.5) or 0.5
    a = np.asarray(0.1, dtype=dtype)
    ref = [half * (v + np.abs(v)),
           half * (1 + a) * v + half * (1 - a) * np.abs(v)]
    ref_g = [half * (1 + np.sign(v)), half * (1 + a) + half * (1 - a) * np.sign(v)]
    outs = [nnet.relu(x), nnet.relu(x, 0.1)]
    grads = [theano.grad(o.sum(), x) for o in outs]
    for mode in (PY(), None):
        f = theano.function([x], outs + grads, mode=mode)
        for _ in range(3):
            got = f(v)
            for g, r in zip(got, ref + ref_g):
                np.testing.assert_allclose(g, r.astype(dtype), rtol=2e-7 if dtype == "float32" else 1e-15)
            assert got[2][2] == 0.5 and np.isclose(got[3][2], 0.55)


def test_ultra_fast_sigmoid_is_close_to_sigmoid():
    x = np.linspace(-10, 10, 201)
    xs = T.dvector()
    v = theano.function([xs], nnet.ultra_fast_sigmoid(xs), mode=PY())(x)
    assert np.max(np.abs(v - ref_sigmoid(x))) < 0.03


# ----------------------------------------------------------------------------------------------
# softmax / log-softmax
# ----------------------------------------------------------------------------------------------

SOFTMAX_CASES = [
    OpCase("softmax", nnet.softmax, ref_softmax, [rand(4, 5, low=-3, high=3)], dtypes=DTYPES),
    OpCase("softmax_1col", nnet.softmax, ref_softmax, [rand(3, 1)], dtypes=DTYPES),
    OpCase("softmax_3d", lambda x: nn.softmax_op(x), ref_softmax, [rand(2, 3, 4)], dtypes=DTYPES),
    OpCase("softmax_empty", nnet.softmax, lambda x: x, [np.zeros((0, 4))], dtypes=DTYPES, grad=False),
    OpCase("softmax_zero_cols", nnet.softmax, lambda x: x, [np.zeros((3, 0))], dtypes=DTYPES, grad=False),
    OpCase("logsoftmax", nnet.logsoftmax, ref_logsoftmax, [rand(4, 5, low=-3, high=3)], dtypes=DTYPES),
    OpCase("logsoftmax_3d", lambda x: nn.logsoftmax_op(x), ref_logsoftmax, [rand(2, 3, 4)], dtypes=DTYPES),
    OpCase("softmax_graph", nnet.softmax_graph, ref_softmax, [rand(3, 4)], dtypes=DTYPES),
    OpCase("softmax_with_bias", nnet.softmax_with_bias, lambda x, b: ref_softmax(x + b),
           [rand(3, 4), rand(4, seed=5)], dtypes=DTYPES),
    OpCase("softmax_grad", nn.softmax_grad,
           lambda dy, sm: (dy - (dy * sm).sum(-1, keepdims=True)) * sm,
           [rand(3, 4, seed=1), ref_softmax(rand(3, 4, seed=2))], dtypes=DTYPES),
]


@pytest.mark.parametrize("case", SOFTMAX_CASES, ids=lambda c: c.name)
def test_softmax_family(case):
    check_case(case)


def test_softmax_is_stable_for_large_values():
    x = T.dmatrix()
    big = np.array([[1000.0, 1000.0, -1000.0], [-1e4, 0.0, 1e4]])
    sm, lsm = theano.function([x], [nnet.softmax(x), nnet.logsoftmax(x)], mode=PY())(big)
    assert np.all(np.isfinite(sm)) and np.all(np.isfinite(lsm))
    assert_allclose(sm, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    assert_allclose(lsm[0, :2], [-math.log(2)] * 2)


def test_softmax_of_vector_is_a_row_as_in_theano():
    v = T.dvector()
    out = nnet.softmax(v)
    assert out.ndim == 2 and out.broadcastable == (True, False)
    assert_allclose(theano.function([v], out, mode=PY())(np.array([1.0, 2.0, 3.0])),
                    ref_softmax(np.array([[1.0, 2.0, 3.0]])))


def test_softmax_op_classes_and_grad_op():
    x = T.dmatrix()
    sm = nnet.softmax(x)
    assert isinstance(sm.owner.op, nnet.Softmax)
    assert isinstance(nnet.logsoftmax(x).owner.op, nnet.LogSoftmax)
    g = T.grad((sm * T.constant(np.arange(3.0))).sum(), x)
    assert any(isinstance(n.op, nnet.SoftmaxGrad)
               for n in theano.graph.basic.io_toposort([x], [g]))


def test_softmax_rejects_bad_inputs():
    with pytest.raises(TypeError, match="floats"):
        nn.softmax_op(T.imatrix())
    with pytest.raises(TypeError, match="at least one dimension"):
        nn.softmax_op(T.dscalar())
    with pytest.raises(TypeError, match="at least one dimension"):
        nn.logsoftmax_op(T.dscalar())
    with pytest.raises(TypeError, match="matrix"):
        nnet.softmax_with_bias(T.dvector(), T.dvector())
    dy, sm = T.dmatrix(), T.dmatrix()
    f = theano.function([dy, sm], nn.softmax_grad(dy, sm), mode=PY())
    with pytest.raises(ValueError, match="shape"):
        f(rand(2, 3), rand(3, 2))


def test_softmax_int_input_is_cast_by_the_helper():
    x = T.imatrix()
    out = nnet.softmax(x)
    assert out.dtype == theano.config.floatX


# ----------------------------------------------------------------------------------------------
# cross-entropies
# ----------------------------------------------------------------------------------------------

P = ref_softmax(rand(4, 3, seed=21))
Y = np.array([0, 2, 1, 2])


@pytest.mark.parametrize("ydtype", ["int32", "int64", "int8"])
def test_categorical_crossentropy_int_targets(ydtype):
    case = OpCase("xent_1hot", nnet.categorical_crossentropy, ref_xent_1hot, [P, Y.astype(ydtype)],
                  dtypes=DTYPES)
    check_case(case)
    out = nnet.categorical_crossentropy(T.dmatrix(), T.TensorType(ydtype, (False,))())
    assert isinstance(out.owner.op, nnet.CrossentropyCategorical1Hot)


def test_categorical_crossentropy_dense_targets():
    onehot = np.eye(3)[Y]
    soft = ref_softmax(rand(4, 3, seed=5))
    ref = lambda p, t: -(t * np.log(p)).sum(axis=1)  # noqa: E731
    check_case(OpCase("xent_onehot", nnet.categorical_crossentropy, ref, [P, onehot], dtypes=DTYPES))
    check_case(OpCase("xent_soft", nnet.categorical_crossentropy, ref, [P, soft], dtypes=DTYPES))
    # one-hot matrix and index vector agree
    p, t, y = T.dmatrix(), T.dmatrix(), T.lvector()
    a, b = theano.function([p, t, y], [nnet.categorical_crossentropy(p, t),
                                       nnet.categorical_crossentropy(p, y)], mode=PY())(P, onehot, Y)
    assert_allclose(a, b)


def test_crossentropy_1hot_grad_op_contract():
    # second-order: the grad op's own gradient
    case = OpCase("xent_1hot_grad", nn.crossentropy_categorical_1hot_grad,
                  lambda g, p, y: np.where(np.eye(3)[y] > 0, -g[:, None] / p, 0).astype(p.dtype),
                  [rand(4, seed=2), P, Y], dtypes=DTYPES)
    check_case(case)


def test_categorical_crossentropy_errors():
    with pytest.raises(TypeError, match="rank mismatch"):
        nnet.categorical_crossentropy(T.dmatrix(), T.dscalar())
    with pytest.raises(TypeError, match="integer class indices"):
        nn.crossentropy_categorical_1hot(T.dmatrix(), T.dvector())
    with pytest.raises(TypeError, match="matrix"):
        nn.crossentropy_categorical_1hot(T.dtensor3(), T.lvector())
    p, y = T.dmatrix(), T.lvector()
    f = theano.function([p, y], nnet.categorical_crossentropy(p, y), mode=PY())
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 3\)"):
        f(P, np.array([0, 3, 1, 2]))
    with pytest.raises(ValueError, match="rows"):
        f(P, np.array([0, 1]))


def test_grad_wrt_indices_is_undefined():
    from theano.gradient import NullTypeGradError

    p, y = T.dmatrix(), T.lvector()
    cost = nnet.categorical_crossentropy(p, y).sum()
    with pytest.raises(NullTypeGradError, match="CrossentropyCategorical1Hot .* undefined"):
        T.grad(cost, y)
    x, b = T.dmatrix(), T.dvector()
    nll = nnet.crossentropy_softmax_1hot_with_bias(x, b, y)[0].sum()
    with pytest.raises(NullTypeGradError, match="undefined"):
        T.grad(nll, y)
    # the gradient wrt the probabilities is still fine
    assert T.grad(cost, p).ndim == 2


BCE_CASES = [
    OpCase("binary_crossentropy", nnet.binary_crossentropy,
           lambda o, t: -(t * np.log(o) + (1 - t) * np.log(1 - o)),
           [rand(3, 4, low=0.1, high=0.9, seed=1), rand(3, 4, low=0, high=1, seed=2)], dtypes=DTYPES),
    OpCase("sigmoid_binary_crossentropy", nnet.sigmoid_binary_crossentropy,
           lambda o, t: -(t * np.log(ref_sigmoid(o)) + (1 - t) * np.log(1 - ref_sigmoid(o))),
           [rand(3, 4, low=-4, high=4, seed=3), rand(3, 4, low=0, high=1, seed=4)], dtypes=DTYPES),
    OpCase("binary_crossentropy_bcast", nnet.binary_crossentropy,
           lambda o, t: -(t * np.log(o) + (1 - t) * np.log(1 - o)),
           [rand(3, 4, low=0.1, high=0.9, seed=1), rand(4, low=0, high=1, seed=2)], dtypes=DTYPES),
]


@pytest.mark.parametrize("case", BCE_CASES, ids=lambda c: c.name)
def test_binary_crossentropies(case):
    check_case(case)


def test_sigmoid_binary_crossentropy_is_stable():
    o, t = T.dvector(), T.dvector()
    v = theano.function([o, t], nnet.sigmoid_binary_crossentropy(o, t), mode=PY())(
        np.array([800.0, -800.0, 800.0]), np.array([1.0, 0.0, 0.0]))
    assert_allclose(v, [0.0, 0.0, 800.0])


# ----------------------------------------------------------------------------------------------
# fused softmax + cross-entropy
# ----------------------------------------------------------------------------------------------


def test_crossentropy_softmax_argmax_1hot_with_bias():
    x, b = rand(4, 3, seed=7), rand(3, seed=8)

    def ref(x, b, y):
        sm = ref_softmax(x + b)
        return [ref_xent_1hot(sm, y), sm, np.argmax(x + b, axis=1)]

    for dtype in DTYPES:
        xs, bs, ys = T.TensorType(dtype, (False, False))(), T.TensorType(dtype, (False,))(), T.lvector()
        outs = nnet.crossentropy_softmax_argmax_1hot_with_bias(xs, bs, ys)
        compare_backends([xs, bs, ys], outs, [x.astype(dtype), b.astype(dtype), Y],
                         expected=ref(x.astype(dtype), b.astype(dtype), Y))
        assert outs[2].dtype == "int64" and outs[0].dtype == dtype
    # gradients through nll alone, and through nll and sm together
    verify_grad(lambda x, b: nnet.crossentropy_softmax_1hot_with_bias(x, b, Y)[0], [x, b],
                rng=np.random.RandomState(1), mode=PY())
    verify_grad(lambda x, b: sum(o.sum() * c for o, c in
                                 zip(nnet.crossentropy_softmax_1hot_with_bias(x, b, Y), (1.0, 3.0))),
                [x, b], rng=np.random.RandomState(2), mode=PY())
    verify_grad(lambda x: nnet.crossentropy_softmax_1hot(x, Y)[0], [x.astype("float32")],
                rng=np.random.RandomState(3), mode=PY())


def test_crossentropy_softmax_1hot_matches_unfused_graph():
    x, y = T.dmatrix(), T.lvector()
    nll, sm = nnet.crossentropy_softmax_1hot(x, y)
    ref = nnet.categorical_crossentropy(nnet.softmax(x), y)
    f = theano.function([x, y], [nll, sm, ref, T.grad(nll.sum(), x), T.grad(ref.sum(), x)], mode=PY())
    a, s, b, ga, gb = f(rand(4, 3), Y)
    assert_allclose(a, b)
    assert_allclose(ga, gb)
    assert_allclose(s, ref_softmax(rand(4, 3)))


def test_crossentropy_softmax_dx_op_contract():
    sm = ref_softmax(rand(4, 3, seed=3))
    case = OpCase("xent_sm_dx", nn.crossentropy_softmax_1hot_with_bias_dx,
                  lambda dy, sm, y: dy[:, None] * (sm - np.eye(3)[y]),
                  [rand(4, seed=4), sm, Y], dtypes=DTYPES)
    check_case(case)


def test_fused_op_errors():
    op = nn.crossentropy_softmax_argmax_1hot_with_bias
    with pytest.raises(TypeError, match="matrix"):
        op(T.dvector(), T.dvector(), T.lvector())
    with pytest.raises(TypeError, match="integer"):
        op(T.dmatrix(), T.dvector(), T.dvector())
    x, b, y = T.dmatrix(), T.dvector(), T.lvector()
    f = theano.function([x, b, y], op(x, b, y), mode=PY())
    with pytest.raises(ValueError, match="b has length 2"):
        f(rand(4, 3), rand(2), Y)
    with pytest.raises(ValueError, match="class indices"):
        f(rand(4, 3), rand(3), np.array([0, 1, 2, -1]))


def test_softmax_over_broadcastable_dimension_warns():
    with pytest.warns(UserWarning, match="length 1"):
        nnet.softmax(T.TensorType("float64", (False, True))())


# ----------------------------------------------------------------------------------------------
# R_op (forward-mode) of the ops that define one, against central differences
# ----------------------------------------------------------------------------------------------


def check_r_op(build, xv, seed=0):
    x = T.dmatrix() if xv.ndim == 2 else T.TensorType("float64", (False,) * xv.ndim)()
    out = build(x)
    node = out.owner
    v = T.TensorType("float64", (False,) * xv.ndim)()
    (r,) = node.op.R_op(list(node.inputs), [v])
    vv = np.random.RandomState(seed).uniform(-1, 1, xv.shape)
    f = theano.function([x], out, mode=PY())
    got = theano.function([x, v], r, mode=PY())(xv, vv)
    eps = 1e-6
    expected = (f(xv + eps * vv) - f(xv - eps * vv)) / (2 * eps)
    assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_r_op_softmax_and_logsoftmax():
    check_r_op(nnet.softmax, rand(3, 4))
    check_r_op(nnet.logsoftmax, rand(3, 4))
    x = T.dmatrix()
    assert nn.softmax_op.R_op([x], [None]) == [None]
