"""TypedListType: the type of Python lists whose elements all have one type (Theano 1.0's
``theano.typed_list.type``).

``TypedListType(ttype)`` holds lists of values of ``ttype`` (a tensor type, a sparse type, ...);
``TypedListType(ttype, depth=d)`` is a list of lists nested ``d`` levels deep, the innermost
holding values of ``ttype``.
"""

from theano.graph.type import Type


class TypedListType(Type):
    """Values are Python lists of values of ``ttype`` (nested ``depth`` levels deep).

    ``filter`` takes a list or a tuple and filters each element with the element type, so a
    float32 array given for a float64 list becomes a float64 array as an argument would; anything
    else raises a TypeError that says what was expected and what came.
    """

    def __init__(self, ttype, depth=0):
        if depth < 0:
            raise ValueError(f"TypedListType: depth must be 0 or more, got {depth}")
        if not isinstance(ttype, Type):
            raise TypeError(f"TypedListType: the element type must be a Theano type (a TensorType, "
                            f"SparseType or TypedListType), got {ttype!r}")
        self.ttype = ttype if depth == 0 else TypedListType(ttype, depth - 1)

    # -- values ---------------------------------------------------------------------------------
    def filter(self, data, strict=False, allow_downcast=None):
        if strict and not isinstance(data, list) or not isinstance(data, (list, tuple)):
            raise TypeError(f"{self} holds Python lists{'' if strict else ' (or tuples)'}, got "
                            f"{type(data).__name__} {_short(data)}")
        out = []
        for k, item in enumerate(data):
            try:
                out.append(self.ttype.filter(item, strict=strict, allow_downcast=allow_downcast))
            except (TypeError, ValueError) as e:
                raise TypeError(f"{self}: element {k} is not a value of {self.ttype} "
                                f"(got {type(item).__name__} {_short(item)}): {e}") from e
        return out

    def values_eq(self, a, b):
        return len(a) == len(b) and all(self.ttype.values_eq(x, y) for x, y in zip(a, b))

    def values_eq_approx(self, a, b):
        return len(a) == len(b) and all(self.ttype.values_eq_approx(x, y) for x, y in zip(a, b))

    def data_signature(self, data):
        return ("typed_list", tuple(self.ttype.data_signature(x) for x in data))

    def may_share_memory(self, a, b):
        return a is b

    # -- symbolic -------------------------------------------------------------------------------
    def convert_variable(self, var):
        """``var`` itself when it has this type; None otherwise (a list is never recast: its
        elements would need a copy)."""
        if var.type == self:
            return var
        return None

    def get_depth(self):
        """How many list levels lie above the element type (0 for a flat list)."""
        return self.ttype.get_depth() + 1 if isinstance(self.ttype, TypedListType) else 0

    def __eq__(self, other):
        return type(self) is type(other) and self.ttype == other.ttype

    def __hash__(self):
        return hash((type(self), self.ttype))

    def __str__(self):
        return f"TypedList <{self.ttype}>"

    __repr__ = __str__

    # -- gradients (theano.gradient asks a non-tensor type for these) -----------------------------
    def zeros_like_gradient(self, var):
        from theano.typed_list.basic import zeros_like_list

        return zeros_like_list(var)

    def fit_gradient(self, var, g):
        if g.type == var.type:
            return g
        raise TypeError(f"the gradient of {var} ({var.type}) has type {g.type}: an op's grad is wrong")

    def sum_gradients(self, terms):
        from theano.typed_list.basic import ListAdd

        return ListAdd()(*terms)


def _short(x):
    s = repr(x)
    return s if len(s) <= 80 else s[:77] + "..."


__all__ = ["TypedListType"]
