"""``switch(c, a, a)`` is a broadcast to c's shape, and ``zeros_like(m)`` of an m computed only for
its shape does not compute m (fill -> alloc). Values against NumPy, default backend and reference
VM."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.elemwise import Elemwise

MODES = (None, "FAST_COMPILE")
# local_fill_to_alloc is opt-in (no Alloc kernel in the Numba backend's compiled tiers)
ALLOC = theano.compile.mode.get_default_mode().including("local_fill_to_alloc")


def scalar_op_names(f):
    return [str(n.op.scalar_op) for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_switch_with_equal_branches(dtype):
    c = T.matrix("c", dtype="int8")
    x = T.matrix("x", dtype=dtype)
    v = T.vector("v", dtype=dtype)
    outs = [T.switch(c, x, x), T.switch(c, v, v), T.switch(T.gt(c, 0), x[0] * 2, x[0] * 2)]
    fs = [theano.function([c, x, v], outs, mode=m) for m in MODES]
    assert "switch" not in scalar_op_names(fs[0])
    for f in fs:
        for rows, cols in [(2, 3), (1, 4), (3, 1)]:
            cv = (np.arange(rows * cols).reshape(rows, cols) % 2).astype("int8")
            xv = np.arange(rows * cols, dtype=dtype).reshape(rows, cols) - 2
            vv = np.arange(cols, dtype=dtype)
            got = f(cv, xv, vv)
            want = [np.where(cv, xv, xv), np.where(cv, vv, vv), np.where(cv > 0, xv[0] * 2, xv[0] * 2)]
            for g, w in zip(got, want):
                assert g.dtype == w.dtype
                np.testing.assert_array_equal(g, w)
        with pytest.raises((ValueError, AssertionError)):
            f(np.zeros((2, 3), "int8"), np.zeros((2, 2), dtype), np.zeros(3, dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_zeros_like_of_a_computation_does_not_compute_it(dtype):
    x = T.matrix("x", dtype=dtype)
    outs = [T.zeros_like(T.exp(x)) + 1, T.ones_like(T.log(x).T)]
    fs = [theano.function([x], outs, mode=m) for m in (ALLOC,) + MODES]
    names = scalar_op_names(fs[0])
    assert "exp" not in names and "log" not in names
    for f in fs:
        for shape in [(2, 3), (0, 4), (5, 1)]:
            xv = np.ones(shape, dtype)
            a, b = f(xv)
            np.testing.assert_array_equal(a, np.ones(shape, dtype))
            np.testing.assert_array_equal(b, np.ones(shape[::-1], dtype))
            assert a.dtype == b.dtype == np.dtype(dtype)


def test_fill_of_a_value_used_elsewhere_stays_fused():
    x = T.dvector("x")
    e = T.exp(x)
    f = theano.function([x], [T.zeros_like(e), e * 2], mode=ALLOC)
    for n in (1, 3, 4):
        a, b = f(np.arange(n, dtype="float64"))
        np.testing.assert_array_equal(a, np.zeros(n))
        np.testing.assert_allclose(b, np.exp(np.arange(n)) * 2)


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_product_by_zero_reads_only_the_shape(dtype):
    v = T.vector("v", dtype=dtype)
    outs = [v * 0, T.zeros_like(v), v ** 0]
    fs = [theano.function([v], outs, mode=m) for m in (ALLOC,) + MODES]
    assert scalar_op_names(fs[0]) == []      # allocs of v's length, v itself is not read
    for f in fs:
        for n in (0, 1, 6):
            vv = np.arange(n, dtype=dtype) - 3
            a, b, c = f(vv)
            np.testing.assert_array_equal(a, vv * 0)
            np.testing.assert_array_equal(b, np.zeros_like(vv))
            np.testing.assert_array_equal(c, vv ** 0)
            assert a.dtype == b.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_elementwise_op_broadcasts_the_allocated_value_itself(dtype):
    from theano.tensor.allocation import Alloc

    vec = T.vector("vec", dtype=dtype)
    mat = T.matrix("mat", dtype=dtype)
    outs = [T.alloc(vec, 2, 3) + mat, T.alloc(vec, 1, 3) * mat, T.alloc(vec, *mat.shape) - mat]
    refs = [lambda v, m: np.broadcast_to(v, (2, 3)) + m, lambda v, m: v[None, :] * m,
            lambda v, m: np.broadcast_to(v, m.shape) - m]
    fs = [theano.function([vec, mat], outs, mode=m) for m in MODES]
    assert not any(isinstance(n.op, Alloc) for n in fs[0].maker.fgraph.toposort())
    for f in fs:
        for k in range(3):
            v = np.arange(3, dtype=dtype) + k
            m = np.arange(6, dtype=dtype).reshape(2, 3) * (k + 1)
            for got, ref in zip(f(v, m), refs):
                want = ref(v, m)
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)
        # the alloc's length 2 against a matrix of 3 rows: still an error
        with pytest.raises((AssertionError, ValueError)):
            f(np.zeros(3, dtype), np.zeros((3, 3), dtype))


@pytest.mark.parametrize("mode", MODES)
def test_fill_of_an_inc_subtensor_takes_the_shape_of_its_input(mode):
    # ones_like(inc_subtensor(...)) and the gradient of set_subtensor(h[i], h[i]).sum() need only
    # the shape of the update's result, which is its input's: the update is not computed
    from theano.tensor.subtensor import IncSubtensor
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

    incs = (IncSubtensor, AdvancedIncSubtensor, AdvancedIncSubtensor1)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    i = T.ivector("i")
    outs = [T.ones_like(T.inc_subtensor(x[1:], y)), T.zeros_like(T.set_subtensor(x[i], y)),
            T.ones_like(T.set_subtensor(T.inc_subtensor(x[i, 1:], y[0, 1:])[:2], x[:2]))]
    f = theano.function([x, y, i], outs, mode=mode, on_unused_input="ignore")
    assert not [n for n in f.maker.fgraph.toposort() if isinstance(n.op, incs)]
    rng = np.random.RandomState(3)
    xv, yv = rng.rand(4, 3), rng.rand(3, 3)
    for _ in range(3):
        r = f(xv, yv, np.array([0, 2, 1], dtype="int32"))
        np.testing.assert_array_equal(r[0], np.ones((4, 3)))
        np.testing.assert_array_equal(r[1], np.zeros((4, 3)))
        np.testing.assert_array_equal(r[2], np.ones((4, 3)))
    # the gradient: two scatters, the forward set_subtensor is not computed
    W = T.dtensor3("W")
    idx = T.ivector("idx")
    h = x.dimshuffle(0, 1, "x") + W
    h2 = T.set_subtensor(h[idx], h[idx])
    g = theano.function([x, W, idx], T.grad((h2 * 3).sum(), W), mode=mode)
    if mode is None:
        assert len([n for n in g.maker.fgraph.toposort() if isinstance(n.op, incs)]) == 2
    wv = rng.rand(4, 3, 2)
    for _ in range(3):
        # each entry of W reaches the sum once (h2 == h for distinct indices)
        np.testing.assert_array_equal(g(xv, wv, np.array([1, 3], dtype="int32")), np.full((4, 3, 2), 3.0))


def _all_scalar_op_names(f):
    """Scalar ops of every Elemwise node, inside fused composites too."""
    from theano.scalar.graph_composite import Composite

    out = []
    for n in f.maker.fgraph.toposort():
        if isinstance(n.op, Elemwise):
            so = n.op.scalar_op
            if isinstance(so, Composite):
                out += [str(m.op.scalar_op) for m in so.fgraph.toposort()]
            else:
                out.append(str(so))
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", [None, theano.Mode(linker="py")])
def test_bias_gradient_of_a_linear_cost_computes_no_sum_of_its_terms(mode, dtype):
    # grad((x + b).sum(), b) filled x + b with ones: x + b was computed for its shape only
    x, b = T.matrix("x", dtype=dtype), T.vector("b", dtype=dtype)
    gb = T.grad((x + b).sum(), b)
    gx = T.grad(T.exp(x * 2 + b).mean() + (x + b).sum(), x)
    f = theano.function([x, b], [gb, gx], mode=mode)
    assert _all_scalar_op_names(f).count("add") <= 2   # x * 2 + b for exp; the two terms of gx
    g = theano.function([x, b], gb, mode=mode)
    assert "add" not in _all_scalar_op_names(g)
    r = np.random.RandomState(0)
    for rows in (3, 1, 0):
        xv = r.randn(rows, 4).astype(dtype)
        bv = r.randn(4).astype(dtype)
        want_gx = 2 * np.exp(xv * 2 + bv) / max(rows * 4, 1) + 1
        for _ in range(3):
            got_b, got_x = f(xv, bv)
            np.testing.assert_allclose(got_b, np.full(4, float(rows)), rtol=1e-6)
            np.testing.assert_allclose(got_x, want_gx, rtol=1e-5)
            np.testing.assert_allclose(g(xv, bv), np.full(4, float(rows)), rtol=1e-6)
            assert got_b.dtype == np.dtype(dtype) and got_x.dtype == np.dtype(dtype)
    # the broadcasting of x against b is still checked
    with pytest.raises((ValueError, AssertionError)):
        g(np.ones((3, 4), dtype), np.ones(5, dtype))


@pytest.mark.parametrize("mode", [None, theano.Mode(linker="py")])
def test_fill_of_a_computation_used_only_as_a_model(mode):
    x, y = T.matrix("x"), T.matrix("y")
    r = T.row("r")
    outs = [T.fill(T.exp(y) * 3, x), T.fill(T.fill(T.exp(y), T.zeros_like(r)), x + 1),
            T.fill(T.fill(y, r), 2.0)]
    f = theano.function([x, y, r], outs, mode=mode)
    names = _all_scalar_op_names(f)
    assert "exp" not in names and names.count("second") <= 5  # 1 + 2 + 2
    xv = np.arange(6.0).reshape(2, 3)
    yv, rv = np.ones((2, 3)), np.ones((1, 3))
    for _ in range(3):
        got = f(xv, yv, rv)
        np.testing.assert_array_equal(got[0], xv)
        np.testing.assert_array_equal(got[1], xv + 1)
        np.testing.assert_array_equal(got[2], np.full((2, 3), 2.0))
    # shape checks stay: y against x, y against r
    with pytest.raises((ValueError, AssertionError)):
        f(np.ones((2, 3)), np.ones((2, 4)), rv)
    with pytest.raises((ValueError, AssertionError)):
        f(xv, yv, np.ones((1, 4)))
