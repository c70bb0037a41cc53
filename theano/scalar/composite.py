"""Theano 1.0's import path ``theano.scalar.composite`` (a compatibility shim): ``Composite``, the
fused elementwise op, lives with the fusion rewrite that makes it, in
``theano/tensor/rewriting/composite.py`` (its inner graph holds Elemwise nodes on 0-d tensors).
``theano.scalar.Composite`` (``theano/scalar/graph_composite.py``) is the one users build from
scalar variables; ``isinstance(op, theano.scalar.Composite)`` holds for both."""

from theano.tensor.rewriting.composite import Composite, composite_from_nodes

__all__ = ["Composite", "composite_from_nodes"]
