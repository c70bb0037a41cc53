"""The in-place rewrite of typed lists (Theano 1.0's ``typed_list_inplace_opt``).

In the in-place phase, ``Append``, ``Extend``, ``Insert``, ``Remove`` and ``Reverse`` work on their
list itself instead of a copy where the DestroyHandler allows it: never on a function's argument
(unless given as ``theano.In(l, mutable=True)``), a shared value, a constant, an output, or a list
that something else reads. A node that the final check refuses goes back to its copying form.
"""

from theano.graph.destroyhandler import get_destroy_handler
from theano.graph.rewriting.basic import GraphRewriter, copy_trace
from theano.graph.rewriting.db import register_inplace
from theano.typed_list.basic import Append, Extend, Insert, Remove, Reverse

_INPLACE_OPS = (Append, Extend, Insert, Remove, Reverse)


def _typed_list_inplace(fgraph):
    dh = get_destroy_handler(fgraph)
    changed = 0
    for node in fgraph.toposort():
        if node not in fgraph.apply_nodes:
            continue
        op = node.op
        if not isinstance(op, _INPLACE_OPS) or op.inplace or not dh.can_destroy(fgraph, node, 0):
            continue
        new = type(op)(inplace=True)(*node.inputs)
        copy_trace(fgraph, node, [new])
        fgraph.replace(node.outputs[0], new, reason="typed_list_inplace_opt")
        if dh.why_not(fgraph, new.owner, 0) is not None:  # safety net: back to the copy
            fgraph.replace(new, type(op)()(*node.inputs), reason="inplace_revert")
        else:
            changed += 1
    dh.validate(fgraph)
    return changed


typed_list_inplace_opt = GraphRewriter(_typed_list_inplace, "typed_list_inplace_opt")
register_inplace(typed_list_inplace_opt, "inplace", "typed_list")

__all__ = ["typed_list_inplace_opt"]
