"""JAX forms of ``theano.compile.ops``' identities: ``ViewOp`` and ``DeepCopyOp`` (a JAX array is
immutable, so the copy is the array itself; the outputs a JAX function returns are copied into new
NumPy arrays by the linker)."""

from theano.compile.ops import _Identity
from theano.link.jax.dispatch import jax_funcify


@jax_funcify.register(_Identity)        # ViewOp and DeepCopyOp
def _identity(op, node):
    def identity(x):
        return x

    return identity
