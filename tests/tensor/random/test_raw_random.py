"""theano.tensor.raw_random as Theano 1.0 documented it: RandomFunction(fn, outtype, inplace,
ndim_added), the helpers for writing raw random functions, and the size/ndim rules of the
distribution functions, checked against numpy.random.RandomState draws on every linker."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import compile
from theano.tensor import raw_random as rr
from theano.tensor.random.basic import UniformRV

from tests.helpers import MODES

LINKERS = ("py", "auto")
SEED = 4321


def _fn(inputs, outputs, linker, **kw):
    return theano.function(inputs, outputs, mode=MODES[linker](), **kw)


def _stateful(rng_var, new_state, outputs, linker, seed=SEED):
    inp = compile.In(rng_var, value=np.random.RandomState(seed), update=new_state, mutable=True)
    return theano.function([inp], outputs, mode=MODES[linker]())


@pytest.mark.parametrize("linker", LINKERS)
@pytest.mark.parametrize("fn", [np.random.RandomState.uniform, "uniform"])
def test_random_function_draws_numpy_numbers_and_leaves_the_state(linker, fn):
    rf = rr.RandomFunction(fn, T.dvector)
    assert not rf.inplace and not getattr(rf, "destroy_map", None)
    r = rr.random_state_type()
    new_r, out = rf(r, (4,), -2.0, 3.0)
    assert out.type == T.dvector and new_r.type == rr.random_state_type
    f = _fn([r], [new_r, out], linker)
    state = np.random.RandomState(SEED)
    ref = np.random.RandomState(SEED)
    for _ in range(3):
        s1, v = f(state)
        # the state given is not advanced; the returned one is
        assert r.type.values_eq(state, np.random.RandomState(SEED))
        np.testing.assert_array_equal(v, np.random.RandomState(SEED).uniform(-2.0, 3.0, (4,)))
    ref.uniform(-2.0, 3.0, (4,))
    assert r.type.values_eq(s1, ref)


@pytest.mark.parametrize("linker", LINKERS)
def test_random_function_with_update_advances_each_call(linker):
    rf = rr.RandomFunction("normal", T.TensorType("float32", (False, False)))
    r = rr.random_state_type()
    new_r, out = rf(r, (2, 3), 1.5, 0.5)
    f = _stateful(r, new_r, out, linker)
    ref = np.random.RandomState(SEED)
    for _ in range(3):
        v = f()
        assert v.dtype == np.float32
        np.testing.assert_allclose(v, ref.normal(1.5, 0.5, (2, 3)).astype("float32"))


@pytest.mark.parametrize("linker", LINKERS)
def test_random_function_symbolic_size_and_shape_checks(linker):
    rf = rr.RandomFunction("uniform", T.dmatrix)
    r = rr.random_state_type()
    size = T.lvector("size")
    new_r, out = rf(r, size, 0.0, 1.0)
    f = _fn([r, size], out, linker)
    for shp in [(2, 3), (4, 1), (1, 5)]:
        v = f(np.random.RandomState(SEED), list(shp))
        np.testing.assert_array_equal(v, np.random.RandomState(SEED).uniform(0, 1, shp))
    # a size of the wrong length for the output type: a clear ValueError
    with pytest.raises(ValueError, match="ndim_added"):
        f(np.random.RandomState(SEED), [3])
    # a broadcastable output dimension must have length 1
    rf_b = rr.RandomFunction("uniform", T.TensorType("float64", (False, True)))
    new_r, ob = rf_b(r, size, 0.0, 1.0)
    g = _fn([r, size], ob, linker)
    assert g(np.random.RandomState(SEED), [3, 1]).shape == (3, 1)
    with pytest.raises(ValueError, match="broadcastable"):
        g(np.random.RandomState(SEED), [3, 2])


@pytest.mark.parametrize("linker", LINKERS)
def test_permutation_helper_with_ndim_added(linker):
    r = rr.random_state_type()
    rf = rr.RandomFunction(rr.permutation_helper, T.lmatrix, ndim_added=1)
    new_r, out = rf(r, (5,), 7)
    f = _stateful(r, new_r, out, linker)
    ref = np.random.RandomState(SEED)
    for _ in range(3):
        np.testing.assert_array_equal(f(), [ref.permutation(7) for _ in range(5)])
    # without ndim_added the sample has one dimension too many for the size: ValueError
    new_r0, out0 = rr.RandomFunction(rr.permutation_helper, T.lmatrix)(r, (5,), 7)
    with pytest.raises(ValueError):
        _stateful(r, new_r0, out0, linker)()


def test_multinomial_helper_matches_numpy():
    pv = np.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
    got = rr.multinomial_helper(np.random.RandomState(3), [4, 9], pv, None)
    ref = np.random.RandomState(3)
    np.testing.assert_array_equal(got, [ref.multinomial(4, pv[0]), ref.multinomial(9, pv[1])])
    got = rr.multinomial_helper(np.random.RandomState(3), 5, pv[0], (2, 2))
    ref = np.random.RandomState(3)
    np.testing.assert_array_equal(got, [[ref.multinomial(5, pv[0]) for _ in range(2)]
                                        for _ in range(2)])


def test_random_function_props_pickle_and_bad_arguments():
    a = rr.RandomFunction("uniform", T.dvector)
    b = rr.RandomFunction(np.random.RandomState.uniform, T.dvector)
    assert a == b and hash(a) == hash(b)
    assert a != rr.RandomFunction("uniform", T.dvector, inplace=True)
    assert rr.RandomFunction("uniform", T.dvector, inplace=True).destroy_map == {0: [0]}
    c = pickle.loads(pickle.dumps(a))
    assert c == a
    with pytest.raises(ValueError, match="no method 'not_a_distribution'"):
        rr.RandomFunction("not_a_distribution", T.dvector)
    with pytest.raises(TypeError, match="outtype must be a TensorType"):
        rr.RandomFunction("uniform", T.dvector())
    with pytest.raises(TypeError, match="size must be a vector of integers"):
        a(rr.random_state_type(), T.dvector(), 0.0, 1.0)
    with pytest.raises(TypeError, match="random state"):
        a(T.dvector(), (3,), 0.0, 1.0)
    # the distribution functions' ops are raw random functions too, as in Theano
    assert isinstance(rr.uniform(rr.random_state_type(), (2,))[1].owner.op, rr.RandomFunction)
    assert isinstance(UniformRV(), rr.RandomFunction)


def test_random_function_infer_shape():
    r = rr.random_state_type()
    n = T.lscalar()
    new_r, out = rr.RandomFunction("uniform", T.dmatrix)(r, (n, 3), 0.0, 1.0)
    shp = _fn([r, n], out.shape, "py_opt" if "py_opt" in MODES else "py")
    # the shape is computed without drawing
    assert not any(isinstance(node.op, rr.RandomFunction) for node in shp.maker.fgraph.toposort())
    assert tuple(shp(np.random.RandomState(0), 4)) == (4, 3)


def test_infer_ndim_bcast():
    a = T.TensorType("float64", (False, True))()
    ndim, size, bcast = rr._infer_ndim_bcast(None, (2, 1, -1, -1), a)
    assert ndim == 4 and bcast == (False, True, False, True)
    f = theano.function([a], size)
    np.testing.assert_array_equal(f(np.zeros((7, 1))), [2, 1, 7, 1])
    ndim, size, bcast = rr._infer_ndim_bcast(None, None, a, T.dvector())
    assert ndim == 2 and bcast == (False, False)
    with pytest.raises(ValueError):
        rr._infer_ndim_bcast(3, (2, 2))
    with pytest.raises(TypeError):
        rr._infer_ndim_bcast(None, None)
    with pytest.raises(ValueError):
        rr._infer_ndim_bcast(None, (-1,))


@pytest.mark.parametrize("linker", LINKERS)
def test_multinomial_size_minus_one_borrows_pvals_dims(linker):
    r = rr.random_state_type()
    pvals = T.dtensor3()
    new_r, out = rr.multinomial(r, size=(10, 1, -1), n=9, pvals=pvals)
    assert out.broadcastable == (False, True, False, False)
    f = _fn([r, pvals], out, linker)
    pv = np.array([[[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]])
    for _ in range(3):
        v = f(np.random.RandomState(SEED), pv)
        ref = np.random.RandomState(SEED).multinomial(9, [0.1, 0.9], size=1)
        assert v.shape == (10, 1, 3, 2)
        np.testing.assert_array_equal(v.sum(axis=-1), 9)
        np.testing.assert_array_equal(v[0, 0, 0], ref[0])
    new_r, out = rr.multinomial(r, size=(1, -1), n=9, pvals=pvals)
    assert out.broadcastable == (True, False, False)
    assert _fn([r, pvals], out, linker)(np.random.RandomState(1), pv).shape == (1, 3, 2)
    with pytest.raises(ValueError, match="lines up with no dimension"):
        rr.multinomial(r, size=(-1, 2, 3), n=9, pvals=T.dmatrix())


@pytest.mark.parametrize("linker", LINKERS)
def test_size_none_takes_the_parameters_shape_whatever_ndim(linker):
    r = rr.random_state_type()
    low = T.TensorType("float64", (False, True, True))()
    high = T.TensorType("float64", (True, True, True, False))()
    new_r, out = rr.uniform(r, size=None, ndim=2, low=low, high=high)
    assert out.broadcastable == (True, False, True, False)
    f = _fn([r, low, high], out, linker)
    lo, hi = np.array([[[3.0]], [[4.0]], [[-5.0]]]), np.array([[[[5.0, 8.0]]]])
    np.testing.assert_array_equal(f(np.random.RandomState(SEED), lo, hi),
                                  np.random.RandomState(SEED).uniform(lo, hi))
    new_r, out = rr.uniform(r, size=None, ndim=2)
    assert out.ndim == 0
    # a size that contradicts ndim is still refused
    with pytest.raises(ValueError):
        rr.uniform(r, (4,), ndim=2)
    # poisson: lam defaults to 1; with size None and a scalar lam, ndim cannot be honoured
    new_r, out = rr.poisson(r, size=(3,))
    np.testing.assert_array_equal(_fn([r], out, linker)(np.random.RandomState(SEED)),
                                  np.random.RandomState(SEED).poisson(1.0, (3,)))
    with pytest.raises(TypeError):
        rr.poisson(r, size=None, ndim=2)
    # permutation: size None is one permutation; asking for more dimensions is a TypeError
    new_r, out = rr.permutation(r, size=None, n=6, ndim=1)
    np.testing.assert_array_equal(_fn([r], out, linker)(np.random.RandomState(SEED)),
                                  np.random.RandomState(SEED).permutation(6))
    with pytest.raises(TypeError):
        rr.permutation(r, size=None, n=6, ndim=2)


def test_star_import_gives_theano_as_in_theano_1():
    ns = {}
    exec("from theano.tensor.raw_random import *", ns)
    for name in ("theano", "RandomFunction", "random_state_type", "uniform", "multinomial",
                 "permutation_helper"):
        assert name in ns, name
