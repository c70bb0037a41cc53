"""theano.tensor.extra_ops, Theano 1.0's module of NumPy-like ops: now a compatibility module
that re-exports them from the modules that hold them (each tested in its own file)."""

import importlib

import numpy as np

import theano
import theano.tensor as T
from tests.helpers import rand
from theano.tensor import extra_ops

PY = theano.Mode(linker="py", optimizer="None")
FLOATS = ("float64", "float32")


def run(outputs, inputs=(), values=()):
    return theano.function(list(inputs), outputs, mode=PY, on_unused_input="ignore")(*values)


def test_theano_1_class_names():
    assert extra_ops.CumsumOp(1) == extra_ops.CumOp(1, "add")
    assert extra_ops.CumprodOp() == extra_ops.CumOp(None, "mul")
    assert extra_ops.repeat is T.repeat and extra_ops.RepeatOp is T.RepeatOp
    x = T.dvector()
    np.testing.assert_allclose(run(extra_ops.CumsumOp(0)(x), [x], [rand(4)]), np.cumsum(rand(4)))


# Theano 1.0's names in extra_ops, each with the module that holds it now
HOMES = {
    "cumulative": ["CumOp", "CumsumOp", "CumprodOp", "cumsum", "cumprod", "DiffOp", "diff"],
    "repeating": ["RepeatOp", "repeat", "tile", "Roll", "roll"],
    "counting": ["BinCountOp", "bincount", "Unique", "unique"],
    "searching": ["SearchsortedOp", "searchsorted", "compress", "nonzero", "flatnonzero", "nonzero_values"],
    "index_arrays": ["to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex", "ravel_multi_index",
                     "inverse_permutation", "choose", "permute_row_elements"],
    "diagonal_fill": ["FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset"],
    "allocation": ["Bartlett", "bartlett"],
    "reshaping": ["squeeze", "CpuContiguous", "cpu_contiguous"],
    "sorting": ["SortOp", "ArgSortOp", "sort", "argsort"],
}


def test_every_name_is_the_object_of_its_module():
    for home, names in HOMES.items():
        mod = importlib.import_module(f"theano.tensor.{home}")
        for name in names:
            assert getattr(extra_ops, name) is getattr(mod, name), (home, name)
    for name in extra_ops.__all__:
        assert getattr(T, name) is getattr(extra_ops, name), name
