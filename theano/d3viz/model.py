"""What the interactive page shows: the nodes and edges of a graph with their details."""

import numpy as np

from theano.graph.basic import Constant
from theano.printing import _GraphView

LABEL_CHARS = 48        # longer labels are shortened on the picture (the details keep them whole)
CHAR_WIDTH = 7.0        # px per character of the 12px label font (a generous estimate)


def _short(s, n=LABEL_CHARS):
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def _shape_of_type(t):
    """The static shape a variable's type promises: ``(1, ?)`` for a row, ``()`` for a scalar."""
    bc = getattr(t, "broadcastable", None)
    if bc is None:
        return None
    static = getattr(t, "shape", None)
    dims = []
    for k, b in enumerate(bc):
        s = static[k] if isinstance(static, tuple) and k < len(static) else None
        dims.append(str(s) if isinstance(s, int) else ("1" if b else "?"))
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _fmt_time(t):
    if t >= 1.0:
        return f"{t:.3f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3f} ms"
    return f"{t * 1e6:.1f} \u00b5s"


def _var_details(var, role):
    d = {"role": role, "type": str(var.type)}
    if var.name:
        d["name"] = var.name
    dtype = getattr(var.type, "dtype", None)
    if dtype is not None:
        d["dtype"] = str(dtype)
    shape = _shape_of_type(var.type)
    if shape is not None:
        d["static shape"] = shape
    if isinstance(var, Constant):
        val = np.asarray(var.data)
        text = np.array2string(val, threshold=20, max_line_width=60)
        d["value"] = text if len(text) < 400 else text[:400] + "\u2026"
    return d


MAX_INNER_DEPTH = 4     # Scan / OpFromGraph inner graphs drawn down to this nesting depth


def build_model(fct, _depth=0, _input_labels=None, _inner_cache=None):
    """``{"nodes": [...], "edges": [...], "profile": {...} or None, "title": str}`` for ``fct``
    (a compiled function, a FunctionGraph, a variable or a list of variables).

    Nodes: one per apply node (``kind`` "apply"), per graph input ("input", "shared" for the
    implicit inputs of a compiled function, "constant") and per output ("output"). Edges go
    from a graph input or an apply node to the apply node using its result (an unnamed
    intermediate variable is not a node of its own; its type is the edge's label) and from the
    apply node computing an output to the output's node."""
    from theano.compile.function import Function

    view = _GraphView(fct)
    labels = _input_labels or {}
    inner_cache = {} if _inner_cache is None else _inner_cache
    n_explicit = None
    if isinstance(fct, Function):
        n_explicit = getattr(fct.maker.fgraph, "n_explicit_inputs", None)
    prof = view.profile
    profiled = prof is not None and getattr(prof, "apply_time", None) is not None
    total_apply = sum(float(prof.apply_time.get(n, 0.0)) for n in view.topo) if profiled else 0.0
    call_time = float(getattr(prof, "fct_call_time", 0.0) or 0.0) if profiled else 0.0
    calls = int(getattr(prof, "fct_callcount", 0) or 0) if profiled else 0

    nodes, edges, ids = [], [], {}

    def add(obj, kind, label, details, lines=None):
        nid = f"n{len(nodes)}"
        ids[obj] = nid
        text = [_short(label)] + (lines or [])
        w = max(len(t) for t in text) * CHAR_WIDTH + (34 if kind == "apply" else 20)
        h = 18 + 15 * len(text)
        nodes.append({"id": nid, "kind": kind, "label": text, "title": label,
                      "details": details, "w": round(max(w, 40.0), 1), "h": float(h)})
        return nodes[-1]

    input_pos = {v: k for k, v in enumerate(view.inputs)}
    for var in view.inputs:
        if isinstance(var, Constant):
            kind = "constant"
            label = str(var)
        elif n_explicit is not None and input_pos[var] >= n_explicit:
            kind = "shared"
            label = var.name or str(var.type)
        else:
            kind = "input"
            label = var.name or labels.get(var) or str(var.type)
        add(var, kind, label, _var_details(var, kind))

    for k, node in enumerate(view.topo):
        op = node.op
        det = {"op": str(op), "op class": f"{type(op).__module__}.{type(op).__name__}",
               "position": str(k)}
        for j, i in enumerate(node.inputs):
            det[f"input {j}"] = f"{i.name + ': ' if i.name else ''}{i.type}"
        for j, o in enumerate(node.outputs):
            det[f"output {j}"] = f"{o.name + ': ' if o.name else ''}{o.type}"
            shape = _shape_of_type(o.type)
            if shape is not None:
                det[f"output {j} static shape"] = shape
        for attr in ("destroy_map", "view_map"):
            m = getattr(op, attr, None)
            if m:
                det[attr] = str(dict(m))
        inner = getattr(op, "inner_outputs", None)
        if inner:
            from theano.printing import debugprint

            try:
                det["inner graph"] = debugprint(list(inner), file="str")
            except Exception as e:  # a picture must not fail because of one detail
                det["inner graph"] = f"(could not print: {e})"
        lines = []
        time = None
        if profiled:
            time = float(prof.apply_time.get(node, 0.0))
            share = 100.0 * time / total_apply if total_apply > 0 else 0.0
            det["time"] = _fmt_time(time)
            det["share of node time"] = f"{share:.2f} %"
            if calls:
                det["time per call"] = _fmt_time(time / calls)
            ncalls = getattr(prof, "apply_callcount", {}).get(node) if hasattr(prof, "apply_callcount") else None
            if ncalls is not None:
                det["node calls"] = str(ncalls)
            seen = getattr(prof, "apply_shapes", {}).get(node) if hasattr(prof, "apply_shapes") else None
            if seen:
                det["input shapes seen"] = "; ".join(
                    " ".join(str(tuple(s)) for s in shapes) + f" \u00d7{n}" for shapes, n in seen.items())
            path = getattr(prof, "node_path", {}).get(node) if hasattr(prof, "node_path") else None
            if path:
                det["ran as"] = str(path)
            lines.append(f"{_fmt_time(time)} ({share:.1f}%)")
        entry = add(node, "apply", str(op), det, lines)
        entry["optype"] = type(op).__name__
        if inner and _depth < MAX_INNER_DEPTH:
            # the inner graph, drawn when the node is opened (one model per op, however often used)
            if id(op) not in inner_cache:
                ins = list(getattr(op, "inner_inputs", []) or [])
                names = {v: f"inner input {j}" for j, v in enumerate(ins)}
                inner_cache[id(op)] = build_model(list(inner), _depth + 1, names, inner_cache)
                inner_cache[id(op)]["title"] = getattr(op, "name", None) or type(op).__name__
            entry["inner"] = inner_cache[id(op)]
        if time is not None:
            entry["time"] = time
            entry["share"] = (time / total_apply) if total_apply > 0 else 0.0
        destroyed = {i for v in (getattr(op, "destroy_map", None) or {}).values() for i in v}
        viewed = {i for v in (getattr(op, "view_map", None) or {}).values() for i in v}
        for j, var in enumerate(node.inputs):
            src = var.owner if var.owner is not None else var
            if src not in ids:
                vk = "constant" if isinstance(var, Constant) else "input"
                add(var, vk, str(var) if vk == "constant" else (var.name or str(var.type)),
                    _var_details(var, vk))
            kind = "destroy" if j in destroyed else ("view" if j in viewed else "data")
            label = str(var.type) if len(node.inputs) == 1 else f"{j} {var.type}"
            edges.append({"src": ids[src], "dst": ids[node], "label": label, "kind": kind,
                          "var": var.name or ""})

    for k, out in enumerate(view.outputs):
        updated = view.update_of.get(out)
        if updated is not None:
            label = f"{updated.name or 'shared'} (update)"
            role = f"new value of {updated.name or 'a shared variable'}"
        else:
            label = out.name or f"output {k}"
            role = f"output {k}"
        det = _var_details(out, role)
        entry = add(("output", k), "output", label, det)
        entry["title"] = label
        src = out.owner if out.owner is not None else out
        if src in ids:
            edges.append({"src": ids[src], "dst": entry["id"], "label": str(out.type),
                          "kind": "data", "var": out.name or ""})

    profile = None
    if profiled:
        profile = {"calls": calls, "call_time": _fmt_time(call_time),
                   "node_time": _fmt_time(total_apply),
                   "name": str(getattr(prof, "name", "") or "")}
    title = None
    if isinstance(fct, Function):
        title = getattr(fct, "name", None) or getattr(fct.maker, "name", None)
    return {"nodes": nodes, "edges": edges, "profile": profile,
            "title": title or "theano graph"}
