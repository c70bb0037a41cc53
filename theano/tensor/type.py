"""TensorType: an n-dimensional array type given by a dtype and a broadcastable pattern."""

import numpy as np

from theano.configdefaults import config
from theano.graph.type import Type
from theano.scalar.basic import all_dtypes

# Functions of the tensor modules above this one that the lower ones call while building graphs
# (Elemwise converting its inputs with as_tensor_variable, CAReduce's gradient summing, a list
# stacked into a tensor, ...): each module that defines one provides it when it is imported, and
# the lower modules look it up by name when they run, so no module imports one above itself.
# Importing theano.tensor imports them all.
_PROVIDED = {}


def _provide(name, fn):
    """Make ``fn`` what ``_provided(name)`` returns (called by the module defining it)."""
    _PROVIDED[name] = fn
    return fn


def _provided(name):
    """The function a higher tensor module provided under ``name``."""
    try:
        return _PROVIDED[name]
    except KeyError:
        raise RuntimeError(f"theano.tensor: {name!r} is not available yet; import theano.tensor "
                           "first") from None

_BCAST_NAMES = {(): "scalar", (False,): "vector", (True, False): "row", (False, True): "col",
                (False, False): "matrix"}


def _describe(data):
    if isinstance(data, np.ndarray):
        return f"an array of dtype {data.dtype} and shape {data.shape}"
    return f"{type(data).__name__} {data!r}"[:200]


class NonFiniteError(ValueError):
    """A value with NaN or inf given to a TensorType whose ``filter_checks_isfinite`` is True."""


class TensorType(Type):
    """The type of tensors with a given ``dtype`` and ``broadcastable`` pattern.

    ``broadcastable[i]`` True means dimension i always has length 1 and broadcasts against others.
    Calling the type makes a variable: ``TensorType('float64', (False, False))('x')``.

    ``filter_checks_isfinite`` (class attribute, False; Theano 1.0's): when True, ``filter``
    refuses float or complex data holding NaN or inf (ValueError), so function arguments are
    checked (a function reads the flag when it is compiled).
    """

    filter_checks_isfinite = False

    def __init__(self, dtype, broadcastable, name=None, sparse_grad=False, shape=None):
        if dtype == "floatX":
            dtype = config.floatX
        try:
            self.dtype = str(np.dtype(dtype))
        except TypeError as exc:
            raise TypeError(f"Invalid dtype {dtype!r} for a TensorType") from exc
        if self.dtype not in all_dtypes:
            raise TypeError(f"Unsupported dtype {self.dtype!r}; use one of {', '.join(all_dtypes)}")
        if isinstance(broadcastable, int) and not isinstance(broadcastable, bool):
            broadcastable = (False,) * broadcastable
        self.broadcastable = tuple(bool(b) for b in broadcastable)
        self.ndim = len(self.broadcastable)
        self.name = name
        self.sparse_grad = sparse_grad
        self.numpy_dtype = np.dtype(self.dtype)
        self._bcast_dims = tuple(i for i, b in enumerate(self.broadcastable) if b)

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_bcast_dims" not in state:
            # a type pickled by Theano 1.0 (or before these attributes existed): derive them
            TensorType.__init__(self, state["dtype"], state["broadcastable"], state.get("name"),
                                state.get("sparse_grad", False))

    # -- identity -------------------------------------------------------------------------------
    def __eq__(self, other):
        return type(self) is type(other) and self.dtype == other.dtype and \
            self.broadcastable == other.broadcastable

    def __hash__(self):
        return hash((type(self), self.dtype, self.broadcastable))

    def __str__(self):
        if self.name:
            return self.name
        b = self.broadcastable
        if b in _BCAST_NAMES:
            bc = _BCAST_NAMES[b]
        elif any(b):
            bc = str(b)
        else:
            bc = f"{len(b)}D"
        return f"TensorType({self.dtype}, {bc})"

    __repr__ = __str__

    def clone(self, dtype=None, broadcastable=None):
        return TensorType(dtype or self.dtype,
                          self.broadcastable if broadcastable is None else broadcastable)

    # -- values ---------------------------------------------------------------------------------
    def filter(self, data, strict=False, allow_downcast=None):
        """Check ``data`` and convert it to an ndarray of this type; raise TypeError if it cannot.

        Without ``allow_downcast``, a conversion is accepted when it loses nothing: a safe cast, or a
        Python number or list whose values are unchanged by the conversion (``[1.0, 2.0]`` into a
        float32 vector). An ndarray of a wider dtype is refused (say float64 into float32).
        """
        if type(data) is np.ndarray and data.dtype == self.numpy_dtype:
            pass
        elif strict:
            raise TypeError(f"{self} expected an ndarray of dtype {self.dtype}, got {_describe(data)}")
        else:
            data = self._convert(data, allow_downcast)
        if data.ndim != self.ndim:
            raise TypeError(
                f"Wrong number of dimensions: expected {self.ndim} ({self}), got {data.ndim} with "
                f"shape {data.shape}."
            )
        for i in self._bcast_dims:
            if data.shape[i] != 1:
                raise TypeError(
                    f"Non-unit value on shape on a broadcastable dimension: {self} needs length 1 "
                    f"in dimension {i}, got shape {data.shape}."
                )
        if self.filter_checks_isfinite and data.dtype.kind in "fc" and \
                not np.isfinite(data).all():
            raise NonFiniteError(f"non-finite elements not allowed: {self} got NaN or inf "
                                 "(TensorType.filter_checks_isfinite is True)")
        return data

    def _convert(self, data, allow_downcast):
        if hasattr(data, "dtype") and not isinstance(data, np.ndarray) and not np.isscalar(data):
            data = np.asarray(data)  # array-likes such as memmaps or jax arrays
        if isinstance(data, np.ndarray) or isinstance(data, np.generic):
            arr = np.asarray(data)
            if arr.dtype == self.numpy_dtype:
                return arr if type(arr) is np.ndarray else np.array(arr)
            if allow_downcast or np.can_cast(arr.dtype, self.numpy_dtype, "safe"):
                return arr.astype(self.numpy_dtype)
            if isinstance(data, np.generic) and arr.dtype.kind in "biuf" and self.dtype != "bool":
                # a NumPy scalar (np.int64(3) for an int32 input, an index from np.arange) is
                # converted when its value is unchanged, as a Python number is (Theano 1.0)
                with np.errstate(all="ignore"):
                    conv = arr.astype(self.numpy_dtype)
                if conv == arr or (np.isnan(conv) and np.isnan(arr)):
                    return conv
            raise TypeError(
                f"{self} cannot store a value of dtype {arr.dtype} without risking loss of "
                f"precision. If you do not mind, either cast your data to {self.dtype} first "
                f"(numpy.asarray(value, dtype='{self.dtype}')), or pass allow_input_downcast=True "
                "to theano.function."
            )
        # Python numbers, lists, tuples
        if allow_downcast is None and isinstance(data, float) and self.dtype == config.floatX:
            return np.asarray(data, dtype=self.numpy_dtype)
        try:
            original = np.asarray(data)
        except (ValueError, TypeError) as exc:
            raise TypeError(f"{self} cannot hold {_describe(data)}: {exc}") from exc
        if original.dtype == object:
            raise TypeError(f"{self} cannot hold {_describe(data)}")
        if original.dtype.kind in "US":
            raise TypeError(f"{self} cannot hold a string value {data!r}")
        if original.size == 0 and original.dtype == np.float64:
            return original.astype(self.numpy_dtype)
        try:
            with np.errstate(all="ignore"):
                converted = original.astype(self.numpy_dtype)
        except (ValueError, TypeError, OverflowError) as exc:
            raise TypeError(f"{self} cannot hold {_describe(data)}: {exc}") from exc
        if allow_downcast or original.dtype == self.numpy_dtype or \
                np.can_cast(original.dtype, self.numpy_dtype, "safe"):
            return converted
        with np.errstate(all="ignore"):
            same = np.array_equal(converted, original) or (
                original.dtype.kind in "fc" and np.array_equal(converted, original, equal_nan=True))
        if same:
            return converted
        shown = converted if converted.ndim == 0 else "values that differ"
        raise TypeError(
            f"{self} cannot store accurately the value {data!r}: it would become {shown}. If you "
            f"do not mind this precision loss, either convert your data to a numpy array of dtype "
            f"{self.dtype} first, or pass allow_input_downcast=True to theano.function."
        )

    def value_zeros(self, shape):
        return np.zeros(shape, dtype=self.dtype)

    # static, as in Theano 1.0 (``TensorType.values_eq(a, b)`` is called on the class too)
    @staticmethod
    def values_eq(a, b, force_same_dtype=True):
        """True when ``a`` and ``b`` hold the same values (NaNs equal NaNs) and shape (and dtype,
        unless ``force_same_dtype=False``)."""
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or (force_same_dtype and a.dtype != b.dtype):
            return False
        nan_ok = a.dtype.kind in "fc" or b.dtype.kind in "fc"
        return bool(np.array_equal(a, b, equal_nan=nan_ok))

    @staticmethod
    def values_eq_approx(a, b, allow_remove_inf=False, allow_remove_nan=False, rtol=None, atol=None):
        """True when ``a`` and ``b`` are equal within a tolerance suited to their float precision.

        NaNs compare equal to NaNs; ``allow_remove_nan``/``allow_remove_inf`` also accept any value
        of ``b`` where ``a`` is NaN / infinite (a rewrite may turn those into finite numbers).
        """
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            low = "float32" in (str(a.dtype), str(b.dtype)) or "float16" in (str(a.dtype), str(b.dtype))
            rtol = rtol if rtol is not None else (1e-4 if low else 1e-5)
            atol = atol if atol is not None else (1e-5 if low else 1e-8)
            close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
            if allow_remove_nan:
                close |= np.isnan(a)
            if allow_remove_inf:
                close |= np.isinf(a)
            return bool(np.all(close))
        return bool(np.array_equal(a, b))

    def data_signature(self, data):
        return _ArraySignature(data)

    # -- symbolic -------------------------------------------------------------------------------
    def convert_variable(self, var):
        vt = var.type
        if vt == self:
            return var
        if isinstance(vt, TensorType) and vt.dtype == self.dtype and vt.ndim == self.ndim and \
                all(sb == ob or ob for sb, ob in zip(self.broadcastable, vt.broadcastable)):
            # Rebroadcast is an op of basic.py, which builds on this module
            return _provided("patternbroadcast")(var, self.broadcastable)
        return None

    # variable_type and constant_type (TensorVariable, TensorConstant) are set by variable.py, which
    # builds on this module; importing theano.tensor imports both.

    def make_variable(self, name=None):
        if self.dtype == "float64" and config.warn_float64 != "ignore":
            _float64_created(name)
        return self.variable_type(self, None, None, name)

    def make_constant(self, value, name=None):
        return self.constant_type(self, value, name=name)


class _ArraySignature:
    """Hashable identity of a constant's value, used to merge equal constants."""

    __slots__ = ("data", "_hash")

    def __init__(self, data):
        self.data = data
        flat = data.reshape(-1)
        sample = flat[:: max(1, flat.size // 16)][:16].tobytes() if flat.size else b""
        self._hash = hash((data.shape, data.dtype.str, sample))

    def __eq__(self, other):
        return isinstance(other, _ArraySignature) and self._hash == other._hash and \
            self.data.shape == other.data.shape and self.data.dtype == other.data.dtype and \
            np.array_equal(self.data, other.data, equal_nan=self.data.dtype.kind in "fc")

    def __hash__(self):
        return self._hash


def values_eq_approx_remove_inf(a, b):
    """``TensorType.values_eq_approx`` that accepts any value where ``a`` is infinite."""
    return TensorType.values_eq_approx(a, b, allow_remove_inf=True)


def values_eq_approx_remove_nan(a, b):
    """``TensorType.values_eq_approx`` that accepts any value where ``a`` is NaN."""
    return TensorType.values_eq_approx(a, b, allow_remove_nan=True)


def values_eq_approx_remove_inf_nan(a, b):
    """``TensorType.values_eq_approx`` that accepts any value where ``a`` is NaN or infinite."""
    return TensorType.values_eq_approx(a, b, allow_remove_inf=True, allow_remove_nan=True)


def values_eq_approx_always_true(a, b):
    """A comparison that accepts anything (for outputs whose value is not meaningful)."""
    return True


def _float64_created(name):
    """``config.warn_float64``: what to do when a float64 tensor variable is created."""
    msg = (f"A float64 tensor variable{f' {name!r}' if name else ''} was created "
           "(config.warn_float64). Use float32 (floatX=float32, T.fvector, casts) to avoid it.")
    if config.warn_float64 == "warn":
        import warnings

        warnings.warn(msg, stacklevel=4)
    elif config.warn_float64 == "raise":
        raise Exception(msg)
    elif config.warn_float64 == "pdb":
        import pdb

        pdb.set_trace()
