"""fill_diagonal and fill_diagonal_offset: theano.tensor.diagonal_fill."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, rand

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


def _np_fill_diag(a, v):
    out = a.copy()
    np.fill_diagonal(out, v)
    return out


def _np_fill_diag_offset(a, v, k):
    out = a.copy()
    for i in range(a.shape[0]):
        if 0 <= i + k < a.shape[1]:
            out[i, i + k] = v
    return out


CASES = []
CASES += [
    OpCase("fill_diagonal", lambda a, v: T.fill_diagonal(a, v),
           lambda a, v: _np_fill_diag(a, v), [rand(3, 4), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("fill_diagonal_tall", lambda a, v: T.fill_diagonal(a, v),
           lambda a, v: _np_fill_diag(a, v), [rand(5, 2), np.asarray(-0.3)], dtypes=FLOATS),
    OpCase("fill_diagonal_offset", lambda a, v: T.fill_diagonal_offset(a, v, 1),
           lambda a, v: _np_fill_diag_offset(a, v, 1), [rand(3, 4), np.asarray(0.7)], dtypes=FLOATS),
    OpCase("fill_diagonal_offset_neg", lambda a, v: T.fill_diagonal_offset(a, v, -2),
           lambda a, v: _np_fill_diag_offset(a, v, -2), [rand(4, 3), np.asarray(0.7)], dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_case(case):
    check_case(case)


def test_fill_diagonal_more():
    a = T.dtensor3()
    av = rand(3, 3, 3)
    np.testing.assert_allclose(run(T.fill_diagonal(a, 5.0), [a], [av]), _np_fill_diag(av, 5.0))
    f = theano.function([a], T.fill_diagonal(a, 1.0), mode=PY)
    with pytest.raises(ValueError, match="equal"):
        f(rand(2, 3, 3))
    with pytest.raises(TypeError, match="2 dimensions"):
        T.fill_diagonal(T.dvector(), 1.0)
    with pytest.raises(TypeError, match="scalar"):
        T.fill_diagonal(T.dmatrix(), T.dvector())
    with pytest.raises(TypeError, match="does not fit"):
        T.fill_diagonal(T.imatrix(), 1.5)
    m = T.imatrix()
    np.testing.assert_array_equal(run(T.fill_diagonal(m, 7), [m], [np.zeros((2, 2), "int32")]),
                                  np.diag([7, 7]))
    k = T.lscalar()
    x = T.dmatrix()
    out = T.fill_diagonal_offset(x, 2.0, k)
    xv = rand(3, 4)
    for kv in (-3, -1, 0, 2, 5):
        np.testing.assert_allclose(run(out, [x, k], [xv, kv]), _np_fill_diag_offset(xv, 2.0, kv))
    v = T.dscalar()
    gv = T.grad(T.sum(T.fill_diagonal_offset(x, v, k) * x), v)
    np.testing.assert_allclose(run(gv, [x, v, k], [xv, 1.0, 1]), np.trace(xv, 1))
