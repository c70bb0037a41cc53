"""The 1-hot cross-entropy of one distribution (a vector, Theano's one-row softmax) and the fused
rewrites of the negative log-likelihood ``-log(softmax(x)[arange(n), y])`` and of its gradient
(theano/tensor/nnet/rewrites.py): values against SciPy at saturating inputs, graph structure."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import special as sp

import theano
import theano.tensor as T
from theano import gof
from theano.compile.mode import OPT_FAST_RUN, optdb
from theano.tensor.nnet import nnet as nn
from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedSubtensor

MODES = {"default": None, "py": theano.Mode(linker="py")}


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def _onehot(y, k):
    return np.eye(k)[y]


# -------------------------------------------------------------------------------------------------
# the ops on a vector (one row)
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_xent_1hot_of_a_vector_is_one_row(mode):
    p, y = T.dvector("p"), T.lvector("y")
    out = nn.crossentropy_categorical_1hot(p, y)
    assert out.ndim == 1 and out.broadcastable == y.broadcastable  # one cost per label
    g = T.grad(out.sum(), p)
    f = theano.function([p, y], [out, g, out.shape], mode=MODES[mode])
    rng = np.random.default_rng(1)
    for k in range(3):
        pv = rng.uniform(0.1, 1.0, size=5)
        r, gv, shp = f(pv, [k])
        assert_allclose(r, [-np.log(pv[k])])
        want = np.zeros(5)
        want[k] = -1 / pv[k]
        assert_allclose(gv, want)
        assert tuple(shp) == (1,)


@pytest.mark.parametrize("mode", MODES)
def test_xent_1hot_of_a_vector_refuses_several_labels(mode):
    p, y = T.dvector("p"), T.lvector("y")
    f = theano.function([p, y], nn.crossentropy_categorical_1hot(p, y), mode=MODES[mode])
    with pytest.raises(ValueError, match="1 rows of probabilities but 2 class indices"):
        f(np.full(3, 1 / 3), [0, 1])
    with pytest.raises(ValueError, match="class indices must lie in"):
        f(np.full(3, 1 / 3), [3])
    with pytest.raises(TypeError, match="matrix"):
        nn.crossentropy_categorical_1hot(T.dtensor3(), y)


def test_xent_1hot_grad_of_a_vector_verify_grad():
    rng = np.random.default_rng(2)
    pv = rng.uniform(0.2, 1.0, size=4)
    theano.gradient.verify_grad(lambda p: nn.crossentropy_categorical_1hot(p, np.array([2])),
                                [pv], rng=np.random.RandomState(0))
    # second derivative through CrossentropyCategorical1HotGrad of a vector
    theano.gradient.verify_grad(
        lambda g, p: nn.crossentropy_categorical_1hot_grad(g, p, np.array([1])),
        [np.array([0.7]), pv], rng=np.random.RandomState(0))


@pytest.mark.parametrize("mode", MODES)
def test_softmax_1hot_dx_broadcastable_dy_serves_every_row(mode):
    dy = T.TensorType("float64", (True,))("dy")
    sm, y = T.dmatrix("sm"), T.lvector("y")
    out = nn.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y)
    f = theano.function([dy, sm, y], out, mode=MODES[mode])
    rng = np.random.default_rng(3)
    for _ in range(3):
        smv = sp.softmax(rng.normal(size=(4, 3)), axis=1)
        yv = rng.integers(0, 3, size=4)
        assert_allclose(f([2.5], smv, yv), 2.5 * (smv - _onehot(yv, 3)))
    # a dy that is not broadcastable must have one entry per row
    dyv = T.dvector("dyv")
    g = theano.function([dyv, sm, y], nn.crossentropy_softmax_1hot_with_bias_dx(dyv, sm, y),
                        mode=MODES[mode])
    with pytest.raises(ValueError, match="dy has length 1 but sm has 4 rows"):
        g([1.0], smv, yv)
    theano.gradient.verify_grad(lambda d, s: nn.crossentropy_softmax_1hot_with_bias_dx(
        d, s, np.array([0, 2])), [np.array([0.5]), smv[:2]], rng=np.random.RandomState(0))


# -------------------------------------------------------------------------------------------------
# the rewrites of a vector's softmax
# -------------------------------------------------------------------------------------------------


def _optimize(outputs, inputs):
    fg = gof.FunctionGraph(inputs, outputs)
    optdb.query(OPT_FAST_RUN).optimize(fg)
    return fg


def test_vector_softmax_xent_is_fused():
    x, b, y = T.dvector("x"), T.dvector("b"), T.lvector("y")
    fg = _optimize([nn.crossentropy_categorical_1hot(nn.softmax_op(x + b), y)], [x, b, y])
    ops = [n.op for n in fg.toposort()]
    assert fg.outputs[0].owner.op == nn.crossentropy_softmax_argmax_1hot_with_bias
    assert len(ops) == 2  # the row of x, the fused op (b is its bias)
    fg = _optimize([nn.crossentropy_categorical_1hot(nn.softmax_op(x), y)], [x, y])
    assert fg.outputs[0].owner.op == nn.crossentropy_softmax_argmax_1hot_with_bias


def test_vector_softmax_xent_grad_is_fused():
    x, y = T.dvector("x"), T.lvector("y")
    g = T.grad(nn.crossentropy_categorical_1hot(nn.softmax_op(x), y).sum(), x)
    ops = [n.op for n in _optimize([g], [x, y]).toposort()]
    assert nn.crossentropy_softmax_1hot_with_bias_dx in ops
    assert nn.softmax_op in ops
    assert nn.softmax_grad not in ops
    assert not any(isinstance(o, nn.CrossentropyCategorical1HotGrad) for o in ops)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype, big", [("float64", 1000.0), ("float32", 100.0)])
def test_vector_softmax_xent_values_saturated(mode, dtype, big):
    x, b, y = T.vector("x", dtype=dtype), T.vector("b", dtype=dtype), T.lvector("y")
    cost = nn.crossentropy_categorical_1hot(nn.softmax_op(x + b), y)
    gx, gb = T.grad(cost.sum(), [x, b])
    f = theano.function([x, b, y], [cost, gx, gb], mode=MODES[mode])
    assert nn.crossentropy_softmax_argmax_1hot_with_bias in _ops(f)
    xv = np.array([-big, 0.0, big, 1.0, -big / 2], dtype=dtype)
    bv = np.linspace(-1, 1, 5).astype(dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4
    for k in (0, 2, 4):
        c, gxv, gbv = f(xv, bv, [k])
        z = xv.astype("float64") + bv
        assert np.isfinite(c).all() and np.isfinite(gxv).all()
        assert_allclose(c, [-sp.log_softmax(z)[k]], rtol=tol)
        want = sp.softmax(z) - _onehot(k, 5)
        assert_allclose(gxv, want, rtol=tol, atol=tol)
        assert_allclose(gbv, want, rtol=tol, atol=tol)


# -------------------------------------------------------------------------------------------------
# -log(softmax(x)[arange(n), y]) (the tutorials' negative log-likelihood) and its gradient
# -------------------------------------------------------------------------------------------------


def _nll_forms(x, b, y):
    sm = nn.softmax(x + b)
    rows = T.arange(y.shape[0])
    return {
        "sum(-log(sm[idx]))": T.sum(-T.log(sm[rows, y])),
        "-sum(log(sm)[idx])": -T.sum(T.log(sm)[rows, y]),
        "-mean(log(sm)[arange(x.shape[0]), y])": -T.mean(T.log(sm)[T.arange(x.shape[0]), y]),
        "sum(-logsoftmax[idx])": T.sum(-nn.logsoftmax(x + b)[rows, y]),
    }


@pytest.mark.parametrize("form", list(_nll_forms(T.dmatrix(), T.dvector(), T.lvector())))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype, big", [("float64", 1000.0), ("float32", 100.0)])
def test_indexed_nll_is_fused_and_exact_at_saturation(form, mode, dtype, big):
    x, b, y = T.matrix("x", dtype=dtype), T.vector("b", dtype=dtype), T.lvector("y")
    cost = _nll_forms(x, b, y)[form]
    gx, gb = T.grad(cost, [x, b])
    f = theano.function([x, b, y], cost, mode=MODES[mode])
    g = theano.function([x, b, y], [gx, gb], mode=MODES[mode])
    fops, gops = _ops(f), _ops(g)
    assert nn.crossentropy_softmax_argmax_1hot_with_bias in fops
    assert not any(isinstance(o, (AdvancedSubtensor, nn.LogSoftmax)) for o in fops)
    if "logsoftmax" not in form:  # (LogSoftmax's own gradient is stable and is left as it is)
        assert nn.crossentropy_softmax_1hot_with_bias_dx in gops
        assert not any(isinstance(o, (AdvancedIncSubtensor, nn.SoftmaxGrad)) for o in gops)
        # the gradient alone needs only the cost's shape: the fused forward op is not computed
        assert nn.crossentropy_softmax_argmax_1hot_with_bias not in gops
    xv = np.array([[big, 0.0, -big], [-big, big, big], [1.0, 2.0, 3.0], [-big, -big, -big]],
                  dtype=dtype)
    bv = np.array([0.0, 0.5, -0.5], dtype=dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4
    for yv in ([2, 0, 1, 1], [0, 0, 2, 1], [2, 2, 2, 2]):
        yv = np.array(yv)
        z = xv.astype("float64") + bv
        picked = -sp.log_softmax(z, axis=1)[np.arange(4), yv]
        scale = 4.0 if "mean" in form else 1.0
        assert_allclose(f(xv, bv, yv), picked.sum() / scale, rtol=tol)
        want = (sp.softmax(z, axis=1) - _onehot(yv, 3)) / scale
        gxv, gbv = g(xv, bv, yv)
        assert np.isfinite(gxv).all()
        assert_allclose(gxv, want, rtol=tol, atol=tol)
        assert_allclose(gbv, want.sum(axis=0), rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", MODES)
def test_indexed_nll_with_fewer_labels_than_rows_raises(mode):
    # the fused op needs one label per row; it says so instead of reading the first rows
    x, y = T.dmatrix("x"), T.lvector("y")
    cost = -T.sum(T.log(nn.softmax(x)[T.arange(y.shape[0]), y]))
    f = theano.function([x, y], cost, mode=MODES[mode])
    assert_allclose(f(np.zeros((2, 3)), [0, 1]), 2 * np.log(3))
    with pytest.raises(ValueError, match="3 rows of probabilities but 2 class indices"):
        f(np.zeros((3, 3)), [0, 1])


def test_other_indices_are_not_fused():
    # only arange(n) rows (one label per row) are the negative log-likelihood
    x, y = T.dmatrix("x"), T.lvector("y")
    rows = T.constant(np.array([2, 0]))
    cost = -T.sum(T.log(nn.softmax(x)[rows, y]))
    f = theano.function([x, y], [cost, T.grad(cost, x)])
    assert nn.crossentropy_softmax_argmax_1hot_with_bias not in _ops(f)
    xv = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1000.0, 0.0, 1000.0]])
    c, gv = f(xv, [1, 2])
    ls = sp.log_softmax(xv, axis=1)
    assert_allclose(c, -(ls[2, 1] + ls[0, 2]))
    want = np.zeros((3, 3))
    want[2] = sp.softmax(xv[2]) - _onehot(1, 3)
    want[0] = sp.softmax(xv[0]) - _onehot(2, 3)
    assert_allclose(gv, want, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_xent_plus_log_of_the_same_softmax_has_a_finite_gradient(mode):
    # softmax_grad(xent_grad + p / sm, sm) is split so that each term is stabilized
    x, y = T.dmatrix("x"), T.lvector("y")
    sm = nn.softmax(x)
    cost = nn.categorical_crossentropy(sm, y).sum() + 0.1 * T.log(sm).sum()
    f = theano.function([x, y], [cost, T.grad(cost, x)], mode=MODES[mode])
    for k in range(3):
        xv = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0 + k]])
        yv = np.array([0, 2])
        c, g = f(xv, yv)
        ls, s = sp.log_softmax(xv, axis=1), sp.softmax(xv, axis=1)
        assert_allclose(c, -ls[[0, 1], yv].sum() + 0.1 * ls.sum())
        assert_allclose(g, s - _onehot(yv, 3) + 0.1 * (1 - 3 * s), atol=1e-12)


def test_negations_around_the_fused_cost_cancel():
    x, y = T.dmatrix("x"), T.lvector("y")
    rows = T.arange(y.shape[0])
    for cost in (T.sum(-T.log(nn.softmax(x)[rows, y])), -T.sum(T.log(nn.softmax(x)[rows, y])),
                 -T.sum(T.log(nn.softmax(x))[rows, y])):
        f = theano.function([x, y], cost)
        ops = _ops(f)
        assert nn.crossentropy_softmax_argmax_1hot_with_bias in ops
        assert not any(isinstance(o, T.Elemwise) for o in ops), ops  # no negation left
        for k in range(3):
            xv = np.array([[1.0, 2.0, 3.0 + k], [0.0, 0.0, 1000.0]])
            assert_allclose(f(xv, [2, 0]), -sp.log_softmax(xv, axis=1)[[0, 1], [2, 0]].sum())


@pytest.mark.parametrize("mode", MODES)
def test_gradient_alone_computes_the_softmax_not_the_fused_cost(mode):
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    for z in (x, x + b):
        cost = nn.crossentropy_categorical_1hot(nn.softmax_op(z), y).sum()
        g = theano.function([x, b, y], T.grad(cost, x), mode=MODES[mode], on_unused_input="ignore")
        ops = _ops(g)
        assert nn.softmax_op in ops and nn.crossentropy_softmax_1hot_with_bias_dx in ops
        assert nn.crossentropy_softmax_argmax_1hot_with_bias not in ops
        for k in range(3):
            xv = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0 + k]])
            bv = np.array([0.5, 0.0, -0.5])
            zv = xv + bv if z is not x else xv
            assert_allclose(g(xv, bv, [0, 2]), sp.softmax(zv, axis=1) - _onehot([0, 2], 3),
                            atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_indexed_nll_with_cast_labels_and_one_known_row(mode):
    # labels cast to int32 (arange of the cast's length), and a vector's one-row softmax whose
    # labels have a known length 1 (arange(1) folded to [0])
    x, y = T.dmatrix("x"), T.lvector("y")
    yi = T.cast(y, "int32")
    cost = T.sum(-T.log(nn.softmax(x)[T.arange(yi.shape[0]), yi]))
    v, b, y_ = T.dvector("v"), T.dvector("b"), T.lvector("y_")
    y1 = T.specify_shape(y_, (1,))
    cost1 = -T.sum(T.log(nn.softmax(v + b)[T.arange(y1.shape[0]), y1]))
    f = theano.function([x, y], [cost, T.grad(cost, x)], mode=MODES[mode])
    f1 = theano.function([v, b, y_], [cost1, T.grad(cost1, v)], mode=MODES[mode])
    for fn in (f, f1):
        assert nn.crossentropy_softmax_argmax_1hot_with_bias in _ops(fn)
        assert nn.crossentropy_softmax_1hot_with_bias_dx in _ops(fn)
    for k in range(3):
        xv = np.array([[1.0, 2.0, 3.0 + k], [0.0, 0.0, 1000.0]])
        c, g = f(xv, [2, 0])
        assert_allclose(c, -sp.log_softmax(xv, axis=1)[[0, 1], [2, 0]].sum())
        assert_allclose(g, sp.softmax(xv, axis=1) - _onehot([2, 0], 3), atol=1e-12)
        vv, bv = np.array([1.0, 2.0 + k, 1000.0]), np.array([0.5, 0.0, -0.5])
        c1, g1 = f1(vv, bv, [1])
        assert_allclose(c1, -sp.log_softmax(vv + bv)[1])
        assert_allclose(g1, sp.softmax(vv + bv) - _onehot(1, 3), atol=1e-12)
        with pytest.raises(Exception):
            f1(vv, bv, [1, 0])  # the specified length


@pytest.mark.parametrize("mode", MODES)
def test_several_row_biases_are_one_fused_bias(mode):
    x, b, c, y = T.dmatrix("x"), T.dvector("b"), T.dvector("c"), T.lvector("y")
    fg = _optimize([nn.crossentropy_categorical_1hot(nn.softmax_op(T.add(x, b, c)), y)],
                   [x, b, c, y])
    assert fg.outputs[0].owner.op == nn.crossentropy_softmax_argmax_1hot_with_bias
    assert fg.outputs[0].owner.inputs[0] is fg.inputs[0] and len(fg.toposort()) == 2  # b + c, fused
    cost = nn.crossentropy_categorical_1hot(nn.softmax_op(T.add(x, b, c)), y).sum()
    f = theano.function([x, b, c, y], [cost] + T.grad(cost, [x, b, c]), mode=MODES[mode])
    for k in range(3):
        xv = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0 + k]])
        bv, cv = np.array([0.1, 0.2, 0.3]), np.array([1.0, 0.0, -1.0])
        z = xv + bv + cv
        r = f(xv, bv, cv, [0, 2])
        want = sp.softmax(z, axis=1) - _onehot([0, 2], 3)
        assert_allclose(r[0], -sp.log_softmax(z, axis=1)[[0, 1], [0, 2]].sum())
        assert_allclose(r[1], want, atol=1e-12)
        assert_allclose(r[2], want.sum(axis=0), atol=1e-12)
        assert_allclose(r[3], want.sum(axis=0), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_constant_cost_gradient_stays_a_constant(mode):
    # the gradient of sum(-log(softmax(x))[arange(n), y]) is Softmax and the fused dx alone
    x, y = T.dmatrix("x"), T.lvector("y")
    cost = T.sum(-T.log(nn.softmax(x))[T.arange(y.shape[0]), y])
    g = theano.function([x, y], T.grad(cost, x), mode=MODES[mode])
    ops = [o for o in _ops(g) if type(o).__name__ != "DeepCopyOp"]
    assert ops == [nn.softmax_op, nn.crossentropy_softmax_1hot_with_bias_dx]
    for k in range(3):
        xv = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0 + k]])
        assert_allclose(g(xv, [0, 2]), sp.softmax(xv, axis=1) - _onehot([0, 2], 3), atol=1e-12)
    with pytest.raises(ValueError, match="2 rows of probabilities but 3 class indices"):
        g(xv, [0, 2, 1])
