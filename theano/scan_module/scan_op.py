"""Theano 1.0's import path ``theano.scan_module.scan_op``: the Scan op class (to recognise scan
nodes in a compiled graph: ``isinstance(node.op, theano.scan_module.scan_op.Scan)``)."""

from theano.scan.op import Scan

__all__ = ["Scan"]
