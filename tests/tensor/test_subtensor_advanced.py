"""Advanced indexing: AdvancedSubtensor1, AdvancedSubtensor, their increments, masks and take."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.tensor.subtensor_advanced import (AdvancedIncSubtensor, AdvancedIncSubtensor1,
                                              AdvancedSubtensor, AdvancedSubtensor1,
                                              advanced_inc_subtensor, advanced_inc_subtensor1,
                                              advanced_set_subtensor, advanced_set_subtensor1,
                                              advanced_subtensor1, inc_subtensor, set_subtensor, take)
from theano.tensor.subtensor import Subtensor

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
FLOATS = ("float64", "float32")


def _ref_set(idx):
    def ref(x, y):
        out = x.copy()
        out[idx] = y
        return out
    return ref


def _ref_add_at(idx):
    def ref(x, y):
        out = x.copy()
        np.add.at(out, idx, y)
        return out
    return ref


# -------------------------------------------------------------------------------------------------
# x[idx] with constant index arrays
# -------------------------------------------------------------------------------------------------

ADV_INDICES = [
    ("vec", [0, 3, 0, 1], AdvancedSubtensor1),
    ("vec_neg", [-1, -4, 2], AdvancedSubtensor1),
    ("vec_then_full", ([2, 1], slice(None)), AdvancedSubtensor1),
    ("vec_empty", (np.zeros(0, dtype="int64"),), AdvancedSubtensor1),
    ("empty_list", [], AdvancedSubtensor1),
    ("vec_axis1", (slice(None), [2, 0, 2]), AdvancedSubtensor),
    ("two_vecs", ([0, 1, 3], [2, 2, 0]), AdvancedSubtensor),
    ("matrix_index", ([[0, 1], [3, 3]],), AdvancedSubtensor),
    ("int_and_vec", (1, [0, 2]), AdvancedSubtensor),
    ("int_slice_vec", (1, slice(None), [0, 1, -1]), AdvancedSubtensor),
    ("vec_slice_vec", ([0, 2], slice(1, None), [1, 0]), AdvancedSubtensor),
    ("slice_vec_int", (slice(None, None, -1), [1, 0], -1), AdvancedSubtensor),
    ("broadcast_idx", ([[0], [2]], [[0, 1, 2]]), AdvancedSubtensor),
    ("newaxis_first", (None, [1, 2]), AdvancedSubtensor),
    ("newaxis_between", ([0, 1], None, [0, 1]), AdvancedSubtensor),
    ("newaxis_after", ([0, 1], [1, 0], None), AdvancedSubtensor),
    ("ellipsis", (Ellipsis, [1, 0]), AdvancedSubtensor),
    ("vec_reverse_slice", ([1, 3], slice(None, None, -2)), AdvancedSubtensor),
]


@pytest.mark.parametrize("name,idx,op", ADV_INDICES, ids=[c[0] for c in ADV_INDICES])
def test_advanced_constant_index(name, idx, op):
    x = T.dtensor3()
    assert isinstance(x[idx].owner.op, op)
    case = OpCase(name, lambda x: x[idx], lambda x: x[idx], [rand(4, 3, 2)], dtypes=FLOATS)
    check_case(case)


@pytest.mark.parametrize("idx", [[0, 0], (Ellipsis, [1, -1]), ([0, 1], slice(None), [2, 0])])
def test_advanced_on_empty_arrays(idx):
    def ref(x):
        return x[idx]
    check_case(OpCase("empty", lambda x: x[idx], ref, [rand(2, 0, 3)], dtypes=FLOATS))


def test_advanced_int_dtype():
    x = T.lmatrix()
    xv = np.arange(12).reshape(3, 4)
    for idx in [[2, 0], (slice(None), [3, 3]), ([0, 1], [1, 0])]:
        compare_backends([x], x[idx], [xv], expected=xv[idx])
        check_infer_shape([x], x[idx], [xv])


def test_symbolic_index_vectors():
    def build(x, i, j):
        return [x[i], x[i, j], x[:, j], x[i, 1:, j]]

    def ref(x, i, j):
        return [x[i], x[i, j], x[:, j], x[i, 1:, j]]

    iv = np.array([0, 2, -1, 0], dtype="int64")
    jv = np.array([1, 0, 1, 1], dtype="int32")
    check_case(OpCase("sym", build, ref, [rand(3, 4, 2), iv, jv], dtypes=FLOATS))


def test_symbolic_index_matrix_and_scalar():
    def build(x, m, s):
        return [x[m], x[s, m], x[m, s]]

    def ref(x, m, s):
        return [x[m], x[s, m], x[m, s]]

    mv = np.array([[0, 1], [1, 2], [2, 0]], dtype="int64")
    check_case(OpCase("symm", build, ref, [rand(3, 3), mv, np.int64(1)], dtypes=FLOATS))


def test_broadcastable_pattern_of_advanced_results():
    x = T.dmatrix()
    assert x[[1]].broadcastable == (True, False)
    assert x[[1, 2]].broadcastable == (False, False)
    assert x[None, [0, 1]].broadcastable == (True, False, False)
    col = T.dcol()
    assert col[[0, 1], :].broadcastable == (False, True)
    assert col[:, [0, 0]].broadcastable == (False, False)


# -------------------------------------------------------------------------------------------------
# boolean masks
# -------------------------------------------------------------------------------------------------


def test_mask_from_comparison():
    def build(x):
        return [x[x > 0], x[T.gt(x, 0.3)] * 2, x[(x > 0).nonzero()] if hasattr(x, "nonzero") else x]

    def ref(x):
        return [x[x > 0], x[x > 0.3] * 2, x[(x > 0).nonzero()]]

    check_case(OpCase("mask", build, ref, [rand(4, 5)], dtypes=FLOATS))


def test_mask_variants():
    x = T.dmatrix()
    m1 = T.TensorType("bool", (False,))()
    m2 = T.TensorType("bool", (False, False))()
    xv = rand(3, 4)
    m1v = np.array([True, False, True])
    m2v = xv > 0
    outs = [x[m1], x[m2], x[:, m1v[[0, 1, 2, 0]]], x[m1, 1:], x[m1, None], x[[True, False, True]]]
    exp = [xv[m1v], xv[m2v], xv[:, m1v[[0, 1, 2, 0]]], xv[m1v, 1:], xv[m1v, None], xv[[0, 2]]]
    res = compare_backends([x, m1, m2], outs, [xv, m1v, m2v], expected=exp)
    assert len(res) == len(exp)
    for out in outs:
        check_infer_shape([x, m1, m2], out, [xv, m1v, m2v])
    # an empty selection
    r = compare_backends([x, m1, m2], x[m1], [xv, np.zeros(3, bool), m2v], expected=xv[:0])
    assert r.shape == (0, 4)


def test_mask_shape_mismatch_is_an_index_error():
    x = T.dmatrix()
    m = T.TensorType("bool", (False,))()
    f = theano.function([x, m], x[m], mode=PY())
    with pytest.raises(IndexError, match=r"shape \(3, 4\)"):
        f(rand(3, 4), np.array([True, False]))


def test_mask_set_and_inc_with_gradients():
    def build(x, y):
        return [set_subtensor(x[x > 0], 0.0), inc_subtensor(x[x < 0], y[0]),
                set_subtensor(x[x > 0.5], y[0] * 3)]

    def ref(x, y):
        a = x.copy()
        a[x > 0] = 0
        b = x.copy()
        b[x < 0] += y[0]
        c = x.copy()
        c[x > 0.5] = y[0] * 3
        return [a, b, c]

    check_case(OpCase("mask_set", build, ref, [rand(3, 4), rand(1, seed=2)], dtypes=FLOATS))


# -------------------------------------------------------------------------------------------------
# set / inc with advanced indices
# -------------------------------------------------------------------------------------------------

# (name, index, shape of y, whether the index repeats a position). A set with repeated positions
# keeps one of the values (no gradient to check); an increment adds them all up.
ADV_SET_CASES = [
    ("vec", [0, 2], (2, 3), False),
    ("vec_repeated", [1, 1, 3, 1], (4, 3), True),
    ("vec_bcast_row", [0, 2, -1], (3,), False),
    ("vec_bcast_row_repeated", [0, 2, 0], (3,), True),
    ("vec_bcast_scalar", [3, -2], (), False),
    ("vec_empty", np.zeros(0, dtype="int64"), (0, 3), False),
    ("axis1", (slice(None), [2, 0]), (4, 2), False),
    ("axis1_repeated", (slice(None), [2, 0, 2]), (4, 3), True),
    ("two_vecs_repeated", ([0, 1, 0], [2, 2, 2]), (3,), True),
    ("int_and_vec", (-1, [0, 1, 2]), (3,), False),
    ("int_and_vec_repeated", (-1, [0, 1, 0]), (3,), True),
    ("matrix_idx", ([[0, 1], [2, 3]],), (2, 2, 3), False),
    ("matrix_idx_repeated", ([[0, 1], [1, 1]],), (2, 2, 3), True),
    ("newaxis", ([0, 2], None, slice(1, None)), (2, 1, 2), False),
    ("newaxis_repeated", ([0, 0], None, slice(1, None)), (2, 1, 2), True),
]


@pytest.mark.parametrize("name,idx,yshape,rep", ADV_SET_CASES, ids=[c[0] for c in ADV_SET_CASES])
def test_advanced_set_subtensor(name, idx, yshape, rep):
    check_case(OpCase("set_" + name, lambda x, y: set_subtensor(x[idx], y), _ref_set(idx),
                      [rand(4, 3), rand(*yshape, seed=5)], dtypes=FLOATS, grad=not rep))


@pytest.mark.parametrize("name,idx,yshape,rep", ADV_SET_CASES, ids=[c[0] for c in ADV_SET_CASES])
def test_advanced_inc_subtensor_accumulates(name, idx, yshape, rep):
    check_case(OpCase("inc_" + name, lambda x, y: inc_subtensor(x[idx], y), _ref_add_at(idx),
                      [rand(4, 3), rand(*yshape, seed=5)], dtypes=FLOATS))


def test_vector_inc_with_many_repeats_uses_add_at_semantics():
    x = T.fvector()
    i = T.lvector()
    y = T.fvector()
    iv = np.random.RandomState(0).randint(-6, 6, size=100)
    xv, yv = rand(6, dtype="float32"), rand(100, dtype="float32")
    out = inc_subtensor(x[i], y)
    assert isinstance(out.owner.op, AdvancedIncSubtensor1)
    expected = xv.copy()
    np.add.at(expected, iv, yv)
    r = compare_backends([x, i, y], out, [xv, iv, yv], expected=expected)
    assert r.dtype == np.float32
    xi = T.lvector()
    r = theano.function([xi, i], inc_subtensor(xi[i], 1), mode=PY())(np.zeros(6, "int64"), iv)
    np.testing.assert_array_equal(r, np.bincount(iv % 6, minlength=6))


def test_symbolic_advanced_set_and_inc():
    def build(x, y, i):
        return [set_subtensor(x[i, 1:], y), inc_subtensor(x[i, 1:], y), inc_subtensor(x[:, i[:2]], 1.5)]

    def ref(x, y, i):
        a = x.copy()
        a[i, 1:] = y
        b = x.copy()
        np.add.at(b, (i, slice(1, None)), y)
        c = x.copy()
        np.add.at(c, (slice(None), i[:2]), 1.5)
        return [a, b, c]

    check_case(OpCase("sym_set", build, ref, [rand(3, 3), rand(2, 2), np.array([2, 0], dtype="int64")],
                      dtypes=FLOATS))


def test_named_helpers():
    x = T.dmatrix()
    y = T.dmatrix()
    i = T.lvector()
    xv, yv, iv = rand(4, 2), rand(3, 2), np.array([0, 3, 0])
    outs = [advanced_subtensor1(x, i), advanced_inc_subtensor1(x, y, i),
            advanced_set_subtensor1(x, y, i), advanced_inc_subtensor(x, y[:, 0], i, 1),
            advanced_set_subtensor(x, y[:, 0], i, 1),
            T.inc_subtensor(x[i], y, set_instead_of_inc=True)]
    e1 = xv.copy()
    np.add.at(e1, iv, yv)
    e2 = xv.copy()
    e2[iv] = yv
    e3 = xv.copy()
    np.add.at(e3, (iv, 1), yv[:, 0])
    e4 = xv.copy()
    e4[iv, 1] = yv[:, 0]
    compare_backends([x, y, i], outs, [xv, yv, iv], expected=[xv[iv], e1, e2, e3, e4, e2])


def test_gradient_of_advanced_indexing_accumulates():
    x = T.dvector()
    g = T.grad(T.sum(x[[0, 0, 2, 0]]), x)
    np.testing.assert_allclose(theano.function([x], g, mode=PY())(rand(3)), [3, 0, 1])
    m = T.dmatrix()
    g = T.grad(T.sum(m[[0, 0], [1, 1]] * 2), m)
    np.testing.assert_allclose(theano.function([m], g, mode=PY())(rand(2, 2)), [[0, 4], [0, 0]])


def test_advanced_rop():
    x, v = T.dvector(), T.dvector()
    xv, vv = rand(4), rand(4, seed=9)
    r1 = T.Rop(x[[3, 0]] ** 2, x, v)
    r2 = T.Rop(x[[[1, 2]]] * 3, x, v)
    f = theano.function([x, v], [r1, r2])
    a, b = f(xv, vv)
    np.testing.assert_allclose(a, 2 * xv[[3, 0]] * vv[[3, 0]])
    np.testing.assert_allclose(b, 3 * vv[[[1, 2]]])


def test_advanced_ops_identity_and_inplace():
    assert AdvancedIncSubtensor1() == AdvancedIncSubtensor1(False, False)
    assert AdvancedIncSubtensor1(inplace=True).destroy_map == {0: [0]}
    assert AdvancedIncSubtensor1().destroy_map == {}
    assert AdvancedSubtensor([slice(None), "@"]) == AdvancedSubtensor([(None, None, None), "@"])
    op = AdvancedIncSubtensor(["@"], inplace=True)
    assert op.destroy_map == {0: [0]}
    node = op.make_node(T.dvector(), T.dscalar(), T.lvector())
    xv = np.zeros(3)
    storage = [[None]]
    op.perform(node, [xv, np.asarray(1.0), np.array([0, 0])], storage)
    assert storage[0][0] is xv and list(xv) == [2, 0, 0]
    assert "AdvancedIncSubtensor1" in str(AdvancedIncSubtensor1())
    # the result of general advanced indexing never aliases its input
    x = T.dmatrix()
    node = x[np.array(0), [0, 1]].owner
    xv = rand(2, 2)
    node.op.perform(node, [xv] + [np.asarray(i.data) for i in node.inputs[1:]], storage)
    assert not np.shares_memory(storage[0][0], xv)


# -------------------------------------------------------------------------------------------------
# take
# -------------------------------------------------------------------------------------------------

TAKE_CASES = [
    ("flat", None, "raise", [0, 5, -1]),
    ("axis0", 0, "raise", [2, 0]),
    ("axis1", 1, "raise", [[1, 0], [2, 2]]),
    ("axis_neg", -1, "raise", [1]),
    ("wrap", 0, "wrap", [4, -5, 1]),
    ("clip", 1, "clip", [-3, 1, 9]),
    ("scalar", 1, "raise", 2),
]


@pytest.mark.parametrize("name,axis,mode,ind", TAKE_CASES, ids=[c[0] for c in TAKE_CASES])
def test_take(name, axis, mode, ind):
    check_case(OpCase("take_" + name, lambda a: take(a, ind, axis=axis, mode=mode),
                      lambda a: np.take(a, ind, axis=axis, mode=mode), [rand(3, 4)], dtypes=FLOATS))


def test_take_method_and_symbolic_indices():
    a = T.dmatrix()
    i = T.ivector()
    av, iv = rand(3, 4), np.array([3, 1], dtype="int32")
    compare_backends([a, i], [a.take(i, axis=1), T.take(a, i)], [av, iv],
                     expected=[av.take(iv, axis=1), av.take(iv)])


def test_take_errors():
    a = T.dmatrix()
    with pytest.raises(TypeError, match="integers"):
        take(a, T.dvector())
    with pytest.raises(ValueError, match="mode"):
        take(a, [0], mode="bogus")
    with pytest.raises(ValueError, match="out of range"):
        take(a, [0], axis=2)
    f = theano.function([a], take(a, [0, 7]), mode=PY())
    with pytest.raises(IndexError, match="out of bounds"):
        f(rand(2, 3))


# -------------------------------------------------------------------------------------------------
# errors
# -------------------------------------------------------------------------------------------------


def test_advanced_index_type_errors():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="float"):
        x[[0.5, 1.0]]
    with pytest.raises(TypeError, match="float"):
        x[np.array([1.0])]
    with pytest.raises(TypeError, match="integer"):
        AdvancedSubtensor1()(x, T.dvector())
    with pytest.raises(TypeError, match="vector"):
        AdvancedSubtensor1()(x, T.lmatrix())
    with pytest.raises(TypeError, match="0-d"):
        AdvancedSubtensor1()(T.dscalar(), T.lvector())
    with pytest.raises(TypeError, match="integers or booleans"):
        AdvancedSubtensor(["@"])(x, T.dvector())
    with pytest.raises(IndexError, match="too many"):
        x[[0], [0], [0]]
    with pytest.raises(IndexError, match="too many"):
        x[T.TensorType("bool", (False, False, False))()]
    with pytest.raises(TypeError, match="dimensional"):
        set_subtensor(x[[0, 1]], T.dtensor3())
    with pytest.raises(ValueError, match="index inputs"):
        AdvancedSubtensor(["@", "@"])(x, T.lvector())


def test_advanced_out_of_bounds_at_run_time():
    x = T.dmatrix()
    i = T.lvector()
    y = T.dvector()
    cases = [x[i], x[i, 0], x[:, i], set_subtensor(x[i], y), inc_subtensor(x[i], y),
             inc_subtensor(x[i, 1], y)]
    for out in cases:
        f = theano.function([x, i, y], out, mode=PY(), on_unused_input="ignore")
        with pytest.raises(IndexError, match=r"out of bounds.*\(2, 2\)|\(2, 2\).*out of bounds"):
            f(rand(2, 2), np.array([0, 2]), rand(2))


def test_advanced_inc_shape_mismatch():
    x = T.dmatrix()
    y = T.dmatrix()
    f = theano.function([x, y], inc_subtensor(x[[0, 1]], y), mode=PY())
    with pytest.raises(ValueError, match="broadcast"):
        f(rand(3, 2), rand(3, 2))
    g = theano.function([x, y], set_subtensor(x[[0, 1], [0, 1]], y[0]), mode=PY())
    with pytest.raises(ValueError, match="broadcast"):
        g(rand(3, 2), rand(3, 3))


def test_subtensor_and_advanced_mix_in_one_graph():
    x = T.dmatrix()
    i = T.lscalar()
    out = x[i][[0, 0]][1:]
    assert isinstance(out.owner.op, Subtensor)
    xv = rand(3, 4)
    compare_backends([x, i], out, [xv, 1], expected=xv[1][[0, 0]][1:])


# -------------------------------------------------------------------------------------------------
# in compiled functions: optimized graphs, updates, other dtypes
# -------------------------------------------------------------------------------------------------


def test_optimized_graphs_keep_inputs_intact():
    x = T.dmatrix()
    i = T.lvector()
    outs = [set_subtensor((x * 2)[1:, 0], 0.0), inc_subtensor((x + 1)[i], 1.0),
            inc_subtensor((x - 1)[i, i], 2.0), set_subtensor((x * 1)[x > 0], -1.0)]
    xv, iv = rand(3, 3), np.array([0, 2, 0])
    keep = xv.copy()
    exp0 = xv * 2
    exp0[1:, 0] = 0
    exp1 = xv + 1
    np.add.at(exp1, iv, 1.0)
    exp2 = xv - 1
    np.add.at(exp2, (iv, iv), 2.0)
    exp3 = xv.copy()
    exp3[xv > 0] = -1
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        f = theano.function([x, i], outs, mode=mode)
        for got, want in zip(f(xv, iv), [exp0, exp1, exp2, exp3]):
            np.testing.assert_allclose(got, want)
        np.testing.assert_array_equal(xv, keep)


def test_shared_variable_updates_with_inc_subtensor():
    s = theano.shared(np.zeros((4, 2)))
    i = T.lvector()
    v = T.dmatrix()
    f = theano.function([i, v], s[i].sum(), updates={s: inc_subtensor(s[i], v)})
    r = f(np.array([1, 1, 3]), np.ones((3, 2)))
    assert float(r) == 0.0
    np.testing.assert_allclose(s.get_value(), [[0, 0], [2, 2], [0, 0], [1, 1]])
    f(np.array([0]), np.full((1, 2), 5.0))
    np.testing.assert_allclose(s.get_value()[0], [5, 5])


def test_complex_and_bool_tensors():
    z = T.zvector()
    zv = np.array([1 + 2j, 3 - 1j, 0.5j])
    compare_backends([z], [z[[2, 0]], set_subtensor(z[1:], 1j), inc_subtensor(z[[0, 0]], 1)], [zv],
                     expected=[zv[[2, 0]], np.array([1 + 2j, 1j, 1j]), zv + np.array([2, 0, 0])])
    b = T.TensorType("bool", (False,))()
    bv = np.array([True, False, True])
    compare_backends([b], [b[::-1], b[[0, 1]], b[b]], [bv], expected=[bv[::-1], bv[[0, 1]], bv[bv]])


def test_gradient_through_chained_indexing():
    def build(x, i):
        y = set_subtensor(x[i], x[i] * 2)
        return inc_subtensor(y[1:, ::-1][[0, 0]], y[0, :])

    def ref(x, i):
        y = x.copy()
        y[i] = x[i] * 2
        # only one level of indexing is updated: the result is the modified y[1:, ::-1]
        part = y[1:, ::-1].copy()
        np.add.at(part, [0, 0], y[0, :])
        return part

    check_case(OpCase("chain", build, ref, [rand(3, 3), np.array([2, 0])], dtypes=FLOATS))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_mask_gradient_is_a_boolean_increment(mode):
    # the gradient of x[mask] writes into zeros with Theano 1.0's AdvancedBooleanIncSubtensor
    from theano.tensor.subtensor_advanced import AdvancedBooleanIncSubtensor

    x = T.dmatrix("x")
    part = x[x > 0.5]
    g = T.grad((part ** 2).sum(), x)
    assert any(isinstance(v.owner.op, AdvancedBooleanIncSubtensor)
               for v in theano.graph.basic.ancestors([g]) if v.owner is not None)
    f = theano.function([x], g, mode=mode)
    xv = np.random.RandomState(3).rand(3, 4)
    for _ in range(2):
        np.testing.assert_allclose(f(xv), np.where(xv > 0.5, 2 * xv, 0.0))


def test_theano1_call_forms_of_the_advanced_ops():
    # Theano 1.0: AdvancedSubtensor()(x, *index) and AdvancedIncSubtensor(inplace,
    # set_instead_of_inc)(x, y, *index), the index items (arrays, slices as constants or
    # make_slice, NoneConst for a new axis, boolean masks) given with the call
    from theano.tensor.subtensor import AdvancedIncSubtensor, AdvancedSubtensor
    from theano.tensor.type_other import MakeSlice, NoneConst, SliceConstant, slicetype

    m = T.dmatrix("m")
    i = T.iscalar("i")
    y = T.dscalar("y")
    mv = np.arange(30.0).reshape(5, 6)
    cs = SliceConstant(type=slicetype, data=slice(1, None, 2))
    a = AdvancedSubtensor()(m, [2, 3], cs)
    assert isinstance(a.owner.op, AdvancedSubtensor) and a.ndim == 2
    np.testing.assert_array_equal(a.eval({m: mv}), mv[[2, 3], 1::2])
    b = AdvancedSubtensor()(m, MakeSlice()(i), NoneConst, [0, 2, 2])
    np.testing.assert_array_equal(b.eval({m: mv, i: 1}), mv[1:, None, [0, 2, 2]])
    c = AdvancedSubtensor()(m, m > 17)
    np.testing.assert_array_equal(c.eval({m: mv}), mv[mv > 17])
    # increments accumulate over the repeated row 2, as np.add.at
    inc = AdvancedIncSubtensor()(m, y, [2, 2, 4], cs)
    ref = mv.copy()
    np.add.at(ref, (np.array([2, 2, 4]), slice(1, None, 2)), 10.0)
    np.testing.assert_array_equal(inc.eval({m: mv, y: 10.0}), ref)
    st = AdvancedIncSubtensor(False, True)(m, y, m > 20)
    ref = mv.copy()
    ref[mv > 20] = -1.0
    np.testing.assert_array_equal(st.eval({m: mv, y: -1.0}), ref)
    assert AdvancedSubtensor() == AdvancedSubtensor()
    assert str(AdvancedIncSubtensor(set_instead_of_inc=True)) == "AdvancedIncSubtensor{no_inplace,set}"
    with pytest.raises(ValueError, match="index array"):
        AdvancedSubtensor()(m, cs)
