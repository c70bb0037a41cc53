"""theano.typed_list: every op against the same operations on Python lists of NumPy arrays, on the
default backend and the reference VM (each function called 3 times), flat and nested lists,
gradients by finite differences, errors, and in-place safety."""

import numpy as np
import pytest

import theano
import theano.tensor as T
import theano.typed_list as tl
from theano.typed_list.basic import (Append, Count, Extend, GetItem, Index, Insert, Length,
                                     MakeList, Remove, Reverse, index_)
from theano.typed_list.type import TypedListType

MODES = {"default": None, "py": theano.Mode(linker="py")}
CASES = [("float64", (3, 2)), ("float32", (4,)), ("int64", (2, 3, 2))]


def _ttype(dtype, shape):
    return T.TensorType(dtype, (False,) * len(shape))


def _values(dtype, shape, n, seed=0):
    r = np.random.RandomState(seed)
    return [(r.uniform(-5, 5, size=shape)).astype(dtype) for _ in range(n)]


def _same_list(got, want):
    assert isinstance(got, list), type(got)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        if isinstance(b, list):
            _same_list(a, b)
        else:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(a, b)


def _call3(f, *args):
    """Call ``f`` three times on copies of ``args``; the arguments must come back unchanged."""
    import copy

    out = None
    for _ in range(3):
        before = copy.deepcopy(args)
        out = f(*args)
        for a, b in zip(args, before):
            if isinstance(b, list):
                _same_list(a, b)
            else:
                np.testing.assert_array_equal(a, b)
    return out


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype,shape", CASES)
def test_every_op_matches_python_lists(mode, dtype, shape):
    tt = _ttype(dtype, shape)
    l, m = TypedListType(tt)("l"), TypedListType(tt)("m")
    x = tt("x")
    i = T.lscalar("i")
    outs = [l[i], l[1:], l[::-1], l.append(x), l.extend(m), l.insert(i, x), l.remove(x),
            l.reverse(), l.count(x), l.ind(x), l.__len__(), tl.make_list([x, x * 2])]
    f = theano.function([l, m, x, i], outs, mode=MODES[mode])
    L, M = _values(dtype, shape, 3), _values(dtype, shape, 2, seed=1)
    X = L[1].copy()
    for idx in (0, 2, -1):
        got = _call3(f, L, M, X, np.int64(idx))
        np.testing.assert_array_equal(got[0], L[idx])
        _same_list(got[1], L[1:])
        _same_list(got[2], L[::-1])
        _same_list(got[3], L + [X])
        _same_list(got[4], L + M)
        want = list(L)
        want.insert(idx, X)
        _same_list(got[5], want)
        _same_list(got[6], [L[0], L[2]])
        _same_list(got[7], L[::-1])
        assert int(got[8]) == 1 and got[8].dtype == np.int64
        assert int(got[9]) == 1
        assert int(got[10]) == 3
        _same_list(got[11], [X, X * np.asarray(2, dtype)])


@pytest.mark.parametrize("mode", list(MODES))
def test_nested_lists(mode):
    tt = _ttype("float64", (2, 2))
    inner = TypedListType(tt)
    nested = TypedListType(tt, depth=1)
    assert nested == TypedListType(inner) and nested.get_depth() == 1
    ll, l = nested("ll"), inner("l")
    outs = [ll[0], ll[1][0], ll.append(l), ll.count(l), ll.ind(l), ll.remove(l), ll.__len__(),
            ll.reverse(), ll.insert(0, l), ll.extend(ll)]
    f = theano.function([ll, l], outs, mode=MODES[mode])
    a, b, c = _values("float64", (2, 2), 3)
    LL, L = [[a, b], [c], [a, b]], [a, b]
    got = _call3(f, LL, L)
    _same_list(got[0], [a, b])
    np.testing.assert_array_equal(got[1], c)
    _same_list(got[2], LL + [L])
    assert int(got[3]) == 2 and int(got[4]) == 0 and int(got[6]) == 3
    _same_list(got[5], [[c], [a, b]])
    _same_list(got[7], LL[::-1])
    _same_list(got[8], [L] + LL)
    _same_list(got[9], LL + LL)


@pytest.mark.parametrize("mode", list(MODES))
def test_slices_given_at_call_time(mode):
    from theano.tensor.type_other import SliceType

    l, s = TypedListType(T.dvector)(), SliceType()()
    f = theano.function([l, s], l[s], mode=MODES[mode])
    L = _values("float64", (3,), 5)
    for sl in (slice(1, 4), slice(None, None, -2), slice(0, 0)):
        _same_list(_call3(f, L, sl), L[sl])


@pytest.mark.parametrize("mode", list(MODES))
def test_gradients_by_finite_differences(mode):
    rng = np.random.RandomState(3)
    a, b = rng.rand(3, 2), rng.rand(3, 2)

    def through_every_op(x, y):
        lst = tl.make_list([x, y * 2])
        lst = lst.append(x * y).extend(tl.make_list([y])).insert(1, x ** 2).reverse()
        lst = lst.remove(y)       # the last y, before any of x: the list holds no other equal value
        return (lst[1] * lst[0] + lst[2:][0] - lst[-1][::-1]).sum() + lst[3].sum()

    theano.gradient.verify_grad(through_every_op, [a, b], rng=rng, mode=MODES[mode])
    theano.gradient.verify_grad(lambda x: tl.make_list([x, x])[1] * x, [a], rng=rng,
                                mode=MODES[mode])


@pytest.mark.parametrize("mode", list(MODES))
def test_gradient_values(mode):
    x = T.dmatrix("x")
    lst = tl.make_list([x, 2 * x]).append(3 * x)
    cost = (lst[1] ** 2).sum() + lst[2].sum() + lst[0:2][0].sum()   # 4x^2 + 3x + x
    f = theano.function([x], theano.grad(cost, x), mode=MODES[mode])
    X = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(_call3(f, X), 8 * X + 4)


def test_type_filter_and_equality():
    t = TypedListType(T.TensorType("float64", (False, False)))
    a = np.ones((2, 3), dtype="float32")
    got = t.filter([a, (a * 2).astype("float64")])
    assert got[0].dtype == np.float64
    np.testing.assert_array_equal(got[0], a)
    with pytest.raises(TypeError, match="element 1"):
        t.filter([np.ones((2, 2)), np.ones(3)])
    with pytest.raises(TypeError, match="holds Python lists"):
        t.filter(np.ones((2, 2)))
    with pytest.raises(TypeError, match="holds Python lists"):
        t.filter((np.ones((2, 2)),), strict=True)
    with pytest.raises(TypeError):
        TypedListType(None)
    nested = TypedListType(t.ttype, depth=2)
    assert nested.get_depth() == 2 and nested != TypedListType(t.ttype, depth=1)
    with pytest.raises(TypeError, match="element 0"):
        nested.filter([[np.ones((2, 2))]])
    assert t == TypedListType(T.dmatrix) and t != TypedListType(T.fmatrix)
    assert hash(t) == hash(TypedListType(T.dmatrix))
    assert t.values_eq([np.ones((2, 2))], [np.ones((2, 2))])
    assert not t.values_eq([np.ones((2, 2))], [np.ones((2, 2)), np.ones((2, 2))])
    assert not t.values_eq([np.ones((2, 2))], [np.zeros((2, 2))])
    v = t()
    assert t.convert_variable(v) is v
    assert t.convert_variable(TypedListType(T.fmatrix)()) is None
    assert isinstance(v, tl.TypedListVariable)


def test_make_node_errors():
    l = TypedListType(T.dmatrix)()
    with pytest.raises(TypeError):
        GetItem()(l, T.dmatrix())
    with pytest.raises(TypeError):
        GetItem()(l, 1.5)
    with pytest.raises(TypeError, match="elements"):
        Append()(l, T.dvector())
    with pytest.raises(TypeError):
        Extend()(l, TypedListType(T.dvector)())
    with pytest.raises(TypeError):
        Insert()(l, T.dscalar(), T.dmatrix())
    with pytest.raises(TypeError):
        tl.make_list([T.dvector(), T.dmatrix()])
    with pytest.raises(TypeError):
        Length()(T.dmatrix())


@pytest.mark.parametrize("mode", list(MODES))
def test_runtime_errors(mode):
    l, x = TypedListType(T.dvector)(), T.dvector()
    i = T.lscalar()
    f_rm = theano.function([l, x], l.remove(x), mode=MODES[mode])
    f_ix = theano.function([l, x], index_(l, x), mode=MODES[mode])
    f_get = theano.function([l, i], l[i], mode=MODES[mode])
    L = [np.zeros(2)]
    with pytest.raises(ValueError, match="no element equal"):
        f_rm(L, np.ones(2))
    with pytest.raises(ValueError, match="no element equal"):
        f_ix(L, np.ones(2))
    with pytest.raises(IndexError):
        f_get(L, 3)
    with pytest.raises(TypeError, match="element 0"):
        f_get([np.zeros((2, 2))], 0)


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


@pytest.mark.parametrize("mode", list(MODES))
def test_inplace_rewrite_never_overwrites_arguments_or_shared_values(mode):
    l, x = TypedListType(T.dvector)("l"), T.dvector("x")
    L, X = [np.zeros(2), np.ones(2)], np.full(2, 7.0)
    # on an argument: the copying form
    f = theano.function([l, x], [l.append(x), l.reverse(), l.extend(l), l.insert(0, x),
                                 l.remove(l[0])], mode=MODES[mode])
    assert not any(getattr(op, "inplace", False) for op in _ops(f))
    got = _call3(f, L, X)
    _same_list(got[0], L + [X])
    _same_list(got[4], L[1:])
    # a list built from an argument holds the argument's arrays: the DestroyHandler follows the
    # view_map through it to the argument, so these stay copying too
    g = theano.function([l, x], l.append(x).append(x).reverse().insert(1, x), mode=MODES[mode])
    assert not any(getattr(op, "inplace", False) for op in _ops(g))
    got = _call3(g, L, X)
    _same_list(got, [X, X, X, L[1], L[0]])
    # a list of computed values: the later ops work on it in place
    z = T.dvector("z")
    y = tl.make_list([x + 1, x + 2]).append(x + 3).reverse().insert(0, x + 4).remove(z)
    g = theano.function([x, z], y, mode=MODES[mode])
    assert [op.inplace for op in _ops(g) if isinstance(op, (Append, Reverse, Insert, Remove))] \
        == [True, True, True, True]
    _same_list(_call3(g, X, X + 2), [X + 4, X + 3, X + 1])
    # a list read twice is never overwritten
    m = l.append(x)
    h = theano.function([l, x], [m.reverse(), m.append(x)], mode=MODES[mode])
    assert not any(getattr(op, "inplace", False) for op in _ops(h))
    got = _call3(h, L, X)
    _same_list(got[0], [X] + L[::-1])
    _same_list(got[1], L + [X, X])


def test_mutable_argument_may_be_worked_on_in_place():
    l, x = TypedListType(T.dvector)("l"), T.dvector("x")
    f = theano.function([theano.In(l, mutable=True), x], l.append(x))
    assert [op.inplace for op in _ops(f) if isinstance(op, Append)] == [True]
    L, X = [np.zeros(2)], np.ones(2)
    _same_list(f(L, X), [np.zeros(2), X])


@pytest.mark.parametrize("mode", list(MODES))
def test_elements_seen_through_a_list_are_not_overwritten(mode):
    # an in-place tensor op on an element taken from a list must not write into the argument
    x = T.dvector("x")
    lst = tl.make_list([x, x * 2])
    y = lst[0] + 1.0     # the Elemwise would be in place on a free intermediate
    f = theano.function([x], [y, lst[1] * 3], mode=MODES[mode])
    X = np.arange(3.0)
    got = _call3(f, X)
    np.testing.assert_array_equal(got[0], X + 1)
    np.testing.assert_array_equal(got[1], X * 6)


def test_length_infer_shape_and_ops_are_distinct():
    l = TypedListType(T.dvector)()
    n = Length()(l)
    assert n.ndim == 0 and n.dtype == "int64"
    assert Length().infer_shape(None, n.owner, [None]) == [()]
    assert Count()(l, T.dvector()).dtype == "int64" and Index()(l, T.dvector()).dtype == "int64"
    assert Append(inplace=True).destroy_map == {0: [0]} and Append().view_map == {0: [0, 1]}
    assert Remove(inplace=True) != Remove() and Reverse(inplace=True).destroy_map == {0: [0]}
    assert MakeList()(T.dvector(), T.dvector()).owner.op.view_map == {0: [0, 1]}
