"""``theano.tensor.xlogx``: ``xlogx(x)`` = x log x and ``xlogy0(x, y)`` = x log y, both 0 where
x == 0. The scalar ops live in theano.scalar.basic."""

from theano.scalar import basic as _ts
from theano.tensor.elemwise import Elemwise as _Elemwise

xlogx = _Elemwise(_ts.xlogx)
xlogy0 = _Elemwise(_ts.xlogy0)

__all__ = ["xlogx", "xlogy0"]
