"""Rewrites that remove nodes which compute nothing: a reduction over length-1 axes, add/mul of one
term, a cast of a lossless cast, scalar <-> tensor round trips, a split into one piece, a tile of
ones, slices that keep a whole axis, xor/and/or with known operands; and the DeepCopyOp node that
a compiled function gets for an output that is a view of an input or a constant (Theano 1.0).
Each is checked on the graph and against NumPy on the default backend and the reference VM."""

import numpy as np
import pytest

import theano
import theano.scalar as scal
import theano.tensor as T
from theano.compile.ops import DeepCopyOp
from theano.graph.basic import Constant
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.joining import Split
from theano.tensor.subtensor import Subtensor

MODES = [None, theano.Mode(linker="py")]


def _run(inputs, out, values, mode, ref):
    f = theano.function(inputs, out, mode=mode)
    for _ in range(3):
        r = f(*[np.copy(v) for v in values])
        np.testing.assert_array_equal(r, ref)
        assert np.asarray(r).dtype == np.asarray(ref).dtype
    return f


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


# -- reductions over broadcastable axes ------------------------------------------------------------

REDUCERS = [(T.sum, np.sum), (T.prod, np.prod), (T.max, np.max), (T.min, np.min),
            (T.all, np.all), (T.any, np.any)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fct,ref", REDUCERS)
def test_reduce_over_only_length_one_axes_is_gone(fct, ref, mode):
    x = T.TensorType("int64", (True, True, True))("x")
    xv = np.array([[[-3]]], dtype="int64")
    out = fct(x)
    f = _run([x], out, [xv], mode, np.asarray(ref(xv), dtype=out.dtype))
    assert not any(isinstance(op, CAReduce) for op in _ops(f))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fct,ref", REDUCERS)
def test_reduce_drops_its_length_one_axes(fct, ref, mode):
    x = T.TensorType("int64", (True, False, True))("x")
    xv = np.array([[[2], [0], [5]]], dtype="int64")
    out = fct(x, axis=[0, 1])
    f = _run([x], out, [xv], mode, np.asarray(ref(xv, axis=(0, 1)), dtype=out.dtype))
    reds = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, CAReduce)]
    assert len(reds) == 1
    assert reds[0].inputs[0].ndim == 2 and reds[0].op.axis == (0,)
    # an empty axis: the reduction's identity (or its error for max/min) is kept
    empty = np.zeros((1, 0, 1), dtype="int64")
    if fct in (T.max, T.min):
        with pytest.raises(ValueError):
            theano.function([x], out, mode=mode)(empty)
    else:
        _run([x], out, [empty], mode, np.asarray(ref(empty, axis=(0, 1)), dtype=out.dtype))


def test_sum_of_float32_over_some_length_one_axes_keeps_its_dtypes():
    x = T.TensorType("float32", (False, True, False))("x")
    out = x.sum(axis=[1, 2])
    xv = np.random.RandomState(0).rand(3, 1, 4).astype("float32")
    for mode in MODES:
        f = theano.function([x], out, mode=mode)
        r = f(xv)
        assert r.dtype == out.dtype
        np.testing.assert_allclose(r, xv.sum(axis=(1, 2), dtype="float64").astype(out.dtype), rtol=1e-6)
    assert all(n.inputs[0].ndim == 2 for n in f.maker.fgraph.toposort() if isinstance(n.op, CAReduce))


# -- add(x), mul(x) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [T.add, T.mul])
def test_add_or_mul_of_one_term_is_the_term(fn, mode):
    x = T.dmatrix("x")
    xv = np.random.RandomState(1).rand(3, 2)
    f = _run([x], fn(x), [xv], mode, xv)
    assert _ops(f) == [theano.compile.deep_copy_op]
    assert f(xv) is not xv


# -- casts -------------------------------------------------------------------------------------------


def test_cast_accepts_a_scalar_type_as_theano_1():
    assert scal.Cast(scal.Scalar("float64")) == scal.Cast("float64")
    assert scal.Cast(np.float32).dtype == "float32"


@pytest.mark.parametrize("mode", MODES)
def test_cast_of_lossless_cast(mode):
    x = T.fmatrix("x")
    xv = (np.random.RandomState(2).rand(3, 2) * 100).astype("float32")
    # float32 -> float64 -> float32: x itself
    f = _run([x], T.cast(T.cast(x, "float64"), "float32"), [xv], mode, xv)
    assert _ops(f) == [theano.compile.deep_copy_op]
    # float32 -> complex64 -> complex128: one cast
    o = T.Elemwise(scal.Cast(scal.Scalar("complex128")))(x.astype("complex64"))
    f = _run([x], o, [xv], mode, xv.astype("complex128"))
    assert len(_ops(f)) == 1
    # float32 -> float64 -> int8: one cast, the same truncation
    f = _run([x], T.cast(T.cast(x, "float64"), "int8"), [xv], mode, xv.astype("int8"))
    assert len(_ops(f)) == 1


@pytest.mark.parametrize("mode", MODES)
def test_cast_of_lossy_cast_stays(mode):
    # float64 -> float32 -> float64 rounds: both casts stay (a fused pair counts as one node)
    x = T.dvector("x")
    xv = np.array([0.1, 1 / 3.0, 1e-300])
    f = _run([x], T.cast(T.cast(x, "float32"), "float64"), [xv], mode,
             xv.astype("float32").astype("float64"))
    assert f(xv)[0] != 0.1
    # int64 -> float64 -> float32 would round twice if merged: kept
    i = T.lvector("i")
    iv = np.array([2 ** 53 + 1, 2 ** 62 + 2 ** 38 + 1], dtype="int64")
    _run([i], T.cast(T.cast(i, "float64"), "float32"), [iv], mode,
         iv.astype("float64").astype("float32"))


# -- scalar/tensor round trips, split, tile ------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["int8", "uint32", "float32", "complex128"])
def test_tensor_scalar_round_trips_are_gone(dtype, mode):
    t = T.TensorType(dtype, ())("t")
    f = _run([t], T.tensor_from_scalar(T.scalar_from_tensor(t)), [np.asarray(3, dtype=dtype)], mode,
             np.asarray(3, dtype=dtype))
    assert not any(isinstance(op, (T.TensorFromScalar, T.ScalarFromTensor)) for op in _ops(f))
    s = scal.Scalar(dtype)("s")
    g = theano.function([s], T.scalar_from_tensor(T.tensor_from_scalar(s)), mode=mode)
    for _ in range(3):
        assert g(5) == 5
    assert not any(isinstance(op, (T.TensorFromScalar, T.ScalarFromTensor)) for op in _ops(g))


@pytest.mark.parametrize("mode", MODES)
def test_split_into_one_piece_is_its_input_and_keeps_the_checks(mode):
    x = T.fmatrix("x")
    sizes = T.ivector("sizes")
    (piece,) = T.split(x, sizes, n_splits=1, axis=1)
    xv = np.arange(12, dtype="float32").reshape(3, 4)
    f = _run([x, sizes], piece, [xv, np.array([4], dtype="int32")], mode, xv)
    assert not any(isinstance(op, Split) for op in _ops(f))
    for bad in ([3], [4, 0], [], [-4]):
        with pytest.raises(AssertionError):
            f(xv, np.array(bad, dtype="int32"))


@pytest.mark.parametrize("mode", MODES)
def test_tile_of_ones_is_its_input(mode):
    v = T.dvector("v")
    vv = np.array([1.0, 2.0, 3.0])
    for nd in range(3):
        reps = (1,) * nd
        f = _run([v], T.tile(v, reps), [vv], mode, np.tile(vv, reps))
        ops = _ops(f)
        if nd <= 1:
            assert ops == [theano.compile.deep_copy_op]
        else:
            assert isinstance(ops[0], DimShuffle) and len(ops) == 2
        assert not np.shares_memory(f(vv), vv)
    _run([v], T.tile(v, (2, 1)), [vv], mode, np.tile(vv, (2, 1)))


# -- slices that keep a whole axis ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_slices_keeping_a_whole_axis_are_dropped(mode):
    x = T.dmatrix("x")
    xv = np.arange(6.0).reshape(2, 3)
    for out, ref in [(T.exp(x)[0:], np.exp(xv)), (T.exp(x)[0:, 0:], np.exp(xv)),
                     (x[:x.shape[0]], xv), (x[:, :x.shape[1]], xv), (x[::1], xv),
                     (x[:2 ** 63 - 1], xv)]:
        f = _run([x], out, [xv], mode, ref)
        assert not any(isinstance(op, Subtensor) for op in _ops(f)), out
    f = _run([x], x[1, 0:], [xv], mode, xv[1])
    (sub,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Subtensor)]
    assert sub.op.idx_list == (1,)
    # the same forms that do select something stay
    for out, ref in [(x[1:], xv[1:]), (x[:, :x.shape[0]], xv[:, :2]), (x[::-1], xv[::-1]),
                     (x[:1], xv[:1]), (x[0:, 1], xv[:, 1])]:
        f = _run([x], out, [xv], mode, ref)
        assert any(isinstance(op, Subtensor) for op in _ops(f)), out
    # and an empty or out-of-range index still behaves as NumPy
    _run([x], x[:x.shape[0]], [np.zeros((0, 3))], mode, np.zeros((0, 3)))


# -- bitwise and comparison with known results ----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16"])
def test_xor_and_or_with_known_results(dtype, mode):
    x = T.vector("x", dtype=dtype)
    xv = np.array([0, 1, 1, 0], dtype=dtype) if dtype == "bool" else np.array([0, 1, 5, 7], dtype=dtype)
    zero = np.zeros((), dtype=dtype)
    f = _run([x], T.xor(x, x), [xv], mode, xv ^ xv)
    assert not any(isinstance(op, Elemwise) and str(op.scalar_op) == "xor" for op in _ops(f))
    for out, ref in [(T.and_(x, zero), xv & zero), (T.and_(zero, x), zero & xv)]:
        f = _run([x], out, [xv], mode, ref)
        assert not any(isinstance(op, Elemwise) and str(op.scalar_op) == "and_" for op in _ops(f))
    for out, ref in [(T.or_(x, zero), xv | zero), (T.or_(zero, x), zero | xv)]:
        f = _run([x], out, [xv], mode, ref)
        assert _ops(f) == [theano.compile.deep_copy_op]
    one = np.ones((), dtype=dtype)
    # for integers x & 1 and x | 1 depend on x
    _run([x], T.and_(x, one), [xv], mode, xv & one)
    _run([x], T.or_(x, one), [xv], mode, xv | one)


@pytest.mark.parametrize("mode", MODES)
def test_float_self_comparisons_keep_nan_semantics(mode):
    x = T.dvector("x")
    xv = np.array([np.nan, 1.0, np.inf])
    for fn, ref in [(T.le, np.less_equal), (T.ge, np.greater_equal), (T.eq, np.equal),
                    (T.neq, np.not_equal), (T.lt, np.less), (T.gt, np.greater)]:
        _run([x], fn(x, x), [xv], mode, ref(xv, xv))


# -- extract_constant, Function.outputs -----------------------------------------------------------------


def test_extract_constant_gives_the_value_to_compare():
    assert T.extract_constant(T.constant(np.bool_(False))) == 0
    assert T.extract_constant(T.constant(2, dtype="int8") * 3) == 6
    v = T.dvector()
    assert T.extract_constant(v) is v


def test_function_outputs_and_inputs_are_the_specs():
    x = T.bscalar("x")
    f = theano.function([x], [x + 1, x * 2])
    assert [o.variable.dtype for o in f.outputs] == ["int8", "int8"]
    assert f.inputs[0].variable is x


# -- outputs aliasing an input or a constant --------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_view_of_an_input_is_returned_through_a_deep_copy(mode):
    x = T.dmatrix("x")
    xv = np.arange(6.0).reshape(2, 3)
    for out, ref in [(x.T, xv.T), (x[1:][0], xv[1]), (x, xv)]:
        f = _run([x], out, [xv], mode, ref)
        last = f.maker.fgraph.outputs[0].owner
        assert isinstance(last.op, DeepCopyOp), out
        r = f(xv)
        assert not np.shares_memory(r, xv)
        r[...] = -1
        np.testing.assert_array_equal(f(xv), ref)
    # a result that is not a view: no copy node
    f = _run([x], x * 2, [xv], mode, xv * 2)
    assert not any(isinstance(op, DeepCopyOp) for op in _ops(f))


@pytest.mark.parametrize("mode", MODES)
def test_constant_output_is_a_deep_copy_of_the_constant(mode):
    x = T.lvector("x")
    f = theano.function([x], T.lt(x.shape[0], 0), mode=mode)
    (node,) = f.maker.fgraph.toposort()
    assert isinstance(node.op, DeepCopyOp) and isinstance(node.inputs[0], Constant)
    r1 = f(np.arange(3))
    assert r1 == 0
    r1[...] = True      # the caller's result is its own: the next call is not changed
    assert f(np.arange(3)) == 0


def test_borrowed_views_are_not_copied():
    x = T.dmatrix("x")
    xv = np.arange(6.0).reshape(2, 3)
    f = theano.function([theano.In(x, borrow=True)], theano.Out(x.T, borrow=True))
    assert not any(isinstance(op, DeepCopyOp) for op in _ops(f))
    assert np.shares_memory(f(xv), xv)
    # not lent: copied even when the output is borrowed
    g = theano.function([x], theano.Out(x.T, borrow=True))
    assert not np.shares_memory(g(xv), xv)


# -- known lengths (specify_shape) -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_slices_and_row_lists_covering_a_known_length_are_dropped(mode):
    x = T.dmatrix("x")
    xc = T.specify_shape(x, (2, 3))
    xv = np.arange(6.0).reshape(2, 3)
    for dims, gone in [((slice(0, 2),), True), ((slice(0, 3), slice(0, 13)), True),
                       ((slice(0, None), slice(0, 3)), True), ((slice(0, 3), slice(0, 2)), False),
                       ((slice(0, 1), 1), False), ([0, 1], True), ([1, 0], False), ([0, 0, 1], False)]:
        out = T.exp(xc)[dims]
        f = _run([x], out, [xv], mode, np.exp(xv)[dims])
        kept = [n for n in f.maker.fgraph.toposort()
                if isinstance(n.op, Subtensor) or type(n.op).__name__ == "AdvancedSubtensor1"]
        assert (not kept) == gone, (dims, kept)
        # the specified shape is still checked
        with pytest.raises(AssertionError):
            f(np.ones((3, 3)))


# -- alloc seen through dimshuffle and indexing -------------------------------------------------------


def _count(f, name):
    return sum(type(n.op).__name__ == name for n in f.maker.fgraph.toposort())


@pytest.mark.parametrize("mode", MODES)
def test_dimshuffled_alloc_feeds_elementwise_without_an_alloc(mode):
    rng = np.random.RandomState(3)
    vec, tens, mat = T.dvector("vec"), T.dtensor3("tens"), T.dmatrix("mat")
    vv, tv = rng.rand(2), rng.rand(2, 2, 3)
    out = T.alloc(vec, 2, 2).dimshuffle(0, 1, "x") + tens
    f = _run([vec, tens], out, [vv, tv], mode, np.broadcast_to(vv, (2, 2))[:, :, None] + tv)
    assert _count(f, "Alloc") == 0
    # the shapes alloc checked are still checked
    with pytest.raises((ValueError, AssertionError)):
        f(rng.rand(3), tv)
    with pytest.raises((ValueError, AssertionError)):
        f(vv, rng.rand(3, 2, 3))
    # a 2-d alloc added to a 3-d one: one alloc left
    v5, mv = rng.rand(5), rng.rand(5, 5)
    out = T.alloc(vec, 5, 5) + T.alloc(mat, 5, 5, 5)
    ref = np.broadcast_to(v5, (5, 5)) + np.broadcast_to(mv, (5, 5, 5))
    f = _run([vec, mat], out, [v5, mv], mode, ref)
    assert _count(f, "Alloc") == 1


@pytest.mark.parametrize("mode", MODES)
def test_indexing_an_alloc_makes_the_selected_part_only(mode):
    x, y = T.dmatrix("x"), T.dvector("y")
    yx = T.alloc(y, x.shape[0], x.shape[1])
    xv, yv = np.zeros((4, 6)), np.arange(6.0)
    full = np.broadcast_to(yv, xv.shape)
    for idx in [(2, slice(None)), (slice(None), 3), (slice(1, 3), slice(None, -1)),
                (slice(None, None, 2),), (-1,), (0, -2), (slice(None, None, -1), 1)]:
        f = _run([x, y], yx[idx], [xv, yv], mode, full[idx])
        assert not any(isinstance(op, Subtensor) and n.inputs[0].owner is not None
                       and type(n.inputs[0].owner.op).__name__ == "Alloc"
                       for n in f.maker.fgraph.toposort() for op in [n.op])
    # errors stay errors: an index out of range, a y that does not fit the alloc
    f = theano.function([x, y], yx[5], mode=mode)
    with pytest.raises((IndexError, AssertionError)):
        f(xv, yv)
    f = theano.function([x, y], yx[1:], mode=mode)
    with pytest.raises((ValueError, AssertionError)):
        f(xv, np.arange(5.0))
    f = theano.function([x, y], yx[:, 7], mode=mode)
    with pytest.raises(IndexError):
        f(xv, yv)


# -- sum of squared outer products (opt-in) ---------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_sumsqr2dot_is_opt_in_and_right(mode):
    W, G = T.fmatrix("W"), T.fmatrix("G")
    rng = np.random.RandomState(4)
    wv, gv = rng.rand(4, 3).astype("float32"), rng.rand(5, 3).astype("float32")
    ref = np.dot(np.square(gv.astype("float64")), np.square(wv.astype("float64")).sum(axis=0))
    for y in [T.sqr(W.dimshuffle("x", 0, 1) * G.dimshuffle(0, "x", 1)).sum(axis=(1, 2)),
              T.sqr(G.dimshuffle(0, "x", 1) * W.dimshuffle("x", 0, 1)).sum(axis=(1, 2))]:
        base = mode or theano.compile.get_default_mode()
        f = theano.function([W, G], y, mode=base.including("local_sumsqr2dot"))
        for _ in range(3):
            r = f(wv, gv)
            assert r.dtype == y.dtype
            np.testing.assert_allclose(r, ref, rtol=1e-5)
        assert _count(f, "Dot") == 1
        with pytest.raises(ValueError):
            f(wv, rng.rand(5, 2).astype("float32"))
        g = theano.function([W, G], y, mode=base)
        assert _count(g, "Dot") == 0
        np.testing.assert_allclose(g(wv, gv), ref, rtol=1e-5)


# -- reshape lifted through one-input elementwise ops; reductions of a stack ----------------------------


@pytest.mark.parametrize("mode", MODES)
def test_reshape_lifted_through_a_unary_elementwise_op(mode):
    x = T.dtensor4("x")
    xv = np.random.RandomState(5).rand(5, 4, 3, 2)
    for i in range(1, 4):
        out = T.flatten(T.exp(x), i)
        f = _run([x], out, [xv], mode, np.exp(xv).reshape(xv.shape[:i - 1] + (-1,)))
        topo = f.maker.fgraph.toposort()
        assert type(topo[-1].op).__name__ == "Elemwise" and type(topo[-2].op).__name__ == "Reshape"
    # a reshape that cannot be done still fails
    f = theano.function([x], T.exp(x).reshape((7, -1)), mode=mode)
    with pytest.raises(ValueError):
        f(xv)
    # exp(x) read twice: not lifted (exp would be computed twice)
    e = T.exp(x)
    f = theano.function([x], [e.reshape((-1,)), e * 2], mode=mode)
    assert sum(type(n.op).__name__ == "Elemwise" and str(n.op.scalar_op) == "exp"
               for n in f.maker.fgraph.toposort()) <= 1


@pytest.mark.parametrize("mode", MODES)
def test_reduction_of_a_stack_is_an_elementwise_op(mode):
    vx, vy, vz = T.dmatrix("x"), T.dmatrix("y"), T.dmatrix("z")
    x = np.array([[1.0, 0.0], [3.0, 4.0]])
    y = np.array([[4.0, 0.0], [2.0, 1.0]])
    z = np.array([[5.0, np.nan], [1.0, 2.0]])
    for out, ref in [(T.max((vx, vy), 0), np.max((x, y), 0)), (T.min((vx, vy), 0), np.min((x, y), 0)),
                     (T.sum((vx, vy, vz), 0), np.sum((x, y, z), 0)),
                     (T.prod((vx, vy, vz), 0), np.prod((x, y, z), 0)),
                     (T.prod((vx, vy.T, vz), 0), np.prod((x, y.T, z), 0)),
                     (T.max(T.stack([vx, vz], axis=1), 1), np.max(np.stack([x, z], 1), 1))]:
        f = theano.function([vx, vy, vz], out, mode=mode, on_unused_input="ignore")
        for _ in range(3):
            np.testing.assert_array_equal(f(x, y, z), ref)
        assert not any(type(n.op).__name__ in ("Join", "Max", "Min", "Sum", "Prod")
                       for n in f.maker.fgraph.toposort())
    # a stack reduced along another axis stays a reduction
    f = theano.function([vx, vy], T.max((vx, vy), 1), mode=mode)
    np.testing.assert_array_equal(f(x, y), np.max((x, y), 1))
    # mismatched shapes still fail
    f = theano.function([vx, vy], T.max((vx, vy), 0), mode=mode)
    with pytest.raises(ValueError):
        f(np.ones((1, 2)), np.ones((2, 2)))
    # small integers are summed in the accumulator's dtype, as the reduction does
    b = T.bvector("b")
    out = T.sum(T.stack([b, b]), axis=0)
    _run([b], out, [np.array([100, -100], dtype="int8")], mode, np.array([200, -200], dtype=out.dtype))


# -- NumPy scalars given for inputs of a narrower dtype (Theano 1.0: converted when exact) -------------


@pytest.mark.parametrize("mode", MODES)
def test_numpy_scalar_arguments_are_converted_when_exact(mode):
    i = T.iscalar("i")
    f = theano.function([i], i * 2, mode=mode)
    for k in np.arange(3):          # np.int64 indices, as a loop over np.arange gives
        r = f(k)
        assert r == 2 * k and r.dtype == np.int32
    for bad in (np.int64(2 ** 40), np.float64(1.5), np.array(3, dtype="int64")):
        with pytest.raises(TypeError):
            f(bad)
    x = T.fscalar("x")
    g = theano.function([x], x + 0, mode=mode)
    assert g(np.float64(0.5)) == 0.5 and g(np.float64(0.5)).dtype == np.float32
    assert np.isnan(g(np.float64(np.nan)))
    for bad in (np.float64(0.1), np.float64(1e300)):
        with pytest.raises(TypeError):
            g(bad)


@pytest.mark.parametrize("mode", MODES)
def test_an_output_sharing_memory_with_another_is_copied_in_the_graph(mode):
    x = T.dmatrix("x")
    xv = np.arange(4.0).reshape(2, 2)
    f = theano.function([x], [T.exp(x)[0], T.exp(x)], mode=mode)
    topo = f.maker.fgraph.toposort()
    assert isinstance(topo[-1].op, DeepCopyOp) and isinstance(topo[-1].inputs[0].owner.op, Subtensor)
    for _ in range(3):
        a, b = f(xv)
        assert not np.shares_memory(a, b)
        np.testing.assert_allclose(a, np.exp(xv)[0])
        np.testing.assert_allclose(b, np.exp(xv))
    # the same variable twice: two arrays
    g = theano.function([x], [x * 2, x * 2], mode=mode)
    a, b = g(xv)
    assert not np.shares_memory(a, b)
    a[...] = 0
    np.testing.assert_array_equal(b, xv * 2)


# -- a sum of scattered gradient parts is written into one buffer -------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_sum_of_increments_of_zeros_is_one_chain_of_increments(mode):
    from theano.tensor.subtensor import IncSubtensor
    from theano.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

    incs = (IncSubtensor, AdvancedIncSubtensor, AdvancedIncSubtensor1)
    rng = np.random.RandomState(6)
    W = theano.shared(rng.normal(size=(4, 4)), name="W")
    i, j, t = T.lvector("i"), T.lvector("j"), T.dscalar("t")
    y = (W[i] + W[j] + W[1] + W[i, j]).sum()
    dW = theano.grad(T.sqr(t - y), W)
    iv, jv = np.array([1, 3, 3, 0]), np.array([0, 3, 2, 2])
    ref = theano.function([i, j, t], dW, mode=theano.Mode("py", "None"))(iv, jv, 0.3)
    f = theano.function([i, j, t], dW, mode=(mode or theano.compile.get_default_mode()).excluding("fusion"))
    for _ in range(3):
        np.testing.assert_allclose(f(iv, jv, 0.3), ref, rtol=1e-12, atol=1e-15)
    adds = [n for n in f.maker.fgraph.toposort()
            if isinstance(n.op, Elemwise) and str(n.op.scalar_op) == "add"]
    assert not any(inp.owner is not None and isinstance(inp.owner.op, incs)
                   for a in adds for inp in a.inputs)
    # a term of another shape still fails, as the sum did
    X = T.dmatrix("X")
    z = T.zeros_like(W)
    out = T.inc_subtensor(z[i], 1.0) + T.inc_subtensor(z[j], 2.0) + X
    g = theano.function([i, j, X], out, mode=mode)
    xv = rng.rand(4, 4)
    expect = np.zeros((4, 4))
    np.add.at(expect, iv, 1.0)
    np.add.at(expect, jv, 2.0)
    np.testing.assert_allclose(g(iv, jv, xv), expect + xv)
    with pytest.raises((ValueError, AssertionError)):
        g(iv, jv, rng.rand(5, 4))


# -- local_dimshuffle_lift alone: merges, removes and lifts DimShuffles (Theano 1.0's rewrite) ----------


def _ds(x, order):
    return DimShuffle(x.type.broadcastable, order)(x)


def test_dimshuffle_lift_alone_merges_and_removes_dimshuffles():
    from theano.graph.fg import FunctionGraph
    from theano.tensor.opt import local_dimshuffle_lift, out2in

    x = T.dmatrix("x")
    for e, expect in [(_ds(_ds(x, (1, 0)), (1, 0)), None),
                      (_ds(_ds(_ds(x, (0, "x", 1)), (2, 0, "x", 1)), (1, 0)), None),
                      (_ds(x, (0, 1)), None),
                      (_ds(_ds(x, (1, "x", 0)), (2, 0, "x", 1)), (0, 1, "x", "x"))]:
        g = FunctionGraph([x], [e])
        out2in(local_dimshuffle_lift).optimize(g)
        out = g.outputs[0]
        if expect is None:
            assert out is g.inputs[0]
        else:
            assert isinstance(out.owner.op, DimShuffle) and out.owner.op.new_order == expect
            assert out.owner.inputs[0] is g.inputs[0]


@pytest.mark.parametrize("mode", MODES)
def test_dimshuffle_lift_transform_lifts_through_nested_elementwise_ops(mode):
    from theano.graph.fg import FunctionGraph
    from theano.tensor.opt import local_dimshuffle_lift

    v, m = T.dvector("v"), T.dmatrix("m")
    out = ((v + 42) * (m + 84)).T
    g = FunctionGraph([v, m], [out])
    (new,) = local_dimshuffle_lift.transform(g.outputs[0].owner)
    # mul(add(v[:, None], 42), add(m.T, 84)): every DimShuffle is on an input or a constant
    assert new.owner.op.scalar_op == scal.mul
    for add in new.owner.inputs:
        assert add.owner.op.scalar_op == scal.add
        for i in add.owner.inputs:
            assert isinstance(i.owner.op, DimShuffle)
            src = i.owner.inputs[0]
            assert any(src is gi for gi in g.inputs) or isinstance(src, Constant)
    vv, mv = np.arange(3.0), np.arange(6.0).reshape(2, 3)
    _run(list(g.inputs), new, [vv, mv], mode, ((vv + 42) * (mv + 84)).T)


@pytest.mark.parametrize("mode", MODES)
def test_transpose_of_a_dot_is_lifted_to_the_inputs(mode):
    from theano.graph.fg import FunctionGraph
    from theano.tensor.math import Dot
    from theano.tensor.opt import local_lift_transpose_through_dot, out2in

    a, b = T.dmatrix("a"), T.dmatrix("b")
    g = FunctionGraph([a, b], [T.dot(a, b).T])
    out2in(local_lift_transpose_through_dot).optimize(g)
    out = g.outputs[0]
    assert isinstance(out.owner.op, Dot)
    assert all(isinstance(i.owner.op, DimShuffle) and i.owner.op.new_order == (1, 0)
               for i in out.owner.inputs)
    assert out.owner.inputs[0].owner.inputs[0] is g.inputs[1]
    rng = np.random.RandomState(7)
    av, bv = rng.rand(3, 4), rng.rand(4, 2)
    f = theano.function([a, b], T.dot(a, b).T, mode=mode)
    for _ in range(3):
        np.testing.assert_allclose(f(av, bv), av.dot(bv).T)
    with pytest.raises(ValueError):
        f(av, rng.rand(3, 2))
    v = T.dvector("v")
    vv = rng.rand(3)
    h = theano.function([v, b], T.dot(v.dimshuffle("x", 0), b).T, mode=mode)
    for _ in range(3):
        np.testing.assert_allclose(h(vv, bv[:3]), vv[None, :].dot(bv[:3]).T)
    # the product also read elsewhere: computed once
    p = T.dot(a, b)
    k = theano.function([a, b], [p.T, p * 2], mode=mode)
    assert sum(isinstance(n.op, Dot) for n in k.maker.fgraph.toposort()) == 1


@pytest.mark.parametrize("mode", MODES)
def test_index_zero_or_minus_one_of_a_length_one_axis_is_a_dimshuffle(mode):
    x = T.dmatrix("x")
    xv = np.random.RandomState(8).rand(5, 5)
    y1, y2 = x.dimshuffle(0, "x", 1), x.dimshuffle("x", 1, 0, "x")
    xs = xv[:, None, :], xv.T[None, :, :, None]
    cases = [(y1[:, 0, :], xs[0][:, 0, :]), (y1[:, -1, :], xs[0][:, -1, :]),
             (y2[0, :, :, -1], xs[1][0, :, :, -1]), (y2[-1, :, 2:, 0], xs[1][-1, :, 2:, 0])]
    for out, ref in cases:
        f = _run([x], out, [xv], mode, ref)
        assert not any(isinstance(op, Subtensor) for op in _ops(f)) or out is cases[-1][0]
    (sub,) = [n for n in theano.function([x], cases[-1][0], mode=mode).maker.fgraph.toposort()
              if isinstance(n.op, Subtensor)]
    assert sub.inputs[0].ndim == 2
    # other indices of a length-1 axis still raise
    z = T.TensorType("float64", (False, True))("z")
    f = theano.function([z], z[:, 1], mode=mode)
    with pytest.raises(IndexError):
        f(np.ones((3, 1)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n", [9, 15, 16, -15, 32, -32])
def test_integer_powers_up_to_32_are_products(n, mode):
    x = T.dvector("x")
    xv = np.random.RandomState(9).rand(1000) * 2 + 0.01
    f = theano.function([x], x ** n, mode=mode)
    for _ in range(3):
        np.testing.assert_allclose(f(xv), xv ** float(n), rtol=32 * np.finfo(float).eps)
    assert not any(isinstance(op, Elemwise) and str(op.scalar_op) == "pow" for op in _ops(f))
    # integers: the same wrapping products as pow
    i = T.lvector("i")
    iv = np.array([3, -2, 7, 0])
    if n > 0:
        g = theano.function([i], i ** n, mode=mode)
        np.testing.assert_array_equal(g(iv), iv ** n)


def test_powers_above_32_stay_pow():
    x = T.dvector("x")
    f = theano.function([x], x ** 33)
    assert any(isinstance(op, Elemwise) and "pow" in str(op.scalar_op) for op in _ops(f))


# -- MakeVector refuses inputs it would downcast (a silent wrap before) ----------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_make_vector_refuses_a_downcast_and_keeps_upcasts(mode):
    from theano.tensor.basic import MakeVector

    b, i, d = T.bscalar("b"), T.iscalar("i"), T.dscalar("d")
    for dtype, ins in [("int8", (b, i)), ("int8", (i, b)), ("int8", (b, d)), ("int32", (d, i)),
                       ("float32", (i, d)), ("int8", (b, 300))]:
        with pytest.raises(TypeError, match="cannot hold"):
            MakeVector(dtype)(*ins)
        # Theano 1.0 raised an AssertionError here: code catching that still catches it
        with pytest.raises(AssertionError, match="cannot hold"):
            MakeVector(dtype)(*ins)
    v = MakeVector("int32")(b, i, 7)
    f = theano.function([b, i], v, mode=mode)
    for _ in range(3):
        r = f(-3, 2 ** 20)
        assert r.dtype == np.int32
        np.testing.assert_array_equal(r, [-3, 2 ** 20, 7])
    g = theano.function([d, i], MakeVector("float64")(d, i), mode=mode)
    np.testing.assert_array_equal(g(0.5, 3), [0.5, 3.0])


@pytest.mark.parametrize("mode", MODES)
def test_make_vector_of_one_is_not_broadcastable(mode):
    """Theano 1.0's MakeVector is never broadcastable, so a vector's shape (``MakeVector`` of its
    length) has the type of ``x.shape`` as it is, without a Rebroadcast to undo a broadcastable
    length-1 vector."""
    from theano.tensor.basic import MakeVector, Rebroadcast

    s = T.dscalar("s")
    assert T.stack([s]).broadcastable == (False,)
    assert MakeVector("int64")(T.lscalar()).type == T.lvector().type
    x = T.dvector("x")
    start, stop, step = T.iscalars("start", "stop", "step")
    for inputs, out, vals, want in [([x], x.shape, [np.ones(7)], [7]),
                                    ([start, stop, step], T.arange(start, stop, step).shape,
                                     [2, 11, 3], [3])]:
        f = theano.function(inputs, out, mode=mode)
        assert not any(isinstance(n.op, Rebroadcast) for n in f.maker.fgraph.toposort())
        np.testing.assert_array_equal(f(*vals), want)
    # a one-element vector still combines with a longer one where the lengths agree at run time
    g = theano.function([s, x], T.stack([s]) + x[:1], mode=mode)
    np.testing.assert_array_equal(g(2.0, np.arange(3.0)), [2.0])


# -- composites with outputs nobody reads ----------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", MODES)
def test_composite_keeps_only_the_outputs_read(mode, dtype):
    a, b = scal.float32("a"), scal.float32("b")
    comp = scal.Composite([a, b], [a + b, a * b, scal.exp(a) - b])
    X = T.matrix("X", dtype=dtype)
    Y = T.row("Y", dtype=dtype)
    outs = Elemwise(comp)(X, Y)
    xv = np.linspace(-1, 1, 12).reshape(3, 4).astype(dtype)
    yv = np.linspace(0.5, 2, 4).reshape(1, 4).astype(dtype)
    refs = [xv + yv, xv * yv, np.exp(xv) - yv]
    for keep in ([0], [2], [0, 2]):
        f = theano.function([X, Y], [outs[k] for k in keep], mode=mode)
        for _ in range(3):
            for r, k in zip(f(xv, yv), keep):
                np.testing.assert_allclose(r, refs[k], rtol=1e-6 if dtype == "float32" else 1e-12)
                assert r.dtype == np.dtype(dtype)
        (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
        assert len(node.outputs) == len(keep)
        assert len(node.op.scalar_op.fgraph.outputs) == len(keep)
    # the broadcasting checks of an input no output reads stay
    c1 = scal.Composite([a, b], [a + 1, b * 2])
    f = theano.function([X], Elemwise(c1)(X, X.T)[0], mode=mode)
    with pytest.raises(Exception, match="shape|mismatch|broadcast"):
        f(xv)
    f3 = theano.function([X], Elemwise(c1)(X, X)[0], mode=mode)
    np.testing.assert_allclose(f3(xv), xv + 1)


def test_fused_composite_output_nobody_reads():
    from theano.graph.fg import FunctionGraph
    from theano.tensor.rewriting.composite import composite_from_nodes
    from theano.tensor.rewriting.elemwise import local_useless_composite

    x = T.dvector("x")
    t = T.exp(x)
    u = t + x
    comp = composite_from_nodes([x], [t.owner, u.owner], [u, t])
    o0, o1 = Elemwise(comp)(x)
    fg = FunctionGraph([x], [o0], clone=False)
    (new,) = local_useless_composite.transform(fg, o0.owner).values()
    assert len(new.owner.outputs) == 1
    f = theano.function([x], new)
    xv = np.linspace(-2, 2, 5)
    for _ in range(3):
        np.testing.assert_allclose(f(xv), np.exp(xv) + xv)


@pytest.mark.parametrize("mode", MODES)
def test_alloc_of_leading_ones_is_a_dimshuffle(mode):
    """Theano 1.0's local_canonicalize_alloc: new leading axes of length 1 are a DimShuffle, so
    ``alloc(s, 1, 1)`` fills no buffer; the length checks of the axes left stay."""
    from theano.tensor.allocation import Alloc
    from theano.tensor.elemwise import DimShuffle

    s, v, n = T.dscalar("s"), T.dvector("v"), T.lscalar("n")
    f = theano.function([s], T.alloc(s, 1, 1), mode=mode)
    ops = [nd.op for nd in f.maker.fgraph.toposort()]
    assert not any(isinstance(op, Alloc) for op in ops)
    assert any(isinstance(op, DimShuffle) for op in ops)
    for _ in range(2):
        got = f(2.5)
        assert got.shape == (1, 1) and got[0, 0] == 2.5
    g = theano.function([v, n], [T.alloc(v, 1, 3, 2), T.alloc(v, 1, 1, n)], mode=mode)
    a, b = g(np.array([1.0, 2.0]), 2)
    np.testing.assert_array_equal(a, np.broadcast_to([1.0, 2.0], (1, 3, 2)))
    np.testing.assert_array_equal(b, [[[1.0, 2.0]]])
    with pytest.raises((ValueError, AssertionError)):
        g(np.array([1.0, 2.0]), 3)        # v has 2 entries, the alloc asks for 3
