"""theano.updates.OrderedUpdates (Theano 1.0): shared-variable keys only, insertion order, `+`
merging two sets of updates (a conflict is a KeyError), and usable as theano.function's updates."""

import warnings
from collections import OrderedDict

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.updates import OrderedUpdates


def test_keys_must_be_shared_variables():
    with pytest.raises(TypeError, match="shared variables"):
        OrderedUpdates({"d": 3})
    with pytest.raises(TypeError, match="shared variables"):
        OrderedUpdates(d=3)
    up = OrderedUpdates()
    with pytest.raises(TypeError, match="shared variables"):
        up[5] = 7
    with pytest.raises(TypeError, match="shared variables"):
        up[T.vector()] = 7
    sv = theano.shared(np.float64(1.0))
    up[sv] = 7
    assert list(up.items()) == [(sv, 7)] and OrderedUpdates({sv: 3})[sv] == 3
    assert theano.OrderedUpdates is OrderedUpdates


def test_addition_merges_and_refuses_conflicts():
    a, b = theano.shared(1.0, name="a"), theano.shared(2.0, name="b")
    up1, up2 = OrderedUpdates(), OrderedUpdates()
    assert not (up1 + up2)
    up1[a] = 5
    assert len(up1 + up2) == 1 and (up1 + up2)[a] == 5 and not up2
    up2[b] = 7
    both = up1 + up2
    assert list(both) == [a, b] and both[b] == 7
    assert len(up1 + up1 + up1) == 1                # the same update twice is one update
    up2[a] = 8
    with pytest.raises(KeyError, match="two different updates"):
        up1 + up2
    merged = [(b, 1)] + up1                         # __radd__ with pairs
    assert list(merged) == [b, a]


def test_unordered_dict_of_several_updates_warns():
    a, b = theano.shared(1.0), theano.shared(2.0)
    with pytest.warns(UserWarning, match="plain dict"):
        OrderedUpdates({a: 1, b: 2})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        OrderedUpdates(OrderedDict([(a, 1), (b, 2)]))
        OrderedUpdates([(a, 1), (b, 2)])


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_function_takes_ordered_updates(mode):
    w = theano.shared(np.array([1.0, 2.0]), name="w")
    c = theano.shared(np.int64(0), name="c")
    x = T.dvector("x")
    ups = OrderedUpdates()
    ups[w] = w - 0.5 * x
    ups += OrderedUpdates([(c, c + 1)])
    f = theano.function([x], (w * x).sum(), updates=ups, mode=mode)
    expected_w = np.array([1.0, 2.0])
    for k in range(3):
        out = f(np.array([1.0, -1.0]))
        assert out == (expected_w * [1.0, -1.0]).sum()
        expected_w = expected_w - 0.5 * np.array([1.0, -1.0])
        np.testing.assert_array_equal(w.get_value(), expected_w)
        assert c.get_value() == k + 1
