"""Old import path ``theano.scalar.basic_scipy``: the scalar ops that Theano 1.0 computed with
``scipy.special`` (they live in ``theano.scalar.basic`` here)."""

from theano.scalar.basic import (erf, erfc, erfcinv, erfcx, erfinv, gamma, gammaln,  # noqa: F401
                                 psi, tri_gamma)

from importlib.util import find_spec as _find_spec

imported_scipy_special = _find_spec("scipy") is not None
