"""Kernels are compiled once per scalar program and shared by every graph that has it; dropping the
last function that uses a kernel frees its Python side (theano/link/numba/cache.py)."""

import gc
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

numba = pytest.importorskip("numba")

from theano.link.numba import cache  # noqa: E402

MODE = theano.Mode(linker="numba", optimizer="fast_run")


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(theano.config, "compiledir", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_loaded", {})
    monkeypatch.setattr(cache, "_checked_dirs", {})
    monkeypatch.setattr(theano.config, "numba__whole_graph", False)
    # these tests count compilations in this process (the helper process has its own tests)
    monkeypatch.setattr(theano.config, "numba__compile_worker", "never")


def _kernel_entries():
    return {k: e for k, e in cache._loaded.items() if e.dispatchers}


def _chain(x, y, c):
    # a fused chain of exact steps: one Numba kernel per node
    return ((x * y + x) * c - y) / (y * y + 1.5)


def test_same_program_in_two_graphs_compiles_once(fresh_cache):
    x, y = T.dvectors("x", "y")
    a, b = np.linspace(-2, 2, 50), np.linspace(1, 3, 50)
    f = theano.function([x, y], _chain(x, y, 3.0), mode=MODE)
    g = theano.function([y, x], [_chain(x, y, 3.0), x + 1], mode=MODE)   # another graph
    for _ in range(3):
        assert np.allclose(f(a, b), _chain(a, b, 3.0), rtol=1e-14, atol=0)
        out, plus = g(b, a)
        assert np.array_equal(out, f(a, b)) and np.array_equal(plus, a + 1)
    entries = _kernel_entries()
    assert len(entries) == 1, "the shared scalar program was compiled more than once"
    (entry,) = entries.values()
    disp = entry.dispatchers["kernel"]()
    assert len(disp.overloads) == 1
    assert sum(disp.stats.cache_misses.values()) == 1      # built once, not loaded twice


def test_dropping_the_functions_frees_the_kernel(fresh_cache):
    x, y = T.dvectors("x", "y")
    a, b = np.linspace(-2, 2, 20), np.linspace(1, 3, 20)
    f = theano.function([x, y], _chain(x, y, 7.0), mode=MODE)
    g = theano.function([x, y], _chain(x, y, 7.0) * 1, mode=MODE)
    f(a, b)
    assert np.array_equal(g(a, b), f(a, b))
    (key, entry), = _kernel_entries().items()
    disp_ref = entry.dispatchers["kernel"]
    mod_name = entry.module.__name__
    assert disp_ref() is not None and mod_name in sys.modules
    del f
    gc.collect()
    assert disp_ref() is not None, "still used by g"
    assert np.allclose(g(a, b), _chain(a, b, 7.0), rtol=1e-14, atol=0)
    del g
    gc.collect()
    assert disp_ref() is None, "the kernel outlived every function that used it"
    assert key not in cache._loaded and mod_name not in sys.modules
    # and a new function with the same program gets a working kernel again (loaded from disk)
    h = theano.function([x, y], _chain(x, y, 7.0), mode=MODE)
    for _ in range(2):
        assert np.allclose(h(a, b), _chain(a, b, 7.0), rtol=1e-14, atol=0)
    (entry2,) = _kernel_entries().values()
    assert sum(entry2.dispatchers["kernel"]().stats.cache_hits.values()) == 1


def test_module_keeps_no_dispatcher(fresh_cache):
    src = ("import numba\n\n\ndef _k(a):\n    return a * 2.0\n\n\n"
           "def _uses(a):\n    return helper(a)\n\n\n"
           "kernel = numba.njit(cache=True)(_k)\nhelper = numba.njit(cache=True)(_k)\n")
    mod = cache.load_module(src)
    assert mod.kernel(2.0) == 4.0
    entry = cache._loaded[cache.kernel_key(src)]
    assert "kernel" not in entry.module.__dict__          # held by its users only
    assert "helper" in entry.module.__dict__              # called by name from the module's code
    again = cache.load_module(src)
    assert again.kernel is mod.kernel                     # same dispatcher while it is alive
    ref = entry.dispatchers["kernel"]
    del mod, again
    gc.collect()
    assert ref() is None
    mod = cache.load_module(src)                          # executed again, works
    assert mod.kernel(1.5) == 3.0


def test_reference_vm_agrees(fresh_cache):
    x, y = T.dvectors("x", "y")
    a, b = np.linspace(-2, 2, 30), np.linspace(1, 3, 30)
    out = _chain(x, y, 3.0)
    ref = theano.function([x, y], out, mode="FAST_COMPILE")
    fast = theano.function([x, y], out, mode=MODE)
    for _ in range(3):
        np.testing.assert_allclose(fast(a, b), ref(a, b), rtol=1e-14)
    with pytest.raises(ValueError):
        fast(a, b[:3])
