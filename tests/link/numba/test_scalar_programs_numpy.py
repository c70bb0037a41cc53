"""A fused elementwise program on 0-d values made only of correctly rounded steps (+ - * /,
comparisons, casts, switch, ...) runs as NumPy 0-d ufuncs: no Numba kernel is compiled for it,
and its bits equal the forced kernel's on every input; a program with a libm function keeps its
kernel."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.link.numba.elemwise import ElemwiseRunner

pytest.importorskip("numba")

NO_INPLACE = theano.Mode(linker="numba", optimizer="fast_run").excluding("inplace")


def _runners(f):
    return [ElemwiseRunner(n) for n in f.maker.fgraph.toposort() if hasattr(n.op, "scalar_op")]


def _value(rng, dtype):
    if dtype.startswith("float"):
        return np.asarray(rng.randn() * 10.0 ** rng.randint(-6, 6), dtype=dtype)
    info = np.iinfo(dtype)      # constants come in their smallest integer dtype (int8: 2)
    return np.asarray(rng.randint(max(info.min, -1000), min(info.max, 1000)), dtype=dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exact_programs_skip_the_kernel_and_keep_its_bits(dtype):
    x, y = T.scalar("x", dtype=dtype), T.scalar("y", dtype=dtype)
    k = T.iscalar("k")
    exprs = [x * 0.1 - y * x, T.cast(k, dtype) / y * -1 + x, T.maximum(x, 0) * (x > y) + y,
             abs(x) - x ** 2 * y, T.switch(x > 0, x * y, -x / y)]
    rng = np.random.RandomState(1)
    for e in exprs:
        f = theano.function([x, y, k], e, on_unused_input="ignore", mode=NO_INPLACE)
        (r,) = _runners(f)
        assert len(r.prog.steps) > 1 and r.path == "numpy-fused"
        assert r.choose_path(force_kernels=True) == "kernel"
        kernel = r.kernel_function()
        assert kernel is not None
        for _ in range(300):
            vals = [_value(rng, v.dtype) for v in r.node.inputs]
            with np.errstate(all="ignore"):
                want = np.asarray(kernel(*vals))
            got = r.run_numpy(*vals)
            assert got.dtype == want.dtype and got.shape == ()
            np.testing.assert_array_equal(got, want)
        # the compiled function: same values on every call
        v = (np.asarray(1.5, dtype), np.asarray(-0.25, dtype), np.int32(3))
        first = f(*v)
        for _ in range(2):
            np.testing.assert_array_equal(f(*v), first)


def test_a_libm_step_or_an_array_keeps_the_kernel():
    x = T.dscalar("x")
    f = theano.function([x], T.exp(x) * 2 + 1, mode=NO_INPLACE)
    (r,) = _runners(f)
    assert r.path == "kernel"
    v = T.dvector("v")
    g = theano.function([v], v * 2 + 1, mode=NO_INPLACE)
    (r,) = _runners(g)
    assert r.path == "kernel"
