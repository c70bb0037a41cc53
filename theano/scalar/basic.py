"""Scalar operations: the per-element functions that Elemwise maps over arrays.

A ScalarOp knows

- its arity and its output dtype rule (Theano's upcasting rules, see ``upcast``);
- ``impl``: the NumPy (or SciPy) function applied to whole arrays;
- ``grad(inputs, output_grads)``: the gradient, written with scalar ops applied to the variables it is
  given (Elemwise calls it with tensors, and sums each result over broadcast dimensions);
- and nothing of any backend: the native backend's scalar kernels are its own table
  (``theano/link/numba/kernels.py``), the JAX backend's are in ``theano/link/jax/dispatch.py``.

Scalar ops carry no Type of their own and this module imports nothing above the graph layer. A fused
``Composite`` (theano/tensor/rewriting/composite.py) keeps an inner graph of Elemwise nodes on 0-d
tensors, which runs as is on NumPy arrays and can be compiled to a scalar kernel.
"""

import inspect

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply, Variable
from theano.graph.null_type import grad_not_implemented, grad_undefined
from theano.graph.op import _test_value_mode, compute_test_values
from theano.graph.utils import MethodNotDefined

# ---------------------------------------------------------------------------------------------
# dtype rules
# ---------------------------------------------------------------------------------------------

int_dtypes = ("int8", "int16", "int32", "int64")
uint_dtypes = ("uint8", "uint16", "uint32", "uint64")
float_dtypes = ("float16", "float32", "float64")
complex_dtypes = ("complex64", "complex128")
integer_dtypes = int_dtypes + uint_dtypes
discrete_dtypes = ("bool",) + integer_dtypes
continuous_dtypes = float_dtypes + complex_dtypes
all_dtypes = discrete_dtypes + continuous_dtypes


def upcast(*dtypes):
    """The dtype NumPy's type promotion gives for ``dtypes`` (Theano's rule, ``int8+float32=float32``)."""
    res = np.dtype(dtypes[0])
    for d in dtypes[1:]:
        res = np.promote_types(res, d)
    return str(res)


_TO_FLOAT = {
    "bool": "float32", "int8": "float32", "int16": "float32", "uint8": "float32",
    "uint16": "float32", "int32": "float64", "int64": "float64", "uint32": "float64",
    "uint64": "float64",
}


def upgrade_to_float(*dtypes):
    """Integer dtypes become the smallest float that holds them exactly (int8 -> float32).

    Given Scalar types (Theano 1.0's ``output_types_preference=upgrade_to_float``), the one-tuple
    of the Scalar type of their upcast, upgraded."""
    if len(dtypes) == 1 and isinstance(dtypes[0], str):
        return _TO_FLOAT.get(dtypes[0], dtypes[0])
    from theano.scalar.type import get_scalar_type

    out = upcast(*[str(getattr(t, "dtype", t)) for t in dtypes])
    return (get_scalar_type(_TO_FLOAT.get(out, out)),)


def rule_upcast(*dtypes):
    return (upcast(*dtypes),)


def rule_upcast_nobool(*dtypes):
    out = upcast(*dtypes)
    return ("int8" if out == "bool" else out,)


def rule_float(*dtypes):
    return (upgrade_to_float(upcast(*dtypes)),)


def rule_float_no_complex(*dtypes):
    out = upgrade_to_float(upcast(*dtypes))
    if out in complex_dtypes:
        raise TypeError("this operation is not defined for complex inputs")
    return (out,)


def rule_same(*dtypes):
    return (dtypes[0],)


def rule_bool(*dtypes):
    return ("bool",)


def rule_int_only(*dtypes):
    out = upcast(*dtypes)
    if out not in discrete_dtypes:
        raise TypeError(f"this operation needs integer or bool inputs, got {', '.join(dtypes)}")
    return (out,)


def rule_true_div(*dtypes):
    if all(d in discrete_dtypes for d in dtypes):
        return (config.floatX,)
    return (upcast(*dtypes),)


def rule_switch(cond, a, b):
    return (upcast(a, b),)


def rule_transfer_first_real(*dtypes):
    d = dtypes[0]
    return ({"complex64": "float32", "complex128": "float64"}.get(d, d),)


# ---------------------------------------------------------------------------------------------
# ScalarOp
# ---------------------------------------------------------------------------------------------


# A scalar op's ``grad(inputs, output_grads)`` is written in this module's own words: scalar ops
# applied to the variables it is given (``exp(x)`` is the op ``exp`` applied elementwise to ``x``),
# Python numbers, the arithmetic operators of those variables, and the typed constants of
# ``_const``/``_zeros_like``. Scalar ops have no variables of their own: the layer that maps them
# over arrays installs how one is applied to its variables (``set_elementwise_apply``; Elemwise, in
# theano/tensor/elemwise.py, installs itself) and calls ``grad`` with its variables. So gradients
# are written once, here, without this module knowing what a tensor is.
_elementwise_apply = None


def set_elementwise_apply(apply):
    """Install ``apply(scalar_op, *variables)``: ``scalar_op`` applied elementwise to variables."""
    global _elementwise_apply
    _elementwise_apply = apply


def _is_scalar_graph_call(inputs):
    """Whether ``inputs`` make a node of a scalar graph: at least one variable, and every variable
    of a ``Scalar`` type (numbers beside them become scalar constants)."""
    seen = False
    for i in inputs:
        if isinstance(i, Variable):
            if not isinstance(i.type, _ScalarType):
                return False
            seen = True
        elif isinstance(i, np.ndarray) and i.ndim != 0:
            return False
    return seen


class SignatureIdentity:
    """Equality and hash by ``self._signature`` (set by the class): the composite scalar ops
    (theano.scalar.Composite and the fusion rewrite's) built from equal graphs are equal."""

    def _props(self):
        return (self._signature,)

    def __eq__(self, other):
        return type(self) is type(other) and self._signature == other._signature

    def __hash__(self):
        return hash((type(self), self._signature))


class ScalarOp:
    """One elementwise function. Instances are singletons compared by class and parameters.

    Applied to tensors it is mapped over them (``Elemwise``); applied to ``theano.scalar``
    variables it is the op of a node of a scalar graph, as in Theano 1.0."""

    nin = 1
    nout = 1
    dtype_rule = staticmethod(rule_upcast)
    impl_fn = None          # function applied to ndarrays
    compute_in_out_dtype = False  # cast inputs to the output dtype before calling impl_fn
    commutative = False
    associative = False
    identity = None         # neutral element for reductions
    __props__ = ()

    def __init__(self, output_types_preference=None, name=None):
        # Theano 1.0's signature: ``Add(transfer_type(0))``, ``Add(upcast_out, name='add')``;
        # a string alone is the name (``Add("add")``)
        if isinstance(output_types_preference, str) and name is None:
            output_types_preference, name = None, output_types_preference
        if output_types_preference is not None:
            if not callable(output_types_preference):
                raise TypeError(f"{type(self).__name__}: output_types_preference must be a "
                                f"function of the input Scalar types, got {output_types_preference!r}")
            self.output_types_preference = output_types_preference
        self.name = name or type(self).__name__.lower()

    def __init_subclass__(cls, **kwargs):
        # A scalar op written for Theano 1.0 defines ``impl(self, x, y)`` on single values (no
        # ``out_dtypes``), may leave ``nin`` out and may name its output types with
        # ``output_types_preference``: its impl is mapped over the arrays here, and ``nin`` is the
        # number of values impl takes.
        super().__init_subclass__(**kwargs)
        impl = cls.__dict__.get("impl")
        if impl is None:
            return
        params = inspect.signature(impl).parameters
        if "out_dtypes" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return
        positional = [p for p in list(params.values())[1:]
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if all("nin" not in vars(c) for c in cls.__mro__ if c is not ScalarOp and c is not object):
            cls.nin = -1 if any(p.kind is p.VAR_POSITIONAL for p in params.values()) else len(positional)
        cls.impl_on_values = impl
        cls.impl = ScalarOp._impl_by_value

    def _impl_by_value(self, *arrays, out_dtypes=None):
        """``impl_on_values`` (a Theano 1.0 style impl on single values) mapped over ``arrays``."""
        otypes = list(out_dtypes) if out_dtypes else None
        return np.vectorize(lambda *v: self.impl_on_values(*v), otypes=otypes)(*arrays)

    def _props(self):
        props = tuple(getattr(self, a) for a in self.__props__)
        # an output rule given to this instance (``Add(transfer_type(0))``) is part of what it is
        preference = self.__dict__.get("output_types_preference")
        return props if preference is None else props + (preference,)

    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        return hash((type(self), self._props()))

    @property
    def name(self):
        # a subclass whose __init__ does not call ScalarOp.__init__ gets its class name
        return self.__dict__.get("_name") or type(self).__name__.lower()

    @name.setter
    def name(self, value):
        self.__dict__["_name"] = value

    def __str__(self):
        return self.name

    __repr__ = __str__

    def __call__(self, *inputs):
        """This op applied to ``inputs``. Scalar variables (``theano.scalar.float64('x')``, and
        Python numbers beside them) give a node of this op itself whose outputs are scalar
        variables, as in Theano 1.0; otherwise the op is applied elementwise by the layer that
        maps scalar ops over arrays (``Elemwise`` for tensors: how gradients are written)."""
        if _is_scalar_graph_call(inputs):
            node = self.make_node(*inputs)
            if _test_value_mode() != "off":
                compute_test_values(node)      # config.compute_test_value, as for every op
            return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)
        if _elementwise_apply is None:
            raise RuntimeError(f"{self.name}: no layer applies scalar ops to variables yet "
                               "(importing theano.tensor installs Elemwise)")
        return _elementwise_apply(self, *inputs)

    # ---- as the op of a node of a scalar graph (Theano 1.0's ScalarOp is an Op) ----------------
    # The interface of ``theano.graph.op.Op`` (a scalar op is not a subclass of it: the rewrite
    # index files a tracked scalar op class under the Elemwise nodes that map it, see
    # ``rewrite_key``, and a scalar graph's nodes must not be mistaken for those).
    view_map = {}
    destroy_map = {}
    default_output = None
    lazy = False

    def output_types(self, types):
        """The Scalar types of the outputs for inputs of Scalar ``types`` (Theano 1.0's method)."""
        return [_type_module.get_scalar_type(d) for d in self.output_dtypes(*[t.dtype for t in types])]

    def make_node(self, *inputs):
        """The node of this op applied to scalar variables (Python numbers become constants)."""
        converted = []
        for k, inp in enumerate(inputs):
            try:
                converted.append(_type_module.as_scalar(inp))
            except TypeError as exc:
                raise TypeError(f"{self}: input {k} must be a theano.scalar variable or a number, "
                                f"got {inp!r}: {exc}") from None
        if self.nin != -1 and len(converted) != self.nin:
            raise TypeError(f"{self} takes {self.nin} inputs, got {len(converted)}")
        outputs = [t() for t in self.output_types([i.type for i in converted])]
        return Apply(self, converted, outputs)

    def perform(self, node, inputs, output_storage):
        """``impl`` on the input values (NumPy scalars); each output a NumPy scalar of its dtype."""
        out_dtypes = [o.type.dtype for o in node.outputs]
        with np.errstate(all="ignore"):
            result = self.impl(*[np.asarray(v) for v in inputs], out_dtypes=out_dtypes)
        if len(node.outputs) == 1:
            result = (result,)
        for cell, r, d in zip(output_storage, result, out_dtypes):
            r = np.asarray(r)
            if r.shape != ():
                raise ValueError(f"{self}: computed an array of shape {r.shape} for a scalar "
                                 f"output (node {node})")
            cell[0] = r.astype(d, copy=False)[()]

    def infer_shape(self, node, input_shapes):
        return [()] * len(node.outputs)

    def L_op(self, inputs, outputs, output_grads):
        return self.grad(list(inputs), list(output_grads))

    def R_op(self, inputs, eval_points):
        raise MethodNotDefined(f"{type(self).__name__}.R_op")

    def connection_pattern(self, node):
        return [[True] * len(node.outputs) for _ in node.inputs]

    def do_constant_folding(self, node):
        return True

    def rewrite_key(self):
        # a node of a scalar graph is filed under its op's own class only: the rewrites that track
        # a scalar op class are written for the Elemwise nodes mapping it
        return None

    def output_dtypes(self, *dtypes):
        if len(dtypes) != self.nin and self.nin != -1:
            raise TypeError(f"{self} takes {self.nin} inputs, got {len(dtypes)}")
        if type(self).output_types is not ScalarOp.output_types:
            # a Theano 1.0 subclass giving its output types itself
            from theano.scalar.type import get_scalar_type

            outs = self.output_types([get_scalar_type(d) for d in dtypes])
            return tuple(str(getattr(o, "dtype", o)) for o in outs)
        preference = getattr(self, "output_types_preference", None)
        if preference is not None:
            # Theano 1.0's form: a function of the input Scalar types returning the output types
            from theano.scalar.type import get_scalar_type

            outs = preference(*[get_scalar_type(d) for d in dtypes])
            return tuple(str(getattr(o, "dtype", o)) for o in outs)
        return self.dtype_rule(*dtypes)

    def impl(self, *arrays, out_dtypes=None):
        if self.compute_in_out_dtype and out_dtypes is not None:
            od = out_dtypes[0]
            arrays = [a.astype(od) if a.dtype != od else a for a in arrays]
        return self.impl_fn(*arrays)

    def grad(self, inputs, output_grads):
        raise NotImplementedError(f"gradient of {self.name} is not implemented")

    def is_discrete_output(self, dtype):
        return dtype in discrete_dtypes


class UnaryScalarOp(ScalarOp):
    """Theano 1.0's base of one-input scalar ops written by users:
    ``__init__(output_types_preference=None, name=None)``, then an ``impl(self, x)``."""

    nin = 1


class BinaryScalarOp(UnaryScalarOp):
    """Theano 1.0's base of two-input scalar ops written by users (see ``UnaryScalarOp``)."""

    nin = 2


def _const(value, dtype):
    """A constant of ``dtype`` (a 0-d array; applying an op to it makes it a constant variable)."""
    return np.asarray(value, dtype=dtype)


def _zeros_like(x, dtype=None):
    """Zeros with the shape of ``x`` (``second(x, 0)``)."""
    return second(x, _const(0, dtype or x.dtype))


def _cast(x, dtype):
    """``x`` as ``dtype`` (``x`` itself when it has it)."""
    if x.dtype == dtype:
        return x
    if x.dtype in complex_dtypes and dtype not in complex_dtypes:
        raise TypeError(f"Casting {x} from complex to {dtype} is ambiguous: use real, imag or abs")
    return cast_op(dtype)(x)


def _zeros(x):
    """The gradient of a discrete input: zeros of floatX, else zeros of the input's dtype."""
    return _zeros_like(x, config.floatX if x.dtype in discrete_dtypes else x.dtype)


# Gradients and integers (Theano 1.0's rule). An op whose output is discrete (integer or bool) is
# a step function of its inputs: every input's gradient is zero (``_flat``). An op whose output is
# continuous passes the real gradient to every input, an integer one included: its gradient is
# the one of the same value given as a float (``d exp(i) / di`` is ``exp(i)``). Where a formula
# combines inputs before the output gradient enters (``y * y``), a discrete input is first taken
# as a value of the gradient's dtype (``_val``), so that no integer arithmetic overflows.


def _flat(op, inputs):
    """Zeros for every input when ``op``'s output for ``inputs`` is discrete, else None."""
    outs = op.output_dtypes(*[x.dtype for x in inputs])
    if any(d in discrete_dtypes for d in outs):
        return [_zeros(x) for x in inputs]
    return None


def _val(x, gz):
    """``x`` itself, or a discrete ``x`` as a value of the real dtype of the gradient ``gz``."""
    if x.dtype not in discrete_dtypes:
        return x
    real = {"complex64": "float32", "complex128": "float64"}.get(gz.dtype, gz.dtype)
    return _cast(x, real if real in float_dtypes else config.floatX)


class UnaryFloat(ScalarOp):
    dtype_rule = staticmethod(rule_float)
    compute_in_out_dtype = True


def _register(cls):
    """Make a class built with ``type()`` a module attribute, so its instances pickle."""
    cls.__module__ = __name__
    cls.__qualname__ = cls.__name__
    if cls.__name__ in globals() and globals()[cls.__name__] is not cls:
        raise RuntimeError(f"scalar op class name {cls.__name__} is already taken")
    globals()[cls.__name__] = cls
    return cls


def _make_unary(name, fn, grad_fn=None, rule=rule_float, cast=True, base=ScalarOp):
    cls = _register(type(name.capitalize(), (base,), {}))
    cls.dtype_rule = staticmethod(rule)
    cls.impl_fn = staticmethod(fn)
    cls.compute_in_out_dtype = cast
    if grad_fn == "not_implemented":
        def grad(self, inputs, output_grads):
            return [grad_not_implemented(self, 0, inputs[0])]
    elif grad_fn is not None:
        def grad(self, inputs, output_grads, _g=grad_fn):
            (x,), (gz,) = inputs, output_grads
            return _flat(self, inputs) or [_g(_val(x, gz), gz)]
    else:
        def grad(self, inputs, output_grads):
            return [_zeros(inputs[0])]
    cls.grad = grad
    return cls(name)


def _scipy_special():
    import scipy.special

    return scipy.special


def _erfinv(x):
    return _scipy_special().erfinv(x)


def _erfcinv(x):
    return _scipy_special().erfcinv(x)


def _erf(x):
    return _scipy_special().erf(x)


def _erfc(x):
    return _scipy_special().erfc(x)


def _gamma(x):
    return _scipy_special().gamma(x)


def _gammaln(x):
    return _scipy_special().gammaln(x)


def _psi(x):
    return _scipy_special().psi(x)


def _tri_gamma(x):
    return _scipy_special().polygamma(1, x)


def _sigmoid(x):
    return _scipy_special().expit(x)


def _softplus(x):
    # log(1 + exp(x)) computed without overflow
    return np.logaddexp(np.zeros((), dtype=x.dtype), x).astype(x.dtype, copy=False)


def round_half_away_from_zero_vec(x):
    """NumPy arrays rounded to the nearest integer, halves away from zero (2.5 -> 3, -2.5 -> -3);
    exact for every float (``floor(x + 0.5)`` is not: it rounds 0.49999999999999994 up)."""
    x = np.asarray(x)
    t = np.trunc(x)
    with np.errstate(invalid="ignore"):  # inf - inf: the where keeps t (inf) there
        return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t).astype(x.dtype, copy=False)


_round_half_away = round_half_away_from_zero_vec


def _real_copy(x):
    return np.array(np.real(x))  # np.real hands back (a view of) its input


def _imag_copy(x):
    return np.array(np.imag(x))


def _sqr(x):
    return np.multiply(x, x)


class TransferType(ScalarOp):
    """``op`` computed as usual (in the dtype its own rule gives), the result then cast to the
    dtype of input ``index``: Theano 1.0's ``transfer_type(index)`` output rule, which the ops of
    ``theano.tensor.inplace`` use so that their result fits the input they overwrite
    (``add_inplace`` of an int matrix and a float matrix truncates the float sums to ints)."""

    __props__ = ("op", "index")

    def __init__(self, op, index=0):
        if isinstance(op, TransferType):
            op = op.op
        self.op = op
        self.index = int(index)
        self.nin = op.nin
        self.nout = op.nout
        super().__init__(op.name)

    def output_dtypes(self, *dtypes):
        natural = self.op.output_dtypes(*dtypes)    # the op's own checks (complex inputs, ...)
        return (dtypes[self.index],) * len(natural)

    def impl(self, *arrays, out_dtypes=None):
        arrays = [np.asarray(a) for a in arrays]
        natural = self.op.output_dtypes(*[str(a.dtype) for a in arrays])
        result = self.op.impl(*arrays, out_dtypes=natural)
        if out_dtypes is None:
            return result
        if self.nout == 1:
            return np.asarray(result).astype(out_dtypes[0], copy=False)
        return tuple(np.asarray(r).astype(d, copy=False) for r, d in zip(result, out_dtypes))

    def grad(self, inputs, output_grads):
        # the output has the dtype of input ``index``: flat when that one is discrete
        return _flat(self, inputs) or self.op.grad(inputs, output_grads)


# ---- unary ops ------------------------------------------------------------------------------
exp = _make_unary("exp", np.exp, lambda x, gz: gz * exp(x))
exp2 = _make_unary("exp2", np.exp2, lambda x, gz: gz * exp2(x) * np.log(2.0))
expm1 = _make_unary("expm1", np.expm1, lambda x, gz: gz * exp(x))
log = _make_unary("log", np.log, lambda x, gz: gz / x)
log2 = _make_unary("log2", np.log2, lambda x, gz: gz / (x * np.log(2.0)))
log10 = _make_unary("log10", np.log10, lambda x, gz: gz / (x * np.log(10.0)))
log1p = _make_unary("log1p", np.log1p, lambda x, gz: gz / (1 + x))
sqrt = _make_unary("sqrt", np.sqrt, lambda x, gz: (gz * 0.5) / sqrt(x))
sin = _make_unary("sin", np.sin, lambda x, gz: gz * cos(x))
cos = _make_unary("cos", np.cos, lambda x, gz: -gz * sin(x))
tan = _make_unary("tan", np.tan, lambda x, gz: gz / sqr(cos(x)))
arcsin = _make_unary("arcsin", np.arcsin, lambda x, gz: gz / sqrt(1 - sqr(x)))
arccos = _make_unary("arccos", np.arccos, lambda x, gz: -gz / sqrt(1 - sqr(x)))
arctan = _make_unary("arctan", np.arctan, lambda x, gz: gz / (1 + sqr(x)))
sinh = _make_unary("sinh", np.sinh, lambda x, gz: gz * cosh(x))
cosh = _make_unary("cosh", np.cosh, lambda x, gz: gz * sinh(x))
tanh = _make_unary("tanh", np.tanh, lambda x, gz: gz * (1 - sqr(tanh(x))))
arcsinh = _make_unary("arcsinh", np.arcsinh, lambda x, gz: gz / sqrt(sqr(x) + 1))
arccosh = _make_unary("arccosh", np.arccosh, lambda x, gz: gz / sqrt(sqr(x) - 1))
arctanh = _make_unary("arctanh", np.arctanh, lambda x, gz: gz / (1 - sqr(x)))
erf = _make_unary("erf", _erf,
                  lambda x, gz: gz * (2.0 / np.sqrt(np.pi)) * exp(-sqr(x)))   # complex too
erfc = _make_unary("erfc", _erfc,
                   lambda x, gz: -gz * (2.0 / np.sqrt(np.pi)) * exp(-sqr(x)),
    rule=rule_float_no_complex)
erfinv = _make_unary("erfinv", _erfinv,
                     lambda x, gz: gz * (np.sqrt(np.pi) / 2.0) * exp(sqr(erfinv(x))),
    rule=rule_float_no_complex)
erfcinv = _make_unary("erfcinv", _erfcinv,
                      lambda x, gz: -gz * (np.sqrt(np.pi) / 2.0) * exp(sqr(erfcinv(x))),
    rule=rule_float_no_complex)
gamma = _make_unary("gamma", _gamma, lambda x, gz: gz * gamma(x) * psi(x),
    rule=rule_float_no_complex)
gammaln = _make_unary("gammaln", _gammaln, lambda x, gz: gz * psi(x),
    rule=rule_float_no_complex)
psi = _make_unary("psi", _psi, lambda x, gz: gz * tri_gamma(x), rule=rule_float_no_complex)
tri_gamma = _make_unary("tri_gamma", _tri_gamma, "not_implemented", rule=rule_float_no_complex)
sigmoid = _make_unary("sigmoid", _sigmoid,
                      lambda x, gz: gz * sigmoid(x) * (1 - sigmoid(x)),
    rule=rule_float_no_complex)
softplus = _make_unary("softplus", _softplus,
                       lambda x, gz: gz * sigmoid(x), rule=rule_float_no_complex)
sqr = _make_unary("sqr", _sqr, lambda x, gz: gz * x * 2, rule=rule_upcast, cast=False)
neg = _make_unary("neg", np.negative, lambda x, gz: -gz, rule=rule_upcast_nobool, cast=True)
abs_ = _make_unary("abs", np.abs,
                   lambda x, gz: gz * x / abs_(x) if x.dtype in complex_dtypes else gz * sgn(x),
                   rule=rule_transfer_first_real,
                   cast=False)
inv = _make_unary("inv", np.reciprocal, lambda x, gz: -gz / sqr(x), rule=rule_float)
reciprocal = inv
deg2rad = _make_unary("deg2rad", np.deg2rad,
                      lambda x, gz: gz * _const(np.pi / 180.0, gz.dtype))
rad2deg = _make_unary("rad2deg", np.rad2deg,
                      lambda x, gz: gz * _const(180.0 / np.pi, gz.dtype))
identity = _make_unary("identity", np.copy, lambda x, gz: gz, rule=rule_same, cast=False)
sgn = _make_unary("sgn", np.sign, None,
                  rule=rule_same, cast=False)
floor = _make_unary("floor", np.floor, None, rule=rule_float_no_complex)
ceil = _make_unary("ceil", np.ceil, None, rule=rule_float_no_complex)
trunc = _make_unary("trunc", np.trunc, None, rule=rule_float_no_complex)
round_half_to_even = _make_unary("round_half_to_even", np.round, None, rule=rule_float_no_complex)
round_half_away_from_zero = _make_unary("round_half_away_from_zero", _round_half_away, None,
                                        rule=rule_float_no_complex)
isnan = _make_unary("isnan", np.isnan, None, rule=rule_bool, cast=False)
isinf = _make_unary("isinf", np.isinf, None, rule=rule_bool, cast=False)
invert = _make_unary("invert", np.invert, None, rule=rule_int_only, cast=False)
real = _make_unary("real", _real_copy,
                   lambda x, gz: complex(gz, 0) if x.dtype in complex_dtypes else gz,
                   rule=rule_transfer_first_real, cast=False)
imag = _make_unary("imag", _imag_copy,
                   lambda x, gz: complex(0, gz) if x.dtype in complex_dtypes else _zeros(x),
                   rule=rule_transfer_first_real, cast=False)
conj = _make_unary("conj", np.conj,
                   lambda x, gz: conj(gz) if x.dtype in complex_dtypes else gz,
                   rule=rule_same, cast=False)
angle = _make_unary("angle", np.angle, lambda x, gz: _angle_grad(x, gz),
                    rule=rule_transfer_first_real, cast=False)


def _angle_grad(x, gz):
    """d angle / d(re, im) = (-im, re) / |x|^2, returned as a complex number (0 for real x)."""
    if x.dtype not in complex_dtypes:
        return _zeros(x)
    re, im = real(x), imag(x)
    den = sqr(re) + sqr(im)
    return complex(-gz * im / den, gz * re / den)


class Cast(ScalarOp):
    __props__ = ("dtype",)

    def __init__(self, dtype):
        # a dtype, or as in Theano 1.0 the scalar type to cast to (``Cast(Scalar("float64"))``)
        if isinstance(getattr(dtype, "dtype", None), str):
            dtype = dtype.dtype
        self.dtype = str(np.dtype(dtype))
        super().__init__(f"Cast{{{self.dtype}}}")

    @classmethod
    def _theano1_op(cls, state):
        """The op for the attributes Theano 1.0 pickled (``o_type``: the scalar type cast to)."""
        return cls(state["o_type"])

    def output_dtypes(self, *dtypes):
        return (self.dtype,)

    @property
    def output_types_preference(self):
        """Theano 1.0's: ``specific_out(<the scalar type cast to>)`` (``.spec[0].dtype``)."""
        from theano.scalar.type import specific_out

        return specific_out(self.dtype)

    def impl(self, x, out_dtypes=None):
        return x.astype(self.dtype)

    def grad(self, inputs, output_grads):
        # a cast to a discrete dtype is flat; a cast to a continuous one passes the gradient to
        # an integer input too (Theano 1.0: the gradient of cast(i, 'float64') is gz)
        (x,), (gz,) = inputs, output_grads
        if self.dtype in discrete_dtypes:
            return [_zeros(x)]
        if x.dtype in continuous_dtypes:
            return [_cast(gz, x.dtype)]
        return [real(gz) if gz.dtype in complex_dtypes else gz]


_cast_cache = {}


def cast_op(dtype):
    dtype = str(np.dtype(dtype))
    if dtype not in _cast_cache:
        _cast_cache[dtype] = Cast(dtype)
    return _cast_cache[dtype]


# ---- binary and n-ary ops ---------------------------------------------------------------------


def _bools_to(arrays, out_dtypes):
    """Bool arrays cast to the output dtype (NumPy would compute logical or/and instead)."""
    if out_dtypes is None or not any(a.dtype == np.bool_ for a in arrays):
        return arrays
    return [a.astype(out_dtypes[0]) if a.dtype == np.bool_ else a for a in arrays]


class Add(ScalarOp):
    nin = -1
    dtype_rule = staticmethod(rule_upcast_nobool)
    commutative = associative = True
    identity = 0

    def impl(self, *arrays, out_dtypes=None):
        arrays = _bools_to(arrays, out_dtypes)
        if len(arrays) == 1:  # add(x) is x, as in Theano
            return np.asarray(arrays[0])
        if len(arrays) == 2:
            return np.add(arrays[0], arrays[1])
        out = np.add(arrays[0], arrays[1])
        for a in arrays[2:]:
            out = np.add(out, a)
        return out

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return _flat(self, inputs) or [gz for _ in inputs]


class Mul(ScalarOp):
    nin = -1
    dtype_rule = staticmethod(rule_upcast_nobool)
    commutative = associative = True
    identity = 1

    def impl(self, *arrays, out_dtypes=None):
        arrays = _bools_to(arrays, out_dtypes)
        if len(arrays) == 1:  # mul(x) is x, as in Theano
            return np.asarray(arrays[0])
        out = np.multiply(arrays[0], arrays[1])
        for a in arrays[2:]:
            out = np.multiply(out, a)
        return out

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        flat = _flat(self, inputs)
        if flat:
            return flat
        res = []
        for i, x in enumerate(inputs):
            others = inputs[:i] + inputs[i + 1:]
            term = gz
            for o in others:
                term = term * o
            res.append(term)
        return res


class Sub(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast_nobool)
    impl_fn = staticmethod(np.subtract)

    def impl(self, x, y, out_dtypes=None):
        x, y = _bools_to((x, y), out_dtypes)
        return np.subtract(x, y)

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return _flat(self, inputs) or [gz, -gz]


class TrueDiv(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_true_div)

    def impl(self, x, y, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else None
        if od is not None and (x.dtype != od or y.dtype != od) and od in float_dtypes:
            x = x.astype(od)
            y = y.astype(od)
        return np.true_divide(x, y)

    def grad(self, inputs, output_grads):
        # the output is never discrete (int / int is a float)
        (x, y), (gz,) = inputs, output_grads
        yv = _val(y, gz)
        return [gz / y, -(gz * x) / (yv * yv)]


class ComplexError(NotImplementedError, TypeError):
    """An operation that is not defined for complex numbers (floor division, mod) got one."""


def rule_upcast_no_complex(*dtypes):
    out = upcast(*dtypes)
    if out in complex_dtypes:
        raise ComplexError("floor division and mod are not defined for complex numbers (as in NumPy)")
    return (out,)


class IntDiv(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast_no_complex)
    impl_fn = staticmethod(np.floor_divide)

    def grad(self, inputs, output_grads):
        return [_zeros(inputs[0]), _zeros(inputs[1])]


class Mod(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast_no_complex)
    impl_fn = staticmethod(np.mod)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return _flat(self, inputs) or [gz, -(int_div(x, y)) * gz]


class Pow(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast)
    impl_fn = staticmethod(np.power)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        flat = _flat(self, inputs)
        if flat:
            return flat
        # one input is continuous: x ** (y - 1) and x ** y are computed in floats
        gx = gz * y * x ** (y - 1)
        # d(x**y)/dy = log(x) x**y, whose limit at x = 0 is 0 (where log(x) * 0 would be nan)
        gy = switch(eq(x, 0), 0, gz * log(x) * x ** y)
        return [gx, gy]


class Maximum(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast)
    impl_fn = staticmethod(np.maximum)
    commutative = associative = True

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        out = maximum(x, y)
        # at a tie the gradient goes to the first input only (Theano 1.0)
        return _flat(self, inputs) or [gz * eq(out, x), gz * neq(out, x)]


class Minimum(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_upcast)
    impl_fn = staticmethod(np.minimum)
    commutative = associative = True

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        out = minimum(x, y)
        # at a tie the gradient goes to the first input only (Theano 1.0)
        return _flat(self, inputs) or [gz * eq(out, x), gz * neq(out, x)]


class ArcTan2(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_float)
    compute_in_out_dtype = True
    impl_fn = staticmethod(np.arctan2)

    def grad(self, inputs, output_grads):
        (y, x), (gz,) = inputs, output_grads
        y, x = _val(y, gz), _val(x, gz)    # the output is a float even for two integers
        den = sqr(x) + sqr(y)
        return [gz * x / den, -gz * y / den]


class _Comparison(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_bool)

    def grad(self, inputs, output_grads):
        return [_zeros(x) for x in inputs]


def _cmp(name, fn, commutative=False):
    cls = _register(type(name.upper(), (_Comparison,), {"impl_fn": staticmethod(fn), "commutative": commutative}))
    return cls(name)


lt = _cmp("lt", np.less)
gt = _cmp("gt", np.greater)
le = _cmp("le", np.less_equal)
ge = _cmp("ge", np.greater_equal)
eq = _cmp("eq", np.equal, True)
neq = _cmp("neq", np.not_equal, True)


class _Bitwise(ScalarOp):
    nin = 2
    dtype_rule = staticmethod(rule_int_only)
    commutative = associative = True

    def grad(self, inputs, output_grads):
        return [_zeros(x) for x in inputs]


and_ = _register(type("AND", (_Bitwise,), {"impl_fn": staticmethod(np.bitwise_and)}))("and_")
or_ = _register(type("OR", (_Bitwise,), {"impl_fn": staticmethod(np.bitwise_or)}))("or_")
xor = _register(type("XOR", (_Bitwise,), {"impl_fn": staticmethod(np.bitwise_xor)}))("xor")


class Switch(ScalarOp):
    nin = 3
    dtype_rule = staticmethod(rule_switch)

    def impl(self, cond, a, b, out_dtypes=None):
        return np.where(cond, a, b)

    def grad(self, inputs, output_grads):
        (c, _, _), (gz,) = inputs, output_grads
        flat = _flat(self, inputs)
        if flat:
            return flat
        zero = _zeros_like(gz)
        return [_zeros(c), switch(c, gz, zero), switch(c, zero, gz)]


class Clip(ScalarOp):
    """``clip(x, lo, hi)``: ``lo`` where ``x < lo``, else ``hi`` where ``x > hi``, else ``x``
    (Theano 1.0's rule, which ``numpy.clip`` shares unless ``lo > hi``: then Theano gives ``lo``
    below ``lo`` and ``hi`` elsewhere, where NumPy gives ``hi`` everywhere). A NaN ``x`` stays NaN;
    a NaN bound is never taken."""
    nin = 3
    dtype_rule = staticmethod(rule_upcast)

    def impl(self, x, lo, hi, out_dtypes=None):
        return np.where(x < lo, lo, np.where(x > hi, hi, x))

    def grad(self, inputs, output_grads):
        # the gradient goes to whichever input the output is: lo below lo, hi where x >= lo and
        # x > hi, x otherwise (x on ties). Right when a bound is x itself (clip(x, 0, x)) and
        # when lo > hi.
        (x, lo, hi), (gz,) = inputs, output_grads
        flat = _flat(self, inputs)
        if flat:
            return flat
        not_below = ge(x, lo)
        return [gz * and_(not_below, le(x, hi)), gz * lt(x, lo), gz * and_(not_below, gt(x, hi))]


add = Add("add")
mul = Mul("mul")
sub = Sub("sub")
true_div = TrueDiv("true_div")
int_div = IntDiv("int_div")
mod = Mod("mod")
pow = Pow("pow")
maximum = Maximum("maximum")
minimum = Minimum("minimum")
arctan2 = ArcTan2("arctan2")
switch = Switch("switch")
clip = Clip("clip")



class MulWithoutZeros(ScalarOp):
    """x * y where a zero operand counts as 1 (so a product over values with zeros skips them;
    both zero gives 0). The scalar op of ``theano.tensor.elemwise.ProdWithoutZeros``."""

    nin = 2
    dtype_rule = staticmethod(rule_upcast_nobool)
    commutative = associative = True
    identity = 1

    def impl(self, x, y, out_dtypes=None):
        x, y = _bools_to((x, y), out_dtypes)
        return np.where(x == 0, y, np.where(y == 0, x, np.multiply(x, y)))

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, i, v, "mul_without_zeros is not differentiable at zero")
                for i, v in enumerate(inputs)]


mul_without_zeros = MulWithoutZeros("mul_without_zeros")


class Second(ScalarOp):
    """second(x, y) = y broadcast to the shape of x and y together (Theano's ``fill``)."""

    nin = 2

    def output_dtypes(self, a, b):
        return (b,)

    def impl(self, x, y, out_dtypes=None):
        return np.array(np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)))  # a copy, never y

    def grad(self, inputs, output_grads):
        (x, _), (gz,) = inputs, output_grads
        return _flat(self, inputs) or [_zeros(x), gz]


second = Second("second")


# ---- special functions from SciPy ----------------------------------------------------------------


def _sp_fn(name):
    def fn(*arrays):
        return getattr(_scipy_special(), name)(*arrays)

    fn.__name__ = name
    return fn


j0 = _make_unary("j0", _sp_fn("j0"), lambda x, gz: -gz * j1(x), rule=rule_float_no_complex)
j1 = _make_unary("j1", _sp_fn("j1"), lambda x, gz: gz * (j0(x) - j1(x) / x),
                 rule=rule_float_no_complex)
i0 = _make_unary("i0", _sp_fn("i0"), lambda x, gz: gz * i1(x), rule=rule_float_no_complex)
i1 = _make_unary("i1", _sp_fn("i1"), lambda x, gz: gz * (i0(x) - i1(x) / x),
                 rule=rule_float_no_complex)
erfcx = _make_unary("erfcx", _sp_fn("erfcx"),
                    lambda x, gz: gz * (2 * x * erfcx(x) - 2.0 / np.sqrt(np.pi)),
                    rule=rule_float_no_complex)


def _ultra_fast_sigmoid(x):
    c = x.dtype.type
    z = np.abs(x) * c(0.5)
    with np.errstate(invalid="ignore", over="ignore"):    # the branches not taken at z = inf
        inner = np.where(z < c(1.7), c(1.5) * z / (c(1.0) + z),
                         np.where(z < c(3.0), c(0.935409070603099) + c(0.0458812946797165) * (z - c(1.7)),
                                  c(0.99505475368673)))
    half = c(0.5)
    return np.asarray(np.where(x >= 0, half + half * inner, half - half * inner), dtype=x.dtype)


class UltraFastScalarSigmoid(ScalarOp):
    """Theano 1.0's piecewise approximation of the sigmoid (max error about 0.02): with
    ``z = |x| / 2``, ``t = 1.5 z / (1 + z)`` below 1.7, ``0.935409 + 0.045881 (z - 1.7)`` below 3,
    ``0.995055`` above, and ``0.5 + 0.5 sign(x) t``. Its gradient is the approximation's own
    derivative. ``T.nnet.ultra_fast_sigmoid`` is its Elemwise."""

    dtype_rule = staticmethod(rule_float_no_complex)
    compute_in_out_dtype = True
    impl_fn = staticmethod(_ultra_fast_sigmoid)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        flat = _flat(self, inputs)
        if flat:
            return flat
        x = _val(x, gz)
        dt = x.dtype
        z = abs_(x) * _const(0.5, dt)
        zp1 = _const(1.0, dt) + z
        slope = switch(lt(z, _const(1.7, dt)), _const(1.5, dt) / (zp1 * zp1),
                       switch(lt(z, _const(3.0, dt)), _const(0.0458812946797165, dt),
                              _const(0.0, dt)))
        return [gz * (_const(0.25, dt) * slope)]


ultra_fast_scalar_sigmoid = UltraFastScalarSigmoid("ultra_fast_scalar_sigmoid")


class _BinarySpecial(ScalarOp):
    """A two-argument SciPy special function; ``grad_x`` gives the gradient for the second argument
    (the first, an order or shape parameter, has no implemented gradient)."""

    nin = 2
    dtype_rule = staticmethod(rule_float_no_complex)
    compute_in_out_dtype = True
    sp_name = None

    def impl(self, a, x, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else upgrade_to_float(upcast(a.dtype, x.dtype))
        return getattr(_scipy_special(), self.sp_name)(a.astype(od), x.astype(od)).astype(od)

    def grad_x(self, a, x, gz):
        raise NotImplementedError

    def grad(self, inputs, output_grads):
        # the output is a float: the order or shape parameter ``a`` has no implemented gradient
        # (an integer one neither), ``x`` (an integer one too) its formula
        (a, x), (gz,) = inputs, output_grads
        return [grad_not_implemented(self, 0, a), self.grad_x(_val(a, gz), _val(x, gz), gz)]


class Jv(_BinarySpecial):
    """Bessel function of the first kind of real order ``v``: jv(v, x)."""

    sp_name = "jv"

    def grad_x(self, v, x, gz):
        return gz * (jv(v - 1, x) - jv(v + 1, x)) / 2


class Iv(_BinarySpecial):
    """Modified Bessel function of the first kind of real order ``v``: iv(v, x)."""

    sp_name = "iv"

    def grad_x(self, v, x, gz):
        return gz * (iv(v - 1, x) + iv(v + 1, x)) / 2


class GammaInc(_BinarySpecial):
    """Regularized lower incomplete gamma function P(k, x)."""

    sp_name = "gammainc"

    def grad_x(self, k, x, gz):
        return gz * exp(-x + (k - 1) * log(x) - gammaln(k))


class GammaIncC(_BinarySpecial):
    """Regularized upper incomplete gamma function Q(k, x)."""

    sp_name = "gammaincc"

    def grad_x(self, k, x, gz):
        return -gz * exp(-x + (k - 1) * log(x) - gammaln(k))


class Chi2SF(_BinarySpecial):
    """Survival function of the chi-square distribution: chi2sf(x, k) (note the argument order)."""

    sp_name = None

    def impl(self, x, k, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else upgrade_to_float(upcast(x.dtype, k.dtype))
        return _scipy_special().chdtrc(k.astype(od), x.astype(od)).astype(od)

    def grad(self, inputs, output_grads):
        x, k = inputs
        return [grad_not_implemented(self, 0, x), grad_not_implemented(self, 1, k)]


jv = Jv("jv")
iv = Iv("iv")
gammainc = GammaInc("gammainc")
gammaincc = GammaIncC("gammaincc")
chi2sf = Chi2SF("chi2sf")


# ---- complex construction ----------------------------------------------------------------------


def rule_complex(*dtypes):
    out = upgrade_to_float(upcast(*dtypes))
    if out in complex_dtypes:
        raise TypeError("complex() needs real inputs")
    return ("complex64" if out in ("float16", "float32") else "complex128",)


class Complex(ScalarOp):
    """complex(real, imag)."""

    nin = 2
    dtype_rule = staticmethod(rule_complex)

    def impl(self, re, im, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else "complex128"
        out = np.empty(np.broadcast(re, im).shape, dtype=od)
        out.real = re
        out.imag = im
        return out

    def grad(self, inputs, output_grads):
        (gz,) = output_grads     # the output is complex: integer parts get the gradient too
        return [real(gz), imag(gz)]


class ComplexFromPolar(ScalarOp):
    """complex_from_polar(abs, angle) = abs * exp(1j * angle)."""

    nin = 2
    dtype_rule = staticmethod(rule_complex)

    def impl(self, r, theta, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else "complex128"
        return (r * np.exp(1j * theta)).astype(od)

    def grad(self, inputs, output_grads):
        return [grad_not_implemented(self, 0, inputs[0]), grad_not_implemented(self, 1, inputs[1])]


complex = Complex("complex")
complex_from_polar = ComplexFromPolar("complex_from_polar")


# ---- x log x ---------------------------------------------------------------------------------


def _xlogx(x):
    with np.errstate(all="ignore"):
        return np.where(x == 0, np.zeros((), dtype=x.dtype), x * np.log(x)).astype(x.dtype, copy=False)


xlogx = _make_unary("xlogx", _xlogx,
                    lambda x, gz: gz * (1 + log(x)), rule=rule_float_no_complex)


class XlogY0(ScalarOp):
    """x * log(y), with 0 where x == 0 (whatever y)."""

    nin = 2
    dtype_rule = staticmethod(rule_float_no_complex)
    compute_in_out_dtype = True

    def impl(self, x, y, out_dtypes=None):
        od = out_dtypes[0] if out_dtypes else upgrade_to_float(upcast(x.dtype, y.dtype))
        x, y = x.astype(od), y.astype(od)
        with np.errstate(all="ignore"):
            return np.where(x == 0, np.zeros((), dtype=od), x * np.log(y))

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads      # a float output
        return [gz * log(y), gz * x / y]


xlogy0 = XlogY0("xlogy0")


# ---- more of Theano 1.0's theano.scalar.basic ----------------------------------------------------


def cast(x, dtype):
    """``x`` cast to ``dtype`` (a dtype name, 'floatX' or a Scalar type); ``x`` itself when it has
    that dtype already."""
    dtype = getattr(dtype, "dtype", dtype)
    dtype = str(np.dtype(config.floatX if dtype == "floatX" else dtype))
    if not hasattr(x, "dtype"):
        x = _type_module.as_scalar(x)
    return _cast(x, dtype)


class IntegerDivisionError(Exception):
    """``div_proxy`` of two integers with ``config.int_division='raise'`` (Theano 1.0's)."""


def int_or_true_div(x_discrete, y_discrete):
    """The op of Theano 1.0's ``/`` (``div_proxy``) for operands that are (not) discrete: ``int_div``
    for two integers under ``config.int_division='int'`` (the default; a DeprecationWarning),
    ``true_div`` under ``'floatX'`` or when either is not discrete, IntegerDivisionError under
    ``'raise'``."""
    if not (x_discrete and y_discrete):
        return true_div
    from theano.configdefaults import config

    mode = getattr(config, "int_division", "int")
    if mode == "raise":
        raise IntegerDivisionError(
            "With config.int_division set to 'raise', dividing two integer types with '/' is "
            "forbidden: use // for an integer division, or cast one operand to a float (or call "
            "x.__truediv__(y)) for a float result.")
    if mode == "int":
        import warnings

        warnings.warn("Division of two integer types with x / y is deprecated, please use x // y "
                      "for an integer division.", DeprecationWarning, stacklevel=3)
        return int_div
    if mode == "floatX":
        return true_div
    raise ValueError(f"config.int_division must be 'int', 'raise' or 'floatX', got {mode!r}")


def div_proxy(x, y):
    """Theano 1.0's ``/`` of Python 2: ``x // y`` (``int_div``) when both are integers or bool,
    else ``x / y`` (``true_div``); two integers follow ``config.int_division``
    (``int_or_true_div``)."""
    dx = getattr(x, "dtype", None) or str(np.asarray(x).dtype)
    dy = getattr(y, "dtype", None) or str(np.asarray(y).dtype)
    return int_or_true_div(dx in discrete_dtypes, dy in discrete_dtypes)(x, y)


class InRange(ScalarOp):
    """``low <(=) x <(=) high`` (bool); ``openlow``/``openhi``: the bound itself is outside.
    Its gradient is zero everywhere (Theano 1.0)."""

    nin = 3
    __props__ = ("openlow", "openhi")
    dtype_rule = staticmethod(rule_bool)

    def __init__(self, openlow, openhi):
        self.openlow = bool(openlow)
        self.openhi = bool(openhi)
        super().__init__(name=f"InRange{{{'open' if openlow else 'closed'},"
                              f"{'open' if openhi else 'closed'}}}")

    def impl(self, x, low, high, out_dtypes=None):
        above = np.greater(x, low) if self.openlow else np.greater_equal(x, low)
        below = np.less(x, high) if self.openhi else np.less_equal(x, high)
        return np.logical_and(above, below)

    def grad(self, inputs, output_grads):
        return [_zeros_like(v, config.floatX) for v in inputs]


inopenrange = InRange(True, True)
inclosedrange = InRange(False, False)


# Theano 1.0's class names of the ops above (the same classes)
RoundHalfToEven = type(round_half_to_even)
RoundHalfAwayFromZero = type(round_half_away_from_zero)
Deg2Rad, Rad2Deg = type(deg2rad), type(rad2deg)
ArcCos, ArcSin, ArcTan = type(arccos), type(arcsin), type(arctan)
ArcCosh, ArcSinh, ArcTanh = type(arccosh), type(arcsinh), type(arctanh)
GammaLn, TriGamma = type(gammaln), type(tri_gamma)
IsNan, IsInf = type(isnan), type(isinf)
LogicalComparison = _Comparison
BinaryBitOp = _Bitwise
ScalarMaximum, ScalarMinimum = Maximum, Minimum
scalar_maximum, scalar_minimum = maximum, minimum
floor_div = int_div

# Theano 1.0's casts by name (``convert_to_float32(x)``): the cast ops themselves
for _d in all_dtypes:
    globals()[f"convert_to_{_d}"] = cast_op(_d)
del _d


from theano.scalar import type as _type_module  # noqa: E402  (the types: Theano kept them here)

globals().update({n: getattr(_type_module, n) for n in _type_module.__all__ if n != "bool"})
_ScalarType = _type_module.Scalar
from theano.scalar.graph_composite import Composite  # noqa: E402,F401
