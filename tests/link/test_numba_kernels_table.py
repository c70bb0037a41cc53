"""The native backend's scalar-kernel table (theano/link/numba/kernels.py): every scalar op that
Elemwise can map has its entry or runs on NumPy; custom ops can register one."""

import numpy as np
import pytest

import theano
import theano.scalar.basic as ts
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba.kernels import register_kernel, template_of  # noqa: E402


def test_common_ops_have_templates():
    for op in (ts.add, ts.mul, ts.sub, ts.true_div, ts.exp, ts.log, ts.tanh, ts.lt, ts.switch,
               ts.maximum, ts.second):
        assert template_of(op) is not None, op
    assert template_of(ts.add) == "+"
    assert "exp" in template_of(ts.exp)


def test_cast_template_follows_dtype():
    assert template_of(ts.cast_op("float32")) == "np.float32({0})"
    assert template_of(ts.cast_op("bool")) == "bool({0})"


def test_registered_custom_op_runs_through_a_kernel():
    class Cube(ts.ScalarOp):
        nin = 1

        def output_dtypes(self, a):
            return (a,)

        def impl(self, x, out_dtypes=None):
            return np.asarray(x) ** 3

    cube = Cube("cube")
    assert template_of(cube) is None
    register_kernel(Cube, "({0}) * ({0}) * ({0})")
    assert template_of(cube) == "({0}) * ({0}) * ({0})"
    from theano.tensor.elemwise import Elemwise

    x = T.dvector("x")
    y = Elemwise(cube)(x) + 1.0
    with theano.config.change_flags(numba__force_kernels=True):
        f = theano.function([x], y)
    v = np.linspace(-2, 2, 7)
    for _ in range(2):
        np.testing.assert_allclose(f(v), v ** 3 + 1.0)
    paths = dict(theano.printing._node_paths(f))
    assert any("kernel" in p for p in paths.values())
