"""Theano 1.0's ``theano.d3viz.formatting``: ``PyDotFormatter`` describes a graph as a DOT graph
object, without the ``pydot`` package.

``PyDotFormatter()(f)`` returns a ``DotGraph`` with pydot's reading and writing methods
(``get_nodes``, ``get_edges``, ``get_subgraph_list``, ``get_node(name)``, ``get_name``, a node's
``get_attributes()``, ``to_string()``, ``create(format=...)``, ``write(path, format=...)``). As in
Theano 1.0, it holds one node per apply node (``node_type`` 'apply'), a node statement for a graph
input each time an apply node reads it ('input', 'constant_input' or 'shared_input'; DOT merges
statements of one name, and ``get_nodes()`` lists statements, as pydot's does), one per output
('output'; 'unused_output' colour for a result nothing reads) and one edge per input of an apply
node (labelled with the input's position when there are several, and its type). An
``OpFromGraph`` node gets a cluster holding its compiled inner graph, named by the node's
``subg`` attribute, with ``subg_map_inputs``/``subg_map_outputs`` pairing outer and inner ids.

Drawing the DOT text needs a Graphviz renderer (see ``theano.printing.render_dot``); building
and reading the graph object needs nothing, so ``pydot_imported`` is always True here.
"""

import numpy as np

from theano.graph.basic import Apply, Constant, Variable, io_toposort

__all__ = ["PyDotFormatter", "DotGraph", "DotCluster", "DotNode", "DotEdge", "pydot_imported",
           "pydot_imported_msg"]

#: Theano 1.0's flag for "the formatter can build graphs" (there: pydot imports); always True here
pydot_imported = True
pydot_imported_msg = ""


def _quote(value):
    s = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _attr_text(attrs):
    if not attrs:
        return ""
    return " [" + ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "]"


class _DotStatement:
    """A statement's attributes (a dict, changed in place by ``set``), with pydot's accessors."""

    def get_attributes(self):
        return self.attributes

    def get(self, key):
        return self.attributes.get(key)

    def set(self, key, value):
        self.attributes[key] = value


class DotNode(_DotStatement):
    """One node statement: a name and its attributes."""

    def __init__(self, name, **attrs):
        self.name = str(name)
        self.attributes = dict(attrs)

    def get_name(self):
        return self.name

    def to_string(self):
        return f"{_quote(self.name)}{_attr_text(self.attributes)};"

    def __repr__(self):
        return f"DotNode({self.name!r})"


class DotEdge(_DotStatement):
    """One edge statement from the node named ``src`` to the node named ``dst``."""

    def __init__(self, src, dst, **attrs):
        self.src = str(src)
        self.dst = str(dst)
        self.attributes = dict(attrs)

    def get_source(self):
        return self.src

    def get_destination(self):
        return self.dst

    def to_string(self):
        return f"{_quote(self.src)} -> {_quote(self.dst)}{_attr_text(self.attributes)};"

    def __repr__(self):
        return f"DotEdge({self.src!r} -> {self.dst!r})"


class DotGraph:
    """A directed graph of node and edge statements and subgraphs, written as DOT text."""

    keyword = "digraph"

    def __init__(self, graph_name="G", **attrs):
        self.name = str(graph_name)
        self.attributes = dict(attrs)
        self.nodes = []
        self.edges = []
        self.subgraphs = []

    def get_name(self):
        return self.name

    def get_attributes(self):
        return self.attributes

    def set(self, key, value):
        self.attributes[key] = value

    def add_node(self, node):
        if not isinstance(node, DotNode):
            raise TypeError(f"add_node expects a DotNode, got {type(node).__name__}")
        self.nodes.append(node)

    def add_edge(self, edge):
        if not isinstance(edge, DotEdge):
            raise TypeError(f"add_edge expects a DotEdge, got {type(edge).__name__}")
        self.edges.append(edge)

    def add_subgraph(self, graph):
        if not isinstance(graph, DotGraph):
            raise TypeError(f"add_subgraph expects a DotGraph, got {type(graph).__name__}")
        self.subgraphs.append(graph)

    def get_nodes(self):
        """Every node statement, in the order added (a node stated twice is listed twice)."""
        return list(self.nodes)

    def get_node(self, name):
        """The statements of the node named ``name`` (a list, empty when there is none)."""
        return [n for n in self.nodes if n.name == str(name)]

    def get_edges(self):
        return list(self.edges)

    def get_subgraph_list(self):
        return list(self.subgraphs)

    def _body(self, indent):
        pad = " " * indent
        lines = [f"{pad}{k}={_quote(v)};" for k, v in self.attributes.items()]
        for g in self.subgraphs:
            lines.append(g._text(indent))
        lines += [pad + n.to_string() for n in self.nodes]
        lines += [pad + e.to_string() for e in self.edges]
        return lines

    def _text(self, indent=0):
        pad = " " * indent
        head = f"{pad}{self.keyword} {_quote(self.name)} {{"
        return "\n".join([head] + self._body(indent + 2) + [pad + "}"])

    def to_string(self):
        """The graph as DOT text."""
        return self._text() + "\n"

    def create(self, prog=None, format="svg"):
        """The picture drawn by Graphviz in ``format`` (bytes); ``prog`` is accepted for pydot's
        signature (the layout is dot's)."""
        if format == "raw":
            return self.to_string().encode("utf-8")
        from theano.printing import render_dot

        data, _ = render_dot(self.to_string(), format)
        return data

    def write(self, path, prog=None, format="raw"):
        """Write the DOT text (``format='raw'``) or the picture in ``format`` to ``path``."""
        data = self.create(prog, format)
        with open(path, "wb") as f:
            f.write(data)
        return True


class DotCluster(DotGraph):
    """A subgraph drawn as a box around its nodes (DOT's ``cluster_`` subgraphs)."""

    keyword = "subgraph"

    def __init__(self, graph_name="subG", **attrs):
        super().__init__(f"cluster_{graph_name}", **attrs)


def _type_text(t):
    dtype = getattr(t, "dtype", None)
    bc = getattr(t, "broadcastable", None)
    if dtype is not None and bc is not None:
        return f"{dtype} ({', '.join('1' if b else '?' for b in bc)})" if bc else f"{dtype} ()"
    return str(t)


def _var_label(var):
    if var.name is not None:
        return var.name
    if isinstance(var, Constant):
        data = np.asarray(var.data)
        if data.size <= 10:
            return np.array2string(data, separator=", ")
        return f"constant {_type_text(var.type)}"
    return _type_text(var.type)


def _is_shared(var):
    from theano.compile.sharedvalue import SharedVariable

    return isinstance(var, SharedVariable)


class PyDotFormatter:
    """Theano 1.0's formatter: ``PyDotFormatter(compact=True)(fct, graph=None)`` describes ``fct``
    (a compiled function, a FunctionGraph, a variable, an Apply node or a list of variables) as
    a ``DotGraph`` (filling ``graph`` when one is given). ``compact=False`` draws every
    intermediate result as a node of its own ('intermediate') between the nodes it connects;
    by default only named ones are labelled on their edges."""

    node_colors = {"input": "limegreen", "constant_input": "SpringGreen",
                   "shared_input": "YellowGreen", "output": "dodgerblue",
                   "unused_output": "lightgrey", "intermediate": "white"}
    apply_colors = {"GpuFromHost": "red", "HostFromGpu": "red", "Scan": "yellow",
                    "Shape": "cyan", "IfElse": "magenta", "Elemwise": "#FFAABB",
                    "Subtensor": "#FFAAFF"}
    shapes = {"input": "box", "output": "box", "apply": "ellipse", "intermediate": "box"}

    def __init__(self, compact=True):
        self.compact = bool(compact)
        self._prefix = "n"
        self._ids = {}

    def _id(self, obj):
        if obj not in self._ids:
            self._ids[obj] = f"{self._prefix}{len(self._ids) + 1}"
        return self._ids[obj]

    def _graph_of(self, fct):
        """(inputs, outputs, apply nodes in order, clients {var: count}, profile or None)."""
        from theano.compile.function import Function
        from theano.graph.fg import FunctionGraph

        profile = None
        if isinstance(fct, Function):
            profile = getattr(fct, "profile", None) or getattr(fct.maker, "profile", None)
            fct = fct.maker.fgraph
        if isinstance(fct, FunctionGraph):
            topo = fct.toposort()
            clients = {v: len(c) for v, c in fct.clients.items()}
            return list(fct.inputs), list(fct.outputs), topo, clients, profile
        if isinstance(fct, Variable):
            outs = [fct]
        elif isinstance(fct, Apply):
            outs = list(fct.outputs)
        elif isinstance(fct, (list, tuple)) and fct and all(isinstance(v, Variable) for v in fct):
            outs = list(fct)
        else:
            raise TypeError("PyDotFormatter expects a compiled function, a FunctionGraph, a "
                            "Variable, an Apply node or a non-empty list of variables; got "
                            f"{type(fct).__name__}")
        topo = io_toposort([], outs)
        clients = {}
        for node in topo:
            for i in node.inputs:
                clients[i] = clients.get(i, 0) + 1
        inputs = []
        for node in topo:
            inputs += [i for i in node.inputs if i.owner is None and i not in inputs]
        return inputs, outs, topo, clients, profile

    def __call__(self, fct, graph=None):
        from theano.compile.builders import OpFromGraph

        inputs, outputs, topo, clients, profile = self._graph_of(fct)
        if graph is None:
            graph = DotGraph("G", ranksep="0.5", nodesep="0.2")
        times = getattr(profile, "apply_time", None) if profile is not None else None
        call_time = float(getattr(profile, "fct_call_time", 0.0) or 0.0) if times else 0.0
        for node in topo:
            nid = self._id(node)
            attrs = {"label": type(node.op).__name__, "node_type": "apply",
                     "apply_op": str(node.op), "shape": self.shapes["apply"]}
            if times is not None:
                attrs["profile"] = [float(times.get(node, 0.0)), call_time]
            for key, color in self.apply_colors.items():
                if key in type(node.op).__name__:
                    attrs.update(style="filled", fillcolor=color, type="colored")
            pd_node = DotNode(nid, **attrs)
            graph.add_node(pd_node)
            destroyed = {i for v in (getattr(node.op, "destroy_map", None) or {}).values() for i in v}
            viewed = {i for v in (getattr(node.op, "view_map", None) or {}).values() for i in v}
            for k, var in enumerate(node.inputs):
                if var.owner is None:
                    src = self._id(var)
                    kind = ("constant_input" if isinstance(var, Constant)
                            else "shared_input" if _is_shared(var) else "input")
                    graph.add_node(DotNode(src, label=_var_label(var), node_type=kind,
                                           dtype=_type_text(var.type), style="filled",
                                           fillcolor=self.node_colors[kind],
                                           shape=self.shapes["input"]))
                elif not self.compact:
                    src = self._id(var)
                else:
                    src = self._id(var.owner)
                label = _type_text(var.type)
                if var.owner is not None and var.name and self.compact:
                    label = f"{var.name} {label}"
                if len(node.inputs) > 1:
                    label = f"{k} {label}"
                edge = {"label": label}
                if k in viewed:
                    edge["color"] = self.node_colors["output"]
                elif k in destroyed:
                    edge["color"] = "red"
                graph.add_edge(DotEdge(src, nid, **edge))
            for var in node.outputs:
                if var in outputs or not clients.get(var):
                    vid = self._id(var)
                    kind = "output" if var in outputs else "unused_output"
                    graph.add_node(DotNode(vid, label=_var_label(var) if var.name else
                                           f"output {outputs.index(var)}" if var in outputs
                                           else "unused", node_type="output",
                                           dtype=_type_text(var.type), style="filled",
                                           fillcolor=self.node_colors[kind],
                                           shape=self.shapes["output"]))
                    graph.add_edge(DotEdge(nid, vid, label=_type_text(var.type)))
                elif not self.compact:
                    vid = self._id(var)
                    graph.add_node(DotNode(vid, label=_var_label(var), node_type="intermediate",
                                           dtype=_type_text(var.type),
                                           shape=self.shapes["intermediate"]))
                    graph.add_edge(DotEdge(nid, vid, label=_type_text(var.type)))
            if isinstance(node.op, OpFromGraph):
                inner_fn = node.op.fn
                sub = DotCluster(nid, label=str(node.op))
                inner = PyDotFormatter(self.compact)
                inner._prefix = f"{nid}_"
                inner(inner_fn, sub)
                graph.add_subgraph(sub)
                pd_node.set("subg", sub.get_name())
                fg = inner_fn.maker.fgraph

                def outer_id(v, is_output):
                    if v.owner is None or not self.compact:
                        return self._id(v)
                    if is_output and (v in outputs or not clients.get(v)):
                        return self._id(v)
                    return self._id(v.owner)

                pd_node.set("subg_map_inputs", str([[outer_id(x, False), inner._id(y)]
                                                    for x, y in zip(node.inputs, fg.inputs)]))
                pd_node.set("subg_map_outputs", str([[inner._id(y), outer_id(x, True)]
                                                     for x, y in zip(node.outputs, fg.outputs)]))
        return graph
