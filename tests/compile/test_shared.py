"""Shared variables: construction, dtypes, get/set_value, borrow, pickling."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import shared


def test_python_scalars():
    assert shared(0).dtype == "int64" and shared(0).ndim == 0
    assert shared(0.0).dtype == "float64"
    assert shared(True).dtype == "bool"
    assert shared(np.float32(1)).dtype == "float32"


def test_arrays_and_broadcastable():
    s = shared(np.zeros((2, 3), dtype="float32"), name="W")
    assert s.type == T.TensorType("float32", (False, False))
    assert s.name == "W"
    r = shared(np.zeros((1, 3)), broadcastable=(True, False))
    assert r.broadcastable == (True, False)
    v = shared([1.0, 2.0])
    assert v.dtype == "float64" and v.ndim == 1


def test_get_value_copies_unless_borrow():
    a = np.arange(3.0)
    s = shared(a)
    a[0] = 100
    assert s.get_value()[0] == 0  # copied at construction
    v = s.get_value()
    v[1] = 50
    assert s.get_value()[1] == 1
    assert s.get_value(borrow=True) is s.get_value(borrow=True)
    b = np.arange(3.0)
    t = shared(b, borrow=True)
    assert t.get_value(borrow=True) is b


def test_set_value_converts_and_checks():
    s = shared(np.array([1, 2, 3]))
    s.set_value([4, 5])
    assert s.get_value().dtype == np.int64 and list(s.get_value()) == [4, 5]
    with pytest.raises(TypeError, match="set_value"):
        s.set_value(np.array([0.5]))
    with pytest.raises(TypeError):
        s.set_value(np.zeros((2, 2), dtype="int64"))
    f = shared(np.zeros(2, dtype="float32"))
    with pytest.raises(TypeError):
        f.set_value(np.zeros(2))  # float64 array into float32 shared
    f.set_value([1.0, 2.0])  # lossless Python values are fine
    arr = np.ones(2, dtype="float32")
    f.set_value(arr)
    arr[0] = 9
    assert f.get_value()[0] == 1.0
    f.set_value(arr, borrow=True)
    assert f.get_value(borrow=True) is arr


def test_shared_of_symbolic_is_error():
    with pytest.raises(TypeError, match="needs a value"):
        shared(T.dscalar())


def test_generic_shared():
    s = shared({"a": 1})
    assert s.get_value() == {"a": 1}


def test_pickle_shared_and_graph():
    s = shared(np.arange(4.0), name="s")
    x = T.dvector("x")
    y = (x * s).sum()
    s2, y2, x2 = pickle.loads(pickle.dumps((s, y, x)))
    np.testing.assert_array_equal(s2.get_value(), np.arange(4.0))
    f = theano.function([x2], y2)
    assert f(np.ones(4)) == 6.0
    s2.set_value(np.ones(4))
    assert f(np.ones(4)) == 4.0
    assert s.get_value()[0] == 0.0


def test_compiled_function_pickle_is_clear():
    x = T.dscalar()
    f = theano.function([x], x)
    try:
        g = pickle.loads(pickle.dumps(f))
    except TypeError as e:
        assert "pickle" in str(e)
    else:
        assert g(2.0) == 2.0
