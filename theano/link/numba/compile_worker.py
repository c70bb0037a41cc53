"""The compile helper: a process that compiles numba kernels into the disk cache for its parent.

Started by ``cache._worker_compile`` as ``python -m theano.link.numba.compile_worker``. It reads
requests from stdin and answers on stdout, each message an 8-byte little-endian length and a
pickle. A request is ``(kernel directory, source, attribute, signature)``: the helper imports the
kernel module from that directory (the same file, module name and checks as its parent's
``load_module``), compiles the numba dispatcher ``attribute`` for ``signature`` (numba's
``cache=True`` writes the machine code next to the source), drops it, and answers
``(ok, resident MiB, error text)``. It ends when stdin closes (its parent ended or replaced it).

The helper runs only sources its parent sent through the pipe, from the parent's cache directory,
which the parent has already checked to be private (see ``cache.py``'s trust model).
"""

import os
import pickle
import struct
import sys
import warnings


def _rss_mb():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError, AttributeError):
        try:
            import resource

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        except Exception:
            return 0.0


def _read(stream):
    head = stream.read(8)
    if len(head) != 8:
        return None
    return pickle.loads(stream.read(struct.unpack("<Q", head)[0]))


def _write(stream, obj):
    msg = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(msg)) + msg)
    stream.flush()


def serve(inp, out):
    """Answer requests from ``inp`` on ``out`` until ``inp`` ends."""
    import gc

    from theano.link.numba import cache

    while True:
        req = _read(inp)
        if req is None:
            return
        d, source, attr, sig = req
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                disp = getattr(cache.load_module(source, directory=d), attr)
                with cache.registered(disp):
                    disp.compile(sig)
            reply = (True, 0.0, "")
        except BaseException as exc:       # the parent compiles it again and raises the error
            reply = (False, 0.0, f"{type(exc).__name__}: {exc}")
        disp = None
        gc.collect()
        _write(out, (reply[0], _rss_mb(), reply[2]))


def _warm_up():
    """Import numba and initialise its compiler (about half a second) before the first request."""
    import numba

    numba.njit(lambda v: v + 1)(1.0)


def main():
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is for the parent, which ends us
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr        # a stray print must not corrupt the answers
    try:
        _warm_up()
    except Exception:
        pass                       # the first request then reports what fails
    serve(inp, out)


if __name__ == "__main__":
    main()
