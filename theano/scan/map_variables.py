"""``map_variables``: a copy of a graph in which a function has replaced variables, inner graphs of
Scan and OpFromGraph nodes included (Theano 1.0's ``theano.scan_module.scan_utils.map_variables``).

The graph is rebuilt from its roots to its outputs. Each root and each output of a rebuilt node goes
through ``replacer``, which returns the variable itself or the variable to use instead; what it
returns is never given to it again. A Scan or OpFromGraph node is rebuilt around its inner graph
mapped the same way (its own outputs do not go through ``replacer``). A replacement used inside an
inner graph may read variables of the outer graph (an input of the function, a shared variable, a
computation on them): each such root becomes a new non-sequence of the loop, or a new input of the
OpFromGraph (a shared variable stays a shared variable of its inner graph). Inside an OpFromGraph,
the variables it was built from (``op.inputs``) stand for its inner inputs, as in Theano 1.0, so a
replacement may be written on either. A shared variable with an
update (``default_update``, or an ``update`` attribute) cannot be brought into an inner graph
this way (the loop would have to return its updates): ``NotImplementedError``.
"""

from theano.graph.basic import Constant, Variable, clone_replace, graph_inputs, io_toposort

__all__ = ["map_variables"]


def _has_update(v):
    from theano.compile.sharedvalue import SharedVariable

    return isinstance(v, SharedVariable) and (
        getattr(v, "default_update", None) is not None or getattr(v, "update", None) is not None)


def map_variables(replacer, graphs, additional_inputs=None):
    """The graphs ``graphs`` (a list of variables) rebuilt with each variable ``v`` replaced by
    ``replacer(v)`` (see the module docstring), in the same order.

    ``additional_inputs``: Theano 1.0's list of variables the replacements may use besides the
    graphs' own inputs; accepted, nothing needs declaring here.

    Example: with ``ab = a + b`` and ``ab.tag.replacement = a * b``,
    ``map_variables(lambda v: getattr(v.tag, "replacement", v), [ab + c])`` is ``[a * b + c]``.
    """
    if callable(graphs) and not callable(replacer):
        raise TypeError("map_variables(replacer, graphs): the function comes first")
    if not callable(replacer):
        raise TypeError(f"map_variables: replacer must be a function, got {replacer!r}")
    graphs = list(graphs)
    for g in graphs:
        if not isinstance(g, Variable):
            raise TypeError(f"map_variables: graphs must be symbolic variables, got {g!r}")
    return _map(replacer, graphs, set())


class _Scope:
    """An inner graph being mapped: its inputs, and the outer variables brought in (each with the
    inner input that stands for it)."""

    def __init__(self, inner_inputs, reuse, keep_shared, owner, alias=()):
        self.inner_set = set(inner_inputs)
        self.reuse = dict(reuse)      # {variable of the enclosing graph: inner input}
        # {variable an OpFromGraph was built from: the inner input that stands for it}
        self.alias = dict(alias)
        self.added = []               # [(variable of the enclosing graph, new inner input)]
        self.keep_shared = keep_shared
        self.owner = owner


def _bring(root, scopes, d, v):
    """The variable of inner graph ``scopes[d]`` that stands for ``root`` (a root of a
    replacement of ``v``), made an input of that graph (and of the graphs around it) if needed."""
    from theano.compile.sharedvalue import SharedVariable

    s = scopes[d]
    if root in s.alias:
        return s.alias[root]
    if root in s.inner_set or isinstance(root, Constant):
        return root
    if _has_update(root):
        raise NotImplementedError(
            f"map_variables: the replacement of {v} brings the shared variable {root}, which has "
            f"an update, into the inner graph of {s.owner}; a loop or OpFromGraph cannot take a "
            "shared variable's update from a replacement")
    if s.keep_shared and isinstance(root, SharedVariable):
        return root
    outer = _bring(root, scopes, d - 1, v) if d > 0 else root
    ph = s.reuse.get(outer)
    if ph is None:
        ph = root.type()
        ph.name = root.name
        s.reuse[outer] = ph
        s.inner_set.add(ph)
        s.added.append((outer, ph))
    return ph


def _map(replacer, graphs, given, scopes=()):
    """``given``: variables ``replacer`` returned (never replaced again); ``scopes``: the inner
    graphs being mapped, outermost first (``graphs`` belong to the last)."""

    def replace(v):
        if v in given:
            return v
        new = replacer(v)
        if not isinstance(new, Variable):
            raise TypeError(f"map_variables: the replacer returned {new!r} for {v}, not a variable")
        if scopes and new is not v:
            d = len(scopes) - 1
            swap = {}
            for root in graph_inputs([new]):
                inner = _bring(root, scopes, d, v)
                if inner is not root:
                    swap[root] = inner
            if swap:
                new = clone_replace(new, swap, strict=True)
        given.add(new)
        return new

    new_of = {}
    for v in graph_inputs(graphs):
        new_of[v] = replace(v)
    for node in io_toposort([], graphs):
        inputs = [new_of.get(i, i) for i in node.inputs]
        if _is_scan(node.op):
            outs = _map_scan(replacer, node, inputs, scopes)
        elif _is_op_from_graph(node.op):
            outs = _map_op_from_graph(replacer, node, inputs, scopes)
        else:
            if all(a is b for a, b in zip(inputs, node.inputs)):
                outs = node.outputs
            else:
                outs = node.clone_with_new_inputs(inputs, strict=False).outputs
            outs = [replace(o) for o in outs]
        for old, new in zip(node.outputs, outs):
            new_of[old] = new
    return [new_of.get(g, g) for g in graphs]


def _is_scan(op):
    from theano.scan.op import Scan

    return isinstance(op, Scan)


def _is_op_from_graph(op):
    from theano.compile.builders import OpFromGraph

    return isinstance(op, OpFromGraph)


def _map_scan(replacer, node, inputs, scopes):
    from theano.scan.op import Scan

    op = node.op
    scope = _Scope(op.inner_inputs, zip(op.outer_non_seqs(node), op.inner_non_seqs()), False, op)
    new_out = _map(replacer, list(op.inner_outputs), set(), tuple(scopes) + (scope,))
    added = scope.added
    if not added and all(a is b for a, b in zip(new_out, op.inner_outputs)):
        new_op = op
    else:
        new_op = Scan(list(op.inner_inputs) + [ph for _, ph in added], new_out, op.buffers,
                      n_acc=op.n_acc, n_untraced=op.n_untraced,
                      n_nonseq=op.n_nonseq + len(added), reverse=op.reverse,
                      as_while=op.as_while, truncate_gradient=op.truncate_gradient,
                      mode=op.mode, name=op.name, record_untraced=op.record_untraced)
    if new_op is op and all(a is b for a, b in zip(inputs, node.inputs)):
        return node.outputs
    return new_op(*inputs, *[outer for outer, _ in added], return_list=True)


def _map_op_from_graph(replacer, node, inputs, scopes):
    from theano.compile.builders import OpFromGraph

    op = node.op
    n = op.n_explicit
    shared_ph = op.inner_inputs[n:]
    # a replacement may be written on the variables the op was built from (``op.inputs``, as
    # in Theano 1.0, whose inner graph was built on them): they stand for the inner inputs
    given_inputs = getattr(op, "inputs", None) or []
    scope = _Scope(op.inner_inputs, zip(op.shared_inputs, shared_ph), True, op,
                   alias=zip(given_inputs, op.inner_inputs[:n]))
    new_out = _map(replacer, list(op.inner_outputs), set(), tuple(scopes) + (scope,))
    added = scope.added
    if not added and all(a is b for a, b in zip(new_out, op.inner_outputs)):
        if all(a is b for a, b in zip(inputs, node.inputs)):
            return node.outputs
        return op(*inputs[:n], *inputs[n:], return_list=True)
    overridden = [k for k in ("grad_overrides", "lop_overrides", "rop_overrides")
                  if not (isinstance(getattr(op, k), str) and getattr(op, k) == "default")]
    if added and (overridden or op._connection_pattern is not None):
        raise NotImplementedError(
            f"map_variables: the replacements bring new inputs into {op}, whose "
            f"{', '.join(overridden) or 'connection_pattern'} was given for its own inputs")
    # the shared variables of the inner graph are the shared variables themselves again
    new_out = clone_replace(new_out, dict(zip(shared_ph, op.shared_inputs)), strict=True)
    explicit = list(op.inner_inputs[:n]) + [ph for _, ph in added]
    new_op = OpFromGraph(explicit, new_out, inline=op.is_inline, grad_overrides=op.grad_overrides,
                         lop_overrides=op.lop_overrides, rop_overrides=op.rop_overrides,
                         connection_pattern=op._connection_pattern, name=op.name, **op.kwargs)
    # the node's inputs for the shared variables (mapped like any other root) come after the
    # explicit ones, in the new op's order of its shared variables
    shared_given = dict(zip(op.shared_inputs, inputs[n:]))
    return new_op(*inputs[:n], *[outer for outer, _ in added],
                  *[shared_given.get(s, s) for s in new_op.shared_inputs], return_list=True)
