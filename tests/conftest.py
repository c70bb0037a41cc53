"""Test-session setup shared by every test module."""

import os

# Tiny matrices are the rule in the op tests: OpenBLAS threads only add contention on a busy
# machine (scipy's triangular solves took ~10 ms per 3x3 call with 2 threads under load, 0.03 ms
# with one). Must run before NumPy is imported; a value set by the user wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
