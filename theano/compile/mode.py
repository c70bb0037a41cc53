"""Mode: which rewrites to apply and which backend to run on.

``Mode(linker='py', optimizer='fast_run')``; the names 'FAST_RUN' (all rewrites, native backend),
'FAST_COMPILE' (few rewrites, reference VM) and Theano's 'DebugMode'/'DEBUG_MODE' (reference VM with
all rewrites) are predefined. ``mode.including('tag')`` / ``.excluding('tag')`` select rewrites by tag.
"""

import itertools

from theano.configdefaults import config
from theano.graph.rewriting.legacy import Optimizer, Query, as_graph_rewriter, query_tags
from theano.graph.rewriting.legacy import optdb as optdb  # Theano 1.0: theano.compile.mode.optdb


class Mode:
    """How to compile: which rewrites (``optimizer``, then ``including``/``excluding``/``requiring``
    tags) and which backend runs the graph (``linker``: 'auto', 'numba', 'py', 'jax', ...)."""

    def __init__(self, linker=None, optimizer="default", including=(), excluding=(), requiring=(),
                 data_parallel=False):
        if linker is None:
            linker = config.linker
        if data_parallel:
            # explicit inputs split along axis 0 across all devices (theano/link/jax/parallel.py)
            if (linker if isinstance(linker, str) else getattr(linker, "name", None)) != "jax":
                raise ValueError(f"Mode(data_parallel=True) needs linker='jax', got {linker!r}")
            if isinstance(linker, str):
                from theano.link import get_linker

                linker = get_linker(linker)
            linker.data_parallel = True
        if optimizer == "default":
            optimizer = config.optimizer
        if optimizer is None:
            optimizer = "None"
        self.linker_name = linker if isinstance(linker, str) else getattr(linker, "name", "custom")
        self._linker = linker
        self.optimizer = optimizer
        self.including_tags = tuple(including)
        self.excluding_tags = tuple(excluding)
        self.requiring_tags = tuple(requiring)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:
            # Theano 1.0 pickled a Mode as (linker, optimizer): a linker name and an optimizer
            # name or Query (its tags read back); anything else falls back to the defaults
            linker, optimizer = state
            if not isinstance(linker, str):
                linker = None
            if not isinstance(optimizer, str) and optimizer is not None:
                qst = getattr(optimizer, "__dict__", {})
                if "include" in qst:
                    from theano.graph.rewriting.legacy import Query

                    optimizer = Query(include=tuple(qst.get("include") or ()),
                                      require=tuple(qst.get("require") or ()),
                                      exclude=tuple(qst.get("exclude") or ()))
                else:
                    optimizer = "default"
            self.__init__(linker=linker, optimizer=optimizer)
            return
        self.__dict__.update(state)

    @property
    def linker(self):
        from theano.link import get_linker

        return get_linker(self._linker)

    @property
    def provided_optimizer(self):
        return self.optimizer

    def _copy(self, **changes):
        kw = dict(linker=self._linker, optimizer=self.optimizer, including=self.including_tags,
                  excluding=self.excluding_tags, requiring=self.requiring_tags)
        kw.update(changes)
        return type(self)(**kw)

    def including(self, *tags):
        return self._copy(including=self.including_tags + tags)

    def excluding(self, *tags):
        return self._copy(excluding=self.excluding_tags + tags)

    def requiring(self, *tags):
        return self._copy(requiring=self.requiring_tags + tags)

    def register(self, *optimizations):
        """Theano 1.0's: a copy of this mode that also runs each ``(optimizer, position)`` given,
        at that position of Theano's optimizer database (``optdb``: below 1 merge, ... 49 to 75
        fusion, 75 and more in-place)."""
        names = []
        for item in optimizations:
            try:
                opt, position = item
                position = float(position)
            except (TypeError, ValueError):
                raise TypeError(f"Mode.register takes (optimizer, position) pairs, got "
                                f"{item!r}") from None
            name = f"mode_register_{next(_registered_count)}"
            optdb.register(name, opt, position)     # untagged: runs only where included
            names.append(name)
        return self.including(*names)

    def clone(self, link_kwargs=None, optimizer="", **kwargs):
        return self._copy(**({} if optimizer == "" else {"optimizer": optimizer}))

    @property
    def _optimizer(self):
        """Theano 1.0's ``mode._optimizer``: the selection as a ``Query`` (tags included, excluded,
        required); assigning one makes it the selection (``mode._optimizer = q.including(...)``)."""
        opt = self.optimizer
        if isinstance(opt, Query):
            q = opt
        elif isinstance(opt, str):
            from theano.graph.rewriting.db import _OPTIMIZER_ALIASES

            base = _OPTIMIZER_ALIASES.get(opt, _OPTIMIZER_ALIASES.get(opt.lower(), opt))
            if base == "stabilize":
                q = Query(include=["fast_run"], position_cutoff=1.5)
            else:
                q = Query(include=[] if base == "None" else [base])
        else:
            raise AttributeError(f"{self} runs the optimizer object {opt!r}, not a Query")
        return Query(q.include + self.including_tags, q.require + self.requiring_tags,
                     q.exclude + self.excluding_tags, position_cutoff=q.position_cutoff)

    @_optimizer.setter
    def _optimizer(self, query):
        self.optimizer = query
        self.including_tags = self.excluding_tags = self.requiring_tags = ()

    def query(self):
        """(optimizer name, including, excluding, requiring) with the config flags folded in; an
        optimizer given as a Query (Theano's) is the name 'None' and the query's tags."""
        inc = self.including_tags + tuple(t for t in config.optimizer_including.split(":") if t)
        exc = self.excluding_tags + tuple(t for t in config.optimizer_excluding.split(":") if t)
        req = self.requiring_tags + tuple(t for t in config.optimizer_requiring.split(":") if t)
        opt = self.optimizer
        if isinstance(opt, Query):
            q_inc, q_exc, q_req = query_tags(opt)
            return "None", q_inc + inc, q_exc + exc, q_req + req
        if not isinstance(opt, str):  # an optimizer object: Mode.optimize runs it first
            return "None", inc, exc, req
        return opt, inc, exc, req

    def optimize(self, fgraph):
        """Rewrite ``fgraph`` in place with this mode's rewrites."""
        from theano.graph.rewriting import optimize_graph

        name, inc, exc, req = self.query()
        if not isinstance(self.optimizer, (str, Query)):  # Theano's Mode(optimizer=<Optimizer>)
            as_graph_rewriter(self.optimizer).apply(fgraph)
        linker = self.linker
        extra = tuple(getattr(linker, "required_rewrites", lambda: ())())
        # a backend may rule rewrites out (JAX: the 'inplace' phase, its arrays are immutable)
        banned = tuple(getattr(linker, "excluded_rewrites", lambda: ())())
        optimize_graph(fgraph, name, inc + extra, exc + banned, req)

    def __str__(self):
        return f"Mode(linker={self.linker_name}, optimizer={self.optimizer})"

    __repr__ = __str__


_registered_count = itertools.count(1)


class AddFeatureOptimizer(Optimizer):
    """Theano 1.0's optimizer that only attaches ``feature`` to the graph it is given
    (``Mode(optimizer=AddFeatureOptimizer(NoOutputFromInplace())).including('fast_run')``)."""

    def __init__(self, feature):
        self.feature = feature

    def add_requirements(self, fgraph):
        fgraph.attach_feature(self.feature)

    def apply(self, fgraph):
        return 0


def _nan_guard_mode():
    from theano.compile.nanguardmode import NanGuardMode

    return NanGuardMode()


def _predefined():
    return {
        "FAST_RUN": lambda: Mode("auto", "fast_run"),
        # Theano's name for a Mode of the configured linker and optimizer
        "Mode": lambda: Mode(),
        "FAST_COMPILE": lambda: Mode("py", "fast_compile"),
        "DebugMode": lambda: DebugMode(),
        "DEBUG_MODE": lambda: DebugMode(),
        "ProfileMode": lambda: Mode("auto", "fast_run"),
        "PROFILE_MODE": lambda: Mode("auto", "fast_run"),
        "NanGuardMode": _nan_guard_mode,
        "JAX": lambda: Mode("jax", "fast_run"),
        "NUMBA": lambda: Mode("numba", "fast_run"),
        "PY": lambda: Mode("py", "fast_run"),
    }


class _PredefinedModes(dict):
    """Theano 1.0's ``predefined_modes``: name -> Mode, each made on first use (DebugMode and
    NanGuardMode import their checks only then); ``register_mode`` adds names."""

    def __init__(self, factories):
        super().__init__()
        self._factories = dict(factories)

    def __getitem__(self, name):
        if not dict.__contains__(self, name):
            if name not in self._factories:
                raise KeyError(name)
            dict.__setitem__(self, name, self._factories[name]())
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __contains__(self, name):
        return name in self._factories or dict.__contains__(self, name)

    def __iter__(self):
        return iter(list(self._factories))

    def __len__(self):
        return len(self._factories)

    def keys(self):
        return list(self._factories)

    def items(self):
        return [(k, self[k]) for k in self._factories]

    def values(self):
        return [self[k] for k in self._factories]

    def __setitem__(self, name, mode):
        self._factories[name] = _Registered(mode)
        dict.__setitem__(self, name, mode)


class _Registered:
    """The factory of a mode given by the user (``predefined_modes[name] = mode``): that mode."""

    def __init__(self, mode):
        self.mode = mode

    def __call__(self):
        return self.mode


# the names for which get_mode builds a new Mode from the config flags at each call (Theano 1.0)
_FRESH_PER_CALL = ("Mode", "DebugMode", "NanGuardMode")


predefined_modes = _PredefinedModes(_predefined())


def register_mode(name, mode):
    """Make ``mode`` (a Mode) available as ``theano.function(..., mode=name)`` (Theano 1.0)."""
    if name in predefined_modes:
        raise ValueError(f"Mode name already taken: {name}")
    if not isinstance(mode, Mode):
        raise TypeError(f"register_mode: {name!r} must name a theano.Mode, got {mode!r}")
    predefined_modes[name] = mode


# Theano 1.0's tables of the names Mode accepts
predefined_linkers = {name: name for name in ("py", "c", "c|py", "c|py_nogc", "vm", "cvm",
                                              "vm_nogc", "cvm_nogc", "auto", "numba", "jax")}
predefined_optimizers = {name: name for name in (None, "None", "merge", "fast_run", "fast_compile",
                                                 "o1", "o2", "o3", "o4", "unsafe")}


def get_mode(mode):
    """A Mode from None (config.mode), a name, or a Mode."""
    if mode is None:
        mode = config.mode
    if isinstance(mode, Mode):
        return mode
    if isinstance(mode, str):
        if mode in _FRESH_PER_CALL:
            # Theano 1.0: these names make a new Mode of the current config flags each time
            return predefined_modes._factories[mode]()
        if mode == "FAST_RUN" and config.linker != "auto" and \
                not isinstance(predefined_modes._factories[mode], _Registered):
            return Mode(config.linker, "fast_run")
        if mode in predefined_modes._factories:
            # Theano 1.0: the predefined Mode object itself, so that changing it
            # (``predefined_modes['DEBUG_MODE'].check_isfinite = False``) reaches every function
            # compiled with its name afterwards, and every call of those compiled before
            return predefined_modes[mode]
        raise ValueError(
            f"Unknown mode {mode!r}; use one of {', '.join(sorted(predefined_modes))} or a theano.Mode"
        )
    raise TypeError(f"mode must be None, a string or a theano.Mode, got {type(mode).__name__}")


def get_default_mode():
    return get_mode(None)


# Theano 1.0's named selections, as Queries (``optdb.query(OPT_FAST_RUN).optimize(fgraph)``,
# ``Mode(optimizer=OPT_FAST_RUN)``): the same rewrites as the optimizer names.
OPT_NONE = Query()
OPT_MERGE = Query(include=["merge"])
OPT_FAST_RUN = Query(include=["fast_run"])
OPT_FAST_COMPILE = Query(include=["fast_compile"])
OPT_STABILIZE = Query(include=["fast_run"], position_cutoff=1.5)

# Theano 1.0's module-level Mode objects (``theano.compile.mode.FAST_RUN``).
FAST_RUN = Mode("auto", "fast_run")
FAST_COMPILE = Mode("py", "fast_compile")


# DebugMode is a Mode with its own checking linker; it lives in its own module.
from theano.compile.debugmode import DebugMode  # noqa: E402
