"""Theano's ``theano.tensor.nnet.sigm`` names, re-exported (no logic here)."""

from theano.tensor.nnet.nnet import hard_sigmoid, sigmoid, softplus, ultra_fast_sigmoid

__all__ = ["sigmoid", "softplus", "ultra_fast_sigmoid", "hard_sigmoid"]
