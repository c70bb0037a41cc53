"""Batch normalization against NumPy."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import bn
from tests.helpers import (OpCase, assert_allclose, assert_same_bits, check_case, check_infer_shape,
                           compare_backends, rand, rand_pos)

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
DTYPES = ("float64", "float32")


def np_axes(axes, ndim):
    if axes == "per-activation":
        return (0,)
    if axes == "spatial":
        return (0,) + tuple(range(2, ndim))
    return tuple(a % ndim for a in axes)


def ref_train(x, gamma, beta, axes, eps, factor=None, rmean=None, rvar=None):
    ax = np_axes(axes, x.ndim)
    x64 = x.astype("float64")
    mean = x64.mean(axis=ax, keepdims=True)
    var = x64.var(axis=ax, keepdims=True)
    invstd = 1.0 / np.sqrt(var + eps)
    out = (x64 - mean) * invstd * gamma + beta
    res = [out, mean, invstd]
    if rmean is not None:
        m = np.prod([x.shape[a] for a in ax])
        res += [rmean * (1 - factor) + mean * factor, rvar * (1 - factor) + var * m / (m - 1) * factor]
    return [r.astype(x.dtype) for r in res]


def test_batch_normalization_contract():
    x = rand(4, 3, seed=1)
    g, b, m, s = rand_pos(3, seed=2), rand(3, seed=3), rand(3, seed=4), rand_pos(3, seed=5)
    for mode in ("low_mem", "high_mem"):
        check_case(OpCase(f"bn-{mode}", lambda *a: bn.batch_normalization(*a, mode=mode),
                          lambda x, g, b, m, s: (x - m) * (g / s) + b, [x, g, b, m, s], dtypes=DTYPES))
    with pytest.raises(ValueError, match="low_mem"):
        bn.batch_normalization(x, g, b, m, s, mode="fast")


@pytest.mark.parametrize("axes, xshape, pshape", [
    ("per-activation", (5, 3), (1, 3)),
    ("spatial", (3, 2, 4, 3), (1, 2, 1, 1)),
    ((0, 2), (4, 3, 5), (1, 3, 1)),
    ((-1,), (2, 6), (2, 1)),
])
def test_batch_normalization_train_values_and_grad(axes, xshape, pshape):
    xv = rand(*xshape, seed=6)
    gv, bv = rand_pos(*pshape, seed=7), rand(*pshape, seed=8)
    for dtype in DTYPES:
        vals = [v.astype(dtype) for v in (xv, gv, bv)]
        syms = [T.TensorType(dtype, tuple(s == 1 for s in v.shape) if k else (False,) * v.ndim)()
                for k, v in enumerate(vals)]
        outs = bn.batch_normalization_train(*syms, axes=axes, epsilon=1e-3)
        assert [o.dtype for o in outs] == [dtype] * 3
        compare_backends(syms, list(outs), vals, expected=ref_train(*vals, axes, 1e-3))

    def cost(x, g, b):
        out, mean, invstd = bn.batch_normalization_train(
            x, T.addbroadcast(g, *[d for d, s in enumerate(pshape) if s == 1]),
            T.addbroadcast(b, *[d for d, s in enumerate(pshape) if s == 1]), axes=axes)
        return out ** 2 + mean.sum() + invstd.sum()

    verify_grad(cost, [xv, gv, bv], rng=np.random.RandomState(0), mode=PY())


def test_batch_normalization_train_running_averages():
    xv = rand(6, 2, 3, 3, seed=9)
    gv, bv = rand_pos(1, 2, 1, 1, seed=1), rand(1, 2, 1, 1, seed=2)
    rm, rv = rand(1, 2, 1, 1, seed=3), rand_pos(1, 2, 1, 1, seed=4)
    bc = (True, False, True, True)
    x = T.dtensor4()
    g, b, m, v = (T.TensorType("float64", bc)() for _ in range(4))
    outs = bn.batch_normalization_train(x, g, b, "spatial", 1e-4, 0.3, m, v)
    assert len(outs) == 5
    compare_backends([x, g, b, m, v], list(outs), [xv, gv, bv, rm, rv],
                     expected=ref_train(xv, gv, bv, "spatial", 1e-4, 0.3, rm, rv))


def test_reduced_rank_parameters_are_expanded_and_results_squeezed():
    xv = rand(5, 3, 4, seed=3)
    gv, bv = rand_pos(3, seed=1), rand(3, seed=2)
    rm, rv = rand(3, seed=5), rand_pos(3, seed=6)
    x, g, b, m, v = T.dtensor3(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    outs = bn.batch_normalization_train(x, g, b, (0, 2), running_mean=m, running_var=v)
    assert [o.ndim for o in outs] == [3, 1, 1, 1, 1]
    ref = ref_train(xv, gv[None, :, None], bv[None, :, None], (0, 2), 1e-4, 0.1,
                    rm[None, :, None], rv[None, :, None])
    ref = [ref[0]] + [r.reshape(3) for r in ref[1:]]
    compare_backends([x, g, b, m, v], list(outs), [xv, gv, bv, rm, rv], expected=ref)


def test_batch_normalization_test_contract():
    xv = rand(3, 2, 2, 2, seed=1)
    p = [rand_pos(1, 2, 1, 1, seed=s) for s in range(4)]

    def ref(x, g, b, m, v):
        return (x - m) * g / np.sqrt(v + 1e-4) + b

    def build(x, g, b, m, v):
        bc = (0, 2, 3)
        return bn.batch_normalization_test(x, *(T.addbroadcast(a, *bc) for a in (g, b, m, v)),
                                           axes="spatial")

    check_case(OpCase("bn_test", build, ref, [xv] + p, dtypes=DTYPES))
    # reduced-rank statistics too
    x, g, b, m, v = T.dmatrix(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    xv, pv = rand(4, 3), [rand_pos(3, seed=s) for s in range(4)]
    out = bn.batch_normalization_test(x, g, b, m, v, epsilon=1e-3)
    compare_backends([x, g, b, m, v], out, [xv] + pv,
                     expected=(xv - pv[2]) * pv[0] / np.sqrt(pv[3] + 1e-3) + pv[1])


def test_train_then_test_agree_on_the_batch_statistics():
    x, g, b = T.dmatrix(), T.dvector(), T.dvector()
    out, mean, invstd = bn.batch_normalization_train(x, g, b)
    var = 1.0 / invstd ** 2 - 1e-4
    out2 = bn.batch_normalization_test(x, g, b, mean, var)
    a, c = theano.function([x, g, b], [out, out2], mode=PY())(rand(5, 3), rand_pos(3), rand(3))
    assert_allclose(a, c, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kwargs, msg", [
    (dict(axes="channel"), "axes"),
    (dict(axes=(0, 5)), "out of range"),
    (dict(axes=(0, 0)), "repeat"),
    (dict(epsilon=1e-6), "epsilon"),
    (dict(running_mean=T.dvector()), "together"),
])
def test_train_bad_arguments(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        bn.batch_normalization_train(T.dmatrix(), T.dvector(), T.dvector(), **kwargs)


def test_bad_parameter_rank():
    with pytest.raises(ValueError, match="gamma must have"):
        bn.batch_normalization_train(T.dtensor3(), T.dmatrix(), T.dvector(), axes=(0, 2))


def test_exported_from_nnet():
    assert T.nnet.batch_normalization_train is bn.batch_normalization_train
    assert T.nnet.bn.batch_normalization is bn.batch_normalization


# -------------------------------------------------------------------------------------------------
# The ops: AbstractBatchNormTrain, AbstractBatchNormInference, AbstractBatchNormTrainGrad
# -------------------------------------------------------------------------------------------------

ABSTRACT = (bn.AbstractBatchNormTrain, bn.AbstractBatchNormInference, bn.AbstractBatchNormTrainGrad)


def op_modes():
    """perform (no rewrites), the lowered graph on the reference VM, the default mode, Numba."""
    return {"perform": theano.Mode(linker="py", optimizer="None"), "py": theano.Mode(linker="py"),
            "default": None, "numba": theano.Mode(linker="numba"),
            "numba_perform": theano.Mode(linker="numba", optimizer="None")}


def run3(f, vals):
    """Three calls on copies of ``vals``: identical bits each time; the first result."""
    first = f(*[np.copy(v) for v in vals])
    for _ in range(2):
        for a, b in zip(f(*[np.copy(v) for v in vals]), first):
            assert_same_bits(a, b)
    return first


def np_train_grad(x, dy, scale, mean, invstd, ax):
    d = x - mean
    c = dy * invstd - d * (dy * d).mean(axis=ax, keepdims=True) * invstd ** 3
    return [scale * (c - c.mean(axis=ax, keepdims=True)), (dy * invstd * d).sum(axis=ax, keepdims=True),
            dy.sum(axis=ax, keepdims=True)]


def full_params(xshape, ax, seeds, pos=()):
    pshape = tuple(1 if d in ax else s for d, s in enumerate(xshape))
    return [(rand_pos if k in pos else rand)(*pshape, seed=s) for k, s in enumerate(seeds)]


def ptype(dtype, ndim, ax):
    return T.TensorType(dtype, tuple(d in ax for d in range(ndim)))


OP_CASES = [("per-activation", (6, 4)), ("spatial", (3, 2, 4, 3)), ((1, 2), (2, 3, 4)),
            ((0,), (5,)), ((0, 1, 2, 3, 4), (2, 1, 3, 2, 2))]


@pytest.mark.parametrize("axes, xshape", OP_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_train_op_values_every_mode(axes, xshape, dtype):
    ax = np_axes(axes, len(xshape))
    for scale in (1.0, 100.0 if dtype == "float32" else 1000.0):  # saturating offsets too
        xv = (scale + scale * rand(*xshape, seed=1) / 10).astype(dtype)
        gv, bv, rm, rv = (p.astype(dtype) for p in full_params(xshape, ax, (2, 3, 4, 5), pos=(3,)))
        x = T.TensorType(dtype, (False,) * len(xshape))()
        g, b, m, v = (ptype(dtype, len(xshape), ax)() for _ in range(4))
        outs = bn.batch_normalization_train(x, g, b, axes, 5e-3, 0.3, m, v)
        nodes = {o.owner for o in outs[:3]}
        assert len(nodes) == 1 and isinstance(nodes.pop().op, bn.AbstractBatchNormTrain)
        expected = ref_train(xv, gv, bv, axes, 5e-3, 0.3, rm, rv)
        for name, mode in op_modes().items():
            f = theano.function([x, g, b, m, v], list(outs), mode=mode)
            lowered = not any(isinstance(n.op, ABSTRACT) for n in f.maker.fgraph.toposort())
            assert lowered == (name not in ("perform", "numba_perform")), name
            got = run3(f, [xv, gv, bv, rm, rv])
            for k, (a, e) in enumerate(zip(got, expected)):
                assert a.dtype == dtype and a.shape == e.shape, (name, k)
                tol = dict(rtol=2e-4, atol=2e-4) if dtype == "float32" else dict(rtol=1e-7, atol=1e-9)
                assert_allclose(a, e, err_msg=f"{name} output {k}", **tol)


def test_running_variance_is_unbiased():
    xv = rand(4, 3, seed=2)
    x, g, b, m, v = T.dmatrix(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    outs = bn.batch_normalization_train(x, g, b, running_average_factor=1.0, running_mean=m,
                                        running_var=v)
    for mode in op_modes().values():
        got = run3(theano.function([x, g, b, m, v], list(outs), mode=mode),
                   [xv, rand(3), rand(3), rand(3), rand(3)])
        assert_allclose(got[3], xv.mean(axis=0))
        assert_allclose(got[4], xv.var(axis=0, ddof=1))


@pytest.mark.parametrize("axes, xshape", OP_CASES[:3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_inference_and_train_grad_op_values(axes, xshape, dtype):
    ax = np_axes(axes, len(xshape))
    nd = len(xshape)
    xv, dyv = rand(*xshape, seed=3).astype(dtype), rand(*xshape, seed=4).astype(dtype)
    gv, bv, mv, vv = (p.astype(dtype) for p in full_params(xshape, ax, (5, 6, 7, 8), pos=(3,)))
    x, dy = (T.TensorType(dtype, (False,) * nd)() for _ in range(2))
    g, b, m, v = (ptype(dtype, nd, ax)() for _ in range(4))
    inf = bn.batch_normalization_test(x, g, b, m, v, axes, 2e-3)
    assert isinstance(inf.owner.op, bn.AbstractBatchNormInference)
    tg = bn.AbstractBatchNormTrainGrad(ax)(x, dy, g, m, v)
    exp_inf = (xv.astype("float64") - mv) * gv / np.sqrt(vv + 2e-3) + bv
    exp_tg = np_train_grad(*(a.astype("float64") for a in (xv, dyv, gv, mv, vv)), ax)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else {}
    for name, mode in op_modes().items():
        f = theano.function([x, dy, g, b, m, v], [inf] + tg, mode=mode, on_unused_input="ignore")
        got = run3(f, [xv, dyv, gv, bv, mv, vv])
        for k, (a, e) in enumerate(zip(got, [exp_inf] + exp_tg)):
            assert a.dtype == dtype and a.shape == e.shape, (name, k)
            assert_allclose(a, e, err_msg=f"{name} output {k}", **tol)


def test_infer_shape_of_the_ops():
    xv = rand(3, 2, 4, seed=1)
    x, dy = T.dtensor3(), T.dtensor3()
    g, b, m, v = (ptype("float64", 3, (0, 2))() for _ in range(4))
    pv = full_params(xv.shape, (0, 2), (1, 2, 3, 4), pos=(3,))
    vals = [xv, rand(3, 2, 4, seed=9)] + pv
    outs = bn.AbstractBatchNormTrain((0, 2))(x, g, b, 1e-3, 0.1, m, v)
    check_infer_shape([x, dy, g, b, m, v], outs, vals)
    check_infer_shape([x, dy, g, b, m, v], bn.AbstractBatchNormInference((0, 2))(x, g, b, m, v), vals)
    check_infer_shape([x, dy, g, b, m, v], bn.AbstractBatchNormTrainGrad((0, 2))(x, dy, g, m, v), vals)
    f = theano.function([x, g, b, m, v], [o.shape for o in outs])
    assert not any(isinstance(n.op, ABSTRACT) for n in f.maker.fgraph.toposort())


@pytest.mark.parametrize("mode", ["perform", "default"])
def test_train_gradients_of_every_output(mode):
    """Gradients through out, mean, invstd and both running averages, and with respect to a
    symbolic epsilon and running_average_factor, by finite differences."""
    mode = op_modes()[mode]
    xv = rand(5, 3, 2, seed=11)
    pv = full_params(xv.shape, (0, 2), (1, 2, 3, 4), pos=(3,))
    w = [rand(*s, seed=20 + k) for k, s in enumerate([(5, 3, 2)] + [(1, 3, 1)] * 4)]

    def cost(x, g, b, rm, rv, eps, f):
        bc = (0, 2)
        outs = bn.batch_normalization_train(x, T.addbroadcast(g, *bc), T.addbroadcast(b, *bc), (0, 2),
                                            eps, f, T.addbroadcast(rm, *bc), T.addbroadcast(rv, *bc))
        return sum((o * T.constant(wk)).sum() for o, wk in zip(outs, w))

    verify_grad(cost, [xv] + pv + [np.asarray(0.01), np.asarray(0.3)], rng=np.random.RandomState(0),
                mode=mode)


@pytest.mark.parametrize("mode", ["perform", "default"])
@pytest.mark.parametrize("axes, xshape", OP_CASES[:3])
def test_train_grad_op_second_order(axes, xshape, mode):
    """The gradient of each output of AbstractBatchNormTrainGrad, with its statistics as free
    inputs, by finite differences."""
    mode = op_modes()[mode]
    ax = np_axes(axes, len(xshape))
    vals = [rand(*xshape, seed=1) * 3 + 4, rand(*xshape, seed=2)] + \
        full_params(xshape, ax, (3, 4, 5), pos=(2,))
    for k in range(3):
        verify_grad(lambda *a, k=k: bn.AbstractBatchNormTrainGrad(ax)(*a)[k], vals,
                    rng=np.random.RandomState(k), mode=mode)


@pytest.mark.parametrize("mode", ["perform", "default"])
def test_inference_gradients(mode):
    mode = op_modes()[mode]
    xv = rand(4, 3, seed=1)
    pv = full_params(xv.shape, (0,), (2, 3, 4, 5), pos=(3,))

    def f(x, g, b, m, v, eps):
        return bn.batch_normalization_test(x, *(T.addbroadcast(p, 0) for p in (g, b, m, v)),
                                           epsilon=eps)

    verify_grad(f, [xv] + pv + [np.asarray(0.05)], rng=np.random.RandomState(0), mode=mode)


def test_second_order_graph_through_the_train_op_matches_elementwise_formulas():
    """d(grad)/d(x, dy, scale) through AbstractBatchNormTrainGrad's own gradient equals the
    gradient of the same computation written with elementwise ops."""
    x, g, b, dy, dx, dg, db = (T.dmatrix(n) for n in ("x", "g", "b", "dy", "dx", "dg", "db"))
    g, b, dg, db = (T.addbroadcast(p, 0) for p in (g, b, dg, db))
    out, mean, invstd = bn.batch_normalization_train(x, g, b, epsilon=1e-3)
    mean2 = x.mean(axis=0, keepdims=True)
    var2 = x.var(axis=0, keepdims=True)
    out2 = (x - mean2) * (g / T.sqrt(var2 + 1e-3)) + b
    grads = T.grad(None, wrt=[x, g, b], known_grads={out: dy})
    grads2 = T.grad(None, wrt=[x, g, b], known_grads={out2: dy})
    gg = T.grad(None, wrt=[x, dy, g], known_grads=dict(zip(grads, (dx, dg, db))),
                consider_constant=[mean, invstd], return_disconnected="zero")
    gg2 = T.grad(None, wrt=[x, dy, g], known_grads=dict(zip(grads2, (dx, dg, db))),
                 consider_constant=[mean2, var2], return_disconnected="zero")
    vals = [rand(6, 3, seed=s) for s in range(1, 8)]
    vals = vals[:1] + [v[:1] for v in vals[1:3]] + vals[3:5] + [v[:1] for v in vals[5:]]
    ins = [x.owner.inputs[0] if x.owner else x for x in (x, g, b, dy, dx, dg, db)]
    for mode in op_modes().values():
        res = run3(theano.function(ins, grads + grads2 + gg + gg2, mode=mode), vals)
        for a, e in zip(res[:3] + res[6:9], res[3:6] + res[9:]):
            assert_allclose(a, e, rtol=1e-6, atol=1e-8)


def test_broadcastable_patterns():
    # every dimension broadcastable (Theano 1.0's test): the outputs keep the pattern
    x, dy, g, b, m, v = (T.dscalar(n).dimshuffle(["x"] * 5) for n in ("x", "dy", "g", "b", "m", "v"))
    out, mean, invstd = bn.batch_normalization_train(x, g, b, "spatial")
    out_test = bn.batch_normalization_test(x, g, b, m, v, "spatial")
    assert out.broadcastable == mean.broadcastable == invstd.broadcastable == (True,) * 5
    grads = T.grad(None, wrt=[x, g, b], known_grads={out: dy})
    ins = [t.owner.inputs[0] for t in (x, g, b, m, v, dy)]
    for mode in op_modes().values():
        res = run3(theano.function(ins, [out, mean, invstd, out_test] + grads, mode=mode),
                   [np.asarray(2.0), np.asarray(1.5), np.asarray(0.5), np.asarray(1.0),
                    np.asarray(4.0), np.asarray(0.7)])
        assert_allclose(res[0], np.full((1,) * 5, 0.5))
        assert_allclose(res[3], np.full((1,) * 5, 1.5 / np.sqrt(4.0 + 1e-4) + 0.5))
    # the statistics of a dimension that is broadcastable in x but not in the parameters
    x = T.TensorType("float64", (False, True, False))()
    outs = bn.batch_normalization_train(x, T.dtensor3(), T.dtensor3(), (0, 2))
    assert [o.broadcastable for o in outs] == [(False, True, False), (True, True, True), (True, True, True)]


def test_running_averages_update_shared_variables():
    """The new running averages have the pattern of the shared variables they update, also when
    those are not broadcastable (Theano 1.0 accepted the update)."""
    xv = rand(8, 2, 3, 3, seed=4)
    rm = theano.shared(np.zeros((1, 2, 1, 1)))
    rv = theano.shared(np.ones((1, 2, 1, 1)))
    x = T.dtensor4()
    g, b = T.addbroadcast(T.dtensor4(), 0, 2, 3), T.addbroadcast(T.dtensor4(), 0, 2, 3)
    out, _, _, nrm, nrv = bn.batch_normalization_train(x, g, b, "spatial", 1e-4, 0.5, rm, rv)
    assert nrm.type == rm.type and nrv.type == rv.type
    f = theano.function([x, g.owner.inputs[0], b.owner.inputs[0]], out, updates=[(rm, nrm), (rv, nrv)])
    pg, pb = np.ones((1, 2, 1, 1)), np.zeros((1, 2, 1, 1))
    exp_m, exp_v = np.zeros((1, 2, 1, 1)), np.ones((1, 2, 1, 1))
    for _ in range(3):
        f(xv, pg, pb)
        exp_m = exp_m * 0.5 + xv.mean(axis=(0, 2, 3), keepdims=True) * 0.5
        exp_v = exp_v * 0.5 + xv.var(axis=(0, 2, 3), ddof=1, keepdims=True) * 0.5
        assert_allclose(rm.get_value(), exp_m)
        assert_allclose(rv.get_value(), exp_v)


def test_non_broadcast_and_broadcast_parameters_give_one_node():
    x, g, b = T.dmatrix(), T.dvector(), T.dvector()
    a = bn.batch_normalization_train(x, g, b)
    c = bn.batch_normalization_train(x, g.dimshuffle("x", 0), b.dimshuffle("x", 0))
    f = theano.function([x, g, b], [a[0], c[0], a[1], c[1].dimshuffle(1)],
                        mode=theano.Mode(linker="py", optimizer="merge"))
    assert sum(isinstance(n.op, bn.AbstractBatchNormTrain) for n in f.maker.fgraph.toposort()) == 1


def test_op_bad_inputs():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="float"):
        bn.AbstractBatchNormTrain((0,))(T.lmatrix(), T.lmatrix(), T.lmatrix())
    with pytest.raises(TypeError, match="dimensions"):
        bn.AbstractBatchNormInference((0,))(x, T.dvector(), T.dmatrix(), T.dmatrix(), T.dmatrix())
    with pytest.raises(ValueError, match="do not fit"):
        bn.AbstractBatchNormTrain((0, 2))(x, T.dmatrix(), T.dmatrix())
    with pytest.raises(ValueError, match="at least one"):
        bn.AbstractBatchNormTrainGrad(())
    with pytest.raises(ValueError, match="together"):
        bn.AbstractBatchNormTrain((0,))(x, T.drow(), T.drow(), 1e-4, 0.1, T.drow())
    with pytest.raises(ValueError, match="rank|dimensions"):
        bn.batch_normalization_train(T.dtensor3(), T.dvector(), T.dtensor3(), axes=(0, 2))
    g, b = T.drow(), T.drow()
    outs = bn.batch_normalization_train(x, g, b)
    for mode in (theano.Mode(linker="py", optimizer="None"), None):
        f = theano.function([x, g, b], outs[0], mode=mode)
        with pytest.raises(ValueError):
            f(rand(4, 3), rand(1, 2), rand(1, 3))
