"""theano.tensor.utils (Theano 1.0): hash_from_ndarray and shape_of_variables."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.utils import hash_from_ndarray, shape_of_variables


def test_hash_from_ndarray_tells_values_apart_and_views_from_nothing():
    r = np.random.RandomState(0).rand(5, 5)
    values = [-2, -1, 0, 1, 2, np.zeros((1, 5)), np.zeros((1, 6)), np.zeros((1, 0)),
              np.zeros((2, 0)), np.arange(25).reshape(5, 5), np.arange(25).reshape(5, 5).T,
              np.zeros((5, 5), dtype="uint32"), np.zeros((5, 5), dtype="int32"),
              r, r[1:], r[:4], r[1:3], r[::2], r[::-1]]
    hashes = [hash_from_ndarray(np.asarray(v)) for v in values]
    assert len(set(hashes)) == len(hashes)
    for view in (r[1:], r[1:3], r[:4], r[::2], r[::-1], r.T):
        assert hash_from_ndarray(view) == hash_from_ndarray(view.copy())
    assert hash_from_ndarray(r) == hash_from_ndarray(r.copy())


def test_shape_of_variables_against_the_computed_values():
    x = T.dmatrix("x")
    y = T.dot(x, x.T)
    z = (y[1:] * 2).sum(axis=0)
    fg = theano.FunctionGraph([x], [y, z], clone=False)
    shapes = shape_of_variables(fg, {x: (5, 3)})
    values = theano.function([x], [y, z])(np.ones((5, 3)))
    assert shapes[x] == (5, 3)
    assert shapes[y] == values[0].shape == (5, 5)
    assert shapes[z] == values[1].shape == (5,)
    for v, shp in shapes.items():
        assert len(shp) == v.ndim and all(isinstance(d, int) for d in shp)


def test_shape_of_variables_needs_the_graphs_own_inputs():
    x = T.dmatrix("x")
    fg = theano.FunctionGraph([x], [x[1:]])          # cloned: x is not its input
    with pytest.raises(ValueError, match="clone=False"):
        shape_of_variables(fg, {x: (10, 10)})
    fg = theano.FunctionGraph([x], [x[1:]], clone=False)
    with pytest.raises(ValueError, match="2 dimensions"):
        shape_of_variables(fg, {x: (10,)})
    assert shape_of_variables(fg, {x: (10, 4)})[fg.outputs[0]] == (9, 4)
