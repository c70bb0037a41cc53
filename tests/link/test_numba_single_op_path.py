"""A single-op Elemwise whose NumPy function is priced clearly above vmath's loop by the static
cost table (float64 sin/cos: scalar libm loops in NumPy; sigmoid: SciPy's expit; softplus:
NumPy's logaddexp) runs as a Numba kernel; ops whose ufuncs are SIMD loops stay ufuncs
(theano/link/numba/elemwise.py, ``choose_path``)."""

import numpy as np
import pytest
import scipy.special

import theano
import theano.tensor as T

pytest.importorskip("numba")

PER_NODE = {"numba__whole_graph": False}


def _path(f):
    from theano.compile.describe import node_paths

    (label,) = [str(p) for n, p in node_paths(f) if isinstance(n.op, T.Elemwise)]
    return label


def _ulps(got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    spacing = np.spacing(np.abs(want).astype(got.dtype))
    return np.where(got == want, 0.0, np.abs(got - want) / spacing)


OPS = [
    # (theano op, reference, max ulps from the reference: vmath's stated accuracy)
    ("sin", T.sin, np.sin, 2),
    ("cos", T.cos, np.cos, 2),
    ("sigmoid", T.nnet.sigmoid, scipy.special.expit, 4),
    ("softplus", T.nnet.softplus, lambda v: np.logaddexp(0.0, v), 4),
]


def _inputs(shape):
    rs = np.random.RandomState(7)
    v = rs.uniform(-30, 30, size=shape)
    flat = v.reshape(-1)
    special = [0.0, -0.0, 1e-300, -1e-300, 1000.0, -1000.0, 1e5, -1e5, 710.0, -745.0]
    flat[:len(special)] = special
    return v


@pytest.mark.parametrize("name, op, ref, ulps", OPS, ids=[o[0] for o in OPS])
@pytest.mark.parametrize("shape", [(1000,), (37, 29)])
def test_single_costly_op_is_a_kernel_with_numpys_values(name, op, ref, ulps, shape):
    x = T.TensorType("float64", (False,) * len(shape))("x")
    with theano.config.change_flags(**PER_NODE):
        f = theano.function([x], op(x))
    assert _path(f) == "kernel"
    v = _inputs(shape)
    got = f(v)
    assert got.dtype == np.float64 and got.shape == shape
    assert _ulps(got, ref(v)).max() <= ulps
    # a strided view gives the same values, and every call the same bits
    big = np.zeros(shape[:-1] + (shape[-1] * 2,))
    big[..., ::2] = v
    np.testing.assert_array_equal(f(big[..., ::2]), got)
    for _ in range(3):
        np.testing.assert_array_equal(f(v), got)


def test_nan_inf_and_far_arguments():
    x = T.dvector("x")
    v = np.array([np.nan, np.inf, -np.inf, 1e22, -3e300, 2.5])
    with theano.config.change_flags(**PER_NODE):
        fs = {n: theano.function([x], op(x)) for n, op, _, _ in OPS}
    with np.errstate(invalid="ignore", over="ignore"):
        for n, op, ref, ulps in OPS:
            got, want = fs[n](v), ref(v)
            np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
            ok = ~np.isnan(want)
            assert _ulps(got[ok], want[ok]).max() <= ulps, n


def test_simd_ufuncs_and_float32_sin_stay_ufuncs():
    x, xf = T.dvector("x"), T.fvector("xf")
    with theano.config.change_flags(**PER_NODE):
        for e in (T.exp(x), T.tanh(x), T.log(x), x * 2, T.sin(xf)):
            assert _path(theano.function([e.owner.inputs[0]], e)) == "ufunc", e


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_saturates_and_its_gradient_stays_finite(dtype):
    x = T.vector("x", dtype=dtype)
    s = T.nnet.sigmoid(x)
    with theano.config.change_flags(**PER_NODE):
        f = theano.function([x], [s, T.grad(s.sum(), x)])
    v = np.array([-1000, -50, -1, 0, 1, 50, 1000], dtype=dtype)
    val, grad = f(v)
    want = scipy.special.expit(v.astype(np.float64))
    np.testing.assert_allclose(val, want, rtol=1e-6 if dtype == "float32" else 1e-15, atol=0)
    # s * (1 - s) without the cancellation: expit(v) * expit(-v)
    np.testing.assert_allclose(grad, want * scipy.special.expit(-v.astype(np.float64)),
                               rtol=1e-5, atol=1e-30)
    assert np.isfinite(grad).all()
