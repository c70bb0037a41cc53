"""Classic Theano 1.0-style programs (examples/classic/) run unchanged and compute the right things.

Each program is imported as a module (its functions are what a user's script calls) and trained for a
few epochs on small synthetic data; the tests check values, not just that nothing raised: losses go
down, accuracies beat chance, single training steps equal a hand-written NumPy version, gradients
equal finite differences. A few run the scripts as a user would (a fresh process, THEANO_FLAGS).
"""

import json
import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSIC = os.path.join(ROOT, "examples", "classic")
if CLASSIC not in sys.path:
    sys.path.insert(0, CLASSIC)

import custom_op  # noqa: E402
import dA as dA_prog  # noqa: E402
import elman  # noqa: E402
import hmc  # noqa: E402
import lenet  # noqa: E402
import logistic_sgd  # noqa: E402
import lstm_sentiment  # noqa: E402
import misc_api  # noqa: E402
import mlp  # noqa: E402
import rbm as rbm_prog  # noqa: E402
import rnn_lm  # noqa: E402
import vae  # noqa: E402

F64 = theano.config.floatX == "float64"
RTOL = 1e-7 if F64 else 1e-4


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def softmax(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def finite_difference(f, shared, index, eps=1e-6):
    value = shared.get_value()
    plus, minus = value.copy(), value.copy()
    plus[index] += eps
    minus[index] -= eps
    shared.set_value(plus)
    f_plus = f()
    shared.set_value(minus)
    f_minus = f()
    shared.set_value(value)
    return (f_plus - f_minus) / (2 * eps)


def blobs(spread=3.0, **kwargs):
    return logistic_sgd.split(*logistic_sgd.make_blobs(spread=spread, **kwargs))


# --------------------------------------------------------------------------- 1. logistic regression

def numpy_logistic_sgd(datasets, n_epochs, batch_size, lr):
    x, y = datasets[0]
    x = x.astype(theano.config.floatX)
    n_in, n_out = x.shape[1], int(y.max()) + 1
    W, b = np.zeros((n_in, n_out)), np.zeros(n_out)
    costs = []
    for _ in range(n_epochs):
        for i in range(len(y) // batch_size):
            xb, yb = x[i * batch_size:(i + 1) * batch_size], y[i * batch_size:(i + 1) * batch_size]
            p = softmax(xb @ W + b)
            costs.append(-np.mean(np.log(p[np.arange(len(yb)), yb])))
            d = p.copy()
            d[np.arange(len(yb)), yb] -= 1
            d /= len(yb)
            W, b = W - lr * xb.T @ d, b - lr * d.sum(axis=0)
    return W, b, costs


def test_logistic_regression_equals_numpy_sgd():
    data = blobs()
    result = logistic_sgd.sgd_optimization(data, learning_rate=0.05, n_epochs=3, batch_size=20,
                                           verbose=False)
    W, b, costs = numpy_logistic_sgd(data, 3, 20, 0.05)
    np.testing.assert_allclose(result["W"], W, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(result["b"], b, rtol=RTOL, atol=1e-6)
    n = result["n_train_batches"]
    np.testing.assert_allclose(result["epoch_costs"], [np.mean(costs[e * n:(e + 1) * n])
                                                       for e in range(3)], rtol=1e-5)
    assert result["W"].dtype == theano.config.floatX
    # the compiled predictor is argmax of the scores
    xt = data[2][0]
    np.testing.assert_array_equal(result["predict"](xt.astype(theano.config.floatX)),
                                  np.argmax(xt @ W + b, axis=1))


def test_logistic_regression_learns_blobs():
    data = blobs(spread=4.0)
    result = logistic_sgd.sgd_optimization(data, n_epochs=8, verbose=False)
    costs = result["epoch_costs"]
    assert costs[-1] < 0.7 * costs[0]
    assert all(b <= a + 1e-9 for a, b in zip(costs, costs[1:]))
    assert result["test_score"] < 0.25  # chance is 2/3
    # the T.neq error rate equals the NumPy one
    xt, yt = data[2]
    np_err = np.mean(np.argmax(xt @ result["W"] + result["b"], axis=1) != yt)
    assert abs(np_err - np.mean(result["predict"](xt.astype(theano.config.floatX)) != yt)) < 1e-12


def test_logistic_regression_digits():
    pytest.importorskip("sklearn")
    result = logistic_sgd.sgd_optimization(logistic_sgd.load_digits_data(), n_epochs=6, verbose=False)
    assert result["epoch_costs"][-1] < result["epoch_costs"][0]
    assert result["test_score"] < 0.15  # chance is 0.9


def test_shared_dataset_is_cast_to_int32():
    x, y = logistic_sgd.shared_dataset((np.ones((4, 2)), np.array([0, 1, 2, 1])))
    assert y.dtype == "int32" and x.dtype == theano.config.floatX
    np.testing.assert_array_equal(y.eval(), [0, 1, 2, 1])


# --------------------------------------------------------------------------------------- 2. MLP

@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_mlp_trains(optimizer):
    model = mlp.train(blobs(), n_epochs=6, verbose=False, optimizer=optimizer)
    costs = model["epoch_costs"]
    assert costs[-1] < 0.6 * costs[0], costs
    assert model["valid_errors"][-1] < 0.3  # chance is 2/3
    for p in model["classifier"].params:
        assert p.get_value().dtype == theano.config.floatX


@pytest.mark.skipif(not F64, reason="finite differences need float64")
def test_mlp_gradients_match_finite_differences():
    data = blobs()
    model = mlp.build(data, L1_reg=0.001, L2_reg=0.01, n_hidden=5)
    xb, yb = data[0][0][:30], data[0][1][:30].astype("int32")
    f = model["cost_and_grads"]
    cost_only = lambda: f(xb, yb)[0]  # noqa: E731
    grads = f(xb, yb)[1:]
    rng = np.random.RandomState(0)
    for param, grad in zip(model["classifier"].params, grads):
        for _ in range(3):
            index = tuple(rng.randint(s) for s in grad.shape)
            fd = finite_difference(cost_only, param, index)
            assert abs(fd - grad[index]) < 1e-6 * max(1.0, abs(fd)), (param, index, fd, grad[index])


def test_mlp_adam_and_momentum_steps_equal_numpy():
    data = blobs()
    xb, yb = data[0][0][:20], data[0][1][:20].astype("int32")
    for optimizer, lr in (("adam", 0.01), ("momentum", 0.05)):
        model = mlp.build(data, optimizer=optimizer, learning_rate=lr)
        params = model["classifier"].params
        p = [q.get_value().copy() for q in params]
        state = [np.zeros_like(v) for v in p], [np.zeros_like(v) for v in p]
        for t in range(1, 4):
            g = model["cost_and_grads"](xb.astype(theano.config.floatX), yb)[1:]
            model["train_model"](0)
            for k in range(len(p)):
                if optimizer == "adam":
                    m, v = state
                    m[k] = 0.9 * m[k] + 0.1 * g[k]
                    v[k] = 0.999 * v[k] + 0.001 * g[k] ** 2
                    lr_t = lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
                    p[k] = p[k] - lr_t * m[k] / (np.sqrt(v[k]) + 1e-8)
                else:
                    vel = state[0]
                    p[k] = p[k] + 0.9 * vel[k] - lr * g[k]
                    vel[k] = 0.9 * vel[k] - lr * g[k]
            for q, expected in zip(params, p):
                np.testing.assert_allclose(q.get_value(), expected, rtol=1e-5 if F64 else 1e-3,
                                           atol=1e-8 if F64 else 1e-5)


def test_mlp_digits_adam():
    pytest.importorskip("sklearn")
    model = mlp.train(logistic_sgd.load_digits_data(), n_epochs=4, verbose=False, optimizer="adam",
                      n_hidden=32)
    assert model["valid_errors"][-1] < 0.15


# ------------------------------------------------------------------------------------ 3. LeNet

def numpy_conv_valid(x, w):
    """True convolution (filters flipped), 'valid' borders: (B, C, H, W) * (F, C, kh, kw)."""
    wf = w[:, :, ::-1, ::-1]
    B, C, H, W_ = x.shape
    F, _, kh, kw = w.shape
    out = np.zeros((B, F, H - kh + 1, W_ - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W_ - kw + 1):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + kh, j:j + kw], wf, axes=([1, 2, 3], [1, 2, 3]))
    return out


def numpy_max_pool(x, ws):
    B, C, H, W_ = x.shape
    h, w = H // ws[0], W_ // ws[1]
    return x[:, :, :h * ws[0], :w * ws[1]].reshape(B, C, h, ws[0], w, ws[1]).max(axis=(3, 5))


def test_lenet_first_layer_equals_numpy():
    data = lenet.make_shapes(n_per_class=10)
    model = lenet.build(data, 12, batch_size=20)
    layer0 = model["layer0"]
    rng = np.random.RandomState(3)
    layer0.b.set_value(rng.normal(size=layer0.b.get_value().shape).astype(theano.config.floatX))
    x = data[0][0][:20].astype(theano.config.floatX)
    out = model["layer0_fn"](x)
    conv = numpy_conv_valid(x.reshape(20, 1, 12, 12), layer0.W.get_value())
    expected = np.tanh(numpy_max_pool(conv, (2, 2)) + layer0.b.get_value()[None, :, None, None])
    assert out.shape == (20, 4, 5, 5)
    np.testing.assert_allclose(out, expected, rtol=1e-6 if F64 else 1e-4, atol=1e-6 if F64 else 1e-5)


def test_lenet_trains_on_shapes():
    model = lenet.train(lenet.make_shapes(), 12, n_epochs=6, verbose=False)
    costs = model["epoch_costs"]
    assert costs[-1] < 0.8 * costs[0], costs
    assert model["valid_errors"][-1] < 0.6  # chance is 0.75


@pytest.mark.skipif(not F64, reason="finite differences need float64")
def test_conv_pool_gradient_matches_finite_differences():
    from theano.tensor.nnet import conv2d
    from theano.tensor.signal import pool

    rng = np.random.RandomState(1)
    images = rng.normal(size=(2, 2, 6, 6))
    bias = rng.normal(size=3)

    def layer(W, b):
        out = pool.pool_2d(conv2d(T.constant(images), W, filter_shape=(3, 2, 3, 3)), ws=(2, 2),
                           ignore_border=True)
        return T.tanh(out + b.dimshuffle('x', 0, 'x', 'x')).flatten(2)

    theano.gradient.verify_grad(layer, [rng.normal(size=(3, 2, 3, 3)), bias], rng=rng)


@pytest.mark.slow
def test_lenet_digits():
    pytest.importorskip("sklearn")
    model = lenet.train(lenet.load_digits_data(), 8, n_epochs=5, verbose=False)
    assert model["valid_errors"][-1] < 0.35  # chance is 0.9


# ---------------------------------------------------------------------- 4. denoising autoencoder

@pytest.mark.parametrize("use_mrg", [False, True])
def test_dA_trains_and_corrupts(use_mrg):
    data = dA_prog.make_patterns()
    result = dA_prog.train_dA(data, corruption_level=0.3, training_epochs=5, use_mrg=use_mrg,
                              verbose=False)
    costs = result["epoch_costs"]
    assert costs[-1] < 0.7 * costs[0], costs
    ones = np.ones((200, 50), dtype=theano.config.floatX)
    a, b = result["corrupt"](ones), result["corrupt"](ones)
    assert set(np.unique(a)) <= {0.0, 1.0} and a.dtype == theano.config.floatX
    assert abs(np.mean(a == 0) - 0.3) < 0.02
    assert not np.array_equal(a, b)  # the random state advances between calls
    # reconstructions of the training data are closer than chance
    recon = result["reconstruct"](data)
    assert np.mean((recon > 0.5) == (data > 0.5)) > 0.85


def test_dA_step_without_corruption_equals_numpy():
    rng = np.random.RandomState(5)
    x_value = (rng.uniform(size=(20, 12)) > 0.5).astype(theano.config.floatX)
    W0 = rng.uniform(-0.5, 0.5, size=(12, 4)).astype(theano.config.floatX)
    W = theano.shared(W0.copy(), name="W")
    x = T.matrix("x")
    # ``if not W`` in dA.__init__: a shared variable passed in is kept (variables are truthy)
    da = dA_prog.dA(numpy_rng=rng, input=x, n_visible=12, n_hidden=4, W=W)
    assert da.W is W
    cost, updates = da.get_cost_updates(corruption_level=0.0, learning_rate=0.1)
    step = theano.function([x], cost, updates=updates)
    c = step(x_value)

    h = sigmoid(x_value @ W0)
    z = sigmoid(h @ W0.T)
    expected_cost = np.mean(-np.sum(x_value * np.log(z) + (1 - x_value) * np.log(1 - z), axis=1))
    dz = (z - x_value) / len(x_value)
    dh = dz @ W0 * h * (1 - h)
    gW = x_value.T @ dh + dz.T @ h  # tied weights: both uses of W
    np.testing.assert_allclose(c, expected_cost, rtol=RTOL * 10)
    np.testing.assert_allclose(W.get_value(), W0 - 0.1 * gW, rtol=1e-6 if F64 else 1e-4, atol=1e-7)
    np.testing.assert_allclose(da.b.get_value(), -0.1 * dh.sum(axis=0), rtol=1e-6 if F64 else 1e-3,
                               atol=1e-8 if F64 else 1e-5)
    np.testing.assert_allclose(da.b_prime.get_value(), -0.1 * dz.sum(axis=0),
                               rtol=1e-6 if F64 else 1e-3, atol=1e-8 if F64 else 1e-5)


# ---------------------------------------------------------------------------- 5. RNN / LSTM LM

@pytest.fixture(scope="module")
def rnn_result():
    return rnn_lm.train(n_epochs=10, verbose=False)


def test_rnn_lm_learns(rnn_result):
    costs = rnn_result["epoch_costs"]
    assert costs[-1] < 0.5 * costs[0], costs
    vocab = len(rnn_result["chars"])
    assert costs[0] < np.log(vocab) + 0.5  # started near uniform
    for seq in (rnn_result["greedy"], rnn_result["sampled"]):
        assert seq.shape == (40,) and seq.dtype == "int64"
        assert seq.min() >= 0 and seq.max() < vocab


def test_rnn_lm_greedy_is_argmax_and_sampling_is_random(rnn_result):
    sample_fn = rnn_result["sample_fn"]
    start = int(rnn_result["data"][0])
    g1, g2 = sample_fn(start, 1), sample_fn(start, 1)
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(g1, rnn_result["greedy"])
    draws = [sample_fn(start, 0) for _ in range(3)]
    assert any(not np.array_equal(draws[0], d) for d in draws[1:])
    # greedy decoding in NumPy from the trained weights gives the same characters
    m = rnn_result["model"]
    Wx, Wh, bh, Wy, by = [p.get_value() for p in m.params]
    h, idx, out = np.zeros(m.n_hidden), start, []
    for _ in range(40):
        h = np.tanh(Wx[idx] + h @ Wh + bh)
        idx = int(np.argmax(h @ Wy + by))
        out.append(idx)
    np.testing.assert_array_equal(g1, out)


def test_rnn_lm_cost_equals_numpy(rnn_result):
    m = rnn_result["model"]
    data, onehot = rnn_result["data"], rnn_result["onehot"]
    xs, ys = onehot[data[:30]], data[1:31]
    Wx, Wh, bh, Wy, by = [p.get_value() for p in m.params]
    h, nll = np.zeros(m.n_hidden), []
    for t in range(30):
        h = np.tanh(xs[t] @ Wx + h @ Wh + bh)
        p = softmax((h @ Wy + by)[None])[0]
        nll.append(-np.log(p[ys[t]]))
    np.testing.assert_allclose(rnn_result["cost_fn"](xs, ys), np.mean(nll), rtol=RTOL * 10)


@pytest.mark.skipif(not F64, reason="finite differences need float64")
@pytest.mark.parametrize("lstm", [False, True])
def test_rnn_lm_gradients_match_finite_differences(lstm):
    chars, data = rnn_lm.encode(rnn_lm.TEXT)
    m = rnn_lm.RNNLM(len(chars), 6, lstm=lstm, seed=3)
    x_seq, y_seq = T.matrix("x"), T.lvector("y")
    cost, _ = m.cost(x_seq, y_seq)
    f = theano.function([x_seq, y_seq], [cost] + T.grad(cost, m.params))
    xs, ys = np.eye(len(chars))[data[:12]], data[1:13]
    grads = f(xs, ys)[1:]
    rng = np.random.RandomState(0)
    for param, grad in zip(m.params, grads):
        for _ in range(3):
            index = tuple(rng.randint(s) for s in grad.shape)
            fd = finite_difference(lambda: f(xs, ys)[0], param, index)
            assert abs(fd - grad[index]) < 1e-6 * max(1.0, abs(fd)), (param, index, fd, grad[index])


def test_rnn_lm_gradient_clipping():
    chars, data = rnn_lm.encode(rnn_lm.TEXT)
    m = rnn_lm.RNNLM(len(chars), 8, seed=1, clip=0.01)
    x_seq, y_seq = T.matrix("x"), T.lvector("y")
    cost, _ = m.cost(x_seq, y_seq)
    grads, norm = m.clipped_grads(cost)
    f = theano.function([x_seq, y_seq], [norm] + grads)
    xs, ys = np.eye(len(chars), dtype=theano.config.floatX)[data[:20]], data[1:21]
    out = f(xs, ys)
    clipped_norm = np.sqrt(sum(np.sum(g.astype("float64") ** 2) for g in out[1:]))
    assert out[0] > 0.01
    np.testing.assert_allclose(clipped_norm, 0.01, rtol=1e-5)


def test_lstm_lm_learns():
    result = rnn_lm.train(lstm=True, n_epochs=8, learning_rate=4.0, verbose=False)
    costs = result["epoch_costs"]
    assert costs[-1] < 0.5 * costs[0], costs


def test_elman_tagger_learns_and_equals_numpy():
    assert elman.contextwin([4, 5, 6], 3) == [[-1, 4, 5], [4, 5, 6], [5, 6, -1]]
    result = elman.run(n_epochs=5, verbose=False)
    nll = result["epoch_nll"]
    assert nll[-1] < 0.3 * nll[0], nll
    majority = 1 - np.mean([t for _, y in result["test"] for t in y])
    assert result["accuracies"][-1] > max(majority, 0.95)
    rnn = result["rnn"]
    emb, wx, wh, w, bh, b, h0 = [p.get_value() for p in rnn.params]
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, rtol=1e-6 if F64 else 1e-5)
    words, _ = result["test"][0]
    idxs = np.asarray(elman.contextwin(words, 3)).astype("int32")
    h, expected = h0, []
    for row in emb[idxs].reshape(len(words), -1):  # index -1 is the padding row, as in NumPy
        h = sigmoid(row @ wx + h @ wh + bh)
        expected.append(softmax((h @ w + b)[None])[0])
    probs = rnn.probabilities(idxs)
    assert probs.shape == (len(words), 2)
    np.testing.assert_allclose(probs, expected, rtol=1e-6 if F64 else 1e-4, atol=1e-7 if F64 else 1e-5)
    np.testing.assert_array_equal(rnn.classify(idxs), np.argmax(expected, axis=1))


# ------------------------------------------------------- 5b. masked LSTM classifier with Adadelta

def test_lstm_sentiment_trains():
    # the program seeds NumPy's global generator at import (as the original does); other tests
    # draw from it too, so seed it again here to make the result independent of the test order
    np.random.seed(lstm_sentiment.SEED)
    result = lstm_sentiment.train_lstm(max_epochs=8, verbose=False)
    costs = [h[0] for h in result["history"]]
    assert costs[-1] < 0.7 * costs[0], result["history"]
    assert result["history"][-1][2] < 0.25  # validation error; chance is 0.5
    # dropout is off outside training: predictions are deterministic
    x, mask, _ = lstm_sentiment.prepare_data(*result["valid"])
    np.testing.assert_array_equal(result["f_pred_prob"](x, mask), result["f_pred_prob"](x, mask))


@pytest.fixture(scope="module")
def lstm_model():
    options = dict(dim_proj=5, n_words=12, ydim=2, use_dropout=True)
    tparams = lstm_sentiment.init_tparams(lstm_sentiment.init_params(options))
    # bigger weights than the program's initialization, so that every path carries a gradient
    rng = np.random.RandomState(4)
    for p in tparams.values():
        p.set_value((p.get_value() + rng.normal(0, 0.5, p.get_value().shape)).astype(theano.config.floatX))
    use_noise, x, mask, y, f_pred_prob, f_pred, cost = lstm_sentiment.build_model(tparams, options)
    return tparams, use_noise, x, mask, y, f_pred_prob, cost


def test_lstm_sentiment_mask_ignores_padding(lstm_model):
    tparams, use_noise, x, mask, y, f_pred_prob, cost = lstm_model
    short, long_ = [3, 1, 4], [5, 9, 2, 6, 5, 3, 5]
    alone = f_pred_prob(*lstm_sentiment.prepare_data([short], [0])[:2])
    batched = f_pred_prob(*lstm_sentiment.prepare_data([short, long_], [0, 1])[:2])
    np.testing.assert_allclose(batched[0], alone[0], rtol=1e-6 if F64 else 1e-4)
    assert not np.allclose(batched[1], alone[0])


@pytest.mark.skipif(not F64, reason="finite differences need float64")
def test_lstm_sentiment_gradients_match_finite_differences(lstm_model):
    tparams, use_noise, x, mask, y, f_pred_prob, cost = lstm_model
    f = theano.function([x, mask, y], [cost] + T.grad(cost, list(tparams.values())))
    seqs, labels = lstm_sentiment.make_data(n=6)
    bx, bmask, by = lstm_sentiment.prepare_data(seqs, labels)
    grads = f(bx, bmask, by)[1:]
    rng = np.random.RandomState(0)
    for (name, param), grad in zip(tparams.items(), grads):
        if name == "Wemb":  # only the rows of the words used have a gradient; check one of them
            index = (int(bx[0, 0]), 1)
        else:
            index = tuple(rng.randint(s) for s in grad.shape)
        fd = finite_difference(lambda: f(bx, bmask, by)[0], param, index)
        assert abs(fd - grad[index]) < 1e-6 * max(1.0, abs(fd)), (name, index, fd, grad[index])


def test_lstm_sentiment_adadelta_step_equals_numpy(lstm_model):
    tparams, use_noise, x, mask, y, f_pred_prob, cost = lstm_model
    grads = T.grad(cost, list(tparams.values()))
    f_grad = theano.function([x, mask, y], grads)
    lr = T.scalar("lr")
    f_grad_shared, f_update = lstm_sentiment.adadelta(lr, tparams, grads, x, mask, y, cost)
    seqs, labels = lstm_sentiment.make_data(n=8, seed=3)
    bx, bmask, by = lstm_sentiment.prepare_data(seqs, labels)
    before = [p.get_value().copy() for p in tparams.values()]
    g = f_grad(bx, bmask, by)
    f_grad_shared(bx, bmask, by)
    f_update(0.0001)
    for p, p0, gk in zip(tparams.values(), before, g):
        step = -np.sqrt(1e-6) / np.sqrt(0.05 * gk ** 2 + 1e-6) * gk
        np.testing.assert_allclose(p.get_value(), p0 + step, rtol=1e-6 if F64 else 1e-4,
                                   atol=1e-10 if F64 else 1e-6)


# ----------------------------------------------------------------------------------------- 6. RBM

@pytest.mark.parametrize("persistent,k", [(False, 1), (True, 3)])
def test_rbm_trains(persistent, k):
    data = rbm_prog.make_patterns()
    result = rbm_prog.train_rbm(data, training_epochs=5, k=k, persistent=persistent, verbose=False)
    errors = result["recon_errors"]
    assert errors[-1] < 0.6 * errors[0], errors
    if persistent:
        chain = result["persistent_chain"].get_value()
        assert chain.any() and set(np.unique(chain)) <= {0.0, 1.0}
        bit = [v for v in result["updates"] if getattr(v, "name", None) == "bit_i_idx"][0]
        assert bit.get_value() == (5 * (len(data) // 20)) % data.shape[1]
    samples, vis_chain = rbm_prog.sample_chains(result["rbm"], data)
    for means, draws in samples:
        assert means.shape == (5, 64) and ((means >= 0) & (means <= 1)).all()
        assert set(np.unique(draws)) <= {0.0, 1.0}
    np.testing.assert_array_equal(vis_chain.get_value(), samples[-1][1])


def test_rbm_consider_constant_gradient_equals_numpy():
    rng = np.random.RandomState(2)
    x = T.matrix("x")
    r = rbm_prog.RBM(input=x, n_visible=10, n_hidden=4, numpy_rng=rng)
    _, updates, chain_end = r.get_cost_updates(lr=0.1, k=2)
    cost = T.mean(r.free_energy(x)) - T.mean(r.free_energy(chain_end))
    gW = T.grad(cost, r.W, consider_constant=[chain_end])
    f = theano.function([x], [chain_end, gW], updates=updates)
    v = (rng.uniform(size=(7, 10)) > 0.5).astype(theano.config.floatX)
    W0, hb, vb = [p.get_value().copy() for p in r.params]
    ce, g = f(v)
    assert set(np.unique(ce)) <= {0.0, 1.0}
    expected = (-v.T @ sigmoid(v @ W0 + hb) + ce.T @ sigmoid(ce @ W0 + hb)) / len(v)
    np.testing.assert_allclose(g, expected, rtol=1e-6 if F64 else 1e-4, atol=1e-8 if F64 else 1e-5)
    # the same call applied the CD update with the same chain end
    np.testing.assert_allclose(r.W.get_value(), W0 - 0.1 * expected, rtol=1e-6 if F64 else 1e-4,
                               atol=1e-8 if F64 else 1e-5)


# ------------------------------------------------------------------- 6a. variational autoencoder

def test_vae_lower_bound_rises_and_equals_numpy():
    result = vae.train(n_epochs=8, verbose=False)
    history = np.asarray(result["history"])
    assert history[-1, 0] > history[0, 0] + 3, history[:, 0]
    assert (history[:, 1] <= 1e-9).all()  # -KL is never positive
    np.testing.assert_allclose(history[:, 0], history[:, 1] + history[:, 2], rtol=1e-6)
    # with the noise given, the bound is a deterministic function: compare with NumPy
    p = {k: v.get_value() for k, v in result["model"].params.items()}
    x = result["data"][:25]
    eps = np.random.RandomState(1).normal(size=(25, 2)).astype(theano.config.floatX)
    h = np.tanh(x @ p["W_xh"] + p["b_xh"])
    mu, log_sigma = h @ p["W_hmu"] + p["b_hmu"], 0.5 * (h @ p["W_hsigma"] + p["b_hsigma"])
    z = mu + np.exp(log_sigma) * eps
    xr = sigmoid(np.tanh(z @ p["W_zh"] + p["b_zh"]) @ p["W_hx"] + p["b_hx"])
    kl = 0.5 * np.sum(1 + 2 * log_sigma - mu ** 2 - np.exp(2 * log_sigma), axis=1)
    log_px = np.sum(x * np.log(xr) + (1 - x) * np.log(1 - xr), axis=1)
    np.testing.assert_allclose(result["lb_fixed_eps"](x, eps), np.mean(kl + log_px),
                               rtol=1e-7 if F64 else 1e-4)
    if F64:
        f = result["lb_fixed_eps"]
        model = result["model"]
        g = theano.function([], T.grad(model.lower_bound(theano.shared(x), theano.shared(eps))[0],
                                       list(model.params.values())))()
        for (name, param), grad in zip(model.params.items(), g):
            index = tuple(np.unravel_index(np.argmax(np.abs(grad)), grad.shape))
            fd = finite_difference(lambda: f(x, eps), param, index)
            assert abs(fd - grad[index]) < 1e-6 * max(1.0, abs(fd)), (name, fd, grad[index])


# ------------------------------------------------------------------------ 6b. Hamiltonian Monte Carlo

def test_hmc_samples_a_gaussian():
    r = hmc.sampler_on_nd_gaussian(burnin=200, n_samples=200)
    samples, sampler = r["samples"], r["sampler"]
    assert samples.shape == (200 * 50, 2)
    np.testing.assert_allclose(samples.mean(axis=0), r["mu"], atol=0.1)
    np.testing.assert_allclose(np.cov(samples.T), r["cov"], atol=0.12)
    assert 0.5 < sampler.avg_acceptance_rate.get_value() <= 1.0
    step = sampler.stepsize.get_value()
    assert sampler.stepsize_min <= step <= sampler.stepsize_max and step != 1e-3


def test_hmc_leapfrog_equals_numpy():
    mu, cov, cov_inv = hmc.gaussian_target(3, seed=4)

    def energy(x):
        return 0.5 * (T.dot(x - mu, cov_inv) * (x - mu)).sum(axis=1)

    pos, vel = T.matrix("pos"), T.matrix("vel")
    step = theano.shared(np.asarray(0.1, dtype=theano.config.floatX))
    final_pos, final_vel = hmc.simulate_dynamics(pos, vel, step, 7, energy)
    h0, h1 = hmc.hamiltonian(pos, vel, energy), hmc.hamiltonian(final_pos, final_vel, energy)
    f = theano.function([pos, vel], [final_pos, final_vel, h0, h1])
    rng = np.random.RandomState(0)
    p0 = rng.normal(size=(4, 3)).astype(theano.config.floatX)
    v0 = rng.normal(size=(4, 3)).astype(theano.config.floatX)
    fp, fv, e0, e1 = f(p0, v0)

    def grad_e(p):
        return (p - mu) @ (cov_inv + cov_inv.T) / 2

    p, v = p0.astype("float64"), v0 - 0.05 * grad_e(p0)
    p = p + 0.1 * v
    for _ in range(6):
        v = v - 0.1 * grad_e(p)
        p = p + 0.1 * v
    v = v - 0.05 * grad_e(p)
    tol = dict(rtol=1e-6, atol=1e-8) if F64 else dict(rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(fp, p, **tol)
    np.testing.assert_allclose(fv, v, **tol)
    assert np.all(np.abs(e1 - e0) < 0.1 * np.abs(e0) + 0.05)  # leapfrog nearly conserves energy


# -------------------------------------------------------------------------------------- 7. misc API

def test_pp_and_debugprint():
    text, dp, dp_f, f = misc_api.print_graphs()
    assert "tanh" in text and "x" in text and "w" in text and "2" in text
    assert "Elemwise{tanh" in dp and "[id A]" in dp and "|x [id" in dp and "|w [id" in dp
    assert "[id A]" in dp_f and "w [id" in dp_f
    xv = np.array([0.5, -1.0, 2.0])
    w = np.arange(3.0)
    t = np.tanh(xv @ w + 1)
    np.testing.assert_allclose(f(xv), 2 * t * (1 - t ** 2) * w, rtol=1e-6)


def test_fast_compile_mode_trains_like_default_mode():
    rng = np.random.RandomState(0)
    xv = rng.normal(size=(60, 4))
    yv = (xv[:, 0] + xv[:, 1] > 0).astype("int32")
    costs, W, b = misc_api.fast_compile_softmax_regression(xv, yv)
    assert costs[0] == pytest.approx(np.log(2)) and costs[-1] < 0.5 * costs[0]
    # the same model in the default mode
    x, y = T.matrix(), T.ivector()
    W2 = theano.shared(np.zeros((4, 2), dtype=theano.config.floatX))
    b2 = theano.shared(np.zeros(2, dtype=theano.config.floatX))
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(x, W2) + b2), y).mean()
    g = T.grad(cost, [W2, b2])
    step = theano.function([x, y], cost, updates=[(W2, W2 - 0.5 * g[0]), (b2, b2 - 0.5 * g[1])],
                           allow_input_downcast=True)
    costs2 = [float(step(xv, yv)) for _ in range(20)]
    np.testing.assert_allclose(costs, costs2, rtol=1e-6 if F64 else 1e-4)
    np.testing.assert_allclose(W.get_value(), W2.get_value(), rtol=1e-6 if F64 else 1e-4)


def test_set_subtensor_one_hot_and_inc_subtensor_counts():
    labels = [0, 2, 1, 2, 2]
    one_hot, counts = misc_api.one_hot_with_set_subtensor(labels, 4)
    np.testing.assert_array_equal(one_hot, np.eye(4)[labels])
    np.testing.assert_array_equal(counts, np.bincount(labels, minlength=4))


def test_pickle_shared_parameters_checkpoint(tmp_path):
    data = blobs()
    model = mlp.train(data, n_epochs=2, verbose=False)
    params = model["classifier"].params
    before = [p.get_value().copy() for p in params]
    path = str(tmp_path / "params.pkl")
    misc_api.save_params(params, path)
    for p in params:
        p.set_value(np.zeros_like(p.get_value()))
    restored = misc_api.load_params(params, path)
    for p, v in zip(params, before):
        np.testing.assert_array_equal(p.get_value(), v)
    # unpickled shared variables are new variables with the same values, usable in a new graph
    assert [r.name for r in restored] == [p.name for p in params]
    for r, v in zip(restored, before):
        assert r is not None and r.type == params[0].type.clone(broadcastable=r.broadcastable)
        np.testing.assert_array_equal(r.get_value(), v)
    x = T.matrix()
    hidden = theano.function([x], T.tanh(T.dot(x, restored[0]) + restored[1]))
    xv = data[1][0].astype(theano.config.floatX)
    np.testing.assert_allclose(hidden(xv), np.tanh(xv @ before[0] + before[1]), rtol=1e-6)
    # training continues from the restored values
    assert model["train_model"](0) < model["epoch_costs"][0]
    # a whole model object pickles too
    clf = pickle.loads(pickle.dumps(model["classifier"]))
    np.testing.assert_array_equal(clf.hiddenLayer.W.get_value(), params[0].get_value())


def test_pickled_training_function_resumes_exactly():
    """Checkpoint (compiled function + model) mid-training; the copy continues exactly as the
    original (momentum velocities included) and updates its own copies of the parameters."""
    data = blobs()
    m = mlp.build(data, optimizer="momentum")
    for i in range(3):
        m["train_model"](i)
    f2, clf2 = pickle.loads(pickle.dumps((m["train_model"], m["classifier"])))
    original = [float(m["train_model"](i)) for i in range(3, 7)]
    resumed = [float(f2(i)) for i in range(3, 7)]
    np.testing.assert_allclose(resumed, original, rtol=1e-12 if F64 else 1e-6)
    for p, q in zip(m["classifier"].params, clf2.params):
        assert p is not q
        np.testing.assert_allclose(q.get_value(), p.get_value(), rtol=1e-12 if F64 else 1e-6)


def test_nan_guard_mode_catches_a_diverging_mlp():
    """The 'dealing with NaNs' recipe: the same training function compiled with NanGuardMode stops
    at the first node that produces an inf/NaN/huge value when the learning rate is absurd."""
    from theano.compile.nanguardmode import NanGuardMode

    data = blobs()
    x, y = T.matrix("x"), T.ivector("y")
    clf = mlp.MLP(np.random.RandomState(0), x, n_in=10, n_hidden=8, n_out=3)
    cost = clf.negative_log_likelihood(y)
    sx, sy = logistic_sgd.shared_dataset(data[0])
    index = T.lscalar()
    for lr, expect_error in ((0.01, False), (1e9, True)):
        train = theano.function([index], cost, updates=mlp.sgd(cost, clf.params, lr),
                                givens={x: sx[index * 20:(index + 1) * 20],
                                        y: sy[index * 20:(index + 1) * 20]},
                                mode=NanGuardMode(nan_is_error=True, inf_is_error=True,
                                                  big_is_error=True))
        with np.errstate(all="ignore"):
            if expect_error:
                with pytest.raises(AssertionError, match="NaN|Inf|Big"):
                    for i in range(9):
                        train(i)
            else:
                costs = [float(train(i)) for i in range(9)]
                assert np.isfinite(costs).all()


def test_debugging_with_test_values():
    """The Theano 1.0 debugging recipe: compute_test_value='raise' plus x.tag.test_value, so that a
    wrong shape is reported where the graph is built, not when the function runs."""
    old = theano.config.compute_test_value
    theano.config.compute_test_value = "raise"
    try:
        x = T.matrix("x")
        y = T.ivector("y")
        x.tag.test_value = np.random.RandomState(0).rand(5, 4).astype(theano.config.floatX)
        y.tag.test_value = np.array([0, 1, 2, 1, 0], dtype="int32")
        clf = logistic_sgd.LogisticRegression(input=x, n_in=4, n_out=3)
        cost = clf.negative_log_likelihood(y)
        assert cost.tag.test_value == pytest.approx(np.log(3))  # zero weights: uniform
        assert clf.errors(y).tag.test_value.shape == ()
        with pytest.raises(ValueError):
            logistic_sgd.LogisticRegression(input=x, n_in=6, n_out=3).p_y_given_x
        with pytest.raises(ValueError, match="missing default value"):
            cost + T.scalar("lr")
    finally:
        theano.config.compute_test_value = old


def test_typed_constructors_are_tensor_types():
    assert isinstance(T.dmatrix, T.TensorType)
    assert T.fvector.dtype == "float32" and T.lscalar.broadcastable == ()
    assert T.dmatrix("x").type == T.dmatrix


def test_deprecated_param_with_default():
    x, y = T.dscalars("x", "y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = theano.function([x, theano.Param(y, default=1.0)], x + y)
    assert f(2.0) == 3.0 and f(2.0, 5.0) == 7.0


def test_custom_ops_contract_and_training():
    rng = np.random.RandomState(0)
    x = T.dmatrix("x")
    for op in (custom_op.DoubleOp(), custom_op.ScaledSoftplus(1.5, -0.5)):
        out = op(x)
        value = rng.normal(size=(3, 4))
        f = theano.function([x], [out, out.shape])
        res, shape = f(value)
        expected = 2 * value if isinstance(op, custom_op.DoubleOp) else 1.5 * np.logaddexp(0, -0.5 * value)
        np.testing.assert_allclose(res, expected, rtol=1e-12)
        assert tuple(shape) == (3, 4)
        if F64:
            theano.gradient.verify_grad(op, [value], rng=rng)
    assert custom_op.ScaledSoftplus(1, 2) == custom_op.ScaledSoftplus(1, 2)
    assert custom_op.ScaledSoftplus(1, 2) != custom_op.ScaledSoftplus(2, 1)
    # R_op of DoubleOp through T.Rop: its R_op (2 v) does not read x, so, as in Theano 1.0, x is an
    # unused input of the function
    v = T.dmatrix("v")
    jv = theano.function([x, v], T.Rop(custom_op.DoubleOp()(x), x, v), on_unused_input="ignore")
    np.testing.assert_allclose(jv(np.ones((2, 2)), np.arange(4.0).reshape(2, 2)), 2 * np.arange(4.0).reshape(2, 2))
    result = custom_op.fit(n_steps=150)
    assert result["costs"][-1] < 1e-3 * result["costs"][0]
    np.testing.assert_allclose(result["w"], result["w_true"], atol=1e-2)
    np.testing.assert_allclose(result["medians"], np.median(result["x_val"], axis=1))


def test_from_theano_gof_import():
    """Custom-op programs import the base classes from the old package path."""
    from theano.gof import Apply, Op  # noqa: F401
    from theano.gof.graph import inputs  # noqa: F401


# ---------------------------------------------------------------- scripts in a fresh process (float32)

def run_python(args, flags):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["THEANO_FLAGS"] = flags
    proc = subprocess.run([sys.executable] + args, capture_output=True, text=True, env=env,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


FLOAT32_CHECK = r"""
import json, sys
import numpy as np
import theano, theano.tensor as T
sys.path.insert(0, 'examples/classic')
import logistic_sgd, mlp, dA, rnn_lm
assert theano.config.floatX == 'float32'
out = {}
data = logistic_sgd.split(*logistic_sgd.make_blobs(spread=3.0))
r = logistic_sgd.sgd_optimization(data, n_epochs=3, verbose=False)
out['logreg'] = [r['W'].dtype.name, r['b'].dtype.name, r['epoch_costs']]
m = mlp.build(data, optimizer='adam')
c = m['train_model'](0)
out['mlp'] = [np.asarray(c).dtype.name] + [p.get_value().dtype.name for p in m['classifier'].params]
out['mlp_updates'] = sorted(set(v.dtype for _, v in m['updates']))
d = dA.train_dA(dA.make_patterns(), training_epochs=2, verbose=False, use_mrg=True)
c = d['train_da'](0)
out['dA'] = [np.asarray(c).dtype.name, d['da'].W.get_value().dtype.name,
             d['corrupt'](np.ones((3, 64), 'float32')).dtype.name, d['epoch_costs']]
res = rnn_lm.train(n_epochs=2, verbose=False)
out['rnn'] = [p.get_value().dtype.name for p in res['model'].params] + [res['epoch_costs']]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_programs_run_float32_end_to_end():
    out = json.loads(run_python(["-c", FLOAT32_CHECK], "floatX=float32").strip().splitlines()[-1])
    assert out["logreg"][:2] == ["float32", "float32"]
    assert out["logreg"][2][-1] < out["logreg"][2][0]
    assert out["mlp"] == ["float32"] * 5
    assert out["mlp_updates"] == ["float32"]
    assert out["dA"][:3] == ["float32"] * 3 and out["dA"][3][-1] < out["dA"][3][0]
    assert out["rnn"][:5] == ["float32"] * 5 and out["rnn"][5][-1] < out["rnn"][5][0]


def test_mlp_script_with_theano_flags_float32():
    out = run_python([os.path.join(CLASSIC, "mlp.py"), "--optimizer", "momentum", "--epochs", "4"],
                     "floatX=float32")
    assert "param dtypes float32 float32 float32 float32" in out
    final = [line for line in out.splitlines() if line.startswith("final cost")][0].split()
    assert float(final[2]) < 0.6 and float(final[-1]) < 0.3


@pytest.mark.slow
@pytest.mark.parametrize("script,args", [
    ("logistic_sgd.py", ["--epochs", "3"]),
    ("lenet.py", ["--epochs", "2"]),
    ("dA.py", ["--epochs", "2", "--mrg"]),
    ("rnn_lm.py", ["--epochs", "2", "--lstm"]),
    ("rbm.py", ["--epochs", "2", "--persistent", "--k", "2"]),
    ("misc_api.py", []),
    ("lstm_sentiment.py", ["--epochs", "2"]),
    ("hmc.py", ["--samples", "50"]),
    ("elman.py", ["--epochs", "2"]),
    ("custom_op.py", []),
    ("vae.py", ["--epochs", "2"]),
])
def test_scripts_run_as_main(script, args):
    out = run_python([os.path.join(CLASSIC, script)] + args, "")
    assert out.strip()
