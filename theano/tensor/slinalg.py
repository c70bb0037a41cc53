"""Linear algebra with SciPy (``theano.tensor.slinalg``): Cholesky, linear solves (general,
triangular, symmetric), symmetric generalized eigenvalues, the matrix exponential and ``kron``.

Wrong ndims are TypeErrors when the graph is built; non-square matrices and mismatched shapes are
ValueErrors at run time that name the shapes. Integer inputs give float64 results.
"""

import numpy as np

from theano.graph.null_type import grad_not_implemented
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.allocation import tril, triu
from theano.tensor.basic import as_tensor_variable, shape_i
from theano.tensor.joining import stack
from theano.tensor.math import dot
from theano.tensor.reshaping import reshape
from theano.tensor.linalg_ops import tensordot
from theano.tensor.nlinalg import (_grad_like, _mT, as_matrix, check_square, matrix, out_dtype, real_dtype,
                                   vector)
from theano.tensor.type import TensorType
from theano.tensor.type_other import is_none_variable

from theano.misc.lazy import lazy_module

scipy = lazy_module("scipy", "scipy.linalg")   # imported at the first op that runs it

__all__ = ["MATRIX_STRUCTURES", "Cholesky", "CholeskyGrad", "cholesky", "Solve", "solve", "solve_lower_triangular",
           "solve_upper_triangular", "solve_symmetric", "SolveTriangular", "solve_triangular",
           "Eigvalsh", "EigvalshGrad", "eigvalsh", "Expm", "ExpmGrad", "expm", "Kron", "kron"]


# The structures ``Solve`` accepts; only the triangular ones change how it solves.
MATRIX_STRUCTURES = ("general", "symmetric", "lower_triangular", "upper_triangular", "hermitian", "banded",
                     "diagonal", "toeplitz")


def _tri(x, lower, k=0):
    return tril(x, k) if lower else triu(x, -k)


# -------------------------------------------------------------------------------------------------
# Cholesky
# -------------------------------------------------------------------------------------------------


class Cholesky(Op):
    """Cholesky factor of a symmetric positive-definite matrix: L with ``L L^T = x`` (``lower``) or
    U with ``U^T U = x``. Only that triangle of x is read. ``on_error``: 'raise' (LinAlgError, a
    ValueError) or 'nan' (a matrix of NaNs) when x is not positive definite."""

    __props__ = ("lower", "on_error")

    def __init__(self, lower=True, on_error="raise"):
        if on_error not in ("raise", "nan"):
            raise ValueError(f"Cholesky: on_error must be 'raise' or 'nan', got {on_error!r}")
        self.lower = bool(lower)
        self.on_error = on_error

    def make_node(self, x):
        x = as_matrix(self, x)
        return Apply(self, [x], [matrix(out_dtype(x.dtype))])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square(self, x)
        dtype = node.outputs[0].dtype
        try:
            z = scipy.linalg.cholesky(x, lower=self.lower)
        except np.linalg.LinAlgError:
            if self.on_error == "raise":
                raise
            z = np.full(x.shape, np.nan)
        output_storage[0][0] = z.astype(dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (z,), (gz,) = inputs, outputs, output_grads
        return [_grad_like(x, CholeskyGrad(self.lower)(x, z, gz))]


class CholeskyGrad(Op):
    """Gradient of ``Cholesky`` with respect to the triangle it reads (I. Murray, "Differentiation
    of the Cholesky decomposition", 2016): with ``P = tril(L^T gL)`` whose diagonal is halved and
    ``S = L^-T P L^-1``, the gradient is ``tril(S + S^T) - diag(S)`` (triu for an upper factor)."""

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, x, chol, gz):
        x, chol, gz = (as_matrix(self, v, n) for v, n in ((x, "x"), (chol, "chol"), (gz, "gz")))
        return Apply(self, [x, chol, gz], [matrix(out_dtype(x.dtype))])

    def perform(self, node, inputs, output_storage):
        _, L, gL = inputs
        dtype = node.outputs[0].dtype
        if not np.all(np.isfinite(L)):
            output_storage[0][0] = np.full(L.shape, np.nan, dtype=dtype)
            return
        if not self.lower:
            L, gL = L.T, gL.T
        P = np.tril(L.T.dot(gL))
        P[np.diag_indices_from(P)] *= 0.5
        inner = scipy.linalg.solve_triangular(L, P.T, trans=1, lower=True)      # L^-T P^T
        S = scipy.linalg.solve_triangular(L, inner.T, trans=1, lower=True)      # L^-T P L^-1
        sym = S + S.T
        g = np.tril(sym) if self.lower else np.triu(sym)
        g[np.diag_indices_from(g)] -= np.diag(S)
        output_storage[0][0] = g.astype(dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, v, "second derivatives of cholesky") for i, v in enumerate(inputs)]


cholesky = Cholesky()


# -------------------------------------------------------------------------------------------------
# Solves
# -------------------------------------------------------------------------------------------------


def _solve_inputs(op, A, b):
    A = as_matrix(op, A, "A")
    b = as_tensor_variable(b)
    if b.ndim not in (1, 2):
        raise TypeError(f"{op} needs a 1-d or 2-d b, got a {b.ndim}-d {b} ({b.type})")
    dtype = out_dtype(ts.upcast(A.dtype, b.dtype))
    return A, b, TensorType(dtype, (False,) * b.ndim)()


def _check_solve_shapes(op, A, b):
    check_square(op, A, "A")
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"{op}: A has shape {A.shape} but b has shape {b.shape}; b needs {A.shape[0]} rows")


def _outer_grad(b_bar, c):
    """-b_bar c^T for vectors or matrices."""
    if c.ndim == 1:
        return -dot(b_bar.dimshuffle(0, "x"), c.dimshuffle("x", 0))
    return -dot(b_bar, _mT(c))


class Solve(Op):
    """Solve ``A x = b`` for x. ``A_structure`` is one of ``MATRIX_STRUCTURES``:
    'lower_triangular' and 'upper_triangular' make a triangular solve that reads that triangle; the
    others ('general', 'symmetric', ...) a full LU solve, so the gradient holds for any A."""

    __props__ = ("A_structure", "lower", "overwrite_A", "overwrite_b")
    _structures = MATRIX_STRUCTURES

    def __init__(self, A_structure="general", lower=False, overwrite_A=False, overwrite_b=False):
        if A_structure not in self._structures:
            raise ValueError(f"Solve: A_structure must be one of {self._structures}, got {A_structure!r}")
        self.A_structure = A_structure
        self.lower = bool(lower)
        self.overwrite_A = bool(overwrite_A)
        self.overwrite_b = bool(overwrite_b)

    def __str__(self):
        return f"Solve{{{self.A_structure}}}"

    def make_node(self, A, b):
        A, b, out = _solve_inputs(self, A, b)
        return Apply(self, [A, b], [out])

    def perform(self, node, inputs, output_storage):
        A, b = inputs
        _check_solve_shapes(self, A, b)
        if self.A_structure == "lower_triangular":
            r = scipy.linalg.solve_triangular(A, b, lower=True)
        elif self.A_structure == "upper_triangular":
            r = scipy.linalg.solve_triangular(A, b, lower=False)
        else:
            with np.errstate(all="ignore"):
                r = scipy.linalg.solve(A, b)
            # Some SciPy versions solve diagonal systems by division and return inf for a singular
            # matrix instead of raising: make that an error everywhere, never a silent inf.
            if not np.all(np.isfinite(r)) and np.all(np.isfinite(A)) and np.all(np.isfinite(b)):
                raise np.linalg.LinAlgError(f"Matrix is singular: cannot solve with A of shape {A.shape}")
        output_storage[0][0] = np.asarray(r).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        sA, sb = input_shapes
        return [(sA[1],) + tuple(sb[1:])]

    def L_op(self, inputs, outputs, output_grads):
        # c = A^-1 b:  b_bar = A^-T c_bar,  A_bar = -b_bar c^T (restricted to the triangle read)
        (A, b), (c,), (c_bar,) = inputs, outputs, output_grads
        flip = {"lower_triangular": "upper_triangular", "upper_triangular": "lower_triangular"}
        b_bar = Solve(flip.get(self.A_structure, self.A_structure), not self.lower)(_mT(A), c_bar)
        A_bar = _outer_grad(b_bar, c)
        if self.A_structure == "lower_triangular":
            A_bar = _tri(A_bar, lower=True)
        elif self.A_structure == "upper_triangular":
            A_bar = _tri(A_bar, lower=False)
        return [_grad_like(A, A_bar), _grad_like(b, b_bar)]


solve = Solve()
solve_lower_triangular = Solve(A_structure="lower_triangular", lower=True)
solve_upper_triangular = Solve(A_structure="upper_triangular", lower=False)
solve_symmetric = Solve(A_structure="symmetric")


class SolveTriangular(Op):
    """Solve ``op(A) x = b`` for a triangular A (``scipy.linalg.solve_triangular``): ``trans`` 0
    ('N'), 1 ('T') or 2 ('C') picks op(A) = A, A^T or A^H; ``unit_diagonal`` assumes ones on the
    diagonal, which is then not read."""

    __props__ = ("trans", "lower", "unit_diagonal")

    def __init__(self, trans=0, lower=False, unit_diagonal=False):
        trans = {"N": 0, "T": 1, "C": 2}.get(trans, trans)
        if trans not in (0, 1, 2):
            raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
        self.trans = int(trans)
        self.lower = bool(lower)
        self.unit_diagonal = bool(unit_diagonal)

    def make_node(self, A, b):
        A, b, out = _solve_inputs(self, A, b)
        return Apply(self, [A, b], [out])

    def perform(self, node, inputs, output_storage):
        A, b = inputs
        _check_solve_shapes(self, A, b)
        r = scipy.linalg.solve_triangular(A, b, trans=self.trans, lower=self.lower,
                                          unit_diagonal=self.unit_diagonal)
        output_storage[0][0] = np.asarray(r).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        sA, sb = input_shapes
        return [(sA[1],) + tuple(sb[1:])]

    def L_op(self, inputs, outputs, output_grads):
        (A, b), (c,), (c_bar,) = inputs, outputs, output_grads
        if A.dtype.startswith("complex") or b.dtype.startswith("complex"):
            return [grad_not_implemented(self, i, v, "complex solve_triangular") for i, v in enumerate(inputs)]
        transposed = self.trans != 0
        b_bar = SolveTriangular(0 if transposed else 1, self.lower, self.unit_diagonal)(A, c_bar)
        A_bar = _outer_grad(c, b_bar) if transposed else _outer_grad(b_bar, c)
        A_bar = _tri(A_bar, self.lower, k=-1 if self.unit_diagonal else 0)
        return [_grad_like(A, A_bar), _grad_like(b, b_bar)]


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False):
    """x with ``op(a) x = b`` for a triangular ``a`` (see ``SolveTriangular``)."""
    return SolveTriangular(trans, lower, unit_diagonal)(a, b)


# -------------------------------------------------------------------------------------------------
# Symmetric (generalized) eigenvalues
# -------------------------------------------------------------------------------------------------


class Eigvalsh(Op):
    """Eigenvalues (ascending) of the symmetric ``a``, or of the generalized problem
    ``a v = w b v`` when ``b`` (symmetric positive definite) is given. Only the ``lower`` (or upper)
    triangles are read."""

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, a, b=None):
        a = as_matrix(self, a, "a")
        inputs = [a]
        dtypes = [a.dtype]
        if not is_none_variable(b):  # None or NoneConst: the standard problem
            b = as_matrix(self, b, "b")
            inputs.append(b)
            dtypes.append(b.dtype)
        return Apply(self, inputs, [vector(real_dtype(out_dtype(ts.upcast(*dtypes))))])

    def perform(self, node, inputs, output_storage):
        a = inputs[0]
        b = inputs[1] if len(inputs) > 1 else None
        check_square(self, a, "a")
        if b is not None and b.shape != a.shape:
            raise ValueError(f"{self}: a has shape {a.shape} but b has shape {b.shape}")
        w = scipy.linalg.eigvalsh(a, b, lower=self.lower)
        output_storage[0][0] = w.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0],)]

    def L_op(self, inputs, outputs, output_grads):
        (gw,) = output_grads
        grads = EigvalshGrad(self.lower)(*inputs, gw, return_list=True)
        return [_grad_like(x, g) for x, g in zip(inputs, grads)]


class EigvalshGrad(Op):
    """Gradient of ``Eigvalsh``: with ``a V = b V diag(w)`` and ``V^T b V = I``,
    ``ga = V diag(gw) V^T`` and ``gb = -V diag(gw w) V^T``, folded onto the triangle that is read."""

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, a, *rest):
        if len(rest) not in (1, 2):
            raise TypeError(f"{self} takes (a, gw) or (a, b, gw)")
        mats = [as_matrix(self, a, "a")] + ([as_matrix(self, rest[0], "b")] if len(rest) == 2 else [])
        gw = as_tensor_variable(rest[-1])
        if gw.ndim != 1:
            raise TypeError(f"{self}: gw must be a vector, got {gw.ndim}-d")
        return Apply(self, mats + [gw], [matrix(out_dtype(m.dtype)) for m in mats])

    def _fold(self, g):
        if self.lower:
            return np.tril(g) + np.triu(g, 1).T
        return np.triu(g) + np.tril(g, -1).T

    def perform(self, node, inputs, output_storage):
        a, gw = inputs[0], inputs[-1]
        b = inputs[1] if len(inputs) == 3 else None
        w, v = scipy.linalg.eigh(a, b, lower=self.lower)
        ga = (v * gw[None, :]).dot(v.T)
        output_storage[0][0] = self._fold(ga).astype(node.outputs[0].dtype, copy=False)
        if b is not None:
            gb = -(v * (gw * w)[None, :]).dot(v.T)
            output_storage[1][0] = self._fold(gb).astype(node.outputs[1].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return list(input_shapes[:len(node.outputs)])

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, v, "second derivatives of eigvalsh") for i, v in enumerate(inputs)]


def eigvalsh(a, b=None, lower=True):
    """Eigenvalues of the symmetric ``a`` (generalized with ``b`` when given)."""
    return Eigvalsh(lower)(a, b)


# -------------------------------------------------------------------------------------------------
# Matrix exponential
# -------------------------------------------------------------------------------------------------


class Expm(Op):
    """The matrix exponential of a square matrix (``scipy.linalg.expm``)."""

    __props__ = ()

    def make_node(self, A):
        A = as_matrix(self, A)
        return Apply(self, [A], [matrix(out_dtype(A.dtype))])

    def perform(self, node, inputs, output_storage):
        (A,) = inputs
        check_square(self, A)
        output_storage[0][0] = np.asarray(scipy.linalg.expm(A)).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (A,), (gz,) = inputs, output_grads
        return [_grad_like(A, ExpmGrad()(A, gz))]


class ExpmGrad(Op):
    """Gradient of ``Expm``: the adjoint of the Frechet derivative of expm at A applied to gz,
    which is the Frechet derivative at A^T in the direction gz (``scipy.linalg.expm_frechet``)."""

    __props__ = ()

    def make_node(self, A, gz):
        A, gz = as_matrix(self, A, "A"), as_matrix(self, gz, "gz")
        return Apply(self, [A, gz], [matrix(out_dtype(A.dtype))])

    def perform(self, node, inputs, output_storage):
        A, gz = inputs
        dtype = node.outputs[0].dtype
        if A.size == 0:
            output_storage[0][0] = np.zeros(A.shape, dtype=dtype)
            return
        g = scipy.linalg.expm_frechet(A.T.astype("float64"), gz.astype("float64"), compute_expm=False)
        output_storage[0][0] = g.astype(dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, v, "second derivatives of expm") for i, v in enumerate(inputs)]


expm = Expm()


# -------------------------------------------------------------------------------------------------
# Kronecker product
# -------------------------------------------------------------------------------------------------


class Kron(Op):
    """The Kronecker product (``numpy.kron``; for matrices the same as ``scipy.linalg.kron``): the
    input with fewer dimensions is padded with leading length-1 axes, and output axis i has length
    ``a.shape[i] * b.shape[i]``."""

    __props__ = ()

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.ndim == 0 or b.ndim == 0:
            raise TypeError(f"kron needs inputs with at least 1 dimension, got {a.ndim}-d and {b.ndim}-d")
        nd = max(a.ndim, b.ndim)
        ba = (True,) * (nd - a.ndim) + a.broadcastable
        bb = (True,) * (nd - b.ndim) + b.broadcastable
        bcast = tuple(x and y for x, y in zip(ba, bb))
        return Apply(self, [a, b], [TensorType(ts.upcast(a.dtype, b.dtype), bcast)()])

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        output_storage[0][0] = np.asarray(np.kron(a, b)).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        sa, sb = input_shapes
        nd = max(len(sa), len(sb))
        sa = (1,) * (nd - len(sa)) + tuple(sa)
        sb = (1,) * (nd - len(sb)) + tuple(sb)
        return [tuple(x * y for x, y in zip(sa, sb))]

    def L_op(self, inputs, outputs, output_grads):
        # out reshaped to (a0, b0, a1, b1, ...) is the outer product of a and b with interleaved
        # axes: each gradient contracts gz in that layout with the other input.

        (a, b), (gz,) = inputs, output_grads
        nd = max(a.ndim, b.ndim)
        ap = a.dimshuffle(["x"] * (nd - a.ndim) + list(range(a.ndim)))
        bp = b.dimshuffle(["x"] * (nd - b.ndim) + list(range(b.ndim)))
        sizes = []
        for i in range(nd):
            sizes += [shape_i(ap, i), shape_i(bp, i)]
        g = reshape(gz, stack(sizes), ndim=2 * nd)
        ga = tensordot(g, bp, [list(range(1, 2 * nd, 2)), list(range(nd))])
        gb = tensordot(g, ap, [list(range(0, 2 * nd, 2)), list(range(nd))])
        ga = reshape(ga, stack([shape_i(a, i) for i in range(a.ndim)]), ndim=a.ndim)
        gb = reshape(gb, stack([shape_i(b, i) for i in range(b.ndim)]), ndim=b.ndim)
        return [_grad_like(a, ga), _grad_like(b, gb)]


_kron = Kron()


def kron(a, b):
    """The Kronecker product of ``a`` and ``b`` (see ``Kron``)."""
    return _kron(a, b)
