"""theano.function as Theano 1.0 programs call it: updates/givens as any iterable of pairs, pfunc and
rebuild_collect_shared, the order of implicit shared inputs, In(value=, update=) state read and
written through f[...], Function.copy(share_memory=, swap=, delete_updates=), pickling of state,
and Theano's exception classes."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In, function, shared
from theano.compile.function import UnusedInputError

MODES = ["FAST_COMPILE", "FAST_RUN"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["dict", "ordered", "list", "tuple", "items", "generator"])
def test_updates_and_givens_accept_any_iterable_of_pairs(mode, kind):
    w = shared(np.array([1.0, 2.0]), name="w")
    b = shared(np.array(0.5), name="b")
    x = T.dvector("x")
    y = T.dvector("y")
    pairs = [(w, w - 0.1 * x), (b, b + x.sum())]

    def wrap(ps):
        return {"dict": lambda: dict(ps), "ordered": lambda: OrderedDict(ps), "list": lambda: list(ps),
                "tuple": lambda: tuple(ps), "items": lambda: dict(ps).items(),
                "generator": lambda: (p for p in ps)}[kind]()

    f = function([y], (w * x).sum() + b, updates=wrap(pairs), givens=wrap([(x, y * 2)]), mode=mode)
    yv = np.array([1.0, -1.0])
    wv, bv = np.array([1.0, 2.0]), 0.5
    for _ in range(3):
        out = f(yv)
        np.testing.assert_allclose(out, (wv * 2 * yv).sum() + bv)
        wv, bv = wv - 0.1 * 2 * yv, bv + (2 * yv).sum()
        np.testing.assert_allclose(w.get_value(), wv)
        np.testing.assert_allclose(b.get_value(), bv)


def test_updates_bad_shapes_raise():
    w = shared(1.0)
    with pytest.raises(ValueError):
        function([], w, updates=[(w, w + 1, 3)])
    with pytest.raises(TypeError):
        function([], w, updates=5)
    with pytest.raises(ValueError):
        function([], w, updates=[(w, w + 1), (w, w + 2)])


def test_update_with_other_broadcast_pattern_is_a_type_error():
    out = shared(np.random.rand(3, 3), name="out")
    with pytest.raises(TypeError, match="same type"):
        function([], [], updates={out: out.sum().dimshuffle("x", "x")})


def test_duplicate_input_raises_unused_input_error():
    x = T.dvector("x")
    with pytest.raises(UnusedInputError, match="twice"):
        function([x, x], x * 2)


def test_givens_cannot_replace_an_input():
    x = T.dscalar("x")
    with pytest.raises(RuntimeError, match="givens"):
        function([x], x * 2, givens={x: T.constant(1.0)})


def test_givens_rebuild_strict_false_changes_the_type():
    x = T.dvector("x")
    m = T.dmatrix("m")
    out = T.exp(x) * 2
    with pytest.raises(TypeError):
        function([m], out, givens={x: m})
    for mode in MODES:
        f = function([m], out, givens={x: m}, rebuild_strict=False, mode=mode)
        mv = np.arange(6.0).reshape(2, 3) / 6
        for _ in range(2):
            np.testing.assert_allclose(f(mv), np.exp(mv) * 2)


@pytest.mark.parametrize("mode", MODES)
def test_implicit_shared_inputs_in_theano_order(mode):
    x, y, z, u = (shared(float(v), name=n) for v, n in zip((1, 2, 3, 4), "xyzu"))
    f = function([], [x + y, z], updates=[(u, u + x)], mode=mode)
    assert [v.name for v in f.maker.shared_vars] == ["x", "y", "z", "u"]
    assert [float(v) for v in f()] == [3.0, 3.0]
    assert [float(v) for v in f()] == [3.0, 3.0]
    assert u.get_value() == 6.0


def test_rebuild_collect_shared_and_pfunc():
    from theano.compile import pfunc
    from theano.compile.pfunc import rebuild_collect_shared

    a = shared(1.0, name="a")
    b = shared(2.0, name="b")
    c = shared(5.0, name="c")
    c.default_update = c * 2
    x = T.dscalar("x")
    ins, outs, (clone_d, update_d, update_expr, shared_inputs) = rebuild_collect_shared(
        [x * b + c], [x], replace={b: a + 1}, updates=[(a, a + x)])
    assert ins == [x]
    assert [v.name for v in shared_inputs] == ["a", "c"]
    assert [t.name for t, _ in update_expr] == ["a", "c"]
    g = function([x], outs[0], updates=update_expr)
    assert g(3.0) == 3.0 * 2 + 5.0
    assert a.get_value() == 4.0 and c.get_value() == 10.0
    f = pfunc([x], x + a, givens=[(a, T.constant(10.0))])
    assert f(1.0) == 11.0
    assert callable(theano.compile.pfunc)
    with pytest.raises(TypeError):
        rebuild_collect_shared([x], no_default_updates=a)


@pytest.mark.parametrize("mode", MODES)
def test_in_value_update_is_internal_state(mode):
    a = T.dscalar()
    x, s = T.dscalars("x", "s")
    f = function([x, In(a, value=1.0, name="a"), In(s, value=0.0, update=s + a * x)], s + a * x,
                 mode=mode)
    assert f[a] == 1.0 and f["a"] == 1.0 and f[s] == 0.0 and f[1] == 1.0
    assert f(3.0) == 3.0
    assert f(3.0, a=2.0) == 9.0
    assert f[a] == 1.0  # a value given for one call is not kept
    assert f[s] == 9.0
    f[a] = 5.0
    assert f.value[a] == 5.0
    assert f(3.0) == 24.0 and f["s"] == 24.0
    f["s"] = 1.0
    assert f(1.0) == 6.0 and f[s] == 6.0
    with pytest.raises(KeyError):
        f["nope"]


@pytest.mark.parametrize("mode", MODES)
def test_state_shared_between_functions_through_container(mode):
    x, s = T.dscalars("x", "s")
    inc = function([x, In(s, update=s + x, value=10.0)], [], mode=mode)
    dec = function([x, In(s, update=s - x, value=inc.container[s])], [], mode=mode)
    assert dec[s] is inc[s]
    inc[s] = 2
    dec(1)
    assert inc[s] == 1
    inc(5)
    assert dec[s] == 6
    dec(1, 0)  # s given explicitly: the update starts from the given value
    assert inc[s] == -1 and dec[s] == -1


@pytest.mark.parametrize("mode", MODES)
def test_copy_keeps_state_separate_unless_share_memory(mode):
    a = T.dscalar()
    x, s = T.dscalars("x", "s")
    f = function([x, In(a, value=1.0, name="a"), In(s, value=0.0, update=s + a * x, mutable=True)],
                 s + a * x, mode=mode, name="acc")
    f(2.0)
    g = copy.copy(f)
    assert g.name == "acc copy"
    assert g[s] == f[s] == 2.0
    assert g.container[s] is not f.container[s]
    # as in Theano 1.0, the copy of a one-output function returns a list of one value
    assert f(2.0) == 4.0 and g(2.0) == [4.0]
    f(1.0, 5.0)
    assert f[s] == 9.0 and g[s] == 4.0
    h = f.copy(share_memory=True, name="h")
    assert h.name == "h"
    assert h(1.0) == [10.0]
    assert f[s] == 10.0 and h[s] == 10.0


@pytest.mark.parametrize("mode", MODES)
def test_copy_swap_and_delete_updates(mode):
    i = T.iscalar("i")
    data = shared(np.arange(10.0), name="data")
    x = T.dscalar("x")
    y = shared(1.0, name="y")
    z = shared(2.0, name="z")
    m = shared(0.0, name="m")
    y2 = shared(3.0, name="y2")
    z2 = shared(4.0, name="z2")
    ori = function([i], x + y + z + m, updates=[(z, z + 1), (m, m + 2)], givens={x: data[i]},
                   mode=mode)
    cpy = ori.copy(swap={y: y2, z: z2})
    assert ori(1) == 1 + 1 + 2 + 0
    assert cpy(1) == [1 + 3 + 4 + 2]
    assert cpy(2) == [2 + 3 + 5 + 4]
    assert (m.get_value(), z.get_value(), z2.get_value(), y.get_value(), y2.get_value()) == \
        (6.0, 3.0, 6.0, 1.0, 3.0)
    nou = ori.copy(delete_updates=True)
    assert nou(0) == [0 + 1 + 3 + 6]
    assert nou(0) == [10] and z.get_value() == 3.0 and m.get_value() == 6.0
    with pytest.raises(TypeError):
        ori.copy(swap={y: shared(np.zeros(2))})
    w = T.iscalar("w")
    upd_only = function([x, w], x, updates={z: z + w}, mode=mode)
    assert upd_only.copy(delete_updates=True)(2.0, 7) == [2.0]
    assert z.get_value() == 3.0


def test_pickled_functions_keep_state_and_sharing():
    x, s = T.dscalars("x", "s")
    f1 = function([x, In(s, value=0.0, update=s + x)], s * 2)
    f2 = function([x, In(s, value=f1.container[s], update=s - x)], s * 3)
    f1(5.0)
    g1, g2 = pickle.loads(pickle.dumps([f1, f2]))
    assert g1["s"] == 5.0 and g2["s"] == 5.0
    assert g2(1.0) == 15.0
    assert g1["s"] == 4.0  # the cell is still shared after loading
    assert f1["s"] == 5.0  # and separate from the original's


@pytest.mark.parametrize("mode", MODES)
def test_unlent_arguments_are_never_returned(mode):
    a = T.dmatrix("a")
    av = np.random.rand(3, 3)
    f = function([In(a, borrow=False)], theano.Out(a[0, :], borrow=True), mode=mode)
    for _ in range(2):
        r = f(av)
        np.testing.assert_allclose(r, av[0])
        assert not np.may_share_memory(r, av)
    g = function([In(a, borrow=True)], theano.Out(a + 1, borrow=True), mode=mode)
    np.testing.assert_allclose(g(av), av + 1)


def test_in_name_must_be_a_string():
    a = T.dscalar()
    with pytest.raises(TypeError):
        In(a, name=[])
    with pytest.raises(TypeError):
        In(a, name=T.dscalar(), value=1.0)
    f = function([In(a, name="a", value=2.0)], a * 3)
    assert f() == 6.0 and f(a=1.0) == 3.0


def test_set_value_of_nonsense_is_a_type_and_value_error():
    u = shared(np.array([1.0, 2.0]), name="u")
    u.set_value([3, 4])
    assert u.get_value().dtype == np.float64 and u.get_value().tolist() == [3.0, 4.0]
    for exc in (TypeError, ValueError):
        with pytest.raises(exc):
            u.set_value("adsf")
    assert u.get_value().tolist() == [3.0, 4.0]


@pytest.mark.parametrize("mode", MODES)
def test_copy_of_a_one_output_function_returns_a_list_as_theano(mode):
    """Theano 1.0 builds a copy from the list of the original's outputs: ``f.copy()(x)`` is a
    list of one value where ``f(x)`` is the value (Theano's own tests index ``cpy(1)[0]``)."""
    import pickle

    x = T.fscalar("x")
    y, z = shared(1), shared(2)
    ori = function([x], x + y + z, mode=mode, updates={z: z * 2})
    for cpy, updates in ((ori.copy(delete_updates=True), False), (ori.copy(), True),
                         (copy.copy(ori), True)):
        before = z.get_value()
        got = cpy(1)
        assert isinstance(got, list) and len(got) == 1 and got[0] == 1 + 1 + before
        assert z.get_value() == (before * 2 if updates else before)
    assert isinstance(pickle.loads(pickle.dumps(ori.copy()))(1), list)
    assert not isinstance(ori(1), list)
    two = function([x], [x + y, x * 2], mode=mode)
    assert [float(v) for v in two.copy()(3)] == [4.0, 6.0]


def test_pickle_function_reduction_of_function_module():
    # theano.compile.function_module._pickle_Function (Theano 1.0): what pickle stores for a
    # Function; rebuilding from it gives a function with the same values and state, and calls do
    # not make the pickle grow (no temporaries kept)
    import pickle

    from theano.compile.function_module import _pickle_Function

    x, acc = theano.tensor.dvector("x"), theano.tensor.dscalar("acc")
    f = theano.function([x, theano.In(acc, value=1.0, update=acc + x.sum())], x * acc + 1)
    rebuild, args = _pickle_Function(f)
    assert rebuild is type(f).__reduce__(f)[0] and args[1] == list(f.input_storage[:2])
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(f(v), v * 1.0 + 1)
    for _ in range(3):
        # through pickle: a function of its own with the same state
        rb, a = pickle.loads(pickle.dumps(_pickle_Function(f)))
        g = rb(*a)
        assert g["acc"] == f["acc"]
        np.testing.assert_allclose(g(v), f(v))
        assert g["acc"] == f["acc"]
    # unpickled, the arguments still share f's storage: the rebuilt function shares its state
    h = rebuild(*_pickle_Function(f)[1])
    h(v)
    assert h["acc"] == f["acc"]
    # a function without state pickles to the same length before and after calls
    k = theano.function([x], (x * 2 + 1) / 3)
    size = len(pickle.dumps(_pickle_Function(k)))
    for _ in range(3):
        np.testing.assert_allclose(k(v), (v * 2 + 1) / 3)
    assert len(pickle.dumps(_pickle_Function(k))) == size
    with pytest.raises(TypeError, match="needs a theano Function"):
        _pickle_Function(lambda: 0)


def test_function_with_generator_updates_pickles():
    # the updates given as a generator are read once; the function still pickles with them
    w = theano.shared(np.float64(1.0), name="w")
    f = theano.function([], w * 2, updates=((v, v + 1) for v in [w]))
    g = pickle.loads(pickle.dumps(f))
    assert float(g()) == 2.0
    w2 = [v for v in g.maker.fgraph.inputs if getattr(v, "name", None) == "w"][0]
    assert float(w2.get_value()) == 2.0
    assert float(f()) == 2.0 and float(w.get_value()) == 2.0
