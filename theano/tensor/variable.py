"""TensorVariable, TensorConstant and the operators and methods users call on them."""

import numpy as np

from theano.graph.basic import Constant, Variable
# the methods and operators of a tensor build graphs with the ops of these modules, which all sit
# below this one (they build their outputs with TensorType, whose variable classes this module sets)
from theano.tensor import (basic, cumulative, index_arrays, linalg_ops, math, repeating, reshaping,
                           searching, sorting, subtensor_advanced)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.type import TensorType


def _comparison(result):
    """The result of ``a < b`` (and <=, >, >=) has no truth value, so ``a < b < c`` raises."""
    result._is_nonzero = False
    return result


# NumPy ufuncs that are Python operators: (method, reflected method) of a symbolic tensor
_UFUNC_OPERATORS = {
    "add": ("__add__", "__radd__"), "subtract": ("__sub__", "__rsub__"),
    "multiply": ("__mul__", "__rmul__"), "true_divide": ("__truediv__", "__rtruediv__"),
    "divide": ("__truediv__", "__rtruediv__"),
    "floor_divide": ("__floordiv__", "__rfloordiv__"), "remainder": ("__mod__", "__rmod__"),
    "power": ("__pow__", "__rpow__"), "matmul": ("__matmul__", "__rmatmul__"),
    "less": ("__lt__", "__gt__"), "less_equal": ("__le__", "__ge__"),
    "greater": ("__gt__", "__lt__"), "greater_equal": ("__ge__", "__le__"),
    "bitwise_and": ("__and__", "__rand__"), "bitwise_or": ("__or__", "__ror__"),
    "bitwise_xor": ("__xor__", "__rxor__"),
    "negative": ("__neg__", None), "absolute": ("__abs__", None), "invert": ("__invert__", None),
    "positive": ("__pos__", None),
}
# NumPy ufuncs whose theano.tensor function has another name
_UFUNC_NAMES = {"sign": "sgn", "rint": "round_half_to_even", "square": "sqr",
                "conjugate": "conj", "fabs": "abs_", "mod": "mod"}


def _numpy_ufunc_on_tensors(ufunc, method, inputs, kwargs):
    """``np.<ufunc>(...)`` with a symbolic tensor among the inputs: the graph of the matching
    theano.tensor function (see ``_tensor_py_operators``)."""
    name = ufunc.__name__
    if name in ("equal", "not_equal") and method == "__call__" and not kwargs and \
            len(inputs) == 2:
        # ``a == x``: Python's identity comparison, as for ``x == a`` (use theano.tensor.eq)
        return (inputs[0] is inputs[1]) == (name == "equal")
    if method != "__call__" or kwargs:
        raise TypeError(f"numpy.{name}{'' if method == '__call__' else '.' + method}"
                        f"({', '.join(map(str, inputs))}{', ...' if kwargs else ''}): NumPy "
                        "cannot compute on symbolic tensors; call the ufunc itself with no "
                        "out=/where= arguments, or use theano.tensor's functions")
    ops = _UFUNC_OPERATORS.get(name)
    if ops is not None:
        first = inputs[0]
        if isinstance(first, Variable):
            return getattr(first, ops[0])(*inputs[1:])
        return getattr(inputs[1], ops[1])(first)
    fname = _UFUNC_NAMES.get(name, name)
    for module in (math, basic):
        fn = getattr(module, fname, None)
        if callable(fn):
            return fn(*inputs)
    raise TypeError(f"numpy.{name} has no theano.tensor counterpart to apply to the symbolic "
                    f"{', '.join(str(i) for i in inputs if isinstance(i, Variable))}")


class _tensor_py_operators:
    """Arithmetic, comparison, indexing and the NumPy-like methods of symbolic tensors.

    ``==`` is not overloaded (it is Python identity, so variables can be dict keys): use ``T.eq``.

    A NumPy array or scalar on the left (``np.ones(3) + x``, ``np.float64(2) * x``, ``a < x``) gives a
    symbolic result too, built by the operator methods here (``x.__radd__``, ``x.__gt__``, ...),
    never an object array element by element; ``a == x`` is ``x == a`` (identity, False).
    A NumPy ufunc called on a symbolic tensor (``np.exp(x)``, ``np.maximum(x, 0)``) builds the
    graph of the theano.tensor function of the same meaning, as Theano 1.0 did (PyMC3's models
    rely on it); a ufunc without one, or a ufunc method (``np.add.reduce``), raises TypeError.
    ``__array_priority__`` is kept at Theano's value for code that reads it.
    """

    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _numpy_ufunc_on_tensors(ufunc, method, inputs, kwargs)

    # arithmetic
    def __add__(self, other):
        if _defers(other, "__radd__"):
            return NotImplemented
        return math.add(self, other)

    def __radd__(self, other):
        return math.add(other, self)

    def __sub__(self, other):
        if _defers(other, "__rsub__"):
            return NotImplemented
        return math.sub(self, other)

    def __rsub__(self, other):
        return math.sub(other, self)

    def __mul__(self, other):
        if _defers(other, "__rmul__"):
            return NotImplemented
        return math.mul(self, other)

    def __rmul__(self, other):
        return math.mul(other, self)

    def __truediv__(self, other):
        return math.true_div(self, other)

    def __rtruediv__(self, other):
        return math.true_div(other, self)

    def __floordiv__(self, other):
        return math.int_div(self, other)

    def __rfloordiv__(self, other):
        return math.int_div(other, self)

    def __mod__(self, other):
        return math.mod(self, other)

    def __rmod__(self, other):
        return math.mod(other, self)

    def __divmod__(self, other):
        return math.divmod(self, other)  # Python's: (floor division, remainder with the divisor's sign)

    def __rdivmod__(self, other):
        return math.divmod(other, self)

    def __pow__(self, other):
        return math.pow(self, other)

    def __rpow__(self, other):
        return math.pow(other, self)

    def __neg__(self):
        return math.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return math.abs_(self)

    def __matmul__(self, other):
        if _defers(other, "__rmatmul__"):
            return NotImplemented
        return math.dot(self, other)

    def __rmatmul__(self, other):
        return math.dot(other, self)

    # comparisons (symbolic; == stays identity as in Theano)
    def __lt__(self, other):
        return _comparison(math.lt(self, other))

    def __le__(self, other):
        return _comparison(math.le(self, other))

    def __gt__(self, other):
        return _comparison(math.gt(self, other))

    def __ge__(self, other):
        return _comparison(math.ge(self, other))

    # bitwise / logical
    def __invert__(self):
        return math.invert(self)

    def __and__(self, other):
        return math.and_(self, other)

    def __rand__(self, other):
        return math.and_(other, self)

    def __or__(self, other):
        return math.or_(self, other)

    def __ror__(self, other):
        return math.or_(other, self)

    def __xor__(self, other):
        return math.xor(self, other)

    def __rxor__(self, other):
        return math.xor(other, self)

    def __iter__(self):
        try:
            n = int(self.shape[0].eval()) if self.owner is None and isinstance(self, Constant) else None
        except Exception:
            n = None
        if n is None and self.ndim == 1:  # a vector of known length, e.g. ``a, b = x.shape``
            try:
                n = reshaping.get_vector_length(self)
            except (ValueError, TypeError):
                n = None
        if n is None:
            raise TypeError(
                "TensorType does not support iteration: a symbolic tensor has no known length. "
                "Use theano.scan to loop over its rows, or index it (x[i])."
            )
        for i in range(n):
            yield self[i]

    def __len__(self):
        raise TypeError("len() of a symbolic tensor is unknown; use x.shape[0]")

    # attributes
    @property
    def ndim(self):
        return self.type.ndim

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def broadcastable(self):
        return self.type.broadcastable

    @property
    def shape(self):
        return basic.shape(self)

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def T(self):
        return basic.transpose(self)

    # shape manipulation
    def dimshuffle(self, *pattern):
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = pattern[0]
        return DimShuffle(self.broadcastable, pattern)(self)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return basic.transpose(self, axes or None)

    def reshape(self, shape, *more, ndim=None):
        if more:
            shape = (shape,) + more
        return reshaping.reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1, outdim=None):
        return reshaping.flatten(self, outdim if outdim is not None else ndim)

    def ravel(self):
        return reshaping.flatten(self, 1)

    def astype(self, dtype):
        return basic.cast(self, dtype)

    def copy(self, name=None):
        out = basic.tensor_copy(self)
        out.name = name
        return out

    def squeeze(self):
        return reshaping.squeeze(self)

    def swapaxes(self, a, b):
        return reshaping.swapaxes(self, a, b)

    def repeat(self, repeats, axis=None):
        return repeating.repeat(self, repeats, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return linalg_ops.diagonal(self, offset, axis1, axis2)

    def fill(self, value):
        return basic.fill(self, value)

    def zeros_like(self, dtype=None):
        return basic.zeros_like(self, dtype=dtype)

    def ones_like(self, dtype=None):
        return basic.ones_like(self, dtype=dtype)

    # reductions
    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return math.sum(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return math.prod(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return math.mean(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def max(self, axis=None, keepdims=False):
        return math.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return math.min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        return math.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return math.argmin(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return math.var(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return math.std(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def all(self, axis=None, keepdims=False):
        return math.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return math.any(self, axis=axis, keepdims=keepdims)

    def norm(self, L, axis=None, keepdims=False):
        if L == 0:
            raise NotImplementedError("norm with L=0")
        if L == 1:
            return math.sum(abs(self), axis=axis, keepdims=keepdims)
        if L == 2:
            return math.sqrt(math.sum(math.sqr(self), axis=axis, keepdims=keepdims))
        return math.pow(math.sum(math.pow(abs(self), L), axis=axis, keepdims=keepdims), 1.0 / L)

    def cumsum(self, axis=None):
        return cumulative.cumsum(self, axis)

    def cumprod(self, axis=None):
        return cumulative.cumprod(self, axis)

    def sort(self, axis=-1, kind="quicksort", order=None):
        return sorting.sort(self, axis, kind, order)

    def argsort(self, axis=-1, kind="quicksort", order=None):
        return sorting.argsort(self, axis, kind, order)

    def searchsorted(self, v, side="left", sorter=None):
        return searching.searchsorted(self, v, side, sorter)

    def clip(self, a_min, a_max):
        return math.clip(self, a_min, a_max)

    def round(self, mode=None):
        return math.round(self, mode)

    def trace(self):
        return linalg_ops.trace(self)

    def nonzero(self, return_matrix=False):
        return searching.nonzero(self, return_matrix)

    def nonzero_values(self):
        return searching.nonzero_values(self)

    def take(self, indices, axis=None, mode="raise"):
        return subtensor_advanced.take(self, indices, axis, mode)

    def dot(self, other):
        return math.dot(self, other)

    def conj(self):
        return math.conj(self)

    conjugate = conj

    def ptp(self, axis=None):
        return math.ptp(self, axis)

    def choose(self, choices, out=None, mode="raise"):
        return index_arrays.choose(self, choices, out=out, mode=mode)

    @property
    def real(self):
        return math.real(self)

    @property
    def imag(self):
        return math.imag(self)

    # indexing
    def __getitem__(self, index):
        return subtensor_advanced.getitem(self, index)

    def __setitem__(self, key, value):
        raise TypeError(
            "Symbolic tensors are immutable: use theano.tensor.set_subtensor(x[idx], value) or "
            "inc_subtensor to build the updated tensor."
        )


class TensorVariable(_tensor_py_operators, Variable):
    """A symbolic tensor: the result of an operation or a free input."""

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


class TensorConstantSignature(tuple):
    """Theano 1.0's signature of a tensor constant, the pair ``(type, data)``; Theano 1.0's
    pickled graphs hold it (theano-ng's constants compare by ``signature()`` instead)."""

    def __eq__(self, other):
        if type(self) is not type(other) or len(self) != 2 or len(other) != 2 or self[0] != other[0]:
            return False
        a, b = np.asarray(self[1]), np.asarray(other[1])
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)

    def __hash__(self):
        if len(self) != 2:
            return hash(tuple.__len__(self))
        data = np.asarray(self[1])
        return hash((self[0], data.shape, str(data.dtype)))


class TensorConstant(_tensor_py_operators, Constant):
    """A tensor with a fixed value ``data`` (an ndarray)."""

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __str__(self):
        if self.name is not None:
            return self.name
        data = self.data
        if data.ndim == 0:
            text = str(data.item()) if data.dtype.kind != "f" else repr(float(data)) if abs(float(data)) < 1e16 else str(data)
            return f"TensorConstant{{{text}}}"
        # Theano 1.0's text: an array of one repeated value is "(shape) of value", any other is
        # NumPy's str (on one line); past 20 characters the first 10 and last 10 are kept
        flat = data.ravel()
        if flat.size and flat.dtype.kind != "O" and bool((flat == flat[0]).all()):
            text = f"{data.shape} of {flat[0]}"
        else:
            text = str(data).replace("\n", "")
        if len(text) > 20:
            text = text[:10] + ".." + text[-10:]
        return f"TensorConstant{{{text}}}"

    def signature(self):
        return (self.type, self.type.data_signature(self.data))

    __bool__ = Variable.__bool__


def _defers(other, reflected):
    """Whether a binary operator should let ``other`` handle it: a symbolic variable of another kind
    (a sparse matrix) that defines the reflected operator, as Theano 1.0 let ``dense * sparse``
    reach the sparse ops."""
    return (isinstance(other, Variable) and not isinstance(other.type, TensorType)
            and hasattr(type(other), reflected))


TensorType.variable_type = TensorVariable
TensorType.constant_type = TensorConstant
