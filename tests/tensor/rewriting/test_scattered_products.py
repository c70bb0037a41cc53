"""Gradients of sigmoids read through an index (``log(sigmoid(x)[0])``, a cross-entropy of one
column of sigmoids) are finite and exact at +-1000: the factor of the chain rule moves inside the
scatter of the indexed gradient, where the stabilizing rewrites cancel it
(theano/tensor/rewriting/scattered_products.py)."""

import numpy as np
import pytest
from scipy.special import expit

import theano
import theano.tensor as T
from theano.tensor.nnet import binary_crossentropy, sigmoid
from tests.helpers import value_mode, value_modes

OPTIMIZED = [m for m in value_modes()]     # 'py' here: the reference VM, optimized
V = np.array([[-1000.0, 1000.0, 3.0], [2.5, -3.0, -1000.0], [0.5, 30.0, -40.0]])


def _zeros_but(shape, where):
    out = np.zeros(shape)
    for idx, val in where:
        out[idx] += val
    return out


# (name, cost of x, gradient of the cost at v, by hand and stably)
CASES = [
    ("log_row", lambda x: T.log(sigmoid(x)[0]).sum(),
     lambda v: _zeros_but(v.shape, [((0,), expit(-v[0]))])),
    ("log1m_column", lambda x: T.log(1 - sigmoid(x)[:, 1]).sum(),
     lambda v: _zeros_but(v.shape, [((slice(None), 1), -expit(v[:, 1]))])),
    ("log_rows_repeated", lambda x: T.log(sigmoid(x)[[0, 2, 0]]).sum(),
     lambda v: _zeros_but(v.shape, [((0,), 2 * expit(-v[0])), ((2,), expit(-v[2]))])),
    ("xent_target_1", lambda x: binary_crossentropy(sigmoid(x)[:, 0],
                                                    T.ones_like(x[:, 0])).sum(),
     lambda v: _zeros_but(v.shape, [((slice(None), 0), -expit(-v[:, 0]))])),
    ("xent_target_0", lambda x: binary_crossentropy(sigmoid(x)[:, 2],
                                                    T.zeros_like(x[:, 0])).sum(),
     lambda v: _zeros_but(v.shape, [((slice(None), 2), expit(v[:, 2]))])),
    ("two_columns", lambda x: (-T.log(sigmoid(x)[:, 0]) - T.log(1 - sigmoid(x)[:, 1])).sum(),
     lambda v: _zeros_but(v.shape, [((slice(None), 0), -expit(-v[:, 0])),
                                    ((slice(None), 1), expit(v[:, 1]))])),
    ("weighted_element", lambda x: 3.0 * T.log(sigmoid(x)[1, 2]),
     lambda v: _zeros_but(v.shape, [((1, 2), 3 * expit(-v[1, 2]))])),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", OPTIMIZED)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradient_is_finite_and_exact_at_saturation(case, mode, dtype):
    _, cost, grad_ref = case
    x = T.matrix("x", dtype=dtype)
    c = cost(x)
    # the rewrites make it stable: every linker with the default optimizer
    m = theano.Mode(linker="py") if mode == "py" else value_mode(mode)
    f = theano.function([x], [c, T.grad(c, x)], mode=m)
    v = V.astype(dtype)
    first = f(v)
    second = f(v)
    for a, b in zip(first, second):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    assert np.isfinite(first[0])
    g = first[1]
    assert g.dtype == np.dtype(dtype) and np.all(np.isfinite(g)), g
    tol = 1e-12 if dtype == "float64" else 2e-6
    np.testing.assert_allclose(g, grad_ref(v.astype("float64")), rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(case):
    _, cost, _ = case
    rng = np.random.RandomState(7)
    pt = rng.uniform(-4, 4, (3, 3))
    theano.gradient.verify_grad(lambda x: cost(x), [pt], rng=rng, mode=value_mode("auto"))


def test_products_without_a_sigmoid_keep_their_form():
    # the rewrite fires only where a sigmoid factor can cancel; other gradients are unchanged
    x = T.dmatrix("x")
    c = (T.exp(x)[0] ** 2).sum()
    f = theano.function([x], T.grad(c, x), mode=value_mode("auto"))
    v = np.linspace(-1, 1, 9).reshape(3, 3)
    expect = np.zeros_like(v)
    expect[0] = 2 * np.exp(2 * v[0])
    for _ in range(2):
        np.testing.assert_allclose(f(v), expect, rtol=1e-13)
