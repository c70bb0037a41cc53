"""Theano 1.0's ``theano.compile.pfunc``: ``pfunc`` and ``rebuild_collect_shared``.

``rebuild_collect_shared`` is the step of ``theano.function`` that applies ``givens``, gathers the
shared variables a graph reads (in the order a left-to-right depth-first walk of the outputs, then
of the update expressions, meets them) and the updates to make, including the shared variables'
``default_update``. ``pfunc`` is ``theano.function`` under its old name.
"""

from collections import OrderedDict

from theano.compile.io import In, Out
from theano.compile.sharedvalue import SharedVariable
from theano.graph.basic import Constant, Variable


def normalize_pairs(arg, what):
    """``arg`` (None, a dict, an OrderedDict, or any iterable of 2-item pairs: a list, a tuple,
    ``dict.items()``, a generator) as a list of ``(key, value)`` tuples, in the given order.

    For updates a single flat pair ``(shared_var, expression)`` is read as one pair.
    """
    if arg is None:
        return []
    if isinstance(arg, dict):
        return list(arg.items())
    if isinstance(arg, (Variable, str, bytes)):
        raise TypeError(f"{what} must be a dict or an iterable of (variable, expression) pairs, "
                        f"got {type(arg).__name__}: {arg!r}")
    if isinstance(arg, (list, tuple)) and len(arg) == 2 and isinstance(arg[0], SharedVariable) \
            and not isinstance(arg[1], (list, tuple)) and what == "updates":
        return [tuple(arg)]
    try:
        items = list(arg)
    except TypeError:
        raise TypeError(f"{what} must be a dict or an iterable of (variable, expression) pairs, "
                        f"got {type(arg).__name__}") from None
    pairs = []
    for i, p in enumerate(items):
        try:
            pair = tuple(p)
        except TypeError:
            pair = None
        if pair is None or len(pair) != 2 or isinstance(p, Variable):
            raise ValueError(
                f"{what} must be a dict/OrderedDict or an iterable of (variable, expression) pairs "
                f"of 2 elements; item {i} is {p!r}"
            )
        pairs.append(pair)
    return pairs


def _as_update_type(target, expr, what):
    """``expr`` as the new value of shared ``target``: exactly its type (dtype and broadcast
    pattern, as Theano 1.0 requires), or a TypeError that says what to change."""
    from theano.compile.function import _cast_hint, _convert_to_type
    from theano.scalar.type import Scalar
    from theano.tensor.basic import scalar_from_tensor
    from theano.tensor.type import TensorType

    if not isinstance(target, SharedVariable):
        kind = "an explicit input" if isinstance(target, Variable) else type(target).__name__
        raise TypeError(
            f"{what}: the target {target!r} is {kind}, not a shared variable. Only shared "
            "variables (made with theano.shared) can be updated by a function."
        )
    if not isinstance(expr, Variable):
        conv = _convert_to_type(target, expr, f"update of {target}")
        if conv is None:
            raise TypeError(f"{what}: cannot use {expr!r} as the new value of {target}")
        return conv
    if expr.type == target.type:
        return expr
    if isinstance(target.type, Scalar) and isinstance(expr.type, TensorType) and \
            expr.type.ndim == 0 and expr.type.dtype == target.type.dtype:
        # arithmetic on a scalar shared variable gives a 0-d tensor (scalar ops apply elementwise)
        return scalar_from_tensor(expr)
    if isinstance(target.type, TensorType) and not isinstance(expr.type, TensorType):
        raise TypeError(f"{what}: the update of {target} is not a tensor: {expr} ({expr.type})")
    raise TypeError(
        f"An update must have the same type as the shared variable it updates: "
        f"{target.name or target} is {target.type}, but its update {expr} is {expr.type}. "
        + _cast_hint(target, expr)
    )


def rebuild_collect_shared(outputs, inputs=None, replace=None, updates=None, rebuild_strict=True,
                           copy_inputs_over=True, no_default_updates=False):
    """Rebuild ``outputs`` with ``replace`` (givens) applied; collect shared variables and updates.

    ``outputs``: a Variable, an Out, or a list of them (or None). ``inputs``: explicit input
    variables (the walk stops there). ``replace``: givens, ``updates``: explicit updates (each a
    dict or an iterable of pairs). ``rebuild_strict=False`` lets a replacement change a type (nodes
    are rebuilt with their ``make_node``). ``copy_inputs_over=False`` clones every root instead of
    reusing it. ``no_default_updates``: True, or a list of shared variables whose
    ``default_update`` is not used.

    Returns ``(input_variables, cloned_outputs, [clone_d, update_d, update_expr, shared_inputs])``
    as Theano 1.0: ``clone_d`` maps old variables and nodes to new ones, ``update_d`` maps each
    shared variable to its (rebuilt) update, ``update_expr`` lists the (shared, update) pairs in
    order, ``shared_inputs`` the shared variables read or updated, in the order a left-to-right
    depth-first walk of the outputs and then of the updates meets them. Nodes whose inputs are all
    unchanged are kept (not copied).
    """
    from theano.compile.function import _convert_to_type

    if not isinstance(no_default_updates, (bool, list, tuple)):
        raise TypeError("no_default_updates must be a boolean or a list of shared variables")
    inputs = list(inputs or [])
    clone_d = {}
    update_d = {}
    update_expr = []
    shared_inputs = []
    excluded = set(no_default_updates) if isinstance(no_default_updates, (list, tuple)) else set()

    def visit_root(v):
        if isinstance(v, SharedVariable):
            if v not in shared_inputs:
                shared_inputs.append(v)
            default = getattr(v, "default_update", None)
            if default is not None and no_default_updates is not True and v not in excluded \
                    and v not in update_d:
                upd = _as_update_type(v, default, "default_update")
                update_d[v] = upd
                update_expr.append((v, upd))
        if not copy_inputs_over and not isinstance(v, Constant):
            return v.clone()
        return v

    def rebuild(root):
        # Iterative depth-first walk, inputs left to right (the order of Theano's recursion).
        if root in clone_d:
            return clone_d[root]
        stack = [(root, False)]
        while stack:
            v, expanded = stack.pop()
            if v in clone_d:
                continue
            owner = v.owner
            if owner is None:
                clone_d[v] = visit_root(v)
                continue
            if owner in clone_d:
                clone_d[v] = clone_d[owner].outputs[v.index]
                continue
            if not expanded:
                stack.append((v, True))
                for i in reversed(owner.inputs):
                    if i not in clone_d:
                        stack.append((i, False))
                continue
            new_inputs = [clone_d[i] for i in owner.inputs]
            if all(a is b for a, b in zip(new_inputs, owner.inputs)):
                new_node = owner
            else:
                new_node = owner.clone_with_new_inputs(new_inputs, strict=rebuild_strict)
            clone_d[owner] = new_node
            for old_o, new_o in zip(owner.outputs, new_node.outputs):
                clone_d.setdefault(old_o, new_o)
        return clone_d[root]

    input_variables = []
    for i in inputs:
        if not isinstance(i, Variable):
            raise TypeError(f"inputs must be symbolic variables, got {type(i).__name__}: {i!r}")
        clone_d[i] = i if copy_inputs_over else i.clone()
        input_variables.append(clone_d[i])

    for old, new in normalize_pairs(replace, "givens"):
        if not isinstance(old, Variable):
            raise TypeError(f"givens: the key {old!r} is not a symbolic variable")
        if old in clone_d:
            raise AssertionError(
                f"givens: {old} is replaced twice, or is used to compute another replacement "
                "(givens = {a: b, b: a + 1} is not allowed)"
            )
        conv = _convert_to_type(old, new, "givens")
        if conv is None:
            if rebuild_strict or not isinstance(new, Variable):
                raise TypeError(
                    f"givens: {old} ({old.type}) cannot be replaced by {new} "
                    f"({getattr(new, 'type', type(new).__name__)}): the types differ. Cast the "
                    "replacement to the same dtype and number of dimensions (T.cast(expr, dtype)) "
                    "first, or pass rebuild_strict=False to let the types change."
                )
            conv = new
        clone_d[old] = rebuild(conv)

    for target, expr in normalize_pairs(updates, "updates"):
        expr = _as_update_type(target, expr, "updates")
        if target in update_d:
            raise ValueError(
                f"The shared variable {target} is updated twice ({update_d[target]} and {expr}); "
                "give one update per variable"
            )
        update_d[target] = expr
        update_expr.append((target, expr))

    def rebuild_output(o):
        if isinstance(o, Out):
            return Out(rebuild(o.variable), borrow=o.borrow)
        if isinstance(o, Variable):
            return rebuild(o)
        raise TypeError(f"outputs must be symbolic variables or Out, got {type(o).__name__}: {o!r}")

    if outputs is None:
        cloned_outputs = []
    elif isinstance(outputs, (list, tuple)):
        cloned_outputs = [rebuild_output(o) for o in outputs]
    else:
        cloned_outputs = rebuild_output(outputs)

    # The update expressions may read (or default-update) more shared variables: the list grows
    # while it is walked.
    k = 0
    while k < len(update_expr):
        target, expr = update_expr[k]
        new_expr = rebuild(expr)
        update_d[target] = new_expr
        update_expr[k] = (target, new_expr)
        if target not in shared_inputs:
            shared_inputs.append(target)
        k += 1
    return input_variables, cloned_outputs, [clone_d, update_d, update_expr, shared_inputs]


def pfunc(params, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
          accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None,
          profile=None, on_unused_input=None, output_keys=None):
    """Theano 1.0's ``pfunc``: ``theano.function`` with the inputs called ``params`` (variables or
    ``In``). ``output_keys`` names the outputs: the function then returns a dict."""
    from theano.compile.function import function

    if not isinstance(params, (list, tuple)):
        raise TypeError("pfunc: the first argument (params) must be a list or a tuple of inputs")
    if output_keys is not None:
        if not isinstance(outputs, (list, tuple)) or len(outputs) != len(output_keys):
            raise ValueError("pfunc: output_keys needs one key per output")
        outputs = OrderedDict(zip(output_keys, outputs))
    return function(list(params), outputs, mode=mode, updates=updates, givens=givens,
                    no_default_updates=no_default_updates, accept_inplace=accept_inplace, name=name,
                    rebuild_strict=rebuild_strict, allow_input_downcast=allow_input_downcast,
                    profile=profile, on_unused_input=on_unused_input)


__all__ = ["pfunc", "rebuild_collect_shared", "In"]


class _CallableModule(__import__("types").ModuleType):
    """As in Theano 1.0, ``theano.compile.pfunc`` is both this module (``from theano.compile.pfunc
    import rebuild_collect_shared``) and the function (``from theano.compile import pfunc;
    pfunc([x], y)``)."""

    def __call__(self, *args, **kwargs):
        return pfunc(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
