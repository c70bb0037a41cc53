"""Batch normalization, built from elementwise ops and reductions (their gradients come for free).

- ``batch_normalization(inputs, gamma, beta, mean, std)``: ``(inputs - mean) * gamma / std + beta``.
- ``batch_normalization_train(inputs, gamma, beta, axes, epsilon, running_average_factor,
  running_mean, running_var)``: normalize with the statistics of the batch, and optionally update
  running averages of the mean and (unbiased) variance.
- ``batch_normalization_test(inputs, gamma, beta, mean, var, axes, epsilon)``: normalize with given
  statistics.
"""

import numpy as np

from theano.tensor import math as tm
from theano.tensor.basic import addbroadcast, as_tensor_variable, cast, constant
from theano.tensor.reshaping import shape_i

__all__ = ["batch_normalization", "batch_normalization_train", "batch_normalization_test"]


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem"):
    """``(inputs - mean) * (gamma / std) + beta``, elementwise with broadcasting.

    ``mode`` ('low_mem' or 'high_mem') only chose an implementation strategy in Theano; both give
    the same values here.
    """
    if mode not in ("low_mem", "high_mem"):
        raise ValueError(f"batch_normalization: mode must be 'low_mem' or 'high_mem', got {mode!r}")
    inputs, gamma, beta, mean, std = (as_tensor_variable(v) for v in (inputs, gamma, beta, mean, std))
    if mode == "low_mem":
        return (inputs - mean) * gamma / std + beta
    return (inputs - mean) * (gamma / std) + beta


def _norm_axes(axes, ndim):
    if axes == "per-activation":
        return (0,)
    if axes == "spatial":
        return (0,) + tuple(range(2, ndim))
    if isinstance(axes, str):
        raise ValueError(f"axes must be 'per-activation', 'spatial' or a tuple of ints, got {axes!r}")
    try:
        axes = tuple(int(a) for a in axes)
    except TypeError:
        raise ValueError(f"axes must be 'per-activation', 'spatial' or a tuple of ints, got {axes!r}") \
            from None
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for inputs with {ndim} dimensions")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"axes {axes} repeat a dimension")
    return tuple(sorted(out))


def _prepare_param(p, name, inputs, axes):
    """Bring a parameter to the rank of ``inputs`` with broadcastable ``axes``.

    A parameter may have the rank of ``inputs`` (length 1 on ``axes``) or lack the ``axes``
    dimensions altogether (then they are inserted). Returns the parameter and whether it was
    expanded.
    """
    p = as_tensor_variable(p)
    ndim = inputs.ndim
    if p.ndim == ndim:
        return addbroadcast(p, *axes) if axes else p, False
    if p.ndim == ndim - len(axes):
        pattern, k = [], 0
        for d in range(ndim):
            if d in axes:
                pattern.append("x")
            else:
                pattern.append(k)
                k += 1
        return p.dimshuffle(*pattern), True
    raise ValueError(f"{name} must have {ndim} dimensions (length 1 on axes {axes}) or "
                     f"{ndim - len(axes)} (without them), got {p.ndim}")


def _squeeze_axes(v, axes):
    keep = [d for d in range(v.ndim) if d not in axes]
    return v.dimshuffle(*keep)


def _const(value, like):
    return constant(np.asarray(value, dtype=like.dtype))


def _check_epsilon(epsilon):
    if epsilon < 1e-5:
        raise ValueError(f"epsilon must be at least 1e-5, got {epsilon}")


def batch_normalization_train(inputs, gamma, beta, axes="per-activation", epsilon=1e-4,
                              running_average_factor=0.1, running_mean=None, running_var=None):
    """Normalize ``inputs`` over ``axes`` with the batch statistics, then scale and shift.

    ``axes``: 'per-activation' (``(0,)``), 'spatial' (``(0, 2, 3, ...)``) or a tuple of ints.
    ``gamma``/``beta`` (and ``running_mean``/``running_var``) have the rank of ``inputs`` with
    length 1 on ``axes``, or omit those dimensions. Returns ``(out, mean, invstd)``, plus
    ``(new_running_mean, new_running_var)`` when both running averages are given, with
    ``new_running_mean = running_mean * (1 - f) + mean * f`` and
    ``new_running_var = running_var * (1 - f) + var * m / (m - 1) * f`` (``m`` values per
    statistic). ``mean``/``invstd`` have the rank that ``gamma`` was given with.
    """
    inputs = as_tensor_variable(inputs)
    axes = _norm_axes(axes, inputs.ndim)
    _check_epsilon(epsilon)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must be given together")
    gamma, squeeze = _prepare_param(gamma, "gamma", inputs, axes)
    beta, _ = _prepare_param(beta, "beta", inputs, axes)

    mean = tm.mean(inputs, axis=axes, keepdims=True)
    var = tm.var(inputs, axis=axes, keepdims=True)
    invstd = tm.inv(tm.sqrt(var + _const(epsilon, var)))
    out = (inputs - mean) * invstd * gamma + beta

    results = [out, mean, invstd]
    if running_mean is not None:
        rm, _ = _prepare_param(running_mean, "running_mean", inputs, axes)
        rv, _ = _prepare_param(running_var, "running_var", inputs, axes)
        f = _const(running_average_factor, rm)
        one = _const(1, rm)
        count = None
        for a in axes:
            term = cast(shape_i(inputs, a), var.dtype)
            count = term if count is None else count * term
        unbiased = var * count / (count - _const(1, var)) if count is not None else var
        new_rm = rm * (one - f) + cast(mean, rm.dtype) * f
        new_rv = rv * (one - _const(running_average_factor, rv)) + \
            cast(unbiased, rv.dtype) * _const(running_average_factor, rv)
        results += [new_rm, new_rv]
    if squeeze:
        results = [results[0]] + [_squeeze_axes(r, axes) for r in results[1:]]
    return tuple(results)


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation", epsilon=1e-4):
    """``(inputs - mean) * gamma / sqrt(var + epsilon) + beta`` with given statistics.

    Parameters may have the rank of ``inputs`` (length 1 on ``axes``) or omit the ``axes``
    dimensions.
    """
    inputs = as_tensor_variable(inputs)
    axes = _norm_axes(axes, inputs.ndim)
    _check_epsilon(epsilon)
    gamma, _ = _prepare_param(gamma, "gamma", inputs, axes)
    beta, _ = _prepare_param(beta, "beta", inputs, axes)
    mean, _ = _prepare_param(mean, "mean", inputs, axes)
    var, _ = _prepare_param(var, "var", inputs, axes)
    return (inputs - mean) * (gamma / tm.sqrt(var + _const(epsilon, var))) + beta
