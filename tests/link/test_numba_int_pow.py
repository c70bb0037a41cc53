"""Native backend: integer powers in fused elementwise kernels (``_ipow``) have NumPy's values
(wrapping in the output's width) and NumPy's error for negative exponents, on every path."""

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"]


def _elemwise_runner(f):
    nodes = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, T.Elemwise)]
    assert len(nodes) == 1
    return nbe.ElemwiseRunner(nodes[0])


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("whole_graph", [True, False])
def test_fused_integer_power_is_a_kernel_with_numpy_values(dtype, whole_graph, monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph", whole_graph)
    c, p = T.vector("c", dtype=dtype), T.vector("p", dtype=dtype)
    x = T.scalar("x", dtype=dtype)
    out = c * x ** p + c
    f = theano.function([x, c, p], out, mode=theano.Mode("numba", "fast_run"))
    ref = theano.function([x, c, p], out, mode=theano.Mode("py", "None"))
    assert _elemwise_runner(f).path == "kernel"
    rs = np.random.RandomState(3)
    info = np.iinfo(dtype)
    for n in (1, 5, 2000):
        cv = rs.randint(max(info.min, -7), min(info.max, 7) + 1, size=n).astype(dtype)
        pv = rs.randint(0, 70, size=n).astype(dtype)   # big exponents: the value wraps
        for xv in (3, 0, 1, -2 if info.min < 0 else 2, info.max):
            xv = np.asarray(xv, dtype=dtype)
            with np.errstate(all="ignore"):
                expected = cv * xv ** pv + cv
            got = [f(xv, cv, pv) for _ in range(3)]
            for g in got:
                assert g.dtype == np.dtype(dtype)
                np.testing.assert_array_equal(g, expected)
            np.testing.assert_array_equal(ref(xv, cv, pv), expected)


@pytest.mark.parametrize("whole_graph", [True, False])
def test_fused_integer_power_negative_exponent_raises_numpys_error(whole_graph, monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph", whole_graph)
    c, p = T.ivector("c"), T.ivector("p")
    f = theano.function([c, p], c * 2 ** p - 1, mode=theano.Mode("numba", "fast_run"))
    good = np.array([0, 1, 2], dtype="int32")
    for _ in range(2):
        with pytest.raises(ValueError, match="negative integer powers"):
            f(np.array([1, 1, 1], dtype="int32"), np.array([1, -1, 2], dtype="int32"))
        # the function still works after the failure
        np.testing.assert_array_equal(f(good, good), good * 2 ** good - 1)


def test_mixed_width_integer_power_computes_in_the_output_dtype():
    a, b = T.bvector("a"), T.wvector("b")      # int8 ** int16 -> int16
    out = a ** b * 3
    assert out.dtype == "int16"
    f = theano.function([a, b], out, mode=theano.Mode("numba", "fast_run"))
    assert _elemwise_runner(f).path == "kernel"
    av = np.array([3, -3, 7, 0, 1], dtype="int8")
    bv = np.array([9, 11, 5, 0, 300], dtype="int16")
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(f(av, bv), av ** bv * 3)


def test_uint64_and_float_powers_keep_their_paths():
    # uint64 does not fit the int64 helper: NumPy computes it
    a, b = T.vector("a", dtype="uint64"), T.vector("b", dtype="uint64")
    f = theano.function([a, b], a ** b + a, mode=theano.Mode("numba", "fast_run"))
    assert _elemwise_runner(f).kernel_source is None
    av = np.array([2, 3, 2 ** 40], dtype="uint64")
    bv = np.array([63, 41, 2], dtype="uint64")
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(f(av, bv), av ** bv + av)
    assert "_ipow" not in (nbe.scalar_expr(theano.scalar.pow, ["a0", "a1"],
                                           ["float64", "int32"], "float64") or "")


@pytest.mark.parametrize("whole_graph", [True, False])
def test_a_failed_power_leaves_the_shared_variables_as_they_were(whole_graph, monkeypatch):
    monkeypatch.setattr(theano.config, "numba__whole_graph", whole_graph)
    p = T.ivector("p")
    acc = theano.shared(np.array([1, 2, 3], dtype="int32"), name="acc")
    f = theano.function([p], acc * 2 ** p, updates=[(acc, acc + 3 ** p)],
                        mode=theano.Mode("numba", "fast_run"))
    np.testing.assert_array_equal(f(np.array([0, 1, 2], dtype="int32")), [1, 4, 12])
    np.testing.assert_array_equal(acc.get_value(), [2, 5, 12])
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.array([1, -1, 2], dtype="int32"))
    np.testing.assert_array_equal(acc.get_value(), [2, 5, 12])
