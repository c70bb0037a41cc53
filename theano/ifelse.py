"""Lazy conditional: ``ifelse(condition, then_branch, else_branch)``.

Unlike ``T.switch``, which computes both of its branches elementwise, ``ifelse`` evaluates only the
branch that the (scalar) condition picks. The ``IfElse`` op is ``lazy``: the reference VM's ``LazyVM``
asks it through ``lazy_perform`` which inputs it needs, so the other branch is never computed.

    from theano.ifelse import ifelse
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
"""

import numpy as np

from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.gradient import disconnected_type

__all__ = ["IfElse", "ifelse"]


class IfElse(Op):
    """``n_outs`` outputs, each either the then-value or the else-value, picked by a scalar condition.

    Inputs: ``[condition] + then_values + else_values``. With ``as_view`` the outputs alias the
    chosen inputs; otherwise they are copies (Theano's default).
    """

    __props__ = ("n_outs", "as_view")
    lazy = True

    def __init__(self, n_outs, as_view=False, name=None):
        if int(n_outs) < 1:
            raise ValueError(f"IfElse: n_outs must be at least 1, got {n_outs!r}")
        self.n_outs = int(n_outs)
        self.as_view = bool(as_view)
        self.name = name
        if self.as_view:
            self.view_map = {i: [1 + i, 1 + self.n_outs + i] for i in range(self.n_outs)}

    def __str__(self):
        kind = "inplace" if self.as_view else ""
        label = f",{self.name}" if self.name else ""
        return f"if{{{kind}{label}}}"

    def make_node(self, condition, *branches):
        from theano.tensor.basic import as_tensor_variable

        if len(branches) != 2 * self.n_outs:
            raise ValueError(
                f"IfElse with {self.n_outs} output(s) needs {2 * self.n_outs} branch values (then "
                f"values followed by else values), got {len(branches)}"
            )
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise TypeError(
                f"ifelse: the condition must be a scalar, got {condition} with {condition.ndim} "
                "dimension(s). Reduce it first (e.g. T.any(cond)), or use T.switch for an "
                "elementwise choice."
            )
        thens = list(branches[: self.n_outs])
        elses = list(branches[self.n_outs:])
        for k, (t, e) in enumerate(zip(thens, elses)):
            if t.type != e.type:
                raise TypeError(
                    f"ifelse: output {k}: the then branch ({t}) has type {t.type} but the else branch "
                    f"({e}) has type {e.type}; both branches must have the same type"
                )
        outputs = [t.type() for t in thens]
        return Apply(self, [condition] + thens + elses, outputs)

    # -- running ---------------------------------------------------------------------------------
    def _emit(self, values, output_storage):
        for cell, v in zip(output_storage, values):
            if not self.as_view and isinstance(v, np.ndarray):
                v = v.copy()
            cell[0] = v

    def lazy_perform(self, node, input_cells, computed, output_cells):
        """Ask for the condition first, then only for the chosen branch's inputs."""
        if not computed[0]:
            return [0]
        cond = input_cells[0][0]
        n = self.n_outs
        start = 1 if bool(np.asarray(cond)) else 1 + n
        wanted = list(range(start, start + n))
        missing = [i for i in wanted if not computed[i]]
        if missing:
            return missing
        self._emit([input_cells[i][0] for i in wanted], output_cells)
        return []

    def perform(self, node, inputs, output_storage):
        # Used by backends that evaluate every input first (eager): same result, no laziness.
        n = self.n_outs
        chosen = inputs[1:1 + n] if bool(np.asarray(inputs[0])) else inputs[1 + n:]
        self._emit(chosen, output_storage)

    # -- shapes and gradients --------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        n = self.n_outs
        cond = node.inputs[0]
        out = []
        for k in range(n):
            ts, es = input_shapes[1 + k], input_shapes[1 + n + k]
            if ts is None:
                out.append(None)
                continue
            dims = []
            for a, b in zip(ts, es):
                dims.append(a if a is b else IfElse(1)(cond, _int64(a), _int64(b)))
            out.append(tuple(dims))
        return out

    def connection_pattern(self, node):
        # As in Theano 1.0 the condition is connected to every output, with a zero gradient (a
        # small change of the condition is taken to pick the same branch), so a cost that depends
        # on the parameters only through the condition has a zero, not a missing, gradient.
        n = self.n_outs
        pattern = [[True] * n]
        for branch in range(2):
            for k in range(n):
                pattern.append([j == k for j in range(n)])
        return pattern

    def L_op(self, inputs, outputs, output_grads):
        from theano.tensor.basic import zeros_like

        n = self.n_outs
        cond = inputs[0]
        thens, elses = inputs[1:1 + n], inputs[1 + n:]
        grads = [zeros_like(cond, dtype=_grad_dtype(cond))]
        then_grads, else_grads = [], []
        for k, g in enumerate(output_grads):
            # the branch not taken gets zeros of its own shape (the branches' shapes may differ)
            then_grads.append(IfElse(1)(cond, g, zeros_like(thens[k], dtype=g.dtype)))
            else_grads.append(IfElse(1)(cond, zeros_like(elses[k], dtype=g.dtype), g))
        for x, g in zip(list(thens) + list(elses), then_grads + else_grads):
            grads.append(g if _is_float(x) else disconnected_type())
        return grads

    def R_op(self, inputs, eval_points):
        """The tangent of each output: an ifelse of the branches' tangents (zeros for a branch
        that does not vary); None where neither branch varies or the output is not a float."""
        from theano.tensor.basic import zeros_like

        n = self.n_outs
        cond, thens, elses = inputs[0], inputs[1:1 + n], inputs[1 + n:]
        e_thens, e_elses = eval_points[1:1 + n], eval_points[1 + n:]
        out = []
        for k in range(n):
            et, ee = e_thens[k], e_elses[k]
            if (et is None and ee is None) or not _is_float(thens[k]):
                out.append(None)
                continue
            dtype = (et if et is not None else ee).dtype
            et = zeros_like(thens[k], dtype=dtype) if et is None else et
            ee = zeros_like(elses[k], dtype=dtype) if ee is None else ee
            out.append(IfElse(1, self.as_view)(cond, et, ee))
        return out


def _grad_dtype(x):
    from theano.configdefaults import config

    return x.dtype if _is_float(x) else config.floatX


def _int64(x):
    from theano.tensor.basic import as_tensor_variable, cast

    return cast(as_tensor_variable(x), "int64")


def _is_float(x):
    return str(getattr(x, "dtype", "")).startswith(("float", "complex"))


def _as_branch_pair(k, then_v, else_v):
    """Convert one then/else pair to variables of one common type (or raise a clear TypeError)."""
    from theano.tensor.basic import as_tensor_variable, patternbroadcast

    t_sym, e_sym = isinstance(then_v, Variable), isinstance(else_v, Variable)
    if t_sym and e_sym and then_v.type == else_v.type:
        return then_v, else_v  # any type, tensors or not (generic Python objects)
    if t_sym and not e_sym:
        e = as_tensor_variable(else_v)
        t = as_tensor_variable(then_v)
        if e.dtype != t.dtype:
            e = as_tensor_variable(np.asarray(else_v, dtype=t.dtype))
    elif e_sym and not t_sym:
        e = as_tensor_variable(else_v)
        t = as_tensor_variable(then_v)
        if e.dtype != t.dtype:
            t = as_tensor_variable(np.asarray(then_v, dtype=e.dtype))
    else:
        t, e = as_tensor_variable(then_v), as_tensor_variable(else_v)
    if t.type == e.type:
        return t, e
    if getattr(t, "ndim", None) != getattr(e, "ndim", None):
        raise TypeError(
            f"ifelse: output {k}: the then branch ({t}) has {t.ndim} dimension(s) but the else "
            f"branch ({e}) has {e.ndim}; both branches must have the same number of dimensions"
        )
    if t.dtype != e.dtype:
        raise TypeError(
            f"ifelse: output {k}: the then branch ({t}) has dtype {t.dtype} but the else branch "
            f"({e}) has dtype {e.dtype}. Both branches must have the same dtype: cast one of them, "
            f"e.g. T.cast(else_branch, '{t.dtype}')"
        )
    # Same dtype and ndim, different broadcastable patterns: mark both with the common pattern.
    common = tuple(a and b for a, b in zip(t.broadcastable, e.broadcastable))
    return patternbroadcast(t, common), patternbroadcast(e, common)


def ifelse(condition, then_branch, else_branch, name=None):
    """``then_branch`` if the scalar ``condition`` is true (nonzero), else ``else_branch``.

    Each branch is a variable or a list of variables (of the same length); only the chosen branch is
    computed. Returns a variable, or a list when the branches are lists.
    """
    single = not isinstance(then_branch, (list, tuple))
    thens = [then_branch] if single else list(then_branch)
    if isinstance(else_branch, (list, tuple)) == single:
        raise TypeError(
            "ifelse: then_branch and else_branch must both be single variables or both be lists, "
            f"got {type(then_branch).__name__} and {type(else_branch).__name__}"
        )
    elses = [else_branch] if single else list(else_branch)
    if len(thens) != len(elses):
        raise ValueError(
            f"ifelse: then_branch has {len(thens)} output(s) but else_branch has {len(elses)}; they "
            "must have the same length"
        )
    if not thens:
        raise ValueError("ifelse needs at least one output")
    pairs = [_as_branch_pair(k, t, e) for k, (t, e) in enumerate(zip(thens, elses))]
    op = IfElse(len(pairs), as_view=False, name=name)
    outs = op(condition, *[p[0] for p in pairs], *[p[1] for p in pairs], return_list=True)
    return outs[0] if single else outs


def _register_view_rewrite():
    """In FAST_RUN the outputs of an IfElse alias the chosen branch instead of copying it (Theano's
    ``if{inplace}``); the DestroyHandler sees the view_map, so no later in-place op can overwrite
    memory that another reader still needs."""
    from theano.graph.rewriting.basic import node_rewriter
    from theano.graph.rewriting.db import register_inplace

    @node_rewriter([IfElse])
    def ifelse_as_view(fgraph, node):
        op = node.op
        if not isinstance(op, IfElse) or op.as_view:
            return False
        new = IfElse(op.n_outs, as_view=True, name=op.name)
        return new(*node.inputs, return_list=True)

    register_inplace(ifelse_as_view, "inplace")


_register_view_rewrite()
