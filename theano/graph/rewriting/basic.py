"""The rewrite engine: node rewriters, graph rewriters, and the worklist that runs them.

A node rewriter is a small named function ``fn(fgraph, node)`` that says which op types it tracks and
returns ``None`` (nothing to do), a list of new variables (one per output of ``node``), or a dict
``{old_variable: new_variable}``::

    @node_rewriter([Elemwise])
    def local_neg_neg(fgraph, node):
        ...

``WorklistRunner`` applies a set of node rewriters to a FunctionGraph until nothing changes. The
worklist starts with every node in topological order; the FunctionGraph's ``on_import`` and
``on_change_input`` callbacks push the nodes that a replacement creates or touches, so work is
proportional to what changes (no repeated full sweeps).

Every replacement is type-checked, and every node that a rewrite builds takes the creation trace of
the node it replaces, so runtime errors still name the user's line. A rewrite that raises is skipped
with a warning; it never breaks a compilation.
"""

import time
import warnings
from collections import deque

from theano.graph.basic import Constant, Variable
from theano.graph.fg import InconsistencyError
from theano.graph.op import Op


class RewriteWarning(UserWarning):
    """A rewrite failed (raised, or returned a replacement of the wrong type) and was skipped."""


def report_failure(message):
    """A rewrite failed: warn (the default), raise, or stay silent, as ``config.on_opt_error`` says.

    Called from an ``except`` block; 'raise' re-raises the exception being handled."""
    from theano.configdefaults import config

    action = getattr(config, "on_opt_error", "warn")
    if action == "ignore":
        return
    if action in ("raise", "pdb"):
        raise
    warnings.warn(message, RewriteWarning, stacklevel=3)


class NodeRewriter:
    """A local rewrite: a function of (fgraph, node), tracking some op classes or op instances.

    ``tracks`` is a list of Op subclasses and/or Op instances, or of keys that ops answer with
    ``rewrite_key()`` (scalar op classes or instances, for Elemwise), or None to see every node.
    """

    def __init__(self, fn, tracks=None, name=None):
        self.fn = fn
        self.name = name or fn.__name__
        self.__name__ = self.name
        self.__doc__ = fn.__doc__
        self.tracks = None if tracks is None else list(tracks)
        # Theano's local optimizers were functions of the node alone: accept those too.
        self._node_only = _positional_arity(fn) == 1

    def transform(self, *args):
        # transform(fgraph, node), or Theano's transform(node) (no graph to consult)
        fgraph, node = (None, args[0]) if len(args) == 1 else args
        if self._node_only:
            return self.fn(node)
        return self.fn(fgraph, node)

    def __call__(self, fgraph, node):
        return self.transform(fgraph, node)

    def __repr__(self):
        return f"<NodeRewriter {self.name}>"


def _positional_arity(fn):
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               and p.default is p.empty)


def node_rewriter(tracks=None, name=None):
    """Decorator: turn ``fn(fgraph, node)`` into a NodeRewriter tracking ``tracks``."""

    def deco(fn):
        return NodeRewriter(fn, tracks, name)

    return deco


class GraphRewriter:
    """A global rewrite: ``fn(fgraph)`` that walks the whole graph once (merge, fusion, inplace)."""

    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or fn.__name__
        self.__name__ = self.name
        self.__doc__ = fn.__doc__

    def apply(self, fgraph):
        return self.fn(fgraph)

    def __call__(self, fgraph):
        return self.fn(fgraph)

    def __repr__(self):
        return f"<GraphRewriter {self.name}>"


def graph_rewriter(name=None):
    def deco(fn):
        return GraphRewriter(fn, name)

    return deco


# --------------------------------------------------------------------------------------------------
# Replacement helpers
# --------------------------------------------------------------------------------------------------


def new_nodes_between(fgraph, new_vars):
    """The Apply nodes that compute ``new_vars`` and are not yet in ``fgraph`` (iterative)."""
    out = []
    seen = set()
    stack = [v for v in new_vars if v.owner is not None]
    clients = fgraph.clients
    apply_nodes = fgraph.apply_nodes
    while stack:
        v = stack.pop()
        if v in clients:
            continue
        node = v.owner
        if node is None or node in seen or node in apply_nodes:
            continue
        seen.add(node)
        out.append(node)
        for i in node.inputs:
            if i.owner is not None and i not in clients:
                stack.append(i)
    return out


def copy_trace(fgraph, old_node, new_vars):
    """Give every node built for ``new_vars`` (not yet in the graph) the trace of ``old_node``."""
    trace = getattr(old_node, "creation_trace", None)
    if trace is None:
        return
    for n in new_nodes_between(fgraph, new_vars):
        n.creation_trace = trace


def _fit_type(old, new):
    """``new`` expressed with ``old``'s type, or None when that is not safe."""
    if new.type == old.type:
        return new
    try:
        return old.type.convert_variable(new)
    except Exception:  # noqa: BLE001 - a type that cannot convert says no
        return None


def normalize_replacements(node, result):
    """Turn a rewrite's result into a list of (old, new) pairs."""
    if result is None or result is False:
        return None
    if isinstance(result, dict):
        pairs = list(result.items())
    elif isinstance(result, Variable):
        pairs = [(node.outputs[0], result)]
    else:
        result = list(result)
        if len(result) != len(node.outputs):
            raise ValueError(
                f"returned {len(result)} replacements for a node with {len(node.outputs)} outputs"
            )
        pairs = [(o, n) for o, n in zip(node.outputs, result) if n is not None]
    return [(o, n) for o, n in pairs if o is not n]


class BadOptimization(Exception):
    """A rewrite made an invalid change to a graph (Theano 1.0's ``gof.toolbox.BadOptimization``;
    DebugMode's BadOptimization, a wrong value found when it runs, is one too)."""


class ReplacementTypeError(BadOptimization, TypeError):
    """A rewrite's replacement cannot take the type of the variable it replaces."""


def apply_replacements(fgraph, node, pairs, reason, validate=False):
    """Type-check ``pairs`` and make them in ``fgraph``. Returns True if the graph changed.

    Raises TypeError (before touching the graph) when a replacement cannot take the old type.
    With ``validate`` (Theano's navigators), a graph with ``replace_all_validate`` (a
    ReplaceValidate feature) has the replacements checked by its validators (the DestroyHandler):
    refused, they are undone and the InconsistencyError raised.
    """
    checked = []
    for old, new in pairs:
        if not isinstance(new, Variable):
            raise TypeError(f"replacement for {old} is not a Variable: {new!r}")
        fitted = _fit_type(old, new)
        if fitted is None:
            by = f"the rewrite {reason}: " if reason else ""
            raise ReplacementTypeError(
                f"{by}replacement {new} has type {new.type}, which cannot stand for {old} "
                f"({old.type})"
            )
        checked.append((old, fitted))
    if not checked:
        return False
    olds = {old for old, _ in checked}
    built = new_nodes_between(fgraph, [n for _, n in checked])
    for n in built:
        if any(i in olds for i in n.inputs):
            raise ValueError(f"the replacement of {node} uses the variable it replaces (a cycle)")
    trace = getattr(node, "creation_trace", None)
    if trace is not None:
        for n in built:
            n.creation_trace = trace
    if validate and getattr(fgraph, "replace_all_validate", None) is not None:
        fgraph.replace_all_validate([(o, n) for o, n in checked if o in fgraph.clients],
                                    reason=reason)
        return True
    for old, new in checked:
        if old in fgraph.clients:
            fgraph.replace(old, new, reason=reason)
    return True


# --------------------------------------------------------------------------------------------------
# The worklist
# --------------------------------------------------------------------------------------------------


class _WorklistFeature:
    """Pushes imported nodes and nodes whose inputs changed onto the runner's queue."""

    def __init__(self, queue):
        self.queue = queue

    def on_import(self, fgraph, node, reason):
        self.queue.append(node)

    def on_change_input(self, fgraph, node, i, old, new, reason):
        if node != "output":
            self.queue.append(node)
        # The new variable's producer may now match a pattern through its new client.
        if new.owner is not None:
            self.queue.append(new.owner)


class RewriterIndex:
    """Which rewriters may apply to a node: by op instance, by op class (through the MRO), by the
    op's ``rewrite_key()`` class (through its MRO), or all.

    A track that is an Op subclass or instance matches by class or instance; any other class (or
    instance, through its class) is a key matched against ``op.rewrite_key()``: tracking a scalar
    op class sees the Elemwise nodes that map it.
    """

    def __init__(self, rewriters):
        self.by_op = {}
        self.by_class = {}
        self.by_key = {}
        self.universal = []
        for rw in rewriters:
            if rw.tracks is None:
                self.universal.append(rw)
                continue
            for t in rw.tracks:
                if isinstance(t, type):
                    table = self.by_class if issubclass(t, Op) else self.by_key
                    table.setdefault(t, []).append(rw)
                elif isinstance(t, Op):
                    self.by_op.setdefault(t, []).append(rw)
                else:
                    self.by_key.setdefault(type(t), []).append(rw)
        self._cache = {}

    def _lookup(self, table, cls):
        out = []
        for k in cls.__mro__:
            for rw in table.get(k, ()):
                if rw not in out:
                    out.append(rw)
        return out

    def get(self, op):
        rewrite_key = getattr(op, "rewrite_key", None)
        key = rewrite_key() if rewrite_key is not None else None
        cache_key = (type(op), key)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._lookup(self.by_class, type(op))
            if key is not None:
                found = self._lookup(self.by_key, key) + found
            found = found + self.universal
            self._cache[cache_key] = found
        if self.by_op:
            try:
                specific = self.by_op.get(op, ())
            except TypeError:  # unhashable op
                specific = ()
            if specific:
                return list(specific) + found
        return found

    def __bool__(self):
        return bool(self.by_op or self.by_class or self.by_key or self.universal)


class WorklistRunner:
    """Apply node rewriters to a fixed point, driven by the graph's change callbacks."""

    def __init__(self, rewriters, name="worklist", max_factor=50, order="in_to_out", follow_new=True):
        """``order``: the first sweep visits the nodes inputs first ('in_to_out') or outputs first
        ('out_to_in'); ``follow_new=False`` visits only the nodes there were at the start (Theano's
        ``ignore_newtrees``)."""
        if order not in ("in_to_out", "out_to_in"):
            raise ValueError(f"order must be 'in_to_out' or 'out_to_in', got {order!r}")
        self.rewriters = list(rewriters)
        self.index = RewriterIndex(self.rewriters)
        self.name = name
        self.max_factor = max_factor
        self.order = order
        self.follow_new = follow_new
        # Theano's navigators: replacements checked by the graph's validators (apply_replacements)
        self.validate = False
        self.stats = {}
        # Theano's ``failure_callback(exc, runner, pairs, rewriter, node)``: called instead of
        # report_failure when a rewrite raises (pairs: its replacements, or None)
        self.failure_callback = None

    def apply(self, fgraph, profile=None, use_counts=None, max_use=None):
        """Rewrite ``fgraph``; returns how many replacements were made. With ``use_counts`` (a
        dict, rewriter -> uses, kept by the caller across calls) and ``max_use``, a rewriter used
        more than ``max_use`` times stops the run after that use (Theano's max_use_ratio), and
        ``self.maxed_out`` names it (None otherwise)."""
        self.maxed_out = None
        if not self.rewriters:
            return 0
        try:
            start = fgraph.toposort()
        except (ValueError, InconsistencyError):
            # a graph that Theano's DestroyHandler finds inconsistent (its orderings have a
            # cycle) is still rewritten, in dependency order (a rewrite may make it consistent)
            start = fgraph.toposort_without_orderings()
        queue = deque(start if self.order == "in_to_out" else reversed(start))
        feature = _WorklistFeature(queue if self.follow_new else [])
        fgraph.attach_feature(feature)
        budget = self.max_factor * (len(fgraph.apply_nodes) + 10)
        applied = 0
        index = self.index
        apply_nodes = fgraph.apply_nodes
        try:
            while queue:
                node = queue.popleft()
                if node not in apply_nodes:
                    continue
                for rw in index.get(node.op):
                    if node not in apply_nodes:
                        break
                    t0 = time.perf_counter() if profile is not None else 0.0
                    pairs = None
                    try:
                        result = rw.transform(fgraph, node)
                        pairs = normalize_replacements(node, result)
                        if not pairs:
                            continue
                        changed = apply_replacements(fgraph, node, pairs, rw.name,
                                                     validate=self.validate)
                    except Exception as exc:  # noqa: BLE001 - a broken rewrite must not break compile
                        if self.failure_callback is not None:
                            self.failure_callback(exc, self, pairs, getattr(rw, "lopt", rw), node)
                            continue
                        report_failure(f"Rewrite {rw.name} failed on {node} and was skipped: "
                                       f"{type(exc).__name__}: {exc}")
                        continue
                    if profile is not None:
                        profile[rw.name] = profile.get(rw.name, 0.0) + time.perf_counter() - t0
                    if changed:
                        applied += 1
                        self.stats[rw.name] = self.stats.get(rw.name, 0) + 1
                        if use_counts is not None:
                            use_counts[rw] = use_counts.get(rw, 0) + 1
                            if max_use is not None and use_counts[rw] > max_use:
                                self.maxed_out = rw.name
                                return applied
                        if applied > budget:
                            warnings.warn(
                                f"Rewrite phase {self.name} stopped after {applied} rewrites "
                                "(a rewrite may be undoing another)",
                                RewriteWarning,
                                stacklevel=2,
                            )
                            return applied
        finally:
            fgraph.remove_feature(feature)
        return applied


# --------------------------------------------------------------------------------------------------
# Merge: one node per (op, inputs), one constant per value
# --------------------------------------------------------------------------------------------------


def _constant_key(c):
    try:
        key = c.signature()
        hash(key)
        return key
    except Exception:  # noqa: BLE001 - unhashable data: never merged
        return None


def merge_graph(fgraph):
    """Merge identical computations: the same op applied to the same inputs, where constants count
    as the same when their values are (``Constant.signature()``). Returns how many were merged.

    One pass in topological order suffices: replacing a node makes its clients' inputs canonical
    before they are visited. Equal constants are not replaced one by one (that would pile every
    client onto one constant); nodes using them merge, and the duplicates disappear with the
    nodes they fed. Nodes that destroy an input are never merged."""
    merged = 0
    const_keys = {}
    seen = {}
    apply_nodes = fgraph.apply_nodes
    clients = fgraph.clients

    def input_key(var):
        if isinstance(var, Constant):
            key = const_keys.get(var)
            if key is None:
                sig = _constant_key(var)
                key = var if sig is None else ("const", sig)
                const_keys[var] = key
            return key
        return var

    for node in fgraph.toposort():
        if node not in apply_nodes or getattr(node.op, "destroy_map", None):
            continue
        try:
            key = (node.op, tuple(input_key(i) for i in node.inputs))
            other = seen.get(key)
        except TypeError:
            continue
        if other is None or other not in apply_nodes:
            seen[key] = node
            continue
        if any(a.type != b.type for a, b in zip(node.outputs, other.outputs)):
            continue
        for a, b in zip(node.outputs, other.outputs):
            if a in clients:
                fgraph.replace(a, b, reason="merge")
        merged += 1
    return merged


merge_rewriter = GraphRewriter(merge_graph, "merge")
