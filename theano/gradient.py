"""Automatic differentiation: grad, Lop, Rop, jacobian, hessian, verify_grad and gradient-shaping ops.

``grad`` walks the graph backwards once (iteratively, in reverse topological order) and asks each
node's op for ``L_op(inputs, outputs, output_grads)``. Gradient terms of a variable used several times
are summed. An op answers ``None`` or a ``DisconnectedType`` variable for inputs the outputs do not
depend on, and a ``NullType`` variable for gradients that are undefined.
"""

import warnings
from collections import OrderedDict

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Variable, io_toposort
from theano.graph.null_type import DisconnectedType, NullType, disconnected_type
# the gradient vocabulary of ops, defined in the graph layer; theano.gradient.grad_undefined & co.
# stay importable from here
from theano.graph.null_type import grad_not_implemented as grad_not_implemented
from theano.graph.null_type import grad_undefined as grad_undefined
from theano.graph.utils import MethodNotDefined
# the ops that shape gradients are tensor ops, used by other tensor ops' gradients (softmax's); the
# Theano 1.0 names theano.gradient.zero_grad & co. are these same objects
from theano.tensor.grad_shaping import (ConsiderConstant as ConsiderConstant,
                                        DisconnectedGrad as DisconnectedGrad, GradClip as GradClip,
                                        GradScale as GradScale, UndefinedGrad as UndefinedGrad,
                                        ZeroGrad as ZeroGrad, _GradShaper as _GradShaper,
                                        consider_constant as consider_constant,
                                        consider_constant_ as consider_constant_,
                                        disconnected_grad as disconnected_grad,
                                        disconnected_grad_ as disconnected_grad_,
                                        grad_clip as grad_clip, grad_scale as grad_scale,
                                        undefined_grad as undefined_grad, zero_grad as zero_grad,
                                        zero_grad_ as zero_grad_)


class DisconnectedInputError(ValueError):
    """grad was asked for the gradient with respect to a variable the cost does not depend on."""


class NullTypeGradError(TypeError):
    """A gradient needed by the computation is undefined."""


class GradientError(Exception):
    """verify_grad found the symbolic gradient disagrees with finite differences."""

    def __init__(self, arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol):
        super().__init__()
        self.arg, self.err_pos, self.shape = arg, err_pos, shape
        self.val1, self.val2 = val1, val2
        self.abs_err, self.rel_err, self.abs_tol, self.rel_tol = abs_err, rel_err, abs_tol, rel_tol

    def __str__(self):
        return (
            f"GradientError: the gradient of input {self.arg} (shape {self.shape}) disagrees with "
            f"finite differences at flat position {self.err_pos}: symbolic {self.val1!r}, numeric "
            f"{self.val2!r} (abs error {self.abs_err:.3g} > {self.abs_tol:.3g} and rel error "
            f"{self.rel_err:.3g} > {self.rel_tol:.3g})"
        )


def _is_disconnected(g):
    return g is None or isinstance(getattr(g, "type", None), DisconnectedType)


def _is_null(g):
    return isinstance(getattr(g, "type", None), NullType)


def _float_dtype_for(var):
    d = getattr(var, "dtype", None)
    if d is None or d in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                          "uint64"):
        return config.floatX
    return d


def _zeros_for(var):
    from theano.tensor.basic import zeros_like

    if not hasattr(var.type, "dtype"):  # a non-tensor output (a random state): no gradient
        return disconnected_type()
    if hasattr(var.type, "zeros_like_gradient"):  # a type with its own zeros (sparse matrices)
        return var.type.zeros_like_gradient(var)
    return zeros_like(var, dtype=_float_dtype_for(var))


def _sum_terms(terms):
    from theano.tensor.math import add

    terms = [t for t in terms if not _is_disconnected(t)]
    if not terms:
        return None
    for t in terms:
        if _is_null(t):
            return t
    if len(terms) == 1:
        return terms[0]
    for t in terms:  # a type that adds its own terms (sparse matrices)
        if hasattr(t.type, "sum_gradients"):
            return t.type.sum_gradients(terms)
    return add(*terms)


def _fit_to(var, g):
    """Cast a gradient term to the dtype of a float variable and match its broadcastable pattern."""
    from theano.tensor.basic import as_tensor_variable, cast, patternbroadcast

    if _is_disconnected(g) or _is_null(g):
        return g
    for t in (getattr(var, "type", None), getattr(g, "type", None)):
        if hasattr(t, "fit_gradient"):  # a non-tensor type's own conversion (sparse matrices)
            return t.fit_gradient(var, g)
    g = as_tensor_variable(g)
    if not hasattr(var, "dtype"):
        return g
    if g.ndim != var.ndim:
        raise ValueError(
            f"The gradient of {var} ({var.ndim} dims) has {g.ndim} dims: an op's grad is wrong"
        )
    dtype = _float_dtype_for(var)
    if g.dtype != dtype:
        g = cast(g, dtype)
    if g.broadcastable != var.broadcastable:
        g = patternbroadcast(g, var.broadcastable)
    return g


def normalize_known_grads(known_grads):
    """``known_grads`` (a dict or an iterable of (variable, gradient) pairs) as a list of pairs."""
    if known_grads is None:
        return []
    items = list(known_grads.items()) if isinstance(known_grads, dict) else list(known_grads)
    for var, _ in items:
        if not isinstance(var, Variable):
            raise TypeError(f"known_grads: the key {var!r} is not a symbolic variable")
    return items


def _broadcast_known_grad(var, g):
    """A known gradient given with fewer dimensions (a 0-d value for a vector output, as Theano
    allows) broadcast to the variable's shape."""
    from theano.tensor.basic import zeros_like

    var_ndim = getattr(var, "ndim", None)
    if var_ndim is None or getattr(g, "ndim", None) is None or g.ndim >= var_ndim:
        return g
    return zeros_like(var, dtype=_float_dtype_for(var)) + g


def _as_list(x):
    if isinstance(x, (list, tuple)):
        return list(x), True
    return [x], False


def _format_as(like, values):
    """``values`` in the form of ``like`` (Theano 1.0's ``format_as``): a tuple for a tuple, a
    list for a list, the one value for anything else."""
    if isinstance(like, tuple):
        return tuple(values)
    if isinstance(like, list):
        return list(values)
    (value,) = values
    return value


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True,
         known_grads=None, return_disconnected="zero", null_gradients="raise"):
    """Symbolic gradient of the scalar ``cost`` with respect to ``wrt`` (a variable or a list).

    ``consider_constant``: variables the gradient does not flow through (to what they are computed
    from); as in Theano, a ``wrt`` listed there still gets its own gradient. ``disconnected_inputs``:
    'raise' (default), 'warn' or 'ignore' when a ``wrt`` does not influence the cost.
    ``known_grads``: a dict of variables to their gradients, used as extra starting points.
    ``return_disconnected``: what to return for disconnected ``wrt``: 'zero', 'None' or
    'Disconnected'. ``null_gradients``: 'raise' or 'return' for undefined gradients.
    """
    from theano.tensor.basic import as_tensor_variable, ones_like

    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(f"disconnected_inputs must be 'raise', 'warn' or 'ignore', got {disconnected_inputs!r}")
    wrt_list, was_list = _as_list(wrt)
    for i, w in enumerate(wrt_list):
        if not isinstance(w, Variable):
            raise TypeError(
                f"grad: wrt[{i}] must be a symbolic Variable, got {type(w).__name__} ({w!r})"
            )
    seeds = OrderedDict()
    if cost is not None:
        if not isinstance(cost, Variable):
            raise TypeError(f"grad: cost must be a symbolic Variable, got {type(cost).__name__}")
        if getattr(cost, "ndim", 0) != 0:
            raise TypeError(
                f"grad: cost must be a scalar (0-d), got {cost.ndim} dimensions. Sum or average it "
                "first (cost.sum() or cost.mean()), or use theano.gradient.jacobian."
            )
        seeds[cost] = ones_like(cost, dtype=_float_dtype_for(cost))
    for var, g in normalize_known_grads(known_grads):
        g = as_tensor_variable(g) if not isinstance(g, Variable) else g
        if not _is_null(g) and not _is_disconnected(g):
            g = _fit_to(var, _broadcast_known_grad(var, g))
        seeds[var] = g
    if not seeds:
        raise ValueError("grad needs a cost or known_grads")
    blockers = set(consider_constant or ())
    result = _backprop(list(seeds.items()), wrt_list, blockers)
    out = []
    for w, g in zip(wrt_list, result):
        if g is None:
            msg = (
                f"grad method was asked to compute the gradient with respect to a variable that is "
                f"not part of the computational graph of the cost, or is used only by a "
                f"non-differentiable operator: {w}"
            )
            if disconnected_inputs == "raise":
                raise DisconnectedInputError(
                    msg + ". Pass disconnected_inputs='ignore' (or 'warn') to get zeros instead."
                )
            if disconnected_inputs == "warn":
                warnings.warn(msg, stacklevel=2)
            if return_disconnected == "zero":
                g = _zeros_for(w)
            elif return_disconnected == "None":
                g = None
            elif return_disconnected == "Disconnected":
                g = disconnected_type()
            else:
                raise ValueError("return_disconnected must be 'zero', 'None' or 'Disconnected'")
        elif _is_null(g):
            if null_gradients == "raise":
                raise NullTypeGradError(f"grad encountered an undefined gradient for {w}: {g.type.why_null}")
        elif add_names and getattr(g, "name", None) is None:
            cost_name = cost.name if cost is not None and cost.name else "cost"
            if w.name:
                g.name = f"(d{cost_name}/d{w.name})"
        out.append(g)
    return _format_as(wrt, out)


_DISCRETE = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _flat_inputs(node, out_grads):
    """Positions of the inputs of ``node`` whose every output with a gradient (among those the
    op's connection pattern links them to) is discrete: Theano 1.0's contract, an integer or bool
    output is a step function of its inputs, so the gradient through it is zero (the op's own
    term, which a correct op makes zeros anyway, is replaced by zeros). A continuous output
    passes the op's gradient to every input, integer ones included."""
    live = [j for j, g in enumerate(out_grads) if g is not None]
    kinds = [getattr(node.outputs[j].type, "dtype", None) in _DISCRETE for j in live]
    if not any(kinds):
        return set()
    if all(kinds):
        return set(range(len(node.inputs)))
    pattern = node.op.connection_pattern(node)
    cont = [j for j, d in zip(live, kinds) if not d]
    return {k for k in range(len(node.inputs)) if not any(pattern[k][j] for j in cont)}


def _flat_zeros(var):
    """The zero gradient through a discrete output: zeros of ``var``'s shape in its float dtype,
    built from its shape (an Alloc), not ``zeros_like(var)``, which is the filler ``theano.grad``
    gives an output the cost does not depend on (scan tells the two apart: a zero gradient is
    connected)."""
    from theano.tensor.allocation import zeros
    from theano.tensor.basic import patternbroadcast
    from theano.tensor.type import TensorType

    if not isinstance(var.type, TensorType):
        return _zeros_for(var)
    z = zeros([var.shape[d] for d in range(var.ndim)], dtype=_float_dtype_for(var))
    return patternbroadcast(z, var.broadcastable) if z.broadcastable != var.broadcastable else z


def _evidently_zero(g):
    """``g`` is zeros by its construction: a zero constant, or ``fill``/Alloc of one (what ops
    that follow the rule give; kept as they are)."""
    from theano.graph.basic import Constant
    from theano.scalar.basic import Second
    from theano.tensor.allocation import Alloc
    from theano.tensor.elemwise import DimShuffle

    node = getattr(g, "owner", None)
    if node is not None and isinstance(getattr(node.op, "scalar_op", node.op), Second):
        g = node.inputs[1]     # fill(x, 0), of tensors (an Elemwise) or of theano.scalar values
    elif node is not None and isinstance(node.op, Alloc):
        g = node.inputs[0]
    while getattr(g, "owner", None) is not None and isinstance(g.owner.op, DimShuffle):
        g = g.owner.inputs[0]
    return isinstance(g, Constant) and not np.any(g.data)


def _backprop(seeds, wrt_list, blockers):
    """Accumulate gradients from ``seeds`` [(var, grad)] back to ``wrt_list``; return their grads."""
    seed_vars = [v for v, _ in seeds]
    wrt_set = set(wrt_list)
    # Nodes that lie on a path from some wrt to some seed.
    all_nodes = io_toposort(list(blockers), seed_vars)
    # which variables depend on a wrt
    depends = set(wrt_set)
    relevant = []
    for node in all_nodes:
        if any(i in depends for i in node.inputs):
            depends.update(node.outputs)
            relevant.append(node)
    terms = {}
    for v, g in seeds:
        terms.setdefault(v, []).append(g)
    grads = {}

    def total(var):
        if var in grads:
            return grads[var]
        g = _sum_terms(terms.get(var, []))
        if g is not None and not _is_null(g):
            g = _fit_to(var, g)
        grads[var] = g
        return g

    for node in reversed(relevant):
        out_grads = [total(o) for o in node.outputs]
        if all(g is None for g in out_grads):
            continue
        null_outs = [j for j, g in enumerate(out_grads) if _is_null(g)]
        if null_outs:
            # an undefined output gradient makes the gradients of the inputs connected to that
            # output undefined (the op's connection_pattern says which); the other inputs get
            # their gradients from the other outputs as usual
            pattern = node.op.connection_pattern(node)
            live = [j for j, g in enumerate(out_grads) if g is not None and not _is_null(g)]
            for i, inp in enumerate(node.inputs):
                hit = [j for j in null_outs if pattern[i][j]]
                if hit and inp in depends:
                    terms.setdefault(inp, []).append(out_grads[hit[0]])
            if not live:
                continue
            out_grads = [None if _is_null(g) else g for g in out_grads]
            null_inputs = {i for i in range(len(node.inputs)) if any(pattern[i][j] for j in null_outs)}
        else:
            null_inputs = set()
        og = [g if g is not None else _zeros_for(o) for o, g in zip(node.outputs, out_grads)]
        needed = [i in depends for i in node.inputs]
        try:
            in_grads = node.op.L_op(list(node.inputs), list(node.outputs), og)
        except MethodNotDefined as exc:
            raise NotImplementedError(
                f"The gradient of {node.op} is not implemented (needed for {node})"
            ) from exc
        if len(in_grads) != len(node.inputs):
            raise ValueError(f"{node.op}.grad returned {len(in_grads)} terms for {len(node.inputs)} inputs")
        flat = _flat_inputs(node, out_grads)
        for k, (inp, g, need) in enumerate(zip(node.inputs, in_grads, needed)):
            if not need or _is_disconnected(g) or k in null_inputs:
                continue
            if _is_null(g):
                terms.setdefault(inp, []).append(g)
                continue
            if k in flat and not _evidently_zero(g):
                g = _flat_zeros(inp)
                if _is_disconnected(g):
                    continue
            terms.setdefault(inp, []).append(_fit_to(inp, g))
    return [total(w) if w in terms else None for w in wrt_list]


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """Vector-Jacobian product: the gradient of ``sum(f * eval_points)`` with respect to ``wrt``."""
    f_list, _ = _as_list(f)
    e_list, _ = _as_list(eval_points)
    if len(f_list) != len(e_list):
        raise ValueError("Lop: f and eval_points must have the same length")
    known = OrderedDict(zip(f_list, e_list))
    return grad(None, wrt, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs,
                known_grads=known, add_names=False)


def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero"):
    """Jacobian-vector product: d f / d wrt applied to ``eval_points`` (forward mode), as
    Theano 1.0's ``T.Rop``.

    The tangents are carried forward through the nodes between ``wrt`` and ``f``, in
    topological order. A node whose inputs all stay fixed is skipped. Otherwise its op's
    ``R_op(inputs, eval_points)`` gives the tangents of its outputs, with None as the eval
    point of each input that does not vary, and None returned for an output that does not
    vary. An op that defines no ``R_op`` (the base ``Op.R_op`` raises ``MethodNotDefined``)
    gets the exact tangent from its gradient: the derivative, with respect to a projection
    vector ``u``, of ``sum(Lop(node, u) * eval_points)``, on this node alone.

    ``f``: a variable or a list/tuple of them (the result has the same form). ``wrt`` and
    ``eval_points``: one eval point per ``wrt``, of the same number of dimensions.
    ``disconnected_outputs``: 'raise' (a ValueError, the default), 'warn' or 'ignore' when an
    output of ``f`` does not vary with ``wrt`` (or only through a non-differentiable op; one that
    depends on ``wrt`` with a zero derivative, e.g. through the shape argument of a fill, is
    zeros, as in Theano 1.0);
    ``return_disconnected``: what such an output gets: 'zero' (zeros of its shape), 'None' or
    'Disconnected'.
    """
    from theano.tensor.basic import as_tensor_variable, zeros_like

    if disconnected_outputs not in ("raise", "warn", "ignore"):
        raise ValueError(
            f"Rop: disconnected_outputs must be 'raise', 'warn' or 'ignore', got {disconnected_outputs!r}")
    if return_disconnected not in ("zero", "None", "Disconnected"):
        raise ValueError(
            f"Rop: return_disconnected must be 'zero', 'None' or 'Disconnected', got {return_disconnected!r}")
    f_list, _ = _as_list(f)
    w_list, _ = _as_list(wrt)
    e_list, _ = _as_list(eval_points)
    if len(w_list) != len(e_list):
        raise ValueError(
            f"Rop: wrt and eval_points must have the same length ({len(w_list)} != {len(e_list)})")
    f_list = [v if isinstance(v, Variable) else as_tensor_variable(v) for v in f_list]
    tangent = {}
    for k, (w, e) in enumerate(zip(w_list, e_list)):
        if not isinstance(w, Variable):
            raise TypeError(f"Rop: wrt[{k}] must be a symbolic Variable, got {type(w).__name__} ({w!r})")
        e = e if isinstance(e, Variable) else as_tensor_variable(e)
        if getattr(w.type, "ndim", None) != getattr(e.type, "ndim", None):
            raise ValueError(
                f"Rop: wrt[{k}] ({w}, {w.type}) and eval_points[{k}] ({e}, {e.type}) have different "
                "numbers of dimensions; an eval point has the shape of its wrt")
        tangent[w] = _fit_tangent(w, e, f"eval_points[{k}]")

    for node in io_toposort(w_list, f_list):
        eps = [tangent.get(i) for i in node.inputs]
        if all(e is None for e in eps):
            continue
        if all(e is None or e is _ZERO_TANGENT for e in eps):
            # only zero speeds come in: the outputs connected to those inputs move with zero
            # speed too (the op's R_op is not called: nothing varies)
            pattern = node.op.connection_pattern(node)
            for j, out in enumerate(node.outputs):
                if _has_tangent(out) and any(e is not None and pattern[i][j]
                                             for i, e in enumerate(eps)):
                    tangent[out] = _ZERO_TANGENT
            continue
        # a zero speed is a fixed input for the op's R_op (its tangent is linear in them)
        eps = [None if e is _ZERO_TANGENT else e for e in eps]
        for out, t in zip(node.outputs, _node_rop(node, eps)):
            if t is _ZERO_TANGENT:
                tangent[out] = t
            elif t is not None:
                tangent[out] = _fit_tangent(out, t, f"{node.op}.R_op")

    result = []
    for k, fi in enumerate(f_list):
        t = tangent.get(fi)
        if t is _ZERO_TANGENT:
            # connected to wrt with a zero derivative (through the shape argument of a fill,
            # say): zeros, as Theano 1.0's Rop gave, not a disconnected output
            t = zeros_like(fi)
        elif t is None:
            msg = (f"Rop: output {k} of f ({fi}) does not depend on wrt, or only through a "
                   "non-differentiable operation")
            if disconnected_outputs == "raise":
                raise ValueError(msg + "; pass disconnected_outputs='ignore' (or 'warn') to get "
                                 "zeros for it instead.")
            if disconnected_outputs == "warn":
                warnings.warn(msg, stacklevel=2)
            if return_disconnected == "zero":
                t = zeros_like(fi)
            elif return_disconnected == "Disconnected":
                t = disconnected_type()
        result.append(t)
    return _format_as(f, result)


class _ZeroTangent:
    """The tangent of a variable that depends on ``wrt`` with a zero derivative: ``Rop`` skips the
    nodes it reaches alone, as those with fixed inputs, but an output of ``f`` that gets it is
    zeros, not a disconnected output."""

    def __repr__(self):
        return "_ZERO_TANGENT"


_ZERO_TANGENT = _ZeroTangent()


def _has_tangent(var):
    """Whether ``var`` can move: a float or complex tensor."""
    from theano.tensor.type import TensorType

    return isinstance(var.type, TensorType) and var.type.dtype.startswith(("float", "complex"))


def _node_rop(node, eval_points):
    """The tangents of ``node``'s outputs (None: does not vary) given its inputs' (None: fixed):
    the op's ``R_op``, or, for an op without one, the tangents obtained from its gradient."""
    try:
        out = node.op.R_op(list(node.inputs), list(eval_points))
    except MethodNotDefined:
        out = _rop_from_gradient(node, eval_points)
    if not isinstance(out, (list, tuple)) or len(out) != len(node.outputs):
        raise TypeError(
            f"{node.op}.R_op must return a list with one entry (a variable or None) per output "
            f"({len(node.outputs)}), got {out!r}")
    return list(out)


def _rop_from_gradient(node, eval_points):
    """Forward tangents of ``node`` through its gradient (the "double Lop"), exact: on a copy of
    the node over placeholders ``p`` (so that only this node is differentiated), for each output
    ``y`` the derivative with respect to a projection ``u`` of ``sum_i <L_op(u)_i, e_i>``, which is
    ``J e``; it is linear in ``u``, which is then replaced by zeros of ``y``'s shape."""
    from theano.graph.basic import clone_replace
    from theano.tensor.basic import zeros_like
    from theano.tensor.math import sum as tsum

    phs = [i.type() for i in node.inputs]
    copy = node.clone_with_new_inputs(phs)
    varied = [(p, e) for p, e in zip(phs, eval_points) if e is not None]
    back = dict(zip(phs, node.inputs))
    out = []
    for y, y_copy in zip(node.outputs, copy.outputs):
        if not _has_tangent(y):
            out.append(None)  # integer, boolean and non-tensor outputs have no tangent
            continue
        u = y_copy.type()
        u.name = "rop_u"
        gs = grad(None, [p for p, _ in varied], known_grads={y_copy: u}, disconnected_inputs="ignore",
                  return_disconnected="None", add_names=False)
        for g in gs:
            if _is_null(g):
                raise NullTypeGradError(
                    f"Rop: {node.op} has no R_op, and its gradient, from which its R-operator would "
                    f"be computed, is undefined: {g.type.why_null}")
        terms = [tsum(g * e) for g, (_, e) in zip(gs, varied) if g is not None]
        if not terms:
            out.append(None)
            continue
        r = grad(_sum_terms(terms), u, disconnected_inputs="ignore", return_disconnected="None",
                 add_names=False)
        if r is None:
            # a connected gradient that does not depend on ``u`` is zero (a Lop is linear in u):
            # the output moves with zero speed (``fill(x, c)`` through its shape argument ``x``)
            out.append(_ZERO_TANGENT)
            continue
        out.append(clone_replace(r, {u: zeros_like(y), **back}))
    return out


def _fit_tangent(var, t, what):
    """The tangent ``t`` with ``var``'s type (its dtype and broadcast pattern), as Theano's Rop
    casts it; a tangent with another number of dimensions is an error of the op."""
    from theano.tensor.basic import as_tensor_variable, cast, patternbroadcast
    from theano.tensor.type import TensorType

    t = t if isinstance(t, Variable) else as_tensor_variable(t)
    if t.type == var.type:
        return t
    if getattr(t.type, "ndim", None) != getattr(var.type, "ndim", None):
        raise TypeError(
            f"{what} gave a tangent {t} ({t.type}) for {var} ({var.type}): a tangent has the type "
            "of its variable")
    if isinstance(var.type, TensorType) and isinstance(t.type, TensorType):
        if t.type.dtype != var.type.dtype:
            t = cast(t, var.type.dtype)
        # a tangent has its variable's shape, so a dimension broadcastable in one is of length 1
        return patternbroadcast(t, var.type.broadcastable)
    conv = var.type.convert_variable(t)
    return conv if conv is not None else t


def subgraph_grad(wrt, end, start=None, cost=None, details=False):
    """Backpropagate through one piece of a graph, as Theano 1.0's ``theano.subgraph_grad``.

    The piece lies between the variables ``end`` (its inputs, where backpropagation stops) and
    either ``start`` (a dict {variable: its known gradient}) or a scalar ``cost`` (or both, summed).
    Returns ``(wrt_grads, end_grads)``: the gradients with respect to each of ``wrt`` and each of
    ``end``; feed ``dict(zip(end, end_grads))`` as the ``start`` of the next piece to chain the
    pieces into the full gradient. ``details=True`` also returns the gradients from ``start`` and
    from ``cost`` separately (None when not given), each over ``wrt + end`` without repeats.
    """
    if cost is None and start is None:
        raise ValueError("subgraph_grad needs a cost, a start dict of known gradients, or both")
    if not isinstance(end, (list, tuple)) or not isinstance(wrt, (list, tuple)):
        raise TypeError("subgraph_grad: wrt and end must be lists of variables")
    if start is not None and not isinstance(start, dict):
        raise TypeError("subgraph_grad: start must be a dict {variable: gradient}")
    params = []
    for v in list(wrt) + list(end):
        if v not in params:
            params.append(v)
    start_grads = cost_grads = None
    if start is not None:
        start_grads = list(grad(None, params, known_grads=start, consider_constant=list(end),
                                disconnected_inputs="ignore"))
    if cost is not None:
        cost_grads = list(grad(cost, params, consider_constant=list(end),
                               disconnected_inputs="ignore"))
    if start_grads is None:
        totals = cost_grads
    elif cost_grads is None:
        totals = start_grads
    else:
        totals = [a + b for a, b in zip(start_grads, cost_grads)]
    by_var = dict(zip(params, totals))
    wrt_grads = [by_var[v] for v in wrt]
    end_grads = [by_var[v] for v in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads


# jacobian and hessian loop over the rows of the expression with theano.scan (Theano 1.0's
# definition). Scan is a layer above this module (its own gradient is built with grad), so it plugs
# itself in: theano.scan calls register_loop(scan) when imported, and ``import theano`` imports it.
_loop = None


def register_loop(loop):
    """Make ``loop`` the symbolic loop that jacobian and hessian build their rows with; it has
    theano.scan's signature: ``loop(fn, sequences=..., non_sequences=...)`` returns
    ``(outputs, updates)``."""
    global _loop
    _loop = loop
    return loop


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Jacobian of a vector ``expression`` with respect to ``wrt`` (computed with scan)."""
    from theano.tensor.basic import as_tensor_variable

    expression = as_tensor_variable(expression)
    w_list, was_list = _as_list(wrt)
    if expression.ndim == 0:
        g = grad(expression, w_list, consider_constant=consider_constant,
                 disconnected_inputs=disconnected_inputs)
        return _format_as(wrt, g)
    if expression.ndim != 1:
        raise TypeError("jacobian expects a scalar or vector expression; flatten it first")
    if _loop is None:
        raise RuntimeError("the Jacobian of a vector loops over its rows with theano.scan, which "
                           "registers itself when imported: import theano.scan (import theano does)")
    from theano.tensor import arange
    from theano.tensor.reshaping import shape_i

    def inner(i, y, *ws):
        return grad(y[i], list(ws), consider_constant=consider_constant,
                    disconnected_inputs=disconnected_inputs)

    idx = arange(shape_i(expression, 0))
    jacobs, updates = _loop(inner, sequences=idx, non_sequences=[expression] + w_list)
    if not isinstance(jacobs, (list, tuple)):
        jacobs = [jacobs]
    return _format_as(wrt, jacobs)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of the scalar ``cost`` with respect to each vector in ``wrt``."""
    w_list, was_list = _as_list(wrt)
    out = []
    for w in w_list:
        g = grad(cost, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
        out.append(jacobian(g, w, consider_constant=consider_constant,
                            disconnected_inputs=disconnected_inputs))
    return _format_as(wrt, out)


# -------------------------------------------------------------------------------------------------
# verify_grad: finite differences against the symbolic gradient
# -------------------------------------------------------------------------------------------------

_EPS = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}  # Theano 1.0's steps
_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


def _central_differences(f, points, i, eps):
    """d f / d points[i] (float64, the shape of ``points[i]``) by central differences of step
    ``eps``, measured as the difference the rounding of the point really made."""
    p = points[i]
    g = np.zeros(p.shape, dtype="float64")
    flat = g.reshape(-1)
    for j in range(p.size):
        plus = [q.copy() for q in points]
        minus = [q.copy() for q in points]
        plus[i].reshape(-1)[j] += eps
        minus[i].reshape(-1)[j] -= eps
        step = float(plus[i].reshape(-1)[j]) - float(minus[i].reshape(-1)[j])
        flat[j] = (float(np.asarray(f(*plus)).sum()) - float(np.asarray(f(*minus)).sum())) / step
    return g


class numeric_grad:
    """The gradient of a scalar function at a point by central finite differences (Theano 1.0's
    ``numeric_grad``, which ``verify_grad`` users call directly).

    ``f`` is a Python callable (a compiled function) of the arrays of ``pt`` (one array or a list)
    returning a scalar. ``gf`` holds the gradient: an array per point (a single array when ``pt``
    was one), in float64. ``eps`` is the step (``type_eps`` of the narrowest float dtype among the
    points when None); ``out_type`` is accepted for compatibility (the values are real)."""

    type_eps = dict(_EPS)

    def __init__(self, f, pt, eps=None, out_type=None):
        single = not isinstance(pt, (list, tuple))
        points = [np.array(p, copy=True) for p in ([pt] if single else pt)]
        for i, p in enumerate(points):
            if p.dtype.kind != "f":
                raise TypeError(f"numeric_grad: point {i} has dtype {p.dtype}; finite "
                                "differences need floating-point points")
        if eps is None:
            kinds = {str(p.dtype) for p in points}
            low = next((d for d in ("float16", "float32", "float64") if d in kinds), "float64")
            eps = self.type_eps[low]
        self.eps = eps
        grads = [_central_differences(f, points, i, eps) for i in range(len(points))]
        self.gf = grads[0] if single else grads

    @staticmethod
    def abs_rel_err(a, b):
        """``(|a - b|, |a - b| / max(|a| + |b|, 1e-8))``, elementwise."""
        a = np.asarray(a, dtype="float64")
        b = np.asarray(b, dtype="float64")
        abs_err = np.abs(a - b)
        return abs_err, abs_err / np.maximum(np.abs(a) + np.abs(b), 1e-8)

    def abs_rel_errors(self, g_pt):
        """``[(abs_err, rel_err)]`` of each symbolic gradient in ``g_pt`` against ``gf``."""
        gf = self.gf if isinstance(self.gf, list) else [self.gf]
        g_pt = g_pt if isinstance(g_pt, (list, tuple)) else [g_pt]
        if len(g_pt) != len(gf):
            raise ValueError(f"numeric_grad: {len(g_pt)} gradients given for {len(gf)} points")
        out = []
        for i, (a, b) in enumerate(zip(g_pt, gf)):
            a = np.asarray(a)
            if a.shape != b.shape:
                raise ValueError(f"numeric_grad: gradient {i} has shape {a.shape}, the point "
                                 f"{b.shape}")
            out.append(self.abs_rel_err(a, b))
        return out

    def max_err(self, g_pt, abs_tol, rel_tol):
        """The worst element: ``(point index, flat position, abs error, rel error)``, where an
        element's error is the smaller of ``abs_err / abs_tol`` and ``rel_err / rel_tol``."""
        worst = (-1.0, 0, 0, np.nan, np.nan)
        for i, (abs_err, rel_err) in enumerate(self.abs_rel_errors(g_pt)):
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol).reshape(-1)
            if scaled.size == 0:
                continue
            pos = int(np.argmax(scaled))
            if scaled[pos] > worst[0]:
                worst = (float(scaled[pos]), i, pos, float(abs_err.reshape(-1)[pos]),
                         float(rel_err.reshape(-1)[pos]))
        return worst[1:]


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None, rel_tol=None,
                mode=None, cast_to_output_type=False, no_debug_ref=True):
    """Check the symbolic gradient of ``fun`` at the point ``pt`` (a list of arrays).

    ``fun`` takes symbolic inputs and returns one symbolic output. A random projection of the output
    makes a scalar cost; its gradient is compared with central finite differences. Raises
    GradientError when they disagree beyond ``abs_tol`` and ``rel_tol``.
    """
    from theano.compile.function import function
    from theano.tensor.basic import as_tensor_variable
    from theano.tensor.math import sum as tsum
    from theano.tensor.type import TensorType

    if rng is None:
        rng = np.random.RandomState(42)
    if isinstance(rng, int):
        rng = np.random.RandomState(rng)
    pt = [np.array(p) if not isinstance(p, np.ndarray) else p for p in pt]
    for i, p in enumerate(pt):
        if p.dtype.kind != "f":
            raise TypeError(
                f"verify_grad: point {i} has dtype {p.dtype}; gradients are checked on float inputs only"
            )
    # as in Theano, a length-1 dimension of a test value is a broadcastable dimension
    tensor_pt = [TensorType(p.dtype, tuple(n == 1 for n in p.shape))(f"input_{i}")
                 for i, p in enumerate(pt)]
    out = fun(*tensor_pt)
    if isinstance(out, (list, tuple)):
        if len(out) != 1:
            raise ValueError("verify_grad: fun must return a single output")
        out = out[0]
    out = as_tensor_variable(out)
    # explicit in-place ops in ``fun`` may overwrite the points: every call gets copies of them
    f_out = function(tensor_pt, out, mode=mode, on_unused_input="ignore", accept_inplace=True)
    out_val = np.asarray(f_out(*[p.copy() for p in pt]))
    dtypes = [str(p.dtype) for p in pt] + [out.dtype if out.dtype.startswith("float") else "float64"]
    low = "float16" if "float16" in dtypes else ("float32" if "float32" in dtypes else "float64")
    eps = eps if eps is not None else _EPS[low]
    abs_tol = abs_tol if abs_tol is not None else _TOL[low]
    rel_tol = rel_tol if rel_tol is not None else _TOL[low]

    for _ in range(n_tests):
        # as in Theano 1.0: a float64 projection (so the cost of a float32 output is summed and
        # differenced in float64, where float32 steps of eps are not lost to rounding), unless
        # cast_to_output_type asks for the output's dtype
        proj_dtype = out.dtype if (cast_to_output_type and out.dtype.startswith("float")) else "float64"
        proj_val = (np.asarray(rng.rand(*out_val.shape)) + 0.5).astype(proj_dtype)
        proj = TensorType(proj_val.dtype, (False,) * proj_val.ndim)("random_projection")
        cost = tsum(out * proj)
        f_cost = function(tensor_pt + [proj], cost, mode=mode, on_unused_input="ignore",
                          accept_inplace=True)
        g = grad(cost, tensor_pt, disconnected_inputs="ignore")
        f_grad = function(tensor_pt + [proj], g, mode=mode, on_unused_input="ignore",
                          accept_inplace=True)
        sym = f_grad(*[p.copy() for p in pt], proj_val)
        for i, p in enumerate(pt):
            num = _central_differences(lambda *a: f_cost(*a, proj_val), pt, i, eps)
            s = sym[i]
            if not isinstance(s, np.ndarray) and hasattr(s, "toarray"):
                s = s.toarray()     # a sparse gradient (theano.sparse_grad) of a dense point
            s = np.asarray(s, dtype="float64")
            if s.shape != num.shape:
                raise GradientError(i, 0, p.shape, s.shape, num.shape, np.inf, np.inf, abs_tol, rel_tol)
            abs_err = np.abs(s - num)
            rel_err = abs_err / np.maximum(np.abs(s) + np.abs(num), 1e-8)
            bad = (abs_err > abs_tol) & (rel_err > rel_tol)
            if np.any(bad) or not np.all(np.isfinite(s) == np.isfinite(num)):
                pos = int(np.argmax(bad.reshape(-1))) if np.any(bad) else 0
                raise GradientError(i, pos, p.shape, s.reshape(-1)[pos], num.reshape(-1)[pos],
                                    float(abs_err.reshape(-1)[pos]), float(rel_err.reshape(-1)[pos]),
                                    abs_tol, rel_tol)


verify_grad.E_grad = GradientError
