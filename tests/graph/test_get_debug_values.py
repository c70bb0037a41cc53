"""theano.gof.op.get_debug_values: the test values of variables when compute_test_value is on
(computed through the graph), [] when it is off, and per mode what a missing value does."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gof.op import get_debug_values


def test_off_gives_nothing():
    x = T.dvector("x")
    assert get_debug_values(x, x * 2) == []


@pytest.mark.parametrize("mode", ["raise", "warn", "ignore"])
def test_values_through_the_graph_and_missing_values(monkeypatch, mode):
    monkeypatch.setattr(theano.config, "compute_test_value", mode)
    x = T.dvector("x")
    x.tag.test_value = np.array([1.0, 2.0])
    y = T.exp(x) * 2
    s = theano.shared(np.float64(3.0))
    [(xv, yv, sv)] = get_debug_values(x, y, s)
    np.testing.assert_allclose(yv, np.exp([1.0, 2.0]) * 2)
    assert sv == 3.0 and xv is x.tag.test_value
    z = T.dvector("z")
    if mode == "raise":
        with pytest.raises(ValueError, match="argument 1 .*z"):
            get_debug_values(x, z)
    elif mode == "warn":
        with pytest.warns(UserWarning, match="no test value"):
            assert get_debug_values(x, z) == []
    else:
        assert get_debug_values(x, z) == []


def test_get_test_value_of_plain_values_and_missing_values():
    import numpy as np
    import pytest

    import theano
    import theano.tensor as T
    from theano.gof import op

    for value in ([0, 1, 2], 0, 0.5, np.zeros((2, 3))):
        got = op.get_test_value(value)
        assert isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got, np.asarray(value))
    old = theano.config.compute_test_value
    try:
        theano.config.compute_test_value = "raise"
        x = T.vector()
        x.tag.test_value = np.zeros(4, dtype=x.dtype)
        (xv, yv), = op.get_debug_values(x, np.ones((2, 2)))
        assert xv.shape == (4,) and yv.shape == (2, 2)
        with pytest.raises(AttributeError, match="no test value"):
            op.get_debug_values(T.vector())
        with pytest.raises(ValueError, match="boom"):
            op.debug_error_message("boom")
        theano.config.compute_test_value = "warn"
        with pytest.warns(UserWarning, match="boom"):
            op.debug_error_message("boom")
    finally:
        theano.config.compute_test_value = old
