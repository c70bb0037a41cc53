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
  transcendental functions; an add or mul of more than two inputs as the chain of binary ufuncs,
  accumulated into one array); ``config.numba__force_kernels`` runs it as a Numba loop instead,
  and so does a single op whose NumPy function the cost table below prices clearly above vmath's
  (float64 sin and cos, sigmoid, softplus: 2.5 to 4 times faster as kernels);
- ``kernel``: a fused chain runs as one Numba loop (no temporaries, one dispatch), compiled (or
  loaded from the disk cache) at the first call; with ``config.numba__parallel`` or
  ``config.openmp`` (both off by default) the loop runs over several threads above
  ``config.numba__parallel_threshold`` elements, with the same values. exp, log, log1p, expm1,
  sin, cos, tanh, sigmoid and softplus are vmath's vectorizable functions (``vmath.py``; no libm
  call, so the whole loop vectorizes); sin/cos arguments beyond vmath's range send the node
  through a second, careful loop (see ``elemwise_source.kernel_def_lines``). A chain NumPy still computes faster
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

This module holds the runner (``ElemwiseRunner``: path choice, shape checks, calls) and registers
it for Elemwise; the rest is by concern: ``elemwise_program.py`` (scalar programs, constant
pre-casts), ``elemwise_numpy.py`` (the NumPy program), ``elemwise_source.py`` (the Numba kernel
source), ``elemwise_costs.py`` (the static cost table) and ``elemwise_hybrid.py`` (hybrid chunks).
"""


import math
import threading
import warnings

import numpy as np

from theano.configdefaults import config
from theano.tensor.elemwise import Elemwise, _check_shapes

from theano.link.numba.dispatch import numba_funcify

from theano.link.numba.elemwise_costs import (COST_CHUNK, HEAVY_GAIN_NS, NUMBA_CALL_NS, NUMPY_CALL_NS,
                                             program_costs)
from theano.link.numba.elemwise_hybrid import HybridPlan
from theano.link.numba.elemwise_numpy import _numpy_step, make_numpy_program, program_is_quiet
from theano.link.numba.elemwise_program import _ref_dtype, build_program, precast_dtype, precast_value
from theano.link.numba.elemwise_source import numba_kernel_source, numba_signature
from theano.link.numba.kernels import KERNEL_EVEN_ALONE


def _ufunc_out_ellipsis():
    """Whether ufuncs take ``out=...`` (recent NumPy 2 releases; not 1.26): the result is then an
    array even for 0-d inputs, where a plain call gives a NumPy scalar that a second call wraps."""
    try:
        return type(np.multiply(np.array(1.0), np.array(2.0), out=...)) is np.ndarray
    except Exception:
        return False


UFUNC_OUT_ELLIPSIS = _ufunc_out_ellipsis()

# The program, source and cost helpers that graph.py (the whole-graph tier), linker.py and the tests
# read through this module (``nbe.build_program``, ``nbe.kernel_def_lines``, ...).
from theano.link.numba.elemwise_numpy import numpy_program_source  # noqa: F401
from theano.link.numba.elemwise_source import (KERNEL_HEADER, NJIT_FLAGS, _NUMBA_DTYPES, _literal,  # noqa: F401
                                               kernel_def_lines, kernel_header, scalar_expr,
                                               vmath_expr)

# Elements of the output per NumPy chunk (the chunk the cost model assumes).
CHUNK = COST_CHUNK


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
            if self.kernel_source is not None and (
                    type(self.prog.steps[0][0]) in KERNEL_EVEN_ALONE or self._kernel_beats_ufunc()):
                return "kernel"
            return "ufunc"
        if self.kernel_source is None:
            return "numpy-fused"
        return "kernel"

    def _kernel_beats_ufunc(self):
        """Whether the single scalar op of this node costs NumPy's function clearly more per
        element than vmath's loop (the static cost table: float64 sin/cos, whose ufuncs are
        scalar libm loops, and sigmoid/softplus, which SciPy's expit and NumPy's logaddexp
        compute several times slower), so that the node runs as a kernel at every size."""
        nb, npc, _calls = program_costs(self.prog)
        return npc - nb >= HEAVY_GAIN_NS

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
                outs = self.hybrid.run(args, self.prog.inputs, shape, self.out_dtypes, CHUNK)
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
        always_finish = sop.name in ("identity", "second") or not isinstance(glb["_fn"], np.ufunc)
        array_out = UFUNC_OUT_ELLIPSIS and isinstance(glb["_fn"], np.ufunc) and glb["_fn"].nout == 1

        def body(names, call_args, r, g, indent):
            """The lines computing ``r`` from the inputs ``names``; ``g(name)``: a global's name."""
            out = []
            if self.checks:
                # one condition and one failure call: the source stays linear in the inputs
                cond = " or ".join(f"{names[a]}.shape[{d}] != {names[b]}.shape[{d}]"
                                   for a, b, d in self.checks)
                out.append(f"{indent}if {cond}: {g('_fail')}({', '.join(names)})")
            inner = indent
            if not self.quiet:
                out.append(f"{indent}with _errstate(all='ignore'):")
                inner = indent + "    "
            if array_out:
                # the ufunc returns an array at once, 0-d included: no wrapping call
                out.append(f"{inner}{r} = {g('_fn')}({', '.join(call_args)}, out=...)")
            else:
                out.append(f"{inner}{r} = {g('_fn')}({', '.join(call_args)})")
            if always_finish:
                # an impl may hand back (a view of) an input, as add(x) does: outputs own their data
                out.append(f"{indent}{r} = {g('_finish')}(({r},), ({', '.join(names)},))")
            else:
                if not array_out:
                    out.append(f"{indent}if type({r}) is not _nd: {r} = _asarray({r})")
                out.append(f"{indent}if {r}.dtype is not {g('_od')}: "
                           f"{r} = {g('_finish')}(({r},), ({', '.join(names)},))")
            return out

        lines = [f"def single({', '.join(names)}):"]
        lines += body(names, call_args, "r", lambda n: n, "    ")
        lines.append("    return r")
        src = "\n".join(lines) + "\n"
        exec(compile(src, "<theano-ng elemwise>", "exec"), glb)
        single = glb["single"]

        def inline(in_names, target, tag, indent):
            """This node's lines for the linker's generated code (one call frame less per
            call): ``(lines, globals)``, the globals' names suffixed with ``tag``."""
            own = ("_fail", "_fn", "_od", "_finish") + tuple(a for a in call_args if a.startswith("_k"))
            g = {n: f"{n}_{tag}" for n in own}
            env = {g[n]: glb[n] for n in own if n in glb}
            env.update({"_nd": np.ndarray, "_asarray": np.asarray, "_errstate": np.errstate})
            args = [g[a] if a in g else in_names[names.index(a)] for a in call_args]
            return body(list(in_names), args, target, lambda n: g[n], indent), env

        single.inline = inline
        return single

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
