"""The native backend's softmax family and fused 1-hot cross-entropy ops (``tensor/nnet/nnet.py``):
one compiled loop over the rows instead of a dozen NumPy calls.

For the minibatches of Theano's tutorials (a 20 x 10 softmax) the NumPy ``perform`` of
``CrossentropySoftmaxArgmax1HotWithBias`` costs about 30 us, more than the two matrix products of
the training step together; the loop costs about 1 us.

The loops compute what the ops' ``perform`` computes, step for step: the same shift of each row
before ``exp`` (``_softmax_shift``: none where no ``exp`` can overflow or underflow to a denormal,
the row maximum elsewhere), the log-softmax as ``shifted - log1p(sum of the other entries)`` (the
maximal entry, NumPy's argmax, contributes exactly 1), NumPy's NaN propagation through the row
maximum and argmax. The sums run in row order (NumPy's are pairwise), and ``exp``/``log`` are
libm's: the values may differ from ``perform`` in the last bits (tested with ``rtol=1e-12`` in
float64). Each kernel runs on the rows of a 2-d view (a softmax over the last axis of an n-d array
reshapes it) in the output dtype (inputs of another float dtype are cast first, as ``perform``
computes in it). The checks of the ops (lengths, index ranges) run first, with their messages.
"""

import numpy as np

from theano.link.numba.cache import compile_kernel
from theano.link.numba.dispatch import numba_funcify, perform_funcify
from theano.tensor.nnet import nnet as _nn

_SOURCE = '''
import math
import numba
import numba.extending
import numpy as np


@numba.extending.register_jitable
def _row_max(x, i):
    # NumPy's max and argmax of row i: the first NaN wins, else the first maximal entry
    n = x.shape[1]
    m = x[i, 0]
    k = 0
    if m != m:
        return m, 0
    for j in range(1, n):
        v = x[i, j]
        if v != v:
            return v, j
        if v > m:
            m = v
            k = j
    return m, k


@numba.njit(cache=True, nogil=True, error_model="numpy")
def softmax_rows(x, out, hi, lo):
    rows, n = x.shape
    for i in range(rows):
        if n == 0:
            continue
        m, k = _row_max(x, i)
        s = _T_(0)
        if m <= hi and m >= lo:       # no exp of the row can overflow: no shift
            for j in range(n):
                e = np.exp(x[i, j])
                out[i, j] = e
                s += e
        else:
            for j in range(n):
                e = np.exp(x[i, j] - m)
                out[i, j] = e
                s += e
        for j in range(n):
            out[i, j] = out[i, j] / s


@numba.extending.register_jitable
def _logsoftmax_row(x, i, out, half_eps):
    # the log-softmax of row i of x into row i of out (which may be x); returns its argmax
    n = x.shape[1]
    m, k = _row_max(x, i)
    if math.isfinite(m):
        others = _T_(0)
        for j in range(n):
            sh = x[i, j] - m
            out[i, j] = sh
            if j != k:
                others += np.exp(sh)
        if others < half_eps:
            others = _T_(0)
        ls = np.log1p(others)
    else:
        total = _T_(0)
        for j in range(n):
            sh = x[i, j] - m
            out[i, j] = sh
            total += np.exp(sh)
        ls = np.log(total)
    for j in range(n):
        out[i, j] = out[i, j] - ls
    return k


@numba.njit(cache=True, nogil=True, error_model="numpy")
def logsoftmax_rows(x, out, half_eps):
    rows, n = x.shape
    for i in range(rows):
        if n:
            _logsoftmax_row(x, i, out, half_eps)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def softmax_grad_rows(dy, sm, out):
    rows, n = sm.shape
    for i in range(rows):
        s = _T_(0)
        for j in range(n):
            s += dy[i, j] * sm[i, j]
        for j in range(n):
            out[i, j] = (dy[i, j] - s) * sm[i, j]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def xent_softmax_argmax(x, b, y, nll, sm, am, half_eps):
    # (nll, sm, am) of softmax(x + b): z = x + b rounded to the output dtype; its log-softmax as
    # logsoftmax_rows; sm = exp(log-softmax); am = argmax(z). -1: all the indices are in range.
    rows, n = x.shape
    for i in range(rows):
        if y[i] < 0 or y[i] >= n:
            return i
    for i in range(rows):
        if n == 0:
            am[i] = 0
            continue
        for j in range(n):
            sm[i, j] = x[i, j] + b[j]
        am[i] = _logsoftmax_row(sm, i, sm, half_eps)
        nll[i] = -sm[i, y[i]]
        for j in range(n):
            sm[i, j] = np.exp(sm[i, j])
    return -1


@numba.njit(cache=True, nogil=True, error_model="numpy")
def xent_dx(dy, sm, y, out):
    # dy[i] * (sm[i] - onehot(y[i])); a dy of length 1 serves every row. -1: indices in range.
    rows, n = sm.shape
    for i in range(rows):
        if y[i] < 0 or y[i] >= n:
            return i
    one = dy.shape[0] == 1
    for i in range(rows):
        d = dy[0] if one else dy[i]
        for j in range(n):
            v = sm[i, j]
            if j == y[i]:
                v = v - _T_(1)
            out[i, j] = v * d
    return -1
'''

# one module per float dtype: its constants and accumulators are of that dtype, so that float32
# rows are computed in float32 as ``perform`` computes them
SOURCES = {t: _SOURCE.replace("_T_", f"np.{t}") for t in ("float32", "float64")}

_KERNELS = {}


def _kernel(name, t, signature):
    key = (name, signature)
    k = _KERNELS.get(key)
    if k is None:
        k = _KERNELS[key] = compile_kernel(SOURCES[t], name, signature)
    return k


def _nb(dtype):
    return {"float32": "float32", "float64": "float64"}.get(str(dtype))


def _as(a, dtype):
    return a if a.dtype == dtype else a.astype(dtype)


def _rows2d(a):
    """``a`` as a 2-d array of its rows over the last axis (a view where the layout allows)."""
    if a.ndim == 2:
        return a
    return a.reshape(-1, a.shape[-1]) if a.ndim else a.reshape(1, 1)


def _bounds(dtype, n):
    """``_softmax_shift``'s bounds on the row maximum, in ``dtype`` (as NumPy compares them)."""
    info = np.finfo(dtype)
    hi = dtype.type(np.log(info.max) - np.log(max(n, 1)) - 1.0)
    lo = dtype.type(np.log(info.tiny) + 1.0)
    return hi, lo


def _int_sig(dtype):
    return str(np.dtype(dtype))


# Inputs of at most this many elements run the loop; bigger ones the op's NumPy ``perform``,
# whose SIMD exp wins per element there and whose ~30 us per call no longer matters, and whose
# graphs then compile nothing for these ops (a batch-256 MLP's softmax: ~1 s of Numba compile
# saved for ~0.4% of its step). The rule reads the input's size only: equal inputs, same path.
KERNEL_MAX = 1024


def _sized(kernel, op, node, arg=0):
    """``kernel`` for inputs whose argument ``arg`` has at most ``KERNEL_MAX`` elements, else the
    op's ``perform``."""
    perform = perform_funcify(op, node)

    def run(*args):
        if args[arg].size > KERNEL_MAX:
            return perform(*args)
        return kernel(*args)

    run.__name__ = kernel.__name__
    run.theano_path = f"kernel up to {KERNEL_MAX} elements, else perform"
    return run


class _LazyKernel:
    """The loop ``name`` of dtype ``t`` for ``signature``, compiled (or loaded from the disk cache)
    at its first call."""

    __slots__ = ("args", "fn")

    def __init__(self, name, t, signature):
        self.args = (name, t, signature)
        self.fn = None

    def __call__(self, *args):
        fn = self.fn
        if fn is None:
            fn = self.fn = _kernel(*self.args)
        return fn(*args)


def _loops_for(op_class, size_arg=0):
    """Register ``make(op, node, dtype, t)``, which returns the function of a node whose output
    has the float dtype ``t``, as ``op_class``'s implementation: other dtypes run ``perform``, and
    inputs over ``KERNEL_MAX`` elements too (``_sized``, argument ``size_arg``)."""

    def register(make):
        @numba_funcify.register(op_class)
        def funcify(op, node):
            dtype = np.dtype(node.outputs[0].dtype)
            t = _nb(dtype)
            if t is None:
                return perform_funcify(op, node)
            return _sized(make(op, node, dtype, t), op, node, size_arg)

        return make

    return register


@_loops_for(_nn.Softmax)
def _softmax(op, node, dtype, t):
    k = _LazyKernel("softmax_rows", t, f"void({t}[:, :], {t}[:, ::1], {t}, {t})")

    def softmax_kernel(x):
        x = _as(x, dtype)
        if x.size == 0:
            return np.zeros(x.shape, dtype=dtype)
        out = np.empty(x.shape, dtype=dtype)
        hi, lo = _bounds(dtype, x.shape[-1])
        k(_rows2d(x), _rows2d(out), hi, lo)
        return out

    return softmax_kernel


@_loops_for(_nn.SoftmaxWithBias)
def _softmax_with_bias(op, node, dtype, t):
    k = _LazyKernel("softmax_rows", t, f"void({t}[:, :], {t}[:, ::1], {t}, {t})")

    def softmax_with_bias_kernel(x, b):
        if b.shape[0] != x.shape[1]:
            raise ValueError(f"SoftmaxWithBias: b has length {b.shape[0]} but x has {x.shape[1]} "
                             "columns")
        z = np.asarray(x + b, dtype=dtype)
        if z.size == 0:
            return np.zeros(z.shape, dtype=dtype)
        hi, lo = _bounds(dtype, z.shape[1])
        k(z, z, hi, lo)     # z is this call's own array: the softmax overwrites it row by row
        return z

    return softmax_with_bias_kernel


@_loops_for(_nn.LogSoftmax)
def _logsoftmax(op, node, dtype, t):
    k = _LazyKernel("logsoftmax_rows", t, f"void({t}[:, :], {t}[:, ::1], {t})")
    half_eps = dtype.type(np.finfo(dtype).eps / 2)

    def logsoftmax_kernel(x):
        x = _as(x, dtype)
        if x.size == 0:
            return np.zeros(x.shape, dtype=dtype)
        out = np.empty(x.shape, dtype=dtype)
        k(_rows2d(x), _rows2d(out), half_eps)
        return out

    return logsoftmax_kernel


@_loops_for(_nn.SoftmaxGrad, size_arg=1)
def _softmax_grad(op, node, dtype, t):
    k = _LazyKernel("softmax_grad_rows", t, f"void({t}[:, :], {t}[:, :], {t}[:, ::1])")

    def softmax_grad_kernel(dy, sm):
        if dy.shape != sm.shape:
            raise ValueError(f"SoftmaxGrad: dy has shape {dy.shape} but sm has shape {sm.shape}")
        out = np.empty(sm.shape, dtype=dtype)
        if sm.size == 0:
            return out
        k(_rows2d(_as(dy, dtype)), _rows2d(_as(sm, dtype)), _rows2d(out))
        return out

    return softmax_grad_kernel


@_loops_for(_nn.CrossentropySoftmaxArgmax1HotWithBias)
def _xent_softmax_argmax(op, node, dtype, t):
    yt = _int_sig(node.inputs[2].dtype)
    k = _LazyKernel("xent_softmax_argmax", t,
                    f"int64({t}[:, :], {t}[:], {yt}[:], {t}[::1], {t}[:, ::1], int64[::1], {t})")
    half_eps = dtype.type(np.finfo(dtype).eps / 2)
    who = "CrossentropySoftmaxArgmax1HotWithBias"

    def xent_softmax_argmax_kernel(x, b, y):
        if b.shape[0] != x.shape[1]:
            raise ValueError(f"{who}: b has length {b.shape[0]} but x has {x.shape[1]} columns")
        _nn._check_label_count(who, y, x.shape[0])
        rows, n = x.shape
        nll = np.empty(rows, dtype=dtype)
        sm = np.empty((rows, n), dtype=dtype)
        am = np.empty(rows, dtype=np.int64)
        if k(_as(x, dtype), _as(b, dtype), y, nll, sm, am, half_eps) >= 0:
            _nn._label_range_error(who, y, n)
        return nll, sm, am

    return xent_softmax_argmax_kernel


@_loops_for(_nn.CrossentropySoftmax1HotWithBiasDx, size_arg=1)
def _xent_dx(op, node, dtype, t):
    yt = _int_sig(node.inputs[2].dtype)
    k = _LazyKernel("xent_dx", t, f"int64({t}[:], {t}[:, :], {yt}[:], {t}[:, ::1])")
    who = "CrossentropySoftmax1HotWithBiasDx"
    dy_bcast = node.inputs[0].broadcastable[0]

    def xent_dx_kernel(dy, sm, y):
        _nn._check_label_count(who, y, sm.shape[0])
        if dy.shape[0] != sm.shape[0] and not (dy_bcast and dy.shape[0] == 1):
            raise ValueError(f"{who}: dy has length {dy.shape[0]} but sm has {sm.shape[0]} rows")
        out = np.empty(sm.shape, dtype=dtype)
        if k(_as(dy, dtype), _as(sm, dtype), y, out) >= 0:
            _nn._label_range_error(who, y, sm.shape[1])
        return out

    return xent_dx_kernel


# ---- the same loops inside whole-graph functions (``graph.py``) ---------------------------------

_NAMES = ("_row_max", "_logsoftmax_row", "softmax_rows", "logsoftmax_rows", "softmax_grad_rows",
          "xent_softmax_argmax", "xent_dx")
_DECORATOR = '@numba.njit(cache=True, nogil=True, error_model="numpy")'


def _graph_defs(t):
    """The loops of dtype ``t`` as module-level functions of a whole-graph module, named with the
    suffix ``_<t>`` and compiled with the function that calls them."""
    import re

    body = SOURCES[t].split("import numpy as np", 1)[1]
    body = body.replace(_DECORATOR, "@numba.extending.register_jitable")
    body = re.sub(r"\b(" + "|".join(_NAMES) + r")\(", lambda m: f"{m.group(1)}_{t}(", body)
    return body.splitlines()


def _graph_types(node):
    """The float dtype of ``node``'s float inputs and outputs when they all have it, else None."""
    t = _nb(node.outputs[0].dtype)
    floats = [v for v in node.inputs + node.outputs if v.dtype in ("float16", "float32", "float64")]
    if t is None or any(v.dtype != t for v in floats):
        return None
    return t


def _graph_bounds(t, n):
    info = np.finfo(t)
    return (f"np.{t}({float(np.log(info.max))!r} - np.log(max({n}, 1)) - 1.0)",
            f"np.{t}({float(np.log(info.tiny) + 1.0)!r})")


_GRAPH_CODE = {}


def _graph_code_for(*op_classes):
    """Register ``make(node, ins, outs, t)``, the lines of a node whose float inputs and outputs
    all have the dtype ``t`` (or None), as the whole-graph code of ``op_classes``; the module gets
    the loops of dtype ``t`` when a node uses them. A check that fails raises, and the call then
    runs on the per-node code, which raises the op's own error."""

    def register(make):
        def code(node, k, ins, outs, mod):
            t = _graph_types(node)
            lines = None if t is None else make(node, ins, outs, t)
            if lines is not None:
                mod.add_defs(("ops_nnet", t), _graph_defs(t))
            return lines

        for cls in op_classes:
            _GRAPH_CODE[cls] = code
        return make

    return register


@_graph_code_for(_nn.Softmax, _nn.LogSoftmax)
def _softmax_graph_code(node, ins, outs, t):
    if node.inputs[0].ndim != 2:
        return None
    x, o = ins[0], outs[0]
    if isinstance(node.op, _nn.LogSoftmax):
        half = float(np.finfo(t).eps / 2)
        return [f"{o} = np.empty({x}.shape, dtype=np.{t})",
                f"logsoftmax_rows_{t}({x}, {o}, np.{t}({half!r}))"]
    hi, lo = _graph_bounds(t, f"{x}.shape[1]")
    return [f"{o} = np.empty({x}.shape, dtype=np.{t})", f"softmax_rows_{t}({x}, {o}, {hi}, {lo})"]


@_graph_code_for(_nn.SoftmaxGrad)
def _softmax_grad_graph_code(node, ins, outs, t):
    if node.inputs[1].ndim != 2:
        return None
    dy, sm = ins
    return [f"if {dy}.shape != {sm}.shape:", "    raise ValueError('SoftmaxGrad: shapes')",
            f"{outs[0]} = np.empty({sm}.shape, dtype=np.{t})",
            f"softmax_grad_rows_{t}({dy}, {sm}, {outs[0]})"]


@_graph_code_for(_nn.CrossentropySoftmaxArgmax1HotWithBias)
def _xent_graph_code(node, ins, outs, t):
    x, b, y = ins
    nll, sm, am = outs
    half = float(np.finfo(t).eps / 2)
    return [f"if {b}.shape[0] != {x}.shape[1] or {y}.shape[0] != {x}.shape[0]:",
            "    raise ValueError('CrossentropySoftmaxArgmax1HotWithBias: lengths')",
            f"{nll} = np.empty({x}.shape[0], dtype=np.{t})",
            f"{sm} = np.empty({x}.shape, dtype=np.{t})",
            f"{am} = np.empty({x}.shape[0], dtype=np.int64)",
            f"if xent_softmax_argmax_{t}({x}, {b}, {y}, {nll}, {sm}, {am}, np.{t}({half!r})) >= 0:",
            "    raise ValueError('CrossentropySoftmaxArgmax1HotWithBias: indices')"]


@_graph_code_for(_nn.CrossentropySoftmax1HotWithBiasDx)
def _xent_dx_graph_code(node, ins, outs, t):
    dy, sm, y = ins
    ok_dy = f"{dy}.shape[0] == {sm}.shape[0]"
    if node.inputs[0].broadcastable[0]:
        ok_dy = f"({ok_dy} or {dy}.shape[0] == 1)"
    return [f"if {y}.shape[0] != {sm}.shape[0] or not {ok_dy}:",
            "    raise ValueError('CrossentropySoftmax1HotWithBiasDx: lengths')",
            f"{outs[0]} = np.empty({sm}.shape, dtype=np.{t})",
            f"if xent_dx_{t}({dy}, {sm}, {y}, {outs[0]}) >= 0:",
            "    raise ValueError('CrossentropySoftmax1HotWithBiasDx: indices')"]


def _register_graph_code():
    from theano.link.numba.graph import GRAPH_CODE

    GRAPH_CODE.update(_GRAPH_CODE)


_register_graph_code()
