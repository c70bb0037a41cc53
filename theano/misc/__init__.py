"""``theano.misc``: utilities (``pkl_utils`` for saving graphs and shared values)."""

__all__ = ["pkl_utils", "safe_asarray"]


def __getattr__(name):
    if name in ("pkl_utils", "safe_asarray"):
        import importlib

        return importlib.import_module(f"theano.misc.{name}")
    raise AttributeError(f"module 'theano.misc' has no attribute {name!r}")
