"""Helpers of the scan tests: the mode a test parameter names and the one Scan node of a
compiled function."""

import theano
from theano.scan.op import Scan


def mode_of(name):
    """None (the default mode) or, for "py", the reference VM."""
    return theano.Mode(linker="py") if name == "py" else None


def scan_node(f):
    """The compiled function's only Scan node."""
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    return node
