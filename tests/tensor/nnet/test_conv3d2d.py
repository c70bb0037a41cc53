"""theano.tensor.nnet.conv3d2d: Theano 1.0's (batch, time, channels, rows, cols) 3-D convolution,
against SciPy's n-d convolution, with gradients, shapes and the diagonal-view helper."""

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.tensor.nnet.conv3d2d import conv3d, get_diagonal_subtensor_view

MODES = {"FAST_RUN": "FAST_RUN", "FAST_COMPILE": "FAST_COMPILE"}


def _reference(s, f, mode):
    """(batch, time, channels, rows, cols) * (out, time, channels, rows, cols), true convolution."""
    kt, kh, kw = f.shape[1], f.shape[3], f.shape[4]
    if mode == "half":
        pad = [(0, 0), (kt // 2, kt // 2), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)]
        s = np.pad(s, pad)
        mode = "valid"
    out = None
    for b in range(s.shape[0]):
        for o in range(f.shape[0]):
            acc = sum(signal.convolve(s[b, :, c], f[o, :, c], mode=mode) for c in range(s.shape[2]))
            if out is None:
                out = np.zeros((s.shape[0], acc.shape[0], f.shape[0]) + acc.shape[1:])
            out[b, :, o] = acc
    return out


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("border", ["valid", "full", "half"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_against_scipy(border, dtype, mode):
    rng = np.random.RandomState(3)
    s = rng.randn(2, 5, 3, 6, 7).astype(dtype)
    f = rng.randn(4, 3, 3, 3, 2).astype(dtype)
    sv = T.TensorType(dtype, (False,) * 5)("s")
    fv = T.TensorType(dtype, (False,) * 5)("f")
    out = conv3d(sv, fv, border_mode=border)
    fn = theano.function([sv, fv], [out, out.shape], mode=MODES[mode])
    ref = _reference(s.astype("float64"), f.astype("float64"), border)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for _ in range(3):
        got, shape = fn(s, f)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
        assert tuple(shape) == ref.shape


def test_per_axis_border_modes_and_declared_shapes():
    rng = np.random.RandomState(4)
    s = rng.randn(1, 6, 2, 5, 5)
    f = rng.randn(2, 3, 2, 3, 3)
    sv, fv = T.TensorType("float64", (False,) * 5)(), T.TensorType("float64", (False,) * 5)()
    out = conv3d(sv, fv, signals_shape=s.shape, filters_shape=f.shape,
                 border_mode=("valid", "full", "full"))
    got = theano.function([sv, fv], out)(s, f)
    # time 'valid', rows and columns 'full': pad rows/cols by k - 1, then valid everywhere
    padded = np.pad(s, [(0, 0), (0, 0), (0, 0), (2, 2), (2, 2)])
    np.testing.assert_allclose(got, _reference(padded, f, "valid"), rtol=1e-10)
    with pytest.raises(ValueError, match="kernel"):
        conv3d(sv, fv, border_mode=("valid", "full", "full"))
    with pytest.raises(ValueError, match="border_mode"):
        conv3d(sv, fv, border_mode="same")
    with pytest.raises(TypeError, match="5-d"):
        conv3d(T.tensor4(), fv)


def test_gradients_against_finite_differences():
    rng = np.random.RandomState(5)
    s = rng.randn(1, 4, 2, 4, 4)
    f = rng.randn(2, 2, 2, 2, 3)
    for border in ("valid", "full"):
        theano.gradient.verify_grad(lambda a, b: conv3d(a, b, border_mode=border), [s, f],
                                    rng=rng, eps=1e-6)


def test_get_diagonal_subtensor_view_reads_the_diagonals():
    rng = np.random.RandomState(6)
    x = rng.randn(6, 3, 4)
    for i0, i1 in ((0, 1), (0, 2), (2, 1)):
        v = get_diagonal_subtensor_view(x, i0, i1)
        n1 = x.shape[i1]
        assert v.shape[i0] == x.shape[i0] - n1 + 1 and v.shape[i1] == n1
        for idx in np.ndindex(*v.shape):
            src = list(idx)
            src[i0] = idx[i0] + n1 - 1 - idx[i1]
            assert v[idx] == x[tuple(src)]
    assert not v.flags.writeable
    with pytest.raises(ValueError, match="shorter"):
        get_diagonal_subtensor_view(x, 1, 0)


def test_theano1_import_paths():
    from theano.tensor.nnet import abstract_conv, separable_conv2d, separable_conv3d

    assert separable_conv2d is abstract_conv.separable_conv2d
    assert separable_conv3d is abstract_conv.separable_conv3d
    assert theano.tensor.nnet.conv3d2d.conv3d is conv3d


# ---------------------------------------------------------------- DiagonalSubtensor (Theano 1.0's)

from tests.helpers import OpCase, check_case, compare_backends  # noqa: E402
from theano.tensor.nnet.conv3d2d import (DiagonalSubtensor, IncDiagonalSubtensor,  # noqa: E402
                                         diagonal_subtensor, inc_diagonal_subtensor)


def _diag_ref(x, i0, i1):
    """v[.., a, .., b, ..] = x[.., a + n1 - 1 - b, .., b, ..], written as loops."""
    xm = np.moveaxis(np.asarray(x), (int(i0), int(i1)), (0, 1))
    n0, n1 = xm.shape[:2]
    out = np.empty((n0 - n1 + 1, n1) + xm.shape[2:], xm.dtype)
    for a in range(n0 - n1 + 1):
        for b in range(n1):
            out[a, b] = xm[a + n1 - 1 - b, b]
    return np.moveaxis(out, (0, 1), (int(i0), int(i1)))


def _inc_ref(x, i0, i1, amt):
    out = np.array(x, copy=True)
    om = np.moveaxis(out, (int(i0), int(i1)), (0, 1))
    am = np.moveaxis(np.broadcast_to(amt, _diag_ref(x, i0, i1).shape), (int(i0), int(i1)), (0, 1))
    n1 = om.shape[1]
    for a in range(am.shape[0]):
        for b in range(n1):
            om[a + n1 - 1 - b, b] += am[a, b]
    return out


def _rand(*shape):
    return np.random.default_rng(sum(shape)).normal(size=shape)


@pytest.mark.parametrize("shape,i0,i1", [((5, 4), 0, 1), ((4, 3, 2), 0, 1), ((4, 3, 2), 0, 2),
                                         ((2, 5, 3), 1, 2), ((3, 2, 6, 4), 2, 1)])
def test_diagonal_subtensor_values_shapes_grads(shape, i0, i1):
    x = _rand(*shape)
    check_case(OpCase("diagonal_subtensor", lambda x, a, b: diagonal_subtensor(x, a, b),
                      _diag_ref, [x, np.int64(i0), np.int64(i1)],
                      dtypes=("float64", "float32")))
    amt = _rand(*_diag_ref(x, i0, i1).shape)
    check_case(OpCase("inc_diagonal_subtensor",
                      lambda x, a, b, m: inc_diagonal_subtensor(x, a, b, m),
                      _inc_ref, [x, np.int64(i0), np.int64(i1), amt],
                      dtypes=("float64", "float32")))


def test_diagonal_subtensor_matches_the_helper_and_theano_s_example():
    x = T.dmatrix("x")
    a, b = T.lscalar("a"), T.lscalar("b")
    f = theano.function([x, a, b], diagonal_subtensor(x, a, b))
    v = np.arange(20.0).reshape(5, 4)
    for _ in range(3):
        np.testing.assert_array_equal(f(v, 0, 1), [[12, 9, 6, 3], [16, 13, 10, 7]])
        np.testing.assert_array_equal(f(v, 0, 1), get_diagonal_subtensor_view(v, 0, 1))
    with pytest.raises(ValueError, match="shorter"):
        f(v, 1, 0)
    with pytest.raises(ValueError, match="two different axes"):
        f(v, 0, 0)


def test_inc_diagonal_subtensor_broadcast_amt_and_inplace():
    x = T.dtensor3("x")
    amt = T.TensorType("float64", (True, False, True))("amt")
    out = inc_diagonal_subtensor(x, 0, 1, amt)
    xv, av = _rand(4, 3, 2), _rand(1, 3, 1)
    compare_backends([x, amt], out, [xv, av], expected=_inc_ref(xv, 0, 1, av))
    from theano.gradient import verify_grad

    verify_grad(lambda x_, a_: inc_diagonal_subtensor(x_, 0, 1, a_), [xv, av],
                rng=np.random.RandomState(3))
    # in-place versions: a view of x, and x itself updated
    y = T.dtensor3("y")
    view = DiagonalSubtensor(inplace=True)(y, 0, 1)
    assert view.owner.op.view_map == {0: [0]} and diagonal_subtensor.view_map == {}
    f = theano.function([y], view * 1, mode=theano.Mode(linker="py", optimizer="None"))
    np.testing.assert_array_equal(f(xv), _diag_ref(xv, 0, 1))
    g = theano.function([theano.In(y, mutable=True)], IncDiagonalSubtensor(inplace=True)(
        y, 0, 1, T.ones_like(DiagonalSubtensor()(y, 0, 1))), accept_inplace=True,
        mode=theano.Mode(linker="py", optimizer="None"))
    for _ in range(3):
        np.testing.assert_array_equal(g(xv.copy()), _inc_ref(xv, 0, 1, 1.0))
    # the in-place op writes into its input's array, the other one into a copy
    for inplace in (True, False):
        op = IncDiagonalSubtensor(inplace=inplace)
        node = op.make_node(y, 0, 1, T.dtensor3())
        buf, cell = xv.copy(), [None]
        op.perform(node, [buf, 0, 1, np.ones((2, 3, 2))], [cell])
        np.testing.assert_array_equal(cell[0], _inc_ref(xv, 0, 1, 1.0))
        assert (cell[0] is buf) == inplace
        np.testing.assert_array_equal(buf, _inc_ref(xv, 0, 1, 1.0) if inplace else xv)
    with pytest.raises(ValueError, match="does not fit"):
        theano.function([x, amt], out)(xv, _rand(1, 2, 1))
    with pytest.raises(TypeError, match="integer scalar"):
        diagonal_subtensor(x, 0.5, 1)
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        diagonal_subtensor(T.dvector(), 0, 1)
    with pytest.raises(TypeError, match="amt must have"):
        inc_diagonal_subtensor(x, 0, 1, T.dmatrix())
