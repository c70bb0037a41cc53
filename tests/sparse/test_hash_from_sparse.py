"""theano.sparse.utils.hash_from_sparse: distinct values hash apart (entries, shapes, dtypes,
layouts, slices), a slice and its copy hash alike, csr and csc of one matrix differ."""

import numpy as np
import scipy.sparse as sp

from theano.sparse.utils import hash_from_sparse


def test_distinct_values_distinct_hashes_and_copies_alike():
    rng = np.random.RandomState(0).rand(5, 5)
    hashes = []
    for fmt in ("csr", "csc"):
        m = getattr(sp, f"{fmt}_matrix")
        base = m(rng)
        values = [[[-2]], [[-1]], [[0]], [[1]], [[2]], np.zeros((1, 5)), np.zeros((1, 6)),
                  np.arange(25).reshape(5, 5), np.arange(25).reshape(5, 5).T,
                  np.zeros((5, 5), dtype="uint32"), np.zeros((5, 5), dtype="int32"),
                  rng, rng[1:], rng[:4], rng[1:3]]
        hashes += [hash_from_sparse(m(np.asarray(v))) for v in values]
        for part in (base[1:], base[1:3], base[:4]):
            assert hash_from_sparse(part) == hash_from_sparse(part.copy())
    assert len(set(hashes)) == len(hashes)
