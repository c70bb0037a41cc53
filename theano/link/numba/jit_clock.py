"""Seconds this process has spent making Numba kernels ready: compiling them, loading them from
the disk cache, or waiting for the compile helper (``compile_worker``): Numba's
``numba:compiler_lock`` events, and the whole first-call compile of a kernel (the hook of
``cache.py``: Numba's own start-up at the first kernel of a process happens outside the lock).

The profiler reads ``jit_seconds()`` before and after each node, so that the first call of a node
whose kernel is compiled then is not reported as the node's run time (a kernel compiles in tenths
of a second; it runs in microseconds). Numba announces every compile and every cache load with
its ``numba:compiler_lock`` event; the listener is registered the first time a profiled function
asks, so unprofiled programs pay nothing."""

import threading
import time

_lock = threading.Lock()
_state = {"total": 0.0, "depth": 0, "start": 0.0, "installed": False}


def _make_listener():
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, ev):
            enter()

        def on_end(self, ev):
            leave()

    event.register("numba:compiler_lock", _Listener())


def install():
    """Start counting (idempotent); False when Numba cannot be imported."""
    with _lock:
        if _state["installed"]:
            return True
        try:
            _make_listener()
        except Exception:
            return False
        _state["installed"] = True
        return True


def enter():
    """Start a span counted as compile time (nested spans and Numba's lock inside count once)."""
    if _state["depth"] == 0:
        _state["start"] = time.perf_counter()
    _state["depth"] += 1


def leave():
    _state["depth"] -= 1
    if _state["depth"] == 0:
        _state["total"] += time.perf_counter() - _state["start"]


def jit_seconds():
    """Seconds counted so far (0.0 until ``install`` ran)."""
    return _state["total"]
