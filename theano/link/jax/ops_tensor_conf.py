"""JAX forms of the ops between 0-d tensors and theano.scalar values (``scalar_from_tensor``,
``tensor_from_scalar``): a scalar's JAX value is a 0-d array (what ``jnp`` calls a scalar)."""

from theano.link.jax.dispatch import jax_funcify
from theano.tensor.basic import ScalarFromTensor, TensorFromScalar


@jax_funcify.register(TensorFromScalar)
@jax_funcify.register(ScalarFromTensor)
def _scalar_tensor(op, node):
    dtype = node.outputs[0].type.dtype

    def convert(x):
        import jax.numpy as jnp

        return jnp.asarray(x, dtype=dtype).reshape(())

    return convert
