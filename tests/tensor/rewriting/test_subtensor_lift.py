"""Indexing moved before elementwise work (local_subtensor_lift): ``exp(x)[0]`` computes exp of one
row only. Values against NumPy on the default backend and the reference VM; the errors of the
original graph (index out of bounds, inputs whose shapes do not match) stay."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.elemwise import Elemwise
from theano.tensor.subtensor import Subtensor

MODES = (None, "FAST_COMPILE")


def elemwise_inputs_are_indexed(f):
    """Every Elemwise node of f reads indexed (or scalar) values, never a whole matrix."""
    ews = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    return bool(ews) and all(i.ndim < 2 or (i.owner is not None and isinstance(i.owner.op, Subtensor))
                             for n in ews for i in n.inputs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exp_of_a_row(dtype):
    x = T.matrix("x", dtype=dtype)
    fs = [theano.function([x], T.exp(x)[1], mode=m) for m in MODES]
    assert elemwise_inputs_are_indexed(fs[0])
    for f in fs:
        for shape in [(2, 3), (3, 1), (5, 4)]:
            xv = np.linspace(-3, 3, np.prod(shape)).reshape(shape).astype(dtype)
            np.testing.assert_allclose(f(xv), np.exp(xv)[1], rtol=1e-6)
        with pytest.raises(IndexError):
            f(np.ones((1, 3), dtype))


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_sum_with_a_scalar_sliced_and_indexed(dtype):
    x = T.matrix("x", dtype=dtype)
    z = T.matrix("z", dtype=dtype)
    s = T.scalar("s", dtype=dtype)
    outs = [(x * s + z)[1:, 0], (x + s + z)[::-1], (x - s)[0, 1:]]
    refs = [lambda a, b, c: (a * b + c)[1:, 0], lambda a, b, c: (a + b + c)[::-1],
            lambda a, b, c: (a - b)[0, 1:]]
    fs = [theano.function([x, s, z], outs, mode=m, on_unused_input="ignore") for m in MODES]
    for f in fs:
        for rows, cols, sv in [(2, 3, 2), (4, 2, -1), (3, 5, 7)]:
            a = np.arange(rows * cols, dtype=dtype).reshape(rows, cols)
            c = (np.arange(rows * cols, dtype=dtype).reshape(rows, cols) % 3)
            got = f(a, np.asarray(sv, dtype), c)
            for g, ref in zip(got, refs):
                want = ref(a, np.asarray(sv, dtype), c)
                assert g.dtype == want.dtype
                np.testing.assert_array_equal(g, want)


def test_shape_mismatch_still_raises():
    x = T.dmatrix("x")
    z = T.dmatrix("z")
    for m in MODES:
        f = theano.function([x, z], T.exp(x + z)[0], mode=m)
        for k in range(3):
            np.testing.assert_allclose(f(np.full((2, 2), k), np.ones((2, 2))), np.exp(np.full(2, k + 1.0)))
        with pytest.raises((AssertionError, ValueError)):
            f(np.ones((2, 2)), np.ones((3, 2)))
        g = theano.function([x, z], (x * z)[1:], mode=m)
        with pytest.raises((AssertionError, ValueError)):
            g(np.ones((2, 2)), np.ones((3, 2)))


def test_not_lifted_when_the_whole_result_is_used():
    x = T.dmatrix("x")
    e = T.exp(x)
    f = theano.function([x], [e[0], e])
    exps = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    assert len(exps) == 1 and exps[0].inputs[0] is f.maker.fgraph.inputs[0]
    for k in range(3):
        xv = np.full((2, 2), float(k))
        a, b = f(xv)
        np.testing.assert_allclose(a, np.exp(xv)[0])
        np.testing.assert_allclose(b, np.exp(xv))


def test_broadcast_vector_input_not_lifted():
    x = T.dmatrix("x")
    v = T.dvector("v")
    for m in MODES:
        f = theano.function([x, v], T.exp(x + v)[0], mode=m)
        for k in range(3):
            xv = np.arange(6.0).reshape(2, 3) + k
            vv = np.arange(3.0)
            np.testing.assert_allclose(f(xv, vv), np.exp(xv + vv)[0])
