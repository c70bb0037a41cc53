"""``theano.misc``: utilities (``pkl_utils`` for saving graphs and shared values)."""

__all__ = ["pkl_utils"]


def __getattr__(name):
    if name == "pkl_utils":
        import importlib

        return importlib.import_module("theano.misc.pkl_utils")
    raise AttributeError(f"module 'theano.misc' has no attribute {name!r}")
