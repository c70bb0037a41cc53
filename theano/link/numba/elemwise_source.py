"""The source text of the Numba kernel of a scalar program: one loop nest over the broadcast output
shape whose body evaluates the steps on scalars (``kernel_def_lines``, ``numba_kernel_source``),
each step from its op's template in ``kernels.py`` or from vmath's vectorizable functions, cast
to its declared dtype so that float32 stays float32 and integers wrap as in NumPy.

The text is hashed into the key of the on-disk kernel cache: any change to it recompiles every
kernel."""

import math

import numpy as np

from theano.scalar import basic as ts

from theano.link.numba.kernels import template_of
from theano.link.numba.elemwise_program import _is_composite, _ref_dtype


_NUMBA_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64"}


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


# the ops NumPy computes in the dtype it promotes their arguments to
_PROMOTING = (ts.Add, ts.Sub, ts.Mul, ts.IntDiv, ts.Mod, ts.Pow, ts.Maximum, ts.Minimum)


def scalar_expr(sop, args, arg_dtypes, out_dtype, checked_casts=False):
    """A Numba-compilable scalar expression for one step, or None when there is none.

    ``checked_casts`` (the whole-graph tier, whose calls fall back to the per-node code when they
    raise): a cast of a float to an integer is the truncation, raising for NaN and values out of
    the integer's range (``_fcast``), where NumPy's result is the platform's."""
    if out_dtype not in _NUMBA_DTYPES or any(d not in _NUMBA_DTYPES for d in arg_dtypes):
        return None
    n_bool = list(arg_dtypes).count("bool")
    has_bool = n_bool > 0
    name = sop.name
    if isinstance(sop, _PROMOTING) and not has_bool and \
            all(np.dtype(d).kind in "iu" for d in arg_dtypes) and \
            any(d != out_dtype for d in arg_dtypes):
        # integers of different dtypes: NumPy computes in the dtype it promotes them to (the
        # output's), so int64 with uint64 in float64 and uint32 with int32 in int64; Numba's own
        # mixed-integer arithmetic would wrap in one of them
        cast = _np_dtype_name(out_dtype)
        args = [f"{cast}({a})" for a in args]
        arg_dtypes = [out_dtype] * len(args)
    if out_dtype == "int64" and all(d == "int64" for d in arg_dtypes) and \
            isinstance(sop, (ts.Add, ts.Mul, ts.Sub, ts.Neg, ts.Sqr)):
        # int64 + - * wrap as in NumPy: computed on the same bits as uint64, since Numba marks
        # signed arithmetic as never overflowing and LLVM then folds comparisons of an overflowed
        # result ((x + 1) < x was False for the largest x)
        u = [f"np.uint64({a})" for a in args]
        if isinstance(sop, ts.Neg):
            return f"np.int64(np.uint64(0) - {u[0]})"
        if isinstance(sop, ts.Sqr):
            return f"np.int64({u[0]} * {u[0]})"
        op = " + " if isinstance(sop, ts.Add) else (" - " if isinstance(sop, ts.Sub) else " * ")
        return f"np.int64({op.join(u)})"
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
        # Theano 1.0's rule (lo below lo, else hi above hi, else x), each branch in the output
        # dtype so that the branches unify
        x, lo, hi = args
        cast = _np_dtype_name(out_dtype)
        return (f"({cast}({lo}) if ({x}) < ({lo}) else "
                f"({cast}({hi}) if ({x}) > ({hi}) else {cast}({x})))")
    if name in ("floor", "ceil", "trunc"):
        return f"np.{name}(np.float64({args[0]}))"
    if name == "sgn":
        if np.dtype(arg_dtypes[0]).kind == "u":
            # Numba's np.sign of an unsigned value at or above 2**(bits-1) is 2**bits - 1 (it
            # reads the value as signed); the sign of an unsigned value is 1 or 0
            cast = _np_dtype_name(out_dtype)
            return f"({cast}(1) if ({args[0]}) > 0 else {cast}(0))"
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
        # (the zeros in the output dtype: an int literal beside a uint64 unifies to float64)
        a, b = args
        zero = f"{_np_dtype_name(out_dtype)}(0)"
        signed = any(np.dtype(d).kind == "i" for d in arg_dtypes)
        if isinstance(sop, ts.IntDiv):
            expr = f"({zero} if ({b}) == 0 else ({a}) // ({b}))"
            if signed:
                expr = f"(-({a}) if ({b}) == -1 else {expr})"
            return expr
        expr = f"({zero} if ({b}) == 0 else ({a}) % ({b}))"
        return f"({zero} if ({b}) == -1 else {expr})" if signed else expr
    if isinstance(sop, ts.Pow) and np.dtype(out_dtype).kind in "iu":
        # NumPy's integer power, negative exponents raising its error (``IPOW_HELPER``)
        if out_dtype in _IPOW_INTS and all(d in _IPOW_INTS for d in arg_dtypes):
            return f"_ipow(np.int64({args[0]}), np.int64({args[1]}))"
        return None
    if isinstance(sop, ts.Cast):
        if np.dtype(sop.dtype).kind in "iub" and any(np.dtype(d).kind == "f" for d in arg_dtypes):
            # NaN/inf to int is undefined in LLVM; NumPy's result is kept
            if checked_casts and out_dtype in _INT_RANGES:
                lo, hi = _INT_RANGES[out_dtype]
                return f"{_np_dtype_name(out_dtype)}(_fcast(np.float64({args[0]}), {lo!r}, {hi!r}))"
            return None
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

# integer dtypes whose power ``_ipow`` computes (in int64, wrapping; the result cast to the output
# dtype wraps as NumPy's fixed-width arithmetic does: the value modulo 2**bits is the same)
_IPOW_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")

IPOW_HELPER = '''import numba.extending


@numba.extending.register_jitable
def _ipow(a, b):
    # NumPy's integer power on int64 arguments: repeated squaring; negative exponents raise
    # NumPy's error
    if b < 0:
        raise ValueError("Integers to negative integer powers are not allowed.")
    r = 1
    while b:
        if b & 1:
            r = r * a
        a = a * a
        b >>= 1
    return r

'''


# [lo, hi): the floats whose truncation an integer dtype holds (both bounds exact in float64)
_INT_RANGES = {d: (float(np.iinfo(d).min), float(np.iinfo(d).max) + 1.0)
               for d in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}

FCAST_HELPER = '''import numba.extending


@numba.extending.register_jitable
def _fcast(v, lo, hi):
    # a float the integer cast truncates exactly as NumPy does; NaN and values out of range raise
    # (the whole-graph tier then runs the call on the per-node code, NumPy's cast)
    if not (lo <= v < hi):
        raise ValueError("float to integer cast out of range")
    return v

'''


def kernel_header(lines):
    """``KERNEL_HEADER`` and the helpers that ``lines`` (source lines of kernels) call."""
    out = list(KERNEL_HEADER)
    if any("_ipow(" in line for line in lines):
        out += IPOW_HELPER.splitlines() + [""]
    if any("_fcast(" in line for line in lines):
        out += FCAST_HELPER.splitlines() + [""]
    return out
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


def kernel_def_lines(prog, in_bcast, ndim, name="_kernel", parallel=False, inplace=None,
                     checked_casts=False):
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
        expr = scalar_expr(sop, arg_names, [_ref_dtype(prog, a) for a in args], od,
                           checked_casts=checked_casts)
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
    return "\n".join(kernel_header(lines) + lines + ["", "", f"kernel = numba.njit({flags})(_kernel)"]) + "\n"


def numba_signature(node):
    import numba

    args = []
    for v in node.inputs:
        args.append(numba.types.Array(numba.from_dtype(np.dtype(v.dtype)), v.ndim, "C"))
    return tuple(args)
