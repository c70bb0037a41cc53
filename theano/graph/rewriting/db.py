"""Rewrite databases: every rewrite is registered once, with a phase and tags.

Phases run in this order::

    merge -> canonicalize -> stabilize -> specialize -> blas -> fusion -> inplace

Within a phase, node rewriters run to a fixed point with a worklist (``WorklistRunner``) and graph
rewriters run once; a merge pass follows each phase that changed something.

Selection (``query``): the optimizer name picks a base tag ('fast_run': everything registered for it,
'fast_compile': merge and a few cheap canonicalizations, 'merge': merge only, 'None': nothing); the
``including`` tags add rewrites, ``excluding`` tags remove them, and ``requiring`` tags keep only the
rewrites that carry all of them. Every rewrite is tagged with its own name and its phase, so
``Mode(...).excluding('local_log1p')`` or ``.excluding('fusion')`` work.
"""

import time
import warnings

from theano.graph.rewriting.basic import (GraphRewriter, NodeRewriter, RewriteWarning, WorklistRunner,
                                          merge_graph, report_failure)

PHASES = ("merge", "canonicalize", "stabilize", "specialize", "blas", "fusion", "inplace")

_OPTIMIZER_ALIASES = {"fast_run": "fast_run", "o4": "fast_run", "o3": "fast_run", "o2": "fast_run",
                      "o1": "fast_compile", "fast_compile": "fast_compile", "merge": "merge",
                      "none": "None", "None": "None", "stabilize": "stabilize",
                      "unsafe": "fast_run"}


class RewriteEntry:
    __slots__ = ("name", "rewriter", "phase", "tags", "position")

    def __init__(self, name, rewriter, phase, tags, position):
        self.name = name
        self.rewriter = rewriter
        self.phase = phase
        self.tags = frozenset(tags)
        self.position = position

    def __repr__(self):
        return f"RewriteEntry({self.name}, phase={self.phase}, tags={sorted(self.tags)})"


class RewriteDatabase:
    """All registered rewrites, by name."""

    def __init__(self):
        self.entries = {}
        self._counter = 0

    def register(self, rewriter, phase, *tags, name=None, fast_compile=False, fast_run=True,
                 position=None):
        if phase not in PHASES:
            raise ValueError(f"Unknown rewrite phase {phase!r}; use one of {', '.join(PHASES)}")
        name = name or getattr(rewriter, "name", None) or rewriter.__name__
        all_tags = {name, phase, *tags}
        if fast_run:
            all_tags.add("fast_run")
        if fast_compile:
            all_tags.add("fast_compile")
        self._counter += 1
        self.entries[name] = RewriteEntry(name, rewriter, phase, all_tags,
                                          self._counter if position is None else position)
        return rewriter

    def query(self, optimizer="fast_run", including=(), excluding=(), requiring=()):
        """The selected entries, as {phase: [entries in registration order]}."""
        base = _OPTIMIZER_ALIASES.get(optimizer if optimizer is not None else "None")
        if base is None:
            base = _OPTIMIZER_ALIASES.get(str(optimizer).lower())
        if base is None:
            raise ValueError(
                f"Unknown optimizer {optimizer!r}; use 'fast_run', 'fast_compile', 'merge' or 'None'"
            )
        including, excluding, requiring = set(including), set(excluding), set(requiring)
        selected = {p: [] for p in PHASES}
        for e in sorted(self.entries.values(), key=lambda e: e.position):
            if base == "fast_run":
                take = "fast_run" in e.tags
            elif base == "fast_compile":
                take = "fast_compile" in e.tags
            elif base == "stabilize":
                take = "fast_run" in e.tags and e.phase in ("merge", "canonicalize", "stabilize")
            elif base == "merge":
                take = e.phase == "merge"
            else:
                take = False
            if not take and e.tags & including:
                take = True
            if take and e.tags & excluding:
                take = False
            if take and requiring and not requiring <= e.tags:
                take = False
            if take:
                selected[e.phase].append(e)
        return selected


rewrite_db = RewriteDatabase()


_REGISTER_KWARGS = ("name", "fast_compile", "fast_run", "position")


def _make_register(phase):
    def register(*args, **kwargs):
        """Register a rewrite in this phase: ``@register_x``, ``@register_x('tag', ...)`` or
        ``register_x(rewrite, 'tag', ..., name=...)``. The rewrite may also be one of Theano 1.0's
        optimizer objects (``theano.gof.opt``); Theano's other keyword arguments are ignored."""
        kwargs = {k: v for k, v in kwargs.items() if k in _REGISTER_KWARGS}
        if args and not isinstance(args[0], str):
            rw, tags = args[0], args[1:]
            rewrite_db.register(_as_rewriter(rw), phase, *tags, **kwargs)
            return rw

        def deco(rw):
            rewrite_db.register(_as_rewriter(rw), phase, *args, **kwargs)
            return rw

        return deco

    register.__name__ = f"register_{phase}"
    return register


def _as_rewriter(obj):
    """A NodeRewriter or GraphRewriter as it is; one of Theano 1.0's optimizer objects adapted."""
    if isinstance(obj, (NodeRewriter, GraphRewriter)):
        return obj
    from theano.graph.rewriting.legacy import as_rewriter

    return as_rewriter(obj)


register_merge = _make_register("merge")
register_canonicalize = _make_register("canonicalize")
register_stabilize = _make_register("stabilize")
register_specialize = _make_register("specialize")
register_blas = _make_register("blas")
register_fusion = _make_register("fusion")
register_inplace = _make_register("inplace")

merge_rewriter = GraphRewriter(merge_graph, "merge")
register_merge(merge_rewriter, fast_compile=True)

_loaders = []


def register_rewrite_loader(loader):
    """Register ``loader()``, which imports the modules whose rewrites register themselves here.

    A package with rewrites (``theano.tensor`` registers the import of ``theano.tensor.rewriting``)
    registers its loader when it is imported; ``load_rewrites`` runs each loader once, when a graph
    is first rewritten, so importing a package does not import its rewrites.
    """
    _loaders.append(loader)


def load_rewrites():
    """Run the registered rewrite loaders that have not run yet (each once)."""
    while _loaders:
        loader = _loaders.pop(0)  # popped first: a loader that rewrites a graph does not recurse
        try:
            loader()
        except ImportError as exc:  # pragma: no cover - a broken module must not break compilation
            warnings.warn(f"rewrites could not be loaded by {loader}: {exc}", RewriteWarning)


class RunStats:
    """What the last ``run_rewrites`` did: time per phase and count per rewrite."""

    def __init__(self):
        self.phase_time = {}
        self.counts = {}
        self.total_time = 0.0

    def __repr__(self):
        return f"RunStats(total={self.total_time:.4f}s, phases={self.phase_time}, counts={self.counts})"


last_run_stats = RunStats()


def run_rewrites(fgraph, optimizer="fast_run", including=(), excluding=(), requiring=()):
    """Rewrite ``fgraph`` in place with the selected rewrites, phase by phase."""
    global last_run_stats
    load_rewrites()
    selected = rewrite_db.query(optimizer, including, excluding, requiring)
    stats = RunStats()
    t_start = time.perf_counter()
    do_merge = bool(selected["merge"])
    for phase in PHASES:
        entries = selected[phase]
        if not entries:
            continue
        t0 = time.perf_counter()
        if phase == "merge":
            for e in entries:
                _run_graph_rewriter(e, fgraph, stats)
            stats.phase_time[phase] = time.perf_counter() - t0
            continue
        node_rws = [e.rewriter for e in entries if isinstance(e.rewriter, NodeRewriter)]
        graph_rws = [e for e in entries if not isinstance(e.rewriter, NodeRewriter)]
        changed = 0
        if node_rws:
            runner = WorklistRunner(node_rws, name=phase)
            changed += runner.apply(fgraph)
            for k, v in runner.stats.items():
                stats.counts[k] = stats.counts.get(k, 0) + v
        for e in graph_rws:
            changed += _run_graph_rewriter(e, fgraph, stats)
        if changed and do_merge and phase != "inplace":
            merge_graph(fgraph)
        stats.phase_time[phase] = time.perf_counter() - t0
    stats.total_time = time.perf_counter() - t_start
    last_run_stats = stats
    fgraph.rewrite_stats = stats
    return fgraph


def _run_graph_rewriter(entry, fgraph, stats):
    try:
        n = entry.rewriter.apply(fgraph) or 0
    except Exception as exc:  # noqa: BLE001 - a broken rewrite must not break compilation
        report_failure(f"Rewrite {entry.name} failed and was skipped: {type(exc).__name__}: {exc}")
        return 0
    if n:
        stats.counts[entry.name] = stats.counts.get(entry.name, 0) + int(n)
    return int(n)
