"""as_op: a NumPy function wrapped as an Op (Theano 1.0's theano.compile.ops.as_op)."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.ops import FromFunctionOp, as_op


@as_op(itypes=[T.dmatrix], otypes=[T.dmatrix])
def numpy_square_matrix(a):
    return np.dot(a, a)


@as_op(itypes=[T.dvector, T.dvector], otypes=[T.dvector, T.dscalar],
       infer_shape=lambda node, shapes: [shapes[0], ()])
def add_and_dot(a, b):
    return a + b, np.dot(a, b)


def test_as_op_with_typed_constructors():
    assert isinstance(numpy_square_matrix, FromFunctionOp)
    x = T.dmatrix("x")
    f = theano.function([x], numpy_square_matrix(x) + 1)
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(f(a), a @ a + 1)
    assert theano.compile.as_op is as_op


def test_as_op_several_outputs_and_infer_shape():
    a, b = T.dvectors("a", "b")
    s, d = add_and_dot(a, b)
    assert d.ndim == 0
    f = theano.function([a, b], [s, d, s.shape])
    out = f([1.0, 2.0], [3.0, 5.0])
    np.testing.assert_allclose(out[0], [4.0, 7.0])
    assert out[1] == 13.0 and tuple(out[2]) == (2,)


def test_as_op_rejects_wrong_input_type():
    with pytest.raises(TypeError, match="declared"):
        numpy_square_matrix(T.fmatrix())


def test_as_op_pickles_by_reference():
    assert pickle.loads(pickle.dumps(numpy_square_matrix)) is numpy_square_matrix
    x = T.dmatrix("x")
    f = theano.function([x], numpy_square_matrix(x))
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g(np.eye(2) * 3), np.eye(2) * 9)
