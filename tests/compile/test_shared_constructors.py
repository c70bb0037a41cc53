"""theano.shared's registry of constructors (theano.compile.shared_constructor) and of constructor
loaders: a user's constructor is used, the latest registered first; theano.sparse registers its
own constructor, loaded on the first scipy.sparse value (``import theano`` imports no scipy)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile import sharedvalue
from theano.compile.sharedvalue import SharedVariable, shared_constructor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "numba": lambda: theano.Mode(linker="auto", optimizer="fast_run")}


class Celsius:
    """A user's value class, held by a float64 scalar shared variable (the degrees)."""

    def __init__(self, degrees):
        self.degrees = degrees


class CelsiusShared(theano.tensor.sharedvar.TensorSharedVariable):
    pass


def celsius_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False, **kwargs):
    if not isinstance(value, Celsius):
        raise TypeError("not a Celsius value")
    return CelsiusShared(name=name, type=T.TensorType("float64", ()), value=np.float64(value.degrees),
                         strict=strict, allow_downcast=allow_downcast)


@pytest.fixture
def registered():
    shared_constructor(celsius_constructor)
    yield celsius_constructor
    shared_constructor(celsius_constructor, remove=True)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_user_constructor_is_used(registered, mode):
    t = theano.shared(Celsius(21.5), name="t")
    assert isinstance(t, CelsiusShared) and t.name == "t"
    f = theano.function([], t * 9 / 5 + 32, updates=[(t, t + 1)], mode=MODES[mode]())
    assert [float(f()) for _ in range(3)] == [21.5 * 9 / 5 + 32, 22.5 * 9 / 5 + 32, 23.5 * 9 / 5 + 32]
    # other values still go to the constructors registered before it
    assert not isinstance(theano.shared(np.zeros(2)), CelsiusShared)


def test_the_latest_constructor_is_tried_first_and_remove_unregisters(registered):
    calls = []

    def first(value, **kwargs):
        calls.append(type(value).__name__)
        raise TypeError("declines everything")

    shared_constructor(first)
    try:
        assert isinstance(theano.shared(Celsius(1.0)), CelsiusShared)
        assert calls == ["Celsius"]
    finally:
        shared_constructor(first, remove=True)
    theano.shared(Celsius(1.0))
    assert calls == ["Celsius"]
    shared_constructor(celsius_constructor, remove=True)
    try:
        # no constructor takes it any more: a generic shared variable holding a copy
        v = theano.shared(Celsius(3.0))
        assert type(v) is SharedVariable and v.get_value().degrees == 3.0
    finally:
        shared_constructor(celsius_constructor)


def test_a_loader_is_asked_only_when_no_constructor_takes_the_value():
    asked = []

    def loader(value):
        asked.append(type(value).__name__)
        if isinstance(value, Celsius):
            shared_constructor(celsius_constructor)
            return True
        return False

    sharedvalue.register_constructor_loader(loader)
    try:
        theano.shared(np.ones(3))
        assert asked == []
        t = theano.shared(Celsius(5.0))
        assert isinstance(t, CelsiusShared) and asked == ["Celsius"]
        theano.shared(Celsius(6.0))  # the constructor is registered now: the loader is not asked
        assert asked == ["Celsius"]
    finally:
        sharedvalue._constructor_loaders.remove(loader)
        shared_constructor(celsius_constructor, remove=True)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_sparse_shared_variable(mode):
    sp = pytest.importorskip("scipy.sparse")
    import theano.sparse as S

    m = sp.csr_matrix(np.array([[0.0, 2.0, 0.0], [1.5, 0.0, -3.0]]))
    v = theano.shared(m, name="v")
    assert isinstance(v, S.SparseSharedVariable) and v.type.format == "csr"
    x = T.dmatrix("x")
    f = theano.function([x], S.dot(v, x), updates=[(v, v * 2.0)], mode=MODES[mode]())
    xv = np.arange(6.0).reshape(3, 2)
    for k in range(3):
        np.testing.assert_allclose(f(xv), (m.toarray() * 2 ** k) @ xv)
    np.testing.assert_allclose(v.get_value().toarray(), m.toarray() * 8)


def test_sparse_shared_after_import_theano_alone():
    pytest.importorskip("scipy.sparse")
    code = ("import sys, numpy as np, theano\n"
            "print('scipy' in sys.modules, 'theano.sparse' in sys.modules)\n"
            "import scipy.sparse as sp\n"
            "v = theano.shared(sp.csc_matrix(np.eye(3)))\n"
            "print(type(v).__name__, v.type.format, 'theano.sparse' in sys.modules)\n"
            "print(theano.shared(np.eye(2)).type)\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split("\n")[:3] == ["False False", "SparseSharedVariable csc True",
                                         "TensorType(float64, matrix)"]
