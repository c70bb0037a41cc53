"""Old import path ``theano.sandbox.linalg.ops`` (Theano 1.0): the linear-algebra ops of
``theano.tensor.nlinalg`` and ``theano.tensor.slinalg``. Re-exports only."""

from theano.tensor.nlinalg import *  # noqa: F401,F403
from theano.tensor.nlinalg import __all__ as _nl_all
from theano.tensor.slinalg import *  # noqa: F401,F403
from theano.tensor.slinalg import __all__ as _sl_all

__all__ = sorted(set(_nl_all) | set(_sl_all))

# Theano 1.0 could run without SciPy and said here whether it had found it; it is a dependency now
imported_scipy = True
