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
           "float16", "float32", "float64", "complex64", "complex128", "as_scalar",
           "upcast_out_nobool", "upcast_out_min8", "upcast_out_no_complex", "same_out",
           "same_out_nobool", "same_out_min8", "same_out_nocomplex", "upgrade_to_float64",
           "upgrade_to_float_no_complex", "int_out", "float_out", "int_out_nocomplex",
           "float_out_nocomplex", "real_out", "transfer_type", "specific_out", "ints", "floats",
           "complexs", "complexs64", "complexs128", "convert", "set_tensor_converters"]

_builtin_bool = builtins.bool


class Scalar(Type):
    """The type of one NumPy scalar of ``dtype``."""

    ndim = 0

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
        """The gradient ``g`` (a scalar variable or a 0-d tensor) of ``var`` in ``var``'s kind:
        a scalar of ``var``'s dtype for a float scalar (floatX for a discrete one), a tensor for a
        tensor ``var`` (through the converters the tensor layer installs)."""
        from theano.scalar.basic import _cast, discrete_dtypes

        if not isinstance(getattr(var, "type", None), Scalar):
            return _converter("to_tensor", var)(g)
        if not isinstance(getattr(g, "type", None), Scalar):
            if getattr(g, "ndim", None) != 0:
                raise TypeError(f"the gradient of the scalar {var} must be a scalar or a 0-d "
                                f"tensor, got {g!r} ({getattr(g, 'type', type(g).__name__)})")
            g = _converter("from_tensor", var)(g)
        dtype = config.floatX if var.type.dtype in discrete_dtypes else var.type.dtype
        return _cast(g, dtype)

    def convert_variable(self, var):
        if var.type == self:
            return var
        return None

    def dtype_specs(self):
        """``(NumPy scalar class, C type name, C type name)`` (Theano 1.0's triple; the C names
        are informative only, there is no C code here)."""
        np_type = np.dtype(self.dtype).type
        c_names = {"bool": "npy_bool", "float16": "npy_float16", "float32": "npy_float32",
                   "float64": "npy_float64", "complex64": "theano_complex64",
                   "complex128": "theano_complex128"}
        c = c_names.get(self.dtype, f"npy_{self.dtype}")
        return np_type, c, c

    def get_shape_info(self, obj):
        return ()

    def get_size(self, shape_info):
        return np.dtype(self.dtype).itemsize

    def may_share_memory(self, a, b):
        return False

    def clone(self, dtype=None, **kwargs):
        return get_scalar_type(dtype or self.dtype)


def _operator(op_name, reflected=False):
    """The Python operator method applying the scalar op ``op_name`` (other operand second, or
    first when ``reflected``); like every scalar op, it is applied elementwise (a 0-d tensor)."""

    def method(self, other):
        op = getattr(_ops, op_name)
        return op(other, self) if reflected else op(self, other)

    method.__name__ = op_name
    return method


# Conversions between 0-d tensors and scalar variables, which the tensor layer installs
# (``theano.tensor.elemwise``): 'from_tensor' (``scalar_from_tensor``), 'to_tensor'
# (``as_tensor_variable``). Used for gradients (a scalar cost's gradient starts as a 0-d tensor)
# and by ``as_scalar`` of a 0-d tensor.
_converters = {}


def set_tensor_converters(from_tensor, to_tensor):
    """Install the conversions between 0-d tensors and scalar variables (called by the layer that
    defines tensors)."""
    _converters["from_tensor"] = from_tensor
    _converters["to_tensor"] = to_tensor


def _converter(kind, var):
    try:
        return _converters[kind]
    except KeyError:
        raise RuntimeError(f"converting {var} between a scalar and a tensor needs theano.tensor: "
                           "import theano first") from None


def as_scalar(x, name=None):
    """``x`` as a scalar variable: a scalar variable itself, a number as a ``ScalarConstant``, a
    0-d tensor through ``scalar_from_tensor``, an Apply node as its only output."""
    from theano.graph.basic import Apply

    if isinstance(x, Apply):
        if len(x.outputs) != 1:
            raise ValueError(f"as_scalar: the node {x} has {len(x.outputs)} outputs; pick one")
        x = x.outputs[0]
    if isinstance(x, Variable):
        if isinstance(x.type, Scalar):
            return x
        if getattr(x.type, "ndim", None) == 0 and getattr(x.type, "dtype", None) is not None:
            return _converter("from_tensor", x)(x)
        raise TypeError(f"as_scalar: {x} of type {x.type} is not a scalar (a 0-d value)")
    try:
        return constant(x, name=name)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"as_scalar: cannot make a scalar constant of {x!r}: {exc}") from None


class ScalarVariable(Variable):
    """A variable of a ``Scalar`` type. Its arithmetic, comparison and bitwise operators and
    ``astype`` apply the scalar ops, giving scalar variables (as Theano 1.0's scalar variables);
    ``==`` stays identity (``theano.scalar.eq`` compares values)."""

    ndim = 0
    broadcastable = ()

    @property
    def dtype(self):
        return self.type.dtype

    def astype(self, dtype):
        """This value cast to ``dtype``."""
        return _ops._cast(self, str(np.dtype(config.floatX if dtype == "floatX" else dtype)))

    def zeros_like(self, dtype=None):
        """A scalar 0 of ``dtype`` (this variable's by default) computed from this variable."""
        return _ops.second(self, constant(0, dtype=dtype or self.dtype))

    def ones_like(self, dtype=None):
        """A scalar 1 of ``dtype`` (this variable's by default) computed from this variable."""
        return _ops.second(self, constant(1, dtype=dtype or self.dtype))

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
    """A constant of a ``Scalar`` type (its value is a NumPy scalar); printed ``Constant{5}``."""

    str_label = "Constant"


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
    and listed, every Python float takes ``floatX``. A NumPy float64 (a subclass of Python's
    float) keeps its dtype when float64 is listed: it is typed on purpose (Theano 1.0's rule, so
    ``fvector() + np.float64(1.0)`` is float64 while ``fvector() + 1.0`` is float32).
    """

    def __init__(self, dtypes):
        self.dtypes = tuple(dtypes)

    def __call__(self, x):
        if isinstance(x, np.generic) and str(x.dtype) in self.dtypes:
            return np.asarray(x)
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
    elif isinstance(x, float):
        value = autocast_float(x)   # a NumPy float64 keeps its dtype where float64 is listed
    else:
        value = np.asarray(x)
    if value.ndim != 0:
        raise TypeError(f"theano.scalar.constant needs one number, got shape {value.shape}")
    t = get_scalar_type(str(value.dtype))
    return ScalarConstant(t, value[()], name=name)


# -------------------------------------------------------------------------------------------------
# Theano 1.0's output type rules: functions of the input Scalar types returning the output types
# (``ScalarOp(output_types_preference=...)``, ``Add(transfer_type(0))``)
# -------------------------------------------------------------------------------------------------


def _one(dtype):
    return (get_scalar_type(dtype),)


def upcast_out_nobool(*types):
    """The upcast, bool counted as int8."""
    out = upcast(*[t.dtype for t in types])
    return _one("int8" if out == "bool" else out)


def upcast_out_min8(*types):
    """The upcast, at least int8 (bool becomes int8)."""
    return upcast_out_nobool(*types)


def upcast_out_no_complex(*types):
    """The upcast; complex inputs are a TypeError."""
    if any(t.dtype in complex_dtypes for t in types):
        raise TypeError("this operation is not defined for complex inputs")
    return upcast_out(*types)


def same_out(*types):
    """The type of the first input."""
    return (types[0],)


def same_out_nobool(*types):
    """The type of the first input, bool counted as int8."""
    return _one("int8" if types[0].dtype == "bool" else types[0].dtype)


same_out_min8 = same_out_nobool


def same_out_nocomplex(*types):
    """The type of the first input, which may not be complex."""
    if types[0].dtype in complex_dtypes:
        raise TypeError("this operation is not defined for complex inputs")
    return (types[0],)


def upgrade_to_float64(*types):
    """float64 whatever the inputs."""
    return _one("float64")


def upgrade_to_float_no_complex(*types):
    """``upgrade_to_float`` of real inputs (complex ones are a TypeError)."""
    from theano.scalar.basic import upgrade_to_float

    if any(t.dtype in complex_dtypes for t in types):
        raise TypeError("this operation is not defined for complex inputs")
    return upgrade_to_float(*types)


def int_out(*types):
    """int64."""
    return _one("int64")


def float_out(*types):
    """float64."""
    return _one("float64")


def int_out_nocomplex(*types):
    if any(t.dtype in complex_dtypes for t in types):
        raise TypeError("this operation is not defined for complex inputs")
    return int_out(*types)


def float_out_nocomplex(*types):
    if any(t.dtype in complex_dtypes for t in types):
        raise TypeError("this operation is not defined for complex inputs")
    return float_out(*types)


def real_out(*types):
    """The real type of the first input (complex128 -> float64)."""
    d = types[0].dtype
    return _one({"complex64": "float32", "complex128": "float64"}.get(d, d))


class transfer_type:  # noqa: N801  (Theano 1.0's name)
    """``transfer_type(i, j, ...)``: output k has the type of input ``transfer[k]`` (None: the
    upcast of all inputs)."""

    def __init__(self, *transfer):
        for t in transfer:
            if t is not None and not isinstance(t, int):
                raise TypeError(f"transfer_type takes input positions (ints) or None, got {t!r}")
        self.transfer = transfer

    def __call__(self, *types):
        out = []
        for i in self.transfer:
            if i is None:
                out.append(upcast_out(*types)[0])
            elif not -len(types) <= i < len(types):
                raise TypeError(f"transfer_type({i}) for an op given {len(types)} inputs")
            else:
                out.append(types[i])
        return tuple(out)

    def __eq__(self, other):
        return type(self) is type(other) and self.transfer == other.transfer

    def __hash__(self):
        return hash((type(self), self.transfer))

    def __repr__(self):
        return f"transfer_type{self.transfer}"


class specific_out:  # noqa: N801  (Theano 1.0's name)
    """``specific_out(float32, ...)``: the outputs have these types, whatever the inputs."""

    def __init__(self, *spec):
        self.spec = tuple(get_scalar_type(getattr(t, "dtype", t)) for t in spec)

    def __call__(self, *types):
        return self.spec

    def __eq__(self, other):
        return type(self) is type(other) and self.spec == other.spec

    def __hash__(self):
        return hash((type(self), self.spec))


def _multi(scalar_type):
    def make(*names):
        """Several variables of this type: ``(3)`` three unnamed ones, ``('xyz')`` or
        ``('x', 'y')`` one per name (a single name gives one variable, not a list)."""
        if len(names) == 1 and isinstance(names[0], int):
            n = names[0]
            return scalar_type() if n == 1 else [scalar_type() for _ in range(n)]
        if len(names) == 1:
            names = names[0]
        if isinstance(names, str) and len(names) == 1:
            return scalar_type(names)
        return [scalar_type(n) for n in names]

    return make


ints = _multi(int64)
floats = _multi(float64)
complexs = _multi(complex128)
complexs64 = _multi(complex64)
complexs128 = _multi(complex128)


def convert(x, dtype=None):
    """``x`` (a number) as a NumPy scalar of ``dtype``, or of the dtype a scalar constant of it
    would take."""
    if dtype is not None:
        return np.asarray(x, dtype=config.floatX if dtype == "floatX" else dtype)[()]
    return constant(x).data
