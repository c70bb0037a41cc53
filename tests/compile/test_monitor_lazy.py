"""MonitorMode and NanGuardMode evaluate lazily: the branch an ifelse does not take never runs,
so it can neither raise nor trip the NaN guard; and concurrent calls do not share storage."""

import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.monitormode import MonitorMode
from theano.compile.nanguardmode import NanGuardMode
from theano.ifelse import ifelse


def test_nanguard_ignores_untaken_branch_with_nan():
    x = T.dscalar("x")
    f = theano.function([x], ifelse(T.gt(x, 0), T.log(x), T.constant(0.0, dtype="float64")),
                        mode=NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=True))
    assert f(-1.0) == 0.0
    assert np.isclose(f(np.e), 1.0)
    with pytest.raises(AssertionError, match="NanGuardMode"):
        theano.function([x], T.log(x), mode=NanGuardMode(True, True, True))(-1.0)


def test_nanguard_catches_nan_in_the_taken_branch():
    x = T.dscalar("x")
    f = theano.function([x], ifelse(T.lt(x, 0), T.sqrt(x), x * 2), mode=NanGuardMode(True, True, True))
    with pytest.raises(AssertionError, match="NaN"):
        f(-4.0)
    assert f(3.0) == 6.0


def test_monitor_untaken_branch_with_bad_index_does_not_run():
    v = T.dvector("v")
    i = T.lscalar("i")
    seen = []
    mode = MonitorMode(post_func=lambda k, node, fn: seen.append(str(node.op)))
    f = theano.function([v, i], ifelse(T.ge(i, 0), v[i], v[i + 100]), mode=mode)
    assert f(np.arange(3.0), 1) == 1.0
    assert seen, "callbacks ran"
    seen.clear()
    with pytest.raises(IndexError):
        f(np.arange(3.0), -1)


def test_monitor_sees_every_node_of_a_plain_graph_in_order():
    x = T.dvector("x")
    order = []
    mode = MonitorMode(pre_func=lambda i, node, fn: order.append(i))
    f = theano.function([x], T.exp(x) * 2 + T.sin(x), mode=mode)
    np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * 2 + np.sin(np.arange(3.0)))
    assert sorted(order) == list(range(len(f.maker.fgraph.toposort())))


def test_monitor_and_nanguard_threads_get_their_own_results():
    x = T.dscalar("x")
    out = ifelse(T.gt(x, 0), x * 2, x * 3)
    for mode in (MonitorMode(), NanGuardMode(True, True, True)):
        f = theano.function([x], out, mode=mode)
        errors = []

        def work(seed):
            rng = np.random.default_rng(seed)
            for _ in range(300):
                v = float(rng.normal())
                got = float(f(v))
                if got != (v * 2 if v > 0 else v * 3):
                    errors.append((v, got))

        threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []


def test_monitor_inplace_graph_gives_right_values():
    x = T.dvector("x")
    y = T.exp(x)
    z = y * 2 + y       # y read twice; in-place rewrites may overwrite one use
    f = theano.function([x], [z, y], mode=MonitorMode())
    v = np.arange(4.0)
    got_z, got_y = f(v)
    np.testing.assert_allclose(got_z, 3 * np.exp(v))
    np.testing.assert_allclose(got_y, np.exp(v))
