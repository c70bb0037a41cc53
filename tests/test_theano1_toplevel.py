"""Theano 1.0's top-level names re-exported from theano.gof and theano.compile: the linker
objects, Generic, InconsistencyError, SymbolicInput/Output, FunctionMaker, OpenMPOp and the
mode tables (predefined_modes as Mode objects, register_mode), each used for real."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.fg import InconsistencyError


def test_mode_tables_and_register_mode():
    x = T.dvector("x")
    fast = theano.predefined_modes["FAST_RUN"]
    assert isinstance(fast, theano.Mode) and fast is theano.predefined_modes["FAST_RUN"]
    assert "FAST_COMPILE" in theano.predefined_modes and "NOPE" not in theano.predefined_modes
    f = theano.function([x], T.exp(x), mode=theano.predefined_modes["FAST_COMPILE"].including("fast_run"))
    np.testing.assert_allclose(f([0.0, 1.0]), [1.0, np.e])
    name = "THEANO1_TEST_MODE"
    if name not in theano.predefined_modes:
        theano.register_mode(name, theano.Mode(linker="py", optimizer="fast_run"))
    g = theano.function([x], x * 3, mode=name)
    assert g.maker.mode is theano.predefined_modes[name] or g.maker.linker.name == "py"
    np.testing.assert_allclose(g([1.0, 2.0]), [3.0, 6.0])
    with pytest.raises(ValueError, match="already taken"):
        theano.register_mode(name, theano.Mode())
    with pytest.raises(TypeError):
        theano.register_mode("OTHER_THEANO1_MODE", "FAST_RUN")
    assert "cvm" in theano.predefined_linkers and "fast_run" in theano.predefined_optimizers
    h = theano.function([x], x + 1, mode=theano.Mode(linker=theano.predefined_linkers["cvm"]))
    np.testing.assert_allclose(h([1.0]), [2.0])


def test_perform_linker_and_symbolic_in_out():
    x = T.dvector("x")
    f = theano.function([theano.SymbolicInput(x, value=np.ones(2))],
                        theano.SymbolicOutput(x * 2, borrow=False),
                        mode=theano.Mode(linker=theano.PerformLinker()))
    np.testing.assert_allclose(f(), [2.0, 2.0])
    assert theano.SymbolicInput is theano.In and theano.FunctionMaker is type(f.maker)
    assert issubclass(theano.PerformLinker, theano.Linker)


class Pack(theano.OpenMPOp):
    """Two values into a Python tuple (a Generic output)."""
    __props__ = ()

    def make_node(self, a, b):
        return Apply(self, [T.as_tensor_variable(a), T.as_tensor_variable(b)], [theano.generic()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = (float(inputs[0]), float(inputs[1]))


def test_generic_values_and_openmp_op():
    a, b = T.dscalars("a", "b")
    assert Pack().openmp in (False, True)
    f = theano.function([a, b], Pack()(a, b), mode=theano.Mode(linker="py"))
    assert f(1.5, 2.5) == (1.5, 2.5)
    assert theano.Generic() == theano.generic.__class__()


def test_inconsistency_error_is_exported():
    assert theano.InconsistencyError is InconsistencyError
    assert issubclass(theano.InconsistencyError, Exception)
