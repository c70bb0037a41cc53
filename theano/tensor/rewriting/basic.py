"""General rewrites: constant folding, removing gradient-only ops and identities, Asserts whose
conditions are constants that hold (and, opt-in, every Assert)."""

import numpy as np

from theano import gradient
from theano.graph.basic import Constant
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import (register_canonicalize, register_fusion, register_specialize,
                                       register_stabilize)
from theano.scalar import basic as ts
from theano.tensor.allocation import Alloc
from theano.tensor.assertions import Assert
from theano.tensor.basic import ScalarFromTensor, TensorFromScalar
from theano.tensor.joining import Join, Split
from theano.tensor.rewriting.utils import is_elemwise, register_opt_in, scalar_const

# Folded outputs larger than this stay computed at run time (keeps compiled graphs small).
MAX_FOLDED_SIZE = 10000


@node_rewriter(None)
def constant_folding(fgraph, node):
    """An op whose inputs are all constants is computed once, now."""
    op = node.op
    if not node.inputs or getattr(op, "lazy", False) or op.destroy_map:
        return None
    for i in node.inputs:
        if not isinstance(i, Constant):
            return None
    if not op.do_constant_folding(node):
        return None
    if isinstance(op, Alloc) and fgraph is not None and any(
            c == "output" for c, _ in fgraph.clients.get(node.outputs[0], ())):
        # an alloc returned by the function is made by each call (as in Theano 1.0), not kept as
        # a constant that each call copies
        return None
    storage = [[None] for _ in node.outputs]
    with np.errstate(all="ignore"):
        op.perform(node, [i.data for i in node.inputs], storage)
    out = []
    for o, (val,) in zip(node.outputs, storage):
        if val is None:
            return None
        size = getattr(val, "size", 1)
        if size > MAX_FOLDED_SIZE:
            return None
        if isinstance(val, np.ndarray):
            val = val.copy()
        c = o.type.make_constant(val)
        out.append(c)
    return out


# each later registration of a rewrite carries its first name as a tag (here and in the other modules
# of this package), so that `Mode.excluding(name)` removes it from every phase, as in Theano 1.0
register_canonicalize(constant_folding, fast_compile=True)
register_stabilize(constant_folding, "constant_folding", name="constant_folding_stabilize")
register_specialize(constant_folding, "constant_folding", name="constant_folding_specialize")


def _grad_shaper_classes():
    return [gradient._GradShaper]


@node_rewriter(_grad_shaper_classes())
def remove_grad_shapers(fgraph, node):
    """zero_grad / disconnected_grad / grad_clip ... are the identity once gradients are built."""
    return [node.inputs[0]]


register_canonicalize(remove_grad_shapers, fast_compile=True)


@node_rewriter([type(ts.identity)])
def remove_identity(fgraph, node):
    """Elemwise identity (tensor_copy) is the identity (the executor copies outputs when needed)."""
    if is_elemwise(node, ts.identity) and node.inputs[0].type == node.outputs[0].type:
        return [node.inputs[0]]
    return None


register_canonicalize(remove_identity)


@node_rewriter([Assert])
def local_remove_useless_assert(fgraph, node):
    """An Assert drops its conditions that are constants that hold; with none left it is its
    checked value. Conditions known to fail stay (they raise when the function runs)."""
    value, *conds = node.inputs
    kept = []
    for c in conds:
        known = scalar_const(c)
        if known is None or not np.all(known):
            kept.append(c)
    if len(kept) == len(conds):
        return None
    if not kept:
        return [value]
    return [node.op(value, *kept)]


@node_rewriter([Assert])
def local_remove_all_assert(fgraph, node):
    """Every Assert becomes its checked value: the checks are skipped. Unsafe, so opt-in only
    (``mode.including('local_remove_all_assert')``, ``optimizer_including`` or the 'unsafe'
    tag), as in Theano 1.0."""
    return [node.inputs[0]]


register_canonicalize(local_remove_useless_assert, fast_compile=True)
# again before fusion, after the merges of the phases before (a stabilize rewrite may assert
# what the shape rewrites and merges then prove: an ``eq(n, n)``)
register_fusion(local_remove_useless_assert)
register_opt_in(local_remove_all_assert, "canonicalize", "unsafe")


@node_rewriter([TensorFromScalar])
def local_tensor_scalar_tensor(fgraph, node):
    """``tensor_from_scalar(scalar_from_tensor(t))`` -> ``t`` (both keep the dtype)."""
    inner = node.inputs[0].owner
    if inner is not None and isinstance(inner.op, ScalarFromTensor):
        t = inner.inputs[0]
        if t.type == node.outputs[0].type:
            return [t]
    return None


@node_rewriter([ScalarFromTensor])
def local_scalar_tensor_scalar(fgraph, node):
    """``scalar_from_tensor(tensor_from_scalar(s))`` -> ``s``."""
    inner = node.inputs[0].owner
    if inner is not None and isinstance(inner.op, TensorFromScalar):
        s = inner.inputs[0]
        if s.type == node.outputs[0].type:
            return [s]
    return None


register_canonicalize(local_tensor_scalar_tensor, fast_compile=True)
register_canonicalize(local_scalar_tensor_scalar, fast_compile=True)
# the second registrations carry the first one's name as a tag, so that excluding it by that name
# (``Mode.excluding("local_tensor_scalar_tensor")``, as in Theano 1.0) removes both
register_specialize(local_tensor_scalar_tensor, "local_tensor_scalar_tensor",
                    name="local_tensor_scalar_tensor_specialize")
register_specialize(local_scalar_tensor_scalar, "local_scalar_tensor_scalar",
                    name="local_scalar_tensor_scalar_specialize")


@node_rewriter([Split])
def local_useless_split(fgraph, node):
    """``split(x, splits, n_splits=1)`` -> ``x``, behind an Assert that ``splits`` is one length
    equal to x's length along the axis (the checks the split made)."""
    from theano.tensor.math import eq
    from theano.tensor.math import sum as tsum
    from theano.tensor.reshaping import shape_i
    from theano.tensor.rewriting.utils import fit_to

    if node.op.len_splits != 1 or node.op.axis is None:
        return None
    x, splits = node.inputs
    out = node.outputs[0]
    checked = Assert("split: the sizes must be one length equal to the split axis's length")(
        x, eq(splits.shape[0], 1), eq(tsum(splits), shape_i(x, node.op.axis)))
    new = fit_to(checked, out)
    return [new] if new is not None else None


register_canonicalize(local_useless_split)
register_specialize(local_useless_split, "local_useless_split", name="local_useless_split_specialize")


@node_rewriter([Join])
def local_join_1(fgraph, node):
    """``join(axis, x)`` of a single tensor along a known axis -> ``x`` (Theano 1.0's
    ``local_join_1``). A join along a run-time axis (JoinDynamic) keeps its check of the axis."""
    if type(node.op) is not Join or len(node.inputs) != 1:
        return None
    (x,) = node.inputs
    out = node.outputs[0]
    return [x] if x.type == out.type else None


register_canonicalize(local_join_1)
register_specialize(local_join_1, "local_join_1", name="local_join_1_specialize")
