"""``theano.Mode(linker='jax', data_parallel=True)``: explicit inputs split along axis 0 over all
devices, shared variables replicated, the training step equal to the one-device one; and the
multi-host example run as two local processes (skipped when JAX is not installed).

The many-device runs happen in subprocesses: ``--xla_force_host_platform_device_count=8`` gives
the CPU 8 devices, which must be set before JAX starts."""

import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import theano

jax = pytest.importorskip("jax")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _env(devices=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("JAX_ENABLE_X64", None)
    if devices:
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    return env


EIGHT_DEVICES = textwrap.dedent("""
    import json
    import numpy as np
    import jax
    import theano
    import theano.tensor as T

    assert jax.device_count() == 8, jax.devices()

    def build(mode, dtype):
        r = np.random.RandomState(1)
        W = theano.shared((0.3 * r.randn(5, 16)).astype(dtype), name="W")
        b = theano.shared(np.zeros(16, dtype), name="b")
        V = theano.shared((0.3 * r.randn(16, 3)).astype(dtype), name="V")
        x, y = T.matrix("x", dtype=dtype), T.lvector("y")
        p = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W) + b), V))
        cost = -T.log(p[T.arange(y.shape[0]), y]).mean()
        params = [W, b, V]
        upd = [(q, q - 0.5 * g) for q, g in zip(params, T.grad(cost, params))]
        return theano.function([x, y], [cost, p], updates=upd, mode=mode), params

    rng = np.random.RandomState(0)
    out = {}
    for dtype in ("float64", "float32"):
        xs, ys = rng.randn(64, 5).astype(dtype), rng.randint(0, 3, 64)
        f1, p1 = build(theano.Mode(linker="jax"), dtype)
        f8, p8 = build(theano.Mode(linker="jax", data_parallel=True), dtype)
        costs1, costs8 = [], []
        for step in range(20):
            c1, prob1 = f1(xs, ys)
            c8, prob8 = f8(xs, ys)
            costs1.append(float(c1))
            costs8.append(float(c8))
        out[dtype] = dict(
            costs1=costs1, costs8=costs8,
            prob_diff=float(np.abs(prob1 - prob8).max()), prob_dtype=str(prob8.dtype),
            param_diff=max(float(np.abs(a.get_value() - b.get_value()).max())
                           for a, b in zip(p1, p8)),
            param_types=[type(q.get_value()).__name__ for q in p8],
            devices=[len(q.get_value(return_internal_type=True).sharding.device_set) for q in p8],
            replicated=[q.get_value(return_internal_type=True).sharding.is_fully_replicated
                        for q in p8],
            jitted=f8.maker.thunk.is_jitted())
    par = f8.maker.thunk.data_parallel
    placed = par.place(0, xs)
    out["x_split"] = [len(placed.sharding.device_set), placed.addressable_shards[0].data.shape[0]]
    try:
        f8(xs[:60], ys[:60])
    except ValueError as exc:
        out["error"] = str(exc)
    # a one-device function still reads the variables the 8-device one left replicated
    read = theano.function([], p8[0].sum(), mode=theano.Mode(linker="jax"))
    out["read_back"] = [float(read()), float(p8[0].get_value().sum())]
    print("JSON" + json.dumps(out))
""")


def test_mlp_trained_20_steps_on_8_devices_matches_one_device():
    res = subprocess.run([sys.executable, "-c", EIGHT_DEVICES], env=_env(8), capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-3000:]
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("JSON")][-1]
    out = json.loads(line[4:])
    for dtype, tol in (("float64", 1e-10), ("float32", 2e-5)):
        r = out[dtype]
        np.testing.assert_allclose(r["costs8"], r["costs1"], rtol=tol, atol=tol)
        assert r["costs8"][-1] < r["costs8"][0] - 0.05, "the model should learn"
        assert r["prob_diff"] < tol and r["param_diff"] < tol
        assert r["prob_dtype"] == dtype
        assert r["param_types"] == ["ndarray"] * 3
        assert r["devices"] == [8, 8, 8] and all(r["replicated"])
        assert r["jitted"]
    assert out["x_split"] == [8, 8]                       # 64 rows: 8 per device
    assert "'x'" in out["error"] and "60 rows" in out["error"] and "multiple of 8" in out["error"]
    np.testing.assert_allclose(out["read_back"][0], out["read_back"][1], rtol=1e-6)


def test_data_parallel_needs_the_jax_linker():
    with pytest.raises(ValueError, match="linker='jax'"):
        theano.Mode(linker="py", data_parallel=True)
    mode = theano.Mode(linker="jax", data_parallel=True)
    assert mode.linker.data_parallel
    assert not theano.Mode(linker="jax").linker.data_parallel


def _free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_multihost_example_runs_as_two_processes_with_the_same_result():
    script = os.path.join(ROOT, "examples", "jax_multihost.py")
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, script, "--coordinator", f"localhost:{port}",
                               "--num-processes", "2", "--process-id", str(i), "--steps", "5"],
                              env=_env(), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    outs = []
    try:
        for p in procs:
            stdout, stderr = p.communicate(timeout=240)
            assert p.returncode == 0, stderr[-3000:]
            outs.append(stdout)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    results, refs = [], []
    for text in outs:
        lines = text.splitlines()
        results.append([float(v) for v in next(ln for ln in lines if ln.startswith("RESULT")).split()[1:]])
        refs.append([float(v) for v in next(ln for ln in lines if ln.startswith("REFERENCE")).split()[1:]])
        assert "of 2, devices 2" in text
    assert results[0] == results[1], "both processes must hold the same result"
    np.testing.assert_allclose(results[0], refs[0], rtol=1e-10)
