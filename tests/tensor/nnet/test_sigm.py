"""ultra_fast_sigmoid / hard_sigmoid follow Theano's float upcast for integer inputs (int8/int16 ->
float32, wider integers -> float64, independently of floatX) and give the values of the float
computation."""

import numpy as np
import pytest

import theano
import theano.tensor as T

MODES = {"py": lambda: theano.Mode("py", "fast_run"), "numba": lambda: theano.Mode("numba", "fast_run")}


@pytest.mark.parametrize("fn", ("ultra_fast_sigmoid", "hard_sigmoid"))
@pytest.mark.parametrize("dtype,expected", (("int8", "float32"), ("int16", "float32"),
                                            ("uint8", "float32"), ("int32", "float64"),
                                            ("int64", "float64"), ("float32", "float32"),
                                            ("float64", "float64")))
def test_output_dtype(fn, dtype, expected):
    x = T.vector("x", dtype=dtype)
    assert getattr(T.nnet, fn)(x).dtype == expected
    with theano.config.change_flags(floatX="float64"):
        assert getattr(T.nnet, fn)(x).dtype == expected


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("fn", ("ultra_fast_sigmoid", "hard_sigmoid"))
def test_int8_values_equal_float32_values(fn, mode):
    xi = T.bvector("xi")
    xf = T.fvector("xf")
    f = theano.function([xi, xf], [getattr(T.nnet, fn)(xi), getattr(T.nnet, fn)(xf)],
                        mode=MODES[mode]())
    v = np.array([-128, -7, -1, 0, 1, 2, 5, 127], dtype="int8")
    for _ in range(2):
        got_i, got_f = f(v, v.astype("float32"))
        assert got_i.dtype == np.float32
        np.testing.assert_array_equal(got_i, got_f)
    if fn == "hard_sigmoid":
        np.testing.assert_allclose(got_i, np.clip(0.2 * v + 0.5, 0, 1), rtol=1e-6)
    else:
        sig = 1 / (1 + np.exp(-v.astype("float64")))
        np.testing.assert_allclose(got_i, sig, atol=0.03)  # the documented approximation error


def _ref_ultra_fast(v):
    """Theano 1.0's piecewise formula, element by element in float64 (and its derivative)."""
    out, der = np.empty(v.shape), np.empty(v.shape)
    for i, x in np.ndenumerate(v.astype("float64")):
        z = abs(x) / 2.0
        if z < 1.7:
            t, dt = 1.5 * z / (1 + z), 1.5 / (1 + z) ** 2
        elif z < 3:
            t, dt = 0.935409070603099 + 0.0458812946797165 * (z - 1.7), 0.0458812946797165
        else:
            t, dt = 0.99505475368673, 0.0
        out[i] = 0.5 + 0.5 * t if x >= 0 else 0.5 - 0.5 * t
        der[i] = 0.25 * dt
    return out, der


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_ultra_fast_sigmoid_is_one_op(mode, dtype):
    """As in Theano 1.0, ``T.nnet.ultra_fast_sigmoid`` is one elementwise op (what
    ``local_ultra_fast_sigmoid`` puts in place of sigmoid), whose gradient is the approximation's
    derivative; the native backend runs it as a compiled loop."""
    x = T.vector("x", dtype=dtype)
    y = T.nnet.ultra_fast_sigmoid(x)
    assert y.owner.op == T.nnet.ultra_fast_sigmoid
    f = theano.function([x], [y, T.grad(y.sum(), x)], mode=MODES[mode]())
    assert [n.op for n in f.maker.fgraph.toposort()][0] == T.nnet.ultra_fast_sigmoid
    v = np.array([-np.inf, -50, -6.5, -3.4, -2, -0.3, -0.0, 0.0, 0.7, 3.3, 4, 5.99, 6.01, 50,
                  np.inf], dtype=dtype)
    want, dwant = _ref_ultra_fast(v)
    # float32 rounds each step (0.5 - 0.5 * t loses digits near 0): within its eps of 1
    tol = dict(rtol=1e-6, atol=6e-8) if dtype == "float32" else dict(rtol=1e-14)
    for _ in range(2):
        got, dgot = f(v)
        assert got.dtype == dtype and dgot.dtype == dtype
        np.testing.assert_allclose(got, want, **tol)
        np.testing.assert_allclose(dgot, dwant, **tol)
    # Theano's opt-in rewrite: sigmoid -> the one node
    s = theano.function([x], T.nnet.sigmoid(x),
                        mode=MODES[mode]().including("local_ultra_fast_sigmoid"))
    assert [n.op for n in s.maker.fgraph.toposort()] == [T.nnet.ultra_fast_sigmoid]
    np.testing.assert_allclose(s(v), want, **tol)
    if mode == "numba":
        paths = dict(theano.printing._node_paths(f))
        assert any("kernel" in p for n, p in paths.items() if n.op == T.nnet.ultra_fast_sigmoid)
