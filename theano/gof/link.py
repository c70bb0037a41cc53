"""Theano 1.0's ``theano.gof.link``: its linker classes (``theano.link.legacy``). Re-exports only."""

from theano.link.legacy import (Container, DualLinker, Linker, LocalLinker, PerformLinker,  # noqa: F401
                                WrapLinker, WrapLinkerMany)

__all__ = ["Container", "DualLinker", "Linker", "LocalLinker", "PerformLinker", "WrapLinker",
           "WrapLinkerMany"]
