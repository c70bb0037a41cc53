"""JAX implementations of the linear algebra of ``theano.tensor.nlinalg`` and ``slinalg`` (the
inverse, det and Cholesky are in dispatch.py): solves, eigen-decompositions, SVD, QR, least
squares, pinv, expm, kron, and the gradient ops, with the reference ``perform``'s checks.

A singular or non-positive-definite matrix shows in the result's non-finite entries (for finite
inputs) and is raised as NumPy's ``LinAlgError`` after the jitted call, as on the other backends.
"""

import numpy as np

from theano.link.jax.dispatch import _jnp, jax_funcify, runtime_check


def _sym(a, lower):
    """The symmetric matrix whose ``lower`` (or upper) triangle is a's."""
    jnp = _jnp()
    if lower:
        return jnp.tril(a) + jnp.swapaxes(jnp.tril(a, -1), -1, -2)
    return jnp.triu(a) + jnp.swapaxes(jnp.triu(a, 1), -1, -2)


def _fold(g, lower):
    """A gradient with respect to a symmetric matrix onto the triangle that was read."""
    jnp = _jnp()
    if lower:
        return jnp.tril(g) + jnp.triu(g, 1).T
    return jnp.triu(g) + jnp.tril(g, -1).T


def _singular_check(inputs, z, message):
    jnp = _jnp()
    finite_in = jnp.all(jnp.asarray([jnp.all(jnp.isfinite(x)) for x in inputs]))
    runtime_check(finite_in & ~jnp.all(jnp.isfinite(z)), 0, np.linalg.LinAlgError, message)


def _register():
    try:
        from theano.tensor import nlinalg as nl
        from theano.tensor import slinalg as sl
    except ImportError:
        return
    import jax
    import jax.scipy.linalg as jsl

    jnp = _jnp()

    # ---- slinalg --------------------------------------------------------------------------

    @jax_funcify.register(sl.Solve)
    def _jax_solve(op, node):
        od = node.outputs[0].dtype

        def solve(A, b):
            sl._check_solve_shapes(op, A, b)
            A, b = jnp.asarray(A, dtype=od), jnp.asarray(b, dtype=od)
            if op.A_structure in ("lower_triangular", "upper_triangular"):
                return jsl.solve_triangular(A, b, lower=op.A_structure == "lower_triangular")
            x = jnp.linalg.solve(A, b)
            _singular_check((A, b), x, f"Matrix is singular: cannot solve with A of shape "
                                       f"{tuple(A.shape)}")
            return x

        return solve

    @jax_funcify.register(sl.SolveTriangular)
    def _jax_solve_triangular(op, node):
        od = node.outputs[0].dtype

        def solve_triangular(A, b):
            sl._check_solve_shapes(op, A, b)
            return jsl.solve_triangular(jnp.asarray(A, dtype=od), jnp.asarray(b, dtype=od),
                                        trans=op.trans, lower=op.lower,
                                        unit_diagonal=op.unit_diagonal)

        return solve_triangular

    def eigh_general(a, b, lower):
        """(w, v) of ``a v = w b v`` with ``v^T b v = I``, reading the ``lower`` triangles."""
        a = _sym(a, lower)
        if b is None:
            return jnp.linalg.eigh(a)
        L = jnp.linalg.cholesky(_sym(b, lower))
        linv_a = jsl.solve_triangular(L, a, lower=True)
        c = jsl.solve_triangular(L, linv_a.T, lower=True).T        # L^-1 a L^-T
        w, u = jnp.linalg.eigh((c + c.T) / 2)
        return w, jsl.solve_triangular(L, u, lower=True, trans=1)    # L^-T u

    def eigvalsh_check(op, a, b):
        from theano.tensor.nlinalg import check_square

        check_square(op, a, "a")
        if b is not None and tuple(b.shape) != tuple(a.shape):
            raise ValueError(f"{op}: a has shape {tuple(a.shape)} but b has shape {tuple(b.shape)}")

    @jax_funcify.register(sl.Eigvalsh)
    def _jax_eigvalsh(op, node):
        od = node.outputs[0].dtype

        def eigvalsh(a, *b):
            b = jnp.asarray(b[0], dtype=od) if b else None
            eigvalsh_check(op, a, b)
            w, _ = eigh_general(jnp.asarray(a, dtype=od), b, op.lower)
            if b is not None:
                _singular_check((b,), w, "the matrix b is not positive definite")
            return w.astype(od)

        return eigvalsh

    @jax_funcify.register(sl.EigvalshGrad)
    def _jax_eigvalsh_grad(op, node):
        dts = [o.dtype for o in node.outputs]

        def eigvalsh_grad(a, *rest):
            gw = rest[-1]
            b = rest[0] if len(rest) == 2 else None
            w, v = eigh_general(jnp.asarray(a, dtype="float64" if "float64" in dts else dts[0]),
                                None if b is None else jnp.asarray(b, dtype=a.dtype), op.lower)
            ga = (v * gw[None, :]) @ v.T
            outs = [_fold(ga, op.lower).astype(dts[0])]
            if b is not None:
                gb = -(v * (gw * w)[None, :]) @ v.T
                outs.append(_fold(gb, op.lower).astype(dts[1]))
            return outs[0] if len(outs) == 1 else tuple(outs)

        return eigvalsh_grad

    @jax_funcify.register(sl.CholeskyGrad)
    def _jax_cholesky_grad(op, node):
        od = node.outputs[0].dtype

        def cholesky_grad(x, L, gL):
            L, gL = jnp.asarray(L), jnp.asarray(gL)
            if not op.lower:
                L, gL = L.T, gL.T
            P = jnp.tril(L.T @ gL)
            P = P - jnp.diag(jnp.diag(P)) / 2
            inner = jsl.solve_triangular(L, P.T, trans=1, lower=True)
            S = jsl.solve_triangular(L, inner.T, trans=1, lower=True)
            sym = S + S.T
            g = jnp.tril(sym) if op.lower else jnp.triu(sym)
            g = g - jnp.diag(jnp.diag(S))
            bad = ~jnp.all(jnp.isfinite(L))
            return jnp.where(bad, jnp.full(g.shape, jnp.nan, dtype=od), g.astype(od))

        return cholesky_grad

    @jax_funcify.register(sl.Expm)
    def _jax_expm(op, node):
        od = node.outputs[0].dtype

        def expm(A):
            nl.check_square(op, A)
            if A.size == 0:
                return jnp.zeros(A.shape, dtype=od)
            return jsl.expm(jnp.asarray(A, dtype=od)).astype(od)

        return expm

    @jax_funcify.register(sl.ExpmGrad)
    def _jax_expm_grad(op, node):
        od = node.outputs[0].dtype

        def expm_grad(A, gz):
            if A.size == 0:
                return jnp.zeros(A.shape, dtype=od)
            # the vector-Jacobian product of expm: the Frechet derivative at A^T in direction gz
            dt = jnp.result_type(A.dtype, gz.dtype, od)
            _, vjp = jax.vjp(jsl.expm, jnp.asarray(A, dtype=dt))
            return vjp(jnp.asarray(gz, dtype=dt))[0].astype(od)

        return expm_grad

    @jax_funcify.register(sl.Kron)
    def _jax_kron(op, node):
        od = node.outputs[0].dtype
        return lambda a, b: jnp.kron(jnp.asarray(a, dtype=od), jnp.asarray(b, dtype=od))

    # ---- nlinalg --------------------------------------------------------------------------

    @jax_funcify.register(nl.MatrixPinv)
    def _jax_pinv(op, node):
        od = node.outputs[0].dtype
        # NumPy's cut-off for small singular values (rcond=1e-15), not JAX's default
        return lambda x: jnp.linalg.pinv(jnp.asarray(x, dtype=od), rtol=1e-15).astype(od)

    @jax_funcify.register(nl.Eig)
    def _jax_eig(op, node):
        dt = node.outputs[0].dtype

        def eig(x):
            nl.check_square(op, x)
            w, v = jnp.linalg.eig(jnp.asarray(x))
            if not dt.startswith("complex"):
                runtime_check(jnp.any(jnp.imag(w) != 0), 0, ValueError,
                              "{op}: the matrix (shape {shape}) has complex eigenvalues, which a "
                              "{dt} output cannot hold; use eigh for symmetric matrices or cast the "
                              "input to complex128", op=str(op), shape=tuple(x.shape), dt=dt)
                w, v = jnp.real(w), jnp.real(v)
            return w.astype(dt), v.astype(dt)

        return eig

    @jax_funcify.register(nl.Eigh)
    def _jax_eigh(op, node):
        dts = [o.dtype for o in node.outputs]

        def eigh(x):
            nl.check_square(op, x)
            w, v = jnp.linalg.eigh(jnp.asarray(x), UPLO=op.UPLO, symmetrize_input=False)
            return w.astype(dts[0]), v.astype(dts[1])

        return eigh

    @jax_funcify.register(nl.EighGrad)
    def _jax_eigh_grad(op, node):
        od = node.outputs[0].dtype

        def eigh_grad(x, w, v, gw, gv):
            m = v.T @ gv
            diff = w[:, None] - w[None, :]
            n = w.shape[0]
            off = ~jnp.eye(n, dtype=bool)
            k = jnp.where(off, m.T / jnp.where(off, diff, 1), 0)
            k = k + jnp.diag(gw)
            g = v @ k @ v.T
            if op.UPLO == "L":
                out = jnp.tril(g) + jnp.triu(g, 1).T
            else:
                out = jnp.triu(g) + jnp.tril(g, -1).T
            return out.astype(od)

        return eigh_grad

    @jax_funcify.register(nl.SVD)
    def _jax_svd(op, node):
        dts = [o.dtype for o in node.outputs]

        def svd(x):
            r = jnp.linalg.svd(jnp.asarray(x), full_matrices=op.full_matrices,
                               compute_uv=op.compute_uv)
            r = tuple(r) if op.compute_uv else (r,)
            r = tuple(v.astype(d) for v, d in zip(r, dts))
            return r if op.compute_uv else r[0]

        return svd

    @jax_funcify.register(nl.SVDGrad)
    def _jax_svd_grad(op, node):
        od = node.outputs[0].dtype

        def svd_grad(x, u, s, vh, gu, gs, gvh):
            x, u, s, vh, gu, gs, gvh = (jnp.asarray(i, dtype="float64" if od == "float64" else od)
                                        for i in (x, u, s, vh, gu, gs, gvh))
            m, n = x.shape
            k = s.shape[0]
            extra = jnp.any(gu[:, k:] != 0) | jnp.any(gvh[k:, :] != 0)
            runtime_check(extra, 0, ValueError,
                          "{op}: the extra columns of U (or rows of V) given by "
                          "full_matrices=True for a matrix of shape {shape} have no defined "
                          "gradient; use full_matrices=False", op=str(op), shape=(m, n))
            u, gu, vh, gvh = u[:, :k], gu[:, :k], vh[:k], gvh[:k]
            v, gv = vh.T, gvh.T
            s2 = s ** 2
            diff = s2[None, :] - s2[:, None]
            off = ~jnp.eye(k, dtype=bool)
            f = jnp.where(off, 1.0 / jnp.where(off, diff, 1), 0)
            utgu, vtgv = u.T @ gu, v.T @ gv
            inner = (f * (utgu - utgu.T)) * s[None, :] + jnp.diag(gs) + \
                s[:, None] * (f * (vtgv - vtgv.T))
            ga = u @ inner @ vh
            if m > k:
                ga = ga + (gu - u @ (u.T @ gu)) @ (vh / s[:, None])
            if n > k:
                ga = ga + (u / s[None, :]) @ (gv.T - gv.T @ v @ vh)
            return ga.astype(od)

        return svd_grad

    @jax_funcify.register(nl.QRFull)
    def _jax_qr(op, node):
        dts = [o.dtype for o in node.outputs]

        def qr(x):
            r = jnp.linalg.qr(jnp.asarray(x), mode=op.mode)
            r = (r,) if op.mode == "r" else tuple(r)
            if op.mode == "raw":
                # NumPy's 'raw' h is LAPACK's Fortran-ordered factor, i.e. transposed
                r = (jnp.swapaxes(r[0], -1, -2) if r[0].shape != x.shape[::-1] else r[0], r[1])
            r = tuple(v.astype(d) for v, d in zip(r, dts))
            return r[0] if len(r) == 1 else r

        return qr

    @jax_funcify.register(nl.QRGrad)
    def _jax_qr_grad(op, node):
        od = node.outputs[0].dtype

        def qr_grad(x, q, r, gq, gr):
            m, n = x.shape
            if m < n:
                raise ValueError(f"{op}: the gradient of qr needs rows >= columns, got shape "
                                 f"{tuple(x.shape)}")
            runtime_check(jnp.any(gq[:, n:] != 0), 0, ValueError,
                          "{op}: the extra columns of Q from mode='complete' for a matrix of "
                          "shape {shape} have no defined gradient; use mode='reduced'",
                          op=str(op), shape=(m, n))
            q, gq, r, gr = q[:, :n], gq[:, :n], r[:n], gr[:n]
            mm = r @ gr.T - gq.T @ q
            sym = jnp.tril(mm) + jnp.tril(mm, -1).T
            rhs = gq + q @ sym
            if n == 0:
                return jnp.zeros(x.shape, dtype=od)
            return jsl.solve_triangular(r, rhs.T, lower=False).T.astype(od)

        return qr_grad

    @jax_funcify.register(nl.Lstsq)
    def _jax_lstsq(op, node):
        dts = [o.dtype for o in node.outputs]

        def lstsq(a, b, rcond):
            if a.shape[0] != b.shape[0]:
                raise ValueError(f"{op}: a (shape {tuple(a.shape)}) and b (shape "
                                 f"{tuple(b.shape)}) need the same number of rows")
            rc = float(np.asarray(rcond))
            x, res, rank, s = jnp.linalg.lstsq(jnp.asarray(a), jnp.asarray(b),
                                               rcond=None if rc < 0 else rc)
            # NumPy gives residuals only for a full-rank, tall system: the rank is a value, so
            # this runs op by op (the output's length depends on it)
            m, n = a.shape
            if not (int(np.asarray(rank)) == n and m > n):
                res = jnp.zeros((0,), dtype=dts[1])
            return (x.astype(dts[0]), jnp.reshape(res, (-1,)).astype(dts[1]),
                    jnp.asarray(rank, dtype="int64"), s.astype(dts[3]))

        return lstsq

    @jax_funcify.register(nl.TensorInv)
    def _jax_tensorinv(op, node):
        od = node.outputs[0].dtype

        def tensorinv(a):
            outer = int(np.prod(a.shape[:op.ind]))
            if outer != int(np.prod(a.shape[op.ind:])):
                raise ValueError(f"{op}: the first {op.ind} dimensions of shape {tuple(a.shape)} "
                                 "must have the same total size as the others")
            z = jnp.linalg.tensorinv(jnp.asarray(a), op.ind)
            _singular_check((a,), z, "Singular matrix")
            return z.astype(od)

        return tensorinv

    @jax_funcify.register(nl.TensorSolve)
    def _jax_tensorsolve(op, node):
        od = node.outputs[0].dtype

        def tensorsolve(a, b):
            if tuple(a.shape[:b.ndim]) != tuple(b.shape):
                order = op._moved(a.ndim)
                if tuple(a.shape[d] for d in order[:b.ndim]) != tuple(b.shape):
                    raise ValueError(f"{op}: the leading dimensions of a (shape {tuple(a.shape)}) "
                                     f"must match b (shape {tuple(b.shape)})")
            z = jnp.linalg.tensorsolve(jnp.asarray(a), jnp.asarray(b), op.axes)
            _singular_check((a, b), z, "Singular matrix")
            return z.astype(od)

        return tensorsolve


_register()
