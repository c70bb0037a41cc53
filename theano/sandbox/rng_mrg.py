"""Old import path of Theano's MRG31k3p random streams: ``from theano.sandbox.rng_mrg import
MRG_RandomStreams``, with the op and helpers Theano's module had (``mrg_uniform``, ``DotModulo``,
``multMatVect``, ``matVecModM``, ``ff_2p72``, ``ff_2p134``, ``guess_n_streams``, the moduli ``M1`` and ``M2``).
The code is in ``theano/tensor/random/mrg.py`` and ``theano/tensor/random/streams.py``."""

from theano.tensor.random.mrg import (M1, M2, ChoiceFromUniform, DotModulo,
                                      MultinomialFromUniform, ff_2p72, ff_2p134, matVecModM,
                                      mrg_uniform, multMatVect)
from theano.tensor.random.streams import MRG_RandomStreams, guess_n_streams

__all__ = ["MRG_RandomStreams", "guess_n_streams", "mrg_uniform", "DotModulo", "multMatVect", "matVecModM",
           "ff_2p72", "ff_2p134", "M1", "M2", "MultinomialFromUniform", "ChoiceFromUniform"]
