"""Sparse variables' constructors, conversions to and from dense, CSM (building a matrix from its
data/indices/indptr/shape and taking it apart), transpose, cast, indexing and stacking.

Gradients follow Theano's structured convention: an op marked structured gives a gradient that is
zero outside its sparse input's pattern (it flows through the ``data`` vector only).
"""

import numpy as np
import scipy.sparse as sp

import theano.tensor as T
from theano.gradient import DisconnectedType
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.sparse.type import (SparseType, _is_dense, _is_sparse, all_dtypes, complex_dtypes,  # noqa: F401
                                discrete_dtypes, float_dtypes, format_classes, int_dtypes)
from theano.sparse.var import SparseConstant
from theano.tensor.basic import MakeVector
from theano.tensor.reshaping import Shape_i
from theano.tensor.type import TensorType

_INT = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_mtypes = [sp.csc_matrix, sp.csr_matrix]
_mtype_to_str = {sp.csc_matrix: "csc", sp.csr_matrix: "csr"}


def _is_sparse_variable(x):
    if not isinstance(x, Variable):
        raise NotImplementedError(f"expected a symbolic variable, got {type(x).__name__}")
    return isinstance(x.type, SparseType)


def _is_dense_variable(x):
    if not isinstance(x, Variable):
        raise NotImplementedError(f"expected a symbolic variable, got {type(x).__name__}")
    return isinstance(x.type, TensorType)


def as_sparse_variable(x, name=None):
    """``x`` as a symbolic sparse matrix: a sparse variable is returned as is, a SciPy sparse value
    becomes a constant. Anything else (a dense array or tensor included) is a TypeError."""
    if isinstance(x, Apply):
        if len(x.outputs) != 1:
            raise ValueError("as_sparse_variable: an Apply with several outputs")
        x = x.outputs[0]
    if isinstance(x, Variable):
        if not isinstance(x.type, SparseType):
            raise TypeError(f"expected a sparse variable, got {x} of type {x.type}; convert a dense "
                            "matrix with theano.sparse.csr_from_dense / csc_from_dense")
        return x
    if sp.issparse(x):
        return constant(x, name=name)
    raise TypeError(f"cannot convert {type(x).__name__} to a sparse variable (a dense value is never "
                    "made sparse implicitly)")


as_sparse = as_sparse_variable


def as_sparse_or_tensor_variable(x, name=None):
    """A sparse variable for sparse values and variables, a tensor variable otherwise."""
    if isinstance(x, Variable) and isinstance(x.type, SparseType) or sp.issparse(x):
        return as_sparse_variable(x, name)
    return T.as_tensor_variable(x, name)


def constant(x, name=None):
    if not sp.issparse(x):
        raise TypeError("theano.sparse.constant needs a SciPy sparse matrix")
    if x.format not in format_classes:
        raise TypeError(f"sparse constants support the formats {sorted(format_classes)}, got "
                        f"{x.format}")
    return SparseConstant(SparseType(x.format, x.dtype), x.copy(), name=name)


def matrix(format, name=None, dtype=None):
    return SparseType(format, dtype or T.config.floatX)(name)


def csc_matrix(name=None, dtype=None):
    return matrix("csc", name, dtype)


def csr_matrix(name=None, dtype=None):
    return matrix("csr", name, dtype)


def bsr_matrix(name=None, dtype=None):
    return matrix("bsr", name, dtype)


csc_dmatrix = SparseType("csc", "float64")
csr_dmatrix = SparseType("csr", "float64")
bsr_dmatrix = SparseType("bsr", "float64")
csc_fmatrix = SparseType("csc", "float32")
csr_fmatrix = SparseType("csr", "float32")
bsr_fmatrix = SparseType("bsr", "float32")


def _dense_out(dtype, bcast=(False, False)):
    return TensorType(dtype, bcast)()


def _sparse_out(format, dtype):
    return SparseType(format, dtype)()


def _check_2d(x, opname, k=0):
    if x.ndim != 2:
        raise TypeError(f"{opname}: input {k} ({x}) must be a matrix, got {x.ndim} dimensions")


# -- shapes -------------------------------------------------------------------------------------

class SpShape_i(Shape_i):
    """``Shape_i`` that also takes sparse matrices (the shape rewrites lift it through ops'
    ``infer_shape`` as for tensors)."""

    def make_node(self, x):
        if isinstance(x, Variable) and isinstance(x.type, SparseType) or sp.issparse(x):
            x = as_sparse_variable(x)
            if not 0 <= self.i < 2:
                raise ValueError(f"Shape_i{{{self.i}}}: a sparse matrix has 2 dimensions")
            return Apply(self, [x], [TensorType("int64", ())()])
        return super().make_node(x)


def sp_shape_i(x, i):
    return SpShape_i(i)(x)


def sp_shape(x):
    """The shape of a sparse matrix, an int64 vector (no dense value is built)."""
    x = as_sparse_variable(x)
    return MakeVector("int64")(sp_shape_i(x, 0), sp_shape_i(x, 1))


def _shape(node, input_shapes, k):
    """The shape of input ``k`` of ``node`` in infer_shape: the given one, or (for sparse inputs
    the tensor shape rewrites do not describe) its Shape_i nodes."""
    s = input_shapes[k] if input_shapes is not None else None
    if s is None:
        v = node.inputs[k]
        if isinstance(v.type, SparseType):
            return (sp_shape_i(v, 0), sp_shape_i(v, 1))
        return tuple(T.shape(v)[d] for d in range(v.ndim))
    return tuple(s)


class SpSize(Op):
    """The number of stored entries of a sparse matrix (SciPy's ``size``), an int64 scalar."""

    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].size, dtype="int64")

    def infer_shape(self, node, shapes):
        return [()]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, g):
        return [DisconnectedType()()]


sp_size = SpSize()


# -- CSM: sparse matrices from and to their properties -----------------------------------------

def _int_vector(v, what, opname):
    v = T.as_tensor_variable(v)
    if v.ndim != 1 or v.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16",
                                      "uint32"):
        raise TypeError(f"{opname}: {what} must be an integer vector, got {v} of type {v.type}")
    return v


class CSMProperties(Op):
    """A csr/csc matrix -> (data, indices, indptr, shape). ``kmap`` (optional) selects entries of
    ``data``. The gradient wrt the matrix is structured: the data gradient on its pattern."""

    __props__ = ("kmap",)
    view_map = {0: [0], 1: [0], 2: [0]}

    def __init__(self, kmap=None):
        if kmap is not None:
            raise NotImplementedError("CSMProperties: kmap is not supported")
        self.kmap = kmap

    def make_node(self, csm):
        csm = as_sparse_variable(csm)
        if csm.format not in ("csr", "csc"):
            raise TypeError(f"CSMProperties: needs a csr or csc matrix, got {csm.format}")
        return Apply(self, [csm], [TensorType(csm.dtype, (False,))(), T.ivector(), T.ivector(),
                                   T.ivector()])

    def perform(self, node, inputs, out):
        (csm,) = inputs
        out[0][0] = csm.data
        out[1][0] = np.asarray(csm.indices, dtype="int32")
        out[2][0] = np.asarray(csm.indptr, dtype="int32")
        out[3][0] = np.asarray(csm.shape, dtype="int32")

    def connection_pattern(self, node):
        return [[True, False, False, False]]

    def grad(self, inputs, g):
        (csm,) = inputs
        gdata = g[0]
        if isinstance(gdata.type, DisconnectedType):
            return [sp_zeros_like(csm)]
        data, indices, indptr, shape = csm_properties(csm)
        return [CSM(csm.format)(gdata, indices, indptr, shape)]

    def infer_shape(self, node, shapes):
        x = node.inputs[0]
        nnz = T.shape(csm_properties(x)[0])[0]
        s = _shape(node, shapes, 0)
        major = s[0] if x.format == "csr" else s[1]
        return [(nnz,), (nnz,), (major + 1,), (T.constant(2, dtype="int64"),)]


csm_properties = CSMProperties()


def csm_data(csm):
    return csm_properties(csm)[0]


def csm_indices(csm):
    return csm_properties(csm)[1]


def csm_indptr(csm):
    return csm_properties(csm)[2]


def csm_shape(csm):
    return csm_properties(csm)[3]


class CSM(Op):
    """(data, indices, indptr, shape) -> a csr or csc matrix. The gradient wrt ``data`` is the
    output gradient read at the matrix's stored positions."""

    __props__ = ("format", "kmap")
    view_map = {0: [0, 1, 2]}  # the matrix holds the data, indices and indptr arrays themselves

    def __init__(self, format, kmap=None):
        if format not in ("csr", "csc"):
            raise ValueError(f"CSM: format must be 'csr' or 'csc', got {format!r}")
        if kmap is not None:
            raise NotImplementedError("CSM: kmap is not supported")
        self.format = format
        self.kmap = kmap

    def make_node(self, data, indices, indptr, shape):
        data = T.as_tensor_variable(data)
        if data.ndim != 1:
            raise TypeError(f"CSM: data must be a vector, got {data.ndim} dimensions")
        indices = _int_vector(indices, "indices", "CSM")
        indptr = _int_vector(indptr, "indptr", "CSM")
        shape = _int_vector(shape, "shape", "CSM")
        return Apply(self, [data, indices, indptr, shape], [SparseType(self.format, data.dtype)()])

    def perform(self, node, inputs, out):
        data, indices, indptr, shape = inputs
        if len(shape) != 2:
            raise ValueError(f"CSM: shape must have 2 entries, got {len(shape)}")
        if len(data) != len(indices):
            raise ValueError(f"CSM: data ({len(data)}) and indices ({len(indices)}) must have the "
                             "same length")
        major = shape[0] if self.format == "csr" else shape[1]
        if len(indptr) != major + 1:
            raise ValueError(f"CSM: indptr has {len(indptr)} entries, expected {major + 1} for a "
                             f"{self.format} matrix of shape {tuple(shape)}")
        out[0][0] = format_classes[self.format]((data, indices, indptr),
                                                shape=(int(shape[0]), int(shape[1])), copy=False)

    def connection_pattern(self, node):
        return [[True], [False], [False], [False]]

    def grad(self, inputs, g):
        data, indices, indptr, shape = inputs
        (gout,) = g
        gout = _as_sparse_grad(gout, self.format)
        g_data, g_indices, g_indptr, g_shape = csm_properties(gout)
        gdata = CSMGrad()(data, indices, indptr, shape, g_data, g_indices, g_indptr, g_shape)
        dis = DisconnectedType()
        return [gdata, dis(), dis(), dis()]

    def infer_shape(self, node, shapes):
        shape = node.inputs[3]
        return [(T.cast(shape[0], "int64"), T.cast(shape[1], "int64"))]


CSC = CSM("csc")
CSR = CSM("csr")


class CSMGrad(Op):
    """The gradient of CSM wrt its data: the gradient matrix (given by its own properties) read at
    the positions of the matrix's stored entries (in its order, duplicates included)."""

    __props__ = ()

    def make_node(self, x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr,
                  g_shape):
        ins = [T.as_tensor_variable(v) for v in (x_data, x_indices, x_indptr, x_shape, g_data,
                                                   g_indices, g_indptr, g_shape)]
        return Apply(self, ins, [TensorType(ins[4].dtype, (False,))()])

    def perform(self, node, inputs, out):
        x_data, x_ind, x_ptr, x_shape, g_data, g_ind, g_ptr, g_shape = inputs
        n_major = len(x_ptr) - 1
        csr = n_major == x_shape[0] and len(g_ptr) - 1 == g_shape[0]
        # major/minor positions of x's entries; read the same positions of g
        major = np.repeat(np.arange(n_major), np.diff(x_ptr))
        cls = sp.csr_matrix if csr else sp.csc_matrix
        gm = cls((g_data, g_ind, g_ptr), shape=tuple(int(s) for s in g_shape))
        gm = gm.tocsr() if csr else gm.tocsc()
        gm.sum_duplicates()
        rows, cols = (major, x_ind) if csr else (x_ind, major)
        vals = np.asarray(gm[rows, cols]).reshape(-1) if len(rows) else np.zeros(0)
        out[0][0] = vals.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, shapes):
        return [(T.shape(node.inputs[0])[0],)]

    def connection_pattern(self, node):
        return [[False]] * 4 + [[True], [False], [False], [False]]


# -- dense <-> sparse ---------------------------------------------------------------------------

class DenseFromSparse(Op):
    """A sparse matrix as a dense ndarray. With ``structured=True`` (the default) the gradient is
    structured: the output gradient kept on the input's pattern only."""

    __props__ = ()

    def __init__(self, structured=True):
        self.sparse_grad = structured

    def __eq__(self, other):
        return type(self) is type(other) and self.sparse_grad == other.sparse_grad

    def __hash__(self):
        return hash((type(self), self.sparse_grad))

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [_dense_out(x.dtype)])

    def perform(self, node, inputs, out):
        (x,) = inputs
        out[0][0] = x.toarray()

    def grad(self, inputs, g):
        (x,) = inputs
        (gz,) = g
        if self.sparse_grad:
            from theano.sparse.math import mul_s_d, sp_ones_like

            return [mul_s_d(sp_ones_like(x), gz)]
        return [SparseFromDense(x.format)(gz)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


dense_from_sparse = DenseFromSparse()


class SparseFromDense(Op):
    """A dense matrix as a sparse one of ``format`` (its zeros are not stored)."""

    __props__ = ("format",)

    def __init__(self, format):
        if format not in format_classes:
            raise ValueError(f"SparseFromDense: unknown format {format!r}")
        self.format = format

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        if x.ndim > 2:
            raise TypeError(f"SparseFromDense: input must have at most 2 dimensions (a scalar or "
                            f"vector becomes one row), got {x.ndim}")
        return Apply(self, [x], [_sparse_out(self.format, x.dtype)])

    def perform(self, node, inputs, out):
        out[0][0] = format_classes[self.format](np.atleast_2d(inputs[0]))

    def grad(self, inputs, g):
        (x,) = inputs
        gx = DenseFromSparse(structured=False)(_as_sparse_grad(g[0], self.format))
        if x.ndim < 2:
            gx = gx.reshape(T.shape(x), ndim=x.ndim) if x.ndim else gx.reshape(())
        return [T.patternbroadcast(gx, x.broadcastable)]

    def infer_shape(self, node, shapes):
        s = _shape(node, shapes, 0)
        one = T.constant(1, dtype="int64")
        return [tuple([one] * (2 - len(s)) + list(s))]


csr_from_dense = SparseFromDense("csr")
csc_from_dense = SparseFromDense("csc")
bsr_from_dense = SparseFromDense("bsr")


def _as_sparse_grad(g, format):
    """A gradient reaching a sparse output, as a sparse variable (dense ones are converted)."""
    if isinstance(g.type, SparseType):
        return g
    return SparseFromDense(format)(g)


# -- gradient plumbing (called by theano.gradient through SparseType's hooks) --------------------

def fit_gradient(var, g):
    if isinstance(var.type, SparseType):
        if not isinstance(g.type, SparseType):
            g = T.as_tensor_variable(g)
            if g.ndim != 2:
                raise ValueError(f"the gradient of {var} has {g.ndim} dimensions")
            g = SparseFromDense(var.format)(g)
        if g.format != var.format and g.format in ("csr", "csc") and var.format in ("csr", "csc"):
            g = _reformat(g, var.format)
        if g.dtype != var.dtype and var.dtype in float_dtypes + complex_dtypes:
            g = cast(g, var.dtype)
        elif var.dtype in discrete_dtypes and g.dtype != T.config.floatX:
            g = cast(g, T.config.floatX)  # as for a dense integer variable: floatX
        return g
    # a dense variable with a sparse gradient term: made dense, unless the user asked for it
    # sparse (theano.sparse_grad(x[ilist]) builds it with ConstructSparseFromList)
    if isinstance(g.type, SparseType):
        from theano.sparse.indexing import ConstructSparseFromList

        if g.owner is not None and isinstance(g.owner.op, ConstructSparseFromList) and \
                getattr(var, "ndim", None) == 2:
            if g.dtype != var.dtype and var.dtype in float_dtypes + complex_dtypes:
                g = cast(g, var.dtype)
            return g
        g = dense_from_sparse(g)
    from theano.gradient import _fit_to

    return _fit_to(var, g)


def sum_gradients(terms):
    from theano.sparse.math import add

    total = terms[0]
    for t in terms[1:]:
        total = add(total, t) if isinstance(total.type, SparseType) or \
            isinstance(t.type, SparseType) else T.add(total, t)
    return total


class Reformat(Op):
    """A csr matrix as csc or the reverse (same values)."""

    __props__ = ("format",)

    def __init__(self, format):
        self.format = format

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [_sparse_out(self.format, x.dtype)])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].asformat(self.format)

    def grad(self, inputs, g):
        return [_reformat(g[0], inputs[0].format)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


def _reformat(x, format):
    return x if x.format == format else Reformat(format)(x)


# -- transpose, cast ----------------------------------------------------------------------------

class Transpose(Op):
    """The transpose of a sparse matrix (csr becomes csc and the reverse, no copy of the data)."""

    __props__ = ()
    view_map = {0: [0]}
    format_map = {"csr": "csc", "csc": "csr", "bsr": "bsr"}

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [_sparse_out(self.format_map[x.format], x.dtype)])

    def perform(self, node, inputs, out):
        t = inputs[0].transpose()
        out[0][0] = t if t.format == node.outputs[0].format else t.asformat(node.outputs[0].format)

    def grad(self, inputs, g):
        return [transpose(_as_sparse_grad(g[0], self.format_map[inputs[0].format]))]

    def infer_shape(self, node, shapes):
        s = _shape(node, shapes, 0)
        return [(s[1], s[0])]


transpose = Transpose()


class Cast(Op):
    """A sparse matrix with its values cast to ``out_type``."""

    __props__ = ("out_type",)

    def __init__(self, out_type):
        self.out_type = str(np.dtype(out_type))

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [_sparse_out(x.format, self.out_type)])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].astype(self.out_type)

    def grad(self, inputs, g):
        """Theano 1.0's rule, as for the dense cast: an integer result is a step function of
        ``x``, so ``x`` gets zeros (in floatX when ``x`` is integer too); a float result passes
        its gradient to an integer ``x`` as it is (as if ``x`` had been given as floats) and, cast
        to ``x``'s dtype, to a float ``x``."""
        (x,) = inputs
        if self.out_type in discrete_dtypes:
            zeros = sp_zeros_like(x)
            return [Cast(T.config.floatX)(zeros) if x.dtype in discrete_dtypes else zeros]
        gz = _as_sparse_grad(g[0], x.format)
        if x.dtype in discrete_dtypes:
            return [gz]
        return [Cast(x.dtype)(gz)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


bcast = Cast("int8")
wcast = Cast("int16")
icast = Cast("int32")
lcast = Cast("int64")
fcast = Cast("float32")
dcast = Cast("float64")
ccast = Cast("complex64")
zcast = Cast("complex128")


def cast(variable, dtype):
    return Cast(dtype)(variable)


# -- cleaning -----------------------------------------------------------------------------------

class Remove0(Op):
    """The matrix without its explicitly stored zeros."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = inplace
        if inplace:
            self.destroy_map = {0: [0]}

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        z = inputs[0] if self.inplace else inputs[0].copy()
        z.eliminate_zeros()
        out[0][0] = z

    def grad(self, inputs, g):
        return [_as_sparse_grad(g[0], inputs[0].format)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


remove0 = Remove0()


class EnsureSortedIndices(Op):
    """The matrix with the indices of each row (csr) or column (csc) sorted."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = inplace
        if inplace:
            self.view_map = {0: [0]}

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        out[0][0] = x.sorted_indices() if not self.inplace else (x.sort_indices() or x)

    def grad(self, inputs, g):
        return [_as_sparse_grad(g[0], inputs[0].format)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


ensure_sorted_indices = EnsureSortedIndices(inplace=False)


def clean(x):
    """``x`` without stored zeros and with sorted indices."""
    return ensure_sorted_indices(remove0(x))


def sp_zeros_like(x):
    """A sparse matrix of x's shape, format and dtype with no stored entries."""
    from theano.sparse.math import sp_zeros_like as z

    return z(x)


def __getattr__(name):
    # Theano 1.0 kept all of theano.sparse in sparse/basic.py: ``theano.sparse.basic.sp_sum``,
    # ``basic.structured_dot`` ... find the arithmetic and elementwise ops in their modules here.
    import importlib

    if not name.startswith("_"):
        for mod in ("math", "elemwise", "indexing"):
            m = importlib.import_module(f"theano.sparse.{mod}")
            if name in vars(m):
                return vars(m)[name]
    raise AttributeError(f"module 'theano.sparse.basic' has no attribute {name!r}")
