"""log of a sigmoid read through a reshape / flatten / transpose / subtensor, and log(1 - sigmoid),
become a softplus of the argument (finite at +-1000, one softplus and no double negation); the
Theano 1.0 names of the scalar ops (theano.tensor.nnet.sigm.ScalarSoftplus, ...)."""

import numpy as np
import pytest

import theano
import theano.scalar.basic as ts
import theano.tensor as T
from theano.tensor.elemwise import Elemwise
from theano.tensor.nnet import sigm, sigmoid
from tests.helpers import central_differences

MODES = {"py": theano.Mode(linker="py").excluding("fusion"),
         "numba": theano.Mode(linker="numba").excluding("fusion")}
V = np.array([[-1000.0, -3.0, 0.0, 0.5], [2.0, 30.0, 700.0, 1000.0]])


def log_sigmoid(v):
    return -np.logaddexp(0, -v)


def log_one_minus_sigmoid(v):
    return -np.logaddexp(0, v)


def scalar_ops(f):
    return [type(n.op.scalar_op) for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]


def test_theano_names_of_the_scalar_ops():
    assert sigm.ScalarSoftplus is ts.Softplus and sigm.ScalarSigmoid is ts.Sigmoid
    assert isinstance(sigm.scalar_softplus, sigm.ScalarSoftplus)
    assert T.nnet.softplus.scalar_op == sigm.scalar_softplus
    assert T.nnet.sigmoid.scalar_op == sigm.scalar_sigmoid
    assert T.nnet.sigmoid_inplace.scalar_op == sigm.scalar_sigmoid


CASES = [
    ("log1m", lambda x: T.log(1 - sigmoid(x)), lambda v: log_one_minus_sigmoid(v)),
    ("log1m_flatten", lambda x: T.log(1 - T.flatten(sigmoid(x))),
     lambda v: log_one_minus_sigmoid(v).ravel()),
    ("log1m_reshape", lambda x: T.log(1 - sigmoid(x).reshape([x.size])),
     lambda v: log_one_minus_sigmoid(v).ravel()),
    ("log_transpose_slice", lambda x: T.log(sigmoid(x).T[1:]), lambda v: log_sigmoid(v).T[1:]),
    ("log_rows", lambda x: T.log(sigmoid(x)[T.constant(np.array([1, 1, 0]))]),
     lambda v: log_sigmoid(v)[[1, 1, 0]]),
    ("log1m_dimshuffle", lambda x: T.log(1 - sigmoid(x).dimshuffle(1, "x", 0)),
     lambda v: log_one_minus_sigmoid(v).T[:, None, :]),
]


@pytest.mark.parametrize("name", list(MODES))
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_are_finite_and_exact(case, name):
    _, build, ref = case
    x = T.dmatrix("x")
    f = theano.function([x], build(x), mode=MODES[name])
    ops = scalar_ops(f)
    assert ops.count(ts.Softplus) == 1 and ts.Sigmoid not in ops and ts.Log not in ops, ops
    assert ops.count(ts.Neg) <= 2, ops
    for _ in range(2):
        got = f(V)
        assert np.isfinite(got).all()
        np.testing.assert_allclose(got, ref(V), rtol=1e-13, atol=1e-300)


def test_log_one_minus_sigmoid_has_no_double_negation():
    x = T.dmatrix("x")
    f = theano.function([x], T.log(1 - sigmoid(x)), mode=MODES["py"])
    assert scalar_ops(f) == [ts.Softplus, ts.Neg]
    # 1 - sigmoid(x) used elsewhere too is still sigmoid(-x)
    g = theano.function([x], [T.log(1 - sigmoid(x)), 1 - sigmoid(x)], mode=MODES["py"])
    a, b = g(V)
    np.testing.assert_allclose(a, log_one_minus_sigmoid(V), rtol=1e-13)
    np.testing.assert_allclose(b, 1 / (1 + np.exp(np.clip(V, -700, 700))), rtol=1e-13, atol=1e-300)


def test_gradient_through_a_slice_of_log_sigmoid():
    # the kept entries do not saturate towards 0 (the gradient through a view is not stabilized:
    # 1 / s meets s * (1 - s) only after the view's adjoint), the sliced-off -1000 gets 0
    x = T.dmatrix("x")
    cost = T.log(sigmoid(x).T[1:]).sum()
    for name, mode in MODES.items():
        g = theano.function([x], T.grad(cost, x), mode=mode)
        expected = 1 / (1 + np.exp(np.clip(V, -700, 700)))   # d log(sigmoid(v)) / dv = sigmoid(-v)
        expected[:, 0] = 0
        for _ in range(2):
            np.testing.assert_allclose(g(V), expected, rtol=1e-12, atol=1e-300, err_msg=name)
        f = theano.function([x], cost, mode=mode)
        w = np.random.RandomState(0).randn(2, 4)
        np.testing.assert_allclose(g(w), central_differences(f, w), rtol=1e-6, atol=1e-9)


def test_without_the_rewrite_the_flattened_form_is_minus_inf():
    x = T.dmatrix("x")
    # (local_reshape_lift would move the flatten before the sigmoid, where the plain rewrite sees it)
    mode = theano.Mode(linker="py").excluding("local_log_sigmoid_through_views", "local_reshape_lift",
                                              "local_reshape_lift_stabilize")
    f = theano.function([x], T.log(1 - T.flatten(sigmoid(x))), mode=mode)
    with np.errstate(all="ignore"):
        assert np.isneginf(f(V)).any()
