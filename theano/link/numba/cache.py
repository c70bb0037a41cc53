"""Disk cache of compiled kernels, safe for many processes and robust to crashes.

A kernel is Python source (generated from the scalar ops' templates). Its key is a hash of the
source and of the numba/Python versions. The source is written once to
``<compiledir>/numba-<version>-py<XY>/k_<key>.py`` (written to a temporary file and moved into
place with ``os.replace``, so a reader never sees half a file) and imported from there; numba's own
``cache=True`` keeps the machine code next to it in ``__pycache__``. There is no global lock: two
processes that build the same kernel at once write identical files, and the last rename wins.

A damaged entry (a truncated source file, a truncated numba index or data file) is detected when it
is loaded: its files are deleted and the kernel is rebuilt, never a fatal error.

Trust model: whoever can write the cache directory can run code in every process that uses it
(numba's cache files are pickles; Theano 1.0's compiledir had the same property). So the directory
is created with mode 0700, and a directory owned by another user, or writable by group or others,
is refused with a warning: kernels then go to a private temporary directory of this process. A
kernel's source is executed only when its text hashes to the key in its file name, and never
through a ``.pyc`` file. The cache is capped (``config.compiledir_max_mb``): above it, the least
recently used kernels are evicted (``theano-cache`` lists, clears and purges it).

Memory: a kernel is compiled once per process and shared by every graph whose node has the same
scalar program (the source is the key). The process keeps a kernel's numba dispatcher only while
a compiled function uses it: dropping the last such function frees its Python side (the
dispatcher, its type-inference results and LLVM library objects, its module). The machine code
and LLVM state of a kernel compiled in a process stay until the process ends (numba never removes
modules from the engine; numba issue 7831), about 1.2 MB per kernel; so after the first few,
kernels are compiled by a helper process and loaded from this cache (about 0.1 MB each; see the
end of this module and ``benchmarks/bench_memory.py``).
"""

import atexit
import contextlib
import glob
import hashlib
import importlib.util
import linecache
import os
import shutil
import stat
import sys
import tempfile
import threading
import types
import uuid
import warnings
import weakref

from theano.configdefaults import config
from theano.link.numba import jit_clock

_VERSION_TAG = None
_loaded = {}      # key -> _Entry of the kernel module, in this process (see load_module)
_lock = threading.RLock()  # in-process only: two threads of one process import a module once


def version_tag():
    """numba and Python versions (read without importing numba, which is slow)."""
    global _VERSION_TAG
    if _VERSION_TAG is None:
        from importlib.metadata import version

        _VERSION_TAG = f"numba-{version('numba')}-py{sys.version_info[0]}{sys.version_info[1]}"
    return _VERSION_TAG


_checked_dirs = {}   # compiledir -> the directory actually used (itself or a private fallback)


def private_dir_problem(path):
    """Why ``path`` may not hold code this process runs (None when it is safe): it must be a real
    directory owned by this user and writable by nobody else."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        return "is not a plain directory"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"is owned by another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return None


def make_private_dir(path):
    """Create ``path`` (and its parents) with mode 0700 when missing; return the problem that makes
    it unsafe, or None."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as exc:
        return f"cannot be created ({exc.strerror})"
    return private_dir_problem(path)


def _fallback_dir():
    d = tempfile.mkdtemp(prefix="theano-ng-kernels-")   # mode 0700, unique to this process
    atexit.register(shutil.rmtree, d, True)
    return d


def compile_root():
    """The checked cache directory (``config.compiledir``, or a private fallback)."""
    want = config.compiledir
    got = _checked_dirs.get(want)
    if got is None:
        problem = make_private_dir(want)
        if problem is None:
            got = want
        else:
            got = _fallback_dir()
            warnings.warn(
                f"theano: the compile cache directory {want} {problem}; it is not used (whoever can "
                f"write it could run code in this process). Kernels are cached in {got} for this "
                "process only. Set THEANO_FLAGS=base_compiledir=<a folder of yours> to keep them.",
                stacklevel=2)
        _checked_dirs[want] = got
    return got


def kernel_dir():
    return os.path.join(compile_root(), version_tag())


def kernel_key(source):
    h = hashlib.sha256()
    h.update(version_tag().encode())
    h.update(b"\0")
    h.update(source.encode())
    return h.hexdigest()[:32]


def _write_atomic(path, text):
    tmp = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _ensure_source(path, source):
    """Make ``path`` hold exactly ``source`` (rewrite it when missing, truncated or different)."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == source:
                return False
    except (OSError, UnicodeDecodeError):
        pass
    _write_atomic(path, source)
    return True


def purge(key):
    """Delete every file of the cache entry ``key`` (source and numba's index/data files)."""
    d = kernel_dir()
    paths = [os.path.join(d, f"k_{key}.py")]
    paths += glob.glob(os.path.join(d, "__pycache__", f"k_{key}.*"))
    paths.append(os.path.join(d, f"k_{key}.used"))
    for p in paths:
        try:
            os.remove(p)
        except OSError:
            pass
    _loaded.pop(key, None)


def is_cached(source):
    """Whether numba's index file for this kernel exists (loading it is then fast)."""
    key = kernel_key(source)
    d = kernel_dir()
    return bool(glob.glob(os.path.join(d, "__pycache__", f"k_{key}.*.nbi")))


class _Entry:
    """What this process keeps of one loaded kernel module: the module itself (in ``sys.modules``,
    where numba looks it up by name when it loads a cached overload) and weak references to its
    numba dispatchers, which only their users (the compiled functions) hold."""

    __slots__ = ("key", "module", "dispatchers", "alive", "__weakref__")

    def __init__(self, key, module):
        self.key = key
        self.module = module
        self.dispatchers = {}   # attribute name -> weakref to the dispatcher
        self.alive = 0

    def handle(self):
        """A namespace with the module's attributes and its live dispatchers; None when one of
        them has been collected (the module is then executed again)."""
        found = {}
        for attr, ref in self.dispatchers.items():
            disp = ref()
            if disp is None:
                return None
            found[attr] = disp
        if not found:
            return self.module
        mod = types.ModuleType(self.module.__name__)
        mod.__dict__.update(self.module.__dict__)
        mod.__dict__.update(found)
        return mod


def _dispatcher_class():
    d = sys.modules.get("numba.core.dispatcher")
    return getattr(d, "Dispatcher", None) if d is not None else None


def _names_used_by_code(namespace):
    """Global names read by the functions defined in ``namespace`` (nested code included)."""
    used = set()
    stack = [v.__code__ for v in namespace.values() if isinstance(v, types.FunctionType)]
    while stack:
        code = stack.pop()
        used.update(code.co_names)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return used


def _release(entry, attr):
    """A dispatcher of ``entry`` was collected: when none is left, forget the module (no lock
    taken: this runs from the garbage collector, possibly inside ``load_module``)."""
    entry.alive -= 1
    if entry.alive > 0:
        return
    name = entry.module.__name__
    if sys.modules.get(name) is entry.module and name not in _registrations:
        sys.modules.pop(name, None)
    linecache.cache.pop(getattr(entry.module, "__file__", None), None)   # read by numba's IR
    if _loaded.get(entry.key) is entry:
        _loaded.pop(entry.key, None)


def _detach_dispatchers(entry):
    """Move the module's numba dispatchers out of its globals, to weak references.

    numba registers each compiled overload in its target context (for calls from other jitted
    code); that entry refers to the overload's environment, whose globals are the module's dict.
    A dispatcher kept in that dict is thus reachable from a process-wide table and never freed,
    nor are its type-inference results and LLVM library (numba issue 7831). Without it there, the
    dispatcher dies with the last compiled function that uses it, and numba's own finalizer drops
    the registration. A dispatcher that code of the module calls by name must stay."""
    cls = _dispatcher_class()
    if cls is None:
        return
    glb = entry.module.__dict__
    used = _names_used_by_code(glb)
    found = {}
    for attr, value in list(glb.items()):
        if isinstance(value, cls) and attr not in used:
            found[attr] = value
            del glb[attr]
    for attr, disp in found.items():
        entry.dispatchers[attr] = weakref.ref(disp)
        entry.alive += 1
        weakref.finalize(disp, _release, entry, attr)
    return found


def load_module(source, fresh=False, directory=None):
    """Import the kernel module of ``source`` from the cache directory (writing it if needed).

    The module's code is compiled from ``source`` itself, after checking that the file holds
    exactly that text, so neither a changed file nor a stale or forged ``.pyc`` is ever run.

    The result is a module object with the module's attributes. Its numba dispatchers are held
    only by it and by whoever takes them from it: the same source loaded again while they are
    alive gives the same dispatchers (a kernel is compiled once per process, whichever graphs use
    it), and once every user is gone they are freed with their compiled overloads.

    ``directory``: the kernel directory to use instead of this process's (the compile helper is
    told its parent's)."""
    key = kernel_key(source)
    with _lock:
        if not fresh and key in _loaded:
            mod = _loaded[key].handle()
            if mod is not None:
                return mod
        d = directory or kernel_dir()
        if make_private_dir(d) is not None:
            _checked_dirs.pop(config.compiledir, None)
            raise OSError(f"kernel cache directory {d} is not private")
        path = os.path.join(d, f"k_{key}.py")
        wrote = _ensure_source(path, source)
        name = f"_theano_ng_kernel_{key}" + (f"_{uuid.uuid4().hex[:6]}" if fresh else "")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        # numba's cached code finds its globals by importing the module by name
        sys.modules[name] = module
        # a live dispatcher of the module leads back to it (its function's globals): see registered
        module.__dict__[_SELF] = module
        exec(compile(source, path, "exec"), module.__dict__)
        if directory is None:
            _install_compile_hooks(module.__dict__, d, source)
        entry = _Entry(key, module)
        found = _detach_dispatchers(entry)
        _loaded[key] = entry
        _touch(d, key)
        if wrote:
            _count_written(d, key)
        if not found:
            return module
        mod = types.ModuleType(name)
        mod.__dict__.update(module.__dict__)
        mod.__dict__.update(found)
        return mod


_SELF = "_theano_ng_kernel_module"
_registrations = {}     # module name -> how many compiles in progress put it back (registered)


@contextlib.contextmanager
def registered(disp):
    """While numba compiles ``disp`` (or loads it from the disk cache), the kernel module that
    defines it is in ``sys.modules`` under its name.

    numba finds a function's globals by importing its module by name, both when it compiles it
    (the environment it records) and when it loads a cached overload. A module leaves
    ``sys.modules`` once the dispatchers that it does not call by name are gone (``_release``),
    but a dispatcher that the module's code calls by name (a scan step ``graph`` called by
    ``scan_loop``) may still be held alone and compiled: without its module numba records a
    placeholder module instead, and with numba 0.65 the cached overload can never be loaded
    again. Such a module is put back for the compile and removed again afterwards."""
    glb = getattr(getattr(disp, "py_func", None), "__globals__", None)
    module = glb.get(_SELF) if glb is not None else None
    if module is None:
        yield
        return
    name = module.__name__
    with _lock:
        put = sys.modules.get(name) is not module
        if put:
            sys.modules[name] = module
            _registrations[name] = _registrations.get(name, 0) + 1
    try:
        yield
    finally:
        if put:
            with _lock:
                left = _registrations[name] = _registrations[name] - 1
                if left <= 0:
                    _registrations.pop(name, None)
                    if sys.modules.get(name) is module:
                        sys.modules.pop(name, None)


def _entry_bytes(d, key):
    """Bytes of one entry's files (its source and numba's index/data files)."""
    total = 0
    for f in [os.path.join(d, f"k_{key}.py")] + glob.glob(os.path.join(d, "__pycache__", f"k_{key}.*")):
        try:
            total += os.path.getsize(f)
        except OSError:
            pass
    return total


def _touch(d, key):
    """Mark the entry as used now (its source file keeps its time: numba's index is stamped with it)."""
    try:
        with open(os.path.join(d, f"k_{key}.used"), "a"):
            pass
        os.utime(os.path.join(d, f"k_{key}.used"))
    except OSError:
        pass


def _sizes_by_key(folder, prefix="k_"):
    """``{key: (bytes, mtime)}`` summed over the files ``k_<key>.*`` of one folder, in one scan."""
    out = {}
    try:
        it = os.scandir(folder)
    except OSError:
        return out
    with it:
        for e in it:
            name = e.name
            if not name.startswith(prefix):
                continue
            key = name[len(prefix):].split(".", 1)[0]
            try:
                st = e.stat()
            except OSError:
                continue
            size, mtime = out.get(key, (0, 0.0))
            out[key] = (size + st.st_size, max(mtime, st.st_mtime))
    return out


def entries(d=None):
    """``[(key, bytes, last_used_time)]`` of the kernels in the cache directory, oldest use first.

    Two directory scans whatever the number of entries (the cache may hold thousands)."""
    d = d or kernel_dir()
    out = []
    top = {}
    try:
        it = os.scandir(d)
    except OSError:
        return out
    with it:
        for e in it:
            name = e.name
            if not name.startswith("k_"):
                continue
            key, _, ext = name[2:].partition(".")
            try:
                st = e.stat()
            except OSError:
                continue
            rec = top.setdefault(key, {"size": 0, "src": None, "used": None})
            if ext == "py":
                rec["src"] = st.st_mtime
                rec["size"] += st.st_size
            elif ext == "used":
                rec["used"] = st.st_mtime
            else:
                rec["size"] += st.st_size
    compiled = _sizes_by_key(os.path.join(d, "__pycache__"))
    for key, rec in top.items():
        if rec["src"] is None:
            continue
        size = rec["size"] + compiled.get(key, (0, 0.0))[0]
        used = rec["used"] if rec["used"] is not None else rec["src"]
        out.append((key, size, used))
    out.sort(key=lambda e: e[2])
    return out


# This process's estimate of the cache's size: one scan at the first kernel written, then the
# sizes of the kernels this process writes are added; a full scan (and eviction) runs only when
# the estimate passes the cap, so writing a kernel costs no directory scan in the common case.
_size_estimate = {}
_written = set()      # keys whose source this process wrote, counted once compiled


def _count_written(d, key):
    """Add the kernels written since the last call (compiled by now, so with numba's files) to
    the size estimate, remember ``key`` for the next call, and evict if the cap is passed."""
    added = sum(_entry_bytes(d, k) for k in _written)
    _written.clear()
    _written.add(key)
    _maybe_evict(d, added=added + _entry_bytes(d, key))


def _maybe_evict(d, added=0):
    """Evict least recently used kernels while the cache is above ``config.compiledir_max_mb``."""
    cap = int(config.compiledir_max_mb) * 2 ** 20
    if cap <= 0:
        return
    est = _size_estimate.get(d)
    if est is not None:
        est += added
        _size_estimate[d] = est
        if est <= cap:
            return
    found = entries(d)
    total = sum(e[1] for e in found)
    for key, size, _ in found:
        if total <= cap:
            break
        if key in _loaded:
            continue      # in use by this process
        purge(key)
        total -= size
    _size_estimate[d] = total


def compile_kernel(source, attr, signature):
    """The numba dispatcher ``attr`` of the kernel module of ``source``, compiled for
    ``signature`` (loaded from the disk cache when there). A damaged cache entry is deleted and
    the kernel built again. (The time is compile time for the profiler: ``jit_clock``.)"""
    jit_clock.enter()
    try:
        try:
            disp = getattr(load_module(source), attr)
            compile_elsewhere(disp, kernel_dir(), source, attr, signature)
            with registered(disp):
                disp.compile(signature)
            return disp
        except Exception:
            # A truncated index/data file or source: throw the entry away and build it afresh.
            purge(kernel_key(source))
            disp = getattr(load_module(source, fresh=True), attr)
            with registered(disp):
                disp.compile(signature)
            return disp
    finally:
        jit_clock.leave()


# ---- compiling in a helper process ---------------------------------------------------------------
# LLVM keeps memory for every module numba compiles in a process (its context's types, constants
# and metadata, and the engine's code), about 1.2 MB per kernel that no API frees; a kernel loaded
# from the disk cache costs about 0.1 MB. So kernels can be compiled by a helper process
# (``compile_worker.py``): it compiles a kernel into the disk cache, and this process then loads
# it from there, as any cached kernel. The machine code is the same (same source, same numba, same
# CPU), so results are the same bits wherever a kernel was compiled. The helper is replaced when it
# grows above ``config.numba__compile_worker_max_mb``, which gives its memory back to the system.
# Any failure of the helper (it cannot start, dies, or cannot build the kernel) falls back to
# compiling in this process, which then raises numba's own error if there is one.

_worker = {"proc": None, "pid": None, "broken": None, "compiled_here": 0, "compiled_there": 0,
           "restarts": 0}
_worker_lock = threading.Lock()


def _install_compile_hooks(namespace, d, source):
    """Give every numba dispatcher of a kernel module a first-call hook (numba calls a
    dispatcher's ``_compile_for_args`` when it has no overload for the arguments' types) that
    lets the helper compile the overload first, when the policy says so."""
    cls = _dispatcher_class()
    if cls is None:
        return
    for attr, value in list(namespace.items()):
        if isinstance(value, cls):
            value._compile_for_args = _first_call_hook(weakref.ref(value), d, source, attr)


def _first_call_hook(ref, d, source, attr):
    def compile_for_args(*args, **kws):
        disp = ref()
        jit_clock.enter()       # (the profiler keeps this time out of the node's)
        try:
            if not kws:
                try:
                    sig = tuple(disp.typeof_pyval(a) for a in args)
                except Exception:
                    sig = None
                if sig is not None:
                    compile_elsewhere(disp, d, source, attr, sig)
            with registered(disp):
                try:
                    return type(disp)._compile_for_args(disp, *args, **kws)
                except ImportError:
                    # numba could not load the cached overload (an entry written before
                    # ``registered``, whose globals name no importable module): drop numba's
                    # files of the entry and compile it again
                    for f in glob.glob(os.path.join(d, "__pycache__", f"k_{kernel_key(source)}.*")):
                        try:
                            os.remove(f)
                        except OSError:
                            pass
                    return type(disp)._compile_for_args(disp, *args, **kws)
        finally:
            jit_clock.leave()

    return compile_for_args


def _in_disk_cache(disp, sig):
    """Whether numba's disk cache holds ``disp`` compiled for ``sig`` (None: cannot tell, e.g.
    a dispatcher without ``cache=True``)."""
    try:
        impl = disp._cache
        key = impl._index_key(sig, disp.targetctx.codegen())
        return key in impl._cache_file._load_index()
    except Exception:
        return None


def worker_stats():
    """Counts of this process's kernel compilations: ``compiled_here`` (in this process),
    ``compiled_there`` (by the helper), ``restarts`` (helpers replaced) and ``broken`` (why the
    helper is not used any more, or None)."""
    return {k: _worker[k] for k in ("compiled_here", "compiled_there", "restarts", "broken")}


def _use_worker():
    mode = config.numba__compile_worker
    if mode == "never" or _worker["broken"] is not None:
        return False
    if mode == "always":
        return True
    return _worker["compiled_here"] >= int(config.numba__compile_worker_after)


def compile_elsewhere(disp, d, source, attr, sig):
    """Before ``disp`` is compiled for ``sig`` here: when the kernel is not in the disk cache and
    the policy sends it to the helper, have the helper compile it into the cache (True when it
    did; the caller's compile then loads it). False: the caller compiles it itself."""
    if not source:
        return False
    cached = _in_disk_cache(disp, sig)
    if cached is None or cached:
        return False
    if not _use_worker():
        _worker["compiled_here"] += 1
        if (config.numba__compile_worker == "auto" and _worker["broken"] is None
                and _worker["compiled_here"] + _PRESTART >= int(config.numba__compile_worker_after)):
            _prestart()
        return False
    ok = _worker_compile(d, source, attr, sig)
    if ok:
        _worker["compiled_there"] += 1
        return _in_disk_cache(disp, sig) is True
    _worker["compiled_here"] += 1
    return False


def _worker_env():
    env = dict(os.environ)
    here = os.path.abspath(__file__)           # <root>/theano/link/numba/cache.py
    root = here
    for _ in range(4):
        root = os.path.dirname(root)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # the helper compiles the sources it is sent and reads no other flag; evicting old kernels
    # stays this process's job (with its own cap)
    env["THEANO_FLAGS"] = "compiledir_max_mb=0"
    return env


_PRESTART = 4    # 'auto' starts the helper this many kernels early: it warms up meanwhile


def _prestart():
    """Start the helper now, without waiting for it (it imports numba and initialises LLVM while
    this process goes on)."""
    with _worker_lock:
        if _worker["pid"] != os.getpid():
            _worker["proc"] = None
            _worker["pid"] = os.getpid()
        if _worker["proc"] is None:
            try:
                _worker["proc"] = _start_worker()
            except Exception as exc:
                _worker["broken"] = f"{type(exc).__name__}: {exc}"


def _start_worker():
    import subprocess

    exe = os.path.basename(sys.executable or "").lower()
    if getattr(sys, "frozen", False) or not ("python" in exe or "pypy" in exe):
        # an embedding program (a frozen application, a server) is not a Python interpreter
        raise OSError(f"sys.executable ({sys.executable!r}) is not a Python interpreter")
    return subprocess.Popen([sys.executable, "-m", "theano.link.numba.compile_worker"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_worker_env(),
                            close_fds=True)


def stop_worker():
    """End the helper process (a new one starts when a kernel needs it)."""
    with _worker_lock:
        _stop_locked()


def _stop_locked():
    proc, _worker["proc"] = _worker["proc"], None
    if proc is None or _worker["pid"] != os.getpid():
        return        # a helper inherited through fork belongs to the parent: leave it alone
    try:
        proc.stdin.close()
        proc.wait(timeout=5)
    except Exception:
        proc.kill()
        try:
            proc.wait(timeout=5)
        except Exception:
            pass
    for f in (proc.stdout,):
        try:
            f.close()
        except Exception:
            pass


def _kill_locked():
    proc, _worker["proc"] = _worker["proc"], None
    if proc is None or _worker["pid"] != os.getpid():
        return
    try:
        proc.kill()
        proc.wait(timeout=5)
    except Exception:
        pass
    for f in (proc.stdin, proc.stdout):
        try:
            f.close()
        except Exception:
            pass


atexit.register(stop_worker)


def _worker_compile(d, source, attr, sig):
    """Have the helper compile ``attr`` of ``source`` for ``sig`` into the cache directory ``d``."""
    import pickle
    import struct

    with _worker_lock:
        if _worker["pid"] != os.getpid():
            _worker["proc"] = None       # forked: this process starts its own helper
            _worker["pid"] = os.getpid()
        try:
            proc = _worker["proc"]
            if proc is None:
                proc = _worker["proc"] = _start_worker()
            msg = pickle.dumps((d, source, attr, sig), protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.write(struct.pack("<Q", len(msg)) + msg)
            proc.stdin.flush()
            head = proc.stdout.read(8)
            if len(head) != 8:
                raise EOFError("the compile helper ended")
            body = proc.stdout.read(struct.unpack("<Q", head)[0])
            ok, rss_mb, _why = pickle.loads(body)
        except Exception as exc:
            _worker["broken"] = f"{type(exc).__name__}: {exc}"
            _kill_locked()
            return False
        except BaseException:
            # interrupted (Ctrl-C) while the helper works: its answer would be read as the next
            # request's, so it goes; the next kernel starts a fresh one
            _kill_locked()
            raise
        if rss_mb > int(config.numba__compile_worker_max_mb):
            _stop_locked()
            _worker["restarts"] += 1
        return bool(ok)
