"""Helpers for the rewrite tests: compile with a chosen set of rewrites, list what the graph holds."""

import numpy as np

import theano
from theano.tensor.rewriting.composite import Composite
from theano.tensor.elemwise import Elemwise


def mode(*excluding, optimizer="fast_run", linker="py", including=()):
    m = theano.Mode(linker=linker, optimizer=optimizer)
    if excluding:
        m = m.excluding(*excluding)
    if including:
        m = m.including(*including)
    return m


# Canonical forms are easiest to inspect before fusion and the in-place phase.
NOFUSE = ("fusion", "inplace")


def compile_(inputs, outputs, *excluding, **kw):
    return theano.function(inputs, outputs, mode=mode(*excluding, **kw), on_unused_input="ignore")


def nodes(f):
    return f.maker.fgraph.toposort()


def op_types(f):
    return [type(n.op) for n in nodes(f)]


def scalar_ops(f, inner=True):
    """Names of the scalar ops of the Elemwise nodes (inside Composites too)."""
    out = []
    for n in nodes(f):
        if isinstance(n.op, Elemwise):
            so = n.op.scalar_op
            if isinstance(so, Composite) and inner:
                out.extend(str(m.op.scalar_op) for m in so.fgraph.toposort())
            else:
                out.append(str(so))
    return out


def check_same_values(inputs, outputs, values, *excluding, rtol=None, atol=None, **kw):
    """The rewritten function gives the values of the unoptimized one."""
    ref = theano.function(inputs, outputs, mode=theano.Mode("py", "None"), on_unused_input="ignore")
    f = compile_(inputs, outputs, *excluding, **kw)
    a = ref(*[np.copy(v) for v in values])
    b = f(*[np.copy(v) for v in values])
    if not isinstance(outputs, (list, tuple)):
        a, b = [a], [b]
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape and x.dtype == y.dtype, (x.shape, y.shape, x.dtype, y.dtype)
        r = rtol if rtol is not None else (1e-5 if x.dtype == np.float32 else 1e-12)
        np.testing.assert_allclose(y, x, rtol=r, atol=atol if atol is not None else r)
    return f
