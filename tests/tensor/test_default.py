"""``theano.tensor.default(x, d)`` (Theano 1.0's ``Default``): the value of ``x``, or of ``d`` where
the call gives None for ``x``, with function inputs and ``In`` states that may hold None."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In
from tests.helpers import MODES, rand

MODE_NAMES = ("py", "py_opt", "auto")


@pytest.mark.parametrize("mode", MODE_NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_default_picks_the_given_value(mode, dtype):
    x, y = T.scalar("x", dtype=dtype), T.scalar("y", dtype=dtype)
    f = theano.function([x, y], T.default(x, y), mode=MODES[mode]())
    for _ in range(3):
        r = f(1, 2)
        assert r == 1 and r.dtype == dtype
        assert f(None, 2) == 2
        assert f(1, None) == 1
        assert f(np.asarray(7, dtype=dtype), 2) == 7


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_default_of_matrices_in_a_larger_graph(mode):
    m, d = T.matrix("m"), T.matrix("d")
    f = theano.function([m, d], T.exp(T.default(m, d)) * 2, mode=MODES[mode]())
    a, b = rand(2, 3), rand(2, 3, seed=5)
    for _ in range(3):
        np.testing.assert_allclose(f(a, b), np.exp(a) * 2)
        np.testing.assert_allclose(f(None, b), np.exp(b) * 2)
        np.testing.assert_allclose(f(a, None), np.exp(a) * 2)
    # the arguments are not changed, and the result is not one of them
    a0 = a.copy()
    g = theano.function([m, d], T.default(m, d), mode=MODES[mode]())
    r = g(a, b)
    r[0, 0] = 100.0
    np.testing.assert_array_equal(a, a0)
    r = g(None, b)
    assert r is not b and not np.shares_memory(r, b)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_default_state_set_to_none(mode):
    # an In state with an update: f['x'] = None makes the next call take the default
    x, y = T.dscalars("x", "y")
    new_x = y + T.default(x, 3.8)
    f = theano.function([y, In(x, update=new_x, value=12.0)], new_x, mode=MODES[mode]())
    assert f(3) == 15.0
    assert f["x"] == 15.0
    f["x"] = None
    assert f["x"] is None
    np.testing.assert_allclose(f(1), 4.8)
    np.testing.assert_allclose(f(2.2), 7.0)
    np.testing.assert_allclose(f(1), 8.0)
    # None given for it explicitly, and a plain default value set to None
    np.testing.assert_allclose(f(1, None), 4.8)
    g = theano.function([In(x, value=2.0), y], T.default(x, y) * 10, mode=MODES[mode]())
    for _ in range(3):
        assert g(y=1.0) == 20.0
    g["x"] = None
    for _ in range(3):
        assert g(y=1.5) == 15.0
    assert g.defaults[0][0] is False          # still not a required input


def test_default_both_none_and_other_readers_are_errors():
    x, y = T.dscalars("x", "y")
    f = theano.function([x, y], T.default(x, y))
    with pytest.raises(ValueError, match="is None and so is its default"):
        f(None, None)
    # x is also read by an op that cannot take None: the call refuses None, naming the input
    g = theano.function([x, y], x + T.default(x, y))
    with pytest.raises(TypeError, match='name "x"'):
        g(None, 1.0)
    assert g(2.0, 1.0) == 4.0
    # a required input, or a state read elsewhere, cannot be set to None
    h = theano.function([y, In(x, value=1.0, update=x + y)], x + y)
    with pytest.raises(TypeError, match="cannot set input x"):
        h["x"] = None


def test_default_types():
    x = T.iscalar("x")
    assert T.default(x, 2.0).owner.inputs[1].dtype == "int32"
    assert T.default(x, 2).type == x.type
    with pytest.raises(TypeError, match="does not fit"):
        T.default(x, 2.5)
    with pytest.raises(TypeError, match="must have the type of x"):
        T.default(x, T.dscalar())
    with pytest.raises(TypeError, match="dimension"):
        T.default(x, np.zeros(3, dtype="int32"))
    with pytest.raises(TypeError, match="broadcastable"):
        T.default(T.row(), T.matrix())
    # a broadcastable default fits a non-broadcastable x
    m = T.matrix("m")
    z = T.default(m, T.row())
    assert z.type == m.type
    assert isinstance(z.owner.op, T.basic.Default) and T.default is z.owner.op


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_default_takes_python_floats_as_floatx_constants(mode):
    # Theano 1.0 made the default a constant by its autocast rules: with floatX float32, a Python
    # float is float32, so default(fscalar, 3.8) is accepted (with float32's 3.8)
    with theano.config.change_flags(floatX="float32"):
        x, y = T.fscalars("x", "y")
        z = T.default(x, 3.8)
        assert z.dtype == "float32" and z.owner.inputs[1].dtype == "float32"
        new_x = y + z
        f = theano.function([y, In(x, update=new_x, value=np.float32(12.0))], new_x,
                            mode=MODES[mode]())
        assert f(3) == np.float32(15.0)
        f["x"] = None
        out = f(1)
        assert out.dtype == np.float32 and out == np.float32(1) + np.float32(3.8)
        for _ in range(3):
            prev = f["x"]
            out = f(np.float32(2.2))
            assert out.dtype == np.float32 and out == np.float32(2.2) + prev
        # an autocast float that is not float32: still the exact-fit rule
        with theano.scalar.autocast_float_as("float64"):
            with pytest.raises(TypeError, match="does not fit"):
                T.default(x, 3.8)
    # with floatX float64, 3.8 is float64: refused for a float32 x, as in Theano 1.0
    with pytest.raises(TypeError, match="does not fit"):
        T.default(T.fscalar(), 3.8)
    assert T.default(T.fscalar(), 3.5).owner.inputs[1].dtype == "float32"   # exact
