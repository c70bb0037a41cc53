"""Small utilities shared by the graph package: user-frame lookup and error helpers."""

import os
import sys

_THEANO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class MethodNotDefined(NotImplementedError):
    """Raised by an Op method that a subclass must define."""


class CreationTrace:
    """Where in the user's code a node was created: file, line, function and source line."""

    __slots__ = ("filename", "lineno", "funcname", "line")

    def __init__(self, filename, lineno, funcname, line=None):
        self.filename = filename
        self.lineno = lineno
        self.funcname = funcname
        self.line = line

    def __getstate__(self):
        return (self.filename, self.lineno, self.funcname, self.line)

    def __setstate__(self, state):
        self.filename, self.lineno, self.funcname, self.line = state

    def __str__(self):
        text = f'File "{self.filename}", line {self.lineno}, in {self.funcname}'
        if self.line:
            text += f"\n    {self.line}"
        return text

    def __repr__(self):
        return f"CreationTrace({self.filename!r}, {self.lineno})"


def _is_internal(filename):
    return filename.startswith(_THEANO_DIR + os.sep) or filename.startswith("<frozen")


def user_frame():
    """Return a CreationTrace of the innermost frame outside the theano package, or None.

    Walks frames iteratively; cheap enough to call for every node created.
    """
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_internal(filename):
            return CreationTrace(filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


def source_line(trace):
    """Fill in and return the source text of a CreationTrace (read lazily, only for errors)."""
    if trace is None:
        return None
    if trace.line is None:
        import linecache

        trace.line = linecache.getline(trace.filename, trace.lineno).strip() or ""
    return trace.line


# -- Theano 1.0's small list helpers (theano.gof.utils) ---------------------------------------------
def unique(items):
    """Whether no two elements of ``items`` are equal."""
    items = list(items)
    try:
        return len(set(items)) == len(items)
    except TypeError:       # unhashable elements
        return all(items[i] != items[j] for i in range(len(items)) for j in range(i))


def hist(coll):
    """``{element: how many times it occurs in coll}``."""
    counts = {}
    for x in coll:
        counts[x] = counts.get(x, 0) + 1
    return counts


def remove(predicate, coll):
    """The elements of ``coll`` for which ``predicate`` is false, in order (a list)."""
    return [x for x in coll if not predicate(x)]


def give_variables_names(variables):
    """Name every variable of ``variables`` that has no name or shares its name with another one
    of them (``name_<k>``, ``_<k>`` when unnamed, k the smallest number making it unique), so that
    all their names differ. Variables with a name of their own that is unique keep it; a second
    call changes nothing. Returns ``variables``."""
    variables = list(variables)
    counts = hist(v.name for v in variables)
    taken = set(counts)
    k = 0
    for v in variables:
        if v.name and counts[v.name] == 1:
            continue
        base = v.name or ""
        while f"{base}_{k}" in taken:
            k += 1
        v.name = f"{base}_{k}"
        taken.add(v.name)
        k += 1
    if not unique([v.name for v in variables]):
        raise ValueError("give_variables_names: could not give these variables unique names")
    return variables
