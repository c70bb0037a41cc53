"""The benchmark workloads, each written once as Theano code and once as careful hand-written NumPy.

A workload is a ``Workload(name, target, make_numpy, make_graph)``:

- ``make_numpy(size)`` returns ``run()``, one timed repetition in plain NumPy;
- ``make_graph(th, size, mode)`` returns ``run()`` doing the same work with functions compiled by
  ``th`` (the ``theano`` module, or ``pytensor`` for the PyTensor column: the graph code only uses
  names both share) in ``mode``.

Both runs of a workload do the same number of steps on the same data; ``check(numpy_run,
graph_run)`` compares their results once before timing, so a fast wrong answer cannot win.
"""

import numpy as np

QUICK = {"steps_seed": 2000, "steps_logreg": 200, "steps_small": 300, "calls": 20000}
FULL = {"steps_seed": 10000, "steps_logreg": 1000, "steps_small": 1000, "calls": 100000}


class Workload:
    def __init__(self, name, target, make_numpy, make_graph, unit="run", sizes=None,
                 threads=False):
        self.name = name
        # threads: a row where BLAS threads matter (run.py also times it unpinned)
        self.threads = threads
        self.target = target
        self.make_numpy = make_numpy
        self.make_graph = make_graph
        self.unit = unit
        self.sizes = sizes


def _tensor(th):
    return th.tensor


# ---- call overhead ------------------------------------------------------------------------------


def overhead_numpy(cfg):
    x = np.array(1.5)
    n = cfg["calls"]

    def run():
        r = None
        for _ in range(n):
            r = x * 2
        return r

    return run


def overhead_graph(th, cfg, mode):
    T = _tensor(th)
    xs = T.dscalar("x")
    f = th.function([xs], xs * 2, mode=mode)
    x = np.array(1.5)
    n = cfg["calls"]

    def run():
        r = None
        for _ in range(n):
            r = f(x)
        return r

    return run


# ---- the seed "trivial training" (4 weights) ------------------------------------------------------


def seed_training_numpy(cfg):
    steps = cfg["steps_seed"]
    x = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)
    target = np.float32(100.0)

    def run():
        W = np.array([0.1, 0.25, 0.15, 0.3])
        y = None
        for _ in range(steps):
            y = np.dot(x, W)
            g = -2.0 * (target - y) * x
            W -= 0.1 * g
        return y, W

    return run


def seed_training_graph(th, cfg, mode):
    T = _tensor(th)
    steps = cfg["steps_seed"]
    x = T.fvector("x")
    target = T.fscalar("target")
    W = th.shared(np.array([0.1, 0.25, 0.15, 0.3]), "W")
    y = (x * W).sum()
    cost = T.sqr(target - y)
    (gw,) = T.grad(cost, [W])
    f = th.function([x, target], y, updates=[(W, W - 0.1 * gw)], mode=mode)
    xv = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)
    tv = np.float32(100.0)

    def run():
        W.set_value(np.array([0.1, 0.25, 0.15, 0.3]))
        y = None
        for _ in range(steps):
            y = f(xv, tv)
        return y, W.get_value()

    return run


# ---- logistic regression (the tutorial's, N=400, 784 features) --------------------------------


def _logreg_data(n, feats):
    # The tutorial's data, with features scaled by 1/sqrt(feats): unscaled, the sigmoid saturates
    # to exactly 0/1 and the cross-entropy becomes inf/nan, which no value check can compare.
    rng = np.random.RandomState(42)
    X = rng.randn(n, feats) / np.sqrt(feats)
    return X, rng.randint(size=n, low=0, high=2).astype(np.float64), rng.randn(feats)


def logreg_numpy_factory(n, feats, steps_key):
    def make(cfg):
        X, Y, w0 = _logreg_data(n, feats)
        steps = cfg[steps_key]

        def run():
            w = w0.copy()
            b = 0.0
            pred = xent = None
            for _ in range(steps):
                z = X @ w
                z += b
                p = 1.0 / (1.0 + np.exp(-z))
                pred = p > 0.5
                xent = -Y * np.log(p) - (1 - Y) * np.log(1 - p)
                d = (p - Y) / n                 # d cost / d z
                gw = X.T @ d + 0.02 * w
                gb = d.sum()
                w -= 0.1 * gw
                b -= 0.1 * gb
            return pred, xent, w

        return run

    return make


def logreg_graph_factory(n, feats, steps_key):
    def make(th, cfg, mode):
        T = _tensor(th)
        X, Y, w0 = _logreg_data(n, feats)
        steps = cfg[steps_key]
        x = T.dmatrix("x")
        y = T.dvector("y")
        w = th.shared(w0.copy(), name="w")
        b = th.shared(0.0, name="b")
        p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
        prediction = p_1 > 0.5
        xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
        cost = xent.mean() + 0.01 * (w ** 2).sum()
        gw, gb = T.grad(cost, [w, b])
        train = th.function([x, y], [prediction, xent],
                            updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)], mode=mode)

        def run():
            w.set_value(w0.copy())
            b.set_value(0.0)
            pred = err = None
            for _ in range(steps):
                pred, err = train(X, Y)
            return pred, err, w.get_value()

        return run

    return make


# ---- elementwise chain ------------------------------------------------------------------------------


def chain_numpy_factory(n):
    def make(cfg):
        rng = np.random.RandomState(0)
        x, y = rng.randn(n), rng.randn(n)

        def run():
            return np.exp(-x ** 2) * np.sin(y) + np.log1p(np.abs(x * y)) / (1 + y ** 2)

        return run

    return make


def chain_graph_factory(n):
    def make(th, cfg, mode):
        T = _tensor(th)
        rng = np.random.RandomState(0)
        xv, yv = rng.randn(n), rng.randn(n)
        x, y = T.dvector("x"), T.dvector("y")
        out = T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2)
        f = th.function([x, y], out, mode=mode)

        def run():
            return f(xv, yv)

        return run

    return make


# ---- MLP 784-512-512-10, float32, one training step on a batch of 256 ------------------------------

MLP_SIZES = (784, 512, 512, 10)
BATCH = 256
LR = np.float32(0.01)


def _mlp_data():
    rng = np.random.RandomState(1)
    X = rng.rand(BATCH, MLP_SIZES[0]).astype(np.float32)
    labels = rng.randint(0, MLP_SIZES[-1], BATCH)
    Y = np.zeros((BATCH, MLP_SIZES[-1]), dtype=np.float32)
    Y[np.arange(BATCH), labels] = 1
    params = []
    for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        params.append((rng.randn(a, b) * np.sqrt(2.0 / a)).astype(np.float32))
        params.append(np.zeros(b, dtype=np.float32))
    return X, Y, params


def mlp_numpy(cfg):
    X, Y, p0 = _mlp_data()

    def run():
        W1, b1, W2, b2, W3, b3 = [p.copy() for p in p0]
        cost = None
        for _ in range(cfg.get("mlp_steps", 1)):
            h1 = X @ W1
            h1 += b1
            np.maximum(h1, 0, out=h1)
            h2 = h1 @ W2
            h2 += b2
            np.maximum(h2, 0, out=h2)
            z = h2 @ W3
            z += b3
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            cost = -np.mean(np.sum(Y * np.log(p), axis=1))
            dz = (p - Y) / np.float32(BATCH)
            dW3 = h2.T @ dz
            db3 = dz.sum(axis=0)
            dh2 = dz @ W3.T
            dh2 *= h2 > 0
            dW2 = h1.T @ dh2
            db2 = dh2.sum(axis=0)
            dh1 = dh2 @ W2.T
            dh1 *= h1 > 0
            dW1 = X.T @ dh1
            db1 = dh1.sum(axis=0)
            for prm, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
                prm -= LR * g
        return cost, W1

    return run


def mlp_graph(th, cfg, mode):
    T = _tensor(th)
    X, Y, p0 = _mlp_data()
    x = T.fmatrix("x")
    y = T.fmatrix("y")
    params = [th.shared(p.copy()) for p in p0]
    W1, b1, W2, b2, W3, b3 = params
    h1 = T.maximum(T.dot(x, W1) + b1, 0)
    h2 = T.maximum(T.dot(h1, W2) + b2, 0)
    p = T.nnet.softmax(T.dot(h2, W3) + b3)
    cost = -T.mean(T.sum(y * T.log(p), axis=1))
    grads = T.grad(cost, params)
    f = th.function([x, y], cost, updates=[(q, q - LR * g) for q, g in zip(params, grads)],
                    mode=mode)

    def run():
        for q, v in zip(params, p0):
            q.set_value(v.copy(), borrow=True)     # one copy, as the NumPy column makes
        cost_v = None
        for _ in range(cfg.get("mlp_steps", 1)):
            cost_v = f(X, Y)
        return cost_v, params[0].get_value()

    return run


# ---- minibatch softmax regression (Theano's logistic_sgd tutorial: givens slices) ---------------

SGD_N, SGD_D, SGD_K, SGD_B = 6000, 784, 10, 20


def _sgd_data():
    rng = np.random.RandomState(2)
    # features in [0, 0.1): a stable descent (with [0, 1) the steps overshoot and the weights
    # follow the rounding of each implementation)
    return rng.rand(SGD_N, SGD_D) * 0.1, rng.randint(0, SGD_K, SGD_N)


def sgd_numpy(cfg):
    X, Y = _sgd_data()
    batches = SGD_N // SGD_B

    def run():
        W, b = np.zeros((SGD_D, SGD_K)), np.zeros(SGD_K)
        rows = np.arange(SGD_B)
        cost = None
        for i in range(batches):
            xb, yb = X[i * SGD_B:(i + 1) * SGD_B], Y[i * SGD_B:(i + 1) * SGD_B]
            z = xb @ W + b
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            cost = -np.mean(np.log(p[rows, yb]))
            d = p
            d[rows, yb] -= 1
            d /= SGD_B
            W -= 0.13 * (xb.T @ d)
            b -= 0.13 * d.sum(axis=0)
        return cost, W

    return run


def sgd_graph(th, cfg, mode):
    T = _tensor(th)
    X, Y = _sgd_data()
    batches = SGD_N // SGD_B
    data_x = th.shared(X)
    data_y = T.cast(th.shared(Y.astype("float64")), "int32")
    index, x, y = T.lscalar("index"), T.dmatrix("x"), T.ivector("y")
    W = th.shared(np.zeros((SGD_D, SGD_K)))
    b = th.shared(np.zeros(SGD_K))
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    f = th.function([index], cost, updates=[(W, W - 0.13 * gW), (b, b - 0.13 * gb)], mode=mode,
                    givens={x: data_x[index * SGD_B:(index + 1) * SGD_B],
                            y: data_y[index * SGD_B:(index + 1) * SGD_B]})

    def run():
        W.set_value(np.zeros((SGD_D, SGD_K)))
        b.set_value(np.zeros(SGD_K))
        c = None
        for i in range(batches):
            c = f(i)
        return c, W.get_value()

    return run


# ---- scans with small products per step, and one large product ----------------------------------
# (the rows where BLAS threads matter: run them unpinned, `--no-pin`, too)


def _rnn_data(steps, batch, n_in, n_hid):
    rng = np.random.RandomState(0)
    return (rng.randn(steps, batch, n_in), rng.randn(batch, n_hid) * 0.1,
            rng.randn(n_in, n_hid) * 0.1, rng.randn(n_hid, n_hid) * 0.1, rng.randn(n_hid) * 0.1)


def rnn_numpy_factory(steps, batch, n_in, n_hid):
    def make(cfg):
        x, h0, Wx, Wh, b = _rnn_data(steps, batch, n_in, n_hid)

        def run():
            hs = np.empty((steps, batch, n_hid))
            h = h0
            for t in range(steps):
                h = np.tanh(x[t] @ Wx + h @ Wh + b)
                hs[t] = h
            cost = 0.5 * float((hs ** 2).sum())
            gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
            dh_next = np.zeros_like(h0)
            for t in range(steps - 1, -1, -1):
                da = (hs[t] + dh_next) * (1.0 - hs[t] ** 2)
                h_prev = hs[t - 1] if t > 0 else h0
                gWx += x[t].T @ da
                gWh += h_prev.T @ da
                gb += da.sum(axis=0)
                dh_next = da @ Wh.T
            return cost, gWx, gWh, gb, dh_next

        return run

    return make


def rnn_graph_factory(steps, batch, n_in, n_hid):
    def make(th, cfg, mode):
        T = _tensor(th)
        vals = _rnn_data(steps, batch, n_in, n_hid)
        x, h0, Wx, Wh, b = T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("Wx"), T.dmatrix("Wh"), \
            T.dvector("b")
        hs, _ = th.scan(lambda xt, h, Wx, Wh, b: T.tanh(T.dot(xt, Wx) + T.dot(h, Wh) + b),
                        sequences=x, outputs_info=h0, non_sequences=[Wx, Wh, b])
        cost = 0.5 * (hs ** 2).sum()
        f = th.function([x, h0, Wx, Wh, b], [cost] + th.grad(cost, [Wx, Wh, b, h0]), mode=mode)

        def run():
            return f(*vals)

        return run

    return make


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_numpy_factory(steps, batch, d):
    def make(cfg):
        x, h0, Wx, Wh, b = _lstm_data(steps, batch, d)

        def run():
            hs, cs, gates = [], [], []
            h, c = h0, np.zeros_like(h0)
            for t in range(steps):
                z = x[t] @ Wx + h @ Wh + b
                i, f, o = _sigmoid(z[:, :d]), _sigmoid(z[:, d:2 * d]), _sigmoid(z[:, 2 * d:3 * d])
                g = np.tanh(z[:, 3 * d:])
                c_prev, c = c, f * c + i * g
                h = o * np.tanh(c)
                hs.append(h)
                cs.append((c_prev, c))
                gates.append((i, f, o, g))
            cost = 0.5 * sum(float((h_ ** 2).sum()) for h_ in hs)
            gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
            dh_next, dc_next = np.zeros_like(h0), np.zeros_like(h0)
            dz = np.empty((batch, 4 * d))
            for t in range(steps - 1, -1, -1):
                i, f, o, g = gates[t]
                c_prev, c = cs[t]
                tc = np.tanh(c)
                dh = hs[t] + dh_next
                dc = dh * o * (1.0 - tc ** 2) + dc_next
                dz[:, :d] = dc * g * i * (1.0 - i)
                dz[:, d:2 * d] = dc * c_prev * f * (1.0 - f)
                dz[:, 2 * d:3 * d] = dh * tc * o * (1.0 - o)
                dz[:, 3 * d:] = dc * i * (1.0 - g ** 2)
                h_prev = hs[t - 1] if t > 0 else h0
                gWx += x[t].T @ dz
                gWh += h_prev.T @ dz
                gb += dz.sum(axis=0)
                dh_next = dz @ Wh.T
                dc_next = dc * f
            return cost, gWx, gWh, gb

        return run

    return make


def _lstm_data(steps, batch, d):
    rng = np.random.RandomState(1)
    return (rng.randn(steps, batch, d), rng.randn(batch, d) * 0.1, rng.randn(d, 4 * d) * 0.1,
            rng.randn(d, 4 * d) * 0.1, rng.randn(4 * d) * 0.1)


def lstm_graph_factory(steps, batch, d):
    def make(th, cfg, mode):
        T = _tensor(th)
        vals = _lstm_data(steps, batch, d)
        x, h0, Wx, Wh, b = T.dtensor3("x"), T.dmatrix("h0"), T.dmatrix("Wx"), T.dmatrix("Wh"), \
            T.dvector("b")
        sig = T.nnet.sigmoid

        def step(xt, h, c, Wx, Wh, b):
            z = T.dot(xt, Wx) + T.dot(h, Wh) + b
            i, f, o = sig(z[:, :d]), sig(z[:, d:2 * d]), sig(z[:, 2 * d:3 * d])
            g = T.tanh(z[:, 3 * d:])
            c_new = f * c + i * g
            return o * T.tanh(c_new), c_new

        (hs, cs), _ = th.scan(step, sequences=x, outputs_info=[h0, T.zeros_like(h0)],
                              non_sequences=[Wx, Wh, b])
        cost = 0.5 * (hs ** 2).sum()
        f = th.function([x, h0, Wx, Wh, b], [cost] + th.grad(cost, [Wx, Wh, b]), mode=mode)

        def run():
            return f(*vals)

        return run

    return make


def gemm_numpy_factory(n):
    def make(cfg):
        rng = np.random.RandomState(2)
        a, b, c = rng.randn(n, n), rng.randn(n, n), rng.randn(n, n)

        def run():
            return c * 0.5 + 2.0 * (a @ b)

        return run

    return make


def gemm_graph_factory(n):
    def make(th, cfg, mode):
        T = _tensor(th)
        rng = np.random.RandomState(2)
        vals = rng.randn(n, n), rng.randn(n, n), rng.randn(n, n)
        a, b, c = T.dmatrix("a"), T.dmatrix("b"), T.dmatrix("c")
        f = th.function([a, b, c], c * 0.5 + 2.0 * T.dot(a, b), mode=mode)

        def run():
            return f(*vals)

        return run

    return make


# ---- scan_poly: a tiny scan, per call (the polynomial terms of the scan tutorial) ------------------


def _poly_data():
    return (np.int32(10), np.array([2, 3, 4, 6, 5], dtype=np.int32), np.arange(5, dtype=np.int32))


def scan_poly_numpy(cfg):
    x, coefs, powers = _poly_data()
    n = cfg["calls"] // 10

    def run():
        r = None
        for _ in range(n):
            r = coefs * x ** powers
        return r

    return run


def scan_poly_graph(th, cfg, mode):
    T = _tensor(th)
    x, coefs, powers = T.iscalar("x"), T.ivector("coefs"), T.ivector("powers")
    terms, _ = th.scan(lambda c, p, x: c * x ** p, sequences=[coefs, powers], non_sequences=x)
    f = th.function([x, coefs, powers], terms, mode=mode)
    vals = _poly_data()
    n = cfg["calls"] // 10

    def run():
        r = None
        for _ in range(n):
            r = f(*vals)
        return r

    return run


def all_workloads(quick):
    wl = [
        Workload("call overhead f(x)=x*2, scalar (per call)", 2.0, overhead_numpy, overhead_graph,
                 unit="call"),
        Workload("seed 4-weight training", 1.2, seed_training_numpy, seed_training_graph),
        Workload("logistic regression N=400 x 784", 0.9,
                 logreg_numpy_factory(400, 784, "steps_logreg"),
                 logreg_graph_factory(400, 784, "steps_logreg")),
        Workload("seed logistic regression N=10 x 3", None,
                 logreg_numpy_factory(10, 3, "steps_small"),
                 logreg_graph_factory(10, 3, "steps_small")),
        Workload("elemwise chain 1e6", 0.5, chain_numpy_factory(10 ** 6), chain_graph_factory(10 ** 6)),
        Workload("MLP 784-512-512-10 f32 step b=256", 0.9, mlp_numpy, mlp_graph),
        Workload("minibatch softmax SGD b=20 784->10 (givens)", None, sgd_numpy, sgd_graph),
        Workload("scan RNN 100 steps b=16 h=64 fwd+grad", None,
                 rnn_numpy_factory(100, 16, 32, 64), rnn_graph_factory(100, 16, 32, 64),
                 threads=True),
        Workload("scan LSTM d=128 b=16 50 steps fwd+grad", None,
                 lstm_numpy_factory(50, 16, 128), lstm_graph_factory(50, 16, 128), threads=True),
        Workload("gemm 1000x1000 float64", None, gemm_numpy_factory(1000), gemm_graph_factory(1000),
                 threads=True),
        Workload("scan_poly: tiny scan, 5 terms (per call)", 2.0, scan_poly_numpy, scan_poly_graph,
                 unit="call10"),
    ]
    if not quick:
        wl.insert(5, Workload("elemwise chain 1e7", 0.4, chain_numpy_factory(10 ** 7),
                              chain_graph_factory(10 ** 7)))
    return wl


def results_close(a, b):
    """Whether two workload results agree (same structure, values within float32 tolerance)."""
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(results_close(p, q) for p, q in zip(a, b))
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype == bool or b.dtype == bool:
        return np.mean(a != b) < 0.01
    return np.allclose(a, b, rtol=2e-3, atol=2e-4, equal_nan=True)
