"""Sparse arithmetic: add/sub/mul (sparse-sparse, sparse-dense), products (structured_dot, dot,
true_dot, usmm, sampling_dot), sums, scalings, comparisons and the elementwise functions that keep
the sparsity pattern (structured ones act on stored values only)."""

import numpy as np
import scipy.sparse as sp

import theano.tensor as T
from theano.gradient import DisconnectedType, grad_not_implemented, grad_undefined
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.sparse.basic import (CSM, _as_sparse_grad, _dense_out, _shape, _sparse_out,
                                 as_sparse_variable, csm_properties, dense_from_sparse,
                                 fit_gradient, transpose, SparseFromDense)
from theano.sparse.type import SparseType, complex_dtypes, float_dtypes
from theano.tensor.type import TensorType


def _is_sp(x):
    return isinstance(x, Variable) and isinstance(x.type, SparseType) or sp.issparse(x)


def _up(*dtypes):
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


def _check_same_shape(a, b, opname):
    if a.shape != b.shape:
        raise ValueError(f"{opname}: shapes {a.shape} and {b.shape} differ")


# -- sparse-sparse and sparse-dense elementwise ---------------------------------------------------

class _BinarySS(Op):
    """Base of binary ops of two sparse matrices of the same shape, with a sparse result."""

    __props__ = ()

    def make_node(self, x, y):
        x, y = as_sparse_variable(x), as_sparse_variable(y)
        if x.format != y.format:
            raise NotImplementedError(f"{type(self).__name__}: both matrices must have the same "
                                      f"format, got {x.format} and {y.format}")
        return Apply(self, [x, y], [_sparse_out(x.format, self.out_dtype(x, y))])

    def out_dtype(self, x, y):
        return _up(x.dtype, y.dtype)

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


class AddSS(_BinarySS):
    """Sum of two sparse matrices."""

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(x, y, "AddSS")
        out[0][0] = (x + y).asformat(node.outputs[0].format).astype(node.outputs[0].dtype, copy=False)

    def grad(self, inputs, g):
        gz = _as_sparse_grad(g[0], node_format(inputs))
        return [fit_gradient(inputs[0], gz), fit_gradient(inputs[1], gz)]


def node_format(inputs):
    return inputs[0].type.format


add_s_s = AddSS()


class AddSSData(_BinarySS):
    """Sum of two sparse matrices with the same pattern: only the data vectors are added."""

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(x, y, "AddSSData")
        if x.nnz != y.nnz or not np.array_equal(x.indices, y.indices) or \
                not np.array_equal(x.indptr, y.indptr):
            raise ValueError("AddSSData: the two matrices must have the same sparsity pattern")
        z = x.copy().astype(node.outputs[0].dtype)
        z.data = z.data + y.data
        out[0][0] = z

    def grad(self, inputs, g):
        gz = _as_sparse_grad(g[0], node_format(inputs))
        return [fit_gradient(inputs[0], gz), fit_gradient(inputs[1], gz)]


add_s_s_data = AddSSData()


class AddSD(Op):
    """Sparse plus dense: a dense matrix. The gradient wrt the sparse input is structured."""

    __props__ = ()

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = T.as_tensor_variable(y)
        if y.ndim != 2:
            raise TypeError(f"AddSD: the dense input must be a matrix, got {y.ndim} dimensions "
                            f"({y})")
        return Apply(self, [x, y], [_dense_out(_up(x.dtype, y.dtype), y.broadcastable)])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape != y.shape:
            raise ValueError(f"AddSD: shapes {x.shape} (sparse) and {y.shape} (dense) differ")
        out[0][0] = np.asarray(x + y, dtype=node.outputs[0].dtype)

    def grad(self, inputs, g):
        x, y = inputs
        (gz,) = g
        return [fit_gradient(x, mul_s_d(sp_ones_like(x), gz)), gz]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 1)]


add_s_d = AddSD()


class StructuredAddSV(Op):
    """Sparse matrix plus a dense row vector, on the stored entries only (sparse result)."""

    __props__ = ()

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = T.as_tensor_variable(y)
        if y.ndim != 1:
            raise TypeError("StructuredAddSV: y must be a vector")
        return Apply(self, [x, y], [_sparse_out(x.format, _up(x.dtype, y.dtype))])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError("StructuredAddSV: vector length must match the number of columns")
        z = x.astype(node.outputs[0].dtype)
        z.data = z.data + (y[z.indices] if z.format == "csr" else
                           np.repeat(y, np.diff(z.indptr)))
        out[0][0] = z

    def grad(self, inputs, g):
        x, y = inputs
        gz = _as_sparse_grad(g[0], x.format)
        return [fit_gradient(x, gz), sp_sum(gz, axis=0, sparse_grad=True)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


structured_add_s_v = StructuredAddSV()


class MulSS(_BinarySS):
    """Elementwise product of two sparse matrices."""

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(x, y, "MulSS")
        out[0][0] = x.multiply(y).asformat(node.outputs[0].format).astype(
            node.outputs[0].dtype, copy=False)

    def grad(self, inputs, g):
        x, y = inputs
        gz = _as_sparse_grad(g[0], x.format)
        return [fit_gradient(x, mul(gz, y)), fit_gradient(y, mul(gz, x))]


mul_s_s = MulSS()


class MulSD(Op):
    """Sparse times dense (a matrix, a row/column or a scalar, broadcast): a sparse matrix on the
    sparse input's pattern."""

    __props__ = ()

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = T.as_tensor_variable(y)
        if y.ndim > 2:
            raise TypeError(f"MulSD: the dense input has {y.ndim} dimensions")
        return Apply(self, [x, y], [_sparse_out(x.format, _up(x.dtype, y.dtype))])

    def perform(self, node, inputs, out):
        x, y = inputs
        fmt, dtype = node.outputs[0].format, node.outputs[0].dtype
        if y.ndim == 0:
            z = x.astype(dtype)
            z.data = (z.data * y).astype(dtype, copy=False)
            out[0][0] = z
            return
        y2 = y.reshape((1, -1)) if y.ndim == 1 else y
        if any(b not in (1, s) for b, s in zip(y2.shape, x.shape)):
            raise ValueError(f"MulSD: shapes {x.shape} (sparse) and {y.shape} (dense) do not match")
        z = x.astype(dtype)
        if fmt in ("csr", "csc"):
            major = np.repeat(np.arange(len(z.indptr) - 1), np.diff(z.indptr))
            rows, cols = (major, z.indices) if fmt == "csr" else (z.indices, major)
            yb = np.broadcast_to(y2, x.shape)
            z.data = (z.data * yb[rows, cols]).astype(dtype, copy=False)
        else:
            z = sp.csr_matrix(x.multiply(y2)).asformat(fmt).astype(dtype)
        out[0][0] = z

    def grad(self, inputs, g):
        x, y = inputs
        gz = _as_sparse_grad(g[0], x.format)
        gx = mul_s_d(gz, y)
        gy = dense_from_sparse(mul_s_s(gz, x)) if gz.format == x.format else \
            dense_from_sparse(mul(gz, x))
        if y.ndim == 0:
            gy = T.sum(gy)
        elif y.ndim == 1:
            gy = T.sum(gy, axis=0)
        else:
            axes = [d for d in range(2) if y.broadcastable[d]]
            if axes:
                gy = T.sum(gy, axis=axes, keepdims=True)
        if y.dtype not in float_dtypes + complex_dtypes:
            gy = grad_undefined(self, 1, y)
        return [fit_gradient(x, gx), gy]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


mul_s_d = MulSD()


class MulSV(MulSD):
    """Sparse matrix times a dense row vector (broadcast over rows)."""

    def make_node(self, x, y):
        y = T.as_tensor_variable(y)
        if y.ndim != 1:
            raise TypeError("MulSV: y must be a vector")
        return super().make_node(x, y)


mul_s_v = MulSV()


def _operands(x, y, name):
    """``(x, y, both_sparse)`` for a commutative op with at least one sparse operand: the sparse
    operand first, and both in x's format when both are sparse."""
    if not _is_sp(x) and not _is_sp(y):
        raise TypeError(f"theano.sparse.{name}: at least one operand must be sparse")
    if _is_sp(x) and _is_sp(y):
        x, y = as_sparse_variable(x), as_sparse_variable(y)
        if x.format != y.format:
            from theano.sparse.basic import _reformat

            y = _reformat(y, x.format)
        return x, y, True
    if _is_sp(y):
        x, y = y, x
    return x, y, False


def add(x, y):
    """x + y with at least one sparse operand: sparse + sparse is sparse, sparse + dense dense."""
    x, y, both = _operands(x, y, "add")
    return add_s_s(x, y) if both else add_s_d(x, y)


def sub(x, y):
    return add(x, neg(y) if _is_sp(y) else -T.as_tensor_variable(y))


def mul(x, y):
    """Elementwise x * y with at least one sparse operand (a sparse result)."""
    x, y, both = _operands(x, y, "mul")
    return mul_s_s(x, y) if both else mul_s_d(x, y)


class Neg(Op):
    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = -inputs[0]

    def grad(self, inputs, g):
        return [fit_gradient(inputs[0], neg(_as_sparse_grad(g[0], inputs[0].format)))]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


neg = Neg()


# -- comparisons ----------------------------------------------------------------------------------

class _Compare(Op):
    """Elementwise comparison of a sparse matrix with a sparse (sparse bool result) or dense
    (dense bool result) matrix of the same shape."""

    __props__ = ("op",)

    def __init__(self, op):
        self.op = op

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        if _is_sp(y):
            y = as_sparse_variable(y)
            return Apply(self, [x, y], [_sparse_out(x.format, "uint8")])
        y = T.as_tensor_variable(y)
        if y.ndim != 2:
            raise TypeError(f"sparse comparison: the dense operand must be a matrix ({y})")
        return Apply(self, [x, y], [_dense_out("uint8")])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(x, y, f"comparison {self.op}")
        fn = {"eq": lambda a, b: a == b, "neq": lambda a, b: a != b, "lt": lambda a, b: a < b,
              "gt": lambda a, b: a > b, "le": lambda a, b: a <= b, "ge": lambda a, b: a >= b}[self.op]
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
            r = fn(x, y)
        if sp.issparse(r):
            out[0][0] = r.asformat(node.outputs[0].format).astype("uint8")
        else:
            out[0][0] = np.asarray(r, dtype="uint8")

    def grad(self, inputs, g):
        return [grad_undefined(self, 0, inputs[0]), grad_undefined(self, 1, inputs[1])]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


def _comparison(name):
    op = _Compare(name)

    def f(x, y):
        if not _is_sp(x):
            flip = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}.get(name, name)
            return _Compare(flip)(y, x)
        return op(x, y)

    f.__name__ = name
    f.__doc__ = f"Elementwise ``{name}`` of a sparse matrix and a sparse or dense one."
    return f


eq, neq, lt, gt, le, ge = (_comparison(n) for n in ("eq", "neq", "lt", "gt", "le", "ge"))


# -- products -------------------------------------------------------------------------------------

class StructuredDot(Op):
    """sparse @ dense (or sparse @ sparse) with a dense result. The gradient wrt the sparse
    operand is structured (on its pattern only)."""

    __props__ = ()

    def make_node(self, a, b):
        a = as_sparse_variable(a)
        if a.format not in ("csr", "csc"):
            raise NotImplementedError("structured_dot: csr or csc matrices only")
        b = as_sparse_variable(b) if _is_sp(b) else T.as_tensor_variable(b)
        if b.ndim not in (1, 2):
            raise TypeError(f"structured_dot: the second operand must be a vector or matrix ({b})")
        if _is_sp(b):
            return Apply(self, [a, b], [_sparse_out(a.format, _up(a.dtype, b.dtype))])
        bcast = (False,) if b.ndim == 1 else (False, b.broadcastable[1])
        return Apply(self, [a, b], [_dense_out(_up(a.dtype, b.dtype), bcast)])

    def perform(self, node, inputs, out):
        a, b = inputs
        if a.shape[1] != b.shape[0]:
            raise ValueError(f"structured_dot: shapes {a.shape} and {b.shape} do not align")
        r = a @ b
        o = node.outputs[0]
        if isinstance(o.type, SparseType):
            out[0][0] = r.asformat(o.format).astype(o.dtype, copy=False)
        else:
            out[0][0] = np.asarray(r, dtype=o.dtype)

    def grad(self, inputs, g):
        a, b = inputs
        (gz,) = g
        if b.ndim == 1:
            ga = structured_dot_grad(a, b.dimshuffle(0, "x"), gz.dimshuffle(0, "x"))
        elif _is_sp(b):
            gz = dense_from_sparse(gz) if _is_sp(gz) else gz
            ga = structured_dot_grad(a, dense_from_sparse(b), gz)
        else:
            ga = structured_dot_grad(a, b, gz)
        gb = structured_dot(transpose(a), gz)
        if _is_sp(b):
            gb = fit_gradient(b, gb)
        return [fit_gradient(a, ga), gb]

    def infer_shape(self, node, shapes):
        a = _shape(node, shapes, 0)
        b = _shape(node, shapes, 1)
        return [(a[0],) if len(b) == 1 else (a[0], b[1])]


_structured_dot = StructuredDot()


def structured_dot(x, y):
    """x @ y with x or y sparse (a dense result); gradients wrt the sparse side are structured."""
    if not _is_sp(x) and not _is_sp(y):
        raise TypeError("structured_dot requires at least one sparse argument")
    if _is_sp(x):
        return _structured_dot(x, y)
    x = T.as_tensor_variable(x)
    if x.ndim == 1:
        return _structured_dot(transpose(as_sparse_variable(y)), x)
    return _structured_dot(transpose(as_sparse_variable(y)), x.T).T


class _StructuredDotGrad(Op):
    """The data vector of the gradient of ``a @ b`` wrt a on a's pattern: for each stored entry
    (i, j) of a, ``gz[i] . b[j]``."""

    __props__ = ()
    _format = "csr"

    def make_node(self, a_indices, a_indptr, b, gz):
        b = T.as_tensor_variable(b)
        gz = T.as_tensor_variable(gz)
        return Apply(self, [T.as_tensor_variable(a_indices), T.as_tensor_variable(a_indptr), b, gz],
                     [TensorType(_up(b.dtype, gz.dtype), (False,))()])

    def perform(self, node, inputs, out):
        ind, ptr, b, gz = inputs
        major = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
        rows, cols = (major, ind) if self._format == "csr" else (ind, major)
        dtype = node.outputs[0].dtype
        res = np.empty(len(ind), dtype=dtype)
        step = max(1, (1 << 22) // max(1, b.shape[1]))
        for s in range(0, len(ind), step):
            r, c = rows[s:s + step], cols[s:s + step]
            res[s:s + step] = np.einsum("ij,ij->i", gz[r], b[c])
        out[0][0] = res

    def infer_shape(self, node, shapes):
        return [(T.shape(node.inputs[0])[0],)]


class StructuredDotGradCSR(_StructuredDotGrad):
    _format = "csr"


class StructuredDotGradCSC(_StructuredDotGrad):
    _format = "csc"


sdg_csr = StructuredDotGradCSR()
sdg_csc = StructuredDotGradCSC()


def structured_dot_grad(sparse_A, dense_B, ga):
    """The structured gradient of ``sparse_A @ dense_B`` wrt sparse_A, given the output gradient."""
    data, ind, ptr, shape = csm_properties(sparse_A)
    op = sdg_csr if sparse_A.format == "csr" else sdg_csc
    g_data = op(ind, ptr, dense_B, ga)
    if g_data.dtype != sparse_A.dtype and sparse_A.dtype in float_dtypes + complex_dtypes:
        g_data = T.cast(g_data, sparse_A.dtype)
    return CSM(sparse_A.format)(g_data, ind, ptr, shape)


class Dot(Op):
    """The matrix product when one or both operands are sparse (not structured: gradients are
    the ordinary ones). The result is dense, as Theano 1.0's ``sparse.dot`` (``true_dot`` keeps
    a sparse result)."""

    __props__ = ()

    def make_node(self, x, y):
        x = as_sparse_variable(x) if _is_sp(x) else T.as_tensor_variable(x)
        y = as_sparse_variable(y) if _is_sp(y) else T.as_tensor_variable(y)
        if not _is_sp(x) and not _is_sp(y):
            raise TypeError("sparse Dot: at least one operand must be sparse")
        if x.ndim not in (1, 2) or y.ndim not in (1, 2):
            raise TypeError("sparse Dot: operands must be vectors or matrices")
        dtype = _up(x.dtype, y.dtype)
        bcast = tuple([False] * (x.ndim - 1 + y.ndim - 1))
        if not _is_sp(x) and x.ndim == 2:
            bcast = (x.broadcastable[0],) + bcast[1:]
        if not _is_sp(y) and y.ndim == 2:
            bcast = bcast[:-1] + (y.broadcastable[1],)
        return Apply(self, [x, y], [_dense_out(dtype, bcast)])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[-1] != y.shape[0]:
            raise ValueError(f"sparse dot: shapes {x.shape} and {y.shape} do not align")
        r = x @ y
        outv = node.outputs[0]
        if isinstance(outv.type, SparseType):
            out[0][0] = sp.csr_matrix(r).asformat(outv.format).astype(outv.dtype, copy=False) \
                if not sp.issparse(r) or r.format != outv.format else r.astype(outv.dtype, copy=False)
        else:
            out[0][0] = np.asarray(r.toarray() if sp.issparse(r) else r, dtype=outv.dtype)

    def grad(self, inputs, g):
        x, y = inputs
        (gz,) = g
        if gz.ndim != 2 or x.ndim != 2 or y.ndim != 2:
            raise NotImplementedError("sparse Dot gradient: matrices only")
        yT = transpose(y) if _is_sp(y) else y.T
        xT = transpose(x) if _is_sp(x) else x.T
        gx = dot(gz, yT) if (_is_sp(gz) or _is_sp(yT)) else T.dot(gz, yT)
        gy = dot(xT, gz) if (_is_sp(gz) or _is_sp(xT)) else T.dot(xT, gz)
        return [fit_gradient(x, gx), fit_gradient(y, gy)]

    def infer_shape(self, node, shapes):
        x = _shape(node, shapes, 0)
        y = _shape(node, shapes, 1)
        return [tuple(x[:-1]) + tuple(y[1:])]


_dot = Dot()


def dot(x, y):
    """Matrix product with x or y sparse (ordinary, non-structured gradients); the result is
    dense, as in Theano 1.0 (``true_dot`` gives a sparse result)."""
    if not _is_sp(x) and not _is_sp(y):
        raise TypeError("theano.sparse.dot: at least one operand must be sparse")
    return _dot(x, y)


class TrueDot(Op):
    """Matrix product of a sparse matrix with a sparse or dense one, with a sparse result (in x's
    format). ``grad_preserves_dense`` keeps the gradient of a dense input dense."""

    __props__ = ("grad_preserves_dense",)

    def __init__(self, grad_preserves_dense=True):
        self.grad_preserves_dense = grad_preserves_dense

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = as_sparse_variable(y) if _is_sp(y) else T.as_tensor_variable(y)
        if y.ndim != 2:
            raise TypeError("true_dot: the second operand must be a matrix")
        return Apply(self, [x, y], [_sparse_out(x.format, _up(x.dtype, y.dtype))])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError(f"true_dot: shapes {x.shape} and {y.shape} do not align")
        r = x @ y
        o = node.outputs[0]
        r = r.asformat(o.format) if sp.issparse(r) else sp.csr_matrix(r).asformat(o.format)
        out[0][0] = r.astype(o.dtype, copy=False)

    def grad(self, inputs, g):
        x, y = inputs
        gz = _as_sparse_grad(g[0], x.format)
        yT = transpose(y) if _is_sp(y) else y.T
        gx = true_dot(gz, yT)
        gy = true_dot(transpose(x), gz)
        if not _is_sp(y) and self.grad_preserves_dense:
            gy = dense_from_sparse(gy)
        return [fit_gradient(x, gx), fit_gradient(y, gy)]

    def infer_shape(self, node, shapes):
        return [(_shape(node, shapes, 0)[0], _shape(node, shapes, 1)[1])]


def true_dot(x, y, grad_preserves_dense=True):
    """Sparse product; with y sparse and x dense, computed as ``true_dot(y.T, x.T).T``."""
    if _is_sp(x):
        return TrueDot(grad_preserves_dense)(x, y)
    if not _is_sp(y):
        raise TypeError("true_dot: at least one operand must be sparse")
    x = T.as_tensor_variable(x)
    return transpose(TrueDot(grad_preserves_dense)(transpose(as_sparse_variable(y)), x.T))


class Usmm(Op):
    """``alpha * (x @ y) + z`` with x or y sparse and z dense (no gradient, as in Theano)."""

    __props__ = ()

    def make_node(self, alpha, x, y, z):
        if not _is_sp(x) and not _is_sp(y):
            raise TypeError("Usmm: x or y must be sparse")
        alpha = T.as_tensor_variable(alpha)
        x = as_sparse_variable(x) if _is_sp(x) else T.as_tensor_variable(x)
        y = as_sparse_variable(y) if _is_sp(y) else T.as_tensor_variable(y)
        z = T.as_tensor_variable(z)
        if alpha.ndim != 0 and alpha.type.broadcastable != (True,) * alpha.ndim:
            raise TypeError("Usmm: alpha must be a scalar")
        if z.ndim != 2:
            raise TypeError("Usmm: z must be a matrix")
        dtype = _up(alpha.dtype, x.dtype, y.dtype, z.dtype)
        return Apply(self, [alpha, x, y, z], [_dense_out(dtype)])

    def perform(self, node, inputs, out):
        alpha, x, y, z = inputs
        r = x @ y
        r = r.toarray() if sp.issparse(r) else np.asarray(r)
        out[0][0] = np.asarray(np.asarray(alpha).reshape(()) * r + z, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 3)]


usmm = Usmm()


class SamplingDot(Op):
    """``p * (x @ y.T)`` computed only on p's stored entries (x, y dense, p sparse): a sparse
    matrix with p's pattern."""

    __props__ = ()

    def make_node(self, x, y, p):
        x = T.as_tensor_variable(x)
        y = T.as_tensor_variable(y)
        p = as_sparse_variable(p)
        if x.ndim != 2 or y.ndim != 2:
            raise TypeError("sampling_dot: x and y must be dense matrices")
        if p.format not in ("csr", "csc"):
            raise TypeError("sampling_dot: p must be csr or csc")
        return Apply(self, [x, y, p], [_sparse_out(p.format, _up(x.dtype, y.dtype, p.dtype))])

    def perform(self, node, inputs, out):
        x, y, p = inputs
        if x.shape[1] != y.shape[1] or p.shape != (x.shape[0], y.shape[0]):
            raise ValueError(f"sampling_dot: shapes {x.shape}, {y.shape} and {p.shape} do not match")
        major = np.repeat(np.arange(len(p.indptr) - 1), np.diff(p.indptr))
        rows, cols = (major, p.indices) if p.format == "csr" else (p.indices, major)
        vals = np.einsum("ij,ij->i", x[rows], y[cols]) if len(rows) else np.zeros(0)
        dtype = node.outputs[0].dtype
        z = type(p)((np.asarray(p.data * vals, dtype=dtype), p.indices.copy(), p.indptr.copy()),
                    shape=p.shape)
        out[0][0] = z

    def grad(self, inputs, g):
        x, y, p = inputs
        gz = _as_sparse_grad(g[0], p.format)
        pg = mul(p, gz)
        return [dot(pg, y), dot(transpose(pg), x), grad_not_implemented(self, 2, p)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 2)]


sampling_dot = SamplingDot()


# -- reductions, scalings -------------------------------------------------------------------------

class SpSum(Op):
    """Sum of a sparse matrix (all entries, or along ``axis`` 0 or 1): a dense result. With
    ``sparse_grad=True`` the gradient is structured (on the input's pattern)."""

    __props__ = ("axis", "sparse_grad")

    def __init__(self, axis=None, sparse_grad=True):
        if axis not in (None, 0, 1):
            raise ValueError(f"sp_sum: axis must be None, 0 or 1, got {axis!r}")
        self.axis = axis
        self.sparse_grad = sparse_grad

    def make_node(self, x):
        x = as_sparse_variable(x)
        bcast = () if self.axis is None else (False,)
        return Apply(self, [x], [_dense_out(x.dtype, bcast)])

    def perform(self, node, inputs, out):
        (x,) = inputs
        if self.axis is None:
            # SciPy's bsr sum over both axes fails (it builds a 3-d np.matrix); the entries are data
            r = x.data.sum() if x.format == "bsr" else x.sum()
        else:
            r = np.asarray(x.sum(axis=self.axis)).reshape(-1)
        out[0][0] = np.asarray(r, dtype=node.outputs[0].dtype)

    def grad(self, inputs, g):
        (x,) = inputs
        (gz,) = g
        if x.dtype not in float_dtypes + complex_dtypes:
            return [grad_undefined(self, 0, x)]
        if self.axis is None:
            gb = gz
        elif self.axis == 0:
            gb = gz.dimshuffle("x", 0)
        else:
            gb = gz.dimshuffle(0, "x")
        if self.sparse_grad:
            return [mul_s_d(sp_ones_like(x), gb)]
        s = sp_shape_of(x)
        dense = T.alloc(T.cast(gb, x.dtype), s[0], s[1]) if gb.ndim else \
            T.alloc(T.cast(gb, x.dtype), s[0], s[1])
        return [SparseFromDense(x.format)(dense)]

    def infer_shape(self, node, shapes):
        s = _shape(node, shapes, 0)
        if self.axis is None:
            return [()]
        return [(s[1 - self.axis],)]


def sp_shape_of(x):
    from theano.sparse.basic import sp_shape_i

    return (sp_shape_i(x, 0), sp_shape_i(x, 1))


def sp_sum(x, axis=None, sparse_grad=False):
    """Sum of a sparse matrix (over ``axis`` None, 0 or 1); a dense result."""
    return SpSum(axis, sparse_grad)(x)


def col_scale(x, s):
    """Scale each column j of sparse x by s[j] (a sparse result on x's pattern)."""
    x = as_sparse_variable(x)
    if x.format == "csc":
        return ColScaleCSC()(x, s)
    if x.format == "csr":
        return transpose(RowScaleCSC()(transpose(x), s))
    return mul_s_d(x, T.as_tensor_variable(s).dimshuffle("x", 0))


def row_scale(x, s):
    """Scale each row i of sparse x by s[i] (a sparse result on x's pattern)."""
    x = as_sparse_variable(x)
    if x.format in ("csr", "csc"):
        return transpose(col_scale(transpose(x), s))
    return mul_s_d(x, T.as_tensor_variable(s).dimshuffle(0, "x"))


class ColScaleCSC(Op):
    """Column scaling of a csc matrix: ``x[:, j] * s[j]`` (``col_scale``), x's pattern kept."""

    __props__ = ()
    _axis = 1

    def make_node(self, x, s):
        x = as_sparse_variable(x)
        if x.format != "csc":
            raise ValueError(f"{type(self).__name__}: x must be a csc matrix, got {x.format}")
        s = T.as_tensor_variable(s)
        if s.ndim != 1:
            raise TypeError(f"{type(self).__name__}: the scales must be a vector")
        return Apply(self, [x, s], [_sparse_out(x.format, _up(x.dtype, s.dtype))])

    def perform(self, node, inputs, out):
        x, s = inputs
        if len(s) != x.shape[self._axis]:
            raise ValueError(f"{type(self).__name__}: {len(s)} scales for a matrix of shape "
                             f"{x.shape}")
        y = s.reshape((1, -1)) if self._axis == 1 else s.reshape((-1, 1))
        mul_s_d.perform(node, [x, y], out)

    def grad(self, inputs, g):
        x, s = inputs
        gz = _as_sparse_grad(g[0], x.format)
        gx = col_scale(gz, s) if self._axis == 1 else row_scale(gz, s)
        gs = sp_sum(mul(gz, x), axis=1 - self._axis)
        return [fit_gradient(x, gx), gs]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


class RowScaleCSC(ColScaleCSC):
    """Row scaling of a csc matrix: ``x[i, :] * s[i]`` (``row_scale``), x's pattern kept."""

    _axis = 0


class SpOnesLike(Op):
    """A sparse matrix with x's pattern and 1 in each stored entry."""

    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        z = inputs[0].copy()
        z.data = np.ones_like(z.data)
        out[0][0] = z

    def grad(self, inputs, g):
        return [DisconnectedType()()]

    def connection_pattern(self, node):
        return [[False]]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


sp_ones_like = SpOnesLike()


class SpZerosLike(Op):
    """A sparse matrix of x's shape, format and dtype with no stored entry."""

    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        out[0][0] = type(x)(x.shape, dtype=x.dtype)

    def grad(self, inputs, g):
        return [DisconnectedType()()]

    def connection_pattern(self, node):
        return [[False]]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


sp_zeros_like = SpZerosLike()
