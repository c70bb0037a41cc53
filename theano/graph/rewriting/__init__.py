"""Graph rewriting: the registered rewrites, their databases, and ``optimize_graph``.

The engine and the rewrites live in this package (see ``db.py``); ``optimize_graph`` is the one entry
point that ``Mode.optimize`` calls.
"""


def optimize_graph(fgraph, optimizer="fast_run", including=(), excluding=(), requiring=()):
    """Rewrite ``fgraph`` in place with the rewrites selected by the optimizer name and tags."""
    try:
        from theano.graph.rewriting.db import run_rewrites
    except ImportError:
        return fgraph
    return run_rewrites(fgraph, optimizer, including, excluding, requiring)
