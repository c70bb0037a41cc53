"""Modules imported at their first use, so that ``import theano`` stays cheap.

``scipy.linalg`` alone takes most of the time of ``import theano`` when imported eagerly (it pulls
in LAPACK, the array API layer and NumPy's f2py); the ops that need it import it when they run.

    scipy = lazy_module("scipy", "scipy.linalg")
    ...
    scipy.linalg.solve(a, b)        # scipy.linalg is imported here, once
"""

import importlib
import threading

_lock = threading.Lock()


class _LazyModule:
    """Stands for the module ``name``; the first attribute read imports ``load`` (a submodule
    that must be imported too, or ``name`` itself) and then reads from the real module."""

    __slots__ = ("_name", "_load", "_module")

    def __init__(self, name, load):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_load", load)
        object.__setattr__(self, "_module", None)

    def _resolve(self):
        mod = object.__getattribute__(self, "_module")
        if mod is None:
            with _lock:
                importlib.import_module(object.__getattribute__(self, "_load"))
                mod = importlib.import_module(object.__getattribute__(self, "_name"))
                object.__setattr__(self, "_module", mod)
        return mod

    def __getattr__(self, attr):
        return getattr(self._resolve(), attr)

    def __setattr__(self, attr, value):
        raise AttributeError(f"cannot set {attr!r} on the lazy module "
                             f"{object.__getattribute__(self, '_name')}")

    def __dir__(self):
        return dir(self._resolve())

    def __repr__(self):
        name = object.__getattribute__(self, "_name")
        state = "imported" if object.__getattribute__(self, "_module") is not None else "not yet imported"
        return f"<lazy module {name!r} ({state})>"


def lazy_module(name, load=None):
    """A stand-in for module ``name`` that imports it (and ``load``, a submodule, first) at the
    first attribute read."""
    return _LazyModule(name, load or name)
