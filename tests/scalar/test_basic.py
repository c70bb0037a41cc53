"""Scalar ops written the Theano 1.0 way (``impl`` on single values, ``output_types_preference``,
no ``nin``) plugged into Elemwise; ``upgrade_to_float`` on dtypes and on Scalar types."""

import numpy as np
import pytest

import theano
import theano.scalar as scal
import theano.tensor as T
from theano.gradient import NullTypeGradError, grad_not_implemented

MODES = [lambda: theano.Mode(linker="py"), lambda: None]


class ScaledBy(scal.ScalarOp):
    """x * n, Theano 1.0 style: no super().__init__, no nin, impl on values."""

    def __init__(self):
        self.output_types_preference = scal.upgrade_to_float

    def impl(self, n, x):
        return x * n

    def grad(self, inputs, output_grads):
        (n, _x), (gz,) = inputs, output_grads
        return [grad_not_implemented(self, 0, n), gz * n]


class Hypot3(scal.ScalarOp):
    def impl(self, a, b, c):
        return (a * a + b * b + c * c) ** 0.5


def test_theano_style_scalar_op_contract():
    op = ScaledBy()
    assert op.nin == 2 and str(op) == "scaledby" and Hypot3.nin == 3
    assert op.output_dtypes("int8", "int8") == ("float32",)
    assert op.output_dtypes("int32", "float64") == ("float64",)
    with pytest.raises(TypeError):
        op.output_dtypes("float64")


@pytest.mark.parametrize("mode", MODES)
def test_theano_style_scalar_op_values_and_grads(mode):
    scaled = T.Elemwise(ScaledBy())
    n, x = T.ivector("n"), T.dvector("x")
    y = scaled(n, x)
    assert y.dtype == "float64"
    gx = theano.grad(y.sum(), x)
    f = theano.function([n, x], [y, gx], mode=mode())
    rng = np.random.RandomState(0)
    for _ in range(2):
        nv, xv = rng.randint(-3, 4, 5).astype("int32"), rng.randn(5)
        yv, gv = f(nv, xv)
        assert yv.dtype == np.float64
        np.testing.assert_allclose(yv, xv * nv)
        np.testing.assert_allclose(gv, nv)
    with pytest.raises(NullTypeGradError):
        theano.grad(scaled(x, n).sum(), x)
    b = T.bvector("b")
    h = T.Elemwise(Hypot3())(b, b, b)
    assert h.dtype == "int8"  # the default rule (upcast) where no preference is given
    fh = theano.function([b], h, mode=mode())
    for _ in range(2):
        np.testing.assert_array_equal(fh(np.array([0, 1, 3], dtype="int8")),
                                      np.array([0, 1, 5], dtype="int8"))


def test_upgrade_to_float_on_dtypes_and_types():
    assert scal.upgrade_to_float("int8") == "float32"
    assert scal.upgrade_to_float("int64") == "float64"
    assert scal.upgrade_to_float("complex64") == "complex64"
    assert scal.upgrade_to_float(scal.int16, scal.uint8) == (scal.float32,)
    assert scal.upgrade_to_float(scal.int32) == (scal.float64,)
