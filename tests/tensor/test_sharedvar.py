"""Shared tensors: Theano 1.0's ``T._shared``, the tensor constructor its own tests build shared
variables with, gives a TensorSharedVariable for an ndarray whatever its rank."""

import numpy as np
import pytest

import theano
import theano.tensor as T


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
@pytest.mark.parametrize("value", [np.asarray(3.0), np.arange(6.0).reshape(2, 3), np.arange(4, dtype="int32")])
def test_theano1_private_shared_constructor(mode, value):
    value = value.copy()
    original = value.copy()
    s = T._shared(value, name="s")
    assert isinstance(s, T.TensorSharedVariable)
    assert s.type == T.TensorType(value.dtype, (False,) * value.ndim)
    assert s.name == "s"
    f = theano.function([], s * 2, updates=[(s, s + 1)], mode=mode)
    for step in range(2):
        np.testing.assert_array_equal(f(), (original + step) * 2)
    np.testing.assert_array_equal(s.get_value(), original + 2)
    value[...] = 0  # the variable holds a copy unless borrow=True
    np.testing.assert_array_equal(s.get_value(), original + 2)


def test_theano1_private_shared_constructor_rejects_non_arrays():
    with pytest.raises(TypeError):
        T._shared(3.0)
    with pytest.raises(TypeError):
        T._shared({"a": 1})
