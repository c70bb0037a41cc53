"""``theano.sandbox``: old home of experimental modules; ``rng_mrg`` (with ``multinomial``) and
``linalg`` are what programs still import.

There is no ``theano.sandbox.cuda``: the GPU back-ends of Theano are not part of theano-ng.
"""

__all__ = ["rng_mrg", "multinomial", "linalg"]


def __getattr__(name):
    if name in ("rng_mrg", "multinomial", "linalg"):
        import importlib

        return importlib.import_module(f"theano.sandbox.{name}")
    if name in ("cuda", "gpuarray"):
        raise AttributeError(
            f"theano.sandbox.{name} does not exist in theano-ng: there is no GPU back-end of Theano's "
            "kind here; remove the import (device=cpu programs run unchanged)")
    raise AttributeError(f"module 'theano.sandbox' has no attribute {name!r}")
