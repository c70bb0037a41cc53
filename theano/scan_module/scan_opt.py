"""Theano 1.0's import path ``theano.scan_module.scan_opt``: the scan merge rewrite object."""

from theano.scan.merge import ScanMerge

__all__ = ["ScanMerge"]
