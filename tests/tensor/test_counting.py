"""bincount (BinCountOp) and unique (Unique): theano.tensor.counting."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = []
CASES += [
    OpCase("bincount_weights", lambda w: T.bincount(np.array([0, 2, 2, 5]), weights=w),
           lambda w: np.bincount([0, 2, 2, 5], weights=w), [rand(4)], dtypes=FLOATS),
    OpCase("bincount_minlength", lambda w: T.bincount(np.array([1, 1, 0]), w, minlength=6),
           lambda w: np.bincount([1, 1, 0], w, minlength=6), [rand(3)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
def test_bincount(dtype):
    x = T.TensorType(dtype, (False,))()
    xv = np.array([0, 3, 3, 1, 7]).astype(dtype)
    out = T.bincount(x)
    assert out.dtype == "int64"
    compare_backends([x], out, [xv], expected=np.bincount(xv))
    np.testing.assert_array_equal(run(T.bincount(x, minlength=10), [x], [xv]), np.bincount(xv, minlength=10))
    np.testing.assert_array_equal(run(T.bincount(x), [x], [np.zeros(0, dtype=dtype)]), np.zeros(0))
    check_infer_shape([x], T.bincount(x), [np.zeros(0, dtype=dtype)])
    check_infer_shape([x], T.bincount(x, minlength=10), [xv])
    w = T.fvector()
    wv = rand(5, dtype="float32")
    res = run(T.bincount(x, w), [x, w], [xv, wv])
    np.testing.assert_allclose(res, np.bincount(xv, wv), rtol=1e-6)


def test_bincount_errors_and_grad():
    with pytest.raises(TypeError, match="integer vector"):
        T.bincount(T.dvector())
    with pytest.raises(TypeError, match="integer vector"):
        T.bincount(T.imatrix())
    x = T.lvector()
    f = theano.function([x], T.bincount(x), mode=PY)
    with pytest.raises(ValueError, match="non-negative"):
        f(np.array([1, -1]))
    w = T.dvector()
    xv = np.array([2, 0, 2])
    g = T.grad(T.sum(T.bincount(x, w) * np.arange(3.0)), w)
    np.testing.assert_allclose(run(g, [x, w], [xv, rand(3)]), [2.0, 0.0, 2.0])


def test_unique():
    u = T.imatrix()
    uv = np.array([[3, 1, 3], [2, 1, 0]], dtype="int32")
    res = run(T.unique(u, True, True, True), [u], [uv])
    for got, exp in zip(res, np.unique(uv, True, True, True)):
        np.testing.assert_array_equal(got, exp.reshape(-1))
    np.testing.assert_array_equal(run(T.unique(u), [u], [uv]), np.unique(uv))
