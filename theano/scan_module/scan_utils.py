"""Theano 1.0's import path ``theano.scan_module.scan_utils``: graph comparison helpers."""

from theano.graph.basic import clone_replace, equal_computations

__all__ = ["equal_computations", "clone_replace"]
