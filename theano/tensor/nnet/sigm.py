"""Theano's ``theano.tensor.nnet.sigm`` names, re-exported (no logic here).

``ScalarSigmoid`` / ``ScalarSoftplus`` are Theano 1.0's names of the scalar op classes (the
``scalar_op`` of the ``sigmoid`` / ``softplus`` elementwise ops), ``scalar_sigmoid`` /
``scalar_softplus`` their instances. The multiplication-tree helpers (``parse_mul_tree``,
``compute_mul``, ``simplify_mul``, ``perform_sigm_times_exp``, ``is_1pexp``, ...) live in
``theano.tensor.nnet.mul_tree``.
"""

from theano.scalar.basic import Sigmoid as ScalarSigmoid
from theano.scalar.basic import Softplus as ScalarSoftplus
from theano.scalar.basic import UltraFastScalarSigmoid, ultra_fast_scalar_sigmoid
from theano.scalar.basic import sigmoid as scalar_sigmoid
from theano.scalar.basic import softplus as scalar_softplus
from theano.tensor.inplace import sigmoid_inplace, softplus_inplace
from theano.tensor.nnet.nnet import hard_sigmoid, sigmoid, softplus, ultra_fast_sigmoid
from theano.tensor.nnet.mul_tree import (compute_mul, is_1pexp, is_exp, is_mul, is_neg,
                                         parse_mul_tree, perform_sigm_times_exp, simplify_mul)

# Theano 1.0's switch for registering its ``local_1msigmoid`` (``1 - sigmoid(x)`` -> ``sigmoid(-x)``)
# in the canonicalize phase; it was False there, and that canonicalize-phase rewrite does not exist
# here. The same rewrite always runs in the stabilize phase (``local_one_minus_sigmoid`` of
# theano.tensor.rewriting.stability), which this flag does not control.
register_local_1msigmoid = False

__all__ = ["sigmoid", "softplus", "ultra_fast_sigmoid", "hard_sigmoid", "sigmoid_inplace",
           "softplus_inplace", "ScalarSigmoid", "ScalarSoftplus", "scalar_sigmoid",
           "scalar_softplus", "UltraFastScalarSigmoid", "ultra_fast_scalar_sigmoid",
           "compute_mul", "is_1pexp", "is_exp", "is_mul", "is_neg", "parse_mul_tree",
           "perform_sigm_times_exp", "simplify_mul"]
