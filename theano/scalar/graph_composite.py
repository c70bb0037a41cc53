"""``theano.scalar.Composite``: a scalar op defined by a graph of scalar ops, as in Theano 1.0.

``Composite(inputs, outputs)`` takes ``theano.scalar`` variables: ``outputs`` computed from
``inputs`` by scalar ops only (constants allowed). The graph is cloned into ``self.fgraph``;
``self.inputs``/``self.outputs`` are its variables. The op is used like any scalar op: applied to
scalar variables (a node of a scalar graph), or mapped over tensors by
``theano.tensor.Elemwise(Composite(...))``. Its values are those of its inner ops, node by node
(same functions, same dtypes); its gradient is the gradient of its inner graph, accumulated here
from the inner ops' own ``grad`` (so it needs nothing above this layer).

The elementwise fusion rewrite makes composites of its own kind
(``theano/tensor/rewriting/composite.py``: an inner graph of Elemwise nodes on 0-d tensors, which
the backends compile into one loop); ``isinstance(op, theano.scalar.Composite)`` holds for those
too (any scalar op that can ``expand`` itself into an inner graph ``fgraph``).
"""

import abc

import numpy as np

from theano.graph.basic import Constant, Variable
from theano.graph.fg import FunctionGraph
from theano.graph.null_type import DisconnectedType, NullType
from theano.scalar import basic as _ops
from theano.scalar.basic import ScalarOp, SignatureIdentity
from theano.scalar.type import Scalar, ScalarConstant, as_scalar, get_scalar_type

__all__ = ["Composite"]

# How inner nodes print in a Composite's name: infix operators, as Theano 1.0 printed them
_INFIX = {
    _ops.Add: "+", _ops.Sub: "-", _ops.Mul: "*", _ops.TrueDiv: "/", _ops.IntDiv: "//",
    _ops.Mod: "%", _ops.Pow: "**", _ops.LT: "<", _ops.GT: ">", _ops.LE: "<=", _ops.GE: ">=",
    _ops.EQ: "==", _ops.NEQ: "!=", _ops.AND: "&", _ops.OR: "|", _ops.XOR: "^",
}
_PREFIX = {_ops.Neg: "-", _ops.Invert: "~"}


class _CompositeMeta(abc.ABCMeta):
    pass


class Composite(SignatureIdentity, ScalarOp, metaclass=_CompositeMeta):
    """A scalar op computing ``outputs`` from ``inputs`` (theano.scalar variables) through a graph
    of scalar ops. ``name``: how it prints (default ``Composite{<its expressions>}``)."""

    def __init__(self, inputs, outputs, name=None):
        inputs = list(inputs)
        outputs = list(outputs)
        if not outputs:
            raise ValueError("Composite needs at least one output")
        for what, vs in (("input", inputs), ("output", outputs)):
            for k, v in enumerate(vs):
                if not isinstance(v, Variable) or not isinstance(v.type, Scalar):
                    raise TypeError(f"Composite {what} {k} must be a theano.scalar variable, got "
                                    f"{v!r} ({getattr(v, 'type', type(v).__name__)})")
        if len(set(inputs)) != len(inputs):
            raise ValueError("Composite: an input is listed twice")
        if len(outputs) == 1 and outputs[0].owner is not None and \
                isinstance(outputs[0].owner.op, Composite) and \
                isinstance(getattr(outputs[0].owner.op, "fgraph", None), FunctionGraph) and \
                _is_scalar_graph(outputs[0].owner.op):
            # one output computed by a composite: inline it (a flat inner graph)
            node = outputs[0].owner
            outputs = [node.op.expand(node.inputs)[outputs[0].index]]
        try:
            fgraph = FunctionGraph(inputs, outputs, clone=True)
        except Exception as exc:
            raise ValueError(f"Composite: the outputs are not computed from the inputs alone: "
                             f"{exc}") from None
        for node in fgraph.apply_nodes:
            if not isinstance(node.op, ScalarOp):
                raise TypeError(f"Composite inner graphs hold scalar ops only, got {node.op} in "
                                f"{node}")
        self.fgraph = fgraph
        self.inputs = list(fgraph.inputs)
        self.outputs = list(fgraph.outputs)
        self.nin = len(self.inputs)
        self.nout = len(self.outputs)
        self.input_dtypes = tuple(v.type.dtype for v in self.inputs)
        self._out_dtypes = tuple(v.type.dtype for v in self.outputs)
        self._order = fgraph.toposort()
        self._signature = self._make_signature()
        self._specialized = {}
        super().__init__(name=name or self._make_name())

    @classmethod
    def __subclasshook__(cls, C):
        # the fusion rewrite's composites (an inner graph of Elemwise nodes) are composites too
        if cls is Composite and issubclass(C, ScalarOp) and callable(getattr(C, "expand", None)):
            return True
        return NotImplemented

    # -- identity -------------------------------------------------------------------------------
    def _make_signature(self):
        ids = {v: ("in", k) for k, v in enumerate(self.inputs)}
        nodes = []
        for pos, node in enumerate(self._order):
            refs = []
            for i in node.inputs:
                refs.append(ids[i] if i in ids else ("const", i.type.dtype, i.signature()))
            nodes.append((node.op, tuple(refs)))
            for o in node.outputs:
                ids[o] = ("node", pos, o.index)
        outs = tuple(ids[o] if o in ids else ("const", o.type.dtype, o.signature())
                     for o in self.outputs)
        return (self.input_dtypes, tuple(nodes), outs)


    def _make_name(self):
        names = {v: f"i{k}" for k, v in enumerate(self.inputs)}
        return "Composite{%s}" % ", ".join(_expression(o, names) for o in self.outputs)

    def __str__(self):
        return self.name

    __repr__ = __str__

    # -- types ----------------------------------------------------------------------------------
    def _for_dtypes(self, dtypes):
        """This composite, or (for other input dtypes) the same graph rebuilt for those dtypes."""
        dtypes = tuple(str(d) for d in dtypes)
        if len(dtypes) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} inputs, got {len(dtypes)}")
        if dtypes == self.input_dtypes:
            return self
        if dtypes not in self._specialized:
            new_inputs = [get_scalar_type(d)(v.name) for v, d in zip(self.inputs, dtypes)]
            outs = self.expand(new_inputs)
            self._specialized[dtypes] = Composite(new_inputs, outs, name=None)
        return self._specialized[dtypes]

    def output_dtypes(self, *dtypes):
        return self._for_dtypes(dtypes)._out_dtypes

    def make_node(self, *inputs):
        """A node of this composite applied to scalar variables; inputs of other dtypes than
        its own get the graph rebuilt for them (Theano 1.0)."""
        inputs = [as_scalar(i) for i in inputs]
        op = self._for_dtypes([i.type.dtype for i in inputs])
        if op is not self:
            return op.make_node(*inputs)
        return ScalarOp.make_node(self, *inputs)

    # -- running --------------------------------------------------------------------------------
    def impl(self, *arrays, out_dtypes=None):
        """The inner graph evaluated on whole arrays (a tuple when there are several outputs)."""
        arrays = [np.asarray(a) for a in arrays]
        op = self._for_dtypes([a.dtype for a in arrays])
        values = dict(zip(op.inputs, arrays))
        for node in op._order:
            args = [values[i] if i in values else np.asarray(i.data) for i in node.inputs]
            dts = [o.type.dtype for o in node.outputs]
            res = node.op.impl(*args, out_dtypes=dts)
            if len(node.outputs) == 1:
                res = (res,)
            for o, r, d in zip(node.outputs, res, dts):
                r = np.asarray(r)
                values[o] = r if r.dtype == d else r.astype(d)
        outs = tuple(values[o] if o in values else np.asarray(o.data) for o in op.outputs)
        return outs[0] if op.nout == 1 else outs

    # -- the inner graph applied elsewhere --------------------------------------------------------
    def expand(self, inputs):
        """The outputs of the inner graph applied to ``inputs`` (scalar variables give scalar
        nodes, tensors Elemwise nodes)."""
        return self._expand(inputs)[0]

    def _expand(self, inputs):
        if len(inputs) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} inputs, got {len(inputs)}")
        scalar = all(isinstance(getattr(v, "type", None), Scalar) or not isinstance(v, Variable)
                     for v in inputs)
        env = dict(zip(self.inputs, inputs))
        applied = []
        for node in self._order:
            args = [env[i] if i in env else _constant_value(i, scalar) for i in node.inputs]
            if scalar:
                outs = node.op.make_node(*args).outputs
            else:
                res = _ops._elementwise_apply(node.op, *args)
                outs = res if isinstance(res, (list, tuple)) else [res]
            applied.append((node, args, list(outs)))
            for o, new in zip(node.outputs, outs):
                env[o] = new
        outs = [env[o] if o in env else _constant_value(o, scalar) for o in self.outputs]
        return outs, applied

    def grad(self, inputs, output_grads):
        """The gradient of the inner graph, accumulated from its ops' own ``grad``."""
        outs, applied = self._expand(list(inputs))
        terms = {}
        for o, g in zip(self.outputs, output_grads):
            if g is not None and not isinstance(getattr(g, "type", None), DisconnectedType):
                terms.setdefault(o, []).append(g)

        for node, args, new_outs in reversed(applied):
            ogs = [_total(terms.get(o)) for o in node.outputs]
            if all(g is None for g in ogs):
                continue
            null = next((g for g in ogs if _is_null(g)), None)
            if null is not None:
                in_grads = [null] * len(node.inputs)
            else:
                ogs = [g if g is not None else _ops._zeros_like(out)
                       for g, out in zip(ogs, new_outs)]
                in_grads = node.op.grad(list(args), ogs)
            for inp, g in zip(node.inputs, in_grads):
                if isinstance(inp, Constant) or g is None or \
                        isinstance(getattr(g, "type", None), DisconnectedType):
                    continue
                terms.setdefault(inp, []).append(g)
        result = []
        for inner, outer in zip(self.inputs, inputs):
            g = _total(terms.get(inner))
            result.append(_ops._zeros(outer) if g is None else g)
        return result

    # -- float16 ----------------------------------------------------------------------------------
    def clone_float32(self):
        """This composite with float16 replaced by float32 throughout (inputs, casts,
        constants), as Theano 1.0's ``clone_float32``."""
        def up(dtype):
            return "float32" if dtype == "float16" else dtype

        new_inputs = [get_scalar_type(up(v.type.dtype))(v.name) for v in self.inputs]
        env = dict(zip(self.inputs, new_inputs))

        def arg(v):
            if v in env:
                return env[v]
            return ScalarConstant(get_scalar_type(up(v.type.dtype)),
                                  np.asarray(v.data, dtype=up(v.type.dtype))[()])

        for node in self._order:
            op = node.op
            if isinstance(op, _ops.Cast) and op.dtype == "float16":
                op = _ops.cast_op("float32")
            elif isinstance(op, Composite) and hasattr(op, "clone_float32"):
                op = op.clone_float32()
            for o, new in zip(node.outputs, op.make_node(*[arg(i) for i in node.inputs]).outputs):
                env[o] = new
        return Composite(new_inputs, [arg(o) for o in self.outputs])

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_specialized"] = {}
        return state


def _is_scalar_graph(op):
    return all(isinstance(v.type, Scalar) for v in op.fgraph.inputs)


def _constant_value(c, scalar):
    """An inner constant for the expanded graph: a scalar constant (scalar graphs) or its value
    as a 0-d array of its dtype (tensors: it becomes a tensor constant)."""
    if scalar:
        return c
    return np.asarray(c.data, dtype=c.type.dtype)


def _is_null(g):
    return isinstance(getattr(g, "type", None), NullType)


def _total(gs):
    if not gs:
        return None
    for g in gs:
        if _is_null(g):
            return g
    if len(gs) == 1:
        return gs[0]
    return _ops.add(*gs)


def _expression(v, names):
    """How ``v`` prints inside a Composite's name: inputs by their names, constants as
    ``Constant{value}``, nodes as infix expressions or ``op(args)``."""
    if v in names:
        return names[v]
    if v.owner is None:
        return str(v) if not isinstance(v, Constant) else f"Constant{{{v.data}}}"
    node = v.owner
    args = [_expression(i, names) for i in node.inputs]
    op = node.op
    symbol = _INFIX.get(type(op))
    if symbol is not None and len(args) >= 2:
        text = "(" + f" {symbol} ".join(args) + ")"
    elif type(op) in _PREFIX and len(args) == 1:
        text = f"({_PREFIX[type(op)]}{args[0]})"
    else:
        text = f"{op}({', '.join(args)})"
    if len(node.outputs) > 1:
        text += f"[{v.index}]"
    return text
