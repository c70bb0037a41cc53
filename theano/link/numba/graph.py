"""Whole-graph compilation: a hot graph made only of ops Numba can express becomes one Numba function.

Per-node calls cost about a microsecond each (argument unboxing, allocation of the result); for the
small graphs of tutorials and samplers that dominates. When every node of a graph is an Elemwise
with a Numba kernel, a DimShuffle, a Sum/Prod/Max/Min, a Shape_i, a Dot/Gemm/Gemv, a Subtensor of
int indices and slices (constant or symbolic), or a node whose op writes its own lines
(``numba_graph_code``: a Scan, whose inner graph and step loop become functions of the module,
and scan's row ops), the whole graph is generated as one module::

    @numba.njit(...)
    def _n0(i0, i1): ...            # the Elemwise loop nest of node 0 (see elemwise.py)

    def _graph(i0, i1, c0):
        v0 = _n0(i0, c0)[0]
        v1 = _sum_all_float64(v0)
        ...
        return (v1, v3)

    graph = numba.njit(cache=True, ...)(_graph)

compiled (and cached on disk like the kernels) at the first call that uses it, and called with one
dispatch. Constants are passed as arguments, or frozen into the code when small.

Which calls use it is fixed when the function is compiled: the graph must be expressible (every
node above, from ``MIN_NODES`` to ``MAX_NODES`` of them), ``config.numba__whole_graph`` on and
no profiling; then a call whose every input read by elementwise loops (directly or through
DimShuffles: an input read only by products does not count) has at most
``config.numba__whole_graph_max_size`` elements runs the whole-graph function, and a call with a bigger input runs the per-node code
(whose NumPy ufuncs and BLAS calls win there); so does a call where the elementwise loops that
libm makes slow (exp, tanh, ... by elemwise.py's cost table) would cost, at the sizes the input
shapes give them, more than the per-node calls the whole graph saves (``PER_NODE_NS`` each). The choice depends on nothing but the inputs' shapes: never on timings or call counts,
so the same inputs give the same bits at every call. Input types numba refuses (a layout it cannot
type) run the per-node code, as does a call that fails at run time, which then raises the per-node
error with its node and user line.
"""

import math
import re
import threading

import numpy as np

from theano.graph.basic import Constant
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.blas import Gemm, Gemv
from theano.tensor.math import Dot
from theano.tensor.reshaping import Shape_i
from theano.tensor.subtensor import IncSubtensor, Subtensor

from theano.link import blas_threads
from theano.link.numba import elemwise as nbe

# Graphs of more nodes than this are not compiled whole (compile time grows with the graph), nor
# graphs of fewer than MIN_NODES (one or two per-node calls cost no more than one Numba dispatch
# with its boxing of arguments and results, so the compilation would buy nothing).
MAX_NODES = 40
MIN_NODES = 3
# What the whole-graph function saves per node (one call of the per-node code), in ns: a call runs
# it only when the libm penalty of its elementwise loops (their sizes, from the input shapes, times
# the per-element cost NumPy's SIMD ufuncs would save, from elemwise.py's static table) is smaller.
PER_NODE_NS = 1000.0

# constants of at most this many elements are module globals (numba freezes them into the code)
# instead of arguments of the graph function
INLINE_CONST = 16


def _dtype_expr(dtype):
    return "np.bool_" if dtype == "bool" else f"np.{dtype}"


def _as0d(out, dtype, value):
    """Lines making the 0-d array ``out`` of ``dtype`` holding ``value``."""
    return [f"{out} = np.empty((), dtype={_dtype_expr(dtype)})", f"{out}[()] = {value}"]


_KERNEL_NAME = re.compile(r"\b([ijnato])(\d+)\b")


def _inline_kernel(lines, k, ins, outs):
    """The body of a kernel ``def`` (from ``nbe.kernel_def_lines``) as lines of the graph function:
    its names prefixed with ``_{k}``, its arguments bound to ``ins`` and its result to ``outs``.
    One function for the whole graph compiles much faster than one per node."""
    body = [f"_{k}i{j} = {name}" for j, name in enumerate(ins)]
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("return ("):
            results = [r.strip() for r in stripped[len("return ("):-1].split(",") if r.strip()]
            body.extend(f"{o} = _{k}{r}" for o, r in zip(outs, results))
            continue
        body.append(_KERNEL_NAME.sub(lambda m: f"_{k}{m.group(1)}{m.group(2)}", line[4:]))
    return body


def _program_step_lines(prog, checked=True):
    """The lines computing each step of the scalar program ``prog`` on scalars ``a0, ...`` (the
    names its steps use), or None when a step has no Numba expression."""
    lines = []
    for sop, args, res, od in prog.steps:
        names = [nbe._literal(a[1], a[2]) if isinstance(a, tuple) else a for a in args]
        expr = nbe.scalar_expr(sop, names, [nbe._ref_dtype(prog, a) for a in args], od,
                               checked_casts=checked)
        if expr is None:
            return None
        lines.append(f"    {res} = bool({expr})" if od == "bool" else f"    {res} = np.{od}({expr})")
    return lines


def _scalar_kernel_lines(prog, name, checked=True):
    """Lines of ``def name(i0, ...)`` computing ``prog`` on 0-d arrays (returning 0-d arrays), in
    the form ``kernel_def_lines`` gives; None when a step has no Numba expression."""
    n_in = len(prog.inputs)
    lines = [f"def {name}({', '.join(f'i{k}' for k in range(n_in))}):"]
    lines += [f"    a{k} = i{k}[()]" for k in range(n_in)]
    steps = _program_step_lines(prog, checked)
    if steps is None:
        return None
    lines += steps
    for j, o in enumerate(prog.outputs):
        od = nbe._ref_dtype(prog, o)
        val = nbe._literal(o[1], o[2]) if isinstance(o, tuple) else o
        lines.append(f"    o{j} = np.empty((), dtype={_dtype_expr(od)})")
        lines.append(f"    o{j}[()] = {val}")
    lines.append(f"    return ({''.join(f'o{j}, ' for j in range(len(prog.outputs)))})")
    return lines


def scalar_graph(fgraph, nodes):
    """Whether ``fgraph`` computes on scalars only: 0-d inputs and outputs and Elemwise nodes on
    0-d values. Its function can then take and return plain scalars (``graph_def(scalar=True)``):
    a scan step of such a graph allocates nothing."""
    vs = list(fgraph.inputs) + list(fgraph.outputs)
    if not all(getattr(v.type, "ndim", None) == 0 and str(v.type.dtype) in nbe._NUMBA_DTYPES
               for v in vs):
        return False
    return all(isinstance(n.op, Elemwise) and all(v.ndim == 0 for v in n.inputs + n.outputs)
               for n in nodes)


def _scalar_node_code(node, k, ins, outs, checked=True):
    """Lines computing the 0-d Elemwise ``node`` on the scalars ``ins`` into the scalars
    ``outs`` (the steps of ``_scalar_kernel_lines``, without its 0-d arrays); None when a step
    has no Numba expression."""
    prog = nbe.build_program(node.op.scalar_op, [v.dtype for v in node.inputs],
                             [o.dtype for o in node.outputs])
    if prog is None:
        return None
    n_in = len(prog.inputs)
    lines = [f"def _n{k}({', '.join(f'i{j}' for j in range(n_in))}):"]
    lines += [f"    a{j} = i{j}" for j in range(n_in)]
    steps = _program_step_lines(prog, checked)
    if steps is None:
        return None
    lines += steps
    for j, o in enumerate(prog.outputs):
        od = nbe._ref_dtype(prog, o)
        val = nbe._literal(o[1], o[2]) if isinstance(o, tuple) else o
        lines.append(f"    o{j} = bool({val})" if od == "bool" else f"    o{j} = np.{od}({val})")
    lines.append(f"    return ({''.join(f'o{j}, ' for j in range(len(prog.outputs)))})")
    return _inline_kernel(lines, k, ins, outs)


def _node_code(node, k, ins, outs, checked=True):
    """Lines computing ``node``; None when it cannot be expressed."""
    op = node.op
    if isinstance(op, Elemwise):
        prog = nbe.build_program(op.scalar_op, [v.dtype for v in node.inputs],
                                 [o.dtype for o in node.outputs])
        if prog is None:
            return None
        lines = nbe.kernel_def_lines(prog, [v.broadcastable for v in node.inputs],
                                     node.outputs[0].ndim, f"_n{k}", checked_casts=checked)
        if lines is None and all(v.ndim == 0 for v in node.inputs + node.outputs):
            lines = _scalar_kernel_lines(prog, f"_n{k}", checked)
        if lines is None:
            return None
        return _inline_kernel(lines, k, ins, outs)
    if isinstance(op, DimShuffle):
        x = ins[0]
        ndim_in = len(op.input_broadcastable)
        kept = list(op.shuffle)
        if kept != sorted(kept):
            if op.drop or op.augment:
                return None
            if kept == list(range(len(kept)))[::-1]:
                return [f"{outs[0]} = {x}.T"]   # typed Fortran-ordered for a C-ordered x
            return [f"{outs[0]} = np.transpose({x}, {tuple(kept)!r})"]
        shape = []
        for o in op.new_order:
            shape.append("1" if o == "x" else f"{x}.shape[{o}]")
        if not shape:
            return _as0d(outs[0], node.inputs[0].dtype, f"{x}[{', '.join(['0'] * ndim_in)}]")
        # (Numba's reshape costs ~0.15 s of compilation per process, new axes by indexing less)
        if ndim_in == 0:        # a scalar as a (1, ..., 1) array: a fresh one
            n = len(shape)
            return [f"{outs[0]} = np.empty(({'1, ' * n}), dtype={_dtype_expr(node.inputs[0].dtype)})",
                    f"{outs[0]}[{', '.join(['0'] * n)}] = {x}[()]"]
        lead = len(op.new_order) - ndim_in
        if list(op.new_order) == ["x"] * lead + list(range(ndim_in)):
            # only leading new axes: a C-ordered view
            return [f"{outs[0]} = np.ascontiguousarray({x})[{'None, ' * lead}{':, ' * ndim_in}]"]
        return [f"{outs[0]} = np.ascontiguousarray({x}).reshape(({', '.join(shape)},))"]
    if isinstance(op, CAReduce):
        name = op.scalar_op.name
        if name not in ("add", "mul") or node.inputs[0].dtype == "bool":
            return None     # (max/min: the empty-input error is the reference's)
        acc = op.acc_dtype or node.inputs[0].dtype
        return _reduce_lines(k, ins[0], node.inputs[0].ndim, tuple(op.axis), name == "add",
                             _dtype_expr(acc), outs[0], node.outputs[0].dtype)
    if isinstance(op, Subtensor):
        return _subtensor_lines(node, ins, outs, k)
    if isinstance(op, IncSubtensor):
        # constant slices: Numba clips them as NumPy does
        idx = _const_slices(op.idx_list)
        if idx is None or len(node.inputs) != 2:
            return None
        x, y = ins
        yv = f"{y}[()]" if node.inputs[1].ndim == 0 else y
        lines = [f"{outs[0]} = {x}" if op.inplace else f"{outs[0]} = {x}.copy()"]
        if op.set_instead_of_inc:
            lines.append(f"{outs[0]}[{idx}] = {yv}")
        else:
            lines.append(f"_p{k} = {outs[0]}[{idx}]")
            lines.append(f"_p{k} += {yv}")
        return lines
    if isinstance(op, Shape_i):
        return _as0d(outs[0], "int64", f"{ins[0]}.shape[{op.i}]")
    if isinstance(op, Dot):
        a, b = node.inputs
        if a.dtype != b.dtype or a.dtype not in ("float32", "float64"):
            return None
        fn = {(2, 2): "mm", (2, 1): "mv", (1, 2): "vm", (1, 1): "vv"}.get((a.ndim, b.ndim))
        if fn is None:
            return None
        return [f"{outs[0]} = _bl.{fn}({ins[0]}, {ins[1]})"]
    if isinstance(op, (Gemv, Gemm)):
        # b * z + a * dot(x, y) as BLAS computes it (the per-node op's bits), in a fresh array
        # (always allowed; the in-place variant only may reuse z)
        z, a, x, y, b = ins
        if node.outputs[0].dtype not in ("float32", "float64") or \
                len({v.dtype for v in node.inputs}) != 1:
            return None
        fn = "gemm" if isinstance(op, Gemm) else "gemv"
        return [f"{outs[0]} = _bl.{fn}({z}, {a}[()], {x}, {y}, {b}[()])"]
    return None


def _reduce_lines(k, x, ndim, axes, add, acc_t, out, out_dtype):
    """Lines of a Sum (``add``) or Prod of ``x`` over ``axes``: loops over ``x`` in C order,
    each output entry the sequential sum (product) of its entries in the accumulator type
    ``acc_t``. (Numba's ``np.sum``/``np.prod`` compile in about 0.2 s per signature, and with an
    ``axis`` 2 s, most of it the formatting of their axis error: a third of a small training
    step's first call.)"""
    op_, unit = ("+=", 0) if add else ("*=", 1)
    kept = [d for d in range(ndim) if d not in axes]
    if kept:
        shape = "".join(f"{x}.shape[{d}], " for d in kept)
        lines = [f"_s{k} = np.empty(({shape}), dtype={acc_t})", f"_s{k}.fill({unit})"]
        target = f"_s{k}[{', '.join(f'_q{k}_{d}' for d in kept)}]"
    else:
        lines = [f"_s{k} = {acc_t}({unit})"]
        target = f"_s{k}"
    for d in range(ndim):
        lines.append("    " * d + f"for _q{k}_{d} in range({x}.shape[{d}]):")
    index = ", ".join(f"_q{k}_{d}" for d in range(ndim)) if ndim else "()"
    lines.append("    " * ndim + f"{target} {op_} {acc_t}({x}[{index}])")
    if not kept:
        return lines + _as0d(out, out_dtype, f"_s{k}")
    if _dtype_expr(out_dtype) == acc_t:
        return lines + [f"{out} = _s{k}"]
    return lines + [f"{out} = _s{k}.astype({_dtype_expr(out_dtype)})"]


def _subtensor_lines(node, ins, outs, k):
    """``x[i, a:b:c, ...]``: int indices and slice bounds constant or symbolic (scalar inputs of
    the node, read as ``ins[1:]``). Numba clips slices as NumPy does but checks neither the bounds
    of an int index nor a zero step, so the lines check those (raising, and the per-node code then
    raises its own error); None for other indices."""
    from theano.tensor.subtensor import SYM

    x = ins[0]
    scalars = iter(ins[1:])
    parts, lines = [], []

    def scalar():
        name = next(scalars)
        return f"{name}[()]"

    for d, e in enumerate(node.op.idx_list):
        if e == SYM or (isinstance(e, int) and not isinstance(e, bool)):
            if e == SYM:
                i = f"_s{k}_{d}"
                lines.append(f"{i} = {scalar()}")
            else:
                i = str(e)
            parts.append(i)
            lines += [f"if not -{x}.shape[{d}] <= {i} < {x}.shape[{d}]:",
                      "    raise IndexError('index out of range')"]
        elif isinstance(e, tuple) and len(e) == 3:
            texts = []
            for j, c in enumerate(e):
                if c == SYM:
                    name = f"_s{k}_{d}_{j}"
                    lines.append(f"{name} = {scalar()}")
                    if j == 2:
                        lines += [f"if {name} == 0:", "    raise ValueError('slice step cannot be zero')"]
                    texts.append(name)
                elif c is None:
                    texts.append("")
                elif isinstance(c, int) and not isinstance(c, bool):
                    if j == 2 and c == 0:
                        return None
                    texts.append(str(c))
                else:
                    return None
            parts.append(f"{texts[0]}:{texts[1]}" + (f":{texts[2]}" if texts[2] else ""))
        else:
            return None
    if not parts:
        return None
    if node.outputs[0].ndim == 0:
        return lines + _as0d(outs[0], node.outputs[0].dtype, f"{x}[{', '.join(parts)}]")
    return lines + [f"{outs[0]} = {x}[{', '.join(parts)}]"]


def _const_slices(idx_list):
    """``idx_list`` of constant slices as Python index text (``':, 2:5'``), else None."""
    parts = []
    for e in idx_list:
        if not isinstance(e, tuple) or any(c is not None and not isinstance(c, int) for c in e):
            return None
        start, stop, step = ("" if c is None else str(c) for c in e)
        parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
    return ", ".join(parts) if parts else None


# Lines of the whole-graph function for the nodes of an op class that another module of this
# backend can express: ``{op class: fn(node, k, ins, outs, mod)}`` -> lines, or None (the form of
# an op's own ``numba_graph_code``). ``ops_nnet`` registers the softmax family here.
GRAPH_CODE = {}


class Module:
    """The module-level parts of one generated module: constants frozen into the code
    (``_k0``, ...), constants passed as arguments (``c0``, ...: every function of the module
    names an argument constant the same way) and further functions (``defs``: the inner graph
    and step loop of a Scan in the graph)."""

    def __init__(self):
        self.inlined = []
        self.consts = []
        self.defs = []
        self.unread = set()     # outputs of the node being generated that nothing reads
        self._count = 0
        self._added = set()
        # float-to-integer casts that raise out of range (``nbe.scalar_expr``): only where a
        # raising call runs again on the per-node code (not a loop that overwrote its inputs)
        self.checked_casts = True

    def add_defs(self, key, lines):
        """Add module-level ``lines`` (helper functions) once per ``key``."""
        if key not in self._added:
            self._added.add(key)
            self.defs.extend(lines)

    def fresh(self, base):
        """A new module-level name starting with ``base``."""
        self._count += 1
        return f"{base}{self._count}"

    def const(self, data, inline=True):
        """The name of constant ``data`` in the module's functions: ``_k<j>`` (frozen into the
        code) when small, else the argument ``c<j>`` (of the function being generated and of
        those that call it)."""
        if inline and data.size <= INLINE_CONST and str(data.dtype) in nbe._NUMBA_DTYPES and \
                (data.dtype.kind != "f" or np.isfinite(data).all()):
            name = f"_k{len(self.inlined)}"
            self.inlined.append(f"{name} = np.array({data.tolist()!r}, "
                                f"dtype={_dtype_expr(str(data.dtype))}).reshape({data.shape!r})")
            return name
        self.consts.append(data)
        return f"c{len(self.consts) - 1}"

    def source(self, main):
        """The module's source, ``main`` (lines of a function) last."""
        body = self.defs + main
        header = ["import numba.extending"] + nbe.kernel_header(body)
        if any("_bl." in line for line in body):
            # matrix products (blas_calls: compiled in milliseconds where np.dot takes ~0.35 s)
            header.append("from theano.link.numba import blas_calls as _bl")
        return "\n".join(header + [""] + self.inlined + body) + "\n"


def graph_def(fgraph, nodes, fname, mod, scalar=False):
    """Lines of ``def fname(i0, ..., c<j>, ...)`` computing ``fgraph`` (and of
    ``fname[1:] = numba.njit(...)(fname)``) and the names of its constant arguments; None when
    a node cannot be expressed. A node whose op has a method ``numba_graph_code(node, k, ins,
    outs, mod)`` gets its lines from it (a Scan: its loop as module functions of ``mod``).
    ``scalar`` (a graph ``scalar_graph`` accepts): the function takes and returns scalars (its
    constant arguments stay 0-d arrays)."""
    names = {}
    first_const = len(mod.consts)
    for k, v in enumerate(fgraph.inputs):
        names[v] = f"i{k}"
    body = []
    count = 0
    read = set(fgraph.outputs)
    for node in nodes:
        read.update(node.inputs)
    for k, node in enumerate(nodes):
        for v in node.inputs:
            if v not in names:
                if not isinstance(v, Constant) or not isinstance(v.data, np.ndarray):
                    return None
                names[v] = mod.const(v.data)
                if scalar:
                    names[v] += "[()]"
        outs = []
        for v in node.outputs:
            names[v] = f"v{count}"
            outs.append(names[v])
            count += 1
        ins = [names[v] for v in node.inputs]
        mod.unread = {names[v] for v in node.outputs if v not in read}
        hook = getattr(node.op, "numba_graph_code", None) or GRAPH_CODE.get(type(node.op))
        if scalar:
            code = _scalar_node_code(node, k, ins, outs, mod.checked_casts)
        elif hook is not None:
            code = hook(node, k, ins, outs, mod)
        else:
            code = _node_code(node, k, ins, outs, mod.checked_casts)
        if code is None:
            return None
        body.extend("    " + line for line in code)
    for v in fgraph.outputs:
        if v not in names:
            if not isinstance(v, Constant):
                return None
            names[v] = mod.const(v.data, inline=False)
            if scalar:
                names[v] += "[()]"
    # its constants and those of the functions its nodes added (a Scan's loop) are arguments
    used = [f"c{j}" for j in range(first_const, len(mod.consts))]
    args = [f"i{k}" for k in range(len(fgraph.inputs))] + used
    lines = ["", "", f"def {fname}({', '.join(args)}):"] + body
    lines.append(f"    return ({''.join(names[v] + ', ' for v in fgraph.outputs)})")
    lines += ["", "", f"{fname[1:]} = numba.njit({nbe.NJIT_FLAGS})({fname})"]
    return lines, used


def graph_source(fgraph, nodes):
    """(module source, constants in argument order) of the whole-graph function ``graph(i0, ...,
    c0, ...)``, or None."""
    mod = Module()
    built = graph_def(fgraph, nodes, "_graph", mod)
    if built is None:
        return None
    return mod.source(built[0]), mod.consts


def _weight(nodes):
    """The nodes' count for MIN_NODES: a Gemm/Gemv counts twice (its per-node call checks its
    operands' layouts and calls SciPy's BLAS wrapper, about the cost of two ufunc calls), so a
    product and one elementwise node (tanh(b * z + a * dot(x, y))) compile whole too."""
    return sum(2 if isinstance(n.op, (Gemv, Gemm)) else 1 for n in nodes)


class WholeGraph:
    """The whole-graph tier of one compiled function (see module doc)."""

    def __init__(self, fgraph, nodes):
        # only arrays go through the compiled function (a random state or a recorded sequence of
        # them, inputs of a gradient loop, cannot be Numba arguments)
        arrays_only = all(hasattr(v.type, "broadcastable") for v in fgraph.inputs)
        built = graph_source(fgraph, nodes) if MIN_NODES <= _weight(nodes) and \
            len(nodes) <= MAX_NODES and arrays_only else None
        self.ok = built is not None
        self.fgraph = fgraph
        self.nodes = nodes
        self.lock = threading.Lock()
        if self.ok:
            self.source, self.consts = built
            self.out_dtypes = [np.dtype(v.dtype) for v in fgraph.outputs]

    def thunk(self, per_node, max_size):
        """A thunk running the whole-graph function when every input has at most ``max_size``
        elements, else ``per_node``."""
        glb = {"_per_node": per_node}
        penalty = _libm_penalty(self.fgraph, self.nodes)
        if penalty is None:      # sizes not known from the input shapes: every input counts
            checked = [f"i{k}" for k, v in enumerate(self.fgraph.inputs) if v.ndim > 0]
        else:
            checked = [f"i{k}" for k, v in enumerate(self.fgraph.inputs)
                       if v.ndim > 0 and _feeds_elementwise(self.fgraph, v)]
        conds = [f"{c}.size > {int(max_size)}" for c in checked]
        if penalty:
            conds.append(f"{' + '.join(penalty)} > {PER_NODE_NS * len(self.nodes)!r}")
        flops = _product_flops(self.fgraph, self.nodes)
        limit = blas_threads.limit() if flops else 0
        n_in = len(self.fgraph.inputs)
        ins = [f"i{k}" for k in range(n_in)]
        in_list = f"[{', '.join(ins)}]"
        # _lean: [the compiled graph, the careful runner] once a call has checked them (see
        # _runner), a list shared with copies of these globals; the call runs the graph
        # directly, with the constants as globals _c<j>
        lean = [None, None]
        glb["_lean"] = lean
        for j, c in enumerate(self.consts):
            glb[f"_c{j}"] = c
        g_args = ", ".join(ins + [f"_c{j}" for j in range(len(self.consts))])
        # the body computing ``_wout`` (the outputs, a list or tuple) from i0, i1, ...: the
        # thunk's, and the one a caller may run inline (thunk.inline, compile/function.py)
        body = []
        branch = "if"
        if conds:
            body += [f"if {' or '.join(conds)}:", f"    _wout = _per_node({in_list})"]
            branch = "elif"
        if limit:
            # its products on one BLAS thread when they are small (see theano.link.blas_threads)
            glb["_one_thread"] = blas_threads.one_thread
            body += [f"{branch} {blas_threads.ALWAYS_ONE_THREAD_BELOW} <= {' + '.join(flops)} "
                     f"< {limit}:", f"    _wout = _one_thread(_run, {in_list})"]
            branch = "elif"
        run = ["_wg = _lean[0]",
               "if _wg is not None:",
               "    try:",
               f"        _wout = _wg({g_args})",
               "    except Exception:",
               f"        _wout = _lean[1]({in_list})",
               "else:",
               f"    _wout = _run({in_list})"]
        if branch == "elif":
            body += ["else:"] + ["    " + line for line in run]
        else:
            body += run
        lines = ["def thunk(inputs):"]
        if n_in:
            lines.append(f"    {''.join(f'{i}, ' for i in ins)}= inputs")
        lines += ["    " + line for line in body]
        lines.append("    return list(_wout)")
        self.thunk_source = "\n".join(lines) + "\n"

        def first(inputs):
            with self.lock:
                if glb["_run"] is first:
                    glb["_run"] = self._runner(per_node, glb, lean)
            return glb["_run"](inputs)

        glb["_run"] = first
        exec(compile("\n".join(lines) + "\n", "<theano-ng whole-graph thunk>", "exec"), glb)
        thunk = glb["thunk"]
        thunk.source = per_node.source
        thunk.per_node = per_node
        thunk.graph_source = self.source
        thunk.whole_graph_max_size = int(max_size)
        thunk.rule_source = self.thunk_source
        n_out = len(self.fgraph.outputs)
        outs = [f"_wo{j}" for j in range(n_out)]
        thunk.inline = {
            "body": ["        " + line for line in body]
                    + [f"        {''.join(o + ', ' for o in outs)}= _wout"],
            "line_node": {},        # errors come re-raised with their node by the per-node code
            "inputs": ins,
            "outputs": outs,
            "globals": glb,
            "error_handler": lambda code, line_node: _reraise,
        }
        return thunk

    def _runner(self, per_node, glb, holder):
        """The function running the compiled graph (compiled now), or ``per_node`` when numba
        cannot build it or it does not give the declared dtypes (facts of the graph's types).
        Once a call has succeeded with no input types refused, ``holder`` gets the graph and
        the careful runner, and the thunk calls the graph itself."""
        from theano.link.numba.cache import load_module

        try:
            graph = load_module(self.source).graph
        except Exception:
            return per_node
        consts = tuple(self.consts)
        out_dtypes = self.out_dtypes
        refused = set()
        state = {"checked": False}

        def type_key(inputs):
            return tuple((a.dtype, a.ndim, a.flags.c_contiguous, a.flags.f_contiguous,
                          a.flags.writeable) if isinstance(a, np.ndarray) else type(a)
                         for a in inputs)

        def careful(inputs):
            # until one call has succeeded: refused input types and the dtype check
            if refused and type_key(inputs) in refused:
                return per_node(inputs)
            try:
                outs = graph(*inputs, *consts)
            except Exception as exc:
                if _is_numba_error(exc):
                    refused.add(type_key(inputs))
                return per_node(inputs)     # gives a run-time error its node and user line
            if not state["checked"]:
                if [o.dtype for o in outs] != out_dtypes:
                    glb["_run"] = per_node
                    return per_node(inputs)
                state["checked"] = True
            if not refused:
                glb["_run"] = lean
                holder[1] = careful
                holder[0] = graph
            return list(outs)

        def lean(inputs):
            try:
                return list(graph(*inputs, *consts))
            except Exception:
                return careful(inputs)

        return careful


def _reraise(exc):
    raise exc


def _dims(fgraph, nodes):
    """For each variable, its dimensions as expressions of the input shapes (``'i0.shape[1]'``,
    ``'1'``), or None where they are not known that way."""
    dims = {}
    for k, v in enumerate(fgraph.inputs):
        bcast = getattr(v.type, "broadcastable", None)
        if bcast is not None:           # a random state or other non-tensor input has no dims
            dims[v] = ["1" if b else f"i{k}.shape[{d}]" for d, b in enumerate(bcast)]
    for node in nodes:
        for v in node.inputs:
            if v not in dims and isinstance(v, Constant):
                dims[v] = [str(int(n)) for n in np.shape(v.data)]
        ins = [dims.get(v) for v in node.inputs]
        op = node.op
        out = None
        if isinstance(op, Elemwise) and all(i is not None for i in ins):
            out = []
            for d in range(node.outputs[0].ndim):
                src = [i[d] for i, v in zip(ins, node.inputs) if not v.broadcastable[d]]
                out.append(src[0] if src else "1")
        elif isinstance(op, DimShuffle) and ins[0] is not None:
            out = ["1" if o == "x" else ins[0][o] for o in op.new_order]
        elif isinstance(op, CAReduce) and ins[0] is not None:
            axes = op.axis if op.axis is not None else range(len(ins[0]))
            out = [x for d, x in enumerate(ins[0]) if d not in axes]
        elif isinstance(op, Dot) and ins[0] is not None and ins[1] is not None:
            a, b = ins
            out = (a[:1] if len(a) == 2 else []) + (b[1:] if len(b) == 2 else [])
        elif isinstance(op, (Gemv, Gemm)) and ins[0] is not None:
            out = list(ins[0])
        elif isinstance(op, Shape_i):
            out = []
        elif isinstance(op, IncSubtensor) and ins[0] is not None:
            out = list(ins[0])
        elif isinstance(op, Subtensor) and ins[0] is not None and \
                _const_slices(op.idx_list) is not None:
            out = [f"len(range(*slice{tuple(e)!r}.indices({d})))" for e, d in zip(op.idx_list, ins[0])]
            out += list(ins[0][len(op.idx_list):])
        for o in node.outputs:
            dims[o] = out
    return dims


def _product_flops(fgraph, nodes):
    """Terms (multiply-adds, expressions of the input shapes) of the graph's products; [] when it
    has none or their sizes are not known that way."""
    dims = _dims(fgraph, nodes)
    terms = []
    for node in nodes:
        op = node.op
        if isinstance(op, Dot):
            a, b = dims.get(node.inputs[0]), dims.get(node.inputs[1])
        elif isinstance(op, (Gemv, Gemm)):
            a, b = dims.get(node.inputs[2]), dims.get(node.inputs[3])
        else:
            continue
        if a is None or b is None:
            return []
        factors = list(a) + (b[-1:] if len(b) == 2 else [])
        terms.append(" * ".join(factors) or "1")
    return terms


def _libm_penalty(fgraph, nodes, kernel_upto=None):
    """Terms ``'g * size'`` (ns) of the elementwise nodes whose steps NumPy's SIMD ufuncs compute
    faster than the libm functions the whole-graph loops call; None when the size of such a node
    is not an expression of the input shapes. ``kernel_upto``: {node: the largest size at which
    the per-node code runs that node's Numba kernel too}, where no penalty is counted."""
    dims = _dims(fgraph, nodes)
    kernel_upto = kernel_upto or {}
    terms = []
    for node in nodes:
        if not isinstance(node.op, Elemwise):
            continue
        prog = nbe.build_program(node.op.scalar_op, [v.dtype for v in node.inputs],
                                 [o.dtype for o in node.outputs])
        if prog is None:
            continue
        nb, npc, _ = nbe.program_costs(prog)
        gain = nb - npc
        if gain <= nbe.HEAVY_GAIN_NS:
            continue
        shape = dims.get(node.outputs[0])
        if shape is None:
            return None
        size = " * ".join(shape) or "1"
        upto = kernel_upto.get(node)
        if upto is None:
            terms.append(f"{gain:.3g} * {size}")
        elif upto != math.inf:
            terms.append(f"(0.0 if ({size}) <= {int(upto)} else {gain:.3g} * ({size}))")
    return terms


def _feeds_elementwise(fgraph, var):
    """Whether ``var`` reaches an Elemwise or a reduction directly (through DimShuffles only): the
    inputs whose size decides whether elementwise loops belong in the whole-graph function. An
    input read only by products (a data matrix) is computed by BLAS on either path."""
    clients = getattr(fgraph, "clients", None)
    if clients is None:
        return True
    todo, seen = [var], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        for node, _ in clients.get(v, ()):
            if node == "output":
                continue
            op = getattr(node, "op", None)
            if isinstance(op, (Elemwise, CAReduce)):
                return True
            if isinstance(op, DimShuffle):
                todo.extend(node.outputs)
    return False


def _is_numba_error(exc):
    try:
        from numba.core.errors import NumbaError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, NumbaError)
