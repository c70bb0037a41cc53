"""Theano 1.0's ``theano.tensor.blas_c``: the BLAS ops with C implementations (``CGemv``,
``CGer``). theano-ng has no C backend and every BLAS op calls SciPy's BLAS wrappers
(``theano.tensor.blas``), so ``CGemv`` is ``Gemv`` and ``CGer`` is ``Ger``: code that names the
C classes (``isinstance(node.op, blas_c.CGemv)``, ``CGemv(inplace=False)``) gets the one class
that runs here."""

from theano.tensor.blas import Gemv as CGemv
from theano.tensor.blas import Ger as CGer

__all__ = ["CGemv", "CGer"]
