"""theano.tensor.nnet.abstract_conv: the gradient ops' single shape argument, the shape helpers,
bilinear upsampling, separable and causal convolutions, against SciPy/NumPy references and finite
differences."""

import itertools

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import abstract_conv as ac
from theano.tensor.nnet import conv
from tests.helpers import assert_allclose

PY = theano.Mode(linker="py", optimizer="None")
MODES = (PY, None)  # reference VM and the default (Numba) back-end


def _rng(seed):
    return np.random.RandomState(seed)


def ref_conv2d_valid(x, w):
    """conv2d (true convolution, 'valid') with scipy.signal, channel by channel."""
    b, c = x.shape[:2]
    f = w.shape[0]
    out = np.zeros((b, f, x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
    for i, j, k in itertools.product(range(b), range(f), range(c)):
        out[i, j] += signal.convolve2d(x[i, k], w[j, k], mode="valid")
    return out


def ref_grad_inputs(w, gz):
    """The gradient wrt x of sum(conv2d_valid(x, w) * gz): sum_f convolve_full(gz, flip(w))."""
    b, f = gz.shape[:2]
    c = w.shape[1]
    out = np.zeros((b, c, gz.shape[2] + w.shape[2] - 1, gz.shape[3] + w.shape[3] - 1))
    for i, j, k in itertools.product(range(b), range(f), range(c)):
        out[i, k] += signal.convolve2d(gz[i, j], w[j, k][::-1, ::-1], mode="full")
    return out


def ref_grad_weights(x, gz):
    """The gradient wrt w of sum(conv2d_valid(x, w) * gz): flip(correlate_valid(x, gz))."""
    b, f = gz.shape[:2]
    c = x.shape[1]
    kh, kw = x.shape[2] - gz.shape[2] + 1, x.shape[3] - gz.shape[3] + 1
    out = np.zeros((f, c, kh, kw))
    for i, j, k in itertools.product(range(b), range(f), range(c)):
        out[j, k] += signal.correlate2d(x[i, k], gz[i, j], mode="valid")[::-1, ::-1]
    return out


# -------------------------------------------------------------------------------------------------
# The gradient ops take one shape argument
# -------------------------------------------------------------------------------------------------


def test_reference_gradients_agree_with_finite_differences():
    r = _rng(0)
    x, w = r.randn(1, 2, 5, 4), r.randn(3, 2, 2, 3)
    gz = r.randn(1, 3, 4, 2)
    eps = 1e-6
    e = np.zeros_like(x)
    e[0, 1, 2, 3] = eps
    fd = np.sum((ref_conv2d_valid(x + e, w) - ref_conv2d_valid(x - e, w)) * gz) / (2 * eps)
    assert_allclose(ref_grad_inputs(w, gz)[0, 1, 2, 3], fd, rtol=1e-6)
    e = np.zeros_like(w)
    e[2, 0, 1, 1] = eps
    fd = np.sum((ref_conv2d_valid(x, w + e) - ref_conv2d_valid(x, w - e)) * gz) / (2 * eps)
    assert_allclose(ref_grad_weights(x, gz)[2, 0, 1, 1], fd, rtol=1e-6)


def _shape_variants(values):
    """The shape argument as a tuple of ints, a tuple of symbolic scalars, an lvector, an
    ivector: (argument, extra symbolic inputs, their values)."""
    s0, s1 = T.lscalar(), T.iscalar()
    lv, iv = T.lvector(), T.ivector()
    return [(tuple(values), [], []),
            ((s0, s1), [s0, s1], list(values)),
            ((values[0], s1), [s1], [values[1]]),
            (lv, [lv], [np.array(values, dtype="int64")]),
            (iv, [iv], [np.array(values, dtype="int32")])]


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_grad_inputs_op_single_shape_argument(mode):
    r = _rng(1)
    w_val, gz_val = r.randn(3, 2, 3, 2), r.randn(2, 3, 4, 5)
    expected = ref_grad_inputs(w_val, gz_val)
    w, gz = T.dtensor4(), T.dtensor4()
    for shape, extra, extra_vals in _shape_variants(expected.shape[2:]):
        out = ac.AbstractConv2d_gradInputs()(w, gz, shape)
        f = theano.function([w, gz] + extra, out, mode=mode)
        for _ in range(2):
            assert_allclose(f(w_val, gz_val, *extra_vals), expected)


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_grad_weights_op_single_shape_argument(mode):
    r = _rng(2)
    x_val, gz_val = r.randn(2, 2, 6, 5), r.randn(2, 3, 4, 4)
    expected = ref_grad_weights(x_val, gz_val)
    x, gz = T.dtensor4(), T.dtensor4()
    for shape, extra, extra_vals in _shape_variants(expected.shape[2:]):
        out = ac.AbstractConv2d_gradWeights()(x, gz, shape)
        f = theano.function([x, gz] + extra, out, mode=mode)
        for _ in range(2):
            assert_allclose(f(x_val, gz_val, *extra_vals), expected)


def test_grad_ops_strided_shape_decides_the_input_size():
    # with stride 2, inputs of 7 and 8 rows give the same 3 output rows: the shape argument decides
    r = _rng(3)
    w_val, x7 = r.randn(2, 1, 3, 3), r.randn(1, 1, 7, 8)
    x, w = T.dtensor4(), T.dtensor4()
    gz = T.dtensor4()
    y = conv.conv2d(x, w, subsample=(2, 2))
    gz_val = r.randn(1, 2, 3, 3)
    g_ref = theano.function([x, w, gz], T.grad((y * gz).sum(), x), mode=PY)(x7, w_val, gz_val)
    op = ac.AbstractConv2d_gradInputs(subsample=(2, 2))
    for rows in (7, 8):
        got = theano.function([w, gz], op(w, gz, (rows, 8)), mode=PY)(w_val, gz_val)
        assert got.shape == (1, 1, rows, 8)
        assert_allclose(got[:, :, :7], g_ref)
        if rows == 8:
            assert not got[:, :, 7].any()  # the 8th row is never read by the convolution


def test_grad_ops_gradients_and_types():
    # gradients of the gradient ops (finite differences), through the single shape argument
    r = _rng(4)
    w_val, gz_val = r.randn(2, 2, 2, 3), r.randn(1, 2, 3, 2)
    op_in = ac.AbstractConv2d_gradInputs(border_mode="full")
    verify_grad(lambda w, g: op_in(w, g, (2, 0)), [w_val, gz_val], rng=_rng(0), mode=PY)
    x_val = r.randn(1, 2, 4, 4)
    op_w = ac.AbstractConv2d_gradWeights(border_mode=(1, 1))
    verify_grad(lambda x, g: op_w(x, g, (3, 5)), [x_val, r.randn(1, 3, 4, 2)], rng=_rng(0),
                mode=PY)
    # the gradient wrt an input has that input's type
    x, w, g = T.ftensor4(), T.ftensor4(), T.ftensor4()
    out_shape = T.lvector()
    gw = ac.AbstractConv2d_gradWeights()(x, g, out_shape)
    gx, gg = theano.grad(gw.sum(), [x, g])
    assert gx.type == x.type and gg.type == g.type
    gi = ac.AbstractConv2d_gradInputs()(w, g, out_shape)
    gw2, gg2 = theano.grad(gi.sum(), [w, g])
    assert gw2.type == w.type and gg2.type == g.type


def test_grad_ops_shape_argument_errors():
    w, g = T.dtensor4(), T.dtensor4()
    op = ac.AbstractConv2d_gradInputs()
    with pytest.raises(ValueError, match="2 entries"):
        op(w, g, (3, 4, 5))
    with pytest.raises(TypeError, match="int vector"):
        op(w, g, T.dvector())
    with pytest.raises(TypeError, match="integer scalar"):
        op(w, g, (3, T.dscalar()))
    with pytest.raises(ValueError, match=">= 0"):
        op(w, g, (3, -1))
    v = T.lvector()
    f = theano.function([w, g, v], op(w, g, v), mode=PY)
    with pytest.raises(ValueError, match="2 entries"):
        f(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), [3, 3, 3])
    with pytest.raises(ValueError, match="output_grad has shape"):
        f(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), [5, 5])


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_conv3d_grad_ops_single_shape_argument(mode):
    r = _rng(5)
    x_val, w_val = r.randn(1, 2, 4, 5, 3), r.randn(2, 2, 2, 3, 2)
    y_ref = np.zeros((1, 2, 3, 3, 2))
    for f_, c in itertools.product(range(2), range(2)):
        y_ref[0, f_] += signal.convolve(x_val[0, c], w_val[f_, c], mode="valid")
    x, w = T.dtensor5(), T.dtensor5()
    y = conv.conv3d(x, w)
    assert_allclose(theano.function([x, w], y, mode=mode)(x_val, w_val), y_ref)
    gz_val = r.randn(*y_ref.shape)
    gz = T.dtensor5()
    gx_ref, gw_ref = theano.function([x, w, gz], T.grad((y * gz).sum(), [x, w]), mode=PY)(
        x_val, w_val, gz_val)
    # finite-difference check of one entry of each reference gradient
    eps = 1e-6
    e = np.zeros_like(x_val)
    e[0, 1, 2, 3, 1] = eps
    fd = lambda a, b: np.sum((  # noqa: E731
        theano.function([x, w], y, mode=PY)(a, b)) * gz_val)
    assert_allclose(gx_ref[0, 1, 2, 3, 1], (fd(x_val + e, w_val) - fd(x_val - e, w_val)) / (2 * eps),
                    rtol=1e-5)
    v = T.lvector()
    gx = ac.AbstractConv3d_gradInputs()(w, gz, v)
    gw = ac.AbstractConv3d_gradWeights()(x, gz, (2, 3, 2))
    f = theano.function([x, w, gz, v], [gx, gw], mode=mode)
    for _ in range(2):
        a, b = f(x_val, w_val, gz_val, [4, 5, 3])
        assert_allclose(a, gx_ref)
        assert_allclose(b, gw_ref)


def test_legacy_conv2d_tuning_keywords():
    r = _rng(6)
    x_val, w_val = r.randn(2, 3, 6, 5), r.randn(4, 3, 3, 2)
    x, w = T.dtensor4(), T.dtensor4()
    y = conv.conv2d(x, w, (2, 3, 6, 5), (4, 3, 3, 2), "valid", (1, 1), unroll_batch=2,
                    unroll_kern=4, unroll_patch=False, openmp=False, verbose=0)
    assert_allclose(theano.function([x, w], y)(x_val, w_val), ref_conv2d_valid(x_val, w_val))
    with pytest.raises(TypeError, match="imshp_logical"):
        conv.conv2d(x, w, imshp_logical=(3, 6, 5))


# -------------------------------------------------------------------------------------------------
# Shape helpers
# -------------------------------------------------------------------------------------------------


def test_get_conv_gradinputs_and_gradweights_shape_round_trip():
    for i, k, bm, d in itertools.product(range(1, 12), range(1, 6), ("valid", "half", "full", 1),
                                         (1, 2)):
        image, kernel = (5, 6, i, i + 1), (7, 6, k, k)
        out = ac.get_conv_output_shape(image, kernel, bm, (1, 1), (d, d))
        if min(out[2:]) <= 0:
            continue
        assert ac.get_conv_gradinputs_shape(kernel, out, bm, (1, 1), (d, d)) == image
        assert ac.get_conv_gradinputs_shape(kernel, out, bm, (2, 1), (d, d))[2] is None
        kshape = ac.get_conv_gradweights_shape(image, out, bm, (1, 1), (d, d))
        if bm == "half":
            assert kshape == (7, 6, None, None)
        else:
            # the smallest filter (for the dilation) giving that output
            assert kshape[:2] == (7, 6)
            got = ac.get_conv_output_shape(image, kshape, bm, (1, 1), (d, d))
            assert got == out
            if d == 1:
                assert kshape == kernel
    assert ac.get_conv_gradweights_shape((2, 6, 9, 9), (2, 4, 4, 4), "valid", (1, 1),
                                         num_groups=3) == (4, 2, 6, 6)
    assert ac.get_conv_gradinputs_shape((4, 2, 3, 3), (2, 4, 7, 7), "valid", (1, 1),
                                        num_groups=3) == (2, 6, 9, 9)


def test_check_conv_gradinputs_shape():
    for i, k, bm, s in itertools.product(range(1, 10), range(1, 5), ("valid", "half", "full", 2),
                                         (1, 2, 3)):
        image, kernel = (3, 4, i, i), (5, 4, k, k)
        out = ac.get_conv_output_shape(image, kernel, bm, (s, s))
        assert ac.check_conv_gradinputs_shape(image, kernel, out, bm, (s, s))
        assert ac.check_conv_gradinputs_shape(image, kernel, (None, None, out[2], None), bm, (s, s))
        assert not ac.check_conv_gradinputs_shape(image, kernel, (1, 1) + out[2:], bm, (s, s))
        for o in (-2, -1, 1, 2):
            assert not ac.check_conv_gradinputs_shape(
                image, kernel, out[:2] + (out[2] + o, out[3] + o), bm, (s, s))
    assert ac.check_conv_gradinputs_shape((3, 4, 5, 5), (5, 4, 2, 2), (3, 5, T.lscalar(), 4),
                                          "valid", (1, 1))
    assert not ac.check_conv_gradinputs_shape((3, 4, 5, 5), (5, 4, 2, 2), (3, 5, 4), "valid",
                                              (1, 1))


def test_assert_conv_shape():
    shape = tuple(T.iscalar() for _ in range(4))
    f = theano.function(list(shape), list(ac.assert_conv_shape(shape)), mode=PY)
    assert [int(v) for v in f(1, 2, 3, 4)] == [1, 2, 3, 4]
    assert [int(v) for v in f(0, 0, 1, 1)] == [0, 0, 1, 1]
    for bad in ((3, 3, 3, 0), (3, 3, 0, 3), (3, 3, -1, 3), (3, -1, 3, 3), (-1, 3, 3, 3)):
        with pytest.raises(AssertionError, match="invalid shape"):
            f(*bad)
    assert ac.assert_conv_shape((2, 0, 3, 4)) == (2, 0, 3, 4)
    with pytest.raises(ValueError, match="invalid shape"):
        ac.assert_conv_shape((2, 3, 0, 4))


def test_assert_shape():
    x = T.tensor4()
    s1, s2 = T.iscalar(), T.iscalar()
    for mode in MODES:
        f = theano.function([x, s1, s2], ac.assert_shape(x, [None, s1, s2, None]), mode=mode)
        v = np.arange(3 * 5 * 7 * 2, dtype=x.dtype).reshape(3, 5, 7, 2)
        assert_allclose(f(v, 5, 7), v)
        for a, b in ((5, 0), (5, 9), (0, 7), (7, 7)):
            with pytest.raises(AssertionError):
                f(v, a, b)
    assert ac.assert_shape(x, None) is x
    with pytest.raises(ValueError, match="4-d"):
        ac.assert_shape(x, (1, 2))


# -------------------------------------------------------------------------------------------------
# Bilinear upsampling
# -------------------------------------------------------------------------------------------------


def ref_upsample_axis(a, ratio, axis):
    """Linear interpolation along ``axis`` at positions (i - (ratio - 1) // 2) / ratio, clamped."""
    n = a.shape[axis]
    pos = np.clip((np.arange(n * ratio) - (ratio - 1) // 2) / ratio, 0, n - 1)
    moved = np.moveaxis(a, axis, -1)
    out = np.apply_along_axis(lambda row: np.interp(pos, np.arange(n), row), -1, moved)
    return np.moveaxis(out, -1, axis)


def ref_bilinear(x, ratio_r, ratio_c, den_r=1, den_c=1):
    up = ref_upsample_axis(ref_upsample_axis(x, ratio_r, 2), ratio_c, 3)
    return up[:, :, ::den_r, ::den_c]


def test_bilinear_kernels():
    r = T.iscalar()
    f_sym = theano.function([r], ac.bilinear_kernel_1D(r, normalize=False), mode=PY)
    for ratio in range(1, 9):
        tent = np.concatenate([np.arange(1, ratio + 1), np.arange(ratio - 1, 0, -1)])
        assert_allclose(theano.function([], ac.bilinear_kernel_1D(ratio, False))(), tent)
        assert_allclose(f_sym(ratio), tent)
        assert_allclose(theano.function([], ac.bilinear_kernel_1D(ratio))(), tent / ratio)
        k2 = theano.function([], ac.bilinear_kernel_2D(ratio))()
        assert_allclose(k2, np.outer(tent, tent) / ratio ** 2)
        assert k2.dtype == theano.config.floatX


def test_bilinear_upsampling_two_by_two_closed_form():
    # a 2x2 input: between the corners the values are linear, outside they are clamped
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=theano.config.floatX)
    for ratio in range(2, 8):
        for use_1d in (True, False):
            got = theano.function([], ac.bilinear_upsampling(x, ratio, batch_size=1,
                                                             num_input_channels=1,
                                                             use_1D_kernel=use_1d))()
            t = np.clip((np.arange(2 * ratio) - (ratio - 1) // 2) / ratio, 0, 1)
            expected = 1 + 2 * t[:, None] + t[None, :]
            assert got.shape == (1, 1, 2 * ratio, 2 * ratio)
            assert_allclose(got[0, 0], expected, rtol=1e-6)


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_bilinear_upsampling_matches_interpolation(mode):
    x = T.dtensor4()
    v = _rng(7).rand(2, 3, 5, 4)
    for ratio, use_1d in ((2, True), (3, False), (4, True), (5, False)):
        f = theano.function([x], ac.bilinear_upsampling(x, ratio, use_1D_kernel=use_1d), mode=mode)
        for _ in range(2):
            assert_allclose(f(v), ref_bilinear(v, ratio, ratio))


def test_fractional_bilinear_upsampling():
    v = np.arange(1.0, 13.0).reshape(1, 3, 2, 2)
    for use_1d in (False, True):
        got = theano.function([], ac.bilinear_upsampling(v, frac_ratio=((7, 4), (5, 3)),
                                                         use_1D_kernel=use_1d))()
        assert got.shape == (1, 3, 4, 4)
        assert_allclose(got, ref_bilinear(v, 7, 5, 4, 3))
        # first channel: rows interpolate 1 -> 3 at 0, 1/7, 5/7, 1; columns 1 -> 2 at 0, .2, .8, 1
        assert_allclose(got[0, 0, :, 0], [1, 1 + 2 / 7, 1 + 10 / 7, 3])
        assert_allclose(got[0, 0, 0], [1, 1.2, 1.8, 2])
    x = T.dtensor4()
    w = _rng(8).rand(1, 1, 20, 30)
    got = theano.function([x], ac.bilinear_upsampling(x, frac_ratio=(3, 2)))(w)
    assert got.shape == (1, 1, 30, 45)
    assert_allclose(got, ref_bilinear(w, 3, 3, 2, 2))


def test_bilinear_upsampling_gradient_and_errors():
    v = _rng(9).rand(1, 2, 3, 3)
    verify_grad(lambda a: ac.bilinear_upsampling(a, 2), [v], rng=_rng(0), mode=PY)
    with pytest.raises(ValueError, match="exactly one"):
        ac.bilinear_upsampling(T.dtensor4())
    with pytest.raises(ValueError, match="positive int"):
        ac.bilinear_upsampling(T.dtensor4(), 0)
    with pytest.raises(ValueError, match="frac_ratio"):
        ac.bilinear_upsampling(T.dtensor4(), frac_ratio=(1, 2, 3))
    with pytest.raises(TypeError, match="4-d"):
        ac.bilinear_upsampling(T.dtensor3(), 2)


# -------------------------------------------------------------------------------------------------
# Separable and causal convolutions
# -------------------------------------------------------------------------------------------------


def ref_separable(x, dw, pw, nd):
    c = x.shape[1]
    mult = dw.shape[0] // c
    depth = []
    for b in range(x.shape[0]):
        maps = [signal.convolve(x[b, ch], dw[ch * mult + m, 0], mode="valid")
                for ch in range(c) for m in range(mult)]
        depth.append(np.stack(maps))
    depth = np.stack(depth)
    # the pointwise step: a 1x1 convolution mixes the depthwise maps
    return np.tensordot(pw.reshape(pw.shape[:2]), depth, axes=([1], [1])).swapaxes(0, 1)


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_separable_conv2d(mode):
    r = _rng(10)
    x_val = r.randn(2, 3, 6, 5)
    dw_val = r.randn(6, 1, 3, 2)      # depth multiplier 2
    pw_val = r.randn(4, 6, 1, 1)
    x, dw, pw = T.dtensor4(), T.dtensor4(), T.dtensor4()
    y = ac.separable_conv2d(x, dw, pw, 3, input_shape=(2, 3, 6, 5), depthwise_filter_shape=(6, 1, 3, 2),
                            pointwise_filter_shape=(4, 6, 1, 1))
    f = theano.function([x, dw, pw], y, mode=mode)
    for _ in range(2):
        assert_allclose(f(x_val, dw_val, pw_val), ref_separable(x_val, dw_val, pw_val, 2))
    verify_grad(lambda a, b, c: ac.separable_conv2d(a, b, c, 3), [x_val[:1], dw_val, pw_val],
                rng=_rng(0), mode=PY)
    with pytest.raises(ValueError, match="num_channels"):
        ac.separable_conv2d(x, dw, pw, 0)


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_separable_conv3d(mode):
    r = _rng(11)
    x_val = r.randn(1, 2, 4, 5, 3)
    dw_val = r.randn(2, 1, 2, 3, 2)
    pw_val = r.randn(3, 2, 1, 1, 1)
    x, dw, pw = T.dtensor5(), T.dtensor5(), T.dtensor5()
    f = theano.function([x, dw, pw], ac.separable_conv3d(x, dw, pw, 2), mode=mode)
    for _ in range(2):
        assert_allclose(f(x_val, dw_val, pw_val), ref_separable(x_val, dw_val, pw_val, 3))


def ref_causal(x, w, dilation, stride=1):
    b, c, n = x.shape
    f, _, k = w.shape
    out = np.zeros((b, f, n))
    for t in range(n):
        for j in range(k):
            src = t - j * dilation
            if src >= 0:
                out[:, :, t] += x[:, :, src] @ w[:, :, j].T
    return out[:, :, ::stride]


@pytest.mark.parametrize("mode", MODES, ids=["py", "default"])
def test_causal_conv1d(mode):
    r = _rng(12)
    x_val, w_val = r.randn(2, 3, 9), r.randn(4, 3, 3)
    x, w = T.dtensor3(), T.dtensor3()
    for dilation, stride in ((1, 1), (2, 1), (3, 2)):
        y = ac.causal_conv1d(x, w, (4, 3, 3), input_shape=(2, 3, 9), subsample=stride,
                             filter_dilation=dilation)
        f = theano.function([x, w], y, mode=mode)
        for _ in range(2):
            assert_allclose(f(x_val, w_val), ref_causal(x_val, w_val, dilation, stride))
    # causality: changing the future does not change the past
    f = theano.function([x, w], ac.causal_conv1d(x, w, (4, 3, 3), filter_dilation=2), mode=mode)
    changed = x_val.copy()
    changed[:, :, 6:] += 10
    assert_allclose(f(x_val, w_val)[:, :, :6], f(changed, w_val)[:, :, :6])
    verify_grad(lambda a, b: ac.causal_conv1d(a, b, (4, 3, 3)), [x_val[:1], w_val], rng=_rng(0),
                mode=PY)


def test_causal_conv1d_errors():
    x, w = T.dtensor3(), T.dtensor3()
    with pytest.raises(ValueError, match="filter_shape"):
        ac.causal_conv1d(x, w, None)
    with pytest.raises(ValueError, match="kernel length"):
        ac.causal_conv1d(x, w, (4, 3, None))
    with pytest.raises(TypeError, match="3-d"):
        ac.causal_conv1d(T.dtensor4(), w, (4, 3, 3))
    with pytest.raises(ValueError, match="subsample"):
        ac.causal_conv1d(x, w, (4, 3, 3), subsample=0)


def test_shape_hints_as_constant_or_symbolic_vectors():
    r = _rng(13)
    x_val, w_val = r.randn(3, 2, 7, 5), r.randn(5, 2, 2, 3)
    x, w = T.dtensor4(), T.dtensor4()
    as_t = T.as_tensor_variable
    for ishape, fshape in (((as_t(3), as_t(2), as_t(7), as_t(5)), (5, 2, 2, 3)),
                           (as_t([3, 2, 7, 5]), as_t((5, 2, 2, 3))),
                           (np.array([3, 2, 7, 5]), None), (T.lvector(), None)):
        y = conv.conv2d(x, w, ishape, fshape)
        if isinstance(ishape, T.TensorVariable) and not isinstance(ishape, T.TensorConstant):
            assert y.owner.op.imshp is None
        else:
            assert y.owner.op.imshp == (3, 2, 7, 5)
        f = theano.function([x, w], y, mode=PY, on_unused_input="ignore")
        assert_allclose(f(x_val, w_val), ref_conv2d_valid(x_val, w_val))
    # the hints are checked when the function runs
    f = theano.function([x, w], conv.conv2d(x, w, as_t([3, 2, 7, 5])), mode=PY)
    with pytest.raises(ValueError, match="shape given when building"):
        f(r.randn(3, 2, 6, 5), w_val)


def test_op_shape_hints_must_be_tuples():
    as_t = T.as_tensor_variable
    bad = (T.lvector(), T.ones(4, dtype="int64"), T.ftensor4().shape, as_t([3, 5, 7, 11]))
    good = ((3, 5, 7, 11), [3, 5, 7, 11], tuple(T.constant(i, dtype="int64") for i in (3, 5, 7, 11)))
    for op in (ac.AbstractConv2d, ac.AbstractConv2d_gradInputs, ac.AbstractConv2d_gradWeights):
        for shp in bad:
            with pytest.raises(ValueError, match="tuple of 4"):
                op(imshp=shp)
            with pytest.raises(ValueError, match="tuple of 4"):
                op(kshp=shp)
        for shp in good:
            assert op(imshp=shp).imshp == (3, 5, 7, 11)
            assert op(kshp=shp).kshp == (3, 5, 7, 11)


# ----------------------------------------------------------------------------------------------
# config.conv.assert_shape: the shape hints checked when the function runs (AssertionError)
# ----------------------------------------------------------------------------------------------


def _naive_valid_conv(x, w):
    """conv2d(x, w) (valid, flipped filters) by loops."""
    b, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    out = np.zeros((b, f, h - kh + 1, wd - kw + 1))
    wf = w[:, :, ::-1, ::-1]
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + kh, j:j + kw], wf, axes=([1, 2, 3], [1, 2, 3]))
    return out


@pytest.mark.parametrize("mode", ["py", "auto"])
def test_conv_assert_shape_flag_checks_hints_when_run(mode):
    from tests.helpers import value_mode

    rng = np.random.RandomState(3)
    x, w = T.tensor4("x"), T.tensor4("w")
    xv, wv = rng.rand(3, 5, 7, 11), rng.rand(7, 5, 3, 3)
    with theano.change_flags([("conv.assert_shape", True)]):
        assert theano.config.conv.assert_shape is True
        f = theano.function([x, w], ac.conv2d(x, w, input_shape=(3, 5, 7, 11),
                                              filter_shape=(7, 5, 3, 3)), mode=value_mode(mode))
        gi = theano.function([x, w], ac.conv2d_grad_wrt_inputs(
            x, w, input_shape=(None, None, 7, 11), filter_shape=(7, 5, 3, 3)), mode=value_mode(mode))
        gw = theano.function([x, w], ac.conv2d_grad_wrt_weights(
            x, w, filter_shape=(None, None, 3, 3), input_shape=(3, 5, 7, 11)), mode=value_mode(mode))
    assert theano.config.conv.assert_shape is False
    for _ in range(2):
        np.testing.assert_allclose(f(xv, wv), _naive_valid_conv(xv, wv), rtol=1e-10)
        with pytest.raises(AssertionError):
            f(rng.rand(3, 5, 9, 11), wv)           # input differs from input_shape
        with pytest.raises(AssertionError):
            f(xv, rng.rand(7, 5, 2, 2))            # filters differ from filter_shape
        with pytest.raises(AssertionError):
            gi(rng.rand(3, 6, 5, 9), rng.rand(7, 6, 3, 3))
        with pytest.raises(AssertionError):
            gw(rng.rand(3, 6, 7, 11), rng.rand(3, 7, 5, 9))
    # off (the default): a hint that disagrees is the op's own ValueError
    g = theano.function([x, w], ac.conv2d(x, w, input_shape=(3, 5, 7, 11)), mode=value_mode(mode))
    with pytest.raises(ValueError):
        g(rng.rand(3, 5, 9, 11), wv)
    np.testing.assert_allclose(g(xv, wv), _naive_valid_conv(xv, wv), rtol=1e-10)


def test_conv_hints_with_different_channel_counts_fail_when_built():
    from theano.tensor.nnet.conv import ConvShapeError

    x, w = T.tensor4(), T.tensor4()
    for exc in (ConvShapeError, ValueError, AssertionError):   # Theano 1.0 raised AssertionError
        with pytest.raises(exc, match="channels"):
            ac.conv2d(x, w, input_shape=(3, 2, 8, 8), filter_shape=(4, 3, 5, 5))
    with pytest.raises(ValueError, match="groups"):
        ac.conv2d(x, w, input_shape=(3, 4, 8, 8), filter_shape=(4, 3, 5, 5), num_groups=2)
    ac.conv2d(x, w, input_shape=(3, 6, 8, 8), filter_shape=(4, 3, 5, 5), num_groups=2)
    ac.conv2d(x, w, input_shape=(3, None, 8, 8), filter_shape=(4, 3, 5, 5))
    assert ac.imported_scipy_signal is True   # Theano 1.0's tests read it to skip
