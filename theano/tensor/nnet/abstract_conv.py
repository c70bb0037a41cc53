"""Theano's ``theano.tensor.nnet.abstract_conv`` names, re-exported from ``conv`` (no logic here)."""

from theano.tensor.nnet.conv import (Conv2d, Conv2dGradInputs, Conv2dGradWeights, Conv3d,
                                     Conv3dGradInputs, Conv3dGradWeights, conv2d,
                                     conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights,
                                     conv2d_transpose, conv3d, conv3d_grad_wrt_inputs,
                                     conv3d_grad_wrt_weights, get_conv_output_shape,
                                     get_conv_shape_1axis)

AbstractConv2d = Conv2d
AbstractConv2d_gradInputs = Conv2dGradInputs
AbstractConv2d_gradWeights = Conv2dGradWeights
AbstractConv3d = Conv3d
AbstractConv3d_gradInputs = Conv3dGradInputs
AbstractConv3d_gradWeights = Conv3dGradWeights

__all__ = ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
           "get_conv_output_shape", "get_conv_shape_1axis", "AbstractConv2d",
           "AbstractConv2d_gradInputs", "AbstractConv2d_gradWeights", "conv3d",
           "conv3d_grad_wrt_inputs", "conv3d_grad_wrt_weights", "AbstractConv3d",
           "AbstractConv3d_gradInputs", "AbstractConv3d_gradWeights"]
