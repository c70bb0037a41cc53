"""Tensor rewrites, one module per subject. Importing this package registers them all in
``theano.graph.rewriting.db.rewrite_db``."""

from theano.tensor.rewriting import (basic, blas, elemwise, fusion, inplace, linalg,  # noqa: F401
                                     math, nnet, scattered_products, shape, stability, subtensor,
                                     uncanonicalize)
