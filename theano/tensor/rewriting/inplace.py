"""The in-place phase: ops that can overwrite an input do so where the DestroyHandler says it is
safe (never graph inputs, shared variables' storage, constants, outputs, or memory someone else
reads). It runs last, after fusion."""

from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.rewriting.basic import GraphRewriter, copy_trace
from theano.graph.rewriting.db import register_inplace
from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1
from theano.tensor.blas import Gemm, Gemv, Ger
from theano.tensor.elemwise import Elemwise
from theano.tensor.subtensor import IncSubtensor


def _elemwise_inplace(fgraph, dh, node):
    op = node.op
    if op.inplace_pattern:
        return None
    pattern = {}
    used = set()
    for o, out in enumerate(node.outputs):
        for i, inp in enumerate(node.inputs):
            if i in used or inp.type != out.type:
                continue
            if dh.can_destroy(fgraph, node, i):
                pattern[o] = i
                used.add(i)
                break
    if not pattern:
        return None
    return Elemwise(op.scalar_op, pattern)(*node.inputs, return_list=True)


def _inc_subtensor_inplace(fgraph, dh, node):
    op = node.op
    if getattr(op, "inplace", True) or not dh.can_destroy(fgraph, node, 0):
        return None
    kwargs = {"inplace": True, "set_instead_of_inc": op.set_instead_of_inc}
    if hasattr(op, "idx_list") and "idx_list" in type(op).__props__:
        new_op = type(op)(op.idx_list, **kwargs)
    else:
        new_op = type(op)(**kwargs)
    return new_op(*node.inputs, return_list=True)


def _gemm_inplace(fgraph, dh, node):
    op = node.op
    if not isinstance(op, (Gemm, Gemv, Ger)) or op.inplace or not dh.can_destroy(fgraph, node, 0):
        return None
    return type(op)(inplace=True)(*node.inputs, return_list=True)


def _handlers():
    handlers = [(Elemwise, _elemwise_inplace)]
    for cls in (IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor):
        if "inplace" in getattr(cls, "__props__", ()):
            handlers.append((cls, _inc_subtensor_inplace))
    handlers.append(((Gemm, Gemv, Ger), _gemm_inplace))
    return handlers


def make_inplace(fgraph):
    """Turn ops in-place where safe; returns how many nodes changed."""
    dh = get_destroy_handler(fgraph)
    handlers = _handlers()
    changed = 0
    made = {}
    for node in fgraph.toposort():
        if node not in fgraph.apply_nodes:
            continue
        for cls, fn in handlers:
            if not isinstance(node.op, cls):
                continue
            new_outs = fn(fgraph, dh, node)
            if new_outs is None:
                break
            if any(n.type != o.type for n, o in zip(new_outs, node.outputs)):
                break
            copy_trace(fgraph, node, new_outs)
            for o, n in zip(node.outputs, new_outs):
                if o in fgraph.clients:
                    fgraph.replace(o, n, reason="inplace")
            made[new_outs[0].owner] = node
            changed += 1
            break
    _revert_unsafe(fgraph, dh, made)
    return changed


def _revert_unsafe(fgraph, dh, made):
    """Safety net: a node made in-place that the final check refuses goes back to its old op."""
    for new_node, old_node in made.items():
        if new_node not in fgraph.apply_nodes:
            continue
        bad = any(dh.why_not(fgraph, new_node, i) is not None
                  for ins in new_node.op.destroy_map.values() for i in ins)
        if bad:
            outs = old_node.op(*new_node.inputs, return_list=True)
            for o, n in zip(new_node.outputs, outs):
                if o in fgraph.clients:
                    fgraph.replace(o, n, reason="inplace_revert")
    dh.validate(fgraph)


inplace_rewriter = GraphRewriter(make_inplace, "inplace_elemwise")
register_inplace(inplace_rewriter, "inplace", "inplace_elemwise_optimizer")  # Theano 1.0's name
