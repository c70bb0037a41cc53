"""FunctionGraph: a graph with fixed inputs and outputs, the one place where graph state lives.

It knows every Apply node and Variable between its inputs and outputs, who uses each variable
(``clients``), and the features attached to it (shape tracking, destroy handling, ...). Rewrites
change the graph only through ``replace``/``change_input``, so clients and features stay right.
"""

from theano.graph.basic import (Constant, Variable, as_string, clone_get_equiv, io_toposort,
                                postorder)


class InconsistencyError(Exception):
    """A feature refused a change (for example an in-place conflict)."""


class AlreadyThere(Exception):
    """A feature's ``on_attach`` refuses a graph that already has a feature of its kind; Theano
    1.0's ``attach_feature`` then leaves the graph as it is (no error)."""


class MissingInputError(Exception):
    """The outputs depend on a root variable that is not an input of the graph."""


class FunctionGraph:
    """A graph being rewritten or compiled: its inputs, its outputs, every node between them and
    the clients of each variable, with features told of each change (``on_import``,
    ``on_change_input``). ``clone=True`` (the default) works on a copy of the user's graph.
    """

    def __init__(self, inputs, outputs, features=None, clone=True, update_mapping=None):
        inputs = list(inputs)
        outputs = list(outputs)
        if clone:
            equiv = clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=False)
            inputs = [equiv[i] for i in inputs]
            outputs = [equiv[o] for o in outputs]
            self.equiv = equiv
        else:
            self.equiv = None
        self.inputs = []
        self.outputs = []
        self.apply_nodes = set()
        self.variables = set()
        self.clients = {}
        self._features = []
        self._toposort_cache = None
        self.update_mapping = update_mapping or {}
        for inp in inputs:
            # an input may be an intermediate variable (inp.owner set): the graph is cut there
            self._add_input(inp)
        for out in outputs:
            self._import_var(out, reason="init")
            self.outputs.append(out)
        for i, out in enumerate(self.outputs):
            self.clients[out].append(("output", i))
        for f in features or ():
            self.attach_feature(f)

    # -- construction ---------------------------------------------------------------------------
    def _add_input(self, var):
        if var in self.clients:
            raise ValueError(f"Input {var} given twice to the FunctionGraph")
        self.inputs.append(var)
        self.variables.add(var)
        self.clients[var] = []

    def add_input(self, var):
        self._add_input(var)

    def _import_var(self, var, reason=None):
        if var in self.clients:
            return
        if var.owner is None:
            if not isinstance(var, Constant) and not getattr(var, "_is_shared", False) and var not in self.inputs:
                raise MissingInputError(
                    f"The graph needs the value of {var} (type {var.type}), which is neither an "
                    "input of the function nor a constant. Add it to the function's inputs, or "
                    "give it a value with `givens`."
                )
            self.variables.add(var)
            self.clients[var] = []
            return
        self._import_node(var.owner, reason)

    def _import_node(self, node, reason=None):
        # Collect the nodes not yet in the graph, in dependency order, stopping at known variables.
        order = []
        visited = set()
        stack = [(node, False)]
        while stack:
            n, expanded = stack.pop()
            if expanded:
                order.append(n)
                continue
            if n in visited or n in self.apply_nodes:
                continue
            visited.add(n)
            stack.append((n, True))
            for inp in n.inputs:
                owner = inp.owner
                if inp not in self.clients and owner is not None and owner not in visited \
                        and owner not in self.apply_nodes:
                    stack.append((owner, False))
        for n in order:
            for inp in n.inputs:
                if inp not in self.clients and inp.owner is None:
                    self._import_var(inp, reason)
            self.apply_nodes.add(n)
            n.fgraph = self
            for out in n.outputs:
                self.variables.add(out)
                self.clients.setdefault(out, [])
            for i, inp in enumerate(n.inputs):
                self.clients[inp].append((n, i))
                self.variables.add(inp)
            self._toposort_cache = None
            self.execute_callbacks("on_import", n, reason)

    # -- queries --------------------------------------------------------------------------------
    def toposort(self):
        """The nodes in an order where each follows its producers and, when a feature asks for
        it (``orderings``: Theano's DestroyHandler), the nodes it must follow."""
        if self._toposort_cache is None or len(self._toposort_cache) != len(self.apply_nodes):
            order = io_toposort(self.inputs, self.outputs)
            extra = self.orderings()
            if extra:
                order = _order_with(order, extra)
            self._toposort_cache = order
        return list(self._toposort_cache)

    def toposort_without_orderings(self):
        """The nodes in dependency order alone (``io_toposort``)."""
        return io_toposort(self.inputs, self.outputs)

    def orderings(self):
        """{node: [nodes that must run before it]} beyond the graph's dependencies, from the
        features that have ``orderings(fgraph)`` (Theano 1.0's)."""
        out = {}
        for f in self._features:
            fn = getattr(f, "orderings", None)
            if fn is None:
                continue
            for node, before in fn(self).items():
                out.setdefault(node, [])
                out[node].extend(b for b in before if b not in out[node])
        return out

    def get_clients(self, var):
        return self.clients.get(var, [])

    def orphans(self):
        return [v for v in self.variables if v.owner is None and v not in self.inputs]

    # -- changes --------------------------------------------------------------------------------
    def _remove_client(self, var, client, reason=None):
        """Remove one client entry of ``var`` and prune what becomes unused (iteratively)."""
        stack = [(var, client)]
        while stack:
            v, c = stack.pop()
            cl = self.clients.get(v)
            if cl is None:
                continue
            try:
                cl.remove(c)
            except ValueError:
                continue
            if cl or v in self.inputs or v.owner is None:
                if not cl and v.owner is None and v not in self.inputs:
                    del self.clients[v]
                    self.variables.discard(v)
                continue
            node = v.owner
            if node not in self.apply_nodes:
                continue
            if any(self.clients.get(o) for o in node.outputs):
                continue
            self.apply_nodes.discard(node)
            if node.fgraph is self:
                node.fgraph = None
            for o in node.outputs:
                self.clients.pop(o, None)
                self.variables.discard(o)
            self._toposort_cache = None
            self.execute_callbacks("on_prune", node, reason)
            for i, inp in enumerate(node.inputs):
                stack.append((inp, (node, i)))

    def change_input(self, node, i, new_var, reason=None):
        """Make input ``i`` of ``node`` (or output ``i`` when node is 'output') be ``new_var``."""
        if node == "output":
            old = self.outputs[i]
            if old is new_var:
                return
            if old.type != new_var.type:
                raise TypeError(f"Replacement {new_var} ({new_var.type}) differs in type from output {old} ({old.type})")
            self.outputs[i] = new_var
        else:
            old = node.inputs[i]
            if old is new_var:
                return
            if old.type != new_var.type:
                raise TypeError(f"Replacement {new_var} ({new_var.type}) differs in type from {old} ({old.type})")
            node.inputs[i] = new_var
        self._import_var(new_var, reason)
        self.clients[new_var].append((node, i))
        self._toposort_cache = None
        self.execute_callbacks("on_change_input", node, i, old, new_var, reason)
        self._remove_client(old, (node, i), reason)

    def replace(self, var, new_var, reason=None, verbose=False):
        """Replace every use of ``var`` by ``new_var``."""
        if var is new_var:
            return
        if var.type != new_var.type:
            conv = var.type.convert_variable(new_var)
            if conv is None:
                raise TypeError(
                    f"Cannot replace {var} ({var.type}) by {new_var} ({new_var.type}): types differ"
                    + (f" (rewrite {reason})" if reason else "")
                )
            new_var = conv
        if var not in self.clients:
            return
        if var.owner is not None and new_var.owner is not None and getattr(new_var.owner, "creation_trace", None) is None:
            new_var.owner.creation_trace = var.owner.creation_trace
        for node, i in list(self.clients[var]):
            self.change_input(node, i, new_var, reason)

    def replace_all(self, pairs, reason=None):
        for var, new_var in pairs:
            self.replace(var, new_var, reason)

    def replace_validate(self, var, new_var, reason=None):
        self.replace(var, new_var, reason)

    # -- features -------------------------------------------------------------------------------
    def attach_feature(self, feature):
        if feature in self._features:
            return
        attach = getattr(feature, "on_attach", None)
        if attach is not None:
            try:
                attach(self)
            except AlreadyThere:
                return
        self._features.append(feature)
        self._toposort_cache = None

    def remove_feature(self, feature):
        if feature in self._features:
            self._features.remove(feature)
            self._toposort_cache = None
            detach = getattr(feature, "on_detach", None)
            if detach is not None:
                detach(self)

    @property
    def features(self):
        return list(self._features)

    def execute_callbacks(self, name, *args):
        for f in self._features:
            fn = getattr(f, name, None)
            if fn is not None:
                fn(self, *args)

    def get_feature(self, cls):
        for f in self._features:
            if isinstance(f, cls):
                return f
        return None

    # -- pickling -------------------------------------------------------------------------------
    def __getstate__(self):
        # the methods features hang on the graph (fgraph.validate, replace_validate, ...) are
        # closures: left out, and made again by each feature's ``unpickle(fgraph)`` (Theano 1.0's
        # ``pickle_rm_attr``)
        state = dict(self.__dict__)
        for f in self._features:
            for attr in getattr(f, "pickle_rm_attr", ()):
                state.pop(attr, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "clients" not in state:
            # Theano 1.0's layout (its clients lived on the variables): a function graph read from
            # a Theano 1.0 pickle is not used as such (theano.compile.theano1_pickle rebuilds the
            # graph), so its features are not attached again
            return
        for f in self._features:
            unpickle = getattr(f, "unpickle", None)
            if unpickle is not None:
                unpickle(self)

    # -- misc -----------------------------------------------------------------------------------
    def clone(self):
        return FunctionGraph(self.inputs, self.outputs, clone=True)

    def check_integrity(self):
        for node in self.apply_nodes:
            for i, inp in enumerate(node.inputs):
                if (node, i) not in self.clients.get(inp, []):
                    raise AssertionError(f"client missing for input {i} of {node}")
        for i, out in enumerate(self.outputs):
            if ("output", i) not in self.clients.get(out, []):
                raise AssertionError(f"output {i} not registered")

    def __str__(self):
        # Theano 1.0's form: the outputs' texts in brackets, [add(x, mul(y, z))]
        return f"[{', '.join(as_string(self.inputs, self.outputs))}]"

    __repr__ = __str__

    def __contains__(self, item):
        if isinstance(item, Variable):
            return item in self.variables
        return item in self.apply_nodes


def _order_with(order, extra):
    """``order`` (a topological order) changed as little as needed so that each node of
    ``extra`` ({node: nodes before it}) follows those nodes too; a cycle raises ValueError."""
    position = {n: k for k, n in enumerate(order)}
    deps = {n: [i.owner for i in n.inputs if i.owner in position] for n in order}
    for n, before in extra.items():
        if n in deps:
            deps[n] = deps[n] + [b for b in before if b in position]
    # earliest first: the dependencies are pushed in reverse order of position
    return postorder(order, lambda n: sorted(deps[n], key=position.__getitem__, reverse=True),
                     "The graph's orderings contain a cycle")
