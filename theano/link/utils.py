"""Helpers shared by the backends: turning an exception inside a node into an error about user code."""

import numpy as np

from theano.configdefaults import config
from theano.graph.formatting import graph_tree
from theano.graph.utils import source_line


def _describe_value(v):
    if isinstance(v, np.ndarray):
        return v.shape, str(v.dtype)
    if hasattr(v, "shape") and hasattr(v, "dtype"):    # JAX arrays, also while jit traces them
        return tuple(v.shape), str(v.dtype)
    return type(v).__name__, ""


def node_error_message(node, exc, input_values=None, position=None):
    lines = [str(exc) if str(exc) else type(exc).__name__]
    lines.append(f"Apply node that caused the error: {node}")
    if position is not None:
        lines.append(f"Toposort index: {position}")
    lines.append("Inputs types: [" + ", ".join(str(i.type) for i in node.inputs) + "]")
    if input_values is not None:
        shapes, dtypes, scalars = [], [], []
        for v in input_values:
            s, d = _describe_value(v)
            shapes.append(str(s))
            dtypes.append(d)
            if isinstance(v, np.ndarray) and v.size == 1:
                scalars.append(repr(v.reshape(()).item()))
            else:
                scalars.append("not shown")
        lines.append("Inputs shapes: [" + ", ".join(shapes) + "]")
        lines.append("Inputs dtypes: [" + ", ".join(dtypes) + "]")
        lines.append("Inputs scalar values: [" + ", ".join(scalars) + "]")
    trace = getattr(node, "creation_trace", None)
    if trace is not None:
        lines.append("The node was created at:")
        lines.append(f'  File "{trace.filename}", line {trace.lineno}, in {trace.funcname}')
        src = source_line(trace)
        if src:
            lines.append(f"    {src}")
    else:
        lines.append("(The node was created inside theano-ng, by a rewrite or a gradient.)")
    if config.exception_verbosity == "high":
        lines.append("Debugprint of the apply node:")
        lines.append(graph_tree(node.outputs))
    else:
        lines.append("HINT: set theano.config.exception_verbosity='high' for a debugprint of the node.")
    return "\n".join(lines)


def reraise_with_node(node, exc, input_values=None, position=None):
    """Raise ``exc`` again, same type, with a message naming the node, its inputs and user line."""
    if getattr(exc, "__theano_node__", None) is not None:
        raise exc
    msg = node_error_message(node, exc, input_values, position)
    try:
        new = type(exc)(msg)
    except Exception:
        new = None
    if new is None or str(new) != msg:
        # An exception class that cannot be rebuilt from a message (NumPy's MemoryError subclass
        # takes a shape and a dtype): raise the original object, its class and fields intact, with
        # the node's description as a note (shown by tracebacks on Python 3.11+).
        exc.__theano_node__ = node
        if hasattr(exc, "add_note"):
            exc.add_note(msg)
        else:
            exc.__notes__ = list(getattr(exc, "__notes__", [])) + [msg]
        raise exc
    new.__theano_node__ = node
    raise new.with_traceback(exc.__traceback__) from None
