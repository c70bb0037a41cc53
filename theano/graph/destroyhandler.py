"""DestroyHandlers: where an op may overwrite one of its inputs, and checks of a graph.

An op declares ``destroy_map = {output: [input, ...]}`` (the output is written into that input's
memory) and ``view_map`` (the output aliases the input's memory). Two handlers judge them:

``SafeDestroyHandler``, the one compilation and the in-place rewrites use (``get_destroy_handler``).
Overwriting a variable ``v`` for node ``n`` is safe there when nobody else can ever see the memory
of ``v``:

- ``v`` and every variable it aliases (following view_map/destroy_map back to the root buffer) is
  not an input of the graph (arguments the user passed, shared variables' storage), not a constant,
  and not an output;
- each of them has exactly one client: ``n`` for ``v``, the next view along the chain for the
  others. So no other node reads that memory, before or after ``n``, and no ordering constraint is
  needed.

This is stricter than Theano's (which orders readers before the destroyer) and simple to trust. In
particular shared variables are never overwritten: a call that raises leaves them unchanged.

``DestroyHandler``, Theano 1.0's (``theano.gof.DestroyHandler``), for graphs a program builds and
checks itself: a graph is consistent when every buffer (a variable and its views, through
``view_map``) has at most one destroyer, no destroyed buffer is a constant or a variable whose
``tag.indestructible`` is true, the destroyer reads no other alias of what it destroys (unless its
op's ``destroyhandler_tolerate_same``/``destroyhandler_tolerate_aliased`` pairs allow it), and every
other reader of the buffer can run before the destroyer (``orderings``) without a cycle. Inputs of
the graph may be destroyed (compilation protects the caller's arrays itself). A FunctionGraph
holding it runs its nodes in an order that honours these orderings (``fgraph.toposort()``).
"""

import functools

from theano.graph.basic import Constant
from theano.graph.fg import AlreadyThere, InconsistencyError


# Scalar functions whose NumPy implementation may hand back its argument itself (np.real of a real
# array, the identity): an Elemwise of them is treated as a view of its input, to be safe.
_PASS_THROUGH_SCALAR_OPS = ("identity", "real")


def _aliased_inputs(node, out_index):
    """Positions of the inputs that output ``out_index`` of ``node`` may alias."""
    op = node.op
    pos = list((getattr(op, "view_map", None) or {}).get(out_index, ()))
    pos += list((getattr(op, "destroy_map", None) or {}).get(out_index, ()))
    so = getattr(op, "scalar_op", None)
    if so is not None and getattr(so, "name", None) in _PASS_THROUGH_SCALAR_OPS:
        pos += [i for i in range(len(node.inputs)) if i not in pos]
    return pos


class SafeDestroyHandler:
    """The project's DestroyHandler (module docstring): ``fgraph.destroy_handler`` answers
    ``can_destroy`` and validates; no node ordering is ever needed."""

    def on_attach(self, fgraph):
        _attach(self, fgraph)

    def on_detach(self, fgraph):
        _detach(self, fgraph)

    def orderings(self, fgraph):
        """No node needs to run before another beyond the graph's own dependencies."""
        return {}

    # ------------------------------------------------------------------------------------------
    def _protected(self, fgraph, var):
        return var in fgraph.inputs or isinstance(var, Constant) or var.owner is None \
            or var in fgraph.outputs

    def _blocked(self, fgraph, v):
        """(why the buffer ``v`` may not be overwritten, or None; whether the walk down its
        chain of views stops at ``v``)."""
        if self._protected(fgraph, v):
            return f"{v} is an input, a constant or an output of the graph", True
        return None, False

    def why_not(self, fgraph, node, i):
        """None if ``node`` may overwrite its input ``i``, else a reason (a string)."""
        for f in fgraph.features:
            # a feature may keep a node from overwriting anything (NoOutputFromInplace)
            refuses = getattr(f, "refuses_destroy", None)
            reason = refuses(fgraph, node) if refuses is not None else None
            if reason is not None:
                return reason
        var = node.inputs[i]
        clients = fgraph.clients.get(var, ())
        if len(clients) != 1 or clients[0] != (node, i):
            return f"{var} has other clients"
        stack = [var]
        seen = set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            reason, stop = self._blocked(fgraph, v)
            if reason is not None:
                return reason
            owner = v.owner
            if stop or owner is None:
                continue
            for p in _aliased_inputs(owner, v.index):
                u = owner.inputs[p]
                if len(fgraph.clients.get(u, ())) != 1:
                    return f"{u} (aliased by {v}) has other clients"
                stack.append(u)
        return None

    def can_destroy(self, fgraph, node, i):
        return self.why_not(fgraph, node, i) is None

    def validate(self, fgraph):
        """Raise InconsistencyError if some node of ``fgraph`` overwrites memory unsafely."""
        for node in fgraph.apply_nodes:
            dm = getattr(node.op, "destroy_map", None)
            if not dm:
                continue
            for out, ins in dm.items():
                for i in ins:
                    reason = self.why_not(fgraph, node, i)
                    if reason is not None:
                        raise InconsistencyError(
                            f"{node.op} overwrites input {i} ({node.inputs[i]}) unsafely: {reason}"
                        )
        return True


def _attach(dh, fgraph):
    if getattr(fgraph, "destroy_handler", None) not in (None, dh):
        # Theano 1.0: a second DestroyHandler is not attached (attach_feature ignores it)
        raise AlreadyThere("this FunctionGraph already has a DestroyHandler")
    fgraph.destroy_handler = dh
    fgraph.destroyers = functools.partial(destroyers_of, fgraph)   # picklable, unlike a lambda


def _detach(dh, fgraph):
    if getattr(fgraph, "destroy_handler", None) is dh:
        fgraph.destroy_handler = None
        fgraph.__dict__.pop("destroyers", None)


def _indestructible(var):
    """Theano 1.0's ``var.tag.indestructible`` (without making a tag where there is none)."""
    tag = var.__dict__.get("_tag")
    return bool(getattr(tag, "indestructible", False))


def _viewed_input(node, out_index):
    """The input that output ``out_index`` of ``node`` is a view of (its view_map), or None."""
    ins = (getattr(node.op, "view_map", None) or {}).get(out_index)
    if not ins:
        return None
    if len(ins) != 1:
        raise NotImplementedError(f"{node.op}: an output may be a view of one input only "
                                  f"(view_map {node.op.view_map})")
    return node.inputs[ins[0]]


def _buffers(fgraph):
    """(root of each variable's buffer through view_map, the variables of each root's buffer)."""
    root = {}
    for var in fgraph.variables:
        chain = []
        v = var
        while v not in root:
            chain.append(v)
            parent = _viewed_input(v.owner, v.index) if v.owner is not None else None
            if parent is None:
                root[v] = v
                break
            v = parent
        r = root[v]
        for c in chain:
            root[c] = r
    members = {}
    for v, r in root.items():
        members.setdefault(r, []).append(v)
    return root, members


def _destroyed_positions(node):
    """(input position, output position) of each input ``node`` overwrites."""
    out = []
    for o, ins in (getattr(node.op, "destroy_map", None) or {}).items():
        if len(ins) != 1:
            raise NotImplementedError(f"{node.op}: an output may overwrite one input only "
                                      f"(destroy_map {node.op.destroy_map})")
        out.append((ins[0], o))
    return out


def destroyers_of(fgraph, var):
    """The nodes of ``fgraph`` that overwrite the buffer of ``var`` (Theano's
    ``fgraph.destroyers(var)``)."""
    root, _ = _buffers(fgraph)
    r = root.get(var, var)
    return [n for n in fgraph.toposort_without_orderings()
            if any(root.get(n.inputs[i]) is r for i, _ in _destroyed_positions(n))]


class DestroyHandler(SafeDestroyHandler):
    """Theano 1.0's DestroyHandler (module docstring): ``validate`` accepts a graph where the
    other readers of a destroyed buffer can run first, and ``orderings(fgraph)`` says which nodes
    must run before each destroyer; ``can_destroy``/``why_not`` (the in-place rewrites' question)
    stay the safe handler's, except that an input of the graph may be destroyed."""

    def __init__(self, do_imports_on_attach=True, algo=None):
        # Theano's arguments; the analysis here is made from the graph when asked
        self.do_imports_on_attach = do_imports_on_attach
        self.algo = algo

    def _protected(self, fgraph, var):
        return isinstance(var, Constant) or _indestructible(var) or var in fgraph.outputs

    def orderings(self, fgraph):
        """{destroyer: the other nodes that read its buffer, which must run before it}; raises
        InconsistencyError for two destroyers of one buffer, a constant or indestructible
        buffer, or a destroyer reading another alias of what it destroys."""
        destroying = [n for n in fgraph.apply_nodes if getattr(n.op, "destroy_map", None)]
        if not destroying:
            return {}
        root, members = _buffers(fgraph)
        destroyer_of = {}
        for node in destroying:
            for i, _ in _destroyed_positions(node):
                r = root[node.inputs[i]]
                if r in destroyer_of:
                    raise InconsistencyError(f"Multiple destroyers of {r}: {destroyer_of[r]} "
                                             f"and {node}")
                destroyer_of[r] = node
        bad = [r for r in destroyer_of if isinstance(r, Constant) or _indestructible(r)]
        if bad:
            raise InconsistencyError(f"Attempting to destroy indestructible variables: {bad}")
        out = {}
        for node in destroying:
            before = {}
            for i, _ in _destroyed_positions(node):
                destroyed = node.inputs[i]
                buffer = set(members[root[destroyed]])
                same = {j for a, j in getattr(node.op, "destroyhandler_tolerate_same", ()) or ()
                        if a == i} | {i}
                ignored = {j for a, j in
                           getattr(node.op, "destroyhandler_tolerate_aliased", ()) or () if a == i}
                for j, inp in enumerate(node.inputs):
                    if j in ignored:
                        continue
                    if inp in buffer and (j not in same or inp is not destroyed):
                        raise InconsistencyError(f"Input aliasing: {node} reads input {j} "
                                                 f"({inp}), an alias of its destroyed input {i}")
                for v in members[root[destroyed]]:
                    for client, _ in fgraph.clients.get(v, ()):
                        if client != "output" and client is not node:
                            before[client] = None
            if before:
                out[node] = list(before)
        return out

    def validate(self, fgraph):
        """Raise InconsistencyError if ``fgraph`` is not consistent (see ``orderings``)."""
        ords = self.orderings(fgraph)
        if ords and _has_cycle(fgraph, ords):
            raise InconsistencyError("Dependency cycle detected: a destroyed buffer is read by "
                                     "a node that needs the destroyer's result")
        return True


def _has_cycle(fgraph, extra):
    """True if the graph's dependencies with ``extra`` ({node: nodes before it}) have a cycle."""
    deps = {n: [i.owner for i in n.inputs if i.owner is not None and i.owner in fgraph.apply_nodes]
            for n in fgraph.apply_nodes}
    for n, before in extra.items():
        deps[n] = deps[n] + list(before)
    state = {}
    for start in deps:
        if start in state:
            continue
        stack = [(start, iter(deps[start]))]
        state[start] = 1
        while stack:
            n, it = stack[-1]
            for d in it:
                s = state.get(d)
                if s == 1:
                    return True
                if s is None:
                    state[d] = 1
                    stack.append((d, iter(deps[d])))
                    break
            else:
                state[n] = 2
                stack.pop()
    return False


def get_destroy_handler(fgraph):
    """The graph's DestroyHandler, attached on first use (a SafeDestroyHandler)."""
    dh = getattr(fgraph, "destroy_handler", None)
    if dh is None:
        dh = SafeDestroyHandler()
        fgraph.attach_feature(dh)
    return dh
