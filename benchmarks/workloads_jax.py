"""Hand-written JAX versions of the benchmark workloads (the 'jax' column of run.py).

Each is what a careful JAX user writes: one ``jax.jit`` function per step (``lax.scan`` for the
loops, ``jax.grad`` for the gradients), state kept as JAX arrays between steps, and the results a
Theano function would return fetched as NumPy arrays (``np.asarray``) after each call, since
``theano.function`` returns NumPy arrays. float64 workloads run inside ``jax.enable_x64(True)``,
as the project's JAX backend does for graphs with 64-bit dtypes.

``make_jax(name, cfg)`` returns ``run()`` for the workload named ``name`` (see
workloads.all_workloads), or None when there is no hand-written version.
"""

import numpy as np

import workloads as W


def _x64():
    import jax

    return jax.enable_x64(True)


def _jit(fn, **kw):
    import jax

    return jax.jit(fn, **kw)


def overhead(cfg):
    f = _jit(lambda x: x * 2)
    x = np.array(1.5)
    n = cfg["calls"]

    def run():
        r = None
        with _x64():
            for _ in range(n):
                r = np.asarray(f(x))
        return r

    return run


def seed_training(cfg):
    import jax.numpy as jnp

    steps = cfg["steps_seed"]

    @_jit
    def step(W, x, target):
        y = jnp.sum(x * W)
        gw = -2.0 * (target - y) * x
        return y, W - 0.1 * gw

    xv = np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)
    tv = np.float32(100.0)

    def run():
        with _x64():
            W_ = jnp.asarray(np.array([0.1, 0.25, 0.15, 0.3]))
            y = None
            for _ in range(steps):
                y, W_ = step(W_, xv, tv)
                y = np.asarray(y)
            return y, np.asarray(W_)

    return run


def logreg_factory(n, feats, steps_key):
    def make(cfg):
        import jax
        import jax.numpy as jnp

        X, Y, w0 = W._logreg_data(n, feats)
        steps = cfg[steps_key]

        def cost_fn(w, b, x, y):
            p = 1 / (1 + jnp.exp(-(x @ w) - b))
            xent = -y * jnp.log(p) - (1 - y) * jnp.log(1 - p)
            return xent.mean() + 0.01 * (w ** 2).sum(), (p > 0.5, xent)

        @_jit
        def step(w, b, x, y):
            (_, (pred, xent)), (gw, gb) = jax.value_and_grad(cost_fn, argnums=(0, 1),
                                                             has_aux=True)(w, b, x, y)
            return pred, xent, w - 0.1 * gw, b - 0.1 * gb

        def run():
            with _x64():
                w, b = jnp.asarray(w0), jnp.asarray(0.0)
                pred = xent = None
                for _ in range(steps):
                    pred, xent, w, b = step(w, b, X, Y)
                    pred, xent = np.asarray(pred), np.asarray(xent)
                return pred, xent, np.asarray(w)

        return run

    return make


def chain_factory(n):
    def make(cfg):
        import jax.numpy as jnp

        rng = np.random.RandomState(0)
        x, y = rng.randn(n), rng.randn(n)
        f = _jit(lambda x, y: jnp.exp(-x ** 2) * jnp.sin(y) + jnp.log1p(jnp.abs(x * y)) /
                 (1 + y ** 2))

        def run():
            with _x64():
                return np.asarray(f(x, y))

        return run

    return make


def mlp(cfg):
    import jax
    import jax.numpy as jnp

    X, Y, p0 = W._mlp_data()

    def cost_fn(params, x, y):
        W1, b1, W2, b2, W3, b3 = params
        h1 = jnp.maximum(x @ W1 + b1, 0)
        h2 = jnp.maximum(h1 @ W2 + b2, 0)
        p = jax.nn.softmax(h2 @ W3 + b3, axis=-1)
        return -jnp.mean(jnp.sum(y * jnp.log(p), axis=1))

    @_jit
    def step(params, x, y):
        cost, grads = jax.value_and_grad(cost_fn)(params, x, y)
        return cost, [q - W.LR * g for q, g in zip(params, grads)]

    def run():
        params = [jnp.asarray(p) for p in p0]
        cost = None
        for _ in range(cfg.get("mlp_steps", 1)):
            cost, params = step(params, X, Y)
            cost = np.asarray(cost)
        return cost, np.asarray(params[0])

    return run


def rnn_factory(steps, batch, n_in, n_hid):
    def make(cfg):
        import jax
        import jax.numpy as jnp
        from jax import lax

        vals = W._rnn_data(steps, batch, n_in, n_hid)

        def cost_fn(Wx, Wh, b, h0, x):
            def step(h, xt):
                h = jnp.tanh(xt @ Wx + h @ Wh + b)
                return h, h

            _, hs = lax.scan(step, h0, x)
            return 0.5 * (hs ** 2).sum()

        @_jit
        def f(x, h0, Wx, Wh, b):
            cost, grads = jax.value_and_grad(cost_fn, argnums=(0, 1, 2, 3))(Wx, Wh, b, h0, x)
            return (cost,) + tuple(grads)

        def run():
            with _x64():
                return [np.asarray(o) for o in f(*vals)]

        return run

    return make


def lstm_factory(steps, batch, d):
    def make(cfg):
        import jax
        import jax.numpy as jnp
        from jax import lax

        vals = W._lstm_data(steps, batch, d)

        def cost_fn(Wx, Wh, b, h0, x):
            def step(carry, xt):
                h, c = carry
                z = xt @ Wx + h @ Wh + b
                i, f_, o = (jax.nn.sigmoid(z[:, k * d:(k + 1) * d]) for k in range(3))
                g = jnp.tanh(z[:, 3 * d:])
                c = f_ * c + i * g
                h = o * jnp.tanh(c)
                return (h, c), h

            _, hs = lax.scan(step, (h0, jnp.zeros_like(h0)), x)
            return 0.5 * (hs ** 2).sum()

        @_jit
        def f(x, h0, Wx, Wh, b):
            cost, grads = jax.value_and_grad(cost_fn, argnums=(0, 1, 2))(Wx, Wh, b, h0, x)
            return (cost,) + tuple(grads)

        def run():
            with _x64():
                return [np.asarray(o) for o in f(*vals)]

        return run

    return make


def gemm_factory(n):
    def make(cfg):
        rng = np.random.RandomState(2)
        vals = rng.randn(n, n), rng.randn(n, n), rng.randn(n, n)
        f = _jit(lambda a, b, c: c * 0.5 + 2.0 * (a @ b))

        def run():
            with _x64():
                return np.asarray(f(*vals))

        return run

    return make


def scan_poly(cfg):
    x, coefs, powers = W._poly_data()
    f = _jit(lambda x, c, p: c * x ** p)
    n = cfg["calls"] // 10

    def run():
        r = None
        for _ in range(n):
            r = np.asarray(f(x, coefs, powers))
        return r

    return run


def sgd(cfg):
    import jax
    import jax.numpy as jnp

    X, Y = W._sgd_data()
    B = W.SGD_B
    batches = W.SGD_N // B

    def cost_fn(Wm, b, xb, yb):
        logp = jax.nn.log_softmax(xb @ Wm + b, axis=1)
        return -jnp.mean(logp[jnp.arange(B), yb])

    @_jit
    def step(Wm, b, X, Y, i):
        xb = jax.lax.dynamic_slice_in_dim(X, i * B, B)
        yb = jax.lax.dynamic_slice_in_dim(Y, i * B, B)
        c, (gW, gb) = jax.value_and_grad(cost_fn, argnums=(0, 1))(Wm, b, xb, yb)
        return c, Wm - 0.13 * gW, b - 0.13 * gb

    def run():
        with _x64():
            Xd, Yd = jnp.asarray(X), jnp.asarray(Y.astype(np.int32))
            Wm, b = jnp.zeros((W.SGD_D, W.SGD_K)), jnp.zeros(W.SGD_K)
            c = None
            for i in range(batches):
                c, Wm, b = step(Wm, b, Xd, Yd, i)
                c = np.asarray(c)
            return c, np.asarray(Wm)

    return run


_BY_PREFIX = [
    ("call overhead", overhead),
    ("seed 4-weight training", seed_training),
    ("logistic regression N=400 x 784", logreg_factory(400, 784, "steps_logreg")),
    ("seed logistic regression N=10 x 3", logreg_factory(10, 3, "steps_small")),
    ("elemwise chain 1e6", chain_factory(10 ** 6)),
    ("elemwise chain 1e7", chain_factory(10 ** 7)),
    ("MLP 784-512-512-10", mlp),
    ("minibatch softmax SGD", sgd),
    ("scan RNN 100 steps", rnn_factory(100, 16, 32, 64)),
    ("scan LSTM d=128", lstm_factory(50, 16, 128)),
    ("gemm 1000x1000", gemm_factory(1000)),
    ("scan_poly", scan_poly),
]


def make_jax(name, cfg):
    for prefix, make in _BY_PREFIX:
        if name.startswith(prefix):
            return make(cfg)
    return None

