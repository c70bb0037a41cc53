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


@pytest.mark.parametrize("mode", ["py", "py_opt", "auto"])
def test_make_slice_values_indexing_and_gradient(mode):
    from tests.helpers import MODES
    from theano.tensor.type_other import MakeSlice, make_slice

    i, j = T.iscalar("i"), T.lscalar("j")
    s = make_slice(1, i, j)
    assert isinstance(s.owner.op, MakeSlice) and s.type == T.slicetype
    x = T.dvector("x")
    y = x[s]
    cost = (y ** 2).sum()
    f = theano.function([x, i, j], [s, y, theano.grad(cost, x)], mode=MODES[mode]())
    v = np.arange(7.0) - 2.0
    for stop, step in ((6, 2), (-1, 1), (5, -1), (0, 3)):
        for _ in range(3):
            sl, got, g = f(v, stop, step)
            assert sl == slice(1, stop, step)
            np.testing.assert_array_equal(got, v[1:stop:step])
            ref = np.zeros_like(v)
            ref[1:stop:step] = 2 * v[1:stop:step]
            np.testing.assert_allclose(g, ref)
    # None bounds, a Python slice, NoneConst
    m = T.dmatrix("m")
    mv = np.arange(12.0).reshape(3, 4)
    g2 = theano.function([m, i], [m[make_slice(None, i), make_slice(slice(1, None, 2))],
                                  m[make_slice(T.NoneConst, T.NoneConst, -1)]], mode=MODES[mode]())
    for _ in range(3):
        a, b = g2(mv, 2)
        np.testing.assert_array_equal(a, mv[:2, 1::2])
        np.testing.assert_array_equal(b, mv[::-1])


def test_make_slice_merge_and_errors():
    from theano.tensor.type_other import MakeSlice, make_slice

    i = T.iscalar()
    f = theano.function([i], [make_slice(0, i), make_slice(0, i)])
    assert len([n for n in f.maker.fgraph.apply_nodes if isinstance(n.op, MakeSlice)]) == 1
    assert f(4) == [slice(0, 4, None), slice(0, 4, None)]
    for bad in (1.5, T.dscalar(), T.ivector(), True):
        with pytest.raises(TypeError, match="make_slice: start"):
            make_slice(bad, i)
