"""JAX forms of the MRG31k3p ops of ``MRG_RandomStreams`` (``theano/tensor/random/mrg.py``).

``mrg_uniform`` runs inside the jitted graph and gives the same numbers, bit for bit, as on the
other backends: its state is the same int32 matrix, so a stream can move between backends. The
arithmetic is exact in uint32 (JAX has no int64 without x64): with ``2**31 = 1 (mod m1)`` and
``2**31 = 21069 (mod m2)``, a product by a power of two splits into two parts below 2**31, and a
sum of two reduced numbers stays below 2**32 before its reduction.

``MultinomialFromUniform`` and ``ChoiceFromUniform`` are vectorized over rows; their running sums
are JAX's cumulative sums in the probabilities' dtype, so a uniform that falls within rounding of
a boundary between two outcomes may pick the other one than the sequential float64 sum of the
other backends (a number of draws known only at run time runs them on the host).
"""

import numpy as np

from theano.link.jax.dispatch import NotJittable, jax_funcify
from theano.link.jax.ops_extra import HOST_OPS
from theano.tensor.random.mrg import M1, M2, ChoiceFromUniform, MultinomialFromUniform, mrg_uniform

_F32_NORM = np.float32(4.6566126e-10)

HOST_OPS.update({
    # products of two numbers below 2**31 reduced modulo m need 62 bits: JAX has no int64
    # without x64. It only jumps stream states (Theano's helper), never inside a training graph.
    "DotModulo": "exact 62-bit modular products (jumps MRG stream states)",
    # the per-step values a forward scan recorded are a Python list: the gradient loop that reads
    # them runs on the host (link/jax/control.py runs loops with recorded states there)
    "StackRecorded": "stacks a Python list of the states a scan recorded (MRG draws in a loop)",
})


def _reduce(x, m):
    """x mod m for uint32 x < 2 * m."""
    import jax.numpy as jnp

    return jnp.where(x >= m, x - m, x)


def _times_pow2_mod_m1(x, k):
    """(2**k * x) mod m1 for x < m1 (uint32): x = h * 2**(31-k) + l gives h + l * 2**k."""
    h = x >> (31 - k)
    low = x & ((1 << (31 - k)) - 1)
    return _reduce(h + (low << k), M1)


def _times_2p15_mod_m2(x):
    """(2**15 * x) mod m2 for x < m2 (uint32): x = h * 2**16 + l gives 21069 h + l * 2**15."""
    h = x >> 16
    low = x & 0xFFFF
    return _reduce(h * 21069 + (low << 15), M2)


def _step(state):
    """One step of every stream (rows of a uint32 (k, 6) matrix): (new state, z in [1, m1])."""
    import jax.numpy as jnp

    x11, x12, x13, x21, x22, x23 = (state[:, i] for i in range(6))
    m1 = jnp.uint32(M1)
    m2 = jnp.uint32(M2)
    y1 = _reduce(_times_pow2_mod_m1(x12, 22) + _times_pow2_mod_m1(x13, 7), m1)
    y1 = _reduce(y1 + x13, m1)                           # 2**22 x12 + (2**7 + 1) x13
    y2 = _reduce(_times_2p15_mod_m2(x23) + x23, m2)      # (2**15 + 1) x23
    y2 = _reduce(y2 + _times_2p15_mod_m2(x21), m2)       # + 2**15 x21
    new = jnp.stack([y1, x11, x12, y2, x21, x22], axis=1)
    z = jnp.where(y1 <= y2, y1 + (m1 - y2), y1 - y2)
    return new, z


@jax_funcify.register(mrg_uniform)
def _mrg_uniform(op, node):
    dtype = op.output_type.dtype

    def mrg(rstate, size):
        import jax
        import jax.numpy as jnp

        try:
            size = np.asarray(size)
        except Exception as exc:     # a traced size: its value is needed (the graph runs op by op)
            raise NotJittable("mrg_uniform with a size known only at run time") from exc
        shape, n = op.checked_draw(rstate, size)
        state = jnp.asarray(rstate).astype(jnp.uint32)
        k = state.shape[0]
        steps = -(-n // k)
        if steps == 0:
            return rstate, jnp.zeros(shape, dtype=dtype)
        full, rest = divmod(n, k)

        def body(s, _):
            s2, z = _step(s)
            return s2, z

        state_full, zs = jax.lax.scan(body, state, None, length=full) if full else (state, None)
        parts = [zs.reshape(-1)] if full else []
        if rest:
            moved, z_last = _step(state_full)
            keep = (jnp.arange(k) < rest)[:, None]
            state_full = jnp.where(keep, moved, state_full)
            parts.append(z_last[:rest])
        z = jnp.concatenate(parts) if len(parts) > 1 else parts[0]
        if dtype == "float64":
            u = z.astype(jnp.float64) * (2.0 ** -31)
        elif dtype == "float32":
            u = z.astype(jnp.float32) * jnp.float32(_F32_NORM)
        else:
            u = ((z & 0x7FFF) + 1).astype(jnp.float32) * jnp.float32(float(np.float16(3.0458e-05)))
            u = u.astype(jnp.float16)
        return state_full.astype(jnp.int32), u.reshape(shape)

    return mrg


def _draws(op, pvals, unis, n):
    """The number of draws (a Python int while tracing; a traced one makes the graph run op by
    op), checked against the uniforms as the reference ``perform`` does."""
    try:
        draws = int(np.asarray(n))
    except Exception as exc:
        raise NotJittable(f"{op} with a number of draws known only at run time") from exc
    rows = pvals.shape[0]
    if unis.shape[0] != rows * draws:
        raise ValueError(f"{op}: {unis.shape[0]} uniforms for {rows} rows and {draws} draws "
                         "(need rows * draws)")
    return draws


def _first_above(cums, u):
    """Per row, the first column whose running sum exceeds ``u`` (the column count if none)."""
    import jax.numpy as jnp

    above = cums > u[:, None]
    return jnp.where(above.any(axis=1), jnp.argmax(above, axis=1), cums.shape[1])


@jax_funcify.register(MultinomialFromUniform)
def _multinomial_from_uniform(op, node):
    dtype = node.outputs[0].dtype

    def multinomial(pvals, unis, n):
        import jax.numpy as jnp

        draws = _draws(op, pvals, unis, n)
        rows, cats = pvals.shape
        cums = jnp.cumsum(pvals, axis=1)
        u = unis.reshape(draws, rows)                      # draw c of row r: unis[c * rows + r]
        above = cums[None, :, :] > u[:, :, None]           # (draws, rows, cats)
        first = jnp.argmax(above, axis=2)
        hit = above.any(axis=2)
        onehot = (jnp.arange(cats)[None, None, :] == first[:, :, None]) & hit[:, :, None]
        return onehot.sum(axis=0).astype(dtype)

    return multinomial


@jax_funcify.register(ChoiceFromUniform)
def _choice_from_uniform(op, node):
    dtype = node.outputs[0].dtype

    def choice(pvals, unis, n):
        import jax.numpy as jnp

        rows, cats = pvals.shape
        draws = _draws(op, pvals, unis, n)
        if not op.replace and draws > cats:
            raise ValueError(f"{op}: cannot draw {draws} outcomes without replacement out of {cats}")
        p = pvals
        cols = []
        for c in range(draws):
            u = unis[c * rows:(c + 1) * rows]
            m = _first_above(jnp.cumsum(p, axis=1), u)
            cols.append(jnp.where(m < cats, m, -1))
            if not op.replace and c < draws - 1:
                taken = jnp.arange(cats)[None, :] == m[:, None]
                p = jnp.where(taken, 0, p)
                p = p / p.sum(axis=1, keepdims=True)
        return jnp.stack(cols, axis=1).astype(dtype)

    return choice
