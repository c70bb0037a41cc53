"""Theano 1.0's import path for scan (``from theano.scan_module import until``): a re-export."""

from theano.scan import Scan, foldl, foldr, map, reduce, scan, scan_checkpoints, until
from theano.scan_module import scan_op as scan_op  # Theano 1.0 paths
from theano.scan_module import scan_opt as scan_opt
from theano.scan_module import scan_utils as scan_utils

__all__ = ["scan", "map", "reduce", "foldl", "foldr", "until", "Scan", "scan_checkpoints"]
