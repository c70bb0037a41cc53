"""Array constructors: theano.tensor.allocation (alloc, zeros/ones, eye, tri/tril/triu, arange, grids)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand, rand_int
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = [
    OpCase("alloc_row", lambda a: T.alloc(a, 4, 3), lambda a: np.broadcast_to(a, (4, 3)),
           [rand(3)], dtypes=FLOATS),
    OpCase("alloc_bcast", lambda a: T.alloc(T.addbroadcast(a, 0), 2, 3, 4),
           lambda a: np.broadcast_to(a, (2, 3, 4)), [rand(1, 4)], dtypes=FLOATS),
    OpCase("alloc_scalar_empty", lambda a: T.alloc(a, 0, 3), lambda a: np.zeros((0, 3)) + a,
           [np.asarray(1.5)], dtypes=FLOATS),
    OpCase("tril", lambda a: T.tril(a), np.tril, [rand(3, 4)], dtypes=FLOATS),
    OpCase("tril_k", lambda a: T.tril(a, -1), lambda a: np.tril(a, -1), [rand(4, 3)], dtypes=FLOATS),
    OpCase("triu", lambda a: T.triu(a), np.triu, [rand(3, 4)], dtypes=FLOATS),
    OpCase("triu_k", lambda a: T.triu(a, 1), lambda a: np.triu(a, 1), [rand(3, 3)], dtypes=FLOATS),
    OpCase("triu_3d", lambda a: T.triu(a), np.triu, [rand(2, 3, 3)], dtypes=FLOATS),
    OpCase("tril_int", lambda a: T.tril(a), np.tril, [rand_int(3, 3, dtype="int32")], grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_arange_dtypes():
    assert T.arange(10).dtype == "int64"
    assert T.arange(T.iscalar()).dtype == "int64"
    assert T.arange(T.bscalar(), T.iscalar()).dtype == "int64"
    assert T.arange(0.5, 3).dtype == "float32"       # 0.5 is exact in float32
    assert T.arange(0.1, 3).dtype == "float64"
    assert T.arange(T.fscalar()).dtype == "float32"
    assert T.arange(T.fscalar(), T.dscalar()).dtype == "float64"
    assert T.arange(5, dtype="int32").dtype == "int32"
    assert T.arange(5, dtype="floatX").dtype == theano.config.floatX


@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (9, 2, -2), (5, 2), (0,), (1.5, 4.0, 0.5),
                                  (-3.0, 1.0, 0.7), (3, 2, 1)])
def test_arange_values(args):
    syms = [T.dscalar() if isinstance(a, float) else T.lscalar() for a in args]
    out = T.arange(*syms)
    vals = list(args)
    compare_backends(syms, out, vals, expected=np.arange(*args))
    check_infer_shape(syms, out, vals)


def test_arange_float32_symbolic_and_grad():
    s, e, st = T.fscalar(), T.fscalar(), T.fscalar()
    out = T.arange(s, e, st)
    assert out.dtype == "float32"
    res = run(out, [s, e, st], [np.float32(0.5), np.float32(3), np.float32(0.25)])
    np.testing.assert_allclose(res, np.arange(0.5, 3, 0.25, dtype="float32"))
    # d sum(w * arange(start, stop, step)) / d start = sum(w), / d step = sum(w * i)
    verify_grad(lambda a, b: T.arange(a, np.float64(3.0), b) * 1.0,
                [np.asarray(0.3), np.asarray(0.7)], rng=np.random.RandomState(0), mode=PY)


def test_arange_errors():
    with pytest.raises(ValueError, match="step"):
        T.arange(0, 5, 0)
    with pytest.raises(TypeError, match="scalar"):
        T.arange(T.dvector())
    s = T.lscalar()
    g = theano.function([s], T.arange(0, 5, s), mode=PY)
    with pytest.raises(ValueError, match="step"):
        g(0)


def test_arange_used_by_jacobian_shape():
    n = T.lscalar()
    r = T.arange(n)
    np.testing.assert_array_equal(run(r.shape, [n], [4]), [4])


def test_zeros_ones_symbolic_shape():
    x = T.dmatrix()
    z = T.zeros(x.shape)
    o = T.ones((T.shape_i(x, 0), 2), dtype="int32")
    assert z.dtype == theano.config.floatX and z.ndim == 2
    assert o.dtype == "int32"
    zv, ov = run([z, o], [x], [rand(3, 4)])
    np.testing.assert_array_equal(zv, np.zeros((3, 4)))
    np.testing.assert_array_equal(ov, np.ones((3, 2), dtype="int32"))
    assert T.zeros((1, 3)).broadcastable == (True, False)
    np.testing.assert_array_equal(run(T.ones(4)), np.ones(4))
    np.testing.assert_array_equal(run(T.zeros((0, 2))), np.zeros((0, 2)))


def test_alloc_grad_sums_broadcast_dims():
    x = T.dvector()
    n = T.lscalar()
    y = T.alloc(x, n, 3)
    g = T.grad(T.sum(y * np.arange(3.0)), x)
    np.testing.assert_allclose(run(g, [x, n], [rand(3), 4]), 4 * np.arange(3.0))
    check_infer_shape([x, n], y, [rand(3), 5])


def test_alloc_errors():
    with pytest.raises(TypeError, match="shape"):
        T.alloc(T.dmatrix(), 3)
    with pytest.raises(TypeError, match="integer"):
        T.alloc(1.0, 2.5)
    with pytest.raises(ValueError, match="negative"):
        T.alloc(1.0, -2)
    x = T.dvector()
    f = theano.function([x], T.alloc(x, 2, 3), mode=PY)
    with pytest.raises(ValueError, match="broadcast"):
        f(rand(4))


@pytest.mark.parametrize("args", [(3,), (3, 4), (4, 3, 1), (3, 3, -1), (2, 5, 7), (0, 2)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_eye_tri(args, dtype):
    n = args[0]
    m = args[1] if len(args) > 1 else n
    k = args[2] if len(args) > 2 else 0
    out = T.eye(*args, dtype=dtype)
    assert out.dtype == dtype
    np.testing.assert_array_equal(run(out), np.eye(n, m, k, dtype=dtype))
    np.testing.assert_array_equal(run(T.tri(n, m, k, dtype=dtype)), np.tri(n, m, k, dtype=dtype))


def test_eye_symbolic_and_identity_like():
    n = T.iscalar()
    out = T.eye(n)
    assert out.dtype == theano.config.floatX
    np.testing.assert_array_equal(run(out, [n], [3]), np.eye(3))
    check_infer_shape([n], out, [4])
    x = T.fmatrix()
    il = T.identity_like(x)
    assert il.dtype == "float32"
    np.testing.assert_array_equal(run(il, [x], [rand(2, 3, dtype="float32")]), np.eye(2, 3))
    with pytest.raises(TypeError, match="integer"):
        T.eye(2.5)
    with pytest.raises(TypeError, match="matrix"):
        T.identity_like(T.dvector())


def test_mgrid_ogrid_allocempty():
    n = T.lscalar()
    dense = T.mgrid[0:n, 1:7:2]
    for got, exp in zip(run(dense, [n], [3]), np.mgrid[0:3, 1:7:2]):
        np.testing.assert_array_equal(got, exp)
    for got, exp in zip(run(T.ogrid[0:n, 1:4], [n], [2]), np.ogrid[0:2, 1:4]):
        np.testing.assert_array_equal(got, exp)
    f = run(T.mgrid[0.0:1.0:0.25], [], [])
    np.testing.assert_allclose(f[0], np.mgrid[0.0:1.0:0.25])
    with pytest.raises(TypeError, match="slices"):
        T.mgrid[3]
    e = T.AllocEmpty("float32")(n, 4)
    assert e.dtype == "float32" and e.ndim == 2
    assert run(e, [n], [3]).shape == (3, 4)
    check_infer_shape([n], e, [2])
    with pytest.raises(TypeError, match="integer"):
        T.AllocEmpty("float64")(2.5)


def test_rop_through_alloc():
    x, vx = T.dvector(), T.dvector()
    xv, ex = rand(3), rand(3, seed=4)
    got = run(T.Rop(T.alloc(x, 2, 3), x, vx), [x, vx], [xv, ex])
    np.testing.assert_allclose(got, np.broadcast_to(ex, (2, 3)))


def test_bartlett():
    m = T.lscalar()
    for mv in (0, 1, 5, 6):
        np.testing.assert_allclose(run(T.bartlett(m), [m], [mv]), np.bartlett(mv))
        check_infer_shape([m], T.bartlett(m), [mv])
    with pytest.raises(TypeError, match="integer"):
        T.bartlett(2.5)


@pytest.mark.parametrize("mode", [None, "FAST_COMPILE", "py_opt"])
def test_an_alloc_returned_by_the_function_is_not_folded(mode):
    # as in Theano 1.0: the function makes the array on each call (no constant kept and copied);
    # an alloc used inside the graph is still folded
    from tests.helpers import MODES

    m = MODES[mode]() if mode in MODES else mode
    v = np.random.RandomState(2).randn(1, 1)
    for dtype in ("float64", "float32", "int16"):
        val = T.constant(v.astype(dtype))
        out = T.alloc(val, 50, 60)
        f = theano.function([], out, mode=m)
        topo = f.maker.fgraph.toposort()
        assert [type(n.op) for n in topo] == [T.Alloc], topo
        prev = None
        for _ in range(3):
            r = f()
            assert r.shape == (50, 60) and r.dtype == dtype
            np.testing.assert_array_equal(r, np.full((50, 60), v.astype(dtype)[0, 0]))
            assert r is not prev
            r[...] = 0          # the caller owns the result
            prev = r
        g = theano.function([], out * 2, mode=m)
        assert not [n for n in g.maker.fgraph.toposort() if isinstance(n.op, T.Alloc)]
        np.testing.assert_array_equal(g(), np.full((50, 60), v.astype(dtype)[0, 0] * 2))


def test_alloc_is_the_op_as_in_theano1():
    """Theano 1.0's ``T.alloc`` is an ``Alloc`` instance: programs recognise allocs in a compiled
    graph with ``node.op == T.alloc``; the shape may be given as ints, scalars or one list."""
    n = T.lscalar("n")
    v = T.dscalar("v")
    f = theano.function([v, n], T.alloc(v, n, 3))
    assert isinstance(T.alloc, T.Alloc)
    assert [nd.op for nd in f.maker.fgraph.toposort()] == [T.alloc]
    np.testing.assert_array_equal(f(2.5, 2), np.full((2, 3), 2.5))
    for shape in [(n, 3), [n, 3]]:
        g = theano.function([v, n], T.alloc(v, shape))
        np.testing.assert_array_equal(g(1.5, 4), np.full((4, 3), 1.5))
