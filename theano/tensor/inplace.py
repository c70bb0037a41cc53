"""Old import path ``theano.tensor.inplace``: ``exp_inplace`` and friends.

Each ``<name>_inplace`` is the ordinary elementwise op ``<name>`` (it returns a new array; the
optimizer decides what may be computed in place).
"""

from theano.tensor import math as _math
from theano.tensor.elemwise import Elemwise as _Elemwise

_names = sorted(n for n in dir(_math) if not n.startswith("_") and isinstance(getattr(_math, n), _Elemwise))
for _n in _names:
    globals()[f"{_n}_inplace"] = getattr(_math, _n)
# Theano spelled a few of them differently
_ALIASES = {"abs__inplace": "abs_", "abs_inplace": "abs_", "sgn_inplace": "sgn", "inv_inplace": "reciprocal"}
for _alias, _target in _ALIASES.items():
    if hasattr(_math, _target):
        globals()[_alias] = getattr(_math, _target)

__all__ = sorted(n for n in globals() if n.endswith("_inplace"))
