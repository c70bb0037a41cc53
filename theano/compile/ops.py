"""Ops of Theano 1.0's ``theano.compile.ops``: ``as_op`` (wrap a NumPy function as an Op),
``ViewOp``/``view_op`` (the identity, its output a view of its input) and ``DeepCopyOp``/
``deep_copy_op`` (the identity as a copy that shares no memory with its input).

    @as_op(itypes=[T.dmatrix], otypes=[T.dmatrix])
    def numpy_dot(a):
        return numpy.dot(a, a)

The result is an Op instance: ``numpy_dot(x)`` builds a graph node that calls the function on the
input values. It has no gradient; ``infer_shape(node, input_shapes)`` may be given.
"""

import copy
import importlib

import numpy as np

from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.graph.type import Type
from theano.graph.utils import MethodNotDefined
from theano.tensor.basic import Rebroadcast, Shape, Shape_i  # noqa: F401  (Theano 1.0 had them here)
from theano.tensor.reshaping import SpecifyShape  # noqa: F401


class FromFunctionOp(Op):
    """An Op made from a Python function on NumPy values, with fixed input and output types."""

    __props__ = ("fn", "itypes", "otypes", "infer_shape_fn")

    def __init__(self, fn, itypes, otypes, infer_shape=None):
        if not callable(fn):
            raise TypeError(f"as_op: {fn!r} is not callable")
        self.fn = fn
        self.itypes = tuple(_as_type(t) for t in itypes)
        self.otypes = tuple(_as_type(t) for t in otypes)
        self.infer_shape_fn = infer_shape
        self.__name__ = getattr(fn, "__name__", type(self).__name__)
        self.__doc__ = getattr(fn, "__doc__", None)

    def __str__(self):
        return f"FromFunctionOp{{{self.__name__}}}"

    __repr__ = __str__

    def make_node(self, *inputs):
        if len(inputs) != len(self.itypes):
            raise TypeError(f"{self}: expected {len(self.itypes)} inputs, got {len(inputs)}")
        converted = []
        for t, v in zip(self.itypes, inputs):
            if not isinstance(v, Variable):
                v = t.make_constant(v) if hasattr(t, "make_constant") else v
            if v.type != t and hasattr(t, "convert_variable"):
                v = t.convert_variable(v) or v
            if v.type != t:
                raise TypeError(f"{self}: input of type {v.type} where {t} was declared")
            converted.append(v)
        return Apply(self, converted, [t() for t in self.otypes])

    def perform(self, node, inputs, output_storage):
        outs = self.fn(*inputs)
        if len(self.otypes) == 1:
            outs = [outs]
        if len(outs) != len(self.otypes):
            raise ValueError(f"{self}: the function returned {len(outs)} outputs, "
                             f"{len(self.otypes)} were declared")
        for storage, t, value in zip(output_storage, self.otypes, outs):
            storage[0] = t.filter(value)

    def infer_shape(self, node, input_shapes):
        if self.infer_shape_fn is None:
            raise MethodNotDefined(f"{self}.infer_shape")
        return self.infer_shape_fn(node, input_shapes)

    def __reduce__(self):
        # the decorated function's module attribute is this Op: pickle by reference to it
        module, name = getattr(self.fn, "__module__", None), getattr(self.fn, "__name__", None)
        if module is None or name is None:
            raise TypeError(f"{self}: cannot pickle an as_op of an anonymous function")
        return _load_back, (module, getattr(self.fn, "__qualname__", name))


def _as_type(t):
    """A Type, from a Type or a typed constructor (``T.dmatrix`` makes a variable when called)."""
    if isinstance(t, Type):
        return t
    if callable(t):
        var = t()
        if isinstance(var, Variable):
            return var.type
    raise TypeError(f"as_op: {t!r} is not a type")


def _load_back(module, qualname):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def as_op(itypes, otypes, infer_shape=None):
    """Decorator: turn a function of NumPy arrays into an Op with the given input/output types."""
    if not isinstance(itypes, (list, tuple)):
        itypes = [itypes]
    if not isinstance(otypes, (list, tuple)):
        otypes = [otypes]
    if infer_shape is not None and not callable(infer_shape):
        raise TypeError("as_op: infer_shape must be callable (node, input_shapes) -> output shapes")

    def make_op(fn):
        return FromFunctionOp(fn, itypes, otypes, infer_shape)

    return make_op


class _Identity(Op):
    """The identity: same type, same value; the gradient passes through unchanged."""

    __props__ = ()

    def make_node(self, x):
        if not isinstance(x, Variable):
            raise TypeError(f"{type(self).__name__} expects a symbolic variable, got {x!r}")
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return list(output_grads)

    def R_op(self, inputs, eval_points):
        return list(eval_points)


class ViewOp(_Identity):
    """``view_op(x)``: ``x`` itself; its output is declared a view of its input (``view_map``), so
    in-place rewrites treat the two as the same memory."""

    view_map = {0: [0]}

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0]


class DeepCopyOp(_Identity):
    """``deep_copy_op(x)``: a copy of ``x`` that shares no memory with it (``x.copy()``, or a
    deep copy for values without ``copy``). As in Theano 1.0, a compiled function's output that
    is one of its inputs, a view of one, a constant or shares memory with another output becomes
    this node (``FunctionMaker._copy_returned_inputs``)."""

    def perform(self, node, inputs, outputs):
        x = inputs[0]
        outputs[0][0] = np.array(x, copy=True) if isinstance(x, np.ndarray) else (
            x.copy() if hasattr(x, "copy") else copy.deepcopy(x))


class OutputGuard(ViewOp):
    """Theano 1.0's guard over a compiled function's outputs: the identity, a view of its input
    (functions pickled by Theano 1.0 hold it)."""


view_op = ViewOp()
deep_copy_op = DeepCopyOp()
_output_guard = OutputGuard()

__all__ = ["as_op", "FromFunctionOp", "ViewOp", "view_op", "DeepCopyOp", "deep_copy_op", "OutputGuard",
           "Shape", "Shape_i", "Rebroadcast", "SpecifyShape"]
