"""Every op has a JAX implementation (or is on the documented list of host ops), the new
translations (linear algebra, sorting, extra_ops, diagonals, neighbours, ...) stay jitted and give
the reference VM's values on first and repeated calls, data-dependent shapes run op by op without
``perform``, and bad input gets the other backends' errors (skipped without JAX)."""

import importlib
import os
import pkgutil

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.op import Op

jax = pytest.importorskip("jax")

from theano.link.jax import ops_extra  # noqa: E402
from theano.link.jax.dispatch import has_lazy_translation, jax_funcify  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

# Base classes that are never put in a graph themselves.
ABSTRACT = {"_BlasOp", "_AxesOp", "_BaseConv", "_NeibsBase", "_PoolBase", "PoolGrad", "_Compare",
            "_BinarySS", "_StructuredDotGrad", "OpenMPOp", "_ListOp"}


def jax_fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=theano.Mode(linker="jax", optimizer="fast_run"))


def py_fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=theano.Mode(linker="py", optimizer="None"))


def _all_ops():
    for m in pkgutil.walk_packages(theano.__path__, "theano."):
        if any(part in m.name for part in ("sandbox", "d3viz", ".misc", "link.numba", "tests")):
            continue
        try:
            importlib.import_module(m.name)
        except Exception:      # optional modules (graphviz pictures, ...)
            pass

    def subclasses(c):
        for s in c.__subclasses__():
            yield s
            yield from subclasses(s)

    return {c for c in subclasses(Op) if c.__module__.startswith("theano.")}


def test_every_op_has_a_jax_implementation_or_is_a_documented_host_op():
    missing = []
    for cls in _all_ops():
        if cls.__name__ in ABSTRACT or cls.__module__.startswith("theano.sparse"):
            continue
        if cls.__name__ in ops_extra.HOST_OPS:
            continue
        if getattr(cls, "lazy", False):
            # a lazy op (IfElse) has a translation of its own kind (theano/link/jax/control.py)
            if not has_lazy_translation(cls):
                missing.append(f"{cls.__module__}.{cls.__name__} (lazy)")
            continue
        if jax_funcify.dispatch(cls) is jax_funcify.registry[object]:
            missing.append(f"{cls.__module__}.{cls.__name__}")
    assert not missing, f"ops without a JAX implementation: {sorted(missing)}"
    with open(os.path.join(ROOT, "docs", "compatibility.md")) as f:
        doc = f.read()
    jax_part = doc[doc.index("## JAX backend"):]
    for name in ops_extra.HOST_OPS:
        assert f"`{name}`" in jax_part, f"{name} is a host op but docs/compatibility.md's JAX " \
                                        "section does not list it"


def _same(f, g, values, rtol=1e-10, atol=1e-12):
    ref = g(*values)
    for _ in range(2):      # the first call traces and compiles, the second reuses it
        got = f(*[np.copy(v) for v in values])
        for k, (a, b) in enumerate(zip(got, ref)):
            assert np.asarray(a).dtype == np.asarray(b).dtype, k
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"output {k}")


def test_linear_algebra_is_jitted_and_matches_the_reference():
    from theano.tensor import nlinalg as nl
    from theano.tensor import slinalg as sl

    a, b = T.dmatrix("a"), T.dmatrix("b")
    spd = T.dot(a, a.T) + 3 * T.eye(3)
    outs = [sl.solve(a, b), sl.solve_triangular(a, b, lower=True), nl.eigh(spd)[0],
            nl.svd(a, compute_uv=False), nl.pinv(a), sl.expm(a * 0.3), sl.kron(a, b),
            nl.qr(a)[1], sl.eigvalsh(spd, spd + T.eye(3))]
    cost = sum(o.sum() for o in outs[:4]) + (outs[5] * b).sum()
    grads = theano.grad(cost, [a, b])
    f, g = jax_fn([a, b], outs + grads), py_fn([a, b], outs + grads)
    assert f.maker.thunk.is_jitted()
    rng = np.random.RandomState(3)
    A = rng.rand(3, 3) + 3 * np.eye(3)
    B = rng.rand(3, 3)
    ref = g(A, B)
    for _ in range(2):
        got = f(A, B)
        for k, (p, q) in enumerate(zip(got, ref)):
            if k == 7:     # R of qr: rows may differ in sign between LAPACK calls
                p, q = np.abs(p), np.abs(q)
            np.testing.assert_allclose(p, q, rtol=1e-8, atol=1e-10, err_msg=f"output {k}")


def test_singular_solve_raises_linalg_error_after_the_jitted_call():
    from theano.tensor import slinalg as sl

    a, b = T.dmatrix("a"), T.dvector("b")
    f = jax_fn([a, b], sl.solve(a, b))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        f(np.ones((2, 2)), np.ones(2))
    np.testing.assert_allclose(f(2 * np.eye(2), np.ones(2)), [0.5, 0.5])
    assert f.maker.thunk.is_jitted()


def test_sorting_diagonals_tensordot_and_extra_ops_are_jitted():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    v = T.lvector("v")
    outs = [T.sort(x, axis=1), T.argsort(x, axis=0), T.topk(x, 2, axis=1), T.tensordot(x, y, 1),
            T.batched_tensordot(x, y, axes=[[1], [1]]), T.extra_ops.diff(x, 2, axis=1),
            T.extra_ops.fill_diagonal(x, 7.0), T.extra_ops.fill_diagonal_offset(x, 7.0, 1),
            T.diagonal(x), T.extra_ops.searchsorted(T.sort(x[0]), y[0]),
            T.extra_ops.repeat(x, 2, axis=0), T.extra_ops.bartlett(5),
            T.inverse_permutation(v), T.extra_ops.cumprod(x, axis=0),
            T.extra_ops.unravel_index(v, (2, 3))[1], T.extra_ops.ravel_multi_index((v, v), (3, 3))]
    g_cost = (outs[0] ** 2).sum() + outs[3].sum() + outs[5].sum() + (outs[10] ** 2).sum()
    outs += theano.grad(g_cost, [x, y])
    f, g = jax_fn([x, y, v], outs), py_fn([x, y, v], outs)
    assert f.maker.thunk.is_jitted()
    rng = np.random.RandomState(4)
    _same(f, g, [rng.rand(3, 3), rng.rand(3, 3), np.array([2, 0, 1])])


def test_neighbours_and_their_gradient_are_jitted():
    from theano.tensor.nnet.neighbours import images2neibs

    x = T.dtensor4("x")
    n = images2neibs(x, (2, 2), mode="valid")
    outs = [n, theano.grad((n ** 2).sum(), x)]
    f, g = jax_fn([x], outs), py_fn([x], outs)
    assert f.maker.thunk.is_jitted()
    _same(f, g, [np.random.RandomState(5).rand(2, 1, 4, 6)])


def test_data_dependent_shapes_run_op_by_op_with_jax_code_not_perform(monkeypatch):
    from theano.tensor import extra_ops as eo

    for cls in (eo.Unique, eo.Nonzero, eo.BinCountOp, eo.RepeatOp):
        monkeypatch.setattr(cls, "perform", lambda *a: pytest.fail("ran perform on the host"))
    x, r = T.lvector("x"), T.lvector("r")
    outs = [T.extra_ops.Unique(return_counts=True)(x)[1], T.nonzero(x)[0],
            T.extra_ops.bincount(x), T.extra_ops.repeat(x, r), (x * 2).sum()]
    f = jax_fn([x, r], outs)
    for _ in range(2):
        a, b, c, d, e = f(np.array([3, 0, 3, 1]), np.array([1, 0, 2, 1]))
        np.testing.assert_array_equal(a, [1, 1, 2])
        np.testing.assert_array_equal(b, [0, 2, 3])
        np.testing.assert_array_equal(c, [1, 1, 0, 2])
        np.testing.assert_array_equal(d, [3, 3, 3, 1])
        assert e == 14 and a.dtype == np.int64
    assert not f.maker.thunk.is_jitted()


def test_bad_input_errors_name_the_node_the_shapes_and_the_user_line():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    out = T.tensordot(x, y, axes=[[1], [0]])    # the user line the error must show
    f = jax_fn([x, y], out)
    with pytest.raises(ValueError) as info:
        f(np.ones((2, 3)), np.ones((4, 2)))
    msg = str(info.value)
    assert "shape mismatch" in msg and "Apply node that caused the error: TensorDot" in msg
    assert "Inputs shapes: [(2, 3), (4, 2)]" in msg and "Inputs dtypes: [float64, float64]" in msg
    assert "test_jax_ops_coverage.py" in msg and "out = T.tensordot(x, y" in msg
    with pytest.raises(TypeError, match='name "x".*Wrong number of dimensions'):
        f(np.ones((2, 3, 1)), np.ones((3, 2)))
    np.testing.assert_allclose(f(np.ones((2, 3)), np.ones((3, 2))), 3 * np.ones((2, 2)))


def test_run_time_value_errors_after_the_jitted_call():
    from theano.tensor import slinalg as sl

    a = T.lvector("a")
    c = T.dmatrix("c")
    f = jax_fn([a, c], [T.extra_ops.choose(a, c), T.inverse_permutation(a)])
    np.testing.assert_allclose(f(np.array([1, 0]), np.array([[1.0, 2.0], [3.0, 4.0]]))[0], [3, 2])
    with pytest.raises(ValueError, match="invalid entry 2 in the choice array"):
        f(np.array([2, 0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    with pytest.raises(ValueError, match="not a permutation"):
        f(np.array([1, 1]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert f.maker.thunk.is_jitted()
    m = T.dmatrix("m")
    g = jax_fn([m], sl.cholesky(m))
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        g(-np.eye(2))


def test_special_and_conversion_scalar_functions_are_jitted():
    import theano.scalar.basic as ts
    from theano.tensor.elemwise import Elemwise

    x, y = T.dvector("x"), T.dvector("y")
    unary = ["deg2rad", "rad2deg", "erfcinv", "erfcx", "i0", "i1", "tri_gamma", "xlogx"]
    binary = ["gammainc", "gammaincc", "xlogy0", "chi2sf", "complex", "complex_from_polar"]
    outs = [Elemwise(getattr(ts, n))(x) for n in unary] + \
        [Elemwise(getattr(ts, n))(x, y) for n in binary]
    f, g = jax_fn([x, y], outs), py_fn([x, y], outs)
    assert f.maker.thunk.is_jitted()
    _same(f, g, [np.array([0.2, 0.7, 1.3]), np.array([0.5, 1.5, 2.5])])


def test_xor_reduction_is_jitted_and_matches_numpy():
    import theano.scalar.basic as ts
    from theano.tensor.elemwise import CAReduce

    for dtype, v in (("int32", np.array([[5, 3, 6], [12, 7, 1]], "int32")),
                     ("bool", np.array([[1, 0, 1], [1, 1, 1]], bool))):
        x = T.TensorType(dtype, (False, False))("x")
        outs = [CAReduce(ts.xor, axis=ax)(x) for ax in (None, (1,), (0,))] + [T.all(x), T.any(x)]
        f = jax_fn([x], outs)
        assert f.maker.thunk.is_jitted()
        for _ in range(2):
            got = f(v)
            expected = [np.bitwise_xor.reduce(v, axis=ax) for ax in (None, 1, 0)] + \
                [np.all(v), np.any(v)]
            for a, e in zip(got, expected):
                np.testing.assert_array_equal(a, e)
