"""The ops of typed lists (Theano 1.0's ``theano.typed_list.basic``) and their variables.

Each op returns a new list unless it is the in-place form (``inplace=True``) that the in-place
rewrite (``typed_list_inplace_opt``, theano/typed_list/rewriting.py) chooses where the list may be
overwritten; a list output holds the very element arrays of its inputs, which ``view_map`` says so
that the DestroyHandler never lets anyone overwrite an argument through a list.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type, grad_undefined
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType
from theano.tensor.type_other import SliceType, slicetype
from theano.typed_list.type import TypedListType


# -- variables ------------------------------------------------------------------------------------
class _TypedListMethods:
    """The list methods of a typed-list variable; each builds the op of the same name. (Not
    ``index``: a variable's ``index`` is its position among its node's outputs, as in Theano 1.0;
    ``l.ind(x)``, as in Theano 1.0, gives the position of ``x`` in ``l``.)"""

    def __getitem__(self, index):
        return getitem(self, index)

    def __len__(self):
        # Theano 1.0 answered a symbolic length here; Python's len() needs an int, so only
        # x.__len__() (and length(x)) give the symbolic one
        return length(self)

    def append(self, toAppend):
        return append(self, toAppend)

    def extend(self, toAppend):
        return extend(self, toAppend)

    def insert(self, index, toInsert):
        return insert(self, index, toInsert)

    def remove(self, toRemove):
        return remove(self, toRemove)

    def reverse(self):
        return reverse(self)

    def count(self, elem):
        return count(self, elem)

    def ind(self, elem):
        """``l.index(elem)`` of a Python list (the name ``index`` is taken, see above)."""
        return index_(self, elem)

    @property
    def ttype(self):
        return self.type.ttype

    @property
    def dtype(self):
        return self.type.ttype.dtype

    @property
    def ndim(self):
        return self.type.ttype.ndim


class TypedListVariable(_TypedListMethods, Variable):
    """A symbolic typed list (``TypedListType(ttype)('l')``)."""


class TypedListConstant(_TypedListMethods, Constant):
    """A constant typed list; equal lists (element by element) merge."""

    def signature(self):
        return (self.type, self.type.data_signature(self.data))


TypedListType.variable_type = TypedListVariable
TypedListType.constant_type = TypedListConstant


# -- helpers --------------------------------------------------------------------------------------
def _as_list(x):
    if isinstance(x, Variable):
        if not isinstance(x.type, TypedListType):
            raise TypeError(f"expected a typed list (a variable of TypedListType), got {x} of type "
                            f"{x.type}")
        return x
    raise TypeError(f"expected a typed list variable, got {type(x).__name__} {x!r}")


def _as_element(lst, x):
    """``x`` as a variable of the element type of the list ``lst`` (a TypeError otherwise)."""
    ttype = lst.type.ttype
    if not isinstance(x, Variable):
        if isinstance(ttype, TensorType):
            x = as_tensor_variable(x)
            if x.type != ttype and x.ndim == ttype.ndim:
                x = ttype.filter_variable(ttype.filter(x.data, allow_downcast=True)) \
                    if isinstance(x, Constant) else x
        else:
            x = ttype.filter_variable(x)
    if x.type == ttype:
        return x
    conv = ttype.convert_variable(x)
    if conv is None:
        raise TypeError(f"the elements of {lst} ({lst.type}) have type {ttype}; got {x} of type "
                        f"{x.type}")
    return conv


def _as_int(i, what="index"):
    """``i`` as a 0-d integer tensor variable."""
    if isinstance(i, (bool, np.bool_)):
        raise TypeError(f"a typed list's {what} must be an integer, got {i!r}")
    v = as_tensor_variable(i)
    if v.ndim != 0 or not v.dtype.startswith(("int", "uint")):
        raise TypeError(f"a typed list's {what} must be a 0-d integer tensor or an int, got {i!r}"
                        f" of type {getattr(v, 'type', type(i))}")
    return v


def _zeros(x):
    """A value like ``x`` (an array or a nested list of arrays) filled with zeros."""
    if isinstance(x, list):
        return [_zeros(e) for e in x]
    return np.zeros_like(x)


def _add(a, b):
    if isinstance(a, list):
        if len(a) != len(b):
            raise ValueError(f"adding the gradients of a typed list: lengths {len(a)} and {len(b)}")
        return [_add(x, y) for x, y in zip(a, b)]
    return a + b


def _insert_position(i, n):
    """Where ``list.insert(i, v)`` puts ``v`` in a list of length ``n``."""
    return max(0, min(n, i + n if i < 0 else i))


class _ListOp(Op):
    """Base of the ops that may work in place on their first input (a list)."""

    __props__ = ("inplace",)
    # positions of the inputs whose elements the output list holds, besides the list itself
    _element_inputs = ()

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}
            if self._element_inputs:
                self.view_map = {0: list(self._element_inputs)}
        else:
            self.view_map = {0: [0, *self._element_inputs]}

    def _start(self, x):
        return x if self.inplace else list(x)

    def __str__(self):
        return f"{type(self).__name__}{'{inplace}' if self.inplace else ''}"


# -- the ops --------------------------------------------------------------------------------------
class GetItem(Op):
    """``l[i]`` (an element) or ``l[a:b:c]`` (a list), with an int, a 0-d integer tensor, a Python
    slice or a slice variable (``theano.tensor.type_other.SliceType``).

    Gradient: to the list (a list of zeros with the output gradient at ``i``, or at the positions
    of the slice); none to the index (an integer).
    """

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, index):
        x = _as_list(x)
        if isinstance(index, slice):
            index = slicetype.make_constant(index)
        if isinstance(index, Variable) and isinstance(index.type, SliceType):
            return Apply(self, [x, index], [x.type()])
        if isinstance(index, Variable) and not isinstance(index.type, TensorType):
            raise TypeError(f"GetItem: the index must be an int, a 0-d integer tensor or a slice, "
                            f"got {index} of type {index.type}")
        index = _as_int(index)
        return Apply(self, [x, index], [x.type.ttype()])

    def perform(self, node, inputs, outputs):
        x, index = inputs
        if isinstance(index, slice):
            outputs[0][0] = x[index]
        else:
            outputs[0][0] = x[int(index)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, index = inputs
        return [GetItemGrad()(x, index, output_grads[0]), disconnected_type()]


class GetItemGrad(Op):
    """The gradient of ``GetItem``: a list of zeros shaped like ``x`` with ``g`` at ``index``
    (an element for an int index, the elements of a list for a slice)."""

    __props__ = ()
    view_map = {0: [2]}

    def make_node(self, x, index, g):
        return Apply(self, [x, index, g], [x.type()])

    def perform(self, node, inputs, outputs):
        x, index, g = inputs
        out = [_zeros(e) for e in x]
        if isinstance(index, slice):
            positions = range(len(x))[index]
            for p, v in zip(positions, g):
                out[p] = v
        else:
            out[int(index)] = g
        outputs[0][0] = out

    def connection_pattern(self, node):
        return [[False], [False], [True]]

    def grad(self, inputs, output_grads):
        x, index, g = inputs
        return [disconnected_type(), disconnected_type(), GetItem()(output_grads[0], index)]


class Append(_ListOp):
    """``l.append(x)``: the list with ``x`` added at its end.

    Gradient: to the list (the output gradient but its last element) and to ``x`` (the last one).
    """

    _element_inputs = (1,)

    def make_node(self, x, toAppend):
        x = _as_list(x)
        return Apply(self, [x, _as_element(x, toAppend)], [x.type()])

    def perform(self, node, inputs, outputs):
        out = self._start(inputs[0])
        out.append(inputs[1])
        outputs[0][0] = out

    def grad(self, inputs, output_grads):
        g = output_grads[0]
        return [GetItem()(g, slice(None, -1)), GetItem()(g, -1)]


class Extend(_ListOp):
    """``l.extend(other)``: the list followed by the elements of the list ``other``.

    Gradient: to both lists (the output gradient split at ``len(l)``).
    """

    _element_inputs = (1,)

    def make_node(self, x, toAppend):
        x = _as_list(x)
        other = _as_list(toAppend)
        if other.type != x.type:
            raise TypeError(f"Extend: {x} has type {x.type}, {other} has type {other.type}")
        return Apply(self, [x, other], [x.type()])

    def perform(self, node, inputs, outputs):
        out = self._start(inputs[0])
        # list(...) first: l.extend(l) in place would otherwise read what it writes
        out.extend(list(inputs[1]))
        outputs[0][0] = out

    def grad(self, inputs, output_grads):
        head, tail = SplitList()(output_grads[0], length(inputs[0]))
        return [head, tail]


class Insert(_ListOp):
    """``l.insert(i, x)``: the list with ``x`` put before position ``i`` (Python's rules for a
    negative or too large ``i``).

    Gradient: to the list (the output gradient without that position) and to ``x`` (the element
    there); none to ``i``.
    """

    _element_inputs = (2,)

    def make_node(self, x, index, toInsert):
        x = _as_list(x)
        return Apply(self, [x, _as_int(index), _as_element(x, toInsert)], [x.type()])

    def perform(self, node, inputs, outputs):
        out = self._start(inputs[0])
        out.insert(int(inputs[1]), inputs[2])
        outputs[0][0] = out

    def connection_pattern(self, node):
        return [[True], [False], [True]]

    def grad(self, inputs, output_grads):
        rest, elem = InsertGrad()(output_grads[0], inputs[1])
        return [rest, disconnected_type(), elem]


class InsertGrad(Op):
    """The gradient of ``Insert``: ``g`` without the inserted position, and ``g`` at it."""

    __props__ = ()
    view_map = {0: [0], 1: [0]}

    def make_node(self, g, index):
        return Apply(self, [g, index], [g.type(), g.type.ttype()])

    def perform(self, node, inputs, outputs):
        g, index = inputs
        p = _insert_position(int(index), len(g) - 1)
        outputs[0][0] = g[:p] + g[p + 1:]
        outputs[1][0] = g[p]

    def connection_pattern(self, node):
        return [[True, True], [False, False]]

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, 0, inputs[0]), disconnected_type()]


def _find(ttype, lst, elem):
    for k, e in enumerate(lst):
        if ttype.values_eq(e, elem):
            return k
    return -1


class Remove(_ListOp):
    """``l.remove(x)``: the list without its first element equal to ``x`` (equal values, as the
    element type's ``values_eq`` says); ValueError when there is none.

    Gradient: to the list (the output gradient with zeros at the removed position); none to ``x``
    (it is only compared).
    """

    def make_node(self, x, toRemove):
        x = _as_list(x)
        return Apply(self, [x, _as_element(x, toRemove)], [x.type()])

    def perform(self, node, inputs, outputs):
        x, elem = inputs
        k = _find(node.inputs[0].type.ttype, x, elem)
        if k < 0:
            raise ValueError("Remove: the list holds no element equal to the one to remove")
        out = self._start(x)
        del out[k]
        outputs[0][0] = out

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, elem = inputs
        return [RemoveGrad()(x, elem, output_grads[0]), disconnected_type()]


class RemoveGrad(Op):
    """The gradient of ``Remove``: ``g`` with zeros put back at the removed position."""

    __props__ = ()
    view_map = {0: [2]}

    def make_node(self, x, elem, g):
        return Apply(self, [x, elem, g], [x.type()])

    def perform(self, node, inputs, outputs):
        x, elem, g = inputs
        k = _find(node.inputs[0].type.ttype, x, elem)
        if k < 0:
            raise ValueError("Remove: the list holds no element equal to the one to remove")
        out = list(g)
        out.insert(k, _zeros(x[k]))
        outputs[0][0] = out

    def connection_pattern(self, node):
        return [[False], [False], [True]]

    def grad(self, inputs, output_grads):
        return [disconnected_type(), disconnected_type(), grad_undefined(self, 2, inputs[2])]


class Reverse(_ListOp):
    """``l.reverse()``: the list in reverse order. Gradient: the output gradient reversed."""

    def make_node(self, x):
        x = _as_list(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        out = self._start(inputs[0])
        out.reverse()
        outputs[0][0] = out

    def grad(self, inputs, output_grads):
        return [Reverse()(output_grads[0])]


class _IntegerResult:
    """The part of the ops whose result is one int64 (Index, Count, Length): a 0-d shape, and no
    input connected to it for gradients."""

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def grad(self, inputs, output_grads):
        return [disconnected_type() for _ in inputs]


class Index(_IntegerResult, Op):
    """``l.index(x)``: the position (int64) of the first element equal to ``x``; ValueError when
    there is none. An integer: no gradient."""

    __props__ = ()

    def make_node(self, x, elem):
        x = _as_list(x)
        return Apply(self, [x, _as_element(x, elem)], [TensorType("int64", ())()])

    def perform(self, node, inputs, outputs):
        x, elem = inputs
        k = _find(node.inputs[0].type.ttype, x, elem)
        if k < 0:
            raise ValueError("Index: the list holds no element equal to the one given")
        outputs[0][0] = np.asarray(k, dtype="int64")



class Count(_IntegerResult, Op):
    """``l.count(x)``: how many elements equal ``x`` (int64). An integer: no gradient."""

    __props__ = ()

    def make_node(self, x, elem):
        x = _as_list(x)
        return Apply(self, [x, _as_element(x, elem)], [TensorType("int64", ())()])

    def perform(self, node, inputs, outputs):
        x, elem = inputs
        ttype = node.inputs[0].type.ttype
        outputs[0][0] = np.asarray(sum(1 for e in x if ttype.values_eq(e, elem)), dtype="int64")



class Length(_IntegerResult, Op):
    """``len(l)`` as an int64 scalar. An integer: no gradient."""

    __props__ = ()

    def make_node(self, x):
        x = _as_list(x)
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = np.asarray(len(inputs[0]), dtype="int64")



class MakeList(Op):
    """A typed list of its inputs, which must all have one type. ``MakeList()(a, b)`` makes a node
    of ``MakeList(2)``: the op knows how many inputs its list holds, so that its ``view_map`` names
    them all.

    Gradient: to each input, the output gradient's element at its position.
    """

    __props__ = ("n",)

    def __init__(self, n=None):
        self.n = None if n is None else int(n)

    @property
    def view_map(self):
        return {0: list(range(self.n or 0))}

    def make_node(self, *values):
        if not values:
            raise TypeError("MakeList: give at least one element (the list type comes from them)")
        if self.n is None:
            return MakeList(len(values)).make_node(*values)
        if len(values) != self.n:
            raise TypeError(f"{self}: takes {self.n} elements, got {len(values)}")
        values = [v if isinstance(v, Variable) else as_tensor_variable(v) for v in values]
        t = values[0].type
        for v in values[1:]:
            if v.type != t:
                raise TypeError(f"MakeList: all elements must have one type; {values[0]} has type "
                                f"{t}, {v} has type {v.type}")
        return Apply(self, values, [TypedListType(t)()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = list(inputs)

    def grad(self, inputs, output_grads):
        g = output_grads[0]
        return [GetItem()(g, k) for k in range(len(inputs))]


def make_list(a):
    """A typed list of the tensors (or numbers) in the sequence ``a``; they must all have one type
    (a TypeError otherwise)."""
    return MakeList()(*a)


class SplitList(Op):
    """``(g[:n], g[n:])``: the gradient of ``Extend``."""

    __props__ = ()
    view_map = {0: [0], 1: [0]}

    def make_node(self, g, n):
        return Apply(self, [g, _as_int(n)], [g.type(), g.type()])

    def perform(self, node, inputs, outputs):
        g, n = inputs
        outputs[0][0] = g[:int(n)]
        outputs[1][0] = g[int(n):]

    def connection_pattern(self, node):
        return [[True, True], [False, False]]

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, 0, inputs[0]), disconnected_type()]


class ListAdd(Op):
    """The element-by-element sum of lists of one type (the gradient of a list used twice)."""

    __props__ = ()

    def make_node(self, *lists):
        lists = [_as_list(x) for x in lists]
        for x in lists[1:]:
            if x.type != lists[0].type:
                raise TypeError(f"ListAdd: {x.type} and {lists[0].type} differ")
        return Apply(self, lists, [lists[0].type()])

    def perform(self, node, inputs, outputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _add(out, x)
        outputs[0][0] = out if len(inputs) > 1 else list(out)

    def grad(self, inputs, output_grads):
        return [output_grads[0]] * len(inputs)


class ZerosLikeList(Op):
    """A list shaped like ``x`` (nested lists and arrays) filled with zeros."""

    __props__ = ()

    def make_node(self, x):
        x = _as_list(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = _zeros(inputs[0])

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [disconnected_type()]


# -- functions --------------------------------------------------------------------------------------
def getitem(x, index):
    return GetItem()(x, index)


def append(x, toAppend):
    return Append()(x, toAppend)


def extend(x, toAppend):
    return Extend()(x, toAppend)


def insert(x, index, toInsert):
    return Insert()(x, index, toInsert)


def remove(x, toRemove):
    return Remove()(x, toRemove)


def reverse(x):
    return Reverse()(x)


def index_(x, elem):
    return Index()(x, elem)


def count(x, elem):
    return Count()(x, elem)


def length(x):
    return Length()(x)


def zeros_like_list(x):
    return ZerosLikeList()(x)


__all__ = ["TypedListVariable", "TypedListConstant", "GetItem", "Append", "Extend", "Insert",
           "Remove", "Reverse", "Index", "Count", "Length", "MakeList", "make_list", "getitem",
           "append", "extend", "insert", "remove", "reverse", "index_", "count", "length",
           "GetItemGrad", "InsertGrad", "RemoveGrad", "SplitList", "ListAdd", "ZerosLikeList",
           "zeros_like_list"]
