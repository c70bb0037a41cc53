"""The distributions: one RandomVariable subclass each, and Theano's ``raw_random`` functions.

The functions take a random state variable first and return ``(new_state, sample)``, as
``theano.tensor.raw_random`` did::

    rng = theano.shared(numpy.random.RandomState(42))
    new_rng, u = uniform(rng, size=(2, 3))
    f = theano.function([], u, updates=[(rng, new_rng)])

Most programs use ``RandomStreams`` instead, which does the state bookkeeping.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.tensor.basic import as_tensor_variable, cast, constant, shape_i
from theano.tensor.random.op import (RandomOpBase, RandomVariable, _static_ones,
                                     default_float_dtype, integer_dtypes, normalize_size,
                                     size_entries)
from theano.tensor.sorting import TakeAlongAxis
from theano.tensor.type import TensorType


def _is_generator(rng):
    return isinstance(rng, np.random.Generator)


def _check_int(op, name, p):
    if p.dtype not in integer_dtypes + ("bool",):
        raise TypeError(f"{op}: parameter {name} must be an integer tensor, got {p} of dtype {p.dtype}")


class UniformRV(RandomVariable):
    """Uniform draws in [low, high)."""

    name = "uniform"
    param_names = ("low", "high")
    ndims_params = (0, 0)

    def rng_fn(self, rng, size, low, high):
        return rng.uniform(low, high, size)


class NormalRV(RandomVariable):
    """Normal draws of mean ``avg`` and standard deviation ``std``."""

    name = "normal"
    param_names = ("avg", "std")
    ndims_params = (0, 0)

    def rng_fn(self, rng, size, avg, std):
        if np.any(np.asarray(std) < 0):
            raise ValueError(f"{self}: std must be non-negative")
        return rng.normal(avg, std, size)


class TruncatedNormalRV(RandomVariable):
    """Normal draws of mean ``avg`` and standard deviation ``std`` (before truncation), redrawn
    while they fall more than two standard deviations from the mean."""

    name = "truncated_normal"
    param_names = ("avg", "std")
    ndims_params = (0, 0)

    def rng_fn(self, rng, size, avg, std):
        shape = size if size is not None else np.broadcast_shapes(np.shape(avg), np.shape(std))
        z = rng.standard_normal(shape)
        bad = np.abs(z) > 2
        while bad.any():
            z[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(z) > 2
        return avg + std * z


class BinomialRV(RandomVariable):
    """Number of successes in ``n`` trials of probability ``p``."""

    name = "binomial"
    param_names = ("n", "p")
    ndims_params = (0, 0)
    kind = "int"

    def check_params(self, params):
        _check_int(self, "n", params[0])

    def rng_fn(self, rng, size, n, p):
        return rng.binomial(n, p, size)


class RandomIntegersRV(RandomVariable):
    """Integers between ``low`` and ``high``, both included."""

    name = "random_integers"
    param_names = ("low", "high")
    ndims_params = (0, 0)
    kind = "int"

    def check_params(self, params):
        _check_int(self, "low", params[0])
        _check_int(self, "high", params[1])

    def rng_fn(self, rng, size, low, high):
        if _is_generator(rng):
            return rng.integers(low, high, size, endpoint=True)
        return rng.randint(low, np.asarray(high, dtype="int64") + 1, size)


class PoissonRV(RandomVariable):
    """Poisson draws of mean ``lam``."""

    name = "poisson"
    param_names = ("lam",)
    ndims_params = (0,)
    kind = "int"

    def rng_fn(self, rng, size, lam):
        return rng.poisson(lam, size)


class PermutationRV(RandomVariable):
    """Permutations of ``range(n)``: the output has shape ``size + (n,)``."""

    name = "permutation"
    param_names = ("n",)
    ndims_params = (0,)
    ndim_supp = 1
    kind = "int"

    def check_params(self, params):
        _check_int(self, "n", params[0])
        if params[0].ndim != 0:
            raise ValueError(f"{self}: n must be a scalar, got {params[0]} with {params[0].ndim} dims")

    def rng_fn(self, rng, size, n):
        n = int(n)
        batch = size or ()
        out = np.empty(tuple(batch) + (n,), dtype="int64")
        for idx in np.ndindex(*batch):
            out[idx] = rng.permutation(n)
        return out

    def supp_shape(self, node, input_shapes):
        return (cast(node.inputs[2], "int64"),)


class MultinomialRV(RandomVariable):
    """Counts of ``n`` draws among ``len(pvals)`` outcomes: the output has shape
    ``batch + (pvals.shape[-1],)`` where ``batch`` is ``size`` or the broadcast of ``n`` and
    ``pvals.shape[:-1]``."""

    name = "multinomial"
    param_names = ("n", "pvals")
    ndims_params = (0, 1)
    ndim_supp = 1
    kind = "int"

    def check_params(self, params):
        _check_int(self, "n", params[0])

    def rng_fn(self, rng, size, n, pvals):
        n = np.asarray(n)
        pvals = np.asarray(pvals, dtype="float64")
        k = pvals.shape[-1]
        batch = tuple(size) if size is not None else np.broadcast_shapes(n.shape, pvals.shape[:-1])
        n_b = np.broadcast_to(n, batch)
        p_b = np.broadcast_to(pvals, tuple(batch) + (k,))
        out = np.empty(tuple(batch) + (k,), dtype="int64")
        for idx in np.ndindex(*batch):
            pv = p_b[idx]
            total = pv.sum()
            if abs(total - 1.0) < 1e-5 and total > 0:
                pv = pv / total
            out[idx] = rng.multinomial(int(n_b[idx]), pv)
        return out

    def supp_shape(self, node, input_shapes):
        return (input_shapes[3][-1],)

    def supp_broadcastable(self, params):
        # one count per outcome: a single outcome (pvals' last axis broadcastable) gives one
        return (bool(params[1].broadcastable[-1]),)


class ChoiceRV(RandomVariable):
    """Draws from ``a`` (an int: ``range(a)``, or a vector), with or without replacement,
    uniformly or with the probabilities ``p`` (an empty ``p`` means uniform). The output has the
    shape ``size``; ``a`` and ``p`` are not broadcast."""

    __props__ = ("dtype", "size_len", "replace")
    name = "choice"
    param_names = ("a", "p")
    ndims_params = (0, 1)
    kind = "any"

    def __init__(self, dtype=None, size_len=None, replace=True):
        super().__init__(dtype="int64" if dtype is None else dtype, size_len=size_len)
        self.replace = bool(replace)

    def __str__(self):
        return f"choice_rv{{{self.dtype}, replace={self.replace}}}"

    def make_node(self, rng, size, a, p):
        rng = self._check_rng(rng)
        size_var, size_len = normalize_size(size, ndim=self.size_len)
        a, p = as_tensor_variable(a), as_tensor_variable(p)
        if a.ndim > 1:
            raise ValueError(f"{self}: a must be an int or a vector, got {a} with {a.ndim} dims")
        if a.ndim == 0:
            _check_int(self, "a", a)
        if p.ndim != 1:
            raise ValueError(f"{self}: p must be a vector of probabilities, got {p} with {p.ndim} dims")
        if p.dtype in integer_dtypes + ("bool",):
            raise TypeError(f"{self}: p must be a float vector, got dtype {p.dtype}")
        sample = TensorType(self.dtype, _static_ones(size_var, size_len))()
        return Apply(self, [rng, size_var, a, p], [rng.type(), sample])

    def rng_fn(self, rng, size, a, p):
        p = None if np.size(p) == 0 else np.asarray(p, dtype="float64")
        if p is not None:
            total = p.sum()
            if abs(total - 1.0) < 1e-5 and total > 0:
                p = p / total
        return rng.choice(a, size, replace=self.replace, p=p)

    def infer_shape(self, node, input_shapes):
        return [None, tuple(size_entries(node.inputs[1], node.outputs[1].ndim))]


class RowChoiceRV(RandomOpBase):
    """For each row of the probability matrix ``pvals``, ``k`` indices drawn with those
    probabilities (without replacement unless ``replace``): the output has shape ``(rows, k)``."""

    __props__ = ("dtype", "replace")

    def __init__(self, dtype="int64", replace=False):
        self.dtype = str(np.dtype(dtype))
        if self.dtype not in integer_dtypes:
            raise TypeError(f"RowChoiceRV: dtype must be an integer dtype, got {dtype!r}")
        self.replace = bool(replace)

    def make_node(self, rng, pvals, k):
        rng = self._check_rng(rng)
        pvals = as_tensor_variable(pvals)
        k = as_tensor_variable(k)
        if pvals.ndim != 2:
            raise ValueError(f"{self}: pvals must be a matrix (one row of probabilities per draw), "
                             f"got {pvals} with {pvals.ndim} dims")
        if k.ndim != 0 or k.dtype not in integer_dtypes:
            raise TypeError(f"{self}: the number of draws must be an integer scalar, got {k} ({k.type})")
        one_draw = isinstance(k, Constant) and int(np.asarray(k.data)) == 1
        out = TensorType(self.dtype, (pvals.broadcastable[0], one_draw))()
        return Apply(self, [rng, pvals, k], [rng.type(), out])

    def draw(self, rng, node, args):
        pvals, k = args
        pvals = np.asarray(pvals, dtype="float64")
        k = int(k)
        n_cat = pvals.shape[1]
        if not self.replace and k > n_cat:
            raise ValueError(f"{self}: cannot draw {k} distinct values out of {n_cat} without replacement")
        out = np.empty((pvals.shape[0], k), dtype=self.dtype)
        for r in range(pvals.shape[0]):
            p = pvals[r] / pvals[r].sum()
            out[r] = rng.choice(n_cat, k, replace=self.replace, p=p)
        return out

    def infer_shape(self, node, input_shapes):
        return [None, (input_shapes[1][0], cast(node.inputs[2], "int64"))]


# --------------------------------------------------------------------------------------------------
# raw_random-style functions: (random_state, size, params...) -> (new_state, sample)
# --------------------------------------------------------------------------------------------------


def _size_len_for(size, ndim):
    """The size_len prop: only needed when a symbolic size's length cannot be read from the graph."""
    if isinstance(size, Variable):
        _, length = normalize_size(size, ndim=ndim)
        return length
    return None


def _apply(op, random_state, size, ndim, params):
    if ndim is not None and isinstance(size, (list, tuple)) and len(size) != ndim:
        raise ValueError(f"{op}: size {tuple(size)} has {len(size)} entries but ndim={ndim}")
    new_rng, sample = op(random_state, size, *params, return_list=True)
    if ndim is not None and size is None and sample.ndim != ndim:
        raise ValueError(f"{op}: the parameters give {sample.ndim} dimension(s) but ndim={ndim}")
    return new_rng, sample


def uniform(random_state, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
    """Uniform draws in [low, high); dtype defaults to floatX upcast with low's and high's."""
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    dtype = dtype or default_float_dtype(low, high)
    return _apply(UniformRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim, [low, high])


def normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """Normal draws of mean avg and standard deviation std; dtype defaults to floatX."""
    avg, std = as_tensor_variable(avg), as_tensor_variable(std)
    dtype = dtype or default_float_dtype(avg, std)
    return _apply(NormalRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim, [avg, std])


def truncated_normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """Normal draws within two standard deviations of avg."""
    avg, std = as_tensor_variable(avg), as_tensor_variable(std)
    dtype = dtype or default_float_dtype(avg, std)
    return _apply(TruncatedNormalRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim,
                  [avg, std])


def binomial(random_state, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
    """Number of successes in n trials of probability p (``prob`` is an old name of ``p``)."""
    if prob is not None:
        p = prob
    return _apply(BinomialRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim, [n, p])


def random_integers(random_state, size=None, low=0, high=1, ndim=None, dtype="int64"):
    """Integers between low and high, both included."""
    return _apply(RandomIntegersRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim,
                  [low, high])


def poisson(random_state, size=None, lam=None, ndim=None, dtype="int64"):
    """Poisson draws of mean lam."""
    if lam is None:
        raise TypeError("poisson needs lam, the mean of the distribution")
    return _apply(PoissonRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim, [lam])


def choice(random_state, size=None, a=2, replace=True, p=None, ndim=None, dtype=None):
    """Draws from range(a) (a an int) or from the vector a, with probabilities p if given."""
    a = as_tensor_variable(a)
    if a.ndim == 1 and dtype is None:
        dtype = a.dtype
    # Theano read a false-valued ``p`` (None, 0, []) as "uniform probabilities"
    if p is not None and not isinstance(p, (Variable, np.ndarray)) and not p:
        p = None
    p = constant(np.zeros(0, dtype="float64")) if p is None else as_tensor_variable(p)
    op = ChoiceRV(dtype, _size_len_for(size, ndim), replace)
    return _apply(op, random_state, size, ndim, [a, p])


def permutation(random_state, size=None, n=1, ndim=None, dtype="int64"):
    """Permutations of range(n); the output has shape size + (n,)."""
    return _apply(PermutationRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim, [n])


def multinomial(random_state, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
    """Counts of n draws among len(pvals) outcomes; output shape batch + (len(pvals),)."""
    return _apply(MultinomialRV(dtype, _size_len_for(size, ndim)), random_state, size, ndim,
                  [n, pvals])


def shuffle_row_elements(random_state, x):
    """x with the elements of each row (its last axis) shuffled, each row independently. It is
    ``x`` indexed by random permutations, so its gradient with respect to ``x`` is defined."""
    x = as_tensor_variable(x)
    if x.ndim < 1:
        raise ValueError(f"shuffle_row_elements needs at least one dimension, got {x} (0-d)")
    batch = tuple(shape_i(x, i) for i in range(x.ndim - 1))
    new_state, perm = permutation(random_state, batch if batch else None, n=shape_i(x, x.ndim - 1))
    return new_state, TakeAlongAxis()(x, perm, -1)


__all__ = ["UniformRV", "NormalRV", "TruncatedNormalRV", "BinomialRV", "RandomIntegersRV",
           "PoissonRV", "PermutationRV", "MultinomialRV", "ChoiceRV", "RowChoiceRV", "uniform",
           "normal", "truncated_normal", "binomial", "random_integers", "poisson", "choice",
           "permutation", "multinomial", "shuffle_row_elements"]
