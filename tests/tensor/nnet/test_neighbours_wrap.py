"""images2neibs in mode 'wrap_centered' (one patch centered on every step-th cell, wrapping at
the borders) against a NumPy reference built with np.take(mode='wrap'); its shape, its gradient
by finite differences, Theano 1.0's TypeErrors for even or too large patches, and patch sizes
given as constant variables. Default backend, reference VM and (when installed) JAX."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet.neighbours import images2neibs, neibs2images

MODES = ["FAST_RUN", theano.Mode(linker="py")]
try:
    import jax  # noqa: F401
    MODES.append(theano.Mode(linker="jax"))
except ImportError:
    pass


def _reference(x, shape, step):
    kr, kc = shape
    sr, sc = step
    b, c, h, w = x.shape
    rows = []
    for bi in range(b):
        for ci in range(c):
            for i in range(0, h, sr):
                for j in range(0, w, sc):
                    r = np.take(x[bi, ci], range(i - kr // 2, i - kr // 2 + kr), axis=0, mode="wrap")
                    patch = np.take(r, range(j - kc // 2, j - kc // 2 + kc), axis=1, mode="wrap")
                    rows.append(patch.reshape(-1))
    return np.array(rows)


CASES = [((2, 3, 5, 5), (3, 3), (1, 1)), ((1, 2, 5, 7), (3, 5), (2, 3)),
         ((2, 1, 6, 4), (5, 3), (4, 1)), ((1, 1, 3, 3), (3, 3), (3, 3)),
         ((3, 2, 8, 9), (1, 7), (2, 2))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
@pytest.mark.parametrize("shape,neib,step", CASES)
def test_values_and_shape_against_numpy(mode, dtype, shape, neib, step):
    x = T.tensor4("x", dtype=dtype)
    out = images2neibs(x, neib, step, mode="wrap_centered")
    f = theano.function([x], [out, out.shape], mode=mode)
    xv = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
    expected = _reference(xv, neib, step)
    for _ in range(3):
        got, got_shape = f(xv)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)
        assert tuple(got_shape) == expected.shape


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("neib,step", [((3, 3), (1, 1)), ((3, 5), (2, 3)), ((5, 1), (3, 2))])
def test_gradient_by_finite_differences(mode, neib, step):
    rng = np.random.RandomState(2)
    xv = rng.randn(2, 2, 5, 6)
    verify_grad(lambda x: T.sin(images2neibs(x, neib, step, mode="wrap_centered")), [xv],
                rng=rng, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("neib,shape", [((3, 3), (1, 2, 4, 5)), ((3, 1), (2, 1, 7, 3))])
def test_neibs2images_adds_every_copy_back(mode, neib, shape):
    # patches of a step equal to their size (neibs2images' only step): a cell is in as many
    # patches as the wrapped grid puts it in, counted with a NumPy loop
    x = T.tensor4("x")
    n = images2neibs(x, neib, mode="wrap_centered")
    f = theano.function([x], neibs2images(n, neib, x.shape, mode="wrap_centered"), mode=mode)
    kr, kc = neib
    b, c, h, w = shape
    counts = np.zeros((h, w))
    for i in range(0, h, kr):
        for j in range(0, w, kc):
            for a in range(kr):
                for d in range(kc):
                    counts[(i + a - kr // 2) % h, (j + d - kc // 2) % w] += 1
    xv = np.random.RandomState(0).randn(*shape)
    for _ in range(3):
        np.testing.assert_allclose(f(xv), counts * xv, rtol=1e-12)


def test_even_or_too_large_patches_and_symbolic_sizes():
    x = T.tensor4("x")
    for neib, shape in [((3, 2), (1, 1, 6, 6)), ((2, 3), (1, 1, 6, 6)), ((3, 3), (1, 1, 2, 5)),
                        ((3, 3), (1, 1, 5, 2))]:
        f = theano.function([x], images2neibs(x, T.as_tensor_variable(neib), mode="wrap_centered"))
        with pytest.raises(TypeError, match="wrap_centered"):
            f(np.zeros(shape, dtype=theano.config.floatX))
    k = T.ivector("k")
    with pytest.raises(TypeError, match="constant"):
        images2neibs(x, k)
    # constant variables give their values (also for the other modes)
    f = theano.function([x], images2neibs(x, T.as_tensor_variable((2, 2)),
                                          T.as_tensor_variable((2, 2))))
    xv = np.arange(16.0).reshape(1, 1, 4, 4).astype(theano.config.floatX)
    np.testing.assert_array_equal(f(xv)[0], [0, 1, 4, 5])
