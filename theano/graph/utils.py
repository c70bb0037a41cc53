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


def user_stack(limit):
    """The user's frames calling in (those outside the theano package), outermost first, at most
    ``limit`` of them (all when ``limit`` is -1 or None): tuples (filename, lineno, function),
    the stack that Theano 1.0 kept as a variable's ``tag.trace``. Only the frames are walked; the
    source lines are read when the trace is looked at."""
    out = []
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if not _is_internal(code.co_filename):
            out.append((code.co_filename, frame.f_lineno, code.co_name))
            if limit is not None and 0 <= limit <= len(out):
                break
        frame = frame.f_back
    out.reverse()
    return tuple(out)


def stack_with_lines(stack):
    """``stack`` (from ``user_stack``) as Theano 1.0's ``tag.trace`` entry: a list of
    (filename, lineno, function, source line)."""
    import linecache

    return [(f, n, fn, linecache.getline(f, n).strip() or None) for f, n, fn in stack]


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


def flatten(a):
    """The elements of nested lists/tuples ``a``, in order, as one flat list (``a`` itself in a
    list when it is not a list or tuple)."""
    if not isinstance(a, (list, tuple)):
        return [a]
    out = []
    stack = [iter(a)]
    while stack:
        for x in stack[-1]:
            if isinstance(x, (list, tuple)):
                stack.append(iter(x))
                break
            out.append(x)
        else:
            stack.pop()
    return out


def uniq(seq):
    """The elements of ``seq`` without repeats, in the order of their first occurrence."""
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def difference(seq1, seq2):
    """The elements of ``seq1`` that are not in ``seq2``, in order."""
    try:
        exclude = set(seq2)
    except TypeError:       # unhashable elements
        exclude = list(seq2)
    return [x for x in seq1 if x not in exclude]


def memoize(f):
    """``f`` remembering its results by (hashable) arguments."""
    import functools

    cache = {}

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = f(*args, **kwargs)
        return cache[key]

    wrapper.cache = cache
    return wrapper


def hash_from_code(msg):
    """The hexadecimal SHA-256 of ``msg`` (a str, bytes or a NumPy array's memory)."""
    import hashlib

    import numpy as np

    if isinstance(msg, str):
        msg = msg.encode()
    elif isinstance(msg, np.ndarray):
        msg = np.ascontiguousarray(msg).tobytes()
    return hashlib.sha256(msg).hexdigest()


def hash_from_file(file_path):
    """``hash_from_code`` of the contents of the file at ``file_path``."""
    with open(file_path, "rb") as f:
        return hash_from_code(f.read())


def toposort(prereqs_d):
    """An order of the keys of ``prereqs_d`` (``{node: collection of its prerequisites}``) with
    every prerequisite first (ties keep the dict's order); a cycle is a ValueError."""
    nodes = []
    seen = set()
    for k, pre in prereqs_d.items():
        for n in (*pre, k):
            if n not in seen:
                seen.add(n)
                nodes.append(n)
    order, state = [], {}
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(prereqs_d.get(root, ())))]
        state[root] = "open"
        while stack:
            n, it = stack[-1]
            for p in it:
                if state.get(p) == "open":
                    raise ValueError(f"toposort: a cycle through {p!r}")
                if p not in state:
                    state[p] = "open"
                    stack.append((p, iter(prereqs_d.get(p, ()))))
                    break
            else:
                stack.pop()
                state[n] = "done"
                order.append(n)
    return order


class object2:
    """Theano 1.0's base class with ``__ne__`` the negation of ``__eq__`` (Python 3 objects
    already behave so)."""

    __slots__ = ()

    def __ne__(self, other):
        return not self == other


class Theano1Leftover:
    """An object of a Theano 1.0 internal class (an optimizer's or a function graph's
    bookkeeping) read from a Theano 1.0 pickle, which theano-ng has no use for: it keeps the
    pickled state (``_theano1_state``) and does nothing else."""

    def __init__(self, *args, **kwargs):
        self._theano1_args = (args, kwargs)

    def __setstate__(self, state):
        self.__dict__["_theano1_state"] = state

    def on_attach(self, fgraph):
        raise TypeError(f"{type(self).__name__} is Theano 1.0's internal class, kept only so that "
                        "Theano 1.0 pickles load; theano-ng has no such feature to attach")


class TestValueError(Exception):
    """A test value is missing or wrong (Theano 1.0's ``theano.gof.utils.TestValueError``)."""


def __getattr__(name):
    # Theano 1.0's ``theano.gof.utils.scratchpad`` (the class of ``variable.tag``)
    if name in ("scratchpad", "ScratchPad"):
        from theano.graph.basic import ScratchPad

        return ScratchPad
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
