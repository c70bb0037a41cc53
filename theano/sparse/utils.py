"""Theano 1.0's ``theano.sparse.utils``: ``hash_from_sparse(data)``, a hash of a SciPy sparse
matrix's value (format, shape, dtype, stored entries), equal for a matrix and its copy."""

import hashlib

import numpy as np


def hash_from_sparse(data):
    """A hex digest of ``data`` (a SciPy sparse matrix): its format, shape and the dtypes and
    contents of its data/indices/indptr arrays. A view (a row slice) and its copy hash alike;
    different shapes, dtypes or entries hash differently."""
    h = hashlib.md5()
    h.update(f"{data.format}|{data.shape}|".encode())
    for name in ("data", "indices", "indptr"):
        arr = np.ascontiguousarray(getattr(data, name))
        h.update(f"{name}:{arr.dtype.str}:{arr.shape}|".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


__all__ = ["hash_from_sparse"]
