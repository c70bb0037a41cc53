"""In and Out: how a function's inputs and outputs are given, with names, defaults and borrowing."""

from theano.graph.basic import Variable


class In:
    """An input of a function: ``In(x, name='x', value=default, borrow=False, ...)``.

    ``value`` makes the input optional (that value is used when the caller omits it). ``update``
    keeps an internal state, written after every call (read by the calls that omit the input),
    as in Theano. ``strict``
    refuses values of another dtype; ``allow_downcast`` allows lossy conversion.
    """

    def __init__(self, variable, name=None, value=None, update=None, mutable=None, strict=False,
                 allow_downcast=None, autoname=True, implicit=None, borrow=None, shared=False):
        if not isinstance(variable, Variable):
            raise TypeError(f"In() needs a symbolic Variable, got {type(variable).__name__}: {variable!r}")
        self.variable = variable
        if name is None and autoname:
            name = variable.name
        if name is not None and not isinstance(name, str):
            raise TypeError(f"In({variable}): name must be a string or None, got "
                            f"{type(name).__name__}: {name!r}")
        self.name = name
        self.value = value
        if isinstance(update, Variable) and update.type != variable.type and \
                variable.type.convert_variable(update) is None:
            raise TypeError(f"In({variable}): the update {update} has type {update.type}, but the "
                            f"input has type {variable.type}; they must be the same")
        self.update = update
        self.mutable = bool(mutable) if mutable is not None else update is not None
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.implicit = bool(implicit)
        self.borrow = bool(borrow) if borrow is not None else self.mutable
        self.shared = shared

    def __repr__(self):
        return f"In({self.variable}, name={self.name!r})"


class Out:
    """An output of a function; ``borrow=True`` may return internal memory without copying."""

    def __init__(self, variable, borrow=False):
        if not isinstance(variable, Variable):
            raise TypeError(f"Out() needs a symbolic Variable, got {type(variable).__name__}")
        self.variable = variable
        self.borrow = borrow

    def __repr__(self):
        return f"Out({self.variable}, borrow={self.borrow})"


SymbolicInput = In
SymbolicOutput = Out


class Param(In):
    """Theano's deprecated ``Param(variable, default=...)``: an ``In`` whose ``default`` is its value."""

    def __init__(self, variable, default=None, name=None, mutable=False, strict=False,
                 allow_downcast=None, implicit=None, borrow=None):
        import warnings

        warnings.warn("theano.Param is deprecated: use theano.In(variable, value=...)",
                      DeprecationWarning, stacklevel=2)
        super().__init__(variable, name=name, value=default, mutable=mutable, strict=strict,
                         allow_downcast=allow_downcast, implicit=implicit, borrow=borrow)
