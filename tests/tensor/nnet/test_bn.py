"""Batch normalization against NumPy."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import bn
from tests.helpers import OpCase, assert_allclose, check_case, compare_backends, rand, rand_pos

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
