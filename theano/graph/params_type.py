"""Op parameters: ``ParamsType``/``Params`` and the enumeration types ``EnumType``, ``EnumList``,
``CEnumType`` (Theano 1.0's ``theano.gof.params_type`` and ``theano.gof.type``'s enums).

An op that declares ``params_type`` gets its parameters as the last argument of ``perform``::

    class Quadratic(Op):
        __props__ = ('a', 'b', 'c')
        params_type = ParamsType(a=TensorType('float64', ()), b=generic, c=generic)

        def perform(self, node, inputs, output_storage, params):
            x, = inputs
            output_storage[0][0] = params.a * x ** 2 + params.b * x + params.c

``op.get_params(node)`` (default: a ``Params`` of the op's attributes named like the fields)
gives the value, checked by ``params_type.filter`` (see ``theano.graph.op``).
"""

import hashlib

import numpy as np

from theano.graph.type import Type


def _value_key(value):
    """A hashable stand-in for a field value (arrays by dtype, shape and bytes)."""
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.shape,
                hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest())
    if isinstance(value, np.generic):
        return ("scalar", str(value.dtype), value.item())
    try:
        hash(value)
        return value
    except TypeError:
        return ("id", id(value))


def _values_equal(a, b):
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))
    return a == b


class Params(dict):
    """The values of a ``ParamsType``'s fields: ``Params(params_type, field=value, ...)``, read as
    attributes (``params.a``) or items. Equal (and hashed alike) when the types are equal and
    every field value is equal (arrays: same dtype, shape and elements)."""

    def __init__(self, params_type, **kwargs):
        if not isinstance(params_type, ParamsType):
            raise TypeError(f"Params: the first argument must be a ParamsType, got "
                            f"{type(params_type).__name__}")
        missing = [f for f in params_type.fields if f not in kwargs]
        extra = [k for k in kwargs if k not in params_type.fields]
        if missing or extra:
            raise TypeError(f"Params of {params_type}: fields {params_type.fields} expected; "
                            f"missing {missing}, unknown {extra}")
        super().__init__(**kwargs)
        self.__dict__["__params_type__"] = params_type
        self.__dict__["__signatures__"] = None

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"Params of {self.__params_type__} has no field {key!r}") from None

    def __setattr__(self, key, value):
        raise AttributeError("Params are read-only")

    def __setitem__(self, key, value):
        if key in self:
            raise TypeError("Params are read-only")
        super().__setitem__(key, value)

    def __reduce__(self):
        return (_rebuild_params, (self.__params_type__, dict(self)))

    def __repr__(self):
        return "Params(%s)" % ", ".join(f"{f}:{self[f]!r}" for f in self.__params_type__.fields)

    def __eq__(self, other):
        return (isinstance(other, Params) and self.__params_type__ == other.__params_type__
                and all(_values_equal(self[f], other[f]) for f in self.__params_type__.fields))

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self.__params_type__,)
                    + tuple(_value_key(self[f]) for f in self.__params_type__.fields))


def _rebuild_params(params_type, values):
    return Params(params_type, **values)


class ParamsType(Type):
    """The type of an op's parameters: named fields, each of a Type (``ParamsType(a=TensorType(
    'float64', ()), b=generic)``); its values are ``Params``. Fields are kept sorted by name.
    The constants of enumeration fields (``EnumType``/``EnumList``/``CEnumType``) are attributes
    of the ParamsType too (``params_type.A``), so they must not clash with each other or with
    the enums' aliases (AttributeError)."""

    def __init__(self, **kwargs):
        if not kwargs:
            raise TypeError("ParamsType needs at least one field")
        for name, t in kwargs.items():
            if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
                raise AttributeError(f"ParamsType: field name {name!r} must be an identifier "
                                     "not starting with an underscore")
            if not isinstance(t, Type):
                raise TypeError(f"ParamsType: field {name!r} must be a Type, got {t!r}")
        self.fields = tuple(sorted(kwargs))
        self.types = tuple(kwargs[f] for f in self.fields)
        self.length = len(self.fields)
        self.name = "ParamsType<%s>" % ", ".join(f"{f}:{t}" for f, t in zip(self.fields, self.types))
        self.__const_to_enum = {}
        self.__alias_to_enum = {}
        for t in self.types:
            if isinstance(t, EnumType):
                for const in t:
                    if const in self.__const_to_enum or const in self.__alias_to_enum:
                        raise AttributeError(f"ParamsType: enum constant {const!r} is defined "
                                             "twice among the enumeration fields")
                    self.__const_to_enum[const] = t
                for alias in t.aliases:
                    if alias in self.__alias_to_enum or alias in self.__const_to_enum:
                        raise AttributeError(f"ParamsType: enum alias {alias!r} clashes with "
                                             "another constant or alias")
                    self.__alias_to_enum[alias] = t
        clash = set(self.__alias_to_enum) & set(self.__const_to_enum)
        if clash:
            raise AttributeError(f"ParamsType: enum aliases {sorted(clash)} are also constant names")

    def __getattr__(self, key):
        consts = self.__dict__.get("_ParamsType__const_to_enum", {})
        if key in consts:
            return consts[key][key]
        raise AttributeError(f"{self.__dict__.get('name', 'ParamsType')} has no attribute {key!r}")

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return type(self) is type(other) and self.fields == other.fields and \
            self.types == other.types

    def __hash__(self):
        return hash((type(self), self.fields, self.types))

    # -- fields and enums -----------------------------------------------------------------------
    def has_type(self, t):
        return t in self.types

    def get_type(self, field_name):
        return self.types[self.fields.index(field_name)]

    def get_field(self, field_type):
        return self.fields[self.types.index(field_type)]

    def get_enum(self, key):
        """The value of the enumeration constant ``key``."""
        return self.__const_to_enum[key][key]

    def enum_from_alias(self, alias):
        """The value of the enumeration constant named or aliased ``alias``."""
        if alias in self.__alias_to_enum:
            return self.__alias_to_enum[alias].fromalias(alias)
        if alias in self.__const_to_enum:
            return self.__const_to_enum[alias][alias]
        raise AttributeError(f"{self.name}: no enumeration constant or alias {alias!r}")

    def get_params(self, *objects, **kwargs):
        """A Params of this type: each field from ``kwargs`` or else from the first of
        ``objects`` that has an attribute of that name (an op: ``get_params(self)``)."""
        values = {}
        for f in self.fields:
            if f in kwargs:
                values[f] = kwargs[f]
                continue
            for o in objects:
                if hasattr(o, f):
                    values[f] = getattr(o, f)
                    break
            else:
                raise AttributeError(f"{self.name}.get_params: no value for field {f!r}")
        return self.filter(Params(self, **values), strict=False, allow_downcast=True)

    # -- values ---------------------------------------------------------------------------------
    def filter(self, data, strict=False, allow_downcast=None):
        if strict and not isinstance(data, Params):
            raise TypeError(f"{self.name}: strict filter expects a Params, got "
                            f"{type(data).__name__}")
        if isinstance(data, Params) and data.__params_type__ != self:
            if strict or set(data.__params_type__.fields) != set(self.fields):
                raise TypeError(f"{self.name}: got Params of another type, "
                                f"{data.__params_type__}")
        values = {}
        for f, t in zip(self.fields, self.types):
            try:
                value = data[f] if isinstance(data, dict) else getattr(data, f)
            except (KeyError, AttributeError):
                raise TypeError(f"{self.name}: the value has no field {f!r}") from None
            try:
                values[f] = t.filter(value, strict=strict, allow_downcast=allow_downcast)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{self.name}: field {f!r}: {exc}") from None
        return Params(self, **values)

    def values_eq(self, a, b):
        return all(t.values_eq(a[f], b[f]) for f, t in zip(self.fields, self.types))

    def values_eq_approx(self, a, b):
        return all(t.values_eq_approx(a[f], b[f]) for f, t in zip(self.fields, self.types))


def _is_constant_name(name):
    return (isinstance(name, str) and name.isidentifier() and not name.startswith("_")
            and name == name.upper())


class EnumType(Type, dict):
    """A type whose values are named constants (ints, floats or bools): ``EnumType(A=1, B=2)``;
    a constant may have an alias, ``EnumType(A=(1, 'alpha'))``. It is a dict of the constants
    (``e['A']``), which are also attributes (``e.A``). ``ctype`` names the C type Theano used
    ('int' by default; kept as information). Values are checked by ``filter``: one of the
    constants' values (``strict``: with the same Python type)."""

    def __init__(self, **kwargs):
        ctype = kwargs.pop("ctype", "int")
        if not isinstance(ctype, str):
            raise TypeError(f"EnumType: ctype must be a string, got {ctype!r}")
        self.ctype = ctype
        aliases = {}
        constants = {}
        for name, value in kwargs.items():
            if not _is_constant_name(name):
                raise AttributeError(f"{type(self).__name__}: constant name {name!r} must be an "
                                     "upper-case identifier not starting with an underscore")
            alias = None
            if isinstance(value, tuple):
                strs = [v for v in value if isinstance(v, str)]
                nums = [v for v in value if not isinstance(v, str)]
                if len(value) != 2 or len(strs) != 1 or len(nums) != 1:
                    raise TypeError(f"EnumType: constant {name!r} must be a number or a "
                                    f"(number, alias) pair, got {value!r}")
                alias, value = strs[0], nums[0]
            if not isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_)):
                raise TypeError(f"EnumType: constant {name!r} must be a number or a bool, got "
                                f"{value!r}")
            constants[name] = value
            if alias is not None:
                if alias in aliases or alias in kwargs:
                    raise TypeError(f"EnumType: alias {alias!r} is used twice or is a constant name")
                aliases[alias] = name
        dict.__init__(self, constants)
        self.aliases = aliases

    def __getattr__(self, key):
        if key in self:
            return self[key]
        raise AttributeError(f"{type(self).__name__} has no constant {key!r}")

    def __setattr__(self, key, value):
        if key in self:
            raise AttributeError(f"{type(self).__name__}: constant {key!r} cannot be changed")
        object.__setattr__(self, key, value)

    def __setitem__(self, key, value):
        raise TypeError(f"{type(self).__name__} constants cannot be changed")

    def __delitem__(self, key):
        raise TypeError(f"{type(self).__name__} constants cannot be removed")

    def __repr__(self):
        names = ", ".join(f"{k}:{v}" + (f"({a})" if a else "")
                          for k, v in sorted(self.items(), key=lambda kv: kv[0])
                          for a in [self._alias_of(k)])
        return f"{type(self).__name__}<{self.ctype}>({names})"

    __str__ = __repr__

    def _alias_of(self, name):
        for a, n in self.aliases.items():
            if n == name:
                return a
        return None

    def __eq__(self, other):
        return (type(self) is type(other) and self.ctype == other.ctype
                and dict(self) == dict(other) and self.aliases == other.aliases)

    def __ne__(self, other):     # dict's own __ne__ would ignore the aliases and ctype
        return not self == other

    def __hash__(self):
        return hash((type(self), self.ctype, tuple(sorted(self.items())),
                     tuple(sorted(self.aliases.items()))))

    def get_aliases(self):
        """The aliases, sorted."""
        return tuple(sorted(self.aliases))

    def has_alias(self, alias):
        return alias in self.aliases

    def fromalias(self, alias):
        """The value of the constant with this alias (or this name)."""
        if alias in self.aliases:
            return self[self.aliases[alias]]
        if alias in self:
            return self[alias]
        raise KeyError(f"{type(self).__name__}: no constant or alias {alias!r}")

    def filter(self, data, strict=False, allow_downcast=None):
        """A constant's value: ``data`` itself when it is one (``strict``: of the same Python
        type too), or the value of the constant named or aliased ``data`` (a string)."""
        values = list(self.values())
        if isinstance(data, str):
            try:
                return self.fromalias(data)
            except KeyError:
                raise TypeError(f"{self}: {data!r} names none of its constants or aliases "
                                f"{sorted(self)} / {sorted(self.aliases)}") from None
        if strict:
            if not any(type(data) is type(v) and data == v for v in values):
                raise TypeError(f"{self}: {data!r} is not one of its constants {values}")
            return data
        if isinstance(data, (bool, int, float, np.integer, np.floating, np.bool_)) and \
                any(data == v for v in values):
            return data
        raise TypeError(f"{self}: {data!r} is not one of its constants {values}")

    def values_eq(self, a, b):
        return a == b


class EnumList(EnumType):
    """An EnumType whose constants are numbered 0, 1, 2, ... in the order given:
    ``EnumList('A', 'B', ('C', 'gamma'))`` (a ``(name, alias)`` pair gives an alias)."""

    def __init__(self, *args, **kwargs):
        ctype = kwargs.pop("ctype", "int")
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments {sorted(kwargs)}")
        consts = {}
        self_order = []
        for i, arg in enumerate(args):
            if isinstance(arg, tuple):
                if len(arg) != 2 or not all(isinstance(a, str) for a in arg):
                    raise TypeError(f"{type(self).__name__}: a (name, alias) pair of strings "
                                    f"expected, got {arg!r}")
                name, alias = arg
                consts[name] = (i, alias)
            elif isinstance(arg, str):
                name = arg
                consts[name] = i
            else:
                raise TypeError(f"{type(self).__name__}: constant names must be strings, got "
                                f"{arg!r}")
            if name in self_order:
                raise TypeError(f"{type(self).__name__}: constant {name!r} given twice")
            self_order.append(name)
        super().__init__(ctype=ctype, **consts)
        object.__setattr__(self, "order", tuple(self_order))


class CEnumType(EnumList):
    """Theano's enumeration of C constants (``CEnumType('CUDNN_A', 'CUDNN_B', ctype=...)``):
    there is no C here, so in Python (where Theano also used them) the constants are numbered
    0, 1, ... as in ``EnumList``."""


__all__ = ["Params", "ParamsType", "EnumType", "EnumList", "CEnumType"]
