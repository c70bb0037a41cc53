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

# Translations of ops from the layers above the backends (scan, ifelse: control.py), registered
# by those layers and run when the JAX op table (dispatch.py) is first loaded; importing them
# here would import upward, and running them earlier would import JAX with ``import theano``.
_TRANSLATIONS = []
_loaded = False


def register_translations(register):
    """Add ``register()``, which fills the JAX op table (``dispatch.jax_funcify`` and
    ``dispatch.jax_lazy_funcify``) for ops defined above this layer; it runs when the table is
    loaded (at once if it already is)."""
    _TRANSLATIONS.append(register)
    if _loaded:
        register()


def translations_loaded():
    """Called by dispatch.py once its own table is filled: run the registered translations."""
    global _loaded
    _loaded = True
    for register in _TRANSLATIONS:
        register()


__all__ = ["AVAILABLE", "register_translations"]
