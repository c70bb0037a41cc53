"""verify_grad on float32: the random projection is float64 unless cast_to_output_type (Theano
1.0), so the finite differences of a float32 output are taken on a float64 cost, where a step of
3e-4 is not lost to float32 rounding of a large sum; a wrong gradient is still caught."""

import sys

import numpy as np
import pytest

import theano.tensor as T
from theano.gradient import GradientError, verify_grad
from theano.graph.basic import Apply
from theano.graph.op import Op


def _point():
    rng = np.random.RandomState(1234)
    return [(1 + rng.random_sample(s)).astype("float32") for s in ([10, 20], [20], [20], [20])]


@pytest.mark.parametrize("seed", range(6))
def test_float32_elementwise_gradient_passes_for_every_projection(seed):
    # a cost of a few hundred: in float32 its finite differences would be off by about 0.03
    verify_grad(lambda x, g, m, v: (x - m) * (g / v) + 1.0, _point(), rng=np.random.RandomState(seed))


class WrongGrad(Op):
    """x * 2 with a gradient 10% too large."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] * np.asarray(2, dtype=inputs[0].dtype)

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2.2]


@pytest.mark.parametrize("cast", [False, True])
def test_a_wrong_float32_gradient_is_caught(cast):
    x = (1 + np.random.RandomState(0).random_sample((10, 20))).astype("float32")
    with pytest.raises(GradientError):
        verify_grad(WrongGrad(), [x], rng=np.random.RandomState(0), cast_to_output_type=cast)


def test_the_projection_dtype_follows_cast_to_output_type(monkeypatch):
    seen = []
    module = sys.modules["theano.compile.function"]
    real = module.function

    def spy(inputs, outputs, *a, **k):
        seen.extend(i.dtype for i in inputs if getattr(i, "name", None) == "random_projection")
        return real(inputs, outputs, *a, **k)

    monkeypatch.setattr(module, "function", spy)
    x = np.ones((3, 4), dtype="float32")
    verify_grad(lambda a: a * 3, [x], rng=np.random.RandomState(0), n_tests=1)
    verify_grad(lambda a: a * 3, [x], rng=np.random.RandomState(0), n_tests=1,
                cast_to_output_type=True)
    assert seen[:2] == ["float64", "float64"] and seen[2:] == ["float32", "float32"]
