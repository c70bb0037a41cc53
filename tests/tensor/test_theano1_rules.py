"""Small Theano 1.0 rules of theano.tensor: fill is the op second, one ARange op per dtype,
max_and_argmax with a repeated axis, specify_shape's AssertionError. Values against NumPy."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = ["FAST_COMPILE", None]


@pytest.mark.parametrize("mode", MODES)
def test_fill_is_second_and_disconnected_gradients_are_fills(mode):
    assert T.fill is T.second
    x, y = T.dscalar("x"), T.dvector("y")
    g = theano.grad(x * 2, y, disconnected_inputs="ignore")
    assert g.owner.op == T.fill
    f = theano.function([y], [g, T.fill(y, 3.5)], mode=mode)
    for n in (2, 5, 2):
        gv, fv = f(np.arange(n, dtype="float64"))
        np.testing.assert_array_equal(gv, np.zeros(n))
        np.testing.assert_array_equal(fv, np.full(n, 3.5))


@pytest.mark.parametrize("mode", MODES)
def test_arange_reuses_one_op_per_dtype(mode):
    start, stop, step = T.iscalars("start", "stop", "step")
    a = T.arange(start, stop, step)
    b = T.arange(start, stop, step, dtype=a.dtype)
    c = T.arange(start, stop, 2.0, dtype=np.dtype(a.dtype))
    d = T.arange(start, stop, 2.0)
    assert a.owner.op is b.owner.op is c.owner.op
    assert d.owner.op is not a.owner.op and d.dtype == "float64"
    f = theano.function([start, stop, step], [a, d], mode=mode)
    for args in [(0, 7, 2), (-3, 4, 1), (5, -1, -2)]:
        ra, rd = f(*args)
        np.testing.assert_array_equal(ra, np.arange(*args))
        np.testing.assert_array_equal(rd, np.arange(args[0], args[1], 2.0))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_max_and_argmax_repeated_axis_counts_once(mode, dtype):
    x = T.tensor4(dtype=dtype)
    outs = []
    for axis, np_axis in [([0, 0], 0), ([1, -3], 1), ([2, 0, 2], (0, 2))]:
        m, i = T.max_and_argmax(x, axis=axis)
        outs += [m, i, T.max_and_argmax(x, axis=axis, keepdims=True)[0]]
    f = theano.function([x], outs, mode=mode)
    rng = np.random.default_rng(4)
    for shape in [(2, 3, 4, 5), (3, 1, 2, 2), (2, 3, 4, 5)]:
        v = (rng.standard_normal(shape) * 100).astype(dtype)
        r = f(v)
        for k, np_axis in enumerate([0, 1, (0, 2)]):
            np.testing.assert_array_equal(r[3 * k], v.max(axis=np_axis))
            np.testing.assert_array_equal(r[3 * k + 2], v.max(axis=np_axis, keepdims=True))
            if isinstance(np_axis, int):
                np.testing.assert_array_equal(r[3 * k + 1], v.argmax(axis=np_axis))
            else:   # the argmax over the flattened reduced axes (moved last, in order)
                moved = np.moveaxis(v, np_axis, (-2, -1)).reshape(v.shape[1], v.shape[3], -1)
                np.testing.assert_array_equal(r[3 * k + 1], moved.argmax(-1))
    with pytest.raises(ValueError, match="repeated"):     # sum keeps NumPy's rule
        T.sum(x, axis=(0, 0))


@pytest.mark.parametrize("mode", MODES)
def test_specify_shape_wrong_length_is_an_assertion_error(mode):
    x, s = T.dmatrix("x"), T.ivector("s")
    for bad in ([], [2], [2, 3, 4]):
        with pytest.raises(AssertionError):
            T.specify_shape(x, bad)
    f = theano.function([x, s], T.specify_shape(x, s) * 2, mode=mode)
    v = np.ones((2, 3))
    for _ in range(3):
        np.testing.assert_array_equal(f(v, [2, 3]), 2 * v)
        for bad in ([], [3, 2], [2, 3, 1]):
            with pytest.raises(AssertionError):
                f(v, bad)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_join_view_returns_the_only_nonempty_tensor(mode, dtype):
    from theano.tensor.joining import Join

    s = T.lscalar("s")
    x = T.vector("x", dtype=dtype)
    z = T.zeros((s,), dtype=dtype)
    c = Join(view=0)(0, x, z, z)
    assert c.owner.op.view_map == {0: [0]}
    lent = theano.function([theano.In(x, borrow=True), s], theano.Out(c, borrow=True), mode=mode)
    kept = theano.function([x, s], [c, T.exp(c) * 2], mode=mode)
    for n in (3, 5, 3):
        data = np.arange(n).astype(dtype)
        assert lent(data, 0) is data                 # a view: the array itself
        for k in (0, 2):
            expected = np.concatenate([data, np.zeros(2 * k, dtype=dtype)])
            np.testing.assert_array_equal(lent(data, k), expected)
            r, e = kept(data, k)
            np.testing.assert_array_equal(r, expected)
            assert not np.shares_memory(r, data)     # an argument not lent is never returned
            np.testing.assert_allclose(e, np.exp(expected) * 2, rtol=1e-6)
        np.testing.assert_array_equal(data, np.arange(n).astype(dtype))
    with pytest.raises(ValueError):
        Join(view=3)(0, x, z, z)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_eye_takes_none_for_m(mode, dtype):
    n, m, k = T.iscalars("n", "m", "k")
    f = theano.function([n, m, k], T.eye(n, m, k, dtype=dtype), mode=mode)
    for args in [(3, None, 0), (3, 5, 1), (5, None, -1), (4, 2, -1), (3, None, 0)]:
        r = f(*args)
        assert r.dtype == dtype
        np.testing.assert_array_equal(r, np.eye(*args, dtype=dtype))
    # only an input that every reader accepts as None may be None
    g = theano.function([n, m, k], T.eye(n, m, k) + m, mode=mode)
    with pytest.raises(TypeError, match="index 1"):
        g(3, None, 0)
    with pytest.raises(TypeError, match="index 0"):
        f(None, 3, 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_tri_takes_none_for_m(mode, dtype):
    n, m, k = T.iscalars("n", "m", "k")
    f = theano.function([n, m, k], T.tri(n, m, k, dtype=dtype), mode=mode)
    for args in [(3, None, 0), (3, 5, 1), (5, None, -1), (4, 2, -1), (3, None, 2)]:
        r = f(*args)
        assert r.dtype == dtype
        np.testing.assert_array_equal(r, np.tri(*args, dtype=dtype))
    g = theano.function([n, m, k], T.tri(n, m, k) * m, mode=mode)
    with pytest.raises(TypeError, match="index 1"):
        g(3, None, 0)


@pytest.mark.parametrize("mode", MODES)
def test_arange_shape_is_exact_for_integer_bounds(mode):
    a, b, c = T.lscalars("a", "b", "c")
    f = theano.function([a, b, c], [T.arange(a, b, c).shape[0], T.arange(a, b).shape[0],
                                     T.arange(b).shape[0]], mode=mode)
    big = 2 ** 60
    for args in [(0, 5, 1), (2, 11, 4), (10, 2, -2), (10, 2, 2), (-5, 1, 3), (big, big + 3, 1),
                 (big, big + 7, 2), (-big - 5, -big, 2)]:
        n, n1, n0 = f(*args)
        assert n == len(range(*args))
        assert n1 == len(range(args[0], args[1]))
        assert n0 == len(range(args[1]))
    x, y, z = T.dscalars("x", "y", "z")
    g = theano.function([x, y, z], T.arange(x, y, z).shape[0], mode=mode)
    for args in [(0.5, 3.2, 0.7), (3.0, -1.0, -0.5), (1.0, 1.0, 0.1), (0.0, 2.5, 1.0)]:
        assert g(*args) == len(np.arange(*args))


@pytest.mark.parametrize("mode", MODES)
def test_div_proxy_follows_config_int_division(mode):
    import warnings

    from theano.scalar import basic as ts

    i, j = T.ivectors("i", "j")
    x = T.dvector("x")
    iv, jv, xv = np.array([7, -7, 9], "int32"), np.array([2, 2, -4], "int32"), np.array([2.0, 4, 8])
    assert theano.config.int_division == "int"
    with pytest.warns(DeprecationWarning, match="x // y"):
        q = T.div_proxy(i, j)
    f = theano.function([i, j, x], [q, T.div_proxy(i, x), T.div_proxy(x, j)], mode=mode)
    for _ in range(3):
        a, b, c = f(iv, jv, xv)
        np.testing.assert_array_equal(a, iv // jv)
        assert a.dtype == "int32"
        np.testing.assert_allclose(b, iv / xv)
        np.testing.assert_allclose(c, xv / jv)
    with theano.change_flags(int_division="floatX"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            q = T.div_proxy(i, j)
        g = theano.function([i, j], q, mode=mode)
        for _ in range(3):
            np.testing.assert_allclose(g(iv, jv), iv / jv)
    with theano.change_flags(int_division="raise"):
        with pytest.raises(ts.IntegerDivisionError, match="//"):
            T.div_proxy(i, j)
        with pytest.raises(theano.scalar.IntegerDivisionError):
            ts.div_proxy(ts.int32(), ts.int8())
        assert T.div_proxy(i, x).dtype == "float64"
