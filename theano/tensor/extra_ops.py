"""Theano 1.0's ``theano.tensor.extra_ops``: a compatibility module that re-exports, with no logic
of its own, the NumPy-like ops from the modules that hold them (all are also in ``theano.tensor``):

- ``cumulative.py``: cumsum, cumprod (CumOp, CumsumOp, CumprodOp), diff (DiffOp);
- ``repeating.py``: tile (Tile), repeat (RepeatOp, RepeatGrad), roll (Roll);
- ``searching.py``: nonzero, flatnonzero, nonzero_values, searchsorted, compress;
- ``counting.py``: bincount (BinCountOp), unique (Unique);
- ``index_arrays.py``: inverse_permutation, permute_row_elements (PermuteRowElements), choose, to_one_hot,
  unravel_index, ravel_multi_index;
- ``diagonal_fill.py``: fill_diagonal, fill_diagonal_offset;
- ``statistics.py``: cov; ``allocation.py``: bartlett;
- ``sorting.py``: sort, argsort, topk; ``reshaping.py``: squeeze, cpu_contiguous (CpuContiguous).
"""

from theano.tensor.allocation import Bartlett, bartlett
from theano.tensor.counting import BinCountOp, Unique, bincount, unique
from theano.tensor.cumulative import CumOp, CumprodOp, CumsumOp, DiffOp, cumprod, cumsum, diff
from theano.tensor.diagonal_fill import (FillDiagonal, FillDiagonalOffset, _DiagSum, fill_diagonal,  # noqa: F401
                                         fill_diagonal_offset)
from theano.tensor.index_arrays import (Choose, InversePermutation, PermuteRowElements, RavelMultiIndex, UnravelIndex, choose,
                                        inverse_permutation, permute_row_elements, ravel_multi_index,
                                        to_one_hot, unravel_index)
from theano.tensor.repeating import RepeatGrad, RepeatOp, Roll, Tile, repeat, roll, tile  # noqa: F401
from theano.tensor.reshaping import CpuContiguous, cpu_contiguous, squeeze  # noqa: F401
from theano.tensor.searching import (Nonzero, NonzeroScatter, NonzeroValues, ScatterAddRows,  # noqa: F401
                                     SearchsortedOp, TakeRows, compress, flatnonzero, nonzero, nonzero_values,
                                     searchsorted)
from theano.tensor.sorting import (ArgSortOp, ScatterAlongAxis, SortOp, TakeAlongAxis, TopKOp, argsort, argtopk,
                                   sort, topk, topk_and_argtopk)
from theano.tensor.statistics import cov

__all__ = [
    "CumOp", "CumsumOp", "CumprodOp", "cumsum", "cumprod", "RepeatOp", "repeat", "DiffOp", "diff",
    "BinCountOp", "bincount", "FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset",
    "to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex", "ravel_multi_index", "SearchsortedOp",
    "searchsorted", "Unique", "unique", "compress", "TakeRows", "ScatterAddRows", "Bartlett", "bartlett",
    "squeeze", "SortOp", "ArgSortOp", "sort", "argsort", "TopKOp", "topk", "argtopk", "topk_and_argtopk",
    "TakeAlongAxis", "ScatterAlongAxis", "tile", "Tile", "Roll", "roll", "Nonzero", "nonzero", "flatnonzero",
    "NonzeroValues", "nonzero_values", "InversePermutation", "inverse_permutation", "Choose", "choose",
    "PermuteRowElements", "permute_row_elements", "cov",
]
