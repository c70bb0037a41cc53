"""Shared variables: symbolic variables with a value that lives between function calls."""

import copy

import numpy as np

from theano.graph.basic import Variable
from theano.graph.type import generic


class Container:
    """The storage cell of a shared variable (or of a function input's default value / state);
    every function that uses it reads it. ``storage`` is a one-item list holding the value (as in
    Theano 1.0); ``value`` and ``data`` read and write that item."""

    __slots__ = ("storage", "type", "strict", "allow_downcast", "name")

    def __init__(self, value, type, strict=False, allow_downcast=None, name=None):
        self.storage = [value]
        self.type = type
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.name = name

    @property
    def value(self):
        return self.storage[0]

    @value.setter
    def value(self, v):
        self.storage[0] = v

    data = value

    def __getstate__(self):
        return {s: getattr(self, s) for s in self.__slots__}

    def __setstate__(self, state):
        if "value" in state:  # pickled before ``storage`` existed
            state = dict(state)
            state["storage"] = [state.pop("value")]
        for k, v in state.items():
            setattr(self, k, v)

    def __repr__(self):
        return f"<Container {self.name or ''}: {self.storage[0]!r}>"


class BadValueError(TypeError, ValueError):
    """A value a shared variable's type cannot hold (a TypeError here, a ValueError in Theano 1.0
    for values that do not convert, such as a string for a float vector: both are caught)."""


class SharedVariable(Variable):
    """A variable whose value is kept in a container shared by all functions that use it.

    ``default_update``, if set, is an expression used as the update of this variable by every
    function that uses it and does not update it explicitly (random streams use this).
    """

    _is_shared = True

    def __init__(self, name, type, value, strict, allow_downcast=None, container=None):
        super().__init__(type=type, owner=None, index=None, name=name)
        if container is not None:
            self.container = container
        else:
            self.container = Container(type.filter(value, strict=strict, allow_downcast=allow_downcast),
                                       type, strict, allow_downcast, name)

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value; a copy unless ``borrow=True``."""
        v = self.container.value
        if borrow:
            return v
        return copy.deepcopy(v) if not isinstance(v, np.ndarray) else v.copy()

    def set_value(self, new_value, borrow=False):
        """Set the value (converted to this variable's type); copied unless ``borrow=True``."""
        try:
            v = self.type.filter(new_value, strict=self.container.strict,
                                 allow_downcast=self.container.allow_downcast)
        except (TypeError, ValueError) as exc:
            raise BadValueError(f"set_value of shared variable {self.name or self}: {exc}") from None
        if not borrow and v is new_value:
            v = v.copy() if isinstance(v, np.ndarray) else copy.deepcopy(v)
        self.container.value = v

    @property
    def value(self):
        return self.get_value(borrow=True)

    def zero(self, borrow=False):
        v = self.container.value
        self.container.value = np.zeros_like(v) if isinstance(v, np.ndarray) else type(v)()

    def clone(self):
        cp = self.__class__.__new__(self.__class__)
        cp.__dict__.update(self.__dict__)
        cp.owner = None
        cp.index = None
        cp.__dict__.pop("_fn_cache", None)
        return cp

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fn_cache", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        old = self.__dict__.get("container")
        if old is not None and not isinstance(old, Container):
            # Theano 1.0 pickled shared variables with its theano.gof.link.Container: keep its
            # storage list (shared with the functions of the same pickle) in one of ours
            storage = getattr(old, "storage", None) or [None]
            cont = Container(None, self.type, bool(getattr(old, "strict", False)),
                             getattr(old, "allow_downcast", None), getattr(old, "name", self.name))
            if storage[0] is not None:
                storage[0] = self.type.filter(storage[0])
            cont.storage = storage
            self.container = cont


_constructors = []
_constructor_loaders = []


def shared_constructor(ctor, remove=False):
    """Register a function ``ctor(value, name, strict, allow_downcast, borrow, **kw)`` for shared().

    ``shared(value)`` tries the registered constructors, the most recently registered first; a
    constructor raises TypeError for a value it does not take. Usable as a decorator (Theano 1.0's
    ``theano.compile.shared_constructor``); ``remove=True`` unregisters ``ctor``.
    """
    if remove:
        _constructors.remove(ctor)
    else:
        _constructors.append(ctor)
    return ctor


def register_constructor_loader(loader):
    """Register ``loader(value)``, asked when no registered constructor takes ``value``.

    A loader imports the package whose constructor handles values like ``value`` (importing it
    registers the constructor) and returns True, or returns False for other values. This lets a
    higher layer provide constructors without being imported before its first use: the package
    ``theano`` loads ``theano.sparse`` (and so scipy) for the first scipy.sparse value.
    """
    _constructor_loaders.append(loader)
    return loader


def _construct(value, kwargs):
    for ctor in reversed(_constructors):
        try:
            var = ctor(value, **kwargs)
        except TypeError:
            continue
        if var is not None:
            return var
    return None


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, **kwargs):
    """Make a shared variable holding ``value`` (an ndarray, a Python or NumPy number, ...).

    The value is copied unless ``borrow=True``. ``strict=True`` refuses later values of another
    dtype in ``set_value``. Extra keyword arguments (like ``broadcastable``) go to the constructor.
    """
    if isinstance(value, Variable):
        raise TypeError(
            f"theano.shared needs a value, not a symbolic variable ({value}). To make a shared "
            "variable from an expression's value, evaluate it first: theano.shared(expr.eval())."
        )
    ctor_kwargs = dict(kwargs, name=name, strict=strict, allow_downcast=allow_downcast, borrow=borrow)
    var = _construct(value, ctor_kwargs)
    if var is None and any(loader(value) for loader in _constructor_loaders):
        var = _construct(value, ctor_kwargs)
    if var is not None:
        return var
    if kwargs:
        raise TypeError(f"theano.shared: unexpected arguments {sorted(kwargs)} for a {type(value).__name__}")
    return SharedVariable(name, generic, value if borrow else copy.deepcopy(value), strict,
                          allow_downcast)
