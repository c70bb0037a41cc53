"""Which arguments a compiled function may overwrite: explicit in-place ops in a user's graph
(``theano.function(..., accept_inplace=True)``) and ``In(x, mutable=True)``.

Theano 1.0's contract, kept here:

- a graph given to ``theano.function`` may hold ops that overwrite an input of the function
  (``destroy_map``: ``theano.tensor.inplace.add_inplace`` and friends,
  ``IncSubtensor(inplace=True)``, ...) only with ``accept_inplace=True``; otherwise building the
  function raises ``TypeError``. (Theano 1.0 refused any in-place op there; one that overwrites
  an intermediate result is accepted here: it endangers nothing the caller holds.)
- an argument given as ``In(x, mutable=True)`` (with no update: a state must survive a failing
  call) may be overwritten by the optimizer's in-place rewrites;
- with ``accept_inplace=True``, an explicit argument of the function that such an op overwrites
  (directly or through views of it) may be overwritten by the call: the caller gave that array
  up;
- no other argument, no shared variable's storage and no constant is ever overwritten.

How the graph is made safe (``allow_explicit_inplace`` before the rewrites, ``repair`` after):
a node that overwrites a buffer the rules above protect, or a buffer something else still reads
(another client, an output of the graph), gets a copy of that input of its own (``DeepCopyOp``),
so it overwrites the copy. The result is the same; only the caller's array is then left intact.
``repair`` runs again after the rewrites, since a rewrite may wire an in-place node to a buffer
it must not overwrite.

Calls (``theano.compile.function``): an argument the graph may overwrite is copied first when it
is read-only, is the input's default value, or shares memory with another argument or a shared
variable's value (two names for one buffer would see the write).
"""

from theano.compile.ops import deep_copy_op
from theano.graph.basic import Constant
from theano.graph.destroyhandler import SafeDestroyHandler


class InputsDestroyHandler(SafeDestroyHandler):
    """The project's DestroyHandler, except that the graph inputs in ``allowed`` may be
    overwritten (by the one node that reads them; they stay protected if they are outputs)."""

    def __init__(self, allowed=()):
        self.allowed = set(allowed)

    def _blocked(self, fgraph, v):
        # an allowed input may be overwritten (the walk stops there) unless it is also an output
        if v in self.allowed:
            return (f"{v} is an output of the graph" if v in fgraph.outputs else None), True
        return super()._blocked(fgraph, v)

def destroying_nodes(fgraph):
    """The nodes of ``fgraph`` whose op overwrites one of its inputs, in graph order."""
    return [n for n in fgraph.toposort() if getattr(n.op, "destroy_map", None)]


def _buffer_roots(var):
    """The variables whose memory ``var`` is (following view_map and destroy_map back)."""
    roots, stack, seen = [], [var], set()
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        owner = v.owner
        if owner is None:
            roots.append(v)
            continue
        op = owner.op
        pos = list((getattr(op, "view_map", None) or {}).get(v.index, ()))
        pos += list((getattr(op, "destroy_map", None) or {}).get(v.index, ()))
        if not pos:
            roots.append(v)
        stack.extend(owner.inputs[p] for p in pos)
    return roots


def allow_explicit_inplace(fgraph, n_explicit, accept_inplace, mutable=()):
    """Check and prepare the in-place ops of a new function graph (see the module docstring).

    ``n_explicit``: how many of ``fgraph.inputs`` are explicit arguments (the rest are shared
    variables); ``mutable``: positions of explicit inputs the caller gives up
    (``In(x, mutable=True)``), which the optimizer's in-place ops may then overwrite too.
    Attaches an ``InputsDestroyHandler`` when the graph has in-place ops or mutable inputs;
    ``destroyed_inputs`` tells, after the rewrites, which arguments a call overwrites.
    """
    nodes = destroying_nodes(fgraph)
    if not nodes and not mutable:
        return
    explicit = set(fgraph.inputs[:n_explicit])
    candidates = {fgraph.inputs[k] for k in mutable}
    for node in nodes:
        for i in sorted({i for ins in node.op.destroy_map.values() for i in ins}):
            roots = _buffer_roots(node.inputs[i])
            if not accept_inplace and any(r in fgraph.inputs or isinstance(r, Constant)
                                          for r in roots):
                raise TypeError(
                    f"Graph must not contain inplace operations: {node.op} overwrites its input "
                    f"{node.inputs[i]}, which is (a view of) an input or a constant of the "
                    "function. Pass accept_inplace=True to theano.function to let each call "
                    "overwrite the array given for such an argument, or use the op's ordinary "
                    "(not in-place) form."
                )
            candidates.update(r for r in roots if r in explicit)
    fgraph.attach_feature(InputsDestroyHandler(candidates))
    repair(fgraph)


def destroyed_inputs(fgraph, n_explicit):
    """Positions of the explicit inputs that the (rewritten) graph overwrites."""
    dh = fgraph.get_feature(InputsDestroyHandler)
    if dh is None:
        return ()
    return tuple(k for k, v in enumerate(fgraph.inputs[:n_explicit])
                 if v in dh.allowed and _is_destroyed(fgraph, v))


def _is_destroyed(fgraph, root):
    for node in destroying_nodes(fgraph):
        for ins in node.op.destroy_map.values():
            if any(root in _buffer_roots(node.inputs[i]) for i in ins):
                return True
    return False


def repair(fgraph):
    """Give each in-place node that would overwrite memory unsafely (by the graph's
    DestroyHandler, which ``allow_explicit_inplace`` attached) a private copy of that input.
    Returns how many copies were inserted."""
    dh = fgraph.destroy_handler
    count = 0
    for node in destroying_nodes(fgraph):
        for i in sorted({i for ins in node.op.destroy_map.values() for i in ins}):
            if dh.why_not(fgraph, node, i) is None:
                continue
            fgraph.change_input(node, i, deep_copy_op(node.inputs[i]), reason="inplace_repair")
            count += 1
    return count
