"""Scalar operations mapped elementwise by theano.tensor.Elemwise."""

from theano.scalar.basic import *  # noqa: F401,F403
from theano.scalar.type import *  # noqa: F401,F403  Scalar types (float64, all_types, ...), autocast_float
from theano.scalar.type import FloatAutocaster  # noqa: F401
