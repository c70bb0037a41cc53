"""FunctionGraph features in Theano 1.0's form (``theano.gof.toolbox``).

A feature is an object attached with ``fgraph.attach_feature(f)``; the graph calls the methods
it has: ``on_attach(fgraph)``, ``on_detach(fgraph)``, ``on_import(fgraph, node, reason)``,
``on_prune(fgraph, node, reason)`` and ``on_change_input(fgraph, node, i, old, new, reason)``.
``Feature`` is the base class with every callback doing nothing. ``ReplaceValidate`` gives the
graph Theano's ``replace_all_validate`` (replacements undone when the graph's validators refuse
them), ``NodeFinder`` gives it ``get_nodes(op)``. A feature's ``orderings(fgraph)`` (nodes that
must run before others) is honoured by ``fgraph.toposort()``.
"""

from theano.graph.fg import AlreadyThere, InconsistencyError  # noqa: F401 (Theano's toolbox names)


class Feature:
    """Base class of graph features: override the callbacks you need."""

    def on_attach(self, fgraph):
        """Called by ``attach_feature``; a feature sees the nodes already there from here."""

    def on_detach(self, fgraph):
        """Called by ``remove_feature``."""

    def on_import(self, fgraph, node, reason):
        """``node`` entered the graph."""

    def on_prune(self, fgraph, node, reason):
        """``node`` left the graph (nothing uses its outputs any more)."""

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None):
        """Input ``i`` of ``node`` (output ``i`` when ``node`` is 'output') became ``new_var``."""

    def orderings(self, fgraph):
        """Extra ordering constraints {node: [nodes before it]} (``fgraph.toposort()`` honours
        them)."""
        return {}




class ReplacementDidntRemovedError(Exception):
    """``replace_all_validate_remove`` left in the graph a node it had to remove."""


def _validate(fgraph):
    """Run every attached validator (a feature with ``validate(fgraph)``, e.g. the DestroyHandler)."""
    for f in fgraph.features:
        validate = getattr(f, "validate", None)
        if validate is not None and not isinstance(f, Validator):
            validate(fgraph)
    return True


class Validator(Feature):
    """Gives the graph ``validate()`` (raises InconsistencyError) and ``consistent()`` (a bool)."""

    pickle_rm_attr = ("validate", "consistent")

    def unpickle(self, fgraph):
        self.on_attach(fgraph)

    def on_attach(self, fgraph):
        fgraph.validate = lambda: _validate(fgraph)

        def consistent():
            try:
                _validate(fgraph)
                return True
            except InconsistencyError:
                return False

        fgraph.consistent = consistent

    def on_detach(self, fgraph):
        for attr in ("validate", "consistent"):
            fgraph.__dict__.pop(attr, None)


class ReplaceValidate(Validator):
    """Gives the graph ``replace_validate``, ``replace_all_validate`` and
    ``replace_all_validate_remove``: the replacements are made, then the graph's validators run,
    and when one refuses, the replacements are undone and its InconsistencyError is raised."""

    pickle_rm_attr = Validator.pickle_rm_attr + ("replace_all_validate", "replace_validate",
                                                 "replace_all_validate_remove")

    def on_attach(self, fgraph):
        super().on_attach(fgraph)
        fgraph.replace_all_validate = lambda replacements, reason=None, verbose=None: \
            self.replace_all_validate(fgraph, replacements, reason)
        fgraph.replace_validate = lambda r, new_r, reason=None, **kw: \
            self.replace_all_validate(fgraph, [(r, new_r)], reason)
        fgraph.replace_all_validate_remove = \
            lambda replacements, remove, reason=None, warn=True, **kw: \
            self.replace_all_validate_remove(fgraph, replacements, remove, reason)

    def on_detach(self, fgraph):
        super().on_detach(fgraph)
        for attr in ("replace_all_validate", "replace_validate", "replace_all_validate_remove"):
            fgraph.__dict__.pop(attr, None)

    def replace_all_validate(self, fgraph, replacements, reason=None):
        done = []
        try:
            for r, new_r in replacements:
                old_clients = list(fgraph.clients.get(r, ()))
                fgraph.replace(r, new_r, reason=reason)
                done.append((r, new_r, old_clients))
            _validate(fgraph)
        except Exception:
            self._undo(fgraph, done, reason)
            raise

    def replace_all_validate_remove(self, fgraph, replacements, remove, reason=None):
        self.replace_all_validate(fgraph, replacements, reason)
        left = [n for n in remove if n in fgraph.apply_nodes]
        if left:
            raise ReplacementDidntRemovedError(f"the replacements left {left} in the graph")

    @staticmethod
    def _undo(fgraph, done, reason):
        for r, new_r, old_clients in reversed(done):
            for node, i in old_clients:
                current = fgraph.outputs[i] if node == "output" else node.inputs[i]
                if current is not r and (node == "output" or node in fgraph.apply_nodes):
                    fgraph.change_input(node, i, r, reason=f"undo {reason}")


class NodeFinder(Feature):
    """Gives the graph ``get_nodes(op)``: the nodes applying ``op`` (equal ops), in graph order."""

    pickle_rm_attr = ("get_nodes",)

    def on_attach(self, fgraph):
        if getattr(fgraph, "get_nodes", None) is not None:
            raise AlreadyThere("this graph already has a NodeFinder")
        fgraph.get_nodes = lambda op: [n for n in fgraph.toposort() if n.op == op]

    def unpickle(self, fgraph):
        self.on_attach(fgraph)

    def on_detach(self, fgraph):
        fgraph.__dict__.pop("get_nodes", None)


class PreserveNames(Feature):
    """A replacement takes the name of the variable it replaces when it has none."""

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None):
        if var.name is not None and new_var.name is None:
            new_var.name = var.name


class NoOutputFromInplace(Feature):
    """Theano 1.0's feature: the graph's outputs ``first_output_idx`` to ``last_output_idx``
    (None: to the end) may not be computed by overwriting another variable in place. The in-place
    rewrites leave the nodes computing them as they are (``refuses_destroy``), and ``validate``
    refuses a graph where one is."""

    def __init__(self, first_output_idx=0, last_output_idx=None):
        self.first_idx = first_output_idx
        self.last_idx = last_output_idx

    def _protected(self, fgraph):
        return fgraph.outputs[self.first_idx:self.last_idx]

    def refuses_destroy(self, fgraph, node):
        """A reason why ``node`` may not overwrite any of its inputs, or None."""
        protected = self._protected(fgraph)
        for out in node.outputs:
            if any(out is p for p in protected):
                return (f"{out} is an output of the graph that NoOutputFromInplace keeps from "
                        "being computed in place")
        return None

    def validate(self, fgraph):
        for out in self._protected(fgraph):
            node = out.owner
            if node is None:
                continue
            if out.index in (getattr(node.op, "destroy_map", None) or {}):
                raise InconsistencyError(
                    f"A function graph feature (NoOutputFromInplace) keeps the outputs of the "
                    f"graph from being the results of in-place operations; output {out} is "
                    f"computed by {node.op}, which overwrites one of its inputs")
        return True
