"""A graph as text: the indented tree of nodes with ids that ``theano.printing.debugprint`` prints.

It knows variables and apply nodes only, so the layers that report errors (the linkers) and the
tools (``theano.printing``) use this one implementation. The walk is iterative.
"""


class NodeIds:
    """Short ids for the nodes and leaves of a printout, given in order of first appearance:
    ``kind='CHAR'`` gives A, B, ..., Z, AA, ...; ``'int'`` 0, 1, ...; ``'id'`` the Python id;
    ``''`` no ids."""

    def __init__(self, kind="CHAR", store=None):
        self.kind = kind
        # ``store``: a dict kept by the caller, so that several printouts share their ids
        # (debugprint's ``used_ids``)
        self.ids = {} if store is None else store

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


def graph_tree(outputs, depth=-1, print_type=False, ids="CHAR", stop_on_name=False, done=None,
               print_destroy_map=False, print_view_map=False, positions=None, paths=None,
               storage=None, clients=None, line_prefix="", leaf_notes=None, visit=None,
               node_notes=None):
    """The graph computing ``outputs`` (variables) as an indented tree, one line per variable.

    A node's line shows its op (``.i`` for output i of a multi-output node), its id, the variable's
    name and, when given, its position in ``positions`` ({node: int}) and its entry in ``paths``
    ({node: text}); a node printed before is shown again without its inputs. ``depth`` is the
    number of levels printed (-1: all; 1: the outputs' own lines, as in Theano), ``stop_on_name`` stops at named variables below the top, ``done`` is the set
    of nodes already printed (shared between calls), ``print_type`` adds each variable's type and
    ``print_destroy_map``/``print_view_map`` each op's destroy and view maps (``d={...}``,
    ``v={...}``, where the op has one). ``storage``
    ({variable: one-item storage cell}) adds ``[value]`` of each variable that has a cell.
    ``clients`` ({variable: [(node or 'output', input index)]}, a FunctionGraph's) adds
    ``clients:[...]`` to the line of a result used more than once: the id of each client node
    and its position in ``positions`` (``('output', '')`` for an output of the graph). ``line_prefix`` starts
    every line (``' >'`` for the inner graph of a loop), ``leaf_notes`` ({variable: text}) is
    appended to the line of a leaf, ``node_notes`` ({node: text}) to the lines of a node, and
    ``visit(variable)`` is called for every line, in order.
    """

    def stored(var):
        if storage is None or var not in storage:
            return ""
        return " [" + " ".join(str(storage[var][0]).split()) + "]"

    def client_list(var):
        cl = clients.get(var, []) if clients is not None else []
        if len(cl) <= 1:
            return ""
        entries = []
        for c, _ in cl:
            if isinstance(c, str):          # an output of the graph
                idgen.get(c)
                entries.append((c, ""))
            else:
                entries.append((idgen.get(c), positions.get(c, "")))
        return f" clients:{entries}"

    positions = positions or {}
    paths = paths or {}
    leaf_notes = leaf_notes or {}
    node_notes = node_notes or {}
    idgen = ids if isinstance(ids, NodeIds) else NodeIds(ids)
    printed = set() if done is None else done
    lines = []
    if depth == 0:
        return ""
    for out in outputs:
        # (variable, level, the prefix of its line, the prefix of its inputs' lines): an input
        # that is not its node's last one keeps a '|' under it, as in Theano's printout
        stack = [(out, 0, line_prefix, line_prefix)]
        while stack:
            var, level, prefix, prefix_child = stack.pop()
            if visit is not None:
                visit(var)
            node = var.owner
            type_str = f" <{var.type}>" if print_type else ""
            if node is None:
                note = f" {leaf_notes[var]}" if var in leaf_notes else ""
                lines.append(f"{prefix}{var} {idgen.get(var)}{type_str}{stored(var)}{note}")
                continue
            label = str(node.op)
            if len(node.outputs) > 1:
                label += f".{var.index}"
            dmap = dict(getattr(node.op, "destroy_map", None) or {}) if print_destroy_map else {}
            vmap = dict(getattr(node.op, "view_map", None) or {}) if print_view_map else {}
            destroy = f"d={dmap}" if dmap else ""
            view = f"v={vmap}" if vmap else ""
            order = str(positions[node]) if node in positions else ""
            if node in paths:
                order += f" [{paths[node]}]"
            already = node in printed
            node_id = idgen.get(node)
            lines.append(f"{prefix}{label} {node_id}{type_str} '{var.name or ''}' "
                         f"{destroy} {view} {order}{stored(var)}{client_list(var)}"
                         f"{node_notes.get(node, '')}")
            if already or (depth != -1 and level >= depth - 1) or \
                    (stop_on_name and var.name and level > 0):
                continue
            if isinstance(printed, dict):   # Theano's ``done``: {node: its id}
                printed[node] = node_id
            else:
                printed.add(node)
            last = len(node.inputs) - 1
            for k in range(last, -1, -1):
                stack.append((node.inputs[k], level + 1, prefix_child + " |",
                              prefix_child + ("  " if k == last else " |")))
    return "\n".join(lines)
