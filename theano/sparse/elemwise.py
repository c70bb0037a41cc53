"""Elementwise functions of sparse matrices that keep the sparsity pattern: each is the tensor
function applied to the stored values (``data``) only, so its gradient is structured."""

import theano.tensor as T
from theano.sparse.basic import CSM, as_sparse_variable, csm_properties
from theano.sparse.math import mul


def _on_data(x, fn):
    x = as_sparse_variable(x)
    if x.format not in ("csr", "csc"):
        raise NotImplementedError(f"elementwise sparse functions need csr or csc, got {x.format}")
    data, ind, ptr, shape = csm_properties(x)
    return CSM(x.format)(fn(data), ind, ptr, shape)


def structured_monoid(tensor_op):
    """Decorator: a function of a sparse matrix (and scalar arguments) computed by ``tensor_op``
    on its stored values."""

    def wrap(f):
        def op(x, *args):
            return _on_data(x, lambda d: tensor_op(d, *args))

        op.__name__ = f.__name__
        op.__doc__ = f.__doc__ or f"``{tensor_op}`` of the stored values of a sparse matrix."
        return op

    return wrap


def _sigmoid(d):
    from theano.tensor.nnet import sigmoid

    return sigmoid(d)


@structured_monoid(_sigmoid)
def structured_sigmoid(x):
    """Sigmoid of the stored values (zeros stay zero)."""


@structured_monoid(T.exp)
def structured_exp(x):
    """exp of the stored values (zeros stay zero)."""


@structured_monoid(T.log)
def structured_log(x):
    """log of the stored values (zeros stay zero)."""


@structured_monoid(T.pow)
def structured_pow(x, y):
    """Stored values to the power y (a scalar)."""


@structured_monoid(T.minimum)
def structured_minimum(x, y):
    """Minimum of each stored value and y (a scalar)."""


@structured_monoid(T.maximum)
def structured_maximum(x, y):
    """Maximum of each stored value and y (a scalar)."""


@structured_monoid(T.add)
def structured_add(x, y):
    """Stored values plus y (a scalar)."""


def _ufunc(name, tensor_fn):
    def f(x):
        return _on_data(x, tensor_fn)

    f.__name__ = name
    f.__doc__ = (f"``{name}`` of a sparse matrix: f(0) == 0, so only the stored values are "
                 "computed and the pattern is kept.")
    return f


_names = {
    "sin": T.sin, "tan": T.tan, "arcsin": T.arcsin, "arctan": T.arctan, "sinh": T.sinh,
    "arcsinh": T.arcsinh, "tanh": T.tanh, "arctanh": T.arctanh, "rint": T.round_half_to_even,
    "round_half_to_even": T.round_half_to_even, "round_half_away_from_zero":
    T.round_half_away_from_zero, "sgn": T.sgn, "ceil": T.ceil, "floor": T.floor,
    "trunc": T.trunc, "log1p": T.log1p, "expm1": T.expm1, "deg2rad": T.deg2rad,
    "rad2deg": T.rad2deg, "sqr": T.sqr, "sqrt": T.sqrt, "conj": T.conj, "abs_": T.abs_,
}
for _n, _f in _names.items():
    globals()[_n] = _ufunc(_n, _f)
abs = abs_  # noqa: A001,F821


def structured_mul_scalar(x, y):
    return mul(x, y)
