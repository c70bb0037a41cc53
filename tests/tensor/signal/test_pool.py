"""pool_2d and its gradient ops against a naive window-by-window reference."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.signal import pool
from theano.tensor.signal.pool import (AveragePoolGrad, MaxPoolGrad, MaxPoolGradGrad, Pool, pool_2d,
                                       max_pool_2d_same_size)
from tests.helpers import OpCase, assert_allclose, check_case, check_infer_shape, rand

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
DTYPES = ("float64", "float32")


def ref_out_len(n, ws, st, pad, ignore_border):
    if ignore_border:
        return max(0, (n + 2 * pad - ws) // st + 1)
    if n == 0:
        return 0
    if st >= ws:
        return (n - 1) // st + 1
    return max(0, (n - 1 - ws + st) // st) + 1


def ref_pool(x, ws, ignore_border, stride=None, pad=(0, 0), mode="max"):
    """Window by window, with the documented rules: max/sum/average_exc_pad look at the real cells
    only, average_inc_pad divides by the window's extent inside the padded image."""
    stride = stride or ws
    h, w = x.shape[-2:]
    padded = (h + 2 * pad[0], w + 2 * pad[1])
    xp = np.zeros(x.shape[:-2] + padded, dtype=x.dtype)
    xp[..., pad[0]:pad[0] + h, pad[1]:pad[1] + w] = x
    oh = ref_out_len(h, ws[0], stride[0], pad[0], ignore_border)
    ow = ref_out_len(w, ws[1], stride[1], pad[1], ignore_border)
    out = np.zeros(x.shape[:-2] + (oh, ow), dtype=x.dtype)
    for lead in np.ndindex(*x.shape[:-2]):
        for i in range(oh):
            for j in range(ow):
                bounds = []
                for a, k in ((0, i), (1, j)):
                    s = k * stride[a]
                    e = min(s + ws[a], padded[a])
                    if mode != "average_inc_pad":
                        s, e = max(s, pad[a]), min(e, padded[a] - pad[a])
                    bounds.append((s, e))
                region = xp[lead][bounds[0][0]:bounds[0][1], bounds[1][0]:bounds[1][1]]
                if mode == "max":
                    out[lead + (i, j)] = region.max()
                elif mode == "sum":
                    out[lead + (i, j)] = region.sum()
                else:
                    out[lead + (i, j)] = region.mean()
    return out


def distinct(*shape, seed=0, dtype="float64"):
    """Values with no ties (max pooling is not differentiable at ties)."""
    r = np.random.RandomState(seed)
    n = int(np.prod(shape))
    return (r.permutation(n).reshape(shape) / n * 2 - 1 + 0.01).astype(dtype)


CONFIGS = [
    # shape, ws, ignore_border, stride, pad
    ((2, 3, 5, 5), (2, 2), True, None, (0, 0)),
    ((2, 3, 5, 5), (2, 2), False, None, (0, 0)),
    ((1, 2, 6, 7), (3, 2), False, (2, 1), (0, 0)),
    ((1, 2, 6, 7), (3, 2), True, (1, 2), (0, 0)),
    ((2, 5, 5), (3, 3), True, (2, 2), (1, 1)),
    ((4, 6), (2, 3), True, (1, 1), (1, 2)),
    ((1, 1, 2, 3, 7, 5), (2, 2), False, (3, 3), (0, 0)),
    ((1, 1, 4, 4), (5, 5), False, None, (0, 0)),     # window larger than the image
]
MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def _id(c):
    return f"{c[0]}-ws{c[1]}-ib{c[2]}-st{c[3]}-pad{c[4]}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cfg", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_pool_contract(cfg, mode):
    shape, ws, ib, st, pad = cfg
    case = OpCase(
        f"pool-{mode}-{_id(cfg)}",
        lambda x: pool_2d(x, ws, ignore_border=ib, stride=st, pad=pad, mode=mode),
        lambda x: ref_pool(x, ws, ib, st, pad, mode),
        [distinct(*shape, seed=len(shape))],
        dtypes=DTYPES,
    )
    check_case(case)


def test_max_pool_grad_goes_to_every_tied_maximum():
    x = T.dmatrix()
    g = T.grad(pool_2d(x, (2, 2), ignore_border=True).sum(), x)
    v = np.array([[1.0, 1.0, 0.0, 2.0], [0.0, 0.5, 2.0, 1.0]])
    assert_allclose(theano.function([x], g, mode=PY())(v), [[1, 1, 0, 1], [0, 0, 1, 0]])


def test_max_pool_ignores_padding_even_for_negative_inputs():
    x = T.dmatrix()
    v = -np.arange(1.0, 10.0).reshape(3, 3)
    out = theano.function([x], pool_2d(x, (2, 2), ignore_border=True, pad=(1, 1)), mode=PY())(v)
    assert_allclose(out, ref_pool(v, (2, 2), True, None, (1, 1)))
    assert_allclose(out, [[-1, -2], [-4, -5]])
    assert np.all(out < 0)


@pytest.mark.parametrize("mode", MODES[1:])
def test_average_and_sum_grad_ops_contract(mode):
    # AveragePoolGrad: linear in gz; its own gradient is the forward pool (second order)
    xs, ws, st, pad = (2, 5, 6), (3, 2), (2, 2), (1, 1)
    out_shape = (2, ref_out_len(5, 3, 2, 1, True), ref_out_len(6, 2, 2, 1, True))
    xv = rand(*xs, seed=1)

    def reference(gz):
        # d/dx of sum(pool(x) * gz), one input element at a time
        out = np.zeros(xs)
        for idx in np.ndindex(*xs):
            e = np.zeros(xs)
            e[idx] = 1.0
            out[idx] = np.sum(ref_pool(e, ws, True, st, pad, mode) * gz)
        return out.astype(gz.dtype)

    op = AveragePoolGrad(True, mode=mode)
    case = OpCase(f"avg_grad-{mode}", lambda gz: op(T.constant(xv), gz, ws, st, pad), reference,
                  [rand(*out_shape, seed=2)], dtypes=DTYPES)
    check_case(case)


def test_max_pool_grad_ops_contract():
    xs, ws, st = (2, 5, 5), (2, 2), (1, 2)
    xv = distinct(*xs, seed=3)
    zv = ref_pool(xv, ws, False, st, (0, 0), "max")
    params = dict(ignore_border=False, mode="max", ndim=2)

    def ref_grad(gz):
        out = np.zeros(xs)
        for idx in np.ndindex(*xs):
            e = xv.copy()
            e[idx] += 1e-6
            out[idx] = np.sum((ref_pool(e, ws, False, st) - zv) / 1e-6 * gz)
        return out.astype(gz.dtype)

    grad_op = MaxPoolGrad(**params)
    check_case(OpCase("max_grad", lambda gz: grad_op(T.constant(xv), T.constant(zv), gz, ws, st),
                      ref_grad,
                      [rand(*zv.shape, seed=4)], dtypes=DTYPES, rtol=1e-4, atol=1e-5))
    gg_op = MaxPoolGradGrad(**params)
    # MaxPoolGradGrad is the transpose of MaxPoolGrad in its last argument
    gxv = rand(*xs, seed=5)
    gzv = rand(*zv.shape, seed=6)
    f = theano.function([], [grad_op(xv, zv, gzv, ws, st), gg_op(xv, zv, gxv, ws, st)], mode=PY())
    a, b = f()
    assert_allclose(np.sum(a * gxv), np.sum(b * gzv))
    check_case(OpCase("max_gradgrad", lambda gx: gg_op(T.constant(xv), T.constant(zv), gx, ws, st),
                      lambda gx: ref_max_grad_grad(xv, zv, gx, ws, st), [gxv], dtypes=DTYPES))


def ref_max_grad_grad(x, z, gx, ws, st):
    """Per window, the sum of gx over the cells holding the window maximum."""
    out = np.zeros(z.shape)
    for lead in np.ndindex(*x.shape[:-2]):
        for i in range(z.shape[-2]):
            for j in range(z.shape[-1]):
                r = x[lead][i * st[0]:i * st[0] + ws[0], j * st[1]:j * st[1] + ws[1]]
                g = gx[lead][i * st[0]:i * st[0] + ws[0], j * st[1]:j * st[1] + ws[1]]
                out[lead + (i, j)] = g[r == z[lead + (i, j)]].sum()
    return out.astype(gx.dtype)


def test_second_order_max_pool():
    xv = distinct(1, 1, 4, 5, seed=9)

    def fn(x):
        y = pool_2d(x, (2, 2), ignore_border=False)
        return T.grad((y ** 3).sum(), x)

    verify_grad(fn, [xv], rng=np.random.RandomState(0), mode=PY())


def test_second_order_average_pool():
    def fn(x):
        y = pool_2d(x, (2, 3), ignore_border=True, stride=(1, 2), pad=(1, 1), mode="average_exc_pad")
        return T.grad((y ** 2).sum(), x)

    verify_grad(fn, [rand(1, 5, 6, seed=2)], rng=np.random.RandomState(0), mode=PY())


def test_empty_inputs():
    x = T.dtensor4()
    y = pool_2d(x, (2, 2), ignore_border=True)
    g = T.grad(y.sum(), x)
    f = theano.function([x], [y, g], mode=PY())
    yv, gv = f(np.zeros((0, 3, 4, 4)))
    assert yv.shape == (0, 3, 2, 2) and gv.shape == (0, 3, 4, 4)
    yv, gv = f(np.zeros((2, 3, 1, 1)))
    assert yv.shape == (2, 3, 0, 0) and gv.shape == (2, 3, 1, 1)


def test_int_input_max_and_sum():
    x = T.imatrix()
    v = np.arange(-8, 8, dtype="int32").reshape(4, 4)
    for mode in ("max", "sum"):
        out = pool_2d(x, (2, 2), ignore_border=True, mode=mode, pad=(1, 1))
        assert out.dtype == "int32"
        res = theano.function([x], out, mode=PY())(v)
        assert_allclose(res, ref_pool(v, (2, 2), True, None, (1, 1), mode))
    with pytest.raises(TypeError, match="float"):
        pool_2d(x, (2, 2), ignore_border=True, mode="average_inc_pad")


def test_ignore_border_default_warns_and_is_false():
    x = T.dmatrix()
    with pytest.warns(UserWarning, match="ignore_border"):
        y = pool_2d(x, (2, 2))
    assert y.owner.op.ignore_border is False
    assert theano.function([x], y, mode=PY())(rand(5, 5)).shape == (3, 3)


def test_deprecated_aliases():
    x = T.dmatrix()
    with pytest.warns(DeprecationWarning):
        y = pool_2d(x, ds=(2, 2), st=(1, 1), padding=(1, 1), ignore_border=True)
    params = [tuple(int(e) for e in v.data) for v in y.owner.inputs[1:]]
    assert params == [(2, 2), (1, 1), (1, 1)]
    assert pool_2d(x, (2, 2), ignore_border=True, mode="average").owner.op.mode == "average_inc_pad"
    from theano.tensor.signal import downsample

    y = downsample.max_pool_2d(x, (2, 2), ignore_border=True)
    v = rand(4, 6)
    assert_allclose(theano.function([x], y, mode=PY())(v), ref_pool(v, (2, 2), True))


@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(ws=(2, 2), ignore_border=False, pad=(1, 1)), NotImplementedError, "ignore_border=True"),
    (dict(ws=(2, 2), ignore_border=True, pad=(2, 1)), NotImplementedError, "smaller"),
    (dict(ws=(2, 2), ignore_border=True, mode="median"), ValueError, "mode"),
    (dict(ws=(0, 2), ignore_border=True), ValueError, "ws"),
    (dict(ws=(2,), ignore_border=True), ValueError, "ws"),
    (dict(ws=(2, 2), ignore_border=True, stride=(2, 0)), ValueError, "stride"),
    (dict(ws=(2, 2.0), ignore_border=True), TypeError, "ints"),
    (dict(ignore_border=True), ValueError, "ws"),
    (dict(ws=(2, 2), ds=(2, 2), ignore_border=True), ValueError, "not both"),
])
def test_bad_arguments(kwargs, exc, msg):
    with pytest.raises(exc, match=msg), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pool_2d(T.dtensor4(), **kwargs)


def test_bad_input_rank():
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        pool_2d(T.dvector(), (2, 2), ignore_border=True)


def test_grad_shape_mismatch_error():
    x, gz = T.dmatrix(), T.dmatrix()
    f = theano.function([x, gz], AveragePoolGrad(True, "sum")(x, gz, (2, 2)), mode=PY())
    with pytest.raises(ValueError, match="gz has shape"):
        f(rand(4, 4), rand(3, 3))


def test_max_pool_2d_same_size():
    x = T.dtensor3()
    v = distinct(2, 4, 5, seed=1)
    out = theano.function([x], max_pool_2d_same_size(x, (2, 2)), mode=PY())(v)
    expected = np.zeros_like(v)
    for lead in range(2):
        for i in range(2):
            for j in range(2):
                win = v[lead, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
                r, c = np.unravel_index(np.argmax(win), win.shape)
                expected[lead, 2 * i + r, 2 * j + c] = win.max()
    assert_allclose(out, expected)


def test_op_identity_and_infer_shape_symbolic():
    assert Pool(True) == Pool(True, "max", 2)
    assert Pool(True, mode="sum") != Pool(True)
    assert Pool(True, ndim=3) != Pool(True)
    x = T.dtensor4()
    out = pool_2d(x, (3, 2), ignore_border=False, stride=(1, 1))
    check_infer_shape([x], out, [rand(1, 2, 5, 4)])
    assert pool.pool_output_length(5, 2, 2, 0, False) == 3
    assert pool.pool_output_length(5, 2, 2, 0, True) == 2


def test_bigger_pool_is_vectorized_enough():
    # a CNN-sized batch runs through forward and backward without trouble
    x = T.ftensor4()
    y = pool_2d(x, (2, 2), ignore_border=True)
    g = T.grad(y.sum(), x)
    f = theano.function([x], [y, g], mode=PY())
    yv, gv = f(rand(64, 16, 8, 8, dtype="float32"))
    assert yv.shape == (64, 16, 4, 4) and gv.dtype == np.float32


@pytest.mark.parametrize("mode", ["max", "average_exc_pad"])
def test_r_op_pool(mode):
    x, v = T.dtensor3(), T.dtensor3()
    out = pool_2d(x, (2, 2), ignore_border=True, stride=(1, 1), pad=(1, 1), mode=mode)
    r = theano.gradient.Rop(out, x, v)
    xv, vv = distinct(2, 4, 5, seed=4), rand(2, 4, 5, seed=5)
    f = theano.function([x], out, mode=PY())
    got = theano.function([x, v], r, mode=PY(), on_unused_input="ignore")(xv, vv)
    eps = 1e-6
    assert_allclose(got, (f(xv + eps * vv) - f(xv - eps * vv)) / (2 * eps), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------------------------
# pool_3d: the same ops with three pooled dimensions
# ----------------------------------------------------------------------------------------------


def ref_pool_nd(x, ws, ignore_border, stride=None, pad=None, mode="max"):
    """N-d version of ref_pool, written with per-axis window bounds."""
    nd = len(ws)
    stride = stride or ws
    pad = pad or (0,) * nd
    img = x.shape[-nd:]
    padded = tuple(n + 2 * p for n, p in zip(img, pad))
    xp = np.zeros(x.shape[:-nd] + padded, dtype=x.dtype)
    xp[(Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(pad, img))] = x
    outs = [ref_out_len(n, w, s, p, ignore_border) for n, w, s, p in zip(img, ws, stride, pad)]
    out = np.zeros(x.shape[:-nd] + tuple(outs), dtype=x.dtype)
    for lead in np.ndindex(*x.shape[:-nd]):
        for pos in np.ndindex(*outs):
            index = []
            for a, k in enumerate(pos):
                s0 = k * stride[a]
                e0 = min(s0 + ws[a], padded[a])
                if mode != "average_inc_pad":
                    s0, e0 = max(s0, pad[a]), min(e0, padded[a] - pad[a])
                index.append(slice(s0, e0))
            region = xp[lead][tuple(index)]
            out[lead + pos] = {"max": np.max, "sum": np.sum}.get(mode, np.mean)(region)
    return out


CONFIGS_3D = [
    ((2, 4, 5, 4), (2, 2, 2), True, None, (0, 0, 0)),
    ((1, 5, 4, 5), (3, 2, 2), False, (2, 1, 2), (0, 0, 0)),
    ((4, 5, 5), (2, 3, 2), True, (1, 2, 2), (1, 1, 1)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cfg", CONFIGS_3D, ids=[_id(c) for c in CONFIGS_3D])
def test_pool_3d_contract(cfg, mode):
    shape, ws, ib, st, pad = cfg
    case = OpCase(
        f"pool3d-{mode}-{_id(cfg)}",
        lambda x: pool.pool_3d(x, ws, ignore_border=ib, stride=st, pad=pad, mode=mode),
        lambda x: ref_pool_nd(x, ws, ib, st, pad, mode),
        [distinct(*shape, seed=7)],
        dtypes=DTYPES,
    )
    check_case(case)


def test_ref_pool_nd_agrees_with_2d_reference():
    v = distinct(2, 5, 6, seed=3)
    for mode in MODES:
        assert_allclose(ref_pool_nd(v, (2, 3), True, (1, 2), (1, 1), mode),
                        ref_pool(v, (2, 3), True, (1, 2), (1, 1), mode))


def test_pool_3d_arguments():
    x = T.dtensor4()
    with pytest.raises(ValueError, match="3 ints"):
        pool.pool_3d(x, (2, 2), ignore_border=True)
    with pytest.raises(ValueError, match="stride must be a tuple of 3"):
        pool.pool_3d(x, (2, 2, 2), ignore_border=True, stride=(1, 1))
    with pytest.raises(TypeError, match="at least 3 dimensions"):
        pool.pool_3d(T.dmatrix(), (2, 2, 2), ignore_border=True)
    with pytest.raises(ValueError, match="ws is required"):
        pool.pool_3d(x, ignore_border=True)
    with pytest.warns(UserWarning, match="ignore_border"):
        out = pool.pool_3d(x, (2, 2, 2))
    assert out.owner.op.nd == 3 and out.broadcastable == (False,) * 4


# ----------------------------------------------------------------------------------------------
# Theano 1.0's op interface: Pool(ignore_border, mode, ndim)(x, ws, stride, pad), Pool.out_shape,
# symbolic window/stride/padding vectors
# ----------------------------------------------------------------------------------------------


def test_pool_out_shape_static():
    assert Pool.out_shape((9, 8, 6), (2, 2)) == [9, 4, 3]
    assert Pool.out_shape((8, 6), (2, 2)) == [4, 3]
    assert Pool.out_shape((2, 5, 5), (2, 2), ignore_border=True) == [2, 2, 2]
    assert Pool.out_shape((1, 7, 6), (3, 2), True, (2, 1), (1, 1)) == [1, 4, 7]
    assert Pool.out_shape((4, 5, 6, 7), (2, 3, 2), ndim=3, stride=(1, 2, 3)) == [4, 4, 3, 3]
    # deprecated names
    assert Pool.out_shape((6, 6), ds=(2, 3), st=(1, 1), padding=(1, 1), ignore_border=True) == [7, 6]
    for shape, ws, ib, st, pad in CONFIGS:
        expected = list(shape[:-2]) + [ref_out_len(n, w, s, p, ib) for n, w, s, p in
                                        zip(shape[-2:], ws, st or ws, pad)]
        assert Pool.out_shape(shape, ws, ib, st, pad) == expected
        assert list(ref_pool(np.zeros(shape), ws, ib, st, pad).shape) == expected
    with pytest.raises(ValueError, match="ws"):
        Pool.out_shape((4, 4))


def test_pool_out_shape_symbolic_matches_numeric():
    n, w, s, p = T.lscalar(), T.lscalar(), T.lscalar(), T.lscalar()
    for ib in (True, False):
        out = Pool.out_shape((n, n), (w, w), ib, (s, s), (p, p))
        f = theano.function([n, w, s, p], T.stack(out), mode=PY(), on_unused_input="ignore")
        for nv, wv, sv, pv in [(5, 2, 2, 0), (7, 3, 1, 0), (7, 3, 2, 1), (4, 5, 5, 0), (0, 2, 1, 0),
                               (8, 2, 3, 0), (6, 4, 1, 2)]:
            if pv and not ib:
                continue
            got = [int(v) for v in f(nv, wv, sv, pv)]
            assert got == [ref_out_len(nv, wv, sv, pv, ib)] * 2, (ib, nv, wv, sv, pv)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cfg", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_pool_op_called_with_window_arguments(cfg, mode):
    shape, ws, ib, st, pad = cfg
    op = Pool(ignore_border=ib, mode=mode, ndim=2)
    case = OpCase(f"Pool-op-{mode}-{_id(cfg)}", lambda x: op(x, ws, st, pad),
                  lambda x: ref_pool(x, ws, ib, st, pad, mode),
                  [distinct(*shape, seed=len(shape) + 1)], dtypes=("float64",))
    check_case(case)


@pytest.mark.parametrize("mode", MODES)
def test_symbolic_ws_stride_pad_agree_with_constants(mode):
    x = T.dtensor4()
    ws, st, pad = T.ivector(), T.ivector(), T.ivector()
    v = rand(2, 3, 7, 6, seed=11)
    for ib in (True, False):
        y = pool_2d(x, ws, ib, st, pad, mode)
        f_var = {m: theano.function([x, ws, st, pad], [y, T.grad((y ** 2).sum(), x)], mode=m)
                 for m in (PY(), None)}
        for w_, s_, p_ in [((2, 2), (2, 2), (0, 0)), ((3, 2), (1, 2), (0, 0)),
                           ((3, 3), (2, 1), (1, 1)), ((4, 2), (3, 3), (1, 0))]:
            if any(p_) and not ib:
                continue
            expected = ref_pool(v, w_, ib, s_, p_, mode)
            y_fix = pool_2d(x, w_, ib, s_, p_, mode)
            g_fix = theano.function([x], T.grad((y_fix ** 2).sum(), x), mode=PY())(v)
            for f in f_var.values():
                for _ in range(2):
                    got_y, got_g = f(v, w_, s_, p_)
                    assert_allclose(got_y, expected)
                    assert_allclose(got_g, g_fix)


def test_symbolic_ws_infer_shape_and_pool_3d():
    x = T.dtensor4()
    ws = T.lvector()
    y = pool.pool_3d(x, ws, ignore_border=False, stride=(1, 2, 1))
    check_infer_shape([x, ws], y, [rand(2, 5, 4, 6), np.array([2, 3, 4])])
    v = rand(2, 5, 4, 6, seed=2)
    f = theano.function([x, ws], y)
    for _ in range(2):
        assert_allclose(f(v, [2, 3, 4]), ref_pool_nd(v, (2, 3, 4), False, (1, 2, 1)))


def test_symbolic_params_bad_values_raise_at_run_time():
    x = T.dmatrix()
    ws, pad = T.ivector(), T.ivector()
    f = theano.function([x, ws, pad], pool_2d(x, ws, True, None, pad), mode=PY())
    with pytest.raises(ValueError, match="ws must have 2 entries"):
        f(rand(4, 4), [2, 2, 2], [0, 0])
    with pytest.raises(ValueError, match="ws entries must be >= 1"):
        f(rand(4, 4), [0, 2], [0, 0])
    with pytest.raises(NotImplementedError, match="smaller than the window"):
        f(rand(4, 4), [2, 2], [2, 0])
    g = theano.function([x, pad], pool_2d(x, (2, 2), False, None, pad), mode=PY())
    with pytest.raises(NotImplementedError, match="ignore_border=True"):
        g(rand(4, 4), [1, 1])
    with pytest.raises(TypeError, match="int vector"):
        pool_2d(x, T.dvector(), True)
    with pytest.raises(TypeError, match="int vector"):
        Pool(True)(x, 2)
    with pytest.raises(TypeError, match="ignore_border must be a bool"):
        Pool((2, 2))
    with pytest.raises(ValueError, match="mode"):
        Pool(True, mode="median")


def test_grad_ops_called_directly():
    xv = distinct(2, 6, 5, seed=8)
    ws, st, pad = (3, 2), (2, 2), (1, 1)
    x, gz = T.dtensor3(), T.dtensor3()
    z = Pool(True)(x, ws, st, pad)
    gmax = MaxPoolGrad(True)(x, z, gz, ws, st, pad)
    gsum = AveragePoolGrad(True, mode="sum")(x, gz, ws, st, pad)
    gzv = rand(*ref_pool(xv, ws, True, st, pad).shape, seed=3)
    # both are vector-Jacobian products of the pooling: compare with T.grad of sum(pool * gz)
    for mode, gop in (("max", gmax), ("sum", gsum)):
        y = Pool(True, mode=mode)(x, ws, st, pad)
        ref = T.grad((y * gz).sum(), x)
        f = theano.function([x, gz], [gop, ref], mode=PY())
        a, b = f(xv, gzv)
        assert_allclose(a, b)
        # and with the finite differences of the reference pooling
        eps = 1e-6
        fd = np.zeros_like(xv)
        for idx in np.ndindex(*xv.shape):
            e = np.zeros_like(xv)
            e[idx] = eps
            fd[idx] = np.sum((ref_pool(xv + e, ws, True, st, pad, mode) -
                              ref_pool(xv - e, ws, True, st, pad, mode)) / (2 * eps) * gzv)
        assert_allclose(a, fd, rtol=1e-5, atol=1e-6)


def test_average_grad_with_padding_as_large_as_the_window():
    # the gradient ops accept pad >= ws (windows lying in the padding only get nothing)
    xv = rand(1, 7, seed=4)
    op = AveragePoolGrad(True, mode="average_inc_pad", ndim=1)
    out_len = ref_out_len(7, 2, 2, 2, True)
    gzv = rand(1, out_len, seed=5)
    f = theano.function([], op(T.constant(xv), T.constant(gzv), (2,), (2,), (2,)), mode=PY())
    expected = np.zeros(7 + 4)
    for k in range(out_len):
        expected[2 * k:2 * k + 2] += gzv[0, k] / 2
    assert_allclose(f()[0], expected[2:-2])


def test_max_pool_grad_when_no_window_fits():
    x = T.dvector()
    y = Pool(True, ndim=1)(x, (10,), (5,), (3,))
    f = theano.function([x], [y, T.grad(y.sum(), x)], mode=PY())
    yv, gv = f(rand(2))
    assert yv.shape == (0,) and gv.shape == (2,) and not gv.any()


def test_downsample_factor_max_grad_grad_and_rop():
    from theano.tensor.signal.pool import DownsampleFactorMaxGradGrad, MaxPoolRop

    assert MaxPoolGradGrad is DownsampleFactorMaxGradGrad
    xv, ev = distinct(2, 5, 6, seed=6), rand(2, 5, 6, seed=7)
    ws, st, pad = (2, 3), (1, 2), (1, 1)
    zv = ref_pool(xv, ws, True, st, pad)
    gg = DownsampleFactorMaxGradGrad(True)(xv, zv, ev, ws, st, pad)
    rop = MaxPoolRop(True)(xv, ev, ws, st, pad)
    a, b = theano.function([], [gg, rop], mode=PY())()
    # with distinct values there is one maximum per window: both pick eval at the argmax
    assert_allclose(a, b)
    eps = 1e-6
    fd = (ref_pool(xv + eps * ev, ws, True, st, pad) - ref_pool(xv - eps * ev, ws, True, st, pad)) \
        / (2 * eps)
    assert_allclose(b, fd, rtol=1e-5, atol=1e-6)
    # ties: MaxPoolRop takes the first maximum in window order, the grad-grad sums them
    tie = np.array([[1.0, 1.0]])
    e2 = np.array([[3.0, 5.0]])
    r1 = theano.function([], MaxPoolRop(True, ndim=1)(tie, e2, (2,)), mode=PY())()
    r2 = theano.function([], DownsampleFactorMaxGradGrad(True, ndim=1)(tie, [[1.0]], e2, (2,)),
                         mode=PY())()
    assert_allclose(r1, [[3.0]])
    assert_allclose(r2, [[8.0]])


def test_hessian_through_max_pool():
    # d2/dx2 of exp(sum(pool(outer(x, x)))) for x = [1, 2]: the pooled max is x1 * x1 = 4
    v = T.dvector()
    z = T.outer(v, v) if hasattr(T, "outer") else v.dimshuffle(0, "x") * v.dimshuffle("x", 0)
    c = T.exp(pool_2d(z, (2, 2), ignore_border=True).sum())
    h = theano.function([v], theano.gradient.hessian(c, v), mode=PY())([1.0, 2.0])
    # c = exp(x1^2): dc/dx1 = 2 x1 c, d2c/dx1^2 = (2 + 4 x1^2) c
    assert_allclose(h, [[0.0, 0.0], [0.0, (2 + 16) * np.exp(4.0)]])


@pytest.mark.parametrize("mode", ["sum", "average_inc_pad"])
def test_sum_and_inc_pad_pooling_accept_padding_as_large_as_the_window(mode):
    # windows lying in the padding only pool zeros; the gradient's gradient needs this
    xv = rand(2, 6, seed=9)
    ws, st, pad = (2,), (2,), (2,)
    x = T.dmatrix()
    y = Pool(True, mode=mode, ndim=1)(x, ws, st, pad)
    expected = ref_pool_nd(xv, ws, True, st, pad, mode)
    assert expected.shape == (2, 5) and not expected[:, 0].any()
    for m in (PY(), None):
        assert_allclose(theano.function([x], y, mode=m)(xv), expected)
    op = AveragePoolGrad(True, mode=mode, ndim=1)
    verify_grad(lambda a, b: op(a, b, ws, st, pad), [xv, rand(2, 5, seed=3)],
                rng=np.random.RandomState(0), mode=PY())
    for bad in ("max", "average_exc_pad"):
        with pytest.raises(NotImplementedError, match="smaller than the window"):
            Pool(True, mode=bad, ndim=1)(x, ws, st, pad)
