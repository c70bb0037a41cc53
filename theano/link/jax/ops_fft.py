"""JAX forms of ``theano.tensor.fft``'s ops: ``jnp.fft.rfftn``/``irfftn`` over every axis but the
first, the signal shape read while tracing (a shape known only at run time runs op by op)."""

import numpy as np

from theano.link.jax.dispatch import jax_funcify
from theano.tensor.fft import IRFFTOp, RFFTOp


def _shape(s):
    return tuple(int(v) for v in np.asarray(s).reshape(-1))


@jax_funcify.register(RFFTOp)
def _rfft(op, node):
    dtype = node.outputs[0].dtype

    def rfft(x, s):
        import jax.numpy as jnp

        y = jnp.fft.rfftn(x, s=_shape(s), axes=tuple(range(1, x.ndim)), norm=op.norm)
        return jnp.stack([y.real, y.imag], axis=-1).astype(dtype)

    return rfft


@jax_funcify.register(IRFFTOp)
def _irfft(op, node):
    dtype = node.outputs[0].dtype

    def irfft(y, s):
        import jax.numpy as jnp

        shape = _shape(s)
        if y.shape[-2] != shape[-1] // 2 + 1:
            raise ValueError(f"irfft: {y.shape[-2]} frequencies cannot make signals of length "
                             f"{shape[-1]} (that needs {shape[-1] // 2 + 1})")
        z = y[..., 0] + 1j * y[..., 1]
        x = jnp.fft.irfftn(z, s=shape, axes=tuple(range(1, y.ndim - 1)), norm=op.norm)
        return x.astype(dtype)

    return irfft


def _register_fourier():
    from theano.tensor.fourier import Fourier

    @jax_funcify.register(Fourier)
    def _fourier(op, node):
        dtype = node.outputs[0].dtype

        def fourier(a, n, axis):
            import jax.numpy as jnp

            # n and axis are read while tracing (symbolic ones run the graph op by op)
            return jnp.fft.fft(a, int(np.asarray(n)), int(np.asarray(axis))).astype(dtype)

        return fourier


_register_fourier()
