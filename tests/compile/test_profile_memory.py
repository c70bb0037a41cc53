"""profile_memory: profiles record the bytes of each node's outputs and print the peak memory of
a call with and without allow_gc; views and in-place outputs allocate nothing and keep what they
alias alive. Values derived by hand for graphs whose node order is fixed (no rewrites)."""

import numpy as np
import pytest

import theano
import theano.tensor as T

LINKERS = ["py", "numba"]


@pytest.fixture
def memory_profile(monkeypatch):
    monkeypatch.setattr(theano.config, "profile_memory", True)


@pytest.mark.parametrize("linker", LINKERS)
def test_a_chain_frees_each_result_after_its_last_use(memory_profile, linker):
    x = T.dvector("x")
    a = T.exp(x)           # 8,000 bytes for 1,000 float64
    b = a * 2.0            # 8,000: a freed after this node
    c = b + 1.0            # 8,000: b freed after this node
    d = c.sum()            # 8
    f = theano.function([x], d, profile=True, mode=theano.Mode(linker=linker, optimizer=None))
    for _ in range(3):
        f(np.ones(1000))
    peak, no_gc, _ = f.profile.memory_peaks(allow_gc=True)
    assert peak == 16000                 # two of the three vectors at a time
    assert no_gc == 24008                # everything at once
    assert f.profile.memory_peaks(allow_gc=False)[0] == 24008
    text = f.profile.summary(file="str")
    assert "Max peak memory with current setting (allow_gc=True): CPU: 16KB" in text
    assert "Max peak memory if allow_gc=False: CPU: 24KB" in text


@pytest.mark.parametrize("linker", LINKERS)
def test_a_view_output_keeps_its_base_alive_and_allocates_nothing(memory_profile, linker):
    x = T.dvector("x")
    a = T.exp(x)           # 8,000
    b = a * 2.0            # 8,000
    c = b.sum()            # 8 (b freed after it)
    v = a[2:]              # a view of a, returned: a is held until the call returns
    f = theano.function([x], [c, v], profile=True, mode=theano.Mode(linker=linker, optimizer=None))
    f(np.ones(1000))
    peak, no_gc, saved = f.profile.memory_peaks()
    assert peak == 16008 and no_gc == 16008
    assert saved >= 998 * 8                 # the view's bytes were not allocated
    lines = f.profile.summary(file="str").splitlines()
    listed = [line for line in lines if line.strip().endswith(str(a.owner))]
    assert listed and listed[0].split()[:2] == ["8000B", "c"]


def test_off_by_default_and_min_memory_size(monkeypatch):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2, profile=True)
    f(np.ones(10))
    assert "Memory Profile" not in f.profile.summary(file="str")
    monkeypatch.setattr(theano.config, "profile_memory", True)
    monkeypatch.setattr(theano.config, "profiling__min_memory_size", 100)
    g = theano.function([x], [T.exp(x), x.sum()], profile=True,
                        mode=theano.Mode(linker="py", optimizer=None))
    g(np.ones(50))
    text = g.profile.summary(file="str")
    assert "Memory Profile" in text
    rows = text.split("<Apply node>")[1].strip().splitlines()
    assert len(rows) == 1 and rows[0].split()[0] == "400B"      # the 8-byte sum is below 100
