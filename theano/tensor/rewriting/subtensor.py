"""Indexing rewrites: ``x.shape[i]`` and ``MakeVector(...)[i]`` without building the vector."""

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize
from theano.tensor.basic import MakeVector, cast
from theano.tensor.rewriting.utils import scalar_const
from theano.tensor.reshaping import Shape, shape_i
from theano.tensor.subtensor import Subtensor


def _constant_index(node):
    """The single integer index of a ``Subtensor`` node (``v[k]``) when known, else None."""
    if len(node.op.idx_list) != 1:
        return None
    e = node.op.idx_list[0]
    if isinstance(e, int) and not isinstance(e, bool):
        return e
    if e == "?":
        c = scalar_const(node.inputs[1])
        return None if c is None else int(c)
    return None


@node_rewriter([Subtensor])
def local_subtensor_of_vector_build(fgraph, node):
    """``Shape(x)[k]`` -> ``Shape_i{k}(x)``; ``MakeVector(a, b, c)[k]`` -> the k-th scalar."""
    v = node.inputs[0]
    owner = v.owner
    if owner is None or v.ndim != 1:
        return None
    k = _constant_index(node)
    if k is None:
        return None
    out = node.outputs[0]
    if isinstance(owner.op, Shape):
        x = owner.inputs[0]
        if -x.ndim <= k < x.ndim:
            return [shape_i(x, k % x.ndim)]
    if isinstance(owner.op, MakeVector):
        n = len(owner.inputs)
        if -n <= k < n:
            e = owner.inputs[k % n]
            return [e if e.dtype == out.dtype else cast(e, out.dtype)]
    return None


register_canonicalize(local_subtensor_of_vector_build, "shape", fast_compile=True)
