"""theano.function: arguments, calling conventions, updates, givens, errors and atomicity."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In, Out, function, shared
from theano.compile.function import UnusedInputError
from theano.graph.fg import MissingInputError


def test_single_output_is_array_and_list_output_is_list():
    x = T.dscalar("x")
    f = function([x], x * 2)
    r = f(3)
    assert isinstance(r, np.ndarray) and r.shape == () and r == 6.0
    g = function([x], [x * 2, x + 1])
    out = g(3)
    assert isinstance(out, list) and [float(o) for o in out] == [6.0, 4.0]


def test_dict_outputs():
    x = T.dscalar("x")
    f = function([x], {"double": x * 2, "inc": x + 1})
    out = f(2)
    assert float(out["double"]) == 4.0 and float(out["inc"]) == 3.0


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_dict_outputs_sorted_by_key_and_keys_must_be_strings(mode):
    # Theano 1.0: the outputs of a dict are in the order of their keys; keys are strings
    x, y = T.dscalars("x", "y")
    f = function([x, y], {"z": x * y, "1": x - y, "a": x + y}, mode=mode)
    assert [str(o.variable.owner.op) for o in f.outputs] == [
        str((x - y).owner.op), str((x + y).owner.op), str((x * y).owner.op)]
    for _ in range(2):
        out = f(3.0, 2.0)
        assert list(out) == ["1", "a", "z"]
        assert (float(out["1"]), float(out["a"]), float(out["z"])) == (1.0, 5.0, 6.0)
    for bad in ({1.0: x}, {1.0: x, "a": y}, {(1, "b"): x}):
        with pytest.raises(TypeError, match="must be strings"):
            function([x, y], bad, mode=mode, on_unused_input="ignore")
        with pytest.raises(AssertionError):         # what Theano 1.0 raised
            function([x, y], bad, mode=mode, on_unused_input="ignore")


def test_no_outputs_only_updates():
    c = shared(0)
    f = function([], updates=[(c, c + 2)])
    assert f() == []
    f()
    assert c.get_value() == 4


def test_call_by_name_and_defaults():
    x, y = T.dscalars("x", "y")
    f = function([x, In(y, value=10.0)], x + y)
    assert f(1) == 11.0
    assert f(1, 2) == 3.0
    assert f(x=1, y=5) == 6.0
    assert f(1, y=7) == 8.0


def test_in_with_explicit_name():
    x = T.dscalar()
    f = function([In(x, name="alpha", value=2.0)], x * 3)
    assert f() == 6.0
    assert f(alpha=1.0) == 3.0


def test_argument_errors():
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y, name="adder")
    with pytest.raises(TypeError, match="at most 2"):
        f(1, 2, 3)
    with pytest.raises(TypeError, match="missing a value for input 'y'"):
        f(1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(1, z=3)
    with pytest.raises(TypeError, match="multiple values"):
        f(1, 2, x=3)


def test_bad_dtype_names_input_and_suggests_downcast():
    x = T.fvector("x")
    f = function([x], x * 2)
    with pytest.raises(TypeError) as e:
        f(np.array([1.0, 2.0], dtype="float64"))
    msg = str(e.value)
    assert '"x"' in msg and "index 0" in msg and "allow_input_downcast" in msg and "float64" in msg
    # lossless Python values are accepted
    assert f([1.0, 2.0]).dtype == np.float32
    with pytest.raises(TypeError, match="allow_input_downcast"):
        f([0.1, 0.2])
    g = function([x], x * 2, allow_input_downcast=True)
    np.testing.assert_allclose(g(np.array([0.1, 0.2])), np.array([0.2, 0.4], dtype="float32"))


def test_bad_ndim():
    x = T.dmatrix("m")
    f = function([x], x.sum())
    with pytest.raises(TypeError, match="Wrong number of dimensions: expected 2"):
        f(np.ones(3))


def test_inputs_must_be_a_list_of_variables():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="contained in a list"):
        function(x, x * 2)
    with pytest.raises(TypeError, match="not a symbolic"):
        function([3], x * 2)
    s = shared(1.0)
    with pytest.raises(TypeError, match="shared variable"):
        function([s], s * 2)


def test_unused_input():
    x, y = T.dscalars("x", "y")
    with pytest.raises(UnusedInputError, match="on_unused_input"):
        function([x, y], x * 2)
    with pytest.warns(UserWarning):
        function([x, y], x * 2, on_unused_input="warn")
    f = function([x, y], x * 2, on_unused_input="ignore")
    assert f(1, 2) == 2


def test_missing_input():
    x, y = T.dscalars("x", "y")
    with pytest.raises(MissingInputError, match="y"):
        function([x], x + y)


def test_intermediate_variable_as_input():
    x = T.dscalar("x")
    y = x * 3
    z = y + 1
    f = function([y], z)
    assert f(10) == 11


def test_updates_forms():
    c = shared(0)
    for upd in ({c: c + 1}, [(c, c + 1)], ((c, c + 1),), [[c, c + 1]]):
        c.set_value(0)
        f = function([], c, updates=upd)
        assert f() == 0 and f() == 1 and c.get_value() == 2


def test_updates_use_old_values_and_happen_after_outputs():
    a = shared(1.0)
    b = shared(2.0)
    f = function([], [a, b], updates=[(a, b), (b, a)])
    out = f()
    assert [float(o) for o in out] == [1.0, 2.0]
    assert a.get_value() == 2.0 and b.get_value() == 1.0


def test_update_errors():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="not a shared variable"):
        function([x], x, updates=[(x, x + 1)])
    w = shared(np.zeros(3, dtype="float32"), name="W")
    with pytest.raises(TypeError) as e:
        function([], w, updates=[(w, w * 0.1)])  # 0.1 is float64: the classic error
    msg = str(e.value)
    assert "W" in msg and "float32" in msg and "float64" in msg and "cast" in msg.lower()
    f = function([], w, updates=[(w, T.cast(w * 0.1, "float32"))])
    f()
    c = shared(0)
    with pytest.raises(ValueError, match="twice"):
        function([], c, updates=[(c, c + 1), (c, c + 2)])


def test_givens_with_expression_shared_and_number():
    x = T.dscalar()
    y = T.dscalar()
    c = T.dscalar()
    ff = function([c], x * 2 + y, givens=[(x, c * 10), (y, 5)])
    r = ff(2)
    assert r.dtype == np.float64 and r == 45.0
    data = shared(np.arange(10.0))
    i = T.lscalar("i")
    v = T.dvector("v")
    g = function([i], v.sum(), givens={v: data * i})
    assert g(2) == 90.0


def test_givens_type_mismatch():
    x = T.dvector("x")
    y = T.dmatrix("y")
    with pytest.raises(TypeError, match="givens"):
        function([y], x.sum(), givens={x: y})
    with pytest.raises(TypeError, match="givens"):
        function([], x.sum(), givens={x: [0.5, "a"]})


def test_failed_call_leaves_shared_variables_unchanged():
    a = shared(np.ones(3), name="a")
    b = shared(np.ones(2), name="b")
    x = T.dvector("x")
    # the second output fails at run time (shape mismatch) after the first is computed
    f = function([x], [a + 1, (a * x).sum()], updates=[(a, a + 1), (b, b * 2)])
    before_a, before_b = a.get_value(), b.get_value()
    with pytest.raises(ValueError):
        f(np.ones(4))
    np.testing.assert_array_equal(a.get_value(), before_a)
    np.testing.assert_array_equal(b.get_value(), before_b)
    f(np.ones(3))
    np.testing.assert_array_equal(a.get_value(), before_a + 1)


def test_runtime_error_names_op_shapes_and_user_line():
    x = T.dvector("x")
    y = T.dvector("y")
    z = x + y  # the line the error must point at
    f = function([x, y], z)
    with pytest.raises(ValueError) as e:
        f(np.ones(3), np.ones(4))
    msg = str(e.value)
    assert "Elemwise{add" in msg
    assert "(3,)" in msg and "(4,)" in msg
    assert "test_function.py" in msg and "z = x + y" in msg


def test_outputs_do_not_alias_inputs_or_shared():
    x = T.dvector("x")
    f = function([x], x)
    a = np.ones(3)
    out = f(a)
    out[0] = 5
    assert a[0] == 1
    s = shared(np.zeros(3))
    g = function([], s)
    r = g()
    r[:] = 7
    assert s.get_value()[0] == 0
    # an update whose value is an input must not alias the caller's array
    h = function([x], [], updates=[(s, x)])
    h(a)
    a[1] = 9
    assert s.get_value()[1] == 1


def test_out_borrow_allowed():
    x = T.dvector("x")
    f = function([x], Out(x * 2, borrow=True))
    np.testing.assert_array_equal(f(np.ones(2)), [2, 2])


def test_shared_value_change_seen_by_function():
    b = shared(np.array([1, 2, 3, 4, 5]))
    x = T.dscalar("x")
    f = function([x], b * x)
    np.testing.assert_array_equal(f(2), [2, 4, 6, 8, 10])
    b.set_value([10, 11, 12])
    np.testing.assert_array_equal(f(2), [20, 22, 24])


def test_default_updates_and_no_default_updates():
    s = shared(0, name="s")
    s.default_update = s + 1
    f = function([], s)
    f()
    f()
    assert s.get_value() == 2
    g = function([], s, no_default_updates=True)
    g()
    assert s.get_value() == 2
    h = function([], s, no_default_updates=[s])
    h()
    assert s.get_value() == 2
    k = function([], s, updates=[(s, s + 10)])
    k()
    assert s.get_value() == 12


def test_modes_and_linker_names():
    x = T.dvector("x")
    for mode in ("FAST_RUN", "FAST_COMPILE", "DebugMode", theano.Mode(linker="py"),
                 theano.Mode(linker="c|py"), theano.Mode(linker="cvm"), theano.Mode(linker="vm"),
                 theano.Mode(linker="c", optimizer=None), theano.Mode(optimizer="fast_compile")):
        f = function([x], (x ** 2).sum(), mode=mode)
        assert f([1.0, 2.0]) == 5.0
    with pytest.raises(ValueError, match="Unknown mode"):
        function([x], x, mode="NOPE")
    with pytest.raises(ValueError, match="Unknown linker"):
        function([x], x, mode=theano.Mode(linker="nope"))


def test_mode_including_excluding_are_new_modes():
    m = theano.Mode(linker="py", optimizer="fast_run")
    m2 = m.including("fusion").excluding("inplace")
    assert m2 is not m
    assert "fusion" in m2.including_tags and "inplace" in m2.excluding_tags
    assert m.including_tags == ()


def test_profile():
    x = T.dvector("x")
    f = function([x], (T.exp(x) * 2).sum(), profile=True)
    f(np.ones(4))
    f(np.ones(4))
    assert f.profile.fct_callcount == 2
    text = f.profile.summary(file="str")
    assert "Function profiling" in text and "2 calls" in text


def test_maker_fgraph_and_copy():
    x = T.dvector("x")
    c = shared(1.0)
    f = function([x], x.sum() + c, updates=[(c, c + 1)])
    fg = f.maker.fgraph
    assert len(fg.outputs) == 2 and len(fg.inputs) == 2
    g = f.copy()
    g(np.ones(2))
    assert c.get_value() == 2.0


def test_trust_input_fast_path():
    x = T.dvector("x")
    f = function([x], x * 2, trust_input=True)
    np.testing.assert_array_equal(f(np.ones(2)), [2, 2])


def test_int_input_from_python_and_downcast():
    x = T.iscalar("x")
    f = function([x], x * 2)
    r = f(3)
    assert r.dtype == np.int32 and r == 6
    with pytest.raises(TypeError):
        f(2 ** 40)
    with pytest.raises(TypeError):
        f(1.5)


def test_accumulator_seed():
    state = shared(0)
    inc = T.iscalar("inc")
    acc = function([inc], state, updates=[(state, state + inc)])
    assert state.get_value() == 0
    acc(1)
    assert state.get_value() == 1
    acc(300)
    assert state.get_value() == 301


def test_fast_call_path_accepts_numpy_and_python_scalars():
    x = T.dscalar("x")
    y = T.fscalar("y")
    f = function([x, y], x * y)
    assert f(np.float64(2.0), np.float32(3.0)) == 6.0
    assert f(2.0, 3.0) == 6.0
    assert f(2, 3) == 6.0
    with pytest.raises(TypeError, match="index 1"):
        f(2.0, 0.1)  # 0.1 is not exact in float32
    with pytest.raises(TypeError, match="at most 2"):
        f(1.0, 2.0, 3.0)


def test_deprecated_param_with_default():
    x, y = T.dscalars("x", "y")
    with pytest.warns(DeprecationWarning):
        p = theano.Param(y, default=3.0)
    f = function([x, p], x + y)
    assert f(1) == 4.0 and f(1, 1) == 2.0
