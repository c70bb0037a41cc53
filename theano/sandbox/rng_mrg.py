"""Old import path: ``from theano.sandbox.rng_mrg import MRG_RandomStreams``."""

from theano.tensor.random.streams import MRG_RandomStreams

__all__ = ["MRG_RandomStreams"]
