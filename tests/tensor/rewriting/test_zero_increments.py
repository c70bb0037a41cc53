"""Increments by zeros, assignments of the value already there, increments of zeros and products
with zeros: the work disappears, the errors the original graph raises (index out of bounds, shapes
that do not match) stay. Values against NumPy on the default backend and the reference VM."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.math import Dot
from theano.tensor.subtensor import IncSubtensor
from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

MODES = (None, "FAST_COMPILE")
INCS = (IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor)


def compiled(inputs, out):
    return [theano.function(inputs, out, mode=m) for m in MODES]


def has(f, classes):
    return any(isinstance(n.op, classes) for n in f.maker.fgraph.toposort())


def _np_inc(x, idx, y):
    out = x.copy()
    np.add.at(out, idx, y)
    return out


@pytest.mark.parametrize("dtype", ["float32", "int64"])
@pytest.mark.parametrize("kind", ["slice", "int", "adv1", "adv"])
def test_increment_by_zeros_is_x(dtype, kind):
    x = T.matrix("x", dtype=dtype)
    y = T.matrix("y", dtype=dtype)
    if kind == "slice":
        idx, zy = (slice(None, 2),), T.zeros_like(y)
    elif kind == "int":
        idx, zy = (1,), T.zeros_like(y[0])
    elif kind == "adv1":
        idx, zy = ([0, 2, 0],), T.zeros_like(y.T)
    else:
        idx, zy = (np.array([0, 1]), np.array([1, 0])), T.zeros_like(y[0])
    out = T.inc_subtensor(x[idx], zy) * 2
    fs = compiled([x, y], out)
    assert not has(fs[0], INCS)
    for f in fs:
        for rows, cols in [(3, 2), (4, 2), (5, 2)]:
            xv = np.arange(rows * cols, dtype=dtype).reshape(rows, cols)
            yshape = {"slice": (2, cols), "int": (1, cols), "adv1": (cols, 3), "adv": (1, 2)}[kind]
            yv = np.ones(yshape, dtype=dtype)
            np.testing.assert_array_equal(f(xv, yv), xv * 2)


def test_increment_by_zeros_keeps_index_and_shape_errors():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    out_adv = T.inc_subtensor(x[[0, 3]], T.zeros_like(y))
    out_shape = T.inc_subtensor(x[:2], T.zeros_like(y))
    out_int = T.inc_subtensor(x[4], T.zeros_like(y[0]))
    for mode in MODES:
        f = theano.function([x, y], out_adv, mode=mode)
        np.testing.assert_array_equal(f(np.ones((4, 2)), np.ones((2, 2))), np.ones((4, 2)))
        with pytest.raises((IndexError, AssertionError, ValueError)):
            f(np.ones((3, 2)), np.ones((2, 2)))          # row 3 does not exist
        with pytest.raises((AssertionError, ValueError)):
            f(np.ones((4, 2)), np.ones((3, 2)))          # 3 rows into 2
        g = theano.function([x, y], out_shape, mode=mode)
        np.testing.assert_array_equal(g(np.ones((4, 2)), np.ones((1, 2))), np.ones((4, 2)))
        with pytest.raises((AssertionError, ValueError)):
            g(np.ones((4, 2)), np.ones((2, 3)))
        h = theano.function([x, y], out_int, mode=mode)
        np.testing.assert_array_equal(h(np.ones((5, 2)), np.ones((1, 2))), np.ones((5, 2)))
        with pytest.raises((IndexError, AssertionError, ValueError)):
            h(np.ones((4, 2)), np.ones((1, 2)))


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_setting_zeros_into_zeros(dtype):
    x = T.matrix("x", dtype=dtype)
    y = T.matrix("y", dtype=dtype)
    z = T.set_subtensor(T.zeros_like(x)[:4], T.zeros_like(y))
    c = T.constant(np.zeros((4, 4), dtype=dtype))
    z2 = T.set_subtensor(c[[0, 1, 2, 3]], T.zeros_like(y))
    fs = compiled([x, y], [z + 1, z2 + 1])
    assert not has(fs[0], INCS)
    for f in fs:
        for n in (4, 5, 6):
            a, b = f(np.ones((n, 4), dtype), np.ones((4, 4), dtype))
            np.testing.assert_array_equal(a, np.ones((n, 4), dtype))
            np.testing.assert_array_equal(b, np.ones((4, 4), dtype))


def test_setting_a_different_value_is_kept():
    y = T.dmatrix("y")
    c = T.constant(np.zeros((4, 4)))
    out = T.set_subtensor(c[:2], T.ones_like(y))
    fs = compiled([y], out)
    assert has(fs[0], INCS)
    for f in fs:
        for k in range(3):
            want = np.zeros((4, 4))
            want[:2] = k + 1.0
            np.testing.assert_array_equal(f(np.full((2, 4), 9.0)) * (k + 1), want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_increment_of_zeros_becomes_an_assignment(dtype):
    c = T.constant(np.zeros((4, 4), dtype=dtype))
    y = T.matrix("y", dtype=dtype)
    out = T.inc_subtensor(c[1:3], y)
    fs = compiled([y], out)
    incs = [n.op for n in fs[0].maker.fgraph.toposort() if isinstance(n.op, IncSubtensor)]
    assert len(incs) == 1 and incs[0].set_instead_of_inc
    rng = np.random.default_rng(1)
    for f in fs:
        for shape in [(2, 4), (1, 4), (2, 1)]:
            yv = rng.normal(size=shape).astype(dtype)
            want = np.zeros((4, 4), dtype)
            want[1:3] += yv
            np.testing.assert_array_equal(f(yv), want)
    # not all zeros: stays an increment
    nz = np.zeros((4, 4), dtype)
    nz[1, 0] = 0.5
    f = theano.function([y], T.inc_subtensor(T.constant(nz)[1:3], y))
    incs = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, IncSubtensor)]
    assert len(incs) == 1 and not incs[0].set_instead_of_inc
    for k in range(3):
        yv = np.full((2, 4), k, dtype)
        want = nz.copy()
        want[1:3] += yv
        np.testing.assert_array_equal(f(yv), want)


def test_duplicate_indices_keep_increment_semantics():
    c = T.constant(np.zeros((3, 2)))
    y = T.dmatrix("y")
    out = T.inc_subtensor(c[[0, 0, 2]], y)
    for f in compiled([y], out):
        for k in range(3):
            yv = np.arange(6.0).reshape(3, 2) + k
            np.testing.assert_array_equal(f(yv), _np_inc(np.zeros((3, 2)), [0, 0, 2], yv))


@pytest.mark.parametrize("zero_left", [True, False])
@pytest.mark.parametrize("nd", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_dot_with_zeros(zero_left, nd):
    a = T.TensorType("float64", (False,) * nd[0])("a")
    b = T.TensorType("float64", (False,) * nd[1])("b")
    e1, e2 = (T.zeros_like(a), b) if zero_left else (a, T.zeros_like(b))
    out = T.dot(e1, e2)
    fs = compiled([a, b], out)
    assert not has(fs[0], Dot)
    for f in fs:
        for n in (2, 3, 5):
            av = np.ones((n,) * nd[0]) * 3
            bv = np.ones((n,) * nd[1]) * 2
            za, zb = (np.zeros_like(av), bv) if zero_left else (av, np.zeros_like(bv))
            got = f(av, bv)
            want = np.dot(za, zb)
            assert np.shape(got) == np.shape(want)
            np.testing.assert_array_equal(got, want)
        with pytest.raises((ValueError, AssertionError)):
            f(np.ones((2,) * nd[0]), np.ones((3,) * nd[1]))


@pytest.mark.parametrize("dtype", ["float32", "int16"])
@pytest.mark.parametrize("step", [None, -1])
def test_assignment_of_all_of_x(dtype, step):
    x = T.matrix("x", dtype=dtype)
    y = T.matrix("y", dtype=dtype)
    sub = slice(None, None, step)
    out = T.set_subtensor(x[:, sub], T.specify_shape(y, x.shape)) * 3
    fs = [theano.function([x, y], out, mode=m) for m in MODES]
    assert not has(fs[0], IncSubtensor)
    for f in fs:
        for shape in [(1, 2), (3, 4), (2, 1)]:
            xv = np.zeros(shape, dtype)
            yv = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
            want = xv.copy()
            want[:, sub] = yv
            np.testing.assert_array_equal(f(xv, yv), want * 3)
        with pytest.raises((AssertionError, ValueError)):
            f(np.zeros((2, 2), dtype), np.zeros((1, 2), dtype))
    # without the shape of y known, the assignment (which may broadcast y) stays
    g = theano.function([x, y], T.set_subtensor(x[:, sub], y))
    assert has(g, IncSubtensor)
    for rows in (1, 2, 3):
        want = np.zeros((rows, 2), dtype)
        want[:, sub] = np.array([[5, 6]], dtype)
        np.testing.assert_array_equal(g(np.zeros((rows, 2), dtype), np.array([[5, 6]], dtype)), want)
