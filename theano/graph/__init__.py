"""The graph IR: variables, apply nodes, ops, types, function graphs and rewriting."""

from theano.graph.basic import (Apply, Constant, Node, Variable, ancestors, clone, clone_get_equiv,
                                clone_replace, graph_inputs, io_toposort)
from theano.graph.fg import FunctionGraph, InconsistencyError, MissingInputError
from theano.graph.op import Op
from theano.graph.type import Generic, Type, generic
from theano.graph import graph  # the old path theano.gof.graph

__all__ = ["Apply", "Constant", "Node", "Variable", "ancestors", "clone", "clone_get_equiv",
           "clone_replace", "graph_inputs", "io_toposort", "FunctionGraph", "InconsistencyError",
           "MissingInputError", "Op", "Generic", "Type", "generic", "graph"]
