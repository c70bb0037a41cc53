"""BLAS ops: ``Gemm`` (b*Z + a*X@Y), ``Gemv`` (b*z + a*A@x) and ``Ger`` (A + a*outer(x, y)).

They run through ``scipy.linalg.blas`` (sgemm/dgemm, sgemv/dgemv, sger/dger) and exist so that the
optimizer can turn ``W - lr * dot(a, b)`` into one call that scales and accumulates in a single pass.
The default variants write into a fresh output; ``inplace=True`` overwrites their first input
(``destroy_map``), which the in-place phase allows only for intermediate buffers nobody else reads.

All inputs share one dtype, float32 or float64; ``a`` and ``b`` are scalars.
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.math import dot, outer
from theano.tensor.math import sum as tsum

__all__ = ["Gemm", "Gemv", "Ger", "gemm", "gemv", "ger", "gemm_inplace", "gemv_inplace",
           "ger_inplace"]


class _BlasFuncs(dict):
    """``(routine, dtype) -> scipy BLAS function``, filled at the first lookup: importing
    ``scipy.linalg`` costs more than the rest of ``import theano``."""

    def __missing__(self, key):
        if not self:
            from scipy.linalg import blas

            self.update({("gemm", "float32"): blas.sgemm, ("gemm", "float64"): blas.dgemm,
                         ("gemv", "float32"): blas.sgemv, ("gemv", "float64"): blas.dgemv,
                         ("ger", "float32"): blas.sger, ("ger", "float64"): blas.dger})
            if key in self:
                return self[key]
        raise KeyError(key)


_FUNCS = _BlasFuncs()


def _check_inputs(opname, names, inputs, ndims):
    """Convert and validate: same float dtype everywhere, the expected number of dimensions."""
    inputs = [as_tensor_variable(i) for i in inputs]
    dtype = inputs[0].dtype
    if dtype not in ("float32", "float64"):
        raise TypeError(f"{opname}: {names[0]} must be float32 or float64, got {dtype}")
    for name, v, nd in zip(names, inputs, ndims):
        if v.ndim != nd:
            raise TypeError(f"{opname}: {name} must have {nd} dimension(s), got {v} with {v.ndim}")
        if v.dtype != dtype:
            raise TypeError(f"{opname}: {name} must have dtype {dtype} (like {names[0]}), "
                            f"got {v.dtype}")
    return inputs


def _f_operand(m):
    """(array, trans) with a Fortran-ordered array such that op(array) is ``m``, without copying
    when ``m`` is C- or Fortran-contiguous (BLAS then reads it transposed)."""
    if m.flags.f_contiguous:
        return m, 0
    if m.flags.c_contiguous:
        return m.T, 1
    return np.asfortranarray(m), 0


class _BlasOp(Op):
    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def __str__(self):
        return f"{type(self).__name__}{{{'inplace' if self.inplace else 'no_inplace'}}}"

    def _output(self, z):
        """The buffer to write into: z itself when in-place, else a fresh copy."""
        if self.inplace:
            return z
        return np.array(z, order="C", copy=True)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class Gemm(_BlasOp):
    """``b * z + a * dot(x, y)`` for matrices z (M, N), x (M, K), y (K, N) and scalars a, b."""

    def make_node(self, z, a, x, y, b):
        z, a, x, y, b = _check_inputs("Gemm", ("z", "a", "x", "y", "b"), (z, a, x, y, b),
                                      (2, 0, 2, 2, 0))
        out_b = (x.broadcastable[0] and z.broadcastable[0], y.broadcastable[1] and z.broadcastable[1])
        if out_b != z.broadcastable:
            raise TypeError(f"Gemm: z must have the broadcast pattern of dot(x, y) "
                            f"{out_b}, got {z.broadcastable}")
        return Apply(self, [z, a, x, y, b], [z.type()])

    def perform(self, node, inputs, output_storage):
        z, a, x, y, b = inputs
        if x.shape[1] != y.shape[0] or z.shape != (x.shape[0], y.shape[1]):
            raise ValueError(f"Gemm: shape mismatch: z {z.shape}, x {x.shape}, y {y.shape} "
                             "(need z (M, N), x (M, K), y (K, N))")
        out = self._output(z)
        if out.size == 0:
            output_storage[0][0] = out
            return
        if x.shape[1] == 0:
            out *= b
            output_storage[0][0] = out
            return
        fn = _FUNCS[("gemm", out.dtype.name)]
        if out.flags.c_contiguous:
            # out.T is Fortran-ordered: out.T = a * y.T @ x.T + b * out.T.
            p, tp = _f_operand(y.T)
            q, tq = _f_operand(x.T)
            res = fn(a, p, q, beta=b, c=out.T, trans_a=tp, trans_b=tq, overwrite_c=True)
            if not np.shares_memory(res, out):
                out[...] = res.T
        else:
            p, tp = _f_operand(x)
            q, tq = _f_operand(y)
            out[...] = fn(a, p, q, beta=b, c=np.asfortranarray(out), trans_a=tp, trans_b=tq,
                          overwrite_c=True)
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        z, a, x, y, b = inputs
        (g,) = output_grads
        return [g * b, tsum(g * dot(x, y)), a * dot(g, y.T), a * dot(x.T, g), tsum(g * z)]


class Gemv(_BlasOp):
    """``b * z + a * dot(A, x)`` for a vector z (M,), a matrix A (M, N), a vector x (N,)."""

    def make_node(self, z, a, A, x, b):
        z, a, A, x, b = _check_inputs("Gemv", ("z", "a", "A", "x", "b"), (z, a, A, x, b),
                                      (1, 0, 2, 1, 0))
        if z.broadcastable != (A.broadcastable[0] and z.broadcastable[0],):
            raise TypeError(f"Gemv: z must have the broadcast pattern of dot(A, x), got "
                            f"{z.broadcastable}")
        return Apply(self, [z, a, A, x, b], [z.type()])

    def perform(self, node, inputs, output_storage):
        z, a, A, x, b = inputs
        if A.shape[1] != x.shape[0] or z.shape != (A.shape[0],):
            raise ValueError(f"Gemv: shape mismatch: z {z.shape}, A {A.shape}, x {x.shape} "
                             "(need z (M,), A (M, N), x (N,))")
        out = self._output(z)
        if out.size == 0:
            output_storage[0][0] = out
            return
        if A.shape[1] == 0:
            out *= b
            output_storage[0][0] = out
            return
        fn = _FUNCS[("gemv", out.dtype.name)]
        if A.flags.c_contiguous:
            res = fn(a, A.T, x, beta=b, y=out, trans=1, overwrite_y=True)
        else:
            res = fn(a, A, x, beta=b, y=out, overwrite_y=True)
        if not np.shares_memory(res, out):
            out[...] = res
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        z, a, A, x, b = inputs
        (g,) = output_grads
        return [g * b, tsum(g * dot(A, x)), a * outer(g, x), a * dot(A.T, g), tsum(g * z)]


class Ger(_BlasOp):
    """``A + a * outer(x, y)`` for a matrix A (M, N) and vectors x (M,), y (N,)."""

    def make_node(self, A, a, x, y):
        A, a, x, y = _check_inputs("Ger", ("A", "a", "x", "y"), (A, a, x, y), (2, 0, 1, 1))
        if any(A.broadcastable):
            raise TypeError(f"Ger: A must not be broadcastable, got {A.broadcastable}")
        return Apply(self, [A, a, x, y], [A.type()])

    def perform(self, node, inputs, output_storage):
        A, a, x, y = inputs
        if A.shape != (x.shape[0], y.shape[0]):
            raise ValueError(f"Ger: shape mismatch: A {A.shape}, x {x.shape}, y {y.shape} "
                             "(need A (M, N), x (M,), y (N,))")
        out = self._output(A)
        if out.size == 0:
            output_storage[0][0] = out
            return
        fn = _FUNCS[("ger", out.dtype.name)]
        if out.flags.c_contiguous:
            res = fn(a, y, x, a=out.T, overwrite_a=True)
            if not np.shares_memory(res, out):
                out[...] = res.T
        else:
            out[...] = fn(a, x, y, a=np.asfortranarray(out), overwrite_a=True)
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        A, a, x, y = inputs
        (g,) = output_grads
        return [g, tsum(g * outer(x, y)), a * dot(g, y), a * dot(g.T, x)]


gemm = Gemm(False)
gemm_inplace = Gemm(True)
gemv = Gemv(False)
gemv_inplace = Gemv(True)
ger = Ger(False)
ger_inplace = Ger(True)
