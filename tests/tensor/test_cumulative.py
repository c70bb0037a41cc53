"""cumsum/cumprod (CumOp) and diff (DiffOp): theano.tensor.cumulative."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


def _nonzero_rand(*shape, seed=None):
    v = rand(*shape, low=0.5, high=1.5, seed=seed)
    sign = np.where(rand(*shape, seed=(seed or 0) + 1) > 0, 1.0, -1.0)
    return v * sign


CASES = []
for _axis in (None, 0, 1, -1):
    CASES += [
        OpCase(f"cumsum_{_axis}", lambda x, a=_axis: T.cumsum(x, axis=a),
               lambda x, a=_axis: np.cumsum(x, axis=a), [rand(3, 4)], dtypes=FLOATS),
        OpCase(f"cumprod_{_axis}", lambda x, a=_axis: T.cumprod(x, axis=a),
               lambda x, a=_axis: np.cumprod(x, axis=a), [_nonzero_rand(3, 4)], dtypes=FLOATS),
    ]
CASES += [
    OpCase("cumsum_3d", lambda x: T.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1),
           [rand(2, 3, 2)], dtypes=FLOATS),
    OpCase("cumsum_empty", lambda x: T.cumsum(x, axis=0), lambda x: np.cumsum(x, axis=0), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("cumsum_method", lambda x: x.cumsum(), np.cumsum, [rand(5)], dtypes=FLOATS),
    OpCase("cumprod_method", lambda x: x.cumprod(axis=0), lambda x: np.cumprod(x, axis=0),
           [_nonzero_rand(4, 2)], dtypes=FLOATS),
    OpCase("diff1", lambda x: T.diff(x), np.diff, [rand(6)], dtypes=FLOATS),
    OpCase("diff2_axis0", lambda x: T.diff(x, n=2, axis=0), lambda x: np.diff(x, n=2, axis=0), [rand(5, 3)],
           dtypes=FLOATS),
    OpCase("diff3_neg", lambda x: T.diff(x, n=3, axis=-1), lambda x: np.diff(x, n=3, axis=-1),
           [rand(2, 5)], dtypes=FLOATS),
    OpCase("diff_too_long", lambda x: T.diff(x, n=4), lambda x: np.diff(x, n=4), [rand(3)], dtypes=FLOATS,
           grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_cumop_types_and_errors():
    x = T.dmatrix()
    assert T.cumsum(x).ndim == 1
    assert T.cumsum(x, axis=0).type == x.type
    i = T.ivector()
    assert T.cumsum(i).dtype == "int32"
    np.testing.assert_array_equal(run(T.cumsum(i), [i], [np.array([1, 2, 3], dtype="int32")]), [1, 3, 6])
    np.testing.assert_array_equal(run(T.cumprod(i), [i], [np.array([1, 2, 3], dtype="int32")]), [1, 2, 6])
    with pytest.raises(ValueError, match="out of range"):
        T.cumsum(x, axis=2)
    with pytest.raises(TypeError, match="int"):
        T.cumsum(x, axis=1.0)
    with pytest.raises(ValueError, match="mode"):
        T.CumOp(0, "max")
    check_infer_shape([x], T.cumsum(x), [rand(3, 2)])


def test_diff_errors_and_int():
    with pytest.raises(ValueError, match="out of range"):
        T.diff(T.dvector(), axis=1)
    with pytest.raises(ValueError, match="non-negative"):
        T.diff(T.dvector(), n=-1)
    with pytest.raises(TypeError, match="integer"):
        T.diff(T.dvector(), n=1.5)
    i = T.lvector()
    iv = np.array([1, 4, 9, 16])
    compare_backends([i], T.diff(i, 2), [iv], expected=np.diff(iv, 2))
    np.testing.assert_array_equal(run(T.diff(i, 0), [i], [iv]), iv)


def _finite_difference_grad(f, xv, eps=1e-6):
    g = np.zeros_like(xv)
    for i in np.ndindex(*xv.shape):
        d = np.zeros_like(xv)
        d[i] = eps
        g[i] = (f(xv + d) - f(xv - d)) / (2 * eps)
    return g


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("mode", ["py", "auto"])
def test_cumprod_gradient_is_finite_and_right_where_the_input_has_zeros(axis, mode):
    """d cumprod(x)_j / d x_i = prod_{k <= j, k != i} x_k: at a first zero it is the product of
    the others, after it 0. Theano's out / x formula gave nan (0 / 0) at every zero."""
    rng = np.random.RandomState(7)
    w = rng.randn(3, 5)
    wv = w.reshape(-1) if axis is None else w
    x = T.dmatrix("x")
    cost = (T.extra_ops.cumprod(x, axis) * T.constant(wv)).sum()
    m = theano.Mode(linker="py", optimizer="None") if mode == "py" else \
        theano.Mode(linker="auto", optimizer="fast_run")
    g = theano.function([x], T.grad(cost, x), mode=m)
    for zeros in ([(0, 1), (1, 1), (1, 3), (2, 0), (2, 4)], [(0, 0), (0, 1)], [(1, 4)], []):
        xv = rng.randn(3, 5)
        for z in zeros:
            xv[z] = 0.0
        ref = _finite_difference_grad(
            lambda a: (np.cumprod(a, axis) * wv).sum(), xv)
        for _ in range(3):
            got = g(xv)
            assert np.isfinite(got).all(), got
            np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6)
    # float32 too, away from zeros the values are Theano's formula's
    xf = T.fmatrix("xf")
    gf = theano.function([xf], T.grad(T.extra_ops.cumprod(xf, axis).sum(), xf), mode=m)
    xv = (rng.rand(3, 5) + 0.5).astype("float32")
    xv[1, 2] = 0
    got = gf(xv)
    assert got.dtype == np.float32 and np.isfinite(got).all()
    ref = _finite_difference_grad(lambda a: np.cumprod(a, axis).sum(), xv.astype("float64"))
    np.testing.assert_allclose(got, ref, rtol=2e-3, atol=2e-3)
