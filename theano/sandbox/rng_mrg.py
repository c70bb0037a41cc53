"""Old import path: ``from theano.sandbox.rng_mrg import MRG_RandomStreams`` (and Theano's
``guess_n_streams`` helper for the ``nstreams`` argument)."""

from theano.tensor.random.streams import MRG_RandomStreams, guess_n_streams

__all__ = ["MRG_RandomStreams", "guess_n_streams"]
