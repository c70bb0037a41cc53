"""Finding elements: theano.tensor.searching (nonzero, nonzero_values, compress, searchsorted, and the
row gather/scatter TakeRows/ScatterAddRows)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = [
    OpCase("nonzero_values", lambda a: T.nonzero_values(a),
           lambda a: a[a != 0], [np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -3.0]])], dtypes=FLOATS,
           infer_shape=False, grad=False),  # finite differences at 0 would change the mask,
    OpCase("masked_values", lambda a: T.NonzeroValues()(a, T.constant(np.array([[0, 1, 0], [1, 0, 1]]))),
           lambda a: a[np.array([[0, 1, 0], [1, 0, 1]]) != 0], [rand(2, 3)], dtypes=FLOATS,
           infer_shape=False),
    OpCase("compress", lambda x: T.compress(np.array([1, 0, 1, 1]), x, axis=1),
           lambda x: np.compress([1, 0, 1, 1], x, axis=1), [rand(2, 4)], dtypes=FLOATS, infer_shape=False),
    OpCase("compress_none", lambda x: T.compress(np.array([0, 1, 1]), x),
           lambda x: np.compress([0, 1, 1], x), [rand(2, 4)], dtypes=FLOATS, infer_shape=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_nonzero(dtype):
    av = np.array([[0, 1, 0], [2, 0, 3]]).astype(dtype)
    a = T.TensorType(dtype, (False, False))()
    res = run(list(T.nonzero(a)), [a], [av])
    for got, exp in zip(res, np.nonzero(av)):
        np.testing.assert_array_equal(got, exp)
        assert got.dtype == np.int64
    np.testing.assert_array_equal(run(T.nonzero(a, return_matrix=True), [a], [av]),
                                  np.array(np.nonzero(av)))
    np.testing.assert_array_equal(run(T.flatnonzero(a), [a], [av]), np.flatnonzero(av))
    np.testing.assert_array_equal(run(T.nonzero_values(a), [a], [av]), av[av != 0])
    np.testing.assert_array_equal(run(a.nonzero_values(), [a], [av]), av[av != 0])
    empty = np.zeros((0, 2), dtype=dtype)
    np.testing.assert_array_equal(run(T.nonzero(a)[1], [a], [empty]), np.zeros(0))
    with pytest.raises(ValueError, match="scalars"):
        T.nonzero(T.dscalar())


def test_take_rows_grad_roundtrip():
    idx = np.array([2, 0, 2, 1])
    verify_grad(lambda v: T.TakeRows()(v, T.constant(idx)), [rand(3, 2)], mode=PY,
                rng=np.random.RandomState(1))
    verify_grad(lambda v: T.ScatterAddRows()(T.constant(idx), v, 4), [rand(4, 2)], mode=PY,
                rng=np.random.RandomState(2))


def test_searchsorted():
    x, v = T.dvector(), T.dmatrix()
    xv = np.array([0.1, 0.5, 0.9, 1.3])
    vv = rand(2, 3)
    for side in ("left", "right"):
        out = T.searchsorted(x, v, side=side)
        assert out.dtype == "int64"
        compare_backends([x, v], out, [xv, vv], expected=np.searchsorted(xv, vv, side=side))
        check_infer_shape([x, v], out, [xv, vv])
    s = T.lvector()
    perm = np.array([2, 0, 3, 1])
    unsorted = xv[np.argsort(perm)]  # perm is the argsort of unsorted
    np.testing.assert_array_equal(run(T.searchsorted(x, v, sorter=s), [x, v, s], [unsorted, vv, perm]),
                                  np.searchsorted(unsorted, vv, sorter=perm))
    with pytest.raises(ValueError, match="side"):
        T.searchsorted(x, v, side="middle")
