"""A scan whose body draws from a RandomStreams generator (a non-tensor state) has a gradient on
the native backend too: its gradient loop takes the recorded generator states as inputs, which
the whole-graph and compiled-loop planners must pass by (they have no shape). Checked against
finite differences of the same draws, with and without truncate_gradient, called twice."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.shared_randomstreams import RandomStreams
from tests.helpers import MODES


@pytest.mark.parametrize("mode", ["py", "auto"])
@pytest.mark.parametrize("truncate", [-1, 3])
def test_gradient_of_a_scan_that_draws_from_random_streams(mode, truncate):
    rng = np.random.RandomState(0)
    W = T.dmatrix("W")
    u = T.dmatrix("u")
    x0 = T.dvector("x0")
    srng = RandomStreams(123)

    def step(u_t, x_tm1, W):
        return T.tanh(T.dot(u_t, W) + x_tm1) + srng.uniform((2,), low=-0.1, high=0.1)

    xs, updates = theano.scan(step, sequences=u, outputs_info=x0, non_sequences=W,
                              truncate_gradient=truncate)
    cost = (xs ** 2).sum()
    f = theano.function([u, x0, W], [cost, theano.grad(cost, W)], mode=MODES[mode](),
                        no_default_updates=True)
    uv, x0v, Wv = rng.uniform(-1, 1, (5, 2)), rng.uniform(-1, 1, 2), rng.uniform(-1, 1, (2, 2))
    c1, g1 = f(uv, x0v, Wv)
    c2, g2 = f(uv, x0v, Wv)
    np.testing.assert_array_equal(g1, g2)             # same draws (no updates): same bits
    assert c1 == c2
    if truncate == -1:
        eps = 1e-6
        num = np.zeros_like(Wv)
        for i in range(2):
            for j in range(2):
                d = np.zeros_like(Wv)
                d[i, j] = eps
                num[i, j] = (f(uv, x0v, Wv + d)[0] - f(uv, x0v, Wv - d)[0]) / (2 * eps)
        np.testing.assert_allclose(g1, num, rtol=1e-5, atol=1e-8)
    else:
        ref = theano.function([u, x0, W], theano.grad(cost, W), mode=MODES["py"](),
                              no_default_updates=True)
        np.testing.assert_allclose(g1, ref(uv, x0v, Wv), rtol=1e-12)
