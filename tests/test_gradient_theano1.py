"""Gradients as Theano 1.0 defines them: consider_constant stops the flow through a variable but a
wrt listed there still gets its own gradient; known_grads given with fewer dimensions broadcast;
compiling an undefined gradient raises NullTypeGradError; verify_grad makes length-1 dimensions
of the test point broadcastable."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gradient

MODES = ["FAST_COMPILE", "FAST_RUN"]


@pytest.mark.parametrize("mode", MODES)
def test_consider_constant_stops_flow_but_not_the_wrt_itself(mode):
    x, y = T.dscalars("x", "y")
    u = x * x
    cost = u * y
    # u is constant: d(u*y)/dx through u is cut
    gx = theano.grad(cost + x, x, consider_constant=[u])
    # x itself constant: its own gradient (the cost's direct dependence) is kept, as for a constant
    gxc = theano.grad(x + y, x, consider_constant=[x])
    one = T.constant(1.0)
    gone = theano.grad(one + y, one)
    f = theano.function([x, y], [gx, gxc, gone], mode=mode)
    for xv, yv in [(2.0, 3.0), (-1.5, 0.5)]:
        a, b, c = f(xv, yv)
        assert a == 1.0 and b == 1.0 and c == 1.0
    # consider_constant on an intermediate of a longer chain: the value of exp(x) is used, not its
    # derivative
    m = T.dmatrix("m")
    g = theano.grad((m * gradient.consider_constant(T.exp(m))).sum(), m)
    fm = theano.function([m], g, mode=mode)
    mv = np.random.RandomState(0).randn(3, 2)
    for _ in range(2):
        np.testing.assert_allclose(fm(mv), np.exp(mv))


@pytest.mark.parametrize("mode", MODES)
def test_known_grads_scalar_broadcasts_to_the_output(mode):
    v = T.dvector("v")
    out = T.sin(v) * 3
    g = theano.grad(None, v, known_grads={out: T.constant(2.0)})
    g_pairs = theano.grad(None, v, known_grads=[(out, T.constant(2.0))])
    f = theano.function([v], [g, g_pairs], mode=mode)
    for vv in (np.array([0.1, 0.5, -2.0]), np.array([3.0])):
        a, b = f(vv)
        np.testing.assert_allclose(a, 2.0 * 3 * np.cos(vv))
        np.testing.assert_allclose(b, a)


def test_compiling_an_undefined_gradient_raises():
    a = T.dvector("a")
    b = gradient.grad_undefined(T.add, 0, a)
    with pytest.raises(gradient.NullTypeGradError):
        theano.function([a], b, on_unused_input="ignore")
    c = gradient.grad_not_implemented(T.add, 0, a)
    with pytest.raises(TypeError):
        theano.function([a], c, on_unused_input="ignore")
    x = T.dscalar("x")
    g = theano.grad(gradient.undefined_grad(x) * 2, x, null_gradients="return")
    with pytest.raises(gradient.NullTypeGradError):
        theano.function([x], g, on_unused_input="ignore")


def test_verify_grad_makes_length_one_dimensions_broadcastable():
    seen = []

    def fun(a, b):
        seen.append((a.broadcastable, b.broadcastable))
        # a row (1, n) added to a matrix (m, n) only works with a broadcastable first dimension
        return T.addbroadcast(a, 0) * b if not a.broadcastable[0] else a * b

    rng = np.random.RandomState(3)
    gradient.verify_grad(fun, [rng.rand(1, 4), rng.rand(3, 4)], rng=rng)
    assert seen[0] == ((True, False), (False, False))
    with pytest.raises(gradient.GradientError):
        # a wrong gradient is still caught
        class Bad(theano.Op):
            __props__ = ()

            def make_node(self, x):
                return theano.Apply(self, [x], [x.type()])

            def perform(self, node, inp, out):
                out[0][0] = inp[0] * 2

            def grad(self, inp, g):
                return [g[0] * 3]

        gradient.verify_grad(lambda a: Bad()(a), [rng.rand(1, 3)], rng=rng)


def test_undefined_gradient_follows_the_connection_pattern():
    class TwoOut(theano.Op):
        __props__ = ()

        def make_node(self, x):
            return theano.Apply(self, [x], [x.type(), T.dscalar()])

        def perform(self, node, inp, out):
            out[0][0] = inp[0] * 2
            out[1][0] = np.float64(1.0)

        def connection_pattern(self, node):
            return [[True, False]]

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 2]

    class UndefinedSecond(theano.Op):
        __props__ = ()

        def make_node(self, f, g):
            return theano.Apply(self, [f, g], [T.dscalar()])

        def perform(self, node, inp, out):
            out[0][0] = np.float64(inp[0].sum() + inp[1])

        def grad(self, inputs, output_grads):
            return [T.ones_like(inputs[0]) * output_grads[0], gradient.NullType()()]

    x = T.dvector("x")
    f, g = TwoOut()(x)
    cost = UndefinedSecond()(f, g)
    # x reaches the undefined input only through an output the pattern says it does not affect
    gx = theano.grad(cost, x)
    np.testing.assert_allclose(theano.function([x], gx)(np.array([1.0, 2.0])), [2.0, 2.0])
    y = T.dvector("y")
    with pytest.raises(gradient.NullTypeGradError):
        theano.grad(UndefinedSecond()(y, y.sum()), y)


@pytest.mark.parametrize("mode", MODES)
def test_consider_constant_op_gives_zero_not_disconnected(mode):
    x = T.dmatrix("x")
    g = theano.grad(gradient.consider_constant(x).sum(), x)
    g2 = theano.grad((x ** 2 * gradient.consider_constant(x)).sum(), x)
    f = theano.function([x], [g, g2], mode=mode)
    xv = np.random.RandomState(2).randn(2, 3)
    for _ in range(2):
        a, b = f(xv)
        np.testing.assert_allclose(a, np.zeros((2, 3)))
        np.testing.assert_allclose(b, 2 * xv ** 2)
    with pytest.raises(gradient.DisconnectedInputError):
        theano.grad(gradient.disconnected_grad(x).sum(), x)
