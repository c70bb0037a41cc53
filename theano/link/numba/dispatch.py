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

from theano.tensor.basic import MakeVector, Rebroadcast
from theano.tensor.elemwise import CAReduce, DimShuffle
from theano.tensor.math import Dot
from theano.tensor.shape import Reshape, Shape, Shape_i


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
             "minimum": np.minimum.reduce, "and_": np.logical_and.reduce,
             "or_": np.logical_or.reduce}


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


@numba_funcify.register(Dot)
def _funcify_dot(op, node):
    slow = perform_funcify(op, node)
    out_dtype = node.outputs[0].type.numpy_dtype
    ndarray = np.ndarray
    dot_ = np.dot

    def dot(x, y):
        try:
            r = dot_(x, y)
        except ValueError:
            return slow(x, y)  # raises the op's own message
        if type(r) is not ndarray or r.dtype is not out_dtype:
            r = np.asarray(r, dtype=out_dtype)
        return r

    return dot


def _register_elemwise():
    from theano.link.numba import elemwise  # noqa: F401  (registers Elemwise)


_register_elemwise()
