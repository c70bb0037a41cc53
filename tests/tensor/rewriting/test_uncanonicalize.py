"""Theano 1.0's uncanonicalize rewrites (tensor/rewriting/uncanonicalize.py), the erfc(-x) - 1
form of local_erf_complement, local_merge_switch_same_cond and the DimShuffles that only move
length-1 axes: the rewritten graph, and values equal to NumPy's on the reference VM (with and
without rewrites) and the default backend, called several times."""

import warnings

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.graph.rewriting.legacy import out2in
from theano.tensor.allocation import Alloc
from theano.tensor.elemwise import DimShuffle, Elemwise, Max, Min
from theano.tensor.math import Argmax, MaxAndArgmax
from theano.tensor.reshaping import Reshape
from theano.tensor.rewriting.elemwise import local_dimshuffle_lift
from theano.tensor.rewriting.uncanonicalize import (local_alloc_dimshuffle, local_dimshuffle_subtensor,
                                                    local_reshape_dimshuffle)
from theano.tensor.subtensor import Subtensor
from tests.helpers import compare_backends, rand

FAST_RUN = theano.Mode(linker="py", optimizer="fast_run").excluding("fusion")


def _ops(outputs, inputs):
    f = theano.function(inputs, outputs, mode=FAST_RUN)
    return [n.op for n in f.maker.fgraph.toposort()]


def _values(inputs, outputs, values, expected, **kw):
    for _ in range(3):
        compare_backends(inputs, outputs, values, expected=expected, **kw)


# ---------------------------------------------------------------------------- max / argmax / min


@pytest.mark.parametrize("axis", [0, 1, -1, None, (0, 1)])
def test_max_and_argmax_without_index_is_max(axis):
    x = T.dmatrix("x")
    m, i = T.max_and_argmax(x, axis)
    ops = _ops(m, [x])
    assert len(ops) == 1 and type(ops[0]) is Max
    ops = _ops(i, [x])
    assert len(ops) == 1 and isinstance(ops[0], Argmax)
    ops = _ops([m, i], [x])
    assert len(ops) == 1 and isinstance(ops[0], MaxAndArgmax)
    v = rand(3, 4, seed=1)
    v[1, 2] = np.nan
    np_axis = axis if axis is not None else None
    flat = v.reshape(-1) if axis in (None, (0, 1)) else v
    ax = None if axis in (None, (0, 1)) else np_axis
    _values([x], [m], [v], [np.max(flat, axis=ax)])
    _values([x], [i], [v], [np.argmax(flat, axis=ax)])


def test_max_and_argmax_of_empty_still_raises():
    x = T.dmatrix("x")
    f = theano.function([x], T.max_and_argmax(x, 1)[0], mode=FAST_RUN)
    with pytest.raises(ValueError):
        f(np.zeros((3, 0)))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_neg_max_neg_is_min(dtype):
    x = T.matrix("x", dtype=dtype)
    for axis in (0, 1, None):
        ops = _ops(-T.max(-x, axis), [x])
        assert len(ops) == 1 and type(ops[0]) is Min, ops
        ops = _ops(-T.min(-x, axis), [x])
        assert len(ops) == 1 and type(ops[0]) is Max, ops
        v = rand(4, 5, dtype=dtype, seed=2)
        v[0, 0] = -np.inf
        _values([x], [-T.max(-x, axis), -T.min(-x, axis)], [v],
                [np.min(v, axis=axis), np.max(v, axis=axis)])


def test_neg_max_neg_of_integers_is_kept():
    # -INT_MIN overflows: -max(-x) is not min(x) for the smallest integer
    x = T.bvector("x")
    e = -T.max(-x)
    ops = _ops(e, [x])
    assert any(isinstance(o, Elemwise) for o in ops)
    v = np.array([-128, 5], dtype="int8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = -np.max(-v)
    f = theano.function([x], e, mode=theano.Mode(linker="py", optimizer="fast_run"))
    assert f(v) == expected


# ---------------------------------------------------------------------------- alloc / reshape / subtensor


def test_alloc_of_leading_dimshuffle():
    x = T.dvector("x")
    m = T.iscalar("m")
    out = T.alloc(x.dimshuffle("x", 0), m, 1, x.shape[0])
    g = FunctionGraph([x, m], [out])
    out2in(local_alloc_dimshuffle).optimize(g)
    nodes = g.toposort()
    assert not any(isinstance(n.op, DimShuffle) for n in nodes)
    assert any(isinstance(n.op, Alloc) and n.inputs[0] is g.inputs[0] for n in nodes)
    v = rand(4, seed=3)
    _values([x, m], [out], [v, 3], [np.broadcast_to(v, (3, 1, 4))])


def test_dimshuffle_of_alloc_adds_ones():
    x = T.dvector("x")
    out = T.alloc(x, 3, 2).dimshuffle("x", "x", 0, 1)
    ops = _ops(out, [x])
    assert not any(isinstance(o, DimShuffle) for o in ops), ops
    _values([x], [out], [np.array([3.0, 4.0])], [np.broadcast_to([3.0, 4.0], (1, 1, 3, 2))])


def test_reshape_of_unit_axes_dimshuffle():
    x = T.dmatrix("x")
    y = x.dimshuffle("x", 0, "x", 1)
    out = T.reshape(y, (1, x.shape[0] * x.shape[1], 1))
    g = FunctionGraph([x], [out])
    out2in(local_reshape_dimshuffle).optimize(g)
    nodes = g.toposort()
    assert not any(isinstance(n.op, DimShuffle) for n in nodes)
    assert any(isinstance(n.op, Reshape) and n.inputs[0] is g.inputs[0] for n in nodes)
    v = rand(2, 3, seed=4)
    _values([x], [out], [v], [v.reshape(1, 6, 1)])
    # a transpose changes the order of the elements: kept
    t = T.reshape(x.T, (x.shape[0] * x.shape[1],))
    g = FunctionGraph([x], [t])
    out2in(local_reshape_dimshuffle).optimize(g)
    assert any(isinstance(n.op, DimShuffle) for n in g.toposort())
    _values([x], [t], [v], [v.T.reshape(-1)])


def test_dimshuffle_dropping_subtensor_axes():
    x4 = T.dtensor4("x")
    x = T.patternbroadcast(x4, (False, True, False, False))
    i = T.iscalar("i")
    out = x[:, :, 1:3, ::i].dimshuffle(0, 2, 3)
    g = FunctionGraph([x4, i], [out])
    out2in(local_dimshuffle_subtensor).optimize(g)
    nodes = g.toposort()
    assert not any(isinstance(n.op, DimShuffle) for n in nodes)
    sub = [n for n in nodes if isinstance(n.op, Subtensor)]
    assert len(sub) == 1 and sub[0].op.idx_list[1] == 0
    v = rand(2, 1, 4, 5, seed=5)
    _values([x4, i], [out], [v, -2], [v[:, 0, 1:3, ::-2]])

    y = T.TensorType("float64", (False, True, False))("y")
    out = y[i].dimshuffle(1)
    g = FunctionGraph([y, i], [out])
    out2in(local_dimshuffle_subtensor).optimize(g)
    assert [type(n.op) for n in g.toposort()] == [Subtensor]
    w = rand(3, 1, 4, seed=6)
    _values([y, i], [out], [w, 2], [w[2, 0]])


# ---------------------------------------------------------------------------- DimShuffles of length-1 axes


def test_dimshuffle_moving_only_unit_axes_is_removed():
    x = T.TensorType("float64", (False, True))("x")
    y = T.TensorType("float64", (True, False, True))("y")
    z = T.TensorType("float64", (False, False, True))("z")
    outs = [x.dimshuffle(0, "x"), y.dimshuffle(2, 1, 0), z.dimshuffle(2, 1, 0)]
    g = FunctionGraph([x, y, z], outs)
    out2in(local_dimshuffle_lift).optimize(g)
    assert g.outputs[0] is g.inputs[0] and g.outputs[1] is g.inputs[1]
    assert isinstance(g.outputs[2].owner.op, DimShuffle)   # (n, m, 1) -> (1, m, n) is a real change
    vx, vy, vz = rand(3, 1, seed=7), rand(1, 4, 1, seed=8), rand(2, 3, 1, seed=9)
    _values([x, y, z], outs, [vx, vy, vz], [vx, vy.transpose(2, 1, 0), vz.transpose(2, 1, 0)])


def test_double_transpose_removed():
    x = T.dmatrix("x")
    e = x.T.T + 1
    ops = _ops(e, [x])
    assert not any(isinstance(o, DimShuffle) for o in ops), ops
    v = rand(2, 3, seed=10)
    _values([x], [e], [v], [v + 1])


# ---------------------------------------------------------------------------- erf / erfc


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_erfc_of_neg_minus_one_is_erf(dtype):
    x = T.vector("x", dtype=dtype)
    big = 1000.0 if dtype == "float64" else 100.0
    v = np.array([-big, -30, -3, -1, 0, 0.5, 3, 30, big], dtype=dtype)
    for e in (T.erfc(-x) - 1, -1 + T.erfc(-x), T.erfc(-x) + (-1)):
        ops = _ops(e, [x])
        assert len(ops) == 1 and ops[0].scalar_op == theano.scalar.basic.erf, ops
        _values([x], [e], [v], [sp.erf(v.astype("float64")).astype(dtype)])
    e = 1 - T.erfc(-x) * 1      # 1 - erfc(-y) = erf(-y): no neg of a neg left over
    _values([x], [e], [v], [sp.erf(-v.astype("float64")).astype(dtype)])
    # 1 + erf(-x) = erfc(x): one op, exact in the tail where 1 + erf(-x) is 0
    e = 1 + T.erf(-x)
    ops = _ops(e, [x])
    assert len(ops) == 1 and ops[0].scalar_op == theano.scalar.basic.erfc, ops
    out = theano.function([x], e, mode=theano.Mode(linker="py", optimizer="fast_run"))(v)
    assert np.all(np.isfinite(out)) and out[-3] > 0
    _values([x], [e], [v], [sp.erfc(v.astype("float64")).astype(dtype)])


# ---------------------------------------------------------------------------- switches of one condition


@pytest.mark.parametrize("op", [T.add, T.sub, T.mul, T.true_div, T.maximum, T.gt, T.pow])
def test_merge_switch_same_cond(op):
    c, a, b, x, y = T.dmatrices("c", "a", "b", "x", "y")
    e = op(T.switch(c, a, b), T.switch(c, x, y))
    ops = _ops(e, [c, a, b, x, y])
    assert sum(getattr(o, "scalar_op", None) == theano.scalar.basic.switch for o in ops) == 1, ops
    vals = [np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), rand(2, 3, seed=11) + 2, rand(2, 3, seed=12) + 2,
            rand(2, 3, seed=13) + 2, rand(2, 3, seed=14) + 2]
    ref = getattr(np, {"add": "add", "sub": "subtract", "mul": "multiply", "true_div": "divide",
                       "maximum": "maximum", "gt": "greater", "pow": "power"}[op.scalar_op.name])
    vc, va, vb, vx, vy = vals
    expected = ref(np.where(vc, va, vb), np.where(vc, vx, vy))
    _values([c, a, b, x, y], [e], vals, [expected])


def test_merge_switch_same_cond_integers():
    c, a, b, x, y = T.imatrices("c", "a", "b", "x", "y")
    e = T.and_(T.switch(c, a, b), T.switch(c, x, y))
    ops = _ops(e, [c, a, b, x, y])
    assert sum(getattr(o, "scalar_op", None) == theano.scalar.basic.switch for o in ops) == 1
    r = np.random.RandomState(15)
    vals = [r.randint(0, 2, (2, 3)).astype("int32")] + [r.randint(-9, 9, (2, 3)).astype("int32")
                                                        for _ in range(4)]
    vc, va, vb, vx, vy = vals
    _values([c, a, b, x, y], [e], vals, [np.where(vc, va, vb) & np.where(vc, vx, vy)])
    # integer division could divide by a zero of the branch not selected: not merged
    d = T.int_div(T.switch(c, a, b), T.switch(c, x, y))
    ops = _ops(d, [c, a, b, x, y])
    assert sum(getattr(o, "scalar_op", None) == theano.scalar.basic.switch for o in ops) == 2
    vc = np.array([[1, 0, 1], [0, 1, 0]], dtype="int32")
    vx = np.where(vc, 3, 0).astype("int32")          # zeros only where y is selected
    vy = np.full((2, 3), 2, dtype="int32")
    _values([c, a, b, x, y], [d], [vc, va, vb, vx, vy], [np.where(vc, va, vb) // np.where(vc, vx, vy)])


def test_merge_switch_same_cond_mixed_dtypes():
    c = T.bmatrix("c")
    a, x = T.fmatrices("a", "x")
    b, y = T.dmatrices("b", "y")
    e = T.mul(T.switch(c, a, b), T.switch(c, x, y))
    assert e.dtype == "float64"
    vc = np.array([[1, 0], [0, 1]], dtype="int8")
    va, vx = rand(2, 2, dtype="float32", seed=16), rand(2, 2, dtype="float32", seed=17)
    vb, vy = rand(2, 2, seed=18), rand(2, 2, seed=19)
    expected = np.where(vc, va.astype("float64"), vb) * np.where(vc, vx.astype("float64"), vy)
    _values([c, a, b, x, y], [e], [vc, va, vb, vx, vy], [expected])


# ---------------------------------------------------------------------------- indexing a product


def _dot_nodes(f):
    from theano.tensor.math import Dot

    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Dot) or "Dot" in type(n.op).__name__
            or "Gemv" in type(n.op).__name__ or "Gemm" in type(n.op).__name__]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_subtensor_of_dot_computes_only_what_is_read(dtype):
    a, b = T.matrix("a", dtype=dtype), T.matrix("b", dtype=dtype)
    v = T.vector("v", dtype=dtype)
    i = T.iscalar("i")
    va, vb, vv = rand(5, 3, dtype=dtype, seed=20), rand(3, 4, dtype=dtype, seed=21), rand(3, dtype=dtype, seed=22)
    cases = [
        (T.dot(a, b)[i], [a, b, i], [va, vb, 2], va.dot(vb)[2], 1),
        (T.dot(a, b)[1:3], [a, b], [va, vb], va.dot(vb)[1:3], 2),
        (T.dot(a, b)[i, 1:], [a, b, i], [va, vb, 4], va.dot(vb)[4, 1:], 1),
        (T.dot(a, b)[:, i], [a, b, i], [va, vb, 0], va.dot(vb)[:, 0], 1),
        (T.dot(v, b)[i], [v, b, i], [vv, vb, 3], vv.dot(vb)[3], 0),
        (T.dot(a, v)[i], [a, v, i], [va, vv, 1], va.dot(vv)[1], 0),
    ]
    for e, ins, vals, expected, ndim_a in cases:
        f = theano.function(ins, e, mode=theano.Mode(linker="py", optimizer="fast_run"))
        dots = _dot_nodes(f)
        assert len(dots) == 1, f.maker.fgraph.toposort()
        # the product's first operand is the indexed rows, not the whole matrix
        assert dots[0].inputs[0].owner is not None or ndim_a == 0 or e.owner.op.idx_list[0] == (None, None, None)
        _values(ins, [e], vals, [expected])


def test_subtensor_of_dot_keeps_its_errors():
    a, b = T.dmatrices("a", "b")
    i = T.iscalar("i")
    f = theano.function([a, b, i], T.dot(a, b)[i], mode=theano.Mode(linker="py", optimizer="fast_run"))
    with pytest.raises(IndexError):
        f(rand(2, 3), rand(3, 4), 5)
    with pytest.raises(ValueError):
        f(rand(2, 3), rand(2, 4), 1)
    # a product read elsewhere too is computed once, whole
    p = T.dot(a, b)
    g = theano.function([a, b, i], [p[i], p.sum()], mode=theano.Mode(linker="py", optimizer="fast_run"))
    assert len(_dot_nodes(g)) == 1
    va, vb = rand(2, 3, seed=23), rand(3, 4, seed=24)
    r = g(va, vb, 1)
    np.testing.assert_allclose(r[0], va.dot(vb)[1])
    np.testing.assert_allclose(r[1], va.dot(vb).sum())
