"""The parts of a compiled function that Theano 1.0 programs reach into: ``f.fn`` (run once on
``f.input_storage``, ``storage_map``, ``allow_gc``), ``f.output_storage``, ``f.free()``,
``f.defaults``, ``f.indices``, ``f._check_for_aliased_inputs``, the storage a
``copy(share_memory=True)`` shares, and ``theano.configdefaults.python_int_bitwidth``."""

import copy
import ctypes

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In, function, shared
from theano.graph.basic import Constant

MODES = [theano.Mode(linker="py"), theano.Mode(linker="numba")]


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_fn_runs_on_input_storage_and_writes_updates(mode):
    x = T.dvector("x")
    s = shared(np.zeros(3), name="s")
    f = function([x], [x * 2.0, T.exp(x)], updates={s: s + x}, mode=mode)
    for k, a in enumerate([np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 0.0])]):
        before = s.get_value()
        f.input_storage[0].storage[0] = a
        assert f.fn() is None
        np.testing.assert_allclose(f.output_storage[0].value, a * 2.0)
        np.testing.assert_allclose(f.output_storage[1].value, np.exp(a))
        np.testing.assert_allclose(f.output_storage[2].value, before + a)   # the update's value
        np.testing.assert_allclose(s.get_value(), before + a)
    # the function itself still works and agrees
    np.testing.assert_allclose(f([1.0, 1.0, 1.0])[1], np.exp(np.ones(3)))


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_allow_gc_false_keeps_results_until_free(mode):
    x = T.dvector("x")
    s = shared(np.array([1.0, 2.0]), name="s")
    f = function([x], T.sum(x ** 2) + T.sum(s), updates={s: s * 2.0}, mode=mode)
    assert f.fn.allow_gc
    f([1.0, 1.0])
    assert all(c.value is None for c in f.output_storage)    # nothing kept by default
    f.fn.allow_gc = False
    for a in ([1.0, 2.0], [3.0, -1.0]):
        sv = s.get_value()
        r = f(a)
        np.testing.assert_allclose(r, np.sum(np.square(a)) + sv.sum())
        np.testing.assert_allclose(f.output_storage[0].value, r)
        np.testing.assert_allclose(f.output_storage[1].value, sv * 2.0)
        smap = f.fn.storage_map
        out0 = f.maker.fgraph.outputs[0]
        np.testing.assert_allclose(smap[out0][0], r)
    f.free()
    assert all(c.value is None for c in f.output_storage)
    smap = f.fn.storage_map
    for v, cell in smap.items():
        if isinstance(v, Constant):
            assert cell[0] is not None
        elif v not in f.maker.fgraph.inputs:
            assert cell[0] is None
    # shared values survive free(); calls go on
    np.testing.assert_allclose(s.get_value(), [8.0, 16.0])
    f.fn.allow_gc = True
    np.testing.assert_allclose(f([0.0, 0.0]), 24.0)
    assert f.output_storage[0].value is None


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_free_keeps_defaults_and_states(mode):
    x, a, st = T.dscalar("x"), T.dscalar("a"), T.dscalar("st")
    f = function([x, In(a, value=2.0), In(st, value=0.0, update=st + x)], st + a * x, mode=mode)
    assert f(1.0) == 2.0
    f.free()
    assert f["a"] == 2.0 and f["st"] == 1.0
    assert f(1.0) == 3.0
    assert f(1.0) == 4.0


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_storage_map_cells_are_the_containers(mode):
    x = T.dvector("x")
    s = shared(np.arange(3.0), name="s")
    f = function([x], (x + s) * 3.0, mode=mode)
    fg = f.maker.fgraph
    smap = f.fn.storage_map
    assert smap[fg.inputs[1]] is s.container.storage
    assert smap[fg.inputs[0]] is f.input_storage[0].storage
    assert set(smap) == set(fg.variables)
    s.set_value(np.ones(3))
    assert smap[fg.inputs[1]][0][0] == 1.0
    np.testing.assert_allclose(f([1.0, 2.0, 3.0]), [6.0, 9.0, 12.0])
    np.testing.assert_allclose(f([1.0, 2.0, 3.0]), [6.0, 9.0, 12.0])


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_copy_share_memory_shares_cells(mode):
    x = T.dscalar("x")
    y, z = shared(1.0, name="y"), shared(2.0, name="z")
    f = function([x], [T.tanh((x + y + 2.0) / (x + z - 0.2) ** 2)], updates={z: z + 1.0},
                 mode=mode)
    g = f.copy(share_memory=True)
    h = f.copy()
    fg = g.maker.fgraph
    io = set(fg.inputs) | set(fg.outputs)
    fm, gm, hm = f.fn.storage_map, g.fn.storage_map, h.fn.storage_map
    inner = [v for v in gm if v not in io]
    assert all(gm[v] is fm[v] for v in inner)
    assert all(hm[v] is not fm[v] for v in inner)
    assert all(gm[v] is not fm[v] for v in fg.outputs)
    for (_, _, (c,)), here, there in zip(f.indices, f.input_storage, g.input_storage):
        assert here is c and here.data is there.data
    # values: both read and update the same z
    for _ in range(2):
        zv = z.get_value()
        np.testing.assert_allclose(g(0.5)[0], np.tanh((0.5 + 1.0 + 2.0) / (0.5 + zv - 0.2) ** 2))
        assert z.get_value() == zv + 1.0


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_defaults_and_aliased_inputs_flag(mode):
    x, a, st = T.dscalar("x"), T.dscalar("a"), T.dscalar("st")
    f = function([x, In(a, value=1.0, name="a"), In(st, value=0.0, update=st + a * x)],
                 st + a * x, mode=mode)
    assert f.defaults == [(True, False, None), (False, True, 1.0), (False, False, 0.0)]
    f(2.0)
    assert f.defaults[2] == (False, False, 2.0)
    g = copy.deepcopy(f)
    assert g.defaults == f.defaults
    assert g._check_for_aliased_inputs is f._check_for_aliased_inputs is True   # a state
    assert g.maker.fgraph.name == f.maker.fgraph.name
    assert f(1.0) == g(1.0) == 3.0
    v = T.dvector("v")
    s = shared(np.ones(2))
    assert not function([v], v + 1, updates={s: s + 1}, mode=mode)._check_for_aliased_inputs
    assert not function([In(v, borrow=True)], v + 1, mode=mode)._check_for_aliased_inputs
    k = function([In(v, borrow=True)], v + 1, updates={s: s + v}, mode=mode)
    assert k._check_for_aliased_inputs
    # an argument that is the updated shared array itself: read as it was, never written
    for expect in ([2.0, 2.0], [4.0, 4.0]):
        arr = s.get_value(borrow=True)
        keep = arr.copy()
        np.testing.assert_allclose(k(arr), keep + 1.0)
        np.testing.assert_allclose(arr, keep)
        np.testing.assert_allclose(s.get_value(), expect)

@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_failing_fn_call_leaves_shared_unchanged(mode):
    x = T.dvector("x")
    s = shared(np.array([1.0, 2.0]), name="s")
    f = function([x], x + s, updates={s: s + x}, mode=mode)
    f.input_storage[0].storage[0] = np.ones(5)        # wrong length: the program fails
    with pytest.raises(Exception):
        f.fn()
    np.testing.assert_allclose(s.get_value(), [1.0, 2.0])
    f.input_storage[0].storage[0] = np.ones(2)
    f.fn()
    f.fn()
    np.testing.assert_allclose(s.get_value(), [3.0, 4.0])


def test_python_int_bitwidth():
    bits = theano.configdefaults.python_int_bitwidth()
    assert bits == 8 * ctypes.sizeof(ctypes.c_long)
    assert theano.configdefaults.local_bitwidth() == 8 * ctypes.sizeof(ctypes.c_void_p)
    expected = T.iscalar if bits == 32 else T.lscalar
    assert shared(7).type == expected


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_swapping_updates_take_the_arrays_without_copies(mode):
    rng = np.random.default_rng(3)
    a0, b0 = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    A, B = shared(a0.copy(), name="A"), shared(b0.copy(), name="B")
    f = function([], [], updates=[(A, B.T[:, ::-1]), (B, A.T)], mode=mode)
    expect_a, expect_b = a0, b0
    for _ in range(3):
        old_a, old_b = A.container.storage[0], B.container.storage[0]
        expect_a, expect_b = expect_b.T[:, ::-1], expect_a.T
        f()
        np.testing.assert_array_equal(A.get_value(), expect_a)
        np.testing.assert_array_equal(B.get_value(), expect_b)
        new_a, new_b = A.container.storage[0], B.container.storage[0]
        assert np.shares_memory(new_a, old_b) and np.shares_memory(new_b, old_a)
        assert not np.may_share_memory(new_a, new_b)


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_update_from_a_value_that_stays_is_copied(mode):
    A, B = shared(np.ones(3), name="A"), shared(np.arange(3.0), name="B")
    C = shared(np.zeros(3), name="C")
    f = function([], [], updates=[(A, B), (C, B[::-1])], mode=mode)   # B is not replaced
    for _ in range(2):
        f()
        np.testing.assert_array_equal(A.get_value(), [0.0, 1.0, 2.0])
        np.testing.assert_array_equal(C.get_value(), [2.0, 1.0, 0.0])
        vals = [A.container.storage[0], B.container.storage[0], C.container.storage[0]]
        assert not any(np.may_share_memory(vals[i], vals[j]) for i in range(3) for j in range(i))
    # a state given as an argument is the caller's array: never taken by a shared variable
    st = T.dvector("st")
    g = function([In(st, value=np.ones(3), update=st * 2.0)], [], updates=[(A, st)], mode=mode)
    arg = np.full(3, 5.0)
    for _ in range(2):
        g(arg)
        np.testing.assert_array_equal(A.get_value(), [5.0, 5.0, 5.0])
        assert not np.may_share_memory(A.container.storage[0], arg)
        np.testing.assert_array_equal(g["st"], [10.0, 10.0, 10.0])


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_failing_swap_call_writes_nothing(mode):
    A, B = shared(np.ones(2), name="A"), shared(np.zeros(2), name="B")
    x = T.dvector("x")
    f = function([x], [], updates=[(A, B + x), (B, A)], mode=mode)
    with pytest.raises(Exception):
        f(np.ones(3))
    np.testing.assert_array_equal(A.get_value(), [1.0, 1.0])
    np.testing.assert_array_equal(B.get_value(), [0.0, 0.0])
    f([1.0, 2.0])
    f([1.0, 2.0])
    np.testing.assert_array_equal(A.get_value(), [2.0, 3.0])
    np.testing.assert_array_equal(B.get_value(), [1.0, 2.0])


@pytest.mark.parametrize("mode", MODES, ids=["py", "numba"])
def test_expanded_inputs_reach_shared_containers(mode):
    x = T.dvector("x")
    s = shared(np.ones(2), name="s")
    r = shared(np.full(2, 3.0), name="r")
    f = function([In(x, value=np.zeros(2))], x + s * r, updates={s: s * 2.0}, mode=mode)
    ins = f.maker.expanded_inputs
    assert [i.variable for i in ins] == [x] + f.maker.shared_vars
    assert ins[0] is f.maker.inputs[0]
    by_var = {i.variable: i for i in ins[1:]}
    assert by_var[s].value is s.container and by_var[s].mutable and by_var[s].implicit
    assert by_var[r].value is r.container and not by_var[r].mutable
    by_var[s].value.data = np.array([5.0, 6.0])
    np.testing.assert_allclose(f(), [15.0, 18.0])
    np.testing.assert_allclose(f(), [30.0, 36.0])
    np.testing.assert_allclose(s.get_value(), [20.0, 24.0])
