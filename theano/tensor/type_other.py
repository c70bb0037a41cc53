"""Graph types for values that are not arrays: ``None`` (``NoneConst``) and Python slices.

``NoneConst`` stands for an argument left out (``eigvalsh(a, NoneConst)``, ``max(x, axis=NoneConst)``):
ops that take an optional input read it as ``None``. ``slicetype()`` is a variable whose value is a Python
``slice`` given when the function is called (no op of this package computes or consumes slices
yet: indexing takes Python slices of ints and scalar tensors).
"""

import numpy as np

from theano.graph.basic import Constant, Variable
from theano.graph.type import Type

__all__ = ["NoneTypeT", "none_type_t", "NoneConst", "is_none_variable", "SliceType", "slicetype",
           "SliceConstant"]


class NoneTypeT(Type):
    """The type whose only value is ``None``."""

    def filter(self, data, strict=False, allow_downcast=None):
        if data is not None:
            raise TypeError(f"{self} only holds None, got {data!r}")
        return None

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "none"

    __repr__ = __str__


none_type_t = NoneTypeT()

# the constant None of a graph: ``NoneConst.equals(Constant(NoneTypeT(), None))`` holds
NoneConst = Constant(none_type_t, None, name="NoneConst")


def is_none_variable(x):
    """True for ``None`` itself and for any variable of ``NoneTypeT`` (``NoneConst`` and clones)."""
    return x is None or isinstance(x, Variable) and isinstance(x.type, NoneTypeT)


class SliceType(Type):
    """The type of Python ``slice`` objects (with int or None bounds)."""

    def filter(self, data, strict=False, allow_downcast=None):
        if not isinstance(data, slice):
            raise TypeError(f"{self} holds Python slices, got {data!r}")
        for part in (data.start, data.stop, data.step):
            if part is not None and not isinstance(part, (int, np.integer)) or isinstance(part, bool):
                raise TypeError(f"{self}: slice bounds must be ints or None, got {data!r}")
        return data

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "slice"

    __repr__ = __str__

    def data_signature(self, data):
        return (data.start, data.stop, data.step)


class SliceConstant(Constant):
    """A constant Python slice (its signature is its three bounds, so equal slices merge)."""

    def __init__(self, type, data, name=None):
        if isinstance(data, slice):
            data = slice(*(None if p is None else int(p) for p in (data.start, data.stop, data.step)))
        super().__init__(type, data, name)

    def __str__(self):
        d = self.data
        return self.name or f"slice({d.start}, {d.stop}, {d.step})"


SliceType.constant_type = SliceConstant
slicetype = SliceType()
