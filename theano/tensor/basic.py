"""Tensor constructors, conversion of Python values to graph constants, casting, and small core ops."""

import numbers

import numpy as np

from theano.configdefaults import config
from theano.graph.null_type import disconnected_type as _disconnected_type
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.scalar import type as _scalar_type
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.type import TensorType, _provide, _provided

# Theano 1.0's dtype name lists (``T.float_dtypes`` ...), as lists of strings
all_dtypes = list(ts.all_dtypes)
int_dtypes = list(ts.int_dtypes)
uint_dtypes = list(ts.uint_dtypes)
integer_dtypes = list(ts.integer_dtypes)
discrete_dtypes = list(ts.discrete_dtypes)
float_dtypes = list(ts.float_dtypes)
complex_dtypes = list(ts.complex_dtypes)
continuous_dtypes = list(ts.continuous_dtypes)

# Theano 1.0's old name for TensorType
Tensor = TensorType

# -------------------------------------------------------------------------------------------------
# Python values -> constants
# -------------------------------------------------------------------------------------------------


def _autocast_int(x):
    for dtype in ("int8", "int16", "int32", "int64"):
        info = np.iinfo(dtype)
        if info.min <= x <= info.max:
            return np.asarray(x, dtype=dtype)
    if 0 <= x <= np.iinfo("uint64").max:
        return np.asarray(x, dtype="uint64")
    raise OverflowError(f"Python int {x} does not fit in any integer dtype")


def _autocast_float(x):
    if config.cast_policy == "numpy+floatX":
        return np.asarray(x, dtype=config.floatX)
    if config.cast_policy == "numpy":
        return np.asarray(x, dtype="float64")
    return _scalar_type.autocast_float(x)  # float32 when exact, else float64 (autocast_float_as)


def convert_value(x, dtype=None):
    """A Python or NumPy value as an ndarray, with Theano's dtype rules for Python numbers.

    Python ints get the smallest int dtype that holds them, Python floats float32 when exact
    (else float64; always floatX when floatX is float32), lists NumPy's dtype (floatX if empty).
    """
    if dtype is not None:
        if dtype == "floatX":
            dtype = config.floatX
        arr = np.asarray(x)
        conv = arr.astype(dtype)
        return conv
    if isinstance(x, bool) or isinstance(x, np.bool_):
        return np.asarray(x, dtype="bool")
    if config.cast_policy != "custom" and isinstance(x, (numbers.Number, np.generic)):
        # 'numpy': NumPy's dtype (Python ints int64, floats float64); 'numpy+floatX': the same,
        # except that Python floats (not NumPy's) take floatX
        if config.cast_policy == "numpy+floatX" and isinstance(x, float) and \
                not isinstance(x, np.generic):
            return np.asarray(x, dtype=config.floatX)
        return np.asarray(x)
    if isinstance(x, numbers.Integral) and not isinstance(x, np.integer):
        return _autocast_int(int(x))
    if isinstance(x, float):
        return _autocast_float(x)
    if isinstance(x, complex):
        return np.asarray(x, dtype="complex128")
    if isinstance(x, np.ndarray):
        return x
    arr = np.asarray(x)
    if arr.dtype == object:
        raise TypeError(f"Cannot convert {x!r} to a tensor constant")
    if arr.size == 0 and not hasattr(x, "dtype"):
        arr = arr.astype(config.floatX)
    return arr


def constant(x, name=None, ndim=None, dtype=None):
    """A TensorConstant holding ``x``; dimensions of length 1 are broadcastable."""
    data = convert_value(x, dtype)
    if data.dtype.kind in "US":
        raise TypeError(f"Cannot make a tensor constant from a string: {x!r}")
    if ndim is not None and data.ndim != ndim:
        if data.ndim > ndim and all(s == 1 for s in data.shape[: data.ndim - ndim]):
            data = data.reshape(data.shape[data.ndim - ndim:])
        elif data.ndim < ndim:
            data = data.reshape((1,) * (ndim - data.ndim) + data.shape)
        else:
            raise ValueError(f"Constant {x!r} has {data.ndim} dimensions, expected {ndim}")
    bcast = tuple(s == 1 for s in data.shape)
    ttype = TensorType(str(data.dtype), bcast)
    return ttype.make_constant(data, name=name)  # a TensorConstant (variable.py sets the class)


def as_tensor_variable(x, name=None, ndim=None, dtype=None):
    """Convert ``x`` (a variable, a Python number or list, an ndarray) to a TensorVariable."""
    if isinstance(x, Apply):
        # its default output: op.default_output (an index into the outputs) or the only output
        do = getattr(x.op, "default_output", None)
        if do is None:
            if len(x.outputs) != 1:
                raise AttributeError(f"{x.op} has {len(x.outputs)} outputs and no default_output: "
                                     "pick one (node.outputs[i]) to use it as a tensor")
            x = x.outputs[0]
        elif isinstance(do, (bool, np.bool_)) or not isinstance(do, (int, np.integer)) or \
                not 0 <= do < len(x.outputs):
            raise AttributeError(f"{x.op}.default_output={do!r} is not the index of one of its "
                                 f"{len(x.outputs)} outputs")
        else:
            x = x.outputs[int(do)]
    if isinstance(x, Variable):
        if isinstance(x.type, _scalar_type.Scalar):
            x = tensor_from_scalar(x)
        if not isinstance(x.type, TensorType):
            if hasattr(x.type, "as_tensor_variable"):
                return x.type.as_tensor_variable(x)
            raise TypeError(f"Variable {x} of type {x.type} cannot be used as a tensor")
        if ndim is not None and x.ndim != ndim:
            if x.ndim > ndim:
                drop = x.ndim - ndim
                if all(x.broadcastable[:drop]):
                    x = DimShuffle(x.broadcastable, list(range(drop, x.ndim)))(x)
                else:
                    raise ValueError(f"{x} has {x.ndim} dimensions, expected {ndim}")
            else:
                x = DimShuffle(x.broadcastable, ["x"] * (ndim - x.ndim) + list(range(x.ndim)))(x)
        if dtype is not None and x.dtype != dtype:
            x = cast(x, dtype)
        return x
    if isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in _flatten_list(x)):
        # A list holding variables is stacked; stack (joining.py) joins non-scalar tensors with Join,
        # an op built on this module, which provides it (type._provide)
        return _provided("stack")([as_tensor_variable(e) for e in x])
    if isinstance(x, bool):
        # as in Theano 1.0: a Python bool here is most often the result of `v == w` on variables
        # (which compares identities); T.constant(True) or np.array(True) make a bool constant
        raise TypeError(
            f"Cannot convert {x} to a tensor variable. If you compared variables with == or !=, "
            "use theano.tensor.eq(v, w) / neq(v, w); for a boolean constant use "
            "np.array(True) or T.constant(True)."
        )
    if x is None or isinstance(x, (str, dict, set)):
        raise TypeError(f"Cannot convert {x!r} to a tensor: expected a number, list or array")
    try:
        return constant(x, name=name, ndim=ndim, dtype=dtype)
    except TypeError as exc:
        raise TypeError(f"Cannot convert {x!r} to a tensor variable: {exc}") from exc


as_tensor = as_tensor_variable


def _flatten_list(x):
    stack_ = [x]
    while stack_:
        e = stack_.pop()
        if isinstance(e, (list, tuple)):
            stack_.extend(e)
        else:
            yield e


_FOLDABLE = (ts.Add, ts.Sub, ts.Mul, ts.IntDiv, ts.TrueDiv, ts.Mod, ts.Maximum, ts.Minimum, ts.Cast,
             ts.Second, ts._Comparison)


def get_scalar_constant_value(v, elemwise=True, only_process_constants=False, max_recur=10):
    """The value of ``v`` if it is a constant scalar known when the graph is built, else raise
    NotScalarConstantError. Looks through casts, fills, dimshuffles, the length of broadcastable
    or constant dimensions, and (with ``elemwise``) arithmetic on such values, at most
    ``max_recur`` deep; ``only_process_constants`` looks at Constants only."""
    if isinstance(v, (numbers.Number, np.number, np.ndarray)):
        arr = np.asarray(v)
        if arr.size == 1:
            return arr.reshape(()).copy()
        if arr.size == 0:
            raise EmptyConstantError(f"{v!r} is empty: it has no scalar value")
    if isinstance(v, Constant):
        arr = np.asarray(v.data)
        if arr.size == 1:
            return arr.reshape(()).copy()
        if arr.size == 0:
            raise EmptyConstantError(f"{v} is empty: it has no scalar value")
    if isinstance(v, Variable) and v.owner is not None and max_recur > 0 and not only_process_constants:
        op = v.owner.op
        ins = v.owner.inputs

        def _recur(x, depth):
            return get_scalar_constant_value(x, elemwise=elemwise, max_recur=depth)

        if isinstance(op, Elemwise) and isinstance(op.scalar_op, (ts.Cast, ts.Second)):
            val = _recur(ins[-1], max_recur - 1)
            return np.asarray(val, dtype=v.dtype)
        if elemwise and isinstance(op, Elemwise) and isinstance(op.scalar_op, _FOLDABLE) and v.ndim == 0:
            vals = [np.asarray(_recur(i, max_recur - 1)) for i in ins]
            with np.errstate(all="ignore"):
                out = op.scalar_op.impl(*vals, out_dtypes=[v.dtype])
            return np.asarray(out, dtype=v.dtype)
        if isinstance(op, (DimShuffle, Rebroadcast, TensorFromScalar, ScalarFromTensor)):
            return _recur(ins[0], max_recur - 1)
        # ops of higher layers that know a constant value of their output say so themselves
        # (Subtensor: ``x.shape[i]``, ``make_vector(...)[i]``, ``constant[i]``)
        static_value = getattr(op, "static_scalar_value", None)
        if static_value is not None:
            val = static_value(v.owner, elemwise, max_recur)
            if val is not None:
                return val
        if isinstance(op, Shape_i):
            x = ins[0]
            if x.broadcastable[op.i]:
                return np.asarray(1, dtype="int64")
            if isinstance(x, Constant):
                return np.asarray(x.data.shape[op.i], dtype="int64")
    raise NotScalarConstantError(f"{v} is not a constant scalar")


def extract_constant(x, elemwise=True, only_process_constants=False):
    """The value of ``x`` (a 0-d ndarray, a copy) when it is a constant scalar known when the graph
    is built (see get_scalar_constant_value), else ``x`` itself, as in Theano 1.0: rewrites compare
    it with numbers (``extract_constant(y) == 0``)."""
    try:
        return get_scalar_constant_value(x, elemwise=elemwise, only_process_constants=only_process_constants)
    except NotScalarConstantError:
        return x


class NotScalarConstantError(ValueError):
    """``get_scalar_constant_value``: the variable is not a scalar constant."""


class EmptyConstantError(NotScalarConstantError):
    """``get_scalar_constant_value`` of a constant with no element."""


# -------------------------------------------------------------------------------------------------
# Constructors: scalar, vector, ... with the b w i l f d c z prefixes
# -------------------------------------------------------------------------------------------------

_PREFIX = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
           "c": "complex64", "z": "complex128"}
_KINDS = {"scalar": (), "vector": (False,), "row": (True, False), "col": (False, True),
          "matrix": (False, False), "tensor3": (False,) * 3, "tensor4": (False,) * 4,
          "tensor5": (False,) * 5, "tensor6": (False,) * 6, "tensor7": (False,) * 7}


def tensor(*args, **kwargs):
    """``tensor(dtype, broadcastable, name=None)``: a variable of ``TensorType(dtype, broadcastable)``."""
    name = kwargs.pop("name", None)
    if "dtype" not in kwargs and args:
        kwargs["dtype"] = args[0]
        args = args[1:]
    if "broadcastable" not in kwargs and args:
        kwargs["broadcastable"] = args[0]
        args = args[1:]
    if args and name is None:
        name = args[0]
    dtype = kwargs.pop("dtype", None) or config.floatX
    bcast = kwargs.pop("broadcastable", ())
    return TensorType(dtype, bcast, **kwargs)(name)


def _make_constructor(kind, fixed_dtype=None):
    bcast = _KINDS[kind]

    def constructor(name=None, dtype=None):
        dt = fixed_dtype or dtype or config.floatX
        return TensorType(dt, bcast)(name)

    dtname = fixed_dtype or "floatX"
    constructor.__name__ = kind
    constructor.__doc__ = f"A symbolic {kind} of dtype {dtname} (``name`` is optional)."
    return constructor


def _make_plural(single, single_name):
    def plural(*names, dtype=None):
        kw = {} if dtype is None else {"dtype": dtype}
        if names and isinstance(names[0], int):
            n = names[0]
            return single(**kw) if n == 1 else [single(**kw) for _ in range(n)]
        if len(names) == 1:
            names = names[0]
        if len(names) == 1:
            return single(names, **kw) if isinstance(names, str) else single(names[0], **kw)
        return [single(n, **kw) for n in names]

    plural.__name__ = single_name + "s"
    plural.__doc__ = f"Several {single_name} variables, one per name given."
    return plural


_constructors = {}
for _kind in _KINDS:
    _constructors[_kind] = _make_constructor(_kind)
    for _p, _dt in _PREFIX.items():
        # As in Theano 1.0, T.dmatrix, T.fvector ... are TensorType instances (callable with a name),
        # so `x.type == T.fmatrix` works; the unprefixed T.matrix(name, dtype) is a function.
        _constructors[_p + _kind] = TensorType(_dt, _KINDS[_kind])
for _name in list(_constructors):
    if _name.endswith(("scalar", "vector", "row", "col", "matrix")) or _name in ("tensor3", "tensor4"):
        if _name.endswith("matrix"):
            _constructors[_name[:-6] + "matrices"] = _make_plural(_constructors[_name], _name)
        else:
            _constructors[_name + "s"] = _make_plural(_constructors[_name], _name)
    elif _name.endswith(("tensor3", "tensor4")):
        _constructors[_name + "s"] = _make_plural(_constructors[_name], _name)
globals().update(_constructors)
constructor_names = sorted(_constructors)


# -------------------------------------------------------------------------------------------------
# Casting and broadcasting
# -------------------------------------------------------------------------------------------------


def cast(x, dtype):
    """``x`` converted to ``dtype`` ('floatX' means config.floatX); returns x when it already is."""
    if dtype == "floatX":
        dtype = config.floatX
    x = as_tensor_variable(x)
    dtype = str(np.dtype(dtype))
    if x.dtype == dtype:
        return x
    if x.dtype.startswith("complex") and not dtype.startswith("complex"):
        raise TypeError(
            f"Casting {x} from complex to {dtype} is ambiguous: use T.real, T.imag or abs first"
        )
    return Elemwise(ts.cast_op(dtype))(x)


# Theano 1.0's elementwise casts by name (``theano.tensor.basic._convert_to_float32(x)``): the ops
# ``cast`` builds
for _d in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"):
    globals()[f"_convert_to_{_d}"] = Elemwise(ts.cast_op(_d))
del _d


class Rebroadcast(Op):
    """Change which dimensions are marked broadcastable; checks at run time that they have length 1."""

    __props__ = ("axis",)
    view_map = {0: [0]}

    def __init__(self, *axis):
        self.axis = tuple(sorted((int(a), bool(b)) for a, b in axis))

    def __str__(self):
        return "Rebroadcast{%s}" % ",".join(f"{a}:{b}" for a, b in self.axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        bcast = list(x.broadcastable)
        for a, b in self.axis:
            if a >= x.ndim:
                raise ValueError(f"Rebroadcast: axis {a} out of range for {x.ndim}-d input {x}")
            bcast[a] = b
        return Apply(self, [x], [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        for a, b in self.axis:
            if b and x.shape[a] != 1:
                raise ValueError(
                    f"Dimension {a} of {node.inputs[0]} was declared broadcastable (length 1) but "
                    f"has length {x.shape[a]} (shape {x.shape})"
                )
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        out = list(s)
        for a, b in self.axis:
            if b:
                out[a] = as_tensor_variable(1, dtype="int64")
        return [tuple(out)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [patternbroadcast(gz, x.broadcastable)]

    def R_op(self, inputs, eval_points):
        return [self(*eval_points)]


def patternbroadcast(x, broadcastable):
    """``x`` with the broadcastable pattern ``broadcastable`` (a shorter pattern sets the leading
    dimensions only). Returns ``x`` itself when nothing changes; a Rebroadcast of a Rebroadcast
    is built as one on the original tensor (or is that tensor, when the changes cancel out)."""
    x = as_tensor_variable(x)
    broadcastable = tuple(bool(b) for b in broadcastable)
    if len(broadcastable) > x.ndim:
        raise ValueError(f"patternbroadcast: pattern {broadcastable} is longer than the {x.ndim} "
                         f"dimensions of {x}")
    target = broadcastable + tuple(x.broadcastable[len(broadcastable):])
    if x.broadcastable == target:
        return x
    base = x.owner.inputs[0] if x.owner is not None and isinstance(x.owner.op, Rebroadcast) else x
    axes = [(i, b) for i, b in enumerate(target) if base.broadcastable[i] != b]
    if not axes:
        return base
    return Rebroadcast(*axes)(base)


def _set_broadcastable(x, axes, value, what):
    x = as_tensor_variable(x)
    b = list(x.broadcastable)
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what}: axes must be ints, got {a!r}")
        if not -x.ndim <= a < x.ndim:
            raise ValueError(f"{what}: axis {a} is out of range for {x} with {x.ndim} dimensions")
        b[a] = value
    return patternbroadcast(x, b)


def addbroadcast(x, *axes):
    """``x`` with the dimensions ``axes`` marked broadcastable (their length must be 1 at run time)."""
    return _set_broadcastable(x, axes, True, "addbroadcast")


def unbroadcast(x, *axes):
    """``x`` with the dimensions ``axes`` marked not broadcastable."""
    return _set_broadcastable(x, axes, False, "unbroadcast")


# -------------------------------------------------------------------------------------------------
# fill / zeros_like / ones_like / stacking scalars
# -------------------------------------------------------------------------------------------------

second = Elemwise(ts.second, name=None)


# ``fill(model, value)``: ``value`` broadcast to the shape of ``model``; the op ``second`` itself,
# as in Theano 1.0 (``g.owner.op == fill`` identifies a gradient's zeros)
fill = second


def zeros_like(model, dtype=None, opt=False):
    model = as_tensor_variable(model)
    return fill(model, constant(0, dtype=dtype or model.dtype))


def ones_like(model, dtype=None, opt=False):
    model = as_tensor_variable(model)
    return fill(model, constant(1, dtype=dtype or model.dtype))


tensor_copy = Elemwise(ts.identity)


class MakeVectorDowncastError(TypeError, AssertionError):
    """A MakeVector input its dtype cannot hold without loss. A TypeError, and an AssertionError
    too: the error Theano 1.0's MakeVector raised for it."""


class MakeVector(Op):
    """Stack scalars into a vector."""

    __props__ = ("dtype",)

    def __init__(self, dtype="int64"):
        self.dtype = str(np.dtype(dtype))

    def __str__(self):
        return f"MakeVector{{dtype={self.dtype}}}"

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        for i in inputs:
            if i.ndim != 0:
                raise TypeError(f"MakeVector needs scalars, got {i} with {i.ndim} dimensions")
        inputs = [self._converted(k, i) for k, i in enumerate(inputs)]
        # never broadcastable, one input or many (Theano 1.0's type: a shape vector is one)
        return Apply(self, inputs, [TensorType(self.dtype, (False,))()])

    def _converted(self, k, i):
        """Input ``i`` in the vector's dtype: an upcast, or a constant whose value fits. A
        variable that would be downcast (an int32 in an int8 vector, a float in an int one) is
        refused, as in Theano 1.0: the cast would silently wrap or truncate its values."""
        if i.dtype == self.dtype:
            return i
        if ts.upcast(i.dtype, self.dtype) != self.dtype:
            fits = False
            if isinstance(i, Constant):
                data = np.asarray(i.data)
                with np.errstate(all="ignore"):
                    fits = bool(np.all(data.astype(self.dtype) == data))
            if not fits:
                raise MakeVectorDowncastError(
                    f"MakeVector(dtype={self.dtype}): input {k} ({i}) has dtype {i.dtype}, which "
                    f"{self.dtype} cannot hold without loss; cast it first (T.cast(x, "
                    f"'{self.dtype}')) or make the vector of dtype {ts.upcast(i.dtype, self.dtype)}")
        return cast(i, self.dtype)

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.array(inputs, dtype=self.dtype).reshape(len(inputs))

    def infer_shape(self, node, input_shapes):
        return [(as_tensor_variable(len(node.inputs), dtype="int64"),)]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        out = []
        for i, x in enumerate(inputs):
            if x.dtype in ts.discrete_dtypes:
                out.append(zeros_like(x, dtype=config.floatX))
            else:
                out.append(cast(gz[i], x.dtype))
        return out


# -------------------------------------------------------------------------------------------------
# Shape and Shape_i (every layer above asks for shapes)
# -------------------------------------------------------------------------------------------------


class Shape(Op):
    """The shape of a tensor, as an int64 vector."""

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [(constant(node.inputs[0].ndim, dtype="int64"),)]

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0], dtype=config.floatX if inputs[0].dtype in ts.discrete_dtypes else None)]

    def connection_pattern(self, node):
        return [[False]]


class Shape_i(Op):
    """The length of dimension ``i`` of a tensor, as an int64 scalar."""

    __props__ = ("i",)

    def __init__(self, i):
        self.i = int(i)

    def __str__(self):
        return f"Shape_i{{{self.i}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.i < x.ndim:
            raise ValueError(f"Shape_i{{{self.i}}}: {x} has only {x.ndim} dimensions")
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape[self.i], dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0], dtype=config.floatX if inputs[0].dtype in ts.discrete_dtypes else None)]

    def connection_pattern(self, node):
        return [[False]]


_shape = Shape()


def shape(x):
    return _shape(x)


def shape_i(x, i):
    """Length of dimension ``i`` of ``x`` (a constant when ``x`` is broadcastable there)."""
    x = as_tensor_variable(x)
    if x.broadcastable[i]:
        return constant(1, dtype="int64")
    if isinstance(x, Constant):
        return constant(x.data.shape[i], dtype="int64")
    return Shape_i(i)(x)


# -------------------------------------------------------------------------------------------------
# Argument checks shared by the ops of the layers above
# -------------------------------------------------------------------------------------------------


def _disconnected():
    return _disconnected_type()


def _zero_grad(x):
    """The gradient of a discrete input ``x``: zeros shaped like it, of dtype floatX."""
    return zeros_like(x, dtype=config.floatX)


def _int_scalar(x, what):
    """``x`` as an integer scalar variable; a clear TypeError naming ``what`` otherwise."""
    if isinstance(x, (float, np.floating)):
        raise TypeError(f"{what} must be an integer, got the float {x!r}")
    try:
        v = as_tensor_variable(x)
    except TypeError as exc:
        raise TypeError(f"{what} must be an integer scalar, got {x!r}") from exc
    if v.ndim != 0:
        raise TypeError(f"{what} must be a scalar, got {v} with {v.ndim} dimensions")
    if v.dtype not in ts.discrete_dtypes:
        raise TypeError(f"{what} must be an integer, got {v} of dtype {v.dtype}")
    return v


def _const_int(v):
    """The Python int value of ``v`` when it is known at graph construction, else None."""
    try:
        return int(get_scalar_constant_value(v))
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def _static_axis(axis, ndim, what="axis", extra=0):
    """A normalized Python int axis; symbolic axes must be constants."""
    if not isinstance(axis, (int, np.integer)):
        a = _const_int(axis) if not isinstance(axis, (float, np.floating)) else None
        if a is None:
            raise TypeError(f"{what} must be an int known when the graph is built, got {axis!r}")
        axis = a
    axis = int(axis)
    n = ndim + extra
    if not -n <= axis < n:
        # numpy's AxisError is both a ValueError and the IndexError Theano raised here
        raise np.exceptions.AxisError(f"{what}={axis} is out of range for a tensor with {ndim} dimensions")
    return axis % n


def _int64(x):
    return cast(x, "int64")


def transpose(x, axes=None):
    """``x`` with its dimensions permuted (reversed when ``axes`` is None); named ``<name>.T``
    when ``x`` has a name."""
    x = as_tensor_variable(x)
    if axes is None:
        axes = list(range(x.ndim - 1, -1, -1))
    out = DimShuffle(x.broadcastable, list(axes))(x)
    if x.name and axes == list(range(x.ndim - 1, -1, -1)):
        out.name = f"{x.name}.T"
    return out


# -------------------------------------------------------------------------------------------------
# 0-d tensors <-> scalars (theano.scalar's Scalar type)
# -------------------------------------------------------------------------------------------------


class TensorFromScalar(Op):
    """A ``Scalar`` variable as a 0-d tensor of the same dtype."""

    __props__ = ()

    def make_node(self, s):
        if not isinstance(getattr(s, "type", None), _scalar_type.Scalar):
            raise TypeError(f"tensor_from_scalar needs a theano.scalar variable, got {s!r}")
        return Apply(self, [s], [TensorType(s.type.dtype, ())()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0], dtype=node.outputs[0].type.numpy_dtype)

    def infer_shape(self, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        (s,), (gz,) = inputs, output_grads
        if s.type.dtype in ts.discrete_dtypes:
            return [scalar_from_tensor(constant(0, dtype=config.floatX))]
        return [scalar_from_tensor(cast(gz, s.type.dtype))]


class ScalarFromTensor(Op):
    """A 0-d tensor as a ``Scalar`` variable (its value a NumPy scalar) of the same dtype."""

    __props__ = ()

    def make_node(self, t):
        t = as_tensor_variable(t)
        if t.ndim != 0:
            raise TypeError(f"scalar_from_tensor needs a 0-d tensor, got {t} ({t.type})")
        return Apply(self, [t], [_scalar_type.get_scalar_type(t.dtype)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0])[()]

    def grad(self, inputs, output_grads):
        (t,), (gs,) = inputs, output_grads
        if t.dtype in ts.discrete_dtypes:
            return [zeros_like(t, dtype=config.floatX)]
        return [cast(tensor_from_scalar(gs), t.dtype)]


tensor_from_scalar = TensorFromScalar()
scalar_from_tensor = ScalarFromTensor()


# -------------------------------------------------------------------------------------------------
# A value that may be left out at call time
# -------------------------------------------------------------------------------------------------


class Default(Op):
    """``default(x, d)``: the value of ``x``, or a copy of the value of ``d`` where the value
    given for ``x`` is None (Theano 1.0's ``Default``).

    ``x`` is usually a function input (or an ``In(x, value=..., update=...)`` state) that a call
    may give as None: ``theano.function`` accepts None for an input read only by ops that take it
    (``none_inputs``). Both values None is a ValueError. The output has ``x``'s type and is a
    view of ``x`` when ``x`` is given."""

    __props__ = ()
    view_map = {0: [0]}
    # either input may be None when the function runs
    none_inputs = (0, 1)

    def make_node(self, x, default):
        x = as_tensor_variable(x)
        if isinstance(default, Variable):
            d = as_tensor_variable(default)
            if d.dtype != x.dtype or d.ndim != x.ndim:
                raise TypeError(f"default({x}, {d}): the default must have the type of x "
                                f"({x.type}), got {d.type}")
        else:
            value = np.asarray(default)
            if value.ndim != x.ndim:
                raise TypeError(f"default({x}, ...): the default must have {x.ndim} dimension(s) "
                                f"as x ({x.type}), got {value.ndim}: {default!r}")
            # the default as Theano 1.0 made it a constant (a Python float is floatX when floatX
            # is float32): accepted when that has x's dtype, as Theano's Default accepted it
            auto = convert_value(default)
            conv = value.astype(x.type.numpy_dtype)
            with np.errstate(invalid="ignore"):
                exact = bool(np.all((conv == value) | ((conv != conv) & (value != value))))
            if auto.dtype == x.type.numpy_dtype:
                conv, exact = auto, True
            if not exact:
                raise TypeError(f"default({x}, {default!r}): the default does not fit x's dtype "
                                f"{x.dtype} exactly")
            d = constant(conv)
        for dim, (bx, bd) in enumerate(zip(x.broadcastable, d.broadcastable)):
            if bx and not bd:
                raise TypeError(f"default({x}, {d}): dimension {dim} of x is broadcastable "
                                f"({x.type}) and that of the default is not ({d.type})")
        return Apply(self, [x, d], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, d = inputs
        if x is not None:
            output_storage[0][0] = x
            return
        if d is None:
            raise ValueError(f"default({node.inputs[0]}, {node.inputs[1]}): the value of "
                             f"{node.inputs[0]} is None and so is its default")
        # a copy: the output is declared a view of x only
        output_storage[0][0] = np.array(d, dtype=node.outputs[0].type.numpy_dtype, copy=True)


default = Default()


# Theano 1.0's default tolerances of its ``_allclose`` per float precision (its tests read and
# temporarily change them).
float16_atol, float16_rtol = 1e-3, 1e-3
float32_atol, float32_rtol = 1e-5, 1e-5
float64_atol, float64_rtol = 1e-8, 1e-5

# what the modules below this one call (see type._provide)
for _fn in (as_tensor_variable, patternbroadcast, cast, zeros_like, get_scalar_constant_value,
            NotScalarConstantError):
    _provide(_fn.__name__, _fn)
_provide("scalar_from_tensor", scalar_from_tensor)


def __getattr__(name):
    # Theano 1.0 kept most tensor ops in tensor/basic.py; old imports such as
    # ``from theano.tensor.basic import Join, ARange, Argmax`` find them in their modules here.
    import importlib

    if name.startswith("_"):
        raise AttributeError(f"module 'theano.tensor.basic' has no attribute {name!r}")
    for mod in ("allocation", "joining", "math", "reshaping", "extra_ops", "linalg_ops", "subtensor",
                "subtensor_advanced", "variable"):
        m = importlib.import_module(f"theano.tensor.{mod}")
        if name in vars(m) and not name.startswith("_"):
            return vars(m)[name]
    raise AttributeError(f"module 'theano.tensor.basic' has no attribute {name!r}")
