"""theano.tensor.signal: pooling (``pool``), single-channel 2-D convolution (``conv``) and the old
``downsample`` names."""

from theano.tensor.signal import conv, pool  # noqa: F401

__all__ = ["conv", "pool"]


def __getattr__(name):
    if name == "downsample":
        import importlib

        return importlib.import_module("theano.tensor.signal.downsample")
    raise AttributeError(f"module 'theano.tensor.signal' has no attribute {name!r}")
