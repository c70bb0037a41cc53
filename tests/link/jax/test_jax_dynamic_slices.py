"""Slices whose bounds depend on an input's value (theano/link/jax/dynslice.py): the givens
minibatch pattern ``data[index * n:(index + 1) * n]`` stays jitted (a traced start, a static
length computed on the host each call), gives NumPy's / the native backend's values for every
index (a last partial batch, an index past the end, negative indices), raises where the native
backend raises, and compiles once per distinct set of lengths (skipped when JAX is not
installed)."""

import numpy as np
import pytest

import theano
import theano.tensor as T

jax = pytest.importorskip("jax")

BATCH = 20


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def _data(rows=95, cols=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, cols)), rng.integers(0, 4, rows).astype("float64")


def _sgd(mode, X, Y, lr=0.13):
    """The deeplearning.net logistic_sgd training function: minibatches given as slices."""
    data_x = theano.shared(X.copy())
    data_y = T.cast(theano.shared(Y.copy()), "int32")
    index, x, y = T.lscalar("index"), T.dmatrix("x"), T.ivector("y")
    W = theano.shared(np.zeros((X.shape[1], 4)))
    b = theano.shared(np.zeros(4))
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    f = theano.function([index], cost, updates=[(W, W - lr * gW), (b, b - lr * gb)], mode=mode,
                        givens={x: data_x[index * BATCH:(index + 1) * BATCH],
                                y: data_y[index * BATCH:(index + 1) * BATCH]})
    return f, W, b


def _numpy_step(X, Y, W, b, i, lr=0.13):
    xb, yb = X[i * BATCH:(i + 1) * BATCH], Y[i * BATCH:(i + 1) * BATCH].astype(int)
    z = xb @ W + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    m = len(yb)
    cost = -np.mean(np.log(p[np.arange(m), yb]))
    d = p.copy()
    d[np.arange(m), yb] -= 1
    return cost, W - lr * xb.T @ d / m, b - lr * d.sum(axis=0) / m


def test_minibatch_sgd_is_jitted_and_matches_numpy_and_the_native_backend():
    X, Y = _data()
    f, W, b = _sgd(jax_mode(), X, Y)
    g, W2, b2 = _sgd(None, X, Y)
    thunk = f.maker.thunk
    assert thunk.dynamic_slices is not None
    Wr, br = np.zeros((X.shape[1], 4)), np.zeros(4)
    schedule = [0, 1, 2, 3, 4] * 6 + [4, 2, 0, 4]      # batch 4 has 15 rows of 20
    traces_after_first_epoch = None
    for step, i in enumerate(schedule):
        cost = f(i)
        cost_native = g(i)
        cost_ref, Wr, br = _numpy_step(X, Y, Wr, br, i)
        np.testing.assert_allclose(cost, cost_ref, rtol=1e-12)
        np.testing.assert_allclose(cost, cost_native, rtol=1e-12)
        np.testing.assert_allclose(W.get_value(), Wr, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(b.get_value(), br, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(W.get_value(), W2.get_value(), rtol=1e-10, atol=1e-14)
        assert thunk.is_jitted(), f"fell back to op by op at step {step} (index {i})"
        if step == 4:
            traces_after_first_epoch = thunk.trace_count()
    # two sets of lengths (20 and 15 rows): at most a trace per set and donation form, and none
    # after the first epoch
    assert traces_after_first_epoch <= 4
    assert thunk.trace_count() == traces_after_first_epoch


def test_index_past_the_end_and_negative_indices_slice_as_numpy():
    X, _ = _data(rows=50, cols=3)
    data = theano.shared(X)
    i = T.lscalar("i")
    part = data[i * BATCH:(i + 1) * BATCH]
    outs = [part, part.sum(), part.shape[0]]
    f = theano.function([i], outs, mode=jax_mode())
    g = theano.function([i], outs)
    for k in list(range(-5, 6)) + [100, -100, 2, 0]:
        ref = X[k * BATCH:(k + 1) * BATCH]
        for mine, native in ((f(k), g(k)), (f(k), g(k))):
            np.testing.assert_array_equal(mine[0], ref)
            np.testing.assert_array_equal(mine[0], native[0])
            np.testing.assert_allclose(mine[1], ref.sum(), rtol=1e-12, atol=1e-14)
            assert int(mine[2]) == len(ref) == int(native[2])
    assert f.maker.thunk.is_jitted()
    # lengths seen: 20, 10 (the partial batch), 0 (past the end, and -1 -> [-20:0])
    assert f.maker.thunk.trace_count() <= 3


@pytest.mark.parametrize("dtype, idtype", [("float64", "int64"), ("float32", "int32")])
def test_slices_of_several_forms(dtype, idtype):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((9, 8)).astype(dtype)
    a = theano.shared(A)
    i, j = T.scalar("i", dtype=idtype), T.scalar("j", dtype=idtype)
    exprs = [
        a[i:],                      # one bound symbolic
        a[:j],
        a[:, i:i + 3],              # on the second axis
        a[i:j, 1:-1],               # two symbolic bounds and a constant slice
        a[j, i:i + 2],              # with a scalar index (checked at run time)
        (a * 2)[i:i + 4],           # of an intermediate: its length through infer_shape
        a[i:i + 5][1:j],            # a slice of a dynamic slice
        a[i:i + 5].T[::-1],         # reversed after
    ]
    refs = [
        lambda i, j: A[i:], lambda i, j: A[:j], lambda i, j: A[:, i:i + 3],
        lambda i, j: A[i:j, 1:-1], lambda i, j: A[j, i:i + 2], lambda i, j: (A * 2)[i:i + 4],
        lambda i, j: A[i:i + 5][1:j], lambda i, j: A[i:i + 5].T[::-1],
    ]
    f = theano.function([i, j], exprs, mode=jax_mode())
    g = theano.function([i, j], exprs)
    assert f.maker.thunk.dynamic_slices is not None
    for vi, vj in [(0, 3), (2, 7), (5, 1), (8, 8), (-3, -1), (7, -2), (12, 4), (-20, 0)]:
        for _ in range(2):
            mine, native = f(vi, vj), g(vi, vj)
            for k, (m, n, ref) in enumerate(zip(mine, native, refs)):
                r = ref(vi, vj)
                assert m.dtype == np.dtype(dtype) and m.shape == r.shape, (k, vi, vj)
                np.testing.assert_array_equal(m, r)
                np.testing.assert_array_equal(m, n)
    assert f.maker.thunk.is_jitted()


def test_errors_of_the_native_backend_raise_and_the_function_stays_jitted():
    X, Y = _data(rows=30, cols=3)
    dx, dy = theano.shared(X), theano.shared(Y[:25])
    i, j = T.lscalar("i"), T.lscalar("j")
    # a scalar index out of bounds beside a dynamic slice
    f = theano.function([i, j], dx[j, i:i + 2], mode=jax_mode())
    g = theano.function([i, j], dx[j, i:i + 2])
    np.testing.assert_array_equal(f(1, 3), X[3, 1:3])
    for fn in (f, g):
        with pytest.raises(IndexError):
            fn(0, 30)
    np.testing.assert_array_equal(f(0, 29), X[29, 0:2])
    assert f.maker.thunk.is_jitted()
    # the last batch of x has 10 rows, of y 5: the native backend refuses the shapes
    cost = ((dx[i * 10:(i + 1) * 10].sum(axis=1) - dy[i * 10:(i + 1) * 10]) ** 2).sum()
    f = theano.function([i], cost, mode=jax_mode())
    g = theano.function([i], cost)
    for k in (0, 1):
        ref = ((X[k * 10:(k + 1) * 10].sum(axis=1) - Y[k * 10:(k + 1) * 10]) ** 2).sum()
        np.testing.assert_allclose(f(k), ref, rtol=1e-12)
        np.testing.assert_allclose(g(k), ref, rtol=1e-12)
    for fn in (g, f):
        with pytest.raises(ValueError):
            fn(2)
    for k in (0, 1, 0):
        ref = ((X[k * 10:(k + 1) * 10].sum(axis=1) - Y[k * 10:(k + 1) * 10]) ** 2).sum()
        np.testing.assert_allclose(f(k), ref, rtol=1e-12)
    assert f.maker.thunk.is_jitted()


def test_repeated_calls_give_the_same_bits():
    X, Y = _data()
    data = theano.shared(X)
    i = T.lscalar("i")
    part = data[i * BATCH:(i + 1) * BATCH]
    out = T.tanh(T.dot(part, part.T)).sum(axis=0)
    f = theano.function([i], out, mode=jax_mode())
    for k in (1, 4, 1, 4):
        first = f(k)
        for _ in range(3):
            again = f(k)
            assert again.tobytes() == first.tobytes()
    assert f.maker.thunk.is_jitted()


def test_symbolic_and_constant_steps_are_jitted_too():
    A = np.arange(40.0).reshape(10, 4)
    a = theano.shared(A)
    i, s = T.lscalar("i"), T.lscalar("s")
    for expr, ref in ((a[i:i + 6:s], lambda i, s: A[i:i + 6:s]),
                      (a[i:i + 6:2], lambda i, s: A[i:i + 6:2]),
                      (a[i::s], lambda i, s: A[i::s]),
                      (a[:, ::s][i:], lambda i, s: A[:, ::s][i:])):
        f = theano.function([i, s], expr, mode=jax_mode(), on_unused_input="ignore")
        g = theano.function([i, s], expr, on_unused_input="ignore")
        assert f.maker.thunk.dynamic_slices is not None
        for vi, vs in [(0, 1), (3, 2), (-4, 3), (1, 2), (9, -1), (8, -3), (-1, -2), (20, 1),
                       (2, 7), (0, -20)]:
            for _ in range(2):
                np.testing.assert_array_equal(f(vi, vs), ref(vi, vs))
                np.testing.assert_array_equal(f(vi, vs), g(vi, vs))
        for fn in (g, f):
            if expr.owner.inputs[-1] is s or s in theano.graph.basic.ancestors([expr]):
                with pytest.raises(ValueError):
                    fn(0, 0)
        assert f.maker.thunk.is_jitted()


def test_not_covered_slices_run_op_by_op_with_the_right_values():
    A = np.arange(40.0).reshape(10, 4)
    a = theano.shared(A)
    # a bound from a value computed from an array's contents
    v = T.lvector("v")
    f = theano.function([v], a[v.sum():], mode=jax_mode())
    assert f.maker.thunk.dynamic_slices is None
    for k in range(3):
        np.testing.assert_array_equal(f(np.array([1, k])), A[1 + k:])
    assert not f.maker.thunk.is_jitted()


@pytest.mark.parametrize("set_instead", [False, True])
def test_set_and_inc_subtensor_of_dynamic_slices(set_instead):
    rng = np.random.default_rng(2)
    A = rng.standard_normal((10, 6))
    x = T.dmatrix("x")
    i, s = T.lscalar("i"), T.lscalar("s")
    op = T.set_subtensor if set_instead else T.inc_subtensor
    row6, row3, vec = T.drow("row6"), T.drow("row3"), T.dvector("vec")
    # (expression, NumPy index of x, value): a row broadcasts over any number of rows
    cases = [
        (op(x[i:i + 3], row6), lambda vi, vs: (slice(vi, vi + 3),), "row6"),
        (op(x[i::s, 1:4], row3), lambda vi, vs: (slice(vi, None, vs), slice(1, 4)), "row3"),
        (op(x[2, i:i + 3], vec[:1]), lambda vi, vs: (2, slice(vi, vi + 3)), "vec1"),
        (op(x[i:i + 3, i::s], row6[:, :1]), lambda vi, vs: (slice(vi, vi + 3), slice(vi, None, vs)),
         "one"),
    ]
    exprs = [c[0] for c in cases]
    f = theano.function([x, i, s, row6, row3, vec], exprs, mode=jax_mode(),
                        on_unused_input="ignore")
    g = theano.function([x, i, s, row6, row3, vec], exprs, on_unused_input="ignore")
    assert f.maker.thunk.dynamic_slices is not None
    for vi, vs in [(0, 1), (2, 2), (-4, 1), (9, -2), (7, -1), (12, 1), (1, -3)]:
        for _ in range(3):
            vals = {"row6": rng.standard_normal((1, 6)), "row3": rng.standard_normal((1, 3)),
                    "vec": rng.standard_normal(6)}
            vals["vec1"], vals["one"] = vals["vec"][:1], vals["row6"][:, :1]
            mine = f(A, vi, vs, vals["row6"], vals["row3"], vals["vec"])
            native = g(A, vi, vs, vals["row6"], vals["row3"], vals["vec"])
            for (_, index, name), m, n in zip(cases, mine, native):
                expected = A.copy()
                key = index(vi, vs)
                part = expected[key]
                expected[key] = np.broadcast_to(vals[name], part.shape) + (0 if set_instead
                                                                           else part)
                np.testing.assert_array_equal(m, expected)
                np.testing.assert_array_equal(m, n)
    assert f.maker.thunk.is_jitted()


def test_gradient_through_a_dynamic_slice_of_a_shared_variable():
    rng = np.random.default_rng(3)
    E = rng.standard_normal((12, 3))
    emb = theano.shared(E.copy())
    i = T.lscalar("i")
    window = emb[i:i + 4]
    cost = (T.tanh(window) ** 2).sum()
    f = theano.function([i], cost, updates=[(emb, emb - 0.1 * T.grad(cost, emb))],
                        mode=jax_mode())
    ref = E.copy()
    for k in [0, 3, 8, 10, 11, 20, -2, 5]:
        w = ref[k:k + 4]
        np.testing.assert_allclose(f(k), (np.tanh(w) ** 2).sum(), rtol=1e-12)
        grad = np.zeros_like(ref)
        grad[k:k + 4] = 2 * np.tanh(w) * (1 - np.tanh(w) ** 2)
        ref = ref - 0.1 * grad
        np.testing.assert_allclose(emb.get_value(), ref, rtol=1e-12, atol=1e-15)
    assert f.maker.thunk.is_jitted()


def test_bounds_from_shapes_only_stay_static_and_unplanned_nodes_keep_their_translation():
    A = np.arange(24.0).reshape(6, 4)
    x = T.dmatrix("x")
    i = T.lscalar("i")
    half = x[:x.shape[0] // 2]                  # static while tracing: not computed on the host
    f = theano.function([x], half * 2, mode=jax_mode())
    assert f.maker.thunk.dynamic_slices is None
    for _ in range(3):
        np.testing.assert_array_equal(f(A), A[:3] * 2)
    assert f.maker.thunk.is_jitted()
    # one slice from a value, one from shapes: only the first is planned
    f = theano.function([x, i], [x[i:i + 2], x[:x.shape[0] // 2]], mode=jax_mode())
    assert len(f.maker.thunk.dynamic_slices.nodes) == 1
    for k in (0, 3, 5, 9, 3):
        a, b = f(A, k)
        np.testing.assert_array_equal(a, A[k:k + 2])
        np.testing.assert_array_equal(b, A[:3])
    assert f.maker.thunk.is_jitted()
