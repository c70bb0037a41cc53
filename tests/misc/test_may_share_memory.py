"""theano.misc.may_share_memory: views, reshapes and transposes of an array share its memory,
copies and other arrays do not; a sparse matrix shares with its data/indices/indptr; other kinds
of values raise TypeError unless raise_other_type=False."""

import numpy as np
import pytest
import scipy.sparse as sp

from theano.misc.may_share_memory import may_share_memory


def test_arrays_and_their_views():
    a = np.arange(20.0).reshape(5, 4)
    b = a.copy()
    for x, y, shared in [(a, a, True), (a, a[1], True), (a, a[:, 2], True), (a, a.T, True),
                         (a, a.reshape(4, 5), True), (a, a.view(), True), (a, b, False),
                         (a, b.T, False), (a[:2], a[3:], False)]:
        assert may_share_memory(x, y) is shared
        assert may_share_memory(y, x) is shared


def test_sparse_matrices_and_their_arrays():
    m = sp.csr_matrix(np.eye(4, 3))
    n = sp.csc_matrix(np.eye(5, 3))
    for x, y, shared in [(m, m, True), (m, m.data, True), (m, m.indices, True),
                         (m, m.indptr, True), (m, np.asarray(m.shape, dtype="int32"), False),
                         (m, n, False), (n.data, m, False)]:
        assert may_share_memory(x, y) is shared
        assert may_share_memory(y, x) is shared


@pytest.mark.parametrize("other", [(0,), 1, None, [1.0, 2.0]])
def test_other_kinds_of_values(other):
    a = np.zeros(3)
    assert may_share_memory(a, other, False) is False
    assert may_share_memory(other, a, False) is False
    with pytest.raises(TypeError, match="NumPy arrays or SciPy sparse"):
        may_share_memory(a, other)
    with pytest.raises(TypeError, match="NumPy arrays or SciPy sparse"):
        may_share_memory(other, a)
