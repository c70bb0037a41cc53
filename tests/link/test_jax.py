"""The optional JAX backend (skipped when JAX is not installed)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op

jax = pytest.importorskip("jax")

JAX = lambda: theano.Mode(linker="jax", optimizer="fast_run")  # noqa: E731
PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731


def both(inputs, outputs, values):
    f = theano.function(inputs, outputs, mode=JAX())
    g = theano.function(inputs, outputs, mode=PY())
    return f(*values), g(*values), f


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_elemwise_reduce_dot_dimshuffle_match_reference(dtype):
    x = T.TensorType(dtype, (False, False))("x")
    v = T.TensorType(dtype, (False,))("v")
    outs = [T.exp(-x ** 2) * T.sin(v) + T.log1p(abs(x * v)) / (1 + v ** 2), x.sum(axis=0),
            T.max(x, axis=1), T.dot(x, v), x.T, x.dimshuffle(0, "x", 1), T.mean(x),
            T.argmax(x, axis=1), T.switch(T.gt(x, 0), x, 0), T.maximum(x, v), T.cast(x, "int32")]
    rs = np.random.RandomState(0)
    vals = [rs.randn(3, 4).astype(dtype), rs.randn(4).astype(dtype)]
    a, b, _ = both([x, v], outs, vals)
    for p, q in zip(a, b):
        assert type(p) is np.ndarray and p.dtype == q.dtype and p.shape == q.shape
        np.testing.assert_allclose(p, q, rtol=1e-5 if dtype == "float32" else 1e-12)


def test_outputs_are_writable_numpy_arrays_and_empty_inputs_work():
    x = T.dmatrix("x")
    f = theano.function([x], [x * 2, x.sum(axis=1)], mode=JAX())
    a, s = f(np.zeros((0, 3)))
    assert a.shape == (0, 3) and s.shape == (0,)
    a, _ = f(np.ones((2, 3)))
    a[0, 0] = 5  # writable


def test_strict_broadcasting_error_names_the_node():
    x, y = T.dvector("x"), T.dvector("y")
    f = theano.function([x, y], x + y, mode=JAX())
    with pytest.raises(ValueError, match="mismatch"):
        f(np.ones(3), np.ones(4))


def test_shared_updates_seed_training():
    w = theano.shared(np.array([0.1, 0.25, 0.15, 0.3]), "w")
    x, t = T.fvector("x"), T.fscalar("t")
    y = (x * w).sum()
    g = T.grad(T.sqr(t - y), w)
    f = theano.function([x, t], y, updates=[(w, w - 0.1 * g)], mode=JAX())
    outs = [float(f([1.0, 1.0, 1.0, 1.0], 100.0)) for _ in range(3)]
    np.testing.assert_allclose(outs, [0.8, 80.16, 96.032])
    np.testing.assert_allclose(w.get_value(), [24.7016, 24.8516, 24.7516, 24.9016])


class Twice(Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2


def test_unregistered_op_and_computed_reshape_fall_back():
    x = T.dmatrix("x")
    f = theano.function([x], Twice()(x) + 1, mode=JAX())
    np.testing.assert_allclose(f(np.ones((2, 2))), 3 * np.ones((2, 2)))
    g = theano.function([x], x.reshape((x.shape[0] * x.shape[1],)) * 2, mode=JAX())
    np.testing.assert_allclose(g(np.arange(6.0).reshape(2, 3)), np.arange(6.0) * 2)


def test_missing_jax_gives_a_clear_error(monkeypatch):
    import theano.link.jax as tj

    monkeypatch.setattr(tj, "AVAILABLE", False)
    with pytest.raises(ImportError, match="pip install jax"):
        tj._factory()
