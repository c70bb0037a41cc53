"""Theano 1.0 behaviours of theano.tensor.nnet: relu on NumPy values, confusion_matrix."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nnet import confusion_matrix, relu
from tests.helpers import assert_allclose

MODES = (theano.Mode(linker="py", optimizer="None"), None)


def test_relu_of_ndarray_is_an_ndarray():
    v = np.array([[-2.0, -0.5, 0.0, 3.0]], dtype="float32")
    out = relu(v)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    assert_allclose(out, np.maximum(v, 0))
    leaky = relu(v, 0.1)
    assert isinstance(leaky, np.ndarray) and leaky.dtype == np.float32
    assert_allclose(leaky, np.where(v > 0, v, 0.1 * v))
    assert relu(-3.0) == 0.0 and relu(2.5) == 2.5
    assert isinstance(T.nnet.relu(np.arange(-2, 3)), np.ndarray)
    with pytest.raises(TypeError, match="numeric"):
        relu(np.array(["a", "b"]))


def test_relu_symbolic_still_symbolic_and_agrees_with_ndarray():
    x = T.dmatrix()
    a = T.dscalar()
    v = np.random.RandomState(0).randn(3, 4)
    for mode in MODES:
        f = theano.function([x], relu(x), mode=mode)
        g = theano.function([x, a], relu(x, a), mode=mode)
        for _ in range(2):
            assert_allclose(f(v), relu(v))
            assert_allclose(g(v, 0.2), relu(v, 0.2))


def ref_confusion(actual, pred):
    order = np.unique(np.concatenate([actual, pred]))
    mat = np.zeros((len(order), len(order)), dtype="int64")
    for a, p in zip(actual, pred):
        mat[np.searchsorted(order, a), np.searchsorted(order, p)] += 1
    return mat, order


@pytest.mark.parametrize("dtype", ["int32", "int64", "float64"])
def test_confusion_matrix(dtype):
    x, y = T.vector(dtype=dtype), T.vector(dtype=dtype)
    rng = np.random.RandomState(3)
    for mode in MODES:
        f = theano.function([x, y], confusion_matrix(x, y), mode=mode)
        for n in (1, 7, 40):
            a = rng.randint(0, 5, size=n).astype(dtype)
            p = rng.randint(1, 7, size=n).astype(dtype)
            mat, order = f(a, p)
            ref_mat, ref_order = ref_confusion(a, p)
            assert mat.dtype == np.int64
            np.testing.assert_array_equal(mat, ref_mat)
            np.testing.assert_array_equal(order, ref_order)
            assert mat.sum() == n


def test_confusion_matrix_needs_vectors():
    with pytest.raises(ValueError, match="1-d"):
        confusion_matrix(T.imatrix(), T.ivector())
    with pytest.raises(ValueError, match="pred must be a 1-d"):
        confusion_matrix(T.ivector(), T.iscalar())


def test_prepend_ops():
    from theano.gradient import verify_grad
    from theano.tensor.nnet import (Prepend_scalar_constant_to_each_row, Prepend_scalar_to_each_row,
                                    prepend_0_to_each_row, prepend_1_to_each_row,
                                    prepend_scalar_to_each_row)
    from tests.helpers import check_infer_shape

    m = np.random.RandomState(1).rand(3, 5)
    x, s = T.dmatrix(), T.dscalar()
    for mode in MODES:
        f = theano.function([x, s], [Prepend_scalar_constant_to_each_row(4.0)(x),
                                     prepend_0_to_each_row(x), prepend_1_to_each_row(x),
                                     prepend_scalar_to_each_row(s, x),
                                     Prepend_scalar_to_each_row()(5.0, x)], mode=mode)
        for _ in range(2):
            outs = f(m, 2.5)
            for out, first in zip(outs, (4.0, 0.0, 1.0, 2.5, 5.0)):
                assert out.shape == (3, 6)
                assert_allclose(out, np.hstack([np.full((3, 1), first), m]))
    check_infer_shape([x, s], prepend_scalar_to_each_row(s, x), [m, 1.0])
    check_infer_shape([x], prepend_1_to_each_row(x), [m])
    verify_grad(lambda a, b: prepend_scalar_to_each_row(a, b), [np.asarray(0.3), m],
                rng=np.random.RandomState(0))
    verify_grad(prepend_1_to_each_row, [m], rng=np.random.RandomState(0))
    assert prepend_scalar_to_each_row(2.0, T.fmatrix()).dtype == "float32"
    with pytest.raises(TypeError, match="matrix"):
        prepend_1_to_each_row(T.dvector())
    with pytest.raises(TypeError, match="scalar"):
        prepend_scalar_to_each_row(T.dvector(), x)
