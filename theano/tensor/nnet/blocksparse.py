"""Block-sparse products (Theano 1.0's ``theano.tensor.nnet.blocksparse``).

A layer whose input and output are split into blocks, of which each example uses only a few:

- ``SparseBlockGemv`` (``sparse_block_gemv``): for each example ``b``, output block ``j`` and input
  block ``i``, ``o[b, j] += h[b, i] . W[inputIdx[b, i], outputIdx[b, j]]``;
- ``SparseBlockOuter`` (``sparse_block_outer``): ``o[xIdx[b, i], yIdx[b, j]] += alpha *
  outer(x[b, i], y[b, j])`` (the gradient of the gemv with respect to ``W``);
- ``sparse_block_dot(W, h, inputIdx, b, outputIdx)``: the gemv on the bias blocks
  ``b[outputIdx]``.

Shapes: ``W`` (iBlocks, oBlocks, iSize, oSize), ``h`` (batch, iWin, iSize), ``o`` (batch, oWin,
oSize), ``inputIdx`` (batch, iWin), ``outputIdx`` (batch, oWin), integers. The gradients are these
two ops again; the block indices get none (they are disconnected).
"""

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.scalar.basic import integer_dtypes, upcast
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, cast, constant, zeros_like

__all__ = ["SparseBlockGemv", "SparseBlockOuter", "sparse_block_gemv", "sparse_block_gemv_inplace",
           "sparse_block_outer", "sparse_block_outer_inplace", "sparse_block_dot"]


def _numeric(what, named, ndims):
    """The tensors of ``named`` [(name, value)] in their common dtype, with the given ranks."""
    vs = [as_tensor_variable(v) for _, v in named]
    for (name, _), v, nd in zip(named, vs, ndims):
        if v.ndim != nd:
            raise TypeError(f"{what}: {name} must have {nd} dimensions, got {v.ndim}")
    dtype = upcast(*[v.dtype for v in vs])
    if dtype == "bool" or dtype in integer_dtypes:
        got = ", ".join(f"{name}: {v.dtype}" for (name, _), v in zip(named, vs))
        raise TypeError(f"{what} needs float (or complex) tensors, got {got}")
    return [cast(v, dtype) if v.dtype != dtype else v for v in vs], dtype


def _indices(what, named):
    out = []
    for name, v in named:
        v = as_tensor_variable(v)
        if v.ndim != 2 or v.dtype not in integer_dtypes:
            raise TypeError(f"{what}: {name} must be a matrix of integers (batch, window), got "
                            f"{v.type}")
        out.append(v)
    return out


def _check(op, conditions):
    for ok, msg in conditions:
        if not ok:
            raise ValueError(f"{op}: {msg}")


class SparseBlockGemv(Op):
    """``o[b, j] += sum_i h[b, i] . W[inputIdx[b, i], outputIdx[b, j]]`` (a copy of ``o``, or
    ``o`` itself when ``inplace``).

    Inputs ``o`` (batch, oWin, oSize), ``W`` (iBlocks, oBlocks, iSize, oSize), ``h`` (batch, iWin,
    iSize), ``inputIdx`` (batch, iWin), ``outputIdx`` (batch, oWin); output like ``o``.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, o, W, h, inputIdx, outputIdx):
        what = type(self).__name__
        (o, W, h), _ = _numeric(what, [("o", o), ("W", W), ("h", h)], (3, 4, 3))
        i_idx, o_idx = _indices(what, [("inputIdx", inputIdx), ("outputIdx", outputIdx)])
        return Apply(self, [o, W, h, i_idx, o_idx], [o.type()])

    def perform(self, node, inputs, output_storage):
        o, W, h, i_idx, o_idx = inputs
        _check(self, [
            (h.shape[0] == o.shape[0], f"h has {h.shape[0]} examples, o {o.shape[0]}"),
            (i_idx.shape == h.shape[:2], f"inputIdx has shape {i_idx.shape}, h's first two "
                                         f"dimensions are {h.shape[:2]}"),
            (o_idx.shape == o.shape[:2], f"outputIdx has shape {o_idx.shape}, o's first two "
                                         f"dimensions are {o.shape[:2]}"),
            (W.shape[2:] == (h.shape[2], o.shape[2]),
             f"W's blocks have shape {W.shape[2:]}, need (h's block size {h.shape[2]}, o's "
             f"block size {o.shape[2]})"),
        ])
        out = o if self.inplace else o.copy()
        for b in range(o.shape[0]):
            # the blocks of this example: (iWin, oWin, iSize, oSize)
            w = W[i_idx[b][:, None], o_idx[b][None, :]]
            out[b] += np.tensordot(h[b], w, axes=([0, 1], [0, 2]))
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False]]

    def grad(self, inputs, output_grads):
        o, W, h, i_idx, o_idx = inputs
        (go,) = output_grads
        g_W = sparse_block_outer(zeros_like(W), h, go, i_idx, o_idx)
        # h's blocks meet the transposed blocks of W, indexed the other way round
        g_h = sparse_block_gemv(zeros_like(h), W.dimshuffle(1, 0, 3, 2), go, o_idx, i_idx)
        return [go, g_W, g_h, disconnected_type(), disconnected_type()]


class SparseBlockOuter(Op):
    """``o[xIdx[b, i], yIdx[b, j]] += alpha * outer(x[b, i], y[b, j])`` for every example ``b`` and
    window positions ``i``, ``j`` (repeated block pairs add up).

    Inputs ``o`` (xBlocks, yBlocks, xSize, ySize), ``x`` (batch, xWin, xSize), ``y`` (batch, yWin,
    ySize), ``xIdx`` (batch, xWin), ``yIdx`` (batch, yWin), ``alpha`` (a scalar, 1 by default);
    output like ``o``.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, o, x, y, xIdx, yIdx, alpha=None):
        what = type(self).__name__
        (o, x, y), dtype = _numeric(what, [("o", o), ("x", x), ("y", y)], (4, 3, 3))
        x_idx, y_idx = _indices(what, [("xIdx", xIdx), ("yIdx", yIdx)])
        if alpha is None:
            alpha = constant(np.asarray(1, dtype=dtype))
        alpha = as_tensor_variable(alpha)
        if alpha.ndim != 0:
            raise TypeError(f"{what}: alpha must be a scalar, got {alpha.type}")
        if alpha.dtype != dtype:
            alpha = cast(alpha, dtype)
        return Apply(self, [o, x, y, x_idx, y_idx, alpha], [o.type()])

    def perform(self, node, inputs, output_storage):
        o, x, y, x_idx, y_idx, alpha = inputs
        _check(self, [
            (x.shape[0] == y.shape[0], f"x has {x.shape[0]} examples, y {y.shape[0]}"),
            (x_idx.shape == x.shape[:2], f"xIdx has shape {x_idx.shape}, x's first two dimensions "
                                         f"are {x.shape[:2]}"),
            (y_idx.shape == y.shape[:2], f"yIdx has shape {y_idx.shape}, y's first two dimensions "
                                         f"are {y.shape[:2]}"),
            (o.shape[2:] == (x.shape[2], y.shape[2]),
             f"o's blocks have shape {o.shape[2:]}, need (x's block size {x.shape[2]}, y's block "
             f"size {y.shape[2]})"),
        ])
        out = o if self.inplace else o.copy()
        for b in range(x.shape[0]):
            blocks = alpha * (x[b][:, None, :, None] * y[b][None, :, None, :])
            np.add.at(out, (x_idx[b][:, None], y_idx[b][None, :]), blocks)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False], [True]]

    def grad(self, inputs, output_grads):
        o, x, y, x_idx, y_idx, alpha = inputs
        (go,) = output_grads
        # d/dx[b, i] = alpha * sum_j go[xIdx[b, i], yIdx[b, j]] . y[b, j]: a gemv on go's
        # transposed blocks; d/dy likewise on go's blocks
        g_x = sparse_block_gemv(zeros_like(x), go.dimshuffle(1, 0, 3, 2), y, y_idx, x_idx)
        g_y = sparse_block_gemv(zeros_like(y), go, x, x_idx, y_idx)
        return [go, alpha * g_x, alpha * g_y, disconnected_type(), disconnected_type(),
                tm.sum(g_y * y)]


sparse_block_gemv = SparseBlockGemv(False)
sparse_block_gemv_inplace = SparseBlockGemv(True)
sparse_block_outer = SparseBlockOuter(False)
sparse_block_outer_inplace = SparseBlockOuter(True)


def sparse_block_dot(W, h, inputIdx, b, outputIdx):
    """``SparseBlockGemv`` on the bias blocks: for each example ``n`` and output window position
    ``j``, ``b[outputIdx[n, j]] + sum_i h[n, i] . W[inputIdx[n, i], outputIdx[n, j]]``.

    ``W`` (iBlocks, oBlocks, iSize, oSize), ``h`` (batch, iWin, iSize), ``inputIdx`` (batch, iWin),
    ``b`` (oBlocks, oSize), ``outputIdx`` (batch, oWin); returns (batch, oWin, oSize). A single
    example may be given without its batch dimension (``h`` (iWin, iSize) with index vectors);
    the result is then a batch of one, as in Theano 1.0.
    """
    h, b = as_tensor_variable(h), as_tensor_variable(b)
    inputIdx, outputIdx = as_tensor_variable(inputIdx), as_tensor_variable(outputIdx)
    if inputIdx.ndim != h.ndim - 1 or outputIdx.ndim != inputIdx.ndim:
        raise ValueError(f"sparse_block_dot: inputIdx and outputIdx must have one dimension less "
                         f"than h ({h.ndim}), got {inputIdx.ndim} and {outputIdx.ndim}")
    if h.ndim == 2:
        h = h.dimshuffle("x", 0, 1)
        inputIdx = inputIdx.dimshuffle("x", 0)
        outputIdx = outputIdx.dimshuffle("x", 0)
    if b.ndim != 2:
        raise TypeError(f"sparse_block_dot: b must be a matrix (oBlocks, oSize), got {b.type}")
    return sparse_block_gemv(b.take(outputIdx, axis=0), W, h, inputIdx, outputIdx)
