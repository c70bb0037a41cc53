"""Theano 1.0's ``theano.misc.ordered_set``: ``OrderedSet``, a set that iterates in insertion
order (Theano 1.0's function graphs pickled theirs; ``Link`` was its list cell)."""

from collections.abc import MutableSet

from theano.graph.utils import Theano1Leftover

__all__ = ["OrderedSet"]


class Link(Theano1Leftover):
    """A cell of Theano 1.0's OrderedSet linked list (read from Theano 1.0 pickles only)."""


class OrderedSet(MutableSet):
    """A set that remembers the order in which its elements were first added."""

    def __init__(self, iterable=None):
        self._items = dict.fromkeys(iterable) if iterable is not None else {}

    def __contains__(self, key):
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def __reversed__(self):
        return reversed(list(self._items))

    def __len__(self):
        return len(self._items)

    def add(self, key):
        self._items[key] = None

    def discard(self, key):
        self._items.pop(key, None)

    def update(self, iterable):
        for key in iterable:
            self.add(key)

    def union(self, other):
        new = OrderedSet(self)
        new.update(other)
        return new

    def copy(self):
        return OrderedSet(self)

    def __eq__(self, other):
        if isinstance(other, OrderedSet):
            return list(self) == list(other)
        return set(self) == set(other)

    __hash__ = None

    def __repr__(self):
        return f"OrderedSet({list(self._items)!r})"

    def __getstate__(self):
        return {"_items": self._items}

    def __setstate__(self, state):
        if "_OrderedSet__map" in state:
            # Theano 1.0's layout: a dict from each element to its link, in insertion order
            self._items = dict.fromkeys(state["_OrderedSet__map"])
        else:
            self._items = dict(state["_items"])
