"""``f(..., output_subset=[...])`` (Theano 1.0): only the named outputs are computed and returned."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from tests.helpers import MODES

MODE_NAMES = ("py", "auto")


class Counted(Op):
    """The identity, counting its runs (to see which outputs a call computed)."""

    __props__ = ("tag",)
    runs = {}

    def __init__(self, tag):
        self.tag = tag

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        Counted.runs[self.tag] = Counted.runs.get(self.tag, 0) + 1
        outputs[0][0] = inputs[0].copy()


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_list_outputs_values_and_order(mode):
    x = T.dvector("x")
    y = x ** 2
    f = theano.function([x], [y + 7, y - 9, T.exp(x).sum()], mode=MODES[mode]())
    rng = np.random.default_rng(1)
    for n in (3, 1, 4):
        v = rng.normal(size=n)
        ref = [v ** 2 + 7, v ** 2 - 9, np.exp(v).sum()]
        for subset in ([0, 1, 2], [2, 0], [1], [], [1, 1]):
            got = f(v, output_subset=subset)
            assert isinstance(got, list) and len(got) == len(subset)
            for g, k in zip(got, subset):
                np.testing.assert_allclose(g, ref[k], rtol=1e-12)
        full = f(v, output_subset=None)       # None: every output, as without the argument
        assert len(full) == 3


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_dict_outputs_by_key_and_single_output(mode):
    x = T.dscalar("x")
    g = theano.function([x], {"a": 3 * x * 5, "b": 3 * x - 7}, mode=MODES[mode]())
    h = theano.function([x], T.sin(x), mode=MODES[mode]())
    for v in (5.0, -2.0, 0.25):
        assert g(v, output_subset=["a"]) == {"a": pytest.approx(15 * v)}
        assert g(x=v, output_subset=["b", "a"]) == {"a": pytest.approx(15 * v),
                                                   "b": pytest.approx(3 * v - 7)}
        got = h(v, output_subset=[0])        # a list, as in Theano 1.0
        assert isinstance(got, list) and got[0] == pytest.approx(np.sin(v))
        assert h(v, output_subset=[]) == []


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_updates_and_internal_state_are_those_of_the_function(mode):
    x = T.lscalar("x")
    s = theano.shared(np.asarray(1, "int64"), name="s")
    acc = T.lscalar("acc")
    f = theano.function([x, theano.In(acc, value=0, update=acc + x)],
                        [x, x + 34, acc * 2], updates=[(s, s + x)], mode=MODES[mode]())
    total, state = 1, 0
    for v in (3, 30, 40, 2):
        got = f(v, output_subset=[2] if v % 2 else [])
        assert got == ([2 * state] if v % 2 else [])
        total += v
        state += v
        assert s.get_value() == total           # every call makes every update
        assert f["acc"] == state                # the function's own state moved on
    assert f(1) == [1, 35, 2 * state]


def test_other_outputs_are_not_computed():
    Counted.runs.clear()
    x = T.dvector("x")
    f = theano.function([x], [Counted("a")(x) + 1, Counted("b")(x) * 2],
                        mode=theano.Mode(linker="py", optimizer="fast_run"))
    v = np.arange(3.0)
    for _ in range(3):
        np.testing.assert_array_equal(f(v, output_subset=[1])[0], v * 2)
    assert Counted.runs == {"b": 3}
    np.testing.assert_array_equal(f(v)[0], v + 1)
    assert Counted.runs == {"a": 1, "b": 4}


def test_bad_subsets_are_named():
    x = T.dscalar("x")
    f = theano.function([x], [x + 1, x + 2])
    g = theano.function([x], {"a": x + 1})
    with pytest.raises(IndexError, match="index 2 is out of range for its 2 output"):
        f(1.0, output_subset=[2])
    with pytest.raises(TypeError, match="output indices"):
        f(1.0, output_subset=["a"])
    with pytest.raises(TypeError, match="must be a list"):
        f(1.0, output_subset=1)
    with pytest.raises(KeyError, match="names .*c.*which is not one of its outputs"):
        g(1.0, output_subset=["c"])
