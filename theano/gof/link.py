"""Theano 1.0's ``theano.gof.link``: its linker classes (``theano.link.legacy``). Re-exports only."""

from theano.link.legacy import (Container, Linker, LocalLinker, PerformLinker, WrapLinker,  # noqa: F401
                                WrapLinkerMany)

__all__ = ["Container", "Linker", "LocalLinker", "PerformLinker", "WrapLinker", "WrapLinkerMany"]
