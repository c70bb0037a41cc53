"""Old import path ``theano.tensor.opt_uncanonicalize``: Theano 1.0's uncanonicalize rewrites,
which live in ``theano.tensor.rewriting.uncanonicalize`` (and, for ``local_dimshuffle_alloc``,
``theano.tensor.rewriting.elemwise``)."""

from theano.tensor.rewriting.elemwise import local_dimshuffle_alloc
from theano.tensor.rewriting.uncanonicalize import (local_alloc_dimshuffle, local_dimshuffle_subtensor,
                                                    local_max_and_argmax, local_max_to_min,
                                                    local_reshape_dimshuffle)

__all__ = ["local_alloc_dimshuffle", "local_dimshuffle_alloc", "local_dimshuffle_subtensor",
           "local_max_and_argmax", "local_max_to_min", "local_reshape_dimshuffle"]
