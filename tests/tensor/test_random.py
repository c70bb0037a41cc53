"""Random ops and random streams: statistics, shapes, dtypes, state handling, gradients, errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.configdefaults import change_flags
from theano.gradient import DisconnectedInputError, NullTypeGradError
from theano.tensor.random import (MRG_RandomStreams, RandomStreams, random_generator_type,
                                  random_state_type)
from theano.tensor.random import basic as rb
from tests.helpers import MODES, check_infer_shape

STREAMS = [pytest.param(RandomStreams, id="RandomStreams"),
           pytest.param(MRG_RandomStreams, id="MRG_RandomStreams")]
FLOATS = ("float64", "float32")


def _run(out, inputs=(), values=(), mode="py", **kw):
    return theano.function(list(inputs), out, mode=MODES[mode](), **kw)(*values)


# --------------------------------------------------------------------------------------------------
# distributions: statistics, shapes, dtypes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("Streams", STREAMS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_statistics(Streams, dtype):
    srng = Streams(seed=11)
    u = srng.uniform((200, 50), low=-1.0, high=3.0, dtype=dtype)
    assert u.dtype == dtype and u.ndim == 2
    v = _run(u)
    assert v.shape == (200, 50) and v.dtype == dtype
    assert v.min() >= -1.0 and v.max() < 3.0
    assert abs(v.mean() - 1.0) < 0.05            # mean (a+b)/2, sd of the mean ~0.016
    assert abs(v.var() - 16 / 12) < 0.05


@pytest.mark.parametrize("Streams", STREAMS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_statistics(Streams, dtype):
    srng = Streams(seed=12)
    n = srng.normal((100, 100), avg=2.0, std=3.0, dtype=dtype)
    v = _run(n)
    assert v.shape == (100, 100) and v.dtype == dtype
    assert abs(v.mean() - 2.0) < 0.1
    assert abs(v.std() - 3.0) < 0.1


@pytest.mark.parametrize("Streams", STREAMS)
def test_binomial_statistics_and_float_mask(Streams):
    srng = Streams(seed=13)
    b = srng.binomial((5000,), n=4, p=0.25)
    v = _run(b)
    assert v.dtype == "int64" and v.min() >= 0 and v.max() <= 4
    assert abs(v.mean() - 1.0) < 0.06 and abs(v.var() - 0.75) < 0.08
    mask = srng.binomial((3000,), p=0.8, dtype="float32")
    m = _run(mask)
    assert m.dtype == "float32" and set(np.unique(m)) <= {0.0, 1.0}
    assert abs(m.mean() - 0.8) < 0.03


@pytest.mark.parametrize("Streams", STREAMS)
def test_binomial_float16_mask_with_float16_p(Streams):
    # Theano 1.0 programs draw half-precision dropout masks this way
    srng = Streams(seed=21)
    mask = srng.binomial((4000,), p=np.float16(0.5), dtype="float16")
    assert mask.dtype == "float16"
    for mode in ("FAST_COMPILE", None):
        f = theano.function([], mask, mode=mode)
        a, b = f(), f()
        for m in (a, b):
            assert m.dtype == np.float16 and set(np.unique(m)) <= {0.0, 1.0}
            assert abs(m.astype("float64").mean() - 0.5) < 0.04
        assert not np.array_equal(a, b)
    p = T.vector(dtype="float16")
    m2 = srng.binomial(p=p, dtype="float16")
    v = theano.function([p], m2)(np.array([0.0, 1.0, 1.0, 0.0], dtype="float16"))
    assert v.dtype == np.float16 and v.tolist() == [0.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("Streams", STREAMS)
def test_random_integers_inclusive(Streams):
    srng = Streams(seed=14)
    v = _run(srng.random_integers((4000,), low=-2, high=3))
    assert v.dtype == "int64"
    assert set(np.unique(v)) == {-2, -1, 0, 1, 2, 3}
    assert abs(v.mean() - 0.5) < 0.1


def test_poisson_statistics():
    srng = RandomStreams(seed=15)
    v = _run(srng.poisson((5000,), lam=3.0))
    assert v.dtype == "int64" and abs(v.mean() - 3.0) < 0.1 and abs(v.var() - 3.0) < 0.25
    with pytest.raises(TypeError, match="lam"):
        srng.poisson((2,))


@pytest.mark.parametrize("Streams", STREAMS)
def test_choice(Streams):
    srng = Streams(seed=16)
    v = _run(srng.choice((5,), a=5, replace=False))
    assert sorted(v.tolist()) == [0, 1, 2, 3, 4]
    w = _run(srng.choice((4000,), a=[10.0, 20.0, 30.0], p=[0.2, 0.0, 0.8]))
    assert w.dtype == "float64" and set(np.unique(w)) == {10.0, 30.0}
    assert abs((w == 10.0).mean() - 0.2) < 0.03
    with pytest.raises(ValueError, match="a must be an int or a vector"):
        srng.choice((2,), a=np.ones((2, 2)))
    with pytest.raises(ValueError, match="p must be a vector"):
        srng.choice((2,), a=3, p=np.ones((3, 1)) / 3)


@pytest.mark.parametrize("Streams", STREAMS)
def test_permutation(Streams):
    srng = Streams(seed=17)
    p = srng.permutation((3,), n=6)
    assert p.ndim == 2
    v = _run(p)
    assert v.shape == (3, 6)
    for row in v:
        assert sorted(row.tolist()) == list(range(6))
    single = _run(srng.permutation(n=4))
    assert sorted(single.tolist()) == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="integer"):
        srng.permutation((2,), n=2.5)


def test_multinomial_shapes_and_counts():
    srng = RandomStreams(seed=18)
    m = srng.multinomial((4,), n=10, pvals=[0.2, 0.3, 0.5])
    v = _run(m)
    assert v.shape == (4, 3) and (v.sum(axis=1) == 10).all()
    big = _run(srng.multinomial((1,), n=100000, pvals=[0.2, 0.3, 0.5]))[0] / 100000.0
    np.testing.assert_allclose(big, [0.2, 0.3, 0.5], atol=0.01)
    # batched pvals (float32 rows that sum to 1 up to rounding) and batched n, size=None
    pv = np.array([[0.1, 0.9], [0.7, 0.3]], dtype="float32")
    w = _run(srng.multinomial(n=[3, 50], pvals=pv))
    assert w.shape == (2, 2) and w.sum(axis=1).tolist() == [3, 50]


def test_mrg_multinomial_rows_and_row_choice():
    srng = MRG_RandomStreams(seed=19)
    p = T.fmatrix("p")
    pv = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype="float32")
    m = srng.multinomial(pvals=p)
    np.testing.assert_array_equal(_run(m, [p], [pv]), pv.astype("int64"))
    c = srng.choice(size=2, p=p, replace=False)
    pv2 = np.full((5, 4), 0.25, dtype="float32")
    v = _run(c, [p], [pv2])
    assert v.shape == (5, 2) and all(len(set(r)) == 2 for r in v)
    check_infer_shape([p], c, [pv2])
    with pytest.raises(ValueError, match="without replacement"):
        _run(srng.choice(size=5, p=p, replace=False), [p], [pv2])
    with pytest.raises(TypeError, match="pvals"):
        srng.multinomial(size=(2,))
    wo = srng.multinomial_wo_replacement(n=3, pvals=p)
    assert sorted(_run(wo, [p], [pv2])[0].tolist()) in ([0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3])


def test_mrg_truncated_normal():
    srng = MRG_RandomStreams(seed=20)
    v = _run(srng.normal((20000,), avg=1.0, std=2.0, truncate=True))
    assert v.min() >= 1.0 - 4.0 and v.max() <= 1.0 + 4.0
    assert abs(v.mean() - 1.0) < 0.05
    assert 0.8 * 2.0 < v.std() < 0.95 * 2.0     # a 2-sigma truncation keeps 88% of the std
    w = _run(srng.truncated_normal((2, 3), dtype="float32"))
    assert w.shape == (2, 3) and w.dtype == "float32"


@pytest.mark.parametrize("Streams", STREAMS)
def test_shuffle_row_elements(Streams):
    srng = Streams(seed=21)
    x = T.dmatrix("x")
    y = srng.shuffle_row_elements(x)
    xv = np.arange(40.0).reshape(4, 10)
    v = _run(y, [x], [xv])
    assert v.shape == xv.shape
    np.testing.assert_array_equal(np.sort(v, axis=1), xv)
    assert not np.array_equal(v, xv)
    check_infer_shape([x], y, [xv])
    with pytest.raises(ValueError, match="at least one dimension"):
        srng.shuffle_row_elements(T.dscalar())
    v1 = _run(srng.shuffle_row_elements(T.constant(np.arange(6.0))))
    assert sorted(v1.tolist()) == list(range(6))


@pytest.mark.parametrize("dtype", FLOATS)
def test_shuffle_row_elements_gradient(dtype):
    state = theano.shared(np.random.RandomState(3))

    def fn(x):
        _, y = rb.shuffle_row_elements(state, x)
        w = np.arange(1.0, 1.0 + 3 * 5).reshape(3, 5).astype(dtype)
        return (y * w).sum()

    xv = np.random.RandomState(0).rand(3, 5).astype(dtype)
    theano.gradient.verify_grad(fn, [xv], rng=np.random.RandomState(2),
                                mode=theano.Mode(linker="py", optimizer="None"))


@pytest.mark.parametrize("Streams", STREAMS)
def test_default_dtype_follows_floatx(Streams):
    with change_flags(floatX="float32"):
        srng = Streams(seed=1)
        assert srng.uniform((2,)).dtype == "float32"
        assert srng.normal((2,)).dtype == "float32"
        assert srng.uniform((2,), low=T.dvector()).dtype == "float64"   # upcast with low
        assert srng.binomial((2,)).dtype == "int64"
    with change_flags(floatX="float64"):
        assert Streams(seed=1).uniform((2,)).dtype == "float64"


# --------------------------------------------------------------------------------------------------
# sizes: broadcasting, symbolic sizes, empty arrays, infer_shape
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_size_none_broadcasts_parameters(dtype):
    srng = RandomStreams(seed=22)
    low = T.TensorType(dtype, (False,))("low")
    high = T.TensorType(dtype, (False, True))("high")
    u = srng.uniform(low=low, high=high, dtype=dtype)
    assert u.ndim == 2 and u.broadcastable == (False, False) and u.dtype == dtype
    lv = np.array([0.0, 10.0, 20.0], dtype=dtype)
    hv = np.array([[1.0], [5.0]], dtype=dtype)[:, :1] + 30
    v = _run(u, [low, high], [lv, hv])
    assert v.shape == (2, 3)
    assert (v >= lv).all() and (v < hv).all()
    check_infer_shape([low, high], u, [lv, hv])
    n = srng.normal(avg=low, std=0.0, dtype=dtype)
    np.testing.assert_array_equal(_run(n, [low], [lv]), lv)


def test_symbolic_size():
    srng = RandomStreams(seed=23)
    x = T.dmatrix("x")
    u = srng.uniform(size=x.shape)
    assert u.ndim == 2
    xv = np.zeros((3, 5))
    assert _run(u, [x], [xv]).shape == (3, 5)
    check_infer_shape([x], u, [xv])
    mixed = srng.normal(size=(x.shape[0], 4))
    assert _run(mixed, [x], [xv]).shape == (3, 4)
    check_infer_shape([x], mixed, [xv])
    n = T.lscalar("n")
    b = srng.binomial(size=(n,), p=0.5)
    assert _run(b, [n], [7]).shape == (7,)
    # a symbolic vector of unknown length needs ndim
    s = T.lvector("s")
    with pytest.raises(ValueError, match="ndim"):
        srng.uniform(size=s)
    u2 = srng.uniform(size=s, ndim=3)
    assert u2.ndim == 3
    assert _run(u2, [s], [np.array([2, 1, 4])]).shape == (2, 1, 4)
    check_infer_shape([s], u2, [np.array([2, 1, 4])])


@pytest.mark.parametrize("Streams", [RandomStreams])
def test_empty_sizes(Streams):
    # (MRG_RandomStreams refuses sizes with a 0 entry, as Theano's did: test_mrg_bad_sizes)
    srng = Streams(seed=24)
    for out in (srng.uniform((0, 3)), srng.normal((2, 0)), srng.binomial((0,), p=0.3),
                srng.permutation((0,), n=3), srng.multinomial((0,), n=2, pvals=[0.5, 0.5])):
        v = _run(out)
        assert v.size == 0 and v.ndim == out.ndim
        check_infer_shape([], out, [])


def test_static_broadcastable_pattern():
    srng = RandomStreams(seed=25)
    assert srng.uniform((1, 3)).broadcastable == (True, False)
    assert srng.uniform((2, 3)).broadcastable == (False, False)
    x = T.dmatrix()
    assert srng.uniform(x.shape).broadcastable == (False, False)
    row = T.drow()
    assert srng.normal(avg=row).broadcastable == (True, False)


@pytest.mark.parametrize("mode", list(MODES))
def test_every_backend_gives_the_same_draws(mode):
    srng = RandomStreams(seed=26)
    ref = RandomStreams(seed=26)
    x = T.dvector("x")
    outs = [srng.uniform(x.shape), srng.normal((3,)), srng.binomial((4,), p=0.4),
            srng.permutation(n=5)]
    refs = [ref.uniform(x.shape), ref.normal((3,)), ref.binomial((4,), p=0.4), ref.permutation(n=5)]
    f = theano.function([x], outs, mode=MODES[mode]())
    g = theano.function([x], refs, mode=MODES["py"]())
    for _ in range(2):
        for a, b in zip(f(np.zeros(4)), g(np.zeros(4))):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype


# --------------------------------------------------------------------------------------------------
# state handling: fresh draws, no_default_updates, seeding, failures leave the state alone
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("Streams", STREAMS)
def test_fresh_draws_each_call(Streams):
    srng = Streams(seed=27)
    u = srng.uniform((3,))
    f = theano.function([], u)
    a, b = f(), f()
    assert not np.array_equal(a, b)
    assert len(srng.updates()) == 1 and srng.updates()[0][0] is u.rng
    # two different random variables in one function differ from each other
    v = srng.uniform((3,))
    a2, b2 = theano.function([], [u, v])()
    assert not np.array_equal(a2, b2)


@pytest.mark.parametrize("Streams", STREAMS)
def test_no_default_updates_freezes(Streams):
    srng = Streams(seed=28)
    u = srng.uniform((3,))
    f = theano.function([], u, no_default_updates=True)
    frozen = f()
    np.testing.assert_array_equal(frozen, f())
    g = theano.function([], u, no_default_updates=[u.rng])
    np.testing.assert_array_equal(g(), frozen)
    h = theano.function([], u)
    np.testing.assert_array_equal(h(), frozen)          # h starts from the same state
    second = h()
    assert not np.array_equal(second, frozen)
    np.testing.assert_array_equal(f(), h())             # f reads the state h advanced


@pytest.mark.parametrize("Streams", STREAMS)
def test_same_seed_same_draws_and_reseeding(Streams):
    a, b, c = Streams(seed=29), Streams(seed=29), Streams(seed=30)
    ua, ub, uc = a.uniform((4,)), b.uniform((4,)), c.uniform((4,))
    fa, fb, fc = (theano.function([], u) for u in (ua, ub, uc))
    first = fa()
    np.testing.assert_array_equal(first, fb())
    assert not np.array_equal(first, fc())
    second = fa()
    a.seed(29)                              # back to the state it was created with
    np.testing.assert_array_equal(fa(), first)
    np.testing.assert_array_equal(fa(), second)
    a.seed(31)
    c31 = Streams(seed=31)
    f31 = theano.function([], c31.uniform((4,)))
    np.testing.assert_array_equal(fa(), f31())
    a.seed()                                 # the construction seed
    np.testing.assert_array_equal(fa(), first)


def test_mrg_seed_arguments():
    a = MRG_RandomStreams(seed=[1, 2, 3, 4, 5, 6])
    b = MRG_RandomStreams(seed=[1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(_run(a.normal((3,))), _run(b.normal((3,))))
    # Theano: the state is six int32 numbers, an int seed used for all six
    np.testing.assert_array_equal(MRG_RandomStreams().rstate, np.full(6, 12345, dtype="int32"))
    with pytest.raises(ValueError, match="not all 0"):
        MRG_RandomStreams(seed=[0] * 6)
    with pytest.raises(TypeError, match="seed"):
        MRG_RandomStreams(seed="abc")


def test_failed_call_leaves_state_unchanged():
    srng = RandomStreams(seed=32)
    std = T.dscalar("std")
    n = srng.normal((3,), std=std)
    f = theano.function([std], n)
    before = n.rng.get_value()
    with pytest.raises(Exception, match="std"):
        f(-1.0)
    assert random_state_type.values_eq(before, n.rng.get_value(borrow=True))
    ok = f(1.0)
    assert ok.shape == (3,)
    assert not random_state_type.values_eq(before, n.rng.get_value(borrow=True))


def test_op_does_not_mutate_its_input_state():
    rng = np.random.RandomState(5)
    state = theano.shared(rng)
    assert state.type == random_state_type
    new_state, u = rb.uniform(state, (3,))
    f = theano.function([], [new_state, u])
    before = state.get_value()
    new, v1 = f()
    assert random_state_type.values_eq(before, state.get_value(borrow=True))
    assert not random_state_type.values_eq(before, new)
    _, v2 = f()
    np.testing.assert_array_equal(v1, v2)          # no default update: the state stays
    g = theano.function([], u, updates=[(state, new_state)])
    np.testing.assert_array_equal(g(), v1)
    assert not np.array_equal(g(), v1)


def test_raw_functions_with_generator_states():
    state = theano.shared(np.random.default_rng(3))
    assert state.type == random_generator_type
    new_state, ints = rb.random_integers(state, (1000,), low=1, high=3)
    v = theano.function([], ints)()
    assert set(np.unique(v)) == {1, 2, 3}
    assert new_state.type == random_generator_type


def test_stream_attributes_and_getitem():
    srng = RandomStreams(seed=33)
    u = srng.uniform((2,))
    assert u.update == (u.rng, u.rng.default_update)
    assert isinstance(srng[u], np.random.RandomState)
    srng[u] = np.random.RandomState(0)
    np.testing.assert_array_equal(_run(u), np.random.RandomState(0).uniform(0, 1, (2,)))


# --------------------------------------------------------------------------------------------------
# gradients
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("Streams", STREAMS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_dropout_gradient(Streams, dtype):
    srng = Streams(seed=34)
    x = T.TensorType(dtype, (False, False))("x")
    w = theano.shared(np.ones((3, 2), dtype=dtype), name="w")
    h = T.dot(x, w)
    mask = srng.binomial(size=h.shape, p=0.5, dtype=dtype)
    cost = (h * mask).sum()
    gw = T.grad(cost, w)
    assert gw.dtype == dtype
    f = theano.function([x], [gw, mask])
    xv = np.arange(12, dtype=dtype).reshape(4, 3)
    for _ in range(2):
        gv, mv = f(xv)
        np.testing.assert_allclose(gv, xv.T.dot(mv), rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
def test_verify_grad_through_a_fixed_mask(dtype):
    state = theano.shared(np.random.RandomState(1))

    def fn(x):
        _, u = rb.uniform(state, size=x.shape, dtype=dtype)
        return (x * u).sum()

    xv = np.random.RandomState(0).rand(3, 4).astype(dtype)
    theano.gradient.verify_grad(fn, [xv], rng=np.random.RandomState(2),
                                mode=theano.Mode(linker="py", optimizer="None"))


def test_parameters_are_disconnected():
    srng = RandomStreams(seed=35)
    mu = T.dscalar("mu")
    sample = srng.normal((3,), avg=mu)
    # as in Theano 1.0: the gradient through a draw is undefined, not zero
    with pytest.raises(NullTypeGradError, match="random"):
        T.grad(sample.sum(), mu)
    with pytest.raises(NullTypeGradError):
        T.grad(sample.sum(), mu, disconnected_inputs="ignore")
    for draw in (MRG_RandomStreams(3).truncated_normal((2,), avg=mu),
                 MRG_RandomStreams(3).uniform((2,), low=mu), srng.binomial((2,), p=mu)):
        with pytest.raises(NullTypeGradError):
            T.grad(draw.sum(), mu)
    # an unrelated input is still just disconnected
    nu = T.dscalar("nu")
    with pytest.raises(DisconnectedInputError):
        T.grad(sample.sum(), nu)
    # reparametrised: avg + std * eps is differentiable in avg
    eps = srng.normal((3,))
    g2 = T.grad((mu + 2.0 * eps).sum(), mu)
    assert float(theano.function([mu], g2)(1.0)) == 3.0


# --------------------------------------------------------------------------------------------------
# bad arguments
# --------------------------------------------------------------------------------------------------


def test_bad_arguments():
    srng = RandomStreams(seed=36)
    with pytest.raises(TypeError, match="integer"):
        srng.uniform(size=(2.5, 3))
    with pytest.raises(ValueError, match="negative"):
        srng.uniform(size=(-1, 3))
    with pytest.raises(TypeError, match="size must be"):
        srng.uniform(size="abc")
    with pytest.raises(TypeError, match="integer vector"):
        srng.uniform(size=T.dvector())
    with pytest.raises(TypeError, match="parameter n must be an integer"):
        srng.binomial((2,), n=1.5)
    with pytest.raises(ValueError, match="batch dimension"):
        srng.uniform((3,), low=T.dmatrix())
    with pytest.raises(ValueError, match="entries but ndim"):
        srng.uniform((2, 3), ndim=3)
    with pytest.raises(TypeError, match="dtype must be one of"):
        srng.uniform((2,), dtype="int32")
    with pytest.raises(TypeError, match="random state"):
        rb.uniform(T.dvector(), (2,))
    with pytest.raises(TypeError, match="random state"):
        rb.uniform(np.random.RandomState(0), (2,))
    with pytest.raises(TypeError, match="RandomState"):
        theano.shared(np.random.RandomState(0)).set_value(3)
    x = T.dvector("x")
    bad = srng.uniform(size=(3,), low=x)
    with pytest.raises(Exception, match="shape|broadcast"):
        theano.function([x], bad)(np.zeros(4))


# --------------------------------------------------------------------------------------------------
# infer_shape of every op, with constant and symbolic sizes
# --------------------------------------------------------------------------------------------------

_SHAPE_CASES = {
    "uniform": lambda s, size, d: s.uniform(size, dtype=d),
    "normal": lambda s, size, d: s.normal(size, avg=1.0, dtype=d),
    "binomial": lambda s, size, d: s.binomial(size, n=3, p=0.3, dtype=d),
    "random_integers": lambda s, size, d: s.random_integers(size, 0, 9),
    "poisson": lambda s, size, d: s.poisson(size, lam=2.0),
    "choice": lambda s, size, d: s.choice(size, a=10),
    "permutation": lambda s, size, d: s.permutation(size, n=4),
    "multinomial": lambda s, size, d: s.multinomial(size, n=5, pvals=[0.2, 0.3, 0.5]),
}


@pytest.mark.parametrize("name", sorted(_SHAPE_CASES))
@pytest.mark.parametrize("dtype", FLOATS)
def test_infer_shape_every_op(name, dtype):
    srng = RandomStreams(seed=40)
    x = T.TensorType(dtype, (False, False))("x")
    xv = np.zeros((3, 2), dtype=dtype)
    for size in ((2, 3), x.shape, (x.shape[1], 5), np.array([4, 1])):
        out = _SHAPE_CASES[name](srng, size, dtype)
        check_infer_shape([x], out, [xv])
        v = _run(out, [x], [xv], on_unused_input="ignore")
        assert v.dtype == out.dtype and v.ndim == out.ndim


def test_numpy_array_size_is_checked():
    srng = RandomStreams(seed=41)
    assert _run(srng.uniform(np.array([2, 2]))).shape == (2, 2)
    with pytest.raises(TypeError, match="vector of integers"):
        srng.uniform(np.array([2.0, 2.0]))


def test_shared_of_a_generator_gets_a_random_type_without_extra_imports():
    import subprocess
    import sys

    code = ("import numpy as np, theano\n"
            "r = theano.shared(np.random.RandomState(1)); g = theano.shared(np.random.default_rng(1))\n"
            "import theano.tensor as T\n"
            "print(r.type, g.type, 'random' in T.__all__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["RandomStateType", "RandomGeneratorType", "False"], out.stderr[-2000:]


def test_rop_and_jacobian_through_a_random_mask():
    srng = RandomStreams(seed=42)
    x, v = T.dvector("x"), T.dvector("v")
    mask = srng.binomial(x.shape, p=0.5, dtype="float64")
    y = x * mask
    f = theano.function([x, v], [T.Rop(y, x, v), mask])
    r, m = f(np.ones(6), np.arange(6.0))
    np.testing.assert_array_equal(r, m * np.arange(6.0))
    j, m2 = theano.function([x], [theano.gradient.jacobian(y, x), mask])(np.ones(4))
    np.testing.assert_array_equal(j, np.diag(m2))


# --------------------------------------------------------------------------------------------------
# MRG_RandomStreams: Theano 1.0's extra arguments and size checks
# --------------------------------------------------------------------------------------------------


def test_mrg_target_and_nstreams_arguments():
    from theano.sandbox.rng_mrg import guess_n_streams

    srng = MRG_RandomStreams(5)
    pvals = np.array([[0.98, 0.01, 0.01], [0.01, 0.49, 0.50]], dtype="float32")
    draws = [srng.uniform((3, 2), target="cpu", nstreams=guess_n_streams((3, 2))),
             srng.normal((3, 2), target="cpu"), srng.truncated_normal((3, 2), target="cpu"),
             srng.binomial((3, 2), target="cpu"), srng.multinomial(pvals=pvals, target="cpu"),
             srng.choice(p=pvals, replace=False, target="cpu"),
             srng.multinomial_wo_replacement(pvals=pvals, target="cpu")]
    f = theano.function([], draws)
    values = f()
    for v, shape in zip(values, [(3, 2)] * 4 + [(2, 3), (2, 1), (2, 1)]):
        assert isinstance(v, np.ndarray) and v.shape == shape
    assert np.all((values[0] >= 0) & (values[0] < 1))
    assert np.all(np.abs(values[2]) <= 2 / 0.87962566103423978 + 1e-6)
    assert values[4].sum(axis=1).tolist() == [1, 1]


def test_guess_n_streams():
    from theano.sandbox.rng_mrg import guess_n_streams

    assert guess_n_streams((2, 3)) == 6
    assert guess_n_streams((3, 4)) == 2
    assert guess_n_streams((100, 100)) == 10000 // 6
    assert guess_n_streams((1000, 1000)) == 60 * 256
    assert guess_n_streams(()) == 1
    with pytest.warns(UserWarning, match="not known"):
        assert guess_n_streams(T.lvector(), warn=True) == 60 * 256


@pytest.mark.parametrize("size", [(0, 100), (-1, 100), (1, 0), (2 ** 31,), (2 ** 16, 2 ** 16)])
def test_mrg_bad_sizes(size):
    srng = MRG_RandomStreams(1)
    for draw in (srng.uniform, srng.normal, srng.truncated_normal, srng.binomial):
        with pytest.raises(ValueError, match="MRG_RandomStreams: the size"):
            draw(size)
    with pytest.raises(ValueError, match="MRG_RandomStreams: the size"):
        srng.multinomial(size, 1, [[0.5, 0.5]])
    # sizes that fit are fine, np.int32 entries included
    v = theano.function([], srng.uniform((np.int32(2), np.int32(3))))()
    assert v.shape == (2, 3)


def test_mrg_truncated_normal_std_is_after_truncation():
    # Theano: truncated_normal's std is the draws' std; normal(truncate=True) cuts at 2 std
    # Theano's redraw of a rejected normal keeps the pair's angle, so the draws' std comes out
    # about 1.2% above the asked std (theano-ng draws Theano's numbers, this included)
    srng = MRG_RandomStreams(8)
    a = _run(srng.truncated_normal((200000,), avg=1.0, std=2.0))
    assert abs(a.std() / 2.0 - 1.0) < 0.02 and abs(a.mean() - 1.0) < 0.02
    assert np.abs(a - 1.0).max() <= 2 * 2.0 / 0.87962566103423978 + 1e-6
    assert np.abs(a - 1.0).max() > 4.2  # reaches past 2 std of the draws
    b = _run(srng.normal((200000,), avg=0.0, std=2.0, truncate=True))
    assert np.abs(b).max() <= 4.0 + 1e-6
    assert abs(b.std() / (2.0 * 0.87962566103423978) - 1.0) < 0.02
    std = T.dscalar()
    c = _run(srng.truncated_normal((100000,), std=std), [std], [0.5])
    assert abs(c.std() / 0.5 - 1.0) < 0.02


def test_mixed_symbolic_and_int_size_keeps_broadcastable():
    s0 = T.lscalar()
    for srng in (RandomStreams(3), MRG_RandomStreams(3)):
        for u in (srng.uniform(size=(s0, 1), ndim=2), srng.uniform(size=(s0, 1))):
            assert u.broadcastable == (False, True)
            f = theano.function([s0], u)
            assert f(2).shape == (2, 1) and f(8).shape == (8, 1)


def test_streams_getitem_accepts_the_state():
    srng = RandomStreams(234)
    out = srng.uniform((2, 2))
    f = theano.function([], out)
    rng = np.random.RandomState()
    rng.set_state(srng[out.rng].get_state())
    assert srng[out.rng] is srng[out]
    np.testing.assert_allclose(f(), rng.uniform(size=(2, 2)))
    srng[out.rng] = np.random.RandomState(5)
    np.testing.assert_allclose(f(), np.random.RandomState(5).uniform(size=(2, 2)))
    with pytest.raises(TypeError, match="drawn random variable"):
        srng[T.dscalar()]


def test_choice_with_false_p_means_uniform():
    srng = RandomStreams(12)
    f = theano.function([], srng.choice((11, 8), 10, 1, 0))
    g = theano.function([], RandomStreams(12).choice((11, 8), 10, True, None))
    a, b = f(), g()
    assert a.shape == (11, 8) and np.array_equal(a, b)
    assert a.min() >= 0 and a.max() < 10


def test_mrg_broadcastable_patterns():
    R = MRG_RandomStreams(234)
    x = T.matrix()
    p1 = np.random.RandomState(0).uniform(0, 1, size=(10, 1))
    p1 = p1 / p1.sum()
    p2 = R.uniform(size=(x.shape[0], 1))
    p2 = p2 / T.sum(p2)
    for draw in (R.uniform, R.normal, R.truncated_normal, R.binomial):
        assert draw(size=(10, 1)).broadcastable == (False, True)
        assert draw(size=(x.shape[0], 1)).broadcastable == (False, True)
    for draw in (R.multinomial, R.multinomial_wo_replacement):
        assert draw(pvals=p1).broadcastable == (False, True)
        assert draw(pvals=p2).broadcastable == (False, True)
    # two outcomes / two draws: not broadcastable; the values agree with the pattern
    pv = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])
    assert R.multinomial(pvals=pv).broadcastable == (False, False)
    assert R.choice(size=2, p=pv, replace=False).broadcastable == (False, False)
    # one outcome of probability 1 per row: all 3 draws land on it (Theano does not normalize
    # rows: a row whose probabilities sum below the uniform counts nothing)
    m = theano.function([], R.multinomial(pvals=np.ones((10, 1)), n=3))()
    assert m.shape == (10, 1) and (m == 3).all()
    rows = p2 / p2.sum(axis=1, keepdims=True)      # each row a distribution (here: [1.])
    c = theano.function([x], R.multinomial_wo_replacement(pvals=rows))(np.zeros((4, 2)))
    assert c.shape == (4, 1) and (c == 0).all()
