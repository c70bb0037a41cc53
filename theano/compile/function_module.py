"""Theano 1.0's import path ``theano.compile.function_module``: the compiled-function classes."""

from theano.compile.function import Function, FunctionMaker, UnusedInputError, function
from theano.compile.io import In, Out, SymbolicInput, SymbolicOutput
from theano.compile.ops import DeepCopyOp, deep_copy_op
from theano.compile.sharedvalue import Container
from theano.graph.fg import MissingInputError

orig_function = function

__all__ = ["Function", "FunctionMaker", "UnusedInputError", "MissingInputError", "function",
           "orig_function", "In", "Out", "SymbolicInput", "SymbolicOutput", "Container", "DeepCopyOp",
           "deep_copy_op"]
