"""``theano-cache``: look at and clean the compile cache (Theano 1.0's command of the same name).

    theano-cache                  print the compile directory
    theano-cache list             the cached kernels of this numba/Python version, with sizes
    theano-cache clear            delete the cached kernels of this numba/Python version
    theano-cache cleanup          delete what this version cannot use (other versions' folders,
                                  files left by interrupted writes)
    theano-cache purge            delete every cached kernel of every version
    theano-cache basecompiledir [list|purge]
                                  print the base compile directory and its cache folders, or
                                  delete all of them

Only what theano-ng writes is ever deleted: ``numba-*`` folders and the kernel files in them, so a
compile directory pointed at a folder that holds other files loses none of them.
"""

import glob
import os
import shutil
import sys

USAGE = __doc__.split("\n\n")[1]


def _cache_folders(root):
    return sorted(p for p in glob.glob(os.path.join(root, "numba-*-py*")) if os.path.isdir(p))


def _size(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def _mb(n):
    return f"{n / 2 ** 20:.1f} MiB"


def _remove(paths, out):
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
        out.write(f"removed {p}\n")


def main(argv=None, out=None):
    from theano.configdefaults import config
    from theano.link.numba import cache

    argv = sys.argv[1:] if argv is None else list(argv)
    out = out or sys.stdout
    root = config.compiledir
    cmd = argv[0] if argv else ""
    if cmd in ("-h", "--help", "help"):
        out.write(USAGE + "\n")
        return 0
    if cmd == "":
        out.write(root + "\n")
        return 0
    if cmd == "list":
        here = os.path.join(root, cache.version_tag())
        found = cache.entries(here) if os.path.isdir(here) else []
        out.write(f"{here}: {len(found)} kernels, {_mb(sum(e[1] for e in found))}\n")
        for key, size, _ in reversed(found):
            out.write(f"  k_{key}  {_mb(size)}\n")
        return 0
    if cmd == "clear":
        _remove([p for p in _cache_folders(root) if os.path.basename(p) == cache.version_tag()], out)
        return 0
    if cmd == "cleanup":
        stale = [p for p in _cache_folders(root) if os.path.basename(p) != cache.version_tag()]
        _remove(stale, out)
        for tmp in glob.glob(os.path.join(root, "numba-*", "*.tmp")):
            os.remove(tmp)
            out.write(f"removed {tmp}\n")
        return 0
    if cmd == "purge":
        _remove(_cache_folders(root), out)
        return 0
    if cmd == "basecompiledir":
        base = config.base_compiledir
        sub = argv[1] if len(argv) > 1 else "list"
        folders = _cache_folders(base)
        if sub == "purge":
            _remove(folders, out)
            return 0
        if sub == "list":
            out.write(f"base compiledir: {base}\n")
            for p in folders:
                out.write(f"  {os.path.basename(p)}  {_mb(_size(p))}\n")
            return 0
    sys.stderr.write(f"theano-cache: unknown command {' '.join(argv)!r}\n{USAGE}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
