"""How a compiled function runs: the path its backend chose for each node, fixed at compile time.

``Function.describe()`` and ``theano.printing.describe`` (the same function) print it;
``theano.printing.debugprint(f, print_path=True)`` shows the paths in the tree.
"""

import sys


def node_paths(f):
    """[(node, how it runs)] of the compiled function ``f``, in execution order ('ufunc',
    'kernel', 'numpy-fused', 'whole-graph ...', 'perform', ...)."""
    thunk = f.maker.thunk
    paths = getattr(thunk, "node_paths", None)
    if paths is None:
        return [(n, "perform") for n in f.maker.fgraph.toposort()]
    return paths


def describe(f, file=None):
    """How each node of the compiled function ``f`` runs, one line per node in execution order:
    its position, the op and the path its backend chose when ``f`` was compiled ('ufunc',
    'kernel', 'numpy-fused', 'whole-graph ...', 'perform', ...). ``file='str'`` returns the text."""
    maker = getattr(f, "maker", None)
    if maker is None or not hasattr(maker, "linker"):
        raise TypeError(f"describe needs a compiled function, not a {type(f).__name__}")
    linker = getattr(maker.linker, "name", type(maker.linker).__name__)
    lines = [f"backend: {linker}"]
    for i, (node, path) in enumerate(node_paths(f)):
        lines.append(f"{i:4d}  {node.op}  ->  {path}")
    text = "\n".join(lines)
    if file == "str":
        return text
    print(text, file=file or sys.stdout)
    return file
