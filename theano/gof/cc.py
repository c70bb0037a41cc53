"""Theano 1.0's ``theano.gof.cc``: its C linkers, which run on the reference VM here
(``theano.link.legacy``). Re-exports only."""

from theano.link.legacy import CLinker, OpWiseCLinker  # noqa: F401

__all__ = ["CLinker", "OpWiseCLinker"]
