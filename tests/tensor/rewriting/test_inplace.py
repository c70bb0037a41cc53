"""The DestroyHandler and the in-place phase: in-place where safe, never on inputs, shared storage,
constants, outputs or memory read elsewhere; repeated calls and aliasing stay correct."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.destroyhandler import SafeDestroyHandler, get_destroy_handler
from theano.graph.fg import FunctionGraph, InconsistencyError
from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise
from tests.helpers import rand


def _destroyers(f):
    return [n for n in f.maker.fgraph.toposort() if n.op.destroy_map]


def _fn(inputs, outputs, **kw):
    return theano.function(inputs, outputs, mode=theano.Mode("py", "fast_run"), **kw)


def test_intermediate_is_overwritten_but_inputs_are_not():
    x = T.dvector("x")
    a = T.dmatrix("a")
    y = T.dot(a, x)  # a fresh buffer
    f = _fn([a, x], T.log(T.exp(y) + 1) * 2)
    assert _destroyers(f)
    xv, av = rand(4), rand(3, 4)
    keep, akeep = xv.copy(), av.copy()
    expected = np.log(np.exp(av.dot(xv)) + 1) * 2
    for _ in range(3):  # repeated calls: nothing stale
        np.testing.assert_allclose(f(av, xv), expected)
    np.testing.assert_array_equal(xv, keep)
    np.testing.assert_array_equal(av, akeep)


def test_input_never_destroyed_even_as_view():
    x = T.dmatrix("x")
    f = _fn([x], T.exp(x.T) + 1)
    for n in _destroyers(f):
        for ins in n.op.destroy_map.values():
            for i in ins:
                assert n.inputs[i] not in f.maker.fgraph.inputs
    xv = rand(2, 3)
    keep = xv.copy()
    f(xv)
    np.testing.assert_array_equal(xv, keep)


def test_shared_storage_is_never_written_in_place():
    w = theano.shared(rand(3), "w")
    x = T.dvector("x")
    before = w.get_value(borrow=True)
    keep = before.copy()
    f = _fn([x], (w * 2).sum(), updates=[(w, w * 0.5 + x)])
    for n in _destroyers(f):
        for ins in n.op.destroy_map.values():
            for i in ins:
                assert n.inputs[i] is not f.maker.fgraph.inputs[1]
    f(np.ones(3))
    np.testing.assert_array_equal(before, keep)  # the old buffer was not touched
    np.testing.assert_allclose(w.get_value(), keep * 0.5 + 1)


def test_failing_call_leaves_shared_unchanged():
    w = theano.shared(rand(3), "w")
    x = T.dvector("x")
    f = _fn([x], [], updates=[(w, (w + 1) * x)])
    keep = w.get_value().copy()
    with pytest.raises(Exception):
        f(np.ones(4))
    np.testing.assert_array_equal(w.get_value(), keep)


def test_value_needed_by_two_clients_is_not_overwritten():
    x = T.dvector("x")
    t = T.exp(x)
    f = _fn([x], [T.sin(t) + t, T.cos(t) * 2])
    xv = rand(5)
    a, b = f(xv)
    np.testing.assert_allclose(a, np.sin(np.exp(xv)) + np.exp(xv))
    np.testing.assert_allclose(b, np.cos(np.exp(xv)) * 2)


def test_outputs_and_views_of_outputs_are_not_destroyed():
    x = T.dmatrix("x")
    t = T.exp(x)
    f = _fn([x], [t, t.T, t * 3])
    xv = rand(2, 3)
    a, b, c = f(xv)
    np.testing.assert_allclose(a, np.exp(xv))
    np.testing.assert_allclose(b, np.exp(xv).T)
    np.testing.assert_allclose(c, np.exp(xv) * 3)
    assert not np.shares_memory(a, c)


def test_output_that_is_an_input_and_constants():
    x = T.dvector("x")
    c = T.constant(np.arange(3.0))
    f = _fn([x], [x, x + c, c * 2 + x])
    xv = rand(3)
    keep = xv.copy()
    a, b, d = f(xv)
    np.testing.assert_array_equal(a, keep)
    np.testing.assert_allclose(b, keep + np.arange(3.0))
    np.testing.assert_allclose(d, np.arange(3.0) * 2 + keep)
    np.testing.assert_array_equal(c.data, np.arange(3.0))


def test_same_array_passed_for_two_inputs():
    x, y = T.dvectors("x", "y")
    f = _fn([x, y], T.exp(x) * 2 + T.exp(y))
    v = rand(4)
    keep = v.copy()
    np.testing.assert_allclose(f(v, v), np.exp(keep) * 3)
    np.testing.assert_array_equal(v, keep)


def test_inplace_inc_subtensor_on_intermediate_only():
    x = T.dvector("x")
    t = T.exp(x)
    y = T.inc_subtensor(t[1:], 1.0)
    z = T.inc_subtensor(x[1:], 1.0)
    f = _fn([x], [y * 2, z])
    xv = rand(4)
    keep = xv.copy()
    a, b = f(xv)
    e = np.exp(keep)
    e[1:] += 1
    np.testing.assert_allclose(a, e * 2)
    expect_z = keep.copy()
    expect_z[1:] += 1
    np.testing.assert_allclose(b, expect_z)
    np.testing.assert_array_equal(xv, keep)
    kinds = [n.op for n in _destroyers(f)]
    assert any("IncSubtensor" in type(k).__name__ for k in kinds)


def test_no_inplace_when_excluded_or_fast_compile():
    x = T.dvector("x")
    f = theano.function([x], T.exp(T.exp(x)) + 1, mode=theano.Mode("py", "fast_run").excluding("inplace"))
    assert not _destroyers(f)
    f = theano.function([x], T.exp(T.exp(x)) + 1, mode="FAST_COMPILE")
    assert not _destroyers(f)


# ---- DestroyHandler itself ----------------------------------------------------------------------


def test_destroy_handler_rules():
    x = T.dvector("x")
    t = T.exp(x)
    u = T.sin(t)
    fg = FunctionGraph([x], [u * 2], clone=False)
    dh = get_destroy_handler(fg)
    assert get_destroy_handler(fg) is dh
    sin_node = u.owner
    exp_node = t.owner
    assert dh.can_destroy(fg, sin_node, 0)      # t is an intermediate with one client
    assert not dh.can_destroy(fg, exp_node, 0)  # x is an input
    assert "input" in dh.why_not(fg, exp_node, 0)
    dh.validate(fg)


def test_destroy_handler_validate_refuses_unsafe_graph():
    x = T.dvector("x")
    bad = Elemwise(ts.exp, {0: 0})(x)  # overwrites the input
    fg = FunctionGraph([x], [bad], clone=False)
    dh = SafeDestroyHandler()
    fg.attach_feature(dh)
    with pytest.raises(InconsistencyError, match="overwrites input 0"):
        dh.validate(fg)
    t = T.exp(x)
    bad2 = Elemwise(ts.sin, {0: 0})(t)
    fg2 = FunctionGraph([x], [bad2, t], clone=False)  # t is also an output
    with pytest.raises(InconsistencyError):
        get_destroy_handler(fg2).validate(fg2)


def test_destroy_handler_follows_views():
    x = T.dmatrix("x")
    t = T.exp(x)
    v = t.T
    w = T.sin(v)
    fg = FunctionGraph([x], [w, t.sum()], clone=False)
    dh = get_destroy_handler(fg)
    assert not dh.can_destroy(fg, w.owner, 0)  # t is read by the sum too
    fg = FunctionGraph([x], [w], clone=False)
    assert get_destroy_handler(fg).can_destroy(fg, w.owner, 0)


def test_output_and_update_from_same_inplace_expression():
    w = theano.shared(rand(3, 3), "w")
    x = T.dmatrix("x")
    new = T.tanh(T.dot(x, w)) * 2  # may be computed in place in the dot's buffer
    f = _fn([x], new, updates=[(w, new)])
    xv = np.eye(3) * 0.5
    w0 = w.get_value()
    out1 = f(xv)
    np.testing.assert_allclose(out1, np.tanh(xv.dot(w0)) * 2)
    np.testing.assert_allclose(w.get_value(), out1)
    keep = out1.copy()
    out2 = f(out1)  # the previous result passed back as an input
    np.testing.assert_array_equal(out1, keep)
    np.testing.assert_allclose(out2, np.tanh(keep.dot(keep)) * 2)
    assert not np.shares_memory(out2, w.get_value(borrow=True))


def test_borrowed_output_is_not_overwritten_by_next_call():
    x = T.dvector("x")
    f = theano.function([x], theano.Out(T.exp(T.exp(x) * 2) + 1, borrow=True),
                        mode=theano.Mode("py", "fast_run"))
    a = f(np.zeros(2))
    keep = a.copy()
    f(np.ones(2))
    np.testing.assert_array_equal(a, keep)


def test_pass_through_elemwise_counts_as_a_view():
    # Elemwise{identity} may return its input array itself: destroying its output would destroy x
    x = T.dvector("x")
    ident = Elemwise(ts.identity)(x)
    y = T.inc_subtensor(ident[1:], 1.0)
    fg = FunctionGraph([x], [y], clone=False)
    dh = get_destroy_handler(fg)
    assert not dh.can_destroy(fg, y.owner, 0)
    f = theano.function([x], y, mode=theano.Mode("py", "fast_run").excluding("local_useless_cast",
                                                                               "remove_identity"))
    v = np.ones(3)
    np.testing.assert_allclose(f(v), [1.0, 2.0, 2.0])
    np.testing.assert_array_equal(v, np.ones(3))
