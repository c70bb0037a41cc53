"""Elemwise on the native backend: one path per node, chosen once when the function is compiled.

An Elemwise node (one scalar op, or a fused ``Composite`` whose inner graph is a chain of Elemwise
nodes on 0-d tensors) is first flattened into a *scalar program*: a list of steps
``(scalar_op, argument names, result name, result dtype)``. From it we build

- a NumPy function (one ufunc call per step, on whole arrays or on cache-sized chunks);
- the source of a Numba kernel: one loop nest over the broadcast output shape whose body evaluates
  the steps on scalars, from each scalar op's ``kernel`` template (``"math.exp({0})"``), casting
  each step to its declared dtype so that float32 stays float32 and integers wrap as in NumPy.

The path of a node (``ElemwiseRunner.path``) depends only on static facts: the scalar program
(ops and dtypes), the broadcast pattern and the config flags. It never changes afterwards, so a
compiled function returns the same bits on every call, from the first:

- ``ufunc``: a single scalar op runs as its NumPy ufunc (one pass over memory already, with SIMD
  transcendental functions); ``config.numba__force_kernels`` runs it as a Numba loop instead;
- ``kernel``: a fused chain runs as one Numba loop (no temporaries, one dispatch), compiled (or
  loaded from the disk cache) at the first call; with ``config.numba__parallel`` or
  ``config.openmp`` (both off by default) the loop runs over several threads above
  ``config.numba__parallel_threshold`` elements, with the same values. exp, log, log1p, expm1,
  sin, cos, tanh, sigmoid and softplus are vmath's vectorizable functions (``vmath.py``; no libm
  call, so the whole loop vectorizes); sin/cos arguments beyond vmath's range send the node
  through a second, careful loop (see ``kernel_def_lines``). A chain NumPy still computes faster
  per element (float32 exp/tanh, whose float32 SIMD ufuncs beat vmath's float64 evaluation; pow;
  ...) runs as its NumPy program ('numpy-fused', below) on inputs of at least ``numpy_above``
  elements, a number fixed by the static cost table below: the size where the per-element saving
  pays for NumPy's per-call costs. The path is then a function of the inputs' sizes, never of
  timings or call counts: the same inputs give the same bits at every call;
- ``numpy-fused``: the NumPy program of the node (a fused chain without a Numba kernel, or above
  ``numpy_above``); arrays bigger than a chunk run chunk by chunk (hybrid chunks: the exactly
  rounded steps fused into Numba loops, the others NumPy ufuncs into reused buffers), which gives
  the same values as the NumPy program on the whole array;
- ``numpy``: a scalar op without a program (several outputs...) runs its ``impl``.

Strict Theano broadcasting holds on every path: dimensions not declared broadcastable must have
equal lengths, else ValueError (with the message of the reference implementation).
"""

import math
import threading
import warnings

import numpy as np

from theano.configdefaults import config
from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise, _check_shapes

from theano.link.numba.dispatch import numba_funcify
from theano.link.numba.kernels import template_of

# Elements of the output per NumPy chunk (and the chunk the cost model assumes).
CHUNK = COST_CHUNK = 8192
# Fixed cost of a NumPy call and of a Numba dispatch, in ns (measured on the reference machine).
NUMPY_CALL_NS = 500.0
NUMBA_CALL_NS = 700.0

# Per-element cost in ns (Numba loop, NumPy ufunc on cached data), float64 / float32. The Numba
# costs of exp, log, log1p, expm1, sin, cos, tanh, sigmoid and softplus are those of vmath's
# vectorized functions (computed in float64 for float32 too), the others libm's or LLVM's.
_COSTS = {
    "exp": ((1.05, 0.75), (0.95, 0.48)), "log": ((1.2, 0.93), (1.15, 0.43)),
    "log1p": ((1.3, 1.13), (1.25, 0.5)), "sin": ((1.0, 6.2), (0.95, 0.55)),
    "cos": ((1.0, 5.5), (0.95, 0.57)), "tanh": ((1.55, 1.33), (1.3, 0.32)),
    "sqrt": ((0.9, 0.9), (0.3, 0.27)), "sigmoid": ((1.05, 4.7), (1.0, 3.1)),
    "expm1": ((1.25, 1.1), (1.1, 0.37)), "pow": ((10.3, 2.3), (14.3, 1.05)),
    "true_div": ((0.7, 0.67), (0.3, 0.31)), "erf": ((8.8, 8.6), (7.6, 9.4)),
    "log2": ((4.5, 1.0), (3.0, 0.5)), "log10": ((4.5, 1.0), (3.0, 0.5)),
    "softplus": ((4.0, 6.0), (3.0, 4.0)),
}
_DEFAULT_COST = ((0.25, 0.4), (0.15, 0.25))
# ns per element NumPy must save over the Numba loop for a program to count as libm-heavy (the
# whole-graph tier weighs such programs by their sizes)
HEAVY_GAIN_NS = 1.0

# Scalar ops whose NumPy implementation cannot raise floating-point warnings worth hiding.
_QUIET = {"add", "mul", "sub", "neg", "abs", "sqr", "identity", "maximum", "minimum", "lt", "gt",
          "le", "ge", "eq", "neq", "and_", "or_", "xor", "invert", "switch", "clip", "second",
          "sgn", "floor", "ceil", "trunc", "isnan", "isinf", "round_half_to_even",
          "round_half_away_from_zero"}

_NUMBA_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64"}


# ---------------------------------------------------------------------------------------------
# scalar programs
# ---------------------------------------------------------------------------------------------


class ScalarProgram:
    """Straight-line scalar code: ``steps`` of (scalar_op, arg refs, result ref, result dtype).

    A ref is an input name ``aK``, a temporary ``tK``, or ``("const", value, dtype)``.
    """

    def __init__(self, in_dtypes):
        self.in_dtypes = list(in_dtypes)
        self.inputs = [f"a{k}" for k in range(len(in_dtypes))]
        self.steps = []
        self.outputs = []
        self.dtypes = {n: d for n, d in zip(self.inputs, in_dtypes)}

    def new_temp(self, dtype):
        name = f"t{len(self.steps)}"
        self.dtypes[name] = dtype
        return name


def _is_composite(scalar_op):
    return getattr(scalar_op, "fgraph", None) is not None


def build_program(scalar_op, in_dtypes, out_dtypes):
    """Flatten ``scalar_op`` (a ScalarOp or a Composite, nested composites inlined) into a
    ScalarProgram, or None when some step is not a plain scalar op with one output."""
    prog = ScalarProgram(in_dtypes)
    if not _is_composite(scalar_op):
        if getattr(scalar_op, "nout", 1) != 1:
            return None
        name = prog.new_temp(out_dtypes[0])
        prog.steps.append((scalar_op, list(prog.inputs), name, out_dtypes[0]))
        prog.outputs = [name]
        return prog
    outs = _inline_composite(prog, scalar_op, list(prog.inputs))
    if outs is None:
        return None
    prog.outputs = outs
    return _precast_program(prog)


def _inline_composite(prog, comp, arg_refs):
    from theano.graph.basic import Constant

    fg = comp.fgraph
    env = dict(zip(fg.inputs, arg_refs))
    for node in fg.toposort():
        op = node.op
        if not isinstance(op, Elemwise):
            return None
        refs = []
        for v in node.inputs:
            if v in env:
                refs.append(env[v])
            elif isinstance(v, Constant):
                refs.append(("const", np.asarray(v.data).reshape(()), v.dtype))
            else:
                return None
        sop = op.scalar_op
        if _is_composite(sop):
            outs = _inline_composite(prog, sop, refs)
            if outs is None:
                return None
            for o, r in zip(node.outputs, outs):
                env[o] = r
            continue
        if len(node.outputs) != 1 or getattr(sop, "nout", 1) != 1:
            return None
        out = node.outputs[0]
        name = prog.new_temp(out.dtype)
        prog.steps.append((sop, refs, name, out.dtype))
        env[out] = name
    result = []
    for o in fg.outputs:
        if o in env:
            result.append(env[o])
        elif isinstance(o, Constant):
            result.append(("const", np.asarray(o.data).reshape(()), o.dtype))
        else:
            return None
    return result


def _ref_dtype(prog, ref):
    return ref[2] if isinstance(ref, tuple) else prog.dtypes[ref]


# Ops whose NumPy ufunc computes in the dtype NumPy promotes its inputs to: a constant argument can
# be given in that dtype beforehand (when exact), which saves a cast (and a slower mixed-type loop)
# at every call and gives the same values.
_PRECAST_OPS = (ts.Add, ts.Sub, ts.Mul, ts.TrueDiv, ts.Maximum, ts.Minimum)


def precast_dtype(sop, arg_dtypes, out_dtype):
    """The dtype constant arguments of this step may be converted to beforehand, or None."""
    if not isinstance(sop, _PRECAST_OPS) or np.dtype(out_dtype).kind != "f":
        return None
    if any(d == "bool" for d in arg_dtypes):
        return None
    if isinstance(sop, ts.TrueDiv):
        return out_dtype   # its implementation converts every argument to the output dtype
    try:
        if np.result_type(*[np.dtype(d) for d in arg_dtypes]) != np.dtype(out_dtype):
            return None
    except TypeError:
        return None
    return out_dtype


def precast_value(value, dtype):
    """``value`` (an ndarray) in ``dtype`` when that is exact, else None."""
    value = np.asarray(value)
    if value.dtype == dtype:
        return value
    if value.dtype.kind not in "iuf":
        return None
    with np.errstate(all="ignore"):
        cast = value.astype(dtype)
        if not np.array_equal(cast.astype(value.dtype), value) or \
                not np.array_equal(cast, value, equal_nan=value.dtype.kind == "f"):
            return None
    return cast


def _precast_program(prog):
    for k, (sop, args, res, od) in enumerate(prog.steps):
        if not any(isinstance(a, tuple) for a in args):
            continue
        dt = precast_dtype(sop, [_ref_dtype(prog, a) for a in args], od)
        if dt is None:
            continue
        new_args = []
        for a in args:
            if isinstance(a, tuple) and a[2] != dt:
                v = precast_value(a[1], dt)
                if v is not None:
                    a = ("const", v.reshape(()), dt)
            new_args.append(a)
        prog.steps[k] = (sop, new_args, res, od)
    return prog


# ---------------------------------------------------------------------------------------------
# NumPy implementation of a program
# ---------------------------------------------------------------------------------------------


def _numpy_step(sop, n_args, out_dtype, arg_dtypes=None):
    """A function of arrays computing one step (not yet cast to ``out_dtype``). With the
    arguments' dtypes known, a step whose inputs already have the output dtype is the bare ufunc."""
    impl_fn = getattr(sop, "impl_fn", None)
    plain_impl = type(sop).impl is ts.ScalarOp.impl
    same = arg_dtypes is not None and all(d == out_dtype for d in arg_dtypes)
    if plain_impl and isinstance(impl_fn, np.ufunc) and impl_fn.nin == n_args \
            and (not sop.compute_in_out_dtype or same):
        return impl_fn
    if same and sop.name == "sqr":
        return np.square
    if same and isinstance(sop, ts.TrueDiv) and np.dtype(out_dtype).kind == "f":
        return np.true_divide
    no_bool = arg_dtypes is not None and "bool" not in arg_dtypes  # NumPy's bool + bool is `or`
    if isinstance(sop, ts.Add) and n_args == 2 and no_bool:
        return np.add
    if isinstance(sop, ts.Mul) and n_args == 2 and no_bool:
        return np.multiply
    impl = sop.impl
    od = [out_dtype]

    def step(*xs):
        return impl(*xs, out_dtypes=od)

    return step


def numpy_program_source(prog):
    """Source and globals of ``np_prog(a0, ...) -> tuple of arrays`` (outputs possibly smaller
    than the broadcast shape and possibly numpy scalars; the caller fixes both)."""
    glb = {"np": np, "_nd": np.ndarray, "_asarray": np.asarray}
    lines = [f"def np_prog({', '.join(prog.inputs)}):"]
    consts = {}

    def ref(r):
        if isinstance(r, tuple):
            key = (repr(r[1].item()), r[2])
            if key not in consts:
                cname = f"c{len(consts)}"
                consts[key] = cname
                glb[cname] = np.asarray(r[1], dtype=r[2])
            return consts[key]
        return r

    for k, (sop, args, res, od) in enumerate(prog.steps):
        fname = f"_f{k}"
        glb[fname] = _numpy_step(sop, len(args), od, [_ref_dtype(prog, a) for a in args])
        glb[f"_d{k}"] = np.dtype(od)
        lines.append(f"    {res} = {fname}({', '.join(ref(a) for a in args)})")
        lines.append(f"    if {res}.dtype is not _d{k}: {res} = _asarray({res}).astype(_d{k})")
    outs = [ref(o) for o in prog.outputs]
    lines.append(f"    return ({', '.join(outs)},)")
    return "\n".join(lines) + "\n", glb


def make_numpy_program(prog):
    src, glb = numpy_program_source(prog)
    exec(compile(src, "<theano-ng numpy elemwise>", "exec"), glb)
    return glb["np_prog"]


def program_is_quiet(prog):
    return all(s[0].name in _QUIET or isinstance(s[0], ts.Cast) and s[3] != "bool" and
               not np.issubdtype(np.dtype(s[3]), np.integer) for s in prog.steps)


# ---------------------------------------------------------------------------------------------
# Numba kernel source of a program
# ---------------------------------------------------------------------------------------------


def _literal(value, dtype):
    v = value.item()
    if dtype == "bool":
        return "True" if v else "False"
    if isinstance(v, float):
        if math.isnan(v):
            text = "math.nan"
        elif math.isinf(v):
            text = "math.inf" if v > 0 else "-math.inf"
        else:
            text = repr(v)
    else:
        text = repr(int(v))
    return f"np.{dtype}({text})"


def _np_dtype_name(dtype):
    return "np.bool_" if dtype == "bool" else f"np.{dtype}"


def scalar_expr(sop, args, arg_dtypes, out_dtype):
    """A Numba-compilable scalar expression for one step, or None when there is none."""
    if out_dtype not in _NUMBA_DTYPES or any(d not in _NUMBA_DTYPES for d in arg_dtypes):
        return None
    n_bool = list(arg_dtypes).count("bool")
    has_bool = n_bool > 0
    name = sop.name
    if isinstance(sop, ts.Add):
        # NumPy adds two bools as a logical or; one bool among numbers adds as 0/1
        return None if n_bool > 1 else "(" + " + ".join(args) + ")"
    if isinstance(sop, ts.Mul):
        # a product of 0/1 values is the logical and NumPy computes for bools
        return "(" + " * ".join(args) + ")"
    if name == "sub" and n_bool == 1:
        return f"(({args[0]}) - ({args[1]}))"
    if has_bool and name in ("sub", "neg", "abs", "sqr", "pow", "true_div", "int_div", "mod",
                             "maximum", "minimum", "clip", "sgn"):
        return None
    if isinstance(sop, ts.Maximum):
        return f"np.maximum({args[0]}, {args[1]})"
    if isinstance(sop, ts.Minimum):
        return f"np.minimum({args[0]}, {args[1]})"
    if isinstance(sop, ts.Clip):
        return f"np.minimum(np.maximum({args[0]}, {args[1]}), {args[2]})"
    if name in ("floor", "ceil", "trunc"):
        return f"np.{name}(np.float64({args[0]}))"
    if name == "sgn":
        return f"np.sign({args[0]})"
    if name == "abs":
        return f"abs({args[0]})"
    if name == "gammaln":   # scipy: gammaln(-inf) = -inf, libm's lgamma gives +inf
        return f"(-math.inf if {args[0]} == -math.inf else math.lgamma({args[0]}))"
    vexpr = vmath_expr(sop, args, arg_dtypes, out_dtype)
    if vexpr is not None:
        return vexpr
    if name == "softplus" and template_of(sop) is not None:
        # the values of the op's branchy template, written without a branch: softplus(x) and
        # softplus(-x) (log(p) and log(1 - p) of a sigmoid) then share one exp and one log1p
        x = f"np.float64({args[0]})"
        return f"(max({x}, 0.0) + math.log1p(math.exp(-abs({x}))))"
    if isinstance(sop, ts.TrueDiv):
        return f"(np.float64({args[0]}) / np.float64({args[1]}))"
    if isinstance(sop, (ts.IntDiv, ts.Mod)) and all(np.dtype(d).kind in "iu" for d in arg_dtypes):
        # NumPy's integer semantics, spelled out (LLVM leaves x // 0 and INT_MIN // -1 undefined):
        # x // 0 == x % 0 == 0; INT_MIN // -1 wraps to INT_MIN; the remainder has the sign of y
        a, b = args
        signed = any(np.dtype(d).kind == "i" for d in arg_dtypes)
        if isinstance(sop, ts.IntDiv):
            expr = f"(0 if ({b}) == 0 else ({a}) // ({b}))"
            if signed:
                expr = f"(-({a}) if ({b}) == -1 else {expr})"
            return expr
        expr = f"(0 if ({b}) == 0 else ({a}) % ({b}))"
        return f"(0 if ({b}) == -1 else {expr})" if signed else expr
    if isinstance(sop, ts.Pow) and np.dtype(out_dtype).kind in "iu":
        return None  # negative integer powers raise in NumPy
    if isinstance(sop, ts.Cast):
        if np.dtype(sop.dtype).kind in "iub" and any(np.dtype(d).kind == "f" for d in arg_dtypes):
            return None  # NaN/inf to int is undefined in LLVM; NumPy's result is kept
        return f"{_np_dtype_name(out_dtype)}({args[0]})"
    template = template_of(sop)
    if template is None or _is_composite(sop):
        return None
    if template in ("+", "*"):
        return "(" + f" {template} ".join(args) + ")"
    return "(" + template.format(*args) + ")"


def vmath_expr(sop, args, arg_dtypes, out_dtype):
    """The step as a call of the vectorizable functions of ``vmath`` (exp, log, sin, ... of a
    float32 or float64 result, computed in float64), or None. Only for the scalar ops of
    ``theano.scalar.basic`` whose kernel template is still the backend's own."""
    from theano.link.numba import vmath

    name = getattr(sop, "name", None)
    fn = (out_dtype == "float32" and vmath.FUNCTIONS_F32.get(name)) or vmath.FUNCTIONS.get(name)
    if fn is None or out_dtype not in ("float32", "float64") or len(args) != 1:
        return None
    if not isinstance(sop, type(getattr(ts, name, None))) or \
            template_of(sop) != _DEFAULT_TEMPLATES.get(name):
        return None
    if arg_dtypes[0] == "bool" or arg_dtypes[0] not in _NUMBA_DTYPES:
        return None
    return f"_vm.{fn}(np.float64({args[0]}))"


def _default_templates():
    from theano.link.numba import kernels

    return dict(kernels._BY_NAME)


_DEFAULT_TEMPLATES = _default_templates()


def _vmath_header():
    from theano.link.numba import vmath

    # the digest puts vmath's code in every kernel's cache key: numba's cache would not see it
    return [f"from theano.link.numba import vmath as _vm  # vmath {vmath.SOURCE_DIGEST}"]


KERNEL_HEADER = ["import math", "import numpy as np", "import numba"] + _vmath_header() + ["", ""]
NJIT_FLAGS = "cache=True, error_model='numpy', nogil=True"


def _vmath_guard(sop, expr):
    """(outside test, careful function, call text) when ``expr`` calls a guarded vmath function."""
    from theano.link.numba import vmath

    name = getattr(sop, "name", None)
    guard = vmath.GUARDED.get(name)
    if guard is None:
        return None
    call = f"_vm.{vmath.FUNCTIONS[name]}("
    if call not in expr:
        return None
    return guard[0], guard[1], call


def kernel_def_lines(prog, in_bcast, ndim, name="_kernel", parallel=False, inplace=None):
    """Lines of ``def name(i0, ...)``: the loop nest computing ``prog`` over the broadcast shape,
    returning a tuple of output arrays; None when a step has no Numba expression. ``inplace``
    maps output positions to the input whose buffer they are written into."""
    inplace = inplace or {}
    body = []
    # steps whose vector code holds for some arguments only (sin, cos of |x| > 2**20): the loop
    # counts those arguments, and a second loop computes every element again with the careful
    # variants when there are any (see vmath)
    careful = []
    guarded = False
    for sop, args, res, od in prog.steps:
        arg_names = []
        for a in args:
            arg_names.append(_literal(a[1], a[2]) if isinstance(a, tuple) else a)
        expr = scalar_expr(sop, arg_names, [_ref_dtype(prog, a) for a in args], od)
        if expr is None:
            return None
        line = f"{res} = bool({expr})" if od == "bool" else f"{res} = np.{od}({expr})"
        body.append(line)
        careful.append(line)
        guard = _vmath_guard(sop, expr)
        if guard is not None:
            outside, careful_fn, call = guard
            body.insert(len(body) - 1, f"_far += _vm.{outside}(np.float64({arg_names[0]}))")
            careful[-1] = line.replace(call, f"_vm.{careful_fn}(")
            guarded = True
    n_in = len(prog.inputs)
    ins = [f"i{k}" for k in range(n_in)]
    lines = [f"def {name}({', '.join(ins)}):"]
    # sizes of the output, with the strict broadcasting check
    for d in range(ndim):
        owners = [k for k in range(n_in) if not in_bcast[k][d]]
        if not owners:
            lines.append(f"    n{d} = 1")
            continue
        lines.append(f"    n{d} = i{owners[0]}.shape[{d}]")
        for k in owners[1:]:
            lines.append(f"    if i{k}.shape[{d}] != n{d}:")
            lines.append(f"        raise ValueError('Input dimension mismatch in dimension {d}')")
    shape = "(" + "".join(f"n{d}, " for d in range(ndim)) + ")"
    for j, o in enumerate(prog.outputs):
        od = _ref_dtype(prog, o)
        if j in inplace and not guarded:
            lines.append(f"    o{j} = i{inplace[j]}")
        else:
            # a guarded program reads its inputs again in the second loop: its in-place outputs
            # are copied into their inputs at the end
            lines.append(f"    o{j} = np.empty({shape}, dtype={_np_dtype_name(od)})")
    out_idx = ", ".join(f"j{d}" for d in range(ndim)) or "()"

    def loop_nest(base, steps, par):
        indent = base
        for d in range(ndim):
            rng = "numba.prange" if (par and d == 0) else "range"
            lines.append(f"{indent}for j{d} in {rng}(n{d}):")
            indent += "    "
        for k in range(n_in):
            idx = ", ".join("0" if in_bcast[k][d] else f"j{d}" for d in range(ndim)) or "()"
            lines.append(f"{indent}a{k} = i{k}[{idx}]")
        lines.extend(indent + b for b in steps)
        for j, o in enumerate(prog.outputs):
            val = _literal(o[1], o[2]) if isinstance(o, tuple) else o
            lines.append(f"{indent}o{j}[{out_idx}] = {val}")

    if guarded:
        lines.append("    _far = 0")
    loop_nest("    ", body, parallel)
    if guarded:
        lines.append("    if _far != 0:")
        loop_nest("        ", careful, False)
        for j, k in sorted(inplace.items()):
            indent = "    "
            for d in range(ndim):
                lines.append(f"{indent}for j{d} in range(n{d}):")
                indent += "    "
            lines.append(f"{indent}i{k}[{out_idx}] = o{j}[{out_idx}]")
            lines.append(f"    o{j} = i{k}")
    outs = ", ".join(f"o{j}" for j in range(len(prog.outputs)))
    lines.append(f"    return ({outs},)")
    return lines


def numba_kernel_source(prog, in_bcast, ndim, parallel=False, inplace=None):
    """Source of a module defining ``kernel`` (a Numba dispatcher) that computes ``prog`` over the
    broadcast shape; None when a step has no Numba expression."""
    lines = kernel_def_lines(prog, in_bcast, ndim, "_kernel", parallel, inplace)
    if lines is None:
        return None
    flags = NJIT_FLAGS + (", parallel=True" if parallel else "")
    return "\n".join(KERNEL_HEADER + lines + ["", "", f"kernel = numba.njit({flags})(_kernel)"]) + "\n"


def numba_signature(node):
    import numba

    args = []
    for v in node.inputs:
        args.append(numba.types.Array(numba.from_dtype(np.dtype(v.dtype)), v.ndim, "C"))
    return tuple(args)


def program_costs(prog):
    """(Numba ns per element, NumPy ns per element, number of NumPy calls)."""
    nb = npc = 0.0
    for sop, args, res, od in prog.steps:
        f32 = od == "float32"
        c = _COSTS.get(sop.name, _DEFAULT_COST)
        nb += c[f32][0]
        npc += c[f32][1]
    return nb, npc, len(prog.steps)


# ---------------------------------------------------------------------------------------------
# Hybrid chunks: cheap steps as Numba loops, SIMD-friendly steps as NumPy ufuncs
# ---------------------------------------------------------------------------------------------

# Steps whose Numba expression gives the bits of NumPy's ufunc on every input (IEEE-exact operations,
# comparisons, selections and exact casts): only these run inside the hybrid's Numba loops.
_EXACT_STEPS = {"add", "sub", "mul", "neg", "true_div", "sqr", "abs", "sqrt", "lt", "gt", "le", "ge",
                "eq", "neq", "switch", "identity", "second", "floor", "ceil", "trunc", "and_",
                "or_", "xor", "invert"}


def _exact_step(sop):
    if isinstance(sop, ts.Cast):
        return True   # scalar_expr refuses the float -> int casts whose results LLVM leaves open
    return sop.name in _EXACT_STEPS and (template_of(sop) is not None or
                                         isinstance(sop, (ts.Add, ts.Mul, ts.TrueDiv)))

# Elements per hybrid chunk (fewer, bigger calls than CHUNK: the Numba stages need no temporaries,
# and a few buffers of this size still stay in L2; measured flat between 16k and 128k)
HYBRID_CHUNK = 32768


class HybridPlan:
    """A program split into stages run on each chunk of the output: groups of cheap steps compiled
    into one Numba loop each (no temporaries between them), and single steps NumPy runs faster with
    its SIMD functions (exp, log, tanh, ...), written into reused chunk buffers. Each step computes
    exactly what it computes on the other paths (the same ufunc, or the same kernel expression).

    Only for programs whose inputs are each either not broadcastable at all or broadcastable in
    every dimension, so that every chunk is a flat run of elements."""

    def __init__(self, prog, in_bcast):
        self.ok = False
        full = {}
        for name, b in zip(prog.inputs, in_bcast):
            if b and all(b):
                full[name] = False
            elif not any(b):
                full[name] = True
            else:
                return
        steps = prog.steps
        vec = {}
        for k, (sop, args, res, od) in enumerate(steps):
            refs = [a for a in args if not isinstance(a, tuple)]
            full[res] = any(full[a] for a in refs)
            if _exact_step(sop):
                continue   # a Numba loop computes what NumPy's ufunc computes, bit for bit
            # any other step must be a NumPy ufunc on whole chunks, so that the hybrid gives the
            # values of the NumPy program
            dtypes = [_ref_dtype(prog, a) for a in args]
            fn = _numpy_step(sop, len(args), od, dtypes)
            if not full[res] or od not in ("float32", "float64") or not isinstance(fn, np.ufunc) \
                    or fn.nout != 1 or any(d != od for d in dtypes):
                return
            vec[k] = fn
        if not vec or any(isinstance(o, tuple) or o in prog.inputs for o in prog.outputs) or \
                len(set(prog.outputs)) != len(prog.outputs):
            return
        # schedule: every cheap step that is ready, then every ufunc step that is ready, ...
        done = set(prog.inputs)
        remaining = list(range(len(steps)))
        stages = []

        def ready(k):
            return all(isinstance(a, tuple) or a in done for a in steps[k][1])

        while remaining:
            seg = []
            progress = True
            while progress:
                progress = False
                for k in list(remaining):
                    if k not in vec and ready(k):
                        seg.append(k)
                        done.add(steps[k][2])
                        remaining.remove(k)
                        progress = True
            if seg:
                stages.append(("nb", seg))
            ready_vec = [k for k in remaining if k in vec and ready(k)]
            for k in ready_vec:
                stages.append(("np", k))
                done.add(steps[k][2])
                remaining.remove(k)
            if not seg and not ready_vec:
                return
        # temporaries that live across stages are materialized as chunk buffers
        stage_of = {}
        for i, (kind, what) in enumerate(stages):
            for k in (what if kind == "nb" else [what]):
                stage_of[steps[k][2]] = i
        materialized = set(prog.outputs)
        for i, (kind, what) in enumerate(stages):
            for k in (what if kind == "nb" else [what]):
                for a in steps[k][1]:
                    if not isinstance(a, tuple) and a in stage_of and stage_of[a] != i:
                        materialized.add(a)
        if any(not full[t] for t in materialized):
            return
        self.full = full
        self.materialized = sorted(materialized, key=lambda t: int(t[1:]))
        self.dtypes = {t: prog.dtypes[t] for t in self.materialized}
        self.outputs = list(prog.outputs)
        # sources of the Numba stages; NumPy stages: (ufunc, argument refs, result)
        lines = list(KERNEL_HEADER)
        self.stages = []
        for i, (kind, what) in enumerate(stages):
            if kind == "np":
                sop, args, res, od = steps[what]
                arg_refs = [("c", np.asarray(a[1], dtype=a[2])) if isinstance(a, tuple) else a
                            for a in args]
                self.stages.append(("np", vec[what], arg_refs, res))
                continue
            produced = {steps[k][2] for k in what}
            reads = []
            for k in what:
                for a in steps[k][1]:
                    if not isinstance(a, tuple) and a not in produced and a not in reads:
                        reads.append(a)
            writes = [steps[k][2] for k in what if steps[k][2] in materialized]
            body = []
            for a in reads:
                body.append(f"        {a} = r_{a}[{'j' if full[a] else '0'}]")
            for k in what:
                sop, args, res, od = steps[k]
                names = [_literal(a[1], a[2]) if isinstance(a, tuple) else a for a in args]
                expr = scalar_expr(sop, names, [_ref_dtype(prog, a) for a in args], od)
                if expr is None:
                    return
                body.append(f"        {res} = bool({expr})" if od == "bool" else
                            f"        {res} = np.{od}({expr})")
            for w in writes:
                body.append(f"        w_{w}[j] = {w}")
            params = ["n"] + [f"r_{a}" for a in reads] + [f"w_{w}" for w in writes]
            lines.append(f"def _stage{i}({', '.join(params)}):")
            lines.append("    for j in range(n):")
            lines.extend(body)
            lines.append("")
            lines.append(f"stage{i} = numba.njit({NJIT_FLAGS})(_stage{i})")
            lines.append("")
            self.stages.append(("nb", f"stage{i}", reads, writes))
        self.source = "\n".join(lines) + "\n"
        self.ok = True

    def load(self):
        """Bind the compiled Numba stages (compiled at their first call, cached on disk)."""
        from theano.link.numba.cache import load_module

        mod = load_module(self.source)
        self.stages = [(kind, getattr(mod, a), b, c) if kind == "nb" else (kind, a, b, c)
                       for kind, a, b, c in self.stages]

    def run(self, args, in_names, shape, out_dtypes):
        """The outputs (full shape) of the program on ``args``, computed chunk by chunk."""
        outs = [np.empty(shape, d) for d in out_dtypes]
        flat_outs = dict(zip(self.outputs, [o.reshape(-1) for o in outs]))
        rows = shape[0]
        row = 1
        for d in shape[1:]:
            row *= d
        step = max(1, min(HYBRID_CHUNK, CHUNK * 4) // max(row, 1))
        size = min(step, rows) * row
        bufs = {t: np.empty(size, self.dtypes[t]) for t in self.materialized
                if t not in flat_outs}
        full = self.full
        inputs = [(name, a, full[name]) for name, a in zip(in_names, args)]
        stages = self.stages
        env = {}
        for s in range(0, rows, step):
            e = min(s + step, rows)
            m = (e - s) * row
            for name, a, f in inputs:
                env[name] = a[s:e].reshape(-1) if f else a.reshape(-1)
            for t, b in bufs.items():
                env[t] = b[:m]
            for t, o in flat_outs.items():
                env[t] = o[s * row:e * row]
            for kind, fn, reads, writes in stages:
                if kind == "nb":
                    fn(m, *[env[r] for r in reads], *[env[w] for w in writes])
                else:
                    fn(*[r[1] if isinstance(r, tuple) else env[r] for r in reads],
                       out=env[writes])
        return outs


# ---------------------------------------------------------------------------------------------
# The runner of one Elemwise node
# ---------------------------------------------------------------------------------------------


class ElemwiseRunner:
    """Builds the callable of one Elemwise node on the path chosen for it (see module doc)."""

    def __init__(self, node):
        self.node = node
        op = node.op
        self.ndim = node.outputs[0].ndim
        self.in_bcast = [tuple(v.broadcastable) for v in node.inputs]
        self.out_dtypes = [np.dtype(o.dtype) for o in node.outputs]
        self.n_out = len(node.outputs)
        self.prog = build_program(op.scalar_op, [v.dtype for v in node.inputs],
                                  [o.dtype for o in node.outputs])
        self.inplace = dict(op.inplace_pattern)
        self.rebind = None
        self.kernel_source = None
        self.kernel = None
        self.failed = False
        self._lock = threading.Lock()
        # input types (dtype, ndim, layout, writeable) numba refused: those calls run NumPy
        self.refused = set()
        if self.prog is not None:
            self.np_prog = make_numpy_program(self.prog)
            self.quiet = program_is_quiet(self.prog)
            self.kernel_source = numba_kernel_source(self.prog, self.in_bcast, self.ndim,
                                                     inplace=self.inplace)
        else:
            self.np_prog = self._impl_program()
            self.quiet = False
        # shape-check plan: for each dim, the inputs that must agree
        self.checks = []
        for d in range(self.ndim):
            owners = [k for k, b in enumerate(self.in_bcast) if not b[d]]
            for k in owners[1:]:
                self.checks.append((owners[0], k, d))
        if self.prog is not None:
            nb, npc, calls = program_costs(self.prog)
            gain = nb - npc   # ns per element that NumPy saves over the Numba loop
            if gain > calls * NUMPY_CALL_NS / COST_CHUNK:
                self.numpy_above = max(0.0, calls * NUMPY_CALL_NS - NUMBA_CALL_NS) / gain
            else:
                self.numpy_above = math.inf
        else:
            self.numpy_above = 0
        self.parallel = bool(config.numba__parallel or config.openmp)
        self.parallel_threshold = config.numba__parallel_threshold
        self.par_kernel = None
        self.hybrid = None
        self.forced = bool(config.numba__force_kernels)
        self.path = self.choose_path(self.forced)

    def choose_path(self, force_kernels=False):
        """The path of this node, from static facts only (see the module doc)."""
        if self.prog is None:
            return "numpy"
        if self.kernel_source is not None and force_kernels:
            return "kernel"
        if len(self.prog.steps) == 1:
            return "ufunc"
        if self.kernel_source is None:
            return "numpy-fused"
        return "kernel"

    # -- NumPy paths ----------------------------------------------------------------------------
    def _impl_program(self):
        sop = self.node.op.scalar_op
        od = [str(d) for d in self.out_dtypes]
        n_out = self.n_out

        def np_prog(*xs):
            r = sop.impl(*xs, out_dtypes=od)
            return (r,) if n_out == 1 else tuple(r)

        return np_prog

    def check_shapes(self, args):
        """The broadcast output shape; ValueError (the reference message) on a mismatch."""
        return _check_shapes(self.node, args)

    def finish(self, results, args, shape=None):
        """Fix dtype, shape and aliasing of the NumPy results; apply the in-place contract."""
        outs = []
        for j, r in enumerate(results):
            od = self.out_dtypes[j]
            if type(r) is not np.ndarray:
                r = np.asarray(r)
            if r.dtype is not od:
                r = r.astype(od)
            if shape is None:
                shape = self.check_shapes(args)
            if r.shape != shape:
                r = np.broadcast_to(r, shape).copy()
            else:
                for a in args:
                    if r is a or (r.base is not None and r.base is a):
                        r = r.copy()
                        break
            outs.append(r)
        for o, i in self.inplace.items():
            target = args[i]
            if outs[o] is not target:
                np.copyto(target, outs[o])
                outs[o] = target
        return outs[0] if self.n_out == 1 else tuple(outs)

    def run_numpy(self, *args):
        shape = self.check_shapes(args)
        if self.quiet:
            results = self.np_prog(*args)
        else:
            with np.errstate(all="ignore"):
                results = self.np_prog(*args)
        return self.finish(results, args, shape)

    def hybrid_function(self):
        """``run_hybrid`` when this program splits into Numba and NumPy stages, else None."""
        with self._lock:
            if self.hybrid is None:
                plan = HybridPlan(self.prog, self.in_bcast) if self.prog is not None else None
                hybrid = False
                if plan is not None and plan.ok and self.ndim > 0:
                    try:
                        plan.load()
                        hybrid = plan
                    except Exception:
                        pass
                self.hybrid = hybrid
        return self.run_hybrid if self.hybrid else None

    def run_big(self, *args):
        """The NumPy program of a 'numpy-fused' node: on the whole arrays when small, else chunk by
        chunk (hybrid chunks when the program splits into stages). Same values at every size."""
        if self.hybrid is None:
            self.hybrid_function()
        if self.hybrid:
            return self.run_hybrid(*args)
        return self.run_chunked(*args)

    def run_hybrid(self, *args):
        shape = self.check_shapes(args)
        if self.ndim == 0 or any(d == 0 for d in shape):
            return self.run_numpy(*args)
        rows = shape[0]
        row = 1
        for d in shape[1:]:
            row *= d
        if rows * row <= CHUNK:
            return self.run_numpy(*args)
        try:
            with np.errstate(all="ignore"):
                outs = self.hybrid.run(args, self.prog.inputs, shape, self.out_dtypes)
        except Exception:
            # types numba refuses for a stage (same values: the chunked NumPy program)
            return self.run_chunked(*args)
        for o, i in self.inplace.items():
            np.copyto(args[i], outs[o])
            outs[o] = args[i]
        return outs[0] if self.n_out == 1 else tuple(outs)

    def run_chunked(self, *args):
        """The NumPy program on slices of the first axis that fit in cache."""
        shape = self.check_shapes(args)
        if self.ndim == 0 or shape[0] == 0:
            return self.run_numpy(*args)
        rows = shape[0]
        row = 1
        for s in shape[1:]:
            row *= s
        step = max(1, CHUNK // max(row, 1))
        if step >= rows:
            return self.run_numpy(*args)
        outs = [np.empty(shape, d) for d in self.out_dtypes]
        sliced = [not b[0] for b in self.in_bcast]
        np_prog = self.np_prog
        with np.errstate(all="ignore"):
            for s in range(0, rows, step):
                e = s + step
                part = [a[s:e] if sl else a for a, sl in zip(args, sliced)]
                for o, r in zip(outs, np_prog(*part)):
                    o[s:e] = r
        for o, i in self.inplace.items():
            np.copyto(args[i], outs[o])
            outs[o] = args[i]
        return outs[0] if self.n_out == 1 else tuple(outs)

    # -- Numba -----------------------------------------------------------------------------------
    def compile(self):
        """Compile (or load from the disk cache) the Numba kernel; False when it cannot be."""
        with self._lock:
            if self.kernel is not None:
                return True
            if self.failed or self.kernel_source is None:
                return False
            from theano.link.numba.cache import compile_kernel

            try:
                self.kernel = compile_kernel(self.kernel_source, "kernel", numba_signature(self.node))
            except Exception as exc:  # a scalar op numba cannot type: NumPy, for every call
                self.failed = True
                warnings.warn(f"theano-ng: the numba kernel of {self.node.op} could not be built "
                              f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                              "running it with NumPy", RuntimeWarning, stacklevel=2)
                return False
            return True

    def parallel_kernel(self):
        with self._lock:
            if self.par_kernel is None:
                from theano.link.numba.cache import compile_kernel

                src = numba_kernel_source(self.prog, self.in_bcast, self.ndim, parallel=True,
                                          inplace=self.inplace)
                try:
                    self.par_kernel = compile_kernel(src, "kernel", numba_signature(self.node))
                except Exception:
                    self.par_kernel = False
        return self.par_kernel

    @staticmethod
    def _type_key(args):
        return tuple((a.dtype, a.ndim, a.flags.c_contiguous, a.flags.writeable)
                     if isinstance(a, np.ndarray) else type(a) for a in args)

    def run_kernel(self, *args, kernel=None):
        """The Numba loop, or the NumPy program for input types numba refuses (a read-only buffer
        to write in place, ...): a fact of the inputs' types, the same at every call."""
        refused = self.refused
        if refused and self._type_key(args) in refused:
            return self.run_numpy(*args)
        try:
            outs = (kernel or self.kernel)(*args)
        except ValueError:
            self.check_shapes(args)   # raises the reference message
            raise
        except Exception:
            # numba would try, and fail, to compile again at every call: remember the types
            refused.add(self._type_key(args))
            return self.run_numpy(*args)
        # in-place outputs were written into their input's buffer by the kernel
        return outs[0] if self.n_out == 1 else outs

    # -- entry points ----------------------------------------------------------------------------
    def kernel_function(self):
        """The function of a 'kernel' node, its kernel compiled; None when it cannot be."""
        if not self.compile():
            return None
        kernel = self.kernel
        run_kernel = self.run_kernel
        refused = self.refused
        numpy_above = self.numpy_above if not self.forced else math.inf
        if numpy_above != math.inf:
            big = self.run_big
            par_above = self.parallel_threshold if self.parallel else math.inf

            def run(*args):
                n = args[0].size
                for a in args:
                    if a.size > n:
                        n = a.size
                if n >= numpy_above:
                    return big(*args)
                if n >= par_above:
                    par = self.parallel_kernel()
                    if par:
                        return run_kernel(*args, kernel=par)
                return run_kernel(*args)
            return run
        if not self.parallel:
            if self.n_out == 1:
                def run(*args):
                    if not refused:
                        try:
                            return kernel(*args)[0]
                        except Exception:
                            pass
                    return run_kernel(*args)
                return run
            return run_kernel

        par_above = self.parallel_threshold

        def run(*args):
            n = args[0].size
            for a in args:
                if a.size > n:
                    n = a.size
            if n >= par_above:
                par = self.parallel_kernel()
                if par:
                    return run_kernel(*args, kernel=par)
            return run_kernel(*args)
        return run

    def path_function(self):
        """The function of this node's path (kernels compiled at the first call, see entry)."""
        if self.path == "kernel":
            fn = self.kernel_function()
            if fn is not None:
                return fn
            self.path = "numpy-fused"   # numba cannot build it (for every call, from the first)
        if self.path == "numpy-fused":
            return self.run_big
        if self.path == "ufunc":
            return self.single_op_function()
        return self.run_numpy

    def single_op_function(self):
        """A tight function for one ufunc: strict shape check, call, dtype fix."""
        if self.prog is None or self.inplace or self.n_out != 1:
            return self.run_numpy
        sop, args, res, od = self.prog.steps[0]
        arg_dtypes = [_ref_dtype(self.prog, a) for a in args]
        glb = {"_od": self.out_dtypes[0], "_nd": np.ndarray, "_fail": self._fail,
               "_finish": self.finish, "_errstate": np.errstate, "_asarray": np.asarray}
        names = [f"x{k}" for k in range(len(args))]
        call_args = list(names)
        # constant inputs in the dtype the ufunc computes in (the thunk still passes the original)
        dt = precast_dtype(sop, arg_dtypes, od)
        if dt is not None:
            from theano.graph.basic import Constant

            for k, v in enumerate(self.node.inputs):
                if isinstance(v, Constant) and arg_dtypes[k] != dt:
                    cast = precast_value(v.data, dt)
                    if cast is not None:
                        glb[f"_k{k}"] = cast
                        call_args[k] = f"_k{k}"
                        arg_dtypes[k] = dt
        glb["_fn"] = _numpy_step(sop, len(args), od, arg_dtypes)
        lines = [f"def single({', '.join(names)}):"]
        if self.checks:
            # one condition and one failure call: the source stays linear in the number of inputs
            cond = " or ".join(f"x{a}.shape[{d}] != x{b}.shape[{d}]" for a, b, d in self.checks)
            lines.append(f"    if {cond}: _fail({', '.join(names)})")
        indent = "    "
        if not self.quiet:
            lines.append("    with _errstate(all='ignore'):")
            indent = "        "
        lines.append(f"{indent}r = _fn({', '.join(call_args)})")
        lines.append("    if type(r) is not _nd:")
        lines.append("        r = _asarray(r)")
        lines.append("    if r.dtype is not _od:")
        lines.append(f"        return _finish((r,), ({', '.join(names)},))")
        if sop.name in ("identity", "second") or not isinstance(glb["_fn"], np.ufunc):
            # an impl may hand back (a view of) an input, as add(x) does: outputs own their data
            lines.append(f"    return _finish((r,), ({', '.join(names)},))")
        else:
            lines.append("    return r")
        src = "\n".join(lines) + "\n"
        exec(compile(src, "<theano-ng elemwise>", "exec"), glb)
        return glb["single"]

    def _fail(self, *args):
        self.check_shapes(args)
        raise ValueError(f"Input dimension mismatch in {self.node.op}")

    def entry(self):
        """The function the compiled thunk binds for this node. A 'kernel' node's first call
        compiles its kernel (or loads it from the disk cache) and then runs it: the path is the
        same from the first call on; only the compilation waits for it, so that
        ``theano.function`` stays fast."""
        if self.path != "kernel":
            return _described(self.path_function(), self.path)

        def first_call(*args):
            fn = self.path_function()
            if self.rebind is not None:
                self.rebind(fn)
            return fn(*args)

        first_call._set_rebind = self._set_rebind
        first_call.theano_runner = self
        return first_call

    def path_label(self):
        label = self.path
        if self.path == "kernel" and self.numpy_above != math.inf and not self.forced:
            label = f"kernel below {int(math.ceil(self.numpy_above))} elements, else numpy-fused"
        if self.path == "kernel" and self.parallel:
            label += f" (parallel above {self.parallel_threshold} elements)"
        return label

    def _set_rebind(self, fn):
        self.rebind = fn


def _described(fn, label):
    """``fn``, labelled with its path where it takes attributes (a bound method of the runner is
    described by the runner itself: see ``node_path``)."""
    try:
        fn.theano_path = label
    except AttributeError:
        pass
    return fn


def node_path(fn):
    """How a node runs, from the callable its funcify gave (for ``describe``)."""
    label = getattr(fn, "theano_path", None)
    if label is not None:
        return label
    runner = getattr(fn, "theano_runner", None) or getattr(fn, "__self__", None)
    if isinstance(runner, ElemwiseRunner):
        return runner.path_label()
    name = getattr(fn, "__name__", "")
    if name.startswith("perform_"):
        return "perform"
    return "python"


@numba_funcify.register(Elemwise)
def _funcify_elemwise(op, node):
    runner = ElemwiseRunner(node)
    fn = runner.entry()
    return fn
