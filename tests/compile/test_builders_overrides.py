"""OpFromGraph overrides in each of Theano 1.0's forms (a function, an OpFromGraph taking the
lists' variables one after another, a per-input list with 'default', functions and NullType /
DisconnectedType gradients), the R-operator as a node of every input, and the connection
pattern through inner nodes that connect only some inputs to some outputs. Values against
NumPy, on the reference VM and the default backend, each function called three times."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import OpFromGraph, function
from theano.gradient import DisconnectedType, NullType

MODES = [theano.Mode(linker="py"), "FAST_RUN"]
rng = np.random.RandomState(11)


def _check(f, args, expected):
    for _ in range(3):
        got = f(*args)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("inline", [False, True])
def test_grad_override_function_or_opfromgraph(mode, inline):
    x, y, g = T.dvectors("x", "y", "g")

    def scaled(inps, gs):
        a, b = inps
        return [gs[0] * b * 3, gs[0] * a * 0.5]

    as_op = OpFromGraph([x, y, g], scaled([x, y], [g]), inline=inline)
    xx, yy = T.dvectors("xx", "yy")
    xv, yv = rng.rand(6), rng.rand(6)
    for ov in (scaled, as_op):
        op = OpFromGraph([x, y], [x * y], inline=inline, grad_overrides=ov)
        f = function([xx, yy], T.grad(T.sum(op(xx, yy) * 2.0), [xx, yy]), mode=mode)
        _check(f, (xv, yv), (6 * yv, 1.0 * xv))


@pytest.mark.parametrize("mode", MODES)
def test_grad_override_list_default_function_null_disconnected(mode):
    x, w, b = T.dvectors("x", "w", "b")
    op = OpFromGraph([x, w, b], [x * w + b],
                     grad_overrides=[lambda inps, gs: gs[0] * inps[1] * 2, "default", "default"])
    xx, ww, bb = T.dvectors("xx", "ww", "bb")
    f = function([xx, ww, bb], T.grad(T.sum(op(xx, ww, bb) ** 2), [xx, ww, bb]), mode=mode)
    xv, wv, bv = rng.rand(5), rng.rand(5), rng.rand(5)
    r = 2 * (xv * wv + bv)
    _check(f, (xv, wv, bv), (r * wv * 2, r * xv, r))

    op2 = OpFromGraph([x, w, b], [x * w + b],
                      grad_overrides=["default", NullType()(), DisconnectedType()()])
    dx, dw, db = T.grad(T.sum(op2(xx, ww, bb)), [xx, ww, bb], return_disconnected="Disconnected",
                        disconnected_inputs="ignore", null_gradients="return")
    assert isinstance(dx.type, T.TensorType) and dx.ndim == 1
    assert isinstance(dw.type, NullType)
    assert isinstance(db.type, DisconnectedType)
    with pytest.raises(theano.gradient.NullTypeGradError):
        T.grad(T.sum(op2(xx, ww, bb)), ww)
    # an override list of the wrong length is refused with both counts
    with pytest.raises(ValueError, match="3"):
        T.grad(T.sum(OpFromGraph([x, w, b], [x * w + b], grad_overrides=["default"])(xx, ww, bb)), xx)


@pytest.mark.parametrize("mode", MODES)
def test_lop_override_function_or_opfromgraph(mode):
    x = T.dvector("x")
    y = 1.0 / (1.0 + T.exp(-x))

    def lop(inps, outs, gs):
        return [2.0 * outs[0] * (1.0 - outs[0]) * gs[0]]

    y_, g_ = T.dvectors("y_", "g_")
    as_op = OpFromGraph([x, y_, g_], [2.0 * y_ * (1.0 - y_) * g_])
    xx = T.dvector("xx")
    xv = np.concatenate([rng.randn(6), [-1000.0, 1000.0]])     # saturating ends stay finite
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-xv))
    for ov in (lop, as_op):
        op = OpFromGraph([x], [y], lop_overrides=ov)
        f = function([xx], [T.grad(T.sum(op(xx)), xx)], mode=mode)
        _check(f, (xv,), (2 * s * (1 - s),))
    with pytest.raises(ValueError, match="not both"):
        OpFromGraph([x], [y], lop_overrides=lop, grad_overrides=lop)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("inline", [False, True])
def test_rop_keeps_every_input_and_rop_overrides(mode, inline):
    a = T.dvector("a")
    m = T.dmatrix("m")
    op = OpFromGraph([a, m], [T.dot(a, m)], inline=inline)
    x, du = T.dvectors("x", "du")
    w = T.dmatrix("w")
    # the R-op along x does not read x's value: x is still an input of the result's node
    f = function([x, w, du], [T.Rop(op(x, w), x, du)], mode=mode)
    xv, wv, duv = rng.rand(4), rng.rand(4, 3), rng.rand(4)
    _check(f, (xv, wv, duv), (duv @ wv,))
    # both directions at once
    dw = T.dmatrix("dw")
    g = function([x, w, du, dw], [T.Rop(op(x, w), [x, w], [du, dw])], mode=mode)
    dwv = rng.rand(4, 3)
    _check(g, (xv, wv, duv, dwv), (duv @ wv + xv @ dwv,))

    p, q, u, v = T.dvectors("p", "q", "u", "v")

    def ro(inps, epts):
        return [epts[0] * inps[1] * 2.0 + inps[0] * epts[1] * 1.5]

    as_op = OpFromGraph([p, q, u, v], ro([p, q], [u, v]))
    vals = rng.rand(4, 7)
    for ov in (ro, as_op):
        mul = OpFromGraph([p, q], [p * q], rop_overrides=ov)
        xx, yy, dx, dy = T.dvectors("xx", "yy", "dx", "dy")
        h = function([xx, yy, dx, dy], [T.Rop(mul(xx, yy), [xx, yy], [dx, dy])], mode=mode)
        _check(h, tuple(vals), (vals[2] * vals[1] * 2.0 + vals[0] * vals[3] * 1.5,))


def test_connection_pattern_through_inner_nodes():
    x, y, z = T.dmatrices("x", "y", "z")
    op1 = OpFromGraph([x, y, z], [x * y, y * z])
    assert op1.connection_pattern(None) == [[True, False], [True, True], [False, True]]
    m, n, p, q = T.dmatrices("m", "n", "p", "q")
    o1, o2 = op1(m, n, p)
    out1, out2 = op1(o1, q, o2)
    # out1 = (m*n) * q, out2 = q * (n*p): p does not reach out1, m does not reach out2
    op2 = OpFromGraph([m, n, p, q], [out1, out2])
    assert op2.connection_pattern(None) == [[True, False], [True, True], [False, True],
                                            [True, True]]
    # the gradient of out1 with respect to p is zero, of out2 with respect to p is n * q
    pp = T.dmatrix("pp")
    f = function([m, n, pp, q], T.grad(op2(m, n, pp, q)[0].sum(), [m, pp])
                 + T.grad(op2(m, n, pp, q)[1].sum(), [pp]), on_unused_input="ignore")
    mv, nv, pv, qv = (rng.rand(2, 3) for _ in range(4))
    _check(f, (mv, nv, pv, qv), (nv * qv, np.zeros((2, 3)), nv * qv))


@pytest.mark.parametrize("mode", MODES)
def test_connection_pattern_override_and_unused_input_argument(mode):
    x, y = T.dvectors("x", "y")
    # the output does not read x, but the override gives x a gradient
    op = OpFromGraph([x, y], [y + T.round(y)], connection_pattern=[[True], [False]],
                     grad_overrides=lambda inps, gs: [gs[0], theano.gradient.disconnected_type()],
                     on_unused_input="ignore")
    xx, yy = T.dvectors("xx", "yy")
    out = op(xx, yy)
    f = function([xx, yy], [out, T.grad(out.sum(), xx)], mode=mode)
    yv = np.array([0.2, 1.7, -2.5])
    _check(f, (np.ones(3), yv), (yv + np.round(yv), np.ones(3)))
