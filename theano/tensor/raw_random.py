"""Old import path ``theano.tensor.raw_random``: random functions that take and return a state."""

from theano.tensor.random.basic import *  # noqa: F401,F403
from theano.tensor.random.basic import __all__ as _basic_all
from theano.tensor.random.op import RandomVariable
from theano.tensor.random.streams import RandomStreamsBase
from theano.tensor.random.type import RandomStateType, random_state_type

RandomFunction = RandomVariable

__all__ = ["RandomStateType", "random_state_type", "RandomFunction", "RandomVariable",
           "RandomStreamsBase"] + list(_basic_all)
