"""Theano 1.0's ``theano.misc.may_share_memory.may_share_memory(a, b, raise_other_type=True)``:
whether two values (NumPy arrays or SciPy sparse matrices) may use the same memory."""

import numpy as np


def _buffers(x):
    """The arrays holding ``x``'s data, or None when ``x`` is not an array or sparse matrix."""
    if isinstance(x, np.ndarray):
        return [x]
    try:
        import scipy.sparse as sp
    except ImportError:          # pragma: no cover - scipy is a dependency
        return None
    if sp.issparse(x):
        return [getattr(x, name) for name in ("data", "indices", "indptr") if hasattr(x, name)]
    return None


def may_share_memory(a, b, raise_other_type=True):
    """True when ``a`` and ``b`` may share memory (NumPy's ``may_share_memory`` on their data; for
    a sparse matrix, its data, indices and indptr arrays). A value of another kind shares nothing
    with anything: with ``raise_other_type`` (the default) it raises a TypeError instead."""
    bufs_a, bufs_b = _buffers(a), _buffers(b)
    if bufs_a is None or bufs_b is None:
        if raise_other_type:
            other = a if bufs_a is None else b
            raise TypeError(f"may_share_memory: expected NumPy arrays or SciPy sparse matrices, got "
                            f"{type(other).__name__}")
        return False
    return any(np.may_share_memory(x, y) for x in bufs_a for y in bufs_b)


__all__ = ["may_share_memory"]
