"""Theano 1.0's path ``theano.gof.toolbox``: the graph features of ``theano.graph.features``."""

from theano.graph.features import (AlreadyThere, Feature, NodeFinder,  # noqa: F401
                                   NoOutputFromInplace, PreserveNames, ReplaceValidate,
                                   ReplacementDidntRemovedError, Validator)

from theano.graph.rewriting.basic import BadOptimization  # noqa: F401,E402

__all__ = ["BadOptimization", "AlreadyThere", "Feature", "NodeFinder", "NoOutputFromInplace",
           "PreserveNames", "ReplaceValidate",
           "ReplacementDidntRemovedError", "Validator"]
