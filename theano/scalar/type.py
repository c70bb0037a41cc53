"""Scalar graph types (``theano.scalar.float64`` ...), scalar constants, and the dtypes that Python
floats get as constants (``autocast_float``, ``autocast_float_as``).

A ``Scalar`` variable holds one NumPy scalar (``np.float64(2.5)``), not an array. Scalar ops are
applied to tensors (``theano.tensor.Elemwise``); these types exist for the few graphs that move a
value between a 0-d tensor and a scalar (``theano.tensor.scalar_from_tensor`` /
``tensor_from_scalar``) and to name dtypes (``theano.scalar.all_types``; ``str(float32) ==
'float32'``).
"""

import builtins
import contextlib
import numbers

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Constant, Variable
from theano.graph.type import Type
from theano.scalar import basic as _ops
from theano.scalar.basic import (all_dtypes, complex_dtypes, continuous_dtypes, discrete_dtypes,
                                 float_dtypes, int_dtypes, integer_dtypes, uint_dtypes, upcast)

__all__ = ["Scalar", "ScalarVariable", "ScalarConstant", "get_scalar_type", "constant",
           "autocast_float", "autocast_float_as", "all_types", "discrete_types", "continuous_types",
           "float_types", "complex_types", "int_types", "uint_types", "integer_types", "upcast_out",
           "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]

_builtin_bool = builtins.bool


class Scalar(Type):
    """The type of one NumPy scalar of ``dtype``."""

    ndim = 0
    broadcastable = ()

    def __init__(self, dtype):
        if dtype == "floatX":
            dtype = config.floatX
        dtype = str(np.dtype(dtype))
        if dtype not in all_dtypes:
            raise TypeError(f"Scalar: unsupported dtype {dtype!r}")
        self.dtype = dtype

    def filter(self, data, strict=False, allow_downcast=None):
        arr = np.asarray(data)
        if arr.ndim != 0:
            raise TypeError(f"{self} holds one value, got an array of shape {arr.shape}")
        if arr.dtype == self.dtype:
            return arr[()]
        if strict:
            raise TypeError(f"{self} (strict) got a value of dtype {arr.dtype}")
        conv = arr.astype(self.dtype)
        exact = _builtin_bool(conv == arr) or (arr.dtype.kind in "fc" and np.isnan(arr))
        if allow_downcast or (allow_downcast is None and isinstance(data, float)
                              and self.dtype == config.floatX) or \
                upcast(str(arr.dtype), self.dtype) == self.dtype or \
                (exact and not isinstance(data, np.generic) and not isinstance(data, np.ndarray)):
            return conv[()]
        raise TypeError(f"{self}: converting {data!r} ({arr.dtype}) would lose precision; "
                        "pass allow_downcast=True to allow it")

    def __eq__(self, other):
        return type(self) is type(other) and self.dtype == other.dtype

    def __hash__(self):
        return hash((type(self), self.dtype))

    def __str__(self):
        return self.dtype

    def __repr__(self):
        return f"Scalar({self.dtype})"

    def values_eq(self, a, b):
        return _builtin_bool(a == b) or (np.isnan(a) and np.isnan(b))

    def values_eq_approx(self, a, b, tolerance=1e-4):
        return _builtin_bool(np.isclose(a, b, rtol=tolerance, atol=tolerance, equal_nan=True))

    def data_signature(self, data):
        return (self.dtype, np.asarray(data).tobytes())

    def fit_gradient(self, var, g):
        """The gradient ``g`` of a scalar variable ``var``: ops give it as a scalar already
        (``tensor_from_scalar``'s gradient is ``scalar_from_tensor`` of the tensor's)."""
        if not isinstance(getattr(g, "type", None), Scalar):
            raise TypeError(f"the gradient of the scalar {var} must be a scalar variable, got {g!r}")
        return g


def _operator(op_name, reflected=False):
    """The Python operator method applying the scalar op ``op_name`` (other operand second, or
    first when ``reflected``); like every scalar op, it is applied elementwise (a 0-d tensor)."""

    def method(self, other):
        op = getattr(_ops, op_name)
        return op(other, self) if reflected else op(self, other)

    method.__name__ = op_name
    return method


class ScalarVariable(Variable):
    """A variable of a ``Scalar`` type. Its arithmetic, comparison and bitwise operators and
    ``astype`` apply the scalar ops (as Theano 1.0's scalar variables); ``==`` stays identity."""

    ndim = 0
    broadcastable = ()

    @property
    def dtype(self):
        return self.type.dtype

    def astype(self, dtype):
        """This value cast to ``dtype``."""
        return _ops._cast(self, str(np.dtype(config.floatX if dtype == "floatX" else dtype)))

    def __neg__(self):
        return _ops.neg(self)

    def __abs__(self):
        return _ops.abs_(self)

    def __invert__(self):
        return _ops.invert(self)

    __add__, __radd__ = _operator("add"), _operator("add", True)
    __sub__, __rsub__ = _operator("sub"), _operator("sub", True)
    __mul__, __rmul__ = _operator("mul"), _operator("mul", True)
    __truediv__, __rtruediv__ = _operator("true_div"), _operator("true_div", True)
    __floordiv__, __rfloordiv__ = _operator("int_div"), _operator("int_div", True)
    __mod__, __rmod__ = _operator("mod"), _operator("mod", True)
    __pow__, __rpow__ = _operator("pow"), _operator("pow", True)
    __and__, __rand__ = _operator("and_"), _operator("and_", True)
    __or__, __ror__ = _operator("or_"), _operator("or_", True)
    __xor__, __rxor__ = _operator("xor"), _operator("xor", True)
    __lt__, __le__ = _operator("lt"), _operator("le")
    __gt__, __ge__ = _operator("gt"), _operator("ge")
    __hash__ = Variable.__hash__


class ScalarConstant(Constant, ScalarVariable):
    """A constant of a ``Scalar`` type (its value is a NumPy scalar)."""


Scalar.variable_type = ScalarVariable
Scalar.constant_type = ScalarConstant

_types = {}


def get_scalar_type(dtype):
    """The (shared) ``Scalar`` type of ``dtype``."""
    dtype = config.floatX if dtype == "floatX" else str(np.dtype(dtype))
    if dtype not in _types:
        _types[dtype] = Scalar(dtype)
    return _types[dtype]


bool = get_scalar_type("bool")  # noqa: A001  (Theano 1.0's theano.scalar.bool)
int8, int16, int32, int64 = (get_scalar_type(d) for d in int_dtypes)
uint8, uint16, uint32, uint64 = (get_scalar_type(d) for d in uint_dtypes)
float16, float32, float64 = (get_scalar_type(d) for d in float_dtypes)
complex64, complex128 = (get_scalar_type(d) for d in complex_dtypes)

int_types = tuple(get_scalar_type(d) for d in int_dtypes)
uint_types = tuple(get_scalar_type(d) for d in uint_dtypes)
integer_types = tuple(get_scalar_type(d) for d in integer_dtypes)
float_types = tuple(get_scalar_type(d) for d in float_dtypes)
complex_types = tuple(get_scalar_type(d) for d in complex_dtypes)
discrete_types = tuple(get_scalar_type(d) for d in discrete_dtypes)
continuous_types = tuple(get_scalar_type(d) for d in continuous_dtypes)
all_types = discrete_types + continuous_types


def upcast_out(*types):
    """``(Scalar(upcast of the dtypes),)`` for scalar types (Theano 1.0's output-type rule)."""
    return (get_scalar_type(upcast(*[t.dtype for t in types])),)


# -------------------------------------------------------------------------------------------------
# Python floats as constants
# -------------------------------------------------------------------------------------------------


class FloatAutocaster:
    """Picks the dtype of a Python float that becomes a constant (``config.cast_policy='custom'``).

    ``dtypes`` are tried in order and the first that holds the value exactly wins (else the last);
    float16 is tried only when ``config.floatX`` is float16. When ``floatX`` is float32 or float16
    and listed, every Python float takes ``floatX``.
    """

    def __init__(self, dtypes):
        self.dtypes = tuple(dtypes)

    def __call__(self, x):
        if config.floatX != "float64" and config.floatX in self.dtypes:
            return np.asarray(x, dtype=config.floatX)
        tries = [d for d in self.dtypes if d != "float16" or config.floatX == "float16"] or \
            list(self.dtypes)
        out = None
        for dtype in tries:
            with np.errstate(over="ignore"):
                out = np.asarray(x, dtype=dtype)
            if out.item() == x or np.isnan(x):
                break
        return out


autocast_float = FloatAutocaster(("float16", "float32", "float64"))


@contextlib.contextmanager
def autocast_float_as(*dtypes):
    """Within the block, Python floats become constants of the first of ``dtypes`` that holds them
    exactly (``with autocast_float_as('float32'): fvector() + 1.1`` stays float32). Nests."""
    for d in dtypes:
        if d not in float_dtypes:
            raise TypeError(f"autocast_float_as: {d!r} is not a float dtype")
    old = autocast_float.dtypes
    autocast_float.dtypes = tuple(dtypes)
    try:
        yield
    finally:
        autocast_float.dtypes = old


def _autocast_int(x):
    for dtype in int_dtypes:
        info = np.iinfo(dtype)
        if info.min <= x <= info.max:
            return np.asarray(x, dtype=dtype)
    if 0 <= x <= np.iinfo("uint64").max:
        return np.asarray(x, dtype="uint64")
    raise OverflowError(f"Python int {x} does not fit in any integer dtype")


def constant(x, name=None, dtype=None):
    """A ``ScalarConstant`` of ``x`` (a Python or NumPy number): Python ints take the smallest int
    dtype that holds them, Python floats ``autocast_float``'s dtype, unless ``dtype`` is given."""
    if dtype is not None:
        value = np.asarray(x, dtype=config.floatX if dtype == "floatX" else dtype)
    elif isinstance(x, (_builtin_bool, np.bool_)):
        value = np.asarray(x, dtype="bool")
    elif isinstance(x, numbers.Integral) and not isinstance(x, np.integer):
        value = _autocast_int(int(x))
    elif isinstance(x, float) and not isinstance(x, np.floating):
        value = autocast_float(x)
    else:
        value = np.asarray(x)
    if value.ndim != 0:
        raise TypeError(f"theano.scalar.constant needs one number, got shape {value.shape}")
    t = get_scalar_type(str(value.dtype))
    return ScalarConstant(t, value[()], name=name)
