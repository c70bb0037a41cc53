"""Statistics that are not reductions of one tensor: ``cov`` (numpy.cov)."""

import numpy as np

from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable, cast, shape_i
from theano.tensor.joining import concatenate
from theano.tensor.math import dot, mean

__all__ = ["cov"]


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the variables in ``m`` (and ``y``), as ``numpy.cov``.

    Each row of ``m`` is a variable and each column an observation (``rowvar=False``: the other way
    round). The sum of squares is divided by ``N - ddof``; ``ddof`` defaults to 1, or 0 with
    ``bias=True``. Differences from NumPy: a 2-d ``m`` (or ``y``) with ``rowvar=False`` is always
    transposed (NumPy leaves a single-row array as it is), and weights are not supported.
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported")
    if ddof is not None and not isinstance(ddof, (int, np.integer)):
        raise ValueError(f"cov: ddof must be an integer, got {ddof!r}")

    def rows(v):
        v = as_tensor_variable(v)
        if v.ndim > 2:
            raise ValueError(f"cov: m and y must have at most 2 dimensions, got {v.ndim}")
        if v.ndim < 2:
            return v.dimshuffle(["x"] * (2 - v.ndim) + list(range(v.ndim)))
        return v if rowvar else v.T

    x = rows(m)
    if y is not None:
        yr = rows(y)
        x = concatenate([x, yr.astype(x.dtype) if yr.dtype != x.dtype else yr], axis=0)
    if x.dtype in ts.discrete_dtypes:
        x = cast(x, "float64")
    if ddof is None:
        ddof = 0 if bias else 1
    centered = x - mean(x, axis=1, keepdims=True)
    n = cast(shape_i(x, 1), x.dtype) - np.asarray(ddof, dtype=x.dtype)
    c = dot(centered, centered.T.conj()) / n
    if all(c.broadcastable):  # one variable: a 0-d result, as numpy squeezes it
        c = c.dimshuffle()
    return c
