"""Rewrites of theano/tensor/rewriting/basic.py: Asserts whose conditions are constants that hold
lose them; the opt-in local_remove_all_assert drops every check."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.assertions import Assert, assert_op
from tests.helpers import value_mode


def _asserts(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Assert)]


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_constant_true_conditions_are_dropped(mode):
    x, y = T.dscalars("x", "y")
    always = theano.function([x], assert_op(x * 2, 1, np.int8(3)), mode=value_mode(mode))
    some = theano.function([x, y], assert_op(x * 2, y, 1), mode=value_mode(mode))
    never = theano.function([x, y], assert_op(x * 2, y, 0), mode=value_mode(mode))
    assert not _asserts(always)
    assert [len(n.inputs) for n in _asserts(some)] == [2]        # x * 2 and y
    assert [len(n.inputs) for n in _asserts(never)] == [3]       # the failing constant stays
    for _ in range(2):
        assert always(1.5) == 3.0
        assert some(2.0, 1.0) == 4.0
        with pytest.raises(AssertionError):
            some(2.0, 0.0)
        with pytest.raises(AssertionError):
            never(2.0, 1.0)


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_remove_all_assert_is_opt_in(mode):
    x, y = T.dscalars("x", "y")
    out = assert_op(x + 1, T.eq(x, y))
    checked = theano.function([x, y], out, mode=value_mode(mode))
    unchecked = theano.function([x, y], out, mode=value_mode(mode).including("local_remove_all_assert"))
    unsafe = theano.function([x, y], out, mode=value_mode(mode).including("unsafe"))
    # including a phase by name (common in Theano 1.0 programs) does not turn it on
    phases = theano.function([x, y], out, mode=value_mode(mode).including(
        "canonicalize", "stabilize", "specialize"))
    assert _asserts(checked) and _asserts(phases)
    assert not _asserts(unchecked) and not _asserts(unsafe)
    for _ in range(2):
        assert checked(2.0, 2.0) == 3.0
        for f in (checked, phases):
            with pytest.raises(AssertionError):
                f(2.0, 0.0)
        assert unchecked(2.0, 0.0) == 3.0 and unsafe(2.0, 0.0) == 3.0


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_excluding_a_rewrite_by_name_removes_it_from_every_phase(mode):
    # constant folding runs in three phases (and the scalar/tensor round trip in two); excluding
    # the name, as Theano 1.0's tests do (`mode.excluding('constant_folding')`), removes all
    base = value_mode(mode)
    c = T.constant(np.arange(3.0))
    f = theano.function([], T.exp(c) * 2, mode=base.excluding("constant_folding"))
    assert any(not isinstance(n.op, theano.compile.DeepCopyOp) for n in f.maker.fgraph.toposort())
    g = theano.function([], T.exp(c) * 2, mode=base)
    assert all(isinstance(n.op, theano.compile.DeepCopyOp) for n in g.maker.fgraph.toposort())
    for _ in range(3):
        np.testing.assert_allclose(f(), np.exp(np.arange(3.0)) * 2)
    i = T.iscalar()
    out = T.tensor_from_scalar(T.scalar_from_tensor(i))
    kept = theano.function([i], out, mode=base.excluding("local_tensor_scalar_tensor"))
    assert any(isinstance(n.op, T.ScalarFromTensor) for n in kept.maker.fgraph.toposort())
    removed = theano.function([i], out, mode=base)
    assert not any(isinstance(n.op, T.ScalarFromTensor) for n in removed.maker.fgraph.toposort())
    for _ in range(3):
        assert kept(45) == 45 and removed(-3) == -3
