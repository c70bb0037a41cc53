"""theano.tensor: symbolic tensors and the operations on them (``import theano.tensor as T``)."""

from theano.tensor.type import TensorType
from theano.tensor.type_other import NoneConst, NoneTypeT, SliceConstant, SliceType, none_type_t, slicetype
from theano.tensor.variable import TensorConstant, TensorVariable, _tensor_py_operators
from theano.tensor.basic import *  # noqa: F401,F403  constructors, as_tensor_variable, cast, ...
from theano.tensor.basic import (MakeVector, NotScalarConstantError, Rebroadcast, addbroadcast,
                                 as_tensor, as_tensor_variable, cast, constant, fill,
                                 get_scalar_constant_value, ones_like, patternbroadcast, second,
                                 tensor, tensor_copy, transpose, unbroadcast, zeros_like)
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise, Prod, Sum
from theano.tensor.math import *  # noqa: F401,F403
from theano.tensor.math import (Argmax, Dot, abs_, all, any, argmax, argmin, dot, max,
                                max_and_argmax, mean, min, outer, pow, prod, round, std, sum, var)
from theano.tensor.reshaping import *  # noqa: F401,F403
from theano.tensor.allocation import *  # noqa: F401,F403
from theano.tensor.joining import *  # noqa: F401,F403
from theano.tensor import subtensor
from theano.tensor.subtensor import *  # noqa: F401,F403
from theano.tensor.subtensor_advanced import *  # noqa: F401,F403
from theano.tensor.extra_ops import *  # noqa: F401,F403
from theano.tensor.linalg_ops import *  # noqa: F401,F403
from theano.tensor import sharedvar as _sharedvar  # registers theano.shared for tensors
from theano.tensor.sharedvar import TensorSharedVariable
from theano.tensor.sharedvar import tensor_constructor as _shared  # Theano 1.0's T._shared (its tests use it)
from theano.tensor import nlinalg, slinalg, elemwise, basic, math
from theano import scalar as scal  # Theano 1.0's T.scal (theano.scalar)

from theano.gradient import (Lop, Rop, consider_constant, grad, hessian, jacobian, numeric_grad,
                             verify_grad, zero_grad, disconnected_grad)

import builtins as _builtins

# Theano's T.abs_ and the bitwise/logical names
# (no submodules: `from theano.tensor import *` must not shadow `type`, `math`, `np`, ...)
__all__ = [n for n in dir() if not n.startswith("_")
           and not isinstance(globals()[n], _builtins.type(_builtins))]

# after __all__, so that `from theano.tensor import *` does not shadow Python's `random` module
from theano.tensor.random import type as _random_type  # noqa: E402  theano.shared(RandomState)
from theano.graph.rewriting.db import register_rewrite_loader as _register_rewrite_loader  # noqa: E402

# Theano 1.0's paths of two modules whose names are also functions of this package (T.sort, T.var):
# ``from theano.tensor.sort import argsort`` and old pickles still find them; the attributes
# ``theano.tensor.sort`` and ``theano.tensor.var`` are the functions, as in Theano 1.0.
import sys as _sys  # noqa: E402
from theano.tensor import sorting as _sorting, variable as _variable  # noqa: E402

_sys.modules.setdefault("theano.tensor.sort", _sorting)
_sys.modules.setdefault("theano.tensor.var", _variable)


def _load_rewrites():
    # the tensor rewrites load when a graph is first rewritten (importing theano.tensor does not
    # import them); each module of theano.tensor.rewriting registers its rewrites
    import theano.tensor.rewriting  # noqa: F401


_register_rewrite_loader(_load_rewrites)


def __getattr__(name):
    # Sub-packages loaded on first use: T.nnet, T.signal, T.shared_randomstreams, T.raw_random ...
    import importlib

    if name in ("nnet", "signal", "shared_randomstreams", "raw_random", "random", "opt", "blas",
                "nlinalg", "slinalg", "extra_ops", "fft", "xlogx", "sharedvar", "inplace",
                "blas_c", "blas_scipy"):
        return importlib.import_module(f"theano.tensor.{name}")
    if name in ("io", "utils"):
        return importlib.import_module(f"theano.tensor.{name}")
    if name == "load":
        from theano.tensor.io import load

        return load
    raise AttributeError(f"module 'theano.tensor' has no attribute {name!r}")
