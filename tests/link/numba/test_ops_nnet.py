"""The native backend's compiled softmax family and fused 1-hot cross-entropy ops
(``theano/link/numba/ops_nnet.py``) against SciPy/NumPy references: values in float32 and float64,
saturating and non-finite rows, odd shapes and layouts, the ops' errors, the same bits on every
call, and the gradients of the classification cost against finite differences."""

import numpy as np
import pytest
from scipy import special

import theano
import theano.tensor as T
from theano.tensor.nnet import nnet as nn

pytest.importorskip("numba")

NATIVE = dict(mode=theano.Mode(linker="auto", optimizer="None"))
REF = dict(mode=theano.Mode(linker="py", optimizer="None"))
TOL = {"float64": dict(rtol=1e-12, atol=1e-300), "float32": dict(rtol=2e-6, atol=1e-37)}


def _paths(f):
    return ["kernel" if p.startswith("kernel up to") else p for _, p in f.maker.thunk.node_paths]


def _inputs(rs, shape, dtype):
    x = rs.randn(*shape) * 3
    if x.size >= 6:
        x.flat[0] = 1000.0        # saturating entries: the shifted formula
        x.flat[3] = -1000.0
    return x.astype(dtype)


def _check(got, want, dtype, equal_nan=False):
    assert got.dtype == np.dtype(dtype) and got.shape == want.shape
    np.testing.assert_allclose(got, want, equal_nan=equal_nan, **TOL[dtype])


def _calls(f, *args):
    outs = [f(*args) for _ in range(3)]
    for o in outs[1:]:
        for a, b in zip(o if isinstance(o, list) else [o], outs[0] if isinstance(o, list) else [outs[0]]):
            assert a.tobytes() == b.tobytes()
    return outs[0]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(20, 10), (3, 1), (1, 7), (4, 3, 5), (0, 4), (6,)])
def test_softmax_and_logsoftmax_against_scipy(dtype, shape):
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    rs = np.random.RandomState(1)
    xv = _inputs(rs, shape, dtype)
    for op, ref in ((nn.softmax_op, special.softmax), (nn.logsoftmax_op, special.log_softmax)):
        f = theano.function([x], op(x), **NATIVE)
        assert _paths(f) == ["kernel"]
        got = _calls(f, xv)
        want = ref(xv.astype("float64"), axis=-1).astype(dtype) if xv.size else xv
        _check(got, want, dtype)
        _check(theano.function([x], op(x), **REF)(xv), got, dtype)
        # a transposed (non-contiguous) input
        if len(shape) == 2:
            xt = np.ascontiguousarray(xv.T).T
            _check(f(xt), want, dtype)


def test_softmax_family_non_finite_rows_as_perform():
    x = T.dmatrix("x")
    v = np.array([[np.nan, 1.0, 2.0], [np.inf, 1.0, 0.0], [-np.inf, -np.inf, -np.inf],
                  [-np.inf, 0.0, 1.0], [1e308, 1e308, -1e308], [-745.0, -746.0, -800.0]])
    for op in (nn.softmax_op, nn.logsoftmax_op):
        got = _calls(theano.function([x], op(x), **NATIVE), v)
        want = theano.function([x], op(x), **REF)(v)
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_grad_and_softmax_with_bias(dtype):
    x, dy = T.matrix("x", dtype=dtype), T.matrix("dy", dtype=dtype)
    b = T.vector("b", dtype=dtype)
    rs = np.random.RandomState(2)
    xv, dyv, bv = _inputs(rs, (8, 5), dtype), rs.randn(8, 5).astype(dtype), rs.randn(5).astype(dtype)
    sm = special.softmax(xv.astype("float64"), axis=1)
    f = theano.function([dy, x], nn.softmax_grad_op(dy, nn.softmax_op(x)), **NATIVE)
    assert _paths(f) == ["kernel", "kernel"]
    d64 = dyv.astype("float64")
    want = (d64 - (d64 * sm).sum(axis=1, keepdims=True)) * sm
    _check(_calls(f, dyv, xv), want.astype(dtype), dtype)
    g = theano.function([x, b], nn.softmax_with_bias(x, b), **NATIVE)
    assert _paths(g) == ["kernel"]
    _check(_calls(g, xv, bv), special.softmax((xv + bv).astype("float64"), axis=1).astype(dtype), dtype)
    with pytest.raises(ValueError, match="b has length 4 but x has 5 columns"):
        g(xv, bv[:4])
    with pytest.raises(ValueError, match="SoftmaxGrad: dy has shape"):
        f(dyv[:3], xv)


@pytest.mark.parametrize("dtype, ydtype", [("float64", "int32"), ("float32", "int64"),
                                           ("float64", "uint8")])
def test_fused_xent_ops_against_numpy(dtype, ydtype):
    x, b = T.matrix("x", dtype=dtype), T.vector("b", dtype=dtype)
    y, dy = T.vector("y", dtype=ydtype), T.vector("dy", dtype=dtype)
    nll, sm, am = nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    dx = nn.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y)
    f = theano.function([x, b, y, dy], [nll, sm, am, dx], **NATIVE)
    ref = theano.function([x, b, y, dy], [nll, sm, am, dx], **REF)
    assert _paths(f) == ["kernel", "kernel"]
    rs = np.random.RandomState(3)
    for rows, cols in ((20, 10), (1, 1), (5, 3), (0, 4)):
        xv = _inputs(rs, (rows, cols), dtype)
        bv, yv = rs.randn(cols).astype(dtype), rs.randint(0, cols, rows).astype(ydtype)
        dyv = rs.randn(rows).astype(dtype)
        got = _calls(f, xv, bv, yv, dyv)
        z = (xv + bv).astype("float64")
        logsm = special.log_softmax(z, axis=1) if z.size else z
        want_nll = -logsm[np.arange(rows), yv]
        want_sm = np.exp(logsm)
        onehot = np.zeros((rows, cols))
        onehot[np.arange(rows), yv] = 1
        _check(got[0], want_nll.astype(dtype), dtype)
        _check(got[1], want_sm.astype(dtype), dtype)
        assert got[2].dtype == np.int64
        np.testing.assert_array_equal(got[2], (xv + bv).argmax(axis=1) if cols else np.zeros(rows))
        _check(got[3], (dyv[:, None].astype("float64") * (got[1] - onehot)).astype(dtype), dtype)
        # (dx: sm - 1 cancels where sm is near 1, so float32 entries differ by an ulp of sm)
        near = TOL[dtype] if dtype == "float64" else dict(rtol=2e-6, atol=4e-7)
        for a, r in zip(got, ref(xv, bv, yv, dyv)):
            np.testing.assert_allclose(a, r, **near)
    # the errors of perform, with their messages
    xv, bv = rs.randn(4, 3).astype(dtype), rs.randn(3).astype(dtype)
    yv, dyv = np.array([0, 1, 2, 1], dtype=ydtype), np.ones(4, dtype=dtype)
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 3\), got values from 0 to 3"):
        f(xv, bv, np.array([0, 3, 1, 1], dtype=ydtype), dyv)
    with pytest.raises(ValueError, match="4 rows of probabilities but 3 class indices"):
        f(xv, bv, yv[:3], dyv)
    with pytest.raises(ValueError, match="b has length 2 but x has 3 columns"):
        f(xv, bv[:2], yv, dyv)
    with pytest.raises(ValueError, match="dy has length 2 but sm has 4 rows"):
        f(xv, bv, yv, dyv[:2])
    np.testing.assert_allclose(f(xv, bv, yv, dyv)[0], ref(xv, bv, yv, dyv)[0], **TOL[dtype])


def test_negative_label_is_an_error():
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.ivector("y")
    f = theano.function([x, b, y], nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)[0],
                        **NATIVE)
    with pytest.raises(ValueError, match="got values from -1 to 1"):
        f(np.zeros((2, 3)), np.zeros(3), np.array([-1, 1], dtype="int32"))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_classifier_cost_gradient_on_the_native_backend(dtype):
    # the tutorials' negative log-likelihood: rewritten to the fused ops, whose kernels then
    # compute the cost and its gradient; checked against finite differences and NumPy
    rs = np.random.RandomState(4)
    xv = rs.randn(6, 4).astype(dtype)
    yv = rs.randint(0, 3, 6).astype("int32")
    y = T.ivector("y")

    def cost(W, b):
        p = nn.softmax(T.dot(xv, W) + b)
        return -T.mean(T.log(p)[T.arange(y.shape[0]), y])

    W0, b0 = rs.randn(4, 3).astype(dtype), rs.randn(3).astype(dtype)
    W, b = T.matrix("W", dtype=dtype), T.vector("b", dtype=dtype)
    f = theano.function([W, b, y], [cost(W, b)] + T.grad(cost(W, b), [W, b]),
                        mode=theano.Mode(linker="auto", optimizer="fast_run"))
    ops = {type(n.op).__name__ for n in f.maker.fgraph.toposort()}
    assert "CrossentropySoftmaxArgmax1HotWithBias" in ops
    assert "CrossentropySoftmax1HotWithBiasDx" in ops
    c, gW, gb = _calls(f, W0, b0, yv)
    z = xv.astype("float64") @ W0 + b0
    p = special.softmax(z, axis=1)
    onehot = np.eye(3)[yv]
    tol = TOL[dtype] if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, -np.mean(np.log(p[np.arange(6), yv])), **tol)
    np.testing.assert_allclose(gW, xv.T.astype("float64") @ (p - onehot) / 6, **tol)
    np.testing.assert_allclose(gb, (p - onehot).sum(axis=0) / 6, **tol)
    if dtype == "float64":
        theano.gradient.verify_grad(lambda W_, b_: theano.clone(cost(W_, b_), {y: yv}),
                                    [W0, b0], rng=rs, mode=theano.Mode(linker="auto"))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_minibatch_step_runs_as_one_whole_graph_function(dtype):
    # a tutorial's minibatch step (labels cast from a shared float dataset, the fused
    # cross-entropy ops, the updates) compiles into one Numba function with the ops' loops
    rs = np.random.RandomState(5)
    N, D, K, bs = 40, 6, 4, 8
    Xd, Yd = rs.randn(N, D).astype(dtype), rs.randint(0, K, N)
    data_x = theano.shared(Xd)
    data_y = T.cast(theano.shared(Yd.astype(dtype)), "int32")
    index, x, y = T.lscalar("index"), T.matrix("x", dtype=dtype), T.ivector("y")
    W0, b0 = (rs.randn(D, K) * 0.1).astype(dtype), np.zeros(K, dtype=dtype)
    W, b = theano.shared(W0.copy()), theano.shared(b0.copy())
    p = nn.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    lr = np.asarray(0.5, dtype=dtype)
    step = theano.function([index], [cost, p], updates=[(W, W - lr * gW), (b, b - lr * gb)],
                           givens={x: data_x[index * bs:(index + 1) * bs],
                                   y: data_y[index * bs:(index + 1) * bs]})
    src = step.maker.thunk.graph_source
    assert src is not None and f"xent_softmax_argmax_{dtype}(" in src
    assert f"xent_dx_{dtype}(" in src and "_fcast(" in src
    Wn, bn = W0.astype("float64"), b0.astype("float64")
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-4, atol=1e-5)
    for i in [0, 1, 2, 3, 4, 0]:
        xb, yb = Xd[i * bs:(i + 1) * bs].astype("float64"), Yd[i * bs:(i + 1) * bs]
        pr = special.softmax(xb @ Wn + bn, axis=1)
        want_cost = -np.mean(np.log(pr[np.arange(bs), yb]))
        d = (pr - np.eye(K)[yb]) / bs
        Wn, bn = Wn - 0.5 * (xb.T @ d), bn - 0.5 * d.sum(axis=0)
        c, pv = step(i)
        np.testing.assert_allclose(c, want_cost, **tol)
        np.testing.assert_allclose(pv, pr, **tol)
        np.testing.assert_allclose(W.get_value(), Wn, **tol)
    # a label out of range: the per-node code's error, with the op's message; nothing updated
    Wkeep = W.get_value()
    bad_y = theano.shared(np.full(N, K, dtype=dtype))
    bad = theano.function([index], cost, updates=[(W, W - lr * gW)],
                          givens={x: data_x[index * bs:(index + 1) * bs],
                                  y: T.cast(bad_y, "int32")[index * bs:(index + 1) * bs]})
    with pytest.raises(ValueError, match="class indices must lie in"):
        bad(0)
    np.testing.assert_array_equal(W.get_value(), Wkeep)


def test_big_inputs_run_the_perform_with_its_bits():
    from theano.link.numba import ops_nnet

    x, b, y = T.dmatrix("x"), T.dvector("b"), T.ivector("y")
    outs = list(nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)) + [nn.softmax_op(x)]
    f = theano.function([x, b, y], outs, **NATIVE)
    ref = theano.function([x, b, y], outs, **REF)
    rs = np.random.RandomState(6)
    for rows in (ops_nnet.KERNEL_MAX // 8, ops_nnet.KERNEL_MAX // 8 + 1, 3000):
        xv, bv = rs.randn(rows, 8), rs.randn(8)
        yv = rs.randint(0, 8, rows).astype("int32")
        got, want = _calls(f, xv, bv, yv), ref(xv, bv, yv)
        for a, r in zip(got, want):
            if xv.size > ops_nnet.KERNEL_MAX:      # the perform itself
                assert a.tobytes() == r.tobytes()
            else:
                np.testing.assert_allclose(a, r, rtol=1e-12)
