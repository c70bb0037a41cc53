"""Sparse graph rewrites: ``csm_properties(CSM(d, i, p, s))`` -> ``(d, i, p, s)`` (chains of
structured elementwise functions work on one data vector), ``DenseFromSparse(SparseFromDense(x))``
-> x.

``UsmmCscDense`` and ``CSMGradC`` are Theano 1.0's names of its C implementations; here they are
the same SciPy-based ops under those names. ``StructuredDotCSC``/``StructuredDotCSR`` (``sd_csc``,
``sd_csr``) take the sparse operand as its parts, as Theano 1.0's did."""

import numpy as np
import scipy.sparse as sp

import theano.tensor as T
from theano.gradient import DisconnectedType
from theano.graph.basic import Apply
from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.op import Op
from theano.graph.rewriting.basic import GraphRewriter, node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_inplace
from theano.sparse.basic import (CSM, CSMGrad, CSMProperties, DenseFromSparse, Remove0,
                                 SparseFromDense, _dense_out)
from theano.sparse.math import Usmm


from theano.sparse.math import AddSD  # noqa: E402

AddSD_ccode = AddSD  # Theano 1.0's name of its C AddSD


class _StructuredDotParts(Op):
    """The dense product ``A @ b`` where the sparse A is given by its parts (data, indices, index
    pointers), as Theano 1.0's ``sd_csc``/``sd_csr`` (the ops its ``local_structured_dot`` made of a
    ``structured_dot``). Gradients: with respect to the stored values (one per stored entry, in
    their order) and to ``b``; the index arrays are disconnected."""

    __props__ = ()
    _format = None

    def _parts(self, a_val, a_ind, a_ptr, b):
        name = type(self).__name__
        a_val, a_ind, a_ptr, b = (T.as_tensor_variable(v) for v in (a_val, a_ind, a_ptr, b))
        for v, what in ((a_val, "a_val (the stored values)"), (a_ind, "a_ind (the indices)"),
                        (a_ptr, "a_ptr (the index pointers)")):
            if v.ndim != 1:
                raise TypeError(f"{name}: {what} must be a vector, got {v.ndim}-d {v}")
        for v, what in ((a_ind, "a_ind"), (a_ptr, "a_ptr")):
            if not v.dtype.startswith(("int", "uint")):
                raise TypeError(f"{name}: {what} must hold integers, got dtype {v.dtype}")
        if b.ndim != 2:
            raise TypeError(f"{name}: b must be a matrix, got {b.ndim}-d {b}")
        return a_val, a_ind, a_ptr, b

    def _out(self, a_val, b):
        return _dense_out(str(np.result_type(a_val.dtype, b.dtype)), (False, b.broadcastable[1]))

    def _product(self, node, a_val, a_ind, a_ptr, shape, b):
        name = type(self).__name__
        if len(a_ind) != len(a_val):
            raise ValueError(f"{name}: {len(a_val)} stored values but {len(a_ind)} indices")
        if len(a_ptr) < 1 or a_ptr[-1] != len(a_val):
            raise ValueError(f"{name}: the last index pointer must be the number of stored values "
                             f"({len(a_val)}), got {a_ptr[-1] if len(a_ptr) else 'none'}")
        cls = sp.csc_matrix if self._format == "csc" else sp.csr_matrix
        a = cls((a_val, a_ind, a_ptr), shape=shape)
        return np.asarray(a @ b, dtype=node.outputs[0].dtype)

    def _rows_cols(self, a_ind, a_ptr):
        """The row and the column of each stored entry (symbolic)."""
        from theano.tensor.extra_ops import diff, repeat

        n = a_ptr.shape[0] - 1
        outer = repeat(T.arange(n), diff(a_ptr))
        return (a_ind, outer) if self._format == "csc" else (outer, a_ind)

    def _grads(self, a_val, a_ind, a_ptr, b, gz):
        rows, cols = self._rows_cols(a_ind, a_ptr)
        g_val = (gz[rows] * b[cols]).sum(axis=1).astype(a_val.dtype)
        g_b = T.inc_subtensor(T.zeros_like(b)[cols], a_val.dimshuffle(0, "x") * gz[rows])
        return g_val, g_b.astype(b.dtype)


class StructuredDotCSC(_StructuredDotParts):
    """Theano 1.0's ``sd_csc(a_val, a_ind, a_ptr, a_nrows, b)``: ``A @ b`` for the csc matrix A of
    ``a_nrows`` rows (its columns: the rows of b) given by its parts."""

    _format = "csc"

    def make_node(self, a_val, a_ind, a_ptr, a_nrows, b):
        a_val, a_ind, a_ptr, b = self._parts(a_val, a_ind, a_ptr, b)
        a_nrows = T.as_tensor_variable(a_nrows)
        if a_nrows.ndim != 0 or not a_nrows.dtype.startswith(("int", "uint")):
            raise TypeError(f"StructuredDotCSC: a_nrows must be an integer scalar, got {a_nrows} "
                            f"of type {a_nrows.type}")
        return Apply(self, [a_val, a_ind, a_ptr, a_nrows, b], [self._out(a_val, b)])

    def perform(self, node, inputs, out):
        a_val, a_ind, a_ptr, a_nrows, b = inputs
        if len(a_ptr) != b.shape[0] + 1:
            raise ValueError(f"StructuredDotCSC: A has {len(a_ptr) - 1} columns (a_ptr has "
                             f"{len(a_ptr)} entries) but b has {b.shape[0]} rows")
        out[0][0] = self._product(node, a_val, a_ind, a_ptr, (int(a_nrows), b.shape[0]), b)

    def infer_shape(self, node, shapes):
        return [(T.cast(node.inputs[3], "int64"), shapes[4][1])]

    def connection_pattern(self, node):
        return [[True], [False], [False], [False], [True]]

    def grad(self, inputs, grads):
        a_val, a_ind, a_ptr, a_nrows, b = inputs
        g_val, g_b = self._grads(a_val, a_ind, a_ptr, b, grads[0])
        return [g_val, DisconnectedType()(), DisconnectedType()(), DisconnectedType()(), g_b]


class StructuredDotCSR(_StructuredDotParts):
    """Theano 1.0's ``sd_csr(a_val, a_ind, a_ptr, b)``: ``A @ b`` for the csr matrix A given by
    its parts (``len(a_ptr) - 1`` rows; its columns: the rows of b)."""

    _format = "csr"

    def make_node(self, a_val, a_ind, a_ptr, b):
        a_val, a_ind, a_ptr, b = self._parts(a_val, a_ind, a_ptr, b)
        return Apply(self, [a_val, a_ind, a_ptr, b], [self._out(a_val, b)])

    def perform(self, node, inputs, out):
        a_val, a_ind, a_ptr, b = inputs
        if len(a_ind) and a_ind.max() >= b.shape[0]:
            raise ValueError(f"StructuredDotCSR: a column index {a_ind.max()} of A is out of range "
                             f"for b with {b.shape[0]} rows")
        shape = (max(len(a_ptr) - 1, 0), b.shape[0])
        out[0][0] = self._product(node, a_val, a_ind, a_ptr, shape, b)

    def infer_shape(self, node, shapes):
        return [(shapes[2][0] - 1, shapes[3][1])]

    def connection_pattern(self, node):
        return [[True], [False], [False], [True]]

    def grad(self, inputs, grads):
        a_val, a_ind, a_ptr, b = inputs
        g_val, g_b = self._grads(a_val, a_ind, a_ptr, b, grads[0])
        return [g_val, DisconnectedType()(), DisconnectedType()(), g_b]


sd_csc = StructuredDotCSC()
sd_csr = StructuredDotCSR()


class UsmmCscDense(Usmm):
    """Theano 1.0's name of the csc-by-dense Usmm (the same op here)."""


class CSMGradC(CSMGrad):
    """Theano 1.0's name of the C CSMGrad (the same op here)."""


@node_rewriter([CSMProperties])
def local_csm_properties_csm(fgraph, node):
    x = node.inputs[0]
    if x.owner is not None and isinstance(x.owner.op, CSM):
        ins = x.owner.inputs
        outs = []
        for k, (new, old) in enumerate(zip(ins, node.outputs)):
            if new.type != old.type:
                if k == 0:
                    return None
                import theano.tensor as T

                new = T.cast(new, old.dtype)
            outs.append(new)
        return outs
    return None


@node_rewriter([DenseFromSparse])
def local_dense_from_sparse_sparse_from_dense(fgraph, node):
    x = node.inputs[0]
    if x.owner is not None and isinstance(x.owner.op, SparseFromDense):
        inner = x.owner.inputs[0]
        if inner.type == node.outputs[0].type:
            return [inner]
    return None


register_canonicalize(local_csm_properties_csm, "sparse", fast_compile=True)
register_canonicalize(local_dense_from_sparse_sparse_from_dense, "sparse")


def _inplace_remove0(fgraph):
    """``Remove0`` works in place where its input may be overwritten (an intermediate result with
    no other client, or an input given as ``theano.In(x, mutable=True)``)."""
    dh = get_destroy_handler(fgraph)
    changed = 0
    for node in fgraph.toposort():
        if node not in fgraph.apply_nodes:
            continue
        if isinstance(node.op, Remove0) and not node.op.inplace and dh.can_destroy(fgraph, node, 0):
            new = Remove0(inplace=True)(node.inputs[0])
            fgraph.replace(node.outputs[0], new, reason="local_inplace_remove0")
            if dh.why_not(fgraph, new.owner, 0) is not None:  # safety net: back to the copy
                fgraph.replace(new, Remove0()(node.inputs[0]), reason="inplace_revert")
            else:
                changed += 1
    dh.validate(fgraph)
    return changed


local_inplace_remove0 = GraphRewriter(_inplace_remove0, "local_inplace_remove0")
register_inplace(local_inplace_remove0, "inplace", "sparse")
