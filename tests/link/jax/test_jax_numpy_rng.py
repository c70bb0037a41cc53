"""Compiling a first JAX function (which imports JAX) leaves NumPy's global random state as it
was: a program seeded with numpy.random.seed gets the same numbers on every backend."""

import pytest

from tests.helpers import run_python

pytest.importorskip("jax")

CODE = """
import numpy as np
np.random.seed(0)
expected = np.random.rand(3)
np.random.seed(0)
import theano, theano.tensor as T
x = T.dvector()
f = theano.function([x], T.grad(T.nnet.sigmoid(x).sum(), x), mode=theano.Mode(linker="jax"))
f(np.ones(3))
got = np.random.rand(3)
print("same" if np.array_equal(got, expected) else "different", got, expected)
"""


def test_first_jax_function_does_not_draw_from_numpys_global_rng():
    out = run_python(CODE, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == "same", out.stdout
