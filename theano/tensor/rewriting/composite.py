"""Composite: several elementwise operations fused into one scalar op (the unit of fusion).

It lives with its maker, the fusion rewrite (``fusion.py``), above the gradient layer: its gradient
is the gradient of its inner graph (``theano.gradient.grad``). ``theano.scalar.composite`` (Theano
1.0's path) re-exports it.

``Composite(inputs, outputs)``: ``inputs`` are 0-d TensorVariables (the roots) and ``outputs`` 0-d
TensorVariables computed from them by Elemwise nodes only. The inner graph is cloned into
``self.fgraph``; ``self.inputs``/``self.outputs`` are that graph's variables.

``Elemwise(Composite(...))`` is what elementwise fusion produces. It runs here by evaluating the
inner graph with NumPy on whole arrays (``impl``), node by node, exactly as the unfused Elemwise
nodes would (same functions, same dtypes, so the same bits); the native backend compiles the inner
graph into a single loop.
"""

import numpy as np

from theano.gradient import grad
from theano.graph.basic import Constant, clone_replace
from theano.graph.fg import FunctionGraph
from theano.scalar.basic import ScalarOp, SignatureIdentity
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType


class Composite(SignatureIdentity, ScalarOp):
    """A scalar op defined by an inner graph of Elemwise nodes on 0-d tensors."""

    def __init__(self, inputs, outputs):
        inputs = list(inputs)
        outputs = list(outputs)
        for k, v in enumerate(inputs):
            if getattr(v, "ndim", None) != 0:
                raise TypeError(f"Composite input {k} must be a 0-d tensor variable, got {v} "
                                f"({getattr(v, 'type', type(v).__name__)})")
            if v.owner is not None:
                raise TypeError(f"Composite input {k} must be a root variable (no owner), got {v}")
        if not outputs:
            raise ValueError("Composite needs at least one output")
        fgraph = FunctionGraph(inputs, outputs, clone=True)
        for node in fgraph.apply_nodes:
            if not isinstance(node.op, Elemwise):
                raise TypeError(f"Composite inner graphs hold Elemwise nodes only, got {node.op}")
        for k, v in enumerate(fgraph.outputs):
            if v.ndim != 0:
                raise TypeError(f"Composite output {k} must be 0-d, got {v} ({v.type})")
        self.fgraph = fgraph
        self.inputs = list(fgraph.inputs)
        self.outputs = list(fgraph.outputs)
        self.nin = len(self.inputs)
        self.nout = len(self.outputs)
        self.input_dtypes = tuple(v.dtype for v in self.inputs)
        self._out_dtypes = tuple(v.dtype for v in self.outputs)
        self._order = fgraph.toposort()
        self._signature = self._make_signature()
        super().__init__(self._make_name())

    # -- identity -------------------------------------------------------------------------------
    def _make_signature(self):
        """The inner graph's structure: ops and wiring, input dtypes, constants' values."""
        ids = {v: ("in", k) for k, v in enumerate(self.inputs)}
        nodes = []
        for pos, node in enumerate(self._order):
            refs = []
            for i in node.inputs:
                if i in ids:
                    refs.append(ids[i])
                elif isinstance(i, Constant):
                    refs.append(("const", i.signature()))
                else:
                    raise ValueError(f"Composite: {i} is not computed inside the inner graph")
            nodes.append((node.op, tuple(refs)))
            for o in node.outputs:
                ids[o] = ("node", pos, o.index)
        outs = []
        for o in self.outputs:
            if isinstance(o, Constant):
                outs.append(("const", o.signature()))
            else:
                outs.append(ids[o])
        return (self.input_dtypes, tuple(nodes), tuple(outs))

    def _make_name(self):
        names = []
        for node in self._order:
            n = str(node.op.scalar_op)
            if n not in names:
                names.append(n)
        return "Composite{%s}" % ",".join(names)


    def __getstate__(self):
        state = dict(self.__dict__)
        return state

    # -- types ----------------------------------------------------------------------------------
    def output_dtypes(self, *dtypes):
        if len(dtypes) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} inputs, got {len(dtypes)}")
        for k, (got, want) in enumerate(zip(dtypes, self.input_dtypes)):
            if got != want:
                raise TypeError(f"{self.name}: input {k} must have dtype {want}, got {got}")
        return self._out_dtypes

    # -- running --------------------------------------------------------------------------------
    def impl(self, *arrays, out_dtypes=None):
        """Evaluate the inner graph on whole arrays; a tuple when there are several outputs."""
        values = dict(zip(self.inputs, arrays))
        for node in self._order:
            args = []
            for i in node.inputs:
                if i in values:
                    args.append(values[i])
                else:
                    args.append(i.data)
            so = node.op.scalar_op
            res = so.impl(*args, out_dtypes=[o.dtype for o in node.outputs])
            if len(node.outputs) == 1:
                res = (res,)
            for o, r in zip(node.outputs, res):
                r = np.asarray(r)
                if r.dtype != o.type.numpy_dtype:
                    r = r.astype(o.type.numpy_dtype)
                values[o] = r
        outs = tuple(values[o] if o in values else np.asarray(o.data) for o in self.outputs)
        return outs[0] if self.nout == 1 else outs

    # -- gradient -------------------------------------------------------------------------------
    def expand(self, inputs):
        """The inner graph applied to the (tensor) ``inputs``: unfused Elemwise nodes."""
        return clone_replace(self.outputs, dict(zip(self.inputs, inputs)), strict=False)

    def grad(self, inputs, output_grads):
        outs = self.expand(inputs)
        known = {o: g for o, g in zip(outs, output_grads) if g is not None}
        return grad(None, list(inputs), known_grads=known, disconnected_inputs="ignore",
                     add_names=False)

    def __str__(self):
        return self.name


def composite_from_nodes(outer_inputs, nodes, outer_outputs):
    """A Composite that computes ``outer_outputs`` from ``outer_inputs`` through ``nodes`` (outer
    Elemwise nodes in topological order). Returns the Composite; its inputs follow ``outer_inputs``.
    Constant outer inputs stay inputs (their values enter as arrays, exactly as before fusion)."""
    memo = {}
    inner_inputs = []
    for v in outer_inputs:
        iv = TensorType(v.dtype, ())()
        memo[v] = iv
        inner_inputs.append(iv)
    for node in nodes:
        args = [memo[i] for i in node.inputs]
        new = node.op.make_node(*args)
        for o, no in zip(node.outputs, new.outputs):
            memo[o] = no
    return Composite(inner_inputs, [memo[o] for o in outer_outputs])
