"""Batch normalization (Theano 1.0's ``theano.tensor.nnet.bn``).

- ``batch_normalization(inputs, gamma, beta, mean, std)``: ``(inputs - mean) * gamma / std + beta``,
  built from elementwise ops.
- ``batch_normalization_train(inputs, gamma, beta, axes, epsilon, running_average_factor,
  running_mean, running_var)``: normalize with the statistics of the batch (one
  ``AbstractBatchNormTrain`` node), and optionally update running averages of the mean and of the
  unbiased variance.
- ``batch_normalization_test(inputs, gamma, beta, mean, var, axes, epsilon)``: normalize with given
  statistics (one ``AbstractBatchNormInference`` node).

The three ops hold their whole contract (``perform``, ``grad``, ``infer_shape``); the gradient of a
training node is one ``AbstractBatchNormTrainGrad`` node, which has a gradient of its own. As in
Theano 1.0, compiling a function lowers them (specialize phase, also under 'fast_compile') into the
elementwise graph of the same formulas, so every backend fuses and runs them natively; without
rewrites they run through ``perform``. ``perform`` and the lowered graph evaluate one set of formulas
(``_train``, ``_train_grad``, ``_inference``), written once for NumPy arrays and symbolic tensors.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_specialize
from theano.scalar.basic import float_dtypes, upcast
from theano.tensor import math as tm
from theano.tensor.basic import (NotScalarConstantError, addbroadcast, as_tensor_variable, cast,
                                 constant, get_scalar_constant_value, patternbroadcast, second,
                                 zeros_like)
from theano.tensor.reshaping import shape_i
from theano.tensor.type import TensorType

__all__ = ["batch_normalization", "batch_normalization_train", "batch_normalization_test",
           "AbstractBatchNormTrain", "AbstractBatchNormInference", "AbstractBatchNormTrainGrad"]


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


# -------------------------------------------------------------------------------------------------
# The formulas, once for NumPy arrays (perform) and once for symbolic tensors (gradients, lowering)
# -------------------------------------------------------------------------------------------------


class _NumPyMath:
    @staticmethod
    def mean(v, axes):
        return v.mean(axis=axes, keepdims=True)

    @staticmethod
    def sum(v, axes):
        return v.sum(axis=axes, keepdims=True)

    @staticmethod
    def rsqrt(v):
        return 1 / np.sqrt(v)

    @staticmethod
    def count(x, axes):
        return np.asarray(np.prod([x.shape[a] for a in axes]), dtype=x.dtype)


class _SymbolicMath:
    @staticmethod
    def mean(v, axes):
        return tm.mean(v, axis=list(axes), keepdims=True)

    @staticmethod
    def sum(v, axes):
        return tm.sum(v, axis=list(axes), keepdims=True)

    @staticmethod
    def rsqrt(v):
        return tm.inv(tm.sqrt(v))

    @staticmethod
    def count(x, axes):
        n = None
        for a in axes:
            term = cast(shape_i(x, a), x.dtype)
            n = term if n is None else n * term
        return n


def _train(xp, axes, x, scale, bias, eps, factor=None, rmean=None, rvar=None):
    """[out, mean, invstd] (+ [new running mean, new running var] with running averages)."""
    mean = xp.mean(x, axes)
    d = x - mean
    var = xp.mean(d * d, axes)
    invstd = xp.rsqrt(var + eps)
    res = [d * (scale * invstd) + bias, mean, invstd]
    if rmean is not None:
        n = xp.count(x, axes)
        with np.errstate(divide="ignore", invalid="ignore"):  # one value per statistic: inf/nan
            unbiased = var * (n / (n - 1))
        res += [rmean * (1 - factor) + mean * factor, rvar * (1 - factor) + unbiased * factor]
    return res


def _train_grad(xp, axes, param_axes, x, dy, scale, mean, invstd):
    """The gradients of ``out`` with respect to x, scale and bias, given ``dy`` (its gradient);
    ``mean`` and ``invstd`` are the batch statistics. ``param_axes``: the dimensions the parameter
    gradients are summed over (the broadcastable dimensions of ``scale``)."""
    d = x - mean
    a = xp.mean(dy * d, axes)
    c = dy * invstd - d * (a * (invstd * invstd * invstd))
    return [scale * (c - xp.mean(c, axes)), xp.sum(dy * invstd * d, param_axes),
            xp.sum(dy, param_axes)]


def _inference(xp, x, scale, bias, mean, var, eps):
    return (x - mean) * (scale * xp.rsqrt(var + eps)) + bias


# -------------------------------------------------------------------------------------------------
# Checking and converting the inputs of the ops
# -------------------------------------------------------------------------------------------------


def _check_op_axes(axes, what):
    try:
        axes = tuple(int(a) for a in axes)
    except TypeError:
        raise TypeError(f"{what}: axes must be a tuple of ints, got {axes!r}") from None
    if not axes:
        raise ValueError(f"{what}: there must be at least one normalization axis")
    if min(axes) < 0 or len(set(axes)) != len(axes):
        raise ValueError(f"{what}: axes must be distinct non-negative ints, got {axes}")
    return tuple(sorted(axes))


def _common_float(what, names, values):
    """The tensors ``values`` in their common dtype, which must be a float dtype."""
    vs = [as_tensor_variable(v) for v in values]
    dtype = upcast(*[v.dtype for v in vs])
    if dtype not in float_dtypes:
        got = ", ".join(f"{n}: {v.dtype}" for n, v in zip(names, vs))
        raise TypeError(f"{what} needs float inputs, got {got}; cast them first")
    ndim = vs[0].ndim
    for n, v in zip(names, vs):
        if v.ndim != ndim:
            raise TypeError(f"{what}: {n} has {v.ndim} dimensions, {names[0]} has {ndim}; give "
                            f"every parameter the rank of {names[0]} (length 1 on the normalized "
                            "axes)")
    return [cast(v, dtype) if v.dtype != dtype else v for v in vs], dtype


def _scalar_input(v, dtype, what, name):
    if not isinstance(v, Variable):
        return constant(np.asarray(v, dtype=dtype))
    v = as_tensor_variable(v)
    if v.ndim != 0:
        raise TypeError(f"{what}: {name} must be a scalar, got {v.ndim} dimensions")
    return cast(v, dtype) if v.dtype != dtype else v


def _broadcast_on(v, axes):
    """``v`` with ``axes`` broadcastable (a run-time check that they have length 1)."""
    missing = [a for a in axes if not v.broadcastable[a]]
    return addbroadcast(v, *missing) if missing else v


def _check_shapes(op, x, named):
    """Each (name, array, broadcastable) must have the shape of ``x``, or length 1 on its
    broadcastable dimensions."""
    for name, arr, bc in named:
        if arr.ndim != x.ndim or any(s != xs and not (s == 1 and b)
                                     for s, xs, b in zip(arr.shape, x.shape, bc)):
            raise ValueError(f"{op}: {name} has shape {arr.shape}, which does not match the input "
                             f"shape {x.shape} (length 1 is allowed on its broadcastable "
                             f"dimensions {tuple(d for d, b in enumerate(bc) if b)})")


def _is_zero(g):
    try:
        return float(get_scalar_constant_value(g)) == 0
    except (NotScalarConstantError, TypeError, ValueError):
        return False


def _sum_to(g, like):
    """``g`` summed (keeping dimensions) over the dimensions along which ``like`` broadcasts."""
    axes = [d for d, (b, gb) in enumerate(zip(like.broadcastable, g.broadcastable)) if b and not gb]
    return tm.sum(g, axis=axes, keepdims=True) if axes else g


def _add(terms, like):
    """The sum of the gradient terms (None: none), with the shape of ``like``."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return zeros_like(like)
    total = terms[0] if len(terms) == 1 else tm.add(*terms)
    return total if total.broadcastable == like.broadcastable else second(like, total)


def _stats_type(x, axes):
    return TensorType(x.dtype, tuple(d in axes or b for d, b in enumerate(x.broadcastable)))


def _check_axes_fit(op, axes, x):
    if max(axes) >= x.ndim:
        raise ValueError(f"{op}: axes {axes} do not fit inputs with {x.ndim} dimensions")


# -------------------------------------------------------------------------------------------------
# The ops
# -------------------------------------------------------------------------------------------------


class AbstractBatchNormTrain(Op):
    """Batch normalization with the statistics of the batch, over ``axes``.

    Inputs: ``x``, ``scale``, ``bias``, ``epsilon``, ``running_average_factor`` and optionally
    ``running_mean``, ``running_var`` (parameters have the rank of ``x`` and length 1 on ``axes``).
    Outputs: ``out``, ``mean``, ``invstd`` (``1 / sqrt(var + epsilon)``) and, with running averages,
    ``running_mean * (1 - f) + mean * f`` and ``running_var * (1 - f) + var * m / (m - 1) * f``
    (``m`` values per statistic: Theano 1.0's unbiased variance).
    """

    __props__ = ("axes",)

    def __init__(self, axes=(0,)):
        self.axes = _check_op_axes(axes, type(self).__name__)

    def make_node(self, x, scale, bias, epsilon=1e-4, running_average_factor=0.1,
                  running_mean=None, running_var=None):
        what = type(self).__name__
        if (running_mean is None) != (running_var is None):
            raise ValueError(f"{what}: running_mean and running_var must be given together")
        names = ["x", "scale", "bias"] + (["running_mean", "running_var"] if running_mean is not None
                                          else [])
        values = [x, scale, bias] + ([running_mean, running_var] if running_mean is not None else [])
        tensors, dtype = _common_float(what, names, values)
        x = tensors[0]
        _check_axes_fit(what, self.axes, x)
        params = [_broadcast_on(p, self.axes) for p in tensors[1:]]
        eps = _scalar_input(epsilon, dtype, what, "epsilon")
        factor = _scalar_input(running_average_factor, dtype, what, "running_average_factor")
        stats = _stats_type(x, self.axes)
        outputs = [x.type(), stats(), stats()] + [stats() for _ in params[2:]]
        return Apply(self, [x, params[0], params[1], eps, factor] + params[2:], outputs)

    def perform(self, node, inputs, output_storage):
        x, scale, bias, eps, factor = inputs[:5]
        _check_shapes(self, x, [(n, v, i.broadcastable) for n, v, i in
                                zip(("scale", "bias", "running_mean", "running_var"),
                                    inputs[1:3] + inputs[5:], node.inputs[1:3] + node.inputs[5:])])
        res = _train(_NumPyMath, self.axes, x, scale, bias, eps, factor, *inputs[5:])
        for cell, r, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(r, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        xs = input_shapes[0]
        stats = tuple(1 if d in self.axes else s for d, s in enumerate(xs))
        return [xs] + [stats] * (len(node.outputs) - 1)

    def connection_pattern(self, node):
        running = len(node.inputs) > 5
        rows = [[True, True, True], [True, False, False], [True, False, False],
                [True, False, True], [False, False, False]]
        if running:
            rows[0] += [True, True]
            for r in rows[1:4]:
                r += [False, False]
            rows[4] += [True, True]
            rows += [[False] * 3 + [True, False], [False] * 3 + [False, True]]
        return rows

    def L_op(self, inputs, outputs, grads):
        x, scale, bias, eps, factor = inputs[:5]
        _, mean, invstd = outputs[:3]
        g_out, g_mean, g_invstd, g_rmean, g_rvar = [None if _is_zero(g) else g for g in
                                                    list(grads) + [None] * (5 - len(grads))]
        rmean, rvar = inputs[5:] if len(inputs) > 5 else (None, None)
        n = _SymbolicMath.count(x, self.axes)
        d = x - mean
        cube = invstd * invstd * invstd
        gx_terms, g_scale, g_bias = [], None, None
        if g_out is not None:
            gx, g_scale, g_bias = AbstractBatchNormTrainGrad(self.axes)(x, g_out, scale, mean, invstd,
                                                                        eps)
            if bias.broadcastable != scale.broadcastable:
                g_bias = _sum_to(g_out, bias)
            gx_terms.append(gx)
        g_mean_all = [g for g in (g_mean, None if g_rmean is None else g_rmean * factor) if g is not None]
        if g_mean_all:
            gx_terms.append(tm.add(*g_mean_all) / n if len(g_mean_all) > 1 else g_mean_all[0] / n)
        if g_invstd is not None:
            gx_terms.append(-(g_invstd * cube) * d / n)
        if g_rvar is not None:
            gx_terms.append((g_rvar * factor) * (2 * d) / (n - 1))
        res = [_add(gx_terms, x), _add([g_scale], scale), _add([g_bias], bias)]
        if isinstance(eps, Constant):
            res.append(disconnected_type())
        else:  # d out / d invstd and d invstd / d eps = -invstd**3 / 2
            g_inv = [g_invstd] + ([_sum_to(g_out * d * scale, invstd)] if g_out is not None else [])
            res.append(tm.sum(-0.5 * cube * _add(g_inv, invstd)))
        if rmean is None:  # the factor is unused
            return res + [disconnected_type()]
        if isinstance(factor, Constant):
            res.append(disconnected_type())
        else:
            var = _SymbolicMath.mean(d * d, self.axes)
            terms = [tm.sum(g_rmean * (mean - rmean)) if g_rmean is not None else None,
                     tm.sum(g_rvar * (var * (n / (n - 1)) - rvar)) if g_rvar is not None else None]
            terms = [t for t in terms if t is not None]
            res.append(tm.add(*terms) if len(terms) > 1 else terms[0] if terms else zeros_like(factor))
        res += [_add([None if g_rmean is None else _sum_to(g_rmean * (1 - factor), rmean)], rmean),
                _add([None if g_rvar is None else _sum_to(g_rvar * (1 - factor), rvar)], rvar)]
        return res


class AbstractBatchNormInference(Op):
    """``(x - mean) * scale / sqrt(var + epsilon) + bias`` with given statistics, normalized over
    ``axes`` (inputs ``x, scale, bias, estimated_mean, estimated_variance, epsilon``; parameters
    have the rank of ``x`` and length 1 on ``axes``)."""

    __props__ = ("axes",)

    def __init__(self, axes=(0,)):
        self.axes = _check_op_axes(axes, type(self).__name__)

    def make_node(self, x, scale, bias, estimated_mean, estimated_variance, epsilon=1e-4):
        what = type(self).__name__
        tensors, dtype = _common_float(
            what, ["x", "scale", "bias", "estimated_mean", "estimated_variance"],
            [x, scale, bias, estimated_mean, estimated_variance])
        x = tensors[0]
        _check_axes_fit(what, self.axes, x)
        params = [_broadcast_on(p, self.axes) for p in tensors[1:]]
        eps = _scalar_input(epsilon, dtype, what, "epsilon")
        return Apply(self, [x] + params + [eps], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        _check_shapes(self, x, [(n, v, i.broadcastable) for n, v, i in
                                zip(("scale", "bias", "estimated_mean", "estimated_variance"),
                                    inputs[1:5], node.inputs[1:5])])
        output_storage[0][0] = np.asarray(_inference(_NumPyMath, *inputs), dtype=x.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True]] * 6

    def L_op(self, inputs, outputs, grads):
        x, scale, bias, mean, var, eps = inputs
        (g,) = grads
        invstd = tm.inv(tm.sqrt(var + eps))
        d = x - mean
        g_scaled = g * scale * invstd
        g_var_full = -0.5 * g_scaled * d * (invstd * invstd)
        res = [_add([g_scaled], x), _sum_to(g * d * invstd, scale), _sum_to(g, bias),
               _sum_to(-g_scaled, mean), _sum_to(g_var_full, var)]
        res.append(disconnected_type() if isinstance(eps, Constant) else tm.sum(g_var_full))
        return res


class AbstractBatchNormTrainGrad(Op):
    """The gradients of a training batch normalization's output with respect to ``x``, ``scale``
    and ``bias``: inputs ``x, dy, scale, x_mean, x_invstd, epsilon`` (``dy``: the output's
    gradient; ``x_mean``/``x_invstd``: the batch statistics, taken as given); outputs
    ``g_inputs, g_scale, g_bias`` (``epsilon`` is unused: the statistics already hold it)."""

    __props__ = ("axes",)

    def __init__(self, axes=(0,)):
        self.axes = _check_op_axes(axes, type(self).__name__)

    def make_node(self, x, dy, scale, x_mean, x_invstd, epsilon=1e-4):
        what = type(self).__name__
        tensors, dtype = _common_float(what, ["x", "dy", "scale", "x_mean", "x_invstd"],
                                       [x, dy, scale, x_mean, x_invstd])
        x, dy = tensors[:2]
        _check_axes_fit(what, self.axes, x)
        if dy.broadcastable != x.broadcastable:
            dy = patternbroadcast(dy, x.broadcastable)
        scale, mean, invstd = (_broadcast_on(p, self.axes) for p in tensors[2:])
        eps = _scalar_input(epsilon, dtype, what, "epsilon")
        return Apply(self, [x, dy, scale, mean, invstd, eps], [x.type(), scale.type(), scale.type()])

    def _param_axes(self, node):
        return tuple(d for d, b in enumerate(node.inputs[2].broadcastable) if b)

    def perform(self, node, inputs, output_storage):
        x, dy, scale, mean, invstd = inputs[:5]
        _check_shapes(self, x, [(n, v, i.broadcastable) for n, v, i in
                                zip(("dy", "scale", "x_mean", "x_invstd"), inputs[1:5],
                                    node.inputs[1:5])])
        res = _train_grad(_NumPyMath, self.axes, self._param_axes(node), x, dy, scale, mean, invstd)
        for cell, r, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(r, dtype=out.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0], input_shapes[2], input_shapes[2]]

    def connection_pattern(self, node):
        # inputs x, dy, scale, x_mean, x_invstd, epsilon; outputs g_inputs, g_scale, g_bias
        return [[True, True, False], [True, True, True], [True, False, False], [True, True, False],
                [True, True, False], [False, False, False]]

    def L_op(self, inputs, outputs, grads):
        # the derivatives of g_inputs = scale * (c - mean(c)), c = dy*s - d*mean(dy*d)*s**3,
        # g_scale = sum(dy*s*d), g_bias = sum(dy), with d = x - x_mean, s = x_invstd
        x, dy, scale, mean, invstd, _ = inputs
        gg_x, gg_scale, gg_bias = [None if _is_zero(g) else g for g in grads]
        mean_ax = lambda v: _SymbolicMath.mean(v, self.axes)  # noqa: E731
        d = x - mean
        cube = invstd * invstd * invstd
        t_x, t_dy, t_scale, t_mean, t_invstd = [], [], [], [], []
        if gg_x is not None:
            a = mean_ax(dy * d)
            ccc = scale * gg_x
            ccc = ccc - mean_ax(ccc)
            b = mean_ax(ccc * d)
            ddd = cube * (ccc * a + dy * b)
            c = dy * invstd - d * (a * cube)
            t_x.append(-ddd)
            t_mean.append(_sum_to(ddd, mean))
            t_dy.append(ccc * invstd - cube * d * b)
            t_scale.append(_sum_to(gg_x * (c - mean_ax(c)), scale))
            t_invstd.append(_sum_to(ccc * (dy - 3 * (invstd * invstd) * d * a), invstd))
        if gg_scale is not None:
            t_x.append(gg_scale * invstd * dy)
            t_dy.append(gg_scale * invstd * d)
            t_mean.append(_sum_to(-gg_scale * invstd * dy, mean))
            t_invstd.append(_sum_to(gg_scale * dy * d, invstd))
        if gg_bias is not None:
            t_dy.append(second(dy, gg_bias))
        return [_add(t_x, x), _add(t_dy, dy), _add(t_scale, scale), _add(t_mean, mean),
                _add(t_invstd, invstd), disconnected_type()]


# -------------------------------------------------------------------------------------------------
# Lowering into elementwise graphs when a function is compiled
# -------------------------------------------------------------------------------------------------


def _as_outputs(results, node):
    out = []
    for r, o in zip(results, node.outputs):
        if r.dtype != o.dtype:
            r = cast(r, o.dtype)
        if r.broadcastable != o.broadcastable:
            r = patternbroadcast(r, o.broadcastable)
        if r.type != o.type:
            return None
        out.append(r)
    return out


@node_rewriter([AbstractBatchNormTrain])
def local_abstract_batch_norm_train(fgraph, node):
    """AbstractBatchNormTrain -> means, variance and the normalization, elementwise."""
    return _as_outputs(_train(_SymbolicMath, node.op.axes, *node.inputs), node)


@node_rewriter([AbstractBatchNormTrainGrad])
def local_abstract_batch_norm_train_grad(fgraph, node):
    """AbstractBatchNormTrainGrad -> its formulas, elementwise."""
    x, dy, scale, mean, invstd, _ = node.inputs
    return _as_outputs(_train_grad(_SymbolicMath, node.op.axes, node.op._param_axes(node),
                                   x, dy, scale, mean, invstd), node)


@node_rewriter([AbstractBatchNormInference])
def local_abstract_batch_norm_inference(fgraph, node):
    """AbstractBatchNormInference -> ``(x - mean) * (scale / sqrt(var + eps)) + bias``."""
    return _as_outputs([_inference(_SymbolicMath, *node.inputs)], node)


for _rw in (local_abstract_batch_norm_train, local_abstract_batch_norm_train_grad,
            local_abstract_batch_norm_inference):
    register_specialize(_rw, "batchnorm_opts", "nnet", fast_compile=True)


# -------------------------------------------------------------------------------------------------
# The functions users call
# -------------------------------------------------------------------------------------------------


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
    if not out:
        raise ValueError("batch normalization needs at least one axis to normalize over")
    return tuple(sorted(out))


def _prepare_params(named, inputs, axes):
    """Bring the parameters to the rank of ``inputs`` with broadcastable ``axes``.

    Parameters have the rank of ``inputs`` (length 1 on ``axes``) or lack the ``axes`` dimensions
    altogether (then they are inserted), all the same. Returns the parameters and whether they
    were expanded.
    """
    ndim = inputs.ndim
    out, expanded = [], set()
    for name, p in named:
        p = as_tensor_variable(p)
        if p.ndim == ndim:
            out.append(_broadcast_on(p, axes))
            expanded.add(False)
        elif p.ndim == ndim - len(axes):
            pattern, k = [], 0
            for d in range(ndim):
                if d in axes:
                    pattern.append("x")
                else:
                    pattern.append(k)
                    k += 1
            out.append(p.dimshuffle(*pattern))
            expanded.add(True)
        else:
            raise ValueError(f"{name} must have {ndim} dimensions (length 1 on axes {axes}) or "
                             f"{ndim - len(axes)} (without them), got {p.ndim}")
    if len(expanded) > 1:
        raise ValueError(f"{', '.join(n for n, _ in named)} must all have {ndim} dimensions or all "
                         f"{ndim - len(axes)}, got {', '.join(str(as_tensor_variable(p).ndim) for _, p in named)}")
    return out, expanded == {True}


def _squeeze_axes(v, axes):
    return v.dimshuffle(*[d for d in range(v.ndim) if d not in axes])


def _check_epsilon(epsilon):
    if not isinstance(epsilon, Variable) and epsilon < 1e-5:
        raise ValueError(f"epsilon must be at least 1e-5, got {epsilon}")


def batch_normalization_train(inputs, gamma, beta, axes="per-activation", epsilon=1e-4,
                              running_average_factor=0.1, running_mean=None, running_var=None):
    """Normalize ``inputs`` over ``axes`` with the batch statistics, then scale and shift.

    ``axes``: 'per-activation' (``(0,)``), 'spatial' (``(0, 2, 3, ...)``) or a tuple of ints.
    ``gamma``/``beta`` (and ``running_mean``/``running_var``) have the rank of ``inputs`` with
    length 1 on ``axes``, or all omit those dimensions. Returns ``(out, mean, invstd)``, plus
    ``(new_running_mean, new_running_var)`` when both running averages are given, with
    ``new_running_mean = running_mean * (1 - f) + mean * f`` and
    ``new_running_var = running_var * (1 - f) + var * m / (m - 1) * f`` (``m`` values per
    statistic). ``mean``/``invstd`` have the rank that ``gamma`` was given with; the new running
    averages have the broadcast pattern of the ones given (so that they can update them).
    """
    inputs = as_tensor_variable(inputs)
    axes = _norm_axes(axes, inputs.ndim)
    _check_epsilon(epsilon)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must be given together")
    named = [("gamma", gamma), ("beta", beta)]
    if running_mean is not None:
        named += [("running_mean", running_mean), ("running_var", running_var)]
    params, expanded = _prepare_params(named, inputs, axes)
    op = AbstractBatchNormTrain(axes)
    results = op(inputs, params[0], params[1], epsilon, running_average_factor, *params[2:])
    if expanded:
        results = [results[0]] + [_squeeze_axes(r, axes) for r in results[1:]]
    for k in (3, 4)[:len(results) - 3]:  # the pattern of the running average it updates
        given = as_tensor_variable(named[k - 1][1]).broadcastable
        r = results[k]
        results[k] = patternbroadcast(r, tuple(a and b for a, b in zip(r.broadcastable, given)))
    return tuple(results)


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation", epsilon=1e-4):
    """``(inputs - mean) * gamma / sqrt(var + epsilon) + beta`` with given statistics.

    Parameters have the rank of ``inputs`` (length 1 on ``axes``) or all omit the ``axes``
    dimensions.
    """
    inputs = as_tensor_variable(inputs)
    axes = _norm_axes(axes, inputs.ndim)
    _check_epsilon(epsilon)
    params, _ = _prepare_params([("gamma", gamma), ("beta", beta), ("mean", mean), ("var", var)],
                                inputs, axes)
    return AbstractBatchNormInference(axes)(inputs, *params, epsilon)
