"""OpFromGraph: a symbolic graph packaged as an Op (Theano 1.0's ``theano.OpFromGraph``).

``op = OpFromGraph([x, y], [x + y * 2])`` makes an Op that computes that graph; ``op(a, b)`` applies
it to other variables. The inner graph is compiled once, on first use, into a function that the
op's ``perform`` calls (on every backend). Shared variables the inner graph reads become extra,
implicit inputs of each node, so gradients with respect to them work. ``inline=True`` keeps the
node in the graph as built (the op is visible to the user) but lets the rewriter replace it by a
copy of the inner graph, which is then optimized together with the rest of the function.

Gradients (``L_op``), R-operator and shapes are those of the inner graph, substituted with the
node's inputs; ``grad_overrides`` / ``lop_overrides`` / ``rop_overrides`` replace them.
"""

from theano.compile.sharedvalue import SharedVariable
from theano.graph.basic import (Apply, Constant, Variable, clone_replace, graph_inputs,
                                io_connection_pattern)
from theano.graph.fg import MissingInputError
from theano.graph.op import Op
from theano.graph.rewriting.basic import node_rewriter
from theano.graph.rewriting.db import register_canonicalize


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _is_default(ov):
    return isinstance(ov, str) and ov == "default"


def _call_override(ov, args, outputs, single=False):
    """Call a gradient/R-op override: a function given the argument lists, or an OpFromGraph
    given their variables one after another (Theano 1.0's two forms). A disconnected output
    gradient reaches an OpFromGraph override as zeros of that output's type."""
    if isinstance(ov, OpFromGraph):
        from theano.gradient import DisconnectedType
        from theano.tensor.basic import zeros_like

        lists = [list(lst) for lst in args]
        if outputs is not None:         # the last list holds the output gradients
            lists[-1] = [zeros_like(o) if g is None or isinstance(g.type, DisconnectedType) else g
                         for g, o in zip(lists[-1], outputs)]
        res = _as_list(ov(*[v for lst in lists for v in lst]))
    elif callable(ov):
        res = _as_list(ov(*args))
    else:
        raise TypeError(f"OpFromGraph: an override must be 'default', a function or an "
                        f"OpFromGraph, got {ov!r}")
    if single and len(res) != 1:
        raise ValueError(f"OpFromGraph: a per-input gradient override returned {len(res)} "
                         "values; it must return that input's gradient only")
    return res


class OpFromGraph(Op):
    """An Op whose computation is the graph from ``inputs`` to ``outputs``.

    ``inline``: let the rewriter expand the node into the inner graph (see the module docstring).
    ``grad_overrides``: 'default', a function ``(inputs, output_grads) -> input_grads``, an
    OpFromGraph taking the inputs then the output gradients, or a list with, per input,
    'default', such a function returning that input's gradient, or a gradient variable
    (``NullType()()``, ``DisconnectedType()()``).
    ``lop_overrides``: as ``grad_overrides`` but called as ``(inputs, outputs, output_grads)``.
    ``rop_overrides``: 'default', a function ``(inputs, eval_points) -> output R-ops`` or an
    OpFromGraph taking the inputs then the eval points. The default R-op is itself an
    OpFromGraph node taking every input and the given eval points.
    ``connection_pattern``: [[input i connected to output j]] if the default (from the inner
    graph's dependencies) is not wanted. ``name``: shown when the op is printed. Other keyword
    arguments (``mode``) go to the compilation of the inner graph.

    Attributes, as Theano 1.0's: ``inputs``/``outputs`` (the variables it was built from),
    ``local_inputs``/``local_outputs`` (its inner graph: placeholders for the inputs, then one for
    each shared variable read, listed in ``shared_inputs``).
    """

    def __init__(self, inputs, outputs, inline=False, grad_overrides="default",
                 lop_overrides="default", rop_overrides="default", connection_pattern=None,
                 name=None, **kwargs):
        inputs = _as_list(inputs)
        outputs = _as_list(outputs)
        for i in inputs:
            if not isinstance(i, Variable):
                raise TypeError(f"OpFromGraph: inputs must be symbolic variables, got {i!r}")
            if isinstance(i, (SharedVariable, Constant)):
                raise TypeError(f"OpFromGraph: the input {i} is a shared variable or a constant; "
                                "inputs must be free variables (shared ones are used implicitly)")
        for o in outputs:
            if not isinstance(o, Variable):
                raise TypeError(f"OpFromGraph: outputs must be symbolic variables, got {o!r}")
        if len(set(inputs)) != len(inputs):
            raise ValueError("OpFromGraph: an input is given twice")
        if grad_overrides != "default" and lop_overrides != "default":
            raise ValueError("OpFromGraph: give grad_overrides or lop_overrides, not both")
        input_set = set(inputs)
        shared = []
        for v in graph_inputs(outputs, inputs):
            if v in input_set or isinstance(v, Constant):
                continue
            if isinstance(v, SharedVariable):
                if v not in shared:
                    shared.append(v)
                continue
            raise MissingInputError(
                f"OpFromGraph: the outputs depend on {v} ({v.type}), which is not among the inputs")
        self.shared_inputs = shared
        # the inner graph, on placeholders of its own (explicit inputs, then shared variables)
        self.inner_inputs = [v.type() for v in inputs + shared]
        for new, old in zip(self.inner_inputs, inputs + shared):
            new.name = old.name
        replace = dict(zip(inputs + shared, self.inner_inputs))
        self.inner_outputs = clone_replace(outputs, replace, strict=True)
        self.n_explicit = len(inputs)
        # the variables the op was built from, as Theano 1.0 kept them (``op.inputs`` and
        # ``op.outputs``; ``op.local_inputs``/``local_outputs`` are the inner graph's)
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.input_types = [v.type for v in self.inner_inputs]
        self.output_types = [o.type for o in self.inner_outputs]
        self.is_inline = bool(inline)
        self.grad_overrides = grad_overrides
        self.lop_overrides = lop_overrides
        self.rop_overrides = rop_overrides
        self._connection_pattern = connection_pattern
        self.name = name
        self.kwargs = kwargs
        self._fn = None

    # identity: every OpFromGraph is its own op
    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __str__(self):
        return f"{self.name or type(self).__name__}{{inline={self.is_inline}}}"

    __repr__ = __str__

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fn"] = None
        return state

    # building -------------------------------------------------------------------------------
    def make_node(self, *inputs):
        from theano.tensor.basic import as_tensor_variable
        from theano.tensor.type import TensorType

        if len(inputs) == self.n_explicit:
            inputs = list(inputs) + self.shared_inputs
        elif len(inputs) != len(self.input_types):
            raise TypeError(f"{self} takes {self.n_explicit} inputs, got {len(inputs)}")
        converted = []
        for k, (inp, t) in enumerate(zip(inputs, self.input_types)):
            if not isinstance(inp, Variable):
                inp = as_tensor_variable(inp) if isinstance(t, TensorType) else t.make_constant(inp)
            if inp.type != t:
                conv = t.convert_variable(inp)
                if conv is None and isinstance(inp, Constant) and isinstance(t, TensorType):
                    try:
                        conv = t.convert_variable(as_tensor_variable(t.filter(inp.data)))
                    except TypeError:
                        conv = None
                if conv is None:
                    raise TypeError(f"{self}: input {k} must be of type {t}, got {inp} ({inp.type})")
                inp = conv
            converted.append(inp)
        return Apply(self, converted, [t() for t in self.output_types])

    @property
    def local_inputs(self):
        """Theano 1.0's name for ``inner_inputs``: the inner graph's inputs, the explicit ones
        then one for each shared variable it reads."""
        return self.inner_inputs

    @property
    def local_outputs(self):
        """Theano 1.0's name for ``inner_outputs``."""
        return self.inner_outputs

    def _inner_for(self, inputs):
        """The inner outputs rebuilt on ``inputs`` (the node's inputs)."""
        return clone_replace(self.inner_outputs, dict(zip(self.inner_inputs, inputs)), strict=False)

    # running --------------------------------------------------------------------------------
    @property
    def fn(self):
        """The compiled inner function (Theano 1.0's ``op.fn``), compiled on first use with the
        op's keyword arguments; ``op.fn.maker.fgraph`` is the optimized inner graph."""
        if self._fn is None:
            from theano.compile.function import function

            kwargs = dict(self.kwargs)
            kwargs.setdefault("on_unused_input", "ignore")
            self._fn = function(self.inner_inputs, self.inner_outputs, **kwargs)
        return self._fn

    def perform(self, node, inputs, output_storage):
        outs = self.fn(*inputs)
        for cell, v in zip(output_storage, outs):
            cell[0] = v

    # differentiation ------------------------------------------------------------------------
    def connection_pattern(self, node):
        if self._connection_pattern is not None:
            return [list(row) for row in self._connection_pattern]
        # through each inner node's own connection pattern (an output of a node depends only on
        # the inputs connected to it)
        return io_connection_pattern(self.inner_inputs, self.inner_outputs)

    def L_op(self, inputs, outputs, output_grads):
        inputs = list(inputs)
        if _is_default(self.lop_overrides) and _is_default(self.grad_overrides):
            return self._default_grads(inputs, output_grads)
        if not _is_default(self.lop_overrides):
            overrides, args = self.lop_overrides, (inputs, list(outputs), output_grads)
        else:
            overrides, args = self.grad_overrides, (inputs, output_grads)
        if not isinstance(overrides, (list, tuple)):
            grads = _call_override(overrides, args, outputs)
            if len(grads) == self.n_explicit < len(inputs):
                # the shared variables the graph reads: their gradients from the inner graph
                grads += self._default_grads(inputs, output_grads)[self.n_explicit:]
            if len(grads) != len(inputs):
                raise ValueError(f"{self}: the gradient override returned {len(grads)} "
                                 f"gradients for {len(inputs)} inputs")
            return grads
        overrides = list(overrides)
        if len(overrides) == self.n_explicit:
            overrides += ["default"] * (len(inputs) - self.n_explicit)
        if len(overrides) != len(inputs):
            raise ValueError(f"{self}: a list of gradient overrides needs one entry per input "
                             f"({len(inputs)}), got {len(overrides)}")
        default = None
        out = []
        for k, ov in enumerate(overrides):
            if _is_default(ov):
                if default is None:
                    default = self._default_grads(inputs, output_grads)
                out.append(default[k])
            elif isinstance(ov, Variable):     # a NullType or DisconnectedType gradient
                out.append(ov)
            else:
                (g,) = _call_override(ov, args, outputs, single=True)
                out.append(g)
        return out

    def _default_grads(self, inputs, output_grads):
        """The inner graph's gradients, substituted with the node's inputs."""
        from theano.gradient import DisconnectedType, disconnected_type, grad

        inner = self._inner_for(inputs)
        known = {o: g for o, g in zip(inner, output_grads)
                 if g is not None and not isinstance(g.type, DisconnectedType)}
        if known:
            return grad(None, inputs, known_grads=known, disconnected_inputs="ignore",
                        return_disconnected="Disconnected", null_gradients="return",
                        add_names=False)
        return [disconnected_type() for _ in inputs]

    def R_op(self, inputs, eval_points):
        from theano.gradient import Rop

        inputs = list(inputs)
        eval_points = list(eval_points)
        if not _is_default(self.rop_overrides):
            return _call_override(self.rop_overrides, (inputs, eval_points), None)
        given = [k for k, e in enumerate(eval_points) if e is not None]
        if not given:
            return [None for _ in self.inner_outputs]
        # the R-operator of the inner graph, packaged as an OpFromGraph of the inputs and the
        # given eval points (as Theano 1.0 does): the result is an output of a node that takes
        # every input, so a function of those inputs compiles even where the values do not
        # depend on some of them (the R-op of dot(a, M) along a is dot(da, M))
        points = [self.inner_inputs[k].type() for k in given]
        rop = _as_list(Rop(self.inner_outputs, [self.inner_inputs[k] for k in given], points))
        keep = [j for j, r in enumerate(rop) if r is not None]
        if not keep:
            return [None for _ in self.inner_outputs]
        op = OpFromGraph(self.inner_inputs + points, [rop[j] for j in keep], inline=self.is_inline,
                         name=f"Rop[{self.name or type(self).__name__}]", on_unused_input="ignore")
        outs = _as_list(op(*(inputs + [eval_points[k] for k in given])))
        result = [None] * len(self.inner_outputs)
        for j, o in zip(keep, outs):
            result[j] = o
        return result

    # shapes ---------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        inner = self._inner_for(node.inputs)
        return [tuple(o.shape[i] for i in range(o.ndim)) if hasattr(o, "ndim") else None
                for o in inner]


@register_canonicalize(fast_compile=True)
@node_rewriter([OpFromGraph])
def inline_ofg_expansion(fgraph, node):
    """An ``OpFromGraph(..., inline=True)`` node is replaced by a copy of its inner graph."""
    op = node.op
    if not isinstance(op, OpFromGraph) or not op.is_inline:
        return False
    return op._inner_for(node.inputs)


__all__ = ["OpFromGraph"]
