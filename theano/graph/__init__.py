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


def __getattr__(name):
    # Theano 1.0's ``theano.gof`` (this package) also offered its optimizer API and graph features
    # (``gof.Optimizer``, ``gof.TopoOptimizer``, ``gof.toolbox``): found in the shims on first use.
    import importlib

    for mod_name in ("theano.graph.opt", "theano.graph.toolbox", "theano.graph.optdb"):
        mod = importlib.import_module(mod_name)
        if name in mod.__all__:
            return getattr(mod, name)
    if name in ("opt", "toolbox", "optdb"):
        return importlib.import_module(f"theano.graph.{name}")
    raise AttributeError(f"module 'theano.graph' has no attribute {name!r}")
