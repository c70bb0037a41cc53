"""Theano 1.0's path ``theano.gof.opt``: its graph-optimization API, which lives in
``theano.graph.rewriting.legacy`` (over the rewrite engine of ``theano.graph.rewriting``)."""

import logging  # noqa: F401  (Theano's module offered these three names)

import theano  # noqa: F401
from theano.configdefaults import config  # noqa: F401
from theano.graph.utils import Theano1Leftover
from theano.graph.rewriting.basic import NodeRewriter, GraphRewriter, merge_graph  # noqa: F401
from theano.graph.rewriting.legacy import (EquilibriumOptimizer, FromFunctionLocalOptimizer,  # noqa: F401
                                           GlobalOptimizer, LocalOptGroup, LocalOptimizer,
                                           MergeOptimizer, NavigatorOptimizer, OpKeyOptimizer,
                                           OpRemove, OpSub,
                                           Optimizer, PatternSub, Query, SeqOptimizer,
                                           TopoOptimizer, check_stack_trace, copy_stack_trace,
                                           in2out, local_optimizer, optdb, out2in,
                                           pre_constant_merge, pre_greedy_local_optimizer)

__all__ = ["EquilibriumOptimizer", "FromFunctionLocalOptimizer", "GlobalOptimizer", "LocalOptGroup",
           "LocalOptimizer", "MergeOptimizer", "NavigatorOptimizer", "OpKeyOptimizer", "OpRemove",
           "OpSub", "Optimizer",
           "PatternSub", "Query", "SeqOptimizer", "TopoOptimizer", "check_stack_trace",
           "copy_stack_trace", "in2out", "local_optimizer", "out2in", "pre_constant_merge",
           "pre_greedy_local_optimizer"]


class ChangeTracker(Theano1Leftover):
    """Theano 1.0's feature recording whether a graph changed (read from Theano 1.0 pickles)."""


class MergeFeature(Theano1Leftover):
    """Theano 1.0's bookkeeping of the merge optimizer (read from Theano 1.0 pickles)."""


class _metadict(Theano1Leftover):
    """Theano 1.0's dictionary of unhashable keys used by MergeFeature (read from pickles)."""
