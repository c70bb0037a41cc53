"""Scalar operations mapped elementwise by theano.tensor.Elemwise."""

from theano.scalar.basic import *  # noqa: F401,F403
from theano.scalar.type import *  # noqa: F401,F403  Scalar types (float64, all_types, ...), autocast_float
from theano.scalar.type import FloatAutocaster  # noqa: F401
from theano.scalar import basic_scipy  # noqa: F401,E402  old path of the scipy-based ops
