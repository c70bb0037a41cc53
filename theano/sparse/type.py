"""SparseType: the type of 2-d SciPy sparse matrices of one format (csr, csc, bsr) and dtype."""

import numpy as np
import scipy.sparse as sp

from theano.configdefaults import config
from theano.graph.type import Type

# the formats a SparseType may have, and the SciPy class of each
format_classes = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "bsr": sp.bsr_matrix}
# the formats Theano 1.0 listed (bsr is supported by SparseType and a few ops too)
sparse_formats = ["csc", "csr"]

float_dtypes = ["float32", "float64"]
complex_dtypes = ["complex64", "complex128"]
int_dtypes = ["int8", "int16", "int32", "int64"]
uint_dtypes = ["uint8", "uint16", "uint32", "uint64"]
integer_dtypes = int_dtypes
discrete_dtypes = int_dtypes + uint_dtypes
all_dtypes = float_dtypes + complex_dtypes + discrete_dtypes


def _is_sparse(x):
    """True for a SciPy sparse matrix, False for an ndarray; TypeError for anything else."""
    if not isinstance(x, (sp.spmatrix, np.ndarray, tuple, list)) and not sp.issparse(x):
        raise NotImplementedError(f"this function only works on sparse matrices and ndarrays, got "
                                  f"{type(x).__name__}")
    return sp.issparse(x)


def _is_dense(x):
    return not _is_sparse(x)


def _describe(x):
    if sp.issparse(x):
        return f"a SciPy {x.format} matrix of dtype {x.dtype} and shape {x.shape}"
    if isinstance(x, np.ndarray):
        return f"a dense ndarray of dtype {x.dtype} and shape {x.shape}"
    return f"{type(x).__name__} {x!r}"[:200]


class SparseType(Type):
    """Values are SciPy sparse matrices of format ``format`` ('csr', 'csc' or 'bsr') and ``dtype``.

    ``SparseType('csr', 'float64')('x')`` makes a symbolic variable. Values are never densified and a
    dense value is never silently made sparse: a dense ndarray, or a matrix of another format, is a
    TypeError (convert with ``scipy.sparse.csr_matrix(a)`` or ``.asformat(...)`` first).
    """

    format_cls = format_classes
    dtype_set = set(all_dtypes) | {"bool"}
    ndim = 2
    broadcastable = (False, False)

    def __init__(self, format, dtype, shape=None, name=None):
        if dtype == "floatX":
            dtype = config.floatX
        dtype = str(np.dtype(dtype))
        if dtype not in self.dtype_set:
            raise NotImplementedError(f"SparseType: unsupported dtype {dtype!r}; use one of "
                                      f"{', '.join(sorted(self.dtype_set))}")
        if format not in format_classes:
            raise NotImplementedError(f"SparseType: unsupported format {format!r}; use one of "
                                      f"{', '.join(sparse_formats)}")
        self.format = format
        self.dtype = dtype
        # not `numpy_dtype`: theano.function skips the filter of inputs whose type has one when
        # given an ndarray of that dtype, and a dense array must be refused here
        self._np_dtype = np.dtype(dtype)
        self.shape = shape
        self.name = name

    def __eq__(self, other):
        return type(self) is type(other) and self.format == other.format and \
            self.dtype == other.dtype

    def __hash__(self):
        return hash((type(self), self.format, self.dtype))

    def __str__(self):
        return self.name or f"Sparse[{self.dtype}, {self.format}]"

    def __repr__(self):
        return f"Sparse[{self.dtype}, {self.format}]"

    def clone(self, format=None, dtype=None):
        return SparseType(format or self.format, dtype or self.dtype)

    # -- values ---------------------------------------------------------------------------------
    def filter(self, value, strict=False, allow_downcast=None):
        if not sp.issparse(value):
            value = self._from_dense(value, strict)
        if value.ndim != 2:
            raise TypeError(f"{self} expected a 2-d matrix, got {value.ndim} dimensions")
        if value.format != self.format:
            if strict:
                raise TypeError(f"{self} expected a {self.format} matrix, got {_describe(value)}; "
                                f"convert it first with value.asformat('{self.format}')")
            # another sparse format holds the same entries: re-format it (as Theano 1.0 did), a
            # copy in O(nnz), never a densification
            value = value.asformat(self.format)
        if value.dtype == self._np_dtype:
            return value
        if strict:
            raise TypeError(f"{self} expected dtype {self.dtype}, got {_describe(value)}")
        if allow_downcast or np.can_cast(value.dtype, self._np_dtype, "safe"):
            return value.astype(self.dtype)
        raise TypeError(f"{self} cannot store {_describe(value)} without risking a loss of "
                        f"precision; cast it first (value.astype('{self.dtype}')) or pass "
                        "allow_input_downcast=True")

    def _from_dense(self, value, strict):
        """A dense 2-d array given where a sparse matrix is expected: as Theano 1.0, converted to
        this format (its zeros not stored) unless ``strict``."""
        if not strict and not isinstance(value, (str, bytes)):
            try:
                arr = np.asarray(value)
            except Exception:   # noqa: BLE001 - not array-like: the error below says so
                arr = None
            if arr is not None and arr.ndim == 2 and arr.dtype.kind in "biufc":
                return sp.csr_matrix(arr).asformat(self.format)
        raise TypeError(
            f"{self} expected a SciPy sparse {self.format} matrix"
            f"{'' if strict else ' or a 2-d numeric array'}, got {_describe(value)}")

    def is_valid_value(self, value):
        return sp.issparse(value) and value.format == self.format and \
            value.dtype == self._np_dtype

    @staticmethod
    def may_share_memory(a, b):
        """Whether two values (sparse or dense) may share memory."""
        def arrays(x):
            if sp.issparse(x):
                out = [x.data]
                for attr in ("indices", "indptr"):
                    if hasattr(x, attr):
                        out.append(getattr(x, attr))
                return out
            if isinstance(x, np.ndarray):
                return [x]
            return []
        return any(np.may_share_memory(u, v) for u in arrays(a) for v in arrays(b))

    def values_eq(self, a, b):
        if not (sp.issparse(a) and sp.issparse(b)) or a.shape != b.shape:
            return False
        diff = abs(a - b)
        return diff.nnz == 0 or diff.max() == 0

    def values_eq_approx(self, a, b, eps=1e-6):
        if not (sp.issparse(a) and sp.issparse(b)) or a.shape != b.shape:
            return False
        diff = abs(a - b)
        if diff.nnz == 0:
            return True
        low = "float32" in (str(a.dtype), str(b.dtype))
        return bool(diff.max() < (1e-4 if low else eps))

    def value_zeros(self, shape):
        return format_classes[self.format](shape, dtype=self.dtype)

    def get_shape_info(self, obj):
        obj = self.filter(obj)
        return (obj.shape, obj.data.size, getattr(obj, "indices", np.empty(0)).size,
                getattr(obj, "indptr", np.empty(0)).size, obj.nnz)

    def get_size(self, shape_info):
        return (shape_info[1] * np.dtype(self.dtype).itemsize + (shape_info[2] + shape_info[3]) *
                np.dtype("int32").itemsize)

    def data_signature(self, data):
        return _SparseSignature(data)

    # -- symbolic -------------------------------------------------------------------------------
    def make_variable(self, name=None):
        from theano.sparse.var import SparseVariable

        return SparseVariable(self, None, None, name)

    def make_constant(self, value, name=None):
        from theano.sparse.var import SparseConstant

        return SparseConstant(self, self.filter(value), name=name)

    @property
    def constant_type(self):
        from theano.sparse.var import SparseConstant

        return SparseConstant

    # -- gradient hooks (theano.gradient calls these for a variable of this type) ---------------
    def fit_gradient(self, var, g):
        """A gradient term ``g`` for ``var`` in the right type: a sparse gradient of a dense
        variable is made dense, a dense one of a sparse variable is made sparse."""
        from theano.sparse import basic

        return basic.fit_gradient(var, g)

    def sum_gradients(self, terms):
        from theano.sparse import basic

        return basic.sum_gradients(terms)

    def zeros_like_gradient(self, var):
        from theano.sparse import basic

        return basic.sp_zeros_like(var)


class _SparseSignature:
    """Hashable identity of a sparse constant's value (to merge equal constants)."""

    __slots__ = ("data", "_hash")

    def __init__(self, data):
        self.data = data
        self._hash = hash((data.format, data.shape, str(data.dtype), data.nnz))

    def __eq__(self, other):
        if not isinstance(other, _SparseSignature) or self._hash != other._hash:
            return False
        a, b = self.data, other.data
        return a.format == b.format and a.dtype == b.dtype and a.shape == b.shape and \
            (a != b).nnz == 0

    def __hash__(self):
        return self._hash
