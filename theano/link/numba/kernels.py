"""The native backend's table of scalar kernels: for each scalar op class, a Python expression
template over its scalar arguments (``"math.exp({0})"``), from which ``elemwise.py`` generates the
Numba loops of Elemwise and fused Composite nodes.

The table belongs to the backend, not to the ops (the scalar layer says what an op computes, each
backend says how it runs it; the JAX backend keeps its own table in ``link/jax/dispatch.py``). An
op without an entry runs through its NumPy implementation. Ops defined elsewhere register theirs
with ``register_kernel(op_class, template)``. A binary template that is a bare operator (``"+"``)
means the infix operator, folded over n-ary inputs.
"""

import theano.scalar.basic as ts

# by the name of the op instance in theano.scalar.basic; resolved to its class below
_BY_NAME = {
    'abs_': 'abs({0})',
    'add': '+',
    'and_': '({0}) & ({1})',
    'arccos': 'math.acos({0})',
    'arccosh': 'math.acosh({0})',
    'arcsin': 'math.asin({0})',
    'arcsinh': 'math.asinh({0})',
    'arctan': 'math.atan({0})',
    'arctan2': 'math.atan2({0}, {1})',
    'arctanh': 'math.atanh({0})',
    'ceil': 'math.ceil({0})',
    'clip': '(({1}) if ({0}) < ({1}) else (({2}) if ({0}) > ({2}) else ({0})))',
    'cos': 'math.cos({0})',
    'cosh': 'math.cosh({0})',
    'deg2rad': '({0}) * 0.017453292519943295',
    'eq': '({0}) == ({1})',
    'erf': 'math.erf({0})',
    'erfc': 'math.erfc({0})',
    'exp': 'math.exp({0})',
    'exp2': '2.0 ** {0}',
    'expm1': 'math.expm1({0})',
    'floor': 'math.floor({0})',
    'gamma': 'math.gamma({0})',
    'gammaln': 'math.lgamma({0})',
    'ge': '({0}) >= ({1})',
    'gt': '({0}) > ({1})',
    'identity': '{0}',
    'int_div': '({0}) // ({1})',
    'inv': '1.0 / ({0})',
    'isinf': 'math.isinf({0})',
    'isnan': 'math.isnan({0})',
    'le': '({0}) <= ({1})',
    'log': 'math.log({0})',
    'log10': 'math.log10({0})',
    'log1p': 'math.log1p({0})',
    'log2': 'math.log2({0})',
    'lt': '({0}) < ({1})',
    'maximum': 'max({0}, {1})',
    'minimum': 'min({0}, {1})',
    'mod': '({0}) % ({1})',
    'mul': '*',
    'neg': '-({0})',
    'neq': '({0}) != ({1})',
    'or_': '({0}) | ({1})',
    'pow': '({0}) ** ({1})',
    'rad2deg': '({0}) * 57.29577951308232',
    'second': '{1}',
    'sgn': '(1 if ({0}) > 0 else (-1 if ({0}) < 0 else 0))',
    'sigmoid': '1.0 / (1.0 + math.exp(-{0}))',
    'sin': 'math.sin({0})',
    'sinh': 'math.sinh({0})',
    'softplus': '(({0}) + math.log1p(math.exp(-({0})))) if ({0}) > 0 else math.log1p(math.exp({0}))',
    'sqr': '({0}) * ({0})',
    'sqrt': 'math.sqrt({0})',
    'sub': '({0}) - ({1})',
    'switch': '(({1}) if ({0}) else ({2}))',
    'tan': 'math.tan({0})',
    'tanh': 'math.tanh({0})',
    'true_div': '({0}) / ({1})',
    'trunc': 'math.trunc({0})',
    'xlogx': '(0.0 if ({0}) == 0 else ({0}) * math.log({0}))',
    'xlogy0': '(0.0 if ({0}) == 0 else ({0}) * math.log({1}))',
    'xor': '({0}) ^ ({1})',
    # z = |x| / 2; 0.5 +- 0.5 * t(z), t piecewise (NumPy's version: scalar/basic.py); x is taken
    # as a float first (abs of an int8 -128 would wrap)
    'ultra_fast_scalar_sigmoid': (
        '(0.5 + (0.5 if ({0}) >= 0 else -0.5) * ('
        '1.5 * (abs(({0}) * 1.0) * 0.5) / (1.0 + abs(({0}) * 1.0) * 0.5) '
        'if abs(({0}) * 1.0) * 0.5 < 1.7 else ('
        '0.935409070603099 + 0.0458812946797165 * (abs(({0}) * 1.0) * 0.5 - 1.7) '
        'if abs(({0}) * 1.0) * 0.5 < 3.0 else 0.99505475368673)))'),
}

_TABLE = {}


def register_kernel(op_class, template):
    """Give ``op_class`` (a ScalarOp subclass) a kernel template on the native backend."""
    _TABLE[op_class] = template


for _name, _template in _BY_NAME.items():
    register_kernel(type(getattr(ts, _name)), _template)


# Ops whose NumPy implementation takes several passes over the data (the piecewise
# ultra_fast_sigmoid: abs, compares, two wheres): a node of one of them alone runs its kernel,
# not the NumPy implementation that a single-op node otherwise calls.
KERNEL_EVEN_ALONE = {ts.UltraFastScalarSigmoid}


def template_of(sop):
    """The kernel template of scalar op ``sop`` (None: it has none and runs on NumPy)."""
    if isinstance(sop, ts.Cast):
        return f"np.{sop.dtype}({{0}})" if sop.dtype != "bool" else "bool({0})"
    for cls in type(sop).__mro__:
        template = _TABLE.get(cls)
        if template is not None:
            return template
    return None
