"""T.nnet.h_softmax against a NumPy reference, both forms, with gradients."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad


def _np_softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _setup(dtype, batch=4, n_in=5, n_classes=3, per_class=4, n_outputs=10, seed=0):
    rng = np.random.RandomState(seed)
    vals = dict(x=rng.randn(batch, n_in), W1=rng.randn(n_in, n_classes), b1=rng.randn(n_classes),
                W2=rng.randn(n_classes, n_in, per_class), b2=rng.randn(n_classes, per_class))
    return {k: v.astype(dtype) for k, v in vals.items()}, (batch, n_in, n_classes, per_class, n_outputs)


def _reference_all(v, n_outputs):
    cls = _np_softmax(v["x"] @ v["W1"] + v["b1"])
    act = np.einsum("bi,cik->bck", v["x"], v["W2"]) + v["b2"][None]
    out = cls[:, :, None] * _np_softmax(act)
    return out.reshape(len(v["x"]), -1)[:, :n_outputs]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_all_outputs_and_target_form_match_numpy(dtype):
    v, (batch, n_in, n_classes, per_class, n_outputs) = _setup(dtype)
    syms = {k: T.TensorType(dtype, (False,) * a.ndim)(k) for k, a in v.items()}
    target = T.ivector("t")
    args = [syms[k] for k in ("x", "W1", "b1", "W2", "b2")]
    all_p = T.nnet.h_softmax(syms["x"], batch, n_outputs, n_classes, per_class, *args[1:])
    tgt_p = T.nnet.h_softmax(syms["x"], batch, n_outputs, n_classes, per_class, *args[1:], target=target)
    f = theano.function(args + [target], [all_p, tgt_p])
    t = np.array([0, 9, 4, 7], dtype="int32")
    got_all, got_t = f(*[v[k] for k in ("x", "W1", "b1", "W2", "b2")], t)
    ref = _reference_all(v, n_outputs)
    tol = 1e-5 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(got_all, ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(got_t, ref[np.arange(batch), t], rtol=tol, atol=tol)
    assert got_all.dtype == dtype and got_all.shape == (batch, n_outputs)


def test_gradient_of_target_cost():
    v, (batch, n_in, n_classes, per_class, n_outputs) = _setup("float64", seed=3)
    t = np.array([1, 2, 11, 5], dtype="int32")

    def cost(x, W1, b1, W2, b2):
        p = T.nnet.h_softmax(x, batch, 12, n_classes, per_class, W1, b1, W2, b2,
                             target=T.constant(t))
        return -T.log(p).mean()

    verify_grad(cost, [v[k] for k in ("x", "W1", "b1", "W2", "b2")], rng=np.random.RandomState(1))
