"""Property-based checks (hypothesis): elementwise graphs agree with NumPy on random shapes and values."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import theano
import theano.tensor as T

shapes = st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=3)


@st.composite
def broadcast_pair(draw):
    shape = draw(shapes)
    # the second operand: same shape, with some dimensions made broadcastable (length 1)
    mask = draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)))
    other = [1 if m else s for s, m in zip(shape, mask)]
    dtype = draw(st.sampled_from(["float64", "float32"]))
    seed = draw(st.integers(0, 2 ** 16))
    return shape, other, dtype, seed


_cache = {}


def _compiled(nd, bcast, dtype, mode):
    key = (nd, bcast, dtype, mode)
    if key not in _cache:
        x = T.TensorType(dtype, (False,) * nd)("x")
        y = T.TensorType(dtype, bcast)("y")
        out = T.exp(-x * x) * y + T.tanh(x - y) / (1 + abs(y))
        _cache[key] = theano.function([x, y], out, mode=mode)
    return _cache[key]


@settings(max_examples=60, deadline=None)
@given(broadcast_pair(), st.sampled_from(["FAST_COMPILE", "FAST_RUN"]))
def test_elemwise_chain_matches_numpy(pair, mode):
    shape, other, dtype, seed = pair
    rng = np.random.RandomState(seed)
    a = rng.uniform(-3, 3, size=shape).astype(dtype)
    b = rng.uniform(-3, 3, size=other).astype(dtype)
    bcast = tuple(o == 1 and s != 1 for s, o in zip(shape, other)) if shape else ()
    bcast = tuple(o == 1 for o in other) if any(bcast) else (False,) * len(other)
    f = _compiled(len(shape), bcast, dtype, mode)
    got = f(a, b)
    expected = np.exp(-a * a) * b + np.tanh(a - b) / (1 + np.abs(b))
    assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(allow_nan=False, width=32), min_size=1, max_size=5))
def test_float32_input_accepts_exact_python_values(values):
    x = T.fvector("x")
    f = _cache.setdefault("ident32", theano.function([x], x * 1, mode="FAST_COMPILE"))
    np.testing.assert_array_equal(f(values), np.asarray(values, dtype="float32"))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["int8", "int16", "int32", "int64", "uint8", "float32", "float64", "bool"]),
       st.sampled_from(["int8", "int16", "int32", "int64", "uint8", "float32", "float64", "bool"]))
def test_binary_dtype_rule_is_numpys_promotion(d1, d2):
    out = (T.TensorType(d1, ())() * T.TensorType(d2, ())()).dtype
    expected = str(np.promote_types(d1, d2))
    assert out == ("int8" if expected == "bool" else expected)
