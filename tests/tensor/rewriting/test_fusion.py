"""Composite (the fused scalar op) and elementwise fusion."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.rewriting.composite import Composite
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType
from tests.helpers import compare_backends, rand, tolerance
from tests.tensor.rewriting.utils import check_same_values, mode, scalar_ops


def _s(dtype="float64", name=None):
    return TensorType(dtype, ())(name)


def _fused(f):
    return [n for n in f.maker.fgraph.toposort()
            if isinstance(n.op, Elemwise) and isinstance(n.op.scalar_op, Composite)]


# ---- Composite ----------------------------------------------------------------------------------


def test_composite_interface_and_impl():
    a, b = _s(name="a"), _s(name="b")
    out = T.exp(a) * b + 1
    c = Composite([a, b], [out])
    assert c.nin == 2 and c.nout == 1
    assert len(c.inputs) == 2 and len(c.outputs) == 1
    assert c.fgraph.inputs == c.inputs and c.fgraph.outputs == c.outputs
    assert c.name.startswith("Composite{") and "exp" in c.name and "mul" in c.name
    assert c.inputs[0] is not a  # a clone
    x, y = rand(3, 4), rand(3, 4, seed=5)
    np.testing.assert_array_equal(c.impl(x, y), np.exp(x) * y + 1)
    assert c.output_dtypes("float64", "float64") == ("float64",)
    with pytest.raises(TypeError, match="dtype"):
        c.output_dtypes("float32", "float64")


def test_composite_multiple_outputs_and_dtypes():
    a = _s("float32", "a")
    i = _s("int32", "i")
    c = Composite([a, i], [a * i, T.cast(i, "int8"), T.sqrt(a)])
    assert c.nout == 3
    assert c.output_dtypes("float32", "int32") == ("float64", "int8", "float32")
    av = rand(5, dtype="float32") + 2
    iv = np.arange(5, dtype="int32")
    r = c.impl(av, iv)
    assert isinstance(r, tuple) and len(r) == 3
    assert r[0].dtype == np.float64 and r[1].dtype == np.int8 and r[2].dtype == np.float32
    np.testing.assert_array_equal(r[2], np.sqrt(av))
    x, j = T.fvector("x"), T.ivector("j")
    outs = Elemwise(c)(x, j)
    f = theano.function([x, j], outs, mode=theano.Mode("py", "None"))
    got = f(av, iv)
    for g, e in zip(got, r):
        np.testing.assert_array_equal(g, e)


def test_composite_equality_by_structure():
    a, b = _s(), _s()
    c1 = Composite([a, b], [T.exp(a) + b])
    p, q = _s(), _s()
    c2 = Composite([p, q], [T.exp(p) + q])
    c3 = Composite([p, q], [T.exp(q) + p])
    assert c1 == c2 and hash(c1) == hash(c2)
    assert c1 != c3
    assert Elemwise(c1) == Elemwise(c2)


def test_composite_rejects_bad_arguments():
    a = _s()
    with pytest.raises(TypeError, match="0-d"):
        Composite([T.dvector()], [a])
    with pytest.raises(TypeError, match="root"):
        Composite([T.exp(a)], [a])
    with pytest.raises(TypeError, match="Elemwise"):
        Composite([a], [T.stack([a, a]).sum()])
    with pytest.raises(ValueError, match="at least one"):
        Composite([a], [])


def test_composite_grad_reexpands():
    x, y = T.dvectors("x", "y")
    a, b = _s(), _s()
    c = Composite([a, b], [T.exp(a) * b])
    out = Elemwise(c)(x, y)
    gx, gy = theano.grad(out.sum(), [x, y])
    f = theano.function([x, y], [gx, gy], mode=theano.Mode("py", "None"))
    xv, yv = rand(4), rand(4, seed=3)
    rx, ry = f(xv, yv)
    np.testing.assert_allclose(rx, np.exp(xv) * yv)
    np.testing.assert_allclose(ry, np.exp(xv))
    theano.gradient.verify_grad(lambda u, v: Elemwise(c)(u, v), [xv, yv],
                                rng=np.random.RandomState(1), mode=theano.Mode("py", "None"))


# ---- fusion -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_chain_fused_into_one_node_with_exact_values(dtype):
    x = T.matrix("x", dtype=dtype)
    b = T.vector("b", dtype=dtype)
    e = T.tanh(T.exp(x) * 2 + b) - T.sqrt(abs(x)) / (1 + x ** 2)
    # exp/tanh/sqrt may differ by an ulp between NumPy's SIMD loops (NumPy 1.26) and compiled
    # kernels; the fused arithmetic itself keeps the operation order.
    f = check_same_values([x, b], e, [rand(3, 4, dtype=dtype), rand(4, dtype=dtype)],
                          "inplace", rtol=4 * np.finfo(dtype).eps, atol=0)
    nodes = f.maker.fgraph.toposort()
    assert len(_fused(f)) == 1
    assert sum(isinstance(n.op, Elemwise) for n in nodes) == 1


def test_multi_output_fusion_when_intermediate_is_needed_later():
    x = T.dvector("x")
    t = T.exp(x) + 3
    f = check_same_values([x], [T.log(t) * 2, t], [rand(5)], "inplace", rtol=0, atol=0)
    # t is an output: computed once, as a second output of the same Composite
    assert scalar_ops(f).count("exp") == 1
    (node,) = _fused(f)
    assert len(node.outputs) == 2
    assert f.maker.fgraph.outputs[0].owner is node and f.maker.fgraph.outputs[1].owner is node
    outs = f(rand(5))
    np.testing.assert_allclose(outs[1], np.exp(rand(5)) + 3)


def test_no_fusion_through_a_value_that_feeds_back_into_the_group():
    x = T.dvector("x")
    v = T.exp(x) * 2
    out = T.tanh(v + v.sum())  # the sum needs v before the group can finish
    f = check_same_values([x], out, [rand(5)], "inplace", rtol=0, atol=0)
    f.maker.fgraph.toposort()  # no cycle
    assert scalar_ops(f).count("exp") == 1


def test_fusion_with_differently_shaped_consumers():
    x = T.dmatrix("x")
    t = T.exp(x) * 2
    out = [T.sin(t) + 1, (t ** 2).sum(axis=0), T.cos(t).T]
    check_same_values([x], out, [rand(3, 4)], "inplace", rtol=0, atol=0)


def test_fusion_with_broadcasting_and_empty():
    x = T.dmatrix("x")
    r = T.drow("r")
    e = T.exp(r) * x + T.sin(r)
    check_same_values([x, r], e, [rand(3, 4), rand(1, 4)], "inplace", rtol=0, atol=0)
    check_same_values([x, r], e, [np.zeros((0, 4)), rand(1, 4)], "inplace")


def test_fusion_keeps_shape_errors():
    x, y = T.dvectors("x", "y")
    f = theano.function([x, y], T.exp(x) + T.sin(y) * 2, mode=mode())
    assert _fused(f)
    with pytest.raises(Exception, match="mismatch|shape"):
        f(np.ones(3), np.ones(4))


def test_fusion_input_limit():
    xs = [T.dvector(f"x{i}") for i in range(40)]
    e = xs[0]
    for v in xs[1:]:
        e = T.tanh(e + v)
    f = check_same_values(xs, e, [rand(3, seed=i) for i in range(40)], "inplace")
    for n in _fused(f):
        assert len(n.inputs) <= 32
    assert len(_fused(f)) >= 2


def test_fusion_disabled_by_excluding():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + 1, mode=mode("fusion"))
    assert not _fused(f)


def test_fused_function_debugprint_and_creation_trace():
    x = T.dvector("x")
    y = T.exp(x) * 2 + 1  # user line
    line = y.owner.creation_trace.lineno
    f = theano.function([x], y, mode=mode("inplace"))
    (node,) = _fused(f)
    assert node.creation_trace.lineno == line
    text = theano.printing.debugprint(f, file="str")
    assert "Composite{" in text


# ---- broadcast producers: computed once, not once per element of the loop they broadcast into ----


def _elemwise_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]


def _inner_names(node):
    so = node.op.scalar_op
    if isinstance(so, Composite):
        return [str(m.op.scalar_op) for m in so.fgraph.toposort()]
    return [str(so)]


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_expensive_broadcast_producer_stays_its_own_node(dtype):
    # x * sin(s), x * exp(b) of a row: fused, sin/exp would run once per element of x
    x = T.matrix("x", dtype=dtype)
    s = T.scalar("s", dtype=dtype)
    b = T.vector("b", dtype=dtype)
    outs = [x * T.sin(s), T.exp(b) * x + 1, x / T.tanh(T.exp(s))]
    xv, sv, bv = rand(5, 4, dtype=dtype), np.asarray(0.3, dtype=dtype), rand(4, dtype=dtype, seed=3)
    expected = [xv * np.sin(sv), np.exp(bv) * xv + 1, xv / np.tanh(np.exp(sv))]
    compare_backends([x, s, b], outs, [xv, sv, bv], expected=expected)
    for linker in ("py", "auto"):
        f = theano.function([x, s, b], outs, mode=theano.Mode(linker=linker, optimizer="fast_run"))
        for _ in range(3):
            for got, want in zip(f(xv, sv, bv), expected):
                np.testing.assert_allclose(got, want, rtol=tolerance(dtype)[0])
        # the node that computes each of sin, exp, tanh has the small (broadcast) shape
        for n in _elemwise_nodes(f):
            names = _inner_names(n)
            if any(k in names for k in ("sin", "exp", "tanh")):
                assert not any(k in names for k in ("mul", "add", "true_div")), names
                assert n.outputs[0].ndim == 0 or any(n.outputs[0].broadcastable), n


def test_cheap_broadcast_producer_still_fuses():
    # (b + 1) of a row and the cast of a length: cheaper to recompute than to make apart
    x = T.dmatrix("x")
    b = T.dvector("b")
    out = T.exp(x) * (b + 1) / T.cast(x.shape[0], "float64")
    xv, bv = rand(3, 4), rand(4, seed=2)
    f = compare_backends([x, b], out, [xv, bv], expected=np.exp(xv) * (bv + 1) / 3)
    f = theano.function([x, b], out, mode=mode("inplace"))
    (node,) = _fused(f)
    assert {"exp", "add", "mul", "true_div"} <= set(_inner_names(node))
    # a row divided by the row count (a mean's gradient): one loop, the division inside it
    out = T.exp(x) + b / T.cast(x.shape[0], "float64")
    compare_backends([x, b], out, [xv, bv], expected=np.exp(xv) + bv / 3)
    f = theano.function([x, b], out, mode=mode("inplace"))
    (node,) = _fused(f)
    assert {"exp", "add", "true_div"} <= set(_inner_names(node))


def test_same_pattern_expensive_producer_still_fuses():
    x = T.dmatrix("x")
    r = T.drow("r")
    out = T.exp(x) * T.sin(x) + r
    f = check_same_values([x, r], out, [rand(3, 4), rand(1, 4)], "inplace",
                          rtol=4 * np.finfo("float64").eps, atol=0)
    assert len(_fused(f)) == 1
