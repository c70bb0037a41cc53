"""Theano 1.0's import path ``theano.gof.null_type``: the type of undefined gradients."""

from theano.gradient import NullType

null_type = NullType()

__all__ = ["NullType", "null_type"]
