"""theano.scan_module.scan_utils.map_variables: a graph rebuilt with variables replaced, inside the
inner graphs of Scan and OpFromGraph nodes too, where a replacement may bring outer variables in
(new non-sequences, new inputs); shared variables with updates cannot be brought in."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scalar.basic import Add
from theano.scan_module.scan_utils import map_variables
from theano.tensor.elemwise import Elemwise

MODES = {"numba": theano.Mode(linker="numba", optimizer="fast_run"),
         "py": theano.Mode(linker="py", optimizer="fast_run")}


def by_tag(v):
    return getattr(v.tag, "replacement", v)


def test_a_root_is_replaced():
    a, b, c = T.dscalars("a", "b", "c")
    b.tag.replacement = c
    u = a * 3.0 + b
    (v,) = map_variables(by_tag, [u])
    assert u.owner.inputs[1] is b                   # the original graph is unchanged
    f = theano.function([a, b, c], [u, v])
    for av, bv, cv in ((1.0, 2.0, 5.0), (-1.0, 0.5, 0.25), (2.0, 2.0, 2.0)):
        np.testing.assert_allclose(f(av, bv, cv), [3 * av + bv, 3 * av + cv])


def test_nothing_replaced_gives_the_same_graph():
    x = T.dvector("x")
    s, _ = theano.scan(lambda xt, h: h + xt, sequences=x, outputs_info=np.float64(0))
    t = s.sum() * 2.0
    assert map_variables(lambda v: v, [t, s]) == [t, s]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_an_implicit_non_sequence_of_a_scan(mode, dtype):
    x = T.vector("x", dtype=dtype)
    y = T.scalar("y", dtype=dtype)
    z = T.scalar("z", dtype=dtype)
    y.tag.replacement = z
    s, _ = theano.scan(lambda xt: xt * y, sequences=x)
    (s2,) = map_variables(by_tag, [s])
    f = theano.function([x, y, z], [s, s2], mode=MODES[mode])
    xv = np.array([1, -2, 3.5], dtype=dtype)
    for yv, zv in ((1.0, 2.0), (0.5, -3.0), (2.0, 0.0)):
        got, rep = f(xv, yv, zv)
        assert rep.dtype == dtype
        np.testing.assert_allclose(got, xv * yv, rtol=1e-6)
        np.testing.assert_allclose(rep, xv * zv, rtol=1e-6)


@pytest.mark.parametrize("mode", list(MODES))
def test_a_replacement_inside_a_scan_reads_outer_variables(mode):
    # r = h + x[t] becomes z * (h - x[t]), z computed from a free input, a shared variable and a
    # constant: they become non-sequences of the new loop
    x = T.dvector("x")
    outer = T.dscalar("outer")
    w = theano.shared(np.float64(1.5), name="w")
    z = outer * (w + T.constant(0.5))

    def step(xt, h):
        r = h + xt
        r.tag.replacement = z * (h - xt)
        return r

    s, _ = theano.scan(step, sequences=x, outputs_info=np.float64(0))
    t = z * s
    (t2,) = map_variables(by_tag, [t])
    f = theano.function([x, outer], [t, t2], mode=MODES[mode])
    xv = np.array([1.0, 2.0, -3.0, 0.5])
    for ov in (0.5, 2.0, -1.0):
        zv = ov * 2.0
        h, plain, mapped = 0.0, [], []
        for v in xv:
            h = h + v
            plain.append(h)
        h = 0.0
        for v in xv:
            h = zv * (h - v)
            mapped.append(h)
        got, rep = f(xv, ov)
        np.testing.assert_allclose(got, zv * np.array(plain), rtol=1e-12)
        np.testing.assert_allclose(rep, zv * np.array(mapped), rtol=1e-12)
    # the gradient of the new graph is the gradient of the new loop
    g = theano.function([x, outer], T.grad(t2.sum(), x), mode=MODES[mode])
    theano.gradient.verify_grad(lambda xx: theano.clone(t2, {x: xx, outer: T.constant(0.7)}).sum(),
                                [xv], rng=np.random.RandomState(0), mode=MODES[mode])
    assert g(xv, 0.7).shape == (4,)


@pytest.mark.parametrize("attr", ["default_update", "update"])
def test_a_shared_variable_with_an_update_cannot_enter_a_loop(attr):
    x = T.dvector("x")
    counter = theano.shared(np.float64(0), name="counter")
    setattr(counter, attr, counter + 1)

    def step(xt, h):
        r = h + xt
        r.tag.replacement = counter * (h - xt)
        return r

    s, _ = theano.scan(step, sequences=x, outputs_info=np.float64(0))
    with pytest.raises(NotImplementedError, match="counter"):
        map_variables(by_tag, [s])


def _add_to_difference(z):
    def replacer(v):
        node = v.owner
        if node is not None and isinstance(node.op, Elemwise) and \
                isinstance(node.op.scalar_op, Add) and len(node.inputs) == 2:
            return z * (node.inputs[0] - node.inputs[1])
        return v
    return replacer


@pytest.mark.parametrize("mode", list(MODES))
def test_inside_an_op_from_graph(mode):
    outer = T.dscalar("outer")
    k = theano.shared(np.float64(2.0), name="k")
    z = outer * 4.0
    a, b = T.dscalar(), T.dscalar()
    op = theano.OpFromGraph([a, b], [a + b * k])
    c, d = T.dscalars("c", "d")
    t = op(c, d) * 3.0
    (t2,) = map_variables(_add_to_difference(z), [t])
    f = theano.function([c, d, outer], [t, t2], mode=MODES[mode])
    for cv, dv, ov in ((3.0, 1.0, 0.5), (-2.0, 4.0, 1.5), (0.0, 0.0, 2.0)):
        got, rep = f(cv, dv, ov)
        np.testing.assert_allclose(got, 3 * (cv + 2 * dv))
        np.testing.assert_allclose(rep, 3 * (4 * ov) * (cv - 2 * dv))
    k.default_update = k + 1
    with pytest.raises(NotImplementedError, match="k"):
        map_variables(_add_to_difference(k * 1.0), [t])


def test_bad_arguments():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="not a variable"):
        map_variables(lambda v: 3, [x + 1])
    with pytest.raises(TypeError, match="replacer must be a function"):
        map_variables([x], [x])
    with pytest.raises(TypeError, match="symbolic variables"):
        map_variables(by_tag, [1.0])


@pytest.mark.parametrize("mode", list(MODES))
def test_a_loop_inside_a_loop(mode):
    # the replacement inside the inner loop reads a free input of the outermost graph: it becomes
    # a non-sequence of both loops
    X = T.dmatrix("X")
    q = T.dscalar("q")

    def inner_step(xt, h):
        r = h + xt
        r.tag.replacement = q * (h - xt)
        return r

    def outer_step(row):
        s, _ = theano.scan(inner_step, sequences=row, outputs_info=np.float64(0))
        return s[-1]

    o, _ = theano.scan(outer_step, sequences=X)
    (o2,) = map_variables(by_tag, [o])
    f = theano.function([X, q], [o, o2], mode=MODES[mode])
    Xv = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    for qv in (2.0, -0.5, 1.0):
        ref = []
        for row in Xv:
            h = 0.0
            for v in row:
                h = qv * (h - v)
            ref.append(h)
        got, rep = f(Xv, qv)
        np.testing.assert_allclose(got, Xv.sum(1))
        np.testing.assert_allclose(rep, ref, rtol=1e-12)


@pytest.mark.parametrize("mode", list(MODES))
def test_replacement_written_on_the_variables_an_op_from_graph_was_built_from(mode):
    # Theano 1.0 built an OpFromGraph's inner graph on the variables given to it, so a replacement
    # written on those (here a - b for the op's a + b) is read inside the op; it also brings the
    # outer input `outer` and the shared variable `s` in
    outer = T.dscalar("outer")
    s = theano.shared(np.float64(1.5), name="s")
    z = outer * (s + 1.0)
    a, b = T.dscalar("a"), T.dscalar("b")
    r = a + b
    r.tag.replacement = z * (a - b)
    c, d = T.dscalars("c", "d")
    u = theano.OpFromGraph([a, b], [r])(c, d)
    t = z * u
    (v,) = map_variables(by_tag, [t])
    f = theano.function([c, d, outer], [t, z * v], mode=MODES[mode])
    for cv, dv, ov in ((1.0, 2.0, 0.5), (4.0, -3.0, 2.0), (0.0, 7.0, -1.0)):
        zv = ov * 2.5
        got, rep = f(cv, dv, ov)
        np.testing.assert_allclose(got, zv * (cv + dv))
        np.testing.assert_allclose(rep, zv * zv * (zv * (cv - dv)))
    s.default_update = s + 1
    with pytest.raises(NotImplementedError, match="s"):
        map_variables(by_tag, [t])
