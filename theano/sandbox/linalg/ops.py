"""Old import path ``theano.sandbox.linalg.ops`` (Theano 1.0): the linear-algebra ops of
``theano.tensor.nlinalg`` and ``theano.tensor.slinalg``. Re-exports only."""

from theano.tensor.nlinalg import *  # noqa: F401,F403
from theano.tensor.nlinalg import __all__ as _nl_all
from theano.tensor.slinalg import *  # noqa: F401,F403
from theano.tensor.slinalg import __all__ as _sl_all

__all__ = sorted(set(_nl_all) | set(_sl_all))

# Theano 1.0 could run without SciPy and said here whether it had found it; it is a dependency now
imported_scipy = True

# Theano 1.0's rewrites of this module (always registered here: theano/tensor/rewriting/linalg.py)
from theano.tensor.rewriting.linalg import (inv_as_solve, tag_solve_triangular,  # noqa: F401,E402
                                            transinv_to_invtrans)
