"""``theano.gpuarray``: Theano 1.0's GPU back-end, absent from theano-ng.

Programs import this package to find out whether a GPU can be used (``pygpu_activated``) and
whether cuDNN is there (``theano.gpuarray.dnn.dnn_present()``). Both answers are always "no":
theano-ng runs on the CPU (reference VM, Numba) or through JAX; it has no pygpu back-end.
"""

pygpu = None
pygpu_activated = False

__all__ = ["pygpu_activated", "use", "dnn"]


def use(device, force=False, default_to_move_computation_to_gpu=True, move_shared_to_gpu=True,
        preallocate=None):
    """Theano 1.0 initialized a GPU here; theano-ng has no GPU back-end, so this raises."""
    raise RuntimeError(f"theano.gpuarray.use({device!r}): theano-ng has no pygpu GPU back-end "
                       "(pygpu_activated is False); run on the CPU, or use the JAX back-end "
                       "(linker='jax') for accelerators")


def __getattr__(name):
    if name in ("dnn", "type"):
        import importlib

        return importlib.import_module(f"theano.gpuarray.{name}")
    raise AttributeError(f"module 'theano.gpuarray' has no attribute {name!r} (theano-ng has no "
                         "pygpu GPU back-end; pygpu_activated is False)")
