"""Theano 1.0 op names of theano.tensor.nnet: SoftmaxWithBias / softmax_with_bias (an op with
values, shape inference and gradients of its own) and the ``softmax_grad`` op instance."""

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T
from theano.tensor import nnet
from theano.tensor.nnet import SoftmaxGrad, SoftmaxWithBias, softmax_grad, softmax_with_bias
from tests.helpers import assert_allclose, central_differences

MODES = {"py_unoptimized": theano.Mode(linker="py", optimizer="None"),
         "py": theano.Mode(linker="py"), "numba": None}
RNG = np.random.RandomState(7)
X = RNG.randn(3, 4)
B = RNG.randn(4)
XSAT = np.array([[1000.0, -1000.0, 0.0, 2.0], [-1000.0, -1000.0, 1000.0, 1000.0],
                 [0.0, 1.0, 2.0, 3.0]])


def test_names_are_op_instances():
    assert isinstance(softmax_with_bias, SoftmaxWithBias)
    assert isinstance(softmax_grad, SoftmaxGrad)
    assert T.nnet.softmax_with_bias is softmax_with_bias and nnet.SoftmaxWithBias is SoftmaxWithBias
    x, b = T.dmatrix(), T.dvector()
    assert isinstance(softmax_with_bias(x, b).owner.op, SoftmaxWithBias)


@pytest.mark.parametrize("name", list(MODES))
def test_values_against_scipy(name):
    x, b = T.dmatrix("x"), T.dvector("b")
    f = theano.function([x, b], softmax_with_bias(x, b), mode=MODES[name])
    for xv in (X, XSAT):
        for _ in range(2):
            got = f(xv, B)
            assert np.isfinite(got).all()
            assert_allclose(got, sp.softmax(xv + B, axis=1), rtol=1e-12, atol=1e-300)


def test_dtype_is_the_upcast_and_float32_values():
    x, b = T.fmatrix("x"), T.dvector("b")
    out = softmax_with_bias(x, b)
    assert out.dtype == "float64"
    x32, b32 = T.fmatrix("x"), T.fvector("b")
    out32 = softmax_with_bias(x32, b32)
    assert out32.dtype == "float32"
    for name, mode in MODES.items():
        f = theano.function([x32, b32], out32, mode=mode)
        for _ in range(2):
            x32v, b32v = XSAT.astype("float32"), B.astype("float32")
            got = f(x32v, b32v)
            assert got.dtype == np.float32
            # the sum x + b is a float32 sum (1000 + b keeps ~7 digits), the rest is compared
            ref = sp.softmax((x32v + b32v).astype("float64"), axis=1)
            assert_allclose(got, ref, rtol=1e-5, atol=1e-7, err_msg=name)


def test_bad_inputs():
    with pytest.raises(TypeError, match="matrix"):
        softmax_with_bias(T.dvector(), T.dvector())
    with pytest.raises(TypeError, match="floats"):
        softmax_with_bias(T.imatrix(), T.dvector())
    x, b = T.dmatrix(), T.dvector()
    for name, mode in MODES.items():
        f = theano.function([x, b], softmax_with_bias(x, b), mode=mode)
        # the op says "b has length 3 ..."; optimized graphs add x + b first ("... length 4 ...")
        with pytest.raises(ValueError, match="length"):
            f(X, B[:3])


def test_infer_shape_needs_no_computation():
    x, b = T.dmatrix(), T.dvector()
    f = theano.function([x, b], softmax_with_bias(x, b).shape, mode=MODES["py"])
    assert not any(isinstance(n.op, (SoftmaxWithBias, nnet.Softmax))
                   for n in f.maker.fgraph.toposort())
    assert tuple(f(X, B)) == (3, 4)


@pytest.mark.parametrize("name", list(MODES))
@pytest.mark.parametrize("xv", [X, XSAT], ids=["moderate", "saturated"])
def test_gradients_against_finite_differences(name, xv):
    x, b = T.dmatrix("x"), T.dvector("b")
    w = RNG.randn(3, 4)
    cost = (softmax_with_bias(x, b) * T.constant(w)).sum()
    gx, gb = T.grad(cost, [x, b])
    f = theano.function([x, b], [gx, gb], mode=MODES[name])

    def ref(xx, bb):
        return (sp.softmax(xx + bb, axis=1) * w).sum()

    for _ in range(2):
        got_x, got_b = f(xv, B)
        assert_allclose(got_x, central_differences(lambda v: ref(v, B), xv), rtol=1e-6, atol=1e-8)
        assert_allclose(got_b, central_differences(lambda v: ref(xv, v), B), rtol=1e-6, atol=1e-8)


def test_r_op_is_the_directional_derivative():
    x, b = T.dmatrix("x"), T.dvector("b")
    ex, eb = T.dmatrix("ex"), T.dvector("eb")
    out = softmax_with_bias(x, b)
    r = theano.gradient.Rop(out, [x, b], [ex, eb])
    exv, ebv = RNG.randn(3, 4), RNG.randn(4)
    f = theano.function([x, b, ex, eb], r, mode=MODES["py_unoptimized"])
    eps = 1e-6
    fd = (sp.softmax(X + eps * exv + B + eps * ebv, axis=1)
          - sp.softmax(X - eps * exv + B - eps * ebv, axis=1)) / (2 * eps)
    assert_allclose(f(X, B, exv, ebv), fd, rtol=1e-6, atol=1e-9)


def test_cross_entropy_of_softmax_with_bias_is_fused_and_finite():
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    yv = np.array([1, 0, 2])
    cost = nnet.categorical_crossentropy(softmax_with_bias(x, b), y).sum()
    g = T.grad(cost, [x, b])
    for name in ("py", "numba"):
        f = theano.function([x, b, y], [cost] + g, mode=MODES[name])
        ops = [type(n.op) for n in f.maker.fgraph.toposort()]
        assert nnet.CrossentropySoftmaxArgmax1HotWithBias in ops and SoftmaxWithBias not in ops
        for _ in range(2):
            c, gx, gb = f(XSAT, B, yv)
            ref = -sp.log_softmax(XSAT + B, axis=1)[np.arange(3), yv].sum()
            assert_allclose(c, ref, rtol=1e-12)
            onehot = np.eye(4)[yv]
            assert_allclose(gx, sp.softmax(XSAT + B, axis=1) - onehot, atol=1e-12)
            assert_allclose(gb, (sp.softmax(XSAT + B, axis=1) - onehot).sum(axis=0), atol=1e-12)


def test_jax_backend_matches():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import theano.link.jax.ops_nnet_conf  # noqa: F401  (registers the translation)

    x, b = T.dmatrix("x"), T.dvector("b")
    mode = theano.Mode(linker="jax", optimizer="None")
    f = theano.function([x, b], softmax_with_bias(x, b), mode=mode)
    for _ in range(2):
        assert_allclose(f(XSAT, B), sp.softmax(XSAT + B, axis=1), rtol=1e-12, atol=1e-300)
    with pytest.raises(ValueError, match="length 3"):
        f(X, B[:3])


@pytest.mark.parametrize("name", list(MODES))
def test_crossentropy_softmax_max_and_argmax(name):
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    yv = np.array([3, 0, 2])
    outs = nnet.crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y)
    outs0 = nnet.crossentropy_softmax_max_and_argmax_1hot(x, y)
    assert [o.dtype for o in outs] == ["float64", "float64", "float64", "int64"]
    f = theano.function([x, b, y], list(outs) + list(outs0), mode=MODES[name])
    for xv in (X, XSAT):
        for _ in range(2):
            got = f(xv, B, yv)
            for k, bias in ((0, B), (4, np.zeros(4))):
                nll, sm, mx, am = got[k:k + 4]
                z = xv + bias
                assert_allclose(nll, -sp.log_softmax(z, axis=1)[np.arange(3), yv], rtol=1e-12)
                assert_allclose(sm, sp.softmax(z, axis=1), rtol=1e-12, atol=1e-300)
                assert_allclose(mx, sp.softmax(z, axis=1).max(axis=1), rtol=1e-12)
                assert np.array_equal(am, z.argmax(axis=1))
    # the cost's gradient is the fused op's (softmax - onehot), finite at +-1000
    g = theano.function([x, b, y], T.grad(outs[0].sum(), x), mode=MODES[name])
    assert_allclose(g(XSAT, B, yv), sp.softmax(XSAT + B, axis=1) - np.eye(4)[yv], atol=1e-12)
    with pytest.raises(TypeError, match="matrix"):
        nnet.crossentropy_softmax_max_and_argmax_1hot(T.dvector(), y)
