"""Contract helpers shared by the op tests: values vs a NumPy reference on every backend, shapes from
``infer_shape`` vs the real shapes, and gradients vs finite differences.

A test of a new op is one ``OpCase`` row:

    OpCase("exp", lambda x: T.exp(x), np.exp, [rand(3, 4)], dtypes=("float64", "float32"))

and ``check_case(case)`` runs every check on it.
"""

import numpy as np

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.reshaping import shape_i

# Each linker the whole op suite runs on. 'auto' is the default FAST_RUN backend.
LINKERS = ("py", "auto")
MODES = {
    "py": lambda: theano.Mode(linker="py", optimizer="None"),
    "py_opt": lambda: theano.Mode(linker="py", optimizer="fast_run"),
    "auto": lambda: theano.Mode(linker="auto", optimizer="fast_run"),
}
# The other paths users can get, which compare_backends adds after 'auto' (see expand_modes): the
# native backend's per-node code (ufuncs, fused kernels, NumPy-fused programs) without the
# whole-graph tier that small inputs get under 'auto', every Elemwise through its Numba kernel,
# and JAX.
PATH_MODES = {
    "numba_nodes": lambda: theano.Mode(linker="numba", optimizer="fast_run"),
    "numba_kernels": lambda: theano.Mode(linker="numba", optimizer="fast_run"),
    "jax": lambda: theano.Mode(linker="jax", optimizer="fast_run"),
}
# config flags in force while a mode's function is compiled (each path is chosen then)
MODE_FLAGS = {
    "numba_nodes": {"numba__whole_graph": False},
    "numba_kernels": {"numba__whole_graph": False, "numba__force_kernels": True},
}


def _available(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def value_modes():
    """The linkers a value test runs on: 'py', 'auto' and, when JAX is installed, 'jax'."""
    return ("py", "auto") + (("jax",) if _available("jax") else ())


def value_mode(name):
    """A fresh Mode for one of ``value_modes()``."""
    return (MODES.get(name) or PATH_MODES[name])()


def expand_modes(modes):
    """``modes`` with, after 'auto', every other path users can get: the per-node and forced-kernel
    paths of the native backend, and JAX when it is installed."""
    out = list(modes)
    if "auto" in out:
        extra = []
        if _available("numba"):
            extra += ["numba_nodes", "numba_kernels"]
        if _available("jax"):
            extra.append("jax")
        out += [m for m in extra if m not in out]
    return tuple(out)


def _path_differs(m, auto_fn):
    """Whether mode ``m`` runs some node another way than 'auto' did (else it is skipped)."""
    if auto_fn is None:
        return True
    thunk = auto_fn.maker.thunk
    if m == "numba_nodes":
        return hasattr(thunk, "graph_source")      # 'auto' ran the whole-graph tier
    if m == "numba_kernels":
        paths = [p for _, p in getattr(thunk, "node_paths", [])]
        return any("ufunc" in p or "numpy-fused" in p for p in paths)
    return True


def compile_mode(m, inputs, outputs, **kwargs):
    """``theano.function`` on mode ``m`` (with its flags while compiling)."""
    make = MODES[m] if m in MODES else PATH_MODES[m]
    with theano.config.change_flags(**MODE_FLAGS.get(m, {})):
        return theano.function(inputs, outputs, mode=make(), **kwargs)


def assert_same_bits(a, b, err_msg=""):
    """Two results of one compiled function on the same inputs: identical, NaNs included (an
    output may be a strided view, such as a column of an intermediate)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, err_msg
    if a.dtype.kind in "fc":
        np.testing.assert_array_equal(a.reshape(-1).view(np.uint8), b.reshape(-1).view(np.uint8),
                                      err_msg=err_msg)
    else:
        np.testing.assert_array_equal(a, b, err_msg=err_msg)


def rng(seed=1234):
    return np.random.RandomState(seed)


def rand(*shape, dtype="float64", low=-1.0, high=1.0, seed=None):
    r = rng(seed if seed is not None else 1234 + len(shape))
    return r.uniform(low, high, size=shape).astype(dtype)


def rand_pos(*shape, dtype="float64", seed=None):
    return rand(*shape, dtype=dtype, low=0.1, high=2.0, seed=seed)


def central_differences(fn, x, eps=1e-6):
    """The gradient of the NumPy-valued scalar function ``fn`` at the array ``x`` by central
    differences (each entry moved by ``eps`` both ways), of ``x``'s shape and dtype."""
    x = np.asarray(x)
    g = np.zeros_like(x)
    for k in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[k] += eps
        down[k] -= eps
        g[k] = (fn(up) - fn(down)) / (2 * eps)
    return g


def rand_int(*shape, low=-5, high=5, dtype="int64", seed=None):
    r = rng(seed if seed is not None else 99 + len(shape))
    return r.randint(low, high, size=shape).astype(dtype)


def sym_like(value, name=None):
    """A symbolic variable with the dtype and ndim of ``value`` (no broadcastable dims)."""
    value = np.asarray(value)
    return T.TensorType(value.dtype, (False,) * value.ndim)(name)


def tolerance(dtype):
    return (1e-4, 1e-5) if str(dtype) in ("float32", "float16", "complex64") else (1e-7, 1e-9)


def assert_allclose(actual, expected, dtype=None, rtol=None, atol=None, err_msg=""):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    r, a = tolerance(dtype or actual.dtype)
    np.testing.assert_allclose(actual, expected, rtol=rtol or r, atol=atol or a, equal_nan=True,
                               err_msg=err_msg)


def compare_backends(inputs, outputs, values, modes=("py", "py_opt", "auto"), expected=None,
                     check_dtype=True, rtol=None, atol=None, givens=None):
    """Compile the graph on each mode, run it on ``values`` and check all agree (and with
    ``expected`` when given). Returns the results of the first mode."""
    single = not isinstance(outputs, (list, tuple))
    modes = expand_modes(modes)
    results = {}
    auto_fn = None
    for m in modes:
        if m in MODE_FLAGS and not _path_differs(m, auto_fn):
            continue
        f = compile_mode(m, inputs, outputs, on_unused_input="ignore", givens=givens)
        if m == "auto":
            auto_fn = f
        out = f(*[np.copy(v) if isinstance(v, np.ndarray) else v for v in values])
        out = [out] if single else list(out)
        # a second call on the same values gives the same bits (the path is fixed at compile time)
        again = f(*[np.copy(v) if isinstance(v, np.ndarray) else v for v in values])
        for k, (a, b) in enumerate(zip(out, [again] if single else again)):
            if isinstance(a, np.ndarray) or np.isscalar(a):
                assert_same_bits(b, a, err_msg=f"mode {m}, output {k}: second call differs")
        results[m] = out
    first = results[modes[0]]
    outs = [outputs] if single else outputs
    for m in results:
        for k, (a, b) in enumerate(zip(results[m], first)):
            assert np.shape(a) == np.shape(b), f"mode {m}, output {k}: shape {np.shape(a)} != {np.shape(b)}"
            assert_allclose(a, b, dtype=outs[k].dtype, rtol=rtol, atol=atol, err_msg=f"mode {m} output {k}")
            if check_dtype:
                assert np.asarray(a).dtype == np.dtype(outs[k].dtype), \
                    f"mode {m} output {k}: dtype {np.asarray(a).dtype} != declared {outs[k].dtype}"
    if expected is not None:
        exp = [expected] if single else expected
        for k, (a, e) in enumerate(zip(first, exp)):
            assert np.shape(a) == np.shape(e), f"output {k}: shape {np.shape(a)} != expected {np.shape(e)}"
            assert_allclose(a, e, dtype=outs[k].dtype, rtol=rtol, atol=atol, err_msg=f"output {k} vs reference")
    return first[0] if single else first


def check_infer_shape(inputs, outputs, values):
    """Check that each output's op.infer_shape gives the real output shape."""
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for out in outputs:
        node = out.owner
        if node is None:
            continue
        in_shapes = [tuple(shape_i(i, d) for d in range(i.ndim)) if hasattr(i, "ndim") else None
                     for i in node.inputs]
        shapes = node.op.infer_shape(node, in_shapes)
        sym = T.as_tensor_variable(shapes[node.outputs.index(out)]) if out.ndim else None
        mode = theano.Mode(linker="py", optimizer="None")
        f_val = theano.function(inputs, out, mode=mode, on_unused_input="ignore")
        real = np.shape(f_val(*values))
        if sym is None:
            assert real == (), f"{node.op}: expected a scalar output, got shape {real}"
            continue
        f_shape = theano.function(inputs, T.cast(sym, "int64") if sym.ndim else sym, mode=mode,
                                  on_unused_input="ignore")
        got = tuple(int(s) for s in np.asarray(f_shape(*values)).reshape(-1))
        assert got == tuple(real), f"{node.op}.infer_shape gave {got}, real shape {real}"


class OpCase:
    """One row of an op test table."""

    def __init__(self, name, build, reference, values, dtypes=None, grad=True, infer_shape=True,
                 grad_values=None, rtol=None, atol=None, eps=None, modes=("py", "py_opt", "auto")):
        self.name = name
        self.build = build            # function of symbolic inputs -> symbolic output(s)
        self.reference = reference    # function of ndarrays -> expected ndarray(s)
        self.values = values          # list of ndarrays (float64 unless cast by dtypes)
        self.dtypes = dtypes or (None,)
        self.grad = grad
        self.infer_shape = infer_shape
        self.grad_values = grad_values
        self.rtol, self.atol, self.eps = rtol, atol, eps
        self.modes = modes

    def __repr__(self):
        return f"OpCase({self.name})"


def _cast_values(values, dtype):
    if dtype is None:
        return [np.asarray(v) for v in values]
    out = []
    for v in values:
        v = np.asarray(v)
        out.append(v.astype(dtype) if v.dtype.kind == "f" else v)
    return out


def check_case(case):
    """Values on every mode vs the reference, infer_shape, and verify_grad, for each dtype."""
    for dtype in case.dtypes:
        values = _cast_values(case.values, dtype)
        syms = [sym_like(v, f"in{k}") for k, v in enumerate(values)]
        out = case.build(*syms)
        expected = case.reference(*[np.copy(v) for v in values])
        compare_backends(syms, out, values, modes=case.modes, expected=expected, rtol=case.rtol,
                         atol=case.atol)
        if case.infer_shape:
            check_infer_shape(syms, out, values)
        if case.grad and (dtype is None or str(dtype).startswith("float")):
            gvals = _cast_values(case.grad_values or case.values, dtype)
            float_pos = [k for k, v in enumerate(gvals) if v.dtype.kind == "f"]

            def fn(*fsyms, _gvals=gvals, _pos=float_pos):
                args = []
                it = iter(fsyms)
                for k, v in enumerate(_gvals):
                    args.append(next(it) if k in _pos else T.constant(v))
                r = case.build(*args)
                return r[0] if isinstance(r, (list, tuple)) else r

            verify_grad(fn, [gvals[k] for k in float_pos], eps=case.eps, rng=np.random.RandomState(7),
                        mode=theano.Mode(linker="py", optimizer="None"))
            if "jax" in expand_modes(case.modes) and float_pos:
                check_grad_on_jax(fn, [gvals[k] for k in float_pos], dtype)


def check_grad_on_jax(fn, values, dtype=None):
    """The gradient graph of ``sum(fn(*inputs) * r)`` (r a fixed random weight) on the JAX backend
    gives the reference VM's values, called twice."""
    syms = [sym_like(v, f"g{k}") for k, v in enumerate(values)]
    out = fn(*syms)
    r = np.random.RandomState(11).uniform(0.5, 1.5, size=[int(s) for s in np.shape(
        compile_mode("py", syms, out, on_unused_input="ignore")(*values))])
    cost = (out * T.constant(r.astype(out.dtype) if out.dtype.startswith("float") else r)).sum()
    grads = theano.grad(cost, syms, disconnected_inputs="ignore")
    ref = compile_mode("py", syms, grads, on_unused_input="ignore")(*values)
    f = compile_mode("jax", syms, grads, on_unused_input="ignore")
    for _ in range(2):
        for k, (a, b) in enumerate(zip(f(*[np.copy(v) for v in values]), ref)):
            assert np.shape(a) == np.shape(b), f"jax gradient {k}: shape {np.shape(a)} != {np.shape(b)}"
            assert_allclose(a, b, dtype=dtype or np.asarray(b).dtype, err_msg=f"jax gradient {k}")


def run_python(code, timeout=600):
    """Run ``code`` in a fresh Python process that imports this checkout's theano; the completed
    process (a crash or an abort there does not take the test run with it)."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=timeout)

