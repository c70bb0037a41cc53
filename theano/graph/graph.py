"""Old import path ``theano.gof.graph`` (Theano 1.0): graph walks used by programs that inspect
their graphs, e.g. ``theano.gof.graph.inputs([cost])`` to list the parameters a cost depends on."""

from theano.graph.basic import (Apply, Constant, Node, Variable, ancestors, applys_between, as_string,
                                clone, clone_get_equiv, equal_computations, general_toposort,
                                graph_inputs, io_connection_pattern, io_toposort,
                                is_in_ancestors, is_same_graph, list_of_nodes,
                                stack_search, variables_and_orphans, view_roots)

inputs = graph_inputs


def variables(i, o):
    """The variables between inputs ``i`` and outputs ``o`` (both included)."""
    return variables_and_orphans(i, o)[0]


def orphans(i, o):
    """The roots ``o`` depends on that are not in ``i`` (constants, shared variables, ...)."""
    return variables_and_orphans(i, o)[1]


def ops(i, o):
    """The Apply nodes between inputs ``i`` and outputs ``o``."""
    return list(applys_between(i, o))


__all__ = ["Apply", "Constant", "Node", "Variable", "ancestors", "as_string", "clone", "clone_get_equiv",
           "equal_computations", "general_toposort", "is_same_graph",
           "inputs", "io_connection_pattern", "io_toposort", "stack_search", "is_in_ancestors",
           "list_of_nodes", "ops", "orphans",
           "variables", "variables_and_orphans", "view_roots"]
