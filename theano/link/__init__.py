"""Backends ("linkers"): each turns a FunctionGraph into a callable. They register by name."""

_LINKERS = {}

# Theano's linker names all map onto our backends.
ALIASES = {"py": "py", "vm": "py", "cvm": "py", "c": "py", "c|py": "py", "c|py_nogc": "py",
           "vm_nogc": "py", "cvm_nogc": "py", "python": "py"}


_MODULES = {"py": "python"}


def register_linker(name, factory):
    """Register ``factory(**options) -> linker`` under ``name``."""
    _LINKERS[name] = factory


def get_linker(name):
    """The linker for a name of Theano ('py', 'c', 'cvm', 'vm', ...) or ours ('numba', 'jax', 'auto')."""
    if not isinstance(name, str):
        return name
    if name == "auto":
        from theano.link.select import auto_linker_name

        name = auto_linker_name()
    key = ALIASES.get(name, name)
    if key not in _LINKERS:
        _load(key)
    if key not in _LINKERS:
        raise ValueError(
            f"Unknown linker {name!r}; use one of 'py', 'vm', 'cvm', 'c', 'c|py', 'numba', 'jax' or 'auto'"
        )
    linker = _LINKERS[key]()
    from theano.configdefaults import config

    # config.allow_gc=False keeps intermediate results between calls (Theano 1.0's flag)
    if hasattr(linker, "allow_gc"):
        linker.allow_gc = config.allow_gc
    return linker


def _load(key):
    import importlib

    try:
        importlib.import_module(f"theano.link.{_MODULES.get(key, key)}")
    except ImportError:
        pass
