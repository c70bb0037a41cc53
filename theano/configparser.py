"""Theano 1.0's ``theano.configparser``: the config object, and how a library adds flags of its own.

A library adds a flag with ``AddConfigVar(name, doc, configparam)``; ``configparam`` says the
default and how values are checked (``ConfigParam(default, filter)``, or ``StrParam``,
``IntParam``, ``FloatParam``, ``BoolParam``, ``EnumStr``, ``TypedParam``). The flag then reads
and sets as any other (``theano.config.mylib.option``, dots making sections), and takes its value
from ``THEANO_FLAGS`` or ``~/.theanorc`` when they set it: the flags that no flag known at import
took wait in ``THEANO_FLAGS_DICT`` (and the ``~/.theanorc`` ones beside it) until a flag of that
name is added, which removes them. A default is checked when the flag is added only if nothing
overrides it, so a bad default that the user replaces does no harm (as in Theano 1.0).
"""

from theano.configdefaults import PENDING_FLAGS, TheanoConfig, change_flags, config
from theano.configdefaults import ConfigParam as _Flag

__all__ = ["config", "change_flags", "TheanoConfig", "AddConfigVar", "ConfigParam", "EnumStr",
           "TypedParam", "StrParam", "IntParam", "FloatParam", "BoolParam", "THEANO_FLAGS_DICT"]

# Theano 1.0's name: THEANO_FLAGS entries waiting for their flag (dotted name -> value as written)
THEANO_FLAGS_DICT = PENDING_FLAGS["THEANO_FLAGS"]
_RC_PENDING = PENDING_FLAGS["~/.theanorc"]


class ConfigParam:
    """A flag's default and its check (Theano 1.0's): ``filter(value)`` returns the value to
    keep or raises ValueError/TypeError; ``default`` may be a callable, called when the flag is
    added. With ``allow_override=False`` the value cannot change after that."""

    def __init__(self, default, filter=None, allow_override=True):
        self.default = default
        self.filter = filter
        self.allow_override = allow_override
        self.fullname = None     # set by AddConfigVar
        self.doc = None

    def convert(self, value):
        return self.filter(value) if self.filter is not None else value


class EnumStr(ConfigParam):
    """A string among ``default`` and ``options`` (``EnumStr('a', 'b', 'c')``); ``convert``
    (a keyword argument) may turn a value into one of them first."""

    def __init__(self, default, *options, **kwargs):
        self.all = (default,) + options
        for v in self.all:
            if not isinstance(v, str):
                raise ValueError(f"EnumStr: every option must be a string, got {v!r}")
        convert = kwargs.get("convert")

        def check(value):
            if convert is not None:
                value = convert(value)
            if value in self.all:
                return value
            raise ValueError(f"Invalid value {value!r} for configuration variable "
                             f"{self.fullname}; valid options are {self.all}")

        super().__init__(default, check, allow_override=kwargs.get("allow_override", True))


class TypedParam(ConfigParam):
    """A value of type ``mytype`` (a callable converting the text of THEANO_FLAGS too), valid
    when ``is_valid(value)`` is true (when given)."""

    def __init__(self, default, mytype, is_valid=None, allow_override=True):
        self.mytype = mytype

        def check(value):
            try:
                cast = mytype(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"Invalid value {value!r} for configuration variable "
                                 f"{self.fullname}: not a {getattr(mytype, '__name__', mytype)}"
                                 ) from exc
            if is_valid is not None and not is_valid(cast):
                raise ValueError(f"Invalid value {cast!r} for configuration variable "
                                 f"{self.fullname}")
            return cast

        super().__init__(default, check, allow_override=allow_override)


def StrParam(default, is_valid=None, allow_override=True):
    return TypedParam(default, str, is_valid, allow_override=allow_override)


def IntParam(default, is_valid=None, allow_override=True):
    return TypedParam(default, int, is_valid, allow_override=allow_override)


def FloatParam(default, is_valid=None, allow_override=True):
    return TypedParam(default, float, is_valid, allow_override=allow_override)


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if value in (0, 1) and not isinstance(value, str):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise ValueError(f"{value!r} is not a boolean (True, False, 1, 0)")


def BoolParam(default, is_valid=None, allow_override=True):
    return TypedParam(default, _to_bool, is_valid, allow_override=allow_override)


def AddConfigVar(name, doc, configparam, root=config, in_c_key=True):
    """Add the flag ``name`` (dots make sections: ``'mylib.option'`` reads as
    ``theano.config.mylib.option``) described by ``doc``, with ``configparam``'s default and
    check. Its value: THEANO_FLAGS's, else ``~/.theanorc``'s, else the default; each goes
    through the check, whose ValueError/TypeError is raised here. ``in_c_key`` is accepted (no C
    code here). A name already in use is an AttributeError."""
    if not isinstance(name, str) or not name or name.startswith(".") or name.endswith("."):
        raise ValueError(f"AddConfigVar: the flag name must be a dotted string, got {name!r}")
    if not isinstance(configparam, ConfigParam):
        raise TypeError(f"AddConfigVar({name!r}): configparam must be a theano.configparser."
                        f"ConfigParam (or EnumStr, StrParam, ...), got {configparam!r}")
    if root is not config:
        raise ValueError("AddConfigVar: root must be theano.config")
    key = name.replace(".", "__")
    if key in object.__getattribute__(config, "_params"):
        raise AttributeError(f"AddConfigVar: the flag {name!r} already exists")
    configparam.fullname = name
    configparam.doc = doc
    if name in THEANO_FLAGS_DICT:
        value = THEANO_FLAGS_DICT[name]
    elif name in _RC_PENDING:
        value = _RC_PENDING[name]
    else:
        value = configparam.default() if callable(configparam.default) else configparam.default
    value = configparam.convert(value)          # a ValueError here leaves nothing added
    THEANO_FLAGS_DICT.pop(name, None)
    _RC_PENDING.pop(name, None)
    flag = _Flag(key, value, doc, validate=configparam.convert,
                 allow_override=configparam.allow_override)
    config._add_param(flag, value)
    return configparam
