"""Graph types for values that are not arrays: ``None`` (``NoneConst``) and Python slices.

``NoneConst`` stands for an argument left out (``eigvalsh(a, NoneConst)``, ``max(x, axis=NoneConst)``):
ops that take an optional input read it as ``None``. ``slicetype()`` is a variable whose value is a Python
``slice`` given when the function is called; ``make_slice(start, stop, step)`` (``MakeSlice``, Theano
1.0's) computes one from integer scalars and None. Indexing with such a variable is
``tensor/subtensor_slicevar.py``.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.type import Type
from theano.tensor.type import TensorType, _provided

__all__ = ["NoneTypeT", "none_type_t", "NoneConst", "is_none_variable", "SliceType", "slicetype",
           "SliceConstant", "MakeSlice", "make_slice"]


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


class MakeSlice(Op):
    """``make_slice(start, stop=None, step=None)``: the Python slice of three integer scalars or
    None (``make_slice(slice(a, b))`` takes the bounds of a slice). Its variable indexes tensors
    (``x[make_slice(0, i)]``, a ``SliceVarSubtensor``) and can be a function's output."""

    __props__ = ()

    def make_node(self, slc, stop=None, step=None):
        parts = [slc.start, slc.stop, slc.step] if isinstance(slc, slice) else [slc, stop, step]
        inputs = []
        for name, p in zip(("start", "stop", "step"), parts):
            if is_none_variable(p):
                inputs.append(NoneConst)
                continue
            if isinstance(p, (bool, np.bool_)) or isinstance(p, (float, np.floating)):
                raise TypeError(f"make_slice: {name} must be an integer scalar or None, got {p!r}")
            v = _provided("as_tensor_variable")(p)
            if not isinstance(v.type, TensorType) or v.ndim != 0 or \
                    v.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                    "uint64"):
                raise TypeError(f"make_slice: {name} must be an integer scalar or None, got {v} "
                                f"({v.type})")
            inputs.append(v)
        return Apply(self, inputs, [slicetype()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = slice(*(None if v is None else int(v) for v in inputs))

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def grad(self, inputs, output_grads):
        return [disconnected_type() for _ in inputs]


make_slice = MakeSlice()
