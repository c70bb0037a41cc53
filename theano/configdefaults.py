"""Configuration: a small typed set of flags read from THEANO_FLAGS and ~/.theanorc.

``THEANO_FLAGS="floatX=float32,mode=FAST_COMPILE"`` overrides ``~/.theanorc`` (or the file named by
THEANORC), whose ``[global]`` section holds ``flag = value`` lines. ``config.change_flags(...)`` is a
context manager for temporary changes (tests use it).
"""

import configparser
import contextlib
import os
import tempfile
import warnings


class ConfigParam:
    def __init__(self, name, default, doc, validate=None, choices=None, allow_override=True):
        self.name = name
        self.default = default
        self.doc = doc
        self.validate = validate
        self.choices = choices
        self.allow_override = allow_override

    def convert(self, value):
        if self.choices is not None and value not in self.choices:
            raise ValueError(
                f"Invalid value {value!r} for theano config flag {self.name}; choose one of {self.choices}"
            )
        if self.validate is not None:
            value = self.validate(value)
        return value


def _bool(v):
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"Expected a boolean flag value, got {v!r}")


def _default_base_compiledir():
    """``$XDG_CACHE_HOME/theano-ng`` (``~/.cache/theano-ng``); where the home directory cannot be
    written, a per-user folder under the temporary directory (checked for ownership before use)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.access(os.path.dirname(base) or "/", os.W_OK) and not os.path.isdir(base):
        uid = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        return os.path.join(tempfile.gettempdir(), f"theano-ng-{uid}")
    return os.path.join(base, "theano-ng")


_PARAMS = [
    ConfigParam("floatX", "float64", "Default float dtype of constructors and Python floats",
                choices=("float64", "float32", "float16")),
    ConfigParam("mode", "FAST_RUN", "Default compilation mode"),
    ConfigParam("linker", "auto", "Backend: auto, py, vm, cvm, c, c|py, numba, jax"),
    ConfigParam("optimizer", "fast_run", "Rewrite set: fast_run, fast_compile, merge, None",
                choices=("fast_run", "fast_compile", "merge", "None", "o1", "o2", "o3", "o4", "unsafe")),
    ConfigParam("optimizer_including", "", "Colon-separated rewrite tags to add"),
    ConfigParam("optimizer_excluding", "", "Colon-separated rewrite tags to remove"),
    ConfigParam("optimizer_requiring", "", "Colon-separated rewrite tags to require"),
    ConfigParam("on_opt_error", "warn", "A rewrite that fails: warn and skip it, raise, or ignore",
                choices=("warn", "raise", "ignore", "pdb")),
    ConfigParam("device", "cpu", "Device: cpu (gpu/cuda names map onto the JAX backend)"),
    ConfigParam("base_compiledir", None, "The folder under which the compile cache lives"),
    ConfigParam("compiledir", None, "Where compiled kernels are cached on disk "
                "(default: base_compiledir)"),
    ConfigParam("compiledir_max_mb", 500, "Size cap of the compile cache in MiB; least recently "
                "used kernels are evicted above it (0: no cap)", validate=int),
    ConfigParam("exception_verbosity", "low", "low: short errors; high: with the whole graph",
                choices=("low", "high")),
    ConfigParam("profile", False, "Profile every compiled function", validate=_bool),
    ConfigParam("profile_memory", False, "Profiles also record the bytes of each node's outputs "
                "and print the peak memory of a call (with and without allow_gc)", validate=_bool),
    ConfigParam("profiling__n_apply", 20, "Apply nodes listed by a profile summary", validate=int),
    ConfigParam("profiling__n_ops", 20, "Op classes listed by a profile summary", validate=int),
    ConfigParam("profiling__destination", "stderr", "Where the summaries of profile=True are "
                "printed at exit: stderr, stdout or a file name"),
    ConfigParam("profiling__ignore_first_call", False, "Leave each profiled function's first call "
                "out of its times (its kernel compiles and first allocations)", validate=_bool),
    ConfigParam("profiling__output_line_width", 512, "Accepted for compatibility", validate=int),
    ConfigParam("profiling__min_memory_size", 1024, "Nodes whose outputs hold fewer bytes are "
                "left out of the memory profile's list", validate=int),
    ConfigParam("profiling__min_peak_memory", False, "Accepted for compatibility (no memory "
                "profile)", validate=_bool),
    ConfigParam("profiling__debugprint", False, "Accepted for compatibility", validate=_bool),
    ConfigParam("allow_gc", True, "Free intermediate results as soon as they are no longer needed",
                validate=_bool),
    ConfigParam("on_unused_input", "raise", "What to do with unused function inputs",
                choices=("raise", "warn", "ignore")),
    ConfigParam("cast_policy", "custom", "How Python constants get their dtype",
                choices=("custom", "numpy+floatX")),
    ConfigParam("warn_float64", "ignore", "What to do when a float64 tensor variable is created: "
                "ignore, warn, raise or pdb",
                choices=("ignore", "warn", "raise", "pdb")),
    ConfigParam("compute_test_value", "off", "Test values (accepted for compatibility)",
                choices=("off", "ignore", "warn", "raise", "pdb")),
    ConfigParam("deterministic", "default", "Accepted for compatibility", choices=("default", "more")),
    ConfigParam("print_global_stats", False, "Accepted for compatibility", validate=_bool),
    ConfigParam("traceback__limit", 8, "How many of the user's frames a variable's tag.trace "
                "keeps (-1: all; Theano 1.0's flag); 0 turns creation traces off (the user's file "
                "and line that errors show)", validate=int),
    ConfigParam("openmp", False, "Allow multi-threaded (prange) elementwise kernels on the native "
                "backend (as numba__parallel); off by default, so forked workers stay safe",
                validate=_bool),
    ConfigParam("openmp_elemwise_minsize", 200000, "Accepted for compatibility (Theano 1.0's "
                "threshold for OpenMP loops); the native backend's is numba__parallel_threshold",
                validate=int),
    ConfigParam("cycle_detection", "regular", "Accepted for compatibility (how Theano 1.0's "
                "in-place checker looked for cycles; the rewriter here checks each replacement)",
                choices=("regular", "fast")),
    ConfigParam("numba__parallel", False, "Run fused elementwise loops over more than "
                "numba__parallel_threshold elements on several threads (opt-in; also turned on by "
                "openmp=True). Same values as the one-thread loop", validate=_bool),
    ConfigParam("numba__parallel_threshold", 200000, "Elements above which fused loops run in parallel "
                "when numba__parallel (or openmp) is on", validate=int),
    ConfigParam("numba__force_kernels", False, "Run every Elemwise node that has a Numba kernel "
                "through it, single ops too (by default one ufunc runs as NumPy); for testing",
                validate=_bool),
    ConfigParam("numba__whole_graph", True, "Run graphs made only of ops Numba can express as one "
                "compiled function when every input has at most numba__whole_graph_max_size "
                "elements", validate=_bool),
    ConfigParam("numba__whole_graph_max_size", 1024, "Largest input (in elements) for which a graph "
                "runs as one compiled Numba function (see numba__whole_graph)", validate=int),
    ConfigParam("numba__compile_worker", "auto", "Where Numba kernels that are not in the disk cache "
                "are compiled: 'never' in this process; 'always' in a helper process that writes them "
                "to the cache, from which this process loads them (LLVM's compile-time memory then "
                "stays in the helper, which is restarted above numba__compile_worker_max_mb); 'auto' in "
                "this process for the first numba__compile_worker_after kernels, then in the helper. "
                "The machine code is the same either way", choices=("auto", "always", "never")),
    ConfigParam("numba__compile_worker_after", 16, "Kernels compiled in this process before "
                "numba__compile_worker='auto' sends the next ones to the helper process", validate=int),
    ConfigParam("numba__compile_worker_max_mb", 1024, "Resident memory (MiB) above which the helper "
                "process that compiles kernels is replaced by a fresh one", validate=int),
    ConfigParam("blas__small_product_flops", 1 << 21, "Matrix products of fewer multiply-adds than "
                "this run on one BLAS thread (waking BLAS threads costs more than they save); larger "
                "products use every BLAS thread. 0: never limit", validate=int),
    ConfigParam("blas__ldflags", "", "Accepted for compatibility"),
    ConfigParam("cxx", "", "Accepted for compatibility: nothing here needs a C compiler"),
    ConfigParam("mode_check_inplace", True, "Accepted for compatibility", validate=_bool),
    ConfigParam("DebugMode__check_finite", True, "DebugMode: NaN/inf outputs raise "
                "InvalidValueError", validate=_bool),
    ConfigParam("DebugMode__check_c", True, "DebugMode: compare the native backend's node "
                "implementations with perform", validate=_bool),
    ConfigParam("DebugMode__check_py", True, "DebugMode: run and check perform", validate=_bool),
    ConfigParam("DebugMode__patience", 10, "Accepted for compatibility", validate=int),
    ConfigParam("NanGuardMode__nan_is_error", True, "NanGuardMode: NaN raises", validate=_bool),
    ConfigParam("NanGuardMode__inf_is_error", True, "NanGuardMode: inf raises", validate=_bool),
    ConfigParam("NanGuardMode__big_is_error", True, "NanGuardMode: absolute values above 1e10 "
                "raise", validate=_bool),
    ConfigParam("conv__assert_shape", False, "conv2d/conv3d and their gradient functions check "
                "the input_shape/filter_shape hints with an AssertionError when the function runs "
                "(off: a mismatch is a ValueError of the convolution op)", validate=_bool),
]


class TheanoConfig:
    """Attribute access to the flags. Unknown attribute names raise AttributeError.

    Values live in the instance ``__dict__`` (validated on assignment), so ordinary attribute tools
    such as pytest's ``monkeypatch.setattr`` work on them.
    """

    def __init__(self):
        from theano.config_theano1 import THEANO1_DEFAULTS

        params = {p.name: p for p in _PARAMS}
        for name, default in THEANO1_DEFAULTS.items():
            if name not in params:
                params[name] = ConfigParam(
                    name, default, "Theano 1.0's flag (its C/GPU machinery or internals), "
                    "accepted with Theano's default for code that reads it; no effect here",
                    validate=_validator_like(default))
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_sections", frozenset(k.split("__")[0] for k in params
                                                        if "__" in k))
        for p in params.values():
            self.__dict__[p.name] = p.default
        self.__dict__["base_compiledir"] = _default_base_compiledir()
        # compiledir follows base_compiledir until it is set itself
        self.__dict__["compiledir"] = self.__dict__["base_compiledir"]
        object.__setattr__(self, "_compiledir_set", False)

    @property
    def _values(self):
        return {k: self.__dict__[k] for k in self._params}

    def __getattr__(self, name):
        # only called for names that are not flags set in __dict__
        key = name.replace(".", "__")
        if key != name and key in self.__dict__:
            return self.__dict__[key]
        if name in object.__getattribute__(self, "_sections"):
            return _Section(self, name)
        raise AttributeError(_no_flag(self, name))

    def __setattr__(self, name, value):
        key = name.replace(".", "__")
        params = object.__getattribute__(self, "_params")
        if key not in params:
            raise AttributeError(_no_flag(self, key))
        if not params[key].allow_override:
            raise ValueError(f"theano.config.{key.replace('__', '.')} cannot be changed once set "
                             "(its flag was added with allow_override=False)")
        value = params[key].convert(value)
        if key in ("base_compiledir", "compiledir") and isinstance(value, str):
            value = os.path.abspath(os.path.expanduser(value))
        self.__dict__[key] = value
        if key == "compiledir":
            object.__setattr__(self, "_compiledir_set", value is not None)
            if value is None:
                self.__dict__["compiledir"] = self.__dict__["base_compiledir"]
        elif key == "base_compiledir" and not self._compiledir_set:
            self.__dict__["compiledir"] = value

    def __delattr__(self, name):
        key = name.replace(".", "__")
        params = object.__getattribute__(self, "_params")
        if key not in params:
            raise AttributeError(f"theano.config has no flag {name!r}")
        # deleting a flag restores its default
        if key == "base_compiledir":
            setattr(self, key, _default_base_compiledir())
        else:
            setattr(self, key, params[key].default)

    def set(self, name, value):
        setattr(self, name, value)

    def _add_param(self, param, value):
        """Add the flag ``param`` (a ConfigParam, its name with ``__`` for dots) holding
        ``value``, already converted (``theano.configparser.AddConfigVar``)."""
        params = object.__getattribute__(self, "_params")
        if param.name in params or param.name in type(self).__dict__:
            raise AttributeError(f"theano.config already has a flag or attribute "
                                 f"{param.name.replace('__', '.')!r}")
        params[param.name] = param
        if "__" in param.name:
            object.__setattr__(self, "_sections",
                               self._sections | {param.name.split("__")[0]})
        self.__dict__[param.name] = value

    @contextlib.contextmanager
    def change_flags(self, **kwargs):
        old = {}
        try:
            for k, v in kwargs.items():
                old[k] = getattr(self, k)
                setattr(self, k, v)
            yield self
        finally:
            for k, v in old.items():
                setattr(self, k, v)

    def flags(self):
        return self._values

    def __str__(self):
        return "\n".join(f"{k} = {v}" for k, v in sorted(self._values.items()))


def _validator_like(default):
    """The conversion of a flag value to the type of ``default`` (THEANO_FLAGS gives strings)."""
    if isinstance(default, bool):
        return _bool
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    if isinstance(default, str):
        return str
    return None


def _no_flag(cfg, name):
    from theano.config_theano1 import closest_flag

    msg = f"theano.config has no flag {name.replace('__', '.')!r}"
    hint = closest_flag(name.replace(".", "__"), object.__getattribute__(cfg, "_params"))
    return msg + (f"; did you mean {hint.replace('__', '.')!r}?" if hint else "")


class _Section:
    """``config.gcc.cxxflags``-style access to dotted flags (``config.dnn.conv.algo_fwd``
    too): read and set as the flag ``gcc__cxxflags``; an unknown name is an AttributeError."""

    def __init__(self, cfg, prefix):
        object.__setattr__(self, "_cfg", cfg)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name):
        key = f"{self._prefix}__{name}"
        cfg = self._cfg
        if key in cfg._params:
            return cfg.__dict__[key]
        if any(k.startswith(key + "__") for k in cfg._params):
            return _Section(cfg, key)
        raise AttributeError(_no_flag(cfg, key))

    def __setattr__(self, name, value):
        setattr(self._cfg, f"{self._prefix}__{name}", value)


def _parse_flags(text):
    out = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValueError(f"THEANO_FLAGS entry {item!r} is not of the form name=value")
        k, v = item.split("=", 1)
        out[k.strip().replace(".", "__")] = v.strip()
    return out


def _read_rc():
    path = os.environ.get("THEANORC", os.path.join(os.path.expanduser("~"), ".theanorc"))
    out = {}
    for p in path.split(os.pathsep):
        if not os.path.isfile(p):
            continue
        parser = configparser.ConfigParser()
        parser.optionxform = str  # flag names are case-sensitive (floatX)
        try:
            parser.read(p)
        except configparser.Error as exc:
            warnings.warn(f"Could not read {p}: {exc}")
            continue
        for section in parser.sections():
            for k, v in parser.items(section):
                key = k if section == "global" else f"{section}__{k}"
                out[key] = v
    return out


def _gpu_device_note(device):
    """What runs when ``device`` names a GPU: the JAX backend if JAX is installed, else the CPU."""
    import importlib.util

    if importlib.util.find_spec("jax") is None:
        warnings.warn(
            f"theano: device={device} asks for a GPU, but the GPU backend (JAX) is not installed "
            "(pip install 'theano-ng[jax]' with a CUDA build of jax); functions run on the CPU "
            "with the Numba backend.", stacklevel=3)
        return False
    return True


# Flags of THEANO_FLAGS and ~/.theanorc that no flag known at import took (dotted names ->
# values as written): a flag registered later with theano.configparser.AddConfigVar reads its
# value here, THEANO_FLAGS first (Theano 1.0's THEANO_FLAGS_DICT is the first dict).
PENDING_FLAGS = {"THEANO_FLAGS": {}, "~/.theanorc": {}}


def _build_config():
    from theano.config_theano1 import THEANO1_ONLY_FLAGS, unknown_flag_message

    cfg = TheanoConfig()
    rc = _read_rc()
    flags = _parse_flags(os.environ.get("THEANO_FLAGS", ""))
    known = set(cfg._params) | THEANO1_ONLY_FLAGS
    for where, settings in (("~/.theanorc", rc), ("THEANO_FLAGS", flags)):
        for k, v in settings.items():
            if k not in cfg._params:
                warnings.warn(unknown_flag_message(k, known, where), stacklevel=2)
                # kept for a flag that a library adds later (configparser.AddConfigVar)
                PENDING_FLAGS[where][k.replace("__", ".")] = v
                continue
            if k in THEANO1_ONLY_FLAGS and k not in {p.name for p in _PARAMS}:
                try:        # a flag with no effect here: a bad value is not worth an error
                    setattr(cfg, k, v)
                except (TypeError, ValueError) as exc:
                    warnings.warn(f"theano: {where} sets {k.replace('__', '.')}={v!r}, which "
                                  f"Theano 1.0 would refuse ({exc}); the flag has no effect "
                                  "here", stacklevel=2)
                continue
            setattr(cfg, k, v)
    if cfg.device.startswith(("gpu", "cuda")) and _gpu_device_note(cfg.device):
        cfg.__dict__["linker"] = "jax" if cfg.linker == "auto" else cfg.linker
    return cfg


config = _build_config()


def change_flags(*args, **kwargs):
    """A context manager (or decorator) that sets config flags and restores them on exit:
    ``with change_flags(floatX='float32'): ...`` or, as Theano 1.0 also accepted, a dict
    ``change_flags({'floatX': 'float32'})`` or a list of pairs
    ``change_flags([('conv.assert_shape', True)])``."""
    flags = {}
    for a in args:
        try:
            flags.update(a)         # a dict, or (name, value) pairs as Theano 1.0 accepted too
        except (TypeError, ValueError):
            raise TypeError(f"change_flags takes dicts of flags, (name, value) pairs or keyword "
                            f"arguments, got {a!r}") from None
    flags.update(kwargs)
    return config.change_flags(**flags)


def python_int_bitwidth():
    """The width in bits of a C ``long`` on this platform (the integer size that Theano 1.0 took
    for Python ints): 64 on 64-bit Linux and macOS, 32 on Windows and 32-bit platforms."""
    import ctypes

    return ctypes.sizeof(ctypes.c_long) * 8


def local_bitwidth():
    """The width in bits of a pointer on this platform (32 or 64)."""
    import struct

    return struct.calcsize("P") * 8
