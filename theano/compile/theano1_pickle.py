"""Loading functions pickled by Theano 1.0.

Theano 1.0 pickled a compiled function as ``_constructor_Function(maker, input_storage,
inputs_data, trust_input)`` with ``maker = _constructor_FunctionMaker(kwargs)``, where ``kwargs``
holds the function's ``In`` specs (explicit inputs, then one implicit ``In`` per shared variable,
with its update), its outputs (``SymbolicOutput``), its optimized ``FunctionGraph`` and its mode.
When such a pickle is read here, pickle has already made those objects: each is an object of the
class theano-ng has under Theano's import path (an Op, a TensorType, a Variable, ...) holding
Theano 1.0's attributes. ``_constructor_FunctionMaker`` rebuilds the user's graph (the variables of
the ``In`` specs and of the outputs, not Theano's optimized graph) with theano-ng's own ops,
types and variables, and ``_constructor_Function`` compiles it, as Theano 1.0 did with
``config.reoptimize_unpickled_function``. A Theano 1.0 class we have no op for is named in a
TypeError.

Graphs pickled by themselves (variables, shared variables, a model object holding them) load as
graphs of ours: ``Apply.__setstate__`` hands each node in Theano's layout to ``_node_state``
(installed here with ``graph.basic.set_theano1_node_state``), and ``Variable``,
``SharedVariable`` and ``TensorType`` read Theano's attributes in their own ``__setstate__``.
"""

import functools
import inspect

import numpy as np

from theano.compile.io import In, Out
from theano.compile.sharedvalue import Container, SharedVariable
from theano.configdefaults import config
from theano.graph.basic import Apply, Constant, Variable, set_theano1_node_state
from theano.graph.op import Op
from theano.graph.type import Type
from theano.graph.utils import Theano1Leftover
from theano.scalar import basic as _scalar_basic
from theano.scalar.basic import ScalarOp
from theano.tensor.type import TensorType

__all__ = ["_constructor_Function", "_constructor_FunctionMaker", "Supervisor"]


class Supervisor(Theano1Leftover):
    """Theano 1.0's feature that kept its optimizer from destroying a function's inputs (read
    from a Theano 1.0 pickle, unused: theano-ng's compilation protects inputs itself)."""


def _state(obj):
    return dict(obj.__dict__)


@functools.lru_cache(maxsize=None)
def _scalar_instances():
    found = {}
    mods = [_scalar_basic]
    try:
        from theano.scalar import basic_scipy
        mods.append(basic_scipy)
    except ImportError:  # pragma: no cover - SciPy is a dependency
        pass
    for mod in mods:
        for value in vars(mod).values():
            if isinstance(value, ScalarOp):
                found.setdefault((type(value), getattr(value, "name", None)), value)
                found.setdefault((type(value), None), value)
    return found


class _Rebuilder:
    """Turns the objects of a Theano 1.0 pickle into theano-ng ones (memoized, so objects shared
    in the pickle stay shared)."""

    def __init__(self):
        self.memo = {}

    # -- types ----------------------------------------------------------------------------------
    def type(self, t):
        key = id(t)
        if key in self.memo:
            return self.memo[key]
        if isinstance(t, TensorType):
            st = _state(t)
            new = TensorType(st.get("dtype", getattr(t, "dtype", None)),
                             st.get("broadcastable", getattr(t, "broadcastable", ())))
        elif isinstance(t, Type):
            new = self.generic(t)
        else:
            raise TypeError(f"Theano 1.0 pickle: {t!r} is not a type")
        self.memo[key] = new
        return new

    # -- ops ------------------------------------------------------------------------------------
    def value(self, v):
        """An attribute of a pickled op: ops and types inside are rebuilt too."""
        if isinstance(v, (Op, ScalarOp)):
            return self.op(v)
        if isinstance(v, Type):
            return self.type(v)
        if isinstance(v, (list, tuple)) and not hasattr(v, "_fields"):
            return type(v)(self.value(x) for x in v)
        return v

    def generic(self, obj):
        """A fresh object of ``type(obj)`` built by its constructor from the pickled attributes
        that name its parameters."""
        cls = type(obj)
        st = _state(obj)
        try:
            params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        except (TypeError, ValueError):
            params = []
        kwargs = {}
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            name = p.name
            if name in st:
                kwargs[name] = self.value(st[name])
            elif "_" + name in st:
                kwargs[name] = self.value(st["_" + name])
            elif p.default is p.empty:
                raise TypeError(f"Theano 1.0 pickle: cannot rebuild {cls.__module__}.{cls.__name__}: "
                                f"its pickled state has no {name!r} (it has {sorted(st)})")
        try:
            return cls(**kwargs)
        except Exception as exc:
            raise TypeError(f"Theano 1.0 pickle: cannot rebuild {cls.__module__}.{cls.__name__} "
                            f"from {kwargs}: {exc}") from exc

    def op(self, op):
        key = id(op)
        if key in self.memo:
            return self.memo[key]
        from_state = getattr(type(op), "_theano1_op", None)
        if from_state is not None:
            # the class reads Theano 1.0's attributes itself (they differ from its parameters)
            new = from_state({k: self.value(v) for k, v in _state(op).items()})
        elif isinstance(op, ScalarOp):
            scalars = _scalar_instances()
            st = _state(op)
            name = st.get("name", st.get("_name"))
            new = scalars.get((type(op), name))
            if new is None and not getattr(type(op), "__props__", ()):
                new = scalars.get((type(op), None))  # a class without parameters
            if new is None:
                new = self.generic(op)
        elif isinstance(op, Op):
            new = self.generic(op)
        else:
            raise TypeError(f"Theano 1.0 pickle: {op!r} is not an op")
        self.memo[key] = new
        return new

    # -- variables ------------------------------------------------------------------------------
    def shared(self, var):
        """A shared variable of the pickle (made usable when it was read:
        ``SharedVariable.__setstate__``; its identity is kept, so the functions of one pickle
        still share it)."""
        if not isinstance(var.container, Container):
            raise TypeError(f"Theano 1.0 pickle: shared variable {var.name or var} has no container")
        return var

    def variable(self, root, inputs):
        """The theano-ng variable for the pickled ``root``; ``inputs`` maps pickled input ids to
        the new inputs. Iterative, so deep graphs need no recursion."""
        memo = self.memo
        stack = [root]
        while stack:
            v = stack[-1]
            if id(v) in memo:
                stack.pop()
                continue
            st = _state(v)
            owner = st.get("owner")
            if owner is None:
                stack.pop()
                if id(v) in inputs:
                    memo[id(v)] = inputs[id(v)]
                elif isinstance(v, SharedVariable):
                    memo[id(v)] = self.shared(v)
                elif isinstance(v, Constant) or "data" in st:
                    t = self.type(st["type"])
                    memo[id(v)] = t.make_constant(t.filter(st["data"]), name=st.get("name"))
                else:
                    raise TypeError(f"Theano 1.0 pickle: variable {st.get('name') or v!r} has no "
                                    "owner and is neither an input, a shared variable nor a constant")
                continue
            ost = _state(owner)
            missing = [i for i in ost["inputs"] if id(i) not in memo]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            if id(owner) not in memo:
                new_inputs = [memo[id(i)] for i in ost["inputs"]]
                hook = getattr(type(ost["op"]), "_theano1_rebuild", None)
                if "creation_trace" in ost:
                    new_op = ost["op"]  # already rebuilt when it was read (_node_state)
                elif hook is not None:
                    # the op's class reads Theano's state itself (an older layout, inputs
                    # that were op attributes)
                    new_op, new_inputs = hook(_state(ost["op"]), new_inputs)
                else:
                    new_op = self.op(ost["op"])
                try:
                    node = new_op.make_node(*new_inputs)
                except Exception as exc:
                    raise TypeError(f"Theano 1.0 pickle: cannot rebuild the node {new_op} of "
                                    f"{[str(i.type) for i in new_inputs]}: {exc}") from exc
                if not isinstance(node, Apply) or len(node.outputs) != len(ost["outputs"]):
                    raise TypeError(f"Theano 1.0 pickle: {new_op} gives {len(node.outputs)} "
                                    f"outputs where Theano's node had {len(ost['outputs'])}")
                memo[id(owner)] = node
                for old_out, new_out in zip(ost["outputs"], node.outputs):
                    ot = self.type(_state(old_out)["type"])
                    if getattr(ot, "dtype", None) != getattr(new_out.type, "dtype", None) or \
                            getattr(ot, "ndim", None) != getattr(new_out.type, "ndim", None):
                        raise TypeError(f"Theano 1.0 pickle: {new_op} gives {new_out.type} "
                                        f"where Theano's node gave {ot}")
                    name = _state(old_out).get("name")
                    if name is not None:
                        new_out.name = name
                    memo[id(old_out)] = new_out
            memo[id(v)] = memo[id(owner)].outputs[st["index"]]
        return memo[id(root)]


_deferred = [0]   # how many nodes were read before their inputs (fix_deferred_nodes)


def _node_state(state, rebuild_op=True):
    """The state of a node read from a Theano 1.0 pickle, made one of ours: a fresh op of its
    class (``_theano1_rebuild`` where Theano's layout differs) and the inputs it takes
    (``Apply.__setstate__`` calls this, so graphs pickled by themselves load as graphs)."""
    op = state["op"]
    inputs = list(state.get("inputs", ()))
    hook = getattr(type(op), "_theano1_rebuild", None)
    if not rebuild_op:
        new_op = op
    elif hook is not None:
        new_op, inputs = hook(_state(op), inputs)
    else:
        new_op = _Rebuilder().op(op)
    outputs = list(state.get("outputs", ()))
    if not all(isinstance(i, Variable) and "type" in i.__dict__ for i in inputs):
        # an input is not read yet (a cycle through a shared variable's default_update): the
        # node is checked when it is first compiled (fix_deferred_nodes)
        inputs = [v if isinstance(v, Variable) else _constant(v) for v in inputs]
        _deferred[0] += 1
        return {"op": new_op, "inputs": inputs, "outputs": outputs, "creation_trace": None,
                "_theano1_deferred": True}
    try:
        # the op's own make_node checks the inputs and adds the ones Theano 1.0's older layouts
        # lacked (their defaults)
        probe = new_op.make_node(*inputs)
    except Exception as exc:
        if rebuild_op:
            # make_node may read further up the graph, where a variable is not read yet: checked
            # when the graph is compiled (fix_deferred_nodes), which raises then
            _deferred[0] += 1
            return {"op": new_op, "inputs": [v if isinstance(v, Variable) else _constant(v)
                                             for v in inputs],
                    "outputs": outputs, "creation_trace": None, "_theano1_deferred": True}
        raise TypeError(f"Theano 1.0 pickle: cannot rebuild the node {new_op} of "
                        f"{[str(getattr(i, 'type', i)) for i in inputs]}: {exc}") from exc
    if len(probe.outputs) != len(outputs):
        raise TypeError(f"Theano 1.0 pickle: {new_op} gives {len(probe.outputs)} outputs where "
                        f"Theano's node had {len(outputs)}")
    for old, new in zip(outputs, probe.outputs):
        t = old.__dict__.get("type")  # (the variable whose reading led here is not read yet)
        if t is not None and (getattr(t, "dtype", None) != getattr(new.type, "dtype", None) or
                              getattr(t, "ndim", None) != getattr(new.type, "ndim", None)):
            raise TypeError(f"Theano 1.0 pickle: {new_op} gives {new.type} where Theano's node "
                            f"gave {t}")
    return {"op": new_op, "inputs": list(probe.inputs), "outputs": outputs,
            "creation_trace": None}


def _constant(v):
    from theano.tensor.basic import constant

    return constant(v)


def fix_deferred_nodes(variables):
    """Check the nodes below ``variables`` (and their shared variables' default updates) that were
    read from a Theano 1.0 pickle before their inputs were (``_node_state``): their op's
    make_node gives their inputs (with the defaults Theano's older layouts lacked). Called when a
    graph is compiled; nothing to do unless such a pickle was read."""
    if not _deferred[0]:
        return
    seen = set()
    stack = list(variables)
    while stack:
        v = stack.pop()
        if id(v) in seen or not isinstance(v, Variable):
            continue
        seen.add(id(v))
        upd = getattr(v, "default_update", None)
        if upd is not None:
            stack.append(upd)
        node = v.owner
        if node is None:
            continue
        if node.__dict__.pop("_theano1_deferred", False):
            node.__dict__.update(_node_state({"op": node.op, "inputs": node.inputs,
                                              "outputs": node.outputs}, rebuild_op=False))
            _deferred[0] -= 1
        stack.extend(node.inputs)


set_theano1_node_state(_node_state)


class _PickledMaker:
    """What ``_constructor_FunctionMaker`` returns: the rebuilt inputs, outputs and updates, compiled
    by ``_constructor_Function`` (which also receives the input storage)."""

    def __init__(self, inputs, outputs, updates, single, output_keys, on_unused_input, mode):
        self.mode = mode
        self.inputs = inputs
        self.outputs = outputs
        self.updates = updates
        self.single = single
        self.output_keys = output_keys
        self.on_unused_input = on_unused_input


def _constructor_FunctionMaker(kwargs):
    """Theano 1.0's unpickling of a FunctionMaker (see the module docstring)."""
    if not config.unpickle_function:
        return None
    rb = _Rebuilder()
    updates, new_inputs, explicit = [], {}, []
    for spec in kwargs["inputs"]:
        st = _state(spec)
        var = st["variable"]
        if isinstance(var, SharedVariable) or st.get("implicit"):
            rb.memo[id(var)] = rb.shared(var)
            continue
        new = rb.type(_state(var)["type"])(name=_state(var).get("name"))
        new_inputs[id(var)] = new
        rb.memo[id(var)] = new
        explicit.append((st, new))
    ins = []
    for st, new in explicit:
        value = st.get("value")
        if isinstance(value, Container) or hasattr(value, "storage"):
            value = value.storage[0]
        # an explicit input with an update is a state of the function (In(s, value, update))
        update = st.get("update")
        ins.append(In(new, name=st.get("name"), value=value, mutable=bool(st.get("mutable")),
                      strict=bool(st.get("strict")), allow_downcast=st.get("allow_downcast"),
                      borrow=st.get("borrow"),
                      update=None if update is None else rb.variable(update, new_inputs)))
    for spec in kwargs["inputs"]:
        st = _state(spec)
        var = st["variable"]
        if st.get("update") is not None and (isinstance(var, SharedVariable) or st.get("implicit")):
            updates.append((rb.memo[id(var)], rb.variable(st["update"], new_inputs)))
    outs = kwargs["outputs"]
    single = not isinstance(outs, (list, tuple))
    outputs = []
    for spec in (outs if not single else [outs]):
        st = _state(spec) if not isinstance(spec, Variable) else {"variable": spec}
        outputs.append(Out(rb.variable(st["variable"], new_inputs), borrow=bool(st.get("borrow"))))
    from theano.compile.mode import Mode

    mode = kwargs.get("mode")
    return _PickledMaker(ins, outputs, updates, single, kwargs.get("output_keys"),
                         kwargs.get("on_unused_input"), mode if isinstance(mode, Mode) else None)


def _constructor_Function(maker, input_storage, inputs_data, trust_input=False):
    """Theano 1.0's unpickling of a Function: compile the rebuilt graph (in the pickled mode: its
    linker name and optimizer tags) and give the explicit inputs the values stored with it."""
    if maker is None or not config.unpickle_function:
        return None
    from theano.compile.function import function

    outputs = maker.outputs[0] if maker.single else maker.outputs
    if maker.output_keys is not None:
        outputs = dict(zip(maker.output_keys, maker.outputs))
    f = function(maker.inputs, outputs, updates=maker.updates or None, mode=maker.mode,
                 on_unused_input=maker.on_unused_input or "ignore")
    for spec, value in zip(maker.inputs, inputs_data):
        if spec.value is not None and value is not None:
            f[spec.variable] = np.asarray(value) if isinstance(value, np.ndarray) else value
    f.trust_input = bool(trust_input)
    return f
