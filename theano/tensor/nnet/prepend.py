"""Theano's ops that prepend a column to a matrix (old code used them for bias units):
``prepend_0_to_each_row(m)``, ``prepend_1_to_each_row(m)``, ``prepend_scalar_to_each_row(s, m)``.
"""

import numpy as np

from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType

__all__ = ["Prepend_scalar_constant_to_each_row", "Prepend_scalar_to_each_row",
           "prepend_scalar_to_each_row", "prepend_0_to_each_row", "prepend_1_to_each_row"]


def _matrix(mat, who):
    mat = as_tensor_variable(mat)
    if mat.ndim != 2:
        raise TypeError(f"{who}: expected a matrix, got {mat.ndim} dimensions ({mat.type})")
    return mat


class Prepend_scalar_constant_to_each_row(Op):
    """``m -> [val, m]``: the matrix ``m`` with a first column filled with the number ``val``."""

    __props__ = ("val",)

    def __init__(self, val=0):
        if isinstance(val, np.ndarray) and val.size == 1:
            val = val.item()
        if not isinstance(val, (int, float, np.number)) or isinstance(val, bool):
            raise TypeError(f"Prepend_scalar_constant_to_each_row: val must be a number, got "
                            f"{val!r}")
        self.val = float(val) if isinstance(val, (float, np.floating)) else int(val)

    def __str__(self):
        return f"{type(self).__name__}{{{self.val}}}"

    def make_node(self, mat):
        mat = _matrix(mat, type(self).__name__)
        return Apply(self, [mat], [TensorType(mat.dtype, (mat.broadcastable[0], False))()])

    def perform(self, node, inputs, output_storage):
        (mat,) = inputs
        out = np.empty((mat.shape[0], mat.shape[1] + 1), dtype=node.outputs[0].dtype)
        out[:, 0] = self.val
        out[:, 1:] = mat
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        return [(rows, cols + 1)]

    def grad(self, inputs, output_grads):
        return [output_grads[0][:, 1:]]


class Prepend_scalar_to_each_row(Op):
    """``(s, m) -> [s, m]``: the matrix ``m`` with a first column filled with the scalar ``s``."""

    __props__ = ()

    def make_node(self, val, mat):
        mat = _matrix(mat, type(self).__name__)
        val = as_tensor_variable(val)
        if val.ndim != 0:
            raise TypeError(f"Prepend_scalar_to_each_row: val must be a scalar, got {val.type}")
        # a number keeps the matrix's dtype; a symbolic scalar upcasts with it
        dtype = mat.dtype if isinstance(val, Constant) else ts.upcast(val.dtype, mat.dtype)
        return Apply(self, [val, mat], [TensorType(dtype, (mat.broadcastable[0], False))()])

    def perform(self, node, inputs, output_storage):
        val, mat = inputs
        out = np.empty((mat.shape[0], mat.shape[1] + 1), dtype=node.outputs[0].dtype)
        out[:, 0] = val
        out[:, 1:] = mat
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[1]
        return [(rows, cols + 1)]

    def grad(self, inputs, output_grads):
        val, mat = inputs
        (g,) = output_grads
        g_val = g[:, 0].sum()
        if g_val.dtype != val.dtype and val.dtype in ts.float_dtypes:
            g_val = g_val.astype(val.dtype)
        return [g_val, g[:, 1:]]


prepend_scalar_to_each_row = Prepend_scalar_to_each_row()
prepend_0_to_each_row = Prepend_scalar_constant_to_each_row(0.0)
prepend_1_to_each_row = Prepend_scalar_constant_to_each_row(1.0)
