"""Theano 1.0's ``theano.tensor.blas_scipy``: the BLAS ops that call SciPy's wrappers. Here every
BLAS op does (``theano.tensor.blas``), so ``ScipyGer`` is ``Ger``; ``have_fblas`` is always True."""

from theano.tensor.blas import Ger as ScipyGer

have_fblas = True

__all__ = ["ScipyGer", "have_fblas"]
