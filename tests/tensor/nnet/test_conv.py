"""conv2d and its gradient ops against a naive loop reference."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import conv as conv_mod
from theano.tensor.nnet.conv import (Conv2d, Conv2dGradInputs, Conv2dGradWeights, conv2d,
                                     conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights,
                                     conv2d_transpose, get_conv_output_shape)
from tests.helpers import OpCase, assert_allclose, check_case, check_infer_shape, rand

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731


# ----------------------------------------------------------------------------------------------
# naive references
# ----------------------------------------------------------------------------------------------


def _pads(border_mode, kshape, dil):
    if border_mode == "valid":
        return (0, 0)
    if border_mode == "full":
        return tuple((k - 1) * d for k, d in zip(kshape, dil))
    if border_mode == "half":
        return tuple(((k - 1) * d + 1) // 2 for k, d in zip(kshape, dil))
    if isinstance(border_mode, int):
        return (border_mode, border_mode)
    return tuple(border_mode)


def ref_conv(x, w, border_mode="valid", subsample=(1, 1), flip=True, dil=(1, 1)):
    """Direct definition: out[b, f, i, j] = sum_{c, u, v} xpad[b, c, i*s + u*d, j*s + v*d] * w'."""
    if flip:
        w = w[:, :, ::-1, ::-1]
    kh, kw = w.shape[2:]
    ph, pw = _pads(border_mode, (kh, kw), dil)
    xp = np.zeros(x.shape[:2] + (x.shape[2] + 2 * ph, x.shape[3] + 2 * pw))
    xp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]] = x
    oh = (xp.shape[2] - ((kh - 1) * dil[0] + 1)) // subsample[0] + 1
    ow = (xp.shape[3] - ((kw - 1) * dil[1] + 1)) // subsample[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for b in range(x.shape[0]):
        for f in range(w.shape[0]):
            for i in range(oh):
                for j in range(ow):
                    acc = 0.0
                    for c in range(x.shape[1]):
                        for u in range(kh):
                            for v in range(kw):
                                acc += xp[b, c, i * subsample[0] + u * dil[0],
                                          j * subsample[1] + v * dil[1]] * w[f, c, u, v]
                    out[b, f, i, j] = acc
    return out


def ref_conv_transpose(gz, w, img, border_mode="valid", subsample=(1, 1), flip=True, dil=(1, 1)):
    """Scatter form of the input gradient (the transposed convolution)."""
    if flip:
        w = w[:, :, ::-1, ::-1]
    kh, kw = w.shape[2:]
    ph, pw = _pads(border_mode, (kh, kw), dil)
    dxp = np.zeros((gz.shape[0], w.shape[1], img[0] + 2 * ph, img[1] + 2 * pw))
    for b in range(gz.shape[0]):
        for f in range(gz.shape[1]):
            for i in range(gz.shape[2]):
                for j in range(gz.shape[3]):
                    for u in range(kh):
                        for v in range(kw):
                            dxp[b, :, i * subsample[0] + u * dil[0], j * subsample[1] + v * dil[1]] += \
                                gz[b, f, i, j] * w[f, :, u, v]
    return dxp[:, :, ph:ph + img[0], pw:pw + img[1]]


# ----------------------------------------------------------------------------------------------
# forward values, infer_shape and gradients (contract helper)
# ----------------------------------------------------------------------------------------------

CONFIGS = [
    # border_mode, subsample, flip, dilation, x shape, w shape
    ("valid", (1, 1), True, (1, 1), (2, 2, 5, 6), (3, 2, 3, 2)),
    ("full", (1, 1), True, (1, 1), (1, 2, 4, 4), (2, 2, 3, 3)),
    ("half", (1, 1), False, (1, 1), (2, 1, 5, 5), (2, 1, 3, 3)),
    ("half", (1, 1), True, (1, 1), (1, 2, 4, 5), (2, 2, 2, 4)),   # even filters
    (1, (2, 2), True, (1, 1), (2, 2, 5, 5), (2, 2, 3, 3)),
    ((2, 1), (2, 1), False, (1, 1), (1, 2, 6, 5), (3, 2, 3, 2)),
    ("valid", (3, 2), True, (1, 1), (1, 1, 7, 7), (2, 1, 2, 3)),
    ("valid", (1, 1), True, (2, 2), (1, 2, 7, 6), (2, 2, 2, 2)),
    ("full", (2, 1), False, (1, 2), (1, 1, 4, 5), (2, 1, 2, 2)),
    ("half", (1, 1), True, (2, 1), (1, 1, 6, 6), (1, 1, 3, 3)),
]


def _cid(c):
    return f"{c[0]}-s{c[1]}-flip{c[2]}-d{c[3]}"


@pytest.mark.parametrize("cfg", CONFIGS, ids=[_cid(c) for c in CONFIGS])
def test_conv2d_contract(cfg):
    bm, sub, flip, dil, xs, ws = cfg
    case = OpCase(
        f"conv2d-{_cid(cfg)}",
        lambda x, w: conv2d(x, w, border_mode=bm, subsample=sub, filter_flip=flip, filter_dilation=dil),
        lambda x, w: ref_conv(x, w, bm, sub, flip, dil),
        [rand(*xs, seed=1), rand(*ws, seed=2)],
        dtypes=("float64", "float32"),
    )
    check_case(case)


@pytest.mark.parametrize("cfg", CONFIGS[:7], ids=[_cid(c) for c in CONFIGS[:7]])
def test_conv2d_grad_inputs_contract(cfg):
    bm, sub, flip, dil, xs, ws = cfg
    oshape = get_conv_output_shape(xs, ws, bm, sub, dil)
    img = xs[2:]
    case = OpCase(
        f"grad_inputs-{_cid(cfg)}",
        lambda gz, w: conv2d_grad_wrt_inputs(gz, w, xs, border_mode=bm, subsample=sub,
                                             filter_flip=flip, filter_dilation=dil),
        lambda gz, w: ref_conv_transpose(gz, w, img, bm, sub, flip, dil),
        [rand(*oshape, seed=3), rand(*ws, seed=4)],
        dtypes=("float64", "float32"),
    )
    check_case(case)


@pytest.mark.parametrize("cfg", CONFIGS[:7], ids=[_cid(c) for c in CONFIGS[:7]])
def test_conv2d_grad_weights_contract(cfg):
    bm, sub, flip, dil, xs, ws = cfg
    oshape = get_conv_output_shape(xs, ws, bm, sub, dil)

    def reference(x, gz):
        # d/dw of sum(conv(x, w) * gz), by the definition, one weight at a time
        out = np.zeros(ws)
        for idx in np.ndindex(*ws):
            e = np.zeros(ws)
            e[idx] = 1.0
            out[idx] = np.sum(ref_conv(x, e, bm, sub, flip, dil) * gz)
        return out

    case = OpCase(
        f"grad_weights-{_cid(cfg)}",
        lambda x, gz: conv2d_grad_wrt_weights(x, gz, ws, border_mode=bm, subsample=sub,
                                              filter_flip=flip, filter_dilation=dil),
        reference,
        [rand(*xs, seed=5), rand(*oshape, seed=6)],
        dtypes=("float64", "float32"),
    )
    check_case(case)


def test_grad_ops_are_used_and_match_reference():
    x, w = T.dtensor4("x"), T.dtensor4("w")
    y = conv2d(x, w, border_mode="full", subsample=(2, 1))
    gx, gw = T.grad((y * y).sum(), [x, w])
    assert isinstance(gx.owner.op, Conv2dGradInputs) or any(
        isinstance(n.op, Conv2dGradInputs) for n in theano.graph.basic.io_toposort([x, w], [gx]))
    xv, wv = rand(2, 2, 5, 4, seed=1), rand(3, 2, 2, 3, seed=2)
    f = theano.function([x, w], [gx, gw], mode=PY())
    gxv, gwv = f(xv, wv)
    yv = ref_conv(xv, wv, "full", (2, 1))
    assert_allclose(gxv, ref_conv_transpose(2 * yv, wv, (5, 4), "full", (2, 1)))
    assert gwv.shape == wv.shape


def test_float32_stays_float32_and_mixed_upcasts():
    x, w = T.ftensor4(), T.ftensor4()
    assert conv2d(x, w).dtype == "float32"
    assert conv2d(x, T.dtensor4()).dtype == "float64"
    f = theano.function([x, w], conv2d(x, w), mode=PY())
    assert f(rand(1, 1, 3, 3, dtype="float32"), rand(1, 1, 2, 2, dtype="float32")).dtype == np.float32


def test_broadcastable_pattern():
    x = T.TensorType("float64", (True, False, False, False))()
    w = T.TensorType("float64", (True, False, False, False))()
    assert conv2d(x, w).broadcastable == (True, True, False, False)


def test_empty_batch_and_empty_output():
    x, w = T.dtensor4(), T.dtensor4()
    y = conv2d(x, w)
    g = T.grad(y.sum(), [x, w])
    f = theano.function([x, w], [y] + g, mode=PY())
    yv, gx, gw = f(np.zeros((0, 2, 5, 5)), rand(3, 2, 3, 3))
    assert yv.shape == (0, 3, 3, 3) and gx.shape == (0, 2, 5, 5)
    assert_allclose(gw, np.zeros((3, 2, 3, 3)))
    # filter larger than the image in 'valid' mode: empty output, not a crash
    yv = theano.function([x, w], y, mode=PY())(rand(1, 1, 2, 2), rand(1, 1, 3, 3))
    assert yv.shape == (1, 1, 0, 0)


def test_shape_hints_checked_at_run_time():
    x, w = T.dtensor4(), T.dtensor4()
    y = conv2d(x, w, input_shape=(None, 2, 5, 5), filter_shape=(3, 2, 3, 3))
    f = theano.function([x, w], y, mode=PY())
    assert f(rand(4, 2, 5, 5), rand(3, 2, 3, 3)).shape == (4, 3, 3, 3)
    with pytest.raises(ValueError, match="shape given when building"):
        f(rand(4, 2, 6, 5), rand(3, 2, 3, 3))
    with pytest.raises(ValueError, match="filters"):
        f(rand(4, 2, 5, 5), rand(3, 2, 2, 3))


def test_image_shape_is_a_deprecated_alias():
    x, w = T.dtensor4(), T.dtensor4()
    with pytest.warns(DeprecationWarning):
        y = conv2d(x, w, image_shape=(1, 1, 4, 4))
    assert y.owner.op.imshp == (1, 1, 4, 4)
    with pytest.raises(ValueError, match="not both"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conv2d(x, w, input_shape=(1, 1, 4, 4), image_shape=(1, 1, 4, 4))


def test_channel_mismatch_is_a_clear_error():
    x, w = T.dtensor4(), T.dtensor4()
    f = theano.function([x, w], conv2d(x, w), mode=PY())
    with pytest.raises(ValueError, match="channels"):
        f(rand(1, 2, 4, 4), rand(1, 3, 2, 2))


@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(border_mode="same"), ValueError, "border_mode"),
    (dict(border_mode=-1), ValueError, "border_mode"),
    (dict(border_mode=(1, 2, 3)), ValueError, "border_mode"),
    (dict(subsample=(0, 1)), ValueError, "subsample"),
    (dict(subsample="2"), ValueError, "subsample"),
    (dict(filter_dilation=(1, 0)), ValueError, "filter_dilation"),
    (dict(input_shape=(1, 2)), ValueError, "input_shape"),
    (dict(filter_shape=(1, 2, 3, -1)), ValueError, "filter_shape"),
    (dict(num_groups=0), ValueError, "num_groups"),
    (dict(num_groups=1.5), ValueError, "num_groups"),
    (dict(bogus=1), TypeError, "bogus"),
])
def test_bad_arguments(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        conv2d(T.dtensor4(), T.dtensor4(), **kwargs)


def test_bad_inputs():
    with pytest.raises(TypeError, match="4-d"):
        conv2d(T.dmatrix(), T.dtensor4())
    with pytest.raises(TypeError, match="filters must be a 4-d"):
        conv2d(T.dtensor4(), T.dtensor3())
    with pytest.raises(TypeError, match="floats"):
        conv2d(T.itensor4(), T.dtensor4())


def test_grad_op_shape_mismatch_errors():
    w, gz = T.dtensor4(), T.dtensor4()
    gi = conv2d_grad_wrt_inputs(gz, w, (1, 1, 5, 5))
    f = theano.function([gz, w], gi, mode=PY())
    with pytest.raises(ValueError, match="spatial shape"):
        f(rand(1, 1, 2, 2), rand(1, 1, 3, 3))
    x = T.dtensor4()
    gw = conv2d_grad_wrt_weights(x, gz, (1, 1, 3, 3))
    f = theano.function([x, gz], gw, mode=PY())
    with pytest.raises(ValueError, match="spatial shape"):
        f(rand(1, 1, 5, 5), rand(1, 1, 2, 2))


def test_second_order_gradients():
    # Hessian-vector style: grad of a grad exercises the grad ops' own L_op
    xv, wv = rand(1, 2, 4, 4, seed=8), rand(2, 2, 2, 2, seed=9)

    def fn(x, w):
        y = conv2d(x, w, border_mode="half", subsample=(1, 2))
        gx = T.grad((y ** 2).sum(), x)
        return gx

    verify_grad(fn, [xv, wv], rng=np.random.RandomState(0), mode=PY())


def test_conv2d_transpose_matches_reference():
    gz, w = T.dtensor4(), T.dtensor4()
    out = conv2d_transpose(gz, w, output_shape=(2, 1, 7, 7), border_mode="valid", input_dilation=(2, 2))
    gzv, wv = rand(2, 3, 3, 3, seed=1), rand(3, 1, 3, 3, seed=2)
    val = theano.function([gz, w], out, mode=PY())(gzv, wv)
    assert_allclose(val, ref_conv_transpose(gzv, wv, (7, 7), "valid", (2, 2)))


def test_symbolic_input_shape_for_grad_inputs():
    gz, w, x = T.dtensor4(), T.dtensor4(), T.dtensor4()
    out = conv2d_grad_wrt_inputs(gz, w, (x.shape[0], x.shape[1], T.shape_i(x, 2), T.shape_i(x, 3)))
    f = theano.function([gz, w, x], out, mode=PY(), on_unused_input="ignore")
    gzv, wv = rand(1, 2, 3, 3), rand(2, 1, 2, 2)
    assert_allclose(f(gzv, wv, rand(1, 1, 4, 4)), ref_conv_transpose(gzv, wv, (4, 4)))
    check_infer_shape([gz, w, x], out, [gzv, wv, rand(1, 1, 4, 4)])


def test_get_conv_output_shape():
    assert get_conv_output_shape((2, 3, 8, 9), (4, 3, 3, 2), "valid", (1, 1)) == (2, 4, 6, 8)
    assert get_conv_output_shape((2, 3, 8, 9), (4, 3, 3, 2), "full", (1, 1)) == (2, 4, 10, 10)
    assert get_conv_output_shape((2, 3, 8, 9), (4, 3, 3, 3), "half", (2, 2)) == (2, 4, 4, 5)
    assert get_conv_output_shape((None, 3, 8, None), (4, 3, 3, 3), (1, 0), (1, 1), (2, 2)) == \
        (None, 4, 6, None)


def test_import_paths():
    import theano.tensor.nnet as nnet
    from theano.tensor.nnet import abstract_conv

    assert nnet.conv2d is conv2d
    assert conv_mod.conv2d is conv2d
    assert abstract_conv.conv2d is conv2d
    assert abstract_conv.AbstractConv2d is Conv2d
    assert abstract_conv.AbstractConv2d_gradWeights is Conv2dGradWeights
    assert T.nnet.conv2d is conv2d


def test_ops_have_props_identity():
    a = Conv2d(None, None, "half", (2, 2))
    b = Conv2d(None, None, "half", [2, 2])
    assert a == b and hash(a) == hash(b)
    assert a != Conv2d(None, None, "full", (2, 2))
    assert Conv2d(border_mode=(0, 0)) == Conv2d(border_mode="valid")
    assert "half" in str(a)


def test_r_op_conv2d():
    x, w, ex, ew = (T.dtensor4() for _ in range(4))
    op = Conv2d(None, None, "half", (2, 1))
    (r,) = op.R_op([x, w], [ex, ew])
    vals = [rand(1, 2, 5, 4, seed=k) for k in range(2)] + [rand(2, 2, 3, 3, seed=k) for k in (3, 4)]
    xv, exv, wv, ewv = vals
    f = theano.function([x, w], op(x, w), mode=PY())
    got = theano.function([x, w, ex, ew], r, mode=PY())(xv, wv, exv, ewv)
    eps = 1e-6
    expected = (f(xv + eps * exv, wv + eps * ewv) - f(xv - eps * exv, wv - eps * ewv)) / (2 * eps)
    assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert op.R_op([x, w], [None, None]) == [None]


# ----------------------------------------------------------------------------------------------
# conv3d: the same kernels with three spatial dimensions
# ----------------------------------------------------------------------------------------------

from theano.tensor.nnet.conv import (Conv3d, Conv3dGradInputs, conv3d,  # noqa: E402
                                     conv3d_grad_wrt_inputs, conv3d_grad_wrt_weights)


def ref_conv3d(x, w, pads=(0, 0, 0), subsample=(1, 1, 1), flip=True, dil=(1, 1, 1)):
    if flip:
        w = w[:, :, ::-1, ::-1, ::-1]
    k = w.shape[2:]
    xp = np.zeros(x.shape[:2] + tuple(s + 2 * p for s, p in zip(x.shape[2:], pads)))
    xp[(slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(pads, x.shape[2:]))] = x
    out_sp = [(xp.shape[2 + a] - ((k[a] - 1) * dil[a] + 1)) // subsample[a] + 1 for a in range(3)]
    out = np.zeros((x.shape[0], w.shape[0]) + tuple(out_sp))
    for b, f, i, j, m in np.ndindex(*out.shape):
        acc = 0.0
        for c, u, v, t in np.ndindex(x.shape[1], *k):
            acc += xp[b, c, i * subsample[0] + u * dil[0], j * subsample[1] + v * dil[1],
                      m * subsample[2] + t * dil[2]] * w[f, c, u, v, t]
        out[b, f, i, j, m] = acc
    return out


CONFIGS_3D = [
    ("valid", (0, 0, 0), (1, 1, 1), True, (1, 1, 1)),
    ((1, 0, 1), (1, 0, 1), (2, 1, 1), False, (1, 1, 1)),
    ("full", (1, 2, 1), (1, 1, 2), True, (1, 2, 1)),
    ("half", (1, 1, 0), (1, 2, 1), True, (1, 1, 1)),
]


@pytest.mark.parametrize("cfg", CONFIGS_3D, ids=[str(c[0]) + str(c[2]) for c in CONFIGS_3D])
def test_conv3d_contract(cfg):
    bm, pads, sub, flip, dil = cfg
    ws = (2, 2, 2, 3, 1) if bm == "half" else (2, 2, 2, 2, 2)
    case = OpCase(
        f"conv3d-{bm}",
        lambda x, w: conv3d(x, w, border_mode=bm, subsample=sub, filter_flip=flip, filter_dilation=dil),
        lambda x, w: ref_conv3d(x, w, pads, sub, flip, dil),
        [rand(1, 2, 4, 4, 3, seed=1), rand(*ws, seed=2)],
        dtypes=("float64", "float32"),
    )
    check_case(case)


def test_conv3d_grad_ops_contract():
    xs, ws, sub = (2, 1, 4, 3, 4), (2, 1, 2, 2, 3), (2, 1, 1)
    gzs = get_conv_output_shape(xs, ws, "valid", sub)
    assert gzs == (2, 2, 2, 2, 2)

    def ref_gw(x, gz):
        out = np.zeros(ws)
        for idx in np.ndindex(*ws):
            e = np.zeros(ws)
            e[idx] = 1.0
            out[idx] = np.sum(ref_conv3d(x, e, subsample=sub) * gz)
        return out

    def ref_gi(gz, w):
        out = np.zeros(xs)
        for idx in np.ndindex(*xs):
            e = np.zeros(xs)
            e[idx] = 1.0
            out[idx] = np.sum(ref_conv3d(e, w, subsample=sub) * gz)
        return out

    check_case(OpCase("conv3d_gw", lambda x, gz: conv3d_grad_wrt_weights(x, gz, ws, subsample=sub),
                      ref_gw, [rand(*xs, seed=3), rand(*gzs, seed=4)], dtypes=("float64", "float32")))
    check_case(OpCase("conv3d_gi", lambda gz, w: conv3d_grad_wrt_inputs(gz, w, xs, subsample=sub),
                      ref_gi, [rand(*gzs, seed=5), rand(*ws, seed=6)], dtypes=("float64", "float32")))


def test_conv3d_errors_and_identity():
    with pytest.raises(TypeError, match="5-d"):
        conv3d(T.dtensor4(), T.dtensor4())
    with pytest.raises(ValueError, match="three ints"):
        conv3d(T.TensorType("float64", (False,) * 5)(), T.TensorType("float64", (False,) * 5)(),
               subsample=(1, 1))
    assert Conv3d(border_mode=(0, 0, 0)) == Conv3d()
    assert Conv3d() != Conv2d()
    assert isinstance(Conv3d()._other("grad_inputs"), Conv3dGradInputs)
    from theano.tensor.nnet import abstract_conv

    assert abstract_conv.conv3d is conv3d and T.nnet.conv3d is conv3d


# ----------------------------------------------------------------------------------------------
# grouped convolution (num_groups)
# ----------------------------------------------------------------------------------------------


def ref_grouped(x, w, groups, **kw):
    xs = np.split(x, groups, axis=1)
    ws = np.split(w, groups, axis=0)
    return np.concatenate([ref_conv(a, b, **kw) for a, b in zip(xs, ws)], axis=1)


@pytest.mark.parametrize("groups, bm, sub", [(2, "valid", (1, 1)), (3, "half", (2, 1))])
def test_grouped_conv2d_contract(groups, bm, sub):
    xs, ws = (2, 2 * groups, 5, 4), (2 * groups, 2, 3, 2)
    check_case(OpCase(
        f"grouped-{groups}",
        lambda x, w: conv2d(x, w, border_mode=bm, subsample=sub, num_groups=groups),
        lambda x, w: ref_grouped(x, w, groups, border_mode=bm, subsample=sub),
        [rand(*xs, seed=1), rand(*ws, seed=2)], dtypes=("float64", "float32")))
    oshape = get_conv_output_shape(xs, ws, bm, sub)
    check_case(OpCase(
        f"grouped-gi-{groups}",
        lambda gz, w: conv2d_grad_wrt_inputs(gz, w, xs, border_mode=bm, subsample=sub, num_groups=groups),
        lambda gz, w: np.concatenate([ref_conv_transpose(a, b, xs[2:], bm, sub) for a, b in
                                      zip(np.split(gz, groups, 1), np.split(w, groups, 0))], axis=1),
        [rand(*oshape, seed=3), rand(*ws, seed=4)], dtypes=("float64", "float32")))

    def ref_gw(x, gz):
        out = np.zeros(ws)
        for idx in np.ndindex(*ws):
            e = np.zeros(ws)
            e[idx] = 1.0
            out[idx] = np.sum(ref_grouped(x, e, groups, border_mode=bm, subsample=sub) * gz)
        return out

    check_case(OpCase(
        f"grouped-gw-{groups}",
        lambda x, gz: conv2d_grad_wrt_weights(x, gz, ws, border_mode=bm, subsample=sub, num_groups=groups),
        ref_gw, [rand(*xs, seed=5), rand(*oshape, seed=6)], dtypes=("float64", "float32")))


def test_grouped_conv_errors():
    x, w = T.dtensor4(), T.dtensor4()
    f = theano.function([x, w], conv2d(x, w, num_groups=2), mode=PY())
    with pytest.raises(ValueError, match="in each of 2 groups"):
        f(rand(1, 4, 3, 3), rand(2, 3, 2, 2))
    with pytest.raises(ValueError, match="cannot be split into 2 groups"):
        f(rand(1, 4, 3, 3), rand(3, 2, 2, 2))
    assert Conv2d(num_groups=2) != Conv2d()
    grouped3d = conv3d(T.TensorType("float64", (False,) * 5)(), T.TensorType("float64", (False,) * 5)(),
                       num_groups=2)
    assert grouped3d.owner.op.num_groups == 2


def test_tap_by_tap_path_for_big_patch_matrices(monkeypatch):
    # the memory-saving path (one GEMM per tap) gives the same values and gradients
    x, w = T.dtensor4(), T.dtensor4()
    y = conv2d(x, w, border_mode="full", subsample=(2, 1), filter_dilation=(1, 2))
    gx, gw = T.grad((y ** 2).sum(), [x, w])
    f = theano.function([x, w], [y, gx, gw], mode=PY())
    xv, wv = rand(2, 3, 6, 5, seed=1), rand(2, 3, 3, 2, seed=2)
    big = f(xv, wv)
    monkeypatch.setattr(conv_mod, "IM2COL_MAX_BYTES", 0)
    small = f(xv, wv)
    for a, b in zip(big, small):
        assert_allclose(a, b)
    assert_allclose(small[0], ref_conv(xv, wv, "full", (2, 1), True, (1, 2)))


@pytest.mark.parametrize("mode", ["py", "auto"])
def test_conv2d_transpose_num_groups_is_the_adjoint_of_grouped_conv2d(mode):
    """conv2d_transpose(..., num_groups=g) (Theano 1.0's argument): for each group of channels,
    the transposed convolution of that group alone; <conv2d(x, w), z> == <x, transpose(z, w)>."""
    mk = (lambda: theano.Mode(linker="auto", optimizer="fast_run")) if mode == "auto" else PY
    z, w = T.dtensor4(), T.dtensor4()
    out = conv2d_transpose(z, w, output_shape=(2, 4, 8, 7), input_dilation=(2, 1), num_groups=2)
    f = theano.function([z, w], out, mode=mk())
    zv, wv, xv = rand(2, 6, 3, 5, seed=3), rand(6, 2, 3, 3, seed=4), rand(2, 4, 8, 7, seed=5)
    ref = np.concatenate([ref_conv_transpose(zv[:, 3 * g:3 * g + 3], wv[3 * g:3 * g + 3], (8, 7),
                                             "valid", (2, 1)) for g in range(2)], axis=1)
    for _ in range(3):
        got = f(zv, wv)
        assert_allclose(got, ref)
    fwd = theano.function([], conv2d(T.constant(xv), T.constant(wv), subsample=(2, 1), num_groups=2),
                          mode=PY())()
    np.testing.assert_allclose((fwd * zv).sum(), (xv * ref).sum(), rtol=1e-10)
    check_infer_shape([z, w], out, [zv, wv])
    verify_grad(lambda a, b: conv2d_transpose(a, b, (2, 4, 8, 7), input_dilation=(2, 1),
                                              num_groups=2),
                [zv, wv], rng=np.random.RandomState(0), mode=PY())
    with pytest.raises(ValueError):
        theano.function([z, w], conv2d_transpose(z, w, (2, 4, 8, 7), num_groups=4), mode=PY())(
            zv, wv)
