"""The opt-in rewrites local_ultra_fast_sigmoid / local_hard_sigmoid (theano/tensor/rewriting/nnet.py):
off by default, and when included every sigmoid (gradients too) becomes the approximation."""

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
