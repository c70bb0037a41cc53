"""Hybrid chunks: a scalar program split into stages run on each chunk of the output, the steps whose
Numba expression gives NumPy's bits grouped into Numba loops, the others as NumPy ufuncs into
reused chunk buffers (``HybridPlan``)."""

import numpy as np

from theano.scalar import basic as ts

from theano.link.numba.kernels import template_of
from theano.link.numba.elemwise_numpy import _numpy_step
from theano.link.numba.elemwise_program import _ref_dtype
from theano.link.numba.elemwise_source import (KERNEL_HEADER, NJIT_FLAGS, _literal, kernel_header,
                                               scalar_expr)


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


# Elements per hybrid chunk (fewer, bigger calls than the runner's CHUNK: the Numba stages need no
# temporaries, and a few buffers of this size still stay in L2; measured flat between 16k and 128k)
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
        n_head = len(KERNEL_HEADER)
        self.source = "\n".join(kernel_header(lines[n_head:]) + lines[n_head:]) + "\n"
        self.ok = True

    def load(self):
        """Bind the compiled Numba stages (compiled at their first call, cached on disk)."""
        from theano.link.numba.cache import load_module

        mod = load_module(self.source)
        self.stages = [(kind, getattr(mod, a), b, c) if kind == "nb" else (kind, a, b, c)
                       for kind, a, b, c in self.stages]

    def run(self, args, in_names, shape, out_dtypes, chunk):
        """The outputs (full shape) of the program on ``args``, computed chunk by chunk (``chunk``:
        the runner's NumPy chunk, in elements)."""
        outs = [np.empty(shape, d) for d in out_dtypes]
        flat_outs = dict(zip(self.outputs, [o.reshape(-1) for o in outs]))
        rows = shape[0]
        row = 1
        for d in shape[1:]:
            row *= d
        step = max(1, min(HYBRID_CHUNK, chunk * 4) // max(row, 1))
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
