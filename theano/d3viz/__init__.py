"""Interactive HTML views of graphs (Theano 1.0's ``theano.d3viz``).

``theano.d3viz.d3viz(f, 'graph.html')`` writes a self-contained page (no network access needed)
showing the graph of the compiled function ``f``: op names, types, static shapes and, when ``f``
was compiled with ``profile=True`` and called, each node's time. ``d3write`` writes the Graphviz
DOT text of the same graph.
"""

from theano.d3viz.d3viz import d3viz, d3write, page_html

__all__ = ["d3viz", "d3write", "page_html"]
