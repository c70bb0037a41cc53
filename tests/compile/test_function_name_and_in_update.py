"""A function's default name is where it was made (``file:line`` of the caller, as in Theano 1.0,
shown by profiles), and ``In(x, update=u)`` refuses an update of another type at once."""

import os

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In


def _line_of(marker):
    with open(__file__) as fh:
        for k, line in enumerate(fh, 1):
            if marker in line and "_line_of" not in line:
                return k
    raise AssertionError(marker)


def test_default_name_is_the_callers_file_and_line():
    x = T.dvector("x")
    f = theano.function([x], x + 1.0)  # made-here
    assert f.name == f"{os.path.abspath(__file__)}:{_line_of('# made-here')}"
    assert theano.function([x], x * 2.0, name="double").name == "double"
    # also through the profile it prints
    g = theano.function([x], x - 1.0, profile=True)  # profiled-here
    g(np.ones(2))
    assert g.profile.name.endswith(f"{os.path.basename(__file__)}:{_line_of('# profiled-here')}")


def test_in_update_of_another_type_is_refused():
    a = T.dscalar("a")
    with pytest.raises(TypeError, match="update"):
        In(a, update=T.dvector("b"))
    with pytest.raises(TypeError, match="float32"):
        In(a, update=T.fscalar("c"))
    # an update of the same type works, as the state the calls that omit ``a`` read
    f = theano.function([In(a, value=1.0, update=a * 2)], a + 0.5)
    assert [float(f()) for _ in range(3)] == [1.5, 2.5, 4.5]
