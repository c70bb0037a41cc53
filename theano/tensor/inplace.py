"""``theano.tensor.inplace``: the elementwise ops that write their result into their first input.

``exp_inplace(x)`` is ``Elemwise(exp, inplace_pattern={0: 0}, name="exp_inplace")``: its output is ``x``'s buffer,
overwritten. As in Theano 1.0, a graph holding such an op compiles only with
``theano.function(..., accept_inplace=True)``, and the call may then overwrite the array given for
``x`` (``theano.compile.inplace``). The result has ``x``'s dtype (``add_inplace`` of an int
matrix and a float matrix truncates the sums to ints) and must have its broadcast pattern.
Ordinary graphs never need these: the optimizer makes ops in-place where that is safe.
"""

from theano.scalar.basic import TransferType as _TransferType
from theano.tensor import math as _math
from theano.tensor.elemwise import Elemwise as _Elemwise


class InplaceElemwise(_Elemwise):
    """``op_inplace``: applied to inputs, it makes a node of ``Elemwise(scalar_op, {0: 0})`` when
    the scalar op's result already has the first input's dtype, else of
    ``Elemwise(TransferType(scalar_op), {0: 0})``, which casts the result to that dtype (Theano
    1.0's in-place scalar ops have the output type of their first input)."""

    def make_node(self, *inputs):
        from theano.tensor.basic import as_tensor_variable

        inputs = [as_tensor_variable(i) for i in inputs]
        natural = self.scalar_op.output_dtypes(*[i.dtype for i in inputs])
        sop = self.scalar_op if natural[0] == inputs[0].dtype else _TransferType(self.scalar_op)
        return _Elemwise(sop, dict(self.inplace_pattern), name=self.name).make_node(*inputs)

    # ``neg_inplace`` is the op of the nodes it makes: it equals ``Elemwise(neg, {0: 0})``, so that
    # ``node.op == T.inplace.neg_inplace`` holds for the in-place nodes of a compiled graph.
    def __eq__(self, other):
        return isinstance(other, _Elemwise) and self._props() == other._props()

    def __hash__(self):
        return hash((_Elemwise, self._props()))


def _inplace_of(op, name):
    return InplaceElemwise(op.scalar_op, {0: 0}, name=name)


_names = sorted(n for n in dir(_math) if not n.startswith("_") and isinstance(getattr(_math, n), _Elemwise)
                and not getattr(_math, n).inplace_pattern)
for _n in _names:
    globals()[f"{_n}_inplace"] = _inplace_of(getattr(_math, _n), f"{_n}_inplace")
# Theano spelled a few of them differently
_ALIASES = {"abs__inplace": "abs_", "abs_inplace": "abs_", "sgn_inplace": "sgn", "inv_inplace": "reciprocal"}
for _alias, _target in _ALIASES.items():
    if isinstance(getattr(_math, _target, None), _Elemwise):
        globals()[_alias] = _inplace_of(getattr(_math, _target), _alias)



def transpose_inplace(x):
    """Theano 1.0's transpose without a copy: the dimensions of ``x`` reversed, as a view of its
    buffer (a DimShuffle, which never copies here)."""
    from theano.tensor.basic import as_tensor_variable
    from theano.tensor.elemwise import DimShuffle

    x = as_tensor_variable(x)
    return DimShuffle(x.broadcastable, list(range(x.ndim - 1, -1, -1)))(x)


__all__ = sorted(n for n in globals() if n.endswith("_inplace"))
