"""Small matrix products run on one BLAS thread; large ones on every thread BLAS has.

OpenBLAS (the BLAS NumPy and SciPy ship) splits a product over its threads from a small size on
(a 16 x 128 by 128 x 512 GEMM already). On a machine with other work, waking those threads for a
product of a few microseconds costs far more than it saves: a scan whose step does such products
ran 20 times slower with two BLAS threads than with one. So the backends call products of fewer
than ``config.blas__small_product_flops`` multiply-adds through ``one_thread(fn, *args)``, which
sets the BLAS libraries to one thread around the call, and leaves bigger products alone.

The libraries are found with ``threadpoolctl`` (a dependency: see docs/architecture.md), and
their ``openblas_set_num_threads`` functions are called directly through ctypes (about 0.1 us
each). Nothing is changed when BLAS has one thread anyway (a pinned process, OPENBLAS_NUM_THREADS=1)
or threadpoolctl is missing. The thread count is process-wide: calls from several Python threads
are counted, the first one in sets one thread, the last one out restores the count it found.
The values of a product do not depend on its thread count for GEMM/GEMV (each output element is
computed by one thread), so this changes timings only.
"""

import threading

# Products below this many multiply-adds never wake BLAS threads (OpenBLAS's own limits are
# about 9,000 for GEMV/GER and 260,000 for GEMM): no need to touch the thread count for them.
ALWAYS_ONE_THREAD_BELOW = 8192

_lock = threading.Lock()
_libs = None        # [(get_num_threads, set_num_threads)] of the BLAS libraries loaded
_active = 0
_saved = []


def _load():
    global _libs
    libs = []
    try:
        # SciPy's BLAS (the one Numba's np.dot calls, through scipy.linalg.cython_blas) may be
        # another library than NumPy's (SciPy's wheels ship their own OpenBLAS): load it first,
        # or its threads would never be limited
        import scipy.linalg.cython_blas  # noqa: F401
    except Exception:
        pass
    try:
        from threadpoolctl import ThreadpoolController

        controllers = ThreadpoolController().lib_controllers
    except Exception:   # threadpoolctl missing or failing: leave the thread counts alone
        controllers = []
    for lib in controllers:
        if lib.user_api != "blas":
            continue
        get = put = None
        getsym = getattr(lib, "_get_symbol", None)
        if lib.internal_api == "openblas" and getattr(lib, "threading_layer", "") != "openmp" \
                and getsym is not None:
            try:
                get, put = getsym("openblas_get_num_threads"), getsym("openblas_set_num_threads")
            except Exception:
                get = put = None
        if get is None or put is None:
            get, put = (lambda lib=lib: lib.num_threads), lib.set_num_threads
        try:
            if get() > 1:
                libs.append((get, put))
        except Exception:
            pass
    _libs = libs
    return libs


def multi_threaded():
    """Whether some BLAS library here runs on more than one thread (looked up once)."""
    libs = _libs if _libs is not None else _load()
    return bool(libs)


def limit():
    """The flops below which products run on one thread (0: never limit), for a node compiled
    now: ``config.blas__small_product_flops`` when BLAS is multi-threaded here, else 0."""
    from theano.configdefaults import config

    n = int(config.blas__small_product_flops)
    if n <= ALWAYS_ONE_THREAD_BELOW or not multi_threaded():
        return 0
    return n


def one_thread(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with every BLAS library set to one thread."""
    global _active, _saved
    libs = _libs
    with _lock:
        if _active == 0:
            _saved = [get() for get, _ in libs]
            for _, put in libs:
                put(1)
        _active += 1
    try:
        return fn(*args, **kwargs)
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                for (_, put), n in zip(libs, _saved):
                    put(n)


def product_flops(x, y):
    """Multiply-adds of ``np.dot(x, y)``."""
    if y.ndim >= 2:
        return x.size * y.shape[-1]
    return x.size if x.ndim else y.size
