"""theano.tensor.nnet: activations, softmax, cross-entropies, conv2d/conv3d, batch normalization.

Submodules: ``nnet`` (softmax and costs), ``conv`` (conv2d, conv3d and their gradient ops),
``abstract_conv`` (Theano's name for the same), ``bn`` (batch normalization), ``neighbours``
(images2neibs), ``sigm`` (with ``mul_tree``, Theano's multiplication-tree helpers), ``blocksparse``
(block-sparse products: sparse_block_dot).
"""

from theano.tensor.nnet.nnet import *  # noqa: F401,F403
from theano.tensor.nnet.nnet import __all__ as _nnet_all
from theano.tensor.nnet.nnet import confusion_matrix
from theano.tensor.nnet.prepend import (Prepend_scalar_constant_to_each_row,
                                        Prepend_scalar_to_each_row, prepend_0_to_each_row,
                                        prepend_1_to_each_row, prepend_scalar_to_each_row)
from theano.tensor.nnet.conv import (conv2d, conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights,
                                     conv2d_transpose, conv3d, Conv2d, Conv2dGradInputs,
                                     Conv2dGradWeights, Conv3d, Conv3dGradInputs, Conv3dGradWeights)
from theano.tensor.nnet.bn import (batch_normalization, batch_normalization_test,
                                   batch_normalization_train)
from theano.tensor.nnet.sigm import (ScalarSigmoid, ScalarSoftplus, scalar_sigmoid,
                                     scalar_softplus, sigmoid_inplace, softplus_inplace)
from theano.tensor.nnet.abstract_conv import separable_conv2d, separable_conv3d
from theano.tensor.nnet import (abstract_conv, blocksparse, bn, conv, conv3d2d, ctc,  # noqa: F401
                                 neighbours, nnet, sigm)

__all__ = list(_nnet_all) + ["conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights",
                             "conv2d_transpose", "Conv2d", "Conv2dGradInputs", "Conv2dGradWeights",
                             "conv3d", "Conv3d", "Conv3dGradInputs", "Conv3dGradWeights",
                             "batch_normalization", "batch_normalization_train",
                             "batch_normalization_test", "confusion_matrix",
                             "Prepend_scalar_constant_to_each_row", "Prepend_scalar_to_each_row",
                             "prepend_0_to_each_row", "prepend_1_to_each_row",
                             "prepend_scalar_to_each_row", "sigmoid_inplace", "softplus_inplace",
                             "ScalarSigmoid", "ScalarSoftplus", "scalar_sigmoid", "scalar_softplus",
                             "separable_conv2d", "separable_conv3d"]


def _load_rewrites():
    # the rewrites of the 1-hot cross-entropy of a vector's softmax (nnet/rewrites.py) load when a
    # graph is first rewritten, as the other tensor rewrites do
    import theano.tensor.nnet.rewrites  # noqa: F401


from theano.graph.rewriting.db import register_rewrite_loader as _register_rewrite_loader  # noqa: E402

_register_rewrite_loader(_load_rewrites)
