"""theano.tensor.load (Theano 1.0's theano.tensor.io.LoadFromDisk): a tensor read from a .npy
file named at call time, on the reference VM and the default backend."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Variable
from theano.graph.type import Generic

MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"), "auto": lambda: None}


@pytest.fixture
def npy(tmp_path):
    data = np.arange(5, dtype=np.int32)
    path = tmp_path / "data.npy"
    np.save(path, data)
    return str(path), data


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("mmap_mode", [None, "c"])
def test_load_reads_the_file_named_at_call_time(npy, tmp_path, mode, mmap_mode):
    path, data = npy
    p = Variable(Generic())
    x = T.load(p, "int32", (False,), mmap_mode)
    f = theano.function([p], [x * 2, (x ** 2).sum()], mode=MODES[mode]())
    for _ in range(3):                 # in-place ops of the graph never reach the file
        doubled, sq = f(path)
        np.testing.assert_array_equal(doubled, data * 2)
        assert sq == (data.astype(np.int64) ** 2).sum()
    np.testing.assert_array_equal(np.load(path), data)
    other = tmp_path / "other.npy"
    np.save(other, np.array([7, 8], dtype=np.int32))
    np.testing.assert_array_equal(f(str(other))[0], [14, 16])
    if mmap_mode == "c":
        g = theano.function([p], x, mode=MODES[mode]())
        assert isinstance(g(path), np.memmap)


def test_load_checks_modes_dtype_and_dimensions(npy, tmp_path):
    path, _ = npy
    p = Variable(Generic())
    for bad in ("r+", "r", "w+", "toto"):
        with pytest.raises(ValueError, match="mmap_mode"):
            T.load(p, "int32", (False,), bad)
    f = theano.function([p], T.load(p, "float64", (False,)) + 1)
    with pytest.raises(TypeError, match="dtype int32.*expects float64"):
        f(path)
    g = theano.function([p], T.load(p, "int32", (False, False)))
    with pytest.raises(ValueError, match="broadcast pattern"):
        g(path)
    np.savez(tmp_path / "a.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match=".npy"):
        theano.function([p], T.load(p, "float64", (False,)))(str(tmp_path / "a.npz"))
    # a file name as a constant
    h = theano.function([], T.load(path, "int32", (False,)) + 1)
    np.testing.assert_array_equal(h(), np.arange(5) + 1)
