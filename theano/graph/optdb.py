"""Theano 1.0's path ``theano.gof.optdb``: its optimizer databases, which live in
``theano.graph.rewriting.legacy`` (their entries go to the rewrite database's phases)."""

from theano.graph import opt  # noqa: F401  (Theano 1.0's ``from theano.gof.optdb import opt``)
from theano.graph.rewriting.legacy import (DB, EquilibriumDB, LocalGroupDB, Query,  # noqa: F401
                                           SequenceDB)

__all__ = ["DB", "EquilibriumDB", "LocalGroupDB", "Query", "SequenceDB"]
