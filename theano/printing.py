"""Looking at graphs: ``pp`` (a formula), ``debugprint`` (the tree with ids), ``pydotprint`` (a picture).

All walks are iterative.
"""

import io
import sys

from theano.graph.basic import Apply, Constant, Variable, io_toposort

_INFIX = {"add": ("+", 1), "sub": ("-", 1), "mul": ("*", 2), "true_div": ("/", 2),
          "int_div": ("//", 2), "mod": ("%", 2), "pow": ("**", 4), "lt": ("<", 0), "gt": (">", 0),
          "le": ("<=", 0), "ge": (">=", 0), "eq": ("==", 0), "neq": ("!=", 0), "and_": ("&", 0),
          "or_": ("|", 0), "xor": ("^", 0)}


def _leaf_name(v):
    if isinstance(v, Constant):
        return str(v)
    if v.name is not None:
        return v.name
    return f"<{v.type}>"


def pp(var):
    """A readable formula for a variable, e.g. ``((x * TensorConstant{2}) + y)``."""
    from theano.compile.function import Function

    if isinstance(var, Function):
        return "\n".join(pp(o) for o in var.maker.fgraph.outputs)
    if isinstance(var, (list, tuple)):
        return "\n".join(pp(v) for v in var)
    text = {}
    for node in io_toposort([], [var]):
        args = []
        for i in node.inputs:
            args.append(text[i] if i in text else _leaf_name(i))
        op = node.op
        scalar = getattr(op, "scalar_op", None)
        sname = getattr(scalar, "name", None)
        if sname in _INFIX and len(args) >= 2 and type(op).__name__ == "Elemwise":
            s = "(" + f" {_INFIX[sname][0]} ".join(args) + ")"
        elif sname == "neg":
            s = f"(-{args[0]})"
        elif sname is not None and type(op).__name__ == "Elemwise":
            s = f"{sname}({', '.join(args)})"
        elif type(op).__name__ == "DimShuffle":
            order = op.new_order
            if order == tuple(range(len(order) - 1, -1, -1)) and len(order) > 1:
                s = f"{args[0]}.T"
            else:
                s = f"{args[0]}.dimshuffle({', '.join(repr(o) for o in order)})"
        else:
            s = f"{op}({', '.join(args)})"
        for o in node.outputs:
            if o.name is not None and o is not var:
                text[o] = o.name
            elif len(node.outputs) > 1:
                text[o] = f"{s}[{o.index}]"
            else:
                text[o] = s
    return text.get(var, _leaf_name(var))


class _Ids:
    def __init__(self, kind="CHAR"):
        self.kind = kind
        self.ids = {}

    def get(self, obj):
        if self.kind == "":
            return ""
        if obj not in self.ids:
            n = len(self.ids)
            if self.kind == "CHAR":
                s = ""
                n += 1
                while n > 0:
                    n, r = divmod(n - 1, 26)
                    s = chr(65 + r) + s
                self.ids[obj] = s
            elif self.kind == "int":
                self.ids[obj] = str(n)
            else:
                self.ids[obj] = str(id(obj))
        return f"[id {self.ids[obj]}]"


def debugprint(obj, file=None, depth=-1, print_type=False, ids="CHAR", stop_on_name=False,
               done=None, print_storage=False, print_destroy_map=False, print_view_map=False,
               order=None):
    """Print the graph of ``obj`` (a variable, list of variables, Apply, FunctionGraph or compiled
    function) as an indented tree. For a compiled function the optimized graph is shown, each node
    followed by its position in the execution order. ``file='str'`` returns the text."""
    from theano.compile.function import Function
    from theano.graph.fg import FunctionGraph

    outputs = []
    topo = None
    if isinstance(obj, Function):
        fg = obj.maker.fgraph
        outputs = list(fg.outputs)
        topo = fg.toposort()
    elif isinstance(obj, FunctionGraph):
        outputs = list(obj.outputs)
        topo = obj.toposort()
    elif isinstance(obj, Variable):
        outputs = [obj]
    elif isinstance(obj, Apply):
        outputs = list(obj.outputs)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            if isinstance(o, Function):
                outputs.extend(o.maker.fgraph.outputs)
            elif isinstance(o, Apply):
                outputs.extend(o.outputs)
            else:
                outputs.append(o)
    else:
        raise TypeError(f"debugprint cannot print a {type(obj).__name__}")
    position = {n: i for i, n in enumerate(topo)} if topo is not None else {}
    idgen = _Ids(ids)
    printed = set() if done is None else done
    lines = []
    for out in outputs:
        stack = [(out, 0, "")]
        while stack:
            var, level, prefix = stack.pop()
            node = var.owner
            type_str = f" <{var.type}>" if print_type else ""
            if node is None:
                name = str(var)
                lines.append(f"{prefix}{name} {idgen.get(var)}{type_str}".rstrip())
                continue
            label = str(node.op)
            if len(node.outputs) > 1:
                label += f".{var.index}"
            extra = ""
            if print_destroy_map and getattr(node.op, "destroy_map", None):
                extra += f" d={dict(node.op.destroy_map)}"
            if print_view_map and getattr(node.op, "view_map", None):
                extra += f" v={dict(node.op.view_map)}"
            vname = f" '{var.name}'" if var.name else " ''"
            pos = f"   {position[node]}" if node in position else ""
            already = node in printed
            lines.append(f"{prefix}{label} {idgen.get(node)}{vname}{type_str}{extra}{pos}".rstrip())
            if already or (depth != -1 and level >= depth) or (stop_on_name and var.name and level > 0):
                continue
            printed.add(node)
            child_prefix = (prefix.replace("|", " ") if prefix else "") + " |"
            child_prefix = " " * (len(prefix)) + " |" if prefix else " |"
            for inp in reversed(node.inputs):
                stack.append((inp, level + 1, child_prefix))
    text = "\n".join(lines)
    if file == "str":
        return text
    if file is None:
        file = sys.stdout
    print(text, file=file)
    return file


def pydotprint(fct, outfile=None, compact=True, format="png", with_ids=False, high_contrast=True,
               cond_highlight=None, colorCodes=None, max_label_size=70, scan_graphs=False,
               var_with_name_simple=False, print_output_file=True, return_image=False):
    """Write a picture of the graph. Uses pydot + graphviz when installed; otherwise writes the
    Graphviz DOT text (``.dot``) that any Graphviz viewer renders."""
    from theano.compile.function import Function

    if isinstance(fct, Function):
        outputs = list(fct.maker.fgraph.outputs)
    elif isinstance(fct, (list, tuple)):
        outputs = list(fct)
    else:
        outputs = [fct]
    dot = to_dot(outputs)
    if outfile is None:
        outfile = f"theano.pydotprint.{format}"
    try:
        import pydot  # noqa: F401

        graphs = pydot.graph_from_dot_data(dot)
        graph = graphs[0]
        if return_image:
            return graph.create(format=format)
        graph.write(outfile, format=format)
    except Exception:
        if outfile.endswith("." + format):
            outfile = outfile[: -len(format)] + "dot"
        with open(outfile, "w") as f:
            f.write(dot)
    if print_output_file:
        print("The output file is available at", outfile)
    return outfile


def to_dot(outputs):
    """The Graphviz DOT text of the graph of ``outputs``."""
    ids = {}

    def nid(obj):
        if obj not in ids:
            ids[obj] = f"n{len(ids)}"
        return ids[obj]

    lines = ["digraph theano {", '  rankdir=TB;']
    for node in io_toposort([], outputs):
        lines.append(f'  {nid(node)} [label="{_esc(str(node.op))}", shape=box];')
        for i, inp in enumerate(node.inputs):
            if inp.owner is None:
                shape = "box, style=filled, fillcolor=limegreen" if not isinstance(inp, Constant) else "ellipse"
                lines.append(f'  {nid(inp)} [label="{_esc(_leaf_name(inp))}", shape={shape}];')
                lines.append(f'  {nid(inp)} -> {nid(node)} [label="{i}"];')
            else:
                lines.append(f'  {nid(inp.owner)} -> {nid(node)} [label="{i} {_esc(str(inp.type))}"];')
    for k, o in enumerate(outputs):
        lines.append(f'  out{k} [label="output {k}: {_esc(str(o.type))}", shape=box, style=filled, fillcolor=dodgerblue];')
        src = nid(o.owner) if o.owner is not None else nid(o)
        lines.append(f"  {src} -> out{k};")
    lines.append("}")
    return "\n".join(lines)


def _esc(s):
    return s.replace('"', '\\"')


class Print:
    """An identity op that prints a message and its value when computed (``Print('x')(x)``)."""

    def __new__(cls, message="", attrs=("__str__",), global_fn=None):
        from theano.printing_op import PrintOp

        return PrintOp(message, tuple(attrs))
