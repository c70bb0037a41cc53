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

from theano.tensor.basic import as_tensor_variable
from theano.tensor.reshaping import shape_i
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
    """Theano's ``MRG_RandomStreams`` interface. Its states are ``numpy.random.Generator`` objects
    (PCG64) seeded from ``seed`` (an int, or a list of ints as Theano's six-int seeds), so the
    numbers differ from Theano's MRG31k3p generator while the distributions are the same."""

    def __init__(self, seed=12345, use_cuda=None):
        super().__init__(seed)

    def _reset_seedgen(self, seed):
        if seed is None:
            seed = 12345
        if isinstance(seed, (list, tuple, np.ndarray)):
            seed = [int(s) for s in np.asarray(seed).reshape(-1)]
            if any(s < 0 for s in seed) or not any(seed):
                raise ValueError(f"MRG_RandomStreams: the seed values must be >= 0 and not all 0, got {seed}")
        elif not isinstance(seed, (int, np.integer)):
            raise TypeError(f"MRG_RandomStreams: seed must be an int or a list of ints, got {seed!r}")
        elif seed < 0:
            raise ValueError(f"MRG_RandomStreams: seed must be >= 0, got {seed}")
        self.rstate = seed
        self.gen_seedgen = np.random.default_rng(seed)

    def _next_state(self):
        return np.random.Generator(np.random.PCG64(int(self.gen_seedgen.integers(2 ** 62))))

    # ``nstreams`` chose how many MRG31k3p streams run in parallel and ``target`` the device;
    # neither changes the distribution here (one generator per variable, on the host)

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None,
                target="cpu"):
        """Uniform draws in [low, high); dtype defaults to floatX."""
        _check_mrg_size(size)
        return super().uniform(size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
               truncate=False, target="cpu"):
        """Normal draws; with ``truncate=True`` draws further than 2 std from avg are redrawn."""
        _check_mrg_size(size)
        if truncate:
            # Theano: cut at 2 std, so the draws' standard deviation is below ``std``
            return self.gen(rb.truncated_normal, size, avg, std, ndim=ndim, dtype=dtype)
        return super().normal(size, avg, std, ndim=ndim, dtype=dtype)

    def truncated_normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
                         target="cpu"):
        """Draws from a normal distribution truncated symmetrically around ``avg``, whose standard
        deviation (after truncation) is ``std``, as in Theano: the underlying normal has standard
        deviation ``std / 0.8796...`` (the std of a unit normal cut at +-2) and is cut at 2 of
        its standard deviations."""
        _check_mrg_size(size)
        if isinstance(std, (int, float, np.number)):
            scale = float(std) / TRUNCATED_UNIT_STD
        else:
            std = as_tensor_variable(std)
            scale = std / np.asarray(TRUNCATED_UNIT_STD, dtype=std.dtype if
                                     std.dtype.startswith("float") else "float64")
        return self.gen(rb.truncated_normal, size, avg, scale, ndim=ndim, dtype=dtype)

    def binomial(self, size=None, p=0.5, ndim=None, dtype="int64", nstreams=None, n=1, prob=None,
                 target="cpu"):
        """Number of successes in ``n`` trials (default 1) of probability ``p``."""
        _check_mrg_size(size)
        return super().binomial(size, n, p, ndim=ndim, dtype=dtype, prob=prob)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None,
                    target="cpu", **kwargs):
        """One multinomial draw of ``n`` trials per row of the matrix ``pvals``: the result has
        ``pvals``'s shape, one count per outcome."""
        _check_mrg_size(size)
        if pvals is None:
            raise TypeError("MRG_RandomStreams.multinomial needs pvals")
        return super().multinomial(size, n, pvals, ndim=ndim, dtype=dtype)

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64", nstreams=None,
               target="cpu", **kwargs):
        """With a matrix ``p``: for each row, ``size`` indices drawn with that row's probabilities
        (result shape ``(p.shape[0], size)``). Otherwise as ``RandomStreams.choice``."""
        if p is not None and a is None:
            p = as_tensor_variable(p)
            if p.ndim == 2:
                return self.gen(_row_choice, p, size, replace, dtype)
            a = shape_i(p, 0)
        return super().choice(size, 2 if a is None else a, replace, p, ndim=ndim,
                              dtype=dtype if dtype != "int64" else None)

    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None, dtype="int64",
                                   nstreams=None, target="cpu", **kwargs):
        """Old name of ``choice(size=n, p=pvals, replace=False)``."""
        return self.choice(size=n, p=pvals, replace=False, dtype=dtype)


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
