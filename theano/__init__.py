"""theano-ng: Theano's API on today's Python and NumPy.

    import theano
    import theano.tensor as T
    x = T.dvector('x')
    f = theano.function([x], (x ** 2).sum())
"""

__version__ = "1.0.0.dev0"

import logging as _logging
import time as _time

# Theano 1.0's logger: messages of the "theano" logger hierarchy go to stderr unless the program
# configures logging itself (programs attach handlers to it or raise its level).
theano_logger = _logging.getLogger("theano")
logging_default_handler = _logging.StreamHandler()
logging_default_handler.setFormatter(_logging.Formatter("%(levelname)s (%(name)s): %(message)s"))
theano_logger.addHandler(logging_default_handler)
theano_logger.setLevel(_logging.WARNING)

# The public names (each import below is a re-export, written `X as X`)
from theano.configdefaults import config as config, change_flags as change_flags
from theano import graph as graph
from theano.graph.basic import Apply as Apply, Constant as Constant, Variable, clone_replace
from theano.graph.op import Op as Op
from theano.graph.type import Type as Type, generic as generic
from theano.graph.fg import FunctionGraph as FunctionGraph
from theano import scalar as scalar, tensor
import theano as theano  # binds `theano` here, so `from theano import *` exports it (as Theano did)
from theano.compile import (DebugMode as DebugMode, Function as Function, In as In, Mode,
                            Out as Out, ProfileStats as ProfileStats,
                            SharedVariable as SharedVariable, function as function,
                            function_dump as function_dump,
                            get_mode as get_mode, shared as shared)
from theano.compile.function import UnusedInputError as UnusedInputError
from theano.compile.builders import OpFromGraph as OpFromGraph
from theano.gradient import (Lop as Lop, Rop as Rop, grad as grad, hessian as hessian,
                             jacobian as jacobian, subgraph_grad as subgraph_grad,
                             verify_grad as verify_grad)
from theano import gradient as gradient, printing as printing
from theano import scan as scan  # registers scan as the loop of theano.gradient.jacobian
from theano.link.jax import control as _jax_control  # noqa: F401  (scan/ifelse JAX forms; no JAX import)
from theano.printing import pp as pp, pprint as pprint, debugprint as debugprint, pydotprint as pydotprint

# Theano 1.0's old names for the same things.
# `from theano.gof import Op`, `from theano.gof.graph import inputs`, `gof.PerformLinker` (Theano 1.0
# paths): the graph package and its modules, with Theano's linker classes.
from theano import gof as gof  # noqa: E402
compile = __import__("theano.compile", fromlist=["compile"])


def clone(output, replace=None, strict=True, share_inputs=True):
    """``theano.clone``: ``output`` rebuilt with the pairs of ``replace`` substituted
    (``theano.graph.basic.clone_replace``); a replacement given as a Python number or array
    becomes a tensor constant first."""
    if replace is not None:
        pairs = replace.items() if isinstance(replace, dict) else replace
        replace = [(old, new if isinstance(new, Variable) else tensor.as_tensor_variable(new))
                   for old, new in pairs]
    return clone_replace(output, replace, strict=strict, share_inputs=share_inputs)


function_module = compile
from theano.compile.io import Param as Param  # noqa: E402  (deprecated alias of In)
from theano.misc.safe_asarray import _asarray as _asarray  # noqa: E402  (Theano 1.0's theano._asarray)
ProfileMode = Mode


def dot(l, r):
    """``theano.dot``: symbolic dot product of two tensors (an operand with ``__dot__`` /
    ``__rdot__``, such as a sparse matrix, computes it itself)."""
    if hasattr(l, "__dot__"):
        return l.__dot__(r)
    if hasattr(r, "__rdot__"):
        return r.__rdot__(l)
    return tensor.dot(l, r)


def _load_sparse(value):
    # theano.shared(a scipy.sparse matrix): theano.sparse registers its shared constructor when
    # imported, and is imported for the first such value (``import theano`` imports no scipy)
    if not type(value).__module__.startswith("scipy.sparse"):
        return False
    import theano.sparse  # noqa: F401
    return True


compile.sharedvalue.register_constructor_loader(_load_sparse)


def __getattr__(name):
    import importlib

    lazy = {"map": ("theano.scan", "map"),
            "reduce": ("theano.scan", "reduce"), "foldl": ("theano.scan", "foldl"),
            "foldr": ("theano.scan", "foldr"), "ifelse": ("theano.ifelse", None),
            "scan_checkpoints": ("theano.scan", "scan_checkpoints"),
            # Theano 1.0's top-level names from theano.gof and theano.compile
            "CLinker": ("theano.link.legacy", "CLinker"),
            "OpWiseCLinker": ("theano.link.legacy", "OpWiseCLinker"),
            "Linker": ("theano.link.legacy", "Linker"),
            "LocalLinker": ("theano.link.legacy", "LocalLinker"),
            "PerformLinker": ("theano.link.legacy", "PerformLinker"),
            "Container": ("theano.link.legacy", "Container"),
            "InconsistencyError": ("theano.graph.fg", "InconsistencyError"),
            "OpenMPOp": ("theano.graph.op", "OpenMPOp"),
            "opt": ("theano.graph.opt", None), "toolbox": ("theano.graph.toolbox", None),
            "utils": ("theano.graph.utils", None),
            "Generic": ("theano.graph.type", "Generic"), "generic": ("theano.graph.type", "generic"),
            "SymbolicInput": ("theano.compile.io", "In"),
            "SymbolicOutput": ("theano.compile.io", "Out"),
            "predefined_modes": ("theano.compile.mode", "predefined_modes"),
            "predefined_linkers": ("theano.compile.mode", "predefined_linkers"),
            "predefined_optimizers": ("theano.compile.mode", "predefined_optimizers"),
            "register_mode": ("theano.compile.mode", "register_mode"),
            "FunctionMaker": ("theano.compile.maker", "FunctionMaker"),
            "scan_module": ("theano.scan_module", None), "sandbox": ("theano.sandbox", None),
            "sparse": ("theano.sparse", None), "sparse_grad": ("theano.sparse", "sparse_grad"),
            "misc": ("theano.misc", None),
            "updates": ("theano.updates", None),
            "OrderedUpdates": ("theano.updates", "OrderedUpdates"),
            "configparser": ("theano.configparser", None)}
    if name in lazy:
        mod, attr = lazy[name]
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise
            # an optional part this package does not have: hasattr(theano, 'sparse') is False
            raise AttributeError(f"module 'theano' has no attribute {name!r} ({mod} is not "
                                 "available)") from None
        return getattr(m, attr) if attr else m
    raise AttributeError(f"module 'theano' has no attribute {name!r}")


# Tutorials written for Python 2 time their code with time.clock(), removed in Python 3.8.
# The seed programs must run as printed, so it is restored as an alias of time.perf_counter.
if not hasattr(_time, "clock"):
    _time.clock = _time.perf_counter
