"""Elementwise math, reductions and dot."""

import builtins as _builtins

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.graph.null_type import DisconnectedType as _DisconnectedType
from theano.tensor.basic import (as_tensor_variable, cast, constant, patternbroadcast, shape_i, transpose,
                                 zeros_like)
from theano.tensor.elemwise import (All, Any, CAReduce, DimShuffle, Elemwise, Max, Min, Prod, Sum,
                                    _normalize_axis, reduce_dtypes)
from theano.tensor.type import TensorType, _provide, _provided

# -------------------------------------------------------------------------------------------------
# Elementwise ops (each is an Elemwise instance, callable on tensors and Python values)
# -------------------------------------------------------------------------------------------------

add = Elemwise(ts.add)
sub = Elemwise(ts.sub)
mul = Elemwise(ts.mul)
true_div = Elemwise(ts.true_div)
int_div = Elemwise(ts.int_div)
floor_div = int_div


def div_proxy(x, y):
    """Theano 1.0's ``/`` of Python 2 on tensors: ``int_div`` of two integer tensors under
    ``config.int_division='int'`` (with a DeprecationWarning), IntegerDivisionError under
    ``'raise'``, ``true_div`` under ``'floatX'`` or when either is not an integer."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    op = ts.int_or_true_div(x.dtype in ts.discrete_dtypes, y.dtype in ts.discrete_dtypes)
    return int_div(x, y) if op is ts.int_div else true_div(x, y)
mod = Elemwise(ts.mod)
pow = Elemwise(ts.pow)
neg = Elemwise(ts.neg)
abs_ = Elemwise(ts.abs_)
inv = Elemwise(ts.inv)
reciprocal = inv
sqr = Elemwise(ts.sqr)
square = sqr
sqrt = Elemwise(ts.sqrt)
exp = Elemwise(ts.exp)
exp2 = Elemwise(ts.exp2)
expm1 = Elemwise(ts.expm1)
log = Elemwise(ts.log)
log2 = Elemwise(ts.log2)
log10 = Elemwise(ts.log10)
log1p = Elemwise(ts.log1p)
sin = Elemwise(ts.sin)
cos = Elemwise(ts.cos)
tan = Elemwise(ts.tan)
arcsin = Elemwise(ts.arcsin)
arccos = Elemwise(ts.arccos)
arctan = Elemwise(ts.arctan)
arctan2 = Elemwise(ts.arctan2)
sinh = Elemwise(ts.sinh)
cosh = Elemwise(ts.cosh)
tanh = Elemwise(ts.tanh)
arcsinh = Elemwise(ts.arcsinh)
arccosh = Elemwise(ts.arccosh)
arctanh = Elemwise(ts.arctanh)
erf = Elemwise(ts.erf)
erfc = Elemwise(ts.erfc)
erfinv = Elemwise(ts.erfinv)
erfcinv = Elemwise(ts.erfcinv)
gamma = Elemwise(ts.gamma)
gammaln = Elemwise(ts.gammaln)
psi = Elemwise(ts.psi)
tri_gamma = Elemwise(ts.tri_gamma)
sigmoid = Elemwise(ts.sigmoid)
softplus = Elemwise(ts.softplus)
sgn = Elemwise(ts.sgn)
floor = Elemwise(ts.floor)
ceil = Elemwise(ts.ceil)
trunc = Elemwise(ts.trunc)
round_half_to_even = Elemwise(ts.round_half_to_even)
round_half_away_from_zero = Elemwise(ts.round_half_away_from_zero)
isnan_ = Elemwise(ts.isnan)
isinf_ = Elemwise(ts.isinf)
maximum = Elemwise(ts.maximum)
minimum = Elemwise(ts.minimum)
lt = Elemwise(ts.lt)
gt = Elemwise(ts.gt)
le = Elemwise(ts.le)
ge = Elemwise(ts.ge)
eq = Elemwise(ts.eq)
neq = Elemwise(ts.neq)
and_ = Elemwise(ts.and_)
or_ = Elemwise(ts.or_)
xor = Elemwise(ts.xor)
invert = Elemwise(ts.invert)
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert
switch = Elemwise(ts.switch)
where = switch
identity = Elemwise(ts.identity)
real = Elemwise(ts.real)
imag = Elemwise(ts.imag)
conj = Elemwise(ts.conj)
angle = Elemwise(ts.angle)
_clip = Elemwise(ts.clip)
power = pow
j0 = Elemwise(ts.j0)
j1 = Elemwise(ts.j1)
i0 = Elemwise(ts.i0)
i1 = Elemwise(ts.i1)
jv = Elemwise(ts.jv)
iv = Elemwise(ts.iv)
erfcx = Elemwise(ts.erfcx)
gammainc = Elemwise(ts.gammainc)
gammaincc = Elemwise(ts.gammaincc)
gammal = gammainc
gammau = gammaincc
chi2sf = Elemwise(ts.chi2sf)
complex = Elemwise(ts.complex)
complex_from_polar = Elemwise(ts.complex_from_polar)


def _all_false_like(x):
    """A bool tensor of False shaped like ``x`` (an Alloc, as Theano builds for integer inputs)."""
    # allocation.py builds on this module (Alloc's gradient is a sum): it provides alloc
    alloc = _provided("alloc")
    if x.ndim == 0:  # keep x in the graph, so that a function of x alone still uses its input
        return zeros_like(x, dtype="bool")
    out = alloc(constant(False), *[shape_i(x, d) for d in range(x.ndim)])
    return patternbroadcast(out, x.broadcastable)


def isnan(x):
    """Where ``x`` is NaN; an integer or bool tensor never is (all False, without an Elemwise)."""
    x = as_tensor_variable(x)
    if x.dtype in ts.discrete_dtypes:
        return _all_false_like(x)
    return isnan_(x)


def isinf(x):
    """Where ``x`` is infinite; an integer or bool tensor never is (all False)."""
    x = as_tensor_variable(x)
    if x.dtype in ts.discrete_dtypes:
        return _all_false_like(x)
    return isinf_(x)


class _Clip(Elemwise):
    """``clip(x, min, max)``: ``x`` clipped to [min, max]; the gradient flows where x is in
    [min, max] (ends included). As in Theano 1.0, ``clip`` is an op instance (``node.op == T.clip`` holds for the
    nodes it makes, which are ``Elemwise(scalar clip)`` nodes); complex numbers are refused."""

    def make_node(self, x, min, max):
        x = as_tensor_variable(x)
        if x.dtype.startswith("complex"):
            raise TypeError(f"clip is not defined for complex numbers (got {x} of dtype {x.dtype}): "
                            "clip the real and imaginary parts, or the modulus, instead")
        return _clip.make_node(x, min, max)

    def __eq__(self, other):
        return isinstance(other, Elemwise) and self._props() == other._props()

    def __hash__(self):
        return hash((Elemwise, self._props()))


clip = _Clip(ts.clip, name="clip")
clip.__doc__ = ("``clip(x, min, max)``: ``x`` clipped to [min, max] (the gradient flows where x is "
                "in [min, max]). As in Theano 1.0, ``min`` where ``x < min``, else ``max`` where "
                "``x > max``: with ``min > max``, ``min`` below ``min`` and ``max`` elsewhere.")


def round(a, mode=None):
    """Round; ``mode`` is 'half_to_even' (the default since Theano 0.9, as NumPy) or
    'half_away_from_zero'."""
    mode = mode or "half_to_even"
    if mode == "half_away_from_zero":
        return round_half_away_from_zero(a)
    if mode == "half_to_even":
        return round_half_to_even(a)
    raise ValueError(f"round mode must be 'half_away_from_zero' or 'half_to_even', got {mode!r}")


def iround(a, mode=None):
    return cast(round(a, mode), "int64")


def iceil(a):
    return cast(ceil(a), "int64")


def ifloor(a):
    return cast(floor(a), "int64")


def ceil_intdiv(a, b):
    """Integer division rounded up: ``a // b + (a % b != 0)`` in the dtype of ``a // b``."""
    q = int_div(a, b)
    return q + cast(neq(mod(a, b), 0), q.dtype)


def divmod(x, y):
    """``(floor_div(x, y), mod(x, y))``, Python's divmod elementwise."""
    return floor_div(x, y), mod(x, y)


deg2rad = Elemwise(ts.deg2rad)  # degrees to radians (float output, as np.deg2rad)
rad2deg = Elemwise(ts.rad2deg)  # radians to degrees


def largest(*args):
    """The elementwise maximum of all the arguments (broadcast together)."""
    if not args:
        raise TypeError("largest needs at least one argument")
    out = as_tensor_variable(args[0])
    for a in args[1:]:
        out = maximum(out, a)
    return out


def smallest(*args):
    """The elementwise minimum of all the arguments (broadcast together)."""
    if not args:
        raise TypeError("smallest needs at least one argument")
    out = as_tensor_variable(args[0])
    for a in args[1:]:
        out = minimum(out, a)
    return out


def ptp(a, axis=None):
    """Range (maximum - minimum) of values along ``axis``."""
    a = as_tensor_variable(a)
    return max(a, axis) - min(a, axis)


def isclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (``numpy.isclose``), as bool."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.dtype in ts.discrete_dtypes and b.dtype in ts.discrete_dtypes:
        a = cast(a, "float64")
    diff = abs_(a - b)
    tol = atol + rtol * abs_(b)
    close = le(diff, tol)
    both_inf = and_(and_(isinf(a), isinf(b)), eq(a, b))
    close = or_(and_(close, invert(or_(isinf(a), isinf(b)))), both_inf)
    if equal_nan:
        close = or_(close, and_(isnan(a), isnan(b)))
    return close


def allclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False):
    """True when every element of ``a`` is close to ``b`` (``numpy.allclose``)."""
    return all(isclose(a, b, rtol, atol, equal_nan))


def not_equal(a, b):
    return neq(a, b)


def sqr_(x):
    return sqr(x)


def ones_like_float(x):
    return cast(x * 0 + 1, config.floatX)


def prod_without_self(x, axis, out_b):
    """For each element, the product of the other elements along ``axis`` (safe with zeros)."""
    is_zero = eq(x, 0)
    nonzero = switch(is_zero, constant(1, dtype=x.dtype), x)
    p_nz = prod(nonzero, axis=axis, keepdims=True)
    n_zeros = sum(cast(is_zero, "int64"), axis=axis, keepdims=True)
    return switch(eq(n_zeros, 0), out_b / x,
                  switch(and_(is_zero, eq(n_zeros, 1)), p_nz, zeros_like(x)))


# -------------------------------------------------------------------------------------------------
# Reductions
# -------------------------------------------------------------------------------------------------


def _keep_dims(x, r, axis):
    axis = _normalize_axis(axis, x.ndim)
    pattern = []
    k = 0
    for d in range(x.ndim):
        if d in axis:
            pattern.append("x")
        else:
            pattern.append(k)
            k += 1
    return DimShuffle(r.broadcastable, pattern)(r)


makeKeepDims = _keep_dims


def sum(input, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Sum over ``axis`` (None: all). Small ints sum to int64, float32 accumulates in float64."""
    x = as_tensor_variable(input)
    out_dtype, acc = reduce_dtypes(x.dtype, dtype, acc_dtype)
    # axis=None reaches the op, which then prints as Theano 1.0's Sum{acc_dtype=...}
    r = Sum(None if axis is None else _normalize_axis(axis, x.ndim), out_dtype, acc)(x)
    return _keep_dims(x, r, axis) if keepdims else r


def prod(input, axis=None, dtype=None, keepdims=False, acc_dtype=None, no_zeros_in_input=False):
    x = as_tensor_variable(input)
    out_dtype, acc = reduce_dtypes(x.dtype, dtype, acc_dtype)
    r = Prod(None if axis is None else _normalize_axis(axis, x.ndim), out_dtype, acc,
             no_zeros_in_input)(x)
    return _keep_dims(x, r, axis) if keepdims else r


def max(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = Max(_normalize_axis(axis, x.ndim))(x)
    return _keep_dims(x, r, axis) if keepdims else r


def min(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = Min(_normalize_axis(axis, x.ndim))(x)
    return _keep_dims(x, r, axis) if keepdims else r


def all(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = All(None if axis is None else _normalize_axis(axis, x.ndim))(x)
    return _keep_dims(x, r, axis) if keepdims else r


def any(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = Any(None if axis is None else _normalize_axis(axis, x.ndim))(x)
    return _keep_dims(x, r, axis) if keepdims else r


class _AxesOp(Op):
    """An op over a sorted tuple of axes (``None``: every axis), given as an int, a NumPy integer,
    a 0-d array or a sequence. A node is made with the axes normalized against the input's ndim
    (so ``Mean(None)`` and ``Mean((0, 1))`` of a matrix build the same node); subclasses say what
    their outputs are (``_outputs(x, broadcastable of the reduced input)``)."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        if isinstance(axis, (int, np.integer)) or (isinstance(axis, np.ndarray) and axis.ndim == 0):
            axis = [axis]
        self.axis = None if axis is None else tuple(sorted(int(a) for a in axis))

    def __str__(self):
        name = type(self).__name__
        return name if self.axis is None else f"{name}{{axis={list(self.axis)}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        axis = _normalize_axis(self.axis, x.ndim)
        if self.axis is None or axis != self.axis:
            return type(self)(axis).make_node(x)
        bcast = tuple(b for d, b in enumerate(x.broadcastable) if d not in axis)
        return Apply(self, [x], self._outputs(x, bcast))

    def _outputs(self, x, bcast):
        raise NotImplementedError


class Mean(_AxesOp):
    """The mean over ``axis`` as one op, computed in float64 (Theano's ``mean(..., op=True)``).

    The output is float64 whatever the input dtype; ``T.mean`` (without ``op=True``) builds
    ``sum / count`` instead, which keeps float32 inputs in float32. (Not a CAReduce: rewrites and
    backends that handle sums must not mistake it for one.)
    """

    def _outputs(self, x, bcast):
        return [TensorType("float64", bcast)()]

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        if _builtins.any(x.shape[a] == 0 for a in self.axis):
            raise ValueError(f"Mean of an empty axis (shape {x.shape}, axis {list(self.axis)})")
        output_storage[0][0] = np.asarray(np.mean(x, axis=self.axis, dtype="float64"), dtype="float64")

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [tuple(d for i, d in enumerate(s) if i not in self.axis)]

    def L_op(self, inputs, outputs, output_grads):
        # the output is float64: an integer input gets the gradient of its values as floats
        (x,) = inputs
        (g,) = CAReduce(ts.add, self.axis).L_op(inputs, outputs, output_grads)
        for a in self.axis:
            g = true_div(g, cast(shape_i(x, a), g.dtype))
        if x.dtype in ts.discrete_dtypes:
            return [g]
        return [cast(g, x.dtype) if g.dtype != x.dtype else g]


def mean(input, axis=None, dtype=None, op=False, keepdims=False, acc_dtype=None):
    """Mean over ``axis``; integer inputs give float64, float32 stays float32.

    ``op=True`` computes it with one ``Mean`` op (float64 output; ``dtype``/``acc_dtype`` must then
    be left out)."""
    x = as_tensor_variable(input)
    if op:
        if dtype not in (None, "float64") or acc_dtype not in (None, "float64"):
            raise NotImplementedError("mean(op=True) computes in float64: leave dtype and acc_dtype out")
        r = Mean(_normalize_axis(axis, x.ndim))(x)
        return _keep_dims(x, r, axis) if keepdims else r
    sum_dtype = dtype
    if sum_dtype is None and x.dtype == "float16":
        sum_dtype = "float32"
    s = sum(x, axis=axis, dtype=sum_dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    count_dtype = "float32" if s.dtype in ("float16", "float32", "complex64") else "float64"
    for a in _normalize_axis(axis, x.ndim):
        s = true_div(s, cast(shape_i(x, a), count_dtype))
    if s.dtype in ts.discrete_dtypes:  # nothing divided (axis=[]): a mean is a float all the same
        s = cast(s, count_dtype)
    if dtype == "float16" or (dtype is None and x.dtype == "float16"):
        s = cast(s, "float16")
    return s


def var(input, axis=None, ddof=0, keepdims=False, corrected=False):
    """Variance over ``axis``: mean of squared deviations (``ddof`` subtracts from the count)."""
    x = as_tensor_variable(input)
    if x.dtype in ts.discrete_dtypes:
        x = cast(x, "float64")
    m = mean(x, axis=axis, keepdims=True)
    dev = x - m
    ss = sum(sqr(dev), axis=axis, keepdims=keepdims)

    n = None
    for a in _normalize_axis(axis, x.ndim):
        term = cast(shape_i(x, a), ss.dtype)
        n = term if n is None else n * term
    if n is None:
        n = constant(1, dtype=ss.dtype)
    if ddof:
        n = n - ddof
    v = ss / n
    if corrected:
        v = v - sqr(sum(dev, axis=axis, keepdims=keepdims)) / (n * n)
    return v


def std(input, axis=None, ddof=0, keepdims=False, corrected=False):
    return sqrt(var(input, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected))


class Argmax(Op):
    """Index of the maximum (or minimum with ``op='min'``) over ``axis`` (int64 output)."""

    __props__ = ("axis", "op")

    def __init__(self, axis, op="max"):
        self.axis = tuple(axis)
        self.op = op

    def __str__(self):
        return f"Arg{self.op}{{axis={list(self.axis)}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        bcast = tuple(b for d, b in enumerate(x.broadcastable) if d not in self.axis)
        return Apply(self, [x], [TensorType("int64", bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        fn = np.argmax if self.op == "max" else np.argmin
        axes = self.axis
        keep = [d for d in range(x.ndim) if d not in axes]
        if _builtins.any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"arg{self.op} of an empty sequence (shape {x.shape}, axis {list(axes)})")
        moved = x.transpose(keep + list(axes))
        n_red = int(np.prod([x.shape[d] for d in axes], dtype="int64"))
        moved = moved.reshape([x.shape[d] for d in keep] + [n_red]) if axes else moved[..., None]
        output_storage[0][0] = np.asarray(fn(moved, axis=-1), dtype="int64")

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [tuple(d for i, d in enumerate(s) if i not in self.axis)]

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0], dtype=config.floatX if inputs[0].dtype in ts.discrete_dtypes else None)]


def argmax(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = Argmax(_normalize_axis(axis, x.ndim), "max")(x)
    return _keep_dims(x, r, axis) if keepdims else r


def argmin(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    r = Argmax(_normalize_axis(axis, x.ndim), "min")(x)
    return _keep_dims(x, r, axis) if keepdims else r


class MaxAndArgmax(_AxesOp):
    """The maximum over ``axis`` and its index, from one op: outputs ``(max, argmax)``.

    ``axis`` is a tuple of ints (all axes when None); the index is into the reduced axes taken
    together in C order, as ``np.argmax`` of the tensor with those axes moved last and flattened.
    """

    def _outputs(self, x, bcast):
        return [TensorType(x.dtype, bcast)(), TensorType("int64", bcast)()]

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        axes = self.axis
        keep = [d for d in range(x.ndim) if d not in axes]
        if _builtins.any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"max_and_argmax of an empty sequence (shape {x.shape}, axis {list(axes)})")
        moved = x.transpose(keep + list(axes))
        n_red = int(np.prod([x.shape[d] for d in axes], dtype="int64"))
        moved = moved.reshape([x.shape[d] for d in keep] + [n_red])
        idx = np.argmax(moved, axis=-1)
        output_storage[0][0] = np.asarray(np.take_along_axis(moved, idx[..., None], -1)[..., 0],
                                          dtype=x.dtype)
        output_storage[1][0] = np.asarray(idx, dtype="int64")

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        shp = tuple(d for i, d in enumerate(s) if i not in self.axis)
        return [shp, shp]

    def connection_pattern(self, node):
        return [[True, False]]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (xmax, _), (g_max, _) = inputs, outputs, output_grads
        if isinstance(g_max.type, _DisconnectedType):
            return [zeros_like(x, dtype=config.floatX if x.dtype in ts.discrete_dtypes else None)]
        return Max(self.axis).L_op([x], [xmax], [g_max])


def max_and_argmax(a, axis=None, keepdims=False):
    """``[max(a, axis), argmax(a, axis)]`` computed by one MaxAndArgmax op."""
    a = as_tensor_variable(a)
    if isinstance(axis, (list, tuple)) and a.ndim:
        # a repeated axis counts once here (Theano 1.0; sum and NumPy refuse one)
        axes = tuple(sorted({d for ax in axis for d in _normalize_axis(ax, a.ndim)}))
    else:
        axes = _normalize_axis(axis, a.ndim)
    m, i = MaxAndArgmax(axes)(a)
    if keepdims:
        m, i = _keep_dims(a, m, axes), _keep_dims(a, i, axes)
    return [m, i]


# -------------------------------------------------------------------------------------------------
# dot
# -------------------------------------------------------------------------------------------------


class Dot(Op):
    """Matrix/vector products for inputs of 1 or 2 dimensions (NumPy's ``dot``)."""

    __props__ = ()

    def __str__(self):
        return "dot"

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim not in (1, 2) or y.ndim not in (1, 2):
            raise TypeError(f"Dot needs 1-d or 2-d inputs, got {x.ndim}-d and {y.ndim}-d")
        bcast = x.broadcastable[:-1] + y.broadcastable[1:] if y.ndim == 2 else x.broadcastable[:-1]
        if y.ndim == 1 and x.ndim == 1:
            bcast = ()
        out_dtype = ts.upcast(x.dtype, y.dtype)
        return Apply(self, [x, y], [TensorType(out_dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape[-1] != y.shape[0]:
            raise ValueError(
                f"Shape mismatch in dot: {x.shape} and {y.shape} (the last dimension of the first "
                "must equal the first dimension of the second)"
            )
        r = np.dot(x, y)
        out_dtype = node.outputs[0].type.numpy_dtype
        output_storage[0][0] = np.asarray(r, dtype=out_dtype)

    def infer_shape(self, node, input_shapes):
        xs, ys = input_shapes
        return [tuple(xs[:-1]) + tuple(ys[1:])]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        if ts.upcast(x.dtype, y.dtype) in ts.discrete_dtypes:
            # an integer product is flat (Theano 1.0); with a float output an integer input gets
            # the gradient of its values as floats (the formulas below multiply by gz first)
            return [zeros_like(v, dtype=config.floatX) for v in (x, y)]
        if x.ndim == 1 and y.ndim == 1:
            gx, gy = gz * y, gz * x
        elif x.ndim == 2 and y.ndim == 1:
            gx = dot(gz.dimshuffle(0, "x"), y.dimshuffle("x", 0))
            gy = dot(transpose(x), gz)
        elif x.ndim == 1 and y.ndim == 2:
            gx = dot(gz, transpose(y))
            gy = dot(x.dimshuffle(0, "x"), gz.dimshuffle("x", 0))
        else:
            gx = dot(gz, transpose(y))
            gy = dot(transpose(x), gz)
        out = []
        for v, g in ((x, gx), (y, gy)):
            if v.dtype in ts.discrete_dtypes:
                out.append(g)      # theano.grad gives it in floatX
            else:
                out.append(cast(g, v.dtype) if g.dtype != v.dtype else g)
        return out

    def R_op(self, inputs, eval_points):
        x, y = inputs
        ex, ey = eval_points
        terms = []
        if ex is not None:
            terms.append(dot(ex, y))
        if ey is not None:
            terms.append(dot(x, ey))
        if not terms:
            return [None]
        return [terms[0] if len(terms) == 1 else terms[0] + terms[1]]


_dot = Dot()


def dot(a, b):
    """Theano's dot: matrix product for 1-d/2-d inputs, tensordot over the last and second-to-last
    axes otherwise, and elementwise product when one side is a scalar."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return _dot(a, b)
    # tensordot (linalg_ops.py) builds on this module's elementwise ops and sums: it provides it
    return _provided("tensordot")(a, b, [[a.ndim - 1], [np.maximum(0, b.ndim - 2)]])


def outer(x, y):
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim != 1:
        x = x.flatten()
    if y.ndim != 1:
        y = y.flatten()
    return dot(x.dimshuffle(0, "x"), y.dimshuffle("x", 0))

# what the modules below this one call (see theano.tensor.type._provide)
_provide("sum", sum)
_provide("prod_without_self", prod_without_self)
_provide("eq", eq)
