"""Theano 1.0's import path ``theano.scalar.composite`` (a compatibility shim): ``Composite``, the
fused elementwise op, lives with the fusion rewrite that makes it, in
``theano/tensor/rewriting/composite.py``."""

from theano.tensor.rewriting.composite import Composite, composite_from_nodes

__all__ = ["Composite", "composite_from_nodes"]
