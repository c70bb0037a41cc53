"""Pickling deep graphs without recursion errors (what ``Variable.__reduce_ex__`` calls).

Pickle saves an object's references depth-first, so a chain of 5,000 additions nests 5,000 levels
deep and hits the recursion limit. ``reduce_variable`` fixes that: the first variable of a large
graph that pickle meets lists its ancestors in topological order (roots first) before itself, so
when pickle reaches each of them, everything it refers to is already saved and the nesting stays
shallow. Each ancestor is marked "covered" so that it does not list its own ancestors again (that
would be quadratic); a sentinel saved right after the list removes the marks that were not used.
Unpickling is iterative in pickle itself, so loading needs nothing. ``copy.deepcopy`` goes through
the same path. (``theano.misc.pkl_utils`` re-exports these names; pickles written before they moved
here name that module, and still load.)
"""

import functools
import threading
import weakref

# Graphs with at most this many apply nodes below a variable pickle the ordinary way.
_SMALL_GRAPH = 64

_local = threading.local()


def _marks():
    m = getattr(_local, "marks", None)
    if m is None:
        m = _local.marks = {}
    return m


class _EndOfPrefix:
    """Saved after an ancestor list: its reduction drops the marks of that list that were not used.

    The marks hold a weak reference to it: if pickling fails before it is saved, the pickler drops
    it, and the marks it made die with it (a stale mark would otherwise make a later pickle of a
    deep variable recurse)."""

    __slots__ = ("ids", "ref", "__weakref__")

    def __init__(self, ids):
        self.ids = ids
        self.ref = weakref.ref(self, functools.partial(_drop_marks, _marks(), ids))

    def clear(self):
        _drop_marks(_marks(), self.ids, self.ref)
        self.ids = ()

    def __reduce_ex__(self, protocol):
        self.clear()
        return (_nothing, ())


def _drop_marks(marks, ids, ref):
    for i in ids:
        m = marks.get(i)
        if m is not None and m[0] is ref:
            del marks[i]


def _nothing():
    return None


def _rebuild_after(func, args, prefix, sentinel):
    """Unpickling: the ancestors in ``prefix`` are already rebuilt; make the variable itself."""
    if isinstance(sentinel, _EndOfPrefix):  # copy.copy calls this without pickling the sentinel
        sentinel.clear()
    return func(*args)


def _small_graph(var, limit):
    """True if at most ``limit`` apply nodes lie below ``var`` (a bounded iterative walk)."""
    seen = set()
    stack = [var.owner]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if len(seen) > limit:
            return False
        for inp in node.inputs:
            if inp.owner is not None and inp.owner not in seen:
                stack.append(inp.owner)
    return True


def reduce_variable(var, protocol):
    """``__reduce_ex__`` of graph variables: the ordinary reduction, preceded for large graphs by
    the list of the variable's ancestors in topological order (see the module docstring)."""
    base = object.__reduce_ex__(var, protocol)
    if var.owner is None:
        return base
    marks = _marks()
    mark = marks.pop(id(var), None)
    if mark is not None and mark[1] is var and mark[0]() is not None:
        return base
    if _small_graph(var, _SMALL_GRAPH):
        return base
    from theano.graph.basic import io_toposort  # basic imports this module

    ids = []
    sentinel = _EndOfPrefix(ids)
    prefix = []
    for node in io_toposort([], [var]):
        if node is var.owner:
            continue
        for out in node.outputs:
            prefix.append(out)
            key = id(out)
            old = marks.get(key)
            if old is None or old[0]() is None:
                marks[key] = (sentinel.ref, out)
                ids.append(key)
    func, args = base[0], base[1]
    rest = tuple(base[2:])
    return (_rebuild_after, (func, args, prefix, sentinel)) + rest
