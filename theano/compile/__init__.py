"""Building and calling compiled functions."""

from theano.configdefaults import config  # noqa: F401  (``from theano.compile import config``, as in Theano)

from theano.compile.function import (Function, FunctionMaker, UnusedInputError, function,
                                     function_dump)
from theano.compile import variable_eval  # noqa: F401  (installs Variable.eval)
from theano.compile.io import In, Out, SymbolicInput, SymbolicOutput
from theano.compile.io import Param as Param  # Theano 1.0's deprecated In
from theano.compile.monitormode import MonitorMode
from theano.compile.ops import DeepCopyOp, FromFunctionOp, ViewOp, as_op, deep_copy_op, view_op
from theano.compile.mode import (FAST_COMPILE, FAST_RUN, DebugMode, Mode, get_default_mode,
                                 get_mode, optdb, predefined_modes)
from theano.compile.profiling import ProfileStats
from theano.compile import pfunc  # noqa: E402  (callable module: pfunc(...) and pfunc.rebuild_collect_shared)
from theano.compile import function_module as function_module  # Theano 1.0 path
from theano.compile.pfunc import rebuild_collect_shared
from theano.compile.builders import OpFromGraph
from theano.compile.sharedvalue import SharedVariable, shared, shared_constructor
from theano.compile import scalar_shared  # noqa: F401  (theano.scalar.sharedvar.shared)

__all__ = ["function", "function_dump", "Function", "FunctionMaker", "In", "Out", "Mode", "DebugMode", "get_mode",
           "get_default_mode", "shared", "SharedVariable", "shared_constructor", "ProfileStats",
           "UnusedInputError", "SymbolicInput", "SymbolicOutput", "FAST_RUN", "FAST_COMPILE",
           "predefined_modes", "as_op", "FromFunctionOp", "MonitorMode", "pfunc",
           "rebuild_collect_shared", "OpFromGraph", "optdb", "DeepCopyOp", "deep_copy_op", "ViewOp",
           "view_op"]
