"""Per-op implementations for the native backend, registered by dispatch on the op class.

``numba_funcify(op, node)`` returns a plain callable ``fn(*input_values)`` that returns the node's
single output value, or a tuple of values for a node with several outputs. An op class with no
registration runs through its ``perform`` (``perform_funcify``), so every graph compiles.

Register an implementation with::

    @numba_funcify.register(MyOp)
    def _(op, node):
        return lambda x: ...

Implementations must honour the op's contract: same values and dtypes as ``perform``, and an
output may share memory with an input only where the op's ``view_map``/``destroy_map`` says so.
"""

from functools import singledispatch

import numpy as np

from theano.link import blas_threads

from theano.tensor.basic import MakeVector, Rebroadcast
from theano.tensor.blas import _FUNCS as _BLAS_FUNCS, Gemm, Gemv, Ger
from theano.tensor.elemwise import CAReduce, DimShuffle
from theano.tensor.math import Dot
from theano.tensor.reshaping import Reshape, Shape, Shape_i


def perform_funcify(op, node):
    """Wrap ``op.perform`` as a function of the input values (the fallback for unknown ops)."""
    perform = op.perform
    n_out = len(node.outputs)
    if n_out == 1:
        def run_perform(*args):
            cell = [None]
            perform(node, list(args), [cell])
            return cell[0]
    else:
        def run_perform(*args):
            cells = [[None] for _ in range(n_out)]
            perform(node, list(args), cells)
            return tuple(c[0] for c in cells)
    run_perform.__name__ = f"perform_{type(op).__name__}"
    return run_perform


@singledispatch
def numba_funcify(op, node):
    """The implementation of ``node`` (an Apply of ``op``) on this backend."""
    return perform_funcify(op, node)


# ---- cheap structural ops -------------------------------------------------------------------


@numba_funcify.register(DimShuffle)
def _funcify_dimshuffle(op, node):
    ndim_in = len(op.input_broadcastable)
    drop_index = tuple(0 if d in op.drop else slice(None) for d in range(ndim_in)) + (Ellipsis,)
    kept_sorted = sorted(op.shuffle)
    perm = tuple(kept_sorted.index(d) for d in op.shuffle)
    need_perm = perm != tuple(range(len(perm)))
    add_index = tuple(None if o == "x" else slice(None) for o in op.new_order)
    need_drop = bool(op.drop)
    need_add = bool(op.augment)

    def dimshuffle(x):
        if need_drop:
            x = x[drop_index]
        if need_perm:
            x = x.transpose(perm)
        if need_add:
            x = x[add_index]
        return x

    return dimshuffle


@numba_funcify.register(Shape)
def _funcify_shape(op, node):
    def shape(x):
        return np.array(x.shape, dtype=np.int64)

    return shape


@numba_funcify.register(Shape_i)
def _funcify_shape_i(op, node):
    i = op.i

    def shape_i(x):
        return np.array(x.shape[i], dtype=np.int64)

    return shape_i


@numba_funcify.register(Reshape)
def _funcify_reshape(op, node):
    slow = perform_funcify(op, node)
    ndim = op.ndim

    def reshape(x, shp):
        if len(shp) != ndim:
            return slow(x, shp)
        try:
            return x.reshape(shp.tolist())
        except ValueError:
            return slow(x, shp)  # raises the op's own message

    return reshape


@numba_funcify.register(MakeVector)
def _funcify_make_vector(op, node):
    dtype = np.dtype(op.dtype)
    n = len(node.inputs)

    def make_vector(*xs):
        return np.array(xs, dtype=dtype).reshape(n)

    return make_vector


@numba_funcify.register(Rebroadcast)
def _funcify_rebroadcast(op, node):
    checks = tuple(a for a, b in op.axis if b)
    slow = perform_funcify(op, node)

    def rebroadcast(x):
        shape = x.shape
        for a in checks:
            if shape[a] != 1:
                return slow(x)
        return x

    return rebroadcast


# ---- reductions and products ----------------------------------------------------------------

# ufunc.reduce directly: np.sum & co. add a Python wrapper that costs a microsecond per call
_REDUCERS = {"add": np.add.reduce, "mul": np.multiply.reduce, "maximum": np.maximum.reduce,
             "minimum": np.minimum.reduce, "and_": np.bitwise_and.reduce,
             "or_": np.bitwise_or.reduce}


@numba_funcify.register(CAReduce)
def _funcify_careduce(op, node):
    name = op.scalar_op.name
    fn = _REDUCERS.get(name)
    if fn is None:
        return perform_funcify(op, node)
    slow = perform_funcify(op, node)
    axis = op.axis
    out_dtype = node.outputs[0].type.numpy_dtype
    acc = np.dtype(op.acc_dtype) if (op.acc_dtype and name in ("add", "mul")) else None
    may_be_empty = name in ("maximum", "minimum")
    if not op.axis:
        return slow  # nothing reduced: the reference returns a copy
    ndarray = np.ndarray

    if acc is not None:
        def reduce_(x):
            r = fn(x, axis=axis, dtype=acc)
            if type(r) is not ndarray or r.dtype is not out_dtype:
                r = np.asarray(r, dtype=out_dtype)
            return r
    else:
        def reduce_(x):
            if may_be_empty and x.size == 0:
                return slow(x)
            r = fn(x, axis=axis)
            if type(r) is not ndarray or r.dtype is not out_dtype:
                r = np.asarray(r, dtype=out_dtype)
            return r

    return reduce_


def _small_products(fn, flops_of):
    """``fn`` that runs on one BLAS thread when ``flops_of(*args)`` is in the small range (see
    ``theano.link.blas_threads``); ``fn`` itself when BLAS has one thread here anyway."""
    limit = blas_threads.limit()
    if not limit:
        return fn
    low = blas_threads.ALWAYS_ONE_THREAD_BELOW
    one_thread = blas_threads.one_thread

    def limited(*args, **kw):
        n = flops_of(*args, **kw)
        if low <= n < limit:
            return one_thread(fn, *args, **kw)
        return fn(*args, **kw)

    return limited


@numba_funcify.register(Dot)
def _funcify_dot(op, node):
    slow = perform_funcify(op, node)
    out_dtype = node.outputs[0].type.numpy_dtype
    ndarray = np.ndarray
    dot_ = _small_products(np.dot, blas_threads.product_flops)

    def dot(x, y):
        try:
            r = dot_(x, y)
        except ValueError:
            return slow(x, y)  # raises the op's own message
        if type(r) is not ndarray or r.dtype is not out_dtype:
            r = np.asarray(r, dtype=out_dtype)
        return r

    return dot


# ---- BLAS ----------------------------------------------------------------------------------------
# Same calls as the ops' ``perform`` (scipy's BLAS wrappers), with everything that does not depend on
# the values (the routine for the dtype, the in-place choice) decided once; ``perform`` handles the
# rare cases (a shape error with its message, empty operands).


def _gemm_flops(alpha, p, q, beta=None, c=None, trans_a=0, trans_b=0, **kw):
    k = p.shape[0] if trans_a else p.shape[1]
    return p.size * q.size // max(k, 1)


def _f_operand(m):
    if m.flags.f_contiguous:
        return m, 0
    if m.flags.c_contiguous:
        return m.T, 1
    return np.asfortranarray(m), 0


@numba_funcify.register(Gemv)
def _funcify_gemv(op, node):
    slow = perform_funcify(op, node)
    fn = _BLAS_FUNCS[("gemv", node.outputs[0].type.dtype)]
    fn = _small_products(fn, lambda alpha, A, *rest, **kw: A.size)
    inplace = op.inplace

    def gemv(z, a, A, x, b):
        m, n = A.shape
        if n != x.shape[0] or z.shape != (m,) or n == 0 or m == 0:
            return slow(z, a, A, x, b)
        out = z if inplace else z.copy()
        if A.flags.c_contiguous:
            res = fn(a, A.T, x, beta=b, y=out, trans=1, overwrite_y=True)
        else:
            res = fn(a, A, x, beta=b, y=out, overwrite_y=True)
        if res is not out:
            out[...] = res
        return out

    return gemv


@numba_funcify.register(Gemm)
def _funcify_gemm(op, node):
    slow = perform_funcify(op, node)
    fn = _BLAS_FUNCS[("gemm", node.outputs[0].type.dtype)]
    fn = _small_products(fn, _gemm_flops)
    inplace = op.inplace

    def gemm(z, a, x, y, b):
        m, k = x.shape
        n = y.shape[1]
        if y.shape[0] != k or z.shape != (m, n) or k == 0 or m == 0 or n == 0:
            return slow(z, a, x, y, b)
        out = z if inplace else z.copy()
        if out.flags.c_contiguous:
            # out.T is Fortran-ordered: out.T = a * y.T @ x.T + b * out.T
            p, tp = _f_operand(y.T)
            q, tq = _f_operand(x.T)
            c = out.T
            res = fn(a, p, q, beta=b, c=c, trans_a=tp, trans_b=tq, overwrite_c=True)
            if res is not c:
                out[...] = res.T
        else:
            p, tp = _f_operand(x)
            q, tq = _f_operand(y)
            c = out if out.flags.f_contiguous else np.asfortranarray(out)
            res = fn(a, p, q, beta=b, c=c, trans_a=tp, trans_b=tq, overwrite_c=True)
            if res is not out:
                out[...] = res
        return out

    return gemm


@numba_funcify.register(Ger)
def _funcify_ger(op, node):
    slow = perform_funcify(op, node)
    fn = _BLAS_FUNCS[("ger", node.outputs[0].type.dtype)]
    fn = _small_products(fn, lambda alpha, x, y, **kw: x.shape[0] * y.shape[0])
    inplace = op.inplace

    def ger(A, a, x, y):
        if A.shape != (x.shape[0], y.shape[0]) or A.size == 0:
            return slow(A, a, x, y)
        out = A if inplace else A.copy()
        if out.flags.c_contiguous:
            c = out.T
            res = fn(a, y, x, a=c, overwrite_a=True)
            if res is not c:
                out[...] = res.T
        else:
            out[...] = fn(a, x, y, a=np.asfortranarray(out), overwrite_a=True)
        return out

    return ger


def _register_elemwise():
    from theano.link.numba import elemwise  # noqa: F401  (registers Elemwise)
    from theano.link.numba import ops_mrg  # noqa: F401  (registers mrg_uniform)
    from theano.link.numba import ops_nnet  # noqa: F401  (registers the softmax family)


_register_elemwise()
