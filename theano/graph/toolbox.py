"""Theano 1.0's path ``theano.gof.toolbox``: the graph features of ``theano.graph.features``."""

from theano.graph.features import (AlreadyThere, Feature, NodeFinder,  # noqa: F401
                                   NoOutputFromInplace, PreserveNames, ReplaceValidate,
                                   ReplacementDidntRemovedError, Validator)

from theano.graph.rewriting.basic import BadOptimization  # noqa: F401,E402
from theano.graph.utils import Theano1Leftover  # noqa: E402

__all__ = ["BadOptimization", "AlreadyThere", "Feature", "NodeFinder", "NoOutputFromInplace",
           "PreserveNames", "ReplaceValidate",
           "ReplacementDidntRemovedError", "Validator"]


class PreserveVariableAttributes(Theano1Leftover):
    """Theano 1.0's feature copying variable attributes across replacements (read from Theano
    1.0 pickles; theano-ng's rewrites keep names and traces themselves)."""
