"""Theano 0.7's ``theano.tensor.signal.downsample`` names, re-exported from ``pool`` (no logic)."""

from theano.tensor.signal.pool import (DownsampleFactorMaxGradGrad, MaxPoolGrad, Pool,
                                       max_pool_2d_same_size, pool_2d)


def max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode="max"):
    """Old name of ``pool_2d`` (``ds``/``st``/``padding`` are ``ws``/``stride``/``pad``)."""
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st, pad=padding, mode=mode)


DownsampleFactorMax = Pool

__all__ = ["max_pool_2d", "max_pool_2d_same_size", "pool_2d", "DownsampleFactorMax", "Pool",
           "MaxPoolGrad", "DownsampleFactorMaxGradGrad"]
