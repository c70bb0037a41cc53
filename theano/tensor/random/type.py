"""Types of random generator states, and shared variables that hold one.

A random op takes a generator *state* as an input and returns the advanced state as an output; it
never advances the state it was given. Two kinds of state are supported:

- ``numpy.random.RandomState`` (``random_state_type``), what Theano's ``RandomStreams`` used;
- ``numpy.random.Generator`` (``random_generator_type``), NumPy's current generator, used by
  ``MRG_RandomStreams``.
"""

import copy

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from theano.compile.sharedvalue import SharedVariable, shared_constructor
from theano.graph.type import Type


class _BlankSeed(ISeedSequence):
    """A seed sequence of zeros: makes a bit generator without the cost of hashing OS entropy,
    for a copy whose state is overwritten right away."""

    def generate_state(self, n_words, dtype=np.uint32):
        return np.zeros(n_words, dtype=dtype)


_BLANK = _BlankSeed()


def copy_rng(rng):
    """An independent copy of a RandomState or Generator, in the same state."""
    if isinstance(rng, np.random.Generator):
        bit_gen = rng.bit_generator
        try:
            new_bit_gen = type(bit_gen)(_BLANK)
        except TypeError:  # a bit generator that does not take a seed sequence
            return copy.deepcopy(rng)
        new_bit_gen.state = bit_gen.state
        return np.random.Generator(new_bit_gen)
    if isinstance(rng, np.random.RandomState):
        state = rng.get_state(legacy=False)  # includes the cached second normal draw
        try:
            new = np.random.RandomState(np.random.MT19937(_BLANK))
            new.set_state(state)
        except (TypeError, ValueError):
            return copy.deepcopy(rng)
        return new
    return copy.deepcopy(rng)


def _rng_state(rng):
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.state
    return rng.get_state(legacy=False)


def _states_equal(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_states_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return a == b


class _RandomType(Type):
    """Base of the generator-state types: values are instances of ``value_class``."""

    value_class = None
    label = ""

    def filter(self, data, strict=False, allow_downcast=None):
        if isinstance(data, self.value_class):
            return data
        raise TypeError(
            f"{self} expects a {self.value_class.__module__}.{self.value_class.__name__}, got "
            f"{type(data).__name__} {data!r:.80}"
        )

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return self.label

    __repr__ = __str__

    def values_eq(self, a, b):
        return type(a) is type(b) and _states_equal(_rng_state(a), _rng_state(b))

    def data_signature(self, data):
        return id(data)


class RandomStateType(_RandomType):
    """The type of variables holding a ``numpy.random.RandomState``."""

    value_class = np.random.RandomState
    label = "RandomStateType"


class RandomGeneratorType(_RandomType):
    """The type of variables holding a ``numpy.random.Generator``."""

    value_class = np.random.Generator
    label = "RandomGeneratorType"


random_state_type = RandomStateType()
random_generator_type = RandomGeneratorType()


def is_random_type(t):
    return isinstance(t, _RandomType)


class RandomStateSharedVariable(SharedVariable):
    """A shared variable holding a RandomState or Generator (``theano.shared(RandomState(1))``)."""

    def get_value(self, borrow=False, return_internal_type=False):
        v = self.container.value
        return v if borrow else copy_rng(v)

    def set_value(self, new_value, borrow=False):
        try:
            v = self.type.filter(new_value)
        except TypeError as exc:
            raise TypeError(f"set_value of random state {self.name or self}: {exc}") from None
        self.container.value = v if borrow else copy_rng(v)


RandomGeneratorSharedVariable = RandomStateSharedVariable


@shared_constructor
def random_state_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                             **kwargs):
    """``theano.shared`` of a RandomState or a Generator."""
    if isinstance(value, np.random.RandomState):
        rtype = random_state_type
    elif isinstance(value, np.random.Generator):
        rtype = random_generator_type
    else:
        raise TypeError("not a random generator")
    if kwargs:
        raise TypeError(f"unexpected arguments {sorted(kwargs)} for a random state")
    return RandomStateSharedVariable(name=name, type=rtype, value=value if borrow else copy_rng(value),
                                     strict=strict, allow_downcast=allow_downcast)


__all__ = ["RandomStateType", "RandomGeneratorType", "random_state_type", "random_generator_type",
           "RandomStateSharedVariable", "copy_rng", "is_random_type"]
