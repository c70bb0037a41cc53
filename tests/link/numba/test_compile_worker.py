"""Kernels compiled by the helper process (theano/link/numba/compile_worker.py): the parent loads
them from the disk cache, gets the same bits as a kernel compiled in process, and falls back to
compiling in process whenever the helper cannot do it."""

import io
import multiprocessing
import os
import pickle
import struct
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

numba = pytest.importorskip("numba")

from theano.link.numba import cache, compile_worker  # noqa: E402

MODE = theano.Mode(linker="numba", optimizer="fast_run")


@pytest.fixture
def fresh(fresh_kernel_cache):
    """An empty kernel cache, no helper yet, and the counters from zero (tests/conftest.py)."""
    return fresh_kernel_cache


def _graphs(c):
    x, y = T.dvectors("x", "y")
    chain = T.exp(-x * x) * T.sin(y) + T.log1p(abs(x * y)) / (c + y * y)
    f = theano.function([x, y], chain, mode=MODE)                          # one fused kernel
    g = theano.function([x, y], [chain.sum(), T.dot(x, chain)], mode=MODE)  # whole-graph tier
    return f, g


def _data(n=64):
    rng = np.random.RandomState(3)
    return rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)


def _reference(a, b, c):
    v = np.exp(-a * a) * np.sin(b) + np.log1p(np.abs(a * b)) / (c + b * b)
    return v, v.sum(), a @ v


def _run(c):
    a, b = _data()
    f, g = _graphs(c)
    outs = []
    for _ in range(2):
        outs.append([np.asarray(f(a, b))] + [np.asarray(o) for o in g(a, b)])
    for o1, o2 in zip(*outs):
        assert o1.tobytes() == o2.tobytes()       # same bits on every call
    return outs[0]


IN_PROCESS = r"""
import pickle, sys
import numpy as np
import theano, theano.tensor as T
sys.path.insert(0, sys.argv[1])
from test_compile_worker import _run
sys.stdout.buffer.write(pickle.dumps([o.tobytes() for o in _run(float(sys.argv[2]))]))
"""


def test_helper_compiles_into_the_cache_and_gives_the_same_bits(fresh, tmp_path):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    outs = _run(1.25)
    stats = cache.worker_stats()
    assert stats["compiled_there"] >= 2 and stats["compiled_here"] == 0, stats
    assert stats["broken"] is None
    ref = _reference(*_data(), 1.25)
    for got, want in zip(outs, ref):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    # a process that compiles the same kernels itself (empty cache of its own) gets the same bits
    env = dict(os.environ, THEANO_FLAGS=f"base_compiledir={tmp_path / 'other'},"
               "numba__compile_worker=never", PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, "-c", IN_PROCESS, os.path.dirname(__file__), "1.25"],
                       capture_output=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    assert [o.tobytes() for o in outs] == pickle.loads(p.stdout)


def test_auto_compiles_here_first_then_in_the_helper(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "auto")
    fresh.setattr(theano.config, "numba__compile_worker_after", 2)
    _run(2.5)
    assert cache.worker_stats()["compiled_here"] == 2
    assert cache.worker_stats()["compiled_there"] == 0
    out = _run(2.5)      # new functions of the same programs: their kernels are loaded
    assert cache.worker_stats() == {"compiled_here": 2, "compiled_there": 0, "restarts": 0,
                                    "broken": None}
    np.testing.assert_allclose(out[0], _reference(*_data(), 2.5)[0], rtol=1e-12)
    x = T.dvector("x")
    h = theano.function([x], T.tanh(x) * T.cos(x) - x, mode=MODE)        # a new kernel
    a = np.linspace(-4, 4, 33)
    for _ in range(2):
        np.testing.assert_allclose(h(a), np.tanh(a) * np.cos(a) - a, rtol=1e-13, atol=1e-15)
    assert cache.worker_stats()["compiled_there"] == 1


def test_never_keeps_every_compile_in_process(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "never")
    _run(4.5)
    assert cache.worker_stats()["compiled_there"] == 0
    assert cache.worker_stats()["compiled_here"] >= 2
    assert cache._worker["proc"] is None


def test_a_helper_that_cannot_start_falls_back_to_compiling_here(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")

    def no_start():
        raise OSError("no such program")

    fresh.setattr(cache, "_start_worker", no_start)
    out = _run(5.5)
    np.testing.assert_allclose(out[0], _reference(*_data(), 5.5)[0], rtol=1e-12)
    stats = cache.worker_stats()
    assert "no such program" in stats["broken"]
    assert stats["compiled_there"] == 0 and stats["compiled_here"] >= 2


def test_a_helper_that_dies_falls_back_to_compiling_here(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    _run(6.5)
    proc = cache._worker["proc"]
    assert proc is not None and proc.poll() is None
    proc.kill()
    proc.wait()
    x = T.dvector("x")
    h = theano.function([x], T.cosh(x) / (2.0 + T.sin(x)), mode=MODE)
    a = np.linspace(-2, 2, 17)
    for _ in range(2):
        np.testing.assert_allclose(h(a), np.cosh(a) / (2 + np.sin(a)), rtol=1e-13)
    assert cache.worker_stats()["broken"] is not None


def test_the_helper_is_replaced_above_its_memory_cap(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    fresh.setattr(theano.config, "numba__compile_worker_max_mb", 1)
    _run(7.5)
    stats = cache.worker_stats()
    assert stats["compiled_there"] >= 2
    assert stats["restarts"] == stats["compiled_there"]     # each answer was above 1 MiB
    assert cache._worker["proc"] is None and stats["broken"] is None


BAD_SOURCE = """import numba

@numba.njit(cache=True)
def kernel(x):
    return x + name_that_does_not_exist
"""


@pytest.mark.parametrize("mode", ["always", "never"])
def test_a_kernel_that_does_not_compile_raises_numbas_error_either_way(fresh, mode):
    fresh.setattr(theano.config, "numba__compile_worker", mode)
    with pytest.raises(numba.core.errors.TypingError, match="name_that_does_not_exist"):
        cache.compile_kernel(BAD_SOURCE, "kernel", "float64(float64)")
    assert cache.worker_stats()["broken"] is None      # the helper said no; it still works


def _forked_child(q):
    x = T.dvector("x")
    h = theano.function([x], T.arctan(x) * x + 3.0, mode=MODE)
    a = np.linspace(-1, 1, 9)
    got = h(a)
    q.put((np.allclose(got, np.arctan(a) * a + 3, rtol=1e-13), cache.worker_stats(),
           cache._worker["pid"] == os.getpid()))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_helper(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    _run(8.5)
    parent_proc = cache._worker["proc"]
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_forked_child, args=(q,))
    p.start()
    ok, stats, own = q.get(timeout=300)
    p.join(60)
    assert ok and own and stats["broken"] is None and stats["compiled_there"] >= 3
    assert cache._worker["proc"] is parent_proc and parent_proc.poll() is None


def _message(obj):
    body = pickle.dumps(obj)
    return struct.pack("<Q", len(body)) + body


def test_the_protocol_answers_each_request_and_ends_with_its_input(tmp_path):
    d = str(tmp_path / "k")
    os.makedirs(d, mode=0o700)
    good = BAD_SOURCE.replace("name_that_does_not_exist", "1.5")
    inp = io.BytesIO(_message((d, good, "kernel", "float64(float64)"))
                     + _message((d, BAD_SOURCE, "kernel", "float64(float64)")))
    out = io.BytesIO()
    compile_worker.serve(inp, out)
    out.seek(0)
    first, second = compile_worker._read(out), compile_worker._read(out)
    assert compile_worker._read(out) is None
    assert first[0] is True and first[1] > 0
    assert second[0] is False and "name_that_does_not_exist" in second[2]
    assert any(n.endswith(".nbi") for n in os.listdir(os.path.join(d, "__pycache__")))


def test_an_embedding_program_is_not_started_as_the_helper(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    fresh.setattr(sys, "executable", "/usr/bin/uwsgi")
    out = _run(9.5)
    np.testing.assert_allclose(out[0], _reference(*_data(), 9.5)[0], rtol=1e-12)
    assert "not a Python interpreter" in cache.worker_stats()["broken"]
    assert cache._worker["proc"] is None


def test_an_interrupted_request_replaces_the_helper(fresh):
    fresh.setattr(theano.config, "numba__compile_worker", "always")
    _run(10.5)
    proc = cache._worker["proc"]

    class Interrupted(BaseException):
        pass

    real_read = proc.stdout.read

    def interrupted_read(n):
        raise Interrupted()

    proc.stdout.read = interrupted_read
    x = T.dvector("x")
    with pytest.raises(Interrupted):
        theano.function([x], T.exp(x) / (3.0 + T.cos(x)), mode=MODE)(np.ones(3))
    proc.stdout.read = real_read
    assert proc.poll() is not None and cache._worker["proc"] is None
    assert cache.worker_stats()["broken"] is None
    # the next kernel gets a fresh helper, and the interrupted one works too
    a = np.linspace(-1, 1, 5)
    g = theano.function([x], T.exp(x) / (3.0 + T.cos(x)), mode=MODE)
    for _ in range(2):
        np.testing.assert_allclose(g(a), np.exp(a) / (3 + np.cos(a)), rtol=1e-13)
    assert cache._worker["proc"] is not None and cache._worker["proc"] is not proc


def test_the_helper_never_evicts_kernels(fresh):
    # eviction (config.compiledir_max_mb) is the parent's: the helper runs without a cap
    env = cache._worker_env()
    assert env["THEANO_FLAGS"] == "compiledir_max_mb=0"
    assert env["PYTHONPATH"].split(os.pathsep)[0] == os.path.dirname(os.path.dirname(theano.__file__))
