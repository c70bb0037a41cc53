"""MRG_RandomStreams draws Theano 1.0's numbers: the MRG31k3p generator checked against values of
L'Ecuyer's reference (Java) implementation and against the generator's definition written here
with Python integers; normal, binomial, multinomial and choice checked against the same transforms
of the uniforms written with NumPy; on the reference VM and the native backend, call after call."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.sandbox import rng_mrg
from theano.sandbox.rng_mrg import MRG_RandomStreams
from theano.tensor.random import mrg
from tests.helpers import MODES, check_infer_shape

MODE_NAMES = ("py", "auto")

# Draws of L'Ecuyer's Java MRG31k3p (the SSJ library) from the seed 12345 (all six numbers), the
# data Theano's own MRG tests compared with: value[(stream, substream, k)] is the k-th number of
# that substream, streams 2**134 steps apart and substreams 2**72 steps apart.
JAVA = {
    (0, 0, 0): 0.7353244530968368, (0, 0, 1): 0.6142074400559068, (0, 0, 2): 0.11007806099951267,
    (0, 0, 3): 0.6487741703167558, (0, 0, 4): 0.36619443260133266,
    (0, 1, 0): 0.2585685825906694, (0, 1, 1): 0.9489980279468,
    (0, 2, 0): 0.6940806899219751, (0, 6, 4): 0.8276205519214272,
    (1, 0, 0): 0.5180770065635443, (1, 0, 1): 0.2319392478093505,
    (11, 6, 4): 0.18852565623819828,
}


def _fn(outs, mode, inputs=()):
    return theano.function(list(inputs), outs, mode=MODES[mode]())


# --------------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_uniform_draws_are_lecuyers_reference_numbers(mode):
    rng = MRG_RandomStreams(seed=12345)
    got = {}
    for stream in range(12):
        f = _fn(rng.uniform(size=(7,), nstreams=7, dtype="float64"), mode)
        for k in range(5):
            for sub, v in enumerate(f()):
                got[(stream, sub, k)] = v
    for key, want in JAVA.items():
        assert got[key] == want, (key, got[key], want)


def _reference_numbers(state, count):
    """The generator's definition with Python integers: ``count`` outputs z in [1, m1] from one
    state (x1[n-1], x1[n-2], x1[n-3], x2[n-1], x2[n-2], x2[n-3])."""
    x1 = [int(v) for v in state[:3]]
    x2 = [int(v) for v in state[3:]]
    out = []
    for _ in range(count):
        n1 = (4194304 * x1[1] + 129 * x1[2]) % 2147483647
        n2 = (32768 * x2[0] + 32769 * x2[2]) % 2147462579
        x1 = [n1, x1[0], x1[1]]
        x2 = [n2, x2[0], x2[1]]
        z = (n1 - n2) % 2147483647
        out.append(z if z > 0 else 2147483647)
    return out, x1 + x2


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mrg_uniform_op_follows_the_definition(dtype):
    rs = np.random.RandomState(3)
    states = np.column_stack([rs.randint(1, 2147483647, size=(5, 3)),
                              rs.randint(1, 2147462579, size=(5, 3))]).astype("int32")
    rstate = T.imatrix("rstate")
    new_r, u = rng_mrg.mrg_uniform.new(rstate, None, dtype, (4, 10))
    for mode in MODE_NAMES:
        f = _fn([new_r, u], mode, [rstate])
        state_out, sample = f(states)
        flat = sample.reshape(-1)
        for s in range(5):              # number i comes from stream i % 5
            zs, final = _reference_numbers(states[s], 8)
            if dtype == "float64":
                want = np.array(zs) / 2.0 ** 31
            else:
                want = np.float32(np.array(zs, dtype="float32")) * np.float32(4.6566126e-10)
            np.testing.assert_array_equal(flat[s::5], want.astype(dtype))
            assert state_out[s].tolist() == final
        assert sample.dtype == dtype and sample.shape == (4, 10)
        assert np.all((sample > 0) & (sample < 1))
        again = f(states)               # the input state is not changed: same draws again
        np.testing.assert_array_equal(again[1], sample)


def test_largest_number_stays_below_one_in_float32_and_float64():
    z = np.array([mrg.M1, 1])
    for dtype in ("float32", "float64"):
        u = mrg._to_unit(z, dtype)
        assert u.dtype == dtype and u[0] < 1 and u[1] > 0


def test_jump_matrices_move_the_state_by_powers_of_two():
    state = np.array([12345, 2, 3, 99, 5, 6], dtype="int32")
    for log2 in (0, 1, 3, 7):
        a1, a2 = mrg.jump_matrix(1, log2), mrg.jump_matrix(2, log2)
        jumped = mrg.multMatVect(state, a1, mrg.M1, a2, mrg.M2)
        _, stepped = _reference_numbers(state, 2 ** log2)
        assert jumped.tolist() == stepped
    # 2**134 steps = 2**62 jumps of 2**72 steps
    a = [[int(x) for x in r] for r in mrg.A1p72]
    for _ in range(62):
        a = mrg._matmul_mod(a, a, mrg.M1)
    assert np.array(a).tolist() == mrg.A1p134.tolist()


def test_substream_states_are_successive_2p72_jumps():
    start = np.array([7, 8, 9, 10, 11, 12], dtype="int32")
    states = mrg.substream_states(start, 13)
    row = start
    for i in range(13):
        assert states[i].tolist() == row.tolist()
        row = rng_mrg.ff_2p72(row)
    assert states.dtype == np.int32


def test_dot_modulo_op_and_mult_mat_vect():
    A = T.lmatrix()
    s = T.ivector()
    m = T.iscalar()
    A2 = T.lmatrix()
    s2 = T.ivector()
    m2 = T.iscalar()
    out = rng_mrg.DotModulo()(A, s, m, A2, s2, m2)
    v = np.array([2147483646, 5, 2147000000, 3, 2147462578, 17], dtype="int32")
    for mode in MODE_NAMES:
        f = _fn(out, mode, [A, s, m, A2, s2, m2])
        got = f(mrg.A1p134, v[:3], mrg.M1, mrg.A2p134, v[3:], mrg.M2)
        want = [sum(int(a) * int(b) for a, b in zip(row, v[:3])) % mrg.M1 for row in mrg.A1p134] + \
               [sum(int(a) * int(b) for a, b in zip(row, v[3:])) % mrg.M2 for row in mrg.A2p134]
        assert got.tolist() == want
        assert rng_mrg.ff_2p134(v).tolist() == want
        assert rng_mrg.matVecModM(mrg.A1p134, v[:3], mrg.M1).tolist() == want[:3]


# --------------------------------------------------------------------------------------------------
# the streams object
# --------------------------------------------------------------------------------------------------


def test_each_variable_starts_2p134_after_the_previous_and_seed_restarts():
    rng = MRG_RandomStreams(seed=[1, 2, 3, 4, 5, 6])
    a = rng.uniform((3,), nstreams=3)
    b = rng.uniform((3,), nstreams=3)
    first = np.array([1, 2, 3, 4, 5, 6], dtype="int32")
    np.testing.assert_array_equal(a.rng.get_value()[0], first)
    np.testing.assert_array_equal(b.rng.get_value()[0], rng_mrg.ff_2p134(first))
    np.testing.assert_array_equal(a.rng.get_value()[1], rng_mrg.ff_2p72(first))
    f = theano.function([], [a, b])
    one = f()
    two = f()
    assert not np.array_equal(one[0], two[0])
    rng.seed([1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(f()[1], one[1])
    fresh = MRG_RandomStreams(seed=[1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(theano.function([], fresh.uniform((3,), nstreams=3))(), one[0])


@pytest.mark.parametrize("seed, err", [(0, ValueError), (-5, ValueError), (2 ** 31 - 21069, ValueError),
                                       ([0, 0, 0, 1, 1, 1], ValueError), ([1, 1, 1, 0, 0, 0], ValueError),
                                       ([2 ** 31 - 1, 1, 1, 1, 1, 1], ValueError), ([1, 2], TypeError),
                                       ("abc", TypeError)])
def test_bad_seeds(seed, err):
    with pytest.raises(err, match="seed"):
        MRG_RandomStreams(seed=seed)


def _uniforms(seed, n, dtype="float64", nstreams=None):
    """The uniforms the next draw of a fresh MRG_RandomStreams(seed) takes, computed with NumPy
    from the first state (number i from stream i % nstreams)."""
    nstreams = nstreams or 60 * 256
    states = mrg.substream_states(np.full(6, seed, dtype="int32"), nstreams)
    return mrg.mrg_draw(states, n, dtype)[1]


@pytest.mark.parametrize("mode", MODE_NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_normal_is_box_muller_of_the_uniforms(mode, dtype):
    shape = (3, 5)                                  # 15 numbers: 16 uniforms, one dropped
    out = MRG_RandomStreams(seed=44).normal(shape, avg=1.5, std=2.0, dtype=dtype)
    got = _fn(out, mode)()
    u = _uniforms(44, 16, dtype)
    r = np.sqrt(-2.0 * np.log(u[:8].astype("float64")))
    theta = 2.0 * np.pi * u[8:].astype("float64")
    want = (np.concatenate([r * np.cos(theta), r * np.sin(theta)])[:15] * 2.0 + 1.5).reshape(shape)
    assert got.dtype == dtype and got.shape == shape
    np.testing.assert_allclose(got, want, rtol=1e-12 if dtype == "float64" else 2e-5, atol=1e-6 if
                               dtype == "float32" else 0)


def test_truncated_normal_redraws_out_of_range_numbers_as_theano():
    n = 400
    out = MRG_RandomStreams(seed=9).normal((n,), truncate=True, dtype="float64")
    got = _fn(out, "auto")()
    # NumPy: the first draw, then the rejected ones again from the next variable's streams
    u = _uniforms(9, n)
    r = np.sqrt(-2 * np.log(u[:n // 2]))
    theta = 2 * np.pi * u[n // 2:]
    z0, z1 = r * np.cos(theta), r * np.sin(theta)
    bad0, bad1 = np.abs(z0) > 2, np.abs(z1) > 2
    assert bad0.any() and bad1.any()
    second = mrg.substream_states(rng_mrg.ff_2p134(np.full(6, 9, dtype="int32")), 60 * 256)
    k = bad0.sum() + bad1.sum()
    lower = 1 / np.e ** 2
    u_fix = mrg.mrg_draw(second, k, "float64")[1] * (1 - lower) + lower
    r_fix = np.sqrt(-2 * np.log(u_fix))
    want = np.concatenate([z0[~bad0], r_fix[:bad0.sum()] * np.cos(theta[bad0]),
                           z1[~bad1], r_fix[bad0.sum():] * np.sin(theta[bad1])])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.abs(got).max() <= 2.0


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_binomial_is_uniform_below_p(mode):
    p = T.dvector("p")
    out = MRG_RandomStreams(seed=5).binomial((6,), p=p, dtype="int8")
    f = _fn(out, mode, [p])
    pv = np.array([0.1, 0.5, 0.9, 0.0, 1.0, 0.5])
    got = f(pv)
    u = _uniforms(5, 6, nstreams=6)                 # guess_n_streams((6,)): 6 streams
    np.testing.assert_array_equal(got, (u < pv).astype("int8"))
    assert got.dtype == np.int8


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_multinomial_and_choice_from_uniforms(mode):
    pv = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    rows = 2
    m_out = MRG_RandomStreams(seed=31).multinomial(pvals=pv, n=4)
    u = _uniforms(31, rows * 4, "float64")
    want = np.zeros((2, 3), dtype="int64")
    cums = np.cumsum(pv, axis=1)
    for c in range(4):
        for r in range(rows):
            want[r, np.argmax(cums[r] > u[c * rows + r])] += 1
    np.testing.assert_array_equal(_fn(m_out, mode)(), want)

    c_out = MRG_RandomStreams(seed=32).choice(size=3, p=pv, replace=False)
    u = _uniforms(32, rows * 3, "float64")
    want = np.zeros((2, 3), dtype="int64")
    for r in range(rows):
        p = pv[r].copy()
        for c in range(3):
            m = int(np.argmax(np.cumsum(p) > u[c * rows + r]))
            want[r, c] = m
            if c < 2:
                p[m] = 0
                p = p / p.sum()
    got = _fn(c_out, mode)()
    np.testing.assert_array_equal(got, want)
    assert sorted(got[0]) == [0, 1, 2]              # without replacement: each index once


def test_from_uniform_ops_on_chosen_uniforms():
    pvals = T.dmatrix()
    unis = T.dvector()
    n = T.iscalar()
    counts = rng_mrg.MultinomialFromUniform("int32")(pvals, unis, n)
    picks = rng_mrg.ChoiceFromUniform("int64", replace=True)(pvals, unis, n)
    pv = np.array([[0.25, 0.25, 0.5], [1.0, 0.0, 0.0]])
    uv = np.array([0.1, 0.99, 0.3, 0.3, 0.74, 0.999])   # (draw 0: rows 0, 1), (draw 1), (draw 2)
    for mode in MODE_NAMES:
        f = _fn([counts, picks], mode, [pvals, unis, n])
        c, p = f(pv, uv, 3)
        np.testing.assert_array_equal(c, [[1, 1, 1], [3, 0, 0]])
        np.testing.assert_array_equal(p, [[0, 1, 2], [0, 0, 0]])
        with pytest.raises(ValueError, match="uniforms"):
            f(pv, uv[:5], 3)
    check_infer_shape([pvals, unis, n], [counts, picks], [pv, uv, 3])


def test_infer_shape_of_mrg_uniform():
    rstate = T.imatrix()
    k = T.lscalar()
    _, u = rng_mrg.mrg_uniform.new(rstate, None, "float64", (k, 3))
    check_infer_shape([rstate, k], u, [mrg.substream_states(np.full(6, 3, "int32"), 4), 5])


def test_no_gradient_through_the_draws():
    low = T.dscalar()
    u = MRG_RandomStreams(2).uniform((3,), low=low, high=low + 1)
    with pytest.raises(Exception, match="[Uu]ndefined|[Nn]o gradient"):
        T.grad(u.sum(), low)


def test_bad_size_at_call_time_leaves_the_state_unchanged():
    k = T.lscalar("k")
    rng = MRG_RandomStreams(4)
    u = rng.uniform((k,), nstreams=2)
    f = theano.function([k], u)
    before = u.rng.get_value().copy()
    with pytest.raises(ValueError, match="negative"):
        f(-3)
    np.testing.assert_array_equal(u.rng.get_value(), before)
    assert f(4).shape == (4,)
    assert not np.array_equal(u.rng.get_value(), before)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_same_draws_on_both_backends_and_every_call(mode):
    def draws(mode):
        rng = MRG_RandomStreams(77)
        f = _fn([rng.uniform((50, 3)), rng.normal((101,)), rng.binomial((20,), p=0.3)], mode)
        return [f() for _ in range(4)]

    ref = draws("py")
    got = draws(mode)
    for a, b in zip(ref, got):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-14)
            assert x.dtype == y.dtype


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_jax_backend_draws_the_same_numbers_jitted(dtype):
    pytest.importorskip("jax")
    from tests.helpers import PATH_MODES

    def draws(mode):
        rng = MRG_RandomStreams(123)
        pv = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=dtype)
        outs = [rng.uniform((37, 3), dtype=dtype, nstreams=10), rng.uniform((5,), dtype=dtype),
                rng.binomial((40,), p=0.3), rng.normal((9,), dtype=dtype),
                rng.multinomial(pvals=pv, n=5), rng.choice(size=2, p=pv, replace=False)]
        f = theano.function([], outs, mode=mode)
        return f, [f() for _ in range(3)], [o.rng.get_value() for o in outs]

    _, ref, ref_states = draws(MODES["py"]())
    f, got, states = draws(PATH_MODES["jax"]())
    assert f.maker.thunk.is_jitted()
    for a, b in zip(ref, got):
        for k, (x, y) in enumerate(zip(a, b)):
            assert x.dtype == y.dtype and x.shape == y.shape
            if k == 3:          # normals: log/cos/sin of XLA against NumPy's
                np.testing.assert_allclose(x, y, rtol=1e-5 if dtype == "float32" else 1e-12)
            else:
                np.testing.assert_array_equal(x, y)
    for s, t in zip(ref_states, states):
        np.testing.assert_array_equal(s, t)
