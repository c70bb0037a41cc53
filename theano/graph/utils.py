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
