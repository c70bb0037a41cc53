"""theano.tensor.reshaping (Reshape/reshape, flatten, squeeze, swapaxes, padding, specify_shape,
get_vector_length) and the Shape/Shape_i ops of basic.py that it builds on."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import OpCase, check_case, check_infer_shape, compare_backends, rand
from theano.gradient import verify_grad
from theano.tensor.reshaping import Reshape, Shape_i, shape_i

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


CASES = [
    OpCase("reshape_2d", lambda x: T.reshape(x, (3, 2)), lambda x: x.reshape(3, 2), [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("reshape_minus1", lambda x: x.reshape((-1,)), lambda x: x.reshape(-1), [rand(2, 3)], dtypes=FLOATS),
    OpCase("reshape_minus1_mid", lambda x: x.reshape((2, -1, 2)), lambda x: x.reshape(2, -1, 2),
           [rand(4, 3)], dtypes=FLOATS),
    OpCase("reshape_to_scalar", lambda x: x.reshape(()), lambda x: x.reshape(()), [rand(1, 1)],
           dtypes=FLOATS),
    OpCase("reshape_from_scalar", lambda x: x.reshape((1, 1)), lambda x: x.reshape(1, 1), [np.asarray(0.4)],
           dtypes=FLOATS),
    OpCase("reshape_empty", lambda x: x.reshape((0, 5)), lambda x: x.reshape(0, 5), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("reshape_empty_minus1", lambda x: x.reshape((3, -1)), lambda x: x.reshape(3, -1), [rand(0, 3)],
           dtypes=FLOATS, grad=False),
    OpCase("reshape_varargs", lambda x: x.reshape(3, 4), lambda x: x.reshape(3, 4), [rand(2, 6)],
           dtypes=FLOATS),
    OpCase("flatten", lambda x: T.flatten(x), lambda x: x.reshape(-1), [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("flatten2", lambda x: T.flatten(x, 2), lambda x: x.reshape(2, -1), [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("flatten3", lambda x: x.flatten(3), lambda x: x, [rand(2, 3, 4)], dtypes=FLOATS),
    OpCase("flatten_scalar", lambda x: T.flatten(x), lambda x: x.reshape(1), [np.asarray(2.0)],
           dtypes=FLOATS),
    OpCase("ravel", lambda x: x.ravel(), np.ravel, [rand(3, 2)], dtypes=FLOATS),
    OpCase("shape", lambda x: T.shape(x), np.shape, [rand(2, 3, 4)], grad=False),
    OpCase("shape_empty", lambda x: x.shape, np.shape, [rand(0, 3)], grad=False),
    OpCase("shape_i", lambda x: Shape_i(1)(x), lambda x: np.asarray(x.shape[1]), [rand(2, 3, 4)], grad=False),
    OpCase("size", lambda x: x.size, lambda x: np.asarray(x.size), [rand(2, 3)], grad=False),
    OpCase("swapaxes", lambda a: T.swapaxes(a, 0, 2), lambda a: np.swapaxes(a, 0, 2), [rand(2, 3, 4)],
           dtypes=FLOATS),
    OpCase("swapaxes_neg", lambda a: T.swapaxes(a, -1, 0), lambda a: np.swapaxes(a, -1, 0), [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("specify_shape", lambda a: T.specify_shape(a, (2, 3)) * 2, lambda a: a * 2, [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("padleft", lambda a: T.shape_padleft(a, 2) * 1.0, lambda a: a[None, None], [rand(3)],
           dtypes=FLOATS),
    OpCase("padright", lambda a: T.shape_padright(a) * 1.0, lambda a: a[..., None], [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("padaxis", lambda a: T.shape_padaxis(a, 1) * 1.0, lambda a: a[:, None], [rand(2, 3)],
           dtypes=FLOATS),
    OpCase("padaxis_neg", lambda a: T.shape_padaxis(a, -1) * 1.0, lambda a: a[..., None], [rand(2, 3)],
           dtypes=FLOATS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case):
    check_case(case)


def test_symbolic_target_shapes():
    x = T.dmatrix()
    n = T.lscalar()
    xv = rand(2, 6)
    out = x.reshape((n, -1))
    for nv in (1, 3, 4):
        np.testing.assert_allclose(run(out, [x, n], [xv, nv]), xv.reshape(nv, -1))
        check_infer_shape([x, n], out, [xv, nv])
    s = T.lvector()
    out2 = T.reshape(x, s, ndim=3)
    assert out2.ndim == 3
    np.testing.assert_allclose(run(out2, [x, s], [xv, np.array([3, 2, 2])]), xv.reshape(3, 2, 2))
    np.testing.assert_allclose(run(out2, [x, s], [xv, np.array([3, -1, 2])]), xv.reshape(3, 2, 2))
    out3 = T.reshape(x, T.shape(x.T))
    np.testing.assert_allclose(run(out3, [x], [xv]), xv.reshape(6, 2))
    out4 = T.reshape(x, (shape_i(x, 1), shape_i(x, 0)))
    np.testing.assert_allclose(run(out4, [x], [xv]), xv.reshape(6, 2))
    check_infer_shape([x], out4, [xv])
    verify_grad(lambda v: T.reshape(v, (3, 4)), [xv], mode=PY, rng=np.random.RandomState(3))


def test_reshape_broadcastable_and_errors():
    x = T.dmatrix()
    assert x.reshape((1, -1)).broadcastable == (True, False)
    assert x.reshape((3, 1, 2)).broadcastable == (False, True, False)
    with pytest.raises(ValueError, match="ndim"):
        T.reshape(x, T.lvector())
    with pytest.raises(TypeError, match="integer"):
        T.reshape(x, (2.0, 3))
    with pytest.raises(TypeError, match="integer"):
        T.reshape(x, T.dvector(), ndim=2)
    with pytest.raises(ValueError, match="Invalid"):
        T.reshape(x, (-2, 3))
    f = theano.function([x], x.reshape((4, 4)), mode=PY)
    with pytest.raises(ValueError, match="reshape"):
        f(rand(2, 3))
    s = T.lvector()
    g = theano.function([x, s], T.reshape(x, s, ndim=2), mode=PY)
    with pytest.raises(ValueError, match="entries"):
        g(rand(2, 3), np.array([6]))


def test_flatten_broadcastable_and_errors():
    t = T.TensorType("float64", (False, True, True))()
    assert T.flatten(t, 2).broadcastable == (False, True)
    assert T.flatten(t, 1).broadcastable == (False,)
    r = T.row()
    assert T.flatten(r, 2).broadcastable == (True, False)
    with pytest.raises(ValueError, match="outdim"):
        T.flatten(T.dmatrix(), 3)
    with pytest.raises(ValueError, match="outdim"):
        T.flatten(T.dmatrix(), 0)
    assert T.flatten(T.dmatrix(), ndim=2).ndim == 2


def test_shape_i_and_shape_of_broadcastable():
    r = T.row()
    assert isinstance(shape_i(r, 0), T.TensorConstant)
    c = T.constant(np.zeros((2, 5)))
    assert int(shape_i(c, 1).data) == 5
    with pytest.raises(ValueError, match="dimensions"):
        Shape_i(2)(T.dmatrix())
    x = T.dtensor3()
    sh = x.shape
    assert sh.dtype == "int64" and sh.ndim == 1
    np.testing.assert_array_equal(run(sh, [x], [rand(2, 0, 4)]), [2, 0, 4])
    # the gradient through a shape is zero (shapes are not differentiable)
    v = T.dvector()
    g = T.grad(T.sum(v) + T.cast(v.shape[0] if hasattr(T.subtensor, "getitem") else shape_i(v, 0),
                                 "float64"), v)
    np.testing.assert_array_equal(run(g, [v], [rand(3)]), np.ones(3))


def test_reshape_op_identity():
    assert Reshape(2) == Reshape(2)
    assert Reshape(2) != Reshape(3)
    assert hash(Reshape(2)) == hash(Reshape(2))
    x = T.fmatrix()
    out = x.reshape((3, -1))
    assert out.dtype == "float32"
    compare_backends([x], out, [rand(6, 2, dtype="float32")], expected=rand(6, 2).reshape(3, -1))


def test_iterating_over_a_shape_vector():
    x = T.dtensor3()
    a, b, c = x.shape
    z = T.alloc(np.float64(0), *x.shape)
    res = run([a, b, c, z], [x], [rand(2, 3, 4)])
    assert [int(r) for r in res[:3]] == [2, 3, 4]
    assert res[3].shape == (2, 3, 4)
    with pytest.raises(TypeError, match="iteration"):
        iter(T.dvector())
        list(T.dvector())


def test_flatten_op_compat():
    from theano.tensor.basic import Flatten

    x = T.dtensor3()
    out = Flatten(2)(x)
    assert out.ndim == 2 and Flatten(2) == Flatten(2) and Flatten(1) != Flatten(2)
    np.testing.assert_allclose(run(out, [x], [rand(2, 3, 4)]), rand(2, 3, 4).reshape(2, 12))


def test_squeeze():
    x = T.TensorType("float64", (True, False, True))()
    y = T.squeeze(x)
    assert y.ndim == 1
    xv = rand(1, 3, 1)
    np.testing.assert_allclose(run(y, [x], [xv]), xv.squeeze())
    assert T.squeeze(x, axis=0).broadcastable == (False, True)
    assert x.squeeze().ndim == 1
    with pytest.raises(ValueError, match="not broadcastable"):
        T.squeeze(x, axis=1)
    m = T.dmatrix()
    assert T.squeeze(m) .ndim == 2


def test_swapaxes_and_pad_errors():
    with pytest.raises(ValueError, match="out of range"):
        T.swapaxes(T.dmatrix(), 0, 2)
    with pytest.raises(ValueError, match="out of range"):
        T.shape_padaxis(T.dmatrix(), 3)
    assert T.shape_padaxis(T.dmatrix(), 2).broadcastable == (False, False, True)
    assert T.shape_padleft(T.dvector(), 2).broadcastable == (True, True, False)
    assert T.shape_padright(T.dvector(), 1).broadcastable == (False, True)
    x = T.dmatrix()
    np.testing.assert_allclose(run(x.swapaxes(0, 1), [x], [rand(2, 3)]), rand(2, 3).T)


def test_specify_shape():
    x = T.dmatrix()
    n = T.lscalar()
    y = T.specify_shape(x, (n, 3))
    assert y.type == x.type
    f = theano.function([x, n], y, mode=PY)
    xv = rand(2, 3)
    np.testing.assert_allclose(f(xv, 2), xv)
    with pytest.raises(AssertionError, match="expected shape"):
        f(xv, 4)
    check_infer_shape([x, n], y, [xv, 2])
    with pytest.raises(AssertionError, match="entries"):    # Theano 1.0's class, as at run time
        T.specify_shape(x, (2, 3, 4))
    with pytest.raises(TypeError, match="integer"):
        T.specify_shape(x, (2.5, 3))
    verify_grad(lambda v: T.specify_shape(v, (2, 3)), [xv], mode=PY, rng=np.random.RandomState(2))


def test_get_vector_length():
    assert T.get_vector_length(T.dmatrix().shape) == 2
    assert T.get_vector_length(T.constant([1, 2, 3])) == 3
    assert T.get_vector_length(T.arange(2, 7)) == 5
    with pytest.raises(ValueError, match="not known"):
        T.get_vector_length(T.dvector())


def test_shape_slices_have_static_length():
    x = T.dtensor3()
    assert T.get_vector_length(x.shape[1:]) == 2
    assert T.get_vector_length(x.shape[::-1]) == 3
    assert T.get_vector_length(x.shape[:T.constant(1)]) == 1
    with pytest.raises(ValueError, match="not known"):
        T.get_vector_length(x.shape[:T.lscalar()])
    z = T.zeros(x.shape[1:])
    assert z.ndim == 2
    np.testing.assert_array_equal(run(z.shape, [x], [rand(2, 3, 4)]), [3, 4])
    a, b = x.shape[1:]
    np.testing.assert_array_equal(run([a, b], [x], [rand(2, 3, 4)]), [3, 4])


def test_rop_through_specify_shape():
    x, vx = T.dvector(), T.dvector()
    xv, ex = rand(3), rand(3, seed=4)
    got = run(T.Rop(T.specify_shape(x, (3,)), x, vx), [x, vx], [xv, ex])
    np.testing.assert_allclose(got, ex)


@pytest.mark.parametrize("mode", [PY, None], ids=["py", "numba"])
def test_cpu_contiguous(mode):
    from theano.tensor.extra_ops import CpuContiguous, cpu_contiguous

    x, s = T.dmatrix("x"), T.lscalar("s")
    # a strided, transposed view of an intermediate (the function copies no output of it)
    out = cpu_contiguous((x * 2)[::s].T)
    w = T.constant(np.arange(6.0)[:, None])  # one weight per row of out (per column of x)
    f = theano.function([x, s], [out, T.grad(T.sum(out * w), x)], mode=mode)
    assert any(isinstance(n.op, CpuContiguous) for n in f.maker.fgraph.toposort())
    xv = rand(4, 6)
    for step in (1, 2, 1, 3):
        got, g = f(xv, step)
        np.testing.assert_array_equal(got, 2 * xv[::step].T)
        assert got.flags.c_contiguous
        assert not np.shares_memory(got, xv)
        # the gradient passes through: column j of the rows x[::step] gets weight 2 j
        g_expected = np.zeros_like(xv)
        g_expected[::step] = 2 * np.arange(6.0)[None, :]
        np.testing.assert_array_equal(g, g_expected)
    # an input that is already C-contiguous comes back as it is, and the function's output is not
    # the caller's array (the op declares its view)
    y = T.dvector("y")
    fy = theano.function([y], cpu_contiguous(y), mode=mode)
    yv = rand(5)
    for _ in range(2):
        r = fy(yv)
        np.testing.assert_array_equal(r, yv)
        assert not np.shares_memory(r, yv)
    z = T.dscalar("z")
    fz = theano.function([z], cpu_contiguous(z) * 2, mode=mode)
    for _ in range(2):
        assert fz(1.5).shape == () and fz(1.5) == 3.0
    check_infer_shape([x, s], cpu_contiguous(x[::s].T), [xv, 2])
    verify_grad(cpu_contiguous, [rand(5, 7, 2)], mode=mode, rng=np.random.RandomState(4))


def test_cpu_contiguous_on_jax():
    pytest.importorskip("jax")
    from theano.tensor.extra_ops import cpu_contiguous

    x = T.dmatrix("x")
    f = theano.function([x], cpu_contiguous(x[::2].T) * 3, mode=theano.Mode(linker="jax"))
    xv = rand(5, 3)
    for _ in range(2):
        np.testing.assert_allclose(np.asarray(f(xv)), 3 * xv[::2].T)


@pytest.mark.parametrize("mode", [PY, None])
def test_reshape_to_a_scalar_shape(mode):
    # a 0-d integer shape is the length of a 1-d result, as numpy.reshape(x, 6)
    b = T.dmatrix("b")
    n = T.lscalar("n")
    outs = [T.reshape(b, T.as_tensor_variable(6), ndim=1), T.reshape(b, n), b.reshape(n)]
    f = theano.function([b, n], outs, mode=mode)
    for v in (np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2).T):
        for _ in range(2):
            for got in f(v, 6):
                np.testing.assert_array_equal(got, v.reshape(6))
    check_infer_shape([b, n], [outs[1]], [np.ones((2, 3)), 6])
    verify_grad(lambda x: T.reshape(x, T.as_tensor_variable(6)), [rand(2, 3)],
                rng=np.random.RandomState(0))
