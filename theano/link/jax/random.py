"""Random draws on the JAX backend: each random op becomes ``jax.random`` code inside the jitted
graph.

The state of a random stream stays what it is on every backend: a shared variable holding a
``numpy.random.Generator`` (``MRG_RandomStreams``) or ``RandomState`` (``RandomStreams``), so one
stream can be used by Numba, reference-VM and JAX functions alike. At the edge of a JAX function:

- each random-state input becomes a ``jax.random`` key (threefry, its two uint32 words) drawn from a
  *copy* of the state, so the same state always gives the same key (reproducible with a seed);
- inside the graph a random op splits its key: one half draws the sample, the other is the op's
  new-state output, so chained draws use independent keys;
- each random-state output (the streams' updates) comes back as a new generator of the input's
  kind seeded from the final key, which the function writes back into the shared variable.

The numbers differ from the NumPy generator's (the distributions are the same). A random op with no
``jax.random`` form (or a Scan carrying a generator) runs on the host with a generator made from its
key, the graph then running op by op.
"""

import numpy as np

from theano.link.jax.dispatch import NotJittable, jax_funcify, perform_on_host, runtime_check
from theano.tensor.random import basic as rb
from theano.tensor.random.type import (RandomGeneratorType, RandomStateType, copy_rng,
                                       is_random_type)

KEY_IMPL = "threefry2x32"


# -- the edge of a function: generator states <-> keys --------------------------------------------


def key_from_state(state):
    """The key (two uint32 words) of a generator state, drawn from a copy of it."""
    if isinstance(state, np.random.Generator):
        return copy_rng(state).integers(0, 2 ** 32, size=2, dtype=np.uint32)
    if isinstance(state, np.random.RandomState):
        return copy_rng(state).randint(0, 2 ** 32, size=2, dtype=np.uint32)
    raise TypeError(f"a random state must be a numpy Generator or RandomState, got "
                    f"{type(state).__name__}")


def state_from_key(key, rtype):
    """A new generator of the kind ``rtype`` (a random state type) seeded from ``key``."""
    words = np.asarray(key, dtype=np.uint32).reshape(-1)
    if isinstance(rtype, RandomStateType):
        return np.random.RandomState(words)
    if isinstance(rtype, RandomGeneratorType):
        return np.random.Generator(np.random.PCG64(words))
    raise TypeError(f"not a random state type: {rtype}")


def is_key(value):
    """Whether ``value`` is a key (as opposed to a NumPy generator state)."""
    return not isinstance(value, (np.random.Generator, np.random.RandomState))


def takes_state(node):
    return any(is_random_type(v.type) for v in node.inputs + node.outputs)


def host_with_states(node):
    """``node`` through its ``perform`` on the host, its generator-state inputs made from keys and
    its generator-state outputs turned back into keys (for ops with no ``jax.random`` form and a
    Scan that carries a generator)."""
    host = perform_on_host(node.op, node)
    in_types = [v.type if is_random_type(v.type) else None for v in node.inputs]
    out_rand = [is_random_type(v.type) for v in node.outputs]
    single = len(node.outputs) == 1

    def run(*args):
        args = [state_from_key(np.asarray(a), t) if t is not None and is_key(a) else a
                for a, t in zip(args, in_types)]
        res = host(*args)
        res = [res] if single else list(res)
        res = [key_from_state(r) if rnd else r for r, rnd in zip(res, out_rand)]
        return res[0] if single else tuple(res)

    run.on_host = True
    return run


# -- the draws -------------------------------------------------------------------------------------


def _split(key):
    import jax
    import jax.numpy as jnp

    k = jax.random.wrap_key_data(jnp.asarray(key, dtype=jnp.uint32), impl=KEY_IMPL)
    nxt, draw = jax.random.split(k)
    return jax.random.key_data(nxt), draw


def _static_size(size):
    """``size`` as a tuple of ints (it must be known when tracing), None when empty."""
    size = np.asarray(size)
    if size.size == 0:
        return None
    out = tuple(int(s) for s in size.reshape(-1))
    if any(s < 0 for s in out):
        raise ValueError(f"size must not have negative entries, got {out}")
    return out


def _batch_shape(op, size, params):
    """The shape of the batch of draws: ``size``, or the broadcast of the parameters' batch
    shapes."""
    shp = _static_size(size)
    if shp is not None:
        return shp
    shapes = [tuple(np.shape(p))[:np.ndim(p) - core] for p, core in zip(params, op.ndims_params)]
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()


def _register(cls):
    def deco(draw):
        @jax_funcify.register(cls)
        def _impl(op, node):
            dtype = node.outputs[1].dtype

            def random_op(key, size, *params):
                new_key, k = _split(key)
                return new_key, draw(op, k, size, params).astype(dtype)

            return random_op

        return draw

    return deco


def _float(op):
    import jax.numpy as jnp

    return jnp.dtype(op.dtype) if op.dtype.startswith("float") else jnp.float64


@_register(rb.UniformRV)
def _uniform(op, k, size, params):
    import jax

    low, high = params
    shape = _batch_shape(op, size, params)
    return jax.random.uniform(k, shape, _float(op), minval=low, maxval=high)


@_register(rb.NormalRV)
def _normal(op, k, size, params):
    import jax
    import jax.numpy as jnp

    avg, std = params
    runtime_check(jnp.any(jnp.asarray(std) < 0), jnp.min(jnp.asarray(std)), ValueError,
                  "{op}: std must be non-negative, got {value}", op=str(op))
    shape = _batch_shape(op, size, params)
    return avg + std * jax.random.normal(k, shape, _float(op))


@_register(rb.TruncatedNormalRV)
def _truncated_normal(op, k, size, params):
    import jax

    avg, std = params
    shape = _batch_shape(op, size, params)
    return avg + std * jax.random.truncated_normal(k, -2.0, 2.0, shape, _float(op))


@_register(rb.BinomialRV)
def _binomial(op, k, size, params):
    import jax
    import jax.numpy as jnp

    n, p = params
    shape = _batch_shape(op, size, params)
    runtime_check(jnp.any((jnp.asarray(p) < 0) | (jnp.asarray(p) > 1)), jnp.max(jnp.asarray(p)),
                  ValueError, "{op}: p must be in [0, 1], got {value}", op=str(op))
    if isinstance(n, np.ndarray) and n.size == 1 and int(n) == 1:
        return jax.random.bernoulli(k, p, shape)        # n=1 (dropout masks): one comparison
    few = _few_trials(n)
    if few is not None:
        # a few trials known when tracing: the sum of that many Bernoulli draws (cheap to compile)
        hits = jax.random.uniform(k, (few,) + tuple(shape), jnp.float64) < jnp.asarray(p)
        live = jnp.arange(few).reshape((few,) + (1,) * len(shape)) < jnp.asarray(n)
        return jnp.sum(hits & live, axis=0)
    return jnp.round(jax.random.binomial(k, jnp.asarray(n, jnp.float64), p, shape))


_FEW = 64


def _few_trials(n):
    """The largest number of trials when it is known when tracing and at most _FEW, else None."""
    if isinstance(n, (np.ndarray, np.generic, int)) and np.size(n):
        top = int(np.max(n))
        if 0 <= top <= _FEW and int(np.min(n)) >= 0:
            return top
    return None


@_register(rb.RandomIntegersRV)
def _random_integers(op, k, size, params):
    import jax
    import jax.numpy as jnp

    low, high = params
    shape = _batch_shape(op, size, params)
    low = jnp.asarray(low, jnp.int64)
    return jax.random.randint(k, shape, low, jnp.asarray(high, jnp.int64) + 1, jnp.int64)


@_register(rb.PoissonRV)
def _poisson(op, k, size, params):
    import jax
    import jax.numpy as jnp

    (lam,) = params
    shape = _batch_shape(op, size, params)
    return jax.random.poisson(k, lam, shape, jnp.int64)


@_register(rb.PermutationRV)
def _permutation(op, k, size, params):
    import jax
    import jax.numpy as jnp

    n = int(np.asarray(params[0]))         # the length must be known when tracing
    batch = _static_size(size) or ()
    rows = jnp.broadcast_to(jnp.arange(n, dtype=jnp.int64), tuple(batch) + (n,))
    return jax.random.permutation(k, rows, axis=-1, independent=True)


def _normalized(p):
    import jax.numpy as jnp

    p = jnp.asarray(p, jnp.float64)
    return p / jnp.sum(p, axis=-1, keepdims=True)


@_register(rb.MultinomialRV)
def _multinomial(op, k, size, params):
    import jax
    import jax.numpy as jnp

    n, pvals = params
    n_cat = np.shape(pvals)[-1]
    batch = tuple(_batch_shape(op, size, params))
    p = jnp.broadcast_to(_normalized(pvals), batch + (n_cat,))
    few = _few_trials(n)
    if few is not None:
        # a few trials known when tracing: count that many categorical draws (cheap to compile)
        cats = jax.random.categorical(k, jnp.log(p), axis=-1, shape=(few,) + batch)
        live = jnp.arange(few).reshape((few,) + (1,) * len(batch)) < jnp.asarray(n)
        onehot = (cats[..., None] == jnp.arange(n_cat)) & live[..., None]
        return jnp.sum(onehot, axis=0)
    n = jnp.broadcast_to(jnp.asarray(n, jnp.float64), batch)
    return jax.random.multinomial(k, n, p, shape=batch + (n_cat,))


@_register(rb.ChoiceRV)
def _choice(op, k, size, params):
    import jax

    a, p = params
    shape = _static_size(size) or ()
    if np.ndim(a) == 0:
        a = int(np.asarray(a))             # range(a): a must be known when tracing
        n = a
    else:
        n = np.shape(a)[0]
    count = int(np.prod(shape, dtype=np.int64))
    if not op.replace and count > n:
        raise ValueError(f"{op}: cannot take {count} samples out of {n} without replacement")
    p = None if np.size(p) == 0 else _normalized(p)
    return jax.random.choice(k, a, shape, replace=op.replace, p=p)


@jax_funcify.register(rb.RowChoiceRV)
def _jax_row_choice(op, node):
    import jax

    def row_choice(key, pvals, n_draws):
        n_draws = int(np.asarray(n_draws))   # must be known when tracing
        rows, n_cat = np.shape(pvals)
        if not op.replace and n_draws > n_cat:
            raise ValueError(f"{op}: cannot draw {n_draws} distinct values out of {n_cat} "
                             "without replacement")
        new_key, k = _split(key)
        keys = jax.random.split(k, rows)
        out = jax.vmap(lambda kk, pp: jax.random.choice(kk, n_cat, (n_draws,), op.replace, pp))(
            keys, _normalized(pvals))
        return new_key, out.astype(op.dtype)

    return row_choice


def _register_fallback_guard():
    # a random op subclass without a jax.random form: on the host (see host_with_states)
    from theano.tensor.random.op import RandomOpBase

    @jax_funcify.register(RandomOpBase)
    def _jax_random_other(op, node):
        raise NotJittable(f"{op} has no jax.random form")


_register_fallback_guard()


__all__ = ["key_from_state", "state_from_key", "host_with_states", "takes_state", "is_key"]
