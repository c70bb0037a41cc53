"""Basic indexing: Subtensor, IncSubtensor, slice lengths, the index conversion and its errors."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.tensor.subtensor_advanced import getitem, inc_subtensor, set_subtensor
from theano.tensor.subtensor import IncSubtensor, Subtensor, slice_length

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
FLOATS = ("float64", "float32")


def _ref_set(idx):
    def ref(x, y):
        out = x.copy()
        out[idx] = y
        return out
    return ref


def _ref_inc(idx):
    def ref(x, y):
        out = x.copy()
        out[idx] += y
        return out
    return ref


# -------------------------------------------------------------------------------------------------
# x[idx] with constant indices
# -------------------------------------------------------------------------------------------------

CONST_INDICES = [
    ("int", 1),
    ("neg_int", -1),
    ("two_ints", (2, -3)),
    ("all_ints", (0, 1, 2)),
    ("slice", slice(1, 3)),
    ("slice_step", slice(None, None, 2)),
    ("reverse", slice(None, None, -1)),
    ("neg_slice", (slice(-3, -1), 1)),
    ("reverse_step", (slice(None), slice(3, 0, -2))),
    ("beyond_end", slice(1, 100)),
    ("empty_slice", slice(3, 1)),
    ("empty_reverse", (slice(None), slice(0, 3, -1))),
    ("int_then_slice", (1, slice(None, -1))),
    ("ellipsis", (Ellipsis, 0)),
    ("ellipsis_mid", (1, Ellipsis, slice(1, None))),
    ("newaxis", (None, 1)),
    ("newaxes", (slice(None), None, 0, None)),
    ("newaxis_ellipsis", (Ellipsis, None)),
    ("empty_tuple", ()),
    ("numpy_int", np.int64(2)),
    ("full_slices", (slice(None), slice(None))),
]


@pytest.mark.parametrize("name,idx", CONST_INDICES, ids=[c[0] for c in CONST_INDICES])
def test_subtensor_constant_index(name, idx):
    case = OpCase(name, lambda x: x[idx], lambda x: x[idx], [rand(4, 5, 3)], dtypes=FLOATS)
    check_case(case)


@pytest.mark.parametrize("idx", [slice(1, None), (slice(None), 1), (Ellipsis, slice(None, None, -1)),
                                 (slice(2, 0, -1), 0)])
def test_subtensor_on_empty_arrays(idx):
    check_case(OpCase("empty", lambda x: x[idx], lambda x: x[idx], [rand(0, 3)], dtypes=FLOATS))


def test_subtensor_int_dtype_values_and_shape():
    x = T.imatrix()
    xv = np.arange(12, dtype="int32").reshape(3, 4)
    for idx in [1, (slice(None), -2), slice(None, None, -1), (None, 2, slice(1, 3))]:
        out = x[idx]
        assert out.dtype == "int32"
        compare_backends([x], out, [xv], expected=xv[idx])
        check_infer_shape([x], out, [xv])


def test_subtensor_is_a_view_and_its_op():
    x = T.dmatrix()
    out = x[1:, 2]
    assert isinstance(out.owner.op, Subtensor)
    assert out.owner.op.view_map == {0: [0]}
    assert out.owner.op == Subtensor([(1, None, None), 2])
    assert hash(out.owner.op) == hash(Subtensor([slice(1, None), 2]))
    assert out.owner.op != Subtensor([(2, None, None), 2])
    assert str(out.owner.op) == "Subtensor{1::, 2}"   # Theano 1.0: start:stop:step
    xv = rand(3, 4)
    node = out.owner
    storage = [[None]]
    node.op.perform(node, [xv], storage)
    assert np.shares_memory(storage[0][0], xv)
    # a 0-d result is an ndarray view too, not a NumPy scalar
    node = x[1, 2].owner
    node.op.perform(node, [xv], storage)
    assert isinstance(storage[0][0], np.ndarray) and storage[0][0].shape == ()
    assert np.shares_memory(storage[0][0], xv)


def test_broadcastable_patterns():
    r = T.drow()
    assert r[:, 1:].broadcastable == (True, False)
    assert r[0:1].broadcastable == (True, False)
    assert r[1:].broadcastable == (False, False)
    assert r[::-1].broadcastable == (True, False)
    x = T.dmatrix()
    assert x[None, 1, :, None].broadcastable == (True, False, True)
    assert x[0:1].broadcastable == (False, False)
    assert x[1].broadcastable == (False,)


def test_shape_of_indexed_shape():
    x = T.dtensor3()
    f = theano.function([x], [x.shape[0], x.shape[-1], x.shape[1:]], mode=PY())
    a, b, c = f(rand(2, 3, 4))
    assert int(a) == 2 and int(b) == 4 and list(c) == [3, 4]


# -------------------------------------------------------------------------------------------------
# symbolic indices and slice bounds
# -------------------------------------------------------------------------------------------------

SYM_CASES = [
    ("i", lambda x, i, j: x[i], lambda x, i, j: x[i], 1, 2),
    ("neg_i", lambda x, i, j: x[i], lambda x, i, j: x[i], -2, 0),
    ("i_j", lambda x, i, j: x[i, j], lambda x, i, j: x[i, j], 0, -1),
    ("i_to_j", lambda x, i, j: x[i:j], lambda x, i, j: x[i:j], 1, 3),
    ("i_to_j_neg", lambda x, i, j: x[i:j], lambda x, i, j: x[i:j], -3, -1),
    ("i_to_j_empty", lambda x, i, j: x[i:j], lambda x, i, j: x[i:j], 3, 1),
    ("j_to_end", lambda x, i, j: x[:, j:], lambda x, i, j: x[:, j:], 0, 7),
    ("step_sym", lambda x, i, j: x[::i], lambda x, i, j: x[::i], 2, 0),
    ("step_sym_neg", lambda x, i, j: x[::i], lambda x, i, j: x[::i], -2, 0),
    ("all_sym_neg", lambda x, i, j: x[j:0:i], lambda x, i, j: x[j:0:i], -1, 3),
    ("all_sym_pos", lambda x, i, j: x[j:-1:i, i], lambda x, i, j: x[j:-1:i, i], 1, 1),
    ("mixed_const", lambda x, i, j: x[i + 1:, -1, None], lambda x, i, j: x[i + 1:, -1, None], 0, 0),
]


@pytest.mark.parametrize("name,build,ref,iv,jv", SYM_CASES, ids=[c[0] for c in SYM_CASES])
def test_subtensor_symbolic_index(name, build, ref, iv, jv):
    case = OpCase(name, build, ref, [rand(4, 5), np.int64(iv), np.int64(jv)], dtypes=FLOATS)
    check_case(case)


def test_symbolic_index_of_small_int_dtypes():
    x = T.dvector()
    i = T.bscalar()
    u = T.TensorType("uint8", ())()
    f = theano.function([x, i, u], [x[i], x[u:]], mode=PY())
    a, b = f(np.arange(5.0), -1, 3)
    assert a == 4.0 and list(b) == [3.0, 4.0]


def test_slice_length_matches_python_everywhere():
    n, a, b, s = T.lscalars("n", "a", "b", "s")
    lens = [slice_length(n, a, b, s), slice_length(n, a, b), slice_length(n, None, b, s),
            slice_length(n, a, None, s)]
    f = theano.function([n, a, b, s], lens, mode=PY())
    for nv in (0, 1, 4):
        for av in (-6, -1, 0, 2, 5):
            for bv in (-6, -2, 0, 3, 6):
                for sv in (-3, -1, 1, 2):
                    got = [int(v) for v in f(nv, av, bv, sv)]
                    want = [len(range(nv)[av:bv:sv]), len(range(nv)[av:bv]),
                            len(range(nv)[:bv:sv]), len(range(nv)[av::sv])]
                    assert got == want, (nv, av, bv, sv)


def test_slice_length_constant_parts():
    n = T.lscalar()
    parts = [(a, b, s) for a in (None, -5, -1, 0, 3) for b in (None, -4, 0, 2, 9) for s in (None, -2, -1, 3)]
    f = theano.function([n], [slice_length(n, *p) for p in parts], mode=PY())
    for nv in (0, 1, 5):
        got = [int(v) for v in f(nv)]
        assert got == [len(range(nv)[slice(*p)]) for p in parts]


# -------------------------------------------------------------------------------------------------
# set_subtensor / inc_subtensor with basic indices
# -------------------------------------------------------------------------------------------------

SET_CASES = [
    ("row", 1, (5,)),
    ("scalar_elem", (1, 2), ()),
    ("slice", slice(1, 3), (2, 5)),
    ("reverse_cols", (slice(None), slice(None, None, -2)), (4, 3)),
    ("col_neg", (slice(None), -1), (4,)),
    ("broadcast_row", slice(0, 2), (5,)),
    ("broadcast_scalar", (slice(1, None), slice(None, 3)), ()),
    ("empty", slice(3, 1), (0, 5)),
    ("ellipsis", (Ellipsis, 2), (4,)),
]


@pytest.mark.parametrize("name,idx,yshape", SET_CASES, ids=[c[0] for c in SET_CASES])
def test_set_subtensor(name, idx, yshape):
    check_case(OpCase("set_" + name, lambda x, y: set_subtensor(x[idx], y), _ref_set(idx),
                      [rand(4, 5), rand(*yshape, seed=3)], dtypes=FLOATS))


@pytest.mark.parametrize("name,idx,yshape", SET_CASES, ids=[c[0] for c in SET_CASES])
def test_inc_subtensor(name, idx, yshape):
    check_case(OpCase("inc_" + name, lambda x, y: inc_subtensor(x[idx], y), _ref_inc(idx),
                      [rand(4, 5), rand(*yshape, seed=3)], dtypes=FLOATS))


def test_set_and_inc_with_symbolic_index():
    def build(x, y, i):
        return [set_subtensor(x[i:, i], y), inc_subtensor(x[i:, i], y), T.inc_subtensor(
            x[i:, i], y, set_instead_of_inc=True)]

    def ref(x, y, i):
        return [_ref_set((slice(i, None), i))(x, y), _ref_inc((slice(i, None), i))(x, y),
                _ref_set((slice(i, None), i))(x, y)]

    check_case(OpCase("sym", build, ref, [rand(4, 5), rand(3), np.int64(1)], dtypes=FLOATS))


def test_set_subtensor_through_new_axes():
    def build(x, y):
        return set_subtensor(x[None, 1:3, None], y)

    def ref(x, y):
        out = x.copy()
        out[None, 1:3, None] = y
        return out

    check_case(OpCase("newaxis_set", build, ref, [rand(4, 3), rand(1, 2, 1, 3)], dtypes=FLOATS))
    check_case(OpCase("newaxis_inc", lambda x, y: inc_subtensor(x[None, 1:3, None], y),
                      lambda x, y: x + np.pad(np.broadcast_to(y.reshape(1, 3), (2, 3)), ((1, 1), (0, 0))),
                      [rand(4, 3), rand(3)], dtypes=FLOATS))


def test_broadcastable_y_gradient_is_summed():
    x = T.dmatrix()
    y = T.drow()
    out = inc_subtensor(x[1:3], y)
    assert out.owner.inputs[1].broadcastable == (True, False)
    theano.gradient.verify_grad(lambda a, b: inc_subtensor(a[1:3], T.addbroadcast(b, 0)),
                                [rand(4, 3), rand(1, 3)], rng=np.random.RandomState(1))
    g = T.grad(T.sum(out * 2), y)
    assert g.broadcastable == (True, False)
    np.testing.assert_allclose(theano.function([x, y], g)(rand(4, 3), rand(1, 3)), [[4.0, 4.0, 4.0]])


def test_y_is_cast_to_x_dtype_and_int_tensors():
    x = T.fvector()
    out = set_subtensor(x[:2], T.dvector())
    assert out.dtype == "float32"
    xi = T.ivector()
    yi = T.ivector()
    f = theano.function([xi, yi], [set_subtensor(xi[::2], yi), inc_subtensor(xi[1:], 3)], mode=PY())
    a, b = f(np.arange(5, dtype="int32"), np.array([7, 8, 9], dtype="int32"))
    assert a.dtype == np.int32 and list(a) == [7, 1, 8, 3, 9]
    assert list(b) == [0, 4, 5, 6, 7]


def test_inc_subtensor_does_not_modify_its_input():
    x = T.dvector()
    f = theano.function([x], inc_subtensor(x[1:], 1.0), mode=PY())
    xv = np.zeros(3)
    r = f(xv)
    assert list(r) == [0, 1, 1] and list(xv) == [0, 0, 0]
    op = r_op = inc_subtensor(x[1:], 1.0).owner.op
    assert op.destroy_map == {} and not r_op.inplace


def test_inplace_variant_declares_destroy_map():
    op = IncSubtensor([(1, None, None)], inplace=True)
    assert op.destroy_map == {0: [0]}
    assert op != IncSubtensor([(1, None, None)])
    node = op.make_node(T.dvector(), T.dscalar())
    xv = np.zeros(3)
    storage = [[None]]
    op.perform(node, [xv, np.asarray(2.0)], storage)
    assert storage[0][0] is xv and list(xv) == [0, 2, 2]


def test_gradient_of_indexing_is_inc_of_zeros():
    x = T.dmatrix()
    g = T.grad(T.sum(x[1:, 0] * 3), x)
    gv = theano.function([x], g, mode=PY())(rand(3, 2))
    np.testing.assert_allclose(gv, [[0, 0], [3, 0], [3, 0]])


def test_gradient_of_set_subtensor_zeroes_overwritten_part():
    x, y = T.dvector(), T.dvector()
    out = set_subtensor(x[1:3], y)
    gx, gy = T.grad(T.sum(out * np.arange(4.0)), [x, y])
    gxv, gyv = theano.function([x, y], [gx, gy], mode=PY())(rand(4), rand(2))
    np.testing.assert_allclose(gxv, [0, 0, 0, 3])
    np.testing.assert_allclose(gyv, [1, 2])


def test_integer_input_gradient_is_zero():
    x = T.ivector()
    w = T.dscalar()
    cost = T.sum(T.cast(x[1:], "float64") * w)
    gx = T.grad(cost, x)
    assert gx.dtype.startswith("float")
    f = theano.function([x, w], gx, mode=PY(), on_unused_input="ignore")
    assert np.all(f(np.arange(3, dtype="int32"), 2.0) == 0)


def test_rop_of_subtensor_and_inc():
    x, v = T.dvector(), T.dvector()
    y = T.dscalar()
    r = T.Rop(x[1:] ** 2, x, v)
    xv, vv = rand(4), rand(4, seed=5)
    np.testing.assert_allclose(theano.function([x, v], r)(xv, vv), 2 * xv[1:] * vv[1:])
    op = set_subtensor(x[:2], y).owner.op
    out = op.R_op([x, y], [v, None])[0]
    f = theano.function([v, y], out, on_unused_input="ignore")
    np.testing.assert_allclose(f(vv, 3.0), np.r_[0, 0, vv[2:]])


# -------------------------------------------------------------------------------------------------
# errors
# -------------------------------------------------------------------------------------------------


def test_float_indices_are_type_errors():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="1.5"):
        x[1.5]
    with pytest.raises(TypeError, match="float64"):
        x[T.dscalar("fi")]
    with pytest.raises(TypeError, match="float"):
        x[T.dvector()]
    with pytest.raises(TypeError, match="start"):
        x[0.5:2]
    with pytest.raises(TypeError, match="step"):
        x[::T.dscalar()]
    with pytest.raises(TypeError, match="stop"):
        x[:T.lvector()]
    with pytest.raises(TypeError):
        x["a"]
    with pytest.raises(TypeError, match="boolean scalar"):
        x[True]


def test_too_many_indices():
    x = T.dmatrix()
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="too many"):
        x[0, ..., 0, 1]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(IndexError, match="too many"):
        T.dscalar()[0]
    with pytest.raises(IndexError):
        Subtensor([0, 0, 0])(x)
    with pytest.raises(ValueError, match="index inputs"):
        Subtensor(["?"])(x)
    with pytest.raises(ValueError, match="zero"):
        x[::0]


def test_out_of_bounds_at_run_time_names_the_shape():
    x = T.dmatrix()
    i = T.lscalar()
    f = theano.function([x, i], x[i, 1], mode=PY())
    assert f(rand(3, 2), -3) == rand(3, 2)[-3, 1]
    with pytest.raises(IndexError, match=r"\(3, 2\)"):
        f(rand(3, 2), 3)
    with pytest.raises(IndexError, match="out of bounds"):
        f(rand(3, 2), -4)
    g = theano.function([x], x[:, 5], mode=PY())
    with pytest.raises(IndexError, match="axis 1 with size 2"):
        g(rand(3, 2))
    s = T.lscalar()
    h = theano.function([x, s], x[::s], mode=PY())
    with pytest.raises(ValueError, match="zero"):
        h(rand(3, 2), 0)
    k = theano.function([x, i], set_subtensor(x[i], 0), mode=PY())
    with pytest.raises(IndexError, match="out of bounds"):
        k(rand(3, 2), 7)


def test_set_subtensor_argument_errors():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="result of indexing"):
        set_subtensor(x, 1.0)
    with pytest.raises(TypeError, match="result of indexing"):
        inc_subtensor(x + 1, 1.0)
    with pytest.raises(TypeError, match="3-dimensional"):
        set_subtensor(x[0], T.dtensor3())
    with pytest.raises(TypeError, match="complex"):
        set_subtensor(x[0], T.zvector())
    y = T.dvector()
    f = theano.function([x, y], set_subtensor(x[1:, 0], y), mode=PY())
    with pytest.raises(ValueError, match="broadcast"):
        f(rand(4, 2), rand(5))


def test_getitem_function_and_iteration_of_constants():
    x = T.dvector()
    assert isinstance(getitem(x, 0).owner.op, Subtensor)
    c = T.constant(np.arange(3.0))
    assert [float(v.eval()) for v in c] == [0.0, 1.0, 2.0]


def test_index_with_constant_scalar_variable_is_folded():
    x = T.dvector()
    assert x[T.constant(2)].owner.op == Subtensor([2])
    assert x[np.array(1)].owner.op == Subtensor([1])
    assert x[T.constant(1):].owner.op == Subtensor([(1, None, None)])


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
@pytest.mark.parametrize("parts", ["bes", "be", "bs", "es", "b", "e", "s", ""])
def test_get_canonical_form_slice(mode, parts):
    # Theano 1.0's helper: x[sl] == x[start:stop:step][::direction], 0 <= start <= stop <= n, step > 0
    from theano.tensor.subtensor import get_canonical_form_slice

    b, e, s, n = T.lscalars("b", "e", "s", "n")
    sl = slice(b if "b" in parts else None, e if "e" in parts else None, s if "s" in parts else None)
    canon, direction = get_canonical_form_slice(sl, n)
    inputs = [v for v, c in ((b, "b"), (e, "e"), (s, "s")) if c in parts] + [n]
    f = theano.function(inputs, [canon.start, canon.stop, canon.step, T.as_tensor_variable(direction)],
                        mode=mode)
    bounds = [-8, -5, -4, -1, 0, 1, 4, 5, 8]
    for length in (5, 0):
        a = np.arange(length)
        for start in bounds if "b" in parts else [None]:
            for stop in bounds if "e" in parts else [None]:
                for step in [-6, -3, -1, 2, 5] if "s" in parts else [None]:
                    args = [v for v in (start, stop, step) if v is not None] + [length]
                    lo, hi, st, d = (int(v) for v in f(*args))
                    assert 0 <= lo <= hi <= length and st > 0 and d in (1, -1)
                    np.testing.assert_array_equal(a[lo:hi:st][::d], a[start:stop:step])


def test_get_canonical_form_slice_of_an_index():
    from theano.tensor.subtensor import get_canonical_form_slice

    i, n = T.lscalars("i", "n")
    idx, direction = get_canonical_form_slice(i, n)
    assert direction == 1
    f = theano.function([i, n], idx)
    assert [int(f(v, 5)) for v in (-5, -1, 0, 4)] == [0, 4, 0, 4]
    with pytest.raises(ValueError, match="zero"):
        get_canonical_form_slice(slice(None, None, 0), n)


@pytest.mark.parametrize("mode", ["py_opt", "auto"])
def test_an_index_that_keeps_everything_is_removed(mode):
    # x[...], x[:, :] and x[..., :] are x: no Subtensor is left in the compiled graph (Theano 1.0's
    # test_ellipsis), the result is still a copy, not the caller's array
    from tests.helpers import MODES

    xv = np.arange(24.0).reshape(2, 3, 4)
    x = T.dtensor3()
    s = theano.shared(xv.copy())
    for out, ins in ((x[...], [x]), (x[:, :], [x]), (x[..., :], [x]), (s[...], []), (x[...] * 2, [x])):
        f = theano.function(ins, out, mode=MODES[mode]())
        assert not [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Subtensor)]
        scale = 2 if out.owner is not None and out.owner.op.__class__.__name__ == "Elemwise" else 1
        for _ in range(3):
            arg = xv.copy()
            r = f(arg) if ins else f()
            np.testing.assert_array_equal(r, xv * scale)
            r[...] = -1
            np.testing.assert_array_equal(arg, xv)
            np.testing.assert_array_equal(s.get_value(), xv)
