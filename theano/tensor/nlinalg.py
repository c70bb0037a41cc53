"""Linear algebra on matrices with NumPy (``theano.tensor.nlinalg``): inverse, determinant,
eigen-decompositions, SVD, QR, pseudo-inverse, least squares and the tensor inverse/solve, plus
helpers built from them (``trace``, ``matrix_dot``, ``matrix_power``, ``norm``).

Ops take 2-d inputs (a wrong ndim is a TypeError when the graph is built); square matrices are
checked at run time (a ValueError naming the shape). Integer inputs give float64 results, as NumPy.
"""

import numpy as np

from theano.configdefaults import config
from theano.graph.null_type import grad_not_implemented
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, cast, ones_like, zeros_like
from theano.tensor.math import dot, minimum
from theano.tensor.math import sum as tsum
from theano.tensor.linalg_ops import AllocDiag, ExtractDiag, diag, tensordot
from theano.tensor.type import TensorType

from theano.misc.lazy import lazy_module

scipy = lazy_module("scipy", "scipy.linalg")   # imported at the first op that runs it

__all__ = ["MatrixInverse", "matrix_inverse", "MatrixPinv", "pinv", "Det", "det", "Eig", "eig", "Eigh",
           "EighGrad", "eigh", "SVD", "SVDGrad", "svd", "QRFull", "QRGrad", "QRIncomplete", "qr", "Lstsq", "lstsq", "TensorInv", "tensorinv",
           "TensorSolve", "tensorsolve", "ExtractDiag", "extract_diag", "AllocDiag", "alloc_diag", "diag",
           "trace", "matrix_dot", "matrix_power", "norm", "spectral_radius_bound"]


# -------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------


def out_dtype(dtype):
    """The dtype of a decomposition of an array of ``dtype``: floats and complexes keep theirs
    (float16 computes in float32), everything else gives float64, as NumPy."""
    if dtype in ("float32", "float64", "complex64", "complex128"):
        return dtype
    if dtype == "float16":
        return "float32"
    return "float64"


def real_dtype(dtype):
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def as_matrix(op, x, name="input"):
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"{op} needs a matrix (2-d) {name}, got a {x.ndim}-d {x} ({x.type})")
    return x


def check_square(op, x, name="input"):
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ValueError(f"{op} needs a square matrix {name}, got one of shape {x.shape}")


def matrix(dtype):
    return TensorType(dtype, (False, False))()


def vector(dtype):
    return TensorType(dtype, (False,))()


def _mT(x):
    return x.dimshuffle(1, 0)


def _dot(a, b):
    return dot(a, b)


def _grad_like(x, g):
    if x.dtype in ts.discrete_dtypes:
        return zeros_like(x, dtype=config.floatX)
    return cast(g, x.dtype) if g.dtype != x.dtype else g


# -------------------------------------------------------------------------------------------------
# inverse, pseudo-inverse, determinant
# -------------------------------------------------------------------------------------------------


class MatrixInverse(Op):
    """The inverse of a square matrix (``numpy.linalg.inv``)."""

    __props__ = ()

    def make_node(self, x):
        x = as_matrix(self, x)
        return Apply(self, [x], [matrix(out_dtype(x.dtype))])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square(self, x)
        output_storage[0][0] = np.linalg.inv(x).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        # d(X^-1) = -X^-1 dX X^-1  =>  gX = -X^-T gZ X^-T
        (x,), (z,), (gz,) = inputs, outputs, output_grads
        zt = _mT(z)
        return [_grad_like(x, -_dot(_dot(zt, gz), zt))]

    def R_op(self, inputs, eval_points):
        (x,), (ex,) = inputs, eval_points
        if ex is None:
            return [None]
        z = self(x)
        return [-_dot(_dot(z, ex), z)]


matrix_inverse = MatrixInverse()


class MatrixPinv(Op):
    """The Moore-Penrose pseudo-inverse (``numpy.linalg.pinv``) of any matrix."""

    __props__ = ()

    def make_node(self, x):
        x = as_matrix(self, x)
        return Apply(self, [x], [matrix(out_dtype(x.dtype))])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = np.linalg.pinv(x).astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [(s[1], s[0])]

    def L_op(self, inputs, outputs, output_grads):
        # Adjoint of dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P (valid where the
        # rank of A does not change).
        (a,), (p,), (g,) = inputs, outputs, output_grads
        pt, gt = _mT(p), _mT(g)
        ppt = _dot(p, pt)
        ptp = _dot(pt, p)
        term1 = -_dot(_dot(pt, g), pt)
        gt_ppt = _dot(gt, ppt)
        term2 = gt_ppt - _dot(_dot(a, p), gt_ppt)
        ptp_gt = _dot(ptp, gt)
        term3 = ptp_gt - _dot(_dot(ptp_gt, p), a)
        return [_grad_like(a, term1 + term2 + term3)]


pinv_op = MatrixPinv()


def pinv(x):
    """The Moore-Penrose pseudo-inverse of the matrix ``x``."""
    return pinv_op(x)


class Det(Op):
    """The determinant of a square matrix (a scalar)."""

    __props__ = ()

    def make_node(self, x):
        x = as_matrix(self, x)
        return Apply(self, [x], [TensorType(out_dtype(x.dtype), ())()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square(self, x)
        output_storage[0][0] = np.asarray(np.linalg.det(x), dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [()]

    def L_op(self, inputs, outputs, output_grads):
        # d det(X) = det(X) tr(X^-1 dX)  =>  gX = gz det(X) X^-T
        (x,), (z,), (gz,) = inputs, outputs, output_grads
        return [_grad_like(x, (gz * z) * _mT(matrix_inverse(x)))]

    def __str__(self):
        return "Det"


det = Det()


# -------------------------------------------------------------------------------------------------
# eigen-decompositions
# -------------------------------------------------------------------------------------------------


class Eig(Op):
    """Eigenvalues ``w`` and right eigenvectors ``v`` (columns) of a square matrix.

    As in Theano the outputs have the input's (float) dtype, so the eigenvalues must be real: a
    matrix with complex eigenvalues is a ValueError (pass a complex matrix to get complex results).
    """

    __props__ = ()

    def make_node(self, x):
        x = as_matrix(self, x)
        dt = out_dtype(x.dtype)
        return Apply(self, [x], [vector(dt), matrix(dt)])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square(self, x)
        w, v = np.linalg.eig(x)
        dt = node.outputs[0].dtype
        if not dt.startswith("complex") and (np.iscomplexobj(w) or np.iscomplexobj(v)):
            if np.any(np.imag(w) != 0):
                raise ValueError(
                    f"{self}: the matrix (shape {x.shape}) has complex eigenvalues, which a {dt} output "
                    "cannot hold; use eigh for symmetric matrices or cast the input to complex128"
                )
            w, v = np.real(w), np.real(v)  # strided views of the complex arrays: copied below
        output_storage[0][0] = np.ascontiguousarray(w, dtype=dt)
        output_storage[1][0] = np.ascontiguousarray(v, dtype=dt)

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [(s[0],), s]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, 0, inputs[0], "eig has no gradient; use eigh")]


eig = Eig()


class Eigh(Eig):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric/Hermitian matrix
    (``numpy.linalg.eigh``). Only the triangle named by ``UPLO`` ('L' or 'U') is read."""

    __props__ = ("UPLO",)

    def __init__(self, UPLO="L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"Eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def make_node(self, x):
        x = as_matrix(self, x)
        dt = out_dtype(x.dtype)
        return Apply(self, [x], [vector(real_dtype(dt)), matrix(dt)])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square(self, x)
        w, v = np.linalg.eigh(x, self.UPLO)
        output_storage[0][0] = w.astype(node.outputs[0].dtype, copy=False)
        output_storage[1][0] = v.astype(node.outputs[1].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [(s[0],), s]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (w, v), (gw, gv) = inputs, outputs, output_grads
        if x.dtype.startswith("complex"):
            return [grad_not_implemented(self, 0, x, "eigh of complex matrices")]
        return [_grad_like(x, EighGrad(self.UPLO)(x, w, v, gw, gv))]


class EighGrad(Op):
    """The gradient of ``Eigh`` with respect to the triangle of the input it reads.

    For ``A = V diag(w) V^T`` the gradient with respect to a symmetric A is
    ``V (diag(gw) + K) V^T`` with ``K[n, m] = (V^T gV)[m, n] / (w[n] - w[m])`` off the diagonal. Eigh
    reads one triangle, so an off-diagonal element there collects both its own and its mirror's term.
    """

    __props__ = ("UPLO",)

    def __init__(self, UPLO="L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"EighGrad: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def make_node(self, x, w, v, gw, gv):
        x, w, v, gw, gv = (as_tensor_variable(i) for i in (x, w, v, gw, gv))
        for name, var, nd in (("x", x, 2), ("w", w, 1), ("v", v, 2), ("gw", gw, 1), ("gv", gv, 2)):
            if var.ndim != nd:
                raise TypeError(f"{self}: {name} must be {nd}-d, got {var.ndim}-d")
        return Apply(self, [x, w, v, gw, gv], [matrix(out_dtype(x.dtype))])

    def perform(self, node, inputs, output_storage):
        x, w, v, gw, gv = inputs
        m = v.T.dot(gv)
        diff = w[:, None] - w[None, :]          # diff[n, m] = w[n] - w[m]
        off = ~np.eye(len(w), dtype=bool)
        k = np.zeros_like(m)
        k[off] = m.T[off] / diff[off]
        k[np.diag_indices(len(w))] = gw
        g = v.dot(k).dot(v.T)
        if self.UPLO == "L":
            out = np.tril(g) + np.triu(g, 1).T
        else:
            out = np.triu(g) + np.tril(g, -1).T
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, x, "second derivatives of eigh") for i, x in enumerate(inputs)]


def eigh(a, UPLO="L"):
    """Eigenvalues and eigenvectors of the symmetric matrix ``a`` (see ``Eigh``)."""
    return Eigh(UPLO)(a)


# -------------------------------------------------------------------------------------------------
# SVD and QR
# -------------------------------------------------------------------------------------------------


class SVD(Op):
    """Singular value decomposition ``a = U diag(s) V`` (``numpy.linalg.svd``).

    ``compute_uv`` True: outputs (U, s, V) (V is NumPy's ``vh``), differentiated by ``SVDGrad``;
    False: only ``s``, whose gradient is ``U diag(gs) V`` of the thin decomposition.
    """

    __props__ = ("full_matrices", "compute_uv")

    def __init__(self, full_matrices=True, compute_uv=True):
        self.full_matrices = bool(full_matrices)
        self.compute_uv = bool(compute_uv)

    def make_node(self, x):
        x = as_matrix(self, x)
        dt = out_dtype(x.dtype)
        s = vector(real_dtype(dt))
        outs = [matrix(dt), s, matrix(dt)] if self.compute_uv else [s]
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        r = np.linalg.svd(x, full_matrices=self.full_matrices, compute_uv=self.compute_uv)
        r = r if self.compute_uv else (r,)
        for storage, val, out in zip(output_storage, r, node.outputs):
            storage[0] = val.astype(out.dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        m, n = input_shapes[0]
        k = minimum(m, n)
        if not self.compute_uv:
            return [(k,)]
        if self.full_matrices:
            return [(m, m), (k,), (n, n)]
        return [(m, k), (k,), (k, n)]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        if x.dtype.startswith("complex"):
            return [grad_not_implemented(self, 0, x, "svd of complex matrices")]
        if self.compute_uv:
            return [_grad_like(x, SVDGrad()(x, *outputs, *output_grads))]
        (gs,) = output_grads
        u, _, vh = SVD(full_matrices=False, compute_uv=True)(x)
        return [_grad_like(x, _dot(u * gs.dimshuffle("x", 0), vh))]


class SVDGrad(Op):
    """Gradient of ``SVD`` (with ``compute_uv``) for a real matrix, from the outputs (U, s, V) and
    their gradients (J. Townsend, "Differentiating the singular value decomposition", 2016). With
    ``F[i, j] = 1 / (s[j]**2 - s[i]**2)`` off the diagonal, of the thin decomposition:

        gA = U [F o (U^T gU - gU^T U) S + diag(gs) + S F o (V^T gV - gV^T V)] V^T
             + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)

    The extra columns of a full U (or rows of V) have no gradient: a non-zero gradient there is a
    ValueError. Singular values must be distinct (and non-zero for non-square A).
    """

    __props__ = ()

    def make_node(self, x, u, s, vh, gu, gs, gvh):
        ins = [as_tensor_variable(i) for i in (x, u, s, vh, gu, gs, gvh)]
        for name, var, nd in zip(("x", "u", "s", "vh", "gu", "gs", "gvh"), ins, (2, 2, 1, 2, 2, 1, 2)):
            if var.ndim != nd:
                raise TypeError(f"{self}: {name} must be {nd}-d, got {var.ndim}-d")
        return Apply(self, ins, [matrix(out_dtype(ins[0].dtype))])

    def perform(self, node, inputs, output_storage):
        x, u, s, vh, gu, gs, gvh = (np.asarray(i, dtype="float64") for i in inputs)
        m, n = x.shape
        k = len(s)
        if np.any(gu[:, k:]) or np.any(gvh[k:, :]):
            raise ValueError(
                f"{self}: the extra columns of U (or rows of V) given by full_matrices=True for a "
                f"matrix of shape {x.shape} have no defined gradient; use full_matrices=False"
            )
        u, gu, vh, gvh = u[:, :k], gu[:, :k], vh[:k], gvh[:k]
        v, gv = vh.T, gvh.T
        s2 = s ** 2
        diff = s2[None, :] - s2[:, None]
        off = ~np.eye(k, dtype=bool)
        f = np.zeros((k, k))
        with np.errstate(divide="ignore", invalid="ignore"):
            f[off] = 1.0 / diff[off]
        utgu, vtgv = u.T.dot(gu), v.T.dot(gv)
        inner = (f * (utgu - utgu.T)) * s[None, :] + np.diag(gs) + s[:, None] * (f * (vtgv - vtgv.T))
        ga = u.dot(inner).dot(vh)
        if m > k:
            with np.errstate(divide="ignore", invalid="ignore"):
                ga += (gu - u.dot(u.T.dot(gu))).dot(vh / s[:, None])
        if n > k:
            with np.errstate(divide="ignore", invalid="ignore"):
                ga += (u / s[None, :]).dot(gv.T - gv.T.dot(v).dot(vh))
        output_storage[0][0] = ga.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, v, "second derivatives of svd") for i, v in enumerate(inputs)]


def svd(a, full_matrices=1, compute_uv=1):
    """Singular value decomposition: (U, s, V) with ``compute_uv``, else s (see ``SVD``)."""
    return SVD(full_matrices, compute_uv)(a)


class QRFull(Op):
    """QR decomposition (``numpy.linalg.qr``). ``mode``: 'reduced' -> (Q, R), 'complete' -> (Q, R),
    'r' -> R, 'raw' -> (h, tau). All but 'raw' have a gradient (``QRGrad``) for rows >= columns."""

    __props__ = ("mode",)

    def __init__(self, mode="reduced"):
        if mode not in ("reduced", "complete", "r", "raw"):
            raise ValueError(f"qr: mode must be 'reduced', 'complete', 'r' or 'raw', got {mode!r}")
        self.mode = mode

    def make_node(self, x):
        x = as_matrix(self, x)
        dt = out_dtype(x.dtype)
        if self.mode == "r":
            outs = [matrix(dt)]
        elif self.mode == "raw":
            outs = [matrix(dt), vector(dt)]
        else:
            outs = [matrix(dt), matrix(dt)]
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        r = np.linalg.qr(x, mode=self.mode)
        r = (r,) if self.mode == "r" else tuple(r)
        for storage, val, out in zip(output_storage, r, node.outputs):
            storage[0] = np.asarray(val).astype(out.dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        m, n = input_shapes[0]
        k = minimum(m, n)
        if self.mode == "reduced":
            return [(m, k), (k, n)]
        if self.mode == "complete":
            return [(m, m), (m, n)]
        if self.mode == "r":
            return [(k, n)]
        return [(n, m), (k,)]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        if self.mode == "raw" or x.dtype.startswith("complex"):
            return [grad_not_implemented(self, 0, x, "qr in 'raw' mode or of a complex matrix")]
        if self.mode == "r":
            q, r = QRFull("reduced")(x)
            gq, gr = zeros_like(q), output_grads[0]
        else:
            (q, r), (gq, gr) = outputs, output_grads
        return [_grad_like(x, QRGrad()(x, q, r, gq, gr))]


class QRGrad(Op):
    """Gradient of ``QRFull`` for a real matrix with at least as many rows as columns, from Q, R
    and their gradients: with ``M = R gR^T - gQ^T Q`` and ``sym(M) = tril(M) + tril(M, -1)^T``,
    ``gA = (gQ + Q sym(M)) R^-T`` (R of full rank). The extra columns of a 'complete' Q have no
    gradient: a non-zero gradient there is a ValueError, as is a matrix with more columns than rows.
    """

    __props__ = ()

    def make_node(self, x, q, r, gq, gr):
        ins = [as_matrix(self, v, n) for v, n in zip((x, q, r, gq, gr), ("x", "q", "r", "gq", "gr"))]
        return Apply(self, ins, [matrix(out_dtype(ins[0].dtype))])

    def perform(self, node, inputs, output_storage):
        x, q, r, gq, gr = (np.asarray(i, dtype="float64") for i in inputs)
        m, n = x.shape
        if m < n:
            raise ValueError(f"{self}: the gradient of qr needs rows >= columns, got shape {x.shape}")
        if np.any(gq[:, n:]):
            raise ValueError(f"{self}: the extra columns of Q from mode='complete' for a matrix of shape "
                             f"{x.shape} have no defined gradient; use mode='reduced'")
        q, gq, r, gr = q[:, :n], gq[:, :n], r[:n], gr[:n]
        mm = r.dot(gr.T) - gq.T.dot(q)
        sym = np.tril(mm) + np.tril(mm, -1).T
        rhs = gq + q.dot(sym)
        ga = scipy.linalg.solve_triangular(r, rhs.T, lower=False).T if n else np.zeros_like(x)
        output_storage[0][0] = ga.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, v, "second derivatives of qr") for i, v in enumerate(inputs)]


class QRIncomplete(QRFull):
    """QR decomposition that returns only R (Theano's name for ``QRFull('r')``)."""

    def __init__(self, mode="r"):
        if mode != "r":
            raise ValueError(f"QRIncomplete: mode must be 'r', got {mode!r}; use QRFull for the others")
        super().__init__(mode)


def qr(a, mode="reduced"):
    """QR decomposition of the matrix ``a``; see ``QRFull`` for the modes."""
    return (QRIncomplete() if mode == "r" else QRFull(mode))(a)


# -------------------------------------------------------------------------------------------------
# least squares, tensor inverse and solve
# -------------------------------------------------------------------------------------------------


class Lstsq(Op):
    """Least-squares solution of ``a x = b`` (``numpy.linalg.lstsq``): outputs x, the residuals, the
    rank of a (int64) and its singular values. ``rcond`` is a scalar input (-1: machine precision)."""

    __props__ = ()

    def make_node(self, a, b, rcond):
        a = as_matrix(self, a, "a")
        b = as_tensor_variable(b)
        if b.ndim not in (1, 2):
            raise TypeError(f"{self} needs a 1-d or 2-d b, got a {b.ndim}-d {b}")
        rcond = as_tensor_variable(rcond)
        if rcond.ndim != 0:
            raise TypeError(f"{self}: rcond must be a scalar, got a {rcond.ndim}-d {rcond}")
        rcond = cast(rcond, "float64")
        dt = out_dtype(ts.upcast(a.dtype, b.dtype))
        sol = TensorType(dt, (False,) * b.ndim)()
        rdt = real_dtype(dt)
        return Apply(self, [a, b, rcond], [sol, vector(rdt), TensorType("int64", ())(), vector(rdt)])

    def perform(self, node, inputs, output_storage):
        a, b, rcond = inputs
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"{self}: a (shape {a.shape}) and b (shape {b.shape}) need the same "
                             "number of rows")
        x, res, rank, s = np.linalg.lstsq(a, b, rcond=float(rcond))
        outs = node.outputs
        output_storage[0][0] = x.astype(outs[0].dtype, copy=False)
        output_storage[1][0] = np.asarray(res).reshape(-1).astype(outs[1].dtype, copy=False)
        output_storage[2][0] = np.asarray(rank, dtype="int64")
        output_storage[3][0] = s.astype(outs[3].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        sa, sb, _ = input_shapes
        # the residuals' length depends on the rank found at run time: unknown (None)
        return [(sa[1],) + tuple(sb[1:]), None, (), (minimum(sa[0], sa[1]),)]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, x, "lstsq has no gradient") for i, x in enumerate(inputs)]


lstsq_op = Lstsq()


class lstsq(Lstsq):
    """Theano 1.0's name for the least-squares Op: ``lstsq()(a, b, rcond)`` builds the node.

    Called with arguments, ``lstsq(a, b, rcond=-1)`` directly returns ``[x, residuals, rank, s]``
    (the least-squares solution of ``a x = b``, see ``Lstsq``).
    """

    def __new__(cls, *args, **kwargs):
        if args or kwargs:
            a, b, rcond = _lstsq_args(*args, **kwargs)
            return lstsq_op(a, b, rcond)
        return super().__new__(cls)


def _lstsq_args(a, b, rcond=-1):
    return a, b, rcond


class TensorInv(Op):
    """The inverse of an N-d array for ``tensordot(.., ind)`` (``numpy.linalg.tensorinv``)."""

    __props__ = ("ind",)

    def __init__(self, ind=2):
        if not isinstance(ind, (int, np.integer)) or ind <= 0:
            raise ValueError(f"tensorinv: ind must be a positive int, got {ind!r}")
        self.ind = int(ind)

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.ndim <= self.ind:
            raise TypeError(f"{self}: the input needs more than ind={self.ind} dimensions, got {a.ndim}")
        return Apply(self, [a], [TensorType(out_dtype(a.dtype), (False,) * a.ndim)()])

    def perform(self, node, inputs, output_storage):
        (a,) = inputs
        outer = int(np.prod(a.shape[:self.ind]))
        if outer != int(np.prod(a.shape[self.ind:])):
            raise ValueError(f"{self}: the first {self.ind} dimensions of shape {a.shape} must have the "
                             "same total size as the others")
        r = np.linalg.tensorinv(a, self.ind)
        output_storage[0][0] = r.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [tuple(s[self.ind:]) + tuple(s[:self.ind])]

    def L_op(self, inputs, outputs, output_grads):
        # tensorinv is a matrix inverse of a reshaped array: gA = -Z^T gZ Z^T in that layout
        (a,), (z,), (gz,) = inputs, outputs, output_grads
        nd, ind = a.ndim, self.ind
        k = nd - ind
        # gA[i..., j...] = -sum Z[j', i..] gZ[j', i'] Z[j..., i'] with the obvious groupings
        t = tensordot(z, gz, [list(range(k)), list(range(k))])       # [i(ind), i'(ind)] -> Z^T gZ
        ga = -tensordot(t, z, [list(range(ind, 2 * ind)), list(range(nd - ind, nd))])
        return [_grad_like(a, ga)]


def tensorinv(a, ind=2):
    """The 'inverse' of ``a`` with respect to ``tensordot(a, ., ind)``."""
    return TensorInv(ind)(a)


class TensorSolve(Op):
    """Solve ``tensordot(a, x, axes=x.ndim) = b`` for x (``numpy.linalg.tensorsolve``)."""

    __props__ = ("axes",)

    def __init__(self, axes=None):
        self.axes = None if axes is None else tuple(int(a) for a in axes)

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.ndim <= b.ndim:
            raise TypeError(f"{self}: a must have more dimensions than b, got {a.ndim}-d and {b.ndim}-d")
        if self.axes is not None and any(not -a.ndim <= ax < a.ndim for ax in self.axes):
            raise ValueError(f"{self}: axes {self.axes} out of range for a {a.ndim}-d a")
        dt = out_dtype(ts.upcast(a.dtype, b.dtype))
        return Apply(self, [a, b], [TensorType(dt, (False,) * (a.ndim - b.ndim))()])

    def _moved(self, ndim):
        order = list(range(ndim))
        if self.axes is not None:
            for ax in self.axes:
                ax = ax % ndim
                order.remove(ax)
                order.append(ax)
        return order

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        if a.shape[:b.ndim] != b.shape:
            order = self._moved(a.ndim)
            if tuple(a.shape[d] for d in order[:b.ndim]) != b.shape:
                raise ValueError(f"{self}: the leading dimensions of a (shape {a.shape}) must match b "
                                 f"(shape {b.shape})")
        r = np.linalg.tensorsolve(a, b, self.axes)
        output_storage[0][0] = r.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        sa, sb = input_shapes
        order = self._moved(len(sa))
        return [tuple(sa[d] for d in order[len(sb):])]

    def L_op(self, inputs, outputs, output_grads):
        return [grad_not_implemented(self, i, x, "tensorsolve has no gradient") for i, x in enumerate(inputs)]


def tensorsolve(a, b, axes=None):
    """x with ``tensordot(a, x, x.ndim) == b`` (``axes``: axes of a moved to the end first)."""
    return TensorSolve(axes)(a, b)


# -------------------------------------------------------------------------------------------------
# diagonals and helpers built from other ops
# -------------------------------------------------------------------------------------------------

extract_diag = ExtractDiag()
_alloc_diag = AllocDiag()


def alloc_diag(x):
    """The square matrix with the vector ``x`` on its diagonal (Theano 1.0's nlinalg.alloc_diag,
    which takes vectors only: ``AllocDiag`` itself also stacks diagonals of n-d inputs)."""
    x = as_tensor_variable(x)
    if x.ndim != 1:
        raise TypeError(f"alloc_diag needs a vector, got a {x.ndim}-d {x} (use AllocDiag for n-d input)")
    return _alloc_diag(x)


def trace(X):
    """The sum of the diagonal of the matrix ``X``."""
    X = as_tensor_variable(X)
    if X.ndim != 2:
        raise TypeError(f"trace needs a matrix, got a {X.ndim}-d {X}")

    return tsum(extract_diag(X))


def spectral_radius_bound(X, log2_exponent):
    """An upper bound of the largest eigenvalue (in absolute value) of the symmetric matrix ``X``:
    ``trace(X ** (2 ** k)) ** (2 ** -k)`` with ``k = log2_exponent`` (a positive int), ``X``
    squared k times.

    The trace of an even power of a symmetric matrix is the sum of its eigenvalues raised to
    that power, so the bound is tighter for larger k (5 usually suffices); from Pan's
    "Estimating the extremal eigenvalues of a symmetric matrix" (1990)."""
    X = as_tensor_variable(X)
    if X.ndim != 2:
        raise TypeError(f"spectral_radius_bound needs a matrix X, got a {X.ndim}-d {X}")
    if not isinstance(log2_exponent, (int, np.integer)) or isinstance(log2_exponent, bool):
        raise TypeError(f"spectral_radius_bound: log2_exponent must be an int, got "
                        f"{log2_exponent!r}")
    if log2_exponent <= 0:
        raise ValueError(f"spectral_radius_bound: log2_exponent must be positive, got "
                         f"{log2_exponent}")
    power = X
    for _ in range(int(log2_exponent)):
        power = _dot(power, power)
    return trace(power) ** (2.0 ** (-int(log2_exponent)))


def matrix_dot(*args):
    """The matrix product ``args[0] . args[1] . ... . args[-1]``."""
    if not args:
        raise TypeError("matrix_dot needs at least one argument")
    rval = as_tensor_variable(args[0])
    for a in args[1:]:
        rval = _dot(rval, a)
    return rval


def matrix_power(M, n):
    """``M`` raised to the integer power ``n`` by repeated squaring (negative n: of the inverse)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power: n must be a Python int, got {n!r}")
    M = as_matrix("matrix_power", M)
    if n < 0:
        M, n = matrix_inverse(M), -n
    if n == 0:
        return AllocDiag()(ones_like(ExtractDiag()(M)))
    result = None
    base = M
    while n:
        if n & 1:
            result = base if result is None else _dot(result, base)
        n >>= 1
        if n:
            base = _dot(base, base)
    return result


def norm(x, ord=None):
    """Vector or matrix norm (``numpy.linalg.norm`` for 1-d and 2-d inputs).

    Vectors: None (2-norm), 'inf'/np.inf, '-inf'/-np.inf, 0 (count of non-zeros), any other p.
    Matrices: None/'fro', 'inf', '-inf', 1, -1, 2, -2 (extreme singular values), 'nuc'.
    """
    x = as_tensor_variable(x)
    if ord in ("inf", np.inf):
        ord = "inf"
    elif ord in ("-inf", -np.inf):
        ord = "-inf"
    if x.ndim == 1:
        if ord is None:
            return tm.sqrt(tm.sum(tm.sqr(x)))
        if ord == "inf":
            return tm.max(abs(x))
        if ord == "-inf":
            return tm.min(abs(x))
        if ord == 0:
            return tm.sum(tm.neq(x, 0), dtype=out_dtype(x.dtype))
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid order {ord!r} for a vector")
        return tm.sum(abs(x) ** ord) ** (1.0 / ord)
    if x.ndim == 2:
        if ord is None or ord == "fro":
            return tm.sqrt(tm.sum(tm.sqr(abs(x))))
        if ord == "inf":
            return tm.max(tm.sum(abs(x), axis=1))
        if ord == "-inf":
            return tm.min(tm.sum(abs(x), axis=1))
        if ord == 1:
            return tm.max(tm.sum(abs(x), axis=0))
        if ord == -1:
            return tm.min(tm.sum(abs(x), axis=0))
        if ord in (2, -2, "nuc"):
            s = svd(x, full_matrices=False, compute_uv=False)
            return tm.max(s) if ord == 2 else (tm.min(s) if ord == -2 else tm.sum(s))
        raise ValueError(f"norm: invalid order {ord!r} for a matrix")
    if x.ndim == 0:
        raise ValueError(f"norm needs a vector or a matrix, got the scalar {x}")
    # as in Theano 1.0: norms of tensors with more dimensions are not implemented
    raise NotImplementedError(f"norm supports vectors and matrices, got a {x.ndim}-d {x}")
