"""An exception raised inside a node keeps its class on every backend (``except MemoryError`` works),
and still names the node and the user's line."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.ops import as_op

MODES = ["FAST_COMPILE", "FAST_RUN", theano.Mode(linker="py")]


@as_op(itypes=[T.dvector], otypes=[T.dvector])
def numpy_oom(v):
    # NumPy's own MemoryError subclass, whose constructor takes (shape, dtype), not a message
    try:
        from numpy._core._exceptions import _ArrayMemoryError
    except ImportError:      # NumPy 1.x
        from numpy.core._exceptions import _ArrayMemoryError

    raise _ArrayMemoryError((2 ** 40, 2 ** 20), np.dtype("float64"))


@as_op(itypes=[T.dvector], otypes=[T.dvector])
def plain_oom(v):
    raise MemoryError("no room")


class MyError(Exception):
    def __init__(self, code, detail):
        super().__init__(code, detail)
        self.code = code


@as_op(itypes=[T.dvector], otypes=[T.dvector])
def custom_error(v):
    raise MyError(42, "bad")


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_numpy_memory_error_keeps_its_class(mode):
    x = T.dvector("x")
    f = theano.function([x], numpy_oom(x) * 2, mode=mode)
    for _ in range(2):
        with pytest.raises(MemoryError) as info:
            f(np.ones(3))
        notes = "\n".join(getattr(info.value, "__notes__", []))
        assert "test_error_classes.py" in notes and "Apply node" in notes


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_plain_memory_error_keeps_class_and_message(mode):
    x = T.dvector("x")
    f = theano.function([x], plain_oom(x) + 1, mode=mode)
    with pytest.raises(MemoryError, match="no room") as info:
        f(np.ones(3))
    assert "test_error_classes.py" in str(info.value)


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_exception_with_own_constructor_is_the_original(mode):
    x = T.dvector("x")
    f = theano.function([x], custom_error(x) - 1, mode=mode)
    with pytest.raises(MyError) as info:
        f(np.ones(3))
    assert info.value.code == 42


def test_shared_variables_unchanged_after_memory_error():
    x = T.dvector("x")
    s = theano.shared(np.arange(3.0))
    f = theano.function([x], plain_oom(x), updates=[(s, s + 1)])
    with pytest.raises(MemoryError):
        f(np.ones(3))
    np.testing.assert_array_equal(s.get_value(), np.arange(3.0))
