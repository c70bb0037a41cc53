"""Theano 1.0's import path ``theano.compile.function_module``: the compiled-function classes."""

from theano.compile.function import Function, FunctionMaker, UnusedInputError, function
from theano.compile.io import In, Out, SymbolicInput, SymbolicOutput
from theano.compile.ops import DeepCopyOp, deep_copy_op
from theano.compile.sharedvalue import Container
from theano.compile.theano1_pickle import (Supervisor, _constructor_Function,  # noqa: F401
                                           _constructor_FunctionMaker)
from theano.graph.fg import MissingInputError

orig_function = function


def _pickle_Function(f):
    """Theano 1.0's reduction of a Function for pickling: ``(rebuild, args)``, what
    ``pickle.dumps(f)`` stores (the arguments it was compiled from and its inputs' storage)."""
    if not isinstance(f, Function):
        raise TypeError(f"_pickle_Function needs a theano Function, got {type(f).__name__}")
    return f.__reduce__()

__all__ = ["Function", "FunctionMaker", "UnusedInputError", "MissingInputError", "function",
           "orig_function", "In", "Out", "SymbolicInput", "SymbolicOutput", "Container", "DeepCopyOp",
           "deep_copy_op"]
