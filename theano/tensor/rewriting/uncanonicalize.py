"""Theano 1.0's "uncanonicalize" rewrites: cheaper forms chosen after canonicalization.

They run in the specialize phase (Theano ran its ``uncanonicalize`` database just after
specialize). Each gives exactly the values of the graph it replaces:

- ``local_max_and_argmax``: a ``MaxAndArgmax`` whose index (or maximum) nobody reads is the
  ``Max`` reduction (or the ``Argmax``) alone.
- ``local_max_to_min``: ``-max(-x)`` is ``min(x)`` and ``-min(-x)`` is ``max(x)`` (floats only:
  for signed integers ``-x`` overflows at the smallest value, for unsigned ones it wraps).
- ``local_alloc_dimshuffle``: ``alloc(x.dimshuffle('x', ..., 0, 1, ...), *s)`` is ``alloc(x, *s)``
  (alloc adds the leading axes itself).
  (Theano's ``local_dimshuffle_alloc``, a DimShuffle of an alloc, is the canonicalize rewrite of
  that name in ``elemwise.py``; with this one, ``alloc(x, *s).dimshuffle('x', 0, 1)`` becomes
  ``alloc(x, 1, *s)``.)
- ``local_reshape_dimshuffle``: a reshape of a DimShuffle that only adds or drops length-1 axes
  (keeping the order of the others) reshapes the DimShuffle's input (the same elements in the same
  C order).
- ``local_dimshuffle_subtensor``: a DimShuffle that drops length-1 axes of a Subtensor's result is
  the Subtensor indexing those axes with 0.
"""

from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_specialize
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.allocation import Alloc
from theano.tensor.elemwise import DimShuffle, Max, Min
from theano.tensor.reshaping import Reshape
from theano.tensor.rewriting.utils import elemwise_of
from theano.tensor.subtensor import Subtensor


def _unread(fgraph, var):
    return fgraph is not None and not fgraph.clients.get(var) and var not in fgraph.outputs


@node_rewriter([tm.MaxAndArgmax])
def local_max_and_argmax(fgraph, node):
    """``MaxAndArgmax`` -> ``Max`` when the index is not read, -> ``Argmax`` when the maximum is
    not read."""
    x = node.inputs[0]
    axis = tuple(node.op.axis) if node.op.axis is not None else tuple(range(x.ndim))
    xmax, xarg = node.outputs
    if _unread(fgraph, xarg):
        new = Max(axis)(x)
        return {xmax: new} if new.type == xmax.type else None
    if _unread(fgraph, xmax):
        new = tm.Argmax(axis, "max")(x)
        return {xarg: new} if new.type == xarg.type else None
    return None


register_specialize(local_max_and_argmax, "uncanonicalize")


@node_rewriter([ts.Neg])
def local_max_to_min(fgraph, node):
    """``-max(-x)`` -> ``min(x)``; ``-min(-x)`` -> ``max(x)`` (float x)."""
    (r,) = node.inputs
    if elemwise_of(node.outputs[0], ts.Neg) is None or r.owner is None or \
            type(r.owner.op) not in (Max, Min) or not r.dtype.startswith("float"):
        return None
    inner = elemwise_of(r.owner.inputs[0], ts.Neg)
    if inner is None:
        return None
    other = Min if type(r.owner.op) is Max else Max
    new = other(r.owner.op.axis)(inner.inputs[0])
    return [new] if new.type == node.outputs[0].type else None


register_specialize(local_max_to_min, "uncanonicalize")


def _adds_leading_axes(ds_node):
    """The number of axes a DimShuffle adds in front of its input, keeping all of its axes in
    order (``('x', 'x', 0, 1)``: 2); None for any other DimShuffle."""
    order = ds_node.op.new_order
    n = ds_node.inputs[0].ndim
    k = len(order) - n
    if k < 0 or tuple(order) != ("x",) * k + tuple(range(n)):
        return None
    return k


@node_rewriter([Alloc])
def local_alloc_dimshuffle(fgraph, node):
    """``alloc(x.dimshuffle('x', ..., 0, 1, ...), *s)`` -> ``alloc(x, *s)``."""
    v = node.inputs[0]
    if v.owner is None or not isinstance(v.owner.op, DimShuffle) or \
            _adds_leading_axes(v.owner) is None:
        return None
    new = node.op(v.owner.inputs[0], *node.inputs[1:])
    return [new] if new.type == node.outputs[0].type else None


register_specialize(local_alloc_dimshuffle, "uncanonicalize")


def _only_unit_axes_change(ds_node):
    """True when a DimShuffle only inserts or drops length-1 axes: its input's axes that it keeps
    stay in their order (a reshape reads the same elements in the same order)."""
    kept = [o for o in ds_node.op.new_order if o != "x"]
    return kept == sorted(kept)


@node_rewriter([Reshape])
def local_reshape_dimshuffle(fgraph, node):
    """``reshape(x.dimshuffle(...), s)`` -> ``reshape(x, s)`` when the DimShuffle only adds or
    drops length-1 axes."""
    v, shp = node.inputs
    if v.owner is None or not isinstance(v.owner.op, DimShuffle) or \
            not _only_unit_axes_change(v.owner):
        return None
    new = node.op(v.owner.inputs[0], shp)
    return [new] if new.type == node.outputs[0].type else None


register_specialize(local_reshape_dimshuffle, "uncanonicalize")


@node_rewriter([DimShuffle])
def local_dimshuffle_subtensor(fgraph, node):
    """``x[idx].dimshuffle(...)`` dropping length-1 axes (no new axes, the others in order) ->
    ``x[idx']`` where ``idx'`` takes element 0 of those axes. A dropped axis is broadcastable, so
    its slice (all parts constant, ``Subtensor.make_node``) keeps exactly element 0."""
    order = node.op.new_order
    s = node.inputs[0]
    if "x" in order or list(order) != sorted(order) or len(order) == s.ndim or \
            s.owner is None or type(s.owner.op) is not Subtensor:
        return None
    if fgraph is not None and (len(fgraph.clients.get(s, ())) != 1 or s in fgraph.outputs):
        return None
    x = s.owner.inputs[0]
    idx_list = list(s.owner.op.idx_list) + [(None, None, None)] * (x.ndim - len(s.owner.op.idx_list))
    dropped = set(range(s.ndim)) - set(order)
    out_axis = 0
    for d, e in enumerate(idx_list):
        if not isinstance(e, tuple):
            continue  # an integer index removes axis d: it has no output axis
        if out_axis in dropped:
            if any(p == "?" for p in e):
                return None  # cannot happen for a broadcastable result; be safe
            idx_list[d] = 0
        out_axis += 1
    while idx_list and idx_list[-1] == (None, None, None):
        idx_list.pop()
    new = Subtensor(tuple(idx_list))(x, *s.owner.inputs[1:])
    return [new] if new.type == node.outputs[0].type else None


register_specialize(local_dimshuffle_subtensor, "uncanonicalize")
