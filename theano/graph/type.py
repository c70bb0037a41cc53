"""Type: what values a Variable may hold, and how user values are checked and converted."""

from theano.configdefaults import config
from theano.graph.basic import Constant, Variable
from theano.graph.utils import user_stack


class Type:
    """Base class of types. Subclasses define ``filter`` and equality (``__eq__``/``__hash__``)."""

    variable_type = Variable
    constant_type = Constant

    def filter(self, data, strict=False, allow_downcast=None):
        """Return ``data`` converted to a valid value of this type, or raise TypeError."""
        raise NotImplementedError

    def filter_variable(self, other):
        """Convert a symbolic ``other`` to this type or raise TypeError."""
        if not isinstance(other, Variable):
            other = self.constant_type(type=self, data=other)
        if other.type == self:
            return other
        conv = self.convert_variable(other)
        if conv is None:
            raise TypeError(f"Cannot convert {other} of type {other.type} to {self}")
        return conv

    def convert_variable(self, var):
        """Return ``var`` expressed as this type if that is safe, else None."""
        if var.type == self:
            return var
        return None

    def is_valid_value(self, data):
        try:
            self.filter(data, strict=True)
            return True
        except (TypeError, ValueError):
            return False

    def make_variable(self, name=None):
        return self.variable_type(self, None, None, name)

    def make_constant(self, value, name=None):
        return self.constant_type(type=self, data=value, name=name)

    def __call__(self, name=None):
        var = self.make_variable(name)
        # Theano 1.0's ``var.tag.trace``: where the user made it (config.traceback.limit frames)
        limit = config.traceback__limit
        if limit != 0:
            var.__dict__["_creation_stack"] = user_stack(limit)
        return var

    def values_eq(self, a, b):
        return a == b

    def values_eq_approx(self, a, b):
        return self.values_eq(a, b)

    def data_signature(self, data):
        return data

    def clone(self):
        return self


class Generic(Type):
    """A type whose values are any Python object (used for op parameters and bookkeeping)."""

    def filter(self, data, strict=False, allow_downcast=None):
        return data

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "GenericType"

    def data_signature(self, data):
        try:
            hash(data)
            return data
        except TypeError:
            return id(data)


generic = Generic()

# Theano 1.0's name of the base of types without C code
PureType = Type


class SingletonType(Type):
    """A type of which all instances are equal (Theano 1.0's ``gof.type.SingletonType``):
    subclass it for a type with no parameters."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return type(self).__name__


def __getattr__(name):
    # Theano 1.0's ``theano.gof.type.EnumType``/``EnumList``/``CEnumType`` (in params_type.py)
    if name in ("EnumType", "EnumList", "CEnumType"):
        from theano.graph import params_type

        return getattr(params_type, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
