"""NanGuardMode: stop at the first node that produces NaN, inf or huge values (Theano 1.0's
``theano.compile.nanguardmode.NanGuardMode``).

    f = theano.function([x], y, mode=NanGuardMode(nan_is_error=True, inf_is_error=True,
                                                   big_is_error=True))

A value is checked when it enters a node (so the function's own inputs are checked too) and when a
node produces it; the first offending one raises AssertionError naming the node. "Big" means an
absolute value above 1e10. Only floating-point arrays are checked.
"""

import numpy as np

from theano.compile.monitormode import MonitorMode
from theano.configdefaults import config

BIG = 1e10


def _problem(value, nan_is_error, inf_is_error, big_is_error):
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fc" or value.size == 0:
        return None
    if nan_is_error and np.isnan(value).any():
        return "NaN"
    if inf_is_error and np.isinf(value).any():
        return "Inf"
    if big_is_error:
        finite = np.abs(value[np.isfinite(value)])
        if finite.size and finite.max() > BIG:
            return "Big value"
    return None


class NanGuardMode(MonitorMode):
    def __init__(self, nan_is_error=None, inf_is_error=None, big_is_error=None, optimizer="default",
                 linker=None):
        nan_is_error = _flag(nan_is_error, "NanGuardMode__nan_is_error", True)
        inf_is_error = _flag(inf_is_error, "NanGuardMode__inf_is_error", True)
        big_is_error = _flag(big_is_error, "NanGuardMode__big_is_error", True)
        self.nan_is_error, self.inf_is_error, self.big_is_error = nan_is_error, inf_is_error, big_is_error

        def check(cells, node, where):
            for k, cell in enumerate(cells):
                what = _problem(cell[0], nan_is_error, inf_is_error, big_is_error)
                if what is not None:
                    var = (node.inputs if where == "input" else node.outputs)[k]
                    raise AssertionError(
                        f"NanGuardMode: {what} detected in {where} {k} ({var}) of node {node}")

        super().__init__(pre_func=lambda i, node, fn: check(fn.inputs, node, "input"),
                         post_func=lambda i, node, fn: check(fn.outputs, node, "output"),
                         optimizer=optimizer, linker=linker)

    def _copy(self, **changes):
        mode = NanGuardMode(self.nan_is_error, self.inf_is_error, self.big_is_error,
                            optimizer=changes.get("optimizer", self.optimizer))
        mode.including_tags = changes.get("including", self.including_tags)
        mode.excluding_tags = changes.get("excluding", self.excluding_tags)
        mode.requiring_tags = changes.get("requiring", self.requiring_tags)
        return mode

    def __str__(self):
        return (f"NanGuardMode(nan_is_error={self.nan_is_error}, inf_is_error={self.inf_is_error}, "
                f"big_is_error={self.big_is_error})")

    __repr__ = __str__


def _flag(value, name, default):
    if value is not None:
        return bool(value)
    return bool(getattr(config, name, default))


__all__ = ["NanGuardMode"]
