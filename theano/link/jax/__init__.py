"""The optional JAX backend 'jax' (``pip install jax``): jax.numpy per op, the whole graph jitted."""

import importlib.util

from theano.link import register_linker

AVAILABLE = importlib.util.find_spec("jax") is not None


def _import_jax():
    """Import JAX leaving NumPy's global random state as it was: importing JAX draws from it,
    which would change the numbers a program seeded with ``numpy.random.seed`` gets after its
    first JAX function (Keras draws its weight seeds from it)."""
    import sys

    if "jax" in sys.modules and "jax.numpy" in sys.modules:
        return
    import numpy as np

    state = np.random.get_state()
    try:
        import jax  # noqa: F401
        import jax.numpy  # noqa: F401
        import jax.scipy.special  # noqa: F401
    finally:
        np.random.set_state(state)


def _factory(**kwargs):
    if not AVAILABLE:
        raise ImportError("The 'jax' linker needs JAX: pip install jax")
    _import_jax()
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
