"""Vectorizable math of the native backend (theano/link/numba/vmath.py): accuracy in ULPs against
NumPy over about a million points per function, special values, vectorized loops, and the fused
kernels that use it compared with the reference VM."""

import platform

import numpy as np
import pytest

numba = pytest.importorskip("numba")
scipy_special = pytest.importorskip("scipy.special")

import theano  # noqa: E402
import theano.scalar as ts  # noqa: E402
import theano.tensor as T  # noqa: E402
from theano.link.numba import elemwise as nbe  # noqa: E402
from theano.link.numba import vmath as vm  # noqa: E402
from theano.tensor.elemwise import Elemwise  # noqa: E402

FUNCS = ["exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "sigmoid"]


def _softplus_ref(x):
    return np.logaddexp(np.zeros((), x.dtype), x)


def _rounded(fn):
    """``fn`` computed in long double and rounded to float64: the correctly rounded value (to
    the last bit but for rare double roundings) where long double is wider than float64 (x86-64),
    whatever NumPy version's own float64 functions are used; NumPy's float64 function elsewhere."""
    if np.finfo(np.longdouble).nmant <= 52:
        return fn

    def ref(x):
        x = np.asarray(x)
        if x.dtype != np.float64:
            return fn(x)
        with np.errstate(all="ignore"):
            return fn(x.astype(np.longdouble)).astype(np.float64)
    return ref


# float64 exp/log/log1p/expm1 against the correctly rounded values (NumPy's own float64 functions
# differ between versions: 1.26's are up to 1 ULP off on the other side of some values)
REF = {"exp": _rounded(np.exp), "log": _rounded(np.log), "log1p": _rounded(np.log1p),
       "expm1": _rounded(np.expm1), "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
       "sigmoid": scipy_special.expit, "softplus": _softplus_ref}


# ---- ULP distance ---------------------------------------------------------------------------


def _ordered(a):
    """Integers in the order of the floats (adjacent floats differ by 1; -0.0 == 0.0)."""
    if a.dtype == np.float64:
        i = a.view(np.int64)
        return np.where(i < 0, np.int64(-0x8000000000000000) - i, i)
    i = a.view(np.int32).astype(np.int64)
    return np.where(i < 0, -0x80000000 - i, i)


def ulps(a, b):
    """ULP distance of two float arrays of one dtype (0 for equal values and for two nans; inf
    when one only is nan)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype
    oa, ob = _ordered(a), _ordered(b)
    d = (np.maximum(oa, ob).view(np.uint64) - np.minimum(oa, ob).view(np.uint64)).astype(float)
    d[(a == b) | (np.isnan(a) & np.isnan(b))] = 0
    d[np.isnan(a) != np.isnan(b)] = np.inf
    return d


def test_ulps_helper_counts_floats_between():
    x = np.array([1.0, 0.0, -0.0, 5e-324, np.inf, np.nan])
    y = np.array([np.nextafter(np.nextafter(1.0, 2), 2), -5e-324, 0.0, -5e-324, np.inf, 0.0])
    assert list(ulps(x, y)) == [2, 1, 0, 2, 0, np.inf]
    assert ulps(np.float32([1]), np.float32([np.nextafter(np.float32(1), np.float32(0))]))[0] == 1


# ---- inputs -----------------------------------------------------------------------------------

EDGES = np.array([
    0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-310,
    -1e-310, 1e-300, 1.0, -1.0, 2.0, 0.5, -0.5, 1e-20, -1e-20, 1e-8, -1e-8,
    709.782712893384, 709.7827128933841, 709.79, 710.0, -708.39, -708.4, -745.1332191019411,
    -745.1332191019412, -745.14, -746.0, -1e300, 1e300, 1.7976931348623157e308,
    -1.7976931348623157e308, np.pi, -np.pi, np.pi / 2, np.pi / 4, 1048576.0, -1048576.0,
    1048576.0000000002, 36.0, 37.0, -37.0, 19.0, 20.0, 22.0, -0.9999999999999999, -1.5,
    88.72283935546875, -88.72283935546875, 89.0, -104.0, -103.0, 0.75, -0.75, 0.7500000000000001,
    np.log(2) / 2, -np.log(2) / 2, 0.34657359027997264, 1.4142135623730951, 0.7071067811865476])


def inputs(name, dtype, n=340_000, seed=0):
    """About a million points for ``name``: uniform over the domain, log-uniform magnitudes of both
    signs (subnormal to huge), a dense range near 0, and the edge cases."""
    rng = np.random.default_rng(seed)

    def logu(lo, hi):
        return np.exp(rng.uniform(np.log(lo), np.log(hi), n)) * rng.choice([-1.0, 1.0], n)

    lim = {"exp": (-746, 710), "log": (0, 1e3), "log1p": (-1, 1e3), "expm1": (-50, 710),
           "sin": (-1e6, 1e6), "cos": (-1e6, 1e6), "tanh": (-25, 25), "sigmoid": (-750, 750),
           "softplus": (-800, 800)}[name]
    if dtype == np.float32:
        lim = tuple(np.clip(lim, -100, 100)) if name in ("exp", "expm1", "sigmoid") else lim
    big = 1e6 if name in ("sin", "cos") else 1e308
    parts = [rng.uniform(*lim, n), logu(1e-320, big), rng.uniform(-2, 2, n), EDGES]
    if name in ("log", "log1p"):
        parts.append(np.abs(logu(1e-320, 1e308)))
        parts.append(rng.uniform(-1, -0.5, n) if name == "log1p" else rng.uniform(0.5, 2, n))
    with np.errstate(over="ignore"):
        return np.concatenate(parts).astype(dtype)


def _loop(fn):
    @numba.njit(error_model="numpy")
    def loop(a):
        out = np.empty_like(a)
        for j in range(a.shape[0]):
            out[j] = fn(a[j])
        return out

    return loop


_LOOPS = {}


def apply(name, x):
    """vmath's ``name`` (the njit function of x's dtype) on every element of x."""
    key = name if x.dtype == np.float64 else name + "_f32"
    if key not in _LOOPS:
        _LOOPS[key] = _loop(getattr(vm, key) if hasattr(vm, key) else
                            getattr(vm, name))   # softplus: one function, rounded by the array
    return _LOOPS[key](x)


# ---- accuracy -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCS + ["softplus"])
def test_float64_within_stated_ulps_of_numpy(name):
    x = inputs(name, np.float64)
    if name in ("sin", "cos"):
        x = x[~(np.abs(x) > vm.SINCOS_MAX)]   # beyond: the careful functions (below)
    got = apply(name, x)
    with np.errstate(all="ignore"):
        ref = REF[name](x)
    d = ulps(got, ref)
    bound = vm.ACCURACY_ULP["float64"][name]
    worst = int(np.argmax(d))
    assert d.max() <= bound, (name, x[worst], got[worst], ref[worst], d.max())
    assert x.size > 900_000
    # not trivially within bound: most results are the correctly rounded ones
    assert np.mean(d == 0) > 0.6


@pytest.mark.parametrize("name", FUNCS + ["softplus"])
def test_float32_within_stated_ulps(name):
    x = inputs(name, np.float32)
    if name in ("sin", "cos"):
        x = x[~(np.abs(x) > vm.SINCOS_MAX)]
    got = apply(name, x).astype(np.float32)
    assert got.dtype == np.float32
    with np.errstate(all="ignore"):
        ref = REF[name](x.astype(np.float64)).astype(np.float32)
        if name == "sigmoid":   # SciPy's float32 expit: 0 where float32's exp(-x) overflows
            ref[scipy_special.expit(x) == 0] = 0
        d = ulps(got, ref)
        assert d.max() <= vm.ACCURACY_ULP["float32"][name], (name, x[np.argmax(d)])
        if name in vm.ACCURACY_ULP["float32 vs float32 ufunc"]:
            d32 = ulps(got, REF[name](x))
            assert d32.max() <= vm.ACCURACY_ULP["float32 vs float32 ufunc"][name]


def test_exp_and_log_are_within_one_ulp_on_dense_ranges():
    # the ranges where the reductions switch (k changes, m crosses sqrt(2))
    x = np.linspace(-2.0, 2.0, 400_001)
    assert ulps(apply("exp", x), REF["exp"](x)).max() <= 1
    y = np.linspace(0.5, 2.0, 400_001)
    assert ulps(apply("log", y), REF["log"](y)).max() <= 1
    assert ulps(apply("log1p", x[x > -1]), REF["log1p"](x[x > -1])).max() <= 1
    assert ulps(apply("expm1", x), REF["expm1"](x)).max() <= 1


# ---- special values -------------------------------------------------------------------------------

SPECIAL = {
    "exp": [(np.inf, np.inf), (-np.inf, 0.0), (0.0, 1.0), (-0.0, 1.0), (710.0, np.inf),
            (709.79, np.inf), (1e300, np.inf), (-746.0, 0.0), (-1e300, 0.0), (5e-324, 1.0),
            (-745.1332191019411, 5e-324)],
    "log": [(0.0, -np.inf), (-0.0, -np.inf), (-1.0, np.nan), (-np.inf, np.nan), (np.inf, np.inf),
            (1.0, 0.0), (-5e-324, np.nan)],
    "log1p": [(-1.0, -np.inf), (-2.0, np.nan), (-np.inf, np.nan), (np.inf, np.inf), (0.0, 0.0),
              (-0.0, -0.0), (1e-310, 1e-310), (-1e-310, -1e-310), (5e-324, 5e-324)],
    "expm1": [(0.0, 0.0), (-0.0, -0.0), (np.inf, np.inf), (-np.inf, -1.0), (710.0, np.inf),
              (-50.0, -1.0), (1e-310, 1e-310), (-5e-324, -5e-324)],
    "sin": [(0.0, 0.0), (-0.0, -0.0), (np.inf, np.nan), (-np.inf, np.nan), (1e-310, 1e-310),
            (-5e-324, -5e-324)],
    "cos": [(0.0, 1.0), (-0.0, 1.0), (np.inf, np.nan), (-np.inf, np.nan), (1e-310, 1.0)],
    "tanh": [(0.0, 0.0), (-0.0, -0.0), (np.inf, 1.0), (-np.inf, -1.0), (30.0, 1.0),
             (-30.0, -1.0), (1e-310, 1e-310), (-5e-324, -5e-324)],
    "sigmoid": [(np.inf, 1.0), (-np.inf, 0.0), (0.0, 0.5), (-800.0, 0.0), (800.0, 1.0)],
    "softplus": [(np.inf, np.inf), (-np.inf, 0.0), (0.0, np.log(2.0)), (-800.0, 0.0),
                 (800.0, 800.0)],
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values_as_numpy(name):
    x = np.array([a for a, _ in SPECIAL[name]] + [np.nan])
    want = np.array([b for _, b in SPECIAL[name]] + [np.nan])
    got = apply(name, x)
    with np.errstate(all="ignore"):
        ref = REF[name](x)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, ref)                  # NumPy gives these too
    num = ~np.isnan(ref)
    assert list(np.signbit(got[num])) == list(np.signbit(ref[num]))   # signed zeros included


def test_subnormal_results_as_numpy():
    x = np.linspace(-745.2, -708.3, 100_001)
    assert ulps(apply("exp", x), np.exp(x)).max() <= 1
    assert (apply("exp", x) > 0).sum() == (np.exp(x) > 0).sum()
    y = np.exp(np.linspace(np.log(5e-324), np.log(2.3e-308), 10_001))
    assert ulps(apply("log", y), np.log(y)).max() <= 1
    assert ulps(apply("expm1", -y), np.expm1(-y)).max() == 0
    x32 = np.linspace(-104, -87, 10_001).astype(np.float32)
    assert ulps(apply("exp", x32).astype(np.float32), np.exp(x32.astype(float)).astype(np.float32)).max() <= 1


def test_sin_cos_outside_the_vector_range_use_the_careful_functions():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-1e6, 1e6, 1000), np.exp(rng.uniform(14, 700, 1000)),
                        -np.exp(rng.uniform(14, 700, 1000)), [np.inf, -np.inf, np.nan, 1e22]])
    inside = np.abs(x) <= vm.SINCOS_MAX

    @numba.njit
    def careful(a):
        s = np.empty_like(a)
        c = np.empty_like(a)
        far = np.empty(a.shape[0], np.int64)
        for j in range(a.shape[0]):
            s[j] = vm.sin_careful(a[j])
            c[j] = vm.cos_careful(a[j])
            far[j] = vm.sin_outside(a[j])
        return s, c, far

    s, c, far = careful(x)
    assert list(far) == list((np.abs(x) > vm.SINCOS_MAX) & np.isfinite(x))
    assert ulps(s, np.sin(x)).max() <= 2 and ulps(c, np.cos(x)).max() <= 2
    # inside the range, the careful functions are the vector ones, bit for bit
    np.testing.assert_array_equal(s[inside], apply("sin", x[inside]))
    np.testing.assert_array_equal(c[inside], apply("cos", x[inside]))
    # the vector functions alone give nan outside (never a silently wrong number)
    assert np.isnan(apply("sin", x[~inside])).all()


# ---- vectorization -----------------------------------------------------------------------------------


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 vector ISA")
@pytest.mark.parametrize("name", ["exp_ir", "log_ir", "log1p_ir", "sin_ir", "tanh_ir"])
def test_loop_of_a_function_is_vectorized_without_calls(name):
    fn = getattr(vm, name)

    @numba.njit(error_model="numpy")
    def loop(a, out):
        for j in range(a.shape[0]):
            out[j] = fn(a[j])

    a = np.linspace(0.1, 2, 64)
    out = np.empty_like(a)
    loop(a, out)
    llvm = loop.inspect_llvm(loop.signatures[0])
    import re

    assert re.search(r"<(2|4|8) x double>", llvm), "the loop was not vectorized"
    assert re.search(r"fmul <(2|4|8) x double>", llvm)
    # no call of a C library function (or of an LLVM math intrinsic that would become one)
    calls = set(re.findall(r"call [^@]*@([\w.]+)", llvm))
    assert not {c for c in calls if re.search(r"(exp|log|sin|cos|tanh)", c)}, calls
    np.testing.assert_array_equal(out, apply(name[:-3], a))


# ---- fused kernels of compiled functions -------------------------------------------------------------

NB = theano.Mode("numba", "fast_run")
PY = theano.Mode(linker="py")


def _two_step(name, x, y):
    """A fused two-step chain ``f(x) * y`` (y = 1 in the comparisons: the product is exact)."""
    if name == "sigmoid":
        return T.nnet.sigmoid(x) * y if hasattr(T, "nnet") and hasattr(T.nnet, "sigmoid") \
            else T.sigmoid(x) * y
    if name == "softplus":
        return T.softplus(x) * y if hasattr(T, "softplus") else T.nnet.softplus(x) * y
    return getattr(T, name)(x) * y


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", FUNCS + ["softplus"])
def test_fused_kernel_matches_reference_vm_within_stated_ulps(name, dtype):
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    out = _two_step(name, x, y)
    f = theano.function([x, y], out, mode=NB)
    ref = theano.function([x, y], out, mode=PY)
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1 and isinstance(nodes[0].op, Elemwise)
    runner = nbe.ElemwiseRunner(nodes[0])
    assert "_vm." in runner.kernel_source        # the kernel calls vmath
    xv = inputs(name, np.dtype(dtype).type, n=20_000, seed=1)
    if name in ("sin", "cos"):
        xv = np.concatenate([xv, np.array([1e7, -3e15, 1e300], dtype=dtype)])
    ones = np.ones_like(xv)
    with np.errstate(all="ignore"):
        want = ref(xv, ones)
    got = [f(xv, ones) for _ in range(3)]
    for g in got[1:]:                             # the same bits at every call
        np.testing.assert_array_equal(g, got[0])
    assert got[0].dtype == want.dtype
    key = "float64" if dtype == "float64" else "float32 vs float32 ufunc"
    bound = vm.ACCURACY_ULP[key].get(name, vm.ACCURACY_ULP["float64"][name])
    if dtype == "float64" and name in ("exp", "log", "log1p", "expm1"):
        # the kernel within its bound of the correctly rounded values, and so within one more
        # ULP of the reference VM (NumPy's float64 functions are within 1 ULP of them too)
        d = ulps(got[0], REF[name](xv) * ones)
        assert d.max() <= bound, (name, dtype, xv[np.argmax(d)], d.max())
        bound += 1
    d = ulps(got[0], want)
    assert d.max() <= bound, (name, dtype, xv[np.argmax(d)], d.max())
    # the kernel computes what vmath's function computes, bit for bit (on sizes below the static
    # size where the cost table sends the node to NumPy's ufuncs, if it has one)
    if dtype == "float64" and name not in ("sin", "cos"):
        small = xv[:max(1, min(xv.size, int(min(runner.numpy_above, 1e9)) - 1))]
        np.testing.assert_array_equal(f(small, np.ones_like(small)), apply(name, small))


def test_benchmark_chain_is_one_vmath_kernel_at_every_size():
    x, y = T.dvector("x"), T.dvector("y")
    out = T.exp(-x ** 2) * T.sin(y) + T.log1p(abs(x * y)) / (1 + y ** 2)
    f = theano.function([x, y], out, mode=NB)
    ref = theano.function([x, y], out, mode=PY)
    node = f.maker.fgraph.toposort()[-1]
    runner = nbe.ElemwiseRunner(node)
    # a static choice: the vmath loop beats NumPy's ufuncs at every size (sin dominates)
    assert runner.path == "kernel" and runner.numpy_above == np.inf
    assert runner.path_label() == "kernel"
    rng = np.random.default_rng(0)
    xv, yv = rng.standard_normal(300_000), rng.standard_normal(300_000)
    a = f(xv, yv)
    b = ref(xv, yv)
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)   # a sum of two terms: cancellation
    np.testing.assert_array_equal(f(xv, yv), a)
    # a prefix gives the same bits as the same elements of the whole (no size-dependent path)
    np.testing.assert_array_equal(f(xv[:1000], yv[:1000]), a[:1000])
    # a huge sin argument takes the careful loop for every element: the others keep their bits
    yb = yv.copy()
    yb[[7, 100_000]] = [1e12, np.inf]
    c = f(xv, yb)
    keep = np.ones(xv.size, bool)
    keep[[7, 100_000]] = False
    np.testing.assert_array_equal(c[keep], a[keep])
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(c[~keep], ref(xv, yb)[~keep], rtol=1e-15)


@pytest.mark.parametrize("ndim", [1, 2])
def test_guarded_kernel_in_place_reads_its_inputs_before_writing(ndim):
    # sin(x) * y + x written into x's buffer: the careful second loop must read the original x
    x = T.TensorType("float64", (False,) * ndim)("x")
    y = T.TensorType("float64", (False,) * ndim)("y")
    fg = theano.function([x, y], T.sin(x) * y + x, mode=NB).maker.fgraph
    fused = fg.toposort()[-1]
    comp = fused.op.scalar_op                     # the optimizer's Composite
    assert len(comp.fgraph.toposort()) >= 2
    order = [list(fused.inputs).index(v) for v in fg.inputs]
    assert sorted(order) == [0, 1]
    op = Elemwise(comp, inplace_pattern={0: order[0]})
    node = op.make_node(*[x, y] if order == [0, 1] else [y, x])
    from theano.link.numba.dispatch import numba_funcify

    fn = numba_funcify(node.op, node)
    rng = np.random.default_rng(5)
    shape = (50,) if ndim == 1 else (5, 10)
    xv = rng.uniform(-10, 10, shape)
    xv.flat[3] = 3e9   # outside the vector range of sin
    yv = rng.standard_normal(shape)
    want = np.sin(xv) * yv + xv
    args = (lambda b: (b, yv)) if order == [0, 1] else (lambda b: (yv, b))
    buf = xv.copy()
    res = fn(*args(buf))
    assert res is buf
    assert ulps(buf, want).max() <= 2
    buf2 = xv.copy()
    fn(*args(buf2))
    np.testing.assert_array_equal(buf2, buf)


def test_float32_heavy_chain_keeps_its_static_size_rule():
    # float32 tanh/exp: NumPy's float32 SIMD ufuncs are faster per element than vmath's float64
    # evaluation, so big inputs run the NumPy program: a size fixed by the cost table
    x = T.fvector("x")
    f = theano.function([x], T.tanh(x) * T.exp(x) + T.tanh(x * 2), mode=NB)
    runner = nbe.ElemwiseRunner(f.maker.fgraph.toposort()[-1])
    assert runner.path == "kernel" and 0 < runner.numpy_above < np.inf
    again = nbe.ElemwiseRunner(f.maker.fgraph.toposort()[-1])
    assert again.numpy_above == runner.numpy_above       # static facts only


def test_kernel_source_changes_with_vmath():
    # the digest of vmath.py is in every kernel's source (so in its cache key)
    assert vm.SOURCE_DIGEST in "\n".join(nbe.KERNEL_HEADER)


def test_custom_template_is_not_replaced_by_vmath(monkeypatch):
    from theano.link.numba import kernels

    assert nbe.vmath_expr(ts.exp, ["a0"], ["float64"], "float64") == "_vm.exp_ir(np.float64(a0))"
    assert nbe.vmath_expr(ts.exp, ["a0"], ["bool"], "float16") is None
    # a template registered for the op class wins over vmath
    monkeypatch.setitem(kernels._TABLE, type(ts.exp), "math.exp(({0}) * 1.0)")
    assert nbe.vmath_expr(ts.exp, ["a0"], ["float64"], "float64") is None
