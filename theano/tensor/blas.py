"""BLAS ops: ``Gemm`` (b*Z + a*X@Y), ``Gemv`` (b*z + a*A@x) and ``Ger`` (A + a*outer(x, y)).

They run through ``scipy.linalg.blas`` (sgemm/dgemm, sgemv/dgemv, sger/dger) and exist so that the
optimizer can turn ``W - lr * dot(a, b)`` into one call that scales and accumulates in a single pass.
The default variants write into a fresh output; ``inplace=True`` overwrites their first input
(``destroy_map``), which the in-place phase allows only for intermediate buffers nobody else reads.

All inputs share one dtype: float32, float64, complex64 or complex128 (Theano 1.0's set); ``a``
and ``b`` are scalars (a Python number is taken in the dtype of the other inputs). ``Dot22`` is the
product of two matrices of one dtype (a ``Dot`` the optimizer narrowed down) and ``Dot22Scalar``
``a * dot(x, y)``. Theano 1.0's names: ``gemm_no_inplace``/``gemm_inplace``,
``gemv_no_inplace``/``gemv_inplace``, ``ger``/``ger_destructive``, ``_dot22``, ``_dot22scalar``.
"""

import numpy as np

from theano.graph.basic import Apply, Variable, view_roots
from theano.graph.fg import InconsistencyError
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.math import Dot, dot, outer
from theano.tensor.math import sum as tsum
from theano.tensor.type import TensorType

__all__ = ["Gemm", "Gemv", "Ger", "Dot22", "Dot22Scalar", "gemm", "gemv", "ger", "gemm_inplace",
           "gemm_no_inplace", "gemv_inplace", "gemv_no_inplace", "ger_inplace", "ger_destructive",
           "_dot22", "_dot22scalar", "InconsistencyError", "BlasTypeError"]

BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")


class _BlasFuncs(dict):
    """``(routine, dtype) -> scipy BLAS function``, filled at the first lookup: importing
    ``scipy.linalg`` costs more than the rest of ``import theano``."""

    def __missing__(self, key):
        if not self:
            from scipy.linalg import blas

            for prefix, dtype in zip("sdcz", BLAS_DTYPES):
                self[("gemm", dtype)] = getattr(blas, prefix + "gemm")
                self[("gemv", dtype)] = getattr(blas, prefix + "gemv")
                # the unconjugated rank-1 update: A + a * outer(x, y)
                self[("ger", dtype)] = getattr(blas, prefix + ("ger" if prefix in "sd" else "geru"))
            if key in self:
                return self[key]
        raise KeyError(key)


_FUNCS = _BlasFuncs()


class BlasTypeError(TypeError):
    """A TypeError whose first argument is one of the ops' ``E_*`` messages (Theano 1.0's
    contract: ``e.args[0] is Gemm.E_rank``) and whose text adds what was wrong."""

    def __str__(self):
        return ": ".join(str(a) for a in self.args)


def _as_inputs(inputs, scalars):
    """Tensor variables for ``inputs``; a Python/NumPy number at a position in ``scalars`` (a
    scale) takes the dtype of the first input when that is a BLAS dtype."""
    first = as_tensor_variable(inputs[0])
    out = []
    for k, v in enumerate(inputs):
        if k == 0:
            out.append(first)
        elif k in scalars and not isinstance(v, Variable) and first.dtype in BLAS_DTYPES:
            out.append(as_tensor_variable(np.asarray(v, dtype=first.dtype)))
        else:
            out.append(as_tensor_variable(v))
    return out


def _check_inputs(cls, names, inputs, ndims):
    """Validate ranks then dtypes (one BLAS dtype everywhere), raising ``BlasTypeError`` with the
    class's ``E_rank``/``E_scalar``/``E_float``/``E_mixed`` as first argument."""
    opname = cls.__name__
    for name, v, nd in zip(names, inputs, ndims):
        if v.ndim != nd:
            msg = cls.E_scalar if nd == 0 else cls.E_rank
            raise BlasTypeError(msg, f"{opname}: {name} must have {nd} dimension(s), got {v} "
                                     f"with {v.ndim}")
    dtype = inputs[0].dtype
    if dtype not in BLAS_DTYPES:
        raise BlasTypeError(cls.E_float, f"{opname}: {names[0]} must be float32, float64, complex64 "
                                         f"or complex128, got {dtype}")
    for name, v in zip(names, inputs):
        if v.dtype != dtype:
            raise BlasTypeError(cls.E_mixed, f"{opname}: {name} must have dtype {dtype} (like "
                                             f"{names[0]}), got {v.dtype}")
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
    E_rank = "BLAS op: z, x, y (or A, x, y) have the wrong number of dimensions"
    E_scalar = "BLAS op: the scales (a, b) must be scalars"
    E_float = "BLAS op: the inputs must be float32, float64, complex64 or complex128"
    E_mixed = "BLAS op: all inputs must have the same dtype"

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
    """``b * z + a * dot(x, y)`` for matrices z (M, N), x (M, K), y (K, N) and scalars a, b.

    ``Gemm(inplace=True)`` overwrites z; it refuses a z that shares memory with x or y
    (``InconsistencyError(Gemm.E_z_uniq)``), since BLAS would read what it already wrote."""

    E_rank = "gemm: z, x and y must be matrices (2 dimensions)"
    E_scalar = "gemm: a and b must be scalars (0 dimensions)"
    E_float = "gemm: the inputs must be float32, float64, complex64 or complex128"
    E_mixed = "gemm: z, a, x, y and b must have the same dtype"
    E_z_uniq = "gemm: argument z aliased to x or y (an in-place gemm needs z to be its own buffer)"

    def make_node(self, z, a, x, y, b):
        z, a, x, y, b = _check_inputs(Gemm, ("z", "a", "x", "y", "b"),
                                      _as_inputs((z, a, x, y, b), (1, 4)), (2, 0, 2, 2, 0))
        if self.inplace:
            zr = set(view_roots(z))
            for v in (x, y):
                if zr.intersection(view_roots(v)):
                    raise InconsistencyError(Gemm.E_z_uniq)
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
            # BLAS's rule for beta == 0, as the product below follows it: z is not read
            if b == 0:
                out[...] = 0
            else:
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

    E_rank = "gemv: z and x must be vectors, A a matrix"
    E_scalar = "gemv: a and b must be scalars (0 dimensions)"
    E_float = "gemv: the inputs must be float32, float64, complex64 or complex128"
    E_mixed = "gemv: z, a, A, x and b must have the same dtype"
    E_z_uniq = "gemv: argument z aliased to A or x (an in-place gemv needs z to be its own buffer)"

    def make_node(self, z, a, A, x, b):
        z, a, A, x, b = _check_inputs(Gemv, ("z", "a", "A", "x", "b"),
                                      _as_inputs((z, a, A, x, b), (1, 4)), (1, 0, 2, 1, 0))
        if self.inplace:
            zr = set(view_roots(z))
            for v in (A, x):
                if zr.intersection(view_roots(v)):
                    raise InconsistencyError(Gemv.E_z_uniq)
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
            # BLAS's rule for beta == 0, as the product below follows it: z is not read
            if b == 0:
                out[...] = 0
            else:
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
    """``A + a * outer(x, y)`` for a matrix A (M, N) and vectors x (M,), y (N,).

    Theano 1.0's signature: ``Ger(destructive)``; a destructive Ger overwrites A (``inplace`` is
    the same flag under the name the other BLAS ops use)."""

    __props__ = ("destructive",)
    E_rank = "ger: A must be a matrix, x and y vectors"
    E_scalar = "ger: a must be a scalar (0 dimensions)"
    E_float = "ger: the inputs must be float32, float64, complex64 or complex128"
    E_mixed = "ger: A, a, x and y must have the same dtype"
    E_z_uniq = "ger: argument A aliased to x or y (a destructive ger needs A to be its own buffer)"

    def __init__(self, destructive=False, *, inplace=None):
        super().__init__(destructive if inplace is None else inplace)
        self.destructive = self.inplace

    def __str__(self):
        return f"Ger{{{'destructive' if self.destructive else 'non-destructive'}}}"

    def make_node(self, A, a, x, y):
        A, a, x, y = _check_inputs(Ger, ("A", "a", "x", "y"), _as_inputs((A, a, x, y), (1,)),
                                   (2, 0, 1, 1))
        if self.inplace:
            ar = set(view_roots(A))
            for v in (x, y):
                if ar.intersection(view_roots(v)):
                    raise InconsistencyError(Ger.E_z_uniq)
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


class Dot22(Dot):
    """``dot(x, y)`` of two matrices of one BLAS dtype: the form of ``Dot`` the optimizer gives
    matrix products (Theano 1.0's ``_dot22``). It computes exactly what ``Dot`` does, and every
    backend runs it as a ``Dot``."""

    def __str__(self):
        return "_dot22"

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim != 2 or y.ndim != 2:
            raise TypeError(f"Dot22 needs two matrices, got {x.ndim}-d and {y.ndim}-d")
        if x.dtype != y.dtype or x.dtype not in BLAS_DTYPES:
            raise TypeError(f"Dot22 needs two matrices of one dtype among {', '.join(BLAS_DTYPES)}, "
                            f"got {x.dtype} and {y.dtype}")
        out = TensorType(x.dtype, (x.broadcastable[0], y.broadcastable[1]))()
        return Apply(self, [x, y], [out])


class Dot22Scalar(Op):
    """``a * dot(x, y)`` for matrices x, y and a scalar a, all of one BLAS dtype (Theano 1.0's
    ``_dot22scalar``). The product is computed as by ``Dot``, then scaled in place: the same
    values as the graph ``a * dot(x, y)``."""

    __props__ = ()
    E_rank = "dot22scalar: x and y must be matrices, a a scalar"
    E_scalar = "dot22scalar: a must be a scalar (0 dimensions)"
    E_float = "dot22scalar: the inputs must be float32, float64, complex64 or complex128"
    E_mixed = "dot22scalar: x, y and a must have the same dtype"

    def __str__(self):
        return "_dot22scalar"

    def make_node(self, x, y, a):
        x = as_tensor_variable(x)
        x, y, a = _check_inputs(Dot22Scalar, ("x", "y", "a"), _as_inputs((x, y, a), (2,)),
                                (2, 2, 0))
        out = TensorType(x.dtype, (x.broadcastable[0], y.broadcastable[1]))()
        return Apply(self, [x, y, a], [out])

    def perform(self, node, inputs, output_storage):
        x, y, a = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError(f"Shape mismatch in dot22scalar: {x.shape} and {y.shape} (the last "
                             "dimension of the first must equal the first dimension of the second)")
        out = np.asarray(np.dot(x, y), dtype=node.outputs[0].type.numpy_dtype)
        out *= a
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        xs, ys, _ = input_shapes
        return [(xs[0], ys[1])]

    def grad(self, inputs, output_grads):
        x, y, a = inputs
        (g,) = output_grads
        return [a * dot(g, y.T), a * dot(x.T, g), tsum(g * dot(x, y))]


gemm_no_inplace = gemm = Gemm(False)
gemm_inplace = Gemm(True)
gemv_no_inplace = gemv = Gemv(False)
gemv_inplace = Gemv(True)
ger = Ger(False)
ger_destructive = ger_inplace = Ger(True)
_dot22 = Dot22()
_dot22scalar = Dot22Scalar()
