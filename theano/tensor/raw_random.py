"""Theano 1.0's ``theano.tensor.raw_random``: random functions that take and return a state.

The distribution functions (``uniform``, ``normal``, ``binomial``, ``random_integers``,
``choice``, ``poisson``, ``permutation``, ``multinomial``) take ``(random_state, size, ...)`` and
return ``(new_state, sample)``; their ops are the ``RandomVariable`` subclasses of
``theano.tensor.random.basic``. Here, as in Theano 1.0:

- ``size=None`` means the parameters' broadcast shape, and ``ndim`` is then not consulted (it only
  completes a ``size`` whose length cannot be read);
- ``multinomial``'s ``size`` may hold ``-1`` entries: the ``k``-th entry from the right borrows the
  ``k``-th dimension from the right of ``pvals.shape[:-1]``;
- ``RandomFunction(fn, outtype, inplace=False, ndim_added=0)`` wraps any ``RandomState`` method (or
  its name, or a function ``fn(random_state, *args, size)``) as an op drawn into ``outtype``;
  ``isinstance(op, RandomFunction)`` also holds for the ops of the functions above (Theano built
  them all with ``RandomFunction``);
- ``permutation_helper`` and ``multinomial_helper`` are the functions Theano wrapped in
  ``RandomFunction`` for vector draws, and ``_infer_ndim_bcast(ndim, shape, *args)`` is the
  helper with which a program writes its own raw random function.
"""

import abc

import numpy as np

import theano  # noqa: F401  (``from theano.tensor.raw_random import *`` gave ``theano`` in Theano 1.0)
from theano.graph.basic import Apply, Variable
from theano.tensor.basic import as_tensor_variable, cast, constant, shape_i
from theano.tensor.joining import stack
from theano.tensor.random import basic as _basic
from theano.tensor.random.basic import *  # noqa: F401,F403
from theano.tensor.random.basic import __all__ as _basic_all
from theano.tensor.random.op import RandomOpBase, RandomVariable, size_entries
from theano.tensor.random.streams import RandomStreamsBase
from theano.tensor.random.type import RandomStateType, copy_rng, random_state_type
from theano.tensor.type import TensorType

_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


# --------------------------------------------------------------------------------------------------
# RandomFunction
# --------------------------------------------------------------------------------------------------


def _resolve_fn(fn):
    if isinstance(fn, str):
        method = getattr(np.random.RandomState, fn, None)
        if method is None or not callable(method):
            raise ValueError(f"RandomFunction: numpy.random.RandomState has no method {fn!r}")
        return method
    if not callable(fn):
        raise TypeError(f"RandomFunction: fn must be a RandomState method, its name or a function "
                        f"fn(random_state, *args, size), got {type(fn).__name__} {fn!r:.80}")
    return fn


class RandomFunction(RandomOpBase, metaclass=abc.ABCMeta):
    """``RandomFunction(fn, outtype, inplace=False, ndim_added=0)``: an op drawing with ``fn``.

    ``fn`` is a ``numpy.random.RandomState`` method (``RandomState.uniform``), its name
    (``'uniform'``) or a function called as ``fn(random_state, *args, size)``; ``outtype`` is the
    TensorType of the sample (``tensor.dvector``). The op is applied as ``op(random_state, size,
    *args)`` and returns ``(new_state, sample)``: ``size`` is a tuple of ints or scalar variables,
    or an integer vector; an empty ``size`` lets ``fn`` take the shape from ``args``. The sample has
    ``len(size) + ndim_added`` dimensions (a ValueError at run time otherwise). Unless ``inplace``,
    the state given is copied before drawing, so the input state is left as it was.
    """

    __props__ = ("fn", "outtype", "inplace", "ndim_added")
    default_output = None      # calling the op gives both outputs, (new_state, sample)

    def __init__(self, fn, outtype, inplace=False, ndim_added=0):
        self.fn = _resolve_fn(fn)
        if not isinstance(outtype, TensorType):
            raise TypeError(f"RandomFunction: outtype must be a TensorType (e.g. tensor.dvector), "
                            f"got {type(outtype).__name__} {outtype!r:.80}")
        self.outtype = outtype
        self.inplace = bool(inplace)
        self.ndim_added = int(ndim_added)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __setstate__(self, state):
        if isinstance(state, (list, tuple)):
            # Theano 1.0 pickled this op as [fn, outtype, inplace, ndim_added]
            self.__init__(*state)
        else:
            self.__dict__.update(state)

    def __str__(self):
        name = getattr(self.fn, "__name__", str(self.fn))
        return f"RandomFunction{{{name}{',inplace' if self.inplace else ''}}}"

    def make_node(self, r, shape, *args):
        r = self._check_rng(r)
        if isinstance(shape, (list, tuple)) and not any(isinstance(s, Variable) for s in shape):
            for s in shape:
                if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
                    raise TypeError(f"{self}: size must hold integers, got {tuple(shape)!r}")
            shape = constant(np.asarray(shape, dtype="int64").reshape(len(shape)))
        elif isinstance(shape, (list, tuple)):
            shape = stack([cast(as_tensor_variable(s), "int64") for s in shape])
        else:
            shape = as_tensor_variable(shape)
        if shape.ndim != 1 or shape.dtype not in _INT_DTYPES:
            raise TypeError(f"{self}: size must be a vector of integers, got {shape} ({shape.type})")
        if shape.dtype != "int64":
            shape = cast(shape, "int64")
        args = [as_tensor_variable(a) for a in args]
        return Apply(self, [r, shape] + args, [r.type(), self.outtype()])

    def perform(self, node, inputs, output_storage):
        r, shape, args = inputs[0], inputs[1], list(inputs[2:])
        shape = tuple(int(s) for s in shape) if len(shape) else None
        out_ndim = self.outtype.ndim
        if shape is not None and out_ndim != len(shape) + self.ndim_added:
            raise ValueError(
                f"{self}: the output type has {out_ndim} dimension(s), but size {shape} has "
                f"{len(shape)} and ndim_added is {self.ndim_added}")
        if not self.inplace:
            r = copy_rng(r)
        sample = self.fn(r, *(args + [shape]))
        sample = np.asarray(sample)
        if sample.dtype != self.outtype.dtype:
            sample = sample.astype(self.outtype.dtype)
        if shape is None and sample.ndim == 0 and out_ndim > 0:
            sample = sample.reshape((1,) * out_ndim)
        if sample.ndim != out_ndim:
            raise ValueError(f"{self}: the sample has {sample.ndim} dimension(s) (shape "
                             f"{sample.shape}), the output type {self.outtype} has {out_ndim}")
        if shape is not None:
            lead = sample.shape[:len(shape)] if self.ndim_added >= 0 else sample.shape
            want = shape if self.ndim_added >= 0 else shape[:out_ndim]
            if tuple(lead) != tuple(want):
                raise ValueError(f"{self}: the sample has shape {sample.shape}, which does not "
                                 f"start with size {shape}")
        for d, b in enumerate(self.outtype.broadcastable):
            if b and sample.shape[d] != 1:
                raise ValueError(f"{self}: the sample has shape {sample.shape}, but dimension {d} "
                                 f"of the output type {self.outtype} is broadcastable (length 1)")
        output_storage[0][0] = r
        output_storage[1][0] = sample

    def infer_shape(self, node, input_shapes):
        shape = node.inputs[1]
        known = getattr(shape, "data", None)
        if self.ndim_added != 0 or (known is not None and np.size(known) == 0):
            return [None, None]        # the sample's shape depends on the arguments' values
        return [None, tuple(size_entries(shape, node.outputs[1].ndim))]

    def R_op(self, inputs, eval_points):
        return [None for _ in eval_points]


# The ops of the distribution functions are raw random functions too (Theano built them all with
# RandomFunction): ``isinstance(op, RandomFunction)`` holds for them.
RandomFunction.register(RandomVariable)


# --------------------------------------------------------------------------------------------------
# helpers for writing raw random functions
# --------------------------------------------------------------------------------------------------


def _infer_ndim_bcast(ndim, shape, *args):
    """``(ndim, size vector, broadcastable)`` of a draw from ``size`` (``shape``) and ``args``.

    ``shape`` is None (the draw takes the shape of ``sum(args)``; ``ndim`` is then not used), a
    tuple or list of ints and scalar variables (``-1`` borrows the length of the argument
    dimension aligned with it from the right), or an integer vector (whose length ``ndim`` gives
    when it cannot be read from the graph).
    """
    args = [as_tensor_variable(a) for a in args]
    args_ndim = max([a.ndim for a in args] + [0])
    if isinstance(shape, (tuple, list)):
        if ndim is None:
            ndim = len(shape)
        elif len(shape) != ndim:
            raise ValueError(f"ndim should be equal to len(size), got ndim={ndim} and size={shape}")
        bcast, entries = [], []
        for i, s in enumerate(shape):
            if isinstance(s, Variable):
                s = as_tensor_variable(s)
                if s.ndim != 0 or s.dtype not in _INT_DTYPES:
                    raise TypeError(f"size: entry {i} must be an integer scalar, got {s} ({s.type})")
                entries.append(cast(s, "int64"))
                bcast.append(False)
            elif isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0:
                entries.append(constant(int(s), dtype="int64"))
                bcast.append(int(s) == 1)
            elif isinstance(s, (int, np.integer)) and s == -1:
                overlapping = [a for a in args if i >= ndim - a.ndim]
                if not overlapping:
                    raise ValueError(f"size {tuple(shape)}: the -1 at position {i} must line up "
                                     "with a dimension of one of the arguments")
                for a in overlapping:
                    j = i + a.ndim - ndim
                    if not a.broadcastable[j]:
                        entries.append(cast(shape_i(a, j), "int64"))
                        bcast.append(False)
                        break
                else:
                    entries.append(constant(1, dtype="int64"))
                    bcast.append(True)
            else:
                raise ValueError(f"size {tuple(shape)}: entry {i} must be a non-negative integer, -1 "
                                 f"or an integer scalar variable, got {s!r}")
        v_shape = stack(entries) if entries else constant(np.zeros(0, dtype="int64"))
    elif shape is None:
        if not args:
            raise TypeError("cannot infer the shape of the draw without a size or arguments")
        template = args[0]
        for a in args[1:]:
            template = template + a
        return template.ndim, template.shape, tuple(template.broadcastable)
    else:
        v_shape = as_tensor_variable(shape)
        if v_shape.ndim != 1 or v_shape.dtype not in _INT_DTYPES:
            raise TypeError(f"size must be a vector or list of integers, got {v_shape} "
                            f"({v_shape.type})")
        if ndim is None:
            _, ndim = _basic.normalize_size(v_shape)
        bcast = [False] * ndim
    if args_ndim > ndim:
        raise ValueError(f"ndim={ndim} is smaller than the arguments need ({args_ndim})")
    return ndim, cast(v_shape, "int64"), tuple(bcast)


def permutation_helper(random_state, n, shape):
    """``len(shape) + 1``-dimensional int64 array: ``random_state.permutation(n)`` for each index
    of ``shape`` (one permutation when ``shape`` is None or empty). Wrap it with
    ``RandomFunction(permutation_helper, tensor.lmatrix, ndim_added=1)``."""
    shape = () if shape is None else tuple(shape)
    n = int(n)
    out = np.empty(shape + (n,), dtype="int64")
    for idx in np.ndindex(*shape):
        out[idx] = random_state.permutation(n)
    return out


def multinomial_helper(random_state, n, pvals, size):
    """Counts of ``n`` draws among ``pvals.shape[-1]`` outcomes, for each index of ``size``
    (``n`` and ``pvals[..., :]`` broadcast to it; None: their broadcast shape). The output has
    shape ``size + (pvals.shape[-1],)``."""
    n = np.asarray(n)
    pvals = np.asarray(pvals, dtype="float64")
    if size is None:
        size = np.broadcast_shapes(n.shape, pvals.shape[:-1])
    size = tuple(size)
    k = pvals.shape[-1]
    n_b = np.broadcast_to(n, size)
    p_b = np.broadcast_to(pvals, size + (k,))
    out = np.empty(size + (k,), dtype="int64")
    for idx in np.ndindex(*size):
        pv = p_b[idx]
        total = pv.sum()
        if abs(total - 1.0) < 1e-5 and total > 0:
            pv = pv / total     # rounding of float32 probabilities
        out[idx] = random_state.multinomial(int(n_b[idx]), pv)
    return out


# --------------------------------------------------------------------------------------------------
# the distribution functions: Theano 1.0's size/ndim rules around theano.tensor.random.basic's
# --------------------------------------------------------------------------------------------------


def _ndim_for(size, ndim):
    # ndim completes a size whose length cannot be read; with size=None the parameters decide
    return None if size is None else ndim


def uniform(random_state, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
    """Uniform draws in [low, high): ``(new_state, sample)``."""
    return _basic.uniform(random_state, size, low, high, _ndim_for(size, ndim), dtype)


def normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """Normal draws of mean ``avg`` and standard deviation ``std``: ``(new_state, sample)``."""
    return _basic.normal(random_state, size, avg, std, _ndim_for(size, ndim), dtype)


def binomial(random_state, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
    """Successes in ``n`` trials of probability ``p`` (``prob``: an old name of ``p``)."""
    return _basic.binomial(random_state, size, n, p, _ndim_for(size, ndim), dtype, prob)


def random_integers(random_state, size=None, low=0, high=1, ndim=None, dtype="int64"):
    """Integers between ``low`` and ``high``, both included."""
    return _basic.random_integers(random_state, size, low, high, _ndim_for(size, ndim), dtype)


def choice(random_state, size=None, a=2, replace=True, p=None, ndim=None, dtype=None):
    """Draws from ``range(a)`` (an int ``a``) or the vector ``a``, with probabilities ``p`` if
    given (a false ``p`` means uniform)."""
    return _basic.choice(random_state, size, a, replace, p, _ndim_for(size, ndim), dtype)


def poisson(random_state, size=None, lam=1.0, ndim=None, dtype="int64"):
    """Poisson draws of mean ``lam``."""
    if size is None and ndim is not None and not isinstance(lam, Variable) and np.ndim(lam) == 0:
        raise TypeError("poisson: cannot tell the shape of the draw: give size (ndim alone does "
                        "not say the length of each dimension)")
    return _basic.poisson(random_state, size, lam, _ndim_for(size, ndim), dtype)


def permutation(random_state, size=None, n=1, ndim=None, dtype="int64"):
    """Permutations of ``range(n)``: shape ``size + (n,)`` (``size`` None or ``()``: one
    permutation, a vector; ``ndim`` is then 1 or None)."""
    if size is None or (isinstance(size, (tuple, list)) and len(size) == 0):
        if ndim not in (None, 1):
            raise TypeError(f"permutation: size=None gives one permutation (a vector), but "
                            f"ndim={ndim} was asked")
        return _basic.permutation(random_state, None, n, None, dtype)
    return _basic.permutation(random_state, size, n, ndim, dtype)


def multinomial(random_state, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
    """Counts of ``n`` draws among ``pvals.shape[-1]`` outcomes, for each distribution of
    ``pvals[..., :]``: shape ``size + (pvals.shape[-1],)``. ``size`` None means
    ``pvals.shape[:-1]`` (broadcast with ``n``'s shape); a ``-1`` entry of ``size``, the ``k``-th
    from the right, borrows the ``k``-th dimension from the right of ``pvals.shape[:-1]``."""
    if isinstance(size, (tuple, list)) and any(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s == -1 for s in size):
        pv = as_tensor_variable(pvals)
        n_batch = pv.ndim - 1          # pvals' batch dimensions: all but the last
        resolved = []
        for i, s in enumerate(size):
            if isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s == -1:
                j = i + n_batch - len(size)
                if j < 0:
                    raise ValueError(f"multinomial: the -1 at position {i} of size {tuple(size)} "
                                     f"lines up with no dimension of pvals' batch shape "
                                     f"(pvals has {pv.ndim} dimension(s))")
                resolved.append(1 if pv.broadcastable[j] else shape_i(pv, j))
            else:
                resolved.append(s)
        size = tuple(resolved)
        if all(isinstance(s, (int, np.integer)) for s in size):
            size = tuple(int(s) for s in size)
    return _basic.multinomial(random_state, size, n, pvals, _ndim_for(size, ndim), dtype)


# Theano 1.0's raw_random module had no ``__all__``: ``import *`` gave its imported names too,
# ``theano`` among them, which programs (Theano's own tests) used.
__all__ = ["theano", "RandomStateType", "random_state_type", "RandomFunction", "RandomVariable",
           "RandomStreamsBase", "permutation_helper", "multinomial_helper"] + list(_basic_all)
