"""Theano 1.0's ``theano.gof.vm``: ``VM_Linker`` and its ``VM`` (``theano.link.legacy``).
Re-exports only."""

from theano.link.legacy import VM, VM_Linker  # noqa: F401

__all__ = ["VM", "VM_Linker"]
