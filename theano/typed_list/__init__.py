"""Typed lists (Theano 1.0's ``theano.typed_list``): graph values that are Python lists of tensors.

    import theano.typed_list as tl
    l = tl.TypedListType(T.dmatrix)()     # a list of float64 matrices
    f = theano.function([l, x], l.append(x)[-1].sum())

``TypedListType(ttype, depth=0)`` is the type; its variables have ``append``, ``extend``,
``insert``, ``remove``, ``reverse``, ``index``, ``count``, ``__getitem__`` (an int or a slice)
and ``__len__``; the ops are in ``theano.typed_list.basic``.
"""

from theano.typed_list.type import TypedListType as TypedListType
from theano.typed_list.basic import (  # noqa: F401
    Append, Count, Extend, GetItem, Index, Insert, Length, MakeList, Remove, Reverse,
    TypedListConstant, TypedListVariable, append, count, extend, getitem, insert, length,
    make_list, remove, reverse)
from theano.typed_list import rewriting as _rewriting  # noqa: F401  (registers the in-place rewrite)
