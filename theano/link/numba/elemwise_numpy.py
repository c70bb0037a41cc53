"""The NumPy implementation of a scalar program: one ufunc call per step (``numpy_program_source``,
``make_numpy_program``), and which programs cannot raise floating-point warnings worth hiding
(``program_is_quiet``)."""

import numpy as np

from theano.scalar import basic as ts

from theano.link.numba.elemwise_program import _ref_dtype


# Scalar ops whose NumPy implementation cannot raise floating-point warnings worth hiding.
_QUIET = {"add", "mul", "sub", "neg", "abs", "sqr", "identity", "maximum", "minimum", "lt", "gt",
          "le", "ge", "eq", "neq", "and_", "or_", "xor", "invert", "switch", "clip", "second",
          "sgn", "floor", "ceil", "trunc", "isnan", "isinf", "round_half_to_even",
          "round_half_away_from_zero"}


def _chain(ufunc):
    """``ufunc`` of more than two arrays of one dtype, left to right as the scalar op's ``impl``
    computes it, accumulating into the first result (the impl's fresh array per term cost a page
    fault per page: a 4-input add of 1000 x 500 took 10.8 ms, NumPy's chained temporaries 1.7)."""

    def chain(*xs):
        out = ufunc(xs[0], xs[1])
        for x in xs[2:]:
            if type(out) is np.ndarray:
                try:
                    ufunc(out, x, out=out)
                    continue
                except ValueError:      # x broadcasts out to a bigger shape (or does not fit)
                    pass
            out = ufunc(out, x)
        return out

    return chain


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
    if isinstance(sop, (ts.Add, ts.Mul)) and n_args > 2 and no_bool and same:
        return _chain(np.add if isinstance(sop, ts.Add) else np.multiply)
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
