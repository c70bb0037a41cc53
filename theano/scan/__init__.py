"""Loops: theano.scan and its relatives (map, reduce, foldl, foldr), the until condition, and the
Scan op whose gradient is itself a Scan."""

from theano.scan.basic import scan, until
from theano.scan.op import Buffer, Scan
from theano.scan import rewriting as _rewriting  # noqa: F401  (registers the Scan rewrites)
from theano.scan import merge as _merge  # noqa: F401  (registers scan_merge)
from theano.scan import pushout as _pushout  # noqa: F401  (registers the pushout rewrites)
from theano.scan.views import foldl, foldr, map, reduce
from theano.scan.checkpoints import scan_checkpoints
from theano.gradient import register_loop as _register_loop

_register_loop(scan)  # theano.gradient.jacobian and hessian build their rows with scan

__all__ = ["scan", "map", "reduce", "foldl", "foldr", "until", "Scan", "Buffer", "scan_checkpoints"]


# ``theano.scan`` names both this package and the function (Theano 1.0 exposed the function there).
# Once the package is imported Python binds the attribute ``theano.scan`` to it, so the package is
# made callable: ``theano.scan(fn, ...)`` calls ``scan`` whichever of the two it finds.
import sys as _sys
import types as _types


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        return scan(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
