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
    with pytest.raises(TypeError, match="integer"):
        T.tile(x, (1.5, 2))


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
