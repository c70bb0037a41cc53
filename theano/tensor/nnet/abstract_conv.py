"""Theano's ``theano.tensor.nnet.abstract_conv`` names, re-exported from ``conv`` (no logic here)."""

from theano.tensor.nnet.conv import (Conv2d, Conv2dGradInputs, Conv2dGradWeights, conv2d,
                                     conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights,
                                     conv2d_transpose, get_conv_output_shape, get_conv_shape_1axis)

AbstractConv2d = Conv2d
AbstractConv2d_gradInputs = Conv2dGradInputs
AbstractConv2d_gradWeights = Conv2dGradWeights

__all__ = ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
           "get_conv_output_shape", "get_conv_shape_1axis", "AbstractConv2d",
           "AbstractConv2d_gradInputs", "AbstractConv2d_gradWeights"]
