"""Theano 1.0's ``theano.sparse.sandbox`` package: its ``sp2`` module holds the sparse random ops
(``Poisson``, ``Binomial``, ``Multinomial``), which ``theano.sparse`` also offers."""

from theano.sparse.sandbox import sp2  # noqa: F401
from theano.sparse.sandbox.sp2 import (  # noqa: F401
    Binomial,
    Multinomial,
    Poisson,
    binomial,
    multinomial,
    poisson,
)
