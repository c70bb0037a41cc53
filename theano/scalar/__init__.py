"""Scalar operations mapped elementwise by theano.tensor.Elemwise."""

from theano.scalar.basic import *  # noqa: F401,F403
