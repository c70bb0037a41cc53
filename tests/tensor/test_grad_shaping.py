"""The gradient-shaping ops (theano.tensor.grad_shaping): the identity on values, a changed gradient,
the same objects under their Theano 1.0 names in theano.gradient, and the softmax cross-entropy
gradient (which stops at disconnected_grad) against finite differences."""

import numpy as np
import pytest

import theano
import theano.gradient
import theano.tensor as T
from theano.tensor import grad_shaping
from theano.tensor.nnet import nnet
from tests.helpers import central_differences, rand

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "numba": lambda: theano.Mode(linker="auto", optimizer="fast_run")}

NAMES = ["zero_grad", "disconnected_grad", "consider_constant", "undefined_grad", "grad_clip",
         "grad_scale", "ZeroGrad", "DisconnectedGrad", "ConsiderConstant", "UndefinedGrad", "GradClip",
         "GradScale", "_GradShaper", "zero_grad_", "disconnected_grad_", "consider_constant_"]


@pytest.mark.parametrize("name", NAMES)
def test_theano_gradient_names_are_the_same_objects(name):
    assert getattr(theano.gradient, name) is getattr(grad_shaping, name)
    if name in ("zero_grad", "disconnected_grad", "consider_constant"):  # also T.<name>
        assert getattr(T, name) is getattr(grad_shaping, name)


def _run(mode, inputs, outputs, values, calls=2):
    f = theano.function(inputs, outputs, mode=MODES[mode]())
    results = [f(*values) for _ in range(calls)]
    for r in results[1:]:
        for a, b in zip(results[0], r):
            np.testing.assert_array_equal(a, b)
    return results[0]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_values_pass_unchanged_and_gradients_are_shaped(mode):
    x = T.dvector("x")
    xv = rand(4, seed=11) * 3
    cost_of = {  # cost through the shaper, and d cost / dx expected (cost = sum(x**2 + shaped(x)**3))
        "zero": (grad_shaping.zero_grad, lambda v: 2 * v),
        "constant": (grad_shaping.consider_constant, lambda v: 2 * v),
        "disconnected": (grad_shaping.disconnected_grad, lambda v: 2 * v),
        "clip": (lambda t: grad_shaping.grad_clip(t, -1.5, 2.0),
                 lambda v: 2 * v + np.clip(3 * v ** 2, -1.5, 2.0)),
        "scale": (lambda t: grad_shaping.grad_scale(t, -0.5), lambda v: 2 * v - 0.5 * 3 * v ** 2),
    }
    for key, (shaper, expected_grad) in cost_of.items():
        shaped = shaper(x)
        cost = (x ** 2 + shaped ** 3).sum()
        value, g = _run(mode, [x], [shaped, theano.grad(cost, x)], [xv])
        np.testing.assert_array_equal(value, xv, err_msg=key)
        np.testing.assert_allclose(g, expected_grad(xv), rtol=1e-12, err_msg=key)


def test_zero_grad_of_an_integer_input_is_a_float_zero():
    i = T.lvector("i")
    x = T.dscalar("x")
    cost = (x * grad_shaping.zero_grad(i)).sum()
    g = theano.grad(cost, i)
    assert g.dtype == theano.config.floatX
    f = theano.function([x, i], g, on_unused_input="ignore")
    np.testing.assert_array_equal(f(2.0, np.array([1, 2, 3])), np.zeros(3))


def test_cost_reached_only_through_disconnected_grad_is_disconnected():
    x = T.dvector("x")
    cost = grad_shaping.disconnected_grad(x).sum()
    with pytest.raises(theano.gradient.DisconnectedInputError):
        theano.grad(cost, x)
    # consider_constant keeps it connected: a zero gradient
    g = theano.grad(grad_shaping.consider_constant(x).sum(), x)
    np.testing.assert_array_equal(theano.function([x], g)(np.ones(3)), np.zeros(3))


def test_undefined_grad_raises_when_its_gradient_is_needed():
    x = T.dvector("x")
    with pytest.raises(theano.gradient.NullTypeGradError):
        theano.grad(grad_shaping.undefined_grad(x).sum(), x)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_softmax_crossentropy_gradients_against_finite_differences(mode):
    # the gradient of CrossentropySoftmax1HotWithBiasDx (second derivatives of the softmax
    # cross-entropy) picks y's column with a 1-hot matrix built under disconnected_grad
    x, b, a, w = T.dmatrix("x"), T.dvector("b"), T.dvector("a"), T.dmatrix("w")
    y = T.lvector("y")
    nll, sm, am = nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    gx, gb = theano.grad((nll * a).sum(), [x, b])
    second = (gx * w).sum()
    gxx, gxa = theano.grad(second, [x, a])
    xv, bv, yv = rand(3, 5, seed=21) * 2, rand(5, seed=22), np.array([0, 4, 2])
    av, wv = rand(3, seed=23) + 2, rand(3, 5, seed=24)
    got = _run(mode, [x, b, a, w, y], [gx, gb, gxx, gxa], [xv, bv, av, wv, yv])

    def softmax(xm):
        z = xm + bv
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def cost(xm, bvec=bv, avec=av):
        z = xm + bvec
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -(avec * logp[np.arange(len(yv)), yv]).sum()

    onehot = np.eye(5)[yv]

    def second_of(xm, avec=av):  # sum(w * d cost / dx), with d cost / dx = a[:, None] (softmax - 1hot)
        return (wv * avec[:, None] * (softmax(xm) - onehot)).sum()

    np.testing.assert_allclose(got[0], central_differences(cost, xv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got[1], central_differences(lambda v: cost(xv, bvec=v), bv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got[2], central_differences(second_of, xv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got[3], central_differences(lambda v: second_of(xv, avec=v), av), rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_shapers_are_gone_from_the_compiled_graph(mode):
    x = T.dmatrix("x")
    ops = (grad_shaping.zero_grad_, grad_shaping.disconnected_grad_, grad_shaping.consider_constant_)
    y = x * grad_shaping.zero_grad(x) + grad_shaping.disconnected_grad(x) + grad_shaping.consider_constant(x)
    assert {n.op for n in theano.graph.basic.io_toposort([x], [y])} >= set(ops)
    linker = {"py": "py", "numba": "auto"}[mode]  # with the rewrites, which remove the shapers
    f = theano.function([x], y, mode=theano.Mode(linker=linker, optimizer="fast_run"))
    assert not any(isinstance(n.op, grad_shaping._GradShaper) for n in f.maker.fgraph.toposort())
    xv = rand(2, 3, seed=51)
    for _ in range(2):
        np.testing.assert_allclose(f(xv), xv * xv + 2 * xv)
