"""Joining and splitting: theano.tensor.joining (join/concatenate, split, stack, stacklists)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import MODES, OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = [
    OpCase("join0", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b], 0),
           [rand(2, 3), rand(4, 3, seed=2)], dtypes=FLOATS),
    OpCase("join1_neg", lambda a, b, c: T.join(-1, a, b, c), lambda a, b, c: np.concatenate([a, b, c], -1),
           [rand(2, 3), rand(2, 1, seed=2), rand(2, 2, seed=3)], dtypes=FLOATS),
    OpCase("join_empty", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b]),
           [rand(0, 3), rand(2, 3, seed=2)], dtypes=FLOATS),
    OpCase("concatenate3d", lambda a, b: T.concatenate([a, b], axis=1),
           lambda a, b: np.concatenate([a, b], 1), [rand(2, 3, 2), rand(2, 1, 2, seed=5)], dtypes=FLOATS),
    OpCase("join_mixed_dtype", lambda a, b: T.join(0, a, b), lambda a, b: np.concatenate([a, b]),
           [rand(2, 2), rand_int(3, 2, dtype="int32")], dtypes=FLOATS),
    OpCase("stack_vectors", lambda a, b: T.stack([a, b]), lambda a, b: np.stack([a, b]),
           [rand(3), rand(3, seed=9)], dtypes=FLOATS),
    OpCase("stack_axis1", lambda a, b: T.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           [rand(2, 3), rand(2, 3, seed=9)], dtypes=FLOATS),
    OpCase("stack_axis_neg", lambda a, b: T.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], -1),
           [rand(2, 3), rand(2, 3, seed=9)], dtypes=FLOATS),
    OpCase("split", lambda a: T.split(a, [1, 3, 0], 3, axis=1)[1],
           lambda a: a[:, 1:4], [rand(2, 4)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_join_types_and_errors():
    a, b = T.dmatrix(), T.fmatrix()
    assert T.join(0, a, b).dtype == "float64"
    r = T.row()
    assert T.join(1, r, r).broadcastable == (True, False)
    assert T.join(0, r, r).broadcastable == (False, False)
    with pytest.raises(TypeError, match="same number of dimensions"):
        T.join(0, T.dmatrix(), T.dvector())
    with pytest.raises(ValueError, match="out of range"):
        T.join(2, a, a)
    with pytest.raises(TypeError, match="scalar"):
        T.join(0, T.dscalar(), T.dscalar())
    with pytest.raises(TypeError, match="list"):
        T.concatenate(a, b)
    with pytest.raises(TypeError, match="int"):
        T.join(1.0, a, a)
    f = theano.function([a, b], T.join(0, a, b), mode=PY)
    with pytest.raises(ValueError, match="differ"):
        f(rand(2, 3), rand(2, 4, dtype="float32"))
    assert T.join(0, a) is a


def test_join_int_grad_is_zero():
    a, b = T.dvector(), T.ivector()
    g = T.grad(T.sum(T.join(0, a, b) ** 2), a)
    av = rand(3)
    np.testing.assert_allclose(run(g, [a, b], [av, np.arange(2, dtype="int32")]), 2 * av)


def test_stack_scalars_and_star_args():
    a, b = T.dscalar(), T.dscalar()
    np.testing.assert_allclose(run(T.stack([a, b]), [a, b], [1.0, 2.0]), [1.0, 2.0])
    with pytest.warns(DeprecationWarning, match="old calling form"):
        ab = T.stack(a, b)
    np.testing.assert_allclose(run(ab, [a, b], [1.0, 2.0]), [1.0, 2.0])
    x, y = T.dvector(), T.dvector()
    with pytest.warns(DeprecationWarning):
        xy = T.stack(x, y)
    np.testing.assert_allclose(run(xy, [x, y], [rand(2), rand(2, seed=3)]),
                               np.stack([rand(2), rand(2, seed=3)]))
    m = T.stack([a, b], axis=0)
    assert m.ndim == 1
    # Theano 1.0's keyword form stack(tensors=..., axis=...)
    xv, yv = rand(2, 3), rand(2, 3, seed=5)
    p, q = T.dmatrix(), T.dmatrix()
    for axis in (0, 1, -1):
        compare_backends([p, q], T.stack(tensors=[p, q], axis=axis), [xv, yv], modes=("py", "auto"),
                         expected=np.stack([xv, yv], axis=axis))
    compare_backends([p, q], T.stack(tensors=(p, q)), [xv, yv], modes=("py", "auto"),
                     expected=np.stack([xv, yv]))
    with pytest.raises(TypeError, match="both"):
        T.stack([p], tensors=[q])
    with pytest.raises(ValueError):
        T.stack([])


def test_split_all_outputs_and_grad():
    x = T.dmatrix()
    s = T.lvector()
    parts = T.split(x, s, 3, axis=0)
    assert len(parts) == 3
    xv = rand(6, 2)
    res = run(parts, [x, s], [xv, np.array([1, 2, 3])])
    for got, exp in zip(res, np.split(xv, [1, 3])):
        np.testing.assert_allclose(got, exp)
    check_infer_shape([x], T.split(x, [2, 4], 2, axis=0), [xv])
    verify_grad(lambda v: T.concatenate([T.split(v, [2, 1, 3], 3, axis=0)[k] * (k + 1) for k in (0, 2)]),
                [xv], rng=np.random.RandomState(1), mode=PY)
    f = theano.function([x, s], parts, mode=PY)
    with pytest.raises(ValueError, match="sum"):
        f(xv, np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="n_splits"):
        T.split(x, [1, 2], 3)


def test_stacklists():
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    m = T.stacklists([[a, b], [c, d]])
    assert m.ndim == 2
    np.testing.assert_allclose(run(m, [a, b, c, d], [1, 2, 3, 4]), [[1, 2], [3, 4]])
    x, y = T.dvectors("x", "y")
    t = T.stacklists([[x, y], [y, x], [x, x]])
    xv, yv = rand(2), rand(2, seed=4)
    np.testing.assert_allclose(run(t, [x, y], [xv, yv]), np.array([[xv, yv], [yv, xv], [xv, xv]]))
    g = T.grad(T.sum(m * np.arange(4.0).reshape(2, 2)), [a, d])
    np.testing.assert_allclose(run(g, [a, b, c, d], [1.0, 1.0, 1.0, 1.0]), [0.0, 3.0])


def test_join_with_a_symbolic_axis():
    a = T.lscalar()
    x, y = T.dmatrix(), T.fmatrix()
    out = T.join(a, x, y)
    assert isinstance(out.owner.op, T.JoinDynamic)
    assert out.dtype == "float64" and out.broadcastable == (False, False)
    xv, yv = rand(2, 3), rand(2, 3, dtype="float32", seed=4)
    for av in (0, 1, -1, -2):
        res = compare_backends([a, x, y], out, [av, xv, yv], expected=np.concatenate([xv, yv], axis=av))
        check_infer_shape([a, x, y], out, [av, xv, yv])
        assert res.shape == np.concatenate([xv, yv], axis=av).shape
    # gradients equal those of the static join
    w = T.dmatrix()
    g_dyn = T.grad(T.sum(T.join(a, x, y) * w), [x, y])
    for av in (0, 1):
        g_static = T.grad(T.sum(T.join(av, x, y) * w), [x, y])
        wv = rand(*np.concatenate([xv, yv], axis=av).shape, seed=9)
        for gd, gs in zip(run(g_dyn, [a, x, y, w], [av, xv, yv, wv]), run(g_static, [x, y, w], [xv, yv, wv])):
            np.testing.assert_allclose(gd, gs)
    f = theano.function([a, x, y], out, mode=PY)
    with pytest.raises(ValueError, match="out of range"):
        f(2, xv, yv)
    with pytest.raises(ValueError, match="differ"):
        f(0, xv, rand(2, 4, dtype="float32"))
    with pytest.raises(TypeError, match="integer"):
        T.join(T.dscalar(), x, y)
    s = T.SplitDynamic(2)(x, a, T.constant(np.array([1, 2])))
    check_infer_shape([x, a], s, [xv, 1])
    np.testing.assert_allclose(run(s[1], [x, a], [xv, -1]), xv[:, 1:])


def test_rop_through_join():
    x, y = T.dvector(), T.dvector()
    vx, vy = T.dvector(), T.dvector()
    xv, yv, ex, ey = rand(3), rand(2, seed=3), rand(3, seed=4), rand(2, seed=5)
    got = run(T.Rop(T.join(0, x, y), [x, y], [vx, vy]), [x, y, vx, vy], [xv, yv, ex, ey])
    np.testing.assert_allclose(got, np.concatenate([ex, ey]))


def test_split_with_a_symbolic_axis():
    # Theano 1.0's Split(n)(x, axis, splits) and split(x, splits, n, axis) take an axis known only
    # at run time (they used to raise TypeError here): a SplitDynamic node, which is a Split
    x, a, sp = T.dtensor3(), T.iscalar(), T.ivector()
    xv = rand(4, 10, 3)
    sizes = {1: [2, 5, 3], -2: [2, 5, 3], 0: [1, 0, 3], 2: [1, 1, 1], -1: [0, 2, 1]}
    for outs in (T.Split(3)(x, a, sp), T.split(x, sp, 3, axis=a)):
        assert isinstance(outs[0].owner.op, T.SplitDynamic) and isinstance(outs[0].owner.op, T.Split)
        assert outs[0].owner.op.axis is None
        for av, sv in sizes.items():
            sv = np.asarray(sv, dtype="int32")
            expected = np.split(xv, np.cumsum(sv)[:-1], axis=av)
            compare_backends([x, a, sp], outs, [xv, av, sv], expected=expected)
            check_infer_shape([x, a, sp], outs, [xv, av, sv])
    # gradient (finite differences), the axis a run-time value
    outs = T.split(x, sp, 3, axis=a)
    w = [rand(4, 2, 3, seed=5), rand(4, 5, 3, seed=6), rand(4, 3, 3, seed=7)]
    cost = sum(T.sum(o * wi) for o, wi in zip(outs, w))
    g = theano.function([x, a, sp], T.grad(cost, x), mode=PY)
    np.testing.assert_allclose(g(xv, 1, np.array([2, 5, 3], "int32")), np.concatenate(w, axis=1))
    np.testing.assert_allclose(g(xv, -2, np.array([2, 5, 3], "int32")), np.concatenate(w, axis=1))
    f = theano.function([x, a, sp], outs)
    for bad in (3, -4):
        with pytest.raises(IndexError, match="out of range"):   # numpy's AxisError, as Theano
            f(xv, bad, np.array([2, 5, 3], "int32"))
    with pytest.raises(TypeError, match="axis"):
        T.split(x, sp, 3, axis=T.dscalar())


def test_split_grad_with_a_symbolic_axis_matches_finite_differences():
    a = T.iscalar()
    for av in (0, 1, -1):
        xv = rand(4, 4, seed=av + 3)

        def fn(t):
            p, q = T.split(t, np.array([1, 3], dtype="int64"), 2, axis=a)
            return T.sum(p ** 2) + T.sum(T.sin(q) * 3)

        x = T.dmatrix()
        g = theano.function([x, a], T.grad(fn(x), x))(xv, av)
        eps = 1e-6
        num = np.zeros_like(xv)
        f = theano.function([x, a], fn(x))
        for idx in np.ndindex(*xv.shape):
            d = np.zeros_like(xv)
            d[idx] = eps
            num[idx] = (f(xv + d, av) - f(xv - d, av)) / (2 * eps)
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


def test_join_dynamic_is_a_join_with_its_own_rop_and_vector_length():
    a = T.lscalar()
    x, y = T.dvector(), T.dvector()
    j = T.join(a, x, y)
    assert isinstance(j.owner.op, T.Join) and j.owner.op.axis is None and str(j.owner.op) == "JoinDynamic"
    # R-op: the join of the tangents along the run-time axis
    vx, vy = T.dvector(), T.dvector()
    xv, yv, ex, ey = rand(3), rand(2, seed=3), rand(3, seed=4), rand(2, seed=5)
    got = run(T.Rop(j, [x, y], [vx, vy]), [a, x, y, vx, vy], [0, xv, yv, ex, ey])
    np.testing.assert_allclose(got, np.concatenate([ex, ey]))
    got = run(T.Rop(j, [y], [vy]), [a, x, y, vy], [-1, xv, yv, ey])
    np.testing.assert_allclose(got, np.concatenate([np.zeros(3), ey]))
    # the length of a joined vector is the sum of the lengths, whatever the axis input
    v3 = T.as_tensor_variable(np.arange(3.0))
    v2 = T.as_tensor_variable(np.arange(2.0))
    assert T.get_vector_length(T.join(a, v3, v2)) == 5
    f = theano.function([a, x, y], j)
    with pytest.raises(IndexError, match="out of range"):
        f(-2, xv, yv)


def test_single_tensor_join_is_removed():
    # Theano 1.0's local_join_1: Join(axis)(x) of one tensor is x (broadcast pattern kept)
    xv = rand(1, 4, 1)
    s = theano.shared(xv, broadcastable=(True, False, True))
    for mode in ("py_opt", "auto"):
        x = T.dtensor3()
        for out, ins, vals in ((T.Join()(0, s), [], []), (T.Join()(2, x), [x], [xv]),
                               (T.Join(1)(x), [x], [xv])):
            assert out.broadcastable == out.owner.inputs[-1].broadcastable
            f = theano.function(ins, out, mode=MODES[mode]())
            assert not any(isinstance(n.op, T.Join) for n in f.maker.fgraph.toposort())
            for _ in range(3):
                r = f(*vals)
                np.testing.assert_array_equal(r, xv)
            r[...] = 0     # the result is a copy: the shared value and the argument stay unchanged
            np.testing.assert_array_equal(s.get_value(), xv)
            np.testing.assert_array_equal(xv, rand(1, 4, 1))
    # a run-time axis keeps the node (it checks the axis)
    a = T.lscalar()
    f = theano.function([a, x], T.Join()(a, x))
    assert any(isinstance(n.op, T.JoinDynamic) for n in f.maker.fgraph.toposort())
    np.testing.assert_array_equal(f(-1, xv), xv)
    with pytest.raises(IndexError):
        f(3, xv)
    # the gradient of a single-tensor join is the output gradient
    verify_grad(lambda t: T.Join()(0, t) * 2, [xv])


def test_runtime_axis_out_of_range_is_an_axis_error_on_jax_too():
    pytest.importorskip("jax")
    a = T.iscalar("a")
    x, y = T.dmatrix("x"), T.dmatrix("y")
    sp = T.ivector("sp")
    jax_mode = theano.Mode(linker="jax")
    f = theano.function([a, x, y], T.join(a, x, y), mode=jax_mode)
    g = theano.function([a, x, sp], T.split(x, sp, 2, axis=a), mode=jax_mode)
    v = np.ones((2, 3))
    np.testing.assert_array_equal(f(1, v, v), np.concatenate([v, v], axis=1))
    for bad in (2, -3):
        with pytest.raises(np.exceptions.AxisError, match="out of range"):
            f(bad, v, v)
        with pytest.raises(np.exceptions.AxisError, match="out of range"):
            g(bad, v, np.array([1, 2], "int32"))
