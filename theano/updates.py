"""``theano.updates.OrderedUpdates``: Theano 1.0's ordered dictionary of updates.

A mapping from shared variables to their new values, in insertion order, that refuses any other
key and whose ``+`` merges two sets of updates (a variable given two different updates is a
``KeyError``). ``theano.function(..., updates=u)`` takes it as any dict of updates.
"""

import warnings
from collections import OrderedDict

from theano.compile.sharedvalue import SharedVariable


def _check_key(key):
    if not isinstance(key, SharedVariable):
        raise TypeError(f"OrderedUpdates keys must be shared variables, got {key!r} "
                        f"({type(key).__name__})")


def _warn_if_unordered(other):
    if isinstance(other, dict) and not isinstance(other, OrderedDict) and len(other) > 1:
        warnings.warn("OrderedUpdates built from a plain dict of more than one update: its order "
                      "(the order the updates are made in) is the dict's; use an OrderedDict "
                      "or a list of pairs to choose it", stacklevel=3)


class OrderedUpdates(OrderedDict):
    """Updates ``{shared variable: new value}`` in insertion order (Theano 1.0's class)."""

    def __init__(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError(f"OrderedUpdates takes at most one positional argument, got {len(args)}")
        if kwargs:
            raise TypeError("OrderedUpdates keys must be shared variables, not keyword names "
                            f"({', '.join(kwargs)})")
        super().__init__()
        if args:
            _warn_if_unordered(args[0])
            items = args[0].items() if isinstance(args[0], dict) else args[0]
            for key, value in items:
                self[key] = value

    def __setitem__(self, key, value):
        _check_key(key)
        super().__setitem__(key, value)

    def update(self, other=None):
        """Add the updates of ``other`` (a dict or pairs); a variable already updated here to
        another value is a ``KeyError``."""
        if other is None:
            return
        _warn_if_unordered(other)
        items = other.items() if isinstance(other, dict) else other
        for key, value in items:
            if key in self:
                if self[key] is value or _same_value(self[key], value):
                    continue
                raise KeyError(f"OrderedUpdates: {key} is given two different updates "
                               f"({self[key]} and {value})")
            self[key] = value

    def __add__(self, other):
        merged = OrderedUpdates()
        merged.update(self)
        merged.update(other)
        return merged

    def __radd__(self, other):
        merged = OrderedUpdates()
        merged.update(other)
        merged.update(self)
        return merged

    def copy(self):
        return OrderedUpdates(self)


def _same_value(a, b):
    """Whether two update values are the same: identical symbols, or equal plain values."""
    from theano.graph.basic import Variable

    if isinstance(a, Variable) or isinstance(b, Variable):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):     # arrays: equal only when every element is
        try:
            import numpy as np

            return bool(np.array_equal(a, b))
        except Exception:   # noqa: BLE001 - not comparable: not the same value
            return False
