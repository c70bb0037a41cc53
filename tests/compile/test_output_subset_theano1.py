"""``f(..., output_subset=...)`` as in Theano 1.0, a second set of checks: only the outputs named are
computed and returned, the updates still happen, and the function's state is shared."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In
from theano.gof import vm
from tests.helpers import MODES

MODE_NAMES = ("py", "py_opt", "auto")


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_output_subset_values_and_order(mode):
    x = T.dvector("x")
    y = x ** 2
    f = theano.function([x], [y + 7, T.exp(x).sum(), y / 14.0], mode=MODES[mode]())
    v = np.array([0.5, -1.0, 2.0])
    ref = [v ** 2 + 7, np.exp(v).sum(), v ** 2 / 14.0]
    for _ in range(3):
        full = f(v)
        for a, b in zip(full, ref):
            np.testing.assert_allclose(a, b)
        got = f(v, output_subset=[2, 0])
        assert isinstance(got, list) and len(got) == 2
        np.testing.assert_allclose(got[0], ref[2])
        np.testing.assert_allclose(got[1], ref[0])
        got = f(v, output_subset=[1, 1])
        np.testing.assert_allclose(got[0], ref[1])
        np.testing.assert_allclose(got[1], ref[1])
        assert f(v, output_subset=[]) == []
        # the subset is computed alone: no exp in the graph of outputs 0 and 2
        got = f(x=v, output_subset=(0,))
        np.testing.assert_allclose(got[0], ref[0])
    sub = f._subsets[(0, 2)]
    assert not any(isinstance(n.op, T.Elemwise) and "exp" in str(n.op) for n in sub.maker.fgraph.apply_nodes)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_output_subset_dict_and_single(mode):
    x = T.dscalar("x")
    y = 3 * x
    f = theano.function([x], {"a": y * 5, "b": y - 7}, mode=MODES[mode]())
    for _ in range(3):
        assert f(5.0, output_subset=["a"]) == {"a": 75.0}
        assert f(5.0, output_subset=["b", "a"]) == {"b": 8.0, "a": 75.0}
    with pytest.raises(KeyError, match="output_subset names"):
        f(5.0, output_subset=["c"])
    g = theano.function([x], y * 2, mode=MODES[mode]())
    assert g(2.0, output_subset=[0]) == [12.0]      # a list, as Theano 1.0
    with pytest.raises(IndexError, match="index 1 is out of range"):
        g(2.0, output_subset=[1])
    with pytest.raises(TypeError, match="list of output indices"):
        g(2.0, output_subset=0)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_output_subset_keeps_updates_and_states(mode):
    x = T.lscalar("x")
    s = theano.shared(np.asarray(1, "int64"), name="s")
    f = theano.function([x], [x, x + 34], updates=[(s, x + 1)], mode=MODES[mode]())
    g = theano.function([x], [x - 6], updates=[(s, s + 3)], mode=MODES[mode]())
    assert f(3, output_subset=[]) == []
    assert s.get_value() == 4
    assert g(30, output_subset=[0]) == [24]
    assert g(40, output_subset=[]) == []
    assert s.get_value() == 10
    # an In state: the subset's calls and the full calls advance the same state
    acc, inc = T.dscalar("acc"), T.dscalar("inc")
    h = theano.function([inc, In(acc, value=0.0, update=acc + inc)], [acc * 2, acc + inc],
                        mode=MODES[mode]())
    assert h(1.0) == [0.0, 1.0]
    assert h(2.0, output_subset=[1]) == [3.0]
    assert h["acc"] == 3.0
    assert h(1.0, output_subset=[0]) == [6.0]
    assert h["acc"] == 4.0
    h["acc"] = 10.0
    assert h(0.5, output_subset=[1]) == [10.5]


def test_output_subset_on_the_partial_eval_linker():
    x = T.dscalar("x")
    y = x ** 2
    mode = theano.Mode(linker=vm.VM_Linker(allow_partial_eval=True, use_cloop=False), optimizer=None)
    f = theano.function([x], [y + 7, y - 9, y / 14.0], mode=mode)
    for _ in range(3):
        assert f(4.0, output_subset=[0, 2]) == [23.0, 16.0 / 14.0]
        assert f(3.0, output_subset=[0, 1, 2]) == f(3.0)
