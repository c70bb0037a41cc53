"""BLAS rewrites: ``z + a * dot(x, y)`` (and ``z - ...``, ``z + dot``, ``z - dot``) become Gemm for
matrices, Gemv for matrix-vector products and Ger for outer products. They run after specialize and
before fusion (which would otherwise swallow the additions)."""

import numpy as np

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_blas
from theano.scalar import basic as ts
from theano.tensor.basic import cast, constant
from theano.tensor.blas import gemm, gemv, ger
from theano.tensor.elemwise import DimShuffle
from theano.tensor.math import Dot
from theano.tensor.rewriting.utils import is_elemwise, scalar_const


def _as_scalar(v):
    """``v`` as a 0-d variable if all its dimensions are broadcastable, else None."""
    if v.ndim == 0:
        return v
    if not all(v.broadcastable):
        return None
    if v.owner is not None and isinstance(v.owner.op, DimShuffle) and v.owner.inputs[0].ndim == 0:
        return v.owner.inputs[0]
    return DimShuffle(v.broadcastable, [])(v)


def _scaled_dot(fgraph, term):
    """If ``term`` is ``dot(x, y)``, ``-dot(x, y)`` or ``s1 * ... * dot(x, y)`` (scalars s), return
    (alpha or None for 1, negate, dot node); else None. The dot must be used only here."""
    negate = False
    node = term.owner
    if node is None:
        return None
    if is_elemwise(node, ts.neg):
        negate = True
        term = node.inputs[0]
        node = term.owner
        if node is None:
            return None
    if isinstance(node.op, Dot):
        if len(fgraph.clients.get(term, ())) != 1:
            return None
        return None, negate, node
    if is_elemwise(node, ts.Mul):
        dots = [i for i in node.inputs if i.owner is not None and isinstance(i.owner.op, Dot)]
        if len(dots) != 1 or len(fgraph.clients.get(dots[0], ())) != 1:
            return None
        if len(fgraph.clients.get(term, ())) != 1:
            return None
        scalars = []
        for i in node.inputs:
            if i is dots[0]:
                continue
            s = _as_scalar(i)
            if s is None:
                return None
            scalars.append(s)
        alpha = scalars[0]
        for s in scalars[1:]:
            alpha = alpha * s
        return alpha, negate, dots[0].owner
    return None


def _blas_call(z, alpha, negate, dot_node, out):
    dtype = out.dtype
    if dtype not in ("float32", "float64") or z.type != out.type:
        return None
    x, y = dot_node.inputs
    if x.dtype != dtype or y.dtype != dtype or dot_node.outputs[0].type != out.type:
        return None
    if alpha is None:
        alpha = constant(1, dtype=dtype)
    if alpha.dtype != dtype:
        if alpha.dtype not in ts.float_dtypes + ts.integer_dtypes:
            return None
        alpha = cast(alpha, dtype)
    value = scalar_const(alpha)
    if value is not None:
        alpha = constant(np.asarray(-value if negate else value, dtype=dtype))
    elif negate:
        alpha = -alpha
    one = constant(1, dtype=dtype)
    if x.ndim == 2 and y.ndim == 2:
        outer = _outer_parts(x, y)
        if outer is not None and not any(z.broadcastable):
            return ger(z, alpha, outer[0], outer[1])
        return gemm(z, alpha, x, y, one)
    if x.ndim == 2 and y.ndim == 1:
        return gemv(z, alpha, x, y, one)
    if x.ndim == 1 and y.ndim == 2:
        return gemv(z, alpha, y.T, x, one)
    return None


def _outer_parts(x, y):
    """(u, v) if ``dot(x, y)`` is ``outer(u, v)``: x = u.dimshuffle(0, 'x'), y = v.dimshuffle('x', 0)."""
    xo, yo = x.owner, y.owner
    if xo is None or yo is None or not isinstance(xo.op, DimShuffle) or \
            not isinstance(yo.op, DimShuffle):
        return None
    if xo.op.new_order == (0, "x") and yo.op.new_order == ("x", 0) and \
            xo.inputs[0].ndim == 1 and yo.inputs[0].ndim == 1:
        return xo.inputs[0], yo.inputs[0]
    return None


@node_rewriter([ts.Add, ts.Sub])
def local_dot_to_blas(fgraph, node):
    """``z + a*dot(x, y)`` -> Gemm/Gemv/Ger(z, a, x, y); ``z - a*dot`` with -a."""
    out = node.outputs[0]
    if out.dtype not in ("float32", "float64") or out.ndim not in (1, 2):
        return None
    if is_elemwise(node, ts.Sub):
        z, t = node.inputs
        found = _scaled_dot(fgraph, t)
        if found is None:
            return None
        alpha, negate, dnode = found
        res = _blas_call(z, alpha, not negate, dnode, out)
        return None if res is None else [res]
    if is_elemwise(node, ts.Add):
        inputs = list(node.inputs)
        for k, t in enumerate(inputs):
            found = _scaled_dot(fgraph, t)
            if found is None:
                continue
            rest = inputs[:k] + inputs[k + 1:]
            z = rest[0] if len(rest) == 1 else node.op(*rest)
            if z.type != out.type:
                continue
            alpha, negate, dnode = found
            res = _blas_call(z, alpha, negate, dnode, out)
            if res is not None:
                return [res]
    return None


register_blas(local_dot_to_blas, "blas", "gemm")
