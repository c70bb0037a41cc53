"""The JAX linker: the graph's straight-line function (the same generator as the native backend)
with jax.numpy implementations of each op, jitted as a whole with ``jax.jit``.

Outputs come back as (writable) NumPy arrays. JAX runs in 64-bit mode (``jax_enable_x64``) so
that float64/int64 graphs keep their dtypes. A graph with an op that has no JAX implementation
runs op by op instead, that node through its ``perform``; so does a graph whose tracing needs a
value known only at run time (a reshape to a computed shape, for example).
"""

import numpy as np

from theano.link.base import Backend, lazy_thunk, needs_lazy_vm
from theano.link.jax.dispatch import NotJittable, jax_funcify, perform_on_host


class NeedsConcreteValues(Exception):
    """Tracing met an op that needs a value known only at run time."""


def _guard(fn):
    def guarded(*args):
        try:
            return fn(*args)
        except Exception as exc:
            if type(exc).__module__.startswith("jax"):
                raise NeedsConcreteValues(str(exc)) from exc
            raise

    return guarded


class JAXLinker(Backend):
    name = "jax"

    def make_thunk(self, fgraph, profile=None):
        import jax

        from theano.link.numba.linker import build_thunk

        jax.config.update("jax_enable_x64", True)
        nodes = fgraph.toposort()
        if needs_lazy_vm(nodes):
            return lazy_thunk(fgraph, nodes, self.allow_gc, profile)
        impls = {}
        jittable = True
        for node in nodes:
            try:
                impls[node] = _guard(jax_funcify(node.op, node))
            except NotJittable:
                impls[node] = perform_on_host(node.op, node)
                jittable = False
        inner = build_thunk(fgraph, nodes, profile, funcify=lambda op, node: impls[node])
        state = {"jitted": jax.jit(inner) if jittable and profile is None else None}

        def thunk(inputs):
            jitted = state["jitted"]
            if jitted is not None:
                try:
                    outs = jitted(list(inputs))
                except NeedsConcreteValues:
                    state["jitted"] = None   # needs concrete values: run op by op from now on
                    outs = inner(list(inputs))
            else:
                outs = inner(list(inputs))
            return [np.array(o) for o in outs]

        thunk.source = inner.source
        whole = "jax.jit (whole graph)" if state["jitted"] is not None else "jax, op by op"
        thunk.node_paths = [(n, f"{whole}" if not getattr(impls[n], "on_host", False)
                             else "perform on the host") for n in nodes]
        return thunk
