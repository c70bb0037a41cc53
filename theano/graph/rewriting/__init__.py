"""Graph rewriting: the rewrite engine, the registered rewrites and their databases.

``basic.py`` holds the engine (node rewriters, the worklist, merge), ``db.py`` the database of
registered rewrites by phase and tag and ``run_rewrites``. ``optimize_graph`` is the one entry point
that ``Mode.optimize`` calls.
"""

from theano.graph.rewriting.basic import (GraphRewriter, NodeRewriter, RewriteWarning, WorklistRunner,
                                          copy_trace, graph_rewriter, merge_graph, node_rewriter)


def optimize_graph(fgraph, optimizer="fast_run", including=(), excluding=(), requiring=()):
    """Rewrite ``fgraph`` in place with the rewrites selected by the optimizer name and tags."""
    from theano.graph.rewriting.db import run_rewrites

    return run_rewrites(fgraph, optimizer, including, excluding, requiring)


__all__ = ["GraphRewriter", "NodeRewriter", "RewriteWarning", "WorklistRunner", "copy_trace",
           "graph_rewriter", "merge_graph", "node_rewriter", "optimize_graph"]
