"""Gradient connectivity of scan as Theano 1.0 defines it: an input that no output the cost uses
depends on is disconnected (``theano.grad`` raises DisconnectedInputError, a ValueError); a
connected integer input gets zeros; shared variables updated in the loop are differentiable
through their updates."""

from collections import OrderedDict

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import DisconnectedInputError
from tests.helpers import value_mode, value_modes


def _three_states():
    x0, y0, z0 = T.dvector("x0"), T.dvector("y0"), T.dvector("z0")
    [x, y, z], _ = theano.scan(lambda a, b, c: (a ** 2, b, a + 1), outputs_info=[x0, y0, z0],
                               n_steps=4)
    return (x0, y0, z0), (x, y, z)


def test_state_that_no_used_output_reads_is_disconnected():
    (x0, y0, z0), (x, y, z) = _three_states()
    cost = (x + y + z).sum()
    theano.grad(cost, [x0, y0])
    with pytest.raises(DisconnectedInputError):
        theano.grad(cost, z0)        # z's step reads x, never z
    with pytest.raises(ValueError):
        theano.grad(x.sum(), y0)     # x does not depend on y
    g = theano.grad(x.sum(), y0, disconnected_inputs="ignore")
    f = theano.function([y0], g, mode=theano.Mode(linker="py"))
    np.testing.assert_array_equal(f([3.0, 4.0]), [0.0, 0.0])
    np.testing.assert_array_equal(f([3.0, 4.0]), [0.0, 0.0])


@pytest.mark.parametrize("mode", value_modes())
def test_gradients_of_connected_states_against_numpy(mode):
    (x0, y0, z0), (x, y, z) = _three_states()
    cost = (x + y + z).sum()
    f = theano.function([x0, y0, z0], theano.grad(cost, [x0, y0]), mode=value_mode(mode))
    for v in ([0.5, -0.7], [1.1, 0.3]):
        v = np.array(v)
        # x_t = x0 ** (2 ** t), z_t = x_{t-1} + 1, y_t = y0 (t = 1..4)
        gx = sum(2 ** t * v ** (2 ** t - 1) for t in range(1, 5))
        gx = gx + sum(2 ** t * v ** (2 ** t - 1) for t in range(0, 4))
        for _ in range(2):
            gx_, gy_ = f(v, v, v)
            np.testing.assert_allclose(gx_, gx, rtol=1e-12)
            np.testing.assert_allclose(gy_, [4.0, 4.0])


def test_connection_pattern_follows_the_inner_graph_over_steps():
    (x0, y0, z0), (x, y, z) = _three_states()
    node = x.owner.inputs[0].owner
    pattern = node.op.connection_pattern(node)
    # inputs: n_steps, t_start, then the one-row buffers made from x0, y0, z0
    assert [i.owner.inputs[0] for i in node.inputs[2:5]] == [x0, y0, z0]
    n_out = len(node.outputs)
    got = [pattern[2 + k][:3] for k in range(3)]
    assert got == [[True, False, True], [False, True, False], [False, False, False]]
    assert all(not p[n_out - 1] for p in pattern)  # the number of steps run: no gradient
    assert pattern[0] == [False] * n_out            # n_steps


@pytest.mark.parametrize("mode", value_modes())
def test_integer_sequence_gets_zero_gradient(mode):
    u = T.ivector("u")
    w = T.dscalar("w")
    y, _ = theano.scan(lambda ut, h, w: T.cast(ut, "float64") * w + h, sequences=u,
                       outputs_info=[T.constant(0.0)], non_sequences=w)
    gu, gw = theano.grad(y.sum(), [u, w])
    assert gu.dtype == theano.config.floatX
    f = theano.function([u, w], [gu, gw], mode=value_mode(mode))
    uv = np.array([1, 3, 4], dtype="int32")
    for _ in range(2):
        a, b = f(uv, 2.0)
        np.testing.assert_array_equal(a, np.zeros(3))
        np.testing.assert_allclose(b, (uv * np.array([3, 2, 1])).sum())


def test_integer_state_gets_zero_gradient():
    a0 = theano.shared(np.arange(2))
    (a, _b), _ = theano.scan(lambda a2, a1, b2, b1: (a1, b1),
                             outputs_info=[dict(initial=a0, taps=[-2, -1]),
                                           dict(initial=a0, taps=[-2, -1])], n_steps=2)
    f = theano.function([], theano.grad(a[-1], a0), mode=theano.Mode(linker="py"))
    np.testing.assert_array_equal(f(), [0.0, 0.0])


@pytest.mark.parametrize("mode", value_modes())
def test_gradient_through_shared_variable_updates(mode):
    s = theano.shared(np.float64(2.0), name="s")
    w = T.dscalar("w")
    _, upd = theano.scan(lambda w: ([], OrderedDict([(s, s * w + 1.0)])), non_sequences=w,
                         n_steps=3)
    final = upd[s]
    gs, gw = theano.grad(final, [s, w])
    f = theano.function([w], [final, gs, gw], mode=value_mode(mode))

    def numpy_final(s0, wv):
        for _ in range(3):
            s0 = s0 * wv + 1.0
        return s0

    for wv in (0.5, 1.5):
        for _ in range(2):
            v, a, b = f(wv)
            np.testing.assert_allclose(v, numpy_final(2.0, wv))
            eps = 1e-6
            np.testing.assert_allclose(a, wv ** 3, rtol=1e-10)
            fd = (numpy_final(2.0, wv + eps) - numpy_final(2.0, wv - eps)) / (2 * eps)
            np.testing.assert_allclose(b, fd, rtol=1e-7)
    assert s.get_value() == 2.0  # the updates were not applied (not passed to function)


def test_gradient_through_float32_shared_counter():
    s = theano.shared(np.float32(1.0))
    _, upd = theano.scan(lambda: ([], OrderedDict([(s, s + np.float32(1.0))])), n_steps=10)
    f = theano.function([], theano.grad(upd[s], s), mode=theano.Mode(linker="py"))
    assert f() == 1 and f() == 1
