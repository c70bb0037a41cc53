"""``T.flatten(x)`` (to one dimension) is one Reshape node with a constant target shape."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import theano
import theano.tensor as T

MODES = {"default": None, "py": theano.Mode(linker="py")}


@pytest.mark.parametrize("mode", MODES)
def test_flatten_to_a_vector_is_one_reshape(mode):
    x = T.tensor3("x")
    f = theano.function([x], [T.flatten(x), T.flatten(x).shape], mode=MODES[mode])
    g = theano.function([x], T.flatten(x), mode=MODES[mode])
    ops = [type(n.op).__name__ for n in g.maker.fgraph.toposort()]
    assert [o for o in ops if o != "DeepCopyOp"] == ["Reshape"]  # (a view of x is copied out)
    for shape in ((2, 3, 4), (0, 3, 2), (2, 0, 3), (1, 1, 1)):
        for _ in range(3):
            xv = np.arange(np.prod(shape), dtype=x.dtype).reshape(shape)
            flat, shp = f(xv)
            assert_allclose(flat, xv.ravel())
            assert tuple(shp) == (xv.size,)


def test_flatten_keeps_broadcastable_and_grad():
    b = T.TensorType("float64", (True, True))("b")
    assert T.flatten(b).broadcastable == (True,)
    x = T.dmatrix("x")
    g = theano.function([x], T.grad((T.flatten(x) ** 2).sum(), x))
    xv = np.arange(6.0).reshape(2, 3)
    assert_allclose(g(xv), 2 * xv)
    assert T.flatten(x, 2).ndim == 2
