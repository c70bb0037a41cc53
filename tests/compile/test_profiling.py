"""Profiling: per-node and per-op times, call counts, input shapes and paths, on every backend;
``THEANO_FLAGS=profile=True`` prints the summaries at exit."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE", theano.Mode(linker="py")], ids=str)
def test_profile_counts_calls_and_nodes(mode):
    x = T.dmatrix("x")
    f = theano.function([x], T.dot(x, x).sum() + T.exp(x).sum(), mode=mode, profile=True)
    for _ in range(4):
        f(np.ones((3, 3)))
    p = f.profile
    assert p.fct_callcount == 4 and p.fct_call_time > 0
    assert p.apply_callcount, "nodes were timed"
    assert all(n == 4 for n in p.apply_callcount.values())
    assert set(p.apply_time) <= set(f.maker.fgraph.apply_nodes)
    ops = p.op_callcount()
    assert sum(ops.values()) == 4 * len(p.apply_callcount)
    text = p.summary(file="str")
    assert "Time in 4 calls" in text and "<#apply>" in text
    assert any("dot" in line.lower() for line in text.splitlines())
    # how each node ran, and the shapes it saw
    assert set(p.node_path) == set(f.maker.fgraph.apply_nodes)
    assert all(isinstance(v, str) and v for v in p.node_path.values())
    dot_node = next(n for n in p.apply_time if "dot" in str(n).lower())
    assert list(p.apply_shapes[dot_node]) == [((3, 3), (3, 3))]
    assert "(3, 3), (3, 3)" in text and p.linker_name in text


def test_record_node_keeps_a_few_distinct_shapes():
    from theano.compile.profiling import MAX_SHAPES, ProfileStats

    x = T.dvector()
    node = (x + 1).owner
    p = ProfileStats("t")
    for n in range(10):
        p.record_node(node, 1e-6, [np.ones(n), 1.0])
    p.record_node(node, 1e-6, [np.ones(0), 1.0])
    assert len(p.apply_shapes[node]) == MAX_SHAPES
    assert p.apply_shapes[node][((0,), ())] == 2
    assert p.variable_shape[node.inputs[0]] == (MAX_SHAPES - 1,)
    assert "(0,)" in p.summary(file="str")


def test_profile_flag_prints_summary_at_exit():
    code = ("import numpy as np, theano, theano.tensor as T\n"
            "x = T.dvector('x')\n"
            "f = theano.function([x], T.exp(x).sum(), name='my_fn')\n"
            "f(np.ones(3)); f(np.ones(3))\n")
    env = dict(os.environ, THEANO_FLAGS="profile=True", PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert "Function profiling" in p.stderr and "Time in 2 calls" in p.stderr


def test_profilestats_theano1_arguments():
    from theano.compile import profiling

    before = len(profiling._at_exit)
    p = theano.compile.ProfileStats(atexit_print=False, message="m")
    assert p.name == "m" and len(profiling._at_exit) == before
    x = T.dvector()
    f = theano.function([x], x * 2, profile=p)
    f(np.ones(2))
    assert f.profile is p and p.fct_callcount == 1


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_function_describe_lists_every_node_with_its_path(mode):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + T.dot(x, x), mode=mode)
    text = f.describe(file="str")
    lines = text.splitlines()
    assert lines[0].startswith("backend: ")
    assert len(lines) == 1 + len(f.maker.fgraph.apply_nodes)
    assert all("->" in line for line in lines[1:])
    assert text == theano.printing.describe(f, file="str")


@pytest.mark.parametrize("worker", ["never", "always"])
def test_kernel_compile_time_is_kept_out_of_node_times(fresh_kernel_cache, worker):
    """The first call of a node whose Numba kernel compiles (or loads) then, here or in the
    compile helper: that time is counted apart, so the node's time is what it took to run (a
    small kernel runs in microseconds; even a cached one takes milliseconds to load)."""
    fresh_kernel_cache.setattr(theano.config, "numba__compile_worker", worker)
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 3.25 + T.sin(x),
                        mode=theano.Mode(linker="numba", optimizer="fast_run"), profile=True)
    v = np.linspace(-1, 1, 5)
    for _ in range(3):
        np.testing.assert_allclose(f(v), np.exp(v) * 3.25 + np.sin(v))
    p = f.profile
    assert p.apply_compile_time, "the kernel's compile was seen"
    for node, jit in p.apply_compile_time.items():
        assert p.apply_callcount[node] == 3
        assert p.apply_time[node] < jit
    assert sum(p.apply_compile_time.values()) <= p.fct_call_time
    assert "Kernels compiled or loaded during calls" in p.summary(file="str")


def test_profile_stats_takes_theano_positional_arguments():
    # Theano 1.0: ProfileStats(atexit_print=True, flag_time_thunks=None, gpu_checks=True, **kw)
    p = theano.compile.ProfileStats(False, gpu_checks=False)
    assert p.message is None
    x = T.dvector("x")
    f = theano.function([x], x + 1, profile=p, name="fn")
    f(np.ones(3))
    import io

    buf = io.StringIO()
    f.profile.summary(buf)
    assert "Message: False" not in buf.getvalue()
    assert theano.compile.ProfileStats("title").message == "title"
