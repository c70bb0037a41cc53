"""The native linker: a FunctionGraph becomes one straight-line Python function.

For a graph ``x -> exp(x) * 2`` the generated code is::

    def thunk(inputs):
        i0, = inputs
        try:
            v0 = f0(i0)          # Elemwise{exp}: a NumPy ufunc or a Numba kernel
            v1 = f1(v0, c0)      # Elemwise{mul}; c0 is the constant 2, bound as a global
            del v0               # intermediates are dropped after their last use
        except Exception as exc:
            _error(exc)
        return [v1]

There is no per-node dispatch: each node is one call of the callable that ``numba_funcify`` gave
for it, bound as a global of the generated function. The ``try`` is free in CPython 3.11+; an error
is mapped back to its node by the line number of the failing statement, and re-raised with the
node, its input shapes and the user's line (``theano.link.utils.reraise_with_node``).

Graphs with lazy ops (ifelse) run on the reference LazyVM, whose demand-driven walk they need
(``theano.link.base.needs_lazy_vm``). Small graphs of ops Numba can express also get the
whole-graph tier (``graph.py``) for calls on small inputs. How each node runs is fixed here, at
compile time (``thunk.node_paths``).

The thunk keeps no state between calls (its values are local variables), so several threads may
call it at once.
"""

import time

from theano.configdefaults import config
from theano.graph.basic import Constant
from theano.link.base import Backend, lazy_thunk, needs_lazy_vm
from theano.link.utils import reraise_with_node
from theano.link.numba import elemwise as nbe
from theano.link.numba import jit_clock
from theano.link.numba.dispatch import numba_funcify


def _var_names(fgraph, nodes):
    names = {}
    consts = {}
    for k, v in enumerate(fgraph.inputs):
        names[v] = f"i{k}"
    count = 0
    for node in nodes:
        for v in node.inputs:
            if v not in names and isinstance(v, Constant):
                names[v] = f"c{len(consts)}"
                consts[names[v]] = v.data
        for v in node.outputs:
            if v not in names:
                names[v] = f"v{count}"
                count += 1
    for v in fgraph.outputs:
        if v not in names and isinstance(v, Constant):
            names[v] = f"c{len(consts)}"
            consts[names[v]] = v.data
    return names, consts


def build_thunk(fgraph, nodes, profile=None, funcify=numba_funcify):
    """Generate, compile and return the straight-line function of ``fgraph``."""
    names, consts = _var_names(fgraph, nodes)
    glb = dict(consts)
    keep = set(fgraph.outputs) | set(fgraph.inputs)
    last_use = {}
    for i, node in enumerate(nodes):
        for v in node.inputs:
            last_use[v] = i
    line_node = {}
    lines = ["def thunk(inputs):"]
    n_in = len(fgraph.inputs)
    if n_in:
        lines.append(f"    {''.join(names[v] + ', ' for v in fgraph.inputs)}= inputs")
    lines.append("    try:")
    hooks = []
    paths = []
    for i, node in enumerate(nodes):
        fname = f"f{i}"
        fn = funcify(node.op, node)
        glb[fname] = fn
        paths.append((node, nbe.node_path(fn)))
        hook = getattr(fn, "_set_rebind", None)
        if hook is not None:
            hooks.append((hook, fname))
        args = ", ".join(names[v] for v in node.inputs)
        outs = [names[v] for v in node.outputs]
        target = outs[0] if len(outs) == 1 else ", ".join(outs)
        if profile is not None:
            glb[f"n{i}"] = node
            # the time its kernels took to compile or load (first calls) is not the node's
            lines.append("        _t = _clock(); _j = _jit()")
            line_node[len(lines) + 1] = i
            lines.append(f"        {target} = {fname}({args})")
            lines.append("        _j = _jit() - _j")
            lines.append(f"        _record(n{i}, _clock() - _t - _j, ({args}{',' if args else ''}), _j, "
                         f"({target},))")
        elif getattr(fn, "inline", None) is not None and len(outs) == 1:
            # the node's own lines instead of a call (a ufunc node: one Python frame less)
            body, env = fn.inline([names[v] for v in node.inputs], target, fname, "        ")
            glb.update(env)
            for ln in body:
                line_node[len(lines) + 1] = i
                lines.append(ln)
        else:
            line_node[len(lines) + 1] = i
            lines.append(f"        {target} = {fname}({args})")
        dead = [names[v] for v in node.outputs if v not in last_use and v not in keep]
        dead += [names[v] for v in node.inputs
                 if last_use.get(v) == i and v not in keep and not isinstance(v, Constant)]
        dead = list(dict.fromkeys(dead))
        if dead:
            lines.append(f"        del {', '.join(dead)}")
    lines.append("        pass")
    lines.append("    except Exception as exc:")
    lines.append("        _error(exc)")
    outs = ", ".join(names[v] for v in fgraph.outputs)
    lines.append(f"    return [{outs}]")
    source = "\n".join(lines) + "\n"
    filename = f"<theano-ng thunk {id(fgraph):x}>"
    code = compile(source, filename, "exec")
    func_code = next(c for c in code.co_consts if hasattr(c, "co_name") and c.co_name == "thunk")
    rev_names = {n: v for v, n in names.items()}

    def error_handler(func_code, line_node):
        """The function re-raising an error of the code object ``func_code`` (this body, maybe
        inside another function: ``thunk.inline``) with the node of its line."""
        def _error(exc):
            tb = exc.__traceback__
            frame_tb = None
            while tb is not None:
                if tb.tb_frame.f_code is func_code:
                    frame_tb = tb
                tb = tb.tb_next
            if frame_tb is None:
                raise exc
            pos = line_node.get(frame_tb.tb_lineno)
            if pos is None:
                raise exc
            node = nodes[pos]
            local = frame_tb.tb_frame.f_locals
            values = [local.get(names[v], glb.get(names[v])) for v in node.inputs]
            reraise_with_node(node, exc, values, pos)
        return _error

    glb["_error"] = error_handler(func_code, line_node)
    glb["_clock"] = time.perf_counter
    if profile is not None:
        glb["_record"] = profile.record_node
        jit_clock.install()
        glb["_jit"] = jit_clock.jit_seconds
    exec(code, glb)
    thunk = glb["thunk"]
    for hook, fname in hooks:
        hook(lambda new, _n=fname: glb.__setitem__(_n, new))
    thunk.source = source
    thunk.names = rev_names
    thunk.node_paths = paths
    if profile is None:
        # what a caller needs to run this body inside a function of its own (one frame less
        # per call: compile/function.py): the lines of the try block (their indent 8), the
        # nodes of those lines (position among them: node index), the names of the inputs
        # and outputs, the globals to run in (kernels rebind theirs there) and the factory of
        # the error handler for the caller's code object
        first = lines.index("    try:") + 1
        last = lines.index("    except Exception as exc:")
        thunk.inline = {
            "body": lines[first:last],
            "line_node": {ln - 1 - first: i for ln, i in line_node.items()},
            "inputs": [names[v] for v in fgraph.inputs],
            "outputs": [names[v] for v in fgraph.outputs],
            "globals": glb,
            "error_handler": error_handler,
        }
    return thunk


class NumbaLinker(Backend):
    """The fast native backend: generated straight-line code with Numba-compiled Elemwise loops."""

    name = "numba"

    def make_thunk(self, fgraph, profile=None):
        nodes = fgraph.toposort()
        if needs_lazy_vm(nodes):
            return lazy_thunk(fgraph, nodes, self.allow_gc, profile)
        per_node = build_thunk(fgraph, nodes, profile)
        from theano.link.numba import graph as whole

        if profile is None and config.numba__whole_graph and config.numba__whole_graph_max_size > 0:
            tier = whole.WholeGraph(fgraph, nodes)
            if tier.ok:
                max_size = config.numba__whole_graph_max_size
                thunk = tier.thunk(per_node, max_size)
                thunk.node_paths = [(n, f"whole-graph (inputs <= {max_size} elements), else {p}")
                                    for n, p in per_node.node_paths]
                return thunk
        return per_node
