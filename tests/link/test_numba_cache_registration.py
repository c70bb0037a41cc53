"""A kernel module is importable by name whenever numba compiles or loads one of its functions
(theano/link/numba/cache.py, ``registered``).

numba records a compiled function's globals by importing its module by name, and loads a cached
overload the same way. A scan module's step function ``graph`` is called by name by its loop, so
it stays in the module's globals; held alone (the compile helper compiles exactly that), its module
had already left ``sys.modules``, numba recorded a placeholder module, and with numba 0.65 the
cached overload then failed to load in every later process: the LSTM benchmark's gradient loop ran
its per-node code for good, twice as slow."""

import gc
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import theano

numba = pytest.importorskip("numba")

from theano.link.numba import cache  # noqa: E402

SOURCE = textwrap.dedent("""\
    import numba
    import numpy as np


    def _graph(x):
        out = np.empty((x.shape[0], ), dtype=np.float64)
        for j in range(x.shape[0]):
            out[j] = x[j] * 2.0 + 1.0
        return out


    graph = numba.njit(cache=True)(_graph)


    def _loop(n, x):
        acc = np.zeros(x.shape[0])
        for s in range(n):
            acc += graph(x)
        return acc


    loop = numba.njit(cache=True)(_loop)
    """)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(theano.config, "compiledir", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_loaded", {})
    monkeypatch.setattr(cache, "_checked_dirs", {})
    monkeypatch.setattr(theano.config, "numba__compile_worker", "never")
    return tmp_path / "cache"


def _sig():
    return (numba.typeof(np.zeros(2)),)     # what a call with a float64 vector looks up


def _step_alone():
    """``graph`` of the module, with the loop (and the namespace) already dropped."""
    graph = cache.load_module(SOURCE).graph
    gc.collect()
    return graph


def test_a_step_held_alone_compiles_with_its_own_module(fresh_cache):
    graph = _step_alone()
    name = graph.py_func.__module__
    assert name.startswith("_theano_ng_kernel_")
    # the loop is gone, so the module has left sys.modules (nothing leaks) ...
    assert name not in sys.modules
    x = np.linspace(-1.0, 1.0, 7)
    np.testing.assert_array_equal(graph(x), x * 2.0 + 1.0)
    # ... yet numba compiled it with the module's own globals, not a placeholder module
    (cres,) = graph.overloads.values()
    assert cres.environment.globals is graph.py_func.__globals__
    assert name not in sys.modules          # put back for the compile only


def _hits_and_misses_in_a_new_process(cache_dir):
    """Load the step from the disk cache in a new process and call it: (cache hits, misses)."""
    code = textwrap.dedent(f"""\
        import numpy as np, theano
        from theano.link.numba import cache
        theano.config.compiledir = {str(cache_dir)!r}
        g = cache.load_module({SOURCE!r}).graph
        x = np.arange(4.0)
        assert (g(x) == x * 2.0 + 1.0).all()
        print(sum(g.stats.cache_hits.values()), sum(g.stats.cache_misses.values()))
        """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=300)
    assert out.returncode == 0, out.stderr
    return [int(v) for v in out.stdout.split()]


def test_compile_kernel_of_a_step_is_loadable_in_a_new_process(fresh_cache):
    disp = cache.compile_kernel(SOURCE, "graph", _sig())
    (cres,) = disp.overloads.values()
    assert cres.environment.globals is disp.py_func.__globals__
    # a new process loads the overload from the disk cache (a hit, not a new compile)
    assert _hits_and_misses_in_a_new_process(fresh_cache) == [1, 0]


def test_worker_compiles_a_step_with_its_own_module(fresh_cache):
    """The compile helper's request for the step alone, served in this process."""
    import io
    import pickle
    import struct

    from theano.link.numba import compile_worker

    d = cache.kernel_dir()
    cache.make_private_dir(d)
    msg = pickle.dumps((d, SOURCE, "graph", _sig()))
    inp = io.BytesIO(struct.pack("<Q", len(msg)) + msg)
    out = io.BytesIO()
    compile_worker.serve(inp, out)
    out.seek(0)
    ok, _mb, why = pickle.loads(out.read()[8:])
    assert ok, why
    # the overload the helper wrote loads in a new process
    assert _hits_and_misses_in_a_new_process(fresh_cache) == [1, 0]


def test_an_entry_written_without_its_module_is_compiled_again(fresh_cache):
    """Cache entries written before the fix name numba's placeholder module: the first call
    drops numba's files of the entry and compiles it again, and the next process loads that."""
    graph = _step_alone()
    assert graph.py_func.__module__ not in sys.modules
    graph.compile(_sig())         # numba directly, as the helper did: the old, broken entry
    (cres,) = graph.overloads.values()
    assert cres.environment.globals is not graph.py_func.__globals__
    del graph, cres
    gc.collect()
    hits, misses = _hits_and_misses_in_a_new_process(fresh_cache)
    assert misses == 1
    assert _hits_and_misses_in_a_new_process(fresh_cache) == [1, 0]
