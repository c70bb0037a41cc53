"""Rewrites of theano/tensor/rewriting/nnet.py on sigmoids and argmaxes: the opt-in
local_ultra_fast_sigmoid / local_hard_sigmoid (off by default; when included every sigmoid,
gradients too, becomes the approximation) and local_argmax_pushdown."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scalar import basic as ts
from tests.helpers import value_mode


def _ultra_fast_ref(x):
    z = np.abs(x) * 0.5
    inner = np.where(z < 1.7, 1.5 * z / (1 + z),
                     np.where(z < 3.0, 0.935409070603099 + 0.0458812946797165 * (z - 1.7),
                              0.99505475368673))
    return np.where(x >= 0, 0.5 + 0.5 * inner, 0.5 - 0.5 * inner)


def _hard_ref(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


def _sigmoid_ref(x):
    return 1 / (1 + np.exp(-x))


def _has_sigmoid(f):
    return any(getattr(n.op, "scalar_op", None) == ts.sigmoid for n in f.maker.fgraph.toposort())


XV = np.array([[-50.0, -10, -4, -2.5, -1, 0, 0.3, 1, 2.5, 4, 10, 50]])


@pytest.mark.parametrize("mode", ["py", "auto"])
@pytest.mark.parametrize("name,ref", [("local_ultra_fast_sigmoid", _ultra_fast_ref),
                                      ("local_hard_sigmoid", _hard_ref)])
def test_sigmoid_approximation_rewrites_are_opt_in(mode, name, ref):
    x = T.matrix("x")
    s = T.nnet.sigmoid(x)
    base = value_mode(mode)
    if mode == "py":
        base = theano.Mode(linker="py", optimizer="fast_run")
    plain = theano.function([x], s, mode=base)
    approx = theano.function([x], s, mode=base.including(name))
    assert _has_sigmoid(plain) and not _has_sigmoid(approx)
    for _ in range(2):
        np.testing.assert_allclose(plain(XV), _sigmoid_ref(XV), rtol=1e-12)
        np.testing.assert_allclose(approx(XV), ref(XV), rtol=1e-12, atol=1e-15)
    # the gradient graph (s * (1 - s)) uses the approximation as well
    g = theano.function([x], theano.grad(s.sum(), x), mode=base.including(name))
    for _ in range(2):
        np.testing.assert_allclose(g(XV), ref(XV) * (1 - ref(XV)), rtol=1e-12, atol=1e-15)
    # including the phase by name does not turn the approximation on
    phase = theano.function([x], s, mode=base.including("canonicalize", "stabilize", "specialize"))
    assert _has_sigmoid(phase)
    np.testing.assert_allclose(phase(XV), _sigmoid_ref(XV), rtol=1e-12)
    # excluding it again gives the exact sigmoid
    back = theano.function([x], s, mode=base.including(name).excluding(name))
    np.testing.assert_allclose(back(XV), _sigmoid_ref(XV), rtol=1e-12)


def test_sigmoid_approximation_through_the_optimizer_including_flag():
    x = T.vector("x")
    xv = XV[0]
    with theano.change_flags(optimizer_including="local_hard_sigmoid"):
        f = theano.function([x], T.nnet.sigmoid(x))
    for _ in range(2):
        np.testing.assert_allclose(f(xv), _hard_ref(xv), rtol=1e-12)


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_argmax_pushdown_skips_softmax_and_increasing_functions(mode):
    from theano.tensor.nnet.nnet import Softmax

    x, b = T.matrix("x"), T.vector("b")
    rng = np.random.RandomState(5)
    xv, bv = rng.randn(6, 5), rng.randn(5)
    xv[0] = [40.0, 41.0, 0.0, -3.0, 2.0]      # sigmoid(40) == sigmoid(41) == 1.0: the true argmax is 1
    cases = [
        (T.argmax(T.nnet.softmax(T.exp(T.tanh(x))), axis=-1), np.argmax(xv, axis=-1), False),
        (T.max_and_argmax(T.nnet.softmax(x), axis=-1)[1], np.argmax(xv, axis=-1), False),
        (T.argmax(T.nnet.softmax_with_bias(x, b), axis=-1), np.argmax(xv + bv, axis=-1), False),
        (T.argmax(T.nnet.sigmoid(x), axis=1), np.argmax(xv, axis=1), False),
        (T.argmax(T.exp(x), axis=0), np.argmax(xv, axis=0), False),
        # a softmax is increasing along its rows only: argmax over axis 0 keeps it
        (T.argmax(T.nnet.softmax(x), axis=0), np.argmax(np.exp(xv) / np.exp(xv).sum(1, keepdims=True),
                                                         axis=0), True),
    ]
    for out, want, keeps_softmax in cases:
        f = theano.function([x, b], out, mode=value_mode(mode), on_unused_input="ignore")
        ops = [n.op for n in f.maker.fgraph.toposort()]
        assert any(isinstance(op, Softmax) for op in ops) == keeps_softmax
        assert not any(getattr(op, "scalar_op", None) in (ts.exp, ts.tanh, ts.sigmoid) for op in ops)
        for _ in range(2):
            np.testing.assert_array_equal(f(xv, bv), want)
    # the max is used: the softmax stays, and both outputs are right
    m, i = T.max_and_argmax(T.nnet.softmax(x), axis=-1)
    f = theano.function([x], [m, i], mode=value_mode(mode))
    sm = np.exp(xv - xv.max(1, keepdims=True))
    sm /= sm.sum(1, keepdims=True)
    for _ in range(2):
        got_m, got_i = f(xv)
        np.testing.assert_allclose(got_m, sm.max(1), rtol=1e-12)
        np.testing.assert_array_equal(got_i, np.argmax(sm, 1))
