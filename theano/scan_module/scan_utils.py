"""Theano 1.0's import path ``theano.scan_module.scan_utils``: graph comparison helpers and
``map_variables`` (theano/scan/map_variables.py)."""

from theano.graph.basic import clone_replace, equal_computations
from theano.scan.map_variables import map_variables

__all__ = ["equal_computations", "clone_replace", "map_variables"]
