"""The gradient of a scan whose body draws from MRG_RandomStreams: the random state is an int32
tensor updated at each step, recorded by the forward loop and read back by the gradient loop as a
tensor buffer (scan/grad.py's StackRecorded). Checked against finite differences of the same
draws, on the reference VM and the native backend, called twice."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import MRG_RandomStreams
from tests.helpers import MODES


@pytest.mark.parametrize("mode", ["py", "auto"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradient_through_random_draws_in_a_loop(mode, dtype):
    rng = MRG_RandomStreams(10)
    w = theano.shared(np.array([0.5, 1.5, -0.25], dtype=dtype), name="w")

    def step(x):
        return x + rng.uniform((3,), dtype=dtype) * w * x

    x = T.vector("x", dtype=dtype)
    values, _ = theano.scan(step, outputs_info=x, n_steps=6)
    cost = T.sum(values[-1] ** 2)
    f = theano.function([x], [cost, theano.grad(cost, w)], mode=MODES[mode]())
    state = rng.state_updates[0][0]
    start = state.get_value().copy()
    x0 = np.array([1.0, -2.0, 0.5], dtype=dtype)

    def cost_at(wv):
        state.set_value(start.copy())
        w.set_value(np.asarray(wv, dtype=dtype))
        return float(f(x0)[0])

    w0 = w.get_value().astype("float64")
    eps = 1e-6 if dtype == "float64" else 1e-2
    numeric = [(cost_at(w0 + eps * e) - cost_at(w0 - eps * e)) / (2 * eps) for e in np.eye(3)]
    for _ in range(2):          # the same draws give the same gradient on every call
        state.set_value(start.copy())
        w.set_value(w0.astype(dtype))
        _, g = f(x0)
        assert g.dtype == dtype
        if dtype == "float64":
            np.testing.assert_allclose(g, numeric, rtol=1e-6)
        else:               # float32 differences: accurate relative to the largest entry
            np.testing.assert_allclose(g, numeric, rtol=2e-2, atol=1e-3 * np.abs(numeric).max())
    # the call advanced the stream: the next call draws other numbers
    assert not np.array_equal(state.get_value(), start)
