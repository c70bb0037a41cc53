"""SparseVariable, SparseConstant, sparse shared variables and their operators."""

import copy

import scipy.sparse as sp

from theano.compile.sharedvalue import SharedVariable, shared_constructor
from theano.graph.basic import Constant, Variable
from theano.sparse.type import SparseType, format_classes


def _B():
    from theano.sparse import basic

    return basic


def _M():
    from theano.sparse import math

    return math


def _product(x, y):
    """``theano.dot(x, y)`` with a sparse operand (see ``_sparse_py_operators.__dot__``)."""
    formats = {getattr(v, "format", None) for v in (x, y)} - {None}
    if formats <= {"csr", "csc"}:
        return _M().structured_dot(x, y)
    return _M().dot(x, y)


class _sparse_py_operators:
    """Operators and methods of symbolic sparse matrices. Arithmetic dispatches to the sparse ops
    (``x + y`` is ``theano.sparse.add``, ``x * y`` the elementwise ``mul``, ``x @ y`` / ``dot``
    the matrix product); nothing here makes a sparse value dense unless asked (``toarray``)."""

    ndim = 2
    broadcastable = (False, False)
    __array_priority__ = 1001
    __array_ufunc__ = None

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def format(self):
        return self.type.format

    def __add__(self, other):
        return _M().add(self, other)

    def __radd__(self, other):
        return _M().add(other, self)

    def __sub__(self, other):
        return _M().sub(self, other)

    def __rsub__(self, other):
        return _M().sub(other, self)

    def __mul__(self, other):
        return _M().mul(self, other)

    def __rmul__(self, other):
        return _M().mul(other, self)

    def __neg__(self):
        return _M().neg(self)

    def __abs__(self):
        return _M().abs_(self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return _M().dot(self, other)

    def __rmatmul__(self, other):
        return _M().dot(other, self)

    # theano.dot(sparse, x) is Theano 1.0's structured product: a gradient on the sparse
    # operand's pattern, and a sparse result when both operands are sparse. A bsr operand (whose
    # pattern the structured gradient cannot read) takes the ordinary sparse product.
    def __dot__(self, other):
        return _product(self, other)

    def __rdot__(self, other):
        return _product(other, self)

    def __lt__(self, other):
        return _M().lt(self, other)

    def __le__(self, other):
        return _M().le(self, other)

    def __gt__(self, other):
        return _M().gt(self, other)

    def __ge__(self, other):
        return _M().ge(self, other)

    @property
    def T(self):
        return _B().transpose(self)

    def transpose(self):
        return _B().transpose(self)

    @property
    def shape(self):
        return _B().sp_shape(self)

    @property
    def size(self):
        """The number of stored entries (SciPy's ``size``), as an int64 scalar."""
        return _B().sp_size(self)

    def toarray(self):
        return _B().dense_from_sparse(self)

    todense = toarray

    def zeros_like(self):
        return _B().sp_zeros_like(self)

    def sum(self, axis=None, sparse_grad=False):
        return _M().sp_sum(self, axis=axis, sparse_grad=sparse_grad)

    def astype(self, dtype):
        return _B().cast(self, dtype)

    def __getitem__(self, args):
        from theano.sparse.indexing import getitem

        return getitem(self, args)

    def __iter__(self):
        raise TypeError("a symbolic sparse matrix cannot be iterated over")

    def __bool__(self):
        raise TypeError("a symbolic sparse matrix has no truth value")


class SparseVariable(_sparse_py_operators, Variable):
    def __str__(self):
        return self.name or f"{type(self).__name__}{{{self.format},{self.dtype}}}"

    def __repr__(self):
        return str(self)


class SparseConstant(_sparse_py_operators, Constant):
    def __init__(self, type, data, name=None):
        super().__init__(type=type, data=data, name=name)

    def signature(self):
        return (self.type, self.type.data_signature(self.data))

    def __str__(self):
        return self.name or f"SparseConstant{{{self.format},{self.dtype},shape={self.data.shape}," \
                            f"nnz={self.data.nnz}}}"

    __repr__ = __str__


class SparseSharedVariable(_sparse_py_operators, SharedVariable):
    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def get_value(self, borrow=False, return_internal_type=False):
        v = self.container.value
        return v if borrow else v.copy()

    def set_value(self, new_value, borrow=False):
        try:
            v = self.type.filter(new_value, strict=self.container.strict,
                                 allow_downcast=self.container.allow_downcast)
        except TypeError as exc:
            raise TypeError(f"set_value of shared variable {self.name or self}: {exc}") from None
        if not borrow and v is new_value:
            v = v.copy()
        self.container.value = v

    def zero(self, borrow=False):
        v = self.container.value
        self.container.value = type(v)(v.shape, dtype=v.dtype)


@shared_constructor
def sparse_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       format=None, **kwargs):
    """``theano.shared(scipy_matrix)``: a sparse shared variable of the matrix's format and dtype
    (copied unless ``borrow=True``)."""
    if not sp.issparse(value):
        raise TypeError("not a sparse matrix")
    if kwargs:
        raise TypeError(f"unexpected arguments {sorted(kwargs)} for a sparse shared variable")
    if format is None:
        format = value.format
    if format not in format_classes:
        raise TypeError(f"sparse shared variables support the formats {sorted(format_classes)}; "
                        f"convert the {value.format} matrix first (value.tocsr())")
    if value.format != format:
        value = value.asformat(format)
        borrow = True
    stype = SparseType(format=format, dtype=value.dtype)
    if not borrow:
        value = copy.deepcopy(value)
    return SparseSharedVariable(name=name, type=stype, value=value, strict=strict,
                                allow_downcast=allow_downcast)


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, **kwargs):
    """``theano.sparse.shared``: a shared variable of a SciPy sparse matrix (TypeError otherwise)."""
    if not sp.issparse(value):
        raise TypeError(f"theano.sparse.shared needs a SciPy sparse matrix, got "
                        f"{type(value).__name__}")
    return sparse_constructor(value, name=name, strict=strict, allow_downcast=allow_downcast,
                              borrow=borrow, **kwargs)


