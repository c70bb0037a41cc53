"""Op.__call__ with config.compute_test_value (Theano 1.0's test values: ``x.tag.test_value``)."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T


@pytest.fixture
def test_values():
    def set_mode(mode):
        theano.config.compute_test_value = mode

    old = theano.config.compute_test_value
    yield set_mode
    theano.config.compute_test_value = old


def test_tag_is_a_scratchpad_and_test_value_is_checked_by_the_type():
    x = T.fmatrix("x")
    x.tag.note = "anything"
    assert x.tag.note == "anything"
    x.tag.test_value = np.ones((2, 2), dtype="float32")
    assert x.get_test_value().dtype == "float32"
    x.tag.test_value = [[1, 2], [3, 4]]     # converted by the type when set
    assert x.tag.test_value.dtype == "float32"
    # a value the type refuses is kept as given (Theano 1.0); using it raises the type's error
    for bad in (np.full((2, 2), 0.1), np.ones(2, dtype="float32")):   # lossy, wrong ndim
        x.tag.test_value = bad
        assert x.tag.test_value is bad
        with pytest.raises(TypeError, match="test value of x does not fit its type"):
            x.get_test_value()
    x.tag.test_value = np.ones((2, 2), dtype="float32")   # a good value clears the error
    assert x.get_test_value().dtype == "float32"
    with pytest.raises(AttributeError):
        T.dvector().get_test_value()
    assert theano.shared(np.arange(3.0)).get_test_value().tolist() == [0.0, 1.0, 2.0]


def test_off_computes_nothing():
    x = T.dmatrix("x")
    x.tag.test_value = np.ones((2, 3))
    y = T.dot(x, np.ones((4, 4)))  # wrong shapes are only found when the function runs
    with pytest.raises(AttributeError):
        y.get_test_value()


def test_raise_mode_computes_values_and_reports_errors_where_the_graph_is_built(test_values):
    test_values("raise")
    x = T.dmatrix("x")
    x.tag.test_value = np.arange(6.0).reshape(2, 3)
    w = theano.shared(np.ones((3, 4)))
    y = T.tanh(T.dot(x, w) + 1).sum(axis=1)
    np.testing.assert_allclose(y.tag.test_value, np.tanh(x.tag.test_value @ np.ones((3, 4)) + 1).sum(1))
    with pytest.raises(ValueError, match="[Ss]hape"):
        T.dot(x, np.ones((4, 4)))
    with pytest.raises(ValueError, match="missing default value"):
        T.dvector("z") + 1
    # compiling and running are not affected
    f = theano.function([x], T.grad(y.sum(), w))
    assert f(np.ones((2, 3))).shape == (3, 4)


def test_warn_and_ignore_modes(test_values):
    z = T.dvector("z")
    test_values("warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = z * 2
    assert any("missing default value" in str(w.message) for w in caught)
    test_values("ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = (y + 1) * z
    assert theano.function([z], y)([1.0, 2.0]).tolist() == [3.0, 10.0]


def test_scan_body_and_gradient_with_test_values(test_values):
    test_values("raise")
    x = T.dmatrix("x")
    x.tag.test_value = np.ones((5, 3))
    w = theano.shared(np.eye(3) * 0.5)
    seen = []

    def step(x_t, h, w):
        seen.append(x_t.get_test_value().shape)
        return T.tanh(x_t + T.dot(h, w))

    h, _ = theano.scan(step, sequences=x, outputs_info=T.zeros((3,)), non_sequences=w)
    assert seen == [(3,)]
    assert h.get_test_value().shape == (5, 3)
    fib, _ = theano.scan(lambda a, b: a + b, n_steps=5,
                         outputs_info=dict(initial=T.constant(np.array([0.0, 1.0])), taps=[-2, -1]))
    assert fib.get_test_value().tolist() == [1.0, 2.0, 3.0, 5.0, 8.0]
    g = T.grad(h.sum(), w)
    f = theano.function([x], h[-1], updates=[(w, w - 0.1 * g)])
    assert f(np.ones((5, 3))).shape == (3,)


from theano.graph.basic import Apply  # noqa: E402
from theano.graph.op import Op  # noqa: E402


class _NoPropsBinOp(Op):
    """A Theano 1.0-style op without __props__: its attributes make it what it is."""

    def __init__(self, name, fn):
        self.name, self.fn = name, fn

    def make_node(self, a, b):
        a, b = T.as_tensor_variable(a), T.as_tensor_variable(b)
        return Apply(self, [a, b], [a.type()])

    def perform(self, node, inputs, out):
        out[0][0] = self.fn(*inputs)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_ops_without_props_compare_by_identity(mode):
    add = _NoPropsBinOp("add", np.add)
    sub = _NoPropsBinOp("sub", np.subtract)
    assert add != sub and add == add and add in {add} and sub not in {add}
    x, y = T.dvectors("x", "y")
    f = theano.function([x, y], [add(x, y), sub(x, y), add(x, y)], mode=mode)
    for k in range(3):
        a, b = np.array([3.0, k]), np.array([1.0, 2.0])
        r = f(a, b)
        np.testing.assert_array_equal(r[0], a + b)
        np.testing.assert_array_equal(r[1], a - b)     # not merged with add's node
        np.testing.assert_array_equal(r[2], a + b)


@pytest.mark.parametrize("mode", ["py", "auto"])
def test_refused_test_value_matters_only_when_test_values_are_on(test_values, mode):
    """Theano 1.0 programs written for floatX=float32 set float64 test values; with test values
    off they compile and run, with 'raise' the op applied to the variable raises TypeError."""
    rng = np.random.default_rng(3)
    x, y = T.fmatrix("x"), T.fmatrix("y")
    x.tag.test_value = rng.random((3, 4))          # float64 for a float32 variable
    y.tag.test_value = rng.random((4, 5)).astype("float32")
    test_values("off")
    f = theano.function([x, y], T.dot(x, y) * 2, mode=theano.Mode(linker=mode,
                                                                   optimizer="fast_run"))
    for n in (2, 3, 1):
        a = rng.random((n, 4)).astype("float32")
        b = rng.random((4, 5)).astype("float32")
        np.testing.assert_allclose(f(a, b), (a @ b) * 2, rtol=1e-5)
    test_values("raise")
    with pytest.raises(TypeError, match="test value of x does not fit its type"):
        T.dot(x, y)
    x.tag.test_value = x.tag.test_value.astype("float32")
    out = T.dot(x, y)
    np.testing.assert_allclose(out.tag.test_value, x.tag.test_value @ y.tag.test_value, rtol=1e-5)
