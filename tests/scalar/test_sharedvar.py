"""theano.scalar.sharedvar.shared: shared variables of a Scalar type (Theano 1.0's path)."""

import numpy as np
import pytest

import theano
import theano.scalar as ts
import theano.scalar.sharedvar
import theano.tensor as T

MODES = [None, theano.Mode(linker="py")]


def test_types_and_values():
    s = theano.scalar.sharedvar.shared(1, name="i")
    assert s.type == ts.int64 and s.name == "i"
    assert isinstance(s, theano.scalar.sharedvar.ScalarSharedVariable)
    assert isinstance(s, theano.compile.SharedVariable)
    v = s.get_value()
    assert isinstance(v, np.int64) and v == 1
    assert theano.scalar.sharedvar.shared(1.5).type == ts.float64
    assert theano.scalar.sharedvar.shared(np.float32(2)).type == ts.float32
    assert theano.scalar.sharedvar.shared(np.int8(3)).type == ts.int8
    # theano.shared of a number stays a 0-d tensor, as in Theano 1.0
    assert isinstance(theano.shared(1).type, T.TensorType)


def test_bad_values_raise():
    with pytest.raises(TypeError, match="takes a number"):
        theano.scalar.sharedvar.shared(np.zeros(3))
    s = theano.scalar.sharedvar.shared(1)
    with pytest.raises(TypeError, match="lose precision"):
        s.set_value(2.5)
    assert s.get_value() == 1
    s.set_value(4)
    assert s.get_value() == 4


@pytest.mark.parametrize("mode", MODES)
def test_counter_update_and_indexing(mode):
    # a scalar shared counter indexes a shared matrix and is incremented by the same function
    rows = np.arange(15.0).reshape(5, 3)
    i = theano.scalar.sharedvar.shared(1)
    r = theano.shared(rows.copy())
    new_r = T.inc_subtensor(r[i], T.tanh(r[i - 1]))
    f = theano.function([], i * 10, updates=[(i, i + 1), (r, new_r)], mode=mode)
    expected = rows.copy()
    for k in range(1, 4):
        assert f() == 10 * k
        expected[k] += np.tanh(expected[k - 1])
        assert i.get_value() == k + 1
        np.testing.assert_allclose(r.get_value(), expected, rtol=1e-12)


def test_update_of_another_dtype_raises():
    i = theano.scalar.sharedvar.shared(1)
    with pytest.raises(TypeError, match="same type"):
        theano.function([], [], updates=[(i, i + 0.5)])
