"""Sparse graph rewrites: ``csm_properties(CSM(d, i, p, s))`` -> ``(d, i, p, s)`` (chains of
structured elementwise functions work on one data vector), ``DenseFromSparse(SparseFromDense(x))``
-> x.

``StructuredDotCSC``, ``UsmmCscDense`` and ``CSMGradC`` are Theano 1.0's names of its C
implementations; here they are the same SciPy-based ops under those names."""

from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.rewriting.basic import GraphRewriter, node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_inplace
from theano.sparse.basic import (CSM, CSMGrad, CSMProperties, DenseFromSparse, Remove0,
                                 SparseFromDense)
from theano.sparse.math import StructuredDot, Usmm


from theano.sparse.math import AddSD  # noqa: E402

AddSD_ccode = AddSD  # Theano 1.0's name of its C AddSD


class StructuredDotCSC(StructuredDot):
    """Theano 1.0's name of the csc structured product (the same op here)."""


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
