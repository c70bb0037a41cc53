"""Old import path: ``from theano.tensor.shared_randomstreams import RandomStreams``."""

from theano.tensor.random.streams import RandomStreams, RandomStreamsBase
from theano.tensor.random.type import (RandomStateSharedVariable, random_state_constructor as
                                       randomstate_constructor)

__all__ = ["RandomStreams", "RandomStreamsBase", "RandomStateSharedVariable",
           "randomstate_constructor"]
