"""Sparse random sampling ops of Theano 1.0 (``theano.sparse.sandbox.sp2``): Poisson of each stored
value, Binomial matrices, and Multinomial draws per row. They draw with NumPy's global generator
(seed it with ``numpy.random.seed`` for repeatable results, as Theano's did)."""

import numpy as np

import theano.tensor as T
from theano.gradient import grad_not_implemented, grad_undefined
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.sparse.basic import _shape, as_sparse_variable
from theano.sparse.type import SparseType, format_classes


class Poisson(Op):
    """A sparse matrix with x's pattern whose values are Poisson draws of mean x's values."""

    __props__ = ()

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        (x,) = inputs
        if x.nnz and x.data.min() < 0:
            raise ValueError("Poisson: the means must be >= 0")
        z = x.copy()
        z.data = np.asarray(np.random.poisson(z.data), dtype=x.dtype)
        z.eliminate_zeros()
        out[0][0] = z

    def grad(self, inputs, g):
        return [grad_undefined(self, 0, inputs[0], "a random draw has no gradient")]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 0)]


poisson = Poisson()


class Binomial(Op):
    """A (format, dtype) sparse matrix of the given shape whose entries are Binomial(n, p) draws
    (zeros not stored)."""

    __props__ = ("format", "dtype")

    def __init__(self, format, dtype):
        if format not in format_classes:
            raise ValueError(f"Binomial: unknown format {format!r}")
        self.format = format
        self.dtype = str(np.dtype(dtype))

    def make_node(self, n, p, shape):
        n = T.as_tensor_variable(n)
        p = T.as_tensor_variable(p)
        shape = T.as_tensor_variable(shape)
        if n.ndim != 0 or p.ndim != 0 or shape.ndim != 1:
            raise TypeError("Binomial: n and p must be scalars and shape an integer vector")
        return Apply(self, [n, p, shape], [SparseType(self.format, self.dtype)()])

    def perform(self, node, inputs, out):
        n, p, shape = inputs
        if len(shape) != 2:
            raise ValueError("Binomial: shape must have 2 entries")
        draws = np.random.binomial(int(n), float(p), size=tuple(int(s) for s in shape))
        out[0][0] = format_classes[self.format](draws.astype(self.dtype))

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def grad(self, inputs, g):
        n, p, shape = inputs
        return [grad_undefined(self, 0, n), grad_undefined(self, 1, p),
                grad_undefined(self, 2, shape)]

    def infer_shape(self, node, shapes):
        s = node.inputs[2]
        return [(T.cast(s[0], "int64"), T.cast(s[1], "int64"))]


csr_fbinomial = Binomial("csr", "float32")
csc_fbinomial = Binomial("csc", "float32")
csr_dbinomial = Binomial("csr", "float64")
csc_dbinomial = Binomial("csc", "float64")


def binomial(n, p, shape, format="csr", dtype="float64"):
    return Binomial(format, dtype)(n, p, shape)


class Multinomial(Op):
    """For each row i of the csr matrix p, a Multinomial(n[i], p[i]) draw over p's stored
    positions (a sparse result with p's pattern)."""

    __props__ = ()

    def make_node(self, n, p):
        n = T.as_tensor_variable(n)
        p = as_sparse_variable(p)
        if p.format != "csr":
            raise NotImplementedError("Multinomial: p must be a csr matrix")
        if n.ndim not in (0, 1):
            raise TypeError("Multinomial: n must be a scalar or a vector")
        return Apply(self, [n, p], [p.type()])

    def perform(self, node, inputs, out):
        n, p = inputs
        n_rows = p.shape[0]
        n = np.broadcast_to(np.asarray(n), (n_rows,))
        z = p.copy()
        for i in range(n_rows):
            a, b = z.indptr[i], z.indptr[i + 1]
            if b > a:
                z.data[a:b] = np.random.multinomial(int(n[i]), p.data[a:b])
        out[0][0] = z

    def grad(self, inputs, g):
        n, p = inputs
        return [grad_undefined(self, 0, n), grad_not_implemented(self, 1, p)]

    def infer_shape(self, node, shapes):
        return [_shape(node, shapes, 1)]


multinomial = Multinomial()
