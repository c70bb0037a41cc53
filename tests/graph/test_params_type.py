"""Op parameters (ParamsType/Params, EnumType/EnumList/CEnumType): values of ops that take
``params`` in ``perform``, on the reference VM and the default backend, against NumPy."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gof import Apply, CEnumType, EnumList, EnumType, Op, Params, ParamsType, generic
from tests.helpers import MODES, value_mode


class Quadratic(Op):
    __props__ = ("a", "b", "c")
    params_type = ParamsType(a=T.TensorType("float64", ()), b=generic, c=generic)

    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage, params):
        x, = inputs
        assert isinstance(params, Params) and isinstance(params.a, np.ndarray)
        output_storage[0][0] = (params.a * x ** 2 + params.b * x + params.c).astype(x.dtype)

    def infer_shape(self, node, shapes):
        return shapes


class Arith(Op):
    __props__ = ("which",)
    params_type = EnumList(("ADD", "+"), ("SUB", "-"), ("MUL", "*"))

    def __init__(self, which):
        if not self.params_type.has_alias(which):
            raise ValueError(f"Arith: unknown operation {which!r}")
        self.which = which

    def get_params(self, node):
        return self.which          # an alias: params_type.filter turns it into the constant

    def make_node(self, a, b):
        a, b = T.as_tensor_variable(a), T.as_tensor_variable(b)
        return Apply(self, [a, b], [a.type()])

    def perform(self, node, inputs, output_storage, op):
        a, b = inputs
        pt = self.params_type
        out = {pt.ADD: a + b, pt.SUB: a - b, pt.MUL: a * b}[op]
        output_storage[0][0] = np.asarray(out, dtype=a.dtype)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_op_with_params_type(mode, dtype):
    x = T.matrix(dtype=dtype)
    f = theano.function([x], Quadratic(2, 3, -7)(x), mode=value_mode(mode))
    rng = np.random.default_rng(1)
    for shape in [(3, 4), (1, 5), (2, 2)]:
        v = rng.normal(size=shape).astype(dtype)
        r = f(v)
        assert r.dtype == dtype
        np.testing.assert_allclose(r, 2 * v ** 2 + 3 * v - 7, rtol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_op_with_enum_params(mode):
    a, b = T.ivectors("a", "b")
    outs = [Arith(w)(a, b) for w in "+-*"]
    f = theano.function([a, b], outs, mode=value_mode(mode))
    for k in range(3):
        va = np.array([12, 3 + k], dtype="int32")
        vb = np.array([15, -2], dtype="int32")
        r = f(va, vb)
        for got, ref in zip(r, [va + vb, va - vb, va * vb]):
            np.testing.assert_array_equal(got, ref)
            assert got.dtype == np.int32
    with pytest.raises(ValueError, match="unknown operation"):
        Arith("/")


def test_params_equality_hash_and_filter():
    pt = ParamsType(a=generic, arr=T.TensorType("int64", (False,)), s=T.TensorType("float64", ()))
    assert pt.fields == ("a", "arr", "s") and pt.length == 3
    assert pt == ParamsType(s=T.TensorType("float64", ()), a=generic,
                            arr=T.TensorType("int64", (False,)))
    p1 = Params(pt, a=1, arr=np.array([1, 2, 4]), s=np.asarray(1.5))
    p2 = Params(pt, a=1, arr=np.array([1, 2, 4]), s=np.asarray(1.5))
    assert p1 == p2 and hash(p1) == hash(p2) and not (p1 != p2)
    assert p1 != Params(pt, a=1, arr=np.array([1, 2, 5]), s=np.asarray(1.5))
    assert p1 != Params(pt, a=2, arr=np.array([1, 2, 4]), s=np.asarray(1.5))
    with pytest.raises(AttributeError):
        p1.a = 3
    with pytest.raises(TypeError, match="missing"):
        Params(pt, a=1)
    assert pickle.loads(pickle.dumps(p1)) == p1
    bad = Params(pt, a=1, arr=np.array([1.5, 2.0]), s=np.asarray(1.5))
    with pytest.raises(TypeError, match="arr"):
        pt.filter(bad, strict=True)
    narrow = ParamsType(v=T.TensorType("int32", (False,)))
    wide = Params(narrow, v=np.array([1, 2], dtype="int64"))
    with pytest.raises(TypeError):
        narrow.filter(wide, strict=False, allow_downcast=False)
    got = narrow.filter(wide, strict=False, allow_downcast=True)
    assert got.v.dtype == np.int32 and narrow.values_eq(got, got)


def test_enum_types():
    e1 = EnumType(C1=True, C2=12, C3=-1.0)
    assert e1 == EnumType(C1=1, C2=12, C3=-1) and hash(e1) == hash(EnumType(C1=1, C2=12, C3=-1))
    a = EnumType(A=("alpha", 0), B=(1, "beta"), C=2)
    assert a != EnumType(A=("a", 0), B=("beta", 1), C=2)
    assert a.filter("beta") == a.fromalias("beta") == a.B == 1 and a.filter("C") == 2
    assert a.filter(2) == 2
    with pytest.raises(TypeError, match="constants"):
        a.filter(7)
    with pytest.raises(TypeError):
        a.filter("gamma")
    for bad in ("a", "_A", "0"):
        with pytest.raises(AttributeError):
            EnumList(bad)
        with pytest.raises(AttributeError):
            EnumType(**{bad: 0})
    with pytest.raises(TypeError):
        EnumType(X="no strings")
    with pytest.raises(TypeError):
        EnumList(("A", "a"), ("B", "A"))          # an alias equal to a constant name
    c = CEnumType("ONE", ("TWO", "two"), ctype="size_t")
    assert (c.ONE, c.TWO, c.fromalias("two"), c.ctype) == (0, 1, 1, "size_t")
    with pytest.raises(AttributeError):
        ParamsType(e1=EnumList("A", "B"), e2=EnumList("A", "F"))
    with pytest.raises(AttributeError):
        ParamsType(e1=EnumList(("A", "a")), e2=EnumList(("ONE", "a")))
    w = ParamsType(e1=EnumList("A", ("B", "beta")), e2=EnumList(("D", "delta"), "E"))
    assert (w.A, w.B, w.D, w.E) == (0, 1, 0, 1)
    assert w.enum_from_alias("beta") == 1 and w.enum_from_alias("delta") == 0
    assert w.enum_from_alias("A") == 0


def test_get_params_without_attributes_is_clear():
    class NoAttr(Op):
        params_type = ParamsType(k=generic)

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out, params):
            out[0][0] = inputs[0]

    x = T.dvector()
    f = theano.function([x], NoAttr()(x), mode="FAST_COMPILE")
    with pytest.raises(Exception, match="get_params"):
        f(np.zeros(2))


def test_perform_with_a_default_params_argument_and_no_params_type():
    class Scale(Op):
        __props__ = ("k",)

        def __init__(self, k):
            self.k = k

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage, params=None):
            assert params is None
            output_storage[0][0] = inputs[0] * self.k

    x = T.dvector()
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        f = theano.function([x], Scale(3)(x), mode=mode)
        for n in (1, 4):
            np.testing.assert_array_equal(f(np.arange(float(n))), np.arange(float(n)) * 3)
