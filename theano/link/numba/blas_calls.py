"""Matrix products for generated Numba code: SciPy's BLAS called directly.

``np.dot`` in Numba code costs about 0.35 s of compilation per operand signature (its typing goes
through Numba's whole linear-algebra layer), which was most of the first call of a small
whole-graph function. The functions here call the same BLAS routines (``scipy.linalg.cython_blas``,
the library Numba's ``np.dot`` and the per-node ``Gemm``/``Gemv`` of ``theano.tensor.blas`` call)
through one small intrinsic each, so a product costs a few milliseconds to compile.

- ``mm(x, y)``, ``mv(A, x)``, ``vm(x, B)``, ``vv(x, y)``: ``np.dot`` of two float32 or two
  float64 operands (matrix-matrix, matrix-vector, vector-matrix, vector-vector), in a fresh
  C-ordered array (a 0-d array for ``vv``).
- ``gemm(z, a, x, y, b)``, ``gemv(z, a, A, x, b)``: ``b * z + a * dot(x, y)`` in a fresh array,
  computed as BLAS computes it (``beta * C + alpha * (A B)`` in one routine): the bits of the
  per-node ops, which call these routines through SciPy.

Operands are read where they lie when C- or Fortran-ordered (a transposed matrix needs no copy);
others are copied to Fortran order first, as SciPy's wrappers do. Shapes are checked (a mismatch raises ``ValueError``; the
whole-graph runner then runs the per-node code, which raises the op's own error).

The routines are found by name at load time (``llvmlite.binding.add_symbol`` at import): compiled
code refers to ``theano_ng_blas_<routine>`` and not to an address, so it is cached on disk like
the other kernels.
"""

import numpy as np
from llvmlite import binding as _ll
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import get_cython_function_address, intrinsic

_ROUTINES = ("sgemm", "dgemm", "sgemv", "dgemv", "sdot", "ddot")
_SYMBOL = "theano_ng_blas_"

for _name in _ROUTINES:
    _ll.add_symbol(_SYMBOL + _name, get_cython_function_address("scipy.linalg.cython_blas", _name))

_N, _T = 78, 84                      # ord("N"), ord("T"): BLAS's transpose flags
# SciPy's BLAS takes 32-bit ints: bigger dimensions raise (the per-node code then runs NumPy's)
_MAX_DIM = 2 ** 31 - 1


def _prefix(dtype):
    return {types.float32: "s", types.float64: "d"}.get(dtype)


def _slot(builder, value):
    """A pointer to a stack copy of ``value`` (BLAS takes every argument by reference)."""
    slot = cgutils.alloca_once(builder, value.type)
    builder.store(value, slot)
    return slot


def _routine(builder, name, ret, nargs):
    fnty = ir.FunctionType(ret, [ir.IntType(8).as_pointer()] * nargs)
    return cgutils.get_or_insert_function(builder.module, fnty, _SYMBOL + name)


def _call(context, builder, name, ret, pieces):
    """Call routine ``name`` with ``pieces``: (kind, value, numba type, routine's dtype) where
    kind is "c" (a flag char), "i" (a Fortran int), "f" (a scalar of the routine's dtype) or "a"
    (an array, by its data pointer)."""
    args = []
    for kind, value, ty, ftype in pieces:
        if kind == "a":
            args.append(context.make_array(ty)(context, builder, value).data)
        else:
            target = {"c": types.int8, "i": types.int32, "f": ftype}[kind]
            args.append(_slot(builder, context.cast(builder, value, ty, target)))
    ptrs = [builder.bitcast(a, ir.IntType(8).as_pointer()) for a in args]
    return builder.call(_routine(builder, name, ret, len(ptrs)), ptrs)


def _typed(routine, kinds, args):
    """(signature, codegen) of an intrinsic calling BLAS ``routine`` ("gemm", "gemv", "dot";
    the s/d variant by the dtype of its arrays, which must agree) with ``args`` of ``kinds``
    (see ``_call``); None for other argument types."""
    arr = [t for kd, t in zip(kinds, args) if kd == "a"]
    if not all(isinstance(t, types.Array) for t in arr) or \
            len({t.dtype for t in arr}) != 1 or _prefix(arr[0].dtype) is None:
        return None
    dt = arr[0].dtype
    returns = routine == "dot"

    def codegen(context, builder, signature, values):
        pieces = [(kd, v, t, dt) for kd, v, t in zip(kinds, values, signature.args)]
        ret = context.get_value_type(dt) if returns else ir.VoidType()
        res = _call(context, builder, _prefix(dt) + routine, ret, pieces)
        return res if returns else context.get_dummy_value()

    return (dt if returns else types.void)(*args), codegen


@intrinsic
def _xgemm(typingctx, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    return _typed("gemm", "cciiifaiaifai", (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))


@intrinsic
def _xgemv(typingctx, trans, m, n, alpha, a, lda, x, incx, beta, y, incy):
    return _typed("gemv", "ciifaiaifai", (trans, m, n, alpha, a, lda, x, incx, beta, y, incy))


@intrinsic
def _xdot(typingctx, n, x, incx, y, incy):
    return _typed("dot", "iaiai", (n, x, incx, y, incy))


@njit(cache=True, nogil=True)
def _vec(x):
    """``x`` as a contiguous vector (copied when strided)."""
    if x.flags.c_contiguous:
        return x
    return np.ascontiguousarray(x)


@njit(cache=True, nogil=True)
def _mat(a, f_copy):
    """``a`` as a matrix BLAS can read, with that reading as a column-major matrix: (array,
    "N" when C-ordered (column-major it holds a.T), "T" when Fortran-ordered (it holds a),
    leading dimension). The choices follow the per-node ops, so that the same routine reads the
    same operands and gives the same bits (OpenBLAS's kernels for a transposed and a plain
    operand can round differently): C order is taken first for a matrix that is both (one row
    or one column), and a matrix that is neither is copied, to Fortran order for ``Gemv.perform``
    (``f_copy``) and to C order for ``Gemm.perform`` (which copies ``y.T``/``x.T`` to Fortran
    order)."""
    if a.flags.c_contiguous:
        return a, _N, max(1, a.shape[1])
    if a.flags.f_contiguous:
        return a, _T, max(1, a.shape[0])
    if f_copy:
        f = np.asfortranarray(a)
        return f, _T, max(1, f.shape[0])
    c = np.ascontiguousarray(a)
    return c, _N, max(1, c.shape[1])


@njit(cache=True, nogil=True)
def _scale(out, beta):
    """``out = beta * out`` as BLAS does it for an empty inner dimension: ``beta == 0`` writes
    zeros without reading ``out`` (``mm``/``mv``/``vm`` pass a fresh ``np.empty`` buffer, whose
    leftover bytes may be NaN; NaN * 0 would stay NaN)."""
    if beta == 0:
        out[...] = 0
    else:
        out *= beta


@njit(cache=True, nogil=True)
def _gemm_into(out, alpha, x, y, beta):
    """out = beta * out + alpha * x @ y, ``out`` C-ordered (m, n), x (m, k), y (k, n)."""
    m, k = x.shape
    if y.shape[0] != k or out.shape[0] != m or out.shape[1] != y.shape[1]:
        raise ValueError("matrix product: shapes do not match")
    n = y.shape[1]
    if max(m, n, k) > _MAX_DIM:
        raise ValueError("matrix product: a dimension beyond 32-bit BLAS")
    if m == 0 or n == 0:
        return
    if k == 0:
        _scale(out, beta)
        return
    # column-major, out holds out.T = alpha * y.T @ x.T + beta * out.T
    ya, yt, ly = _mat(y, False)
    xa, xt, lx = _mat(x, False)
    _xgemm(yt, xt, n, m, k, alpha, ya, ly, xa, lx, beta, out, n)


@njit(cache=True, nogil=True)
def _gemv_into(out, alpha, a, x, beta, transposed):
    """out = beta * out + alpha * op(a) @ x, op(a) = a.T when ``transposed`` else a."""
    if transposed:
        m, n = a.shape[1], a.shape[0]
    else:
        m, n = a.shape
    if x.shape[0] != n or out.shape[0] != m:
        raise ValueError("matrix-vector product: shapes do not match")
    if max(m, n) > _MAX_DIM:
        raise ValueError("matrix-vector product: a dimension beyond 32-bit BLAS")
    if m == 0:
        return
    if n == 0:
        _scale(out, beta)
        return
    aa, at, la = _mat(a, True)
    xv = _vec(x)
    # column-major, aa holds a.T when at == "N" (C order), a when "T" (Fortran order)
    rows, cols = (a.shape[1], a.shape[0]) if at == _N else (a.shape[0], a.shape[1])
    if (at == _N) != transposed:
        flag = _T
    else:
        flag = _N
    _xgemv(flag, rows, cols, alpha, aa, la, xv, 1, beta, out, 1)


@njit(cache=True, nogil=True)
def mm(x, y):
    out = np.empty((x.shape[0], y.shape[1]), dtype=x.dtype)
    _gemm_into(out, 1.0, x, y, 0.0)
    return out


@njit(cache=True, nogil=True)
def mv(a, x):
    out = np.empty(a.shape[0], dtype=a.dtype)
    _gemv_into(out, 1.0, a, x, 0.0, False)
    return out


@njit(cache=True, nogil=True)
def vm(x, b):
    out = np.empty(b.shape[1], dtype=b.dtype)
    _gemv_into(out, 1.0, b, x, 0.0, True)
    return out


@njit(cache=True, nogil=True)
def vv(x, y):
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError("vector product: shapes do not match")
    if n > _MAX_DIM:
        raise ValueError("vector product: a dimension beyond 32-bit BLAS")
    out = np.empty((), dtype=x.dtype)
    if n == 0:
        out[()] = 0
        return out
    out[()] = _xdot(n, _vec(x), 1, _vec(y), 1)
    return out


@njit(cache=True, nogil=True)
def gemm(z, a, x, y, b):
    out = z.copy()
    _gemm_into(out, a, x, y, b)
    return out


@njit(cache=True, nogil=True)
def gemv(z, a, m, x, b):
    out = z.copy()
    _gemv_into(out, a, m, x, b, False)
    return out
