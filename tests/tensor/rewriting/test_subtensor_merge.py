"""``x[s1][s2]`` -> one Subtensor (local_subtensor_merge): values against NumPy's own indexing for
symbolic and constant bounds, negative steps, empty results, and IndexError where NumPy raises
one. Default backend and reference VM."""

import itertools

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.subtensor import Subtensor

MODES = (None, "FAST_COMPILE")
SHAPES = [(0, 2), (1, 2), (4, 1), (5, 3), (7, 2)]


def n_subtensors(f):
    return sum(type(n.op) is Subtensor for n in f.maker.fgraph.toposort())


def check(inputs, out, np_fn, ranges, dtype):
    fs = [theano.function(inputs, out, mode=m) for m in MODES]
    assert n_subtensors(fs[0]) <= 1
    rng = np.random.default_rng(0)
    for f in fs:
        for shape in SHAPES:
            xv = rng.uniform(-5, 5, size=shape).astype(dtype)
            for vals in itertools.product(*ranges):
                try:
                    want = np_fn(xv, *vals)
                except IndexError:
                    with pytest.raises(IndexError):
                        f(xv, *vals)
                    continue
                got = f(xv, *vals)
                assert got.shape == want.shape and got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)


STEPS = [-3, -1, 1, 2]


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_slice_of_slice_symbolic(dtype):
    x = T.matrix("x", dtype=dtype)
    b1, e1, s1, b2, e2, s2 = T.iscalars("b1", "e1", "s1", "b2", "e2", "s2")
    check([x, b1, e1, s1, b2, e2, s2], x[b1:e1:s1][b2:e2:s2],
          lambda v, a, b, c, d, e, g: v[a:b:c][d:e:g],
          [[-4, 0, 3], [-2, 4], STEPS, [-3, 1], [-1, 3], [-2, 1, 3]], dtype)


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_index_of_slice_symbolic(dtype):
    x = T.matrix("x", dtype=dtype)
    b, e, s, i = T.iscalars("b", "e", "s", "i")
    check([x, b, e, s, i], x[b:e:s][i], lambda v, bb, ee, ss, ii: v[bb:ee:ss][ii],
          [[-3, 0, 2], [-1, 3, 9], STEPS, range(-5, 5)], dtype)


def test_none_bounds():
    x = T.dmatrix("x")
    b, s, i = T.iscalars("b", "s", "i")
    check([x, b, i], x[b:][i], lambda v, bb, ii: v[bb:][ii], [range(-4, 4), range(-4, 4)], "float64")
    check([x, s, i], x[::s][i], lambda v, ss, ii: v[::ss][ii], [STEPS, range(-4, 4)], "float64")
    check([x, b], x[::-1][b:], lambda v, bb: v[::-1][bb:], [range(-6, 6)], "float64")


def test_constant_bounds_and_several_dimensions():
    x = T.dmatrix("x")
    outs = [(x[1:][2:4], lambda v: v[1:][2:4]), (x[2:6][1::2], lambda v: v[2:6][1::2]),
            (x[3:][-1], lambda v: v[3:][-1]), (x[::-1][-1], lambda v: v[::-1][-1]),
            (x[1:, ::-1][0], lambda v: v[1:, ::-1][0]), (x[:, 1:][1:, 0], lambda v: v[:, 1:][1:, 0]),
            (x[2:][1], lambda v: v[2:][1]), (x[::-1][::-1], lambda v: v[::-1][::-1]),
            (x[::-2][::-1], lambda v: v[::-2][::-1]), (x[::-3][::2], lambda v: v[::-3][::2])]
    for out, fn in outs:
        check([x], out, fn, [], "float64")


def test_reversed_twice_is_x():
    x = T.itensor3("x")
    f = theano.function([x], x[::-1][::-1] * 2)
    assert n_subtensors(f) == 0
    assert not any(isinstance(n.op, T.Elemwise) and str(n.op.scalar_op) == "int_div"
                   for n in f.maker.fgraph.toposort())
    for shape in [(2, 3, 1), (0, 2, 2), (5, 1, 3)]:
        v = np.arange(np.prod(shape), dtype="int32").reshape(shape)
        np.testing.assert_array_equal(f(v), v * 2)


@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_slices_and_picks_of_a_built_vector(dtype):
    from theano.tensor.basic import MakeVector

    a, b, c = (T.scalar(n, dtype=dtype) for n in "abc")
    v = MakeVector(dtype)(a, b, c)
    outs = [v[:2], v[::2], v[[0, 2, 2]], v[::-1], v[5:], v[1:] * 2]
    refs = [lambda w: w[:2], lambda w: w[::2], lambda w: w[[0, 2, 2]], lambda w: w[::-1],
            lambda w: w[5:], lambda w: w[1:] * 2]
    fs = [theano.function([a, b, c], outs, mode=m) for m in MODES]
    assert n_subtensors(fs[0]) == 0
    assert not any("AdvancedSubtensor" in type(n.op).__name__ for n in fs[0].maker.fgraph.toposort())
    for f in fs:
        for vals in [(1, 2, 3), (-4, 0, 9), (7, 7, 7)]:
            w = np.array(vals, dtype=dtype)
            for got, ref in zip(f(*[np.asarray(x, dtype) for x in vals]), refs):
                want = ref(w)
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)
