"""Vectorizable elementary functions for the native backend's fused loops.

Numba compiles ``math.exp`` and friends to calls of the C library's scalar functions: a call per
element, which keeps LLVM from vectorizing the loop around it, and which is several times slower
than NumPy's SIMD loops. The functions here have no calls and no data-dependent branches (every
condition is an LLVM ``select``), so that the whole fused chain of a kernel becomes one pass of
vector instructions:

- range reduction by Cody-Waite splitting (``x = k*c_hi + k*c_lo + r``, the ``k*c_hi`` products
  exact), the nearest integer ``k`` found with the ``1.5 * 2**52`` shifter (its low bits are ``k``);
- a polynomial on the reduced argument (Taylor coefficients, Horner's rule);
- the result scaled by ``2**k``, built from integer bits (``(k + 1023) << 52`` reinterpreted as a
  float64); a scale outside the normal range is applied as two factors, so that overflow gives
  inf and underflow rounds once into the subnormals as NumPy's functions do.

Each algorithm is written once, as plain Python (the ``_v_*`` functions), and translated to LLVM IR
by the code generator of a numba intrinsic (``exp_ir``, ...), which the kernels call: numba types
one call per step (compilation stays fast) and LLVM inlines and vectorizes the loop. ``exp``,
``log``, ... are the same for numba code (``njit``; ``*_f32`` for float32). Every function
computes in float64; a float32 result is the float64 one rounded once (within a hair of correctly
rounded). No fast-math flags: the bits do not depend on the vector width or on inlining.

Special values follow NumPy: ``exp(inf) = inf``, ``exp(-inf) = 0``, ``log(0) = -inf``,
``log(x < 0) = nan``, ``log1p(-1) = -inf``, ``sin(inf) = nan``, nan in gives nan out, overflow
gives inf, underflow gives the subnormal (or zero) NumPy gives, and signed zeros and subnormal
arguments come back as NumPy returns them.

Accuracy: ``ACCURACY_ULP`` (float64 exp, log, log1p, expm1 within 1 ULP of the correctly
rounded value, checked against long double; sin, cos 2 ULP of NumPy;
tanh 3; sigmoid 4 of SciPy's expit; float32 within 1 ULP of NumPy's float64 function rounded to
float32), asserted by ``tests/link/numba/test_vmath.py`` over about a million points each.

``sin`` and ``cos`` reduce arguments with three parts of pi/2, which is accurate for
``|x| <= SINCOS_MAX`` (nan beyond). A kernel counts the finite arguments beyond it
(``sin_outside``) in its vector loop and, when there are any, computes every element again with
``sin_careful``/``cos_careful`` (the C library's functions for those arguments, the same vector
code for all others): each element's value depends on that element only.
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# ---------------------------------------------------------------------------------------------
# bit casts (LLVM bitcast: vectorizes to nothing at all)
# ---------------------------------------------------------------------------------------------


@intrinsic
def f64_bits(typingctx, x):
    """The IEEE bits of a float64, as an int64."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def bits_f64(typingctx, b):
    """The float64 whose IEEE bits are the int64 ``b``."""
    if b != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def select(typingctx, cond, a, b):
    """``a if cond else b`` as one LLVM select: no branch, so no basic blocks for numba to type
    and lower (straight-line code compiles fast) and nothing in the way of vectorization."""
    if not isinstance(cond, types.Boolean):
        return None
    t = typingctx.unify_types(a, b)
    if not isinstance(t, (types.Float, types.Integer, types.Boolean)):
        return None

    def codegen(context, builder, signature, args):
        c, x, y = args
        x = context.cast(builder, x, signature.args[1], t)
        y = context.cast(builder, y, signature.args[2], t)
        return builder.select(c, x, y)

    return t(cond, a, b), codegen


# the public functions are one-line wrappers of the intrinsics: inlined into their callers
_JIT = dict(nogil=True, cache=True, error_model="numpy", inline="always")


def _algorithm(fn):
    """Marks the definition of an algorithm (plain Python, translated to LLVM IR below)."""
    return fn

INF = math.inf
NAN = math.nan
SHIFTER = 6755399441055744.0          # 1.5 * 2**52: x + SHIFTER rounds x to an integer
SHIFTER_BITS = 0x4338000000000000      # its bits; bits(x + SHIFTER) - SHIFTER_BITS is that integer
INV_LN2 = 1.4426950408889634
LN2_HI = 0.6931471804855391           # ln 2 to 33 bits: k * LN2_HI is exact for |k| < 2**20
LN2_LO = 7.440617110012397e-11        # ln 2 - LN2_HI
TWO_OVER_PI = 0.6366197723675814
PIO2_1 = 1.5707963267341256           # pi/2 in three parts, the first two of 33 bits
PIO2_2 = 6.077100506303966e-11
PIO2_3 = 2.0222662487959506e-21
SQRT2_BITS = 0x3FF6A09E667F3BCD       # bits of sqrt(2)
MANT_MASK = 0x000FFFFFFFFFFFFF
ONE_BITS = 0x3FF0000000000000
TINY = 2.2250738585072014e-308         # smallest normal float64
TWO54 = 18014398509481984.0
SINCOS_MAX = 1048576.0                 # 2**20: |k| < 2**20 keeps k * PIO2_1, k * PIO2_2 exact

# Bounds in ULPs of the result that tests/link/numba/test_vmath.py asserts over ~1e6 random and
# edge-case points each: float64 against NumPy's float64 functions (SciPy's expit for sigmoid,
# np.logaddexp(0, x) for softplus); float32 against NumPy's float64 function rounded to float32,
# and against NumPy's own float32 functions (whose errors are part of that bound: NumPy's float32
# log is 4 ULP from the correctly rounded value where ours is within 1).
ACCURACY_ULP = {
    "float64": {"exp": 1, "log": 1, "log1p": 1, "expm1": 1, "sin": 2, "cos": 2, "tanh": 3,
                "sigmoid": 4, "softplus": 2},
    "float32": {"exp": 1, "log": 1, "log1p": 1, "expm1": 1, "sin": 1, "cos": 1, "tanh": 1,
                "sigmoid": 1, "softplus": 1},
    "float32 vs float32 ufunc": {"exp": 2, "log": 4, "log1p": 2, "expm1": 2, "sin": 1, "cos": 1,
                                 "tanh": 1, "sigmoid": 2},
}


@_algorithm
def _v_pow2(k):
    """2.0**k for an int64 k in [-1022, 1023]."""
    return bits_f64((k + 1023) << 52)


@_algorithm
def _v_expm1_poly(r):
    """exp(r) - 1 for |r| <= 0.35 (Taylor to degree 13: truncation below 2**-57)."""
    q = 1.0 / 6227020800.0
    q = 1.0 / 479001600.0 + r * q
    q = 1.0 / 39916800.0 + r * q
    q = 1.0 / 3628800.0 + r * q
    q = 1.0 / 362880.0 + r * q
    q = 1.0 / 40320.0 + r * q
    q = 1.0 / 5040.0 + r * q
    q = 1.0 / 720.0 + r * q
    q = 1.0 / 120.0 + r * q
    q = 1.0 / 24.0 + r * q
    q = 1.0 / 6.0 + r * q
    q = 0.5 + r * q
    return r + (r * r) * q


@_algorithm
def _v_expm1_poly_wide(r):
    """exp(r) - 1 for |r| <= 0.75 (Taylor to degree 17: truncation below 2**-59 of the result)."""
    q = 1.0 / 355687428096000.0
    q = 1.0 / 20922789888000.0 + r * q
    q = 1.0 / 1307674368000.0 + r * q
    q = 1.0 / 87178291200.0 + r * q
    q = 1.0 / 6227020800.0 + r * q
    return _v_expm1_poly_tail(r, q)


@_algorithm
def _v_expm1_poly_tail(r, q):
    q = 1.0 / 479001600.0 + r * q
    q = 1.0 / 39916800.0 + r * q
    q = 1.0 / 3628800.0 + r * q
    q = 1.0 / 362880.0 + r * q
    q = 1.0 / 40320.0 + r * q
    q = 1.0 / 5040.0 + r * q
    q = 1.0 / 720.0 + r * q
    q = 1.0 / 120.0 + r * q
    q = 1.0 / 24.0 + r * q
    q = 1.0 / 6.0 + r * q
    q = 0.5 + r * q
    return r + (r * r) * q


@_algorithm
def _v_reduce_ln2(x):
    """(k as float, k as int, r) with x = k ln2 + r, |r| <= ln2/2 (x within +-746)."""
    t = x * INV_LN2 + SHIFTER
    kf = t - SHIFTER
    ki = f64_bits(t) - SHIFTER_BITS
    r = (x - kf * LN2_HI) - kf * LN2_LO
    return kf, ki, r


@_algorithm
def _v_exp(x):
    """e**x for a float64."""
    xc = select(x > -746.0, x, -746.0)
    xc = select(xc < 710.0, xc, 710.0)
    kf, ki, r = _v_reduce_ln2(xc)
    y = 1.0 + _v_expm1_poly(r)
    k1 = ki >> 1
    y = (y * _v_pow2(k1)) * _v_pow2(ki - k1)
    return select(x == x, y, x)


@_algorithm
def _v_expm1(x):
    """e**x - 1 for a float64, accurate near 0."""
    xc = select(x > -40.0, x, -40.0)
    xc = select(xc < 710.0, xc, 710.0)
    kf, ki, r = _v_reduce_ln2(xc)
    # no reduction for |x| <= 0.75: with k = +-1 the sum 2**k p + (2**k - 1) would cancel
    near = abs(xc) <= 0.75
    ki = select(near, 0, ki)
    r = select(near, xc, r)
    p = _v_expm1_poly_wide(r)
    k1 = ki >> 1
    s1 = _v_pow2(k1)
    s2 = _v_pow2(ki - k1)
    # k <= 52: 2**k * p + (2**k - 1), the bracket exact, one rounding; beyond, the -1 is
    # (p - 2**-k + 1) * 2**k, with 2**-k exact (and negligible for k > 60)
    small = p * (s1 * s2) + (s1 * s2 - 1.0)
    kt = select(ki < 1000, ki, 1000)
    big = (((p - _v_pow2(-kt)) + 1.0) * s1) * s2
    y = select(ki <= 52, small, big)
    y = select(ki == 0, p, y)
    y = select(abs(x) < 1e-300, x, y)      # keeps -0.0 and the subnormals exact
    return select(x == x, y, x)


@_algorithm
def _v_log_core(x, c):
    """log(x) + c/x-ish correction: log(x) for x > 0 finite, plus ``c`` (a small correction
    added before the final sum, for log1p); other x give garbage, fixed by the callers."""
    sub = x < TINY
    xs = select(sub, x * TWO54, x)
    bits = f64_bits(xs)
    e = ((bits >> 52) & 0x7FF) - select(sub, 1077, 1023)
    mbits = (bits & MANT_MASK) | ONE_BITS
    big = mbits > SQRT2_BITS
    mbits = select(big, mbits - (1 << 52), mbits)      # m in [sqrt(2)/2, sqrt(2))
    e = select(big, e + 1, e)
    f = bits_f64(mbits) - 1.0
    s = f / (2.0 + f)
    z = s * s
    # log(1+f) = 2 atanh(s) = 2s + s*R,  R = 2(z/3 + z^2/5 + ...); written as f - hfsq + s(hfsq+R)
    q = 2.0 / 23.0
    q = 2.0 / 21.0 + z * q
    q = 2.0 / 19.0 + z * q
    q = 2.0 / 17.0 + z * q
    q = 2.0 / 15.0 + z * q
    q = 2.0 / 13.0 + z * q
    q = 2.0 / 11.0 + z * q
    q = 2.0 / 9.0 + z * q
    q = 2.0 / 7.0 + z * q
    q = 2.0 / 5.0 + z * q
    q = 2.0 / 3.0 + z * q
    R = z * q
    hfsq = 0.5 * f * f
    ef = bits_f64(e + SHIFTER_BITS) - SHIFTER
    return ef * LN2_HI + (f - (hfsq - (s * (hfsq + R) + (ef * LN2_LO + c))))


@_algorithm
def _v_log(x):
    """Natural logarithm of a float64 (log(0) = -inf, log(x < 0) = nan)."""
    y = _v_log_core(x, 0.0)
    ok = (x > 0.0) & (x < INF)
    special = select(x == 0.0, -INF, select(x == INF, x, NAN))
    return select(ok, y, special)


@_algorithm
def _v_log1p(x):
    """log(1 + x) for a float64, accurate near 0 (log1p(-1) = -inf, below -1 nan)."""
    u = 1.0 + x
    # u - 1 is exact; x - (u - 1) is what the sum lost, worth (x - (u - 1)) / u in the log
    c = (x - (u - 1.0)) / u
    c = select((u > 0.0) & (u < 9007199254740992.0), c, 0.0)
    y = _v_log_core(u, c)
    y = select(abs(x) < 1e-300, x, y)      # -0.0 and the subnormals: log1p(x) = x
    ok = (u > 0.0) & (u < INF)
    special = select(u == 0.0, -INF, select(u == INF, u, NAN))
    return select(ok, y, special)


@_algorithm
def _v_sin_poly(r):
    """sin(r) for |r| <= pi/4 (Taylor to degree 17)."""
    z = r * r
    q = 1.0 / 355687428096000.0
    q = -1.0 / 1307674368000.0 + z * q
    q = 1.0 / 6227020800.0 + z * q
    q = -1.0 / 39916800.0 + z * q
    q = 1.0 / 362880.0 + z * q
    q = -1.0 / 5040.0 + z * q
    q = 1.0 / 120.0 + z * q
    q = -1.0 / 6.0 + z * q
    return r + (r * z) * q


@_algorithm
def _v_cos_poly(r):
    """cos(r) for |r| <= pi/4 (Taylor to degree 16)."""
    z = r * r
    q = 1.0 / 20922789888000.0
    q = -1.0 / 87178291200.0 + z * q
    q = 1.0 / 479001600.0 + z * q
    q = -1.0 / 3628800.0 + z * q
    q = 1.0 / 40320.0 + z * q
    q = -1.0 / 720.0 + z * q
    q = 1.0 / 24.0 + z * q
    hz = 0.5 * z
    w = 1.0 - hz
    # 1 - hz rounded, plus what the rounding lost, plus the rest of the series
    return w + (((1.0 - w) - hz) + (z * z) * q)


@_algorithm
def _v_sincos_quadrant(x, shift):
    """sin(x + shift * pi/2) for |x| <= SINCOS_MAX (garbage beyond)."""
    xc = select(abs(x) <= SINCOS_MAX, x, 0.0)
    t = xc * TWO_OVER_PI + SHIFTER
    kf = t - SHIFTER
    k = f64_bits(t) - SHIFTER_BITS + shift
    r = ((xc - kf * PIO2_1) - kf * PIO2_2) - kf * PIO2_3
    s = _v_sin_poly(r)
    c = _v_cos_poly(r)
    y = select((k & 1) != 0, c, s)
    return select((k & 2) != 0, -y, y)


@_algorithm
def _v_sin_outside(x):
    """1 when the vector sin/cos cannot reduce the finite x (|x| > SINCOS_MAX), else 0."""
    a = abs(x)
    return select((a > SINCOS_MAX) & (a < INF), 1, 0)


@_algorithm
def _v_sin(x):
    """sin(x) of a float64 for |x| <= SINCOS_MAX, nan for inf and nan (other x: see
    sin_careful)."""
    y = _v_sincos_quadrant(x, 0)
    y = select(abs(x) < 1e-300, x, y)      # -0.0 and the subnormals: sin(x) = x
    return select(abs(x) <= SINCOS_MAX, y, NAN)


@_algorithm
def _v_cos(x):
    """cos(x) of a float64 for |x| <= SINCOS_MAX, nan for inf and nan (other x: see
    cos_careful)."""
    y = _v_sincos_quadrant(x, 1)
    return select(abs(x) <= SINCOS_MAX, y, NAN)


@_algorithm
def _v_copysign(y, x):
    """|y| with the sign of x (bits)."""
    return bits_f64((f64_bits(y) & 0x7FFFFFFFFFFFFFFF) | (f64_bits(x) & -0x8000000000000000))


@_algorithm
def _v_tanh(x):
    """tanh(x) of a float64: expm1(2|x|) / (expm1(2|x|) + 2), with the sign of x."""
    a = abs(x)
    a = select(a < 20.0, a, 20.0)       # tanh(20) rounds to 1
    e = _v_expm1(2.0 * a)
    y = _v_copysign(e / (e + 2.0), x)
    y = select(a < 1e-300, x, y)        # -0.0 and subnormals
    return select(x == x, y, x)


@_algorithm
def _v_sigmoid(x):
    """1 / (1 + e**-x) of a float64 (0 below x = -709.78, where e**-x overflows, as SciPy's
    expit gives)."""
    return 1.0 / (1.0 + _v_exp(-x))


@_algorithm
def _v_sigmoid_f32(x):
    """sigmoid for a float32 result: 0 where float32's e**-x overflows (e**-x at least halfway
    from FLT_MAX to 2**128), as SciPy's float32 expit gives."""
    e = _v_exp(-x)
    return select(e >= 3.4028235677973366e38, 0.0, 1.0 / (1.0 + e))


@_algorithm
def _v_softplus(x):
    """log(1 + e**x) of a float64, as max(x, 0) + log1p(e**-|x|)."""
    return select(x == x, select(x > 0.0, x, 0.0) + _v_log1p(_v_exp(-abs(x))), x)


# ---------------------------------------------------------------------------------------------
# the algorithms as LLVM IR
# ---------------------------------------------------------------------------------------------
#
# Numba's ``inline="always"``, or the statements of the functions above pasted into a kernel, put
# them in the loop too, but numba then types and lowers every statement of every expansion again
# (seconds per kernel). Instead each public function is one numba intrinsic whose code generator
# translates the function above (the one definition of each algorithm) straight into LLVM IR in
# the caller: numba types one call per step, and LLVM inlines, optimizes and vectorizes the
# loop. The translation covers what the algorithms use: assignments (tuples too), float64 and
# int64 arithmetic, comparisons (ordered, except ``!=``, as in Python), ``&``/``|``/shifts,
# ``abs``, ``select``, the bit casts and calls of other algorithms.

_FUNCS = None


def _parsed():
    global _FUNCS
    if _FUNCS is None:
        import ast
        import inspect

        tree = ast.parse(inspect.getsource(inspect.getmodule(_parsed)))
        funcs = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                    getattr(d, "id", None) == "_algorithm" for d in node.decorator_list):
                funcs[node.name] = node
        _FUNCS = funcs
    return _FUNCS


_F64 = ir.DoubleType()
_I64 = ir.IntType(64)
_I1 = ir.IntType(1)


class _Emitter:
    """Writes an algorithm's IR with ``builder`` (see above)."""

    _FOPS = {"Add": "fadd", "Sub": "fsub", "Mult": "fmul", "Div": "fdiv"}
    _IOPS = {"Add": "add", "Sub": "sub", "Mult": "mul", "LShift": "shl", "RShift": "ashr",
             "BitAnd": "and_", "BitOr": "or_"}
    _CMP = {"Eq": "==", "NotEq": "!=", "Lt": "<", "LtE": "<=", "Gt": ">", "GtE": ">="}

    def __init__(self, builder):
        self.b = builder
        self.funcs = _parsed()

    def call(self, name, args):
        import ast

        fn = self.funcs[name]
        env = dict(zip([a.arg for a in fn.args.args], args))
        for st in fn.body:
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
                continue   # docstring
            if isinstance(st, ast.Return):
                return self.ev(st.value, env)
            if not isinstance(st, ast.Assign) or len(st.targets) != 1:
                raise NotImplementedError(f"vmath: statement in {name}: {ast.unparse(st)}")
            target, value = st.targets[0], self.ev(st.value, env)
            if isinstance(target, ast.Tuple):
                for t, v in zip(target.elts, value):
                    env[t.id] = v
            else:
                env[target.id] = value
        raise NotImplementedError(f"vmath: {name} has no return")

    def _pair(self, a, b):
        # an int constant next to a float is that float (as in ``2 * x``)
        if a.type != b.type:
            if isinstance(a, ir.Constant) and a.type == _I64 and b.type == _F64:
                a = ir.Constant(_F64, float(a.constant))
            elif isinstance(b, ir.Constant) and b.type == _I64 and a.type == _F64:
                b = ir.Constant(_F64, float(b.constant))
            else:
                raise TypeError(f"vmath: mixed types {a.type} and {b.type}")
        return a, b

    def ev(self, node, env):
        import ast

        b = self.b
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise NotImplementedError(f"vmath: constant {v!r}")
            return ir.Constant(_F64, v) if isinstance(v, float) else ir.Constant(_I64, v)
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            v = globals()[node.id]
            return ir.Constant(_F64, v) if isinstance(v, float) else ir.Constant(_I64, v)
        if isinstance(node, ast.Tuple):
            return [self.ev(e, env) for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            x = self.ev(node.operand, env)
            if isinstance(x, ir.Constant):
                return ir.Constant(x.type, -x.constant)
            return b.fneg(x) if x.type == _F64 else b.neg(x)
        if isinstance(node, ast.BinOp):
            x, y = self._pair(self.ev(node.left, env), self.ev(node.right, env))
            op = type(node.op).__name__
            if x.type == _F64:
                return getattr(b, self._FOPS[op])(x, y)
            return getattr(b, self._IOPS[op])(x, y)
        if isinstance(node, ast.Compare):
            x, y = self._pair(self.ev(node.left, env), self.ev(node.comparators[0], env))
            op = self._CMP[type(node.ops[0]).__name__]
            if x.type == _F64:
                # Python's float comparisons: false with a nan, except != (true)
                if op == "!=":
                    return b.fcmp_unordered(op, x, y)
                return b.fcmp_ordered(op, x, y)
            return b.icmp_signed(op, x, y)
        if isinstance(node, ast.Call):
            fname = node.func.id
            args = [self.ev(a, env) for a in node.args]
            if fname == "select":
                x, y = self._pair(args[1], args[2])
                return b.select(args[0], x, y)
            if fname == "f64_bits":
                return b.bitcast(args[0], _I64)
            if fname == "bits_f64":
                return b.bitcast(args[0], _F64)
            if fname == "abs":
                fabs = b.module.declare_intrinsic("llvm.fabs", [_F64])
                return b.call(fabs, [args[0]])
            return self.call(fname, args)
        raise NotImplementedError(f"vmath: expression {ast.unparse(node)}")


def _ir_function(name):
    """A numba intrinsic computing algorithm ``_v_<name>`` of a float64, inline."""
    algorithm = f"_v_{name}"
    result = types.int64 if name == "sin_outside" else types.float64

    def typer(typingctx, x):
        if x != types.float64:
            return None

        def codegen(context, builder, signature, args):
            return _Emitter(builder).call(algorithm, [args[0]])

        return result(types.float64), codegen

    typer.__name__ = typer.__qualname__ = f"{name}_ir"
    typer.__module__ = __name__
    return intrinsic(typer)


exp_ir = _ir_function("exp")
expm1_ir = _ir_function("expm1")
log_ir = _ir_function("log")
log1p_ir = _ir_function("log1p")
sin_ir = _ir_function("sin")
cos_ir = _ir_function("cos")
sin_outside_ir = _ir_function("sin_outside")
tanh_ir = _ir_function("tanh")
sigmoid_ir = _ir_function("sigmoid")
sigmoid_f32_ir = _ir_function("sigmoid_f32")
softplus_ir = _ir_function("softplus")


# ---------------------------------------------------------------------------------------------
# the functions, for numba code (njit, float64 and float32)
# ---------------------------------------------------------------------------------------------


@njit(**_JIT)
def exp(x):
    """e**x of a float64."""
    return exp_ir(np.float64(x))


@njit(**_JIT)
def expm1(x):
    """e**x - 1 of a float64, accurate near 0."""
    return expm1_ir(np.float64(x))


@njit(**_JIT)
def log(x):
    """Natural logarithm of a float64 (log(0) = -inf, log(x < 0) = nan)."""
    return log_ir(np.float64(x))


@njit(**_JIT)
def log1p(x):
    """log(1 + x) of a float64, accurate near 0 (log1p(-1) = -inf, below -1 nan)."""
    return log1p_ir(np.float64(x))


@njit(**_JIT)
def sin(x):
    """sin(x) of a float64 for |x| <= SINCOS_MAX; nan for inf, nan and larger |x| (see
    sin_careful)."""
    return sin_ir(np.float64(x))


@njit(**_JIT)
def cos(x):
    """cos(x) of a float64 for |x| <= SINCOS_MAX; nan for inf, nan and larger |x| (see
    cos_careful)."""
    return cos_ir(np.float64(x))


@njit(**_JIT)
def sin_outside(x):
    """1 when the vector sin/cos cannot reduce the finite float64 x (|x| > SINCOS_MAX), else 0."""
    return sin_outside_ir(np.float64(x))


@njit(**_JIT)
def sin_careful(x):
    """sin(x) of every float64: the vector code where it applies, else the C library."""
    x = np.float64(x)
    return math.sin(x) if sin_outside_ir(x) != 0 else sin_ir(x)


@njit(**_JIT)
def cos_careful(x):
    """cos(x) of every float64: the vector code where it applies, else the C library."""
    x = np.float64(x)
    return math.cos(x) if sin_outside_ir(x) != 0 else cos_ir(x)


@njit(**_JIT)
def tanh(x):
    """tanh(x) of a float64."""
    return tanh_ir(np.float64(x))


@njit(**_JIT)
def sigmoid(x):
    """1 / (1 + e**-x) of a float64."""
    return sigmoid_ir(np.float64(x))


@njit(**_JIT)
def softplus(x):
    """log(1 + e**x) of a float64."""
    return softplus_ir(np.float64(x))


# float32: computed in float64, rounded once


@njit(**_JIT)
def exp_f32(x):
    """exp of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(exp_ir(np.float64(x)))


@njit(**_JIT)
def log_f32(x):
    """log of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(log_ir(np.float64(x)))


@njit(**_JIT)
def log1p_f32(x):
    """log1p of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(log1p_ir(np.float64(x)))


@njit(**_JIT)
def expm1_f32(x):
    """expm1 of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(expm1_ir(np.float64(x)))


@njit(**_JIT)
def sin_f32(x):
    """sin of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(sin_ir(np.float64(x)))


@njit(**_JIT)
def cos_f32(x):
    """cos of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(cos_ir(np.float64(x)))


@njit(**_JIT)
def tanh_f32(x):
    """tanh of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(tanh_ir(np.float64(x)))


@njit(**_JIT)
def sigmoid_f32(x):
    """sigmoid of a float32 (computed in float64, rounded once to float32)."""
    return np.float32(sigmoid_f32_ir(np.float64(x)))


# scalar op name -> the intrinsic a kernel calls (FUNCTIONS_F32 first for a float32 result);
# guarded ones: (outside test, careful function)
FUNCTIONS_F32 = {"sigmoid": "sigmoid_f32_ir"}
FUNCTIONS = {"exp": "exp_ir", "log": "log_ir", "log1p": "log1p_ir", "expm1": "expm1_ir",
             "sin": "sin_ir", "cos": "cos_ir", "tanh": "tanh_ir", "sigmoid": "sigmoid_ir",
             "softplus": "softplus_ir"}
GUARDED = {"sin": ("sin_outside_ir", "sin_careful"), "cos": ("sin_outside_ir", "cos_careful")}


def _source_digest():
    import hashlib

    with open(__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


# kernels that call these functions carry this digest in their source (so in their cache key):
# numba's cache would not notice an edit of this module otherwise
SOURCE_DIGEST = _source_digest()
