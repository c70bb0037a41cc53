"""JAX forms of the Theano 1.0 nnet op names added for compatibility: ``SoftmaxWithBias``
(``jax.nn.softmax`` of ``x + b``; the bias length is checked while tracing, where shapes are
static)."""

from theano.link.jax.dispatch import jax_funcify
from theano.tensor.nnet.nnet import SoftmaxWithBias


@jax_funcify.register(SoftmaxWithBias)
def _softmax_with_bias(op, node):
    dtype = node.outputs[0].dtype

    def softmax_with_bias(x, b):
        import jax

        if b.shape[0] != x.shape[1]:
            raise ValueError(f"SoftmaxWithBias: b has length {b.shape[0]} but x has {x.shape[1]} "
                             "columns")
        return jax.nn.softmax((x + b).astype(dtype), axis=-1).astype(dtype)

    return softmax_with_bias
