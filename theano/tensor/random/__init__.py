"""Random numbers in graphs: generator-state types, the random ops, and random streams.

``RandomStreams`` (also ``theano.tensor.shared_randomstreams.RandomStreams``) and
``MRG_RandomStreams`` (also ``theano.sandbox.rng_mrg.MRG_RandomStreams``) are what programs use; the
functions of ``basic`` (also ``theano.tensor.raw_random``) take and return generator states.
"""

from theano.tensor.random.type import (RandomGeneratorType, RandomStateSharedVariable,
                                       RandomStateType, random_generator_type, random_state_type)
from theano.tensor.random.op import RandomVariable
from theano.tensor.random.basic import *  # noqa: F401,F403
from theano.tensor.random.basic import __all__ as _basic_all
from theano.tensor.random.streams import MRG_RandomStreams, RandomStreams, RandomStreamsBase

__all__ = ["RandomStateType", "RandomGeneratorType", "random_state_type", "random_generator_type",
           "RandomStateSharedVariable", "RandomVariable", "RandomStreams", "RandomStreamsBase",
           "MRG_RandomStreams"] + list(_basic_all)
