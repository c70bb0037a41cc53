"""JAX implementations of the common ops, run-time checks inside jitted graphs, the host
fallback and the ``device`` flag (skipped when JAX is not installed)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op

jax = pytest.importorskip("jax")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def jax_fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=theano.Mode(linker="jax", optimizer="fast_run"))


def py_fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=theano.Mode(linker="py", optimizer="None"))


def test_traced_index_out_of_bounds_raises_and_the_graph_stays_jitted():
    v, i = T.dvector("v"), T.lvector("i")
    f = jax_fn([v, i], [v[i] * 2, T.inc_subtensor(v[i], 1.0)])
    a, b = f(np.arange(4.0), np.array([-1, 0, 3, 3]))
    np.testing.assert_allclose(a, [6.0, 0.0, 6.0, 6.0])
    np.testing.assert_allclose(b, [1.0, 1.0, 2.0, 6.0])
    for bad, shown in ((4, "4"), (-5, "-5")):
        with pytest.raises(IndexError, match=f"index {shown} is out of bounds for axis 0 with size 4"):
            f(np.arange(4.0), np.array([0, bad]))
    assert f.maker.thunk.is_jitted()
    a, _ = f(np.arange(4.0), np.array([1]))
    np.testing.assert_allclose(a, [2.0])


def test_advanced_index_bounds_on_a_later_axis():
    x, i = T.dmatrix("x"), T.lvector("i")
    f = jax_fn([x, i], x[:, i])
    np.testing.assert_allclose(f(np.arange(6.0).reshape(2, 3), np.array([2, 0])), [[2, 0], [5, 3]])
    with pytest.raises(IndexError, match="axis 1 with size 3"):
        f(np.arange(6.0).reshape(2, 3), np.array([3]))


def test_softmax_crossentropy_with_bias_checks_classes_when_jitted():
    x, y = T.dmatrix("x"), T.ivector("y")
    b = theano.shared(np.array([0.1, -0.2, 0.3]), "b")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(x, np.eye(3)) + b), y).mean()
    gx = T.grad(cost, x)
    f, g = jax_fn([x, y], [cost, gx]), py_fn([x, y], [cost, gx])
    X = np.random.RandomState(0).randn(4, 3)
    Y = np.array([0, 2, 1, 2], "int32")
    for _ in range(2):
        for p, q in zip(f(X, Y), g(X, Y)):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 3\), got 3"):
        f(X, np.array([0, 3, 1, 2], "int32"))
    assert f.maker.thunk.is_jitted()


def test_shape_building_ops_jitted_values_and_gradients_match_reference():
    x = T.dmatrix("x")
    n = x.shape[0]
    outs = [T.alloc(x.sum(axis=0), 2, n, x.shape[1]), T.concatenate([x, 2 * x], axis=1),
            T.arange(n + 3) * 1.5, T.eye(n, x.shape[1], 1), T.tri(n, 4, -1),
            T.roll(x, 1, axis=1), T.max_and_argmax(x, axis=1)[1], T.mean(x, axis=0),
            T.extra_ops.cumsum(x, axis=1), T.split(x.flatten(), [2, 4], 2)[1]]
    X = np.random.RandomState(1).randn(2, 3)
    f, g = jax_fn([x], outs), py_fn([x], outs)
    assert f.maker.thunk.is_jitted()
    for _ in range(2):
        for k, (p, q) in enumerate(zip(f(X), g(X))):
            assert p.dtype == q.dtype and p.shape == q.shape, k
            np.testing.assert_allclose(p, q, rtol=1e-12, err_msg=str(k))
    assert f.maker.thunk.is_jitted()
    cost = sum((o * np.float64(0.5)).sum() for o in outs if o.dtype.startswith("float"))
    cost = cost + (T.max(x, axis=1) ** 2).sum()
    gf, gg = jax_fn([x], T.grad(cost, x)), py_fn([x], T.grad(cost, x))
    np.testing.assert_allclose(gf(X), gg(X), rtol=1e-12)
    np.testing.assert_allclose(gf(X + 1), gg(X + 1), rtol=1e-12)


def test_shape_errors_name_the_problem():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = jax_fn([x, y], T.concatenate([x, y], axis=0))
    with pytest.raises(ValueError, match="differ outside the join axis"):
        f(np.ones((2, 3)), np.ones((2, 4)))
    v = T.dvector("v")
    g = jax_fn([v, x], T.alloc(v, x.shape[0], 3))
    np.testing.assert_allclose(g(np.arange(3.0), np.ones((2, 5))), [[0, 1, 2]] * 2)
    with pytest.raises(ValueError, match="cannot broadcast"):
        g(np.arange(4.0), np.ones((2, 5)))


class HostOnly(Op):
    """An op with no JAX implementation (runs its perform on the host)."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.sort(inputs[0])[::-1].copy()


def test_op_without_jax_implementation_runs_its_perform_on_the_host():
    x = T.dvector("x")
    f = jax_fn([x], HostOnly()(x * 2) + 1)
    for _ in range(2):
        np.testing.assert_allclose(f(np.array([1.0, 3.0, 2.0])), [7.0, 5.0, 3.0])
    labels = {str(n.op): p for n, p in f.maker.thunk.node_paths}
    assert labels["HostOnly"] == "perform on the host"
    assert not f.maker.thunk.is_jitted()


def _has_gpu():
    try:
        return bool(jax.devices("gpu"))
    except RuntimeError:
        return False


@pytest.mark.skipif(_has_gpu(), reason="checks the no-GPU fallback")
@pytest.mark.parametrize("device", ["cuda", "gpu1"])
def test_gpu_device_without_a_gpu_warns_once_and_runs_on_the_cpu(device):
    prog = ("import numpy as np, theano, theano.tensor as T\n"
            "x = T.dvector('x')\n"
            "f = theano.function([x], x * 2)\n"
            "g = theano.function([x], T.exp(x))\n"
            "print(theano.config.linker, f.maker.thunk.device.platform, f(np.arange(3.0)).tolist(),"
            " g(np.zeros(2)).tolist())\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["THEANO_FLAGS"] = f"device={device}"
    proc = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["jax", "cpu", "[0.0,", "2.0,", "4.0]", "[1.0,", "1.0]"]
    assert proc.stderr.count(f"device={device} asks for a GPU") == 1
    assert "run on the CPU" in proc.stderr


def test_scalar_index_known_at_run_time_stays_jitted_and_is_checked():
    i = T.lscalar("i")
    v, x = T.dvector("v"), T.dmatrix("x")
    outs = [v[i] * 2, T.set_subtensor(v[i], 5.0), x[i, 1:], T.inc_subtensor(x[1, i], 1.0), x[-1, i]]
    f, g = jax_fn([v, x, i], outs), py_fn([v, x, i], outs)
    V, X = np.arange(3.0), np.arange(9.0).reshape(3, 3)
    for iv in (0, 2, -1, -3):
        for p, q in zip(f(V, X, iv), g(V, X, iv)):
            np.testing.assert_array_equal(p, q)
    for iv in (3, -4):
        with pytest.raises(IndexError, match=f"index {iv} is out of bounds for axis 0 with size 3"):
            f(V, X, iv)
    assert f.maker.thunk.is_jitted()


def test_ifelse_becomes_lax_cond_inside_the_jitted_graph():
    from theano.ifelse import ifelse

    a, b = T.dscalars("a", "b")
    x, y = T.dmatrices("x", "y")
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    c = ifelse(T.gt(a, 0), (x * 2).sum() + ifelse(T.gt(b, 0), a, b), a * 3)
    outs = [z, c] + T.grad(c + z, [a, x])
    f, g = jax_fn([a, b, x, y], outs), py_fn([a, b, x, y], outs)
    rs = np.random.RandomState(2)
    X, Y = rs.randn(3, 3), rs.randn(3, 3)
    for av, bv in ((1.0, 2.0), (2.0, 1.0), (-1.0, -2.0), (1.0, -3.0)):
        for p, q in zip(f(av, bv, X, Y), g(av, bv, X, Y)):
            np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)
    assert f.maker.thunk.is_jitted()
    labels = {p for n, p in f.maker.thunk.node_paths if "if" in str(n.op)}
    assert labels == {"lax.cond"}


def test_ifelse_that_cannot_be_a_lax_cond_stays_lazy():
    """Branches of different shapes, or a run-time check inside a branch: the graph runs op by
    op and only the chosen branch is computed (an out-of-bounds index in the other branch does
    not raise)."""
    from theano.ifelse import ifelse

    a, v, i = T.dscalar("a"), T.dvector("v"), T.lscalar("i")
    k = jax_fn([a, v], ifelse(T.gt(a, 0), v[:2], v))
    np.testing.assert_array_equal(k(1.0, np.arange(3.0)), [0.0, 1.0])
    np.testing.assert_array_equal(k(-1.0, np.arange(3.0)), [0.0, 1.0, 2.0])
    h = jax_fn([a, v, i], ifelse(T.gt(a, 0), v[i], v[0] * 0))
    assert float(h(1.0, np.arange(3.0), 2)) == 2.0
    assert float(h(-1.0, np.arange(3.0), 10)) == 0.0
    with pytest.raises(IndexError, match="index 10 is out of bounds"):
        h(1.0, np.arange(3.0), 10)


def test_linalg_jitted_matches_reference_and_singular_input_raises():
    from theano.tensor import nlinalg, slinalg

    x = T.dmatrix("x")
    outs = [nlinalg.matrix_inverse(x), nlinalg.det(x), slinalg.cholesky(x),
            slinalg.Cholesky(lower=False)(x), theano.gradient.zero_grad(x) * 2]
    f, g = jax_fn([x], outs), py_fn([x], outs)
    A = np.random.RandomState(0).randn(4, 4)
    A = A @ A.T + 4 * np.eye(4)
    for M in (A, A + np.eye(4)):
        for p, q in zip(f(M), g(M)):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    assert f.maker.thunk.is_jitted()
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        f(np.ones((4, 4)))
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        f(-np.eye(4))
    h = jax_fn([x], slinalg.Cholesky(on_error="nan")(x))
    assert np.isnan(h(-np.eye(2))).all()
    np.testing.assert_allclose(h(4 * np.eye(2)), 2 * np.eye(2))


def test_scan_becomes_a_jitted_loop_with_taps_go_backwards_and_gradients():
    x, W, h0 = T.dmatrix("x"), T.dmatrix("W"), T.dvector("h0")

    def step(xt, hm1, hm2, W):
        return T.tanh(T.dot(xt, W) + hm1 * 0.5 + hm2 * 0.1)

    hs, _ = theano.scan(step, sequences=x, non_sequences=W,
                        outputs_info=[dict(initial=T.stack([h0, h0 * 2]), taps=[-1, -2])])
    gW, gx, gh = T.grad((hs ** 2).sum(), [W, x, h0])
    back, _ = theano.scan(lambda xt, acc: acc + xt, sequences=x, outputs_info=T.zeros_like(x[0]),
                          go_backwards=True)
    outs = [hs, gW, gx, gh, back]
    f, g = jax_fn([x, W, h0], outs), py_fn([x, W, h0], outs)
    rs = np.random.RandomState(0)
    for steps in (5, 2):
        X, Wv, H = rs.randn(steps, 3), rs.randn(3, 3) * 0.5, rs.randn(3)
        for _ in range(2):
            for p, q in zip(f(X, Wv, H), g(X, Wv, H)):
                assert p.shape == q.shape
                np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(f(X, Wv, H)[4][-1], X.sum(axis=0))
    assert f.maker.thunk.is_jitted()
    assert {p for _, p in f.maker.thunk.node_paths} == {"jax.jit (whole graph)"}


def test_scan_with_until_or_random_draws_runs_on_the_host():
    from theano.scan.basic import until
    from theano.tensor.shared_randomstreams import RandomStreams

    x = T.dvector("x")
    r, _ = theano.scan(lambda v, acc: [acc + v, until(acc + v > 3)], sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"))
    f = jax_fn([x], r)
    np.testing.assert_allclose(f(np.ones(6)), [1.0, 2.0, 3.0, 4.0])
    assert "lax.while_loop (jitted on its own)" in {p for _, p in f.maker.thunk.node_paths}
    srng = RandomStreams(3)
    d, upd = theano.scan(lambda v: v + srng.uniform(()), sequences=x)
    h = theano.function([x], d, updates=upd, mode=theano.Mode(linker="jax", optimizer="fast_run"))
    a, b = h(np.zeros(4)), h(np.zeros(4))
    assert a.shape == (4,) and ((a >= 0) & (a < 1)).all() and not np.allclose(a, b)
