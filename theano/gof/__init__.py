"""Theano 1.0's ``theano.gof``: the graph package (``theano.graph``) under its old name, with its
optimizer API (``gof.Optimizer``, ``gof.opt``, ``gof.toolbox``, ...) and its linkers
(``gof.PerformLinker``, ``gof.CLinker``, ``gof.OpWiseCLinker``, ``gof.DualLinker``, ``gof.WrapLinker``,
``gof.vm.VM_Linker``) and node schedules (``gof.sched``). Re-exports only."""

import importlib as _importlib
import sys as _sys

import theano.graph as _graph
from theano.graph import *  # noqa: F401,F403
from theano.graph import __all__ as _graph_all
from theano.link.legacy import (CLinker, Container, DualLinker, Linker, LocalLinker,
                                OpWiseCLinker, PerformLinker, WrapLinker, WrapLinkerMany)

# ``from theano.gof.graph import inputs``, ``import theano.gof.opt``: the graph package's modules
for _name in ("basic", "fg", "op", "type", "utils", "graph", "null_type", "opt", "toolbox", "optdb", "sched",
              "params_type", "destroyhandler"):
    _module = _importlib.import_module(f"theano.graph.{_name}")
    _sys.modules.setdefault(f"{__name__}.{_name}", _module)
    globals()[_name] = _module

from theano.gof import vm  # noqa: E402,F401  (theano.gof.vm.VM_Linker)
from theano.graph.params_type import (CEnumType, EnumList, EnumType, Params,  # noqa: E402,F401
                                      ParamsType)
from theano.graph.basic import view_roots  # noqa: E402,F401
from theano.graph.destroyhandler import DestroyHandler  # noqa: E402,F401
from theano.graph.null_type import NullType  # noqa: E402,F401
from theano.graph.op import OpenMPOp, PureOp  # noqa: E402,F401
from theano.graph.utils import object2  # noqa: E402,F401

__all__ = list(_graph_all) + ["CLinker", "Container", "DualLinker", "Linker", "LocalLinker", "OpWiseCLinker",
                              "PerformLinker", "WrapLinker", "WrapLinkerMany", "CEnumType", "EnumList",
                              "EnumType", "Params", "ParamsType", "view_roots", "DestroyHandler",
                              "NullType", "OpenMPOp", "PureOp", "object2"]


def __getattr__(name):
    # the optimizer API and graph features, which theano.graph finds on first use
    return getattr(_graph, name)
