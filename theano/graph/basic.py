"""The graph IR: Variable, Constant, Apply, and iterative walks over graphs.

Nothing here knows about tensors. Every walk is iterative so that deep graphs (long unrolled loops)
never hit Python's recursion limit.
"""

import contextvars
import itertools

from theano.configdefaults import config
from theano.graph.pickling import reduce_variable
from theano.graph.utils import stack_with_lines, user_frame


# True while a pickler that leaves out where the graph was built (StripPickler) is at work
STRIP_CREATION_STACKS = contextvars.ContextVar("theano_strip_creation_stacks", default=False)


class Node:
    """Base of Apply and Variable: something that sits in a graph."""

    def get_parents(self):
        raise NotImplementedError


# Installed by theano.compile.theano1_pickle: ``fix(state) -> state`` makes the state of a node read
# from a Theano 1.0 pickle (its op an object of our class holding Theano's attributes) one of ours.
_theano1_node_state = None


def set_theano1_node_state(fix):
    """Install the function that rebuilds nodes read from Theano 1.0 pickles (compile layer)."""
    global _theano1_node_state
    _theano1_node_state = fix


class Apply(Node):
    """The application of an Op to input variables, producing output variables.

    ``node.op``, ``node.inputs`` and ``node.outputs`` are set once; each output's ``owner`` is this node
    and its ``index`` its position. ``creation_trace`` records the user's file and line.
    """

    def __init__(self, op, inputs, outputs):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        for i, inp in enumerate(self.inputs):
            if not isinstance(inp, Variable):
                raise TypeError(
                    f"Input {i} of {op} must be a Variable, got {type(inp).__name__}: {inp!r}"
                )
        for i, out in enumerate(self.outputs):
            if not isinstance(out, Variable):
                raise TypeError(f"Output {i} of {op} must be a Variable, got {type(out).__name__}")
            if out.owner is not None and out.owner is not self:
                raise ValueError(f"Output {i} of {op} already belongs to another Apply node")
            out.owner = self
            out.index = i
        # config.traceback__limit == 0 turns creation traces off (Theano 1.0's traceback.limit)
        self.creation_trace = user_frame() if config.traceback__limit != 0 else None

    def get_parents(self):
        return list(self.inputs)

    @property
    def out(self):
        """The default output (the only one when there is one)."""
        do = getattr(self.op, "default_output", None)
        if do is not None:
            return self.outputs[do]
        if len(self.outputs) == 1:
            return self.outputs[0]
        raise AttributeError(f"{self.op} has several outputs and no default_output")

    default_output = out

    @property
    def fgraph(self):
        """The FunctionGraph this node is in (the latest one that imported it), or None; as
        Theano 1.0's ``node.fgraph`` (a weak reference: the node does not keep its graph alive,
        and it is not pickled)."""
        ref = self.__dict__.get("_fgraph_ref")
        return ref() if ref is not None else None

    @fgraph.setter
    def fgraph(self, fgraph):
        import weakref

        self.__dict__["_fgraph_ref"] = None if fgraph is None else weakref.ref(fgraph)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fgraph_ref", None)
        return state

    def __setstate__(self, state):
        if "creation_trace" not in state and "op" in state and _theano1_node_state is not None:
            # a node pickled by Theano 1.0 (which had no creation_trace): rebuild its op
            state = _theano1_node_state(state)
        self.__dict__.update(state)

    @property
    def nin(self):
        return len(self.inputs)

    @property
    def nout(self):
        return len(self.outputs)

    def clone(self):
        """A copy of this node with the same inputs and fresh outputs."""
        new = self.__class__.__new__(self.__class__)
        new.op = self.op
        new.inputs = list(self.inputs)
        new.outputs = [o.clone() for o in self.outputs]
        for i, o in enumerate(new.outputs):
            o.owner = new
            o.index = i
        new.creation_trace = self.creation_trace
        return new

    def clone_with_new_inputs(self, inputs, strict=True):
        """A copy of this node applied to ``inputs``.

        With ``strict`` the new inputs must have the same types (or be convertible to them); otherwise
        the op rebuilds the node with ``make_node`` so output types follow the new inputs.
        """
        if len(inputs) != len(self.inputs):
            raise ValueError("clone_with_new_inputs: wrong number of inputs")
        remake = False
        new_inputs = list(inputs)
        for i, (cur, new) in enumerate(zip(self.inputs, inputs)):
            if cur.type != new.type:
                if strict:
                    conv = cur.type.convert_variable(new)
                    if conv is None:
                        raise TypeError(
                            f"Cannot replace input {i} of {self.op} of type {cur.type} with a "
                            f"variable of type {new.type}"
                        )
                    new_inputs[i] = conv
                else:
                    remake = True
        if remake:
            node = self.op.make_node(*new_inputs)
            node.creation_trace = self.creation_trace
            return node
        node = self.clone()
        node.inputs = new_inputs
        return node

    def __str__(self):
        return f"{self.op}({', '.join(str(i) for i in self.inputs)})"

    __repr__ = __str__


class ScratchPad:
    """``var.tag`` of Theano 1.0 programs: free attributes a user hangs on a variable. The only one
    theano reads is ``test_value`` (see ``theano.graph.op.compute_test_values``); when set, it is
    converted by the variable's type. A value the type refuses (a float64 array for a float32
    variable) is kept as given, as Theano 1.0 kept it, and the type's error is raised where the
    value is used (``get_test_value``: an op applied with ``config.compute_test_value`` on), so
    a program that sets such values and leaves test values off runs as it did in Theano."""

    def __init__(self, filter=None):
        self.__dict__["_filter"] = filter
        self.__dict__["_test_value_error"] = None

    def __setattr__(self, name, value):
        if name == "test_value" and self._filter is not None:
            try:
                value = self._filter(value)
                self.__dict__["_test_value_error"] = None
            except (TypeError, ValueError) as exc:
                self.__dict__["_test_value_error"] = exc
        self.__dict__[name] = value

    def __repr__(self):
        return "scratchpad{%s}" % {k: v for k, v in self.__dict__.items()
                                   if k not in ("_filter", "_test_value_error")}


class Variable(Node):
    """A symbolic value of some Type; ``owner`` is the Apply that computes it (None for a root)."""

    # ``auto_name`` numbers (Theano 1.0's ``Variable.__count__``, an itertools.count that a
    # program may replace); ``_auto_counter`` is the last number given
    __count__ = itertools.count(1)
    _auto_counter = 0

    def __init__(self, type, owner=None, index=None, name=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        n = Variable._auto_counter = next(Variable.__count__)
        self.auto_name = f"auto_{n}"

    def get_parents(self):
        return [self.owner] if self.owner is not None else []

    @property
    def tag(self):
        """Theano 1.0's scratchpad (``x.tag.test_value = ...``), made on first use."""
        tag = self.__dict__.get("_tag")
        if tag is None:
            tag = self.__dict__["_tag"] = ScratchPad(getattr(self.type, "filter", None))
            # Theano 1.0's ``tag.trace``: [the user's frames where the variable was made]
            stack = self.__dict__.get("_creation_stack")
            if stack is None and self.owner is not None:
                t = getattr(self.owner, "creation_trace", None)
                stack = None if t is None else ((t.filename, t.lineno, t.funcname),)
            if stack:
                tag.__dict__["trace"] = [stack_with_lines(stack)]
        return tag

    def get_test_value(self):
        """The test value of this variable (a constant's data, a shared variable's value, or the
        ``tag.test_value`` given or computed); AttributeError when it has none."""
        from theano.graph.op import get_test_value

        return get_test_value(self)

    def clone(self):
        """A new root variable of the same type and name (no owner)."""
        cp = self.__class__.__new__(self.__class__)
        cp.__dict__.update(self.__dict__)
        if "_tag" in cp.__dict__:
            tag = ScratchPad(getattr(self.type, "filter", None))
            tag.__dict__.update(self.__dict__["_tag"].__dict__)
            cp.__dict__["_tag"] = tag
        cp.owner = None
        cp.index = None
        n = Variable._auto_counter = next(Variable.__count__)
        cp.auto_name = f"auto_{n}"
        return cp

    def __str__(self):
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = self.owner.op
            if len(self.owner.outputs) == 1:
                return f"{op}.0"
            return f"{op}.{self.index}"
        return f"<{self.type}>"

    def __repr__(self):
        return str(self)

    # As in Theano 1.0, a variable is truthy (``if W:`` / ``if persistent:`` test for None in old
    # programs); only the results of the comparison operators (<, <=, >, >=) refuse, so that
    # ``a < b < c`` (which Python evaluates as ``(a < b) and (b < c)``) raises instead of silently
    # meaning ``b < c``.
    _is_nonzero = True

    def __bool__(self):
        if self._is_nonzero:
            return True
        raise TypeError(
            f"A symbolic variable ({self}) has no truth value: it is a graph, not a number. "
            "Use theano.tensor.switch or theano.ifelse.ifelse for symbolic conditions."
        )

    # ``eval(inputs_to_values)`` (compile and evaluate this variable) is a method of every variable,
    # installed by the compile layer (theano/compile/variable_eval.py), which knows how to compile.
    # It keeps its compiled functions in ``_fn_cache``, which is not pickled.

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fn_cache", None)
        if STRIP_CREATION_STACKS.get():   # theano.misc.pkl_utils.StripPickler is pickling
            state.pop("_creation_stack", None)
        return state

    def __reduce_ex__(self, protocol):
        # deep graphs pickle without recursion errors (see theano/graph/pickling.py)
        return reduce_variable(self, protocol)

    def __setstate__(self, state):
        if "tag" in state:
            # Theano 1.0's layout (a variable it pickled): its scratchpad was an attribute, and
            # the variables of a function graph carried that graph and their clients
            state = dict(state)
            tag = state.pop("tag")
            state.pop("clients", None)
            state.pop("fgraph", None)
            state.setdefault("owner", None)  # (Theano's constants were pickled without them)
            state.setdefault("index", None)
            if isinstance(tag, ScratchPad):
                state["_tag"] = tag
        self.__dict__.update(state)


class Constant(Variable):
    """A root variable with a fixed value ``data``."""

    def __init__(self, type, data, name=None):
        super().__init__(type, None, None, name)
        self.data = type.filter(data)

    def signature(self):
        return (self.type, self.type.data_signature(self.data))

    def equals(self, other):
        return isinstance(other, Constant) and self.signature() == other.signature()

    def clone(self):
        cp = super().clone()
        return cp

    @property
    def value(self):
        return self.data

    #: the word before the value in ``str(constant)`` (``TensorConstant{2}``); None: the class name
    str_label = None

    def __str__(self):
        if self.name is not None:
            return self.name
        text = str(self.data)
        if len(text) > 20:
            text = text[:10].strip() + "..." + text[-5:].strip()
        return f"{self.str_label or type(self).__name__}{{{text}}}"


# --------------------------------------------------------------------------------------------------
# Iterative walks
# --------------------------------------------------------------------------------------------------


def ancestors(outputs, blockers=None):
    """All variables that ``outputs`` depend on (including themselves), walking through owners.

    Stops at variables in ``blockers``. The order is Theano 1.0's: a stack-based depth-first walk
    that starts with the last output and takes each node's inputs left to right, so for shared
    ``x, y, z`` the ancestors of ``[x + y, z]`` are ``[z, x + y, x, y]``. Iterative.
    """
    blockers = set(blockers or ())
    seen = set()
    order = []
    stack = list(outputs)
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        if v.owner is not None and v not in blockers:
            stack.extend(reversed(v.owner.inputs))
    return order


def graph_inputs(outputs, blockers=None):
    """The root variables (no owner, or in ``blockers``) that ``outputs`` depend on, in the order
    of ``ancestors`` (Theano's ``theano.gof.graph.inputs``: ``inputs([x + y, z]) == [z, x, y]``)."""
    blockers = set(blockers or ())
    return [v for v in ancestors(outputs, blockers) if v.owner is None or v in blockers]


inputs = graph_inputs


def variables_and_orphans(inputs, outputs):
    variables = ancestors(outputs, inputs)
    input_set = set(inputs)
    orphans = [v for v in variables if v.owner is None and v not in input_set]
    return variables, orphans


def io_toposort(inputs, outputs):
    """Apply nodes between ``inputs`` and ``outputs`` in an order where each node follows its producers.

    Iterative post-order depth-first search in Theano 1.0's order: the outputs are taken first to
    last, and the producers of a node's inputs last to first (for ``(a * b) + (c * d)`` the order is
    ``c * d``, ``a * b``, ``+``). A cycle raises ValueError.
    """
    input_set = set(inputs)

    def producers(node):
        return [inp.owner for inp in node.inputs
                if inp.owner is not None and inp not in input_set]

    starts = [out.owner for out in outputs if out.owner is not None and out not in input_set]
    return postorder(starts, producers, "The graph contains a cycle")


def postorder(starts, children, cycle_message):
    """The nodes reachable from ``starts`` through ``children(node)`` (a list), each after its
    children: an iterative depth-first search taking ``starts`` first to last and each node's
    children last to first. A cycle raises ``ValueError(cycle_message)``."""
    order = []
    done = set()
    visiting = set()
    for start in starts:
        if start in done:
            continue
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                visiting.discard(node)
                if node not in done:
                    done.add(node)
                    order.append(node)
                continue
            if node in done:
                continue
            if node in visiting:
                raise ValueError(cycle_message)
            visiting.add(node)
            stack.append((node, True))
            for child in children(node):
                if child not in done:
                    stack.append((child, False))
    return order


def applys_between(inputs, outputs):
    return io_toposort(inputs, outputs)


def general_toposort(outputs, deps, **_ignored):
    """Theano 1.0's generic topological sort: every object reachable from ``outputs`` through
    ``deps(obj)`` (a list of what ``obj`` depends on, or None), each after its dependencies.
    Objects are found depth-first (last dependency first); those without dependencies are
    emitted in the order found, then each object as soon as its last dependency is emitted."""
    found, dep_of, users = [], {}, {}
    seen = set()
    stack = list(outputs)
    while stack:
        obj = stack.pop()
        if obj in seen:
            continue
        seen.add(obj)
        found.append(obj)
        d = list(deps(obj) or ())
        dep_of[obj] = d
        for a in d:
            users.setdefault(a, []).append(obj)
            if a not in seen:
                stack.append(a)
    waiting = {obj: len(set(d)) for obj, d in dep_of.items()}
    ready = [obj for obj in found if not waiting[obj]]
    order, emitted = [], set()
    pos = 0
    while pos < len(ready):
        obj = ready[pos]
        pos += 1
        if obj in emitted:
            continue
        emitted.add(obj)
        order.append(obj)
        for user in dict.fromkeys(users.get(obj, ())):
            waiting[user] -= 1
            if not waiting[user]:
                ready.append(user)
    if len(order) != len(found):
        raise ValueError("general_toposort: the dependencies contain a cycle")
    return order


def _node_text(node, args):
    return f"{node.op}({', '.join(args)})"


def as_string(inputs, outputs, leaf_formatter=str, node_formatter=_node_text):
    """Theano 1.0's text of the graph from ``inputs`` to ``outputs``: one string per output,
    each node written ``node_formatter(node, argument texts)`` (default ``op(a, b)``) and each
    input or root ``leaf_formatter(variable)`` (default ``str``). A node used more than once is
    written in full where it first appears, labelled ``*k -> ...``, and ``*k`` after that (with
    ``::j`` for output j of a node with several outputs); labels number first appearances."""
    stop = set(inputs)
    uses = {}
    for node in io_toposort(inputs, outputs):
        for inp in node.inputs:
            if inp.owner is not None and inp not in stop:
                uses[inp.owner] = uses.get(inp.owner, 0) + 1
    for out in outputs:
        if out.owner is not None and out not in stop:
            uses[out.owner] = uses.get(out.owner, 0) + 1
    label = {}
    written = set()

    def text(root):
        # an explicit stack: (variable, None) to describe, (variable, node) to finish a node
        # from the texts of its inputs on ``parts``
        parts, stack = [], [(root, None)]
        while stack:
            var, node = stack.pop()
            if node is not None:
                k = len(node.inputs)
                args = parts[len(parts) - k:] if k else []
                del parts[len(parts) - k:]
                t = node_formatter(node, args)
                parts.append(f"*{label[node]} -> {t}" if node in label else t)
                continue
            owner = var.owner
            if owner is None or var in stop:
                parts.append(leaf_formatter(var))
                continue
            if owner in written:
                idx = "" if len(owner.outputs) == 1 else f"::{owner.outputs.index(var)}"
                parts.append(f"*{label[owner]}{idx}")
                continue
            written.add(owner)
            if uses.get(owner, 0) > 1:
                label[owner] = len(label) + 1
            stack.append((var, owner))
            stack.extend((inp, None) for inp in reversed(owner.inputs))
        return parts[0]

    return [text(out) for out in outputs]


def is_in_ancestors(node_or_var, target):
    """True if ``target`` (a Variable or Apply) is among the ancestors of ``node_or_var``."""
    start = node_or_var.outputs if isinstance(node_or_var, Apply) else [node_or_var]
    for v in ancestors(start):
        if v is target or v.owner is target:
            return True
    return False


def clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=True, memo=None):
    """Clone the graph between ``inputs`` and ``outputs``; return the map old -> new (vars and nodes).

    Entries already in ``memo`` are reused: this is how replacements are made while cloning.
    """
    memo = {} if memo is None else memo
    for inp in inputs:
        if inp not in memo:
            memo[inp] = inp.clone() if copy_inputs else inp
    for node in io_toposort(inputs, outputs):
        for inp in node.inputs:
            if inp not in memo:
                if inp.owner is None or inp in inputs:
                    memo[inp] = inp.clone() if copy_orphans else inp
                # else it has an owner that was already cloned earlier in toposort
        new_inputs = [memo[i] for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs)) and not copy_inputs and not copy_orphans:
            new_node = node.clone()
        else:
            new_node = node.clone_with_new_inputs(new_inputs, strict=False)
        memo[node] = new_node
        for old_o, new_o in zip(node.outputs, new_node.outputs):
            memo.setdefault(old_o, new_o)
    for out in outputs:
        if out not in memo:
            memo[out] = out.clone() if copy_orphans else out
    return memo


def clone(inputs, outputs, copy_inputs=True, copy_orphans=True):
    """Copy the subgraph between inputs and outputs; return (new_inputs, new_outputs)."""
    equiv = clone_get_equiv(inputs, outputs, copy_inputs, copy_orphans)
    return [equiv[i] for i in inputs], [equiv[o] for o in outputs]


def clone_replace(output, replace=None, strict=True, share_inputs=True):
    """Rebuild ``output`` (a variable or list) with the variables of ``replace`` substituted.

    ``replace`` is a dict or a list of (old, new) pairs. Root variables and constants are shared with
    the original graph when ``share_inputs`` (Theano's ``theano.clone`` semantics).
    """
    if replace is None:
        pairs = []
    elif isinstance(replace, dict):
        pairs = list(replace.items())
    else:
        pairs = list(replace)
    single = isinstance(output, Variable)
    outputs = [output] if single else list(output)
    memo = {}
    for old, new in pairs:
        if not isinstance(old, Variable):
            raise TypeError(f"clone replace: key {old!r} is not a symbolic Variable")
        if not isinstance(new, Variable):
            raise TypeError(f"clone replace: the replacement {new!r} of {old} is not a symbolic "
                            "Variable (convert values first, e.g. with theano.tensor.constant)")
        if strict and old.type != new.type:
            conv = old.type.convert_variable(new)
            if conv is None:
                raise TypeError(
                    f"Cannot replace {old} of type {old.type} by {new} of type {new.type}; "
                    "cast the replacement first, or pass strict=False"
                )
            new = conv
        memo[old] = new
    root_copies = {}

    def copy_root(v):
        if v not in root_copies:
            root_copies[v] = v.clone()
        return root_copies[v]

    if not share_inputs and memo:
        # as Theano's theano.clone: the replacements' own graphs are copied too, roots included
        # (one copy per root, shared with the copy of the rest of the graph)
        keys = list(memo.keys())
        vals = [memo[k] for k in keys]
        sub = {v: copy_root(v) for v in ancestors(vals) if v.owner is None}
        memo = dict(zip(keys, clone_replace(vals, sub, strict=False)))
    # Walk from outputs, stopping at replaced variables.
    blockers = list(memo.keys())
    roots = [v for v in ancestors(outputs, blockers) if v.owner is None or v in memo]
    for r in roots:
        if r not in memo:
            memo[r] = r if share_inputs else copy_root(r)
    for node in io_toposort(roots, outputs):
        new_inputs = [memo[i] for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs)):
            new_node = node.clone()
        else:
            new_node = node.clone_with_new_inputs(new_inputs, strict=False)
        memo[node] = new_node
        for old_o, new_o in zip(node.outputs, new_node.outputs):
            memo.setdefault(old_o, new_o)
    result = [memo.get(o, o) for o in outputs]
    return result[0] if single else result


def stack_search(start, expand, mode="bfs", build_inv=False):
    """Every node reachable from ``start`` (an iterable) through ``expand(node)`` (the nodes it
    leads to, or None), each once, in breadth-first (``mode='bfs'``) or depth-first ('dfs')
    order. With ``build_inv``, also ``{node: [the nodes whose expansion reached it]}``."""
    from collections import deque

    if mode not in ("bfs", "dfs"):
        raise ValueError(f"stack_search: mode must be 'bfs' or 'dfs', got {mode!r}")
    todo = deque(start)
    pop = todo.popleft if mode == "bfs" else todo.pop
    seen = set()
    order = []
    inv = {}
    while todo:
        node = pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        more = expand(node)
        if more:
            for m in more:
                if build_inv:
                    inv.setdefault(m, []).append(node)
                todo.append(m)
    return (order, inv) if build_inv else order


def io_connection_pattern(inputs, outputs):
    """``pattern[i][j]``: whether output ``j`` depends on input ``i`` through the graph between
    them, following each node's ``op.connection_pattern`` (an output of a node depends only on
    the inputs its op says it is connected to)."""
    inputs, outputs = list(inputs), list(outputs)
    deps = {v: frozenset([k]) for k, v in enumerate(inputs)}
    for node in io_toposort(inputs, outputs):
        get = getattr(node.op, "connection_pattern", None)
        rows = get(node) if get is not None else None
        for j, out in enumerate(node.outputs):
            d = set()
            for i, inp in enumerate(node.inputs):
                if rows is None or rows[i][j]:
                    d |= deps.get(inp, frozenset())
            deps[out] = frozenset(d)
    return [[k in deps.get(out, frozenset()) for out in outputs] for k in range(len(inputs))]


def list_of_nodes(inputs, outputs):
    return io_toposort(inputs, outputs)


def view_roots(var):
    """The variables whose memory ``var`` may alias, following the ops' view_map and destroy_map."""
    roots = []
    stack = [var]
    while stack:
        v = stack.pop()
        owner = v.owner
        if owner is None:
            roots.append(v)
            continue
        vm = dict(getattr(owner.op, "view_map", {}) or {})
        for k, vals in (getattr(owner.op, "destroy_map", {}) or {}).items():
            vm.setdefault(k, []).extend(vals)
        aliased = vm.get(v.index)
        if aliased:
            stack.extend(owner.inputs[i] for i in aliased)
        else:
            roots.append(v)
    return roots


def equal_computations(xs, ys, in_xs=None, in_ys=None):
    """True when the variables ``xs`` compute the same things as ``ys``, position by position.

    Two variables are equal when both are the same root variable (or a pair ``in_xs[i]``,
    ``in_ys[i]`` declared equivalent), equal constants, or the same output of nodes with equal ops
    applied to equal inputs. Iterative.
    """
    xs, ys = list(xs), list(ys)
    in_xs, in_ys = list(in_xs or ()), list(in_ys or ())
    if len(xs) != len(ys) or len(in_xs) != len(in_ys):
        raise ValueError("equal_computations: xs and ys (and in_xs and in_ys) must have the same length")
    paired = {}
    for a, b in zip(in_xs, in_ys):
        if a.type != b.type:
            return False
        paired[a] = b
    in_y_set = set(in_ys)
    matched = {}  # x variable -> y variable already accepted as equal
    node_match = {}
    stack = list(zip(xs, ys))
    while stack:
        x, y = stack.pop()
        if x in paired:
            if paired[x] is not y:
                return False
            continue
        if y in in_y_set:
            return False
        if x in matched:
            if matched[x] is not y:
                return False
            continue
        if x.type != y.type:
            return False
        if x.owner is None or y.owner is None:
            if x.owner is not None or y.owner is not None:
                return False
            if isinstance(x, Constant) and isinstance(y, Constant):
                if not x.equals(y):
                    return False
            elif x is not y:
                return False
            matched[x] = y
            continue
        if x.index != y.index:
            return False
        nx, ny = x.owner, y.owner
        matched[x] = y
        if nx in node_match:
            if node_match[nx] is not ny:
                return False
            continue
        if nx.op != ny.op or len(nx.inputs) != len(ny.inputs) or len(nx.outputs) != len(ny.outputs):
            return False
        node_match[nx] = ny
        stack.extend(zip(nx.inputs, ny.inputs))
    return True


def is_same_graph(var1, var2, givens=None, debug=False):
    """True when ``var1`` and ``var2`` compute the same thing once the replacements ``givens``
    ({variable: variable}, or pairs) are made in both graphs (Theano 1.0's
    ``theano.gof.graph.is_same_graph``)."""
    if givens:
        pairs = list(givens.items()) if isinstance(givens, dict) else list(givens)
        replace = dict(pairs)
        try:
            var1 = clone_replace(var1, replace, strict=False)
            var2 = clone_replace(var2, replace, strict=False)
        except TypeError:
            return False
    return equal_computations([var1], [var2])
