"""Test-session setup shared by every test module."""

import os

# Tiny matrices are the rule in the op tests: OpenBLAS threads only add contention on a busy
# machine (scipy's triangular solves took ~10 ms per 3x3 call with 2 threads under load, 0.03 ms
# with one). Must run before NumPy is imported; a value set by the user wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Hypothesis keeps its example database in memory and its other files (its cache of constants) in
# a temporary folder, so a test run writes nothing into the checkout.
try:
    from hypothesis import settings as _hyp_settings
    from hypothesis.configuration import set_hypothesis_home_dir as _set_hyp_home
    from hypothesis.database import InMemoryExampleDatabase as _InMemoryDB
except ImportError:  # hypothesis is a test extra
    pass
else:
    import atexit as _atexit
    import shutil as _shutil
    import tempfile as _tempfile

    _hyp_home = _tempfile.mkdtemp(prefix="theano-ng-hypothesis-")
    _atexit.register(_shutil.rmtree, _hyp_home, True)
    _set_hyp_home(_hyp_home)
    _hyp_settings.register_profile("theano-ng", database=_InMemoryDB())
    _hyp_settings.load_profile("theano-ng")


import pytest  # noqa: E402


@pytest.fixture
def fresh_kernel_cache(tmp_path, monkeypatch):
    """An empty Numba kernel cache in tmp_path, no compile helper yet, and its counters from
    zero (the helper is stopped again afterwards). Yields the monkeypatch."""
    pytest.importorskip("numba")
    import theano
    from theano.link.numba import cache

    monkeypatch.setattr(theano.config, "compiledir", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_loaded", {})
    monkeypatch.setattr(cache, "_checked_dirs", {})
    cache.stop_worker()
    monkeypatch.setattr(cache, "_worker", {"proc": None, "pid": None, "broken": None,
                                           "compiled_here": 0, "compiled_there": 0,
                                           "restarts": 0})
    yield monkeypatch
    cache.stop_worker()
