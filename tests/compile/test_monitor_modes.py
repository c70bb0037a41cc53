"""MonitorMode (callbacks around every node) and NanGuardMode (stop at the first NaN/inf/big value)."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.monitormode import MonitorMode
from theano.compile.nanguardmode import NanGuardMode
from theano.ifelse import ifelse


def test_monitor_mode_sees_every_node_in_order():
    x = T.dvector("x")
    y = T.exp(x).sum() * 3
    seen = []

    def pre(i, node, fn):
        seen.append(("pre", i, node, [c[0].copy() for c in fn.inputs]))

    def post(i, node, fn):
        seen.append(("post", i, node, [np.array(c[0]) for c in fn.outputs]))

    f = theano.function([x], y, mode=MonitorMode(pre_func=pre, post_func=post))
    assert f([0.0, 1.0]) == pytest.approx(3 * (1 + np.e))
    nodes = f.maker.fgraph.toposort()
    assert [s[:3] for s in seen] == [(w, i, n) for i, n in enumerate(nodes) for w in ("pre", "post")]
    np.testing.assert_allclose(seen[0][3][0], [0.0, 1.0])  # the first node reads x
    assert seen[-1][3][0] == pytest.approx(3 * (1 + np.e))  # the last node writes the result
    # fn() reruns the node
    reran = []
    g = theano.function([x], T.exp(x), mode=MonitorMode(post_func=lambda i, n, fn: (fn(), reran.append(1))))
    np.testing.assert_allclose(g([0.0]), [1.0])
    assert reran == [1]


def test_monitor_mode_detects_nan_like_the_recipe():
    x = T.dvector("x")
    found = []

    def detect_nan(i, node, fn):
        for output in fn.outputs:
            if np.isnan(output[0]).any():
                found.append(node)
                break

    f = theano.function([x], T.sqrt(x) + 1, mode=MonitorMode(post_func=detect_nan))
    f([4.0])
    assert found == []
    with np.errstate(invalid="ignore"):
        f([-4.0])
    assert len(found) >= 1


def test_monitor_mode_keeps_callbacks_through_including():
    calls = []
    mode = MonitorMode(post_func=lambda i, n, fn: calls.append(i)).excluding("fusion")
    x = T.dvector()
    theano.function([x], T.exp(x) + 1, mode=mode)([1.0])
    assert calls


def test_nan_guard_mode():
    x = T.dvector("x")
    mode = NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=True)
    f = theano.function([x], T.log(x) * 2, mode=mode)
    np.testing.assert_allclose(f([1.0, np.e]), [0.0, 2.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        with pytest.raises(AssertionError, match="NaN"):
            f([-1.0])
        with pytest.raises(AssertionError, match="Inf"):
            f([0.0])
    with pytest.raises(AssertionError, match="Big"):
        theano.function([x], x * 1e6, mode=mode)([1e6])
    # big values allowed when asked
    g = theano.function([x], x * 1e6, mode=NanGuardMode(True, True, False))
    assert g([1e6])[0] == 1e12
    # integer and lazy graphs run
    c = T.iscalar("c")
    h = theano.function([c, x], ifelse(c, x * 2, x), mode="NanGuardMode")
    np.testing.assert_allclose(h(1, [1.0]), [2.0])
    with pytest.raises(AssertionError, match="NaN"):
        h(0, [np.nan])
