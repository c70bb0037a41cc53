"""tile, repeat and roll: theano.tensor.repeating."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, rand
from theano.gradient import verify_grad

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = [
    OpCase("tile2", lambda a: T.tile(a, (2, 3)), lambda a: np.tile(a, (2, 3)), [rand(2, 3)], dtypes=FLOATS),
    OpCase("tile_more_reps", lambda a: T.tile(a, (2, 1, 2)), lambda a: np.tile(a, (2, 1, 2)),
           [rand(3)], dtypes=FLOATS),
    OpCase("tile_fewer_reps", lambda a: T.tile(a, (3,)), lambda a: np.tile(a, (3,)),
           [rand(2, 2)], dtypes=FLOATS),
    OpCase("repeat_scalar", lambda a: T.repeat(a, 3, axis=0), lambda a: np.repeat(a, 3, 0),
           [rand(2, 3)], dtypes=FLOATS),
    OpCase("repeat_vector", lambda a: T.repeat(a, np.array([1, 0, 2]), axis=1),
           lambda a: np.repeat(a, [1, 0, 2], 1), [rand(2, 3)], dtypes=FLOATS),
    OpCase("repeat_none", lambda a: T.repeat(a, 2), lambda a: np.repeat(a, 2), [rand(2, 3)], dtypes=FLOATS),
    OpCase("roll_axis", lambda a: T.roll(a, 2, axis=1), lambda a: np.roll(a, 2, 1), [rand(2, 5)],
           dtypes=FLOATS),
    OpCase("roll_neg", lambda a: T.roll(a, -1, axis=-2), lambda a: np.roll(a, -1, -2), [rand(3, 2)],
           dtypes=FLOATS),
    OpCase("roll_none", lambda a: T.roll(a, 4), lambda a: np.roll(a, 4), [rand(2, 3)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_tile_symbolic_reps():
    x = T.dmatrix()
    xv = rand(2, 3)
    if hasattr(T.subtensor, "getitem"):  # a symbolic reps vector is indexed with subtensor
        r = T.lvector()
        out = T.tile(x, r, ndim=2)
        np.testing.assert_allclose(run(out, [x, r], [xv, np.array([2, 2])]), np.tile(xv, (2, 2)))
    n = T.lscalar()
    out2 = T.tile(x, (n, 1))
    check_infer_shape([x, n], out2, [xv, 3])
    np.testing.assert_allclose(run(out2, [x, n], [xv, 3]), np.tile(xv, (3, 1)))
    with pytest.raises(ValueError, match="ndim"):
        T.tile(x, (1, 2, 3), ndim=2)
    # reps that are not integers: ValueError, as Theano 1.0
    for bad in [(1.5, 2), 2.5, T.fscalar(), T.fvector(), T.imatrix(), (T.dscalar(), 1)]:
        with pytest.raises(ValueError, match="integer"):
            T.tile(x, bad)


def test_repeat_symbolic_and_errors():
    x = T.dmatrix()
    r = T.lvector()
    out = T.repeat(x, r, axis=0)
    xv = rand(3, 2)
    np.testing.assert_allclose(run(out, [x, r], [xv, np.array([2, 0, 1])]), np.repeat(xv, [2, 0, 1], 0))
    check_infer_shape([x, r], out, [xv, np.array([2, 0, 1])])
    verify_grad(lambda v: T.repeat(v, np.array([2, 0, 3]), axis=0), [xv], rng=np.random.RandomState(3),
                mode=PY)
    n = T.lscalar()
    check_infer_shape([x, n], T.repeat(x, n, axis=1), [xv, 3])
    assert T.repeat(x, 2, axis=1).broadcastable == (False, False)
    with pytest.raises(ValueError, match="out of range"):
        T.repeat(x, 2, axis=2)
    with pytest.raises(TypeError, match="integer"):
        T.repeat(x, 1.5)
    with pytest.raises(TypeError, match="integers"):
        T.repeat(x, T.dvector())
    f = theano.function([x, r], out, mode=PY)
    with pytest.raises(ValueError, match="repeat counts"):
        f(xv, np.array([1, 2]))
    # the method form
    np.testing.assert_allclose(run(x.repeat(2, axis=1), [x], [xv]), np.repeat(xv, 2, 1))


def test_roll_symbolic_shift():
    x = T.fvector()
    s = T.iscalar()
    out = T.roll(x, s)
    xv = rand(5, dtype="float32")
    for sh in (0, 2, -7):
        np.testing.assert_allclose(run(out, [x, s], [xv, sh]), np.roll(xv, sh))
    with pytest.raises(TypeError, match="integer"):
        T.roll(x, 1.5)
    with pytest.raises(ValueError, match="out of range"):
        T.roll(x, 1, axis=1)


def test_rop_through_tile_repeat_roll():
    x, vx = T.dvector(), T.dvector()
    xv, ex = rand(3), rand(3, seed=4)
    for out, expected in [
        (T.roll(x, 1), np.roll(ex, 1)),
        (T.tile(x, (2,)) * 3, np.tile(ex, 2) * 3),
        (T.repeat(x, 2) ** 2, 2 * np.repeat(xv, 2) * np.repeat(ex, 2)),
    ]:
        got = run(T.Rop(out, x, vx), [x, vx], [xv, ex])
        np.testing.assert_allclose(got, expected, err_msg=str(out.owner.op))


# ---- Theano 1.0's RepeatOp forms and Tile op --------------------------------------------------


def _values(inputs, outputs, values, expected):
    """``outputs`` on the reference VM and the default backend, each compiled function called twice,
    against the NumPy ``expected``."""
    from tests.helpers import compare_backends

    compare_backends(inputs, outputs, values, modes=("py", "auto"), expected=expected)


@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, -3])
def test_repeatop_axes_as_numpy(axis):
    from theano.tensor.extra_ops import RepeatOp

    x = T.dtensor3()
    xv = rand(2, 3, 4)
    r = T.lvector()
    n = xv.size if axis is None else xv.shape[axis]
    rv = np.arange(n) % 3
    # RepeatOp itself: axis=None repeats the flattened tensor, negative axes count from the end
    out = RepeatOp(axis=axis)(x, r)
    _values([x, r], out, [xv, rv], np.repeat(xv, rv, axis=axis))
    _values([x], RepeatOp(axis=axis)(x, 2), [xv], np.repeat(xv, 2, axis=axis))
    check_infer_shape([x, r], out, [xv, rv])
    verify_grad(lambda v: RepeatOp(axis=axis)(v, 3), [xv], rng=np.random.RandomState(2), mode=PY)


def test_repeat_one_count_is_a_broadcast_not_repeatop():
    from theano.tensor.extra_ops import RepeatOp

    x = T.dmatrix()
    xv = rand(3, 2)
    one = T.TensorType("int64", (True,))()
    for reps, extra, val in [([3], [], 3), (one, [one], np.array([2]))]:
        out = T.repeat(x, reps, axis=1)
        f = theano.function([x] + extra, out, mode=PY)
        assert not any(isinstance(n.op, RepeatOp) for n in f.maker.fgraph.toposort())
        _values([x] + extra, out, [xv] + ([val] if extra else []), np.repeat(xv, val, axis=1))
    n = T.lscalar()
    _values([x, n], T.repeat(x, n, axis=0), [xv, 4], np.repeat(xv, 4, axis=0))
    verify_grad(lambda v: T.repeat(v, 3, axis=0), [xv], rng=np.random.RandomState(1), mode=PY)
    verify_grad(lambda v: T.repeat(v, [2]), [xv], rng=np.random.RandomState(1), mode=PY)


def test_repeatop_broadcastable_and_uint64():
    from theano.tensor.extra_ops import RepeatOp

    x = T.TensorType("float64", (False, True, False))()
    assert RepeatOp(axis=1)(x, 2).broadcastable == (False, False, False)
    assert RepeatOp(axis=1)(x, 1).broadcastable == (False, True, False)    # one copy keeps it
    assert RepeatOp(axis=0)(x, 2).broadcastable == (False, True, False)
    assert RepeatOp(axis=-1)(x, 2).owner.op == RepeatOp(axis=2)
    # numpy.repeat refuses uint64 counts: so does repeat, when the graph is built
    for reps in (T.scalar(dtype="uint64"), T.vector(dtype="uint64")):
        with pytest.raises(TypeError, match="uint64"):
            T.repeat(x, reps)
    for dtype in ("int8", "uint8", "uint32"):
        r = T.vector(dtype=dtype)
        xv = rand(4, 1, 2)
        rv = np.array([1, 0, 2, 3], dtype=dtype)
        _values([x, r], T.repeat(x, r, axis=0), [xv, rv], np.repeat(xv, rv, axis=0))


@pytest.mark.parametrize("shape,reps,ndim", [
    ((5,), [3], 1), ((2, 4), [2, 3], 2), ((2, 4, 3, 5), [2, 3, 1, 4], 4),
    ((3,), [2, 2], 2), ((2, 3), [2], 2), ((2, 3), [2], 3), ((2, 3), [0, 2], 2)])
def test_tile_op(shape, reps, ndim):
    x = T.TensorType("float64", (False,) * len(shape))()
    xv = rand(*shape)
    expected = np.tile(xv, reps)
    expected = expected.reshape((1,) * (ndim - expected.ndim) + expected.shape)
    out = T.Tile(ndim)(x, reps)
    assert out.ndim == ndim
    _values([x], out, [xv], expected)
    check_infer_shape([x], out, [xv])
    if len(reps) == ndim:       # reps a symbolic vector
        r = T.lvector()
        out = T.Tile(ndim)(x, r)
        _values([x, r], out, [xv, np.array(reps)], expected)
        check_infer_shape([x, r], out, [xv, np.array(reps)])
    if 0 not in reps:
        verify_grad(lambda v: T.Tile(ndim)(v, reps), [xv], rng=np.random.RandomState(4), mode=PY)


def test_tile_op_errors():
    x = T.dmatrix()
    with pytest.raises(ValueError, match="more than"):
        T.Tile(1)(x, [2])                         # x has more dimensions than the output
    with pytest.raises(ValueError, match="entries"):
        T.Tile(2)(x, [1, 2, 3])
    with pytest.raises(TypeError, match="integer vector"):
        T.Tile(2)(x, T.dvector())
    r = T.lvector()
    f = theano.function([x, r], T.Tile(2)(x, r), mode=PY)
    with pytest.raises(ValueError, match="entries"):
        f(rand(2, 2), np.array([2]))              # a symbolic reps counts as ndim entries
    with pytest.raises(ValueError, match="non-negative"):
        f(rand(2, 2), np.array([2, -1]))


def test_tile_symbolic_reps_of_run_time_length():
    # reps a vector whose length is known only when the function runs: at most ndim entries,
    # padded with ones on the left (as numpy.tile); more is an AssertionError (Theano 1.0)
    from tests.helpers import value_mode, value_modes

    x = T.dmatrix()
    r = T.ivector()
    xv = rand(2, 3)
    for nd in (2, 3):
        for mode in value_modes():
            f = theano.function([x, r], T.tile(x, r, nd), mode=value_mode(mode))
            for rv in ([2], [2, 3], [1, 2, 3])[:nd]:
                expected = np.tile(xv, rv)
                expected = expected.reshape((1,) * (nd - expected.ndim) + expected.shape)
                for _ in range(2):
                    got = f(xv, np.array(rv, dtype="int32"))
                    assert got.shape == expected.shape
                    np.testing.assert_allclose(got, expected)
            with pytest.raises(AssertionError, match="more entries than ndim"):
                f(xv, np.ones(nd + 1, dtype="int32"))
    with pytest.raises(ValueError, match="give ndim"):
        T.tile(x, r)
