"""Indexing (``x[i, j]``, slices, lists of rows, pairs of lists), stacking (hstack/vstack),
diagonals and ConstructSparseFromList for sparse matrices."""

import numpy as np
import scipy.sparse as sp

import theano.tensor as T
from theano.gradient import DisconnectedType, grad_not_implemented, grad_undefined
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.graph.type import Type
from theano.sparse.basic import (_INT, _as_sparse_grad, _shape, _sparse_out, as_sparse_variable,
                                 dense_from_sparse, fit_gradient, sp_shape_i)
from theano.sparse.type import SparseType, float_dtypes, complex_dtypes
from theano.tensor import subtensor_advanced as _subtensor_advanced
from theano.tensor.subtensor_advanced import AdvancedSubtensor1
from theano.tensor.type import TensorType


# -- indexing -----------------------------------------------------------------------------------

def _index_vector(v, opname, what="index"):
    v = T.as_tensor_variable(v)
    if v.ndim != 1 or v.dtype not in _INT:
        raise TypeError(f"{opname}: the {what} must be an integer vector, got {v.type}")
    return v


def _check_bounds(idx, n, opname):
    idx = np.asarray(idx)
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(f"{opname}: index out of bounds for a dimension of length {n}")


class GetItemList(Op):
    """``x[idx]`` for an integer vector ``idx``: the selected rows, a sparse matrix."""

    __props__ = ()

    def make_node(self, x, index):
        x = as_sparse_variable(x)
        if x.format not in ("csr", "csc"):
            raise TypeError("GetItemList: csr or csc matrices only")
        index = _index_vector(index, "GetItemList")
        return Apply(self, [x, index], [x.type()])

    def perform(self, node, inputs, out):
        x, idx = inputs
        _check_bounds(idx, x.shape[0], "GetItemList")
        out[0][0] = x[idx]

    def grad(self, inputs, g):
        x, idx = inputs
        return [GetItemListGrad()(x, idx, _as_sparse_grad(g[0], x.format)),
                grad_undefined(self, 1, idx, "an index has no gradient")]

    def infer_shape(self, node, shapes):
        s = _shape(node, shapes, 0)
        return [(T.shape(node.inputs[1])[0], s[1])]

    def connection_pattern(self, node):
        return [[True], [False]]


get_item_list = GetItemList()


class GetItemListGrad(Op):
    """The gradient of ``x[idx]`` wrt x: the rows of ``gz`` added into rows ``idx``."""

    __props__ = ()

    def make_node(self, x, index, gz):
        x = as_sparse_variable(x)
        return Apply(self, [x, T.as_tensor_variable(index), as_sparse_variable(gz)], [x.type()])

    def perform(self, node, inputs, out):
        x, idx, gz = inputs
        n = x.shape[0]
        idx = np.where(np.asarray(idx) < 0, np.asarray(idx) + n, idx)
        sel = sp.csr_matrix((np.ones(len(idx)), (idx, np.arange(len(idx)))), shape=(n, len(idx)))
        out[0][0] = (sel @ gz.tocsr()).asformat(x.format).astype(x.dtype)

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


class GetItem2Lists(Op):
    """``x[ind1, ind2]`` for two integer vectors: a dense vector of the selected entries."""

    __props__ = ()

    def make_node(self, x, ind1, ind2):
        x = as_sparse_variable(x)
        ind1 = _index_vector(ind1, "GetItem2Lists")
        ind2 = _index_vector(ind2, "GetItem2Lists")
        return Apply(self, [x, ind1, ind2], [TensorType(x.dtype, (False,))()])

    def perform(self, node, inputs, out):
        x, i1, i2 = inputs
        _check_bounds(i1, x.shape[0], "GetItem2Lists")
        _check_bounds(i2, x.shape[1], "GetItem2Lists")
        out[0][0] = np.asarray(x[i1, i2]).reshape(-1).astype(x.dtype)

    def grad(self, inputs, g):
        x, i1, i2 = inputs
        return [GetItem2ListsGrad()(x, i1, i2, g[0]),
                grad_undefined(self, 1, i1), grad_undefined(self, 2, i2)]

    def infer_shape(self, node, shapes):
        return [(T.shape(node.inputs[1])[0],)]

    def connection_pattern(self, node):
        return [[True], [False], [False]]


get_item_2lists = GetItem2Lists()


class GetItem2ListsGrad(Op):
    __props__ = ()

    def make_node(self, x, ind1, ind2, gz):
        x = as_sparse_variable(x)
        ins = [x] + [T.as_tensor_variable(v) for v in (ind1, ind2, gz)]
        return Apply(self, ins, [x.type()])

    def perform(self, node, inputs, out):
        x, i1, i2, gz = inputs
        m = sp.coo_matrix((np.asarray(gz), (np.asarray(i1) % x.shape[0], np.asarray(i2) % x.shape[1])),
                          shape=x.shape)
        out[0][0] = m.asformat(x.format).astype(x.dtype)  # duplicates are summed

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


class GetItem2d(Op):
    """``x[a:b:s, c:d:t]`` (slices, or an integer and a slice): a sparse matrix."""

    __props__ = ()

    def make_node(self, x, index):
        x = as_sparse_variable(x)
        if len(index) != 2:
            raise ValueError("GetItem2d: two indices (one per dimension) needed")
        inputs = [x]
        for ind in index:
            if _is_scalar_index(ind):
                raise NotImplementedError("GetItem2d: x[a:b, c] would be a sparse vector, which "
                                          "does not exist; use x[a:b, c:c + 1]")
            if not isinstance(ind, slice):
                raise ValueError(f"GetItem2d: an index must be a slice, got {ind!r} (use a list "
                                 "of rows alone, or two lists, for advanced indexing)")
            for p in (ind.start, ind.stop, ind.step):
                if p is None:
                    inputs.append(_none_const())
                    continue
                try:
                    p = T.as_tensor_variable(p)
                except TypeError:
                    raise ValueError(f"GetItem2d: slice entries must be integer scalars, got "
                                     f"{p!r}") from None
                if p.ndim != 0 or p.dtype not in _INT:
                    raise ValueError(f"GetItem2d: slice entries must be integer scalars, got "
                                     f"{p.type}")
                inputs.append(p)
        return Apply(self, inputs, [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        a = [None if v is None else int(v) for v in inputs[1:]]
        out[0][0] = x[slice(a[0], a[1], a[2]), slice(a[3], a[4], a[5])]

    def grad(self, inputs, g):
        return [grad_not_implemented(self, 0, inputs[0])] + \
            [DisconnectedType()() for _ in inputs[1:]]

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def infer_shape(self, node, shapes):
        s = _shape(node, shapes, 0)
        dims = []
        for d in range(2):
            start, stop, step = node.inputs[1 + 3 * d: 4 + 3 * d]
            dims.append(_slice_len(start, stop, step, s[d]))
        return [tuple(dims)]


def _slice_len(start, stop, step, n):
    def val(v):
        return None if isinstance(v, Constant) and v.data is None else v

    start, stop, step = val(start), val(stop), val(step)
    step = T.constant(1, dtype="int64") if step is None else T.cast(step, "int64")
    n = T.cast(n, "int64")
    pos = T.gt(step, 0)

    def norm(v, default_pos, default_neg):
        if v is None:
            return T.switch(pos, default_pos, default_neg)
        v = T.cast(v, "int64")
        v = T.switch(T.lt(v, 0), v + n, v)
        return T.switch(pos, T.clip(v, 0, n), T.clip(v, -1, n - 1))

    a = norm(start, T.constant(0, dtype="int64"), n - 1)
    b = norm(stop, n, T.constant(-1, dtype="int64"))
    length_pos = (b - a + step - 1) // step
    length_neg = (a - b - step - 1) // (-step)
    return T.maximum(T.switch(pos, length_pos, length_neg), 0)


class _NoneType(Type):  # a Type whose only value is None
    def filter(self, data, strict=False, allow_downcast=None):
        if data is not None:
            raise TypeError("expected None")
        return None

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "NoneType"


def _none_const():
    return Constant(_NoneType(), None)


def _is_scalar_index(ind):
    if isinstance(ind, (int, np.integer)) and not isinstance(ind, bool):
        return True
    return isinstance(ind, Variable) and getattr(ind, "ndim", None) == 0 and \
        ind.dtype in _INT


get_item_2d = GetItem2d()


class GetItemScalar(Op):
    """``x[i, j]`` for integers i, j: a dense scalar."""

    __props__ = ()

    def make_node(self, x, index):
        x = as_sparse_variable(x)
        if len(index) != 2:
            raise ValueError("GetItemScalar: two indices needed")
        inputs = [x]
        for ind in index:
            ind = T.as_tensor_variable(ind)
            if ind.ndim != 0 or ind.dtype not in _INT:
                raise TypeError(f"GetItemScalar: indices must be integer scalars, got {ind.type}")
            inputs.append(ind)
        return Apply(self, inputs, [TensorType(x.dtype, ())()])

    def perform(self, node, inputs, out):
        x, i, j = inputs
        if not (-x.shape[0] <= i < x.shape[0] and -x.shape[1] <= j < x.shape[1]):
            raise IndexError(f"GetItemScalar: index ({i}, {j}) out of bounds for shape {x.shape}")
        out[0][0] = np.asarray(x[int(i), int(j)], dtype=x.dtype)

    def grad(self, inputs, g):
        return [grad_not_implemented(self, 0, inputs[0]), DisconnectedType()(),
                DisconnectedType()()]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def infer_shape(self, node, shapes):
        return [()]


get_item_scalar = GetItemScalar()


def getitem(x, args):
    """``x[...]`` on a sparse matrix: ``x[i, j]`` (a dense scalar), slices (a sparse matrix),
    ``x[int_vector]`` (rows) and ``x[int_vector, int_vector]`` (a dense vector of entries)."""
    if not isinstance(args, tuple):
        args = (args,)
    if len(args) == 1:
        a = args[0]
        if isinstance(a, slice) or _is_scalar_index(a):
            args = (a, slice(None))
        else:
            return get_item_list(x, a)
    if len(args) != 2:
        raise IndexError(f"a sparse matrix takes at most 2 indices, got {len(args)}")
    a, b = args
    if _is_scalar_index(a) and _is_scalar_index(b):
        return get_item_scalar(x, (a, b))
    if isinstance(a, (list, tuple)) or (isinstance(a, (Variable, np.ndarray)) and
                                         getattr(a, "ndim", 0) == 1 and not isinstance(b, slice)):
        return get_item_2lists(x, a, b)
    return get_item_2d(x, (a, b))


# -- stacking, diagonals ------------------------------------------------------------------------

class HStack(Op):
    """Sparse matrices side by side (``scipy.sparse.hstack``), in ``format``/``dtype``."""

    __props__ = ("format", "dtype")
    _axis = 1

    def __init__(self, format=None, dtype=None):
        self.format = format or "csc"
        self.dtype = dtype

    def make_node(self, *mat):
        if not mat:
            raise ValueError(f"{type(self).__name__}: at least one matrix needed")
        var = [as_sparse_variable(m) for m in mat]
        dtype = self.dtype or str(np.result_type(*[v.dtype for v in var]))
        return Apply(self, var, [_sparse_out(self.format, dtype)])

    def perform(self, node, block, out):
        stack = sp.hstack if self._axis == 1 else sp.vstack
        out[0][0] = stack(block, format=self.format, dtype=node.outputs[0].dtype)

    def grad(self, inputs, g):
        gz = _as_sparse_grad(g[0], self.format)
        out, start = [], T.constant(0, dtype="int64")
        for x in inputs:
            n = sp_shape_i(x, self._axis)
            piece = gz[:, start:start + n] if self._axis == 1 else gz[start:start + n, :]
            out.append(fit_gradient(x, piece) if x.dtype in float_dtypes + complex_dtypes else
                       grad_undefined(self, 0, x))
            start = start + n
        return out

    def infer_shape(self, node, shapes):
        s = [_shape(node, shapes, k) for k in range(len(node.inputs))]
        a = self._axis
        total = s[0][a]
        for t in s[1:]:
            total = total + t[a]
        return [(s[0][0], total) if a == 1 else (total, s[0][1])]


class VStack(HStack):
    """Sparse matrices one above the other (``scipy.sparse.vstack``)."""

    _axis = 0

    def __init__(self, format=None, dtype=None):
        super().__init__(format or "csr", dtype)


def hstack(blocks, format=None, dtype=None):
    return HStack(format=format, dtype=dtype)(*blocks)


def vstack(blocks, format=None, dtype=None):
    return VStack(format=format, dtype=dtype)(*blocks)


class Diag(Op):
    """The diagonal of a square sparse matrix, a dense vector."""

    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [TensorType(x.dtype, (False,))()])

    def perform(self, node, inputs, out):
        (x,) = inputs
        if x.shape[0] != x.shape[1]:
            raise ValueError(f"Diag: needs a square matrix, got shape {x.shape}")
        out[0][0] = np.asarray(x.diagonal(), dtype=x.dtype)

    def grad(self, inputs, g):
        return [fit_gradient(inputs[0], square_diagonal(g[0]))]

    def infer_shape(self, node, shapes):
        return [(_shape(node, shapes, 0)[0],)]


diag = Diag()


class SquareDiagonal(Op):
    """A dense vector as the diagonal of a square csc matrix."""

    __props__ = ()

    def make_node(self, diag):
        diag = T.as_tensor_variable(diag)
        if diag.ndim != 1:
            raise TypeError(f"SquareDiagonal: needs a vector, got {diag.ndim} dimensions")
        return Apply(self, [diag], [_sparse_out("csc", diag.dtype)])

    def perform(self, node, inputs, out):
        z = inputs[0]
        n = len(z)
        out[0][0] = sp.csc_matrix((z, np.arange(n), np.arange(n + 1)), shape=(n, n))

    def grad(self, inputs, g):
        return [diag(_as_sparse_grad(g[0], "csc"))]

    def infer_shape(self, node, shapes):
        n = _shape(node, shapes, 0)[0]
        return [(n, n)]


square_diagonal = SquareDiagonal()


class ConstructSparseFromList(Op):
    """A csc matrix of ``x``'s shape whose rows ``ilist`` are ``values`` (added up where ``ilist``
    repeats): the sparse gradient of ``x[ilist]``."""

    __props__ = ()

    def make_node(self, x, values, ilist):
        x = T.as_tensor_variable(x)
        values = T.as_tensor_variable(values)
        ilist = T.as_tensor_variable(ilist)
        if ilist.ndim != 1 or ilist.dtype not in _INT:
            raise TypeError("ConstructSparseFromList: ilist must be an integer vector")
        if x.ndim != 2 or values.ndim != 2:
            raise TypeError("ConstructSparseFromList: x and values must be matrices")
        return Apply(self, [x, values, ilist], [_sparse_out("csc", values.dtype)])

    def perform(self, node, inputs, out):
        x, values, ilist = inputs
        n_rows, n_cols = x.shape
        if len(ilist) != values.shape[0]:
            raise ValueError("ConstructSparseFromList: values and ilist lengths differ")
        _check_bounds(ilist, n_rows, "ConstructSparseFromList")
        rows = np.repeat(np.asarray(ilist) % n_rows, values.shape[1])
        cols = np.tile(np.arange(values.shape[1]), len(ilist))
        out[0][0] = sp.csc_matrix((values.reshape(-1), (rows, cols)), shape=(n_rows, n_cols))

    def grad(self, inputs, g):
        x, values, ilist = inputs
        gz = g[0]
        gz = dense_from_sparse(gz) if isinstance(gz.type, SparseType) else gz
        return [DisconnectedType()(), gz[ilist], DisconnectedType()()]

    def connection_pattern(self, node):
        return [[False], [True], [False]]

    def infer_shape(self, node, shapes):
        return [tuple(T.shape(node.inputs[0])[d] for d in range(2))]


construct_sparse_from_list = ConstructSparseFromList()


class SparseGradAdvancedSubtensor1(AdvancedSubtensor1):
    """``x[ilist]`` (rows of a matrix) whose gradient with respect to ``x`` is a csc matrix
    (``ConstructSparseFromList``) holding only the selected rows, instead of a dense matrix of
    zeros: what ``theano.sparse_grad(x[ilist])`` builds. Forward values are those of
    ``AdvancedSubtensor1``; the gradient needs ``x`` to be a matrix (TypeError otherwise)."""

    __props__ = ()

    def __init__(self):
        super().__init__(sparse_grad=True)

    def __str__(self):
        return "AdvancedSubtensor1{sparse_grad}"


def _sparse_rows_grad(op, inputs, output_grads):
    """The gradient of ``x[ilist]`` wrt ``x`` as a csc matrix of the selected rows: the grad of
    ``SparseGradAdvancedSubtensor1`` and of ``AdvancedSubtensor1(sparse_grad=True)``."""
    x, ilist = inputs
    (gz,) = output_grads
    if x.ndim != 2:
        raise TypeError(f"sparse_grad: the sparse gradient of x[ilist] needs x to be a matrix, "
                        f"got {x.ndim} dimensions ({x.type}); remove theano.sparse_grad")
    if x.dtype not in float_dtypes + complex_dtypes:
        return op.dense_grad(inputs, output_grads)
    return [construct_sparse_from_list(x, gz, ilist), None]


_subtensor_advanced.SPARSE_ROWS_GRAD[:] = [_sparse_rows_grad]


def sparse_grad(var):
    """Theano 1.0's ``theano.sparse_grad``: ``var`` must be ``x[ilist]`` (rows of a tensor picked
    by an integer vector); returns the same values, marked so that the gradient with respect to
    ``x`` is a sparse (csc) matrix with only the picked rows (useful for embedding tables)."""
    node = getattr(var, "owner", None)
    if node is None or not isinstance(node.op, AdvancedSubtensor1):
        raise TypeError(f"sparse_grad: expected x[int_vector] (an AdvancedSubtensor1 result), got "
                        f"{var} ({'no op' if node is None else node.op})")
    return SparseGradAdvancedSubtensor1()(*node.inputs)
