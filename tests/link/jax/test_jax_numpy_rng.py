"""Compiling a first JAX function (which imports JAX) leaves NumPy's global random state as it
was: a program seeded with numpy.random.seed gets the same numbers on every backend."""

import os
import subprocess
import sys

import pytest

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
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == "same", out.stdout
