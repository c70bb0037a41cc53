"""The native backend's ``mrg_uniform`` (``theano/tensor/random/mrg.py``): one compiled loop over
the numbers, the same integers as the op's NumPy ``perform`` (the generator's arithmetic is exact
in int64 either way), about ten times faster for a dropout mask.

The reductions avoid division: with ``2**31 = 1 (mod m1)`` and ``2**31 = 21069 (mod m2)``, a
number below 2**55 is folded as ``(t & (2**31 - 1)) + c * (t >> 31)`` until it is below 2**32, then
reduced by at most one subtraction.
"""

import numpy as np

from theano.link.numba.cache import compile_kernel
from theano.link.numba.dispatch import numba_funcify
from theano.tensor.random.mrg import _to_unit, mrg_uniform

SOURCE = '''
import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def kernel(states, z):
    m1 = 2147483647
    m2 = 2147462579
    mask = 2147483647
    k = states.shape[0]
    n = z.shape[0]
    # one array per state number: the loop over streams has no dependence between iterations
    x10 = states[:, 0].astype(np.int64)
    x11 = states[:, 1].astype(np.int64)
    x12 = states[:, 2].astype(np.int64)
    x20 = states[:, 3].astype(np.int64)
    x21 = states[:, 4].astype(np.int64)
    x22 = states[:, 5].astype(np.int64)
    start = 0
    while start < n:
        count = min(k, n - start)
        for s in range(count):
            t = 4194304 * x11[s] + 129 * x12[s]
            t = (t & mask) + (t >> 31)
            t = (t & mask) + (t >> 31)
            t = t - m1 if t >= m1 else t
            u = 32768 * x20[s] + 32769 * x22[s]
            u = (u & mask) + 21069 * (u >> 31)
            u = (u & mask) + 21069 * (u >> 31)
            u = u - m2 if u >= m2 else u
            x12[s] = x11[s]
            x11[s] = x10[s]
            x10[s] = t
            x22[s] = x21[s]
            x21[s] = x20[s]
            x20[s] = u
            z[start + s] = t - u + m1 if t <= u else t - u
        start += count
    for s in range(k):
        states[s, 0] = x10[s]
        states[s, 1] = x11[s]
        states[s, 2] = x12[s]
        states[s, 3] = x20[s]
        states[s, 4] = x21[s]
        states[s, 5] = x22[s]
'''

_KERNEL = []


def _kernel():
    if not _KERNEL:
        _KERNEL.append(compile_kernel(SOURCE, "kernel", "void(int32[:, ::1], int64[::1])"))
    return _KERNEL[0]


@numba_funcify.register(mrg_uniform)
def _funcify_mrg_uniform(op, node):
    dtype = op.output_type.dtype
    kernel = _kernel()

    def mrg_uniform_kernel(rstate, size):
        shape, n = op.checked_draw(rstate, size)
        states = np.array(rstate, dtype=np.int32, order="C")     # the input stays as it was
        z = np.empty(n, dtype=np.int64)
        kernel(states, z)
        return states, _to_unit(z, dtype).reshape(shape)

    mrg_uniform_kernel.theano_path = "kernel"      # what describe() shows for the node
    return mrg_uniform_kernel
