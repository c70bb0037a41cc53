"""The kernel cache refuses directories others can write, runs only the source it was given, and
keeps itself under its size cap (theano/link/numba/cache.py)."""

import os
import warnings

import pytest

import theano

numba = pytest.importorskip("numba")

from theano.link.numba import cache  # noqa: E402

SRC = "import numba\n\n\ndef _k(a):\n    return a + {n}\n\n\nkernel = numba.njit(cache=True)(_k)\n"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setattr(theano.config, "compiledir", str(d))
    monkeypatch.setattr(cache, "_loaded", {})
    monkeypatch.setattr(cache, "_checked_dirs", {})
    monkeypatch.setattr(cache, "_size_estimate", {})
    monkeypatch.setattr(cache, "_written", set())
    return d


def test_new_cache_directory_is_private(fresh_cache):
    disp = cache.compile_kernel(SRC.format(n=1), "kernel", (numba.types.float64,))
    assert disp(1.0) == 2.0
    assert (os.stat(fresh_cache).st_mode & 0o777) == 0o700
    assert (os.stat(cache.kernel_dir()).st_mode & 0o077) == 0


def test_world_writable_directory_is_refused(fresh_cache):
    fresh_cache.mkdir(mode=0o700)
    os.chmod(fresh_cache, 0o777)
    with pytest.warns(UserWarning, match="can be written by other users"):
        disp = cache.compile_kernel(SRC.format(n=2), "kernel", (numba.types.float64,))
    assert disp(1.0) == 3.0
    assert not list(fresh_cache.iterdir())          # nothing was written into it
    assert not cache.kernel_dir().startswith(str(fresh_cache))


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_directory_of_another_user_is_refused(fresh_cache):
    fresh_cache.mkdir(mode=0o700)
    os.chown(fresh_cache, 12345, 12345)
    assert "owned by another user" in cache.private_dir_problem(str(fresh_cache))
    with pytest.warns(UserWarning, match="owned by another user"):
        cache.kernel_dir()


def test_symlinked_directory_is_refused(fresh_cache, tmp_path):
    (tmp_path / "real").mkdir(mode=0o700)
    os.symlink(tmp_path / "real", fresh_cache)
    assert cache.private_dir_problem(str(fresh_cache)) == "is not a plain directory"


def test_changed_source_file_is_not_run(fresh_cache):
    src = SRC.format(n=3)
    mod = cache.load_module(src)
    path = mod.__file__
    # someone replaces the file with other code: the next load runs the given source, not the file
    with open(path, "w") as f:
        f.write("raise SystemExit('forged')\n")
    cache._loaded.clear()
    mod2 = cache.load_module(src)
    assert mod2.kernel(1.0) == 4.0
    assert open(path).read() == src


def test_no_pyc_is_written_or_read(fresh_cache):
    mod = cache.load_module(SRC.format(n=4))
    pyc = os.path.join(os.path.dirname(mod.__file__), "__pycache__")
    assert not [f for f in (os.listdir(pyc) if os.path.isdir(pyc) else []) if f.endswith(".pyc")]


def test_size_cap_evicts_least_recently_used(fresh_cache, monkeypatch):
    monkeypatch.setattr(theano.config, "compiledir_max_mb", 1)
    big = "x = " + repr("a" * 400_000) + "\n"
    keys = []
    for i in range(4):
        src = big + f"k = {i}\n"
        cache.load_module(src)
        keys.append(cache.kernel_key(src))
        cache._loaded.clear()          # not in use any more: may be evicted
    left = [e[0] for e in cache.entries()]
    total = sum(e[1] for e in cache.entries())
    assert total <= 2 ** 20
    assert keys[-1] in left and keys[0] not in left   # newest kept, oldest evicted


def test_entries_sums_each_kernels_files_and_orders_by_last_use(fresh_cache):
    d = cache.kernel_dir()
    os.makedirs(os.path.join(d, "__pycache__"), exist_ok=True)
    for i in range(300):
        key = f"{i:04d}"
        with open(os.path.join(d, f"k_{key}.py"), "w") as f:
            f.write("x" * (10 + i))
        with open(os.path.join(d, "__pycache__", f"k_{key}._k-1.py311.nbi"), "w") as f:
            f.write("y" * 7)
        with open(os.path.join(d, "__pycache__", f"k_{key}._k-1.py311.1.nbc"), "w") as f:
            f.write("z" * 5)
        used = os.path.join(d, f"k_{key}.used")
        open(used, "w").close()
        os.utime(used, (1_000_000 + (i * 7919) % 300, 1_000_000 + (i * 7919) % 300))
    found = cache.entries()
    assert len(found) == 300
    sizes = {k: s for k, s, _ in found}
    assert all(sizes[f"{i:04d}"] == 10 + i + 12 for i in range(300))
    times = [t for _, _, t in found]
    assert times == sorted(times)


def test_writing_below_the_cap_scans_the_directory_once(fresh_cache, monkeypatch):
    monkeypatch.setattr(theano.config, "compiledir_max_mb", 100)
    calls = []
    real = cache.entries
    monkeypatch.setattr(cache, "entries", lambda d=None: calls.append(d) or real(d))
    for i in range(5):
        cache.load_module(f"k = {i}\n")
    assert len(calls) == 1          # the first write; later writes only add to the estimate
    monkeypatch.setattr(theano.config, "compiledir_max_mb", 0)


def test_cap_zero_means_no_eviction(fresh_cache, monkeypatch):
    monkeypatch.setattr(theano.config, "compiledir_max_mb", 0)
    big = "x = " + repr("a" * 600_000) + "\n"
    for i in range(3):
        cache.load_module(big + f"k = {i}\n")
        cache._loaded.clear()
    assert len(cache.entries()) == 3


def test_functions_still_compile_and_run_after_refusal(fresh_cache):
    import numpy as np
    import theano.tensor as T

    fresh_cache.mkdir(mode=0o700)
    os.chmod(fresh_cache, 0o777)
    x = T.dvector()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = theano.function([x], T.exp(x) * 2 + T.tanh(x))
        v = np.linspace(-2, 2, 50)
        for _ in range(3):
            np.testing.assert_allclose(f(v), np.exp(v) * 2 + np.tanh(v), rtol=1e-12)
