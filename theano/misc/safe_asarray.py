"""Old import path ``theano.misc.safe_asarray._asarray``."""

import numpy as np

__all__ = ["_asarray"]


def _asarray(a, dtype, order=None):
    """``numpy.asarray(a, dtype, order)`` whose result has exactly the dtype ``dtype`` ('floatX'
    means config.floatX)."""
    if str(dtype) == "floatX":
        from theano.configdefaults import config

        dtype = config.floatX
    dtype = np.dtype(dtype)
    rval = np.asarray(a, dtype=dtype, order=order)
    if rval.dtype != dtype:  # same kind under another name (e.g. int64/longlong): a view fixes it
        rval = rval.view(dtype)
    return rval
