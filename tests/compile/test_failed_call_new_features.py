"""A call that fails in what this round added (scan_checkpoints, images2neibs wrap_centered,
tensor.fourier, an OpFromGraph R-op, typed-list indexing) raises a clear error and leaves every
shared variable as it was, on the default backend and the reference VM."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import OpFromGraph
from theano.tensor.fourier import fft
from theano.tensor.nnet.neighbours import images2neibs
from theano.typed_list import TypedListType

MODES = ["FAST_RUN", theano.Mode(linker="py")]


def _check(f, good, bad, error, match, shared):
    before = [s.get_value().copy() for s in shared]
    with pytest.raises(error, match=match):
        f(*bad)
    for s, b in zip(shared, before):
        np.testing.assert_array_equal(s.get_value(), b)
    f(*good)                     # a good call still works and updates
    assert any(not np.array_equal(s.get_value(), b) for s, b in zip(shared, before))


@pytest.mark.parametrize("mode", MODES)
def test_scan_checkpoints(mode):
    w = theano.shared(np.ones(3), name="w")
    x = T.dmatrix("x")
    r, _ = theano.scan_checkpoints(lambda xt, h, w: T.tanh(xt * w + h), sequences=[x],
                                   outputs_info=[T.zeros_like(w)], non_sequences=[w],
                                   save_every_N=2)
    cost = r[-1].sum()
    f = theano.function([x], cost, updates=[(w, w - 0.1 * T.grad(cost, w))], mode=mode)
    _check(f, (np.ones((5, 3)),), (np.ones((5, 4)),), ValueError, "shape", [w])


@pytest.mark.parametrize("mode", MODES)
def test_images2neibs_wrap_centered(mode):
    s = theano.shared(np.zeros(()), name="s")
    x = T.dtensor4("x")
    n = images2neibs(x, (3, 3), mode="wrap_centered")
    f = theano.function([x], n.sum(), updates=[(s, s + n.sum())], mode=mode)
    _check(f, (np.ones((1, 1, 4, 4)),), (np.ones((1, 1, 2, 4)),), TypeError, "must fit", [s])


@pytest.mark.parametrize("mode", MODES)
def test_fourier_bad_axis(mode):
    s = theano.shared(np.zeros(()), name="s")
    a = T.dmatrix("a")
    ax = T.iscalar("ax")
    y = abs(fft(a, 4, ax)).sum()
    f = theano.function([a, ax], y, updates=[(s, s + y)], mode=mode)
    _check(f, (np.ones((2, 3)), 1), (np.ones((2, 3)), 5), ValueError, "out of range", [s])
    # without n, the length of the missing axis is what fails, as an IndexError
    z = abs(fft(a, None, ax)).sum()
    g = theano.function([a, ax], z, updates=[(s, s + z)], mode=mode)
    _check(g, (np.ones((2, 3)), 1), (np.ones((2, 3)), 5), IndexError, "out of bounds", [s])


@pytest.mark.parametrize("mode", MODES)
def test_opfromgraph_rop(mode):
    s = theano.shared(np.zeros(2), name="s")
    a, m = T.dvector("a"), T.dmatrix("m")
    op = OpFromGraph([a, m], [T.dot(a, m)])
    x, du = T.dvectors("x", "du")
    w = T.dmatrix("w")
    r = T.Rop(op(x, w), x, du)
    f = theano.function([x, w, du], r, updates=[(s, s + r)], mode=mode)
    good = (np.ones(3), np.ones((3, 2)), np.ones(3))
    bad = (np.ones(3), np.ones((3, 2)), np.ones(4))
    _check(f, good, bad, ValueError, None, [s])


@pytest.mark.parametrize("mode", MODES)
def test_typed_list_index_out_of_range(mode):
    s = theano.shared(np.zeros(2), name="s")
    lst = TypedListType(T.dvector)()
    i = T.iscalar("i")
    e = lst[i]
    f = theano.function([lst, i], e, updates=[(s, s + e)], mode=mode)
    _check(f, ([np.ones(2), np.ones(2) * 2], 1), ([np.ones(2)], 3), IndexError, None, [s])
