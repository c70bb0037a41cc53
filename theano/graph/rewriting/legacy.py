"""Theano 1.0's graph-optimization API (``theano.gof.opt``), as thin layers over this engine.

Programs written against Theano's "Graph optimization" tutorial define

- local optimizers: ``@local_optimizer([op])`` on ``fn(node)`` (or ``fn(fgraph, node)``), or a
  ``LocalOptimizer`` subclass with ``transform(node)`` and ``tracks()``; ``OpSub``, ``OpRemove``
  and ``PatternSub`` (a pattern of nested tuples) are ready-made ones;
- global optimizers: an ``Optimizer`` subclass with ``apply(fgraph)`` (and ``add_requirements``),
  applied with ``opt.optimize(fgraph)``; ``TopoOptimizer``/``in2out``/``out2in``/
  ``EquilibriumOptimizer`` run local optimizers over a graph;
- registrations: ``optdb.register(name, opt, position, *tags)`` (``theano.compile.optdb``).

There is one engine: a local optimizer becomes a ``NodeRewriter`` (``as_node_rewriters``) that the
worklist runs, a global one a ``GraphRewriter`` (``as_graph_rewriter``) that reports how many
changes it made, and ``optdb`` registers both in ``rewrite_db`` in the phase that Theano's position
falls in (``phase_of_position``).
"""

import warnings
import weakref

import numpy as np

from theano.graph.basic import Constant, Variable
from theano.graph.op import Op
from theano.graph.fg import InconsistencyError
from theano.graph.rewriting.basic import (GraphRewriter, NodeRewriter, RewriteWarning,
                                          WorklistRunner, _positional_arity, merge_graph)

# --------------------------------------------------------------------------------------------------
# Local optimizers
# --------------------------------------------------------------------------------------------------


def _call_transform(transform, fgraph, node):
    """Call Theano's ``transform(node)`` or the newer ``transform(fgraph, node)``."""
    if _positional_arity(transform) == 1:
        return transform(node)
    return transform(fgraph, node)


def _clean_result(result):
    """A Theano local optimizer's answer as the engine reads it (False/None: no change; a dict may
    carry Theano's ``"remove"`` key, which the engine does not need: replaced nodes are pruned)."""
    if result is None or result is False:
        return None
    if isinstance(result, dict) and "remove" in result:
        result = {k: v for k, v in result.items() if k != "remove"}
    return result


class _Named:
    """The name (its class's name unless set), ``__name__`` and summary line Theano 1.0's local
    and global optimizers both had."""

    @property
    def name(self):
        return self.__dict__.get("_name") or type(self).__name__

    @name.setter
    def name(self, value):
        self.__dict__["_name"] = value

    @property
    def __name__(self):
        return self.name

    def print_summary(self, stream=None, level=0, depth=-1):
        import sys

        print(f"{' ' * level}{self.name} id={id(self)}", file=stream or sys.stdout)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class LocalOptimizer(_Named):
    """Theano's base class of local optimizers: subclass it with ``transform(node)`` returning False
    or None (no change), a list of replacements for ``node.outputs`` or a dict {old: new}, and
    ``tracks()`` returning the op classes/instances it applies to (None: every node)."""

    def tracks(self):
        return None

    def transform(self, node):
        raise NotImplementedError(f"{type(self).__name__} must define transform(node)")

    def add_requirements(self, fgraph):
        """Attach the features ``transform`` needs to ``fgraph`` (none by default)."""



class FromFunctionLocalOptimizer(NodeRewriter):
    """What ``@local_optimizer`` makes: a NodeRewriter (so the engine and every ``register_*`` take
    it as it is) that also answers Theano's ``transform(node)`` and keeps ``requirements``."""

    def __init__(self, fn, tracks=None, name=None, requirements=()):
        super().__init__(fn, tracks, name)
        self.requirements = tuple(requirements)

    def transform(self, *args):
        fgraph, node = (None, args[0]) if len(args) == 1 else args
        return _clean_result(super().transform(fgraph, node))

    def add_requirements(self, fgraph):
        for req in self.requirements:
            req(fgraph)


def local_optimizer(tracks, inplace=False, requirements=()):
    """Theano's decorator: ``fn(node)`` (or ``fn(fgraph, node)``) as a local optimizer of the nodes
    whose op is in ``tracks`` (op classes and/or instances; None: every node). ``inplace=True``
    adds the requirement of a destroy handler."""
    if tracks is not None:
        if not isinstance(tracks, (list, tuple)) or len(tracks) == 0:
            raise ValueError("local_optimizer's tracks must be a non-empty list of ops or op classes, "
                             f"or None, got {tracks!r}")
        for t in tracks:
            if not (isinstance(t, Op) or (isinstance(t, type)) or hasattr(t, "rewrite_key")):
                raise ValueError(f"local_optimizer tracks op classes or instances, got {t!r}")
    reqs = tuple(requirements)
    if inplace:
        reqs = reqs + (_attach_destroy_handler,)

    def deco(fn):
        return FromFunctionLocalOptimizer(fn, tracks, fn.__name__, reqs)

    return deco


def _attach_destroy_handler(fgraph):
    from theano.graph.destroyhandler import get_destroy_handler

    get_destroy_handler(fgraph)


class LocalOptGroup(LocalOptimizer):
    """Several local optimizers tried in turn on each node (the first that changes it wins)."""

    def __init__(self, *optimizers, **kwargs):
        if len(optimizers) == 1 and isinstance(optimizers[0], (list, tuple)):
            optimizers = optimizers[0]
        self.opts = list(optimizers)
        self.name = kwargs.get("name") or "LocalOptGroup"

    def tracks(self):
        out = []
        for o in self.opts:
            for rw in as_node_rewriters(o):
                if rw.tracks is None:
                    return None
                out.extend(rw.tracks)
        return out

    def transform(self, *args):
        fgraph, node = (None, args[0]) if len(args) == 1 else args
        for rw in [r for o in self.opts for r in as_node_rewriters(o)]:
            if rw.tracks is not None and not _tracked(rw, node.op):
                continue
            result = _clean_result(rw.transform(fgraph, node))
            if result:
                return result
        return False

    def add_requirements(self, fgraph):
        _add_local_requirements(self.opts, fgraph)


def _tracked(rw, op):
    from theano.graph.rewriting.basic import RewriterIndex

    return rw in RewriterIndex([rw]).get(op)


class _LocalAdapter(NodeRewriter):
    """A ``LocalOptimizer`` object run by the engine: calls its ``transform`` and, once per graph,
    its ``add_requirements``."""

    def __init__(self, lopt):
        tracks = lopt.tracks()
        super().__init__(self._run, None if tracks is None else list(tracks), lopt.name)
        self.lopt = lopt
        self._prepared = weakref.WeakSet()

    def prepare(self, fgraph):
        """The local optimizer's ``add_requirements``, once per graph."""
        if fgraph is not None and fgraph not in self._prepared:
            self.lopt.add_requirements(fgraph)
            self._prepared.add(fgraph)

    def _run(self, fgraph, node):
        self.prepare(fgraph)
        return _clean_result(_call_transform(self.lopt.transform, fgraph, node))


def as_node_rewriters(obj):
    """The NodeRewriters the engine runs for a local optimizer of any of Theano's forms."""
    if isinstance(obj, LocalOptGroup):
        return [rw for o in obj.opts for rw in as_node_rewriters(o)]
    if isinstance(obj, NodeRewriter):
        return [obj]
    if isinstance(obj, LocalOptimizer):
        adapter = obj.__dict__.get("_node_rewriter")
        if adapter is None:
            adapter = obj.__dict__["_node_rewriter"] = _LocalAdapter(obj)
        return [adapter]
    raise TypeError(f"{obj!r} is not a local optimizer (a LocalOptimizer, a NodeRewriter or the "
                    "result of @local_optimizer)")


def _is_local(obj):
    return isinstance(obj, (LocalOptimizer, NodeRewriter))


class OpSub(LocalOptimizer):
    """Replace every application of ``op1`` by ``op2`` applied to the same inputs."""

    def __init__(self, op1, op2, transfer_tags=True):
        self.op1, self.op2 = op1, op2
        self.transfer_tags = transfer_tags
        self.name = f"OpSub({op1}, {op2})"

    def tracks(self):
        return [self.op1]

    def transform(self, node):
        if node.op != self.op1:
            return False
        return self.op2.make_node(*node.inputs).outputs


class OpRemove(LocalOptimizer):
    """Remove every application of ``op`` (one output per input): its outputs become its inputs."""

    def __init__(self, op):
        self.op = op
        self.name = f"OpRemove({op})"

    def tracks(self):
        return [self.op]

    def transform(self, node):
        if node.op != self.op:
            return False
        return list(node.inputs)


# --------------------------------------------------------------------------------------------------
# PatternSub
# --------------------------------------------------------------------------------------------------


def _constants_equal(a, b):
    try:
        return a.signature() == b.signature()
    except Exception:  # noqa: BLE001 - unhashable/unsupported: compare the data
        return bool(np.all(np.asarray(a.data) == np.asarray(b.data)))


class PatternSub(LocalOptimizer):
    """Replace what matches ``in_pattern`` by ``out_pattern`` (Theano's pattern language).

    A pattern is a tuple ``(op, sub-pattern, ...)`` matching a node of that op with those inputs, a
    string naming a variable (the same string twice must match the same variable), a Constant or
    a number (a constant of that value), or a dict ``{'pattern': p, 'constraint': fn}`` that
    also requires ``fn(variable)``. The output pattern is built from the same pieces: strings are
    the matched variables, tuples apply their op. Inner nodes of the match must have no other
    client unless ``allow_multiple_clients``.
    """

    def __init__(self, in_pattern, out_pattern, allow_multiple_clients=False, skip_identities_fn=None,
                 name=None, pdb=False, tracks=(), get_nodes=None, values_eq_approx=None):
        root = in_pattern["pattern"] if isinstance(in_pattern, dict) else in_pattern
        if not isinstance(root, (list, tuple)) or not root:
            raise TypeError("PatternSub's in_pattern must be a tuple (op, ...) or a dict with one as its "
                            f"'pattern', got {in_pattern!r}")
        self.in_pattern = in_pattern
        self.out_pattern = out_pattern
        self.op = root[0]
        self.allow_multiple_clients = allow_multiple_clients
        self.skip_identities_fn = skip_identities_fn
        self._tracks = list(tracks) or [self.op]
        self.name = name or f"PatternSub({_pattern_str(in_pattern)} -> {_pattern_str(out_pattern)})"

    def tracks(self):
        return self._tracks

    def transform(self, *args):
        """``transform(node)`` (Theano's) or ``transform(fgraph, node)``; the clients test of
        ``allow_multiple_clients=False`` needs the graph."""
        fgraph, node = (None, args[0]) if len(args) == 1 else args
        if node.op != self.op or len(node.outputs) != 1:
            return False
        binds = self._match(self.in_pattern, node.outputs[0], {}, fgraph, root=True)
        if binds is None:
            return False
        new = self._build(self.out_pattern, binds)
        if isinstance(new, (list, tuple)):
            new = new[0]
        if not isinstance(new, Variable):
            return False
        old = node.outputs[0]
        if new.type != old.type and old.type.convert_variable(new) is None:
            return False
        return [new]

    def _match(self, pat, var, binds, fgraph, root=False):
        """``binds`` extended by matching ``pat`` against ``var``, or None."""
        if self.skip_identities_fn is not None and not root:
            skipped = self.skip_identities_fn(var)
            if skipped is not None:
                var = skipped
        if isinstance(pat, dict):
            binds = self._match(pat["pattern"], var, binds, fgraph, root)
            if binds is None:
                return None
            constraint = pat.get("constraint")
            return binds if constraint is None or constraint(var) else None
        if isinstance(pat, (list, tuple)):
            node = var.owner
            if node is None or node.op != pat[0] or len(node.inputs) != len(pat) - 1:
                return None
            if not root and not self.allow_multiple_clients and fgraph is not None \
                    and len(fgraph.clients.get(var, ())) > 1:
                return None
            for sub, inp in zip(pat[1:], node.inputs):
                binds = self._match(sub, inp, binds, fgraph)
                if binds is None:
                    return None
            return binds
        if isinstance(pat, str):
            bound = binds.get(pat)
            if bound is None:
                return {**binds, pat: var}
            if bound is var or (isinstance(bound, Constant) and isinstance(var, Constant)
                                and _constants_equal(bound, var)):
                return binds
            return None
        if isinstance(pat, Constant):
            return binds if isinstance(var, Constant) and _constants_equal(pat, var) else None
        if isinstance(pat, Variable):
            return binds if pat is var else None
        if isinstance(pat, (int, float, complex, np.number, np.ndarray)):
            const = _viewed_constant(var)
            if const is not None:
                data = np.asarray(const.data)
                if data.size and np.all(data == pat):
                    return binds
            return None
        raise TypeError(f"PatternSub: cannot match the pattern {pat!r}")

    def _build(self, pat, binds):
        if isinstance(pat, str):
            return binds[pat]
        if isinstance(pat, (list, tuple)):
            return pat[0](*[self._build(p, binds) for p in pat[1:]])
        if isinstance(pat, dict):
            return self._build(pat["pattern"], binds)
        return pat


def _viewed_constant(var):
    """The Constant that ``var`` is, or is a view of (through ops whose one output aliases their
    first input, as ``x * 2`` broadcasts its 2): every value of ``var`` is one of its values."""
    while not isinstance(var, Constant):
        node = var.owner
        if node is None or len(node.outputs) != 1 or getattr(node.op, "view_map", None) != {0: [0]}:
            return None
        var = node.inputs[0]
    return var


def _pattern_str(pat):
    if isinstance(pat, dict):
        return _pattern_str(pat["pattern"])
    if isinstance(pat, (list, tuple)):
        return f"{pat[0]}({', '.join(_pattern_str(p) for p in pat[1:])})"
    return str(pat)


# --------------------------------------------------------------------------------------------------
# Global optimizers
# --------------------------------------------------------------------------------------------------


class _ChangeCounter:
    """A feature counting the inputs a graph rewrite changed."""

    def __init__(self):
        self.count = 0

    def on_change_input(self, fgraph, node, i, old, new, reason=None):
        self.count += 1


class Optimizer(_Named):
    """Theano's base class of global optimizers: subclass it with ``apply(fgraph)`` (and
    ``add_requirements(fgraph)``); ``opt.optimize(fgraph)`` attaches the requirements and applies."""

    def apply(self, fgraph):
        raise NotImplementedError(f"{type(self).__name__} must define apply(fgraph)")

    def add_requirements(self, fgraph):
        """Attach the features ``apply`` needs to ``fgraph`` (none by default)."""

    def optimize(self, fgraph, *args, **kwargs):
        self.add_requirements(fgraph)
        return self.apply(fgraph, *args, **kwargs)

    def __call__(self, fgraph):
        return self.optimize(fgraph)



GlobalOptimizer = Optimizer


def _add_local_requirements(lopts, fgraph):
    for o in lopts:
        for rw in as_node_rewriters(o):
            if isinstance(rw, _LocalAdapter):
                rw.prepare(fgraph)
            elif hasattr(rw, "add_requirements"):
                rw.add_requirements(fgraph)


def _add_global_requirements(opts, fgraph):
    for o in opts:
        req = getattr(o, "add_requirements", None)  # a GraphRewriter has none
        if req is not None:
            req(fgraph)


class NavigatorOptimizer(Optimizer):
    """Theano's base of the optimizers that walk the graph applying a local optimizer
    (TopoOptimizer, OpKeyOptimizer). ``failure_callback(exc, navigator, replacement_pairs,
    local_opt, node)`` is called when the local optimizer or its replacement raises (instead of
    the warning that ``config.on_opt_error`` chooses); ``NavigatorOptimizer.warn``,
    ``warn_inplace`` (silent for InconsistencyError: an in-place rewrite refused) and
    ``warn_ignore`` are Theano's ready-made ones."""

    @staticmethod
    def warn(exc, nav, repl_pairs, local_opt, node):
        """Warn about the failure (raise it when ``config.on_opt_error`` is 'raise')."""
        from theano.configdefaults import config

        if getattr(config, "on_opt_error", "warn") in ("raise", "pdb"):
            raise exc
        if getattr(config, "on_opt_error", "warn") == "ignore":
            return
        warnings.warn(f"Optimization failure due to: {local_opt} on {node}: "
                      f"{type(exc).__name__}: {exc}", RewriteWarning, stacklevel=2)

    @staticmethod
    def warn_inplace(exc, nav, repl_pairs, local_opt, node):
        """As ``warn``, but an InconsistencyError (an in-place rewrite refused) is silent."""
        if isinstance(exc, InconsistencyError):
            return
        return NavigatorOptimizer.warn(exc, nav, repl_pairs, local_opt, node)

    @staticmethod
    def warn_ignore(exc, nav, repl_pairs, local_opt, node):
        """Ignore the failure."""


class TopoOptimizer(NavigatorOptimizer):
    """Apply a local optimizer to every node, inputs first ('in_to_out') or outputs first
    ('out_to_in'), following the nodes a replacement builds unless ``ignore_newtrees``."""

    def __init__(self, local_opt, order="in_to_out", ignore_newtrees=False, failure_callback=None):
        if failure_callback is not None and not callable(failure_callback):
            raise TypeError(f"TopoOptimizer: failure_callback must be callable, got "
                            f"{failure_callback!r}")
        self.local_opt = local_opt
        self.order = order
        self.ignore_newtrees = ignore_newtrees
        self.failure_callback = failure_callback
        self.runner = WorklistRunner(as_node_rewriters(local_opt), name=getattr(local_opt, "name", "topo"),
                                     order=order, follow_new=not ignore_newtrees)
        self.runner.failure_callback = failure_callback
        self.runner.validate = True     # Theano 1.0: replace_all_validate where the graph has it
        self.name = f"TopoOptimizer({getattr(local_opt, 'name', local_opt)})"

    def add_requirements(self, fgraph):
        _add_local_requirements([self.local_opt], fgraph)

    def apply(self, fgraph):
        return self.runner.apply(fgraph)


class OpKeyOptimizer(TopoOptimizer):
    """Theano's optimizer that visits the nodes of the op a local optimizer tracks (the engine's
    worklist only offers a node to the rewrites that track its op anyway)."""

    def __init__(self, local_opt, ignore_newtrees=False, failure_callback=None):
        super().__init__(local_opt, "in_to_out", ignore_newtrees, failure_callback)


def in2out(*local_opts, **kwargs):
    """A TopoOptimizer of the given local optimizers, inputs first."""
    name = kwargs.pop("name", None)
    group = local_opts[0] if len(local_opts) == 1 else LocalOptGroup(*local_opts)
    opt = TopoOptimizer(group, order="in_to_out", ignore_newtrees=kwargs.get("ignore_newtrees", False),
                        failure_callback=kwargs.get("failure_callback"))
    if name:
        opt.name = name
    return opt


def out2in(*local_opts, **kwargs):
    """A TopoOptimizer of the given local optimizers, outputs first."""
    name = kwargs.pop("name", None)
    group = local_opts[0] if len(local_opts) == 1 else LocalOptGroup(*local_opts)
    opt = TopoOptimizer(group, order="out_to_in", ignore_newtrees=kwargs.get("ignore_newtrees", False),
                        failure_callback=kwargs.get("failure_callback"))
    if name:
        opt.name = name
    return opt


class EquilibriumOptimizer(Optimizer):
    """Apply local and global optimizers until none changes the graph (at most ``max_use_ratio``
    times the number of nodes rewrites per local optimizer, as in Theano)."""

    def __init__(self, optimizers, failure_callback=None, ignore_newtrees=True,
                 tracks_on_change_inputs=False, max_use_ratio=None, final_optimizers=None,
                 cleanup_optimizers=None):
        if max_use_ratio is None:
            raise ValueError("EquilibriumOptimizer needs max_use_ratio (Theano's config.optdb.max_use_ratio"
                             " is 8)")
        self.local_opts = [o for o in optimizers if _is_local(o)]
        self.global_opts = [o for o in optimizers if not _is_local(o)]
        self.final_opts = list(final_optimizers or ())
        self.cleanup_opts = list(cleanup_optimizers or ())
        self.max_use_ratio = max_use_ratio
        self.runner = WorklistRunner([rw for o in self.local_opts for rw in as_node_rewriters(o)],
                                     name="equilibrium", max_factor=max(1, int(max_use_ratio)))
        self.runner.validate = True
        self.runner.failure_callback = failure_callback

    def add_requirements(self, fgraph):
        _add_local_requirements(self.local_opts, fgraph)
        _add_global_requirements(self.global_opts + self.final_opts + self.cleanup_opts, fgraph)

    def apply(self, fgraph):
        total = 0
        max_rounds = max(1, int(self.max_use_ratio * (len(fgraph.apply_nodes) + 1)))
        # Theano 1.0: each local optimizer may be used max_use_ratio times the number of nodes
        # the graph had at the start; one used more often ends the run after that use
        max_use = self.max_use_ratio * len(fgraph.apply_nodes)
        uses = {}
        for _ in range(max_rounds):
            changed = self.runner.apply(fgraph, use_counts=uses, max_use=max_use)
            if self.runner.maxed_out is not None:
                warnings.warn(f"EquilibriumOptimizer max'ed out by {self.runner.maxed_out!r} "
                              f"(max_use_ratio={self.max_use_ratio}): the graph may not be fully "
                              "rewritten", RewriteWarning, stacklevel=2)
                return total + changed
            for o in self.global_opts + self.final_opts:
                changed += as_graph_rewriter(o).apply(fgraph)
            if changed:
                for o in self.cleanup_opts:
                    as_graph_rewriter(o).apply(fgraph)
            total += changed
            if not changed:
                return total
        warnings.warn("EquilibriumOptimizer stopped before a fixed point (max_use_ratio reached)",
                      stacklevel=2)
        return total


class SeqOptimizer(Optimizer):
    """Global optimizers applied one after the other."""

    def __init__(self, *opts, **kwargs):
        if len(opts) == 1 and isinstance(opts[0], (list, tuple)):
            opts = opts[0]
        self.opts = list(opts)

    def add_requirements(self, fgraph):
        _add_global_requirements(self.opts, fgraph)

    def apply(self, fgraph):
        return sum(as_graph_rewriter(o).apply(fgraph) for o in self.opts)


class MergeOptimizer(Optimizer):
    """Merge identical computations (the engine's ``merge_graph``) after, as Theano 1.0's, making
    the uses of equal constants (same type and value: ``Constant.signature()``) one constant's
    (the first in graph order)."""

    def apply(self, fgraph):
        first = {}
        merged = 0
        constants = [v for v in fgraph.inputs if isinstance(v, Constant)]
        seen = set(constants)
        for node in fgraph.toposort_without_orderings():
            for v in node.inputs:
                if isinstance(v, Constant) and v not in seen:
                    seen.add(v)
                    constants.append(v)
        for c in constants:
            key = _constant_key(c)
            if key is None:
                continue
            keep = first.setdefault(key, c)
            if keep is not c and fgraph.clients.get(c):
                fgraph.replace(c, keep, reason="merge")
                merged += 1
        return merged + merge_graph(fgraph)


def _constant_key(c):
    """What equal constants share (type and value: ``Constant.signature()``), or None for data
    that cannot be hashed (such a constant is never merged)."""
    try:
        key = c.signature()
        hash(key)
    except Exception:  # noqa: BLE001 - unhashable data
        return None
    return key


def pre_constant_merge(vars):
    """Theano 1.0's ``pre_constant_merge``: the variables ``vars`` (one variable or a list), as a
    list, with the equal constants of their graph (same type and value: ``Constant.signature()``)
    made one, the first met from the roots. Theano changed the nodes in place; here the graph
    given is left as it is and a new one is returned where anything was merged."""
    from theano.graph.basic import clone_replace, io_toposort

    vars = [vars] if isinstance(vars, Variable) else list(vars)
    for v in vars:
        if not isinstance(v, Variable):
            raise TypeError(f"pre_constant_merge: expected symbolic variables, got {v!r}")
    constants = []
    seen = set()
    for v in [i for node in io_toposort([], vars) for i in node.inputs] + vars:
        if isinstance(v, Constant) and v not in seen:
            seen.add(v)
            constants.append(v)
    first = {}
    replace = {}
    for c in constants:
        key = _constant_key(c)
        if key is None:
            continue
        keep = first.setdefault(key, c)
        if keep is not c:
            replace[c] = keep
    if not replace:
        return vars
    return clone_replace(vars, replace, strict=True)


def pre_greedy_local_optimizer(list_optimizations, out):
    """Theano 1.0's ``pre_greedy_local_optimizer``: the graph of ``out`` (a variable, or a list)
    with the local optimizers ``list_optimizations`` applied once to each node, from the roots to
    ``out``, before any FunctionGraph exists (each node sees its inputs already rewritten; the first
    optimizer that changes a node wins; no repetition to a fixed point, as in Theano). Its use: fold
    the constant parts of a graph (``[theano.tensor.opt.constant_folding]``). The given graph is
    left as it is."""
    from theano.graph.basic import io_toposort

    single = isinstance(out, Variable)
    outs = [out] if single else list(out)
    for v in outs:
        if not isinstance(v, Variable):
            raise TypeError(f"pre_greedy_local_optimizer: expected a symbolic variable, got {v!r}")
    rewriters = [rw for o in list_optimizations for rw in as_node_rewriters(o)]
    new_of = {}
    for node in io_toposort([], outs):
        inputs = [new_of.get(i, i) for i in node.inputs]
        if all(a is b for a, b in zip(inputs, node.inputs)):
            current = node
        else:
            current = node.clone_with_new_inputs(inputs, strict=False)
        replacements = list(current.outputs)
        for rw in rewriters:
            if rw.tracks is not None and not _tracked(rw, current.op):
                continue
            res = _clean_result(rw.transform(None, current))
            if res is None:
                continue
            if isinstance(res, dict):
                replacements = [res.get(o, o) for o in current.outputs]
            else:
                res = list(res)
                if len(res) != len(current.outputs):
                    raise ValueError(f"pre_greedy_local_optimizer: {rw.name} returned {len(res)} "
                                     f"replacements for the {len(current.outputs)} outputs of "
                                     f"{current}")
                replacements = [o if r is None else r for o, r in zip(current.outputs, res)]
            break
        for old, new in zip(node.outputs, replacements):
            new_of[old] = new
    result = [new_of.get(v, v) for v in outs]
    return result[0] if single else result


def as_graph_rewriter(obj, name=None):
    """A GraphRewriter for a global optimizer (Theano's ``Optimizer``, a GraphRewriter, or a local
    optimizer run to a fixed point); its ``apply`` returns how many inputs it changed."""
    if isinstance(obj, GraphRewriter):
        return obj
    if _is_local(obj):
        obj = TopoOptimizer(obj)
    if not hasattr(obj, "apply"):
        raise TypeError(f"{obj!r} is not an optimizer (it has no apply(fgraph))")
    cached = obj.__dict__.get("_graph_rewriter") if hasattr(obj, "__dict__") else None
    if cached is not None:
        return cached

    def run(fgraph):
        counter = _ChangeCounter()
        fgraph.attach_feature(counter)
        try:
            if hasattr(obj, "optimize"):
                obj.optimize(fgraph)
            else:
                obj.add_requirements(fgraph)
                obj.apply(fgraph)
        finally:
            fgraph.remove_feature(counter)
        return counter.count

    rw = GraphRewriter(run, name or getattr(obj, "name", None) or type(obj).__name__)
    if hasattr(obj, "__dict__"):
        obj.__dict__["_graph_rewriter"] = rw
    return rw


def as_rewriter(obj):
    """What the rewrite database stores for any of Theano's optimizer forms: a NodeRewriter for a
    local optimizer, a GraphRewriter for a global one."""
    if isinstance(obj, (NodeRewriter, GraphRewriter)):
        return obj
    if isinstance(obj, LocalOptGroup):
        return as_graph_rewriter(obj)
    if isinstance(obj, LocalOptimizer):
        return as_node_rewriters(obj)[0]
    return as_graph_rewriter(obj)


# --------------------------------------------------------------------------------------------------
# Stack traces
# --------------------------------------------------------------------------------------------------


def copy_stack_trace(from_var, to_var):
    """Give the node(s) computing ``to_var`` (a variable or a list) the creation trace of the
    first of ``from_var`` (a variable or a list) that has one."""
    froms = from_var if isinstance(from_var, (list, tuple)) else [from_var]
    tos = to_var if isinstance(to_var, (list, tuple)) else [to_var]
    trace = next((v.owner.creation_trace for v in froms
                  if v.owner is not None and getattr(v.owner, "creation_trace", None) is not None),
                 None)
    if trace is None:
        return
    for v in tos:
        if v.owner is not None:
            v.owner.creation_trace = trace


def check_stack_trace(f_or_fgraph, ops_to_check="last", bug_print="raise"):
    """Whether every checked node of a compiled function (or FunctionGraph) carries a creation
    trace. ``ops_to_check``: 'last' (the nodes computing the outputs), 'all', an op instance or
    class, a list of them, or a function of a node. When nothing is checked, ``bug_print`` says
    what to do: 'raise' (ValueError), 'warn' or 'ignore' (then the answer is True)."""
    if bug_print not in ("raise", "warn", "ignore"):
        raise ValueError(f"bug_print must be 'raise', 'warn' or 'ignore', got {bug_print!r}")
    maker = getattr(f_or_fgraph, "maker", None)
    fgraph = maker.fgraph if maker is not None else f_or_fgraph
    if isinstance(ops_to_check, str):
        if ops_to_check == "last":
            nodes = []
            for o in fgraph.outputs:
                if o.owner is not None and o.owner not in nodes:
                    nodes.append(o.owner)
        elif ops_to_check == "all":
            nodes = fgraph.toposort()
        else:
            raise ValueError(f"ops_to_check must be 'last', 'all', ops or a function, got {ops_to_check!r}")
    else:
        wanted = ops_to_check if isinstance(ops_to_check, (list, tuple)) else [ops_to_check]
        if all(isinstance(w, (Op, type)) for w in wanted):
            def selected(node):
                return any(node.op == w if isinstance(w, Op) else isinstance(node.op, w) for w in wanted)
        elif callable(ops_to_check):
            selected = ops_to_check
        else:
            raise ValueError(f"ops_to_check must be 'last', 'all', ops or a function, got {ops_to_check!r}")
        nodes = [n for n in fgraph.toposort() if selected(n)]
    if not nodes:
        msg = "check_stack_trace: the ops to check are not in the graph (or the graph is empty)"
        if bug_print == "raise":
            raise ValueError(msg)
        if bug_print == "warn":
            warnings.warn(msg, stacklevel=2)
        return True
    return all(getattr(n, "creation_trace", None) is not None for n in nodes)


# --------------------------------------------------------------------------------------------------
# optdb: Theano's sequence of optimizer databases, by position
# --------------------------------------------------------------------------------------------------

# Theano 1.0's positions: merge1 0, canonicalize 1, stabilize 1.5, specialize 2, uncanonicalize 3,
# specialize_device 48.6, merge2 and elemwise fusion 49, inplace 75, merge3 100.
_POSITION_BOUNDS = ((1, "merge"), (1.5, "canonicalize"), (2, "stabilize"), (49, "specialize"))

# Theano's sub-databases of optdb, and the phase each is here
_SUB_DBS = {"merge1": "merge", "canonicalize": "canonicalize", "stabilize": "stabilize",
            "specialize": "specialize", "uncanonicalize": "specialize",
            "specialize_device": "specialize", "merge2": "merge", "elemwise_fusion": "fusion",
            "inplace_opt": "inplace"}


def phase_of_position(position, tags=()):
    """The phase that Theano's optdb position falls in: below 1 merge, below 1.5 canonicalize,
    below 2 stabilize, below 49 specialize, from 49 fusion; positions from 75 run in the inplace
    phase only when tagged 'inplace' (the JAX backend skips that phase)."""
    position = float(position)
    for bound, phase in _POSITION_BOUNDS:
        if position < bound:
            return phase
    return "inplace" if position >= 75 and "inplace" in tags else "fusion"


_bound_dbs = {}  # name -> a DB registered in optdb (or in one of its phases)


def _register(phase, name, obj, tags, kwargs, fast_run=True, fast_compile=True):
    """Register ``obj`` in ``phase``; it runs in FAST_RUN when tagged 'fast_run' (and ``fast_run``
    allows: its database's tags), likewise for FAST_COMPILE. A DB brings its entries along."""
    from theano.graph.rewriting.db import rewrite_db

    tags = tuple(t for t in tags if isinstance(t, str))
    if isinstance(obj, DB):
        _bound_dbs[name] = obj
        obj._bind(phase, name, tags, fast_run and "fast_run" in tags,
                  fast_compile and "fast_compile" in tags)
        return obj
    rewrite_db.register(as_rewriter(obj), phase, *tags, name=name,
                        fast_run=fast_run and "fast_run" in tags,
                        fast_compile=fast_compile and "fast_compile" in tags)
    return obj


class DB:
    """Theano's optimizer databases (``theano.gof.optdb``): ``register(name, opt, *tags)``.
    Registered in ``optdb`` (``optdb.register('my_db', EquilibriumDB(), 1.7, 'fast_run')``), a DB
    puts its entries, those registered before and after, in the phase of its position, tagged
    with its name: an entry runs in FAST_RUN when both it and the DB are tagged 'fast_run'.
    Alone, ``db.query(*tags)`` gives an optimizer of the selected entries."""

    takes_position = False

    def __init__(self, *args, **kwargs):
        self._entries = {}
        self._binding = None

    def register(self, name, obj, *tags, **kwargs):
        if self.takes_position and tags and not isinstance(tags[0], str):
            tags = tags[1:]  # SequenceDB's position: order within a phase is registration order
        if name in self._entries:
            raise ValueError(f"The name {name!r} is already registered in this database")
        tags = tuple(t for t in tags if isinstance(t, str))
        # names and tags select entries alike (``query('name')``), so they must not collide
        known_tags = {t for _, ts in self._entries.values() for t in ts}
        if name in known_tags:
            raise ValueError(f"The name {name!r} is already used as a tag in this database")
        for t in tags:
            if t in self._entries:
                raise ValueError(f"The tag {t!r} is already the name of an entry of this database")
        self._entries[name] = (obj, tags)
        if self._binding is not None:
            self._push(name, obj, tags)
        return obj

    def _bind(self, phase, name, tags, fast_run, fast_compile):
        self._binding = (phase, name, tags, fast_run, fast_compile)
        for n, (obj, t) in self._entries.items():
            self._push(n, obj, t)

    def _push(self, name, obj, tags):
        phase, db_name, _, fast_run, fast_compile = self._binding
        _register(phase, name, obj, tags + (db_name,), {}, fast_run, fast_compile)

    def __getitem__(self, name):
        return self._entries[name][0]

    def __contains__(self, name):
        return name in self._entries

    def _selected(self, tags):
        if tags and isinstance(tags[0], Query):
            include, exclude = set(tags[0].include), set(tags[0].exclude)
        else:
            include = {t.lstrip("+") for t in tags if not t.startswith("-")}
            exclude = {t[1:] for t in tags if t.startswith("-")}
        out = []
        for name, (obj, t) in self._entries.items():
            mine = set(t) | {name}
            if mine & include and not mine & exclude:
                out.append(obj)
        return out

    def query(self, *tags, **kwtags):
        return SeqOptimizer(self._selected(tags))


class EquilibriumDB(DB):
    """Entries applied together until none changes the graph."""

    def query(self, *tags, **kwtags):
        return EquilibriumOptimizer(self._selected(tags), max_use_ratio=8)


class SequenceDB(DB):
    """Entries applied in turn; ``register(name, opt, position, *tags)``."""

    takes_position = True


class LocalGroupDB(DB):
    """Local optimizers tried in turn on each node."""

    def query(self, *tags, **kwtags):
        return LocalOptGroup(*self._selected(tags))


class _PhaseDB:
    """``optdb['canonicalize']`` and the like: ``register(name, opt, *tags)`` in one phase."""

    def __init__(self, name, phase):
        self.name = name
        self.phase = phase

    def register(self, name, obj, *tags, **kwargs):
        return _register(self.phase, name, obj, tags, kwargs)

    def __contains__(self, name):
        from theano.graph.rewriting.db import rewrite_db

        e = rewrite_db.entries.get(name)
        return e is not None and e.phase == self.phase

    def __repr__(self):
        return f"<optdb[{self.name!r}]: the {self.phase} phase>"


class Query:
    """Theano's selection of optimizers by tags: ``Query(include=['fast_run'], exclude=[...])``."""

    def __init__(self, include=(), require=(), exclude=(), subquery=None, position_cutoff=None,
                 extra_optimizations=None):
        self.include = tuple(include)
        self.require = tuple(require)
        self.exclude = tuple(exclude)
        # Theano's optdb positions above this are left out (here: the phases after its phase)
        self.position_cutoff = position_cutoff

    def including(self, *tags):
        return Query(self.include + tags, self.require, self.exclude, position_cutoff=self.position_cutoff)

    def excluding(self, *tags):
        return Query(self.include, self.require, self.exclude + tags, position_cutoff=self.position_cutoff)

    def requiring(self, *tags):
        return Query(self.include, self.require + tags, self.exclude, position_cutoff=self.position_cutoff)

    def __repr__(self):
        return f"Query(include={list(self.include)}, require={list(self.require)}, exclude={list(self.exclude)})"


def query_tags(query):
    """(including, excluding, requiring) tags for ``run_rewrites(fgraph, 'None', ...)`` that select
    what a Query selects; a ``position_cutoff`` excludes the phases after the one it falls in."""
    from theano.graph.rewriting.db import PHASES

    exclude = tuple(query.exclude)
    cutoff = getattr(query, "position_cutoff", None)
    if cutoff is not None:
        exclude += PHASES[PHASES.index(phase_of_position(cutoff)) + 1:]
    return tuple(query.include), exclude, tuple(query.require)


class QueriedOptimizer(Optimizer):
    """The registered rewrites that a query selects, run phase by phase (``optdb.query(...)``)."""

    def __init__(self, query):
        self.query = query
        self.name = repr(query)

    def apply(self, fgraph):
        from theano.graph.rewriting.db import run_rewrites

        include, exclude, require = query_tags(self.query)
        counter = _ChangeCounter()
        fgraph.attach_feature(counter)
        try:
            run_rewrites(fgraph, "None", include, exclude, require)
        finally:
            fgraph.remove_feature(counter)
        return counter.count


class OptDB:
    """Theano's ``theano.compile.optdb`` over ``rewrite_db``: ``register(name, opt, position, *tags)``
    puts a global or local optimizer in the phase of its position (``phase_of_position``); it runs
    in FAST_RUN when tagged 'fast_run', in FAST_COMPILE when tagged 'fast_compile', and whenever a
    mode includes its name or one of its tags. ``optdb['canonicalize'].register(name, opt, *tags)``
    registers in a phase; ``query(*tags)`` gives an optimizer of the selected rewrites."""

    def register(self, name, obj, position, *tags, **kwargs):
        if isinstance(position, str):  # Theano's sub-databases took no position: tags only
            tags, position = (position,) + tags, 1
        return _register(phase_of_position(position, tags), name, obj, tags, kwargs)

    def __getitem__(self, name):
        if name in _bound_dbs:
            return _bound_dbs[name]
        if name in _SUB_DBS:
            return _PhaseDB(name, _SUB_DBS[name])
        from theano.graph.rewriting.db import rewrite_db

        entry = rewrite_db.entries.get(name)
        if entry is None:
            raise KeyError(name)
        return entry.rewriter

    def __contains__(self, name):
        from theano.graph.rewriting.db import rewrite_db

        return name in _SUB_DBS or name in _bound_dbs or name in rewrite_db.entries

    def query(self, *tags, **kwtags):
        """``query(Query(...))`` or ``query('tag', '-tag', '+tag')`` ('-' excludes)."""
        if tags and isinstance(tags[0], Query):
            return QueriedOptimizer(tags[0])
        include = [t.lstrip("+") for t in tags if not t.startswith("-")]
        exclude = [t[1:] for t in tags if t.startswith("-")]
        return QueriedOptimizer(Query(include, kwtags.get("require", ()), exclude))

    def __repr__(self):
        return "<optdb: theano-ng's rewrite database, by Theano's positions>"


optdb = OptDB()
