"""``import theano`` imports nothing heavy (scipy, scipy.linalg, numba); the parts that need them
import them at their first use, and work as before (theano/misc/lazy.py)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.misc.lazy import lazy_module

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout.strip().splitlines()


def test_import_theano_imports_no_scipy_nor_numba():
    out = _run("import sys, theano, theano.tensor\n"
               "print(sorted(m for m in ('scipy', 'scipy.linalg', 'scipy.special', 'numba', "
               "'llvmlite') if m in sys.modules))")
    assert out[-1] == "[]"


def test_linalg_and_blas_import_scipy_when_they_run():
    pytest.importorskip("scipy")
    out = _run(
        "import sys, numpy as np, theano, theano.tensor as T\n"
        "from theano.tensor import slinalg, nlinalg\n"
        "from theano.tensor.blas import gemm\n"
        "print('scipy.linalg' in sys.modules)\n"
        "a = T.dmatrix('a')\n"
        "f = theano.function([a], [slinalg.cholesky(a), nlinalg.matrix_inverse(a)],"
        " mode='FAST_COMPILE')\n"
        "print('scipy.linalg' in sys.modules)\n"
        "m = np.array([[4.0, 1.0], [1.0, 3.0]])\n"
        "c, inv = f(m)\n"
        "print(np.allclose(c @ c.T, m), np.allclose(inv @ m, np.eye(2)))\n"
        "print('scipy.linalg' in sys.modules)\n")
    assert out == ["False", "False", "True True", "True"]


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_slinalg_and_gemm_values(mode):
    scipy_linalg = pytest.importorskip("scipy.linalg")
    a = T.dmatrix("a")
    b = T.dmatrix("b")
    f = theano.function([a, b], [T.slinalg.solve(a, b), T.slinalg.cholesky(a)], mode=mode)
    rng = np.random.RandomState(0)
    m = rng.randn(4, 4)
    m = m @ m.T + 4 * np.eye(4)
    rhs = rng.randn(4, 2)
    for _ in range(2):
        x, c = f(m, rhs)
        np.testing.assert_allclose(x, scipy_linalg.solve(m, rhs), rtol=1e-12)
        np.testing.assert_allclose(c, scipy_linalg.cholesky(m, lower=True), rtol=1e-12)
    z = theano.shared(np.ones((3, 2)))
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    g = theano.function([x, y], T.blas.gemm(z, np.asarray(0.5), x, y, np.asarray(2.0)), mode=mode)
    xv, yv = rng.randn(3, 5), rng.randn(5, 2)
    for _ in range(2):
        np.testing.assert_allclose(g(xv, yv), 2.0 + 0.5 * xv @ yv, rtol=1e-12)


def test_lazy_module_imports_at_first_attribute():
    mod = lazy_module("json", "json.decoder")
    assert "not yet imported" in repr(mod)
    assert mod.loads("[1, 2]") == [1, 2]
    assert "imported" in repr(mod) and "not yet" not in repr(mod)
    with pytest.raises(AttributeError):
        mod.no_such_name
    with pytest.raises(AttributeError):
        mod.loads = None
    missing = lazy_module("theano_no_such_module_xyz")
    with pytest.raises(ModuleNotFoundError):
        missing.anything
