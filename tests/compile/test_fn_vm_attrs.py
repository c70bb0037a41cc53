"""``f.fn`` as Theano 1.0's VM: ``allow_gc`` lets kept results go, per-node ``thunks`` on VM_Linker."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gof import vm
from theano.ifelse import ifelse


@pytest.mark.parametrize("linker", ["py", "auto", "vm_linker"])
def test_allow_gc_back_on_lets_the_kept_results_go(linker):
    mode = theano.Mode(linker=vm.VM_Linker() if linker == "vm_linker" else linker,
                       optimizer="fast_run")
    v = T.dvector("v")
    f = theano.function([v], T.exp(v) + 1, mode=mode)
    out_cell = f.fn.storage_map[f.maker.fgraph.outputs[0]]
    for k in range(3):
        x = np.arange(3.0) + k
        np.testing.assert_allclose(f(x), np.exp(x) + 1)
        assert out_cell[0] is None                  # allow_gc: nothing kept
    f.fn.allow_gc = False
    for k in range(3):
        x = np.arange(2.0) - k
        np.testing.assert_allclose(f(x), np.exp(x) + 1)
        np.testing.assert_allclose(out_cell[0], np.exp(x) + 1)   # the last result kept
    f.fn.allow_gc = True
    assert f.fn.allow_gc is True and out_cell[0] is None
    x = np.ones(4)
    np.testing.assert_allclose(f(x), np.exp(x) + 1)
    assert out_cell[0] is None


def test_vm_linker_function_has_one_thunk_per_node():
    a = T.dscalar("a")
    b, c = T.dvectors("b", "c")
    f = theano.function([a, b, c], ifelse(a, a * b, b * c),
                        mode=theano.Mode(optimizer=None,
                                         linker=vm.VM_Linker(c_thunks=False, use_cloop=False)))
    rng = np.random.default_rng(0)
    for cond in (1.0, 0.0, 1.0):
        bv, cv = rng.normal(size=3), rng.normal(size=3)
        np.testing.assert_allclose(f(cond, bv, cv), cond * bv if cond else bv * cv)
    with pytest.raises(ValueError):
        f(0.0, np.ones(2), np.ones(3))               # b * c of unequal lengths
    nodes, thunks = f.fn.nodes, f.fn.thunks
    assert len(thunks) == len(nodes) == len(f.maker.fgraph.apply_nodes)
    assert not any(hasattr(t, "cthunk") for t in thunks)          # no C thunks here
    # a thunk runs its node alone on its cells
    fb, fc = f.maker.fgraph.inputs[1:]
    k = next(i for i, n in enumerate(nodes) if n.inputs == [fb, fc])
    t = thunks[k]
    t.inputs[0][0], t.inputs[1][0] = np.array([2.0, 3.0]), np.array([4.0, 5.0])
    t()
    np.testing.assert_allclose(t.outputs[0][0], [8.0, 15.0])


def test_other_backends_say_they_have_no_thunks():
    x = T.dscalar("x")
    f = theano.function([x], x + 1)
    assert f(2.0) == 3.0
    with pytest.raises(AttributeError, match="only a function compiled with .*VM_Linker"):
        f.fn.thunks
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        f.fn.nothing
