"""Theano 1.0's import path for scan (``from theano.scan_module import until``): a re-export."""

from theano.scan import Scan, foldl, foldr, map, reduce, scan, until
from theano.scan_module import scan_op, scan_utils  # noqa: E402  (Theano 1.0 paths)

__all__ = ["scan", "map", "reduce", "foldl", "foldr", "until", "Scan"]
