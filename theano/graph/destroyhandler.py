"""DestroyHandler: decides where an op may overwrite one of its inputs, and checks a graph.

An op declares ``destroy_map = {output: [input, ...]}`` (the output is written into that input's
memory) and ``view_map`` (the output aliases the input's memory). Overwriting a variable ``v`` for
node ``n`` is safe here when nobody else can ever see the memory of ``v``:

- ``v`` and every variable it aliases (following view_map/destroy_map back to the root buffer) is
  not an input of the graph (arguments the user passed, shared variables' storage), not a constant,
  and not an output;
- each of them has exactly one client: ``n`` for ``v``, the next view along the chain for the
  others. So no other node reads that memory, before or after ``n``, and no ordering constraint is
  needed.

This is stricter than Theano's (which orders readers before the destroyer) and simple to trust. In
particular shared variables are never overwritten: a call that raises leaves them unchanged.
"""

from theano.graph.basic import Constant
from theano.graph.fg import InconsistencyError


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


class DestroyHandler:
    """A FunctionGraph feature: ``fgraph.destroy_handler`` answers ``can_destroy`` and validates."""

    def on_attach(self, fgraph):
        if getattr(fgraph, "destroy_handler", None) not in (None, self):
            raise ValueError("A FunctionGraph can have only one DestroyHandler")
        fgraph.destroy_handler = self

    def on_detach(self, fgraph):
        if getattr(fgraph, "destroy_handler", None) is self:
            fgraph.destroy_handler = None

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
            if stop:
                continue
            owner = v.owner
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


def get_destroy_handler(fgraph):
    """The graph's DestroyHandler, attached on first use."""
    dh = getattr(fgraph, "destroy_handler", None)
    if dh is None:
        dh = DestroyHandler()
        fgraph.attach_feature(dh)
    return dh
