"""Per-op implementations for the JAX backend: ``jax_funcify(op, node) -> function of jax arrays``.

Registered implementations are pure jax.numpy code and the whole graph is jitted. An op with no
registration makes the graph run op by op (not jitted) with that node computed by its ``perform``
on NumPy copies of its inputs, so every graph still runs.
"""

import threading
from functools import singledispatch

import numpy as np

from theano.scalar import basic as ts
from theano.tensor.basic import MakeVector, Rebroadcast
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.math import Argmax, Dot
from theano.tensor.reshaping import Reshape, Shape, Shape_i


class NotJittable(Exception):
    """The node has no pure-JAX implementation."""


@singledispatch
def jax_funcify(op, node):
    raise NotJittable(type(op).__name__)


class LazyTranslation:
    """The JAX form of a ``lazy`` op (one that computes only some of its inputs): ``first``, the
    inputs computed before the op decides, and ``run(values, evaluate)``, given their values,
    returns the outputs; ``evaluate(variables, scoped)`` computes other inputs of the node on
    demand (``scoped``: inside a function traced on its own, such as a ``lax.cond`` branch)."""

    __slots__ = ("first", "run")

    def __init__(self, first, run):
        self.first = list(first)
        self.run = run


@singledispatch
def jax_lazy_funcify(op, node):
    """A ``LazyTranslation`` of a lazy op's node (NotJittable where it has none)."""
    raise NotJittable(type(op).__name__)


def has_lazy_translation(op):
    """Whether ``op`` (an op or an op class) has a ``jax_lazy_funcify`` registration."""
    cls = op if isinstance(op, type) else type(op)
    return jax_lazy_funcify.dispatch(cls) is not jax_lazy_funcify.dispatch(object)


def _host_value(a):
    """A JAX array as a (read-only) NumPy array; other values (NumPy arrays, random generator
    states, sparse matrices, lists) as they are."""
    if type(a).__module__.startswith("jax"):
        return np.asarray(a)
    return a


def perform_on_host(op, node):
    """The fallback: ``op.perform`` on NumPy copies of the inputs (outside of jit)."""
    n_out = len(node.outputs)
    destroyed = {i for ins in getattr(op, "destroy_map", {}).values() for i in ins}

    def host(*args):
        cells = [[None] for _ in range(n_out)]
        # JAX buffers are read-only: an input the op overwrites gets a writable copy
        vals = [np.array(a) if i in destroyed else _host_value(a) for i, a in enumerate(args)]
        op.perform(node, vals, cells)
        return cells[0][0] if n_out == 1 else tuple(c[0] for c in cells)

    host.on_host = True
    return host


def _jnp():
    import jax.numpy as jnp

    return jnp


def _round_half_away(x):
    """Halves away from zero, exact for every float as the reference (``floor(x + 0.5)`` rounds
    0.49999999999999994 up): trunc, then a step of sign(x) where the rest is at least a half."""
    jnp = _jnp()
    t = jnp.trunc(x)
    return jnp.where(jnp.abs(x - t) >= 0.5, t + jnp.sign(x), t)


def _special():
    import jax.scipy.special as jss

    return jss


def _scalar_fn(sop):
    """A jax function of arrays for one scalar op (before the cast to the output dtype)."""
    import jax

    jnp = _jnp()
    name = sop.name
    if isinstance(sop, ts.Add):
        return lambda *xs: _fold(jnp.add, xs)
    if isinstance(sop, ts.Mul):
        return lambda *xs: _fold(jnp.multiply, xs)
    if isinstance(sop, ts.Cast):
        return lambda x: x
    simple = {
        "sub": jnp.subtract, "true_div": jnp.true_divide, "int_div": _int_div,
        "mod": _mod, "pow": jnp.power, "neg": jnp.negative, "abs": jnp.abs, "exp": jnp.exp,
        "exp2": jnp.exp2, "expm1": jnp.expm1, "log": jnp.log, "log2": jnp.log2,
        "log10": jnp.log10, "log1p": jnp.log1p, "sqrt": jnp.sqrt, "sin": jnp.sin, "cos": jnp.cos,
        "tan": jnp.tan, "arcsin": jnp.arcsin, "arccos": jnp.arccos, "arctan": jnp.arctan,
        "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh, "arcsinh": jnp.arcsinh,
        "arccosh": jnp.arccosh, "arctanh": jnp.arctanh, "sgn": jnp.sign, "floor": jnp.floor,
        "ceil": jnp.ceil, "trunc": jnp.trunc, "round_half_to_even": jnp.round,
        "isnan": jnp.isnan, "isinf": jnp.isinf, "maximum": jnp.maximum, "minimum": jnp.minimum,
        "lt": jnp.less, "gt": jnp.greater, "le": jnp.less_equal, "ge": jnp.greater_equal,
        "eq": jnp.equal, "neq": jnp.not_equal, "and_": jnp.bitwise_and, "or_": jnp.bitwise_or,
        "xor": jnp.bitwise_xor, "invert": jnp.invert, "switch": jnp.where,
        "clip": lambda x, lo, hi: jnp.where(x < lo, lo, jnp.where(x > hi, hi, x)),
        "arctan2": jnp.arctan2, "real": jnp.real, "imag": jnp.imag, "conj": jnp.conj,
        "angle": jnp.angle, "identity": lambda x: x, "sqr": lambda x: x * x,
        "inv": lambda x: 1.0 / x, "sigmoid": jax.nn.sigmoid, "softplus": jax.nn.softplus,
        "erf": lambda x: _special().erf(x), "erfc": lambda x: _special().erfc(x),
        "erfinv": lambda x: _special().erfinv(x), "gammaln": lambda x: _special().gammaln(x),
        "psi": lambda x: _special().digamma(x),
        "gamma": lambda x: jnp.exp(_special().gammaln(x)) * _gamma_sign(x),
        "round_half_away_from_zero": _round_half_away,
        "second": lambda x, y: jnp.broadcast_to(y, jnp.broadcast_shapes(x.shape, y.shape)),
        "deg2rad": jnp.deg2rad, "rad2deg": jnp.rad2deg,
        "complex": lambda r, i: r + 1j * i, "complex_from_polar": lambda r, t: r * jnp.exp(1j * t),
        "erfcinv": lambda x: -_special().ndtri(x / 2) / np.sqrt(2.0),
        "erfcx": lambda x: _special().erfcx(x), "gammainc": lambda k, x: _special().gammainc(k, x),
        "gammaincc": lambda k, x: _special().gammaincc(k, x), "i0": lambda x: _special().i0(x),
        "i1": lambda x: _special().i1(x), "tri_gamma": lambda x: _special().polygamma(1, x),
        "xlogx": lambda x: _special().xlogy(x, x), "xlogy0": lambda x, y: _special().xlogy(x, y),
        "chi2sf": lambda x, k: _chi2_sf(x, k),
        "ultra_fast_scalar_sigmoid": _ultra_fast_sigmoid,
    }
    if name in simple:
        return simple[name]
    raise NotJittable(f"scalar op {name}")


def _ultra_fast_sigmoid(x):
    """Theano 1.0's piecewise sigmoid (the NumPy version is in theano/scalar/basic.py)."""
    jnp = _jnp()
    z = jnp.abs(x) * 0.5
    inner = jnp.where(z < 1.7, 1.5 * z / (1.0 + z),
                      jnp.where(z < 3.0, 0.935409070603099 + 0.0458812946797165 * (z - 1.7),
                                0.99505475368673))
    return jnp.where(x >= 0, 0.5 + 0.5 * inner, 0.5 - 0.5 * inner).astype(x.dtype)


def _chi2_sf(x, k):
    import jax.scipy.stats as jst

    return jst.chi2.sf(x, k)


def _is_int(x):
    return _jnp().issubdtype(x.dtype, _jnp().integer)


def _int_div(x, y):
    """NumPy's floor division: for integers x // 0 == 0 and INT_MIN // -1 == INT_MIN (wrapped),
    which XLA leaves to the hardware (see docs/compatibility.md)."""
    jnp = _jnp()
    if not (_is_int(x) and _is_int(y)):
        return jnp.floor_divide(x, y)
    dt = jnp.result_type(x, y)
    x, y = x.astype(dt), y.astype(dt)
    bad = (y == 0) | (y == -1) if jnp.issubdtype(dt, jnp.signedinteger) else (y == 0)
    q = jnp.floor_divide(x, jnp.where(bad, jnp.ones_like(y), y))
    q = jnp.where(y == 0, jnp.zeros_like(q), q)
    if jnp.issubdtype(dt, jnp.signedinteger):
        q = jnp.where(y == -1, -x, q)     # wraps for INT_MIN
    return q


def _mod(x, y):
    """NumPy's modulo: for integers x % 0 == 0 and x % -1 == 0; the sign of the divisor."""
    jnp = _jnp()
    if not (_is_int(x) and _is_int(y)):
        return jnp.mod(x, y)
    dt = jnp.result_type(x, y)
    x, y = x.astype(dt), y.astype(dt)
    bad = (y == 0) | (y == -1) if jnp.issubdtype(dt, jnp.signedinteger) else (y == 0)
    r = jnp.mod(x, jnp.where(bad, jnp.ones_like(y), y))
    return jnp.where(bad, jnp.zeros_like(r), r)


def _gamma_sign(x):
    jnp = _jnp()
    return jnp.where((x > 0) | (jnp.floor(x) % 2 == 0), 1.0, -1.0)


def _fold(fn, xs):
    out = xs[0]
    for x in xs[1:]:
        out = fn(out, x)
    return out


def _check_strict(node, args):
    """Theano's strict broadcasting, checked on the (static) shapes at trace time."""
    for d in range(node.outputs[0].ndim):
        lengths = [a.shape[d] for a, v in zip(args, node.inputs) if not v.broadcastable[d]]
        if len(set(lengths)) > 1:
            # the message of the other backends (theano/tensor/elemwise.py)
            a = lengths[0]
            b = next(n for n in lengths if n != a)
            raise ValueError(
                f"Input dimension mismatch: dimension {d} has length {a} in one input and {b} in "
                f"another ({', '.join(str(tuple(a.shape)) for a in args)}). Theano broadcasts "
                "only dimensions declared broadcastable; use T.addbroadcast or a row/col type if "
                "you meant to broadcast."
            )


def _composite_fn(sop):
    """A jax function for a fused Composite: its inner graph, node by node."""

    fg = sop.fgraph
    steps = []
    for inner in fg.toposort():
        if not isinstance(inner.op, Elemwise):
            raise NotJittable(f"composite with {inner.op}")
        steps.append((inner, _elemwise_fn(inner.op.scalar_op, [o.dtype for o in inner.outputs])))

    def composite(*xs):
        env = dict(zip(fg.inputs, xs))
        for inner, fn in steps:
            args = [env[v] if v in env else np.asarray(v.data) for v in inner.inputs]
            res = fn(*args)
            res = res if isinstance(res, tuple) else (res,)
            for o, r in zip(inner.outputs, res):
                env[o] = r
        outs = tuple(env[o] if o in env else np.asarray(o.data) for o in fg.outputs)
        return outs[0] if len(outs) == 1 else outs

    return composite


def _elemwise_fn(sop, out_dtypes):
    if getattr(sop, "fgraph", None) is not None:
        return _composite_fn(sop)
    fn = _scalar_fn(sop)
    od = out_dtypes[0]
    # Theano promotes bool operands of arithmetic (-b, b + b, ...) to the output dtype first
    promote = od != "bool" and sop.name not in ("switch", "cast", "identity")

    def elem(*xs):
        if promote:
            xs = [x.astype(od) if x.dtype == bool else x for x in xs]
        return fn(*xs).astype(od)

    return elem


def _all_small_host(args, limit=64):
    """All arguments are NumPy values (constants or shapes), small enough to compute now."""
    return all(isinstance(a, (np.ndarray, np.generic)) and np.size(a) <= limit for a in args)


@jax_funcify.register(Elemwise)
def _jax_elemwise(op, node):
    jnp = _jnp()
    fn = _elemwise_fn(op.scalar_op, [o.dtype for o in node.outputs])
    shape_dims = node.outputs[0].ndim
    n_out = len(node.outputs)
    dtypes = [o.dtype for o in node.outputs]

    def elemwise(*args):
        if _all_small_host(args):
            # shape arithmetic (``x.shape[0] * 2``): computed on the host while tracing, so the
            # shapes it feeds (reshape, alloc, arange, ...) stay static under jit
            cells = [[None] for _ in range(n_out)]
            op.perform(node, list(args), cells)
            return cells[0][0] if n_out == 1 else tuple(c[0] for c in cells)
        _check_strict(node, args)
        res = fn(*args)
        res = res if isinstance(res, tuple) else (res,)
        shape = jnp.broadcast_shapes(*[a.shape for a in args]) if shape_dims else ()
        res = tuple(jnp.broadcast_to(jnp.asarray(r).astype(d), shape) for r, d in zip(res, dtypes))
        return res[0] if n_out == 1 else res

    return elemwise


@jax_funcify.register(DimShuffle)
def _jax_dimshuffle(op, node):
    jnp = _jnp()

    def dimshuffle(x):
        if op.drop:
            x = jnp.squeeze(x, axis=op.drop)
        kept = sorted(op.shuffle)
        perm = tuple(kept.index(d) for d in op.shuffle)
        x = jnp.transpose(x, perm)
        shape = []
        k = 0
        for o in op.new_order:
            if o == "x":
                shape.append(1)
            else:
                shape.append(x.shape[k])
                k += 1
        return jnp.reshape(x, tuple(shape))

    return dimshuffle


def _canonical(dtype):
    """``dtype`` as JAX's current mode holds it (float64 -> float32 outside x64 mode)."""
    import jax

    return jax.dtypes.canonicalize_dtype(dtype)


@jax_funcify.register(CAReduce)
def _jax_careduce(op, node):
    jnp = _jnp()
    fns = {"add": jnp.sum, "mul": jnp.prod, "maximum": jnp.max, "minimum": jnp.min,
           "and_": jnp.all, "or_": jnp.any}
    out_dtype = node.outputs[0].dtype
    if op.scalar_op.name in ("and_", "or_") and node.inputs[0].dtype != "bool":
        # bitwise on integers, as NumPy's bitwise_and/or.reduce
        from jax import lax

        bit = jnp.bitwise_and if op.scalar_op.name == "and_" else jnp.bitwise_or
        ident = -1 if op.scalar_op.name == "and_" else 0

        def bit_reduce(x):
            axes = tuple(range(x.ndim)) if op.axis is None else tuple(op.axis)
            if not axes:
                return jnp.asarray(x).astype(out_dtype)
            start = jnp.asarray(ident).astype(x.dtype)
            return lax.reduce(x, start, bit, axes).astype(out_dtype)

        return bit_reduce
    if op.scalar_op.name == "xor":
        # NumPy's bitwise_xor.reduce (parity for booleans); and_/or_ are all/any, as the reference
        from jax import lax

        def xor_reduce(x):
            axes = tuple(range(x.ndim)) if op.axis is None else tuple(op.axis)
            if not axes:
                return jnp.asarray(x).astype(out_dtype)
            start = jnp.zeros((), dtype=x.dtype)
            return lax.reduce(x, start, jnp.bitwise_xor, axes).astype(out_dtype)

        return xor_reduce
    fn = fns.get(op.scalar_op.name)
    if fn is None:
        raise NotJittable(str(op))
    acc = op.acc_dtype if op.scalar_op.name in ("add", "mul") else None

    def reduce_(x):
        # a 64-bit accumulator of a 32-bit graph (outside x64 mode) accumulates in 32 bits,
        # as JAX would anyway, without its warning
        r = fn(x, axis=op.axis, dtype=_canonical(acc)) if acc else fn(x, axis=op.axis)
        return r.astype(out_dtype)

    return reduce_


@jax_funcify.register(Dot)
def _jax_dot(op, node):
    jnp = _jnp()
    out_dtype = node.outputs[0].dtype

    def dot(x, y):
        if x.shape[-1] != y.shape[0]:
            raise ValueError(f"Shape mismatch in dot: {tuple(x.shape)} and {tuple(y.shape)}")
        # mixed dtypes (int32 . float32 -> float64) are computed in the output dtype
        return jnp.dot(x.astype(out_dtype), y.astype(out_dtype))

    return dot


@jax_funcify.register(Argmax)
def _jax_argmax(op, node):
    jnp = _jnp()
    keep = None

    def argmax(x):
        nonlocal keep
        keep = [d for d in range(x.ndim) if d not in op.axis]
        moved = jnp.transpose(x, keep + list(op.axis))
        moved = jnp.reshape(moved, tuple(x.shape[d] for d in keep) + (-1,))
        fn = jnp.argmax if op.op == "max" else jnp.argmin
        return fn(moved, axis=-1).astype("int64")

    return argmax


@jax_funcify.register(Shape)
def _jax_shape(op, node):
    return lambda x: np.asarray(x.shape, dtype="int64")


@jax_funcify.register(Shape_i)
def _jax_shape_i(op, node):
    return lambda x: np.asarray(x.shape[op.i], dtype="int64")


@jax_funcify.register(Reshape)
def _jax_reshape(op, node):
    jnp = _jnp()

    def reshape(x, shp):
        # the target shape must be known when tracing (a constant or computed from shapes)
        return jnp.reshape(x, tuple(int(s) for s in np.asarray(shp)))

    return reshape


@jax_funcify.register(MakeVector)
def _jax_make_vector(op, node):
    jnp = _jnp()

    def make_vector(*xs):
        if all(isinstance(x, np.ndarray) for x in xs):
            return np.array(xs, dtype=op.dtype).reshape(len(xs))
        return jnp.stack([jnp.asarray(x) for x in xs]).astype(op.dtype)

    return make_vector


@jax_funcify.register(Rebroadcast)
def _jax_rebroadcast(op, node):
    def rebroadcast(x):
        for a, b in op.axis:
            if b and x.shape[a] != 1:
                raise ValueError(f"Dimension {a} was declared broadcastable but has length {x.shape[a]}")
        return x

    return rebroadcast


def _register_optional():
    """Implementations of ops from modules that may not be importable in every checkout."""
    try:
        from theano.tensor.blas import Dot22Scalar, Gemm, Gemv, Ger
    except ImportError:
        Gemm = Gemv = Ger = Dot22Scalar = None
    if Gemm is not None:
        @jax_funcify.register(Gemm)
        def _jax_gemm(op, node):
            od = node.outputs[0].dtype
            return lambda z, a, x, y, b: (b * z + a * _jnp().dot(x, y)).astype(od)

        @jax_funcify.register(Gemv)
        def _jax_gemv(op, node):
            od = node.outputs[0].dtype
            return lambda z, a, A, x, b: (b * z + a * _jnp().dot(A, x)).astype(od)

        @jax_funcify.register(Ger)
        def _jax_ger(op, node):
            od = node.outputs[0].dtype
            return lambda A, a, x, y: (A + a * _jnp().outer(x, y)).astype(od)

        @jax_funcify.register(Dot22Scalar)
        def _jax_dot22scalar(op, node):
            od = node.outputs[0].dtype
            return lambda x, y, a: (a * _jnp().dot(x, y)).astype(od)
    try:
        from theano.tensor.nnet.nnet import LogSoftmax, Softmax, SoftmaxGrad
    except ImportError:
        return
    import jax

    @jax_funcify.register(Softmax)
    def _jax_softmax(op, node):
        return lambda x: jax.nn.softmax(x, axis=-1).astype(node.outputs[0].dtype)

    @jax_funcify.register(LogSoftmax)
    def _jax_logsoftmax(op, node):
        return lambda x: jax.nn.log_softmax(x, axis=-1).astype(node.outputs[0].dtype)

    @jax_funcify.register(SoftmaxGrad)
    def _jax_softmax_grad(op, node):
        def softmax_grad(dy, sm):
            return ((dy - (dy * sm).sum(axis=-1, keepdims=True)) * sm).astype(node.outputs[0].dtype)

        return softmax_grad


_register_optional()


# -------------------------------------------------------------------------------------------------
# Indexing. Index scalars and slice bounds are read as Python ints when tracing, so a graph whose
# indices are computed at run time (e.g. a minibatch slice ``x[i * n:(i + 1) * n]``) runs op by op
# (the shapes it produces are not static); constant indices keep the graph jitted.
# -------------------------------------------------------------------------------------------------


def _check_fits(op, y, part_shape):
    try:
        ok = tuple(np.broadcast_shapes(tuple(y.shape), tuple(part_shape))) == tuple(part_shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{op}: cannot broadcast the value of shape {tuple(y.shape)} to the indexed "
                         f"part of shape {tuple(part_shape)}")


def _is_traced(v):
    import jax

    return isinstance(v, jax.core.Tracer)


class _Checks(threading.local):
    """The run-time checks met while the jitted graph is being traced (None when not tracing
    for jit): each becomes extra outputs of the jitted function, tested on the host after the
    call (see the linker), so bad indices raise instead of being clamped by XLA."""

    active = None


_checks = _Checks()


def begin_checks():
    _checks.active = []
    return _checks.active


def end_checks():
    _checks.active = None


def runtime_check(bad, value, exc_type, template, **static):
    """Raise ``exc_type(template.format(value=..., **static))`` if ``bad`` (a boolean scalar):
    now when it is concrete, after the jitted call when traced."""
    if not _is_traced(bad):
        if bool(np.asarray(bad)):
            raise exc_type(template.format(value=np.asarray(value).item(), **static))
        return
    if _checks.active is None:
        raise NotJittable("a run-time check outside of a jitted trace")
    _checks.active.append((exc_type, template, static, bad, value))


def _check_index_array(op, idx, n, shape, axis=0):
    """Bounds of an integer index array (at run time when its values are traced)."""
    if not _is_traced(idx):
        idx = np.asarray(idx)
        if idx.size:
            lo, hi = int(idx.min()), int(idx.max())
            if lo < -n or hi >= n:
                bad = hi if hi >= n else lo
                raise IndexError(f"{op}: index {bad} is out of bounds for axis {axis} with size {n} "
                                 f"(the input has shape {tuple(shape)})")
        return
    jnp = _jnp()
    if idx.size == 0:
        return
    outside = (idx < -n) | (idx >= n)
    first = jnp.ravel(idx)[jnp.argmax(jnp.ravel(outside))]
    runtime_check(jnp.any(outside), first, IndexError,
                  "{op}: index {value} is out of bounds for axis {axis} with size {n} (the input "
                  "has shape {shape})", op=str(op), axis=axis, n=n, shape=tuple(shape))


def _register_subtensor():
    from theano.tensor import subtensor as st

    def basic_items(op, idx, shape, items=None):
        """The index items; a scalar index known only at run time stays traced (checked at run
        time, wrapped if negative); slice bounds must be known (static shapes). ``items``: the
        decoded index (``st._decode(..., numeric=False)``) where the caller changed it."""
        traced = {k: v for k, v in enumerate(idx) if _is_traced(v)}
        if not traced and items is None:
            items = st._decode(op.idx_list, idx, numeric=True)
            st._check_basic_bounds(op, items, shape)
            return items
        if items is None:
            items = st._decode(op.idx_list, idx, numeric=False)
        out = []
        for axis, e in enumerate(items):
            if isinstance(e, tuple):
                if any(_is_traced(c) for c in e):
                    raise NotJittable(f"{op}: slice bounds known only at run time")
                out.append(slice(*(None if c is None else int(np.asarray(c)) for c in e)))
            elif _is_traced(e):
                n = shape[axis]
                runtime_check((e < -n) | (e >= n), e, IndexError,
                              "{op}: index {value} is out of bounds for axis {axis} with size {n} "
                              "(the input has shape {shape})", op=str(op), axis=axis, n=n,
                              shape=tuple(shape))
                out.append(_jnp().where(e < 0, e + n, e))
            elif e is None or isinstance(e, slice):
                out.append(e)
            else:
                out.append(int(np.asarray(e)))
        st._check_basic_bounds(op, out, shape)
        return out

    def without_reversals(items, shape):
        """``items`` with each slice of negative step replaced by its forward twin (the same
        positions, ascending), and the (result axis, length) of each such slice. A negative step
        becomes a gather of the rows in reverse order instead of XLA's ``reverse``: XLA's CPU
        algebraic simplifier aborts the whole process ("Invalid binary instruction opcode map")
        when it moves a reverse through some computations, which gradients of recurrent layers
        running backwards produce."""
        out, flips, axis, dim = [], [], 0, 0
        for e in items:
            if isinstance(e, slice) and e.step is not None and e.step < 0:
                positions = range(*e.indices(int(shape[dim])))
                if len(positions):
                    out.append(slice(positions[-1], positions[0] + 1, -e.step))
                else:
                    out.append(slice(0, 0))
                flips.append((axis, len(positions)))
            else:
                out.append(e)
            if e is None:
                axis += 1
                continue
            dim += 1
            if isinstance(e, slice):
                axis += 1
        return out, flips

    def flip(v, flips):
        jnp = _jnp()
        for axis, n in flips:
            if n > 1:
                v = jnp.take(v, jnp.arange(n - 1, -1, -1), axis=axis)
        return v

    @jax_funcify.register(st.Subtensor)
    def _jax_subtensor(op, node):
        def subtensor(x, *idx):
            items, flips = without_reversals(basic_items(op, idx, x.shape), x.shape)
            return flip(x[tuple(items) + (Ellipsis,)], flips)

        def with_slices(x, idx, items):
            # the index ``items`` decoded and changed by the caller (dynslice.py: the slices it
            # has already taken become full slices)
            items, flips = without_reversals(basic_items(op, idx, x.shape, items), x.shape)
            return flip(x[tuple(items) + (Ellipsis,)], flips)

        subtensor.with_slices = with_slices
        return subtensor

    @jax_funcify.register(st.IncSubtensor)
    def _jax_inc_subtensor(op, node):
        def inc_subtensor(x, y, *idx, items=None):
            items, flips = without_reversals(basic_items(op, idx, x.shape, items), x.shape)
            key = tuple(items) + (Ellipsis,)
            _check_fits(op, y, x[key].shape)
            if flips:
                jnp = _jnp()
                y = jnp.broadcast_to(jnp.asarray(y), x[key].shape)
                y = flip(y, flips)
            ref = _jnp().asarray(x).at[key]
            return ref.set(y) if op.set_instead_of_inc else ref.add(y)

        def with_slices(x, y, idx, items):
            # the index ``items`` decoded and changed by the caller (dynslice.py)
            return inc_subtensor(x, y, *idx, items=items)

        inc_subtensor.with_slices = with_slices
        return inc_subtensor

    @jax_funcify.register(st.AdvancedSubtensor1)
    def _jax_adv_subtensor1(op, node):
        def adv_subtensor1(x, ilist):
            _check_index_array(op, ilist, x.shape[0], x.shape)
            return x[ilist]

        return adv_subtensor1

    @jax_funcify.register(st.AdvancedIncSubtensor1)
    def _jax_adv_inc_subtensor1(op, node):
        def adv_inc_subtensor1(x, y, ilist):
            _check_index_array(op, ilist, x.shape[0], x.shape)
            _check_fits(op, y, tuple(ilist.shape) + tuple(x.shape[1:]))
            ref = _jnp().asarray(x).at[ilist]
            return ref.set(y) if op.set_instead_of_inc else ref.add(y)

        return adv_inc_subtensor1

    def _adv_items(op, x, idx):
        items = st._decode(op.idx_list, idx, numeric=True)
        axis = 0
        for it in items:
            if it is None:
                continue
            if hasattr(it, "dtype"):
                if it.dtype == bool:
                    if _is_traced(it):
                        raise NotJittable(f"{op}: boolean mask known only at run time")
                    axis += it.ndim
                    continue
                _check_index_array(op, it, x.shape[axis], x.shape, axis)
            axis += 1
        return tuple(items)

    @jax_funcify.register(st.AdvancedSubtensor)
    def _jax_adv_subtensor(op, node):
        def adv_subtensor(x, *idx):
            items = _adv_items(op, x, idx)
            return x[items]

        return adv_subtensor

    @jax_funcify.register(st.AdvancedIncSubtensor)
    def _jax_adv_inc_subtensor(op, node):
        def adv_inc_subtensor(x, y, *idx):
            items = _adv_items(op, x, idx)
            _check_fits(op, y, x[items].shape)
            ref = _jnp().asarray(x).at[items]
            return ref.set(y) if op.set_instead_of_inc else ref.add(y)

        return adv_inc_subtensor


_register_subtensor()


# -------------------------------------------------------------------------------------------------
# Shape-building and other common ops. Shape arguments must be known when tracing (constants or
# computed from input shapes); a shape that depends on input values makes the graph run op by op.
# -------------------------------------------------------------------------------------------------


def _ints(vals):
    return tuple(int(np.asarray(v)) for v in vals)


def _register_common():
    import jax

    import theano.tensor as so  # Alloc, ARange, Join, Split, SpecifyShape, Roll, ...: all exported there
    from theano.tensor.math import MaxAndArgmax, Mean

    jnp = _jnp()

    @jax_funcify.register(so.Alloc)
    def _jax_alloc(op, node):
        vb = node.inputs[0].broadcastable
        od = node.outputs[0].dtype

        def alloc(v, *shape):
            shape = _ints(shape)
            lead = len(shape) - v.ndim
            for d in range(v.ndim):
                if v.shape[d] != shape[lead + d] and not (vb[d] and v.shape[d] == 1):
                    raise ValueError(
                        f"alloc: cannot broadcast a value of shape {tuple(v.shape)} to shape {shape} "
                        f"(dimension {d} of the value has length {v.shape[d]} and is not "
                        "broadcastable; mark it with T.addbroadcast if it always has length 1)")
            if any(s < 0 for s in shape):
                raise ValueError(f"alloc: negative dimension in shape {shape}")
            return jnp.broadcast_to(jnp.asarray(v, dtype=od), shape)

        return alloc

    @jax_funcify.register(so.AllocEmpty)
    def _jax_alloc_empty(op, node):
        return lambda *shape: jnp.zeros(_ints(shape), dtype=op.dtype)

    @jax_funcify.register(so.Join)
    def _jax_join(op, node):
        od = node.outputs[0].dtype

        def join(*tensors):
            ref = tensors[0].shape
            for x in tensors:
                if len(x.shape) != len(ref) or any(a != b for d, (a, b) in enumerate(zip(x.shape, ref))
                                                    if d != op.axis):
                    raise ValueError(f"join along axis {op.axis}: shapes "
                                     f"{', '.join(str(tuple(x.shape)) for x in tensors)} differ "
                                     "outside the join axis")
            return jnp.concatenate([jnp.asarray(x, dtype=od) for x in tensors], axis=op.axis)

        return join

    @jax_funcify.register(so.Split)
    def _jax_split(op, node):
        def split(x, splits):
            sizes = _ints(np.asarray(splits).reshape(-1))
            if len(sizes) != op.len_splits:
                raise ValueError(f"split: got {len(sizes)} sizes, expected {op.len_splits}")
            if any(s < 0 for s in sizes) or sum(sizes) != x.shape[op.axis]:
                raise ValueError(f"split: sizes {list(sizes)} must be non-negative and sum to "
                                 f"{x.shape[op.axis]}, the length of axis {op.axis} of shape "
                                 f"{tuple(x.shape)}")
            pieces = jnp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=op.axis)
            return pieces[0] if op.len_splits == 1 else tuple(pieces)

        return split

    @jax_funcify.register(so.ARange)
    def _jax_arange(op, node):
        def arange(start, stop, step):
            start, stop, step = (np.asarray(v).item() for v in (start, stop, step))
            if step == 0:
                raise ValueError("arange: step must not be zero")
            return jnp.asarray(np.arange(start, stop, step, dtype=op.dtype))

        return arange

    @jax_funcify.register(so.Eye)
    def _jax_eye(op, node):
        return lambda n, m, k: jnp.eye(*_ints((n, m)), k=int(np.asarray(k)), dtype=op.dtype)

    @jax_funcify.register(so.Tri)
    def _jax_tri(op, node):
        return lambda n, m, k: jnp.tri(*_ints((n, m)), k=int(np.asarray(k)), dtype=op.dtype)

    @jax_funcify.register(so.SpecifyShape)
    def _jax_specify_shape(op, node):
        def specify_shape(x, shape):
            want = _ints(np.asarray(shape).reshape(-1))
            if x.ndim != len(want) or tuple(x.shape) != want:
                raise AssertionError(f"specify_shape: expected shape {want}, got {tuple(x.shape)}")
            return x

        return specify_shape

    @jax_funcify.register(so.Roll)
    def _jax_roll(op, node):
        return lambda x, shift: jnp.roll(x, shift, axis=op.axis)

    @jax_funcify.register(Mean)
    def _jax_mean(op, node):
        def mean(x):
            if any(x.shape[a] == 0 for a in op.axis):
                raise ValueError(f"Mean of an empty axis (shape {tuple(x.shape)}, axis {list(op.axis)})")
            return jnp.mean(x, axis=op.axis, dtype="float64").astype("float64")

        return mean

    @jax_funcify.register(MaxAndArgmax)
    def _jax_max_and_argmax(op, node):
        dt = node.outputs[0].dtype

        def max_and_argmax(x):
            axes = tuple(op.axis)
            if any(x.shape[a] == 0 for a in axes):
                raise ValueError(f"max_and_argmax of an empty sequence (shape {tuple(x.shape)}, "
                                 f"axis {list(axes)})")
            keep = [d for d in range(x.ndim) if d not in axes]
            moved = jnp.transpose(x, keep + list(axes))
            moved = jnp.reshape(moved, tuple(x.shape[d] for d in keep) + (-1,))
            return jnp.max(moved, axis=-1).astype(dt), jnp.argmax(moved, axis=-1).astype("int64")

        return max_and_argmax

    try:
        from theano.tensor.extra_ops import CumOp
    except ImportError:
        CumOp = None
    if CumOp is not None:
        @jax_funcify.register(CumOp)
        def _jax_cumop(op, node):
            od = node.outputs[0].dtype
            fn = jnp.cumsum if op.mode == "add" else jnp.cumprod
            return lambda x: fn(x, axis=op.axis).astype(od)

    try:
        from theano.tensor.nnet import nnet as nn
    except ImportError:
        return

    def _check_classes(who, y, n_rows, n_classes):
        if y.shape[0] != n_rows:
            raise ValueError(f"{who}: {n_rows} rows of probabilities but {y.shape[0]} class indices")
        if y.size:
            outside = (y < 0) | (y >= n_classes)
            first = jnp.asarray(y)[jnp.argmax(outside)]
            runtime_check(jnp.any(outside), first, ValueError,
                          "{who}: class indices must lie in [0, {n}), got {value}", who=who,
                          n=n_classes)

    @jax_funcify.register(nn.CrossentropyCategorical1Hot)
    def _jax_xent(op, node):
        od = node.outputs[0].dtype

        def xent(coding, y):
            coding = coding[None, :] if coding.ndim == 1 else coding  # a vector is one row
            _check_classes("CrossentropyCategorical1Hot", y, coding.shape[0], coding.shape[1])
            picked = jnp.take_along_axis(coding, jnp.asarray(y)[:, None] % max(coding.shape[1], 1),
                                         axis=1)[:, 0]
            return (-jnp.log(picked)).astype(od)

        return xent

    @jax_funcify.register(nn.CrossentropyCategorical1HotGrad)
    def _jax_xent_grad(op, node):
        def xent_grad(g_y, coding_in, y):
            coding = coding_in[None, :] if coding_in.ndim == 1 else coding_in  # a vector is one row
            _check_classes("CrossentropyCategorical1HotGrad", y, coding.shape[0], coding.shape[1])
            rows = jnp.arange(coding.shape[0])
            out = jnp.zeros_like(coding).at[rows, y].set(-g_y / coding[rows, y])
            return out.reshape(coding_in.shape)

        return xent_grad

    @jax_funcify.register(nn.CrossentropySoftmaxArgmax1HotWithBias)
    def _jax_xent_sm_bias(op, node):
        dtype = node.outputs[0].dtype
        who = "CrossentropySoftmaxArgmax1HotWithBias"

        def xent_sm_bias(x, b, y):
            if b.shape[0] != x.shape[1]:
                raise ValueError(f"{who}: b has length {b.shape[0]} but x has {x.shape[1]} columns")
            _check_classes(who, y, x.shape[0], x.shape[1])
            z = (x + b).astype(dtype)
            logsm = jax.nn.log_softmax(z, axis=-1)
            rows = jnp.arange(x.shape[0])
            am = (jnp.argmax(z, axis=1) if z.shape[1] else jnp.zeros(z.shape[0])).astype("int64")
            return (-logsm[rows, y]).astype(dtype), jnp.exp(logsm).astype(dtype), am

        return xent_sm_bias

    @jax_funcify.register(nn.CrossentropySoftmax1HotWithBiasDx)
    def _jax_xent_sm_dx(op, node):
        od = node.outputs[0].dtype
        who = "CrossentropySoftmax1HotWithBiasDx"
        dy_bcast = node.inputs[0].broadcastable[0]  # a broadcastable dy of length 1 serves every row

        def xent_sm_dx(dy, sm, y):
            _check_classes(who, y, sm.shape[0], sm.shape[1])
            if dy.shape[0] != sm.shape[0] and not (dy_bcast and dy.shape[0] == 1):
                raise ValueError(f"{who}: dy has length {dy.shape[0]} but sm has {sm.shape[0]} rows")
            dx = jnp.asarray(sm, dtype=od).at[jnp.arange(sm.shape[0]), y].add(-1)
            return (dx * dy[:, None]).astype(od)

        return xent_sm_dx


_register_common()


# -------------------------------------------------------------------------------------------------
# Convolutions (conv2d/conv3d and their gradients) through lax.conv_general_dilated; the gradient
# ops are the vector-Jacobian products of the forward convolution.
# -------------------------------------------------------------------------------------------------


def _register_conv():
    try:
        from theano.tensor.nnet import conv as cv
    except ImportError:
        return
    import jax
    from jax import lax

    jnp = _jnp()

    def forward(op, x, w, dtype):
        pads = op._pads(w.shape[2:])
        n = op.nd
        out_sp = cv._out_shape(x.shape[2:], w.shape[2:], pads, op.subsample, op.filter_dilation)
        shape = (x.shape[0], w.shape[0]) + tuple(max(o, 0) for o in out_sp)
        if min(shape) == 0 or x.shape[1] == 0 or min(w.shape[2:]) == 0:
            return jnp.zeros(shape, dtype=dtype)
        if op.filter_flip:
            w = jnp.flip(w, axis=tuple(range(2, 2 + n)))
        spec = ("NCHW", "OIHW", "NCHW") if n == 2 else ("NCDHW", "OIDHW", "NCDHW")
        return lax.conv_general_dilated(
            jnp.asarray(x, dtype=dtype), jnp.asarray(w, dtype=dtype), window_strides=op.subsample,
            padding=[(p, p) for p in pads], rhs_dilation=op.filter_dilation,
            dimension_numbers=spec, feature_group_count=op.num_groups,
            precision=lax.Precision.HIGHEST).astype(dtype)

    @jax_funcify.register(cv._ConvForward)
    def _jax_conv(op, node):
        dtype = node.outputs[0].dtype

        def conv(x, w):
            op._check_hint(op.imshp, x.shape, "input")
            op._check_hint(op.kshp, w.shape, "filters")
            op._check_channels(x.shape, w.shape)
            return forward(op, x, w, dtype)

        return conv

    def _check_out(op, name, img, kshape, gz_shape, what):
        expected = cv._out_shape(img, kshape, op._pads(kshape), op.subsample, op.filter_dilation)
        if tuple(max(e, 0) for e in expected) != tuple(gz_shape[2:]):
            raise ValueError(f"{name}: {what} gives an output of spatial shape {expected}, but "
                             f"output_grad has shape {tuple(gz_shape)}")

    @jax_funcify.register(cv._ConvGradInputs)
    def _jax_conv_grad_inputs(op, node):
        dtype = node.outputs[0].dtype
        name = type(op).__name__

        def conv_grad_inputs(w, gz, shape):
            img = op._runtime_shape(np.asarray(shape), name)
            op._check_hint(op.kshp, w.shape, "filters")
            if w.shape[0] != gz.shape[1]:
                raise ValueError(f"{name}: output_grad has {gz.shape[1]} channels (shape "
                                 f"{tuple(gz.shape)}) but there are {w.shape[0]} filters (shape "
                                 f"{tuple(w.shape)})")
            _check_out(op, name, img, tuple(w.shape[2:]), gz.shape,
                       f"an input of spatial shape {img}")
            x0 = jnp.zeros((gz.shape[0], w.shape[1] * op.num_groups) + img, dtype=dtype)
            _, vjp = jax.vjp(lambda x: forward(op, x, w, dtype), x0)
            return vjp(jnp.asarray(gz, dtype=dtype))[0]

        return conv_grad_inputs

    @jax_funcify.register(cv._ConvGradWeights)
    def _jax_conv_grad_weights(op, node):
        dtype = node.outputs[0].dtype
        name = type(op).__name__

        def conv_grad_weights(x, gz, shape):
            kshape = op._runtime_shape(np.asarray(shape), name)
            op._check_hint(op.imshp, x.shape, "input")
            if x.shape[0] != gz.shape[0]:
                raise ValueError(f"{name}: the input has batch size {x.shape[0]} but "
                                 f"output_grad has {gz.shape[0]}")
            _check_out(op, name, tuple(x.shape[2:]), kshape, gz.shape,
                       f"filters of spatial shape {kshape} on an input of shape {tuple(x.shape)}")
            op._check_divisible(x.shape[1], "input channels")
            w0 = jnp.zeros((gz.shape[1], x.shape[1] // op.num_groups) + kshape, dtype=dtype)
            _, vjp = jax.vjp(lambda w: forward(op, x, w, dtype), w0)
            return vjp(jnp.asarray(gz, dtype=dtype))[0]

        return conv_grad_weights


_register_conv()


# -------------------------------------------------------------------------------------------------
# Pooling (Pool, MaxPoolGrad, AveragePoolGrad): the reference's window layout (padding, extended
# border when ignore_border=False, per-window divisors), windows gathered by strided slices.
# -------------------------------------------------------------------------------------------------


def _register_pool():
    try:
        from theano.tensor.signal import pool as pl
    except ImportError:
        return
    jnp = _jnp()

    def offsets_slices(ws, stride, out_shape):
        for offs in np.ndindex(*ws):
            yield offs, (Ellipsis,) + tuple(slice(o, o + st * (n - 1) + 1, st)
                                            for o, st, n in zip(offs, stride, out_shape))

    def working(x, pad, extents, fill):
        nd = len(pad)
        widths = [(0, 0)] * (x.ndim - nd) + [(p, e - n - p) for p, e, n in
                                             zip(pad, extents, x.shape[-nd:])]
        return jnp.pad(jnp.asarray(x), widths, constant_values=fill)

    def windows(buf, ws, stride, out_shape):
        parts = [buf[sl] for _, sl in offsets_slices(ws, stride, out_shape)]
        stacked = jnp.stack(parts, axis=-1)
        return stacked.reshape(stacked.shape[:-1] + tuple(ws))

    def scatter(contrib, x_shape, ws, stride, pad, extents, out_shape, dtype):
        nd = len(ws)
        if 0 in out_shape:
            return jnp.zeros(x_shape, dtype=dtype)
        buf = jnp.zeros(tuple(x_shape[:-nd]) + tuple(extents), dtype=dtype)
        for offs, sl in offsets_slices(ws, stride, out_shape):
            buf = buf.at[sl].add(contrib[(Ellipsis,) + offs].astype(dtype))
        return buf[pl._inner(pad, tuple(x_shape[-nd:]))]

    def axes(nd):
        return tuple(range(-nd, 0))

    @jax_funcify.register(pl.Pool)
    def _jax_pool(op, node):
        od = node.outputs[0].dtype

        def pool(x, *params):
            ws, stride, pad = pl._runtime_params(op, *[np.asarray(p) for p in params])
            nd = len(ws)
            out_shape, extents = pl._layout(x.shape, ws, stride, pad, op.ignore_border)
            full = tuple(x.shape[:-nd]) + out_shape
            if 0 in full:
                return jnp.zeros(full, dtype=od)
            fill = pl._lowest(x.dtype) if op.mode == "max" else 0
            win = windows(working(x, pad, extents, fill), ws, stride, out_shape)
            if op.mode == "max":
                return win.max(axis=axes(nd)).astype(od)
            total = win.sum(axis=axes(nd), dtype="float64" if x.dtype.kind == "f" else None)
            if op.mode == "sum":
                return total.astype(od)
            div = pl._divisor(x.shape, ws, stride, pad, out_shape, op.mode)
            return (total / div).astype(od)

        return pool

    @jax_funcify.register(pl.MaxPoolGrad)
    def _jax_max_pool_grad(op, node):
        od = node.outputs[0].dtype

        def max_pool_grad(x, z, gz, *params):
            ws, stride, pad = pl._runtime_params(op, *[np.asarray(p) for p in params])
            nd = len(ws)
            out_shape, extents = pl._layout(x.shape, ws, stride, pad, op.ignore_border)
            expected = tuple(x.shape[:-nd]) + out_shape
            if tuple(gz.shape) != expected or tuple(z.shape) != expected:
                raise ValueError(f"MaxPoolGrad: maxout has shape {tuple(z.shape)} and gz has shape "
                                 f"{tuple(gz.shape)}, expected {expected} for x of shape "
                                 f"{tuple(x.shape)}")
            if 0 in expected:
                return jnp.zeros(x.shape, dtype=od)
            win = windows(working(x, pad, extents, pl._lowest(x.dtype)), ws, stride, out_shape)
            extra = (Ellipsis,) + (None,) * nd
            contrib = (win == jnp.asarray(z)[extra]) * jnp.asarray(gz)[extra]
            return scatter(contrib, x.shape, ws, stride, pad, extents, out_shape, od)

        return max_pool_grad

    @jax_funcify.register(pl.AveragePoolGrad)
    def _jax_avg_pool_grad(op, node):
        od = node.outputs[0].dtype

        def avg_pool_grad(x, gz, *params):
            ws, stride, pad = pl._runtime_params(op, *[np.asarray(p) for p in params])
            nd = len(ws)
            out_shape, extents = pl._layout(x.shape, ws, stride, pad, op.ignore_border)
            expected = tuple(x.shape[:-nd]) + out_shape
            if tuple(gz.shape) != expected:
                raise ValueError(f"AveragePoolGrad: gz has shape {tuple(gz.shape)}, expected "
                                 f"{expected}")
            g = jnp.asarray(gz)
            if op.mode != "sum":
                div = pl._divisor(x.shape, ws, stride, pad, out_shape, op.mode)
                g = jnp.where(div > 0, g / np.maximum(div, 1), 0)
            contrib = jnp.broadcast_to(g[(Ellipsis,) + (None,) * nd], g.shape + tuple(ws))
            return scatter(contrib, x.shape, ws, stride, pad, extents, out_shape, od)

        return avg_pool_grad

    @jax_funcify.register(pl.DownsampleFactorMaxGradGrad)
    def _jax_max_pool_grad_grad(op, node):
        od = node.outputs[0].dtype

        def max_pool_grad_grad(x, z, gx, *params):
            ws, stride, pad = pl._runtime_params(op, *[np.asarray(p) for p in params])
            if tuple(gx.shape) != tuple(x.shape):
                raise ValueError(f"DownsampleFactorMaxGradGrad: gx has shape {tuple(gx.shape)} but "
                                 f"x has shape {tuple(x.shape)}")
            nd = len(ws)
            out_shape, extents = pl._layout(x.shape, ws, stride, pad, op.ignore_border)
            expected = tuple(x.shape[:-nd]) + out_shape
            if tuple(z.shape) != expected:
                raise ValueError(f"DownsampleFactorMaxGradGrad: maxout has shape {tuple(z.shape)}, "
                                 f"expected {expected}")
            if 0 in expected:
                return jnp.zeros(expected, dtype=od)
            xw = windows(working(x, pad, extents, pl._lowest(x.dtype)), ws, stride, out_shape)
            mask = xw == jnp.asarray(z)[(Ellipsis,) + (None,) * nd]
            gw = windows(working(gx, pad, extents, 0), ws, stride, out_shape)
            return (gw * mask).sum(axis=axes(nd)).astype(od)

        return max_pool_grad_grad

    @jax_funcify.register(pl.MaxPoolRop)
    def _jax_max_pool_rop(op, node):
        od = node.outputs[0].dtype

        def max_pool_rop(x, ev, *params):
            ws, stride, pad = pl._runtime_params(op, *[np.asarray(p) for p in params])
            if tuple(ev.shape) != tuple(x.shape):
                raise ValueError(f"MaxPoolRop: eval_point has shape {tuple(ev.shape)} but x has "
                                 f"shape {tuple(x.shape)}")
            nd = len(ws)
            out_shape, extents = pl._layout(x.shape, ws, stride, pad, op.ignore_border)
            full = tuple(x.shape[:-nd]) + out_shape
            if 0 in full:
                return jnp.zeros(full, dtype=od)
            flat = full + (int(np.prod(ws)),)
            xw = windows(working(x, pad, extents, pl._lowest(x.dtype)), ws, stride, out_shape)
            ew = windows(working(ev, pad, extents, 0), ws, stride, out_shape)
            pos = jnp.argmax(xw.reshape(flat), axis=-1)[..., None]
            return jnp.take_along_axis(ew.reshape(flat), pos, axis=-1)[..., 0].astype(od)

        return max_pool_rop


_register_pool()


# -------------------------------------------------------------------------------------------------
# Gradient markers (identity forward) and the basic linear algebra. A singular matrix is found
# from the result's non-finite entries (for finite inputs) and raised as NumPy's LinAlgError.
# -------------------------------------------------------------------------------------------------


def _register_linalg():
    from theano import gradient

    jnp = _jnp()

    jax_funcify.register(gradient._GradShaper)(lambda op, node: (lambda x: x))

    try:
        from theano.tensor import nlinalg, slinalg
    except ImportError:
        return

    def square(op, x):
        if x.ndim != 2 or x.shape[0] != x.shape[1]:
            raise ValueError(f"{op} needs a square matrix input, got one of shape {tuple(x.shape)}")

    def check_finite(x, z, message):
        bad = jnp.all(jnp.isfinite(x)) & ~jnp.all(jnp.isfinite(z))
        runtime_check(bad, 0, np.linalg.LinAlgError, message)

    @jax_funcify.register(nlinalg.MatrixInverse)
    def _jax_inv(op, node):
        od = node.outputs[0].dtype

        def inv(x):
            square(op, x)
            z = jnp.linalg.inv(jnp.asarray(x, dtype=od))
            check_finite(x, z, "Singular matrix")
            return z

        return inv

    @jax_funcify.register(nlinalg.Det)
    def _jax_det(op, node):
        od = node.outputs[0].dtype

        def det(x):
            square(op, x)
            return jnp.linalg.det(jnp.asarray(x, dtype=od)).astype(od)

        return det

    @jax_funcify.register(slinalg.Cholesky)
    def _jax_cholesky(op, node):
        od = node.outputs[0].dtype

        def cholesky(x):
            square(op, x)
            z = jnp.linalg.cholesky(jnp.asarray(x, dtype=od))
            failed = jnp.any(~jnp.isfinite(z)) & jnp.all(jnp.isfinite(x))
            if op.on_error == "raise":
                runtime_check(failed, 0, np.linalg.LinAlgError,
                              "Cholesky: the matrix is not positive definite")
            else:
                z = jnp.where(failed, jnp.full(z.shape, jnp.nan, dtype=od), z)
            return z if op.lower else jnp.swapaxes(z, -1, -2).conj()

        return cholesky


_register_linalg()


# The ops outside the core set, in their own modules (they register themselves on import).
from theano.link.jax import (ops_compile, ops_extra, ops_fft, ops_linalg, ops_mrg,  # noqa: E402,F401
                             ops_nnet_conf, ops_tensor_conf)

# Ops of the layers above the backends (scan, ifelse) register their translations through
# theano.link.jax.register_translations (see control.py): run those registered so far.
from theano.link.jax import translations_loaded  # noqa: E402

translations_loaded()
