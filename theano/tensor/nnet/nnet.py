"""Neural-network building blocks: activations, softmax and the cross-entropy costs.

Op classes here are stable names the graph rewriter may match on:

- ``Softmax``: row-wise softmax over the last axis (``softmax``); its gradient is ``SoftmaxGrad``.
- ``SoftmaxWithBias``: ``softmax(x + b)`` for a bias vector (``softmax_with_bias``).
- ``LogSoftmax``: ``log(softmax(x))`` computed stably in one step (``logsoftmax``).
- ``CrossentropyCategorical1Hot``: ``-log(coding[i, y[i]])`` for a matrix of probabilities and a
  vector of integer class indices; its gradient is ``CrossentropyCategorical1HotGrad``.
- ``CrossentropySoftmaxArgmax1HotWithBias``: the fused ``softmax(x + b)`` + 1-hot cross-entropy +
  argmax, with the gradient ``CrossentropySoftmax1HotWithBiasDx`` (``dnll * (softmax - onehot)``).
  A rewrite can replace ``crossentropy_categorical_1hot(softmax(x + b), y)`` by it.

The activations (relu, elu, selu, hard_sigmoid, ultra_fast_sigmoid, binary cross-entropies) are
graphs of existing elementwise ops, so their gradients come from those ops.
"""

import warnings

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.graph.null_type import grad_undefined
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.allocation import arange
from theano.tensor.basic import as_tensor_variable, cast, constant, zeros_like
from theano.tensor.elemwise import Elemwise
from theano.tensor.extra_ops import unique
from theano.tensor.grad_shaping import disconnected_grad
from theano.tensor.joining import concatenate
from theano.tensor.linalg_ops import batched_dot, tensordot
from theano.tensor.math import sigmoid, softplus
from theano.tensor.type import TensorType

__all__ = [
    "sigmoid", "softplus", "ultra_fast_sigmoid", "hard_sigmoid", "relu", "elu", "selu", "softsign",
    "Softmax", "SoftmaxGrad", "LogSoftmax", "softmax", "softmax_op", "softmax_grad", "logsoftmax",
    "logsoftmax_op", "softmax_graph", "softmax_with_bias", "SoftmaxWithBias",
    "CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad", "crossentropy_categorical_1hot",
    "crossentropy_categorical_1hot_grad", "categorical_crossentropy", "binary_crossentropy",
    "sigmoid_binary_crossentropy",
    "CrossentropySoftmaxArgmax1HotWithBias", "CrossentropySoftmax1HotWithBiasDx",
    "crossentropy_softmax_argmax_1hot_with_bias", "crossentropy_softmax_1hot_with_bias",
    "crossentropy_softmax_1hot", "crossentropy_softmax_1hot_with_bias_dx", "h_softmax",
    "crossentropy_softmax_max_and_argmax_1hot", "crossentropy_softmax_max_and_argmax_1hot_with_bias",
]


# -------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------


def _float_input(x, who, argname="x"):
    x = as_tensor_variable(x)
    if x.dtype not in ts.float_dtypes:
        raise TypeError(f"{who}: {argname} must be a tensor of floats, got dtype {x.dtype} ({x})")
    return x


def _as_float(x):
    """Integer inputs become floatX (as Theano's float-only elementwise ops do); floats stay."""
    x = as_tensor_variable(x)
    if x.dtype in ts.discrete_dtypes:
        x = cast(x, config.floatX)
    return x


def _upgrade_to_float(x):
    """Integer inputs become the float that Theano's float ops give them (int8/int16/uint8/uint16
    -> float32, wider integers -> float64), independently of floatX; floats stay."""
    x = as_tensor_variable(x)
    if x.dtype in ts.discrete_dtypes:
        x = cast(x, ts.upgrade_to_float(x.dtype))
    return x


def _const(value, like):
    """A scalar constant with the dtype of ``like``, so Python numbers never upcast float32."""
    return constant(np.asarray(value, dtype=like.dtype))


def _as_param(value, like):
    if isinstance(value, (int, float, np.number)):
        return _const(value, like)
    return as_tensor_variable(value)


def _softmax_shift(x, m):
    """What to subtract from each row before ``exp``: 0 (the plain ``exp(x) / sum(exp(x))``, most
    accurate) where no ``exp`` of the row can overflow and its largest one is a normal number, the
    row maximum ``m`` otherwise (where the plain formula gives inf/NaN or denormals)."""
    info = np.finfo(x.dtype)
    hi = np.log(info.max) - np.log(max(x.shape[-1], 1)) - 1.0
    lo = np.log(info.tiny) + 1.0
    return np.where((m <= hi) & (m >= lo), np.zeros((), dtype=x.dtype), m)


def _stable_softmax(x):
    if x.size == 0:
        return np.zeros(x.shape, dtype=x.dtype)
    with np.errstate(invalid="ignore"):
        m = x.max(axis=-1, keepdims=True)
        e = np.exp(x - _softmax_shift(x, m))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _stable_logsoftmax(x):
    """``x - max - log(sum(exp(x - max)))`` over the last axis. The maximal entry contributes
    exactly ``exp(0) = 1`` to the sum, so the log is taken as ``log1p`` of the sum of the others: an
    entry that dominates its row gets a log-probability accurate to the last bits."""
    if x.size == 0:
        return np.zeros(x.shape, dtype=x.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        m = x.max(axis=-1, keepdims=True)
        shifted = x - m
        e = np.exp(shifted)
        # the maximal entry (the first, as argmax gives it) of each row counts as the 1
        rows = e.reshape(-1, e.shape[-1])
        rows[np.arange(rows.shape[0]), np.argmax(x, axis=-1).reshape(-1)] = 0
        others = e.sum(axis=-1, keepdims=True)
        # below half an epsilon 1 + others rounds to 1: the dominant entry gets exactly 0, as
        # log(softmax) and Theano's op give it (a cost that reaches 0 stays 0)
        others[others < np.finfo(x.dtype).eps / 2] = 0
        log_sum = np.log1p(others)
        finite = np.isfinite(m)
        if not finite.all():        # a row with an inf or nan: the plain formula's value
            plain = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            log_sum = np.where(finite, log_sum, plain)
    return np.asarray(shifted - log_sum, dtype=x.dtype)


# -------------------------------------------------------------------------------------------------
# Activations (graphs of elementwise ops)
# -------------------------------------------------------------------------------------------------


# Theano 1.0's piecewise approximation of the sigmoid (max error about 0.02) as one elementwise
# op, whose gradient is the approximation's own derivative (scalar/basic.py says how it computes)
ultra_fast_sigmoid = Elemwise(ts.ultra_fast_scalar_sigmoid, name="ultra_fast_sigmoid")
ultra_fast_scalar_sigmoid = ts.ultra_fast_scalar_sigmoid


def hard_sigmoid(x):
    """``clip(0.2 * x + 0.5, 0, 1)``: a cheap piecewise-linear sigmoid."""
    x = _upgrade_to_float(x)
    return tm.clip(x * _const(0.2, x) + _const(0.5, x), _const(0, x), _const(1, x))


def relu(x, alpha=0):
    """Rectified linear unit: ``x`` where positive, ``alpha * x`` elsewhere (leaky when alpha != 0).

    ``alpha`` may be a number or a symbolic scalar/tensor broadcastable against ``x``. As in
    Theano, NumPy values in give NumPy values out: ``relu(ndarray)`` is computed now and returns
    an ndarray (of ``x``'s dtype when it is a float array).
    """
    if not isinstance(x, Variable) and not isinstance(alpha, Variable):
        arr = np.asarray(x)
        if arr.dtype == object or arr.dtype.kind not in "biuf":
            raise TypeError(f"relu: expected a tensor or a numeric array, got {x!r}")
        a = np.asarray(alpha)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"relu: alpha must be numeric, got {alpha!r}")
        if not np.any(a):
            return 0.5 * (arr + np.abs(arr))       # Theano 1.0's formula, as for tensors
        out = np.where(arr > 0, arr, a * arr)
        return out.astype(arr.dtype) if arr.dtype.kind == "f" else out
    x = as_tensor_variable(x)
    # Theano 1.0's formulas, so that values and gradients are Theano's to the last bit: the
    # gradient at exactly 0 is 0.5 * (1 + alpha) (half of each side's slope), which a model whose
    # pre-activations are exactly 0 (zero biases on zero padding) meets at its first steps
    # (Python numbers, as in Theano: float32 stays float32, an integer x gives floats)
    if isinstance(alpha, (int, float, np.number)) and alpha == 0:
        return 0.5 * (x + tm.abs_(x))
    a = _as_param(alpha, x) if x.dtype in ts.float_dtypes else as_tensor_variable(alpha)
    return 0.5 * (1 + a) * x + 0.5 * (1 - a) * tm.abs_(x)


def elu(x, alpha=1):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    x = _as_float(x)
    a = _as_param(alpha, x)
    return tm.switch(tm.gt(x, _const(0, x)), x, a * tm.expm1(x))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled exponential linear unit (Klambauer et al. 2017): ``scale * elu(x, alpha)``."""
    x = _as_float(x)
    return _const(_SELU_SCALE, x) * elu(x, _SELU_ALPHA)


def softsign(x):
    """``x / (1 + |x|)``."""
    x = _as_float(x)
    return x / (_const(1, x) + tm.abs_(x))


# -------------------------------------------------------------------------------------------------
# Softmax
# -------------------------------------------------------------------------------------------------


class Softmax(Op):
    """Softmax over the last axis, computed stably (the row maximum is subtracted first).

    Takes a tensor of floats with at least one dimension (Theano used matrices; ``softmax`` turns a
    vector into a one-row matrix as Theano did). The output has the input's type.
    """

    __props__ = ()

    def make_node(self, x):
        x = _float_input(x, "Softmax")
        if x.ndim < 1:
            raise TypeError(f"Softmax: x must have at least one dimension, got a scalar ({x})")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = _stable_softmax(inputs[0])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [softmax_grad(output_grads[0], outputs[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [softmax_grad(eval_points[0], self(inputs[0]))]


class SoftmaxGrad(Op):
    """Gradient of the softmax: ``(dy - sum(dy * sm, -1)) * sm`` for the output ``sm``."""

    __props__ = ()

    def make_node(self, dy, sm):
        dy = _float_input(dy, "SoftmaxGrad", "dy")
        sm = _float_input(sm, "SoftmaxGrad", "sm")
        if dy.ndim != sm.ndim or sm.ndim < 1:
            raise TypeError(f"SoftmaxGrad: dy and sm must have the same number (>= 1) of dimensions, "
                            f"got {dy.ndim} and {sm.ndim}")
        dtype = ts.upcast(dy.dtype, sm.dtype)
        bcast = tuple(a and b for a, b in zip(dy.broadcastable, sm.broadcastable))
        return Apply(self, [dy, sm], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        dy, sm = inputs
        if dy.shape != sm.shape:
            raise ValueError(f"SoftmaxGrad: dy has shape {dy.shape} but sm has shape {sm.shape}")
        with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 -> nan, as elementwise ops do
            dx = (dy - (dy * sm).sum(axis=-1, keepdims=True)) * sm
        output_storage[0][0] = np.asarray(dx, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        dy, sm = inputs
        (g,) = output_grads
        # dx = sm * (dy - S), S = sum(dy * sm, -1)
        g_dy = softmax_grad(g, sm)
        s_dy = tm.sum(dy * sm, axis=-1, keepdims=True)
        s_g = tm.sum(g * sm, axis=-1, keepdims=True)
        g_sm = g * (dy - s_dy) - dy * s_g
        return [g_dy, g_sm]


class LogSoftmax(Op):
    """``log(softmax(x))`` over the last axis, computed as ``x - max - log(sum(exp(x - max)))``."""

    __props__ = ()

    def make_node(self, x):
        x = _float_input(x, "LogSoftmax")
        if x.ndim < 1:
            raise TypeError(f"LogSoftmax: x must have at least one dimension, got a scalar ({x})")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = _stable_logsoftmax(inputs[0])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz - tm.exp(outputs[0]) * tm.sum(gz, axis=-1, keepdims=True)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        ev = eval_points[0]
        sm = tm.exp(self(inputs[0]))
        return [ev - tm.sum(ev * sm, axis=-1, keepdims=True)]


softmax_op = Softmax()
softmax_grad_op = SoftmaxGrad()
logsoftmax_op = LogSoftmax()


# Theano 1.0 names the op instance ``softmax_grad``
softmax_grad = softmax_grad_op


def _as_row_if_vector(c):
    c = as_tensor_variable(c)
    if c.ndim == 1:
        c = c.dimshuffle("x", 0)
    return c


def softmax(c):
    """Softmax of each row of the matrix ``c`` (a vector gives a one-row matrix, as in Theano)."""
    c = _as_row_if_vector(_as_float(c))
    if c.broadcastable[-1]:
        warnings.warn("softmax is applied over a dimension of length 1 (broadcastable): every "
                      "output will be 1.0", stacklevel=2)
    return softmax_op(c)


def logsoftmax(c):
    """``log(softmax(c))`` computed stably (a vector gives a one-row matrix, as in Theano)."""
    c = _as_row_if_vector(_as_float(c))
    return logsoftmax_op(c)


def softmax_graph(c):
    """Softmax as a plain graph ``exp(c) / sum(exp(c))`` (no max subtraction), over the last axis."""
    c = _as_float(c)
    e = tm.exp(c)
    return e / tm.sum(e, axis=-1, keepdims=True)


class SoftmaxWithBias(Op):
    """``softmax(x + b)`` for a matrix ``x`` and a bias vector ``b`` (one per column), computed
    stably. The canonicalize phase rewrites it to ``Softmax(x + b)`` so that the stabilizing
    rewrites of the softmax (log-softmax, the fused 1-hot cross-entropy) see through it."""

    __props__ = ()

    def make_node(self, x, b):
        x = _float_input(x, "SoftmaxWithBias", "x")
        b = _float_input(b, "SoftmaxWithBias", "b")
        if x.ndim != 2 or b.ndim != 1:
            raise TypeError(f"SoftmaxWithBias: x must be a matrix and b a vector, got {x.ndim}-d and "
                            f"{b.ndim}-d")
        dtype = ts.upcast(x.dtype, b.dtype)
        bcast = (x.broadcastable[0], x.broadcastable[1] and b.broadcastable[0])
        return Apply(self, [x, b], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, b = inputs
        if b.shape[0] != x.shape[1]:
            raise ValueError(f"SoftmaxWithBias: b has length {b.shape[0]} but x has {x.shape[1]} "
                             "columns")
        z = np.asarray(x + b, dtype=node.outputs[0].dtype)
        output_storage[0][0] = _stable_softmax(z)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        x, b = inputs
        dz = softmax_grad(output_grads[0], outputs[0])
        return [cast(dz, x.dtype), cast(tm.sum(dz, axis=0), b.dtype)]

    def R_op(self, inputs, eval_points):
        ex, eb = eval_points
        if ex is None and eb is None:
            return [None]
        x, b = inputs
        ev = zeros_like(x + b) if ex is None else ex
        if eb is not None:
            ev = ev + eb.dimshuffle("x", 0)
        return [softmax_grad(ev, self(x, b))]


softmax_with_bias = SoftmaxWithBias()


# -------------------------------------------------------------------------------------------------
# Cross-entropies
# -------------------------------------------------------------------------------------------------


def _check_index_vector(y, who, argname):
    y = as_tensor_variable(y)
    if y.dtype not in ts.integer_dtypes:
        raise TypeError(f"{who}: {argname} must be a vector of integer class indices, got dtype "
                        f"{y.dtype}")
    if y.ndim != 1:
        raise TypeError(f"{who}: {argname} must be a vector (1-d), got {y.ndim} dimensions")
    return y


def _check_label_count(who, y, n_rows):
    if y.shape[0] != n_rows:
        raise ValueError(f"{who}: {n_rows} rows of probabilities but {y.shape[0]} class indices")


def _label_range_error(who, y, n_classes):
    raise ValueError(f"{who}: class indices must lie in [0, {n_classes}), got values from "
                     f"{y.min()} to {y.max()}")


def _check_indices(who, y, n_rows, n_classes):
    _check_label_count(who, y, n_rows)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        _label_range_error(who, y, n_classes)


def _rows_of(coding):
    """``coding`` as a matrix: a vector (one distribution) is one row."""
    return coding[None, :] if coding.ndim == 1 else coding


class CrossentropyCategorical1Hot(Op):
    """``out[i] = -log(coding_dist[i, true_one_of_n[i]])``.

    ``coding_dist``: matrix of probabilities (one row per example), or a vector: one distribution,
    taken as a one-row matrix (what ``softmax_op`` of a vector gave in Theano 1.0), whose
    ``true_one_of_n`` then holds one index; ``true_one_of_n``: vector of integer class indices.
    The output is a vector (one entry per row). The gradient with respect to the indices is
    undefined.
    """

    __props__ = ()

    def make_node(self, coding_dist, true_one_of_n):
        coding = _float_input(coding_dist, "CrossentropyCategorical1Hot", "coding_dist")
        if coding.ndim not in (1, 2):
            raise TypeError(f"CrossentropyCategorical1Hot: coding_dist must be a matrix (or a vector, "
                            f"one row), got {coding.ndim} dimensions")
        y = _check_index_vector(true_one_of_n, "CrossentropyCategorical1Hot", "true_one_of_n")
        # one cost per row; a vector is one row, with one cost per label (one label)
        rows_bcast = coding.broadcastable[0] if coding.ndim == 2 else y.broadcastable[0]
        out = TensorType(coding.dtype, (rows_bcast,))()
        return Apply(self, [coding, y], [out])

    def perform(self, node, inputs, output_storage):
        coding, y = inputs
        coding = _rows_of(coding)
        _check_indices("CrossentropyCategorical1Hot", y, coding.shape[0], coding.shape[1])
        picked = coding[np.arange(coding.shape[0]), y]
        with np.errstate(divide="ignore"):
            output_storage[0][0] = np.asarray(-np.log(picked), dtype=coding.dtype)

    def infer_shape(self, node, input_shapes):
        if node.inputs[0].ndim == 1:
            return [(constant(1, dtype="int64"),)]
        return [(input_shapes[0][0],)]

    def grad(self, inputs, output_grads):
        coding, y = inputs
        (gy,) = output_grads
        return [crossentropy_categorical_1hot_grad(gy, coding, y),
                grad_undefined(self, 1, y, "the class indices are discrete")]


class CrossentropyCategorical1HotGrad(Op):
    """Gradient of CrossentropyCategorical1Hot wrt ``coding_dist``: a matrix of zeros except
    ``-g_y[i] / coding_dist[i, y[i]]`` at ``[i, y[i]]`` (a vector ``coding_dist`` is one row)."""

    __props__ = ()

    def make_node(self, g_y, coding_dist, true_one_of_n):
        g_y = _float_input(g_y, "CrossentropyCategorical1HotGrad", "g_y")
        coding = _float_input(coding_dist, "CrossentropyCategorical1HotGrad", "coding_dist")
        if g_y.ndim != 1 or coding.ndim not in (1, 2):
            raise TypeError("CrossentropyCategorical1HotGrad: g_y must be a vector and coding_dist "
                            f"a matrix (or a vector, one row), got {g_y.ndim}-d and {coding.ndim}-d")
        y = _check_index_vector(true_one_of_n, "CrossentropyCategorical1HotGrad", "true_one_of_n")
        return Apply(self, [g_y, coding, y], [coding.type()])

    def perform(self, node, inputs, output_storage):
        g_y, coding_in, y = inputs
        coding = _rows_of(coding_in)
        who = "CrossentropyCategorical1HotGrad"
        _check_indices(who, y, coding.shape[0], coding.shape[1])
        if g_y.shape[0] != coding.shape[0]:
            raise ValueError(f"{who}: g_y has length {g_y.shape[0]} but coding_dist has "
                             f"{coding.shape[0]} rows")
        out = np.zeros_like(coding)
        rows = np.arange(coding.shape[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[rows, y] = -g_y / coding[rows, y]
        output_storage[0][0] = out.reshape(coding_in.shape)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        g_y, coding, y = inputs
        (g,) = output_grads
        # out = -g_y[:, None] * onehot / coding
        onehot = _onehot_like(coding, y)
        if coding.ndim == 1:  # one row: g_y has one entry
            g_gy = -tm.sum(g * onehot / coding, axis=0, keepdims=True)
            g_coding = g * g_y[0] * onehot / tm.sqr(coding)
            return [g_gy, g_coding, grad_undefined(self, 2, y, "the class indices are discrete")]
        g_gy = -tm.sum(g * onehot / coding, axis=1)
        g_coding = g * g_y.dimshuffle(0, "x") * onehot / tm.sqr(coding)
        return [g_gy, g_coding, grad_undefined(self, 2, y, "the class indices are discrete")]


def _onehot_like(matrix, y):
    """A matrix like ``matrix`` (no gradient) with 1 at ``[i, y[i]]`` and 0 elsewhere (a vector
    ``matrix`` is one row)."""
    ones = disconnected_grad(zeros_like(matrix) + _const(1, matrix))
    row_ones = tm.sum(zeros_like(ones), axis=matrix.ndim - 1, keepdims=matrix.ndim == 1) + \
        _const(1, matrix)
    return -crossentropy_categorical_1hot_grad(row_ones, ones, y)


crossentropy_categorical_1hot = CrossentropyCategorical1Hot()
crossentropy_categorical_1hot_grad = CrossentropyCategorical1HotGrad()


def categorical_crossentropy(coding_dist, true_dist):
    """Cross-entropy between a predicted distribution and the true one, one value per row.

    ``coding_dist``: matrix of probabilities (e.g. a softmax output). ``true_dist``: either a
    vector of integer class indices (uses CrossentropyCategorical1Hot) or a matrix of the same
    shape holding one-hot rows or probabilities (``-sum(true_dist * log(coding_dist), axis=-1)``).
    """
    coding_dist = as_tensor_variable(coding_dist)
    true_dist = as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim:
        return -tm.sum(true_dist * tm.log(coding_dist), axis=coding_dist.ndim - 1)
    if true_dist.ndim == coding_dist.ndim - 1:
        return crossentropy_categorical_1hot(coding_dist, true_dist)
    raise TypeError(f"categorical_crossentropy: rank mismatch between coding_dist ({coding_dist.ndim}"
                    f"-d) and true_dist ({true_dist.ndim}-d); true_dist must be a vector of class "
                    "indices or have the same rank as coding_dist")


def binary_crossentropy(output, target):
    """``-(target * log(output) + (1 - target) * log(1 - output))``, elementwise.

    ``output`` holds probabilities in (0, 1); ``target`` holds 0/1 labels or probabilities.
    """
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    one = _const(1, output) if output.dtype in ts.float_dtypes else 1.0
    return -(target * tm.log(output) + (one - target) * tm.log(one - output))


def sigmoid_binary_crossentropy(output, target):
    """``binary_crossentropy(sigmoid(output), target)`` computed stably from the logits ``output``:
    ``softplus(output) - target * output``."""
    output = _as_float(output)
    target = as_tensor_variable(target)
    return softplus(output) - target * output


# -------------------------------------------------------------------------------------------------
# Fused softmax + 1-hot cross-entropy
# -------------------------------------------------------------------------------------------------


class CrossentropySoftmaxArgmax1HotWithBias(Op):
    """``(nll, sm, am)`` with ``sm = softmax(x + b)``, ``nll[i] = -log(sm[i, y_idx[i]])`` computed
    from the log-softmax (no log of 0), and ``am[i] = argmax(x[i] + b)``."""

    __props__ = ()

    def make_node(self, x, b, y_idx):
        x = _float_input(x, "CrossentropySoftmaxArgmax1HotWithBias", "x")
        b = _float_input(b, "CrossentropySoftmaxArgmax1HotWithBias", "b")
        if x.ndim != 2 or b.ndim != 1:
            raise TypeError("CrossentropySoftmaxArgmax1HotWithBias: x must be a matrix and b a vector, "
                            f"got {x.ndim}-d and {b.ndim}-d")
        y = _check_index_vector(y_idx, "CrossentropySoftmaxArgmax1HotWithBias", "y_idx")
        dtype = ts.upcast(x.dtype, b.dtype)
        sm = TensorType(dtype, (x.broadcastable[0], x.broadcastable[1] and b.broadcastable[0]))()
        # one cost and one argmax per label (the op checks that there is one label per row)
        nll = TensorType(dtype, y.broadcastable)()
        am = TensorType("int64", y.broadcastable)()
        return Apply(self, [x, b, y], [nll, sm, am])

    def perform(self, node, inputs, output_storage):
        x, b, y = inputs
        who = "CrossentropySoftmaxArgmax1HotWithBias"
        if b.shape[0] != x.shape[1]:
            raise ValueError(f"{who}: b has length {b.shape[0]} but x has {x.shape[1]} columns")
        _check_indices(who, y, x.shape[0], x.shape[1])
        dtype = node.outputs[0].dtype
        z = np.asarray(x + b, dtype=dtype)
        logsm = _stable_logsoftmax(z)
        rows = np.arange(x.shape[0])
        output_storage[0][0] = np.asarray(-logsm[rows, y], dtype=dtype)
        output_storage[1][0] = np.asarray(np.exp(logsm), dtype=dtype)
        am = z.argmax(axis=1) if z.shape[1] else np.zeros(z.shape[0])
        output_storage[2][0] = np.asarray(am, dtype="int64")

    def infer_shape(self, node, input_shapes):
        xs, _, _ = input_shapes
        return [(xs[0],), xs, (xs[0],)]

    def connection_pattern(self, node):
        return [[True, True, False], [True, True, False], [False, False, False]]

    def L_op(self, inputs, outputs, output_grads):
        x, b, y = inputs
        nll, sm, _ = outputs
        g_nll, g_sm, _ = output_grads
        dx = crossentropy_softmax_1hot_with_bias_dx(g_nll, sm, y)
        dx = dx + softmax_grad(g_sm, sm)
        db = tm.sum(dx, axis=0)
        return [cast(dx, x.dtype), cast(db, b.dtype),
                grad_undefined(self, 2, y, "the class indices are discrete")]


class CrossentropySoftmax1HotWithBiasDx(Op):
    """Gradient of the fused op wrt ``x``: ``dy[i] * (sm[i] - onehot(y_idx[i]))``. A ``dy`` whose
    type is broadcastable (length 1) serves every row."""

    __props__ = ()

    def make_node(self, dy, sm, y_idx):
        dy = _float_input(dy, "CrossentropySoftmax1HotWithBiasDx", "dy")
        sm = _float_input(sm, "CrossentropySoftmax1HotWithBiasDx", "sm")
        if dy.ndim != 1 or sm.ndim != 2:
            raise TypeError("CrossentropySoftmax1HotWithBiasDx: dy must be a vector and sm a matrix, "
                            f"got {dy.ndim}-d and {sm.ndim}-d")
        y = _check_index_vector(y_idx, "CrossentropySoftmax1HotWithBiasDx", "y_idx")
        dtype = ts.upcast(dy.dtype, sm.dtype)
        return Apply(self, [dy, sm, y], [TensorType(dtype, sm.broadcastable)()])

    def perform(self, node, inputs, output_storage):
        dy, sm, y = inputs
        who = "CrossentropySoftmax1HotWithBiasDx"
        _check_indices(who, y, sm.shape[0], sm.shape[1])
        if dy.shape[0] != sm.shape[0] and not (node.inputs[0].broadcastable[0] and dy.shape[0] == 1):
            raise ValueError(f"{who}: dy has length {dy.shape[0]} but sm has {sm.shape[0]} rows")
        dx = np.array(sm, dtype=node.outputs[0].dtype)
        dx[np.arange(sm.shape[0]), y] -= 1
        dx *= dy[:, None]
        output_storage[0][0] = dx

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        dy, sm, y = inputs
        (g,) = output_grads
        # dx = dy[:, None] * sm - dy[:, None] * onehot; d/dsm = g * dy[:, None];
        # d/ddy = sum(g * sm, 1) - g[i, y[i]], the gather written with the 1-hot grad op.
        g_sm = g * dy.dimshuffle(0, "x")
        g_dy = tm.sum(g * sm, axis=1) - tm.sum(g * _onehot_like(sm, y), axis=1)
        if dy.broadcastable[0]:  # dy served every row
            g_dy = tm.sum(g_dy, axis=0, keepdims=True)
        return [g_dy, g_sm, grad_undefined(self, 2, y, "the class indices are discrete")]


crossentropy_softmax_argmax_1hot_with_bias = CrossentropySoftmaxArgmax1HotWithBias()
crossentropy_softmax_1hot_with_bias_dx = CrossentropySoftmax1HotWithBiasDx()


def crossentropy_softmax_1hot_with_bias(x, b, y_idx):
    """``(nll, softmax(x + b))`` with ``nll[i] = -log(softmax(x + b)[i, y_idx[i]])``."""
    nll, sm, _ = crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)
    return nll, sm


def crossentropy_softmax_1hot(x, y_idx):
    """``(nll, softmax(x))`` for a matrix of scores ``x`` and integer targets ``y_idx``."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"crossentropy_softmax_1hot: x must be a matrix, got {x.ndim} dimensions")
    b = tm.sum(zeros_like(x), axis=0)
    return crossentropy_softmax_1hot_with_bias(x, b, y_idx)


def crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx):
    """``(nll, softmax(x + b), max_pr, argmax)``: the fused cross-entropy and softmax, with each
    row's largest probability and its column (the predicted class)."""
    nll, sm, am = crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)
    return nll, sm, tm.max(sm, axis=-1), am


def crossentropy_softmax_max_and_argmax_1hot(x, y_idx):
    """``crossentropy_softmax_max_and_argmax_1hot_with_bias`` with no bias."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"crossentropy_softmax_max_and_argmax_1hot: x must be a matrix, got "
                        f"{x.ndim} dimensions")
    b = tm.sum(zeros_like(x), axis=0)
    return crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx)


def h_softmax(x, batch_size, n_outputs, n_classes, n_outputs_per_class, W1, b1, W2, b2, target=None):
    """Two-level hierarchical softmax (Theano 1.0's ``T.nnet.h_softmax``).

    The ``n_outputs`` outputs are split into ``n_classes`` classes of ``n_outputs_per_class``; the
    probability of an output is P(class | x) * P(output | class, x). ``x``: (batch, n_in);
    ``W1``: (n_in, n_classes), ``b1``: (n_classes,); ``W2``: (n_classes, n_in, n_outputs_per_class),
    ``b2``: (n_classes, n_outputs_per_class). Without ``target`` returns all probabilities
    (batch, n_outputs); with an integer ``target`` vector, the probability of each row's target only
    (batch,), computing just the target's class.
    """
    x = as_tensor_variable(x)
    class_probs = softmax(tm.dot(x, W1) + b1)
    if target is None:
        # (batch, n_in) x (n_classes, n_in, k) -> (batch, n_classes, k)
        act = tensordot(x, W2, [[1], [1]]) + b2.dimshuffle("x", 0, 1)
        out = softmax(act.reshape((-1, n_outputs_per_class)))
        out = out.reshape((batch_size, n_classes, n_outputs_per_class))
        out = class_probs.dimshuffle(0, 1, "x") * out
        out = out.reshape((batch_size, n_classes * n_outputs_per_class))
        return out[:, :n_outputs]
    target = as_tensor_variable(target).flatten()
    tclass = target // n_outputs_per_class
    tpos = target % n_outputs_per_class
    rows = arange(batch_size)
    # each row's own class weights: (batch, n_in, k)
    act = batched_dot(x, W2[tclass]) + b2[tclass]
    out = softmax(act)
    return class_probs[rows, tclass] * out[rows, tpos]


def confusion_matrix(actual, pred):
    """Confusion matrix of the 1-d label vectors ``actual`` and ``pred``: returns
    ``[conf_mat, order]`` where ``order`` is the sorted vector of the labels seen in either and
    ``conf_mat[i, j]`` (int64) counts the positions where ``actual == order[i]`` and
    ``pred == order[j]`` (rows: actual, columns: predicted)."""
    actual = as_tensor_variable(actual)
    pred = as_tensor_variable(pred)
    for name, v in (("actual", actual), ("pred", pred)):
        if v.ndim != 1:
            raise ValueError(f"confusion_matrix: {name} must be a 1-d tensor, got {v.ndim} "
                             f"dimensions ({v.type})")
    order = unique(concatenate([actual, pred]))
    one_hot_actual = cast(tm.eq(actual.dimshuffle(0, "x"), order.dimshuffle("x", 0)), "int64")
    one_hot_pred = cast(tm.eq(pred.dimshuffle(0, "x"), order.dimshuffle("x", 0)), "int64")
    return [tm.dot(one_hot_actual.T, one_hot_pred), order]
