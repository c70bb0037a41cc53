"""theano.tensor.type_other: NoneConst (an argument left out) and slices as function inputs."""

import numpy as np
import pytest
import scipy.linalg

import theano
import theano.tensor as T
from theano.graph.basic import Constant
from theano.tensor.type_other import NoneConst, NoneTypeT, is_none_variable, slicetype

MODES = [lambda: theano.Mode(linker="py"), lambda: None]


def test_none_const_equality_and_filter():
    other = Constant(NoneTypeT(), None, name="NoneConst")
    assert NoneConst.equals(other) and other.equals(NoneConst)
    assert not NoneConst.equals(T.constant(0))
    assert is_none_variable(None) and is_none_variable(NoneConst.clone())
    assert not is_none_variable(T.scalar())
    assert NoneTypeT().filter(None) is None
    with pytest.raises(TypeError):
        NoneTypeT().filter(0)


@pytest.mark.parametrize("mode", MODES)
def test_eigvalsh_with_none_const_is_the_standard_problem(mode):
    a = T.dmatrix("a")
    f = theano.function([a], T.slinalg.eigvalsh(a, NoneConst), mode=mode())
    rng = np.random.RandomState(0)
    for _ in range(2):
        m = rng.randn(4, 4)
        m = m + m.T
        np.testing.assert_allclose(f(m), scipy.linalg.eigvalsh(m), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reduce_", [T.max, T.min, T.argmax, T.sum,
                                     lambda x, axis: T.max_and_argmax(x, axis)[1]])
def test_axis_none_const_reduces_every_axis(mode, reduce_):
    x = T.dmatrix("x")
    f = theano.function([x], [reduce_(x, axis=NoneConst.clone()), reduce_(x, axis=None)], mode=mode())
    rng = np.random.RandomState(1)
    for _ in range(2):
        v = rng.randn(3, 4)
        a, b = f(v)
        assert a.shape == () and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_slicetype_inputs_and_constants():
    s = slicetype()
    f = theano.function([s], s)
    for _ in range(2):
        assert f(slice(1, 3)) == slice(1, 3)
    with pytest.raises(TypeError):
        f(3)
    with pytest.raises(TypeError):
        slicetype.filter(slice(1.5, 2))
    c = slicetype.make_constant(slice(np.int64(1), 3))
    assert c.equals(slicetype.make_constant(slice(1, 3)))
    assert not c.equals(slicetype.make_constant(slice(1, 4)))
