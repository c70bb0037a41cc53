"""theano.sparse: types, conversions, CSM, arithmetic, products, sums and their gradients, checked
against SciPy and finite differences on the reference VM and the default backend."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from tests.helpers import assert_allclose

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "py_opt": lambda: theano.Mode(linker="py", optimizer="fast_run"),
         "auto": lambda: theano.Mode(linker="auto", optimizer="fast_run")}


def spm(shape, fmt="csr", density=0.4, seed=0, dtype="float64"):
    m = sp.random(*shape, density=density, format=fmt, random_state=seed, dtype=dtype)
    m.data = (m.data + 0.5).astype(dtype)
    return m


def dense(*shape, seed=1):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape)


def as_dense(v):
    return v.toarray() if sp.issparse(v) else np.asarray(v)


def run_all(inputs, outputs, values, expected, sparse_out=None):
    """Compile on each mode, call twice, compare with ``expected`` (dense values)."""
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else outputs
    exps = [expected] if single else expected
    for name, mk in MODES.items():
        f = theano.function(inputs, outs, mode=mk())
        for _ in range(2):
            res = f(*[v.copy() for v in values])
            for k, (r, e) in enumerate(zip(res, exps)):
                is_sp = isinstance(outs[k].type, S.SparseType)
                assert sp.issparse(r) == is_sp, (name, k, type(r))
                if is_sp:
                    assert r.format == outs[k].type.format, (name, k, r.format)
                assert str(as_dense(r).dtype) == outs[k].dtype, (name, k, r.dtype, outs[k].dtype)
                assert_allclose(as_dense(r), as_dense(e), err_msg=f"mode {name} output {k}")


def check_shape(inputs, out, values):
    """The shape from infer_shape (the shape graph must not run the op) equals the real one."""
    f = theano.function(inputs, out.shape, mode=theano.Mode(linker="py", optimizer="fast_run"),
                        on_unused_input="ignore")
    real = theano.function(inputs, out, mode=MODES["py"](), on_unused_input="ignore")(*values)
    assert tuple(f(*values)) == (real.shape if sp.issparse(real) else np.shape(real))
    ops = [type(n.op) for n in f.maker.fgraph.toposort()]
    assert type(out.owner.op) not in ops, ops


# -- types ----------------------------------------------------------------------------------------

def test_type_constructors_and_filter():
    x = S.csr_matrix("x", dtype="float32")
    assert x.type == S.SparseType("csr", "float32") and x.ndim == 2 and x.format == "csr"
    assert S.csc_matrix().format == "csc" and S.bsr_matrix().format == "bsr"
    t = S.SparseType("csc", "float64")
    m = spm((3, 4), "csc")
    assert t.filter(m) is m
    # a dense 2-d array is converted as in Theano 1.0 (not when strict); other values are refused
    for fmt in ("csc", "csr", "bsr"):
        got = S.SparseType(fmt, "float64").filter(m.toarray())
        assert got.format == fmt and got.nnz == m.nnz
        np.testing.assert_array_equal(got.toarray(), m.toarray())
    with pytest.raises(TypeError, match="2-d numeric array"):
        t.filter(np.ones(3))
    with pytest.raises(TypeError, match="2-d numeric array"):
        t.filter("abc")
    with pytest.raises(TypeError, match="sparse csc"):
        t.filter(m.toarray(), strict=True)
    with pytest.raises(TypeError, match="csc"):
        t.filter(m.tocsr(), strict=True)
    for fmt in ("csr", "bsr", "coo", "lil"):       # another format is re-formatted, same entries
        other = m.asformat(fmt)
        got = t.filter(other)
        assert got.format == "csc" and got.dtype == np.float64 and got is not other
        assert (got != m).nnz == 0
    assert S.SparseType("csr", "float32").filter(m, allow_downcast=True).format == "csr"
    with pytest.raises(TypeError):
        S.SparseType("csc", "float32").filter(m)  # float64 into float32: refused without downcast
    assert S.SparseType("csc", "float32").filter(m, allow_downcast=True).dtype == np.float32
    with pytest.raises(NotImplementedError):
        S.SparseType("coo", "float64")


def test_function_converts_a_dense_matrix_and_rejects_other_values_naming_the_input():
    x = S.csr_matrix("xin")
    f = theano.function([x], S.sp_sum(x))
    d = np.array([[1.0, 0.0], [0.0, 3.0]])
    for _ in range(3):
        assert f(d) == 4.0
    with pytest.raises(TypeError, match="xin"):
        f(np.ones(4))
    assert f(sp.csr_matrix(np.ones((2, 2)))) == 4.0


@pytest.mark.parametrize("mode", ["py", None])
def test_function_reformats_another_sparse_format(mode):
    # Theano 1.0: a csc matrix given for a csr input is converted (the entries are kept)
    m = theano.Mode(linker="py") if mode else None
    x = S.csr_matrix("xin")
    y = T.dmatrix("y")
    f = theano.function([x, y], S.structured_dot(x, y), mode=m)
    v = spm((4, 3), "csc")
    yv = np.random.RandomState(2).randn(3, 2)
    for _ in range(2):
        assert_allclose(f(v, yv), v.toarray() @ yv)
        assert_allclose(f(v.tocoo(), yv), v.toarray() @ yv)
    r = theano.function([theano.In(x, borrow=True, mutable=True)], S.remove0(x), mode=m)
    z = sp.csc_matrix((np.array([1.0, 0.0, 2.0]), (np.array([0, 1, 2]), np.array([0, 1, 1]))),
                      shape=(3, 3))
    for _ in range(2):
        out = r(z)
        assert out.format == "csr" and out.nnz == 2 and z.nnz == 3   # the caller's matrix intact
        assert_allclose(out.toarray(), z.toarray())


def test_shared_and_constant():
    m = spm((4, 5), "csc")
    v = theano.shared(m, name="w")
    assert isinstance(v, S.SparseSharedVariable) and v.type == S.SparseType("csc", "float64")
    got = v.get_value()
    assert got is not m and (got != m).nnz == 0
    f = theano.function([], S.dense_from_sparse(v * 2.0))
    assert_allclose(f(), m.toarray() * 2)
    v.set_value(m * 3)
    assert_allclose(f(), m.toarray() * 6)
    v.set_value(m.toarray() * 5)        # a dense value is converted (Theano 1.0's filter)
    assert v.get_value().format == "csc"
    assert_allclose(f(), m.toarray() * 10)
    with pytest.raises(TypeError):
        v.set_value(np.ones(5))
    w = S.shared(spm((2, 2), "csr"))
    assert w.type.format == "csr"
    with pytest.raises(TypeError):
        S.shared(np.ones((2, 2)))
    c = S.constant(m)
    assert_allclose(theano.function([], S.dense_from_sparse(c))(), m.toarray())
    assert hasattr(theano, "sparse")


def test_shape_and_size():
    x = S.csr_matrix("x")
    m = spm((7, 3))
    f = theano.function([x], [x.shape, x.shape[1], x.size])
    s, s1, n = f(m)
    assert tuple(s) == (7, 3) and s1 == 3 and n == m.size
    assert all(isinstance(nd.op, (T.Shape_i, T.MakeVector, S.basic.SpSize))
               for nd in f.maker.fgraph.toposort())


# -- conversions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_conversions(fmt):
    x = S.SparseType(fmt, "float64")("x")
    d = T.dmatrix("d")
    m = spm((4, 6), fmt)
    a = dense(4, 6)
    a[a < 0] = 0
    run_all([x], S.dense_from_sparse(x), [m], m.toarray())
    run_all([x], x.toarray(), [m], m.toarray())
    conv = S.csr_from_dense if fmt == "csr" else S.csc_from_dense
    run_all([d], conv(d), [a], a)
    run_all([x], x.T, [m], m.toarray().T)
    assert x.T.format == ("csc" if fmt == "csr" else "csr")
    check_shape([x], x.T, [m])
    check_shape([x], S.dense_from_sparse(x), [m])
    check_shape([d], conv(d), [a])
    S.verify_grad_sparse(S.dense_from_sparse, [m], structured=True)
    S.verify_grad_sparse(S.DenseFromSparse(structured=False), [m], structured=False)
    S.verify_grad_sparse(conv, [a])
    S.verify_grad_sparse(S.transpose, [m], structured=True)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_csm_roundtrip_and_grad(fmt):
    x = S.SparseType(fmt, "float64")("x")
    m = spm((5, 3), fmt)
    data, ind, ptr, shape = S.csm_properties(x)
    run_all([x], [data, ind, ptr, shape], [m], [m.data, m.indices, m.indptr, np.array(m.shape)])
    y = S.CSM(fmt)(data * 2, ind, ptr, shape)
    run_all([x], y, [m], m * 2)
    check_shape([x], y, [m])
    # gradient wrt data: the output gradient read at the stored positions
    dv = T.dvector("dv")
    out = S.CSM(fmt)(dv, m.indices, m.indptr, np.array(m.shape, dtype="int32"))
    g = theano.grad(S.sp_sum(out * T.constant(dense(5, 3))), dv)
    rows, cols = m.nonzero()
    gv = theano.function([dv], g)(m.data.copy())
    ref = dense(5, 3)
    mm = m.tocoo()
    assert_allclose(np.sort(gv), np.sort(ref[mm.row, mm.col]))
    del rows, cols
    S.verify_grad_sparse(lambda a: S.sp_sum(a * T.constant(dense(5, 3))), [m], structured=True)
    with pytest.raises(ValueError):
        theano.function([dv], S.CSR(dv, [0, 1], [0, 1], [2, 2]))(np.ones(3))


def test_cast_remove0_sorted_clean():
    x = S.csr_matrix("x")
    m = sp.csr_matrix((np.array([1.0, 0.0, 2.0]), np.array([2, 0, 1]), np.array([0, 2, 3])),
                      shape=(2, 3))
    r = theano.function([x], S.remove0(x))(m)
    assert r.nnz == 2 and and_equal(r, m)
    r = theano.function([x], S.ensure_sorted_indices(x))(m)
    assert r.has_sorted_indices and and_equal(r, m)
    r = theano.function([x], S.clean(x))(m)
    assert r.nnz == 2 and r.has_sorted_indices
    assert m.nnz == 3  # inputs untouched
    c = S.cast(x, "float32")
    run_all([x], c, [m], m)
    assert c.dtype == "float32"
    S.verify_grad_sparse(S.remove0, [spm((3, 3))], structured=True)
    S.verify_grad_sparse(lambda a: S.cast(a, "float64"), [spm((3, 3))], structured=True)


def and_equal(a, b):
    return np.array_equal(a.toarray(), b.toarray())


# -- arithmetic -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_add_sub_mul_neg(fmt):
    x = S.SparseType(fmt, "float64")("x")
    y = S.SparseType(fmt, "float64")("y")
    d = T.dmatrix("d")
    a, b, c = spm((4, 5), fmt, seed=1), spm((4, 5), fmt, seed=2), dense(4, 5)
    run_all([x, y], x + y, [a, b], a + b)
    run_all([x, y], x - y, [a, b], a - b)
    run_all([x, y], x * y, [a, b], a.multiply(b))
    run_all([x, d], x + d, [a, c], a.toarray() + c)
    run_all([x, d], S.add(d, x), [a, c], a.toarray() + c)
    run_all([x, d], x - d, [a, c], a.toarray() - c)
    run_all([x, d], x * d, [a, c], a.multiply(c))
    run_all([x, d], S.mul(d, x), [a, c], a.multiply(c))
    run_all([x], -x, [a], -a)
    run_all([x], x * 3.0, [a], a * 3)
    assert isinstance((x + y).type, S.SparseType) and isinstance((x + d).type, T.TensorType)
    assert isinstance((x * d).type, S.SparseType)
    for out in (x + y, x * y, -x):
        check_shape([x, y], out, [a, b])
    check_shape([x, d], x + d, [a, c])
    check_shape([x, d], x * d, [a, c])
    S.verify_grad_sparse(S.add, [a, b], structured=False)
    S.verify_grad_sparse(S.add, [a, c], structured=True)  # AddSD is structured
    S.verify_grad_sparse(S.mul, [a, b], structured=False)
    S.verify_grad_sparse(S.mul, [a, c], structured=True)
    S.verify_grad_sparse(S.neg, [a], structured=True)
    with pytest.raises(ValueError):
        theano.function([x, y], x + y)(a, spm((3, 5), fmt))


def test_mul_broadcast_row_col_scale():
    x = S.csc_matrix("x")
    v = T.dvector("v")
    a = spm((4, 3), "csc")
    s0, s1 = dense(4), dense(3)
    run_all([x, v], S.row_scale(x, v), [a, s0], a.toarray() * s0[:, None])
    run_all([x, v], S.col_scale(x, v), [a, s1], a.toarray() * s1[None, :])
    run_all([x, v], S.mul_s_v(x, v), [a, s1], a.toarray() * s1[None, :])
    run_all([x, v], S.structured_add_s_v(x, v), [a, s1],
            (a.toarray() + s1[None, :]) * (a.toarray() != 0))
    S.verify_grad_sparse(S.row_scale, [a, s0], structured=True)
    S.verify_grad_sparse(S.col_scale, [a, s1], structured=True)
    S.verify_grad_sparse(S.structured_add_s_v, [a, s1], structured=True)


def test_comparisons():
    x, y = S.csr_matrix("x"), S.csr_matrix("y")
    d = T.dmatrix("d")
    a, b, c = spm((3, 4), seed=1), spm((3, 4), seed=2), dense(3, 4)
    for name, fn in (("lt", np.less), ("gt", np.greater), ("le", np.less_equal),
                     ("ge", np.greater_equal), ("eq", np.equal), ("neq", np.not_equal)):
        op = getattr(S, name)
        run_all([x, y], op(x, y), [a, b], fn(a.toarray(), b.toarray()).astype("uint8"))
        run_all([x, d], op(x, d), [a, c], fn(a.toarray(), c).astype("uint8"))
        run_all([x, d], op(d, x), [a, c], fn(c, a.toarray()).astype("uint8"))


# -- products -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_structured_dot(fmt):
    x = S.SparseType(fmt, "float64")("x")
    w = T.dmatrix("w")
    v = T.dvector("v")
    a, b = spm((5, 4), fmt), dense(4, 3)
    run_all([x, w], S.structured_dot(x, w), [a, b], a @ b)
    run_all([x, v], S.structured_dot(x, v), [a, b[:, 0]], a @ b[:, 0])
    run_all([x, w], S.structured_dot(w.T, x.T), [a, b], (a @ b).T)
    check_shape([x, w], S.structured_dot(x, w), [a, b])
    gw, gx = theano.grad(T.sum(S.structured_dot(x, w) * T.constant(dense(5, 3, seed=4))), [w, x])
    f = theano.function([x, w], [gw, gx])
    for _ in range(2):
        rgw, rgx = f(a, b)
        g = dense(5, 3, seed=4)
        assert_allclose(rgw, a.T @ g)
        assert sp.issparse(rgx) and rgx.format == fmt
        assert_allclose(rgx.toarray(), (g @ b.T) * (a.toarray() != 0))  # structured
    S.verify_grad_sparse(S.structured_dot, [a, b], structured=True)
    with pytest.raises(ValueError):
        theano.function([x, w], S.structured_dot(x, w))(a, dense(3, 3))
    with pytest.raises(TypeError):
        S.structured_dot(w, w)


def test_dot_of_two_sparse_matrices_is_dense_as_theano():
    x, y = S.csr_matrix("x"), S.csc_matrix("y")
    a, b = spm((4, 5), seed=3), spm((5, 3), "csc", seed=4)
    out = S.dot(x, y)
    assert isinstance(out.type, T.TensorType) and out.broadcastable == (False, False)
    run_all([x, y], out, [a, b], (a @ b).toarray())      # run_all checks the result is an ndarray
    assert isinstance(S.true_dot(x, y).type, S.SparseType)  # true_dot keeps a sparse result
    gx, gy = theano.grad((S.dot(x, y) * np.arange(3.0)).sum(), [x, y])
    for name, mk in MODES.items():
        f = theano.function([x, y], [gx, gy], mode=mk())
        for _ in range(2):
            rgx, rgy = f(a.copy(), b.copy())
            g = np.tile(np.arange(3.0), (4, 1))
            assert_allclose(as_dense(rgx), g @ b.toarray().T, err_msg=name)   # not structured
            assert_allclose(as_dense(rgy), a.toarray().T @ g, err_msg=name)


def test_dot_true_dot_usmm_sampling_dot():
    x, y = S.csr_matrix("x"), S.csr_matrix("y")
    w = T.dmatrix("w")
    a, b, c = spm((4, 5), seed=1), spm((5, 3), seed=2), dense(5, 3)
    run_all([x, y], S.dot(x, y), [a, b], a @ b)
    run_all([x, w], S.dot(x, w), [a, c], a @ c)
    run_all([x, w], S.dot(w.T, x.T), [a, c], (a @ c).T)
    run_all([x, y], S.true_dot(x, y), [a, b], a @ b)
    run_all([x, w], S.true_dot(x, w), [a, c], a @ c)
    check_shape([x, y], S.dot(x, y), [a, b])
    check_shape([x, w], S.true_dot(x, w), [a, c])
    S.verify_grad_sparse(S.dot, [a, c], structured=False)
    S.verify_grad_sparse(S.dot, [a, b], structured=False)
    S.verify_grad_sparse(S.true_dot, [a, c], structured=False)
    z = T.dmatrix("z")
    al = T.dscalar("al")
    zv = dense(4, 3, seed=5)
    run_all([al, x, w, z], S.usmm(al, x, w, z), [np.array(2.0), a, c, zv], 2 * (a @ c) + zv)
    p = S.csr_matrix("p")
    xv, yv, pv = dense(4, 2), dense(5, 2, seed=3), spm((4, 5), seed=6)
    u, t = T.dmatrix("u"), T.dmatrix("t")
    run_all([u, t, p], S.sampling_dot(u, t, p), [xv, yv, pv], pv.multiply(xv @ yv.T))
    S.verify_grad_sparse(lambda u_, t_: S.sampling_dot(u_, t_, pv), [xv, yv], structured=True)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("sparse_grad", [True, False])
def test_sp_sum(axis, sparse_grad):
    x = S.csc_matrix("x")
    a = spm((4, 3), "csc")
    exp = a.toarray().sum(axis=axis)
    run_all([x], S.sp_sum(x, axis=axis, sparse_grad=sparse_grad), [a], exp)
    if axis is not None:
        check_shape([x], S.sp_sum(x, axis=axis), [a])
    S.verify_grad_sparse(lambda m: S.sp_sum(m, axis=axis, sparse_grad=sparse_grad), [a],
                         structured=sparse_grad)


def test_ones_zeros_like():
    x = S.csr_matrix("x")
    a = spm((3, 4))
    r = theano.function([x], S.sp_ones_like(x))(a)
    assert_allclose(r.toarray(), (a.toarray() != 0).astype(float))
    r = theano.function([x], S.sp_zeros_like(x))(a)
    assert r.nnz == 0 and r.shape == a.shape and r.format == "csr"


# -- elementwise ------------------------------------------------------------------------------------

ELEMWISE = [
    ("structured_sigmoid", lambda v: 1 / (1 + np.exp(-v))), ("structured_exp", np.exp),
    ("structured_log", np.log), ("sqrt", np.sqrt), ("abs_", np.abs), ("sin", np.sin),
    ("tan", np.tan), ("arcsin", np.arcsin), ("arctan", np.arctan), ("sinh", np.sinh),
    ("tanh", np.tanh), ("expm1", np.expm1), ("log1p", np.log1p), ("deg2rad", np.deg2rad),
    ("rad2deg", np.rad2deg), ("trunc", np.trunc), ("floor", np.floor), ("ceil", np.ceil),
    ("sgn", np.sign), ("sqr", np.square), ("rint", np.rint), ("arcsinh", np.arcsinh),
    ("arctanh", np.arctanh), ("round_half_to_even", np.round),
    ("round_half_away_from_zero", lambda v: np.sign(v) * np.floor(np.abs(v) + 0.5)),
]


@pytest.mark.parametrize("name,ref", ELEMWISE, ids=[e[0] for e in ELEMWISE])
def test_elemwise_keeps_pattern(name, ref):
    x = S.csr_matrix("x")
    a = spm((4, 5))
    a.data = a.data * 0.6  # in (0.3, 0.9): inside every function's domain
    exp = a.copy()
    exp.data = ref(a.data)
    out = getattr(S, name)(x)
    run_all([x], out, [a], exp)
    r = theano.function([x], out)(a)
    assert r.nnz == a.nnz
    if name not in ("trunc", "floor", "ceil", "sgn", "rint", "round_half_to_even",
                    "round_half_away_from_zero"):
        S.verify_grad_sparse(getattr(S, name), [a], structured=True)


@pytest.mark.parametrize("name,ref", [("structured_pow", np.power),
                                      ("structured_minimum", np.minimum),
                                      ("structured_maximum", np.maximum),
                                      ("structured_add", np.add)])
def test_structured_binary(name, ref):
    x = S.csc_matrix("x")
    a = spm((4, 5), "csc")
    exp = a.copy()
    exp.data = ref(a.data, 0.7)
    run_all([x], getattr(S, name)(x, 0.7), [a], exp)
    S.verify_grad_sparse(lambda m: getattr(S, name)(m, 0.7), [a], structured=True)


# -- indexing, stacking, diagonals --------------------------------------------------------------------

def test_getitem():
    x = S.csr_matrix("x")
    a = spm((6, 5))
    i, j = T.lscalar("i"), T.lscalar("j")
    run_all([x], x[1:3], [a], a[1:3])
    run_all([x], x[1:5:2, 2:], [a], a[1:5:2, 2:])
    run_all([x], x[[0, 2, 2]], [a], a[[0, 2, 2]])
    run_all([x], x[[0, 2], [1, 3]], [a], np.asarray(a[[0, 2], [1, 3]]).ravel())
    f = theano.function([x, i, j], x[i, j])
    assert f(a, 2, 3) == a[2, 3] and f(a, -1, 0) == a[-1, 0]
    run_all([x, i], x[i:], [a, np.array(2)], a[2:])
    check_shape([x], x[1:5:2, 2:], [a])
    check_shape([x], x[[0, 2, 2]], [a])
    S.verify_grad_sparse(lambda m: m[[0, 2, 2]], [a], structured=False)
    S.verify_grad_sparse(lambda m: m[[0, 2], [1, 3]], [a], structured=False)
    with pytest.raises(IndexError):
        theano.function([x], x[[7]])(a)


def test_hstack_vstack():
    x, y = S.csr_matrix("x"), S.csr_matrix("y")
    a, b = spm((3, 4), seed=1), spm((3, 2), seed=2)
    run_all([x, y], S.hstack([x, y], format="csr"), [a, b], sp.hstack([a, b]))
    c = spm((2, 4), seed=3)
    run_all([x, y], S.vstack([x, y], format="csc"), [a, c], sp.vstack([a, c]))
    check_shape([x, y], S.hstack([x, y]), [a, b])
    check_shape([x, y], S.vstack([x, y]), [a, c])
    S.verify_grad_sparse(lambda p, q: S.hstack([p, q], format="csr"), [a, b], structured=False)
    S.verify_grad_sparse(lambda p, q: S.vstack([p, q], format="csr"), [a, c], structured=False)


def test_diag_square_diagonal():
    x = S.csc_matrix("x")
    v = T.dvector("v")
    a = spm((4, 4), "csc")
    run_all([x], S.diag(x), [a], a.diagonal())
    run_all([v], S.square_diagonal(v), [dense(4)], np.diag(dense(4)))
    check_shape([x], S.diag(x), [a])
    check_shape([v], S.square_diagonal(v), [dense(4)])
    S.verify_grad_sparse(S.diag, [a], structured=False)
    S.verify_grad_sparse(S.square_diagonal, [dense(4)])


def test_construct_sparse_from_list():
    x = T.dmatrix("x")
    vals = T.dmatrix("vals")
    il = T.lvector("il")
    out = S.construct_sparse_from_list(x, vals, il)
    xv, vv, iv = np.zeros((5, 3)), dense(3, 3), np.array([1, 4, 1])
    exp = np.zeros((5, 3))
    np.add.at(exp, iv, vv)
    run_all([x, vals, il], out, [xv, vv, iv], exp)


def test_bad_inputs():
    x = S.csr_matrix("x")
    with pytest.raises(TypeError):
        S.as_sparse_variable(np.ones((2, 2)))
    with pytest.raises(TypeError):
        S.as_sparse_variable(T.dmatrix())
    with pytest.raises(TypeError):
        S.add(T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError):
        S.add(x, T.dvector())
    with pytest.raises(TypeError):
        S.mul(x, T.tensor3())


def test_inplace_remove0_only_on_intermediates():
    x = S.csr_matrix("x")
    m = sp.csr_matrix((np.array([1.0, 0.0, 2.0]), np.array([0, 1, 2]), np.array([0, 3])),
                      shape=(1, 3))
    f = theano.function([x], S.remove0(x * 2.0))
    assert any(isinstance(n.op, S.Remove0) and n.op.inplace for n in f.maker.fgraph.toposort())
    for _ in range(2):
        r = f(m)
        assert r.nnz == 2 and and_equal(r, m * 2)
    assert m.nnz == 3  # the input is never changed
    g = theano.function([x], S.remove0(x))
    assert not any(n.op.inplace for n in g.maker.fgraph.toposort())
    dv = T.dvector("dv")
    h = theano.function([dv], S.remove0(S.CSR(dv, np.array([0, 1, 2], dtype="int32"),
                                              np.array([0, 3], dtype="int32"),
                                              np.array([1, 3], dtype="int32"))))
    d = np.array([1.0, 0.0, 2.0])
    assert h(d).nnz == 2 and list(d) == [1.0, 0.0, 2.0]


def test_bsr_values_and_transpose():
    x = S.bsr_matrix("x")
    m = sp.bsr_matrix(spm((4, 6)).toarray(), blocksize=(2, 2))
    run_all([x], S.dense_from_sparse(x), [m], m.toarray())
    run_all([x], x.T, [m], m.toarray().T)
    run_all([x], S.sp_sum(x, axis=0), [m], m.toarray().sum(axis=0))
    run_all([x], S.sp_sum(x), [m], m.toarray().sum())
    # a csr value for a bsr input is re-formatted (Theano 1.0), then summed like the bsr one
    run_all([x], S.sp_sum(x), [m.tocsr()], m.toarray().sum())
    with pytest.raises(TypeError, match="bsr"):
        x.type.filter(m.tocsr(), strict=True)


def test_may_share_memory():
    a = sp.csc_matrix(sp.eye(5, 3))
    b = sp.csc_matrix(sp.eye(4, 3))
    t = S.SparseType
    assert t.may_share_memory(a, a) and t.may_share_memory(a, a.data)
    assert t.may_share_memory(a.indptr, a) and t.may_share_memory(a.transpose(), a)
    assert not t.may_share_memory(a, b) and not t.may_share_memory(b.data, a)
    assert not t.may_share_memory(a, np.asarray(a.shape))


def test_theano_dot_and_gradient_terms_of_both_kinds():
    x = S.csr_matrix("x")
    w = T.dmatrix("w")
    # theano.dot with a sparse operand is Theano 1.0's structured product (sparse.Dot is
    # ``theano.sparse.dot``'s)
    assert isinstance(theano.dot(x, w).owner.op, S.StructuredDot)
    # x reaches the cost by a structured path, a dense one and a product: one sparse gradient
    cost = (S.sp_sum(x, sparse_grad=True) + T.sum(S.dense_from_sparse(x) * w)
            + T.sum(S.structured_dot(x, w.T)))
    g = theano.grad(cost, x)
    assert isinstance(g.type, S.SparseType) and g.format == "csr"
    m, wv = spm((3, 3)), dense(3, 3)
    exp = (1 + wv + np.ones((3, 3)) @ wv) * (m.toarray() != 0)
    run_all([x, w], g, [m, wv], exp)


def test_theano_dot_of_sparse_operands_is_structured_as_in_theano():
    """theano.dot(sparse, dense) and (dense, sparse): NumPy's product, and a gradient wrt the
    sparse operand on its stored entries only; theano.dot(sparse, sparse) is sparse."""
    x = S.csr_matrix("x")
    y = S.csr_matrix("y")
    w = T.dmatrix("w")
    m, m2, wv = spm((4, 3)), spm((3, 5), seed=2), dense(3, 4)
    mask = m.toarray() != 0
    prod = theano.dot(x, w)
    run_all([x, w], prod, [m, wv], m.toarray() @ wv)
    run_all([x, w], theano.dot(w, x), [m, wv], wv @ m.toarray())
    # d sum(x @ w) / dx = 1 @ w.T, kept on x's pattern (the sparse Dot's gradient is dense)
    g = theano.grad(T.sum(prod), x)
    assert isinstance(g.type, S.SparseType)
    run_all([x, w], g, [m, wv], (np.ones((4, 4)) @ wv.T) * mask)
    g_dense = theano.grad(T.sum(S.dot(x, w)), x)
    run_all([x, w], g_dense, [m, wv], np.ones((4, 4)) @ wv.T)
    both = theano.dot(x, y)
    assert isinstance(both.type, S.SparseType)
    run_all([x, y], both, [m, m2], m.toarray() @ m2.toarray())


def test_specify_shape_of_a_sparse_matrix():
    # as Theano 1.0: specify_shape keeps a sparse variable sparse, checks its shape at run time
    # and gives the shape to infer_shape
    m = spm((4, 3))
    x = theano.shared(m)
    y = T.specify_shape(x, m.shape)
    assert isinstance(y.type, S.SparseType) and y.type == x.type
    w = T.dmatrix("w")
    g = theano.grad(T.sum(S.structured_dot(y, w)), w)
    for name, mk in MODES.items():
        f = theano.function([w], [S.dense_from_sparse(y * 2), y.shape, g], mode=mk())
        wv = dense(3, 2)
        for _ in range(2):
            val, shp, gv = f(wv)
            assert_allclose(val, m.toarray() * 2)
            assert tuple(shp) == (4, 3)
            assert_allclose(gv, m.toarray().T @ np.ones((4, 2)))
        x.set_value(spm((5, 3)))
        with pytest.raises(AssertionError, match="expected shape"):
            f(wv)
        x.set_value(m)


@pytest.mark.parametrize("fa", ["csr", "csc", "bsr"])
@pytest.mark.parametrize("fb", ["csr", "csc", "bsr"])
def test_theano_dot_of_two_sparse_operands_of_any_format(fa, fb):
    a, b = S.SparseType(fa, "float64")(), S.SparseType(fb, "float64")()
    d = theano.dot(a, b)
    av, bv = spm((5, 4), seed=3), spm((4, 3), seed=4)
    for name, mk in MODES.items():
        f = theano.function([a, b], theano.Out(d, borrow=True), mode=mk())
        for _ in range(2):
            assert_allclose(as_dense(f(av, bv)), av.toarray() @ bv.toarray())
