"""Rewrites and helpers that Theano 1.0 programs import from ``theano.tensor.opt``: ShapeFeature,
local_merge_alloc, local_useless_dimshuffle_in_reshape, local_reshape_to_dimshuffle,
local_add_specialize, mul_canonizer. Values are checked against NumPy on the default backend and
on the reference VM (FAST_COMPILE), each compiled function called several times."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.tensor import opt
from theano.tensor.allocation import Alloc
from theano.tensor.assertions import Assert
from theano.tensor.elemwise import DimShuffle
from theano.tensor.reshaping import Reshape

MODES = (None, "FAST_COMPILE")


def check_values(inputs, out, cases, expected):
    """Compile ``out`` in each mode, call it on every case (at least 3) and compare with NumPy.
    Returns the function of the default mode."""
    assert len(cases) >= 3
    fs = []
    for mode in MODES:
        f = theano.function(inputs, out, mode=mode)
        for vals in cases:
            got = f(*vals)
            want = expected(*vals)
            assert np.asarray(got).shape == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=1e-6)
        fs.append(f)
    return fs[0]


def ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


# ------------------------------------------------------------------------------------------------
# ShapeFeature
# ------------------------------------------------------------------------------------------------


def _attached(inputs, outputs):
    fg = FunctionGraph(inputs, outputs, clone=False)
    sf = opt.ShapeFeature()
    fg.attach_feature(sf)
    return sf


def test_shape_feature_same_shape():
    x, y = T.dvector("x"), T.dvector("y")
    o = x + y
    sf = _attached([x, y], [o])
    assert sf.same_shape(x, o)
    assert sf.same_shape(x, o, 0, 0)
    # the sum's length is taken from x: equality with y's is not known
    assert not sf.same_shape(y, o)
    with pytest.raises(IndexError):
        sf.same_shape(x, o, 1, 0)
    s = T.dscalar("s")
    sf = _attached([s], [s + T.constant(1.0).clone()])
    assert sf.same_shape(s, sf.fgraph.outputs[0])
    m = T.dmatrix("m")
    sf = _attached([m], [m.T])
    assert not sf.same_shape(m, sf.fgraph.outputs[0])
    assert sf.same_shape(m, sf.fgraph.outputs[0], 0, 1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shape_feature_shapes_evaluate_to_the_real_shapes(dtype):
    x = T.tensor3("x", dtype=dtype)
    y = T.matrix("y", dtype=dtype)
    o = T.dot(x.sum(axis=0), y).dimshuffle(1, "x", 0)
    sf = _attached([x, y], [o])
    shp = sf.shape_tuple(o)
    assert len(shp) == 3
    f = theano.function([x, y], list(shp), on_unused_input="ignore")
    for a, b, c in [(2, 3, 4), (1, 5, 2), (3, 1, 1)]:
        xv = np.ones((a, b, c), dtype=dtype)
        yv = np.ones((c, 6), dtype=dtype)
        want = np.dot(xv.sum(axis=0), yv).T[:, None, :].shape
        assert tuple(int(v) for v in f(xv, yv)) == want


# ------------------------------------------------------------------------------------------------
# local_merge_alloc
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_merge_alloc_values_and_one_alloc(dtype):
    m = T.scalar("m", dtype=dtype)
    a, b, c = T.iscalars("a", "b", "c")
    out = T.alloc(T.alloc(m, b, 1, 1), a, b, c, 3)
    cases = [(np.asarray(1.5, dtype), 1, 2, 3), (np.asarray(-2, dtype), 2, 1, 1),
             (np.asarray(0.25, dtype), 3, 4, 2)]
    f = check_values([m, a, b, c], out, cases,
                     lambda mv, av, bv, cv: np.full((av, bv, cv, 3), mv, dtype=dtype))
    assert sum(isinstance(op, Alloc) for op in ops(f)) == 1
    # b against b: the same variable, nothing to check
    assert not any(isinstance(op, Assert) for op in ops(f))


def test_merge_alloc_keeps_the_shape_check():
    m = T.dscalar("m")
    a, b, b2 = T.iscalars("a", "b", "b2")
    out = T.alloc(T.alloc(m, b, 1), a, b2, 4)
    for mode in MODES:
        f = theano.function([m, a, b, b2], out, mode=mode)
        for k in range(1, 4):
            np.testing.assert_array_equal(f(2.0, k, 3, 3), np.full((k, 3, 4), 2.0))
        with pytest.raises((AssertionError, ValueError)):
            f(2.0, 1, 2, 5)
    assert sum(isinstance(op, Alloc) for op in ops(theano.function([m, a, b, b2], out))) == 1


def test_merge_alloc_rewrite_on_a_graph():
    m = T.fscalar("m")
    x, y, z = T.iscalars("x", "y", "z")
    g = FunctionGraph([m, x, y, z], [T.alloc(T.alloc(m, 1, y, 1), x, y, z)])
    opt.out2in(opt.local_merge_alloc).optimize(g)
    assert [type(n.op) for n in g.toposort()] == [Alloc]


def test_merge_alloc_left_alone_when_inner_broadcast_hides_a_real_dimension():
    v = T.dvector("v")      # not broadcastable: its length must equal the inner alloc's 1
    n = T.iscalar("n")
    out = T.alloc(T.alloc(v, 2, 1), n, 2, 3)
    f = theano.function([v, n], out)
    for k in (1, 2, 3):
        np.testing.assert_array_equal(f(np.array([7.0]), k), np.full((k, 2, 3), 7.0))


# ------------------------------------------------------------------------------------------------
# Reshape and DimShuffle
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_useless_dimshuffle_in_reshape(dtype):
    m = T.matrix("m", dtype=dtype)
    out = T.reshape(m.dimshuffle("x", 0, "x", 1), (m.shape[1], m.shape[0])) * 2
    cases = [(np.arange(6, dtype=dtype).reshape(2, 3),), (np.arange(4, dtype=dtype).reshape(4, 1),),
             (np.arange(12, dtype=dtype).reshape(3, 4),)]
    f = check_values([m], out, cases, lambda v: v.reshape(v.shape[1], v.shape[0]) * 2)
    assert not any(isinstance(op, DimShuffle) and len(op.new_order) == 4 for op in ops(f))


def test_dimshuffle_that_reorders_stays_in_reshape():
    m = T.dmatrix("m")
    ds = m.dimshuffle("x", 1, "x", 0)
    g = FunctionGraph([m], [T.reshape(ds, m.shape)])
    opt.out2in(opt.local_useless_dimshuffle_in_reshape).optimize(g)
    assert any(isinstance(n.op, DimShuffle) for n in g.toposort())
    f = theano.function([m], T.reshape(ds, m.shape))
    for shape in [(2, 3), (3, 2), (4, 5)]:
        v = np.arange(np.prod(shape), dtype="float64").reshape(shape)
        np.testing.assert_array_equal(f(v), v.T.reshape(shape))


def test_reshape_to_dimshuffle():
    x = T.dvector("x")
    y = T.dmatrix("y")
    out = [T.reshape(x, (1, x.shape[0])) + 1, T.reshape(y, (1, 5, 1, 6, 1, 1)) * 3]
    cases = [(np.arange(n, dtype="float64"), np.arange(30, dtype="float64").reshape(5, 6) + n)
             for n in (1, 4, 7)]
    for mode in MODES:
        f = theano.function([x, y], out, mode=mode)
        for xv, yv in cases:
            a, b = f(xv, yv)
            np.testing.assert_array_equal(a, xv.reshape(1, -1) + 1)
            np.testing.assert_array_equal(b, yv.reshape(1, 5, 1, 6, 1, 1) * 3)
    g = FunctionGraph([y], [T.reshape(y, (1, 5, 1, 6, 1, 1))])
    opt.out2in(opt.local_reshape_to_dimshuffle).optimize(g)
    reshapes = [n for n in g.toposort() if isinstance(n.op, Reshape)]
    assert [n.op.ndim for n in reshapes] == [2]
    assert isinstance(g.outputs[0].owner.op, DimShuffle)
    assert g.outputs[0].owner.op.new_order == ("x", 0, "x", 1, "x", "x")


# ------------------------------------------------------------------------------------------------
# sums with zeros, mul_canonizer
# ------------------------------------------------------------------------------------------------


def test_add_specialize_transform():
    a = T.dvector("a")
    s = T.add(T.zeros_like(a))
    assert opt.local_add_specialize.transform(s.owner)
    a = T.constant(0, dtype="int64")
    b = T.constant(1, dtype="int32")
    s = a + b
    res = opt.local_add_specialize.transform(s.owner)
    assert res and res[0].type == s.type
    assert int(res[0].eval()) == 1


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_sum_of_zeros_only_has_the_shape_of_the_sum(dtype):
    x = T.matrix("x", dtype=dtype)
    r = T.row("r", dtype=dtype)
    out = T.zeros_like(x) + T.zeros_like(r) + 0
    cases = [(np.ones((2, 3), dtype), np.ones((1, 3), dtype)),
             (np.ones((5, 4), dtype), np.ones((1, 4), dtype)),
             (np.ones((3, 1), dtype), np.ones((1, 1), dtype))]
    f = check_values([x, r], out, cases, lambda a, b: np.zeros(a.shape, dtype=dtype))
    assert not any(isinstance(op, T.Elemwise) and str(op.scalar_op) == "add" for op in ops(f))


def test_mul_canonizer_keeps_values():
    x, y, z = T.dmatrices("x", "y", "z")
    e = (-1 * x) / y / (-2 * z) * 1 + 0
    g = FunctionGraph([x, y, z], [e])
    before = len(g.toposort())
    opt.mul_canonizer.optimize(g)
    assert len(g.toposort()) < before
    f = theano.function(g.inputs, g.outputs[0], mode="FAST_COMPILE")
    rng = np.random.default_rng(0)
    for _ in range(3):
        a, b, c = (rng.uniform(0.5, 2, (2, 3)) for _ in range(3))
        np.testing.assert_allclose(f(a, b, c), (-a) / b / (-2 * c), rtol=1e-15)


# ------------------------------------------------------------------------------------------------
# a scalar op written for Theano 1.0 (UnaryScalarOp), fused with another one
# ------------------------------------------------------------------------------------------------


class _TimesN(theano.scalar.basic.UnaryScalarOp):
    def __init__(self, n, *args, **kwargs):
        self.n = n
        super().__init__(*args, **kwargs)

    def __eq__(self, other):
        return super().__eq__(other) and self.n == other.n

    def __hash__(self):
        return super().__hash__() ^ hash(self.n)

    def impl(self, x):
        return x * self.n


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_user_unary_scalar_op_in_elemwise(dtype):
    up = theano.scalar.basic.upgrade_to_float
    times2 = T.Elemwise(_TimesN(2, up, name="times_2"))
    times3 = T.Elemwise(_TimesN(3, up, name="times_3"))
    x = T.vector("x", dtype=dtype)
    cases = [(np.arange(n, dtype=dtype) - 1.5,) for n in (1, 3, 6)]
    f = check_values([x], times3(times2(x)), cases, lambda v: v * 6)
    assert f([1, 2, 3]).dtype == dtype
    assert len(ops(f)) == 1        # one fused loop
    assert theano.scalar.basic_scipy.erf is theano.scalar.erf


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16"])
def test_intdiv_by_one_of_integers(dtype):
    x = T.matrix("x", dtype=dtype)
    cases = [(np.arange(6, dtype=dtype).reshape(2, 3),), (np.full((1, 4), 7, dtype),),
             (np.arange(20, dtype=dtype).reshape(5, 4),)]
    f = check_values([x], x // 1 + x // np.ones((1, 1), dtype), cases, lambda v: v // 1 + v // 1)
    assert not any(isinstance(op, T.Elemwise) and str(op.scalar_op) == "int_div" for op in ops(f))


def test_floor_division_of_floats_by_one_stays():
    x = T.dvector("x")
    cases = [(np.array([1.5, -0.5, 2.0]),), (np.array([-3.25]),), (np.linspace(-2, 2, 7),)]
    check_values([x], x // 1, cases, lambda v: v // 1)
