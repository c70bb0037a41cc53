"""Graphs of theano.scalar variables (Theano 1.0): scalar ops applied to scalar variables are nodes
of those ops with scalar outputs, compiled functions return NumPy scalars, gradients flow through
them, and ``theano.scalar.Composite`` works alone and inside ``Elemwise`` on every backend."""

import pickle

import numpy as np
import pytest
import scipy.special

import theano
import theano.scalar as ts
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from tests.helpers import compare_backends

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "py_opt": lambda: theano.Mode(linker="py", optimizer="fast_run"),
         "auto": lambda: None}


def run3(f, *args):
    """Call ``f`` three times with the same arguments; every call gives the same values."""
    first = f(*args)
    for _ in range(2):
        again = f(*args)
        for a, b in zip(first if isinstance(first, list) else [first],
                        again if isinstance(again, list) else [again]):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    return first


def numeric_derivative(fn, x, eps=1e-6):
    return (fn(x + eps) - fn(x - eps)) / (2 * eps)


# ---- scalar variables, their operators and ops ---------------------------------------------------


def test_ops_on_scalar_variables_are_nodes_of_the_ops_with_scalar_outputs():
    a, b = ts.int8("a"), ts.int32("b")
    d, f = ts.float64("d"), ts.float32("f")
    c = ts.complex64("c")
    assert isinstance((a // b).owner.op, ts.IntDiv) and isinstance((b / d).owner.op, ts.TrueDiv)
    assert isinstance((f / c).owner.op, ts.TrueDiv) and isinstance((a / c).owner.op, ts.TrueDiv)
    y = d * 2 + ts.exp(d)
    assert isinstance(y.type, ts.Scalar) and isinstance(y, ts.ScalarVariable)
    assert isinstance(y.owner.op, ts.Add) and y.dtype == "float64"
    assert ts.exp(a).dtype == "float32" and ts.exp(b).dtype == "float64"   # upgrade_to_float
    assert (a + b).dtype == "int32" and (a < b).dtype == "bool"
    assert ts.div_proxy(a, b).owner.op == ts.int_div and ts.div_proxy(a, d).owner.op == ts.true_div
    assert ts.cast(a, "float32").type == ts.float32 and ts.cast(d, ts.int16).dtype == "int16"
    with pytest.raises(ts.ComplexError):
        c % b
    # a scalar op given a tensor is still mapped over it (Elemwise)
    v = T.dvector("v")
    assert isinstance(ts.exp(v).owner.op, T.Elemwise) and ts.exp(v).ndim == 1


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_function_of_a_scalar_graph_returns_numpy_scalars(mode, dtype):
    x, y = ts.get_scalar_type(dtype)("x"), ts.get_scalar_type(dtype)("y")
    outs = [x * 2 + ts.exp(x), x / y, x ** 2 - y, ts.maximum(x, y), x < y, ts.sqrt(abs(y)),
            ts.switch(x > y, x, -y), ts.tanh(x) * ts.sin(y), ts.log1p(x * x)]
    f = theano.function([x, y], outs, mode=MODES[mode]())
    for xv, yv in [(0.75, -1.25), (2.5, 3.0), (-1.0, 0.5)]:
        X, Y = np.asarray(xv, dtype), np.asarray(yv, dtype)
        expected = [X * 2 + np.exp(X), X / Y, X ** 2 - Y, np.maximum(X, Y), X < Y,
                    np.sqrt(np.abs(Y)), X if X > Y else -Y, np.tanh(X) * np.sin(Y),
                    np.log1p(X * X)]
        got = run3(f, xv, yv)
        for k, (g, e, o) in enumerate(zip(got, expected, outs)):
            assert isinstance(g, np.generic) and g.dtype == np.dtype(o.dtype), (k, type(g))
            np.testing.assert_allclose(g, e, rtol=1e-6 if dtype == "float32" else 1e-12,
                                       err_msg=str(k))


@pytest.mark.parametrize("op, ref, values", [
    (ts.exp, np.exp, range(-20, 20)), (ts.log, np.log, range(1, 120)),
    (ts.sqrt, np.sqrt, range(0, 120)), (ts.arctan, np.arctan, range(-100, 100)),
    (ts.inv, lambda v: 1.0 / v, [-3, -1, 1, 7])])
def test_int8_inputs_are_computed_in_float32(op, ref, values):
    xi, xf = ts.int8("xi"), ts.float32("xf")
    fi = theano.function([xi], op(xi))
    ff = theano.function([xf], op(xf))
    for v in values:
        gi, gf = fi(v), ff(v)
        assert isinstance(gi, np.float32) and isinstance(gf, np.float32)   # NumPy scalars
        np.testing.assert_allclose(gi, ref(np.float32(v)), rtol=1e-6)
        np.testing.assert_allclose(gi, gf, rtol=1e-6)


def test_integer_and_bitwise_scalar_graphs():
    i, j = ts.ints("ij")
    assert i.dtype == "int64" and i.name == "i"
    outs = [i % j, i // j, i & j, i | j, i ^ j, ~i, ts.eq(i, j), ts.neq(i, j)]
    for mode in sorted(MODES):
        f = theano.function([i, j], outs, mode=MODES[mode]())
        for a, b in [(7, 3), (-7, 3), (5, -2), (0, 1)]:
            got = run3(f, a, b)
            assert [int(g) for g in got] == [a % b, a // b, a & b, a | b, a ^ b, ~a, a == b, a != b]


def test_scalar_graph_inputs_are_checked():
    x = ts.int8("x")
    f = theano.function([x], x * 2)
    with pytest.raises(TypeError, match="shape"):
        f(np.zeros(3, dtype="int8"))
    with pytest.raises(TypeError):
        f(1000)          # does not fit in int8
    with pytest.raises(TypeError, match="takes 1 inputs"):
        ts.exp.make_node(x, x)
    with pytest.raises(TypeError, match="input 1"):
        ts.add.make_node(x, "not a number")


def test_as_scalar_and_constants():
    c = ts.constant(2, name="a")
    assert c.name == "a" and c.dtype == "int8"
    c = ts.constant(2, dtype="float32")
    assert c.name is None and c.dtype == "float32" and str(c) == "Constant{2.0}"
    x = ts.float64("x")
    assert ts.as_scalar(x) is x and ts.as_scalar(3).dtype == "int8"
    t = T.fscalar("t")
    st = ts.as_scalar(t)
    assert st.type == ts.float32
    f = theano.function([t], ts.exp(st) * 2)
    assert run3(f, np.float32(0.5)) == pytest.approx(2 * np.exp(0.5), rel=1e-6)
    with pytest.raises(TypeError, match="not a scalar"):
        ts.as_scalar(T.fvector("v"))


def test_zeros_and_ones_like_of_scalar_variables():
    x = ts.int16("x")
    z, o = x.zeros_like(), x.ones_like("float32")
    assert z.type == ts.int16 and o.type == ts.float32
    f = theano.function([x], [z, o])
    assert [float(v) for v in run3(f, 9)] == [0.0, 1.0]


# ---- gradients ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", sorted(MODES))
def test_grad_through_a_scalar_graph_matches_finite_differences(mode):
    x, y = ts.float64("x"), ts.float64("y")
    cost = x * ts.exp(y) + ts.sin(x * y) / (1 + y * y) - ts.log(x) * 3
    gx, gy = theano.grad(cost, [x, y])
    assert gx.type == ts.float64 and gy.type == ts.float64
    f = theano.function([x, y], [gx, gy], mode=MODES[mode]())
    c = theano.function([x, y], cost, mode=MODES[mode]())
    for xv, yv in [(0.7, 0.3), (2.0, -1.5), (1.3, 2.2)]:
        got = run3(f, xv, yv)
        np.testing.assert_allclose(got[0], numeric_derivative(lambda v: c(v, yv), xv), rtol=1e-6)
        np.testing.assert_allclose(got[1], numeric_derivative(lambda v: c(xv, v), yv), rtol=1e-6)


def test_grad_of_discrete_and_comparison_nodes():
    x, y = ts.float32("x"), ts.float32("y")
    g = theano.grad(x > y, y)
    assert g.type == ts.float32 and g.eval({y: np.float32(1.0)}) == 0.0
    i = ts.int32("i")
    # a cast to float passes the gradient to an integer (Theano 1.0): d(float(i) * x)/di = x
    gi = theano.grad(ts.cast(i, "float64") * x, i)
    assert gi.type == ts.get_scalar_type(theano.config.floatX)
    assert gi.eval({i: 3, x: np.float32(2.0)}) == 2.0
    # an integer output is flat: zero through cast(..., 'int32') and through i * 2
    gz = theano.grad(ts.cast(ts.cast(ts.cast(i, "float64") * x, "int32"), "float64"), i)
    assert gz.type == ts.get_scalar_type(theano.config.floatX)
    assert gz.eval({i: 3, x: np.float32(2.0)}) == 0.0
    gm = theano.grad(ts.cast(i * 2, "float64"), i)
    assert gm.eval({i: 3}) == 0.0


# ---- Composite ------------------------------------------------------------------------------------


def test_composite_construction_printing_and_identity():
    x, y, z = ts.floats("xyz")
    outs = [x + y + z, x + y * z, x / y, x // 5, -x, x - y, x ** y + (-z), x % 3]
    C = ts.Composite([x, y, z], outs)
    assert C.nin == 3 and C.nout == 8
    assert all(isinstance(v.type, ts.Scalar) for v in C.fgraph.variables)
    assert C.inputs == C.fgraph.inputs and C.outputs == C.fgraph.outputs
    assert str(C) == ("Composite{((i0 + i1) + i2), (i0 + (i1 * i2)), (i0 / i1), (i0 // Constant{5}), "
                      "(-i0), (i0 - i1), ((i0 ** i1) + (-i2)), (i0 % Constant{3})}")
    node = C.make_node(x, y, z)
    g = FunctionGraph([x, y, z], node.outputs)
    fn = theano.function([x, y, z], node.outputs)
    got = run3(fn, 1.0, 2.0, 3.0)
    assert [float(v) for v in got] == [6.0, 7.0, 0.5, 0.0, -1.0, -1.0, -2.0, 1.0]
    assert "Composite{" in str(g)
    # equal graphs make equal ops (merged in compiled graphs); pickling keeps it
    a, b, c = ts.floats("abc")
    C2 = ts.Composite([a, b, c], [a + b + c, a + b * c, a / b, a // 5, -a, a - b, a ** b + (-c),
                                  a % 3])
    assert C2 == C and hash(C2) == hash(C)
    assert ts.Composite([a, b], [a - b]) != ts.Composite([a, b], [b - a])
    C3 = pickle.loads(pickle.dumps(C))
    assert C3 == C and str(C3) == str(C)


def test_composite_flattens_a_single_composite_output():
    x, y, z = ts.floats("xyz")
    inner = ts.Composite([x, y], [x + y])
    flat = ts.Composite([x, y], [inner(x * y, y)])
    assert not isinstance(flat.outputs[0].owner.op, ts.Composite)
    kept = ts.Composite([x, y, z], [inner(x * y, y), inner(x * z, y)])
    assert isinstance(kept.outputs[0].owner.op, ts.Composite)
    f = theano.function([x, y, z], kept.make_node(x, y, z).outputs)
    got = run3(f, 2.0, 3.0, 5.0)
    assert [float(v) for v in got] == [2 * 3 + 3, 2 * 5 + 3]
    ff = theano.function([x, y], flat(x, y))
    assert float(run3(ff, 2.0, 3.0)) == 9.0


def test_composite_applied_to_other_dtypes_is_rebuilt_for_them():
    i0, i1, f2 = ts.int8(), ts.int8(), ts.float32()
    op = ts.Composite([i0, i1, f2], [(i0 * i1) / f2])
    assert op.output_dtypes("int8", "int8", "float32") == ("float32",)
    a, b, c, d = ts.int8("a"), ts.int8("b"), ts.float32("c"), ts.float64("d")
    out = op(a * d, b, c)              # a float64 first input
    assert out.dtype == "float64"
    f = theano.function([a, b, c, d], out)
    np.testing.assert_allclose(run3(f, 3, 4, np.float32(2.0), 0.5), 3 * 0.5 * 4 / 2.0)


def test_composite_rejects_what_is_not_a_scalar_graph():
    x = ts.float64("x")
    with pytest.raises(TypeError, match="input 0"):
        ts.Composite([T.dvector("v")], [x])
    with pytest.raises(ValueError, match="not computed from the inputs"):
        ts.Composite([x], [x * ts.float64("other")])
    with pytest.raises(ValueError, match="at least one output"):
        ts.Composite([x], [])


def test_composite_clone_float32():
    w, x, y = ts.int8(), ts.float16(), ts.float32()
    cz = ts.Composite([x, y], [ts.tanh(x + ts.cast(y, "float16"))])
    c = ts.Composite([w, x, y], [cz(x, y) - cz(x, y) ** 2 + ts.cast(x, "int16") +
                                 ts.cast(x, "float32") + ts.cast(w, "float16") -
                                 ts.constant(np.float16(1.0))])

    def has_f16(comp):
        return any(v.type == ts.float16 for v in comp.fgraph.variables)

    assert has_f16(c)
    nc = c.clone_float32()
    assert not has_f16(nc)
    # same values (up to float16 rounding) with float32 throughout
    assert [v.dtype for v in nc.inputs] == ["int8", "float32", "float32"]
    w2, x2, y2 = ts.int8("w"), ts.float32("x"), ts.float32("y")
    out = nc(w2, x2, y2)
    assert out.dtype == "float32"
    f = theano.function([w2, x2, y2], out)
    xv, yv = np.float32(0.25), np.float32(0.5)
    t = np.tanh(xv + yv)
    np.testing.assert_allclose(run3(f, 2, xv, yv), t - t ** 2 + 0 + xv + 2 - 1, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_elemwise_of_a_composite_on_every_backend(dtype):
    a, b = ts.get_scalar_type(dtype)("a"), ts.get_scalar_type(dtype)("b")
    comp = ts.Composite([a, b], [a * b + ts.exp(a), ts.erf(a - b) * 0.5])
    E = T.Elemwise(comp)
    assert str(E).startswith("Elemwise{Composite{((i0 * i1) + exp(i0)), ")
    X = T.matrix("X", dtype=dtype)
    y = T.row("y", dtype=dtype)
    o1, o2 = E(X, y)
    assert o1.dtype == o2.dtype == dtype and o1.broadcastable == (False, False)
    rng = np.random.RandomState(3)
    xv = rng.randn(4, 3).astype(dtype)
    yv = rng.randn(1, 3).astype(dtype)
    expected = [xv * yv + np.exp(xv), scipy.special.erf(xv - yv) * 0.5]
    compare_backends([X, y], [o1, o2], [xv, yv], expected=expected)


def test_gradient_of_an_elemwise_composite():
    a, b = ts.floats("ab")
    comp = ts.Composite([a, b], [a * ts.sin(b) + a ** 2, ts.exp(a - b)])
    E = T.Elemwise(comp)
    rng = np.random.RandomState(5)
    for shape in [(5,), (2, 3)]:
        xv, yv = rng.rand(*shape) + 0.5, rng.rand(*shape)
        theano.gradient.verify_grad(lambda x, y: E(x, y)[0] * 2 + E(x, y)[1], [xv, yv], rng=rng)
        theano.gradient.verify_grad(lambda x, y: E(x, y)[1], [xv, yv], rng=rng)
    x, y = T.dvectors("x", "y")
    o1, o2 = E(x, y)
    gx, gy = theano.grad(o1.sum(), [x, y])         # the second output unused: zeros for it
    xv, yv = rng.rand(4), rng.rand(4)
    got = compare_backends([x, y], [gx, gy], [xv, yv],
                           expected=[np.sin(yv) + 2 * xv, xv * np.cos(yv)])
    assert len(got) == 2


def test_composite_with_an_integer_input_has_the_float_gradient():
    # the inner cast to float passes the gradient to the integer input (Theano 1.0); an inner
    # integer product is flat
    i, x = ts.int32("i"), ts.float64("x")
    comp = ts.Composite([i, x], [ts.cast(i, "float64") * x + ts.cast(i * i, "float64")])
    iv, xv = T.ivector("iv"), T.dvector("xv")
    out = T.Elemwise(comp)(iv, xv)
    gi, gx = theano.grad(out.sum(), [iv, xv])
    assert gi.dtype == theano.config.floatX
    f = theano.function([iv, xv], [gi, gx])
    vals = run3(f, np.array([1, -2, 3], dtype="int32"), np.array([0.5, 1.5, 2.5]))
    np.testing.assert_array_equal(vals[0], [0.5, 1.5, 2.5])
    np.testing.assert_array_equal(vals[1], [1.0, -2.0, 3.0])


def test_fused_composites_are_theano_scalar_composites():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + T.sin(x))
    fused = [n.op.scalar_op for n in f.maker.fgraph.toposort() if isinstance(n.op, T.Elemwise)]
    assert any(isinstance(s, ts.Composite) for s in fused)
    assert not isinstance(ts.add, ts.Composite) and not isinstance(ts.exp, ts.Composite)


# ---- Theano 1.0's output type rules ------------------------------------------------------------


@pytest.mark.parametrize("mode", sorted(MODES))
def test_transfer_type_keeps_the_first_input_dtype(mode):
    add0 = ts.Add(ts.transfer_type(0))
    assert add0 != ts.add and add0 == ts.Add(ts.transfer_type(0)) and str(add0) == "add"
    assert add0.output_dtypes("int32", "float64") == ("int32",)
    x, y = T.ivector("x"), T.dvector("y")
    out = T.Elemwise(add0)(x, y)
    assert out.dtype == "int32"
    f = theano.function([x, y], out, mode=MODES[mode]())
    xv, yv = np.array([1, 2, -3], dtype="int32"), np.array([0.75, -0.5, 2.5])
    got = run3(f, xv, yv)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, (xv + yv).astype("int32"))
    # in place: the sums land in x's buffer
    xm, ym = T.dmatrix("xm"), T.dmatrix("ym")
    g = theano.function([xm, ym], T.Elemwise(ts.Add(ts.transfer_type(0)), {0: 0})(xm, ym),
                        mode=MODES[mode](), accept_inplace=True)
    for _ in range(3):
        a, b = np.ones((2, 2)), np.arange(4.0).reshape(2, 2)
        np.testing.assert_array_equal(g(a, b), 1 + b)
        np.testing.assert_array_equal(a, 1 + b)


def test_output_type_rules_and_variable_makers():
    assert ts.upcast_out(ts.int8, ts.float32) == (ts.float32,)
    assert ts.transfer_type(1, None)(ts.int8, ts.float32) == (ts.float32, ts.float32)
    assert ts.same_out(ts.int16, ts.float64) == (ts.int16,)
    assert ts.upcast_out_nobool(ts.bool, ts.bool) == (ts.int8,)
    assert ts.specific_out(ts.float32)(ts.int8) == (ts.float32,)
    with pytest.raises(TypeError):
        ts.upgrade_to_float_no_complex(ts.complex64)
    assert [v.name for v in ts.floats("xyz")] == ["x", "y", "z"]
    assert ts.floats("x").name == "x" and len(ts.ints(3)) == 3 and ts.ints(1).dtype == "int64"
    assert ts.convert(3, "float32").dtype == np.float32
    with pytest.raises(TypeError, match="positions"):
        ts.transfer_type("0")


def test_in_range_values_and_zero_gradient():
    x, lo, hi = T.fscalars("x", "lo", "hi")
    for op, ref in [(ts.InRange(True, True), lambda v: 1 < v < 5),
                    (ts.InRange(False, False), lambda v: 1 <= v <= 5)]:
        out = T.Elemwise(op)(x, lo, hi)
        grads = theano.grad(T.cast(out, "float32") * x, [lo, hi])
        f = theano.function([x, lo, hi], [out] + grads)
        for v in [0, 1, 2, 5, 7]:
            got = run3(f, v, 1, 5)
            assert bool(got[0]) == ref(v)
            assert float(got[1]) == 0.0 and float(got[2]) == 0.0
    s = ts.float64("s")
    fs = theano.function([s], ts.inclosedrange(s, 0.0, 1.0))
    assert [bool(fs(v)) for v in (-0.5, 0.0, 1.0, 1.5)] == [False, True, True, False]


def test_scalar_graphs_in_debug_mode_and_pickled_functions():
    x, y = ts.floats("xy")
    comp = ts.Composite([x, y], [x * y + 1])
    out = comp(x, y) * ts.exp(x)
    f = theano.function([x, y], out, mode="DebugMode")     # checks every value against its type
    assert float(run3(f, 1.0, 2.0)) == pytest.approx(3 * np.e)
    g = pickle.loads(pickle.dumps(theano.function([x, y], out)))
    assert float(run3(g, 1.0, 2.0)) == pytest.approx(3 * np.e)
    v = T.dvector("v")
    h = theano.function([v], T.Elemwise(comp)(v, v), mode="DebugMode")
    np.testing.assert_allclose(run3(h, np.arange(3.0)), np.arange(3.0) ** 2 + 1)


def test_elemwise_of_a_composite_given_other_dtypes():
    a, b = ts.float32("a"), ts.float32("b")
    comp = ts.Composite([a, b], [a / b + ts.sqrt(a)])
    x, i = T.dvector("x"), T.ivector("i")
    out = T.Elemwise(comp)(x, i)           # float64 and int32 instead of float32
    assert out.dtype == "float64"
    xv, iv = np.array([1.0, 4.0, 9.0]), np.array([2, -4, 3], dtype="int32")
    compare_backends([x, i], out, [xv, iv], expected=xv / iv + np.sqrt(xv))


def test_composite_gradient_not_implemented_inside_is_an_error():
    a = ts.float64("a")
    comp = ts.Composite([a], [ts.tri_gamma(a) + a])
    x, y = T.dvector("x"), ts.float64("y")
    with pytest.raises(theano.gradient.NullTypeGradError, match="tri_gamma"):
        theano.grad(T.Elemwise(comp)(x).sum(), x)
    with pytest.raises(theano.gradient.NullTypeGradError, match="tri_gamma"):
        theano.grad(comp(y), y)
    # floor has a zero gradient: d(floor(a) * a)/da = floor(a)
    comp2 = ts.Composite([a], [ts.floor(a) * a])
    f = theano.function([x], theano.grad(T.Elemwise(comp2)(x).sum(), x))
    np.testing.assert_array_equal(run3(f, np.array([1.5, 2.5, -0.5])), [1.0, 2.0, -1.0])


def test_theano_class_names_and_convert_to():
    x = T.dvector("x")
    for op, cls in [(T.arccos, ts.ArcCos), (T.arctanh, ts.ArcTanh), (T.isnan, ts.IsNan),
                    (T.gammaln, ts.GammaLn), (T.deg2rad, ts.Deg2Rad),
                    (T.round_half_to_even, ts.RoundHalfToEven)]:
        assert isinstance(op(x).owner.op.scalar_op, cls), cls
    assert isinstance(ts.lt, ts.LogicalComparison) and isinstance(ts.xor, ts.BinaryBitOp)
    assert ts.scalar_maximum is ts.maximum and ts.floor_div is ts.int_div
    s = ts.float64("s")
    outs = [ts.convert_to_int16(s), ts.convert_to_float32(s), ts.convert_to_bool(s)]
    assert [o.dtype for o in outs] == ["int16", "float32", "bool"]
    f = theano.function([s], outs)
    got = run3(f, -3.75)
    assert got[0] == np.int16(-3) and got[1] == np.float32(-3.75) and got[2] == np.True_
    assert [type(g) for g in got] == [np.int16, np.float32, np.bool_]


def test_a_composite_fused_with_its_neighbours():
    a, b = ts.floats("ab")
    comp = ts.Composite([a, b], [a * b - ts.cos(a)])
    x, y = T.dmatrices("x", "y")
    out = T.exp(T.Elemwise(comp)(x * 2, y)) + y
    rng = np.random.RandomState(7)
    xv, yv = rng.rand(3, 4), rng.rand(3, 4)
    f = theano.function([x, y], out)
    nodes = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, T.Elemwise)]
    assert len(nodes) == 1       # one fused node holds the composite and its neighbours
    compare_backends([x, y], out, [xv, yv], expected=np.exp(2 * xv * yv - np.cos(2 * xv)) + yv)


def test_infer_shape_of_scalar_nodes_and_elemwise_composites():
    from tests.helpers import check_infer_shape

    x, y = ts.floats("xy")
    comp = ts.Composite([x, y], [x * y, x - y])
    check_infer_shape([x, y], [x * ts.exp(y), comp(x, y)[1]], [1.5, -0.5])
    assert comp.infer_shape(comp.make_node(x, y), [(), ()]) == [(), ()]
    m, v = T.dmatrix("m"), T.drow("v")
    o1, o2 = T.Elemwise(comp)(m, v)
    rng = np.random.RandomState(2)
    check_infer_shape([m, v], [o1, o2], [rng.rand(3, 4), rng.rand(1, 4)])


def test_test_values_of_scalar_graphs():
    x = ts.float64("x")
    x.tag.test_value = np.float64(0.5)
    with theano.config.change_flags(compute_test_value="raise"):
        y = ts.exp(x) * 2 + x
        assert y.tag.test_value == pytest.approx(2 * np.exp(0.5) + 0.5)
        assert isinstance(y.tag.test_value, np.float64)
        with pytest.raises(ValueError, match="test value|default value"):
            ts.exp(ts.float64("no_value"))


def test_scalar_graph_on_jax_returns_numpy_scalars_like_the_other_backends():
    pytest.importorskip("jax")
    import theano.scalar as S

    x, y = S.float64("x"), S.float64("y")
    z = x * 2 + S.exp(y)
    i = S.int8("i")
    for linker in ("jax", "py"):
        f = theano.function([x, y], [z, theano.grad(z, x)], mode=theano.Mode(linker=linker))
        for _ in range(2):
            out, g = f(1.0, 0.5)
            assert type(out) is np.float64 and type(g) is np.float64
            assert out == 2.0 + np.exp(0.5) and g == 2.0
        h = theano.function([i], S.exp(i), mode=theano.Mode(linker=linker))
        r = h(2)
        assert type(r) is np.float32 and np.isclose(r, np.exp(np.float32(2)))
