"""JAX implementations of the tensor ops outside the core set: tensordot and diagonals, sorting,
``extra_ops`` (diff, bincount, repeat, fill_diagonal, searchsorted, unique, ...), neighbours,
dynamic join/split and the prepend ops.

Each is jax.numpy code with the reference ``perform``'s checks and messages. Arguments that fix an
output's shape (an axis given as an input, ``k`` of topk, the repeat counts, ``bincount``'s
largest value, ...) are read as Python numbers while tracing: a constant (or a value computed
from shapes) keeps the whole graph jitted, a value known only at run time makes the graph run op
by op, these nodes then computing with concrete JAX arrays (never ``perform``). The ops whose
output *shape* depends on input values (unique, nonzero, nonzero_values, bincount, repeat with
computed counts) always need that path; docs/compatibility.md lists them.
"""

import numpy as np

# The ops that keep the host fallback (their ``perform`` on NumPy copies, the graph op by op):
# what they compute is Python, not array code. (Sparse ops, theano.sparse, too: scipy.sparse values
# have no JAX array form.) docs/compatibility.md lists them. Defined before the imports, as
# ops_mrg adds to it and may be imported while this module is.
HOST_OPS = {
    "PrintOp": "prints from Python each time the node runs",
    "LoadFromDisk": "theano.tensor.load: reads a .npy file named at call time",
    "FromFunctionOp": "as_op: an arbitrary Python function of NumPy arrays",
    "ConnectionistTemporalClassification": "nnet.ctc: the loss's dynamic programme in NumPy",
    "SliceVarSubtensor": "x[s] with a slice given at call time (a Python slice, not an array)",
    "SliceVarIncSubtensor": "the gradient of x[s] with a slice given at call time",
    "Default": "T.default(x, d): an input that a call may give as None (not an array)",
    "MakeSlice": "type_other.make_slice: its value is a Python slice, not an array",
    # nnet.bn: the rewriter lowers these to elementwise graphs (every backend runs those natively);
    # only a graph compiled without rewrites (optimizer=None) keeps such a node
    **{name: "nnet.bn: lowered to elementwise ops by the rewriter; kept only without rewrites"
       for name in ("AbstractBatchNormTrain", "AbstractBatchNormInference",
                    "AbstractBatchNormTrainGrad")},
    "SparseBlockGemv": "nnet.blocksparse: a NumPy loop over the examples' blocks",
    "SparseBlockOuter": "nnet.blocksparse: a NumPy loop over the examples' blocks (np.add.at)",
    "DiagonalSubtensor": "nnet.conv3d2d: a NumPy strided view along diagonals (axes at run time)",
    "IncDiagonalSubtensor": "nnet.conv3d2d: adds through a NumPy strided view along diagonals",
    # theano.typed_list: the values are Python lists of arrays, which have no JAX array form
    **{name: "theano.typed_list: works on a Python list of arrays" for name in (
        "GetItem", "GetItemGrad", "Append", "Extend", "Insert", "InsertGrad", "Remove",
        "RemoveGrad", "Reverse", "Index", "Count", "Length", "MakeList", "SplitList", "ListAdd",
        "ZerosLikeList")},
}

from theano.link.jax.dispatch import (
    _check_index_array,
    _jnp,
    jax_funcify,
    runtime_check,
)  # noqa: E402


def static_int(v, what="value"):
    """``v`` as a Python int while tracing; a traced ``v`` makes the graph run op by op (JAX
    raises its concretization error, which the linker takes as "needs concrete values")."""
    return int(np.asarray(v))


def _concrete(v):
    """A concrete JAX/NumPy value as a NumPy array (raises JAX's concretization error when
    traced, so the graph runs op by op)."""
    return np.asarray(v)


def _register_linalg_ops():
    try:
        from theano.tensor import linalg_ops as lo
    except ImportError:
        return
    import jax

    jnp = _jnp()

    @jax_funcify.register(lo.TensorDot)
    def _jax_tensordot(op, node):
        od = node.outputs[0].dtype
        a_axes, b_axes = list(op.a_axes), list(op.b_axes)

        def one(a, b):
            return jnp.tensordot(a, b, axes=(a_axes, b_axes))

        if op.batched:
            # the batch axis is axis 0 of both inputs; vmap drops it from the axes
            a_in, b_in = [d - 1 for d in a_axes], [d - 1 for d in b_axes]

            def one(a, b):   # noqa: F811
                return jnp.tensordot(a, b, axes=(a_in, b_in))

            one = jax.vmap(one)

        def tensordot(a, b):
            op._check_shapes(a, b)
            return one(jnp.asarray(a, dtype=od), jnp.asarray(b, dtype=od)).astype(od)

        return tensordot

    @jax_funcify.register(lo.ExtractDiag)
    def _jax_extract_diag(op, node):
        def extract_diag(x):
            return jnp.diagonal(x, op.offset, op.axis1, op.axis2)

        return extract_diag

    def diag_index(op, n1, n2, length):
        i = np.arange(length) + max(0, -op.offset)
        return i, i + op.offset

    @jax_funcify.register(lo.SetDiagonal)
    def _jax_set_diagonal(op, node):
        def set_diagonal(x, d):
            moved = jnp.moveaxis(jnp.asarray(x), (op.axis1, op.axis2), (-2, -1))
            n1, n2 = moved.shape[-2:]
            length = lo._diag_len(n1, n2, op.offset)
            expected = tuple(moved.shape[:-2]) + (length,)
            if tuple(d.shape) != expected:
                raise ValueError(f"{op}: the diagonal of x has shape {expected}, d has shape "
                                 f"{tuple(d.shape)}")
            i, j = diag_index(op, n1, n2, length)
            moved = moved.at[..., i, j].set(jnp.asarray(d, dtype=moved.dtype))
            return jnp.moveaxis(moved, (-2, -1), (op.axis1, op.axis2))

        return set_diagonal

    @jax_funcify.register(lo.AllocDiag)
    def _jax_alloc_diag(op, node):
        def alloc_diag(v):
            k = v.shape[-1]
            n = k + abs(op.offset)
            out = jnp.zeros(tuple(v.shape[:-1]) + (n, n), dtype=v.dtype)
            i, j = diag_index(op, n, n, k)
            out = out.at[..., i, j].set(v)
            return jnp.moveaxis(out, (-2, -1), (op.axis1, op.axis2))

        return alloc_diag


def _register_sort():
    import importlib

    try:   # the module (theano.tensor.sort is also the name of a function)
        so = importlib.import_module("theano.tensor.sorting")
    except ImportError:
        return
    jnp = _jnp()

    def axis_of(axis, ndim, who):
        return so._axis_value(np.asarray(axis), ndim, who)

    @jax_funcify.register(so.SortOp)
    def _jax_sort(op, node):
        def sort(x, axis):
            # NumPy's sorts and JAX's give the same values (NaNs last); 'kind' only changes speed
            return jnp.sort(x, axis=axis_of(axis, x.ndim, "sort"))

        return sort

    @jax_funcify.register(so.ArgSortOp)
    def _jax_argsort(op, node):
        def argsort(x, axis):
            # stable: ties keep their order, as NumPy's 'stable'/'mergesort' (and its quicksort
            # on short rows) do
            return jnp.argsort(x, axis=axis_of(axis, x.ndim, "argsort"), stable=True).astype("int64")

        return argsort

    @jax_funcify.register(so.TakeAlongAxis)
    def _jax_take_along_axis(op, node):
        def take_along_axis(x, idx, axis):
            axis = static_int(axis) % x.ndim
            _check_index_array(op, idx, x.shape[axis], x.shape, axis)
            idx = jnp.where(idx < 0, idx + x.shape[axis], idx)
            return jnp.take_along_axis(x, idx, axis=axis)

        return take_along_axis

    @jax_funcify.register(so.ScatterAlongAxis)
    def _jax_scatter_along_axis(op, node):
        def scatter_along_axis(values, idx, axis, template):
            axis = static_int(axis) % values.ndim
            index = list(jnp.indices(idx.shape, sparse=True))
            index[axis] = jnp.where(idx < 0, idx + template.shape[axis], idx)
            out = jnp.zeros(template.shape, dtype=values.dtype)
            return out.at[tuple(index)].add(values)

        return scatter_along_axis

    @jax_funcify.register(so.TopKOp)
    def _jax_topk(op, node):
        def topk(x, kth):
            k = static_int(kth)
            axis = op.axis % x.ndim
            n = x.shape[axis]
            if k == 0 or abs(k) > n:
                raise ValueError(f"topk: kth={k} must be non-zero and at most the axis length {n}")
            if k > 0:
                key = jnp.invert(x) if x.dtype.kind in "biu" else -x
            else:
                key = x
            order = jnp.argsort(key, axis=axis, stable=True)
            idx = jnp.take(order, jnp.arange(abs(k)), axis=axis)
            if not op.sorted:
                idx = jnp.sort(idx, axis=axis)
            outs = []
            if op.return_values:
                outs.append(jnp.take_along_axis(x, idx, axis=axis))
            if op.return_indices:
                outs.append(idx.astype(op.idx_dtype))
            return outs[0] if len(outs) == 1 else tuple(outs)

        return topk


def _register_extra_ops():
    try:
        from theano.tensor import extra_ops as eo
    except ImportError:
        return
    jnp = _jnp()

    @jax_funcify.register(eo.CpuContiguous)
    def _jax_cpu_contiguous(op, node):
        return lambda x: x  # a JAX array has no memory layout to fix: the values pass through

    @jax_funcify.register(eo.DiffOp)
    def _jax_diff(op, node):
        return lambda x: jnp.diff(x, n=op.n, axis=op.axis) if op.n else x

    @jax_funcify.register(eo.BinCountOp)
    def _jax_bincount(op, node):
        od = node.outputs[0].dtype

        def bincount(x, *w):
            xs = _concrete(x)      # the output length is the largest value: run op by op
            if xs.size and xs.min() < 0:
                raise (AssertionError if op.assert_nonneg else ValueError)(
                    "bincount: x must be non-negative")
            if w and tuple(w[0].shape) != tuple(x.shape):
                raise ValueError(f"bincount: weights of shape {tuple(w[0].shape)} for x of shape "
                                 f"{tuple(x.shape)}")
            length = max(int(xs.max()) + 1 if xs.size else 0, op.minlength or 0)
            weights = jnp.asarray(w[0], dtype=od) if w else None
            return jnp.bincount(jnp.asarray(x), weights=weights, length=length).astype(od)

        return bincount

    @jax_funcify.register(eo.RepeatOp)
    def _jax_repeat(op, node):
        def repeat(x, repeats):
            axis = op.axis or 0
            reps = _concrete(repeats)     # the output length: constant counts stay jitted
            if reps.ndim == 1 and reps.shape[0] not in (1, x.shape[axis]):
                raise ValueError(f"repeat: {reps.shape[0]} repeat counts for an axis of length "
                                 f"{x.shape[axis]}")
            if np.any(reps < 0):
                raise ValueError("repeat: repeat counts must be non-negative")
            total = int(np.sum(np.broadcast_to(reps, (x.shape[axis],)))) if reps.ndim else \
                int(reps) * x.shape[axis]
            return jnp.repeat(x, reps, axis=axis, total_repeat_length=total)

        return repeat

    @jax_funcify.register(eo.Tile)
    def _jax_tile(op, node):
        n_reps = op._reps_length(node.inputs[1])

        def tile(x, reps):
            reps = _concrete(reps)        # the output shape: constant counts stay jitted
            if reps.shape[0] != n_reps:
                raise ValueError(f"Tile({op.ndim}): reps has {reps.shape[0]} entries, "
                                 f"{n_reps} expected")
            if np.any(reps < 0):
                raise ValueError("Tile: repetition counts must be non-negative")
            out = jnp.tile(x, tuple(int(r) for r in reps))
            if out.ndim != op.ndim:
                out = out.reshape((1,) * (op.ndim - out.ndim) + out.shape)
            return out

        return tile

    @jax_funcify.register(eo.PermuteRowElements)
    def _jax_permute_row_elements(op, node):
        nd = node.outputs[0].ndim

        def permute_row_elements(x, y, inverse):
            x = x.reshape((1,) * (nd - x.ndim) + x.shape)
            y = y.reshape((1,) * (nd - y.ndim) + y.shape)
            n = x.shape[-1]
            if y.shape[-1] != n:
                raise ValueError(f"PermuteRowElements: permutations of length {y.shape[-1]} for "
                                 f"rows of length {n}")
            ok = jnp.all(jnp.sort(y, axis=-1) == jnp.arange(n))
            runtime_check(~ok, 0, ValueError,
                          "PermuteRowElements: y is not a permutation of 0..n-1 along its last "
                          "axis")
            lead = jnp.broadcast_shapes(x.shape[:-1], y.shape[:-1])
            xb = jnp.broadcast_to(x, lead + (n,))
            yb = jnp.broadcast_to(y, lead + (n,))
            # the inverse permutation puts x[j] at y[j]: it reads x at argsort(y)
            idx = jnp.where(jnp.asarray(inverse) != 0, jnp.argsort(yb, axis=-1), yb)
            return jnp.take_along_axis(xb, idx, axis=-1)

        return permute_row_elements

    @jax_funcify.register(eo.RepeatGrad)
    def _jax_repeat_grad(op, node):
        def repeat_grad(gz, repeats, n):
            n = static_int(n)
            reps = _concrete(repeats)
            idx = np.repeat(np.arange(n), np.broadcast_to(reps, (n,)) if reps.ndim else reps)
            moved = jnp.moveaxis(gz, op.axis, 0)
            out = jnp.zeros((n,) + tuple(moved.shape[1:]), dtype=gz.dtype).at[idx].add(moved)
            return jnp.moveaxis(out, 0, op.axis)

        return repeat_grad

    @jax_funcify.register(eo.FillDiagonal)
    def _jax_fill_diagonal(op, node):
        def fill_diagonal(a, val):
            if a.ndim > 2 and len(set(a.shape)) != 1:
                raise ValueError(f"fill_diagonal: all dimensions must be equal beyond 2-d, got "
                                 f"{tuple(a.shape)}")
            i = jnp.arange(min(a.shape))
            return jnp.asarray(a).at[(i,) * a.ndim].set(jnp.asarray(val).astype(a.dtype))

        return fill_diagonal

    @jax_funcify.register(eo.FillDiagonalOffset)
    def _jax_fill_diagonal_offset(op, node):
        def fill_diagonal_offset(a, val, offset):
            k = static_int(offset)
            rows, cols = a.shape
            i = np.arange(max(0, -k), min(rows, cols - k)) if rows and cols else np.arange(0)
            return jnp.asarray(a).at[i, i + k].set(jnp.asarray(val).astype(a.dtype))

        return fill_diagonal_offset

    @jax_funcify.register(eo._DiagSum)
    def _jax_diag_sum(op, node):
        return lambda a, k: jnp.trace(a, static_int(k)).astype(a.dtype)

    @jax_funcify.register(eo.TakeRows)
    def _jax_take_rows(op, node):
        def take_rows(v, idx):
            _check_index_array(op, idx, v.shape[0], v.shape)
            return jnp.asarray(v)[idx]

        return take_rows

    @jax_funcify.register(eo.ScatterAddRows)
    def _jax_scatter_add_rows(op, node):
        def scatter_add_rows(idx, w, n):
            n = static_int(n)
            _check_index_array(op, idx, n, (n,) + tuple(w.shape[1:]))
            return jnp.zeros((n,) + tuple(w.shape[1:]), dtype=w.dtype).at[idx].add(w)

        return scatter_add_rows

    @jax_funcify.register(eo.SearchsortedOp)
    def _jax_searchsorted(op, node):
        def searchsorted(x, v, *sorter):
            if sorter:
                _check_index_array(op, sorter[0], x.shape[0], x.shape)
                x = jnp.asarray(x)[sorter[0]]
            return jnp.searchsorted(x, v, side=op.side).astype("int64")

        return searchsorted

    @jax_funcify.register(eo.Unique)
    def _jax_unique(op, node):
        def unique(x):
            # the output length is the number of distinct values: always op by op
            res = jnp.unique(jnp.asarray(_concrete(x)), return_index=op.return_index,
                             return_inverse=op.return_inverse, return_counts=op.return_counts,
                             axis=op.axis)
            res = res if isinstance(res, tuple) else (res,)
            outs = [res[0] if op.axis is not None else res[0].reshape(-1)]
            outs += [r.astype("int64").reshape(-1) for r in res[1:]]
            return outs[0] if len(outs) == 1 else tuple(outs)

        return unique

    @jax_funcify.register(eo.Bartlett)
    def _jax_bartlett(op, node):
        od = node.outputs[0].dtype
        return lambda m: jnp.bartlett(static_int(m)).astype(od)

    @jax_funcify.register(eo.InversePermutation)
    def _jax_inverse_permutation(op, node):
        def inverse_permutation(perm):
            n = perm.shape[-1]
            ok = jnp.all(jnp.sort(perm, axis=-1) == jnp.arange(n))
            runtime_check(~ok, 0, ValueError,
                          "inverse_permutation: the input is not a permutation of 0..n-1")
            return jnp.argsort(perm, axis=-1).astype(perm.dtype)

        return inverse_permutation

    @jax_funcify.register(eo.Choose)
    def _jax_choose(op, node):
        a_var, c_var = node.inputs

        def choose(a, choices):
            out_shape = tuple(np.broadcast_shapes(tuple(a.shape), tuple(choices.shape[1:])))
            for arr, var, lead in ((a, a_var, 0), (choices, c_var, 1)):
                shp, bc = tuple(arr.shape[lead:]), var.broadcastable[lead:]
                off = len(out_shape) - len(shp)
                for d, (s, b) in enumerate(zip(shp, bc)):
                    if s != out_shape[off + d] and not b:
                        raise ValueError(f"choose: shapes {tuple(a.shape)} (a) and "
                                         f"{tuple(choices.shape[1:])} (each choice) differ in a "
                                         "dimension that is not broadcastable")
            n = choices.shape[0]
            if op.mode == "raise":
                bad = (a < 0) | (a >= n)
                first = jnp.ravel(a)[jnp.argmax(jnp.ravel(bad))] if a.size else 0
                runtime_check(jnp.any(bad), first, ValueError,
                              "choose: invalid entry {value} in the choice array (there are {n} "
                              "choices)", n=n)
                idx = jnp.clip(a, 0, max(n - 1, 0))
            elif op.mode == "wrap":
                idx = jnp.mod(a, n)
            else:
                idx = jnp.clip(a, 0, max(n - 1, 0))
            lead = len(out_shape) - (choices.ndim - 1)     # each choice broadcasts from the left
            cb = jnp.reshape(choices, (n,) + (1,) * lead + tuple(choices.shape[1:]))
            cb = jnp.broadcast_to(cb, (n,) + out_shape)
            ib = jnp.broadcast_to(idx, out_shape)
            return jnp.take_along_axis(cb, ib[None].astype("int64"), axis=0)[0]

        return choose

    @jax_funcify.register(eo.Nonzero)
    def _jax_nonzero(op, node):
        def nonzero(a):
            idx = jnp.nonzero(jnp.asarray(_concrete(a)))    # data-dependent length: op by op
            if op.return_matrix:
                return jnp.stack(idx).astype("int64").reshape(len(idx), -1)
            idx = tuple(i.astype("int64") for i in idx)
            return idx[0] if len(idx) == 1 else idx

        return nonzero

    @jax_funcify.register(eo.NonzeroValues)
    def _jax_nonzero_values(op, node):
        def nonzero_values(x, mask):
            if tuple(x.shape) != tuple(mask.shape):
                raise ValueError(f"NonzeroValues: shapes {tuple(x.shape)} and {tuple(mask.shape)} "
                                 "differ")
            keep = _concrete(mask) != 0         # data-dependent length: op by op
            return jnp.asarray(x)[keep].reshape(-1)

        return nonzero_values

    @jax_funcify.register(eo.NonzeroScatter)
    def _jax_nonzero_scatter(op, node):
        def nonzero_scatter(mask, values):
            # the k-th non-zero of mask (C order) takes values[k]: static shapes, jitted
            m = jnp.ravel(mask) != 0
            count = jnp.sum(m)
            runtime_check(count != values.shape[0], count, ValueError,
                          "NonzeroScatter: the mask has {value} non-zero entries but there are "
                          "{n} values", n=values.shape[0])
            pos = jnp.clip(jnp.cumsum(m) - 1, 0, max(values.shape[0] - 1, 0))
            picked = jnp.asarray(values)[pos] if values.shape[0] else jnp.zeros(m.shape, values.dtype)
            return jnp.where(m, picked, jnp.zeros((), values.dtype)).reshape(mask.shape)

        return nonzero_scatter

    @jax_funcify.register(eo.UnravelIndex)
    def _jax_unravel_index(op, node):
        def unravel_index(indices, dims):
            dims = tuple(int(d) for d in _concrete(dims).reshape(-1))
            if len(dims) != len(node.outputs):
                raise ValueError(f"unravel_index: dims has {len(dims)} entries, but "
                                 f"ndim={len(node.outputs)}")
            size = int(np.prod(dims))
            bad = (indices < 0) | (indices >= size)
            first = jnp.ravel(indices)[jnp.argmax(jnp.ravel(bad))] if np.size(indices) else 0
            runtime_check(jnp.any(bad), first, ValueError,
                          "unravel_index: index {value} is out of bounds for array with size "
                          "{size}", size=size)
            order = dims if op.order == "C" else dims[::-1]
            res = []
            rest = jnp.asarray(indices).astype("int64")
            for d in reversed(order):
                res.append(rest % d if d else rest)
                rest = rest // d if d else rest
            res = res[::-1] if op.order == "C" else res
            res = tuple(r.astype("int64") for r in res)
            return res[0] if len(res) == 1 else res

        return unravel_index

    @jax_funcify.register(eo.RavelMultiIndex)
    def _jax_ravel_multi_index(op, node):
        modes = op.mode if isinstance(op.mode, (tuple, list)) else None

        def ravel_multi_index(*args):
            *idx, dims = args
            dims = tuple(int(d) for d in _concrete(dims).reshape(-1))
            if len(dims) != len(idx):
                raise ValueError(f"ravel_multi_index: {len(idx)} index arrays for {len(dims)} "
                                 "dimensions")
            shape = jnp.broadcast_shapes(*[jnp.shape(i) for i in idx])
            flat = jnp.zeros(shape, dtype="int64")
            strides = []
            s = 1
            for d in (reversed(dims) if op.order == "C" else dims):
                strides.append(s)
                s *= d
            strides = strides[::-1] if op.order == "C" else strides
            for k, (i, d, st) in enumerate(zip(idx, dims, strides)):
                i = jnp.asarray(i).astype("int64")
                mode = modes[k] if modes else op.mode
                if mode == "raise":
                    bad = (i < 0) | (i >= d)
                    first = jnp.ravel(i)[jnp.argmax(jnp.ravel(bad))] if np.size(i) else 0
                    runtime_check(jnp.any(bad), first, ValueError,
                                  "ravel_multi_index: invalid entry {value} in coordinates array")
                elif mode == "wrap":
                    i = jnp.mod(i, d)
                else:
                    i = jnp.clip(i, 0, d - 1)
                flat = flat + i * st
            return flat

        return ravel_multi_index


def _register_misc():
    jnp = _jnp()
    try:
        from theano.tensor.joining import JoinDynamic, Split, SplitDynamic
    except ImportError:
        JoinDynamic = None
    if JoinDynamic is not None:
        @jax_funcify.register(JoinDynamic)
        def _jax_join_dynamic(op, node):
            od = node.outputs[0].dtype

            def join_dynamic(axis, *tensors):
                axis, ndim = static_int(axis), tensors[0].ndim
                if not -ndim <= axis < ndim:
                    raise np.exceptions.AxisError(f"join: axis {axis} is out of range for {ndim}-d tensors")
                axis %= ndim
                ref = tensors[0].shape
                for x in tensors:
                    if len(x.shape) != len(ref) or any(
                            a != b for d, (a, b) in enumerate(zip(x.shape, ref)) if d != axis):
                        raise ValueError(f"join along axis {axis}: shapes "
                                         f"{', '.join(str(tuple(x.shape)) for x in tensors)} "
                                         "differ outside the join axis")
                return jnp.concatenate([jnp.asarray(x, dtype=od) for x in tensors], axis=axis)

            return join_dynamic

        @jax_funcify.register(SplitDynamic)
        def _jax_split_dynamic(op, node):
            def split_dynamic(x, axis, splits):
                axis = static_int(axis)
                if not -x.ndim <= axis < x.ndim:
                    raise np.exceptions.AxisError(f"split: axis {axis} is out of range for a {x.ndim}-d tensor")
                inner = Split(op.len_splits, axis % x.ndim)
                return jax_funcify(inner, node)(x, splits)

            return split_dynamic

    try:
        from theano.tensor.nnet.abstract_conv import _AssertAtLeast
    except ImportError:
        _AssertAtLeast = None
    if _AssertAtLeast is not None:
        @jax_funcify.register(_AssertAtLeast)
        def _jax_assert_at_least(op, node):
            template = op.msg.replace("{", "{{").replace("}", "}}") + ": got {value}"

            def assert_at_least(n):
                runtime_check(jnp.asarray(n) < op.minimum, n, AssertionError, template)
                return n

            return assert_at_least

    try:
        from theano.tensor.nnet import prepend as pp
    except ImportError:
        pp = None
    if pp is not None:
        @jax_funcify.register(pp.Prepend_scalar_constant_to_each_row)
        def _jax_prepend_constant(op, node):
            od = node.outputs[0].dtype

            def prepend_constant(mat):
                col = jnp.full((mat.shape[0], 1), op.val, dtype=od)
                return jnp.concatenate([col, jnp.asarray(mat, dtype=od)], axis=1)

            return prepend_constant

        @jax_funcify.register(pp.Prepend_scalar_to_each_row)
        def _jax_prepend_scalar(op, node):
            od = node.outputs[0].dtype

            def prepend_scalar(val, mat):
                col = jnp.full((mat.shape[0], 1), jnp.asarray(val).reshape(()), dtype=od)
                return jnp.concatenate([col, jnp.asarray(mat, dtype=od)], axis=1)

            return prepend_scalar


def _register_neighbours():
    try:
        from theano.tensor.nnet import neighbours as nb
    except ImportError:
        return
    jnp = _jnp()

    def cells(op, nr, nc):
        """(i, j, the strided slices of the padded image that patch cell (i, j) covers)."""
        sr, sc = op.neib_step
        kr, kc = op.neib_shape
        for i in range(kr):
            for j in range(kc):
                yield i, j, (slice(None), slice(None), slice(i, i + sr * (nr - 1) + 1, sr),
                             slice(j, j + sc * (nc - 1) + 1, sc))

    @jax_funcify.register(nb.Images2Neibs)
    def _jax_images2neibs(op, node):
        def images2neibs(x):
            b, c, h, w = x.shape
            nr, nc = op._grid(h, w, check=True)
            if op.mode == "wrap_centered":
                r, cl = nb._wrap_cells(*op._wrap_index(h, w))
                return jnp.asarray(x)[:, :, r, cl].reshape(b * c * nr * nc, -1)
            ph, pw = op._pads()
            xp = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else jnp.asarray(x)
            kr, kc = op.neib_shape
            parts = [xp[sl] for _, _, sl in cells(op, nr, nc)]
            win = jnp.stack(parts, axis=-1)            # (b, c, nr, nc, kr * kc)
            return win.reshape(b * c * nr * nc, kr * kc)

        return images2neibs

    @jax_funcify.register(nb.Images2NeibsGrad)
    def _jax_images2neibs_grad(op, node):
        def images2neibs_grad(g, *bchw):
            b, c, h, w = (static_int(v) for v in bchw)
            nr, nc = op._grid(h, w, check=True)
            kr, kc = op.neib_shape
            expected = (b * c * nr * nc, kr * kc)
            if tuple(g.shape) != expected:
                raise ValueError(f"neibs2images: neibs has shape {tuple(g.shape)} but an image of "
                                 f"shape {(b, c, h, w)} gives {expected}")
            g6 = jnp.reshape(g, (b, c, nr, nc, kr, kc))
            if op.mode == "wrap_centered":
                r, cl = nb._wrap_cells(*op._wrap_index(h, w))
                return jnp.zeros((b, c, h, w), dtype=g.dtype).at[:, :, r, cl].add(g6)
            ph, pw = op._pads()
            out = jnp.zeros((b, c, h + 2 * ph, w + 2 * pw), dtype=g.dtype)
            for i, j, sl in cells(op, nr, nc):
                out = out.at[sl].add(g6[:, :, :, :, i, j])
            return out[:, :, ph:ph + h, pw:pw + w]

        return images2neibs_grad


def _register_op_from_graph():
    try:
        from theano.compile.builders import OpFromGraph
    except ImportError:
        return

    @jax_funcify.register(OpFromGraph)
    def _jax_op_from_graph(op, node):
        """The inner graph's nodes, each through its own JAX implementation (an inner node
        without one makes the whole OpFromGraph node run on the host)."""
        from theano.graph.basic import Constant
        from theano.graph.fg import FunctionGraph

        fg = FunctionGraph(op.inner_inputs, op.inner_outputs, clone=True)
        steps = [(n, jax_funcify(n.op, n)) for n in fg.toposort()]

        def get(v, env):
            return env[v] if v in env else np.asarray(v.data) if isinstance(v, Constant) else env[v]

        def op_from_graph(*args):
            env = dict(zip(fg.inputs, args))
            for n, fn in steps:
                res = fn(*[get(v, env) for v in n.inputs])
                env.update(zip(n.outputs, res if len(n.outputs) > 1 else (res,)))
            outs = [get(o, env) for o in fg.outputs]
            return outs[0] if len(outs) == 1 else tuple(outs)

        return op_from_graph


def _register_assert():
    from theano.tensor.assertions import Assert

    jnp = _jnp()

    @jax_funcify.register(Assert)
    def _assert(op, node):
        def assert_(value, *conds):
            for c in conds:
                # raised now when concrete, after the jitted call when traced (as the other checks)
                runtime_check(jnp.logical_not(jnp.all(c)), c, AssertionError, op.msg.replace(
                    "{", "{{").replace("}", "}}"))
            return value

        return assert_


_register_linalg_ops()
_register_assert()
_register_op_from_graph()
_register_sort()
_register_extra_ops()
_register_misc()
_register_neighbours()

__all__ = ["HOST_OPS", "static_int"]
