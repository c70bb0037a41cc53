"""Linear-algebra rewrites (Theano 1.0's ``theano.sandbox.linalg.ops`` rewrites):

- ``inv_as_solve``: ``dot(matrix_inverse(A), b)`` -> ``solve(A, b)`` and ``dot(b, matrix_inverse(A))``
  -> ``solve(A.T, b.T).T`` (one LU solve instead of an inverse and a product: faster and more
  accurate; a singular ``A`` raises ``LinAlgError`` either way);
- ``tag_solve_triangular``: a general ``Solve`` whose matrix is a Cholesky factor (or the transpose
  of one) becomes the triangular solve of that triangle (the factor's other triangle is zeros);
- ``transinv_to_invtrans``: ``matrix_inverse(X).T`` -> ``matrix_inverse(X.T)`` (the transpose moves
  to the input, where ``inv_as_solve`` and other rewrites see it).

They run in the stabilize phase (``transinv_to_invtrans`` in canonicalize). Theano 1.0
registered them when ``theano.sandbox.linalg`` was imported; here they are always on.
"""

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize, register_stabilize
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import Dot
from theano.tensor.nlinalg import MatrixInverse, matrix_inverse
from theano.tensor.slinalg import Cholesky, Solve

__all__ = ["inv_as_solve", "tag_solve_triangular", "transinv_to_invtrans"]


def _is_transpose(var):
    return (var.owner is not None and isinstance(var.owner.op, DimShuffle)
            and var.owner.op.new_order == (1, 0))


def _inverse_of(var):
    """A where ``var`` is ``matrix_inverse(A)``, else None."""
    if var.owner is not None and isinstance(var.owner.op, MatrixInverse):
        return var.owner.inputs[0]
    return None


@node_rewriter([Dot])
def inv_as_solve(fgraph, node):
    """``dot(inv(A), b)`` -> ``solve(A, b)``; ``dot(b, inv(A))`` -> ``solve(A.T, b.T).T``."""
    l, r = node.inputs
    (out,) = node.outputs
    A = _inverse_of(l)
    try:
        if A is not None and r.ndim in (1, 2):
            new = Solve()(A, r)
        else:
            A = _inverse_of(r)
            if A is None or l.ndim not in (1, 2):
                return None
            new = Solve()(A.T, l.T if l.ndim == 2 else l)
            new = new.T if new.ndim == 2 else new
    except TypeError:       # operands Solve does not take (the product stays)
        return None
    if new.type != out.type:
        if new.ndim != out.ndim or new.broadcastable != out.broadcastable:
            return None
        new = new.astype(out.dtype)
    return [new]


def _cholesky_side(var):
    """'lower'/'upper': ``var`` is a lower/upper Cholesky factor (or the transpose of an upper/lower
    one), else None."""
    flip = False
    if _is_transpose(var):
        var, flip = var.owner.inputs[0], True
    if var.owner is None or not isinstance(var.owner.op, Cholesky):
        return None
    lower = var.owner.op.lower != flip
    return "lower" if lower else "upper"


@node_rewriter([Solve])
def tag_solve_triangular(fgraph, node):
    """``Solve{general}(L, b)`` with L a Cholesky factor -> the triangular solve of its triangle."""
    if node.op.A_structure != "general":
        return None
    A, b = node.inputs
    side = _cholesky_side(A)
    if side is None:
        return None
    op = Solve(A_structure=f"{side}_triangular", lower=side == "lower",
               overwrite_A=node.op.overwrite_A, overwrite_b=node.op.overwrite_b)
    new = op(A, b)
    if new.type != node.outputs[0].type:
        return None
    return [new]


@node_rewriter([DimShuffle])
def transinv_to_invtrans(fgraph, node):
    """``matrix_inverse(X).T`` -> ``matrix_inverse(X.T)``."""
    if node.op.new_order != (1, 0):
        return None
    X = _inverse_of(node.inputs[0])
    if X is None:
        return None
    new = matrix_inverse(X.T)
    if new.type != node.outputs[0].type:
        return None
    return [new]


register_stabilize(inv_as_solve, "linalg")
register_stabilize(tag_solve_triangular, "linalg")
register_canonicalize(transinv_to_invtrans, "linalg")
