"""Every backend computes the same values as the reference VM on a set of typical graphs."""

import numpy as np
import pytest

import theano
import theano.tensor as T

from tests.helpers import assert_allclose

LINKERS = ["py", "numba"] + (["jax"] if __import__("importlib").util.find_spec("jax") else [])


def _graphs():
    rs = np.random.RandomState(0)
    x, y = T.dmatrix("x"), T.dvector("y")
    X, Y = rs.randn(5, 4), rs.randn(4)
    yield "chain", [x, y], T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2), [X, Y]
    yield "softmax", [x], T.nnet.softmax(x), [X]
    yield "grad", [x, y], T.grad(T.sum(T.tanh(T.dot(x, y)) ** 2), [x, y]), [X, Y]
    f = T.fmatrix("f")
    yield "float32", [f], T.sqrt(abs(f)) * np.float32(0.5) + f.mean(axis=0), [X.astype("float32")]
    i = T.lvector("i")
    yield "ints", [i], [i * 3 // 2, i % 3, T.maximum(i, 0), i.sum()], [np.arange(-4, 5)]
    yield "nan-inf", [y], [T.log(y), T.exp(y * 1000), T.isnan(T.log(y))], [np.array([-1.0, 0.0, 1.0, np.nan])]
    b = T.TensorType("float64", (True, False))("b")
    yield "broadcast", [x, b], x * b - b, [X, rs.randn(1, 4)]
    yield "empty", [x], [x * 2 + 1, x.sum(axis=0)], [np.zeros((0, 4))]


@pytest.mark.parametrize("linker", LINKERS)
@pytest.mark.parametrize("case", list(_graphs()), ids=lambda c: c[0] if isinstance(c, tuple) else str(c))
def test_backend_matches_reference(linker, case):
    name, inputs, outputs, values = case
    ref = theano.function(inputs, outputs, mode=theano.Mode("py", "None"))(*values)
    f = theano.function(inputs, outputs, mode=theano.Mode(linker, "fast_run"))
    for _ in range(4):  # later calls: kernels may have switched to their hot implementation
        got = f(*[np.copy(v) for v in values])
    ref = ref if isinstance(ref, list) else [ref]
    got = got if isinstance(got, list) else [got]
    for r, g, o in zip(ref, got, outputs if isinstance(outputs, list) else [outputs]):
        assert g.dtype == r.dtype == np.dtype(o.dtype), (linker, name)
        assert g.shape == r.shape
        assert_allclose(g, r, dtype=o.dtype)
