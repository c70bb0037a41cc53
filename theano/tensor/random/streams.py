"""Random streams: symbolic random variables with their generator states kept for you.

``RandomStreams`` (``theano.tensor.shared_randomstreams``) and ``MRG_RandomStreams``
(``theano.sandbox.rng_mrg``) make one shared generator state per random variable they create, with
the new state as that shared variable's ``default_update``: every compiled function that uses the
variable advances the state, so each call draws new numbers, unless the function is compiled with
``no_default_updates=True``. ``srng.seed(s)`` reseeds every state; the same seed gives the same draws.

    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    f = theano.function([], rv_u)
    f(); f()            # two different matrices
"""

import numpy as np

from theano.compile.sharedvalue import shared
from theano.configdefaults import config
from theano.graph.basic import Variable
from theano.scalar.basic import upcast
from theano.tensor.basic import as_tensor_variable, cast, constant
from theano.tensor.grad_shaping import undefined_grad
from theano.tensor.joining import join, stack
from theano.tensor.math import cos, log, prod, sin, sqrt
from theano.tensor.random import mrg
from theano.tensor.searching import nonzero
from theano.tensor.reshaping import reshape, shape_i
from theano.tensor.random import basic as rb
from theano.tensor.random.basic import RowChoiceRV
from theano.tensor.random.type import random_state_constructor


class RandomStreamsBase:
    """The drawing methods shared by both kinds of streams; each calls ``self.gen``."""

    def gen(self, op, *args, **kwargs):
        raise NotImplementedError

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform draws in [low, high) of shape ``size`` (or low's and high's broadcast shape).
        dtype defaults to floatX (upcast with the dtypes of low and high)."""
        return self.gen(rb.uniform, size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal draws of mean ``avg`` and standard deviation ``std``; dtype defaults to floatX."""
        return self.gen(rb.normal, size, avg, std, ndim=ndim, dtype=dtype)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
        """Number of successes in ``n`` trials of probability ``p`` (dropout masks: n=1)."""
        if prob is not None:
            p = prob
        return self.gen(rb.binomial, size, n, p, ndim=ndim, dtype=dtype)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers between ``low`` and ``high``, both included."""
        return self.gen(rb.random_integers, size, low, high, ndim=ndim, dtype=dtype)

    def choice(self, size=None, a=2, replace=True, p=None, ndim=None, dtype=None):
        """Draws from ``range(a)`` (``a`` an int) or from the vector ``a``, with probabilities ``p``
        when given; dtype defaults to int64 (``a``'s dtype when ``a`` is a vector)."""
        return self.gen(rb.choice, size, a, replace, p, ndim=ndim, dtype=dtype)

    def poisson(self, size=None, lam=None, ndim=None, dtype="int64"):
        """Poisson draws of mean ``lam``."""
        return self.gen(rb.poisson, size, lam, ndim=ndim, dtype=dtype)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Permutations of ``range(n)``, one per entry of ``size``: shape ``size + (n,)``."""
        return self.gen(rb.permutation, size, n, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
        """Counts of ``n`` draws among ``len(pvals)`` outcomes: shape ``batch + (len(pvals),)``
        where ``batch`` is ``size`` or the broadcast of ``n`` and ``pvals.shape[:-1]``."""
        return self.gen(rb.multinomial, size, n, pvals, ndim=ndim, dtype=dtype)

    def shuffle_row_elements(self, input):
        """``input`` with the elements of each row (its last axis) shuffled."""
        return self.gen(rb.shuffle_row_elements, input)


class _StreamsCore(RandomStreamsBase):
    """State bookkeeping: one shared state per drawn variable, reseedable from one seed."""

    def __init__(self, seed=None):
        self.state_updates = []
        self.default_instance_seed = seed
        self._reset_seedgen(seed)

    # subclasses: how a seed generator and a state are made from seeds
    def _reset_seedgen(self, seed):
        raise NotImplementedError

    def _next_state(self):
        raise NotImplementedError

    def seed(self, seed=None):
        """Reseed every random variable made so far from ``seed`` (default: the seed given at
        construction). The states get the same seeds as a new stream with that seed would give
        them, so the draws that follow are reproducible."""
        if seed is None:
            seed = self.default_instance_seed
        self._reset_seedgen(seed)
        for old_r, _ in self.state_updates:
            old_r.set_value(self._next_state(), borrow=True)

    def updates(self):
        """The (state, new_state) pairs of every random variable made by this object."""
        return list(self.state_updates)

    def gen(self, op, *args, **kwargs):
        """Apply the raw random function ``op`` to a new shared state and ``args``; return the
        sample, with ``.rng`` (the shared state) and ``.update`` (its update pair) set on it."""
        rng = random_state_constructor(self._next_state(), borrow=True)
        new_r, out = op(rng, *args, **kwargs)
        rng.default_update = new_r
        out.rng = rng
        out.update = (rng, new_r)
        self.state_updates.append((rng, new_r))
        return out

    @staticmethod
    def _state_of(item):
        """The shared state of ``item``: a drawn variable (its ``.rng``) or the state itself."""
        rng = getattr(item, "rng", None)
        if rng is not None and hasattr(rng, "get_value"):
            return rng
        if hasattr(item, "get_value") and hasattr(item, "default_update"):
            return item
        raise TypeError(f"random streams: expected a drawn random variable or its shared state "
                        f"(rv.rng), got {item!r}")

    def __getitem__(self, item):
        """The generator of ``item``, a drawn random variable or its state ``rv.rng`` (as
        Theano's ``srng[rv.rng]``)."""
        return self._state_of(item).get_value(borrow=True)

    def __setitem__(self, item, val):
        self._state_of(item).set_value(val, borrow=True)


class RandomStreams(_StreamsCore):
    """A symbolic stand-in for ``numpy.random.RandomState``: each variable it draws has its own
    shared ``RandomState``, seeded from ``seed`` (None: unpredictable)."""

    def _reset_seedgen(self, seed):
        self.gen_seedgen = np.random.RandomState(seed)

    def _next_state(self):
        return np.random.RandomState(int(self.gen_seedgen.randint(2 ** 30)))


class MRG_RandomStreams(_StreamsCore):
    """Theano's ``MRG_RandomStreams``: uniform, normal, binomial, multinomial and choice draws from
    the MRG31k3p generator (``theano/tensor/random/mrg.py``), the same numbers as Theano 1.0 for
    the same seed and the same sequence of calls.

    ``seed`` is an int in [1, 2**31 - 21069) (used for all six numbers of the state) or six ints
    (the first three below 2**31 - 1, the last three below 2**31 - 21069, neither three all 0).
    Each random variable gets its own shared int32 state matrix, one row per parallel stream
    (``nstreams``, by default ``guess_n_streams(size)``), 2**134 steps after the previous
    variable's; the new state is its ``default_update``. The methods Theano's class did not have
    (``random_integers``, ``poisson``, ``permutation``, ``shuffle_row_elements``, ``binomial`` with
    ``n > 1``, ``multinomial`` with a ``size``, ``choice`` without a probability matrix) draw
    from NumPy generators seeded from this seed."""

    def __init__(self, seed=12345, use_cuda=None):
        super().__init__(seed)

    # -- the state ------------------------------------------------------------------------------

    def set_rstate(self, seed):
        """Set the state that the next random variable starts from (see the class docstring)."""
        if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            seed = int(seed)
            if seed == 0:
                raise ValueError("MRG_RandomStreams: the seed must not be 0")
            if seed < 0 or seed >= mrg.M2:
                raise ValueError(f"MRG_RandomStreams: the seed must be in [1, {mrg.M2}), got {seed}")
            self.rstate = np.full(6, seed, dtype="int32")
            return
        if isinstance(seed, (list, tuple, np.ndarray)) and len(seed) == 6:
            vals = [int(s) for s in seed]
            if any(v < 0 for v in vals):
                raise ValueError(f"MRG_RandomStreams: the seed values must be >= 0, got {vals}")
            if not any(vals[:3]) or not any(vals[3:]):
                raise ValueError(f"MRG_RandomStreams: the first three and the last three seed "
                                 f"values must each be not all 0, got {vals}")
            if max(vals[:3]) >= mrg.M1 or max(vals[3:]) >= mrg.M2:
                raise ValueError(f"MRG_RandomStreams: the first three seed values must be below "
                                 f"{mrg.M1} and the last three below {mrg.M2}, got {vals}")
            self.rstate = np.asarray(vals, dtype="int32")
            return
        raise TypeError(f"MRG_RandomStreams: the seed must be an int or 6 ints, got {seed!r}")

    def _reset_seedgen(self, seed):
        if seed is None:
            seed = 12345
        self.set_rstate(seed)
        # the NumPy generators of the methods Theano did not have
        self.gen_seedgen = np.random.default_rng([int(v) for v in self.rstate])

    def _next_state(self):
        return np.random.Generator(np.random.PCG64(int(self.gen_seedgen.integers(2 ** 62))))

    def inc_rstate(self):
        """Move the state 2**134 steps on: where the next random variable's streams start."""
        self.rstate = mrg.ff_2p134(self.rstate)

    def get_substream_rstates(self, n_streams, dtype=None, inc_rstate=True):
        """An int32 (n_streams, 6) matrix of states 2**72 steps apart, starting at the current
        state; then (``inc_rstate``) the state moves to the next stream."""
        rval = mrg.substream_states(self.rstate, n_streams)
        if inc_rstate:
            self.inc_rstate()
        return rval

    def n_streams(self, size):
        return guess_n_streams(size)

    def seed(self, seed=None):
        """Reseed: every random variable made so far gets the state a new object with this seed
        (default: the seed given at construction) would give it, in creation order."""
        if seed is None:
            seed = self.default_instance_seed
        self._reset_seedgen(seed)
        for old_r, _ in self.state_updates:
            n = getattr(old_r.tag, "mrg_nstreams", None)
            if n is None:
                old_r.set_value(self._next_state(), borrow=True)
            else:
                old_r.set_value(self.get_substream_rstates(n), borrow=True)

    # -- draws ----------------------------------------------------------------------------------

    def _uniform01(self, size, ndim, dtype, nstreams):
        """Uniforms in (0, 1) of ``dtype``: the raw sample of a new state (with its update)."""
        if nstreams is None:
            nstreams = self.n_streams(size)
        nstreams = int(nstreams)
        rstate = shared(self.get_substream_rstates(nstreams, dtype))
        rstate.tag.is_rng = True
        rstate.tag.mrg_nstreams = nstreams
        new_r, u = mrg.mrg_uniform.new(rstate, ndim, dtype, size)
        rstate.default_update = new_r
        self.state_updates.append((rstate, new_r))
        return rstate, new_r, u

    @staticmethod
    def _label(out, rstate, new_r):
        out.rng = rstate
        out.update = (rstate, new_r)
        return out

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None,
                target="cpu"):
        """Uniform draws in (low, high) of shape ``size`` (a tuple of ints and integer scalars, or
        an integer vector such as ``x.shape``); dtype defaults to floatX upcast with low's and
        high's. Gradients do not flow to ``low`` and ``high`` (asking for one raises)."""
        _check_mrg_size(size)
        low = as_tensor_variable(low)
        high = as_tensor_variable(high)
        if size is None:
            # (not in Theano, which required a size) the broadcast shape of low and high
            both = low + high
            size, ndim = both.shape, both.ndim
        if isinstance(size, (tuple, list)):
            if not all(isinstance(s, (int, np.integer, Variable)) for s in size):
                raise TypeError(f"MRG_RandomStreams.uniform: size must be a tuple of ints and "
                                f"integer scalars, got {size!r}")
        elif not (isinstance(size, Variable) and size.ndim == 1):
            raise TypeError(f"MRG_RandomStreams.uniform: size must be a tuple of ints or a "
                            f"1-dimensional integer variable, got {size!r} ({type(size).__name__})")
        if dtype is None:
            dtype = upcast(config.floatX, low.dtype, high.dtype)
        low = undefined_grad(cast(low, dtype))
        high = undefined_grad(cast(high, dtype))
        rstate, new_r, u = self._uniform01(size, ndim, dtype, nstreams)
        r = u * (high - low) + low
        if r.broadcastable != u.broadcastable:
            raise NotImplementedError(
                f"MRG_RandomStreams.uniform: low and high broadcast the draws of size {size} to "
                f"more dimensions; give a size of the broadcast shape")
        return self._label(r, rstate, new_r)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
               truncate=False, target="cpu"):
        """Normal draws (Box-Muller on MRG uniforms, as Theano); with ``truncate=True`` draws
        further than 2 std from avg are drawn again inside that range."""
        size = _as_size_vector(size)
        avg = undefined_grad(as_tensor_variable(avg))
        std = undefined_grad(as_tensor_variable(std))
        if dtype is None:
            dtype = upcast(config.floatX, avg.dtype, std.dtype)
        avg = cast(avg, dtype)
        std = cast(std, dtype)
        n_odd = prod(size, dtype="int64")
        n_even = n_odd + n_odd % 2
        uniform = self.uniform((n_even,), low=0.0, high=1.0, ndim=1, dtype=dtype,
                               nstreams=nstreams)
        rstate, new_r = uniform.rng, uniform.update[1]
        half = n_even // 2
        u1 = uniform[:half]
        u2 = uniform[half:]
        radius = sqrt(-2.0 * log(u1))
        theta = np.asarray(2.0 * np.pi, dtype=dtype) * u2
        cos_t, sin_t = cos(theta), sin(theta)
        z0 = radius * cos_t
        z1 = radius * sin_t
        if truncate:
            bad0 = (z0 < -2.0) | (z0 > 2.0)
            bad1 = (z1 < -2.0) | (z1 > 2.0)
            z0_ok = z0[nonzero(~bad0)]
            z1_ok = z1[nonzero(~bad1)]
            fix0 = nonzero(bad0)[0]
            fix1 = nonzero(bad1)[0]
            n_fix = fix0.shape[0] + fix1.shape[0]
            lower = constant(np.asarray(1.0 / np.e ** 2, dtype=dtype))
            u_fix = self.uniform((n_fix,), low=lower, high=1.0, ndim=1, dtype=dtype,
                                 nstreams=nstreams)
            r_fix = sqrt(-2.0 * log(u_fix))
            z0_fixed = r_fix[:fix0.shape[0]] * cos_t[fix0]
            z1_fixed = r_fix[fix0.shape[0]:] * sin_t[fix1]
            samples = join(0, z0_ok, z0_fixed, z1_ok, z1_fixed)
        else:
            samples = join(0, z0, z1)
        samples = reshape(samples[:n_odd], size, ndim=ndim)
        return self._label(samples * std + avg, rstate, new_r)

    def truncated_normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
                         target="cpu"):
        """Draws from a normal distribution truncated symmetrically at 2 of its standard
        deviations around ``avg``, whose standard deviation after truncation is ``std`` (the
        underlying normal has ``std / 0.8796...``), as in Theano."""
        std = as_tensor_variable(std) / constant(np.asarray(TRUNCATED_UNIT_STD, dtype="float64"))
        return self.normal(size, avg, std, ndim=ndim, dtype=dtype, nstreams=nstreams,
                           truncate=True)

    def binomial(self, size=None, p=0.5, ndim=None, dtype="int64", nstreams=None, n=1, prob=None,
                 target="cpu"):
        """With ``n=1`` (dropout masks): ``uniform(size) < p`` cast to dtype, as Theano (the
        uniforms are floatX). Other ``n``: the number of successes in ``n`` trials."""
        if prob is not None:
            p = prob
        if isinstance(n, (int, np.integer)) and int(n) == 1:
            p = as_tensor_variable(p)
            if size is None:
                # (not in Theano, which required a size) one draw per entry of p
                size, ndim = p.shape, p.ndim
            p = undefined_grad(p)
            x = self.uniform(size=size, ndim=ndim, nstreams=nstreams)
            return self._label(cast(x < p, dtype), x.rng, x.update[1])
        _check_mrg_size(size)
        return super().binomial(size, n, p, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None,
                    target="cpu", **kwargs):
        """For a matrix ``pvals`` (and no size): ``n`` draws per row, counted per outcome, from MRG
        uniforms as Theano (the result has ``pvals``'s shape). With a ``size`` or other
        ``pvals``: as ``RandomStreams.multinomial``."""
        if pvals is None:
            raise TypeError("MRG_RandomStreams.multinomial needs pvals")
        pvals_v = as_tensor_variable(pvals)
        if pvals_v.ndim == 2 and size is None and ndim is None:
            pvals_v = undefined_grad(pvals_v)
            unis = self.uniform(size=pvals_v[:, 0].shape * n, ndim=1, nstreams=nstreams)
            out = mrg.MultinomialFromUniform(dtype)(pvals_v, unis, as_tensor_variable(n))
            return self._label(out, unis.rng, unis.update[1])
        _check_mrg_size(size)
        return super().multinomial(size, n, pvals, ndim=ndim, dtype=dtype)

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64", nstreams=None,
               target="cpu", **kwargs):
        """With a probability matrix ``p`` (and ``a=None``): for each row, ``size`` indices drawn
        with that row's probabilities from MRG uniforms as Theano (result shape
        ``(p.shape[0], size)``; Theano 1.0 supported only ``replace=False`` here). Otherwise as
        ``RandomStreams.choice``."""
        if p is not None and a is None:
            p = as_tensor_variable(p)
            if p.ndim == 2:
                p = undefined_grad(p)
                unis = self.uniform(size=p[:, 0].shape * size, ndim=1, nstreams=nstreams)
                out = mrg.ChoiceFromUniform(dtype, replace)(p, unis, as_tensor_variable(size))
                return self._label(out, unis.rng, unis.update[1])
            a = shape_i(p, 0)
        return super().choice(size, 2 if a is None else a, replace, p, ndim=ndim,
                              dtype=dtype if dtype != "int64" else None)

    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None, dtype="int64",
                                   nstreams=None, target="cpu", **kwargs):
        """Old name of ``choice(size=n, p=pvals, replace=False)``."""
        return self.choice(size=n, p=pvals, replace=False, dtype=dtype, nstreams=nstreams)


def _as_size_vector(size):
    """A draw's ``size`` (an int, a tuple or list of ints and integer scalars, or an integer
    scalar or vector variable) as an integer vector variable; entries must be > 0."""
    if isinstance(size, Variable):
        if size.ndim == 1:
            return size
        if size.ndim == 0:
            return stack([size])
        raise ValueError(f"MRG_RandomStreams: a size variable must have 1 dimension, got {size}")
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),)
    if not isinstance(size, (tuple, list)):
        raise ValueError(f"MRG_RandomStreams: size must be an int, a tuple, a list or a variable, "
                         f"got {size!r}")
    for s in size:
        if isinstance(s, Variable):
            if s.ndim != 0:
                raise ValueError(f"MRG_RandomStreams: size entry {s} is not a scalar")
        elif isinstance(s, (int, np.integer)) and not isinstance(s, bool):
            if s <= 0:
                raise ValueError(f"MRG_RandomStreams: the size {tuple(size)} has an entry <= 0")
        else:
            raise ValueError(f"MRG_RandomStreams: size entries must be ints or integer scalars, "
                             f"got {s!r}")
    _check_mrg_size(size)
    if all(isinstance(s, (int, np.integer)) for s in size):
        return constant(np.asarray(size, dtype="int64").reshape(len(size)))
    return stack([as_tensor_variable(s) for s in size])


# The standard deviation of a unit normal truncated to [-2, 2].
TRUNCATED_UNIT_STD = 0.87962566103423978

# The MRG31k3p generator of Theano numbered its samples with 32-bit ints.
MRG_MAX_SAMPLES = 2 ** 31 - 1


def _check_mrg_size(size):
    """As Theano's MRG_RandomStreams: a known size entry must be > 0 and the number of samples
    must fit in 32 bits (ValueError otherwise)."""
    if size is None or not isinstance(size, (tuple, list)):
        return
    known = []
    for s in size:
        if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
            if s <= 0:
                raise ValueError(f"MRG_RandomStreams: the size {tuple(size)} has an entry <= 0")
            known.append(int(s))
    if known and int(np.prod(known, dtype=object)) > MRG_MAX_SAMPLES:
        raise ValueError(f"MRG_RandomStreams: the size {tuple(size)} asks for more than "
                         f"2**31 - 1 samples, which MRG_RandomStreams does not support")


def guess_n_streams(size, warn=False):
    """Theano's heuristic for the number of parallel MRG streams of a draw of shape ``size``:
    one stream per 6 samples, at most 60 * 256 (and 60 * 256 when the size is symbolic, with a
    warning if ``warn``). Accepted as ``nstreams`` by every MRG_RandomStreams method."""
    if isinstance(size, (tuple, list)) and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in size):
        n = int(np.prod(size, dtype=object)) if size else 1
        if n > 6:
            n //= 6
        return min(n, 60 * 256)
    if warn:
        import warnings

        warnings.warn(f"guess_n_streams: the size {size!r} is not known; using {60 * 256} streams",
                      stacklevel=2)
    return 60 * 256


def _row_choice(random_state, pvals, k, replace, dtype):
    return RowChoiceRV(dtype, replace)(random_state, pvals, k, return_list=True)


__all__ = ["RandomStreamsBase", "RandomStreams", "MRG_RandomStreams", "guess_n_streams"]
