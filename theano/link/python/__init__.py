"""The reference Python VM backend."""

from theano.link import register_linker
from theano.link.python.vm import LazyVM, LoopVM, PythonLinker

register_linker("py", PythonLinker)

__all__ = ["PythonLinker", "LoopVM", "LazyVM"]
