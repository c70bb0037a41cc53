"""Helpers shared by the tensor rewrites: constant inspection and fitting a replacement to a type."""

import numpy as np

from theano.graph.basic import Constant
from theano.graph.rewriting.db import rewrite_db
from theano.scalar import basic as ts
from theano.tensor.basic import NotScalarConstantError, cast, constant, fill, get_scalar_constant_value, patternbroadcast
from theano.tensor.elemwise import DimShuffle, Elemwise


def scalar_const(v):
    """The value of ``v`` if it is a constant with a single element (maybe dimshuffled/cast), else
    None. Never raises."""
    if v.owner is None and not isinstance(v, Constant):
        return None
    try:
        return get_scalar_constant_value(v)
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def is_const(v, value):
    """True if ``v`` is a single-element constant equal to ``value``."""
    c = scalar_const(v)
    if c is None:
        data = getattr(v, "data", None) if isinstance(v, Constant) else None
        if isinstance(data, np.ndarray) and 0 < data.size <= 10000:
            return bool(np.all(data == value))
        return False
    try:
        return bool(np.all(c == value))
    except Exception:  # noqa: BLE001
        return False


def is_zeros(v):
    """True if ``v`` is all zeros by construction (a constant, ``fill(t, 0)`` or ``alloc(0, ...)``)."""
    from theano.tensor.allocation import Alloc

    if is_const(v, 0):
        return True
    fill_node = elemwise_of(v, ts.Second)
    if fill_node is not None:
        return is_const(fill_node.inputs[1], 0)
    return v.owner is not None and isinstance(v.owner.op, Alloc) and is_const(v.owner.inputs[0], 0)


def elemwise_of(var, scalar_op_cls):
    """The node computing ``var`` if it is an Elemwise of ``scalar_op_cls`` (class or instance)."""
    node = var.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return None
    so = node.op.scalar_op
    if isinstance(scalar_op_cls, type):
        return node if isinstance(so, scalar_op_cls) else None
    return node if so == scalar_op_cls else None


def is_elemwise(node, scalar_op):
    """True if ``node`` is a (not in-place) Elemwise of ``scalar_op`` (an instance or class)."""
    if not isinstance(node.op, Elemwise) or node.op.inplace_pattern:
        return False
    so = node.op.scalar_op
    if isinstance(scalar_op, type):
        return isinstance(so, scalar_op)
    return so == scalar_op


def fit_to(new, out, inputs=()):
    """``new`` given exactly the type of ``out``: cast its dtype, add missing leading dimensions, and
    broadcast it against ``inputs`` (with ``fill``) in dimensions where ``out`` is not broadcastable.

    Returns None when that is impossible (``new`` has more dimensions than ``out``).
    """
    if new.type == out.type:
        return new
    if new.ndim > out.ndim:
        return None
    if new.ndim < out.ndim:
        new = DimShuffle(new.broadcastable, ["x"] * (out.ndim - new.ndim) + list(range(new.ndim)))(new)
    if any(nb and not ob for nb, ob in zip(new.broadcastable, out.broadcastable)):
        for inp in inputs:
            if inp.ndim > out.ndim:
                continue
            pad = out.ndim - inp.ndim
            need = [d for d in range(out.ndim) if new.broadcastable[d] and not out.broadcastable[d]]
            if any(d >= pad and not inp.broadcastable[d - pad] for d in need):
                new = fill(inp, new)
            if not any(nb and not ob for nb, ob in zip(new.broadcastable, out.broadcastable)):
                break
        if any(nb and not ob for nb, ob in zip(new.broadcastable, out.broadcastable)):
            return None
    if new.dtype != out.dtype:
        new = cast(new, out.dtype)
    if new.broadcastable != out.broadcastable:
        new = patternbroadcast(new, out.broadcastable)
    return new if new.type == out.type else None


def filled_constant(value, out, inputs):
    """A constant ``value`` with the shape and type of ``out`` (the broadcast of ``inputs``)."""
    c = constant(np.asarray(value, dtype=out.dtype))
    return fit_to(c, out, [i for i in inputs if not all(i.broadcastable)])


def keep_shape_checks(rep, node, dropped):
    """``rep`` (the replacement of ``node``'s output) behind an ``Assert`` that each input in
    ``dropped`` that ``rep`` no longer reads had the lengths the elementwise node required (equal to
    the output's where neither is broadcastable): dropping ``zeros_like(y)`` from ``x + zeros_like(y)``
    must not drop the error of mismatched shapes. Conditions that the shapes make true are folded
    away by the shape and comparison rewrites, and the Assert with them."""
    from theano.graph.basic import ancestors
    from theano.tensor.assertions import Assert
    from theano.tensor.math import eq

    if rep is None:
        return None
    from theano.tensor.rewriting.shape_feature import ShapeFeature

    out = node.outputs[0]
    read = set(ancestors([rep]))
    shapes = None
    conds = []
    for inp in dropped:
        if inp in read or all(inp.broadcastable) or inp.ndim > out.ndim:
            continue
        if shapes is None:      # the shapes by infer_shape, to leave out the checks they prove
            shapes = ShapeFeature()
            shapes.shape_of = {}
        pad = out.ndim - inp.ndim
        for d, b in enumerate(inp.broadcastable):
            if b or out.broadcastable[d + pad]:
                continue
            try:
                same = shapes.same_shape(inp, rep, d, d + pad)
            except Exception:  # noqa: BLE001 - unknown: keep the check
                same = False
            if not same:
                conds.append(eq(inp.shape[d], rep.shape[d + pad]))
    if not conds:
        return rep
    return Assert(f"{node.op}: the inputs' shapes do not match")(rep, *conds)


def is_float(dtype):
    return dtype in ts.float_dtypes


def is_numeric(dtype):
    return dtype not in ("bool",)


def register_opt_in(rewriter, phase, *tags):
    """Register ``rewriter`` in ``phase`` as a rewrite that runs only when asked for by its name or
    one of ``tags`` (``mode.including(name)``, ``optimizer_including``): not in fast_run, and not
    selected by including the phase's name either (``including('canonicalize')`` is common in
    Theano 1.0 programs and must not turn on an approximation or the removal of asserts), as
    Theano registered such rewrites with ``use_db_name_as_tag=False``."""
    rewrite_db.register(rewriter, phase, *tags, fast_run=False)
    entry = rewrite_db.entries[rewriter.name]
    entry.tags = entry.tags - {phase}
    return rewriter


def sole_alloc_inputs(fgraph, node):
    """``(alloc variable, v, shape)`` when ``node``'s first input is an ``alloc(v, *shape)`` that
    ``node`` alone reads (and no output of the graph is): a rewrite may then rebuild the alloc
    in another form without computing the old one too. None otherwise."""
    from theano.tensor.allocation import Alloc

    a = node.inputs[0]
    if a.owner is None or not isinstance(a.owner.op, Alloc):
        return None
    if fgraph is None or len(fgraph.clients.get(a, ())) != 1 or a in fgraph.outputs:
        return None
    v, *shape = a.owner.inputs
    return a, v, shape
