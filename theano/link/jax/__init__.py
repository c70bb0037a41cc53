"""The optional JAX backend 'jax' (``pip install jax``): jax.numpy per op, the whole graph jitted."""

import importlib.util

from theano.link import register_linker

AVAILABLE = importlib.util.find_spec("jax") is not None


def _factory(**kwargs):
    if not AVAILABLE:
        raise ImportError("The 'jax' linker needs JAX: pip install jax")
    from theano.link.jax.linker import JAXLinker

    return JAXLinker(**kwargs)


register_linker("jax", _factory)

__all__ = ["AVAILABLE"]
