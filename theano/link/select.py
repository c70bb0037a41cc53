"""Which backend 'auto' means on this machine."""

_AUTO = None


def auto_linker_name():
    """'numba' when the native backend imports, else the reference VM 'py'."""
    global _AUTO
    if _AUTO is None:
        try:
            import theano.link.numba as nb

            _AUTO = "numba" if getattr(nb, "AVAILABLE", False) else "py"
        except ImportError:
            _AUTO = "py"
    return _AUTO
