"""Old import path ``theano.tensor.opt``: the rewrite registration helpers and a few names programs
import from it, looked up where they live now (``theano.graph.rewriting``, ``theano.tensor.rewriting``).
"""

import importlib as _importlib

_HOMES = ("theano.graph.rewriting.db", "theano.graph.rewriting.legacy", "theano.graph.rewriting.basic", "theano.tensor.rewriting.basic",
          "theano.tensor.rewriting.math", "theano.tensor.rewriting.elemwise",
          "theano.tensor.rewriting.shape", "theano.tensor.rewriting.subtensor",
          "theano.tensor.rewriting.fusion", "theano.tensor.rewriting.shape_feature",
          "theano.tensor.basic", "theano.tensor.assertions")
# Theano's names for things that have new names here
_RENAMED = {"register_uncanonicalize": "register_specialize",
            "make_vector": "MakeVector"}


def __getattr__(name):
    target = _RENAMED.get(name, name)
    for mod_name in _HOMES:
        try:
            mod = _importlib.import_module(mod_name)
        except ImportError:
            continue
        if hasattr(mod, target):
            value = getattr(mod, target)
            if name == "make_vector":
                value = value()
            return value
    raise AttributeError(f"theano.tensor.opt has no {name!r} in theano-ng (Theano's optimizer was "
                         "rewritten; see theano.graph.rewriting and theano.tensor.rewriting)")


# the names come from __getattr__ above, which ruff cannot see
__all__ = ["register_canonicalize", "register_stabilize", "register_specialize",  # noqa: F822
           "register_uncanonicalize", "local_optimizer", "node_rewriter", "MakeVector",  # noqa: F822
           "in2out", "out2in", "PatternSub", "OpSub", "OpRemove", "check_stack_trace",  # noqa: F822
           "copy_stack_trace", "ShapeFeature", "mul_canonizer", "local_add_specialize",  # noqa: F822
           "local_merge_alloc", "local_canonicalize_alloc", "local_useless_dimshuffle_in_reshape",  # noqa: F822
           "local_reshape_to_dimshuffle"]  # noqa: F822
