"""The generated call path of a compiled function (Function._build_fast_call): its own class's
__call__ with the backend's straight-line body inlined. Values against NumPy, 50 calls with
identical bits, arguments by position, name and default, errors with their node, updates
written only by a call that succeeds, outputs that never alias storage, threads, pickling."""

import pickle
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.function import Function

NUMBA = theano.Mode("numba", "fast_run")
PY = theano.Mode(linker="py")


@pytest.mark.parametrize("mode", [NUMBA, PY], ids=["numba", "py"])
def test_scalar_call_matches_numpy_and_repeats_bit_for_bit(mode):
    x = T.dscalar("x")
    f = theano.function([x], x * 2, mode=mode)
    assert isinstance(f, Function) and type(f).__name__ == "Function"
    for arg in (np.array(1.5), np.float64(1.5), 1.5, 3):
        out = f(arg)
        assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.float64
        assert out == np.float64(arg) * 2
    first = f(np.array(0.1))
    for _ in range(50):
        assert f(np.array(0.1)).tobytes() == first.tobytes()
    # wrong arguments: the usual messages
    with pytest.raises(TypeError, match="at most 1 argument"):
        f(1.0, 2.0)
    with pytest.raises(TypeError, match="missing a value"):
        f()
    with pytest.raises(TypeError, match="unexpected keyword"):
        f(y=1.0)
    assert f(x=2.5) == 5.0


@pytest.mark.parametrize("mode", [NUMBA, PY], ids=["numba", "py"])
def test_defaults_keywords_and_several_outputs(mode):
    x, y = T.dvector("x"), T.dvector("y")
    f = theano.function([x, theano.In(y, value=np.array([1.0, 2.0, 3.0]))],
                        [x * y + 1, (x - y).sum()], mode=mode)
    xv = np.array([0.5, -1.0, 2.0])
    for args, kwargs, yv in [((xv,), {}, np.array([1.0, 2.0, 3.0])),
                             ((xv, xv), {}, xv),
                             ((), {"x": xv, "y": xv * 3}, xv * 3),
                             ((xv,), {"y": xv + 1}, xv + 1)]:
        a, b = f(*args, **kwargs)
        np.testing.assert_array_equal(a, xv * yv + 1)
        np.testing.assert_allclose(b, (xv - yv).sum(), rtol=1e-15)
    d = theano.function([x], {"double": x * 2, "sum": x.sum()}, mode=mode)
    out = d(xv)
    np.testing.assert_array_equal(out["double"], xv * 2)
    np.testing.assert_allclose(out["sum"], xv.sum())


def test_kernel_rebound_at_the_first_call_runs_on_every_later_call():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2.0 + 1.0, mode=NUMBA)
    xv = np.linspace(-2, 2, 1000)
    first = f(xv)
    np.testing.assert_allclose(first, np.exp(xv) * 2.0 + 1.0, rtol=1e-14)
    env = f._fast_method.__globals__
    # the kernel compiled by the first call is the global the inlined body calls
    assert not env.get("_F_pending")
    for name in [k for k in env if k.startswith("f") and k[1:].isdigit()]:
        assert env[name] is f.maker.thunk.__globals__[name]
    for _ in range(50):
        assert f(xv).tobytes() == first.tobytes()


def test_an_error_in_the_inlined_body_names_its_node():
    x, y = T.dvector("x"), T.dvector("y")
    f = theano.function([x, y], T.exp(x) * y, mode=NUMBA)
    assert "inline" in vars(f.maker.thunk)
    with pytest.raises(ValueError, match="Apply node that caused the error"):
        f(np.ones(3), np.ones(4))
    np.testing.assert_allclose(f(np.zeros(2), np.ones(2)), [1.0, 1.0])


@pytest.mark.parametrize("mode", [NUMBA, PY], ids=["numba", "py"])
def test_updates_only_after_a_call_that_succeeds(mode):
    s = theano.shared(np.array([1.0, 2.0]), name="s")
    n = theano.shared(np.int64(0), name="n")
    x = T.dvector("x")
    f = theano.function([x], (s * x).sum(), updates=[(s, s + x), (n, n + 1)], mode=mode)
    out = f(np.array([1.0, 1.0]))
    assert out == 3.0
    np.testing.assert_array_equal(s.get_value(), [2.0, 3.0])
    with pytest.raises(ValueError):
        f(np.ones(3))
    np.testing.assert_array_equal(s.get_value(), [2.0, 3.0])
    assert n.get_value() == 1
    f(np.array([0.5, 0.5]))
    np.testing.assert_array_equal(s.get_value(), [2.5, 3.5])
    assert n.get_value() == 2


@pytest.mark.parametrize("mode", [NUMBA, PY], ids=["numba", "py"])
def test_outputs_never_alias_inputs_or_shared_values(mode):
    s = theano.shared(np.array([1.0, 2.0]), name="s")
    x = T.dvector("x")
    f = theano.function([x], [x, s], mode=mode)
    xv = np.array([5.0, 6.0])
    a, b = f(xv)
    a[:] = 0
    b[:] = 0
    np.testing.assert_array_equal(xv, [5.0, 6.0])
    np.testing.assert_array_equal(s.get_value(borrow=True), [1.0, 2.0])
    # a value set with borrow=True is read as it is: the call sees later in-place changes
    v = np.array([3.0, 4.0])
    s.set_value(v, borrow=True)
    g = theano.function([], s * 2, mode=mode)
    np.testing.assert_array_equal(g(), [6.0, 8.0])
    v[0] = 10.0
    np.testing.assert_array_equal(g(), [20.0, 8.0])


def test_trust_input_pickling_and_copies_keep_a_working_call_path():
    x = T.dvector("x")
    f = theano.function([x], x * 3.0, mode=NUMBA)
    xv = np.array([1.0, 2.0])
    f.trust_input = True
    np.testing.assert_array_equal(f(xv), [3.0, 6.0])
    f.trust_input = False
    np.testing.assert_array_equal(f([1, 2]), [3.0, 6.0])     # converted again
    g = pickle.loads(pickle.dumps(f))
    assert type(g) is not type(f) and isinstance(g, Function)
    np.testing.assert_array_equal(g(xv), [3.0, 6.0])
    h = f.copy()
    assert type(h) is not type(f)
    (out,) = h(xv)          # a copy returns its outputs in a list, as in Theano 1.0
    np.testing.assert_array_equal(out, [3.0, 6.0])
    np.testing.assert_array_equal(f(xv), [3.0, 6.0])


def test_profiled_function_keeps_the_recording_call():
    x = T.dvector("x")
    f = theano.function([x], x + 1.0, mode=NUMBA, profile=True)
    assert type(f) is Function
    for _ in range(3):
        np.testing.assert_array_equal(f(np.zeros(2)), [1.0, 1.0])
    assert f.profile.fct_callcount == 3


@pytest.mark.parametrize("mode", [NUMBA, PY], ids=["numba", "py"])
def test_threads_calling_one_function_get_their_own_results(mode):
    x, y = T.dvector("x"), T.dscalar("y")
    f = theano.function([x, y], (x * y + 1.0).sum() * y, mode=mode)
    xv = np.linspace(0, 1, 7)
    bad = []

    def work(k):
        for j in range(200):
            yv = float(k * 1000 + j)
            if f(xv, yv) != (xv * yv + 1.0).sum() * yv:
                bad.append((k, j))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "float32", "float64", "bool"])
def test_numpy_scalar_arguments_keep_their_dtype(dtype):
    x = T.scalar("x", dtype=dtype)
    y = T.vector("y", dtype=dtype)
    outs = [x * 1, (y * x).sum(), x]
    f = theano.function([x, y], outs, mode=NUMBA)
    ref = theano.function([x, y], outs, mode=PY)
    s = np.dtype(dtype).type(1)
    v = np.ones(3, dtype=dtype)
    got = f(s, v)
    assert got[2].dtype == np.dtype(dtype) and got[2].shape == () and got[2] == s
    for a, b in zip(got, ref(s, v)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    # a NumPy scalar whose value the input's dtype cannot hold exactly is refused (np.float64(0.5)
    # fits a float32 input and is taken, as in Theano 1.0)
    with pytest.raises(TypeError):
        f(np.float64(0.1) if dtype != "float64" else np.complex128(1j), v)
    if dtype == "float32":
        assert f(np.float64(0.5), v)[2] == 0.5
