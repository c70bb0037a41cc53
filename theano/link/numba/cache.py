"""Disk cache of compiled kernels, safe for many processes and robust to crashes.

A kernel is Python source (generated from the scalar ops' templates). Its key is a hash of the
source and of the numba/Python versions. The source is written once to
``<compiledir>/numba-<version>-py<XY>/k_<key>.py`` (written to a temporary file and moved into
place with ``os.replace``, so a reader never sees half a file) and imported from there; numba's own
``cache=True`` keeps the machine code next to it in ``__pycache__``. There is no global lock: two
processes that build the same kernel at once write identical files, and the last rename wins.

A damaged entry (a truncated source file, a truncated numba index or data file) is detected when it
is loaded: its files are deleted and the kernel is rebuilt, never a fatal error.
"""

import glob
import hashlib
import importlib.util
import os
import sys
import threading
import uuid

from theano.configdefaults import config

_VERSION_TAG = None
_loaded = {}      # key -> module, in this process
_lock = threading.Lock()   # in-process only: two threads of one process import a module once


def version_tag():
    """numba and Python versions (read without importing numba, which is slow)."""
    global _VERSION_TAG
    if _VERSION_TAG is None:
        from importlib.metadata import version

        _VERSION_TAG = f"numba-{version('numba')}-py{sys.version_info[0]}{sys.version_info[1]}"
    return _VERSION_TAG


def kernel_dir():
    return os.path.join(config.compiledir, version_tag())


def kernel_key(source):
    h = hashlib.sha256()
    h.update(version_tag().encode())
    h.update(b"\0")
    h.update(source.encode())
    return h.hexdigest()[:32]


# numba's cache index is stamped with the source file's (mtime, size): every writer gives the file
# the same mtime, so that a rewrite by a racing process does not make the index stale.
_FIXED_MTIME = 1_000_000_000


def _write_atomic(path, text):
    tmp = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.utime(tmp, (_FIXED_MTIME, _FIXED_MTIME))
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


def load_module(source, fresh=False):
    """Import the kernel module of ``source`` from the cache directory (writing it if needed)."""
    key = kernel_key(source)
    with _lock:
        if not fresh and key in _loaded:
            return _loaded[key]
        d = kernel_dir()
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, f"k_{key}.py")
        _ensure_source(path, source)
        name = f"_theano_ng_kernel_{key}" + (f"_{uuid.uuid4().hex[:6]}" if fresh else "")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        # numba's cached code finds its globals by importing the module by name
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _loaded[key] = module
        return module


def compile_kernel(source, attr, signature):
    """The numba dispatcher ``attr`` of the kernel module of ``source``, compiled for
    ``signature`` (loaded from the disk cache when there). A damaged cache entry is deleted and
    the kernel built again."""
    try:
        disp = getattr(load_module(source), attr)
        disp.compile(signature)
        return disp
    except Exception:
        # A truncated index/data file or source: throw the entry away and build it afresh.
        purge(kernel_key(source))
        disp = getattr(load_module(source, fresh=True), attr)
        disp.compile(signature)
        return disp
