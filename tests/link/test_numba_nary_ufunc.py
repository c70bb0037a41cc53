"""Native backend: an Elemwise add/mul of more than two inputs on its NumPy ("ufunc") path is the
left-to-right chain of the scalar op's impl (same bits), accumulated in one array, with NumPy's
broadcasting (a later term may grow the shape) and the op's shape errors."""

import numpy as np
import pytest

import theano
import theano.scalar as ts
import theano.tensor as T
from theano.tensor.elemwise import Elemwise

pytest.importorskip("numba")

from theano.link.numba import elemwise as nbe  # noqa: E402


def _runner(f):
    nodes = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]
    assert len(nodes) == 1
    return nbe.ElemwiseRunner(nodes[0])


@pytest.mark.parametrize("sop,uf", [(ts.add, np.add), (ts.mul, np.multiply)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_nary_add_and_mul_chain_left_to_right(sop, uf, dtype):
    a, b, c, d = (T.matrix(n, dtype=dtype) for n in "abcd")
    row = T.TensorType(dtype, (True, False))("row")
    s = T.scalar("s", dtype=dtype)
    op = Elemwise(sop)
    modes = {"numba": theano.Mode("numba", "None"), "py": theano.Mode("py", "None")}
    fs = {k: theano.function([a, b, c, d], op(a, b, c, d), mode=m) for k, m in modes.items()}
    gs = {k: theano.function([row, s, a, d], op(row, s, a, d), mode=m) for k, m in modes.items()}
    assert _runner(fs["numba"]).path == "ufunc"
    rs = np.random.RandomState(0)
    v = [rs.uniform(1, 2, (300, 40)).astype(dtype) for _ in range(4)]
    v0 = [x.copy() for x in v]
    want = uf(uf(uf(v[0], v[1]), v[2]), v[3])
    rv, sv = rs.uniform(1, 2, (1, 40)).astype(dtype), np.asarray(3, dtype=dtype)
    want_g = uf(uf(uf(rv, sv), v[0]), v[1])        # the row and scalar grow to (300, 40)
    for k in ("numba", "py"):
        for _ in range(3):
            got = fs[k](*v)
            assert got.dtype == dtype
            np.testing.assert_array_equal(got, want)
            got = gs[k](rv, sv, v[0], v[1])
            assert got.shape == (300, 40)
            np.testing.assert_array_equal(got, want_g)
        for arr, arr0 in zip(v, v0):                    # the inputs are left as they were
            np.testing.assert_array_equal(arr, arr0)
        with pytest.raises(ValueError, match="dimension mismatch"):
            fs[k](v[0], v[1], v[2], np.ones((3, 3), dtype))


def test_a_failing_nary_add_names_its_node_and_updates_nothing():
    a, b = T.dmatrix("a"), T.dmatrix("b")
    w = theano.shared(np.arange(6.0).reshape(2, 3), name="w")
    total = Elemwise(ts.add)(w, a, b, w)
    f = theano.function([a, b], total.sum(), updates=[(w, total)],
                        mode=theano.Mode("numba", "None"))
    assert _runner_of(f, total.owner.op).path == "ufunc"
    ones = np.ones((2, 3))
    np.testing.assert_allclose(f(ones, ones), (np.arange(6.0).reshape(2, 3) * 2 + 2).sum())
    w0 = w.get_value().copy()
    with pytest.raises(ValueError) as info:
        f(ones, np.ones((2, 4)))
    assert "dimension mismatch" in str(info.value)
    assert "Apply node that caused the error" in str(info.value)
    np.testing.assert_array_equal(w.get_value(), w0)


def _runner_of(f, op):
    nodes = [n for n in f.maker.fgraph.toposort() if n.op == op]
    assert len(nodes) == 1
    return nbe.ElemwiseRunner(nodes[0])
