"""Old import path ``theano.sandbox.linalg``: the linear-algebra ops, now in ``theano.tensor.nlinalg``
and ``theano.tensor.slinalg``."""

from theano.tensor.nlinalg import *  # noqa: F401,F403
from theano.tensor.nlinalg import __all__ as _nl_all
from theano.tensor.slinalg import *  # noqa: F401,F403
from theano.tensor.slinalg import __all__ as _sl_all

__all__ = sorted(set(_nl_all) | set(_sl_all))
