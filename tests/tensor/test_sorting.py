"""sort/argsort, topk and the along-axis gather/scatter: theano.tensor.sorting."""

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


CASES = []
CASES += [
    OpCase("sort_last", lambda x: T.sort(x), np.sort, [rand(3, 5)], dtypes=FLOATS),
    OpCase("sort_axis0", lambda x: T.sort(x, axis=0), lambda x: np.sort(x, axis=0), [rand(4, 3)],
           dtypes=FLOATS),
    OpCase("sort_none", lambda x: T.sort(x, axis=None), lambda x: np.sort(x, axis=None), [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("sort_mergesort", lambda x: T.sort(x, 1, "mergesort"), lambda x: np.sort(x, 1),
           [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("sort_method_empty", lambda x: x.sort(), np.sort, [rand(2, 0)], dtypes=FLOATS, grad=False),
    OpCase("argsort", lambda x: T.argsort(x), np.argsort, [rand(3, 5)], dtypes=FLOATS, grad=False),
    OpCase("argsort_axis0", lambda x: x.argsort(axis=0), lambda x: np.argsort(x, axis=0), [rand(4, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("argsort_none", lambda x: T.argsort(x, axis=None), lambda x: np.argsort(x, axis=None),
           [rand(2, 3)], dtypes=FLOATS, grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_sort_details():
    x = T.dmatrix()
    assert T.sort(x).type == x.type
    assert T.argsort(x).dtype == "int64"
    with pytest.raises(ValueError, match="out of range"):
        T.sort(x, axis=2)
    with pytest.raises(ValueError, match="kind"):
        T.sort(x, kind="bogus")
    with pytest.raises(ValueError, match="order"):
        T.sort(x, order="f")
    with pytest.raises(TypeError, match="axis"):
        T.sort(x, axis=0.5)
    with pytest.raises(ValueError, match="dimension"):
        T.sort(T.dscalar())
    # ties in the gradient: each tied element still gets exactly one slot
    xv = np.array([[1.0, 3.0, 1.0, 2.0]])
    g = T.grad(T.sum(T.sort(x) * np.arange(4.0)), x)
    res = run(g, [x], [xv])
    assert sorted(res.reshape(-1).tolist()) == [0.0, 1.0, 2.0, 3.0]
    assert res[0, 1] == 3.0 and res[0, 3] == 2.0
    i = T.ivector()
    np.testing.assert_array_equal(run(T.sort(i), [i], [np.array([3, 1, 2], dtype="int32")]), [1, 2, 3])
    a = T.lscalar()
    out = T.sort(x, axis=a)
    np.testing.assert_allclose(run(out, [x, a], [rand(3, 2), 0]), np.sort(rand(3, 2), axis=0))


@pytest.mark.parametrize("kth,axis", [(2, -1), (-2, -1), (1, 0), (3, 1), (-1, 0)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_topk(kth, axis, dtype):
    x = T.TensorType(dtype, (False, False))()
    xv = rand(3, 4, dtype=dtype)
    order = np.argsort(-xv if kth > 0 else xv, axis=axis, kind="stable")
    idx = np.take(order, np.arange(abs(kth)), axis=axis)
    vals, inds = T.topk_and_argtopk(x, kth, axis=axis)
    assert inds.dtype == "int64" and vals.dtype == dtype
    compare_backends([x], [vals, inds], [xv], expected=[np.take_along_axis(xv, idx, axis), idx])
    np.testing.assert_array_equal(run(T.argtopk(x, kth, axis=axis), [x], [xv]), idx)
    check_infer_shape([x], T.topk(x, kth, axis=axis), [xv])
    verify_grad(lambda v: T.topk(v, kth, axis=axis), [rand(3, 4)], mode=PY, rng=np.random.RandomState(3))


def test_topk_symbolic_k_and_errors():
    x = T.dvector()
    k = T.lscalar()
    xv = rand(6)
    res = run(T.topk(x, k, sorted=False), [x, k], [xv, 3])
    np.testing.assert_allclose(np.sort(res), np.sort(xv)[-3:])
    np.testing.assert_allclose(run(T.topk(x, k, axis=None), [x, k], [xv, 1]), [xv.max()])
    f = theano.function([x, k], T.topk(x, k), mode=PY)
    with pytest.raises(ValueError, match="kth"):
        f(xv, 0)
    with pytest.raises(ValueError, match="kth"):
        f(xv, 7)
    with pytest.raises(ValueError, match="out of range"):
        T.topk(x, 1, axis=1)
    with pytest.raises(TypeError, match="integer"):
        T.topk(x, 1.5)
    with pytest.raises(TypeError, match="integer"):
        T.argtopk(x, 1, idx_dtype="float32")


def test_take_scatter_along_axis():
    from theano.tensor.sorting import ScatterAlongAxis, TakeAlongAxis

    idx = T.constant(np.array([[0, 2, 2], [1, 1, 0]]))
    ax = T.constant(1)
    xv = rand(2, 3)
    x = T.dmatrix()
    np.testing.assert_allclose(run(TakeAlongAxis()(x, idx, ax), [x], [xv]),
                               np.take_along_axis(xv, idx.data, 1))
    verify_grad(lambda v: TakeAlongAxis()(v, idx, ax), [xv], mode=PY, rng=np.random.RandomState(1))
    verify_grad(lambda v: ScatterAlongAxis()(v, idx, ax, T.constant(np.zeros((2, 4)))), [xv], mode=PY,
                rng=np.random.RandomState(1))
    with pytest.raises(TypeError, match="idx"):
        TakeAlongAxis()(x, T.dmatrix(), ax)
