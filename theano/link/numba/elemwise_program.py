"""Scalar programs, the form every Elemwise node of the native backend takes first: a list of steps
``(scalar_op, argument names, result name, result dtype)`` (a fused ``Composite`` inlined into
its steps), and the casting rule that gives a constant argument in its ufunc's computing dtype
beforehand (``precast_dtype``/``precast_value``) when that is exact."""

import numpy as np

from theano.scalar import basic as ts
from theano.tensor.elemwise import Elemwise


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
